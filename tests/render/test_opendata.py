"""The published tables as a Frictionless data package (pipeline.render.opendata)."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.analyse.published import read_table, write_table
from pipeline.analyse.published_spec import code_labels, column_spec, load_registry
from pipeline.config import LANGUAGES, get_paths
from pipeline.render.opendata import (
    PACKAGE_FILE,
    UndescribedTablesError,
    undescribed,
    write_datapackage,
)

ROOT = Path(__file__).resolve().parents[2]
META = {"label": "demo-2014", "fieldwork_start": "2014-10-06", "fieldwork_end": "2014-11-28",
        "synthetic": True}


def _tables() -> dict[str, pd.DataFrame]:
    """A few tables shaped as the sections publish them (withheld rows included)."""
    return {
        "needs": pd.DataFrame({
            "measure": ["FLEX_HOURS", "FLEX_HOURS"], "group_var": ["all", "gender"],
            "group": ["all", "F"], "estimate": [0.79, np.nan], "se": [0.009, np.nan],
            "ci_low": [0.77, np.nan], "ci_high": [0.81, np.nan],
            "n": pd.array([1422, pd.NA], dtype="Int64"), "df": [1386.0, np.nan],
            "method": ["share >= 3; Taylor linearisation"] * 2, "suppressed": [False, True]}),
        "companies_by_municipality": pd.DataFrame({
            "municipality": ["023091", "023001"], "n": pd.array([124, pd.NA], dtype="Int64"),
            "share": [0.31, np.nan], "suppressed": [False, True]}),
        "network_viability": pd.DataFrame({
            "measure": ["NURSERY_SHARED"], "area": ["ALL"], "employees_need": [858.3],
            "need_low": [789.3], "need_high": [930.6], "take_up": [0.2], "users": [171.66],
            "users_low": [157.86], "users_high": [186.12], "min_users": [20.0],
            "n_interested": [20], "min_companies": [3], "cofund_eur": [25000.0],
            "local_capacity": [554.0], "status": ["viable"], "n": [520], "n_companies": [36],
            "suppressed": [False]}),
        "monitoring_network": pd.DataFrame({
            "wave": ["previous", "paired"], "mapped": [400, 400], "in_network": [45, 54],
            "share": [0.1125, 0.135], "joined": [np.nan, 9.0], "left": [np.nan, 0.0],
            "estimate": [np.nan, 0.0225], "p_value": [np.nan, 0.00390625],
            "method": [np.nan, "McNemar exact test"]}),
        "maturity_classes": pd.DataFrame({
            "maturity_class": ["1W", "3W"], "low": [0.0, 20.0], "high": [10.0, 30.0],
            "n_companies": pd.array([0, pd.NA], dtype="Int64"), "share": [0.0, np.nan],
            "suppressed": [False, True]}),
    }


@pytest.fixture
def tables(tmp_path) -> Path:
    folder = tmp_path / "tables"
    for name, df in _tables().items():
        write_table(df, folder / f"{name}.csv", lang="it", on=META)
    return folder


def test_the_package_describes_every_table_and_is_valid(tables):
    import frictionless

    path = write_datapackage(tables, lang="it", wave_meta=META, min_cell=5)
    assert path == tables / PACKAGE_FILE
    package = json.loads(path.read_text(encoding="utf-8"))
    assert [r["name"] for r in package["resources"]] == sorted(_tables())
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["wave"] == {"label": "demo-2014", "title": "Rilevazione ottobre–novembre 2014",
                               "fieldwork_start": "2014-10-06", "fieldwork_end": "2014-11-28"}
    assert "6 ottobre 2014" in package["description"]
    assert package["description"].startswith("Dati sintetici")
    assert set(package["titles"]) == set(LANGUAGES)
    needs = next(r for r in package["resources"] if r["name"] == "needs")
    assert needs["schema"]["missingValues"] == ["", "n.d."]
    assert "n.d." in needs["description"] and "n.d." in needs["descriptions"]["en"]
    assert needs["titles"] == {"it": "Bisogni dei lavoratori", "en": "Workers' needs"}
    fields = {f["name"]: f for f in needs["schema"]["fields"]}
    assert fields["estimate"]["type"] == "number" and fields["estimate"]["unit"] == (
        "quota (da 0 a 1)")
    assert fields["n"]["type"] == "integer" and fields["suppressed"]["type"] == "boolean"
    assert fields["measure_label"]["type"] == "string"
    assert fields["measure"]["labelField"] == "measure_label"
    for field in fields.values():
        assert field["title"] and field["description"]
        assert set(field["descriptions"]) == set(LANGUAGES)
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_command_line_validates_the_package(tables):
    path = write_datapackage(tables, lang="en", wave_meta=META)
    done = subprocess.run([sys.executable, "-m", "frictionless", "validate", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "VALID" in done.stdout and "INVALID" not in done.stdout


def test_a_value_that_breaks_its_type_is_caught(tables):
    import frictionless

    path = write_datapackage(tables, lang="it", wave_meta=META)
    csv = tables / "needs.csv"
    csv.write_bytes(csv.read_bytes().replace(b",1422,", b",mille,"))
    report = frictionless.validate(str(path))
    assert not report.valid
    assert report.flatten(["fieldName", "type"]) == [["n", "type-error"]]


def test_an_undescribed_table_or_column_is_refused(tables):
    pd.DataFrame({"x": [1]}).to_csv(tables / "new_table.csv", index=False)
    write_table(_tables()["needs"].assign(novelty=1.0), tables / "needs.csv", lang="it")
    assert undescribed(tables) == ["needs.novelty", "new_table", "new_table.x"]
    with pytest.raises(UndescribedTablesError, match="needs.novelty, new_table, new_table.x"):
        write_datapackage(tables, lang="it", wave_meta=META)
    assert not (tables / PACKAGE_FILE).exists()


def test_every_table_the_notebooks_save_is_described():
    """A new ``save_table(..., "name")`` in a notebook fails here until it is described."""
    names = set()
    for path in sorted((ROOT / "notebooks").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "save_table"):
                name = node.args[1] if len(node.args) > 1 else None
                assert isinstance(name, ast.Constant), f"{path.name}: name a table literally"
                names.add(name.value)
    assert len(names) >= 25
    tables = load_registry()["tables"]
    assert sorted(names - set(tables)) == []
    assert sorted(set(tables) - names) == [], "described but never published"


def test_the_registry_says_everything_in_both_languages():
    registry = load_registry()
    for name, unit in registry["units"].items():
        assert set(unit) == set(LANGUAGES), name
    for name, entry in registry["columns"].items():
        for part in ("title", "description"):
            if part in entry:  # else from the column it is `like`
                assert set(entry[part]) == set(LANGUAGES), (name, part)
    for name, table in registry["tables"].items():
        assert set(table["title"]) == set(table["description"]) == set(LANGUAGES), name
        for column in table.get("columns", {}):
            spec = column_spec(name, column)
            assert spec.title and spec.description, (name, column)
            assert set(spec.title) == set(spec.description) == set(LANGUAGES), (name, column)
            assert spec.unit is None or spec.unit in registry["units"], (name, column)


CODES = {  # code columns and the codes the analyses publish in them
    ("needs", "measure"): "measures",
    ("needs", "group"): None,
    ("work_life_balance", "indicator"): ("wfc_score", "fwc_score", "wlb_fit_good"),
    ("monitoring_companies", "indicator"): ("n_measures_active", "n_areas_active",
                                            "maturity_score"),
    ("network_viability", "status"): "viability",
    ("network_viability", "area"): "areas",
    ("measures_adoption", "status"): ("active", "active_all", "active_some", "planned", "none"),
    ("measures_adoption", "welfare_area"): "welfare_areas",
    ("measures_outcomes", "outcome"): "outcomes",
    ("maturity_components", "component"): ("breadth", "content", "governance", "territory",
                                           "score"),
    ("maturity_classes", "maturity_class"): ("1W", "2W", "3W", "4W", "5W"),
    ("monitoring_changes", "scope"): ("all", "common", "new_flex", "no_new_flex"),
    ("monitoring_flexibility", "comparison"): ("within_change", "difference"),
    ("monitoring_changes", "comparison"): ("previous", "first"),
    ("monitoring_companies", "comparison"): ("all", "paired"),
    ("network_demand", "domain"): ("has_child_u14", "caregiver", "all"),
    ("network_activity_quarterly", "activity"): ("joined", "training", "left"),
    ("needs_distribution", "category"): ("1", "2", "3", "4"),
    ("companies_by_sector", "ateco_section"): ("C", "G", "__other__"),
    ("companies_by_size", "size_class"): ("1-9", "10-49", "50-249", "250+"),
    ("comment_themes", "theme"): "themes",
    ("measures_size_test", "test"): ("spearman", "kruskal_wallis"),
    ("monitoring_network", "wave"): ("previous", "current", "paired"),
}


def _codes(kind):
    from pipeline.analyse.analysis.measures import OUTCOMES
    from pipeline.analyse.analysis.network_viability import VIABILITY_STATUSES
    from pipeline.analyse.analysis.themes import load_themes
    from pipeline.codebook import load_codebook

    codebook = load_codebook()
    return {"measures": codebook.measure_codes(), "viability": VIABILITY_STATUSES,
            "areas": ("VERONA", "CINTURA", "GARDA_BALDO", "VALPOLICELLA", "EST", "PIANURA",
                      "ALL"),
            "welfare_areas": tuple(codebook.areas()), "outcomes": tuple(OUTCOMES),
            "themes": tuple(load_themes())}.get(kind, kind)


@pytest.mark.parametrize(("table", "column"), sorted(CODES))
def test_every_code_published_has_a_label_in_both_languages(table, column):
    spec = column_spec(table, column)
    assert spec.labelled
    if CODES[(table, column)] is None:  # group: by its group_var
        frame = pd.DataFrame({"group_var": ["gender", "size_class", "age_band", "all"],
                              "group": ["M", "50-249", "55+", "all"]})
        codes = frame["group"]
    else:
        codes = pd.Series(list(_codes(CODES[(table, column)])))
        frame = None
    for lang in LANGUAGES:
        labels = code_labels(spec, codes, lang, frame=frame)
        unlabelled = [c for c, label in zip(codes, labels, strict=True) if label == c]
        assert unlabelled == [], (lang, unlabelled)


@pytest.mark.slow
def test_the_tables_of_a_built_site_make_a_valid_package(tmp_path_factory, tmp_path):
    """The real notebooks' tables (a small demo wave run end to end), Italian and English."""
    import frictionless
    from helpers.readers import built_site

    site = built_site(tmp_path_factory)
    for lang, folder in (("it", site.site / "tables"), ("en", site.site / "en" / "tables")):
        copy = tmp_path / lang
        shutil.copytree(folder, copy)
        (copy / PACKAGE_FILE).unlink(missing_ok=True)
        assert sorted(p.stem for p in (copy / "xlsx").glob("*.xlsx")) == sorted(
            p.stem for p in copy.glob("*.csv"))
        path = write_datapackage(copy, lang=lang, wave_meta={"label": site.wave},
                                 min_cell=site.min_cell)
        report = frictionless.validate(str(path))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        needs = read_table(copy / "needs.csv")
        assert "measure_label" not in needs.columns and needs["estimate"].notna().any()


def test_the_reference_data_gives_every_municipality_a_name():
    from pipeline.analyse.published_spec import municipality_names

    names = municipality_names(get_paths().municipalities_csv)
    assert len(names) == 98 and names["023091"] == "Verona"
