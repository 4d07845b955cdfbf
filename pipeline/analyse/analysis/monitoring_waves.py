"""Monitoring, the waves: which earlier waves a wave is compared with, read and prepared.

The chain of :mod:`pipeline.analyse.analysis.monitoring` (the method is described there):
the earlier waves named by the notebook's parameters (:func:`wave_chain`), read and each
prepared the same way as the current one (:func:`load_waves`, :class:`MonitoredWaves`),
and tables of several waves put together (:func:`by_wave`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.analyse.analysis.monitoring_panel import PreparedWave, prepare_wave
from pipeline.analyse.stats import SurveyDesign
from pipeline.codebook import Codebook
from pipeline.config import get_paths
from pipeline.wave import read_processed

__all__ = ["MonitoredWaves", "by_wave", "load_waves", "wave_chain"]


def wave_chain(
    previous_waves: Sequence[str] | None = None,
    previous_processed_dirs: Sequence[str | Path | None] | None = None,
    previous_wave: str | None = None,
    previous_processed_dir: str | Path | None = None,
) -> list[tuple[str, str | None]]:
    """The earlier waves a wave is compared with, oldest first, from the notebook parameters.

    Parameters
    ----------
    previous_waves
        Earlier waves of the chain, oldest first, ending with the immediate previous one.
        ``None`` or empty: fall back to ``previous_wave``.
    previous_processed_dirs
        Their processed folders, same order; ``None`` (or a ``None`` entry): the project's
        ``data/processed/<wave>``.
    previous_wave, previous_processed_dir
        The immediate previous wave and its folder (the single-wave parameters); when
        ``previous_waves`` is given too, ``previous_wave`` must be its last element.

    Returns
    -------
    list of (str, str or None)
        ``[(wave, processed folder or None), ...]``, oldest first; empty for a baseline.

    Raises
    ------
    ValueError
        Lists of different lengths, a wave listed twice, or a ``previous_wave`` that is
        not the last of ``previous_waves``.
    """
    if previous_waves:
        waves = [str(w) for w in previous_waves]
        if len(set(waves)) != len(waves):
            raise ValueError(f"previous_waves lists a wave twice: {waves}")
        if previous_wave is not None and str(previous_wave) != waves[-1]:
            raise ValueError(f"previous_wave {previous_wave!r} is not the last of "
                             f"previous_waves {waves}")
        if previous_processed_dirs is None:
            dirs: list = [None] * len(waves)
            if previous_processed_dir is not None:
                dirs[-1] = previous_processed_dir
        else:
            dirs = list(previous_processed_dirs)
            if len(dirs) != len(waves):
                raise ValueError(f"{len(waves)} previous_waves but {len(dirs)} "
                                 "previous_processed_dirs")
        return [(w, None if d is None else str(d)) for w, d in zip(waves, dirs, strict=True)]
    if previous_wave is not None:
        return [(str(previous_wave),
                 None if previous_processed_dir is None else str(previous_processed_dir))]
    return []


@dataclass(frozen=True)
class MonitoredWaves:
    """The waves of one monitoring section, each prepared, oldest first, the current last.

    Attributes
    ----------
    waves
        ``{wave: PreparedWave}`` in wave order; the last is the wave of the report.
    """

    waves: dict[str, PreparedWave]

    def __len__(self) -> int:
        return len(self.waves)

    @property
    def labels(self) -> list[str]:
        """The waves, oldest first."""
        return list(self.waves)

    @property
    def wave(self) -> str:
        """The wave of the report (the last)."""
        return self.labels[-1]

    @property
    def previous_wave(self) -> str | None:
        """The immediate previous wave; ``None`` for a baseline."""
        return self.labels[-2] if len(self) >= 2 else None

    @property
    def first_wave(self) -> str | None:
        """The first wave of the chain; ``None`` for a baseline."""
        return self.labels[0] if len(self) >= 2 else None

    @property
    def baseline(self) -> bool:
        """No earlier wave: levels only, nothing to compare with."""
        return len(self) == 1

    @property
    def has_trend(self) -> bool:
        """Three waves or more: a trend over the chain and a change since the first wave
        (with two waves both repeat the comparison with the previous one)."""
        return len(self) >= 3

    @property
    def current(self) -> PreparedWave:
        return self.waves[self.wave]

    @property
    def previous(self) -> PreparedWave | None:
        return None if self.previous_wave is None else self.waves[self.previous_wave]

    @property
    def first(self) -> PreparedWave | None:
        return None if self.first_wave is None else self.waves[self.first_wave]

    def compared(self) -> dict[str, PreparedWave]:
        """The waves whose levels the section compares: ``{previous, current}``, or only
        the current wave for a baseline."""
        return {w: self.waves[w] for w in self.labels[-2:]}

    def designs(self, *, compared: bool = False) -> dict[str, tuple[pd.DataFrame, SurveyDesign]]:
        """``{wave: (workers, design)}`` of every wave, or of the waves :meth:`compared`
        (the input of the level estimates, each wave on its own design)."""
        waves = self.compared() if compared else self.waves
        return {w: (p.workers, p.design) for w, p in waves.items()}


def load_waves(
    tables: Mapping[str, pd.DataFrame],
    wave: str,
    chain: Sequence[tuple[str, str | Path | None]],
    *,
    codebook: Codebook | None = None,
) -> MonitoredWaves:
    """The current wave and its chain of earlier waves, read and prepared the same way.

    Parameters
    ----------
    tables
        The typed tables of the current wave (the notebook's wave).
    wave
        Its label.
    chain
        :func:`wave_chain`: ``[(earlier wave, processed folder or None), ...]``, oldest
        first; a ``None`` folder is the project's ``data/processed/<wave>``.
    codebook
        For the maturity score (:func:`prepare_wave`).

    Returns
    -------
    MonitoredWaves
        Every wave of the chain then the current one, each :func:`prepare_wave`-d.
    """
    waves = {}
    for label, folder in chain:
        earlier = read_processed(Path(folder) if folder else get_paths().processed_wave(label))
        waves[label] = PreparedWave(earlier.tables,
                                    *prepare_wave(earlier.tables, codebook=codebook))
    waves[wave] = PreparedWave(tables, *prepare_wave(tables, codebook=codebook))
    return MonitoredWaves(waves)


def by_wave(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Tables of several waves in one, each row with its ``wave`` (the last column)."""
    return pd.concat([f.assign(wave=label) for label, f in frames.items()], ignore_index=True)
