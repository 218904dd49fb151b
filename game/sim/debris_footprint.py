"""Where a rectangle lying on the deck is, in cells: sampling, fitting, distance.

Pure numpy over many bodies at once. A body is a length x width rectangle
centred on its position and turned by its angle (radians, x toward y).

New pieces are fitted on a `Floor`: the free deck around a spot at FINE_PER_M
raster cells per metre, walls and the pieces already there taken out, so a
piece never lands overlapping a wall or another piece. (Landing inside
others, the solver would push them apart with as much speed as the overlap
was deep, squeezing the outer ones of a pile into the walls.)
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np

SAMPLE_SPACING_M = 0.25  # below a cell's size, so a body's cells form an 8-connected set
FINE_PER_M = 10  # the Floor's raster: 0.1 m, under the thinnest piece (0.15 m), so none hides between samples
CLEARANCE_M = 0.03  # gap kept from walls and from other pieces when landing


def area_samples(length_m: float, width_m: float, spacing_m: float = SAMPLE_SPACING_M) -> np.ndarray:
    """Local points, one per patch of about spacing x spacing, covering the rectangle."""
    nx = max(1, math.ceil(length_m / spacing_m))
    ny = max(1, math.ceil(width_m / spacing_m))
    lx = (np.arange(nx) + 0.5) / nx * length_m - length_m / 2
    ly = (np.arange(ny) + 0.5) / ny * width_m - width_m / 2
    out = np.empty((nx * ny, 2))  # x-major (filled in place: called for every piece that falls)
    grid = out.reshape(nx, ny, 2)
    grid[:, :, 0] = lx[:, None]
    grid[:, :, 1] = ly[None, :]
    return out


def outline_samples(
    length_m: float, width_m: float, margin_m: float, spacing_m: float = SAMPLE_SPACING_M
) -> np.ndarray:
    """Local points along the outline grown by `margin_m`, corners included, and
    the inside at `spacing_m` (at most 0.5 m: wider bodies than a cell)."""
    hl, hw = length_m / 2 + margin_m, width_m / 2 + margin_m
    nl = max(1, math.ceil(2 * hl / spacing_m))
    nw = max(1, math.ceil(2 * hw / spacing_m))
    xs, ys = _span(hl, nl), _span(hw, nw)
    inside = area_samples(length_m, width_m, min(0.5, spacing_m))
    a, b = xs.size, ys.size
    out = np.empty((2 * a + 2 * b + len(inside), 2))  # the long sides, the short sides, the inside
    out[0:a, 0] = out[a:2 * a, 0] = xs
    out[0:a, 1], out[a:2 * a, 1] = -hw, hw
    c = 2 * a
    out[c:c + b, 0], out[c + b:c + 2 * b, 0] = -hl, hl
    out[c:c + b, 1] = out[c + b:c + 2 * b, 1] = ys
    out[c + 2 * b:] = inside
    return out


def _span(half: float, n: int) -> np.ndarray:
    """n + 1 points evenly from -half to half: np.linspace(-half, half, n + 1) to the bit, without its overhead."""
    out = np.arange(n + 1, dtype=np.float64)
    out *= (half - -half) / n
    out += -half
    out[-1] = half
    return out


def place(local: np.ndarray, centres: np.ndarray, angle_rad: float) -> np.ndarray:
    """World points for one shape at many candidate centres: (C, K, 2)."""
    c, s = math.cos(angle_rad), math.sin(angle_rad)
    rot = np.array([[c, s], [-s, c]])  # row-vector form of the rotation
    return centres[:, None, :] + (local @ rot)[None, :, :]


def rect_distance(
    px: float, py: float, pos: np.ndarray, angle: np.ndarray, length_m: np.ndarray, width_m: np.ndarray
) -> np.ndarray:
    """Distance from a point to each body's rectangle (0 inside)."""
    dx, dy = px - pos[:, 0], py - pos[:, 1]
    c, s = np.cos(angle), np.sin(angle)
    lx = np.abs(c * dx + s * dy) - length_m / 2
    ly = np.abs(-s * dx + c * dy) - width_m / 2
    return np.hypot(np.maximum(lx, 0.0), np.maximum(ly, 0.0))


