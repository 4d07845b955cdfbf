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
# # I bisogni dei lavoratori
#
# Needs survey: importance of each measure, unmet need, work-life balance, proposals.

# %% tags=["parameters"]
wave = None  # None: the latest processed wave
lang = "it"
processed_dir = None
tables_dir = None
min_cell = 5

# %%
import pandas as pd

from pipeline.analyse.analysis.needs import (
    COMPARED_GROUPS,
    GROUPINGS,
    balance_table,
    needs_distribution,
    needs_table,
    unmet_need,
    wfc_reliability,
)
from pipeline.analyse.analysis.survey import wave_design
from pipeline.analyse.analysis.themes import theme_counts
from pipeline.analyse.plots import set_theme
from pipeline.analyse.plots.bars import share_bars
from pipeline.analyse.plots.estimates import diverging_likert, dot_ci
from pipeline.codebook import load_codebook
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import say, text
from pipeline.notebook import open_wave, show_figure

set_theme()
fmt = Formatter(lang)
codebook = load_codebook()
ctx = open_wave(wave, lang, processed_dir, tables_dir, min_cell)
wave = ctx.wave
workers, companies = ctx.tables["worker_survey"], ctx.tables["companies"]
measures = codebook.measure_codes("asked_workers")
design = wave_design(workers, companies)
label = {m: codebook.measure_label(m, lang) for m in measures}

# %% [markdown] tags=["text"]
# <!-- needs.intro -->
# Hanno risposto al questionario **{n_workers}** lavoratrici e lavoratori di **{n_companies}**
# imprese della rete. Le stime sono ponderate e tengono conto del disegno dell'indagine
# (ogni impresa è uno strato, con post-stratificazione per genere sull'organico): descrivono
# i dipendenti delle imprese intervistate. Gli intervalli sono al 95 %; nessuna cifra è
# pubblicata se poggia su meno di {min_cell} risposte.
#
# <!-- en -->
# **{n_workers}** workers of **{n_companies}** network companies answered the questionnaire.
# Estimates are weighted and follow the survey design (each company is a stratum,
# post-stratified by gender to its workforce): they describe the employees of the surveyed
# companies. Intervals are 95 %; no figure is published when it rests on fewer than
# {min_cell} answers.

# %%
say("needs.intro", lang, n_workers=fmt.number(len(workers), 0),
    n_companies=fmt.number(workers["company_id"].nunique(), 0), min_cell=ctx.min_cell)

# %% [markdown] tags=["text"]
# <!-- needs.importance -->
# ## Quali misure contano di più
#
# <!-- en -->
# ## Which measures matter most

# %%
say("needs.importance", lang)
needs = ctx.save_table(needs_table(workers, design, measures, groupings=GROUPINGS), "needs")
overall = needs[needs["group_var"] == "all"].sort_values("estimate", ascending=False)
overall = overall.assign(label=overall["measure"].map(label))
show_figure(dot_ci(overall, label="label", xlabel=text("needs.share_important", lang)),
            text("needs.importance_caption", lang))

# %% [markdown] tags=["text"]
# <!-- needs.by_group -->
# ## Bisogni diversi per gruppi diversi
#
# <!-- en -->
# ## Different needs for different groups

# %%
say("needs.by_group", lang)
order = overall["measure"].tolist()
for group_var in COMPARED_GROUPS:
    part = needs[needs["group_var"] == group_var].copy()
    part["label"] = part["measure"].map(label)
    part["order"] = part["measure"].map({m: i for i, m in enumerate(order)})
    groups = {g: text(f"group.{group_var}.{g}", lang) for g in part["group"].unique()}
    show_figure(dot_ci(part.sort_values("order"), label="label", hue="group",
                       hue_labels=groups, xlabel=text("needs.share_important", lang)),
                text(f"needs.by_{group_var}_caption", lang))

# %% [markdown] tags=["text"]
# <!-- needs.distribution -->
# ## La distribuzione delle risposte
#
# <!-- en -->
# ## How the answers are distributed

# %%
say("needs.distribution", lang)
dist = ctx.save_table(needs_distribution(workers, design, measures), "needs_distribution")
dist = dist.assign(label=dist["measure"].map(label))
dist["order"] = dist["measure"].map({m: i for i, m in enumerate(order)})
scale = codebook.scales["importance4"]["labels"]
show_figure(diverging_likert(dist.sort_values("order"), label="label", categories=[1, 2, 3, 4],
                             category_labels={k: v[lang] for k, v in scale.items()}),
            text("needs.distribution_caption", lang))

# %% [markdown] tags=["text"]
# <!-- needs.unmet -->
# ## Bisogni non coperti
#
# <!-- en -->
# ## Unmet needs

# %%
say("needs.unmet", lang)
unmet = ctx.save_table(unmet_need(workers, design, measures), "unmet_need")
unmet = unmet.dropna(subset=["estimate"]).sort_values("estimate", ascending=False)
show_figure(dot_ci(unmet.assign(label=unmet["measure"].map(label)), label="label",
                   xlabel=text("needs.share_unmet", lang)),
            text("needs.unmet_caption", lang))

