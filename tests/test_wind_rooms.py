"""The wind's patterns are solved once per room shape and openings (game.sim.wind.build):
a room like one already solved, elsewhere on the grid, reuses its solve. What
each room gets must be what solving it where it lies gives."""

from __future__ import annotations

import numpy as np

from game.sim import wind
from game.sim.compartments import volume_cells
from tests.builders import ascii_world

# Two rows of four cabins of the same shape (4 x 2), the rows alike: each
# cabin of the top row has a twin below it, with its doors in the same places;
# along a row the cabins' doors sit on different rows of their walls, so
# cabins of the same shape have different openings.
TWIN_ROWS = """
HHHHHHHHHHHHHHHHHHHHH
H....+....#....+....H
H....#....+....#....H
HHHHHHHHHHHHHHHHHHHHH
H....+....#....+....H
H....#....+....#....H
HHHHHHHHHHHHHHHHHHHHH
"""
DOORS = {(5, 1): "closed", (10, 2): "closed", (15, 1): "closed", (5, 4): "closed", (10, 5): "closed", (15, 4): "closed"}


def _solved_where_they_lie(w) -> tuple[np.ndarray, np.ndarray]:
    """(+x, +y) patterns per flat cell and opening, each room solved on the whole grid, nothing shared."""
    labels, tiles = w.compartments.labels, w.grid.tiles
    o = w.atmos.openings
    height, width = labels.shape
    vol = volume_cells(tiles)
    at = {int(k): (d.x, d.y) for d, k in zip(w.doors, w.atmos.door_opening) if k >= 0}
    per_comp: dict[int, list] = {}
    for k in range(o.a.size):
        x, y = at[k]
        for comp, sign in ((int(o.a[k]), 1.0), (int(o.b[k]), -1.0)):
            faces = wind._faces(labels, vol, x, y, comp) if comp >= 0 else []
            if faces:
                per_comp.setdefault(comp, []).append((k, sign, faces))
    fx_all = np.zeros((height * width, o.a.size))
    fy_all = np.zeros_like(fx_all)
    flat_labels = np.where(vol, labels, 0).ravel()
    for comp, sinks in per_comp.items():
        cells = np.flatnonzero(flat_labels == comp + 1)
        fx, fy = wind._patterns(cells, width, height, sinks)
        for col, (k, _, _) in enumerate(sinks):
            fx_all[cells, k] = fx[:, col]
            fy_all[cells, k] = fy[:, col]
    return fx_all, fy_all


def test_rooms_alike_share_one_solve_and_each_room_gets_its_own_wind():
    w = ascii_world(TWIN_ROWS, doors=DOORS)
    field = w.atmos.wind_field
    fx, fy = _solved_where_they_lie(w)
    got_x, got_y = np.zeros_like(fx), np.zeros_like(fy)
    got_x[field.cells] = field.px.toarray()
    got_y[field.cells] = field.py.toarray()
    # number for number: the solve moved to the room's corner is the same solve
    assert np.array_equal(got_x, fx) and np.array_equal(got_y, fy)
    assert np.abs(fx).max() > 0  # (the doors do carry wind patterns)
    # eight cabins, four ways of being placed: the twins below reuse the solves above
    assert w.compartments.count == 8
    assert len(w.atmos.wind_memo) == 4


