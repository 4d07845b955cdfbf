"""The project's figure theme: seaborn's colour-blind-safe palette, print-friendly sizes."""

from __future__ import annotations

import matplotlib as mpl
import seaborn as sns

#: Colour-blind-safe qualitative palette (seaborn "colorblind", after Okabe-Ito).
PALETTE = sns.color_palette("colorblind")
#: Sequential palette for maps and heat maps (perceptually uniform, colour-blind safe).
SEQUENTIAL = "viridis"


def set_theme() -> None:
    """Apply the theme to every later figure (call once per notebook).

    Inside a Jupyter kernel it also selects the inline backend: a kernel started with
    ``MPLBACKEND=Agg`` in its environment (as CI sets) would otherwise show no figures.
    """
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None and getattr(shell, "kernel", None) is not None:
        shell.run_line_magic("matplotlib", "inline")
        # Double-resolution PNG, shown at its nominal size: sharp on screen and in print.
        shell.run_line_magic("config", "InlineBackend.figure_formats = ['retina']")
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font="DejaVu Sans")
    mpl.rcParams.update({
        "figure.figsize": (7.5, 4.2),
        "figure.dpi": 110,
        "savefig.dpi": 200,
        "axes.titleweight": "bold",
        "axes.titlesize": 12,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "none",
    })
