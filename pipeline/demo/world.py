"""The simulated territory: companies, the network, the surveyed companies and the measures.

:func:`build_world` draws everything about the companies that does not depend on the phase;
:func:`snapshot` evolves it to a phase (headcounts drift, measures are activated) and spreads
the worker questionnaires over the surveyed companies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.codebook import Codebook
from pipeline.config import get_paths
from pipeline.demo.draws import S_BASE, S_EVOLVE, choose_by, gumbel_order, sigmoid, stream
from pipeline.demo.params import (
    ACTIVE_ALL,
    ACTIVE_ALL_DEFAULT,
    ADOPTION_BASE,
    ADOPTION_COMPANY_SD,
    ADOPTION_DEFAULT,
    ADOPTION_NETWORK,
    ADOPTION_SECTOR,
    ADOPTION_SIZE_SLOPE,
    DESK_MEASURES,
    FIRST_NAMES,
    FLEX_MEASURES,
    LEGAL_BY_SIZE,
    LEGAL_FORMS,
    LEGAL_SUFFIX,
    MAX_PHASE,
    MAX_RESPONSE_RATE,
    MIN_RESPONDENTS,
    P_FLEX_ACTIVATION_NETWORK,
    P_NONE_TO_ACTIVE,
    P_NONE_TO_PLANNED,
    P_PLANNED_TO_ACTIVE,
    P_SOME_TO_ALL,
    PLANNED_SHARE,
    SECTOR_CODES,
    SECTOR_WORDS,
    SECTORS,
    SIZE_MU,
    SIZE_SIGMA,
    SURNAMES,
    SURVEY_GROWTH,
    WFC_COMPANY_SD,
    DemoDataError,
)

# ---- reference data ----------------------------------------------------------------------

@dataclass(frozen=True)
class Municipalities:
    """The ISTAT municipalities of the province, in the order of the reference list."""

    codes: np.ndarray      # object, ISTAT codes '023091'
    names: np.ndarray      # object
    pop: np.ndarray        # float, resident population 2021


def load_municipalities(reference_csv: Path | None = None) -> Municipalities:
    """The ISTAT list of municipalities (``get_paths().municipalities_csv`` by default).

    Parameters
    ----------
    reference_csv
        A CSV with ``com_istat_code``, ``name`` and ``pop_res_2021``.

    Returns
    -------
    Municipalities
        Codes (6 digits), names and resident populations (at least 1).

    Raises
    ------
    DemoDataError
        The file is missing or lacks a column.
    """
    path = Path(reference_csv) if reference_csv is not None else get_paths().municipalities_csv
    if not path.is_file():
        raise DemoDataError(
            f"reference list of municipalities not found: {path} (set WELFARE_REFERENCE_DIR "
            "to the folder holding verona_municipalities.csv)")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = {"com_istat_code", "name", "pop_res_2021"} - set(df.columns)
    if missing:
        raise DemoDataError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    pop = pd.to_numeric(df["pop_res_2021"], errors="coerce").fillna(0).to_numpy(float)
    return Municipalities(codes=df["com_istat_code"].str.zfill(6).to_numpy(object),
                          names=df["name"].to_numpy(object), pop=np.maximum(pop, 1.0))


# ---- the simulated territory -------------------------------------------------------------

@dataclass
class World:
    """Everything about the companies that does not depend on the requested phase."""

    seed: int
    n: int
    n_workers: int
    n_surveyed: int
    measures: list[str]
    munis: Municipalities
    company_id: np.ndarray
    name: np.ndarray
    sector: np.ndarray            # index into SECTOR_CODES
    muni: np.ndarray              # index into munis
    n_emp: np.ndarray             # baseline headcount (raised for surveyed companies)
    share_women: np.ndarray
    legal: np.ndarray
    join_order: np.ndarray        # company indices in the order they join the network
    network_size: np.ndarray      # members at phase 0..MAX_PHASE
    surveyed: list[np.ndarray]    # surveyed companies (sorted indices) at phase 0..MAX_PHASE
    alloc_weight: np.ndarray      # respondents are spread in proportion to this
    good_practice: np.ndarray
    desk_found: np.ndarray        # (n, len(DESK_MEASURES)) bool
    wfc_company: np.ndarray       # company effect on work-to-family conflict
    traits: np.ndarray            # (n, 4) uniforms: persistent company-survey traits
    state0: np.ndarray            # (n, measures) int8 adoption codes at baseline

    def members(self, phase: int) -> np.ndarray:
        """Network members at ``phase`` as a boolean mask over the companies."""
        mask = np.zeros(self.n, dtype=bool)
        mask[self.join_order[: self.network_size[phase]]] = True
        return mask


def build_world(seed: int, n: int, n_workers: int, n_surveyed: int,
                munis: Municipalities, codebook: Codebook) -> World:
    """Draw the territory of a seed and size, the same for every phase.

    Parameters
    ----------
    seed
        The wave's seed.
    n
        Companies of the territorial mapping.
    n_workers
        Worker questionnaires per wave (headcounts of surveyed companies are raised so that
        any phase can give them their share).
    n_surveyed
        Surveyed companies at baseline.
    munis
        The municipalities (:func:`load_municipalities`).
    codebook
        Gives the measures.

    Returns
    -------
    World
        Companies, network order and sizes, surveyed companies per phase and the adoption
        of the measures at baseline.
    """
    measures = codebook.measure_codes()
    sec_share = np.array([SECTORS[s][0] for s in SECTOR_CODES])
    sec_mult = np.array([SECTORS[s][1] for s in SECTOR_CODES])
    sec_women = np.array([SECTORS[s][2] for s in SECTOR_CODES])

    rng = stream(seed, S_BASE, 1)
    muni = rng.choice(len(munis.pop), size=n, p=munis.pop / munis.pop.sum())
    sector = rng.choice(len(SECTOR_CODES), size=n, p=sec_share / sec_share.sum())
    log_n = SIZE_MU + np.log(sec_mult[sector]) + SIZE_SIGMA * rng.standard_normal(n)
    n0 = np.clip(np.rint(np.exp(log_n)), 1, 6000).astype(np.int64)

    # Network: larger companies join first; sizes per phase.
    rng = stream(seed, S_BASE, 2)
    join_order = gumbel_order(rng, n0.astype(float))
    sizes = np.empty(MAX_PHASE + 1, dtype=np.int64)
    lo, hi = round(0.0875 * n), round(0.1125 * n)
    sizes[0] = min(n, max(int(rng.integers(lo, hi + 1)), n_surveyed + 3))
    adds = rng.integers(round(0.02 * n), round(0.03 * n) + 1, size=MAX_PHASE)
    for k in range(1, MAX_PHASE + 1):
        sizes[k] = min(n, sizes[k - 1] + max(int(adds[k - 1]), 1))

    # Surveyed companies: network members, larger ones (10+ employees) first.
    rng = stream(seed, S_BASE, 3)
    survey_rank = np.empty(n, dtype=np.int64)
    survey_rank[gumbel_order(rng, np.where(n0 >= 10, n0.astype(float) ** 0.8, 0.05))] = (
        np.arange(n))
    surveyed: list[np.ndarray] = []
    taken = np.zeros(n, dtype=bool)
    add = max(1, round(SURVEY_GROWTH * n_surveyed))
    for k in range(MAX_PHASE + 1):
        cand = join_order[: sizes[k]]
        cand = cand[~taken[cand]]
        cand = cand[np.argsort(survey_rank[cand], kind="stable")]
        new = cand[: n_surveyed if k == 0 else add]
        taken[new] = True
        surveyed.append(np.flatnonzero(taken))

    # Headcounts large enough for the respondents any phase can give a company.
    alloc_weight = n0.astype(float) ** 0.8
    ever = surveyed[-1]
    bound = MIN_RESPONDENTS + n_workers * alloc_weight[ever] / alloc_weight[surveyed[0]].sum()
    n_emp = n0.copy()
    n_emp[ever] = np.maximum(n0[ever], np.ceil(bound / MAX_RESPONSE_RATE)).astype(np.int64)

    rng = stream(seed, S_BASE, 4)
    mean_w = sec_women[sector]
    share = rng.beta(mean_w * 10, (1 - mean_w) * 10)
    women = rng.binomial(n_emp, share)
    share_women = np.round(women / n_emp, 3)
    size_group = np.where(n_emp <= 5, 0, np.where(n_emp < 50, 1, 2))
    legal = choose_by(rng, LEGAL_BY_SIZE, size_group)
    coop_sector = np.isin(sector, [SECTOR_CODES.index(s) for s in ("Q", "S", "N")])
    legal = np.where(coop_sector & (rng.random(n) < 0.35), LEGAL_FORMS.index("coop"), legal)
    name = _company_names(rng, sector, legal)
    width = max(5, len(str(n)))
    company_id = np.array([f"C{i:0{width}d}" for i in range(1, n + 1)], dtype=object)

    # Adoption at baseline.
    rng = stream(seed, S_BASE, 5)
    member0 = np.zeros(n, dtype=bool)
    member0[join_order[: sizes[0]]] = True
    base = np.array([ADOPTION_BASE.get(m, ADOPTION_DEFAULT) for m in measures])
    sec_eff = np.array([ADOPTION_SECTOR.get(s, 0.0) for s in SECTOR_CODES])[sector]
    logit = (np.log(base / (1 - base))[None, :]
             + (ADOPTION_SIZE_SLOPE * np.log(n_emp / 20.0) + sec_eff
                + ADOPTION_NETWORK * member0
                + ADOPTION_COMPANY_SD * rng.standard_normal(n))[:, None])
    u = rng.random((n, len(measures)), dtype=np.float32)
    v = rng.random((n, len(measures)), dtype=np.float32)
    p_active = sigmoid(logit).astype(np.float32)
    q_all = np.array([ACTIVE_ALL.get(m, ACTIVE_ALL_DEFAULT) for m in measures], np.float32)
    state0 = np.where(u < p_active, np.where(v < q_all, 3, 2),
                      np.where(u < p_active + PLANNED_SHARE * (1 - p_active), 1, 0)
                      ).astype(np.int8)
    if "NETWORK_MEMBERSHIP" in measures:
        state0[member0, measures.index("NETWORK_MEMBERSHIP")] = 3

    n_active = (state0 >= 2).sum(axis=1)
    gp_logit = -4.4 + 0.3 * (n_active - np.median(n_active)) + 1.2 * member0
    good_practice = (rng.random(n) < sigmoid(gp_logit)).astype(np.int8)
    p_found = 0.03 + 0.25 * (n_emp >= 50) + 0.3 * good_practice + 0.15 * member0
    desk_found = rng.random((n, len(DESK_MEASURES))) < p_found[:, None]
    wfc_company = WFC_COMPANY_SD * rng.standard_normal(n)
    traits = rng.random((n, 4))

    return World(seed=seed, n=n, n_workers=n_workers, n_surveyed=n_surveyed,
                 measures=measures, munis=munis, company_id=company_id, name=name,
                 sector=sector, muni=muni, n_emp=n_emp, share_women=share_women, legal=legal,
                 join_order=join_order, network_size=sizes, surveyed=surveyed,
                 alloc_weight=alloc_weight, good_practice=good_practice,
                 desk_found=desk_found, wfc_company=wfc_company, traits=traits,
                 state0=state0)


def _company_names(rng: np.random.Generator, sector: np.ndarray,
                   legal: np.ndarray) -> np.ndarray:
    """Invented company names: surname (and first name for sole traders), sector word, legal
    form; repeats are numbered."""
    n = len(sector)
    words = [w for s in SECTOR_CODES for w in SECTOR_WORDS[s]]
    counts = np.array([len(SECTOR_WORDS[s]) for s in SECTOR_CODES])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    word = np.array(words, dtype=object)[
        offsets[sector] + (rng.random(n) * counts[sector]).astype(np.int64)]
    surname = np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)]
    first = np.array(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), n)]
    suffix = np.array([LEGAL_SUFFIX[f] for f in LEGAL_FORMS], dtype=object)[legal]
    sole = legal == LEGAL_FORMS.index("sole")
    who = np.where(sole, surname + " " + first, surname)
    base = who + " " + word
    # Two companies with one name would be flagged by the gate as a possible duplicate
    # registration: number the repeats ("Adami Ferramenta 2 S.r.l.").
    repeat = pd.Series(base).groupby(base).cumcount().to_numpy()
    numbered = np.where(repeat > 0, base + " " + (repeat + 1).astype(str), base)
    return numbered + suffix


@dataclass
class Snapshot:
    """The territory at one phase: headcounts, adoption, network, surveyed companies."""

    phase: int
    n_emp: np.ndarray
    state: np.ndarray
    member: np.ndarray
    surveyed: np.ndarray
    alloc: np.ndarray = field(default=None)  # type: ignore[assignment]


def snapshot(world: World, phase: int) -> Snapshot:
    """The territory at ``phase``: phase 0 evolved ``phase`` times.

    Parameters
    ----------
    world
        The territory (:func:`build_world`).
    phase
        0 baseline, 1 first follow-up, ...

    Returns
    -------
    Snapshot
        With ``alloc``, the worker questionnaires of each surveyed company.
    """
    measures = world.measures
    n_emp = world.n_emp.copy()
    state = world.state0.copy()
    q_all = np.array([ACTIVE_ALL.get(m, ACTIVE_ALL_DEFAULT) for m in measures], np.float32)
    flex = np.isin(measures, FLEX_MEASURES)
    for k in range(1, phase + 1):
        rng = stream(world.seed, S_EVOLVE, k)
        member = world.members(k)
        drift = np.clip(np.exp(rng.normal(0.01, 0.025, world.n)), 0.94, 1.08)
        n_emp = np.maximum(1, np.rint(n_emp * drift)).astype(np.int64)
        u = rng.random(state.shape, dtype=np.float32)
        v = rng.random(state.shape, dtype=np.float32)
        m_col = member[:, None]
        p_none = np.where(m_col, P_NONE_TO_ACTIVE[1], P_NONE_TO_ACTIVE[0]).astype(np.float32)
        p_none = np.where(m_col & flex[None, :], P_FLEX_ACTIVATION_NETWORK, p_none)
        p_planned = np.where(m_col, P_PLANNED_TO_ACTIVE[1], P_PLANNED_TO_ACTIVE[0])
        p_planned = np.maximum(p_planned, p_none)
        none, planned = state == 0, state == 1
        activate = (none & (u < p_none)) | (planned & (u < p_planned))
        plan = none & ~activate & (u < p_none + P_NONE_TO_PLANNED)
        promote = (state == 2) & (u < P_SOME_TO_ALL)
        state = np.where(activate, np.where(v < q_all, 3, 2), state)
        state = np.where(plan, 1, np.where(promote, 3, state)).astype(np.int8)
        if "NETWORK_MEMBERSHIP" in measures:
            state[member, measures.index("NETWORK_MEMBERSHIP")] = 3
    snap = Snapshot(phase=phase, n_emp=n_emp, state=state, member=world.members(phase),
                    surveyed=world.surveyed[phase])
    snap.alloc = _allocate(world, snap)
    return snap


def _allocate(world: World, snap: Snapshot) -> np.ndarray:
    """Respondents per surveyed company: MIN_RESPONDENTS each, the rest of n_workers in
    proportion to headcount^0.8; never more than the headcount."""
    s = snap.surveyed
    rest = max(0, world.n_workers - MIN_RESPONDENTS * len(s))
    share = rest * world.alloc_weight[s] / world.alloc_weight[s].sum()
    alloc = np.floor(share).astype(np.int64)
    short = rest - int(alloc.sum())
    if short > 0:
        alloc[np.argsort(-(share - alloc), kind="stable")[:short]] += 1
    return np.minimum(MIN_RESPONDENTS + alloc, snap.n_emp[s])
