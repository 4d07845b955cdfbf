# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["remove-cell"]
# # Relazione sintetica programmatica
#
# Programmatic summary written from the wave's published tables; the prose is the template
# pipeline/render/templates/sintesi/sintesi.<lang>.md.j2. The guidelines also count the
# wave's own tables (interested companies, their co-funding, the local services), with
# disclosure control (pipeline/analyse/analysis/guidelines.py).

# %% tags=["parameters"]
wave = None  # None: the latest processed wave
lang = "it"
tables_dir = None
processed_dir = None  # None: data/processed/<wave>
min_cell = 5
service_costs = None  # None: guidelines.DEFAULT_COSTS (pipeline.analyse.analysis)

# %%
from pathlib import Path

import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from pipeline.analyse.analysis.areas import province_areas
from pipeline.analyse.analysis.summary import (
    guideline_facts,
    read_municipality_names,
    render_summary,
    summary_facts,
    summary_parts,
)
from pipeline.analyse.plots import set_theme
from pipeline.analyse.plots.estimates import dot_ci
from pipeline.analyse.published import read_table
from pipeline.codebook import load_codebook
from pipeline.config import get_paths
from pipeline.i18n.text import text
from pipeline.notebook import latest_wave, open_wave, show_figure
from pipeline.wave import read_manifest

set_theme()
wave = wave or latest_wave()
meta = (read_manifest(get_paths(), wave) or {}).get("meta") or {}  # the wave's wave.yaml
codebook = load_codebook(on=meta)  # labels in force at the fieldwork
tables = Path(tables_dir) if tables_dir else get_paths().report_wave(wave) / "tables"
facts = summary_facts(tables, lang, meta=meta)
paths = get_paths()
ctx = open_wave(wave, lang, processed_dir, None, min_cell)  # confidential inputs, counted only
facts.update(guideline_facts(tables, lang, tables=ctx.tables, meta=meta, wave=wave,
                             areas=province_areas(paths.municipalities_geojson),
                             names=read_municipality_names(paths.municipalities_csv),
                             min_cell=min_cell, costs=service_costs))
label = {m: codebook.measure_label(m, lang) for m in codebook.measure_codes()}

# %%
needs = read_table(tables / "needs.csv")
needs = needs[(needs["group_var"] == "all") & needs["estimate"].notna()].sort_values(
    "estimate", ascending=False)
unmet = read_table(tables / "unmet_need.csv").dropna(subset=["estimate"]).sort_values(
    "estimate", ascending=False)
figures = {
    "needs": (dot_ci(needs.assign(label=needs["measure"].map(label)), label="label",
                     xlabel=text("needs.share_important", lang), lang=lang,
                     source=ctx.source("workers"), min_cell=min_cell),
              text("needs.importance_caption", lang)),
    "unmet": (dot_ci(unmet.assign(label=unmet["measure"].map(label)), label="label",
                     xlabel=text("needs.share_unmet", lang), lang=lang,
                     source=ctx.source("workers"), min_cell=min_cell),
              text("needs.unmet_caption", lang)),
}
plt.close("all")  # shown below, where the text places them

# %%
for markdown, figure in summary_parts(render_summary(facts, lang, wave=wave)):
    display(Markdown(markdown))
    if figure in figures:
        show_figure(*figures[figure], lang=lang)
