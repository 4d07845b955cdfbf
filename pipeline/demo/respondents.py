"""Who answered the worker survey: gender, age, family, contract, hours and commute.

:func:`draw_respondents` draws the characteristics of the workers of the surveyed companies;
they drive the outcomes (:mod:`pipeline.demo.worker_outcomes`) and the needs
(:mod:`pipeline.demo.workers`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.codebook import Codebook
from pipeline.demo.draws import choose, choose_by, choose_fixed
from pipeline.demo.params import SECTOR_CODES
from pipeline.demo.world import Snapshot, World


@dataclass
class Respondents:
    """Who answered: one entry per questionnaire, with the company's measures."""

    comp: np.ndarray              # company index
    state: np.ndarray             # (n, measures) adoption codes of the company
    measures: list[str]
    gender: np.ndarray            # index into the gender codes F M X NR
    woman: np.ndarray
    age: np.ndarray
    n_kids: np.ndarray
    care: np.ndarray
    contract: np.ndarray
    part_time: np.ndarray
    hours: np.ndarray
    commute: np.ndarray
    mode: np.ndarray
    res: np.ndarray               # municipality of residence, index into munis

    @property
    def parent(self) -> np.ndarray:
        """Parents of a child under 14."""
        return self.n_kids > 0

    @property
    def caregiver(self) -> np.ndarray:
        """Caregivers of a dependent adult (inside or outside the household)."""
        return (self.care == 1) | (self.care == 2)

    def adoption(self, code: str) -> np.ndarray:
        """The company's adoption code (0-3) of measure ``code``."""
        return adoption(self.state, self.measures, code)

    def active(self, code: str) -> np.ndarray:
        """Whether measure ``code`` is active (for some or all) in the worker's company."""
        return self.adoption(code) >= 2


def adoption(state: np.ndarray, measures: list[str], code: str) -> np.ndarray:
    """Column ``code`` of the adoption codes ``state``; 0 (none) if the codebook lacks it."""
    if code not in measures:
        return np.zeros(len(state), np.int8)
    return state[:, measures.index(code)]


def draw_respondents(rng: np.random.Generator, world: World, snap: Snapshot,
                     comp: np.ndarray, codebook: Codebook) -> Respondents:
    """Gender, age, family, contract, hours and commute of the workers of companies ``comp``.

    Parameters
    ----------
    rng
        The worker stream of the phase, right after the shuffle of the questionnaires.
    world, snap
        The territory and its state at the wave's phase.
    comp
        The company of each questionnaire.
    codebook
        Gives the gender codes.

    Returns
    -------
    Respondents
        One entry per questionnaire.
    """
    cols = codebook.tables["worker_survey"].columns
    n = len(comp)
    gender_codes = list(cols["gender"].codes)          # F M X NR
    u = rng.random(n)
    p_x, p_nr = 0.004, 0.012
    s_w = world.share_women[comp] * (1 - p_x - p_nr)
    gender = np.where(u < s_w, 0, np.where(u < 1 - p_x - p_nr, 1,
                                           np.where(u < 1 - p_nr, 2, 3)))
    woman = gender == gender_codes.index("F")
    age = choose_fixed(rng, [0.08, 0.22, 0.28, 0.27, 0.15], n)
    p_child = np.array([0.04, 0.33, 0.66, 0.38, 0.06])[age]
    n_kids = np.where(rng.random(n) < p_child,
                      1 + choose_fixed(rng, [0.48, 0.40, 0.09, 0.03], n), 0)
    parent = n_kids > 0
    care_p = np.array([0.03, 0.05, 0.10, 0.19, 0.24])[age]
    u = rng.random(n)
    care = np.where(u < 0.01, 3, np.where(u < 0.01 + care_p,
                                          np.where(rng.random(n) < 0.4, 1, 2), 0))
    contract_p = np.array([[0.82, 0.10, 0.03, 0.03, 0.02],      # 25 and over
                           [0.45, 0.25, 0.08, 0.20, 0.02]])     # under 25
    contract = choose_by(rng, contract_p, (age == 0).astype(np.int64))
    sector = world.sector[comp]
    service_sector = np.isin(sector, [SECTOR_CODES.index(x) for x in "GIQS"])
    p_pt = np.where(woman, 0.28 + 0.12 * parent, np.where(gender == 1, 0.06, 0.15))
    part_time = rng.random(n) < p_pt + 0.05 * service_sector
    hours = np.where(part_time, np.clip(np.rint(rng.normal(24, 5, n) * 2) / 2, 8, 34),
                     np.clip(np.rint(rng.normal(39.5, 2.5, n) * 2) / 2, 30, 60))
    commute = np.clip(np.exp(rng.normal(np.log(20), 0.6, n)), 2, 150)
    heaped = rng.random(n) < 0.6
    commute = np.where(heaped, np.maximum(5, np.rint(commute / 5) * 5), np.rint(commute))
    commute = commute.astype(np.int64)
    state = snap.state[comp]
    verona = world.munis.codes[world.muni[comp]] == "023091"
    shuttle = adoption(state, world.measures, "COMPANY_SHUTTLE") >= 2
    mode_p = np.column_stack([
        np.full(n, 0.76),                                  # car
        0.09 + 0.08 * verona,                              # public
        np.where(commute <= 15, 0.20, 0.03),               # bike_walk
        np.where(shuttle, 0.15, 0.0),                      # shuttle
        np.full(n, 0.02),                                  # other
    ])
    mode = choose(rng, mode_p)
    same = rng.random(n) < 0.5
    res = np.where(same, world.muni[comp],
                   rng.choice(len(world.munis.pop), size=n,
                              p=world.munis.pop / world.munis.pop.sum()))
    return Respondents(comp=comp, state=state, measures=world.measures, gender=gender,
                       woman=woman, age=age, n_kids=n_kids, care=care, contract=contract,
                       part_time=part_time, hours=hours, commute=commute, mode=mode, res=res)
