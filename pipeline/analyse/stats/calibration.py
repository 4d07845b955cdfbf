"""The measured size of the published tests: the calibration study's table.

``benchmarks/bench_calibration.py`` simulates waves like the project's (20-40 surveyed
companies, 3-15 of them on one side of a comparison, an intra-company correlation of
0.05-0.3, the pipeline's weights), with no true effect, runs the very functions the reports
call and records, for every test family and cell of that grid, how often the test rejects
at nominal 5 %. It writes ``pipeline/analyse/stats/calibration.csv``, package data read here: the
methods page of each wave states the measured size from it, so a new run of the study
changes the page without a change of code.

Unlike the rest of :mod:`pipeline.analyse.stats`, :func:`load_calibration` reads a file; the
summary (:func:`calibration_summary`) is a pure function of the table.

Columns of the table (one row per family and cell): ``family``, ``companies``,
``on_one_side`` (companies on one side of the comparison; empty for the changes between
waves), ``icc`` (intra-company correlation of the simulated answers), ``effect_sd`` (0
for the size rows; the rows whose family ends in " power" have a true effect),
``draws`` (simulated waves), ``rejection_rate`` (share of draws with p < 0.05),
``mc_se`` (its Monte Carlo standard error) and ``seconds``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.config import CALIBRATION_PATH

__all__ = [
    "CALIBRATION_COLUMNS",
    "CALIBRATION_PATH",
    "COMPARISON_FAMILIES",
    "POWER_SUFFIX",
    "PUBLISHED_FAMILIES",
    "calibration_summary",
    "load_calibration",
]

#: The package's copy of the study's table (replaced by each full run of the study).
#: Columns the table must have.
CALIBRATION_COLUMNS = ("family", "companies", "on_one_side", "icc", "effect_sd", "draws",
                       "rejection_rate", "mc_se", "seconds")
#: Test families the reports publish, in the order the methods page lists them.
PUBLISHED_FAMILIES = ("measure_score", "measure_yesno", "did", "change_common",
                      "change_all", "company_change", "company_paired")
#: Methods simulated for comparison only: the reports' former test (CR1 standard errors
#: with companies - 1 degrees of freedom) and CR2 with Bell-McCaffrey degrees of freedom.
COMPARISON_FAMILIES = ("old_cr1", "cr2_bm")
#: Suffix of the families of the power rows (a true effect of ``effect_sd``).
POWER_SUFFIX = " power"

_NUMERIC = ("companies", "on_one_side", "icc", "effect_sd", "draws", "rejection_rate",
            "mc_se", "seconds")

SUMMARY_COLUMNS = ["family", "cells", "rate_min", "rate_max", "mc_se_max", "draws_min",
                   "draws_max", "companies_min", "companies_max", "on_one_side_min",
                   "on_one_side_max", "icc_min", "icc_max"]


def load_calibration(path: str | Path | None = None) -> pd.DataFrame:
    """Read the calibration study's table.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The CSV file; default :data:`CALIBRATION_PATH` (the package's copy).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`CALIBRATION_COLUMNS` in that order (any other column is
        dropped): ``family`` as str, the others as float64 (``on_one_side`` NaN where
        the family has no sides).

    Raises
    ------
    FileNotFoundError
        If the file does not exist (the study has not been run).
    ValueError
        If a column is missing or a value is not a number.
    """
    path = Path(path) if path is not None else CALIBRATION_PATH
    table = pd.read_csv(path, keep_default_na=False, na_values=["", "NA", "NaN", "nan"])
    missing = [c for c in CALIBRATION_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{path.name}: missing columns {missing}")
    out = table[list(CALIBRATION_COLUMNS)].copy()
    out["family"] = out["family"].astype("str").str.strip()
    for col in _NUMERIC:
        try:
            out[col] = pd.to_numeric(out[col]).astype("float64")
        except (TypeError, ValueError) as err:
            raise ValueError(f"{path.name}: column {col!r} has a value that is not a "
                             "number") from err
    return out


def calibration_summary(table: pd.DataFrame) -> pd.DataFrame:
    """The range of the measured size of each test family over the study's grid.

    Only the size rows (families not ending in :data:`POWER_SUFFIX`) with a rejection
    rate count.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`load_calibration`.

    Returns
    -------
    pandas.DataFrame
        One row per family, in the order of :data:`PUBLISHED_FAMILIES`, then
        :data:`COMPARISON_FAMILIES`, then any other family alphabetically: ``family``,
        ``cells`` (cells of the grid), ``rate_min``/``rate_max`` (lowest and highest
        rejection rate at nominal 5 %, 0-1), ``mc_se_max`` (largest Monte Carlo
        standard error), ``draws_min``/``draws_max`` (simulated waves per cell),
        ``companies_min``/``companies_max``, ``on_one_side_min``/``on_one_side_max``
        (NaN for families without sides) and ``icc_min``/``icc_max``.
    """
    size = table[~table["family"].str.endswith(POWER_SUFFIX)
                 & table["rejection_rate"].notna()]
    known = [*PUBLISHED_FAMILIES, *COMPARISON_FAMILIES]
    families = [f for f in known if f in set(size["family"])]
    families += sorted(set(size["family"]) - set(known))
    rows = []
    for family in families:
        part = size[size["family"] == family]
        sides = part["on_one_side"].dropna()
        rows.append({
            "family": family, "cells": len(part),
            "rate_min": part["rejection_rate"].min(), "rate_max": part["rejection_rate"].max(),
            "mc_se_max": part["mc_se"].max(),
            "draws_min": part["draws"].min(), "draws_max": part["draws"].max(),
            "companies_min": part["companies"].min(), "companies_max": part["companies"].max(),
            "on_one_side_min": sides.min() if len(sides) else np.nan,
            "on_one_side_max": sides.max() if len(sides) else np.nan,
            "icc_min": part["icc"].min(), "icc_max": part["icc"].max(),
        })
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
