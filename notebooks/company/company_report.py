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
    MIN_NETWORK_COMPANIES,
    areas_summary,
    balance_vs_network,
    company_balance_published,
    company_measures,
    company_needs_published,
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
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import say, text
from pipeline.notebook import open_wave, show_figure, show_table
from pipeline.render.escape import markdown_escape

set_theme()
fmt = Formatter(lang)
codebook = load_codebook()
ctx = open_wave(wave, lang, processed_dir, None, min_cell)
wave = ctx.wave
survey, workers = ctx.tables["company_survey"], ctx.tables["worker_survey"]
company_id = company_id or survey["company_id"].iloc[0]
profile = ctx.tables["companies"].set_index("company_id").loc[company_id]
own_workers = int((workers["company_id"] == company_id).sum())
compare = network_is_large_enough(survey)

# %% [markdown] tags=["text"]
# <!-- company.intro -->
# Questo rapporto è **riservato** all'impresa **{company_id}** ({sector}, {size}). Confronta
# le misure di welfare dell'impresa e le risposte dei suoi **{n_workers}** dipendenti con
# l'insieme delle **{n_companies}** imprese della rete che hanno partecipato all'indagine.
# Non contiene dati di altre singole imprese.
#
# <!-- en -->
# This report is **confidential** to company **{company_id}** ({sector}, {size}). It
# compares the company's welfare measures and the answers of its **{n_workers}** employees
# with all **{n_companies}** network companies that took part in the survey. It contains
# no data on any other single company.

# %%
# The id is data: escaped where it enters the Markdown (it may hold `*`, `_` or `<...>`).
say("company.intro", lang, company_id=markdown_escape(company_id),
    sector=codebook.code_label("ateco_section", profile["ateco_section"], lang),
    size=codebook.code_label("size_class", profile["size_class"], lang),
    n_workers=fmt.number(own_workers, 0), n_companies=fmt.number(len(survey), 0))

# %% [markdown] tags=["text"]
# <!-- company.measures -->
# ## Le vostre misure
#
# <!-- en -->
# ## Your measures
#
# <!-- company.measures_text -->
# L'impresa ha **{n_active}** misure attive in **{n_areas}** aree su {n_areas_all}; l'impresa mediana della rete ne ha {network_median}.
#
# <!-- en -->
# The company has **{n_active}** active measures in **{n_areas}** of {n_areas_all} areas; the median network company has {network_median}.

# %%
say("company.measures", lang)
measures = company_measures(survey, company_id, codebook, lang)
areas = areas_summary(measures, codebook, lang)
n_active = int(areas["active"].sum())
network_active = survey["n_measures_active"].astype("float64")
say("company.measures_text", lang, n_active=n_active,
    network_median=fmt.number(network_active.median(), 0),
    n_areas=int((areas["active"] > 0).sum()), n_areas_all=len(codebook.areas()))
table = areas.rename(columns={"area_label": text("company.col_area", lang),
                              "active": text("company.col_active", lang),
                              "measures": text("company.col_measures", lang)}).drop(columns="area")
show_table(table, text("company.areas_caption", lang))

# %% [markdown] tags=["text"]
# <!-- company.maturity -->
# ## Maturità del welfare aziendale
#
# <!-- en -->
# ## Welfare maturity
#
# <!-- company.maturity_text -->
# Il punteggio di maturità dell'impresa è **{score}** su 100, classe **{maturity_class}**. Il punteggio somma ampiezza (aree coperte, 35 punti), contenuto e copertura delle misure (35), governance (budget, rilevazione dei bisogni, accordo di secondo livello, regolamento o comunicazione: 20) e apertura al territorio (10); le classi vanno da 1W (fino a 10 punti) a 5W (oltre 40), sul modello del Welfare Index PMI, di cui non è il rating ufficiale.
#
# <!-- en -->
# The company's maturity score is **{score}** out of 100, class **{maturity_class}**. The score adds breadth (areas covered, 35 points), content and coverage of the measures (35), governance (budget, needs survey, second-level agreement, regulation or communication: 20) and openness to the territory (10); classes run from 1W (up to 10 points) to 5W (above 40), shaped like the Welfare Index PMI, whose official rating this is not.

