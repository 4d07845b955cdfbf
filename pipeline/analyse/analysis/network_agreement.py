"""What a territorial (second-level) agreement could contain.

A measure is a candidate for the territorial agreement (:func:`agreement_candidates`) when
its need is high across many companies and its current coverage low. The rule's three
numbers are parameters (the network notebook's ``agreement_rule``; defaults in
:data:`DEFAULT_AGREEMENT_RULE`): in at least half of the surveyed companies (with at least
``min_respondents`` valid answers) at least half of the employees (weighted share) rate
it important, and it is active in fewer than a third of the companies that answered
about it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pipeline.analyse.stats import SurveyDesign
from pipeline.codebook import ACTIVE_STATUSES

ACTIVE = ACTIVE_STATUSES  # the codebook's definition
#: Default rule of the agreement candidates: ``need_share`` (a company's need is high when
#: at least this share of its employees rate the measure important), ``min_share_companies``
#: (share of the assessed companies with a high need), ``max_active_share`` (coverage below).
DEFAULT_AGREEMENT_RULE: dict[str, float] = {
    "need_share": 0.5, "min_share_companies": 0.5, "max_active_share": 1 / 3,
}


def company_need_shares(
    workers: pd.DataFrame,
    design: SurveyDesign,
    measures: Sequence[str],
    *,
    threshold: int = 3,
) -> pd.DataFrame:
    """Weighted share of each company's employees rating each measure important.

    CONFIDENTIAL (one row per company): an input of :func:`agreement_candidates`, not for
    publication. Returns ``company_id, measure, share, n`` (valid answers).
    """
    w = pd.Series(design.weights, index=design.index).reindex(workers.index)
    frames = []
    for m in measures:
        need = workers[f"need_imp_{m}"].astype("Float64")
        valid = need.notna()
        d = pd.DataFrame({"company_id": workers.loc[valid, "company_id"],
                          "w": w[valid], "y": (need[valid] >= threshold).astype(float)})
        g = d.assign(wy=d["w"] * d["y"]).groupby("company_id")
        t = pd.DataFrame({"share": g["wy"].sum() / g["w"].sum(), "n": g.size()})
        frames.append(t.reset_index().assign(measure=m))
    return pd.concat(frames, ignore_index=True)[["company_id", "measure", "share", "n"]]


def agreement_candidates(
    need_shares: pd.DataFrame,
    company_survey: pd.DataFrame,
    *,
    rule: Mapping[str, float] = DEFAULT_AGREEMENT_RULE,
    min_respondents: int = 5,
) -> pd.DataFrame:
    """Measures with high need across many companies and low current coverage.

    Parameters
    ----------
    need_shares
        :func:`company_need_shares`.
    company_survey
        The company questionnaire (``m_<MEASURE>``).
    rule
        ``need_share`` (a company has a high need when at least this share of its
        employees rate the measure important), ``min_share_companies`` (share of the
        assessed companies with a high need), ``max_active_share`` (coverage below this).
    min_respondents
        Companies with fewer valid answers on a measure are not assessed for it.

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``companies_assessed``, ``companies_high_need``,
        ``share_high_need``, ``companies_answered``, ``companies_active``,
        ``share_active``, ``candidate`` (both conditions met), sorted candidates first,
        then by ``share_high_need``.
    """
    rows = []
    for m, part in need_shares.groupby("measure", sort=False):
        assessed = part[part["n"] >= min_respondents]
        high = int((assessed["share"] >= rule["need_share"]).sum())
        col = f"m_{m}"
        status = company_survey[col] if col in company_survey.columns else pd.Series(
            dtype="str")
        answered = int(status.notna().sum())
        active = int(status.isin(ACTIVE).sum())
        share_high = high / len(assessed) if len(assessed) else np.nan
        share_active = active / answered if answered else np.nan
        rows.append({"measure": m, "companies_assessed": len(assessed),
                     "companies_high_need": high, "share_high_need": share_high,
                     "companies_answered": answered, "companies_active": active,
                     "share_active": share_active,
                     "candidate": bool(share_high >= rule["min_share_companies"]
                                       and share_active < rule["max_active_share"])})
    out = pd.DataFrame(rows)
    return out.sort_values(["candidate", "share_high_need"], ascending=[False, False],
                           kind="stable").reset_index(drop=True)




def agreement_choice(candidates: pd.DataFrame) -> pd.DataFrame:
    """The measures of :func:`agreement_candidates` that meet the rule, in its order."""
    return candidates[candidates["candidate"]]
