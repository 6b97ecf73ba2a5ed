"""ConvNet-3 throughput in PyTorch on the CPU: images/s of a training step and of evaluation.

Measures, for each configuration, batch 256 of random images with random labels:
  train = zero grads, forward, cross-entropy, backward, SGD step (lr 0.01, momentum 0.9,
          weight decay 5e-4) on one batch, module in train mode;
  eval  = forward of one batch under no_grad, module in eval mode.
One untimed warm-up call of each, then REPEATS timed calls (default 7); prints min / median / max
images/s per configuration, then the process's peak RSS.

Configurations (pass indices to run a subset, e.g. `0 4`; none = all):
  0 CIFAR 3x32x32 width 128      1 CIFAR 3x32x32 width 64
  2 FMNIST 1x28x28 width 128, first conv padded 1 (3x3 features)
  3 FMNIST 1x28x28 width 64, padded 1
  4 FMNIST 1x28x28 width 128, first conv padded 3 (the DC repository's 28x28 handling, 4x4 features)

Setup (PyPI, outside the repository):
  python3 -m venv ~/venvs/ddcal-bench && ~/venvs/ddcal-bench/bin/pip install torch numpy
Run:
  OMP_NUM_THREADS=2 ~/venvs/ddcal-bench/bin/python Scripts/bench/bench_convnet_throughput.py [0 1 2 3 4]
Threads: torch uses OMP_NUM_THREADS (every core when unset).
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import env_int, peak_rss_mib, run_times, spread, thread_count  # noqa: E402
from convnet import ConvNet, feature_size  # noqa: E402

BATCH = 256
CONFIGS = [
    # label, channels, image side, width, first-conv padding
    ("CIFAR 3x32x32 w128", 3, 32, 128, 1),
    ("CIFAR 3x32x32 w64", 3, 32, 64, 1),
    ("FMNIST 1x28x28 w128 pad1 (feat 3x3)", 1, 28, 128, 1),
    ("FMNIST 1x28x28 w64 pad1 (feat 3x3)", 1, 28, 64, 1),
    ("FMNIST 1x28x28 w128 pad3 (DC repo, feat 4x4)", 1, 28, 128, 3),
]


def measure(label, channels, image, width, first_padding, repeats):
    torch.manual_seed(0)
    net = ConvNet(channels, 10, width, 3, image, first_padding)
    images = torch.randn(BATCH, channels, image, image)
    labels = torch.randint(0, 10, (BATCH,))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

    def train_step():
        net.train()
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(net(images), labels).backward()
        optimizer.step()

    def evaluate():
        net.eval()
        with torch.no_grad():
            net(images)

    train = spread(BATCH / s for s in run_times(train_step, repeats, warmup=1))
    evaluation = spread(BATCH / s for s in run_times(evaluate, repeats, warmup=1))
    count = sum(p.numel() for p in net.parameters())
    side = feature_size(image, 3, first_padding)
    print(f"{label:46s} params={count:7d} feat={width}x{side}x{side}  "
          f"train img/s min/med/max = {train[0]:.0f} / {train[1]:.0f} / {train[2]:.0f}   "
          f"eval img/s = {evaluation[0]:.0f} / {evaluation[1]:.0f} / {evaluation[2]:.0f}", flush=True)


def main():
    torch.set_num_threads(thread_count())
    repeats = env_int("REPEATS", 7)
    wanted = {int(a) for a in sys.argv[1:]}
    print("torch", torch.__version__, "threads", torch.get_num_threads(),
          "mkldnn", torch.backends.mkldnn.is_available(), flush=True)
    for index, config in enumerate(CONFIGS):
        if not wanted or index in wanted:
            measure(*config, repeats)
    print(f"peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
