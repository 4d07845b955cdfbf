"""Report prose in Italian and English from one catalogue.

The catalogue has two kinds of sources, merged into one set of keys (a key defined twice
is an error):

* ``pipeline/i18n/texts/*texts*.yaml``: labels, captions and the prose of pages built
  outside the notebooks (site, data-quality page);
* the section notebooks themselves (``notebooks/*.py`` and one folder below): a Markdown
  cell tagged ``text`` holds the sentences that notebook says, Italian first, where the
  researcher reads and edits them in JupyterLab::

      # %% [markdown] tags=["text"]
      # <!-- measures.intro -->
      # Questa sezione descrive le **{n_companies}** imprese ...
      #
      # <!-- en -->
      # This section describes the **{n_companies}** companies ...

  A ``<!-- key -->`` line opens a text (its Italian), ``<!-- en -->`` its English; one
  cell may hold several texts. The rendered reports drop these cells: the code's
  :func:`say` shows the sentence once, filled in, where it belongs.

Placeholders use ``str.format`` syntax and receive already formatted numbers (see
:mod:`pipeline.i18n.formatting`); ``tests/i18n/test_text.py`` checks that every text has
both languages with the same placeholders. A placeholder's format spec makes the words
around a figure agree with it (:mod:`pipeline.i18n.grammar`): ``{share:il}`` gives
"l'80 %" or "il 10 %" (also ``nel``, ``del``, ``al``, ``dal``, ``sul``; capitalised at a
sentence start: ``{share:Nel}``; Italian only), ``{n:impresa|imprese}`` gives "1 impresa"
or "2 imprese", ``{n:nessuna impresa|impresa|imprese}`` also "nessuna impresa", and
``{n:|ha|hanno}`` the agreeing word alone.
"""

from __future__ import annotations

import os
import re
import string
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.config import TEXTS_DIR, get_paths
from pipeline.i18n.grammar import ARTICLES, article, plural

#: The tag of a notebook's Markdown cell that holds texts of the catalogue.
TEXT_CELL_TAG = "text"
LANGS = ("it", "en")

_CELL = re.compile(r"^# %%.*$", re.M)
_TEXT_CELL = re.compile(r"^# %% \[markdown\].*\btags=\[[^\]]*\"" + TEXT_CELL_TAG + r"\"")
_MARKER = re.compile(r"^<!--\s*([A-Za-z0-9_.]+)\s*-->$")


def _cell_lines(cell: str) -> list[str]:
    """The Markdown of a jupytext percent cell: the ``# `` comment prefix removed."""
    return [line[2:] if line.startswith("# ") else line.lstrip("#") for line in cell]


def notebook_texts(source: str, name: str = "<notebook>") -> dict[str, dict[str, str]]:
    """The texts of a jupytext percent notebook's ``text`` cells, ``{key: {it, en}}``.

    Parameters
    ----------
    source
        The ``.py`` (percent format) source of the notebook.
    name
        The file, for error messages.

    Raises
    ------
    ValueError
        A text without a key, or an ``<!-- en -->`` before any key.
    """
    found: dict[str, dict[str, str]] = {}
    starts = [m.start() for m in _CELL.finditer(source)] + [len(source)]
    for begin, end in zip(starts, starts[1:], strict=False):
        header, *body = source[begin:end].rstrip("\n").split("\n")
        if not _TEXT_CELL.match(header):
            continue
        key: str | None = None
        lang = "it"
        for line in _cell_lines(body):
            marker = _MARKER.match(line.strip())
            if marker:
                if marker.group(1) == "en":
                    if key is None:
                        raise ValueError(f"{name}: <!-- en --> before any <!-- key --> line")
                    lang = "en"
                else:
                    key, lang = marker.group(1), "it"
                    if key in found:
                        raise ValueError(f"{name}: text {key!r} is defined twice")
                    found[key] = {"it": "", "en": ""}
                continue
            if key is None:
                if line.strip():
                    raise ValueError(f"{name}: text cell line {line!r} comes before any "
                                     "<!-- key --> line")
                continue
            found[key][lang] += line + "\n"
    return {k: {lang: v.strip() + "\n" for lang, v in entry.items() if v.strip()}
            for k, entry in found.items()}


def _notebook_sources(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.py"), *folder.glob("*/*.py")])


def _catalogue() -> dict[str, dict[str, str]]:
    """Every text: the YAML files and the text cells of the project's notebooks."""
    root = os.environ.get("WELFARE_ROOT")
    # the project's root is resolved once per root (a company report looks up about 150
    # texts: resolving the paths each time was a tenth of a second a report)
    return _merged(_notebooks_of(root, None if root else os.getcwd()))


@cache
def _notebooks_of(root: str | None, cwd: str | None) -> Path:
    """The notebooks folder of the project at ``WELFARE_ROOT`` (``root``), or of the default
    root seen from ``cwd``."""
    return get_paths().notebooks


@cache
def _merged(notebooks: Path) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    sources: list[tuple[Path, dict[str, dict[str, str]]]] = [
        # libyaml's safe loader when built (15 times faster: every run reads the catalogue)
        (path, yaml.load(path.read_text(encoding="utf-8"),
                         Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {})
        for path in sorted(TEXTS_DIR.glob("*texts*.yaml"))]
    sources += [(path, notebook_texts(path.read_text(encoding="utf-8"), path.name))
                for path in _notebook_sources(notebooks)]
    for path, entries in sources:
        for key, entry in entries.items():
            if key in merged:
                raise ValueError(f"text {key!r} is defined twice ({path.name})")
            merged[key] = entry
    return merged


class _Agreeing(string.Formatter):
    """``str.format`` whose specs make articles and nouns agree with a figure."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec:
            return plural(value, format_spec)
        if format_spec.lower() in ARTICLES:
            if self.lang != "it":
                raise ValueError(f"article spec {{:{format_spec}}} in a {self.lang} text: "
                                 "articles agree with figures in Italian only")
            return article(value, format_spec)
        return super().format_field(value, format_spec)


def fill(template: str, lang: str = "it", **values: Any) -> str:
    """``template`` with ``values`` filled in, agreement specs applied (see the module doc)."""
    return _Agreeing(lang).format(template, **values)


def has_text(key: str) -> bool:
    """Whether the catalogue defines ``key``."""
    return key in _catalogue()


def text(key: str, lang: str = "it", **values: Any) -> str:
    """The text ``key`` in ``lang``, with ``values`` filled in."""
    try:
        entry = _catalogue()[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in pipeline/i18n/texts/*texts*.yaml or in the "
                       "notebooks' text cells") from None
    return fill(entry[lang], lang, **values).strip()


def say(key: str, lang: str = "it", **values: Any) -> None:
    """Display the text ``key`` as Markdown in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown(text(key, lang, **values)))
