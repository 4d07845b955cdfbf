"""``welfare run`` plays the attacker on the staged tables before the swap.

A staged site whose tables let a withheld cell be recovered by subtraction fails the run
with one line per cell (file, row or rows, column, interval), so the last good site stays
published; clean tables pass and get their data package.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers.published import write_tiny_processed

from pipeline.config import get_paths
from pipeline.run.wave import DisclosureAuditError, _protect

NEEDS = ("measure,group_var,group,estimate,n,suppressed\n"
         "FLEX_HOURS,all,all,0.5,40,false\nFLEX_HOURS,gender,F,0.6,20,false\n"
         "FLEX_HOURS,gender,M,0.4,{men},false\n")


def _stage(project: Path, men: int) -> tuple[SimpleNamespace, Path]:
    paths = get_paths()
    write_tiny_processed(paths, "w1")
    stage = project / "stage"
    (stage / "tables").mkdir(parents=True)
    (stage / "tables" / "needs.csv").write_text(NEEDS.format(men=men), encoding="utf-8")
    return SimpleNamespace(paths=paths, wave="w1", lang="it"), stage


def test_a_recoverable_cell_fails_the_run(project):
    run, stage = _stage(project, men=18)  # 40 - 20 - 18 = 2 of another gender
    with pytest.raises(DisclosureAuditError) as err:
        _protect(run, stage)
    lines = str(err.value).splitlines()
    assert lines[0] == ("w1: 1 withheld cell(s) of the published tables could be recovered "
                        "from the others; the site was not published:")
    assert lines[1] == ("  tables/needs.csv: recoverable cell: rows the table does not show "
                        "(FLEX_HOURS|gender): column n lies in 2-2, narrower than the "
                        "protection range of 5")


def test_clean_tables_pass_and_are_described(project):
    run, stage = _stage(project, men=20)  # everyone is a woman or a man
    _protect(run, stage)
    assert (stage / "tables" / "datapackage.json").is_file()
