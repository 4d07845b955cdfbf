"""Every text of the catalogue, filled with edge values, reads as a person writes it.

Each text of the merged catalogue (:func:`pipeline.i18n.text._catalogue`: the YAML files and
the notebooks' ``text`` cells) is rendered in Italian and English six times. Each
placeholder gets a value of its *kind* (a count, a share, a label...), written by
:class:`~pipeline.i18n.formatting.Formatter` as the report writes it, from the edge values
0, 1, 8, 11, 80 and 100: "l'80 %", "1 impresa", "l'11 %", "lo 0 %" are where Italian
articles and plurals go wrong. The placeholders of one text get different values in each
rendering (the values rotate), so that every placeholder meets every edge value.

The output is checked against a list of agreement and typography errors
(:func:`problems`). A text that names "the most..." item is also rendered with a tie: two
items named, the verb before them plural (:data:`TOP_TEXTS`).

A placeholder's kind comes from :data:`KIND_OF` (by ``(key, name)``, then by name); a new
placeholder without a kind fails :func:`test_every_placeholder_has_a_kind`, so that whoever
adds it says what it holds.
"""

from __future__ import annotations

import datetime
import re
import string
from collections.abc import Callable, Mapping

import pytest

from pipeline.i18n.formatting import MONTHS, Formatter
from pipeline.i18n.grammar import ARTICLES, article
from pipeline.i18n.text import _catalogue, fill

EDGES = (0, 1, 8, 11, 80, 100)

#: Labels as callers put them inside a sentence (lower-case first letter, acronyms kept).
LABELS = {
    "it": ("nido aziendale o interaziendale", "sportello pratiche (CAF/patronato) in azienda",
           "entrata/uscita flessibile"),
    "en": ("company nursery", "paperwork desk (CAF/patronato) at work",
           "flexible start and finish times"),
}

#: Sample values of the kinds that are not figures, by language.
SAMPLES: dict[str, dict[str, tuple[str, ...]]] = {
    "wave": {"it": ("demo-2013", "2014"), "en": ("demo-2013", "2014")},
    "class": {"it": ("10-49", "250+"), "en": ("10-49", "250+")},
    "maturity": {"it": ("3W", "1W"), "en": ("3W", "1W")},
    "code": {"it": ("C99", "worker_survey"), "en": ("C99", "worker_survey")},
    "text": {"it": ("il file non si apre", "valore non atteso"),
             "en": ("the file does not open", "unexpected value")},
    "area": {"it": ("nel comune di Verona", "nella pianura veronese"),
             "en": ("in the city of Verona", "in the southern plain")},
    "range": {"it": ("tra 0,041 e 0,058", "da 10 a 40"), "en": ("between 0.041 and 0.058",
                                                               "10 to 40")},
    "sector": {"it": ("manifatturiero", "del commercio"), "en": ("manufacturing", "retail")},
    "when": {"it": ("in vigore il 31 dicembre 2013", "in vigore dal 1° gennaio 2016"),
             "en": ("in force on 31 December 2013", "in force from 1 January 2016")},
    "sentence": {"it": ("Grafico a barre", "Quota di imprese"),
                 "en": ("Bar chart", "Share of companies")},
    "phrase": {"it": ("una parte, diversa per ogni servizio,", "il 20\u00a0%"),
               "en": ("a share, different for each service,", "20%")},
    "bullets": {"it": ("\n\n- nido aziendale: 554 posti in 11 servizi\n- sportello: 2 servizi",),
                "en": ("\n\n- company nursery: 554 places in 11 services\n- desk: 2 services",)},
}


def _labels(fmt: Formatter, i: int) -> str:
    return fmt.listing(LABELS[fmt.lang][: 1 + i % 3])


