"""The wave's site: ``reports/<wave>/index.html``, the methods appendix and the provenance page.

Three pages, written by :func:`write_site` into the (staging) site folder of one language:

``index.html``
    The page stakeholders open first: the wave at a glance (tiles), the first figure of the
    first section, links to every section report (HTML and PDF), to the tables behind the
    figures (``tables/*.csv``), to the data-quality report (with its verdict, and a notice
    on the first screen when it has warnings), to the methods appendix and to the
    provenance page. It never links ``confidential/`` (the per-company reports).
``methods.html`` + ``methods.pdf``
    The survey design as DATA_CONTRACT.md defines it and the pipeline builds it
    (:mod:`pipeline.analyse.analysis.survey`: the minimum respondents per post-stratum, the
    Korn-Graubard interval), the design's figures for the wave, the headline indicators'
    standard errors with and without the finite population correction, how comparisons are
    tested and their size as the calibration study measured it
    (:mod:`pipeline.analyse.stats.calibration`), the definitions of the indicators and the
    suppression rule with the run's ``min_cell``.
``provenance.html`` + ``provenance.pdf``
    Run id and time, code version, hashes of the raw input files, parameters and the
    versions of the libraries that computed and rendered the results.

Every page is self-contained (the report theme inlined, figures as data URIs, no script, no
link to anything outside the site): it opens offline and from an e-mail attachment, and
prints on A4 like the section reports. Every page of a synthetic wave carries the
"synthetic demo data" mark, on screen and on every printed page. Italian by default,
English with ``lang="en"``; the prose lives in ``pipeline/i18n/texts/site_texts.yaml``.
"""

from __future__ import annotations

import csv
import datetime as dt
import html as html_lib
import importlib.metadata
import json
import platform
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import nbformat
from markupsafe import Markup

from pipeline.analyse.analysis.context import headline_counts
from pipeline.atomic import write_text_atomic
from pipeline.config import TEMPLATES_DIR, TEXTS_DIR
from pipeline.config import min_cell as default_min_cell
from pipeline.i18n.formatting import format_date, format_number, format_percent, normalize_lang
from pipeline.i18n.text import has_text, text
from pipeline.render.labels import DEFAULT_PROMOTERS
from pipeline.render.pdf import page_css
from pipeline.wave import WaveData

__all__ = ["LIBRARIES", "library_versions", "site_text", "write_site"]

SITE_TEXTS_PATH = TEXTS_DIR / "site_texts.yaml"
REPORT_CSS_PATH = TEMPLATES_DIR / "welfare_report" \
    / "report.css"

#: Libraries whose versions the provenance page lists (distribution names).
LIBRARIES = ("pandas", "numpy", "scipy", "seaborn", "matplotlib", "pyarrow",
             "papermill", "jupytext", "nbconvert", "weasyprint", "great_expectations")

#: Headline counts shown as tiles, in order.
TILES = ("n_companies", "n_employees", "n_municipalities", "n_network", "n_surveyed",
         "n_workers")

#: At most this many data-quality warnings are listed on the index (all are in the report).
MAX_WARNINGS_SHOWN = 10


# --- texts ------------------------------------------------------------------------------------

def site_text(key: str, lang: str = "it", **values: Any) -> str:
    """The text ``key`` in ``lang`` (the site's prose is in ``site_texts.yaml``, which the
    common catalogue of :mod:`pipeline.i18n.text` reads with the other ``*texts*.yaml``)."""
    return text(key, normalize_lang(lang), **values)


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")


def _inline(escaped: str) -> str:
    return _CODE.sub(r"<code>\1</code>", _BOLD.sub(r"<strong>\1</strong>", escaped))


def prose(source: str) -> Markup:
    """A text of the catalogue as HTML: paragraphs, ``- `` lists, ``**bold**``, ```code```.

    The text is escaped first: the catalogue cannot inject markup.
    """
    blocks: list[str] = []
    para: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(f"<p>{_inline(' '.join(para))}</p>")
            para.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in source.strip().splitlines():
        line = html_lib.escape(raw.rstrip(), quote=False)
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("- "):
            if para:
                flush()
            items.append(stripped[2:])
        elif items and raw.startswith("  "):
            items[-1] += " " + stripped  # continuation of a list item
        else:
            if items:
                flush()
            para.append(stripped)
    flush()
    return Markup("\n".join(blocks))


# --- small helpers ------------------------------------------------------------------------------

def _format_bytes(size: Any, lang: str) -> str:
    """A file size as a reader writes it: ``850 B``, ``12 kB``, ``1,4 MB``."""
    if size is None:
        return "—"
    size = int(size)
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{format_number(size / 1000, lang, decimals=0)} kB"
    return f"{format_number(size / 1_000_000, lang, decimals=1)} MB"


def _file_size(path: Path, lang: str) -> str | None:
    return _format_bytes(path.stat().st_size, lang) if path.is_file() else None


