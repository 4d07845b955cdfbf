"""Hashes of input folders: what a run's cache key sees before anything is read."""

from __future__ import annotations

import os

from pipeline.fingerprint import folder_hashes, sha256_file


def test_a_symlink_is_named_not_followed(tmp_path):
    (tmp_path / "companies.csv").write_text("company_id\nC01\n")
    fifo = tmp_path.parent / f"{tmp_path.name}-fifo"
    os.mkfifo(fifo)  # following it would block forever
    (tmp_path / "worker_survey.csv").symlink_to(fifo)
    (tmp_path / ".hidden").write_text("x")
    hashes = folder_hashes(tmp_path)
    assert hashes == {"companies.csv": sha256_file(tmp_path / "companies.csv"),
                      "worker_survey.csv": f"symlink:{fifo}"}
