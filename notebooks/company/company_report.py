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
# One company against the other companies of the network and against its own previous
# wave, with what it could do next: confidential, one per surveyed company. Every rule
# (what is compared, what is withheld and why) is in pipeline/analyse/analysis/company*.py;
# how it reads (sentences' values, tables) in pipeline/render/sections/company.py.

# %% tags=["parameters"]
wave = None  # None: the latest processed wave
lang = "it"
processed_dir = None
company_id = None
min_cell = 5
previous_wave = None  # None: the wave's own previous_wave, when it is processed
previous_processed_dir = None

# %%
from IPython.display import Markdown, display

from pipeline.analyse.analysis import company, company_actions, company_history
from pipeline.analyse.analysis.company_position import maturity_position, others_median_active
from pipeline.analyse.plots import set_theme
from pipeline.analyse.plots.company import maturity_scale
from pipeline.analyse.plots.estimates import dot_ci
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import say, text
from pipeline.notebook import open_company_wave, show_figure, show_table
from pipeline.render.sections import company as section

set_theme()
fmt = Formatter(lang)
# the wave, its codebook, every company's maturity score and workers against the other
# companies' workers, and the previous wave: the same for every company (computed once in
# a batch of reports)
ctx, shared, previous_wave = open_company_wave(wave, lang, processed_dir, min_cell,
                                               previous_wave, previous_processed_dir)
codebook, scores = shared.codebook, shared.scores
wave = ctx.wave
survey, workers, companies = shared.survey, shared.workers, shared.companies
company_id = company_id or survey["company_id"].iloc[0]
words = section.profile_words(companies.set_index("company_id").loc[company_id], codebook, lang)
compare = company.network_is_large_enough(survey, company_id)
n_workers = int((workers["company_id"] == company_id).sum())
measures = company.company_measures(survey, company_id, codebook, lang)
position = maturity_position(scores, company_id)
statuses = section.status_labels(codebook, lang)

# the previous wave: the company's own answers then
history = company_history.history_state(shared.previous, company_id)
change = changes = None
if history == "surveyed":
    before = shared.previous
    change = company_history.maturity_change(shared.scores_then, scores, company_id)
    changes = company_history.measure_changes(before["company_survey"], survey, company_id,
                                              codebook, lang)
    medians = company_history.others_median_then_now(shared.scores_then, scores, company_id)

# the workers' needs no active measure covers, and what similar companies have
needs = ctx.publishable(company.of_company(shared.needs, company_id))
needs["label"] = needs["measure"].map(lambda m: codebook.measure_label(m, lang))
workers_reason = company_actions.workers_withheld_reason(n_workers, ctx.min_cell)
uncovered = None if workers_reason else company_actions.uncovered_needs(needs, measures)
peers = company_actions.peer_group(survey, companies, company_id)
suggestions = company_actions.peer_suggestions(
    company.company_shares(survey[survey["company_id"].isin(peers.company_ids)],
                           codebook.measure_codes()),
    measures, None if uncovered is None else uncovered["measure"])

# %% [markdown] tags=["text"]
# <!-- company.intro -->
# Questo rapporto è **riservato**: è destinato solo a **{company_name}**, codice
# {company_id}, impresa del settore {sector} di classe dimensionale {size}.
#
# <!-- en -->
# This report is **confidential**: it is for **{company_name}** only, code {company_id},
# a company of the {sector} sector in the {size} size class.
#
# <!-- company.intro_code -->
# Questo rapporto è **riservato**: è destinato solo all'impresa con codice
# **{company_id}**, del settore {sector} e di classe dimensionale {size}.
#
# <!-- en -->
# This report is **confidential**: it is for the company with code **{company_id}** only,
# of the {sector} sector and the {size} size class.
#
# <!-- company.intro_network -->
# Mette a confronto le misure di welfare dell'impresa e le risposte dei suoi dipendenti al
# questionario ({n_workers:nessuna risposta|risposta|risposte}) con
# {n_other:nessun'altra impresa|altra impresa|altre imprese} della rete che
# {n_other:|ha|ha|hanno} partecipato a questa rilevazione. L'impresa non entra mai nelle
# cifre della rete, e nessun dato di una singola altra impresa è mostrato.
#
# <!-- en -->
# It sets the company's welfare measures and its employees' answers to the questionnaire
# ({n_workers:no answers|answer|answers}) against
# {n_other:no other company|other company|other companies} of the network that took part
# in this wave. The company itself never enters the network's figures, and no figure of
# any other single company is shown.
#
# <!-- company.no_network -->
# **Confronto con la rete non disponibile.** Hanno risposto al questionario meno di
# {min_companies:altra impresa|altre imprese} della rete: ogni cifra della rete
# rivelerebbe le loro risposte, e questo rapporto non ne riporta.
#
# <!-- en -->
# **No comparison with the network.** Fewer than
# {min_companies:other network company|other network companies} answered the questionnaire: any network figure would reveal their answers, so this
# report gives none.

