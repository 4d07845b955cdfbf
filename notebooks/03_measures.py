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
# # Le misure di welfare delle imprese
#
# What the surveyed companies have adopted, a welfare-maturity score (classes only), and
# worker outcomes in companies with and without each measure.

# %% tags=["parameters"]
wave = None  # None: the latest processed wave
lang = "it"
processed_dir = None
tables_dir = None
min_cell = 5
min_companies = 3

# %%
import pandas as pd

from pipeline.analyse.analysis.measures import (
    COMPARED_MEASURES,
    MATURITY_CUTS,
    MATURITY_POINTS,
    OUTCOMES,
    adoption_table,
    all_network_members,
    maturity_components,
    maturity_distribution,
    maturity_scores,
    measures_by_size,
    oriented_effects,
    outcome_comparisons,
    size_gradient,
    surveyed_companies,
    welfare_area_table,
)
from pipeline.analyse.plots import set_theme
from pipeline.analyse.plots.bars import count_bars
from pipeline.analyse.plots.estimates import dot_ci
from pipeline.analyse.plots.network import effect_dots, status_bars
from pipeline.analyse.stats import ALPHA, MIN_ASSIGNMENTS
from pipeline.codebook import load_codebook
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import say, text
from pipeline.notebook import open_wave, show_figure, show_table

set_theme()
fmt = Formatter(lang)
codebook = load_codebook()
ctx = open_wave(wave, lang, processed_dir, tables_dir, min_cell)
wave = ctx.wave
workers, companies = ctx.tables["worker_survey"], ctx.tables["companies"]
survey = ctx.tables["company_survey"]
surveyed = surveyed_companies(survey, companies)
measure_label = {m: codebook.measure_label(m, lang) for m in codebook.measure_codes()}
area_label = {a: v[lang] for a, v in codebook.areas().items()}
status_label = {s: text(f"measures.status.{s}", lang)
                for s in ("active_all", "active_some", "planned")}

# %% [markdown] tags=["text"]
# <!-- measures.intro -->
# Questa sezione descrive che cosa fanno le **{n_companies}** imprese della rete che hanno
# compilato il questionario aziendale: quali misure di welfare e di conciliazione hanno
# attivato, per chi e con quale struttura organizzativa; propone un indice sintetico di
# maturità del welfare aziendale e confronta la conciliazione vita-lavoro dichiarata dai
# **{n_workers}** lavoratori delle imprese che hanno o non hanno ciascuna misura.
#
# Le quote di imprese descrivono le imprese intervistate, che non sono un campione
# casuale: sono imprese della rete, più spesso medie e grandi. Gli intervalli al 95 %
# indicano quanto le quote potrebbero variare con altre imprese simili. Nessuna cifra
# riguarda meno di {min_cell} imprese o lavoratori, e nessun confronto si basa su meno di
# {min_companies} imprese per parte.
#
# <!-- en -->
# This section describes what the **{n_companies}** network companies that answered the
# company questionnaire do: which welfare and work-life balance measures they have
# introduced, for whom, and with what organisation behind them; it proposes a summary
# index of welfare maturity and compares the work-life balance reported by the
# **{n_workers}** workers of companies that do or do not have each measure.
#
# Shares of companies describe the surveyed companies, which are not a random sample:
# they are network members, more often medium-sized and large. The 95 % intervals show
# how much the shares could vary with other similar companies. No figure concerns fewer
# than {min_cell} companies or workers, and no comparison rests on fewer than
# {min_companies} companies on each side.

# %%
say("measures.intro", lang, n_companies=fmt.number(len(surveyed), 0),
    n_workers=fmt.number(len(workers), 0), min_cell=ctx.min_cell, min_companies=min_companies)

# %%
say("measures.areas", lang)
if all_network_members(surveyed):
    say("measures.areas_network_note", lang)
areas = ctx.save_table(welfare_area_table(surveyed, by="size_class", codebook=codebook),
                       "measures_areas")
overall = areas[areas["group_var"] == "all"].sort_values("estimate", ascending=False)
show_figure(dot_ci(overall.assign(label=overall["welfare_area"].map(area_label)), label="label",
                   xlabel=text("measures.share_companies", lang)),
            text("measures.areas_caption", lang, n=fmt.number(len(surveyed), 0)))
by_size = areas[areas["group_var"] == "size_class"].copy()
by_size["order"] = by_size["welfare_area"].map(
    {a: i for i, a in enumerate(overall["welfare_area"])})
