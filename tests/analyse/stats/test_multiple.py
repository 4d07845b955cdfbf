"""pipeline.analyse.stats.multiple against R's ``p.adjust`` (reference/reference.R: methods "holm"
and "BH" on a vector with ties and an NA) and ``statsmodels.stats.multitest.multipletests``
("holm", "fdr_bh")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from pipeline.analyse.stats.multiple import adjust_pvalues


@pytest.fixture(scope="module")
def family(ref):
    t = ref.block("p.adjust_holm").reset_index()
    t["i"] = t["item"].astype(int)
    return t.sort_values("i")["p"].astype(float).to_numpy()


@pytest.mark.parametrize(("method", "r_name"), [("holm", "holm"), ("fdr_bh", "BH"), ("BH", "BH")])
def test_matches_r_p_adjust(ref, family, method, r_name):
    out = adjust_pvalues(family, method)
    t = ref.block(f"p.adjust_{r_name}").reset_index()
    expected = t.assign(i=t["item"].astype(int)).sort_values("i")["p_adjusted"].astype(float)
    np.testing.assert_allclose(out["p_adjusted"], expected.to_numpy(), rtol=1e-14)
    assert np.isnan(out["p_adjusted"].iloc[8]) and not out["reject"].iloc[8]
    assert (out["n"] == 9).all()


@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
def test_matches_statsmodels(family, method):
    p = family[~np.isnan(family)]
    reject, adj, _, _ = multipletests(p, alpha=0.05, method=method)
    out = adjust_pvalues(p, method, alpha=0.05)
    np.testing.assert_allclose(out["p_adjusted"], adj, rtol=1e-14)
    assert (out["reject"].to_numpy() == reject).all()


def test_dataframe_in_dataframe_out():
    table = pd.DataFrame({"estimate": [0.1, 0.2, 0.3], "p_value": [0.01, 0.02, 0.5]},
                         index=["a", "b", "c"])
    out = adjust_pvalues(table, "holm")
    assert list(out.index) == ["a", "b", "c"]
    assert out["p_adjusted"].tolist() == pytest.approx([0.03, 0.04, 0.5])
    assert "estimate" in out and out["p_adjust_method"].iloc[0].startswith("Holm")


def test_refuses_bad_input():
    with pytest.raises(ValueError):
        adjust_pvalues([0.1, 1.2])
    with pytest.raises(ValueError):
        adjust_pvalues([0.1], "bonferroni-ish")
