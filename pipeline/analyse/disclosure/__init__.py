"""Disclosure control of everything a wave publishes.

- :mod:`.cells`: primary suppression (threshold rule) and the withheld-cell convention;
- :mod:`.scan`: a built site read back for ids, free text and small cells.
"""

from pipeline.analyse.disclosure.cells import (
    protect_complement,
    suppress_small_cells,
    withheld_mask,
)
from pipeline.analyse.disclosure.scan import COUNT_COLUMNS, MIN_TEXT_LENGTH, Finding, scan_site

__all__ = ["COUNT_COLUMNS", "MIN_TEXT_LENGTH", "Finding", "protect_complement", "scan_site",
           "suppress_small_cells", "withheld_mask"]
