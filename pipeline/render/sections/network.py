"""What the network section (``notebooks/04_network.py``) shows: the tidy results of
:mod:`pipeline.analyse.analysis.network` turned into labelled frames for its figures,
formatted tables for :func:`pipeline.notebook.show_table` and the lists its sentences
name.

Nothing here decides what a result is: the order of the services, the areas shown, the
viable services and the agreement's candidates come from the analysis. These functions
put words on the codes (the codebook's labels, the text catalogue's ``network.*``
labels) and format numbers with a :class:`~pipeline.i18n.formatting.Formatter`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from pipeline.analyse.analysis.areas import TERRITORIAL_AREAS, area_label
from pipeline.analyse.analysis.network import (
    ALL,
    NEED_DOMAINS,
    OUTSIDE,
    VIABILITY_STATUSES,
    agreement_choice,
    min_interested,
    most_interesting,
    most_needed,
    province_demand,
    province_places,
    shown_areas,
    viable_areas,
)
from pipeline.codebook import Codebook, load_codebook
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.labels import in_sentence, named
from pipeline.i18n.text import text
from pipeline.render.sections.marks import withheld, written

__all__ = [
    "activity_labels",
    "activity_words",
    "agreement_words",
    "area_labels",
    "area_places",
    "by_quarter",
    "candidate_list",
    "candidate_words",
    "demand_table",
    "demand_words",
    "domain_rules",
    "labelled",
    "footprint_words",
    "interest_words",
    "places_list",
    "service_labels",
    "unmapped_words",
    "viability_labels",
    "viability_words",
    "viable_list",
]


# --------------------------------------------------------------------------------------
# Words for codes
# --------------------------------------------------------------------------------------
def service_labels(lang: str, *, codebook: Codebook | None = None) -> dict[str, str]:
    """``{measure: name}`` of every measure of the codebook (the services among them)."""
    codebook = codebook or load_codebook()
    return {m: codebook.measure_label(m, lang) for m in codebook.measure_codes()}


def area_labels(lang: str) -> dict[str, str]:
    """``{area: name}`` of the province's areas, the whole network (:data:`ALL`) and the
    companies outside the province (:data:`OUTSIDE`)."""
    return {**{a: area_label(a, lang) for a in TERRITORIAL_AREAS},
            ALL: text("network.all_areas", lang), OUTSIDE: text("network.outside", lang)}


def area_places(lang: str) -> dict[str, str]:
    """``{area: where, in a sentence}`` of the province's areas: "nel comune di Verona",
    "nella cintura urbana con Villafranca" (the catalogue's ``territory.in.<AREA>``)."""
    return {a: text(f"territory.in.{a}", lang) for a in TERRITORIAL_AREAS}


def viability_labels(lang: str) -> dict[str, str]:
    """``{status: label}`` of the viability verdicts, from the best."""
    return {s: text(f"network.status.{s}", lang) for s in VIABILITY_STATUSES}


def activity_labels(events: pd.DataFrame, lang: str, *,
                    codebook: Codebook | None = None) -> dict[str, str]:
    """``{activity: label}`` of the activity types in ``events`` (the codebook's words)."""
    codebook = codebook or load_codebook()
    return {a: codebook.code_label("activity", a, lang) for a in events["activity"]}


def labelled(table: pd.DataFrame, lang: str, *,
             codebook: Codebook | None = None) -> pd.DataFrame:
    """``table`` with ``label``: the name of its ``measure`` (a service), for a chart."""
    return table.assign(label=table["measure"].map(service_labels(lang, codebook=codebook)))


# --------------------------------------------------------------------------------------
# Demand, places, interest
# --------------------------------------------------------------------------------------
def footprint_words(footprint: pd.DataFrame, fmt: Formatter) -> dict[str, str]:
    """The placeholders of the network's size from
    :func:`~pipeline.analyse.analysis.network_demand.network_footprint`, whole numbers:
    ``n_network`` (member companies), ``n_employees``, ``n_areas``, ``n_all_areas``, and
    ``where``: "in tutte le 6 aree della provincia", or "in 4 delle 6 aree ..." when the
    network is not in every area."""
    row = footprint.iloc[0]
    counts = {"n_areas": fmt.number(row["n_areas"], 0),
              "n_all_areas": fmt.number(row["n_all_areas"], 0)}
    everywhere = row["n_areas"] >= row["n_all_areas"] and row["n_all_areas"] > 1
    where = text("network.in_all_areas" if everywhere else "network.in_some_areas",
                 fmt.lang, **counts)
    return {"n_network": fmt.number(row["n_companies"], 0),
            "n_employees": fmt.number(row["n_employees"], 0), **counts, "where": where}


def domain_rules(services: Sequence[str], lang: str, *,
                 codebook: Codebook | None = None) -> str:
    """Among whom the need is counted, one clause per group of workers, ``"; "``-joined
    ("for **company nursery** and **summer camps**, among workers with children under 14"),
    for the services of ``services`` with a domain, in the order of
    :data:`~pipeline.analyse.analysis.network_demand.NEED_DOMAINS`."""
    labels = service_labels(lang, codebook=codebook)
    fmt = Formatter(lang)
    by_domain: dict[str, list[str]] = {}
    for m, d in NEED_DOMAINS.items():
        if m in services and d is not None:
            by_domain.setdefault(d, []).extend(named([labels[m]]))
    return "; ".join(text("network.domain_rule", lang, services=fmt.listing(ms),
                          domain=text(f"network.domain.{d}", lang))
                     for d, ms in by_domain.items())


def demand_table(demand: pd.DataFrame, fmt: Formatter, *,
                 codebook: Codebook | None = None) -> pd.DataFrame:
    """Employees who need each service by area
    (:func:`~pipeline.analyse.analysis.network_demand.pooled_demand` as published), as the
    report's table, rows and columns named in ``fmt``'s language.

    One row per service, the most needed province-wide first
    (:func:`~pipeline.analyse.analysis.network_demand.province_demand`): the *service*, then
    one column per shown area and the whole network
    (:func:`~pipeline.analyse.analysis.network_demand.shown_areas`), estimates as whole
    numbers, ``n.d.`` where withheld, the em dash where there is no estimate
    (:mod:`.marks`).
    """
    lang = fmt.lang
    wide = demand.assign(value=written(demand["estimate"], lambda v: fmt.number(v, 0),
                                       withheld(demand, "estimate"), lang))
    wide = wide.pivot(index="measure", columns="area", values="value").reindex(
        index=province_demand(demand)["measure"], columns=shown_areas(demand))
    wide.index = wide.index.map(service_labels(lang, codebook=codebook))
    names = area_labels(lang)
    wide.columns = [names.get(a, a) for a in wide.columns]
    return wide.reset_index(names=text("network.col.service", lang))


def demand_words(province: pd.DataFrame, fmt: Formatter) -> dict[str, str]:
    """The placeholders of the sentence on the most needed service(s).

    Parameters
    ----------
    province
        :func:`~pipeline.analyse.analysis.network_demand.province_demand` with ``label``
        (:func:`labelled`).

    Returns
    -------
    dict
        ``service`` (the most needed service in bold, or every tied one:
        :func:`~pipeline.analyse.analysis.network_demand.most_needed`), ``n_top`` (how
        many), ``employees`` (the estimate), ``low`` and ``high`` (its 95 % interval; on a
        tie, from the lowest lower bound to the highest upper bound), ``projected`` and
        ``network_employees``, whole numbers.
    """
    top = most_needed(province)
    first = top.iloc[0]
    return {"service": fmt.listing(named(top["label"])), "n_top": fmt.number(len(top), 0),
            "employees": fmt.number(first["estimate"], 0),
            "low": fmt.number(top["ci_low"].min(), 0), "high": fmt.number(top["ci_high"].max(), 0),
            "projected": fmt.number(first["projected_network"], 0),
            "network_employees": fmt.number(first["network_employees"], 0)}


def interest_words(ranked: pd.DataFrame, fmt: Formatter) -> dict[str, str]:
    """The placeholders of the interest paragraph from
    :func:`~pipeline.analyse.analysis.network_demand.province_interest` with ``label``
    (:func:`labelled`): ``n_companies`` (most companies that answered about a service),
    ``top`` (the service that interests the largest share in bold, or every tied one:
    :func:`~pipeline.analyse.analysis.network_demand.most_interesting`), ``n_top`` (how
    many) and ``top_share``."""
    top = most_interesting(ranked)
    return {"n_companies": fmt.number(ranked["n_companies"].max(), 0),
            "top": fmt.listing(named(top["label"])), "n_top": fmt.number(len(top), 0),
            "top_share": fmt.percent(top["share_interested"].iloc[0], 0)}


def _bullets(items: Sequence[str]) -> str:
    """Items as a Markdown list, one ``- item`` a line."""
    return "\n".join(f"- {item}" for item in items)


def places_list(capacity: pd.DataFrame, fmt: Formatter, *,
                codebook: Codebook | None = None) -> str:
    """The province's local places of each service some local service type serves, a
    Markdown list ("- Nursery: 120 places in 8 services"; "places not given" when no
    service of the kind gives its places)."""
    lang = fmt.lang
    labels = service_labels(lang, codebook=codebook)
    return _bullets([
        text("network.places_item", lang, service=labels[r.measure],
             places=fmt.number(r.capacity, 0), n=fmt.number(r.n_services, 0))
        if pd.notna(r.capacity) else
        text("network.places_unknown", lang, service=labels[r.measure],
             n=fmt.number(r.n_services, 0))
        for r in province_places(capacity).itertuples()])


def unmapped_words(unmapped: Sequence[str], fmt: Formatter, *,
                   codebook: Codebook | None = None) -> dict[str, str]:
    """``services`` (the services no local service serves, in bold, listed) and
    ``n_unmapped`` (how many), for the sentence that says they start from scratch."""
    labels = service_labels(fmt.lang, codebook=codebook)
    return {"services": fmt.listing(named(labels[m] for m in unmapped)),
            "n_unmapped": fmt.number(len(unmapped), 0)}


# --------------------------------------------------------------------------------------
# Viability and agreement
# --------------------------------------------------------------------------------------
def viability_words(thresholds: Mapping[str, Any], services: Sequence[str], fmt: Formatter,
                    *, codebook: Codebook | None = None) -> dict[str, str]:
    """The placeholders of the viability rule's paragraph.

    Returns ``take_up`` (who uses the service: "il 20 %" in Italian, "20%" in English,
    or "a share that differs by service" when it is given by service), ``min_companies``
    (interested companies needed) and ``thresholds`` (fewest users of each service of
    ``services``, ``"; "``-joined, in the order of ``thresholds["min_users"]``).
    """
    lang = fmt.lang
    labels = service_labels(lang, codebook=codebook)
    take_up = thresholds.get("take_up")
    return {
        "take_up": (text("network.take_up", lang, share=fmt.percent(take_up, 0))
                    if not isinstance(take_up, Mapping) else text("network.by_service", lang)),
        "min_companies": fmt.number(min_interested(thresholds), 0),
        "thresholds": "; ".join(text("network.threshold_item", lang,
                                     service=in_sentence(labels[m]), users=fmt.number(v, 0))
                                for m, v in thresholds["min_users"].items() if m in services)}


def viable_list(verdict: pd.DataFrame, fmt: Formatter, *,
                codebook: Codebook | None = None) -> str:
    """The viable services and where, a Markdown list ("- Nursery: in the city of Verona
    and in the southern plain"; "- ...: only by pooling the whole network"); ``""`` when
    no service is viable (the notebook then says ``network.viability_none``)."""
    lang = fmt.lang
    labels, places = service_labels(lang, codebook=codebook), area_places(lang)
    items = [text("network.viable_item", lang, service=labels[m],
                  areas=fmt.listing(places[a] for a in where if a in places))
             if any(a in places for a in where) else
             text("network.viable_network_item", lang, service=labels[m])
             for m, where in viable_areas(verdict).items()]
    return _bullets(items)


def agreement_words(rule: Mapping[str, float], fmt: Formatter) -> dict[str, str]:
    """The agreement rule's three shares as whole percentages: ``need_share``,
    ``min_share`` (companies with a high need) and ``max_active`` (coverage)."""
    return {"need_share": fmt.percent(rule["need_share"], 0),
            "min_share": fmt.percent(rule["min_share_companies"], 0),
            "max_active": fmt.percent(rule["max_active_share"], 0)}


def candidate_list(candidates: pd.DataFrame, fmt: Formatter, *,
                   codebook: Codebook | None = None) -> str:
    """The agreement's candidate measures with their shares of companies with a high need
    and with the measure active, a Markdown list; ``""`` when no measure meets the rule."""
    lang = fmt.lang
    labels = service_labels(lang, codebook=codebook)
    return _bullets([text("network.candidate_item", lang, measure=labels[r.measure],
                          high=fmt.percent(r.share_high_need, 0),
                          active=fmt.percent(r.share_active, 0))
                     for r in agreement_choice(candidates).itertuples()])


def candidate_words(candidates: pd.DataFrame, fmt: Formatter, *,
                    codebook: Codebook | None = None) -> dict[str, str]:
    """``candidates`` (:func:`candidate_list`) and ``n_candidates`` (how many) of the
    sentence on the agreement's candidates; with none, the notebook says
    ``network.agreement_none``."""
    return {"candidates": candidate_list(candidates, fmt, codebook=codebook),
            "n_candidates": fmt.number(len(agreement_choice(candidates)), 0)}


# --------------------------------------------------------------------------------------
# Activity
# --------------------------------------------------------------------------------------
def by_quarter(table: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """``table`` with its ``quarter`` written for the reader (``T2 2014`` / ``Q2 2014``)."""
    return table.assign(quarter=table["quarter"].map(fmt.quarter))


def activity_words(summary: pd.DataFrame, fmt: Formatter) -> dict[str, str]:
    """The placeholders of the activity paragraph from
    :func:`~pipeline.analyse.analysis.network_activity.activity_summary`: ``members``,
    ``first``, ``last`` (quarters), ``n_events``, ``trainings``, ``conventions``."""
    row = summary.iloc[0]
    return {"members": fmt.number(row["members"], 0), "first": fmt.quarter(row["first"]),
            "last": fmt.quarter(row["last"]), "n_events": fmt.number(row["n_events"], 0),
            "trainings": fmt.number(row["trainings"], 0),
            "conventions": fmt.number(row["conventions"], 0)}
