"""Calibration study: the rejection rate under the null of every test family the reports publish.

A p-value is published only from a method whose size was measured for the design at hand:
20-40 surveyed companies, 3-15 of them on one side of a company-level contrast, workers of
a company sharing a company effect (intra-company correlation 0.05-0.3 on the latent
scale), post-stratification weights of the contract's design. This script simulates such
waves in-process (no notebooks), runs the very functions the reports call, and prints for
each test family, number of companies, companies on one side and intra-company
correlation the rejection rate at nominal 5 % with its Monte Carlo standard error
(``sqrt(p (1 - p) / draws)``: 0.49 points at 2,000 draws), and the power at a stated
effect.

Test families (what the reports publish):

``measure_score``   ``tables/measures_outcomes.csv``, a 1-7 score (work-to-family conflict):
                    :func:`pipeline.analyse.analysis.measures.measure_effect` (survey-weighted
                    regression adjusted for gender, children, working time;
                    randomisation inference over companies)
``measure_yesno``   the same table, a yes/no outcome (hours that fit well), linear
                    probability model, same method
``old_cr1``         for comparison only, the method the reports used before: the same
                    regression with CR1 standard errors and t with companies - 1 df
``cr2_bm``          for comparison only, the other candidate: CR2 standard errors with
                    Bell-McCaffrey degrees of freedom (:mod:`pipeline.analyse.stats.clustered`)
``did``             ``tables/monitoring_flexibility.csv``: companies that introduced a
                    measure between the waves vs the other panel companies,
                    difference in differences with company fixed effects,
                    randomisation inference over the panel companies
``change_common``   ``tables/monitoring_changes.csv`` scope ``common``: within-company
                    change of a worker indicator between waves (company fixed effects),
                    wild cluster restricted bootstrap (Webb weights)
``change_all``      the same table, scope ``all``: every surveyed company of each wave,
                    a third of them different between waves (a company in both waves is
                    one cluster), wild cluster restricted bootstrap
``company_change``  ``tables/monitoring_companies.csv``: a company indicator (e.g. the
                    number of active measures), all companies of both waves, wild
                    cluster restricted bootstrap
``company_paired``  the same table, paired t test on the panel companies

Null waves: no measure and no wave affects any outcome. Worker scores are the mean of
five 1-7 items (steps of 0.2) from a latent normal with a company effect; yes/no answers
come from a latent logistic with a company effect of the same intra-company correlation.
Company headcounts are log-normal (median 40, 5-3,000), respondents 2 + Poisson(min(0.35
N, 25)) capped at N, share of women Beta(4, 4), 3 % of respondents gender X or NR; the
weights are :func:`pipeline.analyse.stats.poststrat_weights` with the pipeline's minimum
post-stratum. Between waves a company keeps 70 % of its effect's variance and draws the
rest anew.

Run: ``.venv/bin/python benchmarks/bench_calibration.py [--draws 2000] [--jobs 2]``
(about an hour on the project's 2-core machine at 2,000 draws; ``--quick`` runs 200
draws on a reduced grid in a few minutes). Prints a table per family; every cell is written to ``--out``,
by default ``pipeline/analyse/stats/calibration.csv``, which the methods page of each wave reads to
state the measured size of its tests.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

# One BLAS thread per worker process: with a pool of processes on 2 cores, threaded BLAS
# oversubscribes the machine and runs 3-5 times slower.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.analyse.analysis.measures import measure_effect  # noqa: E402
from pipeline.analyse.stats import (  # noqa: E402
    ALPHA,
    MIN_POSTSTRATUM,
    few_cluster_regression,
    permutation_test,
    poststrat_weights,
    wild_cluster_bootstrap,
)
from pipeline.analyse.stats.clustered import model_matrix  # noqa: E402
from pipeline.config import CALIBRATION_PATH  # noqa: E402

SD = 1.2  # latent SD of the 1-7 score
COVARIATES = ("gender", "n_children_u14", "work_time")
# Resamples per test. A randomisation test with R random reassignments is exact for any R
# (p = (1 + hits) / (1 + R)), and 0.05 (R + 1) is a whole number at R = 399: the size does
# not depend on R, only the power does a little. The reports use 1,999 reassignments and
# 9,999 bootstrap samples; the study uses 399 of each to afford 2,000 waves a cell.
N_PERM = 399
N_BOOT = 399
#: Draws of the comparison-only methods (old_cr1, cr2_bm) per cell.
COMPARISON_DRAWS = 500


# --------------------------------------------------------------------------------------
# Simulated waves
# --------------------------------------------------------------------------------------
def _companies(rng: np.random.Generator, ids: np.ndarray) -> pd.DataFrame:
    N = np.clip(np.round(rng.lognormal(np.log(40), 1.1, len(ids))), 5, 3000).astype(int)
    return pd.DataFrame({"company_id": ids, "n_employees": N,
                         "share_women": rng.beta(4, 4, len(ids))})


def _draw_workers(rng, comp, u, v, icc, effect_c=None) -> pd.DataFrame:
    N = comp["n_employees"].to_numpy()
    n = np.minimum(N, 2 + rng.poisson(np.minimum(0.35 * N, 25)))
    c = np.repeat(np.arange(len(N)), n)
    m = len(c)
    s = comp["share_women"].to_numpy()[c]
    r = rng.random(m)
    gender = np.where(r < 0.03, np.where(r < 0.015, "X", "NR"),
                      np.where(rng.random(m) < s, "F", "M"))
    kids = rng.choice(4, size=m, p=[0.55, 0.25, 0.15, 0.05])
    full = rng.random(m) < 0.8
    latent = (3.5 + 0.3 * (gender == "F") + 0.15 * kids + 0.2 * full + u[c]
              + rng.normal(0, SD * np.sqrt(1 - icc), m))
    if effect_c is not None:
        latent = latent + effect_c[c]
    score = np.clip(np.round(latent * 5) / 5, 1, 7)
    eta = 0.8 - 0.3 * kids + v[c] + rng.logistic(0, 1, m)
    workers = pd.DataFrame({
        "company_id": comp["company_id"].to_numpy()[c], "gender": gender,
        "n_children_u14": kids, "work_time": np.where(full, "full_time", "part_time"),
        "score": score, "yesno": (eta > 0).astype(float)})
    workers["weight"] = poststrat_weights(workers, comp,
                                          min_poststratum=MIN_POSTSTRATUM)["weight"]
    return workers


def _pick(rng: np.random.Generator, ids: np.ndarray, k: int) -> np.ndarray:
    return np.isin(ids, rng.choice(ids, size=k, replace=False))


# --------------------------------------------------------------------------------------
# One draw of each family: p-values
# --------------------------------------------------------------------------------------
def _cr1_p(d: pd.DataFrame, outcome: str, exposure: str) -> float:
    """The reports' former method: WLS, CR1 by company, t with G - 1 df."""
    X = model_matrix(d, [exposure, *COVARIATES]).to_numpy()
    y = d[outcome].to_numpy(float)
    w = d["weight"].to_numpy(float)
    XW = X * w[:, None]
    M = np.linalg.inv(X.T @ XW)
    b = M @ (XW.T @ y)
    e = y - X @ b
    codes, _ = pd.factorize(d["company_id"])
    G = codes.max() + 1
    S = np.zeros((G, X.shape[1]))
    np.add.at(S, codes, XW * e[:, None])
    n, p = X.shape
    V = M @ (S.T @ S) @ M * G / (G - 1) * (n - 1) / (n - p)
    t = b[1] / np.sqrt(V[1, 1])
    return float(2 * stats.t.sf(abs(t), G - 1))


