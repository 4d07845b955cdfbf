#!/usr/bin/env python3
"""Check every HTML page of a built site with axe-core in Debian's headless Chromium.

Usage (after ``make demo``; the Makefile's setup installed axe-core with ``npm ci``)::

    .venv/bin/python scripts/a11y_check.py reports/demo-2013 confidential/demo-2013

Every ``*.html`` under each folder (a site in both languages; the company reports of
``confidential/<wave>/`` when given) is opened in the browser, axe-core's default rules
(WCAG 2.x A and AA, best practices) run in it, and one line per page gives its number of
violations, then each violation with its rule, impact and the selectors of the elements at
fault. Exits 1 when any page has a violation, 2 when the browser or axe-core is missing.
The test that keeps the built site at zero is ``tests/render/test_axe.py``; both use
``tests/helpers/readers.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from helpers.readers import Chromium, axe_report, axe_script, find_chromium


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", nargs="+", type=Path, help="folders of built sites")
    args = parser.parse_args(argv)
    executable, script = find_chromium(), axe_script()
    if executable is None or script is None:
        print("needs Debian's chromium (make system-deps) and axe-core (npm ci)",
              file=sys.stderr)
        return 2
    pages = [p for site in args.sites for p in sorted(site.rglob("*.html"))]
    if not pages:
        print("no HTML page in " + ", ".join(map(str, args.sites)), file=sys.stderr)
        return 2
    browser = Chromium(executable)
    found = {}
    try:
        for page in pages:
            violations = browser.axe(page.resolve().as_uri(), script)
            nodes = sum(len(v["nodes"]) for v in violations)
            print(f"{len(violations):3d} violation(s), {nodes:3d} node(s)  {page}", flush=True)
            if violations:
                found[str(page)] = violations
    finally:
        browser.close()
    print(f"\n{len(pages)} pages, {len(found)} with violations")
    if found:
        print(axe_report(found))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
