"""The attacker's audit of a built site: can any withheld cell be deduced?

For every published table with margins (:data:`~pipeline.analyse.disclosure.structures.
SPECS`), read as anyone reads it (the CSV of the site's ``tables/``, withheld cells
missing or ``n.d.``), the audit solves for each withheld cell the smallest and largest
value consistent with everything the table publishes and with the wave totals the index
prints (:func:`~pipeline.analyse.disclosure.linear.intervals`), and reports a cell an
attacker can confine to an interval narrower than the protection range while it may hold a
small count (:func:`~pipeline.analyse.disclosure.linear.too_narrow`). Tables share no cells
with each other but through the wave totals, which enter every table's system; the same
deterministic rule protects a margin the same way wherever it appears.

``welfare run`` audits a wave before its site replaces the last good one; ``welfare
publish`` audits again before copying; the tests audit both demo waves.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from pipeline.analyse.disclosure.linear import intervals, too_narrow
from pipeline.analyse.disclosure.scan import Finding
from pipeline.analyse.disclosure.structures import SPECS, build_system


def audit_table(name: str, table: pd.DataFrame, *, min_cell: int,
                totals: Mapping[str, float] | None = None,
                protection: float | None = None) -> pd.DataFrame:
    """The withheld cells of one published table an attacker narrows too much.

    Parameters
    ----------
    name
        The table's name (:data:`SPECS`).
    table
        The table as published (withheld cells missing).
    totals
        The wave totals the reports print (:func:`~pipeline.analyse.disclosure.
        structures.wave_totals`).
    protection
        Required width of a withheld cell's interval (default ``min_cell``).

    Returns
    -------
    pandas.DataFrame
        One row per exposed cell: ``cell`` (its key), ``row`` (1-based line of the CSV,
        header = 1; empty for a residual: rows the table does not show), ``low``, ``high``.
    """
    spec = SPECS.get(name)
    columns = ["cell", "row", "low", "high"]
    if spec is None or spec.count not in table.columns:
        return pd.DataFrame(columns=columns)
    system, keys = build_system(table, spec, totals=totals, true_values=False)
    bounds = intervals(system)
    exposed = too_narrow(bounds, system, min_cell=min_cell,
                         protection=float(protection or min_cell))
    rows = []
    for cell in exposed:
        where = keys.index[keys == cell]
        line = int(table.index.get_loc(where[0])) + 2 if len(where) else None
        rows.append({"cell": cell, "row": line, "low": bounds.at[cell, "low"],
                     "high": bounds.at[cell, "high"]})
    return pd.DataFrame(rows, columns=columns)


def audit_tables(tables_dir: Path, *, min_cell: int,
                 totals: Mapping[str, float] | None = None,
                 protection: float | None = None) -> list[Finding]:
    """Audit every published table of a site's ``tables/`` folder (see :func:`audit_table`).

    Returns
    -------
    list of Finding
        ``recoverable cell`` findings, one per exposed cell, naming the file, the line and
        the interval an attacker deduces.
    """
    from pipeline.analyse.published import read_table  # published imports this package

    findings = []
    for path in sorted(Path(tables_dir).glob("*.csv")):
        if path.stem not in SPECS:
            continue
        table = read_table(path)
        spec = SPECS[path.stem]
        for hit in audit_table(path.stem, table, min_cell=min_cell, totals=totals,
                               protection=protection).itertuples():
            what = (f"row {int(hit.row)} ({_describe(table, spec, int(hit.row))})"
                    if pd.notna(hit.row) else f"rows the table does not show ({hit.cell.split('|', 1)[1] or 'whole table'})")
            findings.append(Finding(
                path, "recoverable cell",
                f"{what}: column {spec.count} lies in {_fmt(hit.low)}-{_fmt(hit.high)}, "
                f"narrower than the protection range of {protection or min_cell}"))
    return findings


def _describe(table: pd.DataFrame, spec, line: int) -> str:
    row = table.iloc[line - 2]
    return ", ".join(f"{c}={row[c]}" for c in spec.key if c in table.columns)


def _fmt(value: float) -> str:
    return "inf" if value == float("inf") else f"{value:g}"


__all__ = ["audit_table", "audit_tables"]