def _csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        return max(sum(1 for _ in csv.reader(f)) - 1, 0)


def _started(run_info: Mapping[str, Any] | None) -> dt.datetime | None:
    value = (run_info or {}).get("started")
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _date_time(moment: dt.datetime, lang: str) -> str:
    return f"{format_date(moment.date(), lang)}, {moment:%H:%M}"


def library_versions(names: Sequence[str] = LIBRARIES) -> dict[str, str | None]:
    """``{distribution: version or None}``, read from the installed metadata (no imports)."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def first_figure(executed: Path, lang: str = "it") -> tuple[str, str] | None:
    """The first PNG figure of an executed notebook, as a data URI, with its caption."""
    if not Path(executed).is_file():
        return None
    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                png = data["image/png"]
                png = "".join(png) if isinstance(png, list) else str(png)
                caption = output.get("metadata", {}).get("caption", "")
                if isinstance(caption, dict):
                    caption = (caption.get(lang) or caption.get("it")
                               or next(iter(caption.values()), ""))
                return f"data:image/png;base64,{''.join(png.split())}", str(caption or "")
    return None


def _read_table(path: Path, needed: set[str]):
    """A published CSV table with at least the ``needed`` columns, else ``None``."""
    if not path.is_file():
        return None
    import pandas as pd

    try:
        df = pd.read_csv(path)
    except (ValueError, OSError):
        return None
    return df if needed <= set(df.columns) else None


def _overall(df, min_cell: int):
    """Rows of a tidy table for the whole population, with a publishable estimate."""
    import pandas as pd

    rows = df[df["group_var"].astype("str") == "all"]
    estimate = pd.to_numeric(rows["estimate"], errors="coerce")
    n = pd.to_numeric(rows["n"], errors="coerce")
    return rows[estimate.notna() & (n >= min_cell)].assign(estimate=estimate)


def _result_tiles(tables_dir: Path, lang: str, min_cell: int) -> list[tuple[str, str]]:
    """Tiles from the analyses' tables, when they exist: the most felt need, the balance."""
    tiles = []
    needs = _read_table(tables_dir / "needs.csv", {"measure", "group_var", "estimate", "n"})
    if needs is not None:
        rows = _overall(needs, min_cell)
        if len(rows):
            top = rows.loc[rows["estimate"].idxmax()]
            try:
                from pipeline.codebook import load_codebook

                measure = load_codebook().measure_label(str(top["measure"]), lang)
            except (KeyError, ValueError):
                measure = str(top["measure"])
            tiles.append((site_text("site.tile.top_need", lang, measure=measure),
                          format_percent(top["estimate"], lang, decimals=0)))
    balance = _read_table(tables_dir / "work_life_balance.csv",
                          {"indicator", "group_var", "estimate", "n"})
    if balance is not None:
        rows = _overall(balance, min_cell)
        rows = rows[rows["indicator"].astype("str") == "wlb_fit_good"]
        if len(rows):
            tiles.append((site_text("site.tile.wlb_fit_good", lang),
                          format_percent(rows["estimate"].iloc[0], lang, decimals=0)))
    return tiles


def _design_facts(data: WaveData) -> dict[str, int] | None:
    """The design of the worker survey in this wave: strata, respondents, degrees of freedom,
    the minimum respondents per post-stratum, the companies post-stratified as one cell
    (with that minimum, as every report's design) and those where more than half of the
    employees answered."""
    workers = data.tables.get("worker_survey")
    companies = data.tables.get("companies")
    if workers is None or companies is None or not len(workers):
        return None
    from pipeline.analyse.analysis.survey import MIN_POSTSTRATUM, wave_weights

    strata = int(workers["company_id"].nunique())
    facts = {"strata": strata, "respondents": len(workers),
             "df": len(workers) - strata, "df_cluster": max(strata - 1, 0),
             "min_poststratum": MIN_POSTSTRATUM}
    try:
        weights = wave_weights(workers, companies)
    except (KeyError, ValueError):  # the quality gate reports bad data
        return facts
    by_company = weights.groupby("company_id", observed=True).first()
    facts["collapsed"] = int(by_company["collapsed"].sum())
    facts["half"] = int((by_company["n_company"] > 0.5 * by_company["N"]).sum())
    return facts


