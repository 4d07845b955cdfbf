"""Random streams and the vectorised draws every table of a demo wave is made of.

Each part of the generator draws from a stream of its own (:func:`stream`, keyed by seed,
purpose and phase), so editing one part never shifts the numbers of another. Within a stream
the draws happen in a fixed order: reordering them changes every file of a wave.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Purposes of the random streams (second key of :func:`stream`).
S_BASE, S_EVOLVE, S_COMPANY, S_WORKERS, S_MESSY, S_SERVICES, S_NETWORK = range(1, 8)
#: Company effects of a placebo wave: a stream of their own, so that every other number of a
#: placebo wave is the one of the normal wave with the same seed and sizes.
S_PLACEBO = 8


def stream(seed: int, *keys: int) -> np.random.Generator:
    """An independent random stream per (seed, purpose, phase).

    Parameters
    ----------
    seed
        The wave's seed.
    *keys
        The purpose (``S_BASE``, ``S_WORKERS``, ...) and, where it applies, the phase or a
        step number.

    Returns
    -------
    numpy.random.Generator
        A generator that no other part of the demo draws from.
    """
    return np.random.default_rng(np.random.SeedSequence([seed, *keys]))


def choose(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category index per row of ``probs`` (rows need not be normalised)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(cum)) * cum[:, -1]
    return (u[:, None] >= cum).sum(axis=1).clip(0, probs.shape[1] - 1)


def choose_by(rng: np.random.Generator, table: np.ndarray, group: np.ndarray) -> np.ndarray:
    """One category index per row, with the probabilities of row ``group`` of ``table``.

    Same draws as ``choose(rng, table[group])`` without building an n x k matrix.
    """
    cum = np.cumsum(np.asarray(table, dtype=float), axis=1)
    cum = cum / cum[:, -1:]
    u = rng.random(len(group))
    idx = np.zeros(len(group), dtype=np.int64)
    for j in range(cum.shape[1] - 1):
        idx += u >= cum[group, j]
    return idx


def choose_fixed(rng: np.random.Generator, probs: Sequence[float], n: int) -> np.ndarray:
    """``n`` category indices drawn with the same probabilities ``probs``."""
    cum = np.cumsum(np.asarray(probs, dtype=float))
    return np.searchsorted(cum / cum[-1], rng.random(n), side="right").clip(0, len(cum) - 1)


def gumbel_order(rng: np.random.Generator, weight: np.ndarray) -> np.ndarray:
    """A weighted random order without replacement (Gumbel top-k): indices, first = first."""
    key = np.log(np.maximum(weight, 1e-12)) + rng.gumbel(size=len(weight))
    return np.argsort(-key, kind="stable")


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, elementwise."""
    return 1.0 / (1.0 + np.exp(-x))


def to_scale(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Latent scores rounded and cut to the answer scale ``lo``..``hi`` (``int8``)."""
    return np.clip(np.rint(x), lo, hi).astype(np.int8)
