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
from pipeline.analyse.analysis.measures import (
    OUTCOMES,
    adoption_summary,
    adoption_table,
    all_network_members,
    charted_measures,
    maturity_components,
    maturity_scores,
    maturity_summary,
    measures_by_size,
    one_size_class,
    outcome_comparisons,
    outcome_counts,
    published_maturity_distribution,
    size_contrast,
    size_gradient,
    surveyed_companies,
    welfare_area_table,
)
from pipeline.analyse.analysis.measures_maturity import MATURITY_CLASSES
from pipeline.analyse.plots import set_theme
from pipeline.analyse.plots.bars import count_bars
from pipeline.analyse.plots.estimates import dot_ci
from pipeline.analyse.plots.network import effect_dots, status_bars
from pipeline.analyse.stats import MIN_ASSIGNMENTS
from pipeline.codebook import load_codebook
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import say, text
from pipeline.notebook import open_wave, show_figure, show_table
from pipeline.render.sections import measures as shown

set_theme()
fmt = Formatter(lang)
ctx = open_wave(wave, lang, processed_dir, tables_dir, min_cell)
codebook = load_codebook(on=ctx.meta)  # labels and thresholds in force at the fieldwork
wave = ctx.wave
workers, companies = ctx.tables["worker_survey"], ctx.tables["companies"]
survey = ctx.tables["company_survey"]
surveyed = surveyed_companies(survey, companies)
share_axis = text("measures.share_companies", lang)
source, measure_col = ctx.source("companies"), text("chart.col.measure", lang)

# %% [markdown] tags=["text"]
# <!-- measures.intro -->
# Questa sezione descrive che cosa fanno le imprese della rete che hanno compilato il
# questionario aziendale, **{n_companies}** in questa rilevazione: quali misure di welfare
# e di conciliazione hanno attivato, per chi e con quale struttura organizzativa. Propone
# poi un indice sintetico di maturità del welfare aziendale e confronta la conciliazione
# vita-lavoro dichiarata dai loro dipendenti ({n_workers:questionario|questionari}) nelle
# imprese che hanno o non hanno ciascuna misura.
#
# Le quote di imprese descrivono le imprese intervistate, che non sono un campione
# casuale: sono imprese della rete, più spesso medie e grandi. Gli intervalli al 95 %
# indicano quanto le quote potrebbero variare con altre imprese simili. Nessuna cifra
# riguarda meno di {min_cell:impresa o lavoratore|imprese o lavoratori}, e nessun confronto
# si basa su meno di {min_companies:impresa|imprese} per parte.
#
# <!-- en -->
# This section describes what the network companies that answered the company
# questionnaire do, **{n_companies}** in this wave: which welfare and work-life balance
# measures they have introduced, for whom, and with what organisation behind them. It then
# proposes a summary index of welfare maturity and compares the work-life balance reported
# by their employees ({n_workers:questionnaire|questionnaires}) in the companies that do or
# do not have each measure.
#
# Shares of companies describe the surveyed companies, which are not a random sample:
# they are network members, more often medium-sized and large. The 95% intervals show
# how much the shares could vary with other similar companies. No figure concerns fewer
# than {min_cell:company or worker|companies or workers}, and no comparison rests on fewer
# than {min_companies:company|companies} on each side.

# %%
say("measures.intro", lang, n_companies=fmt.number(len(surveyed), 0),
    n_workers=fmt.number(len(workers), 0), min_cell=ctx.min_cell, min_companies=min_companies)

