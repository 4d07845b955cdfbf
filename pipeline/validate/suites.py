"""The great-expectations suites of ``expectations/``, generated from the codebook.

:func:`build_suites` turns the codebook (:func:`pipeline.codebook.load_codebook`) into one
suite per table of the data contract, as plain dictionaries in great-expectations 1.x's own
suite format (``name``, ``expectations`` with ``type``, ``kwargs``, ``meta`` and ``severity``,
suite ``meta`` and ``notes``). :func:`write_suites` writes them as ``expectations/<table>.json``
and ``tests/validate/test_validate.py`` checks that the files on disk equal what the codebook
gives (:func:`stale_suites`), so the two cannot drift: after editing the codebook run
``python -m pipeline.validate``.

What each column of the codebook gets, the plausibility and cross-table checks and their
thresholds are the rules of :mod:`pipeline.validate.rules`; the few of its names other
modules import from here (``GX_TYPES``, ``REFERENCE_NOUNS``...) are re-exported.

Nothing here imports great_expectations: building and writing suites is instant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pipeline.codebook import Codebook, load_codebook
from pipeline.config import SUITES_DIR
from pipeline.validate.rules import (
    COMPLETE_CRITICAL,
    COMPLETE_WARNING,
    GX_TYPES,
    REFERENCE_NOUNS,
    column_expectations,
    duplicate_answer_columns,
    expectation,
    extra_expectations,
)

__all__ = [
    "COMPLETE_CRITICAL",
    "COMPLETE_WARNING",
    "GX_TYPES",
    "REFERENCE_NOUNS",
    "SUITES_DIR",
    "build_suite",
    "build_suites",
    "duplicate_answer_columns",
    "main",
    "stale_suites",
    "suite_json",
    "write_suites",
]


def build_suite(codebook: Codebook, table: str) -> dict[str, Any]:
    """The suite of one table, as great-expectations 1.x suite JSON (a dict)."""
    spec = codebook.tables[table]
    expectations = [expectation(
        "expect_table_row_count_to_be_between", {"min_value": 1}, table=table, kind="rows",
        column=None, it="La tabella ha almeno una riga", en="The table has at least one row")]
    for col in spec.columns.values():
        expectations.extend(column_expectations(col, spec.key))
    expectations.extend(extra_expectations(codebook, table))
    names = [e["meta"]["check"] for e in expectations]
    if len(set(names)) != len(names):  # pragma: no cover - a bug of this module
        raise ValueError(f"duplicate check names in the suite of {table}")
    return {
        "name": table,
        "expectations": expectations,
        "meta": {
            "table": table,
            "label": {"it": spec.label_it, "en": spec.label_en},
            "generated_by": "pipeline.validate.suites.build_suites",
            "codebook": "pipeline/codebook/codebook.yaml",
        },
        "notes": ("Generated from the codebook: do not edit by hand, run "
                  "`python -m pipeline.validate` (tests/validate/test_validate.py checks that "
                  "this file matches the codebook). Columns ctx_* and $PARAMETER values are "
                  "supplied by pipeline.validate at validation time (expectations/README.md)."),
    }


def build_suites(codebook: Codebook | None = None) -> dict[str, dict[str, Any]]:
    """``{table: suite}`` for every table of the codebook, in codebook order."""
    codebook = codebook or load_codebook()
    return {name: build_suite(codebook, name) for name in codebook.tables}


def suite_json(suite: dict[str, Any]) -> str:
    """The file text of a suite: stable key order, 2-space indent, UTF-8, final newline."""
    return json.dumps(suite, indent=2, ensure_ascii=False) + "\n"


def write_suites(directory: Path = SUITES_DIR, codebook: Codebook | None = None) -> list[Path]:
    """Write ``<directory>/<table>.json`` for every table; return the paths written."""
    from pipeline.atomic import write_text_atomic

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, suite in build_suites(codebook).items():
        path = directory / f"{name}.json"
        write_text_atomic(path, suite_json(suite))
        written.append(path)
    return written


def stale_suites(directory: Path = SUITES_DIR, codebook: Codebook | None = None) -> list[str]:
    """Tables whose suite file is missing or differs from what the codebook gives."""
    stale = []
    for name, suite in build_suites(codebook).items():
        path = directory / f"{name}.json"
        if not path.exists() or path.read_text(encoding="utf-8") != suite_json(suite):
            stale.append(name)
    return stale


def main(argv: list[str] | None = None) -> int:
    """``python -m pipeline.validate [--check] [folder]``: write or check the suites."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    rest = [a for a in args if a != "--check"]
    directory = Path(rest[0]) if rest else SUITES_DIR
    if check:
        stale = stale_suites(directory)
        for name in stale:
            print(f"{directory / name}.json differs from the codebook")
        return 1 if stale else 0
    for path in write_suites(directory):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
