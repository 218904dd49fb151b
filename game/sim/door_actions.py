"""Door actions: open, close, pry, seal a door, and wait for one to be opened.

Progress belongs to the door (`world.crew.work`), so two people prying one
door add up and a half-opened door stays half opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.sim import crew_events as ce, debris
from game.sim.action_base import DONE, RUNNING, WAIT_GIVE_UP_S, Action, Failed, Result, Work, emit_done, next_to, run
from game.sim.discipline import airlock_partner, declared_cycle_s, hand_on, other_end_open, owe_closing, pressure_door
from game.sim.events import DoorClosed, DoorOpened, DoorSealed
from game.sim.movement import someone_following
from game.sim.navigation import T_CUT, T_DOOR, force_s, needs_force

if TYPE_CHECKING:
    from game.sim.doors import Door
    from game.sim.people import Person
    from game.sim.world import World

SEAL_S = 8.0  # locking a bulkhead's dogs by hand, after closing it
AIRLOCK_WAIT_S = 60.0  # waiting for an airlock's other door to be shut before giving up


class DoorWork(Work):
    def __init__(self, door_id: int) -> None:
        super().__init__()
        self.door_id = door_id
        self._cell: tuple[int, int] | None = None  # the door's cell, once begun

    def door(self, world: "World") -> "Door":
        return world.doors[self.door_id]

    @property
    def target(self) -> tuple[int, int] | None:
        return self._cell

    def begin(self, world: "World", p: "Person") -> Result:
        d = self.door(world)
        self._cell = d.cell
        return super().begin(world, p)

    def words(self, world: "World") -> str:
        return f"{self.kind.replace('_', ' ')} {self.door(world).label}"


class OpenDoor(DoorWork):
    """Open a closed door by hand. A pressure door is owed shutting behind;
    an airlock door waits for the other end to be shut (shutting it first
    if it is within reach)."""

    kind = "open"

    def __init__(self, door_id: int) -> None:
        super().__init__(door_id)
        self.pressure = False  # read as it starts, while the door still holds the air apart
        self.closer: "CloseDoor | None" = None  # shutting the airlock's other end first
        self.waited_s = 0.0
        self.cycle_s = 0.0  # a declared airlock's cycle before this door may open, read as it starts

    def begin(self, world: "World", p: "Person") -> Result:
        self.pressure = pressure_door(world, self.door(world))
        self.cycle_s = declared_cycle_s(world, self.door(world))
        return super().begin(world, p)

    def step(self, world: "World", p: "Person", dt: float) -> Result:
        d = self.door(world)
        other = other_end_open(world, d) if d.state == "closed" else None
        if other is None:
            self.closer = None
            return super().step(world, p, dt)
        if self.closer is None and max(abs(p.cell[0] - other.x), abs(p.cell[1] - other.y)) <= 1:
            self.closer = CloseDoor(other.id, only_if_last=True)
        if self.closer is not None:
            res = run(world, p, self.closer, dt)
            if res is not RUNNING:
                self.closer = None
            return RUNNING
        self.waited_s += dt
        if self.waited_s > AIRLOCK_WAIT_S:
            return Failed(f"the airlock's other door, {other.label}, stands open", f"{other.label} is open",
                          f"shut {other.label} first")
        return RUNNING

    def site(self) -> tuple:
        return ("open", self.door_id)

    def required_s(self, world: "World") -> float:
        return self.door(world).open_time_s + self.cycle_s

    def check(self, world: "World", p: "Person") -> Result:
        d = self.door(world)
        if d.state == "open" or world.grid.tiles[d.y, d.x] == T_CUT:
            return DONE
        if d.state in ("jammed", "sealed"):
            return Failed(f"{d.label} is {d.state}")
        if needs_force(d) and not p.has("crowbar"):
            return Failed(f"{d.label} sticks: it needs a crowbar")
        if not next_to(p, d.cell):
            return Failed(f"not at {d.label}")
        return RUNNING

    def finish(self, world: "World", p: "Person") -> None:
        d = self.door(world)
        world.set_door_state(d, "open")
        world.emit(DoorOpened, door_id=d.id, door=d.label, by=p.name)
        if self.pressure:
            owe_closing(world, p, d)

    def key(self) -> tuple:
        return (*super().key(), self.pressure, self.closer.key() if self.closer else None, round(self.waited_s, 3))


class CloseDoor(DoorWork):
    """Shut a door (it takes as long as opening); not with anyone in the doorway."""

    kind = "close"
    blocked_wait_s = 6.0

    def __init__(self, door_id: int, only_if_last: bool = False) -> None:
        super().__init__(door_id)
        self.only_if_last = only_if_last
        self.waited_s = 0.0

    def site(self) -> tuple:
        return ("close", self.door_id)

    def required_s(self, world: "World") -> float:
        return self.door(world).open_time_s

    def begin(self, world: "World", p: "Person") -> Result:
        if self.only_if_last and airlock_partner(world, self.door_id) is None:
            # (an airlock door is always shut behind: whoever follows cycles it themselves)
            q = someone_following(world, p, self.door(world))
            if q is not None:
                hand_on(world, p, self.door(world), q)
                return DONE  # leave it for the one behind: it is theirs to shut
        return super().begin(world, p)

    def check(self, world: "World", p: "Person") -> Result:
        d = self.door(world)
        if d.state != "open" or world.grid.tiles[d.y, d.x] == T_CUT:
            return DONE
        if max(abs(p.cell[0] - d.x), abs(p.cell[1] - d.y)) > 1:
            return Failed(f"not at {d.label}")
        if debris.doorway_blocked(world, d.cell):
            return Failed(f"{d.label} cannot shut: debris lies across it")
        return RUNNING

    def step(self, world: "World", p: "Person", dt: float) -> Result:
        d = self.door(world)
        if world.crew.someone_at(world, d.cell):
            self.waited_s += dt
            if self.waited_s > self.blocked_wait_s:
                return DONE if self.only_if_last else Failed(f"someone is in {d.label}")
            return RUNNING
        return super().step(world, p, dt)

    def finish(self, world: "World", p: "Person") -> None:
        d = self.door(world)
        world.set_door_state(d, "closed")
        world.emit(DoorClosed, door_id=d.id, door=d.label, by=p.name)


class Pry(DoorWork):
    """Lever a jammed door open with a crowbar; everyone prying it adds their effort."""

    kind = "pry"
    skill_name = "pry"

    def __init__(self, door_id: int) -> None:
        super().__init__(door_id)
        self._need = 90.0  # seconds of force this door takes, read from it on every check

    def site(self) -> tuple:
        return ("pry", self.door_id)

    def required_s(self, world: "World") -> float:
        return self._need

    def check(self, world: "World", p: "Person") -> Result:
        d = self.door(world)
        if d.state == "open" or world.grid.tiles[d.y, d.x] == T_CUT:
            return DONE
        if d.state == "sealed":
            return Failed(f"{d.label} is sealed")
        if d.state == "closed" and not needs_force(d):
            return Failed(f"{d.label} is not stuck")
        self._need = force_s(d)
        if not p.has("crowbar"):
            return Failed("no crowbar")
        if not next_to(p, d.cell):
            return Failed(f"not at {d.label}")
        return RUNNING

    def finish(self, world: "World", p: "Person") -> None:
        d = self.door(world)
        helpers = sorted(
            q.name for q in world.people
            if q is not p and isinstance(q.action, Pry) and q.action.door_id == d.id
        )
        world.set_door_state(d, "open")
        world.emit(ce.DoorPried, door_id=d.id, door=d.label, by=p.name, helpers=tuple(helpers))
        emit_done(world, p, "pry", d.label, d.cell)


class Seal(DoorWork):
    """Close a bulkhead or hatch and dog it shut by hand."""

    kind = "seal"

    def site(self) -> tuple:
        return ("seal", self.door_id)

    def required_s(self, world: "World") -> float:
        d = self.door(world)
        return SEAL_S + (d.open_time_s if d.state == "open" else 0.0)

    def check(self, world: "World", p: "Person") -> Result:
        d = self.door(world)
        if d.state == "sealed":
            return DONE
        if d.kind == T_DOOR:
            return Failed(f"{d.label} cannot be sealed")
        if d.state == "jammed" or world.grid.tiles[d.y, d.x] == T_CUT:
            return Failed(f"{d.label} will not shut")
        if max(abs(p.cell[0] - d.x), abs(p.cell[1] - d.y)) > 1 or p.cell == d.cell:
            return Failed(f"not beside {d.label}")
        return RUNNING

    def step(self, world: "World", p: "Person", dt: float) -> Result:
        d = self.door(world)
        if d.is_open and world.crew.someone_at(world, d.cell):
            return RUNNING  # not on anyone standing in the doorway
        return super().step(world, p, dt)

    def finish(self, world: "World", p: "Person") -> None:
        d = self.door(world)
        world.set_door_state(d, "sealed")
        world.emit(DoorSealed, door_id=d.id, door=d.label)
        emit_done(world, p, "seal", d.label, d.cell)


class WaitForDoor(Action):
    """Wait at a door someone else will open (prying or cutting is theirs to do)."""

    kind = "wait"

    def __init__(self, door_id: int) -> None:
        super().__init__()
        self.door_id = door_id
        self.duration_s = WAIT_GIVE_UP_S
        self._cell: tuple[int, int] | None = None

    @property
    def target(self) -> tuple[int, int] | None:
        return self._cell

    def words(self, world: "World") -> str:
        return f"wait for {world.doors[self.door_id].label} to be opened"

    def step(self, world: "World", p: "Person", dt: float) -> Result:
        d = world.doors[self.door_id]
        self._cell = d.cell
        if d.state == "open" or world.grid.tiles[d.y, d.x] == T_CUT:
            return DONE
        self.elapsed_s += dt
        if self.elapsed_s > WAIT_GIVE_UP_S:
            return Failed(f"nobody came to open {d.label}")
        return RUNNING
