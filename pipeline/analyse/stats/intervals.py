"""Confidence intervals of design-based means and proportions (internal).

What it holds: the t quantile on a domain's degrees of freedom (``_tq``, also used by the
comparisons and the regressions), the logit interval of a proportion (``_logit_ci``) and
the Korn-Graubard interval (``_beta_ci``). :mod:`pipeline.analyse.stats.estimates` calls
them; df is the domain's ``degf`` (:mod:`pipeline.analyse.stats.linearisation`).

t and logit intervals
---------------------
Means get a t interval, ``mean +- t_{df} se``; proportions a logit interval
``expit(logit(p) +- t * se / (p (1 - p)))``, which is ``svyciprop(method = "logit")`` (its
``svyglm`` standard error of the logit is exactly this delta-method one). Both are NaN
with df <= 0; the logit interval is NaN at p = 0 and p = 1 (the logit is infinite).

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

Tests: ``tests/analyse/stats/test_design.py`` (t and logit intervals against R's
``svymean``/``svyciprop(method = "logit")``, ``reference/reference.R``, bounds to 1e-7),
``test_design_extras.py`` and ``test_published.py`` (Korn-Graubard against
``svyciprop(method = "beta")``, ``reference/design_extras.R``, to 1e-9 relative; the
p = 0 convention computed there by hand).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from pipeline.analyse.stats.linearisation import SurveyDesign


def _tq(level: float, df) -> np.ndarray:
    """Two-sided t quantile ``t_{(1 + level)/2, df}`` of each df; NaN where df <= 0."""
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(df > 0, stats.t.ppf(0.5 + level / 2, np.where(df > 0, df, 1)), np.nan)


def _logit_ci(p, se, q):
    """Logit interval ``expit(logit(p) +- q se / (p (1 - p)))``; NaN at p = 0 or 1."""
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
