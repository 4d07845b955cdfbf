"""Labels (of measures, services, indicators) placed inside a sentence.

A label of the codebook or of the catalogue is written to stand alone, as a table row or a
chart tick: "Sportello pratiche (CAF/patronato) in azienda". Inside a sentence an Italian
(or English) writer lower-cases it: "il servizio più richiesto è **sportello pratiche
(CAF/patronato) in azienda**", unless it opens with an acronym ("CAF ...", "UNI/PdR ...")
or a name written with inner capitals ("McNemar"). A label between quotes keeps its
capital and needs no call here.

>>> in_sentence("Sportello pratiche (CAF/patronato) in azienda")
'sportello pratiche (CAF/patronato) in azienda'
>>> in_sentence("CAF in azienda"), in_sentence("Family Audit")
('CAF in azienda', 'family Audit')
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["in_sentence", "listed", "named"]


def _keeps_capital(word: str) -> bool:
    """Whether a first word is written with its capitals: an acronym or an inner capital."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) > 1 and any(c.isupper() for c in letters[1:])


def in_sentence(label: str) -> str:
    """``label`` as written inside a sentence: its first letter lower-cased.

    Parameters
    ----------
    label
        A label as the codebook or the catalogue writes it (capitalised).

    Returns
    -------
    str
        The label with a lower-case first letter, unchanged when its first word is an
        acronym or has an inner capital ("CAF", "PdR", "McNemar"), or when it is empty.
    """
    label = str(label)
    first = label.split(maxsplit=1)[0] if label.strip() else ""
    if not first or _keeps_capital(first):
        return label
    return label[:1].lower() + label[1:]


def named(labels: Iterable[str], *, bold: bool = True) -> list[str]:
    """Each label as written inside a sentence (:func:`in_sentence`), in bold by default.

    Bold keeps the items of a list apart when the labels themselves contain "e"/"and"
    ("**centri estivi e ludoteche** e **sportello caregiver**"); join them with
    :meth:`~pipeline.i18n.formatting.Formatter.listing`.
    """
    out = [in_sentence(label) for label in labels]
    return [f"**{label}**" for label in out] if bold else out


def listed(labels: Iterable[str], lang: str = "it", *, most: int = 3,
           more_key: str = "company.and_more") -> str:
    """The first ``most`` labels in a sentence, bold, and how many more there are.

    Parameters
    ----------
    labels
        Labels as the codebook writes them, in the order they are to be read.
    lang
        Language of the sentence.
    most
        How many are named; the rest are counted by the catalogue text ``more_key``
        (placeholder ``n``, e.g. "2 altre misure").

    Returns
    -------
    str
        "**entrata/uscita flessibile**, **banca ore** e 2 altre misure".
    """
    from pipeline.i18n.formatting import Formatter
    from pipeline.i18n.text import text

    labels = list(labels)
    fmt = Formatter(lang)
    shown = named(labels[:most])
    if len(labels) > most:
        shown.append(text(more_key, lang, n=fmt.number(len(labels) - most, 0)))
    return fmt.listing(shown)
