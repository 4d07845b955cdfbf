"""Stage 3 of a wave: what the tables say, under the disclosure rules.

:mod:`~pipeline.analyse.stats` holds the estimators (each checked against an independent
reference), :mod:`~pipeline.analyse.analysis` the questions of each report section (one
function, one tidy DataFrame out), :mod:`~pipeline.analyse.plots` the figures and
:mod:`~pipeline.analyse.disclosure` the small-cell rules every published table passes.
"""
