"""Legal references by date: which threshold or citation was in force on a given day.

``legal_references.yaml`` (next to this module) holds, for each rule, periods that cover
consecutive days with no gap and no overlap, each with its value or citation and its
source. :func:`load_legal_references` reads and checks it (:class:`LegalReferencesError`
names the rule and the two periods that overlap or leave a gap); :func:`rules_in_force`
and :func:`fringe_benefit_threshold` answer for a date.

A wave's date
-------------
A wave is dated by its fieldwork (``wave.yaml``: ``fieldwork_start``, ``fieldwork_end``):
:func:`wave_date` takes the **last day of fieldwork** (the start when no end is given).
When a rule changes during the fieldwork, the wave gets the rule in force when the answers
were all in, which is also what the report, written after the fieldwork, can cite; a
change after the last interview does not reach the wave. The same choice applies to any
``(start, end)`` period given to :func:`as_date`.

A period holds what the law in force *on those days* said: a raise enacted in November
for the whole tax year is not seen by an October date (see the header of the YAML file).

An undated wave (no fieldwork dates) gets the newest period of each rule: the rules as the
table stands, which is also what the taxonomy's labels say.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.config import CODEBOOK_DIR
from pipeline.errors import PipelineError

#: The project's table of dated rules.
LEGAL_REFERENCES = CODEBOOK_DIR / "legal_references.yaml"
#: The rule of the fringe-benefit ceiling (TUIR art. 51 c. 3) and its dated raises.
FRINGE_BENEFIT_RULE = "fringe_benefit_threshold"
LANGS = ("it", "en")

#: What :func:`as_date` accepts: a date, an ISO string, a wave's meta, a (start, end)
#: period, or ``None`` (undated).
DateLike = dt.date | str | Mapping[str, Any] | Sequence[Any] | None


class LegalReferencesError(PipelineError, ValueError):
    """The table of legal references is malformed, or has no rule for a date."""


@dataclass(frozen=True)
class Period:
    """What one rule said from ``valid_from`` to ``valid_to`` (both included).

    Attributes
    ----------
    valid_from, valid_to
        The first and last day; ``None``: since before any wave / still in force.
    value, value_with_children
        The figure in the rule's unit (``value_with_children``: fringe benefits for workers
        with dependent children; equal to ``value`` when the period sets none).
    cite
        ``{"it": ..., "en": ...}``: how a label or sentence cites it; ``None``: nothing.
    wording
        ``{"it": ..., "en": ...}``: what was in force, in one sentence (may be empty).
    source, checked
        The act and where its date and figure were checked.
    """

    rule: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    value: float | None
    value_with_children: float | None
    cite: Mapping[str, str] | None
    wording: Mapping[str, str]
    source: str
    checked: str

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the period."""
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_to is None or day <= self.valid_to))

    def span(self) -> str:
        """``2004-01-01..2020-08-14`` (``…`` for an open end), for messages."""
        return f"{self.valid_from or '…'}..{self.valid_to or '…'}"


@dataclass(frozen=True)
class Rule:
    """One rule and its periods, oldest first."""

    id: str
    what: Mapping[str, str]
    unit: str | None
    periods: tuple[Period, ...]

    def at(self, day: dt.date | None) -> Period | None:
        """The period covering ``day``; the newest one for ``None``; ``None`` if no period
        covers ``day`` (before the table starts)."""
        if day is None:
            return self.periods[-1]
        return next((p for p in self.periods if p.covers(day)), None)


@dataclass(frozen=True)
class MeasureCitation:
    """A measure label that cites the law of ``rule`` as ``written`` (per language)."""

    measure: str
    rule: str
    written: Mapping[str, str]


@dataclass(frozen=True)
class LegalReferences:
    """The checked table (build it with :func:`load_legal_references`)."""

    rules: Mapping[str, Rule]
    citations: tuple[MeasureCitation, ...]

    def rule(self, rule_id: str) -> Rule:
        if rule_id not in self.rules:
            raise LegalReferencesError(f"legal references: no rule {rule_id!r} "
                                       f"(rules: {', '.join(self.rules)})")
        return self.rules[rule_id]

    def in_force(self, on: DateLike = None) -> dict[str, Period]:
        """``{rule id: period}`` of the rules in force on ``on`` (see :func:`as_date`).

        A rule whose table starts after that day is left out; undated: every rule's newest
        period.
        """
        day = as_date(on)
        found = {rid: rule.at(day) for rid, rule in self.rules.items()}
        return {rid: period for rid, period in found.items() if period is not None}

    def period(self, rule_id: str, on: DateLike = None) -> Period:
        """The period of ``rule_id`` in force on ``on``; an error names the rule and day
        when the table does not reach back that far."""
        day = as_date(on)
        period = self.rule(rule_id).at(day)
        if period is None:
            first = self.rule(rule_id).periods[0].valid_from
            raise LegalReferencesError(
                f"legal references: rule {rule_id!r} has no period covering {day} (its table "
                f"starts on {first}): add the rule then in force to {LEGAL_REFERENCES.name}")
        return period

    def measure_label(self, measure: str, label: str, lang: str, on: DateLike = None) -> str:
        """``label`` (the taxonomy's label of ``measure`` in ``lang``) as of ``on``.

        A citation of a law (``measure_citations``) is kept where the law was in force on
        that day, replaced by the period's ``cite``, and dropped elsewhere: "Lavoro agile
        (L.81/2017) con accordo" reads "Lavoro agile con accordo" before 14 June 2017.
        Labels that cite nothing are returned unchanged.
        """
        for citation in self.citations:
            if citation.measure != measure:
                continue
            written = citation.written[lang]
            period = self.rule(citation.rule).at(as_date(on))
            cite = period.cite if period is not None else None
            new = f"({cite[lang]})" if cite else ""
            label = re.sub(r"\s{2,}", " ", label.replace(written, new)).strip()
        return label


