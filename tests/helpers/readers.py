"""Reading a built site as its readers do: a browser, a PDF viewer, a disclosure check.

Shared by ``test_browser.py``, ``test_axe.py``, ``test_pdf_pages.py``, ``test_pdf_ua.py``
and ``test_disclosure_site.py`` (import: ``from helpers.readers import ...``), and by
``scripts/a11y_check.py``:

* :func:`built_site`: one small wave run end to end with the real notebooks, once per test
  session (every test module asks for it; the first one builds, the others reuse it);
* :class:`Chromium`: Debian's headless Chromium driven through the DevTools protocol over
  a pipe (``--remote-debugging-pipe``: no port, no websocket, no extra dependency);
* :meth:`Chromium.axe`: axe-core (``node_modules/``, installed by ``npm ci``) run in a page;
* :func:`pdf_info`, :func:`pdf_pages_gray`, :func:`pdf_text_pages`: poppler's ``pdfinfo``,
  ``pdftoppm`` and ``pdftotext`` (the PDF/UA checks are in ``pdf_ua.py``).
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from helpers.notebooks import link_notebooks

WAVE = "demo-2013"
#: The languages the site is built in: Italian at its root, English in ``en/``.
SITE_LANGS = ("it", "en")

# --- the site, built once ------------------------------------------------------------------


@dataclass
class BuiltSite:
    """A wave run end to end into a throw-away project."""

    root: Path
    wave: str
    site: Path
    min_cell: int
    synthetic: bool
    processed: Path
    result: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    #: The wave's confidential company reports (``confidential/<wave>/``), apart from the site.
    confidential: Path | None = None

    def _trees(self) -> list[Path]:
        return [self.site, *([self.confidential] if self.confidential else [])]

    def html_files(self) -> list[Path]:
        """The site's pages, then the company reports'."""
        return [p for tree in self._trees() for p in sorted(tree.rglob("*.html"))]

    def pdf_files(self) -> list[Path]:
        return [p for tree in self._trees() for p in sorted(tree.rglob("*.pdf"))]

    def is_public(self, path: Path) -> bool:
        """Whether ``path`` is a file of the public site (not a company report)."""
        return self.site in path.parents and "confidential" not in self.rel(path).split("/")

    def rel(self, path: Path) -> str:
        """``path`` relative to the site; a company report as ``confidential/<its path in
        confidential/<wave>/>``."""
        if self.confidential is not None and self.confidential in path.parents:
            return "confidential/" + path.relative_to(self.confidential).as_posix()
        return path.relative_to(self.site).as_posix()

    def lang_of(self, path: Path) -> str:
        rel = self.rel(path)
        return "en" if rel.startswith("en/") or path.stem.endswith("-en") else "it"


_BUILT: dict[str, BuiltSite | BaseException] = {}


def _write_raw_wave(root: Path, wave: str) -> None:
    dest = root / "data" / "raw" / wave
    try:
        from pipeline.demo import write_demo_wave
    except ImportError:  # before pipeline/demo/ exists: the tests' own tiny wave
        from helpers.waves import write_wave

        write_wave(root, wave)
        return
    write_demo_wave(wave, dest, n_companies=150, n_workers=400, n_surveyed=12)


def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The site of a small demo wave built with the real notebooks, once per session.

    A project folder is made in a temporary directory (``data/``, ``reports/`` and a link to
    the repository's ``notebooks/``), a demo wave is written into it
    (``pipeline.demo.write_demo_wave``: 150 companies, 12 surveyed, 400 workers; without
    that module, ``waves.write_wave``) and ``pipeline.run.wave.run_wave`` builds the site in
    each of :data:`SITE_LANGS` (the English one in ``en/``, the ingest reused). The
    environment (``WELFARE_ROOT``, ``WELFARE_REFERENCE_DIR``) points at the project only
    while the site is built.
    """
    cached = _BUILT.get("site")
    if isinstance(cached, BaseException):
        pytest.fail(f"building the site failed earlier in this session: {cached}")
    if cached is not None:
        return cached
    from pipeline.config import Paths, get_paths, min_cell

    reference = get_paths().reference_dir
    root = tmp_path_factory.mktemp("site-project")
    for sub in ("data/raw", "data/processed", "reports"):
        (root / sub).mkdir(parents=True)
    link_notebooks(root)
    t0 = time.perf_counter()
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("WELFARE_ROOT", str(root))
            mp.setenv("WELFARE_REFERENCE_DIR", str(reference))
            mp.setenv("MPLBACKEND", "Agg")
            from pipeline.run.wave import run_wave

            _write_raw_wave(root, WAVE)
            paths = Paths(root, reference)
            result = {}
            for lang in reversed(SITE_LANGS):  # the Italian run's result is kept
                result = run_wave(WAVE, lang=lang, jobs=min(os.cpu_count() or 1, 4),
                                  paths=paths, progress_stream=None)
            cell = min_cell()
    except BaseException as err:
        _BUILT["site"] = err
        raise
    from pipeline.wave import read_processed

    processed = paths.processed_wave(WAVE)
    built = BuiltSite(root=root, wave=WAVE, site=paths.report_wave(WAVE), min_cell=cell,
                      synthetic=read_processed(processed).synthetic, processed=processed,
                      result=result, seconds=time.perf_counter() - t0,
                      confidential=paths.confidential_wave(WAVE))
    _BUILT["site"] = built
    return built


