"""What the measures section (``notebooks/03_measures.py``) shows: the tidy results of
:mod:`pipeline.analyse.analysis.measures` turned into labelled frames for its figures and
formatted tables for :func:`pipeline.notebook.show_table`.

Nothing here decides what a result is: which rows are charted, in which order they were
ranked, what is withheld, all come from the analysis. These functions put words on the
codes (the codebook's labels, the text catalogue's ``measures.*`` labels), format numbers
with a :class:`~pipeline.i18n.formatting.Formatter` and order rows for display. ``fmt`` is
always the report's formatter, whose language names a table's columns; ``lang`` is the
report's language.
"""

from __future__ import annotations

import pandas as pd

from pipeline.analyse.analysis.measures import (
    CHART_STATUSES,
    DIFFERENCE_OUTCOME,
    MATURITY_CUTS,
    MATURITY_POINTS,
    OUTCOMES,
    budget_reference,
    oriented_effects,
    outcome_differences,
    published_size_classes,
    significant_comparisons,
)
from pipeline.codebook import Codebook, load_codebook
from pipeline.codebook.legal import FRINGE_BENEFIT_RULE
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.labels import in_sentence
from pipeline.i18n.text import text
from pipeline.render.sections.marks import spanned, withheld, written

__all__ = [
    "area_rows",
    "area_size_rows",
    "components_table",
    "difference_rows",
    "effect_rows",
    "findings",
    "maturity_words",
    "outcome_labels",
    "outcome_table",
    "size_labels",
    "size_rows",
    "size_words",
    "status_labels",
    "status_rows",
]


# --------------------------------------------------------------------------------------
# Words for codes
# --------------------------------------------------------------------------------------
def _measure_labels(lang: str, codebook: Codebook | None) -> dict[str, str]:
    codebook = codebook or load_codebook()
    return {m: codebook.measure_label(m, lang) for m in codebook.measure_codes()}


def _area_labels(lang: str, codebook: Codebook | None) -> dict[str, str]:
    codebook = codebook or load_codebook()
    return {a: v[lang] for a, v in codebook.areas().items()}


def status_labels(lang: str) -> dict[str, str]:
    """``{status: label}`` of the statuses the adoption charts stack
    (:data:`~pipeline.analyse.analysis.measures_adoption.CHART_STATUSES`), in their order."""
    return {s: text(f"measures.status.{s}", lang) for s in CHART_STATUSES}


def outcome_labels(lang: str) -> dict[str, str]:
    """``{outcome: label}`` of the worker outcomes compared, in report order."""
    return {o: text(f"measures.outcome.{o}", lang) for o in OUTCOMES}


def size_labels(rows: pd.DataFrame, lang: str, *,
                codebook: Codebook | None = None) -> dict[str, str]:
    """``{size class: "10-49 employees"}`` of the classes in ``rows["group"]``, smallest
    first (the codebook's order): the legend of a chart by size class."""
    codebook = codebook or load_codebook()
    present = set(rows["group"])
    return {s: text("measures.size_label", lang, size=s)
            for s in codebook.code_lists["size_class"] if s in present}


# --------------------------------------------------------------------------------------
# Adoption
# --------------------------------------------------------------------------------------
def _overall_areas(areas: pd.DataFrame) -> pd.DataFrame:
    return areas[areas["group_var"] == "all"].sort_values("estimate", ascending=False)


def area_rows(areas: pd.DataFrame, lang: str, *,
              codebook: Codebook | None = None) -> pd.DataFrame:
    """The welfare areas covered by all surveyed companies, for a dot chart.

    Parameters
    ----------
    areas
        :func:`~pipeline.analyse.analysis.measures_adoption.welfare_area_table` (with a
        ``by`` breakdown or not).
    lang
        Language of the labels.

    Returns
    -------
    pandas.DataFrame
        The rows about every company, the most covered area first, with ``label`` (the
        area's name).
    """
    overall = _overall_areas(areas)
    return overall.assign(label=overall["welfare_area"].map(_area_labels(lang, codebook)))


def area_size_rows(areas: pd.DataFrame, lang: str, *,
                   codebook: Codebook | None = None) -> pd.DataFrame:
    """The welfare areas covered by size class, areas in the order of :func:`area_rows`.

    Returns the ``size_class`` rows of ``areas`` with ``order`` (the area's position in
    the overall chart) and ``label``; draw with ``hue="group"`` and :func:`size_labels`.
    """
    position = {a: i for i, a in enumerate(_overall_areas(areas)["welfare_area"])}
    by_size = areas[areas["group_var"] == "size_class"].copy()
    by_size["order"] = by_size["welfare_area"].map(position)
    labels = _area_labels(lang, codebook)
    return by_size.sort_values("order").assign(label=lambda d: d["welfare_area"].map(labels))


