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
waves = monitoring.load_waves(ctx.tables, wave, chain, codebook=load_codebook())
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
# Hanno risposto al questionario {n_prev} lavoratori di {c_prev} imprese nella prima e
# {n_cur} lavoratori di {c_cur} imprese nella seconda; {n_common} imprese hanno
# partecipato a entrambe.
#
# L'unità di confronto è l'impresa: i lavoratori di una stessa impresa si somigliano (stessa
# organizzazione, stessi orari) e molte imprese partecipano a entrambe le rilevazioni. Ogni
# variazione è stimata con una regressione ponderata sui lavoratori delle due rilevazioni,
# in cui ogni impresa conta una sola volta anche quando compare in tutte e due. Per dire se
# un cambiamento va oltre le normali differenze tra imprese usiamo un bootstrap per impresa
# (*wild cluster bootstrap*): i dati vengono ricostruiti migliaia di volte facendo variare a
# caso il contributo di ciascuna impresa, e il cambiamento osservato conta solo se spicca
# tra quelli ottenuti così. Con simulazioni su reti di 10-40 imprese abbiamo verificato che
# il metodo dà un falso allarme nel 5 % dei casi dichiarato, non di più (si veda la nota
# metodologica). Poiché la seconda rilevazione coinvolge anche imprese nuove, il confronto
# principale riguarda le imprese presenti in tutte e due, ciascuna confrontata con sé
# stessa; diamo anche quello sull'insieme dei rispondenti. I valori p sono corretti per il
# numero di confronti (metodo di Holm); nessun test è riportato quando un confronto poggia
# su meno di {min_test_companies} imprese, e nessun gruppo con meno di {min_companies}
# imprese è mostrato.
#
# <!-- en -->
# This section compares wave **{wave}** with the previous one, **{previous}**.
# {n_prev} workers of {c_prev} companies answered the questionnaire in the first and
# {n_cur} workers of {c_cur} companies in the second; {n_common} companies took part in
# both.
#
# The company is the unit of comparison: workers of the same company resemble each other
# (same organisation, same hours) and many companies take part in both waves. Every change
# is estimated by a weighted regression on the workers of the two waves, in which each
# company counts once even when it appears in both. To tell whether a change goes beyond the
# usual differences between companies we use a bootstrap by company (wild cluster
# bootstrap): the data are rebuilt thousands of times letting each company's contribution
# vary at random, and the observed change counts only if it stands out among those.
# Simulations of networks of 10-40 companies showed that the method raises a false alarm in
# the stated 5 % of cases, not more (see the methods appendix). As the second wave also
# includes new companies, the main comparison concerns the companies present in both, each
# compared with itself; the comparison over all respondents is given too. p-values are
# corrected for the number of comparisons (Holm's method); no test is reported when a
# comparison rests on fewer than {min_test_companies} companies, and no group of fewer than
# {min_companies} companies is shown.

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
# From the first wave, **{first}**, to **{wave}** there are {n_waves} waves. The table
# gives the value of each indicator in each of them, over all respondents; the changes
# since the previous wave and since the first one follow below.

# %%
trend = ctx.save_table(monitoring.indicator_trend(waves.designs(), min_companies=min_companies),
                       "monitoring_trend")
if waves.has_trend:
    say("monitoring.trend", lang, first=first_wave, wave=wave, n_waves=len(waves))
    show_table(section.trend_table(trend, fmt),
               text("monitoring.trend_caption", lang, first=first_wave, wave=wave))

# %%
levels = ctx.save_table(monitoring.indicator_levels(
    waves.designs(compared=True), scopes=scopes, min_companies=min_companies),
    "monitoring_indicators")
