"""Debris: falling, wind-driven rigid bodies (pymunk), and what they block.

Contract used by the rest of the simulation (the world calls only these):
`create_physics`, `spawn_debris`, `step_physics`, `state_bytes`,
`debris_records`, `occupancy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from game.sim.world import World


@dataclass
class PhysicsState:
    bodies: list[Any] = field(default_factory=list)


def create_physics(world: "World") -> PhysicsState:
    return PhysicsState()


def spawn_debris(world: "World", params: dict[str, Any]) -> list[int]:
    return []


def step_physics(world: "World", dt: float) -> None:
    return None


def state_bytes(world: "World") -> bytes:
    return b""


def debris_records(world: "World") -> list[dict[str, Any]]:
    return []


def occupancy(world: "World") -> tuple[np.ndarray, np.ndarray]:
    shape = world.grid.tiles.shape
    return np.zeros(shape, dtype=bool), np.ones(shape, dtype=np.float32)
