"""The project's figure theme: colour-blind-safe colours, type sized for a phone, vector output.

Figures are emitted as SVG (text kept as text, ``svg.fonttype: none``): sharp at any zoom
on a 390 px phone screen, searchable, and drawn as vectors in the PDF. The width of a
figure is :data:`WIDTH` inches (the text width of the A4 page); its type is sized so that
the figure shown about 340 px wide on a phone can be read (and zoomed: it stays sharp),
and at its nominal size, in print and on a desktop screen, is the size of the report's own
text.
"""

from __future__ import annotations

import matplotlib as mpl
import seaborn as sns

#: Colour-blind-safe qualitative palette (seaborn "colorblind", after Okabe-Ito).
PALETTE = sns.color_palette("colorblind")
#: Sequential palette for maps and heat maps (ColorBrewer, colour-blind and print safe).
SEQUENTIAL = "YlGnBu"
#: Width of every figure, inches: a little less than the text width of the A4 page (a
#: figure is printed at its own size) and of the HTML report's column (its type is the
#: size of the text around it); on a 390 px phone it is shown at about 0.55 of its size.
WIDTH = 6.3
#: Tallest figure, inches: it fits an A4 page with its caption.
MAX_HEIGHT = 8.8
#: Base type size, points: tick labels and legends; axis labels are one point larger.
#: 12 pt is about 9 CSS px on a 390 px phone: readable, and sharp when zoomed (SVG).
FONT_SIZE = 12
#: Type size of the category labels of a chart of rows (measures, services: long words).
LABEL_SIZE = FONT_SIZE - 1
#: Type size of the source line under each figure, points.
SOURCE_SIZE = 10
#: Grey of the source line and of secondary marks (6.9:1 on white).
MUTED = "#555555"
#: Look of a suppressed value (fewer answers than the disclosure threshold): a grey
#: hatched patch, never an empty or zero bar.
SUPPRESSED = {"facecolor": "#eeeeee", "edgecolor": "#8a8a8a", "hatch": "///",
              "linewidth": 0.6}
#: Colour of a place with nothing to show (no company, no answer): white with a grey edge.
NONE_COLOR = "#ffffff"


def set_theme() -> None:
    """Apply the theme to every later figure (call once per notebook).

    Inside a Jupyter kernel it also selects the inline backend and its SVG output: a
    kernel started with ``MPLBACKEND=Agg`` in its environment (as CI sets) would otherwise
    show no figures. The SVG carries no creation date and stable element ids
    (``svg.hashsalt``): the same figure gives the same bytes at every run.
    """
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None and getattr(shell, "kernel", None) is not None:
        shell.run_line_magic("matplotlib", "inline")
        shell.run_line_magic("config", "InlineBackend.figure_formats = ['svg']")
        shell.run_line_magic(
            "config", "InlineBackend.print_figure_kwargs = "
            "{'bbox_inches': 'tight', 'metadata': {'Date': None}}")
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font="DejaVu Sans")
    mpl.rcParams.update({
        "figure.figsize": (WIDTH, 4.2),
        "figure.dpi": 110,
        "savefig.dpi": 200,
        "font.size": FONT_SIZE,
        "axes.titleweight": "bold",
        "axes.titlesize": FONT_SIZE + 2,
        "axes.labelsize": FONT_SIZE + 1,
        "xtick.labelsize": FONT_SIZE,
        "ytick.labelsize": FONT_SIZE,
        "legend.fontsize": FONT_SIZE,
        "legend.title_fontsize": FONT_SIZE,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
        "hatch.linewidth": 0.6,
        "svg.fonttype": "none",
        "svg.hashsalt": "welfare-pipeline",
    })
