"""Disclosure control: no published figure on fewer than ``min_cell`` respondents.

Survey microdata are personal data (GDPR). Every table a report publishes passes through
:func:`suppress_small_cells`; :func:`scan_site` re-reads a built site and lists anything that
should not be there (respondent ids, verbatim free text, unsuppressed small cells), so the
rule is checked on the result and not only trusted at the source.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

#: Columns of published tables that hold respondent counts.
COUNT_COLUMNS = ("n", "n_respondents", "n_workers")
#: Free-text answers shorter than this are too generic to identify anyone ("nessuna").
MIN_TEXT_LENGTH = 20


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


@dataclass(frozen=True)
class Finding:
    """Something in a published file that must not be there."""

    file: Path
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.file}: {self.kind}: {self.detail}"


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


def scan_site(
    site: Path,
    *,
    respondent_ids: Iterable[str],
    free_texts: Iterable[str],
    min_cell: int,
) -> list[Finding]:
    """Look through every published text file of a site for disclosure problems.

    Checks: respondent ids as whole tokens, verbatim free-text answers of at least
    :data:`MIN_TEXT_LENGTH` characters, and CSV tables with a count column below
    ``min_cell`` that is not blanked.
    """
    import re

    ids = {i for i in respondent_ids if isinstance(i, str) and i}
    texts = {t.strip() for t in free_texts
             if isinstance(t, str) and len(t.strip()) >= MIN_TEXT_LENGTH}
    findings: list[Finding] = []
    id_pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(ids))) + r")\b") if ids \
        else None
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in (".html", ".csv", ".json", ".md",
                                                              ".txt", ".svg"):
            continue
        content = path.read_text(encoding="utf-8", errors="replace")
        if id_pattern is not None:
            m = id_pattern.search(content)
            if m:
                findings.append(Finding(path, "respondent id", m.group(1)))
        for t in texts:
            if t in content:
                findings.append(Finding(path, "free text", t[:40]))
                break
        if path.suffix.lower() == ".csv":
            table = pd.read_csv(path)
            for col in COUNT_COLUMNS:
                if col in table.columns:
                    counts = pd.to_numeric(table[col], errors="coerce")
                    small = counts.notna() & (counts < min_cell) & (counts > 0)
                    if small.any():
                        findings.append(Finding(
                            path, "small cell",
                            f"column {col} = {int(counts[small].iloc[0])} < {min_cell} "
                            f"(row {int(small.idxmax()) + 2})"))
    return findings