#: How a value of each kind is written for the edge value ``EDGES[i]``.
WRITERS: dict[str, Callable[[Formatter, int], str]] = {
    "count": lambda fmt, i: fmt.number(EDGES[i], 0),
    "share": lambda fmt, i: fmt.percent(EDGES[i] / 100, 0),
    "share1": lambda fmt, i: fmt.percent(EDGES[i] / 100, 1),
    "number": lambda fmt, i: fmt.number(EDGES[i], 2),
    "score": lambda fmt, i: fmt.number(EDGES[i], 1),
    "p": lambda fmt, i: fmt.p_value(EDGES[i] / 100),
    "points": lambda fmt, i: fmt.change(EDGES[i] / 100, "proportion"),
    "year": lambda fmt, i: str(2010 + i),
    "quarter": lambda fmt, i: fmt.quarter(f"{2010 + i}Q{1 + i % 4}"),
    "date": lambda fmt, i: fmt.date(datetime.date(2014, 1 + i, 1 + EDGES[i] % 28)),
    "label": lambda fmt, i: LABELS[fmt.lang][i % 3],
    "list": _labels,
    "items": lambda fmt, i: "; ".join(LABELS[fmt.lang][: 1 + i % 3]),
    **{kind: (lambda k: lambda fmt, i: SAMPLES[k][fmt.lang][i % len(SAMPLES[k][fmt.lang])])(kind)
       for kind in SAMPLES},
}

_COUNTS = """n n_companies n_workers n_employees n_network n_surveyed n_municipalities n_areas
    n_all_areas n_active n_areas_all n_bh n_holm n_tests n_boot n_perm n_checks n_common
    n_cur n_prev c_cur c_prev n_events n_flex n_other n_half n_mapped n_measures n_planned
    n_services n_waves n_top n_improved n_worse n_findings n_viable n_candidates n_unmapped
    min_cell min_companies min_test_companies min_assignments min_poststratum members
    trainings conventions joined left places users employees network_employees projected
    respondents passed na row draws old_draws w_breadth w_content w_governance w_territory
    c1 c2 c3 c4 warnings critical n_warnings n_critical max_hidden number
    n_activated n_dropped n_extended n_narrowed k per_side""".split()
_SHARES = """share share_all share_cur share_prev top_share fit fit_network need_share min_share
    max_active take_up missing allowed""".split()
_NUMBERS = """mean small large wfc wfc_network alpha icc icc_fit deff deff_fit rho did low high
    before after score measures score_change score_before score_after difference
    network_median""".split()

#: The kind of each placeholder: by ``(key, name)`` first, then by ``name``.
KIND_OF: dict[str | tuple[str, str], str] = {
    **dict.fromkeys(_COUNTS, "count"),
    **dict.fromkeys(_SHARES, "share"),
    **dict.fromkeys(_NUMBERS, "number"),
    "p": "p", "p_adjusted": "p", "mc_se": "number",
    "wave": "wave", "previous": "wave", "first": "wave",
    "year": "year", "q": "count", "value": "code",
    "start": "date", "end": "date", "date": "date", "run_id": "code",
    "service": "label", "measure": "label", "outcome": "label", "top": "label",
    "sector": "sector", "company_id": "code", "company_name": "text",
    "size": "class", "size_class": "class", "small_class": "class", "large_class": "class",
    "maturity_class": "maturity",
    "services": "list", "improved": "list", "worse": "list", "areas": "area",
    "candidates": "bullets", "viable": "bullets", "findings": "bullets", "places": "count",
    "domains": "items", "domain": "text", "thresholds": "items",
    "where": "area", "class_before": "maturity",
    "position": "text", "group": "text", "name": "label",
    "kind": "sentence", "what": "sentence", "bottom": "label", "counts": "items",
    "label": "label", "period": "text", "names": "wave", "sources": "text",
    "error": "text", "description": "text", "observed": "code", "expected": "code",
    "company": "text", "wave_title": "text", "language": "text", "key_file": "code",
    "columns": "items",
    "column": "code", "table": "code", "noun": "text", "scale": "range",
    "now": "code", "active": "share", "high_share": "share",
    # the maturity budget reference (pipeline.render.sections.measures.maturity_words)
    "budget_eur": "number", "budget_cite": "text", "budget_when": "when",
    # the measured size of the tests (methods appendix): ranges of shares and settings
    **{("site.methods.comparisons.size", k): "range" for k in (
        "companies", "on_one_side", "icc", "measure_score", "measure_yesno", "did",
        "change_common", "change_all", "company_change", "company_paired")},
    ("site.methods.comparisons.old", "old_cr1"): "range",
    # names that mean something else in one text
    ("measures.maturity_text", "top"): "share",
    ("network.candidate_item", "high"): "share",
    ("network.demand_text", "low"): "count", ("network.demand_text", "high"): "count",
    ("network.places_item", "places"): "count",
    ("network.local_places", "places"): "bullets",
    ("quality.msg.codes", "allowed"): "code",
    ("quality.msg.range", "low"): "code", ("quality.msg.range", "high"): "code",
    ("quality.msg.plausible_min", "low"): "date",
    ("quality.msg.plausible_max", "high"): "code",
    ("quality.msg.same_sector_as_previous", "before"): "code",
    ("quality.msg.headcount_not_halved", "before"): "count",
    ("quality.msg.headcount_not_halved", "now"): "count",
    ("quality.tally", "warnings"): "text", ("quality.tally", "critical"): "text",
    ("monitoring.companies_text", "before"): "score",
    ("monitoring.companies_text", "after"): "score",
    ("monitoring.baseline_companies", "share"): "share1",
    ("monitoring.network", "share_prev"): "share1",
    ("monitoring.network", "share_cur"): "share1",
    ("format.points", "value"): "score",
    ("network.viability", "take_up"): "phrase",
    ("network.activity", "first"): "quarter", ("network.activity", "last"): "quarter",
    ("measures.scale_points", "value"): "number", ("chart.alt_item", "value"): "share",
    ("questionnaire.skip_rows", "questions"): "list",
    ("chart.source", "waves"): "sentence",
}
#: Placeholders that never take the smallest edge values: ``{(key, name): lowest}``.
AT_LEAST: dict[tuple[str, str], int] = {
    ("network.in_all_areas", "n_all_areas"): 2,  # "in tutte le 6 aree": said only for 2+
    ("network.in_some_areas", "n_all_areas"): 2,  # the province has six areas
}

