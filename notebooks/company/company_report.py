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
# (what is compared, what is withheld and why) is in pipeline/analyse/analysis/company*.py.

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

from pipeline.analyse.analysis.company import (
    MIN_COMPANIES_PER_SIDE,
    MIN_OTHER_COMPANIES,
    areas_summary,
    balance_vs_others,
    company_balance_published,
    company_measures,
    company_name,
    company_needs_published,
    company_shares,
    needs_vs_others,
    network_is_large_enough,
    other_companies,
)
from pipeline.analyse.analysis.company_actions import (
    peer_group,
    peer_suggestions,
    uncovered_needs,
    workers_withheld_reason,
)
from pipeline.analyse.analysis.company_history import (
    history_state,
    maturity_change,
    measure_changes,
    others_median_then_now,
    previous_wave_data,
)
from pipeline.analyse.analysis.company_position import maturity_position, others_median_active
from pipeline.analyse.analysis.measures import maturity_scores, surveyed_companies
from pipeline.analyse.analysis.survey import wave_design
from pipeline.analyse.plots import set_theme
from pipeline.analyse.plots.company import maturity_scale
from pipeline.analyse.plots.estimates import dot_ci
from pipeline.codebook import load_codebook
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.labels import in_sentence, listed
from pipeline.i18n.text import say, text
from pipeline.notebook import open_wave, show_figure, show_table
from pipeline.render.escape import markdown_escape

set_theme()
fmt = Formatter(lang)
ctx = open_wave(wave, lang, processed_dir, None, min_cell)
codebook = load_codebook(on=ctx.meta)  # labels and thresholds in force at the fieldwork
wave = ctx.wave
survey, workers, companies = (ctx.tables[t] for t in ("company_survey", "worker_survey",
                                                       "companies"))
company_id = company_id or survey["company_id"].iloc[0]
profile = companies.set_index("company_id").loc[company_id]
name = company_name(companies, company_id)
n_others = len(other_companies(survey, company_id))
compare = network_is_large_enough(survey, company_id)
n_workers = int((workers["company_id"] == company_id).sum())
measures = company_measures(survey, company_id, codebook, lang)
scores = maturity_scores(surveyed_companies(survey, companies), codebook=codebook)
position = maturity_position(scores, company_id)

# the previous wave: the company's own answers then
previous_wave = previous_wave or ctx.meta.get("previous_wave")
previous = previous_wave_data(previous_wave, previous_processed_dir)
history = history_state(None if previous is None else previous.tables, company_id)
change = changes = None
if history == "surveyed":
    before = previous.tables
    scores_then = maturity_scores(surveyed_companies(before["company_survey"],
                                                     before["companies"]),
                                  codebook=codebook)  # one yardstick for both waves
    change = maturity_change(scores_then, scores, company_id)
    changes = measure_changes(before["company_survey"], survey, company_id, codebook, lang)
    median_then, median_now = others_median_then_now(scores_then, scores, company_id)

# the workers' needs no active measure covers, and what similar companies have
design = wave_design(workers, companies)
needs = ctx.publishable(needs_vs_others(workers, design, company_id,
                                        codebook.measure_codes("asked_workers")))
needs["label"] = needs["measure"].map(lambda m: codebook.measure_label(m, lang))
workers_reason = workers_withheld_reason(n_workers, ctx.min_cell)
uncovered = uncovered_needs(needs, measures) if workers_reason is None else None
peers = peer_group(survey, companies, company_id)
suggestions = peer_suggestions(
    company_shares(survey[survey["company_id"].isin(peers.company_ids)],
                   codebook.measure_codes()),
    measures, None if uncovered is None else uncovered["measure"])
