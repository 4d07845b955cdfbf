"""Notebooks for tests: the project's own, linked into a temporary project, and a tiny
company report notebook for runs that need one quickly."""

from __future__ import annotations

from pathlib import Path

REPO_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

#: A company report notebook that only prints its company: runs fast, renders anywhere.
COMPANY_NOTEBOOK = """# %% tags=["parameters"]
wave = "w"
lang = "it"
processed_dir = None
company_id = None

# %% [markdown]
# ## Company report

# %%
print("report of", company_id)
"""


def link_notebooks(root: Path) -> Path:
    """Link the project's notebooks into the temporary project ``root``.

    The sentences the notebooks say live in their own ``text`` cells, which the text
    catalogue reads from the project's ``notebooks/`` (``pipeline.i18n.text``): a project
    root without them has no report prose.
    """
    link = Path(root) / "notebooks"
    link.symlink_to(REPO_NOTEBOOKS, target_is_directory=True)
    return link


def section_notebook(table: str = "companies", name: str = "context",
                     heading: str | None = None, then: str = "") -> str:
    """A section notebook (jupytext percent) that reads ``table`` and publishes its row
    count as ``<name>.csv``: a section of a run, quickly, without the project's notebooks.
    ``then``: code run after that (in the same cell)."""
    return f'''# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   welfare:
#     tables: [{table}]
# ---

# %% tags=["parameters"]
wave = "w"
lang = "it"
processed_dir = None
tables_dir = None
min_cell = 5

# %%
from pathlib import Path
import pandas as pd
df = pd.read_parquet(Path(processed_dir) / "{table}.parquet")
Path(tables_dir).mkdir(parents=True, exist_ok=True)
pd.DataFrame({{"rows": [len(df)]}}).to_csv(Path(tables_dir) / "{name}.csv", index=False)
{then}
# %% [markdown]
# ## {heading or name}
'''
