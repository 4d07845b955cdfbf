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
  other companies (:func:`needs_by_company`, :func:`balance_by_company`) and, like the
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
from pipeline.analyse.stats import (
    SurveyDesign,
    stratum_complements,
    survey_mean,
    survey_proportion,
    top_box,
)
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


# --- the workers: the company's and the other companies', every company at once -------------
_ESTIMATE = ["estimate", "se", "ci_low", "ci_high"]


def _check_company_strata(workers: pd.DataFrame, design: SurveyDesign) -> None:
    """The others of a company are the complement of its stratum: the strata must be the
    companies (:func:`pipeline.analyse.analysis.survey.wave_design`)."""
    strata = np.asarray(design.stratum_labels, dtype=object)[design.strata]
    if len(strata) != len(workers) or not np.array_equal(
            strata, workers["company_id"].to_numpy(dtype=object)):
        raise ValueError("the design's strata must be the workers' companies "
                         "(the wave's design: pipeline.analyse.analysis.survey.wave_design)")


def _company_ids(workers: pd.DataFrame, design: SurveyDesign,
                 company_ids: Sequence[str] | None) -> pd.Index:
    """The companies asked for (default: every company with workers), once the design's
    strata are checked to be the companies."""
    _check_company_strata(workers, design)
    if company_ids is None:
        return pd.Index(workers["company_id"].drop_duplicates().sort_values(), dtype=object)
    return pd.Index(pd.unique(pd.Series(list(company_ids), dtype=object)), dtype=object)


def _others_of(complements: pd.DataFrame, ids: pd.Index) -> pd.DataFrame:
    """The complement row of each company (the whole design for a company without workers)."""
    position = pd.Index(complements["group"].iloc[:-1]).get_indexer(ids)
    position[position < 0] = len(complements) - 1  # the last row: no stratum left out
    out = complements.iloc[position].drop(columns="group").reset_index(drop=True)
    out.insert(0, "company_id", list(ids))
    return out


def _withhold_few_others(table: pd.DataFrame, workers: pd.DataFrame) -> pd.DataFrame:
    """Blank the others' estimates of a company whose others' workers come from fewer than
    :data:`MIN_OTHER_COMPANIES` companies (``n`` kept: how many is not secret)."""
    present = set(workers["company_id"].unique())
    total = len(present)
    others = table["company_id"].map(lambda c: total - (c in present))
    out = table.copy()
    out.loc[(out["scope"] == "others") & (others < MIN_OTHER_COMPANIES), _ESTIMATE] = np.nan
    return out


def _finish(out: pd.DataFrame, workers: pd.DataFrame, ids: pd.Index, key: str,
            sort_by: list[str]) -> pd.DataFrame:
    """The rows in the order of ``ids``, then of ``sort_by``; the blanking rule; the
    companies the table was computed for (``attrs["company_ids"]``, for
    :func:`of_company`)."""
    out = out.assign(_company=out["company_id"].map({c: i for i, c in enumerate(ids)}))
    out = out.sort_values(["_company", *sort_by], kind="stable")
    out = out[["company_id", key, "scope", *_ESTIMATE, "n"]].reset_index(drop=True)
    out["n"] = out["n"].astype(np.int64)
    out = _withhold_few_others(out, workers)
    out.attrs["company_ids"] = tuple(ids)
    return out


def needs_by_company(workers: pd.DataFrame, design: SurveyDesign, measures: Sequence[str], *,
                     company_ids: Sequence[str] | None = None, threshold: int = 3,
                     method: str = PROPORTION_INTERVAL) -> pd.DataFrame:
    """Share rating each measure important, for each company: its workers and the others'.

    Both are domain estimates on the full design (the company is a stratum, so its own
    estimate is exactly its post-stratified share, with the finite population correction),
    with the pipeline's interval (``method``, default Korn-Graubard: defined also when all
    or none of the company's respondents rate a measure important). The others are every
    other company's workers (:func:`pipeline.analyse.stats.estimates.stratum_complements`:
    one pass over the rows for all the companies, where one domain estimate per company
    would read the wave once per company). Their rows are blanked (NaN, ``n`` kept) when
    their workers come from fewer than :data:`MIN_OTHER_COMPANIES` companies.

    Parameters
    ----------
    workers : pandas.DataFrame
        The wave's worker answers (``company_id``, ``need_imp_<MEASURE>`` on the 1-4 scale).
    design : SurveyDesign
        The wave's design (:func:`pipeline.analyse.analysis.survey.wave_design`): its strata
        are the companies.
    measures : sequence of str
        Measure codes asked to the workers.
    company_ids : sequence of str, optional
        The companies wanted (default: every company with workers). A company without
        workers has only ``others`` rows: every worker of the wave.
    threshold, method
        Lowest answer counted as "important" (3 on the 1-4 scale) and the interval.

    Returns
    -------
    pandas.DataFrame
        ``company_id``, ``measure``, ``scope`` (``company`` or ``others``), ``estimate``,
        ``se``, ``ci_low``, ``ci_high`` (shares 0-1), ``n`` (respondents with a valid
        answer); a scope without valid answers has no row.

    Raises
    ------
    ValueError
        If the design's strata are not the workers' companies.
    """
    ids = _company_ids(workers, design, company_ids)
    columns = [f"need_imp_{m}" for m in measures]
    own = top_box(workers, columns, design=design, threshold=threshold, by="company_id",
                  include_overall=False, method=method)
    own = own.rename(columns={"group": "company_id"})
    own = own[own["company_id"].isin(ids)].assign(scope="company")
    frames = [own]
    for column in columns:
        y = workers[column].astype("Float64") >= threshold
        others = _others_of(stratum_complements(design, y.rename(column), proportion=True,
                                                method=method), ids)
        frames.append(others.assign(scope="others"))
    out = pd.concat(frames, ignore_index=True)
    out = out[out["n"] > 0]
    out["measure"] = out["variable"].str.removeprefix("need_imp_")
    order = {m: i for i, m in enumerate(dict.fromkeys(measures))}
    return _finish(out.assign(_measure=out["measure"].map(order)), workers, ids, "measure",
                   ["_measure", "scope"])


