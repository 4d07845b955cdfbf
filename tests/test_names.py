"""pipeline.names.safe_file_name: a value of the data made a safe, unique, stable file name."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from pipeline.names import HASH_LENGTH, MAX_LENGTH, safe_file_name

SAFE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
HASHED = re.compile(rf".+-[0-9a-f]{{{HASH_LENGTH}}}")

HOSTILE = [
    "../pubreport", "..", ".", "./x", "/etc/passwd", "VR/123", "VR\\123", "a/b", "a_b",
    "<img src=x onerror=alert(1)>", "", " ", "-rf", "--", ".hidden", "x.html", "a\x00b",
    "line\nbreak", "tab\t", "CON", "con", "Nul", "COM1", "lpt9", "CON.txt", "Città", "日本",
    "\ud800", "x" * 500, "C01", "c01", "x-0123456789ab", "~", "$HOME", "a b", "a;b", "*",
]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_every_name_is_one_safe_path_component(value, tmp_path):
    name = safe_file_name(value)
    assert SAFE.fullmatch(name), name
    assert len(name) <= MAX_LENGTH
    assert name.split(".")[0].lower() not in {"con", "prn", "aux", "nul", "com1", "lpt9"}
    # it names a file inside the folder, with or without an extension
    for candidate in (tmp_path / name, tmp_path / f"{name}.html"):
        assert candidate.parent == tmp_path and candidate.resolve().parent == tmp_path.resolve()
        candidate.write_text("x")


def test_plain_ids_are_kept_as_they_are():
    for value in ("C01", "c01", "VR_123", "impresa-7", "A" * MAX_LENGTH, "0"):
        assert safe_file_name(value) == value


def test_traversal_and_slashes_become_a_flat_name():
    assert safe_file_name("../pubreport").startswith("___pubreport-")
    assert safe_file_name("VR/123").startswith("VR_123-")
    assert "/" not in safe_file_name("/etc/passwd") and ".." not in safe_file_name("..")


def test_changed_reserved_empty_and_long_values_carry_a_hash():
    for value in ("VR/123", "CON", "con", "COM1", "", "-rf", "x" * (MAX_LENGTH + 1), "Città"):
        assert HASHED.fullmatch(safe_file_name(value)), value
    assert safe_file_name("CON").startswith("CON-")
    assert safe_file_name("").startswith("_-")
    assert len(safe_file_name("x" * 10_000)) == MAX_LENGTH


def test_no_collisions():
    # a/b and a_b: the same safe characters, two names
    assert safe_file_name("a/b") != safe_file_name("a_b") == "a_b"
    assert safe_file_name("VR/123") != safe_file_name("VR_123")
    assert safe_file_name("a/b") != safe_file_name("a\\b") != safe_file_name("a b")
    # a value shaped like a hashed name is hashed itself, never taken for another's name
    lookalike = safe_file_name("a/b")
    assert safe_file_name(lookalike) != lookalike
    # long values sharing their first characters
    assert safe_file_name("x" * 200 + "1") != safe_file_name("x" * 200 + "2")
    names = [safe_file_name(v) for v in HOSTILE]
    assert len(set(names)) == len(set(HOSTILE))


def test_names_are_stable_across_processes():
    values = ["../pubreport", "VR/123", "<img src=x onerror=alert(1)>", "", "C01"]
    here = [safe_file_name(v) for v in values]
    code = ("import sys, json; from pipeline.names import safe_file_name; "
            f"print(json.dumps([safe_file_name(v) for v in {values!r}]))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={"PYTHONHASHSEED": "123", "PATH": ""})
    assert other.stdout.strip() == str(here).replace("'", '"')
    assert safe_file_name("VR/123") == "VR_123-d058172b9410"  # a published name never moves


def test_non_text_values_are_taken_as_text():
    assert safe_file_name(123) == "123"
    assert safe_file_name(None) == "None"
