"""Maps of the province's municipalities from the Openpolis GeoJSON boundaries.

Drawn with matplotlib patches, no GIS stack: the boundaries are 98 polygons in WGS84,
plotted in an equirectangular projection corrected for the latitude of Verona.
Every map carries the licence's credit line (CC BY 4.0).
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from pipeline.analyse.plots.theme import SEQUENTIAL


@cache
def load_boundaries(path: Path) -> dict[str, list[np.ndarray]]:
    """``{ISTAT code: [outer rings as (n, 2) arrays of lon, lat]}`` from the GeoJSON file."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    shapes: dict[str, list[np.ndarray]] = {}
    for feature in data["features"]:
        code = str(feature["properties"]["com_istat_code"]).zfill(6)
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        shapes[code] = [np.asarray(poly[0], dtype=float) for poly in polygons]
    return shapes


def choropleth(
    values: pd.Series,
    boundaries: Path,
    *,
    title: str = "",
    legend: str = "",
    credit: str,
    missing_color: str = "#eeeeee",
) -> Figure:
    """Colour each municipality by ``values`` (indexed by ISTAT code; NaN = not shown).

    Parameters
    ----------
    values
        Numbers per municipality, indexed by 6-character ISTAT code.
    boundaries
        The GeoJSON file of the municipalities (property ``com_istat_code``).
    credit
        The boundaries' licence credit, printed on the map.
    """
    shapes = load_boundaries(Path(boundaries))
    fig, ax = plt.subplots(figsize=(7.0, 6.5))
    finite = values.dropna()
    vmax = float(finite.max()) if len(finite) else 1.0
    cmap = plt.get_cmap(SEQUENTIAL)
    patches, colors = [], []
    for code, rings in shapes.items():
        v = values.get(code, np.nan)
        color = missing_color if pd.isna(v) else cmap(float(v) / vmax if vmax else 0.0)
        for ring in rings:
            patches.append(Polygon(ring, closed=True))
            colors.append(color)
    ax.add_collection(PatchCollection(patches, facecolors=colors, edgecolors="white",
                                      linewidths=0.4))
    allpts = np.concatenate([r for rings in shapes.values() for r in rings])
    ax.set_xlim(allpts[:, 0].min() - 0.02, allpts[:, 0].max() + 0.02)
    ax.set_ylim(allpts[:, 1].min() - 0.02, allpts[:, 1].max() + 0.02)
    ax.set_aspect(1 / math.cos(math.radians(45.4)))
    ax.set_axis_off()
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(0, vmax))
    fig.colorbar(sm, ax=ax, shrink=0.6, label=legend)
    ax.set_title(title)
    fig.text(0.01, 0.01, credit, fontsize=7, color="#555555")
    return fig
