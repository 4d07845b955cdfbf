"""Adoption of measures by the surveyed companies: shares by status and welfare area, the
number of active measures by size class, and which measures the report charts.

The unit is the company that answered the company questionnaire. The surveyed companies
are not a probability sample (network members, larger ones first), so shares describe
*them*; the intervals (logit, equal weights, companies - 1 degrees of freedom:
:func:`pipeline.analyse.stats.unweighted_design`) say how much the shares would move with
other companies of the same kind, nothing more. "Not asked" and missing answers are
outside the denominator of each measure.

A measure is *active* when the codebook says so (:data:`pipeline.codebook.ACTIVE_STATUSES`:
for some or for all employees). The report's rules on top of the tables:

* :func:`adoption_summary`: of the active measures, the share that cover all employees,
  and how many measures are planned (counts over every measure and company);
* :func:`charted_measures`: the adoption charts show the measures workers were also asked
  about, then the :data:`N_OTHER_MEASURES` most widespread others, each by its share of
  companies with the measure active;
* :func:`published_size_classes` and :func:`size_contrast`: size classes are compared only
  when at least :data:`MIN_SIZE_CLASSES` of them have a published mean;
  :func:`one_size_class`: with every surveyed company in one size class nothing is compared
  by size (and :func:`size_gradient` has no Kruskal-Wallis test).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from scipy import stats

from pipeline.analyse.stats import (
    SurveyDesign,
    kruskal_wallis,
    survey_mean,
    survey_proportion,
    unweighted_design,
)
from pipeline.codebook import ACTIVE_STATUSES, Codebook, load_codebook

ACTIVE = ACTIVE_STATUSES  # the codebook's definition
#: Adoption statuses reported, in chart order; ``active`` = some + all employees.
STATUSES = ("active", "active_all", "active_some", "planned", "none")
SIZE_CLASSES = ("1-9", "10-49", "50-249", "250+")
#: Statuses drawn in the adoption charts, in stacking order (``active`` is their active
#: part, ``none`` the rest of the bar).
CHART_STATUSES = ("active_all", "active_some", "planned")
#: How many of the measures not asked to workers the second adoption chart shows.
N_OTHER_MEASURES = 15
#: Fewest size classes with a published mean for the report to compare them.
MIN_SIZE_CLASSES = 2
#: The ``method`` of the Kruskal-Wallis row of :func:`size_gradient` when the surveyed
#: companies are all in one size class (the test needs two).
NO_KRUSKAL_WALLIS = "Kruskal-Wallis H: not computed, the companies are all in one size class"

ADOPTION_COLUMNS = ["measure", "welfare_area", "group_var", "group", "status", "estimate", "se",
                    "ci_low", "ci_high", "n", "n_status"]


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------
def surveyed_companies(company_survey: pd.DataFrame, companies: pd.DataFrame) -> pd.DataFrame:
    """The company questionnaire with size and place from the mapping.

    Adds ``n_employees``, ``size_class``, ``municipality`` and ``in_network`` from
    ``companies`` (only those columns: the mapping's desk-research ``m_<M>`` columns never
    overwrite the questionnaire's answers). Same rows and order as ``company_survey``.
    """
    keep = [c for c in ("company_id", "n_employees", "size_class", "municipality",
                        "in_network") if c in companies.columns]
    extra = [c for c in keep if c != "company_id" and c not in company_survey.columns]
    out = company_survey.merge(companies[["company_id", *extra]], on="company_id",
                               how="left", validate="one_to_one")
    out.index = company_survey.index
    return out


def all_network_members(surveyed: pd.DataFrame) -> bool:
    """True when every surveyed company has network membership active (then the area
    «territorial welfare and network» is covered by definition, which the report says)."""
    status = surveyed.get("m_NETWORK_MEMBERSHIP", pd.Series(dtype="str"))
    return bool(len(status)) and bool(status.isin(ACTIVE_STATUSES).all())


def _measure_columns(company_survey: pd.DataFrame, measures: Iterable[str]) -> list[str]:
    return [m for m in measures if f"m_{m}" in company_survey.columns]


def _groups(data: pd.DataFrame, by: str | None) -> pd.Series | None:
    if by is None:
        return None
    g = data[by]
    if str(g.dtype) in ("boolean", "bool"):
        g = g.map({True: "yes", False: "no"})
    return g.astype("str").where(g.notna())


def _proportions(design: SurveyDesign, y: pd.Series, by: pd.Series | None,
                 level: float = 0.95) -> pd.DataFrame:
    """Overall and (optionally) grouped unweighted proportions, tidy."""
    frames = [survey_proportion(design, y, level=level).assign(group_var="all", group="all")]
    if by is not None:
        t = survey_proportion(design, y, by=by, level=level)
        frames.append(t.assign(group_var=by.name))
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------
# 1. Adoption
# --------------------------------------------------------------------------------------
def adoption_table(
    surveyed: pd.DataFrame,
    measures: Sequence[str],
    *,
    by: str | None = None,
    codebook: Codebook | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Share of surveyed companies by adoption status of each measure, overall and by group.

    Parameters
    ----------
    surveyed
        The company questionnaire (see :func:`surveyed_companies` to add ``size_class``),
        ``m_<MEASURE>`` in ``none``, ``planned``, ``active_some``, ``active_all`` or NA.
    measures
        Measure codes; measures without a column or without any answer (not asked) are
        skipped.
    by
        Optional column to break down by (e.g. ``size_class``).
    level
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        ``measure, welfare_area, group_var, group, status, estimate, se, ci_low, ci_high,
        n, n_status``: ``status`` in :data:`STATUSES` (``active`` = some or all
        employees), ``estimate`` the share (0-1) of the ``n`` companies of the group that
        answered about the measure, ``n_status`` how many of them have that status.
        Intervals: logit, equal weights, companies - 1 degrees of freedom.
    """
    codebook = codebook or load_codebook()
    area_of = codebook.area_of()
    design = unweighted_design(surveyed.index)
    groups = _groups(surveyed, by)
    frames = []
    for m in _measure_columns(surveyed, measures):
        status = surveyed[f"m_{m}"]
        answered = status.notna()
        if not answered.any():  # a column nobody answered: as not asked
            continue
        for st in STATUSES:
            hit = status.isin(ACTIVE) if st == "active" else status.eq(st)
            y = hit.astype("Float64").where(answered)
            t = _proportions(design, y, groups, level)
            counts = pd.DataFrame({"g": groups if groups is not None else "all",
                                   "hit": hit & answered})
            by_group = counts.groupby("g")["hit"].sum()
            t["n_status"] = [int((hit & answered).sum()) if gv == "all" else
                             int(by_group.get(g, 0))
                             for gv, g in zip(t["group_var"], t["group"], strict=True)]
            frames.append(t.assign(measure=m, welfare_area=area_of[m], status=st))
    out = pd.concat(frames, ignore_index=True)
    return out[ADOPTION_COLUMNS]


def welfare_area_table(
    surveyed: pd.DataFrame,
    *,
    by: str | None = None,
    codebook: Codebook | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Share of surveyed companies with at least one active measure in each welfare area.

    A company that answered none of an area's measures is outside that area's
    denominator. Returns ``welfare_area, group_var, group, estimate, se, ci_low, ci_high,
    n`` (logit intervals, equal weights).
    """
    codebook = codebook or load_codebook()
    design = unweighted_design(surveyed.index)
    groups = _groups(surveyed, by)
    frames = []
    for area, _labels in codebook.areas().items():
        cols = [f"m_{m}" for m in codebook.measure_codes() if codebook.area_of()[m] == area
                and f"m_{m}" in surveyed.columns]
        if not cols:
            continue
        block = surveyed[cols]
        if not block.notna().any().any():
            continue
        y = block.isin(ACTIVE).any(axis=1).astype("Float64").where(block.notna().any(axis=1))
        t = _proportions(design, y, groups, level)
        frames.append(t.assign(welfare_area=area))
    out = pd.concat(frames, ignore_index=True)
    return out[["welfare_area", "group_var", "group", "estimate", "se", "ci_low", "ci_high",
                "n"]]


def measures_by_size(surveyed: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Mean number of active measures per surveyed company, overall and by size class.

    Returns ``group_var, group, estimate, se, ci_low, ci_high, n`` (t interval with n - 1
    degrees of freedom, equal weights), size classes in their natural order.
    """
    design = unweighted_design(surveyed.index)
    y = surveyed["n_measures_active"].astype("Float64")
    overall = survey_mean(design, y, level=level).assign(group_var="all", group="all")
    by = survey_mean(design, y, by=_groups(surveyed, "size_class").rename("size_class"),
                     level=level).assign(group_var="size_class")
    by["order"] = by["group"].map({c: i for i, c in enumerate(SIZE_CLASSES)})
    by = by.sort_values("order")
    out = pd.concat([overall, by], ignore_index=True)
    return out[["group_var", "group", "estimate", "se", "ci_low", "ci_high", "n"]]


def size_gradient(surveyed: pd.DataFrame) -> pd.DataFrame:
    """Do larger companies have more active measures? Two rank-based tests.

    * Spearman's rank correlation between headcount and the number of active measures
      (``scipy.stats.spearmanr``, two-sided; ``estimate`` = rho);
    * Kruskal-Wallis across size classes (:func:`pipeline.analyse.stats.kruskal_wallis`;
      ``estimate`` = rank epsilon squared).

    Kruskal-Wallis needs two size classes: with every company in one class its row has no
    estimate, statistic or p-value (NaN) and its ``method`` says why.

    Returns ``test, estimate, estimate_name, statistic, p_value, n, method``.
    """
    d = surveyed[["n_employees", "n_measures_active", "size_class"]].dropna()
    x = d["n_employees"].astype("float64")
    y = d["n_measures_active"].astype("float64")
    rho = stats.spearmanr(x, y)
    classes = d["size_class"].astype("str")
    kw = (kruskal_wallis(y, classes).iloc[0] if classes.nunique() > 1
          else pd.Series({"estimate": float("nan"), "statistic": float("nan"),
                          "p_value": float("nan"), "n": len(d), "method": NO_KRUSKAL_WALLIS}))
    return pd.DataFrame([
        {"test": "spearman", "estimate": float(rho.statistic), "estimate_name": "rho",
         "statistic": float(rho.statistic), "p_value": float(rho.pvalue), "n": len(d),
         "method": "Spearman rank correlation of headcount and active measures"},
        {"test": "kruskal_wallis", "estimate": float(kw["estimate"]),
         "estimate_name": "epsilon_squared", "statistic": float(kw["statistic"]),
         "p_value": float(kw["p_value"]), "n": int(kw["n"]), "method": kw["method"]},
    ])




# --------------------------------------------------------------------------------------
# The report's rules on the adoption tables
# --------------------------------------------------------------------------------------
def _overall(adoption: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`adoption_table` about every surveyed company (``group_var`` all)."""
    return adoption[adoption["group_var"] == "all"]


def adoption_summary(adoption: pd.DataFrame) -> pd.DataFrame:
    """How many measures are active, how many of them for all employees, how many planned.

    Counts are over every measure and surveyed company (a company with ten active
    measures counts ten times): the "measure adoptions" of the report's prose.

    Parameters
    ----------
    adoption
        :func:`adoption_table` as published (small cells blanked: their counts are left
        out of the sums).

    Returns
    -------
    pandas.DataFrame
        One row: ``n_active`` (measure-company pairs with the measure active),
        ``n_active_all`` (of which for all employees), ``share_all`` (their ratio, 0-1;
        NaN with no active measure), ``n_planned`` (pairs with the measure planned).
    """
    overall = _overall(adoption)
    n_status = {st: overall.loc[overall["status"] == st, "n_status"].sum()
                for st in ("active", "active_all", "planned")}
    return pd.DataFrame([{
        "n_active": n_status["active"], "n_active_all": n_status["active_all"],
        "share_all": (n_status["active_all"] / n_status["active"] if n_status["active"]
                      else float("nan")),
        "n_planned": n_status["planned"]}])


def charted_measures(adoption: pd.DataFrame, asked: Sequence[str], *,
                     n_other: int = N_OTHER_MEASURES) -> pd.DataFrame:
    """Which measures the two adoption charts show, and in which order.

    The first chart (``asked``) shows the measures workers were also asked about, the
    second (``other``) the ``n_other`` measures with the largest share of companies with
    the measure active among the rest; both from the most to the least widespread.

    Parameters
    ----------
    adoption
        :func:`adoption_table` (the rows about every surveyed company are used).
    asked
        The measures of the worker questionnaire (``codebook.measure_codes("asked_workers")``).
    n_other
        How many other measures the second chart shows.

    Returns
    -------
    pandas.DataFrame
        ``measure, chart, order, estimate``: ``chart`` ``asked`` or ``other``, ``order``
        the position in the chart (ascending, top first; for ``asked`` the rank of the
        measure's active share among all measures, ties in table order), ``estimate``
        the share (0-1) of companies with the measure active (NaN: blanked).
    """
    overall = _overall(adoption)
    active = overall[overall["status"] == "active"].set_index("measure")["estimate"]
    rank = active.rank(ascending=False, method="first")
    first = rank[rank.index.isin(asked)]
    others = active.drop(index=asked, errors="ignore").sort_values(ascending=False)
    others = others.head(n_other)
    return pd.concat([
        pd.DataFrame({"measure": first.index, "chart": "asked", "order": first.to_numpy(),
                      "estimate": active[first.index].to_numpy()}),
        pd.DataFrame({"measure": others.index, "chart": "other",
                      "order": range(len(others)), "estimate": others.to_numpy()}),
    ], ignore_index=True)


def one_size_class(table: pd.DataFrame) -> str | None:
    """The size class of every surveyed company when they are all in one class, else None.

    With one class there is nothing to compare by size: the report says so instead of
    drawing a chart or a comparison of that single class against itself.

    Parameters
    ----------
    table
        A tidy table broken down by size class, as published (:func:`measures_by_size`,
        :func:`welfare_area_table` or :func:`adoption_table` with ``by="size_class"``):
        a blanked class still has its rows, so every class present counts.
    """
    rows = table.loc[table["group_var"] == "size_class", "group"].dropna()
    classes = rows.unique()
    return str(classes[0]) if len(classes) == 1 else None


def published_size_classes(by_size: pd.DataFrame) -> pd.DataFrame:
    """The size classes of :func:`measures_by_size` whose mean is published, smallest first.

    A class with fewer than ``min_cell`` companies has its mean blanked when the table is
    published (:meth:`pipeline.notebook.WaveContext.save_table`); it is left out here.
    """
    rows = by_size[by_size["group_var"] == "size_class"]
    return rows.dropna(subset=["estimate"])


def size_contrast(by_size: pd.DataFrame, gradient: pd.DataFrame, *,
                  min_classes: int = MIN_SIZE_CLASSES) -> pd.DataFrame:
    """Mean number of active measures, and the smallest and largest size class compared.

    Parameters
    ----------
    by_size
        :func:`measures_by_size` as published.
    gradient
        :func:`size_gradient` as published (indexed by ``test`` or with a ``test`` column).
    min_classes
        Fewest published size classes for a comparison (else ``compared`` is False and the
        class columns are empty).

    Returns
    -------
    pandas.DataFrame
        One row: ``mean`` (active measures per company, all companies), ``n_classes``
        (published classes), ``compared``, ``one_class`` (the class of every surveyed
        company when they are all in one, see :func:`one_size_class`; else None),
        ``small_class``/``small`` and ``large_class``/``large`` (the smallest and largest
        published class and its mean), ``rho`` and ``p_value`` (Spearman's rank
        correlation of headcount and active measures).
    """
    rows = published_size_classes(by_size)
    tests = gradient.set_index("test") if "test" in gradient.columns else gradient
    compared = len(rows) >= min_classes
    return pd.DataFrame([{
        "mean": by_size.loc[by_size["group_var"] == "all", "estimate"].iloc[0],
        "n_classes": len(rows), "compared": compared, "one_class": one_size_class(by_size),
        "small_class": rows["group"].iloc[0] if compared else None,
        "small": rows["estimate"].iloc[0] if compared else float("nan"),
        "large_class": rows["group"].iloc[-1] if compared else None,
        "large": rows["estimate"].iloc[-1] if compared else float("nan"),
        "rho": tests.loc["spearman", "estimate"],
        "p_value": tests.loc["spearman", "p_value"]}])
