"""Small raw waves written by the tests themselves (import: ``from waves import ...``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.codebook import load_codebook

ASKED = load_codebook().measure_codes("asked_workers")


def minimal_tables(n_workers: int = 12) -> dict[str, pd.DataFrame]:
    """A tiny valid wave as text tables: 4 companies, 2 surveyed, ``n_workers`` workers."""
    companies = pd.DataFrame({
        "company_id": ["C01", "C02", "C03", "C04"],
        "name": ["Alfa S.r.l.", "Beta S.p.A.", "Gamma Coop", "Delta"],
        "ateco_section": ["C", "G", "Q", "C"],
        "n_employees": ["45", "300", "8", "120"],
        "share_women": ["0.35", "0.6", "0.9", "0.2"],
        "municipality": ["023091", "023044", "023001", "023091"],
        "in_network": ["1", "1", "0", "1"],
        "good_practice": ["0", "1", "", "0"],
    })
    survey = pd.DataFrame({
        "company_id": ["C01", "C02"],
        "respondent_role": ["hr", "owner"],
        "interest_network": ["3", "4"],
        "m_FLEX_HOURS": ["active_all", "none"],
        "m_SMART_WORKING": ["planned", "active_some"],
        "barriers": ["cost|size", ""],
        "welfare_budget_per_emp": ["250.5", "1000"],
    })
    rows = []
    for i in range(n_workers):
        row = {
            "resp_id": f"R{i:04d}",
            "company_id": "C01" if i % 2 else "C02",
            "gender": "F" if i % 3 else "M",
            "age_band": ["<25", "25-34", "35-44", "45-54", "55+"][i % 5],
            "n_children_u14": str(i % 3),
            "care_dependent_adult": "no" if i % 4 else "yes_household",
            "work_time": "full_time" if i % 5 else "part_time",
            "hours_usual_week": "37.5",
            "wlb_fit": str(1 + i % 4),
        }
        for k in range(1, 6):
            row[f"wfc_{k}"] = str(1 + (i + k) % 7)
        for m in ASKED:
            row[f"need_imp_{m}"] = str(1 + (i + len(m)) % 4)
            row[f"avail_{m}"] = "not_available"
        rows.append(row)
    workers = pd.DataFrame(rows)
    return {"companies": companies, "company_survey": survey, "worker_survey": workers}


def write_csv(df: pd.DataFrame, path: Path, *, sep: str = ",", encoding: str = "utf-8",
              decimal_comma: bool = False) -> Path:
    out = df.copy()
    if decimal_comma:
        out = out.apply(lambda s: s.str.replace(r"^(-?\d+)\.(\d+)$", r"\1,\2", regex=True))
    text = out.to_csv(sep=sep, index=False, lineterminator="\r\n")
    path.write_bytes(text.encode(encoding))
    return path


def write_wave(root: Path, wave: str = "w1", tables: dict[str, pd.DataFrame] | None = None,
               **csv_kwargs) -> Path:
    """Write ``tables`` (default: :func:`minimal_tables`) as CSV files of a raw wave."""
    raw = root / "data" / "raw" / wave
    raw.mkdir(parents=True, exist_ok=True)
    for name, df in (tables or minimal_tables()).items():
        write_csv(df, raw / f"{name}.csv", **csv_kwargs)
    return raw


def demo_copy(waves, wave: str = "demo-2013"):
    """A wave's tables as copies (copy-on-write: cheap until a test changes them)."""
    return {name: df.copy(deep=False) for name, df in waves[wave].items()}
