"""Economies of scale: pooled demand for shared services, their viability, a territorial
agreement, and the network's activity over time.

One module per question (this module gathers their names, so that
``from pipeline.analyse.analysis.network import ...`` keeps working):

* :mod:`pipeline.analyse.analysis.network_demand`: how many employees need each shareable
  service in each area of the province (:func:`pooled_demand`, a design-based total,
  withheld in areas with fewer than ``min_companies`` surveyed companies), the local
  places that serve it (:func:`local_capacity`) and the companies interested in sharing
  it (:func:`company_interest`);
* :mod:`pipeline.analyse.analysis.network_viability`: which shared conventions reach a
  viable size, and where (:func:`viability`, thresholds in :data:`DEFAULT_VIABILITY`);
* :mod:`pipeline.analyse.analysis.network_agreement`: the candidates for a territorial
  agreement, high need and low coverage (:func:`agreement_candidates`, rule in
  :data:`DEFAULT_AGREEMENT_RULE`);
* :mod:`pipeline.analyse.analysis.network_activity`: events per quarter and members over
  time (:func:`activity_by_quarter`, :func:`membership_curve`).
"""

from __future__ import annotations

from pipeline.analyse.analysis.network_activity import (
    ACTIVITY_TYPES,
    activity_by_quarter,
    activity_summary,
    membership_curve,
)
from pipeline.analyse.analysis.network_agreement import (
    ACTIVE,
    DEFAULT_AGREEMENT_RULE,
    agreement_candidates,
    agreement_choice,
    company_need_shares,
)
from pipeline.analyse.analysis.network_demand import (
    ALL,
    DEMAND_COLUMNS,
    INTEREST_THRESHOLD,
    NEED_DOMAINS,
    OUTSIDE,
    company_areas,
    company_interest,
    local_capacity,
    most_interesting,
    most_needed,
    network_footprint,
    pooled_demand,
    province_demand,
    province_interest,
    province_places,
    shown_areas,
    unmapped_services,
)
from pipeline.analyse.analysis.network_viability import (
    DEFAULT_VIABILITY,
    VIABILITY_STATUSES,
    min_interested,
    viability,
    viable_areas,
)

__all__ = [
    "ACTIVE",
    "ACTIVITY_TYPES",
    "ALL",
    "DEFAULT_AGREEMENT_RULE",
    "DEFAULT_VIABILITY",
    "DEMAND_COLUMNS",
    "INTEREST_THRESHOLD",
    "NEED_DOMAINS",
    "OUTSIDE",
    "VIABILITY_STATUSES",
    "activity_by_quarter",
    "activity_summary",
    "agreement_candidates",
    "agreement_choice",
    "company_areas",
    "company_interest",
    "company_need_shares",
    "local_capacity",
    "membership_curve",
    "min_interested",
    "most_interesting",
    "most_needed",
    "network_footprint",
    "pooled_demand",
    "province_demand",
    "province_interest",
    "province_places",
    "shown_areas",
    "unmapped_services",
    "viability",
    "viable_areas",
]
