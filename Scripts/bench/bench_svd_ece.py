"""Analysis kernels in numpy/scipy on the CPU: a thin SVD, and the ECE of a logit set.

  500 | 5000  thin SVD (U, S, Vt with full_matrices=False) of a float32 M x 3072 standard-normal
              matrix (M = the argument), with numpy.linalg.svd; its singular values alone; and
              LAPACK's sgesdd with jobz 'S' called directly through scipy.linalg.lapack (skipped
              when scipy is missing). REPEATS timed calls (default 5; 3 for the values alone and
              for M > 1000 without warm-up).
  ece         expected calibration error of 10000 x 100 float32 logits (N(0, 3^2)) with random
              labels, 15 equal-width confidence bins: softmax, top confidence and prediction,
              per-bin |accuracy sum - confidence sum| / N, in numpy (21 calls after 3 warm-up);
              and netcal's ECE(bins=15) on the softmax probabilities (5 calls; skipped when
              netcal is missing).

Setup (PyPI, outside the repository):
  python3 -m venv ~/venvs/ddcal-bench && ~/venvs/ddcal-bench/bin/pip install numpy scipy threadpoolctl netcal
Run:
  OMP_NUM_THREADS=2 ~/venvs/ddcal-bench/bin/python Scripts/bench/bench_svd_ece.py {500|5000|ece}
Threads: the BLAS/LAPACK pools are limited to OMP_NUM_THREADS (every core when unset) through
threadpoolctl; without threadpoolctl, set OPENBLAS_NUM_THREADS as well.
"""
import contextlib
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import env_int, run_times, spread, thread_count  # noqa: E402

try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:  # optional: without it the pools follow OPENBLAS_NUM_THREADS
    threadpool_info, threadpool_limits = None, None


def line(label, seconds, unit="s", digits=4, scale=1.0):
    low, median, high = spread(seconds)
    f = f"{{:.{digits}f}}"
    return f"{label}: {unit} min/median/max = " + " / ".join(f.format(v * scale) for v in (low, median, high))


def svd(m, repeats, rng):
    a = rng.standard_normal((m, 3072), dtype=np.float32)
    np.linalg.svd(a[:100], full_matrices=False)  # loads the LAPACK path on a small matrix
    small = m <= 1000
    seconds = run_times(lambda: np.linalg.svd(a, full_matrices=False), repeats, warmup=1 if small else 0)
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    error = np.abs((u * s) @ vt - a).max()
    print(line(f"SVD float32 {m}x3072 full_matrices=False", seconds)
          + f"  (U {u.shape} {u.dtype}, recon err {error:.2e})", flush=True)
    seconds = run_times(lambda: np.linalg.svd(a, compute_uv=False), 5 if small else 3, warmup=0)
    print("  " + line(f"singular values only {m}x3072", seconds), flush=True)
    try:
        from scipy.linalg import lapack
        import scipy
    except ImportError:
        print("  sgesdd skipped: scipy is not installed")
        return
    fortran = np.asfortranarray(a)
    seconds = run_times(lambda: lapack.sgesdd(fortran, compute_uv=1, full_matrices=0), repeats,
                        warmup=1 if small else 0)
    u, s, vt, info = lapack.sgesdd(fortran, compute_uv=1, full_matrices=0)
    error = np.abs((u * s) @ vt - a).max()
    print("  " + line(f"sgesdd jobz 'S' via scipy {scipy.__version__} lapack {m}x3072", seconds)
          + f"  (info {info}, recon err {error:.2e})", flush=True)


def ece_numpy(logits, labels, bins=15):
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=1, keepdims=True)
    confidence = p.max(axis=1)
    correct = (p.argmax(axis=1) == labels).astype(np.float64)
    which = np.minimum((confidence * bins).astype(np.int64), bins - 1)
    accuracy_sum = np.bincount(which, weights=correct, minlength=bins)
    confidence_sum = np.bincount(which, weights=confidence, minlength=bins)
    return float(np.abs(accuracy_sum - confidence_sum).sum() / len(labels))


def ece(rng):
    logits = rng.standard_normal((10000, 100), dtype=np.float32) * 3
    labels = rng.integers(0, 100, 10000)
    seconds = run_times(lambda: ece_numpy(logits, labels), 21, warmup=3)
    print(line("ECE 10000x100 (softmax + 15 bins) numpy", seconds, unit="ms", digits=3, scale=1e3)
          + f"  value {ece_numpy(logits, labels):.5f}", flush=True)
    try:
        import netcal
        from netcal.metrics import ECE
    except Exception as error:  # optional
        print("netcal ECE skipped:", repr(error)[:200])
        return
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=1, keepdims=True)
    metric = ECE(bins=15)
    seconds = run_times(lambda: metric.measure(p, labels), 5, warmup=1)
    print(line(f"ECE netcal {netcal.__version__} (probabilities in, 15 bins)", seconds, unit="ms",
               digits=2, scale=1e3) + f"  value {metric.measure(p, labels):.5f}", flush=True)


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "500"
    if what != "ece" and not what.isdigit():
        sys.exit("usage: bench_svd_ece.py {500|5000|ece}")
    threads = thread_count()
    repeats = env_int("REPEATS", 5)
    rng = np.random.default_rng(0)
    pools = [(i["internal_api"], i["version"], i["architecture"], i["num_threads"])
             for i in threadpool_info()] if threadpool_info else "threadpoolctl missing"
    print("numpy", np.__version__, "threads", threads, pools, flush=True)
    limit = threadpool_limits(limits=threads) if threadpool_limits else contextlib.nullcontext()
    with limit:
        if what == "ece":
            ece(rng)
        else:
            svd(int(what), repeats, rng)


if __name__ == "__main__":
    main()
