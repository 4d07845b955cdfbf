"""Deterministic synthetic demo waves that look like the real raw data.

``write_demo_wave("demo-2013", data/raw/demo-2013)`` writes a complete raw wave in the formats
researchers hand over (DATA_CONTRACT.md); :func:`build_demo_tables` builds the same tables as
DataFrames without touching the disk (tests, benchmarks: vectorised numpy, a million workers
and 100,000 companies in a few seconds). Same seed and arguments give byte-identical files.
Every wave written here carries ``synthetic: true`` in ``wave.yaml``, so everything built
from it is marked as synthetic demo data. docs/demo-data.md documents the generator.

Files of a wave
---------------
``companies.csv``        UTF-8 with BOM, ``,`` separator, decimal point, LF
``company_survey.xlsx``  first sheet; fixed workbook and zip timestamps (byte-identical);
                         export header ``D1`` for company_id
``worker_survey.csv``    Windows-1252, ``;`` separator, decimal comma, CRLF (Italian Excel);
                         export headers ``Q03`` (gender) and ``Q12[SQ003]``
                         (need_imp_NURSERY_SHARED), headers with odd case and stray spaces,
                         Italian labels in some cells, missing written as empty / NA / n.d. / -,
                         don't know as ``non so`` / ``dont_know``
``local_services.csv``   UTF-8 without BOM, ``;`` separator, decimal comma, LF
``network_activity.csv`` UTF-8 without BOM, ``,`` separator, dates dd/mm/yyyy, LF
``columns.yaml``         the export-header renames
``wave.yaml``            label, fieldwork dates, notes, previous_wave (follow-ups), synthetic

Phases
------
Phase 0 is the baseline (``demo-2013``), phase ``k`` the k-th follow-up (``demo-2014`` is
phase 1; labels ending in a year Y give phase Y - 2013). All phases of one seed and size share
one simulated territory: the same companies (id, name, sector, municipality), headcounts
drifting by a few per cent a year, the network growing, measures being activated. Phase k is
phase k-1 evolved by one step, so a follow-up wave is consistent with its baseline.

Built-in effects (coefficients of the generating model; the observed differences are a little
smaller because answers are rounded and cut to their scales; docs/demo-data.md has both)
------------------------------------------------------------------------------------------
1. Needs. Importance of a measure = base + effects + person effect N(0, 0.35) + noise
   N(0, 0.7), rounded and cut to 1-4. Women +0.45 and parents of children under 14 +0.9 on
   NURSERY_SHARED, CHILDCARE_VOUCHER and SUMMER_CAMP; caregivers of dependent adults +1.0 on
   ELDERCARE_SERVICES and CAREGIVER_DESK (+0.8 on CARE_LEAVE_EXTRA); see ``NEED_EFFECTS``.
2. Flexibility. Workers of companies where FLEX_HOURS or SMART_WORKING is active have a
   work-to-family conflict (WFC) latent score 0.6 lower (about 0.5 on the observed items),
   hence a better wlb_fit and sat_wlb.
3. Size. The adoption logit of every measure rises by 0.45 per unit of log(headcount / 20).
4. Part-time work: WFC -0.6. Commuting: WFC +0.012 per minute one way above 20 (capped at
   120 minutes).
5. avail_<M> follows the company's m_<M> (``AVAIL_PROBS``): active for all -> 90 % available,
   none -> 82 % not_available and 15 % dont_know.
6. Follow-up. Per phase, each ``planned`` measure becomes active with probability 0.35 (0.50
   in network companies), each ``none`` one with 0.03 (0.05 in network companies, 0.35 for
   FLEX_HOURS and SMART_WORKING in network companies); 2-3 % of the mapped companies join the
   network (+8 to +12 of 400); 20 % more companies answer the questionnaires; headcounts drift
   by exp(N(0.01, 0.025)) cut to [0.94, 1.08]. Companies that activated flexible hours show
   the lower WFC of effect 2.
WFC and FWC items are a latent score plus item noise N(0, 0.85), rounded and cut to 1-7
(Cronbach's alpha about 0.87).

Placebo waves (``no_effects=True``, ``welfare demo-data <wave> --no-effects [--icc 0.2]``)
------------------------------------------------------------------------------------------
The same files, territory, adoption, needs and roughness as the normal wave of the same seed
and sizes (every other column is identical), but the measure effects (effect 2, its follow-up
form in 6, and sat_measures' rise with the active measures) are exactly 0.0
(:func:`outcome_model`), and every worker outcome gets a company effect with intra-company
correlation ``icc`` on its latent scale (:func:`placebo_company_sd`). ``wave.yaml`` keeps
``synthetic: true`` and says in its notes that the wave is a placebo.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from pipeline.atomic import staged_folder
from pipeline.codebook import Codebook, load_codebook
from pipeline.config import check_wave_label, get_paths
from pipeline.errors import PipelineError

#: The baseline year of the demo territory: ``demo-2013`` is phase 0.
BASE_YEAR = 2013
#: Follow-up phases the generator knows (surveyed companies are planned this far ahead).
MAX_PHASE = 10
#: Timestamp written into the XLSX workbook properties and its zip entries.
FIXED_TIMESTAMP = dt.datetime(2013, 1, 1, 0, 0, 0)
#: Files of a demo wave, in the order they are written.
FILES = ("companies.csv", "company_survey.xlsx", "worker_survey.csv", "local_services.csv",
         "network_activity.csv", "columns.yaml", "wave.yaml")

#: Export headers written instead of canonical names, and mapped back by columns.yaml.
EXPORT_RENAMES = {
    "worker_survey": {"gender": "Q03", "need_imp_NURSERY_SHARED": "Q12[SQ003]"},
    "company_survey": {"company_id": "D1"},
}
#: Headers written with another case or stray spaces (matched by ingestion as usual).
HEADER_VARIANTS = {"age_band": " Age_Band ", "work_time": "WORK_TIME",
                   "commute_min": "Commute_Min "}

MIN_RESPONDENTS = 8          # per surveyed company
MAX_RESPONSE_RATE = 0.75     # headcounts of surveyed companies are raised to allow this
SURVEY_GROWTH = 0.2          # more surveyed companies per follow-up phase

# ---- territory ---------------------------------------------------------------------------

#: ATECO section: share of the mapped companies, headcount multiplier, mean share of women.
SECTORS: dict[str, tuple[float, float, float]] = {
    "A": (0.090, 0.7, 0.30), "B": (0.002, 1.5, 0.10), "C": (0.170, 2.2, 0.28),
    "D": (0.003, 1.5, 0.22), "E": (0.006, 2.0, 0.18), "F": (0.120, 0.7, 0.08),
    "G": (0.220, 0.8, 0.50), "H": (0.050, 1.5, 0.20), "I": (0.100, 0.9, 0.58),
    "J": (0.025, 1.0, 0.32), "K": (0.020, 1.6, 0.52), "L": (0.020, 0.4, 0.50),
    "M": (0.060, 0.5, 0.52), "N": (0.040, 1.5, 0.48), "P": (0.008, 1.0, 0.72),
    "Q": (0.035, 2.0, 0.78), "R": (0.012, 0.8, 0.45), "S": (0.030, 0.5, 0.65),
}
#: log(headcount) = SIZE_MU + log(sector multiplier) + SIZE_SIGMA * N(0, 1), cut to 1..6000.
SIZE_MU, SIZE_SIGMA = 1.7, 1.45

LEGAL_FORMS = ("spa", "srl", "coop", "sole", "other")
LEGAL_SUFFIX = {"spa": " S.p.A.", "srl": " S.r.l.", "coop": " Soc. Coop.", "sole": "",
                "other": " S.n.c."}
#: Legal form probabilities by size: 1-5, 6-49, 50+ employees.
LEGAL_BY_SIZE = np.array([[0.00, 0.40, 0.03, 0.45, 0.12],
                          [0.04, 0.72, 0.10, 0.08, 0.06],
                          [0.38, 0.48, 0.12, 0.00, 0.02]])

SURNAMES = ("Rossi", "Zanetti", "Tosi", "Bonomi", "Girelli", "Zenari", "Bertoldi", "Marchi",
            "Castagna", "Tommasi", "Residori", "Ferrari", "Zanini", "Pasetto", "Benedetti",
            "Brunelli", "Menegazzi", "Righetti", "Adami", "Zamboni", "Avesani", "Perbellini",
            "Lonardi", "Fasoli", "Bonetti", "Trevisani", "Scandola", "Tedeschi", "Ferrarini",
            "Bellamoli", "Vantini", "Cordioli", "Gaspari", "Zorzi", "Pavan", "Sartori",
            "Bertolini", "Dalla Valentina", "De Battisti", "Castellani")
FIRST_NAMES = ("Luca", "Marco", "Giulia", "Anna", "Paolo", "Elena", "Giorgio", "Francesca",
               "Stefano", "Chiara", "Nicolò", "Sara")
SECTOR_WORDS: dict[str, tuple[str, ...]] = {
    "A": ("Agricola", "Vini", "Ortofrutta", "Vivai", "Frutticoltura"),
    "B": ("Cave", "Estrazioni"),
    "C": ("Meccanica", "Plastica", "Arredamenti", "Alimentari", "Marmi", "Calzature",
          "Tessile", "Carpenteria", "Packaging"),
    "D": ("Energia",), "E": ("Ecologia", "Servizi Ambientali"),
    "F": ("Costruzioni", "Edilizia", "Impianti"),
    "G": ("Commerciale", "Distribuzione", "Forniture", "Ferramenta", "Market"),
    "H": ("Trasporti", "Logistica", "Autotrasporti"),
    "I": ("Ristorazione", "Hotel", "Catering", "Turismo"),
    "J": ("Informatica", "Software", "Web"),
    "K": ("Assicurazioni", "Finanziaria"), "L": ("Immobiliare",),
    "M": ("Studio Tecnico", "Consulenze", "Engineering", "Progetti"),
    "N": ("Servizi", "Pulizie", "Vigilanza"), "P": ("Formazione",),
    "Q": ("Assistenza", "Servizi Sanitari", "Poliambulatorio"),
    "R": ("Sport", "Eventi"), "S": ("Servizi alla Persona", "Lavanderia", "Acconciature"),
}

# ---- measures ----------------------------------------------------------------------------

#: Probability that a measure is active in a company of 20 employees at baseline (2013).
ADOPTION_BASE: dict[str, float] = {
    "FLEX_HOURS": 0.22, "PART_TIME_REVERSIBLE": 0.30, "HOUR_BANK": 0.35,
    "SHIFT_SELF_SCHEDULING": 0.15, "COMPRESSED_WEEK": 0.06, "SMART_WORKING": 0.04,
    "TELEWORK": 0.05, "NEAR_HOME_HUB": 0.01, "RIGHT_TO_DISCONNECT": 0.03,
    "PARENTAL_LEAVE_TOPUP": 0.08, "PATERNITY_EXTRA": 0.04, "RETURN_TO_WORK": 0.06,
    "CARE_LEAVE_EXTRA": 0.08, "SOLIDARITY_LEAVE": 0.03, "NURSERY_SHARED": 0.02,
    "CHILDCARE_VOUCHER": 0.05, "SUMMER_CAMP": 0.04, "SCHOOL_COSTS": 0.06, "SCHOLARSHIPS": 0.04,
    "ELDERCARE_SERVICES": 0.02, "CAREGIVER_DESK": 0.02, "LTC_INSURANCE": 0.06,
    "HOME_CARE_SUPPORT": 0.02, "HEALTH_FUND": 0.55, "PREVENTION_CHECKUP": 0.15,
    "PSYCH_SUPPORT": 0.03, "WELLNESS_SPORT": 0.06, "PENSION_CONTRIB": 0.25,
    "LIFE_ACCIDENT_INSURANCE": 0.15, "FINANCIAL_EDUCATION": 0.03, "FRINGE_VOUCHERS": 0.20,
    "UTILITIES_RENT_MORTGAGE": 0.03, "MEAL_SERVICE": 0.30, "SOFT_LOANS": 0.05,
    "BONUS_TO_WELFARE": 0.05, "PUBLIC_TRANSPORT_PASS": 0.05, "COMPANY_SHUTTLE": 0.02,
    "CARPOOLING": 0.03, "MOBILITY_MANAGER": 0.02, "CONCIERGE": 0.01, "ADMIN_DESK": 0.05,
    "GROCERY_LAUNDRY": 0.01, "TAKEAWAY_MEALS": 0.02, "NONJOB_TRAINING": 0.08,
    "CULTURE_LEISURE": 0.06, "FAMILY_EVENTS": 0.10, "CRAL": 0.05,
    "EMPLOYEE_NEEDS_SURVEY": 0.06, "MANAGER_WLB_TRAINING": 0.03, "GENDER_EQUALITY_CERT": 0.01,
    "FAMILY_AUDIT_CERT": 0.01, "WLB_CONTACT_PERSON": 0.03, "COMPANY_AGREEMENT": 0.12,
    "TERRITORIAL_AGREEMENT": 0.05, "WELFARE_REGULATION": 0.05, "WELFARE_PLATFORM": 0.03,
    "INTERNAL_COMMUNICATION": 0.15, "SHARED_SERVICES": 0.01, "PUBLIC_CONVENTION": 0.03,
    "NETWORK_MEMBERSHIP": 0.02, "LOCAL_PROVIDERS": 0.04, "COMMUNITY_PROJECTS": 0.05,
}
ADOPTION_DEFAULT = 0.05
ADOPTION_SIZE_SLOPE = 0.45      # logit per unit of log(headcount / 20)
ADOPTION_NETWORK = 0.5          # logit, network members at baseline
ADOPTION_COMPANY_SD = 0.7       # company random effect on the logit
ADOPTION_SECTOR = {"D": 0.3, "J": 0.3, "K": 0.4, "Q": 0.3, "A": -0.3, "F": -0.3, "I": -0.3}
#: Share of active measures active for all employees (else for some).
ACTIVE_ALL: dict[str, float] = {"HEALTH_FUND": 0.9, "PENSION_CONTRIB": 0.8, "MEAL_SERVICE": 0.8,
                                "FRINGE_VOUCHERS": 0.75, "SMART_WORKING": 0.3,
                                "TELEWORK": 0.25, "SHIFT_SELF_SCHEDULING": 0.3,
                                "PART_TIME_REVERSIBLE": 0.6, "FLEX_HOURS": 0.5}
ACTIVE_ALL_DEFAULT = 0.55
PLANNED_SHARE = 0.12            # of inactive measures at baseline
#: Follow-up transitions per phase: (outside the network, inside the network).
P_PLANNED_TO_ACTIVE = (0.35, 0.50)
P_NONE_TO_ACTIVE = (0.03, 0.05)
P_NONE_TO_PLANNED = 0.08
P_FLEX_ACTIVATION_NETWORK = 0.35
P_SOME_TO_ALL = 0.10
FLEX_MEASURES = ("FLEX_HOURS", "SMART_WORKING")
#: Measures recorded by desk research in companies.csv (sparse).
DESK_MEASURES = ("SMART_WORKING", "NURSERY_SHARED", "COMPANY_SHUTTLE", "HEALTH_FUND",
                 "COMPANY_AGREEMENT", "FAMILY_AUDIT_CERT")
ADOPTION_CODES = ("none", "planned", "active_some", "active_all")

# ---- workers -----------------------------------------------------------------------------

WFC_MEAN = 3.35
WFC_FLEX = -0.6            # FLEX_HOURS or SMART_WORKING active in the company
WFC_PART_TIME = -0.6
WFC_COMMUTE = 0.012        # per minute above 20 (one way, capped at 120)
WFC_CHILD = 0.3
WFC_CAREGIVER = 0.25
WFC_COMPANY_SD = 0.25
WFC_PERSON_SD = 0.95
ITEM_SD = 0.85
WFC_ITEM_SHIFT = (0.2, 0.0, -0.1, 0.1, -0.2)
FWC_MEAN = 2.7
#: wlb_fit = 1 + number of these cut points below latent WFC + N(0, 0.9).
WLB_FIT_CUTS = (2.4, 4.3, 5.6)
WLB_FIT_SD = 0.9
FWC_ITEM_SHIFT = (0.1, -0.1, 0.0, 0.2, -0.2)
#: Family-to-work conflict latent = FWC_MEAN + 0.35 (WFC latent - WFC_MEAN) + 0.45 parent
#: + 0.35 caregiver + N(0, 0.85).
FWC_FROM_WFC, FWC_CHILD, FWC_CAREGIVER, FWC_PERSON_SD = 0.35, 0.45, 0.35, 0.85
#: sat_wlb latent = 3.4 - 0.45 (WFC latent - WFC_MEAN) + N(0, 0.8), rounded and cut to 1-5.
SAT_WLB_MEAN, SAT_WLB_FROM_WFC, SAT_WLB_SD = 3.4, 0.45, 0.8
#: sat_measures latent = 2.5 + 0.12 per active asked measure + N(0, 0.9), cut to 1-5.
SAT_MEASURES_MEAN, SAT_MEASURES_PER_ACTIVE, SAT_MEASURES_SD = 2.5, 0.12, 0.9
#: intent_leave latent = 2.1 + 0.3 (WFC latent - WFC_MEAN) - 0.25 (sat_measures - 3)
#: + 0.5 temporary contract + N(0, 0.9), cut to 1-5.
INTENT_MEAN, INTENT_FROM_WFC, INTENT_FROM_SAT, INTENT_TEMP, INTENT_SD = 2.1, 0.3, 0.25, 0.5, 0.9
#: Intra-company correlation of the worker outcomes in a placebo wave (``no_effects``).
DEFAULT_ICC = 0.2

#: Importance of each asked measure (1-4 scale) for a man without children or caregiving.
NEED_BASE: dict[str, float] = {
    "FLEX_HOURS": 3.0, "PART_TIME_REVERSIBLE": 2.2, "HOUR_BANK": 2.8, "SMART_WORKING": 2.5,
    "PARENTAL_LEAVE_TOPUP": 2.0, "CARE_LEAVE_EXTRA": 2.2, "NURSERY_SHARED": 1.6,
    "CHILDCARE_VOUCHER": 1.8, "SUMMER_CAMP": 1.7, "ELDERCARE_SERVICES": 1.8,
    "CAREGIVER_DESK": 1.7, "HEALTH_FUND": 3.0, "PUBLIC_TRANSPORT_PASS": 1.9,
    "COMPANY_SHUTTLE": 1.7, "CONCIERGE": 1.8, "ADMIN_DESK": 2.3,
}
NEED_DEFAULT = 2.2
#: Additive effects on importance: woman, parent of a child under 14, caregiver of a dependent
#: adult, uses public transport, uses the company shuttle, per commute minute above 20.
NEED_EFFECTS: dict[str, dict[str, float]] = {
    "NURSERY_SHARED": {"woman": 0.45, "parent": 0.9},
    "CHILDCARE_VOUCHER": {"woman": 0.45, "parent": 0.9},
    "SUMMER_CAMP": {"woman": 0.45, "parent": 0.9},
    "PARENTAL_LEAVE_TOPUP": {"woman": 0.3, "parent": 0.7},
    "ELDERCARE_SERVICES": {"woman": 0.15, "caregiver": 1.0},
    "CAREGIVER_DESK": {"woman": 0.15, "caregiver": 1.0},
    "CARE_LEAVE_EXTRA": {"caregiver": 0.8},
    "PART_TIME_REVERSIBLE": {"woman": 0.4, "parent": 0.3},
    "FLEX_HOURS": {"woman": 0.15, "parent": 0.3},
    "HOUR_BANK": {"parent": 0.2},
    "SMART_WORKING": {"commute": 0.01},
    "PUBLIC_TRANSPORT_PASS": {"public": 0.8},
    "COMPANY_SHUTTLE": {"commute": 0.01, "shuttle": 0.8},
}
NEED_PERSON_SD, NEED_NOISE_SD = 0.35, 0.7
NEED_DONT_KNOW = {"CONCIERGE": 0.06, "ADMIN_DESK": 0.06, "CAREGIVER_DESK": 0.05}
NEED_DONT_KNOW_DEFAULT = 0.03
#: avail_<M> given the company's m_<M>: P(available), P(not_available), P(dont_know);
#: available answers split into used / not used by the worker's need (logistic).
AVAIL_PROBS = {3: (0.90, 0.04, 0.06), 2: (0.50, 0.38, 0.12), 1: (0.05, 0.75, 0.20),
               0: (0.03, 0.82, 0.15)}

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
#: Share of cells written as their Italian label instead of the code (worker CSV).
ITALIAN_LABEL_RATES = {"gender": 0.10, "work_time": 0.10, "care_dependent_adult": 0.06,
                       "contract_type": 0.05, "commute_mode": 0.05, "age_band": 0.03,
                       "wlb_fit": 0.03, "avail": 0.03, "need_imp": 0.02}
#: How a missing cell is written: empty, NA, n.d., - .
MISSING_TOKENS = ("", "NA", "n.d.", "-")
MISSING_TOKEN_P = (0.7, 0.1, 0.1, 0.1)

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

# ---- streams -----------------------------------------------------------------------------

_S_BASE, _S_EVOLVE, _S_COMPANY, _S_WORKERS, _S_MESSY, _S_SERVICES, _S_NETWORK = range(1, 8)
#: Company effects of a placebo wave: a stream of their own, so that every other number of a
#: placebo wave is the one of the normal wave with the same seed and sizes.
_S_PLACEBO = 8


class DemoDataError(PipelineError, ValueError):
    """Invalid demo-data arguments, or a destination that already holds data."""


def _rng(seed: int, *keys: int) -> np.random.Generator:
    """An independent random stream per (seed, purpose, phase): editing one part of the
    generator never shifts the numbers of another."""
    return np.random.default_rng(np.random.SeedSequence([seed, *keys]))


def _choose(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category index per row of ``probs`` (rows need not be normalised)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(cum)) * cum[:, -1]
    return (u[:, None] >= cum).sum(axis=1).clip(0, probs.shape[1] - 1)


def _choose_by(rng: np.random.Generator, table: np.ndarray, group: np.ndarray) -> np.ndarray:
    """One category index per row, with the probabilities of row ``group`` of ``table``
    (same draws as ``_choose(rng, table[group])`` without building an n x k matrix)."""
    cum = np.cumsum(np.asarray(table, dtype=float), axis=1)
    cum = cum / cum[:, -1:]
    u = rng.random(len(group))
    idx = np.zeros(len(group), dtype=np.int64)
    for j in range(cum.shape[1] - 1):
        idx += u >= cum[group, j]
    return idx


def _choose_fixed(rng: np.random.Generator, probs: Sequence[float], n: int) -> np.ndarray:
    """``n`` category indices drawn with the same probabilities ``probs``."""
    cum = np.cumsum(np.asarray(probs, dtype=float))
    return np.searchsorted(cum / cum[-1], rng.random(n), side="right").clip(0, len(cum) - 1)


def _gumbel_order(rng: np.random.Generator, weight: np.ndarray) -> np.ndarray:
    """A weighted random order without replacement (Gumbel top-k): indices, first = first."""
    key = np.log(np.maximum(weight, 1e-12)) + rng.gumbel(size=len(weight))
    return np.argsort(-key, kind="stable")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _scale(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return np.clip(np.rint(x), lo, hi).astype(np.int8)


# ---- worker outcomes: effects of the measures, company effects ---------------------------

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


# ---- labels and phases -------------------------------------------------------------------

_YEAR = re.compile(r"(\d{4})$")


def infer_phase(wave: str) -> int:
    """Phase of a demo label: ``demo-2013`` -> 0, ``demo-2014`` -> 1 (year - 2013), else 0."""
    m = _YEAR.search(wave)
    return max(0, int(m.group(1)) - BASE_YEAR) if m else 0


def wave_year(wave: str, phase: int) -> int:
    """Calendar year of a wave: the label's final year, else 2013 + phase."""
    m = _YEAR.search(wave)
    return int(m.group(1)) if m else BASE_YEAR + phase


