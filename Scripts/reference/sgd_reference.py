"""Reference numbers for Tests/OptimTests: PyTorch-semantics SGD (momentum, weight decay,
dampening 0, no Nesterov) applied N times with a fixed gradient, computed in float64 numpy.

    d = g + wd * p;  v = d (first step) else mu * v + d;  p = p - lr * v

Run: python3 Scripts/reference/sgd_reference.py > Tests/OptimTests/Fixtures/sgd.json
"""
import json

import numpy as np

cases = []
for lr, mu, wd in [(0.1, 0.0, 0.0), (0.01, 0.9, 5e-4), (0.05, 0.5, 0.01)]:
    p = np.array([1.0, -2.0, 0.5, 3.0])
    g = np.array([0.1, 0.2, -0.3, 0.4])
    v = None
    for _ in range(10):
        d = g + wd * p
        v = d if v is None else mu * v + d
        p = p - lr * v
    cases.append({"lr": lr, "momentum": mu, "weight_decay": wd, "steps": 10,
                  "start": [1.0, -2.0, 0.5, 3.0], "gradient": [0.1, 0.2, -0.3, 0.4],
                  "expected": p.tolist()})
print(json.dumps({"cases": cases}, indent=1))
