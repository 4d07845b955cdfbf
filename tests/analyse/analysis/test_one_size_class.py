"""A wave whose surveyed companies are all in one size class (issue 14).

Nothing can be compared by size: the Kruskal-Wallis test across classes is not computed
(it used to raise ``IndexError`` inside scipy and stop notebook 03), and the measures
section says in words that the comparison by size is not possible instead of drawing a
chart of one class against itself.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from helpers.notebooks import link_notebooks

from pipeline.analyse.analysis.measures import (
    NO_KRUSKAL_WALLIS,
    measures_by_size,
    one_size_class,
    size_contrast,
    size_gradient,
    welfare_area_table,
)
from pipeline.analyse.published import read_table
from pipeline.codebook import load_codebook
from pipeline.i18n.formatting import Formatter
from pipeline.i18n.text import text
from pipeline.render.sections import measures as shown

CODEBOOK = load_codebook()
ROOT = Path(__file__).resolve().parents[3]


def _surveyed(classes: list[str], employees: list[int] | None = None) -> pd.DataFrame:
    n = len(classes)
    return pd.DataFrame({
        "company_id": [f"C{i}" for i in range(n)],
        "n_employees": employees or [60 + 10 * i for i in range(n)],
        "size_class": classes,
        "n_measures_active": [2, 4, 5, 9, 12, 20][:n],
        "m_FLEX_HOURS": ["active_all", "none", "active_some", "none", "active_all", "none"][:n],
    })


def test_size_gradient_with_one_class_has_no_kruskal_wallis():
    test = size_gradient(_surveyed(["50-249"] * 6)).set_index("test")
    assert test.loc["spearman", "estimate"] == pytest.approx(1.0)  # headcounts still vary
    kw = test.loc["kruskal_wallis"]
    assert np.isnan(kw["estimate"]) and np.isnan(kw["statistic"]) and np.isnan(kw["p_value"])
    assert kw["n"] == 6 and kw["method"] == NO_KRUSKAL_WALLIS
    assert list(test.reset_index().columns) == [
        "test", "estimate", "estimate_name", "statistic", "p_value", "n", "method"]
    with warnings.catch_warnings():  # scipy warns of a constant input; no error
        warnings.simplefilter("ignore")
        same = size_gradient(_surveyed(["10-49"] * 6, [20] * 6)).set_index("test")
    assert np.isnan(same.loc["spearman", "estimate"])
    # two classes: the test is there as before
    two = size_gradient(_surveyed(["10-49"] * 3 + ["50-249"] * 3)).set_index("test")
    assert two.loc["kruskal_wallis", "p_value"] < 1


def test_one_size_class_of_the_published_tables():
    one = measures_by_size(_surveyed(["250+"] * 6))
    assert one_size_class(one) == "250+"
    # a class blanked for being small still has its row: it is still one class
    assert one_size_class(one.assign(estimate=np.nan)) == "250+"
    two = measures_by_size(_surveyed(["10-49"] * 2 + ["250+"] * 4))
    assert one_size_class(two) is None
    assert one_size_class(two.assign(estimate=[12.0, np.nan, 15.0])) is None
    areas = welfare_area_table(_surveyed(["50-249"] * 6), by="size_class", codebook=CODEBOOK)
    assert one_size_class(areas) == "50-249"
    assert one_size_class(areas[areas["group_var"] == "all"]) is None  # no breakdown


def test_size_contrast_names_the_class():
    surveyed = _surveyed(["50-249"] * 6)
    contrast = size_contrast(measures_by_size(surveyed), size_gradient(surveyed))
    row = contrast.iloc[0]
    assert not row["compared"] and row["one_class"] == "50-249" and row["n_classes"] == 1
    for lang in ("it", "en"):  # as the notebook says it
        words = shown.size_words(contrast, Formatter(lang), n_measures=62)
        said = text("measures.size_one_class", lang, **words, size_class=row["one_class"])
        assert "50-249" in said and "{" not in said
    # two published classes: no single class
    two = _surveyed(["10-49"] * 3 + ["50-249"] * 3)
    row = size_contrast(measures_by_size(two), size_gradient(two)).iloc[0]
    assert row["compared"] and row["one_class"] is None


def test_the_sentences_in_both_languages():
    it = text("measures.size_one_class", "it", mean="13,5", n_measures="62",
              size_class="50-249")
    en = text("measures.size_one_class", "en", mean="13.5", n_measures="62",
              size_class="50-249")
    assert "tutte le imprese intervistate hanno 50-249 dipendenti" in " ".join(it.split())
    assert "all the surveyed companies have 50-249 employees" in " ".join(en.split())
    assert "classi dimensionali" in it and "size classes" in en
    it = text("measures.areas_one_class", "it", size_class="250+")
    en = text("measures.areas_one_class", "en", size_class="250+")
    assert it.startswith("Tutte le imprese intervistate hanno 250+ dipendenti")
    assert en.startswith("All the surveyed companies have 250+ employees")


@pytest.mark.slow
def test_notebook_03_says_the_comparison_is_not_possible(tmp_path, monkeypatch):
    import jupytext
    import papermill as pm

    from pipeline.config import get_paths
    from pipeline.demo import write_demo_wave
    from pipeline.ingest.derive import size_class
    from pipeline.ingest.load import ingest_wave
    from pipeline.wave import write_processed

    reference = get_paths().reference_dir
    link_notebooks(tmp_path)
    monkeypatch.setenv("WELFARE_ROOT", str(tmp_path))
    monkeypatch.setenv("WELFARE_REFERENCE_DIR", str(reference))
    write_demo_wave("demo-2013", tmp_path / "raw")
    data = ingest_wave("demo-2013", tmp_path / "raw")
    companies = data.tables["companies"].copy()
    surveyed = companies["company_id"].isin(data.tables["company_survey"]["company_id"])
    # every surveyed company medium-sized (50-249), headcounts still different
    companies.loc[surveyed, "n_employees"] = 150 + np.arange(surveyed.sum()) % 7
    companies["size_class"] = size_class(companies["n_employees"]).astype(
        companies["size_class"].dtype)
    assert companies.loc[surveyed, "size_class"].unique().tolist() == ["50-249"]
    data.tables["companies"] = companies
    write_processed(data, tmp_path / "processed")
    tables = tmp_path / "tables"
    executed = tmp_path / "out.ipynb"
    pm.execute_notebook(jupytext.read(ROOT / "notebooks" / "03_measures.py"), str(executed),
                        parameters={"wave": "demo-2013", "lang": "it",
                                    "processed_dir": str(tmp_path / "processed"),
                                    "tables_dir": str(tables)},
                        kernel_name="python3", progress_bar=False, cwd=str(ROOT))
    said = " ".join(
        " ".join(o["data"]["text/markdown"].split())
        for cell in nbformat.read(executed, as_version=4).cells if cell.cell_type == "code"
        for o in cell.get("outputs", []) if "text/markdown" in o.get("data", {}))
    assert ("Non si può dire se il numero di misure cambi con la dimensione dell'impresa: "
            "tutte le imprese intervistate hanno 50-249 dipendenti") in said
    assert ("Tutte le imprese intervistate hanno 50-249 dipendenti, quindi non è possibile "
            "confrontare le aree coperte tra imprese di dimensione diversa.") in said
    assert "Il numero cresce con la dimensione" not in said
    by_size = read_table(tables / "measures_by_size.csv")
    assert by_size.loc[by_size["group_var"] == "size_class", "group"].tolist() == ["50-249"]
    test = read_table(tables / "measures_size_test.csv").set_index("test")
    assert np.isnan(test.loc["kruskal_wallis", "p_value"])
    assert test.loc["kruskal_wallis", "method"] == NO_KRUSKAL_WALLIS
    for name in ("measures_areas", "measures_adoption", "maturity_classes",
                 "maturity_components", "measures_outcomes"):
        assert (tables / f"{name}.csv").exists(), name
