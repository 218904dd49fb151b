"""Doors, bulkheads and hatches: their mutable state and their static defaults."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from game.sim.state import static, synced
from game.sim.tiles import Tile

# Seconds to open or close by hand (doors) or by servo (bulkheads, hatches).
OPEN_TIME_S = {Tile.DOOR: 2.0, Tile.BULKHEAD: 4.0, Tile.HATCH: 5.0}
# Effective leak area of a closed seal, m2: room doors are light sliding doors
# with brush seals, which pass about 1 cm2 per metre of edge (5.8 m round a
# 0.9 m x 2 m leaf: 6 cm2); bulkheads and hatches are pressure-rated.
SEAL_LEAK_AREA_M2 = {Tile.DOOR: 6.0e-4, Tile.BULKHEAD: 2.0e-6, Tile.HATCH: 5.0e-6}
# Effective open area of a fully open doorway, m2.
OPEN_AREA_M2 = {Tile.DOOR: 1.8, Tile.BULKHEAD: 2.2, Tile.HATCH: 0.8}


class DoorState(enum.StrEnum):
    """A door's state (a string enum: it compares equal to the level file's word for it)."""

    OPEN = "open"
    CLOSED = "closed"
    JAMMED = "jammed"  # shut and stuck: pried or cut open, not opened
    SEALED = "sealed"  # dogged shut: unsealed from the control room before it opens


@dataclass
class Door:
    id: int = static()
    x: int = static()
    y: int = static()
    kind: Tile = static()
    state: DoorState = synced()
    name: str = static(default="")
    open_time_s: float = static(default=2.0)
    seal_leak_m2: float | None = synced(default=None)  # this door's own seal, if the level sets one or damage warped it
    pry_time_s: float | None = static(default=None)  # one crowbar's time to pry it when jammed, if the level sets one

    def __post_init__(self) -> None:
        self.state = DoorState(self.state)  # a word the level format does not know fails here

    @property
    def cell(self) -> tuple[int, int]:
        return (self.x, self.y)

    @property
    def is_open(self) -> bool:
        return self.state is DoorState.OPEN

    @property
    def leak_area_m2(self) -> float:
        return SEAL_LEAK_AREA_M2[self.kind] if self.seal_leak_m2 is None else self.seal_leak_m2

    @property
    def label(self) -> str:
        return self.name or f"{self.kind.name.lower()} at {self.x},{self.y}"
