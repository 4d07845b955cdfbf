"""Post-stratification weights of the worker survey (DATA_CONTRACT.md, "Survey design").

What it holds: :func:`poststrat_weights`, the cells it post-stratifies to (``CELLS``) and
:data:`MIN_POSTSTRATUM`. The designs of :mod:`pipeline.analyse.stats.design` are built on
these weights.

The cells
---------
The population is the employees of the surveyed companies. Within a company of N
employees, share of women s and n respondents of whom o answered gender X or NR (or left
it empty), the respondents are post-stratified to the cells

- ``F``: N * s * (1 - o/n) employees,
- ``M``: N * (1 - s) * (1 - o/n),
- ``other`` (X, NR): N * o / n,

keeping only the cells that have respondents (counts are not rounded). A company where the
F or M cell has no respondent while its population is positive is post-stratified as one
cell ``all`` of N employees. Two cases the contract does not name are handled the same way,
and flagged in the ``collapsed`` column: a missing ``share_women`` (the split cannot be
computed) and a gender cell with respondents but no population (s = 0 with women
responding, or s = 1 with men responding), where R's ``postStratify`` would stop.
The weight of a respondent is N_cell / n_cell. In R the cell populations are the
``population`` of ``postStratify(des, ~cell_key, population = cells)``, ``cell_key`` =
company x cell.

Minimum respondents per post-stratum
------------------------------------
``min_poststratum`` (of :func:`poststrat_weights`,
:func:`~pipeline.analyse.stats.design.survey_design` and
:func:`~pipeline.analyse.stats.design.cluster_design`; default 1) extends the collapse
rule: a company whose F or M cell has at least one but fewer than ``min_poststratum``
respondents is post-stratified as one cell ``all`` of N, exactly like a company whose F or
M cell is empty (flag ``collapsed``).
Why: a post-stratum of one respondent gives that person the whole cell's weight
(N_cell / 1, easily a tenth of the company), and its linearised residual from the cell
mean is exactly zero, so the variance is blind to the most influential answer; with two
respondents the cell is barely better. Merging the company's cells trades the gender
calibration of that company (its weights then ignore ``share_women``) for weights and a
variance that rest on more than one or two answers. The ``other`` cell (X, NR) is not
subject to the rule. :data:`MIN_POSTSTRATUM` (3) is the pipeline's recommended value and
what the pipeline passes (:func:`pipeline.analyse.analysis.survey.wave_design`, which every report
uses); the functions' default stays 1, the contract's rule as written.
A design built with a threshold above 1 says so in its label.

Tests: ``tests/analyse/stats/test_design.py`` checks the weights against those of R's
``postStratify`` (``reference/reference.R``) and the collapse cases of the fixture
(``reference/make_fixture.py``); ``test_design_extras.py`` checks the weights of the
minimum-post-stratum rule against the rule recomputed in R (``reference/design_extras.R``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["MIN_POSTSTRATUM", "poststrat_weights"]

CELLS = ("F", "M", "other", "all")
_F, _M, _OTHER, _ALL = range(4)
OTHER_GENDERS = ("X", "NR")

#: Recommended minimum number of respondents of an F or M post-stratum (see the module
#: docstring, "Minimum respondents per post-stratum"): the pipeline passes it as
#: ``min_poststratum``; the functions' default (1) is the contract's rule as written.
MIN_POSTSTRATUM = 3


def _company_positions(workers: pd.DataFrame, companies: pd.DataFrame) -> np.ndarray:
    ids = companies["company_id"]
    if ids.duplicated().any():
        dup = ids[ids.duplicated()].unique()[:5].tolist()
        raise ValueError(f"companies: duplicated company_id {dup}")
    pos = pd.Index(ids).get_indexer(workers["company_id"])
    if (pos < 0).any():
        missing = workers["company_id"][pos < 0].unique()[:5].tolist()
        raise ValueError(f"workers: company_id not in the companies table: {missing}")
    return pos


def _gender_codes(gender: pd.Series) -> np.ndarray:
    is_f = gender.eq("F").fillna(False).to_numpy(dtype=bool)
    is_m = gender.eq("M").fillna(False).to_numpy(dtype=bool)
    other = gender.isin(OTHER_GENDERS).to_numpy(dtype=bool) | gender.isna().to_numpy()
    bad = ~(is_f | is_m | other)
    if bad.any():
        raise ValueError(f"gender must be F, M, X or NR, got {gender[bad].unique()[:5].tolist()}")
    return np.where(is_f, _F, np.where(is_m, _M, _OTHER)).astype(np.int64)


def _check_min_poststratum(min_poststratum) -> int:
    if isinstance(min_poststratum, bool) or not isinstance(min_poststratum, (int, np.integer)):
        raise TypeError(f"min_poststratum must be an integer, got {min_poststratum!r}")
    if min_poststratum < 1:
        raise ValueError(f"min_poststratum must be >= 1, got {min_poststratum}")
    return int(min_poststratum)


def poststrat_weights(
    workers: pd.DataFrame, companies: pd.DataFrame, *, min_poststratum: int = 1
) -> pd.DataFrame:
    """Post-stratification weights of the worker survey, as in DATA_CONTRACT.md.

    Parameters
    ----------
    workers : pandas.DataFrame
        One row per respondent, with ``company_id`` and ``gender`` (F, M, X, NR; an empty
        gender counts as NR).
    companies : pandas.DataFrame
        The territorial mapping, with ``company_id`` (unique), ``n_employees`` (headcount
        N, >= the company's respondents) and ``share_women`` (0-1).
    min_poststratum : int
        Minimum respondents of an F or M post-stratum: a company whose F or M cell has at
        least one but fewer respondents is post-stratified as one cell ``all`` of N (flag
        ``collapsed``), as when the cell is empty. Default 1: no further collapse (the
        contract's rule); the pipeline passes :data:`MIN_POSTSTRATUM`.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``workers``, columns: ``company_id`` (the stratum), ``cell`` (F, M,
        other or all), ``weight`` (employees represented by the respondent,
        N_cell / n_cell), ``N`` (company headcount, the fpc), ``n_company`` (respondents
        of the company), ``N_cell`` (population of the cell, not rounded), ``n_cell``
        (respondents of the cell) and ``collapsed`` (True when the company was
        post-stratified as one cell of N). The weights of a company add up to its N.

    Raises
    ------
    ValueError
        Unknown company, duplicated company id, unknown gender code, missing or
        non-positive headcount, headcount below the respondents, share outside 0-1,
        ``min_poststratum`` below 1 (TypeError if it is not an integer).
    """
    k_min = _check_min_poststratum(min_poststratum)
    pos = _company_positions(workers, companies)
    used, h = np.unique(pos, return_inverse=True)
    H = len(used)
    g = _gender_codes(workers["gender"])

    headcount = companies["n_employees"].iloc[used]
    if headcount.isna().any():
        raise ValueError("companies: n_employees missing for a surveyed company")
    N = headcount.to_numpy(dtype=float)
    share = companies["share_women"].iloc[used].astype("Float64").to_numpy(
        dtype=float, na_value=np.nan
    )
    if ((share < 0) | (share > 1)).any():
        raise ValueError("companies: share_women must lie in 0-1")

    counts = np.bincount(h * 3 + g, minlength=3 * H).reshape(H, 3)
    n = counts.sum(axis=1)
    if (N <= 0).any() or (N < n).any():
        bad = companies["company_id"].iloc[used[(N <= 0) | (N < n)]].tolist()[:5]
        raise ValueError(f"n_employees below the number of respondents for {bad}")
    o = counts[:, _OTHER] / n
    pop = np.column_stack([N * share * (1 - o), N * (1 - share) * (1 - o), N * o])
    nf, nm = counts[:, _F], counts[:, _M]
    collapsed = (
        np.isnan(share)
        | ((nf == 0) & (pop[:, _F] > 0))
        | ((nm == 0) & (pop[:, _M] > 0))
        | ((nf > 0) & (pop[:, _F] <= 0))
        | ((nm > 0) & (pop[:, _M] <= 0))
        | ((nf > 0) & (nf < k_min))
        | ((nm > 0) & (nm < k_min))
    )
    cell = np.where(collapsed[h], _ALL, g)
    pop_cells = np.column_stack([pop, N])  # H x 4: F, M, other, all
    n_cells = np.column_stack([counts, n])
    N_cell = pop_cells[h, cell]
    n_cell = n_cells[h, cell]
    return pd.DataFrame(
        {
            "company_id": workers["company_id"].to_numpy(),
            "cell": pd.Categorical.from_codes(cell, categories=list(CELLS)),
            "weight": N_cell / n_cell,
            "N": N[h],
            "n_company": n[h],
            "N_cell": N_cell,
            "n_cell": n_cell,
            "collapsed": collapsed[h],
        },
        index=workers.index,
    )
