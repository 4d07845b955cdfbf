"""Every path and default of the pipeline, in one place.

Nothing else in the package builds paths from scratch: modules ask this one. Paths can be
moved with environment variables so that tests, CI and a researcher's machine each point
the pipeline at their own folders without editing code.

Environment variables
---------------------
WELFARE_ROOT
    Project root holding ``data/``, ``reports/``, ``notebooks/`` (default: the repository
    containing this package, or the current directory when installed elsewhere).
WELFARE_REFERENCE_DIR
    Folder with the public reference data that is *not* kept in this repository: the ISTAT
    list of municipalities (``verona_municipalities.csv``) and the Openpolis boundaries
    (``verona_municipalities.geojson``). Default: ``<root>/../shared/domain``.
WELFARE_MIN_CELL
    Smallest number of respondents behind any published figure (default 5).
WELFARE_PRIVATE_MODE
    ``1`` (default): what holds microdata or names companies is created readable by its
    owner only (files 0600, folders 0700): the processed waves (``data/processed/``),
    everything under ``data/work/`` (run records and logs, executed notebooks, the wave's
    state, data-quality and failed-run reports, the key naming the company folders) and the
    confidential company reports (``confidential/``, beside ``reports/`` and never in it).
    ``0`` (or ``false``, ``no``, ``off``) leaves them to the umask, as the public site always
    is: for a project folder shared by a group. See :func:`private_root`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import PipelineError

PACKAGE_DIR = Path(__file__).resolve().parent
#: The codebook (tables, variables, code lists) and its CSV annexes.
CODEBOOK_DIR = PACKAGE_DIR / "codebook"
#: The one text catalogue: ``*texts*.yaml`` files, Italian and English side by side.
TEXTS_DIR = PACKAGE_DIR / "i18n" / "texts"
#: Templates of every page: ``welfare_report/`` (sections), ``site/``, ``quality/``, ``sintesi/``.
TEMPLATES_DIR = PACKAGE_DIR / "render" / "templates"
#: The open-text themes dictionary, edited by the researchers.
THEMES_PATH = PACKAGE_DIR / "analyse" / "analysis" / "themes.yaml"
#: What each published table and column is (type, rounding, unit, labels, meaning).
PUBLISHED_TABLES_PATH = PACKAGE_DIR / "analyse" / "published.yaml"
#: Measured rejection rates of the published tests (benchmarks/bench_calibration.py).
CALIBRATION_PATH = PACKAGE_DIR / "analyse" / "stats" / "calibration.csv"
#: The expectation suites kept with the code (used when the project root has none).
SUITES_DIR = PACKAGE_DIR.parent / "expectations"

#: A wave label: letters, digits, ``-`` and ``_`` (DATA_CONTRACT.md), the whole string
#: (``\Z``, not ``$``: a label ending in a newline is refused, with ``match`` too).
WAVE_PATTERN = re.compile(r"\A[A-Za-z0-9_-]+\Z")
#: Waves whose label starts with this prefix are synthetic and marked as such everywhere.
DEMO_PREFIX = "demo"

DEFAULT_MIN_CELL = 5
DEFAULT_LANG = "it"
LANGUAGES = ("it", "en")


def _default_root() -> Path:
    repo = PACKAGE_DIR.parent
    if (repo / "pyproject.toml").exists() and (repo / "notebooks").is_dir():
        return repo
    return Path.cwd()


@dataclass(frozen=True)
class Paths:
    """The folders of one project checkout.

    Parameters
    ----------
    root
        Project root. ``data/raw/<wave>`` is read-only input; everything else is generated.
    reference_dir
        Folder holding the public reference data (municipalities, boundaries).
    """

    root: Path
    reference_dir: Path = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).resolve())
        if self.reference_dir is None:
            env = os.environ.get("WELFARE_REFERENCE_DIR")
            ref = Path(env) if env else self.root.parent / "shared" / "domain"
            object.__setattr__(self, "reference_dir", ref.resolve())
        else:
            object.__setattr__(self, "reference_dir", Path(self.reference_dir).resolve())

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def confidential(self) -> Path:
        """The confidential company reports of every wave: a private tree, never published.

        Beside ``reports/`` (the public sites) and never inside it, so that uploading
        ``reports/`` or a wave's site can never take a company's report along.
        """
        return self.root / CONFIDENTIAL_DIR

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def expectations(self) -> Path:
        return self.root / "expectations"

    @property
    def work(self) -> Path:
        """Scratch space for staging builds, run records and failed-run reports."""
        return self.root / "data" / "work"

    def raw_wave(self, wave: str) -> Path:
        return self.raw / check_wave_label(wave)

    def processed_wave(self, wave: str) -> Path:
        return self.processed / check_wave_label(wave)

    def report_wave(self, wave: str) -> Path:
        return self.reports / check_wave_label(wave)

    def confidential_wave(self, wave: str) -> Path:
        """The wave's company reports, one folder per company (named by
        :func:`pipeline.publish.companies.company_folder`), and the ``README.md`` saying who
        may receive what."""
        return self.confidential / check_wave_label(wave)

    @property
    def confidential_key(self) -> Path:
        """The project's secret key naming the company folders of ``confidential/<wave>/``
        (owner-only; made by the first run that needs it)."""
        return self.work / "confidential.key"

    def failed_wave(self, wave: str) -> Path:
        """Where the reports of a run that failed go, so the last good report stays."""
        return self.work / "failed" / check_wave_label(wave)

    def runs(self) -> Path:
        """Run logs and JSON records, one folder per wave."""
        return self.work / "runs"

    @property
    def kernels_dir(self) -> Path:
        """Connection files of the kernels of running runs (owner-only)."""
        return self.work / "kernels"

    def quality_wave(self, wave: str) -> Path:
        """The data-quality report of the wave's last processed version."""
        return self.work / "quality" / check_wave_label(wave)

    def state_file(self, wave: str) -> Path:
        """What the last run of the wave built, and from which inputs (JSON)."""
        return self.work / "state" / f"{check_wave_label(wave)}.json"

    def notebook_tables(self, wave: str) -> Path:
        """Where a notebook run by hand (not by ``welfare run``) saves its tables."""
        return self.work / "notebook-tables" / check_wave_label(wave)

    def locks(self) -> Path:
        """The lock files of running runs (``fcntl.flock``; see :mod:`pipeline.run.lock`)."""
        return self.work / "locks"

    def wave_lock(self, wave: str) -> Path:
        """The lock a run (ingest, publish...) of the wave holds while it writes."""
        return self.locks() / f"wave-{check_wave_label(wave)}.lock"

    def all_lock(self) -> Path:
        """The lock ``welfare run --all`` holds (no wave's lock file has this name)."""
        return self.locks() / "all.lock"

    def wave_meta(self, wave: str) -> Path:
        """The optional ``wave.yaml`` of a raw wave (label, fieldwork, previous wave)."""
        return self.raw_wave(wave) / "wave.yaml"

    def company_notebook(self) -> Path:
        """The notebook of one company's confidential benchmark report."""
        return self.notebooks / "company" / "company_report.py"

    def summary_notebook(self) -> Path:
        """The notebook of the programmatic summary (``sintesi``)."""
        return self.notebooks / "summary" / "sintesi.py"

    @property
    def municipalities_csv(self) -> Path:
        return self.reference_dir / "verona_municipalities.csv"

    @property
    def municipalities_geojson(self) -> Path:
        return self.reference_dir / "verona_municipalities.geojson"


