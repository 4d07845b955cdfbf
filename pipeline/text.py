"""Report prose in Italian and English from one catalogue (``texts.yaml``).

Notebooks call :func:`say` instead of writing prose twice; researchers edit the wording in
``pipeline/texts.yaml``. Placeholders use ``str.format`` syntax and receive already
formatted numbers (see :mod:`pipeline.report.formatting`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

TEXTS_PATH = Path(__file__).resolve().parent / "texts.yaml"


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    return yaml.safe_load(TEXTS_PATH.read_text(encoding="utf-8"))


def text(key: str, lang: str = "it", **values: Any) -> str:
    """The text ``key`` in ``lang``, with ``values`` filled in."""
    try:
        entry = _catalogue()[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in {TEXTS_PATH.name}") from None
    return entry[lang].format(**values).strip()


def say(key: str, lang: str = "it", **values: Any) -> None:
    """Display the text ``key`` as Markdown in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown(text(key, lang, **values)))
