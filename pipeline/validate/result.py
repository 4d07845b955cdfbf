"""Results of the data-quality gate: one :class:`CheckResult` per expectation, and the whole.

Row numbers
-----------
``CheckResult.failing_rows`` are spreadsheet row numbers: the dataframe index + 2 (the header
is row 1). Ingestion resets the index to 0..n-1 in file order *after dropping blank rows*, so
for a file with blank lines between records the number is that of the record among the
non-blank rows (the row a spreadsheet shows once blank rows are removed). Files without blank
lines, the usual case, give exactly the row a spreadsheet shows.

Nothing here imports great_expectations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import text
from pipeline.validate.messages import message as check_message
from pipeline.validate.messages import message_lang
from pipeline.validate.values import plain, value_text

__all__ = ["SEVERITY_ORDER", "CheckResult", "ValidationResult", "plain", "value_text"]

SEVERITY_ORDER = ("critical", "warning", "info")


@dataclass
class CheckResult:
    """The outcome of one check (one great-expectations expectation, or a gate-level check).

    Attributes
    ----------
    table, check, kind
        Table, stable check name (``<table>.<column>.<kind>``) and kind (``meta.kind`` of
        the suite: ``references``, ``complete``, ``scale``...).
    expectation_type
        great-expectations expectation type, or None for gate-level checks (``table``,
        ``ingest``, ``previous_wave``).
    column
        The data column the check is about (for a ``ctx_*`` column: the column it derives
        from), or None for table-level checks.
    severity
        ``critical`` (stops the run) or ``warning`` (reported, the run goes on), read from the
        expectation's great-expectations ``severity`` field.
    success
        True, False, or None when the check was not evaluated (``skipped`` says why).
    observed
        great-expectations' observed value, or a short summary for map checks.
    failing_values
        A sample (up to 20, duplicates removed) of the values that failed, JSON-friendly.
    failing_rows
        Spreadsheet row numbers (index + 2, see the module docstring) of a sample of failing
        rows (up to 20, in file order).
    file
        The raw file of the table as messages show it (``data/raw/<wave>/worker_survey.csv``).
    """

    table: str
    check: str
    kind: str
    expectation_type: str | None
    column: str | None
    severity: str
    success: bool | None
    description: dict[str, str] = field(default_factory=dict)
    kwargs: dict[str, Any] = field(default_factory=dict)
    observed: Any = None
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    mostly: float | None = None
    failing_values: list[Any] = field(default_factory=list)
    failing_rows: list[int] = field(default_factory=list)
    show_values: bool = True
    file: str | None = None
    skipped: str | None = None
    exception: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.success is False

    @property
    def first_row(self) -> int | None:
        return min(self.failing_rows) if self.failing_rows else None

    @property
    def n_failing(self) -> int | None:
        return self.unexpected_count

    @property
    def publishable(self) -> bool:
        """False when the failing values are personal data (``publish: false`` columns)."""
        return bool(self.extra.get("publish_values", self.show_values))

    def message(self, lang: str = "en", *, private: bool = True) -> str:
        """What failed, in one phrase of the text catalogue (``quality.msg.*``).

        Parameters
        ----------
        lang
            ``"it"`` for Italian; English otherwise.
        private
            False for pages that may be published: values of columns that are never
            published (respondent ids, names) become "a value".

        Returns
        -------
        str
            E.g. ``'C99' is not a company of company_survey``.
        """
        return check_message(self, lang, show=self.show_values and (private or self.publishable))

    def line(self, lang: str = "en", *, private: bool = True) -> str:
        """One line naming file, row and column, then the :meth:`message`.

        Parameters
        ----------
        lang
            The line's language: Italian for ``"it"``, else English.
        private
            As for :meth:`message`: ``False`` in reports that may be published.

        Returns
        -------
        str
            E.g. ``data/raw/w/worker_survey.csv, row 14, column 'company_id': 'C99' is not
            a company of company_survey (critical; 3 rows)``; the ingestion's own line for a
            file it refused.
        """
        if "line" in self.extra:
            return str(self.extra["line"])
        lang = message_lang(lang)
        where = [self.file or self.table]
        if self.first_row is not None:
            where.append(text("quality.line.row", lang, row=self.first_row))
        if self.column:
            where.append(text("quality.line.column", lang, column=self.column))
        tail = self.severity
        if self.severity in ("critical", "warning"):
            tail = text(f"quality.sev_{self.severity}", lang)
        if self.unexpected_count:
            n = self.unexpected_count
            tail += "; " + text("quality.line.rows", lang, n=Formatter(lang).count(n))
        return f"{', '.join(where)}: {self.message(lang, private=private)} ({tail})"

    def to_dict(self, *, private: bool = False) -> dict[str, Any]:
        """JSON-friendly form; personal values are left out unless ``private``."""
        out = plain(asdict(self))
        out["line"] = self.line(private=private) if self.failed else None
        if not private and not self.publishable:
            out["failing_values"] = []
            out["failing_values_hidden"] = True
        return out


@dataclass
class ValidationResult:
    """Every check of a wave. ``passed`` is true when no critical check failed.

    Attributes
    ----------
    checks
        In table order (codebook order), then suite order.
    previous_wave
        Label of the wave compared with (wave-over-wave identity), or None.
    raw_dir
        The wave's raw folder as messages show it.
    tables
        ``{table: rows}`` of the tables validated.
    """

    wave: str
    checks: list[CheckResult]
    raw_dir: str | None = None
    previous_wave: str | None = None
    synthetic: bool = False
    tables: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    absent_tables: list[str] = field(default_factory=list)
    started: str = field(default_factory=lambda: dt.datetime.now().isoformat(
        timespec="seconds"))
    seconds: float = 0.0
    engine: str = ""

    @property
    def critical_failures(self) -> list[CheckResult]:
        return [c for c in self.checks if c.failed and c.severity == "critical"]

    @property
    def warnings(self) -> list[CheckResult]:
        return [c for c in self.checks if c.failed and c.severity != "critical"]

    @property
    def skipped(self) -> list[CheckResult]:
        return [c for c in self.checks if c.success is None]

    @property
    def succeeded(self) -> list[CheckResult]:
        return [c for c in self.checks if c.success is True]

    @property
    def passed(self) -> bool:
        """No critical failure (warnings allowed)."""
        return not self.critical_failures

    @property
    def status(self) -> str:
        """``failed``, ``warnings`` or ``passed``."""
        if not self.passed:
            return "failed"
        return "warnings" if self.warnings else "passed"

    def ordered(self, checks: list[CheckResult]) -> list[CheckResult]:
        """``checks`` in reading order: table order, first failing row, suite order."""
        order = {name: i for i, name in enumerate(dict.fromkeys(c.table for c in self.checks))}
        position = {id(c): i for i, c in enumerate(self.checks)}
        return sorted(checks, key=lambda c: (order.get(c.table, 99), c.first_row or 0,
                                             position.get(id(c), 0)))

    def problems(self) -> list[CheckResult]:
        """Failed checks, critical first, each group in reading order (:meth:`ordered`)."""
        return self.ordered(self.critical_failures) + self.ordered(self.warnings)

    def first_error(self) -> CheckResult | None:
        """The first critical failure (table order, then row), else the first warning."""
        problems = self.problems()
        return problems[0] if problems else None

    def first_error_line(self, lang: str = "en", *, private: bool = True) -> str | None:
        """One line for the console: the first critical failure, else the first warning,
        else None. E.g. ``data/raw/w/worker_survey.csv, row 14, column 'company_id': 'C99'
        is not a company of company_survey (critical; 3 rows)``."""
        first = self.first_error()
        return first.line(lang, private=private) if first else None

    def summary(self, lang: str = "en") -> str:
        """The tally of the checks, in the words of ``quality.tally``.

        Parameters
        ----------
        lang
            Italian for ``"it"``, English for anything else.

        Returns
        -------
        str
            ``12 checks passed, 1 warning, no critical failures, 3 not applicable``.
        """
        lang = message_lang(lang)
        return text("quality.tally", lang, passed=len(self.succeeded),
                    n_warnings=len(self.warnings), n_critical=len(self.critical_failures),
                    na=len(self.skipped))

    def site_summary(self, report: str | None = None, lang: str = "it") -> dict[str, Any]:
        """What the wave's index page says about the gate (``pipeline.render.site``'s ``quality``):
        ``passed``, ``status``, ``n_checks`` (checks evaluated), ``warnings`` and
        ``critical`` (one line each, in ``lang``, without personal values) and ``report``
        (the data-quality report's href, relative to the site)."""
        return {
            "passed": self.passed, "status": self.status,
            "n_checks": len(self.checks) - len(self.skipped),
            "warnings": [c.line(lang, private=False) for c in self.ordered(self.warnings)],
            "critical": [c.line(lang, private=False)
                         for c in self.ordered(self.critical_failures)],
            "report": report,
        }

    def to_dict(self, *, private: bool = False) -> dict[str, Any]:
        """JSON-friendly form (run records, tests); personal values left out unless
        ``private``."""
        return {
            "wave": self.wave, "status": self.status, "passed": self.passed,
            "previous_wave": self.previous_wave, "synthetic": self.synthetic,
            "raw_dir": self.raw_dir, "tables": self.tables, "files": self.files,
            "absent_tables": self.absent_tables, "started": self.started,
            "seconds": round(self.seconds, 3), "engine": self.engine,
            "summary": self.summary(),
            "first_error": self.first_error_line(private=private),
            "checks": [c.to_dict(private=private) for c in self.checks],
        }
