"""Reference numbers for Tests/CalibrationTests: calibration metrics and temperature scaling.

Metrics (softmax in float64 on float32 logits; bin edges are b / B computed in float64):
    ECE    = sum_b n_b / N * |conf_b - acc_b|          (equal-width bins, empty bins skipped)
    signed = sum_b n_b / N * (conf_b - acc_b)          (positive = over-confident)
    MCE    = max over non-empty bins of |conf_b - acc_b|
    NLL    = mean_i -log p_i[y_i];   Brier = mean_i sum_k (p_ik - 1[y_i = k])^2
    adaptive ECE: samples sorted by confidence (ties by index) and cut into B runs by
        numpy.array_split (the first N mod B runs one longer); the same |conf - acc| sum.
    classwise ECE: mean over classes k of the binned gap of p_k against 1[y = k].
Edge rules: "right" = (lo, hi] (Guo et al. 2017 / gpleiss), first bin also takes 0;
            "left"  = [lo, hi) with the top bin closed (the reference fork's calc_ece,
            docs/ALGORITHMS.md §11.2).
Cross-checks: the right rule against gpleiss's _ECELoss loop; the left rule against netcal's
ECE (netcal bins with numpy histograms, which are left-closed), when netcal imports and K > 2
(for K = 2 netcal measures p(class 1) against y, not the top-label confidence).

Temperature scaling (Guo et al. 2017, eq. for softmax(z / T)):
    converged: T* = argmin_T mean CE(z / T, y), by scipy Brent on log T, polished by brentq
               on the analytic derivative dNLL/dlogT = mean(a_y - E_p[a]), a = z / T.
    parity:    a float64 numpy transcription of torch.optim.LBFGS(lr=0.01, max_iter=50,
               line_search_fn=None).step(closure) on the scalar T from T0 = 1.5
               (docs/ALGORITHMS.md §9.3); checked against torch itself in float64 when torch imports.

Run: python3 Scripts/reference/calibration_reference.py > Tests/CalibrationTests/Fixtures/calibration.json
"""
import json
import sys

import numpy as np
from scipy.optimize import brentq, minimize_scalar


def log_softmax(z):
    z = np.asarray(z, dtype=np.float64)
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def bin_index(x, bins, rule):
    edges = np.arange(bins + 1, dtype=np.float64) / bins
    side = "left" if rule == "right" else "right"
    return np.clip(np.searchsorted(edges, x, side=side) - 1, 0, bins - 1)


def reliability(scores, outcomes, bins, rule):
    idx = bin_index(scores, bins, rule)
    out = []
    for b in range(bins):
        sel = idx == b
        n = int(sel.sum())
        conf = float(scores[sel].mean()) if n else 0.0
        acc = float(outcomes[sel].mean()) if n else 0.0
        out.append({"lower": b / bins, "upper": (b + 1) / bins, "count": n,
                    "confidence": conf, "accuracy": acc, "gap": conf - acc})
    return out


def summarise(rel, total):
    ece = sum(r["count"] / total * abs(r["gap"]) for r in rel)
    signed = sum(r["count"] / total * r["gap"] for r in rel)
    mce = max((abs(r["gap"]) for r in rel if r["count"]), default=0.0)
    return ece, signed, mce


def adaptive_ece(conf, correct, bins):
    n = len(conf)
    order = np.lexsort((np.arange(n), conf))
    total = 0.0
    for chunk in np.array_split(order, bins):
        if len(chunk):
            total += len(chunk) / n * abs(conf[chunk].mean() - correct[chunk].mean())
    return total


def classwise_ece(p, labels, bins, rule):
    k = p.shape[1]
    per_class = [summarise(reliability(p[:, c], (labels == c).astype(np.float64), bins, rule),
                           len(labels))[0] for c in range(k)]
    return float(np.mean(per_class))


def gpleiss_ece(conf, correct, bins):
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (conf > lo) & (conf <= hi)
        if sel.mean() > 0:
            ece += abs(conf[sel].mean() - correct[sel].mean()) * sel.mean()
    return ece


