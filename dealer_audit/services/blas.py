"""One BLAS thread for the statistics' many small matrix products (calibration and key-driver bootstraps).

Why: each bootstrap is one product of a (replicates × units) weight matrix, small enough that the maths
library's worker threads cost more in start-up and spinning than they save. On the 2-core machine the
benchmark runs on, calibration took 1.24 s CPU with the default threads and 0.36 s with one, while the report
workers (one process per core) lose nothing. threadpoolctl sets the limit for the duration of a block and
restores it after, for whichever BLAS numpy loaded (OpenBLAS, MKL, BLIS).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_limits


@contextmanager
def one_blas_thread() -> Iterator[None]:
    with threadpool_limits(limits=1, user_api="blas"):
        yield
