"""People: identity, position, kit and the path they are walking.

Bodies (saturation, hypoxia) live in `world.bodies`, one row per person id,
so physiology runs over everybody at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from game.sim.physiology import SUPPLY_AMBIENT, SUPPLY_RESPIRATOR, SUPPLY_SUIT

WALK_SPEED_M_S = 1.15  # a young adult's unhurried pace (human_factors.csv)


@dataclass
class Person:
    id: int
    name: str
    role: str
    x: float  # metres; a tile's centre is (col + 0.5, row + 0.5)
    y: float
    equipment: list[str] = field(default_factory=list)
    condition: str = "awake"
    path: list[tuple[int, int]] = field(default_factory=list)  # cells still to walk
    door_wait_s: float = 0.0  # time spent so far working a door on the path
    respirator_on: bool = False  # a respirator fitted over the face

    @property
    def suited(self) -> bool:
        """Wearing a pressure suit (a suit in a level's crew equipment is worn)."""
        return "suit" in self.equipment

    @property
    def supply(self) -> int:
        """What this person breathes: a suit, a respirator, or the room."""
        if self.suited:
            return SUPPLY_SUIT
        return SUPPLY_RESPIRATOR if self.respirator_on else SUPPLY_AMBIENT

    @property
    def cell(self) -> tuple[int, int]:
        return (int(self.x), int(self.y))
