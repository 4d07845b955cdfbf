"""Ingestion: every raw format variant the contract allows, and every bad-input class."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from helpers.waves import minimal_tables, write_csv, write_wave

from pipeline.errors import InputError
from pipeline.ingest.load import ingest_wave
from pipeline.wave import read_processed, write_processed


def _ingest(raw: Path):
    return ingest_wave(raw.name, raw)


def _error(raw: Path) -> str:
    with pytest.raises(InputError) as info:
        _ingest(raw)
    return str(info.value)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# --- formats ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("sep", "encoding", "decimal_comma"),
    [(",", "utf-8", False), (",", "utf-8-sig", False), (";", "cp1252", True),
     (";", "utf-8-sig", True), ("\t", "utf-8", False), (";", "utf-8", False)],
    ids=["utf8-comma", "utf8bom-comma", "cp1252-semicolon-decimalcomma",
         "utf8bom-semicolon-decimalcomma", "tab", "semicolon-decimalpoint"],
)
def test_csv_variants_give_the_same_typed_tables(tmp_path, sep, encoding, decimal_comma):
    reference = _ingest(write_wave(tmp_path / "ref", "w1"))
    variant = _ingest(write_wave(tmp_path / "var", "w1", sep=sep, encoding=encoding,
                                 decimal_comma=decimal_comma))
    for name, df in reference.tables.items():
        pd.testing.assert_frame_equal(variant.tables[name], df)
    assert variant.tables["worker_survey"]["hours_usual_week"].iloc[0] == 37.5
    assert variant.tables["company_survey"]["welfare_budget_per_emp"].iloc[0] == 250.5


def test_accented_text_survives_windows_1252(tmp_path):
    tables = minimal_tables()
    tables["companies"].loc[0, "name"] = "Società Agricola Perù"
    raw = write_wave(tmp_path, "w1", tables, sep=";", encoding="cp1252")
    assert _ingest(raw).tables["companies"]["name"].iloc[0] == "Società Agricola Perù"


def test_xlsx_tables_read_like_csv(tmp_path):
    reference = _ingest(write_wave(tmp_path / "ref", "w1"))
    raw = write_wave(tmp_path / "x", "w1")
    for name in ("companies", "worker_survey"):
        df = pd.read_csv(raw / f"{name}.csv", dtype=str, keep_default_na=False)
        (raw / f"{name}.csv").unlink()
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(list(df.columns))
        for row in df.itertuples(index=False):
            # numbers as Excel stores them: municipality 023091 becomes 23091.0
            ws.append([float(v) if v.replace(".", "", 1).isdigit() else v for v in row])
        wb.save(raw / f"{name}.xlsx")
    typed = _ingest(raw)
    for name, df in reference.tables.items():
        pd.testing.assert_frame_equal(typed.tables[name], df, check_dtype=True)
    assert typed.tables["companies"]["municipality"].tolist() == [
        "023091", "023044", "023001", "023091"]


def test_headers_match_ignoring_case_spaces_and_columns_yaml(tmp_path):
    tables = minimal_tables()
    tables["worker_survey"] = tables["worker_survey"].rename(columns={
        "gender": "Q03", "need_imp_NURSERY_SHARED": "Q12[SQ003]", "age_band": "  AGE_Band ",
        "wlb_fit": "WLB FIT"})
    raw = write_wave(tmp_path, "w1", tables)
    (raw / "columns.yaml").write_text(
        'worker_survey:\n  "Q03": gender\n  "Q12[SQ003]": need_imp_NURSERY_SHARED\n'
        '  "wlb fit": wlb_fit\n', encoding="utf-8")
    workers = _ingest(raw).tables["worker_survey"]
    assert {"gender", "need_imp_NURSERY_SHARED", "age_band", "wlb_fit"} <= set(workers.columns)
    assert workers["gender"].iloc[0] == "M"


def test_italian_labels_missing_markers_and_dont_know(tmp_path):
    tables = minimal_tables()
    w = tables["worker_survey"]
    w.loc[0, "gender"] = "donna"
    w.loc[1, "work_time"] = "Tempo Parziale"
    w.loc[2, "need_imp_FLEX_HOURS"] = "non so"
    w.loc[3, "need_imp_FLEX_HOURS"] = "dont_know"
    w.loc[4, "need_imp_FLEX_HOURS"] = "n.d."
    w.loc[5, "need_imp_FLEX_HOURS"] = "-"
    w.loc[6, "need_imp_FLEX_HOURS"] = "NA"
    w.loc[7, "need_imp_FLEX_HOURS"] = "Molto importante"
    w.loc[8, "avail_FLEX_HOURS"] = "Non so"
    w.loc[9, "care_dependent_adult"] = "Sì, fuori casa"
    tables["companies"].loc[0, "in_network"] = "Sì"
    workers = _ingest(write_wave(tmp_path, "w1", tables)).tables["worker_survey"]
    assert workers.loc[0, "gender"] == "F"
    assert workers.loc[1, "work_time"] == "part_time"
    need = workers["need_imp_FLEX_HOURS"]
    dk = workers["need_imp_FLEX_HOURS_dk"]
    assert need[2:7].isna().all()
    assert dk[2:7].tolist() == [True, True, False, False, False]
    assert need[7] == 4 and not dk[7]
    assert workers.loc[8, "avail_FLEX_HOURS"] == "dont_know"
    assert workers.loc[9, "care_dependent_adult"] == "yes_outside"
    assert str(need.dtype) == "Int8"


def test_derived_columns(tmp_path):
    tables = minimal_tables()
    w = tables["worker_survey"]
    w.loc[0, ["wfc_1", "wfc_2", "wfc_3", "wfc_4", "wfc_5"]] = ["1", "2", "3", "4", ""]
    w.loc[1, ["wfc_1", "wfc_2", "wfc_3", "wfc_4", "wfc_5"]] = ["1", "2", "3", "", ""]
    w.loc[0, "wlb_fit"] = "1"
    data = _ingest(write_wave(tmp_path, "w1", tables))
    workers = data.tables["worker_survey"]
    assert workers.loc[0, "wfc_score"] == pytest.approx(2.5)
    assert pd.isna(workers.loc[1, "wfc_score"])  # 3 of 5 items: too few for a score
    assert workers.loc[0, "wlb_fit_score"] == 4.0 and workers.loc[0, "wlb_fit_good"]
    assert data.tables["companies"]["size_class"].tolist() == ["10-49", "250+", "1-9", "50-249"]
    survey = data.tables["company_survey"]
    assert survey["n_measures_active"].tolist() == [1, 1]
    assert survey["n_areas_active"].tolist() == [1, 1]


def test_extra_columns_are_kept_as_text(tmp_path):
    tables = minimal_tables()
    tables["companies"]["ateco_division"] = ["25", "47", "87", "28"]
    data = _ingest(write_wave(tmp_path, "w1", tables))
    assert data.tables["companies"]["ateco_division"].tolist() == ["25", "47", "87", "28"]


def test_optional_tables_and_wave_yaml(tmp_path):
    tables = minimal_tables()
    tables["network_activity"] = pd.DataFrame({
        "company_id": ["C01", "C02"], "date": ["15/03/2013", "2013-06-01"],
        "activity": ["joined", "Formazione"]})
    tables["local_services"] = pd.DataFrame({
        "service_id": ["S1"], "municipality": ["023091"], "service_type": ["NURSERY"],
        "capacity": ["60"], "closes_at": ["18:30"], "monthly_fee_eur": ["450,5"]})
    raw = write_wave(tmp_path, "w2", tables, sep=";")
    (raw / "wave.yaml").write_text("label: Follow-up\nprevious_wave: w1\n"
                                   "fieldwork_start: 2014-03-01\n", encoding="utf-8")
    data = _ingest(raw)
    act = data.tables["network_activity"]
    assert act["date"].tolist() == [pd.Timestamp("2013-03-15"), pd.Timestamp("2013-06-01")]
    assert act["activity"].tolist() == ["joined", "training"]
    assert data.tables["local_services"]["monthly_fee_eur"].iloc[0] == 450.5
    assert data.meta == {"label": "Follow-up", "previous_wave": "w1",
                         "fieldwork_start": "2014-03-01"}


def test_ingesting_twice_gives_identical_parquet(tmp_path):
    raw = write_wave(tmp_path, "w1", sep=";", encoding="cp1252", decimal_comma=True)
    raw_before = _digest(raw)
    write_processed(_ingest(raw), tmp_path / "p1" / "w1")
    write_processed(_ingest(raw), tmp_path / "p2" / "w1")
    assert _digest(tmp_path / "p1" / "w1") == _digest(tmp_path / "p2" / "w1")
    assert _digest(raw) == raw_before, "raw files must never be modified"
    back = read_processed(tmp_path / "p1" / "w1")
    pd.testing.assert_frame_equal(back.tables["worker_survey"],
                                  _ingest(raw).tables["worker_survey"])


def test_write_processed_replaces_the_folder_whole(tmp_path):
    raw = write_wave(tmp_path, "w1")
    dest = tmp_path / "processed" / "w1"
    dest.mkdir(parents=True)
    (dest / "stale.parquet").write_text("old")
    manifest = write_processed(_ingest(raw), dest)
    assert sorted(p.name for p in dest.iterdir()) == [
        "companies.parquet", "company_survey.parquet", "manifest.json", "worker_survey.parquet"]
    assert manifest["inputs"]["worker_survey"]["rows"] == 12
    assert len(manifest["inputs"]["companies"]["sha256"]) == 64
    assert [p.name for p in dest.parent.iterdir()] == ["w1"], "no staging folder left behind"


# --- bad input: each class gives one exact line naming file, row and column ----------------

def _bad(tmp_path, mutate=None, table="worker_survey", **csv_kwargs) -> tuple[Path, str]:
    tables = minimal_tables()
    if mutate:
        mutate(tables[table])
    raw = write_wave(tmp_path, "bad", tables, **csv_kwargs)
    return raw, _error(raw)


def _set(row: int, column: str, value: str):
    def mutate(df):
        df.loc[row, column] = value
    return mutate


def test_wrong_code(tmp_path):
    raw, msg = _bad(tmp_path, _set(4, "gender", "Q"))
    assert msg == (f"{raw}/worker_survey.csv, row 6, column 'gender': 'Q' is not a valid "
                   "code (allowed: F, M, X, NR or their Italian labels)")


def test_several_problems_are_counted(tmp_path):
    def mutate(df):
        df.loc[4, "gender"] = "Q"
        df.loc[5, "gender"] = "Z"
        df.loc[2, "wlb_fit"] = "9"
    raw, msg = _bad(tmp_path, mutate)
    assert msg == (f"{raw}/worker_survey.csv, row 4, column 'wlb_fit': '9' is not on the scale "
                   "1-4; allowed: 1, 2, 3, 4 or their Italian labels (and 2 more problems in "
                   "this file)")


def test_likert_out_of_range(tmp_path):
    raw, msg = _bad(tmp_path, _set(0, "wfc_3", "8"))
    assert msg == (f"{raw}/worker_survey.csv, row 2, column 'wfc_3': '8' is not on the scale "
                   "1-7; allowed: 1, 2, 3, 4, 5, 6, 7 or their Italian labels")


def test_dont_know_where_not_allowed(tmp_path):
    raw, msg = _bad(tmp_path, _set(0, "gender", "non so"))
    assert msg == (f"{raw}/worker_survey.csv, row 2, column 'gender': 'non so' (don't know) is "
                   "not a valid answer here; allowed: F, M, X, NR or their Italian labels")


def test_missing_required_column(tmp_path):
    raw, msg = _bad(tmp_path, lambda df: df.__delitem__("age_band"))
    assert msg == f"{raw}/worker_survey.csv, row 1, column 'age_band': required column is missing"


def test_missing_required_table(tmp_path):
    raw = write_wave(tmp_path, "bad")
    (raw / "company_survey.csv").unlink()
    assert _error(raw) == (f"{raw}/company_survey.csv: required table 'company_survey' is "
                           "missing (company_survey.csv or company_survey.xlsx)")


def test_not_a_number(tmp_path):
    raw, msg = _bad(tmp_path, _set(1, "n_employees", "dieci"), table="companies")
    assert msg == f"{raw}/companies.csv, row 3, column 'n_employees': 'dieci' is not a number"


def test_number_out_of_range(tmp_path):
    raw, msg = _bad(tmp_path, _set(2, "share_women", "1.4"), table="companies")
    assert msg == f"{raw}/companies.csv, row 4, column 'share_women': 1.4 is out of range (0 to 1)"


def test_not_a_whole_number(tmp_path):
    raw, msg = _bad(tmp_path, _set(0, "n_children_u14", "1.5"))
    assert msg == (f"{raw}/worker_survey.csv, row 2, column 'n_children_u14': '1.5' is not a "
                   "whole number")


def test_duplicate_id(tmp_path):
    raw, msg = _bad(tmp_path, _set(3, "resp_id", "R0001"))
    assert msg == (f"{raw}/worker_survey.csv, row 5, column 'resp_id': 'R0001' repeats the value "
                   "of row 3 (must be unique)")


def test_bad_municipality_code(tmp_path):
    raw, msg = _bad(tmp_path, _set(0, "municipality", "Verona"), table="companies")
    assert msg == (f"{raw}/companies.csv, row 2, column 'municipality': 'Verona' is not an ISTAT "
                   "municipality code (6 digits, e.g. 023091)")


def test_bad_date(tmp_path):
    tables = minimal_tables()
    tables["network_activity"] = pd.DataFrame({
        "company_id": ["C01"], "date": ["31/02/2013"], "activity": ["joined"]})
    raw = write_wave(tmp_path, "bad", tables)
    assert _error(raw) == (f"{raw}/network_activity.csv, row 2, column 'date': '31/02/2013' is "
                           "not a date (use 2014-03-31 or 31/03/2014)")


def test_wrong_encoding(tmp_path):
    raw = write_wave(tmp_path, "bad")
    path = raw / "companies.csv"
    lines = path.read_bytes().split(b"\r\n")
    lines[3] = lines[3].replace(b"Gamma", b"G\x81mma")  # 0x81: neither UTF-8 nor cp1252
    path.write_bytes(b"\r\n".join(lines))
    assert _error(raw) == (f"{path}, row 4: cannot read byte 0x81: the file is neither UTF-8 nor "
                           "Windows-1252 (save it again as CSV UTF-8)")


def test_mixed_encodings(tmp_path):
    raw = write_wave(tmp_path, "bad")
    path = raw / "companies.csv"
    lines = path.read_bytes().split(b"\r\n")
    lines[1] = lines[1].replace(b"Alfa", "Società".encode("cp1252"))
    lines[2] = lines[2].replace(b"Beta", "Perù".encode())
    path.write_bytes(b"\r\n".join(lines))
    assert _error(raw) == (f"{path}, row 3: mixed encodings: this row is UTF-8 but the rest of "
                           "the file is not (save the whole file again as CSV UTF-8)")


def test_empty_file(tmp_path):
    raw = write_wave(tmp_path, "bad")
    (raw / "companies.csv").write_bytes(b"")
    assert _error(raw) == f"{raw}/companies.csv: the file is empty"


def test_header_only(tmp_path):
    raw = write_wave(tmp_path, "bad")
    (raw / "companies.csv").write_text("company_id,ateco_section\n", encoding="utf-8")
    assert _error(raw) == f"{raw}/companies.csv: the file has a header but no data rows"


def test_binary_file(tmp_path):
    raw = write_wave(tmp_path, "bad")
    (raw / "companies.csv").write_bytes(b"PK\x03\x04\x00\x00binary")
    assert _error(raw) == (f"{raw}/companies.csv: not a text file (binary content: an Excel "
                           "workbook saved with a .csv name, or UTF-16 text?)")


def test_damaged_xlsx(tmp_path):
    raw = write_wave(tmp_path, "bad")
    (raw / "companies.csv").unlink()
    (raw / "companies.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    assert _error(raw) == (f"{raw}/companies.xlsx: not a readable XLSX workbook (BadZipFile: "
                           "damaged or not Excel)")


def test_truncated_file(tmp_path):
    raw = write_wave(tmp_path, "bad")
    path = raw / "companies.csv"
    text = path.read_text(encoding="utf-8").rstrip("\r\n")
    path.write_text(text[: text.rindex(",", 0, text.rindex(",")) ], encoding="utf-8")
    assert _error(raw) == (f"{path}, row 5: the last row has 6 of 8 fields: the file looks "
                           "truncated")


def test_row_with_too_many_fields(tmp_path):
    raw = write_wave(tmp_path, "bad")
    path = raw / "companies.csv"
    lines = path.read_bytes().split(b"\r\n")
    lines[2] += b",extra"
    path.write_bytes(b"\r\n".join(lines))
    assert _error(raw) == f"{path}, row 3: this row has 9 fields but the header has 8"


def test_wrong_separator(tmp_path):
    raw = write_wave(tmp_path, "bad")
    path = raw / "companies.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", "|"), encoding="utf-8")
    assert _error(raw) == (f"{path}, row 1: the header has a single column: separate columns "
                           "with ',' or ';' (header starts 'company_id|name|ateco_section|n_employee')")


def test_duplicated_header(tmp_path):
    raw, msg = _bad(tmp_path, lambda df: setattr(df, "columns", [c if c != "age_band" else "Gender" for c in df.columns]))
    assert msg == (f"{raw}/worker_survey.csv, row 1, column 'Gender': the header names this "
                   "column twice (columns 3 and 4)")


def test_rename_onto_an_existing_column(tmp_path):
    raw = write_wave(tmp_path, "bad")
    (raw / "columns.yaml").write_text("companies:\n  name: company_id\n", encoding="utf-8")
    assert _error(raw) == (f"{raw}/companies.csv, row 1, column 'company_id': headers "
                           "'company_id' and 'name' both name column 'company_id'")


def test_invalid_columns_yaml(tmp_path):
    raw = write_wave(tmp_path, "bad")
    (raw / "columns.yaml").write_text("worker_survey:\n  Q03: gender\n bad: [\n",
                                      encoding="utf-8")
    msg = _error(raw)
    assert msg.startswith(f"{raw}/columns.yaml, row 3: invalid YAML:")


def test_columns_yaml_unknown_table(tmp_path):
    raw = write_wave(tmp_path, "bad")
    (raw / "columns.yaml").write_text("workers:\n  Q03: gender\n", encoding="utf-8")
    assert _error(raw).startswith(f"{raw}/columns.yaml: unknown table 'workers' (tables: ")


def test_too_many_top3_needs(tmp_path):
    raw, msg = _bad(tmp_path, _set(0, "top3_needs", "FLEX_HOURS|CONCIERGE|HOUR_BANK|ADMIN_DESK"))
    assert msg == (f"{raw}/worker_survey.csv, row 2, column 'top3_needs': "
                   "'FLEX_HOURS|CONCIERGE|HOUR_BANK|ADMIN_DESK' lists 4 codes, at most 3 allowed")


def test_required_column_entirely_empty(tmp_path):
    raw, msg = _bad(tmp_path, lambda df: df.__setitem__("work_time", ""))
    assert msg.startswith(f"{raw}/worker_survey.csv, row 2, column 'work_time': required column "
                          "has no values")


def test_the_same_table_twice(tmp_path):
    raw = write_wave(tmp_path, "bad")
    (raw / "companies.xlsx").write_bytes(b"")
    assert _error(raw) == (f"{raw}: table 'companies' is given twice (companies.csv and "
                           "companies.xlsx): keep one file")


def test_bad_wave_label():
    from pipeline.config import WaveLabelError, check_wave_label

    with pytest.raises(WaveLabelError, match="invalid wave label '2014 autunno'"):
        check_wave_label("2014 autunno")


def test_error_is_one_line_and_raw_is_untouched(tmp_path):
    tables = minimal_tables()
    tables["worker_survey"].loc[0, "gender"] = "Q"
    raw = write_csv(tables["worker_survey"], tmp_path / "worker_survey.csv").parent
    for name in ("companies", "company_survey"):
        write_csv(tables[name], raw / f"{name}.csv")
    before = _digest(raw)
    msg = _error(raw)
    assert "\n" not in msg
    assert _digest(raw) == before


def test_every_codebook_type_has_a_converter_and_an_unknown_type_is_refused():
    import dataclasses

    from pipeline.codebook import load_codebook
    from pipeline.ingest.convert import CONVERTERS, convert_column

    codebook = load_codebook()
    columns = [c for t in codebook.tables.values() for c in t.columns.values()]
    assert {c.type for c in columns} <= set(CONVERTERS)
    odd = dataclasses.replace(columns[0], type="colour")
    with pytest.raises(ValueError, match="no converter for column type 'colour'"):
        convert_column(pd.Series(["red"], dtype="str"), odd, codebook)
