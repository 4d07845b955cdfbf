"""The prose catalogue: every entry in both languages, placeholders the same in both."""

from __future__ import annotations

import string

import pytest

from pipeline.i18n.text import _catalogue, text


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
