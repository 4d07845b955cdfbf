"""What every figure function draws besides its marks: the source line, suppressed values
that never read as zero, the table of what is drawn and a description with the key data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from pipeline.analyse.plots import chart_info
from pipeline.analyse.plots.bars import count_bars, share_bars
from pipeline.analyse.plots.estimates import diverging_likert, dot_ci
from pipeline.analyse.plots.network import (
    activity_chart,
    effect_dots,
    gap_chart,
    status_bars,
    viability_grid,
)

SOURCE = "Fonte: questionario ai lavoratori delle imprese della rete. Rilevazione di prova."
NBSP = "\u00a0"


def _dots(**extra) -> pd.DataFrame:
    return pd.DataFrame({"label": ["Nido aziendale", "Banca ore", "Navetta"],
                         "estimate": [0.62, np.nan, 0.2], "ci_low": [0.55, np.nan, 0.1],
                         "ci_high": [0.7, np.nan, 0.3], **extra})


def _likert() -> pd.DataFrame:
    rows = [("Nido", c, s) for c, s in zip([1, 2, 3, 4], [0.1, 0.2, 0.3, 0.4], strict=True)]
    rows += [("Banca ore", c, np.nan) for c in [1, 2, 3, 4]]
    return pd.DataFrame(rows, columns=["label", "category", "estimate"])


def _status() -> pd.DataFrame:
    rows = [("Nido", "active_all", 0.2), ("Nido", "active_some", 0.1), ("Nido", "planned", 0.05),
            ("Banca ore", "active_all", np.nan), ("Banca ore", "active_some", np.nan),
            ("Banca ore", "planned", np.nan)]
    return pd.DataFrame(rows, columns=["label", "status", "estimate"])


def _grid() -> pd.DataFrame:
    return pd.DataFrame({"measure": ["NIDO", "NIDO", "NAVETTA", "NAVETTA"],
                         "area": ["VR", "EST", "VR", "EST"],
                         "status": ["viable", "withheld", "too_small", "withheld"],
                         "users": [54.2, np.nan, 9.0, np.nan]})


FIGURES = {
    "dot_ci": lambda source: dot_ci(_dots(), label="label", xlabel="Quota", source=source),
    "dot_ci_hue": lambda source: dot_ci(
        pd.concat([_dots(g=["F"] * 3), _dots(g=["M"] * 3)]), label="label", hue="g",
        hue_labels={"F": "Donne", "M": "Uomini"}, source=source),
    "diverging_likert": lambda source: diverging_likert(
        _likert(), label="label", categories=[1, 2, 3, 4],
        category_labels={1: "Per nulla", 2: "Poco", 3: "Importante", 4: "Molto"},
        source=source),
    "share_bars": lambda source: share_bars(
        pd.DataFrame({"label": ["A", "B", "C"], "share": [0.5, np.nan, 0.1]}), label="label",
        xlabel="Quota di imprese", source=source),
    "count_bars": lambda source: count_bars(
        pd.DataFrame({"c": ["1W", "2W", "3W"], "n": [0, np.nan, 12]}), x="c",
        order=["1W", "2W", "3W"], ylabel="Imprese", source=source),
    "status_bars": lambda source: status_bars(
        _status(), label="label", status_labels={"active_all": "Per tutti",
                                                 "active_some": "Per una parte",
                                                 "planned": "Prevista"}, source=source),
    "effect_dots": lambda source: effect_dots(
        _dots(), label="label", xlabel="Differenza (a destra = meglio)", source=source),
    "gap_chart": lambda source: gap_chart(
        pd.DataFrame({"label": ["A", "B"], "need": [0.6, 0.1], "active": [0.2, 0.4],
                      "candidate": [True, False]}),
        label="label", need="need", active="active", need_label="Bisogno alto",
        active_label="Già attiva", highlight="candidate", need_min=0.5, active_max=0.33,
        need_min_label="Soglia del bisogno", active_max_label="Soglia della diffusione",
        source=source),
    "viability_grid": lambda source: viability_grid(
        _grid(), row="measure", col="area", status_labels={"withheld": "Non pubblicato"},
        source=source),
    "activity_chart": lambda source: activity_chart(
        pd.DataFrame({"quarter": ["T1 2014", "T1 2014", "T2 2014"],
                      "activity": ["joined", "training", "joined"], "events": [3, 2, 4]}),
        pd.DataFrame({"quarter": ["T1 2014", "T2 2014"], "members": [3, 7]}),
        ylabel="Eventi", members_label="Imprese aderenti", source=source),
}


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_carries_its_source_line_below_the_plot(name):
    fig = FIGURES[name](SOURCE)
    fig.canvas.draw()
    line = [t for t in fig.texts if t.get_gid() == "welfare-source"]
    assert len(line) == 1 and " ".join(line[0].get_text().split()) == SOURCE
    source_top = line[0].get_window_extent().y1
    assert all(ax.get_window_extent().y0 > source_top for ax in fig.axes)
    info = chart_info(fig)
    assert info is not None and info.source == SOURCE
    plt.close(fig)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_has_a_data_table_and_a_description_with_key_values(name):
    fig = FIGURES[name](None)
    info = chart_info(fig)
    plt.close(fig)
    assert not [t for t in fig.texts if t.get_gid() == "welfare-source"]
    assert len(info.data) and len(info.data.columns) >= 2
    assert all(isinstance(v, str) for v in info.data.to_numpy().ravel())
    assert info.alt.startswith(("Grafico", "Griglia"))
    assert any(ch.isdigit() for ch in info.alt)  # the key values, not only words


def _hatched(fig) -> list:
    return [p for p in fig.axes[0].patches if p.get_hatch()]


@pytest.mark.parametrize("name", ["share_bars", "count_bars", "status_bars",
                                  "diverging_likert", "viability_grid"])
def test_a_suppressed_bar_is_hatched_labelled_nd_and_explained_in_the_legend(name):
    fig = FIGURES[name](None)
    texts = _texts(fig)
    legend = fig.axes[0].get_legend()
    plt.close(fig)
    assert _hatched(fig), "the suppressed value is drawn as a hatched patch"
    assert "n.d." in texts
    labels = [t.get_text() for t in legend.get_texts()]
    assert any(lab.startswith(("n.d.", "Non pubblicato")) for lab in labels)
    assert any(h.get_hatch() for h in legend.legend_handles)
    assert "n.d." in set(chart_info(fig).data.to_numpy().ravel()) or name == "viability_grid"


def test_a_suppressed_dot_is_written_nd_never_left_out():
    fig = dot_ci(_dots(), label="label", min_cell=5)
    texts = _texts(fig)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    info = chart_info(fig)
    plt.close(fig)
    assert "n.d." in texts
    assert legend == ["n.d.: dato non diffuso (meno di 5 risposte, o per proteggerne un altro)"]
    assert list(info.data.iloc[1]) == ["Banca ore", "n.d.", "n.d."]
    assert "1 valore non pubblicato" in info.alt


def test_a_zero_is_a_zero_bar_a_suppressed_count_is_not():
    fig = FIGURES["count_bars"](None)
    data = chart_info(fig).data
    plt.close(fig)
    assert list(data["Imprese"]) == ["0", "n.d.", "12"]


def test_the_data_table_and_description_are_written_in_the_figures_language():
    fig = share_bars(pd.DataFrame({"label": ["A", "B"], "share": [0.255, 0.1]}), label="label",
                     xlabel="Share", lang="en")
    info = chart_info(fig)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    plt.close(fig)
    assert list(info.data["Share"]) == ["25.5%", "10.0%"]
    assert info.alt == ("Bar chart. Share: the highest value is A (25.5%); the lowest is B "
                        "(10.0%).")
    assert any(t.endswith("%") and NBSP not in t for t in ticks)


def test_a_tie_at_the_top_is_described_as_a_tie_not_as_one_winner():
    table = pd.DataFrame({"label": ["Centri estivi", "Sportello", "Navetta"],
                          "share": [0.5333, 0.5334, 0.2]})
    fig = share_bars(table, label="label", xlabel="Quota di imprese interessate")
    alt = chart_info(fig).alt
    plt.close(fig)
    assert alt == ("Grafico a barre. Quota di imprese interessate: i valori più alti sono "
                   f"Centri estivi (53,3{NBSP}%) e Sportello (53,3{NBSP}%); il più basso è "
                   f"Navetta (20,0{NBSP}%).")
    fig = share_bars(table.assign(share=0.4), label="label", xlabel="Quota")
    assert chart_info(fig).alt == ("Grafico a barre. Quota: tutte le voci hanno lo stesso "
                                   f"valore, 40,0{NBSP}%.")
    plt.close(fig)


def test_the_first_group_is_drawn_on_top_of_its_row_as_it_reads_in_the_legend():
    fig = FIGURES["dot_ci_hue"](None)
    ax = fig.axes[0]
    first, second = ax.containers[0], ax.containers[1]
    y_first = first.lines[0].get_ydata()[0]
    y_second = second.lines[0].get_ydata()[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    data = chart_info(fig).data
    plt.close(fig)
    assert y_first > y_second
    assert labels[:2] == ["Donne", "Uomini"]
    assert list(data["Gruppo"][:2]) == ["Donne", "Uomini"]


def test_a_difference_where_lower_is_better_is_turned_round_so_right_is_better():
    table = pd.DataFrame({"label": ["Flessibilità"], "estimate": [-0.4], "ci_low": [-0.6],
                          "ci_high": [-0.1]})
    fig = effect_dots(table, label="label", reverse=True, xlabel="Conflitto in meno")
    ax = fig.axes[0]
    drawn = ax.containers[0].lines[0].get_xdata()[0]
    data = chart_info(fig).data
    plt.close(fig)
    assert drawn == pytest.approx(0.4)
    assert list(data.iloc[0]) == ["Flessibilità", "0,40", "0,10 – 0,60"]


def test_the_thresholds_the_caption_names_are_drawn_above_the_grid_and_in_the_legend():
    fig = FIGURES["gap_chart"](None)
    ax = fig.axes[0]
    dashed = [ln for ln in ax.lines if ln.get_linestyle() not in ("-", "None")]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    plt.close(fig)
    assert sorted(round(ln.get_xdata()[0], 2) for ln in dashed) == [0.33, 0.5]
    assert {to_hex(ln.get_color()) for ln in dashed} == {"#de8f05", "#0173b2"}
    assert all(ln.get_zorder() > ax.xaxis.get_gridlines()[0].get_zorder() for ln in dashed)
    assert {"Soglia del bisogno", "Soglia della diffusione"} <= set(legend)
    assert bold == ["A"]


def test_a_shown_estimate_without_interval_reads_a_dash_not_nd():
    """100 % of the companies: an estimate with no interval is not withheld."""
    table = _dots().assign(ci_low=[np.nan, np.nan, 0.1], ci_high=[np.nan, np.nan, 0.3])
    fig = dot_ci(table, label="label", min_cell=5)
    info = chart_info(fig)
    plt.close(fig)
    assert list(info.data.iloc[0]) == ["Nido aziendale", "62,0\u00a0%", "\u2014"]
    assert list(info.data.iloc[1]) == ["Banca ore", "n.d.", "n.d."]
    assert info.min_cell == 5


def test_with_a_suppressed_flag_only_flagged_rows_are_drawn_nd():
    table = _dots(suppressed=[False, False, False]).assign(estimate=[0.62, np.nan, 0.2])
    fig = dot_ci(table, label="label", min_cell=5)
    texts, info = _texts(fig), chart_info(fig)
    plt.close(fig)
    assert "n.d." not in texts and fig.axes[0].get_legend() is None
    assert list(info.data.iloc[1]) == ["Banca ore", "\u2014", "\u2014"]
    flagged = dot_ci(_dots(suppressed=[False, True, False]), label="label", min_cell=5)
    assert "n.d." in _texts(flagged)
    plt.close(flagged)


def test_the_grid_data_tells_a_withheld_cell_from_a_missing_one():
    fig = viability_grid(_grid().iloc[:3], row="measure", col="area")  # no NAVETTA in EST
    data = chart_info(fig).data
    plt.close(fig)
    assert data.iloc[0, 2] == "n.d." and data.iloc[1, 2] == "\u2014"
