"""The attacker's audit of a site built for real: no withheld cell can be deduced.

The site is the session's small demo wave (150 companies, 12 surveyed, 400 workers) built
by the real notebooks: small enough that primary suppression withholds cells, so the
audit has something to attack. ``welfare run`` already refuses to publish a site the
audit rejects; this checks the published tables again from the outside, with the wave
totals the index prints.
"""

from __future__ import annotations

import pandas as pd
import pytest
from helpers.readers import BuiltSite, built_site

from pipeline.analyse.disclosure import SPECS, wave_totals, withheld_mask
from pipeline.analyse.disclosure.audit import audit_tables
from pipeline.analyse.published import read_table
from pipeline.wave import read_processed

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    return built_site(tmp_path_factory)


def test_the_published_tables_hide_something(site):
    """Otherwise the audit below would pass for want of a withheld cell."""
    withheld = 0
    for path in sorted((site.site / "tables").glob("*.csv")):
        if path.stem in SPECS:
            withheld += int(withheld_mask(read_table(path)).to_numpy().sum())
    assert withheld > 0


def test_no_withheld_cell_can_be_deduced(site):
    totals = wave_totals(read_processed(site.processed).tables)
    assert totals["companies_mapped"] > 0
    findings = audit_tables(site.site / "tables", min_cell=site.min_cell, totals=totals)
    assert findings == [], "\n".join(map(str, findings))


def test_the_audit_names_file_row_and_column(tmp_path):
    """A table published without complementary suppression: the finding says where."""
    folder = tmp_path / "tables"
    folder.mkdir()
    pd.DataFrame({"maturity_class": ["1W", "2W", "3W", "4W"], "n_companies": [0, None, 8, 26],
                  "share": [0, None, 0.22, 0.72], "suppressed": [False, True, False, False]}
                 ).to_csv(folder / "maturity_classes.csv", index=False)
    findings = audit_tables(folder, min_cell=5, totals={"companies_surveyed": 36})
    # 36 - 8 - 26 = 2 for 2W and whatever companies the table does not show
    assert {f.kind for f in findings} == {"recoverable cell"}
    assert {f.file.name for f in findings} == {"maturity_classes.csv"}
    details = sorted(f.detail for f in findings)
    assert details[0].startswith("row 3 (maturity_class=2W): column n_companies lies in 1-2")
    assert details[1].startswith("rows the table does not show (whole table)")
