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
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

SEVERITY_ORDER = ("critical", "warning", "info")


def plain(value: Any) -> Any:
    """A JSON-friendly version of a value from pandas / numpy / great-expectations."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return str(value)


def value_text(value: Any) -> str:
    """A value as messages show it: text quoted, numbers bare, missing as 'missing'."""
    value = plain(value)
    if value is None:
        return "missing"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _num(x: Any) -> str:
    x = plain(x)
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:g}"
    return str(x)


def _pct(share: float, lang: str) -> str:
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',') if lang == 'it' else text} %"


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
        """What failed, in one phrase (``lang``: ``en`` or ``it``). ``private=False`` leaves
        out values of columns that are never published (respondent ids, names)."""
        return _message(self, lang, show=self.show_values and (private or self.publishable))

    def line(self, lang: str = "en", *, private: bool = True) -> str:
        """One line naming file, row and column, e.g. ``data/raw/w/worker_survey.csv, row 14,
        column 'company_id': 'C99' is not a company of company_survey (critical; 3 rows)``.

        ``private=False`` (reports that may be published) leaves out personal values."""
        if "line" in self.extra:
            return str(self.extra["line"])
        where = [self.file or self.table]
        if self.first_row is not None:
            where.append(f"{'riga' if lang == 'it' else 'row'} {self.first_row}")
        if self.column:
            where.append(f"{'colonna' if lang == 'it' else 'column'} '{self.column}'")
        tail = {"critical": "critico", "warning": "avviso"}.get(
            self.severity, self.severity) if lang == "it" else self.severity
        if self.unexpected_count:
            n = self.unexpected_count
            unit = ("riga" if n == 1 else "righe") if lang == "it" else (
                "row" if n == 1 else "rows")
            tail += f"; {n:,} {unit}".replace(",", "." if lang == "it" else ",")
        return f"{', '.join(where)}: {self.message(lang, private=private)} ({tail})"

    def to_dict(self, *, private: bool = False) -> dict[str, Any]:
        """JSON-friendly form; personal values are left out unless ``private``."""
        out = plain(asdict(self))
        out["line"] = self.line(private=private) if self.failed else None
        if not private and not self.publishable:
            out["failing_values"] = []
            out["failing_values_hidden"] = True
        return out


def _first_value(c: CheckResult) -> Any:
    return c.failing_values[0] if c.failing_values else None


def _message(c: CheckResult, lang: str, show: bool = True) -> str:
    it = lang == "it"
    v = _first_value(c)
    vt = value_text(v) if show else ("un valore" if it else "a value")
    k = c.kwargs
    if c.exception:
        return (f"il controllo non è stato eseguito: {c.exception}" if it
                else f"the check could not run: {c.exception}")
    kind = c.kind
    if kind == "ingest":
        return str(c.extra.get("message", ""))
    if kind == "rows":
        return "la tabella non ha righe" if it else "the table has no rows"
    if kind == "table":
        return "tabella obbligatoria assente" if it else "required table is missing"
    if kind == "exists":
        return "colonna obbligatoria assente" if it else "required column is missing"
    if kind == "type":
        exp = k.get("type_")
        return (f"i valori hanno tipo {c.observed}, atteso {exp}" if it
                else f"values have type {c.observed}, expected {exp}")
    if kind == "codes":
        if c.expectation_type == "expect_column_values_to_match_regex":
            return (f"{vt} non è un elenco di codici ammessi separati da '|'" if it
                    else f"{vt} is not a list of allowed codes separated by '|'")
        codes = [str(x) for x in k.get("value_set", [])]
        allowed = ", ".join(codes[:12]) + (", ..." if len(codes) > 12 else "")
        return (f"{vt} non è un codice ammesso ({allowed})" if it
                else f"{vt} is not a valid code (allowed: {allowed})")
    if kind == "scale":
        pts = k.get("value_set", [])
        scale = f"{pts[0]}-{pts[-1]}" if pts else ""
        return f"{vt} non è sulla scala {scale}" if it else f"{vt} is not on the scale {scale}"
    if kind == "range":
        lo, hi = _num(k.get("min_value")), _num(k.get("max_value"))
        return (f"{vt} è fuori intervallo ({lo} - {hi})" if it
                else f"{vt} is out of range ({lo} to {hi})")
    if kind == "format":
        if c.expectation_type == "expect_column_values_to_match_regex" and ":" in str(
                k.get("regex", "")):
            return (f"{vt} non è un'ora del giorno (HH:MM)" if it
                    else f"{vt} is not a time of day (HH:MM)")
        return (f"{vt} non è un codice ISTAT di comune (6 cifre, es. 023091)" if it
                else f"{vt} is not an ISTAT municipality code (6 digits, e.g. 023091)")
    if kind == "istat":
        return (f"{vt} non è un comune dell'elenco ISTAT" if it
                else f"{vt} is not a municipality of the ISTAT list")
    if kind == "not_future":
        return f"{vt} è nel futuro" if it else f"{vt} is in the future"
    if kind == "plausible":
        if k.get("min_value") is not None:
            lo = str(k["min_value"])[:10]
            return (f"{vt} è prima del {lo}: poco plausibile" if it
                    else f"{vt} is before {lo}: implausible")
        hi = _num(k.get("max_value"))
        return (f"{vt} è oltre {hi}: poco plausibile" if it
                else f"{vt} is above {hi}: implausible")
    if kind == "unique":
        return (f"{vt} è ripetuto (deve essere unico)" if it
                else f"{vt} is repeated (must be unique)")
    if kind in ("complete", "complete_warn"):
        if c.mostly is None:
            return ("valore mancante (obbligatorio in ogni riga)" if it
                    else "missing value (required in every row)")
        missing = _pct((c.unexpected_percent or 0) / 100, lang)
        allowed = _pct(1 - c.mostly, lang)
        return (f"{missing} di valori mancanti, al massimo {allowed} ammesso" if it
                else f"{missing} of the values are missing, at most {allowed} allowed")
    if kind == "references":
        ref_table = str(c.extra.get("reference", "")).split(".")[0]
        noun = c.extra.get("noun", {}).get(lang) or ("un valore" if it else "a value")
        return (f"{vt} non è {noun} di {ref_table}" if it
                else f"{vt} is not {noun} of {ref_table}")
    if kind == "in_network":
        return (f"{vt} ha risposto al questionario imprese ma in companies in_network non è 1"
                if it else
                f"{vt} answered the company questionnaire but in_network is not 1 in companies")
    if kind == "respondents_le_headcount":
        a, b = (list(v) + [None, None])[:2] if isinstance(v, list) else (None, None)
        return (f"{_num(b)} rispondenti in worker_survey ma {_num(a)} dipendenti" if it
                else f"{_num(b)} respondents in worker_survey but {_num(a)} employees")
    if kind == "same_sector_as_previous":
        a, b = (list(v) + [None, None])[:2] if isinstance(v, list) else (None, None)
        prev = c.extra.get("previous_wave", "")
        return (f"settore ATECO {a}, era {b} nell'ondata precedente ({prev})" if it
                else f"ATECO section {a}, {b} in the previous wave ({prev})")
    if kind == "headcount_not_halved":
        before, now = (list(v) + [None, None])[:2] if isinstance(v, list) else (None, None)
        prev = c.extra.get("previous_wave", "")
        return (f"{_num(now)} dipendenti, {_num(before)} nell'ondata precedente ({prev}): "
                "più che dimezzati" if it else
                f"{_num(now)} employees, {_num(before)} in the previous wave ({prev}): "
                "the headcount halved")
    if kind == "duplicate_company":
        return ("stessa ragione sociale e stesso comune di un'altra impresa (impresa "
                "duplicata?)" if it else
                "same name and municipality as another company (a duplicated company?)")
    if kind == "duplicate_answers":
        return ("stesse risposte di un altro questionario della stessa impresa "
                "(esportazione duplicata?)" if it else
                "the same answers as another questionnaire of the same company "
                "(a duplicated export?)")
    if kind == "previous_wave":
        prev = c.extra.get("previous_wave", "")
        return (f"wave.yaml indica l'ondata precedente '{prev}', che non è stata elaborata: "
                "confronti tra ondate non eseguiti" if it else
                f"wave.yaml names the previous wave '{prev}', which has no processed data: "
                "wave-over-wave checks skipped")
    desc = c.description.get(lang) or c.description.get("en") or c.check
    return (f"controllo non superato: {desc}" if it else f"check failed: {desc}")


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
        """``12 checks passed, 1 warning, 0 critical failures, 3 not applicable``."""
        n_ok, n_w, n_c, n_s = (len(self.succeeded), len(self.warnings),
                               len(self.critical_failures), len(self.skipped))
        if lang == "it":
            return (f"{n_ok} controlli superati, {n_w} avvisi, {n_c} errori critici, "
                    f"{n_s} non applicabili")
        return (f"{n_ok} checks passed, {n_w} warning{'s' if n_w != 1 else ''}, {n_c} "
                f"critical failure{'s' if n_c != 1 else ''}, {n_s} not applicable")

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