#: The texts that name "the most ..." item, and their placeholders: the item(s) named and
#: how many share the top (2 or more: a tie, all of them named).
TOP_TEXTS: dict[str, tuple[str, str]] = {
    "network.demand_text": ("service", "n_top"),
    "network.interest": ("top", "n_top"),
    "site.finding.top_need": ("measure", "n_top"),
    "chart.alt": ("top", "n_top"),
}
#: Texts that say "most" or "top" but name no single winner.
NOT_TOP: set[str] = {
    "measures.maturity_text",          # "the two highest classes": a share of companies
    "measures.adoption_other_caption",  # "the other n most widespread measures": a list
    "needs.importance",                # a heading
    "network.activity",
    "site.finding.viable",             # "the most cautious estimates"
}
_SUPERLATIVE = {"it": re.compile(r"più (richiest|diffus|alt|important|frequent)|di più\b|"
                                 r"maggior", re.I),
                "en": re.compile(r"\bmost\b|\btop\b|highest|largest", re.I)}


def kind_of(key: str, name: str) -> str | None:
    """The kind of placeholder ``name`` in text ``key``, or ``None`` if unknown."""
    return KIND_OF.get((key, name)) or KIND_OF.get(name)  # type: ignore[return-value]


def fields(template: str) -> list[str]:
    """The placeholder names of ``template``, in order, each once."""
    seen: dict[str, None] = {}
    for _, name, _, _ in string.Formatter().parse(template):
        if name:
            seen.setdefault(name, None)
    return list(seen)


def _edge(key: str, name: str, i: int) -> int:
    """The index of the edge value of ``name`` in rendering ``i`` (see :data:`AT_LEAST`)."""
    lowest = AT_LEAST.get((key, name))
    if lowest is None or EDGES[i] >= lowest:
        return i
    return next(j for j, v in enumerate(EDGES) if v >= lowest)


def renderings(key: str, template: str, lang: str) -> list[str]:
    """``template`` filled six times, the placeholders' edge values rotating."""
    fmt = Formatter(lang)
    names = fields(template)
    out = []
    for i in range(len(EDGES)):
        values = {n: WRITERS[kind_of(key, n) or "text"](fmt, _edge(key, n, (i + j) % len(EDGES)))
                  for j, n in enumerate(names)}
        out.append(fill(template, lang, **values))
    return out


