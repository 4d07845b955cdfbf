"""The monitoring section (``notebooks/05_monitoring.py``) in words: its tables, the rows of
its figures and the values of its sentences.

Each function takes a tidy table of :mod:`pipeline.analyse.analysis.monitoring` (as the
notebook published it: small cells already blanked; the docstring names the function that
makes it) and ``fmt``, the report's :class:`~pipeline.i18n.formatting.Formatter`, whose
language picks the words. ``before`` and ``after`` (``first`` and ``wave``) are the labels
of the two waves compared, which name the columns of their levels. Each returns what the
notebook shows:

* a table: columns named in words (``monitoring.col.*`` of the text catalogue, or a wave's
  label), every cell a formatted string, rows in reading order; a withheld value (its
  row flagged ``suppressed``) reads ``n.d.`` / ``n/a``, a value that does not exist ``—``
  (:mod:`pipeline.render.sections.marks`); shares read as percentages, means with two
  decimals, p-values raw and Holm-adjusted (``—``: no valid test);
* the rows of a figure: the tidy rows with a column ``label`` in words;
* the values of a sentence: ``{placeholder: formatted value}`` for
  :func:`pipeline.i18n.text.say`; counts are whole numbers.

What is shown (which rows, which indicator, what counts as a clear change) is decided in
:mod:`pipeline.analyse.analysis.monitoring_findings`; here only how it reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from pipeline.analyse.analysis.monitoring import (
    ALPHA,
    COMPANY_INDICATORS,
    INDICATORS,
    MAIN_SCOPE,
    MonitoredWaves,
    changes_since,
    clear_changes,
    flexibility_groups,
    flexibility_headline,
    paired_company_changes,
    panel_levels,
)
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import text
from pipeline.render.sections.marks import NOT_AVAILABLE, spanned, withheld, written

__all__ = [
    "SCOPES",
    "WORKERS_TEXTS",
    "baseline_companies_values",
    "baseline_levels_table",
    "changes_table",
    "companies_text_values",
    "company_changes_table",
    "company_level_rows",
    "first_changes_table",
    "flexibility_intro_values",
    "flexibility_rows",
    "flexibility_values",
    "indicator_labels",
    "intro_values",
    "level_rows",
    "network_values",
    "scope_labels",
    "trend_table",
    "workers_text_values",
]

#: The scopes of companies, in reading order: the main comparison first.
SCOPES = (MAIN_SCOPE, "all", "new_flex", "no_new_flex")


def indicator_labels(lang: str) -> dict[str, str]:
    """``{indicator: its name in words}`` for the worker and the company indicators."""
    return {i: text(f"monitoring.indicator.{i}", lang)
            for i in [*INDICATORS, *COMPANY_INDICATORS]}


def scope_labels(lang: str) -> dict[str, str]:
    """``{scope: the companies it covers, in words}``."""
    return {s: text(f"monitoring.scope.{s}", lang) for s in SCOPES}


def _col(name: str, fmt: Formatter) -> str:
    return text(f"monitoring.col.{name}", fmt.lang)


def _indicator_column(rows: pd.DataFrame, fmt: Formatter) -> dict[str, pd.Series]:
    """The first column of a table: ``Indicator``, its rows' indicators in words."""
    return {_col("indicator", fmt): rows["indicator"].map(indicator_labels(fmt.lang))}


def _labelled(rows: pd.DataFrame, column: str, labels: Mapping[str, str]) -> pd.DataFrame:
    """The rows of a figure: ``rows`` with ``label``, the words for their ``column``."""
    return rows.assign(label=rows[column].map(labels))


def _level_cells(rows: pd.DataFrame, column: str, fmt: Formatter) -> list[str]:
    """Levels of indicators of mixed kinds (``rows["kind"]``): percentages for shares,
    numbers for means; ``n.d.`` where withheld, ``—`` where there is none (:mod:`.marks`)."""
    return written(zip(rows[column], rows["kind"], strict=True), lambda c: fmt.value(*c),
                   _withheld(rows, column), fmt.lang)


