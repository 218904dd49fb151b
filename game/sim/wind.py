"""The wind: how the gas that flows through the openings moves through the rooms.

Mass balance per compartment: gas leaving through an opening comes from the
whole room (its density falls everywhere at once), so each cell carries the
gas that lies beyond it. For each opening and each side of it, that is a
potential flow over the room's cells, solved once per topology with a sparse
factorisation of the room's graph Laplacian: cell i supplies 1/N of the flow,
the cells at the opening take it out, and the flux across each face is the
difference of the potential. A corridor's dead end is then still and the
doorway to a venting room a gale. The flow field is linear in the openings'
flows, so a tick is one sparse product (kg/s through each cell) and a divide
by the local density: the speed follows the volume flow, and a choked leak
keeps its speed as the pressure falls. In an open doorway or a hole the air
moves at the speed of the jet through the opening.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csc_matrix, csr_matrix
from scipy.sparse.linalg import splu

from game.sim import wind_kernels
from game.sim.compartments import volume_cells
from game.sim.compiled import fast
from game.sim.constants import M_N2, M_O2
from game.sim.gas import Openings
from game.sim.state import cache, derived

kernels = fast(wind_kernels)  # the per-tick wind loop, compiled (or the plain module where nothing compiles)

_SIDES = ((1, 0), (-1, 0), (0, 1), (0, -1))
MOUTH_AREA_M2 = 2.0 * np.pi * 0.5**2  # a half-sphere 0.5 m round a hole
_TINY_RHO = 1e-9  # kg/m3: below this there is no air to move
OUTSIDE_RHO = 0.015  # kg/m3, Mars air drawn in through a hole


@dataclass
class WindField:
    """Per-topology wind patterns: kg/s through each covered cell per kg/s of each opening."""

    cells: np.ndarray = derived()  # flat indices of the volume cells covered
    comp: np.ndarray = derived()  # their compartment
    # (2 * cells, openings): +x mass flux per unit opening flow through each cell, then +y;
    # one matrix so that a tick is one sparse product (scipy's call costs more than the sum)
    pxy: csr_matrix = derived()
    section_m2: float = derived()  # a cell's cross-section: 1 m by the ceiling
    link_cells: np.ndarray = derived()  # flat indices of open doorways and holes
    link_k: np.ndarray = derived()  # the opening through each
    link_dx: np.ndarray = derived()  # direction of positive flow (a -> b) through it
    link_dy: np.ndarray = derived()
    # Cells at the mouth of a hole to the outside: the flow converges on it (a half-sphere
    # of radius 0.5 m at the cell's centre), faster than the cell's cross-section says.
    hole_cells: np.ndarray = derived(default_factory=lambda: np.zeros(0, np.int64))
    hole_k: np.ndarray = derived(default_factory=lambda: np.zeros(0, np.int64))
    hole_dx: np.ndarray = derived(default_factory=lambda: np.zeros(0))
    hole_dy: np.ndarray = derived(default_factory=lambda: np.zeros(0))
    hole_share: np.ndarray = derived(default_factory=lambda: np.zeros(0))
    fresh: bool = cache(default=True)  # the wind arrays still hold the last topology's wind
    # pxy's rows and columns as the compiled loop reads them (int32), made once per topology
    indptr: np.ndarray = derived(default_factory=lambda: np.zeros(1, np.int32))
    indices: np.ndarray = derived(default_factory=lambda: np.zeros(0, np.int32))

    def __post_init__(self) -> None:
        self.indptr = self.pxy.indptr.astype(np.int32, copy=False)
        self.indices = self.pxy.indices.astype(np.int32, copy=False)
        self.link_cells, self.link_k = np.ascontiguousarray(self.link_cells), np.ascontiguousarray(self.link_k)

    @property
    def px(self) -> csr_matrix:
        """The +x patterns alone (cells, openings)."""
        return self.pxy[:self.cells.size]

    @property
    def py(self) -> csr_matrix:
        """The +y patterns alone."""
        return self.pxy[self.cells.size:]


def _faces(labels: np.ndarray, vol: np.ndarray, x: int, y: int, comp: int) -> list[tuple[int, int, int, int]]:
    """Cells of `comp` beside the link cell (x, y): (cx, cy, dx, dy), (dx, dy) pointing at the link."""
    h, w = labels.shape
    out = []
    for dx, dy in _SIDES:
        cx, cy = x + dx, y + dy
        if 0 <= cx < w and 0 <= cy < h and vol[cy, cx] and labels[cy, cx] == comp + 1:
            out.append((cx, cy, -dx, -dy))
    return out


def build(labels: np.ndarray, tiles: np.ndarray, openings: Openings, ceiling_m: float,
          links: list[tuple], source: np.ndarray, memo: dict | None = None) -> WindField:
    """Solve the potential flow of every opening over the rooms on its two sides.

    `memo` keeps each room's patterns between builds, by the room's shape and
    its openings' faces, both relative to the room's corner: a door that opens
    or shuts changes the rooms on its two sides, and every other room's solve
    is the one already made (on a station of many modules that is most of
    them); and a room like one solved already, anywhere on the grid (the same
    cabin in every module), is solved once. It ends holding this topology's
    rooms only."""
    h, w = labels.shape
    vol = volume_cells(tiles)
    vol_labels = np.where(vol, labels, 0)
    ncomp = int(vol_labels.max()) if vol_labels.size else 0
    # per compartment: its openings' (column, sign, face cells)
    per_comp: dict[int, list[tuple[int, float, list]]] = {}
    link_rows, hole_rows = [], []
    for k in range(openings.a.size):
        x, y = links[int(source[k])][:2]
        for comp, sign in ((int(openings.a[k]), 1.0), (int(openings.b[k]), -1.0)):
            if comp < 0:
                continue
            faces = _faces(labels, vol, x, y, comp)
            if faces:
                per_comp.setdefault(comp, []).append((k, sign, faces))
        if openings.b[k] < 0 and not labels[y, x] > 0:  # a hole in the hull
            mouth = _faces(labels, vol, x, y, int(openings.a[k]))
            hole_rows += [(cy * w + cx, k, dx, dy, 1.0 / len(mouth)) for cx, cy, dx, dy in mouth]
        if labels[y, x] > 0 and not vol[y, x]:  # an open doorway or hole: the jet through it
            a_faces = _faces(labels, vol, x, y, int(openings.a[k]))
            if a_faces:
                link_rows.append((y * w + x, k, a_faces[0][2], a_faces[0][3]))
    flat_of = vol_labels.ravel()
    order = np.argsort(flat_of, kind="stable")
    counts = np.bincount(flat_of, minlength=ncomp + 1)
    starts = np.concatenate(([0], np.cumsum(counts)))
    boxes, local_all = _local_rooms(order[starts[1]:], w, counts[1:])
    rows_x, rows_y, cols, vals_x, vals_y = [], [], [], [], []
    all_cells, all_comp = [], []
    base = 0
    used: dict = {}
    for comp in sorted(per_comp):
        cells = order[starts[comp + 1]:starts[comp + 2]]
        local = local_all[starts[comp + 1] - starts[1]:starts[comp + 2] - starts[1]]
        x0, y0, lw, lh = boxes[comp]
        sinks = [(k, sign, [(cx - x0, cy - y0, dx, dy) for cx, cy, dx, dy in faces]) for k, sign, faces in per_comp[comp]]
        key = (lw, lh, local.tobytes(), tuple((sign, tuple(faces)) for _, sign, faces in sinks))
        got = used.get(key)
        if got is None and memo is not None:
            got = memo.get(key)
        if got is None:  # the room's patterns, as (row, column, value) of their non-zero entries
            fx, fy = _patterns(local, lw, lh, sinks)
            r, c = np.nonzero(fx != 0.0)
            r2, c2 = np.nonzero(fy != 0.0)
            got = (r, c, fx[r, c], r2, c2, fy[r2, c2])
        used[key] = got
        r, c, vx, r2, c2, vy = got
        ks = np.array([k for k, _, _ in per_comp[comp]])
        rows_x.append(r + base)
        cols.append(ks[c])
        vals_x.append(vx)
        rows_y.append(r2 + base)
        vals_y.append(vy)
        cols.append(ks[c2])
        all_cells.append(cells)
        all_comp.append(np.full(cells.size, comp))
        base += cells.size
    if memo is not None:
        memo.clear()
        memo.update(used)
    nk = openings.a.size
    if all_cells:
        # The entries come in CSR's order already: rooms one after another, each room's rows
        # in order (np.nonzero's), its columns rising within a row (a room's openings are
        # listed by k): so the CSR arrays are the COO ones, as tocsr() would have made them.
        rows = np.concatenate(rows_x + [r + base for r in rows_y])  # the +y rows below the +x ones
        indptr = np.zeros(2 * base + 1, np.int32)
        np.cumsum(np.bincount(rows, minlength=2 * base), out=indptr[1:])
        pxy = csr_matrix((np.concatenate(vals_x + vals_y), np.concatenate(cols[0::2] + cols[1::2]).astype(np.int32),
                          indptr), shape=(2 * base, nk))
        cells_arr, comp_arr = np.concatenate(all_cells), np.concatenate(all_comp)
    else:
        pxy = csr_matrix((0, nk))
        cells_arr, comp_arr = np.zeros(0, np.intp), np.zeros(0, np.intp)
    lk = np.array(link_rows, dtype=np.int64).reshape(-1, 4)
    hk = np.array(hole_rows, dtype=np.float64).reshape(-1, 5)
    return WindField(cells_arr, comp_arr, pxy, float(ceiling_m), lk[:, 0], lk[:, 1],
                     lk[:, 2].astype(float), lk[:, 3].astype(float), hk[:, 0].astype(np.int64),
                     hk[:, 1].astype(np.int64), hk[:, 2], hk[:, 3], hk[:, 4])


def _local_rooms(cells: np.ndarray, w: int, counts: np.ndarray) -> tuple[list, np.ndarray]:
    """Every room moved to its own grid, its bounding box: ((x0, y0, width, height) per
    compartment, each cell's index on its room's grid), for `cells` grouped by compartment,
    counts[i] of compartment i's.

    The patterns depend only on which cells neighbour which and where the
    faces are, and both survive the move: the cells keep their order (row by
    row in either grid) and their neighbours (a room's cells lie inside its
    box), so the solve is the same, number for number, wherever the room is."""
    xs, ys = cells % w, cells // w
    has = np.flatnonzero(counts)
    at = (np.cumsum(counts) - counts)[has]
    x0, y0 = np.zeros(counts.size, np.int64), np.zeros(counts.size, np.int64)
    x1, y1 = np.zeros(counts.size, np.int64), np.zeros(counts.size, np.int64)
    if has.size:
        x0[has], x1[has] = np.minimum.reduceat(xs, at), np.maximum.reduceat(xs, at)
        y0[has], y1[has] = np.minimum.reduceat(ys, at), np.maximum.reduceat(ys, at)
    lw, lh = x1 - x0 + 1, y1 - y0 + 1
    of = np.repeat(np.arange(counts.size), counts)
    local = (ys - y0[of]) * lw[of] + (xs - x0[of])
    return list(zip(x0.tolist(), y0.tolist(), lw.tolist(), lh.tolist())), local


def _held_laplacian(n: int, ii: np.ndarray, jj: np.ndarray) -> csc_matrix:
    """The room graph's Laplacian (each cell's degree on the diagonal, -1 per edge i -> j,
    both ways given) without cell 0's row and column, in canonical CSC: the matrix scipy's
    `-adj + diag(deg)`, then `[1:, 1:]`, gave, entry for entry, made in a few numpy calls
    instead of a dozen sparse conversions (the solve's cost was theirs)."""
    deg = np.bincount(ii, minlength=n).astype(float)
    diag = np.flatnonzero(deg)  # (a cell on its own has no entry, as the sum pruned it)
    rows = np.concatenate((ii, diag))
    cols = np.concatenate((jj, diag))
    vals = np.concatenate((np.full(ii.size, -1.0), deg[diag]))
    keep = (rows > 0) & (cols > 0)
    rows, cols, vals = rows[keep] - 1, cols[keep] - 1, vals[keep]
    order = np.lexsort((rows, cols))  # by column, then row within it
    indptr = np.zeros(n, np.int32)
    np.cumsum(np.bincount(cols, minlength=n - 1), out=indptr[1:])
    return csc_matrix((vals[order], rows[order].astype(np.int32), indptr), shape=(n - 1, n - 1))


def _patterns(cells: np.ndarray, w: int, h: int, sinks: list[tuple[int, float, list]]) -> tuple[np.ndarray, np.ndarray]:
    """(+x, +y) mass flux per cell, one column per opening of this room, per unit
    flow a -> b: the room supplies it evenly and its cells at the opening take it out."""
    n = cells.size
    index = np.full(w * h, -1, dtype=np.int64)
    index[cells] = np.arange(n)
    xs, ys = cells % w, cells // w
    # neighbours east and south within the room: the graph's edges
    east = np.where(xs + 1 < w, index[np.minimum(cells + 1, w * h - 1)], -1)
    south = np.where(ys + 1 < h, index[np.minimum(cells + w, w * h - 1)], -1)
    east[xs + 1 >= w] = -1
    i_e, j_e = np.nonzero(east >= 0)[0], east[east >= 0]
    i_s, j_s = np.nonzero(south >= 0)[0], south[south >= 0]
    m = len(sinks)
    rhs = np.full((n, m), 1.0 / n)
    ox, oy = np.zeros((n, m)), np.zeros((n, m))  # flux out through the opening's own face
    for col, (_, sign, faces) in enumerate(sinks):
        share = 1.0 / len(faces)
        for cx, cy, dx, dy in faces:
            i = index[cy * w + cx]
            rhs[i, col] -= share
            ox[i, col] += dx * share
            oy[i, col] += dy * share
        rhs[:, col] *= sign
        ox[:, col] *= sign
        oy[:, col] *= sign
    phi = np.zeros((n, m))
    if n > 1:
        # one cell held at 0 (the flow is defined up to a constant); the supplies sum to 0
        phi[1:] = splu(_held_laplacian(n, np.concatenate((i_e, j_e, i_s, j_s)),
                                       np.concatenate((j_e, i_e, j_s, i_s)))).solve(rhs[1:])
    # flux across each face: from i to its east/south neighbour, phi_i - phi_j
    fx_e = np.zeros((n, m))
    fx_e[i_e] = phi[i_e] - phi[j_e]
    fy_s = np.zeros((n, m))
    fy_s[i_s] = phi[i_s] - phi[j_s]
    fx_w = np.zeros((n, m))
    fx_w[j_e] = fx_e[i_e]  # a cell's west face is its west neighbour's east face
    fy_n = np.zeros((n, m))
    fy_n[j_s] = fy_s[i_s]
    nx = np.zeros(n)
    nx[i_e] += 1
    nx[j_e] += 1
    ny = np.zeros(n)
    ny[i_s] += 1
    ny[j_s] += 1
    nx = nx[:, None] + (ox != 0)
    ny = ny[:, None] + (oy != 0)
    fx = (fx_e + fx_w + ox) / np.maximum(nx, 1.0)
    fy = (fy_s + fy_n + oy) / np.maximum(ny, 1.0)
    return fx, fy


def update(field: WindField, comps, flow_kg_s: np.ndarray, wind_x: np.ndarray, wind_y: np.ndarray,
           cd: np.ndarray | None = None, area_m2: np.ndarray | None = None, a: np.ndarray | None = None,
           b: np.ndarray | None = None) -> None:
    """The wind now, from this step's flows, into wind_x / wind_y [y, x] (m/s)."""
    wx, wy = wind_x.reshape(-1), wind_y.reshape(-1)
    if field.fresh:
        wx.fill(0.0)
        wy.fill(0.0)
        field.fresh = False
    nc = comps.volume_m3.size
    rho = np.empty(nc + 1)  # per compartment, then the outside's (what index -1 reads)
    np.maximum((comps.n_o2 * M_O2 + comps.n_other * M_N2) / comps.volume_m3, _TINY_RHO, out=rho[:nc])
    rho[nc] = OUTSIDE_RHO
    if field.cells.size:  # one compiled pass: the sparse product, the divide and the scatter
        kernels.spread(field.indptr, field.indices, field.pxy.data, flow_kg_s, field.cells, field.comp, rho,
                       field.section_m2, wx, wy)
    if field.hole_cells.size:
        k = field.hole_k
        speed = flow_kg_s[k] * field.hole_share / (rho[a[k]] * MOUTH_AREA_M2)
        wx[field.hole_cells] = speed * field.hole_dx
        wy[field.hole_cells] = speed * field.hole_dy
    if field.link_cells.size and cd is not None:
        kernels.jets(flow_kg_s, field.link_k, a, b, cd, area_m2, rho, field.link_cells, field.link_dx,
                     field.link_dy, wx, wy)