# %%
values = section.intro_values(company_id, company.company_name(companies, company_id), words)
say(values.pop("key"), lang, **values)  # the name is data: escaped where it enters Markdown
say("company.intro_network", lang, **section.network_values(
    n_workers, len(company.other_companies(survey, company_id)), wave, fmt))
if not compare:
    say("company.no_network", lang, min_companies=company.MIN_OTHER_COMPANIES)

# %% [markdown] tags=["text"]
# <!-- company.brief -->
# ## In breve
#
# <!-- en -->
# ## At a glance
#
# <!-- company.brief_score -->
# **Maturità del welfare**: punteggio **{score}** su 100, classe **{maturity_class}**;
# {position}.
#
# <!-- en -->
# **Welfare maturity**: score **{score}** out of 100, class **{maturity_class}**;
# {position}.
#
# <!-- company.brief_score_alone -->
# **Maturità del welfare**: punteggio **{score}** su 100, classe **{maturity_class}**.
#
# <!-- en -->
# **Welfare maturity**: score **{score}** out of 100, class **{maturity_class}**.
#
# <!-- company.brief_change -->
# **Rispetto alla rilevazione precedente**: punteggio da {before} a {after}, classe da
# {class_before} a {maturity_class};
# {n_activated:nessuna misura attivata|misura attivata|misure attivate},
# {n_dropped:nessuna sospesa|sospesa|sospese}.
#
# <!-- en -->
# **Since the previous wave**: score from {before} to {after}, class from {class_before} to
# {maturity_class}; {n_activated:no measure activated|measure activated|measures activated},
# {n_dropped:none dropped|dropped|dropped}.
#
# <!-- company.brief_change_same_class -->
# **Rispetto alla rilevazione precedente**: punteggio da {before} a {after}, classe sempre
# {maturity_class};
# {n_activated:nessuna misura attivata|misura attivata|misure attivate},
# {n_dropped:nessuna sospesa|sospesa|sospese}.
#
# <!-- en -->
# **Since the previous wave**: score from {before} to {after}, class still
# {maturity_class}; {n_activated:no measure activated|measure activated|measures activated},
# {n_dropped:none dropped|dropped|dropped}.
#
# <!-- company.brief_new -->
# **Prima partecipazione**: l'impresa non faceva parte della rete nella rilevazione
# precedente; il confronto con sé stessa arriverà con la prossima.
#
# <!-- en -->
# **First time**: the company was not in the network at the previous wave; the comparison
# with itself will come with the next one.
#
# <!-- company.brief_first_survey -->
# **Primo questionario**: l'impresa era già nella rete nella rilevazione precedente ma non
# aveva risposto al questionario; il confronto con sé stessa arriverà con la prossima.
#
# <!-- en -->
# **First questionnaire**: the company was already in the network at the previous wave but
# did not answer the questionnaire; the comparison with itself will come with the next one.
#
# <!-- company.brief_baseline -->
# **Prima rilevazione della rete**: i cambiamenti dell'impresa si vedranno dalla prossima.
#
# <!-- en -->
# **The network's first wave**: the company's changes will show from the next one.
#
# <!-- company.brief_needs -->
# **Bisogni scoperti**: {measures} {n:|è la misura|sono le misure} che almeno metà dei
# vostri dipendenti ritiene {n:|importante|importanti} e che l'impresa non offre.
#
# <!-- en -->
# **Uncovered needs**: {measures} {n:|is the measure|are the measures} at least half of
# your employees rate important that the company does not offer.
#
# <!-- company.brief_needs_none -->
# **Bisogni dei dipendenti**: ogni misura che almeno metà di loro ritiene importante è già
# attiva nell'impresa.
#
# <!-- en -->
# **Employees' needs**: every measure at least half of them rate important is already
# active in the company.
#
# <!-- company.brief_peers -->
# **Dalle imprese simili**: {measures} {n:|è attiva|sono attive} in almeno metà delle
# imprese simili alla vostra e non da voi.
#
# <!-- en -->
# **From similar companies**: {measures} {n:|is|are} active in at least half of the
# companies similar to yours and not in yours.

