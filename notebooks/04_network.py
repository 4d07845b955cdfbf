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
#     - local_services
#     - network_activity
# ---

# %% [markdown] tags=["remove-cell"]
# # La rete: servizi condivisi ed economie di scala
#
# Pooled demand for the shareable services by area, local places, companies' interest,
# viability of shared conventions, candidate contents of a territorial agreement, and the
# network's activity over time.

# %% tags=["parameters"]
wave = None  # None: the latest processed wave
lang = "it"
processed_dir = None
tables_dir = None
min_cell = 5
min_companies = 3
viability_thresholds = None  # None: network.DEFAULT_VIABILITY (pipeline.analyse.analysis)
agreement_rule = None  # None: network.DEFAULT_AGREEMENT_RULE

# %%
from pipeline.analyse.analysis.areas import TERRITORIAL_AREAS, province_areas
from pipeline.analyse.analysis.network import (
    DEFAULT_AGREEMENT_RULE,
    DEFAULT_VIABILITY,
    activity_by_quarter,
    activity_summary,
    agreement_candidates,
    company_areas,
    company_interest,
    company_need_shares,
    local_capacity,
    membership_curve,
    network_footprint,
    pooled_demand,
    province_demand,
    province_interest,
    shown_areas,
    unmapped_services,
    viability,
)
from pipeline.analyse.analysis.survey import wave_design
from pipeline.analyse.plots import set_theme
from pipeline.analyse.plots.bars import share_bars
from pipeline.analyse.plots.estimates import dot_ci
from pipeline.analyse.plots.network import activity_chart, gap_chart, viability_grid
from pipeline.codebook import load_codebook
from pipeline.config import get_paths
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import say, text
from pipeline.notebook import open_wave, show_figure, show_table
from pipeline.render.sections import network as shown

set_theme()
fmt = Formatter(lang)
ctx = open_wave(wave, lang, processed_dir, tables_dir, min_cell)
codebook = load_codebook(on=ctx.meta)  # labels and thresholds in force at the fieldwork
wave = ctx.wave
workers, companies = ctx.tables["worker_survey"], ctx.tables["companies"]
survey, activity = ctx.tables["company_survey"], ctx.tables.get("network_activity")
local_services = ctx.tables.get("local_services")
services = codebook.measure_codes("shareable")
areas = province_areas(get_paths().municipalities_geojson)
located = company_areas(companies, areas)
design = wave_design(workers, companies)
thresholds = viability_thresholds or DEFAULT_VIABILITY
rule = agreement_rule or DEFAULT_AGREEMENT_RULE
service_label = shown.service_labels(lang, codebook=codebook)
service_col = text("chart.col.service", lang)

# %% [markdown] tags=["text"]
# <!-- network.intro -->
# La rete conta **{n_network:impresa|imprese}** con **{n_employees:dipendente|dipendenti}**,
# {where}; **{n_surveyed}** {n_surveyed:|ha|hanno} risposto al questionario aziendale e i
# loro dipendenti a quello sui bisogni. Questa sezione si chiede dove, mettendo insieme
# la domanda di più imprese, un servizio condiviso raggiunge una dimensione sostenibile:
# quanti dipendenti ne hanno bisogno in ciascuna area, quanti posti offrono già i servizi
# del territorio, quante imprese sono interessate e che cosa potrebbe entrare in un
# accordo territoriale.
#
# Le aree sono una suddivisione di lavoro del progetto, costruita sui comuni (il comune di
# Verona, la cintura urbana con Villafranca, il Garda e il Baldo, la Valpolicella e la
# Lessinia, l'Est veronese e la pianura); ogni impresa vi è collocata secondo il comune
# della sua sede. Le cifre di un'area con meno di
# {min_companies:impresa intervistata|imprese intervistate} non sono pubblicate, perché
# sarebbero quelle di imprese riconoscibili.
#
# <!-- en -->
# The network has **{n_network:company|companies}** with
# **{n_employees:employee|employees}**, {where}; **{n_surveyed}** answered the company
# questionnaire and their employees the needs survey. This section asks where, by pooling the demand of
# several companies, a shared service reaches a sustainable size: how many employees
# need it in each area, how many places the local services already offer, how many
# companies are interested, and what could go into a territorial agreement.
#
# The areas are the project's working partition of the municipalities (the city of
# Verona, the urban belt with Villafranca, Lake Garda and Monte Baldo, Valpolicella and
# Lessinia, eastern Verona province and the southern plain); each company is placed by
# the municipality of its premises. The figures of an area with fewer than
# {min_companies:surveyed company|surveyed companies} are not published, as they would be
# those of identifiable companies.

