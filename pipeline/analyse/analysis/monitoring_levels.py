"""Monitoring, the levels: the worker indicators of each wave and their trend.

Design-based estimates, each wave on its own default design, as the other sections give
them (the method of :mod:`pipeline.analyse.analysis.monitoring`): one wave by scope
(:func:`worker_indicators`), the waves compared (:func:`indicator_levels`) and every wave
of the chain (:func:`indicator_trend`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pipeline.analyse.analysis.monitoring_panel import INDICATORS, indicator_values
from pipeline.analyse.analysis.monitoring_waves import by_wave
from pipeline.analyse.analysis.survey import PROPORTION_INTERVAL
from pipeline.analyse.stats import SurveyDesign, survey_mean, survey_proportion

__all__ = ["INDICATOR_COLUMNS", "indicator_levels", "indicator_trend", "worker_indicators"]

#: ``{wave: (workers, design)}``, oldest first: the input of the levels of several waves.
WaveDesigns = Mapping[str, tuple[pd.DataFrame, SurveyDesign]]
#: Columns of :func:`worker_indicators`.
INDICATOR_COLUMNS = ["indicator", "scope", "estimate", "se", "ci_low", "ci_high", "df", "n",
                     "n_companies", "kind", "better"]


def worker_indicators(
    workers: pd.DataFrame,
    design: SurveyDesign,
    *,
    scopes: Mapping[str, Sequence[str] | None] | None = None,
    indicators: Sequence[str] = tuple(INDICATORS),
    min_companies: int = 3,
    level: float = 0.95,
) -> pd.DataFrame:
    """Key worker indicators of one wave, design-based, for each scope.

    Parameters
    ----------
    workers
        The typed worker table of the wave (the design's rows).
    design
        Its default design (:func:`pipeline.analyse.stats.survey_design`).
    scopes
        ``{name: company ids}``; ``None`` as ids means every worker. Default
        ``{"all": None}``. Each scope is a domain of the full design.
    indicators
        Keys of :data:`~pipeline.analyse.analysis.monitoring_panel.INDICATORS`.
    min_companies
        Scopes with fewer companies are withheld (NA estimates and ``n``).
    level
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        ``indicator, scope, estimate, se, ci_low, ci_high, df, n, n_companies, kind,
        better``: means on the indicator's scale, proportions as shares (0-1, with the
        published Korn-Graubard interval); an
        indicator without any answer in the scope (a question not asked in the wave) has
        NA estimates and ``n`` 0 (``df`` 0).
    """
    scopes = {"all": None} if scopes is None else scopes
    rows = []
    for scope, ids in scopes.items():
        domain = (pd.Series(True, index=workers.index) if ids is None
                  else workers["company_id"].isin(list(ids)))
        n_comp = int(workers.loc[domain, "company_id"].nunique())
        for ind in indicators:
            kind, better = INDICATORS[ind]
            y = indicator_values(workers, ind)
            # not asked in this wave, or no answer in the scope: NA estimates and n 0
            if kind == "proportion":
                t = survey_proportion(design, y.astype("Float64"), domain=domain, level=level,
                                      method=PROPORTION_INTERVAL)
            else:
                t = survey_mean(design, y.astype("Float64"), domain=domain, level=level)
            r = t.iloc[0]
            row = {"indicator": ind, "scope": scope, "estimate": r["estimate"], "se": r["se"],
                   "ci_low": r["ci_low"], "ci_high": r["ci_high"], "df": r["df"],
                   "n": int(r["n"]), "n_companies": n_comp, "kind": kind, "better": better}
            if n_comp < min_companies:
                row.update({k: np.nan for k in ("estimate", "se", "ci_low", "ci_high", "df",
                                                "n")})
            rows.append(row)
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def indicator_levels(waves: WaveDesigns, **options: Any) -> pd.DataFrame:
    """:func:`worker_indicators` of several waves in one table, with the column ``wave``.

    Parameters
    ----------
    waves
        ``{wave: (workers, design)}``, oldest first; each design is the wave's own default
        design (as :func:`~pipeline.analyse.analysis.monitoring_panel.prepare_wave`
        returns it; :meth:`MonitoredWaves.designs
        <pipeline.analyse.analysis.monitoring_waves.MonitoredWaves.designs>`).
    **options
        Keywords of :func:`worker_indicators` (``scopes``, ``indicators``,
        ``min_companies``, ``level``), the same for every wave.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`worker_indicators` then ``wave``, wave after wave; empty
        (those columns) without waves.
    """
    if not waves:
        return pd.DataFrame(columns=[*INDICATOR_COLUMNS, "wave"])
    return by_wave({label: worker_indicators(w, d, **options)
                    for label, (w, d) in waves.items()})


def indicator_trend(waves: WaveDesigns, **options: Any) -> pd.DataFrame:
    """Levels of the worker indicators in every wave of a chain (scope ``all``).

    :func:`indicator_levels` over every respondent (``options`` without ``scopes``), the
    wave's rank first.

    Returns
    -------
    pandas.DataFrame
        One row per wave x indicator: ``wave``, ``wave_order`` (0 = oldest) and the
        columns of :func:`worker_indicators` (scope ``all``; means on the indicator's
        scale, proportions as shares 0-1).
    """
    if "scopes" in options:
        raise TypeError("indicator_trend() covers every worker (scope 'all'): no scopes")
    levels = indicator_levels(waves, **options)
    order = {label: i for i, label in enumerate(waves)}
    levels["wave_order"] = levels["wave"].map(order).astype("int64")
    return levels[["wave", "wave_order", *INDICATOR_COLUMNS]]
