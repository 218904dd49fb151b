"""The tile grid and the regions read from it: rooms and modules.

Rooms and modules are fixed by the level's layout: a cut hole later does not
rename anything. Arrays are indexed [y, x].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from game.sim.level import Level, tiles_from_rows
from game.sim.state import static, synced
from game.sim.tiles import BOUNDS_MODULE, Tile

FOUR = ndimage.generate_binary_structure(2, 1)


@dataclass
class Room:
    id: int
    label: str
    kind: str
    module: str
    cells: int


@dataclass
class Grid:
    tiles: np.ndarray = synced()  # uint8 [y, x] Tile codes; a cut turns a wall to a hole
    room_id: np.ndarray = static()  # int16 [y, x], -1 outside any labelled room
    module_id: np.ndarray = static()  # int16 [y, x], -1 outside any named module
    rooms: list[Room] = static(default_factory=list)
    modules: list[str] = static(default_factory=list)

    @property
    def height(self) -> int:
        return int(self.tiles.shape[0])

    @property
    def width(self) -> int:
        return int(self.tiles.shape[1])

    def in_bounds(self, x: int, y: int) -> bool:
        return 0 <= x < self.width and 0 <= y < self.height

    def room_at(self, x: int, y: int) -> Room | None:
        if not self.in_bounds(x, y):
            return None
        rid = int(self.room_id[y, x])
        return self.rooms[rid] if rid >= 0 else None

    def module_at(self, x: int, y: int) -> str | None:
        if not self.in_bounds(x, y):
            return None
        mid = int(self.module_id[y, x])
        return self.modules[mid] if mid >= 0 else None


def floor_regions(tiles: np.ndarray) -> tuple[np.ndarray, int]:
    """Label 4-connected floor areas; doors and walls separate them."""
    return ndimage.label(tiles == Tile.FLOOR, structure=FOUR)


def module_regions(tiles: np.ndarray) -> tuple[np.ndarray, int]:
    """Label areas enclosed by module walls, hull, bulkheads and hatches."""
    return ndimage.label(~BOUNDS_MODULE[tiles], structure=FOUR)


def build_grid(level: Level) -> Grid:
    """Decode the map and resolve the level's room and module labels."""
    tiles = tiles_from_rows(level.rows, level.legend)
    h, w = tiles.shape
    mod_labels, _ = module_regions(tiles)
    module_id = np.full((h, w), -1, dtype=np.int16)
    modules: list[str] = []
    for m in level.modules:
        x, y = m.at
        if 0 <= x < w and 0 <= y < h and mod_labels[y, x] > 0:
            module_id[mod_labels == mod_labels[y, x]] = len(modules)
            modules.append(m.name)
    floor_labels, _ = floor_regions(tiles)
    room_id = np.full((h, w), -1, dtype=np.int16)
    rooms: list[Room] = []
    for r in level.rooms:
        x, y = r.at
        if not (0 <= x < w and 0 <= y < h) or floor_labels[y, x] == 0:
            continue
        mask = floor_labels == floor_labels[y, x]
        room_id[mask] = len(rooms)
        mid = int(module_id[y, x])
        rooms.append(Room(len(rooms), r.label, r.kind, modules[mid] if mid >= 0 else "", int(mask.sum())))
    return Grid(tiles=tiles, room_id=room_id, module_id=module_id, rooms=rooms, modules=modules)
