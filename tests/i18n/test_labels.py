"""Labels inside a sentence: lower-case first letter, acronyms and inner capitals kept."""

import pytest

from pipeline.i18n.labels import in_sentence, named


@pytest.mark.parametrize(("label", "expected"), [
    ("Sportello pratiche (CAF/patronato) in azienda",
     "sportello pratiche (CAF/patronato) in azienda"),
    ("Nido aziendale o interaziendale / posti riservati",
     "nido aziendale o interaziendale / posti riservati"),
    ("CAF in azienda", "CAF in azienda"),          # an acronym opens the label
    ("UNI/PdR 125:2022", "UNI/PdR 125:2022"),
    ("McNemar", "McNemar"),                        # a name with an inner capital
    ("Smart working (Law 81/2017)", "smart working (Law 81/2017)"),
    ("", ""),
])
def test_in_sentence(label, expected):
    assert in_sentence(label) == expected


def test_named_bolds_each_label_so_that_a_list_of_them_stays_readable():
    assert named(["Centri estivi e ludoteche", "CAF"]) == ["**centri estivi e ludoteche**",
                                                          "**CAF**"]
    assert named(["Nido"], bold=False) == ["nido"]
