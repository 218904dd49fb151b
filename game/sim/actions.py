"""Actions: what one person does over time, one small object each.

An action is begun, stepped every tick and may be interrupted. Each step
returns RUNNING, DONE or Failed(reason); the reason is what the inspector
and the report show. Work on the world (a cut, a pry, a door being opened)
keeps its progress on the target in `world.crew.work`, so a cut half done
stays half done when the cutter is interrupted, and two people prying one
door add up. Walking lives in `game.sim.movement`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from game.sim import crew_events as ce
from game.sim import debris
from game.sim.events import DoorClosed, DoorOpened, DoorSealed
from game.sim.navigation import BEAM_WIDTH_M, CLEAR_S, T_CUT, T_DOOR, T_FLOOR, force_s, needs_force
from game.sim.physiology import CONSCIOUS, IMPAIRED, UNCONSCIOUS, speed_factor
from game.sim.roles import ROLES
from game.sim.tiles import CUTTABLE, LANCE_S_PER_M, MATERIALS, Tile

if TYPE_CHECKING:
    from game.sim.people import Person
    from game.sim.world import World


class Result:
    """What a step of an action came to."""

    ok = True
    done = False


class _Running(Result):
    def __repr__(self) -> str:
        return "RUNNING"


class _Done(Result):
    done = True

    def __repr__(self) -> str:
        return "DONE"


@dataclass(frozen=True)
class Failed(Result):
    reason: str
    ok: ClassVar[bool] = False
    done: ClassVar[bool] = True


RUNNING = _Running()
DONE = _Done()

FIT_RESPIRATOR_S = 15.0  # on a casualty (MODELS.md: 10-20 s)
PICK_UP_S = 5.0
SUPPORT_S = 3.0
PUT_DOWN_S = 4.0
TREAT_S = 60.0  # first treatment in the medical bay: O2, vitals, a line in
SEAL_S = 8.0  # locking a bulkhead's dogs by hand, after closing it
DON_SUIT_S = 75.0  # MODELS.md: 60-90 s
INSPECT_S_PER_CELL = 0.05  # a walk-round look for secondary impacts
INSPECT_MIN_S = 20.0
PATCH_S_PER_CM2 = 6.0  # a patch kit over a small hole: 4 cm2 in about 25 s, plus setting up
PATCH_BASE_S = 20.0
PATCH_MAX_CM2 = 20.0  # larger holes are beyond a hand patch
WAIT_GIVE_UP_S = 240.0


def skill(person: "Person", name: str) -> float:
    role = ROLES.get(person.role)
    return role.skill(name) if role else 0.5


_RATE_BY_STATE = tuple(float(v) for v in speed_factor(np.arange(4)))


def work_rate(world: "World", person: "Person", skill_name: str | None = None) -> float:
    """Seconds of work done per second: impaired people work slower, skill counts."""
    f = _RATE_BY_STATE[world.bodies.state[person.id]]
    return f * (skill(person, skill_name) if skill_name else 1.0)


def next_to(person: "Person", cell: tuple[int, int]) -> bool:
    """Standing on or beside (4-way) a cell."""
    x, y = person.cell
    return abs(x - cell[0]) + abs(y - cell[1]) <= 1


def within_reach(person: "Person", other: "Person") -> bool:
    """Close enough to work on someone: the same or a touching cell."""
    ax, ay = person.cell
    bx, by = other.cell
    return max(abs(ax - bx), abs(ay - by)) <= 1


def place_name(world: "World", cell: tuple[int, int]) -> str:
    door_id = world.door_at.get(tuple(cell))
    if door_id is not None:
        return world.doors[door_id].label
    room = world.grid.room_at(*cell)
    if room is not None:
        return room.label
    x, y = cell
    sides = []
    for nx, ny in ((x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)):
        r = world.grid.room_at(nx, ny)
        if r is not None and r.label not in sides:
            sides.append(r.label)
    if len(sides) >= 2:
        return f"the wall between {sides[0]} and {sides[1]}"
    module = world.grid.module_at(*cell)
    return module or f"{cell[0]},{cell[1]}"


class Action:
    """Base: a timed piece of work. Subclasses set `kind` and override hooks."""

    kind: ClassVar[str] = "action"
    duration_s: float = 0.0

    def __init__(self) -> None:
        self.elapsed_s = 0.0
        self.started = False

    # -- what the inspector reads
    @property
    def target(self) -> tuple[int, int] | None:
        return None

    @property
    def progress(self) -> float:
        return min(1.0, self.elapsed_s / self.duration_s) if self.duration_s > 0 else 0.0

    def words(self, world: "World") -> str:
        return self.kind.replace("_", " ")

    def key(self) -> tuple:
        """Plain data for the state hash."""
        return (self.kind, self.target, round(self.elapsed_s, 3))

    # -- the life of an action
    def begin(self, world: "World", p: "Person") -> Result:
        return RUNNING

    def step(self, world: "World", p: "Person", dt: float) -> Result:
        raise NotImplementedError

    def interrupt(self, world: "World", p: "Person") -> None:
        """Stop now (passed out, new orders); progress on the target stays."""


def run(world: "World", p: "Person", action: Action, dt: float) -> Result:
    """Begin (once) and step an action."""
    if not action.started:
        action.started = True
        res = action.begin(world, p)
        if res.done:
            return res
    return action.step(world, p, dt)


def emit_done(world: "World", p: "Person", action: str, target: str, cell: tuple[int, int] | None) -> None:
    world.emit(
        ce.CrewActed, person_id=p.id, actor=p.name, action=action, target=target,
        place=place_name(world, cell if cell is not None else p.cell), outcome="done",
    )


class OnCell:
    """Mixed into actions aimed at one cell (a wall to cut, a heap to clear)."""

    def __init__(self, cell: tuple[int, int]) -> None:
        super().__init__()
        self.cell = (int(cell[0]), int(cell[1]))

    @property
    def target(self) -> tuple[int, int]:
        return self.cell


class Work(Action):
    """Work whose progress belongs to the target: `world.crew.work[site]`."""

    skill_name: ClassVar[str | None] = None

    def site(self) -> tuple:
        raise NotImplementedError

    def required_s(self, world: "World") -> float:
        raise NotImplementedError

    @property
    def progress(self) -> float:
        return self._progress

    _progress = 0.0

    def check(self, world: "World", p: "Person") -> Result:
        """Preconditions, every tick: RUNNING to go on, DONE if already true, Failed if impossible."""
        return RUNNING

    def finish(self, world: "World", p: "Person") -> None:
        raise NotImplementedError

    def begin(self, world: "World", p: "Person") -> Result:
        return self.check(world, p)

    def step(self, world: "World", p: "Person", dt: float) -> Result:
        res = self.check(world, p)
        if res.done:
            return res
        need = self.required_s(world)
        self.duration_s = need
        work = world.crew.work
        site = self.site()
        done = work.get(site, 0.0) + dt * work_rate(world, p, self.skill_name)
        self.elapsed_s += dt
        if done + 1e-9 >= need:
            work.pop(site, None)
            self._progress = 1.0
            self.finish(world, p)
            return DONE
        work[site] = done
        self._progress = done / need if need > 0 else 1.0
        return RUNNING

    def key(self) -> tuple:
        return (self.kind, self.target, round(self.elapsed_s, 3), self.site())


# ---------------------------------------------------------------- doors


class DoorWork(Work):
    def __init__(self, door_id: int) -> None:
        super().__init__()
        self.door_id = door_id

    def door(self, world: "World"):
        return world.doors[self.door_id]

    @property
    def target(self) -> tuple[int, int] | None:
        return self._cell

    _cell: tuple[int, int] | None = None

    def begin(self, world: "World", p: "Person") -> Result:
        d = self.door(world)
        self._cell = d.cell
        return super().begin(world, p)

    def words(self, world: "World") -> str:
        return f"{self.kind.replace('_', ' ')} {self.door(world).label}"


class OpenDoor(DoorWork):
    kind = "open"

    def site(self) -> tuple:
        return ("open", self.door_id)

    def required_s(self, world: "World") -> float:
        return self.door(world).open_time_s

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
        if self.only_if_last:
            from game.sim.movement import someone_following

            if someone_following(world, p, self.door(world)):
                return DONE  # leave it for the one behind
        return super().begin(world, p)

    def check(self, world: "World", p: "Person") -> Result:
        d = self.door(world)
        if d.state != "open" or world.grid.tiles[d.y, d.x] == T_CUT:
            return DONE
        if max(abs(p.cell[0] - d.x), abs(p.cell[1] - d.y)) > 1:
            return Failed(f"not at {d.label}")
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

    def site(self) -> tuple:
        return ("pry", self.door_id)

    def required_s(self, world: "World") -> float:
        return self._need

    _need = 90.0

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


# ---------------------------------------------------------------- cutting and clearing


class Cut(OnCell, Work):
    """Burn through a wall or door cell with a thermal lance: time from its thickness."""

    kind = "cut"
    skill_name = "cut"

    def site(self) -> tuple:
        return ("cut", self.cell)

    def required_s(self, world: "World") -> float:
        x, y = self.cell
        return MATERIALS[Tile(int(world.grid.tiles[y, x]))].thickness_m * LANCE_S_PER_M

    def words(self, world: "World") -> str:
        what = MATERIALS[Tile(int(world.grid.tiles[self.cell[1], self.cell[0]]))].name.replace("_", " ")
        return f"cut through the {what} at {place_name(world, self.cell)}"

    def check(self, world: "World", p: "Person") -> Result:
        x, y = self.cell
        t = int(world.grid.tiles[y, x])
        if t == T_CUT or t == T_FLOOR:
            return DONE
        if not CUTTABLE[t]:
            return Failed(f"{MATERIALS[Tile(t)].name} cannot be cut")
        if not p.has("lance"):
            return Failed("no thermal lance")
        if not next_to(p, self.cell) or p.cell == self.cell:
            return Failed("not at the cutting point")
        holder = world.crew.cutter.get(self.cell)
        if holder is not None and holder != p.id and isinstance(world.people[holder].action, Cut):
            return Failed("someone else is cutting there")
        world.crew.cutter[self.cell] = p.id
        return RUNNING

    def interrupt(self, world: "World", p: "Person") -> None:
        if world.crew.cutter.get(self.cell) == p.id:
            del world.crew.cutter[self.cell]

    def finish(self, world: "World", p: "Person") -> None:
        x, y = self.cell
        world.crew.cutter.pop(self.cell, None)
        what = MATERIALS[Tile(int(world.grid.tiles[y, x]))].name
        door_id = world.door_at.get(self.cell)
        world.set_tile(x, y, Tile.CUT)
        if door_id is not None:
            world.set_door_state(world.doors[door_id], "open")
        world.emit(ce.WallCut, x=x, y=y, material=what, by=p.name)
        emit_done(world, p, "cut", what.replace("_", " "), self.cell)


def beam_at(world: "World", cell: tuple[int, int]) -> int | None:
    """Id of the heavy piece lying on a cell (the nearest to its centre), or None."""
    view = debris.debris_view(world)
    if view.ids.size == 0:
        return None
    heavy = np.flatnonzero(view.heavy)
    if heavy.size == 0:
        return None
    from game.sim.debris_footprint import rect_distance

    cx, cy = cell[0] + 0.5, cell[1] + 0.5
    size = view.size_m[heavy]
    d = rect_distance(cx, cy, view.position_m[heavy], view.angle_rad[heavy], size[:, 0], size[:, 1])
    k = int(np.argmin(d))
    if d[k] > 0.75:
        return None
    return int(view.ids[heavy[k]])


class CutBeam(OnCell, Work):
    """Cut a section out of a fallen beam lying on a cell, so the cell comes free."""

    kind = "cut"
    skill_name = "cut"

    def __init__(self, cell: tuple[int, int]) -> None:
        super().__init__(cell)
        self.piece: int | None = None

    def site(self) -> tuple:
        return ("beam", self.piece)

    def required_s(self, world: "World") -> float:
        return BEAM_WIDTH_M * LANCE_S_PER_M

    def words(self, world: "World") -> str:
        return f"cut the beam at {place_name(world, self.cell)}"

    def check(self, world: "World", p: "Person") -> Result:
        if not world.crew.blocked[self.cell[1], self.cell[0]]:
            return DONE
        if not p.has("lance"):
            return Failed("no thermal lance")
        if not next_to(p, self.cell) or p.cell == self.cell:
            return Failed("not at the beam")
        if self.piece is None or not world.physics.pieces[self.piece].alive:
            self.piece = beam_at(world, self.cell)
        if self.piece is None:
            return DONE
        holder = world.crew.cutter.get(("beam", self.piece))
        if holder is not None and holder != p.id and isinstance(world.people[holder].action, CutBeam):
            return Failed("someone else is cutting that beam")
        world.crew.cutter[("beam", self.piece)] = p.id
        return RUNNING

    def interrupt(self, world: "World", p: "Person") -> None:
        if self.piece is not None and world.crew.cutter.get(("beam", self.piece)) == p.id:
            del world.crew.cutter[("beam", self.piece)]

    def finish(self, world: "World", p: "Person") -> None:
        world.crew.cutter.pop(("beam", self.piece), None)
        left = debris.cut_beam(world, int(self.piece), (self.cell[0] + 0.5, self.cell[1] + 0.5))
        world.crew.debris_moved()
        x, y = self.cell
        world.emit(ce.BeamCut, debris_id=int(self.piece), x=x, y=y, by=p.name, pieces_left=len(left))
        emit_done(world, p, "cut", "support beam", self.cell)


class ClearDebris(OnCell, Work):
    kind = "clear"

    def site(self) -> tuple:
        return ("clear", self.cell)

    def required_s(self, world: "World") -> float:
        return CLEAR_S

    def check(self, world: "World", p: "Person") -> Result:
        if not next_to(p, self.cell):
            return Failed("not at the debris")
        return RUNNING

    def finish(self, world: "World", p: "Person") -> None:
        debris.clear_light_debris(world, self.cell)
        world.crew.debris_moved()
        emit_done(world, p, "clear", "debris", self.cell)


# ---------------------------------------------------------------- casualties


class OnPerson(Work):
    """Work on another person within reach."""

    def __init__(self, target_id: int) -> None:
        super().__init__()
        self.target_id = target_id

    @property
    def target(self) -> tuple[int, int] | None:
        return self._cell

    _cell: tuple[int, int] | None = None

    def other(self, world: "World") -> "Person":
        return world.people[self.target_id]

    def check(self, world: "World", p: "Person") -> Result:
        t = self.other(world)
        self._cell = t.cell
        if world.bodies.state[t.id] == 3:
            return Failed(f"{t.name} is dead")
        if not within_reach(p, t):
            return Failed(f"{t.name} is out of reach")
        return RUNNING

    def words(self, world: "World") -> str:
        return f"{self.kind.replace('_', ' ')} {self.other(world).name}"


class FitRespirator(OnPerson):
    kind = "fit_respirator"

    def site(self) -> tuple:
        return ("fit", self.target_id)

    def required_s(self, world: "World") -> float:
        return FIT_RESPIRATOR_S

    def check(self, world: "World", p: "Person") -> Result:
        t = self.other(world)
        if t.respirator_on or t.suited:
            return DONE
        if not p.has("respirator"):
            return Failed("no respirator left")
        return super().check(world, p)

    def finish(self, world: "World", p: "Person") -> None:
        t = self.other(world)
        p.equipment.remove("respirator")
        t.respirator_on = True
        if not t.on_duty and t.evac not in ("safe", "in care"):
            # told to stay put: the team will take them out
            if isinstance(t.action, type(None)) or t.action.kind == "evacuate":
                world.crew.stop(world, t)
                from game.sim.evacuation import leave_cell

                leave_cell(world, t)
            t.evac = "awaiting"
        world.emit(ce.RespiratorFitted, person_id=t.id, person=t.name, by=p.name, left=p.count("respirator"))
        emit_done(world, p, "fit respirator", t.name, t.cell)


class PickUp(OnPerson):
    """Lift an unconscious casualty to carry, or take a conscious one's arm."""

    kind = "pick_up"

    def site(self) -> tuple:
        return ("lift", self.target_id)

    def required_s(self, world: "World") -> float:
        return PICK_UP_S if self.unconscious(world) else SUPPORT_S

    def unconscious(self, world: "World") -> bool:
        return int(world.bodies.state[self.target_id]) >= UNCONSCIOUS

    def check(self, world: "World", p: "Person") -> Result:
        t = self.other(world)
        if t.carried_by == p.id or t.escorted_by == p.id:
            return DONE
        if t.in_care:
            return Failed(f"{t.name} is already being taken out")
        if p.carrying >= 0 or p.escorting >= 0:
            return Failed("hands full")
        return super().check(world, p)

    def finish(self, world: "World", p: "Person") -> None:
        t = self.other(world)
        world.crew.stop(world, t)
        if self.unconscious(world):
            p.carrying, t.carried_by = t.id, p.id
            verb = "carry"
        else:
            p.escorting, t.escorted_by = t.id, p.id
            verb = "support"
        t.x, t.y = p.x, p.y
        t.evac = "in care"
        world.emit(ce.CasualtyTaken, person_id=t.id, person=t.name, by=p.name, how=verb)
        emit_done(world, p, verb, t.name, t.cell)


