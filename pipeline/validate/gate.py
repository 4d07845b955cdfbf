"""The gate: every suite and cross-table check of a wave, in one process, with one result.

The files the gate writes (both pages of the report, its JSON, the site's summary) are
:mod:`pipeline.validate.files`; :func:`write_result_files` is importable from here too.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from pipeline.codebook import Codebook, load_codebook
from pipeline.config import Paths, get_paths
from pipeline.errors import InputError, PipelineError, display_path
from pipeline.ingest.load import ingest_wave
from pipeline.validate.context import (
    reference_municipalities,
    suite_parameters,
    validation_frame,
)
from pipeline.validate.files import clear_failed, write_result_files
from pipeline.validate.result import CheckResult, ValidationResult
from pipeline.validate.suites import REFERENCE_NOUNS, SUITES_DIR
from pipeline.validate.values import plain
from pipeline.wave import WaveData, read_processed

__all__ = ["DataQualityError", "clear_failed", "gated_wave", "input_error_result",
           "suites_folder", "table_parameters", "validate_step", "validate_wave",
           "write_result_files"]


class DataQualityError(PipelineError):
    """A wave stopped by the gate: a critical check failed, or ingestion refused a file.

    ``str()`` is one line: the first critical failure (file, row, column), how many more
    there are, and where the data-quality report was written.
    """

    def __init__(self, result: ValidationResult, report: Path | None,
                 line: str | None = None) -> None:
        self.result = result
        self.report = report
        self.line = line or result.first_error_line() or "critical data-quality failure"
        super().__init__(str(self))

    def __str__(self) -> str:
        more = len(self.result.critical_failures) - 1
        text = self.line
        if more > 0:
            text += f" (and {more} more critical failure{'s' if more > 1 else ''})"
        if self.report is not None:
            text += f"; data-quality report: {display_path(self.report)}"
        return text


def suites_folder(paths: Paths) -> Path:
    """``Paths.expectations`` when the project has one, else the repository's suites."""
    return paths.expectations if paths.expectations.is_dir() else SUITES_DIR


def _exception_text(info: Any) -> str | None:
    if not isinstance(info, dict):
        return None
    if "raised_exception" in info:
        return str(info.get("exception_message")) if info.get("raised_exception") else None
    for value in info.values():
        text = _exception_text(value)
        if text:
            return text
    return None


