"""pipeline.i18n.formatting.Formatter: exact strings in both languages, no locale dependency."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from pipeline.i18n.formatting import (
    NOT_AVAILABLE,
    Formatter,
    normalize_lang,
)

NBSP = "\u00a0"
DASH = "\u2014"
MISSING = [None, math.nan, np.nan, np.float32("nan"), pd.NA]


@pytest.fixture(params=["it", "en"])
def lang(request):
    return request.param


def test_language_is_normalised_and_checked():
    assert Formatter("IT").lang == "it"
    assert Formatter("en-GB").lang == "en"
    assert Formatter(None).lang == "it"
    assert Formatter().lang == "it"
    assert repr(Formatter("en")) == "Formatter('en')"
    with pytest.raises(ValueError, match="unsupported report language"):
        Formatter("de")


@pytest.mark.parametrize(("code", "expected"), [("it", "it"), ("IT", "it"), ("it-IT", "it"),
                                               ("en_GB", "en"), (None, "it")])
def test_normalize_lang(code, expected):
    assert normalize_lang(code) == expected


@pytest.mark.parametrize(
    ("x", "decimals", "it", "en"),
    [
        (1234.5, 1, "1.234,5", "1,234.5"),
        (1234.5, 0, "1.235", "1,235"),
        (0.125, 2, "0,13", "0.13"),
        (np.int64(42), 0, "42", "42"),
        (-0.04, 1, "0,0", "0.0"),
        (np.nan, 1, "n.d.", "n/a"),
        (pd.NA, 0, "n.d.", "n/a"),
    ],
)
def test_number(x, decimals, it, en):
    assert Formatter("it").number(x, decimals) == it
    assert Formatter("en").number(x, decimals) == en


def test_number_default_is_one_decimal(lang):
    assert Formatter(lang).number(2.25) == ("2,3" if lang == "it" else "2.3")
    assert Formatter("it").number(3) == "3,0"


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
def test_number_in_one_language(x, lang, decimals, expected):
    assert Formatter(lang).number(x, decimals) == expected


@pytest.mark.parametrize("missing", [None, math.nan, np.nan, float("nan")])
def test_number_and_percent_of_nothing(missing):
    assert Formatter("it").number(missing) == "n.d."
    assert Formatter("en").number(missing) == "n/a"
    assert Formatter("it").percent(missing) == "n.d."


def test_number_pandas_missing():
    assert Formatter("it").number(pd.NA) == "n.d."


def test_number_infinity():
    assert Formatter("it").number(math.inf) == "∞"
    assert Formatter("en").number(-math.inf) == "-∞"


def test_number_rejects_non_numbers():
    with pytest.raises(TypeError):
        Formatter("it").number("12")
    with pytest.raises(TypeError):
        Formatter("it").number(True)
    with pytest.raises(ValueError):
        Formatter("it").number(1.0, decimals=-1)


@pytest.mark.parametrize(
    ("x", "decimals", "it", "en"),
    [
        (0.125, 1, f"12,5{NBSP}%", "12.5%"),
        (0.125, 0, f"13{NBSP}%", "13%"),
        (1, 0, f"100{NBSP}%", "100%"),
        (np.float64(1 / 3), 1, f"33,3{NBSP}%", "33.3%"),
        (None, 0, "n.d.", "n/a"),
    ],
)
def test_percent(x, decimals, it, en):
    assert Formatter("it").percent(x, decimals) == it
    assert Formatter("en").percent(x, decimals) == en


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
def test_percent_in_one_language(share, lang, decimals, expected):
    assert Formatter(lang).percent(share, decimals) == expected


def test_percent_italian_space_is_non_breaking():
    written = Formatter("it").percent(0.125)
    assert written == "12,5\u00a0%"
    assert " " not in written


@pytest.mark.parametrize(
    ("d", "lang", "expected"),
    [
        (datetime.date(2026, 11, 24), "it", "24 novembre 2026"),
        (datetime.date(2026, 11, 24), "en", "24 November 2026"),
        (datetime.date(2027, 1, 1), "it", "1° gennaio 2027"),
        (datetime.datetime(2026, 3, 5, 23, 59), "en", "5 March 2026"),
        ("2026-08-15", "it", "15 agosto 2026"),
    ],
)
def test_date(d, lang, expected):
    assert Formatter(lang).date(d) == expected


def test_date_all_italian_months():
    names = [Formatter("it").date(datetime.date(2026, m, 1)).split()[1] for m in range(1, 13)]
    assert names == [
        "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
        "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
    ]


def test_date_rejects_non_dates():
    with pytest.raises(TypeError):
        Formatter("it").date(20261124)


@pytest.mark.parametrize(
    ("v", "it", "en"),
    [(12, "12", "12"), (1234.0, "1.234", "1,234"), (np.int64(7), "7", "7"),
     (pd.array([3], dtype="Int64")[0], "3", "3")],
)
def test_count(v, it, en):
    assert Formatter("it").count(v) == it
    assert Formatter("en").count(v) == en


@pytest.mark.parametrize("missing", MISSING)
def test_count_p_value_interval_and_change_of_nothing_are_a_dash(lang, missing):
    fmt = Formatter(lang)
    assert NOT_AVAILABLE == DASH
    assert fmt.count(missing) == DASH
    assert fmt.p_value(missing) == DASH
    assert fmt.interval(missing, 1.0, 2.0) == DASH
    assert fmt.change(missing, "proportion") == DASH
    assert fmt.change(missing, "mean") == DASH
    assert fmt.change_interval(missing, 0.1, 0.2, "proportion") == DASH


@pytest.mark.parametrize(
    ("p", "it", "en"),
    [
        (0.5, "0,500", "0.500"),
        (0.04213, "0,042", "0.042"),
        (0.001, "0,001", "0.001"),
        (0.000999, "< 0,001", "< 0.001"),
        (1e-12, "< 0,001", "< 0.001"),
        (0.0, "< 0,001", "< 0.001"),
        (np.float64(1.0), "1,000", "1.000"),
    ],
)
def test_p_value(p, it, en):
    assert Formatter("it").p_value(p) == it
    assert Formatter("en").p_value(p) == en


@pytest.mark.parametrize(
    ("args", "it", "en"),
    [
        ((1.234, 0.5, 1.96), "1,23 (0,50; 1,96)", "1.23 (0.50; 1.96)"),
        ((-0.3, -0.55, -0.05), "-0,30 (-0,55; -0,05)", "-0.30 (-0.55; -0.05)"),
        ((1234.5, 1000, 1500, 1), "1.234,5 (1.000,0; 1.500,0)",
         "1,234.5 (1,000.0; 1,500.0)"),
        ((0.4, math.nan, math.nan), "0,40 (n.d.; n.d.)", "0.40 (n/a; n/a)"),
    ],
)
def test_interval(args, it, en):
    assert Formatter("it").interval(*args) == it
    assert Formatter("en").interval(*args) == en


@pytest.mark.parametrize(
    ("x", "kind", "it", "en"),
    [
        (0.4531, "proportion", f"45,3{NBSP}%", "45.3%"),
        (1, "proportion", f"100,0{NBSP}%", "100.0%"),
        (3.254, "mean", "3,25", "3.25"),
        (np.nan, "mean", "n.d.", "n/a"),
        (np.nan, "proportion", "n.d.", "n/a"),
    ],
)
def test_value(x, kind, it, en):
    assert Formatter("it").value(x, kind) == it
    assert Formatter("en").value(x, kind) == en


def test_value_decimals_apply_to_means_only():
    fmt = Formatter("it")
    assert fmt.value(3.25, "mean", 1) == "3,3"
    assert fmt.value(0.25, "proportion", 0) == f"25,0{NBSP}%"


@pytest.mark.parametrize(
    ("x", "kind", "it", "en"),
    [
        (0.034, "proportion", "3,4 p.p.", "3.4 pp"),
        (-0.0125, "proportion", "-1,3 p.p.", "-1.3 pp"),  # half away from zero
        (0.0145, "proportion", "1,5 p.p.", "1.5 pp"),  # on the written value, not 1.4
        (0.0004, "proportion", "0,0 p.p.", "0.0 pp"),
        (-0.251, "mean", "-0,25", "-0.25"),
        (1.5, "mean", "1,50", "1.50"),
    ],
)
def test_change(x, kind, it, en):
    assert Formatter("it").change(x, kind) == it
    assert Formatter("en").change(x, kind) == en


def test_change_without_unit():
    assert Formatter("it").change(0.034, "proportion", unit=False) == "3,4"
    assert Formatter("en").change(0.034, "proportion", unit=False) == "3.4"
    assert Formatter("en").change(0.25, "mean", unit=False) == "0.25"


@pytest.mark.parametrize(
    ("args", "it", "en"),
    [
        ((0.034, 0.01, 0.058, "proportion"), "3,4 p.p. (1,0; 5,8)", "3.4 pp (1.0; 5.8)"),
        ((-0.25, -0.4, -0.1, "mean"), "-0,25 (-0,40; -0,10)", "-0.25 (-0.40; -0.10)"),
        ((0.02, math.nan, 0.05, "proportion"), f"2,0 p.p. ({DASH}; 5,0)",
         f"2.0 pp ({DASH}; 5.0)"),
    ],
)
def test_change_interval(args, it, en):
    assert Formatter("it").change_interval(*args) == it
    assert Formatter("en").change_interval(*args) == en


def test_unknown_kind_is_refused(lang):
    fmt = Formatter(lang)
    for call in (lambda: fmt.value(1, "share"), lambda: fmt.change(1, "total"),
                 lambda: fmt.change(math.nan, "share")):
        with pytest.raises(ValueError, match="kind must be one of"):
            call()


@pytest.mark.parametrize(
    ("items", "it", "en"),
    [
        ([], "", ""),
        (["asilo"], "asilo", "asilo"),
        (["asilo", "centro estivo"], "asilo e centro estivo", "asilo and centro estivo"),
        (["a", "b", "c"], "a, b e c", "a, b and c"),
        (("a", "b", "c", "d"), "a, b, c e d", "a, b, c and d"),
    ],
)
def test_listing(items, it, en):
    assert Formatter("it").listing(items) == it
    assert Formatter("en").listing(items) == en


def test_listing_takes_any_iterable():
    assert Formatter("en").listing(x.upper() for x in "abc") == "A, B and C"
    assert Formatter("it").listing(pd.Series(["x", "y"])) == "x e y"


@pytest.mark.parametrize(
    ("q", "it", "en"),
    [
        ("2014Q2", "T2 2014", "Q2 2014"),
        ("2013Q1", "T1 2013", "Q1 2013"),
        ("2013-Q4", "T4 2013", "Q4 2013"),
        (pd.Period("2015Q3", freq="Q"), "T3 2015", "Q3 2015"),
    ],
)
def test_quarter(q, it, en):
    assert Formatter("it").quarter(q) == it
    assert Formatter("en").quarter(q) == en


@pytest.mark.parametrize("bad", ["2014", "2014Q5", "Q2 2014", "", None])
def test_quarter_refuses_what_is_not_a_quarter(bad):
    with pytest.raises(ValueError, match="not a quarter"):
        Formatter("it").quarter(bad)


def test_methods_accept_decimals_and_numpy_scalars(lang):
    fmt = Formatter(lang)
    assert fmt.number(Decimal("2.5"), 0) == "3"
    assert fmt.interval(np.float64(0.5), np.float64(0.25), np.float64(0.75), 1) == (
        "0,5 (0,3; 0,8)" if lang == "it" else "0.5 (0.3; 0.8)")