def previous_wave_label(wave: str, phase: int) -> str | None:
    """``demo-2014`` (phase >= 1) -> ``demo-2013``; None for baselines and year-less labels."""
    m = _YEAR.search(wave)
    if phase < 1 or not m:
        return None
    return f"{wave[:m.start()]}{int(m.group(1)) - 1}"


def wave_metadata(wave: str, phase: int | None = None, *, seed: int = 2013,
                  n_companies: int = 400, n_workers: int = 1500,
                  n_surveyed: int = 30, no_effects: bool = False,
                  icc: float | None = None) -> dict[str, object]:
    """The content of ``wave.yaml`` for a demo wave (a placebo wave says so in its notes)."""
    phase = infer_phase(wave) if phase is None else phase
    model = outcome_model(no_effects, icc)
    year = wave_year(wave, phase)
    start = dt.date(year, 10, 1)
    start += dt.timedelta(days=(7 - start.weekday()) % 7)      # first Monday of October
    sizes = (f"seed {seed}, phase {phase}{' baseline' if phase == 0 else ' follow-up'}, "
             f"{n_companies} companies, {n_workers} worker questionnaires requested, "
             f"{n_surveyed} surveyed companies at baseline")
    if model.placebo:
        notes = (f"SYNTHETIC PLACEBO WAVE, not real answers: generated by pipeline.demo with "
                 f"no_effects ({sizes}). No company measure, active or introduced since the "
                 f"previous wave, affects any worker outcome; workers of a company share a "
                 f"company effect on every outcome (intra-company correlation {model.icc:g} "
                 f"on the latent scale). See docs/demo-data.md (Placebo waves).")
    else:
        notes = (f"SYNTHETIC DEMO DATA, not real answers: generated by pipeline.demo "
                 f"({sizes}). See docs/demo-data.md.")
    meta: dict[str, object] = {
        "label": wave,
        "fieldwork_start": start,
        "fieldwork_end": start + dt.timedelta(days=53),          # a Friday, late November
        "notes": notes,
    }
    prev = previous_wave_label(wave, phase)
    if prev is not None:
        meta["previous_wave"] = prev
    meta["synthetic"] = True
    return meta