by_size = by_size.sort_values("order").assign(label=lambda d: d["welfare_area"].map(area_label))
sizes = [s for s in codebook.code_lists["size_class"] if s in set(by_size["group"])]
show_figure(dot_ci(by_size, label="label", hue="group", hue_order=sizes,
                   hue_labels={s: text("measures.size_label", lang, size=s) for s in sizes},
                   xlabel=text("measures.share_companies", lang)),
            text("measures.areas_size_caption", lang, min_cell=ctx.min_cell))

# %%
adoption = ctx.save_table(
    adoption_table(surveyed, codebook.measure_codes(), by="size_class", codebook=codebook),
    "measures_adoption")
everyone = adoption[adoption["group_var"] == "all"]
active = everyone[everyone["status"] == "active"].set_index("measure")["estimate"]
all_of_active = (everyone[everyone["status"] == "active_all"].set_index("measure")["n_status"]
                 .sum() / everyone[everyone["status"] == "active"].set_index("measure")[
                     "n_status"].sum())
say("measures.adoption", lang, share_all=fmt.percent(all_of_active, 0),
    n_planned=fmt.number(everyone.loc[everyone["status"] == "planned", "n_status"].sum(), 0))
asked = codebook.measure_codes("asked_workers")
part = everyone[everyone["measure"].isin(asked) & everyone["status"].isin(status_label)].copy()
part["order"] = part["measure"].map(active.rank(ascending=False, method="first"))
part = part.sort_values("order").assign(label=lambda d: d["measure"].map(measure_label))
show_figure(status_bars(part, label="label", status_labels=status_label,
                        xlabel=text("measures.share_companies", lang)),
            text("measures.adoption_asked_caption", lang))
others = active.drop(index=asked, errors="ignore").sort_values(ascending=False).head(15)
part = everyone[everyone["measure"].isin(others.index) & everyone["status"].isin(status_label)]
part = part.assign(order=part["measure"].map({m: i for i, m in enumerate(others.index)}))
part = part.sort_values("order").assign(label=lambda d: d["measure"].map(measure_label))
show_figure(status_bars(part, label="label", status_labels=status_label,
                        xlabel=text("measures.share_companies", lang)),
            text("measures.adoption_other_caption", lang, n=len(others)))

# %%
by_size = ctx.save_table(measures_by_size(surveyed), "measures_by_size")
gradient = ctx.save_table(size_gradient(surveyed), "measures_size_test").set_index("test")
rows = by_size[by_size["group_var"] == "size_class"].dropna(subset=["estimate"])
if len(rows) >= 2:
    say("measures.size", lang, n_measures=len(codebook.measure_codes()),
        mean=fmt.number(by_size.loc[by_size["group_var"] == "all", "estimate"].iloc[0]),
        small=fmt.number(rows["estimate"].iloc[0]), small_class=rows["group"].iloc[0],
        large=fmt.number(rows["estimate"].iloc[-1]), large_class=rows["group"].iloc[-1],
        rho=fmt.number(gradient.loc["spearman", "estimate"], 2),
        p=fmt.p_value(gradient.loc["spearman", "p_value"]))
    show_figure(dot_ci(rows.assign(label=[text("measures.size_label", lang, size=s)
                                          for s in rows["group"]]),
                       label="label", percent=False, xlabel=text("measures.active_axis", lang)),
                text("measures.size_caption", lang))
else:
    say("measures.size_few", lang, n_measures=len(codebook.measure_codes()),
        mean=fmt.number(by_size.loc[by_size["group_var"] == "all", "estimate"].iloc[0]),
        min_cell=ctx.min_cell)

# %%
scores = maturity_scores(surveyed, codebook=codebook)  # per company: confidential, not saved
# A class holding 1-4 companies is a small cell like any other: its count is blanked.
classes = ctx.save_table(ctx.publishable(maturity_distribution(scores), n_col="n_companies",
                                         value_cols=["share"], keep_zero=True),
                         "maturity_classes")
components = ctx.save_table(maturity_components(scores), "maturity_components")
say("measures.maturity", lang,
    **{f"w_{k}": fmt.number(v, 0) for k, v in MATURITY_POINTS.items()},
    **{f"c{i + 1}": fmt.number(c, 0) for i, c in enumerate(MATURITY_CUTS)})
