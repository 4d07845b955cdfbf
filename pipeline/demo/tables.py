"""The contract tables of a demo wave: companies, company survey, local services, network.

:func:`build_demo_tables` assembles them, with the worker survey of
:mod:`pipeline.demo.workers`, as DataFrames (clean, or messy as written to the files).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.codebook import Codebook, load_codebook
from pipeline.demo.draws import (
    S_COMPANY,
    S_MESSY,
    S_NETWORK,
    S_SERVICES,
    choose,
    choose_by,
    choose_fixed,
    sigmoid,
    stream,
    to_scale,
)
from pipeline.demo.frames import clean_frame, export_headers, messy_frame
from pipeline.demo.labels import check_args, wave_year
from pipeline.demo.outcomes import outcome_model
from pipeline.demo.params import ADOPTION_CODES, DESK_MEASURES, LEGAL_FORMS, SECTOR_CODES
from pipeline.demo.workers import worker_columns
from pipeline.demo.world import (
    Municipalities,
    Snapshot,
    World,
    build_world,
    load_municipalities,
    snapshot,
)

#: Company proposals: (text before the municipality name, text after, uses the name).
PROPOSALS = (
    ("Convenzione con il nido comunale di ", " per i figli dei dipendenti", True),
    ("Navetta condivisa dalla stazione di ", " alla zona industriale", True),
    ("Centro estivo condiviso tra le imprese della rete a ", "", True),
    ("Sportello per pratiche amministrative (730, ISEE) presso il Comune di ", "", True),
    ("Accordo con una cooperativa sociale di ", " per l'assistenza agli anziani", True),
    ("Maggiordomo aziendale condiviso con le imprese vicine", "", False),
    ("Banca ore comune e scambio di buone pratiche sulla flessibilità", "", False),
    ("Piattaforma welfare unica per le piccole imprese della rete", "", False),
    ("Convenzione con centri diurni per anziani e sportello caregiver", "", False),
)
#: Network activities, in the order of their codes, and the texts of their details.
ACTIVITY_DETAILS = {
    "joined": ("Adesione alla rete territoriale per la conciliazione",),
    "training": ("Corso: welfare aziendale e fiscalità (TUIR art. 51)",
                 "Laboratorio: flessibilità oraria e banca ore",
                 "Seminario: smart working nelle PMI",
                 "Incontro: servizi per la prima infanzia nel territorio"),
    "convention_signed": ("Convenzione con asilo nido di ", "Convenzione centro estivo di ",
                          "Convenzione centro diurno anziani di "),
    "brand_affiliation": ("Marchio 'Impresa amica della famiglia'",),
    "agreement_signed": ("Accordo territoriale di welfare ",),
}


# ---- tables: companies and company survey -------------------------------------------------

def _codes_of(state: np.ndarray) -> np.ndarray:
    return np.array(ADOPTION_CODES, dtype=object)[state]


def _companies_table(world: World, snap: Snapshot) -> pd.DataFrame:
    """The territorial mapping, with desk-research ``m_<M>`` for ``DESK_MEASURES``."""
    df = pd.DataFrame({
        "company_id": world.company_id,
        "name": world.name,
        "ateco_section": np.array(SECTOR_CODES, dtype=object)[world.sector],
        "n_employees": snap.n_emp,
        "share_women": world.share_women,
        "municipality": world.munis.codes[world.muni],
        "in_network": snap.member.astype(np.int8),
        "good_practice": world.good_practice,
        "legal_form": np.array(LEGAL_FORMS, dtype=object)[world.legal],
    })
    for j, m in enumerate(DESK_MEASURES):
        if m not in world.measures:
            continue
        st = snap.state[:, world.measures.index(m)]
        codes = _codes_of(np.where(st == 1, 0, st))        # desk research cannot see plans
        df[f"m_{m}"] = pd.Series(np.where(world.desk_found[:, j], codes, None), dtype="str")
    return df


def _company_survey_table(world: World, snap: Snapshot, codebook: Codebook) -> pd.DataFrame:
    """The company questionnaire of the surveyed companies, in codebook column order."""
    rng = stream(world.seed, S_COMPANY, snap.phase)
    s = snap.surveyed
    k = len(s)
    n_emp = snap.n_emp[s]
    st = snap.state[s]
    measures = world.measures
    traits = world.traits[s]

    group = np.where(n_emp < 20, 0, np.where(n_emp < 100, 1, 2))
    role_p = np.array([[0.70, 0.00, 0.20, 0.00, 0.10],       # owner hr admin union other
                       [0.30, 0.40, 0.25, 0.03, 0.02],
                       [0.00, 0.80, 0.10, 0.05, 0.05]])
    roles = codebook.tables["company_survey"].columns["respondent_role"].codes
    role = np.array(roles, dtype=object)[choose_by(rng, role_p, group)]

    out: dict[str, object] = {"company_id": world.company_id[s], "respondent_role": role}
    m_codes = _codes_of(st)
    m_codes[rng.random(m_codes.shape) < 0.01] = None
    for j, m in enumerate(measures):
        out[f"m_{m}"] = m_codes[:, j]

    active = st >= 2
    n_active = active.sum(axis=1)

    def is_active(code: str) -> np.ndarray:
        return active[:, measures.index(code)] if code in measures else np.zeros(k, bool)

    budget = np.round(np.exp(rng.normal(np.log(40 + 18 * n_active), 0.45)) / 10) * 10
    budget[rng.random(k) < 0.10] = np.nan
    out["welfare_budget_per_emp"] = budget
    out["second_level_agreement"] = (is_active("COMPANY_AGREEMENT")
                                     | ((n_emp >= 50) & (traits[:, 0] < 0.15))).astype(np.int8)
    out["union_rep"] = (traits[:, 1] < sigmoid(-2.2 + np.log(n_emp / 15.0))).astype(np.int8)
    out["needs_survey_done"] = (is_active("EMPLOYEE_NEEDS_SURVEY")
                                | (traits[:, 2] < 0.15)).astype(np.int8)

    barrier_p = {"cost": np.full(k, 0.55), "size": np.where(n_emp < 50, 0.45, 0.10),
                 "lack_info": np.full(k, 0.35), "bureaucracy": np.full(k, 0.30),
                 "no_demand": np.full(k, 0.20), "org_constraints": np.full(k, 0.30),
                 "other": np.full(k, 0.05)}
    joined = np.full(k, "", dtype=object)
    count = np.zeros(k, dtype=np.int64)
    for code, p in barrier_p.items():
        pick = (rng.random(k) < p) & (count < 3)
        joined = np.where(pick, joined + np.where(count > 0, "|", "") + code, joined)
        count += pick
    out["barriers"] = np.where(count > 0, joined, None)

    later = min(snap.phase, 2) * 0.08
    interest = 1 + choose_fixed(rng, [0.03, 0.12, 0.45 - later, 0.40 + later], k)
    out["interest_network"] = interest.astype(np.int8)
    extra = {"NURSERY_SHARED": 1.2 * (world.share_women[s] - 0.4), "SUMMER_CAMP": 0.3,
             "COMPANY_SHUTTLE": np.where(n_emp >= 100, 0.4, -0.2), "CONCIERGE": -0.2,
             "ADMIN_DESK": 0.2}
    for m in codebook.measure_codes("shareable"):
        x = 2.3 + 0.35 * (interest - 3) + extra.get(m, 0.0) + rng.normal(0, 0.8, k)
        out[f"interest_shared_{m}"] = to_scale(x, 1, 4)

    amounts = np.array([0, 500, 1000, 2000, 5000, 10000], dtype=float)
    cofund_p = np.array([[0.35, 0.35, 0.20, 0.08, 0.02, 0.00],
                         [0.20, 0.25, 0.30, 0.15, 0.08, 0.02],
                         [0.10, 0.10, 0.25, 0.25, 0.20, 0.10]])
    cofund = amounts[choose_by(rng, cofund_p, group)]
    cofund[rng.random(k) < 0.12] = np.nan
    out["willing_cofund_eur"] = cofund

    t = rng.integers(0, len(PROPOSALS), k)
    before = np.array([p[0] for p in PROPOSALS], dtype=object)[t]
    after = np.array([p[1] for p in PROPOSALS], dtype=object)[t]
    uses = np.array([p[2] for p in PROPOSALS])[t]
    text = before + np.where(uses, world.munis.names[world.muni[s]], "") + after
    out["proposals"] = np.where(rng.random(k) < 0.65, text, None)

    df = pd.DataFrame(out)
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].astype("str")
    ordered = [c for c in codebook.tables["company_survey"].columns if c in df.columns]
    return df[ordered]


# ---- tables: local services and network activity -----------------------------------------

def _local_services_table(seed: int, munis: Municipalities, codebook: Codebook,
                          ) -> pd.DataFrame:
    """Public and private services for families in the larger municipalities."""
    rng = stream(seed, S_SERVICES)
    types = [s["service_type"] for s in codebook.service_types]
    weights = {"NURSERY": 0.26, "PRESCHOOL_EXTENDED": 0.09, "AFTER_SCHOOL": 0.10,
               "SUMMER_CAMP": 0.15, "ELDER_DAY_CENTRE": 0.10, "HOME_CARE": 0.07,
               "CAREGIVER_DESK": 0.06, "FAMILY_DESK": 0.09, "PUBLIC_TRANSPORT": 0.06}
    w = np.array([weights.get(t, 0.05) for t in types])
    n = int(rng.integers(36, 49))
    large = np.flatnonzero(munis.pop >= 10000)
    if len(large) == 0:
        large = np.arange(len(munis.pop))
    p_m = munis.pop[large] ** 0.7
    muni = large[rng.choice(len(large), size=n, p=p_m / p_m.sum())]
    stype = rng.choice(len(types), size=n, p=w / w.sum())
    order = np.lexsort((stype, munis.codes[muni].astype(str)))
    muni, stype = muni[order], stype[order]
    tcode = np.array(types, dtype=object)[stype]

    # capacity range, closing time range (minutes), monthly fee range (public, private)
    spec = {"NURSERY": ((20, 80), (960, 1110), (250, 450), (550, 750)),
            "PRESCHOOL_EXTENDED": ((40, 120), (990, 1080), (60, 120), (200, 350)),
            "AFTER_SCHOOL": ((20, 60), (1020, 1110), (60, 150), (150, 300)),
            "SUMMER_CAMP": ((30, 150), (960, 1050), (200, 380), (300, 500)),
            "ELDER_DAY_CENTRE": ((15, 40), (1020, 1080), (400, 900), (900, 1400)),
            "HOME_CARE": ((20, 200), (1080, 1170), (0, 300), (300, 900)),
            "CAREGIVER_DESK": ((0, 0), (750, 1080), (0, 0), (0, 0)),
            "FAMILY_DESK": ((0, 0), (750, 1080), (0, 0), (0, 0)),
            "PUBLIC_TRANSPORT": ((50, 300), (1170, 1260), (35, 50), (35, 50))}
    default = ((10, 50), (960, 1080), (50, 300), (200, 500))
    rows = np.array([spec.get(t, default) for t in tcode], dtype=float).reshape(n, 4, 2)
    desk = np.isin(tcode, ["PUBLIC_TRANSPORT", "FAMILY_DESK", "CAREGIVER_DESK"])
    provider_p = np.where(desk[:, None], [[0.75, 0.0, 0.25]], [[0.55, 0.15, 0.30]])
    provider = choose(rng, provider_p)
    capacity = np.rint(rows[:, 0, 0] + rng.random(n) * (rows[:, 0, 1] - rows[:, 0, 0]))
    minutes = rows[:, 1, 0] + rng.random(n) * (rows[:, 1, 1] - rows[:, 1, 0])
    minutes = (np.rint(minutes / 15) * 15).astype(np.int64)
    fee_range = np.where((provider == 1)[:, None], rows[:, 3], rows[:, 2])
    fee = fee_range[:, 0] + rng.random(n) * (fee_range[:, 1] - fee_range[:, 0])
    fee = np.where(tcode == "PUBLIC_TRANSPORT", np.round(fee * 2) / 2, np.rint(fee / 5) * 5)
    closes = np.array([f"{m // 60:02d}:{m % 60:02d}" for m in minutes], dtype=object)
    return pd.DataFrame({
        "service_id": [f"S{i:03d}" for i in range(1, n + 1)],
        "municipality": munis.codes[muni],
        "service_type": tcode,
        "provider": np.array(["public", "private", "third_sector"], dtype=object)[provider],
        "capacity": pd.array(np.where(capacity > 0, capacity, np.nan), dtype="Int64"),
        "closes_at": closes,
        "monthly_fee_eur": fee,
    }).astype({"service_id": "str", "municipality": "str", "service_type": "str",
               "provider": "str", "closes_at": "str"})


def _network_table(world: World, phase: int, year: int) -> pd.DataFrame:
    """Events of every phase up to ``phase``: a follow-up keeps the baseline's history."""
    base_year = year - phase
    frames = []
    for j in range(phase + 1):
        rng = stream(world.seed, S_NETWORK, j)
        prev = 0 if j == 0 else world.network_size[j - 1]
        members = world.join_order[: world.network_size[j]]
        new = world.join_order[prev: world.network_size[j]]
        if j == 0:
            start = np.datetime64(f"{base_year - 1}-03-01")
            join_end = np.datetime64(f"{base_year}-03-31")
        else:
            start = np.datetime64(f"{base_year + j}-01-08")
            join_end = np.datetime64(f"{base_year + j}-06-30")
        end = np.datetime64(f"{base_year + j}-09-30")
        span = (join_end - start).astype(int)
        joined = start + (rng.random(len(new)) * span).astype(int).astype("timedelta64[D]")
        after = np.full(world.n, start, dtype="datetime64[D]")
        after[new] = joined
        comp, date, act, det = [new], [joined], [np.zeros(len(new), np.int64)], [
            np.zeros(len(new), np.int64)]
        p = {"training": None, "convention_signed": 0.25 if j == 0 else 0.15,
             "brand_affiliation": 0.15 if j == 0 else 0.10,
             "agreement_signed": 0.10 if j == 0 else 0.15}
        for a, name in enumerate(ACTIVITY_DETAILS, start=0):
            if name == "joined":
                continue
            if name == "training":
                count = choose_fixed(rng, [0.3, 0.4, 0.2, 0.1], len(members))
                who = np.repeat(members, count)
            else:
                who = members[rng.random(len(members)) < p[name]]
            lo = after[who]
            d = lo + (rng.random(len(who)) * (end - lo).astype(int)).astype(int).astype(
                "timedelta64[D]")
            comp.append(who)
            date.append(d)
            act.append(np.full(len(who), a))
            det.append(rng.integers(0, len(ACTIVITY_DETAILS[name]), len(who)))
        comp_a, date_a = np.concatenate(comp), np.concatenate(date)
        act_a, det_a = np.concatenate(act), np.concatenate(det)
        names = list(ACTIVITY_DETAILS)
        flat = np.array([t for a in names for t in ACTIVITY_DETAILS[a]], dtype=object)
        offsets = np.cumsum([0] + [len(ACTIVITY_DETAILS[a]) for a in names])[:-1]
        details = flat[offsets[act_a] + det_a]
        place = world.munis.names[world.muni[comp_a]]
        details = np.where(act_a == names.index("convention_signed"), details + place, details)
        details = np.where(act_a == names.index("agreement_signed"),
                           details + str(base_year + j), details)
        frames.append(pd.DataFrame({"company": comp_a, "date": date_a, "act": act_a,
                                    "detail": details}))
    ev = pd.concat(frames, ignore_index=True).sort_values(
        ["date", "company", "act"], kind="stable", ignore_index=True)
    dates = pd.DatetimeIndex(ev["date"])
    return pd.DataFrame({
        "company_id": world.company_id[ev["company"].to_numpy()],
        "date": dates.strftime("%d/%m/%Y"),
        "activity": np.array(list(ACTIVITY_DETAILS), dtype=object)[ev["act"].to_numpy()],
        "detail": ev["detail"].to_numpy(object),
    }).astype("str")


