"""Coding free-text answers into themes with a keyword dictionary; counts only.

The dictionary (``pipeline/analyse/analysis/themes.yaml``) is the researchers' to edit. Texts are matched
after lower-casing and removing accents; a keyword matches at the start of a word.
The output never carries the texts themselves.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from pipeline.config import THEMES_PATH


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def load_themes(path: Path = THEMES_PATH) -> dict[str, dict]:
    """The theme dictionary: ``{theme: {"label": {"it", "en"}, "keywords": [...]}}``."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def code_themes(texts: pd.Series, themes: dict[str, dict] | None = None) -> pd.DataFrame:
    """Which themes each text mentions.

    Parameters
    ----------
    texts
        Free-text answers (missing values allowed).
    themes
        The dictionary (default: :func:`load_themes`).

    Returns
    -------
    pandas.DataFrame
        One boolean column per theme, indexed like ``texts``; all false for missing texts.
    """
    themes = themes or load_themes()
    folded = texts.fillna("").astype(str).map(_fold)
    out = {}
    for theme, spec in themes.items():
        pattern = r"\b(?:" + "|".join(re.escape(_fold(k)) for k in spec["keywords"]) + ")"
        out[theme] = folded.str.contains(pattern, regex=True)
    return pd.DataFrame(out, index=texts.index)


def theme_counts(texts: pd.Series, *, lang: str = "it", min_cell: int = 5,
                 themes: dict[str, dict] | None = None) -> pd.DataFrame:
    """Number of answers mentioning each theme; counts below ``min_cell`` are suppressed.

    Returns
    -------
    pandas.DataFrame
        ``theme``, ``label``, ``n`` (answers, Int64, NA when suppressed), ``share`` (of the
        non-empty answers) and ``n_answers`` (non-empty answers in all), most frequent first.
    """
    themes = themes or load_themes()
    answered = texts.fillna("").astype(str).str.strip() != ""
    coded = code_themes(texts[answered], themes)
    n_answers = int(answered.sum())
    counts = coded.sum().astype("Int64")
    table = pd.DataFrame({
        "theme": counts.index,
        "label": [themes[t]["label"][lang] for t in counts.index],
        "n": counts.to_numpy(),
    })
    table["share"] = (table["n"].astype("float64") / n_answers) if n_answers else float("nan")
    small = table["n"] < min_cell
    table.loc[small, ["n", "share"]] = pd.NA
    table["n_answers"] = n_answers
    return table.sort_values("n", ascending=False, na_position="last", kind="stable").reset_index(
        drop=True)
