"""The world: all mutable simulation state, and the one place a tick is run.

A tick applies the commands stamped for it (the autopilot's, which go to their
own log, then everyone else's, so a player's order wins), fires the timeline,
rebuilds the gas topology if anything opened or closed, then runs the systems
in the fixed order written out in `step`; the crew (game.sim.crew) come last.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import Callable

import numpy as np

from game.sim import atmosphere, debris, timeline
from game.sim import crew as crew_system
from game.sim import fire as fire_system
from game.sim.breaches import Breach
from game.sim.commands import Command
from game.sim.compartments import Compartments, initial_compartments
from game.sim.doors import DoorState, OPEN_TIME_S, Door
from game.sim.events import Event
from game.sim.grid import Grid, build_grid
from game.sim.level import Level
from game.sim.orders import apply_command
from game.sim.people import Person
from game.sim.physiology import BODY_EVERY, STATE_NAMES, UNCONSCIOUS, Bodies
from game.sim.rng import make_streams, stream_state_bytes
from game.sim.state import derived, feed, static, synced
from game.sim.tiles import IS_DOOR, Tile

TICK_S = 0.1  # fixed step: 10 ticks per simulated second


def _length(name: str) -> Callable[["World"], bytes]:
    """A log only grows and its entries never change: its length says which it holds."""
    return lambda w: struct.pack("<q", len(getattr(w, name)))


@dataclass
class World:
    """Every field declares what it is (game.sim.state): `state_hash` covers the synced ones."""

    level: Level = static()
    seed: int = static()
    grid: Grid = synced()
    doors: list[Door] = synced()
    people: list[Person] = synced()
    bodies: Bodies = synced()
    compartments: Compartments = synced()
    rng: dict[str, np.random.Generator] = synced(encode=lambda w: stream_state_bytes(w.rng))
    door_open: np.ndarray = derived()  # bool [y, x], True on open door cells
    door_at: dict[tuple[int, int], int] = static()
    tick: int = synced(default=0)
    breaches: list[Breach] = synced(default_factory=list)
    events: list[Event] = synced(default_factory=list, encode=_length("events"))
    command_log: list[Command] = synced(default_factory=list, encode=_length("command_log"))
    pending: list[Command] = synced(default_factory=list)
    next_timeline: int = synced(default=0)  # index into the level's events sorted by time
    wall_holes: list[tuple[int, int, float]] = synced(default_factory=list)  # (x, y, m2): damage leaking through a wall
    topology_dirty: bool = synced(default=True)
    atmos: atmosphere.AtmosState = synced(default_factory=atmosphere.AtmosState)
    physics: debris.PhysicsState = synced(default_factory=debris.PhysicsState)
    crew: crew_system.CrewState = synced(default_factory=crew_system.CrewState)
    fire: fire_system.FireState = synced(default_factory=fire_system.FireState)

    @property
    def time_s(self) -> float:
        return self.tick * TICK_S

    @property
    def breach_time_s(self) -> float | None:
        """Simulated time of the first breach, the zero of the game clock."""
        return self.atmos.first_breach_s

    def submit(self, command: Command) -> Command:
        """Queue a command for the next tick boundary and return it stamped."""
        stamped = command.stamped(self.tick)
        self.pending.append(stamped)
        return stamped

    def emit(self, event_type: type[Event], **fields_) -> Event:
        ev = event_type(tick=self.tick, time_s=round(self.time_s, 3), **fields_)
        self.events.append(ev)
        return ev

    def person_by_name(self, name: str) -> Person | None:
        return next((p for p in self.people if p.name == name), None)

    def person_state(self, person_id: int) -> str:
        return STATE_NAMES[int(self.bodies.state[person_id])]

    def set_door_state(self, door: Door, state: str) -> None:
        """Change a door's state, marking the gas topology for rebuild."""
        was_open, was = door.is_open, door.state
        door.state = DoorState(state)
        if door.is_open != was_open:
            self.door_open[door.y, door.x] = door.is_open
            debris.tiles_changed(self, [(door.x, door.y)])
        self.topology_dirty = True
        # A way opens where a door stuck or sealed shut will open again; one opened or
        # shut in passing is only quicker or slower to go through.
        passable = (DoorState.OPEN, DoorState.CLOSED)
        self.crew.topology_changed([(door.x, door.y)], opened=was not in passable and door.state in passable)

    def set_tile(self, x: int, y: int, tile: Tile) -> None:
        """Change one cell (a wall cut through), so gas and debris walls follow."""
        self.grid.tiles[y, x] = tile
        debris.tiles_changed(self, [(x, y)])
        self.topology_dirty = True
        self.crew.topology_changed([(x, y)])


