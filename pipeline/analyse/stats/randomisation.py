"""Randomisation inference over companies for a company-level contrast.

What it holds: :func:`permutation_test`, the published test of a contrast between
companies (companies with vs without a measure; companies that introduced one between the
waves vs the others, a difference in differences). Why a resampling test, and which one
for which comparison: :mod:`pipeline.analyse.stats.resampling`.

The method
----------
The measure's labels are reassigned to the same number of companies, every way (when
there are at most ``n_resamples`` ways) or at random, and the regression is refitted each
time; the p-value is the share of reassignments whose studentised coefficient is at least
as large in absolute value as the observed one. It is exact, whatever the number of
companies on each side, under the null that the measure changes no worker's outcome and
was as good as randomly allocated among these companies (Fisher 1935; Young 2019,
*Q. J. Econ.* 134(2)); with observational data it reads: an association this strong would
be rare if the measure had been handed to the same number of companies at random. The
statistic is studentised with the cluster-robust (CR0) standard error, which makes the
test also valid asymptotically for the weak null of no average difference (Janssen 1997;
DiCiccio & Romano 2017, *JASA* 112(519)). The interval inverts the test
(:mod:`pipeline.analyse.stats.resampling_base`).

Tests: ``tests/analyse/stats/test_resampling.py`` checks it against a brute-force loop of
statsmodels fits over every reassignment.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipeline.analyse.stats.resampling_base import (
    _company_grams,
    _company_sums,
    _partial,
    _prepare,
    _result,
)

__all__ = ["permutation_test"]

_CHUNK_CELLS = 4_000_000  # rows x resamples held at once


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
        outcome), ``se`` (cluster-robust CR0, for reference only: the p-value and the
        interval come from the reassignments), ``p_value`` (two-sided), ``ci_low``,
        ``ci_high`` (inverted test, unit of the outcome), ``n`` (workers used),
        ``n_clusters`` (companies), ``n_resamples``, ``exhaustive`` (every reassignment
        enumerated), ``method``, ``assignments`` (how many ways to choose the treated
        companies: below :data:`~pipeline.analyse.stats.resampling.MIN_ASSIGNMENTS` the
        p-value cannot reach the nominal size) and ``companies_treated``.
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
    csum = _company_sums(codes, G)  # per-company sums of the rows of an array
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
    if _company_totals_pay(G, Z.shape[1], len(d)):
        totals = _company_totals(yt, x_obs, w, mult, Z, _company_grams(codes, G))

        def sums(Tm: np.ndarray) -> _Sums:
            return _by_companies(Tm, totals, B)
    else:
        def sums(Tm: np.ndarray) -> _Sums:
            return _by_rows(Tm, yt, x_obs, w, mult, Z, B, csum, partialled)
    g_y, g_x, D, Sy, Sx, S2 = sums(T)
    # the observed statistic, from the same sums as the reassignments' (ties stay ties)
    gy_obs, _, d_obs, s_y, _, s_2 = sums(treated[:, None])
    Dobs, wxy = float(d_obs[0]), float(gy_obs[0])
    sy_obs, s2_obs = s_y[:, 0], s_2[:, 0]
    est = wxy / Dobs

    def t_obs(b0: float) -> float:
        b = (wxy - b0 * Dobs) / Dobs
        s = sy_obs - b0 * s2_obs - b * s2_obs
        return b / (np.sqrt(np.sum(s * s)) / Dobs)

    def t_res(b0: float) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            b = (g_y - b0 * g_x) / D
            S = Sy - b0 * Sx - b[None, :] * S2
            return b / (np.sqrt(np.sum(S * S, axis=0)) / D)

    def t_at(b0: float) -> tuple[float, np.ndarray]:
        return t_obs(b0), t_res(b0)

    s = sy_obs - est * s2_obs
    se = float(np.sqrt(np.sum(s * s)) / Dobs)
    how = "every reassignment" if exhaustive else f"{R} random reassignments"
    method = (f"randomisation inference over companies ({how} of the {k} of {G} companies "
              f"on one side), {'weighted' if weights else 'ordinary'} least squares with "
              "CR0-studentised coefficient; interval by test inversion")
    return _result(t_at, est, se, exhaustive=exhaustive, level=level, interval=interval,
                   term=f"{treatment}:{interact}" if interact else treatment, method=method,
                   fixed_effects=fixed_effects, n=len(d), G=G, n_res=R).assign(
        assignments=math.comb(G, k), companies_treated=k)


_Sums = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _company_totals_pay(G: int, p: int, n: int) -> bool:
    """Whether the sums come from company totals (:func:`_by_companies`, G x p^2 per
    reassignment) rather than from the rows (:func:`_by_rows`, n per reassignment)."""
    return G * p**2 <= n


def _by_rows(T, yt, x_obs, w, mult, Z, B, csum, partialled) -> _Sums:
    """The sums of the test for the reassignments ``T`` (G x R), from the rows: the
    partialled regressor of every reassignment, n x R in chunks (cost n x R)."""
    R, G = T.shape[1], T.shape[0]
    g_y, g_x, D = np.empty(R), np.empty(R), np.empty(R)
    Sy, Sx, S2 = np.empty((G, R)), np.empty((G, R)), np.empty((G, R))
    step = max(1, _CHUNK_CELLS // max(1, len(yt)))
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
    return g_y, g_x, D, Sy, Sx, S2


def _company_totals(yt, x_obs, w, mult, Z, gram) -> tuple[np.ndarray, ...]:
    """The company totals :func:`_by_companies` needs, from one weighted cross-product per
    company of ``[Z, y~, x_obs, mult]`` (``gram``: :func:`.resampling_base._company_grams`):
    ``a_y = sum w mult y~``, ``a_x = sum w mult x_obs``, ``m2 = sum w mult^2`` (G each),
    ``M_y = sum w Z y~``, ``M_x = sum w Z x_obs``, ``P = sum w Z mult`` (G x p) and
    ``Q = sum w Z Z'`` (G x p x p)."""
    p = Z.shape[1]
    C = gram(np.column_stack([Z, yt, x_obs, mult]), w)
    y_, x_, m_ = p, p + 1, p + 2
    return (C[:, m_, y_], C[:, m_, x_], C[:, m_, m_], C[:, :p, y_], C[:, :p, x_],
            C[:, :p, m_], C[:, :p, :p])


