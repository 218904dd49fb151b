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

import numpy as np

from game.sim import landing_kernels
from game.sim.compiled import fast

SAMPLE_SPACING_M = 0.25  # below a cell's size, so a body's cells form an 8-connected set
FINE_PER_M = 10  # the Floor's raster: 0.1 m, under the thinnest piece (0.15 m), so none hides between samples
CLEARANCE_M = 0.03  # gap kept from walls and from other pieces when landing

kernels = fast(landing_kernels)  # the landing search, compiled


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

    def take_packed(self, cells: np.ndarray) -> None:
        """Mark station raster cells packed as `taken_cells_many` packs them as taken."""
        kernels.take_packed(self.free.view(np.uint8), self.shift[0], self.shift[1], cells)

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
    return _find(floor, outline, _coarse(length_m, width_m), want, _turns(angle), area)


def _turns(angle: float) -> tuple[float, ...]:
    """The angles a piece dropped at `angle` is tried at, in turn."""
    return angle, angle + math.pi / 2, 0.0, math.pi / 2


def _find(
    floor: Floor, outline: np.ndarray, coarse: np.ndarray, want: tuple[float, float], angles: tuple[float, ...],
    area: tuple[float, float, float, float],
) -> tuple[tuple[float, float], float] | None:
    """`find_spot` with the outline and coarse points made, at each of `angles` in turn: at
    `want` if the outline fits there, else the lattice point nearest it (ties in lattice
    order) where the outline and the coarse points fit (landing_kernels)."""
    gx, gy = _lattice_axes(area)
    spot = np.empty(2)
    for a in angles:
        found = kernels.find(*_raster(floor), gx, gy, want[0], want[1], _offsets(outline, coarse, a), len(outline),
                             len(_COARSE_SIGNS), spot, *_room(gx, gy))
        if found != landing_kernels.NOWHERE:
            return (float(spot[0]), float(spot[1])), a
    return None


def _raster(floor: Floor) -> tuple[np.ndarray, float, int, int]:
    """What the kernels read of a floor: its raster (as bytes, a view: they mark it), the
    cells per metre and the window's shift."""
    return floor.free.view(np.uint8), float(FINE_PER_M), floor.shift[0], floor.shift[1]


