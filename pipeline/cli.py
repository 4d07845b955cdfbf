"""The ``welfare`` command: parses arguments and calls the pipeline, nothing more."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pipeline.config import DEFAULT_LANG, LANGUAGES, check_wave_label
from pipeline.errors import PipelineError


class UsageError(PipelineError):
    """Arguments that do not fit together."""

DESCRIPTION = """\
welfare-pipeline: from a raw data wave (data/raw/<wave>/) to a typed dataset
(data/processed/<wave>/) and the wave's reports (reports/<wave>/).

Typical use:
  welfare demo-data demo-2013     write a synthetic demo wave
  welfare run demo-2013           ingest, check, analyse and report a wave
  welfare run --all               every new or changed wave, in wave order
  welfare status                  which waves are current, stale or failed
  welfare validate 2014-autunno   only the data-quality checks, with their report
  welfare publish demo-2013 out.zip   the public site, checked, ready to send
  welfare publish demo-2013 --company C00026 c26.zip   one company's own report
  welfare questionnaire           the questionnaires (LimeSurvey, XLSForm, PDF)
"""


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _wave_lock(args: argparse.Namespace, *, create: bool = True) -> Any:
    """The lock of ``args.wave``, held while a command writes or reads its folders
    (``create=False``: a command that only reads takes it when a run ever made it)."""
    from pipeline.config import get_paths
    from pipeline.run.lock import wave_lock

    return wave_lock(get_paths(), args.wave, wait=args.wait, notify=_say, create=create)


def _cmd_ingest(args: argparse.Namespace) -> int:
    from pipeline.run.steps import ingest_step

    with _wave_lock(args):
        manifest = ingest_step(args.wave)
    rows = ", ".join(f"{t} {info['rows']:,}" for t, info in manifest["tables"].items())
    print(f"ingested {args.wave}: {rows} rows")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from pipeline.errors import display_path
    from pipeline.validate import validate_step

    with _wave_lock(args):
        result, report = validate_step(args.wave, lang=args.lang)
    first = result.first_error_line()
    if first:
        print(first)
    print(f"{args.wave}: {result.summary(args.lang)}")
    print(f"data-quality report: {display_path(report)}")
    return 0


def _cmd_demo_data(args: argparse.Namespace) -> int:
    from pipeline.config import get_paths
    from pipeline.demo import write_demo_wave

    paths = get_paths()
    dest = paths.raw_wave(args.wave)
    with _wave_lock(args):
        written = write_demo_wave(
            args.wave, dest, seed=args.seed, n_companies=args.companies,
            n_workers=args.workers, n_surveyed=args.surveyed, phase=args.phase,
            reference_csv=paths.municipalities_csv, no_effects=args.no_effects, icc=args.icc,
        )
    kind = "placebo wave" if args.no_effects else "demo wave"
    print(f"wrote {kind} {args.wave} ({len(written)} files) in {dest}")
    return 0


def _run_all(args: argparse.Namespace) -> int:
    from pipeline.run.lock import BUSY_STATUS
    from pipeline.run.wave import run_all

    results = run_all(lang=args.lang, jobs=args.jobs, force=args.force, wait=args.wait)
    for r in results:
        if r["ok"]:
            state = "published" if r["changed"] else "up to date"
            print(f"{r['wave']}: {state}: {r['index']}")
        else:
            print(f"{r['wave']}: {'BUSY' if r.get('busy') else 'FAILED'}: {r['error']}")
    if not results:
        print("no waves under data/raw/")
    if any(not r["ok"] and not r.get("busy") for r in results):
        return 1
    return BUSY_STATUS if any(r.get("busy") for r in results) else 0


def _cmd_run(args: argparse.Namespace) -> int:
    from pipeline.run.wave import run_wave

    if args.all == (args.wave is not None):
        raise UsageError("give a wave label or --all")
    if args.all:
        return _run_all(args)
    result = run_wave(args.wave, lang=args.lang, jobs=args.jobs, force=args.force,
                      wait=args.wait)
    state = "published" if result["changed"] else "up to date, nothing to redo"
    print(f"report of {args.wave} ({state}, {result['seconds']:.1f} s): {result['index']}")
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    from pipeline.config import get_paths
    from pipeline.run.state import wave_status
    from pipeline.wave import list_waves

    paths = get_paths()
    waves = list_waves(paths)
    if not waves:
        print("no waves under data/raw/")
    width = max((len(w) for w in waves), default=4)
    for wave in waves:
        status, reason = wave_status(paths, wave, args.lang)
        print(f"{wave:<{width}}  {status:<8}  {reason}")
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline.publish import publish_company, publish_site

    with _wave_lock(args, create=False):  # not swapped while it is copied
        if args.company is not None:
            files = publish_company(args.wave, args.company, Path(args.destination))
        else:
            files = publish_site(args.wave, Path(args.destination))
    for rel in files:
        print(rel)
    what = f"the report of company {args.company!r}" if args.company is not None else (
        f"{len(files)} files")
    print(f"published {what} of {args.wave} to {args.destination}")
    return 0


def _cmd_docs(args: argparse.Namespace) -> int:
    from pipeline.codebook.docs import write_variables_doc

    path = write_variables_doc()
    print(f"wrote {path}")
    return 0


def _cmd_questionnaire(args: argparse.Namespace) -> int:
    from pathlib import Path

    from pipeline.config import get_paths
    from pipeline.render.questionnaire import write_questionnaires

    out = Path(args.out) if args.out else get_paths().work / "questionnaire" / args.lang
    for path in write_questionnaires(out, args.lang):
        print(f"wrote {path}")
    return 0


WAVE_HELP = "wave label, the folder name under data/raw/"
WAIT_HELP = ("when another command holds the wave (one at a time per wave), wait up to "
             "SECONDS for it instead of refusing with exit status 75")


def _command(sub: Any, name: str, func: Callable[[argparse.Namespace], int], *, help: str,
             description: str, wave: str | None = WAVE_HELP, wave_optional: bool = False,
             lang: str | None = None) -> argparse.ArgumentParser:
    """A subcommand calling ``func``, with its ``wave`` argument (and ``--wait``) and its
    ``--lang`` option when their help is given."""
    p = sub.add_parser(name, help=help, description=description)
    if wave:
        p.add_argument("wave", help=wave, **({"nargs": "?"} if wave_optional else {}))
        p.add_argument("--wait", type=float, default=None, metavar="SECONDS", help=WAIT_HELP)
    if lang:
        p.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANG, help=lang)
    p.set_defaults(func=func)
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="welfare", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    _command(
        sub, "ingest", _cmd_ingest,
        help="read a raw wave, type and check it, write data/processed/<wave>/",
        description="Read every table of data/raw/<wave>/ as DATA_CONTRACT.md describes it "
                    "(CSV or XLSX, columns.yaml renames), type it with the codebook, derive "
                    "size classes and scale scores, pass it through the data-quality gate "
                    "(see `welfare validate`), and write typed Parquet tables and "
                    "manifest.json to data/processed/<wave>/ (all or nothing). A bad file "
                    "stops with one line naming the file, row and column, and exit status 1.",
    )
    _command(
        sub, "validate", _cmd_validate,
        help="check a wave with the data-quality suites, write the quality report",
        description="Read the wave like `ingest` does (in memory: nothing under data/processed "
                    "or reports is touched) and run every data-quality check of expectations/ "
                    "(great-expectations suites generated from the codebook, plus cross-table "
                    "and wave-over-wave checks). Writes a self-contained HTML data-quality "
                    "report and prints its path: data/work/quality/<wave>/ when the wave "
                    "passes (warnings allowed), data/work/failed/<wave>/ and exit status 1 "
                    "when a critical check fails.",
        lang="language of the report (default: it)",
    )
    p = _command(
        sub, "run", _cmd_run,
        help="the whole pipeline for a wave: ingest, analyses, reports",
        description="Ingest and check the wave, execute the analysis notebooks with "
                    "papermill and render the reports (HTML and PDF) into reports/<wave>/. "
                    "Steps whose inputs (raw files, notebooks, pipeline code, parameters) did "
                    "not change are reused. The reports are built in a staging folder and "
                    "replace the previous ones only when everything succeeded and every file "
                    "the plan expects is there. One run per wave at a time: when another "
                    "command holds the wave, the run stops with exit status 75 and says "
                    "who (pid, start time), or waits with --wait. Schedule "
                    "`welfare run --all` (cron or CI) to keep every wave current: a second "
                    "`--all` while one runs is refused as a whole (exit status 75; with "
                    "--wait it waits, then finds the waves current), and a wave that a "
                    "`welfare run <wave>` holds is reported BUSY and left to it.",
        wave_optional=True,
        lang="language of the reports (default: it; en goes to reports/<wave>/en/)",
    )
    p.add_argument("--all", action="store_true",
                   help="every wave under data/raw/, in wave order (unchanged ones are skipped)")
    p.add_argument("--jobs", type=int, default=None,
                   help="notebooks run in parallel (default: the number of cores)")
    p.add_argument("--force", action="store_true", help="redo every step")

    _command(
        sub, "status", _cmd_status,
        help="list every wave: reported, stale, broken, failed or new, and why",
        description="For each wave under data/raw/, say whether its reports are current "
                    "(reported), out of date because raw files, notebooks or code changed "
                    "(stale), published with a file missing (broken, naming the file; the "
                    "next run rebuilds it), stopped by the last run (failed, with the error) "
                    "or never built (new). Cheap: it only compares hashes and lists files.",
        wave=None, lang="reports' language",
    )
    p = _command(
        sub, "demo-data", _cmd_demo_data,
        help="write a synthetic demo wave into data/raw/<wave>/",
        description="Write a deterministic synthetic wave in the raw formats researchers "
                    "hand over (Windows-1252 CSV with ';' and decimal comma, XLSX, "
                    "columns.yaml), with documented built-in effects (docs/demo-data.md). "
                    "Labels ending in a year after 2013 are follow-up waves of demo-2013. "
                    "Refuses to overwrite an existing wave folder.",
        wave="wave label, e.g. demo-2013 or demo-2014",
    )
    p.add_argument("--seed", type=int, default=2013, help="random seed (default 2013)")
    p.add_argument("--companies", type=int, default=400,
                   help="companies in the territorial mapping (default 400)")
    p.add_argument("--workers", type=int, default=1500,
                   help="worker questionnaires (default 1500)")
    p.add_argument("--surveyed", type=int, default=30,
                   help="network companies that answered the company questionnaire (default 30)")
    p.add_argument("--phase", type=int, default=None,
                   help="0 baseline, 1 follow-up (default: from the label's year)")
    p.add_argument("--no-effects", action="store_true",
                   help="placebo wave: no company measure (active or newly introduced) "
                        "affects any worker outcome; workers of a company still share a "
                        "company effect (see --icc)")
    p.add_argument("--icc", type=float, default=None, metavar="FLOAT",
                   help="with --no-effects: intra-company correlation of every worker "
                        "outcome on the latent scale, 0 <= icc < 1 (default 0.2)")

    p = _command(
        sub, "publish", _cmd_publish,
        help="copy a wave's public site (or one company's report) to a folder or a .zip",
        description="Check reports/<wave>/ and copy it to DESTINATION (a new or empty folder, "
                    "or one an earlier publish wrote, which is replaced; or a file ending in "
                    ".zip), listing what was copied. The check comes first: a respondent "
                    "code or a free-text answer of the wave, a cell below the minimum "
                    "count, or a withheld cell that the tables together give away stops "
                    "the publish with one line per finding (file: kind: detail), exit "
                    "status 1 and nothing written. Never writes into the project's data/, "
                    "reports/, confidential/ or notebooks/; never copies a company report, "
                    "raw or processed data. With --company ID, writes instead that "
                    "company's confidential report (HTML and PDF, each language built, "
                    "from confidential/<wave>/) with a README saying whom it is for: for "
                    "that company only.",
        wave="wave label",
    )
    p.add_argument("destination", help="a folder or a .zip file")
    p.add_argument("--company", metavar="ID", default=None,
                   help="the company code (company_id) whose confidential report to write")

    _command(
        sub, "docs", _cmd_docs,
        help="regenerate docs/variables.md from the codebook",
        description="Write docs/variables.md, the table of every variable of the data "
                    "contract, generated from pipeline/codebook.",
        wave=None,
    )
    p = _command(
        sub, "questionnaire", _cmd_questionnaire,
        help="write the company and worker questionnaires from the codebook",
        description="Write, for the company and the worker questionnaire, a LimeSurvey "
                    "survey structure (tab-separated import file) with the mapping of its "
                    "codes to the codebook (CSV), an XLSForm for KoboToolbox/ODK and a "
                    "printable A4 PDF, into data/work/questionnaire/<lang>/ or --out. "
                    "Exports of these questionnaires need no mapping to be ingested.",
        wave=None, lang="language of the questionnaires (default: it)",
    )
    p.add_argument("--out", default=None, metavar="DIR",
                   help="output folder (default: data/work/questionnaire/<lang>/)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``welfare`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "wave", None) is not None:
            check_wave_label(args.wave)  # before any command writes anything
        return args.func(args)
    except PipelineError as err:
        if os.environ.get("WELFARE_DEBUG"):
            raise
        print(f"error: {err}", file=sys.stderr)
        return int(getattr(err, "exit_status", 1))
    except KeyboardInterrupt:
        print("interrupted: nothing was published", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
