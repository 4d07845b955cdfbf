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
# Viability thresholds: share of the employees with the need expected to use the service,
# fewest users per service, fewest interested companies to start a convention.
viability_thresholds = {
    "take_up": 0.2,
    "min_users": {"NURSERY_SHARED": 20, "SUMMER_CAMP": 30, "CAREGIVER_DESK": 20,
                  "COMPANY_SHUTTLE": 40, "CONCIERGE": 60, "ADMIN_DESK": 60},
    "min_companies": 3,
}
# Territorial agreement: high need = at least need_share of a company's employees rate the
# measure important; candidate = high need in at least min_share_companies of the companies
# and active in fewer than max_active_share of them.
agreement_rule = {"need_share": 0.5, "min_share_companies": 0.5, "max_active_share": 1 / 3}

# %%
import pandas as pd

from pipeline.analyse.analysis.areas import TERRITORIAL_AREAS, area_label, province_areas
from pipeline.analyse.analysis.network import (
    ALL,
    NEED_DOMAINS,
    activity_by_quarter,
    agreement_candidates,
    company_areas,
    company_interest,
    company_need_shares,
    local_capacity,
    membership_curve,
    pooled_demand,
    viability,
    viable_areas,
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

set_theme()
fmt = Formatter(lang)
codebook = load_codebook()
ctx = open_wave(wave, lang, processed_dir, tables_dir, min_cell)
wave = ctx.wave
workers, companies = ctx.tables["worker_survey"], ctx.tables["companies"]
survey = ctx.tables["company_survey"]
local_services = ctx.tables.get("local_services")
activity = ctx.tables.get("network_activity")
services = codebook.measure_codes("shareable")
service_label = {m: codebook.measure_label(m, lang) for m in codebook.measure_codes()}
areas = province_areas(get_paths().municipalities_geojson)
order = list(TERRITORIAL_AREAS)
labels_of_area = {**{a: area_label(a, lang) for a in order},
                  ALL: text("network.all_areas", lang), "OUTSIDE": text("network.outside", lang)}
located = company_areas(companies, areas)
design = wave_design(workers, companies)

# %%
network = located[located["in_network"]]
say("network.intro", lang, n_network=fmt.number(len(network), 0),
    n_employees=fmt.number(network["n_employees"].sum(), 0),
    n_surveyed=fmt.number(len(survey), 0),
    n_areas=fmt.number(network.loc[network["area"].isin(order), "area"].nunique(), 0),
    n_all_areas=fmt.number(len(order), 0), min_companies=min_companies)

# %%
say("network.demand", lang,
    domains="; ".join(text("network.domain_rule", lang, service=service_label[m],
                           domain=text(f"network.domain.{d}", lang))
                      for m, d in NEED_DOMAINS.items() if m in services))
demand = pooled_demand(workers, design, located, services, min_companies=min_companies,
                       area_order=order)
demand = ctx.save_table(demand, "network_demand")
province = demand[demand["area"] == ALL].assign(label=lambda d: d["measure"].map(service_label))
province = province.sort_values("estimate", ascending=False)
show_figure(dot_ci(province, label="label", percent=False,
                   xlabel=text("network.employees_axis", lang)),
            text("network.demand_caption", lang, n_companies=fmt.number(len(survey), 0),
                 employees=fmt.number(province["employees"].max(), 0)))
wide = demand.assign(value=[fmt.cell(v, 0) for v in demand["estimate"]])
wide = wide.pivot(index="measure", columns="area", values="value").reindex(
    index=province["measure"], columns=[a for a in [*order, ALL] if a in set(demand["area"])])
wide.index = wide.index.map(service_label)
wide.columns = [labels_of_area.get(a, a) for a in wide.columns]
show_table(wide.reset_index(names=text("network.col.service", lang)),
           text("network.demand_table_caption", lang, min_companies=min_companies))
top = province.iloc[0]
say("network.demand_text", lang, service=top["label"],
    employees=fmt.number(top["estimate"], 0), low=fmt.number(top["ci_low"], 0),
    high=fmt.number(top["ci_high"], 0), projected=fmt.number(top["projected_network"], 0),
    network_employees=fmt.number(top["network_employees"], 0))

# %%
interest = ctx.save_table(company_interest(survey, located, services,
                                           min_companies=min_companies, area_order=order),
                          "network_interest")
capacity = ctx.save_table(local_capacity(local_services, codebook.service_types, areas,
                                         services, area_order=order), "network_local_places")
all_interest = interest[interest["area"] == ALL].sort_values("share_interested",
                                                             ascending=False)
say("network.interest", lang, n_companies=fmt.number(all_interest["n_companies"].max(), 0),
    top=all_interest["measure"].map(service_label).iloc[0],
    top_share=fmt.percent(all_interest["share_interested"].iloc[0], 0))
show_figure(share_bars(all_interest.assign(label=all_interest["measure"].map(service_label)),
                       label="label", value="share_interested",
                       xlabel=text("network.share_interested", lang)),
            text("network.interest_caption", lang))
if local_services is None:
    say("network.no_local_services", lang)
else:
    places = capacity[(capacity["area"] == ALL) & capacity["mapped"]]
    say("network.local_places", lang, n_services=fmt.number(len(local_services), 0),
        places="; ".join(text("network.places_item", lang, service=service_label[r.measure],
                              places=fmt.number(r.capacity, 0), n=fmt.number(r.n_services, 0))
                         if pd.notna(r.capacity) else
                         text("network.places_unknown", lang, service=service_label[r.measure],
                              n=fmt.number(r.n_services, 0))
                         for r in places.itertuples()))
    unmapped = capacity.loc[~capacity["mapped"], "measure"].unique()
    if len(unmapped):
        say("network.local_unmapped", lang,
            services=fmt.listing(service_label[m] for m in unmapped))

# %%
take_up = viability_thresholds.get("take_up")
say("network.viability", lang,
    take_up=(fmt.percent(take_up, 0) if not isinstance(take_up, dict)
             else text("network.by_service", lang)),
    min_companies=fmt.number(viability_thresholds.get("min_companies", 1), 0),
    thresholds="; ".join(text("network.threshold_item", lang, service=service_label[m],
                              users=fmt.number(v, 0))
                         for m, v in viability_thresholds["min_users"].items() if m in services))
verdict = ctx.save_table(viability(demand, interest, capacity, viability_thresholds),
                         "network_viability")
status_label = {s: text(f"network.status.{s}", lang)
                for s in ("viable", "uncertain", "no_interest", "too_small", "withheld")}
show_figure(viability_grid(verdict, row="measure", col="area", value="users",
                           row_order=list(province["measure"]),
                           col_order=[a for a in [*order, ALL] if a in set(verdict["area"])],
                           row_labels=service_label, col_labels=labels_of_area,
                           status_labels=status_label),
            text("network.viability_caption", lang, min_companies=min_companies))
found = viable_areas(verdict)
say("network.viability_text", lang,
    viable="; ".join(text("network.viable_item", lang, service=service_label[m],
                          areas=fmt.listing(labels_of_area[a] for a in where if a != ALL))
                     if any(a != ALL for a in where) else
                     text("network.viable_network_item", lang, service=service_label[m])
                     for m, where in found.items())
    or text("network.no_viable", lang))

# %%
shares = company_need_shares(workers, design, codebook.measure_codes("asked_workers"))
candidates = ctx.save_table(agreement_candidates(shares, survey, rule=agreement_rule,
                                                 min_respondents=ctx.min_cell),
                            "network_agreement")
say("network.agreement", lang, need_share=fmt.percent(agreement_rule["need_share"], 0),
    min_share=fmt.percent(agreement_rule["min_share_companies"], 0),
    max_active=fmt.percent(agreement_rule["max_active_share"], 0))
show_figure(gap_chart(candidates.assign(label=candidates["measure"].map(service_label)),
                      label="label", need="share_high_need", active="share_active",
                      need_label=text("network.high_need_legend", lang,
                                      need_share=fmt.percent(agreement_rule["need_share"], 0)),
                      active_label=text("network.active_legend", lang),
                      highlight="candidate", need_min=agreement_rule["min_share_companies"],
                      active_max=agreement_rule["max_active_share"],
                      xlabel=text("network.share_companies", lang)),
            text("network.agreement_caption", lang,
                 min_share=fmt.percent(agreement_rule["min_share_companies"], 0),
                 max_active=fmt.percent(agreement_rule["max_active_share"], 0)))
chosen = candidates[candidates["candidate"]]
say("network.agreement_text", lang,
    candidates="; ".join(text("network.candidate_item", lang, measure=service_label[r.measure],
                              high=fmt.percent(r.share_high_need, 0),
                              active=fmt.percent(r.share_active, 0))
                         for r in chosen.itertuples())
    or text("network.no_candidate", lang))

# %%
if activity is None or activity.empty:
    say("network.no_activity", lang)
else:
    events = ctx.save_table(activity_by_quarter(activity), "network_activity_quarterly")
    members = ctx.save_table(membership_curve(activity), "network_membership")
    activity_label = {a: codebook.code_label("activity", a, lang) for a in events["activity"]}
    of_kind = events["activity"]
    say("network.activity", lang, members=fmt.number(members["members"].iloc[-1], 0),
        first=fmt.quarter(members["quarter"].iloc[0]),
        last=fmt.quarter(events["quarter"].iloc[-1]),
        n_events=fmt.number(events["events"].sum(), 0),
        trainings=fmt.number(events.loc[of_kind == "training", "events"].sum(), 0),
        conventions=fmt.number(events.loc[of_kind == "convention_signed", "events"].sum(), 0))
    show_figure(activity_chart(events.assign(quarter=events["quarter"].map(fmt.quarter)),
                               members.assign(quarter=members["quarter"].map(fmt.quarter)),
                               activity_labels=activity_label,
                               ylabel=text("network.events_axis", lang),
                               members_label=text("network.members_axis", lang)),
                text("network.activity_caption", lang))