# --- dates -----------------------------------------------------------------------------------

def _parse_day(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise LegalReferencesError(f"{what} {value!r} is not a date (YYYY-MM-DD)") from None


def wave_date(meta: Mapping[str, Any]) -> dt.date | None:
    """The date whose rules a wave gets: its last day of fieldwork.

    Parameters
    ----------
    meta
        The wave's ``wave.yaml`` (:attr:`pipeline.wave.WaveData.meta`):
        ``fieldwork_end``, else ``fieldwork_start`` (ISO dates or dates).

    Returns
    -------
    datetime.date or None
        ``None`` when neither is given (an undated wave: the newest rules apply).

    Raises
    ------
    LegalReferencesError
        A fieldwork date that is not a date.
    """
    for key in ("fieldwork_end", "fieldwork_start"):
        value = meta.get(key)
        if value not in (None, ""):
            return _parse_day(value, f"wave.yaml: {key}")
    return None


def as_date(on: DateLike) -> dt.date | None:
    """A day from what callers have at hand.

    ``None`` (undated), a ``date`` or ``datetime``, an ISO string, a wave's meta mapping
    (:func:`wave_date`) or a ``(start, end)`` period (its end, else its start: the same
    choice as :func:`wave_date`).
    """
    if on is None:
        return None
    if isinstance(on, (dt.date, str)):
        return _parse_day(on, "date")
    if isinstance(on, Mapping):
        return wave_date(on)
    if isinstance(on, Sequence) and len(on) == 2:
        start, end = on
        return as_date(end if end not in (None, "") else start)
    raise LegalReferencesError(f"not a date, a wave's meta or a (start, end) period: {on!r}")


# --- loading and checking ----------------------------------------------------------------------

def _text_pair(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or set(value) != set(LANGS) or not all(
            isinstance(value[k], str) and value[k].strip() for k in LANGS):
        raise LegalReferencesError(f"legal references: {where} needs non-empty 'it' and 'en' texts")
    return {k: " ".join(value[k].split()) for k in LANGS}


def _number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise LegalReferencesError(f"legal references: {where} must be a number >= 0")
    return float(value)


def _period(rule_id: str, i: int, raw: Any) -> Period:
    where = f"rule {rule_id!r}, period {i + 1}"
    if not isinstance(raw, Mapping):
        raise LegalReferencesError(f"legal references: {where} is not a mapping")
    unknown = set(raw) - {"valid_from", "valid_to", "value", "value_with_children", "cite",
                          "wording", "source", "checked"}
    if unknown:
        raise LegalReferencesError(f"legal references: {where} has unknown fields "
                                   f"{', '.join(sorted(unknown))}")
    start, end = (None if raw.get(k) is None else _parse_day(raw[k], f"{where}: {k}")
                  for k in ("valid_from", "valid_to"))
    if start and end and start > end:
        raise LegalReferencesError(f"legal references: {where} ends ({end}) before it starts "
                                   f"({start})")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise LegalReferencesError(f"legal references: {where} names no source")
    value = _number(raw.get("value"), f"{where}: value")
    children = _number(raw.get("value_with_children"), f"{where}: value_with_children")
    if children is not None and value is None:
        raise LegalReferencesError(f"legal references: {where} has value_with_children "
                                   "but no value")
    if "cite" not in raw and value is None:
        raise LegalReferencesError(f"legal references: {where} has neither a value nor a cite")
    cite = None if raw.get("cite") is None else _text_pair(raw["cite"], f"{where}: cite")
    wording = {} if raw.get("wording") is None else _text_pair(raw["wording"],
                                                                 f"{where}: wording")
    return Period(rule=rule_id, valid_from=start, valid_to=end, value=value,
                  value_with_children=children if children is not None else value,
                  cite=cite, wording=wording, source=" ".join(source.split()),
                  checked=" ".join(str(raw.get("checked") or "").split()))


def check_periods(rule_id: str, periods: Sequence[Period]) -> None:
    """Refuse periods that overlap, leave a gap, or leave an end open in the middle.

    Raises
    ------
    LegalReferencesError
        Naming the rule and the two periods concerned.
    """
    if not periods:
        raise LegalReferencesError(f"legal references: rule {rule_id!r} has no period")
    for i, p in enumerate(periods):
        if p.valid_from is None and i > 0:
            raise LegalReferencesError(f"legal references: rule {rule_id!r}: only the first "
                                       f"period may have no start ({p.span()})")
        if p.valid_to is None and i < len(periods) - 1:
            raise LegalReferencesError(f"legal references: rule {rule_id!r}: only the last "
                                       f"period may have no end ({p.span()})")
    for prev, nxt in zip(periods, periods[1:], strict=False):
        expected = prev.valid_to + dt.timedelta(days=1)  # type: ignore[operator]
        if nxt.valid_from < expected:  # type: ignore[operator]
            raise LegalReferencesError(f"legal references: rule {rule_id!r}: periods "
                                       f"{prev.span()} and {nxt.span()} overlap")
        if nxt.valid_from > expected:  # type: ignore[operator]
            gap_end = nxt.valid_from - dt.timedelta(days=1)  # type: ignore[operator]
            raise LegalReferencesError(f"legal references: rule {rule_id!r}: no period covers "
                                       f"{expected}..{gap_end} (gap between {prev.span()} "
                                       f"and {nxt.span()})")


def parse_legal_references(raw: Any) -> LegalReferences:
    """Check the parsed YAML and build :class:`LegalReferences` (pure: no file access)."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("rules"), Mapping):
        raise LegalReferencesError("legal references: expected a mapping with 'rules'")
    rules: dict[str, Rule] = {}
    for rule_id, spec in raw["rules"].items():
        if not isinstance(spec, Mapping) or not isinstance(spec.get("periods"), list):
            raise LegalReferencesError(f"legal references: rule {rule_id!r} needs 'periods'")
        periods = tuple(_period(str(rule_id), i, p) for i, p in enumerate(spec["periods"]))
        check_periods(str(rule_id), periods)
        if spec.get("unit") and any(p.value is None for p in periods):
            raise LegalReferencesError(f"legal references: rule {rule_id!r} has a unit: every "
                                       "period needs a value")
        rules[str(rule_id)] = Rule(id=str(rule_id), what=_text_pair(spec.get("what"),
                                                                     f"rule {rule_id!r}: what"),
                                   unit=spec.get("unit"), periods=periods)
    citations = []
    for i, spec in enumerate(raw.get("measure_citations") or []):
        where = f"measure citation {i + 1}"
        if not isinstance(spec, Mapping) or spec.get("rule") not in rules or not spec.get(
                "measure"):
            raise LegalReferencesError(f"legal references: {where} needs a 'measure' and one "
                                       f"of the rules ({', '.join(rules)})")
        citations.append(MeasureCitation(measure=str(spec["measure"]), rule=str(spec["rule"]),
                                         written=_text_pair(spec.get("written"),
                                                            f"{where}: written")))
    return LegalReferences(rules=rules, citations=tuple(citations))


@cache
def load_legal_references(path: Path = LEGAL_REFERENCES) -> LegalReferences:
    """Read and check ``legal_references.yaml`` (cached: read once per process)."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LegalReferencesError(f"{path.name}: not valid YAML ({exc})") from None
    try:
        return parse_legal_references(raw)
    except LegalReferencesError as exc:
        raise LegalReferencesError(f"{path.name}: {exc}") from None


# --- answers for a date --------------------------------------------------------------------------

def rules_in_force(on: DateLike = None, *,
                   references: LegalReferences | None = None) -> dict[str, Period]:
    """``{rule id: period}`` in force on ``on`` (a date, a wave's meta or a period).

    Undated: the newest period of every rule. See :meth:`LegalReferences.in_force`.
    """
    return (references or load_legal_references()).in_force(on)


def fringe_benefit_threshold(on: DateLike = None, *, with_children: bool = False,
                             references: LegalReferences | None = None) -> float:
    """The fringe-benefit ceiling (TUIR art. 51 c. 3) in force on ``on``, in EUR a year.

    Parameters
    ----------
    on
        A date, a wave's meta (its last fieldwork day), a ``(start, end)`` period (its end),
        or ``None`` for the newest period of the table.
    with_children
        The ceiling for workers with dependent children (higher in 2023-05-05..2023-12-31
        and from 2024); the general one otherwise.

    Returns
    -------
    float
        EUR per employee per tax year: 258.23 in 2013, 600 then 3,000 in late 2022, 1,000
        (2,000 with children) in 2024-2027.
    """
    period = (references or load_legal_references()).period(FRINGE_BENEFIT_RULE, on)
    value = period.value_with_children if with_children else period.value
    if value is None:  # the rule has a unit, so every period has a value (checked on load)
        raise LegalReferencesError(f"legal references: {period.span()} of "
                                   f"{FRINGE_BENEFIT_RULE!r} has no value")
    return value
