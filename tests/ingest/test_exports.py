"""Survey-tool exports (SPSS .sav, KoboToolbox XLSX, columns.yaml recodes) ingest to the
same processed tables as the contract's CSV; what does not fit is an input error."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest

from pipeline.codebook import load_codebook
from pipeline.demo import write_demo_wave
from pipeline.errors import InputError
from pipeline.ingest.load import ingest_wave
from pipeline.wave import write_processed

CB = load_codebook()
WORKERS = CB.tables["worker_survey"]
META = ["start", "end", "_id", "_uuid", "_submission_time", "_index", "meta/instanceID"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A small demo wave as the contract's CSV files, its typed tables and processed files."""
    root = tmp_path_factory.mktemp("exports")
    raw = root / "demo-2013"
    write_demo_wave("demo-2013", raw, n_companies=60, n_workers=160, n_surveyed=8)
    data = ingest_wave("demo-2013", raw)
    return raw, data, _processed(data, root / "processed")


def _processed(data, dest: Path) -> dict[str, str]:
    write_processed(data, dest)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(dest.glob("*.parquet"))}


def _copy(raw: Path, dest: Path) -> Path:
    shutil.copytree(raw, dest)
    (dest / "worker_survey.csv").unlink()
    return dest


def _answers(raw: Path, data) -> pd.DataFrame:
    """The worker answers as the typed table holds them, one column per raw column."""
    header = pd.read_csv(raw / "worker_survey.csv", sep=";", encoding="cp1252", nrows=0)
    names = {"Q03": "gender", "Q12[SQ003]": "need_imp_NURSERY_SHARED"}
    columns = [names.get(h, h.strip().lower()) for h in header.columns]
    canonical = {c.lower(): c for c in WORKERS.columns}
    return data.tables["worker_survey"][[canonical[c.lower()] for c in columns]]


def _columns_yaml(wave: Path, worker_values: str) -> None:
    """``columns.yaml`` of the demo wave with ``worker_values`` under ``worker_survey``."""
    (wave / "columns.yaml").write_text(
        'worker_survey:\n  "Q03": gender\n  "Q12[SQ003]": need_imp_NURSERY_SHARED\n'
        f'  values:\n{worker_values}company_survey:\n  "D1": company_id\n', encoding="utf-8")


def _same(ingested, data, processed, root: Path) -> None:
    for name, df in data.tables.items():
        pd.testing.assert_frame_equal(ingested.tables[name], df)
    assert _processed(ingested, root / "processed-variant") == processed


# --- (a) the contract's CSV, with columns.yaml value recodes ---------------------------

def test_csv_with_value_recodes_reads_like_the_codes(demo, tmp_path):
    raw, data, processed = demo
    wave = shutil.copytree(raw, tmp_path / "demo-2013")
    text = pd.read_csv(raw / "worker_survey.csv", sep=";", encoding="cp1252", dtype=str,
                       keep_default_na=False)
    codes = {"f": "A1", "m": "A2", "x": "A3", "nr": "A4", "donna": "A1", "uomo": "A2"}
    text["Q03"] = text["Q03"].map(lambda v: codes.get(v.lower(), v))
    need = [c for c in text.columns if c.startswith("need_imp_")]
    text[need] = text[need].replace({"1": "L1", "4": "L4", "non so": "NS"})
    text.to_csv(wave / "worker_survey.csv", sep=";", index=False, encoding="cp1252")
    _columns_yaml(wave, '    gender: {"a1": F, "A2": M, A3: X, A4: NR}\n'
                        '    "need_imp_*": {L1: 1, L4: "4", ns: non so}\n')
    assert set(text["Q03"]) - {"A1", "A2", "A3", "A4"} <= {"", "NA", "n.d.", "-"}
    _same(ingest_wave("demo-2013", wave), data, processed, tmp_path)


# --- (d) SPSS .sav ---------------------------------------------------------------------

def _sav_column(values: pd.Series, dk: pd.Series | None, name: str):
    """``(values, value labels, user-missing)`` of one column as SPSS would hold it."""
    column = WORKERS.columns[name]
    labels = {float(i): column.code_labels[c]["it"] for i, c in enumerate(column.codes, 1)}
    if column.type == "category":
        number = {c: float(i) for i, c in enumerate(column.codes, 1)}
        return values.map(number).astype(float), labels, None
    if column.type == "ordinal":
        out = values.astype("Float64").astype(float)
        labels = {float(c): column.code_labels[c]["it"] for c in column.codes}
        missing = [99.0]
        out = out.where(values.notna(), 99.0)
        labels[99.0] = "Non risponde"
        if dk is not None:
            out = out.where(~dk.fillna(False).astype(bool), 9.0)
            labels[9.0], missing = "Non so", [9.0, 99.0]
        return out, labels, missing
    if column.type in ("integer", "number"):
        return values.astype("Float64").astype(float), None, None
    return values.astype(object).where(values.notna(), "").astype(str), None, None


