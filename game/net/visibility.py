"""What a seat's screen shows of the station.

The coordinator reads the station's sensors (every room's pressure, the
countdowns, life support) and the instructor sees everything: their screens
show the whole map. A team lead sees what the team can see: the rooms its
members stand in (those still able to look) and the rooms next to those
through a door, with their walls and doors. The renderer takes the result
as a mask and draws the rest dark, people, labels and readings included.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from game.net.seats import Seat, SeatKind
from game.sim.grid import floor_regions
from game.sim.tiles import IS_DOOR
from game.sim.world import World

AROUND = np.ones((3, 3), dtype=bool)  # a cell and its eight neighbours: the walls and doors of a room
LOOKING = ("conscious", "impaired")


def visible_cells(world: World, seat: Seat) -> np.ndarray | None:
    """bool [y, x], True where `seat` sees the station; None when it sees all of it."""
    if seat.kind is not SeatKind.LEAD:
        return None
    tiles = world.grid.tiles
    labels, _ = floor_regions(tiles)
    h, w = tiles.shape
    here: set[int] = set()
    for pid in seat.team:
        if not 0 <= pid < len(world.people) or world.person_state(pid) not in LOOKING:
            continue
        p = world.people[pid]
        x, y = min(w - 1, max(0, int(p.x))), min(h - 1, max(0, int(p.y)))
        near = labels[max(0, y - 1): y + 2, max(0, x - 1): x + 2]  # standing in a doorway: the rooms either side
        here.update(int(v) for v in (near.ravel() if labels[y, x] == 0 else [labels[y, x]]) if v > 0)
    seen = np.isin(labels, list(here))
    doors = IS_DOOR[tiles] & ndimage.binary_dilation(seen, AROUND)
    beyond = ndimage.binary_dilation(doors, AROUND) & (labels > 0)
    rooms = here | {int(v) for v in np.unique(labels[beyond])}
    return ndimage.binary_dilation(np.isin(labels, list(rooms)), AROUND)
