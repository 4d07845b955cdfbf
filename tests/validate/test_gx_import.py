"""great-expectations is imported without jsonschema's IRI grammar, and nothing else changes
(:func:`pipeline.validate.engine._import_gx`). Each case in a fresh interpreter: an import
happens once per process."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
{before}
from pipeline.validate.engine import IRI_GRAMMAR_MODULE, engine
eng = engine()
import jsonschema._format as formats
print(json.dumps({{
    "engine": type(eng.context).__name__,
    "entry": repr(sys.modules.get(IRI_GRAMMAR_MODULE, "absent"))[:20],
    "iri": "iri" in formats.draft7_format_checker.checkers,
}}))
"""


def _probe(before: str = "") -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE.format(before=before)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_gate_s_import_skips_the_iri_grammar_and_leaves_no_trace():
    found = _probe()
    assert found["engine"] == "EphemeralDataContext"
    assert found["entry"] == "'absent'"  # neither imported nor left blocked
    assert found["iri"] is False


def test_a_process_that_had_jsonschema_s_iri_check_keeps_it():
    found = _probe("import jsonschema")
    assert found["iri"] is True and found["entry"] != "None"