def _room(gx: np.ndarray, gy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The kernels' room for a lattice's candidates (their distances and lattice numbers) and
    for the coarse points' cells along its rows and columns."""
    n = gx.size * gy.size
    return np.empty(n), np.empty(n, dtype=np.intp), np.empty((gx.size + gy.size) * len(_COARSE_SIGNS), dtype=np.intp)


def _rotations(angles: list[float]) -> np.ndarray:
    """`place`'s rotation (row-vector form) for each angle: (P, 2, 2)."""
    # (the math module's cosine and sine, as `place` takes them)
    c, s = np.array([math.cos(a) for a in angles]), np.array([math.sin(a) for a in angles])
    rots = np.empty((len(angles), 2, 2))
    rots[:, 0, 0] = rots[:, 1, 1] = c
    rots[:, 0, 1] = s
    np.negative(s, out=rots[:, 1, 0])
    return rots


def place_stack(stack: np.ndarray, centres: np.ndarray, angles: list[float]) -> np.ndarray:
    """`place` for many shapes (P, K, 2), each at its one centre and angle, to the bit:
    a stack of products, each as `local @ rot` (a short shape repeats a point: a cell
    read or marked twice is the same)."""
    return centres[:, None, :] + np.matmul(stack, _rotations(angles))


def outline_many(length_m: np.ndarray, width_m: np.ndarray, margin_m: float, spacing_m: float) -> np.ndarray:
    """The points of `outline_samples` (spacing at most 0.5 m) for many rectangles, to the
    bit (a short one's last repeated): (P, K, 2)."""
    out = np.empty((len(length_m), kernels.outline_size(length_m, width_m, margin_m, spacing_m), 2))
    kernels.outline(length_m, width_m, margin_m, spacing_m, out)
    return out


def taken_cells_many(
    length_m: list[float], width_m: list[float], pos: np.ndarray, angles: list[float],
) -> list[np.ndarray]:
    """`taken_cells` of many rectangles at once, each rectangle's as one int32 array of its
    cells packed y << 16 | x (int16 holds any raster index: MAX_MAP_SIDE x FINE_PER_M; see
    landing_kernels.pack_cells), a cell perhaps more than once."""
    pts = place_stack(_take_many(length_m, width_m), pos, angles)
    out, counts = np.empty(pts.shape[:2], dtype=np.int32), np.empty(len(angles), dtype=np.intp)
    kernels.pack_cells(pts, float(FINE_PER_M), out, counts)
    return [out[k, :n].copy() for k, n in enumerate(counts.tolist())]


def _take_many(length_m: list[float], width_m: list[float]) -> np.ndarray:
    """The points of `_take_samples` for many rectangles, to the bit (a short one's last repeated): (P, K, 2)."""
    step = 0.5 / FINE_PER_M  # as `_take_samples`
    length, width = np.array(length_m) + 2 * CLEARANCE_M + step, np.array(width_m) + 2 * CLEARANCE_M + step
    out = np.empty((length.size, kernels.grid_size(length, width, step), 2))
    kernels.grid(length, width, step, out)
    return out


class Drop:
    """A fall's pieces, fitted one after another on one Floor (see `find_spot`).

    What does not depend on where the ones before landed (each piece's outline,
    coarse points and the points it takes, turned to its drawn angle) is worked
    out for all of them at once; the kernel then lands them in turn in one call.
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
        self.turned_takes = np.matmul(self.takes, rots)  # (as `place_stack`)
        # Every piece's search offsets at its drawn angle (`_offsets`: outline, then coarse points).
        self.off = np.concatenate([np.matmul(self.outlines, rots), np.matmul(_coarse_many(lengths, widths), rots)],
                                  axis=1)
        self.area = area

    def land(self) -> list[tuple[tuple[float, float], float] | None]:
        """Every piece's spot (`find_spot`, piece after piece), each marked taken on the floor
        as it lands; None for one that found none."""
        n = len(self.angles)
        gx, gy = _lattice_axes(self.area)
        spots, how, room = np.empty((n, 2)), np.empty(n, dtype=np.int8), _room(gx, gy)
        out: list[tuple[tuple[float, float], float] | None] = []
        start = 0
        while start < n:
            stop = kernels.land_fall(*_raster(self.floor), gx, gy, self.want, self.off, self.outlines.shape[1],
                                     len(_COARSE_SIGNS), self.turned_takes, start, spots, how, *room)
            out.extend((xy, a) for xy, a in zip(map(tuple, spots[start:stop].tolist()), self.angles[start:stop]))
            if stop < n:  # no room at its drawn angle: turned
                out.append(self._turned(stop))
            start = stop + 1
        return out

    def _turned(self, i: int) -> tuple[tuple[float, float], float] | None:
        """Piece i's spot at the angles after its drawn one (`find_spot`), marked taken."""
        want = (float(self.want[i, 0]), float(self.want[i, 1]))
        spot = _find(self.floor, self.outlines[i], _coarse(self.length_m[i], self.width_m[i]), want,
                     _turns(self.angles[i])[1:], self.area)
        if spot is not None:  # (the cells `Floor.take` marks, from the points already made)
            pts = place(self.takes[i], np.array([spot[0]], dtype=np.float64), spot[1])[0]
            self.floor.take_cells(*raster_index(pts))
        return spot


@functools.lru_cache(maxsize=64)
def _lattice_axes(area: tuple[float, float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """The 0.1 m candidate centres over `area` grown by 1 m: their x and y (the lattice is
    every pair, in row order, x fastest)."""
    x0, y0, x1, y1 = area
    gx = np.arange(math.floor((x0 - 1.0) * 10), math.ceil((x1 + 1.0) * 10) + 1) / 10.0
    gy = np.arange(math.floor((y0 - 1.0) * 10), math.ceil((y1 + 1.0) * 10) + 1) / 10.0
    gx.flags.writeable = gy.flags.writeable = False  # kept for the next piece of the same fall
    return gx, gy


def _offsets(outline: np.ndarray, coarse: np.ndarray, angle: float) -> np.ndarray:
    """The outline's and the coarse points' offsets turned by `angle` (as `place`), the coarse last."""
    c, s = math.cos(angle), math.sin(angle)
    rot = np.array([[c, s], [-s, c]])
    return np.concatenate([outline @ rot, coarse @ rot])


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
