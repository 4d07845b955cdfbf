"""Odd and hostile raw files: nothing is misread in silence, nothing runs out of memory.

Each defect found by trying awkward but realistic files (issue 14, "Nothing misread in
silence") has its test here with the exact one-line message: file, row (as a spreadsheet
shows it, header = row 1) and column. XLSX files are written part by part by
:func:`write_xlsx`, so that a test controls exactly what the archive holds (a wrong
``<dimension>``, a formula without a saved value, a 300 MB shared string).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

import pandas as pd
import pytest
from helpers.waves import minimal_tables, write_wave
from openpyxl.utils import get_column_letter

from pipeline.errors import InputError
from pipeline.ingest import limits
from pipeline.ingest.load import IngestWarning, ingest_warnings, ingest_wave
from pipeline.ingest.readers import read_table_file

TABLES = "companies, company_survey, worker_survey, local_services, network_activity"


def _ingest(raw: Path):
    return ingest_wave(raw.name, raw)


def _error(raw: Path) -> str:
    with pytest.raises(InputError) as info:
        _ingest(raw)
    line = str(info.value)
    assert "\n" not in line and len(line) < 400
    return line


# --- XLSX written part by part -------------------------------------------------------------

class Formula(NamedTuple):
    formula: str
    cached: object = None  # the saved value (None: none saved)
    text: bool = False  # the result is text (t="str")


class ExcelError(NamedTuple):
    code: str


class Big(NamedTuple):
    """A string of ``n`` letters, written in pieces (never held whole by the test)."""
    n: int
    inline: bool = False


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _write(out, pieces) -> None:
    for piece in pieces:
        if isinstance(piece, Big):
            chunk = b"a" * (1 << 20)
            for _ in range(piece.n // len(chunk)):
                out.write(chunk)
            out.write(b"a" * (piece.n % len(chunk)))
        else:
            out.write(piece.encode())


def _cell(ref: str, value: object, strings: list) -> list:
    if isinstance(value, Formula):
        cached = "" if value.cached is None else f"<v>{escape(str(value.cached))}</v>"
        kind = ' t="str"' if value.text else ""
        return [f'<c r="{ref}"{kind}><f>{escape(value.formula)}</f>{cached}</c>']
    if isinstance(value, ExcelError):
        return [f'<c r="{ref}" t="e"><v>{escape(value.code)}</v></c>']
    if isinstance(value, Big) and value.inline:
        return [f'<c r="{ref}" t="inlineStr"><is><t>', value, "</t></is></c>"]
    if isinstance(value, bool | int | float):
        return [f'<c r="{ref}"><v>{value!r}</v></c>']
    if value in (None, ""):
        return []
    strings.append(value)
    return [f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>']


def write_xlsx(path: Path, rows: list[list], *, dimension: str | None = None,
               strings_part: str = "xl/sharedStrings.xml") -> Path:
    """An XLSX of one sheet ``Foglio1`` holding ``rows`` (header first).

    Cells: ``str`` (a shared string), ``int``/``float`` (a number), :class:`Formula`,
    :class:`ExcelError`, :class:`Big` (a long string, shared or inline).
    """
    strings: list = []
    sheet: list = [f'<worksheet xmlns="{_MAIN}">']
    if dimension:
        sheet.append(f'<dimension ref="{dimension}"/>')
    sheet.append("<sheetData>")
    for r, row in enumerate(rows, start=1):
        sheet.append(f'<row r="{r}">')
        for c, value in enumerate(row, start=1):
            sheet += _cell(f"{get_column_letter(c)}{r}", value, strings)
        sheet.append("</row>")
    sheet.append("</sheetData></worksheet>")
    sst: list = [f'<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">']
    for s in strings:
        sst += ["<si><t>", s if isinstance(s, Big) else escape(s), "</t></si>"]
    sst.append("</sst>")
    target = os.path.relpath(strings_part, "xl")
    parts = {
        "[Content_Types].xml": [
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
            f'<Override PartName="/{strings_part}" ContentType="{_CT}.sharedStrings+xml"/>'
            "</Types>"],
        "_rels/.rels": [
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'],
        "xl/workbook.xml": [
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_REL}"><sheets>'
            '<sheet name="Foglio1" sheetId="1" r:id="rId1"/></sheets></workbook>'],
        "xl/_rels/workbook.xml.rels": [
            f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_DOC_REL}/sharedStrings" Target="{target}"/>'
            "</Relationships>"],
        "xl/worksheets/sheet1.xml": sheet,
        strings_part: sst,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, pieces in parts.items():
            with archive.open(name, "w") as out:
                _write(out, pieces)
    return path


class Text(str):
    """A cell kept as text in the workbook, even when it looks like a number."""


def _as_excel(v: object) -> object:
    """A cell as Excel stores what is typed in it: numbers as numbers, the rest as text."""
    if isinstance(v, Text) or not isinstance(v, str):
        return v
    try:
        number = float(v)
    except ValueError:
        return v
    return int(number) if number.is_integer() else number


def xlsx_table(raw: Path, table: str, df: pd.DataFrame, **kwargs) -> Path:
    """Replace ``<table>.csv`` of a wave with ``<table>.xlsx`` holding ``df``."""
    (raw / f"{table}.csv").unlink(missing_ok=True)
    body = [[_as_excel(v) for v in row] for row in df.itertuples(index=False)]
    return write_xlsx(raw / f"{table}.xlsx", [list(df.columns), *body], **kwargs)


# --- the sheet's real extent -----------------------------------------------------------------

def test_xlsx_is_read_to_its_real_extent_whatever_its_dimension_declares(tmp_path):
    tables = minimal_tables()
    extra = pd.DataFrame({"company_id": [f"X{i:03d}" for i in range(396)],
                          "name": "Impresa", "ateco_section": "C", "n_employees": "12",
                          "share_women": "0.5", "municipality": "023091", "in_network": "0",
                          "good_practice": "0"})
    companies = pd.concat([tables["companies"], extra], ignore_index=True)
    raw = write_wave(tmp_path, "w1", tables)
    path = xlsx_table(raw, "companies", companies, dimension="A1:H301")
    assert b'<dimension ref="A1:H301"/>' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    typed = _ingest(raw).tables["companies"]
    assert len(typed) == 400
    assert typed["company_id"].iloc[-1] == "X395"


# --- thousands separators and decimal marks ---------------------------------------------------

def _decimal_comma(tables: dict[str, pd.DataFrame]) -> None:
    for name, df in tables.items():
        tables[name] = df.apply(lambda s: s.str.replace(r"^(-?\d+)\.(\d+)$", r"\1,\2",
                                                        regex=True))


def test_an_italian_file_reads_thousands_separators(tmp_path):
    tables = minimal_tables()
    _decimal_comma(tables)  # share_women 0,35 ... and welfare_budget_per_emp 250,5
    tables["companies"].loc[0, "n_employees"] = "1.000"
    tables["companies"].loc[1, "n_employees"] = "12.500"
    tables["company_survey"].loc[1, "welfare_budget_per_emp"] = "1.500"
    data = _ingest(write_wave(tmp_path, "w1", tables, sep=";"))
    assert data.tables["companies"]["n_employees"].tolist() == [1000, 12500, 8, 120]
    assert data.tables["company_survey"]["welfare_budget_per_emp"].tolist() == [250.5, 1500.0]
    assert data.tables["companies"]["share_women"].iloc[0] == 0.35


def test_an_english_file_reads_thousands_separators(tmp_path):
    tables = minimal_tables()  # share_women 0.35 ...: the decimal point
    tables["companies"].loc[0, "n_employees"] = "1,000"
    tables["companies"].loc[1, "n_employees"] = "1,234,567"
    tables["company_survey"].loc[1, "welfare_budget_per_emp"] = "1.500"
    data = _ingest(write_wave(tmp_path, "w1", tables, sep=";"))
    assert data.tables["companies"]["n_employees"].tolist() == [1000, 1234567, 8, 120]
    assert data.tables["company_survey"]["welfare_budget_per_emp"].tolist() == [250.5, 1.5]


def test_grouped_numbers_say_their_own_decimal_mark(tmp_path):
    tables = minimal_tables()
    tables["companies"]["share_women"] = ["0", "1", "1", "0"]
    tables["companies"].loc[0, "n_employees"] = "1.234.567"  # dots repeated: thousands
    tables["companies"].loc[1, "n_employees"] = "2.000"  # so this is two thousand
    data = _ingest(write_wave(tmp_path, "w1", tables))
    assert data.tables["companies"]["n_employees"].tolist()[:2] == [1234567, 2000]


def test_an_ambiguous_number_is_refused(tmp_path):
    tables = minimal_tables()
    tables["companies"]["share_women"] = ["0", "1", "1", "0"]  # no decimal mark anywhere
    tables["companies"].loc[0, "n_employees"] = "1.000"
    raw = write_wave(tmp_path, "bad", tables)
    assert _error(raw) == (f"{raw}/companies.csv, row 2, column 'n_employees': '1.000' is "
                           "ambiguous (1000 or 1): no other number of the file shows its "
                           "decimal mark; write 1000 or 1")


def test_an_ambiguous_number_in_a_file_using_both_marks_is_refused(tmp_path):
    tables = minimal_tables()
    tables["companies"]["share_women"] = ["0,35", "0.6", "0.9", "0.2"]
    tables["companies"].loc[3, "n_employees"] = "1,500"
    raw = write_wave(tmp_path, "bad", tables, sep=";")
    assert _error(raw) == (f"{raw}/companies.csv, row 5, column 'n_employees': '1,500' is "
                           "ambiguous (1500 or 1.5): the file's numbers use both '.' and ',' as "
                           "decimal mark; write 1500 or 1.5")


def test_xlsx_numbers_are_read_as_stored_and_its_text_cells_by_their_mark(tmp_path):
    tables = minimal_tables()
    raw = write_wave(tmp_path, "w1", tables)
    survey = tables["company_survey"].astype(object)
    survey.loc[0, "welfare_budget_per_emp"] = Text("250,5")  # text: the decimal comma
    survey.loc[1, "welfare_budget_per_emp"] = Text("1.500")  # text: one thousand five hundred
    survey["willing_cofund_eur"] = [1.125, 2500]  # stored numbers: as they are
    xlsx_table(raw, "company_survey", survey)
    typed = _ingest(raw).tables["company_survey"]
    assert typed["welfare_budget_per_emp"].tolist() == [250.5, 1500.0]
    assert typed["willing_cofund_eur"].tolist() == [1.125, 2500.0]


# --- formulas and Excel errors ------------------------------------------------------------------

def test_formula_without_a_saved_value_is_refused(tmp_path):
    tables = minimal_tables()
    raw = write_wave(tmp_path, "bad", tables)
    companies = tables["companies"].astype(object)
    companies.loc[0, "n_employees"] = Formula("40+5", cached=45)  # saved: read as 45
    companies.loc[1, "n_employees"] = Formula("SUM(D2:D2)")  # never computed
    xlsx_table(raw, "companies", companies)
    assert _error(raw) == (f"{raw}/companies.xlsx, row 3, column 'n_employees': a formula "
                           "without a saved value (sheet 'Foglio1'): open and save the workbook "
                           "in Excel, or paste the values")


def test_formula_saved_by_a_script_is_refused(tmp_path):
    """openpyxl (and pandas through it) save formulas with an empty value: ``<v/>``."""
    import openpyxl

    raw = write_wave(tmp_path, "bad")
    df = pd.read_csv(raw / "companies.csv", dtype=str, keep_default_na=False)
    (raw / "companies.csv").unlink()
    wb = openpyxl.Workbook()
    wb.active.append(list(df.columns))
    for row in df.itertuples(index=False):
        wb.active.append(list(row))
    wb.active["D4"] = "=D2*2"
    wb.save(raw / "companies.xlsx")
    assert _error(raw) == (f"{raw}/companies.xlsx, row 4, column 'n_employees': a formula "
                           "without a saved value (sheet 'Sheet'): open and save the workbook "
                           "in Excel, or paste the values")


def test_formula_with_a_saved_value_is_read(tmp_path):
    tables = minimal_tables()
    raw = write_wave(tmp_path, "w1", tables)
    companies = tables["companies"].astype(object)
    companies.loc[0, "n_employees"] = Formula("40+5", cached=45)
    companies.loc[1, "good_practice"] = Formula('""', cached="", text=True)  # an empty text
    xlsx_table(raw, "companies", companies)
    typed = _ingest(raw).tables["companies"]
    assert typed["n_employees"].tolist() == [45, 300, 8, 120]
    assert pd.isna(typed["good_practice"].iloc[1])


def test_excel_error_cell_is_refused(tmp_path):
    tables = minimal_tables()
    raw = write_wave(tmp_path, "bad", tables)
    companies = tables["companies"].astype(object)
    companies.loc[0, "share_women"] = ExcelError("#DIV/0!")
    xlsx_table(raw, "companies", companies)
    assert _error(raw) == (f"{raw}/companies.xlsx, row 2, column 'share_women': the cell holds "
                           "the Excel error #DIV/0! (sheet 'Foglio1')")


# --- files of the wave folder ---------------------------------------------------------------------

def test_unknown_table_files_are_reported(tmp_path):
    raw = write_wave(tmp_path, "w1")
    (raw / "notes.xlsx").write_bytes(b"not read")
    (raw / "companies_2012.csv").write_text("company_id\nC01\n", encoding="utf-8")
    (raw / "local_services.ods").write_bytes(b"")
    (raw / "README.md").write_text("not a table", encoding="utf-8")
    (raw / ".~lock.companies.csv#").write_text("", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = _ingest(raw)
    lines = [str(w.message) for w in caught if issubclass(w.category, IngestWarning)]
    assert lines == [
        f"{raw}/companies_2012.csv: not a table of the data contract ({TABLES}): the file is "
        "not read",
        f"{raw}/local_services.ods: table 'local_services' as a .ods file is not read: save it "
        "as local_services.csv or local_services.xlsx",
        f"{raw}/notes.xlsx: not a table of the data contract ({TABLES}): the file is not read",
    ]
    assert ingest_warnings(data) == lines
    assert data.inputs["notes.xlsx"] == {"file": "notes.xlsx", "bytes": 8, "warning": lines[2]}
    assert set(data.tables) == {"companies", "company_survey", "worker_survey"}


def test_a_known_wave_folder_gives_no_warning(tmp_path):
    raw = write_wave(tmp_path, "w1")
    with warnings.catch_warnings():
        warnings.simplefilter("error", IngestWarning)
        data = _ingest(raw)
    assert ingest_warnings(data) == []


@pytest.mark.parametrize("name", ["companies.csv", "extra.txt"])
def test_a_symlink_in_the_wave_folder_is_refused_unread(tmp_path, name):
    raw = write_wave(tmp_path, "bad")
    secret = tmp_path / "secret"
    os.mkfifo(secret)  # following the link would block on the FIFO: it is never opened
    if name == "companies.csv":
        (raw / name).unlink()
    (raw / name).symlink_to(secret)
    assert _error(raw) == (f"{raw}/{name}: a symbolic link in the wave folder: links are not "
                           "followed (copy the file itself into the folder)")


def test_a_file_above_the_size_limit_is_refused_unread(tmp_path):
    raw = write_wave(tmp_path, "bad")
    with (raw / "companies.csv").open("r+b") as f:
        f.truncate(1_200_000_000)  # sparse: nothing written, nothing read
    assert _error(raw) == (f"{raw}/companies.csv: the file is 1,200.0 MB, more than the 1,000.0 MB "
                           "allowed: not read")


def test_yaml_aliases_are_refused(tmp_path):
    raw = write_wave(tmp_path, "bad")
    (raw / "wave.yaml").write_text("a: &a [x, x, x]\nb: [*a, *a, *a]\n", encoding="utf-8")
    assert _error(raw) == f"{raw}/wave.yaml, row 2: invalid YAML: aliases (*name) are not allowed"


# --- numbers outside a plausible range -----------------------------------------------------------

@pytest.mark.parametrize(("value", "message"), [
    ("1e30", "1e30 is out of the plausible range (1 to 10000000)"),
    ("1e400", "1e400 is out of the plausible range (1 to 10000000)"),
    ("-1e400", "-1e400 is out of range (1 to)"),
    ("inf", "'inf' is not a number"),
    ("NaN", "'NaN' is not a number"),
])
def test_implausible_headcount_is_refused(tmp_path, value, message):
    tables = minimal_tables()
    tables["companies"].loc[1, "n_employees"] = value
    raw = write_wave(tmp_path, "bad", tables)
    assert _error(raw) == f"{raw}/companies.csv, row 3, column 'n_employees': {message}"


def test_implausible_stored_number_is_refused(tmp_path):
    tables = minimal_tables()
    raw = write_wave(tmp_path, "bad", tables)
    companies = tables["companies"].astype(object)
    companies.loc[2, "n_employees"] = 1e30
    xlsx_table(raw, "companies", companies)
    assert _error(raw) == (f"{raw}/companies.xlsx, row 4, column 'n_employees': 1e+30 is out of "
                           "the plausible range (1 to 10000000)")


def test_unbounded_number_column_has_a_plausible_ceiling(tmp_path):
    tables = minimal_tables()
    tables["company_survey"]["willing_cofund_eur"] = ["1e300", "100"]
    raw = write_wave(tmp_path, "bad", tables)
    assert _error(raw) == (f"{raw}/company_survey.csv, row 2, column 'willing_cofund_eur': 1e300 "
                           "is out of the plausible range (0 to 1000000000)")


# --- long cells, short error lines ---------------------------------------------------------------

@pytest.mark.parametrize("row", [1, 3], ids=["a-middle-row", "the-last-row"])
def test_a_10_mb_csv_cell_is_refused_in_one_short_line(tmp_path, row):
    tables = minimal_tables()
    tables["companies"].loc[row, "name"] = "x" * 10_000_000
    raw = write_wave(tmp_path, "bad", tables)
    assert _error(raw) == (f"{raw}/companies.csv, row {row + 2}, column 'name': the cell holds "
                           "10,000,000 characters, more than the 10,000 allowed")


@pytest.mark.parametrize(("length", "message"), [
    (20_000, "the cell holds 20,000 characters, more than the 10,000 allowed (the header of "
             "column 9)"),
    (1_000_000, "the cell holds more than the 10,000 characters allowed (in the header)"),
])
def test_a_long_csv_header_is_refused(tmp_path, length, message):
    tables = minimal_tables()
    tables["companies"]["h" * length] = "1"
    raw = write_wave(tmp_path, "bad", tables)
    assert _error(raw) == f"{raw}/companies.csv, row 1: {message}"


def test_a_10_mb_shared_string_is_refused_in_one_short_line(tmp_path):
    tables = minimal_tables()
    raw = write_wave(tmp_path, "bad", tables)
    companies = tables["companies"].astype(object)
    companies.loc[1, "name"] = Big(10_000_000)
    xlsx_table(raw, "companies", companies)
    assert _error(raw) == (f"{raw}/companies.xlsx, row 3, column 'name': the cell holds "
                           "10,000,000 characters, more than the 10,000 allowed")


def test_error_lines_quote_at_most_80_characters_of_a_cell(tmp_path):
    tables = minimal_tables()
    tables["worker_survey"].loc[0, "gender"] = "Q" * 5_000
    raw = write_wave(tmp_path, "bad", tables)
    assert _error(raw) == (f"{raw}/worker_survey.csv, row 2, column 'gender': '{'Q' * 79}…' is "
                           "not a valid code (allowed: F, M, X, NR or their Italian labels)")


def test_a_line_break_in_a_cell_stays_out_of_the_error_line(tmp_path):
    tables = minimal_tables()
    tables["worker_survey"].loc[0, "gender"] = "Q\nerror: forged line"
    raw = write_wave(tmp_path, "bad", tables)
    assert _error(raw) == (f"{raw}/worker_survey.csv, row 2, column 'gender': 'Q\\nerror: forged "
                           "line' is not a valid code (allowed: F, M, X, NR or their Italian "
                           "labels)")


def test_a_long_header_is_quoted_short(tmp_path):
    tables = minimal_tables()
    long = "h" * 500
    tables["companies"][long] = "1"
    tables["companies"][long.upper()] = "2"
    raw = write_wave(tmp_path, "bad", tables)
    assert _error(raw) == (f"{raw}/companies.csv, row 1, column '{'H' * 79}…': the header names "
                           "this column twice (columns 9 and 10)")


# --- workbooks that unpack too large --------------------------------------------------------------

def test_a_workbook_above_the_unpacked_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "companies.xlsx", [["company_id"], ["C01"]])
    total = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    monkeypatch.setattr(limits, "MAX_XLSX_UNPACKED_BYTES", 1_000)
    with pytest.raises(InputError) as info:
        read_table_file(path)
    assert str(info.value) == (f"{path}: the workbook unpacks to {total:,} bytes, more than the "
                               "1,000 bytes allowed: not read")


def test_a_workbook_of_too_many_parts_is_refused_before_its_index_is_read(tmp_path,
                                                                           monkeypatch):
    path = write_xlsx(tmp_path / "companies.xlsx", [["company_id"], ["C01"]])
    monkeypatch.setattr(limits, "MAX_XLSX_PARTS", 5)
    with pytest.raises(InputError) as info:
        read_table_file(path)
    assert str(info.value) == (f"{path}: the workbook has 6 parts, more than the 5 allowed: not "
                               "read")


#: Reads one file in a process whose address space is capped at 1 GB.
_LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from pathlib import Path
from pipeline.errors import InputError
from pipeline.ingest.readers import read_table_file
try:
    table = read_table_file(Path(sys.argv[1]))
except InputError as err:
    print(err)
    sys.exit(3)
print(f"read {len(table.data)} rows")
"""


