"""The map of the province: classes that show more than the city, place names, "none" and
"suppressed" drawn apart and said in the legend."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from pipeline.analyse.plots import chart_info
from pipeline.analyse.plots.maps import (
    choropleth,
    class_breaks,
    class_labels,
    largest_places,
    load_boundaries,
    municipalities,
)
from pipeline.config import get_paths

VERONA, SONA, AFFI, ANGIARI = "023091", "023083", "023001", "023003"
CREDIT = "Confini comunali: Openpolis / ISTAT, CC BY 4.0"


@pytest.mark.parametrize("values, breaks", [
    ([5, 6, 12, 25, 124], [5, 10, 20, 50]),
    ([6, 12, 124], [6, 10, 20]),          # no value between 20 and 100: no class for it
    ([7, 7], [7]),
    ([5, 9, 15, 30, 60, 150, 300, 700, 1500], [5, 20, 100, 500]),  # at most five classes
    ([], []),
])
def test_class_limits_are_nice_numbers_with_no_empty_class(values, breaks):
    assert class_breaks(values) == breaks


def test_class_labels_say_each_range_in_the_reports_language():
    assert class_labels([5, 10, 20], "it") == ["da 5 a 9", "da 10 a 19", "20 e oltre"]
    assert class_labels([5, 10, 1000], "en") == ["5 to 9", "10 to 999", "1,000 or more"]
    assert class_labels([7], "it") == ["7 e oltre"]


@pytest.fixture(scope="module")
def places() -> pd.DataFrame:
    return municipalities(get_paths().municipalities_csv)


def test_the_places_named_are_the_most_populous_from_the_reference_list(places):
    top = largest_places(places, 3)
    assert list(top)[0] == VERONA and top[VERONA] == "Verona"
    assert len(top) == 3 and len(places) == 98


@pytest.fixture(scope="module")
def drawn(places):
    values = pd.Series({VERONA: 124.0, SONA: 12.0, AFFI: 6.0, ANGIARI: np.nan})
    fig = choropleth(values, get_paths().municipalities_geojson, legend="Imprese",
                     credit=CREDIT, places=largest_places(places, 4),
                     names=dict(zip(places["code"], places["name"], strict=True)), min_cell=5,
                     source="Fonte: mappatura. Rilevazione di prova.")
    fig.canvas.draw()
    yield fig
    plt.close(fig)


def _colour_of(fig, code: str) -> str:
    """The fill of the municipality ``code`` (its first ring) in the map's collections."""
    rings = load_boundaries(get_paths().municipalities_geojson)
    target = rings[code][0]
    for coll in fig.axes[0].collections:
        for path, face in zip(coll.get_paths(), np.resize(coll.get_facecolors(),
                                                          (len(coll.get_paths()), 4)),
                              strict=True):
            if len(path.vertices) >= len(target) and np.allclose(
                    path.vertices[: len(target)], target):
                return ("hatched " if coll.get_hatch() else "") + to_hex(face)
    raise AssertionError(f"{code} not drawn")


def test_the_city_a_small_town_none_and_suppressed_are_four_different_looks(drawn):
    looks = {code: _colour_of(drawn, code) for code in (VERONA, SONA, AFFI, ANGIARI)}
    none = _colour_of(drawn, "023002")  # Albaredo d'Adige: no company in the values
    assert none == "#ffffff"
    assert looks[ANGIARI].startswith("hatched ")
    assert len({*looks.values(), none}) == 5  # three classes, white, hatched


def test_the_legend_names_the_classes_none_and_suppressed(drawn):
    legend = drawn.axes[0].get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == ["da 6 a 9", "da 10 a 19", "20 e oltre", "Nessuna impresa",
                      "n.d.: dato non diffuso (meno di 5 imprese, o per proteggerne un altro)"]
    assert legend.get_title().get_text() == "Imprese"
    assert legend.legend_handles[-1].get_hatch()


def test_the_main_places_are_named_and_the_licence_credited(drawn):
    texts = [t.get_text() for t in drawn.axes[0].texts]
    assert texts[:2] == ["Verona", "Villafranca di Verona"]
    source = [t.get_text() for t in drawn.texts if t.get_gid() == "welfare-source"][0]
    assert CREDIT in " ".join(source.split())


def test_the_maps_data_names_each_municipality_and_hides_nothing_silently(drawn):
    info = chart_info(drawn)
    assert list(info.data.columns) == ["Comune", "Imprese"]
    assert list(info.data.iloc[0]) == ["Verona", "124"]
    assert list(info.data.iloc[-1]) == ["Angiari", "n.d."]
    assert "Verona (124)" in info.alt and "1 valore non pubblicato" in info.alt