class PutDown(Action):
    """Lay a casualty down here (on a free cell); in a medical bay that is a delivery."""

    kind = "put_down"
    duration_s = PUT_DOWN_S

    def __init__(self, target_id: int) -> None:
        super().__init__()
        self.target_id = target_id

    @property
    def target(self) -> tuple[int, int] | None:
        return None

    def step(self, world: "World", p: "Person", dt: float) -> Result:
        t = world.people[self.target_id]
        if t.carried_by != p.id and t.escorted_by != p.id:
            return DONE
        self.elapsed_s += dt
        if self.elapsed_s + 1e-9 < self.duration_s:
            return RUNNING
        release(world, p, place=True)
        room = world.grid.room_at(*t.cell)
        if room is not None and room.kind == "medbay":
            if t.delivered_s is None:
                t.delivered_s = round(world.time_s, 3)
                world.emit(ce.PersonDelivered, person_id=t.id, person=t.name, by=p.name, room=room.label)
            t.evac = "safe"
        emit_done(world, p, "put down", t.name, t.cell)
        return DONE


def release(world: "World", p: "Person", place: bool = True) -> None:
    """Let go of whoever `p` carries or walks out; lay them on the nearest free cell."""
    tid = p.carrying if p.carrying >= 0 else p.escorting
    if tid < 0:
        return
    t = world.people[tid]
    p.carrying = p.escorting = -1
    t.carried_by = t.escorted_by = -1
    if place:
        cell = world.crew.free_cell_near(world, p.cell, exclude=p.id)
        t.x, t.y = cell[0] + 0.5, cell[1] + 0.5
    t.evac = "awaiting" if t.evac == "in care" else t.evac
    world.crew.placed(world, t)


