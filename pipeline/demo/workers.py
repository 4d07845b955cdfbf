"""The worker survey: who answered, their outcomes, needs and availability, non-response.

:func:`worker_columns` draws the columns of ``worker_survey`` as typed column objects
(:class:`Cat`, :class:`Int`, :class:`Num`, :class:`Text`); :mod:`pipeline.demo.frames` turns
them into the clean table or into the cells written to ``worker_survey.csv``. Every draw comes
from one stream per phase, in a fixed order: respondents, work-family conflict, needs,
availability, closing questions, top three needs, comments, item non-response.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.codebook import Codebook
from pipeline.demo.draws import S_WORKERS, choose_by, choose_fixed, sigmoid, stream, to_scale
from pipeline.demo.outcomes import OutcomeModel, outcome_model
from pipeline.demo.params import (
    AVAIL_PROBS,
    NEED_BASE,
    NEED_DEFAULT,
    NEED_DONT_KNOW,
    NEED_DONT_KNOW_DEFAULT,
    NEED_EFFECTS,
    NEED_NOISE_SD,
    NEED_PERSON_SD,
    DemoDataError,
)
from pipeline.demo.respondents import Respondents, draw_respondents
from pipeline.demo.worker_outcomes import company_effects, draw_closing, draw_conflict
from pipeline.demo.world import Snapshot, World

#: Worker questions written after the need and availability grids, as in the questionnaire.
CLOSING_QUESTIONS = ("sat_wlb", "sat_measures", "intent_leave", "top3_needs", "comments")
#: Item non-response per worker column (the rest of the family names apply to families).
MISSING_RATES = {
    "age_band": 0.01, "n_children_u14": 0.015, "care_dependent_adult": 0.015,
    "contract_type": 0.02, "work_time": 0.01, "hours_usual_week": 0.03, "commute_min": 0.03,
    "commute_mode": 0.02, "municipality_res": 0.03, "wlb_fit": 0.015, "wfc": 0.02,
    "fwc": 0.025, "need_imp": 0.025, "avail": 0.025, "sat_wlb": 0.025, "sat_measures": 0.03,
    "intent_leave": 0.03,
}
#: Free-text comments of the workers who write one (8 %).
WORKER_COMMENTS = (
    "Servirebbe più flessibilità in entrata e in uscita.",
    "Con due figli piccoli il nido aziendale sarebbe una grande risorsa.",
    "Difficile conciliare i turni con l'orario della scuola.",
    "Mia madre non è autosufficiente: i permessi non bastano.",
    "Bene il fondo sanitario, però è poco conosciuto.",
    "Una navetta dalla stazione sarebbe comoda; in auto perdo un’ora al giorno.",
    "Più smart working per chi abita lontano.",
    'Orario "spezzato" pesante, servirebbe la banca ore.',
    "Il centro estivo costa troppo per chi ha più figli.",
    "Nessun problema particolare, l'azienda è già attenta.",
    "Vorrei sapere quali servizi sono già disponibili.",
    "Part-time reversibile: chiesto due volte, mai concesso.",
)


@dataclass
class Cat:
    """A categorical column: index into ``codes`` (-1 = missing)."""

    idx: np.ndarray
    codes: Sequence[str]
    labels: Sequence[str] | None = None


@dataclass
class Int:
    """Whole numbers (or an ordinal scale) with a missing mask."""

    values: np.ndarray
    missing: np.ndarray
    dtype: str = "Int8"
    labels: dict[int, str] | None = None


@dataclass
class Num:
    """Decimal numbers."""

    values: np.ndarray            # float, NaN = missing


@dataclass
class Text:
    """Identifiers and free text, written as they are."""

    values: np.ndarray            # object


#: A column of the worker survey before it becomes a DataFrame column.
Column = Cat | Int | Num | Text


def _it_labels(codebook: Codebook, table: str, column: str) -> list[str]:
    """The Italian labels of a column's codes, in code order."""
    col = codebook.tables[table].columns[column]
    return [col.code_label(c, "it") for c in col.codes]


