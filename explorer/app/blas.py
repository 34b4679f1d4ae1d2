"""How many threads BLAS may use in a dashboard's kernel: the browser needs a core too.

A student's browser usually draws the dashboard on the machine that runs its kernel. OpenBLAS
spreads every matrix product over all cores and waits for the slowest thread, so a core busy
drawing stalls every product. Measured on a 2-core machine, one L-BFGS step of 64-25 on 10,000
patches: 33 ms with 2 threads and 31 ms with 1 on an idle machine; 84 ms with 2 and 31 ms
with 1 while the other core was busy. The gradient check's 20-row products suffered worse
(80 s with 2 threads under load, 0.9 s with 1, at 784-196).
"""

from __future__ import annotations

import contextlib
import os

from threadpoolctl import threadpool_limits


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def leave_a_core() -> contextlib.AbstractContextManager:
    """BLAS on every core but one (at least one) while the play loop trains."""
    return threadpool_limits(limits=max(1, _cores() - 1), user_api="blas")


def one_thread() -> contextlib.AbstractContextManager:
    """BLAS on one thread: for small products, where threads only wait on each other."""
    return threadpool_limits(limits=1, user_api="blas")
