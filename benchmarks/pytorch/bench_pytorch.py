#!/usr/bin/python3
"""PyTorch baselines for docs/benchmarks.md: the same four networks StaticCnn benchmarks, on this machine.

Run from the repository root with Debian's PyTorch (the python3 on PATH may have no torch):

    /usr/bin/python3 benchmarks/pytorch/bench_pytorch.py [--threads 1] [--json out.json]

For each network it measures, on float32 CPU tensors with torch.set_num_threads(threads):
  - inference at batch 1 (model.eval(), torch.no_grad()), and
  - one training step at batch 32: forward, softmax cross-entropy, backward, SGD update (momentum 0.9),
and prints the median and the interquartile range over repeated timed runs after a warm-up. Timing uses
time.perf_counter_ns around blocks of calls sized to take about 20 ms each.
"""

import argparse
import json
import statistics
import time

import torch
from torch import nn


def lenet5():
    return (1, 28, 28), nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def cifar10():
    return (3, 32, 32), nn.Sequential(
        nn.Conv2d(3, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 20, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(20, 20, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(320, 10))


def small_vgg():
    return (3, 32, 32), nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(2048, 256), nn.ReLU(), nn.Linear(256, 10))


def seed_net():
    return (3, 32, 32), nn.Sequential(
        nn.Conv2d(3, 10, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(10, 6, 1), nn.ReLU(),
        nn.Conv2d(6, 8, 4, stride=2, padding=1), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(),
        nn.Linear(128, 10))


NETWORKS = {"LeNet5": lenet5, "Cifar10Net": cifar10, "SmallVgg": small_vgg, "SeedNet": seed_net}


def measure(call, seconds=2.0):
    for _ in range(5):
        call()
    start = time.perf_counter_ns()
    n = 0
    while time.perf_counter_ns() - start < 2e7:
        call()
        n += 1
    per_block = max(1, n)
    samples = []
    deadline = time.perf_counter_ns() + seconds * 1e9
    while time.perf_counter_ns() < deadline or len(samples) < 7:
        t0 = time.perf_counter_ns()
        for _ in range(per_block):
            call()
        samples.append((time.perf_counter_ns() - t0) / per_block / 1000.0)
    q = statistics.quantiles(samples, n=4)
    return statistics.median(samples), q[0], q[2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    results = {}
    print(f"PyTorch {torch.__version__}, {args.threads} thread(s)")
    for name, make in NETWORKS.items():
        shape, model = make()
        x1 = torch.rand((1,) + shape)
        model.eval()
        with torch.no_grad():
            infer = measure(lambda: model(x1))
        model.train()
        x32 = torch.rand((32,) + shape)
        y32 = torch.randint(0, 10, (32,))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        loss_fn = nn.CrossEntropyLoss()

        def step():
            optimizer.zero_grad(set_to_none=False)
            loss = loss_fn(model(x32), y32)
            loss.backward()
            optimizer.step()

        train = measure(step)
        results[name] = {"inference_batch1_us": infer[0], "train_step_batch32_us": train[0]}
        print(f"{name:12s} inference batch 1: {infer[0]:9.1f} us (IQR {infer[1]:.1f}-{infer[2]:.1f})   "
              f"training step batch 32: {train[0] / 1000:8.2f} ms (IQR {train[1] / 1000:.2f}-{train[2] / 1000:.2f})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
