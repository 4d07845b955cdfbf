"""Words and numbers of every page, Italian and English.

:mod:`~pipeline.i18n.text` is the one text catalogue (``texts/*.yaml``, plus the sentences
the section notebooks keep in their own Markdown cells); :mod:`~pipeline.i18n.formatting`
is the one way to write a number, a share, an interval, a p-value or a date.
"""