# %% [markdown] tags=["text"]
# <!-- needs.balance -->
# ## Conciliazione e conflitto lavoro-famiglia
#
# <!-- en -->
# ## Work-life balance and work-family conflict

# %%
say("needs.balance", lang)
balance = ctx.save_table(balance_table(workers, design), "work_life_balance")
alpha = wfc_reliability(workers)
fit_all = balance[(balance["indicator"] == "wlb_fit_good") & (balance["group_var"] == "all")]
wfc_all = balance[(balance["indicator"] == "wfc_score") & (balance["group_var"] == "all")]

# %% [markdown] tags=["text"]
# <!-- needs.balance_text -->
# Il **{fit}** dei dipendenti dichiara che l'orario di lavoro si concilia bene o molto bene
# con gli impegni familiari e sociali. Il conflitto lavoro-famiglia (scala di Netemeyer e
# colleghi, da 1 a 7) è in media **{wfc}**; l'affidabilità della scala è buona (alfa di
# Cronbach {alpha}).
#
# <!-- en -->
# **{fit}** of the employees say their working hours fit their family and social
# commitments well or very well. Work-to-family conflict (Netemeyer et al. scale, 1 to 7)
# averages **{wfc}**; the scale is reliable (Cronbach's alpha {alpha}).
#
# <!-- needs.balance_design -->
# Le risposte di chi lavora nella stessa impresa si somigliano: la correlazione tra
# colleghi della stessa impresa è {icc} per il conflitto lavoro-famiglia e {icc_fit} per
# l'orario che si concilia bene (0 vorrebbe dire nessuna somiglianza, 1 risposte identiche
# in ogni impresa). Sulla precisione delle stime di questo rapporto la somiglianza non
# pesa, perché le imprese sono tenute separate (ogni impresa è uno strato del disegno);
# pesa invece quando si confrontano imprese tra loro, dove conta più il numero di imprese
# che quello dei rispondenti. L'effetto del disegno, {deff}
# per il conflitto e {deff_fit} per l'orario, dice quanto le stime sono più o meno precise
# di quelle di un campione casuale semplice con gli stessi rispondenti: sotto 1 più
# precise, perché in molte imprese ha risposto una parte grande dei dipendenti; sopra 1
# meno precise, per effetto dei pesi. Entrambi i valori sono nella tabella dei dati
# (colonne `deff` e `icc`).
#
# <!-- en -->
# The answers of people working in the same company resemble each other: the correlation
# between colleagues of the same company is {icc} for work-to-family conflict and
# {icc_fit} for hours that fit well (0 would mean no resemblance, 1 identical answers
# within each company). This does not weigh on the precision of this report's estimates,
# since companies are kept apart (each company is a stratum of the design); it does when
# companies are compared with each other, where the number of companies matters more than
# the number of respondents. The design effect, {deff} for conflict and {deff_fit} for
# hours, says how much more or less precise the estimates are than those of a simple random
# sample with as many respondents: below 1 more precise, because in many companies a large
# part of the employees answered; above 1 less precise, because of the weights. Both values
# are in the data table (columns `deff` and `icc`).

# %%
say("needs.balance_text", lang,
    fit=fmt.percent(fit_all["estimate"].iloc[0], 0),
    wfc=fmt.number(wfc_all["estimate"].iloc[0], 2),
    alpha=fmt.number(alpha["estimate"], 2))
say("needs.balance_design", lang,
    icc=fmt.number(wfc_all["icc"].iloc[0], 2),
    deff=fmt.number(wfc_all["deff"].iloc[0], 2),
    icc_fit=fmt.number(fit_all["icc"].iloc[0], 2),
    deff_fit=fmt.number(fit_all["deff"].iloc[0], 2))
wfc = balance[balance["indicator"] == "wfc_score"].copy()
wfc["label"] = [text(f"group.{v}.{g}", lang) for v, g in zip(wfc["group_var"], wfc["group"],
                                                                strict=True)]
show_figure(dot_ci(wfc, label="label", percent=False, xlabel=text("needs.wfc_axis", lang)),
            text("needs.wfc_caption", lang))

# %% [markdown] tags=["text"]
# <!-- needs.proposals -->
# ## Le proposte dei lavoratori
#
# <!-- en -->
# ## Workers' proposals

# %%
say("needs.proposals", lang)
themes = theme_counts(workers.get("comments", pd.Series(dtype="str")), lang=lang,
                      min_cell=ctx.min_cell)
themes = ctx.save_table(themes[["theme", "label", "n", "share", "n_answers"]],
                        "comment_themes")
shown = themes.dropna(subset=["share"])
if len(shown):
    show_figure(share_bars(shown, label="label", xlabel=text("needs.share_comments", lang)),
                text("needs.proposals_caption", lang, n=fmt.number(themes["n_answers"].iloc[0], 0)))
