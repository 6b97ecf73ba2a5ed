"""t-SNE in scikit-learn and openTSNE on the CPU: seconds and final KL divergence.

Data: N points in 128 dimensions from 10 gaussian clusters (centres N(0, 4^2) per coordinate,
labels uniform, unit noise; numpy default_rng(0), drawn in that order), float32.
Settings, both libraries: 2-D embedding, perplexity 30, PCA initialisation, random_state 0,
1000 iterations in all of which 250 are early exaggeration, n_jobs = OMP_NUM_THREADS.
  sklearn      sklearn.manifold.TSNE, Barnes-Hut (max_iter=1000, n_iter on older versions)
  opentsne     openTSNE.TSNE with FFT-interpolated gradients (early_exaggeration_iter=250 + 750)
  opentsne_bh  openTSNE.TSNE with Barnes-Hut gradients, for reference
Runs `repeats` times (default 5), all timed (t-SNE has no warm-up effect worth discarding);
prints each run, min / median / max seconds and the median final KL, then peak RSS.

Setup (PyPI, outside the repository):
  python3 -m venv ~/venvs/ddcal-bench && ~/venvs/ddcal-bench/bin/pip install numpy scikit-learn openTSNE
Run:
  OMP_NUM_THREADS=2 ~/venvs/ddcal-bench/bin/python Scripts/bench/bench_tsne.py N {sklearn|opentsne|opentsne_bh} [repeats]
"""
import inspect
import os
import sys
import time

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import peak_rss_mib, spread, thread_count  # noqa: E402


def clusters(n):
    rng = np.random.default_rng(0)
    centres = rng.normal(0.0, 4.0, (10, 128))
    labels = rng.integers(0, 10, n)
    return (centres[labels] + rng.normal(0.0, 1.0, (n, 128))).astype(np.float32)


def iteration_keyword(cls, new, old):
    """The name this version of the library gives its iteration count."""
    return new if new in inspect.signature(cls).parameters else old


def sklearn_run(x, threads):
    import sklearn
    from sklearn.manifold import TSNE
    settings = dict(n_components=2, perplexity=30.0, init="pca", method="barnes_hut",
                    random_state=0, n_jobs=threads)
    settings[iteration_keyword(TSNE, "max_iter", "n_iter")] = 1000
    began = time.perf_counter()
    model = TSNE(**settings)
    model.fit_transform(x)
    return (time.perf_counter() - began, float(model.kl_divergence_),
            f"sklearn {sklearn.__version__} n_iter_={model.n_iter_}")


def opentsne_run(x, threads, gradients):
    import openTSNE
    from openTSNE import TSNE
    settings = dict(n_components=2, perplexity=30, early_exaggeration_iter=250, initialization="pca",
                    negative_gradient_method=gradients, n_jobs=threads, random_state=0, verbose=False)
    settings[iteration_keyword(TSNE, "n_iter", "max_iter")] = 750
    began = time.perf_counter()
    embedding = TSNE(**settings).fit(x)
    return (time.perf_counter() - began, float(embedding.kl_divergence),
            f"openTSNE {openTSNE.__version__} ({gradients})")


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in ("sklearn", "opentsne", "opentsne_bh"):
        sys.exit("usage: bench_tsne.py N {sklearn|opentsne|opentsne_bh} [repeats]")
    n, library = int(sys.argv[1]), sys.argv[2]
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    threads = thread_count()
    x = clusters(n)
    print(f"t-SNE {library} N={n} threads={threads} repeats={repeats}", flush=True)
    run = {"sklearn": lambda: sklearn_run(x, threads),
           "opentsne": lambda: opentsne_run(x, threads, "fft"),
           "opentsne_bh": lambda: opentsne_run(x, threads, "bh")}[library]
    seconds, kls = [], []
    for rep in range(repeats):
        t, kl, version = run()
        seconds.append(t)
        kls.append(kl)
        print(f"  rep {rep}: {t:.2f} s  KL {kl:.4f}", flush=True)
    low, median, high = spread(seconds)
    print(f"t-SNE {version} N={n} dim=128: s min/median/max = {low:.2f} / {median:.2f} / {high:.2f} "
          f"(n={repeats})  final KL median {np.median(kls):.4f}")
    print(f"peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