# ---- reference data ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Municipalities:
    codes: np.ndarray      # object, ISTAT codes '023091'
    names: np.ndarray      # object
    pop: np.ndarray        # float, resident population 2021


def load_municipalities(reference_csv: Path | None = None) -> _Municipalities:
    """The ISTAT list of municipalities (``get_paths().municipalities_csv`` by default)."""
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
    return _Municipalities(codes=df["com_istat_code"].str.zfill(6).to_numpy(object),
                           names=df["name"].to_numpy(object), pop=np.maximum(pop, 1.0))


# ---- the simulated territory -------------------------------------------------------------

@dataclass
class _World:
    """Everything about the companies that does not depend on the requested phase."""

    seed: int
    n: int
    n_workers: int
    n_surveyed: int
    measures: list[str]
    munis: _Municipalities
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
        mask = np.zeros(self.n, dtype=bool)
        mask[self.join_order[: self.network_size[phase]]] = True
        return mask


SECTOR_CODES = tuple(SECTORS)


def _build_world(seed: int, n: int, n_workers: int, n_surveyed: int,
                 munis: _Municipalities, codebook: Codebook) -> _World:
    measures = codebook.measure_codes()
    sec_share = np.array([SECTORS[s][0] for s in SECTOR_CODES])
    sec_mult = np.array([SECTORS[s][1] for s in SECTOR_CODES])
    sec_women = np.array([SECTORS[s][2] for s in SECTOR_CODES])

    rng = _rng(seed, _S_BASE, 1)
    muni = rng.choice(len(munis.pop), size=n, p=munis.pop / munis.pop.sum())
    sector = rng.choice(len(SECTOR_CODES), size=n, p=sec_share / sec_share.sum())
    log_n = SIZE_MU + np.log(sec_mult[sector]) + SIZE_SIGMA * rng.standard_normal(n)
    n0 = np.clip(np.rint(np.exp(log_n)), 1, 6000).astype(np.int64)

    # Network: larger companies join first; sizes per phase.
    rng = _rng(seed, _S_BASE, 2)
    join_order = _gumbel_order(rng, n0.astype(float))
    sizes = np.empty(MAX_PHASE + 1, dtype=np.int64)
    lo, hi = round(0.0875 * n), round(0.1125 * n)
    sizes[0] = min(n, max(int(rng.integers(lo, hi + 1)), n_surveyed + 3))
    adds = rng.integers(round(0.02 * n), round(0.03 * n) + 1, size=MAX_PHASE)
    for k in range(1, MAX_PHASE + 1):
        sizes[k] = min(n, sizes[k - 1] + max(int(adds[k - 1]), 1))

    # Surveyed companies: network members, larger ones (10+ employees) first.
    rng = _rng(seed, _S_BASE, 3)
    survey_rank = np.empty(n, dtype=np.int64)
    survey_rank[_gumbel_order(rng, np.where(n0 >= 10, n0.astype(float) ** 0.8, 0.05))] = (
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

    rng = _rng(seed, _S_BASE, 4)
    mean_w = sec_women[sector]
    share = rng.beta(mean_w * 10, (1 - mean_w) * 10)
    women = rng.binomial(n_emp, share)
    share_women = np.round(women / n_emp, 3)
    size_group = np.where(n_emp <= 5, 0, np.where(n_emp < 50, 1, 2))
    legal = _choose_by(rng, LEGAL_BY_SIZE, size_group)
    coop_sector = np.isin(sector, [SECTOR_CODES.index(s) for s in ("Q", "S", "N")])
    legal = np.where(coop_sector & (rng.random(n) < 0.35), LEGAL_FORMS.index("coop"), legal)
    name = _company_names(rng, sector, legal)
    width = max(5, len(str(n)))
    company_id = np.array([f"C{i:0{width}d}" for i in range(1, n + 1)], dtype=object)

    # Adoption at baseline.
    rng = _rng(seed, _S_BASE, 5)
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
    p_active = _sigmoid(logit).astype(np.float32)
    q_all = np.array([ACTIVE_ALL.get(m, ACTIVE_ALL_DEFAULT) for m in measures], np.float32)
    state0 = np.where(u < p_active, np.where(v < q_all, 3, 2),
                      np.where(u < p_active + PLANNED_SHARE * (1 - p_active), 1, 0)
                      ).astype(np.int8)
    if "NETWORK_MEMBERSHIP" in measures:
        state0[member0, measures.index("NETWORK_MEMBERSHIP")] = 3

    n_active = (state0 >= 2).sum(axis=1)
    gp_logit = -4.4 + 0.3 * (n_active - np.median(n_active)) + 1.2 * member0
    good_practice = (rng.random(n) < _sigmoid(gp_logit)).astype(np.int8)
    p_found = 0.03 + 0.25 * (n_emp >= 50) + 0.3 * good_practice + 0.15 * member0
    desk_found = rng.random((n, len(DESK_MEASURES))) < p_found[:, None]
    wfc_company = WFC_COMPANY_SD * rng.standard_normal(n)
    traits = rng.random((n, 4))

    return _World(seed=seed, n=n, n_workers=n_workers, n_surveyed=n_surveyed,
                  measures=measures, munis=munis, company_id=company_id, name=name,
                  sector=sector, muni=muni, n_emp=n_emp, share_women=share_women, legal=legal,
                  join_order=join_order, network_size=sizes, surveyed=surveyed,
                  alloc_weight=alloc_weight, good_practice=good_practice,
                  desk_found=desk_found, wfc_company=wfc_company, traits=traits,
                  state0=state0)


def _company_names(rng: np.random.Generator, sector: np.ndarray,
                   legal: np.ndarray) -> np.ndarray:
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
class _Snapshot:
    phase: int
    n_emp: np.ndarray
    state: np.ndarray
    member: np.ndarray
    surveyed: np.ndarray
    alloc: np.ndarray = field(default=None)  # type: ignore[assignment]


def _snapshot(world: _World, phase: int) -> _Snapshot:
    """The territory at ``phase``: phase 0 evolved ``phase`` times."""
    measures = world.measures
    n_emp = world.n_emp.copy()
    state = world.state0.copy()
    q_all = np.array([ACTIVE_ALL.get(m, ACTIVE_ALL_DEFAULT) for m in measures], np.float32)
    flex = np.isin(measures, FLEX_MEASURES)
    for k in range(1, phase + 1):
        rng = _rng(world.seed, _S_EVOLVE, k)
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
    snap = _Snapshot(phase=phase, n_emp=n_emp, state=state, member=world.members(phase),
                     surveyed=world.surveyed[phase])
    snap.alloc = _allocate(world, snap)
    return snap


def _allocate(world: _World, snap: _Snapshot) -> np.ndarray:
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


# ---- tables: companies and company survey -------------------------------------------------

def _codes_of(state: np.ndarray) -> np.ndarray:
    return np.array(ADOPTION_CODES, dtype=object)[state]


def _companies_table(world: _World, snap: _Snapshot) -> pd.DataFrame:
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


def _company_survey_table(world: _World, snap: _Snapshot, codebook: Codebook) -> pd.DataFrame:
    rng = _rng(world.seed, _S_COMPANY, snap.phase)
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
    role = np.array(roles, dtype=object)[_choose_by(rng, role_p, group)]

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
    out["union_rep"] = (traits[:, 1] < _sigmoid(-2.2 + np.log(n_emp / 15.0))).astype(np.int8)
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
    interest = 1 + _choose_fixed(rng, [0.03, 0.12, 0.45 - later, 0.40 + later], k)
    out["interest_network"] = interest.astype(np.int8)
    extra = {"NURSERY_SHARED": 1.2 * (world.share_women[s] - 0.4), "SUMMER_CAMP": 0.3,
             "COMPANY_SHUTTLE": np.where(n_emp >= 100, 0.4, -0.2), "CONCIERGE": -0.2,
             "ADMIN_DESK": 0.2}
    for m in codebook.measure_codes("shareable"):
        x = 2.3 + 0.35 * (interest - 3) + extra.get(m, 0.0) + rng.normal(0, 0.8, k)
        out[f"interest_shared_{m}"] = _scale(x, 1, 4)

    amounts = np.array([0, 500, 1000, 2000, 5000, 10000], dtype=float)
    cofund_p = np.array([[0.35, 0.35, 0.20, 0.08, 0.02, 0.00],
                         [0.20, 0.25, 0.30, 0.15, 0.08, 0.02],
                         [0.10, 0.10, 0.25, 0.25, 0.20, 0.10]])
    cofund = amounts[_choose_by(rng, cofund_p, group)]
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


# ---- tables: worker survey ---------------------------------------------------------------

@dataclass
class _Cat:
    """A categorical column: index into ``codes`` (-1 = missing)."""

    idx: np.ndarray
    codes: Sequence[str]
    labels: Sequence[str] | None = None


@dataclass
class _Int:
    """Whole numbers (or an ordinal scale) with a missing mask."""

    values: np.ndarray
    missing: np.ndarray
    dtype: str = "Int8"
    labels: dict[int, str] | None = None


@dataclass
class _Num:
    values: np.ndarray            # float, NaN = missing


@dataclass
class _Text:
    values: np.ndarray            # object


def _it_labels(codebook: Codebook, table: str, column: str) -> list[str]:
    col = codebook.tables[table].columns[column]
    return [col.code_label(c, "it") for c in col.codes]


def _company_effects(world: _World, model: OutcomeModel) -> dict[str, np.ndarray]:
    """Each outcome's company effect per company (persistent over the phases)."""
    if not model.placebo:
        zero = np.zeros(world.n)
        return {k: world.wfc_company if k == "wfc" else zero for k in OUTCOME_LATENTS}
    z = _rng(world.seed, _S_PLACEBO).standard_normal((world.n, len(OUTCOME_LATENTS)))
    return {k: model.company_sd[k] * z[:, j] for j, k in enumerate(OUTCOME_LATENTS)}


def _worker_columns(world: _World, snap: _Snapshot, codebook: Codebook,
                    model: OutcomeModel | None = None,
                    ) -> dict[str, _Cat | _Int | _Num | _Text]:
    model = model or outcome_model()
    rng = _rng(world.seed, _S_WORKERS, snap.phase)
    table = codebook.tables["worker_survey"]
    cols = table.columns
    measures = world.measures
    asked = codebook.measure_codes("asked_workers")

    comp = np.repeat(snap.surveyed, snap.alloc)
    comp = comp[rng.permutation(len(comp))]
    n = len(comp)
    state = snap.state[comp]

    def active(code: str) -> np.ndarray:
        if code not in measures:
            return np.zeros(n, dtype=bool)
        return state[:, measures.index(code)] >= 2

    # Who answered.
    gender_codes = list(cols["gender"].codes)          # F M X NR
    u = rng.random(n)
    p_x, p_nr = 0.004, 0.012
    s_w = world.share_women[comp] * (1 - p_x - p_nr)
    gender = np.where(u < s_w, 0, np.where(u < 1 - p_x - p_nr, 1,
                                           np.where(u < 1 - p_nr, 2, 3)))
    woman = gender == gender_codes.index("F")
    age = _choose_fixed(rng, [0.08, 0.22, 0.28, 0.27, 0.15], n)
    p_child = np.array([0.04, 0.33, 0.66, 0.38, 0.06])[age]
    n_kids = np.where(rng.random(n) < p_child,
                      1 + _choose_fixed(rng, [0.48, 0.40, 0.09, 0.03], n), 0)
    parent = n_kids > 0
    care_p = np.array([0.03, 0.05, 0.10, 0.19, 0.24])[age]
    u = rng.random(n)
    care = np.where(u < 0.01, 3, np.where(u < 0.01 + care_p,
                                          np.where(rng.random(n) < 0.4, 1, 2), 0))
    caregiver = (care == 1) | (care == 2)
    contract_p = np.array([[0.82, 0.10, 0.03, 0.03, 0.02],      # 25 and over
                           [0.45, 0.25, 0.08, 0.20, 0.02]])     # under 25
    contract = _choose_by(rng, contract_p, (age == 0).astype(np.int64))
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
    verona = world.munis.codes[world.muni[comp]] == "023091"
    mode_p = np.column_stack([
        np.full(n, 0.76),                                  # car
        0.09 + 0.08 * verona,                              # public
        np.where(commute <= 15, 0.20, 0.03),               # bike_walk
        np.where(active("COMPANY_SHUTTLE"), 0.15, 0.0),    # shuttle
        np.full(n, 0.02),                                  # other
    ])
    mode = _choose(rng, mode_p)
    mode_codes = list(cols["commute_mode"].codes)
    same = rng.random(n) < 0.5
    res = np.where(same, world.muni[comp],
                   rng.choice(len(world.munis.pop), size=n,
                              p=world.munis.pop / world.munis.pop.sum()))

    # Work-to-family conflict (latent) and its items. Measures move the outcomes only through
    # model.measure_effects (all 0.0 in a placebo wave); company effects come from
    # model.company_sd (in a normal wave only the WFC latent has one).
    effects = model.measure_effects
    company = {k: v[comp] for k, v in _company_effects(world, model).items()}
    own = {k: model.placebo and model.company_sd[k] > 0 for k in OUTCOME_LATENTS}
    flex = active("FLEX_HOURS") | active("SMART_WORKING")
    latent = (WFC_MEAN + company["wfc"] + effects["wfc_flex"] * flex
              + WFC_PART_TIME * part_time
              + WFC_COMMUTE * (np.minimum(commute, 120) - 20)
              + WFC_CHILD * parent + WFC_CAREGIVER * caregiver
              + WFC_PERSON_SD * rng.standard_normal(n))
    fwc_latent = (FWC_MEAN + FWC_FROM_WFC * (latent - WFC_MEAN) + FWC_CHILD * parent
                  + FWC_CAREGIVER * caregiver + FWC_PERSON_SD * rng.standard_normal(n))
    if own["fwc"]:
        fwc_latent = fwc_latent + company["fwc"]
    wfc = [_scale(latent + d + ITEM_SD * rng.standard_normal(n), 1, 7) for d in WFC_ITEM_SHIFT]
    fwc = [_scale(fwc_latent + d + ITEM_SD * rng.standard_normal(n), 1, 7)
           for d in FWC_ITEM_SHIFT]
    fit_x = latent + WLB_FIT_SD * rng.standard_normal(n)
    if own["wlb_fit"]:
        fit_x = fit_x + company["wlb_fit"]
    wlb_fit = (1 + (fit_x >= WLB_FIT_CUTS[0]).astype(np.int8) + (fit_x >= WLB_FIT_CUTS[1])
               + (fit_x >= WLB_FIT_CUTS[2])).astype(np.int8)
    sat_x = (SAT_WLB_MEAN - SAT_WLB_FROM_WFC * (latent - WFC_MEAN)
             + SAT_WLB_SD * rng.standard_normal(n))
    if own["sat_wlb"]:
        sat_x = sat_x + company["sat_wlb"]
    sat_wlb = _scale(sat_x, 1, 5)

    # Needs and availability.
    public = mode == mode_codes.index("public")
    shuttle = mode == mode_codes.index("shuttle")
    drivers = {"woman": woman, "parent": parent, "caregiver": caregiver, "public": public,
               "shuttle": shuttle, "commute": np.minimum(commute, 120) - 20.0}
    person = NEED_PERSON_SD * rng.standard_normal(n)
    need_latent = np.empty((n, len(asked)), dtype=np.float32)
    for j, m in enumerate(asked):
        x = NEED_BASE.get(m, NEED_DEFAULT) + person + NEED_NOISE_SD * rng.standard_normal(n)
        for driver, coef in NEED_EFFECTS.get(m, {}).items():
            x = x + coef * drivers[driver]
        need_latent[:, j] = x
    n_active_asked = np.zeros(n, dtype=np.int64)
    out: dict[str, _Cat | _Int | _Num | _Text] = {}
    avail_codes = list(cols[f"avail_{asked[0]}"].codes)   # used, not_used, not_avail, dk
    avail_table = np.array([AVAIL_PROBS[c] for c in range(4)])
    for j, m in enumerate(asked):
        need = _scale(need_latent[:, j], 1, 4).astype(np.int64) - 1
        dk = rng.random(n) < NEED_DONT_KNOW.get(m, NEED_DONT_KNOW_DEFAULT)
        need = np.where(dk, 4, need)
        st = state[:, measures.index(m)] if m in measures else np.zeros(n, np.int8)
        n_active_asked += st >= 2
        which = _choose_by(rng, avail_table, st)          # available, not, dk
        p_used = _sigmoid(-0.3 + 1.4 * (need_latent[:, j] - 2.5))
        used = rng.random(n) < p_used
        avail = np.where(which == 0, np.where(used, 0, 1), np.where(which == 1, 2, 3))
        need_col = cols[f"need_imp_{m}"]
        out[f"need_imp_{m}"] = _Cat(need, [*need_col.codes, "dont_know"],
                                    [need_col.code_label(c) for c in need_col.codes] + ["non so"])
        out[f"avail_{m}"] = _Cat(avail, avail_codes,
                                 _it_labels(codebook, "worker_survey", f"avail_{m}"))
    sat_x = (SAT_MEASURES_MEAN + effects["sat_measures_per_active"] * n_active_asked
             + SAT_MEASURES_SD * rng.standard_normal(n))
    if own["sat_measures"]:
        sat_x = sat_x + company["sat_measures"]
    sat_measures = _scale(sat_x, 1, 5)
    temp = np.isin(contract, [1, 2])
    intent_x = (INTENT_MEAN + INTENT_FROM_WFC * (latent - WFC_MEAN)
                - INTENT_FROM_SAT * (sat_measures - 3.0) + INTENT_TEMP * temp
                + INTENT_SD * rng.standard_normal(n))
    if own["intent_leave"]:
        intent_x = intent_x + company["intent_leave"]
    intent = _scale(intent_x, 1, 5)

    # Top three needs: the three most important asked measures (some list fewer).
    order = np.argsort(-need_latent, axis=1, kind="stable")[:, :3].astype(np.int64)
    k_listed = 3 - _choose_fixed(rng, [0.88, 0.05, 0.03, 0.04], n)  # 3, 2, 1, none
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
    top_idx = np.where(k_listed == 0, -1, top_idx.reshape(-1))

    comment = np.where(rng.random(n) < 0.08, rng.integers(0, len(WORKER_COMMENTS), n), -1)

    width = max(6, len(str(n)))
    ids = np.char.add("R", np.char.zfill(np.arange(1, n + 1).astype(f"U{width}"), width))
    base: dict[str, _Cat | _Int | _Num | _Text] = {
        "resp_id": _Text(ids.astype(object)),
        "company_id": _Text(world.company_id[comp]),
        "gender": _Cat(gender, gender_codes, _it_labels(codebook, "worker_survey", "gender")),
        "age_band": _Cat(age, cols["age_band"].codes,
                         _it_labels(codebook, "worker_survey", "age_band")),
        "n_children_u14": _Int(n_kids.astype(np.int64), np.zeros(n, bool), "Int64"),
        "care_dependent_adult": _Cat(care, cols["care_dependent_adult"].codes,
                                     _it_labels(codebook, "worker_survey",
                                                "care_dependent_adult")),
        "contract_type": _Cat(contract, cols["contract_type"].codes,
                              _it_labels(codebook, "worker_survey", "contract_type")),
        "work_time": _Cat(part_time.astype(np.int64), cols["work_time"].codes,
                          _it_labels(codebook, "worker_survey", "work_time")),
        "hours_usual_week": _Num(hours.astype(float)),
        "commute_min": _Int(commute, np.zeros(n, bool), "Int64"),
        "commute_mode": _Cat(mode, mode_codes,
                             _it_labels(codebook, "worker_survey", "commute_mode")),
        "municipality_res": _Cat(res, list(world.munis.codes)),
        "wlb_fit": _Int(wlb_fit, np.zeros(n, bool), "Int8",
                        {int(c): cols["wlb_fit"].code_label(c) for c in cols["wlb_fit"].codes}),
        "sat_wlb": _Int(sat_wlb, np.zeros(n, bool)),
        "sat_measures": _Int(sat_measures, np.zeros(n, bool)),
        "intent_leave": _Int(intent, np.zeros(n, bool)),
        "top3_needs": _Cat(top_idx, top_codes),
        "comments": _Cat(comment, list(WORKER_COMMENTS)),
    }
    for i in range(5):
        base[f"wfc_{i + 1}"] = _Int(wfc[i], np.zeros(n, bool))
        base[f"fwc_{i + 1}"] = _Int(fwc[i], np.zeros(n, bool))
    base.update(out)

    # Item non-response.
    for name, col in base.items():
        rate = MISSING_RATES.get(name)
        if rate is None:
            family = name.split("_")[0] if name.startswith(("wfc_", "fwc_")) else (
                "need_imp" if name.startswith("need_imp_") else
                "avail" if name.startswith("avail_") else None)
            rate = MISSING_RATES.get(family or "", 0.0)
        if rate <= 0:
            continue
        miss = rng.random(n) < rate
        if isinstance(col, _Cat):
            col.idx = np.where(miss, -1, col.idx)
        elif isinstance(col, _Int):
            col.missing = col.missing | miss
        elif isinstance(col, _Num):
            col.values = np.where(miss, np.nan, col.values)

    unknown = [c for c in cols if c not in base]
    if unknown:
        raise DemoDataError(f"the demo generator does not know worker_survey column(s) "
                            f"{', '.join(unknown)}: update pipeline/demo/")
    # Questionnaire order: closing questions after the measure grids.
    order = [c for c in cols if c not in CLOSING_QUESTIONS] + [
        c for c in CLOSING_QUESTIONS if c in cols]
    return {c: base[c] for c in order}


def _clean_frame(columns: dict[str, _Cat | _Int | _Num | _Text]) -> pd.DataFrame:
    data: dict[str, object] = {}
    for name, col in columns.items():
        if isinstance(col, _Cat):
            data[name] = pd.Categorical.from_codes(col.idx, categories=list(col.codes))
        elif isinstance(col, _Int):
            data[name] = pd.arrays.IntegerArray(col.values.astype(col.dtype.lower()),
                                                col.missing.copy())
        elif isinstance(col, _Num):
            data[name] = col.values
        else:
            data[name] = pd.array(col.values, dtype="str")
    return pd.DataFrame(data)


def _missing_cells(rng: np.random.Generator, k: int) -> np.ndarray:
    return np.array(MISSING_TOKENS, dtype=object)[
        _choose_fixed(rng, MISSING_TOKEN_P, k)] if k else np.empty(0, object)


def _messy_frame(columns: dict[str, _Cat | _Int | _Num | _Text], rng: np.random.Generator,
                 ) -> pd.DataFrame:
    """The worker survey as text cells, written the way Italian Excel and survey tools do."""
    data: dict[str, np.ndarray] = {}
    for name, col in columns.items():
        family = ("need_imp" if name.startswith("need_imp_") else
                  "avail" if name.startswith("avail_") else name)
        p_label = ITALIAN_LABEL_RATES.get(family, 0.0)
        if isinstance(col, _Text):
            data[name] = col.values
            continue
        if isinstance(col, _Num):
            vals = col.values
            missing = np.isnan(vals)
            uniq, inv = np.unique(np.where(missing, 0.0, vals), return_inverse=True)
            text = np.array([f"{v:g}".replace(".", ",") for v in uniq], dtype=object)
            cells = text[inv.reshape(-1)]
        elif isinstance(col, _Int):
            missing = col.missing
            lo = int(col.values.min()) if len(col.values) else 0
            hi = int(col.values.max()) if len(col.values) else 0
            text = np.array([str(v) for v in range(lo, hi + 1)], dtype=object)
            cells = text[col.values.astype(np.int64) - lo]
            if col.labels and p_label:
                lab = np.array([col.labels.get(v, str(v)) for v in range(lo, hi + 1)], object)
                pick = rng.random(len(cells)) < p_label
                cells = np.where(pick, lab[col.values.astype(np.int64) - lo], cells)
        else:
            missing = col.idx < 0
            idx = np.maximum(col.idx, 0)
            codes = np.array(list(col.codes) + [""], dtype=object)
            cells = codes[np.where(missing, len(col.codes), idx)]
            labels = col.labels
            if family == "need_imp":
                # "Don't know": half written as the code, half as the Italian words.
                dk = col.idx == len(col.codes) - 1
                cells = np.where(dk & (rng.random(len(cells)) < 0.5), "non so", cells)
                missing_or_dk = missing | dk
            else:
                missing_or_dk = missing
            if labels is not None and p_label:
                lab = np.array(list(labels) + [""], dtype=object)
                pick = (rng.random(len(cells)) < p_label) & ~missing_or_dk
                lower = rng.random(len(cells)) < 0.25
                lab_cells = lab[idx]
                lab_lower = np.array([s.lower() for s in labels] + [""], dtype=object)[idx]
                cells = np.where(pick, np.where(lower, lab_lower, lab_cells), cells)
            if name in ("comments", "top3_needs"):
                # Free text and lists: an unanswered cell is simply empty.
                data[name] = np.where(missing, "", cells)
                continue
        cells = cells.copy()
        cells[missing] = _missing_cells(rng, int(missing.sum()))
        data[name] = cells
    return pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in data.items()})


