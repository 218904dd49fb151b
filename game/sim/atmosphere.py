"""The atmosphere system: gas topology, leaks, and what people breathe.

Owns the glue between compartments (where gas is), `gas` (how it flows) and
`physiology` (what it does to people).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from game.sim import physiology
from game.sim.compartments import build_openings, relabel
from game.sim.events import PersonStateChanged
from game.sim.gas import MARS_PRESSURE_PA, Openings, step_gas
from game.sim.level import EventDef, Level

if TYPE_CHECKING:
    from game.sim.world import World


def _no_openings() -> Openings:
    return Openings(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0), np.zeros(0))


@dataclass
class AtmosState:
    timeline: list[EventDef] = field(default_factory=list)
    first_breach_s: float | None = None
    openings: Openings = field(default_factory=_no_openings)
    vented_kg: float = 0.0
    # Air velocity on every cell, m/s, [y, x]: toward the breaches, for debris and people.
    wind_x: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    wind_y: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))


def initial_state(level: Level, shape: tuple[int, int]) -> AtmosState:
    from game.sim.timeline import ordered_events

    return AtmosState(
        timeline=ordered_events(level.events),
        wind_x=np.zeros(shape, np.float32),
        wind_y=np.zeros(shape, np.float32),
    )


def state_bytes(a: AtmosState) -> bytes:
    return struct.pack("<d", a.vented_kg)


def rebuild_topology(world: "World") -> None:
    """Relabel compartments and gather every leak path after a change."""
    grid = world.grid
    world.compartments = relabel(world.compartments, grid.tiles, world.door_open, world.level.meta.ceiling_height_m)
    leaks = [(d.x, d.y, d.leak_area_m2, 0.6) for d in world.doors if not d.is_open]
    leaks += [(b.x, b.y, b.area_m2, b.cd) for b in world.breaches]
    world.atmos.openings = build_openings(world.compartments.labels, grid.tiles, leaks)
    world.topology_dirty = False


def step_atmosphere(world: "World", dt: float) -> None:
    c = world.compartments
    if c.count == 0 or world.atmos.openings.a.size == 0:
        return
    _, vo2, vother = step_gas(c.n_o2, c.n_other, c.volume_m3, world.atmos.openings, dt, MARS_PRESSURE_PA)
    world.atmos.vented_kg += float(np.sum(vo2)) * 0.032 + float(np.sum(vother)) * 0.028


def breathing_conditions(world: "World") -> tuple[np.ndarray, np.ndarray]:
    """Ambient pressure (bar) and O2 fraction at each person's cell."""
    n = len(world.people)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    xs = np.fromiter((int(p.x) for p in world.people), dtype=np.intp, count=n)
    ys = np.fromiter((int(p.y) for p in world.people), dtype=np.intp, count=n)
    c = world.compartments
    idx = c.labels[ys, xs] - 1
    p_bar = np.append(c.pressure_bar, MARS_PRESSURE_PA / 1e5)
    frac = np.append(c.o2_fraction, 0.0)
    return p_bar[idx], frac[idx]  # idx -1 reads the appended outside values


def step_bodies(world: "World", dt: float) -> None:
    if not world.people:
        return
    pressure, frac = breathing_conditions(world)
    supply = np.fromiter(
        (physiology.SUPPLY_SUIT if "suit" in p.equipment else physiology.SUPPLY_AMBIENT for p in world.people),
        dtype=np.int8,
        count=len(world.people),
    )
    before = world.bodies.state.copy()
    changed = physiology.step_bodies(world.bodies, pressure, frac, supply, dt)
    for i in np.asarray(changed).tolist():
        p = world.people[i]
        world.emit(
            PersonStateChanged,
            person_id=p.id,
            person=p.name,
            state=physiology.STATE_NAMES[int(world.bodies.state[i])],
            previous=physiology.STATE_NAMES[int(before[i])],
        )
