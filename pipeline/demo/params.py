"""Parameters of the generating model of the demo territory, and the demo's error.

Every number that shapes a demo wave and is not a matter of file format lives here: the
territory (sectors, sizes, legal forms, company names), the adoption of the measures and its
follow-up transitions, the worker model (work-family conflict, satisfaction, intention to
leave) and the needs and availability grids. The package docstring (:mod:`pipeline.demo`) and
docs/demo-data.md describe the effects these numbers build in.
"""

from __future__ import annotations

import numpy as np

from pipeline.errors import PipelineError


class DemoDataError(PipelineError, ValueError):
    """Invalid demo-data arguments, or a destination that already holds data."""


#: The baseline year of the demo territory: ``demo-2013`` is phase 0.
BASE_YEAR = 2013
#: Follow-up phases the generator knows (surveyed companies are planned this far ahead).
MAX_PHASE = 10

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
SECTOR_CODES = tuple(SECTORS)
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

#: Probability that a measure is active in a company of 20 employees at baseline (2013), by
#: area of the codebook.
ADOPTION_BASE: dict[str, float] = {
    # Flexible working time
    "FLEX_HOURS": 0.22, "PART_TIME_REVERSIBLE": 0.30, "HOUR_BANK": 0.35,
    "SHIFT_SELF_SCHEDULING": 0.15, "COMPRESSED_WEEK": 0.06,
    # Flexible place of work
    "SMART_WORKING": 0.04, "TELEWORK": 0.05, "NEAR_HOME_HUB": 0.01, "RIGHT_TO_DISCONNECT": 0.03,
    # Leave and parenthood
    "PARENTAL_LEAVE_TOPUP": 0.08, "PATERNITY_EXTRA": 0.04, "RETURN_TO_WORK": 0.06,
    "CARE_LEAVE_EXTRA": 0.08, "SOLIDARITY_LEAVE": 0.03,
    # Childcare and children's education
    "NURSERY_SHARED": 0.02, "CHILDCARE_VOUCHER": 0.05, "SUMMER_CAMP": 0.04, "SCHOOL_COSTS": 0.06,
    "SCHOLARSHIPS": 0.04,
    # Care of elderly or dependent relatives
    "ELDERCARE_SERVICES": 0.02, "CAREGIVER_DESK": 0.02, "LTC_INSURANCE": 0.06,
    "HOME_CARE_SUPPORT": 0.02,
    # Health
    "HEALTH_FUND": 0.55, "PREVENTION_CHECKUP": 0.15, "PSYCH_SUPPORT": 0.03, "WELLNESS_SPORT": 0.06,
    # Pensions and protection
    "PENSION_CONTRIB": 0.25, "LIFE_ACCIDENT_INSURANCE": 0.15, "FINANCIAL_EDUCATION": 0.03,
    # Income support
    "FRINGE_VOUCHERS": 0.20, "UTILITIES_RENT_MORTGAGE": 0.03, "MEAL_SERVICE": 0.30,
    "SOFT_LOANS": 0.05, "BONUS_TO_WELFARE": 0.05,
    # Commuting
    "PUBLIC_TRANSPORT_PASS": 0.05, "COMPANY_SHUTTLE": 0.02, "CARPOOLING": 0.03,
    "MOBILITY_MANAGER": 0.02,
    # Time-saving services
    "CONCIERGE": 0.01, "ADMIN_DESK": 0.05, "GROCERY_LAUNDRY": 0.01, "TAKEAWAY_MEALS": 0.02,
    # Training, culture and leisure
    "NONJOB_TRAINING": 0.08, "CULTURE_LEISURE": 0.06, "FAMILY_EVENTS": 0.10, "CRAL": 0.05,
    # Equal opportunities and organisational culture
    "EMPLOYEE_NEEDS_SURVEY": 0.06, "MANAGER_WLB_TRAINING": 0.03, "GENDER_EQUALITY_CERT": 0.01,
    "FAMILY_AUDIT_CERT": 0.01, "WLB_CONTACT_PERSON": 0.03,
    # Governance and bargaining
    "COMPANY_AGREEMENT": 0.12, "TERRITORIAL_AGREEMENT": 0.05, "WELFARE_REGULATION": 0.05,
    "WELFARE_PLATFORM": 0.03, "INTERNAL_COMMUNICATION": 0.15,
    # Territorial welfare and network
    "SHARED_SERVICES": 0.01, "PUBLIC_CONVENTION": 0.03, "NETWORK_MEMBERSHIP": 0.02,
    "LOCAL_PROVIDERS": 0.04, "COMMUNITY_PROJECTS": 0.05,
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
