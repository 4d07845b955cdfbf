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
#     previous_wave: true
#     tables:
#     - companies
#     - company_survey
#     - worker_survey
# ---

# %% [markdown] tags=["remove-cell"]
# # Monitoraggio: confronto con le onde precedenti
#
# Key indicators of the wave against the previous one (changes, intervals, tests with the
# company as unit of replication, Holm-corrected), their levels in every wave of the chain;
# a baseline page when there is no previous wave.

# %% tags=["parameters"]
wave = None  # None: the latest processed wave
lang = "it"
processed_dir = None
tables_dir = None
min_cell = 5
previous_wave = None
previous_processed_dir = None
previous_waves = None  # earlier waves of the chain, oldest first (None: previous_wave only)
previous_processed_dirs = None  # their processed folders, same order
min_companies = 3

# %%
from pathlib import Path

import pandas as pd

from pipeline.analyse.analysis.monitoring import (
    ALPHA,
    COMPANY_INDICATORS,
    INDICATORS,
    company_change,
    company_levels,
    flexibility_change,
    indicator_trend,
    network_change,
    panel_scopes,
    pool_waves,
    prepare_wave,
    wave_chain,
    worker_changes,
    worker_indicators,
    worker_outcomes,
)
from pipeline.analyse.plots import set_theme
from pipeline.analyse.plots.estimates import dot_ci
from pipeline.analyse.plots.network import effect_dots
from pipeline.analyse.stats import MIN_ASSIGNMENTS, MIN_TEST_COMPANIES
from pipeline.codebook import load_codebook
from pipeline.config import get_paths
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import say, text
from pipeline.notebook import open_wave, show_figure, show_table
from pipeline.wave import read_processed

set_theme()
fmt = Formatter(lang)
codebook = load_codebook()
ctx = open_wave(wave, lang, processed_dir, tables_dir, min_cell)
wave = ctx.wave
chain = wave_chain(previous_waves, previous_processed_dirs, previous_wave,
                   previous_processed_dir)
baseline = not chain
indicator_label = {i: text(f"monitoring.indicator.{i}", lang)
                   for i in [*INDICATORS, *COMPANY_INDICATORS]}
scope_label = {s: text(f"monitoring.scope.{s}", lang)
               for s in ("all", "common", "new_flex", "no_new_flex")}
workers, design, surveyed = prepare_wave(ctx.tables, codebook=codebook)
companies = ctx.tables["companies"]
earlier = {}  # wave -> (tables, workers, design, surveyed), oldest first
for label, folder in chain:
    tables = read_processed(Path(folder) if folder else get_paths().processed_wave(label)).tables
    earlier[label] = (tables, *prepare_wave(tables, codebook=codebook))
if not baseline:
    first_wave, previous_wave = chain[0][0], chain[-1][0]
    previous, workers_prev, design_prev, surveyed_prev = earlier[previous_wave]

# %%
if baseline:
    say("monitoring.baseline", lang, wave=wave)
else:
    scopes = panel_scopes(previous["company_survey"], ctx.tables["company_survey"],
                          min_companies=min_companies)
    common = scopes["common"]
    say("monitoring.intro", lang, wave=wave, previous=previous_wave,
        n_prev=fmt.number(len(workers_prev), 0), n_cur=fmt.number(len(workers), 0),
        c_prev=fmt.number(len(surveyed_prev), 0), c_cur=fmt.number(len(surveyed), 0),
        n_common=fmt.number(len(common), 0), min_companies=min_companies,
        min_test_companies=MIN_TEST_COMPANIES)

# %%
trend = ctx.save_table(indicator_trend(
    {**{label: (e[1], e[2]) for label, e in earlier.items()}, wave: (workers, design)},
    min_companies=min_companies), "monitoring_trend")
if len(chain) >= 2:
    say("monitoring.trend", lang, first=first_wave, wave=wave, n_waves=len(chain) + 1)
    order = list(trend["wave"].drop_duplicates())
    wide = trend.assign(value=[fmt.value(v, k) for v, k in
                               zip(trend["estimate"], trend["kind"], strict=True)]).pivot(
        index="indicator", columns="wave", values="value").reindex(list(INDICATORS))
    table = pd.DataFrame({text("monitoring.col.indicator", lang): wide.index.map(
        indicator_label), **{w: wide[w].to_numpy() for w in order}})
    show_table(table, text("monitoring.trend_caption", lang, first=first_wave, wave=wave))

# %%
if baseline:
    current = worker_indicators(workers, design, min_companies=min_companies)
    levels = ctx.save_table(current.assign(wave=wave), "monitoring_indicators")
    table = pd.DataFrame({
        text("monitoring.col.indicator", lang): levels["indicator"].map(indicator_label),
        text("monitoring.col.value", lang): [
            fmt.value(v, k) for v, k in zip(levels["estimate"], levels["kind"], strict=True)],
        text("monitoring.col.interval", lang): [
            f"{fmt.value(lo, k)} – {fmt.value(hi, k)}" for lo, hi, k in
            zip(levels["ci_low"], levels["ci_high"], levels["kind"], strict=True)],
    })
    show_table(table, text("monitoring.baseline_workers_caption", lang, wave=wave))
