#!/usr/bin/env python3
"""gistar_numpy.py - the peer of bench_hotspot: Gi* computed independently
with NumPy, the way esda's G_Local(star=True, transform='B') computes it
(the ratio form: G = lag / sum, E[G] = W / n, V[G] = W (n - W) / (n - 1) / n^2
s^2 / mean^2), and conditional permutations the way esda's crand draws them
(one set of R random draws of the n - 1 other cells' indices shared by every
cell, an index at or above the cell's own shifted by one), vectorised in
chunks of cells.  Reads the CSV bench_hotspot writes (col,row,count,z,p),
times itself, and prints how far haven's z and p are from its own.

  gistar_numpy.py FILE BAND_CELLS R
"""
import sys
import time

import numpy as np


def main():
    path, band, R = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    d = np.loadtxt(path, delimiter=",", skiprows=1)
    col, row, y, hz, hp = (d[:, 0].astype(np.int64), d[:, 1].astype(np.int64), d[:, 2], d[:, 3], d[:, 4])
    t0 = time.perf_counter()
    n = len(y)
    nx, ny = col.max() + 1, row.max() + 1
    grid = np.full((ny, nx), -1, dtype=np.int64)
    grid[row, col] = np.arange(n)
    r = int(np.floor(band * (1 + 1e-12)))
    # neighbour lists as a dense n x kmax matrix of indices (-1: none)
    nbrs = []
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            if dx * dx + dy * dy > band * band * (1 + 1e-12):
                continue
            x2, y2 = col + dx, row + dy
            ok = (x2 >= 0) & (y2 >= 0) & (x2 < nx) & (y2 < ny)
            j = np.full(n, -1, dtype=np.int64)
            j[ok] = grid[y2[ok], x2[ok]]
            nbrs.append(j)
    nb = np.stack(nbrs, axis=1)
    valid = nb >= 0
    W = valid.sum(axis=1).astype(float)
    lag = np.where(valid, y[np.where(valid, nb, 0)], 0).sum(axis=1)
    G = lag / y.sum()
    mean = y.mean()
    s2 = (y * y).mean() - mean * mean
    E = W / n
    V = W * (n - W) / (n - 1) / (n * n) * (s2 / (mean * mean))
    z = (G - E) / np.sqrt(V)
    t1 = time.perf_counter()
    # esda's crand: shared draws, the cell's own index skipped
    rng = np.random.default_rng(1)
    k = (W - 1).astype(np.int64)
    kmax = int(k.max())
    rids = np.stack([rng.permutation(n - 1)[:kmax] for _ in range(R)])  # R x kmax
    larger = np.zeros(n, dtype=np.int64)
    smaller = np.zeros(n, dtype=np.int64)
    chunk = max(1, 4_000_000 // (R * max(kmax, 1)))
    for a in range(0, n, chunk):
        ids = np.arange(a, min(a + chunk, n))
        idx = rids[None, :, :] + (rids[None, :, :] >= ids[:, None, None])  # C x R x kmax
        take = np.arange(kmax)[None, None, :] < k[ids][:, None, None]
        sims = y[ids][:, None] + np.where(take, y[idx], 0).sum(axis=2)  # C x R
        larger[ids] = (sims >= lag[ids][:, None] - 1e-9).sum(axis=1)
        smaller[ids] = (sims <= lag[ids][:, None] + 1e-9).sum(axis=1)
    p = (np.minimum(larger, smaller) + 1) / (R + 1)
    t2 = time.perf_counter()
    print("peer: NumPy Gi* (esda's formulas and draws): %d squares, z %.3f s, %d permutations %.3f s, total %.3f s"
          % (n, t1 - t0, R, t2 - t1, t2 - t0))
    print("agreement: max |z(haven) - z(numpy)| = %.3g; |p(haven) - p(numpy)| mean %.4f, max %.3f (Monte Carlo "
          "error: other draws); squares with p <= 0.01: haven %d, numpy %d"
          % (np.abs(hz - z).max(), np.abs(hp - p).mean(), np.abs(hp - p).max(), (hp <= 0.01).sum(),
             (p <= 0.01).sum()))


if __name__ == "__main__":
    main()
