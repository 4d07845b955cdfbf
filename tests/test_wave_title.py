"""A wave's name for its readers (pipeline.wave.wave_title) and the optional ``title`` of
``wave.yaml`` (an extension of the data contract: waves without it still load)."""

from __future__ import annotations

import pytest
from helpers.waves import write_wave

from pipeline.errors import InputError
from pipeline.ingest.load import ingest_wave
from pipeline.wave import wave_title


def test_a_title_given_in_wave_yaml_wins():
    meta = {"label": "2014", "title": "  Indagine   2014 ", "fieldwork_start": "2014-10-06"}
    assert wave_title(meta, "it") == wave_title(meta, "en") == "Indagine 2014"
    both = {"label": "2014", "title": {"it": "Rilevazione d'autunno 2014",
                                       "en": "Autumn 2014 survey"}}
    assert wave_title(both, "it") == "Rilevazione d'autunno 2014"
    assert wave_title(both, "en") == "Autumn 2014 survey"
    assert wave_title({"title": {"it": "Solo italiano"}}, "en") == "Solo italiano"


@pytest.mark.parametrize(("start", "end", "it", "en"), [
    ("2014-10-06", "2014-11-28", "Rilevazione ottobre–novembre 2014",
     "October–November 2014 survey"),
    ("2014-10-06", "2014-10-30", "Rilevazione ottobre 2014", "October 2014 survey"),
    ("2013-12-02", "2014-01-31", "Rilevazione dicembre 2013 – gennaio 2014",
     "December 2013 – January 2014 survey"),
    ("2014-03-01", None, "Rilevazione marzo 2014", "March 2014 survey"),
])
def test_without_a_title_the_fieldwork_months_name_the_wave(start, end, it, en):
    meta = {"label": "w2", "fieldwork_start": start, "fieldwork_end": end}
    assert wave_title(meta, "it") == it and wave_title(meta, "en") == en


def test_without_title_or_dates_the_label():
    assert wave_title({"label": "2014-autunno"}, "it") == "Rilevazione 2014-autunno"
    assert wave_title({"label": "w1", "fieldwork_start": "not a date"}, "en") == "Wave w1"


def test_wave_yaml_title_is_read_and_checked(tmp_path):
    raw = write_wave(tmp_path, "w1")
    assert "title" not in ingest_wave("w1", raw).meta  # backward compatible: no title
    (raw / "wave.yaml").write_text("title:\n  it: Rilevazione di prova\n  en: Test wave\n",
                                   encoding="utf-8")
    assert ingest_wave("w1", raw).meta["title"] == {"it": "Rilevazione di prova",
                                                    "en": "Test wave"}
    for bad in ("title: [a, b]\n", "title:\n  fr: Enquête\n", "title:\n  it: 3\n"):
        (raw / "wave.yaml").write_text(bad, encoding="utf-8")
        with pytest.raises(InputError, match="title"):
            ingest_wave("w1", raw)
