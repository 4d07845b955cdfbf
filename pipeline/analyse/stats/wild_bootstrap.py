"""The wild cluster restricted bootstrap (WCR) for a term that varies within companies.

What it holds: :func:`wild_cluster_bootstrap`, the published test of a change between
waves (the wave, in a comparison of two waves where most companies are surveyed twice),
and ``WEBB``, its auxiliary distribution. Why a resampling test, and which one for which
comparison: :mod:`pipeline.analyse.stats.resampling`.

The method
----------
Residuals of the model that imposes the null are multiplied by one Webb six-point weight
per company (Webb 2023, *Can. J. Econ.* 56(3)), and the CR1-studentised coefficient of
each bootstrap sample is compared with the observed one (Cameron, Gelbach & Miller 2008;
MacKinnon, Nielsen & Webb 2023, *J. Econometrics* 232(2)). It is the method of the
``wildboottest`` and ``fwildclusterboot`` packages (WCR11), written here because those
take no survey weights. The interval inverts the test
(:mod:`pipeline.analyse.stats.resampling_base`).

Tests: ``tests/analyse/stats/test_resampling.py`` checks it against ``wildboottest`` on
unweighted data and against a brute-force loop of weighted fits (every Rademacher sign
vector).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipeline.analyse.stats.resampling_base import _company_sums, _partial, _prepare, _result

__all__ = ["WEBB", "wild_cluster_bootstrap"]

#: Webb's six-point distribution: +-sqrt(1/2), +-1, +-sqrt(3/2), equally likely.
WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


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
        As :func:`~pipeline.analyse.stats.randomisation.permutation_test`.
    n_resamples : int
        Bootstrap samples.
    weight_type : {"webb", "rademacher"}
        Auxiliary weights; Rademacher is enumerated when 2^companies <= n_resamples.
    level, interval, seed
        As :func:`~pipeline.analyse.stats.randomisation.permutation_test`.

    Returns
    -------
    pandas.DataFrame
        One row as :func:`~pipeline.analyse.stats.randomisation.permutation_test`, without
        ``assignments`` and ``companies_treated``: ``estimate`` (the weighted regression
        coefficient of ``term``, unit of the outcome per unit of the term), ``se`` (CR1,
        for reference only), ``p_value`` (two-sided) and the inverted interval.
    """
    d, y, w, Z, codes, labels = _prepare(data, outcome, [term], covariates, cluster,
                                         weights, fixed_effects)
    G = len(labels)
    x = d[term].astype("float64").to_numpy()
    xt = _partial(Z, w, x[:, None])[:, 0]
    if np.sum(w * xt * xt) <= 1e-12 * max(1.0, np.sum(w * x * x)):
        raise ValueError(f"{term} is collinear with the other terms")
    Xf = np.column_stack([Z, x])
    csum = _company_sums(codes, G)  # per-company sums of the rows of an array
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

    est = float(np.sum(w * xt * yr0)) / Dx
    e = yr0 - xt * est
    s_obs = csum(w * xt * e)
    se = float(np.sqrt(scale * np.sum(s_obs**2)) / Dx)
    method = (f"wild cluster restricted bootstrap by {cluster} ({len(V)} samples, "
              f"{'Webb' if weight_type == 'webb' else 'Rademacher'} weights), "
              f"{'weighted' if weights else 'ordinary'} least squares, CR1-studentised; "
              "interval by test inversion")
    return _result(stats_at, est, se, exhaustive=exhaustive, level=level, interval=interval,
                   term=term, method=method, fixed_effects=fixed_effects, n=len(d), G=G,
                   n_res=len(V))
