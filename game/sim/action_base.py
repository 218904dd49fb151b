"""Actions: what one person does over time, one small object each.

An action is begun, stepped every tick and may be interrupted. Each step
returns RUNNING, DONE or Failed(reason); the reason is what the inspector
and the report show. Work on the world (a cut, a pry, a door being opened)
keeps its progress on the target in `world.crew.work`, so a cut half done
stays half done when the cutter is interrupted, and two people prying one
door add up; anything else an action remembers lives on the action.

This module is the base every kind builds on (results, `Action`, `Work`,
`run`, who can act); the kinds live by concern in `door_actions`,
`cut_actions`, `care_actions` and `module_actions`, walking in
`movement`, and `game.sim.actions` gathers them all in one import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from game.sim import crew_events as ce
from game.sim.physiology import CONSCIOUS, IMPAIRED, speed_factor
from game.sim.roles import ROLES
from game.sim.words import place_name  # re-exported: actions name places in their reasons

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
    """It cannot go on: `reason` in words; where known, what blocks it
    (`blocker`: a door, a wall, the air) and what would unblock it
    (`unblock`: a tool and who has one, a door to unseal)."""

    reason: str
    blocker: str = ""
    unblock: str = ""
    ok: ClassVar[bool] = False
    done: ClassVar[bool] = True


RUNNING = _Running()
DONE = _Done()

WAIT_GIVE_UP_S = 240.0  # waiting on someone else's work


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

    def __init__(self) -> None:
        super().__init__()
        self._progress = 0.0  # share of the target's work done, at the last step

    def site(self) -> tuple:
        raise NotImplementedError

    def required_s(self, world: "World") -> float:
        raise NotImplementedError

    @property
    def progress(self) -> float:
        return self._progress

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


class Hold(Action):
    """Stay put until told otherwise."""

    kind = "hold"

    def step(self, world: "World", p: "Person", dt: float) -> Result:
        self.elapsed_s += dt
        return RUNNING


def can_act(world: "World", p: "Person") -> bool:
    return int(world.bodies.state[p.id]) in (CONSCIOUS, IMPAIRED) and not p.in_care and not p.cannot_walk
