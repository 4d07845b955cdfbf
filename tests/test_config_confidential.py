"""Where the confidential company reports live: beside ``reports/``, a private tree."""

from __future__ import annotations

import pytest

from pipeline.config import WaveLabelError, get_paths, is_private_path, private_root


def test_the_confidential_tree_is_beside_the_reports(project):
    paths = get_paths()
    assert paths.confidential == project / "confidential"
    assert paths.confidential_wave("2014-autunno") == project / "confidential" / "2014-autunno"
    assert paths.confidential_key == project / "data" / "work" / "confidential.key"
    assert paths.reports not in paths.confidential_wave("w1").parents
    for bad in ("../w1", "w1/x", ""):
        with pytest.raises(WaveLabelError):
            paths.confidential_wave(bad)


def test_the_whole_confidential_tree_is_private(project, monkeypatch):
    monkeypatch.delenv("WELFARE_PRIVATE_MODE", raising=False)
    paths = get_paths()
    tree = paths.confidential
    for inside in (tree, tree / "w1", tree / "w1" / "README.md",
                   tree / "w1" / "0a1b2c3d" / "report-en.pdf",
                   tree / ".w1.tmp-123-456-abcd" / "0a1b2c3d" / "report.pdf"):
        assert private_root(inside) == tree, inside
    assert private_root(paths.confidential_key) == paths.work
    # nothing under reports/ is private any more, an older version's folder included
    for public in (paths.report_wave("w1") / "confidential" / "C01.pdf",
                   paths.report_wave("w1") / "en" / "confidential" / "C01.html",
                   paths.reports / "confidential", project / "confidentiality.md"):
        assert private_root(public) is None, public
    monkeypatch.setenv("WELFARE_PRIVATE_MODE", "0")
    assert not is_private_path(tree / "w1" / "README.md")