# %%
say("company.maturity", lang)
scores = maturity_scores(surveyed_companies(survey, ctx.tables["companies"]), codebook=codebook)
mine = scores.set_index("company_id").loc[company_id]
say("company.maturity_text", lang, score=fmt.number(mine["score"], 1),
    maturity_class=mine["maturity_class"])
if compare:
    classes = ctx.publishable(maturity_distribution(scores), n_col="n_companies",
                              value_cols=["share"], keep_zero=True)
    classes["you"] = (classes["maturity_class"] == mine["maturity_class"]).map(
        {True: "◀", False: ""})
    classes["share"] = classes["share"].map(lambda s: fmt.percent(s, 0))
    show_table(classes[["maturity_class", "share", "you"]].rename(columns={
        "maturity_class": text("company.col_class", lang),
        "share": text("company.col_class_share", lang),
        "you": text("company.you", lang)}), text("company.maturity_caption", lang))

# %% [markdown] tags=["text"]
# <!-- company.gaps -->
# ## Misure diffuse nella rete che l'impresa non offre
#
# <!-- en -->
# ## Measures common in the network that the company does not offer

# %%
if compare:
    gaps = network_gaps(measures)
    if len(gaps):
        say("company.gaps", lang)
        show_table(gaps.assign(share=gaps["network_share_active"].map(
            lambda s: fmt.percent(s, 0)))[["label", "share"]].rename(
                columns={"label": text("company.col_measure", lang),
                         "share": text("company.col_network_share", lang)}),
            text("company.gaps_caption", lang))

# %% [markdown] tags=["text"]
# <!-- company.needs -->
# ## I bisogni dei vostri dipendenti
#
# <!-- en -->
# ## Your employees' needs
#
# <!-- company.too_few -->
# Le risposte dei dipendenti non sono sufficienti per un confronto (servono almeno {min_cell} risposte valide e almeno {min_companies} imprese nella rete).
#
# <!-- en -->
# There are not enough employee answers for a comparison (at least {min_cell} valid answers and at least {min_companies} network companies are needed).

# %%
say("company.needs", lang, min_cell=ctx.min_cell)
design = wave_design(workers, ctx.tables["companies"])
needs = ctx.publishable(needs_vs_network(workers, design, company_id,
                                         codebook.measure_codes("asked_workers")))
if compare and company_needs_published(needs):
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
    say("company.too_few", lang, min_cell=ctx.min_cell, min_companies=MIN_NETWORK_COMPANIES)

# %% [markdown] tags=["text"]
# <!-- company.balance -->
# ## Conciliazione vita-lavoro
#
# <!-- en -->
# ## Work-life balance
#
# <!-- company.balance_text -->
# Il **{fit}** dei vostri dipendenti dichiara che l'orario si concilia bene o molto bene con gli impegni familiari (rete: {fit_network}); il conflitto lavoro-famiglia medio è {wfc} su 7 (rete: {wfc_network}).
#
# <!-- en -->
# **{fit}** of your employees say their hours fit family commitments well or very well (network: {fit_network}); mean work-to-family conflict is {wfc} out of 7 (network: {wfc_network}).

# %%
say("company.balance", lang)
balance = ctx.publishable(balance_vs_network(workers, design, company_id))
if compare and company_balance_published(balance):
    b = balance.set_index(["indicator", "scope"])["estimate"]
    say("company.balance_text", lang,
        fit=fmt.percent(b[("wlb_fit_good", "company")], 0),
        fit_network=fmt.percent(b[("wlb_fit_good", "network")], 0),
        wfc=fmt.number(b[("wfc_score", "company")], 2),
        wfc_network=fmt.number(b[("wfc_score", "network")], 2))
else:
    say("company.too_few", lang, min_cell=ctx.min_cell, min_companies=MIN_NETWORK_COMPANIES)