def _fpc_rows(data: WaveData, min_cell: int, lang: str) -> list[tuple[str, list[str]]]:
    """The methods appendix's table of the headline indicators with and without the fpc:
    ``(indicator label, [estimate, se, se without fpc, deff, icc, respondents])`` for each
    indicator with at least ``min_cell`` respondents."""
    workers = data.tables.get("worker_survey")
    companies = data.tables.get("companies")
    if workers is None or companies is None or not len(workers):
        return []
    from pipeline.analyse.analysis.survey import fpc_comparison
    from pipeline.i18n.formatting import Formatter

    try:
        table = fpc_comparison(workers, companies, min_cell=min_cell)
    except (KeyError, ValueError):  # the quality gate reports bad data
        return []
    fmt = Formatter(lang)

    def se(value: float, kind: str) -> str:
        if kind == "proportion":
            return text("format.points", lang, value=fmt.number(100 * value, 2))
        return fmt.number(value, 3)

    rows = []
    for r in table[~table["suppressed"]].itertuples():
        estimate = (fmt.percent(r.estimate, 1) if r.kind == "proportion"
                    else fmt.number(r.estimate, 2))
        rows.append((site_text(f"site.fpc.indicator.{r.indicator}", lang)
                     if has_text(f"site.fpc.indicator.{r.indicator}") else str(r.indicator),
                     [estimate, se(r.se, r.kind), se(r.se_nofpc, r.kind),
                      fmt.number(r.deff, 2), fmt.number(r.icc, 2),
                      fmt.number(r.n, 0)]))
    return rows


#: Value columns of the methods page's fpc table, after the indicator (site.fpc.col.*).
FPC_TABLE_COLUMNS = ("estimate", "se", "se_nofpc", "deff", "icc", "n")


def _percent_in_words(share: float, lang: str) -> str:
    """A rate as the methods prose writes it: ``il 4,6 %`` / ``l'8,2 %`` in Italian (the
    article of the number as it is read), ``4.6%`` in English."""
    value = format_percent(share, lang, decimals=1)
    if lang != "it":
        return value
    whole = value.split(",")[0]
    vowel = whole in ("1", "8", "11") or (len(whole) == 2 and whole.startswith("8"))
    return ("l'" if vowel else "il ") + value


def _short_number(x: float, lang: str) -> str:
    """A grid value with no useless zeros: ``20``, ``0,05``, ``0,3``."""
    value = format_number(x, lang, decimals=2)
    point = "," if lang == "it" else "."
    return value.rstrip("0").rstrip(point) if point in value else value


def _span(low: float, high: float, lang: str) -> str:
    low_text, high_text = _short_number(low, lang), _short_number(high, lang)
    if low_text == high_text:
        return low_text
    return site_text("site.calibration.span", lang, low=low_text, high=high_text)


def _rate_range(row, lang: str) -> str:
    if row is None:
        return site_text("site.calibration.not_measured", lang)
    low, high = _percent_in_words(row.rate_min, lang), _percent_in_words(row.rate_max, lang)
    if low == high:
        return low
    return site_text("site.calibration.range", lang, low=low, high=high)


def _comparisons_values(lang: str) -> dict[str, str]:
    """The published tests' settings, as the code has them: resamples and minimums."""
    import inspect

    from pipeline.analyse.stats.resampling import (
        MIN_ASSIGNMENTS,
        MIN_TEST_COMPANIES,
        permutation_test,
        wild_cluster_bootstrap,
    )

    def default(func, name: str) -> int:
        return int(inspect.signature(func).parameters[name].default)

    count = lambda v: format_number(v, lang, decimals=0)  # noqa: E731
    return {"n_perm": count(default(permutation_test, "n_resamples")),
            "n_boot": count(default(wild_cluster_bootstrap, "n_resamples")),
            "min_assignments": count(MIN_ASSIGNMENTS),
            "min_test_companies": count(MIN_TEST_COMPANIES)}


def _comparisons_size(lang: str) -> Markup:
    """The measured size of the published tests, from the calibration study's table."""
    from pipeline.analyse.stats.calibration import (
        COMPARISON_FAMILIES,
        PUBLISHED_FAMILIES,
        calibration_summary,
        load_calibration,
    )

    try:
        summary = calibration_summary(load_calibration())
    except (OSError, ValueError):
        return prose(site_text("site.methods.comparisons.unmeasured", lang))
    published = summary[summary["family"].isin(PUBLISHED_FAMILIES)]
    if published.empty:
        return prose(site_text("site.methods.comparisons.unmeasured", lang))
    of = {r.family: r for r in summary.itertuples()}
    count = lambda v: format_number(v, lang, decimals=0)  # noqa: E731
    draws_low, draws_high = published["draws_min"].min(), published["draws_max"].max()
    values = {
        "draws": (count(draws_low) if draws_low == draws_high else site_text(
            "site.calibration.span", lang, low=count(draws_low), high=count(draws_high))),
        "companies": _span(published["companies_min"].min(),
                           published["companies_max"].max(), lang),
        "on_one_side": _span(published["on_one_side_min"].min(),
                             published["on_one_side_max"].max(), lang),
        "icc": _span(published["icc_min"].min(), published["icc_max"].max(), lang),
        "mc_se": format_number(100 * published["mc_se_max"].max(), lang, decimals=1),
        **{family: _rate_range(of.get(family), lang) for family in PUBLISHED_FAMILIES},
    }
    body = site_text("site.methods.comparisons.size", lang, **values)
    old = of.get(COMPARISON_FAMILIES[0])
    if old is not None:
        old_draws = (count(old.draws_min) if old.draws_min == old.draws_max else site_text(
            "site.calibration.span", lang, low=count(old.draws_min), high=count(old.draws_max)))
        body += "\n\n" + site_text("site.methods.comparisons.old", lang,
                                    old_cr1=_rate_range(old, lang), old_draws=old_draws)
    return prose(body)


