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
    GROUPINGS,
    balance_table,
    needs_distribution,
    needs_table,
    unmet_need,
)
from pipeline.analyse.analysis.survey import wave_design
from pipeline.analyse.analysis.themes import theme_counts
from pipeline.analyse.plots import set_theme
from pipeline.analyse.plots.bars import share_bars
from pipeline.analyse.plots.estimates import diverging_likert, dot_ci
from pipeline.analyse.stats import cronbach_alpha
from pipeline.codebook import load_codebook
from pipeline.i18n.formatting import format_number, format_percent
from pipeline.i18n.text import say, text
from pipeline.notebook import open_wave, show_figure

set_theme()
codebook = load_codebook()
ctx = open_wave(wave, lang, processed_dir, tables_dir, min_cell)
wave = ctx.wave
workers, companies = ctx.tables["worker_survey"], ctx.tables["companies"]
measures = codebook.measure_codes("asked_workers")
design = wave_design(workers, companies)
label = {m: codebook.measure_label(m, lang) for m in measures}

# %%
say("needs.intro", lang, n_workers=format_number(len(workers), lang, decimals=0),
    n_companies=format_number(workers["company_id"].nunique(), lang, decimals=0),
    min_cell=ctx.min_cell)

# %%
say("needs.importance", lang)
needs = ctx.save_table(needs_table(workers, design, measures, groupings=GROUPINGS), "needs")
overall = needs[needs["group_var"] == "all"].sort_values("estimate", ascending=False)
overall = overall.assign(label=overall["measure"].map(label))
show_figure(dot_ci(overall, label="label", xlabel=text("needs.share_important", lang)),
            text("needs.importance_caption", lang))

# %%
say("needs.by_group", lang)
order = overall["measure"].tolist()
for group_var in ("gender", "has_child_u14", "caregiver"):
    part = needs[needs["group_var"] == group_var].copy()
    part["label"] = part["measure"].map(label)
    part["order"] = part["measure"].map({m: i for i, m in enumerate(order)})
    groups = {g: text(f"group.{group_var}.{g}", lang) for g in part["group"].unique()}
    show_figure(dot_ci(part.sort_values("order"), label="label", hue="group",
                       hue_labels=groups, xlabel=text("needs.share_important", lang)),
                text(f"needs.by_{group_var}_caption", lang))

# %%
say("needs.distribution", lang)
dist = ctx.save_table(needs_distribution(workers, design, measures), "needs_distribution")
dist = dist.assign(label=dist["measure"].map(label))
dist["order"] = dist["measure"].map({m: i for i, m in enumerate(order)})
scale = codebook.scales["importance4"]["labels"]
show_figure(diverging_likert(dist.sort_values("order"), label="label", categories=[1, 2, 3, 4],
                             category_labels={k: v[lang] for k, v in scale.items()}),
            text("needs.distribution_caption", lang))

# %%
say("needs.unmet", lang)
unmet = ctx.save_table(unmet_need(workers, design, measures), "unmet_need")
unmet = unmet.dropna(subset=["estimate"]).sort_values("estimate", ascending=False)
show_figure(dot_ci(unmet.assign(label=unmet["measure"].map(label)), label="label",
                   xlabel=text("needs.share_unmet", lang)),
            text("needs.unmet_caption", lang))

# %%
say("needs.balance", lang)
balance = ctx.save_table(balance_table(workers, design), "work_life_balance")
alpha = cronbach_alpha(workers[[f"wfc_{i}" for i in range(1, 6)]]).iloc[0]
fit_all = balance[(balance["indicator"] == "wlb_fit_good") & (balance["group_var"] == "all")]
wfc_all = balance[(balance["indicator"] == "wfc_score") & (balance["group_var"] == "all")]
say("needs.balance_text", lang,
    fit=format_percent(fit_all["estimate"].iloc[0], lang, decimals=0),
    wfc=format_number(wfc_all["estimate"].iloc[0], lang, decimals=2),
    alpha=format_number(alpha["estimate"], lang, decimals=2))
say("needs.balance_design", lang,
    icc=format_number(wfc_all["icc"].iloc[0], lang, decimals=2),
    deff=format_number(wfc_all["deff"].iloc[0], lang, decimals=2),
    icc_fit=format_number(fit_all["icc"].iloc[0], lang, decimals=2),
    deff_fit=format_number(fit_all["deff"].iloc[0], lang, decimals=2))
wfc = balance[balance["indicator"] == "wfc_score"].copy()
wfc["label"] = [text(f"group.{v}.{g}", lang) for v, g in zip(wfc["group_var"], wfc["group"],
                                                                strict=True)]
show_figure(dot_ci(wfc, label="label", percent=False, xlabel=text("needs.wfc_axis", lang)),
            text("needs.wfc_caption", lang))

# %%
say("needs.proposals", lang)
themes = theme_counts(workers.get("comments", pd.Series(dtype="str")), lang=lang,
                      min_cell=ctx.min_cell)
themes = ctx.save_table(themes[["theme", "label", "n", "share", "n_answers"]],
                        "comment_themes")
shown = themes.dropna(subset=["share"])
if len(shown):
    show_figure(share_bars(shown, label="label", xlabel=text("needs.share_comments", lang)),
                text("needs.proposals_caption", lang, n=format_number(
                    themes["n_answers"].iloc[0], lang, decimals=0)))