def sample_cells(
    local: np.ndarray, slot: np.ndarray, pos: np.ndarray, angle: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Flat cell index of each body sample (local[i] of body slot[i]) and whether it is on the grid."""
    h, w = shape
    a = angle[slot]
    c, s = np.cos(a), np.sin(a)
    wx = pos[slot, 0] + c * local[:, 0] - s * local[:, 1]
    wy = pos[slot, 1] + s * local[:, 0] + c * local[:, 1]
    cx = np.floor(wx).astype(np.int64)
    cy = np.floor(wy).astype(np.int64)
    inside = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)
    return np.where(inside, cy * w + cx, 0), inside


class Floor:
    """The free deck over a window of the grid, at FINE_PER_M raster cells per metre.

    Made from a [y, x] cell mask of where a piece may lie (the whole window
    `box`, x0, y0, x1, y1 in cells); `take` marks a piece lying there, so the
    next one is fitted clear of it. The raster has a taken border, so a
    point off the window reads as taken.
    """

    def __init__(self, free_cells: np.ndarray, box: tuple[int, int, int, int]) -> None:
        x0, y0, x1, y1 = box
        k = FINE_PER_M
        inner = np.repeat(np.repeat(free_cells[y0:y1, x0:x1], k, axis=0), k, axis=1)
        self.free = np.zeros((inner.shape[0] + 2, inner.shape[1] + 2), dtype=bool)
        self.free[1:-1, 1:-1] = inner
        # raster index of a point: floor(p * k) - (origin * k - 1), clipped onto the border
        self.shift = (x0 * k - 1, y0 * k - 1)
        self._shift_xy = np.array(self.shift, dtype=np.float64)
        self._last_xy = np.array([self.free.shape[1] - 1, self.free.shape[0] - 1], dtype=np.float64)

    def _index(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # `_window(*raster_index(pts))` in a few whole-array steps: the cell
        # numbers are whole floats, so shifting and clipping them is exact.
        r = pts * FINE_PER_M
        np.floor(r, out=r)
        r -= self._shift_xy
        np.maximum(r, 0.0, out=r)
        np.minimum(r, self._last_xy, out=r)
        r = r.astype(np.intp)
        return r[..., 1], r[..., 0]

    def _window(self, ry: np.ndarray, rx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Station raster indices (see `raster_index`) as indices into this window's raster."""
        h, w = self.free.shape
        cy, cx = ry - self.shift[1], rx - self.shift[0]
        np.maximum(cy, 0, out=cy)
        np.maximum(cx, 0, out=cx)
        return np.minimum(cy, h - 1, out=cy), np.minimum(cx, w - 1, out=cx)

    def take(self, length_m: float, width_m: float, pos: tuple[float, float], angle: float) -> None:
        """Mark every raster cell the rectangle (grown by CLEARANCE_M) touches as taken."""
        self.take_cells(*taken_cells(length_m, width_m, pos, angle))

    def take_cells(self, ry: np.ndarray, rx: np.ndarray) -> None:
        """Mark station raster cells (`taken_cells` of one piece or of many, joined) as taken."""
        cy, cx = self._window(ry, rx)
        self.free[cy, cx] = False
        self.free[0, :] = self.free[-1, :] = False  # (clipped points land on the border: it stays taken)
        self.free[:, 0] = self.free[:, -1] = False

    def fits(self, samples: np.ndarray, centres: np.ndarray, angle: float) -> np.ndarray:
        """For each candidate centre: do all the piece's `samples` (local points) lie on free deck there?"""
        cy, cx = self._index(place(samples, centres, angle))
        return self.free[cy, cx].all(axis=-1)


def _coarse(length_m: float, width_m: float) -> np.ndarray:
    """A few of a rectangle's points (centre, corners, mid-sides): a quick first test of a fit."""
    return _COARSE_UNIT * np.array([length_m / 2 + CLEARANCE_M, width_m / 2 + CLEARANCE_M])


def _coarse_many(length_m: np.ndarray, width_m: np.ndarray) -> np.ndarray:
    """`_coarse` of many rectangles, to the bit: (P, 9, 2)."""
    half = np.stack([length_m / 2 + CLEARANCE_M, width_m / 2 + CLEARANCE_M], axis=1)
    return _COARSE_UNIT[None, :, :] * half[:, None, :]


_COARSE_SIGNS = tuple((sx, sy) for sx in (-1, 0, 1) for sy in (-1, 0, 1))
_COARSE_UNIT = np.array(_COARSE_SIGNS, dtype=np.float64)  # (x-major: the signs times the half sides are the points)
_COARSE_UNIT.flags.writeable = False


def find_spot(
    floor: Floor, length_m: float, width_m: float, want: tuple[float, float], angle: float,
    area: tuple[float, float, float, float],
) -> tuple[tuple[float, float], float] | None:
    """The free place nearest `want` for a rectangle: first at `angle`, then turned.

    Candidates lie on a 0.1 m lattice over `area` grown by 1 m, tried nearest
    first (ties in lattice order), so the choice is deterministic. The
    rectangle must lie on `floor`'s free deck, CLEARANCE_M from whatever is
    taken; the floor's window must hold `area` grown by SPOT_REACH_M (see
    `spot_window`).
    """
    outline = outline_samples(length_m, width_m, CLEARANCE_M, 1.0 / FINE_PER_M)
    return _find(floor, outline, length_m, width_m, want, angle, area, at_want=None)


def _find(
    floor: Floor, outline: np.ndarray, length_m: float, width_m: float, want: tuple[float, float], angle: float,
    area: tuple[float, float, float, float], at_want: bool | None, clear_m: float = -1.0,
) -> tuple[tuple[float, float], float] | None:
    """`find_spot` with the outline made; `at_want` is whether it fits at `want` at
    `angle`, if that is known already (None: not looked at yet); at `angle`, nothing
    within `clear_m` (one of RINGS_M) fits, if that is known already."""
    want_arr = np.array([want], dtype=np.float64)
    coarse, rings, lo = None, tuple(r for r in RINGS_M if r > clear_m), -1.0 if clear_m < 0.0 else clear_m * clear_m
    for a in (angle, angle + math.pi / 2, 0.0, math.pi / 2):
        fits = at_want if at_want is not None else floor.fits(outline, want_arr, a)[0]
        at_want = None
        if fits:
            return (float(want[0]), float(want[1])), a
        if coarse is None:  # (most pieces land where they were dropped and never get here)
            coarse = _coarse(length_m, width_m)
        spot = _first_fit(floor, outline, coarse, want, a, area, rings, lo)
        if spot is not None:
            return spot, a
        rings, lo = (), -1.0  # no room near at one angle: the deck is crowded, so the next is searched whole at once
    return None


def _rotations(angles: list[float]) -> np.ndarray:
    """`place`'s rotation (row-vector form) for each angle: (P, 2, 2)."""
    rots = np.empty((len(angles), 2, 2))
    for i, a in enumerate(angles):
        c, s = math.cos(a), math.sin(a)
        rots[i] = ((c, s), (-s, c))
    return rots


def place_stack(stack: np.ndarray, centres: np.ndarray, angles: list[float]) -> np.ndarray:
    """`place` for many shapes (P, K, 2), each at its one centre and angle, to the bit:
    a stack of products, each as `local @ rot` (a short shape repeats a point: a cell
    read or marked twice is the same)."""
    return centres[:, None, :] + np.matmul(stack, _rotations(angles))


def _axis_many(size_m: np.ndarray, spacing_m: float) -> np.ndarray:
    """`area_samples`' points along one side for many rectangles, to the bit: (P, N),
    a side with fewer than N repeating its last."""
    n = np.maximum(1, np.ceil(size_m / spacing_m)).astype(np.int64)
    i = np.minimum(np.arange(int(n.max()))[None, :], (n - 1)[:, None])
    return (i + 0.5) / n[:, None] * size_m[:, None] - (size_m / 2)[:, None]


def _grid_many(length_m: np.ndarray, width_m: np.ndarray, spacing_m: float) -> np.ndarray:
    """The points of `area_samples` for many rectangles, to the bit (in another order, some
    repeated): (P, K, 2). Where a point lies is all a fit or a raster reads."""
    lx, ly = _axis_many(length_m, spacing_m), _axis_many(width_m, spacing_m)
    out = np.empty((lx.shape[0], lx.shape[1], ly.shape[1], 2))
    out[..., 0] = lx[:, :, None]
    out[..., 1] = ly[:, None, :]
    return out.reshape(lx.shape[0], -1, 2)


def _span_many(half: np.ndarray, spacing_m: float) -> np.ndarray:
    """`_span` of `outline_samples` for many halves, to the bit: (P, N), a short one repeating its last."""
    n = np.maximum(1, np.ceil(2 * half / spacing_m)).astype(np.int64)
    t = np.minimum(np.arange(int(n.max()) + 1)[None, :], n[:, None])
    h = half[:, None]
    return np.where(t == n[:, None], h, t * ((h - -h) / n[:, None]) + -h)


def outline_many(length_m: np.ndarray, width_m: np.ndarray, margin_m: float, spacing_m: float) -> np.ndarray:
    """The points of `outline_samples` (spacing at most 0.5 m) for many rectangles, to the
    bit (in another order, some repeated): (P, K, 2)."""
    hl, hw = length_m / 2 + margin_m, width_m / 2 + margin_m
    xs, ys = _span_many(hl, spacing_m), _span_many(hw, spacing_m)
    p, a, b = xs.shape[0], xs.shape[1], ys.shape[1]
    inside = _grid_many(length_m, width_m, spacing_m)
    out = np.empty((p, 2 * a + 2 * b + inside.shape[1], 2))
    out[:, 0:a, 0] = out[:, a:2 * a, 0] = xs  # the long sides, the short sides, the inside
    out[:, 0:a, 1], out[:, a:2 * a, 1] = -hw[:, None], hw[:, None]
    c = 2 * a
    out[:, c:c + b, 0], out[:, c + b:c + 2 * b, 0] = -hl[:, None], hl[:, None]
    out[:, c:c + b, 1] = out[:, c + b:c + 2 * b, 1] = ys
    out[:, c + 2 * b:] = inside
    return out


def taken_cells_many(
    length_m: list[float], width_m: list[float], pos: np.ndarray, angles: list[float],
) -> tuple[np.ndarray, np.ndarray]:
    """`taken_cells` of many rectangles at once: (P, K) station raster (y, x), each row one
    rectangle's cells (a short one repeats its first)."""
    return raster_index(place_stack(_take_many(length_m, width_m), pos, angles))


def _take_many(length_m: list[float], width_m: list[float]) -> np.ndarray:
    """The points of `_take_samples` for many rectangles, to the bit (order aside): (P, K, 2)."""
    step = 0.5 / FINE_PER_M  # as `_take_samples`
    return _grid_many(np.array(length_m) + 2 * CLEARANCE_M + step, np.array(width_m) + 2 * CLEARANCE_M + step, step)


class Drop:
    """A fall's pieces, fitted one after another on one Floor (see `find_spot`).

    What does not depend on where the ones before landed (each outline where
    it was dropped, and the cells it takes lying there) is worked out for all
    of them at once: most pieces land where they were dropped. So is the
    first part of the search (the lattice points within the near rings,
    RINGS_M), for every piece sure to need it when the first one does
    (`_near_candidates`): the points whose coarse points were free then are
    the only ones that can fit later, since landing only takes deck.
    """

    def __init__(
        self, floor: Floor, length_m: list[float], width_m: list[float], want: np.ndarray, angles: list[float],
        area: tuple[float, float, float, float],
    ) -> None:
        self.floor, self.length_m, self.width_m, self.want, self.angles = floor, length_m, width_m, want, angles
        lengths, widths = np.array(length_m), np.array(width_m)
        self.outlines = outline_many(lengths, widths, CLEARANCE_M, 1.0 / FINE_PER_M)
        self.takes = _take_many(length_m, width_m)
        rots = _rotations(angles)
        turned = np.matmul(self.outlines, rots)  # (as `place_stack`)
        width = floor.free.shape[1]
        # flat indices into the floor's raster (a view of it: it is contiguous)
        fy, fx = floor._index(want[:, None, :] + turned)
        self.fit = fy * width + fx
        self.turned_takes = np.matmul(self.takes, rots)
        ty, tx = floor._window(*raster_index(want[:, None, :] + self.turned_takes))
        self.take = ty * width + tx
        # Every piece's search offsets at its drawn angle (`_offsets`: outline, then coarse points).
        self.off = np.concatenate([turned, np.matmul(_coarse_many(lengths, widths), rots)], axis=1)
        self.area = area
        # Per ring of RINGS_M: piece -> its candidates there, made when first needed.
        self.near: list[dict[int, _Near]] = [{} for _ in RINGS_M]

    def land(self, i: int) -> tuple[tuple[float, float], float] | None:
        """Piece i's spot (`find_spot`), marked taken on the floor; None if it found none."""
        floor = self.floor
        flat = floor.free.reshape(-1)
        angle = self.angles[i]
        if flat.take(self.fit[i]).all():
            flat[self.take[i]] = False
            return (float(self.want[i, 0]), float(self.want[i, 1])), angle
        for ring in range(len(RINGS_M)):
            near = self._near(ring, i)
            start, size = 0, 8
            while start < near.x.size:  # nearest first, in growing batches, on the deck as it lies now
                bj, bi = near.bj[start:start + size], near.bi[start:start + size]
                ok = flat.take(near.ys[bj] + near.xs[bi]).all(axis=1)
                k = int(ok.argmax())
                if ok[k]:
                    spot = float(near.x[start + k]), float(near.y[start + k])
                    ty, tx = floor._index(np.array(spot) + self.turned_takes[i])  # (the cells `Floor.take` marks)
                    flat[ty * floor.free.shape[1] + tx] = False
                    return spot, angle
                start, size = start + size, size * 4
        want = (float(self.want[i, 0]), float(self.want[i, 1]))
        spot = _find(floor, self.outlines[i], self.length_m[i], self.width_m[i], want, angle, self.area,
                     at_want=False, clear_m=RINGS_M[-1])
        if spot is not None:  # (the cells `Floor.take` marks, from the points already made)
            floor.take_cells(*raster_index(place(self.takes[i], np.array([spot[0]], dtype=np.float64), spot[1])[0]))
        return spot

    def _near(self, ring: int, i: int) -> "_Near":
        """Piece i's candidates in ring `ring` (nothing nearer fits), made now if not yet,
        together with every later piece's sure to need them: one that misses its drop spot
        now and finds nothing in the rings inside it (landing only takes deck)."""
        near = self.near[ring]
        if i not in near:
            flat = self.floor.free.reshape(-1)
            later = [j for j in range(i + 1, len(self.angles)) if j not in near]
            if later:
                later = np.array(later)[~flat.take(self.fit[later]).all(axis=1)].tolist()
            for inner in self.near[:ring]:
                later = [j for j in later if j in inner and not inner[j].fits_any(flat)]
            near.update(_near_candidates(self, [i] + later, RINGS_M[ring - 1] if ring else -1.0, RINGS_M[ring]))
        return near[i]


class _Near(NamedTuple):
    """A piece's lattice points in a ring about its drop spot (x, y) whose coarse points lay
    free when looked at, nearest first (ties in lattice order), as rows `bj` and columns `bi`
    of its box: a point's flat raster cells are ys[bj] + xs[bi]."""

    x: np.ndarray
    y: np.ndarray
    bj: np.ndarray
    bi: np.ndarray
    ys: np.ndarray
    xs: np.ndarray

    def fits_any(self, flat: np.ndarray) -> bool:
        """Whether any of the points fits on the flat raster as it lies now."""
        return bool(flat.take(self.ys[self.bj] + self.xs[self.bi]).all(axis=1).any())


def _near_candidates(drop: "Drop", pieces: list[int], lo: float, hi: float) -> dict[int, _Near]:
    """`_first_fit`'s ring (lattice points within `hi` of the drop spot, past `lo` if `lo`
    >= 0, at the drawn angle) for the `pieces` of `drop` at once, on its floor as it lies
    now: the points whose coarse points lie free, nearest first. The same lattice points,
    distances and cells as `_first_fit`, to the bit (it clips every line: a no-op where
    `_raster_axis` skips it)."""
    floor = drop.floor
    gx, gy = _lattice_axes(drop.area)
    sel = np.array(pieces)
    off = drop.off[sel]  # (M, K, 2)
    wx, wy = drop.want[sel, 0], drop.want[sel, 1]
    pad = hi + 0.1  # as `_ring_box`
    j0, j1 = np.searchsorted(gy, wy - pad), np.searchsorted(gy, wy + pad, side="right")
    i0, i1 = np.searchsorted(gx, wx - pad), np.searchsorted(gx, wx + pad, side="right")
    span = np.arange(max(int((j1 - j0).max()), int((i1 - i0).max()), 1))
    jj, ii = j0[:, None] + span, i0[:, None] + span  # (M, B): a box as wide as the widest, the rest masked
    jj_ok, ii_ok = jj < j1[:, None], ii < i1[:, None]
    np.minimum(jj, gy.size - 1, out=jj)
    np.minimum(ii, gx.size - 1, out=ii)
    d2 = ((gy[jj] - wy[:, None]) ** 2)[:, :, None] + ((gx[ii] - wx[:, None]) ** 2)[:, None, :]
    (sx, sy), w = floor.shift, floor.free.shape[1]
    ys = _raster_lines(gy[jj], off[:, :, 1], sy, floor.free.shape[0] - 1) * w  # (M, B, K)
    xs = _raster_lines(gx[ii], off[:, :, 0], sx, w - 1)
    nf = len(_COARSE_SIGNS)  # the coarse points are the last offsets: the whole box's at once
    ok = floor.free.reshape(-1).take(ys[:, :, None, -nf:] + xs[:, None, :, -nf:]).all(axis=-1)
    ok &= (d2 <= hi * hi) & jj_ok[:, :, None] & ii_ok[:, None, :]
    if lo >= 0.0:
        ok &= d2 > lo * lo
    m, bj, bi = np.nonzero(ok)
    order = np.lexsort((d2[m, bj, bi], m))  # by piece, nearest first, ties in lattice order
    m, bj, bi = m[order], bj[order], bi[order]
    x, y = gx[ii[m, bi]], gy[jj[m, bj]]
    ends = np.searchsorted(m, np.arange(len(pieces) + 1)).tolist()
    return {j: _Near(x[a:b], y[a:b], bj[a:b], bi[a:b], ys[p], xs[p])
            for p, (j, a, b) in enumerate(zip(pieces, ends, ends[1:]))}


@functools.lru_cache(maxsize=64)
def _lattice_axes(area: tuple[float, float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """The 0.1 m candidate centres over `area` grown by 1 m: their x and y (the lattice is
    every pair, in row order, x fastest)."""
    x0, y0, x1, y1 = area
    gx = np.arange(math.floor((x0 - 1.0) * 10), math.ceil((x1 + 1.0) * 10) + 1) / 10.0
    gy = np.arange(math.floor((y0 - 1.0) * 10), math.ceil((y1 + 1.0) * 10) + 1) / 10.0
    gx.flags.writeable = gy.flags.writeable = False  # kept for the next piece of the same fall
    return gx, gy


# The search tries the lattice within each of these of `want` in turn, then the rest at once.
RINGS_M = (0.5, 1.0)
BATCH_CELLS = 8192  # (candidate, sample) pairs tested in a ring's first batch; each next four times as many


def _first_fit(
    floor: Floor, outline: np.ndarray, coarse: np.ndarray, want: tuple[float, float], angle: float,
    area: tuple[float, float, float, float], rings: tuple[float, ...] = RINGS_M, lo: float = -1.0,
) -> tuple[float, float] | None:
    """The lattice point nearest `want` (ties in lattice order) where the `outline`
    and `coarse` points (local) all lie on free deck, or None. The `rings` only
    order the work (the nearest tried first): any give the same point. Points within
    sqrt(`lo`) are known not to fit and are not tried.

    `Floor.fits` at each candidate without placing each one: a point's x
    raster index depends only on its column and its y index only on its row,
    so both are worked out per column and per row (`_Axes`), by the very
    operations `fits` does (the same cells to the bit). Past the first ring,
    the coarse points pick the candidates worth testing (in one gather; over
    the rest of the lattice, a shifted slice of the raster each), and each
    batch of candidates works out only the rows and columns it spans.
    """
    off = _offsets(outline, coarse, angle)
    nf = coarse.shape[0]
    few = off[-nf:]
    gx, gy = _lattice_axes(area)
    axes = _Axes(floor, gx, gy, off)
    flat = floor.free.reshape(-1)  # (a view: the raster is contiguous)
    dx2 = (gx - want[0]) ** 2
    dy2 = (gy - want[1]) ** 2
    # Rings about `want` out to each of RINGS_M (a ring's rows and columns worked out
    # for every sample), then the rest of the lattice at once. Past the first ring, the
    # coarse points pick the candidates worth testing: in a ring by one gather, in the
    # rest by a shifted slice of the raster each.
    for r in rings + (None,):
        rows = None
        if r is None:
            j0, j1, i0, i1 = 0, gy.size, 0, gx.size
            nx = i1 - i0
            d2 = (dy2[:, None] + dx2[None, :]).reshape(-1)
            ok = _pick_by_shifts(floor.free, *axes.lines(j0, j1, i0, i1, few, flat=False)).reshape(-1)
            ok &= d2 > lo
            cand = np.flatnonzero(ok)
        else:
            j0, j1, i0, i1 = _ring_box(gx, gy, want, r)
            nx = i1 - i0
            d2 = (dy2[j0:j1, None] + dx2[None, i0:i1]).reshape(-1)
            ring = d2 <= r * r
            if lo >= 0.0:
                ring &= d2 > lo
            cand = np.flatnonzero(ring)
            if cand.size:
                rows = axes.lines(j0, j1, i0, i1, off)
                if lo >= 0.0:
                    ys, xs = rows
                    cand = cand[flat.take(ys[cand // nx, -nf:] + xs[cand % nx, -nf:]).all(axis=1)]
            lo = r * r
        if cand.size:
            cand = cand[np.argsort(d2[cand], kind="stable")]  # nearest first, ties in lattice order
            rj, ci = cand // nx, cand % nx
            start, size = 0, max(1, BATCH_CELLS // off.shape[0])
            while start < cand.size:  # in growing batches: most fits are among the nearest
                bj, bi = rj[start:start + size], ci[start:start + size]
                if rows is not None:
                    ys, xs = rows
                else:  # only the rows and columns this batch spans
                    ja, ia = int(bj.min()), int(bi.min())
                    ys, xs = axes.lines(j0 + ja, j0 + int(bj.max()) + 1, i0 + ia, i0 + int(bi.max()) + 1, off)
                    bj, bi = bj - ja, bi - ia
                hit = np.flatnonzero(flat.take(ys[bj] + xs[bi]).all(axis=1))
                if hit.size:
                    k = start + int(hit[0])
                    return float(gx[i0 + ci[k]]), float(gy[j0 + rj[k]])
                start, size = start + size, size * 4
    return None


def _offsets(outline: np.ndarray, coarse: np.ndarray, angle: float) -> np.ndarray:
    """The outline's and the coarse points' offsets turned by `angle` (as `place`), the coarse last."""
    c, s = math.cos(angle), math.sin(angle)
    rot = np.array([[c, s], [-s, c]])
    return np.concatenate([outline @ rot, coarse @ rot])


def _raster_lines(g: np.ndarray, off: np.ndarray, shift: int, last: int) -> np.ndarray:
    """`_raster_axis` for many pieces at once, clipped: lines g (M, B), offsets off (M, K) -> (M, B, K)."""
    r = g[:, :, None] + off[:, None, :]
    r *= FINE_PER_M
    np.floor(r, out=r)
    r -= float(shift)
    np.maximum(r, 0.0, out=r)
    np.minimum(r, float(last), out=r)
    return r.astype(np.intp)


def _ring_box(gx: np.ndarray, gy: np.ndarray, want: tuple[float, float], r: float) -> tuple[int, int, int, int]:
    """The lattice rows and columns (j0, j1, i0, i1) that hold every point within `r` of
    `want`: a lattice step wider, so no rounding puts one outside."""
    pad = r + 0.1
    return (int(np.searchsorted(gy, want[1] - pad)), int(np.searchsorted(gy, want[1] + pad, side="right")),
            int(np.searchsorted(gx, want[0] - pad)), int(np.searchsorted(gx, want[0] + pad, side="right")))


class _Axes:
    """`Floor._index` of sample offsets at whole rows and columns of the candidate lattice:
    a point's y raster index depends only on its row, its x index only on its column."""

    def __init__(self, floor: Floor, gx: np.ndarray, gy: np.ndarray, off: np.ndarray) -> None:
        self.gx, self.gy, self.off = gx, gy, off
        (self.sx, self.sy), self.w = floor.shift, floor.free.shape[1]
        self.fy, self.fx = floor.free.shape[0] - 1, floor.free.shape[1] - 1
        self.lo, self.hi = off.min(axis=0).tolist(), off.max(axis=0).tolist()

    def lines(self, j0: int, j1: int, i0: int, i1: int, off: np.ndarray, flat: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """The y raster index of `off` (samples) at rows j0:j1 (times the width if `flat`) and
        the x index at columns i0:i1."""
        ys = _raster_axis(self.gy[j0:j1], off[:, 1], self.sy, self.fy, self.lo[1], self.hi[1])
        if flat:
            ys *= self.w
        return ys, _raster_axis(self.gx[i0:i1], off[:, 0], self.sx, self.fx, self.lo[0], self.hi[0])


def _pick_by_shifts(free: np.ndarray, ry: np.ndarray, cx: np.ndarray) -> np.ndarray:
    """Where the samples may all lie free (ry: rows x samples, cx: columns x samples): `free`
    ANDed over the samples whose cells run on one by one along both axes, each a shifted
    slice of the raster. A necessary test, not the exact one: a sample that does not run on
    so (a cell skipped or read twice by rounding, or clipped at an edge) is left out."""
    ny, nx = ry.shape[0], cx.shape[0]
    ok = np.ones((ny, nx), dtype=bool)
    y0, x0 = ry[0], cx[0]
    steady = (ry[-1] - y0 == ny - 1) & (cx[-1] - x0 == nx - 1)
    if ny > 1:
        steady &= (np.diff(ry, axis=0) == 1).all(axis=0)
    if nx > 1:
        steady &= (np.diff(cx, axis=0) == 1).all(axis=0)
    sel = np.flatnonzero(steady)
    for y, x in sorted(set(zip(y0[sel].tolist(), x0[sel].tolist()))):  # a shift read once, however many share it
        np.logical_and(ok, free[y:y + ny, x:x + nx], out=ok)
    return ok


def _raster_axis(g: np.ndarray, off: np.ndarray, shift: int, last: int, lo: float, hi: float) -> np.ndarray:
    """One coordinate of `Floor._index` for every lattice line `g` (ascending) and sample
    offset `off` (len(g), K), `lo` and `hi` bounding `off`. Each step is monotonic, so
    the first line at `lo` and the last at `hi` give the extreme cells: where those lie
    on the raster, no point needs clipping onto its border."""
    r = g[:, None] + off[None, :]
    r *= FINE_PER_M
    np.floor(r, out=r)
    r -= float(shift)
    if g.size and (math.floor((float(g[0]) + lo) * FINE_PER_M) < shift
                   or math.floor((float(g[-1]) + hi) * FINE_PER_M) - shift > last):
        np.maximum(r, 0.0, out=r)
        np.minimum(r, float(last), out=r)
    return r.astype(np.intp)


def raster_index(pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(y, x) of the station-wide FINE_PER_M raster cell each point lies in."""
    return (np.floor(pts[..., 1] * FINE_PER_M).astype(np.int64), np.floor(pts[..., 0] * FINE_PER_M).astype(np.int64))


def taken_cells(length_m: float, width_m: float, pos: tuple[float, float], angle: float) -> tuple[np.ndarray, np.ndarray]:
    """The station raster cells (y, x) a rectangle lying at `pos`, `angle` takes
    (grown by CLEARANCE_M): what `Floor.take` marks, kept by callers for a piece
    that has not moved since."""
    return raster_index(place(_take_samples(length_m, width_m), np.array([pos], dtype=np.float64), angle)[0])


@functools.lru_cache(maxsize=2048)
def _take_samples(length_m: float, width_m: float) -> np.ndarray:
    """The points `Floor.take` marks for a rectangle: half a raster cell apart over it grown
    by CLEARANCE_M (kept: a piece lying in a busy spot is taken again at every fall near it)."""
    step = 0.5 / FINE_PER_M  # half a raster cell: no cell under the rectangle is missed
    local = area_samples(length_m + 2 * CLEARANCE_M + step, width_m + 2 * CLEARANCE_M + step, step)
    local.flags.writeable = False
    return local


def read_reach_m(length_m: np.ndarray, width_m: np.ndarray) -> float:
    """How far past a search area fitting these rectangles reads the floor: the lattice's
    1 m (a step more, as `_lattice_axes` rounds outward), the farthest outline or coarse
    point from a centre, and a raster cell (a point reads the cell it lies in), with a
    margin for rounding."""
    return 1.1 + float(np.hypot(length_m / 2 + CLEARANCE_M, width_m / 2 + CLEARANCE_M).max()) + 0.1 + 0.1


def taken_reach_m(length_m: float, width_m: float) -> float:
    """How far from its centre the cells `Floor.take` marks for a rectangle can lie: its
    farthest sample (`_take_samples`) and a raster cell, with a margin for rounding."""
    step = 0.5 / FINE_PER_M
    return math.hypot(length_m / 2 + CLEARANCE_M + step / 2, width_m / 2 + CLEARANCE_M + step / 2) + 0.1 + 0.1


# How far past a search area a fitted piece can reach: the lattice's 1 m and
# half the longest piece's diagonal (a 4 m beam), rounded up.
SPOT_REACH_M = 4


def spot_window(area: tuple[float, float, float, float], shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """The cells (x0, y0, x1, y1) a Floor needs to fit pieces anywhere over `area`."""
    h, w = shape
    x0, y0, x1, y1 = area
    return (
        max(0, math.floor(x0) - SPOT_REACH_M), max(0, math.floor(y0) - SPOT_REACH_M),
        min(w, math.ceil(x1) + SPOT_REACH_M), min(h, math.ceil(y1) + SPOT_REACH_M),
    )