# %% [markdown] tags=["text"]
# <!-- measures.areas -->
# ## Le aree del welfare aziendale
#
# Le 62 misure della tassonomia sono raggruppate in 14 aree, sul modello del Welfare
# Index PMI. Un'area è coperta quando l'impresa vi ha attivato almeno una misura, per
# tutti i dipendenti o per una parte.
#
# <!-- en -->
# ## The areas of company welfare
#
# The 62 measures of the taxonomy are grouped into 14 areas, after the Welfare Index
# PMI. An area is covered when the company has at least one measure active in it, for
# all employees or for some.
#
# <!-- measures.areas_network_note -->
# L'area «Welfare territoriale e rete» risulta coperta in tutte le imprese per definizione: l'adesione alla rete è una delle sue misure e tutte le imprese intervistate aderiscono alla rete.
#
# <!-- en -->
# The area "Territorial welfare and network" is covered in every company by definition: network membership is one of its measures and every surveyed company is a network member.
#
# <!-- measures.areas_one_class -->
# Tutte le imprese intervistate hanno {size_class} dipendenti, quindi non è possibile
# confrontare le aree coperte tra imprese di dimensione diversa.
#
# <!-- en -->
# All the surveyed companies have {size_class} employees, so the areas covered cannot be
# compared between companies of different sizes.

# %%
say("measures.areas", lang)
if all_network_members(surveyed):
    say("measures.areas_network_note", lang)
areas = ctx.save_table(welfare_area_table(surveyed, by="size_class", codebook=codebook),
                       "measures_areas")
show_figure(dot_ci(shown.area_rows(areas, lang), label="label", xlabel=share_axis,
                   label_name=text("chart.col.area", lang), min_cell=ctx.min_cell, lang=lang,
                   source=source),
            text("measures.areas_caption", lang, n=fmt.number(len(surveyed), 0)), lang=lang)
only_class = one_size_class(areas)
if only_class:
    say("measures.areas_one_class", lang, size_class=only_class)
else:
    by_size = shown.area_size_rows(areas, lang)
    sizes = shown.size_labels(by_size, lang)
    show_figure(dot_ci(by_size, label="label", hue="group", hue_order=list(sizes),
                       hue_labels=sizes, xlabel=share_axis,
                       label_name=text("chart.col.area", lang),
                       hue_name=text("chart.col.size_class", lang), min_cell=ctx.min_cell,
                       lang=lang, source=source),
                text("measures.areas_size_caption", lang, min_cell=ctx.min_cell), lang=lang)

# %% [markdown] tags=["text"]
# <!-- measures.adoption -->
# ## Le singole misure
#
# Per ogni misura il questionario chiede se è attiva per tutti i dipendenti, solo per una
# parte, solo prevista o assente. Delle misure attive, **{share_all:il}** è rivolto a
# tutti i dipendenti; le imprese dichiarano inoltre **{n_planned:misura|misure}** in
# programma.
# La tabella completa delle 62 misure, anche per classe dimensionale, è nel file
# `measures_adoption.csv`.
#
# <!-- en -->
# ## The individual measures
#
# For each measure the questionnaire asks whether it is active for all employees, for
# some, only planned, or absent. Of the active measures, **{share_all}** cover all
# employees; the companies also report **{n_planned:planned measure|planned measures}**. The full table
# of the 62 measures, also by size class, is in the file `measures_adoption.csv`.

# %%
adoption = ctx.save_table(
    adoption_table(surveyed, codebook.measure_codes(), by="size_class", codebook=codebook),
    "measures_adoption")
summary = adoption_summary(adoption).iloc[0]
say("measures.adoption", lang, share_all=fmt.percent(summary["share_all"], 0),
    n_planned=fmt.number(summary["n_planned"], 0))
charted = charted_measures(adoption, codebook.measure_codes("asked_workers"))
for chart, caption in (("asked", "measures.adoption_asked_caption"),
                       ("other", "measures.adoption_other_caption")):
    show_figure(status_bars(shown.status_rows(adoption, charted, chart, lang, codebook=codebook),
                            label="label",
                            status_labels=shown.status_labels(lang), xlabel=share_axis,
                            label_name=measure_col, min_cell=ctx.min_cell, lang=lang,
                            source=source),
                text(caption, lang, n=int((charted["chart"] == chart).sum())), lang=lang)

