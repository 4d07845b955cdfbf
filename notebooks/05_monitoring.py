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
from pipeline.analyse.analysis import monitoring
from pipeline.analyse.plots import set_theme
from pipeline.analyse.plots.estimates import dot_ci
from pipeline.analyse.plots.network import effect_dots
from pipeline.analyse.stats import MIN_ASSIGNMENTS, MIN_TEST_COMPANIES
from pipeline.codebook import load_codebook
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import say, text
from pipeline.notebook import open_wave, show_figure, show_table
from pipeline.render.sections import monitoring as section

set_theme()
fmt = Formatter(lang)
ctx = open_wave(wave, lang, processed_dir, tables_dir, min_cell)
wave = ctx.wave
chain = monitoring.wave_chain(previous_waves, previous_processed_dirs, previous_wave,
                              previous_processed_dir)
# one codebook, the current wave's, for every wave: the same yardstick (maturity budget)
waves = monitoring.load_waves(ctx.tables, wave, chain, codebook=load_codebook(on=ctx.meta))
first_wave, previous_wave = waves.first_wave, waves.previous_wave
cur, prev = waves.current, waves.previous
scopes = None if waves.baseline else monitoring.panel_scopes(
    prev.tables["company_survey"], cur.tables["company_survey"], min_companies=min_companies)
flex_groups = not waves.baseline and "new_flex" in scopes

# %% [markdown] tags=["text"]
# <!-- monitoring.baseline -->
# ## Rilevazione di partenza
#
# **{wave} è la prima rilevazione: non c'è ancora nulla con cui confrontarla.** Questa
# pagina riporta i valori di partenza degli indicatori principali; dalla prossima
# rilevazione la sezione mostrerà i cambiamenti, con i loro intervalli di confidenza e i
# test statistici.
#
# <!-- en -->
# ## Baseline wave
#
# **{wave} is the first wave: there is nothing to compare it with yet.** This page gives
# the baseline values of the key indicators; from the next wave on, this section will
# show the changes, with their confidence intervals and statistical tests.

# %%
if waves.baseline:
    say("monitoring.baseline", lang, wave=wave)

# %% [markdown] tags=["text"]
# <!-- monitoring.intro -->
# Questa sezione confronta la rilevazione **{wave}** con la precedente, **{previous}**.
# Al questionario dei lavoratori {n_prev:|ha|hanno} risposto
# {n_prev:lavoratore|lavoratori} di {c_prev:impresa|imprese} nella prima e
# {n_cur:lavoratore|lavoratori} di {c_cur:impresa|imprese} nella seconda;
# {n_common:|ha|hanno} partecipato a entrambe {n_common:impresa|imprese}.
#
# L'unità di confronto è l'impresa: i lavoratori di una stessa impresa si somigliano (stessa
# organizzazione, stessi orari) e molte imprese partecipano a entrambe le rilevazioni; ogni
# impresa conta una sola volta anche quando compare in tutte e due. Per dire se un
# cambiamento va oltre le normali differenze tra imprese, i dati vengono ricostruiti
# migliaia di volte facendo variare a caso il contributo di ciascuna impresa, e il
# cambiamento osservato conta solo se spicca tra quelli ottenuti così. Con simulazioni su
# reti di 10-40 imprese abbiamo verificato che il metodo non dà falsi allarmi più spesso
# del 5 % dichiarato (si veda la nota metodologica). Poiché la seconda rilevazione
# coinvolge anche imprese nuove, il confronto principale riguarda le imprese presenti in
# tutte e due, ciascuna confrontata con sé stessa; diamo anche quello sull'insieme dei
# rispondenti. I valori p tengono conto dei confronti multipli; nessun test è riportato
# quando un confronto poggia su meno di {min_test_companies:impresa|imprese}, e nessun
# gruppo con meno di {min_companies:impresa|imprese} è mostrato.
#
# <!-- en -->
# This section compares wave **{wave}** with the previous one, **{previous}**.
# The workers' questionnaire was answered by {n_prev:worker|workers} of
# {c_prev:company|companies} in the first and by {n_cur:worker|workers} of
# {c_cur:company|companies} in the second; {n_common:company|companies} took part in both.
#
# The company is the unit of comparison: workers of the same company resemble each other
# (same organisation, same hours) and many companies take part in both waves; each company
# counts once even when it appears in both. To tell whether a change goes beyond the usual
# differences between companies, the data are rebuilt thousands of times letting each
# company's contribution vary at random, and the observed change counts only if it stands
# out among those. Simulations of networks of 10-40 companies showed that the method
# raises false alarms no more often than the stated 5% (see the methods appendix). As the
# second wave also includes new companies, the main comparison concerns the companies
# present in both, each compared with itself; the comparison over all respondents is
# given too. p-values allow for multiple comparisons; no test is reported when a
# comparison rests on fewer than {min_test_companies:company|companies}, and no group of
# fewer than {min_companies:company|companies} is shown.