else:
    ind_prev = worker_indicators(workers_prev, design_prev, scopes=scopes,
                                 min_companies=min_companies)
    ind_cur = worker_indicators(workers, design, scopes=scopes, min_companies=min_companies)
    levels = ctx.save_table(pd.concat([ind_prev.assign(wave=previous_wave),
                                       ind_cur.assign(wave=wave)], ignore_index=True),
                            "monitoring_indicators")
    outcomes = worker_outcomes(workers, design)
    pooled = pool_waves(worker_outcomes(workers_prev, design_prev), outcomes)
    options = {"min_companies": min_companies}
    found = worker_changes(pooled, {"all": None, "common": common}, **options)
    parts = [found.assign(reference_wave=previous_wave, wave=wave)]
    if len(chain) >= 2:
        _, workers_first, design_first, _ = earlier[first_wave]
        since_first = worker_changes(
            pool_waves(worker_outcomes(workers_first, design_first), outcomes),
            comparison="first", **options)
        parts.append(since_first.assign(reference_wave=first_wave, wave=wave))
    changes = ctx.save_table(pd.concat(parts, ignore_index=True), "monitoring_changes")
    say("monitoring.workers", lang)
    shown = levels[levels["scope"] == "common"].assign(
        label=lambda d: d["indicator"].map(indicator_label))
    for kind, percent in (("mean", False), ("proportion", True)):
        part = shown[shown["kind"] == kind]
        show_figure(dot_ci(part, label="label", hue="wave", hue_order=[previous_wave, wave],
                           percent=percent, xlabel=text(f"monitoring.axis.{kind}", lang)),
                    text(f"monitoring.levels_caption.{kind}", lang, previous=previous_wave,
                         wave=wave))
    rows = changes[(changes["comparison"] == "previous")
                   & changes["scope"].isin(["common", "all"])].assign(
        o1=lambda d: d["scope"].map({"common": 0, "all": 1}),
        o2=lambda d: d["indicator"].map({k: i for i, k in enumerate(INDICATORS)}),
    ).sort_values(["o1", "o2"])
    table = pd.DataFrame({
        text("monitoring.col.indicator", lang): rows["indicator"].map(indicator_label),
        text("monitoring.col.scope", lang): rows["scope"].map(scope_label),
        previous_wave: [fmt.value(v, k) for v, k in
                        zip(rows["estimate_prev"], rows["kind"], strict=True)],
        wave: [fmt.value(v, k) for v, k in zip(rows["estimate_cur"], rows["kind"], strict=True)],
        text("monitoring.col.change", lang): [
            fmt.change_interval(e, lo, hi, k) for e, lo, hi, k in
            zip(rows["estimate"], rows["ci_low"], rows["ci_high"], rows["kind"], strict=True)],
        text("monitoring.col.p", lang): [fmt.p_value(p) for p in rows["p_value"]],
        text("monitoring.col.p_adjusted", lang): [fmt.p_value(p) for p in rows["p_adjusted"]],
    })
    show_table(table, text("monitoring.changes_caption", lang,
                           n_tests=int(found["p_value"].notna().sum()),
                           min_test_companies=MIN_TEST_COMPANIES))
    same = changes[(changes["comparison"] == "previous") & (changes["scope"] == "common")]
    say("monitoring.workers_text", lang, alpha=fmt.number(ALPHA, 2),
        improved=", ".join(same.loc[same["improved"], "indicator"].map(indicator_label))
        or text("monitoring.nothing", lang),
        worse=", ".join(same.loc[same["worse"], "indicator"].map(indicator_label))
        or text("monitoring.nothing", lang))
    if len(chain) >= 2:
        rows = changes[changes["comparison"] == "first"]
        table = pd.DataFrame({
            text("monitoring.col.indicator", lang): rows["indicator"].map(indicator_label),
            first_wave: [fmt.value(v, k) for v, k in
                         zip(rows["estimate_prev"], rows["kind"], strict=True)],
            wave: [fmt.value(v, k) for v, k in
                   zip(rows["estimate_cur"], rows["kind"], strict=True)],
            text("monitoring.col.change", lang): [
                fmt.change_interval(e, lo, hi, k) for e, lo, hi, k in
                zip(rows["estimate"], rows["ci_low"], rows["ci_high"], rows["kind"],
                    strict=True)],
            text("monitoring.col.p", lang): [fmt.p_value(p) for p in rows["p_value"]],
            text("monitoring.col.p_adjusted", lang): [
                fmt.p_value(p) for p in rows["p_adjusted"]],
        })
        show_table(table, text("monitoring.first_changes_caption", lang, first=first_wave,
                               wave=wave, n_tests=int(since_first["p_value"].notna().sum()),
                               min_test_companies=MIN_TEST_COMPANIES))