def test_spss_sav_reads_like_the_csv(demo, tmp_path):
    raw, data, processed = demo
    wave = _copy(raw, tmp_path / "demo-2013")
    answers, typed = _answers(raw, data), data.tables["worker_survey"]
    frame, labels, missing = {}, {}, {}
    for name in answers.columns:
        dk = typed.get(f"{name}_dk")
        values, lab, miss = _sav_column(answers[name], dk, name)
        frame[name] = values
        if lab:
            labels[name] = lab
        if miss:
            missing[name] = miss
    pyreadstat.write_sav(pd.DataFrame(frame), wave / "worker_survey.sav",
                         variable_value_labels=labels, missing_ranges=missing)
    assert any(9.0 in v for v in missing.values())  # a user-missing "don't know"
    ingested = ingest_wave("demo-2013", wave)
    assert ingested.inputs["worker_survey"]["format"] == "sav"
    _same(ingested, data, processed, tmp_path)


def test_spss_label_without_mapping_is_an_input_error(demo, tmp_path):
    raw, data, _ = demo
    wave = _copy(raw, tmp_path / "demo-2013")
    frame = _answers(raw, data).astype(object).where(lambda d: d.notna(), "").astype(str)
    frame["gender"] = [1.0 if g == "F" else 7.0 for g in frame["gender"]]
    pyreadstat.write_sav(frame, wave / "worker_survey.sav",
                         variable_value_labels={"gender": {1.0: "Donna", 7.0: "Marziano"}})
    with pytest.raises(InputError) as info:
        ingest_wave("demo-2013", wave)
    err = info.value
    assert (err.column, err.file.name) == ("gender", "worker_survey.sav")
    assert err.row == 2 + list(frame["gender"]).index(7.0)
    assert "'7' (label 'Marziano') has no mapping" in str(err) and "\n" not in str(err)


# --- (e) KoboToolbox XLSX export -------------------------------------------------------

GROUPS = {"need_imp_": "needs", "avail_": "needs/availability", "wfc_": "conflict"}


def _kobo_header(name: str, sep: str) -> str:
    for prefix, group in GROUPS.items():
        if name.startswith(prefix):
            return f"{group}/{name}".replace("/", sep)
    return name


def _write_kobo(raw: Path, data, dest: Path, sep: str = "/", single: bool = True) -> list[str]:
    """The worker answers as a Kobo XLSX export: meta columns, groups, ``top3_needs`` as
    split 0/1 columns after (``single``) its column of choices separated by spaces, as
    Kobo's default export writes it."""
    answers = _answers(raw, data)
    text = pd.read_csv(raw / "worker_survey.csv", sep=";", encoding="cp1252", dtype=str,
                       keep_default_na=False)
    text.columns = answers.columns
    choices = list(WORKERS.columns["top3_needs"].codes)
    headers: list[str] = []
    for name in answers.columns:
        if name == "top3_needs":
            headers += ["top3_needs"] * single + [f"top3_needs{sep}{c}" for c in choices]
        else:
            headers.append(_kobo_header(name, sep))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["start", "end", *headers, *META[2:]])
    for i, row in text.iterrows():
        cells = []
        for name in answers.columns:
            if name == "top3_needs":
                picked = set(answers.at[i, name].split("|")) if pd.notna(
                    answers.at[i, name]) else None
                if single:
                    cells.append(None if picked is None else " ".join(
                        answers.at[i, name].split("|")))
                cells += [None if picked is None else int(c in picked) for c in choices]
            else:
                cells.append(row[name] or None)
        ws.append(["2013-03-01T09:00", "2013-03-01T09:20", *cells, i, f"uuid-{i}",
                   "2013-03-02", i + 1, f"uuid:{i}"])
    wb.save(dest / "worker_survey.xlsx")
    return headers


@pytest.mark.parametrize("sep", ["/", "-"])
def test_kobo_xlsx_reads_like_the_csv(demo, tmp_path, sep):
    raw, data, processed = demo
    wave = _copy(raw, tmp_path / "demo-2013")
    headers = _write_kobo(raw, data, wave, sep)
    assert f"needs{sep}need_imp_FLEX_HOURS" in headers
    assert f"top3_needs{sep}FLEX_HOURS" in headers
    ingested = ingest_wave("demo-2013", wave)
    assert not {"_uuid", "start", "_submission_time"} & set(ingested.tables["worker_survey"])
    _same(ingested, data, processed, tmp_path)


