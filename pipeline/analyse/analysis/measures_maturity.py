"""Welfare maturity: a transparent 0-100 score per surveyed company, its classes, and what
a published report may show of it.

The score (:func:`maturity_scores`) is inspired by the structure of the Welfare Index PMI
(about 70 % breadth and content of the initiatives across areas, 20 % management, 10 %
originality), computed from the company questionnaire only:

==============  ======  ==================================================================
component       points  definition (each part 0-1, times its points)
==============  ======  ==================================================================
``breadth``       35    share of the 14 areas of the taxonomy with at least one active
                        measure (``active_some`` or ``active_all``)
``content``       35    mean over the 14 areas of the coverage-weighted share of the
                        area's measures that are active: a measure for all employees
                        counts 1, for some employees 0.5 (coverage), else 0
``governance``    20    mean of four items: welfare budget per employee
                        (``min(budget, T) / T``, T the fringe-benefit ceiling of TUIR art.
                        51 c. 3 in force on the wave's date, see below), needs survey done,
                        second-level agreement, a welfare regulation or internal
                        communication on the measures (WELFARE_REGULATION or
                        INTERNAL_COMMUNICATION active)
``territory``     10    share of the five measures that reach beyond the company
                        (SHARED_SERVICES, PUBLIC_CONVENTION, LOCAL_PROVIDERS,
                        COMMUNITY_PROJECTS, TERRITORIAL_AGREEMENT) that are active: the
                        analogue of the Index's originality; NETWORK_MEMBERSHIP is left
                        out because every surveyed company is a network member
==============  ======  ==================================================================

A measure not asked or not answered counts as not active, an unknown budget or a missing
yes/no as 0 (the score never rewards a blank). Classes, as the Index's ``1W``-``5W``:
``1W`` up to 10 points and ``5W`` above 40 are the Index's bounds; the three in between
are evenly spaced (the project's choice): 1W <= 10 < 2W <= 20 < 3W <= 30 < 4W <= 40 <
5W. It is *not* the Welfare Index PMI rating, only shaped like it.

The budget reference T (:func:`budget_reference`) is the general fringe-benefit ceiling
(without the higher one for workers with dependent children: the budget is per employee,
children or not) on the date of the codebook passed in, that is the wave's last day of
fieldwork (``load_codebook(on=meta)``, :func:`pipeline.codebook.legal.wave_date`): EUR
258.23 in 2013, 600 or 3,000 in late 2022, 1,000 in 2024-2027
(``pipeline/codebook/legal_references.yaml``). A budget at or above the ceiling in force
earns the full item. An undated codebook gives the newest period of the table. Scores of
waves whose ceilings differ are not on the same yardstick for this item: to compare waves,
score them with one codebook (as the monitoring does, with the current wave's).

The per-company scores are for the confidential company reports: a published report shows
only the distribution of classes (:func:`published_maturity_distribution`: a class of 1 to
``min_cell`` - 1 companies has its count blanked) and the mean of each component
(:func:`maturity_components`, :func:`maturity_summary`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.analyse.disclosure import suppress_small_cells
from pipeline.analyse.stats import survey_mean, unweighted_design
from pipeline.codebook import ACTIVE_STATUSES, Codebook, load_codebook

ACTIVE = ACTIVE_STATUSES  # the codebook's definition
#: Points of each maturity component (they add up to 100).
MATURITY_POINTS = {"breadth": 35.0, "content": 35.0, "governance": 20.0, "territory": 10.0}
#: Upper bounds of classes 1W-4W (5W is above the last).
MATURITY_CUTS = (10.0, 20.0, 30.0, 40.0)
MATURITY_CLASSES = ("1W", "2W", "3W", "4W", "5W")
#: Coverage weight of an adoption status in the content component.
COVERAGE_WEIGHT = {"active_all": 1.0, "active_some": 0.5}
GOVERNANCE_ITEMS = ("budget", "needs_survey", "agreement", "regulation_communication")
REGULATION_MEASURES = ("WELFARE_REGULATION", "INTERNAL_COMMUNICATION")
TERRITORY_MEASURES = ("SHARED_SERVICES", "PUBLIC_CONVENTION", "LOCAL_PROVIDERS",
                      "COMMUNITY_PROJECTS", "TERRITORIAL_AGREEMENT")
#: The classes the report calls the highest (its prose names them).
TOP_CLASSES = ("4W", "5W")


def maturity_class(score: pd.Series | np.ndarray | float) -> pd.Series:
    """Class ``1W``-``5W`` of a score: 1W <= 10 < 2W <= 20 < 3W <= 30 < 4W <= 40 < 5W."""
    s = pd.Series(score, dtype="float64") if not isinstance(score, pd.Series) else score
    idx = np.searchsorted(np.asarray(MATURITY_CUTS), s.to_numpy(dtype=float), side="left")
    out = pd.Series(np.asarray(MATURITY_CLASSES, dtype=object)[np.minimum(idx, 4)],
                    index=s.index, dtype="str")
    return out.where(s.notna())


def budget_reference(codebook: Codebook | None = None) -> float:
    """The welfare budget per employee (EUR a year) that earns the full budget item.

    The general fringe-benefit ceiling of TUIR art. 51 c. 3 on the codebook's date
    (:meth:`pipeline.codebook.Codebook.fringe_benefit_threshold`): the wave's last day of
    fieldwork for ``load_codebook(on=meta)``, the newest period for an undated codebook.
    """
    return (codebook or load_codebook()).fringe_benefit_threshold()


def _flag(surveyed: pd.DataFrame, column: str) -> pd.Series:
    if column not in surveyed.columns:
        return pd.Series(0.0, index=surveyed.index)
    return surveyed[column].astype("Float64").fillna(0).astype("float64")


def maturity_scores(surveyed: pd.DataFrame, *, codebook: Codebook | None = None,
                    budget_eur: float | None = None) -> pd.DataFrame:
    """Welfare-maturity score (0-100) and class of each surveyed company. CONFIDENTIAL.

    See the module docstring for the definition (components, points, classes). The result
    identifies companies: use it for the confidential company reports only; publish
    :func:`maturity_distribution` and :func:`maturity_components`.

    Parameters
    ----------
    surveyed
        The company questionnaire (``m_<MEASURE>``, ``welfare_budget_per_emp``,
        ``needs_survey_done``, ``second_level_agreement``).
    codebook
        The wave's codebook (``load_codebook(on=meta)``): the taxonomy and the date of the
        budget reference; default the undated codebook.
    budget_eur
        The budget per employee (EUR a year) that earns the full budget item; default
        :func:`budget_reference` of ``codebook`` (the fringe-benefit ceiling in force).

    Returns
    -------
    pandas.DataFrame
        One row per company, indexed like ``surveyed``: ``company_id``, the parts
        ``breadth``, ``content``, ``governance``, ``territory`` (0-1), the governance items
        (0-1), ``points_<component>``, ``score`` (0-100) and ``maturity_class``.
    """
    codebook = codebook or load_codebook()
    reference = budget_reference(codebook) if budget_eur is None else float(budget_eur)
    if not reference > 0:
        raise ValueError(f"the budget reference must be a positive amount, not {reference!r}")
    area_of = codebook.area_of()
    areas = list(codebook.areas())
    all_measures = codebook.measure_codes()
    status = pd.DataFrame({m: surveyed[f"m_{m}"] if f"m_{m}" in surveyed.columns
                           else pd.Series(pd.NA, index=surveyed.index, dtype="str")
                           for m in all_measures})
    active = status.isin(ACTIVE)
    weight = status.apply(lambda s: s.map(COVERAGE_WEIGHT)).astype("float64").fillna(0.0)
    area_key = pd.Series(area_of)[all_measures].to_numpy()
    breadth = active.T.groupby(area_key).any().T.reindex(columns=areas, fill_value=False)
    content = weight.T.groupby(area_key).mean().T.reindex(columns=areas, fill_value=0.0)
    budget = surveyed.get("welfare_budget_per_emp", pd.Series(np.nan, index=surveyed.index))
    items = pd.DataFrame({
        "budget": budget.astype("float64").fillna(0.0).clip(0, reference) / reference,
        "needs_survey": _flag(surveyed, "needs_survey_done"),
        "agreement": _flag(surveyed, "second_level_agreement"),
        "regulation_communication": active[list(REGULATION_MEASURES)].any(axis=1).astype(float),
    }, index=surveyed.index)
    parts = pd.DataFrame({
        "breadth": breadth.mean(axis=1).astype(float),
        "content": content.mean(axis=1).astype(float),
        "governance": items.mean(axis=1),
        "territory": active[list(TERRITORY_MEASURES)].mean(axis=1).astype(float),
    }, index=surveyed.index)
    out = pd.concat([surveyed[["company_id"]], parts, items], axis=1)
    for comp, pts in MATURITY_POINTS.items():
        out[f"points_{comp}"] = parts[comp] * pts
    out["score"] = out[[f"points_{c}" for c in MATURITY_POINTS]].sum(axis=1)
    out["maturity_class"] = maturity_class(out["score"])
    return out


def maturity_distribution(scores: pd.DataFrame) -> pd.DataFrame:
    """How many companies fall in each class (all five, zeros included).

    Returns ``maturity_class, low, high, n_companies, share`` (``low``/``high`` the class's
    score bounds). Counts of companies, never their scores.
    """
    bounds = [0.0, *MATURITY_CUTS, 100.0]
    counts = scores["maturity_class"].value_counts()
    total = int(scores["maturity_class"].notna().sum())
    rows = [{"maturity_class": c, "low": bounds[i], "high": bounds[i + 1],
             "n_companies": int(counts.get(c, 0)),
             "share": counts.get(c, 0) / total if total else np.nan}
            for i, c in enumerate(MATURITY_CLASSES)]
    return pd.DataFrame(rows)


def maturity_components(scores: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Mean points of each component and of the total over the companies.

    Returns ``component, max_points, estimate, se, ci_low, ci_high, n`` (t intervals,
    equal weights; ``n`` = companies).
    """
    design = unweighted_design(scores.index)
    rows = []
    for comp, pts in [*MATURITY_POINTS.items(), ("score", 100.0)]:
        col = "score" if comp == "score" else f"points_{comp}"
        t = survey_mean(design, scores[col], level=level).iloc[0]
        rows.append({"component": comp, "max_points": pts, "estimate": t["estimate"],
                     "se": t["se"], "ci_low": t["ci_low"], "ci_high": t["ci_high"],
                     "n": int(t["n"])})
    return pd.DataFrame(rows)


