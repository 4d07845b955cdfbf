"""The columnar reader and the vectorised converters: the same cells, rows and errors as the
row-by-row reading they replaced (pandas' C parser, one converter call per distinct cell)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.codebook import load_codebook
from pipeline.errors import InputError
from pipeline.ingest import csvtext
from pipeline.ingest.cells import distinct_cells
from pipeline.ingest.convert import convert_column
from pipeline.ingest.load import convert_table
from pipeline.ingest.readers import read_table_file

HEADER = "company_id;ateco_section;n_employees;share_women;municipality;in_network"


def _pandas_cells(raw: bytes, encoding: str, sep: str, headers: list[str]) -> pd.DataFrame:
    """The cells as the former reader read them: pandas' C parser, text only."""
    df = pd.read_csv(io.BytesIO(raw), sep=sep, dtype=str, encoding=encoding,
                     keep_default_na=False, na_filter=False, skip_blank_lines=False,
                     engine="c")
    df.columns = headers
    return df


@pytest.mark.parametrize(("text", "encoding", "sep"), [
    ('\ufeffa;b;c\r\n1;"x\r\ny";\r\n\r\n;"say ""hi""";3\r\n', "utf-8", ";"),
    ("a,b,c\n1,Società,\n\n\n2, spaced ,€\n", "cp1252", ","),
    ("a\tb\tc\n1\t\t\n2\t'q'\tz", "utf-8", "\t"),
    ("a;b;c\r1;2;3\r4;5;6\r", "utf-8", ";"),
], ids=["bom-crlf-quoted-newline-blank", "cp1252-blank-lines", "tab-no-final-newline",
        "old-mac-line-breaks"])
def test_arrow_reads_the_cells_the_pandas_parser_read(tmp_path, text, encoding, sep):
    raw = text.encode(encoding)
    detected = csvtext.detect_encoding(tmp_path / "x.csv", raw)
    headers = ["a", "b", "c"]
    arrow = csvtext.parse_arrow(raw, detected, sep, len(headers))
    assert arrow is not None
    arrow.columns = headers
    pd.testing.assert_frame_equal(arrow, _pandas_cells(raw, detected, sep, headers))


def test_a_file_pyarrow_refuses_is_read_as_before(tmp_path):
    # a short row in the middle: pyarrow refuses it, the former parser pads it
    path = tmp_path / "t.csv"
    path.write_bytes(b"a;b;c\n1;2;3\n4;5\n6;7;8\n")
    assert csvtext.parse_arrow(path.read_bytes(), "utf-8", ";", 3) is None
    table = read_table_file(path)
    assert table.data["a"].tolist() == ["1", "4", "6"]
    assert table.data.index.tolist() == [2, 3, 4]


@pytest.mark.parametrize("text", [b'a;b\n1;"x\n2;3\n', b'a;b\n1;2\n3;"x',
                                  b'a;b\n1;2\nx"y;"b'],
                         ids=["swallows-the-rest", "at-the-end", "after-a-literal-quote"])
def test_a_quote_left_open_is_refused_as_before(tmp_path, text):
    # pyarrow reads an unclosed quote to the end of the file; the former parser refused it
    path = tmp_path / "t.csv"
    path.write_bytes(text)
    assert csvtext.parse_arrow(text, "utf-8", ";", 2) is None
    with pytest.raises(InputError, match="malformed CSV: .*EOF inside string"):
        read_table_file(path)


def test_a_last_record_on_several_lines_is_read_as_before(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b'a;b\n1;2\n3;"x\ny"\n')
    assert read_table_file(path).data["b"].tolist() == ["2", "x\ny"]


def test_too_many_fields_are_named_by_row_as_before(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"a;b\n1;2\n3;4\n5;6;7\n8;9\n")
    with pytest.raises(InputError) as info:
        read_table_file(path)
    assert str(info.value) == f"{path}, row 4: this row has 3 fields but the header has 2"


def test_blank_lines_keep_the_row_numbers_of_the_file(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"a;b\n1;2\n\n;\n3;4\n")
    table = read_table_file(path)
    assert table.data.index.tolist() == [2, 5]
    assert table.data["b"].tolist() == ["2", "4"]


def _companies(path: Path, n: int, bad: dict[int, str]) -> Path:
    """A companies.csv of ``n`` records, Italian Excel style; ``bad``: spreadsheet row ->
    n_employees text."""
    rows = [f"C{i:07d};C;{bad.get(i + 2, '12')};0,35;023091;1" for i in range(n)]
    path.write_bytes("\n".join([HEADER, *rows, ""]).encode("cp1252"))
    return path


