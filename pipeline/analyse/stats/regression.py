"""Survey-weighted regression: the equivalent of R survey's ``svyglm`` (gaussian and
quasibinomial), on any :mod:`pipeline.analyse.stats.design` design.

Who computes what, and why
--------------------------
numpy and pandas only (scipy for the t distribution): statsmodels has no survey designs
(its ``WLS``/``GLM`` give the coefficients but not the design-based variance). The
formulas are those of R's survey package 4.1-1 (``svyglm.survey.design``,
``svy.varcoef``, ``svyrecvar``; Binder 1983, Lumley 2010 ch. 5), and
``tests/analyse/stats/test_regression.py`` checks every number against values R computed
(``tests/analyse/stats/reference/regression.R``).

- Coefficients: weighted least squares (gaussian, identity link) or the weighted
  logistic likelihood solved by Newton/IRLS (quasibinomial, logit link), the weights
  being the design weights. Their point estimates do not depend on how the weights are
  scaled.
- Variance (Binder's sandwich): the influence of row i is
  ``z_i = w_i (y_i - mu_i) x_i' A^-1`` with ``A = sum_i w_i v(mu_i) x_i x_i'`` (v = 1 for
  gaussian, mu (1 - mu) for logit), which is R's ``estfun %*% solve(information)``; its
  linearisation variance-covariance on the design is R's ``svyrecvar``: post-stratified
  designs first replace z by its residual from the post-stratum means (over all the
  cell's respondents), then the stratified with-replacement formula with the finite
  population correction, ``V = sum_h f_h n_h/(n_h - 1) sum_{PSU j in h} (z_hj - zbar_h)
  (z_hj - zbar_h)'``; a stratum with one PSU contributes 0 (``survey.lonely.psu =
  "remove"``, see :mod:`pipeline.analyse.stats.linearisation`), a stratum with
  ``f < 1e-7`` (every employee answered) contributes 0.
- Domains: rows outside the domain (``domain`` False, or a missing outcome or term) have
  influence 0 but keep their place in the design: they count in n_h and in the
  post-stratum means. This is what R does for every design type, by two routes:
  ``svyglm`` subsets the design to the complete cases (``design[-na.action, ]``) and, for
  a domain, the user passes ``subset(design, ...)``. On a calibrated (post-stratified)
  design R keeps all rows with weight 0 (``prob = Inf``); on the other designs it drops
  the rows but each stratum keeps its original number of PSUs (``fpc$sampsize``) and
  ``onestrat`` pads the missing PSUs with zeros, which is the same variance. The design's
  ``calibrated`` flag therefore changes nothing here.
- Degrees of freedom: R's ``df.residual = degf(domain) + 1 - p``, where ``degf`` counts
  the PSUs minus the strata with rows of non-zero weight in the domain (for the default
  design: respondents used - companies with respondents used; cluster design: companies
  used - 1) and p is the number of coefficients. ``summary.svyglm`` gives t p-values with
  it; ``confint.svyglm`` (survey 4.1-1, ``method = "Wald"``, ``ddf = NULL``) uses the same
  df, so the intervals here are ``estimate +- t_{df} se``. (``confint(fit, ddf = Inf)``
  would give normal intervals; ``regression.R`` records them as ``z_ci_*``, unused.)
  With df <= 0 the p-value and the interval are NaN.

Performance: a few matrix products and ``np.bincount`` passes over the rows used, one per
coefficient, and no Python loop over rows or companies: 1,000,000 rows in 1,000
companies with 7 coefficients take about 0.3 s for a gaussian fit and 0.7 s for a
logistic one (plus about 1 s to build the design).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import linalg, special, stats

from pipeline.analyse.stats.clustered import model_matrix
from pipeline.analyse.stats.inputs import _as_series, _domain_mask, _to_float
from pipeline.analyse.stats.intervals import _tq
from pipeline.analyse.stats.linearisation import (
    SurveyDesign,
    _grouped_degf,
    _influence_vcov,
    _n_distinct_by_group,
)

__all__ = ["survey_regression"]

FAMILIES = ("gaussian", "quasibinomial")
_COLLINEAR_TOL = 1e-7  # as R's qr(): a column whose residual norm is below 1e-7 of its norm
_IRLS_TOL = 1e-11
_IRLS_MAXIT = 100


# --------------------------------------------------------------------------------------
# Model matrix
# --------------------------------------------------------------------------------------
def _model_matrix(
    design: SurveyDesign, data: pd.DataFrame, terms: Sequence[str], valid: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Rows used, their model matrix (intercept first) and the column names.

    ``valid`` (rows in the domain with a valid outcome) is narrowed to complete cases of
    the terms; the matrix is :func:`pipeline.analyse.stats.clustered.model_matrix` of those rows
    (categorical levels present there, treatment-coded, first in string order as
    reference: R's coding).
    """
    missing = [t for t in terms if t not in data.columns]
    if missing:
        raise ValueError(f"survey_regression: column {missing[0]!r} not in data")
    d = pd.DataFrame({t: _as_series(design, data[t], t) for t in terms}, index=design.index)
    valid = valid & d.notna().all(axis=1).to_numpy()
    rows = np.flatnonzero(valid)
    used = d.iloc[rows]
    for t in terms:
        s = used[t]
        categorical = not pd.api.types.is_numeric_dtype(s.dtype)  # bools are numeric
        levels = sorted(pd.unique(s.astype(str))) if categorical else []
        if categorical and len(rows) and len(levels) < 2:
            raise ValueError(
                f"survey_regression: {t!r} has a single level ({levels[0]!r}) in the rows "
                "used; drop it from terms"
            )
    X = model_matrix(used, terms)
    return rows, X.to_numpy(dtype=float), list(X.columns)