def published_maturity_distribution(scores: pd.DataFrame, *, min_cell: int) -> pd.DataFrame:
    """:func:`maturity_distribution` as a report may publish it.

    A class holding 1 to ``min_cell`` - 1 companies is a small cell like any other: its
    count and share are blanked (:func:`pipeline.analyse.disclosure.suppress_small_cells`);
    an empty class keeps its zero.
    """
    return suppress_small_cells(maturity_distribution(scores), min_cell=min_cell,
                                n_col="n_companies", value_cols=["share"], keep_zero=True)


def maturity_summary(classes: pd.DataFrame, components: pd.DataFrame, *,
                     top: tuple[str, ...] = TOP_CLASSES) -> pd.DataFrame:
    """The mean score and the share of companies in the highest classes.

    Parameters
    ----------
    classes
        :func:`published_maturity_distribution` (blanked shares count as 0).
    components
        :func:`maturity_components`.
    top
        The classes counted as the highest.

    Returns
    -------
    pandas.DataFrame
        One row: ``mean_score`` (0-100) and ``top_share`` (0-1, companies in ``top``).
    """
    return pd.DataFrame([{
        "mean_score": components.set_index("component").loc["score", "estimate"],
        "top_share": classes.set_index("maturity_class").loc[list(top), "share"].sum()}])