def test_a_bad_value_deep_in_a_large_file_is_named_by_its_row(tmp_path):
    path = _companies(tmp_path / "companies.csv", 700_100,
                      {700_001: "dodici", 700_050: "-3"})
    codebook = load_codebook()
    raw = read_table_file(path)
    assert raw.encoding == "utf-8"  # ASCII only: read as UTF-8
    with pytest.raises(InputError) as info:
        convert_table(raw, codebook.tables["companies"], codebook, release=True)
    assert str(info.value) == (f"{path}, row 700001, column 'n_employees': 'dodici' is not "
                               "a number (and 1 more problem in this file)")


def test_release_drops_each_text_column_once_typed(tmp_path):
    path = _companies(tmp_path / "companies.csv", 50, {})
    codebook = load_codebook()
    raw = read_table_file(path)
    typed = convert_table(raw, codebook.tables["companies"], codebook, release=True)
    assert raw.data.shape == (50, 0)
    kept = convert_table(read_table_file(path), codebook.tables["companies"], codebook)
    pd.testing.assert_frame_equal(typed, kept)
    assert typed["share_women"].iloc[0] == 0.35


def test_distinct_cells_trim_and_take_out_missing_and_dont_know():
    codebook = load_codebook()
    text = pd.Series([" 3", "3 ", "NA", "non so", pd.NA, "", "x"], dtype="str",
                     index=range(2, 9))
    cells, dont_know = distinct_cells(text, codebook, dont_know=True)
    assert cells.values == ["3", "x"]
    assert cells.codes.tolist() == [0, 0, -1, -1, -1, -1, 1]
    assert dont_know.tolist() == [False, False, False, True, False, False, False]
    cells, flags = distinct_cells(text, codebook, dont_know=False)
    assert cells.values == ["3", "non so", "x"] and flags is None


def test_converted_columns_keep_their_types_and_rows():
    codebook = load_codebook()
    workers = codebook.tables["worker_survey"].columns
    idx = pd.RangeIndex(2, 8)
    need = convert_column(pd.Series(["4", "dont_know", " 1 ", "", "Per nulla importante", "5"],
                                    dtype="str", index=idx), workers["need_imp_FLEX_HOURS"],
                          codebook)
    assert str(need.values.dtype) == "Int8"
    assert need.values.tolist()[:5] == [4, pd.NA, 1, pd.NA, 1]
    assert need.invalid.tolist() == [False] * 5 + [True]
    assert need.dont_know.tolist() == [False, True, False, False, False, False]
    assert need.values.index.equals(idx)
    hours = convert_column(pd.Series(["37,5", "n.d.", "x"], dtype="str"),
                           workers["hours_usual_week"], codebook)
    assert hours.values.dtype == "float64"
    assert hours.values.iloc[0] == 37.5 and np.isnan(hours.values.iloc[1])
    assert hours.invalid.tolist() == [False, False, True]
    gender = convert_column(pd.Series(["f", "Uomo", "NR"], dtype="str"), workers["gender"],
                            codebook)
    assert gender.values.tolist() == ["F", "M", "NR"] and str(gender.values.dtype) == "str"


def test_columns_typed_in_threads_are_those_typed_one_by_one(tmp_path, monkeypatch):
    """Two threads type the columns (:data:`load.TYPING_THREADS`): same tables, dtypes and
    rows as one column after the other, and the same first error with the same count."""
    from pipeline.demo import write_demo_wave
    from pipeline.ingest import load

    raw_dir = tmp_path / "demo-2013"
    write_demo_wave("demo-2013", raw_dir, n_companies=60, n_workers=600, n_surveyed=8)
    found = {}
    for threads in (1, 2):
        monkeypatch.setattr(load, "TYPING_THREADS", threads)
        found[threads] = load.ingest_wave("demo-2013", raw_dir).tables
    assert found[1].keys() == found[2].keys()
    for name in found[1]:
        pd.testing.assert_frame_equal(found[1][name], found[2][name], obj=name)

    path = tmp_path / "companies.csv"
    path.write_text(HEADER + "\nC1;Z;12;0,5;023091;si\nC1;C;x;7;023091;forse\nC3;C;5;0,2;023091;no\n",
                    encoding="utf-8")
    errors = {}
    for threads in (1, 2):
        monkeypatch.setattr(load, "TYPING_THREADS", threads)
        with pytest.raises(InputError) as err:
            convert_table(read_table_file(path), load_codebook().tables["companies"],
                          load_codebook())
        errors[threads] = str(err.value)
    assert errors[1] == errors[2]
    assert "row 2" in errors[1] and "more" in errors[1]