status_label = {code: codebook.code_label("adoption", code, lang)
                for code in ("none", "planned", "active_some", "active_all")}


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
# {n_other:|ha|ha|hanno} partecipato alla rilevazione {wave}. L'impresa non entra mai nelle
# cifre della rete, e nessun dato di una singola altra impresa è mostrato.
#
# <!-- en -->
# It sets the company's welfare measures and its employees' answers to the questionnaire
# ({n_workers:no answers|answer|answers}) against
# {n_other:no other company|other company|other companies} of the network that took part
# in wave {wave}. The company itself never enters the network's figures, and no figure of
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
sector = in_sentence(codebook.code_label("ateco_section", profile["ateco_section"], lang))
size = in_sentence(codebook.code_label("size_class", profile["size_class"], lang))
values = dict(company_id=markdown_escape(company_id), sector=sector, size=size)
if name:  # the name is data: escaped where it enters the Markdown
    say("company.intro", lang, company_name=markdown_escape(name), **values)
else:
    say("company.intro_code", lang, **values)
say("company.intro_network", lang, n_workers=fmt.number(n_workers, 0),
    n_other=fmt.number(n_others, 0), wave=wave)
if not compare:
    say("company.no_network", lang, min_companies=MIN_OTHER_COMPANIES)

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
# **Rispetto a {previous}**: punteggio da {before} a {after}, classe da {class_before} a
# {maturity_class}; {n_activated:nessuna misura attivata|misura attivata|misure attivate},
# {n_dropped:nessuna sospesa|sospesa|sospese}.
#
# <!-- en -->
# **Since {previous}**: score from {before} to {after}, class from {class_before} to
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
brief = []
if compare:
    brief.append(text("company.brief_score", lang, score=fmt.number(position.score, 1),
                      maturity_class=position.maturity_class,
                      position=text(f"company.quarter_{position.quarter}", lang)))
else:
    brief.append(text("company.brief_score_alone", lang, score=fmt.number(position.score, 1),
                      maturity_class=position.maturity_class))
if change is not None:
    brief.append(text("company.brief_change", lang, previous=previous_wave,
                      before=fmt.number(change.score_then, 1),
                      after=fmt.number(change.score_now, 1), class_before=change.class_then,
                      maturity_class=change.class_now,
                      n_activated=fmt.number((changes["change"] == "activated").sum(), 0),
                      n_dropped=fmt.number((changes["change"] == "dropped").sum(), 0)))
else:
    brief.append(text(f"company.brief_{'new' if history == 'new_to_network' else history}",
                      lang))
if uncovered is not None:
    brief.append(text("company.brief_needs", lang, measures=listed(uncovered["label"], lang),
                      n=fmt.number(len(uncovered), 0)) if len(uncovered)
                 else text("company.brief_needs_none", lang))
if len(suggestions):
    brief.append(text("company.brief_peers", lang, measures=listed(suggestions["label"], lang),
                      n=fmt.number(len(suggestions), 0)))
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
say("company.maturity_text", lang, score=fmt.number(position.score, 1),
    maturity_class=position.maturity_class)