class Treat(OnPerson):
    kind = "treat"
    skill_name = "medical"

    def site(self) -> tuple:
        return ("treat", self.target_id)

    def required_s(self, world: "World") -> float:
        return TREAT_S

    def check(self, world: "World", p: "Person") -> Result:
        t = self.other(world)
        if t.treated_s is not None:
            return DONE
        if not p.has("medkit"):
            return Failed("no medkit")
        return super().check(world, p)

    def finish(self, world: "World", p: "Person") -> None:
        t = self.other(world)
        t.treated_s = round(world.time_s, 3)
        t.respirator_on = True  # oxygen by mask until the doctor says otherwise
        world.emit(ce.PersonTreated, person_id=t.id, person=t.name, by=p.name)
        emit_done(world, p, "treat", t.name, t.cell)


class DonSuit(Work):
    """Take an emergency pressure suit from a locker and put it on (the suit
    leaves the locker when it is on; two people cannot don the last one)."""

    kind = "don_suit"

    def __init__(self, locker: int) -> None:
        super().__init__()
        self.locker = locker

    @property
    def target(self) -> tuple[int, int]:
        return self._cell

    _cell = None

    def site(self) -> tuple:
        return ("suit", self.locker, self._who)

    _who = -1

    def required_s(self, world: "World") -> float:
        return DON_SUIT_S

    def words(self, world: "World") -> str:
        return f"put on a suit from the {world.level.lockers[self.locker].name}"

    def check(self, world: "World", p: "Person") -> Result:
        if p.suited:
            return DONE
        self._who = p.id
        lk = world.level.lockers[self.locker]
        self._cell = tuple(lk.at)
        others = sum(
            1 for q in world.people
            if q is not p and isinstance(q.action, DonSuit) and q.action.locker == self.locker
        )
        if world.crew.lockers[self.locker].count("suit") <= others:
            return Failed(f"no suit left in the {lk.name}")
        if not next_to(p, self._cell):
            return Failed(f"not at the {lk.name}")
        return RUNNING

    def finish(self, world: "World", p: "Person") -> None:
        world.crew.lockers[self.locker].remove("suit")
        p.equipment.append("suit")
        emit_done(world, p, "don suit", world.level.lockers[self.locker].name, self._cell)


