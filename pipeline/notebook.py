"""What a notebook needs to tell its story: the wave's tables, outputs, figures with captions.

Notebooks stay thin: they call these helpers and the analysis functions, nothing more.

A figure is shown with its caption and, right after it, its data as an accessible table
(:func:`show_figure`): the text alternative of a chart (WCAG 1.1.1) holds its data, and
the image's ``alt`` a short description with the key values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape as html_escape
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.analyse.analysis.company_wave import CompanyWave, company_wave, opened_once
from pipeline.analyse.disclosure import protect_table, suppress_small_cells, wave_totals
from pipeline.analyse.plots.chart import chart_info
from pipeline.analyse.published import write_table
from pipeline.codebook import load_codebook
from pipeline.config import DEFAULT_MIN_CELL, get_paths
from pipeline.i18n.formatting import NOT_AVAILABLE, Formatter
from pipeline.i18n.numbers import is_nan_like
from pipeline.i18n.text import text
from pipeline.render.sections.marks import has_withheld, mark_withheld, withheld_note
from pipeline.wave import list_waves, read_manifest, read_processed, wave_title

#: Where a figure's data come from: the words of each in ``chart.source.<name>``.
SOURCES = ("workers", "companies", "mapping", "activity", "local_services")


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
        """Write a tidy table as ``<tables_dir>/<name>.csv`` and its .xlsx copy
        (:func:`pipeline.analyse.published.write_table`: UTF-8 with a byte-order mark, ``,``,
        decimal point, rounded, withheld cells ``n.d.``, a label beside each code).

        Small cells are blanked first (see :meth:`publishable`), then the cells their margins
        would give away (complementary suppression of a table with margins:
        :func:`pipeline.analyse.disclosure.protect_table`); the published version is
        returned so that figures are drawn from exactly what the table shows.
        """
        published = protect_table(name, self.publishable(df), df, min_cell=self.min_cell,
                                  totals=wave_totals(self.tables))
        write_table(published, self.tables_dir / f"{name}.csv", lang=self.lang, on=self.meta)
        return published

    def source(self, *data: str, waves: list[str] | None = None) -> str:
        """The source line of a figure: "Fonte: <data>. <the wave's name>."

        Parameters
        ----------
        data
            What the figure is drawn from, one or more of :data:`SOURCES` (``workers``:
            the workers' questionnaire, ``companies``: the companies' questionnaire,
            ``mapping``: the mapping of the province's companies, ``activity``: the
            network's record, ``local_services``).
        waves
            Several waves compared (monitoring): their labels, oldest first; default this
            wave, named by its title (:func:`pipeline.wave.wave_title`).

        Returns
        -------
        str
            E.g. "Fonte: questionario ai lavoratori delle imprese della rete. Rilevazione
            ottobre–novembre 2014."
        """
        unknown = [d for d in data if d not in SOURCES]
        if unknown or not data:
            raise ValueError(f"figure source {unknown or data!r}: expected some of {SOURCES}")
        fmt = Formatter(self.lang)
        sources = fmt.listing(text(f"chart.source.{d}", self.lang) for d in data)
        if waves and len(waves) > 1:
            named = text("chart.source.waves", self.lang, names=fmt.listing(waves))
        else:
            named = wave_title({"label": self.wave, **self.meta}, self.lang)
        return text("chart.source", self.lang, sources=sources, waves=named.rstrip("."))


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


# --- the wave of the company reports -----------------------------------------------------------

def _wave_version(processed: Path) -> tuple[Any, ...]:
    """What a processed wave is: its folder, its tables' hashes and its previous wave."""
    try:
        manifest = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return (str(processed), None, None)
    return (str(processed.resolve()),
            tuple(sorted((t, i["sha256"]) for t, i in manifest["tables"].items())),
            (manifest.get("meta") or {}).get("previous_wave"))


def open_company_wave(wave: str | None, lang: str = "it", processed_dir: str | None = None,
                      min_cell: int = DEFAULT_MIN_CELL, previous_wave: str | None = None,
                      previous_processed_dir: str | None = None,
                      ) -> tuple[WaveContext, CompanyWave, str | None]:
    """The wave of a company report, its yardsticks and its previous wave's label.

    :func:`open_wave`, the codebook at the wave's fieldwork, the previous wave (default
    the one the wave's ``wave.yaml`` names, when it is processed) and
    :func:`pipeline.analyse.analysis.company_wave.company_wave`. Inside
    :func:`~pipeline.analyse.analysis.company_wave.company_wave_batch` the result is kept, by the content of both processed waves
    (their tables' hashes), the language and ``min_cell``: the companies of a batch share
    it and must not change it.

    Returns
    -------
    tuple
        ``(ctx, shared, previous_wave)``: the wave, its :class:`CompanyWave` and the label
        of the previous wave (``None`` without one; its tables are ``shared.previous``).
    """
    from pipeline.analyse.analysis.company_history import previous_wave_data

    paths = get_paths()
    wave = wave or latest_wave()
    processed = Path(processed_dir) if processed_dir else paths.processed_wave(wave)
    version = _wave_version(processed)
    label = previous_wave or version[2]
    before = (Path(previous_processed_dir) if previous_processed_dir
              else paths.processed_wave(label) if label else None)
    key = (wave, lang, int(min_cell), version, label,
           _wave_version(before) if before is not None else None)

    def build() -> tuple[WaveContext, CompanyWave, str | None]:
        ctx = open_wave(wave, lang, processed_dir, None, min_cell)
        codebook = load_codebook(on=ctx.meta)  # labels and thresholds at the fieldwork
        previous = previous_wave_data(label, previous_processed_dir)
        return ctx, company_wave(ctx.tables, codebook,
                                 None if previous is None else previous.tables), label

    return opened_once(key, build)


def _cell(value: Any, fmt: Formatter) -> str:
    """A value of a report's table as written (:mod:`pipeline.render.sections.marks`).

    A string is already written (a withheld value already reads ``n.d.`` / ``n/a``); a
    missing value is not applicable, the em dash; a number is written in ``fmt``'s
    language, a true zero ``0``.
    """
    if isinstance(value, str):
        return value
    if is_nan_like(value):
        return NOT_AVAILABLE
    if isinstance(value, bool | np.bool_):
        return text("chart.yes" if value else "chart.no", fmt.lang)
    if isinstance(value, int | np.integer):
        return fmt.number(value, 0)
    if isinstance(value, float | np.floating):
        return fmt.number(value, 0 if float(value).is_integer() else 2)
    return str(value)


def _written(data: pd.DataFrame, fmt: Formatter) -> pd.DataFrame:
    """Every cell of a table to show as a string (:func:`_cell`); a published table's
    withheld cells (its ``suppressed`` column, dropped) read ``n.d.`` / ``n/a``."""
    if "suppressed" in data.columns:
        data = mark_withheld(data, fmt.lang)
    return pd.DataFrame({i: [_cell(v, fmt) for v in data.iloc[:, i]]
                         for i in range(data.shape[1])}, index=data.index).set_axis(
        data.columns, axis=1)


def _note(data: pd.DataFrame, lang: str, min_cell: int | None) -> str:
    """The footnote under a table with a withheld cell, as HTML ("" when it has none)."""
    if not has_withheld(data, lang):
        return ""
    return f'<p class="table-note">{html_escape(withheld_note(lang, min_cell))}</p>'


def figure_data_html(data: pd.DataFrame, lang: str = "it", source: str | None = None,
                     min_cell: int | None = None) -> str:
    """A figure's data as a collapsed, accessible HTML table.

    ``<details class="figure-data">`` with a ``<summary>`` ("Dati della figura", numbered
    by the report renderer, :mod:`pipeline.render.prepare`), the table (the first column as
    row headers, the others right-aligned), the footnote on ``n.d.`` when a value is
    withheld (:func:`pipeline.render.sections.marks.withheld_note`) and the source line.
    Every header and value is escaped: a value is data, never markup.

    Parameters
    ----------
    data
        Readable headers; values strings as the report writes them (numbers are written
        with :class:`~pipeline.i18n.formatting.Formatter`; a missing one is not applicable,
        ``—``; a published table's withheld cells, by its ``suppressed`` column, ``n.d.``).
    lang
        Language of the summary, the footnote and of numbers given as numbers.
    source
        The figure's source line, repeated under the table.
    min_cell
        The disclosure threshold, for the footnote (without it, "too few respondents").
    """
    fmt = Formatter(lang)
    shown = _written(data, fmt)
    head = "".join(f"<th>{html_escape(str(c))}</th>" for c in shown.columns)
    rows = []
    for cells in shown.itertuples(index=False):
        first, rest = cells[0], cells[1:]
        rows.append(f"<tr><th>{html_escape(first)}</th>" + "".join(
            f'<td style="text-align: right">{html_escape(c)}</td>' for c in rest) + "</tr>")
    note = _note(shown, lang, min_cell)
    foot = f'<p class="figure-data-source">{html_escape(source)}</p>' if source else ""
    return (f'<details class="figure-data"><summary class="figure-data-summary">'
            f'{html_escape(text("chart.data", lang))}</summary>'
            f'<table class="figure-data-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{note}{foot}</details>')


def show_figure(fig: Any, caption: str, data: pd.DataFrame | None = None, *,
                lang: str = "it", alt: str | None = None) -> None:
    """Display a figure with its caption (numbered by the report renderer), then its data.

    Parameters
    ----------
    fig
        A matplotlib figure; one of :mod:`pipeline.analyse.plots` carries the table of
        what it draws and a short description (:func:`~pipeline.analyse.plots.chart.
        chart_info`).
    caption
        The caption, below the figure.
    data
        The figure's data, readable column names, values as the report writes them (or
        numbers, written here): the published, suppressed table. Default: the table the
        figure function drew from. Shown after the figure as a collapsed table ("Dati
        della figura 3"): the text alternative with the data (WCAG 1.1.1).
    lang
        Language of the table's summary and of numbers given as numbers.
    alt
        The image's alternative text; default the figure's description with its key
        values (never a copy of the caption), else the caption.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    info = chart_info(fig)
    if data is None and info is not None:
        data = info.data
    description = alt or (info.alt if info is not None else None) or caption
    display(fig, metadata={"caption": caption, "alt": description})
    plt.close(fig)
    if data is not None and len(data.columns) and len(data):
        source = info.source if info is not None else None
        plain = data.to_string(index=False)
        threshold = info.min_cell if info is not None else None
        display({"text/html": figure_data_html(data, lang, source, threshold),
                 "text/plain": plain},
                raw=True, metadata={"welfare_figure_data": True})


def show_table(df: pd.DataFrame, caption: str, *, lang: str = "it",
               min_cell: int | None = None) -> None:
    """Display a table with its caption (numbered by the report renderer) and, when a
    value is withheld, the footnote on ``n.d.`` under it.

    Parameters
    ----------
    df
        Readable headers; values as the report writes them (the section tables of
        :mod:`pipeline.render.sections`), or numbers, written here in ``lang``. A withheld
        value reads ``n.d.`` / ``n/a`` (already written, or marked by
        :func:`pipeline.render.sections.marks.mark_withheld`, or a published table's
        withheld cell by its ``suppressed`` column); a missing value is not applicable and
        reads ``—``; a true zero ``0``.
    caption
        The caption, above the table.
    lang
        Language of the numbers and of the footnote.
    min_cell
        The disclosure threshold, named by the footnote (without it, "too few
        respondents").

    Cell values are data: they are HTML-escaped (a ``<`` in a name is shown, never parsed).
    """
    from IPython.display import display

    shown = _written(df, Formatter(lang))
    table = shown.style.format(escape="html").hide(axis="index").to_html()
    note = _note(shown, lang, min_cell)
    plain = shown.to_string(index=False)
    if note:
        plain += "\n" + withheld_note(lang, min_cell)
    display({"text/html": table + note, "text/plain": plain}, raw=True,
            metadata={"caption": caption})
