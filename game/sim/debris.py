"""Debris: falling, wind-driven rigid bodies (pymunk), and what they block.

Owns the physics space: merged static walls built from the grid, one dynamic
body per piece of debris and one static body per person. Top-down, the
deck's friction is a pivot and a gear joint from each piece to the static
body with a force limit of mu m g, so pymunk applies it inside every substep.
Python only adds the wind's drag, and only to pieces where the wind is
strong enough to matter; a sleeping piece is looked at every half second and
woken if the wind there would move it. The space is stepped at 40 Hz, the
rate that keeps the fastest body well short of crossing a wall in one
substep, with a spatial hash for its broad phase, and not at all while
every piece sleeps. People's bodies are put where they stand
only while a heavy piece moves near them (nothing else can touch them).

What the rest of the game reads (occupancy, records) is worked out lazily
from the bodies read when they last moved and kept until something moves;
breach plugging asks the space what lies at each hole.

This module is the contract; the work is split by concern into
debris_state (the pieces, PhysicsState, reading the bodies), debris_space
(creating, spawning, breach throws, walls, clearing, cutting), debris_wind
(the wind's drag and the step) and debris_occupancy (records, the view,
occupancy, plugging).

Contract used by the rest of the simulation: `create_physics`,
`spawn_debris`, `step_physics`, `state_bytes`, `debris_records`,
`occupancy`; hooks `tiles_changed` and `breach_opened`; rules for crew
actions `clear_light_debris` and `cut_beam`; `update_plugs` for the
atmosphere (`breach_plug_fraction` to look); `debris_view` for drawing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.sim.debris_occupancy import (
    DebrisView,
    breach_plug_fraction,
    debris_records,
    debris_view,
    occupancy,
    placement_stamp,
    update_plugs,
)
from game.sim.debris_space import (
    breach_opened,
    clear_light_debris,
    create_physics,
    cut_beam,
    spawn_debris,
    tiles_changed,
)
from game.sim.debris_state import (
    MAX_PLUG,
    PERSON_RADIUS_M,
    PLUG_REACH_M,
    PhysicsState,
    Piece,
    depth_in_solid,
    substeps,
)
from game.sim.debris_wind import step_physics
from game.sim.state import feed_bytes

if TYPE_CHECKING:
    from game.sim.world import World

__all__ = [
    "DebrisView", "MAX_PLUG", "PERSON_RADIUS_M", "PLUG_REACH_M", "PhysicsState", "Piece", "breach_opened",
    "breach_plug_fraction", "clear_light_debris", "create_physics", "cut_beam", "debris_records", "debris_view",
    "depth_in_solid", "doorway_blocked", "occupancy", "placement_stamp", "spawn_debris", "state_bytes", "step_physics", "substeps",
    "tiles_changed", "update_plugs",
]


def doorway_blocked(world: "World", cell: tuple[int, int]) -> bool:
    """Heavy debris lies across this doorway: its door cannot swing shut on it
    (light debris it pushes aside, see tiles_changed)."""
    x, y = cell
    return bool(occupancy(world)[0][y, x])


def state_bytes(world: "World") -> bytes:
    """Every piece's kind, size, mass, place, motion and sleep, in id order: the
    physics' share of the state hash."""
    return feed_bytes(world.physics)
