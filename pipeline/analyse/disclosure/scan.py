"""Scanning a built site for what must never be published.

:func:`scan_site` re-reads a built site and lists anything that should not be there
(respondent ids, verbatim free text, unsuppressed small cells), so the rules are checked on
the result and not only trusted at the source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

#: Columns of published tables that hold respondent counts.
COUNT_COLUMNS = ("n", "n_respondents", "n_workers")
#: Free-text answers shorter than this are too generic to identify anyone ("nessuna").
MIN_TEXT_LENGTH = 20


@dataclass(frozen=True)
class Finding:
    """Something in a published file that must not be there."""

    file: Path
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.file}: {self.kind}: {self.detail}"



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

    from pipeline.analyse.published import read_table  # here: it imports this package

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
            table = read_table(path)  # the published tables' one reader
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
