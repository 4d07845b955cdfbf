"""The outcome model: how company measures and the company itself move worker outcomes.

A normal wave has the built-in effects of the measures and a company effect on the
work-to-family conflict only; a placebo wave (``no_effects``) has every measure effect exactly
0.0 and a company effect with a chosen intra-company correlation on every outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.demo.params import (
    DEFAULT_ICC,
    FWC_FROM_WFC,
    FWC_ITEM_SHIFT,
    FWC_PERSON_SD,
    INTENT_FROM_SAT,
    INTENT_FROM_WFC,
    INTENT_SD,
    ITEM_SD,
    SAT_MEASURES_PER_ACTIVE,
    SAT_MEASURES_SD,
    SAT_WLB_FROM_WFC,
    SAT_WLB_SD,
    WFC_COMPANY_SD,
    WFC_FLEX,
    WFC_ITEM_SHIFT,
    WFC_PERSON_SD,
    WLB_FIT_SD,
    DemoDataError,
)

#: Worker outcomes whose latent score carries a company effect in a placebo wave: the WFC
#: latent (wfc_1..5, wfc_score), the FWC latent (fwc_1..5, fwc_score), wlb_fit (and
#: wlb_fit_good), sat_wlb, sat_measures, intent_leave.
OUTCOME_LATENTS = ("wfc", "fwc", "wlb_fit", "sat_wlb", "sat_measures", "intent_leave")


@dataclass(frozen=True)
class OutcomeModel:
    """How company measures and the company itself move the worker outcomes.

    Attributes
    ----------
    measure_effects
        Every path from a company measure to a worker outcome in the generating model,
        with its coefficient: ``wfc_flex`` (FLEX_HOURS or SMART_WORKING active -> latent
        WFC; also the effect of introducing them between waves) and
        ``sat_measures_per_active`` (each active asked measure -> latent sat_measures). All
        other outcomes depend on measures only through these two. Exactly 0.0 in a placebo
        wave.
    company_sd
        Standard deviation of each outcome's own company effect (keys
        :data:`OUTCOME_LATENTS`). Normal waves: only ``wfc`` (WFC_COMPANY_SD, shared with
        the outcomes built from the WFC latent). Placebo waves: chosen by
        :func:`placebo_company_sd` so that every outcome's latent has an intra-company
        correlation of ``icc``.
    placebo
        True for a placebo wave (``no_effects``).
    icc
        The requested intra-company correlation of a placebo wave, else None.
    """

    measure_effects: dict[str, float]
    company_sd: dict[str, float]
    placebo: bool = False
    icc: float | None = None


def placebo_company_sd(icc: float) -> dict[str, float]:
    """Standard deviations of the company effects that give every outcome latent ``icc``.

    A worker outcome's latent is its worker characteristics' terms (part-time, commute,
    children, caregiving, temporary contract: kept as in a normal wave), a company effect
    and the worker's own noise. ``icc`` is the share of the company effect in the variance of
    the latent once the characteristics are held fixed, ``var(company) / (var(company) +
    var(worker noise))``:

    * ``wfc``: the latent of ``wfc_score`` before rounding, i.e. the WFC latent plus the mean
      of the five item noises N(0, 0.85): worker variance 0.95^2 + 0.85^2 / 5;
    * ``fwc``: likewise for ``fwc_score``;
    * ``wlb_fit``: the continuous latent that is cut at 2.4, 4.3, 5.6 into wlb_fit (and at
      4.3 into wlb_fit_good): a threshold model;
    * ``sat_wlb``, ``sat_measures``, ``intent_leave``: the continuous latent rounded and cut
      to 1-5.

    Outcomes built from the WFC latent (fwc, wlb_fit, sat_wlb, intent_leave) inherit part of
    its company effect; their own effect tops it up to the same ``icc``. sat_measures is
    approximated by its latent inside intent_leave (the rounding adds 0.25^2 / 12 to the
    worker variance: negligible).

    Parameters
    ----------
    icc
        Intra-company correlation, at least 0 and below 1.

    Returns
    -------
    dict
        Standard deviation of each outcome's own company effect, keys
        :data:`OUTCOME_LATENTS`.

    Raises
    ------
    DemoDataError
        ``icc`` outside [0, 1).
    """
    if not 0.0 <= icc < 1.0:
        raise DemoDataError(f"icc must be at least 0 and below 1, not {icc!r}")
    r = icc / (1.0 - icc)
    person = WFC_PERSON_SD ** 2
    items = ITEM_SD ** 2 / len(WFC_ITEM_SHIFT)
    wfc_company = r * (person + items)

    def top_up(noise: float, from_wfc: float = 0.0, extra_within: float = 0.0,
               extra_company: float = 0.0) -> float:
        within = from_wfc ** 2 * person + noise + extra_within
        inherited = from_wfc ** 2 * wfc_company + extra_company
        return float(np.sqrt(max(0.0, r * within - inherited)))

    sat_measures = SAT_MEASURES_SD ** 2
    return {
        "wfc": float(np.sqrt(wfc_company)),
        "fwc": top_up(FWC_PERSON_SD ** 2, FWC_FROM_WFC, ITEM_SD ** 2 / len(FWC_ITEM_SHIFT)),
        "wlb_fit": top_up(WLB_FIT_SD ** 2, 1.0),
        "sat_wlb": top_up(SAT_WLB_SD ** 2, SAT_WLB_FROM_WFC),
        "sat_measures": top_up(sat_measures),
        "intent_leave": top_up(INTENT_SD ** 2, INTENT_FROM_WFC,
                               INTENT_FROM_SAT ** 2 * sat_measures,
                               INTENT_FROM_SAT ** 2 * r * sat_measures),
    }


def outcome_model(no_effects: bool = False, icc: float | None = None) -> OutcomeModel:
    """The outcome model of a normal wave, or of a placebo wave when ``no_effects``.

    A placebo wave has every measure effect exactly 0.0 (no measure, active or introduced
    between waves, moves any worker outcome) and a company effect on every outcome with an
    intra-company correlation ``icc`` (default :data:`DEFAULT_ICC`) on the latent scale
    (:func:`placebo_company_sd`). ``icc`` is refused for a normal wave.

    Parameters
    ----------
    no_effects
        True for a placebo wave.
    icc
        Intra-company correlation of a placebo wave (None: :data:`DEFAULT_ICC`).

    Returns
    -------
    OutcomeModel
        The measure effects and company-effect standard deviations the worker survey uses.

    Raises
    ------
    DemoDataError
        ``icc`` given for a normal wave, not a number, or outside [0, 1).
    """
    if not no_effects:
        if icc is not None:
            raise DemoDataError("icc applies only to placebo waves (no_effects, --no-effects)")
        return OutcomeModel(
            measure_effects={"wfc_flex": WFC_FLEX,
                             "sat_measures_per_active": SAT_MEASURES_PER_ACTIVE},
            company_sd={k: WFC_COMPANY_SD if k == "wfc" else 0.0 for k in OUTCOME_LATENTS})
    icc = DEFAULT_ICC if icc is None else icc
    if isinstance(icc, bool) or not isinstance(icc, int | float | np.floating) or np.isnan(icc):
        raise DemoDataError(f"icc must be a number, not {icc!r}")
    icc = float(icc)
    return OutcomeModel(measure_effects={"wfc_flex": 0.0, "sat_measures_per_active": 0.0},
                        company_sd=placebo_company_sd(icc), placebo=True, icc=icc)