# %%
if not waves.baseline:
    say("monitoring.intro", lang, **section.intro_values(waves, scopes, fmt),
        min_companies=min_companies, min_test_companies=MIN_TEST_COMPANIES)

# %% [markdown] tags=["text"]
# <!-- monitoring.trend -->
# ## L'andamento dalla prima rilevazione
#
# Dalla prima rilevazione, **{first}**, a **{wave}** le rilevazioni sono {n_waves}. La
# tabella riporta il valore di ciascun indicatore in ognuna, su tutti i rispondenti; le
# variazioni rispetto alla rilevazione precedente e alla prima seguono più avanti.
#
# <!-- en -->
# ## The trend since the first wave
#
# From the first wave, **{first}**, to **{wave}** there are {n_waves:wave|waves}. The table
# gives the value of each indicator in each of them, over all respondents; the changes
# since the previous wave and since the first one follow below.

# %%
trend = ctx.save_table(monitoring.indicator_trend(waves.designs(), min_companies=min_companies),
                       "monitoring_trend")
if waves.has_trend:
    say("monitoring.trend", lang, first=first_wave, wave=wave, n_waves=len(waves))
    show_table(section.trend_table(trend, fmt),
               text("monitoring.trend_caption", lang, first=first_wave, wave=wave),
               lang=lang, min_cell=ctx.min_cell)

# %%
levels = ctx.save_table(monitoring.indicator_levels(
    waves.designs(compared=True), scopes=scopes, min_companies=min_companies),
    "monitoring_indicators")
if waves.baseline:
    show_table(section.baseline_levels_table(levels, fmt),
               text("monitoring.baseline_workers_caption", lang, wave=wave),
               lang=lang, min_cell=ctx.min_cell)

# %% [markdown] tags=["text"]
# <!-- monitoring.workers -->
# ## Come cambia la conciliazione dei lavoratori
#
# <!-- en -->
# ## How workers' work-life balance changes

# %%
if not waves.baseline:
    every_change = monitoring.wave_changes(waves, scopes, min_companies=min_companies)
    changes = ctx.save_table(every_change, "monitoring_changes")
    say("monitoring.workers", lang)
    for kind in ("mean", "proportion"):
        show_figure(dot_ci(section.level_rows(levels, kind, fmt), label="label", hue="wave",
                           hue_order=[previous_wave, wave], percent=kind == "proportion",
                           xlabel=text(f"monitoring.axis.{kind}", lang),
                           label_name=text("chart.col.indicator", lang),
                           hue_name=text("chart.col.wave", lang), min_cell=ctx.min_cell,
                           lang=lang, source=ctx.source("workers", waves=waves.labels[-2:])),
                    text(f"monitoring.levels_caption.{kind}", lang, previous=previous_wave,
                         wave=wave), lang=lang)
    show_table(section.changes_table(changes, fmt, before=previous_wave, after=wave),
               text("monitoring.changes_caption", lang, min_test_companies=MIN_TEST_COMPANIES,
                    n_tests=monitoring.count_tests(every_change, "previous")),
               lang=lang, min_cell=ctx.min_cell)

