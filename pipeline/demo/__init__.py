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
``wave.yaml``            label, title, fieldwork dates, notes, previous_wave (follow-ups), synthetic

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

Modules
-------
``params``           the parameters of the generating model, and :class:`DemoDataError`
``draws``            random streams (one per purpose and phase) and vectorised draws
``outcomes``         the outcome model: measure effects and company effects (placebo waves)
``labels``           wave labels and phases, argument checks, the content of ``wave.yaml``
``world``            the simulated territory: companies, network, surveyed companies, measures
``respondents``      who answered the worker survey: family, contract, hours, commute
``worker_outcomes``  work-family conflict, wlb_fit, satisfaction, intention to leave
``workers``          the worker survey's columns: needs, availability, non-response
``frames``           worker columns as clean or messy DataFrames; export headers
``tables``           companies, company survey, local services, network; :func:`build_demo_tables`
``export``           the raw files (CSV encodings, XLSX, columns.yaml, wave.yaml):
                     :func:`write_demo_wave`
"""

from pipeline.demo.export import FILES, FIXED_TIMESTAMP, write_demo_wave
from pipeline.demo.labels import infer_phase, previous_wave_label, wave_metadata, wave_year
from pipeline.demo.outcomes import (
    OUTCOME_LATENTS,
    OutcomeModel,
    outcome_model,
    placebo_company_sd,
)
from pipeline.demo.params import (
    AVAIL_PROBS,
    BASE_YEAR,
    DEFAULT_ICC,
    MAX_PHASE,
    NEED_EFFECTS,
    DemoDataError,
)
from pipeline.demo.tables import build_demo_tables
from pipeline.demo.world import load_municipalities

__all__ = [
    "AVAIL_PROBS",
    "BASE_YEAR",
    "DEFAULT_ICC",
    "FILES",
    "FIXED_TIMESTAMP",
    "MAX_PHASE",
    "NEED_EFFECTS",
    "OUTCOME_LATENTS",
    "DemoDataError",
    "OutcomeModel",
    "build_demo_tables",
    "infer_phase",
    "load_municipalities",
    "outcome_model",
    "placebo_company_sd",
    "previous_wave_label",
    "wave_metadata",
    "wave_year",
    "write_demo_wave",
]