# --- Chromium through the DevTools protocol ----------------------------------------------------

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")

#: Flags of STACK_NOTES.md ("PDF"), plus no QUIC, no /dev/shm reliance (small in containers).
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
                  "--disable-extensions", "--mute-audio", "--hide-scrollbars")


def find_chromium() -> str | None:
    """The Chromium executable (``WELFARE_CHROMIUM`` overrides), or ``None``."""
    env = os.environ.get("WELFARE_CHROMIUM")
    if env:
        return env if Path(env).is_file() else shutil.which(env)
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_tool(what: str) -> None:
    """A reader's tool is missing: skip, saying what to install; on CI (``CI`` set) fail,
    as ``make test`` installs it there and a skip would hide a broken setup."""
    message = (f"{what} is not installed: `make test` installs it (the tests that read the "
               "reports as a reader does need it)")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def open_chromium() -> Iterator[Chromium]:
    """Debian's headless Chromium for a test module's fixture, closed afterwards."""
    executable = find_chromium()
    if executable is None:
        require_tool("Debian's chromium (make system-deps)")
    chromium = Chromium(executable)
    try:
        yield chromium
    finally:
        chromium.close()


class ChromiumError(RuntimeError):
    """The browser did not answer, or answered with an error."""


@dataclass
class PageVisit:
    """What a reader's browser saw while loading one page."""

    url: str
    errors: list[str]          # console errors, exceptions, error log entries
    requests: list[str]        # every URL the page requested (its own document included)
    failed: list[str]          # requests that failed
    dom: dict[str, Any]        # the page as read by JavaScript (see Chromium.PAGE_PROBE)


