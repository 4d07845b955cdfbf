"""The codebook: complete, consistent with the contract's reference lists, well-formed."""

from __future__ import annotations

import csv
import re

import yaml

from pipeline.codebook import CODEBOOK_DIR, load_codebook
from pipeline.codebook.docs import variables_markdown
from pipeline.config import get_paths


def _label_dicts(node, path=()):
    if isinstance(node, dict):
        if "it" in node or "en" in node:
            yield path, node
            return
        for key, value in node.items():
            yield from _label_dicts(value, (*path, str(key)))
    elif isinstance(node, list):
        for value in node:
            yield from _label_dicts(value, path)


def test_every_label_has_italian_and_english_text():
    # A comma in an unquoted YAML flow mapping silently splits a label: catch it here.
    raw = yaml.safe_load((CODEBOOK_DIR / "codebook.yaml").read_text(encoding="utf-8"))
    broken = [(p, d) for p, d in _label_dicts(raw)
              if set(d) != {"it", "en"} or not all(isinstance(v, str) and v for v in d.values())]
    assert broken == []


def test_taxonomy_matches_the_project_design():
    shared = get_paths().reference_dir / "taxonomy_measures.csv"
    cb = load_codebook()
    if shared.exists():
        with shared.open(encoding="utf-8") as f:
            design = [r["measure_code"] for r in csv.DictReader(f)]
        assert cb.measure_codes() == design
    assert len(cb.measure_codes()) == 62
    assert len(cb.areas()) == 14


def test_contract_columns_are_in_the_codebook():
    cb = load_codebook()
    workers = cb.tables["worker_survey"]
    for m in ("FLEX_HOURS", "PART_TIME_REVERSIBLE", "HOUR_BANK", "SMART_WORKING",
              "PARENTAL_LEAVE_TOPUP", "CARE_LEAVE_EXTRA", "NURSERY_SHARED", "CHILDCARE_VOUCHER",
              "SUMMER_CAMP", "ELDERCARE_SERVICES", "CAREGIVER_DESK", "HEALTH_FUND",
              "PUBLIC_TRANSPORT_PASS", "COMPANY_SHUTTLE", "CONCIERGE", "ADMIN_DESK"):
        assert workers.columns[f"need_imp_{m}"].required
        assert workers.columns[f"need_imp_{m}"].dont_know
        assert "dont_know" in workers.columns[f"avail_{m}"].codes
    assert workers.required_columns[:4] == ["resp_id", "company_id", "gender", "age_band"]
    assert set(cb.tables["companies"].required_columns) == {
        "company_id", "ateco_section", "n_employees", "share_women", "municipality",
        "in_network"}
    assert cb.column("company_survey", "m_CONCIERGE").codes == (
        "none", "planned", "active_some", "active_all")
    assert cb.column("worker_survey", "wfc_3").codes == tuple("1234567")
    assert not cb.column("worker_survey", "comments").publish
    assert not cb.column("worker_survey", "resp_id").publish


def test_variables_doc_is_generated_from_the_codebook():
    text = variables_markdown()
    cb = load_codebook()
    for table in cb.tables.values():
        assert f"## `{table.name}`" in text
        for name, col in table.columns.items():
            if not col.family:
                assert f"| `{name}` |" in text
    assert "`need_imp_<MEASURE>`" in text
    committed = get_paths().root / "docs" / "variables.md"
    assert committed.read_text(encoding="utf-8") == text, "run `make docs` and commit"


def test_size_class_and_labels_are_consistent():
    cb = load_codebook()
    assert list(cb.code_lists["size_class"]) == ["1-9", "10-49", "50-249", "250+"]
    assert cb.code_label("gender", "F", "it") == "Donna"
    assert cb.measure_label("NURSERY_SHARED", "en").startswith("Company or inter-company")
    assert all(re.fullmatch(r"[A-Z_]+", m) for m in cb.measure_codes())
