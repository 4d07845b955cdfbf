"""great-expectations, imported once per process and only when a wave is validated.

``import great_expectations`` costs about 5 s (STACK_NOTES.md), so this module is the only
place that imports it, inside :func:`engine` (without the IRI grammar jsonschema would build
on the way: :func:`_import_gx`), and keeps one ephemeral context (no ``gx/``
folder, nothing written to disk, no network) for the rest of the process. Suites are read
from their JSON files with :func:`load_suite`, which refuses a suite great-expectations
silently shrank (an expectation whose type or arguments it does not know is logged and
dropped, not refused).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.errors import PipelineError, display_path

#: Failing values and rows kept per check.
SAMPLE = 20
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE}
BASIC_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": SAMPLE}


class SuiteError(PipelineError):
    """A suite file that cannot be used as it is (bad JSON, dropped or unnamed expectations)."""


@dataclass
class Engine:
    """The great-expectations module, its ephemeral context and the loaded suites."""

    gx: Any
    context: Any
    datasource: Any
    version: str
    import_seconds: float
    batch_definitions: dict[str, Any] = field(default_factory=dict)
    suites: dict[tuple[str, int, int], Any] = field(default_factory=dict)

    def batch_definition(self, table: str) -> Any:
        if table not in self.batch_definitions:
            asset = self.datasource.add_dataframe_asset(name=table)
            self.batch_definitions[table] = asset.add_batch_definition_whole_dataframe(
                f"{table}_whole")
        return self.batch_definitions[table]


_ENGINE: Engine | None = None


#: A module jsonschema imports, when installed, to check the "iri" format: it compiles a
#: Lark grammar as it is imported (rfc3987-syntax, which jupyter-events' extra installs).
IRI_GRAMMAR_MODULE = "rfc3987_syntax"


def _import_gx() -> Any:
    """``import great_expectations``, without jsonschema's IRI grammar.

    great-expectations imports altair, which imports jsonschema, whose format checkers
    import :data:`IRI_GRAMMAR_MODULE` if they can: 1.2-1.9 s of the 3-5 s import, on the
    critical path of every run that ingests a wave, for a check ("format": "iri") that
    nothing in this process makes. The module is held off while great-expectations is
    imported, so jsonschema's checkers here have no "iri" format (such a value then passes
    unchecked, as with any format jsonschema has no checker for); a process that imported
    jsonschema before keeps its checker. Nothing else changes: the entry is taken back.
    """
    held = IRI_GRAMMAR_MODULE not in sys.modules
    if held:
        sys.modules[IRI_GRAMMAR_MODULE] = None  # type: ignore[assignment]
    try:
        import great_expectations as gx
    finally:
        if held and sys.modules.get(IRI_GRAMMAR_MODULE, False) is None:
            del sys.modules[IRI_GRAMMAR_MODULE]
    return gx


def engine() -> Engine:
    """The process's great-expectations engine (imported and built on first use)."""
    global _ENGINE
    if _ENGINE is None:
        started = time.perf_counter()
        gx = _import_gx()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        imported = time.perf_counter() - started
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False,
                                                             metric_calculations=False)
        datasource = context.data_sources.add_pandas(name="welfare")
        _ENGINE = Engine(gx=gx, context=context, datasource=datasource,
                         version=str(gx.__version__), import_seconds=imported)
    return _ENGINE


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage().strip()
        if record.exc_info and record.exc_info[1] is not None:
            exc = str(record.exc_info[1])
            if exc not in text:
                text = f"{text}: {exc}" if text else exc
        self.messages.append(text)