# --------------------------------------------------------------------------------------
# The errors looked for
# --------------------------------------------------------------------------------------
_IT_ONE = """impresa lavoratore lavoratrice misura area comune dipendente servizio evento posto
    punto rilevazione risposta rispondente controllo avviso riga indicatore confronto anno
    volta commento test classe tema questionario utente""".split()
_IT_MANY = """imprese lavoratori lavoratrici misure aree comuni dipendenti servizi eventi posti
    punti rilevazioni risposte rispondenti controlli avvisi righe indicatori confronti anni
    volte commenti classi temi questionari utenti""".split()
_EN_ONE = """company worker measure area municipality employee service event place point wave
    answer respondent check warning row indicator comparison year comment test class theme
    questionnaire user""".split()
_EN_MANY = """companies workers measures areas municipalities employees services events places
    points waves answers respondents checks warnings rows indicators comparisons years
    comments tests classes themes questionnaires users""".split()

_NUM = r"(?<![\d.,])(\d[\d.,]*)"
#: Phrases that are wrong whatever the figure (the reviewers' list), lower-cased.
_ALWAYS_WRONG = {
    "it": ["il 8", "il 80", "il 11", "il 1 %", "il 1\u00a0%", "del 80", "nel 80", "lo 80",
           "l'10", "al 8", "dal 8", "sul 8", "del 8", "nel 8", "del 11", "nel 11",
           "1 imprese", "1 lavoratori", "1 misure", "1 aree", "1 comuni", "0 impresa"],
    "en": ["1 companies", "1 workers", "1 measures", "1 employees"],
}
_COMMON = [
    (re.compile(r"[{}]"), "a brace left in the text"),
    (re.compile(r"\S {2,}\S"), "a double space"),
    (re.compile(r" [,;.:](?=\s|$)"), "a space before punctuation"),
    (re.compile(r"(?<!\.)\.\.(?!\.)"), "two full stops"),
    (re.compile(r"[,;:] *[.,;:]"), "two punctuation marks in a row"),
    (re.compile(r"\( | \)|(?<!\w)\(\)"), "a parenthesis with a space inside, or empty"),
    (re.compile(r"\b([A-Za-zÀ-ÿ]+) \1\b", re.I), "a word repeated"),
    (re.compile(r"(?<![\d.,])(\d[\d.,]*(?:\s?%)?), \1(?![\d.,])"), "a figure repeated"),
]
#: A sentence that starts with a lower-case letter (after an abbreviation it may).
_AFTER_STOP = re.compile(r"([\w.]+)\. +([a-zà-ù]\w*)")
_ABBREVIATIONS = {"p.p", "pp", "es", "n.d", "ca", "ecc", "e.g", "i.e", "vs", "art", "c", "n"}
_IT_RULES = [
    (re.compile(rf"\b1 (?:{'|'.join(_IT_MANY)})\b"), "a plural noun after 1"),
    (re.compile(rf"(?<![\d.,])(?:0|8|11|80|100) (?:{'|'.join(_IT_ONE)})\b"),
     "a singular noun after a figure other than 1"),
    (re.compile(r"(?<![\d.,])1 (?:\w+ )?(?:hanno|sono|partecipano|aderiscono|rispondono)\b"),
     "a plural verb after 1"),
    (re.compile(r"\b(?:le|i|gli|delle|dei|degli|alle|ai|nelle|nei|dalle|dai|sulle|sui)"
                r" 1(?![\d.,]|\s?%)", re.I), "a plural article before 1"),
    (re.compile(r":\s*(?:nessuno|nessuna)\s*[.;]", re.I),
     "\u00abnessuno\u00bb after a colon: write a sentence for the empty case"),
]
_EN_RULES = [
    (re.compile(rf"\b1 (?:{'|'.join(_EN_MANY)})\b"), "a plural noun after 1"),
    (re.compile(rf"(?<![\d.,])(?:0|8|11|80|100) (?:{'|'.join(_EN_ONE)})\b"),
     "a singular noun after a figure other than 1"),
    (re.compile(r"\ba (?:8|11|18)"), "\u00aba\u00bb before a figure read with a vowel (an)"),
    (re.compile(r"\d %"), "a space before % (English writes 95%, as the Formatter does)"),
    (re.compile(r":\s*none\s*[.;]", re.I), "\u00abnone\u00bb after a colon: write a sentence"),
]
_ARTICLE = re.compile(
    r"(?<![\w'])(il|lo|l'|del|dello|dell'|nel|nello|nell'|al|allo|all'|dal|dallo|dall'|sul|"
    r"sullo|sull')\s*" + _NUM, re.I)
