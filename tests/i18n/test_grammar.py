"""Articles and plurals that agree with a figure, as an Italian reader expects them."""

import pytest

from pipeline.i18n.grammar import article, is_one, plural
from pipeline.i18n.text import fill


@pytest.mark.parametrize(("figure", "expected"), [
    ("80 %", "l'80 %"), ("8 %", "l'8 %"), ("11 %", "l'11 %"), ("1 %", "l'1 %"),
    ("81,5 %", "l'81,5 %"), ("800", "l'800"), ("11.000", "l'11.000"),
    ("1.000.000", "l'1.000.000"), ("10 %", "il 10 %"), ("18 %", "il 18 %"),
    ("100 %", "il 100 %"), ("1.000", "il 1.000"), ("1.500", "il 1.500"),
    ("0 %", "lo 0 %"), ("0,5 %", "lo 0,5 %"), ("2,9", "il 2,9"), (80, "l'80"),
    ("1° gennaio 2027", "il 1° gennaio 2027"),
])
def test_article_follows_how_the_figure_is_read(figure, expected):
    assert article(figure) == expected


@pytest.mark.parametrize(("form", "figure", "expected"), [
    ("nel", "80 %", "nell'80 %"), ("nel", "10 %", "nel 10 %"), ("del", "0 %", "dello 0 %"),
    ("al", "11 %", "all'11 %"), ("dal", "63 %", "dal 63 %"), ("sul", "8 %", "sull'8 %"),
    ("Il", "80 %", "L'80 %"), ("Nel", "10 %", "Nel 10 %"),
])
def test_articulated_prepositions_and_sentence_start(form, figure, expected):
    assert article(figure, form) == expected


def test_unknown_article_is_refused():
    with pytest.raises(ValueError, match="unknown article"):
        article("80 %", "lo")


@pytest.mark.parametrize(("figure", "one"), [
    ("1", True), (1, True), ("1,0", True), ("0", False), ("2", False), ("1.500", False),
    ("1,500", False), ("1,5", False), ("1.5", False), ("11", False), ("-1", False),
])
def test_only_exactly_one_is_singular(figure, one):
    assert is_one(figure) is one


def test_plural_forms():
    assert plural("1", "impresa|imprese") == "1 impresa"
    assert plural("2", "impresa|imprese") == "2 imprese"
    assert plural("0", "impresa|imprese") == "0 imprese"
    assert plural("0", "nessuna impresa|impresa|imprese") == "nessuna impresa"
    assert plural("1", "nessuna impresa|impresa|imprese") == "1 impresa"
    assert plural("3", "|ha|hanno") == "hanno"
    assert plural("1", "|ha|hanno") == "ha"
    with pytest.raises(ValueError, match="one\\|other"):
        plural("1", "a|b|c|d")


def test_catalogue_specs_fill_a_sentence():
    sentence = "{share:Il} dei lavoratori di {n:impresa|imprese} {n:|dice|dicono} di sì."
    assert fill(sentence, "it", share="80 %", n="1") == (
        "L'80 % dei lavoratori di 1 impresa dice di sì.")
    assert fill(sentence, "it", share="10 %", n="2") == (
        "Il 10 % dei lavoratori di 2 imprese dicono di sì.")
    assert fill("{n:company|companies}", "en", n="1") == "1 company"


def test_article_specs_are_italian_only():
    with pytest.raises(ValueError, match="Italian only"):
        fill("{share:il} of workers", "en", share="80%")
