"""A processed wave's tables are read from their files when first used, not all at once."""

from __future__ import annotations

import pandas as pd

from pipeline.wave import WaveData, read_processed, write_processed


def test_tables_are_read_when_first_used(tmp_path):
    tables = {"companies": pd.DataFrame({"company_id": ["C1", "C2"], "n_employees": [3, 40]}),
              "worker_survey": pd.DataFrame({"company_id": ["C1"] * 3, "age": [30, 41, 52]})}
    write_processed(WaveData(wave="demo-2013", tables=tables, meta={"synthetic": True}),
                    tmp_path / "w")
    data = read_processed(tmp_path / "w")
    assert sorted(data.tables) == ["companies", "worker_survey"] and len(data.tables) == 2
    assert data.tables._read == {}  # nothing read yet
    pd.testing.assert_frame_equal(data.tables["companies"], tables["companies"])
    assert list(data.tables._read) == ["companies"]  # the workers' table still on disk
    assert data.tables.get("local_services") is None and "worker_survey" in data.tables
    assert data.tables["companies"] is data.tables["companies"]  # read once
    assert dict(data.tables.items())["worker_survey"]["age"].tolist() == [30, 41, 52]
    data.tables["extra"] = pd.DataFrame({"x": [1]})
    assert "extra" in data.tables and len(data.tables) == 3
