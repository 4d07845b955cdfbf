"""Facts for the programmatic summary (the "relazione sintetica programmatica").

The summary is written from the *published* tables of the wave's sections
(``reports/<wave>/tables/*.csv``, small cells already blanked), so it can never say more
than the site shows. :func:`summary_facts` collects what the template
(``pipeline/render/templates/sintesi/sintesi.<lang>.md.j2``, edited by the researchers) talks about:
the main needs, the gaps between needs and what companies offer, the measures associated
with better balance, the shared services that reach a viable size and where, the candidate
contents of a territorial agreement, and the indicators to monitor.

:func:`guideline_facts` adds the guidelines for the next phase: the proposals of
:func:`pipeline.analyse.analysis.guidelines.guidelines` (which also count the wave's own
company tables, with disclosure control, and its list of local services), written for the
template by :func:`guideline_words`. The template's Jinja filters make Italian agree with
the figures through :mod:`pipeline.i18n.grammar`: ``article("il")`` ("l'80 %", "il 10 %")
and ``plural("impresa|imprese")``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from pipeline.analyse.analysis.areas import area_label
from pipeline.analyse.analysis.guidelines import (
    DEFAULT_COSTS,
    DEFAULT_TIMING,
    PROPOSAL_KINDS,
    add_months,
    company_frame,
    guidelines,
    local_offer,
)
from pipeline.analyse.analysis.needs import COMPARED_GROUPS
from pipeline.analyse.analysis.network_demand import ALL, company_areas
from pipeline.analyse.published import read_table
from pipeline.analyse.published_spec import municipality_names
from pipeline.codebook import load_codebook
from pipeline.config import TEMPLATES_DIR
from pipeline.i18n.formatting import MONTHS, Formatter
from pipeline.i18n.grammar import article, plural
from pipeline.i18n.text import text

TEMPLATES = TEMPLATES_DIR / "sintesi"
#: How many items each list of the summary names at most.
TOP = 5
#: How many local bodies a proposal names (the others are counted).
MAX_BODIES = 6


def _read(tables_dir: Path, name: str) -> pd.DataFrame | None:
    path = Path(tables_dir) / f"{name}.csv"
    return read_table(path) if path.exists() else None


def _published(df: pd.DataFrame) -> pd.DataFrame:
    keep = df["estimate"].notna() if "estimate" in df.columns else True
    if "suppressed" in df.columns:
        keep &= ~df["suppressed"].astype(bool)
    return df[keep]


def summary_facts(tables_dir: Path, lang: str = "it", *,
                  meta: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Everything the summary template needs, formatted for ``lang``.

    Missing tables (a section that does not exist yet, optional data) leave their facts
    empty; the template says so instead of inventing numbers. ``meta`` (the wave's
    ``wave.yaml``) dates the measure labels: a law is cited only where in force at the
    fieldwork (:func:`pipeline.codebook.load_codebook`).
    """
    codebook = load_codebook(on=meta)
    label = {m: codebook.measure_label(m, lang) for m in codebook.measure_codes()}
    fmt = Formatter(lang)
    pct = lambda x: fmt.percent(x, 0)  # noqa: E731
    facts: dict[str, Any] = {"lang": lang}

    needs = _read(tables_dir, "needs")
    if needs is not None:
        overall = _published(needs[needs["group_var"] == "all"]).sort_values(
            "estimate", ascending=False)
        facts["top_needs"] = [{"measure": label[m], "share": pct(e)}
                              for m, e in zip(overall["measure"], overall["estimate"],
                                              strict=True)][:TOP]
        gaps = []
        for group_var, (high, low) in COMPARED_GROUPS.items():
            part = _published(needs[needs["group_var"] == group_var])
            wide = part.pivot(index="measure", columns="group", values="estimate")
            lo = part.pivot(index="measure", columns="group", values="ci_low")
            hi = part.pivot(index="measure", columns="group", values="ci_high")
            if high not in wide or low not in wide:
                continue
            clear = lo[high] > hi[low]  # intervals apart: a difference no one can dismiss
            diff = (wide[high] - wide[low])[clear].sort_values(ascending=False)
            for m in diff.head(2).index:
                gaps.append({"group": group_var, "measure": label[m],
                             "high": pct(wide.loc[m, high]), "low": pct(wide.loc[m, low])})
        facts["group_gaps"] = gaps

    unmet = _read(tables_dir, "unmet_need")
    if unmet is not None:
        unmet = _published(unmet).sort_values("estimate", ascending=False)
        facts["unmet"] = [{"measure": label[m], "share": pct(e)}
                          for m, e in zip(unmet["measure"], unmet["estimate"], strict=True)][:TOP]

    balance = _read(tables_dir, "work_life_balance")
    if balance is not None:
        overall = _published(balance[balance["group_var"] == "all"]).set_index("indicator")
        if "wlb_fit_good" in overall.index:
            facts["fit_good"] = pct(overall.loc["wlb_fit_good", "estimate"])
        if "wfc_score" in overall.index:
            facts["wfc"] = fmt.number(overall.loc["wfc_score", "estimate"], 2)

    outcomes = _read(tables_dir, "measures_outcomes")
    if outcomes is not None:
        better = outcomes[(outcomes["outcome"] == "wfc_score")
                          & outcomes["significant"].astype(bool) & (outcomes["estimate"] < 0)]
        facts["better_balance"] = [
            {"measure": label[m], "difference": fmt.number(-e, 2)}
            for m, e in zip(better["measure"], better["estimate"], strict=True)]

    viability = _read(tables_dir, "network_viability")
    if viability is not None:
        viable = viability[(viability["status"] == "viable") & (viability["area"] != "ALL")]
        services = []
        for m, rows in viable.groupby("measure", sort=False):
            services.append({"measure": label.get(m, m),
                             "areas": [area_label(a, lang) for a in rows["area"]],
                             "users": fmt.number(rows["users"].sum(), 0)})
        facts["viable_services"] = services
        network_wide = viability[(viability["status"] == "viable") & (viability["area"] == "ALL")]
        in_an_area = set(viable["measure"])
        facts["viable_network_wide"] = [label.get(m, m) for m in network_wide["measure"]
                                        if m not in in_an_area]

    agreement = _read(tables_dir, "network_agreement")
    if agreement is not None:
        facts["agreement"] = [label.get(m, m) for m in
                              agreement.loc[agreement["candidate"].astype(bool), "measure"]]

    changes = _read(tables_dir, "monitoring_changes")
    if changes is not None and len(changes):
        # Against the previous wave (not the first of the chain), all respondents; the
        # monitoring's flags already use the Holm-adjusted p-values.
        keep = changes["scope"] == "all"
        if "comparison" in changes.columns:
            keep &= changes["comparison"] == "previous"
        rows = _published(changes[keep])
        facts["changes"] = [
            {"indicator": codebook_indicator(i, lang), "improved": bool(imp),
             "significant": bool(imp) or bool(worse)}
            for i, imp, worse in zip(rows["indicator"], rows["improved"], rows["worse"],
                                     strict=True)]
    return facts


