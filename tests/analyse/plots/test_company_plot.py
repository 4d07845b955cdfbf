"""The maturity scale of a company report: the company's score, the others' quartiles only."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import math

import matplotlib.pyplot as plt
import pytest

from pipeline.analyse.analysis.company_history import MaturityChange
from pipeline.analyse.analysis.company_position import Position
from pipeline.analyse.plots.chart import chart_info
from pipeline.analyse.plots.company import maturity_scale

NAN = math.nan
SHOWN = Position(score=35.7, maturity_class="4W", n_others=35, q1=38.6, median=47.9, q3=56.6,
                 quarter=1, n_below=4, share_below=4 / 35, withheld=None)
ALONE = Position(score=35.7, maturity_class="4W", n_others=3, q1=NAN, median=NAN, q3=NAN,
                 quarter=0, n_below=1, share_below=NAN, withheld="too_few")


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_scale_shows_the_company_then_and_now_and_the_others_quartiles(lang):
    fig = maturity_scale(SHOWN, MaturityChange(19.3, "2W", 35.7, "4W"),
                         previous_wave="demo-2013", lang=lang)
    info = chart_info(fig)
    written = {"it": ["35,7", "19,3", "39", "48", "57"], "en": ["35.7", "19.3", "39", "48", "57"]}
    assert list(info.data.iloc[:, 1]) == written[lang]
    assert len(info.data) == 5
    assert all(w in info.alt for w in written[lang]) and "demo-2013" in info.alt
    assert {"1W", "2W", "3W", "4W", "5W"} <= set(texts(fig))
    ax = fig.axes[0]
    assert ax.get_xlim() == (0.0, 100.0)
    assert len(ax.get_yticklabels()) == 2
    plt.close(fig)


def test_without_enough_others_only_the_company_is_drawn():
    fig = maturity_scale(ALONE, lang="it")
    info = chart_info(fig)
    assert list(info.data.iloc[:, 1]) == ["35,7"]
    assert "quartil" not in info.alt.lower() and "mediana" not in " ".join(texts(fig))
    assert len(fig.axes[0].get_yticklabels()) == 1
    plt.close(fig)