# ---- tables: local services and network activity -----------------------------------------

def _local_services_table(seed: int, munis: _Municipalities, codebook: Codebook,
                          ) -> pd.DataFrame:
    rng = _rng(seed, _S_SERVICES)
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
    provider = _choose(rng, provider_p)
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


def _network_table(world: _World, phase: int, year: int) -> pd.DataFrame:
    """Events of every phase up to ``phase``: a follow-up keeps the baseline's history."""
    base_year = year - phase
    frames = []
    for j in range(phase + 1):
        rng = _rng(world.seed, _S_NETWORK, j)
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
                count = _choose_fixed(rng, [0.3, 0.4, 0.2, 0.1], len(members))
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


# ---- public API --------------------------------------------------------------------------

def _check_args(wave: str, seed: int, n_companies: int, n_workers: int, n_surveyed: int,
                phase: int | None) -> int:
    try:
        check_wave_label(wave)
    except ValueError as err:
        raise DemoDataError(str(err)) from None
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise DemoDataError(f"the seed must be a whole number >= 0, not {seed!r}")
    if n_surveyed < 1:
        raise DemoDataError("at least 1 surveyed company is needed (--surveyed)")
    if n_companies < n_surveyed:
        raise DemoDataError(f"{n_companies} companies cannot hold {n_surveyed} surveyed "
                            "companies: use more companies or fewer surveyed")
    if n_workers < MIN_RESPONDENTS * n_surveyed:
        raise DemoDataError(f"{n_workers} workers are too few for {n_surveyed} surveyed "
                            f"companies (at least {MIN_RESPONDENTS} each: "
                            f"{MIN_RESPONDENTS * n_surveyed})")
    phase = infer_phase(wave) if phase is None else phase
    if not 0 <= phase <= MAX_PHASE:
        raise DemoDataError(f"phase must be between 0 and {MAX_PHASE}, not {phase}")
    return phase


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
        As :func:`write_demo_wave`.
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
    phase = _check_args(wave, seed, n_companies, n_workers, n_surveyed, phase)
    model = outcome_model(no_effects, icc)
    codebook = load_codebook()
    munis = load_municipalities(reference_csv)
    world = _build_world(int(seed), n_companies, n_workers, n_surveyed, munis, codebook)
    snap = _snapshot(world, phase)
    columns = _worker_columns(world, snap, codebook, model)
    if messy:
        workers = _messy_frame(columns, _rng(world.seed, _S_MESSY, phase))
        workers.columns = _export_headers("worker_survey", list(workers.columns))
    else:
        workers = _clean_frame(columns)
    survey = _company_survey_table(world, snap, codebook)
    if messy:
        survey.columns = _export_headers("company_survey", list(survey.columns))
    return {
        "companies": _companies_table(world, snap),
        "company_survey": survey,
        "worker_survey": workers,
        "local_services": _local_services_table(world.seed, munis, codebook),
        "network_activity": _network_table(world, phase, wave_year(wave, phase)),
    }