if waves.baseline:
    show_table(section.baseline_levels_table(levels, fmt),
               text("monitoring.baseline_workers_caption", lang, wave=wave))

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
                           xlabel=text(f"monitoring.axis.{kind}", lang)),
                    text(f"monitoring.levels_caption.{kind}", lang, previous=previous_wave,
                         wave=wave))
    show_table(section.changes_table(changes, fmt, before=previous_wave, after=wave),
               text("monitoring.changes_caption", lang, min_test_companies=MIN_TEST_COMPANIES,
                    n_tests=monitoring.count_tests(every_change, "previous")))

# %% [markdown] tags=["text"]
# <!-- monitoring.workers_text -->
# Nelle imprese presenti in entrambe le rilevazioni migliorano in modo statisticamente
# chiaro (valore p corretto per i confronti multipli sotto {alpha}): {improved}. Peggiorano
# in modo chiaro: {worse}.
#
# <!-- en -->
# In the companies present in both waves, these improve clearly in statistical terms
# (p-value corrected for multiple comparisons below {alpha}): {improved}. These clearly
# worsen: {worse}.

# %%
if not waves.baseline:
    say("monitoring.workers_text", lang, **section.workers_text_values(changes, fmt))

# %%
if waves.has_trend:
    show_table(section.first_changes_table(changes, fmt, first=first_wave, wave=wave),
               text("monitoring.first_changes_caption", lang, first=first_wave, wave=wave,
                    n_tests=monitoring.count_tests(every_change, "first"),
                    min_test_companies=MIN_TEST_COMPANIES))

# %% [markdown] tags=["text"]
# <!-- monitoring.flex -->
# ## Dove è arrivata la flessibilità
#
# Tra le imprese presenti in entrambe le rilevazioni, {n_flex} hanno introdotto la
# flessibilità oraria o il lavoro agile nel frattempo; le altre {n_other} no. Confrontare
# come è cambiato il conflitto lavoro-famiglia all'interno delle imprese dei due gruppi
# (una differenza nelle differenze, con l'impresa come unità di confronto) aiuta a capire
# se il miglioramento accompagna le nuove misure. Il valore p si ottiene riassegnando
# l'etichetta «ha introdotto la misura» allo stesso numero di imprese scelte a caso, in
# tutti i modi possibili o in 1.999 estrazioni. Resta un confronto osservazionale: le
# imprese hanno scelto da sé quando introdurle.
#
# <!-- en -->
# ## Where flexibility arrived
#
# Of the companies present in both waves, {n_flex} introduced flexible hours or smart
# working in the meantime; the other {n_other} did not. Comparing how work-to-family
# conflict changed within the companies of the two groups (a difference in differences,
# with the company as unit of comparison) helps to see whether the improvement goes with
# the new measures. The p-value comes from reassigning the label "introduced the measure"
# to the same number of companies picked at random, every possible way or in 1,999 draws.
# It remains an observational comparison: the companies chose when to introduce them.

# %%
if flex_groups:
    flex = monitoring.flexibility_change(monitoring.pooled_workers(prev, cur), scopes["common"],
                                         scopes["new_flex"], min_companies=min_companies)
    did = ctx.save_table(flex, "monitoring_flexibility")
    say("monitoring.flex", lang, **section.flexibility_intro_values(scopes, fmt))
    show_figure(effect_dots(section.flexibility_rows(did, fmt), label="label",
                            xlabel=text("monitoring.wfc_change_axis", lang)),
                text("monitoring.flex_caption", lang, previous=previous_wave, wave=wave))

# %% [markdown] tags=["text"]
# <!-- monitoring.flex_text -->
# La differenza tra le due variazioni è di {did} punti (intervallo al 95 %
# da {low} a {high}; valore p {p}, {p_adjusted} dopo la correzione di Holm per i
# {n_tests} indicatori confrontati).
#
# <!-- en -->
# The difference between the two changes is {did} points (95 % interval {low} to {high};
# p-value {p}, {p_adjusted} after Holm's correction for the {n_tests} indicators compared).
#
# <!-- monitoring.flex_text_no_test -->
# La differenza tra le due variazioni è di {did} punti (intervallo al 95 %
# da {low} a {high}). Le imprese che hanno introdotto la misura sono così poche che i
# modi di sceglierle sono meno di {min_assignments}: nessun test statistico è affidabile
# e la differenza va letta come descrittiva.
#
# <!-- en -->
# The difference between the two changes is {did} points (95 % interval {low} to {high}).
# The companies that introduced the measure are so few that they can be chosen in fewer than
# {min_assignments} ways: no statistical test is reliable and the difference is descriptive
# only.