# %% [markdown] tags=["text"]
# <!-- measures.size -->
# ## Dimensione dell'impresa e numero di misure
#
# In media un'impresa intervistata ha **{mean}** misure attive su {n_measures}. Dalle
# imprese più piccole alle più grandi il numero passa da **{small}**, nelle imprese con
# {small_class} dipendenti, a **{large}** in quelle con {large_class} dipendenti. La
# correlazione tra numero di dipendenti e misure attive è {rho} (da -1 a 1: positiva se
# le imprese più grandi tendono ad averne di più; valore p {p}).
#
# <!-- en -->
# ## Company size and number of measures
#
# On average a surveyed company has **{mean}** active measures out of {n_measures}. From
# the smallest companies to the largest the number goes from **{small}**, in companies
# with {small_class} employees, to **{large}** in those with {large_class} employees. The
# correlation between headcount and active measures is {rho} (from -1 to 1: positive when
# larger companies tend to have more; p-value {p}).
#
# <!-- measures.size_few -->
# ## Dimensione dell'impresa e numero di misure
#
# In media un'impresa intervistata ha **{mean}** misure attive su {n_measures}. Il
# confronto tra classi dimensionali non è mostrato: meno di due classi contano almeno
# {min_cell:impresa intervistata|imprese intervistate}.
#
# <!-- en -->
# ## Company size and number of measures
#
# On average a surveyed company has **{mean}** active measures out of {n_measures}. The
# comparison between size classes is not shown: fewer than two classes have at least
# {min_cell:surveyed company|surveyed companies}.
#
# <!-- measures.size_one_class -->
# ## Dimensione dell'impresa e numero di misure
#
# In media un'impresa intervistata ha **{mean}** misure attive su {n_measures}. Non si
# può dire se il numero di misure cambi con la dimensione dell'impresa: tutte le imprese
# intervistate hanno {size_class} dipendenti, e un confronto tra classi dimensionali
# richiede imprese di almeno due classi.
#
# <!-- en -->
# ## Company size and number of measures
#
# On average a surveyed company has **{mean}** active measures out of {n_measures}.
# Whether the number of measures changes with company size cannot be said: all the
# surveyed companies have {size_class} employees, and comparing size classes takes
# companies from at least two of them.

# %%
by_size = ctx.save_table(measures_by_size(surveyed), "measures_by_size")
gradient = ctx.save_table(size_gradient(surveyed), "measures_size_test")
contrast = size_contrast(by_size, gradient)
words = shown.size_words(contrast, fmt, n_measures=len(codebook.measure_codes()))
if contrast["compared"].iloc[0]:
    say("measures.size", lang, **words)
    show_figure(dot_ci(shown.size_rows(by_size, lang), label="label", percent=False,
                       xlabel=text("measures.active_axis", lang),
                       label_name=text("chart.col.size_class", lang), min_cell=ctx.min_cell,
                       lang=lang, source=source),
                text("measures.size_caption", lang), lang=lang)
elif contrast["one_class"].iloc[0]:
    say("measures.size_one_class", lang, **words, size_class=contrast["one_class"].iloc[0])
else:
    say("measures.size_few", lang, **words, min_cell=ctx.min_cell)