class Chromium:
    """One headless Chromium, driven over ``--remote-debugging-pipe`` (fd 3 in, fd 4 out).

    Messages are JSON terminated by a NUL byte. One page (target) is opened and reused;
    :meth:`visit` loads a URL, waits for its ``load`` event and returns what a reader would
    notice: console errors, requests, images that did not decode, links.
    """

    #: Size of the window pages are read in (a laptop screen).
    VIEWPORT = (1280, 800)

    #: Evaluated in the page after load: JSON describing images, links, ids and text.
    PAGE_PROBE = """JSON.stringify({
      lang: document.documentElement.getAttribute("lang"),
      title: document.title,
      text: document.body ? document.body.innerText : "",
      images: Array.from(document.images).map(i => ({
        src: (i.getAttribute("src") || "").slice(0, 40), complete: i.complete,
        width: i.naturalWidth, height: i.naturalHeight, alt: i.getAttribute("alt")})),
      links: Array.from(document.querySelectorAll("a[href]")).map(a => a.getAttribute("href")),
      ids: Array.from(document.querySelectorAll("[id]")).map(e => e.id),
      scripts: document.scripts.length,
      stylesheets: document.querySelectorAll("link[rel~=stylesheet]").length,
      width: document.documentElement.scrollWidth,
      height: document.documentElement.scrollHeight
    })"""

    def __init__(self, executable: str, *, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="welfare-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes() -> None:  # in the child: fd 3 = commands in, fd 4 = replies out
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}",
             "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.stderr,
            preexec_fn=wire_pipes, pass_fds=(3, 4), start_new_session=True)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)
        width, height = self.VIEWPORT
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                  session=True)

    # protocol -----------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode("utf-8") + b"\0"
        while data:
            data = data[os.write(self._to_browser, data):]

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChromiumError(f"no answer from Chromium within {self.timeout:.0f} s"
                                    f"{self._stderr_tail()}")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise ChromiumError(f"Chromium closed the pipe{self._stderr_tail()}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _stderr_tail(self) -> str:
        try:
            self.stderr.seek(0)
            lines = self.stderr.read().decode("utf-8", "replace").splitlines()
        except (OSError, ValueError):
            return ""
        return ("; Chromium's stderr ends with:\n" + "\n".join(lines[-10:])) if lines else ""

    def call(self, method: str, params: dict[str, Any] | None = None, *,
             session: bool = False) -> dict[str, Any]:
        """Send a command and return its result (events that arrive meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method,
                                   "params": params or {}}
        if session:
            message["sessionId"] = self.session
        self._send(message)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ChromiumError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def _events_until(self, event: str, deadline: float) -> Iterator[dict[str, Any]]:
        """The events received so far, then new ones, up to and including ``event``."""
        while True:
            while self._events:
                item = self._events.pop(0)
                yield item
                if item.get("method") == event:
                    return
            self._events.append(self._receive(deadline))

    # reading pages ------------------------------------------------------------------------

    def visit(self, url: str) -> PageVisit:
        """Load ``url``, wait for ``load``, and report what a reader's browser noticed."""
        self._events.clear()
        errors: list[str] = []
        requests: list[str] = []
        failed: list[str] = []
        result = self.call("Page.navigate", {"url": url}, session=True)
        if result.get("errorText"):
            raise ChromiumError(f"{url}: {result['errorText']}")
        deadline = time.monotonic() + self.timeout
        for event in self._events_until("Page.loadEventFired", deadline):
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error",
                                                                               "assert"):
                args = " ".join(str(a.get("value", a.get("description", "")))
                                for a in params.get("args", []))
                errors.append(f"console.{params['type']}: {args}")
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                errors.append("exception: " + str(details.get("exception", {}).get(
                    "description", details.get("text", ""))))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                entry = params["entry"]
                errors.append(f"{entry.get('source')}: {entry.get('text')} "
                              f"{entry.get('url', '')}".strip())
            elif method == "Network.requestWillBeSent":
                requests.append(params["request"]["url"])
            elif method == "Network.loadingFailed":
                failed.append(f"{params.get('errorText')} ({params.get('type')})")
        probe = self.call("Runtime.evaluate", {"expression": self.PAGE_PROBE,
                                               "returnByValue": True}, session=True)
        if "exceptionDetails" in probe:
            raise ChromiumError(f"{url}: probe failed: {probe['exceptionDetails']}")
        # Errors logged right after load (late image decodes) are picked up here too.
        for event in self._events:
            params = event.get("params", {})
            if event.get("method") == "Log.entryAdded" and \
                    params["entry"].get("level") == "error":
                errors.append(f"{params['entry'].get('source')}: {params['entry'].get('text')}")
        self._events.clear()
        return PageVisit(url=url, errors=errors, requests=requests, failed=failed,
                         dom=json.loads(probe["result"]["value"]))

    def axe(self, url: str, script: str) -> list[dict[str, Any]]:
        """Load ``url``, run axe-core (``script``: the text of ``axe.min.js``) in the page
        and return its violations (:func:`axe_violations`).

        axe runs its default rule set (WCAG 2.0, 2.1 and 2.2 A and AA, and its best
        practices; the experimental and AAA rules are off by default), in the page as
        the reader's browser laid it out (colour contrast needs the real layout).
        """
        self.visit(url)
        loaded = self.call("Runtime.evaluate", {"expression": script, "returnByValue": True},
                           session=True)
        if "exceptionDetails" in loaded:
            raise ChromiumError(f"{url}: axe-core did not load: {loaded['exceptionDetails']}")
        run = self.call("Runtime.evaluate", {"expression": AXE_RUN, "awaitPromise": True,
                                             "returnByValue": True}, session=True)
        if "exceptionDetails" in run:
            raise ChromiumError(f"{url}: axe.run failed: {run['exceptionDetails']}")
        return json.loads(run["result"]["value"])

    def close(self) -> None:
        """Close the browser (its own process group: the renderers go with it)."""
        try:
            if self.process.poll() is None:
                try:
                    self._send({"id": 0, "method": "Browser.close"})
                    self.process.wait(timeout=10)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            try:  # whatever is left of the browser's own process group (renderers, zygote)
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)
        finally:
            for fd in (self._to_browser, self._from_browser):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.stderr.close()
            shutil.rmtree(self.profile, ignore_errors=True)


# --- axe-core, the accessibility rules, in the page ---------------------------------------------

#: Where ``npm ci`` (the Makefile's setup) puts axe-core, pinned by package-lock.json.
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

#: Run in the page once axe is loaded: the violations, each with its nodes' selectors.
AXE_RUN = """axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(
  r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, tags: v.tags,
    nodes: v.nodes.map(n => ({target: n.target.map(String), summary: n.failureSummary,
                              html: n.html.slice(0, 200)}))}))))"""


def axe_script() -> str | None:
    """The text of ``axe.min.js`` (``WELFARE_AXE`` overrides the path), or ``None``."""
    path = Path(os.environ.get("WELFARE_AXE") or AXE_SCRIPT)
    return path.read_text(encoding="utf-8") if path.is_file() else None


