"""The findings of the index in words: one card per finding, linked to its section.

:func:`finding_cards` turns the findings of
:func:`pipeline.analyse.analysis.findings.wave_findings` into what the index template
shows: a title, a first sentence (the finding itself), the sentences that qualify it, a
list when the finding has several parts, a note on how to read it and a link to the
heading of the section report that shows it. Every sentence comes from the catalogue
(``site.finding.*`` in ``pipeline/i18n/texts/site_texts.yaml``); every number is written
by :class:`~pipeline.i18n.formatting.Formatter` (shares in whole percentage points, as the
ties of the findings are decided).
"""

from __future__ import annotations

import contextvars
import html
import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.analyse.analysis.areas import area_label
from pipeline.analyse.analysis.findings import Finding
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import has_text, text
from pipeline.render.site.common import site_text

__all__ = ["finding_cards", "heading_text", "section_href"]


# --- labels -------------------------------------------------------------------------------------

#: The wave whose findings are being worded (its ``wave.yaml``): measure labels are those in
#: force at its fieldwork (a 2013 wave does not cite L. 81/2017); set by :func:`finding_cards`.
_WAVE_META: contextvars.ContextVar[Mapping[str, Any] | None] = contextvars.ContextVar(
    "wave_meta", default=None)


def _measure(code: str, lang: str) -> str:
    """A measure's label in the codebook at the wave's date, or its code."""
    try:
        from pipeline.codebook import load_codebook

        return load_codebook(on=_WAVE_META.get()).measure_label(code, lang)
    except (KeyError, ValueError):
        return code