if compare:
    quartiles = dict(low=fmt.number(position.q1, 0), high=fmt.number(position.q3, 0),
                     network_median=fmt.number(position.median, 0),
                     position=text(f"company.quarter_{position.quarter}", lang))
    if position.withheld is None:  # else the share would reveal the others: the quarter only
        say("company.position_share", lang, share=fmt.percent(position.share_below, 0),
            **quartiles)
    else:
        say("company.position", lang, **quartiles)
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
# Nella rilevazione **{previous}** il punteggio dell'impresa era **{before}**; ora è
# **{after}**, {score_change} punti in più, e la classe è passata da **{class_before}** a
# **{maturity_class}**.
#
# <!-- en -->
# At wave **{previous}** the company scored **{before}**; it now scores **{after}**,
# {score_change} points more, and its class went from **{class_before}** to
# **{maturity_class}**.
#
# <!-- company.history_up_same_class -->
# Nella rilevazione **{previous}** il punteggio dell'impresa era **{before}**; ora è
# **{after}**, {score_change} punti in più, e la classe resta **{maturity_class}**.
#
# <!-- en -->
# At wave **{previous}** the company scored **{before}**; it now scores **{after}**,
# {score_change} points more, and its class is still **{maturity_class}**.
#
# <!-- company.history_down -->
# Nella rilevazione **{previous}** il punteggio dell'impresa era **{before}**; ora è
# **{after}**, {score_change} punti in meno, e la classe è scesa da **{class_before}** a
# **{maturity_class}**.
#
# <!-- en -->
# At wave **{previous}** the company scored **{before}**; it now scores **{after}**,
# {score_change} points less, and its class went down from **{class_before}** to
# **{maturity_class}**.
#
# <!-- company.history_down_same_class -->
# Nella rilevazione **{previous}** il punteggio dell'impresa era **{before}**; ora è
# **{after}**, {score_change} punti in meno, e la classe resta **{maturity_class}**.
#
# <!-- en -->
# At wave **{previous}** the company scored **{before}**; it now scores **{after}**,
# {score_change} points less, and its class is still **{maturity_class}**.
#
# <!-- company.history_same -->
# Il punteggio dell'impresa è lo stesso della rilevazione **{previous}**, **{after}**, e la
# classe resta **{maturity_class}**.
#
# <!-- en -->
# The company's score is the same as at wave **{previous}**, **{after}**, and its class is
# still **{maturity_class}**.
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
# precedente, {previous}, non ne faceva ancora parte. Questo rapporto è il suo punto di
# partenza; dalla prossima rilevazione mostrerà come sono cambiati il punteggio e le
# misure dell'impresa.
#
# <!-- en -->
# **This is the company's first time in the network's survey**: at the previous wave,
# {previous}, it was not yet a member. This report is its starting point; from the next
# wave on it will show how the company's score and measures have changed.
#
# <!-- company.history_first_survey -->
# Nella rilevazione precedente, {previous}, l'impresa faceva già parte della rete ma non
# aveva risposto al questionario per le imprese: non c'è un punteggio di allora con cui
# confrontare quello di oggi. Dalla prossima rilevazione questo rapporto mostrerà come sono
# cambiati il punteggio e le misure dell'impresa.
#
# <!-- en -->
# At the previous wave, {previous}, the company was already in the network but did not
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
if change is not None:
    same_class = "_same_class" if change.steps == 0 and change.direction != "same" else ""
    say(f"company.history_{change.direction}{same_class}", lang, previous=previous_wave,
        before=fmt.number(change.score_then, 1), after=fmt.number(change.score_now, 1),
        score_change=fmt.number(abs(change.change), 1), class_before=change.class_then,
        maturity_class=change.class_now)
    if compare and median_then == median_then and median_now == median_now:  # not NaN
        say("company.history_others", lang, before=fmt.number(median_then, 0),
            after=fmt.number(median_now, 0))
    counts = {f"n_{c}": fmt.number((changes["change"] == c).sum(), 0)
              for c in ("activated", "dropped", "extended", "narrowed")}
    say("company.history_measures", lang, **counts)
    if len(changes):
        show_table(changes.assign(
            change=changes["change"].map(lambda c: text(f"company.change_{c}", lang)),
            before=changes["before"].map(status_label), after=changes["after"].map(status_label),
        )[["label", "change", "before", "after"]].rename(columns={
            "label": text("company.col_measure", lang),
            "change": text("company.col_change", lang),
            "before": text("company.col_before", lang, previous=previous_wave),
            "after": text("company.col_after", lang, wave=wave)}),
            text("company.changes_caption", lang, previous=previous_wave))
elif history == "new_to_network":
    say("company.history_new", lang, previous=previous_wave)
elif history == "first_survey":
    say("company.history_first_survey", lang, previous=previous_wave)
else:
    say("company.history_baseline", lang)

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
areas = areas_summary(measures, codebook, lang)
counts = dict(n_active=fmt.number(areas["active"].sum(), 0),
              n_areas=fmt.number((areas["active"] > 0).sum(), 0),
              n_areas_all=fmt.number(len(codebook.areas()), 0))
if compare:
    say("company.measures_text_network", lang, **counts,
        network_median=fmt.number(others_median_active(survey, company_id), 0))
