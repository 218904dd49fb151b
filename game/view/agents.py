"""What each person is doing and why, for the inspector, crew panel and map.

The sim's `explain` is the authority on what and why; this adds what a
player wants beside it: how far a walk has to go and how long it will take,
the time an order was given, and where the work happens (for the map's
markers and sparks). Nothing here changes the world.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.sim import events as ev
from game.sim.evacuation import Evacuate
from game.sim.explain import explain
from game.sim.movement import Walk
from game.sim.orders import ORDER_KINDS, command_words
from game.sim.physiology import speed_factor
from game.sim.words import live_clock
from game.sim.world import TICK_S

if TYPE_CHECKING:
    from game.sim.world import World

Cell = tuple[int, int]


@dataclass(frozen=True)
class Activity:
    """One person's doing, as the inspector and the crew panel show it."""

    kind: str  # idle, walking, action, down, dead
    text: str  # "Walk to Corridor 4: 14 m, about 12 s"
    progress: float | None = None  # 0..1 for a timed action
    why: str = ""
    blocked: str = ""
    at: tuple[float, float] | None = None  # where the work happens (map effects)
    cutting: bool = False
    prying: bool = False
    queued: tuple[str, ...] = ()
    eta_s: float | None = None


def path_length_m(x: float, y: float, path: list[Cell]) -> float:
    total = 0.0
    px, py = x, y
    for cx, cy in path:
        tx, ty = cx + 0.5, cy + 0.5
        total += math.hypot(tx - px, ty - py)
        px, py = tx, ty
    return total


class AgentNotes:
    """What the log says about each person: their last order and what last stopped them.

    Fed incrementally from the world's command log and events, so asking is O(1).
    """

    def __init__(self) -> None:
        self._cmds = 0
        self._events = 0
        self.last_order: dict[int, tuple[float, str]] = {}
        self.blocked: dict[int, tuple[float, str]] = {}

    def sync(self, world: "World") -> None:
        log = world.command_log
        for cmd in log[self._cmds:]:
            kind = ORDER_KINDS.for_command(type(cmd))
            if kind is None or kind.remote or not 0 <= cmd.person_id < len(world.people):
                continue  # no order to one person (or to no one there: the sim rejected it)
            t = cmd.tick * TICK_S
            words = command_words(world, cmd)
            self.last_order[cmd.person_id] = (t, f"{_your_order(t, world.breach_time_s)}: {words}")
            self.blocked.pop(cmd.person_id, None)
        self._cmds = len(log)
        for e in world.events[self._events:]:
            if isinstance(e, ev.PathBlocked):
                self.blocked[e.person_id] = (e.time_s, e.reason)
            elif isinstance(e, ev.PersonArrived):
                self.blocked.pop(e.person_id, None)
        self._events = len(world.events)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _eta(world: "World", person_id: int) -> tuple[float, float]:
    """(metres left on the path, seconds at this person's pace now)."""
    p = world.people[person_id]
    dist = path_length_m(p.x, p.y, p.path)
    speed = float(speed_factor(world.bodies.state[person_id: person_id + 1])[0]) * p.base_speed_m_s()
    return dist, (dist / speed if speed > 0 else math.inf)


def _your_order(time_s: float, breach_s: float | None) -> str:
    """The player's order with the clock time it was given at, as the comms log stamps it."""
    return "your order" if breach_s is None else f"your order at {live_clock(time_s, breach_s)}"


def activity(world: "World", person_id: int, notes: AgentNotes | None = None) -> Activity:
    """What `person_id` is doing now, in words, with progress and reasons."""
    e = explain(world, person_id)
    if e.state == "dead":
        return Activity("dead", "Dead")
    p = world.people[person_id]
    if e.state == "unconscious":
        if p.carried_by >= 0:
            return Activity("down", f"Unconscious, carried by {world.people[p.carried_by].name}")
        kit = "respirator on" if p.respirator_on or p.suited else "needs a respirator and carrying out"
        return Activity("down", f"Unconscious ({kit})")
    if e.order is not None and e.order.source == "player":  # the player's own order keeps its time of giving
        why = f"{_your_order(e.order.tick * TICK_S, world.breach_time_s)}: {e.order.words}"
    elif e.why:
        why = e.why
    else:
        why = notes.last_order[person_id][1] if notes and person_id in notes.last_order else ""
    noted = notes.blocked[person_id][1] if notes and person_id in notes.blocked else ""
    blocked = e.blocked or ("" if e.progress else noted)  # what last stopped them, unless work goes on
    text = _cap(e.doing)
    eta = None
    if e.walking and p.path:
        dist, eta = _eta(world, person_id)
        kind = "walking"
        text = f"{text}: {dist:.0f} m, about {eta:.0f} s"
    else:
        kind = "action" if e.action else "idle"
    if p.carrying >= 0 and kind in ("walking", "idle"):
        carrying = f"Carrying {world.people[p.carrying].name}"
        text = f"{carrying}: {text[0].lower()}{text[1:]}" if kind == "walking" else carrying
    at = (e.at[0] + 0.5, e.at[1] + 0.5) if e.at is not None else None
    return Activity(kind, text, e.progress, why, blocked, at,
                    cutting=e.action == "cut", prying=e.action == "pry",
                    queued=tuple(_cap(w) for w in e.plan), eta_s=eta)


class Activities(Mapping):
    """Everyone's `activity` at one tick, each worked out when first asked for.

    A frame needs the words of only the people it shows (a screenful of the
    crew list, the inspector) and, for the map, whoever is at timed work;
    with 400 people, working out everyone every tick cost a frame of its own.
    """

    def __init__(self, world: "World", notes: AgentNotes | None = None) -> None:
        self._world = world
        self._notes = notes
        self._done: dict[int, Activity] = {}
        self._working: dict[int, Activity] | None = None

    def __getitem__(self, person_id: int) -> Activity:
        act = self._done.get(person_id)
        if act is None:
            if not isinstance(person_id, int) or not 0 <= person_id < len(self._world.people):
                raise KeyError(person_id)
            act = self._done[person_id] = activity(self._world, person_id, self._notes)
        return act

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self._world.people)))

    def __len__(self) -> int:
        return len(self._world.people)

    def working(self) -> dict[int, Activity]:
        """The people at timed work (a cut, a pry, a respirator...): walking or
        standing by has no progress, so only the others are worked out."""
        if self._working is None:
            busy = (p.id for p in self._world.people if p.action is not None and not isinstance(p.action, (Walk, Evacuate)))
            acts = ((i, self[i]) for i in busy)
            self._working = {i: a for i, a in acts if a.cutting or a.progress is not None}
        return self._working
