"""Route finding on the tile grid, with cost as time.

Costs are integer tenths of a second to enter a cell, so a closed door costs
the time to open it and the C-backed search in tcod finds the quickest route.
"""

from __future__ import annotations

import numpy as np
import tcod.path

from game.sim.doors import Door
from game.sim.people import WALK_SPEED_M_S
from game.sim.tiles import WALKABLE, Tile

WALK_COST = max(1, round(10.0 / WALK_SPEED_M_S))  # tenths of a second per metre


def walk_cost_grid(tiles: np.ndarray, doors: list[Door]) -> np.ndarray:
    """Per-cell entry cost for an ordinary person; 0 means impassable."""
    cost = np.where(WALKABLE[tiles], WALK_COST, 0).astype(np.int32)
    cost[tiles == Tile.CUT] = WALK_COST * 2  # crawling: about half walking speed
    for d in doors:
        if d.state == "open":
            cost[d.y, d.x] = WALK_COST
        elif d.state == "closed":
            cost[d.y, d.x] = WALK_COST + round(d.open_time_s * 10)
    return cost


def find_path(cost: np.ndarray, start: tuple[int, int], goal: tuple[int, int]) -> list[tuple[int, int]]:
    """Cells (x, y) from the one after `start` to `goal`; [] if unreachable."""
    h, w = cost.shape
    sx, sy = start
    gx, gy = goal
    if not (0 <= gx < w and 0 <= gy < h and 0 <= sx < w and 0 <= sy < h) or cost[gy, gx] == 0:
        return []
    if start == goal:
        return []
    # tcod refuses to start on an impassable cell; someone standing in a
    # doorway as it shuts must still be able to step out.
    if cost[sy, sx] == 0:
        cost = cost.copy()
        cost[sy, sx] = WALK_COST
    ij = tcod.path.path2d(cost, start_points=[(sy, sx)], end_points=[(gy, gx)], cardinal=1, diagonal=None)
    if len(ij) == 0:
        return []
    return [(int(j), int(i)) for i, j in ij[1:]]
