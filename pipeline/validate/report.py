"""The data-quality report of a wave: one self-contained HTML page, in Italian or English.

``write_quality_report(result, path, lang="it")`` lists every check of a
:class:`~pipeline.validate.result.ValidationResult`: what it checks, the column, the
great-expectations expectation type, its severity, the result, the observed value, the
failing values (a sample) and the failing rows (spreadsheet row numbers). Problems come
first, critical before warnings. The page has no script, no external style sheet, font or
image: it opens offline and prints on A4.

Values of columns the codebook marks ``publish: false`` (names, respondent ids, free text)
are never shown: the report may be published next to the wave's reports.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from pipeline.i18n.text import has_text, text
from pipeline.validate.result import CheckResult, ValidationResult, plain

LANGS = ("it", "en")

CSS = """
:root{--ok:#1b7a3a;--warn:#9a6700;--bad:#b42318;--muted:#5f6b76;--line:#d8dee4}
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;font-size:14px;line-height:1.45;
color:#1f2328;margin:0 auto;max-width:1200px;padding:24px}
h1{font-size:24px;margin:0 0 8px}h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid
var(--line);padding-bottom:4px}h3{font-size:16px;margin:18px 0 6px}
.status{padding:10px 14px;border-radius:6px;font-weight:bold;margin:10px 0}
.status.passed{background:#e6f4ea;color:var(--ok)}.status.warnings{background:#fff4d6;
color:var(--warn)}.status.failed{background:#fde7e7;color:var(--bad)}
.synthetic{background:#eef2ff;padding:8px 12px;border-radius:6px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.num{text-align:right;white-space:nowrap}
tr.critical td.res{color:var(--bad);font-weight:bold}tr.warning td.res{color:var(--warn);
font-weight:bold}td.res.ok{color:var(--ok)}
.problem{border-left:5px solid var(--bad);padding:6px 12px;margin:10px 0;background:#fffafa}
.problem.warning{border-left-color:var(--warn);background:#fffdf5}
.problem p{margin:3px 0}.line{font-family:"DejaVu Sans Mono",Consolas,monospace;
font-size:12.5px;word-break:break-word}
.tag{display:inline-block;font-size:11px;font-weight:bold;padding:1px 6px;border-radius:3px;
color:#fff;background:var(--bad);margin-right:6px}.tag.warning{background:var(--warn)}
code{font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:12px;
overflow-wrap:anywhere}td{overflow-wrap:anywhere}
.muted{color:var(--muted)}details{margin:4px 0 12px}
@media print{body{padding:0;font-size:11px}@page{size:A4;margin:14mm}
h2{break-after:avoid}tr,.problem{break-inside:avoid}}
"""


def _t(key: str, lang: str) -> str:
    return text(f"quality.{key}", lang)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _int(n: int | None, lang: str) -> str:
    if n is None:
        return ""
    text = f"{int(n):,}"
    return text.replace(",", ".") if lang == "it" else text


def _pct(p: float | None, lang: str) -> str:
    if p is None:
        return ""
    text = f"{p:.1f}" if p >= 0.1 or p == 0 else f"{p:.2g}"
    return (text.replace(".", ",") if lang == "it" else text) + " %"


def _value(v: Any, lang: str) -> str:
    v = plain(v)
    if v is None:
        return "∅"
    if isinstance(v, list):
        return "(" + ", ".join(_value(x, lang) for x in v) + ")"
    if isinstance(v, float):
        text = f"{v:g}"
        return text.replace(".", ",") if lang == "it" else text
    return str(v)


def _severity(c: CheckResult, lang: str) -> str:
    return _t(f"sev_{c.severity}", lang) if has_text(f"quality.sev_{c.severity}") else c.severity


def _observed(c: CheckResult, lang: str) -> str:
    if c.success is None:
        return ""
    if c.element_count is not None and c.unexpected_count is not None:
        return (f"{_int(c.unexpected_count, lang)} {_t('of', lang)} "
                f"{_int(c.element_count, lang)} ({_pct(c.unexpected_percent or 0, lang)})")
    if c.observed is not None:
        return _value(c.observed, lang)
    return ""


def _values_cell(c: CheckResult, lang: str) -> str:
    if not c.failed or all(plain(v) is None for v in c.failing_values):
        return ""
    if not c.publishable:
        return f'<span class="muted">{_e(_t("hidden", lang))}</span>'
    shown = ", ".join(_e(_value(v, lang)) for v in c.failing_values)
    return f"<code>{shown}</code>"


def _rows_cell(c: CheckResult, lang: str) -> str:
    if not c.failed or not c.failing_rows:
        return ""
    rows = ", ".join(str(r) for r in c.failing_rows)
    total = c.unexpected_count or len(c.failing_rows)
    if total > len(c.failing_rows):
        rows += f" … ({_int(total, lang)} {_t('in_all', lang)})"
    return _e(rows)


def _result_cell(c: CheckResult, lang: str) -> str:
    if c.success is None:
        reason = _t(c.skipped, lang) if has_text(f"quality.{c.skipped}") else (c.skipped or "")
        return f'<td class="res muted">{_e(_t("skipped", lang))}: {_e(reason)}</td>'
    if c.success:
        return f'<td class="res ok">✓ {_e(_t("ok", lang))}</td>'
    return f'<td class="res">✗ {_e(_t("ko", lang))}</td>'


def _description(c: CheckResult, lang: str) -> str:
    return c.description.get(lang) or c.description.get("en") or c.check


def _problem(c: CheckResult, lang: str) -> str:
    sev = "critical" if c.severity == "critical" else "warning"
    parts = [
        f'<article class="problem {sev}" id="{_e(c.check)}">',
        f'<h3><span class="tag {sev}">{_e(_severity(c, lang).upper())}</span>'
        f"{_e(c.table)}{' · ' + _e(c.column) if c.column else ''}"
        f' <span class="muted">({_e(c.check)})</span></h3>',
        f'<p class="line">{_e(c.line(lang, private=False))}</p>',
        f"<p>{_e(_t('check', lang))}: {_e(_description(c, lang))}"
        + (f" · <code>{_e(c.expectation_type)}</code>" if c.expectation_type else "") + "</p>",
    ]
    values = _values_cell(c, lang)
    if values:
        parts.append(f"<p>{_e(_t('values', lang))}: {values}</p>")
    rows = _rows_cell(c, lang)
    if rows:
        parts.append(f"<p>{_e(_t('failing_rows', lang))}: {rows}</p>")
    parts.append("</article>")
    return "\n".join(parts)


def _check_row(i: int, c: CheckResult, lang: str) -> str:
    cls = "" if c.success is not False else ("critical" if c.severity == "critical"
                                             else "warning")
    return (
        f'<tr class="{cls}"><td class="num">{i}</td>'
        f"<td>{_e(_description(c, lang))}<br><span class=\"muted\">{_e(c.check)}</span></td>"
        f"<td>{_e(c.column or '')}</td>"
        f"<td><code>{_e(c.expectation_type or '')}</code></td>"
        f"<td>{_e(_severity(c, lang))}</td>{_result_cell(c, lang)}"
        f'<td class="num">{_e(_observed(c, lang))}</td>'
        f"<td>{_values_cell(c, lang)}</td><td>{_rows_cell(c, lang)}</td></tr>"
    )


def _table_section(table: str, checks: list[CheckResult], lang: str) -> str:
    applicable = [c for c in checks if c.success is not None]
    skipped = [c for c in checks if c.success is None]
    head = "".join(f"<th>{_e(h)}</th>" for h in (
        "#", _t("check", lang), _t("column", lang), _t("expectation", lang),
        _t("severity", lang), _t("result", lang), _t("observed", lang), _t("values", lang),
        _t("failing_rows", lang)))
    body = "\n".join(_check_row(i, c, lang) for i, c in enumerate(applicable, start=1))
    out = [f'<h3 id="t-{_e(table)}">{_e(table)}</h3>',
           f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"]
    if skipped:
        by_reason: dict[str, list[str]] = {}
        for c in skipped:
            reason = _t(c.skipped, lang) if has_text(f"quality.{c.skipped}") else (c.skipped or "")
            by_reason.setdefault(reason, [])
            label = c.column or c.check
            if label not in by_reason[reason]:
                by_reason[reason].append(label)
        items = "".join(f"<li>{_e(reason)}: <code>{_e(', '.join(cols))}</code></li>"
                        for reason, cols in by_reason.items())
        out.append(f"<details><summary>{_int(len(skipped), lang)} "
                   f"{_e(_t('not_applicable_list', lang))}</summary><ul>{items}</ul></details>")
    return "\n".join(out)


def quality_report_html(result: ValidationResult, lang: str = "it") -> str:
    """The report as one HTML document (self-contained: inline CSS, no script)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    status = result.status
    tables = list(dict.fromkeys(c.table for c in result.checks))
    first = result.first_error_line(lang, private=False)
    meta = [
        (_t("wave", lang), result.wave),
        (_t("checked", lang), result.started.replace("T", " ")),
        (_t("raw", lang), result.raw_dir or ""),
        (_t("previous", lang), result.previous_wave or _t("none", lang)),
        (_t("engine", lang), result.engine or ""),
    ]
    if result.absent_tables:
        meta.append((_t("absent_tables", lang), ", ".join(result.absent_tables)))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(_t('title', lang))} · {_e(result.wave)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<header><h1>{_e(_t('title', lang))} · {_e(result.wave)}</h1>",
        f'<p class="status {status}">{_e(_t("status_" + status, lang))} — '
        f"{_e(result.summary(lang))}</p>",
    ]
    if first:
        parts.append(f'<p>{_e(_t("first", lang))}: <span class="line">{_e(first)}</span></p>')
    if result.synthetic:
        parts.append(f'<p class="synthetic"><strong>{_e(text("synthetic_mark", lang))}</strong>'
                     f' {_e(_t("synthetic", lang))}</p>')
    parts.append('<dl class="meta">' + "".join(
        f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in meta) + "</dl></header>")

    # summary by table
    head = "".join(f"<th>{_e(_t(k, lang))}</th>" for k in (
        "table", "file", "rows", "checks", "passed", "warnings", "critical", "na"))
    rows = []
    for table in tables:
        cs = [c for c in result.checks if c.table == table]
        n_rows = result.tables.get(table)
        rows.append(
            f'<tr><td><a href="#t-{_e(table)}">{_e(table)}</a></td>'
            f"<td>{_e(result.files.get(table) or (cs[0].file if cs else '') or '')}</td>"
            f'<td class="num">{_int(n_rows, lang)}</td>'
            f'<td class="num">{_int(len(cs), lang)}</td>'
            f'<td class="num">{_int(sum(c.success is True for c in cs), lang)}</td>'
            f'<td class="num">{_int(sum(c.failed and c.severity != "critical" for c in cs), lang)}'
            f"</td>"
            f'<td class="num">{_int(sum(c.failed and c.severity == "critical" for c in cs), lang)}'
            f"</td>"
            f'<td class="num">{_int(sum(c.success is None for c in cs), lang)}</td></tr>')
    parts.append(f"<section><h2>{_e(_t('summary', lang))}</h2><table><thead><tr>{head}</tr>"
                 f"</thead><tbody>{''.join(rows)}</tbody></table></section>")

    # problems, critical first
    problems = result.problems()
    parts.append(f"<section><h2>{_e(_t('problems', lang))}</h2>")
    if problems:
        parts.extend(_problem(c, lang) for c in problems)
    else:
        parts.append(f"<p>{_e(_t('no_problems', lang))}</p>")
    parts.append("</section>")

    # every check, by table
    parts.append(f"<section><h2>{_e(_t('all_checks', lang))}</h2>")
    for table in tables:
        parts.append(_table_section(table, [c for c in result.checks if c.table == table],
                                    lang))
    parts.append("</section>")

    notes = "".join(f"<li>{_e(_t(k, lang))}</li>" for k in (
        "note_rows", "note_severity", "note_sample", "note_suites"))
    parts.append(f"<section><h2>{_e(_t('notes', lang))}</h2><ul>{notes}</ul></section>")
    parts.append(f'<footer class="muted"><p>{_e(_t("generated", lang))} · '
                 f"{_e(result.engine or '')}</p></footer></body></html>")
    return "\n".join(parts) + "\n"


def write_quality_report(result: ValidationResult, path: str | Path, lang: str = "it") -> Path:
    """Write the data-quality report of ``result`` to ``path`` (atomically); return the path.

    Parameters
    ----------
    result
        What :func:`pipeline.validate.validate_wave` returned.
    path
        The HTML file to write; its folder is created.
    lang
        ``it`` (default) or ``en``.
    """
    from pipeline.atomic import write_text_atomic

    path = Path(path)
    write_text_atomic(path, quality_report_html(result, lang))
    return path
