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
