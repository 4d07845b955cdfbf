"""The data-quality gate: suites generated from the codebook, the guard against silent
suites, every kind of check on typed tables, wave-over-wave identity and the gate step.

Defective raw waves, one defect each, are in ``tests/ingest/corpus/``; here the checks are also
exercised on typed tables directly, bypassing ingestion (defence in depth: a processed wave
edited by hand, or a future reader that types differently, must still be caught).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from helpers.waves import minimal_tables, write_wave

from pipeline.codebook import load_codebook
from pipeline.config import Paths, get_paths
from pipeline.ingest.load import ingest_wave
from pipeline.validate import (
    CheckResult,
    DataQualityError,
    SuiteError,
    ValidationResult,
    build_suites,
    clear_failed,
    stale_suites,
    validate_step,
    validate_wave,
    write_result_files,
)
from pipeline.validate.engine import engine, load_suite, plan_groups
from pipeline.validate.suites import (
    COMPLETE_CRITICAL,
    COMPLETE_WARNING,
    GX_TYPES,
    SUITES_DIR,
    suite_json,
)
from pipeline.wave import WaveData, write_processed

CODEBOOK = load_codebook()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> WaveData:
    """The typed minimal wave (ingested once for the module)."""
    root = tmp_path_factory.mktemp("base")
    return ingest_wave("w1", write_wave(root, "w1"))


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths(tmp_path, reference_dir=get_paths().reference_dir)


def _copy(data: WaveData, wave: str | None = None) -> WaveData:
    return WaveData(wave=wave or data.wave, tables={k: v.copy() for k, v in data.tables.items()},
                    meta=dict(data.meta), inputs=dict(data.inputs))


def _check(result: ValidationResult, name: str):
    return next(c for c in result.checks if c.check == name)


def _failed(result: ValidationResult) -> list[str]:
    return [c.check for c in result.critical_failures + result.warnings]


# --- suites and codebook ---------------------------------------------------------------------

def test_suite_files_match_the_codebook():
    assert stale_suites(SUITES_DIR) == [], (
        "expectations/*.json differ from the codebook: run `python -m pipeline.validate`")
    assert sorted(p.stem for p in SUITES_DIR.glob("*.json")) == sorted(CODEBOOK.tables)


def test_suites_cover_every_codebook_rule():
    """Read the JSON files (not the generator) and check them against the codebook."""
    for name, table in CODEBOOK.tables.items():
        suite = json.loads((SUITES_DIR / f"{name}.json").read_text(encoding="utf-8"))
        assert suite["name"] == name
        by_check = {e["meta"]["check"]: e for e in suite["expectations"]}
        assert all(e["severity"] in ("critical", "warning") for e in suite["expectations"])
        for col in table.columns.values():
            key = f"{name}.{col.name}"
            assert by_check[f"{key}.type"]["kwargs"]["type_"] == GX_TYPES[col.type]
            if col.required:
                assert by_check[f"{key}.exists"]["type"] == "expect_column_to_exist"
                complete = by_check[f"{key}.complete"]
                assert complete["severity"] == "critical"
                if col.unique or col.references or col.name == table.key:
                    assert "mostly" not in complete["kwargs"]
                else:
                    assert complete["kwargs"]["mostly"] == COMPLETE_CRITICAL
                    assert by_check[f"{key}.complete_warn"]["kwargs"]["mostly"] == \
                        COMPLETE_WARNING
                    assert by_check[f"{key}.complete_warn"]["severity"] == "warning"
            if col.type == "category":
                assert by_check[f"{key}.codes"]["kwargs"]["value_set"] == list(col.codes)
            if col.type == "ordinal":
                assert by_check[f"{key}.scale"]["kwargs"]["value_set"] == list(
                    range(int(col.minimum), int(col.maximum) + 1))
            if col.type in ("integer", "number") and col.minimum is not None:
                assert by_check[f"{key}.range"]["kwargs"]["min_value"] == col.minimum
            if col.type in ("integer", "number") and col.maximum is not None:
                assert by_check[f"{key}.range"]["kwargs"]["max_value"] == col.maximum
            if col.unique:
                assert f"{key}.unique" in by_check
            if col.references:
                ref = by_check[f"{key}.references"]["kwargs"]["value_set"]
                assert ref == {"$PARAMETER": col.references.replace(".", "__")}


def test_completeness_thresholds_are_visible_in_the_json():
    text = (SUITES_DIR / "worker_survey.json").read_text(encoding="utf-8")
    assert '"mostly": 0.8' in text and '"mostly": 0.95' in text


def test_a_codebook_change_makes_the_suites_stale(tmp_path, monkeypatch):
    for name, suite in build_suites().items():
        (tmp_path / f"{name}.json").write_text(suite_json(suite), encoding="utf-8")
    assert stale_suites(tmp_path) == []
    changed = json.loads((tmp_path / "worker_survey.json").read_text(encoding="utf-8"))
    changed["expectations"][3]["kwargs"]["mostly"] = 0.5
    (tmp_path / "worker_survey.json").write_text(suite_json(changed), encoding="utf-8")
    assert stale_suites(tmp_path) == ["worker_survey"]


def test_suites_load_whole_in_great_expectations():
    for name in CODEBOOK.tables:
        suite, raw = load_suite(SUITES_DIR / f"{name}.json")
        assert len(suite.expectations) == len(raw["expectations"])
        severities = {e.meta["check"]: e.severity.value for e in suite.expectations}
        assert severities == {e["meta"]["check"]: e["severity"] for e in raw["expectations"]}


# --- the guard against silent suites -----------------------------------------------------------

def _suite_copy(tmp_path: Path, mutate) -> Path:
    data = json.loads((SUITES_DIR / "network_activity.json").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "network_activity.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_mistyped_expectation_refuses_the_suite(tmp_path):
    def mutate(data):
        data["expectations"][2]["type"] = "expect_column_values_to_be_of_typo"
    path = _suite_copy(tmp_path, mutate)
    n = len(json.loads(path.read_text())["expectations"])
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    assert str(info.value) == (
        f"{path}: great-expectations kept {n - 1} of the {n} expectations of the file and "
        "silently dropped 1: first 'expect_column_values_to_be_of_typo' (check "
        "network_activity.company_id.type): Could not add expectation; provided "
        "configuration is not valid: expect_column_values_to_be_of_typo not found")


def test_a_mistyped_suite_stops_validation(tmp_path, base, paths):
    folder = tmp_path / "suites"
    folder.mkdir()
    for name, suite in build_suites().items():
        if name == "companies":
            suite["expectations"][1]["type"] = "expect_colum_to_exist"
        (folder / f"{name}.json").write_text(suite_json(suite), encoding="utf-8")
    with pytest.raises(SuiteError, match="silently dropped 1: first 'expect_colum_to_exist'"):
        validate_wave(base, paths=paths, suites_dir=folder)


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["expectations"][0]["meta"].pop("check"), "expectation 1 has no meta.check"),
    (lambda d: d["expectations"][0].__setitem__("severity", "fatal"),
     "has severity 'fatal' (critical, warning or info)"),
    (lambda d: d["expectations"].append(dict(d["expectations"][0])),
     "check name 'network_activity.rows' is used twice"),
])
def test_malformed_suites_are_refused(tmp_path, mutate, message):
    with pytest.raises(SuiteError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_suite(_suite_copy(tmp_path, mutate))


def test_invalid_json_is_refused(tmp_path):
    path = tmp_path / "companies.json"
    path.write_text('{"name": "companies",\n "expectations": [\n', encoding="utf-8")
    with pytest.raises(SuiteError, match=r"companies.json, row 3: not valid JSON"):
        load_suite(path)


# --- great_expectations is imported lazily, once ---------------------------------------------

def test_importing_the_gate_does_not_import_great_expectations():
    code = ("import sys, pipeline.validate, pipeline.validate.report, pipeline.validate.engine; "
            "print('great_expectations' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False"


def test_one_engine_per_process():
    assert engine() is engine()
    assert engine().context.__class__.__name__ == "EphemeralDataContext"


# --- a valid wave passes ------------------------------------------------------------------------

def test_minimal_wave_passes(base, paths):
    result = validate_wave(base, paths=paths)
    assert result.passed and result.status == "passed"
    assert result.critical_failures == [] and result.warnings == []
    assert result.first_error_line() is None
    assert result.tables == {"companies": 4, "company_survey": 2, "worker_survey": 12}
    assert result.absent_tables == ["local_services", "network_activity"]
    # absent optional columns and the previous-wave checks are not applicable
    skipped = {c.check: c.skipped for c in result.skipped}
    assert skipped["companies.ateco_section.same_sector_as_previous"] == "no_previous_wave"
    assert skipped["worker_survey.commute_min.range"] == "column_absent"
    assert _check(result, "worker_survey.resp_id.unique").success is True
    json.dumps(result.to_dict())  # JSON-friendly


def test_the_gate_keeps_no_frame_or_metric_in_great_expectations(base, paths):
    # great-expectations' engine lives as long as the process and would keep every batch
    # frame and metric of every validation (hundreds of MB for a million workers)
    validate_wave(base, paths=paths)
    execution_engine = engine().datasource._execution_engine
    assert execution_engine is not None
    assert execution_engine._metric_cache == {}
    assert execution_engine._batch_manager._batch_data_cache == {}
    assert len(execution_engine._batch_manager._batch_cache) == 0


def test_every_severity_comes_from_the_suite(base, paths):
    result = validate_wave(base, paths=paths)
    raw = {e["meta"]["check"]: e["severity"]
           for name in CODEBOOK.tables
           for e in json.loads((SUITES_DIR / f"{name}.json").read_text())["expectations"]}
    assert {c.check: c.severity for c in result.checks} == {
        c.check: raw[c.check] for c in result.checks}


# --- checks on typed tables (bypassing ingestion) ---------------------------------------------

def test_share_women_out_of_range(base, paths):
    data = _copy(base)
    data.tables["companies"].loc[2, "share_women"] = 1.4
    result = validate_wave(data, paths=paths)
    assert _failed(result) == ["companies.share_women.range"]
    assert result.first_error_line() == (
        f"{paths.raw_wave('w1')}/companies.csv, row 4, column 'share_women': 1.4 is out of "
        "range (0 to 1) (critical; 1 row)")


def test_likert_item_typed_one_to_ten(base, paths):
    data = _copy(base)
    data.tables["worker_survey"]["wfc_2"] = pd.array([9, 10] + [3] * 10, dtype="Int8")
    result = validate_wave(data, paths=paths)
    check = _check(result, "worker_survey.wfc_2.scale")
    assert check.failed and check.severity == "critical"
    assert check.failing_values == [9, 10] and check.failing_rows == [2, 3]
    assert check.line() == (f"{paths.raw_wave('w1')}/worker_survey.csv, row 2, column 'wfc_2': "
                            "9 is not on the scale 1-7 (critical; 2 rows)")


def test_wrong_type_and_missing_required_column(base, paths):
    data = _copy(base)
    companies = data.tables["companies"]
    companies["n_employees"] = companies["n_employees"].astype("str")
    data.tables["worker_survey"] = data.tables["worker_survey"].drop(columns=["age_band"])
    result = validate_wave(data, paths=paths)
    assert "companies.n_employees.type" in _failed(result)
    assert "worker_survey.age_band.exists" in _failed(result)
    assert _check(result, "companies.n_employees.type").line() == (
        f"{paths.raw_wave('w1')}/companies.csv, column 'n_employees': values have type str, "
        "expected int64 (critical)")
    assert _check(result, "worker_survey.age_band.exists").message() == (
        "required column is missing")
    assert _check(result, "worker_survey.age_band.codes").skipped == "column_absent"


def test_duplicate_ids_and_codes_outside_the_codebook(base, paths):
    data = _copy(base)
    data.tables["worker_survey"].loc[5, "resp_id"] = "R0001"
    data.tables["worker_survey"].loc[7, "gender"] = "Q"
    result = validate_wave(data, paths=paths)
    unique = _check(result, "worker_survey.resp_id.unique")
    assert unique.failed and unique.failing_rows == [3, 7]
    assert not unique.extra["publish_values"], "respondent ids are never published"
    codes = _check(result, "worker_survey.gender.codes")
    assert codes.message() == "'Q' is not a valid code (allowed: F, M, X, NR)"


def test_missing_required_table(base, paths):
    data = _copy(base)
    del data.tables["company_survey"]
    result = validate_wave(data, paths=paths)
    assert _check(result, "company_survey.table").failed
    # the references to it fail too: no worker's company answered the questionnaire
    assert "worker_survey.company_id.references" in _failed(result)


def test_dont_know_counts_as_an_answer(tmp_path, paths):
    tables = minimal_tables()
    tables["worker_survey"].loc[[1, 2, 3, 4, 5], "need_imp_HOUR_BANK"] = "non so"
    tables["worker_survey"].loc[[6, 7, 8, 9, 10], "need_imp_CONCIERGE"] = ""
    data = ingest_wave("w1", write_wave(tmp_path, "w1", tables))
    result = validate_wave(data, paths=paths)
    assert not _check(result, "worker_survey.need_imp_HOUR_BANK.complete").failed
    missing = _check(result, "worker_survey.need_imp_CONCIERGE.complete")
    assert missing.failed and missing.failing_rows == [8, 9, 10, 11, 12]
    assert missing.message() == "41.7 % of the values are missing, at most 20 % allowed"
    assert missing.message("it") == "mancano il 41,7 % dei valori, ne è ammesso al massimo il 20 %"


def test_rows_are_the_index_plus_two(base, paths):
    data = _copy(base)
    data.tables["worker_survey"].loc[[0, 11], "company_id"] = "C77"
    check = _check(validate_wave(data, paths=paths), "worker_survey.company_id.references")
    assert check.failing_rows == [2, 13] and check.unexpected_count == 2


def test_other_provinces_are_accepted_when_the_province_exists(base, paths):
    data = _copy(base)
    data.tables["companies"]["municipality"] = ["015146", "023091", "111107", "112001"]
    check = _check(validate_wave(data, paths=paths), "companies.municipality.istat")
    assert check.failing_values == ["112001"] and check.failing_rows == [5]


def test_dates_in_the_future_against_a_fixed_now(base, paths):
    import datetime as dt

    data = _copy(base)
    data.tables["network_activity"] = pd.DataFrame({
        "company_id": pd.array(["C01", "C02"], dtype="str"),
        "date": pd.to_datetime(["2013-03-01", "2014-06-01"]).astype("datetime64[s]"),
        "activity": pd.array(["joined", "training"], dtype="str")})
    result = validate_wave(data, paths=paths, now=dt.datetime(2014, 1, 1))
    check = _check(result, "network_activity.date.not_future")
    assert check.failing_values == ["2014-06-01"] and check.failing_rows == [3]
    assert validate_wave(data, paths=paths, now=dt.datetime(2015, 1, 1)).passed


def test_group_plan_keeps_every_expectation(base):
    from pipeline.validate.context import validation_frame

    frame = validation_frame("worker_survey", base.tables["worker_survey"], base.tables,
                             CODEBOOK)
    suite, _ = load_suite(SUITES_DIR / "worker_survey.json")
    exps = [e for e in suite.expectations
            if all(c in frame.columns for c in (e.configuration.kwargs.get("column"),)
                   if c)]
    for cells in (10, 1_000, 10**9):
        groups = plan_groups(exps, frame, cells=cells)
        names = sorted(e.meta["check"] for _, _, g in groups for e in g)
        assert names == sorted(e.meta["check"] for e in exps)


# --- wave over wave ---------------------------------------------------------------------------

def _two_waves(tmp_path: Path, paths: Paths, mutate, yaml: str = "previous_wave: w1\n"):
    write_processed(ingest_wave("w1", write_wave(tmp_path, "w1")), paths.processed_wave("w1"))
    tables = minimal_tables()
    mutate(tables)
    raw = write_wave(tmp_path, "w2", tables)
    (raw / "wave.yaml").write_text(yaml, encoding="utf-8")
    return ingest_wave("w2", raw)


def test_sector_change_and_halved_headcount_are_warnings(tmp_path, paths):
    def mutate(t):
        t["companies"].loc[0, "ateco_section"] = "G"
        t["companies"].loc[3, "n_employees"] = "60"
        t["companies"].loc[1, "n_employees"] = "151"  # just above half: fine
    result = validate_wave(_two_waves(tmp_path, paths, mutate), paths=paths)
    assert result.passed and result.status == "warnings"
    assert result.previous_wave == "w1"
    assert _failed(result) == ["companies.ateco_section.same_sector_as_previous",
                               "companies.n_employees.headcount_not_halved"]
    raw = paths.raw_wave("w2")
    assert [c.line() for c in result.warnings] == [
        f"{raw}/companies.csv, row 2, column 'ateco_section': ATECO section G, C in the "
        "previous wave (w1) (warning; 1 row)",
        f"{raw}/companies.csv, row 5, column 'n_employees': 60 employees, 120 in the previous "
        "wave (w1): the headcount halved (warning; 1 row)"]


def test_previous_wave_given_explicitly(tmp_path, paths, base):
    previous = _copy(base, "w0")
    previous.tables["companies"].loc[1, "ateco_section"] = "K"
    result = validate_wave(base, previous=previous, paths=paths)
    assert _failed(result) == ["companies.ateco_section.same_sector_as_previous"]


def test_previous_wave_never_processed(tmp_path, paths):
    data = _two_waves(tmp_path, paths, lambda t: None, yaml="previous_wave: w0\n")
    result = validate_wave(data, paths=paths)
    assert result.passed and _failed(result) == ["wave.previous_wave"]
    assert result.first_error_line() == (
        f"{paths.raw_wave('w2')}/wave.yaml, column 'previous_wave': wave.yaml names the "
        "previous wave 'w0', which has no processed data: wave-over-wave checks skipped "
        "(warning)")


# --- the gate step ------------------------------------------------------------------------------

def test_validate_step_pass_writes_the_report_and_clears_a_stale_failure(tmp_path, paths):
    write_wave(tmp_path, "w1")
    stale = paths.failed_wave("w1") / "data_quality.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("old failure")
    result, report = validate_step("w1", paths=paths)
    assert result.passed
    assert report == tmp_path / "data" / "work" / "quality" / "w1" / "data_quality.html"
    assert report.exists() and (report.parent / "data_quality.json").exists()
    assert not stale.exists()
    assert not paths.processed_wave("w1").exists(), "validate never publishes"


def test_validate_step_failure(tmp_path, paths):
    tables = minimal_tables()
    tables["worker_survey"].loc[3, "company_id"] = "C99"
    write_wave(tmp_path, "w1", tables)
    with pytest.raises(DataQualityError) as info:
        validate_step("w1", paths=paths, lang="en")
    report = paths.failed_wave("w1") / "data_quality.en.html"
    assert info.value.report == report and report.exists()
    assert str(info.value) == (
        f"{paths.raw_wave('w1')}/worker_survey.csv, row 5, column 'company_id': 'C99' is not a "
        f"company of company_survey (critical; 1 row); data-quality report: {report}")
    saved = json.loads((report.parent / "data_quality.json").read_text())
    assert saved["status"] == "failed" and saved["first_error"] == info.value.line
    assert '<html lang="en">' in report.read_text(encoding="utf-8")
    assert '<html lang="it">' in (report.parent / "data_quality.html").read_text(encoding="utf-8")


def test_write_result_files_writes_everything_a_quality_folder_holds(tmp_path, paths):
    warn = CheckResult(table="t", check="t.a.plausible", kind="plausible",
                       expectation_type="expect_column_values_to_be_between", column="a",
                       severity="warning", success=False, kwargs={"max_value": 5},
                       failing_values=[7], failing_rows=[4], unexpected_count=1)
    result = ValidationResult("w1", [warn])
    report = write_result_files(result, tmp_path / "quality")
    folder = report.parent
    assert report == tmp_path / "quality" / "data_quality.html"
    assert sorted(p.name for p in folder.iterdir()) == [
        "data_quality.en.html", "data_quality.html", "data_quality.json", "site_summary.json"]
    assert '<html lang="it">' in report.read_text(encoding="utf-8")
    assert '<html lang="en">' in (folder / "data_quality.en.html").read_text(encoding="utf-8")
    assert json.loads((folder / "data_quality.json").read_text())["status"] == "warnings"
    assert json.loads((folder / "site_summary.json").read_text()) == {
        lang: result.site_summary("data_quality.html", lang) for lang in ("it", "en")}
    # asking for English returns the English page; data_quality.html stays Italian, the
    # page the Italian site publishes (a `welfare validate --lang en` must not replace it)
    english = write_result_files(result, paths.failed_wave("w1"), lang="en")
    assert english == paths.failed_wave("w1") / "data_quality.en.html"
    assert '<html lang="en">' in english.read_text(encoding="utf-8")
    assert '<html lang="it">' in (english.parent / "data_quality.html").read_text(
        encoding="utf-8")
    clear_failed("w1", paths)
    assert not paths.failed_wave("w1").exists()


def test_more_critical_failures_are_counted(tmp_path, paths):
    tables = minimal_tables()
    tables["worker_survey"].loc[3, "company_id"] = "C99"
    tables["companies"].loc[0, "municipality"] = "023200"
    write_wave(tmp_path, "w1", tables)
    with pytest.raises(DataQualityError) as info:
        validate_step("w1", paths=paths)
    assert str(info.value).startswith(
        f"{paths.raw_wave('w1')}/companies.csv, row 2, column 'municipality': '023200' is not "
        "a municipality of the ISTAT list (critical; 1 row) (and 1 more critical failure); "
        "data-quality report: ")


def test_grouping_does_not_change_results(tmp_path, paths, monkeypatch):
    """Narrow groups (one column each) and one wide group give the same outcome."""
    import pipeline.validate.engine as eng

    tables = minimal_tables()
    tables["worker_survey"].loc[3, "company_id"] = "C99"
    tables["worker_survey"].loc[[1, 4, 7], "wlb_fit"] = ""
    tables["companies"].loc[0, "n_employees"] = "5"
    data = ingest_wave("w1", write_wave(tmp_path, "w1", tables))
    outcomes = []
    for cells in (1, 10**12):
        monkeypatch.setattr(eng, "GROUP_CELLS", cells)
        result = validate_wave(data, paths=paths)
        outcomes.append([(c.check, c.success, c.unexpected_count, c.failing_rows,
                          c.failing_values) for c in result.checks])
    assert outcomes[0] == outcomes[1]
    assert len(outcomes[0]) > 500


def test_fingerprint_threshold_is_restored(base, paths):
    from great_expectations.execution_engine import pandas_execution_engine as pee

    before = pee.HASH_THRESHOLD
    validate_wave(base, paths=paths)
    assert pee.HASH_THRESHOLD == before > 0


def test_no_gx_folder_and_no_network(tmp_path):
    """A fresh process validating from an empty folder: nothing written, no connection."""
    work = tmp_path / "cwd"
    work.mkdir()
    write_wave(tmp_path / "project", "w1")
    code = f"""