# ---------------------------------------------------------------- the module


class Inspect(Work):
    """Look a module over for secondary impacts."""

    kind = "inspect"

    def __init__(self, module: str) -> None:
        super().__init__()
        self.module = module

    @property
    def target(self) -> tuple[int, int] | None:
        return None

    def site(self) -> tuple:
        return ("inspect", self.module)

    def required_s(self, world: "World") -> float:
        mid = world.grid.modules.index(self.module)
        cells = int(np.count_nonzero(world.grid.module_id == mid))
        return max(INSPECT_MIN_S, cells * INSPECT_S_PER_CELL)

    def words(self, world: "World") -> str:
        return f"inspect {self.module}"

    def check(self, world: "World", p: "Person") -> Result:
        if self.module in world.crew.surveyed:
            return DONE
        if world.grid.module_at(*p.cell) != self.module:
            return Failed(f"not in {self.module}")
        return RUNNING

    def finish(self, world: "World", p: "Person") -> None:
        from game.sim.tasks import breaches_in_module

        found = breaches_in_module(world, self.module)
        world.crew.surveyed[self.module] = round(world.time_s, 3)
        for b in found:
            world.crew.known_breaches.add(b)
        world.emit(ce.ModuleInspected, module=self.module, by=p.name, breaches=len(found))
        emit_done(world, p, "inspect", self.module, p.cell)