def balance_by_company(workers: pd.DataFrame, design: SurveyDesign, *,
                       company_ids: Sequence[str] | None = None,
                       method: str = PROPORTION_INTERVAL) -> pd.DataFrame:
    """Work-to-family conflict (mean, 1-7) and good fit of hours (share, 0-1), for each
    company: its workers and the other companies' (blanked as in :func:`needs_by_company`).

    The share's interval is ``method`` (default the pipeline's, Korn-Graubard); the mean's
    is t with the domain's degrees of freedom. A scope with workers but no valid answer
    has its rows, with NaN estimates and ``n`` 0; a scope without workers has none.

    Returns
    -------
    pandas.DataFrame
        ``company_id``, ``indicator`` (``wfc_score``, ``wlb_fit_good``), ``scope``,
        ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``.

    Raises
    ------
    ValueError
        If the design's strata are not the workers' companies.
    """
    ids = _company_ids(workers, design, company_ids)
    sizes = workers["company_id"].value_counts()
    wfc = workers["wfc_score"].astype("Float64")
    fit = workers["wlb_fit_good"].astype("Float64")
    own = {
        "wfc_score": survey_mean(design, wfc, by=workers["company_id"]),
        "wlb_fit_good": survey_proportion(design, fit, by=workers["company_id"],
                                          method=method),
    }
    others = {
        "wfc_score": _others_of(stratum_complements(design, wfc), ids),
        "wlb_fit_good": _others_of(stratum_complements(design, fit, proportion=True,
                                                       method=method), ids),
    }
    frames = []
    for indicator in ("wfc_score", "wlb_fit_good"):
        mine = own[indicator].set_index("group").reindex(ids)
        mine["n"] = mine["n"].fillna(0)
        frames.append(mine.rename_axis("company_id").reset_index()
                      .assign(indicator=indicator, scope="company"))
        frames.append(others[indicator].assign(indicator=indicator, scope="others"))
    out = pd.concat(frames, ignore_index=True)
    in_company = out["company_id"].map(sizes).fillna(0)
    has_workers = np.where(out["scope"] == "company", in_company > 0,
                           len(workers) - in_company > 0)
    out = out[has_workers]
    out = out.assign(_indicator=out["indicator"].map({"wfc_score": 0, "wlb_fit_good": 1}))
    return _finish(out, workers, ids, "indicator", ["scope", "_indicator"])


def of_company(table: pd.DataFrame, company_id: str) -> pd.DataFrame:
    """The rows of one company of :func:`needs_by_company` or :func:`balance_by_company`,
    without the ``company_id`` column.

    Raises
    ------
    KeyError
        If the table was computed without that company.
    """
    rows = table["company_id"] == company_id
    if not rows.any() and company_id not in table.attrs.get("company_ids", ()):
        raise KeyError(f"company {company_id!r} is not in the table")
    return table.loc[rows].drop(columns="company_id").reset_index(drop=True)


def needs_vs_others(workers: pd.DataFrame, design: SurveyDesign, company_id: str,
                    measures: Sequence[str], *, threshold: int = 3,
                    method: str = PROPORTION_INTERVAL) -> pd.DataFrame:
    """:func:`needs_by_company` of one company: ``measure``, ``scope``, ``estimate``, ``se``,
    ``ci_low``, ``ci_high``, ``n``."""
    return of_company(needs_by_company(workers, design, measures, company_ids=[company_id],
                                       threshold=threshold, method=method), company_id)


def balance_vs_others(workers: pd.DataFrame, design: SurveyDesign, company_id: str, *,
                      method: str = PROPORTION_INTERVAL) -> pd.DataFrame:
    """:func:`balance_by_company` of one company: ``indicator``, ``scope``, ``estimate``,
    ``se``, ``ci_low``, ``ci_high``, ``n``."""
    return of_company(balance_by_company(workers, design, company_ids=[company_id],
                                         method=method), company_id)


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
