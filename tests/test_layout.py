"""The package's layout: each stage of the wave imports only the stages below it.

The stages, bottom to top, follow the path a wave takes (README, "Layout"). A module may
import its own stage and any stage below; an import of a stage above is a cycle waiting to
happen and fails here, whether written at the top of the module or inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"

#: Bottom to top. Modules of one entry form one stage.
STAGES: tuple[tuple[str, ...], ...] = (
    ("errors",),
    ("config",),
    ("atomic", "fingerprint"),
    ("names",),
    ("i18n",),
    ("codebook",),
    ("wave",),
    ("ingest",),
    ("validate",),
    ("analyse",),
    ("render",),
    ("publish",),
    ("run",),
    ("demo",),
    ("notebook", "cli"),
)
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names}


def _stage(module: str) -> str:
    """``pipeline.analyse.stats.design`` -> ``analyse``; the package itself -> ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _module_name(path: Path, root: Path = PACKAGE.parent) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    """Every ``pipeline`` module ``path`` imports, with its line (relative ones resolved)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            found.append((node.lineno, name))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return sorted((line, name) for line, name in found if name.split(".")[0] == "pipeline")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_stage_is_ranked():
    top = {p.stem if p.suffix == ".py" else p.name for p in PACKAGE.iterdir()
           if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    assert top == set(RANK), "a new top-level module or package needs its place in STAGES"


def upward_imports(path: Path, root: Path = PACKAGE.parent) -> list[str]:
    """The imports of ``path`` that reach a stage above its own, as readable lines."""
    module = _module_name(path, root)
    here = _stage(module)
    return [f"line {line}: {name}" for line, name in _imports(path, module)
            if _stage(name) and here and RANK[_stage(name)] > RANK[here]]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_go_down(path: Path):
    upward = upward_imports(path)
    assert not upward, f"{path.relative_to(PACKAGE)} imports a stage above it: " + "; ".join(upward)


def test_the_package_root_imports_nothing_of_its_own():
    assert not _imports(PACKAGE / "__init__.py", "pipeline")


def test_the_rule_catches_an_upward_import(tmp_path):
    """The check itself: written at the top or inside a function, relative or absolute."""
    stage = tmp_path / "pipeline" / "validate"
    stage.mkdir(parents=True)
    module = stage / "gate.py"
    module.write_text("from pipeline.ingest.load import ingest_wave\n"
                      "def f():\n    from pipeline.render.site import write_site\n"
                      "from ..run import wave\n", encoding="utf-8")
    assert upward_imports(module, tmp_path) == [
        "line 3: pipeline.render.site", "line 4: pipeline.run"]
