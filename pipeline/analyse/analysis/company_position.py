"""Where a company's welfare-maturity score lies among the other companies of the network.

The score and its classes are :mod:`.measures_maturity`'s. The other companies are
summarised without any single score (:func:`maturity_position`):

* their quartiles are Harrell-Davis estimates (Harrell & Davis 1982, *Biometrika* 69:635),
  a weighted average of every ordered score, never one company's score read off the list
  (as the ordinary median of an odd number of companies is);
* the share of them with a lower score is withheld, like any share of companies, when
  it would reveal them (:func:`.company.share_withheld_reason`: all of them, none, or all
  but one); the company still learns its quarter.

Nothing is shown with fewer than :data:`.company.MIN_OTHER_COMPANIES` other companies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats.mstats import hdquantiles

from pipeline.analyse.analysis.company import MIN_OTHER_COMPANIES, share_withheld_reason

#: The quartiles of the others, as probabilities.
QUARTILES = (0.25, 0.5, 0.75)


@dataclass(frozen=True)
class Position:
    """A company's maturity score and class, and the other companies' distribution.

    Attributes
    ----------
    score, maturity_class
        The company's score (0-100) and class (``1W``-``5W``).
    n_others
        Other companies with a score.
    q1, median, q3
        Harrell-Davis quartiles of the others' scores (0-100); NaN with fewer than
        :data:`MIN_OTHER_COMPANIES` others.
    quarter
        1-4: below ``q1``, up to the median, up to ``q3``, above; 0 when not shown.
    n_below
        Others with a strictly lower score.
    share_below
        ``n_below / n_others`` (0-1); NaN when withheld (``withheld`` says why).
    withheld
        ``None`` or a reason of :func:`.company.share_withheld_reason`.
    """

    score: float
    maturity_class: str
    n_others: int
    q1: float
    median: float
    q3: float
    quarter: int
    n_below: int
    share_below: float
    withheld: str | None

    @property
    def shown(self) -> bool:
        """Whether the others' distribution may be shown."""
        return self.n_others >= MIN_OTHER_COMPANIES


def others_quartiles(others: pd.Series) -> tuple[float, float, float]:
    """Harrell-Davis quartiles (q1, median, q3) of the others' scores; NaN below the minimum."""
    values = others.dropna().to_numpy(dtype=float)
    if len(values) < MIN_OTHER_COMPANIES:
        return (np.nan, np.nan, np.nan)
    q = np.asarray(hdquantiles(values, prob=list(QUARTILES)), dtype=float)
    return (float(q[0]), float(q[1]), float(q[2]))


def maturity_position(scores: pd.DataFrame, company_id: str) -> Position:
    """The company's score among the other companies' (see the module doc for the rules).

    Parameters
    ----------
    scores
        :func:`.measures_maturity.maturity_scores` of the wave (``company_id``, ``score``,
        ``maturity_class``).
    company_id
        The report's company.

    Raises
    ------
    KeyError
        The company has no score (it did not answer the company questionnaire).
    """
    mine = scores.loc[scores["company_id"] == company_id]
    if mine.empty:
        raise KeyError(f"company {company_id!r} has no maturity score")
    score = float(mine["score"].iloc[0])
    others = scores.loc[scores["company_id"] != company_id, "score"].dropna().astype(float)
    q1, median, q3 = others_quartiles(others)
    n_below = int((others < score).sum())
    shown = len(others) >= MIN_OTHER_COMPANIES
    quarter = int(np.searchsorted([q1, median, q3], score, side="right")) + 1 if shown else 0
    withheld = share_withheld_reason(n_below, len(others))
    return Position(score=score, maturity_class=str(mine["maturity_class"].iloc[0]),
                    n_others=len(others), q1=q1, median=median, q3=q3, quarter=quarter,
                    n_below=n_below,
                    share_below=n_below / len(others) if withheld is None else np.nan,
                    withheld=withheld)


def others_median_active(company_survey: pd.DataFrame, company_id: str) -> float:
    """Harrell-Davis median of the other companies' number of active measures (NaN below
    the minimum), like the score's quartiles never one company's own count."""
    others = company_survey.loc[company_survey["company_id"] != company_id,
                                "n_measures_active"].astype("float64")
    return others_quartiles(others)[1]
