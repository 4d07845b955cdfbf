"""pipeline.i18n.formatting: exact strings, no locale dependency."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

import numpy as np
import pytest

from pipeline.i18n.formatting import normalize_lang
from pipeline.render import format_date, format_number, format_percent

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("x", "lang", "decimals", "expected"),
    [
        (1234.5, "it", 1, "1.234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (1234567.891, "it", 2, "1.234.567,89"),
        (1234567.891, "en", 2, "1,234,567.89"),
        (1234.5, "it", 0, "1.235"),
        (999, "it", 0, "999"),
        (1000, "it", 0, "1.000"),
        (12, "en", 1, "12.0"),
        (0.125, "it", 2, "0,13"),  # half up on the written value, not 0,12
        (2.675, "en", 2, "2.68"),
        (-1234.5, "it", 1, "-1.234,5"),
        (-0.04, "it", 1, "0,0"),  # no negative zero
        (0, "en", 3, "0.000"),
        (Decimal("1234.55"), "it", 1, "1.234,6"),
        (np.float64(1234.5), "it", 1, "1.234,5"),
        (np.int64(1234567), "en", 0, "1,234,567"),
    ],
)
def test_format_number(x, lang, decimals, expected):
    assert format_number(x, lang, decimals) == expected


def test_format_number_default_decimals_is_one():
    assert format_number(3, "it") == "3,0"


@pytest.mark.parametrize("missing", [None, math.nan, np.nan, float("nan")])
def test_format_number_missing(missing):
    assert format_number(missing, "it") == "n.d."
    assert format_number(missing, "en") == "n/a"
    assert format_percent(missing, "it") == "n.d."


def test_format_number_pandas_missing():
    pd = pytest.importorskip("pandas")
    assert format_number(pd.NA, "it") == "n.d."


def test_format_number_infinity():
    assert format_number(math.inf, "it") == "∞"
    assert format_number(-math.inf, "en") == "-∞"


def test_format_number_rejects_non_numbers():
    with pytest.raises(TypeError):
        format_number("12", "it")
    with pytest.raises(TypeError):
        format_number(True, "it")
    with pytest.raises(ValueError):
        format_number(1.0, "it", decimals=-1)


@pytest.mark.parametrize(
    ("share", "lang", "decimals", "expected"),
    [
        (0.125, "it", 1, f"12,5{NBSP}%"),
        (0.125, "en", 1, "12.5%"),
        (0.5, "it", 0, f"50{NBSP}%"),
        (1, "en", 1, "100.0%"),
        (0.00049, "it", 1, f"0,0{NBSP}%"),
        (0.33333, "en", 2, "33.33%"),
        (12.345, "it", 1, f"1.234,5{NBSP}%"),
        (-0.031, "it", 1, f"-3,1{NBSP}%"),
    ],
)
def test_format_percent(share, lang, decimals, expected):
    assert format_percent(share, lang, decimals) == expected


def test_format_percent_italian_space_is_non_breaking():
    text = format_percent(0.125, "it")
    assert text == "12,5\u00a0%"
    assert " " not in text


@pytest.mark.parametrize(
    ("d", "lang", "expected"),
    [
        (datetime.date(2026, 11, 24), "it", "24 novembre 2026"),
        (datetime.date(2026, 11, 24), "en", "24 November 2026"),
        (datetime.date(2027, 1, 1), "it", "1 gennaio 2027"),
        (datetime.datetime(2026, 3, 5, 23, 59), "en", "5 March 2026"),
        ("2026-08-15", "it", "15 agosto 2026"),
    ],
)
def test_format_date(d, lang, expected):
    assert format_date(d, lang) == expected


def test_format_date_all_italian_months():
    names = [format_date(datetime.date(2026, m, 1), "it").split()[1] for m in range(1, 13)]
    assert names == [
        "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
        "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
    ]


def test_format_date_rejects_non_dates():
    with pytest.raises(TypeError):
        format_date(20261124, "it")


@pytest.mark.parametrize(("code", "expected"), [("it", "it"), ("IT", "it"), ("it-IT", "it"),
                                               ("en_GB", "en"), (None, "it")])
def test_normalize_lang(code, expected):
    assert normalize_lang(code) == expected


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unsupported report language"):
        format_number(1.0, "de")