# --------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------
def _cholesky(A: np.ndarray, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Cholesky factor of the weighted information, with R's collinearity rule.

    The factor of the column-scaled matrix has diagonal ``|R_jj| / ||x_j||`` of the QR of
    ``sqrt(W) X``: below 1e-7 means column j is (numerically) a combination of the
    previous ones, which R's ``glm`` reports as an NA coefficient.
    """
    d = np.sqrt(np.diag(A))
    if not np.all(d > 0):
        bad = [names[j] for j in np.flatnonzero(~(d > 0))]
        raise ValueError(f"survey_regression: singular design matrix, column(s) {bad} are all 0")
    C = A / np.outer(d, d)
    try:
        L = np.linalg.cholesky(C)
        low = np.flatnonzero(np.diag(L) < _COLLINEAR_TOL)
    except np.linalg.LinAlgError:
        low = np.array([len(names) - 1])
    if len(low):
        raise ValueError(
            "survey_regression: singular design matrix: "
            f"{names[low[0]]!r} is collinear with the previous columns {names[:low[0]]}"
        )
    return L, d


def _solve(L: np.ndarray, d: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve ``A x = b`` from the factor of :func:`_cholesky` (``A = D C D``, ``C = L L'``)."""
    dd = d if b.ndim == 1 else d[:, None]
    return linalg.cho_solve((L, True), b / dd) / dd


def _fit_gaussian(X, y, w, names):
    Xw = X * w[:, None]
    L, d = _cholesky(Xw.T @ X, names)
    beta = _solve(L, d, Xw.T @ y)
    beta += _solve(L, d, Xw.T @ (y - X @ beta))  # one step of iterative refinement
    return beta, X @ beta, L, d


def _fit_logit(X, y, w, names):
    _cholesky((X * w[:, None]).T @ X, names)  # collinearity of the columns themselves
    ybar = np.sum(w * y) / np.sum(w)
    if ybar <= 0 or ybar >= 1:
        raise ValueError(
            f"survey_regression: the outcome is always {int(ybar >= 1)} in the rows used"
        )
    beta = np.zeros(X.shape[1])
    beta[0] = np.log(ybar / (1 - ybar))

    def deviance(eta):  # -2 x weighted log-likelihood (up to a constant)
        return -2 * np.sum(w * (y * eta - np.logaddexp(0, eta)))

    eta = X @ beta
    dev = deviance(eta)
    converged = False
    for _ in range(_IRLS_MAXIT):
        mu = special.expit(eta)
        v = w * mu * (1 - mu)
        try:
            L, d = _cholesky((X * v[:, None]).T @ X, names)
        except ValueError as err:
            raise ValueError(
                "survey_regression: the logistic fit diverged (fitted probabilities 0 or "
                "1: the outcome is perfectly separated by the terms)"
            ) from err
        step = _solve(L, d, X.T @ (w * (y - mu)))
        for _half in range(30):  # step halving: the deviance must not increase
            eta_new = X @ (beta + step)
            dev_new = deviance(eta_new)
            if dev_new <= dev + 1e-12 * abs(dev):
                break
            step /= 2
        beta = beta + step
        eta, dev = eta_new, dev_new
        if np.max(np.abs(step)) <= _IRLS_TOL * (1 + np.max(np.abs(beta))):
            converged = True
            break
    if not converged:
        warnings.warn(
            "survey_regression: the logistic fit did not converge in "
            f"{_IRLS_MAXIT} iterations (separation?)",
            RuntimeWarning,
            stacklevel=3,
        )
    mu = special.expit(eta)
    L, d = _cholesky((X * (w * mu * (1 - mu))[:, None]).T @ X, names)
    return beta, mu, L, d


# --------------------------------------------------------------------------------------
# Public function
# --------------------------------------------------------------------------------------
def survey_regression(
    design: SurveyDesign,
    data: pd.DataFrame,
    outcome: str,
    terms: Sequence[str],
    *,
    family: str = "gaussian",
    domain=None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Survey-weighted linear or logistic regression with design-based standard errors.

    R: ``svyglm(outcome ~ terms, design)`` (``family = quasibinomial()`` for the
    logistic one), with ``subset(design, domain)`` for a domain, and its ``summary()``
    and ``confint()``.

    Parameters
    ----------
    design : SurveyDesign
        :func:`pipeline.analyse.stats.design.survey_design` (the contract's default: inference to
        the employees of the surveyed companies), :func:`~pipeline.analyse.stats.design.cluster_design`
        (province-level sensitivity analysis, companies - 1 df) or
        :func:`~pipeline.analyse.stats.design.unweighted_design`.
    data : pandas.DataFrame
        One row per respondent with the same index as the design (any order).
    outcome : str
        Column of the outcome. Gaussian: numeric (booleans as 0/1), in its own unit.
        Quasibinomial: 0/1 or boolean.
    terms : sequence of str
        Columns of the regressors. Numeric columns enter linearly, boolean ones as 0/1,
        the others (strings, categoricals) as indicators ``col[level]`` of the levels
        present in the rows used, with the first level in string order as reference. An
        intercept is always included.
    family : {"gaussian", "quasibinomial"}
        Identity link with weighted least squares, or logit link with the weighted
        (quasi-)likelihood. The dispersion does not enter the design-based variance.
    domain : boolean pandas.Series or array-like, optional
        Subpopulation (NA counts as False), estimated on the full design.
    level : float
        Confidence level of the intervals (0-1).

    Returns
    -------
    pandas.DataFrame
        One row per coefficient, ``Intercept`` first:

        - ``term``: column name, or ``col[level]`` for a level of a categorical term;
        - ``estimate``: change in the outcome (its unit; gaussian) or in the log-odds
          (quasibinomial) per unit of the term, or for the level against the reference;
        - ``se``: design-based (Taylor-linearised sandwich) standard error;
        - ``statistic``: t = estimate / se;
        - ``df``: design df of the rows used + 1 - number of coefficients (R's
          ``df.residual`` of ``svyglm``);
        - ``p_value``: two-sided, t with ``df``; ``ci_low``/``ci_high``: estimate +-
          t_df * se (NaN when df <= 0);
        - quasibinomial only: ``odds_ratio``, ``or_ci_low``, ``or_ci_high`` (exp of the
          estimate and of the interval);
        - ``n``: rows used (in the domain, with the outcome and every term);
        - ``n_clusters``: PSUs with rows used for designs with clustered PSUs (companies,
          cluster design), otherwise strata with rows used (companies for the default
          design, 1 for the unweighted one);
        - ``family``, ``method`` (plain words), ``design`` (the design's label).

    Raises
    ------
    ValueError
        Unknown family or column, no row with the outcome and every term in the domain,
        a categorical term with a single level in those rows, a singular design matrix
        (collinear columns), a quasibinomial outcome other than 0/1 or constant, or a
        logistic fit that diverges (perfect separation).

    Notes
    -----
    Assumptions: the design's weights, strata, PSUs, post-strata and fpc describe the
    sample (see :mod:`pipeline.analyse.stats.design`); the variance is a first-order (Taylor)
    approximation, reliable when the design df are not tiny. Rows with missing values are
    dropped from the fit but kept in the design (as R's ``svyglm``), which assumes they
    are missing at random given the design.
    """
    if family not in FAMILIES:
        raise ValueError(f"survey_regression: family must be one of {FAMILIES}, got {family!r}")
    if not 0 < level < 1:
        raise ValueError("survey_regression: level must lie strictly between 0 and 1")
    if isinstance(terms, str):
        terms = [terms]
    terms = list(terms)
    if len(set(terms)) != len(terms) or outcome in terms:
        raise ValueError("survey_regression: terms must be distinct and exclude the outcome")
    if outcome not in data.columns:
        raise ValueError(f"survey_regression: column {outcome!r} not in data")

    ys = _as_series(design, data[outcome], outcome)
    if pd.api.types.is_bool_dtype(ys.dtype):
        ys = ys.astype("boolean")
    yv = _to_float(ys, outcome)
    valid = ~np.isnan(yv) & _domain_mask(design, domain)
    rows, X, names = _model_matrix(design, data, terms, valid)
    if len(rows) == 0:
        raise ValueError(
            "survey_regression: no row has the outcome and every term in the domain"
        )
    y = yv[rows]
    w = design.weights[rows]
    p = X.shape[1]
    if family == "quasibinomial":
        if not np.isin(y, (0.0, 1.0)).all():
            raise ValueError(
                f"survey_regression: quasibinomial needs a 0/1 (boolean) outcome, "
                f"{outcome!r} has other values"
            )
        beta, mu, L, d = _fit_logit(X, y, w, names)
    else:
        beta, mu, L, d = _fit_gaussian(X, y, w, names)

    Ainv = _solve(L, d, np.eye(p))
    Z = (X * (w * (y - mu))[:, None]) @ Ainv  # R: estfun %*% solve(information)
    V = _influence_vcov(design, Z, rows)
    se = np.sqrt(np.clip(np.diag(V), 0, None))

    zero = np.zeros(len(rows), dtype=np.int64)
    df = float(_grouped_degf(design, rows, zero, 1)[0] + 1 - p)
    if design.psu is not None:
        n_psu = len(design.psu_stratum)
        n_clusters = int(_n_distinct_by_group(design.psu[rows], zero, 1, n_psu)[0])
    else:
        n_clusters = int(_n_distinct_by_group(design.strata[rows], zero, 1, design.n_strata)[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        t = beta / se
    p_value = 2 * stats.t.sf(np.abs(t), df) if df > 0 else np.full(p, np.nan)
    q = float(_tq(level, df))
    lo, hi = beta - q * se, beta + q * se

    if family == "gaussian":
        method = "survey-weighted least squares (identity link)"
    else:
        method = "survey-weighted logistic regression (quasi-binomial, logit link, IRLS)"
    method += (
        "; design-based sandwich SE by Taylor linearisation; t test and interval with "
        "df = design df of the rows used + 1 - coefficients"
    )
    out = pd.DataFrame(
        {
            "term": names,
            "estimate": beta,
            "se": se,
            "statistic": t,
            "df": df,
            "p_value": p_value,
            "ci_low": lo,
            "ci_high": hi,
        }
    )
    if family == "quasibinomial":
        out["odds_ratio"] = np.exp(beta)
        out["or_ci_low"] = np.exp(lo)
        out["or_ci_high"] = np.exp(hi)
    out["n"] = len(rows)
    out["n_clusters"] = n_clusters
    out["family"] = family
    out["method"] = method
    out["design"] = design.label
    return out
