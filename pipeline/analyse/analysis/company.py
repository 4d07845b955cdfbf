"""One company against the other companies of the network, for its confidential report.

A company's report is read by that company only, so it may show that company's own
answers and scores; what it shows of the network must not let the company learn the
answer of any other single company. The rules, each a pure function below:

* **The network a company is compared with is the other companies.** The company's own
  answer never enters a network figure (with it, "75 % of the network" in a network of
  four, read by a company without the measure, says the three others all have it).
* **At least** :data:`MIN_OTHER_COMPANIES` **other companies** answered the company
  questionnaire, or the report shows no network figure at all
  (:func:`network_is_large_enough`). Five, like the default ``min_cell`` of respondents:
  the fewest companies whose quartiles (:mod:`.company_position`) are not read off two or
  three scores.
* **A share of companies is withheld when it would reveal the others**
  (:func:`share_withheld_reason`): when none or all of the companies compared have the
  measure (every other company's answer follows), or when exactly one has it or exactly
  one has not (that single company is singled out): at least
  :data:`MIN_COMPANIES_PER_SIDE` companies on each side. The reason is kept, and the
  report says it.
* **Figures about the others' workers** come from at least :data:`MIN_OTHER_COMPANIES`
  other companies (:func:`needs_vs_others`, :func:`balance_vs_others`) and, like the
  company's own workers' figures, from at least ``min_cell`` respondents (the caller's
  :meth:`pipeline.notebook.WaveContext.publishable`).

The company's position on the maturity score is in :mod:`.company_position`, its previous
wave in :mod:`.company_history`, its workers' uncovered needs and the measures of similar
companies in :mod:`.company_actions`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipeline.analyse.analysis.survey import PROPORTION_INTERVAL
from pipeline.analyse.stats import SurveyDesign, survey_mean, survey_proportion, top_box
from pipeline.codebook import ACTIVE_STATUSES, Codebook

#: Fewest OTHER companies (the company itself never counts) that answered the company
#: questionnaire for a report to compare the company with the network.
MIN_OTHER_COMPANIES = 5
#: Fewest companies on each side of a share of companies (with the measure, without it):
#: 0 or all reveals every other company's answer, 1 or all but 1 singles one company out.
MIN_COMPANIES_PER_SIDE = 2
#: Why a share of companies is withheld (the catalogue has a sentence for each).
WITHHELD_REASONS = ("too_few", "none", "all", "one", "all_but_one")


def company_name(companies: pd.DataFrame, company_id: str) -> str | None:
    """The company's name (``companies.name``, "Ragione sociale"), or ``None`` if unknown.

    The name is data: the caller escapes it where it enters Markdown or HTML. Blank or
    missing names (the column is optional) give ``None``.
    """
    if "name" not in companies.columns:
        return None
    names = companies.loc[companies["company_id"] == company_id, "name"].dropna()
    name = " ".join(str(names.iloc[0]).split()) if len(names) else ""
    return name or None


def other_companies(company_survey: pd.DataFrame, company_id: str) -> pd.DataFrame:
    """The company questionnaire without the company's own row: the network it is compared
    with."""
    return company_survey[company_survey["company_id"] != company_id]


def network_is_large_enough(company_survey: pd.DataFrame, company_id: str, *,
                            minimum: int = MIN_OTHER_COMPANIES) -> bool:
    """Whether at least ``minimum`` other companies answered (network figures may be shown)."""
    return other_companies(company_survey, company_id)["company_id"].nunique() >= minimum


def share_withheld_reason(k: int, n: int, *, minimum: int = MIN_OTHER_COMPANIES,
                          per_side: int = MIN_COMPANIES_PER_SIDE) -> str | None:
    """Why ``k`` of ``n`` other companies may not be published, or ``None`` if it may.

    Parameters
    ----------
    k
        Companies with the trait (e.g. the measure active).
    n
        Companies that answered (the company itself excluded).
    minimum, per_side
        :data:`MIN_OTHER_COMPANIES`, :data:`MIN_COMPANIES_PER_SIDE`.

    Returns
    -------
    str or None
        ``"too_few"`` (``n < minimum``), ``"none"`` (``k = 0``), ``"all"`` (``k = n``),
        ``"one"`` / ``"all_but_one"`` (fewer than ``per_side`` companies with / without
        the trait), else ``None``.
    """
    if n < minimum:
        return "too_few"
    if k == 0:
        return "none"
    if k == n:
        return "all"
    if k < per_side:
        return "one"
    if n - k < per_side:
        return "all_but_one"
    return None


def company_shares(others: pd.DataFrame, measures: Sequence[str]) -> pd.DataFrame:
    """Share of the given companies with each measure active, withheld where it reveals them.

    Parameters
    ----------
    others
        Rows of the company questionnaire (``m_<MEASURE>``), never the reader's company.
    measures
        Measure codes; those without a column are left out.

    Returns
    -------
    pandas.DataFrame
        ``measure``, ``n`` (companies that answered), ``k`` (with it active), ``share``
        (``k / n``, 0-1; NaN when withheld) and ``withheld`` (a reason of
        :func:`share_withheld_reason`, or NA).
    """
    rows = []
    for m in measures:
        col = f"m_{m}"
        if col not in others.columns:
            continue
        answers = others[col].dropna()
        n, k = len(answers), int(answers.isin(ACTIVE_STATUSES).sum())
        reason = share_withheld_reason(k, n)
        rows.append({"measure": m, "n": n, "k": k,
                     "share": k / n if reason is None else np.nan,
                     "withheld": reason if reason is not None else pd.NA})
    out = pd.DataFrame(rows, columns=["measure", "n", "k", "share", "withheld"])
    out["withheld"] = out["withheld"].astype("string")
    return out


def company_measures(company_survey: pd.DataFrame, company_id: str,
                     codebook: Codebook, lang: str = "it") -> pd.DataFrame:
    """The company's own answer for every measure of the taxonomy.

    Returns
    -------
    pandas.DataFrame
        ``area``, ``measure``, ``label``, ``status`` (the company's code; NA if not
        answered), ``active`` (bool).

    Raises
    ------
    KeyError
        The company did not answer the company questionnaire.
    """
    row = company_survey.loc[company_survey["company_id"] == company_id]
    if row.empty:
        raise KeyError(f"company {company_id!r} did not answer the company survey")
    rows = [{"area": m["area_code"], "measure": m["measure_code"],
             "label": m[f"measure_label_{lang}"], "status": row[f"m_{m['measure_code']}"].iloc[0]}
            for m in codebook.measures if f"m_{m['measure_code']}" in company_survey.columns]
    out = pd.DataFrame(rows, columns=["area", "measure", "label", "status"])
    out["active"] = out["status"].isin(ACTIVE_STATUSES)
    return out


def areas_summary(measures: pd.DataFrame, codebook: Codebook, lang: str = "it") -> pd.DataFrame:
    """Per area: the company's active measures and the measures of the area."""
    table = measures.groupby("area", sort=False).agg(
        active=("active", "sum"), measures=("measure", "size")).reset_index()
    table["area_label"] = table["area"].map({k: v[lang] for k, v in codebook.areas().items()})
    return table[["area", "area_label", "active", "measures"]]