def test_kobo_split_choices_alone_read_in_codebook_order(demo, tmp_path):
    """Split 0/1 columns carry no order: the same answers listed in the codebook's order."""
    raw, _, _ = demo
    order = {c: i for i, c in enumerate(WORKERS.columns["top3_needs"].codes)}
    wave = _wave_with(raw, tmp_path / "ref" / "demo-2013", lambda t: t.assign(
        top3_needs=t["top3_needs"].map(lambda v: "|".join(sorted(v.split("|"), key=order.get))
                                       if v in order or "|" in v else v)))
    data = ingest_wave("demo-2013", wave)
    processed = _processed(data, tmp_path / "ref" / "processed")
    kobo = _copy(wave, tmp_path / "kobo" / "demo-2013")
    headers = _write_kobo(wave, data, kobo, single=False)
    assert "top3_needs" not in headers
    _same(ingest_wave("demo-2013", kobo), data, processed, tmp_path)


def test_kobo_single_select_multiple_column_with_spaces(demo, tmp_path):
    raw, data, _ = demo
    wave = _copy(raw, tmp_path / "demo-2013")
    answers = _answers(raw, data)
    export = answers.astype(object).where(answers.notna(), "").astype(str)
    export["top3_needs"] = export["top3_needs"].str.replace("|", " ")
    export = export.rename(columns=lambda c: _kobo_header(c, "/"))
    export.insert(0, "_uuid", [f"u{i}" for i in range(len(export))])
    export.to_csv(wave / "worker_survey.csv", index=False)
    typed = ingest_wave("demo-2013", wave).tables["worker_survey"]
    expected = data.tables["worker_survey"]
    pd.testing.assert_series_equal(typed["top3_needs"], expected["top3_needs"])
    assert "_uuid" not in typed


# --- errors ----------------------------------------------------------------------------

def _wave_with(raw: Path, dest: Path, edit) -> Path:
    wave = shutil.copytree(raw, dest)
    text = pd.read_csv(raw / "worker_survey.csv", sep=";", encoding="cp1252", dtype=str,
                       keep_default_na=False)
    text = edit(text)
    text.to_csv(wave / "worker_survey.csv", sep=";", index=False, encoding="cp1252")
    return wave


def test_recoded_answer_without_mapping_is_an_input_error(demo, tmp_path):
    raw, _, _ = demo
    wave = _wave_with(raw, tmp_path / "demo-2013",
                      lambda t: t.assign(commute_mode=np.where(t.index == 5, "Z9", "C1")))
    _columns_yaml(wave, "    commute_mode: {C1: car}\n")
    with pytest.raises(InputError) as info:
        ingest_wave("demo-2013", wave)
    err = info.value
    assert (err.row, err.column, err.file.name) == (7, "commute_mode", "worker_survey.csv")
    assert "'Z9' has no mapping" in str(err)


def test_boolean_yaml_key_in_value_recodes_is_refused(demo, tmp_path):
    raw, _, _ = demo
    wave = shutil.copytree(raw, tmp_path / "demo-2013")
    _columns_yaml(wave, "    work_time: {yes: full_time}\n")
    with pytest.raises(InputError, match="in quotes"):
        ingest_wave("demo-2013", wave)


def test_kobo_two_headers_naming_one_column(demo, tmp_path):
    raw, _, _ = demo
    wave = _wave_with(raw, tmp_path / "demo-2013",
                      lambda t: t.rename(columns={"wlb_fit": "a/wlb_fit"}).assign(
                          **{"b/wlb_fit": t["wlb_fit"]}))
    with pytest.raises(InputError) as info:
        ingest_wave("demo-2013", wave)
    assert info.value.column == "wlb_fit" and info.value.row == 1
    assert "'a/wlb_fit' and 'b/wlb_fit' both name" in str(info.value)


def test_question_missing_from_a_kobo_export(demo, tmp_path):
    raw, _, _ = demo
    wave = _wave_with(raw, tmp_path / "demo-2013",
                      lambda t: t.drop(columns=["wlb_fit"]).rename(
                          columns={"sat_wlb": "group/sat_wlb"}))
    with pytest.raises(InputError) as info:
        ingest_wave("demo-2013", wave)
    assert (info.value.column, info.value.row) == ("wlb_fit", 1)
    assert "required column is missing" in str(info.value)


def test_kobo_choice_column_that_is_not_0_or_1(demo, tmp_path):
    raw, data, _ = demo
    wave = _copy(raw, tmp_path / "demo-2013")
    _write_kobo(raw, data, wave, single=False)
    wb = openpyxl.load_workbook(wave / "worker_survey.xlsx")
    ws = wb.active
    col = [c.value for c in ws[1]].index("top3_needs/FLEX_HOURS") + 1
    ws.cell(row=4, column=col, value="sì")
    wb.save(wave / "worker_survey.xlsx")
    with pytest.raises(InputError) as info:
        ingest_wave("demo-2013", wave)
    assert (info.value.row, info.value.column) == (4, "top3_needs/FLEX_HOURS")


# --- unmapped columns: a warning of welfare validate -----------------------------------