def read_municipality_names(csv: Path) -> dict[str, str]:
    """ISTAT code -> name of the municipalities of the reference file (``com_istat_code``,
    ``name``), read once by the map's reader
    (:func:`pipeline.analyse.published_spec.municipality_names`)."""
    return dict(municipality_names(Path(csv)))


def _month(day: datetime.date, lang: str) -> dict[str, str]:
    return {"month": MONTHS[lang][day.month - 1], "year": str(day.year)}


def _date(value: Any) -> datetime.date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(
        str(value)[:10])


def _count(value: Any, fmt: Formatter) -> str | None:
    """A count of companies as written, None when withheld."""
    return None if value is None or pd.isna(value) else fmt.number(value, 0)


def _bodies(bodies: list[dict[str, Any]], fmt: Formatter) -> dict[str, list[dict[str, Any]]]:
    """The first :data:`MAX_BODIES` local bodies by provider (``public``,
    ``third_sector``, ``private``, ``unknown``), counts written."""
    out: dict[str, list[dict[str, Any]]] = {"public": [], "third_sector": [], "private": [],
                                            "unknown": []}
    for b in bodies[:MAX_BODIES]:
        out.setdefault(b["provider"], []).append({
            "municipality": b["municipality"], "services": fmt.number(b["n_services"], 0),
            "places": None if b["places"] is None else fmt.number(b["places"], 0)})
    return out