# --- page templates ---------------------------------------------------------------------------

SITE_CSS = """
.site-cover { padding: 1.5rem 0 1rem; margin-bottom: 1rem; }
.site-kicker { margin: 0 0 .3rem; color: #57606a; font-size: .95rem; }
.site-kicker a { color: #57606a; }
.site-nav { margin: 0 0 1.5rem; font-size: .95rem; }
.site-nav a { margin-right: 1.2rem; }
.site-nav a[aria-current] { font-weight: bold; color: #1f2328; text-decoration: none; }
.site-body h2 { font-size: 1.35rem; color: #0072b2; margin: 2rem 0 .75rem;
  padding-bottom: .2rem; border-bottom: 1px solid #d0d7de; }
.site-body h3 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; }
.notice { margin: 0 0 1.5rem; padding: .8rem 1rem; background: #fff8e6; color: #3d2a00;
  border: 2px solid #e69f00; border-left-width: 8px; }
.notice.failed { background: #fff3e8; border-color: #d55e00; color: #6b2600; }
.notice p { margin: .2rem 0; }
.tiles { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0 1.5rem; padding: 0;
  list-style: none; }
.tile { flex: 1 1 10rem; margin: 0; border: 1px solid #d0d7de; border-radius: 6px;
  padding: .8rem 1rem; break-inside: avoid; }
.tile-value { display: block; font-size: 1.7rem; font-weight: bold; color: #0072b2;
  line-height: 1.2; }
.tile-label { display: block; font-size: .9rem; }
table.list td, table.list th { text-align: left; vertical-align: baseline; }
table.list td.num, table.list th.num { text-align: right; }
table.list { width: 100%; }
.hash { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace;
  font-size: .8em; word-break: break-all; overflow-wrap: anywhere; }
.quality-passed { font-weight: bold; }
.muted { color: #57606a; }
.site-footer { margin-top: 3rem; padding-top: .8rem; border-top: 1px solid #d0d7de;
  color: #57606a; font-size: .85rem; }
.site-footer p { margin: .2rem 0; }
@media print {
  .site-nav { display: none; }
  .cover.site-cover { padding-top: 0; }
  .tiles { display: block; }
  .tile { display: inline-block; width: 30%; margin: 0 1% .5rem 0; vertical-align: top; }
  table.list { font-size: 8.5pt; }
}
"""

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                          loader=jinja2.DictLoader({
    "base.html": """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="welfare-pipeline">
<title>{{ page_title }} — {{ wave }}</title>
<style>
{{ css | safe }}
</style>
</head>
<body class="welfare-site site-{{ page }}{% if synthetic %} is-synthetic{% endif %}">
{% if synthetic %}<div class="synthetic-strip" role="note">{{ synthetic_mark }}</div>
{% endif %}<header class="cover site-cover">
{% if synthetic %}<p class="synthetic-banner" role="note">{{ synthetic_mark }}</p>
{% endif %}{% if page != "index" %}<p class="site-kicker"><a href="index.html">{{ site_title }}</a></p>
{% endif %}<h1 class="cover-title">{{ page_title }}</h1>
<dl class="cover-meta">
<div><dt>{{ t.wave }}</dt><dd class="cover-wave">{{ wave }}</dd></div>
{% if fieldwork %}<div><dt>{{ t.fieldwork }}</dt><dd>{{ fieldwork }}</dd></div>
{% endif %}<div><dt>{{ t.date }}</dt><dd class="cover-date">{{ date }}</dd></div>
</dl>
</header>
<nav class="site-nav" aria-label="{{ t.nav }}">
{% for href, label in nav %}<a href="{{ href }}"{% if href == page ~ '.html' %} aria-current="page"{% endif %}>{{ label }}</a>
{% endfor %}</nav>
<main class="site-body">
{% block main %}{% endblock %}
</main>
<footer class="site-footer">
<p>{{ promoters }}</p>
<p>{{ generated }}</p>
</footer>
</body>
</html>
""",
    "index.html": """{% extends "base.html" %}{% block main %}
{% if quality_notice %}<div class="notice{% if quality_failed %} failed{% endif %}" role="note" id="quality-notice">
<p><strong>{{ quality_notice }}</strong></p>
{% if quality_href %}<p><a href="{{ quality_href }}">{{ t.quality_link }}</a></p>{% endif %}
</div>
{% endif %}<h2 id="at-a-glance">{{ t.glance }}</h2>
<ul class="tiles">
{% for label, value in tiles %}<li class="tile"><span class="tile-value">{{ value }}</span><span class="tile-label">{{ label }}</span></li>
{% endfor %}</ul>
{% if figure %}<figure class="report-figure">
<img src="{{ figure }}" alt="{{ figure_alt }}">
<figcaption>{% if figure_caption %}{{ figure_caption }}{% endif %}{% if figure_source %} <span class="muted">({{ figure_source }})</span>{% endif %}</figcaption>
</figure>
{% endif %}<h2 id="reports">{{ t.sections }}</h2>
{% if sections %}<table class="list">
<thead><tr><th>{{ t.col_html }}</th><th>{{ t.col_pdf }}</th></tr></thead>
<tbody>
{% for s in sections %}<tr><td><a href="{{ s.html }}">{{ s.title }}</a></td><td>{% if s.pdf %}<a href="{{ s.pdf }}" aria-label="{{ s.title }} (PDF)">PDF</a>{% if s.pdf_size %} <span class="muted">({{ s.pdf_size }})</span>{% endif %}{% endif %}</td></tr>
{% endfor %}</tbody>
</table>
{% else %}<p>{{ t.no_sections }}</p>
{% endif %}<p class="muted">{{ t.confidential }}</p>
<h2 id="quality">{{ t.quality_title }}</h2>
<p><span class="quality-passed">{{ quality_line }}</span>{% if quality_href %} <a href="{{ quality_href }}">{{ t.quality_link }}</a>{% endif %}</p>
{% if warnings %}<ul>
{% for w in warnings %}<li>{{ w }}</li>
{% endfor %}</ul>
{% if more_warnings %}<p>{{ more_warnings }}</p>{% endif %}
{% endif %}<h2 id="tables">{{ t.tables }}</h2>
{% if tables %}{{ t.tables_intro }}
<table class="list">
<thead><tr><th>{{ t.col_file }}</th><th class="num">{{ t.col_rows }}</th></tr></thead>
<tbody>
{% for name, rows in tables %}<tr><td><a href="tables/{{ name | urlencode }}">{{ name }}</a></td><td class="num">{{ rows }}</td></tr>
{% endfor %}</tbody>
</table>
{% else %}<p>{{ t.no_tables }}</p>
{% endif %}<h2 id="about">{{ t.about }}</h2>
<ul>
<li><a href="methods.html">{{ t.methods_link }}</a>{% if has_methods_pdf %} · <a href="methods.pdf">PDF</a>{% endif %}</li>
<li><a href="provenance.html">{{ t.provenance_link }}</a>{% if has_provenance_pdf %} · <a href="provenance.pdf">PDF</a>{% endif %}</li>
{% if other_lang %}<li><a href="{{ other_lang[0] }}" hreflang="{{ other_lang[1] }}" lang="{{ other_lang[1] }}">{{ other_lang[2] }}</a></li>
{% endif %}</ul>
{% endblock %}""",
    "methods.html": """{% extends "base.html" %}{% block main %}
{{ intro }}
{% for s in blocks %}<h2 id="{{ s.id }}">{{ s.title }}</h2>
{{ s.body }}
{% if s.id == "design" and facts %}<h3>{{ t.facts_title }}</h3>
<table class="list">
<tbody>
{% for label, value in facts %}<tr><th scope="row">{{ label }}</th><td class="num">{{ value }}</td></tr>
{% endfor %}</tbody>
</table>
{% endif %}{% if s.id == "estimation" and fpc.rows %}<h3 id="fpc">{{ fpc.title }}</h3>
{{ fpc.intro }}
<table class="list fpc">
<thead><tr><th scope="col">{{ fpc.indicator }}</th>{% for label in fpc.columns %}<th scope="col" class="num">{{ label }}</th>{% endfor %}</tr></thead>
<tbody>
{% for label, cells in fpc.rows %}<tr><th scope="row">{{ label }}</th>{% for value in cells %}<td class="num">{{ value }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
{% endif %}{% endfor %}
{% endblock %}""",
    "provenance.html": """{% extends "base.html" %}{% block main %}
{{ intro }}
<h2 id="run">{{ t.run_title }}</h2>
<table class="list"><tbody>
{% for label, value, mono in run_rows %}<tr><th scope="row">{{ label }}</th><td{% if mono %} class="hash"{% endif %}>{{ value }}</td></tr>
{% endfor %}</tbody></table>
<h2 id="code">{{ t.code_title }}</h2>
<table class="list"><tbody>
{% for label, value in code_rows %}<tr><th scope="row">{{ label }}</th><td class="hash">{{ value }}</td></tr>
{% endfor %}</tbody></table>
<h2 id="inputs">{{ t.inputs_title }}</h2>
{{ inputs_intro }}
<table class="list">
<thead><tr><th>{{ t.col_file }}</th><th class="num">{{ t.col_rows }}</th><th class="num">{{ t.col_size }}</th><th>SHA-256</th></tr></thead>
<tbody>
{% for name, rows, size, sha in inputs %}<tr><td>{{ name }}</td><td class="num">{{ rows }}</td><td class="num">{{ size }}</td><td class="hash">{{ sha }}</td></tr>
{% endfor %}</tbody>
</table>
<h2 id="parameters">{{ t.params_title }}</h2>
<table class="list"><tbody>
{% for name, value in parameters %}<tr><th scope="row"><code>{{ name }}</code></th><td class="hash">{{ value }}</td></tr>
{% endfor %}</tbody></table>
<h2 id="libraries">{{ t.libs_title }}</h2>
<table class="list">
<thead><tr><th>{{ t.col_library }}</th><th>{{ t.col_version }}</th></tr></thead>
<tbody>
{% for name, version in libraries %}<tr><td>{{ name }}</td><td>{{ version }}</td></tr>
{% endfor %}</tbody>
</table>
{% endblock %}""",
}))