# %%
brief = section.brief_lines(position, fmt, compare=compare, history=history, change=change,
                            changes=changes, previous_wave=previous_wave,
                            uncovered=uncovered, suggestions=suggestions)
say("company.brief", lang)
display(Markdown("\n".join(f"- {line}" for line in brief)))

# %% [markdown] tags=["text"]
# <!-- company.maturity -->
# ## Maturità del welfare aziendale
#
# <!-- en -->
# ## Welfare maturity
#
# <!-- company.maturity_text -->
# Il punteggio di maturità dell'impresa è **{score}** su 100, classe **{maturity_class}**.
#
# <!-- en -->
# The company's maturity score is **{score}** out of 100, class **{maturity_class}**.
#
# <!-- company.position -->
# Metà delle altre imprese della rete ha un punteggio tra **{low}** e **{high}**, e la
# mediana è **{network_median}**: il vostro è {position}.
#
# <!-- en -->
# Half of the other network companies score between **{low}** and **{high}**, and the
# median is **{network_median}**: yours is {position}.
#
# <!-- company.position_share -->
# Metà delle altre imprese della rete ha un punteggio tra **{low}** e **{high}**, e la
# mediana è **{network_median}**: il vostro è {position}, più alto di quello {share:del} di
# loro.
#
# <!-- en -->
# Half of the other network companies score between **{low}** and **{high}**, and the
# median is **{network_median}**: yours is {position}, higher than that of {share} of
# them.
#
# <!-- company.maturity_how -->
# Il punteggio somma ampiezza (aree coperte, 35 punti), contenuto e copertura delle
# misure (35), gestione (budget, rilevazione dei bisogni, accordo di secondo livello,
# regolamento o comunicazione interna: 20) e apertura al territorio (10). Le classi vanno
# da 1W (fino a 10 punti) a 5W (oltre 40), sul modello del Welfare Index PMI, di cui non è
# il rating ufficiale.
#
# <!-- en -->
# The score adds breadth (areas covered, 35 points), content and coverage of the measures
# (35), management (budget, needs survey, second-level agreement, regulation or internal
# communication: 20) and openness to the territory (10). Classes run from 1W (up to 10
# points) to 5W (above 40), shaped like the Welfare Index PMI, whose official rating this
# is not.

# %%
say("company.maturity", lang)
say("company.maturity_text", lang, **section.score_values(position, fmt))
if compare:  # the share of others below only when it reveals none of them
    values = section.position_values(position, fmt)
    say(values.pop("key"), lang, **values)
caption = "company.maturity_caption" if compare else "company.maturity_caption_alone"
show_figure(maturity_scale(position, change, previous_wave=previous_wave, lang=lang,
                           source=ctx.source("companies")), text(caption, lang))
say("company.maturity_how", lang)

