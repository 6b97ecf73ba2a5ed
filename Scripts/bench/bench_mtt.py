"""One trajectory-matching (MTT, Cazenavette et al. 2022) outer iteration in PyTorch on the CPU.

Measures: 100 synthetic 3x32x32 images (10 per class, 10 classes) and a learnable step size
(0.01); the student, ConvNet-3 width 128 (WIDTH=...) as one flat parameter vector, starts from
theta*_t and takes N unrolled SGD steps, each on a random minibatch of 100 synthetic images (a
permutation of all of them), the gradient taken with create_graph=True; the loss
||theta_N - theta*_{t+M}||^2 / ||theta*_t - theta*_{t+M}||^2 (theta*_{t+M} = theta*_t plus
N(0, 0.01^2) noise, standing in for an expert checkpoint); backward to the images and the step
size; SGD steps on the images (lr 1000, momentum 0.5) and on the step size (lr 1e-5, momentum
0.5). No augmentation and no ZCA. One warm-up iteration of 2 steps, then REPEATS timed
iterations (default 5): prints each, min / median / max seconds, ms per unrolled step, and the
peak RSS (the unrolled graph is what makes it large).

Setup (PyPI, outside the repository):
  python3 -m venv ~/venvs/ddcal-bench && ~/venvs/ddcal-bench/bin/pip install torch numpy
Run:
  OMP_NUM_THREADS=2 ~/venvs/ddcal-bench/bin/python Scripts/bench/bench_mtt.py [N, default 20]
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

PER_CLASS, CLASSES, BATCH_SYN = 10, 10, 100


def main():
    torch.set_num_threads(thread_count())
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    repeats = env_int("REPEATS", 5)
    width = env_int("WIDTH", 128)

    torch.manual_seed(1)
    net = ConvNet(3, CLASSES, width, 3, 32, 1)
    shapes = parameter_shapes(net)
    start = flat_parameters(net)
    del net
    torch.manual_seed(0)
    target = start + 0.01 * torch.randn_like(start)
    images = torch.randn(PER_CLASS * CLASSES, 3, 32, 32, requires_grad=True)
    labels = torch.arange(CLASSES).repeat_interleave(PER_CLASS)
    step_size = torch.tensor(0.01, requires_grad=True)
    image_optimizer = torch.optim.SGD([images], lr=1000, momentum=0.5)
    step_optimizer = torch.optim.SGD([step_size], lr=1e-5, momentum=0.5)
    print("torch", torch.__version__, "threads", torch.get_num_threads(), "params", start.numel(),
          "N_STEPS", steps, "batch_syn", BATCH_SYN, flush=True)
    rss_before = peak_rss_mib()

    def outer_iteration(n):
        theta = start.clone().requires_grad_(True)
        for _ in range(n):
            pick = torch.randperm(PER_CLASS * CLASSES)[:BATCH_SYN]
            loss = F.cross_entropy(functional_forward(theta, images[pick], shapes), labels[pick])
            (grad,) = torch.autograd.grad(loss, theta, create_graph=True)
            theta = theta - step_size * grad
        distance = ((theta - target) ** 2).sum() / ((start - target) ** 2).sum()
        image_optimizer.zero_grad()
        step_optimizer.zero_grad()
        distance.backward()
        image_optimizer.step()
        step_optimizer.step()
        return distance.item()

    began = time.perf_counter()
    outer_iteration(2)
    print(f"warm-up iteration (2 unrolled steps) {time.perf_counter() - began:.2f} s", flush=True)
    seconds = []
    for rep in range(repeats):
        began = time.perf_counter()
        loss = outer_iteration(steps)
        seconds.append(time.perf_counter() - began)
        print(f"  rep {rep}: {seconds[-1]:.2f} s  loss {loss:.4f}", flush=True)
    low, median, high = spread(seconds)
    print(f"MTT outer iteration (N={steps}, width {width}) s/iter min/median/max = "
          f"{low:.2f} / {median:.2f} / {high:.2f}   per unrolled step {median / steps * 1000:.0f} ms")
    print(f"peak RSS {peak_rss_mib():.0f} MiB (before iterations {rss_before:.0f} MiB)")


if __name__ == "__main__":
    main()
