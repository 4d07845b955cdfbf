"""Cross-tabulations and tests of association: Pearson, Fisher exact, Rao-Scott.

Who computes what, and why
--------------------------
- Pearson's chi-square and its p-value: ``scipy.stats.chi2_contingency`` with
  ``correction=False`` (no Yates correction, so the statistic is the one Cramér's V is
  defined on, and the one R's ``chisq.test(correct = FALSE)`` gives).
- Cramér's V = sqrt(X^2 / (n (min(r, c) - 1))) from that uncorrected X^2. pingouin
  computes V on a 2x2 table from the Yates-corrected statistic (STACK_NOTES.md); this
  module does not, on any table size.
- Fisher's exact test: for 2x2 and larger tables the p-value is computed here by complete
  enumeration of the tables with the observed margins, summing the probabilities of the
  tables no more likely than the observed one (with R's relative tolerance 1e-7), which is
  what R's ``fisher.test`` computes. scipy's ``fisher_exact`` gives only a Monte Carlo
  p-value beyond 2x2 (random, unless seeded) and its 2x2 odds ratio is the sample one.
  When the enumeration would exceed ``max_tables`` tables the p-value falls back to
  scipy's Monte Carlo test with a fixed seed, and ``method`` says so.
- The 2x2 odds ratio is the conditional maximum-likelihood estimate with its exact
  interval, ``scipy.stats.contingency.odds_ratio(kind="conditional")``, as R's
  ``fisher.test``.
- Design-based test (:func:`rao_scott`): Rao & Scott's (1984) second-order correction of
  the Pearson statistic of the weighted table, as an F with d0 and d0 * nu degrees of
  freedom, exactly as R's ``svychisq(~a + b, design, statistic = "F")``; the cell shares
  and their covariance come from :mod:`pipeline.analyse.stats.linearisation` (Taylor
  linearisation). No Python library implements it correctly (samplics returns 0/NaN).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats
from scipy.stats.contingency import odds_ratio

from pipeline.analyse.stats.inputs import _as_series, _domain_mask
from pipeline.analyse.stats.linearisation import SurveyDesign, _category_shares_vcov

__all__ = ["association_test", "crosstab", "fisher_exact_rxc", "rao_scott"]


def _codes(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy().astype(np.int64), pd.Index(s.cat.categories)
    codes, levels = pd.factorize(s, sort=True)
    return codes.astype(np.int64), pd.Index(levels)


def _paired_codes(a, b, mask=None):
    """Codes of the complete pairs (matched by position) and their observed levels."""
    a = a if isinstance(a, pd.Series) else pd.Series(a)
    b = b if isinstance(b, pd.Series) else pd.Series(b)
    if len(a) != len(b):
        raise ValueError("a and b must have the same length")
    ca, la = _codes(a)
    cb, lb = _codes(b)
    ok = (ca >= 0) & (cb >= 0)
    if mask is not None:
        ok &= mask
    # keep only the levels observed among the complete pairs
    ia, ua = _compact(ca[ok], len(la))
    ib, ub = _compact(cb[ok], len(lb))
    return ok, ia, ib, la[ua], lb[ub]


def _compact(codes: np.ndarray, n_levels: int) -> tuple[np.ndarray, np.ndarray]:
    present = np.bincount(codes, minlength=n_levels) > 0
    lookup = np.cumsum(present) - 1
    return lookup[codes].astype(np.int64), np.flatnonzero(present)


def crosstab(a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """Unweighted counts of the complete pairs of two categorical variables.

    Parameters
    ----------
    a, b : pandas.Series
        Row and column variables (same length and index); pairs with a missing value are
        left out. Levels are the observed ones, in sorted (or categorical) order.

    Returns
    -------
    pandas.DataFrame
        Counts (int64), rows = levels of ``a``, columns = levels of ``b``.
    """
    _, ia, ib, la, lb = _paired_codes(a, b)
    t = np.zeros((len(la), len(lb)), dtype=np.int64)
    np.add.at(t, (ia, ib), 1)
    return pd.DataFrame(
        t, index=pd.Index(la, name=a.name), columns=pd.Index(lb, name=b.name)
    )


def fisher_exact_rxc(table, *, max_tables: int = 2_000_000) -> tuple[float, str]:
    """Two-sided p-value of Fisher's exact test for an r x c table, by enumeration.

    The p-value is the total probability (hypergeometric, margins fixed) of the tables
    whose probability is at most the observed one times (1 + 1e-7), as R's
    ``fisher.test``. Above ``max_tables`` enumerated tables: scipy's Monte Carlo p-value
    with 100,000 resamples and a fixed seed.

    Parameters
    ----------
    table : array-like of int
        Counts, r x c.
    max_tables : int
        Limit of the enumeration (memory grows with it).

    Returns
    -------
    (float, str)
        p-value and a description of how it was computed.
    """
    t = np.asarray(table, dtype=np.int64)
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    if t.ndim != 2 or min(t.shape) < 2:
        return 1.0, "Fisher exact (degenerate table)"
    if t.shape[0] > t.shape[1]:
        t = t.T
    rows, cols = t.sum(axis=1), t.sum(axis=0)
    r = len(rows)
    lg = special.gammaln
    const = lg(rows + 1).sum() + lg(cols + 1).sum() - lg(t.sum() + 1)
    log_obs = const - lg(t + 1).sum()
    S = rows[None, :].copy()  # remaining row totals of each partial table
    acc = np.zeros(1)
    for j in range(len(cols) - 1):
        colrem = np.full(len(S), cols[j])
        for i in range(r - 1):
            after = S[:, i + 1 :].sum(axis=1)
            lo = np.maximum(0, colrem - after)
            hi = np.minimum(S[:, i], colrem)
            cnt = np.maximum(hi - lo + 1, 0)
            total = int(cnt.sum())
            if total > max_tables:
                res = stats.fisher_exact(
                    t, method=stats.MonteCarloMethod(n_resamples=100_000, rng=np.random.default_rng(0))
                )
                return float(res.pvalue), "Fisher exact, Monte Carlo p-value (100,000 tables, seed 0)"
            idx = np.repeat(np.arange(len(S)), cnt)
            start = np.repeat(np.cumsum(cnt) - cnt, cnt)
            x = lo[idx] + (np.arange(total) - start)
            S = S[idx].copy()
            S[:, i] -= x
            colrem = colrem[idx] - x
            acc = acc[idx] - lg(x + 1)
        S[:, r - 1] -= colrem
        acc = acc - lg(colrem + 1)
    logp = const + acc - lg(S + 1).sum(axis=1)
    small = logp <= log_obs + np.log1p(1e-7)
    top = logp.max()
    p = np.exp(logp[small] - top).sum() / np.exp(logp - top).sum()
    return float(min(p, 1.0)), "Fisher exact (complete enumeration)"


def association_test(
    a: pd.Series,
    b: pd.Series,
    *,
    exact: bool | str = "auto",
    level: float = 0.95,
) -> pd.DataFrame:
    """Test of independence of two categorical variables with Cramér's V (unweighted).

    Parameters
    ----------
    a, b : pandas.Series
        Categorical variables of the same respondents; incomplete pairs are dropped.
    exact : {"auto", True, False}
        "auto": Fisher's exact test when an expected count is below 5, Pearson's
        chi-square otherwise. True / False force one of them.
    level : float
        Confidence level of the 2x2 odds-ratio interval.

    Returns
    -------
    pandas.DataFrame
        One row: ``test``, ``statistic`` (Pearson X^2, uncorrected; reported also with
        Fisher), ``df``, ``p_value`` (of the test used), ``estimate`` = Cramér's V
        (0-1, from the uncorrected X^2), ``estimate_name``, ``se``/``ci_low``/``ci_high``
        (NaN: no interval for V), ``odds_ratio``, ``or_ci_low``, ``or_ci_high`` (2x2 only:
        conditional MLE and exact interval, as R's ``fisher.test``; NaN otherwise),
        ``n``, ``min_expected``, ``method``.
    """
    t = crosstab(a, b).to_numpy()
    n = int(t.sum())
    r, c = t.shape
    row = {
        "test": None, "statistic": np.nan, "df": np.nan, "p_value": np.nan,
        "estimate": np.nan, "estimate_name": "cramers_v", "se": np.nan,
        "ci_low": np.nan, "ci_high": np.nan, "odds_ratio": np.nan,
        "or_ci_low": np.nan, "or_ci_high": np.nan, "n": n, "min_expected": np.nan,
        "method": "",
    }
    if min(r, c) < 2:
        row["test"] = "none"
        row["method"] = "fewer than two observed levels: no test"
        return pd.DataFrame([row])
    res = stats.chi2_contingency(t, correction=False)
    x2 = float(res.statistic)
    row.update(
        statistic=x2, df=float(res.dof), min_expected=float(res.expected_freq.min()),
        estimate=float(np.sqrt(x2 / (n * (min(r, c) - 1)))),
    )
    use_exact = (row["min_expected"] < 5) if exact == "auto" else bool(exact)
    if use_exact:
        p, how = fisher_exact_rxc(t)
        row.update(test="fisher", p_value=p, method=how)
    else:
        row.update(test="pearson", p_value=float(res.pvalue),
                   method="Pearson chi-square, no continuity correction")
    if r == 2 and c == 2:
        orr = odds_ratio(t, kind="conditional")
        ci = orr.confidence_interval(confidence_level=level)
        row.update(odds_ratio=float(orr.statistic), or_ci_low=float(ci.low),
                   or_ci_high=float(ci.high))
    row["method"] += "; Cramer's V from the uncorrected X^2"
    return pd.DataFrame([row])


def rao_scott(
    design: SurveyDesign,
    a,
    b,
    *,
    domain=None,
) -> pd.DataFrame:
    """Design-based test of independence: Rao-Scott second-order corrected chi-square (F).

    R: ``svychisq(~a + b, design, statistic = "F")`` (on ``subset(design, domain)`` when
    a domain is given). With P the weighted cell shares among complete pairs, V their
    linearised covariance and C the contrasts of the interaction, the design-effect
    matrix is ``Delta = (C' D^-1 C)^-1 C' D^-1 V D^-1 C`` (D = diag(P), n = 1); the
    statistic is ``F = X^2 / tr(Delta)`` with ``d0 = tr(Delta)^2 / tr(Delta^2)`` and
    ``d0 * nu`` degrees of freedom, nu being the design degrees of freedom (for the
    post-stratified default design those of the full design, as R keeps every row of a
    calibrated design in ``subset()``).

    Parameters
    ----------
    design : SurveyDesign
        The design.
    a, b : pandas.Series or array-like
        Categorical variables aligned with the design's rows; incomplete pairs are left
        out of the shares (R: ``na.rm = TRUE``), on the full design.
    domain : boolean pandas.Series, optional
        Restrict the test to a domain.

    Returns
    -------
    pandas.DataFrame
        One row: ``statistic`` (F), ``df1`` (d0), ``df2`` (d0 * nu), ``p_value``,
        ``estimate`` = design-weighted Cramér's V (from the weighted shares),
        ``estimate_name``, ``se``/``ci_low``/``ci_high`` (NaN), ``mean_deff``
        (tr(Delta) / ((r-1)(c-1)), the average generalised design effect), ``n``
        (unweighted complete pairs), ``n_rows``/``n_cols`` (levels), ``method``,
        ``design``.
    """
    sa = _as_series(design, a, "a")
    sb = _as_series(design, b, "b")
    dom = _domain_mask(design, domain)
    ok, ia, ib, la, lb = _paired_codes(sa, sb, dom)
    r, c = len(la), len(lb)
    sel = np.flatnonzero(ok)
    row = {
        "statistic": np.nan, "df1": np.nan, "df2": np.nan, "p_value": np.nan,
        "estimate": np.nan, "estimate_name": "cramers_v_weighted", "se": np.nan,
        "ci_low": np.nan, "ci_high": np.nan, "mean_deff": np.nan, "n": len(sel),
        "n_rows": r, "n_cols": c,
        "method": "Rao-Scott second-order corrected Pearson X^2 (F), Taylor linearisation",
        "design": design.label,
    }
    if min(r, c) < 2:
        row["method"] = "fewer than two observed levels: no test"
        return pd.DataFrame([row])
    cell = ia + r * ib  # R: interaction(rows, cols), rows varying fastest
    P, V = _category_shares_vcov(design, sel, cell, r * c)
    # contrasts of the interaction, residualised on the main effects
    ri = np.tile(np.arange(r), c)
    cj = np.repeat(np.arange(c), r)
    X1 = np.column_stack(
        [np.ones(r * c)]
        + [(ri == i).astype(float) for i in range(1, r)]
        + [(cj == j).astype(float) for j in range(1, c)]
    )
    X12 = np.column_stack(
        [((ri == i) & (cj == j)).astype(float) for j in range(1, c) for i in range(1, r)]
    )
    C = X12 - X1 @ np.linalg.lstsq(X1, X12, rcond=None)[0]
    iD = np.diag(np.where(P == 0, 0.0, 1.0 / np.where(P == 0, 1.0, P)))
    denom = C.T @ iD @ C
    numr = C.T @ iD @ V @ iD @ C
    Delta = np.linalg.solve(denom, numr)
    tr = np.trace(Delta)
    d0 = tr**2 / np.trace(Delta @ Delta)
    Pm = P.reshape(c, r).T  # r x c
    E = np.outer(Pm.sum(axis=1), Pm.sum(axis=0))
    phi2 = float(((Pm - E) ** 2 / E).sum())
    if design.calibrated:
        nu = design.degf()
    else:  # R drops the rows outside a subset() of an uncalibrated design
        d_rows = np.flatnonzero(dom)
        n_psu = len(d_rows) if design.psu is None else len(np.unique(design.psu[d_rows]))
        nu = n_psu - len(np.unique(design.strata[d_rows]))
    F = phi2 / tr
    row.update(
        statistic=F, df1=d0, df2=d0 * nu, p_value=float(stats.f.sf(F, d0, d0 * nu)),
        estimate=float(np.sqrt(phi2 / (min(r, c) - 1))), mean_deff=tr / ((r - 1) * (c - 1)),
    )
    return pd.DataFrame([row])
