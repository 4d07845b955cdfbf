"""What an attacker can deduce about withheld cells from the linear relations of a table.

A published table with margins is a system of linear equations: the parts of each margin
add up to it. A withheld cell is an unknown of that system; everything published is known.
The tightest interval an attacker can deduce for one unknown is the minimum and the maximum
of that unknown over every non-negative solution of the system: two linear programmes per
cell, solved here with HiGHS (:func:`scipy.optimize.linprog`). This is the "attacker
problem" of complementary suppression (Hundepool et al., *Statistical Disclosure Control*,
Wiley 2012, section 4.3; Fischetti and Salazar-González, *Management Science* 47, 2001) and
what tau-ARGUS audits after any suppression.

Units: cells are counts (of workers or companies) or sums (euro); the interval has the
cell's unit. Assumptions: every cell is at least its lower bound (0 for counts; 1 for a
withheld cell of a frequency table whose zeros are shown, since a zero would have been
published) and an equation holds exactly (the attacker assumes the published parts of a
margin cover it; a residual part no row shows is an unknown of its own).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Equation:
    """``sum(cells) == total``: a margin and its parts.

    Attributes
    ----------
    cells
        Keys of the parts (each with coefficient 1).
    total
        The margin: a key of the system or a constant known to everyone.
    """

    cells: tuple[str, ...]
    total: str | float


@dataclass
class System:
    """Cells, what is known of them, and the equations that tie them.

    Attributes
    ----------
    values
        Every cell's value: the true one when protecting a table, the published one when
        auditing (NaN for a withheld cell).
    withheld
        Keys of the cells not published (unknown to the attacker).
    lower
        A cell's smallest possible value (default 0).
    """

    values: dict[str, float]
    equations: list[Equation]
    withheld: set[str] = field(default_factory=set)
    lower: dict[str, float] = field(default_factory=dict)

    def neighbours(self, key: str) -> list[str]:
        """The cells sharing an equation with ``key`` (its margins included), in order."""
        out: list[str] = []
        for eq in self.equations:
            members = [*eq.cells, *([eq.total] if isinstance(eq.total, str) else [])]
            if key in members:
                out += [m for m in members if m != key and m not in out]
        return out

    def trivial_width(self, key: str) -> float:
        """The widest interval the equations allow ``key`` when all its partners are withheld:
        its smallest known margin minus the lower bounds (infinite with no known margin).
        """
        widths = []
        for eq in self.equations:
            if key not in eq.cells:
                continue
            if isinstance(eq.total, str):
                if eq.total in self.withheld:
                    continue
                total = self.values[eq.total]
            else:
                total = float(eq.total)
            widths.append(total - self.lower.get(key, 0.0)
                          - sum(self.lower.get(c, 0.0) for c in eq.cells if c != key))
        return min(widths, default=math.inf)


def intervals(system: System, keys: Iterable[str] | None = None) -> pd.DataFrame:
    """The interval of every withheld cell an attacker can deduce from the published ones.

    Parameters
    ----------
    system
        The cells; those in ``system.withheld`` are unknowns, the others known at their
        ``values``.
    keys
        The withheld cells to bound (default all).

    Returns
    -------
    pandas.DataFrame
        Indexed by key: ``low``, ``high`` (``inf`` when nothing bounds the cell above).

    Raises
    ------
    ValueError
        When the published values contradict the equations (no solution at all).
    """
    from scipy.optimize import linprog

    unknown = sorted(system.withheld)
    wanted = sorted(set(keys) if keys is not None else system.withheld)
    if not wanted:
        return pd.DataFrame(columns=["low", "high"], dtype="float64")
    position = {k: i for i, k in enumerate(unknown)}
    rows, rhs = [], []
    for eq in system.equations:
        row = np.zeros(len(unknown))
        known = 0.0
        members = [(c, 1.0) for c in eq.cells]
        if isinstance(eq.total, str):
            members.append((eq.total, -1.0))
        else:
            known -= float(eq.total)
        for key, coef in members:
            if key in position:
                row[position[key]] += coef
            else:
                known += coef * float(system.values[key])
        if row.any():
            rows.append(row)
            rhs.append(-known)
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    bounds = [(system.lower.get(k, 0.0), None) for k in unknown]
    out = {}
    for key in wanted:
        c = np.zeros(len(unknown))
        c[position[key]] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            res = linprog(sign * c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if res.status == 2:
                raise ValueError("the published values contradict the table's margins")
            ends.append(math.inf if res.status == 3 else sign * float(res.fun))
        out[key] = {"low": ends[0], "high": ends[1]}
    return pd.DataFrame.from_dict(out, orient="index", columns=["low", "high"])


def too_narrow(bounds: pd.DataFrame, system: System, *, min_cell: int,
               protection: float) -> list[str]:
    """The withheld cells an attacker narrows more than the protection range allows.

    A cell is exposed when its deduced interval ``[low, high]`` may hold a small count
    (``low < min_cell`` and ``high > 0``: a true zero is no secret) and is narrower than
    ``protection``, or than the widest interval its margins allow (a margin smaller than
    the range cannot do better: four companies in all leave each part in 0-4).

    Parameters
    ----------
    bounds
        :func:`intervals` of the system.
    min_cell
        Smallest count that may be published.
    protection
        Required width of the interval (same unit as the cell), e.g. ``min_cell``.
    """
    exposed = []
    for key, (low, high) in bounds[["low", "high"]].iterrows():
        if high <= 0 or low >= min_cell:
            continue
        need = min(protection, system.trivial_width(key))
        if high - low < need - 1e-9:
            exposed.append(key)
    return exposed


def published_system(values: Mapping[str, float], equations: list[Equation],
                     lower: Mapping[str, float] | None = None) -> System:
    """A system as an attacker sees it: cells with a missing value are the unknowns."""
    vals = {k: float(v) for k, v in values.items()}
    withheld = {k for k, v in vals.items() if math.isnan(v)}
    return System(values=vals, equations=equations, withheld=withheld,
                  lower={k: v for k, v in (lower or {}).items() if k in withheld})