def draw_measures(rng, G: int, k: int, icc: float, effect: float = 0.0,
                  comparisons: bool = True) -> dict[str, float]:
    ids = np.array([f"C{i:03d}" for i in range(G)])
    comp = _companies(rng, ids)
    treated = _pick(rng, ids, k)
    u = rng.normal(0, SD * np.sqrt(icc), G)
    v = rng.normal(0, np.sqrt(icc / (1 - icc) * np.pi**2 / 3), G)
    w = _draw_workers(rng, comp, u, v, icc, effect_c=-effect * SD * treated)
    w["measure"] = pd.Series(treated, index=ids)[w["company_id"]].to_numpy(float)
    out = {"measure_score": measure_effect(w, "score", "measure", n_resamples=N_PERM,
                                            interval=False)["p_value"]}
    if effect == 0.0:
        out["measure_yesno"] = measure_effect(w, "yesno", "measure", n_resamples=N_PERM,
                                               interval=False)["p_value"]
    if effect == 0.0 and comparisons:
        out["old_cr1"] = _cr1_p(w, "score", "measure")
        out["cr2_bm"] = few_cluster_regression(
            w, "score", ["measure", *COVARIATES], weights="weight",
            test_terms=["measure"])["p_value"].iloc[0]
    return out


def _panel(rng, ids_prev, ids_cur, icc):
    """Two waves: persistent company effects (70 % of the variance) plus wave shocks."""
    all_ids = np.union1d(ids_prev, ids_cur)
    comp = _companies(rng, all_ids).set_index("company_id")
    a = pd.Series(rng.normal(0, SD * np.sqrt(0.7 * icc), len(all_ids)), index=all_ids)
    ab = pd.Series(rng.normal(0, np.sqrt(0.7 * icc / (1 - icc) * np.pi**2 / 3),
                              len(all_ids)), index=all_ids)
    waves = []
    for post, ids in ((0.0, ids_prev), (1.0, ids_cur)):
        u = a[ids].to_numpy() + rng.normal(0, SD * np.sqrt(0.3 * icc), len(ids))
        v = ab[ids].to_numpy() + rng.normal(
            0, np.sqrt(0.3 * icc / (1 - icc) * np.pi**2 / 3), len(ids))
        waves.append(_draw_workers(rng, comp.loc[ids].reset_index(), u, v, icc)
                     .assign(post=post))
    return pd.concat(waves, ignore_index=True), a