_WORDS = ("wave", "fieldwork", "date", "nav", "glance", "sections", "col_html", "col_pdf",
          "no_sections", "confidential", "quality_title", "quality_link",
          "tables", "tables_intro", "col_file", "col_rows", "col_size", "no_tables", "about",
          "methods_link", "provenance_link", "facts_title", "run_title", "code_title",
          "inputs_title", "params_title", "libs_title", "col_library", "col_version")


def _words(lang: str) -> dict[str, Any]:
    words: dict[str, Any] = {k: site_text(f"site.{k}", lang) for k in _WORDS}
    words["tables_intro"] = prose(words["tables_intro"])
    return words


def _css(lang: str, synthetic: bool) -> str:
    return "\n".join([REPORT_CSS_PATH.read_text(encoding="utf-8"), SITE_CSS,
                      page_css(lang, synthetic=synthetic)])


def _fieldwork(meta: Mapping[str, Any], lang: str) -> str | None:
    start, end = meta.get("fieldwork_start"), meta.get("fieldwork_end")
    try:
        if start and end:
            return site_text("site.fieldwork_range", lang, start=format_date(str(start), lang),
                             end=format_date(str(end), lang))
        if start or end:
            return format_date(str(start or end), lang)
    except (TypeError, ValueError):
        return None
    return None


