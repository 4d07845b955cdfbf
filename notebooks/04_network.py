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
codebook = load_codebook()
ctx = open_wave(wave, lang, processed_dir, tables_dir, min_cell)
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
service_label = shown.service_labels(lang)

# %% [markdown] tags=["text"]
# <!-- network.intro -->
# La rete conta **{n_network}** imprese con **{n_employees}** dipendenti, presenti in
# {n_areas} delle {n_all_areas} aree della provincia; **{n_surveyed}** hanno risposto al questionario aziendale e i
# loro dipendenti a quello sui bisogni. Questa sezione si chiede dove, mettendo insieme
# la domanda di più imprese, un servizio condiviso raggiunge una dimensione sostenibile:
# quanti dipendenti ne hanno bisogno in ciascuna area, quanti posti offrono già i servizi
# del territorio, quante imprese sono interessate e che cosa potrebbe entrare in un
# accordo territoriale.
#
# Le aree sono una suddivisione di lavoro del progetto, costruita sui comuni (Verona
# città, la cintura urbana con Villafranca, Garda e Baldo, Valpolicella e Lessinia, l'Est
# veronese, la pianura); ogni impresa vi è collocata secondo il comune della sua sede.
# Le cifre di un'area con meno di {min_companies} imprese intervistate non sono
# pubblicate, perché sarebbero quelle di una singola impresa.
#
# <!-- en -->
# The network has **{n_network}** companies with **{n_employees}** employees, present in
# {n_areas} of the {n_all_areas} areas of the province; **{n_surveyed}** answered the company questionnaire and
# their employees the needs survey. This section asks where, by pooling the demand of
# several companies, a shared service reaches a sustainable size: how many employees
# need it in each area, how many places the local services already offer, how many
# companies are interested, and what could go into a territorial agreement.
#
# The areas are the project's working partition of the municipalities (the city of
# Verona, the urban belt with Villafranca, Lake Garda and Monte Baldo, Valpolicella and
# Lessinia, Eastern Verona, the southern plain); each company is placed by the
# municipality of its premises. The figures of an area with fewer than {min_companies}
# surveyed companies are not published, as they would be those of a single company.

# %%
say("network.intro", lang, **shown.footprint_words(network_footprint(located), fmt),
    n_surveyed=fmt.number(len(survey), 0), min_companies=min_companies)

# %% [markdown] tags=["text"]
# <!-- network.demand -->
# ## Quanti dipendenti hanno bisogno di ciascun servizio
#
# Per ogni servizio condivisibile stimiamo il numero di dipendenti delle imprese
# intervistate che lo ritengono importante o molto importante. I pesi dell'indagine
# riportano le risposte di ciascuna impresa al suo organico, quindi la somma ponderata
# delle risposte «importante» stima un numero di dipendenti. Il bisogno è contato solo
# tra chi può usare il servizio: {domains}; per gli altri servizi, tra tutti i
# dipendenti. Una risposta mancante o «non so» non conta come bisogno: le stime sono
# quindi prudenti.
#
# <!-- en -->
# ## How many employees need each service
#
# For each shareable service we estimate the number of employees of the surveyed
# companies who rate it important or very important. The survey weights scale each
# company's answers to its workforce, so the weighted sum of the "important" answers
# estimates a number of employees. The need is counted only among those who can use the
# service: {domains}; for the other services, among all employees. A missing or "don't
# know" answer does not count as a need: the estimates are therefore cautious.

# %%
say("network.demand", lang, domains=shown.domain_rules(services, lang))
demand = ctx.save_table(pooled_demand(workers, design, located, services,
                                      min_companies=min_companies,
                                      area_order=TERRITORIAL_AREAS), "network_demand")
province = shown.labelled(province_demand(demand), lang)
show_figure(dot_ci(province, label="label", percent=False,
                   xlabel=text("network.employees_axis", lang)),
            text("network.demand_caption", lang, n_companies=fmt.number(len(survey), 0),
                 employees=fmt.number(province["employees"].max(), 0)))
