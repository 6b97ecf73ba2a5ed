"""One gradient-matching step of DC (Zhao et al. 2021) at 10 images per class, PyTorch on the CPU.

Measures, with ConvNet-3 width 128 (instance norm) on CIFAR-shaped random data:
  matching step = for each of the 10 classes: a real batch of 256 images of that class ->
    cross-entropy -> gradient to the network's parameters (detached); the class's 10 synthetic
    images -> cross-entropy -> gradient with create_graph=True; add the 'ours' distance (per
    layer, the sum over output channels of 1 - cosine of the two gradients, conv weights
    flattened per output channel, the linear weight per row, biases and norm parameters
    skipped); then backward to the synthetic images and one SGD step on them (lr 0.1,
    momentum 0.5);
  net update    = one SGD step (lr 0.01) of the network on all 100 synthetic images.
Prints: the one-class sub-step (REPEATS times, default 5, x10 as an estimate), the full 10-class
step measured directly (FULL_REPEATS times, default 1), the net update (mean of 5 per repeat),
the estimated full DC iteration at IPC 10 (10 matching steps + 9 x 50 net updates), peak RSS.
The real batches are drawn once up front, so sampling is not timed.

Setup (PyPI, outside the repository):
  python3 -m venv ~/venvs/ddcal-bench && ~/venvs/ddcal-bench/bin/pip install torch numpy
Run:
  OMP_NUM_THREADS=2 ~/venvs/ddcal-bench/bin/python Scripts/bench/bench_dc.py
Threads: torch uses OMP_NUM_THREADS (every core when unset).
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import env_int, peak_rss_mib, run_times, spread, thread_count  # noqa: E402
from convnet import ConvNet  # noqa: E402

PER_CLASS, CLASSES, BATCH_REAL = 10, 10, 256
NET_UPDATES_PER_REPEAT = 5


def layer_distance(real, synthetic):
    """DC's 'ours' distance of one parameter's two gradients; 1-D parameters count 0."""
    if real.dim() == 1:
        return None
    real = real.reshape(real.shape[0], -1)
    synthetic = synthetic.reshape(synthetic.shape[0], -1)
    cosine = (real * synthetic).sum(-1) / (real.norm(dim=-1) * synthetic.norm(dim=-1) + 1e-6)
    return (1 - cosine).sum()


def main():
    torch.set_num_threads(thread_count())
    repeats = env_int("REPEATS", 5)
    full_repeats = env_int("FULL_REPEATS", 1)
    print("torch", torch.__version__, "threads", torch.get_num_threads(), flush=True)

    torch.manual_seed(0)
    net = ConvNet(3, CLASSES, 128, 3, 32, 1)
    params = list(net.parameters())
    real_batches = [torch.randn(BATCH_REAL, 3, 32, 32) for _ in range(CLASSES)]
    images = torch.randn(PER_CLASS * CLASSES, 3, 32, 32, requires_grad=True)
    labels = torch.arange(CLASSES).repeat_interleave(PER_CLASS)
    image_optimizer = torch.optim.SGD([images], lr=0.1, momentum=0.5)
    net_optimizer = torch.optim.SGD(params, lr=0.01)

    def matching_step(classes=CLASSES):
        total = torch.zeros(())
        for c in range(classes):
            real_labels = torch.full((BATCH_REAL,), c, dtype=torch.long)
            real_grads = torch.autograd.grad(F.cross_entropy(net(real_batches[c]), real_labels), params)
            real_grads = [g.detach() for g in real_grads]
            own = images[c * PER_CLASS:(c + 1) * PER_CLASS]
            own_labels = torch.full((PER_CLASS,), c, dtype=torch.long)
            syn_grads = torch.autograd.grad(F.cross_entropy(net(own), own_labels), params, create_graph=True)
            for r, s in zip(real_grads, syn_grads):
                d = layer_distance(r, s)
                if d is not None:
                    total = total + d
        image_optimizer.zero_grad()
        total.backward()
        image_optimizer.step()

    def net_updates():
        for _ in range(NET_UPDATES_PER_REPEAT):
            net_optimizer.zero_grad()
            F.cross_entropy(net(images.detach()), labels).backward()
            net_optimizer.step()

    matching_step(2)  # warm-up on 2 classes
    one = spread(run_times(lambda: matching_step(1), repeats, warmup=0))
    full = spread(run_times(matching_step, full_repeats, warmup=0))
    update = spread(s / NET_UPDATES_PER_REPEAT for s in run_times(net_updates, repeats, warmup=1))
    print(f"DC per-class sub-step (real 256 + syn 10, 'ours') s min/median/max = "
          f"{one[0]:.2f} / {one[1]:.2f} / {one[2]:.2f}  -> x10 classes = {10 * one[1]:.1f} s")
    print(f"DC matching step measured directly (10 classes, n={full_repeats}) s min/median/max = "
          f"{full[0]:.2f} / {full[1]:.2f} / {full[2]:.2f}")
    print(f"net update on 100 syn images s min/median/max = {update[0]:.4f} / {update[1]:.4f} / {update[2]:.4f}")
    iteration = 10 * full[1] + 9 * 50 * update[1]
    print(f"estimated full DC Iteration (IPC=10: outer_loop 10, inner_loop 50) = "
          f"10*{full[1]:.2f} + 450*{update[1]:.4f} = {iteration:.1f} s  -> 1000 iterations = {iteration * 1000 / 3600:.1f} h")
    print(f"peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
