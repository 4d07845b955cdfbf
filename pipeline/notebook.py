"""What a notebook needs to tell its story: the wave's tables, outputs, figures with captions.

Notebooks stay thin: they call these helpers and the analysis functions, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.analyse.disclosure import suppress_small_cells
from pipeline.config import DEFAULT_MIN_CELL, get_paths
from pipeline.wave import list_waves, read_manifest, read_processed


@dataclass
class WaveContext:
    """A processed wave as a notebook sees it.

    Attributes
    ----------
    tables
        The typed tables (``companies``, ``company_survey``, ``worker_survey``, ...).
    tables_dir
        Where the notebook writes the CSV tables behind its figures.
    """

    wave: str
    lang: str
    synthetic: bool
    meta: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    tables_dir: Path
    min_cell: int

    def publishable(self, df: pd.DataFrame, n_col: str = "n", **options) -> pd.DataFrame:
        """``df`` with every row built on fewer than ``min_cell`` respondents blanked.

        ``options`` go to :func:`pipeline.analyse.disclosure.suppress_small_cells` (``value_cols``,
        ``keep_zero`` for frequency tables such as companies per class).
        """
        if n_col not in df.columns:
            return df
        return suppress_small_cells(df, min_cell=self.min_cell, n_col=n_col, **options)

    def save_table(self, df: pd.DataFrame, name: str) -> pd.DataFrame:
        """Write a tidy table as ``<tables_dir>/<name>.csv`` (UTF-8, ``,``, decimal point).

        Small cells are blanked first (see :meth:`publishable`); the published version is
        returned so that figures are drawn from exactly what the table shows.
        """
        published = self.publishable(df)
        self.tables_dir.mkdir(parents=True, exist_ok=True)
        published.to_csv(self.tables_dir / f"{name}.csv", index=False, float_format="%.6g")
        return published


def latest_wave() -> str:
    """The last processed wave in wave order (what a notebook opened by hand looks at)."""

    paths = get_paths()
    done = [w for w in list_waves(paths) if read_manifest(paths, w) is not None]
    if not done:
        raise FileNotFoundError("no processed wave yet: run `make demo` or `welfare run <wave>`")
    return done[-1]


def open_wave(wave: str | None, lang: str = "it", processed_dir: str | None = None,
              tables_dir: str | None = None, min_cell: int = DEFAULT_MIN_CELL) -> WaveContext:
    """Load a processed wave for a notebook (defaults: the project's folders).

    Parameters
    ----------
    wave
        Wave label; ``None`` (the notebooks' default) opens :func:`latest_wave`.
    processed_dir
        ``data/processed/<wave>`` unless given (the pipeline passes its own).
    tables_dir
        Where tables go; default ``data/work/notebook-tables/<wave>`` so that running a
        notebook by hand in JupyterLab never touches a published report.
    """
    paths = get_paths()
    wave = wave or latest_wave()
    processed = Path(processed_dir) if processed_dir else paths.processed_wave(wave)
    if not (processed / "manifest.json").exists():
        raise FileNotFoundError(
            f"{processed} has no processed wave: run `welfare ingest {wave}` first")
    data = read_processed(processed)
    out = Path(tables_dir) if tables_dir else paths.notebook_tables(wave)
    return WaveContext(wave=wave, lang=lang, synthetic=data.synthetic, meta=data.meta,
                       tables=data.tables, tables_dir=out, min_cell=int(min_cell))


def show_figure(fig: Any, caption: str) -> None:
    """Display a matplotlib figure with its caption (numbered by the report renderer)."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(fig, metadata={"caption": caption})
    plt.close(fig)


def show_table(df: pd.DataFrame, caption: str) -> None:
    """Display a table with its caption (numbered by the report renderer).

    Cell values are data: they are HTML-escaped (a ``<`` in a name is shown, never
    parsed); missing values are left blank.
    """
    from IPython.display import display

    styled = df.style.format(escape="html", na_rep="").hide(axis="index")
    display(styled, metadata={"caption": caption})
