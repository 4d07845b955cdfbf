"""Each worker of a run gets its share of the cores for NumPy's linear algebra
(:func:`pipeline.run.procs.share_cores`), in its own process and in the kernels it starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = """
import json, os, sys
import numpy  # loaded before, as in a worker forked from the run's process
from threadpoolctl import threadpool_info
from pipeline.run.procs import NATIVE_THREAD_VARS, share_cores
threads = share_cores(int(sys.argv[1]))
blas = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
print(json.dumps({"threads": threads, "blas": blas,
                  "env": {v: os.environ.get(v) for v in NATIVE_THREAD_VARS}}))
"""


def _probe(workers: int, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", PROBE, str(workers)], env={**clean, **env},
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_as_many_workers_as_cores_run_one_thread_each():
    cores = os.cpu_count() or 1
    found = _probe(cores)
    assert found["threads"] == 1
    assert found["blas"] and set(found["blas"]) == {1}  # NumPy, loaded before: limited too
    assert set(found["env"].values()) == {"1"}  # what the worker's kernel inherits


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores")
def test_one_worker_keeps_every_core():
    found = _probe(1)
    assert found["threads"] == os.cpu_count()
    assert set(found["blas"]) == {os.cpu_count()}


def test_a_limit_the_user_set_is_kept():
    found = _probe(os.cpu_count() or 1, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="3")
    assert found["env"]["OMP_NUM_THREADS"] == "3"
    assert found["env"]["OPENBLAS_NUM_THREADS"] == "1"