# --- the pages ---------------------------------------------------------------------------------

def _quality(quality: Mapping[str, Any] | None, site: Path, lang: str) -> dict[str, Any]:
    """What the index says about the data-quality gate."""
    if quality is None:
        return {"quality_line": site_text("site.quality_none", lang), "quality_href": None,
                "quality_notice": None, "quality_failed": False, "warnings": [],
                "more_warnings": None}
    warnings = [str(w) for w in (quality.get("warnings") or [])]
    n_checks = format_number(int(quality.get("n_checks") or 0), lang, decimals=0)
    report = quality.get("report")
    href = str(report) if report and (site / str(report)).is_file() else None
    passed = bool(quality.get("passed", True))
    n = len(warnings)
    if not passed:
        line = site_text("site.quality_failed", lang, n_checks=n_checks)
    elif n == 0:
        line = site_text("site.quality_passed", lang, n_checks=n_checks)
    else:
        key = "site.quality_warning_one" if n == 1 else "site.quality_warnings"
        line = site_text(key, lang, n=format_number(n, lang, decimals=0), n_checks=n_checks)
    notice = None
    if not passed:
        notice = site_text("site.quality_notice_failed", lang)
    elif n:
        key = "site.quality_notice_one" if n == 1 else "site.quality_notice"
        notice = site_text(key, lang, n=format_number(n, lang, decimals=0))
    more = None
    if n > MAX_WARNINGS_SHOWN:
        more = site_text("site.quality_more", lang,
                         n=format_number(n - MAX_WARNINGS_SHOWN, lang, decimals=0))
    return {"quality_line": line, "quality_href": href, "quality_notice": notice,
            "quality_failed": not passed, "warnings": warnings[:MAX_WARNINGS_SHOWN],
            "more_warnings": more}


def _other_language(site: Path, lang: str) -> tuple[str, str, str] | None:
    """The index of the other language, when it exists (Italian at the root, English in en/)."""
    if lang == "it" and (site / "en" / "index.html").is_file():
        return "en/index.html", "en", site_text("site.other_language", "en")
    if lang != "it" and site.name == lang and (site.parent / "index.html").is_file():
        return "../index.html", "it", site_text("site.other_language", "it")
    return None


