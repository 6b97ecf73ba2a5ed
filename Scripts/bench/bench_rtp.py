"""One "Remember the Past" (RTP, Deng & Russakovsky 2022) outer iteration in PyTorch on the CPU.

Measures the work of ddcal-bench's `rtp` figure: K = 16 bases of 3x16x16 and 115 addresses per
class (the budget rule at IPC 1 of CIFAR-10 with downsampling 2), Xavier-uniform; images are
address x bases, upsampled bilinearly x2 (align_corners=False). A fresh ConvNet-3 width 128
(WIDTH=...) as one flat parameter vector takes T inner steps of SGD with momentum 0.9 and lr 0.01
on 10 synthetic images per class (a sorted random subset of each class's addresses, a new draw per
step), storing the weights before each step; the meta-loss is the cross-entropy of the final
weights on 64 real images per class. The reverse pass walks the T steps backwards with the
velocity adjoint: v_bar -= lr * w_bar; recompute the step's loss at the stored weights with
create_graph=True; one autograd.grad of <grad, v_bar> to the weights, the bases and the
addresses; w_bar += its weight part; v_bar *= momentum. Then the global gradient norm is clipped
to 2 and SGD (lr 0.1, momentum 0.5) updates bases and addresses. No augmentation, no ZCA, no
coefficient regulariser. One warm-up iteration of 2 steps, then REPEATS timed iterations (default
3) for each T given: seconds (min / median / max) and the peak RSS after each T.

Setup (PyPI, outside the repository):
  python3 -m venv ~/venvs/ddcal-bench && ~/venvs/ddcal-bench/bin/pip install torch numpy
Run:
  OMP_NUM_THREADS=2 ~/venvs/ddcal-bench/bin/python Scripts/bench/bench_rtp.py [T ...] (default 10 20)
Threads: torch uses OMP_NUM_THREADS (every core when unset).
"""
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import env_int, peak_rss_mib, spread, thread_count  # noqa: E402
from convnet import ConvNet, flat_parameters, functional_forward, parameter_shapes  # noqa: E402

CLASSES, BASES, SIDE, DOWNSAMPLE = 10, 16, 32, 2
ADDRESSES_PER_CLASS, PER_STEP, REAL_PER_CLASS = 115, 10, 64
INNER_LR, INNER_MOMENTUM, OUTER_LR, OUTER_MOMENTUM, CLIP = 0.01, 0.9, 0.1, 0.5, 2.0


def xavier(rows, columns):
    bound = (6.0 / (rows + columns)) ** 0.5
    return (torch.rand(rows, columns) * 2 - 1) * bound


def synthesize(bases, addresses):
    """Images [n, 3, 32, 32] of addresses [n, K]: the combination, then bilinear x2."""
    low = (addresses @ bases).view(-1, 3, SIDE // DOWNSAMPLE, SIDE // DOWNSAMPLE)
    return F.interpolate(low, scale_factor=DOWNSAMPLE, mode="bilinear", align_corners=False)


def inner_rows():
    """Per class, a sorted random subset of PER_STEP of its addresses; classes in order."""
    rows = []
    for c in range(CLASSES):
        pick = torch.randperm(ADDRESSES_PER_CLASS)[:PER_STEP].sort().values
        rows.append(pick + c * ADDRESSES_PER_CLASS)
    return torch.cat(rows)


def main():
    torch.set_num_threads(thread_count())
    steps_list = [int(a) for a in sys.argv[1:]] or [10, 20]
    repeats = env_int("REPEATS", 3)
    width = env_int("WIDTH", 128)

    torch.manual_seed(0)
    n = ADDRESSES_PER_CLASS * CLASSES
    low_size = 3 * (SIDE // DOWNSAMPLE) ** 2
    bases = xavier(BASES, low_size).requires_grad_(True)
    addresses = xavier(n, BASES).requires_grad_(True)
    real = torch.randn(REAL_PER_CLASS * CLASSES, 3, SIDE, SIDE)
    real_labels = torch.arange(CLASSES).repeat_interleave(REAL_PER_CLASS)
    step_labels = torch.arange(CLASSES).repeat_interleave(PER_STEP)
    optimizer = torch.optim.SGD([bases, addresses], lr=OUTER_LR, momentum=OUTER_MOMENTUM)
    shapes = parameter_shapes(ConvNet(3, CLASSES, width, 3, SIDE, 1))
    print("torch", torch.__version__, "threads", torch.get_num_threads(), "width", width,
          "K", BASES, "addresses", n, "per step", PER_STEP * CLASSES, "real", len(real_labels),
          flush=True)

    def outer_iteration(steps):
        w = flat_parameters(ConvNet(3, CLASSES, width, 3, SIDE, 1))
        v = torch.zeros_like(w)
        saved = []
        for _ in range(steps):
            rows = inner_rows()
            saved.append((w.clone(), rows))
            wt = w.detach().requires_grad_(True)
            with torch.no_grad():
                x = synthesize(bases, addresses[rows])
            loss = F.cross_entropy(functional_forward(wt, x, shapes), step_labels)
            (g,) = torch.autograd.grad(loss, wt)
            with torch.no_grad():
                v = INNER_MOMENTUM * v + g
                w = w - INNER_LR * v
        w_final = w.detach().requires_grad_(True)
        meta = F.cross_entropy(functional_forward(w_final, real, shapes), real_labels)
        (w_bar,) = torch.autograd.grad(meta, w_final)
        v_bar = torch.zeros_like(w_bar)
        bases_bar = torch.zeros_like(bases)
        addresses_bar = torch.zeros_like(addresses)
        for wt_saved, rows in reversed(saved):
            v_bar = v_bar - INNER_LR * w_bar
            wt = wt_saved.requires_grad_(True)
            x = synthesize(bases, addresses[rows])
            loss = F.cross_entropy(functional_forward(wt, x, shapes), step_labels)
            (g,) = torch.autograd.grad(loss, wt, create_graph=True)
            gw, gb, ga = torch.autograd.grad((g * v_bar).sum(), (wt, bases, addresses))
            w_bar = w_bar + gw
            bases_bar += gb
            addresses_bar += ga
            v_bar = INNER_MOMENTUM * v_bar
        optimizer.zero_grad()
        bases.grad, addresses.grad = bases_bar, addresses_bar
        torch.nn.utils.clip_grad_norm_([bases, addresses], CLIP)
        optimizer.step()
        return meta.item()

    began = time.perf_counter()
    outer_iteration(2)
    print(f"warm-up iteration (2 inner steps) {time.perf_counter() - began:.2f} s", flush=True)
    for steps in steps_list:
        seconds = []
        for rep in range(repeats):
            began = time.perf_counter()
            loss = outer_iteration(steps)
            seconds.append(time.perf_counter() - began)
            print(f"  T={steps} rep {rep}: {seconds[-1]:.2f} s  meta-loss {loss:.4f}", flush=True)
        low, median, high = spread(seconds)
        print(f"RTP outer iteration (T={steps}, width {width}) s/iter min/median/max = "
              f"{low:.2f} / {median:.2f} / {high:.2f}   per inner step {median / steps * 1000:.0f} ms   "
              f"peak RSS {peak_rss_mib():.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
