"""Survey design of the worker survey and design-based estimates by Taylor linearisation.

Who computes what, and why
--------------------------
Everything here is numpy and pandas; scipy only gives the t quantiles. No survey library is
used: there is none in the project's stack (statsmodels has no survey designs), samplics is
archived and its Rao-Scott test returns 0/NaN, and its successor ``svy`` pins polars
versions that conflict with it (STACK_NOTES.md). The formulas are those of R's survey
package (Lumley 2004, *J. Stat. Softw.* 9(8); Lumley 2010, *Complex Surveys*), and
``tests/stats`` checks every estimate, standard error and interval against values R
computed (``tests/analyse/stats/reference/reference.R``).

The default design (DATA_CONTRACT.md, "Survey design")
------------------------------------------------------
The population is the employees of the surveyed companies. Each company is a stratum,
with the finite population correction of its headcount N, and each respondent is a
primary sampling unit. Within a company of N employees, share of women s and n
respondents of whom o answered gender X or NR (or left it empty), the respondents are
post-stratified to the cells

- ``F``: N * s * (1 - o/n) employees,
- ``M``: N * (1 - s) * (1 - o/n),
- ``other`` (X, NR): N * o / n,

keeping only the cells that have respondents (counts are not rounded). A company where the
F or M cell has no respondent while its population is positive is post-stratified as one
cell ``all`` of N employees. Two cases the contract does not name are handled the same way,
and flagged in the ``collapsed`` column: a missing ``share_women`` (the split cannot be
computed) and a gender cell with respondents but no population (s = 0 with women
responding, or s = 1 with men responding), where R's ``postStratify`` would stop.
The weight of a respondent is N_cell / n_cell.

In R this is::

    des <- svydesign(ids = ~1, strata = ~company_id, fpc = ~N, data = d)
    des <- postStratify(des, ~cell_key, population = cells)   # cell_key = company x cell

A company with a single respondent is a stratum with one PSU, for which R's default
``options(survey.lonely.psu = "fail")`` stops. After post-stratification the linearised
residual of such a respondent is exactly zero (its cell is the whole company), so the
options "remove", "certainty" and "adjust" all give it a variance contribution of 0: this
module does the same, and the reference script sets ``survey.lonely.psu = "remove"``.

Minimum respondents per post-stratum
------------------------------------
``min_poststratum`` (of :func:`poststrat_weights`, :func:`survey_design` and
:func:`cluster_design`; default 1) extends the collapse rule: a company whose F or M cell
has at least one but fewer than ``min_poststratum`` respondents is post-stratified as one
cell ``all`` of N, exactly like a company whose F or M cell is empty (flag ``collapsed``).
Why: a post-stratum of one respondent gives that person the whole cell's weight
(N_cell / 1, easily a tenth of the company), and its linearised residual from the cell
mean is exactly zero, so the variance is blind to the most influential answer; with two
respondents the cell is barely better. Merging the company's cells trades the gender
calibration of that company (its weights then ignore ``share_women``) for weights and a
variance that rest on more than one or two answers. The ``other`` cell (X, NR) is not
subject to the rule. :data:`MIN_POSTSTRATUM` (3) is the pipeline's recommended value and
what the pipeline passes (:func:`pipeline.analyse.analysis.survey.wave_design`, which every report
uses); the functions' default stays 1, the contract's rule as written.
A design built with a threshold above 1 says so in its label.

Without the finite population correction
----------------------------------------
``survey_design(..., fpc=False)`` is the same stratified, post-stratified design with
with-replacement variances (``f_h = 1``): R's ``postStratify(svydesign(ids = ~1, strata
= ~company_id, data = d), ~cell_key, cells)``. Its standard errors are larger wherever a
company's sampling fraction n_h / N_h is not negligible; its label says "no fpc".

Variance of a domain mean
-------------------------
For a domain D (women, the workers with a valid answer, ...) the ratio estimate is
``p = sum_D w y / sum_D w``; its linearised influence is ``z_i = w_i (y_i - p) / sum_D w``
inside D and 0 outside. Post-stratification replaces z by its residual from the cell mean
(over *all* the cell's respondents, domain or not); the variance is then the stratified
with-replacement formula with the finite population correction,
``V = sum_h (1 - n_h/N_h) n_h/(n_h - 1) sum_{i in h} (r_i - rbar_h)^2``. This is R's
``svyrecvar``. The domain is always estimated on the full design: rows outside it keep
their place (they count in n_h and in the cell means), they are never dropped.

Degrees of freedom of a domain, as R's ``degf()`` on ``subset(design, ...)``: the PSUs
with respondents in the domain minus the strata with respondents in the domain (for the
default design: respondents minus companies). Means get a t interval; proportions a logit
interval ``expit(logit(p) +- t * se / (p (1 - p)))``, which is ``svyciprop(method =
"logit")`` (its ``svyglm`` standard error of the logit is exactly this delta-method one).

Design effects (``deff=True``)
-----------------------------
Kish's design effect as R's ``svymean(..., deff = TRUE)`` computes it, for each domain:
``deff = V / V_srs`` with V the design variance above and

    V_srs = (1 - n_D / W_D) * s2_D / n_D,
    s2_D = n_D / (n_D - 1) * sum_D w (y - p)^2 / W_D,

n_D the respondents of the domain, W_D = sum_D w its estimated population and s2_D the
weighted variance of y in it: the variance of a simple random sample of n_D out of W_D
without replacement. R applies that factor ``(W_D - n_D) / W_D`` whatever the design's
own fpc, so the no-fpc and the cluster designs are compared with the same reference as
the default one, and so does this module. A domain is always a domain of the full design
(``svyby`` and ``subset()`` in R give the same values). The deff is NaN when y is
constant in the domain (0 / 0; R returns rounding noise or NaN there) or n_D < 2, and
infinite when the weights add up to the sample size (``unweighted_design``: the SRS
reference is then a census; R gives Inf too). NaN if W_D < n_D (R: NA with a warning).

Korn-Graubard interval (``method="beta"``)
-----------------------------------------
``survey_proportion(..., method="beta")`` is R's ``svyciprop(method = "beta")``: the
Clopper-Pearson interval of an effective sample size,

    n_eff = p (1 - p) / V * (t_{alpha/2, n_rows - 1} / t_{alpha/2, df})^2,
    [qbeta(alpha/2, n_eff p, n_eff (1 - p) + 1), qbeta(1 - alpha/2, n_eff p + 1, n_eff (1 - p))],

df the domain's degrees of freedom. As in R, ``n_rows`` is ``nrow(design)``: for a
post-stratified (calibrated) design that is every respondent of the *whole* design,
because R's ``subset()`` of a calibrated design keeps all rows (with weight 0); for the
cluster and unweighted designs it is the domain's respondents. At p = 0 or p = 1 the
variance is 0 and R returns NA; here the effective sample size is then the domain's
respondents n_D (Korn & Graubard 1998, *Survey Methodology* 24: design effect 1), with the
same df factor, so the interval is ``[0, qbeta(1 - alpha/2, 1, n_eff)]`` at p = 0 and
``[qbeta(alpha/2, n_eff, 1), 1]`` at p = 1 (where the logit interval is NaN). With
0 < p < 1 and V = 0 (every respondent of the domain in census companies) the interval is
``[p, p]``; with df <= 0 it is NaN.

Intra-company correlation
-------------------------
:func:`intra_cluster_correlation` is the ANOVA estimator of the intraclass correlation of
a one-way random-effects model, unweighted, for unequal cluster sizes:
``(MSB - MSW) / (MSB + (n0 - 1) MSW)`` with ``n0 = (n - sum n_j^2 / n) / (K - 1)``. It is
negative when answers vary less between companies than within them (a sampling
fluctuation around a true value near 0): it is reported as computed, never truncated at 0.

The cluster (province-level) sensitivity design
-----------------------------------------------
Inference to all the province's workers treats the surveyed companies as a sample of
clusters: ``svydesign(ids = ~company_id, weights = ~w)``, with the weights above, no
strata and no finite population correction (:func:`cluster_design`). It answers a
different question, with far fewer degrees of freedom (companies - 1); label it as a
sensitivity analysis wherever it is shown.

Performance: every estimate is a handful of ``np.bincount`` passes over the rows of the
domain, with no Python loop over rows, companies or groups (1,000,000 workers in 1,000
companies: see ``tests/analyse/stats/test_design.py::test_speed_one_million``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "MIN_POSTSTRATUM",
    "SurveyDesign",
    "cluster_design",
    "intra_cluster_correlation",
    "poststrat_weights",
    "survey_design",
    "survey_mean",
    "survey_proportion",
    "unweighted_design",
]

CELLS = ("F", "M", "other", "all")
_F, _M, _OTHER, _ALL = range(4)
OTHER_GENDERS = ("X", "NR")

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

#: Recommended minimum number of respondents of an F or M post-stratum (see the module
#: docstring, "Minimum respondents per post-stratum"): the pipeline passes it as
#: ``min_poststratum``; the functions' default (1) is the contract's rule as written.
MIN_POSTSTRATUM = 3


# --------------------------------------------------------------------------------------
# The design object
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SurveyDesign:
    """A one-stage survey design ready for Taylor-linearised variances.

    Build it with :func:`survey_design` (the contract's default), :func:`cluster_design`
    (the sensitivity analysis) or :func:`unweighted_design`; the fields are internal.

    Attributes
    ----------
    index : pandas.Index
        Row labels of the data frame the design was built from; the variables passed to
        the estimators must carry the same labels.
    weights : numpy.ndarray
        Final weights (population units per respondent), float64, one per row.
    strata : numpy.ndarray
        Stratum code of each row (0 .. H-1).
    psu : numpy.ndarray or None
        PSU code of each row (0 .. K-1); ``None`` when every row is its own PSU.
    psu_stratum : numpy.ndarray or None
        Stratum of each PSU (K), when ``psu`` is given.
    units : numpy.ndarray or None
        For row-PSU designs, the code of the unit each linearised value is centred in:
        its post-stratum (nested in a stratum) or, without post-strata, its stratum.
    unit_size : numpy.ndarray
        Number of elements (rows, or PSUs) per centring unit, over the whole design.
    unit_scale : numpy.ndarray
        ``f_h n_h / (n_h - 1)`` of the stratum of each unit (0 for one-PSU strata).
    stratum_labels : pandas.Index
        Label of each stratum code (company ids for the default design).
    calibrated : bool
        True for post-stratified designs (R keeps all their rows in ``subset()``).
    label : str
        Plain-language description of the design, copied to every output row.
    """

    index: pd.Index
    weights: np.ndarray
    strata: np.ndarray
    psu: np.ndarray | None
    psu_stratum: np.ndarray | None
    units: np.ndarray | None
    unit_size: np.ndarray
    unit_scale: np.ndarray
    stratum_labels: pd.Index
    calibrated: bool
    label: str

    @property
    def n(self) -> int:
        """Number of respondents (rows) in the design."""
        return len(self.weights)

    @property
    def n_strata(self) -> int:
        """Number of strata."""
        return len(self.stratum_labels)

    def degf(self) -> int:
        """Design degrees of freedom of the full design (PSUs minus strata), as R's ``degf``."""
        n_psu = self.n if self.psu is None else len(self.psu_stratum)
        return int(n_psu - self.n_strata)


def _stratum_scale(n_psu: np.ndarray, pop: np.ndarray | None) -> np.ndarray:
    """``f n/(n-1)`` per stratum as R's ``onestrat``; 0 for strata with a single PSU."""
    n_psu = n_psu.astype(float)
    if pop is None:
        f = np.ones_like(n_psu)
    else:
        f = (pop - n_psu) / pop
        f[f < 1e-7] = 0.0  # R: all(f < 1e-7) -> self-representing stratum, variance 0
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(n_psu > 1, f * n_psu / (n_psu - 1), 0.0)
    return scale


# --------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------
def _company_positions(workers: pd.DataFrame, companies: pd.DataFrame) -> np.ndarray:
    ids = companies["company_id"]
    if ids.duplicated().any():
        dup = ids[ids.duplicated()].unique()[:5].tolist()
        raise ValueError(f"companies: duplicated company_id {dup}")
    pos = pd.Index(ids).get_indexer(workers["company_id"])
    if (pos < 0).any():
        missing = workers["company_id"][pos < 0].unique()[:5].tolist()
        raise ValueError(f"workers: company_id not in the companies table: {missing}")
    return pos


def _gender_codes(gender: pd.Series) -> np.ndarray:
    is_f = gender.eq("F").fillna(False).to_numpy(dtype=bool)
    is_m = gender.eq("M").fillna(False).to_numpy(dtype=bool)
    other = gender.isin(OTHER_GENDERS).to_numpy(dtype=bool) | gender.isna().to_numpy()
    bad = ~(is_f | is_m | other)
    if bad.any():
        raise ValueError(f"gender must be F, M, X or NR, got {gender[bad].unique()[:5].tolist()}")
    return np.where(is_f, _F, np.where(is_m, _M, _OTHER)).astype(np.int64)


def _check_min_poststratum(min_poststratum) -> int:
    if isinstance(min_poststratum, bool) or not isinstance(min_poststratum, (int, np.integer)):
        raise TypeError(f"min_poststratum must be an integer, got {min_poststratum!r}")
    if min_poststratum < 1:
        raise ValueError(f"min_poststratum must be >= 1, got {min_poststratum}")
    return int(min_poststratum)


def poststrat_weights(
    workers: pd.DataFrame, companies: pd.DataFrame, *, min_poststratum: int = 1
) -> pd.DataFrame:
    """Post-stratification weights of the worker survey, as in DATA_CONTRACT.md.

    Parameters
    ----------
    workers : pandas.DataFrame
        One row per respondent, with ``company_id`` and ``gender`` (F, M, X, NR; an empty
        gender counts as NR).
    companies : pandas.DataFrame
        The territorial mapping, with ``company_id`` (unique), ``n_employees`` (headcount
        N, >= the company's respondents) and ``share_women`` (0-1).
    min_poststratum : int
        Minimum respondents of an F or M post-stratum: a company whose F or M cell has at
        least one but fewer respondents is post-stratified as one cell ``all`` of N (flag
        ``collapsed``), as when the cell is empty. Default 1: no further collapse (the
        contract's rule); the pipeline passes :data:`MIN_POSTSTRATUM`.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``workers``, columns: ``company_id`` (the stratum), ``cell`` (F, M,
        other or all), ``weight`` (employees represented by the respondent,
        N_cell / n_cell), ``N`` (company headcount, the fpc), ``n_company`` (respondents
        of the company), ``N_cell`` (population of the cell, not rounded), ``n_cell``
        (respondents of the cell) and ``collapsed`` (True when the company was
        post-stratified as one cell of N). The weights of a company add up to its N.

    Raises
    ------
    ValueError
        Unknown company, duplicated company id, unknown gender code, missing or
        non-positive headcount, headcount below the respondents, share outside 0-1,
        ``min_poststratum`` below 1 (TypeError if it is not an integer).
    """
    k_min = _check_min_poststratum(min_poststratum)
    pos = _company_positions(workers, companies)
    used, h = np.unique(pos, return_inverse=True)
    H = len(used)
    g = _gender_codes(workers["gender"])

    headcount = companies["n_employees"].iloc[used]
    if headcount.isna().any():
        raise ValueError("companies: n_employees missing for a surveyed company")
    N = headcount.to_numpy(dtype=float)
    share = companies["share_women"].iloc[used].astype("Float64").to_numpy(
        dtype=float, na_value=np.nan
    )
    if ((share < 0) | (share > 1)).any():
        raise ValueError("companies: share_women must lie in 0-1")

    counts = np.bincount(h * 3 + g, minlength=3 * H).reshape(H, 3)
    n = counts.sum(axis=1)
    if (N <= 0).any() or (N < n).any():
        bad = companies["company_id"].iloc[used[(N <= 0) | (N < n)]].tolist()[:5]
        raise ValueError(f"n_employees below the number of respondents for {bad}")
    o = counts[:, _OTHER] / n
    pop = np.column_stack([N * share * (1 - o), N * (1 - share) * (1 - o), N * o])
    nf, nm = counts[:, _F], counts[:, _M]
    collapsed = (
        np.isnan(share)
        | ((nf == 0) & (pop[:, _F] > 0))
        | ((nm == 0) & (pop[:, _M] > 0))
        | ((nf > 0) & (pop[:, _F] <= 0))
        | ((nm > 0) & (pop[:, _M] <= 0))
        | ((nf > 0) & (nf < k_min))
        | ((nm > 0) & (nm < k_min))
    )
    cell = np.where(collapsed[h], _ALL, g)
    pop_cells = np.column_stack([pop, N])  # H x 4: F, M, other, all
    n_cells = np.column_stack([counts, n])
    N_cell = pop_cells[h, cell]
    n_cell = n_cells[h, cell]
    return pd.DataFrame(
        {
            "company_id": workers["company_id"].to_numpy(),
            "cell": pd.Categorical.from_codes(cell, categories=list(CELLS)),
            "weight": N_cell / n_cell,
            "N": N[h],
            "n_company": n[h],
            "N_cell": N_cell,
            "n_cell": n_cell,
            "collapsed": collapsed[h],
        },
        index=workers.index,
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


# --------------------------------------------------------------------------------------
# Linearisation kernels (internal)
# --------------------------------------------------------------------------------------
def _pair_index(a: np.ndarray, b: np.ndarray, B: int, A: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the pairs (a, b) and the pair key (a * B + b) of each code.

    Codes index arrays of length ``len(keys)``; keys with no pair may be included (their
    bincounts are 0), so callers must not count keys, only sums over them.
    """
    key = a * B + b
    if A * B <= 4 * len(key) + 4096:  # small key space: the key is the code
        return key, np.arange(A * B, dtype=np.int64)
    codes, keys = pd.factorize(key, sort=False)
    return codes.astype(np.int64), np.asarray(keys, dtype=np.int64)


def _grouped_variance(
    design: SurveyDesign, sel: np.ndarray, g: np.ndarray, z: np.ndarray, G: int
) -> np.ndarray:
    """Linearisation variance of G domain statistics with disjoint domains.

    ``sel`` are the rows in some domain, ``g`` their domain code (0..G-1) and ``z`` their
    influence values (0 elsewhere, implicitly). Returns the G variances (0 for every
    domain when no row is in any: the influence is 0 everywhere).
    """
    if len(sel) == 0:
        # No row in any domain (e.g. a variable nobody answered). Handled here because
        # numpy's weighted bincount of an empty array is int64, not float64.
        return np.zeros(G)
    if design.psu is None:
        unit = design.units[sel]
        elem_g = g
        v = z
    else:  # PSU totals of each domain's influence
        code, keys = _pair_index(design.psu[sel], g, G, len(design.psu_stratum))
        v = np.bincount(code, weights=z, minlength=len(keys))
        unit = design.psu_stratum[keys // G]
        elem_g = keys % G
    code, keys = _pair_index(unit, elem_g, G, len(design.unit_size))
    k_unit = keys // G
    k_g = keys % G
    n_u = design.unit_size[k_unit].astype(float)
    s1 = np.bincount(code, weights=v, minlength=len(keys))
    cnt = np.bincount(code, minlength=len(keys))
    m = s1 / n_u
    ss = np.bincount(code, weights=(v - m[code]) ** 2, minlength=len(keys))
    ss += (n_u - cnt) * m**2  # the elements of the unit outside the domain: (0 - m)^2
    return np.bincount(k_g, weights=design.unit_scale[k_unit] * ss, minlength=G)


def _psu_totals_vcov(design: SurveyDesign, T: np.ndarray) -> np.ndarray:
    """Stratified with-replacement covariance of PSU totals (one row per PSU of the
    design, zeros for PSUs without rows), each centred on its stratum's mean, times the
    stratum's ``f n/(n-1)``: R's ``onestrat`` for clustered designs."""
    h = design.psu_stratum
    H = len(design.unit_size)
    m = np.column_stack([np.bincount(h, T[:, j], minlength=H) for j in range(T.shape[1])])
    m /= design.unit_size[:, None]
    R = T - m[h]
    return (R * design.unit_scale[h][:, None]).T @ R


def _influence_vcov(
    design: SurveyDesign, Z: np.ndarray, rows: np.ndarray | None = None
) -> np.ndarray:
    """Linearisation variance-covariance matrix of p statistics with influence matrix Z.

    R: ``svyrecvar(Z, design$cluster, design$strata, design$fpc, postStrata = ...)``.

    Parameters
    ----------
    design : SurveyDesign
        The full design.
    Z : numpy.ndarray
        Influence values, ``design.n x p``, or ``len(rows) x p`` when ``rows`` is given
        (the influence of every other row is then 0).
    rows : numpy.ndarray of int, optional
        Positions in the design of the rows of ``Z``.

    Returns
    -------
    numpy.ndarray
        p x p matrix. Rows of zero influence keep their place: they count in the
        post-stratum (or stratum) means and in the number of PSUs of their stratum.
    """
    Z = np.asarray(Z, dtype=float)
    if Z.ndim == 1:
        Z = Z[:, None]
    p = Z.shape[1]
    if rows is None:
        rows = np.arange(design.n)
    if len(rows) == 0:
        return np.zeros((p, p))
    if design.psu is None:
        # every row is a PSU; centre within its post-stratum (or stratum) "unit"
        unit = design.units[rows]
        U = len(design.unit_size)
        n_u = design.unit_size.astype(float)
        S = np.column_stack([np.bincount(unit, Z[:, j], minlength=U) for j in range(p)])
        cnt = np.bincount(unit, minlength=U)
        m = S / n_u[:, None]
        R = Z - m[unit]
        scale = design.unit_scale
        V = (R * scale[unit][:, None]).T @ R
        # the unit's rows of influence 0 (outside the domain): (0 - m)(0 - m)'
        V += (m * (scale * (n_u - cnt))[:, None]).T @ m
    else:
        # PSU totals (every PSU of the design, zeros for those without rows used)
        K = len(design.psu_stratum)
        psu = design.psu[rows]
        T = np.column_stack([np.bincount(psu, Z[:, j], minlength=K) for j in range(p)])
        V = _psu_totals_vcov(design, T)
    return (V + V.T) / 2


def _category_shares_vcov(
    design: SurveyDesign, sel: np.ndarray, cat: np.ndarray, K: int
) -> tuple[np.ndarray, np.ndarray]:
    """Shares of K categories in one domain and their linearisation covariance matrix.

    ``sel``: rows of the domain; ``cat``: their category (0..K-1). The covariance of the
    influence matrix ``w_i (e_cat(i) - P) / W`` (R: ``svymean`` of the indicator
    matrix), without building that n x K matrix: every row sum it needs is a bincount
    over (unit, category) pairs.
    """
    w = design.weights[sel]
    W = w.sum()
    P = np.bincount(cat, weights=w, minlength=K) / W
    if design.psu is None:
        unit = design.units[sel]
        U = len(design.unit_size)
        a1 = np.bincount(unit * K + cat, weights=w, minlength=U * K).reshape(U, K)
        a2 = np.bincount(unit * K + cat, weights=w * w, minlength=U * K).reshape(U, K)
        s1 = a1.sum(axis=1)
        s2 = a2.sum(axis=1)  # sum of w^2 per unit
        n_u = design.unit_size.astype(float)
        m = (a1 - s1[:, None] * P) / W / n_u[:, None]  # unit means of the influence
        scale = design.unit_scale
        # sum over the unit's rows of Z Z' = (diag(A2) - A2 P' - P A2' + s2 P P') / W^2
        B = a2.T @ scale  # K
        V = (np.diag(B) - np.outer(B, P) - np.outer(P, B) + (scale @ s2) * np.outer(P, P))
        V /= W * W
        V -= (m * (scale * n_u)[:, None]).T @ m
    else:
        Kp = len(design.psu_stratum)
        psu = design.psu[sel]
        a1 = np.bincount(psu * K + cat, weights=w, minlength=Kp * K).reshape(Kp, K)
        T = (a1 - a1.sum(axis=1)[:, None] * P) / W  # PSU totals of the influence
        V = _psu_totals_vcov(design, T)
    return P, V


def _n_distinct_by_group(a: np.ndarray, g: np.ndarray, G: int, A: int) -> np.ndarray:
    """Number of distinct values of ``a`` (0..A-1) in each group g (0..G-1)."""
    code, keys = _pair_index(a, g, G, A)
    present = np.bincount(code, minlength=len(keys)) > 0
    return np.bincount(keys[present] % G, minlength=G)


def _grouped_degf(design: SurveyDesign, sel: np.ndarray, g: np.ndarray, G: int) -> np.ndarray:
    """R's ``degf()`` of each domain: PSUs with respondents minus strata with respondents."""
    n_strata = _n_distinct_by_group(design.strata[sel], g, G, design.n_strata)
    if design.psu is None:
        n_psu = np.bincount(g, minlength=G)
    else:
        n_psu = _n_distinct_by_group(design.psu[sel], g, G, len(design.psu_stratum))
    return n_psu - n_strata


# --------------------------------------------------------------------------------------
# Input handling (internal, shared with the other modules of the package)
# --------------------------------------------------------------------------------------
def _as_series(design: SurveyDesign, values, name: str) -> pd.Series:
    """Align a variable with the design's rows (same labels, any order) or check its length."""
    if isinstance(values, pd.Series):
        if values.index.equals(design.index):
            return values
        if len(values) == design.n and values.index.sort_values().equals(
            design.index.sort_values()
        ):
            return values.reindex(design.index)
        raise ValueError(f"{name}: index does not match the design's rows")
    arr = np.asarray(values)
    if arr.ndim != 1 or len(arr) != design.n:
        raise ValueError(f"{name}: expected {design.n} values, got shape {arr.shape}")
    return pd.Series(values, index=design.index)


def _to_float(s: pd.Series, name: str) -> np.ndarray:
    if isinstance(s.dtype, pd.CategoricalDtype):
        raise TypeError(f"{name}: expected numbers, got a categorical")
    try:
        return s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name}: expected numbers or booleans") from err


def _domain_mask(design: SurveyDesign, domain) -> np.ndarray:
    if domain is None:
        return np.ones(design.n, dtype=bool)
    d = _as_series(design, domain, "domain")
    return d.astype("boolean").fillna(False).to_numpy(dtype=bool)


def _group_codes(design: SurveyDesign, by) -> tuple[np.ndarray, pd.Index, str | None]:
    """Codes 0..G-1 of the levels of ``by`` (-1 for missing); ``None`` -> one group 'all'."""
    if by is None:
        return np.zeros(design.n, dtype=np.int64), pd.Index(["all"]), None
    s = _as_series(design, by, "by")
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy().astype(np.int64)
        levels = pd.Index(s.cat.categories)
    else:
        codes, levels = pd.factorize(s, sort=True)
        codes = codes.astype(np.int64)
    return codes, pd.Index(levels), (str(s.name) if s.name is not None else "by")


def _tq(level: float, df) -> np.ndarray:
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(df > 0, stats.t.ppf(0.5 + level / 2, np.where(df > 0, df, 1)), np.nan)


# --------------------------------------------------------------------------------------
# Estimators
# --------------------------------------------------------------------------------------
def _domain_means(design: SurveyDesign, y: np.ndarray, valid: np.ndarray, codes, G: int):
    """Estimates, variances, counts and df of the mean of y in each group's domain."""
    g_all = np.where(valid, codes, -1)
    sel = np.flatnonzero(g_all >= 0)
    g = g_all[sel]
    ys = y[sel]
    ws = design.weights[sel]
    # float even when no row is valid (a weighted bincount of nothing is int64)
    W = np.bincount(g, weights=ws, minlength=G).astype(float)
    T = np.bincount(g, weights=ws * ys, minlength=G).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = T / W
        z = ws * (ys - est[g]) / W[g]
    var = _grouped_variance(design, sel, g, z, G)
    n = np.bincount(g, minlength=G)
    df = _grouped_degf(design, sel, g, G)
    var = np.where(n > 0, var, np.nan)
    return est, var, n, df, W


def _domain_deff(design: SurveyDesign, y, valid, codes, G: int, est, var, n, W) -> np.ndarray:
    """R's ``svymean(..., deff = TRUE)`` of each group's domain (module docstring).

    ``deff = V / ((W - n) / (W n) * s2)``, s2 the weighted variance of y in the domain with
    the factor n / (n - 1) (R's ``svyvar``); NaN for W < n, where R warns and gives NA.
    """
    g_all = np.where(valid, codes, -1)
    sel = np.flatnonzero(g_all >= 0)
    g = g_all[sel]
    ws = design.weights[sel]
    with np.errstate(invalid="ignore", divide="ignore"):
        ss = np.bincount(g, weights=ws * (y[sel] - est[g]) ** 2, minlength=G).astype(float)
        nf = n.astype(float)
        s2 = nf / (nf - 1) * ss / W
        vsrs = s2 * (W - nf) / (W * nf)
        deff = var / vsrs
    return np.where((n > 0) & (W >= n), deff, np.nan)


def _frame(variable, by_name, levels, est, se, lo, hi, df, n, W, method, design, keep,
           deff=None):
    extra = {} if deff is None else {"deff": deff}
    out = pd.DataFrame(
        {
            "variable": variable,
            "by": by_name,
            "group": levels,
            "estimate": est,
            "se": se,
            "ci_low": lo,
            "ci_high": hi,
            "df": df.astype(float),
            "n": n.astype(np.int64),
            "weighted_n": W,
            **extra,
            "method": method,
            "design": design.label,
        }
    )
    return out.loc[keep].reset_index(drop=True)


def survey_mean(
    design: SurveyDesign,
    y,
    *,
    by=None,
    domain=None,
    level: float = 0.95,
    deff: bool = False,
) -> pd.DataFrame:
    """Design-based mean of a numeric variable, overall or for each level of ``by``.

    Parameters
    ----------
    design : SurveyDesign
        From :func:`survey_design` (default), :func:`cluster_design` or
        :func:`unweighted_design`.
    y : pandas.Series or array-like
        Numeric values, aligned with the design's rows (same index). Missing values
        (NA) are outside the domain: the mean is among the valid answers, as R's
        ``svymean(~y, subset(des, !is.na(y)))``.
    by : pandas.Series or array-like, optional
        Grouping variable: one domain estimate per observed level (rows where it is
        missing are in no group). R: ``svyby(~y, ~by, ..., svymean)``.
    domain : boolean pandas.Series or array-like, optional
        Restricts the estimate to a domain (NA counts as False), on the full design.
    level : float
        Confidence level of the interval.
    deff : bool
        Add a ``deff`` column (after ``weighted_n``): Kish's design effect as R's
        ``svymean(~y, design, deff = TRUE)``, ``V / ((1 - n/W) s2 / n)`` with s2 the
        weighted variance of y in the domain (module docstring, "Design effects").

    Returns
    -------
    pandas.DataFrame
        One row per group: ``variable``, ``by``, ``group`` ("all" without ``by``),
        ``estimate`` (in the unit of y), ``se``, ``ci_low``/``ci_high`` (mean +- t * se
        with ``df`` degrees of freedom; NaN when df <= 0), ``df`` (respondents minus
        strata with respondents in the domain, R's ``degf``), ``n`` (unweighted
        respondents in the domain), ``weighted_n`` (estimated population of the domain),
        ``method`` and ``design``. A domain with no valid value (a question nobody
        answered, an empty ``domain``) is not an error: without ``by`` its row has
        ``estimate``, ``se``, ``ci_low`` and ``ci_high`` NaN, ``n`` 0, ``df`` 0 and
        ``weighted_n`` 0; with ``by``, a group without valid values has no row (so no
        valid value at all gives an empty frame with these columns).
    """
    ys = _as_series(design, y, "y")
    yv = _to_float(ys, "y")
    valid = ~np.isnan(yv) & _domain_mask(design, domain)
    codes, levels, by_name = _group_codes(design, by)
    G = len(levels)
    est, var, n, df, W = _domain_means(design, yv, valid, codes, G)
    se = np.sqrt(var)
    q = _tq(level, df)
    method = "mean; Taylor linearisation; t interval, df = respondents - strata in domain"
    keep = n > 0 if by is not None else np.ones(G, dtype=bool)
    d = _domain_deff(design, yv, valid, codes, G, est, var, n, W) if deff else None
    return _frame(
        ys.name, by_name, levels, est, se, est - q * se, est + q * se, df, n, W, method,
        design, keep, d,
    )


def _logit_ci(p, se, q):
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = (p > 0) & (p < 1)
        lp = np.log(p / (1 - p))
        half = q * se / (p * (1 - p))
        lo = np.where(inner, 1 / (1 + np.exp(-(lp - half))), np.nan)
        hi = np.where(inner, 1 / (1 + np.exp(-(lp + half))), np.nan)
    return lo, hi


def _beta_ci(design: SurveyDesign, p, var, n, df, level):
    """Korn-Graubard interval as R's ``svyciprop(method = "beta")`` (module docstring).

    ``n_rows`` is R's ``nrow(design)``: all the design's rows for a calibrated design
    (R's ``subset()`` keeps them), the domain's respondents otherwise. At p = 0 or 1
    (where R gives NA) the effective sample size is the domain's n (design effect 1).
    """
    alpha = 1 - level
    nf = n.astype(float)
    n_rows = np.full_like(nf, design.n) if design.calibrated else nf
    dff = np.asarray(df, dtype=float)
    ok = (dff > 0) & (n_rows > 1) & (n > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (
            stats.t.ppf(alpha / 2, np.where(ok, n_rows - 1, 1))
            / stats.t.ppf(alpha / 2, np.where(ok, dff, 1))
        ) ** 2
        zero, one = p == 0, p == 1
        inner = ~zero & ~one
        n_eff = np.where(inner, p * (1 - p) / var, nf) * ratio
        a_lo, b_lo = n_eff * p, n_eff * (1 - p) + 1
        a_hi, b_hi = n_eff * p + 1, n_eff * (1 - p)
        lo = stats.beta.ppf(alpha / 2, np.where(zero, 1, a_lo), b_lo)
        hi = stats.beta.ppf(1 - alpha / 2, a_hi, np.where(one, 1, b_hi))
    lo = np.where(zero, 0.0, lo)
    hi = np.where(one, 1.0, hi)
    degenerate = inner & (var == 0)  # census domain: no sampling variance
    lo = np.where(degenerate, p, lo)
    hi = np.where(degenerate, p, hi)
    bad = ~ok | np.isnan(p)
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)


_PROPORTION_METHODS = {
    "logit": "proportion; Taylor linearisation; logit interval with t, df = respondents - strata",
    "beta": (
        "proportion; Taylor linearisation; Korn-Graubard (beta) interval, effective n "
        "adjusted by t quantiles, df = respondents - strata"
    ),
}


def survey_proportion(
    design: SurveyDesign,
    y,
    *,
    by=None,
    domain=None,
    level: float = 0.95,
    method: str = "logit",
    deff: bool = False,
) -> pd.DataFrame:
    """Design-based proportion of a yes/no variable with a logit confidence interval.

    The needs table of the project is ``survey_proportion(des, workers[col] >= 3,
    by=workers["gender"])``: the weighted share of workers rating a measure 3 or 4 among
    those with a valid 1-4 answer (a comparison with NA stays NA, so "don't know" and
    missing answers are outside the domain). See also :func:`pipeline.analyse.stats.likert.top_box`.

    Parameters
    ----------
    design : SurveyDesign
        The design.
    y : pandas.Series or array-like
        Booleans or 0/1, aligned with the design's rows; NA = not in the domain.
    by : pandas.Series or array-like, optional
        Grouping variable, one domain estimate per observed level.
    domain : boolean pandas.Series or array-like, optional
        Further restriction of the domain (NA counts as False).
    level : float
        Confidence level.
    method : {"logit", "beta"}
        Confidence interval. "logit" (default): ``expit(logit(p) +- t_df * se /
        (p (1-p)))``, R's ``svyciprop(method = "logit")`` on the domain; NaN when p is 0
        or 1 (the logit is infinite). "beta": Korn-Graubard, R's ``svyciprop(method =
        "beta")``, also defined at p = 0 (``[0, upper]``) and p = 1 (``[lower, 1]``),
        where R gives NA (module docstring, "Korn-Graubard interval").
    deff : bool
        Add a ``deff`` column, as :func:`survey_mean` (R's ``svymean(deff = TRUE)``);
        NaN when p is 0 or 1.

    Returns
    -------
    pandas.DataFrame
        As :func:`survey_mean`, with ``estimate`` a proportion (0-1) and ``ci_low``/
        ``ci_high`` by ``method``. Either interval is NaN when df <= 0. No valid value in
        the domain: as :func:`survey_mean` (NaN estimate and interval, ``n`` 0).

    Raises
    ------
    ValueError
        If ``y`` has values other than 0/1 (booleans), or ``method`` is unknown.
    """
    ys = _as_series(design, y, "y")
    yv = _to_float(ys, "y")
    groups = _group_codes(design, by)
    return _proportion(design, yv, ys.name, groups, _domain_mask(design, domain), level,
                       method=method, deff=deff)


def _proportion(design, yv, name, groups, dom, level, *, method: str = "logit",
                deff: bool = False) -> pd.DataFrame:
    """Core of :func:`survey_proportion` on numpy inputs (codes computed once by callers)."""
    if method not in _PROPORTION_METHODS:
        raise ValueError(f"survey_proportion: method must be 'logit' or 'beta', got {method!r}")
    ok = np.isnan(yv) | (yv == 0) | (yv == 1)
    if not ok.all():
        raise ValueError("survey_proportion: y must be boolean or 0/1 (NA allowed)")
    codes, levels, by_name = groups
    valid = ~np.isnan(yv) & dom
    G = len(levels)
    est, var, n, df, W = _domain_means(design, yv, valid, codes, G)
    se = np.sqrt(var)
    if method == "logit":
        lo, hi = _logit_ci(est, se, _tq(level, df))
    else:
        lo, hi = _beta_ci(design, est, var, n, df, level)
    keep = n > 0 if by_name is not None else np.ones(G, dtype=bool)
    d = _domain_deff(design, yv, valid, codes, G, est, var, n, W) if deff else None
    return _frame(name, by_name, levels, est, se, lo, hi, df, n, W,
                  _PROPORTION_METHODS[method], design, keep, d)


# --------------------------------------------------------------------------------------
# Intra-company correlation
# --------------------------------------------------------------------------------------
def intra_cluster_correlation(y, cluster) -> pd.DataFrame:
    """Intraclass correlation of y within clusters (companies): ANOVA estimator, unweighted.

    One-way random-effects model with unequal cluster sizes:

        ICC = (MSB - MSW) / (MSB + (n0 - 1) MSW),   n0 = (n - sum_j n_j^2 / n) / (K - 1),

    MSB and MSW the between- and within-cluster mean squares (R's
    ``anova(aov(y ~ factor(cluster)))``), n the valid answers, n_j those of cluster j and K
    the clusters with at least one. Rows with y or cluster missing are dropped; clusters of
    one answer count (in K, n and MSB). No weights: it describes how alike the respondents
    of a company are, for instance to gauge the design effect ``1 + (n0 - 1) ICC`` of a
    clustered sample.

    The estimate is NEGATIVE when answers vary less between clusters than expected from
    the variation within them; that is a sampling fluctuation around a true value near 0
    (or a genuine "competition" effect), and it is returned as computed, never truncated
    at 0: truncate for display if needed and say so.

    Parameters
    ----------
    y : pandas.Series or array-like
        Numeric (or boolean) values.
    cluster : pandas.Series or array-like
        Cluster label of each value (e.g. ``workers["company_id"]``): the same length, and
        the same index labels when both are Series (any order).

    Returns
    -------
    pandas.DataFrame
        One row: ``variable`` (the name of y), ``estimate`` (NaN with fewer than 2
        clusters, no within-cluster degrees of freedom or no variation at all), ``n``
        (valid answers), ``n_clusters`` (K), ``mean_cluster_size`` (n / K), ``n0`` (the
        adjusted cluster size above), ``msb``, ``msw`` and ``method``.
    """
    name = y.name if isinstance(y, pd.Series) else None
    if isinstance(y, pd.Series) and isinstance(cluster, pd.Series):
        if not cluster.index.equals(y.index):
            if len(cluster) != len(y) or not cluster.index.sort_values().equals(
                y.index.sort_values()
            ):
                raise ValueError("cluster: index does not match y's")
            cluster = cluster.reindex(y.index)
    ys = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y))
    cl = cluster if isinstance(cluster, pd.Series) else pd.Series(np.asarray(cluster))
    if len(cl) != len(ys):
        raise ValueError(f"cluster: expected {len(ys)} values, got {len(cl)}")
    yv = _to_float(ys, "y")
    codes, _ = pd.factorize(cl.to_numpy(), use_na_sentinel=True)
    keep = ~np.isnan(yv) & (codes >= 0)
    yv = yv[keep]
    c, _ = pd.factorize(codes[keep], sort=True)
    n = len(yv)
    K = int(c.max()) + 1 if n else 0
    n_j = np.bincount(c, minlength=K).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.bincount(c, weights=yv, minlength=K) / n_j
        grand = yv.mean() if n else np.nan
        ssb = float(np.sum(n_j * (means - grand) ** 2))
        ssw = float(np.sum((yv - means[c]) ** 2))
        msb = ssb / (K - 1) if K > 1 else np.nan
        msw = ssw / (n - K) if n > K else np.nan
        n0 = (n - np.sum(n_j**2) / n) / (K - 1) if K > 1 else np.nan
        den = msb + (n0 - 1) * msw
        icc = (msb - msw) / den if den != 0 else np.nan
    return pd.DataFrame(
        {
            "variable": [name],
            "estimate": [float(icc)],
            "n": [n],
            "n_clusters": [K],
            "mean_cluster_size": [n / K if K else np.nan],
            "n0": [float(n0)],
            "msb": [float(msb)],
            "msw": [float(msw)],
            "method": [
                "intraclass correlation, ANOVA estimator (one-way random effects, n0 for "
                "unequal cluster sizes); unweighted; may be negative, not truncated"
            ],
        }
    )