def _service_words(r: pd.Series, fmt: Formatter, label: dict[str, str],
                   codebook: Any) -> dict[str, Any]:
    """One shared-service proposal as the template writes it."""
    lang = fmt.lang
    areas = list(r["areas"])
    start = _date(r.get("start"))
    bodies = list(r["bodies"])
    cover = r["cover_share"]
    return {
        "kind": r["kind"], "code": r["measure"], "measure": label.get(r["measure"], r["measure"]),
        "whole": areas == [ALL], "areas": [area_label(a, lang) for a in areas if a != ALL],
        "need": fmt.number(r["employees_need"], 0), "take_up": fmt.percent(r["take_up"], 0),
        "workers": fmt.number(r["workers"], 0), "workers_low": fmt.number(r["workers_low"], 0),
        "min_users": fmt.number(r["min_users"], 0),
        "min_companies": fmt.number(r["min_companies"], 0),
        "companies": _count(r["n_companies"], fmt),
        "size": r["size"] if isinstance(r["size"], str) else None,
        "n_size": _count(r["n_size"], fmt),
        "sector": codebook.code_label("ateco_section", r["sector"], lang)
        if isinstance(r["sector"], str) else None,
        "n_sector": _count(r["n_sector"], fmt),
        "cofund": None if pd.isna(r["cofund_eur"]) else fmt.number(r["cofund_eur"], 0),
        "cofund_withheld": r["cofund_withheld"],
        "cover": None if pd.isna(cover) else fmt.percent(cover, 0),
        "cover_full": bool(not pd.isna(cover) and cover >= 1),
        "cover_small": bool(not pd.isna(cover) and cover < 0.005),
        "cost": None if pd.isna(r["cost_eur"]) else fmt.number(round(r["cost_eur"], -2), 0),
        "per_user": None if pd.isna(r["cost_per_user"]) else fmt.number(r["cost_per_user"], 0),
        "basis": r["cost_basis"],
        "fee": None if pd.isna(r["monthly_fee_eur"]) else fmt.number(r["monthly_fee_eur"], 0),
        "months": None if pd.isna(r["fee_months"]) else fmt.number(r["fee_months"], 0),
        "mapped": bool(r["mapped"]),
        "bodies": _bodies(bodies, fmt),
        "more_bodies": fmt.number(len(bodies) - MAX_BODIES, 0) if len(bodies) > MAX_BODIES
        else None,
        "areas_without": [area_label(a, lang) for a in r["areas_without_services"]],
        "season": r["season"] if isinstance(r["season"], str) else None,
        "start": _month(start, lang) if start else None,
        "school_year": f"{start.year}/{str(start.year + 1)[-2:]}" if start else None,
    }


def _measure_words(r: pd.Series, fmt: Formatter) -> dict[str, Any]:
    kind = r["scale"]
    words = {"indicator": codebook_indicator(r["measure"], fmt.lang),
             "value": fmt.value(r["estimate"], kind), "n": fmt.number(r["n"], 0)}
    if r["kind"] == "measure_change":
        needed = r["answers_needed"]
        words.update(
            previous=fmt.value(r["previous"], kind), current=fmt.value(r["current"], kind),
            change=fmt.change(r["estimate"], kind),
            low=fmt.change(r["ci_low"], kind, unit=False),
            high=fmt.change(r["ci_high"], kind, unit=False),
            needed=None if pd.isna(needed) else fmt.number(round(needed, -2), 0),
            factor=fmt.number(max(r["answers_factor"], 1.0), 1))
    else:
        words.update(low=fmt.value(r["ci_low"], kind), high=fmt.value(r["ci_high"], kind))
    return words


