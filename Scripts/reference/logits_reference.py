"""Reference numbers for logits brought from another framework (float64 and float32 .npy files).

Writes, into Tests/CalibrationTests/Fixtures/logits/:
    logits_f64.npy     float64 [N, K] test logits, as np.save writes them
    logits_f32.npy     the same logits cast to float32
    labels.npy         int64 [N]
    labels_onehot.npy  float64 [N, K] one-hot rows of the same labels
    val_logits.npy, val_labels.npy   a separate validation split (float64, int64) to fit T on
    edges_logits.npy, edges_labels.npy  logits whose confidence 1/k lies exactly on bin edges
    reference.json     the metrics and temperatures below

Metrics are computed in float64 from the logits as stored (float32 logits are widened first):
softmax p = exp(z - max) / sum, confidence = max p (exactly 1 / sum for the top class), ECE
with equal-width bins under both edge rules ("right" = (lo, hi], "left" = [lo, hi) with the top
bin closed), signed ECE, MCE, NLL, Brier, adaptive ECE over numpy.array_split groups of the
confidence-sorted rows (ties by index), classwise ECE. Temperature scaling: the converged T
minimising mean CE(z / T, y), by scipy's brentq on dNLL/dlog T (xtol 1e-15), checked against
scipy.optimize.minimize_scalar. The edge case records the per-bin counts numpy's own softmax
gives, so a confidence of exactly b / B must land in the same bin.

Run: python3 Scripts/reference/logits_reference.py   (numpy and scipy from PyPI)
"""
import json
import os

import numpy as np
from scipy.optimize import brentq, minimize_scalar

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "CalibrationTests",
                   "Fixtures", "logits")


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def bin_index(x, bins, rule):
    edges = np.arange(bins + 1, dtype=np.float64) / bins
    side = "left" if rule == "right" else "right"
    return np.clip(np.searchsorted(edges, x, side=side) - 1, 0, bins - 1)


def binned(scores, outcomes, bins, rule):
    idx = bin_index(scores, bins, rule)
    n = len(scores)
    ece = signed = mce = 0.0
    counts = []
    for b in range(bins):
        sel = idx == b
        counts.append(int(sel.sum()))
        if sel.any():
            gap = scores[sel].mean() - outcomes[sel].mean()
            ece += sel.sum() / n * abs(gap)
            signed += sel.sum() / n * gap
            mce = max(mce, abs(gap))
    return {"ece": ece, "signed_ece": signed, "mce": mce, "counts": counts}


def metrics(z, y):
    z = np.asarray(z, dtype=np.float64)
    n, k = z.shape
    p = softmax(z)
    conf = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    shifted = z - z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    out = {"accuracy": correct.mean(),
           "nll": -logp[np.arange(n), y].mean(),
           "brier": ((p - np.eye(k)[y]) ** 2).sum(axis=1).mean()}
    for bins in (10, 15):
        for rule in ("right", "left"):
            out[f"{bins}_{rule}"] = binned(conf, correct, bins, rule)
    order = np.lexsort((np.arange(n), conf))
    out["adaptive_ece_15"] = sum(len(g) / n * abs(conf[g].mean() - correct[g].mean())
                                 for g in np.array_split(order, 15) if len(g))
    out["classwise_ece_15"] = np.mean(
        [binned(p[:, c], (y == c).astype(np.float64), 15, "right")["ece"] for c in range(k)])
    return {key: (float(v) if np.isscalar(v) else v) for key, v in out.items()}


def converged_temperature(z, y):
    z = np.asarray(z, dtype=np.float64)
    n = len(y)

    def nll(u):
        a = z / np.exp(u)
        a = a - a.max(axis=1, keepdims=True)
        return (np.log(np.exp(a).sum(axis=1)) - a[np.arange(n), y]).mean()

    def slope(u):
        a = z / np.exp(u)
        return (a[np.arange(n), y] - (softmax(a) * a).sum(axis=1)).mean()

    brent = minimize_scalar(nll, bracket=(-1.0, 1.0), method="brent", tol=1e-12).x
    root = brentq(slope, brent - 1.0, brent + 1.0, xtol=1e-15, rtol=1e-15, maxiter=500)
    assert abs(root - brent) < 1e-5, (root, brent)
    return float(np.exp(root))


def make(rng, n, k):
    """Logits of a miscalibrated classifier: confident, right about 70 % of the time."""
    y = rng.integers(0, k, size=n)
    z = rng.normal(0.0, 2.0, size=(n, k))
    z[np.arange(n), y] += rng.choice([0.0, 4.0], size=n, p=[0.35, 0.65])
    return z * rng.uniform(0.5, 2.5, size=(n, 1)), y


def edges():
    """Rows with k equal top logits and the rest far below (confidence exactly 1/k), and rows
    whose confidence is exactly 0.4."""
    rows, labels = [], []
    for k_top, count in [(2, 7), (3, 11), (4, 5), (5, 9), (10, 3)]:
        for i in range(count):
            z = np.full(10, -1e4)
            z[:k_top] = 1.25 * i - 3.0
            rows.append(z)
            labels.append(i % k_top if i % 3 else 9)
    for i in range(6):
        # exp = [1, 1, 1/2]: confidence 1 / 2.5 = 0.4 = 6/15 (exp(-log 2.5) is 0.39999999999999997).
        z = np.full(10, -1e4)
        z[:3] = [0.0, 0.0, -np.log(2.0)]
        rows.append(z)
        labels.append(i % 4)
    return np.array(rows), np.array(labels, dtype=np.int64)


def main():
    rng = np.random.default_rng(20261204)
    k = 10
    z, y = make(rng, 2000, k)
    zv, yv = make(rng, 600, k)
    ze, ye = edges()
    os.makedirs(OUT, exist_ok=True)
    arrays = {"logits_f64": z, "logits_f32": z.astype(np.float32), "labels": y.astype(np.int64),
              "labels_onehot": np.eye(k)[y], "val_logits": zv, "val_labels": yv.astype(np.int64),
              "edges_logits": ze, "edges_labels": ye}
    for name, array in arrays.items():
        np.save(os.path.join(OUT, name + ".npy"), array)
    z32 = z.astype(np.float32).astype(np.float64)
    t_val = converged_temperature(zv, yv)
    reference = {
        "generator": "Scripts/reference/logits_reference.py",
        "float64": metrics(z, y),
        "float32": metrics(z32, y),
        "edges": metrics(ze, ye),
        "temperature_float64": converged_temperature(z, y),
        "temperature_float32": converged_temperature(z32, y),
        "temperature_validation": t_val,
        "test_at_validation_temperature": metrics(z / t_val, y),
    }
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
