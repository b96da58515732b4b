"""The bootstraps' BLAS limit: one thread inside the block, the library's own setting restored after."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_info

from dealer_audit.services.blas import one_blas_thread


def _blas_threads() -> list[int]:
    np.ones((2, 2)) @ np.ones((2, 2))  # numpy's BLAS is loaded by now
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_one_blas_thread_inside_the_block_and_the_setting_restored_after() -> None:
    before = _blas_threads()
    assert before, "numpy has no BLAS loaded"
    with one_blas_thread():
        assert _blas_threads() == [1] * len(before)
    assert _blas_threads() == before
