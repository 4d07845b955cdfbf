"""The one writer and reader of published tables (pipeline.analyse.published).

(Named ``test_published_tables`` because ``tests/analyse/stats/test_published.py`` exists:
two test modules may not share a name.)
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.published import (
    NOT_DISCLOSED,
    read_table,
    write_table,
    xlsx_path,
)
from pipeline.analyse.published_spec import code_labels, column_spec
from pipeline.codebook import load_codebook

BOM = b"\xef\xbb\xbf"


def _needs() -> pd.DataFrame:
    """A needs table as the section publishes it: one row withheld, one interval missing."""
    return pd.DataFrame({
        "measure": ["FLEX_HOURS", "NURSERY_SHARED", "FLEX_HOURS", "FLEX_HOURS"],
        "group_var": ["all", "all", "gender", "age_band"],
        "group": ["all", "all", "F", "<25"],
        "estimate": [0.7939493, 0.0, 0.81234567, np.nan],
        "se": [0.0089605123, 0.0, 0.0123456789, np.nan],
        "ci_low": [0.775723, np.nan, 0.79, np.nan],
        "ci_high": [0.811325, np.nan, 0.83, np.nan],
        "n": pd.array([1422, 30, 700, pd.NA], dtype="Int64"),
        "df": [1386.0, 29.0, 664.0, np.nan],
        "method": ["share >= 3; Taylor linearisation, df = respondents - strata"] * 4,
        "suppressed": [False, False, False, True],
    })


def _rows(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def test_a_table_is_utf8_with_a_mark_comma_separated_with_crlf(tmp_path):
    path = write_table(_needs(), tmp_path / "needs.csv", lang="it")
    raw = path.read_bytes()
    assert raw.startswith(BOM)
    assert raw.count(b"\r\n") == 5 and b"\n" not in raw.replace(b"\r\n", b"")
    header = _rows(path)[0]
    assert header[:6] == ["measure", "measure_label", "group_var", "group_var_label", "group",
                          "group_label"]
    assert "Entrata/uscita flessibile" in raw.decode("utf-8-sig")


def test_values_are_rounded_by_kind_and_missing_values_say_why(tmp_path):
    rows = _rows(write_table(_needs(), tmp_path / "needs.csv", lang="it"))
    header, first, zero, women, withheld = rows
    cell = dict(zip(header, first, strict=True))
    assert cell["estimate"] == "0.7939"  # a share: 4 decimals
    assert cell["se"] == "0.008961"  # a standard error: 4 significant digits
    assert cell["n"] == "1422" and cell["df"] == "1386"  # whole numbers, no ".0"
    assert cell["suppressed"] == "false"
    zero = dict(zip(header, zero, strict=True))
    assert zero["estimate"] == "0" and zero["ci_low"] == ""  # a true zero; an interval n/a
    withheld = dict(zip(header, withheld, strict=True))
    assert withheld["estimate"] == withheld["n"] == withheld["ci_low"] == NOT_DISCLOSED
    assert withheld["suppressed"] == "true"
    assert withheld["measure"] == "FLEX_HOURS"  # codes stay
    assert withheld["group_label"] == "Meno di 25 anni"
    assert dict(zip(header, women, strict=True))["group_label"] == "Donne"


def test_labels_are_in_the_language_of_the_site(tmp_path):
    rows = _rows(write_table(_needs(), tmp_path / "needs.csv", lang="en"))
    cell = dict(zip(rows[0], rows[3], strict=True))
    assert (cell["measure_label"], cell["group_var_label"], cell["group_label"]) == (
        load_codebook().measure_label("FLEX_HOURS", "en"), "Gender", "Women")


def test_the_frame_given_is_left_as_it_is(tmp_path):
    df = _needs()
    before = df.copy()
    write_table(df, tmp_path / "needs.csv", lang="it")
    pd.testing.assert_frame_equal(df, before)


def test_municipalities_get_their_names_from_the_shared_list(tmp_path):
    df = pd.DataFrame({"municipality": ["023091", "023096", "023001"],
                       "n": pd.array([124, 16, pd.NA], dtype="Int64"),
                       "share": [0.31, 0.04, np.nan], "suppressed": [False, False, True]})
    rows = _rows(write_table(df, tmp_path / "companies_by_municipality.csv", lang="it"))
    assert rows[0] == ["municipality", "municipality_label", "n", "share", "suppressed"]
    assert rows[1][:2] == ["023091", "Verona"]
    assert rows[2][:2] == ["023096", "Villafranca di Verona"]
    assert rows[3] == ["023001", "Affi", "n.d.", "n.d.", "true"]


def test_read_table_gives_back_codes_missing_values_and_types(tmp_path):
    df = pd.DataFrame({"municipality": ["023091", "023001"],
                       "n": pd.array([124, pd.NA], dtype="Int64"),
                       "share": [0.31, np.nan], "suppressed": [False, True]})
    back = read_table(write_table(df, tmp_path / "companies_by_municipality.csv", lang="it"))
    assert list(back.columns) == ["municipality", "n", "share", "suppressed"]  # no labels
    assert back["municipality"].tolist() == ["023091", "023001"]  # the leading zero stays
    assert back["n"].iloc[0] == 124 and math.isnan(back["n"].iloc[1])
    assert back["suppressed"].dtype == bool and back["suppressed"].tolist() == [False, True]

    needs = read_table(write_table(_needs(), tmp_path / "needs.csv", lang="it"))
    assert list(needs.columns) == list(_needs().columns)
    assert needs["estimate"].iloc[0] == pytest.approx(0.7939)
    assert needs["estimate"].iloc[1] == 0 and math.isnan(needs["ci_low"].iloc[1])
    assert needs.loc[3, ["estimate", "n"]].isna().all()
    assert needs["group"].tolist() == ["all", "all", "F", "<25"]


def test_read_table_reads_a_csv_written_by_pandas_too(tmp_path):
    """Tables written before the writer (or by a test): no mark, True/False, no labels."""
    path = tmp_path / "needs.csv"
    pd.DataFrame({"measure": ["FLEX_HOURS"], "estimate": [0.5], "significant": [True],
                  "n": [12]}).to_csv(path, index=False)
    back = read_table(path)
    assert back.to_dict("records") == [{"measure": "FLEX_HOURS", "estimate": 0.5,
                                        "significant": True, "n": 12}]


def test_the_xlsx_copy_holds_numbers_as_numbers(tmp_path):
    from openpyxl import load_workbook

    path = write_table(_needs(), tmp_path / "needs.csv", lang="it")
    copy = xlsx_path(path)
    assert copy == tmp_path / "xlsx" / "needs.xlsx"
    sheet = load_workbook(copy).active
    assert sheet.title == "needs" and sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header == _rows(path)[0]
    first = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert first["estimate"].data_type == "n" and first["estimate"].value == 0.7939
    assert first["n"].value == 1422 and isinstance(first["n"].value, int)
    assert first["suppressed"].value is False and first["suppressed"].data_type == "b"
    assert first["measure_label"].value == "Entrata/uscita flessibile"
    withheld = {h: c.value for h, c in zip(header, sheet[5], strict=True)}
    assert withheld["estimate"] == NOT_DISCLOSED and withheld["suppressed"] is True
    assert {h: c.value for h, c in zip(header, sheet[3], strict=True)}["ci_low"] is None


def test_a_column_the_registry_does_not_know_keeps_six_digits_and_no_label(tmp_path):
    df = pd.DataFrame({"thing": ["a"], "ratio": [1.23456789], "flag": [True]})
    rows = _rows(write_table(df, tmp_path / "made_up.csv", lang="it", xlsx=False))
    assert rows == [["thing", "ratio", "flag"], ["a", "1.23457", "true"]]
    assert not (tmp_path / "xlsx").exists()


def test_a_table_that_carries_its_own_labels_names_them_like_the_others(tmp_path):
    themes = pd.DataFrame({"theme": ["flexibility"], "label": ["Flessibilità dell'orario"],
                           "n": pd.array([56], dtype="Int64"), "share": [0.474576],
                           "n_answers": [118], "suppressed": [False]})
    path = write_table(themes, tmp_path / "comment_themes.csv", lang="it")
    assert _rows(path) == [["theme", "theme_label", "n", "share", "n_answers", "suppressed"],
                           ["flexibility", "Flessibilità dell'orario", "56", "0.4746", "118",
                            "false"]]


def test_code_labels_fall_back_to_the_code_and_leave_missing_codes_empty():
    spec = column_spec("network_viability", "area")
    labels = code_labels(spec, pd.Series(["VERONA", "ALL", "NOWHERE", None]), "it")
    assert labels.tolist() == ["Verona città", "Tutta la rete", "NOWHERE", ""]


def test_measure_labels_follow_the_wave_date(tmp_path):
    """A measure's label cites a law only where in force at the fieldwork (as the reports)."""
    codebook = load_codebook()
    dated = [(m, on) for m in codebook.measure_codes() for on in ("2013-11-30", "2025-11-30")]
    changed = [m for m in codebook.measure_codes()
               if codebook.measure_label(m, "it", on="2013-11-30")
               != codebook.measure_label(m, "it", on="2025-11-30")]
    assert dated and changed, "the taxonomy has a dated label to test with"
    measure = changed[0]
    df = pd.DataFrame({"measure": [measure], "estimate": [0.5]})
    for day in ("2013-11-30", "2025-11-30"):
        rows = _rows(write_table(df, tmp_path / "unmet_need.csv", lang="it", on=day,
                                 xlsx=False))
        assert rows[1][1] == codebook.measure_label(measure, "it", on=day)