# %% [markdown] tags=["text"]
# <!-- measures.maturity -->
# ## La maturità del welfare aziendale
#
# Per riassumere in un solo numero quanto è sviluppato il welfare di un'impresa
# proponiamo un punteggio da 0 a 100 costruito sul modello del Welfare Index PMI (circa
# 70 % ampiezza e contenuto delle iniziative nelle aree, 20 % gestione, 10 % originalità).
# Non è il rating del Welfare Index PMI: ne riprende la struttura, con regole esplicite
# calcolate sul questionario aziendale.
#
# - **Ampiezza** ({w_breadth:punto|punti}): quota delle 14 aree con almeno una misura attiva.
# - **Contenuto e copertura** ({w_content:punto|punti}): in ogni area, quota delle misure
#   attive, contando 1 ogni misura per tutti i dipendenti e 0,5 ogni misura per una parte;
#   media delle 14 aree.
# - **Gestione** ({w_governance:punto|punti}): media di quattro elementi, cioè budget welfare
#   per dipendente (pieno da {budget_eur} euro l'anno, la soglia di esenzione dei fringe
#   benefit {budget_when}: {budget_cite}), rilevazione dei bisogni svolta, contratto di
#   secondo livello, regolamento o comunicazione interna sulle misure.
# - **Apertura al territorio** ({w_territory:punto|punti}): quota attiva di cinque misure che
#   vanno oltre l'impresa (servizi condivisi, convenzioni con enti pubblici, fornitori
#   locali, progetti di comunità, accordo territoriale).
#
# Una misura non rilevata o senza risposta conta come non attiva, e così un budget non
# indicato. Le cinque classi riprendono gli estremi del Welfare Index PMI (1W fino a
# {c1:punto|punti}, 5W oltre {c4}); le soglie intermedie sono equidistanti, per scelta del
# progetto: 2W fino a {c2}, 3W fino a {c3}, 4W fino a {c4}. Pubblichiamo solo la
# distribuzione delle classi: il punteggio di ciascuna impresa compare soltanto nel suo
# rapporto riservato.
#
# <!-- en -->
# ## Welfare maturity
#
# To sum up in one number how developed a company's welfare is, we propose a 0-100 score
# built after the Welfare Index PMI (about 70% breadth and content of the initiatives
# across areas, 20% management, 10% originality). It is not the Welfare Index PMI
# rating: it borrows its structure, with explicit rules computed from the company
# questionnaire.
#
# - **Breadth** ({w_breadth:point|points}): share of the 14 areas with at least one active
#   measure.
# - **Content and coverage** ({w_content:point|points}): in each area, the share of measures
#   that are active, counting 1 each measure for all employees and 0.5 each measure for some;
#   mean of the 14 areas.
# - **Management** ({w_governance:point|points}): mean of four items: welfare budget per
#   employee (full from EUR {budget_eur} a year, the tax-free ceiling of fringe benefits
#   {budget_when}: {budget_cite}), needs survey done, second-level agreement, regulation
#   or internal communication on the measures.
# - **Openness to the territory** ({w_territory:point|points}): active share of five measures
#   that reach beyond the company (shared services, conventions with public bodies, local
#   providers, community projects, territorial agreement).
#
# A measure not asked or not answered counts as not active, and so does a budget not
# given. The five classes take their ends from the Welfare Index PMI (1W up to
# {c1:point|points}, 5W above {c4}); the thresholds in between are evenly spaced, the project's
# choice: 2W up to {c2}, 3W up to {c3}, 4W up to {c4}. Only the distribution of classes
# is published: each company's score appears only in its confidential report.

# %%
scores = maturity_scores(surveyed, codebook=codebook)  # per company: confidential, not saved
classes = ctx.save_table(published_maturity_distribution(scores, min_cell=ctx.min_cell),
                         "maturity_classes")
components = ctx.save_table(maturity_components(scores), "maturity_components")
say("measures.maturity", lang, **shown.maturity_words(fmt, codebook=codebook))
show_figure(count_bars(classes, x="maturity_class", value="n_companies",
                       order=list(MATURITY_CLASSES), ylabel=text("companies", lang),
                       x_name=text("chart.col.maturity_class", lang), min_cell=ctx.min_cell,
                       lang=lang, source=source),
            text("measures.maturity_caption", lang, n=fmt.number(len(scores), 0)), lang=lang)
show_table(shown.components_table(components, fmt), text("measures.components_caption", lang),
           lang=lang, min_cell=ctx.min_cell)

# %% [markdown] tags=["text"]
# <!-- measures.maturity_text -->
# Il punteggio medio è **{mean}** su 100; **{top:il}** delle imprese è nelle due classi più alte (4W e 5W).
#
# <!-- en -->
# The mean score is **{mean}** out of 100; **{top}** of the companies are in the two highest classes (4W and 5W).