def status_rows(adoption: pd.DataFrame, charted: pd.DataFrame, chart: str, lang: str, *,
                codebook: Codebook | None = None) -> pd.DataFrame:
    """The rows of one adoption chart: each charted measure's share by status.

    Parameters
    ----------
    adoption
        :func:`~pipeline.analyse.analysis.measures_adoption.adoption_table` as published.
    charted
        :func:`~pipeline.analyse.analysis.measures_adoption.charted_measures`.
    chart
        ``"asked"`` or ``"other"``.

    Returns
    -------
    pandas.DataFrame
        The rows about every company of the chart's measures and stacked statuses, in the
        chart's order (top first), with ``order`` and ``label`` (the measure's name).
    """
    order = charted.loc[charted["chart"] == chart].set_index("measure")["order"]
    everyone = adoption[adoption["group_var"] == "all"]
    part = everyone[everyone["measure"].isin(order.index)
                    & everyone["status"].isin(CHART_STATUSES)]
    part = part.assign(order=part["measure"].map(order))
    labels = _measure_labels(lang, codebook)
    return part.sort_values("order").assign(label=lambda d: d["measure"].map(labels))


def size_rows(by_size: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The published size classes of
    :func:`~pipeline.analyse.analysis.measures_adoption.measures_by_size`, smallest first,
    with ``label`` ("10-49 employees")."""
    rows = published_size_classes(by_size)
    return rows.assign(label=[text("measures.size_label", lang, size=s) for s in rows["group"]])


def size_words(contrast: pd.DataFrame, fmt: Formatter, *, n_measures: int) -> dict[str, str]:
    """The placeholders of the size paragraph from
    :func:`~pipeline.analyse.analysis.measures_adoption.size_contrast`.

    Returns ``n_measures`` (measures in the questionnaire), ``mean``, ``small`` and
    ``large`` (active measures per company, one decimal), ``small_class`` and
    ``large_class`` (as coded, e.g. ``10-49``), ``rho`` (two decimals) and ``p`` (the
    p-value); the class entries are empty when the classes are not compared.
    """
    row = contrast.iloc[0]
    compared = bool(row["compared"])
    return {"n_measures": str(n_measures), "mean": fmt.number(row["mean"]),
            "small": fmt.number(row["small"]) if compared else "",
            "small_class": str(row["small_class"]) if compared else "",
            "large": fmt.number(row["large"]) if compared else "",
            "large_class": str(row["large_class"]) if compared else "",
            "rho": fmt.number(row["rho"], 2), "p": fmt.p_value(row["p_value"])}


# --------------------------------------------------------------------------------------
# Maturity
# --------------------------------------------------------------------------------------
def maturity_words(fmt: Formatter, *, codebook: Codebook | None = None) -> dict[str, str]:
    """The placeholders of the maturity score's definition: ``w_<component>`` (its
    points) and ``c1``-``c4`` (the upper bounds of classes 1W-4W), whole numbers; and the
    budget reference on the codebook's date (the wave's, ``load_codebook(on=meta)``):
    ``budget_eur`` (EUR, cents only when it has them), ``budget_cite`` (the act that sets
    it) and ``budget_when`` (the day it is taken at, in words)."""
    codebook = codebook or load_codebook()
    period = codebook.legal.period(FRINGE_BENEFIT_RULE, codebook.on)
    value = budget_reference(codebook)
    when = (text("measures.budget_when", fmt.lang, date=fmt.date(codebook.on))
            if codebook.on else
            text("measures.budget_when_undated", fmt.lang, date=fmt.date(period.valid_from)))
    return {**{f"w_{k}": fmt.number(v, 0) for k, v in MATURITY_POINTS.items()},
            **{f"c{i + 1}": fmt.number(c, 0) for i, c in enumerate(MATURITY_CUTS)},
            "budget_eur": fmt.number(value, 0 if float(value).is_integer() else 2),
            "budget_cite": period.cite[fmt.lang] if period.cite else "",
            "budget_when": when}


def components_table(components: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """The mean points of each maturity component, as the report's table.

    Parameters
    ----------
    components
        :func:`~pipeline.analyse.analysis.measures_maturity.maturity_components` as
        published.

    Returns
    -------
    pandas.DataFrame
        Columns *component*, *maximum points*, *mean points* (one decimal) and the *95 %
        interval* (``low – high``), named in the report's language; rows in the order of
        ``components``. A withheld mean (and its interval) reads ``n.d.``, an interval that
        does not exist ``—`` (:mod:`.marks`).
    """
    lang = fmt.lang
    hidden = withheld(components, "estimate")
    table = components.assign(
        component=[text(f"measures.component.{c}", lang) for c in components["component"]],
        max_points=[fmt.number(v, 0) for v in components["max_points"]],
        estimate=written(components["estimate"], fmt.number, hidden, lang),
        interval=written(_bounds(components), lambda b: f"{fmt.number(b[0])} – {fmt.number(b[1])}",
                         hidden, lang))
    return table[["component", "max_points", "estimate", "interval"]].rename(columns={
        "component": text("measures.col.component", lang),
        "max_points": text("measures.col.max_points", lang),
        "estimate": text("measures.col.mean_points", lang),
        "interval": text("measures.col.interval", lang)})


def _bounds(rows: pd.DataFrame) -> list[tuple[float, float] | float]:
    """Each row's ``(ci_low, ci_high)``, or NaN when a bound is missing (no interval)."""
    return [(lo, hi) if pd.notna(lo) and pd.notna(hi) else float("nan")
            for lo, hi in zip(rows["ci_low"], rows["ci_high"], strict=True)]


