"""What the suites need beyond a table's own columns: ``ctx_*`` columns and ``$PARAMETER`` values.

A single-table suite cannot see another table, another wave or the reference data. The gate
therefore validates a shallow copy of each table with a few computed ``ctx_*`` columns, and
passes the value sets of cross-table checks as great-expectations suite parameters. Nothing
here imports great_expectations.

``ctx_*`` columns
-----------------
companies
    ``ctx_respondents``: rows of worker_survey with the company's id (0 for none).
    ``ctx_prev_ateco_section``, ``ctx_prev_n_employees``: the same company_id's values in the
    previous wave (missing when there is no previous wave or the company is new);
    ``ctx_headcount_ratio``: n_employees / ctx_prev_n_employees.
worker_survey
    ``ctx_answers_key``: a 64-bit fingerprint of the row's required answers (every required
    column but ``resp_id``): two questionnaires with the same key repeat the same answers.
    great-expectations' compound-uniqueness check on those 44 columns gives the same outcome
    but takes 3 s on a million rows (it hashes text columns); the fingerprint takes 0.3 s.
any table with a ``dont_know`` column ``<c>``
    ``ctx_answered_<c>``: true where ``<c>`` has a value or was answered "don't know",
    missing otherwise (completeness counts "don't know" as an answer).

Suite parameters
----------------
``companies__company_id``, ``company_survey__company_id``: the ids of those tables;
``companies__company_id__in_network``: ids of companies with ``in_network`` true;
``istat_municipalities``: the ISTAT codes of ``Paths.municipalities_csv`` plus every observed
code of a province the list does not cover whose province part is an existing ISTAT
province code (001-111): those cannot be checked here; ``now``: the validation time.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.codebook import Codebook

#: ISTAT province codes run from 001 to 111 (with gaps of abolished provinces).
PROVINCE_CODES = range(1, 112)


@cache
def _read_municipalities(path: Path, mtime_ns: int) -> frozenset[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return frozenset(row["com_istat_code"].strip().zfill(6) for row in csv.DictReader(f))


def reference_municipalities(path: Path) -> frozenset[str]:
    """ISTAT codes of the reference list (``com_istat_code`` column), cached per file state."""
    from pipeline.errors import PipelineError

    if not path.exists():
        raise PipelineError(f"{path}: reference list of municipalities not found "
                            "(set WELFARE_REFERENCE_DIR)")
    return _read_municipalities(path, path.stat().st_mtime_ns)


def municipality_value_set(tables: dict[str, pd.DataFrame], codebook: Codebook,
                           reference: frozenset[str]) -> list[str]:
    """Codes accepted by the ``istat`` checks (see the module docstring)."""
    covered = {code[:3] for code in reference}
    observed: set[str] = set()
    for name, df in tables.items():
        spec = codebook.tables.get(name)
        if spec is None:
            continue
        for col in spec.columns.values():
            if col.type == "municipality" and col.name in df.columns:
                observed.update(str(v) for v in df[col.name].dropna().unique())
    other = {c for c in observed
             if len(c) == 6 and c.isdigit() and c[:3] not in covered
             and int(c[:3]) in PROVINCE_CODES}
    return sorted(reference | other)


def _ids(df: pd.DataFrame | None, column: str = "company_id") -> list[Any]:
    if df is None or column not in df.columns:
        return []
    return df[column].dropna().unique().tolist()


def suite_parameters(tables: dict[str, pd.DataFrame], codebook: Codebook,
                     reference: frozenset[str], now: dt.datetime) -> dict[str, Any]:
    """The ``$PARAMETER`` values of every suite."""
    companies = tables.get("companies")
    in_network: list[Any] = []
    if companies is not None and {"company_id", "in_network"} <= set(companies.columns):
        mask = companies["in_network"].astype("boolean").fillna(False).astype(bool)
        in_network = companies.loc[mask, "company_id"].dropna().unique().tolist()
    return {
        "companies__company_id": _ids(companies),
        "company_survey__company_id": _ids(tables.get("company_survey")),
        "companies__company_id__in_network": in_network,
        "istat_municipalities": municipality_value_set(tables, codebook, reference),
        "now": pd.Timestamp(now),
    }


def answers_key(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """A 64-bit fingerprint per row of ``columns`` (missing values included as such).

    Each column is factorized (codes from 1, missing 0), its codes hashed
    (``pandas.util.hash_array``) and mixed into the key FNV-style. Two rows with the same
    values have the same key; different rows collide with probability about 2**-64.
    """
    key = np.zeros(len(frame), dtype=np.uint64)
    prime = np.uint64(0x100000001B3)
    with np.errstate(over="ignore"):
        for c in columns:
            if c not in frame.columns:
                continue
            codes = pd.factorize(frame[c], use_na_sentinel=True)[0].astype(np.int64) + 1
            key = (key ^ pd.util.hash_array(codes.astype(np.uint64))) * prime
    return pd.Series(key, index=frame.index, name="ctx_answers_key")


def _previous_companies(previous: dict[str, pd.DataFrame] | None) -> pd.DataFrame | None:
    if previous is None:
        return None
    prev = previous.get("companies")
    if prev is None or "company_id" not in prev.columns:
        return None
    prev = prev.dropna(subset=["company_id"]).drop_duplicates("company_id")
    return prev.set_index("company_id")


def validation_frame(name: str, df: pd.DataFrame, tables: dict[str, pd.DataFrame],
                     codebook: Codebook,
                     previous: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """A shallow copy of table ``name`` with its ``ctx_*`` columns (the data is not copied)."""
    frame = df.copy(deep=False)
    spec = codebook.tables.get(name)
    if spec is not None:
        for col in spec.columns.values():
            if col.dont_know and col.name in frame.columns:
                answered = frame[col.name].notna()
                dk = f"{col.name}_dk"
                if dk in frame.columns:
                    answered |= frame[dk].astype("boolean").fillna(False).astype(bool)
                flags = answered.astype("boolean")
                frame[f"ctx_answered_{col.name}"] = flags.mask(~answered)
    if name == "worker_survey":
        from pipeline.validate.suites import duplicate_answer_columns

        frame["ctx_answers_key"] = answers_key(frame, duplicate_answer_columns(codebook))
    if name == "companies" and "company_id" in frame.columns:
        ids = frame["company_id"]
        workers = tables.get("worker_survey")
        if workers is not None and "company_id" in workers.columns:
            counts = workers["company_id"].value_counts()
            frame["ctx_respondents"] = ids.map(counts).fillna(0).astype("Int64")
        else:
            frame["ctx_respondents"] = pd.array([pd.NA] * len(frame), dtype="Int64")
        prev = _previous_companies(previous)
        for column in ("ateco_section", "n_employees"):
            target = f"ctx_prev_{column}"
            if prev is not None and column in prev.columns:
                frame[target] = ids.map(prev[column])
            else:
                frame[target] = pd.Series(pd.NA, index=frame.index, dtype=(
                    "str" if column == "ateco_section" else "Int64"))
        if "n_employees" in frame.columns:
            cur = frame["n_employees"].astype("float64")
            before = frame["ctx_prev_n_employees"].astype("float64")
            frame["ctx_headcount_ratio"] = cur / before.where(before > 0)
        else:
            frame["ctx_headcount_ratio"] = float("nan")
    return frame