# %%
maturity = maturity_summary(classes, components).iloc[0]
say("measures.maturity_text", lang, mean=fmt.number(maturity["mean_score"]),
    top=fmt.percent(maturity["top_share"], 0))

# %% [markdown] tags=["text"]
# <!-- measures.outcomes -->
# ## Misure aziendali e conciliazione dei lavoratori
#
# I lavoratori delle imprese che hanno una misura attiva stanno meglio degli altri? Per
# le misure di flessibilità e di cura dei figli confrontiamo tre indicatori: il conflitto
# lavoro-famiglia (da 1 a 7, più basso è meglio), la quota di chi concilia bene orario e
# impegni familiari e la soddisfazione per l'equilibrio vita-lavoro (da 1 a 5).
#
# La misura è una caratteristica dell'impresa, non del singolo lavoratore: chi lavora
# nella stessa impresa condivide organizzazione, capi e turni, e le sue risposte si
# somigliano. Per questo il confronto si fa tra imprese. La differenza tra chi lavora in
# imprese con la misura e chi lavora in imprese senza tiene conto del genere, del numero
# di figli sotto i 14 anni e dell'orario (pieno o parziale). Per capire se una differenza
# è più grande di quanto capiterebbe per caso, la misura viene riassegnata molte volte, a
# caso, allo stesso numero di imprese: il valore p è la quota di queste prove che produce
# una differenza almeno altrettanto netta. Abbiamo verificato con simulazioni che, anche
# con poche imprese per parte, il metodo non segnala differenze inesistenti più spesso
# del 5 % dichiarato (i risultati sono nella nota metodologica). Se le imprese con la
# misura sono così poche che le riassegnazioni possibili sono meno di {min_assignments},
# il confronto non riporta un valore p.
#
# Per confrontare indicatori su scale diverse, ogni differenza è espressa anche in
# rapporto a quanto l'indicatore varia tra i lavoratori (effetto standardizzato). Poiché
# i confronti sono molti, qualcuno risulterebbe netto per puro caso: i valori p tengono
# quindi conto dei confronti multipli, e chiamiamo significativa solo una differenza il
# cui valore p corretto resta sotto il 5 %. Le tabelle riportano anche una correzione
# meno severa; i due metodi sono descritti nella nota metodologica. Un confronto non è
# mostrato se da una delle due parti ci sono meno di {min_companies:impresa|imprese}: le
# cifre sarebbero quelle di imprese riconoscibili.
#
# <!-- en -->
# ## Company measures and workers' work-life balance
#
# Are workers of companies with a measure active better off than the others? For the
# flexibility and childcare measures we compare three indicators: work-to-family
# conflict (1 to 7, lower is better), the share whose working hours fit their family
# commitments well, and satisfaction with work-life balance (1 to 5).
#
# The measure is a feature of the company, not of the individual worker: people in the
# same company share its organisation, managers and shifts, and their answers resemble
# each other. The comparison is therefore made between companies. The difference between
# workers of companies with the measure and workers of companies without it takes gender,
# number of children under 14 and working time (full- or part-time) into account. To tell
# whether a difference is larger than chance would produce, the measure is reassigned many
# times, at random, to the same number of companies: the p-value is the share of these
# trials giving a difference at least as clear. We checked by simulation that, even with
# few companies on each side, the method does not flag differences that are not there
# more often than the stated 5% (the results are in the methods appendix). When the
# companies with the measure are so few that fewer than {min_assignments} reassignments
# are possible, the comparison carries no p-value.
#
# To compare indicators on different scales, each difference is also expressed relative
# to how much the indicator varies between workers (standardised effect). As the
# comparisons are many, some would look clear by pure chance: p-values therefore allow
# for multiple comparisons, and we call a difference significant only when its adjusted
# p-value stays below 5%. The tables also give a less strict adjustment; both methods are
# described in the methods appendix. A comparison is not shown when one side has fewer
# than {min_companies:company|companies}: its figures would be those of identifiable
# companies.

