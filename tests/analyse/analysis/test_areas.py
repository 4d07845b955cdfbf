"""Analytic areas: every municipality gets one, and known towns land where they should."""

from __future__ import annotations

from pipeline.analyse.analysis.areas import TERRITORIAL_AREAS, area_label, province_areas
from pipeline.config import get_paths


def test_known_municipalities_fall_in_their_area():
    areas = province_areas(get_paths().municipalities_geojson).set_index("municipality")["area"]
    assert len(areas) == 98
    assert set(areas) == set(TERRITORIAL_AREAS)
    expected = {"023091": "VERONA", "023045": "GARDA_BALDO",  # Malcesine
                "023006": "GARDA_BALDO",  # Bardolino
                "023077": "VALPOLICELLA",  # Sant'Ambrogio di Valpolicella
                "023011": "VALPOLICELLA",  # Bosco Chiesanuova
                "023069": "EST", "023081": "EST",  # San Bonifacio, Soave
                "023044": "PIANURA", "023012": "PIANURA",  # Legnago, Bovolone
                "023096": "CINTURA", "023071": "CINTURA"}  # Villafranca, S. Giovanni Lupatoto
    assert {k: areas[k] for k in expected} == expected


def test_every_area_is_named_in_both_languages():
    assert area_label("VERONA", "it") == "Verona città"
    assert area_label("GARDA_BALDO", "en") == "Lake Garda and Monte Baldo"
    assert all(area_label(a, lang) != a for a in TERRITORIAL_AREAS for lang in ("it", "en"))
    assert area_label("ALL", "it") == "ALL"  # not an area: the code itself