def _withheld(rows: pd.DataFrame, column: str) -> list[bool]:
    """Which rows withhold ``column`` (:func:`.marks.withheld`), one flag per row."""
    return withheld(rows, column).tolist()


def _p_values(rows: pd.DataFrame, fmt: Formatter) -> dict[str, list[str]]:
    """The raw and the Holm-adjusted p-value columns (``n.d.`` where withheld, ``—`` where
    no test was run)."""
    return {_col(name, fmt): written(rows[column], fmt.p_value, _withheld(rows, column),
                                     fmt.lang)
            for name, column in (("p", "p_value"), ("p_adjusted", "p_adjusted"))}


def _counts(counts: Mapping[str, float], fmt: Formatter) -> dict[str, str]:
    """``{placeholder: count}`` as whole numbers."""
    return {k: fmt.number(v, 0) for k, v in counts.items()}


# --------------------------------------------------------------------------------------
# Workers
# --------------------------------------------------------------------------------------
def trend_table(trend: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """The worker indicators in every wave of the chain
    (:func:`~pipeline.analyse.analysis.monitoring_levels.indicator_trend`): ``Indicator``
    then one column per wave (named by the wave, oldest first), rows in the order of
    :data:`~pipeline.analyse.analysis.monitoring_panel.INDICATORS`."""
    order = list(trend["wave"].drop_duplicates())
    wide = trend.assign(value=_level_cells(trend, "estimate", fmt)).pivot(
        index="indicator", columns="wave", values="value").reindex(list(INDICATORS))
    return pd.DataFrame({_col("indicator", fmt): wide.index.map(indicator_labels(fmt.lang)),
                         **{w: wide[w].to_numpy() for w in order}})


def baseline_levels_table(levels: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """The worker indicators of a baseline wave
    (:func:`~pipeline.analyse.analysis.monitoring_levels.indicator_levels` of the one wave,
    scope ``all``): ``Indicator, Value, 95 % interval`` (``low – high``), in its order."""
    return pd.DataFrame({
        **_indicator_column(levels, fmt),
        _col("value", fmt): _level_cells(levels, "estimate", fmt),
        _col("interval", fmt): written(
            zip(levels["ci_low"], levels["ci_high"], levels["kind"], strict=True),
            lambda c: NOT_AVAILABLE if pd.isna(c[0]) or pd.isna(c[1])
            else f"{fmt.value(c[0], c[2])} – {fmt.value(c[1], c[2])}",
            _withheld(levels, "estimate"), fmt.lang),
    })


def level_rows(levels: pd.DataFrame, kind: str, fmt: Formatter) -> pd.DataFrame:
    """The rows of a figure of levels: the panel's indicators of one ``kind`` (``"mean"``
    or ``"proportion"``), from
    :func:`~pipeline.analyse.analysis.monitoring_levels.indicator_levels` of the two waves
    compared; :func:`~pipeline.analyse.analysis.monitoring_findings.panel_levels` with
    ``label`` (the indicator in words)."""
    return _labelled(panel_levels(levels, kind), "indicator", indicator_labels(fmt.lang))


def _change_columns(rows: pd.DataFrame, fmt: Formatter, before: str,
                    after: str) -> dict[str, list[str]]:
    """Both levels, the change with its interval and the p-values of changes."""
    return {
        before: _level_cells(rows, "estimate_prev", fmt),
        after: _level_cells(rows, "estimate_cur", fmt),
        _col("change", fmt): written(
            zip(rows["estimate"], rows["ci_low"], rows["ci_high"], rows["kind"], strict=True),
            spanned(fmt.change_interval, lambda c: fmt.change(c[0], c[3])),
            _withheld(rows, "estimate"), fmt.lang),
        **_p_values(rows, fmt),
    }


def changes_table(changes: pd.DataFrame, fmt: Formatter, *, before: str,
                  after: str) -> pd.DataFrame:
    """The changes of the worker indicators since the previous wave, in every scope
    (:func:`~pipeline.analyse.analysis.monitoring_workers.wave_changes`).

    ``Indicator, Companies`` (the scope in words), ``before``, ``after`` (levels),
    ``Change (95 % CI)`` (scale points for means, percentage points for shares),
    ``p-value``, ``Adjusted p-value (Holm)``. Rows: the main scope first, then every
    respondent; indicators in their order within each.
    """
    rows = changes_since(changes, "previous")
    scope_rank = {s: i for i, s in enumerate(SCOPES)}
    rank = {k: i for i, k in enumerate(INDICATORS)}
    rows = rows.assign(o1=rows["scope"].map(scope_rank),
                       o2=rows["indicator"].map(rank)).sort_values(["o1", "o2"], kind="stable")
    return pd.DataFrame({
        **_indicator_column(rows, fmt),
        _col("scope", fmt): rows["scope"].map(scope_labels(fmt.lang)),
        **_change_columns(rows, fmt, before, after),
    })


def first_changes_table(changes: pd.DataFrame, fmt: Formatter, *, first: str,
                        wave: str) -> pd.DataFrame:
    """The changes of the worker indicators since the first wave of a chain of three waves
    or more (:func:`~pipeline.analyse.analysis.monitoring_workers.wave_changes`): the
    columns of :func:`changes_table` without ``Companies`` (every respondent), indicators
    in their order."""
    rows = changes_since(changes, "first")
    return pd.DataFrame({**_indicator_column(rows, fmt),
                         **_change_columns(rows, fmt, first, wave)})


#: The sentence on the clear changes, by (any improved, any worse).
WORKERS_TEXTS = {(True, True): "monitoring.workers_both",
                 (True, False): "monitoring.workers_improved",
                 (False, True): "monitoring.workers_worse",
                 (False, False): "monitoring.workers_none"}


def workers_text_values(changes: pd.DataFrame, fmt: Formatter) -> dict[str, str]:
    """The values of the sentence on the clear changes, from
    :func:`~pipeline.analyse.analysis.monitoring_workers.wave_changes`.

    ``key``: the sentence to say (:data:`WORKERS_TEXTS`: something improved, worsened,
    both, or nothing changed clearly); ``alpha`` (:data:`pipeline.analyse.stats.ALPHA`, two
    decimals); ``improved`` and ``worse``: the indicators that clearly improved and
    worsened in the panel (:func:`~pipeline.analyse.analysis.monitoring_findings.clear_changes`),
    each named between quotes, listed ("" when none), and ``n_improved``, ``n_worse``.
    Say it with ``say(values.pop("key"), lang, **values)``.
    """
    clear = clear_changes(changes)
    names = clear["indicator"].map(indicator_labels(fmt.lang))
    quoted = {d: [text("monitoring.quoted", fmt.lang, name=n)
                  for n in names[clear["direction"] == d]] for d in ("improved", "worse")}
    return {"key": WORKERS_TEXTS[bool(quoted["improved"]), bool(quoted["worse"])],
            "alpha": fmt.number(ALPHA, 2),
            **{d: fmt.listing(q) for d, q in quoted.items()},
            **{f"n_{d}": fmt.number(len(q), 0) for d, q in quoted.items()}}


def intro_values(waves: MonitoredWaves, scopes: Mapping[str, Sequence[str] | None],
                 fmt: Formatter) -> dict[str, str]:
    """The waves, respondents and companies of the introduction to the comparison.

    Parameters
    ----------
    waves
        The prepared waves (at least two).
    scopes
        :func:`~pipeline.analyse.analysis.monitoring_panel.panel_scopes` (``common``: the
        companies surveyed in both waves).

    Returns
    -------
    dict
        ``wave``, ``previous`` (labels); ``n_prev``, ``n_cur`` (workers who answered),
        ``c_prev``, ``c_cur`` (surveyed companies), ``n_common`` (companies in both).
    """
    prev, cur = waves.previous, waves.current
    counts = {"n_prev": len(prev.workers), "n_cur": len(cur.workers),
              "c_prev": len(prev.surveyed), "c_cur": len(cur.surveyed),
              "n_common": len(scopes["common"])}
    return {"wave": waves.wave, "previous": waves.previous_wave, **_counts(counts, fmt)}


# --------------------------------------------------------------------------------------
# Where flexibility arrived
# --------------------------------------------------------------------------------------
def flexibility_intro_values(scopes: Mapping[str, Sequence[str] | None],
                             fmt: Formatter) -> dict[str, str]:
    """``n_flex``, ``n_other``: the panel companies that introduced flexibility, the others
    (the groups ``new_flex`` and ``no_new_flex`` of
    :func:`~pipeline.analyse.analysis.monitoring_panel.panel_scopes`)."""
    return _counts({"n_flex": len(scopes["new_flex"]),
                    "n_other": len(scopes["no_new_flex"])}, fmt)


def flexibility_rows(flexibility: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """The rows of the figure of the two groups' changes:
    :func:`~pipeline.analyse.analysis.monitoring_findings.flexibility_groups` of
    :func:`~pipeline.analyse.analysis.monitoring_workers.flexibility_change`, with
    ``label`` (the group)."""
    return _labelled(flexibility_groups(flexibility), "scope", scope_labels(fmt.lang))


def flexibility_values(flexibility: pd.DataFrame, fmt: Formatter) -> dict[str, str]:
    """``did``, ``low``, ``high``, ``p``, ``p_adjusted`` of the difference in differences
    of :func:`~pipeline.analyse.analysis.monitoring_workers.flexibility_change`.

    The difference and its interval (scale points, two decimals) turned round as the
    figure draws it, "right is better": ``did`` is how much MORE conflict fell where
    flexibility arrived (the estimate is after minus before, so its sign is flipped and
    the interval's ends swap), and its p-values (``—`` when not tested); see
    :func:`~pipeline.analyse.analysis.monitoring_findings.flexibility_headline`.
    """
    row = flexibility_headline(flexibility).iloc[0]
    return {"did": fmt.number(-row["estimate"], 2), "low": fmt.number(-row["ci_high"], 2),
            "high": fmt.number(-row["ci_low"], 2), "p": fmt.p_value(row["p_value"]),
            "p_adjusted": fmt.p_value(row["p_adjusted"])}


# --------------------------------------------------------------------------------------
# Companies
# --------------------------------------------------------------------------------------
def baseline_companies_values(membership: pd.DataFrame, levels: pd.DataFrame,
                              fmt: Formatter) -> dict[str, str]:
    """The network and the companies' measures in a baseline wave.

    Parameters
    ----------
    membership
        :func:`~pipeline.analyse.analysis.monitoring_companies.network_membership`.
    levels
        :func:`~pipeline.analyse.analysis.monitoring_companies.company_levels_by_wave` of
        the one wave.

    Returns
    -------
    dict
        ``n_network``, ``n_mapped`` (companies), ``share`` (percentage), ``measures``
        (active measures per surveyed company), ``score`` (mean maturity score, 0-100).
    """
    m = membership.iloc[0]
    by = levels.set_index("indicator")["estimate"]
    return {"n_network": fmt.number(m["in_network"], 0), "share": fmt.percent(m["share"], 1),
            "n_mapped": fmt.number(m["mapped"], 0),
            "measures": fmt.number(by["n_measures_active"]),
            "score": fmt.number(by["maturity_score"])}


def network_values(network: pd.DataFrame, fmt: Formatter) -> dict[str, str]:
    """Members in each wave, joined, left and McNemar's p-value, from
    :func:`~pipeline.analyse.analysis.monitoring_companies.network_change`.

    ``n_prev``, ``n_cur`` (members), ``share_prev``, ``share_cur`` (percentages of the
    mapped companies), ``joined``, ``left`` (companies mapped in both waves), ``p``.
    """
    by = network.set_index("wave")
    return {"n_prev": fmt.number(by.loc["previous", "in_network"], 0),
            "n_cur": fmt.number(by.loc["current", "in_network"], 0),
            "share_prev": fmt.percent(by.loc["previous", "share"], 1),
            "share_cur": fmt.percent(by.loc["current", "share"], 1),
            "joined": fmt.number(by.loc["paired", "joined"], 0),
            "left": fmt.number(by.loc["paired", "left"], 0),
            "p": fmt.p_value(by.loc["paired", "p_value"])}


def company_level_rows(levels: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """The rows of the figure of company levels, with ``label`` (the indicator)."""
    return _labelled(levels, "indicator", indicator_labels(fmt.lang))


def company_changes_table(moves: pd.DataFrame, fmt: Formatter, *, before: str,
                          after: str) -> pd.DataFrame:
    """The changes of the company indicators, every surveyed company and the same
    companies (:func:`~pipeline.analyse.analysis.monitoring_companies.company_change`).

    ``Indicator, Comparison`` (in words), ``Companies (before / after)``, ``before``,
    ``after`` (means per company, one decimal), ``Change (95 % CI)`` (one decimal),
    ``p-value``, ``Adjusted p-value (Holm)``; rows in the table's order. A withheld count
    or value reads ``n.d.``, one that does not exist ``—`` (:mod:`.marks`).
    """
    lang = fmt.lang

    def count(column: str) -> list[str]:
        return written(moves[column], fmt.count, _withheld(moves, column), lang)

    return pd.DataFrame({
        **_indicator_column(moves, fmt),
        _col("comparison", fmt): [text(f"monitoring.comparison.{c}", lang)
                                  for c in moves["comparison"]],
        _col("companies", fmt): [f"{a} / {b}" for a, b in zip(count("n_prev"), count("n_cur"),
                                                             strict=True)],
        before: written(moves["mean_prev"], fmt.number, _withheld(moves, "mean_prev"), lang),
        after: written(moves["mean_cur"], fmt.number, _withheld(moves, "mean_cur"), lang),
        _col("change", fmt): written(
            zip(moves["estimate"], moves["ci_low"], moves["ci_high"], strict=True),
            spanned(lambda *c: fmt.interval(*c, 1), lambda c: fmt.number(c[0], 1)),
            _withheld(moves, "estimate"), lang),
        **_p_values(moves, fmt),
    })


def companies_text_values(moves: pd.DataFrame, fmt: Formatter) -> dict[str, str]:
    """The active measures of the same companies before and after, and the maturity score,
    from :func:`~pipeline.analyse.analysis.monitoring_companies.company_change`.

    ``n`` (companies in both waves), ``before``, ``after`` (mean active measures),
    ``p_adjusted`` (of their change), ``score_change`` (mean change of the maturity score,
    points 0-100), ``score_before``, ``score_after`` (its means); from
    :func:`~pipeline.analyse.analysis.monitoring_findings.paired_company_changes`.
    """
    paired = paired_company_changes(moves)
    measures, score = paired.loc["n_measures_active"], paired.loc["maturity_score"]
    return {"n": fmt.number(measures["n"], 0), "before": fmt.number(measures["mean_prev"]),
            "after": fmt.number(measures["mean_cur"]),
            "p_adjusted": fmt.p_value(measures["p_adjusted"]),
            "score_change": fmt.number(score["estimate"]),
            "score_before": fmt.number(score["mean_prev"]),
            "score_after": fmt.number(score["mean_cur"])}