else:
    say("company.measures_text", lang, **counts)
show_table(areas.drop(columns="area").rename(columns={
    "area_label": text("company.col_area", lang), "active": text("company.col_active", lang),
    "measures": text("company.col_measures", lang)}), text("company.areas_caption", lang))

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
    say(f"company.workers_{workers_reason}", lang, n_workers=fmt.number(n_workers, 0),
        min_cell=ctx.min_cell)
else:
    if company_needs_published(needs):
        mine = needs[needs["scope"] == "company"].sort_values("estimate", ascending=False)
        order = {m: i for i, m in enumerate(mine["measure"])}
        show_figure(dot_ci(needs.assign(order=needs["measure"].map(order)).sort_values(
            ["order", "scope"]), label="label", hue="scope", hue_order=["company", "others"],
            hue_labels={"company": text("company.you", lang),
                        "others": text("company.network", lang)},
            xlabel=text("needs.share_important", lang), lang=lang, min_cell=ctx.min_cell,
            label_name=text("company.col_measure", lang), source=ctx.source("workers")),
            text("company.needs_caption", lang))
    if len(uncovered):
        say("company.uncovered_text", lang)
        show_table(uncovered.assign(
            estimate=uncovered["estimate"].map(lambda s: fmt.percent(s, 0)),
            interval=[text("company.interval", lang, low=fmt.percent(lo, 0),
                           high=fmt.percent(hi, 0))
                      for lo, hi in zip(uncovered["ci_low"], uncovered["ci_high"], strict=True)],
            others=uncovered["others"].map(lambda s: fmt.percent(s, 0) if s == s else ""),
            status=uncovered["status"].map(status_label).fillna(text("company.no_answer", lang)))[
                ["label", "estimate", "interval", "others", "status"]].rename(columns={
                    "label": text("company.col_measure", lang),
                    "estimate": text("company.col_workers_share", lang),
                    "interval": text("company.col_interval", lang),
                    "others": text("company.col_others_share", lang),
                    "status": text("company.col_status", lang)}),
            text("company.uncovered_caption", lang))
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
    group = text(f"company.peers_{peers.kind}", lang, sector=sector, size=size)
    if len(suggestions):
        say("company.peers_text", lang, n=fmt.number(len(peers), 0), group=group)
        columns = ["label", "adopted", "status"] + (["wanted"] if suggestions["wanted"].any()
                                                    else [])
        show_table(suggestions.assign(
            adopted=[text("company.k_of_n", lang, k=fmt.number(k, 0), n=fmt.number(n, 0))
                     for k, n in zip(suggestions["k"], suggestions["n"], strict=True)],
            status=suggestions["status"].map(status_label).fillna(text("company.no_answer", lang)),
            wanted=suggestions["wanted"].map({True: text("company.yes", lang), False: ""}))[
                columns].rename(columns={
                    "label": text("company.col_measure", lang),
                    "adopted": text("company.col_peers", lang),
                    "status": text("company.col_status", lang),
                    "wanted": text("company.col_wanted", lang)}),
            text("company.peers_caption", lang))
    else:
        say("company.peers_none", lang, n=fmt.number(len(peers), 0), group=group)
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
balance = ctx.publishable(balance_vs_others(workers, design, company_id))
if compare and company_balance_published(balance):
    b = balance.set_index(["indicator", "scope"])["estimate"]
    say("company.balance_text", lang,
        fit=fmt.percent(b[("wlb_fit_good", "company")], 0),
        fit_network=fmt.percent(b[("wlb_fit_good", "others")], 0),
        wfc=fmt.number(b[("wfc_score", "company")], 2),
        wfc_network=fmt.number(b[("wfc_score", "others")], 2))
else:
    say("company.balance_withheld", lang, min_cell=ctx.min_cell,
        min_companies=MIN_OTHER_COMPANIES)

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
say("company.reading_text", lang, min_companies=MIN_OTHER_COMPANIES,
    per_side=MIN_COMPANIES_PER_SIDE, min_cell=ctx.min_cell)