# %%
if flex_groups and monitoring.flexibility_tested(did):
    say("monitoring.flex_text", lang, **section.flexibility_values(did, fmt),
        n_tests=monitoring.count_tests(flex, "difference"))
elif flex_groups:
    say("monitoring.flex_text_no_test", lang, **section.flexibility_values(did, fmt),
        min_assignments=MIN_ASSIGNMENTS)

# %% [markdown] tags=["text"]
# <!-- monitoring.baseline_companies -->
# Nella mappatura, **{n_network}** imprese su {n_mapped} aderiscono alla rete ({share}).
# Un'impresa intervistata ha in media **{measures}** misure attive e un punteggio di
# maturità del welfare di **{score}** su 100.
#
# <!-- en -->
# In the mapping, **{n_network}** of {n_mapped} companies take part in the network
# ({share}). A surveyed company has on average **{measures}** active measures and a
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
# imprese presenti in entrambe le mappature, nuove adesioni: {joined}; uscite: {left}
# (test esatto di McNemar, valore p {p}).
#
# <!-- en -->
# ## The network and the companies' measures
#
# Network members go from **{n_prev}** ({share_prev} of the mapped companies) in wave
# {previous} to **{n_cur}** ({share_cur}) in {wave}. Among the companies mapped in both
# waves, joined: {joined}; left: {left} (McNemar's exact test, p-value {p}).

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
# imprese intervistate nelle due rilevazioni (regressione sulle imprese, con un bootstrap
# per impresa in cui un'impresa presente in entrambe conta una sola volta) e, per le imprese
# presenti in entrambe, la variazione di ciascuna impresa (test t per dati appaiati). I
# valori p sono corretti per il numero di confronti (metodo di Holm).
#
# <!-- en -->
# For the companies that answered the company questionnaire we compare the number of active
# measures, the areas covered and the welfare-maturity score: across all the companies
# surveyed in the two waves (a regression on the companies, with a bootstrap by company in
# which a company present in both waves counts once) and, for the companies present in both,
# the change of each company (paired t test). p-values are corrected for the number of
# comparisons (Holm's method).

# %%
if not waves.baseline:
    every_move = monitoring.company_change(prev.surveyed, cur.surveyed)
    moves = ctx.save_table(every_move, "monitoring_companies")
    say("monitoring.companies", lang)
    show_figure(dot_ci(section.company_level_rows(company_levels, fmt), label="label",
                       hue="wave", hue_order=[previous_wave, wave], percent=False,
                       xlabel=text("monitoring.axis.companies", lang)),
                text("monitoring.companies_caption", lang, previous=previous_wave, wave=wave))
    show_table(section.company_changes_table(moves, fmt, before=previous_wave, after=wave),
               text("monitoring.companies_table_caption", lang,
                    n_tests=monitoring.count_tests(every_move),
                    min_test_companies=MIN_TEST_COMPANIES))

# %% [markdown] tags=["text"]
# <!-- monitoring.companies_text -->
# Le {n} imprese presenti in entrambe le rilevazioni passano in media da {before} a
# **{after}** misure attive (valore p corretto per i confronti multipli {p_adjusted}); il
# loro punteggio di maturità cresce in media di {score_change} punti.
#
# <!-- en -->
# The {n} companies present in both waves go on average from {before} to **{after}** active
# measures (p-value corrected for multiple comparisons {p_adjusted}); their maturity score
# grows by {score_change} points on average.

# %%
if not waves.baseline:
    say("monitoring.companies_text", lang, **section.companies_text_values(moves, fmt))