def read_suite_file(path: Path) -> dict[str, Any]:
    """The suite JSON as a dict, with the structure the gate relies on checked."""
    where = display_path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SuiteError(f"{where}: suite file not found (write the suites with "
                         "`python -m pipeline.validate`)") from None
    except json.JSONDecodeError as err:
        raise SuiteError(f"{where}, row {err.lineno}: not valid JSON: {err.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise SuiteError(f"{where}: not a great-expectations suite (no 'expectations' list)")
    names = []
    for i, exp in enumerate(data["expectations"], start=1):
        meta = exp.get("meta") if isinstance(exp, dict) else None
        if not isinstance(meta, dict) or not meta.get("check"):
            raise SuiteError(f"{where}: expectation {i} has no meta.check name")
        if exp.get("severity", "critical") not in ("critical", "warning", "info"):
            raise SuiteError(f"{where}: expectation {meta['check']} has severity "
                             f"{exp.get('severity')!r} (critical, warning or info)")
        names.append(meta["check"])
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SuiteError(f"{where}: check name {dup[0]!r} is used twice")
    return data


def load_suite(path: Path) -> tuple[Any, dict[str, Any]]:
    """Load a suite JSON file: ``(great-expectations ExpectationSuite, the file's dict)``.

    Refuses (:class:`SuiteError`) a suite great-expectations did not keep whole: it logs and
    drops an expectation whose type or arguments it does not know, so the number of
    expectations kept is compared with the number in the file. Loaded suites are cached per
    file state (path, modification time, size).
    """
    eng = engine()
    stat = path.stat() if path.exists() else None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size) if stat else None
    if key is not None and key in eng.suites:
        return eng.suites[key]
    data = read_suite_file(path)
    declared = data["expectations"]
    capture = _Capture()
    gx_logger = logging.getLogger("great_expectations")
    propagate = gx_logger.propagate
    gx_logger.addHandler(capture)
    gx_logger.propagate = False  # keep the traceback GX logs out of the console
    try:
        suite = eng.gx.ExpectationSuite(**data)
    except Exception as err:  # a top-level key GX does not accept, a bad value...
        raise SuiteError(f"{display_path(path)}: great-expectations refused the suite: "
                         f"{type(err).__name__}: {err}") from None
    finally:
        gx_logger.removeHandler(capture)
        gx_logger.propagate = propagate
    kept = {e.meta.get("check") for e in suite.expectations}
    if len(suite.expectations) != len(declared):
        dropped = [e for e in declared if e["meta"]["check"] not in kept]
        first = dropped[0] if dropped else declared[-1]
        reason = next((m for m in capture.messages if m), "no reason given").splitlines()[0]
        parts = reason.split(": ")  # GX repeats its prefix: "X: X: detail"
        reason = ": ".join(p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1])
        raise SuiteError(
            f"{display_path(path)}: great-expectations kept {len(suite.expectations)} of the "
            f"{len(declared)} expectations of the file and silently dropped "
            f"{len(declared) - len(suite.expectations)}: first "
            f"'{first.get('type')}' (check {first['meta']['check']}): {reason}"
        )
    if key is not None:
        eng.suites[key] = (suite, data)
    return suite, data


def columns_of(kwargs: dict[str, Any]) -> list[str]:
    """The data columns an expectation's arguments name."""
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k)]
    cols.extend(kwargs.get("column_list") or [])
    return [str(c) for c in cols]


def _needs_view(exp: Any, frame: pd.DataFrame, cols: tuple[str, ...]) -> bool:
    """True for a range check on a nullable-integer or non-nanosecond date column.

    great-expectations compares such columns value by value in Python (a million calls
    for a million rows); on float64 / datetime64[ns] it is vectorised. The values and the
    outcome are the same.
    """
    if exp.expectation_type != "expect_column_values_to_be_between":
        return False
    dtype = frame[cols[0]].dtype
    if pd.api.types.is_integer_dtype(dtype) and pd.api.types.is_extension_array_dtype(dtype):
        return True
    return pd.api.types.is_datetime64_dtype(dtype) and dtype != "datetime64[ns]"