def draw_monitoring(rng, G: int, k: int, icc: float) -> dict[str, float]:
    ids = np.array([f"C{i:03d}" for i in range(G)])
    out = {}
    # panel: the same G companies in both waves
    workers, a = _panel(rng, ids, ids, icc)
    if k:
        intro = pd.Series(_pick(rng, ids, k), index=ids)
        workers["did"] = workers["post"] * intro[workers["company_id"]].to_numpy(float)
        workers["introduced"] = intro[workers["company_id"]].to_numpy(float)
        out["did"] = permutation_test(
            workers, "score", "introduced", interact="post", weights="weight",
            fixed_effects="company_id", n_resamples=N_PERM, interval=False)["p_value"].iloc[0]
        return out
    out["change_common"] = wild_cluster_bootstrap(
        workers, "score", "post", weights="weight", fixed_effects="company_id",
        n_resamples=N_BOOT, interval=False)["p_value"].iloc[0]
    # all: a third of the companies change between the waves
    third = G // 3
    ids_cur = np.array([f"C{i:03d}" for i in range(third, G + third)])
    workers, _ = _panel(rng, ids, ids_cur, icc)
    out["change_all"] = wild_cluster_bootstrap(
        workers, "score", "post", weights="weight", n_resamples=N_BOOT, interval=False)["p_value"].iloc[0]
    # company indicators: persistent level + wave shock, companies of both waves
    both = np.union1d(ids, ids_cur)
    level = pd.Series(rng.normal(8, 3 * np.sqrt(0.7), len(both)), index=both)
    rows = [pd.DataFrame({"company_id": i, "post": p,
                          "value": level[i].to_numpy() + rng.normal(0, 3 * np.sqrt(0.3),
                                                                     len(i))})
            for p, i in ((0.0, ids), (1.0, ids_cur))]
    comp = pd.concat(rows, ignore_index=True)
    out["company_change"] = wild_cluster_bootstrap(
        comp, "value", "post", n_resamples=N_BOOT, interval=False)["p_value"].iloc[0]
    panel = comp[comp["company_id"].isin(np.intersect1d(ids, ids_cur))].pivot(
        index="company_id", columns="post", values="value")
    out["company_paired"] = float(stats.ttest_rel(panel[1.0], panel[0.0]).pvalue)
    return out


