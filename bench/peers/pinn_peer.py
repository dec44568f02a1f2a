#!/usr/bin/env python3
"""NumPy peer for bench/pinn_bench: PINN training of u'' = -pi^2 sin(pi x), u(0) = u(1) = 0.

Run single-threaded:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 \
      bench/peers/pinn_peer.py [--reps 5]

What a competent NumPy user writes without a deep-learning framework (no torch/jax here): the same
network [1, 20, 20, 1] (tanh, Glorot-normal weights, input mapped to [-1, 1]), the same 128 uniform
collocation points and two boundary points, u, u_x, u_xx propagated forward through the layers in
vectorised form over one batch holding every collocation and boundary point, the loss gradient by
hand-written back-propagation through that propagation, and 1000 full-batch Adam steps (lr 5e-3). Prints CPU and wall time per training run, the final loss
and the relative L2 error on 101 points.
"""
import argparse

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_timing import per_call  # noqa: E402

SIZES = [1, 20, 20, 1]
EPOCHS = 1000
LR = 5e-3
SCALE = 2.0  # d(xi)/dx for [0, 1] -> [-1, 1]


def init(seed):
    rng = np.random.default_rng(seed)
    return [[rng.normal(0.0, np.sqrt(2.0 / (i + o)), (o, i)), np.zeros((o, 1))]
            for i, o in zip(SIZES[:-1], SIZES[1:])]


def forward(params, xi, order):
    """u, du/dxi, d2u/dxi2 at the columns of xi (1, n), and the tape of the hidden layers."""
    n = xi.shape[1]
    tape = []  # per hidden layer: h, hj, hjj, zj, zjj
    h = xi
    hj = hjj = None
    for li, (W, b) in enumerate(params):
        z = W @ h + b
        zj = np.repeat(W, n, axis=1) if li == 0 else W @ hj
        zjj = np.zeros_like(z) if li == 0 else W @ hjj
        if li == len(params) - 1:
            return z[0], zj[0], zjj[0], tape
        h = np.tanh(z)
        s = 1.0 - h * h
        hj = s * zj
        hjj = -2.0 * h * s * zj * zj + s * zjj
        tape.append((h, hj, hjj, zj, zjj))


def backward(params, tape, xi, gu, gux, guxx):
    """Gradient of sum(gu*u + gux*u_xi + guxx*u_xixi) w.r.t. every W and b."""
    grads = [None] * len(params)
    gz, gzj, gzjj = gu[None, :], gux[None, :], guxx[None, :]
    for li in range(len(params) - 1, -1, -1):
        W = params[li][0]
        if li == 0:
            grads[0] = [gz @ xi.T + gzj.sum(axis=1, keepdims=True), gz.sum(axis=1, keepdims=True)]
            break
        h, hj, hjj, zj, zjj = tape[li - 1]
        grads[li] = [gz @ h.T + gzj @ hj.T + gzjj @ hjj.T, gz.sum(axis=1, keepdims=True)]
        gh, ghj, ghjj = W.T @ gz, W.T @ gzj, W.T @ gzjj
        s = 1.0 - h * h
        p2 = -2.0 * h * s
        p3 = -2.0 * s * s + 4.0 * h * h * s
        gz = gh * s + ghj * p2 * zj + ghjj * (p3 * zj * zj + p2 * zjj)
        gzj = ghj * s + 2.0 * ghjj * p2 * zj
        gzjj = ghjj * s
    return grads


def loss_and_grad(params, xc, xb):
    """Loss and gradient with every point in one batch: the 128 collocation points and the two
    boundary points go through one forward and one backward pass (columns of one matrix)."""
    n = xc.shape[1]
    xi = SCALE * np.concatenate([xc, np.asarray(xb, float)[None, :]], axis=1) - 1.0
    u, _, ujj, tape = forward(params, xi, 2)
    # PDE: r = u_xx + pi^2 sin(pi x) at the collocation points; Dirichlet u(0) = u(1) = 0
    r = SCALE * SCALE * ujj[:n] + np.pi ** 2 * np.sin(np.pi * xc[0])
    ub = u[n:]
    loss = np.dot(r, r) / n + np.dot(ub, ub)
    gu = np.zeros(u.size)
    gu[n:] = 2.0 * ub
    guxx = np.zeros(u.size)
    guxx[:n] = SCALE * SCALE * 2.0 * r / n
    return loss, backward(params, tape, xi, gu, np.zeros(u.size), guxx)


def train(seed=1):
    params = init(seed)
    xc = ((np.arange(128) + 0.5) / 128)[None, :]
    xb = [0.0, 1.0]
    m = [[np.zeros_like(W), np.zeros_like(b)] for W, b in params]
    v = [[np.zeros_like(W), np.zeros_like(b)] for W, b in params]
    b1, b2, eps = 0.9, 0.999, 1e-8
    loss = 0.0
    for step in range(1, EPOCHS + 1):
        loss, grads = loss_and_grad(params, xc, xb)
        c1, c2 = 1 - b1 ** step, 1 - b2 ** step
        for p, g, mi, vi in zip(params, grads, m, v):
            for k in range(2):
                mi[k] = b1 * mi[k] + (1 - b1) * g[k]
                vi[k] = b2 * vi[k] + (1 - b2) * g[k] * g[k]
                p[k] -= LR * (mi[k] / c1) / (np.sqrt(vi[k] / c2) + eps)
    x = np.linspace(0, 1, 101)[None, :]
    u = forward(params, SCALE * x - 1.0, 0)[0]
    exact = np.sin(np.pi * x[0])
    return loss, np.linalg.norm(u - exact) / np.linalg.norm(exact)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    (wall, cpu), (loss, err) = per_call(train, args.reps)
    print(f"pinn_poisson1d_adam{EPOCHS} (numpy, batched): median wall {1e3 * wall:.1f} ms, "
          f"cpu {1e3 * cpu:.1f} ms, "
          f"final loss {loss:.3e}, rel_l2_error {err:.3e}")


if __name__ == "__main__":
    main()
