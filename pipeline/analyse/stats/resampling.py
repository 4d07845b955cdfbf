"""Tests whose size holds with few companies: randomisation over companies and the wild
cluster bootstrap.

Why resampling, and which
-------------------------
With 20-40 surveyed companies, post-stratification weights that vary a hundredfold and a
company effect on every worker outcome, no t reference distribution keeps its size: CR1
with companies - 1 df rejected a true null in 15-30 % of simulated waves, CR2 with
Bell-McCaffrey df (:mod:`pipeline.analyse.stats.clustered`) in 1-4 % (conservative, with little
power). ``benchmarks/bench_calibration.py`` measured both, and the two methods here, under
null waves of this design. The two methods answer the two kinds of comparison the reports
make:

* :func:`permutation_test` - **randomisation inference over companies** for a
  company-level contrast (companies with vs without a measure; companies that introduced
  one between the waves vs the others, a difference in differences). The measure's labels
  are reassigned to the same number of companies, every way (when there are at most
  ``n_resamples`` ways) or at random, and the regression is refitted each time; the
  p-value is the share of reassignments whose studentised coefficient is at least as
  large in absolute value as the observed one. It is exact, whatever the number of
  companies on each side, under the null that the measure changes no worker's outcome
  and was as good as randomly allocated among these companies (Fisher 1935; Young 2019,
  *Q. J. Econ.* 134(2)); with observational data it reads: an association this strong
  would be rare if the measure had been handed to the same number of companies at random.
  The statistic is studentised with the cluster-robust (CR0) standard error, which makes
  the test also valid asymptotically for the weak null of no average difference
  (Janssen 1997; DiCiccio & Romano 2017, *JASA* 112(519)).
* :func:`wild_cluster_bootstrap` - the **wild cluster restricted bootstrap** (WCR) for a
  term that varies within companies (the wave, in a comparison of two waves where most
  companies are surveyed twice): residuals of the model that imposes the null are
  multiplied by one Webb six-point weight per company (Webb 2023, *Can. J. Econ.*
  56(3)), and the CR1-studentised coefficient of each bootstrap sample is compared with
  the observed one (Cameron, Gelbach & Miller 2008; MacKinnon, Nielsen & Webb 2023,
  *J. Econometrics* 232(2)). It is the method of the ``wildboottest`` and
  ``fwildclusterboot`` packages (WCR11), written here because those take no survey
  weights; ``tests/analyse/stats/test_resampling.py`` checks it against ``wildboottest`` on
  unweighted data and against a brute-force loop of weighted fits.

Both intervals are the inversion of the test: the set of values b0 for which the test of
"coefficient = b0" does not reject at 1 - level (found by bisection; the resampling draws
are held fixed, so the p-value is a step function of b0 and the bounds are accurate to
the resolution of the draws). The interval and the p-value therefore never disagree.

Every computation is vectorised over the resamples: the regression on the other terms is
partialled out once (Frisch-Waugh-Lovell, weighted), after which a resample costs a few
matrix products of size rows x resamples, done in chunks of bounded memory.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipeline.analyse.stats.clustered import model_matrix

__all__ = ["MIN_ASSIGNMENTS", "MIN_TEST_COMPANIES", "permutation_test",
           "wild_cluster_bootstrap"]

#: Fewest companies carrying a change between waves (the wild cluster bootstrap, the
#: paired t test of company values) for a published p-value: the smallest network in the
#: calibration study (``benchmarks/bench_calibration.py``), where the size was measured.
MIN_TEST_COMPANIES = 10

#: Fewest distinct reassignments of a company-level contrast for a published p-value. A
#: randomisation test over N equally likely reassignments rejects at 5 % in
#: floor(0.05 N) / N of them: at least 4 % once N >= 100, as little as 2.6 % below (N =
#: 39). C(G, k) with k companies on the smaller side: 3 of 10 companies give 120 ways, 3 of
#: 9 only 84. Below it the row says in words that no test is possible and shows no p-value.
MIN_ASSIGNMENTS = 100

#: Webb's six-point distribution: +-sqrt(1/2), +-1, +-sqrt(3/2), equally likely.
WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
_CHUNK_CELLS = 4_000_000  # rows x resamples held at once


def _prepare(data: pd.DataFrame, outcome: str, cols: Sequence[str], covariates: Sequence[str],
             cluster: str, weights: str | None, fixed_effects: str | None):
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


def _row(term, est, se, p, lo, hi, n, G, n_res, exhaustive, method) -> pd.DataFrame:
    return pd.DataFrame([{
        "term": term, "estimate": est, "se": se, "p_value": p, "ci_low": lo, "ci_high": hi,
        "n": n, "n_clusters": G, "n_resamples": n_res, "exhaustive": exhaustive,
        "method": method}])


# --------------------------------------------------------------------------------------
# Randomisation inference over companies
# --------------------------------------------------------------------------------------
def _assignments(G: int, treated: np.ndarray, n_resamples: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """G x R 0/1 matrix of reassignments with as many treated companies as observed."""
    k = int(treated.sum())
    total = math.comb(G, k)
    if total <= n_resamples:
        T = np.zeros((G, total))
        for r, idx in enumerate(itertools.combinations(range(G), k)):
            T[list(idx), r] = 1.0
        return T, True
    T = np.zeros((G, n_resamples))
    order = np.argsort(rng.random((G, n_resamples)), axis=0)[:k]
    T[order, np.arange(n_resamples)[None, :]] = 1.0
    return T, False


def permutation_test(
    data: pd.DataFrame,
    outcome: str,
    treatment: str,
    *,
    interact: str | None = None,
    covariates: Sequence[str] = (),
    fixed_effects: str | None = None,
    cluster: str = "company_id",
    weights: str | None = None,
    n_resamples: int = 1999,
    level: float = 0.95,
    interval: bool = True,
    seed: int = 20131,
) -> pd.DataFrame:
    """Randomisation test of a company-level contrast, with its inverted interval.

    The regressor of interest is ``treatment`` (0/1, constant within each company), or
    ``treatment x interact`` (e.g. the wave indicator ``post``: a difference in
    differences, with ``fixed_effects`` = the company). The model is the weighted
    regression of ``outcome`` on that regressor, ``covariates`` (and ``interact``) and the
    fixed effects.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per worker (complete cases are used).
    outcome : str
        Numeric outcome; a 0/1 outcome gives a linear probability model.
    treatment : str
        Company-level 0/1 column. A company whose rows disagree is an error.
    interact : str, optional
        Column multiplied by the treatment to form the regressor; it enters the model on
        its own too.
    covariates : sequence of str
        Adjustment terms (:func:`pipeline.analyse.stats.clustered.model_matrix` coding).
    fixed_effects : str, optional
        Column with one fixed effect per level.
    cluster : str
        The company column: the unit that is reassigned.
    weights : str, optional
        Survey weights (the point estimate is then R's ``svyglm`` one).
    n_resamples : int
        Random reassignments when there are more than this many ways to choose the
        treated companies; otherwise all of them are enumerated (exact p-value).
    level : float
        Confidence level of the interval.
    interval : bool
        Invert the test for the interval (about 80 more evaluations of the cheap part;
        the calibration study, which needs p-values only, turns it off).
    seed : int
        Seed of the random reassignments (results are reproducible).

    Returns
    -------
    pandas.DataFrame
        One row: ``term``, ``estimate`` (the weighted regression coefficient, unit of the
        outcome), ``assignments`` (how many ways to choose the treated companies: below
        :data:`MIN_ASSIGNMENTS` the p-value cannot reach the nominal size), ``se`` (cluster-robust CR0, for reference only: the p-value and the
        interval come from the reassignments), ``p_value`` (two-sided), ``ci_low``,
        ``ci_high`` (inverted test), ``n``, ``n_clusters``, ``n_resamples``,
        ``exhaustive`` (every reassignment enumerated), ``method``.
    """
    extra = [interact] if interact else []
    d, y, w, Z, codes, labels = _prepare(data, outcome, [treatment, *extra],
                                         [*extra, *covariates], cluster, weights,
                                         fixed_effects)
    G = len(labels)
    t_rows = d[treatment].astype("float64").to_numpy()
    per_company = pd.Series(t_rows).groupby(codes)
    if (per_company.nunique() > 1).any():
        raise ValueError(f"{treatment} must be constant within each {cluster}")
    treated = per_company.first().to_numpy()
    if not np.isin(treated, [0.0, 1.0]).all():
        raise ValueError(f"{treatment} must be 0/1")
    k = int(treated.sum())
    if k == 0 or k == G:
        raise ValueError(f"{treatment}: every company is on the same side")
    mult = d[interact].astype("float64").to_numpy() if interact else np.ones(len(d))
    # The partialled regressor of an assignment t (G zeros and ones) is
    # x_t = M_Z (mult * t[company]) = mult * t[company] - Z B t, with B = (Z'WZ)^+ Z'W C
    # (C the n x G company indicators times mult): never an n x G matrix in memory.
    srt = np.argsort(codes, kind="stable")
    grp = np.searchsorted(codes[srt], np.arange(G))

    def csum(v: np.ndarray) -> np.ndarray:  # per-company sums of the rows of v
        return np.add.reduceat(v[srt], grp, axis=0)

    ZW = Z * w[:, None]
    B = np.linalg.lstsq(Z.T @ ZW, csum(ZW * mult[:, None]).T, rcond=None)[0]  # p x G

    def partialled(Tc: np.ndarray) -> np.ndarray:  # n x columns of Tc
        return mult[:, None] * Tc[codes] - Z @ (B @ Tc)

    yt = _partial(Z, w, y[:, None])[:, 0]
    x_obs = partialled(treated[:, None])[:, 0]
    T, exhaustive = _assignments(G, treated, n_resamples, np.random.default_rng(seed))
    R = T.shape[1]
    # per resample r: g_y[r] = x_r' W y~, g_x[r] = x_r' W x_obs, D[r] = x_r' W x_r, and
    # company sums Sy = C'(W x_r y~), Sx = C'(W x_r x_obs), S2 = C'(W x_r^2)
    g_y, g_x, D = np.empty(R), np.empty(R), np.empty(R)
    Sy, Sx, S2 = np.empty((G, R)), np.empty((G, R)), np.empty((G, R))
    step = max(1, _CHUNK_CELLS // max(1, len(d)))
    wy, wx = w * yt, w * x_obs
    for a in range(0, R, step):
        sl = slice(a, a + step)
        Xr = partialled(T[:, sl])
        WX = Xr * w[:, None]
        g_y[sl] = wy @ Xr
        g_x[sl] = wx @ Xr
        D[sl] = np.einsum("nr,nr->r", WX, Xr)
        Sy[:, sl] = csum(WX * yt[:, None])
        Sx[:, sl] = csum(WX * x_obs[:, None])
        S2[:, sl] = csum(WX * Xr)
    # the observed statistic
    Dobs = float(wx @ x_obs)
    sy_obs = csum(wx * yt)
    s2_obs = csum(wx * x_obs)
    est = float(wx @ yt) / Dobs

    def t_obs(b0: float) -> float:
        b = float(wx @ yt - b0 * Dobs) / Dobs
        s = sy_obs - b0 * s2_obs - b * s2_obs
        return b / (np.sqrt(np.sum(s * s)) / Dobs)

    def t_res(b0: float) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            b = (g_y - b0 * g_x) / D
            S = Sy - b0 * Sx - b[None, :] * S2
            return b / (np.sqrt(np.sum(S * S, axis=0)) / D)

    def pfun(b0: float) -> float:
        return _pvalue(t_obs(b0), t_res(b0), exhaustive)

    s = sy_obs - est * s2_obs
    se = float(np.sqrt(np.sum(s * s)) / Dobs)
    p = pfun(0.0)
    lo, hi = _invert(pfun, est, se, 1 - level) if interval else (np.nan, np.nan)
    term = f"{treatment}:{interact}" if interact else treatment
    how = "every reassignment" if exhaustive else f"{R} random reassignments"
    method = (f"randomisation inference over companies ({how} of the {k} of {G} companies "
              f"on one side), {'weighted' if weights else 'ordinary'} least squares with "
              "CR0-studentised coefficient; interval by test inversion")
    if fixed_effects:
        method += f"; {fixed_effects} fixed effects"
    return _row(term, est, se, p, lo, hi, len(d), G, R, exhaustive, method).assign(
        assignments=math.comb(G, k), companies_treated=k)


# --------------------------------------------------------------------------------------
# Wild cluster restricted bootstrap
# --------------------------------------------------------------------------------------
def _bootstrap_weights(G: int, n_resamples: int, rng: np.random.Generator,
                       kind: str) -> tuple[np.ndarray, bool]:
    """R x G weights: Rademacher enumerated when 2^G <= n_resamples, else random draws."""
    if kind == "rademacher" and 2**G <= n_resamples:
        grid = np.array(list(itertools.product([1.0, -1.0], repeat=G)))
        return grid, True
    if kind == "rademacher":
        return rng.choice([-1.0, 1.0], size=(n_resamples, G)), False
    return WEBB[rng.integers(0, 6, size=(n_resamples, G))], False


def wild_cluster_bootstrap(
    data: pd.DataFrame,
    outcome: str,
    term: str,
    *,
    covariates: Sequence[str] = (),
    fixed_effects: str | None = None,
    cluster: str = "company_id",
    weights: str | None = None,
    n_resamples: int = 9999,
    weight_type: str = "webb",
    level: float = 0.95,
    interval: bool = True,
    seed: int = 20132,
) -> pd.DataFrame:
    """Wild cluster restricted bootstrap test (WCR) of one coefficient, interval inverted.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per worker (complete cases are used).
    outcome : str
        Numeric outcome (a 0/1 outcome: linear probability model).
    term : str
        Numeric or 0/1 regressor tested (e.g. ``post``, the later wave).
    covariates, fixed_effects, cluster, weights
        As :func:`permutation_test`.
    n_resamples : int
        Bootstrap samples.
    weight_type : {"webb", "rademacher"}
        Auxiliary weights; Rademacher is enumerated when 2^companies <= n_resamples.
    level, interval, seed
        As :func:`permutation_test`.

    Returns
    -------
    pandas.DataFrame
        One row as :func:`permutation_test` (``se`` is CR1, for reference).
    """
    d, y, w, Z, codes, labels = _prepare(data, outcome, [term], covariates, cluster,
                                         weights, fixed_effects)
    G = len(labels)
    x = d[term].astype("float64").to_numpy()
    xt = _partial(Z, w, x[:, None])[:, 0]
    if np.sum(w * xt * xt) <= 1e-12 * max(1.0, np.sum(w * x * x)):
        raise ValueError(f"{term} is collinear with the other terms")
    Xf = np.column_stack([Z, x])
    srt = np.argsort(codes, kind="stable")
    grp = np.searchsorted(codes[srt], np.arange(G))

    def csum(v: np.ndarray) -> np.ndarray:  # per-company sums of the rows of v
        return np.add.reduceat(v[srt], grp, axis=0)

    XfW = Xf * w[:, None]
    Mf = np.linalg.pinv(Xf.T @ XfW)
    Dx = float(np.sum(w * xt * xt))
    # company sums independent of b0
    c_mat = csum((w * xt)[:, None] * Xf)          # G x p: sum_i w x~ X_i
    yr0 = _partial(Z, w, y[:, None])[:, 0]        # restricted residuals at b0 = 0
    n, p = Xf.shape
    scale = G / (G - 1) * (n - 1) / (n - p)
    V, exhaustive = _bootstrap_weights(G, n_resamples, np.random.default_rng(seed),
                                       weight_type)

    def stats_at(b0: float) -> tuple[float, np.ndarray]:
        u = yr0 - b0 * xt                         # restricted residuals of y - b0 x
        b_hat = float(np.sum(w * xt * u)) / Dx     # unrestricted coef of y - b0 x
        e = u - xt * b_hat                         # unrestricted residuals
        s_obs = csum(w * xt * e)
        t0 = b_hat / (np.sqrt(scale * np.sum(s_obs**2)) / Dx)
        a = csum(w * xt * u)                      # G
        B = csum(XfW * u[:, None])                # G x p
        beta_b = V @ a / Dx                       # R
        S = V * a[None, :] - (V @ B) @ Mf @ c_mat.T
        se_b = np.sqrt(scale * np.sum(S * S, axis=1)) / Dx
        with np.errstate(divide="ignore", invalid="ignore"):
            return t0, beta_b / se_b

    def pfun(b0: float) -> float:
        t0, tb = stats_at(b0)
        return _pvalue(t0, tb, exhaustive)

    est = float(np.sum(w * xt * yr0)) / Dx
    e = yr0 - xt * est
    s_obs = csum(w * xt * e)
    se = float(np.sqrt(scale * np.sum(s_obs**2)) / Dx)
    p_val = pfun(0.0)
    lo, hi = _invert(pfun, est, se, 1 - level) if interval else (np.nan, np.nan)
    method = (f"wild cluster restricted bootstrap by {cluster} ({len(V)} samples, "
              f"{'Webb' if weight_type == 'webb' else 'Rademacher'} weights), "
              f"{'weighted' if weights else 'ordinary'} least squares, CR1-studentised; "
              "interval by test inversion")
    if fixed_effects:
        method += f"; {fixed_effects} fixed effects"
    return _row(term, est, se, p_val, lo, hi, len(d), G, len(V), exhaustive, method)
