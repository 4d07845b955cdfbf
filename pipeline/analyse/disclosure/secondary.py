"""Complementary (secondary) suppression: withhold more cells until none can be deduced.

Primary suppression withholds the small cells; their margins still give them away by
subtraction (45 companies in the network, 20 + 15 + 6 of them published by size: the
withheld micro-companies are 4). Complementary suppression withholds further cells of the
same margins so that every withheld cell keeps an interval at least as wide as the
protection range, whatever linear combination of the published cells an attacker tries.

The method is the greedy heuristic of tau-ARGUS's "hypercube" and "modular" procedures in
its simplest form, checked at every step by the exact attacker problem
(:func:`pipeline.analyse.disclosure.linear.intervals`, HiGHS): take the exposed cell with
the smallest value; among the published cells that share a margin with it, withhold the one
that costs least (the smallest positive count: fewest people hidden); solve again; stop when
no withheld cell is exposed. Margins themselves (an "all" row, a wave total) are never
withheld: they are the figures a report is read by. References: Hundepool et al.,
*Statistical Disclosure Control*, Wiley 2012, sections 4.2-4.4; de Wolf, "HiTaS: a heuristic
approach to cell suppression in hierarchical tables" (2002); ISTAT, *Metodi e software per il
controllo della riservatezza* (2004); Eurostat, *Handbook on Statistical Disclosure Control*
(2010). The result is not optimal (fewest cells), it is safe: the loop ends only on a table
the audit accepts, or raises.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.analyse.disclosure.linear import System, intervals, too_narrow
from pipeline.errors import PipelineError


class DisclosureError(PipelineError):
    """A table cannot be protected: a withheld cell stays recoverable whatever is withheld."""


def complementary_cells(system: System, *, min_cell: int, protection: float,
                        where: str = "table") -> set[str]:
    """The cells to withhold besides the primary ones (``system.withheld``).

    Parameters
    ----------
    system
        The table's cells at their TRUE values, its equations, the primary cells withheld
        and the lower bounds an attacker knows.
    min_cell
        Smallest count that may be published.
    protection
        Width the interval of every withheld cell must keep (unit of the cells).
    where
        The table's name, for the error message.

    Returns
    -------
    set of str
        Keys of the complementary cells (primary ones not included).

    Raises
    ------
    DisclosureError
        When an exposed cell has no published partner left to withhold.
    """
    margins = {eq.total for eq in system.equations if isinstance(eq.total, str)}
    withheld = set(system.withheld)
    for _ in range(len(system.values) + 1):
        current = replace(system, withheld=withheld)
        exposed = too_narrow(intervals(current), current, min_cell=min_cell,
                             protection=protection)
        if not exposed:
            return withheld - system.withheld
        cell = min(exposed, key=lambda k: (system.values[k], k))
        need = min(protection, current.trivial_width(cell))
        choice = _cheapest(system, withheld, cell, need, margins)
        if choice is None:
            raise DisclosureError(
                f"{where}: the withheld cell {cell} can be deduced from its margins and no "
                "other cell is left to withhold")
        withheld |= choice
    raise DisclosureError(f"{where}: complementary suppression did not converge")


def _options(system: System, withheld: set[str], cell: str,
             margins: set[str]) -> list[frozenset[str]]:
    """Sets of published cells whose withholding may widen ``cell``: one partner of a margin
    it is in, or the three other corners of a rectangle (two margins it is in, a partner
    in each and the cell those partners share a margin with), as in the hypercube method.
    """
    def usable(k: str) -> bool:
        return k not in withheld and k not in margins and system.values.get(k, 0) > 0

    own = [eq for eq in system.equations if cell in eq.cells]
    options = {frozenset([k]) for k in system.neighbours(cell) if usable(k)}
    for i, first in enumerate(own):
        for second in own[i + 1:]:
            for r in first.cells:
                for c in second.cells:
                    if cell in (r, c):
                        continue
                    corners = set(system.neighbours(r)) & set(system.neighbours(c)) - {cell}
                    for corner in corners:
                        option = frozenset(k for k in (r, c, corner) if k not in withheld)
                        if option and all(usable(k) for k in option):
                            options.add(option)
    return sorted(options, key=lambda o: (sum(system.values[k] for k in o), sorted(o)))


def _cheapest(system: System, withheld: set[str], cell: str, need: float,
              margins: set[str]) -> frozenset[str] | None:
    """The cheapest option (fewest people hidden) that gives ``cell`` its range, else the
    one that widens it most; None when nothing widens it."""
    best, best_width = None, _width(replace(system, withheld=withheld), cell)
    for option in _options(system, withheld, cell, margins):
        width = _width(replace(system, withheld=withheld | option), cell)
        if width >= need - 1e-9:
            return option
        if width > best_width + 1e-9:
            best, best_width = option, width
    return best


def _width(system: System, cell: str) -> float:
    bounds = intervals(system, [cell])
    return float(bounds.at[cell, "high"] - bounds.at[cell, "low"])
