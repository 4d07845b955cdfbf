"""Hashes of input folders: what a run's cache key sees before anything is read."""

from __future__ import annotations

import os

from pipeline.fingerprint import folder_hashes, sha256_file


def test_a_symlink_is_named_not_followed(tmp_path):
    wave = tmp_path / "w1"
    wave.mkdir()
    (wave / "companies.csv").write_text("company_id\nC01\n")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # following it would block forever
    (wave / "worker_survey.csv").symlink_to(fifo)
    (wave / ".hidden").write_text("x")
    hashes = folder_hashes(wave)
    assert hashes == {"companies.csv": sha256_file(wave / "companies.csv"),
                      "worker_survey.csv": f"symlink:{fifo}"}
