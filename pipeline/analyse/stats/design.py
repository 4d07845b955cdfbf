"""Survey designs of the worker survey; the entry point of design-based estimation.

What it holds: the three design constructors, :func:`survey_design` (the contract's
default), :func:`cluster_design` (the sensitivity analysis) and :func:`unweighted_design`,
with their labels. It also re-exports the names this module has always offered, so that
``from pipeline.analyse.stats.design import ...`` keeps working:
:class:`~pipeline.analyse.stats.linearisation.SurveyDesign`,
:func:`~pipeline.analyse.stats.weights.poststrat_weights` and
:data:`~pipeline.analyse.stats.weights.MIN_POSTSTRATUM`,
:func:`~pipeline.analyse.stats.estimates.survey_mean`,
:func:`~pipeline.analyse.stats.estimates.survey_proportion` and
:func:`~pipeline.analyse.stats.design_effects.intra_cluster_correlation`.

The design-based modules, bottom to top:

- :mod:`~pipeline.analyse.stats.weights`: post-stratification weights (cells, collapse
  rule, minimum respondents per post-stratum);
- :mod:`~pipeline.analyse.stats.linearisation`: the design object and the Taylor
  linearisation variance kernels, domain degrees of freedom;
- :mod:`~pipeline.analyse.stats.inputs`: aligning variables, domains and groups with a
  design's rows;
- :mod:`~pipeline.analyse.stats.intervals`: t, logit and Korn-Graubard intervals;
- :mod:`~pipeline.analyse.stats.design_effects`: Kish's design effects, intra-company
  correlation;
- :mod:`~pipeline.analyse.stats.estimates`: means and proportions of domains;
- this module: the designs.

Who computes what, and why
--------------------------
Everything is numpy and pandas; scipy only gives the t and beta quantiles. No survey
library is used: there is none in the project's stack (statsmodels has no survey designs),
samplics is archived and its Rao-Scott test returns 0/NaN, and its successor ``svy`` pins
polars versions that conflict with it (STACK_NOTES.md). The formulas are those of R's
survey package (Lumley 2004, *J. Stat. Softw.* 9(8); Lumley 2010, *Complex Surveys*), and
``tests/analyse/stats`` checks every estimate, standard error and interval against values
R computed (``tests/analyse/stats/reference/reference.R`` and ``design_extras.R``).

The default design (DATA_CONTRACT.md, "Survey design")
------------------------------------------------------
The population is the employees of the surveyed companies. Each company is a stratum,
with the finite population correction of its headcount N, and each respondent is a
primary sampling unit. The respondents are post-stratified to company x gender cells
(:mod:`pipeline.analyse.stats.weights`: F, M and other, collapsed to one cell ``all`` of
N where the contract's rule says so, optionally with a minimum of respondents per
post-stratum). In R this is::

    des <- svydesign(ids = ~1, strata = ~company_id, fpc = ~N, data = d)
    des <- postStratify(des, ~cell_key, population = cells)   # cell_key = company x cell

A company with a single respondent is a stratum with one PSU; its variance contribution is
0, as R's ``survey.lonely.psu = "remove"`` (:mod:`pipeline.analyse.stats.linearisation`).

Without the finite population correction
----------------------------------------
``survey_design(..., fpc=False)`` is the same stratified, post-stratified design with
with-replacement variances (``f_h = 1``): R's ``postStratify(svydesign(ids = ~1, strata
= ~company_id, data = d), ~cell_key, cells)``. Its standard errors are larger wherever a
company's sampling fraction n_h / N_h is not negligible; its label says "no fpc".

The cluster (province-level) sensitivity design
-----------------------------------------------
Inference to all the province's workers treats the surveyed companies as a sample of
clusters: ``svydesign(ids = ~company_id, weights = ~w)``, with the weights above, no
strata and no finite population correction (:func:`cluster_design`). It answers a
different question, with far fewer degrees of freedom (companies - 1); label it as a
sensitivity analysis wherever it is shown.

Tests: ``tests/analyse/stats/test_design.py`` (the designs and their estimates against R's
survey package, ``reference/reference.R``: default and cluster designs, the unweighted
design as a simple random sample) and ``test_design_extras.py`` (the design without fpc
and the minimum-post-stratum rule against ``reference/design_extras.R``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipeline.analyse.stats.design_effects import intra_cluster_correlation
from pipeline.analyse.stats.estimates import stratum_complements, survey_mean, survey_proportion
from pipeline.analyse.stats.linearisation import SurveyDesign, _stratum_scale
from pipeline.analyse.stats.weights import CELLS, MIN_POSTSTRATUM, poststrat_weights

__all__ = [
    "MIN_POSTSTRATUM",
    "SurveyDesign",
    "cluster_design",
    "intra_cluster_correlation",
    "poststrat_weights",
    "stratum_complements",
    "survey_design",
    "survey_mean",
    "survey_proportion",
    "unweighted_design",
]

DEFAULT_DESIGN_LABEL = (
    "stratified by company (fpc = headcount), post-stratified to company x gender cells"
)
CLUSTER_DESIGN_LABEL = (
    "SENSITIVITY: companies as sampled clusters (ids = company, weights), no fpc"
)
UNWEIGHTED_DESIGN_LABEL = "unweighted simple random sample, no fpc"
NOFPC_DESIGN_LABEL = (
    "stratified by company (no fpc: with-replacement variance), post-stratified to "
    "company x gender cells"
)


# --------------------------------------------------------------------------------------
# Design constructors
# --------------------------------------------------------------------------------------
def _min_ps_label(label: str, min_poststratum: int) -> str:
    if min_poststratum <= 1:
        return label
    return (
        f"{label}; companies with an F or M cell of fewer than {min_poststratum} "
        "respondents post-stratified as one cell"
    )


def survey_design(
    workers: pd.DataFrame,
    companies: pd.DataFrame,
    *,
    fpc: bool = True,
    min_poststratum: int = 1,
) -> SurveyDesign:
    """The contract's default design: company strata with fpc, post-stratified by gender.

    Parameters
    ----------
    workers, companies : pandas.DataFrame
        As for :func:`poststrat_weights`. The design covers every row of ``workers``;
        estimate subgroups as domains (``domain=``/``by=``), never by subsetting first.
    fpc : bool
        True (default): finite population correction by company headcount. False: the
        same design with with-replacement variances (labelled "no fpc"), R's
        ``postStratify(svydesign(ids=~1, strata=~company_id), ~cell_key, pop)``.
    min_poststratum : int
        Minimum respondents of an F or M post-stratum, see :func:`poststrat_weights`
        (default 1; the pipeline passes :data:`MIN_POSTSTRATUM`).

    Returns
    -------
    SurveyDesign
        R: ``postStratify(svydesign(ids=~1, strata=~company_id, fpc=~N), ~cell_key, pop)``.
    """
    pw = poststrat_weights(workers, companies, min_poststratum=min_poststratum)
    strata, labels = pd.factorize(pw["company_id"], sort=True)
    strata = strata.astype(np.int64)
    H = len(labels)
    n_h = np.bincount(strata, minlength=H)
    N_h = np.zeros(H)
    N_h[strata] = pw["N"].to_numpy()
    key = strata * len(CELLS) + pw["cell"].cat.codes.to_numpy().astype(np.int64)
    units, unit_keys = pd.factorize(key, sort=True)
    units = units.astype(np.int64)
    unit_size = np.bincount(units)
    unit_stratum = np.asarray(unit_keys) // len(CELLS)
    return SurveyDesign(
        index=workers.index,
        weights=pw["weight"].to_numpy(dtype=float),
        strata=strata,
        psu=None,
        psu_stratum=None,
        units=units,
        unit_size=unit_size,
        unit_scale=_stratum_scale(n_h, N_h if fpc else None)[unit_stratum],
        stratum_labels=pd.Index(labels),
        calibrated=True,
        label=_min_ps_label(DEFAULT_DESIGN_LABEL if fpc else NOFPC_DESIGN_LABEL,
                            int(min_poststratum)),
    )


def cluster_design(
    workers: pd.DataFrame, companies: pd.DataFrame, *, min_poststratum: int = 1
) -> SurveyDesign:
    """SENSITIVITY design: surveyed companies as a sample of clusters of the province.

    The weights are those of :func:`poststrat_weights`, used as fixed sampling weights;
    one stratum, companies as PSUs, no finite population correction. R:
    ``svydesign(ids = ~company_id, weights = ~w, data = d)``. The variance is the
    with-replacement between-company variance, with companies - 1 degrees of freedom.

    Parameters
    ----------
    workers, companies : pandas.DataFrame
        As for :func:`poststrat_weights`.
    min_poststratum : int
        Minimum respondents of an F or M post-stratum for the weights, see
        :func:`poststrat_weights` (default 1).

    Returns
    -------
    SurveyDesign
        Weights in employees per respondent, companies as PSUs of one stratum, not
        calibrated; labelled "SENSITIVITY" (:data:`CLUSTER_DESIGN_LABEL`).
    """
    pw = poststrat_weights(workers, companies, min_poststratum=min_poststratum)
    psu, _ = pd.factorize(pw["company_id"], sort=True)
    psu = psu.astype(np.int64)
    K = int(psu.max()) + 1 if len(psu) else 0
    return SurveyDesign(
        index=workers.index,
        weights=pw["weight"].to_numpy(dtype=float),
        strata=np.zeros(len(psu), dtype=np.int64),
        psu=psu,
        psu_stratum=np.zeros(K, dtype=np.int64),
        units=None,
        unit_size=np.array([K]),
        unit_scale=_stratum_scale(np.array([K]), None),
        stratum_labels=pd.Index(["all"]),
        calibrated=False,
        label=_min_ps_label(CLUSTER_DESIGN_LABEL, int(min_poststratum)),
    )


def unweighted_design(index: pd.Index | Sequence | int) -> SurveyDesign:
    """Equal weights, one stratum, every row a PSU, no fpc: R's ``svydesign(ids=~1, data=d)``.

    For data with no design (the company questionnaire, a quick unweighted look); the
    variance of a mean is then ``s^2 / n`` and a proportion's logit interval uses n - 1
    degrees of freedom.

    Parameters
    ----------
    index : pandas.Index, sequence of labels, or int
        Row labels of the data (an int n means ``RangeIndex(n)``).

    Returns
    -------
    SurveyDesign
        Weight 1 per row (estimates describe the respondents, not a population), one
        stratum, every row its own PSU.
    """
    if isinstance(index, int):
        index = pd.RangeIndex(index)
    index = pd.Index(index)
    n = len(index)
    return SurveyDesign(
        index=index,
        weights=np.ones(n),
        strata=np.zeros(n, dtype=np.int64),
        psu=None,
        psu_stratum=None,
        units=np.zeros(n, dtype=np.int64),
        unit_size=np.array([n]),
        unit_scale=_stratum_scale(np.array([n]), None),
        stratum_labels=pd.Index(["all"]),
        calibrated=False,
        label=UNWEIGHTED_DESIGN_LABEL,
    )

