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
# # Rapporto riservato per un'impresa
#
# One company's benchmark against the network: confidential, one per surveyed company.

# %% tags=["parameters"]
wave = None  # None: the latest processed wave
lang = "it"
processed_dir = None
company_id = None
min_cell = 5

# %%
from pipeline.analyse.analysis.company import (
    areas_summary,
    balance_vs_network,
    company_measures,
    needs_vs_network,
    network_gaps,
    network_is_large_enough,
)
from pipeline.analyse.analysis.measures import (
    maturity_distribution,
    maturity_scores,
    surveyed_companies,
)
from pipeline.analyse.analysis.survey import wave_design
from pipeline.analyse.plots import set_theme
from pipeline.analyse.plots.estimates import dot_ci
from pipeline.codebook import load_codebook
from pipeline.i18n.formatting import format_number, format_percent
from pipeline.i18n.text import say, text
from pipeline.notebook import open_wave, show_figure, show_table

set_theme()
codebook = load_codebook()
ctx = open_wave(wave, lang, processed_dir, None, min_cell)
wave = ctx.wave
survey, workers = ctx.tables["company_survey"], ctx.tables["worker_survey"]
company_id = company_id or survey["company_id"].iloc[0]
profile = ctx.tables["companies"].set_index("company_id").loc[company_id]
own_workers = int((workers["company_id"] == company_id).sum())
compare = network_is_large_enough(survey)

# %%
say("company.intro", lang, company_id=company_id,
    sector=codebook.code_label("ateco_section", profile["ateco_section"], lang),
    size=codebook.code_label("size_class", profile["size_class"], lang),
    n_workers=format_number(own_workers, lang, decimals=0),
    n_companies=format_number(len(survey), lang, decimals=0))

# %%
say("company.measures", lang)
measures = company_measures(survey, company_id, codebook, lang)
areas = areas_summary(measures, codebook, lang)
n_active = int(areas["active"].sum())
network_active = survey["n_measures_active"].astype("float64")
say("company.measures_text", lang, n_active=n_active,
    network_median=format_number(network_active.median(), lang, decimals=0),
    n_areas=int((areas["active"] > 0).sum()))
table = areas.rename(columns={"area_label": text("company.col_area", lang),
                              "active": text("company.col_active", lang),
                              "measures": text("company.col_measures", lang)}).drop(columns="area")
show_table(table, text("company.areas_caption", lang))

# %%
say("company.maturity", lang)
scores = maturity_scores(surveyed_companies(survey, ctx.tables["companies"]), codebook=codebook)
mine = scores.set_index("company_id").loc[company_id]
say("company.maturity_text", lang, score=format_number(mine["score"], lang, decimals=1),
    maturity_class=mine["maturity_class"])
if compare:
    classes = ctx.publishable(maturity_distribution(scores), n_col="n_companies",
                              value_cols=["share"], keep_zero=True)
    classes["you"] = (classes["maturity_class"] == mine["maturity_class"]).map(
        {True: "◀", False: ""})
    classes["share"] = classes["share"].map(lambda s: format_percent(s, lang, decimals=0))
    show_table(classes[["maturity_class", "share", "you"]].rename(columns={
        "maturity_class": text("company.col_class", lang),
        "share": text("company.col_class_share", lang),
        "you": text("company.you", lang)}), text("company.maturity_caption", lang))

# %%
if compare:
    gaps = network_gaps(measures)
    if len(gaps):
        say("company.gaps", lang)
        show_table(gaps.assign(share=gaps["network_share_active"].map(
            lambda s: format_percent(s, lang, decimals=0)))[["label", "share"]].rename(
                columns={"label": text("company.col_measure", lang),
                         "share": text("company.col_network_share", lang)}),
            text("company.gaps_caption", lang))

# %%
say("company.needs", lang, min_cell=ctx.min_cell)
design = wave_design(workers, ctx.tables["companies"])
needs = ctx.publishable(needs_vs_network(workers, design, company_id,
                                         codebook.measure_codes("asked_workers")))
if compare and needs.loc[needs["scope"] == "company", "estimate"].notna().any():
    order = needs[needs["scope"] == "company"].sort_values("estimate", ascending=False)
    needs["order"] = needs["measure"].map({m: i for i, m in enumerate(order["measure"])})
    needs["label"] = needs["measure"].map(lambda m: codebook.measure_label(m, lang))
    show_figure(dot_ci(needs.sort_values("order"), label="label", hue="scope",
                       hue_order=["company", "network"],
                       hue_labels={"company": text("company.you", lang),
                                   "network": text("company.network", lang)},
                       xlabel=text("needs.share_important", lang)),
                text("company.needs_caption", lang))
else:
    say("company.too_few", lang, min_cell=ctx.min_cell)

# %%
say("company.balance", lang)
balance = ctx.publishable(balance_vs_network(workers, design, company_id))
if compare and balance.loc[balance["scope"] == "company", "estimate"].notna().all():
    b = balance.set_index(["indicator", "scope"])["estimate"]
    say("company.balance_text", lang,
        fit=format_percent(b[("wlb_fit_good", "company")], lang, decimals=0),
        fit_network=format_percent(b[("wlb_fit_good", "network")], lang, decimals=0),
        wfc=format_number(b[("wfc_score", "company")], lang, decimals=2),
        wfc_network=format_number(b[("wfc_score", "network")], lang, decimals=2))
else:
    say("company.too_few", lang, min_cell=ctx.min_cell)