def test_unmapped_columns_are_a_warning_of_validate(tmp_path):
    from helpers.waves import minimal_tables, write_wave

    from pipeline.config import Paths, get_paths
    from pipeline.validate import validate_step

    tables = minimal_tables()
    tables["worker_survey"] = tables["worker_survey"].assign(**{"G07Q02": "x"})
    write_wave(tmp_path, "w1", tables)
    paths = Paths(tmp_path, reference_dir=get_paths().reference_dir)
    data = ingest_wave("w1", paths.raw_wave("w1"))
    assert data.inputs["worker_survey"]["unmapped"] == ["G07Q02"]
    assert "unmapped" not in data.inputs["companies"]
    result, _ = validate_step("w1", paths=paths)
    assert result.passed
    [warning] = [c for c in result.warnings if c.kind == "unmapped_columns"]
    assert warning.line("en") == (
        f"{paths.raw_wave('w1')}/worker_survey.csv: columns the codebook does not know, kept "
        "as text and not analysed: 'G07Q02' (a line missing in columns.yaml?) (warning)")
    assert "colonne che il codebook non conosce" in warning.line("it")


# --- (b, c) LimeSurvey CSV exports: answer codes, and full answer texts ----------------

def _write_limesurvey(wave: Path, data, full_text: bool) -> pd.DataFrame:
    """The worker answers as LimeSurvey exports them ("question code" headings)."""
    from pipeline.codebook.survey_codes import choice_table, question_table

    q = question_table(CB)
    q = q[q["table"] == "worker_survey"].set_index("column")
    c = choice_table(CB)
    c = c[c["table"] == "worker_survey"]
    answers, typed = _answers(wave, data), data.tables["worker_survey"]
    out = {"id": [str(i) for i in range(1, len(typed) + 1)], "submitdate": "2013-03-02",
           "lastpage": "3", "startlanguage": "it"}
    for name in answers.columns:
        column = WORKERS.columns[name]
        values = answers[name].astype(object)
        if column.type == "multi":
            options = c[c["column"] == name]
            for header, code in zip(options["ls_header"], options["code"], strict=True):
                ticked = values.map(lambda v, k=code: pd.notna(v) and k in v.split("|"))
                out[header] = ticked.map({True: "Sì" if full_text else "Y", False: ""})
            continue
        choices = c[c["column"] == name]
        key = "label_it" if full_text else "ls_answer"
        coded = dict(zip(choices["code"], choices[key], strict=True))
        cells = values.map(lambda v, m=coded: "N/A" if pd.isna(v) else m.get(str(v), str(v)))
        if column.dont_know:
            cells = cells.where(~typed[f"{name}_dk"].fillna(False).astype(bool),
                                coded["dont_know"])
        if column.type in ("integer", "number"):
            cells = values.map(lambda v: "" if pd.isna(v) else f"{v:g}")
        out[q.at[name, "ls_header"]] = cells
    frame = pd.DataFrame(out)
    frame.to_csv(wave / "worker_survey.csv", index=False, encoding="utf-8")
    return frame


@pytest.mark.parametrize("full_text", [False, True], ids=["codes", "full-texts"])
def test_limesurvey_export_reads_like_the_csv(demo, tmp_path, full_text):
    raw, _, _ = demo
    order = {c: i for i, c in enumerate(WORKERS.columns["top3_needs"].codes)}
    ref = _wave_with(raw, tmp_path / "ref" / "demo-2013", lambda t: t.assign(
        top3_needs=t["top3_needs"].map(lambda v: "|".join(sorted(v.split("|"), key=order.get))
                                       if v in order or "|" in v else v)))
    data = ingest_wave("demo-2013", ref)
    processed = _processed(data, tmp_path / "ref" / "processed")
    wave = shutil.copytree(ref, tmp_path / "ls" / "demo-2013")
    frame = _write_limesurvey(wave, data, full_text)
    assert "needImp[FLEXHOURS]" in frame and "top3Needs[FLEXHOURS]" in frame
    assert (frame == "N/A").any().any()
    assert (frame["ageBand"] == ("Meno di 25 anni" if full_text else "A1")).any()
    _same(ingest_wave("demo-2013", wave), data, processed, tmp_path)


def test_limesurvey_answer_code_without_mapping(demo, tmp_path):
    raw, data, _ = demo
    wave = shutil.copytree(raw, tmp_path / "demo-2013")
    frame = _write_limesurvey(wave, data, full_text=False)
    frame.loc[3, "ageBand"] = "A9"
    frame.to_csv(wave / "worker_survey.csv", index=False, encoding="utf-8")
    with pytest.raises(InputError) as info:
        ingest_wave("demo-2013", wave)
    assert (info.value.row, info.value.column) == (5, "age_band")
    assert "'A9' has no mapping" in str(info.value)
