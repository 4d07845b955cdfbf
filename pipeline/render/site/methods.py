"""The site's ``methods.html``: the survey design as the pipeline builds it, for this wave.

The survey design as DATA_CONTRACT.md defines it and the pipeline builds it
(:mod:`pipeline.analyse.analysis.survey`: the minimum respondents per post-stratum, the
Korn-Graubard interval), the design's figures for the wave, the headline indicators'
standard errors with and without the finite population correction, how comparisons are
tested and their size as the calibration study measured it
(:mod:`pipeline.render.site.comparisons`), the definitions of the indicators and the
suppression rule with the run's ``min_cell``.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import has_text, text
from pipeline.render.sections.marks import nd, withheld, withheld_note, written
from pipeline.render.site.common import prose, render_page, site_text
from pipeline.render.site.comparisons import comparisons_size, comparisons_values
from pipeline.wave import WaveData

__all__ = ["FPC_TABLE_COLUMNS", "METHODS_BLOCKS", "methods_page"]

#: The page's sections, in order (``site.methods.<block>`` and its ``.title``).
METHODS_BLOCKS = ("design", "weights", "estimation", "comparisons", "sensitivity",
                  "definitions", "suppression", "open_data")

#: Value columns of the methods page's fpc table, after the indicator (site.fpc.col.*).
FPC_TABLE_COLUMNS = ("estimate", "se", "se_nofpc", "deff", "icc", "n")

#: The design's figures, in the order of the table under "design" (site.facts.*).
FACTS = ("strata", "respondents", "df", "min_poststratum", "collapsed", "half", "df_cluster")


def _design_facts(data: WaveData) -> dict[str, int] | None:
    """The design of the worker survey in this wave: strata, respondents, degrees of freedom,
    the minimum respondents per post-stratum, the companies post-stratified as one cell
    (with that minimum, as every report's design) and those where more than half of the
    employees answered."""
    workers = data.tables.get("worker_survey")
    companies = data.tables.get("companies")
    if workers is None or companies is None or not len(workers):
        return None
    from pipeline.analyse.analysis.survey import MIN_POSTSTRATUM, wave_weights

    strata = int(workers["company_id"].nunique())
    facts = {"strata": strata, "respondents": len(workers),
             "df": len(workers) - strata, "df_cluster": max(strata - 1, 0),
             "min_poststratum": MIN_POSTSTRATUM}
    try:
        weights = wave_weights(workers, companies)
    except (KeyError, ValueError):  # the quality gate reports bad data
        return facts
    by_company = weights.groupby("company_id", observed=True).first()
    facts["collapsed"] = int(by_company["collapsed"].sum())
    facts["half"] = int((by_company["n_company"] > 0.5 * by_company["N"]).sum())
    return facts


def _fpc_rows(data: WaveData, min_cell: int, lang: str) -> list[tuple[str, list[str]]]:
    """The methods appendix's table of the headline indicators with and without the fpc:
    ``(indicator label, [estimate, se, se without fpc, deff, icc, respondents])`` for each
    headline indicator; one with fewer than ``min_cell`` respondents reads ``n.d.`` in its
    cells (:mod:`pipeline.render.sections.marks`), and when every one does there is no
    table (``[]``)."""
    workers = data.tables.get("worker_survey")
    companies = data.tables.get("companies")
    if workers is None or companies is None or not len(workers):
        return []
    from pipeline.analyse.analysis.survey import fpc_comparison

    try:
        table = fpc_comparison(workers, companies, min_cell=min_cell)
    except (KeyError, ValueError):  # the quality gate reports bad data
        return []
    fmt = Formatter(lang)

    def se(value: float, kind: str) -> str:
        if kind == "proportion":
            return text("format.points", lang, value=fmt.number(100 * value, 2))
        return fmt.number(value, 3)

    def column(name: str, write: Any) -> list[str]:
        """One column as the table writes it: ``n.d.`` where withheld (:mod:`~pipeline.
        render.sections.marks`), ``—`` where there is no value."""
        return written(zip(table[name], table["kind"], strict=True), write,
                       withheld(table, name), lang)

    if table["suppressed"].all():
        return []
    columns = [
        column("estimate", lambda c: fmt.percent(c[0], 1) if c[1] == "proportion"
               else fmt.number(c[0], 2)),
        column("se", lambda c: se(*c)), column("se_nofpc", lambda c: se(*c)),
        column("deff", lambda c: fmt.number(c[0], 2)),
        column("icc", lambda c: fmt.number(c[0], 2)),
        column("n", lambda c: fmt.number(c[0], 0))]
    return [(site_text(f"site.fpc.indicator.{i}", lang)
             if has_text(f"site.fpc.indicator.{i}") else str(i), list(cells))
            for i, *cells in zip(table["indicator"], *columns, strict=True)]


def _fpc_table(data: WaveData, facts: dict[str, int] | None, values: dict[str, str],
               min_cell: int, lang: str) -> dict[str, Any]:
    """The fpc table of the "estimation" block, with its title, explanation and columns."""
    fpc: dict[str, Any] = {"rows": _fpc_rows(data, min_cell, lang)}
    if not fpc["rows"]:
        return fpc
    fmt = Formatter(lang)
    fpc.update(
        title=site_text("site.methods.fpc.title", lang),
        intro=prose(site_text(
            "site.methods.fpc", lang, **values,
            n_half=fmt.number((facts or {}).get("half", 0), 0),
            n_companies=fmt.number((facts or {}).get("strata", 0), 0))),
        indicator=site_text("site.fpc.col.indicator", lang),
        columns=[site_text(f"site.fpc.col.{c}", lang) for c in FPC_TABLE_COLUMNS],
        note=withheld_note(lang, min_cell) if any(nd(lang) in cells for _, cells in fpc["rows"])
        else "")
    return fpc


def _blocks(values: dict[str, str], lang: str) -> list[dict[str, Any]]:
    """The page's sections: id, title and body (prose); "comparisons" ends with the size
    the calibration study measured."""
    more = {"comparisons": comparisons_values(lang)}
    blocks = [{"id": b, "title": site_text(f"site.methods.{b}.title", lang),
               "body": prose(site_text(f"site.methods.{b}", lang, **values,
                                       **more.get(b, {})))}
              for b in METHODS_BLOCKS]
    for block in blocks:
        if block["id"] == "comparisons":
            block["body"] = Markup(f"{block['body']}\n{comparisons_size(lang)}")
    return blocks


def methods_page(data: WaveData, common: dict[str, Any], min_cell: int, lang: str) -> str:
    """The site's ``methods.html``.

    Parameters
    ----------
    data
        The processed wave: the design's figures and the fpc table are computed on it.
    common
        Cover, navigation, footer and style, as every page of the site has them.
    min_cell
        The smallest published cell (the suppression rule, the fpc table's indicators).
    lang
        The language of the appendix.

    Returns
    -------
    str
        ``methods.html``, which :func:`pipeline.render.site.write_site` also prints to PDF.
    """
    from pipeline.analyse.analysis.survey import MIN_POSTSTRATUM

    fmt = Formatter(lang)
    values = {"min_cell": fmt.number(min_cell, 0),
              "min_poststratum": fmt.number(MIN_POSTSTRATUM, 0)}
    facts = _design_facts(data)
    fact_rows = []
    if facts:
        fact_rows = [(site_text(f"site.facts.{k}", lang), fmt.number(facts[k], 0))
                     for k in FACTS if k in facts]
        fact_rows.append((site_text("site.facts.min_cell", lang), values["min_cell"]))
    return render_page(
        "methods.html.j2",
        **common,
        page="methods",
        page_title=site_text("site.methods.title", lang),
        intro=prose(site_text("site.methods.intro", lang, **values)),
        blocks=_blocks(values, lang),
        facts=fact_rows,
        fpc=_fpc_table(data, facts, values, min_cell, lang),
    )
