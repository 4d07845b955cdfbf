"""Write the deterministic fixture the R reference script reads.

Regenerate (only if the fixture must change; then re-run ``reference.R`` too)::

    python tests/analyse/stats/reference/make_fixture.py

It writes ``fixture_companies.csv`` and ``fixture_workers.csv`` next to this file. The
companies are chosen to exercise every branch of the contract's post-stratification rule:

- C01, C07, C09, C11, C13: F, M and X/NR respondents (three cells);
- C02: no F respondent although women are employed -> collapsed to one cell of N;
- C03: no M respondent although men are employed -> collapsed;
- C04: a single (F) respondent -> collapsed, lonely stratum;
- C05: share_women = 0 and no F respondent -> not collapsed (the F cell has no population);
- C06: census (n = N), zero finite-population variance;
- C08: share_women = 1, only F respondents -> not collapsed;
- C10: one F and one M respondent;
- C12: a single respondent with gender X -> one "other" cell of N;
- C14: share_women = 0 but an F respondent -> collapsed (extension of the rule, see weights.py).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
MEASURES = ["FLEX_HOURS", "NURSERY_SHARED", "ELDERCARE_SERVICES"]

# company_id, n_employees, share_women, flex_hours_active, respondents by gender (F, M, X, NR)
COMPANIES = [
    ("C01", 120, 0.55, 1, (18, 16, 2, 2)),
    ("C02", 45, 0.30, 0, (0, 14, 0, 1)),
    ("C03", 80, 0.70, 1, (19, 0, 0, 1)),
    ("C04", 25, 0.40, 0, (1, 0, 0, 0)),
    ("C05", 60, 0.00, 0, (0, 17, 0, 1)),
    ("C06", 12, 0.50, 1, (6, 6, 0, 0)),
    ("C07", 300, 0.45, 1, (26, 28, 3, 3)),
    ("C08", 9, 1.00, 0, (5, 0, 0, 0)),
    ("C09", 150, 0.35, 0, (12, 21, 0, 2)),
    ("C10", 40, 0.50, 1, (1, 1, 0, 0)),
    ("C11", 200, 0.60, 1, (28, 19, 3, 0)),
    ("C12", 30, 0.20, 0, (0, 0, 1, 0)),
    ("C13", 90, 0.50, 0, (17, 18, 2, 3)),
    ("C14", 50, 0.00, 1, (1, 5, 0, 0)),
]


def main() -> None:
    rng = np.random.default_rng(20131)
    companies = pd.DataFrame(
        [c[:4] for c in COMPANIES],
        columns=["company_id", "n_employees", "share_women", "flex_hours_active"],
    )
    rows = []
    k = 0
    for cid, _n_emp, _s, flex, counts in COMPANIES:
        company_effect = rng.normal(0, 0.5)
        for gender, count in zip(["F", "M", "X", "NR"], counts, strict=True):
            for _ in range(count):
                k += 1
                female = gender == "F"
                children = int(rng.choice([0, 0, 1, 2, 3]))
                part_time = rng.random() < (0.35 if female else 0.08)
                latent = company_effect + 0.4 * female + 0.3 * children + rng.normal(0, 1)
                row = {
                    "resp_id": f"R{k:04d}",
                    "company_id": cid,
                    "gender": gender,
                    "age_band": rng.choice(["<25", "25-34", "35-44", "45-54", "55+"]),
                    "n_children_u14": children if rng.random() > 0.05 else None,
                    "care_dependent_adult": rng.choice(
                        ["no", "no", "no", "yes_household", "yes_outside", "NR"]
                    ),
                    "work_time": "part_time" if part_time else "full_time",
                }
                for j, m in enumerate(MEASURES):
                    if rng.random() < 0.12:
                        row[f"need_imp_{m}"] = None
                    else:
                        v = 2.4 + 0.5 * latent - 0.3 * j - 0.3 * flex + rng.normal(0, 0.9)
                        row[f"need_imp_{m}"] = int(np.clip(np.rint(v), 1, 4))
                row["wlb_fit"] = (
                    None if rng.random() < 0.05
                    else int(np.clip(np.rint(2.2 + 0.5 * latent + rng.normal(0, 0.8)), 1, 4))
                )
                for prefix, shift in (("wfc", 0.0), ("fwc", -0.8)):
                    for i in range(1, 6):
                        if rng.random() < 0.06:
                            row[f"{prefix}_{i}"] = None
                        else:
                            v = 3.8 + shift + 0.9 * latent - 0.4 * flex + rng.normal(0, 1.0)
                            row[f"{prefix}_{i}"] = int(np.clip(np.rint(v), 1, 7))
                rows.append(row)
    workers = pd.DataFrame(rows)
    int_cols = [c for c in workers.columns if c.startswith(("need_imp_", "wfc_", "fwc_"))]
    for c in [*int_cols, "wlb_fit", "n_children_u14"]:
        workers[c] = workers[c].astype("Int64")
    companies.to_csv(HERE / "fixture_companies.csv", index=False)
    workers.to_csv(HERE / "fixture_workers.csv", index=False)


if __name__ == "__main__":
    main()