def axe_report(violations: dict[str, list[dict[str, Any]]]) -> str:
    """The violations of every page, one line per rule and node, for a failure message.

    ``violations`` maps a page's name to what :meth:`Chromium.axe` returned for it.
    """
    lines = []
    for page, found in violations.items():
        for v in found:
            lines.append(f"{page}: {v['id']} ({v['impact']}, {len(v['nodes'])} node(s)): "
                         f"{v['help']}")
            lines += [f"    {' '.join(n['target'])}" for n in v["nodes"][:8]]
            if len(v["nodes"]) > 8:
                lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


# --- PDF through poppler ---------------------------------------------------------------------

#: A4 in PostScript points, and the tolerance of a page size.
A4_POINTS = (595.276, 841.89)
POINT_TOLERANCE = 1.0

_PAGE_SIZE = re.compile(r"^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts", re.MULTILINE)


def poppler_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} (poppler-utils) is not installed: `make system-deps` installs it")
    return path


def pdf_info(pdf: Path) -> dict[str, Any]:
    """``pages`` and the ``sizes`` (width, height in points) of every page, from pdfinfo."""
    out = subprocess.run([poppler_tool("pdfinfo"), str(pdf)], capture_output=True,
                         text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE).group(1))
    sized = subprocess.run([poppler_tool("pdfinfo"), "-f", "1", "-l", str(pages), str(pdf)],
                           capture_output=True, text=True, check=True).stdout
    sizes = [(float(w), float(h)) for _, w, h in _PAGE_SIZE.findall(sized)]
    return {"pages": pages, "sizes": sizes, "text": out}


def pdf_fonts(pdf: Path) -> list[dict[str, str]]:
    """The fonts of a PDF (pdffonts): name, type and whether embedded (``emb``)."""
    out = subprocess.run([poppler_tool("pdffonts"), str(pdf)], capture_output=True,
                         text=True, check=True).stdout.splitlines()
    fonts = []
    for line in out[2:]:
        parts = line.split()
        # name type [type...] encoding emb sub uni object ID
        if len(parts) >= 7:
            fonts.append({"name": parts[0], "emb": parts[-5]})
    return fonts


@dataclass
class Gray:
    """One page as an 8-bit grey image (0 black, 255 white)."""

    width: int
    height: int
    pixels: bytes

    def region(self, top: float, bottom: float) -> bytes:
        """The rows between fractions ``top`` and ``bottom`` of the page height."""
        r0, r1 = int(self.height * top), int(self.height * bottom)
        return self.pixels[r0 * self.width:r1 * self.width]


def _read_pgm(path: Path) -> Gray:
    data = path.read_bytes()
    tokens: list[bytes] = []
    pos = 0
    while len(tokens) < 4:  # magic, width, height, maxval; '#' comments allowed
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        tokens.append(data[pos:end])
        pos = end
    if tokens[0] != b"P5" or int(tokens[3]) != 255:
        raise ValueError(f"{path}: not an 8-bit binary PGM")
    width, height = int(tokens[1]), int(tokens[2])
    pixels = data[pos + 1:pos + 1 + width * height]
    return Gray(width, height, pixels)


def pdf_pages_gray(pdf: Path, out_dir: Path, *, dpi: int = 40) -> list[Gray]:
    """Every page of ``pdf`` as a grey image, through ``pdftoppm -gray`` (PGM files)."""
    prefix = out_dir / pdf.stem
    subprocess.run([poppler_tool("pdftoppm"), "-gray", "-r", str(dpi), str(pdf), str(prefix)],
                   check=True, capture_output=True)
    files = sorted(out_dir.glob(f"{pdf.stem}-*.pgm"),
                   key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [_read_pgm(p) for p in files]


def variance(pixels: bytes) -> float:
    """Variance of the grey levels (0 for a uniform, e.g. blank, area)."""
    n = len(pixels)
    if n == 0:
        return 0.0
    hist = Counter(pixels)
    mean = sum(v * c for v, c in hist.items()) / n
    return sum(c * (v - mean) ** 2 for v, c in hist.items()) / n


def ink(pixels: bytes, threshold: int = 160) -> int:
    """Number of pixels darker than ``threshold`` (text, lines, figures)."""
    return sum(c for v, c in Counter(pixels).items() if v < threshold)


def pdf_text_pages(pdf: Path) -> list[str]:
    """The text of every page (pdftotext; pages are separated by form feeds)."""
    out = subprocess.run([poppler_tool("pdftotext"), "-layout", "-enc", "UTF-8", str(pdf),
                          "-"], capture_output=True, check=True).stdout.decode("utf-8")
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


# --- links -----------------------------------------------------------------------------------

EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def classify_link(href: str) -> str:
    """``fragment`` (``#id``), ``relative`` (a file of the site) or ``external``."""
    if href.startswith("#"):
        return "fragment"
    if href.startswith("//") or EXTERNAL.match(href):
        return "external"
    return "relative"
