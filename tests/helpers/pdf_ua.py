"""Reading a PDF as a screen reader does: the PDF/UA-1 checks of ``test_pdf_ua.py``.

:func:`pdf_ua_problems` runs two checkers that need no JVM: the ``pdfua`` package (the
machine-checkable subset of PDF/UA-1, ISO 14289-1) and the catalogue and structure tree read
with pikepdf (:func:`pdf_structure`, :func:`pdf_bookmarks`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Rules of ``pdfua`` 0.1.3 that cannot run on WeasyPrint's structure tree with pikepdf 10
#: (UA-14-001 reads ``is_integer`` from an array, which pikepdf 10 answers with a
#: ValueError): :func:`pdf_ua_problems` checks the same thing itself (no empty heading).
PDFUA_SKIP_COVERED = {"UA-14-001": "no empty heading"}
#: Heuristic findings of ``pdfua`` decided here instead. UA-15-003 asks for ``/Scope`` on
#: header cells when none carries it; ISO 14289-1 §7.5 is met just as well by ``/Headers``
#: on the data cells naming the header cells' ``/ID`` (WeasyPrint's way), which
#: :func:`pdf_ua_problems` checks cell by cell.
PDFUA_HEURISTIC_COVERED = {"UA-15-003": "every data cell names its header cells"}

_HEADINGS = {f"/H{i}" for i in range(1, 7)}


@dataclass
class PdfStructure:
    """What the structure tree of a tagged PDF holds."""

    tags: Counter = field(default_factory=Counter)      # structure type -> count
    figures_without_alt: int = 0
    tables_without_headers: int = 0
    cells_without_headers: int = 0     # data cells of tables with headers naming none
    empty_headings: list[str] = field(default_factory=list)
    alts: list[str] = field(default_factory=list)


def _struct_walk(node: Any, found: PdfStructure, seen: set[tuple[int, int]]) -> bool:
    """Walk a structure element; ``True`` when it (or a kid) marks content (an MCID)."""
    import pikepdf

    if isinstance(node, int):  # a marked-content id (pikepdf gives numbers as int)
        return True
    if not isinstance(node, pikepdf.Dictionary):
        return False
    if node.is_indirect:
        if node.objgen in seen:
            return False
        seen.add(node.objgen)
    tag = str(node.get("/S", ""))
    kids = node.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else ([] if kids is None else [kids])
    if str(node.get("/Type", "")) in ("/MCR", "/OBJR"):
        return True
    has_content = False
    before = found.tags["/TH"]
    for kid in kids:
        has_content |= _struct_walk(kid, found, seen)
    if tag:
        found.tags[tag] += 1
    if tag == "/Figure":
        alt = str(node.get("/Alt", "")).strip()
        found.alts.append(alt)
        if not alt:
            found.figures_without_alt += 1
    elif tag == "/Table":
        if found.tags["/TH"] == before:
            found.tables_without_headers += 1
        else:
            found.cells_without_headers += _cells_without_headers(node)
    elif tag in _HEADINGS and not has_content:
        found.empty_headings.append(tag)
    return has_content


def _cells_without_headers(table: Any) -> int:
    """Data cells of ``table`` whose ``/Headers`` name no header cell of the table."""
    import pikepdf

    ids: set[str] = set()
    cells: list[set[str]] = []
    stack = [table]
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        tag = str(node.get("/S", ""))
        if tag == "/TH" and "/ID" in node:
            ids.add(str(node["/ID"]))
        elif tag == "/TD":
            attributes = node.get("/A")
            attributes = attributes if isinstance(attributes, pikepdf.Dictionary) else {}
            cells.append({str(h) for h in attributes.get("/Headers", [])})
            continue
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append(kids)
    return sum(1 for headers in cells if not headers & ids)


def pdf_structure(pdf: Path) -> PdfStructure:
    """The structure tree of ``pdf``: tags, figures without ``/Alt``, tables without
    header cells, headings that tag no content."""
    import pikepdf

    found = PdfStructure()
    with pikepdf.open(pdf) as doc:
        root = doc.Root.get("/StructTreeRoot")
        if root is not None:
            _struct_walk(root, found, set())
    return found


def pdf_bookmarks(pdf: Path) -> list[tuple[int, str]]:
    """The outline (bookmarks) of ``pdf``: ``(depth, title)``, depth 1 for the top level."""
    import pikepdf

    marks: list[tuple[int, str]] = []

    def walk(items: Any, depth: int) -> None:
        for item in items:
            marks.append((depth, str(item.title)))
            walk(item.children, depth + 1)

    with pikepdf.open(pdf) as doc, doc.open_outline() as outline:
        walk(outline.root, 1)
    return marks


def _catalog_problems(doc: Any, lang: str) -> list[str]:
    """The document-level requirements of PDF/UA-1 (ISO 14289-1 §7.1, §7.2, §5)."""
    problems = []
    root = doc.Root
    if "/StructTreeRoot" not in root:
        problems.append("untagged: no /StructTreeRoot")
    if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
        problems.append("/MarkInfo /Marked is not true")
    if str(root.get("/Lang", "")) != lang:
        problems.append(f"/Lang is {str(root.get('/Lang', '')) or 'missing'!r}, not {lang!r}")
    if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        problems.append("/ViewerPreferences /DisplayDocTitle is not true")
    title = str(doc.docinfo.get("/Title", "")).strip()
    if not title:
        problems.append("no document title (/Info /Title)")
    meta = doc.open_metadata()
    if meta.get("dc:title", "").strip() != title:
        problems.append(f"XMP dc:title {meta.get('dc:title')!r} is not the title {title!r}")
    if meta.get("pdfuaid:part") != "1":
        problems.append("the XMP metadata do not claim PDF/UA-1 (pdfuaid:part)")
    return problems


def pdf_ua_problems(pdf: Path, lang: str) -> list[str]:
    """Why ``pdf`` is not an accessible PDF/UA-1 document in ``lang`` (empty when it is).

    Two checkers, both without a JVM: the ``pdfua`` package (the machine-checkable subset
    of PDF/UA-1: tags, ``/Lang``, title, figures' ``/Alt``, table structure, annotations;
    every finding counts, warnings included, and a rule it could not run counts too unless
    :data:`PDFUA_SKIP_COVERED` checks it here; the heuristic findings of
    :data:`PDFUA_HEURISTIC_COVERED` are decided here), then the catalogue and the structure
    tree read with pikepdf: the language, the title in both the document information and
    XMP, the PDF/UA claim, bookmarks, every figure with ``/Alt``, every table with header
    cells and every data cell naming its headers, no empty heading.
    """
    import pikepdf
    from pdfua import Confidence, validate

    report = validate(str(pdf))
    problems = [f"pdfua {f.rule_id} ({f.severity.name.lower()}): {f.message} "
                f"[{f.location.describe()}]" for f in report.findings
                if not (f.rule_id in PDFUA_HEURISTIC_COVERED
                        and f.confidence == Confidence.HEURISTIC)]
    problems += [f"pdfua {o.rule_id} could not run: {o.skipped_reason}"
                 for o in report.skipped if o.rule_id not in PDFUA_SKIP_COVERED]
    with pikepdf.open(pdf) as doc:
        problems += _catalog_problems(doc, lang)
    if not pdf_bookmarks(pdf):
        problems.append("no bookmarks (outline)")
    found = pdf_structure(pdf)
    if found.figures_without_alt:
        problems.append(f"{found.figures_without_alt} /Figure without /Alt")
    if found.tables_without_headers:
        problems.append(f"{found.tables_without_headers} /Table without a /TH cell")
    if found.cells_without_headers:
        problems.append(f"{found.cells_without_headers} /TD naming no header cell (/Headers)")
    if found.empty_headings:
        problems.append(f"empty headings: {', '.join(found.empty_headings)}")
    if not found.tags["/H1"]:
        problems.append("no /H1 (the title is not tagged as a heading)")
    return problems
