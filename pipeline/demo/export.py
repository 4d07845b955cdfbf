"""Writing a demo wave: the raw files in the formats researchers hand over.

CSV files in their encodings, separators and line ends, the XLSX workbook with fixed
timestamps (byte-identical files), ``columns.yaml`` and ``wave.yaml``, moved into place all
or nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from pipeline.atomic import staged_folder
from pipeline.demo.frames import EXPORT_RENAMES
from pipeline.demo.labels import check_args, wave_metadata
from pipeline.demo.outcomes import outcome_model
from pipeline.demo.params import DemoDataError
from pipeline.demo.tables import build_demo_tables

#: Timestamp written into the XLSX workbook properties and its zip entries.
FIXED_TIMESTAMP = dt.datetime(2013, 1, 1, 0, 0, 0)
#: Files of a demo wave, in the order they are written.
FILES = ("companies.csv", "company_survey.xlsx", "worker_survey.csv", "local_services.csv",
         "network_activity.csv", "columns.yaml", "wave.yaml")


def _columns_yaml() -> str:
    """``columns.yaml``: the export headers mapped back to canonical names."""
    lines = ["# Export headers of the survey tool -> canonical column names (DATA_CONTRACT.md).",
             "# Headers not named here are matched ignoring case and stray spaces."]
    for table, renames in EXPORT_RENAMES.items():
        lines.append(f"{table}:")
        lines += [f'  "{header}": {column}' for column, header in renames.items()]
    return "\n".join(lines) + "\n"


def _wave_yaml(meta: dict[str, object], placebo: bool = False) -> str:
    """``wave.yaml``: a comment saying the wave is synthetic (and a placebo), then ``meta``."""
    head = ("# Synthetic demo wave written by `welfare demo-data` (pipeline/demo/).\n"
            "# Not real data: every output built from it is marked as synthetic.\n")
    if placebo:
        head += ("# PLACEBO wave (--no-effects): company measures have no effect on worker "
                 "outcomes.\n")
    return head + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=88)


def _deterministic_zip(data: bytes) -> bytes:
    """Re-pack a zip with fixed entry timestamps and attributes (openpyxl uses the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _xlsx_bytes(df: pd.DataFrame, sheet: str) -> bytes:
    """``df`` as the only sheet of an XLSX workbook, byte-identical from run to run."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(df.columns))
    columns = []
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_float_dtype(s):
            vals = [None if np.isnan(v) else (int(v) if float(v).is_integer() else float(v))
                    for v in s.to_numpy(float)]
        elif pd.api.types.is_integer_dtype(s):
            vals = [None if v is pd.NA else int(v) for v in s.astype("Int64").tolist()]
        else:
            vals = [None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
                    else str(v) for v in s.astype(object).tolist()]
        columns.append(vals)
    for row in zip(*columns, strict=True):
        ws.append(row)
    wb.properties.creator = "welfare-pipeline demo"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    wb.properties.lastModifiedBy = "welfare-pipeline demo"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return _deterministic_zip(buf.getvalue())


def _csv_text(df: pd.DataFrame, sep: str, line_end: str, decimal: str = ".") -> str:
    """``df`` as CSV text without the index."""
    return df.to_csv(index=False, sep=sep, lineterminator=line_end, decimal=decimal)


def _check_empty(dest: Path) -> None:
    """Refuse a destination that is a file or a folder holding anything."""
    if not dest.exists():
        return
    if not dest.is_dir():
        raise DemoDataError(f"{dest} exists and is not a folder: demo data not written")
    content = sorted(p.name for p in dest.iterdir())
    if content:
        raise DemoDataError(
            f"{dest} already holds raw data ({', '.join(content[:3])}"
            f"{', ...' if len(content) > 3 else ''}): demo data never overwrites a wave; "
            "remove the folder or choose another label")


def write_demo_wave(wave: str, dest: Path, *, seed: int = 2013, n_companies: int = 400,
                    n_workers: int = 1500, n_surveyed: int = 30, phase: int | None = None,
                    reference_csv: Path | None = None, no_effects: bool = False,
                    icc: float | None = None) -> list[Path]:
    """Write the raw files of a synthetic demo wave into ``dest`` and return their paths.

    Parameters
    ----------
    wave
        Wave label (``demo-2013``). ``phase`` defaults to its final year minus 2013.
    dest
        Folder to create (usually ``data/raw/<wave>``): it must not exist or be empty.
        The files are built beside it and moved in at the end, all or nothing.
    seed
        Random seed; the same seed and arguments give byte-identical files.
    n_companies
        Companies of the territorial mapping (``companies.csv``).
    n_workers
        Worker questionnaires, spread over the surveyed companies (at least 8 each, never
        more than a company's headcount).
    n_surveyed
        Network companies answering the company questionnaire at baseline; each follow-up
        phase adds 20 %.
    phase
        0 baseline, 1 first follow-up, ... (at most 10).
    reference_csv
        The ISTAT municipalities (default: ``get_paths().municipalities_csv``).
    no_effects
        Write a placebo wave: same files, territory, adoption and needs as the normal wave of
        the same seed and sizes, but no company measure (active, or introduced since the
        previous wave) affects any worker outcome, while workers of a company share a
        company effect on every outcome (:func:`pipeline.demo.outcome_model`). ``wave.yaml``
        says so.
    icc
        Intra-company correlation of the outcomes of a placebo wave on the latent scale
        (default 0.2; :func:`pipeline.demo.placebo_company_sd` says exactly what it means).
        Only with ``no_effects``.

    Returns
    -------
    list of Path
        The files written, in the order of :data:`FILES`.

    Raises
    ------
    DemoDataError
        Bad arguments, or ``dest`` already holds files (raw data is never overwritten).
    """
    dest = Path(dest)
    phase = check_args(wave, seed, n_companies, n_workers, n_surveyed, phase)
    outcome_model(no_effects, icc)
    _check_empty(dest)
    tables = build_demo_tables(wave, seed=seed, n_companies=n_companies, n_workers=n_workers,
                               n_surveyed=n_surveyed, phase=phase,
                               reference_csv=reference_csv, messy=True,
                               no_effects=no_effects, icc=icc)
    meta = wave_metadata(wave, phase, seed=seed, n_companies=n_companies,
                         n_workers=n_workers, n_surveyed=n_surveyed, no_effects=no_effects,
                         icc=icc)
    services = tables["local_services"].copy()
    services["monthly_fee_eur"] = services["monthly_fee_eur"].map(
        lambda v: f"{v:.2f}".replace(".", ","))
    contents: dict[str, bytes] = {
        "companies.csv": ("\ufeff" + _csv_text(tables["companies"], ",", "\n")).encode("utf-8"),
        "company_survey.xlsx": _xlsx_bytes(tables["company_survey"], "Questionario imprese"),
        "worker_survey.csv": _csv_text(tables["worker_survey"], ";", "\r\n").encode("cp1252"),
        "local_services.csv": _csv_text(services, ";", "\n").encode("utf-8"),
        "network_activity.csv": _csv_text(tables["network_activity"], ",", "\n").encode(
            "utf-8"),
        "columns.yaml": _columns_yaml().encode("utf-8"),
        "wave.yaml": _wave_yaml(meta, placebo=no_effects).encode("utf-8"),
    }
    with staged_folder(dest) as stage:
        for name in FILES:
            (stage / name).write_bytes(contents[name])
    return [dest / name for name in FILES]
