#!/usr/bin/python3
"""Regenerates training.json: what PyTorch's losses and optimizers compute, for the training tests.

Run from the repository root with Debian's PyTorch (the python3 on PATH may have no torch):

    /usr/bin/python3 tests/StaticCnn.Tests/Fixtures/PyTorch/make_training_fixtures.py

losses: random logits and labels; for each, torch.nn.functional.cross_entropy (with and without label_smoothing)
and torch.nn.MultiMarginLoss(p=1, margin) on the single sample, the loss and d loss / d logits (autograd).

optimizers: for each configuration, 37 initial parameters and 12 steps of torch.optim.SGD / Adam / AdamW
(foreach=False, the single-tensor code path) where step t's gradient is g_t + 0.5 * p (g_t random, p the current
parameters, so the gradient depends on the trajectory as a real loss's does); the parameters after every step.

Everything is float32 on one thread after fixed seeds, so the file is the same on every run. Floats are written as
the shortest decimal string that parses back to the same float32.
"""

import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def floats(t):
    return [float(np.format_float_positional(np.float32(v), unique=True, trim='-')) for v in t.detach().reshape(-1).tolist()]


def loss_cases():
    g = torch.Generator().manual_seed(11)
    cases = []
    for i in range(24):
        k = int(torch.randint(2, 12, (1,), generator=g))
        scale = [0.5, 3.0, 20.0][i % 3]
        logits = (torch.rand(k, generator=g) * 2 - 1) * scale
        label = int(torch.randint(0, k, (1,), generator=g))
        smoothing = [0.0, 0.1, 0.3][i % 3]
        margin = [1.0, 0.5, 2.0][(i // 3) % 3]
        x = logits.clone().requires_grad_(True)
        ce = torch.nn.functional.cross_entropy(x[None, :], torch.tensor([label]), label_smoothing=smoothing)
        ce.backward()
        y = logits.clone().requires_grad_(True)
        hinge = torch.nn.MultiMarginLoss(p=1, margin=margin)(y[None, :], torch.tensor([label]))
        hinge.backward()
        cases.append({
            "logits": floats(logits), "label": label,
            "labelSmoothing": smoothing, "crossEntropy": float(np.float32(ce.item())), "crossEntropyGradient": floats(x.grad),
            "margin": margin, "multiMargin": float(np.float32(hinge.item())), "multiMarginGradient": floats(y.grad),
        })
    return cases


OPTIMIZERS = [
    ("sgd", dict(lr=0.05)),
    ("sgd", dict(lr=0.05, momentum=0.9)),
    ("sgd", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("sgd", dict(lr=0.02, momentum=0.5, dampening=0.3, weight_decay=0.05)),
    ("adam", dict(lr=0.003)),
    ("adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.02)),
    ("adamw", dict(lr=0.004, betas=(0.85, 0.99), eps=1e-7, weight_decay=0.2)),
    ("adamw", dict(lr=0.001)),
]


def optimizer_cases():
    cases = []
    for index, (kind, options) in enumerate(OPTIMIZERS):
        g = torch.Generator().manual_seed(100 + index)
        p = torch.nn.Parameter(torch.rand(37, generator=g) * 2 - 1)
        initial = floats(p)
        cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[kind]
        opt = cls([p], foreach=False, **options)
        gradients, after = [], []
        for _ in range(12):
            raw = torch.randn(37, generator=g)
            gradients.append(floats(raw))
            with torch.no_grad():
                p.grad = raw + 0.5 * p.detach()
            opt.step()
            after.append(floats(p))
        opts = {k: (list(v) if isinstance(v, tuple) else v) for k, v in options.items()}
        cases.append({"kind": kind, "options": opts, "initial": initial, "gradients": gradients, "parameters": after})
    return cases


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    document = {
        "torchVersion": torch.__version__,
        "losses": loss_cases(),
        "optimizers": optimizer_cases(),
    }
    with open(os.path.join(HERE, "training.json"), "w", encoding="utf-8") as f:
        json.dump(document, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
