"""Stage 1 of a wave: raw files in, typed tables out.

:mod:`~pipeline.ingest.readers` reads CSV and XLSX as DATA_CONTRACT.md allows them (XLSX
through :mod:`~pipeline.ingest.xlsx`, both within the limits of
:mod:`~pipeline.ingest.limits`), :mod:`~pipeline.ingest.convert` types each column by the
codebook (numbers as :mod:`~pipeline.ingest.numbers` reads them),
:mod:`~pipeline.ingest.derive` adds size classes and scale scores, and
:mod:`~pipeline.ingest.load` puts them together into a :class:`pipeline.wave.WaveData`.
"""