class Patch(Work):
    """Put a patch over a small hull breach."""

    kind = "patch"
    skill_name = "repair"

    def __init__(self, breach_id: int) -> None:
        super().__init__()
        self.breach_id = breach_id

    @property
    def target(self) -> tuple[int, int] | None:
        return None

    def site(self) -> tuple:
        return ("patch", self.breach_id)

    def required_s(self, world: "World") -> float:
        b = world.breaches[self.breach_id]
        return PATCH_BASE_S + PATCH_S_PER_CM2 * b.area_m2 * 1e4

    def words(self, world: "World") -> str:
        b = world.breaches[self.breach_id]
        return f"patch the breach at {b.section or f'{b.x},{b.y}'}"

    def check(self, world: "World", p: "Person") -> Result:
        b = world.breaches[self.breach_id]
        if b.area_m2 <= 0.0:
            return DONE
        if b.area_m2 * 1e4 > PATCH_MAX_CM2:
            return Failed("too large to patch")
        if not next_to(p, (b.x, b.y)):
            return Failed("not at the breach")
        return RUNNING

    def finish(self, world: "World", p: "Person") -> None:
        b = world.breaches[self.breach_id]
        b.area_m2 = 0.0
        world.topology_dirty = True
        world.emit(ce.BreachPatched, breach_id=b.id, section=b.section, by=p.name)
        emit_done(world, p, "patch", b.section or "breach", (b.x, b.y))


