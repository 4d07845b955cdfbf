"""The proposals of the guidelines that do not concern shared services: what a territorial
agreement could contain and what the next wave should measure.

Part of :mod:`pipeline.analyse.analysis.guidelines` (which re-exports these names): one
tidy record per proposal, with the numbers the summary's templates write.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

#: A change is worth chasing with a larger survey when it needs at most this many times
#: the answers of this wave.
MAX_ANSWERS_FACTOR = 4.0


def agreement_proposals(agreement: pd.DataFrame | None, min_cell: int = 5) -> list[dict[str, Any]]:
    """One record per candidate of the territorial agreement (the network section's rule):
    the shares and the counts of companies (counts below ``min_cell`` blanked)."""
    if agreement is None or not len(agreement):
        return []
    def shown(n: Any) -> int | None:
        return None if pd.isna(n) or int(n) < min_cell else int(n)

    rows = []
    for r in agreement[agreement["candidate"].astype(bool)].itertuples():
        rows.append({"kind": "agreement", "measure": r.measure,
                     "share_high_need": float(r.share_high_need),
                     "companies_high_need": shown(r.companies_high_need),
                     "companies_assessed": shown(r.companies_assessed),
                     "share_active": float(r.share_active),
                     "companies_active": shown(r.companies_active)})
    return rows


def measure_proposals(changes: pd.DataFrame | None, indicators: pd.DataFrame | None,
                      wave: str | None = None, *,
                      max_factor: float = MAX_ANSWERS_FACTOR) -> list[dict[str, Any]]:
    """What to measure at the next wave.

    With a comparison with the previous wave (``monitoring_changes``, all respondents):
    one ``measure_change`` per indicator whose change is not distinguishable from chance,
    with ``answers_factor``, how many times this wave's answers would make the interval of
    a change as large as the observed one exclude zero, assuming the interval narrows with
    the square root of the answers (more companies as well as more workers; the
    multiple-comparison correction asks for more); ``answers_needed`` when the factor is
    at most ``max_factor``. At the first wave (no comparison): one ``measure_baseline`` per
    indicator of ``monitoring_indicators`` (all respondents, this wave), the value the next
    wave compares with.
    """
    if changes is not None and len(changes):
        keep = changes["scope"] == "all"
        if "comparison" in changes:
            keep &= changes["comparison"] == "previous"
        rows = []
        for r in changes[keep & changes["estimate"].notna()].itertuples():
            if bool(r.improved) or bool(r.worse):
                continue
            half = (r.ci_high - r.ci_low) / 2
            factor = (half / abs(r.estimate)) ** 2 if r.estimate else math.inf
            n = getattr(r, "n_cur", r.n)
            rows.append({"kind": "measure_change", "measure": r.indicator, "scale": r.kind,
                         "estimate": r.estimate, "ci_low": r.ci_low, "ci_high": r.ci_high,
                         "previous": getattr(r, "estimate_prev", np.nan),
                         "current": getattr(r, "estimate_cur", np.nan), "n": n,
                         "answers_factor": factor,
                         "answers_needed": n * max(factor, 1.0) if factor <= max_factor
                         else np.nan})
        return rows
    if indicators is None or not len(indicators):
        return []
    now = indicators[(indicators["scope"] == "all") & indicators["estimate"].notna()]
    if wave is not None and "wave" in now:
        now = now[now["wave"] == wave]
    return [{"kind": "measure_baseline", "measure": r.indicator, "scale": r.kind,
             "estimate": r.estimate, "ci_low": r.ci_low, "ci_high": r.ci_high, "n": r.n}
            for r in now.itertuples()]
