"""The data-quality gate between ingestion and analysis.

Ingestion (:mod:`pipeline.ingest.load`) refuses cells of the wrong type, code or range; the gate
refuses what is valid cell by cell but wrong as a dataset: orphan companies across tables,
completeness below a threshold, duplicated ids or questionnaires, implausible values
(respondents above a company's headcount, municipality codes missing from the ISTAT list,
dates in the future, a scale with points it does not have), and companies whose identity
changed since the previous wave (another sector, half the headcount).

Every check is a great-expectations 1.x expectation of ``expectations/<table>.json`` (suites
generated from the codebook by :mod:`pipeline.validate.suites`) with great-expectations'
own ``severity``: ``critical`` stops the wave, ``warning`` is reported and the run goes on.

Public API (great_expectations is imported lazily, on the first validation, once per process)::

    result = validate_wave(data, previous=None, paths=None)   # -> ValidationResult
    result.passed, result.critical_failures, result.warnings, result.first_error_line()
    write_quality_report(result, path, lang="it")            # pipeline.validate.report
    write_result_files(result, folder, lang="it")  # both pages, JSON, the site's summary
    validate_step(wave)  # ingest + validate + report; raises DataQualityError on failure

Importing this package costs nothing beyond pandas and the codebook.
"""

from __future__ import annotations

from typing import Any

from pipeline.validate.engine import SuiteError
from pipeline.validate.files import (
    REPORT_NAME,
    RESULT_NAME,
    SUMMARY_NAME,
    clear_failed,
    report_pages,
    write_result_files,
)
from pipeline.validate.gate import (
    DataQualityError,
    gated_wave,
    input_error_result,
    validate_step,
    validate_wave,
)
from pipeline.validate.result import CheckResult, ValidationResult
from pipeline.validate.suites import build_suites, stale_suites, write_suites

__all__ = [
    "REPORT_NAME", "RESULT_NAME", "SUMMARY_NAME", "CheckResult", "DataQualityError",
    "SuiteError", "ValidationResult", "build_suites", "clear_failed", "gated_wave",
    "input_error_result", "report_pages", "stale_suites", "validate_step", "validate_wave",
    "write_quality_report", "write_result_files", "write_suites",
]


def __getattr__(name: str) -> Any:
    """``write_quality_report``, imported on first use (PEP 562): the page's module loads
    jinja2 and the page's templates, which the gate itself does not need.

    Parameters
    ----------
    name
        ``"write_quality_report"``; any other name raises ``AttributeError``.

    Returns
    -------
    Any
        :func:`pipeline.validate.report.write_quality_report`.
    """
    if name == "write_quality_report":
        from pipeline.validate.report import write_quality_report

        return write_quality_report
    raise AttributeError(f"module 'pipeline.validate' has no attribute {name!r}")