def netcal_ece(p, labels, bins):
    """netcal's top-label ECE; None for K = 2, where netcal scores p(class 1) instead."""
    if p.shape[1] <= 2:
        return None
    try:
        from netcal.metrics import ECE
    except ImportError:
        return None
    return float(ECE(bins=bins).measure(p, labels))


def metrics(logits, labels):
    logp = log_softmax(logits)
    p = np.exp(logp)
    conf = p.max(axis=1)
    pred = p.argmax(axis=1)
    correct = (pred == labels).astype(np.float64)
    n, k = p.shape
    onehot = np.eye(k)[labels]
    out = {"accuracy": float(correct.mean()),
           "nll": float(-logp[np.arange(n), labels].mean()),
           "brier": float(((p - onehot) ** 2).sum(axis=1).mean()),
           "adaptive_ece_15": adaptive_ece(conf, correct, 15),
           "classwise_ece_15": classwise_ece(p, labels, 15, "right")}
    for bins, rule in [(15, "right"), (10, "left"), (15, "left"), (10, "right")]:
        rel = reliability(conf, correct, bins, rule)
        ece, signed, mce = summarise(rel, n)
        key = f"{bins}_{rule}"
        out[f"ece_{key}"], out[f"signed_ece_{key}"], out[f"mce_{key}"] = ece, signed, mce
        out[f"bins_{key}"] = rel
    checks = {"gpleiss_ece_15": gpleiss_ece(conf, correct, 15),
              "netcal_ece_10": netcal_ece(p, labels, 10),
              "netcal_ece_15": netcal_ece(p, labels, 15)}
    assert abs(checks["gpleiss_ece_15"] - out["ece_15_right"]) < 1e-12, checks
    for bins in (10, 15):
        got = checks[f"netcal_ece_{bins}"]
        assert got is None or abs(got - out[f"ece_{bins}_left"]) < 1e-9, (bins, got)
    out["cross_checks"] = checks
    return out


# MARK: - Temperature scaling


def nll_and_grad(logits, labels, t):
    """mean CE(z / T, y) and its derivative in T."""
    a = np.asarray(logits, dtype=np.float64) / t
    logp = log_softmax(a)
    p = np.exp(logp)
    n = len(labels)
    nll = -logp[np.arange(n), labels].mean()
    dlog_t = (a[np.arange(n), labels] - (p * a).sum(axis=1)).mean()
    return nll, dlog_t / t


def converged_temperature(logits, labels):
    f = lambda u: nll_and_grad(logits, labels, np.exp(u))[0]
    g = lambda u: nll_and_grad(logits, labels, np.exp(u))[1] * np.exp(u)
    brent = minimize_scalar(f, bracket=(-1.0, 1.0), method="brent", tol=1e-10).x
    root = brentq(g, brent - 0.5, brent + 0.5, xtol=1e-15, rtol=1e-15, maxiter=200)
    assert abs(root - brent) < 1e-5, (root, brent)
    return float(np.exp(root)), float(nll_and_grad(logits, labels, np.exp(root))[1])


