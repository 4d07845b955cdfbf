"""The chain of earlier waves: ``previous_wave`` links followed back to a baseline.

Notebooks that compare a wave with the earlier ones (``welfare: previous_wave: true`` in
their jupytext header) get every processed wave of the chain, and the chain enters their
cache keys (:mod:`pipeline.run.plan`).
"""

from __future__ import annotations

from typing import Any

import yaml

from pipeline.config import WAVE_PATTERN, Paths
from pipeline.errors import PipelineError, display_path
from pipeline.wave import read_manifest


def _previous_link(paths: Paths, label: str, manifest: dict[str, Any] | None) -> str | None:
    """The ``previous_wave`` of ``label``: from its processed manifest (what its processed
    tables were built from), else from its raw ``wave.yaml``; None when there is none."""
    if manifest is not None:
        prev = (manifest.get("meta") or {}).get("previous_wave")
    else:
        path = paths.wave_meta(label)
        try:
            meta = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            meta = None
        prev = meta.get("previous_wave") if isinstance(meta, dict) else None
    if prev is None or not WAVE_PATTERN.fullmatch(str(prev)):
        return None
    return str(prev)


def previous_chain(paths: Paths, wave: str, manifest: dict[str, Any] | None = None,
                   ) -> list[str]:
    """Every earlier wave of ``wave``'s ``previous_wave`` chain that is processed.

    The chain follows ``previous_wave`` from ``wave`` (its ``manifest`` when given, else its
    processed manifest or raw ``wave.yaml``) back to a wave without one; a wave of the chain
    that is not processed is left out of the list but its own link is still followed (from
    its raw ``wave.yaml``). Oldest first, so the list ends with the immediate previous wave
    when that one is processed; ``[]`` for a baseline.

    Raises
    ------
    PipelineError
        The chain comes back to a wave it already passed: one line naming the ``wave.yaml``
        whose ``previous_wave`` closes the cycle.
    """
    if manifest is None:
        manifest = read_manifest(paths, wave)
    trail = [wave]
    found: list[str] = []
    label = _previous_link(paths, wave, manifest)
    while label is not None:
        if label in trail:
            where = display_path(paths.wave_meta(trail[-1]))
            raise PipelineError(
                f"{where}: previous_wave '{label}' makes a cycle of waves "
                f"({' -> '.join([*trail, label])}); every wave must come after its "
                "previous_wave")
        trail.append(label)
        earlier = read_manifest(paths, label)
        if earlier is not None:
            found.append(label)
        label = _previous_link(paths, label, earlier)
    return found[::-1]


def chain_manifests(paths: Paths, wave: str, manifest: dict[str, Any],
                    ) -> dict[str, dict[str, Any]]:
    """The manifests of :func:`previous_chain`, by label, oldest first."""
    chain: dict[str, dict[str, Any]] = {}
    for label in previous_chain(paths, wave, manifest):
        earlier = read_manifest(paths, label)
        if earlier is not None:
            chain[label] = earlier
    return chain
