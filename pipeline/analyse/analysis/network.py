"""Economies of scale: pooled demand for shared services, their viability, a territorial
agreement, and the network's activity over time.

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

Viability (:func:`viability`)
-----------------------------
Thresholds are parameters (the notebook's ``viability`` dict; the defaults in
:data:`DEFAULT_VIABILITY` are placeholders for the researchers to set): ``take_up`` (share
of the employees with the need expected to use the service: a number, or a dict by
service), ``min_users`` (per service) and ``min_companies`` (surveyed companies
interested, ``interest_shared_<M> >= 3``, needed to start a convention). The expected users
are take-up times the estimated employees with the need (and its interval). A service in an
area is

* ``viable``: the lower end of the interval of the expected users reaches ``min_users``
  and at least ``min_companies`` companies are interested;
* ``uncertain``: the point estimate reaches ``min_users``, the lower end does not, and
  enough companies are interested;
* ``no_interest``: the point estimate reaches ``min_users`` but fewer than
  ``min_companies`` companies are interested;
* ``too_small``: the point estimate is below ``min_users``;
* ``withheld``: the area's demand is withheld (fewer than ``min_companies`` surveyed
  companies in the area).

Local places (``local_services`` capacity of the service types that serve the measure,
``service_types.csv``) are shown beside it: a convention can buy places in existing
services; they are not counted as free places (their use by residents is unknown).

Territorial agreement (:func:`agreement_candidates`)
----------------------------------------------------
A measure is a candidate for the territorial (second-level) agreement when its need is
high across many companies and its current coverage low: by default, in at least half
of the surveyed companies (with at least ``min_respondents`` valid answers) at least half
of the employees (weighted share) rate it important, and it is active in fewer than a
third of the companies that answered about it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pipeline.analyse.analysis.survey import PROPORTION_INTERVAL
from pipeline.analyse.stats import SurveyDesign, survey_proportion
from pipeline.codebook import ACTIVE_STATUSES

ALL = "ALL"
#: Area for companies outside the province's municipalities.
OUTSIDE = "OUTSIDE"
#: Workers among whom the need for a service is counted (None = every worker).
NEED_DOMAINS: dict[str, str | None] = {
    "NURSERY_SHARED": "has_child_u14",
    "SUMMER_CAMP": "has_child_u14",
    "CAREGIVER_DESK": "caregiver",
}
#: Default thresholds of the viability rule (the notebook's parameter).
DEFAULT_VIABILITY: dict[str, Any] = {
    "take_up": 0.2,
    "min_users": {"NURSERY_SHARED": 20, "SUMMER_CAMP": 30, "CAREGIVER_DESK": 20,
                  "COMPANY_SHUTTLE": 40, "CONCIERGE": 60, "ADMIN_DESK": 60},
    "min_companies": 3,
}
#: Default rule of the agreement candidates.
DEFAULT_AGREEMENT_RULE: dict[str, float] = {
    "need_share": 0.5, "min_share_companies": 0.5, "max_active_share": 1 / 3,
}
ACTIVE = ACTIVE_STATUSES  # the codebook's definition
INTEREST_THRESHOLD = 3
ACTIVITY_TYPES = ("joined", "training", "convention_signed", "brand_affiliation",
                  "agreement_signed", "left")


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
        stated an amount), ``withheld``. ``cofund_eur`` is blanked when fewer than
        ``min_companies`` companies stated one (it would be one company's amount), and
        the interest of an area with fewer than ``min_companies`` answering companies is
        blanked too (it would be one company's answer).
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
                         if len(amounts) >= min_companies else np.nan,
                         "n_cofund": pd.NA if few else len(amounts), "withheld": few})
    out = pd.DataFrame(rows)
    for col in ("n_interested", "n_cofund"):
        out[col] = out[col].astype("Int64")
    return out


# --------------------------------------------------------------------------------------
# Viability
# --------------------------------------------------------------------------------------
VIABILITY_STATUSES = ("viable", "uncertain", "no_interest", "too_small", "withheld")


def viability(
    demand: pd.DataFrame,
    interest: pd.DataFrame,
    capacity: pd.DataFrame | None = None,
    thresholds: Mapping[str, Any] = DEFAULT_VIABILITY,
) -> pd.DataFrame:
    """Which shared conventions reach a viable size, and where (see the module docstring).

    Parameters
    ----------
    demand
        :func:`pooled_demand`.
    interest
        :func:`company_interest`.
    capacity
        :func:`local_capacity` (optional).
    thresholds
        ``take_up`` (0-1) and ``min_users`` (each a number, or a dict by service with an
        optional ``default``), ``min_companies`` (interested companies).

    Returns
    -------
    pandas.DataFrame
        One row per service and area: ``employees_need`` with ``need_low``/``need_high``,
        ``users`` (take-up x employees_need) with ``users_low``/``users_high``,
        ``min_users``, ``n_interested``, ``min_companies``, ``cofund_eur``,
        ``local_capacity``, ``status`` (:data:`VIABILITY_STATUSES`), ``n`` (valid
        answers behind the demand) and ``n_companies``.
    """
    min_comp = int(thresholds.get("min_companies", 1))

    def per_service(key: str, default: float) -> Any:
        value = thresholds.get(key, default)
        if isinstance(value, Mapping):
            return lambda m: float(value.get(m, value.get("default", np.nan)))
        return lambda m: float(value)

    out = demand[["measure", "area", "estimate", "ci_low", "ci_high", "n", "n_companies",
                  "withheld"]].rename(columns={"estimate": "employees_need",
                                               "ci_low": "need_low", "ci_high": "need_high"})
    out = out.merge(interest[["measure", "area", "n_interested", "cofund_eur"]],
                    on=["measure", "area"], how="left")
    if capacity is not None:
        out = out.merge(capacity[["measure", "area", "capacity"]].rename(
            columns={"capacity": "local_capacity"}), on=["measure", "area"], how="left")
    else:
        out["local_capacity"] = np.nan
    out["n_interested"] = out["n_interested"].astype("Int64")
    out["take_up"] = out["measure"].map(per_service("take_up", 1.0))
    out["users"] = out["take_up"] * out["employees_need"]
    out["users_low"] = out["take_up"] * out["need_low"]
    out["users_high"] = out["take_up"] * out["need_high"]
    out["min_users"] = out["measure"].map(per_service("min_users", 0.0))
    out["min_companies"] = min_comp
    interested = (out["n_interested"] >= min_comp).fillna(False).astype(bool)
    sure = out["users_low"] >= out["min_users"]
    point = out["users"] >= out["min_users"]
    status = np.select([sure & interested, point & interested, point],
                       ["viable", "uncertain", "no_interest"], default="too_small")
    out["status"] = np.where(out["withheld"], "withheld", status)
    return out[["measure", "area", "employees_need", "need_low", "need_high", "take_up", "users",
                "users_low", "users_high", "min_users", "n_interested", "min_companies",
                "cofund_eur", "local_capacity", "status", "n", "n_companies"]]


def viable_areas(table: pd.DataFrame, status: str = "viable") -> dict[str, list[str]]:
    """``{service: [areas]}`` of the rows of :func:`viability` with ``status`` (the
    province-wide ``ALL`` row last), services in table order; services with none are
    left out."""
    out: dict[str, list[str]] = {}
    for m, part in table.groupby("measure", sort=False):
        hits = part.loc[part["status"] == status, "area"].tolist()
        hits = [a for a in hits if a != ALL] + [a for a in hits if a == ALL]
        if hits:
            out[m] = hits
    return out


# --------------------------------------------------------------------------------------
# Territorial agreement
# --------------------------------------------------------------------------------------
def company_need_shares(
    workers: pd.DataFrame,
    design: SurveyDesign,
    measures: Sequence[str],
    *,
    threshold: int = 3,
) -> pd.DataFrame:
    """Weighted share of each company's employees rating each measure important.

    CONFIDENTIAL (one row per company): an input of :func:`agreement_candidates`, not for
    publication. Returns ``company_id, measure, share, n`` (valid answers).
    """
    w = pd.Series(design.weights, index=design.index).reindex(workers.index)
    frames = []
    for m in measures:
        need = workers[f"need_imp_{m}"].astype("Float64")
        valid = need.notna()
        d = pd.DataFrame({"company_id": workers.loc[valid, "company_id"],
                          "w": w[valid], "y": (need[valid] >= threshold).astype(float)})
        g = d.assign(wy=d["w"] * d["y"]).groupby("company_id")
        t = pd.DataFrame({"share": g["wy"].sum() / g["w"].sum(), "n": g.size()})
        frames.append(t.reset_index().assign(measure=m))
    return pd.concat(frames, ignore_index=True)[["company_id", "measure", "share", "n"]]


def agreement_candidates(
    need_shares: pd.DataFrame,
    company_survey: pd.DataFrame,
    *,
    rule: Mapping[str, float] = DEFAULT_AGREEMENT_RULE,
    min_respondents: int = 5,
) -> pd.DataFrame:
    """Measures with high need across many companies and low current coverage.

    Parameters
    ----------
    need_shares
        :func:`company_need_shares`.
    company_survey
        The company questionnaire (``m_<MEASURE>``).
    rule
        ``need_share`` (a company has a high need when at least this share of its
        employees rate the measure important), ``min_share_companies`` (share of the
        assessed companies with a high need), ``max_active_share`` (coverage below this).
    min_respondents
        Companies with fewer valid answers on a measure are not assessed for it.

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``companies_assessed``, ``companies_high_need``,
        ``share_high_need``, ``companies_answered``, ``companies_active``,
        ``share_active``, ``candidate`` (both conditions met), sorted candidates first,
        then by ``share_high_need``.
    """
    rows = []
    for m, part in need_shares.groupby("measure", sort=False):
        assessed = part[part["n"] >= min_respondents]
        high = int((assessed["share"] >= rule["need_share"]).sum())
        col = f"m_{m}"
        status = company_survey[col] if col in company_survey.columns else pd.Series(
            dtype="str")
        answered = int(status.notna().sum())
        active = int(status.isin(ACTIVE).sum())
        share_high = high / len(assessed) if len(assessed) else np.nan
        share_active = active / answered if answered else np.nan
        rows.append({"measure": m, "companies_assessed": len(assessed),
                     "companies_high_need": high, "share_high_need": share_high,
                     "companies_answered": answered, "companies_active": active,
                     "share_active": share_active,
                     "candidate": bool(share_high >= rule["min_share_companies"]
                                       and share_active < rule["max_active_share"])})
    out = pd.DataFrame(rows)
    return out.sort_values(["candidate", "share_high_need"], ascending=[False, False],
                           kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Network activity over time
# --------------------------------------------------------------------------------------
def _quarter(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.to_period("Q").astype("str")


def activity_by_quarter(activity: pd.DataFrame) -> pd.DataFrame:
    """Events per quarter and activity type (every quarter of the span, zeros included).

    Returns ``quarter`` (``2013Q1``), ``activity``, ``events``.
    """
    d = activity.dropna(subset=["date", "activity"])
    if d.empty:
        return pd.DataFrame(columns=["quarter", "activity", "events"])
    periods = pd.period_range(pd.to_datetime(d["date"]).min(), pd.to_datetime(d["date"]).max(),
                              freq="Q").astype("str")
    kinds = [k for k in ACTIVITY_TYPES if k in set(d["activity"])] + sorted(
        set(d["activity"]) - set(ACTIVITY_TYPES))
    counts = d.assign(quarter=_quarter(d["date"])).groupby(["quarter", "activity"]).size()
    full = pd.MultiIndex.from_product([periods, kinds], names=["quarter", "activity"])
    return counts.reindex(full, fill_value=0).rename("events").reset_index()


def membership_curve(activity: pd.DataFrame) -> pd.DataFrame:
    """Network members at the end of each quarter, from ``joined`` and ``left`` events.

    The quarters run from the first join to the last event of any kind. Returns ``quarter, joined, left, members`` (members = cumulative joined - left).
    """
    dated = activity.dropna(subset=["date"])
    d = dated[dated["activity"].isin(["joined", "left"])]
    if d.empty:
        return pd.DataFrame(columns=["quarter", "joined", "left", "members"])
    periods = pd.period_range(pd.to_datetime(d["date"]).min(),
                              pd.to_datetime(dated["date"]).max(), freq="Q").astype("str")
    counts = d.assign(quarter=_quarter(d["date"])).groupby(["quarter", "activity"]).size()
    wide = counts.unstack("activity").reindex(periods).fillna(0)
    out = pd.DataFrame({"quarter": periods,
                        "joined": wide.get("joined", pd.Series(0, index=periods))
                        .to_numpy(dtype=int),
                        "left": wide.get("left", pd.Series(0, index=periods))
                        .to_numpy(dtype=int)})
    out["members"] = (out["joined"] - out["left"]).cumsum()
    return out