def create_world(level: Level, seed: int | None = None) -> World:
    """A world at tick 0 from a level definition and a seed."""
    seed = level.meta.seed if seed is None else int(seed)
    grid = build_grid(level)
    door_defs = {d.at: d for d in level.doors}
    doors: list[Door] = []
    door_at: dict[tuple[int, int], int] = {}
    ys, xs = np.nonzero(IS_DOOR[grid.tiles])
    for y, x in sorted(zip(ys.tolist(), xs.tolist())):
        kind = Tile(int(grid.tiles[y, x]))
        d = door_defs.get((x, y))
        default_state = "open" if kind == Tile.BULKHEAD else "closed"
        door = Door(
            id=len(doors),
            x=x,
            y=y,
            kind=kind,
            state=d.state if d else default_state,
            name=d.name if d else "",
            open_time_s=(d.open_time_s if d and d.open_time_s is not None else OPEN_TIME_S[kind]),
            seal_leak_m2=(d.leak_cm2 * 1e-4 if d and d.leak_cm2 is not None else None),
            pry_time_s=d.pry_time_s if d else None,
        )
        door_at[(x, y)] = door.id
        doors.append(door)
    door_open = np.zeros(grid.tiles.shape, dtype=bool)
    for d in doors:
        door_open[d.y, d.x] = d.is_open
    people = [
        Person(
            id=i,
            name=c.name,
            role=c.role,
            x=c.at[0] + 0.5,
            y=c.at[1] + 0.5,
            equipment=list(c.equipment),
            condition=c.condition,
            injury=c.injury,
        )
        for i, c in enumerate(level.crew)
    ]
    meta = level.meta
    comps = initial_compartments(grid.tiles, door_open, meta.ceiling_height_m, meta.nominal_pressure_bar, meta.o2_fraction)
    world = World(
        level=level,
        seed=seed,
        grid=grid,
        doors=doors,
        people=people,
        bodies=starting_bodies(level),
        compartments=comps,
        rng=make_streams(seed),
        door_open=door_open,
        door_at=door_at,
    )
    world.atmos = atmosphere.initial_state(level, grid.tiles.shape, len(doors))
    world.atmos.leaf_open[:] = [d.is_open for d in doors]  # open from the start: nothing holds them
    atmosphere.set_room_air(world)
    atmosphere.rebuild_topology(world)
    world.physics = debris.create_physics(world)
    world.crew.setup(world)
    return world


def starting_bodies(level: Level) -> Bodies:
    """Everybody's body at the start: healthy, unless the level says someone starts
    out cold (held unconscious until treated) or at a given SpO2."""
    bodies = Bodies.new(len(level.crew))
    for i, c in enumerate(level.crew):
        if c.spo2 is not None:
            bodies.spo2[i] = c.spo2
        if c.condition == "unconscious":
            bodies.state[i] = UNCONSCIOUS
            bodies.knocked_out[i] = True
    return bodies


def step(world: World, dt: float = TICK_S) -> None:
    """Advance one fixed tick. The order here is the order of the world."""
    if world.crew.ai_pending:
        # the autopilot's commands (kept apart: a replay re-runs the autopilot)
        queued, world.crew.ai_pending = world.crew.ai_pending, []
        for cmd, job in queued:
            world.crew.autopilot_log.append(cmd)
            apply_command(world, cmd, source="autopilot", job=job)
    for cmd in world.pending:
        world.command_log.append(cmd)
        apply_command(world, cmd)
    world.pending.clear()
    step_air(world, dt)
    fire_system.step_fire(world, dt)
    debris.step_physics(world, dt)
    if world.tick % BODY_EVERY == 0:
        atmosphere.step_bodies(world, dt * BODY_EVERY)
    crew_system.step_crew(world, dt)
    world.tick += 1


def step_air(world: World, dt: float) -> None:
    """The stages of a tick that move air: the timeline (breaches, jams), the
    gas topology where doors or walls changed, then the gas itself. The
    editor's what-if runs these alone, at a coarse step, on a level copy."""
    timeline.fire_due(world)
    if world.topology_dirty:
        atmosphere.rebuild_topology(world)
    atmosphere.step_atmosphere(world, dt)


def run_until(world: World, time_s: float) -> None:
    """Step until the simulated clock reaches `time_s`."""
    target = round(time_s / TICK_S)
    while world.tick < target:
        step(world)


def state_hash(world: World) -> str:
    """A digest of everything that decides the future: the world's synced
    fields, and theirs, in declaration order (game.sim.state)."""
    h = hashlib.blake2b(digest_size=16)
    feed(h, world)
    return h.hexdigest()