def worker_columns(world: World, snap: Snapshot, codebook: Codebook,
                   model: OutcomeModel | None = None) -> dict[str, Column]:
    """Draw the worker survey of a phase, column by column.

    Parameters
    ----------
    world
        The territory (:func:`pipeline.demo.world.build_world`).
    snap
        The territory at the wave's phase: surveyed companies, their questionnaires and
        measures.
    codebook
        Gives the columns, codes, labels and asked measures of ``worker_survey``.
    model
        The outcome model (default: a normal wave,
        :func:`pipeline.demo.outcomes.outcome_model`).

    Returns
    -------
    dict
        Every column of ``worker_survey`` in questionnaire order (closing questions after the
        need and availability grids), with item non-response applied.

    Raises
    ------
    DemoDataError
        The codebook has a worker column the generator does not know.
    """
    model = model or outcome_model()
    rng = stream(world.seed, S_WORKERS, snap.phase)
    cols = codebook.tables["worker_survey"].columns
    asked = codebook.measure_codes("asked_workers")

    comp = np.repeat(snap.surveyed, snap.alloc)
    comp = comp[rng.permutation(len(comp))]
    n = len(comp)
    who = draw_respondents(rng, world, snap, comp, codebook)
    fx = company_effects(world, model, comp)
    conflict = draw_conflict(rng, who, model, fx)
    need_latent = _need_latent(rng, who, asked, list(cols["commute_mode"].codes))
    grids, n_active_asked = _grid_columns(rng, who, need_latent, asked, codebook)
    sat_measures, intent = draw_closing(rng, who, conflict.latent, n_active_asked, model, fx)
    top_idx, top_codes = _top3_needs(rng, need_latent, asked)
    comment = np.where(rng.random(n) < 0.08, rng.integers(0, len(WORKER_COMMENTS), n), -1)

    base = _respondent_columns(who, world, codebook)
    base.update({
        "wlb_fit": Int(conflict.wlb_fit, np.zeros(n, bool), "Int8",
                       {int(c): cols["wlb_fit"].code_label(c) for c in cols["wlb_fit"].codes}),
        "sat_wlb": Int(conflict.sat_wlb, np.zeros(n, bool)),
        "sat_measures": Int(sat_measures, np.zeros(n, bool)),
        "intent_leave": Int(intent, np.zeros(n, bool)),
        "top3_needs": Cat(top_idx, top_codes),
        "comments": Cat(comment, list(WORKER_COMMENTS)),
    })
    for i in range(5):
        base[f"wfc_{i + 1}"] = Int(conflict.wfc[i], np.zeros(n, bool))
        base[f"fwc_{i + 1}"] = Int(conflict.fwc[i], np.zeros(n, bool))
    base.update(grids)
    _item_nonresponse(rng, base, n)
    return _in_questionnaire_order(base, list(cols))


def _in_questionnaire_order(columns: dict[str, Column], names: list[str]) -> dict[str, Column]:
    """The codebook's worker columns ``names``, closing questions after the measure grids."""
    unknown = [c for c in names if c not in columns]
    if unknown:
        raise DemoDataError(f"the demo generator does not know worker_survey column(s) "
                            f"{', '.join(unknown)}: update pipeline/demo/workers.py")
    order = [c for c in names if c not in CLOSING_QUESTIONS] + [
        c for c in CLOSING_QUESTIONS if c in names]
    return {c: columns[c] for c in order}


def _need_latent(rng: np.random.Generator, who: Respondents, asked: list[str],
                 mode_codes: list[str]) -> np.ndarray:
    """Latent importance of each asked measure (``NEED_BASE`` + ``NEED_EFFECTS`` + noise)."""
    n = len(who.comp)
    drivers = {"woman": who.woman, "parent": who.parent, "caregiver": who.caregiver,
               "public": who.mode == mode_codes.index("public"),
               "shuttle": who.mode == mode_codes.index("shuttle"),
               "commute": np.minimum(who.commute, 120) - 20.0}
    person = NEED_PERSON_SD * rng.standard_normal(n)
    need_latent = np.empty((n, len(asked)), dtype=np.float32)
    for j, m in enumerate(asked):
        x = NEED_BASE.get(m, NEED_DEFAULT) + person + NEED_NOISE_SD * rng.standard_normal(n)
        for driver, coef in NEED_EFFECTS.get(m, {}).items():
            x = x + coef * drivers[driver]
        need_latent[:, j] = x
    return need_latent


