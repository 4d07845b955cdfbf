"""Packaging: the conda environment and pyproject.toml name the same dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_and_pyproject_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_pins = [d for d in pip_section if not d.startswith("-e")]
    assert sorted(declared) == sorted(conda_pins), "same requirements, same lower bounds"
    assert all(">=" in r for r in declared), "every dependency has a lower bound"
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python == "python=3.11"
    assert project["requires-python"] == ">=3.11"


def test_console_script_and_ci_call_the_readme_commands():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["welfare"] == "pipeline.cli:main"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```", 2)[1]
    assert [line.strip() for line in first_block.strip().splitlines()[1:]] == [
        "make demo", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_generated_folders_are_ignored():
    ignore = (ROOT / ".gitignore").read_text()
    for folder in ("data/raw/*", "data/processed/*", "reports/*", ".venv/"):
        assert folder in ignore


def _imported_top_modules(folder: Path) -> set[str]:
    import ast

    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_every_package_the_code_imports_is_declared():
    """An import that works only because another package pulled it in breaks on upgrade."""
    import importlib.metadata
    import sys

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_name(r) for r in project["dependencies"]}
    distributions = importlib.metadata.packages_distributions()
    third_party = {m for m in _imported_top_modules(ROOT / "pipeline")
                   if m not in sys.stdlib_module_names and m not in {"pipeline", "__future__"}}
    undeclared = {m: distributions.get(m) for m in third_party
                  if not {_name(d) for d in distributions.get(m, [m])} & declared}
    assert not undeclared, f"imported by pipeline/ but not in [project] dependencies: {undeclared}"
