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


def outline_samples(length_m: float, width_m: float, margin_m: float, spacing_m: float = SAMPLE_SPACING_M) -> np.ndarray:
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
