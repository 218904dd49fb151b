"""Static collision geometry for debris: the grid's solid cells as few rectangles.

Only solid cells that debris can touch (those beside a passable cell) get a
shape. They are merged greedily: runs along each row, stacked downwards while
the next row has exactly the same run, so a hull wall 100 cells long is one
shape. Doorways are never merged: each has a square of its own, so a door
opening or shutting swaps that square and leaves the walls either side (and
whatever sleeps against them) alone. When cells change (a door opens, a
wall is cut) only the rectangles that touch the change are taken out and
their cells merged again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pymunk
from scipy import ndimage

from game.sim.tiles import Tile

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 in cells, end-exclusive

EIGHT = np.ones((3, 3), dtype=bool)
CAT_WALL = 0b0001  # collision categories shared with debris.py
CAT_DEBRIS = 0b0010
CAT_PERSON = 0b0100
CAT_HEAVY = 0b1000  # debris too heavy to step over or push aside
WALL_FRICTION = 0.5
# A doorway's square reaches this far into the solid cells beside it (the
# shapes overlap). Two separate shapes meet at a seam, and a piece driven
# into a wall at the seam deeper than it overlaps either shape across the
# seam is pushed along the seam by both, not back out, and goes through
# (seen at 12 m/s on a door between two squares). One substep carries a
# piece at most debris_state.MAX_STEP_M (0.3 m) into a face, so this much
# overlap always leaves the push back out the shallower way.
SEAM_OVERLAP_M = 0.4
_SIDES = ((-1, 0), (1, 0), (0, -1), (0, 1))


def debris_passable(tiles: np.ndarray, door_open: np.ndarray) -> np.ndarray:
    """Cells a body may occupy: floor, cut holes and open doorways."""
    return (tiles == Tile.FLOOR) | (tiles == Tile.CUT) | door_open


def wall_mask(passable: np.ndarray) -> np.ndarray:
    """Solid cells that touch (8-way) a passable one: the only ones debris can hit."""
    return ~passable & ndimage.binary_dilation(passable, structure=EIGHT)


def merge_rects(mask: np.ndarray, x_off: int = 0, y_off: int = 0) -> list[Rect]:
    """Cover `mask` with disjoint rectangles: row runs merged down while identical."""
    h, w = mask.shape
    rects: list[Rect] = []
    open_runs: dict[tuple[int, int], int] = {}  # (x0, x1) -> first row
    pad = np.zeros((h, w + 2), dtype=np.int8)
    pad[:, 1:-1] = mask
    edges = np.diff(pad, axis=1)  # +1 where a run starts, -1 one past its end
    for y in range(h + 1):
        if y < h:
            starts = np.flatnonzero(edges[y] == 1).tolist()
            ends = np.flatnonzero(edges[y] == -1).tolist()
            runs = list(zip(starts, ends))
        else:
            runs = []
        run_set = set(runs)
        for key in [k for k in open_runs if k not in run_set]:
            rects.append((key[0] + x_off, open_runs.pop(key) + y_off, key[1] + x_off, y + y_off))
        for key in runs:
            if key not in open_runs:
                open_runs[key] = y
    rects.sort(key=lambda r: (r[1], r[0]))
    return rects


def doorway_cells(tiles: np.ndarray) -> np.ndarray:
    """Cells that open and shut: doors, hatches and bulkheads."""
    return (tiles == Tile.DOOR) | (tiles == Tile.HATCH) | (tiles == Tile.BULKHEAD)


def _cover(mask: np.ndarray, alone: np.ndarray, x_off: int = 0, y_off: int = 0) -> list[Rect]:
    """`merge_rects` of the mask, but every `alone` cell a square of its own."""
    rects = merge_rects(mask & ~alone, x_off, y_off)
    ys, xs = np.nonzero(mask & alone)
    rects += [(x + x_off, y + y_off, x + x_off + 1, y + y_off + 1) for y, x in zip(ys.tolist(), xs.tolist())]
    rects.sort(key=lambda r: (r[1], r[0]))
    return rects


@dataclass
class WallSet:
    """The static shapes and which rectangle owns each solid cell."""

    mask: np.ndarray  # bool [y, x]: cells covered by some rectangle
    owner: np.ndarray  # int32 [y, x]: key of the covering rectangle, -1 for none
    alone: np.ndarray  # bool [y, x]: doorways, each always a square of its own
    rects: dict[int, Rect] = field(default_factory=dict)
    shapes: dict[int, pymunk.Poly] = field(default_factory=dict)
    next_key: int = 0

    @property
    def count(self) -> int:
        return len(self.rects)


def _reach(ws: WallSet, r: Rect) -> tuple[float, float, float, float]:
    """The box of rectangle `r`'s shape: a doorway's square reaches SEAM_OVERLAP_M
    into each solid cell beside it; other rectangles are their cells."""
    x0, y0, x1, y1 = r
    if not ws.alone[y0, x0] or x1 - x0 != 1 or y1 - y0 != 1:
        return float(x0), float(y0), float(x1), float(y1)
    h, w = ws.mask.shape
    grow = [0.0, 0.0, 0.0, 0.0]  # left, right, up, down
    for k, (dx, dy) in enumerate(_SIDES):
        nx, ny = x0 + dx, y0 + dy
        if 0 <= nx < w and 0 <= ny < h and ws.mask[ny, nx]:
            grow[k] = SEAM_OVERLAP_M
    return x0 - grow[0], y0 - grow[2], x1 + grow[1], y1 + grow[3]


def _box_shape(body: pymunk.Body, r: tuple[float, float, float, float]) -> pymunk.Poly:
    x0, y0, x1, y1 = r
    shape = pymunk.Poly(body, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    shape.friction = WALL_FRICTION
    shape.elasticity = 0.0
    shape.filter = pymunk.ShapeFilter(categories=CAT_WALL, mask=CAT_DEBRIS)
    return shape


def _add(ws: WallSet, space: pymunk.Space, body: pymunk.Body, rects: list[Rect]) -> list[int]:
    keys = []
    for r in rects:
        key = ws.next_key
        ws.next_key += 1
        shape = _box_shape(body, _reach(ws, r))
        space.add(shape)
        ws.rects[key] = r
        ws.shapes[key] = shape
        x0, y0, x1, y1 = r
        ws.owner[y0:y1, x0:x1] = key
        keys.append(key)
    return keys


def build_walls(
    space: pymunk.Space, body: pymunk.Body, passable: np.ndarray, doorways: np.ndarray | None = None
) -> WallSet:
    """All the static shapes for a grid, attached to `body` (a static body in `space`)."""
    mask = wall_mask(passable)
    alone = np.zeros(mask.shape, dtype=bool) if doorways is None else doorways.copy()
    ws = WallSet(mask=mask, owner=np.full(mask.shape, -1, dtype=np.int32), alone=alone)
    _add(ws, space, body, _cover(mask, alone))
    return ws


def update_walls(
    ws: WallSet, space: pymunk.Space, body: pymunk.Body, passable: np.ndarray,
    window: tuple[int, int, int, int] | None = None,
) -> tuple[list[int], list[int]]:
    """Rebuild only the rectangles touched by a change; returns (removed, added) keys.

    `window` (x0, y0, x1, y1, end-exclusive) bounds where passability
    changed, grown by a cell; without it the whole grid is compared.
    """
    h, w = passable.shape
    x0, y0, x1, y1 = (0, 0, w, h) if window is None else window
    x0, y0, x1, y1 = max(0, x0 - 1), max(0, y0 - 1), min(w, x1 + 1), min(h, y1 + 1)
    ex0, ey0, ex1, ey1 = max(0, x0 - 1), max(0, y0 - 1), min(w, x1 + 1), min(h, y1 + 1)
    local = wall_mask(passable[ey0:ey1, ex0:ex1])[y0 - ey0:y1 - ey0, x0 - ex0:x1 - ex0]
    changed = local != ws.mask[y0:y1, x0:x1]
    if not changed.any():
        return [], []
    owners = ws.owner[y0:y1, x0:x1][changed]
    removed = set(owners[owners >= 0].tolist())
    # A doorway square beside a change reaches into its neighbours only while they are solid.
    for cy, cx in zip(*np.nonzero(changed)):
        for dx, dy in _SIDES:
            nx, ny = x0 + int(cx) + dx, y0 + int(cy) + dy
            if 0 <= nx < w and 0 <= ny < h and ws.alone[ny, nx] and ws.owner[ny, nx] >= 0:
                removed.add(int(ws.owner[ny, nx]))
    removed = sorted(removed)
    ws.mask[y0:y1, x0:x1] = local
    region = np.zeros((h, w), dtype=bool)
    region[y0:y1, x0:x1] = changed
    for key in removed:
        rx0, ry0, rx1, ry1 = ws.rects.pop(key)
        region[ry0:ry1, rx0:rx1] = True
        ws.owner[ry0:ry1, rx0:rx1] = -1
        space.remove(ws.shapes.pop(key))
    refill = ws.mask & region
    ys, xs = np.nonzero(refill)
    added: list[int] = []
    if ys.size:
        by0, by1, bx0, bx1 = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
        added = _add(ws, space, body, _cover(refill[by0:by1, bx0:bx1], ws.alone[by0:by1, bx0:bx1], bx0, by0))
    return removed, added
