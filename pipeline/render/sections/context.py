"""What the context section (``notebooks/01_context.py``) shows in its table: the mapped
companies by size class, in and out of the network.

The counts come from :func:`pipeline.analyse.analysis.context.count_by` as published
(:meth:`pipeline.notebook.WaveContext.save_table`: small counts withheld, the ``suppressed``
flag set); here only how they read (:mod:`pipeline.render.sections.marks`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from pipeline.render.sections.marks import mark_withheld

__all__ = ["size_table"]


def size_table(published: pd.DataFrame, sizes: Sequence[str], size_labels: Mapping[str, str],
               networks: Mapping[bool, str], *, header: str, lang: str) -> pd.DataFrame:
    """Companies by size class (rows) in and out of the network (columns), as the report's
    table.

    Parameters
    ----------
    published
        ``size_class``, ``in_network``, ``n`` (companies) and ``suppressed``, one row per
        class and membership with one company at least.
    sizes, size_labels
        The size classes in the codebook's order, and their names.
    networks
        ``{True: "in the network", False: "not in the network"}``, in the columns' order.
    header
        The name of the first column (the size class).
    lang
        The report's language (the ``n.d.`` mark).

    Returns
    -------
    pandas.DataFrame
        One row per size class, one column per membership: the count; a withheld count
        reads ``n.d.`` / ``n/a``; a class with no company on that side (no row in
        ``published``) a true ``0``.
    """
    marked = mark_withheld(published, lang).set_index(["size_class", "in_network"])["n"]
    every = pd.MultiIndex.from_product([list(sizes), list(networks)])
    wide = marked.reindex(every, fill_value=0).unstack()
    wide = wide.reindex(index=list(sizes), columns=list(networks))
    wide = wide.rename(index=dict(size_labels), columns=dict(networks))
    wide.columns.name = None
    return wide.rename_axis(header).reset_index()