def _dedupe(values: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return seen


def _publishable(codebook: Codebook, table: str, columns: list[str]) -> bool:
    spec = codebook.tables[table].all_columns()
    for c in columns:
        if c.startswith("ctx_"):
            continue
        col = spec.get(c)
        if col is None or not col.publish:
            return False
    return True


def _check_result(exp: dict[str, Any], gx_exp: Any, table: str, file: str,
                  codebook: Codebook, frame: Any, evr: Any, skipped: str | None,
                  extra: dict[str, Any]) -> CheckResult:
    from pipeline.validate.engine import columns_of

    meta, kwargs = exp["meta"], exp["kwargs"]
    severity = getattr(gx_exp.severity, "value", str(gx_exp.severity))
    cols = columns_of(kwargs)
    check = CheckResult(
        table=table, check=meta["check"], kind=meta.get("kind", ""),
        expectation_type=exp["type"], column=meta.get("column"), severity=severity,
        success=None, description=dict(meta.get("description") or {}),
        kwargs=plain(kwargs), mostly=kwargs.get("mostly"),
        show_values=bool(meta.get("show_values", True)),
        file=file, skipped=skipped, extra=dict(extra),
    )
    check.extra["publish_values"] = check.show_values and _publishable(codebook, table, cols)
    if meta.get("reference"):
        check.extra["reference"] = meta["reference"]
        ref_col = meta["reference"].split(".")[1]
        check.extra["noun"] = REFERENCE_NOUNS.get(ref_col, {"it": ref_col, "en": ref_col})
    if evr is None:
        return check
    res = evr.result or {}
    check.success = bool(evr.success)
    check.exception = _exception_text(evr.exception_info)
    if check.exception:
        check.success = False
    check.observed = plain(res.get("observed_value"))
    check.element_count = res.get("element_count")
    check.unexpected_count = res.get("unexpected_count")
    check.unexpected_percent = res.get("unexpected_percent")
    if not check.success:
        index = [i for i in (res.get("partial_unexpected_index_list") or [])
                 if isinstance(i, int | float) or hasattr(i, "__index__")]
        check.failing_rows = [int(i) + 2 for i in index]
        show = meta.get("show_columns")
        if show and index:
            values = [tuple(frame.at[i, c] for c in show) for i in index]
        else:
            values = list(res.get("partial_unexpected_list") or [])
        check.failing_values = _dedupe(plain(values))
    return check


def _gate_check(table: str, check: str, kind: str, severity: str, success: bool | None,
                file: str | None, it: str, en: str, column: str | None = None,
                **extra: Any) -> CheckResult:
    return CheckResult(table=table, check=check, kind=kind, expectation_type=None,
                       column=column, severity=severity, success=success,
                       description={"it": it, "en": en}, file=file, extra=extra)


def table_parameters(parameters: dict[str, Any], expectations: list[dict[str, Any]],
                     frame: Any) -> dict[str, Any]:
    """The suite parameters for one table, value sets cut to the values the table holds.

    A value set of 100,000 company ids would be copied by great-expectations each time it
    reads an expectation's configuration (dozens of times per expectation); only the
    observed values can fail or pass, so the set is cut to those: same outcome, small sets.
    """
    out = dict(parameters)
    cut: dict[str, set[Any]] = {}
    for exp in expectations:
        value_set = exp["kwargs"].get("value_set")
        column = exp["kwargs"].get("column")
        if isinstance(value_set, dict) and "$PARAMETER" in value_set and column in frame:
            name = value_set["$PARAMETER"]
            observed = set(frame[column].dropna().unique().tolist())
            cut.setdefault(name, set()).update(observed & set(parameters.get(name, ())))
    for name, values in cut.items():
        out[name] = sorted(values, key=str)
    return out


def _raw_files(data: WaveData, raw_dir: Path) -> dict[str, str]:
    files = {}
    for table in data.tables:
        name = (data.inputs.get(table) or {}).get("file") or f"{table}.csv"
        files[table] = display_path(raw_dir / name)
    return files


def validate_wave(data: WaveData, *, previous: WaveData | None = None,
                  paths: Paths | None = None, suites_dir: Path | None = None,
                  now: dt.datetime | None = None,
                  codebook: Codebook | None = None) -> ValidationResult:
    """Run every suite of ``expectations/`` and the cross-table checks on a typed wave.

    Parameters
    ----------
    data
        The wave as :func:`pipeline.ingest.load.ingest_wave` or ``read_processed`` gives it.
    previous
        The wave to compare company identities with. Default: ``previous_wave`` of
        ``wave.yaml`` (``data.meta``) read from ``data/processed/<previous>/`` when it exists;
        when wave.yaml names a previous wave that was never processed a warning says so.
    paths
        Project paths (default :func:`pipeline.config.get_paths`): raw folder for messages,
        reference municipalities, processed previous wave, suites folder.
    suites_dir
        Folder of the suite JSON files (default ``Paths.expectations``, or the repository's
        ``expectations/`` when the project root has none).
    now
        Reference time of the "no date in the future" checks (default: now).

    Returns
    -------
    ValidationResult
        ``passed`` is false when a critical check failed. Nothing is written.

    Raises
    ------
    SuiteError
        A suite file is unusable (invalid JSON, or great-expectations dropped an
        expectation of it).
    """
    from pipeline.validate.engine import columns_of, engine, load_suite, run_expectations

    started = time.perf_counter()
    paths = paths or get_paths()
    codebook = codebook or load_codebook()
    suites_dir = suites_dir or suites_folder(paths)
    raw_dir = paths.raw_wave(data.wave)
    files = _raw_files(data, raw_dir)
    checks: list[CheckResult] = []
    wave_file = display_path(raw_dir / "wave.yaml")

    prev_label = data.meta.get("previous_wave")
    if previous is None and prev_label:
        folder = paths.processed_wave(str(prev_label))
        try:
            previous = read_processed(folder) if (folder / "manifest.json").exists() else None
        except (OSError, ValueError, KeyError):
            previous = None
        if previous is None:
            checks.append(_gate_check(
                "wave", "wave.previous_wave", "previous_wave", "warning", False, wave_file,
                "L'ondata precedente indicata in wave.yaml è stata elaborata",
                "The previous wave named in wave.yaml has been processed",
                previous_wave=str(prev_label), column="previous_wave"))
    for name, info in sorted(data.inputs.items()):
        if isinstance(info, dict) and info.get("warning"):  # a file ingestion did not read
            checks.append(_gate_check(
                "wave", f"wave.unknown_file.{name}", "unknown_file", "warning", False,
                display_path(raw_dir / name),
                "Ogni file della cartella dell'ondata è una tabella del contratto dei dati",
                "Every file of the wave folder is a table of the data contract"))
        if isinstance(info, dict) and info.get("unmapped"):  # columns no codebook column
            checks.append(_gate_check(
                name, f"{name}.unmapped_columns", "unmapped_columns", "warning", False,
                display_path(raw_dir / str(info.get("file", name))),
                "Ogni colonna del file è una colonna del codebook",
                "Every column of the file is a column of the codebook",
                columns=list(info["unmapped"])))
    prev_tables = previous.tables if previous is not None else None
    compared = previous.wave if previous is not None else None

    reference = reference_municipalities(paths.municipalities_csv)
    now = now or dt.datetime.now().replace(microsecond=0)
    parameters = suite_parameters(data.tables, codebook, reference, now)
    eng = engine()
    absent: list[str] = []
    for table, spec in codebook.tables.items():
        df = data.tables.get(table)
        if df is None:
            if spec.required:
                checks.append(_gate_check(
                    table, f"{table}.table", "table", "critical", False,
                    display_path(raw_dir / f"{table}.csv"),
                    "La tabella obbligatoria è presente", "The required table is present"))
            else:
                absent.append(table)
            continue
        suite, raw = load_suite(suites_dir / f"{table}.json")
        by_name = {e.meta["check"]: e for e in suite.expectations}
        frame = validation_frame(table, df, data.tables, codebook, prev_tables)
        present = set(frame.columns)
        plan: list[tuple[dict[str, Any], Any, str | None]] = []
        for exp in raw["expectations"]:
            meta = exp["meta"]
            skipped = None
            if meta.get("needs") == "previous_wave" and prev_tables is None:
                skipped = "no_previous_wave"
            elif meta.get("kind") != "exists" and not set(columns_of(exp["kwargs"])) <= present:
                skipped = "column_absent"
            plan.append((exp, by_name[meta["check"]], skipped))
        runnable = [(e, g) for e, g, s in plan if s is None]
        results = run_expectations(table, frame, [g for _, g in runnable],
                                   table_parameters(parameters, [e for e, _ in runnable],
                                                    frame))
        extra = {"previous_wave": compared} if compared else {}
        for exp, gx_exp, skipped in plan:
            checks.append(_check_result(exp, gx_exp, table, files[table], codebook, frame,
                                        results.get(exp["meta"]["check"]), skipped, extra))
    return ValidationResult(
        wave=data.wave, checks=checks, raw_dir=display_path(raw_dir),
        previous_wave=compared, synthetic=data.synthetic,
        tables={t: len(df) for t, df in data.tables.items()}, files=files,
        absent_tables=absent, seconds=time.perf_counter() - started,
        engine=f"great-expectations {eng.version}",
    )


def input_error_result(wave: str, err: InputError, raw_dir: Path) -> ValidationResult:
    """A result holding one failed check: the ingestion error that stopped the wave."""
    stem = err.file.stem.lower()
    table = stem if stem in load_codebook().tables else "wave"
    check = CheckResult(
        table=table, check=f"{table}.ingest", kind="ingest", expectation_type=None,
        column=err.column, severity="critical", success=False,
        description={"it": "Il file si legge e ogni cella ha tipo, codice e intervallo "
                           "ammessi dal codebook",
                     "en": "The file reads and every cell has a type, code and range the "
                           "codebook allows"},
        failing_rows=[err.row] if err.row is not None else [],
        file=display_path(err.file),
        extra={"line": str(err), "message": err.message, "more": err.more},
    )
    return ValidationResult(wave=wave, checks=[check], raw_dir=display_path(raw_dir))


def gated_wave(wave: str, *, paths: Paths | None = None,
               lang: str = "it") -> tuple[WaveData, ValidationResult]:
    """Ingest ``data/raw/<wave>/`` in memory and pass it through the gate.

    On a file ingestion refuses, or a critical failure, the data-quality report goes to
    ``Paths.failed_wave(wave)`` and :class:`DataQualityError` is raised; otherwise the
    typed wave and its validation result are returned (nothing is written).
    """
    paths = paths or get_paths()
    raw_dir = paths.raw_wave(wave)
    failed_dir = paths.failed_wave(wave)
    try:
        data = ingest_wave(wave, raw_dir)
    except InputError as err:
        result = input_error_result(wave, err, raw_dir)
        report = write_result_files(result, failed_dir, lang)
        raise DataQualityError(result, report, line=str(err)) from None
    result = validate_wave(data, paths=paths)
    if not result.passed:
        report = write_result_files(result, failed_dir, lang)
        raise DataQualityError(result, report)
    return data, result


def validate_step(wave: str, *, paths: Paths | None = None, lang: str = "it",
                  report_dir: Path | None = None) -> tuple[ValidationResult, Path]:
    """Ingest ``data/raw/<wave>/`` in memory, validate it and write its data-quality report.

    Nothing under ``data/processed/`` or ``reports/`` is touched. On a critical failure (or
    a file ingestion refuses) the report goes to ``Paths.failed_wave(wave)``
    (``data/work/failed/<wave>/data_quality.html``) and :class:`DataQualityError` is raised;
    otherwise it goes to ``report_dir`` (default ``data/work/quality/<wave>/``), a stale
    failed report of the wave is removed, and ``(result, report path)`` is returned. Either
    folder gets every file of :func:`write_result_files`, both languages; the path returned
    (or named by the error) is the page in ``lang``.
    """
    paths = paths or get_paths()
    _, result = gated_wave(wave, paths=paths, lang=lang)
    report = write_result_files(result, report_dir or paths.quality_wave(wave), lang)
    clear_failed(wave, paths)
    return result, report
