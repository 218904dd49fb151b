"""Casualty care: fit a respirator, pick up or support, put down, treat.

A casualty in hand is linked both ways (`carrying`/`carried_by`,
`escorting`/`escorted_by`); `release` undoes the link and lays them down.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.sim import crew_events as ce
from game.sim.action_base import DONE, RUNNING, Action, Failed, Result, Work, emit_done, within_reach
from game.sim.evacuation import leave_cell
from game.sim.people import Evac
from game.sim.physiology import UNCONSCIOUS

if TYPE_CHECKING:
    from game.sim.people import Person
    from game.sim.world import World

FIT_RESPIRATOR_S = 15.0  # on a casualty (MODELS.md: 10-20 s)
PICK_UP_S = 5.0
SUPPORT_S = 3.0
PUT_DOWN_S = 4.0
TREAT_S = 60.0  # first treatment in the medical bay: O2, vitals, a line in


class OnPerson(Work):
    """Work on another person within reach."""

    def __init__(self, target_id: int) -> None:
        super().__init__()
        self.target_id = target_id
        self._cell: tuple[int, int] | None = None  # where they lay at the last check

    @property
    def target(self) -> tuple[int, int] | None:
        return self._cell

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
        if not t.on_duty and t.evac not in (Evac.SAFE, Evac.IN_CARE):
            # told to stay put: the team will take them out
            if isinstance(t.action, type(None)) or t.action.kind == "evacuate":
                world.crew.stop(world, t)
                leave_cell(world, t)
            t.evac = Evac.AWAITING
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
        """Carried, not walked out: out cold, or too hurt to walk."""
        return int(world.bodies.state[self.target_id]) >= UNCONSCIOUS or world.people[self.target_id].cannot_walk

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
        t.evac = Evac.IN_CARE
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
            t.evac = Evac.SAFE
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
    t.evac = Evac.AWAITING if t.evac == Evac.IN_CARE else t.evac
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
        world.bodies.knocked_out[t.id] = False  # brought round: the air decides from now on
        t.respirator_on = True  # oxygen by mask until the doctor says otherwise
        world.emit(ce.PersonTreated, person_id=t.id, person=t.name, by=p.name)
        emit_done(world, p, "treat", t.name, t.cell)
