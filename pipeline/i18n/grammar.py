"""Agreement by number in report prose: Italian articles before a figure, plurals.

Italian writes "l'80 %", "l'8 %", "l'11 %", "l'1 %" but "il 10 %", "il 1.000" (read
*mille*), "lo 0,5 %"; prepositions join the article ("nell'80 %", "del 10 %", "allo
0,5 %"). Which article a figure takes depends on how it is read aloud, so it is decided
here once from the figure as written, never by hand in each sentence.

The catalogue (:mod:`pipeline.i18n.text`) uses these as format specs of a placeholder:

==========================  ===========================  =================================
text                        value                        result
==========================  ===========================  =================================
``{share:il}``              ``"80 %"``                   ``l'80 %``
``{share:Nel}``             ``"10 %"``                   ``Nel 10 %`` (capital: sentence start)
``{n:impresa|imprese}``     ``"1"`` / ``"2"``            ``1 impresa`` / ``2 imprese``
``{n:nessuna impresa|impresa|imprese}``  ``"0"``         ``nessuna impresa``
``{n:|ha|hanno}``           ``"1"`` / ``"3"``            ``ha`` / ``hanno`` (word only)
==========================  ===========================  =================================

Values reach the catalogue already formatted by :class:`~pipeline.i18n.formatting.Formatter`
(Italian ``"1.500"``, ``"8,5 %"``; English ``"1,500"``); plain numbers work too.
"""

from __future__ import annotations

import re
from numbers import Real

__all__ = ["ARTICLES", "article", "is_one", "is_zero", "plural"]

#: The articulated forms of each article spec: (before a consonant, before "0" (lo),
#: elided before a vowel sound).
ARTICLES: dict[str, tuple[str, str, str]] = {
    "il": ("il ", "lo ", "l'"),
    "nel": ("nel ", "nello ", "nell'"),
    "del": ("del ", "dello ", "dell'"),
    "al": ("al ", "allo ", "all'"),
    "dal": ("dal ", "dallo ", "dall'"),
    "sul": ("sul ", "sullo ", "sull'"),
}

def _groups(written: str) -> list[str] | None:
    """The integer part of a figure as groups of three digits, or ``None``."""
    number = _number(written)
    if number is None or number < 0:
        return None
    digits = str(int(number))
    head = len(digits) % 3 or 3
    return [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]


def _sound(written: str) -> str:
    """How the figure starts when read aloud: ``"vowel"``, ``"zero"`` or ``"consonant"``.

    Italian reads the leading group of three digits first: *otto-*, *ottanta-*,
    *ottocento-* and *undici* start with a vowel; a lone 1 is *uno*, 1 followed by one
    group is *mille* but followed by two or more is *un milione*, *un miliardo*; 0 is
    *zero* (article *lo*).
    """
    if re.match(r"^\s*1°", written):  # "il 1° gennaio": *primo*
        return "consonant"
    groups = _groups(written)
    if groups is None:
        return "consonant"
    lead = groups[0].lstrip("0") or "0"
    if lead == "0":
        return "zero"
    if lead.startswith("8") or lead == "11":
        return "vowel"
    if lead == "1" and len(groups) != 2:
        return "vowel"
    return "consonant"


def article(value: object, form: str = "il") -> str:
    """An Italian figure with its (articulated) article: ``article("80 %")`` -> ``"l'80 %"``.

    Parameters
    ----------
    value
        The figure as written in the report (``"80 %"``, ``"1.500"``, ``"0,5 %"``) or a
        number.
    form
        One of :data:`ARTICLES` (``il``, ``nel``, ``del``, ``al``, ``dal``, ``sul``); with a
        capital first letter (``"Nel"``) the result starts with one, for a sentence start.

    Returns
    -------
    str
        ``"l'80 %"``, ``"il 10 %"``, ``"lo 0,5 %"``, ``"nell'11 %"``, ``"del 1.000"``.
    """
    key = form.lower()
    if key not in ARTICLES:
        raise ValueError(f"unknown article {form!r}: use one of {', '.join(ARTICLES)}")
    text = str(value).strip()
    consonant, zero, vowel = ARTICLES[key]
    chosen = {"vowel": vowel, "zero": zero}.get(_sound(text), consonant)
    out = chosen + text
    return out[:1].upper() + out[1:] if form[:1].isupper() else out


def _number(value: object) -> float | None:
    """The value of a figure as written in either language, or ``None`` if it is no figure.

    A separator followed by exactly three digits groups thousands ("1.500", "1,500");
    any other separator is the decimal one ("1,5", "1.5"): the figures of
    :class:`~pipeline.i18n.formatting.Formatter` never carry three decimals.
    """
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, Real):
        return float(value)
    m = re.match(r"^\s*-?\d[\d.,\s\u00a0\u202f]*", str(value))
    if m is None:
        return None
    text = re.sub(r"[\s\u00a0\u202f]", "", m.group(0)).rstrip(".,")
    negative = text.startswith("-")
    parts = re.split(r"[.,]", text.lstrip("-"))
    if len(parts) > 1 and len(parts[-1]) != 3:
        number = float("".join(parts[:-1]) or 0) + float("0." + parts[-1])
    else:
        number = float("".join(parts) or 0)
    return -number if negative else number


def is_one(value: object) -> bool:
    """Whether a figure (as written or as a number) is exactly one: singular agreement."""
    return _number(value) == 1.0


def is_zero(value: object) -> bool:
    """Whether a figure (as written or as a number) is exactly zero."""
    return _number(value) == 0.0


def plural(value: object, forms: str) -> str:
    """The figure with the noun that agrees with it, or the agreeing word alone.

    Parameters
    ----------
    value
        The figure as written (``"1"``, ``"1.500"``) or a number.
    forms
        ``"impresa|imprese"`` -> ``"1 impresa"``, ``"2 imprese"``;
        ``"nessuna impresa|impresa|imprese"`` -> also ``"nessuna impresa"`` for zero;
        a leading ``|`` gives the word alone: ``"|ha|hanno"`` -> ``"ha"`` / ``"hanno"``
        (``"|nessuna|una|tre"``-style three forms work the same way).

    Returns
    -------
    str
    """
    word_only = forms.startswith("|")
    parts = forms[1:].split("|") if word_only else forms.split("|")
    if len(parts) not in (2, 3):
        raise ValueError(f"plural forms {forms!r}: give 'one|other' or 'zero|one|other'")
    if len(parts) == 3 and is_zero(value):
        return parts[0]
    one, other = parts[-2], parts[-1]
    word = one if is_one(value) else other
    return word if word_only else f"{str(value).strip()} {word}"