# %%
say("network.intro", lang, **shown.footprint_words(network_footprint(located), fmt),
    n_surveyed=fmt.number(len(survey), 0), min_companies=min_companies)

# %% [markdown] tags=["text"]
# <!-- network.demand -->
# ## Quanti dipendenti hanno bisogno di ciascun servizio
#
# Per ogni servizio condivisibile stimiamo il numero di dipendenti delle imprese
# intervistate che lo ritengono importante o molto importante. Le risposte di ciascuna
# impresa sono riportate al numero dei suoi dipendenti, così la somma delle risposte
# «importante» stima quanti dipendenti hanno bisogno del servizio. Il bisogno è contato
# solo tra chi può usare il servizio: {domains}; per gli altri servizi, tra tutti i
# dipendenti. Una risposta mancante o «non so» non conta come bisogno: le stime sono
# quindi prudenti.
#
# <!-- en -->
# ## How many employees need each service
#
# For each shareable service we estimate the number of employees of the surveyed
# companies who rate it important or very important. Each company's answers are scaled to
# its number of employees, so the sum of the "important" answers estimates how many
# employees need the service. The need is counted only among those who can use the
# service: {domains}; for the other services, among all employees. A missing or "don't
# know" answer does not count as a need: the estimates are therefore cautious.

# %%
say("network.demand", lang, domains=shown.domain_rules(services, lang, codebook=codebook))
demand = ctx.save_table(pooled_demand(workers, design, located, services,
                                      min_companies=min_companies,
                                      area_order=TERRITORIAL_AREAS), "network_demand")
province = shown.labelled(province_demand(demand), lang, codebook=codebook)
show_figure(dot_ci(province, label="label", percent=False,
                   xlabel=text("network.employees_axis", lang), label_name=service_col,
                   decimals=0, min_cell=ctx.min_cell, lang=lang, source=ctx.source("workers")),
            text("network.demand_caption", lang, n_companies=fmt.number(len(survey), 0),
                 employees=fmt.number(province["employees"].max(), 0)), lang=lang)
show_table(shown.demand_table(demand, fmt, codebook=codebook),
           text("network.demand_table_caption", lang, min_companies=min_companies), lang=lang)

# %% [markdown] tags=["text"]
# <!-- network.demand_text -->
# {n_top:|Il servizio più richiesto è|I servizi più richiesti, a pari merito, sono}
# {service}: {n_top:|ne|di ciascuno} {employees:|ha|hanno} bisogno circa
# **{employees:dipendente|dipendenti}** delle imprese intervistate (intervallo al 95 % da
# {low} a {high}). Se le imprese della rete che non hanno risposto avessero bisogni
# simili, nell'intera rete ({network_employees:dipendente|dipendenti}) sarebbero circa
# {projected}: è una proiezione, non una stima dell'indagine.
#
# <!-- en -->
# {n_top:|The most needed service is|The most needed services, tied, are} {service}:
# about **{employees:employee|employees}** of the surveyed companies
# {n_top:|need it|need each of them} (95% interval {low} to {high}). If the network companies
# that did not answer had similar needs, the whole network
# ({network_employees:employee|employees}) would count about {projected}: a projection,
# not a survey estimate.

# %%
say("network.demand_text", lang, **shown.demand_words(province, fmt))

# %% [markdown] tags=["text"]
# <!-- network.interest -->
# ## L'interesse delle imprese e i servizi del territorio
#
# Il questionario aziendale chiede a ogni impresa quanto le interessa condividere
# ciascun servizio con le altre imprese della rete. {n_companies:|Ha|Hanno} risposto
# {n_companies:impresa|imprese}, e
# {n_top:|il servizio che interessa di più è|i servizi che interessano di più, a pari merito, sono}
# {top}, {n_top:||ciascuno }con {top_share:il} delle imprese interessate o molto
# interessate. Le imprese indicano anche quanto sarebbero disposte
# a cofinanziare la rete in un anno: è un importo unico per impresa, non per servizio.
#
# <!-- en -->
# ## Companies' interest and local services
#
# The company questionnaire asks each company how interested it is in sharing each
# service with the other network companies. Answers came from
# {n_companies:company|companies}, and
# {n_top:|the service of most interest is|the services of most interest, tied, are}
# {top}, {n_top:||each }with {top_share} of the companies interested or very
# interested. Companies also state how much they would co-fund the
# network in a year: one amount per company, not per service.

# %%
interest = ctx.save_table(company_interest(survey, located, services, min_companies=min_companies,
                                           area_order=TERRITORIAL_AREAS), "network_interest")
capacity = ctx.save_table(local_capacity(local_services, codebook.service_types, areas, services,
                                         area_order=TERRITORIAL_AREAS), "network_local_places")
