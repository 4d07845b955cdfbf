"""One company against the network, for its confidential benchmark report.

Everything here compares one company with the network as a whole; nothing identifies
another company. The network figures need at least ``MIN_NETWORK_COMPANIES`` surveyed
companies (with fewer, "the network minus you" would reveal the others), and the company's
own worker figures obey the same ``min_cell`` rule as every published figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipeline.analyse.analysis.survey import PROPORTION_INTERVAL
from pipeline.analyse.stats import SurveyDesign, survey_mean, survey_proportion, top_box
from pipeline.codebook import ACTIVE_STATUSES, Codebook

#: Fewest surveyed companies for a network comparison that reveals no single other company.
MIN_NETWORK_COMPANIES = 3


def company_measures(company_survey: pd.DataFrame, company_id: str,
                     codebook: Codebook, lang: str = "it") -> pd.DataFrame:
    """The company's answer for every measure of the taxonomy, with the network's adoption.

    Returns
    -------
    pandas.DataFrame
        ``area``, ``measure``, ``label``, ``status`` (the company's code, NA if not asked),
        ``network_share_active`` (share of surveyed companies with the measure active, 0-1).
    """
    row = company_survey.loc[company_survey["company_id"] == company_id]
    if row.empty:
        raise KeyError(f"company {company_id!r} did not answer the company survey")
    rows = []
    for m in codebook.measures:
        col = f"m_{m['measure_code']}"
        if col not in company_survey.columns:
            continue
        answers = company_survey[col]
        rows.append({
            "area": m["area_code"],
            "measure": m["measure_code"],
            "label": m[f"measure_label_{lang}"],
            "status": row[col].iloc[0],
            "network_share_active": float(answers.isin(ACTIVE_STATUSES).sum() / answers.notna().sum())
            if answers.notna().any() else np.nan,
        })
    return pd.DataFrame(rows)


#: Share of the network's companies offering a measure above which its absence in a company
#: is pointed out to that company (a gap the network has mostly closed).
GAP_NETWORK_SHARE = 0.5


def network_gaps(measures: pd.DataFrame, *, share: float = GAP_NETWORK_SHARE) -> pd.DataFrame:
    """Measures the company does not have active while most of the network does.

    Takes the per-measure table of the company (``status``, ``network_share_active``) and
    keeps the rows where the company's status is not active and at least ``share`` (0-1)
    of the network's companies that answered have the measure active.
    """
    return measures[~measures["status"].isin(ACTIVE_STATUSES)
                    & (measures["network_share_active"] >= share)]


def areas_summary(measures: pd.DataFrame, codebook: Codebook, lang: str = "it") -> pd.DataFrame:
    """Per area: the company's active measures and the measures of the area."""
    active = measures.assign(active=measures["status"].isin(ACTIVE_STATUSES))
    table = active.groupby("area", sort=False).agg(
        active=("active", "sum"), measures=("measure", "size")).reset_index()
    table["area_label"] = table["area"].map({k: v[lang] for k, v in codebook.areas().items()})
    return table[["area", "area_label", "active", "measures"]]


def needs_vs_network(workers: pd.DataFrame, design: SurveyDesign, company_id: str,
                     measures: Sequence[str], *, threshold: int = 3,
                     method: str = PROPORTION_INTERVAL) -> pd.DataFrame:
    """Share rating each measure important: the company's workers and the whole network.

    Both are domain estimates on the full design (the company is a stratum, so its own
    estimate is exactly its post-stratified share, with the finite population correction),
    with the pipeline's interval (``method``, default Korn-Graubard: defined also when all
    or none of the company's respondents rate a measure important).

    Returns
    -------
    pandas.DataFrame
        ``measure``, ``scope`` (``company`` or ``network``), ``estimate``, ``se``,
        ``ci_low``, ``ci_high``, ``n``.
    """
    columns = [f"need_imp_{m}" for m in measures]
    scope = pd.Series(np.where(workers["company_id"] == company_id, "company", "other"),
                      index=workers.index)
    own = top_box(workers.assign(scope=scope), columns, design=design, threshold=threshold,
                  by="scope", include_overall=True, method=method)
    own = own[own["group"].isin(["company", "all"])].copy()
    own["scope"] = own["group"].map({"company": "company", "all": "network"})
    own["measure"] = own["variable"].str.removeprefix("need_imp_")
    return own[["measure", "scope", "estimate", "se", "ci_low", "ci_high", "n"]].reset_index(
        drop=True)


def balance_vs_network(workers: pd.DataFrame, design: SurveyDesign, company_id: str, *,
                       method: str = PROPORTION_INTERVAL) -> pd.DataFrame:
    """Work-to-family conflict (mean, 1-7) and good fit of hours (share): company vs network.

    The share's interval is ``method`` (default the pipeline's, Korn-Graubard).
    """
    mine = (workers["company_id"] == company_id).to_numpy()
    frames = []
    for scope, domain in (("company", mine), ("network", None)):
        wfc = survey_mean(design, workers["wfc_score"], domain=domain)
        fit = survey_proportion(design, workers["wlb_fit_good"].astype("Float64"),
                                domain=domain, method=method)
        frames += [wfc.assign(indicator="wfc_score", scope=scope),
                   fit.assign(indicator="wlb_fit_good", scope=scope)]
    out = pd.concat(frames, ignore_index=True)
    return out[["indicator", "scope", "estimate", "se", "ci_low", "ci_high", "n"]]


def network_is_large_enough(company_survey: pd.DataFrame) -> bool:
    """Whether network comparisons can be shown without revealing another company."""
    return company_survey["company_id"].nunique() >= MIN_NETWORK_COMPANIES


def company_needs_published(needs: pd.DataFrame) -> bool:
    """Whether the company's needs can be charted against the network's.

    ``needs`` is :func:`needs_vs_network` after the small-cell rule (withheld estimates
    NaN). The chart needs at least one of the company's shares; a measure with too few
    valid answers just has no company dot.
    """
    return bool(needs.loc[needs["scope"] == "company", "estimate"].notna().any())


def company_balance_published(balance: pd.DataFrame) -> bool:
    """Whether the company's work-life balance can be put beside the network's.

    ``balance`` is :func:`balance_vs_network` after the small-cell rule (withheld
    estimates NaN). The sentence names both indicators, so every one of the company's
    estimates must be published.
    """
    return bool(balance.loc[balance["scope"] == "company", "estimate"].notna().all())
