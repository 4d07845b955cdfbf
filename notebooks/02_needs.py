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
from pipeline.analyse.plots.axes import order_rows
from pipeline.analyse.plots.bars import share_bars
from pipeline.analyse.plots.estimates import diverging_likert, dot_ci
from pipeline.codebook import load_codebook
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import say, text
from pipeline.notebook import open_wave, show_figure

set_theme()
fmt = Formatter(lang)
ctx = open_wave(wave, lang, processed_dir, tables_dir, min_cell)
codebook = load_codebook(on=ctx.meta)  # labels and thresholds in force at the fieldwork
wave = ctx.wave
workers, companies = ctx.tables["worker_survey"], ctx.tables["companies"]
measures = codebook.measure_codes("asked_workers")
design = wave_design(workers, companies)
label = {m: codebook.measure_label(m, lang) for m in measures}

# %% [markdown] tags=["text"]
# <!-- needs.intro -->
# {n_workers:|Ha|Hanno} risposto al questionario
# **{n_workers:lavoratrice o lavoratore|lavoratrici e lavoratori}** di
# **{n_companies:impresa|imprese}** della rete. Le risposte sono ponderate: ogni impresa
# pesa quanto i suoi dipendenti, con donne e uomini nella proporzione del suo organico.
# Le stime descrivono così i dipendenti delle imprese intervistate (il metodo è nella
# nota metodologica). Gli intervalli di confidenza sono al 95 %; nessuna cifra è
# pubblicata se poggia su meno di {min_cell:risposta|risposte}.
#
# <!-- en -->
# The questionnaire was answered by **{n_workers:worker|workers}** of
# **{n_companies:network company|network companies}**. The answers are weighted: each
# company counts as much as its employees, with women and men in the proportion of its
# workforce. The estimates therefore describe the employees of the surveyed companies (the
# method is in the methods appendix). Confidence intervals are 95%; no figure is published
# when it rests on fewer than {min_cell:answer|answers}.

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
measure_col, source = text("chart.col.measure", lang), ctx.source("workers")
show_figure(dot_ci(overall, label="label", xlabel=text("needs.share_important", lang),
                   label_name=measure_col, min_cell=ctx.min_cell, lang=lang, source=source),
            text("needs.importance_caption", lang), lang=lang)

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
                       hue_order=list(COMPARED_GROUPS[group_var]), hue_labels=groups,
                       xlabel=text("needs.share_important", lang), label_name=measure_col,
                       hue_name=text("chart.col.group", lang), min_cell=ctx.min_cell,
                       lang=lang, source=source),
                text(f"needs.by_{group_var}_caption", lang), lang=lang)

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
                             category_labels={k: v[lang] for k, v in scale.items()},
                             label_name=measure_col, min_cell=ctx.min_cell, lang=lang,
                             source=source),
            text("needs.distribution_caption", lang), lang=lang)

# %% [markdown] tags=["text"]
# <!-- needs.unmet -->
# ## Bisogni non coperti
#
# <!-- en -->
# ## Unmet needs

# %%
say("needs.unmet", lang)
unmet = ctx.save_table(unmet_need(workers, design, measures), "unmet_need")
unmet = unmet.sort_values("estimate", ascending=False, na_position="last")  # n.d. last
show_figure(dot_ci(unmet.assign(label=unmet["measure"].map(label)), label="label",
                   xlabel=text("needs.share_unmet", lang), label_name=measure_col,
                   min_cell=ctx.min_cell, lang=lang, source=source),
            text("needs.unmet_caption", lang), lang=lang)

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
# **{fit:Il}** dei dipendenti dichiara che l'orario di lavoro si concilia bene o molto
# bene con gli impegni familiari e sociali. Il conflitto lavoro-famiglia, misurato con
# cinque domande su una scala da 1 (nessun conflitto) a 7, è in media **{wfc}**. Quanto le
# cinque domande misurano la stessa cosa si esprime con un indice di affidabilità da 0 a 1:
# qui vale {alpha}.
#
# <!-- en -->
# **{fit}** of the employees say their working hours fit their family and social
# commitments well or very well. Work-to-family conflict, measured by five questions on a
# scale from 1 (no conflict) to 7, averages **{wfc}**. How far the five questions measure
# the same thing is given by a reliability index from 0 to 1: here it is {alpha}.
#
# <!-- needs.balance_design -->
# Le risposte di chi lavora nella stessa impresa si somigliano: la correlazione tra
# colleghi della stessa impresa è {icc} per il conflitto lavoro-famiglia e {icc_fit} per
# l'orario che si concilia bene (a 0 le risposte non si somiglierebbero affatto, a 1
# sarebbero identiche in ogni impresa). Sulla precisione delle stime di questa sezione la
# somiglianza non pesa, perché ogni impresa è stimata a parte; pesa invece quando si
# confrontano imprese tra loro, dove conta più il numero di imprese che quello dei
# rispondenti: per questo le sezioni successive confrontano imprese, non singoli
# lavoratori. Quanto sono precise le stime, rispetto a un'estrazione a caso dello stesso
# numero di lavoratori, è spiegato nella nota metodologica; i valori sono nella tabella dei
# dati (colonne `deff` e `icc`).
#
# <!-- en -->
# The answers of people working in the same company resemble each other: the correlation
# between colleagues of the same company is {icc} for work-to-family conflict and
# {icc_fit} for hours that fit well (at 0 the answers would not resemble each other at all,
# at 1 they would be identical within each company). This does not weigh on the precision
# of this section's estimates, since each company is estimated on its own; it does when
# companies are compared with each other, where the number of companies matters more than
# the number of respondents: this is why the following sections compare companies, not
# single workers. How precise the estimates are, compared with drawing as many workers at
# random, is explained in the methods appendix; the values are in the data table (columns
# `deff` and `icc`).

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
# groups in their natural order: all, women and men, ..., age bands youngest first
codes = ["all", *codebook.code_lists["gender"], *COMPARED_GROUPS["has_child_u14"],
         *codebook.code_lists["age_band"]]
wfc = order_rows(wfc, "group", codes, within="group_var", within_order=GROUPINGS)
show_figure(dot_ci(wfc, label="label", percent=False, xlabel=text("needs.wfc_axis", lang),
                   label_name=text("chart.col.group", lang), sections="group_var",
                   min_cell=ctx.min_cell, lang=lang, source=source),
            text("needs.wfc_caption", lang), lang=lang)

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
if themes["share"].notna().any():  # a theme too rare to publish is drawn "n.d."
    show_figure(share_bars(themes, label="label", xlabel=text("needs.share_comments", lang),
                           count="n", count_name=text("chart.col.comments", lang),
                           label_name=text("chart.col.theme", lang), min_cell=ctx.min_cell,
                           lang=lang, source=source),
                text("needs.proposals_caption", lang, n=fmt.number(themes["n_answers"].iloc[0], 0)),
                lang=lang)
