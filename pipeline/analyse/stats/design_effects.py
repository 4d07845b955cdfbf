"""Design effects of domain means and the intra-company correlation.

What it holds: Kish's design effect of each domain estimate (``_domain_deff``, the
``deff=True`` column of :func:`~pipeline.analyse.stats.estimates.survey_mean` and
:func:`~pipeline.analyse.stats.estimates.survey_proportion`) and
:func:`intra_cluster_correlation`, which describes how alike the respondents of a company
are. Both say how far the survey's weights and companies take the estimates from a
simple random sample of workers.

Design effects (``deff=True``)
------------------------------
Kish's design effect as R's ``svymean(..., deff = TRUE)`` computes it, for each domain:
``deff = V / V_srs`` with V the design variance
(:mod:`pipeline.analyse.stats.linearisation`) and

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

Intra-company correlation
-------------------------
:func:`intra_cluster_correlation` is the ANOVA estimator of the intraclass correlation of
a one-way random-effects model, unweighted, for unequal cluster sizes:
``(MSB - MSW) / (MSB + (n0 - 1) MSW)`` with ``n0 = (n - sum n_j^2 / n) / (K - 1)``. It is
negative when answers vary less between companies than within them (a sampling
fluctuation around a true value near 0): it is reported as computed, never truncated at 0.

Tests: ``tests/analyse/stats/test_design_extras.py`` against R (``reference/design_extras.R``:
``svymean(deff = TRUE)`` on ``subset()`` domains and through ``svyby``, on the default
design, without fpc, the cluster design and the minimum-post-stratum rule of 3; the ICC
from ``anova(aov())`` and n0), to 1e-9 relative; ``test_published.py`` for the published
work-life-balance table's design effects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.analyse.stats.inputs import _to_float
from pipeline.analyse.stats.linearisation import SurveyDesign

__all__ = ["intra_cluster_correlation"]


# --------------------------------------------------------------------------------------
# Design effects of domain estimates (internal: the deff column of the estimators)
# --------------------------------------------------------------------------------------
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
        One row: ``variable`` (the name of y), ``estimate`` (dimensionless, at most 1;
        NaN with fewer than 2 clusters, no within-cluster degrees of freedom or no
        variation at all), ``n`` (valid answers), ``n_clusters`` (K),
        ``mean_cluster_size`` (n / K, answers), ``n0`` (the adjusted cluster size above),
        ``msb``, ``msw`` (mean squares, in squared units of y) and ``method``.
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
