"""Reference numbers for Tests/DatasetsTests/ZCAWhiteningTests: ZCA whitening as kornia's
ZCAWhitening(eps=0.1, compute_inv=True) computes it (kornia/enhance/zca.py,
docs/ALGORITHMS.md §13.2), in float64 numpy on float32 inputs.

    X: N x D (flattened NCHW per sample);  mu = mean over samples (1 x D);  Xc = X - mu
    Cov = Xc^T Xc / (N - 1)                                   (unbiased)
    U, S, _ = svd(Cov)
    T = U diag(1 / sqrt(S + eps)) U^T;  T_inv = U diag(sqrt(S + eps)) U^T
    whiten(x) = (x - mu) T;  unwhiten(y) = y T_inv + mu

The inputs are 40 training and 5 held-out images of shape 2 x 3 x 3 made from a formula and
quantised to k / 255 like 8-bit pixels; both are written into the fixture, so the test never
recomputes them. T does not depend on the signs of the singular vectors, so it compares
directly.

Run: python3 Scripts/reference/zca_reference.py > Tests/DatasetsTests/Fixtures/zca.json
"""
import json

import numpy as np

EPS = 0.1
SHAPE = (2, 3, 3)


def images(count, offset):
    """Smooth, channel-correlated patterns in [0, 1], quantised to multiples of 1/255."""
    n = np.arange(offset, offset + count, dtype=np.float64)[:, None, None, None]
    c = np.arange(SHAPE[0], dtype=np.float64)[None, :, None, None]
    h = np.arange(SHAPE[1], dtype=np.float64)[None, None, :, None]
    w = np.arange(SHAPE[2], dtype=np.float64)[None, None, None, :]
    q = h * SHAPE[2] + w  # spatial index: the shared term correlates the channels
    p = c * SHAPE[1] * SHAPE[2] + q  # pixel index: one frequency per pixel gives full rank
    shared = np.sin(n * (0.29 + 0.131 * q) + 0.5 * q)
    own = np.cos(n * (0.47 + 0.097 * p) + 0.3 * p + 0.02 * n * n)
    x = 0.5 + 0.25 * shared + 0.12 * own
    return (np.round(np.clip(x, 0, 1) * 255) / 255).astype(np.float32)


def fit(x, eps):
    flat = x.reshape(len(x), -1).astype(np.float64)
    mu = flat.mean(axis=0, keepdims=True)
    centred = flat - mu
    cov = centred.T @ centred / (len(x) - 1)
    u, s, _ = np.linalg.svd(cov)
    t = u @ np.diag(1 / np.sqrt(s + eps)) @ u.T
    t_inv = u @ np.diag(np.sqrt(s + eps)) @ u.T
    return mu, s, t, t_inv


train = images(40, 0)
test = images(5, 100)
mu, s, t, t_inv = fit(train, EPS)
whiten = lambda x: (x.reshape(len(x), -1).astype(np.float64) - mu) @ t
whitened = whiten(train)
assert np.allclose((whitened @ t_inv + mu).reshape(train.shape), train, atol=1e-12)
assert s[-1] > 1e-4, "the training covariance should have full rank"

fixture = {
    "shape": [40, *SHAPE], "testShape": [5, *SHAPE], "epsilon": EPS,
    "input": train.ravel().tolist(), "testInput": test.ravel().tolist(),
    "mean": mu.ravel().tolist(), "eigenvalues": s.tolist(),
    "transform": t.ravel().tolist(), "inverse": t_inv.ravel().tolist(),
    "whitened": whitened.ravel().tolist(), "testWhitened": whiten(test).ravel().tolist(),
}
print(json.dumps(fixture, indent=1))