def _index_page(site: Path, data: WaveData, sections: Sequence[Mapping[str, Any]],
                common: dict[str, Any], quality: Mapping[str, Any] | None, min_cell: int,
                lang: str) -> str:
    counts = headline_counts(data.tables)
    tiles = [(site_text(f"site.tile.{k}", lang), format_number(counts[k], lang, decimals=0))
             for k in TILES if k in counts]
    tables_dir = site / "tables"
    tiles += _result_tiles(tables_dir, lang, min_cell)
    figure = None
    if sections and sections[0].get("executed"):
        figure = first_figure(Path(sections[0]["executed"]), lang)
    rows = []
    for s in sections:
        pdf = s.get("pdf")
        rows.append({"title": s["title"], "html": s["html"], "pdf": pdf,
                     "pdf_size": _file_size(site / pdf, lang) if pdf else None})
    tables = []
    if tables_dir.is_dir():
        tables = [(p.name, format_number(_csv_rows(p), lang, decimals=0))
                  for p in sorted(tables_dir.glob("*.csv"))]
    return _ENV.get_template("index.html").render(
        **common,
        page="index",
        page_title=site_text("site.title", lang),
        tiles=tiles,
        figure=figure[0] if figure else None,
        figure_alt=(figure[1] if figure and figure[1] else site_text("site.figure_alt", lang)),
        figure_caption=figure[1] if figure else "",
        figure_source=sections[0]["title"] if figure else "",
        sections=rows,
        tables=tables,
        has_methods_pdf=(site / "methods.pdf").is_file(),
        has_provenance_pdf=(site / "provenance.pdf").is_file(),
        other_lang=_other_language(site, lang),
        **_quality(quality, site, lang),
    )


METHODS_BLOCKS = ("design", "weights", "estimation", "comparisons", "sensitivity",
                  "definitions", "suppression")


def _methods_page(data: WaveData, common: dict[str, Any], min_cell: int, lang: str) -> str:
    from pipeline.analyse.analysis.survey import MIN_POSTSTRATUM

    values = {"min_cell": format_number(min_cell, lang, decimals=0),
              "min_poststratum": format_number(MIN_POSTSTRATUM, lang, decimals=0)}
    more = {"comparisons": _comparisons_values(lang)}
    blocks = [{"id": b, "title": site_text(f"site.methods.{b}.title", lang),
               "body": prose(site_text(f"site.methods.{b}", lang, **values,
                                       **more.get(b, {})))}
              for b in METHODS_BLOCKS]
    for block in blocks:
        if block["id"] == "comparisons":  # then the size the calibration study measured
            block["body"] = Markup(f"{block['body']}\n{_comparisons_size(lang)}")
    facts = _design_facts(data)
    fact_rows = []
    if facts:
        keys = ["strata", "respondents", "df", "min_poststratum", "collapsed", "half",
                "df_cluster"]
        fact_rows = [(site_text(f"site.facts.{k}", lang), format_number(facts[k], lang,
                                                                           decimals=0))
                     for k in keys if k in facts]
        fact_rows.append((site_text("site.facts.min_cell", lang), values["min_cell"]))
    fpc = {"rows": _fpc_rows(data, min_cell, lang)}
    if fpc["rows"]:
        fpc.update(
            title=site_text("site.methods.fpc.title", lang),
            intro=prose(site_text(
                "site.methods.fpc", lang, **values,
                n_half=format_number((facts or {}).get("half", 0), lang, decimals=0),
                n_companies=format_number((facts or {}).get("strata", 0), lang,
                                          decimals=0))),
            indicator=site_text("site.fpc.col.indicator", lang),
            columns=[site_text(f"site.fpc.col.{c}", lang) for c in FPC_TABLE_COLUMNS])
    return _ENV.get_template("methods.html").render(
        **common,
        page="methods",
        page_title=site_text("site.methods.title", lang),
        intro=prose(site_text("site.methods.intro", lang, **values)),
        blocks=blocks,
        facts=fact_rows,
        fpc=fpc,
    )


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _provenance_page(data: WaveData, common: dict[str, Any], run_info: Mapping[str, Any],
                     parameters: Mapping[str, Any], lang: str) -> str:
    from pipeline.fingerprint import code_version

    yes, no = site_text("site.yes", lang), site_text("site.no", lang)
    started = _started(run_info)
    run_rows = [
        (site_text("site.prov.run_id", lang), run_info.get("run_id") or "—", True),
        (site_text("site.prov.started", lang),
         _date_time(started, lang) + f" ({run_info['started']})" if started else "—", False),
        (site_text("site.prov.wave", lang), data.wave, False),
        (site_text("site.prov.lang", lang), lang, False),
        (site_text("site.prov.synthetic", lang), yes if data.synthetic else no, False),
    ]
    code = dict(run_info.get("code_version") or code_version())
    code_rows = [(site_text(f"site.prov.code.{k}", lang) if has_text(f"site.prov.code.{k}")
                  else k, _value_text(v)) for k, v in code.items()]
    # Raw input files: the run's hashes, with rows and sizes from the ingestion's record.
    known = {str(info.get("file")): info for info in (data.inputs or {}).values()
             if isinstance(info, Mapping) and info.get("file")}
    hashes = dict(run_info.get("inputs") or {}) or {
        name: info.get("sha256", "") for name, info in known.items()}
    inputs = []
    for name in sorted(hashes):
        info = known.get(name, {})
        rows = info.get("rows")
        inputs.append((name, format_number(rows, lang, decimals=0) if rows is not None else "—",
                       _format_bytes(info.get("bytes"), lang), hashes[name]))
    libraries = [(name, version or site_text("site.prov.not_installed", lang))
                 for name, version in library_versions().items()]
    libraries.append(("python", platform.python_version()))
    return _ENV.get_template("provenance.html").render(
        **common,
        page="provenance",
        page_title=site_text("site.prov.title", lang),
        intro=prose(site_text("site.prov.intro", lang)),
        inputs_intro=prose(site_text("site.prov.inputs_intro", lang)),
        run_rows=run_rows,
        code_rows=code_rows,
        inputs=inputs,
        parameters=[(k, _value_text(v)) for k, v in sorted(parameters.items())],
        libraries=libraries,
    )


