"""The attacker's intervals, checked against brute force over every integer solution.

Tables with margins (one-way and two-way) have totally unimodular constraint matrices, so
the linear programme's bounds are the integer ones: enumerating every non-negative integer
filling of the withheld cells that satisfies the margins gives the same minimum and maximum,
by a method that shares nothing with HiGHS.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pipeline.analyse.disclosure.linear import Equation, System, intervals, too_narrow


def _two_way(cells: np.ndarray) -> tuple[dict[str, float], list[Equation]]:
    rows, cols = cells.shape
    values = {f"{i},{j}": float(cells[i, j]) for i in range(rows) for j in range(cols)}
    eqs = [Equation(tuple(f"{i},{j}" for j in range(cols)), float(cells[i].sum()))
           for i in range(rows)]
    eqs += [Equation(tuple(f"{i},{j}" for i in range(rows)), float(cells[:, j].sum()))
            for j in range(cols)]
    return values, eqs


def _brute(values, eqs, withheld, lower, cap):
    """Min and max of each withheld cell over every integer filling (depth-first, pruned
    by the margins: a partial filling that already exceeds one is abandoned)."""
    unknown = sorted(withheld)
    low = {k: math.inf for k in unknown}
    high = {k: -math.inf for k in unknown}
    known = {k: v for k, v in values.items() if k not in withheld}
    slack = [eq.total - sum(known.get(c, 0) for c in eq.cells) for eq in eqs]
    member = {k: [i for i, eq in enumerate(eqs) if k in eq.cells] for k in unknown}

    def fill(i, left, chosen):
        if i == len(unknown):
            if all(abs(x) < 1e-9 for x in left):
                for k, v in zip(unknown, chosen, strict=True):
                    low[k], high[k] = min(low[k], v), max(high[k], v)
            return
        k = unknown[i]
        top = min([cap, *(left[j] for j in member[k])])
        for v in range(int(lower.get(k, 0)), int(top) + 1):
            nxt = list(left)
            for j in member[k]:
                nxt[j] -= v
            fill(i + 1, nxt, [*chosen, v])

    fill(0, slack, [])
    return low, high


@pytest.mark.parametrize("seed", range(12))
def test_intervals_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    cells = rng.integers(0, 7, size=(3, 3))
    values, eqs = _two_way(cells)
    withheld = set(rng.choice(sorted(values), size=int(rng.integers(2, 5)), replace=False))
    lower = {k: float(rng.integers(0, 2)) if values[k] >= 1 else 0.0 for k in withheld}
    system = System(values=values, equations=eqs, withheld=withheld, lower=lower)
    got = intervals(system)
    low, high = _brute(values, eqs, withheld, lower, cap=int(cells.sum()))
    for k in withheld:
        assert got.at[k, "low"] == pytest.approx(low[k])
        assert got.at[k, "high"] == pytest.approx(high[k])


def test_a_cell_no_margin_bounds_is_unbounded_above():
    system = System(values={"a": 3.0, "b": 9.0}, equations=[], withheld={"a"})
    assert intervals(system).loc["a"].tolist() == [0.0, math.inf]


def test_contradictory_publication_is_an_error():
    system = System(values={"a": math.nan, "b": 9.0},
                    equations=[Equation(("a", "b"), 5.0)], withheld={"a"})
    with pytest.raises(ValueError, match="contradict"):
        intervals(system)


def test_subtraction_is_caught_and_a_true_zero_is_not():
    # the example: 45 in the network = 20 + 15 + 6 + the withheld micro-companies
    eq = Equation(("micro", "small", "medium", "large"), 45.0)
    system = System(values={"micro": math.nan, "small": 20, "medium": 15, "large": 6},
                    equations=[eq], withheld={"micro"})
    bounds = intervals(system)
    assert bounds.loc["micro"].tolist() == [4.0, 4.0]
    assert too_narrow(bounds, system, min_cell=5, protection=5) == ["micro"]
    zero = System(values={"micro": math.nan, "small": 24, "medium": 15, "large": 6},
                  equations=[eq], withheld={"micro"})
    assert too_narrow(intervals(zero), zero, min_cell=5, protection=5) == []


def test_a_margin_smaller_than_the_range_asks_no_more_than_it_can_give():
    # four companies in all, each withheld: 0-4 is as wide as it gets
    eq = Equation(("a", "b"), 4.0)
    system = System(values={"a": math.nan, "b": math.nan}, equations=[eq],
                    withheld={"a", "b"})
    assert too_narrow(intervals(system), system, min_cell=5, protection=5) == []