# %%
say("measures.outcomes", lang, min_companies=min_companies, min_assignments=MIN_ASSIGNMENTS)
comparisons = ctx.save_table(
    outcome_comparisons(workers, survey, companies, min_companies=min_companies,
                        min_cell=ctx.min_cell),
    "measures_outcomes")
outcome_label = shown.outcome_labels(lang)
effects = shown.effect_rows(comparisons, lang, codebook=codebook)
if len(effects):
    show_figure(effect_dots(effects, label="label", hue="outcome", hue_order=list(OUTCOMES),
                            hue_labels=outcome_label, xlabel=text("measures.effect_axis", lang),
                            label_name=measure_col, hue_name=text("chart.col.indicator", lang),
                            lang=lang, source=ctx.source("workers", "companies")),
                text("measures.effects_caption", lang), lang=lang)
differences = shown.difference_rows(comparisons, lang, codebook=codebook)
if len(differences):
    # drawn turned round (less conflict to the right), as every chart of differences
    show_figure(effect_dots(differences, label="label", reverse=True,
                            xlabel=text("measures.wfc_diff_axis", lang),
                            label_name=measure_col, lang=lang,
                            source=ctx.source("workers", "companies")),
                text("measures.wfc_caption", lang), lang=lang)
for outcome in OUTCOMES:
    show_table(shown.outcome_table(comparisons, outcome, fmt, codebook=codebook),
               text("measures.outcomes_table_caption", lang, outcome=outcome_label[outcome],
                    min_companies=min_companies), lang=lang)

# %% [markdown] tags=["text"]
# <!-- measures.outcomes_text -->
# Tenendo conto dei confronti multipli, {n_holm:|resta significativo|restano significativi}
# **{n_holm:confronto|confronti}** su {n_tests}:
#
# {findings}
#
# <!-- en -->
# Allowing for multiple comparisons, **{n_holm:comparison|comparisons}** out of {n_tests}
# {n_holm:|remains|remain} significant:
#
# {findings}
#
# <!-- measures.outcomes_none -->
# Tenendo conto dei confronti multipli, nessuno dei confronti tra lavoratori di imprese con
# e senza la misura resta significativo ({n_tests} in tutto).
#
# <!-- en -->
# Allowing for multiple comparisons, none of the comparisons between workers of companies
# with and without the measure remains significant ({n_tests} in all).
#
# <!-- measures.outcomes_withheld -->
# Per tutelare la riservatezza delle imprese,
# {n:confronto non è mostrato|confronti non sono mostrati}: da una delle due parti ci
# sono meno di {min_companies:impresa|imprese}.
#
# <!-- en -->
# To protect the companies' confidentiality, {n:comparison is|comparisons are} not shown:
# one side has fewer than {min_companies:company|companies}.

# %%
counts = outcome_counts(comparisons).iloc[0]
say("measures.outcomes_text" if counts["n_holm"] else "measures.outcomes_none", lang,
    n_tests=fmt.number(counts["n_tests"], 0), n_holm=fmt.number(counts["n_holm"], 0),
    findings=shown.findings(comparisons, fmt, codebook=codebook))
if counts["n_withheld"]:
    say("measures.outcomes_withheld", lang, n=fmt.number(counts["n_withheld"], 0),
        min_companies=min_companies)

# %% [markdown] tags=["text"]
# <!-- measures.observational -->
# **Attenzione: il confronto è osservazionale.** Non dimostra che una misura migliori la
# conciliazione: le imprese che la adottano possono differire dalle altre per settore,
# dimensione, organizzazione del lavoro o per altre misure adottate insieme (le misure
# di flessibilità, per esempio, vanno spesso di pari passo con altre). Le differenze
# indicano dove vale la pena approfondire, non un effetto causale.
#
# <!-- en -->
# **Note: the comparison is observational.** It does not show that a measure improves
# work-life balance: companies that adopt it may differ from the others in sector, size,
# work organisation or in other measures adopted together (flexibility measures, for
# instance, often come with others). The differences point to where it is worth looking
# further, not to a causal effect.

# %%
say("measures.observational", lang)
