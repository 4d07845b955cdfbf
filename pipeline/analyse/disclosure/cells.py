"""Primary suppression: no published figure on fewer than ``min_cell`` respondents.

Every table a report publishes passes through :func:`suppress_small_cells`; a withheld cell
is a missing value in a row whose ``suppressed`` flag is true (:func:`withheld_mask`), which
the reports write "n.d." and the open-data tables mark as such.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def suppress_small_cells(
    table: pd.DataFrame,
    *,
    min_cell: int,
    n_col: str = "n",
    value_cols: Sequence[str] | None = None,
    keep_zero: bool = False,
) -> pd.DataFrame:
    """Blank the values of rows built on fewer than ``min_cell`` respondents.

    Parameters
    ----------
    table
        A tidy table with a count column ``n_col`` (unweighted respondents).
    min_cell
        Smallest count that may be published.
    value_cols
        Columns to blank (default: every numeric column except ``n_col``).
    keep_zero
        For frequency tables: a count of 0 discloses nothing and stays shown.

    Returns
    -------
    pandas.DataFrame
        A copy with the values and the count blanked (NA) on small rows and a boolean
        ``suppressed`` column.
    """
    out = table.copy()
    counts = out[n_col].fillna(0)
    small = (counts < min_cell) & ((counts > 0) if keep_zero else True)
    if value_cols is None:
        value_cols = [c for c in out.select_dtypes("number").columns if c != n_col]
    for col in [*value_cols, n_col]:
        if small.any():
            out[col] = out[col].astype("float64").mask(small) if col != n_col else (
                out[col].astype("Int64").mask(small))
    out["suppressed"] = small.to_numpy()
    return out


def protect_complement(
    parts: pd.Series,
    counts: pd.Series,
    *,
    total_published: bool,
    min_cell: int,
) -> pd.Series:
    """Which part sums to withhold so that no withheld group is recovered by subtraction.

    A total published beside some of its parts gives away the sum of the others: with
    25,000 euro for the whole network and 10,000 + 4,500 + 5,500 + 3,000 in four areas, the
    fifth area's 2,000 euro follows, though it came from fewer than ``min_cell`` companies.
    This is complementary (secondary) suppression in its simplest case, one total and its
    parts (Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, ch. 4; the
    "singleton" rule of tau-ARGUS): whenever the contributors of the withheld parts are
    more than none but fewer than ``min_cell``, the smallest published parts are withheld
    too, one at a time, until they are ``min_cell`` or more.

    Parameters
    ----------
    parts
        The parts' sums, NaN where already withheld (primary suppression).
    counts
        How many contributors (companies) each part's sum is built on, same index.
    total_published
        Whether the total of the parts is published (else nothing can be subtracted).
    min_cell
        Fewest contributors a published sum, or a recoverable difference, may rest on.

    Returns
    -------
    pandas.Series of bool
        ``True`` for the parts to withhold (the primary ones included).
    """
    withheld = parts.isna()
    if not total_published:
        return withheld
    counts = counts.astype("float64").fillna(0)
    hidden = float(counts[withheld].sum())
    for idx in counts[~withheld].sort_values(kind="stable").index:
        if hidden == 0 or hidden >= min_cell:
            break
        withheld[idx] = True
        hidden += float(counts[idx])
    return withheld




def withheld_mask(table: pd.DataFrame) -> pd.DataFrame:
    """Which cells of a published table are withheld (to be written "n.d.").

    A withheld cell is a missing value in a row flagged ``suppressed`` (primary or
    complementary suppression). A missing value in a row not flagged is "not applicable"
    (an interval that does not exist, a test not run) and is written otherwise ("—").

    Returns
    -------
    pandas.DataFrame of bool
        Same index and columns as ``table``; all false when it has no ``suppressed`` column.
    """
    if "suppressed" not in table.columns:
        return pd.DataFrame(False, index=table.index, columns=table.columns)
    flagged = table["suppressed"].fillna(False).astype(bool).to_numpy()[:, None]
    mask = table.isna() & flagged
    mask["suppressed"] = False
    return mask


#: The p % rule's p (per cent): a sum is sensitive when, once the second largest contributor
#: subtracts its own amount, the rest estimates the largest contribution within p %.
P_PERCENT = 10.0


def dominated(contributions: Sequence[float] | pd.Series, *, p: float = P_PERCENT) -> bool:
    """Whether a sum of magnitudes (euro) is dominated by its largest contributors: p % rule.

    The second largest contributor knows its own amount ``x2``; from the published sum
    ``X`` it bounds the largest ``x1`` by ``X - x2``, an overestimate by the others'
    ``X - x1 - x2``. The sum is sensitive when that margin is less than ``p`` % of ``x1``
    (Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, section 4.2.2; the
    p % rule of tau-ARGUS, recommended over the (n, k) dominance rule by Eurostat's
    *Handbook on Statistical Disclosure Control*, 2010). A sum of one or two contributors
    is always sensitive; zero amounts count as no contribution.

    Parameters
    ----------
    contributions
        Each contributor's amount (euro, non-negative); missing ones are ignored.
    p
        Per cent of the largest contribution the others must leave uncertain.
    """
    amounts = pd.Series(contributions, dtype="float64").dropna()
    amounts = amounts[amounts > 0].sort_values(ascending=False)
    if len(amounts) == 0:
        return False
    if len(amounts) <= 2:
        return True
    x1, x2 = float(amounts.iloc[0]), float(amounts.iloc[1])
    return float(amounts.sum()) - x1 - x2 < p / 100.0 * x1