ranked = shown.labelled(province_interest(interest), lang, codebook=codebook)
say("network.interest", lang, **shown.interest_words(ranked, fmt))
show_figure(share_bars(ranked, label="label", value="share_interested",
                       xlabel=text("network.share_interested", lang), label_name=service_col,
                       min_cell=ctx.min_cell, lang=lang, source=ctx.source("companies")),
            text("network.interest_caption", lang), lang=lang)

# %% [markdown] tags=["text"]
# <!-- network.no_local_services -->
# Per questa rilevazione non è disponibile l'elenco dei servizi del territorio: il confronto con i posti già offerti da nidi, centri estivi e sportelli non è possibile.
#
# <!-- en -->
# No list of local services is available for this wave: the comparison with the places already offered by nurseries, summer camps and desks is not possible.
#
# <!-- network.local_places -->
# L'elenco dei servizi del territorio comprende
# {n_services:servizio pubblico o del privato sociale|servizi pubblici e del privato sociale}.
# Una convenzione può acquistare posti in servizi esistenti, ma non sappiamo quanti siano
# già occupati dai residenti. Per i servizi condivisibili l'elenco offre:
#
# {places}
#
# <!-- en -->
# The list of local services includes
# {n_services:public or third-sector service|public and third-sector services}. A
# convention can buy places in existing services, but how many are already taken by
# residents is not known. For the shareable services the list offers:
#
# {places}
#
# <!-- network.local_unmapped -->
# Per {services} non esiste un servizio pubblico corrispondente nell'elenco:
# {n_unmapped:|è un servizio|sono servizi} da organizzare ex novo.
#
# <!-- en -->
# For {services} there is no corresponding public service in the list:
# {n_unmapped:|it|they} would have to be set up from scratch.

# %%
if local_services is None:
    say("network.no_local_services", lang)
else:
    say("network.local_places", lang, n_services=fmt.number(len(local_services), 0),
        places=shown.places_list(capacity, fmt, codebook=codebook))
    if unmapped := unmapped_services(capacity):
        say("network.local_unmapped", lang,
            **shown.unmapped_words(unmapped, fmt, codebook=codebook))

# %% [markdown] tags=["text"]
# <!-- network.viability -->
# ## Quali servizi condivisi raggiungono una dimensione sostenibile
#
# Un servizio condiviso ha senso se abbastanza dipendenti lo useranno e abbastanza
# imprese sono pronte a sostenerlo. Le soglie sono parametri del rapporto, da fissare
# con i promotori: supponiamo che usi il servizio {take_up} dei dipendenti che ne
# hanno bisogno, chiediamo un numero minimo di utenti ({thresholds}) e almeno
# {min_companies:impresa interessata|imprese interessate} nell'area. Il servizio è
# *sostenibile* quando anche l'estremo inferiore dell'intervallo degli utenti attesi
# raggiunge la soglia, *incerto* quando la raggiunge solo la stima centrale.
#
# <!-- en -->
# ## Which shared services reach a sustainable size
#
# A shared service makes sense if enough employees will use it and enough companies are
# ready to support it. The thresholds are parameters of the report, to be set with the
# promoters: we assume that {take_up} of the employees who need the service use it, we
# require a minimum number of users ({thresholds}) and at least
# {min_companies:interested company|interested companies} in the area. A service is
# *viable* when even the lower end of the interval of expected users reaches the
# threshold, *uncertain* when only the central estimate does.

# %%
say("network.viability", lang, **shown.viability_words(thresholds, services, fmt,
                                                          codebook=codebook))
verdict = ctx.save_table(viability(demand, interest, capacity, thresholds), "network_viability")
listed = () if local_services is None else ("local_services",)
show_figure(viability_grid(verdict, row="measure", col="area", value="users",
                           row_order=list(province["measure"]), col_order=shown_areas(verdict),
                           row_labels=service_label, col_labels=shown.area_labels(lang),
                           status_labels=shown.viability_labels(lang), row_name=service_col,
                           lang=lang, source=ctx.source("workers", "companies", *listed)),
            text("network.viability_caption", lang, min_companies=min_companies), lang=lang)

# %% [markdown] tags=["text"]
# <!-- network.viability_text -->
# Con queste soglie raggiungono una dimensione sostenibile:
#
# {viable}
#
# <!-- en -->
# With these thresholds the following reach a viable size:
#
# {viable}
#
# <!-- network.viability_none -->
# Con queste soglie nessun servizio raggiunge una dimensione sostenibile, né in un'area né
# mettendo insieme tutta la rete.
#
# <!-- en -->
# With these thresholds no service reaches a viable size, neither in one area nor by
# pooling the whole network.

