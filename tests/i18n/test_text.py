"""The prose catalogue: every entry in both languages, placeholders the same in both."""

from __future__ import annotations

import string

import pytest

from pipeline.i18n.text import _catalogue, notebook_texts, text


def _fields(s: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def test_every_text_has_italian_and_english_with_the_same_placeholders():
    for key, entry in _catalogue().items():
        assert set(entry) == {"it", "en"}, key
        assert _fields(entry["it"]) == _fields(entry["en"]), key


def test_text_fills_placeholders_and_names_missing_keys():
    assert text("context.sector_note", "en", min_cell=5).endswith('grouped as "Other sectors".')
    with pytest.raises(KeyError, match="no text 'nope'"):
        text("nope")


NOTEBOOK = '''# %%
x = 1

# %% [markdown] tags=["text"]
# <!-- demo.intro -->
# Le **{n}** imprese.
#
# Seconda riga.
#
# <!-- en -->
# The **{n}** companies.
#
# <!-- demo.other -->
# Solo italiano.

# %% [markdown]
# <!-- not.a.text -->
# An ordinary Markdown cell is not read.
'''


def test_notebook_text_cells_give_keys_in_both_languages():
    texts = notebook_texts(NOTEBOOK, "demo.py")
    assert texts["demo.intro"] == {"it": "Le **{n}** imprese.\n\nSeconda riga.\n",
                                   "en": "The **{n}** companies.\n"}
    assert texts["demo.other"] == {"it": "Solo italiano.\n"}  # the catalogue test fails on it
    assert "not.a.text" not in texts


@pytest.mark.parametrize("source, message", [
    ('# %% [markdown] tags=["text"]\n# Testo senza chiave\n', "before any <!-- key -->"),
    ('# %% [markdown] tags=["text"]\n# <!-- en -->\n# Text\n', "before any <!-- key -->"),
    ('# %% [markdown] tags=["text"]\n# <!-- a.b -->\n# x\n# <!-- a.b -->\n# y\n',
     "defined twice"),
])
def test_malformed_text_cells_are_refused(source, message):
    with pytest.raises(ValueError, match=message):
        notebook_texts(source, "demo.py")


def test_the_notebooks_texts_are_in_the_catalogue():
    from pipeline.config import get_paths

    folder = get_paths().notebooks
    keys = {key for path in sorted(folder.glob("*.py")) for key in
            notebook_texts(path.read_text(encoding="utf-8"), path.name)}
    assert keys <= set(_catalogue())