show_figure(count_bars(classes, x="maturity_class", value="n_companies",
                       ylabel=text("companies", lang)),
            text("measures.maturity_caption", lang, n=fmt.number(len(scores), 0)))
table = components.assign(
    component=[text(f"measures.component.{c}", lang) for c in components["component"]],
    max_points=[fmt.number(v, 0) for v in components["max_points"]],
    estimate=[fmt.number(v) for v in components["estimate"]],
    interval=[f"{fmt.number(lo)} – {fmt.number(hi)}" for lo, hi in
              zip(components["ci_low"], components["ci_high"], strict=True)])
show_table(table[["component", "max_points", "estimate", "interval"]].rename(columns={
    "component": text("measures.col.component", lang),
    "max_points": text("measures.col.max_points", lang),
    "estimate": text("measures.col.mean_points", lang),
    "interval": text("measures.col.interval", lang)}),
    text("measures.components_caption", lang))
top_share = classes.set_index("maturity_class").loc[["4W", "5W"], "share"].sum()
say("measures.maturity_text", lang,
    mean=fmt.number(components.set_index("component").loc["score", "estimate"]),
    top=fmt.percent(top_share, 0))

# %%
say("measures.outcomes", lang, min_companies=min_companies, min_assignments=MIN_ASSIGNMENTS)
comparisons = ctx.save_table(
    outcome_comparisons(workers, survey, companies, measures=COMPARED_MEASURES,
                        outcomes=tuple(OUTCOMES), min_companies=min_companies,
                        min_cell=ctx.min_cell),
    "measures_outcomes")
outcome_label = {o: text(f"measures.outcome.{o}", lang) for o in OUTCOMES}
effects = oriented_effects(comparisons)
effects = effects.assign(label=effects["measure"].map(measure_label))
if len(effects):
    show_figure(effect_dots(effects, label="label", hue="outcome", hue_order=list(OUTCOMES),
                            hue_labels=outcome_label, xlabel=text("measures.effect_axis", lang)),
                text("measures.effects_caption", lang))
wfc_shown = comparisons[comparisons["outcome"] == "wfc_score"].dropna(subset=["estimate"])
if len(wfc_shown):
    show_figure(effect_dots(wfc_shown.assign(label=wfc_shown["measure"].map(measure_label)),
                            label="label", xlabel=text("measures.wfc_diff_axis", lang)),
                text("measures.wfc_caption", lang))
no_test = text("measures.no_test", lang)
for outcome in OUTCOMES:
    rows = comparisons[comparisons["outcome"] == outcome]
    table = pd.DataFrame({
        text("measures.col.measure", lang): rows["measure"].map(measure_label),
        text("measures.col.difference", lang): [
            fmt.interval(e, lo, hi, 2) for e, lo, hi in
            zip(rows["estimate"], rows["ci_low"], rows["ci_high"], strict=True)],
        text("measures.col.effect", lang): [
            fmt.cell(v, 2) for v in rows["effect_size"]],
        text("measures.col.p_holm", lang): [
            no_test if not ok and pd.notna(e) else fmt.p_value(p) for p, ok, e in
            zip(rows["p_holm"], rows["test_valid"], rows["estimate"], strict=True)],
        text("measures.col.p_bh", lang): [
            no_test if not ok and pd.notna(e) else fmt.p_value(p) for p, ok, e in
            zip(rows["p_bh"], rows["test_valid"], rows["estimate"], strict=True)],
        text("measures.col.companies_with", lang): [
            fmt.count(v) for v in rows["companies_with"]],
        text("measures.col.companies_without", lang): [
            fmt.count(v) for v in rows["companies_without"]],
    })
    show_table(table, text("measures.outcomes_table_caption", lang,
                           outcome=outcome_label[outcome], min_companies=min_companies))
found = comparisons[comparisons["significant"]]
findings = [text("measures.finding", lang, measure=measure_label[r.measure],
                 outcome=outcome_label[r.outcome], difference=fmt.number(r.estimate, 2))
            for r in found.itertuples()]
say("measures.outcomes_text", lang, n_tests=int(comparisons["p_value"].notna().sum()),
    n_holm=len(found), n_bh=int((comparisons["p_bh"] < ALPHA).sum()),
    findings="; ".join(findings) if findings else text("measures.no_finding", lang))
if comparisons["too_few_companies"].any():
    say("measures.outcomes_withheld", lang, n=int(comparisons["too_few_companies"].sum()),
        min_companies=min_companies)
say("measures.observational", lang)
