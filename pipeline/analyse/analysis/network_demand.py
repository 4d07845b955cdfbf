"""Pooled demand for the shareable services by area, the local places that serve them, and
the surveyed companies' interest in sharing them.

Pooled demand (:func:`pooled_demand`)
-------------------------------------
For each shareable service of the taxonomy (codebook ``measure_codes("shareable")``:
NURSERY_SHARED, SUMMER_CAMP, CAREGIVER_DESK, CONCIERGE, COMPANY_SHUTTLE, ADMIN_DESK) and
each area of the province (:mod:`pipeline.analyse.analysis.areas`, from the municipality of the
worker's *company* in the mapping), the estimated number of employees who need the
service: the design-weighted total of workers rating it important (``need_imp >= 3``)
among the valid answers. The weights of a company's respondents add up to its headcount
(post-stratification), so the total estimates employees of the surveyed companies. A
missing or "don't know" answer counts as no expressed need: the total is a lower bound
with respect to item non-response.

The service only makes sense for some workers, and the need is counted in that domain
(:data:`NEED_DOMAINS`):

* NURSERY_SHARED and SUMMER_CAMP: workers with children under 14 (``has_child_u14``);
* CAREGIVER_DESK: workers caring for a dependent adult (``caregiver``);
* CONCIERGE, COMPANY_SHUTTLE, ADMIN_DESK: every worker.

Variance: the total of an area is ``W_a * p_a`` where ``W_a``, the area's weights, is
fixed by post-stratification (the surveyed companies' headcount) and ``p_a`` the area's
share of employees with the need, so its standard error and interval are ``W_a`` times the
design-based ones of the share (:func:`pipeline.analyse.stats.survey_proportion` with ``by=area``;
Taylor linearisation on the full design; the pipeline's interval,
:data:`pipeline.analyse.analysis.survey.PROPORTION_INTERVAL`, Korn-Graubard, which stays defined
when nobody, or everybody, in an area expresses the need). ``rate`` is the total per
employee; ``projected_network`` applies that rate to the headcount of *all* the area's
network companies, assuming the network companies that did not answer need the service as
often as those that did (a projection, labelled as such).

An area's figure is withheld unless at least ``min_companies`` surveyed companies are in
it: with fewer, it would be one company's figure.

Local places and interest (:func:`local_capacity`, :func:`company_interest`)
----------------------------------------------------------------------------
Local places (``local_services`` capacity of the service types that serve the measure,
``service_types.csv``) are shown beside the demand: a convention can buy places in
existing services; they are not counted as free places (their use by residents is
unknown). A company is interested in sharing a service when it rates it at least
:data:`INTEREST_THRESHOLD` (interested, on 1-4).

What the report shows
---------------------
The areas of :data:`pipeline.analyse.analysis.areas.TERRITORIAL_AREAS` present, in that
order, then the whole network (:func:`shown_areas`: companies outside the province count
only in the whole); services from the most to the least needed province-wide
(:func:`province_demand`) or the most to the least interesting (:func:`province_interest`);
the one(s) at the top, every tied one included (:func:`most_needed`,
:func:`most_interesting`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pipeline.analyse.analysis.areas import TERRITORIAL_AREAS
from pipeline.analyse.analysis.survey import PROPORTION_INTERVAL
from pipeline.analyse.disclosure import dominated, protect_complement
from pipeline.analyse.stats import SurveyDesign, survey_proportion

#: Area of the whole network (every surveyed company, wherever it is).
ALL = "ALL"
#: Area for companies outside the province's municipalities.
OUTSIDE = "OUTSIDE"
#: Workers among whom the need for a service is counted (None = every worker).
NEED_DOMAINS: dict[str, str | None] = {
    "NURSERY_SHARED": "has_child_u14",
    "SUMMER_CAMP": "has_child_u14",
    "CAREGIVER_DESK": "caregiver",
}
#: Lowest answer to ``interest_shared_<M>`` (1-4) that counts as interested.
INTEREST_THRESHOLD = 3


def company_areas(companies: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """``company_id, area, n_employees, in_network`` of every mapped company.

    ``areas`` is :func:`pipeline.analyse.analysis.areas.province_areas` (municipality -> area);
    companies of other provinces get :data:`OUTSIDE`.
    """
    lookup = areas.set_index("municipality")["area"]
    out = companies[["company_id", "n_employees", "in_network"]].copy()
    out["area"] = companies["municipality"].map(lookup).fillna(OUTSIDE).astype("str")
    out["in_network"] = out["in_network"].astype("boolean").fillna(False).astype(bool)
    return out


def _area_order(values: Sequence[str], order: Sequence[str] | None) -> list[str]:
    seen = list(dict.fromkeys(values))
    if order is None:
        return sorted(seen)
    return [a for a in order if a in seen] + [a for a in sorted(seen) if a not in order]


# --------------------------------------------------------------------------------------
# Pooled demand
# --------------------------------------------------------------------------------------
DEMAND_COLUMNS = ["measure", "area", "domain", "estimate", "se", "ci_low", "ci_high", "df",
                  "n", "n_companies", "employees", "rate", "network_employees",
                  "projected_network", "withheld"]


def pooled_demand(
    workers: pd.DataFrame,
    design: SurveyDesign,
    company_area: pd.DataFrame,
    measures: Sequence[str],
    *,
    threshold: int = 3,
    domains: Mapping[str, str | None] = NEED_DOMAINS,
    min_companies: int = 3,
    area_order: Sequence[str] | None = None,
    level: float = 0.95,
    method: str = PROPORTION_INTERVAL,
) -> pd.DataFrame:
    """Estimated employees needing each shareable service, by area and for the province.

    Parameters
    ----------
    workers
        The typed worker table the design was built on (``need_imp_<M>``, ``company_id``,
        the domain columns).
    design
        The default survey design (:func:`pipeline.analyse.stats.survey_design`).
    company_area
        :func:`company_areas` of the mapping.
    measures
        The shareable services.
    threshold
        Lowest importance counted as a need (3 = important).
    domains
        Worker column restricting each service's need (see :data:`NEED_DOMAINS`).
    min_companies
        Fewest surveyed companies in an area for its figures to be published.
    level, method
        Confidence level and interval of the share behind each total (default the
        pipeline's, Korn-Graubard).

    Returns
    -------
    pandas.DataFrame
        One row per service and area (``ALL`` = every surveyed company): ``domain``,
        ``estimate`` (employees with the need), ``se``, ``ci_low`` (>= 0), ``ci_high``,
        ``df``, ``n`` (valid answers in the service's domain), ``n_companies``
        (surveyed companies), ``employees`` (their headcount), ``rate`` (estimate per
        employee), ``network_employees`` (headcount of all the area's network
        companies), ``projected_network`` (rate x network_employees), ``withheld``
        (fewer than ``min_companies`` companies: values and ``n`` blanked).
    """
    lookup = company_area.set_index("company_id")
    area = workers["company_id"].map(lookup["area"]).astype("str")
    area = area.rename("area")
    network = company_area[company_area["in_network"]]
    network_emp = network.groupby("area")["n_employees"].sum()
    companies_in = workers.groupby(area)["company_id"].nunique()
    order = _area_order(area.unique(), area_order)
    rows = []
    for m in measures:
        col = f"need_imp_{m}"
        domain = domains.get(m)
        need = workers[col].astype("Float64")
        valid = need.notna()
        in_domain = (workers[domain].astype("boolean").fillna(False).astype(bool)
                     if domain else pd.Series(True, index=workers.index))
        y = ((need >= threshold).fillna(False).astype(bool) & in_domain).astype("float64")
        counted = valid & in_domain
        n_valid = counted.groupby(area).sum()
        by_area = survey_proportion(design, y, by=area, level=level,
                                    method=method).set_index("group")
        overall = survey_proportion(design, y, level=level, method=method).iloc[0]
        for a in [*order, ALL]:
            r = overall if a == ALL else by_area.loc[a]
            W = float(r["weighted_n"])
            est, se = W * float(r["estimate"]), W * float(r["se"])
            half_low, half_high = est - W * float(r["ci_low"]), W * float(r["ci_high"]) - est
            n_comp = int(companies_in.sum() if a == ALL else companies_in.get(a, 0))
            net = float(network_emp.sum() if a == ALL else network_emp.get(a, 0.0))
            rate = est / W if W > 0 else np.nan
            rows.append({
                "measure": m, "area": a, "domain": domain or "all",
                "estimate": est, "se": se, "ci_low": max(0.0, est - half_low),
                "ci_high": est + half_high, "df": float(r["df"]),
                "n": int(counted.sum() if a == ALL else n_valid.get(a, 0)),
                "n_companies": n_comp, "employees": W, "rate": rate,
                "network_employees": net, "projected_network": rate * net,
                "withheld": n_comp < min_companies,
            })
    out = pd.DataFrame(rows, columns=DEMAND_COLUMNS)
    values = ["estimate", "se", "ci_low", "ci_high", "df", "employees", "rate",
              "network_employees", "projected_network"]
    out.loc[out["withheld"], values] = np.nan
    out["n"] = out["n"].astype("Int64").mask(out["withheld"])  # one company's respondents
    return out


# --------------------------------------------------------------------------------------
# Local services and interest
# --------------------------------------------------------------------------------------
def local_capacity(
    local_services: pd.DataFrame | None,
    service_types: Sequence[Mapping[str, str]],
    areas: pd.DataFrame,
    measures: Sequence[str],
    *,
    area_order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Places of the local services that serve each measure, by area and for the province.

    Parameters
    ----------
    local_services
        The optional ``local_services`` table (None when the wave has none).
    service_types
        Rows of ``service_types.csv`` (``service_type``, ``serves_measure``), e.g.
        ``codebook.service_types``.
    areas
        Municipality -> area (:func:`pipeline.analyse.analysis.areas.province_areas`).

    Returns
    -------
    pandas.DataFrame
        ``measure, area, n_services, capacity, mapped``: ``capacity`` sums the places
        given (0 without services; NA when services exist but none gives its places, as
        desks usually do not); ``mapped`` is False for the measures no service type
        serves (no public counterpart: NA capacity) and for every row when the table is
        missing.
    """
    serves = {s["service_type"]: s["serves_measure"] for s in service_types}
    served = set(serves.values())
    order = _area_order(areas["area"].unique(), area_order)
    rows = []
    if local_services is not None and len(local_services):
        ls = local_services.assign(
            measure=local_services["service_type"].map(serves),
            area=local_services["municipality"].map(
                areas.set_index("municipality")["area"]).fillna(OUTSIDE),
            capacity=local_services["capacity"].astype("Float64"))
    else:
        ls = None
    for m in measures:
        for a in [*order, ALL]:
            if ls is None or m not in served:
                rows.append({"measure": m, "area": a, "n_services": np.nan,
                             "capacity": np.nan, "mapped": False})
                continue
            part = ls[(ls["measure"] == m) & ((ls["area"] == a) | (a == ALL))]
            known = part["capacity"].dropna()
            rows.append({"measure": m, "area": a, "n_services": len(part),
                         "capacity": float(known.sum()) if len(known) or not len(part)
                         else np.nan,
                         "mapped": True})
    return pd.DataFrame(rows)


def company_interest(
    company_survey: pd.DataFrame,
    company_area: pd.DataFrame,
    measures: Sequence[str],
    *,
    threshold: int = INTEREST_THRESHOLD,
    min_companies: int = 3,
    area_order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Surveyed companies interested in sharing each service, and what they would co-fund.

    Interest is ``interest_shared_<M> >= threshold`` (3 = interested, on 1-4).
    ``willing_cofund_eur`` is one amount per company for the network as a whole, not per
    service: ``cofund_eur`` sums the amounts of the companies interested in *this*
    service, so the amounts of different services overlap and must not be added up.

    Returns
    -------
    pandas.DataFrame
        ``measure, area, n_companies`` (answered the interest question), ``n_interested``,
        ``share_interested``, ``cofund_eur``, ``n_cofund`` (interested companies that
        stated an amount), ``withheld`` (the area's interest), ``suppressed`` (some value
        of the row withheld: read "n.d."). ``cofund_eur`` is blanked when fewer than
        ``min_companies`` companies stated one (it would be one company's amount), when
        one or two companies' amounts dominate it (p % rule,
        :func:`~pipeline.analyse.disclosure.dominated`: the second largest would learn the
        largest within 10 %), or
        when the network's sum minus the published areas' would leave fewer than
        ``min_companies`` companies' amounts (:func:`~pipeline.analyse.disclosure.
        protect_complement`); the interest of an area with fewer than ``min_companies``
        answering companies is blanked too (it would be one company's answer).
    """
    area = company_survey["company_id"].map(
        company_area.set_index("company_id")["area"]).fillna(OUTSIDE).astype("str")
    order = _area_order(area.unique(), area_order)
    cofund = company_survey.get("willing_cofund_eur",
                                pd.Series(np.nan, index=company_survey.index)).astype("float64")
    rows = []
    for m in measures:
        col = f"interest_shared_{m}"
        level = (company_survey[col].astype("Float64") if col in company_survey.columns
                 else pd.Series(pd.NA, index=company_survey.index, dtype="Float64"))
        answered = level.notna()
        interested = (level >= threshold).fillna(False).astype(bool)
        for a in [*order, ALL]:
            here = (area == a) if a != ALL else pd.Series(True, index=area.index)
            n = int((answered & here).sum())
            k = int((interested & here).sum())
            amounts = cofund[interested & here].dropna()
            few = n < min_companies
            rows.append({"measure": m, "area": a, "n_companies": n,
                         "n_interested": pd.NA if few else k,
                         "share_interested": np.nan if few or not n else k / n,
                         "cofund_eur": float(amounts.sum())
                         if len(amounts) >= min_companies and not dominated(amounts)
                         else np.nan,
                         "n_cofund": pd.NA if few else len(amounts), "withheld": few,
                         "_stated": len(amounts)})
    out = _protect_cofunding(pd.DataFrame(rows), min_companies)
    for col in ("n_interested", "n_cofund"):
        out[col] = out[col].astype("Int64")
    return out


def _protect_cofunding(out: pd.DataFrame, min_companies: int) -> pd.DataFrame:
    """Withhold area sums whose difference from the network's would be too few companies'."""
    for _, rows in out.groupby("measure", sort=False):
        areas = rows[rows["area"] != ALL]
        total = rows.loc[rows["area"] == ALL, "cofund_eur"]
        hide = protect_complement(areas["cofund_eur"], areas["_stated"],
                                  total_published=bool(total.notna().any()),
                                  min_cell=min_companies)
        out.loc[hide[hide].index, "cofund_eur"] = np.nan
    # withheld (read "n.d."): an area's interest on too few companies, or a co-funding sum
    # some companies stated but that is not published; no amount stated is not applicable
    out["suppressed"] = out["withheld"] | (out["cofund_eur"].isna() & (out["_stated"] > 0))
    return out.drop(columns="_stated")


# --------------------------------------------------------------------------------------
# What the report shows
# --------------------------------------------------------------------------------------
def network_footprint(company_area: pd.DataFrame, *,
                      areas: Sequence[str] = TERRITORIAL_AREAS) -> pd.DataFrame:
    """The network's size and spread: its companies, their employees, the areas they are in.

    Parameters
    ----------
    company_area
        :func:`company_areas` of the mapping (every mapped company, ``in_network`` flag).
    areas
        The province's areas.

    Returns
    -------
    pandas.DataFrame
        One row: ``n_companies`` (network members), ``n_employees`` (their headcount),
        ``n_areas`` (areas of ``areas`` with at least one member; companies outside the
        province are not an area) and ``n_all_areas`` (how many areas there are).
    """
    network = company_area[company_area["in_network"]]
    return pd.DataFrame([{
        "n_companies": len(network), "n_employees": network["n_employees"].sum(),
        "n_areas": network.loc[network["area"].isin(areas), "area"].nunique(),
        "n_all_areas": len(areas)}])


def shown_areas(table: pd.DataFrame, *,
                area_order: Sequence[str] = TERRITORIAL_AREAS) -> list[str]:
    """The areas a report shows side by side: those of ``area_order`` that ``table`` has
    (in that order), then :data:`ALL`. :data:`OUTSIDE` (companies of other provinces) is
    not shown on its own: those companies count in the whole network only."""
    present = set(table["area"])
    return [a for a in [*area_order, ALL] if a in present]


def province_demand(demand: pd.DataFrame) -> pd.DataFrame:
    """The province-wide rows of :func:`pooled_demand` (area :data:`ALL`), the service
    needed by the most employees first: the order of the services in the report."""
    return demand[demand["area"] == ALL].sort_values("estimate", ascending=False)


def province_interest(interest: pd.DataFrame) -> pd.DataFrame:
    """The province-wide rows of :func:`company_interest`, the service that interests the
    largest share of companies first."""
    return interest[interest["area"] == ALL].sort_values("share_interested", ascending=False)


def _leaders(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """The rows of ``rows`` whose ``column`` equals its maximum (all of them on a tie)."""
    values = rows[column].astype("float64")
    if values.isna().all():
        return rows.iloc[:0]
    return rows[np.isclose(values, values.max(), rtol=0, atol=1e-9)]


def most_needed(demand: pd.DataFrame) -> pd.DataFrame:
    """The service(s) needed by the most employees province-wide: the first rows of
    :func:`province_demand` whose estimate, rounded to whole employees as the report writes
    it, is the largest. Several rows mean a tie: the report names them all."""
    rows = province_demand(demand)
    return _leaders(rows.assign(_shown=rows["estimate"].round(0)), "_shown").drop(
        columns="_shown")


def most_interesting(interest: pd.DataFrame) -> pd.DataFrame:
    """The service(s) that interest the largest share of companies province-wide
    (:func:`province_interest`); several rows on a tie (16 of 30 companies for two
    services), which the report names together."""
    return _leaders(province_interest(interest), "share_interested")


def province_places(capacity: pd.DataFrame) -> pd.DataFrame:
    """The province-wide rows of :func:`local_capacity` for the services some local
    service type serves (``mapped``), in table order."""
    return capacity[(capacity["area"] == ALL) & capacity["mapped"]]


def unmapped_services(capacity: pd.DataFrame) -> list[str]:
    """The services of :func:`local_capacity` that no local service type serves (no public
    counterpart: a convention would set them up from scratch), in table order."""
    return list(capacity.loc[~capacity["mapped"], "measure"].unique())