def _read_in_1_gb(path: Path) -> tuple[int, list[str], float]:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", _LIMITED, str(path)], cwd=path.parent,
                          capture_output=True, text=True, timeout=300, env=env)
    assert not proc.stderr.strip(), proc.stderr[-2000:]
    return proc.returncode, proc.stdout.splitlines(), time.monotonic() - started


def test_the_1_gb_reader_reads_an_ordinary_workbook(tmp_path):
    path = write_xlsx(tmp_path / "companies.xlsx", [["company_id", "name"], ["C01", "Alfa"]])
    assert _read_in_1_gb(path)[:2] == (0, ["read 1 rows"])


@pytest.mark.parametrize(("where", "line"), [
    ("shared", "bomb.xlsx: part xl/sharedStrings.xml of the workbook unpacks to 300.0 MB, more "
               "than the 64.0 MB allowed: not read"),
    ("disguised", "bomb.xlsx: part xl/worksheets/strings.xml of the workbook unpacks to more "
                  "than 64.0 MB: not read"),
    ("inline", "bomb.xlsx, row 2, column 'name': the cell holds more than the 10,000 characters "
               "allowed"),
], ids=["shared-string", "shared-strings-named-like-a-sheet", "inline-string"])
def test_decompression_bomb_is_refused_in_one_line_within_1_gb(tmp_path, where, line):
    """A few hundred KB holding one 300 MB string (it grew to 23.7 GB before)."""
    big = Big(300_000_000, inline=where == "inline")
    strings_part = "xl/worksheets/strings.xml" if where == "disguised" else "xl/sharedStrings.xml"
    path = write_xlsx(tmp_path / "bomb.xlsx", [["company_id", "name"], ["C01", big]],
                      strings_part=strings_part)
    assert path.stat().st_size < 1_000_000
    status, out, seconds = _read_in_1_gb(path)
    assert (status, out) == (3, [line])
    assert seconds < 60
