"""The data-quality report of a wave: one self-contained HTML page, in Italian or English.

``write_quality_report(result, path, lang="it")`` lists every check of a
:class:`~pipeline.validate.result.ValidationResult`: what it checks, the column, the
great-expectations expectation type, its severity, the result, the observed value, the
failing values (a sample) and the failing rows (spreadsheet row numbers). Problems come
first, critical before warnings. The page has no script, no external style sheet, font or
image: it opens offline and prints on A4.

The page's markup and style are ``pipeline/render/templates/quality/page.html.j2`` and
``quality.css`` (read with jinja2 here: the gate comes before the render stage), its words
the ``quality.*`` texts of ``pipeline/i18n/texts/texts_quality.yaml``, its numbers written
by :class:`pipeline.i18n.formatting.Formatter`.

Values of columns the codebook marks ``publish: false`` (names, respondent ids, free text)
are never shown: the report may be published next to the wave's reports.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from pipeline.config import TEMPLATES_DIR
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import has_text, text
from pipeline.validate.result import CheckResult, ValidationResult
from pipeline.validate.values import plain

LANGS = ("it", "en")

#: The page's template and style sheet.
QUALITY_TEMPLATES = TEMPLATES_DIR / "quality"
QUALITY_CSS_PATH = QUALITY_TEMPLATES / "quality.css"

#: The words of the page (``quality.<key>``), ``t`` in the template.
WORDS = ("title", "status_passed", "status_warnings", "status_failed", "first", "checked",
         "engine", "raw", "previous", "none", "synthetic", "summary", "table", "file",
         "rows", "checks", "passed", "warnings", "critical", "na", "problems", "no_problems",
         "all_checks", "check", "column", "expectation", "severity", "result", "observed",
         "values", "failing_rows", "ok", "ko", "hidden", "not_applicable_list",
         "absent_tables", "notes", "note_rows", "note_severity", "note_sample",
         "note_suites", "generated")


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(QUALITY_TEMPLATES),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    return env.get_template("page.html.j2")


# --- values as the page writes them -------------------------------------------------------------

def _count(n: int | None, fmt: Formatter) -> str:
    """A count, empty when there is none (a table that was not read)."""
    return "" if n is None else fmt.count(n)


def _percent(p: float, fmt: Formatter) -> str:
    """A percentage (``p`` in 0-100) with one decimal, or two significant digits below 0.1."""
    decimals = 1
    if 0 < p < 0.1:
        decimals = -Decimal(f"{p:.2g}").normalize().as_tuple().exponent
    return fmt.percent(p / 100, decimals)


def _value(v: Any, lang: str) -> str:
    v = plain(v)
    if v is None:
        return "∅"
    if isinstance(v, list):
        return "(" + ", ".join(_value(x, lang) for x in v) + ")"
    if isinstance(v, float):
        written = f"{v:g}"
        return written.replace(".", ",") if lang == "it" else written
    return str(v)


def _reason(c: CheckResult, lang: str) -> str:
    """Why a check was not applicable, in words when the catalogue has them."""
    return text(f"quality.{c.skipped}", lang) if has_text(f"quality.{c.skipped}") else (
        c.skipped or "")


def _severity(c: CheckResult, lang: str) -> str:
    key = f"quality.sev_{c.severity}"
    return text(key, lang) if has_text(key) else c.severity


def _observed(c: CheckResult, fmt: Formatter) -> str:
    if c.success is None:
        return ""
    if c.element_count is not None and c.unexpected_count is not None:
        return (f"{fmt.count(c.unexpected_count)} {text('quality.of', fmt.lang)} "
                f"{fmt.count(c.element_count)} ({_percent(c.unexpected_percent or 0, fmt)})")
    if c.observed is not None:
        return _value(c.observed, fmt.lang)
    return ""


def _failing_values(c: CheckResult, lang: str) -> dict[str, Any] | None:
    """The sample of failing values, or ``hidden`` when they are personal data."""
    if not c.failed or all(plain(v) is None for v in c.failing_values):
        return None
    if not c.publishable:
        return {"hidden": True, "text": ""}
    return {"hidden": False, "text": ", ".join(_value(v, lang) for v in c.failing_values)}


def _failing_rows(c: CheckResult, fmt: Formatter) -> str:
    if not c.failed or not c.failing_rows:
        return ""
    rows = ", ".join(str(r) for r in c.failing_rows)
    total = c.unexpected_count or len(c.failing_rows)
    if total > len(c.failing_rows):
        rows += f" … ({fmt.count(total)} {text('quality.in_all', fmt.lang)})"
    return rows


def _description(c: CheckResult, lang: str) -> str:
    return c.description.get(lang) or c.description.get("en") or c.check


# --- the page's parts ---------------------------------------------------------------------------

def _problem(c: CheckResult, fmt: Formatter) -> dict[str, Any]:
    lang = fmt.lang
    return {"sev": "critical" if c.severity == "critical" else "warning",
            "tag": _severity(c, lang).upper(), "table": c.table, "column": c.column,
            "check": c.check, "line": c.line(lang, private=False),
            "description": _description(c, lang), "expectation_type": c.expectation_type,
            "values": _failing_values(c, lang), "rows": _failing_rows(c, fmt)}


def _check_row(c: CheckResult, fmt: Formatter) -> dict[str, Any]:
    lang = fmt.lang
    cls = "" if c.success is not False else (
        "critical" if c.severity == "critical" else "warning")
    return {"cls": cls, "description": _description(c, lang), "check": c.check,
            "column": c.column or "", "expectation_type": c.expectation_type or "",
            "severity": _severity(c, lang), "success": bool(c.success),
            "observed": _observed(c, fmt), "values": _failing_values(c, lang),
            "rows": _failing_rows(c, fmt)}


def _table_section(table: str, checks: list[CheckResult], fmt: Formatter) -> dict[str, Any]:
    """Every check of one table: the applicable ones in rows, the others by reason."""
    skipped = [c for c in checks if c.success is None]
    by_reason: dict[str, list[str]] = {}
    for c in skipped:
        labels = by_reason.setdefault(_reason(c, fmt.lang), [])
        if (c.column or c.check) not in labels:
            labels.append(c.column or c.check)
    return {"table": table,
            "checks": [_check_row(c, fmt) for c in checks if c.success is not None],
            "skipped": fmt.count(len(skipped)) if skipped else "",
            "reasons": list(by_reason.items())}


def _table_summary(result: ValidationResult, table: str, fmt: Formatter) -> dict[str, str]:
    """One row of the summary by table: file, rows, checks and their outcomes."""
    cs = [c for c in result.checks if c.table == table]
    return {"table": table,
            "file": result.files.get(table) or (cs[0].file if cs else "") or "",
            "rows": _count(result.tables.get(table), fmt), "checks": fmt.count(len(cs)),
            "passed": fmt.count(sum(c.success is True for c in cs)),
            "warnings": fmt.count(sum(c.failed and c.severity != "critical" for c in cs)),
            "critical": fmt.count(sum(c.failed and c.severity == "critical" for c in cs)),
            "na": fmt.count(sum(c.success is None for c in cs))}


def _meta(result: ValidationResult, lang: str) -> list[tuple[str, str]]:
    """The header's facts: wave, time, raw folder, wave compared with, engine."""
    meta = [
        (text("quality.wave", lang), result.wave),
        (text("quality.checked", lang), result.started.replace("T", " ")),
        (text("quality.raw", lang), result.raw_dir or ""),
        (text("quality.previous", lang), result.previous_wave or text("quality.none", lang)),
        (text("quality.engine", lang), result.engine or ""),
    ]
    if result.absent_tables:
        meta.append((text("quality.absent_tables", lang), ", ".join(result.absent_tables)))
    return meta