def guideline_facts(
    tables_dir: Path,
    lang: str = "it",
    *,
    tables: Mapping[str, pd.DataFrame],
    areas: pd.DataFrame,
    names: Mapping[str, str],
    meta: Mapping[str, Any] | None = None,
    wave: str | None = None,
    min_cell: int = 5,
    costs: Mapping[str, Mapping[str, float]] | None = None,
    timing: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The guidelines' facts for the summary template, formatted for ``lang``.

    The published tables of ``tables_dir`` (viability, interest, agreement, monitoring)
    and the wave's own tables (``companies``, ``company_survey``, ``local_services``:
    confidential inputs, only counts and sums with disclosure applied come out) go through
    :func:`pipeline.analyse.analysis.guidelines.guidelines`. ``areas`` maps municipality
    -> area (:func:`pipeline.analyse.analysis.areas.province_areas`), ``names`` ISTAT code
    -> name (:func:`read_municipality_names`); ``meta`` is the wave's manifest metadata
    (fieldwork dates for the timing, the date of the labels).
    """
    codebook = load_codebook(on=meta)  # labels in force at the fieldwork
    located = company_areas(tables["companies"], areas)
    firms = company_frame(tables["companies"], tables["company_survey"], located,
                          codebook.measure_codes("shareable"))
    offer = local_offer(tables.get("local_services"), codebook.service_types, areas, names)
    timing = timing or DEFAULT_TIMING
    viability, agreement = (_read(tables_dir, "network_viability"),
                            _read(tables_dir, "network_agreement"))
    frame = guidelines(
        viability, firms, offer, agreement=agreement,
        interest=_read(tables_dir, "network_interest"),
        changes=_read(tables_dir, "monitoring_changes"),
        indicators=_read(tables_dir, "monitoring_indicators"), wave=wave,
        fieldwork_end=_date((meta or {}).get("fieldwork_end")), costs=costs or DEFAULT_COSTS,
        timing=timing, min_cell=min_cell)
    return {**guideline_words(frame, lang, meta=meta, min_cell=min_cell, timing=timing),
            "has_local_list": tables.get("local_services") is not None,
            "services_analysed": viability is not None,
            "agreement_analysed": agreement is not None}


def guideline_words(frame: pd.DataFrame, lang: str = "it", *,
                    meta: Mapping[str, Any] | None = None, min_cell: int = 5,
                    timing: Mapping[str, int] | None = None) -> dict[str, Any]:
    """The records of :func:`pipeline.analyse.analysis.guidelines.guidelines` as the
    template writes them (``start_service``, ``network_service``, ``check_service``,
    ``promote_service``, ``cost_total``, ``agreement_proposals``, ``measure_changes``,
    ``measure_baseline``), with the wave's ``title`` and the dates of ``meta``
    (``fieldwork``, ``convene_by``, ``next_wave``; None without them)."""
    fmt = Formatter(lang)
    codebook = load_codebook(on=meta)
    label = {m: codebook.measure_label(m, lang) for m in codebook.measure_codes()}
    timing = timing or DEFAULT_TIMING
    kinds = frame["kind"] if len(frame) else pd.Series(dtype="str")
    rows = {k: frame[kinds == k] for k in PROPOSAL_KINDS}
    facts: dict[str, Any] = {"min_cell": fmt.number(min_cell, 0)}
    for kind in ("start_service", "network_service", "check_service", "promote_service"):
        facts[kind] = [_service_words(r, fmt, label, codebook) for _, r in rows[kind].iterrows()]
    total = rows["cost_total"]
    facts["cost_total"] = None if total.empty else {
        "cost": fmt.number(round(total["cost_eur"].iloc[0], -2), 0),
        "companies": _count(total["n_companies"].iloc[0], fmt),
        "cofund": None if pd.isna(total["cofund_eur"].iloc[0])
        else fmt.number(total["cofund_eur"].iloc[0], 0),
        "cover": None if pd.isna(total["cover_share"].iloc[0])
        else fmt.percent(total["cover_share"].iloc[0], 0)}
    facts["agreement_proposals"] = [
        {"measure": label.get(r["measure"], r["measure"]),
         "need": fmt.percent(r["share_high_need"], 0),
         "companies_high_need": _count(r["companies_high_need"], fmt),
         "companies_assessed": _count(r["companies_assessed"], fmt),
         "active": fmt.percent(r["share_active"], 0),
         "companies_active": _count(r["companies_active"], fmt)}
        for _, r in rows["agreement"].iterrows()]
    facts["measure_changes"] = [_measure_words(r, fmt) for _, r in rows["measure_change"].iterrows()]
    facts["measure_baseline"] = [_measure_words(r, fmt)
                                 for _, r in rows["measure_baseline"].iterrows()]
    end = _date((meta or {}).get("fieldwork_end"))
    begin = _date((meta or {}).get("fieldwork_start"))
    facts["convene_by"] = _month(add_months(end, timing["convene_months"]), lang) if end else None
    both = begin is not None and end is not None
    facts["fieldwork"] = {"from": _month(begin, lang), "to": _month(end, lang)} if both else None
    title = (meta or {}).get("title")
    facts["title"] = title.get(lang) if isinstance(title, Mapping) else title
    gap = timing["wave_gap_months"]
    facts["next_wave"] = {"from": _month(add_months(begin, gap), lang),
                          "to": _month(add_months(end, gap), lang)} if both else None
    return facts


def codebook_indicator(indicator: str, lang: str) -> str:
    """A readable name for a monitoring indicator."""
    try:
        return text(f"monitoring.indicator.{indicator}", lang)
    except KeyError:
        return indicator


def lower_first(label: str) -> str:
    """A label inside a sentence: first letter lower-cased unless it starts an acronym."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def upper_first(text: str) -> str:
    """A sentence's start: first letter upper-cased, the rest as written (names stay)."""
    return text[:1].upper() + text[1:]


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(lowerfirst=lower_first, upperfirst=upper_first, article=article,
                       plural=plural)
    return env


def render_summary(facts: dict[str, Any], lang: str = "it", **context: Any) -> str:
    """The summary's Markdown, from ``pipeline/render/templates/sintesi/sintesi.<lang>.md.j2``."""
    return _environment().get_template(f"sintesi.{lang}.md.j2").render(**facts, **context)


def summary_parts(markdown: str) -> list[tuple[str, str | None]]:
    """Split the summary at ``<!-- figure: name -->`` markers: ``[(text, figure or None)]``."""
    import re

    parts: list[tuple[str, str | None]] = []
    pieces = re.split(r"<!--\s*figure:\s*([a-z_]+)\s*-->", markdown)
    for i in range(0, len(pieces), 2):
        figure = pieces[i + 1] if i + 1 < len(pieces) else None
        parts.append((pieces[i].strip(), figure))
    return parts
