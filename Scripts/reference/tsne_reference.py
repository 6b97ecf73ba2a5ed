"""Reference numbers for Tests/AnalysisTests: t-SNE affinities, gradients, KL and trustworthiness.

Input: N = 150 float32 points in D = 10 dimensions, three Gaussian clusters (centres N(0, 3²),
unit noise, 50 points each, numpy default_rng(2023)).

Affinities (perplexity 30), scikit-learn's definitions:
    nearest-neighbour P: k = min(N - 1, int(3 * perplexity)) = 90 neighbours (openTSNE's k; the
        squared distances are summed in float64 from the float32 points, ties broken by index),
        then sklearn.manifold._t_sne._joint_probabilities_nn: bisection on beta_i so that the
        entropy of p_{j|i} = exp(-beta_i d_ij) / sum equals log(perplexity) to 1e-5 nats,
        P = (C + C^T) / sum(C + C^T). Cross-checked against sklearn's own k-NN graph.
    dense P: sklearn.manifold._t_sne._joint_probabilities on the full squared distance
        matrix (method="exact"); not stored (it would double the file), but checked through
        the dense gradient below, which uses it.
    P values are stored to 9 significant digits.
Gradients at a fixed embedding Y0 (sklearn's final exact embedding / 4, float64):
    dense:  sklearn _kl_divergence (KL and 4 sum_j (p_ij - q_ij) w_ij (y_i - y_j))
    sparse: sklearn _kl_divergence_bh with angle = 0 (all pairs; float32 inside)
Runs (init="pca", random_state=0, 1000 iterations, learning_rate="auto"):
    sklearn TSNE method="exact" and method="barnes_hut" (angle 0.5): kl_divergence_, and the
    trustworthiness (sklearn.manifold.trustworthiness, n_neighbors=5) of their embeddings;
    their KL and trustworthiness from 8 random starts (init="random", random_state 0..7):
    single runs on 150 points land in different local minima (KL spread of about 3 %), so
    the tests compare means over starts;
    the initial PCA embedding (sklearn's init: PCA scores / std(column 0) * 1e-4);
    openTSNE (FFT) KL for information when openTSNE imports.
FFT accuracy: at Y0 scaled by 1, 8 and 40 (extents about 11, 87 and 433), openTSNE's
    estimate_negative_gradient_fft_2d (3 interpolation points, at least 50 boxes of side <= 1)
    against the exact sums: relative error of Z and of the repulsive gradient (its norm over
    all points), the accuracy ddcal's FFT repulsion is held to.

Run: python3 Scripts/reference/tsne_reference.py > Tests/AnalysisTests/Fixtures/tsne.json
"""
import inspect
import json
import sys

import numpy as np
import sklearn
from scipy.sparse import csr_matrix
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness
from sklearn.manifold._t_sne import _joint_probabilities, _joint_probabilities_nn
from sklearn.manifold._t_sne import _kl_divergence, _kl_divergence_bh
from sklearn.neighbors import NearestNeighbors

N, D, PERPLEXITY = 150, 10, 30.0


def rounded(values, digits=9):
    """Floats with `digits` significant digits (the fixture stays small; tests compare to 1e-9)."""
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, np.float64).ravel()]


