"""Tile kinds and the static properties of each material (frozen data)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

# A thermal lance removes about 1 cm of wall every 6 s: 30 s for a 5 cm
# partition, 3 min for a 30 cm module wall, 72 s for a 12 cm beam (MODELS.md).
LANCE_S_PER_M = 600.0


# A hole cut with a lance is a crawl-through, about 0.8 m x 0.7 m: what gas
# passes through a CUT cell, and the size a hole in a wall must be to crawl it.
CUT_AREA_M2 = 0.55


class Tile(IntEnum):
    """What occupies one 1 m x 1 m cell of the map."""

    VACUUM = 0
    FLOOR = 1
    WALL = 2  # interior partition
    MODULE_WALL = 3  # thick wall between modules
    HULL = 4  # outer pressure hull: breachable, not cuttable
    DOOR = 5
    BULKHEAD = 6
    HATCH = 7
    CUT = 8  # a hole cut through a wall: crawl-through, gas passes


@dataclass(frozen=True)
class Material:
    """Static properties of a tile kind."""

    name: str
    walkable: bool  # on foot, without any action first
    gas_passable: bool  # part of a compartment (doors: only when open)
    cuttable: bool
    thickness_m: float
    is_door: bool = False
    bounds_module: bool = False  # separates modules (for module regions)

    @property
    def cut_time_s(self) -> float:
        return self.thickness_m * LANCE_S_PER_M


MATERIALS: dict[Tile, Material] = {
    Tile.VACUUM: Material("vacuum", False, False, False, 0.0, bounds_module=True),
    Tile.FLOOR: Material("floor", True, True, False, 0.0),
    Tile.WALL: Material("wall", False, False, True, 0.05),
    Tile.MODULE_WALL: Material("module_wall", False, False, True, 0.30, bounds_module=True),
    Tile.HULL: Material("hull", False, False, False, 0.60, bounds_module=True),
    Tile.DOOR: Material("door", False, False, True, 0.06, is_door=True),
    Tile.BULKHEAD: Material("bulkhead", False, False, True, 0.25, is_door=True, bounds_module=True),
    Tile.HATCH: Material("hatch", False, False, True, 0.15, is_door=True, bounds_module=True),
    Tile.CUT: Material("cut", True, True, False, 0.0),
}

TILE_BY_NAME: dict[str, Tile] = {m.name: t for t, m in MATERIALS.items()}

# Lookup tables indexed by tile code, for whole-grid numpy work.
WALKABLE = np.array([MATERIALS[t].walkable for t in Tile], dtype=bool)
GAS_PASSABLE = np.array([MATERIALS[t].gas_passable for t in Tile], dtype=bool)
IS_DOOR = np.array([MATERIALS[t].is_door for t in Tile], dtype=bool)
BOUNDS_MODULE = np.array([MATERIALS[t].bounds_module for t in Tile], dtype=bool)
CUTTABLE = np.array([MATERIALS[t].cuttable for t in Tile], dtype=bool)

# The legend a new level starts from; a level may map other characters.
DEFAULT_LEGEND: dict[str, str] = {
    " ": "vacuum",
    ".": "floor",
    "#": "wall",
    "=": "module_wall",
    "H": "hull",
    "+": "door",
    "B": "bulkhead",
    "h": "hatch",
    "x": "cut",
}
