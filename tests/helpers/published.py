"""Tiny processed waves for the tests of ``welfare publish`` (import: ``from helpers.published
import ...``): the disclosure check reads the wave's respondent ids and free-text answers
from ``data/processed/<wave>/`` before anything is published."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.config import Paths
from pipeline.wave import WaveData, write_processed

#: What the tiny wave holds that no published file may show.
RESP_IDS = ("R0001", "R0002", "R0003")
COMMENT = "Vorrei un asilo aziendale aperto anche il sabato mattina"
PROPOSAL = "Convenzione con la palestra comunale per tutti i dipendenti"


def write_tiny_processed(paths: Paths, wave: str = "w1", *,
                         companies: tuple[str, ...] = ("C01", "C02"),
                         names: tuple[str, ...] = ("Alfa S.r.l.", "Beta S.p.A.")) -> Path:
    """Write a processed wave of three workers and ``companies`` (each surveyed), with one
    comment and one proposal as free text; returns its folder."""
    tables = {
        "companies": pd.DataFrame({"company_id": list(companies), "name": list(names)}),
        "company_survey": pd.DataFrame({"company_id": list(companies),
                                        "proposals": [PROPOSAL, *[None] * (len(companies) - 1)]}),
        "worker_survey": pd.DataFrame({"resp_id": list(RESP_IDS),
                                       "company_id": [companies[0]] * len(RESP_IDS),
                                       "comments": [COMMENT, None, "no"]}),
    }
    folder = paths.processed_wave(wave)
    write_processed(WaveData(wave=wave, tables=tables, meta={}), folder)
    return folder
