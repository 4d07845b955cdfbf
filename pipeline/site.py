"""The wave's site: ``reports/<wave>/index.html``, the page stakeholders open first.

Self-contained (inline CSS, figures as data URIs): it opens offline and from an e-mail
attachment. It shows the wave at a glance, the headline figure, and links to every section
report (HTML and PDF) and to the tables behind the figures.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
import nbformat

from pipeline.analysis.context import headline_counts
from pipeline.atomic import write_text_atomic
from pipeline.ingest import WaveData
from pipeline.report.formatting import format_date, format_number
from pipeline.text import text

TEMPLATE = jinja2.Template("""<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} — {{ wave }}</title>
<style>
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1d1d1d;
       max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.5; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; }
.subtitle { color: #555; margin-top: 0; }
.synthetic { background: #fff4d6; border: 2px solid #e69f00; padding: .6rem 1rem;
             font-weight: bold; border-radius: 4px; }
.tiles { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1.5rem 0; padding: 0; }
.tile { list-style: none; flex: 1 1 9rem; border: 1px solid #d0d7de; border-radius: 6px;
        padding: .8rem 1rem; }
.tile strong { display: block; font-size: 1.6rem; color: #0072b2; }
figure { margin: 1.5rem 0; } figure img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: .9rem; }
table { border-collapse: collapse; } td, th { padding: .3rem .8rem; border-bottom: 1px solid #ddd;
text-align: left; }
a { color: #0060a0; }
footer { margin-top: 3rem; color: #666; font-size: .85rem; }
</style>
</head>
<body>
<header>
<h1>{{ title }}</h1>
<p class="subtitle">{{ wave_label }} · {{ date }}</p>
{% if synthetic %}<p class="synthetic" role="note">{{ synthetic_mark }}</p>{% endif %}
</header>
<main>
<ul class="tiles">
{% for label, value in tiles %}<li class="tile"><strong>{{ value }}</strong>{{ label }}</li>
{% endfor %}</ul>
{% if figure %}<figure><img src="{{ figure }}" alt="{{ figure_caption }}">
<figcaption>{{ figure_caption }}</figcaption></figure>{% endif %}
<h2>{{ sections_title }}</h2>
<table>
{% for s in sections %}<tr><td>{{ s.title }}</td><td><a href="{{ s.html }}">HTML</a></td>
<td><a href="{{ s.pdf }}">PDF</a></td></tr>
{% endfor %}</table>
{% if tables %}<h2>{{ tables_title }}</h2>
<ul>{% for t in tables %}<li><a href="tables/{{ t }}">{{ t }}</a></li>{% endfor %}</ul>{% endif %}
</main>
<footer>{{ footer }}</footer>
</body>
</html>
""", autoescape=True)

LABELS = {
    "it": {"title": "Welfare aziendale e conciliazione nel territorio veronese",
           "wave": "Onda", "sections": "Rapporti", "tables": "Tabelle (CSV)",
           "n_companies": "imprese mappate", "n_municipalities": "comuni",
           "n_network": "imprese nella rete", "n_surveyed": "imprese intervistate",
           "n_workers": "questionari dei lavoratori",
           "footer": "Verona Innovazione · Consigliera di Parità della Provincia di Verona · "
                     "Variazioni"},
    "en": {"title": "Company welfare and work-life balance in the province of Verona",
           "wave": "Wave", "sections": "Reports", "tables": "Tables (CSV)",
           "n_companies": "companies mapped", "n_municipalities": "municipalities",
           "n_network": "companies in the network", "n_surveyed": "companies surveyed",
           "n_workers": "worker questionnaires",
           "footer": "Verona Innovazione · Equality Councillor of the Province of Verona · "
                     "Variazioni"},
}


def first_figure(executed: Path) -> tuple[str, str] | None:
    """The first PNG figure of an executed notebook, as a data URI, with its caption."""
    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                caption = output.get("metadata", {}).get("caption", "")
                return f"data:image/png;base64,{data['image/png'].strip()}", caption
    return None


def write_index(site: Path, data: WaveData, sections: list[dict[str, Any]], *,
                lang: str = "it") -> Path:
    """Write ``index.html`` into the (staging) site folder and return its path."""
    labels = LABELS[lang]
    counts = headline_counts(data.tables)
    tiles = [(labels[k], format_number(counts[k], lang, decimals=0))
             for k in ("n_companies", "n_municipalities", "n_network", "n_surveyed",
                       "n_workers")]
    figure = first_figure(sections[0]["executed"]) if sections else None
    tables_dir = site / "tables"
    html = TEMPLATE.render(
        lang=lang,
        title=labels["title"],
        wave=data.wave,
        wave_label=f"{labels['wave']} {data.meta.get('label', data.wave)}",
        date=format_date(dt.date.today(), lang),
        synthetic=data.synthetic,
        synthetic_mark=text("synthetic_mark", lang),
        tiles=tiles,
        figure=figure[0] if figure else None,
        figure_caption=figure[1] if figure else "",
        sections_title=labels["sections"],
        sections=sections,
        tables_title=labels["tables"],
        tables=sorted(p.name for p in tables_dir.glob("*.csv")) if tables_dir.exists() else [],
        footer=labels["footer"],
    )
    path = site / "index.html"
    write_text_atomic(path, html)
    return path