_MONTH = re.compile(r"°?\s+(?:" + "|".join(MONTHS["it"]) + ")")
_BASE = {form: base for base, forms in ARTICLES.items() for form in
         (forms[0].strip(), forms[1].strip(), forms[2].strip())}


def _plain(text: str) -> str:
    """The text as read: Markdown emphasis and code marks removed."""
    return re.sub(r"[*_`]", "", text)


def problems(text: str, lang: str) -> list[str]:
    """The agreement and typography errors found in one rendered text."""
    plain = _plain(text)
    lowered = plain.lower()
    found = [f"{phrase!r}" for phrase in _ALWAYS_WRONG[lang]
             if re.search(r"(?<![\w'])" + re.escape(phrase) + r"(?![\d\w])", lowered)]
    rules = _COMMON + (_IT_RULES if lang == "it" else _EN_RULES)
    found += [f"{why}: {m.group(0)!r}" for rx, why in rules for m in rx.finditer(plain)]
    found += [f"a lower-case letter after a full stop: {m.group(0)!r}"
              for m in _AFTER_STOP.finditer(plain) if m.group(1).lower() not in _ABBREVIATIONS
              and not re.match(r"p\b|p-", m.group(2) + plain[m.end():m.end() + 1])]
    if lang == "it":
        for m in _ARTICLE.finditer(plain):
            written, figure = m.group(1), m.group(2)
            if _MONTH.match(plain, m.end()):
                continue  # a date: "il 1° gennaio" is read "il primo"
            expected = article(figure, _BASE[written.lower()])
            got = m.group(0)
            if re.sub(r"\s+", " ", got.lower()) != re.sub(r"\s+", " ", expected.lower()):
                found.append(f"article {got!r}, should be {expected!r}")
    return found


def _check(key: str, entry: Mapping[str, str]) -> list[str]:
    out = []
    for lang in ("it", "en"):
        for rendered in renderings(key, entry[lang], lang):
            out += [f"{lang}: {p} in {rendered[:160]!r}..." for p in problems(rendered, lang)]
    return out


def tie_problems(key: str, entry: Mapping[str, str], items: str, count: str) -> list[str]:
    """The errors of a "most ..." text when two items tie (and when one wins alone)."""
    out = []
    for lang in ("it", "en"):
        fmt = Formatter(lang)
        names = fields(entry[lang])
        for n_top in (1, 2):
            values = {n: WRITERS[kind_of(key, n) or "text"](fmt, 2) for n in names}
            values[items] = fmt.listing(LABELS[lang][:n_top])
            values[count] = str(n_top)
            rendered = _plain(fill(entry[lang], lang, **values))
            first = re.escape(LABELS[lang][0])
            singular, plural = ((r"\bè\b", r"\bsono\b") if lang == "it"
                                else (r"\bis\b", r"\bare\b"))
            wrong = plural if n_top == 1 else singular
            if any(label not in rendered for label in LABELS[lang][:n_top]):
                out.append(f"{lang}, {n_top} at the top: not every item is named: {rendered!r}")
            if re.search(wrong + r"[^.;:]{0,12}" + first, rendered):
                out.append(f"{lang}, {n_top} at the top: the verb does not agree: {rendered!r}")
            out += [f"{lang}, tie: {p}" for p in problems(rendered, lang)]
    return out


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------
CATALOGUE = _catalogue()