# --------------------------------------------------------------------------------------
# The study
# --------------------------------------------------------------------------------------
def run_cell(args: tuple) -> list[dict]:
    kind, G, k, icc, draws, seed, effect = args
    rng = np.random.default_rng(seed)
    hits: dict[str, list[float]] = {}
    t0 = time.perf_counter()
    for i in range(draws):
        res = (draw_measures(rng, G, k, icc, effect, comparisons=i < COMPARISON_DRAWS)
               if kind == "measures" else draw_monitoring(rng, G, k, icc))
        for fam, p in res.items():
            hits.setdefault(fam, []).append(p)
    rows = []
    for fam, ps in hits.items():
        ps = np.asarray(ps, dtype=float)
        ok = ps[np.isfinite(ps)]
        rate = float(np.mean(ok < ALPHA)) if len(ok) else np.nan
        rows.append({"family": fam if effect == 0 else f"{fam} power", "companies": G,
                     "on_one_side": k if k else np.nan, "icc": icc, "effect_sd": effect,
                     "draws": len(ok), "rejection_rate": rate,
                     "mc_se": float(np.sqrt(rate * (1 - rate) / len(ok))) if len(ok) else np.nan,
                     "seconds": time.perf_counter() - t0})
    return rows


def grid(draws: int, quick: bool, power_draws: int, effect: float) -> list[tuple]:
    Gs = (10, 20, 30, 40)
    ks = (3, 5, 10, 15)
    iccs = (0.05, 0.15, 0.3)
    if quick:
        Gs, ks, iccs = (10, 40), (3, 5), (0.05, 0.3)
    cells = []
    seed = 20261202
    for G, k, icc in itertools.product(Gs, ks, iccs):
        if k <= G // 2:
            cells.append(("measures", G, k, icc, draws, seed := seed + 1, 0.0))
            cells.append(("monitoring", G, k, icc, draws, seed := seed + 1, 0.0))
    for G, icc in itertools.product(Gs, iccs):
        cells.append(("monitoring", G, 0, icc, draws, seed := seed + 1, 0.0))
    for G, k in itertools.product(Gs, ks):
        if k <= G // 2:
            cells.append(("measures", G, k, 0.15, power_draws, seed := seed + 1, effect))
    return cells


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--power-draws", type=int, default=1000)
    ap.add_argument("--effect", type=float, default=0.3,
                    help="effect for the power rows, in latent SDs of the score")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="200 draws on a reduced grid")
    ap.add_argument("--out", type=Path, default=CALIBRATION_PATH,
                    help="CSV of every cell (default: the package's copy, which the methods "
                         "page of each wave reads)")
    args = ap.parse_args(argv)
    draws = 200 if args.quick else args.draws
    cells = grid(draws, args.quick, 200 if args.quick else args.power_draws, args.effect)
    # the slowest cells (fixed effects, 40 companies) first, so the pool ends together
    cells.sort(key=lambda c: -(c[1] * (2 if c[0] == "monitoring" else 1)))
    t0 = time.perf_counter()
    with mp.get_context("fork").Pool(args.jobs) as pool:
        rows = [r for res in pool.imap_unordered(run_cell, cells) for r in res]
    table = pd.DataFrame(rows).sort_values(["family", "companies", "on_one_side", "icc"])
    args.out.write_text(table.to_csv(index=False, float_format="%.4f"))
    print(f"{len(cells)} cells, {time.perf_counter() - t0:.0f} s; written to {args.out}\n")
    size = table[~table["family"].str.endswith("power")]
    for fam, part in size.groupby("family", sort=False):
        wide = part.assign(cell=[f"{r * 100:.1f} ({s * 100:.1f})" for r, s in
                                 zip(part["rejection_rate"], part["mc_se"], strict=True)])
        index = ["companies", "on_one_side"] if part["on_one_side"].notna().any() \
            else ["companies"]
        print(f"### {fam}: rejection rate at 5 % (Monte Carlo SE), % by intra-company "
              "correlation")
        print(wide.pivot_table(index=index, columns="icc", values="cell",
                               aggfunc="first").to_string())
        print(f"range {part['rejection_rate'].min() * 100:.1f}-"
              f"{part['rejection_rate'].max() * 100:.1f} %\n")
    power = table[table["family"].str.endswith("power")]
    if len(power):
        print(f"### power at an effect of {args.effect} latent SD, intra-company correlation "
              "0.15 (%)")
        print(power.pivot_table(index="companies", columns="on_one_side",
                                values="rejection_rate").mul(100).round(1).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