# %% [markdown] tags=["text"]
# <!-- monitoring.workers_both -->
# Tenendo conto dei confronti multipli (valore p corretto sotto {alpha}), nelle imprese
# presenti in entrambe le rilevazioni {n_improved:|migliora|migliorano} in modo netto
# {improved}, mentre {n_worse:|peggiora|peggiorano} {worse}.
#
# <!-- en -->
# Allowing for multiple comparisons (adjusted p-value below {alpha}), in the companies
# present in both waves {improved} clearly {n_improved:|improves|improve}, while {worse}
# clearly {n_worse:|worsens|worsen}.
#
# <!-- monitoring.workers_improved -->
# Tenendo conto dei confronti multipli (valore p corretto sotto {alpha}), nelle imprese
# presenti in entrambe le rilevazioni {n_improved:|migliora|migliorano} in modo netto
# {improved}; nessun indicatore peggiora in modo netto.
#
# <!-- en -->
# Allowing for multiple comparisons (adjusted p-value below {alpha}), in the companies
# present in both waves {improved} clearly {n_improved:|improves|improve}; no indicator
# clearly worsens.
#
# <!-- monitoring.workers_worse -->
# Tenendo conto dei confronti multipli (valore p corretto sotto {alpha}), nelle imprese
# presenti in entrambe le rilevazioni nessun indicatore migliora in modo netto;
# {n_worse:|peggiora|peggiorano} in modo netto {worse}.
#
# <!-- en -->
# Allowing for multiple comparisons (adjusted p-value below {alpha}), in the companies
# present in both waves no indicator clearly improves; {worse} clearly
# {n_worse:|worsens|worsen}.
#
# <!-- monitoring.workers_none -->
# Tenendo conto dei confronti multipli (valore p corretto sotto {alpha}), nelle imprese
# presenti in entrambe le rilevazioni nessun indicatore dei lavoratori cambia in modo
# netto.
#
# <!-- en -->
# Allowing for multiple comparisons (adjusted p-value below {alpha}), in the companies
# present in both waves no indicator of the workers changes clearly.

# %%
if not waves.baseline:
    worded = section.workers_text_values(changes, fmt)
    say(worded.pop("key"), lang, **worded)

# %%
if waves.has_trend:
    show_table(section.first_changes_table(changes, fmt, first=first_wave, wave=wave),
               text("monitoring.first_changes_caption", lang, first=first_wave, wave=wave,
                    n_tests=monitoring.count_tests(every_change, "first"),
                    min_test_companies=MIN_TEST_COMPANIES), lang=lang, min_cell=ctx.min_cell)

# %% [markdown] tags=["text"]
# <!-- monitoring.flex -->
# ## Dove è arrivata la flessibilità
#
# Tra le imprese presenti in entrambe le rilevazioni, {n_flex} {n_flex:|ha|hanno}
# introdotto nel frattempo la flessibilità oraria o il lavoro agile, {n_other} no.
# Confrontare come è cambiato il conflitto lavoro-famiglia all'interno delle imprese dei
# due gruppi, sempre con l'impresa come unità di confronto, aiuta a capire se un
# cambiamento accompagna le nuove misure. Il valore p si ottiene assegnando molte volte a
# caso l'etichetta «ha introdotto la misura» ad altrettante imprese (i dettagli sono nella
# nota metodologica). Resta un confronto osservazionale: le imprese hanno scelto da sé
# quando introdurre queste misure.
#
# <!-- en -->
# ## Where flexibility arrived
#
# Of the companies present in both waves, {n_flex} introduced flexible hours or smart
# working in the meantime, {n_other} did not. Comparing how work-to-family conflict
# changed within the companies of the two groups, again with the company as unit of
# comparison, helps to see whether a change goes with the new measures. The p-value comes
# from giving the label "introduced the measure" at random to as many companies, many
# times (the details are in the methods appendix). It remains an observational
# comparison: the companies chose when to introduce these measures.