def _outcome(indicator: str, lang: str) -> str:
    """An indicator inside a sentence ("il conflitto lavoro-famiglia (scala da 1 a 7)")."""
    key = f"site.finding.outcome.{indicator}"
    if has_text(key):
        return site_text(key, lang)
    label = (text(f"monitoring.indicator.{indicator}", lang)
             if has_text(f"monitoring.indicator.{indicator}") else indicator)
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _capital(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


_SCALE = re.compile(r"\s*\([^()]*\)$")


def _short(phrase: str) -> str:
    """An indicator in a list: without its scale in brackets ("il conflitto
    lavoro-famiglia"), which only matters next to its values."""
    return _SCALE.sub("", phrase)


# --- numbers ------------------------------------------------------------------------------------

def _share(fmt: Formatter, x: float) -> str:
    return fmt.percent(x, 0)


def _bounds(fmt: Formatter, low: float, high: float) -> tuple[str, str] | None:
    """The ends of an interval of shares as the findings write them: ``("78", "81 %")``
    (read "78–81 %"); ``None`` when the table gives none."""
    if pd.isna(low) or pd.isna(high):
        return None
    return fmt.number(100 * low, 0), _share(fmt, high)


def _range(fmt: Formatter, low: float, high: float) -> str:
    """An interval of shares as the findings write it: ``78–81 %`` (empty when unknown)."""
    ends = _bounds(fmt, low, high)
    return site_text("site.finding.range", fmt.lang, low=ends[0], high=ends[1]) if ends else ""


def _share_range(fmt: Formatter, x: float, low: float, high: float) -> str:
    """``63 % (60–66 %)``, or ``63 %`` without an interval."""
    interval = _range(fmt, low, high)
    return f"{_share(fmt, x)} ({interval})" if interval else _share(fmt, x)


def _count(fmt: Formatter, x: float) -> str:
    return fmt.number(round(float(x)), 0)


# --- one card per kind ----------------------------------------------------------------------------

def _top_needs(items: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    lang = fmt.lang
    first = items[items["rank"] == items["rank"].min()]
    named = []
    for r in first.itertuples():
        ends = _bounds(fmt, r.ci_low, r.ci_high)
        label = _measure(r.measure, lang)
        named.append(site_text("site.finding.need_item", lang, measure=label, low=ends[0],
                               high=ends[1]) if ends else
                     site_text("site.finding.need_share_item", lang, measure=label,
                               share=_share(fmt, r.estimate)))
    lead = site_text("site.finding.top_need", lang, share=_share(fmt, first["estimate"].iloc[0]),
                     n_top=str(len(first)), measure=fmt.listing(named))
    rest = items.drop(first.index)
    more = []
    if len(rest):
        more.append(site_text("site.finding.top_need_next", lang, services=fmt.listing(
            site_text("site.finding.need_share_item", lang, measure=_measure(r.measure, lang),
                      share=_share(fmt, r.estimate)) for r in rest.itertuples())))
    return {"lead": lead, "more": more}


def _group_needs(items: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    lang = fmt.lang
    lines = [site_text(f"site.finding.group.{r.group_var}", lang,
                       measure=_measure(r.measure, lang),
                       high_share=_share_range(fmt, r.estimate_high, r.ci_low_high,
                                               r.ci_high_high),
                       share=_share_range(fmt, r.estimate_low, r.ci_low_low, r.ci_high_low))
             for r in items.itertuples() if has_text(f"site.finding.group.{r.group_var}")]
    if not lines:
        return {}
    return {"lead": None, "parts": lines, "note": site_text("site.finding.group_note", lang)}


def _viable(items: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    lang = fmt.lang
    local = items[~items["network_wide"].astype(bool)]
    wide = items[items["network_wide"].astype(bool)]

    def areas(codes: Sequence[str]) -> str:
        # Semicolons: area names hold "e" themselves ("Valpolicella e Lessinia").
        return "; ".join(area_label(a, lang) for a in codes)

    more = []
    if len(local):
        top = local.iloc[0]
        lead = site_text("site.finding.viable", lang, measure=_measure(top["measure"], lang),
                         n_areas=_count(fmt, top["n_areas"]), areas=areas(top["areas"]),
                         users=_count(fmt, top["users"]), n=_count(fmt, top["users_low"]),
                         n_companies=_count(fmt, top["n_interested"]))
        if len(local) > 1:
            more.append(site_text("site.finding.viable_more", lang, services=fmt.listing(
                site_text("site.finding.viable_item", lang, measure=_measure(r.measure, lang),
                          areas=areas(r.areas), users=_count(fmt, r.users))
                for r in local.iloc[1:].itertuples())))
    else:
        lead = site_text("site.finding.viable_none", lang)
    if len(wide):
        more.append(site_text("site.finding.viable_network", lang, services=fmt.listing(
            site_text("site.finding.viable_network_item", lang,
                      measure=_measure(r.measure, lang), users=_count(fmt, r.users))
            for r in wide.itertuples())))
    return {"lead": lead, "more": more}


def _clear_change(r: Any, fmt: Formatter) -> str:
    """One clear change in words: what moved, from what to what, by how much, which way."""
    lang = fmt.lang
    down = r.estimate < 0
    low, high = sorted((abs(r.ci_low), abs(r.ci_high)))
    if r.source == "flexibility":
        sentence = site_text(f"site.finding.change.flex_{'down' if down else 'up'}", lang,
                             n_flex=_count(fmt, r.n_companies),
                             difference=fmt.number(abs(r.estimate), 2),
                             low=fmt.number(low, 2), high=fmt.number(high, 2))
        return sentence
    share = r.kind == "proportion"
    decimals = 2 if r.source == "workers" else 1  # scores of 1-7 / 1-5; counts and /100
    write = (lambda x: _share(fmt, x)) if share else (lambda x: fmt.number(x, decimals))
    points = (lambda x: fmt.number(100 * x, 0)) if share else (
        lambda x: fmt.number(x, decimals))
    key = f"site.finding.change.{'share' if share else 'mean'}_{'down' if down else 'up'}"
    sentence = site_text(key, lang, outcome=_capital(_outcome(r.indicator, lang)),
                         before=write(r.before), after=write(r.after),
                         difference=points(abs(r.estimate)), low=points(low),
                         high=points(high))
    verdict = site_text(f"site.finding.change.{r.direction}", lang)
    return f"{sentence} {verdict}"


def _changes(items: pd.DataFrame, fmt: Formatter, previous: str) -> dict[str, Any]:
    lang = fmt.lang
    clear = items[items["direction"] != "unclear"]
    unclear = items[items["direction"] == "unclear"]
    lines = [_clear_change(r, fmt) for r in clear.itertuples()]
    if unclear.empty:
        tail = []
    else:
        names = [_short(_outcome("flexibility" if r.source == "flexibility" else r.indicator,
                                 lang)) for r in unclear.itertuples()]
        tail = [site_text("site.finding.change.unclear", lang, outcome=fmt.listing(names))]
    workers = items[items["source"] == "workers"]
    n_companies = workers["n_companies"].dropna()
    note = (site_text("site.finding.change.basis", lang, previous=previous,
                      n_companies=_count(fmt, n_companies.iloc[0]))
            if len(n_companies) else None)
    if lines:
        return {"lead": lines[0], "parts": lines[1:], "more": tail, "note": note}
    return {"lead": site_text("site.finding.change.none_clear", lang), "more": tail,
            "note": note}


def _fit(items: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    r = items.iloc[0]
    share = _share(fmt, r["estimate"])
    ends = _bounds(fmt, r["ci_low"], r["ci_high"])
    if ends is None:
        return {"lead": site_text("site.finding.fit_plain", fmt.lang, share=share)}
    return {"lead": site_text("site.finding.fit", fmt.lang, share=share, low=ends[0],
                              high=ends[1])}


def _words(finding: Finding, fmt: Formatter, previous: str) -> dict[str, Any]:
    items = finding.items
    if finding.kind == "top_needs":
        return _top_needs(items, fmt)
    if finding.kind == "group_needs":
        return _group_needs(items, fmt)
    if finding.kind == "viable_services":
        return _viable(items, fmt)
    if finding.kind == "changes":
        return _changes(items, fmt, previous)
    if finding.kind == "work_life_fit":
        return _fit(items, fmt)
    if finding.kind == "first_wave":
        return {"lead": site_text("site.finding.first_wave", fmt.lang)}
    return {}


# --- links to the sections ----------------------------------------------------------------------

def heading_text(key: str, lang: str) -> str | None:
    """The heading a catalogue text opens with (its first line, ``## `` removed), or ``None``.

    The texts that open a section's part start with its Markdown heading; their other
    lines may need values, which a heading never does: missing values are filled with
    ``0`` until the text renders (at most 30 of them).
    """
    if not has_text(key):
        return None
    values: dict[str, str] = {}
    for _ in range(30):
        try:
            first = text(key, lang, **values).strip().splitlines()[0]
        except KeyError as err:
            values[str(err.args[0])] = "0"
            continue
        except (IndexError, ValueError):
            return None
        return first.lstrip("#").strip() if first.startswith("#") else None
    return None


_HEADING = re.compile(r'<h([23])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


@cache
def _heading_ids(path: Path, mtime: float) -> dict[str, str]:
    """``{heading text: id}`` of the h2 and h3 headings of a section's HTML file."""
    found: dict[str, str] = {}
    source = path.read_text(encoding="utf-8", errors="replace")
    for _, hid, inner in _HEADING.findall(source):
        words = " ".join(html.unescape(_TAG.sub(" ", inner)).split())
        found.setdefault(words, hid)
    return found


def section_href(finding: Finding, sections: Sequence[Mapping[str, Any]], site: Path,
                 lang: str) -> tuple[str, str] | None:
    """Where the index links a finding: ``(href, section title)``, or ``None``.

    The section report whose ``name`` is the finding's section, when its HTML file is in
    the site; at the heading the finding sits under (found by its text in the page) when
    there is one, else at the top of the page.
    """
    section = next((s for s in sections if s.get("name") == finding.section), None)
    if section is None or not (Path(site) / section["html"]).is_file():
        return None
    href = str(section["html"])
    heading = heading_text(finding.anchor, lang) if finding.anchor else None
    if heading:
        path = Path(site) / href
        hid = _heading_ids(path, path.stat().st_mtime).get(" ".join(heading.split()))
        if hid:
            href = f"{href}#{hid}"
    return href, str(section["title"])


# --- the cards ----------------------------------------------------------------------------------

def finding_cards(findings: Sequence[Finding], sections: Sequence[Mapping[str, Any]],
                  site: Path, lang: str, previous: str | None = None,
                  meta: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The findings as the index shows them, in their order.

    Parameters
    ----------
    findings
        :func:`pipeline.analyse.analysis.findings.wave_findings`.
    sections
        The section reports of the site (``name``, ``title``, ``html``).
    site
        The language's site folder (the sections' HTML files, for the links).
    lang
        The language of the sentences.
    previous
        The previous wave's name (its title), for the changes; ``None``: "—".
    meta
        The wave's ``wave.yaml`` (its fieldwork dates date the measures' labels).

    Returns
    -------
    list of dict
        ``kind``, ``title``, ``lead`` (the finding; ``None`` when it is a list of equal
        parts), ``parts`` (its further parts, a list), ``more`` (sentences that qualify it), ``note`` (how to read it, or
        ``None``), ``href`` and ``section`` (the link, or ``None``). A finding with
        nothing to say in words (a group comparison without a sentence) is left out.
    """
    fmt = Formatter(lang)
    cards = []
    _WAVE_META.set(meta)
    for finding in findings:
        words = _words(finding, fmt, previous or "—")
        if not words:
            continue
        link = section_href(finding, sections, site, lang)
        cards.append({"kind": finding.kind,
                      "title": site_text(f"site.findings.kind.{finding.kind}", lang),
                      "lead": words["lead"], "parts": words.get("parts", []),
                      "more": words.get("more", []), "note": words.get("note"),
                      "href": link[0] if link else None,
                      "section": link[1] if link else None})
    return cards
