"""Reference numbers for Tests/AnalysisTests (SVD of image data, the paper's Eq. 2-3).

Writes into Tests/AnalysisTests/Fixtures/:
    tall.npy   float32 [300, 48]   low-rank structure plus noise (N >= D: XᵀX path)
    wide.npy   float32 [20, 90]    fewer rows than columns (XXᵀ path)
    images.npy float32 [4, 2, 12, 10]  per-image matrices
    svd.json   for each: numpy float64 singular values, numpy's float32 rank
               (matrix_rank rule: tol = max(m, n) * s_max * eps_float32), and the rebuilt
               matrix without the top ceil(0.25 * rank) components, X - U_k S_k V_kᵀ, in float64;
               for images: the mean per-matrix singular values, the largest per-matrix rank
               and the rebuilt images (each matrix dropping its own top ceil(0.25 * rank_i)).

Run: python3 Scripts/reference/svd_reference.py   (numpy from PyPI)
"""
import json
import math
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "AnalysisTests", "Fixtures")
EPS32 = float(np.finfo(np.float32).eps)


def rank(s, m, n):
    return int((s > max(m, n) * s[0] * EPS32).sum()) if s[0] > 0 else 0


def drop(x, fraction):
    u, s, vt = np.linalg.svd(x.astype(np.float64), full_matrices=False)
    k = min(rank(s, *x.shape), math.ceil(fraction * rank(s, *x.shape)))
    return x - (u[:, :k] * s[:k]) @ vt[:k], k, s


def matrix_case(name, x, fraction=0.25):
    rebuilt, k, s = drop(x, fraction)
    return {"name": name, "singular_values": s.tolist(), "rank": rank(s, *x.shape),
            "fraction": fraction, "dropped": k, "rebuilt": rebuilt.ravel().tolist()}


def image_case(images, fraction=0.25):
    n, c, h, w = images.shape
    sums, ranks, rebuilt, largest = np.zeros(min(h, w)), [], np.empty(images.shape), 0
    for i in range(n):
        for j in range(c):
            r, k, s = drop(images[i, j], fraction)
            sums += s
            ranks.append(rank(s, h, w))
            rebuilt[i, j] = r
            largest = max(largest, k)
    return {"name": "images", "singular_values": (sums / (n * c)).tolist(), "rank": max(ranks),
            "fraction": fraction, "dropped": largest, "rebuilt": rebuilt.ravel().tolist()}


def main():
    rng = np.random.default_rng(20261204)
    tall = (rng.normal(size=(300, 6)) @ rng.normal(size=(6, 48)) * 3
            + rng.normal(size=(300, 48)) * 0.1).astype(np.float32)
    wide = rng.normal(size=(20, 90)).astype(np.float32)
    wide[:, :30] += 4 * rng.normal(size=(20, 1)).astype(np.float32)
    images = rng.normal(size=(4, 2, 12, 10)).astype(np.float32)
    images += np.linspace(0, 3, 10, dtype=np.float32)
    os.makedirs(OUT, exist_ok=True)
    for name, array in [("tall", tall), ("wide", wide), ("images", images)]:
        np.save(os.path.join(OUT, name + ".npy"), array)
    cases = [matrix_case("tall", tall), matrix_case("wide", wide), image_case(images)]
    with open(os.path.join(OUT, "svd.json"), "w") as f:
        json.dump({"generator": "Scripts/reference/svd_reference.py", "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