# %%
viable = shown.viable_list(verdict, fmt, codebook=codebook)
say("network.viability_text" if viable else "network.viability_none", lang, viable=viable)

# %% [markdown] tags=["text"]
# <!-- network.agreement -->
# ## Che cosa potrebbe entrare in un accordo territoriale
#
# Un accordo territoriale di secondo livello conviene per le misure che servono in
# molte imprese ma che poche offrono già. La regola è esplicita: in un'impresa il bisogno
# è alto se almeno {need_share:il} dei dipendenti ritiene la misura importante; una
# misura è candidata se il bisogno è alto in almeno {min_share:il} delle imprese e se è
# attiva in meno {max_active:del} di esse.
#
# <!-- en -->
# ## What a territorial agreement could contain
#
# A second-level territorial agreement pays off for the measures that many companies
# need but few already offer. The rule is explicit: in a company the need is high if at
# least {need_share} of the employees rate the measure important; a measure is a
# candidate if the need is high in at least {min_share} of the companies and it is
# active in fewer than {max_active} of them.

# %%
shares = company_need_shares(workers, design, codebook.measure_codes("asked_workers"))
candidates = ctx.save_table(agreement_candidates(shares, survey, rule=rule,
                                                 min_respondents=ctx.min_cell), "network_agreement")
words = shown.agreement_words(rule, fmt)
say("network.agreement", lang, **words)
show_figure(gap_chart(shown.labelled(candidates, lang, codebook=codebook), label="label",
                      need="share_high_need",
                      active="share_active", active_label=text("network.active_legend", lang),
                      need_label=text("network.high_need_legend", lang, **words),
                      highlight="candidate", need_min=rule["min_share_companies"],
                      active_max=rule["max_active_share"],
                      need_min_label=text("chart.agreement.need_line", lang, **words),
                      active_max_label=text("chart.agreement.active_line", lang, **words),
                      xlabel=text("network.share_companies", lang), label_name=text(
                          "chart.col.measure", lang),
                      highlight_name=text("chart.col.candidate", lang), min_cell=ctx.min_cell,
                      lang=lang, source=ctx.source("workers", "companies")),
            text("network.agreement_caption", lang, **words), lang=lang)

# %% [markdown] tags=["text"]
# <!-- network.agreement_text -->
# {n_candidates:|Soddisfa|Soddisfano} la regola {n_candidates:misura|misure}:
#
# {candidates}
#
# <!-- en -->
# {n_candidates:measure meets|measures meet} the rule:
#
# {candidates}
#
# <!-- network.agreement_none -->
# Nessuna misura soddisfa la regola in questa rilevazione.
#
# <!-- en -->
# No measure meets the rule in this wave.

# %%
chosen = shown.candidate_words(candidates, fmt, codebook=codebook)
say("network.agreement_text" if chosen["candidates"] else "network.agreement_none", lang,
    **chosen)

# %% [markdown] tags=["text"]
# <!-- network.no_activity -->
# ## L'attività della rete
#
# Per questa rilevazione non è disponibile il registro delle attività della rete
# (adesioni, formazioni, convenzioni, accordi): l'andamento nel tempo non può essere
# mostrato.
#
# <!-- en -->
# ## The network's activity
#
# No record of the network's activity (memberships, training, conventions, agreements)
# is available for this wave: its course over time cannot be shown.
#
# <!-- network.activity -->
# ## L'attività della rete
#
# Dal {first} al {last} il registro della rete conta {n_events:evento|eventi}, tra cui
# {trainings} attività di formazione e {conventions:convenzione firmata|convenzioni firmate}.
# A fine periodo {members:|aderisce|aderiscono} alla rete **{members:impresa|imprese}**.
#
# <!-- en -->
# ## The network's activity
#
# From {first} to {last} the network's record counts {n_events:event|events}, among them
# {trainings:training activity|training activities} and
# {conventions:convention signed|conventions signed}. At the end of the period the network
# has **{members:member company|member companies}**.

# %%
if activity is None or activity.empty:
    say("network.no_activity", lang)
else:
    events = ctx.save_table(activity_by_quarter(activity), "network_activity_quarterly")
    members = ctx.save_table(membership_curve(activity), "network_membership")
    say("network.activity", lang, **shown.activity_words(activity_summary(events, members), fmt))
    show_figure(activity_chart(shown.by_quarter(events, fmt), shown.by_quarter(members, fmt),
                               activity_labels=shown.activity_labels(events, lang),
                               ylabel=text("network.events_axis", lang),
                               members_label=text("network.members_axis", lang),
                               lang=lang, source=ctx.source("activity")),
                text("network.activity_caption", lang), lang=lang)
