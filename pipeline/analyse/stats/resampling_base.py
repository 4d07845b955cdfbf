"""What the two resampling tests over companies share (internal).

What it holds: the complete cases and design matrices of a test (``_prepare``), weighted
partialling out of the other terms (``_partial``, Frisch-Waugh-Lovell), per-company sums
(``_company_sums``) and the result of a test (``_result``: the two-sided resampling
p-value, ``_pvalue``, the confidence interval by test inversion, ``_invert``, and the
one-row output) of :func:`~pipeline.analyse.stats.randomisation.permutation_test` and
:func:`~pipeline.analyse.stats.wild_bootstrap.wild_cluster_bootstrap`.

Intervals by test inversion
---------------------------
Both intervals are the inversion of the test: the set of values b0 for which the test of
"coefficient = b0" does not reject at 1 - level (found by bisection; the resampling draws
are held fixed, so the p-value is a step function of b0 and the bounds are accurate to
the resolution of the draws). The interval and the p-value therefore never disagree.

Every computation is vectorised over the resamples: the regression on the other terms is
partialled out once (Frisch-Waugh-Lovell, weighted), after which a resample costs a few
matrix products of size rows x resamples, done in chunks of bounded memory.

Tests: through the two tests, in ``tests/analyse/stats/test_resampling.py`` (a brute-force
loop of statsmodels fits, and ``wildboottest``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from pipeline.analyse.stats.clustered import model_matrix


def _prepare(data: pd.DataFrame, outcome: str, cols: Sequence[str], covariates: Sequence[str],
             cluster: str, weights: str | None, fixed_effects: str | None):
    """Complete cases of the columns used; y, weights (1 without), covariate matrix Z,
    company codes 0..G-1 and company labels. Refuses no rows, non-positive weights and a
    single company."""
    keep = list(dict.fromkeys([outcome, *cols, *covariates, cluster,
                               *([weights] if weights else []),
                               *([fixed_effects] if fixed_effects else [])]))
    d = data[keep].dropna()
    if d.empty:
        raise ValueError("no complete rows to test")
    y = d[outcome].astype("Float64").to_numpy(dtype=float)
    w = d[weights].astype("float64").to_numpy() if weights else np.ones(len(d))
    if (w <= 0).any():
        raise ValueError("weights must be positive")
    Z = model_matrix(d, covariates, fixed_effects=fixed_effects).to_numpy()
    codes, labels = pd.factorize(d[cluster], sort=True)
    if len(labels) < 2:
        raise ValueError("a test over companies needs at least two companies")
    return d, y, w, Z, codes.astype(np.int64), labels


def _partial(Z: np.ndarray, w: np.ndarray, V: np.ndarray) -> np.ndarray:
    """Weighted residuals of the columns of V on Z: ``V - Z (Z'WZ)^+ Z'W V``."""
    ZW = Z * w[:, None]
    coef = np.linalg.lstsq(Z.T @ ZW, ZW.T @ V, rcond=None)[0]
    return V - Z @ coef


def _company_order(codes: np.ndarray, G: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows sorted by company (one stable sort) and where each company's run starts
    (G + 1 bounds); ``codes`` are the company codes 0..G-1 of the rows."""
    srt = np.argsort(codes, kind="stable")
    return srt, np.searchsorted(codes[srt], np.arange(G + 1))


def _company_sums(codes: np.ndarray, G: int) -> Callable[[np.ndarray], np.ndarray]:
    """The function that sums the rows of an array by company.

    ``codes`` are the company codes 0..G-1 of the rows (every code present); the returned
    function maps an array of one row per data row (1-D or 2-D) to its G company sums,
    with one stable sort of the rows done here, once (:func:`_company_order`).
    """
    srt, bounds = _company_order(codes, G)
    grp = bounds[:-1]

    def csum(v: np.ndarray) -> np.ndarray:  # per-company sums of the rows of v
        return np.add.reduceat(v[srt], grp, axis=0)

    return csum


def _company_grams(codes: np.ndarray, G: int) -> Callable[[np.ndarray, np.ndarray],
                                                           np.ndarray]:
    """The function that gives each company's weighted cross-products of the columns of A.

    ``codes`` as :func:`_company_sums`; the returned ``gram(A, w)`` maps an n x k array and
    n weights to the G x k x k array ``sum_{i in g} w_i A_i A_i'``: one sort of the rows,
    then one small matrix product per company (cost n k^2 in BLAS, never n x k x k).
    """
    srt, bounds = _company_order(codes, G)

    def gram(A: np.ndarray, w: np.ndarray) -> np.ndarray:
        As = A[srt]
        Ws = As * w[srt][:, None]
        out = np.empty((G, A.shape[1], A.shape[1]))
        for g in range(G):
            rows = slice(bounds[g], bounds[g + 1])
            out[g] = Ws[rows].T @ As[rows]
        return out

    return gram


def _pvalue(t_obs: float, t_res: np.ndarray, exhaustive: bool) -> float:
    """Two-sided p of a studentised statistic; ties count against rejection."""
    tol = 1e-10 * max(1.0, abs(t_obs))
    hits = int(np.sum(np.abs(t_res) >= abs(t_obs) - tol))
    if exhaustive:  # the observed assignment is one of the enumerated ones
        return hits / len(t_res)
    return (hits + 1) / (len(t_res) + 1)


def _invert(pfun, est: float, se: float, alpha: float) -> tuple[float, float]:
    """Bounds of {b0: p(b0) > alpha} around ``est`` by bisection."""
    if not np.isfinite(se) or se <= 0:
        return np.nan, np.nan

    def bound(direction: float) -> float:
        inside, step = est, 2.0 * se
        outside = est + direction * step
        for _ in range(60):
            if pfun(outside) <= alpha:
                break
            inside, step = outside, step * 2
            outside = est + direction * step
        else:
            return direction * np.inf
        for _ in range(50):
            mid = (inside + outside) / 2
            if pfun(mid) > alpha:
                inside = mid
            else:
                outside = mid
            if abs(outside - inside) < 1e-6 * se:
                break
        return (inside + outside) / 2

    if pfun(est) <= alpha:  # degenerate resampling distribution
        return np.nan, np.nan
    return bound(-1.0), bound(1.0)


def _result(t_at: Callable[[float], tuple[float, np.ndarray]], est: float, se: float, *,
            exhaustive: bool, level: float, interval: bool, term: str, method: str,
            fixed_effects: str | None, n: int, G: int, n_res: int) -> pd.DataFrame:
    """The one-row result of a resampling test of ``term``'s coefficient.

    ``t_at(b0)`` gives the observed statistic and the resampled ones of the test of
    "coefficient = b0"; the p-value is that of b0 = 0, the interval (at ``level``, NaN
    bounds without ``interval``) the values of b0 the test does not reject. ``method``
    gets the fixed effects appended, if any.
    """
    def pfun(b0: float) -> float:
        t0, tr = t_at(b0)
        return _pvalue(t0, tr, exhaustive)

    p = pfun(0.0)
    lo, hi = _invert(pfun, est, se, 1 - level) if interval else (np.nan, np.nan)
    if fixed_effects:
        method += f"; {fixed_effects} fixed effects"
    return pd.DataFrame([{
        "term": term, "estimate": est, "se": se, "p_value": p, "ci_low": lo, "ci_high": hi,
        "n": n, "n_clusters": G, "n_resamples": n_res, "exhaustive": exhaustive,
        "method": method}])

