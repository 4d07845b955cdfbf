"""Accessibility of every page of a built wave: axe-core in the real browser, no violation.

Verona Innovazione is a public body: its documents meet WCAG 2.1 AA (L. 4/2004, AgID
guidelines, EN 301 549). axe-core (pinned in ``package.json``, installed into
``node_modules/`` by ``npm ci``, which ``make test`` runs) is injected into each page opened
in Debian's headless Chromium and runs its default rules: WCAG 2.0, 2.1 and 2.2 A and AA
and its best practices (landmarks, headings, contrast, names of links and images, tables'
headers...). Every HTML page of the site, in both languages, the index, the section reports,
the summary, methods, provenance, data quality and the companies' reports, has none.

``scripts/a11y_check.py <site folder>`` runs the same check on a site built by ``make demo``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.readers import (
    BuiltSite,
    axe_report,
    axe_script,
    built_site,
    open_chromium,
    require_tool,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def axe() -> str:
    script = axe_script()
    if script is None:
        require_tool("axe-core (npm ci)")
    return script


@pytest.fixture(scope="module")
def browser():
    yield from open_chromium()


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    return built_site(tmp_path_factory)


def test_every_page_has_no_axe_violation(site, browser, axe):
    pages = site.html_files()
    names = {site.rel(p) for p in pages}
    for lang in ("", "en/"):
        assert {f"{lang}index.html", f"{lang}methods.html", f"{lang}provenance.html",
                f"{lang}sintesi.html", f"{lang}data_quality.html"} <= names
        report = "report-en.html" if lang else "report.html"  # confidential/<wave>/<folder>/
        assert any(n.startswith("confidential/") and n.endswith(f"/{report}") for n in names)
    found = {}
    for page in pages:
        violations = browser.axe(page.as_uri(), axe)
        if violations:
            found[site.rel(page)] = violations
    assert not found, (f"axe-core: {len(found)} of {len(pages)} pages break accessibility "
                       "rules (rule, impact, elements):\n" + axe_report(found))


def _check(column: str, severity: str, success: bool | None):
    from pipeline.validate.result import CheckResult

    failed = success is False
    return CheckResult(table="worker_survey", check=f"worker_survey.{column}.scale",
                       kind="scale", expectation_type="expect_column_values_to_be_between",
                       column=column, severity=severity, success=success,
                       description={"it": f"Valori ammessi di {column}", "en": column},
                       element_count=100, unexpected_count=3 if failed else 0,
                       unexpected_percent=3.0 if failed else 0.0,
                       failing_values=[9, 11] if failed else [],
                       failing_rows=[4, 7] if failed else [],
                       skipped=None if success is not None else "column_absent")


@pytest.mark.parametrize("worst", ["warning", "critical"])
def test_a_quality_page_with_problems_has_no_violation(tmp_path, browser, axe, worst):
    """The built demo wave passes every check; a wave with warnings or critical failures
    shows coloured statuses, tags and rows, which must stay readable too."""
    from pipeline.validate.report import quality_report_html
    from pipeline.validate.result import ValidationResult

    checks = [_check("age", worst, False), _check("wlb", "warning", False),
              _check("sat", "warning", True), _check("x", "warning", None)]
    result = ValidationResult(wave="demo-2014", checks=checks, synthetic=True,
                              tables={"worker_survey": 100})
    found = {}
    for lang in ("it", "en"):
        page = tmp_path / f"data_quality.{lang}.html"
        page.write_text(quality_report_html(result, lang), encoding="utf-8")
        assert "status " + ("warnings" if worst == "warning" else "failed") in \
            page.read_text(encoding="utf-8")
        if violations := browser.axe(page.as_uri(), axe):
            found[page.name] = violations
    assert not found, axe_report(found)


BAD_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body>
<div>Fuori da ogni regione</div>
<main><h1>Titolo</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p style="color:#bbb;background:#fff">Testo poco contrastato</p>
<a href="r.pdf" aria-label="Rapporto (scarica)">PDF</a>
<table><tr><td>1</td></tr></table>
</main></body></html>"""


def test_the_axe_check_catches_what_it_should(tmp_path, browser, axe):
    """A page with the faults the site had or could have is caught on each count."""
    page = tmp_path / "bad.html"
    page.write_text(BAD_PAGE, encoding="utf-8")
    violations = {v["id"]: v for v in browser.axe(page.as_uri(), axe)}
    for rule in ("html-has-lang", "image-alt", "color-contrast", "region",
                 "label-content-name-mismatch"):
        assert rule in violations, f"axe did not report {rule}: {sorted(violations)}"
    report = axe_report({"bad.html": list(violations.values())}).splitlines()
    at = report.index("bad.html: label-content-name-mismatch (serious, 1 node(s)): Elements "
                      "must have their visible text as part of their accessible name")
    assert report[at + 1] == "    a"  # the selector of the element at fault


def test_axe_is_the_pinned_version():
    """The check runs the axe-core that package-lock.json pins (what CI installs)."""
    import json

    root = Path(__file__).resolve().parents[2]
    lock = json.loads((root / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/axe-core"]["version"]
    assert json.loads((root / "package.json").read_text())["devDependencies"]["axe-core"] \
        == pinned
    installed = root / "node_modules" / "axe-core" / "package.json"
    if not installed.is_file():
        require_tool("axe-core (npm ci)")
    assert json.loads(installed.read_text())["version"] == pinned


GOOD_PAGE = """<!DOCTYPE html><html lang="it"><head><meta charset="utf-8"><title>Pagina</title>
</head><body><main><h1>Titolo</h1><p>Testo leggibile.</p></main></body></html>"""


def test_the_script_checks_a_folder(tmp_path, capsys, axe, browser):
    """``scripts/a11y_check.py <folder>``: one line per page, the faults, exit 1."""
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("a11y_check", root / "scripts/a11y_check.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good.html").write_text(GOOD_PAGE, encoding="utf-8")
    assert script.main([str(tmp_path)]) == 0
    (tmp_path / "bad.html").write_text(BAD_PAGE, encoding="utf-8")
    assert script.main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "  0 violation(s),   0 node(s)  " + str(tmp_path / "sub" / "good.html") in out
    assert "2 pages, 1 with violations" in out
    assert f"{tmp_path / 'bad.html'}: image-alt (critical, 1 node(s))" in out
