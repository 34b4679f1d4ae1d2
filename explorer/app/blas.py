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
import math
import os
from pathlib import Path

from threadpoolctl import threadpool_limits

#: Where a container's CPU limit is: cgroup v2's ``cpu.max`` ("quota period", or "max"), and
#: v1's quota and period files.
CGROUP = Path("/sys/fs/cgroup")
CGROUP_FILES = (("cpu.max",), ("cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us"))


def _cores(cgroup: Path = CGROUP) -> int:
    """The cores this process may use: those it may run on, and no more than its container's
    CPU limit allows. A Kubernetes pod limited to one CPU on a 64-core node may run on all 64,
    but 63 BLAS threads there would share one core's time."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    limit = _cpu_limit(cgroup)  # at least 1 when there is one: a positive quota, rounded up
    return min(cores, limit) if limit else cores


def _cpu_limit(cgroup: Path) -> int | None:
    """Whole cores the cgroup's CPU quota amounts to (rounded up), None without a quota."""
    for names in CGROUP_FILES:
        try:
            text = " ".join((cgroup / name).read_text() for name in names).split()
        except OSError:
            continue
        quota, period = text[0], text[1]
        if quota in ("max", "-1"):
            return None
        return math.ceil(int(quota) / int(period))
    return None


def leave_a_core() -> contextlib.AbstractContextManager:
    """BLAS on every core but one (at least one) while the play loop trains."""
    return threadpool_limits(limits=max(1, _cores() - 1), user_api="blas")


def one_thread() -> contextlib.AbstractContextManager:
    """BLAS on one thread: for small products, where threads only wait on each other."""
    return threadpool_limits(limits=1, user_api="blas")
