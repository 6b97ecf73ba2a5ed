"""The points of Scripts/bench/bench_tsne.py as .npy, so that `ddcal-bench tsne` embeds
exactly the data scikit-learn and openTSNE are timed on: N points in 128 dimensions from 10
Gaussian clusters (centres N(0, 4^2), unit noise), numpy default_rng(0), float32.

Run: python3 Scripts/reference/tsne_bench_data.py DIR [N ...]   (default N: 2000 10000)
     DDCAL_TSNE_DATA=DIR .build/release/ddcal-bench tsne
"""
import os
import sys

import numpy as np


def points(n):
    rng = np.random.default_rng(0)
    centers = rng.normal(0, 4.0, (10, 128))
    lab = rng.integers(0, 10, n)
    return (centers[lab] + rng.normal(0, 1.0, (n, 128))).astype(np.float32)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for n in [int(a) for a in sys.argv[2:]] or [2000, 10000]:
        np.save(os.path.join(out, f"x_{n}.npy"), points(n))
        print(f"{out}/x_{n}.npy")


if __name__ == "__main__":
    main()