def test_every_placeholder_has_a_kind():
    unknown = sorted({f"{key}: {{{name}}}" for key, entry in CATALOGUE.items()
                      for lang in entry for name in fields(entry[lang])
                      if kind_of(key, name) is None})
    assert not unknown, ("placeholders without a kind: add them to KIND_OF in "
                         f"tests/i18n/test_edge_values.py: {unknown}")


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_text_reads_well_with_edge_values(key):
    errors = _check(key, CATALOGUE[key])
    assert not errors, "\n".join(errors[:12])


def test_every_text_naming_the_top_item_is_known():
    naming = {key for key, entry in CATALOGUE.items()
              if any(_SUPERLATIVE[lang].search(re.sub(r"\{[^}]*\}", "", entry.get(lang, "")))
                     for lang in ("it", "en"))
              and any(kind_of(key, n) == "label" for n in fields(entry["it"]))}
    unknown = naming - set(TOP_TEXTS) - NOT_TOP
    assert not unknown, ("texts naming 'the most ...' item: add them to TOP_TEXTS (with a "
                         f"placeholder for ties) or NOT_TOP: {sorted(unknown)}")


#: Texts that are a bare "none" but stand where a table cell or a label goes, not in a
#: sentence.
NONE_CELLS = {"quality.none", "quality.no_previous_wave", "measures.no_test",
              "confidential.no_files"}
_NONE = re.compile(r"^\s*(?:nessun[oa]?|none)\b(?!.*[.!?]\s*$)", re.I)


def test_no_text_is_a_none_word_to_fill_a_sentence_with():
    """"Peggiorano in modo significativo: nessuno." reads as a form: the empty case gets a
    sentence of its own (``monitoring.workers_none``), not a "none" in a placeholder."""
    fillers = sorted(key for key, entry in CATALOGUE.items() if key not in NONE_CELLS
                     and _NONE.match(entry["it"]) and entry["it"][:1].islower())
    assert not fillers, f"'none' words used to fill a sentence: {fillers}"


@pytest.mark.parametrize("key", sorted(TOP_TEXTS))
def test_a_tie_at_the_top_names_every_item(key):
    if key not in CATALOGUE:
        pytest.skip(f"{key} is not in the catalogue")
    items, count = TOP_TEXTS[key]
    entry = CATALOGUE[key]
    assert count in fields(entry["it"]), (f"{key} names the top item but has no {{{count}}}: "
                                          "a tie must name every tied item")
    errors = tie_problems(key, entry, items, count)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("Il 80\u00a0% dei dipendenti", "it", "il 80"),
    ("il 8 % delle imprese", "it", "il 8"),
    ("nel 11 %", "it", "article"),
    ("Delle 1 imprese", "it", "1 imprese"),
    ("presenti in 1 aree", "it", "1 aree"),
    ("0 impresa", "it", "0 impresa"),
    ("1 lavoratori hanno risposto", "it", "1 lavoratori"),
    ("Peggiorano in modo chiaro: nessuno.", "it", "nessuno"),
    ("(differenza di 0,46, 0,46 punti su 7)", "it", "figure repeated"),
    ("1 companies answered", "en", "1 companies"),
    ("a 80% share", "en", "a 8"),
    ("with 95 % intervals", "en", "space before %"),
    ("soglia di {min_cell} imprese", "it", "brace"),
    ("due  spazi", "it", "double space"),
    ("prima , dopo", "it", "space before"),
    ("fine.. poi", "it", "two full stops"),
    ("sopra 0,05. peggiorano", "it", "lower-case"),
])
def test_the_checks_find_the_errors_reviewers_found(text, lang, expected):
    assert any(expected in p for p in problems(text, lang)), problems(text, lang)


@pytest.mark.parametrize(("text", "lang"), [
    ("L'80\u00a0% dei dipendenti, lo 0 % e il 10 %; dell'11 %, nell'8 %.", "it"),
    ("1 impresa ha risposto; 2 imprese hanno risposto; nessuna impresa.", "it"),
    ("Dal T1 2012 al T3 2014, nel 2013 e dal 1999.", "it"),
    ("An 80% share; 1 company answered; 3,4 p.p. (1,0; 5,8).", "en"),
])
def test_the_checks_leave_good_prose_alone(text, lang):
    assert problems(text, lang) == []
