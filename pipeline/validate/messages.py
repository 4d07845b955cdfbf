"""What a failed check of the data-quality gate says, in the words of the text catalogue.

One phrase per kind of check (``meta.kind`` of the suites), Italian and English, from the
``quality.msg.*`` texts of ``pipeline/i18n/texts/texts_quality.yaml``: this module only
chooses the text and fills in its placeholders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pipeline.i18n.text import text
from pipeline.validate.values import bare_text, share_text, value_text

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.validate.result import CheckResult

__all__ = ["message", "message_lang"]


def message_lang(lang: str) -> str:
    """The language of a message: Italian for ``"it"``, English for anything else.

    Parameters
    ----------
    lang
        What the caller asked for (``"en"`` by default in :class:`CheckResult`).

    Returns
    -------
    str
        ``"it"`` or ``"en"``.
    """
    return "it" if lang == "it" else "en"


def _first_value(c: CheckResult) -> Any:
    return c.failing_values[0] if c.failing_values else None


def _pair(value: Any) -> tuple[Any, Any]:
    """The two values a cross-table check reports together, ``(None, None)`` if not a list."""
    if not isinstance(value, list):
        return None, None
    first, second = (list(value) + [None, None])[:2]
    return first, second


_REGEX = "expect_column_values_to_match_regex"

#: What one kind of check needs to say what failed: the key after ``quality.msg.`` and the
#: values of its placeholders (``{value}``, the failing value, is added by :func:`message`).
Wording = tuple[str, dict[str, Any]]


def _as_kind(c: CheckResult, lang: str) -> Wording:
    return c.kind, {}


def _type(c: CheckResult, lang: str) -> Wording:
    return "type", {"observed": c.observed, "expected": c.kwargs.get("type_")}


def _codes(c: CheckResult, lang: str) -> Wording:
    if c.expectation_type == _REGEX:
        return "code_list", {}
    codes = [str(x) for x in c.kwargs.get("value_set", [])]
    return "codes", {"allowed": ", ".join(codes[:12]) + (", ..." if len(codes) > 12 else "")}


def _scale(c: CheckResult, lang: str) -> Wording:
    points = c.kwargs.get("value_set", [])
    return "scale", {"scale": f"{points[0]}-{points[-1]}" if points else ""}


def _range(c: CheckResult, lang: str) -> Wording:
    return "range", {"low": bare_text(c.kwargs.get("min_value")),
                     "high": bare_text(c.kwargs.get("max_value"))}


def _format(c: CheckResult, lang: str) -> Wording:
    if c.expectation_type == _REGEX and ":" in str(c.kwargs.get("regex", "")):
        return "time", {}
    return "format", {}


def _plausible(c: CheckResult, lang: str) -> Wording:
    if c.kwargs.get("min_value") is not None:
        return "plausible_min", {"low": str(c.kwargs["min_value"])[:10]}
    return "plausible_max", {"high": bare_text(c.kwargs.get("max_value"))}


def _complete(c: CheckResult, lang: str) -> Wording:
    if c.mostly is None:
        return "complete_all", {}
    return "complete", {"missing": share_text((c.unexpected_percent or 0) / 100, lang),
                        "allowed": share_text(1 - c.mostly, lang)}


def _references(c: CheckResult, lang: str) -> Wording:
    noun = c.extra.get("noun", {}).get(lang) or text("quality.msg.a_value", lang)
    return "references", {"noun": noun,
                          "table": str(c.extra.get("reference", "")).split(".")[0]}


def _headcount(c: CheckResult, lang: str) -> Wording:
    employees, respondents = _pair(_first_value(c))
    return "respondents_le_headcount", {"respondents": bare_text(respondents),
                                        "employees": bare_text(employees)}


def _sector(c: CheckResult, lang: str) -> Wording:
    now, before = _pair(_first_value(c))
    return "same_sector_as_previous", {"now": now, "before": before,
                                       "previous": c.extra.get("previous_wave", "")}


def _halved(c: CheckResult, lang: str) -> Wording:
    before, now = _pair(_first_value(c))
    return "headcount_not_halved", {"now": bare_text(now), "before": bare_text(before),
                                    "previous": c.extra.get("previous_wave", "")}


def _unknown_file(c: CheckResult, lang: str) -> Wording:
    return "unknown_file", {}


def _unmapped(c: CheckResult, lang: str) -> Wording:
    columns = [str(x) for x in c.extra.get("columns", [])]
    shown = ", ".join(f"'{x[:40]}'" for x in columns[:5]) + (", ..." if len(columns) > 5 else "")
    return "unmapped_columns", {"columns": shown}


def _previous_wave(c: CheckResult, lang: str) -> Wording:
    return "previous_wave", {"previous": c.extra.get("previous_wave", "")}


#: ``meta.kind`` of the suites -> how its failure is worded (texts ``quality.msg.*``).
_WORDING: dict[str, Callable[[CheckResult, str], Wording]] = {
    "rows": _as_kind, "table": _as_kind, "exists": _as_kind, "type": _type,
    "codes": _codes, "scale": _scale, "range": _range, "format": _format,
    "istat": _as_kind, "not_future": _as_kind, "plausible": _plausible, "unique": _as_kind,
    "complete": _complete, "complete_warn": _complete, "references": _references,
    "in_network": _as_kind, "respondents_le_headcount": _headcount,
    "same_sector_as_previous": _sector, "headcount_not_halved": _halved,
    "duplicate_company": _as_kind, "duplicate_answers": _as_kind,
    "previous_wave": _previous_wave, "unknown_file": _unknown_file,
    "unmapped_columns": _unmapped,
}


def message(c: CheckResult, lang: str, show: bool = True) -> str:
    """What failed, in one phrase of ``texts_quality.yaml``.

    Parameters
    ----------
    c
        The failed check.
    lang
        ``"it"`` for Italian, anything else for English (:func:`message_lang`).
    show
        Whether the failing value may be shown; else it is "a value".

    Returns
    -------
    str
        E.g. ``'C99' is not a company of company_survey``; the ingestion's own message
        for a file ingestion refused.
    """
    lang = message_lang(lang)
    if c.exception:
        return text("quality.msg.exception", lang, error=c.exception)
    if c.kind == "ingest":
        return str(c.extra.get("message", ""))
    wording = _WORDING.get(c.kind)
    if wording is None:
        description = c.description.get(lang) or c.description.get("en") or c.check
        return text("quality.msg.failed", lang, description=description)
    key, values = wording(c, lang)
    shown = value_text(_first_value(c)) if show else text("quality.msg.a_value", lang)
    return text(f"quality.msg.{key}", lang, value=shown, **values)