import socket
def refuse(*args, **kwargs):
    raise AssertionError("network connection attempted")
socket.socket.connect = refuse
socket.create_connection = refuse
from pipeline.config import Paths, get_paths
from pipeline.ingest.load import ingest_wave
from pipeline.validate import validate_wave
paths = Paths({str(tmp_path / "project")!r}, reference_dir=get_paths().reference_dir)
result = validate_wave(ingest_wave("w1", paths.raw_wave("w1")), paths=paths)
print(result.status)
"""
    repo = Path(__file__).resolve().parents[2]
    env = {**__import__("os").environ, "PYTHONPATH": str(repo)}
    out = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True,
                         text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "passed"
    assert list(work.iterdir()) == [], "no gx/ folder or any other file"
    assert sorted(p.name for p in (tmp_path / "project").iterdir()) == ["data"]
    assert "network connection attempted" not in out.stderr


def test_site_summary(tmp_path, paths):
    tables = minimal_tables()
    tables["companies"].loc[1, "in_network"] = "0"
    data = ingest_wave("w1", write_wave(tmp_path, "w1", tables))
    summary = validate_wave(data, paths=paths).site_summary("data_quality.html", lang="it")
    assert summary["passed"] and summary["status"] == "warnings"
    assert summary["report"] == "data_quality.html" and summary["critical"] == []
    assert summary["n_checks"] > 250
    assert summary["warnings"] == [
        f"{paths.raw_wave('w1')}/company_survey.csv, riga 3, colonna 'company_id': 'C02' ha "
        "risposto al questionario imprese ma in companies in_network non è 1 (avviso; 1 riga)"]


def test_suites_command(tmp_path, capsys):
    from pipeline.validate.suites import main

    assert main(["--check", str(tmp_path)]) == 1
    assert main([str(tmp_path)]) == 0
    assert main(["--check", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{t}.json" for t in CODEBOOK.tables)
    assert "companies.json differs from the codebook" in capsys.readouterr().out


def test_a_file_ingestion_did_not_read_is_a_warning_of_the_gate(tmp_path, paths):
    tables = minimal_tables()
    write_wave(tmp_path, "w1", tables)
    (paths.raw_wave("w1") / "notes.xlsx").write_bytes(b"not read")
    result, report = validate_step("w1", paths=paths)
    assert result.passed
    [warning] = [c for c in result.warnings if c.kind == "unknown_file"]
    assert warning.line("en") == (
        f"{paths.raw_wave('w1')}/notes.xlsx: file not read: not a table of the data contract "
        "(companies, company_survey, worker_survey, local_services, network_activity, as .csv "
        "or .xlsx) (warning)")
    assert "file non letto" in warning.line("it")
    assert "notes.xlsx" in report.read_text(encoding="utf-8")


def test_a_long_value_is_quoted_short_and_on_one_line():
    from pipeline.validate.values import value_text

    shown = value_text("x" * 5000 + "\nerror: forged")
    assert len(shown) <= 82 and "\n" not in shown and shown.endswith("…'")
