"""Fixtures of the statistics tests: the fixture data and the reference values R computed.

The reference values come from ``reference/reference.R`` (R's survey, psych, effectsize and
sandwich packages), run once and committed; these tests never run R.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

REF = Path(__file__).parent / "reference"


def _read_workers() -> pd.DataFrame:
    w = pd.read_csv(REF / "fixture_workers.csv", keep_default_na=False, na_values=[""])
    ordinal = [c for c in w.columns if c.startswith(("need_imp_", "wfc_", "fwc_"))]
    for c in [*ordinal, "wlb_fit"]:
        w[c] = w[c].astype("Int8")
    w["n_children_u14"] = w["n_children_u14"].astype("Int64")
    for c in ["resp_id", "company_id", "gender", "age_band", "care_dependent_adult", "work_time"]:
        w[c] = w[c].astype("str")
    return w


@pytest.fixture(scope="session")
def workers() -> pd.DataFrame:
    return _read_workers()


@pytest.fixture(scope="session")
def companies() -> pd.DataFrame:
    c = pd.read_csv(REF / "fixture_companies.csv")
    c["company_id"] = c["company_id"].astype("str")
    c["n_employees"] = c["n_employees"].astype("Int64")
    return c


@pytest.fixture(scope="session")
def r_rows() -> pd.DataFrame:
    return pd.read_csv(REF / "r_rows.csv", keep_default_na=False, na_values=[""])


class Reference:
    """Look-up of one value of ``r_reference.csv``."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self._d = {
            (r.block, r.item, r.group, r.quantity): r.value for r in table.itertuples()
        }

    def __call__(self, block: str, item: str, group: str, quantity: str) -> float:
        return float(self._d[(block, item, group, quantity)])

    def block(self, block: str) -> pd.DataFrame:
        t = self.table[self.table["block"] == block]
        return t.pivot_table(index=["item", "group"], columns="quantity", values="value",
                             aggfunc="first", dropna=False)


@pytest.fixture(scope="session")
def ref() -> Reference:
    t = pd.read_csv(REF / "r_reference.csv", keep_default_na=False, na_values=[""],
                    dtype={"item": str, "group": str})
    return Reference(t)


class Extras:
    """Look-up of one value of ``r_design_extras.csv`` (NaN where R wrote NA)."""

    def __init__(self) -> None:
        t = pd.read_csv(REF / "r_design_extras.csv", keep_default_na=False, na_values=[""],
                        dtype={"item": str, "group": str})
        self._d = {(r.block, r.item, r.group, r.quantity): r.value for r in t.itertuples()}

    def __call__(self, block: str, item: str, group: str, quantity: str) -> float:
        return float(self._d[(block, item, group, quantity)])

    def has(self, block: str, item: str, group: str, quantity: str) -> bool:
        return (block, item, group, quantity) in self._d

    def keys(self, block: str):
        return [k for k in self._d if k[0] == block]


@pytest.fixture(scope="session")
def rx() -> Extras:
    return Extras()
