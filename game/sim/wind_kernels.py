"""The wind's per-tick loop, compiled by Cython (game.sim.compiled): every covered cell's
+x and +y mass flux from the openings' flows, divided into a speed by the local air, in one
pass where numpy and scipy needed a sparse product, a gather, a multiply and two scatters.

Bit for bit what that numpy and scipy arithmetic gave: each row of the patterns summed from
0.0 in the matrix's order (scipy's csr_matvec loop), then multiplied by 1 / (rho * section);
no fastmath. (A zero divisor, never met, would raise where numpy gave inf: rho has a
floor, and an open doorway's or hole's cd and area are never 0.) Arrays are contiguous
(wind.build makes them so). A plain-Python module with Cython's annotations: run as it is,
it is the reference (and the fallback where nothing compiles).
"""
from __future__ import annotations

try:
    import cython
except ImportError:  # no Cython: these loops run as plain Python (game.sim.compiled)
    from game.sim.compiled import plain_cython as cython


def spread(indptr: cython.int[::1], indices: cython.int[::1], data: cython.double[::1],
           flow: cython.double[::1], cells: cython.Py_ssize_t[::1], comp: cython.Py_ssize_t[::1],
           rho: cython.double[::1], section_m2: cython.double, wx: cython.float[::1], wy: cython.float[::1]) -> None:
    """wx, wy at `cells` = (rows i, then rows n + i, of the CSR patterns @ flow) / (rho[comp] * section)."""
    n: cython.Py_ssize_t = cells.shape[0]
    i: cython.Py_ssize_t
    jj: cython.Py_ssize_t
    fx: cython.double
    fy: cython.double
    per: cython.double
    for i in range(n):
        fx = 0.0
        for jj in range(indptr[i], indptr[i + 1]):
            fx += data[jj] * flow[indices[jj]]
        fy = 0.0
        for jj in range(indptr[n + i], indptr[n + i + 1]):
            fy += data[jj] * flow[indices[jj]]
        per = 1.0 / (rho[comp[i]] * section_m2)
        wx[cells[i]] = fx * per
        wy[cells[i]] = fy * per


def jets(flow: cython.double[::1], k: cython.Py_ssize_t[::1], up_a: cython.int[::1], up_b: cython.int[::1],
         cd: cython.double[::1], area_m2: cython.double[::1], rho: cython.double[::1], cells: cython.Py_ssize_t[::1],
         dx: cython.double[::1], dy: cython.double[::1], wx: cython.float[::1], wy: cython.float[::1]) -> None:
    """The air's speed in each open doorway or hole: the jet through it, f / (rho upstream * cd * area),
    rho of slot -1 (the outside) being rho's last."""
    j: cython.Py_ssize_t
    o: cython.Py_ssize_t
    up: cython.Py_ssize_t
    f: cython.double
    speed: cython.double
    last: cython.Py_ssize_t = rho.shape[0] - 1
    for j in range(cells.shape[0]):
        o = k[j]
        f = flow[o]
        up = up_a[o] if f >= 0.0 else up_b[o]
        if up < 0:
            up = last
        speed = f / (rho[up] * cd[o] * area_m2[o])
        wx[cells[j]] = speed * dx[j]
        wy[cells[j]] = speed * dy[j]