def make_points():
    rng = np.random.default_rng(2023)
    centres = rng.normal(0, 3.0, (3, D))
    labels = np.repeat(np.arange(3), N // 3)
    x = (centres[labels] + rng.normal(0, 1.0, (N, D))).astype(np.float32)
    return x, labels


def squared_distances(x):
    x64 = x.astype(np.float64)
    return ((x64[:, None, :] - x64[None, :, :]) ** 2).sum(-1)


def knn_graph(d2, k):
    """CSR of the k smallest squared distances per row (self excluded, ties by index)."""
    n = d2.shape[0]
    rows, cols, vals = [], [], []
    for i in range(n):
        order = np.lexsort((np.arange(n), d2[i]))
        order = order[order != i][:k]
        rows += [i] * k
        cols += order.tolist()
        vals += d2[i, order].tolist()
    return csr_matrix((vals, (rows, cols)), shape=(n, n))


def sparse_p(x, k):
    p = _joint_probabilities_nn(knn_graph(squared_distances(x), k), PERPLEXITY, 0)
    p = csr_matrix(p)
    p.sort_indices()
    # sklearn's own path: NearestNeighbors distances (float32), squared.
    graph = NearestNeighbors(n_neighbors=k).fit(x).kneighbors_graph(mode="distance")
    graph.data **= 2
    own = csr_matrix(_joint_probabilities_nn(graph, PERPLEXITY, 0))
    print(f"kNN P vs sklearn's own kNN path: max |diff| {abs(p - own).max():.3g}", file=sys.stderr)
    return p


def dense_p(x):
    return _joint_probabilities(squared_distances(x).astype(np.float32), PERPLEXITY, 0)


def run_tsne(x, method, init="pca", seed=0):
    kw = dict(n_components=2, perplexity=PERPLEXITY, init=init, method=method, random_state=seed,
              learning_rate="auto")
    kw["max_iter" if "max_iter" in inspect.signature(TSNE).parameters else "n_iter"] = 1000
    model = TSNE(**kw)
    y = model.fit_transform(x)
    return model, y


def random_starts(x, method):
    kl, t = [], []
    for seed in range(8):
        model, y = run_tsne(x, method, "random", seed)
        kl.append(float(model.kl_divergence_))
        t.append(float(trustworthiness(x, y, n_neighbors=5)))
    return {"kl": kl, "trustworthiness": t}


def pca_init(x):
    scores = PCA(n_components=2, svd_solver="randomized", random_state=0).fit_transform(x)
    scores = scores.astype(np.float32)
    return scores / np.std(scores[:, 0]) * 1e-4


def opentsne_kl(x):
    try:
        import openTSNE
    except ImportError:
        return None
    emb = openTSNE.TSNE(perplexity=PERPLEXITY, initialization="pca", negative_gradient_method="fft",
                        random_state=0, n_jobs=1).fit(x)
    return float(emb.kl_divergence)


def opentsne_fft_errors(y0):
    try:
        from openTSNE import _tsne
    except ImportError:
        return None
    out = []
    for scale in [1.0, 8.0, 40.0]:
        y = np.ascontiguousarray(y0.reshape(-1, 2) * scale)
        g = np.zeros_like(y)
        z_fft = _tsne.estimate_negative_gradient_fft_2d(y, g, n_interpolation_points=3, min_num_intervals=50,
                                                        ints_in_interval=1, dof=1)
        diff = y[:, None, :] - y[None, :, :]
        w = 1 / (1 + (diff ** 2).sum(-1))
        np.fill_diagonal(w, 0)
        z = w.sum()
        neg = -((w ** 2)[:, :, None] * diff).sum(1) / z
        out.append({"scale": scale, "z_error": float(abs(z_fft - z) / z),
                    "gradient_error": float(np.linalg.norm(g - neg) / np.linalg.norm(neg))})
    return out


def main():
    x, labels = make_points()
    k = min(N - 1, int(3 * PERPLEXITY))
    p = sparse_p(x, k)
    condensed = dense_p(x)
    exact_model, exact_y = run_tsne(x, "exact")
    bh_model, bh_y = run_tsne(x, "barnes_hut")
    y0 = (exact_y.astype(np.float64) / 4).ravel()
    kl_dense, grad_dense = _kl_divergence(y0, condensed, 1, N, 2)
    kl_sparse, grad_sparse = _kl_divergence_bh(y0.copy(), p, 1, N, 2, angle=0.0)
    out = {
        "generator": f"Scripts/reference/tsne_reference.py, scikit-learn {sklearn.__version__}",
        "n": N, "d": D, "perplexity": PERPLEXITY, "k": k,
        "x": x.astype(np.float64).ravel().tolist(), "labels": labels.tolist(),
        "p_row_starts": p.indptr.tolist(), "p_columns": p.indices.tolist(), "p_values": rounded(p.data),
        "pca_init": pca_init(x).astype(np.float64).ravel().tolist(),
        "y0": y0.tolist(),
        "kl_dense_at_y0": float(kl_dense), "gradient_dense_at_y0": grad_dense.tolist(),
        "kl_sparse_at_y0": float(kl_sparse), "gradient_sparse_at_y0": np.asarray(grad_sparse, np.float64).tolist(),
        "sklearn_exact": {"kl": float(exact_model.kl_divergence_), "iterations": int(exact_model.n_iter_),
                          "trustworthiness": float(trustworthiness(x, exact_y, n_neighbors=5)),
                          "embedding": exact_y.astype(np.float64).ravel().tolist()},
        "sklearn_barnes_hut": {"kl": float(bh_model.kl_divergence_), "iterations": int(bh_model.n_iter_),
                               "trustworthiness": float(trustworthiness(x, bh_y, n_neighbors=5))},
        "sklearn_random_starts": {"exact": random_starts(x, "exact"),
                                  "barnes_hut": random_starts(x, "barnes_hut")},
        "opentsne_fft_kl": opentsne_kl(x),
        "opentsne_fft_errors": opentsne_fft_errors(y0),
    }
    json.dump(out, sys.stdout)
    print(file=sys.stdout)
    print(f"sklearn exact KL {out['sklearn_exact']['kl']:.5f} T {out['sklearn_exact']['trustworthiness']:.5f}; "
          f"BH KL {out['sklearn_barnes_hut']['kl']:.5f} T {out['sklearn_barnes_hut']['trustworthiness']:.5f}; "
          f"openTSNE KL {out['opentsne_fft_kl']}", file=sys.stderr)


if __name__ == "__main__":
    main()
