"""What a company could do next: its workers' needs no active measure covers, and the
measures that similar companies of the network have and it has not.

* **Uncovered needs** (:func:`uncovered_needs`): measures that at least
  :data:`UNMET_NEED_SHARE` of the company's own workers rate important or very important
  (the needs table's top-2-box, a post-stratified share) and that the company does not
  have active. Shown only when the company's worker answers reach ``min_cell``
  (:func:`workers_withheld_reason`), and then only the measures whose share rests on at
  least ``min_cell`` valid answers.
* **Similar companies** (:func:`peer_group`): the other companies of the same size class
  and sector, or failing that of the same size class, or of the same sector: the first
  group with at least :data:`MIN_PEER_COMPANIES` companies; else all the other companies
  (at least :data:`.company.MIN_OTHER_COMPANIES`). One group per report, so no share can
  be subtracted from another.
* **Suggestions** (:func:`peer_suggestions`): measures the company does not have active
  that at least :data:`SUGGESTION_SHARE` of the similar companies have, each share
  published only under :func:`.company.share_withheld_reason` (a measure whose share is
  withheld is never suggested: the suggestion would tell the share).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.analyse.analysis.company import MIN_OTHER_COMPANIES, other_companies

#: Share of the company's workers (0-1) rating a measure important from which a need the
#: company does not cover is pointed out: at least half of them.
UNMET_NEED_SHARE = 0.5
#: Share of the similar companies (0-1) having a measure from which it is suggested.
SUGGESTION_SHARE = 0.5
#: Most suggestions listed (the most widespread first).
MAX_SUGGESTIONS = 10
#: The kinds of similar companies, most similar first (the catalogue names each).
PEER_KINDS = ("size_sector", "size", "sector", "network")
#: Fewest companies of a group of similar companies narrower than the whole network. In a
#: smaller group the rule on shares of companies (at least two on each side) hides most of
#: them: of 5 companies only 2 or 3 may be shown, so no measure of 4 or 5 is suggested.
MIN_PEER_COMPANIES = 8


def workers_withheld_reason(n_workers: int, min_cell: int) -> str | None:
    """Why the company's own workers' figures are not shown: ``"none"`` (nobody answered),
    ``"few"`` (fewer than ``min_cell``), or ``None`` (they are shown)."""
    if n_workers == 0:
        return "none"
    if n_workers < min_cell:
        return "few"
    return None


def uncovered_needs(needs: pd.DataFrame, measures: pd.DataFrame, *,
                    share: float = UNMET_NEED_SHARE) -> pd.DataFrame:
    """Measures many of the company's workers rate important and it does not offer.

    Parameters
    ----------
    needs
        One company's rows of :func:`.company.needs_by_company` after the small-cell rule
        (withheld estimates NaN: such a measure is never listed).
    measures
        :func:`.company.company_measures` of the company (``label``, ``status``,
        ``active``).
    share
        Lowest share of the company's workers (0-1).

    Returns
    -------
    pandas.DataFrame
        ``measure``, ``label``, ``status``, ``estimate``, ``ci_low``, ``ci_high``, ``n``
        (the company's workers) and ``others`` (the other companies' workers' share, NaN
        when withheld), the most wanted first.
    """
    mine = needs.loc[needs["scope"] == "company",
                     ["measure", "estimate", "ci_low", "ci_high", "n"]].dropna(subset=["estimate"])
    others = needs[needs["scope"] == "others"].set_index("measure")["estimate"]
    table = mine.merge(measures[["measure", "label", "status", "active"]], on="measure")
    table = table[(table["estimate"] >= share) & ~table["active"]]
    table = table.assign(others=table["measure"].map(others).astype("float64"))
    columns = ["measure", "label", "status", "estimate", "ci_low", "ci_high", "n", "others"]
    return table.sort_values(["estimate", "label"], ascending=[False, True])[columns] \
        .reset_index(drop=True)


@dataclass(frozen=True)
class PeerGroup:
    """The similar companies a company is compared with.

    Attributes
    ----------
    kind
        One of :data:`PEER_KINDS`, or ``"none"`` when even the whole network is too small.
    company_ids
        The similar companies (never the company itself).
    size_class, sector
        The company's own size class and ATECO section (the group's definition).
    """

    kind: str
    company_ids: tuple[str, ...]
    size_class: str | None
    sector: str | None

    def __len__(self) -> int:
        return len(self.company_ids)


def peer_group(company_survey: pd.DataFrame, companies: pd.DataFrame,
               company_id: str) -> PeerGroup:
    """The most similar group of other companies that is large enough (see the module doc).

    Parameters
    ----------
    company_survey
        The company questionnaire (the companies that can be compared).
    companies
        The mapping (``size_class``, ``ateco_section``).
    """
    profile = companies.set_index("company_id")
    others = other_companies(company_survey, company_id)[["company_id"]].join(
        profile[["size_class", "ateco_section"]], on="company_id")
    size = profile["size_class"].get(company_id)
    sector = profile["ateco_section"].get(company_id)
    same_size = others["size_class"] == size
    same_sector = others["ateco_section"] == sector
    masks = {"size_sector": same_size & same_sector, "size": same_size,
             "sector": same_sector, "network": pd.Series(True, index=others.index)}
    size = None if pd.isna(size) else str(size)
    sector = None if pd.isna(sector) else str(sector)
    for kind in PEER_KINDS:
        ids = tuple(others.loc[masks[kind], "company_id"].astype(str))
        if len(ids) >= (MIN_OTHER_COMPANIES if kind == "network" else MIN_PEER_COMPANIES):
            return PeerGroup(kind, ids, size, sector)
    return PeerGroup("none", (), size, sector)


def peer_suggestions(shares: pd.DataFrame, measures: pd.DataFrame,
                     wanted: pd.Series | None = None, *, share: float = SUGGESTION_SHARE,
                     limit: int = MAX_SUGGESTIONS) -> pd.DataFrame:
    """Measures the similar companies have and the company has not, the most common first.

    Parameters
    ----------
    shares
        :func:`.company.company_shares` of the similar companies (withheld shares NaN).
    measures
        :func:`.company.company_measures` of the company.
    wanted
        Measures of :func:`uncovered_needs` (marked ``wanted``); ``None``: none marked.
    share
        Lowest share of the similar companies (0-1).
    limit
        Most rows returned.

    Returns
    -------
    pandas.DataFrame
        ``measure``, ``label``, ``status`` (the company's: absent, planned or NA), ``k``,
        ``n`` (similar companies with it active, that answered), ``share`` (0-1) and
        ``wanted`` (bool).
    """
    table = shares.dropna(subset=["share"]).merge(
        measures[["measure", "label", "status", "active"]], on="measure")
    table = table[(table["share"] >= share) & ~table["active"]]
    asked = set() if wanted is None else set(wanted)
    table = table.assign(wanted=table["measure"].isin(asked))
    table = table.sort_values(["share", "wanted", "label"], ascending=[False, False, True])
    columns = ["measure", "label", "status", "k", "n", "share", "wanted"]
    return table[columns].head(limit).reset_index(drop=True)