def torch_lbfgs_1d(closure, x0, lr=0.01, max_iter=50, max_eval=None, tolerance_grad=1e-7,
                   tolerance_change=1e-9, history_size=100):
    """torch.optim.LBFGS.step(closure) without line search, transcribed for one scalar."""
    max_eval = max_eval if max_eval is not None else max_iter * 5 // 4
    x = x0
    loss, g = closure(x)
    evals, trace = 1, []
    if abs(g) <= tolerance_grad:
        return x, trace, "gradient"
    old_dirs, old_stps, ro, h_diag = [], [], [], 1.0
    d = t = prev_g = prev_loss = None
    reason = "max_iter"
    for n_iter in range(1, max_iter + 1):
        if n_iter == 1:
            d = -g
        else:
            y, s = g - prev_g, d * t
            ys = y * s
            if ys > 1e-10:
                if len(old_dirs) == history_size:
                    old_dirs.pop(0); old_stps.pop(0); ro.pop(0)
                old_dirs.append(y); old_stps.append(s); ro.append(1.0 / ys)
                h_diag = ys / (y * y)
            q, al = -g, [0.0] * len(old_dirs)
            for i in range(len(old_dirs) - 1, -1, -1):
                al[i] = old_stps[i] * q * ro[i]
                q -= al[i] * old_dirs[i]
            r = q * h_diag
            for i in range(len(old_dirs)):
                be_i = old_dirs[i] * r * ro[i]
                r += old_stps[i] * (al[i] - be_i)
            d = r
        prev_g, prev_loss = g, loss
        t = min(1.0, 1.0 / abs(g)) * lr if n_iter == 1 else lr
        if g * d > -tolerance_change:
            reason = "directional"
            break
        x = x + t * d
        opt = False
        if n_iter != max_iter:
            loss, g = closure(x)
            evals += 1
            opt = abs(g) <= tolerance_grad
        trace.append(x)
        if n_iter == max_iter:
            break
        if evals >= max_eval:
            reason = "max_eval"; break
        if opt:
            reason = "gradient"; break
        if abs(d * t) <= tolerance_change:
            reason = "step"; break
        if abs(loss - prev_loss) < tolerance_change:
            reason = "loss_change"; break
    return x, trace, reason


def torch_check(logits, labels):
    try:
        import torch
    except ImportError:
        return None
    z = torch.tensor(np.asarray(logits, dtype=np.float64))
    y = torch.tensor(labels)
    t = torch.nn.Parameter(torch.ones(1, dtype=torch.float64) * 1.5)
    opt = torch.optim.LBFGS([t], lr=0.01, max_iter=50)

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(z / t, y)
        loss.backward()
        return loss

    opt.step(closure)
    return float(t.item())


def temperature_case(name, logits, labels):
    t_star, grad = converged_temperature(logits, labels)
    t_parity, trace, reason = torch_lbfgs_1d(lambda t: nll_and_grad(logits, labels, t), 1.5)
    from_torch = torch_check(logits, labels)
    assert from_torch is None or abs(from_torch - t_parity) < 1e-10, (from_torch, t_parity)
    return {"name": name, "converged_temperature": t_star, "converged_gradient": grad,
            "nll_at_1": float(nll_and_grad(logits, labels, 1.0)[0]),
            "nll_at_converged": float(nll_and_grad(logits, labels, t_star)[0]),
            "parity_temperature": float(t_parity), "parity_iterations": len(trace),
            "parity_stop": reason, "parity_trace": [float(v) for v in trace],
            "torch_float64_parity_temperature": from_torch}


# MARK: - Cases


def make_case(rng, n, k, scale, noise):
    true = rng.normal(0.0, 1.5, size=(n, k))
    p = np.exp(log_softmax(true))
    labels = np.array([rng.choice(k, p=row) for row in p])
    logits = (scale * true + rng.normal(0.0, noise, size=(n, k))).astype(np.float32)
    return logits, labels


def main():
    rng = np.random.default_rng(20230917)
    specs = [("overconfident_k10", 400, 10, 2.5, 0.3), ("underconfident_k3", 300, 3, 0.5, 0.1),
             ("binary_small", 50, 2, 1.2, 0.5)]
    cases = []
    for name, n, k, scale, noise in specs:
        logits, labels = make_case(rng, n, k, scale, noise)
        # Shortest decimals that round back to the same float32 values (read as Float in Swift).
        short = [float(np.format_float_positional(v, unique=True)) for v in logits.ravel()]
        entry = {"name": name, "classes": k, "logits": short,
                 "labels": labels.tolist()}
        entry.update(metrics(logits, labels))
        entry["temperature"] = temperature_case(name, logits, labels)
        cases.append(entry)
    json.dump({"generator": "Scripts/reference/calibration_reference.py", "cases": cases},
              sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