# %%
if not baseline and "new_flex" in scopes:
    flex = flexibility_change(pooled, common, scopes["new_flex"], **options)
    did = ctx.save_table(flex, "monitoring_flexibility")
    say("monitoring.flex", lang, n_flex=fmt.number(len(scopes["new_flex"]), 0),
        n_other=fmt.number(len(scopes["no_new_flex"]), 0))
    part = did[(did["comparison"] == "within_change") & (did["indicator"] == "wfc_score")]
    show_figure(effect_dots(part.assign(label=part["scope"].map(scope_label)), label="label",
                            xlabel=text("monitoring.wfc_change_axis", lang)),
                text("monitoring.flex_caption", lang, previous=previous_wave, wave=wave))
    w = did[did["comparison"] == "difference"].set_index("indicator").loc["wfc_score"]
    values = {"did": fmt.number(w["estimate"], 2), "low": fmt.number(w["ci_low"], 2),
              "high": fmt.number(w["ci_high"], 2)}
    if pd.isna(w["p_value"]):
        say("monitoring.flex_text_no_test", lang, **values, min_assignments=MIN_ASSIGNMENTS)
    else:
        say("monitoring.flex_text", lang, **values, p=fmt.p_value(w["p_value"]),
            p_adjusted=fmt.p_value(w["p_adjusted"]),
            n_tests=int(flex.loc[flex["comparison"] == "difference", "p_value"].notna().sum()))

# %%
if baseline:
    levels = ctx.save_table(company_levels(surveyed).assign(wave=wave),
                            "monitoring_company_levels")
    in_network = companies["in_network"].astype("boolean").fillna(False)
    say("monitoring.baseline_companies", lang, n_network=fmt.number(in_network.sum(), 0),
        share=fmt.percent(in_network.mean(), 1),
        n_mapped=fmt.number(len(companies), 0),
        measures=fmt.number(levels.set_index("indicator").loc["n_measures_active", "estimate"]),
        score=fmt.number(levels.set_index("indicator").loc["maturity_score", "estimate"]))
else:
    net = ctx.save_table(network_change(previous["companies"], companies), "monitoring_network")
    by = net.set_index("wave")
    say("monitoring.network", lang, previous=previous_wave, wave=wave,
        n_prev=fmt.number(by.loc["previous", "in_network"], 0),
        n_cur=fmt.number(by.loc["current", "in_network"], 0),
        share_prev=fmt.percent(by.loc["previous", "share"], 1),
        share_cur=fmt.percent(by.loc["current", "share"], 1),
        joined=fmt.number(by.loc["paired", "joined"], 0),
        left=fmt.number(by.loc["paired", "left"], 0),
        p=fmt.p_value(by.loc["paired", "p_value"]))
    levels = ctx.save_table(pd.concat([company_levels(surveyed_prev).assign(wave=previous_wave),
                                       company_levels(surveyed).assign(wave=wave)],
                                      ignore_index=True), "monitoring_company_levels")
    found = company_change(surveyed_prev, surveyed, min_test_companies=MIN_TEST_COMPANIES)
    moves = ctx.save_table(found, "monitoring_companies")
    say("monitoring.companies", lang)
    show_figure(dot_ci(levels.assign(label=levels["indicator"].map(indicator_label)),
                       label="label", hue="wave", hue_order=[previous_wave, wave],
                       percent=False, xlabel=text("monitoring.axis.companies", lang)),
                text("monitoring.companies_caption", lang, previous=previous_wave, wave=wave))
    table = pd.DataFrame({
        text("monitoring.col.indicator", lang): moves["indicator"].map(indicator_label),
        text("monitoring.col.comparison", lang): [
            text(f"monitoring.comparison.{c}", lang) for c in moves["comparison"]],
        text("monitoring.col.companies", lang): [
            f"{a} / {b}" for a, b in zip(moves["n_prev"], moves["n_cur"], strict=True)],
        previous_wave: [fmt.number(v) for v in moves["mean_prev"]],
        wave: [fmt.number(v) for v in moves["mean_cur"]],
        text("monitoring.col.change", lang): [
            fmt.interval(e, lo, hi, 1) for e, lo, hi in
            zip(moves["estimate"], moves["ci_low"], moves["ci_high"], strict=True)],
        text("monitoring.col.p", lang): [fmt.p_value(p) for p in moves["p_value"]],
        text("monitoring.col.p_adjusted", lang): [fmt.p_value(p) for p in moves["p_adjusted"]],
    })
    show_table(table, text("monitoring.companies_table_caption", lang,
                           n_tests=int(found["p_value"].notna().sum()),
                           min_test_companies=MIN_TEST_COMPANIES))
    paired = moves[moves["comparison"] == "paired"].set_index("indicator")
    say("monitoring.companies_text", lang, n=fmt.number(paired.loc["n_measures_active", "n"], 0),
        before=fmt.number(paired.loc["n_measures_active", "mean_prev"]),
        after=fmt.number(paired.loc["n_measures_active", "mean_cur"]),
        p_adjusted=fmt.p_value(paired.loc["n_measures_active", "p_adjusted"]),
        score_change=fmt.number(paired.loc["maturity_score", "estimate"]))