# %%
if flex_groups:
    flex = monitoring.flexibility_change(monitoring.pooled_workers(prev, cur), scopes["common"],
                                         scopes["new_flex"], min_companies=min_companies)
    did = ctx.save_table(flex, "monitoring_flexibility")
    say("monitoring.flex", lang, **section.flexibility_intro_values(scopes, fmt))
    # drawn turned round (a fall in conflict to the right), as every chart of changes
    show_figure(effect_dots(section.flexibility_rows(did, fmt), label="label", reverse=True,
                            xlabel=text("monitoring.wfc_change_axis", lang),
                            label_name=text("chart.col.group", lang), lang=lang,
                            source=ctx.source("workers", "companies",
                                              waves=waves.labels[-2:])),
                text("monitoring.flex_caption", lang, previous=previous_wave, wave=wave),
                lang=lang)

# %% [markdown] tags=["text"]
# <!-- monitoring.flex_text -->
# Dove è arrivata la flessibilità il conflitto è sceso di {did} punti in più che nelle altre
# imprese, su una scala da 1 a 7 (intervallo al 95 % da {low} a {high}; come nella figura,
# un valore positivo è un miglioramento, uno negativo vorrebbe dire che è sceso di meno o
# salito di più). Il valore p è {p}, e {p_adjusted}
# tenendo conto dei confronti multipli ({n_tests:indicatore|indicatori} in tutto).
#
# <!-- en -->
# Where flexibility arrived, conflict fell {did} points more than in the other companies,
# on a 1-7 scale (95% interval {low} to {high}; as in the figure, a positive value is an
# improvement, a negative one would mean it fell less or rose more). The p-value is {p},
# and {p_adjusted} allowing for multiple
# comparisons ({n_tests:indicator|indicators} in all).
#
# <!-- monitoring.flex_text_no_test -->
# Dove è arrivata la flessibilità il conflitto è sceso di {did} punti in più che nelle altre
# imprese, su una scala da 1 a 7 (intervallo al 95 % da {low} a {high}; un valore negativo
# vorrebbe dire che è sceso di meno). Le imprese che hanno introdotto la misura sono così poche che i
# modi di sceglierle sono meno di {min_assignments}: nessun test statistico è affidabile
# e la differenza va letta come descrittiva.
#
# <!-- en -->
# Where flexibility arrived, conflict fell {did} points more than in the other companies,
# on a 1-7 scale (95% interval {low} to {high}; a negative value would mean it fell less).
# The companies that introduced the measure are so few that they can be chosen in fewer than
# {min_assignments} ways: no statistical test is reliable and the difference is descriptive
# only.

# %%
if flex_groups and monitoring.flexibility_tested(did):
    say("monitoring.flex_text", lang, **section.flexibility_values(did, fmt),
        n_tests=fmt.number(monitoring.count_tests(flex, "difference"), 0))
elif flex_groups:
    say("monitoring.flex_text_no_test", lang, **section.flexibility_values(did, fmt),
        min_assignments=MIN_ASSIGNMENTS)

# %% [markdown] tags=["text"]
# <!-- monitoring.baseline_companies -->
# Nella mappatura {n_network:|aderisce|aderiscono} alla rete
# **{n_network:impresa|imprese}** su {n_mapped} ({share}).
# Un'impresa intervistata ha in media **{measures}** misure attive e un punteggio di
# maturità del welfare di **{score}** su 100.
#
# <!-- en -->
# In the mapping, **{n_network}** of {n_mapped:company|companies}
# {n_network:|takes|take} part in the network ({share}). A surveyed company has on average **{measures}** active measures and a
# welfare-maturity score of **{score}** out of 100.

