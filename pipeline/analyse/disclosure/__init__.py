"""Disclosure control of everything a wave publishes.

- :mod:`.cells`: primary suppression (threshold rule) and the withheld-cell convention;
- :mod:`.linear`: what an attacker deduces from a table's margins (HiGHS);
- :mod:`.secondary`: complementary suppression until nothing can be deduced;
- :mod:`.structures`: each published table's margins, and :func:`protect_table`;
- :mod:`.audit`: the attacker's audit of a built site's tables;
- :mod:`.scan`: a built site read back for ids, free text and small cells.
"""

from pipeline.analyse.disclosure.cells import (
    P_PERCENT,
    dominated,
    protect_complement,
    suppress_small_cells,
    withheld_mask,
)
from pipeline.analyse.disclosure.scan import COUNT_COLUMNS, MIN_TEXT_LENGTH, Finding, scan_site
from pipeline.analyse.disclosure.secondary import DisclosureError
from pipeline.analyse.disclosure.structures import SPECS, protect_table, wave_totals

__all__ = ["P_PERCENT", "dominated", "COUNT_COLUMNS", "MIN_TEXT_LENGTH", "SPECS", "DisclosureError", "Finding",
           "protect_complement", "protect_table", "scan_site", "suppress_small_cells",
           "wave_totals", "withheld_mask"]
