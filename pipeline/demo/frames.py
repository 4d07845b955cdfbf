"""Worker columns as DataFrames: clean and typed, or as the survey tool and Excel write them.

Also the export headers of the survey tool (``Q03``, ``D1``, odd case and stray spaces) that
``columns.yaml`` maps back to canonical names. The messy cells draw from their own stream
(``S_MESSY``), so the clean and the written tables hold the same answers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.demo.draws import choose_fixed
from pipeline.demo.workers import Cat, Column, Int, Num, Text

#: Export headers written instead of canonical names, and mapped back by columns.yaml.
EXPORT_RENAMES = {
    "worker_survey": {"gender": "Q03", "need_imp_NURSERY_SHARED": "Q12[SQ003]"},
    "company_survey": {"company_id": "D1"},
}
#: Headers written with another case or stray spaces (matched by ingestion as usual).
HEADER_VARIANTS = {"age_band": " Age_Band ", "work_time": "WORK_TIME",
                   "commute_min": "Commute_Min "}

#: Share of cells written as their Italian label instead of the code (worker CSV).
ITALIAN_LABEL_RATES = {"gender": 0.10, "work_time": 0.10, "care_dependent_adult": 0.06,
                       "contract_type": 0.05, "commute_mode": 0.05, "age_band": 0.03,
                       "wlb_fit": 0.03, "avail": 0.03, "need_imp": 0.02}
#: How a missing cell is written: empty, NA, n.d., - .
MISSING_TOKENS = ("", "NA", "n.d.", "-")
MISSING_TOKEN_P = (0.7, 0.1, 0.1, 0.1)


def clean_frame(columns: dict[str, Column]) -> pd.DataFrame:
    """The worker survey typed: categories, nullable integers, floats and strings.

    Parameters
    ----------
    columns
        The columns of :func:`pipeline.demo.workers.worker_columns`.

    Returns
    -------
    pandas.DataFrame
        Canonical names and codes, missing answers as NA.
    """
    data: dict[str, object] = {}
    for name, col in columns.items():
        if isinstance(col, Cat):
            data[name] = pd.Categorical.from_codes(col.idx, categories=list(col.codes))
        elif isinstance(col, Int):
            data[name] = pd.arrays.IntegerArray(col.values.astype(col.dtype.lower()),
                                                col.missing.copy())
        elif isinstance(col, Num):
            data[name] = col.values
        else:
            data[name] = pd.array(col.values, dtype="str")
    return pd.DataFrame(data)


def _missing_cells(rng: np.random.Generator, k: int) -> np.ndarray:
    return np.array(MISSING_TOKENS, dtype=object)[
        choose_fixed(rng, MISSING_TOKEN_P, k)] if k else np.empty(0, object)


def _num_cells(col: Num) -> tuple[np.ndarray, np.ndarray]:
    """Decimal numbers with a decimal comma; the missing mask."""
    vals = col.values
    missing = np.isnan(vals)
    uniq, inv = np.unique(np.where(missing, 0.0, vals), return_inverse=True)
    text = np.array([f"{v:g}".replace(".", ",") for v in uniq], dtype=object)
    return text[inv.reshape(-1)], missing


def _int_cells(col: Int, rng: np.random.Generator,
               p_label: float) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers, a share ``p_label`` of them as their label; the missing mask."""
    lo = int(col.values.min()) if len(col.values) else 0
    hi = int(col.values.max()) if len(col.values) else 0
    text = np.array([str(v) for v in range(lo, hi + 1)], dtype=object)
    cells = text[col.values.astype(np.int64) - lo]
    if col.labels and p_label:
        lab = np.array([col.labels.get(v, str(v)) for v in range(lo, hi + 1)], object)
        pick = rng.random(len(cells)) < p_label
        cells = np.where(pick, lab[col.values.astype(np.int64) - lo], cells)
    return cells, col.missing


def _cat_cells(col: Cat, rng: np.random.Generator, p_label: float,
               family: str) -> tuple[np.ndarray, np.ndarray]:
    """Codes, a share ``p_label`` of them as Italian labels (a quarter in lower case), and
    "don't know" of the need grid half as ``non so``; the missing mask."""
    missing = col.idx < 0
    idx = np.maximum(col.idx, 0)
    codes = np.array(list(col.codes) + [""], dtype=object)
    cells = codes[np.where(missing, len(col.codes), idx)]
    labels = col.labels
    if family == "need_imp":
        # "Don't know": half written as the code, half as the Italian words.
        dk = col.idx == len(col.codes) - 1
        cells = np.where(dk & (rng.random(len(cells)) < 0.5), "non so", cells)
        missing_or_dk = missing | dk
    else:
        missing_or_dk = missing
    if labels is not None and p_label:
        lab = np.array(list(labels) + [""], dtype=object)
        pick = (rng.random(len(cells)) < p_label) & ~missing_or_dk
        lower = rng.random(len(cells)) < 0.25
        lab_cells = lab[idx]
        lab_lower = np.array([s.lower() for s in labels] + [""], dtype=object)[idx]
        cells = np.where(pick, np.where(lower, lab_lower, lab_cells), cells)
    return cells, missing


def messy_frame(columns: dict[str, Column], rng: np.random.Generator) -> pd.DataFrame:
    """The worker survey as text cells, written the way Italian Excel and survey tools do.

    Parameters
    ----------
    columns
        The columns of :func:`pipeline.demo.workers.worker_columns`.
    rng
        The stream of the messy cells (``stream(seed, S_MESSY, phase)``).

    Returns
    -------
    pandas.DataFrame
        Text cells (object): decimal comma, some Italian labels, missing answers written as
        empty, ``NA``, ``n.d.`` or ``-`` (free text and lists: empty).
    """
    data: dict[str, np.ndarray] = {}
    for name, col in columns.items():
        family = ("need_imp" if name.startswith("need_imp_") else
                  "avail" if name.startswith("avail_") else name)
        p_label = ITALIAN_LABEL_RATES.get(family, 0.0)
        if isinstance(col, Text):
            data[name] = col.values
            continue
        if isinstance(col, Num):
            cells, missing = _num_cells(col)
        elif isinstance(col, Int):
            cells, missing = _int_cells(col, rng, p_label)
        else:
            cells, missing = _cat_cells(col, rng, p_label, family)
            if name in ("comments", "top3_needs"):
                # Free text and lists: an unanswered cell is simply empty.
                data[name] = np.where(missing, "", cells)
                continue
        cells = cells.copy()
        cells[missing] = _missing_cells(rng, int(missing.sum()))
        data[name] = cells
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in data.items()})


def export_headers(table: str, names: list[str]) -> list[str]:
    """The headers of ``table`` as the survey tool exports them (``EXPORT_RENAMES``, and for
    the worker survey ``HEADER_VARIANTS``)."""
    renames = EXPORT_RENAMES.get(table, {})
    variants = HEADER_VARIANTS if table == "worker_survey" else {}
    return [renames.get(c, variants.get(c, c)) for c in names]
