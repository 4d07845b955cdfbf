"""Axes as the report's reader expects them: ticks in the report's language, categories in
their natural order."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from pipeline.analyse.plots.axes import (
    LocaleFormatter,
    format_axis,
    order_rows,
    tick_decimals,
    wrap,
)

NBSP = "\u00a0"


@pytest.mark.parametrize("lang, kind, value, written", [
    ("it", "percent", 0.25, f"25{NBSP}%"),
    ("en", "percent", 0.25, "25%"),
    ("it", "number", 2.9, "2,9"),
    ("en", "number", 2.9, "2.9"),
    ("it", "number", -0.5, "-0,5"),
    ("it", "number", 1500.0, "1.500"),
    ("en", "number", 1500.0, "1,500"),
    ("it", "abs_percent", -0.5, f"50{NBSP}%"),
])
def test_a_tick_is_written_in_the_reports_language(lang, kind, value, written):
    formatter = LocaleFormatter(lang, kind)
    formatter.set_locs([value])
    assert formatter(value) == written


def test_the_decimals_are_just_enough_to_tell_the_ticks_apart():
    assert tick_decimals([2.6, 2.8, 3.0]) == 1
    assert tick_decimals([0.0, 0.25, 0.5]) == 2
    assert tick_decimals([0.0, 0.25, 0.5], scale=100) == 0
    assert tick_decimals([0.0, 0.025, 0.05], scale=100) == 1
    formatter = LocaleFormatter("it", "number")
    assert formatter.format_ticks([2.6, 2.8, 3.0]) == ["2,6", "2,8", "3,0"]


def test_an_unknown_tick_kind_is_refused():
    with pytest.raises(ValueError, match="tick kind"):
        LocaleFormatter("it", "euro")


def test_an_axis_drawn_in_italian_shows_decimal_commas_and_spaced_percent_signs():
    fig, (left, right) = plt.subplots(1, 2)
    left.set_xlim(0, 1)
    right.set_xlim(2.5, 3.5)
    format_axis(left.xaxis, "it", "percent")
    format_axis(right.xaxis, "it", "number")
    fig.canvas.draw()
    percents = [t.get_text() for t in left.get_xticklabels() if t.get_text()]
    numbers = [t.get_text() for t in right.get_xticklabels() if t.get_text()]
    plt.close(fig)
    assert percents and all(p.endswith(f"{NBSP}%") for p in percents)
    assert "." not in "".join(numbers) and any("," in n for n in numbers)


def test_categories_come_in_their_natural_order_whatever_the_table_order():
    table = pd.DataFrame({"group_var": ["age_band"] * 3 + ["gender"] * 2 + ["all"],
                          "group": ["55+", "<25", "35-44", "M", "F", "all"]})
    ordered = order_rows(table, "group", ["all", "F", "M", "<25", "35-44", "55+"],
                         within="group_var", within_order=["all", "gender", "age_band"])
    assert list(ordered["group"]) == ["all", "F", "M", "<25", "35-44", "55+"]
    assert list(ordered.columns) == ["group_var", "group"]
    # a value outside the order keeps its place after the known ones
    tail = order_rows(pd.DataFrame({"c": ["x", "2W", "1W"]}), "c", ["1W", "2W"])
    assert list(tail["c"]) == ["1W", "2W", "x"]


def test_long_labels_are_wrapped_between_words():
    label = "Servizi di assistenza familiari anziani (rimborso/erogazione)"
    lines = wrap(label, 28).split("\n")
    assert len(lines) > 1 and all(len(line) <= 28 for line in lines)
    assert " ".join(lines) == label
