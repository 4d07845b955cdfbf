"""Maps of the province's municipalities from the Openpolis GeoJSON boundaries.

Drawn with matplotlib patches, no GIS stack: the boundaries are 98 polygons in WGS84,
plotted in an equirectangular projection corrected for the latitude of Verona.

A count is shown in classes (:func:`class_breaks`: 5-9, 10-19, 20-49, ...), not on a
linear scale, so that the city of Verona does not leave the rest of the province in one
colour. A municipality with no company is white; one whose count is suppressed (fewer
than the disclosure threshold) is hatched grey; the legend says both. The main
municipalities are named on the map. Every map carries the licence's credit line
(CC BY 4.0) in its source line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon

from pipeline.analyse.plots.chart import describe, finish, nd, suppressed_label
from pipeline.analyse.plots.theme import FONT_SIZE, NONE_COLOR, SEQUENTIAL, SUPPRESSED, WIDTH
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import text

__all__ = ["choropleth", "class_breaks", "class_labels", "largest_places", "load_boundaries",
           "municipalities"]

#: Most classes of a map's scale.
MAX_CLASSES = 5
#: Nice steps of the class limits, times powers of ten.
_NICE = (1, 2, 5)


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


def municipalities(path: Path) -> pd.DataFrame:
    """The province's municipalities (``Paths.municipalities_csv``): ``code`` (6-character
    ISTAT code), ``name``, ``population`` (residents 2021, else census 2011)."""
    raw = pd.read_csv(path, dtype=str, encoding="utf-8")
    pop = pd.to_numeric(raw.get("pop_res_2021"), errors="coerce")
    if "pop_census_2011" in raw:
        pop = pop.fillna(pd.to_numeric(raw["pop_census_2011"], errors="coerce"))
    return pd.DataFrame({"code": raw["com_istat_code"].str.zfill(6), "name": raw["name"],
                         "population": pop})


def largest_places(table: pd.DataFrame, n: int = 6) -> dict[str, str]:
    """``{code: name}`` of the ``n`` most populous municipalities of ``table``
    (:func:`municipalities`), the largest first: the places named on a map."""
    top = table.sort_values("population", ascending=False, kind="stable").head(n)
    return dict(zip(top["code"], top["name"], strict=True))


def class_breaks(values: Sequence[float], max_classes: int = MAX_CLASSES) -> list[float]:
    """Lower limits of the classes of a map's scale, from the smallest value up.

    The limits after the first are "nice" numbers (1, 2, 5 times a power of ten); a limit
    is kept only if both the class it closes and the values above it are not empty, and
    every other one is dropped until there are at most ``max_classes`` classes.

    Examples
    --------
    >>> class_breaks([5, 6, 12, 25, 124])
    [5.0, 10.0, 20.0, 50.0]
    >>> class_breaks([7, 7])
    [7.0]
    """
    vals = np.sort(np.asarray([v for v in values if np.isfinite(v)], dtype=float))
    if not len(vals):
        return []
    lowest, top = float(vals[0]), float(vals[-1])
    breaks = [lowest]
    power = 10 ** math.floor(math.log10(lowest)) if lowest > 0 else 1
    candidates = sorted({m * power * 10 ** k for k in range(0, 12) for m in _NICE})
    for c in candidates:
        if c <= lowest or c > top:
            continue
        below = ((vals >= breaks[-1]) & (vals < c)).any()
        if below and (vals >= c).any():
            breaks.append(float(c))
    while len(breaks) > max_classes:
        breaks = breaks[:1] + breaks[2::2] if len(breaks) > 2 else breaks[:1]
    return breaks


def class_labels(breaks: Sequence[float], lang: str = "it") -> list[str]:
    """Legend labels of the classes of counts: "da 5 a 9", ..., "50 e oltre"."""
    fmt = Formatter(lang)
    out = []
    for i, low in enumerate(breaks):
        if i + 1 < len(breaks):
            high = breaks[i + 1] - 1
            out.append(text("chart.map.class", lang, low=fmt.number(low, 0),
                            high=fmt.number(high, 0)) if high > low else fmt.number(low, 0))
        else:
            out.append(text("chart.map.class_top", lang, low=fmt.number(low, 0)))
    return out


def _centroid(ring: np.ndarray) -> tuple[float, float]:
    """Area centroid of a closed ring (shoelace formula); its mean point if degenerate."""
    x, y = ring[:, 0], ring[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2
    if abs(area) < 1e-12:
        return float(x.mean()), float(y.mean())
    return (float(((x[:-1] + x[1:]) * cross).sum() / (6 * area)),
            float(((y[:-1] + y[1:]) * cross).sum() / (6 * area)))


def _name_places(ax, shapes: dict[str, list[np.ndarray]], places: Mapping[str, str]) -> None:
    """A dot and the name of each place; names written away from the first (the largest,
    Verona), whose own name goes above it, so that neighbours do not overlap it."""
    halo = [pe.withStroke(linewidth=3, foreground="white")]
    centres = {code: _centroid(max(shapes[code], key=len)) for code in places if code in shapes}
    if not centres:
        return
    x0, y0 = next(iter(centres.values()))
    for code, (cx, cy) in centres.items():
        dx, dy = cx - x0, cy - y0
        if dx == 0 and dy == 0:
            ha, va, off = "center", "bottom", (0, 5)
        else:
            ha = "left" if dx >= 0 else "right"
            va = "bottom" if dy >= 0 else "top"
            off = (5 if dx >= 0 else -5, 3 if dy >= 0 else -3)
        ax.plot(cx, cy, "o", color="#1f2328", markersize=3.5, zorder=4)
        ax.annotate(places[code], (cx, cy), xytext=off, textcoords="offset points", ha=ha,
                    va=va, fontsize=FONT_SIZE - 1, color="#1f2328", zorder=5,
                    path_effects=halo)


def choropleth(
    values: pd.Series,
    boundaries: Path,
    *,
    title: str = "",
    legend: str = "",
    credit: str,
    places: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    min_cell: int | None = None,
    lang: str = "it",
    source: str | None = None,
    missing_color: str = NONE_COLOR,
) -> Figure:
    """Colour each municipality by the class of its count in ``values``.

    Parameters
    ----------
    values
        Counts per municipality, indexed by 6-character ISTAT code. A municipality not in
        the index has none (white); a NaN count is suppressed (hatched grey).
    boundaries
        The GeoJSON file of the municipalities (property ``com_istat_code``).
    legend
        What is counted ("Imprese"): the legend's title, the data table's header.
    credit
        The boundaries' licence credit, printed after the source line.
    places
        ``{code: name}`` of the municipalities named on the map (:func:`largest_places`).
    names
        ``{code: name}`` of every municipality, for the data table (codes otherwise).
    min_cell
        The disclosure threshold: the legend says a hatched municipality is withheld (fewer
        than ``min_cell`` companies, or withheld so that another cannot be recovered).
    lang, source
        Language of the legend and data table; the source line.
    """
    shapes = load_boundaries(Path(boundaries))
    fig, ax = plt.subplots(figsize=(WIDTH, 7.4))
    breaks = class_breaks(values.dropna().astype(float))
    colors = plt.get_cmap(SEQUENTIAL)(np.linspace(0.25, 0.95, max(1, len(breaks))))
    filled: list[Polygon] = []
    fill_colors: list = []
    hatched: list[Polygon] = []
    for code, rings in shapes.items():
        v = values.get(code, None) if code in values.index else None
        for ring in rings:
            poly = Polygon(ring, closed=True)
            if code in values.index and pd.isna(v):
                hatched.append(poly)
                continue
            filled.append(poly)
            if v is None:
                fill_colors.append(missing_color)
            else:
                fill_colors.append(colors[max(0, np.searchsorted(breaks, float(v), "right") - 1)])
    ax.add_collection(PatchCollection(filled, facecolors=fill_colors, edgecolors="#9a9a9a",
                                      linewidths=0.4))
    if hatched:
        ax.add_collection(PatchCollection(hatched, facecolor=SUPPRESSED["facecolor"],
                                          edgecolor=SUPPRESSED["edgecolor"],
                                          hatch=SUPPRESSED["hatch"], linewidths=0.4))
    _name_places(ax, shapes, places or {})
    allpts = np.concatenate([r for rings in shapes.values() for r in rings])
    ax.set_xlim(allpts[:, 0].min() - 0.02, allpts[:, 0].max() + 0.02)
    ax.set_ylim(allpts[:, 1].min() - 0.02, allpts[:, 1].max() + 0.02)
    ax.set_aspect(1 / math.cos(math.radians(45.4)))
    ax.set_axis_off()
    ax.set_title(title)
    hidden_words = (text("chart.map.suppressed", lang, min_cell=min_cell)
                    if min_cell and min_cell > 1 else suppressed_label(lang))
    handles = [Patch(facecolor=c, edgecolor="#9a9a9a", label=lab)
               for c, lab in zip(colors, class_labels(breaks, lang), strict=False)]
    handles += [Patch(facecolor=missing_color, edgecolor="#9a9a9a",
                      label=text("chart.map.none", lang)),
                Patch(label=hidden_words, **SUPPRESSED)]
    ax.legend(handles=handles, title=legend or None, loc="upper center", frameon=False,
              bbox_to_anchor=(0.5, 0.0), ncol=2, alignment="left", columnspacing=1.5)
    fmt = Formatter(lang)
    shown = values.sort_values(ascending=False, na_position="last", kind="stable")
    labels = [(names or {}).get(c, c) for c in shown.index]
    written = [nd(lang) if pd.isna(v) else fmt.number(v, 0) for v in shown]
    what = legend or text("chart.col.value", lang)
    data = pd.DataFrame({text("chart.col.municipality", lang): labels, what: written})
    alt = describe("map", lang, what=what, labels=labels, values=list(shown.astype(float)),
                   written=written)
    line = f"{source} {credit}" if source else credit
    return finish(fig, kind="map", data=data, alt=alt, source=line, min_cell=min_cell)
