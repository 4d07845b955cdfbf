"""The design object and the Taylor-linearisation variance of design-based statistics.

What it holds: :class:`SurveyDesign` (weights, strata, PSUs and the centring units and
scale factors the variance needs) and the internal kernels every design-based estimator
of the package calls: the variance of G domain statistics at once
(``_grouped_variance``), the variance-covariance matrix of an influence matrix
(``_influence_vcov``, used by the regressions), the covariance of the shares of K
categories (``_category_shares_vcov``, used by the Rao-Scott test) and the domain degrees
of freedom (``_grouped_degf``). The designs themselves are built in
:mod:`pipeline.analyse.stats.design`.

Variance of a domain statistic
------------------------------
For a domain D (women, the workers with a valid answer, ...) the ratio estimate of a mean
is ``p = sum_D w y / sum_D w``; its linearised influence is ``z_i = w_i (y_i - p) / sum_D w``
inside D and 0 outside. Post-stratification replaces z by its residual from the cell mean
(over *all* the cell's respondents, domain or not); the variance is then the stratified
with-replacement formula with the finite population correction,
``V = sum_h (1 - n_h/N_h) n_h/(n_h - 1) sum_{i in h} (r_i - rbar_h)^2``. This is R's
``svyrecvar``. For clustered designs the influence is first summed over each PSU, and the
PSU totals are centred on their stratum's mean (R's ``onestrat``). The domain is always
estimated on the full design: rows outside it keep their place (they count in n_h and in
the cell means), they are never dropped.

A stratum whose every unit answered (``f < 1e-7``) is self-representing and contributes
0, as in R. A company with a single respondent is a stratum with one PSU, for which R's
default ``options(survey.lonely.psu = "fail")`` stops. After post-stratification the
linearised residual of such a respondent is exactly zero (its cell is the whole company),
so the options "remove", "certainty" and "adjust" all give it a variance contribution of
0: this module does the same (scale 0 for a one-PSU stratum), and the reference scripts
set ``survey.lonely.psu = "remove"``.

Degrees of freedom of a domain, as R's ``degf()`` on ``subset(design, ...)``: the PSUs
with respondents in the domain minus the strata with respondents in the domain (for the
default design: respondents minus companies).

Performance: every variance is a handful of ``np.bincount`` passes over the rows of the
domain, with no Python loop over rows, companies or groups (the needs estimates of
1,000,000 workers: ``benchmarks/bench_growth.py``).

Tests: the standard errors and df of ``tests/analyse/stats/test_design.py`` (R's
``svymean``/``svyciprop``/``degf``, ``reference/reference.R``), ``test_compare.py``
(``svyttest``), ``test_crosstab.py`` (``svychisq``) and ``test_regression.py`` (``svyglm``,
``reference/regression.R``; there ``_influence_vcov`` is also checked against
``_grouped_variance``, column by column).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SurveyDesign"]


# --------------------------------------------------------------------------------------
# The design object
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SurveyDesign:
    """A one-stage survey design ready for Taylor-linearised variances.

    Build it with :func:`~pipeline.analyse.stats.design.survey_design` (the contract's
    default), :func:`~pipeline.analyse.stats.design.cluster_design` (the sensitivity
    analysis) or :func:`~pipeline.analyse.stats.design.unweighted_design`; the fields are
    internal.

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
# Linearisation kernels (internal, shared with the other modules of the package)
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
