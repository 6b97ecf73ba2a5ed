"""Helpers shared by the scripts of Scripts/bench: thread count, timing, peak memory.

Not a benchmark itself; the bench_*.py scripts import it from their own directory.
"""
import os
import resource
import time


def thread_count():
    """Threads to use: OMP_NUM_THREADS when set (the Makefile sets it from THREADS), else every core."""
    value = os.environ.get("OMP_NUM_THREADS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return os.cpu_count() or 1


def env_int(name, default):
    """An integer setting from the environment (REPEATS, WIDTH, ...)."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def run_times(fn, repeats, warmup=1):
    """Wall-clock seconds of `repeats` calls of fn, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    seconds = []
    for _ in range(repeats):
        began = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - began)
    return seconds


def spread(values):
    """(min, median, max); the median of an even count is the upper middle value."""
    ordered = sorted(values)
    return ordered[0], ordered[len(ordered) // 2], ordered[-1]


def peak_rss_mib():
    """Peak resident set size of this process in MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
