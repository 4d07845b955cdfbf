"""The whole path of a wave, step by step, reusing what did not change.

``welfare run`` plans the steps (:mod:`~pipeline.run.plan`: ingest, one unit per section
notebook and per company report, the site, each with the key of its inputs), runs the
steps whose key changed (:mod:`~pipeline.run.steps`), executes the notebooks in its worker
processes (:mod:`~pipeline.run.execute`): each section as a batch of one and the company
reports in batches, one pass per worker (:mod:`~pipeline.run.batch`), renders them
and swaps the staged site in only when everything succeeded (:mod:`~pipeline.run.wave`).
What runs leave behind and ``welfare status`` are :mod:`~pipeline.run.state`.

This package imports nothing itself: papermill loads :mod:`pipeline.run.engine` through its
entry points, and that must stay cheap.
"""