# ---------------------------------------------------------------- waiting


class Hold(Action):
    """Stay put until told otherwise."""

    kind = "hold"

    def step(self, world: "World", p: "Person", dt: float) -> Result:
        self.elapsed_s += dt
        return RUNNING


class WaitForDoor(Action):
    """Wait at a door someone else will open (prying or cutting is theirs to do)."""

    kind = "wait"

    def __init__(self, door_id: int) -> None:
        super().__init__()
        self.door_id = door_id
        self.duration_s = WAIT_GIVE_UP_S

    @property
    def target(self) -> tuple[int, int]:
        return self._cell

    _cell = None

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


class WaitForCell(OnCell, Action):
    """Wait by a wall or beam someone else is cutting through."""

    kind = "wait"

    def __init__(self, cell: tuple[int, int]) -> None:
        super().__init__(cell)
        self.duration_s = WAIT_GIVE_UP_S

    def words(self, world: "World") -> str:
        return f"wait for the way through at {place_name(world, self.cell)}"

    def step(self, world: "World", p: "Person", dt: float) -> Result:
        x, y = self.cell
        t = int(world.grid.tiles[y, x])
        if (t in (T_FLOOR, T_CUT)) and not world.crew.blocked[y, x]:
            return DONE
        self.elapsed_s += dt
        if self.elapsed_s > WAIT_GIVE_UP_S:
            return Failed("nobody came to cut the way through")
        return RUNNING


def can_act(world: "World", p: "Person") -> bool:
    return int(world.bodies.state[p.id]) in (CONSCIOUS, IMPAIRED) and not p.in_care