def _other_worker_companies(workers: pd.DataFrame, company_id: str) -> int:
    return int(workers.loc[workers["company_id"] != company_id, "company_id"].nunique())


def needs_vs_others(workers: pd.DataFrame, design: SurveyDesign, company_id: str,
                    measures: Sequence[str], *, threshold: int = 3,
                    method: str = PROPORTION_INTERVAL) -> pd.DataFrame:
    """Share rating each measure important: the company's workers and the other companies'.

    Both are domain estimates on the full design (the company is a stratum, so its own
    estimate is exactly its post-stratified share, with the finite population correction),
    with the pipeline's interval (``method``, default Korn-Graubard: defined also when all
    or none of the company's respondents rate a measure important). The others' rows are
    blanked (NaN, ``n`` kept) when their workers come from fewer than
    :data:`MIN_OTHER_COMPANIES` companies.

    Returns
    -------
    pandas.DataFrame
        ``measure``, ``scope`` (``company`` or ``others``), ``estimate``, ``se``,
        ``ci_low``, ``ci_high``, ``n`` (respondents with a valid answer); a scope without
        respondents has no rows.
    """
    columns = [f"need_imp_{m}" for m in measures]
    scope = pd.Series(np.where(workers["company_id"] == company_id, "company", "others"),
                      index=workers.index)
    out = top_box(workers.assign(scope=scope), columns, design=design, threshold=threshold,
                  by="scope", include_overall=False, method=method)
    out = out.rename(columns={"group": "scope"})
    out["measure"] = out["variable"].str.removeprefix("need_imp_")
    out = out[["measure", "scope", "estimate", "se", "ci_low", "ci_high", "n"]]
    return _withhold_few_others(out, workers, company_id)


def _withhold_few_others(table: pd.DataFrame, workers: pd.DataFrame,
                         company_id: str) -> pd.DataFrame:
    out = table.reset_index(drop=True).copy()
    if _other_worker_companies(workers, company_id) < MIN_OTHER_COMPANIES:
        others = out["scope"] == "others"
        out.loc[others, ["estimate", "se", "ci_low", "ci_high"]] = np.nan
    return out


def balance_vs_others(workers: pd.DataFrame, design: SurveyDesign, company_id: str, *,
                      method: str = PROPORTION_INTERVAL) -> pd.DataFrame:
    """Work-to-family conflict (mean, 1-7) and good fit of hours (share, 0-1): the
    company's workers and the other companies' (blanked as in :func:`needs_vs_others`).

    The share's interval is ``method`` (default the pipeline's, Korn-Graubard).
    """
    mine = (workers["company_id"] == company_id).to_numpy()
    frames = []
    for scope, domain in (("company", mine), ("others", ~mine)):
        if not domain.any():
            continue
        wfc = survey_mean(design, workers["wfc_score"], domain=domain)
        fit = survey_proportion(design, workers["wlb_fit_good"].astype("Float64"),
                                domain=domain, method=method)
        frames += [wfc.assign(indicator="wfc_score", scope=scope),
                   fit.assign(indicator="wlb_fit_good", scope=scope)]
    columns = ["indicator", "scope", "estimate", "se", "ci_low", "ci_high", "n"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)[columns]
    return _withhold_few_others(out, workers, company_id)


def company_needs_published(needs: pd.DataFrame) -> bool:
    """Whether the company's needs can be charted against the others'.

    ``needs`` is :func:`needs_vs_others` after the small-cell rule (withheld estimates
    NaN). The chart needs at least one of the company's shares and one of the others'; a
    measure with too few valid answers just has no dot.
    """
    def shown(scope: str) -> bool:
        return bool(needs.loc[needs["scope"] == scope, "estimate"].notna().any())
    return shown("company") and shown("others")


def company_balance_published(balance: pd.DataFrame) -> bool:
    """Whether the company's work-life balance can be put beside the others'.

    ``balance`` is :func:`balance_vs_others` after the small-cell rule (withheld
    estimates NaN). The sentence names both indicators for both, so all four estimates
    must be published.
    """
    pairs = {(i, s) for i in ("wfc_score", "wlb_fit_good") for s in ("company", "others")}
    shown = balance.dropna(subset=["estimate"])
    return pairs <= set(zip(shown["indicator"], shown["scope"], strict=True))