show_table(shown.demand_table(demand, fmt),
           text("network.demand_table_caption", lang, min_companies=min_companies))

# %% [markdown] tags=["text"]
# <!-- network.demand_text -->
# Il servizio più richiesto è **{service}**: ne hanno bisogno circa **{employees}**
# dipendenti delle imprese intervistate (intervallo al 95 % da {low} a {high}). Se le
# imprese della rete che non hanno risposto avessero bisogni simili, nell'intera rete
# ({network_employees} dipendenti) sarebbero circa {projected}: è una proiezione, non una
# stima dell'indagine.
#
# <!-- en -->
# The most needed service is **{service}**: about **{employees}** employees of the
# surveyed companies need it (95 % interval {low} to {high}). If the network companies
# that did not answer had similar needs, the whole network ({network_employees}
# employees) would count about {projected}: a projection, not a survey estimate.

# %%
say("network.demand_text", lang, **shown.demand_words(province, fmt))

# %% [markdown] tags=["text"]
# <!-- network.interest -->
# ## L'interesse delle imprese e i servizi del territorio
#
# Il questionario aziendale chiede a ogni impresa quanto le interessa condividere
# ciascun servizio con le altre imprese della rete. Delle {n_companies} imprese che hanno
# risposto, il servizio che interessa di più è **{top}** ({top_share} delle imprese
# interessate o molto interessate). Le imprese indicano anche quanto sarebbero disposte a
# cofinanziare la rete in un anno: è un importo unico per impresa, non per servizio.
#
# <!-- en -->
# ## Companies' interest and local services
#
# The company questionnaire asks each company how interested it is in sharing each
# service with the other network companies. Of the {n_companies} companies that
# answered, the service of most interest is **{top}** ({top_share} of the companies
# interested or very interested). Companies also state how much they would co-fund the
# network in a year: one amount per company, not per service.

# %%
interest = ctx.save_table(company_interest(survey, located, services, min_companies=min_companies,
                                           area_order=TERRITORIAL_AREAS), "network_interest")
capacity = ctx.save_table(local_capacity(local_services, codebook.service_types, areas, services,
                                         area_order=TERRITORIAL_AREAS), "network_local_places")
ranked = shown.labelled(province_interest(interest), lang)
say("network.interest", lang, **shown.interest_words(ranked, fmt))
show_figure(share_bars(ranked, label="label", value="share_interested",
                       xlabel=text("network.share_interested", lang)),
            text("network.interest_caption", lang))

# %% [markdown] tags=["text"]
# <!-- network.no_local_services -->
# Per questa rilevazione non è disponibile l'elenco dei servizi del territorio: il confronto con i posti già offerti da nidi, centri estivi e sportelli non è possibile.
#
# <!-- en -->
# No list of local services is available for this wave: the comparison with the places already offered by nurseries, summer camps and desks is not possible.
#
# <!-- network.local_places -->
# L'elenco dei servizi del territorio comprende {n_services} servizi pubblici e del privato sociale. Per i servizi condivisibili offrono: {places}. Una convenzione può acquistare posti in servizi esistenti; non sappiamo però quanti siano già occupati dai residenti.
#
# <!-- en -->
# The list of local services includes {n_services} public and third-sector services. For the shareable services they offer: {places}. A convention can buy places in existing services; how many are already taken by residents is not known.
#
# <!-- network.local_unmapped -->
# Per {services} non esiste un servizio pubblico corrispondente nell'elenco: si tratta di servizi da organizzare ex novo.
#
# <!-- en -->
# For {services} there is no corresponding public service in the list: they would have to be set up from scratch.

# %%
if local_services is None:
    say("network.no_local_services", lang)
else:
    say("network.local_places", lang, n_services=fmt.number(len(local_services), 0),
        places=shown.places_list(capacity, fmt))
    if unmapped := unmapped_services(capacity):
        say("network.local_unmapped", lang,
            services=fmt.listing(service_label[m] for m in unmapped))

