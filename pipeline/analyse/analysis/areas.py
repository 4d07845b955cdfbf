"""Analytic areas of the province, for pooling demand across neighbouring municipalities.

The areas are the project's working partition, derived from the municipal boundaries by a
documented rule on each municipality's position relative to the city of Verona (centroid
offsets in degrees, east ``dx`` and north ``dy``), not an official subdivision:

=====================  =====================================================
area                   rule (first that applies)
=====================  =====================================================
``VERONA``             the municipality of Verona (023091)
``GARDA_BALDO``        dx < -0.19 and dy > -0.05, or dx < -0.13 and dy > 0.15
                       (lake Garda, Monte Baldo, the Adige valley)
``VALPOLICELLA``       dy >= 0.05 (Valpolicella and Lessinia, the north)
``EST``                dx >= 0.15 and dy > -0.20 (the east: Soave, San Bonifacio)
``PIANURA``            dy <= -0.12 (the southern plain: Legnago, Bovolone)
``CINTURA``            the rest (the belt around the city, Villafranca)
=====================  =====================================================
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.analyse.plots.maps import load_boundaries
from pipeline.i18n.text import has_text, text

VERONA = "023091"
#: The territorial areas of the province, in display order; their names are in the text
#: catalogue (``territory.<CODE>``). Not the welfare areas of the taxonomy.
TERRITORIAL_AREAS = ("VERONA", "CINTURA", "GARDA_BALDO", "VALPOLICELLA", "EST", "PIANURA")


def _area(dx: float, dy: float) -> str:
    if (dx < -0.19 and dy > -0.05) or (dx < -0.13 and dy > 0.15):
        return "GARDA_BALDO"
    if dy >= 0.05:
        return "VALPOLICELLA"
    if dx >= 0.15 and dy > -0.20:
        return "EST"
    if dy <= -0.12:
        return "PIANURA"
    return "CINTURA"


@cache
def province_areas(boundaries: Path) -> pd.DataFrame:
    """``municipality`` (ISTAT code) -> ``area`` code, for every municipality of the file."""
    shapes = load_boundaries(Path(boundaries))
    centroids = {code: np.concatenate(rings).mean(axis=0) for code, rings in shapes.items()}
    origin = centroids[VERONA]
    rows = []
    for code, c in sorted(centroids.items()):
        dx, dy = c - origin
        rows.append({"municipality": code, "area": "VERONA" if code == VERONA else _area(dx, dy)})
    return pd.DataFrame(rows)


def area_label(area: str, lang: str = "it") -> str:
    key = f"territory.{area}"
    return text(key, lang) if has_text(key) else area
