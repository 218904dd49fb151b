"""Where a rectangle lying on the deck is, in cells: sampling, fitting, distance.

Pure numpy over many bodies at once. A body is a length x width rectangle
centred on its position and turned by its angle (radians, x toward y).
"""

from __future__ import annotations

import math

import numpy as np

SAMPLE_SPACING_M = 0.25  # below a cell's size, so a body's cells form an 8-connected set


def area_samples(length_m: float, width_m: float, spacing_m: float = SAMPLE_SPACING_M) -> np.ndarray:
    """Local points, one per patch of about spacing x spacing, covering the rectangle."""
    nx = max(1, math.ceil(length_m / spacing_m))
    ny = max(1, math.ceil(width_m / spacing_m))
    lx = (np.arange(nx) + 0.5) / nx * length_m - length_m / 2
    ly = (np.arange(ny) + 0.5) / ny * width_m - width_m / 2
    gx, gy = np.meshgrid(lx, ly, indexing="ij")
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def outline_samples(
    length_m: float, width_m: float, margin_m: float, spacing_m: float = SAMPLE_SPACING_M
) -> np.ndarray:
    """Local points along the outline grown by `margin_m`, corners included."""
    hl, hw = length_m / 2 + margin_m, width_m / 2 + margin_m
    nl = max(1, math.ceil(2 * hl / spacing_m))
    nw = max(1, math.ceil(2 * hw / spacing_m))
    xs = np.linspace(-hl, hl, nl + 1)
    ys = np.linspace(-hw, hw, nw + 1)
    pts = [np.stack([xs, np.full_like(xs, -hw)], 1), np.stack([xs, np.full_like(xs, hw)], 1)]
    pts += [np.stack([np.full_like(ys, -hl), ys], 1), np.stack([np.full_like(ys, hl), ys], 1)]
    pts.append(area_samples(length_m, width_m, 0.5))  # interior, for bodies wider than a cell
    return np.concatenate(pts)


def place(local: np.ndarray, centres: np.ndarray, angle_rad: float) -> np.ndarray:
    """World points for one shape at many candidate centres: (C, K, 2)."""
    c, s = math.cos(angle_rad), math.sin(angle_rad)
    rot = np.array([[c, s], [-s, c]])  # row-vector form of the rotation
    return centres[:, None, :] + (local @ rot)[None, :, :]


def points_free(passable: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """For (..., K, 2) world points: True where all K lie on passable cells."""
    h, w = passable.shape
    cx = np.floor(pts[..., 0]).astype(np.int64)
    cy = np.floor(pts[..., 1]).astype(np.int64)
    inside = (cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)
    ok = np.zeros(cx.shape, dtype=bool)
    ok[inside] = passable[cy[inside], cx[inside]]
    return ok.all(axis=-1)


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


def find_spot(
    free: np.ndarray, length_m: float, width_m: float, want: tuple[float, float], angle: float,
    area: tuple[float, float, float, float],
) -> tuple[tuple[float, float], float] | None:
    """The free place nearest `want` for a rectangle: first at `angle`, then turned.

    Candidates lie on a 0.1 m lattice over `area` grown by 1 m, tried nearest
    first (ties in lattice order), so the choice is deterministic; those
    within NEAR_SEARCH_M are tried before the rest. `free` is the [y, x]
    mask of cells the rectangle may touch.
    """
    outline = outline_samples(length_m, width_m, 0.02)
    want_arr = np.array([want], dtype=np.float64)
    if points_free(free, place(outline, want_arr, angle))[0]:
        return (float(want[0]), float(want[1])), angle
    x0, y0, x1, y1 = area
    ix0, ix1 = math.floor((x0 - 1.0) * 10), math.ceil((x1 + 1.0) * 10)
    iy0, iy1 = math.floor((y0 - 1.0) * 10), math.ceil((y1 + 1.0) * 10)
    r = round(NEAR_SEARCH_M * 10)
    wx, wy = round(want[0] * 10), round(want[1] * 10)
    for a in (angle, angle + math.pi / 2, 0.0, math.pi / 2):
        if a != angle and points_free(free, place(outline, want_arr, a))[0]:
            return (float(want[0]), float(want[1])), a
        # The lattice near `want` first; the whole area only if nothing fits there.
        for lo_x, hi_x, lo_y, hi_y in (
            (max(ix0, wx - r), min(ix1, wx + r), max(iy0, wy - r), min(iy1, wy + r)),
            (ix0, ix1, iy0, iy1),
        ):
            spot = _nearest_fit(free, outline, want, a, lo_x, hi_x, lo_y, hi_y)
            if spot is not None:
                return spot, a
    return None


NEAR_SEARCH_M = 1.5


def _nearest_fit(
    free: np.ndarray, outline: np.ndarray, want: tuple[float, float], angle: float,
    ix0: int, ix1: int, iy0: int, iy1: int,
) -> tuple[float, float] | None:
    """Nearest free lattice point (tenths of a metre, inclusive bounds) to `want`, or None."""
    if ix1 < ix0 or iy1 < iy0:
        return None
    gx = np.arange(ix0, ix1 + 1) / 10.0
    gy = np.arange(iy0, iy1 + 1) / 10.0
    cx, cy = np.meshgrid(gx, gy, indexing="xy")
    cand = np.stack([cx.ravel(), cy.ravel()], axis=1)
    d2 = (cand[:, 0] - want[0]) ** 2 + (cand[:, 1] - want[1]) ** 2
    order = np.argsort(d2, kind="stable")
    start, size = 0, 64
    while start < len(order):  # nearest first, in growing batches: most fits are close
        idx = order[start:start + size]
        hit = np.flatnonzero(points_free(free, place(outline, cand[idx], angle)))
        if hit.size:
            c = cand[idx[hit[0]]]
            return float(c[0]), float(c[1])
        start, size = start + size, size * 4
    return None