# ---- all tables of a wave ----------------------------------------------------------------

def build_demo_tables(wave: str = "demo-2013", *, seed: int = 2013, n_companies: int = 400,
                      n_workers: int = 1500, n_surveyed: int = 30, phase: int | None = None,
                      reference_csv: Path | None = None, messy: bool = False,
                      no_effects: bool = False,
                      icc: float | None = None) -> dict[str, pd.DataFrame]:
    """The tables of a demo wave as DataFrames, without writing anything.

    Parameters
    ----------
    wave
        Wave label; gives the phase (``demo-2014`` -> 1) and the calendar year of the
        network events when ``phase`` is None.
    seed, n_companies, n_workers, n_surveyed, phase, reference_csv, no_effects, icc
        As :func:`pipeline.demo.write_demo_wave`.
    messy
        False (default): canonical columns and codes, typed: worker categories as
        ``category`` (need_imp_<M> categories ``1``-``4`` and ``dont_know``), scales as
        ``Int8``, missing answers as NA. True: ``worker_survey`` and ``company_survey`` as
        written to their files (text cells, export headers, Italian labels, missing
        markers, decimal comma).

    Returns
    -------
    dict
        ``companies``, ``company_survey``, ``worker_survey``, ``local_services``,
        ``network_activity``.
    """
    phase = check_args(wave, seed, n_companies, n_workers, n_surveyed, phase)
    model = outcome_model(no_effects, icc)
    codebook = load_codebook()
    munis = load_municipalities(reference_csv)
    world = build_world(int(seed), n_companies, n_workers, n_surveyed, munis, codebook)
    snap = snapshot(world, phase)
    columns = worker_columns(world, snap, codebook, model)
    if messy:
        workers = messy_frame(columns, stream(world.seed, S_MESSY, phase))
        workers.columns = export_headers("worker_survey", list(workers.columns))
    else:
        workers = clean_frame(columns)
    survey = _company_survey_table(world, snap, codebook)
    if messy:
        survey.columns = export_headers("company_survey", list(survey.columns))
    return {
        "companies": _companies_table(world, snap),
        "company_survey": survey,
        "worker_survey": workers,
        "local_services": _local_services_table(world.seed, munis, codebook),
        "network_activity": _network_table(world, phase, wave_year(wave, phase)),
    }