# %% [markdown] tags=["text"]
# <!-- company.history -->
# ## Rispetto alla rilevazione precedente
#
# <!-- en -->
# ## Since the previous wave
#
# <!-- company.history_up -->
# Nella rilevazione precedente ({previous}) il punteggio dell'impresa era **{before}**; ora è
# **{after}**, {score_change} punti in più, e la classe è passata da **{class_before}** a
# **{maturity_class}**.
#
# <!-- en -->
# At the previous wave ({previous}) the company scored **{before}**; it now scores **{after}**,
# {score_change} points more, and its class went from **{class_before}** to
# **{maturity_class}**.
#
# <!-- company.history_up_same_class -->
# Nella rilevazione precedente ({previous}) il punteggio dell'impresa era **{before}**; ora è
# **{after}**, {score_change} punti in più, e la classe resta **{maturity_class}**.
#
# <!-- en -->
# At the previous wave ({previous}) the company scored **{before}**; it now scores **{after}**,
# {score_change} points more, and its class is still **{maturity_class}**.
#
# <!-- company.history_down -->
# Nella rilevazione precedente ({previous}) il punteggio dell'impresa era **{before}**; ora è
# **{after}**, {score_change} punti in meno, e la classe è scesa da **{class_before}** a
# **{maturity_class}**.
#
# <!-- en -->
# At the previous wave ({previous}) the company scored **{before}**; it now scores **{after}**,
# {score_change} points less, and its class went down from **{class_before}** to
# **{maturity_class}**.
#
# <!-- company.history_down_same_class -->
# Nella rilevazione precedente ({previous}) il punteggio dell'impresa era **{before}**; ora è
# **{after}**, {score_change} punti in meno, e la classe resta **{maturity_class}**.
#
# <!-- en -->
# At the previous wave ({previous}) the company scored **{before}**; it now scores **{after}**,
# {score_change} points less, and its class is still **{maturity_class}**.
#
# <!-- company.history_same -->
# Il punteggio dell'impresa è lo stesso della rilevazione precedente ({previous}),
# **{after}**, e la classe resta **{maturity_class}**.
#
# <!-- en -->
# The company's score is the same as at the previous wave ({previous}), **{after}**, and
# its class is still **{maturity_class}**.
#
# <!-- company.history_others -->
# Nello stesso periodo la mediana delle altre imprese della rete è passata da {before} a
# {after}.
#
# <!-- en -->
# Over the same period the median of the other network companies went from {before} to
# {after}.
#
# <!-- company.history_measures -->
# Dalla rilevazione precedente: {n_activated:nessuna misura attivata|misura attivata|misure attivate},
# {n_dropped:nessuna sospesa|sospesa|sospese},
# {n_extended:nessuna estesa|estesa|estese} a tutti i dipendenti e
# {n_narrowed:nessuna ridotta|ridotta|ridotte} a una parte di loro.
#
# <!-- en -->
# Since the previous wave: {n_activated:no measure activated|measure activated|measures activated},
# {n_dropped:none dropped|dropped|dropped}, {n_extended:none extended|extended|extended} to
# all employees and {n_narrowed:none narrowed|narrowed|narrowed} to some of them.
#
# <!-- company.history_new -->
# **È la prima volta che l'impresa partecipa all'indagine della rete**: nella rilevazione
# precedente ({previous}) non ne faceva ancora parte. Questo rapporto è il suo punto di
# partenza; dalla prossima rilevazione mostrerà come sono cambiati il punteggio e le
# misure dell'impresa.
#
# <!-- en -->
# **This is the company's first time in the network's survey**: at the previous wave
# ({previous}) it was not yet a member. This report is its starting point; from the next
# wave on it will show how the company's score and measures have changed.
#
# <!-- company.history_first_survey -->
# Nella rilevazione precedente ({previous}) l'impresa faceva già parte della rete ma non
# aveva risposto al questionario per le imprese: non c'è un punteggio di allora con cui
# confrontare quello di oggi. Dalla prossima rilevazione questo rapporto mostrerà come sono
# cambiati il punteggio e le misure dell'impresa.
#
# <!-- en -->
# At the previous wave ({previous}) the company was already in the network but did not
# answer the company questionnaire: there is no score of then to set today's against.
# From the next wave on this report will show how the company's score and measures have
# changed.
#
# <!-- company.history_baseline -->
# Questa è la prima rilevazione della rete: non c'è ancora un punteggio precedente con cui
# confrontare quello di oggi. Dalla prossima rilevazione questo rapporto mostrerà come sono
# cambiati il punteggio e le misure dell'impresa.
#
# <!-- en -->
# This is the network's first wave: there is no earlier score yet to set today's against.
# From the next wave on this report will show how the company's score and measures have
# changed.

# %%
say("company.history", lang)
values = section.history_values(history, change, previous_wave, fmt)
say(values.pop("key"), lang, **values)
if change is not None:
    if compare and (others := section.history_others_values(*medians, fmt)):
        say("company.history_others", lang, **others)
    say("company.history_measures", lang, **section.change_counts(changes, fmt))
    if len(changes):
        show_table(section.measure_changes_table(changes, statuses, fmt,
                                                 previous=previous_wave, wave=wave),
                   text("company.changes_caption", lang, previous=previous_wave), lang=lang)