def _by_companies(T, totals, B) -> _Sums:
    """The same sums as :func:`_by_rows`, from per-company sums taken once.

    The partialled regressor of a reassignment t is ``x_i = mult_i t_g(i) - Z_i B t``, so
    with ``v = B t`` (p values) every sum over the rows of a company g is a sum of company
    totals (:func:`_company_totals`): ``sum w x y~ = t_g sum w mult y~ - (sum w y~ Z) v``,
    and ``sum w x^2 = t_g^2 sum w mult^2 - 2 t_g (sum w mult Z) v + v' (sum w Z Z') v``.
    One pass over the rows (cost n x p^2), then G x p^2 per reassignment instead of n:
    chosen when G p^2 <= n (few covariates, no company fixed effects).
    """
    a_y, a_x, m2, M_y, M_x, P, Q = totals
    R = T.shape[1]
    g_y, g_x, D = np.empty(R), np.empty(R), np.empty(R)
    Sy, Sx, S2 = np.empty_like(T), np.empty_like(T), np.empty_like(T)
    step = max(1, _CHUNK_CELLS // max(1, Q.size))
    for a in range(0, R, step):
        sl = slice(a, a + step)
        Tc = T[:, sl]
        V = B @ Tc  # p x r
        Sy[:, sl] = a_y[:, None] * Tc - M_y @ V
        Sx[:, sl] = a_x[:, None] * Tc - M_x @ V
        S2[:, sl] = (m2[:, None] * Tc * Tc - 2.0 * Tc * (P @ V)
                     + np.einsum("gpr,pr->gr", np.einsum("gpq,qr->gpr", Q, V), V))
        g_y[sl], g_x[sl], D[sl] = Sy[:, sl].sum(0), Sx[:, sl].sum(0), S2[:, sl].sum(0)
    return g_y, g_x, D, Sy, Sx, S2