class WaveLabelError(PipelineError, ValueError):
    """A wave label with characters other than letters, digits, ``-`` and ``_``."""


def check_wave_label(wave: str) -> str:
    """Return ``wave`` if it is a valid wave label, else raise :class:`WaveLabelError`."""
    if not isinstance(wave, str) or not WAVE_PATTERN.fullmatch(wave):
        raise WaveLabelError(
            f"invalid wave label {wave!r}: use letters, digits, '-' and '_' (e.g. 2014-autunno)"
        )
    return wave


def is_demo_wave(wave: str) -> bool:
    """A wave is synthetic demo data when its label starts with ``demo``."""
    return wave.lower().startswith(DEMO_PREFIX)


def min_cell() -> int:
    """Smallest count of respondents behind a published figure (``WELFARE_MIN_CELL``)."""
    return int(os.environ.get("WELFARE_MIN_CELL", DEFAULT_MIN_CELL))


def get_paths(root: str | Path | None = None) -> Paths:
    """The project's paths, from ``root``, ``WELFARE_ROOT`` or the repository."""
    if root is None:
        env = os.environ.get("WELFARE_ROOT")
        root = Path(env) if env else _default_root()
    return Paths(Path(root))


# --- private files (WELFARE_PRIVATE_MODE) ------------------------------------------------------

#: Modes of a private file and folder: its owner only. Public ones get the umask's default.
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
#: The project's folder of the per-company reports (:attr:`Paths.confidential`); also the
#: name of the folder where versions before it kept them inside a wave's site.
CONFIDENTIAL_DIR = "confidential"
#: What the site's index says about a wave's data-quality gate, per language, in
#: :meth:`Paths.quality_wave` (written by :mod:`pipeline.validate.files`, read when a run
#: is planned).
QUALITY_SUMMARY = "site_summary.json"
_PRIVATE_OFF = ("0", "false", "no", "off")


def private_mode() -> bool:
    """Whether private files are made owner-only (``WELFARE_PRIVATE_MODE``, default on)."""
    return os.environ.get("WELFARE_PRIVATE_MODE", "1").strip().lower() not in _PRIVATE_OFF


def private_root(path: str | Path, paths: Paths | None = None) -> Path | None:
    """The top of the private tree holding ``path``, or None when ``path`` is public.

    The private trees of a project: ``data/processed``, ``data/work`` and ``confidential``
    (every wave's company reports, their staging copies and ``README.md``). Nothing under
    ``reports/`` is private: the public sites hold no confidential file. None as well when
    private mode is off (``WELFARE_PRIVATE_MODE=0``). ``path`` need not exist.

    Parameters
    ----------
    paths
        The project (default :func:`get_paths`).
    """
    if not private_mode():
        return None
    paths = paths or get_paths()
    for candidate in (Path(os.path.abspath(path)), Path(os.path.realpath(path))):
        for tree in (paths.processed, paths.work, paths.confidential):
            if candidate == tree or tree in candidate.parents:
                return tree
    return None


def is_private_path(path: str | Path, paths: Paths | None = None) -> bool:
    """Whether ``path`` is created owner-only (see :func:`private_root`)."""
    return private_root(path, paths) is not None