def _export_headers(table: str, names: list[str]) -> list[str]:
    renames = EXPORT_RENAMES.get(table, {})
    variants = HEADER_VARIANTS if table == "worker_survey" else {}
    return [renames.get(c, variants.get(c, c)) for c in names]


def _columns_yaml() -> str:
    lines = ["# Export headers of the survey tool -> canonical column names (DATA_CONTRACT.md).",
             "# Headers not named here are matched ignoring case and stray spaces."]
    for table, renames in EXPORT_RENAMES.items():
        lines.append(f"{table}:")
        lines += [f'  "{header}": {column}' for column, header in renames.items()]
    return "\n".join(lines) + "\n"


def _wave_yaml(meta: dict[str, object], placebo: bool = False) -> str:
    head = ("# Synthetic demo wave written by `welfare demo-data` (pipeline/demo/).\n"
            "# Not real data: every output built from it is marked as synthetic.\n")
    if placebo:
        head += ("# PLACEBO wave (--no-effects): company measures have no effect on worker "
                 "outcomes.\n")
    return head + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=88)


def _deterministic_zip(data: bytes) -> bytes:
    """Re-pack a zip with fixed entry timestamps and attributes (openpyxl uses the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _xlsx_bytes(df: pd.DataFrame, sheet: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(df.columns))
    columns = []
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_float_dtype(s):
            vals = [None if np.isnan(v) else (int(v) if float(v).is_integer() else float(v))
                    for v in s.to_numpy(float)]
        elif pd.api.types.is_integer_dtype(s):
            vals = [None if v is pd.NA else int(v) for v in s.astype("Int64").tolist()]
        else:
            vals = [None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
                    else str(v) for v in s.astype(object).tolist()]
        columns.append(vals)
    for row in zip(*columns, strict=True):
        ws.append(row)
    wb.properties.creator = "welfare-pipeline demo"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    wb.properties.lastModifiedBy = "welfare-pipeline demo"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return _deterministic_zip(buf.getvalue())


def _csv_text(df: pd.DataFrame, sep: str, line_end: str, decimal: str = ".") -> str:
    return df.to_csv(index=False, sep=sep, lineterminator=line_end, decimal=decimal)


def write_demo_wave(wave: str, dest: Path, *, seed: int = 2013, n_companies: int = 400,
                    n_workers: int = 1500, n_surveyed: int = 30, phase: int | None = None,
                    reference_csv: Path | None = None, no_effects: bool = False,
                    icc: float | None = None) -> list[Path]:
    """Write the raw files of a synthetic demo wave into ``dest`` and return their paths.

    Parameters
    ----------
    wave
        Wave label (``demo-2013``). ``phase`` defaults to its final year minus 2013.
    dest
        Folder to create (usually ``data/raw/<wave>``): it must not exist or be empty.
        The files are built beside it and moved in at the end, all or nothing.
    seed
        Random seed; the same seed and arguments give byte-identical files.
    n_companies
        Companies of the territorial mapping (``companies.csv``).
    n_workers
        Worker questionnaires, spread over the surveyed companies (at least 8 each, never
        more than a company's headcount).
    n_surveyed
        Network companies answering the company questionnaire at baseline; each follow-up
        phase adds 20 %.
    phase
        0 baseline, 1 first follow-up, ... (at most 10).
    reference_csv
        The ISTAT municipalities (default: ``get_paths().municipalities_csv``).
    no_effects
        Write a placebo wave: same files, territory, adoption and needs as the normal wave of
        the same seed and sizes, but no company measure (active, or introduced since the
        previous wave) affects any worker outcome, while workers of a company share a
        company effect on every outcome (:func:`outcome_model`). ``wave.yaml`` says so.
    icc
        Intra-company correlation of the outcomes of a placebo wave on the latent scale
        (default 0.2; :func:`placebo_company_sd` says exactly what it means). Only with
        ``no_effects``.

    Raises
    ------
    DemoDataError
        Bad arguments, or ``dest`` already holds files (raw data is never overwritten).
    """
    dest = Path(dest)
    phase = _check_args(wave, seed, n_companies, n_workers, n_surveyed, phase)
    outcome_model(no_effects, icc)
    if dest.exists():
        if not dest.is_dir():
            raise DemoDataError(f"{dest} exists and is not a folder: demo data not written")
        content = sorted(p.name for p in dest.iterdir())
        if content:
            raise DemoDataError(
                f"{dest} already holds raw data ({', '.join(content[:3])}"
                f"{', ...' if len(content) > 3 else ''}): demo data never overwrites a wave; "
                "remove the folder or choose another label")
    tables = build_demo_tables(wave, seed=seed, n_companies=n_companies, n_workers=n_workers,
                               n_surveyed=n_surveyed, phase=phase,
                               reference_csv=reference_csv, messy=True,
                               no_effects=no_effects, icc=icc)
    meta = wave_metadata(wave, phase, seed=seed, n_companies=n_companies,
                         n_workers=n_workers, n_surveyed=n_surveyed, no_effects=no_effects,
                         icc=icc)
    services = tables["local_services"].copy()
    services["monthly_fee_eur"] = services["monthly_fee_eur"].map(
        lambda v: f"{v:.2f}".replace(".", ","))
    contents: dict[str, bytes] = {
        "companies.csv": ("\ufeff" + _csv_text(tables["companies"], ",", "\n")).encode("utf-8"),
        "company_survey.xlsx": _xlsx_bytes(tables["company_survey"], "Questionario imprese"),
        "worker_survey.csv": _csv_text(tables["worker_survey"], ";", "\r\n").encode("cp1252"),
        "local_services.csv": _csv_text(services, ";", "\n").encode("utf-8"),
        "network_activity.csv": _csv_text(tables["network_activity"], ",", "\n").encode(
            "utf-8"),
        "columns.yaml": _columns_yaml().encode("utf-8"),
        "wave.yaml": _wave_yaml(meta, placebo=no_effects).encode("utf-8"),
    }
    with staged_folder(dest) as stage:
        for name in FILES:
            (stage / name).write_bytes(contents[name])
    return [dest / name for name in FILES]
