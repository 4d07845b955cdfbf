"""The confidential company report (``notebooks/company/company_report.py``) in words: its
bullet points, its tables and the values of its sentences.

Each function takes what :mod:`pipeline.analyse.analysis.company`,
:mod:`~pipeline.analyse.analysis.company_position`,
:mod:`~pipeline.analyse.analysis.company_history` and
:mod:`~pipeline.analyse.analysis.company_actions` compute (the docstring names the
function that makes it) and ``fmt``, the report's
:class:`~pipeline.i18n.formatting.Formatter`, whose language picks the words. Each returns
what the notebook shows:

* a table: columns named in words (``company.col_*`` of the text catalogue), every cell a
  formatted string, rows in the order the analysis gave them;
* the values of a sentence: ``{placeholder: formatted value}`` for
  :func:`pipeline.i18n.text.say`; when the notebook chooses between sentences, ``key``
  names the one to say: ``say(values.pop("key"), lang, **values)``.

Scores (0-100) read with one decimal, the others' quartiles and medians as whole points,
shares of employees and of companies as whole percentages, counts as whole numbers. What
is compared, shown or withheld (and why) is decided in the analysis; here only how it
reads.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from pipeline.analyse.analysis.company_actions import PeerGroup
from pipeline.analyse.analysis.company_history import MaturityChange
from pipeline.analyse.analysis.company_position import Position
from pipeline.codebook import Codebook
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.labels import in_sentence, listed
from pipeline.i18n.text import text
from pipeline.render.escape import markdown_escape
from pipeline.render.sections.marks import written

__all__ = [
    "ADOPTION_STATUSES",
    "areas_table",
    "areas_values",
    "balance_values",
    "brief_lines",
    "change_counts",
    "history_others_values",
    "history_values",
    "intro_values",
    "measure_changes_table",
    "needs_figure_labels",
    "needs_figure_rows",
    "network_values",
    "peers_values",
    "position_values",
    "profile_words",
    "score_values",
    "status_labels",
    "suggestions_table",
    "uncovered_table",
    "workers_values",
]

#: The adoption statuses of a measure the report names (codebook list ``adoption``).
ADOPTION_STATUSES = ("none", "planned", "active_some", "active_all")
#: The sentence of the history section, by :data:`.company_history.HISTORY_STATES`, when
#: there is no change to tell (the company was not surveyed at the previous wave).
_HISTORY_KEYS = {"new_to_network": "new", "first_survey": "first_survey",
                 "baseline": "baseline"}


def status_labels(codebook: Codebook, lang: str) -> dict[str, str]:
    """``{adoption status: its name in words}`` for :data:`ADOPTION_STATUSES`."""
    return {code: codebook.code_label("adoption", code, lang) for code in ADOPTION_STATUSES}


def _col(name: str, fmt: Formatter, **values: str) -> str:
    return text(f"company.col_{name}", fmt.lang, **values)


def _statuses(statuses: pd.Series, labels: Mapping[str, str], fmt: Formatter) -> pd.Series:
    """Adoption statuses in words; a company that did not answer reads ``no_answer``."""
    return statuses.map(labels).fillna(text("company.no_answer", fmt.lang))


def _count(values: pd.Series, value: str) -> int:
    return int((values == value).sum())


# --------------------------------------------------------------------------------------
# The opening and "In breve"
# --------------------------------------------------------------------------------------
def profile_words(profile: pd.Series, codebook: Codebook, lang: str) -> dict[str, str]:
    """``sector`` and ``size``: the company's ATECO section and size class (``profile``: its
    row of the ``companies`` table) in words, as written inside a sentence."""
    return {"sector": in_sentence(codebook.code_label("ateco_section",
                                                      profile["ateco_section"], lang)),
            "size": in_sentence(codebook.code_label("size_class", profile["size_class"], lang))}


def intro_values(company_id: str, name: str | None, words: Mapping[str, str]) -> dict[str, str]:
    """The opening sentence: ``key`` (``company.intro`` with the company's name, or
    ``company.intro_code`` with its code only when the name is unknown), ``company_id``,
    ``company_name`` (both data, escaped for Markdown), ``sector``, ``size`` (from
    :func:`profile_words`)."""
    values = {"company_id": markdown_escape(company_id), **words}
    if name:
        return {"key": "company.intro", "company_name": markdown_escape(name), **values}
    return {"key": "company.intro_code", **values}


def network_values(n_workers: int, n_others: int, wave: str, fmt: Formatter) -> dict[str, str]:
    """``n_workers`` (the company's employees who answered), ``n_other`` (the other
    surveyed companies of the network), ``wave`` (its label)."""
    return {"n_workers": fmt.number(n_workers, 0), "n_other": fmt.number(n_others, 0),
            "wave": wave}


def score_values(position: Position, fmt: Formatter) -> dict[str, str]:
    """``score`` (0-100, one decimal) and ``maturity_class`` of
    :func:`~pipeline.analyse.analysis.company_position.maturity_position`."""
    return {"score": fmt.number(position.score, 1), "maturity_class": position.maturity_class}


def _quarter(position: Position, lang: str) -> str:
    return text(f"company.quarter_{position.quarter}", lang)


def change_counts(changes: pd.DataFrame, fmt: Formatter,
                  kinds: tuple[str, ...] = ("activated", "dropped", "extended", "narrowed"),
                  ) -> dict[str, str]:
    """``n_<kind>``: the measures of
    :func:`~pipeline.analyse.analysis.company_history.measure_changes` that changed in each
    way of ``kinds``."""
    return {f"n_{c}": fmt.number(_count(changes["change"], c), 0) for c in kinds}


def brief_lines(position: Position, fmt: Formatter, *, compare: bool, history: str,
                change: MaturityChange | None = None, changes: pd.DataFrame | None = None,
                previous_wave: str | None = None, uncovered: pd.DataFrame | None = None,
                suggestions: pd.DataFrame | None = None) -> list[str]:
    """The sentences of "In breve", in reading order.

    Parameters
    ----------
    position
        :func:`~pipeline.analyse.analysis.company_position.maturity_position`.
    compare
        Whether the network is large enough to compare the company with: the score then
        says in which quarter of the others it falls.
    history
        :func:`~pipeline.analyse.analysis.company_history.history_state`.
    change, changes, previous_wave
        :func:`~pipeline.analyse.analysis.company_history.maturity_change` and
        :func:`~pipeline.analyse.analysis.company_history.measure_changes` since the
        previous wave, and its label; ``change`` ``None`` when the company was not
        surveyed then (the sentence says why, by ``history``).
    uncovered
        :func:`~pipeline.analyse.analysis.company_actions.uncovered_needs` with ``label``;
        ``None`` when the employees' answers are withheld (no sentence).
    suggestions
        :func:`~pipeline.analyse.analysis.company_actions.peer_suggestions` (no sentence
        when ``None`` or empty).

    Returns
    -------
    list of str
        The score (and position), the change since the previous wave (or why there is
        none), the uncovered needs (or that there are none) and the measures of similar
        companies; the measures are listed bold, the first three and how many more.
    """
    lang = fmt.lang
    if compare:
        lines = [text("company.brief_score", lang, **score_values(position, fmt),
                      position=_quarter(position, lang))]
    else:
        lines = [text("company.brief_score_alone", lang, **score_values(position, fmt))]
    if change is not None:
        same = "_same_class" if change.class_then == change.class_now else ""
        lines.append(text(f"company.brief_change{same}", lang, previous=previous_wave,
                          before=fmt.number(change.score_then, 1),
                          after=fmt.number(change.score_now, 1), class_before=change.class_then,
                          maturity_class=change.class_now,
                          **change_counts(changes, fmt, ("activated", "dropped"))))
    else:
        lines.append(text(f"company.brief_{_HISTORY_KEYS.get(history, history)}", lang))
    if uncovered is not None:
        lines.append(text("company.brief_needs", lang, measures=listed(uncovered["label"], lang),
                          n=fmt.number(len(uncovered), 0)) if len(uncovered)
                     else text("company.brief_needs_none", lang))
    if suggestions is not None and len(suggestions):
        lines.append(text("company.brief_peers", lang,
                          measures=listed(suggestions["label"], lang),
                          n=fmt.number(len(suggestions), 0)))
    return lines


# --------------------------------------------------------------------------------------
# Maturity and history
# --------------------------------------------------------------------------------------
def position_values(position: Position, fmt: Formatter) -> dict[str, str]:
    """Where the score falls among the others: ``key`` (``company.position_share`` with
    ``share``, the share of others scoring lower, or ``company.position`` when that share
    is withheld, lest it reveal the others), ``low``, ``high``, ``network_median`` (the
    others' quartiles, whole points) and ``position`` (the quarter in words)."""
    values = {"low": fmt.number(position.q1, 0), "high": fmt.number(position.q3, 0),
              "network_median": fmt.number(position.median, 0),
              "position": _quarter(position, fmt.lang)}
    if position.withheld is None:
        return {"key": "company.position_share", "share": fmt.percent(position.share_below, 0),
                **values}
    return {"key": "company.position", **values}


def history_values(history: str, change: MaturityChange | None, previous_wave: str | None,
                   fmt: Formatter) -> dict[str, str]:
    """The first sentence since the previous wave.

    With a ``change`` (:func:`~pipeline.analyse.analysis.company_history.maturity_change`):
    ``key`` ``company.history_<direction>``, with ``_same_class`` when the score moved but
    the class did not; ``previous``, ``before``, ``after`` (scores, one decimal),
    ``score_change`` (points, unsigned), ``class_before``, ``maturity_class``. Without
    one: ``key`` by ``history``
    (:func:`~pipeline.analyse.analysis.company_history.history_state`: new to the network,
    not surveyed then, or the network's first wave) and ``previous`` (not for a baseline).
    """
    if change is None:
        key = f"company.history_{_HISTORY_KEYS[history]}"
        return {"key": key} if history == "baseline" else {"key": key, "previous": previous_wave}
    same_class = "_same_class" if change.steps == 0 and change.direction != "same" else ""
    return {"key": f"company.history_{change.direction}{same_class}", "previous": previous_wave,
            "before": fmt.number(change.score_then, 1), "after": fmt.number(change.score_now, 1),
            "score_change": fmt.number(abs(change.change), 1),
            "class_before": change.class_then, "maturity_class": change.class_now}


def history_others_values(median_then: float, median_now: float,
                          fmt: Formatter) -> dict[str, str] | None:
    """``before``, ``after``: the others' median score at the previous wave and now (whole
    points, :func:`~pipeline.analyse.analysis.company_history.others_median_then_now`);
    ``None`` when either is missing (too few other companies)."""
    if pd.isna(median_then) or pd.isna(median_now):
        return None
    return {"before": fmt.number(median_then, 0), "after": fmt.number(median_now, 0)}


def measure_changes_table(changes: pd.DataFrame, statuses: Mapping[str, str], fmt: Formatter,
                          *, previous: str, wave: str) -> pd.DataFrame:
    """The measures that changed since the previous wave
    (:func:`~pipeline.analyse.analysis.company_history.measure_changes`): ``Measure``,
    ``Change``, the status at ``previous`` and at ``wave`` (``statuses``:
    :func:`status_labels`), in its order."""
    lang = fmt.lang
    return pd.DataFrame({
        _col("measure", fmt): changes["label"],
        _col("change", fmt): changes["change"].map(lambda c: text(f"company.change_{c}", lang)),
        _col("before", fmt, previous=previous): changes["before"].map(statuses),
        _col("after", fmt, wave=wave): changes["after"].map(statuses),
    })


# --------------------------------------------------------------------------------------
# Measures, needs, similar companies, balance
# --------------------------------------------------------------------------------------
def areas_values(areas: pd.DataFrame, n_areas_all: int, fmt: Formatter,
                 network_median: float | None = None) -> dict[str, str]:
    """The company's measures in numbers, from
    :func:`~pipeline.analyse.analysis.company.areas_summary`: ``n_active`` (active
    measures), ``n_areas`` (areas with one at least), ``n_areas_all`` (areas of the
    taxonomy); ``key`` ``company.measures_text_network`` with ``network_median`` (the
    others' median count of active measures) when given, else ``company.measures_text``."""
    values = {"n_active": fmt.number(areas["active"].sum(), 0),
              "n_areas": fmt.number((areas["active"] > 0).sum(), 0),
              "n_areas_all": fmt.number(n_areas_all, 0)}
    if network_median is None:
        return {"key": "company.measures_text", **values}
    return {"key": "company.measures_text_network", **values,
            "network_median": fmt.number(network_median, 0)}


def areas_table(areas: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """:func:`~pipeline.analyse.analysis.company.areas_summary` to show: ``Area``,
    ``Active measures``, ``Measures`` (the area's code dropped), in its order."""
    return areas.drop(columns="area").rename(columns={
        "area_label": _col("area", fmt), "active": _col("active", fmt),
        "measures": _col("measures", fmt)})


def workers_values(reason: str, n_workers: int, min_cell: int,
                   fmt: Formatter) -> dict[str, str | int]:
    """Why the employees' needs are not reported: ``key``
    (``company.workers_<reason>``, :func:`~.company_actions.workers_withheld_reason`),
    ``n_workers`` (who answered) and ``min_cell`` (the threshold)."""
    return {"key": f"company.workers_{reason}", "n_workers": fmt.number(n_workers, 0),
            "min_cell": min_cell}


def needs_figure_rows(needs: pd.DataFrame) -> pd.DataFrame:
    """The rows of the needs figure
    (:func:`~pipeline.analyse.analysis.company.needs_vs_others` with ``label``): the
    measures in the order of the company's own share, highest first, the company before
    the others within each (column ``order``)."""
    mine = needs[needs["scope"] == "company"].sort_values("estimate", ascending=False)
    order = {m: i for i, m in enumerate(mine["measure"])}
    return needs.assign(order=needs["measure"].map(order)).sort_values(["order", "scope"])


def needs_figure_labels(fmt: Formatter) -> dict[str, object]:
    """The words of the needs figure, as arguments of
    :func:`~pipeline.analyse.plots.estimates.dot_ci`: the measure's ``label``, the company
    (``you``) against the other companies (``network``), the share that rates it important
    on the axis."""
    lang = fmt.lang
    return {"label": "label", "hue": "scope", "hue_order": ["company", "others"],
            "hue_labels": {"company": text("company.you", lang),
                           "others": text("company.network", lang)},
            "xlabel": text("needs.share_important", lang),
            "label_name": _col("measure", fmt)}


def uncovered_table(uncovered: pd.DataFrame, statuses: Mapping[str, str],
                    fmt: Formatter) -> pd.DataFrame:
    """The uncovered needs (:func:`~pipeline.analyse.analysis.company_actions.uncovered_needs`
    with ``label``): ``Measure``, the employees' share who rate it important, its 95 %
    interval, the share at the other companies (``n.d.`` when withheld:
    :func:`~pipeline.analyse.analysis.company_actions.uncovered_needs` leaves it missing only
    then), the measure's status in the company (``statuses``: :func:`status_labels`; no
    answer when missing)."""
    lang = fmt.lang
    return pd.DataFrame({
        _col("measure", fmt): uncovered["label"],
        _col("workers_share", fmt): uncovered["estimate"].map(lambda s: fmt.percent(s, 0)),
        _col("interval", fmt): [
            text("company.interval", lang, low=fmt.percent(lo, 0), high=fmt.percent(hi, 0))
            for lo, hi in zip(uncovered["ci_low"], uncovered["ci_high"], strict=True)],
        _col("others_share", fmt): written(uncovered["others"], lambda s: fmt.percent(s, 0),
                                           uncovered["others"].isna(), lang),
        _col("status", fmt): _statuses(uncovered["status"], statuses, fmt),
    })


def peers_values(peers: PeerGroup, suggestions: pd.DataFrame, words: Mapping[str, str],
                 fmt: Formatter) -> dict[str, str]:
    """The similar companies: ``key`` (``company.peers_text`` when there are suggestions,
    else ``company.peers_none``), ``n`` (how many similar companies) and ``group`` (who
    they are, by ``peers.kind``, with ``sector`` and ``size`` of :func:`profile_words`)."""
    key = "company.peers_text" if len(suggestions) else "company.peers_none"
    return {"key": key, "n": fmt.number(len(peers), 0),
            "group": text(f"company.peers_{peers.kind}", fmt.lang, **words)}


def suggestions_table(suggestions: pd.DataFrame, statuses: Mapping[str, str],
                      fmt: Formatter) -> pd.DataFrame:
    """The measures of similar companies
    (:func:`~pipeline.analyse.analysis.company_actions.peer_suggestions`): ``Measure``,
    how many similar companies have it (``k of n``), its status in the company
    (``statuses``: :func:`status_labels`), and ``Wanted`` (yes when the company's employees
    rate it important) only when some are."""
    lang = fmt.lang
    table = {
        _col("measure", fmt): suggestions["label"],
        _col("peers", fmt): [text("company.k_of_n", lang, k=fmt.number(k, 0), n=fmt.number(n, 0))
                             for k, n in zip(suggestions["k"], suggestions["n"], strict=True)],
        _col("status", fmt): _statuses(suggestions["status"], statuses, fmt),
    }
    if suggestions["wanted"].any():
        table[_col("wanted", fmt)] = suggestions["wanted"].map(
            {True: text("company.yes", lang), False: ""})
    return pd.DataFrame(table)


def balance_values(balance: pd.DataFrame, fmt: Formatter) -> dict[str, str]:
    """Work-life balance, company against the others
    (:func:`~pipeline.analyse.analysis.company.balance_vs_others`, published): ``fit``,
    ``fit_network`` (share whose hours fit family commitments, whole percent), ``wfc``,
    ``wfc_network`` (mean work-to-family conflict, 1-7, two decimals)."""
    b = balance.set_index(["indicator", "scope"])["estimate"]
    return {"fit": fmt.percent(b[("wlb_fit_good", "company")], 0),
            "fit_network": fmt.percent(b[("wlb_fit_good", "others")], 0),
            "wfc": fmt.number(b[("wfc_score", "company")], 2),
            "wfc_network": fmt.number(b[("wfc_score", "others")], 2)}