# --------------------------------------------------------------------------------------
# Outcomes
# --------------------------------------------------------------------------------------
def effect_rows(comparisons: pd.DataFrame, lang: str, *,
                codebook: Codebook | None = None) -> pd.DataFrame:
    """:func:`~pipeline.analyse.analysis.measures_outcomes.oriented_effects` (better to the
    right) with ``label`` (the measure's name), for a chart by outcome."""
    effects = oriented_effects(comparisons)
    return effects.assign(label=effects["measure"].map(_measure_labels(lang, codebook)))


def difference_rows(comparisons: pd.DataFrame, lang: str, *,
                    outcome: str = DIFFERENCE_OUTCOME,
                    codebook: Codebook | None = None) -> pd.DataFrame:
    """:func:`~pipeline.analyse.analysis.measures_outcomes.outcome_differences` of
    ``outcome`` with ``label`` (the measure's name), for a chart on the outcome's scale."""
    rows = outcome_differences(comparisons, outcome)
    return rows.assign(label=rows["measure"].map(_measure_labels(lang, codebook)))


def _p_cells(rows: pd.DataFrame, column: str, hidden: pd.Series, fmt: Formatter) -> list[str]:
    """A p-value column: the value, "no test" where an estimate has no valid test,
    ``n.d.`` where the comparison is withheld."""
    no_test = text("measures.no_test", fmt.lang)
    return written(zip(rows["estimate"], rows["test_valid"], rows[column], strict=True),
                   lambda c: fmt.p_value(c[2]) if c[1] else no_test, hidden, fmt.lang)


def outcome_table(comparisons: pd.DataFrame, outcome: str, fmt: Formatter, *,
                  codebook: Codebook | None = None) -> pd.DataFrame:
    """The comparisons of one outcome, as the report's table.

    Parameters
    ----------
    comparisons
        :func:`~pipeline.analyse.analysis.measures_outcomes.outcome_comparisons` as
        published.
    outcome
        The outcome (``wfc_score``, ``wlb_fit_good``, ``sat_wlb``).

    Returns
    -------
    pandas.DataFrame
        One row per measure, in table order: *measure*, *adjusted difference (95 % CI)*
        (two decimals), *standardised effect*, *p (Holm)*, *p (Benjamini-Hochberg)*,
        *companies with* and *without* the measure. A withheld comparison (its row flagged
        ``suppressed``) reads ``n.d.`` in every value (:mod:`.marks`); a comparison without
        a valid test shows "no test" as its p-values; a value that does not exist ``—``.
    """
    lang = fmt.lang
    rows = comparisons[comparisons["outcome"] == outcome]
    hidden = withheld(rows, "estimate")
    return pd.DataFrame({
        text("measures.col.measure", lang): rows["measure"].map(_measure_labels(lang, codebook)),
        text("measures.col.difference", lang): written(
            zip(rows["estimate"], rows["ci_low"], rows["ci_high"], strict=True),
            spanned(lambda *r: fmt.interval(*r, 2), lambda r: fmt.number(r[0], 2)), hidden, lang),
        text("measures.col.effect", lang): written(rows["effect_size"], lambda v: fmt.cell(v, 2),
                                                   hidden, lang),
        text("measures.col.p_holm", lang): _p_cells(rows, "p_holm", hidden, fmt),
        text("measures.col.p_bh", lang): _p_cells(rows, "p_bh", hidden, fmt),
        text("measures.col.companies_with", lang): written(
            rows["companies_with"], fmt.count, withheld(rows, "companies_with"), lang),
        text("measures.col.companies_without", lang): written(
            rows["companies_without"], fmt.count, withheld(rows, "companies_without"), lang),
    })


#: The outcomes whose difference is one of shares (percentage points); the others are
#: means, in points of their scale.
_SHARE_OUTCOMES = frozenset({"wlb_fit_good"})


def _difference(estimate: float, outcome: str, fmt: Formatter) -> str:
    if outcome in _SHARE_OUTCOMES:
        return fmt.change(estimate, "proportion")
    return text("measures.scale_points", fmt.lang, value=fmt.change(estimate, "mean"))


def findings(comparisons: pd.DataFrame, fmt: Formatter, *,
             codebook: Codebook | None = None) -> str:
    """The significant comparisons as a Markdown list, one ``- item`` a line: measure,
    outcome and the adjusted difference ("-0,44 punti" on the outcome's scale, "12,0 p.p."
    for a share); ``""`` when there is none (the notebook then says
    ``measures.outcomes_none``)."""
    lang = fmt.lang
    measure, outcome = _measure_labels(lang, codebook), outcome_labels(lang)
    return "\n".join(
        "- " + text("measures.finding", lang, measure=measure[r.measure],
                    outcome=in_sentence(outcome[r.outcome]),
                    difference=_difference(r.estimate, r.outcome, fmt))
        for r in significant_comparisons(comparisons).itertuples())