def _wind_of(w, flow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    wx, wy = np.zeros_like(w.atmos.wind_x), np.zeros_like(w.atmos.wind_y)
    o = w.atmos.openings
    wind.update(w.atmos.wind_field, w.compartments, flow, wx, wy, o.cd, o.area_m2, o.a, o.b)
    return wx, wy


def test_the_compiled_wind_pass_is_scipys_product_divided_to_the_bit(monkeypatch):
    # wind_kernels sums each pattern row from 0.0 in the matrix's order, as scipy's CSR
    # product does, then multiplies by 1 / (rho * section): the numbers of the product,
    # gather and scatter it replaced; the jets through the open doorways are f / (rho * cd * area)
    doors = {**DOORS, (5, 1): "open", (10, 5): "open"}
    w = ascii_world(TWIN_ROWS, doors=doors)
    c, f = w.compartments, w.atmos.wind_field
    o = w.atmos.openings
    flow = np.random.default_rng(3).normal(0.0, 2.0, o.a.size)
    wx, wy = _wind_of(w, flow)
    rho = np.maximum((c.n_o2 * wind.M_O2 + c.n_other * wind.M_N2) / c.volume_m3, wind._TINY_RHO)
    flux = (f.pxy @ flow).reshape(2, -1) * (1.0 / (rho[f.comp] * f.section_m2))
    want_x, want_y = np.zeros(wx.size, np.float32), np.zeros(wy.size, np.float32)
    want_x[f.cells], want_y[f.cells] = flux[0], flux[1]
    k = f.link_k
    up = np.where(flow[k] >= 0.0, o.a[k], o.b[k])
    speed = flow[k] / (rho[up] * o.cd[k] * o.area_m2[k])
    want_x[f.link_cells], want_y[f.link_cells] = speed * f.link_dx, speed * f.link_dy
    assert f.link_cells.size == 2 and np.abs(want_x).max() > 0
    assert np.array_equal(wx.ravel(), want_x) and np.array_equal(wy.ravel(), want_y)
    monkeypatch.setattr(wind, "kernels", wind.wind_kernels)  # the plain module: the same bits
    plain_x, plain_y = _wind_of(w, flow)
    assert np.array_equal(plain_x, wx) and np.array_equal(plain_y, wy)


def test_the_held_laplacian_is_the_one_scipys_sparse_sum_and_slice_made():
    # rooms of random cells on small grids (lone cells among them): the same CSC arrays,
    # so the same factorisation and the same wind patterns as before it was built directly
    from scipy.sparse import coo_matrix, csc_matrix

    rng = np.random.default_rng(5)
    for _ in range(60):
        w, h = int(rng.integers(2, 9)), int(rng.integers(2, 9))
        cells = np.flatnonzero(rng.random(w * h) < 0.7)
        n = cells.size
        if n < 2:
            continue
        index = np.full(w * h, -1)
        index[cells] = np.arange(n)
        pairs = [(index[c], index[c + d]) for c in cells.tolist() for d in (1, w)
                 if c + d < w * h and index[c + d] >= 0 and (d == w or (c + 1) % w)]
        ii = np.array([i for i, j in pairs] + [j for i, j in pairs], dtype=np.int64)
        jj = np.array([j for i, j in pairs] + [i for i, j in pairs], dtype=np.int64)
        adj = coo_matrix((np.ones(ii.size), (ii, jj)), shape=(n, n)).tocsc()
        deg = np.asarray(adj.sum(axis=1)).ravel()
        want = csc_matrix(csc_matrix(-adj + coo_matrix((deg, (np.arange(n), np.arange(n))), shape=(n, n)))[1:, 1:])
        got = wind._held_laplacian(n, ii, jj)
        assert got.shape == want.shape and got.indptr.dtype == want.indptr.dtype
        assert np.array_equal(got.indptr, want.indptr) and np.array_equal(got.indices, want.indices)
        assert got.data.tobytes() == want.data.tobytes()


def test_the_patterns_csr_is_the_canonical_one_tocsr_would_make():
    # wind.build writes the CSR arrays straight from the rooms' entries: they must be those
    # a COO -> CSR conversion gives (rows in order, columns rising within a row), as the
    # wind's per-row sums run in that order
    w = ascii_world(TWIN_ROWS, doors={**DOORS, (5, 1): "open", (10, 2): "open"})
    got = w.atmos.wind_field.pxy
    want = got.tocoo().tocsr()
    assert got.nnz > 100 and np.array_equal(got.indptr, want.indptr)
    assert np.array_equal(got.indices, want.indices) and got.data.tobytes() == want.data.tobytes()