def _grid_columns(rng: np.random.Generator, who: Respondents, need_latent: np.ndarray,
                  asked: list[str], codebook: Codebook,
                  ) -> tuple[dict[str, Column], np.ndarray]:
    """The need_imp_<M> and avail_<M> columns, and the active asked measures per worker."""
    cols = codebook.tables["worker_survey"].columns
    n = len(who.comp)
    n_active_asked = np.zeros(n, dtype=np.int64)
    out: dict[str, Column] = {}
    avail_codes = list(cols[f"avail_{asked[0]}"].codes)   # used, not_used, not_avail, dk
    avail_table = np.array([AVAIL_PROBS[c] for c in range(4)])
    for j, m in enumerate(asked):
        need = to_scale(need_latent[:, j], 1, 4).astype(np.int64) - 1
        dk = rng.random(n) < NEED_DONT_KNOW.get(m, NEED_DONT_KNOW_DEFAULT)
        need = np.where(dk, 4, need)
        st = who.adoption(m)
        n_active_asked += st >= 2
        which = choose_by(rng, avail_table, st)          # available, not, dk
        p_used = sigmoid(-0.3 + 1.4 * (need_latent[:, j] - 2.5))
        used = rng.random(n) < p_used
        avail = np.where(which == 0, np.where(used, 0, 1), np.where(which == 1, 2, 3))
        need_col = cols[f"need_imp_{m}"]
        out[f"need_imp_{m}"] = Cat(need, [*need_col.codes, "dont_know"],
                                   [need_col.code_label(c) for c in need_col.codes] + ["non so"])
        out[f"avail_{m}"] = Cat(avail, avail_codes,
                                _it_labels(codebook, "worker_survey", f"avail_{m}"))
    return out, n_active_asked


def _top3_needs(rng: np.random.Generator, need_latent: np.ndarray,
                asked: list[str]) -> tuple[np.ndarray, list[str]]:
    """The three most important asked measures, ``|``-joined (some list fewer, some none)."""
    n = len(need_latent)
    order = np.argsort(-need_latent, axis=1, kind="stable")[:, :3].astype(np.int64)
    k_listed = 3 - choose_fixed(rng, [0.88, 0.05, 0.03, 0.04], n)  # 3, 2, 1, none
    none_mark = len(asked)
    second = np.where(k_listed >= 2, order[:, 1], none_mark)
    third = np.where(k_listed >= 3, order[:, 2], none_mark)
    combo = (order[:, 0] * (none_mark + 1) + second) * (none_mark + 1) + third
    uniq, top_idx = np.unique(combo, return_inverse=True)
    names = asked + [""]
    top_codes = []
    for c in uniq:
        parts = [int(c) // (none_mark + 1) ** 2, int(c) // (none_mark + 1) % (none_mark + 1),
                 int(c) % (none_mark + 1)]
        top_codes.append("|".join(names[p] for p in parts if p != none_mark))
    return np.where(k_listed == 0, -1, top_idx.reshape(-1)), top_codes


def _respondent_columns(who: Respondents, world: World,
                        codebook: Codebook) -> dict[str, Column]:
    """Identifiers and the characteristics of the respondents, as columns (no draws)."""
    cols = codebook.tables["worker_survey"].columns
    n = len(who.comp)

    def cat(name: str, idx: np.ndarray) -> Cat:
        return Cat(idx, cols[name].codes, _it_labels(codebook, "worker_survey", name))

    width = max(6, len(str(n)))
    ids = np.char.add("R", np.char.zfill(np.arange(1, n + 1).astype(f"U{width}"), width))
    return {
        "resp_id": Text(ids.astype(object)),
        "company_id": Text(world.company_id[who.comp]),
        "gender": cat("gender", who.gender),
        "age_band": cat("age_band", who.age),
        "n_children_u14": Int(who.n_kids.astype(np.int64), np.zeros(n, bool), "Int64"),
        "care_dependent_adult": cat("care_dependent_adult", who.care),
        "contract_type": cat("contract_type", who.contract),
        "work_time": cat("work_time", who.part_time.astype(np.int64)),
        "hours_usual_week": Num(who.hours.astype(float)),
        "commute_min": Int(who.commute, np.zeros(n, bool), "Int64"),
        "commute_mode": cat("commute_mode", who.mode),
        "municipality_res": Cat(who.res, list(world.munis.codes)),
    }


def _item_nonresponse(rng: np.random.Generator, columns: dict[str, Column], n: int) -> None:
    """Blank answers at the rates of ``MISSING_RATES``, column by column, in place."""
    for name, col in columns.items():
        rate = MISSING_RATES.get(name)
        if rate is None:
            family = name.split("_")[0] if name.startswith(("wfc_", "fwc_")) else (
                "need_imp" if name.startswith("need_imp_") else
                "avail" if name.startswith("avail_") else None)
            rate = MISSING_RATES.get(family or "", 0.0)
        if rate <= 0:
            continue
        miss = rng.random(n) < rate
        if isinstance(col, Cat):
            col.idx = np.where(miss, -1, col.idx)
        elif isinstance(col, Int):
            col.missing = col.missing | miss
        elif isinstance(col, Num):
            col.values = np.where(miss, np.nan, col.values)