# %% [markdown] tags=["text"]
# <!-- company.measures -->
# ## Le vostre misure
#
# <!-- en -->
# ## Your measures
#
# <!-- company.measures_text -->
# L'impresa ha {n_active:nessuna misura attiva|misura attiva|misure attive} in
# {n_areas:nessuna area|area|aree} su {n_areas_all} della tassonomia.
#
# <!-- en -->
# The company has {n_active:no active measure|active measure|active measures} in
# {n_areas:no area|area|areas} out of the {n_areas_all} of the taxonomy.
#
# <!-- company.measures_text_network -->
# L'impresa ha {n_active:nessuna misura attiva|misura attiva|misure attive} in
# {n_areas:nessuna area|area|aree} su {n_areas_all} della tassonomia; la mediana delle
# altre imprese della rete è di circa {network_median:misura attiva|misure attive}.
#
# <!-- en -->
# The company has {n_active:no active measure|active measure|active measures} in
# {n_areas:no area|area|areas} out of the {n_areas_all} of the taxonomy; the median of the
# other network companies is about {network_median:active measure|active measures}.

# %%
say("company.measures", lang)
areas = company.areas_summary(measures, codebook, lang)
values = section.areas_values(areas, len(codebook.areas()), fmt,
                              others_median_active(survey, company_id) if compare else None)
say(values.pop("key"), lang, **values)
show_table(section.areas_table(areas, fmt), text("company.areas_caption", lang), lang=lang)

# %% [markdown] tags=["text"]
# <!-- company.needs -->
# ## I bisogni dei vostri dipendenti
#
# <!-- en -->
# ## Your employees' needs
#
# <!-- company.uncovered_text -->
# Le misure della tabella sono ritenute importanti o molto importanti da almeno metà dei
# vostri dipendenti che hanno risposto, ma l'impresa non le offre: sono i bisogni da
# guardare per primi.
#
# <!-- en -->
# The measures in the table are rated important or very important by at least half of
# your employees who answered, but the company does not offer them: these are the needs
# to look at first.
#
# <!-- company.uncovered_none -->
# Ogni misura che almeno metà dei vostri dipendenti ritiene importante o molto importante
# è già attiva nell'impresa.
#
# <!-- en -->
# Every measure that at least half of your employees rate important or very important is
# already active in the company.
#
# <!-- company.workers_none -->
# Nessun dipendente dell'impresa ha risposto al questionario: questa parte del rapporto
# resta vuota.
#
# <!-- en -->
# None of the company's employees answered the questionnaire: this part of the report
# stays empty.
#
# <!-- company.workers_few -->
# Al questionario {n_workers:|ha|hanno} risposto {n_workers:dipendente|dipendenti}
# dell'impresa, sotto la soglia di {min_cell:risposta|risposte} che protegge l'anonimato di
# chi risponde: i loro bisogni non sono riportati.
#
# <!-- en -->
# Only {n_workers:employee|employees} of the company answered the questionnaire, below the
# threshold of {min_cell:answer|answers} that keeps the respondents anonymous: their needs
# are not reported.

# %%
say("company.needs", lang)
if workers_reason is not None:
    values = section.workers_values(workers_reason, n_workers, ctx.min_cell, fmt)
    say(values.pop("key"), lang, **values)
else:
    if company.company_needs_published(needs):
        show_figure(dot_ci(section.needs_figure_rows(needs), **section.needs_figure_labels(fmt),
                           lang=lang, min_cell=ctx.min_cell, source=ctx.source("workers")),
                    text("company.needs_caption", lang))
    if len(uncovered):
        say("company.uncovered_text", lang)
        show_table(section.uncovered_table(uncovered, statuses, fmt),
                   text("company.uncovered_caption", lang), lang=lang)
    else:
        say("company.uncovered_none", lang)

# %% [markdown] tags=["text"]
# <!-- company.peers -->
# ## Cosa fanno le imprese simili alla vostra
#
# <!-- en -->
# ## What companies like yours do
#
# <!-- company.peers_text -->
# Come imprese simili alla vostra consideriamo le altre imprese della rete {group}:
# **{n:impresa|imprese}** in tutto. La tabella elenca le misure che almeno metà di loro ha attivato e che l'impresa non offre,
# dalle più diffuse: sono i primi passi da valutare, soprattutto quelli che i vostri
# dipendenti ritengono importanti.
#
# <!-- en -->
# As companies like yours we take the other network companies {group}:
# **{n:company|companies}** in all. The table lists the measures that at least half of them have active and your company does not
# offer, the most widespread first: the first steps to consider, above all those your
# employees rate important.
#
# <!-- company.peers_none -->
# Come imprese simili alla vostra consideriamo le altre imprese della rete {group}:
# **{n:impresa|imprese}** in tutto. Nessuna misura attiva in almeno metà di loro manca
# nell'impresa.
#
# <!-- en -->
# As companies like yours we take the other network companies {group}:
# **{n:company|companies}** in all. No measure active in at least half of them is missing
# in your company.
#
# <!-- company.withheld_note -->
# Per non rivelare le risposte di altre imprese, la quota di una misura non è indicata, e
# la misura non è suggerita, quando nessuna o tutte le imprese simili la offrono, o quando
# una sola la offre o una sola non la offre.
#
# <!-- en -->
# So as not to reveal other companies' answers, a measure's share is not given, and the
# measure is not suggested, when none or all of the similar companies offer it, or when
# only one offers it or only one does not.

