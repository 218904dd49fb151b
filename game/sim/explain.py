"""Every person, explained: what they are doing, why, and what stops them.

`explain` gives one `Explanation`, a frozen value the game's inspector, the
comms log and the after-action report read, so they all say the same thing.
Nothing here changes anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.sim.actions import Action, Work
from game.sim.evacuation import Evacuate
from game.sim.movement import Crawl, Walk
from game.sim.orders import order_words
from game.sim.people import Evac, Person
from game.sim.physiology import STATE_NAMES

if TYPE_CHECKING:
    from game.sim.world import World

# every evacuation stage (`Person.evac`) in words; a stage missing here is a KeyError, not silence
EVAC_WORDS: dict[Evac, str] = {
    Evac.IDLE: "",
    Evac.MOVING: "getting out of the breached module",
    Evac.SHELTERING: "sheltering: no way out on foot",
    Evac.SAFE: "safe",
    Evac.IN_CARE: "being brought out",
    Evac.AWAITING: "waiting for the rescue team (respirator on)",
    Evac.ORDERED: "",
    Evac.DOWN: "",
}

# actions without a length of their own: a progress bar would mean nothing
_UNTIMED = ("hold", "wait")


@dataclass(frozen=True)
class OrderNote:
    """The order behind what someone does: who gave it, when, and in words."""

    source: str  # player | autopilot
    tick: int
    words: str  # "cut through Corridor 4"
    job: str = ""  # the autopilot's task key


@dataclass(frozen=True)
class Explanation:
    """What one person is doing and why, in words, with what the map needs to show it."""

    person_id: int
    name: str
    state: str  # conscious, impaired, unconscious, dead
    doing: str  # "pry Emergency access hatch", "standing by"
    why: str = ""  # "the autopilot: pry ...", or what their evacuation is at
    task: str = ""  # the autopilot's job, the order's kind, or the evacuation's stage
    blocked: str = ""  # what stops them now, if anything
    plan: tuple[str, ...] = ()  # the next few actions, in words
    progress: float | None = None  # 0..1 for timed work (a cut, a pry, a respirator); None otherwise
    action: str = ""  # the kind of action in hand ("cut", "walk"), "" if none
    at: tuple[int, int] | None = None  # the cell the action in hand is aimed at
    walking: bool = False  # walking a path (drawn, with an ETA at walking pace); not crawling
    order: OrderNote | None = None


def _timed(action: Action) -> bool:
    if isinstance(action, (Walk, Evacuate)) or action.kind in _UNTIMED:
        return False
    return isinstance(action, Work) or action.duration_s > 0.0


def explain(world: "World", person_id: int) -> Explanation:
    """What one person is doing and why."""
    p = world.people[person_id]
    state = STATE_NAMES[int(world.bodies.state[person_id])]
    if state == "dead":
        return Explanation(person_id, p.name, state, "dead")
    a = p.action
    progress = None
    if p.carried_by >= 0:
        doing = f"carried by {world.people[p.carried_by].name}"
    elif p.escorted_by >= 0:
        doing = f"helped out by {world.people[p.escorted_by].name}"
    elif state == "unconscious":
        doing = "unconscious" + (" (respirator on)" if p.respirator_on or p.suited else "")
    elif a is not None:
        doing = a.words(world)
        progress = round(float(a.progress), 3) if _timed(a) else None
    else:
        doing = EVAC_WORDS[p.evac] or "standing by"
    why = task = ""
    note = None
    if p.order is not None:
        words = order_words(world, p.order)
        who = "the autopilot" if p.order.source == "autopilot" else "the player"
        why = f"{who}: {words}"
        task = p.order.job or p.order.kind
        note = OrderNote(p.order.source, p.order.tick, words, p.order.job)
    elif not p.on_duty and EVAC_WORDS[p.evac]:
        why = EVAC_WORDS[p.evac]
        task = "evacuate" if p.evac is Evac.MOVING else str(p.evac)
    if p.carrying >= 0:
        why += f" (carrying {world.people[p.carrying].name})"
    elif p.escorting >= 0:
        why += f" (helping {world.people[p.escorting].name} out)"
    return Explanation(
        person_id, p.name, state, doing, why, task, _blocked(world, p),
        tuple(x.words(world) for x in p.plan[:6]), progress,
        action=a.kind if a is not None else "",
        at=a.target if a is not None else None,
        walking=isinstance(a, Walk) and not isinstance(a, Crawl),
        order=note,
    )


def _blocked(world: "World", p: Person) -> str:
    a = p.action
    if a is not None and a.kind == "wait":
        return a.words(world)
    if isinstance(a, Evacuate) and a.stuck_s > 1.0:
        return "the way ahead is crowded"
    return p.blocked


def explain_all(world: "World") -> list[Explanation]:
    """Everybody, for the report."""
    return [explain(world, p.id) for p in world.people]


def describe(world: "World", person_id: int) -> str:
    """One line: "Alexis Moreau: pry Emergency access hatch (43%) - the autopilot: pry ..."."""
    e = explain(world, person_id)
    line = f"{e.name}: {e.doing}"
    if e.progress is not None and e.progress > 0:
        line += f" ({e.progress:.0%})"
    if e.why:
        line += f" - {e.why}"
    if e.blocked:
        line += f" [blocked: {e.blocked}]"
    return line


def locker_contents(world: "World") -> list[str]:
    """Each locker and what is left in it ("Rescue locker: 3 suits, 4 respirators"),
    for the inspector: kit comes out of them, so what is left is worth knowing."""
    out = []
    for lk, items in zip(world.level.lockers, world.crew.lockers):
        counts = {item: items.count(item) for item in dict.fromkeys(items)}
        what = ", ".join(f"{n} {item}{'s' if n > 1 else ''}" for item, n in counts.items()) or "empty"
        out.append(f"{lk.name}: {what}")
    return out
