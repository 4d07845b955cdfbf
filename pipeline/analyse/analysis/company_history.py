"""A company against its own previous wave: its maturity then and now, the measures it
activated or dropped since.

Only the company's own answers of both waves are compared, so nothing here concerns
another company. The previous wave is the one ``wave.yaml`` names as ``previous_wave``
(read like the monitoring section reads it: its processed tables). Where the company
stands in it (:func:`history_state`):

* ``baseline``: the wave has no processed previous wave;
* ``new_to_network``: the company was not a network member at the previous wave (not in
  its mapping, or mapped with ``in_network`` false);
* ``first_survey``: it was a member but did not answer the company questionnaire;
* ``surveyed``: it answered both times: score, class and measures are compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.analyse.analysis.company_position import others_quartiles
from pipeline.analyse.analysis.measures_maturity import MATURITY_CLASSES
from pipeline.codebook import ACTIVE_STATUSES, Codebook
from pipeline.config import get_paths
from pipeline.wave import WaveData, read_processed

#: How a measure changed between two waves (the catalogue has a label for each).
CHANGES = ("activated", "extended", "narrowed", "dropped")
HISTORY_STATES = ("baseline", "new_to_network", "first_survey", "surveyed")
#: A change of the score smaller than this (points, 0-100) is "unchanged": the report
#: writes scores with one decimal.
SAME_SCORE = 0.05


def previous_wave_data(previous_wave: str | None,
                       previous_processed_dir: str | Path | None = None) -> WaveData | None:
    """The processed previous wave (tables and meta), or ``None`` when there is none.

    ``previous_processed_dir`` defaults to the project's ``data/processed/<wave>``; a
    folder without a processed wave (no ``manifest.json``) counts as no previous wave.
    """
    if not previous_wave:
        return None
    folder = (Path(previous_processed_dir) if previous_processed_dir
              else get_paths().processed_wave(str(previous_wave)))
    if not (folder / "manifest.json").exists():
        return None
    return read_processed(folder)


def history_state(previous: Mapping[str, pd.DataFrame] | None, company_id: str) -> str:
    """Where the company stands in the previous wave: one of :data:`HISTORY_STATES`.

    ``previous`` is the previous wave's tables (``company_survey``, ``companies``), or
    ``None`` when there is no previous wave.
    """
    if previous is None:
        return "baseline"
    if company_id in set(previous["company_survey"]["company_id"]):
        return "surveyed"
    companies = previous.get("companies", pd.DataFrame(columns=["company_id"]))
    row = companies.loc[companies["company_id"] == company_id]
    member = (not row.empty and "in_network" in row.columns
              and bool(row["in_network"].fillna(False).iloc[0]))
    return "first_survey" if member else "new_to_network"


@dataclass(frozen=True)
class MaturityChange:
    """The company's maturity score (0-100) and class at the previous wave and now.

    ``change`` is the difference in points (now minus then); ``steps`` the number of
    classes gained (negative: lost).
    """

    score_then: float
    class_then: str
    score_now: float
    class_now: str

    @property
    def change(self) -> float:
        return self.score_now - self.score_then

    @property
    def steps(self) -> int:
        return MATURITY_CLASSES.index(self.class_now) - MATURITY_CLASSES.index(self.class_then)

    @property
    def direction(self) -> str:
        """``"up"``, ``"down"``, or ``"same"`` when the change is under
        :data:`SAME_SCORE` points (the report writes scores with one decimal)."""
        if abs(self.change) < SAME_SCORE:
            return "same"
        return "up" if self.change > 0 else "down"


def maturity_change(scores_then: pd.DataFrame, scores_now: pd.DataFrame,
                    company_id: str) -> MaturityChange:
    """The company's row of :func:`.measures_maturity.maturity_scores` in both waves.

    Raises
    ------
    KeyError
        The company has no score in one of the waves.
    """
    def row(scores: pd.DataFrame, when: str) -> pd.Series:
        found = scores.loc[scores["company_id"] == company_id]
        if found.empty:
            raise KeyError(f"company {company_id!r} has no maturity score {when}")
        return found.iloc[0]

    then, now = row(scores_then, "at the previous wave"), row(scores_now, "in this wave")
    return MaturityChange(float(then["score"]), str(then["maturity_class"]),
                          float(now["score"]), str(now["maturity_class"]))


def _change(before: object, after: object) -> str | None:
    was, now = before in ACTIVE_STATUSES, after in ACTIVE_STATUSES
    if not was and now:
        return "activated"
    if was and not now:
        return "dropped"
    if before == "active_some" and after == "active_all":
        return "extended"
    if before == "active_all" and after == "active_some":
        return "narrowed"
    return None


def measure_changes(survey_then: pd.DataFrame, survey_now: pd.DataFrame, company_id: str,
                    codebook: Codebook, lang: str = "it") -> pd.DataFrame:
    """The measures whose state changed in the company between the two waves.

    A measure counts when the company answered it both times: ``activated`` (not active
    then, active now), ``dropped`` (the reverse), ``extended`` (from some to all
    employees), ``narrowed`` (from all to some). Planned and absent are both "not active".

    Returns
    -------
    pandas.DataFrame
        ``area``, ``measure``, ``label``, ``before``, ``after`` (adoption codes),
        ``change`` (one of :data:`CHANGES`), in the order of :data:`CHANGES` then the
        taxonomy's.
    """
    then = survey_then.loc[survey_then["company_id"] == company_id]
    now = survey_now.loc[survey_now["company_id"] == company_id]
    columns = ["area", "measure", "label", "before", "after", "change"]
    if then.empty or now.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for m in codebook.measures:
        col = f"m_{m['measure_code']}"
        if col not in then.columns or col not in now.columns:
            continue
        before, after = then[col].iloc[0], now[col].iloc[0]
        if pd.isna(before) or pd.isna(after):
            continue
        change = _change(before, after)
        if change is not None:
            rows.append({"area": m["area_code"], "measure": m["measure_code"],
                         "label": m[f"measure_label_{lang}"], "before": before,
                         "after": after, "change": change})
    out = pd.DataFrame(rows, columns=columns)
    order = out["change"].map({c: i for i, c in enumerate(CHANGES)})
    return out.assign(_o=order).sort_values("_o", kind="stable").drop(columns="_o") \
        .reset_index(drop=True)


def others_median_then_now(scores_then: pd.DataFrame, scores_now: pd.DataFrame,
                           company_id: str) -> tuple[float, float]:
    """Harrell-Davis median score of the other companies at the previous wave and now.

    The context of the company's own change ("the others rose too"); NaN for a wave with
    fewer than :data:`.company.MIN_OTHER_COMPANIES` other companies.
    """
    def median(scores: pd.DataFrame) -> float:
        others = scores.loc[scores["company_id"] != company_id, "score"]
        return others_quartiles(others)[1] if len(others) else np.nan

    return median(scores_then), median(scores_now)