def _view(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """``frame[cols]`` with nullable integers as float64 and dates as datetime64[ns]; a date
    outside the nanosecond range (before 1677) keeps its own type and goes the slow way."""
    narrow = frame[cols].copy(deep=False)
    for c in cols:
        dtype = narrow[c].dtype
        try:
            if pd.api.types.is_datetime64_dtype(dtype):
                narrow[c] = narrow[c].astype("datetime64[ns]")
            elif pd.api.types.is_integer_dtype(dtype):
                narrow[c] = narrow[c].astype("float64")
        except (OverflowError, ValueError):  # OutOfBoundsDatetime is a ValueError
            pass
    return narrow


#: Cells (rows x columns) of one narrow frame: columns are packed into groups up to this.
GROUP_CELLS = 2_000_000


def plan_groups(expectations: list[Any], frame: pd.DataFrame,
                cells: int | None = None) -> list[tuple[list[str], bool, list[Any]]]:
    """Split expectations into groups validated on narrow frames: ``[(columns, view, exps)]``.

    great-expectations filters the *whole* batch frame (every column) for each map
    expectation; on a wide table of a million rows that copying dominates (a 100,000-worker
    wave took 10 s on the whole frame). Each call of ``validate`` also costs about 10 ms.
    So the expectations of each set of columns (one column, a pair, a compound key) are
    packed into groups of at most ``cells`` cells (a small table: one group; a million rows:
    a column or two per group), each validated on a frame of its columns alone.
    Table-level expectations (row count, a required column that is absent) go with the
    first group. ``view`` marks range checks run on a float64 / datetime64[ns] copy of their
    column (:func:`_needs_view`).
    """
    cells = GROUP_CELLS if cells is None else cells
    present = set(frame.columns)
    by_cols: dict[tuple[tuple[str, ...], bool], list[Any]] = {}
    table_level: list[Any] = []
    for exp in expectations:
        cols = tuple(dict.fromkeys(c for c in columns_of(exp.configuration.kwargs)
                                   if c in present))
        if cols:
            by_cols.setdefault((cols, _needs_view(exp, frame, cols)), []).append(exp)
        else:
            table_level.append(exp)
    rows = max(len(frame), 1)
    out: list[tuple[list[str], bool, list[Any]]] = []
    for (cols, view), exps in by_cols.items():
        last = out[-1] if out else None
        if (last is not None and last[1] == view
                and rows * len(set(last[0]) | set(cols)) <= cells):
            last[0].extend(c for c in cols if c not in last[0])
            last[2].extend(exps)
        else:
            out.append((list(cols), view, list(exps)))
    if table_level:
        if out:
            out[0][2].extend(table_level)
        else:
            out.append((list(frame.columns[:1]), False, table_level))
    return out


@contextmanager
def _without_fingerprint() -> Iterator[None]:
    """Skip great-expectations' fingerprint of each pandas batch while the gate validates.

    For every ``validate`` call great-expectations hashes the whole batch frame (pandas'
    ``hash_pandas_object`` then md5) when it is under ``HASH_THRESHOLD`` bytes, only to store
    it as a batch marker, which the gate never reads. On a million workers that is about a
    third of the validation time. The threshold is set to 0 for the duration of the gate's
    own calls and restored after; if a later great-expectations version drops the constant
    this does nothing.
    """
    from great_expectations.execution_engine import pandas_execution_engine as pee

    saved = getattr(pee, "HASH_THRESHOLD", None)
    if saved is None:
        yield
        return
    pee.HASH_THRESHOLD = 0
    try:
        yield
    finally:
        pee.HASH_THRESHOLD = saved


def run_expectations(table: str, frame: pd.DataFrame, expectations: list[Any],
                     parameters: dict[str, Any]) -> dict[str, Any]:
    """Validate ``frame`` against ``expectations``; ``{check name: ExpectationValidationResult}``.

    The expectations run in groups on narrow copies of the frame (:func:`plan_groups`), in
    ``BASIC`` result format (outcome, counts, sample of failing values); the few that fail
    are run again in ``SUMMARY`` format for their failing row numbers, which costs several
    times more to compute. Results are the same as one ``SUMMARY`` run on the whole frame.
    """
    if not expectations:
        return {}
    eng = engine()
    bd = eng.batch_definition(table)
    out: dict[str, Any] = {}

    def validate(cols: list[str], view: bool, exps: list[Any], fmt: dict[str, Any]) -> None:
        suite = eng.gx.ExpectationSuite(name=f"{table}-run", expectations=exps)
        narrow = _view(frame, cols) if view else frame[cols]
        batch = bd.get_batch(batch_parameters={"dataframe": narrow})
        result = batch.validate(suite, expectation_parameters=parameters or None,
                                result_format=fmt)
        out.update({r.expectation_config.meta["check"]: r for r in result.results})

    groups = plan_groups(expectations, frame)
    with _without_fingerprint():
        for cols, view, exps in groups:
            validate(cols, view, exps, BASIC_FORMAT)
            forget_batches(eng)
        for cols, view, exps in groups:
            again = [e for e in exps if not out[e.meta["check"]].success
                     and "unexpected_count" in (out[e.meta["check"]].result or {})]
            if again:
                validate(cols, view, again, RESULT_FORMAT)
                forget_batches(eng)
    return out


def forget_batches(eng: Engine) -> None:
    """Drop the frames and metrics great-expectations keeps after a ``validate`` call.

    The data source's execution engine lives as long as the process, and it keeps every
    batch frame it was given and every metric it computed (a million-row wave: the narrow
    frames and the per-row masks of a hundred checks, several hundred MB) although no later
    call reuses them: each call has its own batch. Private attributes of great-expectations
    1.x: if a version renames them this does nothing.
    """
    execution_engine = getattr(eng.datasource, "_execution_engine", None)
    if execution_engine is None:
        return
    cache = getattr(execution_engine, "_metric_cache", None)
    if isinstance(cache, dict):
        cache.clear()
    manager = getattr(execution_engine, "_batch_manager", None)
    batch_data = getattr(manager, "_batch_data_cache", None)
    if isinstance(batch_data, dict):
        batch_data.clear()
    if manager is not None and hasattr(manager, "reset_batch_cache"):
        manager.reset_batch_cache()
