"""The worker outcomes: work-family conflict, wlb_fit, satisfaction, intention to leave.

Measures move the outcomes only through ``OutcomeModel.measure_effects`` (all 0.0 in a placebo
wave); company effects come from ``OutcomeModel.company_sd`` (in a normal wave only the WFC
latent has one, drawn with the territory).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.demo.draws import S_PLACEBO, stream, to_scale
from pipeline.demo.outcomes import OUTCOME_LATENTS, OutcomeModel
from pipeline.demo.params import (
    FWC_CAREGIVER,
    FWC_CHILD,
    FWC_FROM_WFC,
    FWC_ITEM_SHIFT,
    FWC_MEAN,
    FWC_PERSON_SD,
    INTENT_FROM_SAT,
    INTENT_FROM_WFC,
    INTENT_MEAN,
    INTENT_SD,
    INTENT_TEMP,
    ITEM_SD,
    SAT_MEASURES_MEAN,
    SAT_MEASURES_SD,
    SAT_WLB_FROM_WFC,
    SAT_WLB_MEAN,
    SAT_WLB_SD,
    WFC_CAREGIVER,
    WFC_CHILD,
    WFC_COMMUTE,
    WFC_ITEM_SHIFT,
    WFC_MEAN,
    WFC_PART_TIME,
    WFC_PERSON_SD,
    WLB_FIT_CUTS,
    WLB_FIT_SD,
)
from pipeline.demo.respondents import Respondents
from pipeline.demo.world import World


@dataclass
class CompanyEffects:
    """The company effects of the respondents' companies, per outcome latent."""

    effect: dict[str, np.ndarray]
    own: dict[str, bool]          # outcomes with an effect of their own (placebo waves)

    def add(self, outcome: str, x: np.ndarray) -> np.ndarray:
        """``x`` plus the outcome's own company effect, where it has one."""
        return x + self.effect[outcome] if self.own[outcome] else x


@dataclass
class Conflict:
    """Work-to-family conflict and the outcomes drawn with it."""

    latent: np.ndarray            # latent WFC score
    wfc: list[np.ndarray]         # wfc_1..5
    fwc: list[np.ndarray]         # fwc_1..5
    wlb_fit: np.ndarray
    sat_wlb: np.ndarray


def _by_company(world: World, model: OutcomeModel) -> dict[str, np.ndarray]:
    """Each outcome's company effect per company (persistent over the phases)."""
    if not model.placebo:
        zero = np.zeros(world.n)
        return {k: world.wfc_company if k == "wfc" else zero for k in OUTCOME_LATENTS}
    z = stream(world.seed, S_PLACEBO).standard_normal((world.n, len(OUTCOME_LATENTS)))
    return {k: model.company_sd[k] * z[:, j] for j, k in enumerate(OUTCOME_LATENTS)}


def company_effects(world: World, model: OutcomeModel, comp: np.ndarray) -> CompanyEffects:
    """The company effects of the companies ``comp`` of the questionnaires.

    Parameters
    ----------
    world
        The territory: its WFC company effect serves normal waves.
    model
        The outcome model; a placebo wave draws every outcome's effect from a stream of its
        own (``S_PLACEBO``), so the other numbers of the wave do not move.
    comp
        The company of each questionnaire.

    Returns
    -------
    CompanyEffects
        Per outcome latent, the effect of each worker's company.
    """
    effect = {k: v[comp] for k, v in _by_company(world, model).items()}
    return CompanyEffects(effect, {k: model.placebo and model.company_sd[k] > 0
                                   for k in OUTCOME_LATENTS})


def draw_conflict(rng: np.random.Generator, who: Respondents, model: OutcomeModel,
                  fx: CompanyEffects) -> Conflict:
    """Work-to-family conflict (latent) and its items, family-to-work conflict, wlb_fit and
    sat_wlb.

    Parameters
    ----------
    rng
        The worker stream of the phase, after the respondents.
    who
        The respondents.
    model
        Gives the effect of FLEX_HOURS or SMART_WORKING on the WFC latent.
    fx
        The company effects.

    Returns
    -------
    Conflict
        The WFC latent (it also drives intent_leave) and the answers drawn from it.
    """
    n = len(who.comp)
    parent, caregiver = who.parent, who.caregiver
    flex = who.active("FLEX_HOURS") | who.active("SMART_WORKING")
    latent = (WFC_MEAN + fx.effect["wfc"] + model.measure_effects["wfc_flex"] * flex
              + WFC_PART_TIME * who.part_time
              + WFC_COMMUTE * (np.minimum(who.commute, 120) - 20)
              + WFC_CHILD * parent + WFC_CAREGIVER * caregiver
              + WFC_PERSON_SD * rng.standard_normal(n))
    fwc_latent = fx.add("fwc", FWC_MEAN + FWC_FROM_WFC * (latent - WFC_MEAN)
                        + FWC_CHILD * parent + FWC_CAREGIVER * caregiver
                        + FWC_PERSON_SD * rng.standard_normal(n))
    wfc = [to_scale(latent + d + ITEM_SD * rng.standard_normal(n), 1, 7) for d in WFC_ITEM_SHIFT]
    fwc = [to_scale(fwc_latent + d + ITEM_SD * rng.standard_normal(n), 1, 7)
           for d in FWC_ITEM_SHIFT]
    fit_x = fx.add("wlb_fit", latent + WLB_FIT_SD * rng.standard_normal(n))
    wlb_fit = (1 + (fit_x >= WLB_FIT_CUTS[0]).astype(np.int8) + (fit_x >= WLB_FIT_CUTS[1])
               + (fit_x >= WLB_FIT_CUTS[2])).astype(np.int8)
    sat_x = fx.add("sat_wlb", SAT_WLB_MEAN - SAT_WLB_FROM_WFC * (latent - WFC_MEAN)
                   + SAT_WLB_SD * rng.standard_normal(n))
    return Conflict(latent=latent, wfc=wfc, fwc=fwc, wlb_fit=wlb_fit,
                    sat_wlb=to_scale(sat_x, 1, 5))


def draw_closing(rng: np.random.Generator, who: Respondents, latent: np.ndarray,
                 n_active_asked: np.ndarray, model: OutcomeModel,
                 fx: CompanyEffects) -> tuple[np.ndarray, np.ndarray]:
    """sat_measures (rising with the active asked measures) and intent_leave.

    Parameters
    ----------
    rng
        The worker stream of the phase, after the need and availability grids.
    who
        The respondents (their contract raises intent_leave).
    latent
        The WFC latent (:class:`Conflict`).
    n_active_asked
        Active asked measures in each worker's company.
    model, fx
        The outcome model and the company effects.

    Returns
    -------
    tuple of numpy.ndarray
        sat_measures and intent_leave, 1-5.
    """
    n = len(who.comp)
    sat_x = fx.add("sat_measures", SAT_MEASURES_MEAN
                   + model.measure_effects["sat_measures_per_active"] * n_active_asked
                   + SAT_MEASURES_SD * rng.standard_normal(n))
    sat_measures = to_scale(sat_x, 1, 5)
    temp = np.isin(who.contract, [1, 2])
    intent_x = fx.add("intent_leave", INTENT_MEAN + INTENT_FROM_WFC * (latent - WFC_MEAN)
                      - INTENT_FROM_SAT * (sat_measures - 3.0) + INTENT_TEMP * temp
                      + INTENT_SD * rng.standard_normal(n))
    return sat_measures, to_scale(intent_x, 1, 5)
