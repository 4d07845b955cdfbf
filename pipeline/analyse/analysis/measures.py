"""What the surveyed companies do: adoption of measures, a welfare-maturity score, and worker
outcomes in companies with and without each measure.

Three questions, one module each (this module gathers their names, so that
``from pipeline.analyse.analysis.measures import ...`` keeps working):

1. **Adoption** (:mod:`pipeline.analyse.analysis.measures_adoption`:
   :func:`adoption_table`, :func:`welfare_area_table`, :func:`measures_by_size`,
   :func:`size_gradient`). The unit is the company that answered the company
   questionnaire; shares describe the surveyed companies, which are not a probability
   sample.

2. **Welfare maturity** (:mod:`pipeline.analyse.analysis.measures_maturity`:
   :func:`maturity_scores`, :func:`maturity_distribution`, :func:`maturity_components`):
   a transparent 0-100 score per company shaped like the Welfare Index PMI, its classes
   ``1W``-``5W``; a published report shows only the distribution of classes and the mean
   of each component.

3. **Outcomes** (:mod:`pipeline.analyse.analysis.measures_outcomes`:
   :func:`outcome_comparisons`): workers' work-life balance in companies with and without
   each measure, the company as the unit of replication (a calibrated randomisation test
   over companies), withheld when too few companies are on one side.
"""

from __future__ import annotations

from pipeline.analyse.analysis.measures_adoption import (
    ACTIVE,
    ADOPTION_COLUMNS,
    CHART_STATUSES,
    MIN_SIZE_CLASSES,
    N_OTHER_MEASURES,
    NO_KRUSKAL_WALLIS,
    SIZE_CLASSES,
    STATUSES,
    adoption_summary,
    adoption_table,
    all_network_members,
    charted_measures,
    measures_by_size,
    one_size_class,
    published_size_classes,
    size_contrast,
    size_gradient,
    surveyed_companies,
    welfare_area_table,
)
from pipeline.analyse.analysis.measures_maturity import (
    COVERAGE_WEIGHT,
    GOVERNANCE_ITEMS,
    MATURITY_CLASSES,
    MATURITY_CUTS,
    MATURITY_POINTS,
    REGULATION_MEASURES,
    TERRITORY_MEASURES,
    TOP_CLASSES,
    budget_reference,
    maturity_class,
    maturity_components,
    maturity_distribution,
    maturity_scores,
    maturity_summary,
    published_maturity_distribution,
)
from pipeline.analyse.analysis.measures_outcomes import (
    COMPARED_MEASURES,
    COVARIATES,
    DIFFERENCE_OUTCOME,
    OUTCOME_COLUMNS,
    OUTCOMES,
    measure_effect,
    oriented_effects,
    outcome_comparisons,
    outcome_counts,
    outcome_differences,
    significant_comparisons,
    standardised_effect,
    worker_exposure,
)

__all__ = [
    "ACTIVE",
    "ADOPTION_COLUMNS",
    "CHART_STATUSES",
    "COMPARED_MEASURES",
    "COVARIATES",
    "COVERAGE_WEIGHT",
    "DIFFERENCE_OUTCOME",
    "GOVERNANCE_ITEMS",
    "MATURITY_CLASSES",
    "MATURITY_CUTS",
    "MATURITY_POINTS",
    "MIN_SIZE_CLASSES",
    "N_OTHER_MEASURES",
    "NO_KRUSKAL_WALLIS",
    "OUTCOMES",
    "OUTCOME_COLUMNS",
    "REGULATION_MEASURES",
    "SIZE_CLASSES",
    "STATUSES",
    "TERRITORY_MEASURES",
    "TOP_CLASSES",
    "adoption_summary",
    "adoption_table",
    "all_network_members",
    "budget_reference",
    "charted_measures",
    "maturity_class",
    "maturity_components",
    "maturity_distribution",
    "maturity_scores",
    "maturity_summary",
    "measure_effect",
    "measures_by_size",
    "one_size_class",
    "oriented_effects",
    "outcome_comparisons",
    "outcome_counts",
    "outcome_differences",
    "published_maturity_distribution",
    "published_size_classes",
    "significant_comparisons",
    "size_contrast",
    "size_gradient",
    "standardised_effect",
    "surveyed_companies",
    "welfare_area_table",
    "worker_exposure",
]