# %%
company_levels = ctx.save_table(monitoring.company_levels_by_wave(
    {w: p.surveyed for w, p in waves.compared().items()}), "monitoring_company_levels")
if waves.baseline:
    say("monitoring.baseline_companies", lang, **section.baseline_companies_values(
        monitoring.network_membership(cur.tables["companies"]), company_levels, fmt))

# %% [markdown] tags=["text"]
# <!-- monitoring.network -->
# ## La rete e le misure delle imprese
#
# Le imprese aderenti alla rete passano da **{n_prev}** ({share_prev} delle imprese
# mappate) nella rilevazione {previous} a **{n_cur}** ({share_cur}) in {wave}. Tra le
# imprese presenti in entrambe le mappature, le nuove adesioni sono {joined} e le uscite
# {left} (valore p del confronto: {p}).
#
# <!-- en -->
# ## The network and the companies' measures
#
# Network members go from **{n_prev}** ({share_prev} of the mapped companies) in wave
# {previous} to **{n_cur}** ({share_cur}) in {wave}. Among the companies mapped in both
# waves, {joined:company|companies} joined and {left} left (p-value of the comparison:
# {p}).

# %%
if not waves.baseline:
    net = ctx.save_table(monitoring.network_change(prev.tables["companies"],
                                                   cur.tables["companies"]), "monitoring_network")
    say("monitoring.network", lang, **section.network_values(net, fmt),
        previous=previous_wave, wave=wave)

# %% [markdown] tags=["text"]
# <!-- monitoring.companies -->
# Per le imprese che hanno risposto al questionario aziendale confrontiamo il numero di
# misure attive, le aree coperte e il punteggio di maturità del welfare: tra tutte le
# imprese intervistate nelle due rilevazioni (un'impresa presente in entrambe conta una
# sola volta) e, per le imprese presenti in entrambe, la variazione di ciascuna impresa. I
# valori p tengono conto dei confronti multipli.
#
# <!-- en -->
# For the companies that answered the company questionnaire we compare the number of active
# measures, the areas covered and the welfare-maturity score: across all the companies
# surveyed in the two waves (a company present in both waves counts once) and, for the
# companies present in both, the change of each company. p-values allow for multiple
# comparisons.

# %%
if not waves.baseline:
    every_move = monitoring.company_change(prev.surveyed, cur.surveyed)
    moves = ctx.save_table(every_move, "monitoring_companies")
    say("monitoring.companies", lang)
    show_figure(dot_ci(section.company_level_rows(company_levels, fmt), label="label",
                       hue="wave", hue_order=[previous_wave, wave], percent=False,
                       xlabel=text("monitoring.axis.companies", lang),
                       label_name=text("chart.col.indicator", lang),
                       hue_name=text("chart.col.wave", lang), min_cell=ctx.min_cell,
                       lang=lang, source=ctx.source("companies", waves=waves.labels[-2:])),
                text("monitoring.companies_caption", lang, previous=previous_wave, wave=wave),
                lang=lang)
    show_table(section.company_changes_table(moves, fmt, before=previous_wave, after=wave),
               text("monitoring.companies_table_caption", lang,
                    n_tests=monitoring.count_tests(every_move),
                    min_test_companies=MIN_TEST_COMPANIES), lang=lang)

# %% [markdown] tags=["text"]
# <!-- monitoring.companies_text -->
# Le imprese presenti in entrambe le rilevazioni ({n}) passano in media da {before} a
# **{after}** misure attive (valore p, tenendo conto dei confronti multipli: {p_adjusted})
# e da {score_before} a **{score_after}** punti su 100 nel punteggio di maturità.
#
# <!-- en -->
# The companies present in both waves ({n}) go on average from {before} to **{after}**
# active measures (p-value, allowing for multiple comparisons: {p_adjusted}) and from
# {score_before} to **{score_after}** points out of 100 in the maturity score.

# %%
if not waves.baseline:
    say("monitoring.companies_text", lang, **section.companies_text_values(moves, fmt))