# %% [markdown] tags=["text"]
# <!-- network.viability -->
# ## Quali servizi condivisi raggiungono una dimensione sostenibile
#
# Un servizio condiviso ha senso se abbastanza dipendenti lo useranno e abbastanza
# imprese sono pronte a sostenerlo. Le soglie sono parametri del rapporto, da fissare
# con i promotori: supponiamo che usi il servizio il {take_up} dei dipendenti che ne
# hanno bisogno, chiediamo un numero minimo di utenti ({thresholds}) e almeno
# {min_companies} imprese interessate nell'area. Il servizio è *sostenibile* quando anche
# l'estremo inferiore dell'intervallo degli utenti attesi raggiunge la soglia, *incerto*
# quando la raggiunge solo la stima puntuale.
#
# <!-- en -->
# ## Which shared services reach a sustainable size
#
# A shared service makes sense if enough employees will use it and enough companies are
# ready to support it. The thresholds are parameters of the report, to be set with the
# promoters: we assume that {take_up} of the employees who need the service use it, we
# require a minimum number of users ({thresholds}) and at least {min_companies}
# interested companies in the area. A service is *viable* when even the lower end of the
# interval of expected users reaches the threshold, *uncertain* when only the point
# estimate does.

# %%
say("network.viability", lang, **shown.viability_words(thresholds, services, fmt))
verdict = ctx.save_table(viability(demand, interest, capacity, thresholds), "network_viability")
show_figure(viability_grid(verdict, row="measure", col="area", value="users",
                           row_order=list(province["measure"]), col_order=shown_areas(verdict),
                           row_labels=service_label, col_labels=shown.area_labels(lang),
                           status_labels=shown.viability_labels(lang)),
            text("network.viability_caption", lang, min_companies=min_companies))

# %% [markdown] tags=["text"]
# <!-- network.viability_text -->
# Con queste soglie raggiungono una dimensione sostenibile: {viable}.
#
# <!-- en -->
# With these thresholds the following reach a viable size: {viable}.

# %%
say("network.viability_text", lang, viable=shown.viable_list(verdict, fmt))

# %% [markdown] tags=["text"]
# <!-- network.agreement -->
# ## Che cosa potrebbe entrare in un accordo territoriale
#
# Un accordo territoriale di secondo livello conviene per le misure che servono in
# molte imprese ma che poche offrono già. La regola è esplicita: in un'impresa il bisogno
# è alto se almeno il {need_share} dei dipendenti ritiene la misura importante; una
# misura è candidata se il bisogno è alto in almeno il {min_share} delle imprese e se è
# attiva in meno del {max_active} di esse.
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
show_figure(gap_chart(shown.labelled(candidates, lang), label="label", need="share_high_need",
                      active="share_active", active_label=text("network.active_legend", lang),
                      need_label=text("network.high_need_legend", lang, **words),
                      highlight="candidate", need_min=rule["min_share_companies"],
                      active_max=rule["max_active_share"],
                      xlabel=text("network.share_companies", lang)),
            text("network.agreement_caption", lang, **words))

# %% [markdown] tags=["text"]
# <!-- network.agreement_text -->
# Misure candidate: {candidates}.
#
# <!-- en -->
# Candidate measures: {candidates}.

# %%
say("network.agreement_text", lang, candidates=shown.candidate_list(candidates, fmt))

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
# Dal {first} al {last} il registro della rete conta {n_events} eventi (attività di
# formazione: {trainings}; convenzioni firmate: {conventions}). A fine periodo le imprese
# aderenti sono **{members}**.
#
# <!-- en -->
# ## The network's activity
#
# From {first} to {last} the network's record counts {n_events} events (training
# activities: {trainings}; conventions signed: {conventions}). At the end of the period
# the network has **{members}** member companies.

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
                               members_label=text("network.members_axis", lang)),
                text("network.activity_caption", lang))