def quality_report_html(result: ValidationResult, lang: str = "it") -> str:
    """The report as one HTML document (self-contained: inline CSS, no script).

    Parameters
    ----------
    result
        What :func:`pipeline.validate.validate_wave` returned.
    lang
        ``"it"`` (default) or ``"en"``.

    Returns
    -------
    str
        The page.

    Raises
    ------
    ValueError
        If ``lang`` is not one of :data:`LANGS`.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    fmt = Formatter(lang)
    tables = list(dict.fromkeys(c.table for c in result.checks))
    return _template().render(
        lang=lang,
        t={k: text(f"quality.{k}", lang) for k in WORDS},
        css=QUALITY_CSS_PATH.read_text(encoding="utf-8"),
        wave=result.wave,
        status=result.status,
        status_text=text(f"quality.status_{result.status}", lang),
        summary=result.summary(lang),
        first=result.first_error_line(lang, private=False),
        synthetic=result.synthetic,
        synthetic_mark=text("synthetic_mark", lang),
        meta=_meta(result, lang),
        tables=[_table_summary(result, table, fmt) for table in tables],
        problems=[_problem(c, fmt) for c in result.problems()],
        sections=[_table_section(table, [c for c in result.checks if c.table == table], fmt)
                  for table in tables],
        engine=result.engine or "",
    )


def write_quality_report(result: ValidationResult, path: str | Path, lang: str = "it") -> Path:
    """Write the data-quality report of ``result`` to ``path`` (atomically).

    Parameters
    ----------
    result
        What :func:`pipeline.validate.validate_wave` returned.
    path
        The HTML file to write; its folder is created.
    lang
        ``it`` (default) or ``en``.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from pipeline.atomic import write_text_atomic

    path = Path(path)
    write_text_atomic(path, quality_report_html(result, lang))
    return path
