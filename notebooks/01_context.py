# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: welfare
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
#   welfare:
#     tables:
#     - companies
#     - company_survey
#     - worker_survey
# ---

# %% [markdown] tags=["remove-cell"]
# # Il contesto: le imprese del territorio
#
# Context analysis of the territorial mapping: companies by sector, size and municipality.

# %% tags=["parameters"]
wave = None  # None: the latest processed wave
lang = "it"
processed_dir = None
tables_dir = None
min_cell = 5

# %%
from pipeline.analyse.analysis.context import OTHER, count_by, headline_counts
from pipeline.analyse.plots import set_theme
from pipeline.analyse.plots.bars import count_bars, share_bars
from pipeline.analyse.plots.maps import choropleth, largest_places, municipalities
from pipeline.codebook import load_codebook
from pipeline.config import get_paths
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import say, text
from pipeline.notebook import open_wave, show_figure, show_table
from pipeline.render.sections.context import size_table

set_theme()
fmt = Formatter(lang)
codebook = load_codebook()
ctx = open_wave(wave, lang, processed_dir, tables_dir, min_cell)
wave = ctx.wave
companies = ctx.tables["companies"]

# %% [markdown] tags=["text"]
# <!-- context.intro -->
# La mappatura territoriale della rilevazione **{wave}** comprende
# **{n_companies:impresa|imprese}** in **{n_municipalities:comune|comuni}** della provincia
# di Verona, con **{n_employees:dipendente|dipendenti}** in tutto. Alla rete del progetto
# {n_network:|partecipa|partecipano} **{n_network:impresa|imprese}**: di queste,
# **{n_surveyed}** {n_surveyed:|ha|hanno} risposto al questionario aziendale, e
# **{n_workers:lavoratrice o lavoratore|lavoratrici e lavoratori}** {n_workers:|ha|hanno}
# compilato il questionario sui bisogni.
#
# <!-- en -->
# The territorial mapping of wave **{wave}** covers **{n_companies:company|companies}** in
# **{n_municipalities:municipality|municipalities}** of the province of Verona, with
# **{n_employees:employee|employees}** in all. The project's network has
# **{n_network:member company|member companies}**: **{n_surveyed}** of them answered the
# company questionnaire, and **{n_workers:worker|workers}** answered the needs survey.

# %%
counts = headline_counts(ctx.tables)
say("context.intro", lang, wave=wave,
    **{k: fmt.number(v, 0) for k, v in counts.items()})

# %% [markdown] tags=["text"]
# <!-- context.sector -->
# ## Imprese per settore di attività
#
# <!-- en -->
# ## Companies by sector

# %%
say("context.sector", lang)
by_sector = count_by(companies, "ateco_section", min_cell=ctx.min_cell)
by_sector["sector"] = [
    text("other_sectors", lang) if code == OTHER
    else f"{code} {codebook.code_label('ateco_section', code, lang)}"
    for code in by_sector["ateco_section"]
]
# the figures draw what the tables publish (complementary suppression included)
published = ctx.save_table(by_sector[["ateco_section", "n", "share"]], "companies_by_sector")
by_sector = published.merge(by_sector[["ateco_section", "sector"]], on="ateco_section")
show_figure(share_bars(by_sector, label="sector", xlabel=text("share_of_companies", lang),
                       count="n", count_name=text("companies", lang),
                       label_name=text("chart.col.sector", lang), min_cell=ctx.min_cell,
                       lang=lang, source=ctx.source("mapping")),
            text("context.sector_note", lang, min_cell=ctx.min_cell), lang=lang)

# %% [markdown] tags=["text"]
# <!-- context.size -->
# ## Dimensione delle imprese e partecipazione alla rete
#
# <!-- en -->
# ## Company size and network participation

# %%
say("context.size", lang)
by_size = count_by(companies, ["size_class", "in_network"], min_cell=ctx.min_cell,
                   collapse=False)
networks = {True: text("in_network", lang), False: text("not_in_network", lang)}
published = ctx.save_table(by_size[["size_class", "in_network", "n", "share"]],
                           "companies_by_size")
by_size = published.assign(network=published["in_network"].map(networks))
sizes = list(codebook.code_lists["size_class"])
size_labels = {c: codebook.code_label("size_class", c, lang) for c in sizes}
show_figure(count_bars(by_size, x="size_class", hue="network", order=sizes,
                       hue_order=list(networks.values()), x_labels=size_labels,
                       x_name=text("chart.col.size_class", lang), ylabel=text("companies", lang),
                       min_cell=ctx.min_cell, lang=lang, source=ctx.source("mapping")),
            text("context.size_note", lang), lang=lang)
show_table(size_table(published, sizes, size_labels, networks,
                      header=text("chart.col.size_class", lang), lang=lang),
           text("context.size_note", lang), lang=lang, min_cell=ctx.min_cell)

# %% [markdown] tags=["text"]
# <!-- context.map -->
# ## Le imprese nei comuni della provincia
#
# <!-- en -->
# ## Companies across the municipalities of the province

# %%
say("context.map", lang)
by_municipality = count_by(companies, "municipality", min_cell=ctx.min_cell, collapse=False)
by_municipality = ctx.save_table(by_municipality, "companies_by_municipality")
places = municipalities(get_paths().municipalities_csv)
show_figure(choropleth(by_municipality.set_index("municipality")["n"].astype("float64"),
                       get_paths().municipalities_geojson,
                       legend=text("companies", lang), credit=text("map_credit", lang),
                       places=largest_places(places, 6),
                       names=dict(zip(places["code"], places["name"], strict=True)),
                       min_cell=ctx.min_cell, lang=lang, source=ctx.source("mapping")),
            text("context.map_note", lang, min_cell=ctx.min_cell), lang=lang)