def write_site(
    site: Path,
    data: WaveData,
    sections: Sequence[Mapping[str, Any]],
    *,
    lang: str = "it",
    run_info: Mapping[str, Any] | None = None,
    quality: Mapping[str, Any] | None = None,
    pdf: bool = True,
) -> dict[str, Path]:
    """Write the wave's site pages into ``site`` (the staging folder of one language).

    Parameters
    ----------
    site
        The folder of the language's site: section reports and ``tables/`` are already in
        it (the index lists the CSV files found in ``tables/``).
    data
        The processed wave (:func:`pipeline.wave.read_processed`): headline counts, the
        synthetic flag, fieldwork dates and, when ``run_info`` gives none, input hashes.
    sections
        The section reports in order: ``title``, ``html`` and ``pdf`` (file names relative to
        ``site``) and ``executed`` (the executed notebook; the index shows the first figure
        of the first section).
    lang
        ``"it"`` (default) or ``"en"``.
    run_info
        ``run_id``, ``started`` (ISO), ``parameters`` (dict; ``min_cell`` is read from it),
        ``code_version`` (dict) and ``inputs`` (raw file name -> sha256), for the provenance
        page. Missing keys fall back to what the processed wave and the package know.
    quality
        Summary of the data-quality gate: ``passed``, ``n_checks``, ``warnings`` (one-line
        strings) and ``report`` (file name relative to ``site``, linked if it exists); or
        ``None`` when the wave was not checked.
    pdf
        Also print ``methods.pdf`` and ``provenance.pdf`` (WeasyPrint).

    Returns
    -------
    dict
        Paths written: ``index``, ``methods``, ``provenance`` and, with ``pdf``,
        ``methods_pdf`` and ``provenance_pdf``.
    """
    site = Path(site)
    lang = normalize_lang(lang)
    run_info = dict(run_info or {})
    parameters = dict(run_info.get("parameters") or {})
    parameters.setdefault("wave", data.wave)
    parameters.setdefault("lang", lang)
    parameters.setdefault("min_cell", default_min_cell())
    min_cell = int(parameters["min_cell"])
    started = _started(run_info)
    date = format_date((started or dt.datetime.now()).date(), lang)
    run_id = run_info.get("run_id")
    generated = site_text("site.generated_run" if run_id else "site.generated", lang,
                          date=date, run_id=run_id or "")
    words = _words(lang)
    common = {
        "lang": lang,
        "t": words,
        "css": _css(lang, data.synthetic),
        "wave": str(data.meta.get("label") or data.wave),
        "fieldwork": _fieldwork(data.meta, lang),
        "date": date,
        "synthetic": data.synthetic,
        "synthetic_mark": text("synthetic_mark", lang),
        "site_title": site_text("site.title", lang),
        "nav": [("index.html", site_text("site.nav.index", lang)),
                ("methods.html", site_text("site.nav.methods", lang)),
                ("provenance.html", site_text("site.nav.provenance", lang))],
        "promoters": " · ".join(DEFAULT_PROMOTERS),
        "generated": generated,
    }
    site.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    pages = {
        "methods": _methods_page(data, common, min_cell, lang),
        "provenance": _provenance_page(data, common, run_info, parameters, lang),
    }
    for name, page in pages.items():
        path = site / f"{name}.html"
        write_text_atomic(path, page)
        written[name] = path
        if pdf:
            from pipeline.render.pdf import html_to_pdf

            written[f"{name}_pdf"] = html_to_pdf(page, site / f"{name}.pdf", lang=lang)
    # The index last: it links the PDFs written above and the sections' files.
    index = site / "index.html"
    write_text_atomic(index, _index_page(site, data, sections, common, quality, min_cell,
                                         lang))
    written["index"] = index
    return written
