#!/usr/bin/python3
"""SciPy peers of bench/pde_bench.cpp: the same problems, vectorised, with accuracy next to time.

Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 \
         bench/peers/pde_peer.py [reps] [case...]

Poisson solvers (each line names its method):
  spsolve    scipy.sparse.linalg.spsolve: SuperLU LU with its default COLAMD ordering (what SciPy
             users usually call; paired with our `auto` choice);
  splu_mmd   SuperLU LU with the MMD_AT_PLUS_A ordering (the best SuperLU ordering for these
             symmetric matrices: the strongest direct peer; SciPy has no sparse Cholesky);
  cg         scipy.sparse.linalg.cg without preconditioner, tol 1e-10 (our default). The best
             iterative peer available here: pyamg is not packaged in Debian, Jacobi is a no-op for
             a constant diagonal, and spilu-preconditioned CG (a nonsymmetric ILU) costs seconds of
             setup at 511^2 before it iterates.
Iterative rows use f = 1: the sine source is a grid eigenmode, on which CG converges in one step.
"""
import os
import sys

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.integrate import solve_bvp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_timing import per_call  # noqa: E402


def lap1d(n, h):
    return sp.diags([-np.ones(n - 1), 2 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1]) / h**2


def lap(n, d, h):
    t, i = lap1d(n, h), sp.identity(n)
    if d == 2:
        return (sp.kron(t, i) + sp.kron(i, t)).tocsc()
    return (sp.kron(sp.kron(t, i), i) + sp.kron(sp.kron(i, t), i) + sp.kron(sp.kron(i, i), t)).tocsc()


def direct(A, b, solver):
    if solver == "spsolve":
        return spla.spsolve(A, b)
    return spla.splu(A, permc_spec="MMD_AT_PLUS_A").solve(b)


def poisson2d(n=511, solver="spsolve"):
    h = 1.0 / (n + 1)
    x = np.linspace(h, 1 - h, n)
    X, Y = np.meshgrid(x, x, indexing="ij")
    A = lap(n, 2, h)
    b = (2 * np.pi**2 * np.sin(np.pi * X) * np.sin(np.pi * Y)).ravel()
    u = direct(A, b, solver)
    return np.abs(u - (np.sin(np.pi * X) * np.sin(np.pi * Y)).ravel()).max()


def poisson2d_const(n=511, solver="spsolve"):
    h = 1.0 / (n + 1)
    A = lap(n, 2, h)
    b = np.ones(n * n)
    if solver == "cg":
        u, info = spla.cg(A.tocsr(), b, tol=1e-10, maxiter=100000)
        if info != 0:
            raise RuntimeError("cg did not converge (info %d)" % info)
    else:
        u = direct(A, b, solver)
    return np.linalg.norm(b - A @ u) / np.linalg.norm(b)


def poisson3d(n=31, solver="spsolve"):
    h = 1.0 / (n + 1)
    x = np.linspace(h, 1 - h, n)
    X, Y, Z = np.meshgrid(x, x, x, indexing="ij")
    ex = np.sin(np.pi * X) * np.sin(np.pi * Y) * np.sin(np.pi * Z)
    u = direct(lap(n, 3, h), (3 * np.pi**2 * ex).ravel(), solver)
    return np.abs(u - ex.ravel()).max()


def heat2d(n=64, alpha=0.01, T=0.5, steps=10):
    # Same scheme as ours: two backward-Euler half steps, then BDF2; factorizations once (splu).
    h = 1.0 / (n + 1)
    x = np.linspace(h, 1 - h, n)
    X, Y = np.meshgrid(x, x, indexing="ij")
    A = lap(n, 2, h)
    I = sp.identity(n * n, format="csc")
    dt = T / steps
    half = spla.splu((I + 0.5 * dt * alpha * A).tocsc())
    bdf = spla.splu((I + 2.0 / 3.0 * dt * alpha * A).tocsc())
    u0 = (np.sin(np.pi * X) * np.sin(np.pi * Y)).ravel()
    u = half.solve(half.solve(u0))
    prev = u0
    for _ in range(steps - 1):
        u, prev = bdf.solve(4.0 / 3.0 * u - 1.0 / 3.0 * prev), u
    ex = np.exp(-2 * np.pi**2 * alpha * T) * u0
    return np.linalg.norm(u - ex) / np.linalg.norm(ex)


def wave2d(n=64, T=2.0, steps=550):
    h = 1.0 / (n + 1)
    x = np.linspace(h, 1 - h, n)
    X, Y = np.meshgrid(x, x, indexing="ij")
    A = lap(n, 2, h).tocsr()
    dt = T / steps
    u = (np.sin(np.pi * X) * np.sin(np.pi * Y)).ravel()
    u0 = u.copy()
    v = np.zeros_like(u)
    a = -(A @ u)
    for _ in range(steps):
        v += 0.5 * dt * a
        u += dt * v
        a = -(A @ u)
        v += 0.5 * dt * a
    return np.abs(u - np.cos(np.sqrt(2) * np.pi * T) * u0).max()


def bvp_sine():
    x = np.linspace(0, np.pi / 2, 11)
    s = solve_bvp(lambda x, y: np.vstack([y[1], -y[0]]), lambda a, b: np.array([a[0], b[0] - 1]),
                  x, np.zeros((2, 11)), tol=1e-6,
                  fun_jac=lambda x, y: np.broadcast_to(np.array([[0.0, 1.0], [-1.0, 0.0]])[:, :, None], (2, 2, x.size)),
                  bc_jac=lambda a, b: (np.array([[1.0, 0], [0, 0]]), np.array([[0, 0], [1.0, 0]])))
    return max(np.abs(s.y[0] - np.sin(s.x)).max(), np.abs(s.y[1] - np.cos(s.x)).max())


CASES = [("poisson2d_511_spsolve (SuperLU, COLAMD)", lambda: poisson2d(511, "spsolve")),
         ("poisson2d_511_splu_mmd (SuperLU, MMD_AT_PLUS_A)", lambda: poisson2d(511, "splu_mmd")),
         ("poisson2d_511_f1_spsolve (SuperLU, COLAMD)", lambda: poisson2d_const(511, "spsolve")),
         ("poisson2d_511_f1_cg (CG, no preconditioner)", lambda: poisson2d_const(511, "cg")),
         ("poisson3d_31_spsolve (SuperLU, COLAMD)", lambda: poisson3d(31, "spsolve")),
         ("poisson3d_31_splu_mmd (SuperLU, MMD_AT_PLUS_A)", lambda: poisson3d(31, "splu_mmd")),
         ("heat2d_64", heat2d),
         ("wave2d_64", wave2d),
         ("bvp_sine", bvp_sine)]

if __name__ == "__main__":
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    only = sys.argv[2:] or None
    for name, fn in CASES:
        if only and name.split()[0] not in only:
            continue
        (wall, cpu), err = per_call(fn, reps)
        kind = "residual" if "_f1_" in name else "error"
        print(f"{name:48s} median {1e3 * wall:9.2f} ms (cpu {1e3 * cpu:9.2f} ms)  {kind} {err:.3e}", flush=True)
