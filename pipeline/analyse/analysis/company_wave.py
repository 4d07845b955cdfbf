"""What every company report of a wave computes alike: the wave's yardsticks, once.

A company report compares one company with the other companies of its wave and with its
own previous wave. Part of that work does not depend on the company: the maturity scores
of every surveyed company (of this wave and of the previous one, on this wave's codebook:
one yardstick for both) and every company's workers against the other companies' (needs
and work-life balance, on the wave's survey design: one pass over the answers for all the
companies, where one per company made a report's cost grow with the wave).
:func:`company_wave` computes it from the wave's tables; the company notebook takes it
from :func:`pipeline.notebook.open_company_wave`, which, in a batch of company reports
(:mod:`pipeline.run.batch`), computes it once for all the companies of the wave.

Every frame here is shared by the reports of a batch: the report of one company reads it
and never changes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd

from pipeline.analyse.analysis.company import balance_by_company, needs_by_company
from pipeline.analyse.analysis.measures import maturity_scores, surveyed_companies
from pipeline.analyse.analysis.survey import wave_design
from pipeline.codebook import Codebook


@dataclass(frozen=True)
class CompanyWave:
    """The company-independent part of a wave's company reports.

    Attributes
    ----------
    survey, workers, companies
        The wave's ``company_survey``, ``worker_survey`` and ``companies`` tables.
    codebook
        The codebook in force at the wave's fieldwork.
    scores
        Maturity score (0-100) and class of every surveyed company of the wave
        (:func:`pipeline.analyse.analysis.measures.maturity_scores`). Confidential.
    previous
        The previous wave's tables, ``None`` when there is no processed previous wave.
    scores_then
        The previous wave's maturity scores on this wave's codebook, ``None`` without a
        previous wave.
    needs, balance
        Every surveyed company's workers against the other companies' workers
        (:func:`pipeline.analyse.analysis.company.needs_by_company` on the measures asked
        to the workers, :func:`~pipeline.analyse.analysis.company.balance_by_company`),
        before the small-cell rule. Confidential.
    """

    survey: pd.DataFrame
    workers: pd.DataFrame
    companies: pd.DataFrame
    codebook: Codebook
    scores: pd.DataFrame
    previous: Mapping[str, pd.DataFrame] | None
    scores_then: pd.DataFrame | None
    needs: pd.DataFrame
    balance: pd.DataFrame


def company_wave(tables: Mapping[str, pd.DataFrame], codebook: Codebook,
                 previous: Mapping[str, pd.DataFrame] | None = None) -> CompanyWave:
    """The yardsticks every company report of a wave shares.

    Parameters
    ----------
    tables
        The wave's processed tables (``company_survey``, ``worker_survey``, ``companies``).
    codebook
        The codebook of the wave (its labels and thresholds at the fieldwork).
    previous
        The previous wave's processed tables, or ``None``.

    Returns
    -------
    CompanyWave
    """
    survey, workers, companies = (tables[t] for t in ("company_survey", "worker_survey",
                                                      "companies"))
    scores = maturity_scores(surveyed_companies(survey, companies), codebook=codebook)
    scores_then = None
    if previous is not None:
        scores_then = maturity_scores(
            surveyed_companies(previous["company_survey"], previous["companies"]),
            codebook=codebook)  # one yardstick for both waves
    design = wave_design(workers, companies)
    ids = list(survey["company_id"])
    needs = needs_by_company(workers, design, codebook.measure_codes("asked_workers"),
                             company_ids=ids)
    balance = balance_by_company(workers, design, company_ids=ids)
    return CompanyWave(survey=survey, workers=workers, companies=companies,
                       codebook=codebook, scores=scores, previous=previous,
                       scores_then=scores_then, needs=needs, balance=balance)


# --- shared by a batch ------------------------------------------------------------------------

T = TypeVar("T")
#: What the batch running now opened, by its inputs (None: no batch is running).
_OPENED: dict[tuple[Any, ...], Any] | None = None


@contextmanager
def company_wave_batch() -> Iterator[None]:
    """Company reports run in the block share the wave they open.

    The batch of company reports (:mod:`pipeline.run.batch`) runs the company notebook for
    every company of a wave in one process: the wave is read, and its yardsticks computed,
    once (:func:`pipeline.notebook.open_company_wave`). Outside the block every report
    opens the wave anew, as a notebook run on its own does.
    """
    global _OPENED
    previous, _OPENED = _OPENED, {} if _OPENED is None else _OPENED
    try:
        yield
    finally:
        _OPENED = previous


def opened_once(key: tuple[Any, ...], build: Callable[[], T]) -> T:
    """``build()``, kept by ``key`` (the content of what it reads) inside
    :func:`company_wave_batch`: one wave at a time, the last one opened."""
    if _OPENED is None:
        return build()
    if key not in _OPENED:
        value = build()
        _OPENED.clear()
        _OPENED[key] = value
    return _OPENED[key]