# %%
if compare and peers.kind != "none":
    say("company.peers", lang)
    values = section.peers_values(peers, suggestions, words, fmt)
    say(values.pop("key"), lang, **values)
    if len(suggestions):
        show_table(section.suggestions_table(suggestions, statuses, fmt),
                   text("company.peers_caption", lang), lang=lang)
    say("company.withheld_note", lang)

# %% [markdown] tags=["text"]
# <!-- company.balance -->
# ## Conciliazione vita-lavoro
#
# <!-- en -->
# ## Work-life balance
#
# <!-- company.balance_text -->
# **{fit:Il}** dei vostri dipendenti dichiara che l'orario si concilia bene o molto bene
# con gli impegni familiari (altre imprese della rete: {fit_network}); il conflitto
# lavoro-famiglia medio è {wfc} su 7 (altre imprese: {wfc_network}; più è basso, meglio è).
#
# <!-- en -->
# **{fit}** of your employees say their hours fit family commitments well or very well
# (other network companies: {fit_network}); mean work-to-family conflict is {wfc} out of
# 7 (other companies: {wfc_network}; lower is better).
#
# <!-- company.balance_withheld -->
# Il confronto non è riportato: servono almeno
# {min_cell:risposta valida|risposte valide} dei vostri dipendenti e almeno
# {min_companies:altra impresa|altre imprese} della rete.
#
# <!-- en -->
# The comparison is not given: it needs at least {min_cell:valid answer|valid answers} of
# your employees and at least {min_companies:other network company|other network companies}.

# %%
say("company.balance", lang)
balance = ctx.publishable(company.of_company(shared.balance, company_id))
if compare and company.company_balance_published(balance):
    say("company.balance_text", lang, **section.balance_values(balance, fmt))
else:
    say("company.balance_withheld", lang, min_cell=ctx.min_cell,
        min_companies=company.MIN_OTHER_COMPANIES)

# %% [markdown] tags=["text"]
# <!-- company.reading -->
# ## Come leggere questo rapporto
#
# <!-- en -->
# ## How to read this report
#
# <!-- company.reading_text -->
# - **La rete** è sempre l'insieme delle *altre* imprese che hanno risposto: l'impresa
#   stessa non entra mai nelle cifre con cui è confrontata. Un confronto con la rete
#   richiede almeno {min_companies:altra impresa|altre imprese}.
# - **Nessuna cifra rivela un'altra impresa.** Dei punteggi delle altre imprese diamo solo
#   i quartili, stimati come media pesata di tutti i punteggi, mai il punteggio di una di
#   loro. Una quota di imprese non è indicata quando riguarderebbe tutte o nessuna, oppure
#   meno di {per_side:impresa|imprese} da una parte o dall'altra.
# - **Le risposte dei dipendenti** sono riportate solo quando {min_cell:|ha|hanno} risposto
#   almeno {min_cell:dipendente|dipendenti}, come in ogni rapporto del progetto; le quote
#   sono stime con il loro intervallo al 95 %.
#
# <!-- en -->
# - **The network** is always the *other* companies that answered: the company itself
#   never enters the figures it is compared with. A comparison with the network needs at
#   least {min_companies:other company|other companies}.
# - **No figure reveals another company.** Of the other companies' scores we give only the
#   quartiles, estimated as a weighted mean of all the scores, never one company's score.
#   A share of companies is not given when it would concern all of them or none, or fewer
#   than {per_side:company|companies} on either side.
# - **The employees' answers** are reported only when at least
#   {min_cell:employee|employees} answered, as in every report of the project; the shares
#   are estimates with their 95% interval.

# %%
say("company.reading", lang)
say("company.reading_text", lang, min_companies=company.MIN_OTHER_COMPANIES,
    per_side=company.MIN_COMPANIES_PER_SIDE, min_cell=ctx.min_cell)
