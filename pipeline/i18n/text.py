"""Report prose in Italian and English from one catalogue (``pipeline/i18n/texts/*texts*.yaml``).

Notebooks call :func:`say` instead of writing prose twice; researchers edit the wording in
``pipeline/i18n/texts/texts.yaml`` and its siblings (one file per part of the report, e.g.
``texts_measures.yaml``; a key defined twice is an error). Placeholders use ``str.format`` syntax and receive already
formatted numbers (see :mod:`pipeline.i18n.formatting`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from pipeline.config import TEXTS_DIR


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(TEXTS_DIR.glob("*texts*.yaml")):
        for key, entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(f"text {key!r} is defined twice ({path.name})")
            merged[key] = entry
    return merged


def has_text(key: str) -> bool:
    """Whether the catalogue defines ``key``."""
    return key in _catalogue()


def text(key: str, lang: str = "it", **values: Any) -> str:
    """The text ``key`` in ``lang``, with ``values`` filled in."""
    try:
        entry = _catalogue()[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in pipeline/i18n/texts/*texts*.yaml") from None
    return entry[lang].format(**values).strip()


def say(key: str, lang: str = "it", **values: Any) -> None:
    """Display the text ``key`` as Markdown in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown(text(key, lang, **values)))
