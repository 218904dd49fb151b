"""Past-tense records of what happened, appended by the simulation.

The view, sound, comms log and report read them; the simulation never reacts
to its own events.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class Event:
    tick: int
    time_s: float

    @property
    def kind(self) -> str:
        return type(self).__name__

    def to_dict(self) -> dict:
        return {"type": self.kind, **asdict(self)}


@dataclass(frozen=True)
class BreachOpened(Event):
    x: int
    y: int
    area_cm2: float
    section: str = ""


@dataclass(frozen=True)
class DoorOpened(Event):
    door_id: int
    door: str
    by: str = ""  # the person who opened it, or "" for a remote command


@dataclass(frozen=True)
class DoorClosed(Event):
    door_id: int
    door: str
    by: str = ""


@dataclass(frozen=True)
class DoorJammed(Event):
    door_id: int
    door: str


@dataclass(frozen=True)
class DoorUnjammed(Event):
    door_id: int
    door: str


@dataclass(frozen=True)
class DoorDamaged(Event):
    """A door's seal was damaged (it leaks `leak_cm2` shut) and perhaps jammed."""

    door_id: int
    door: str
    leak_cm2: float
    jammed: bool


@dataclass(frozen=True)
class WallDamaged(Event):
    """An interior wall was holed: a leak between its two sides, or a hole to crawl through."""

    x: int
    y: int
    area_cm2: float
    passable: bool


@dataclass(frozen=True)
class DoorSealed(Event):
    door_id: int
    door: str


@dataclass(frozen=True)
class DoorUnsealed(Event):
    door_id: int
    door: str


@dataclass(frozen=True)
class DebrisFell(Event):
    debris: str
    count: int
    x: int
    y: int


@dataclass(frozen=True)
class PersonArrived(Event):
    person_id: int
    person: str
    x: int
    y: int


@dataclass(frozen=True)
class PathBlocked(Event):
    person_id: int
    person: str
    reason: str


@dataclass(frozen=True)
class CommandRejected(Event):
    command: str
    reason: str


@dataclass(frozen=True)
class PersonStateChanged(Event):
    person_id: int
    person: str
    state: str  # conscious, impaired, unconscious, dead
    previous: str


@dataclass(frozen=True)
class O2ReserveExhausted(Event):
    fed_kg: float


@dataclass(frozen=True)
class BreachPlugChanged(Event):
    """Loose debris the air pulled over a hole started (plug > 0) or stopped covering part of it."""

    breach_id: int
    section: str
    plug: float  # share of the hole covered now


@dataclass(frozen=True)
class FireHazardRaised(Event):
    compartment: str
    o2_fraction: float


@dataclass(frozen=True)
class FireStarted(Event):
    x: int
    y: int
    place: str
    o2_fraction: float


@dataclass(frozen=True)
class FireOut(Event):
    x: int
    y: int
    place: str
    why: str  # "burnt out", "starved of O2", "too little air", "no air"


@dataclass(frozen=True)
class O2FeedSet(Event):
    rate_g_s: float
    target: str  # the room it now goes to, or "breached module"


def event_fields(event: Event) -> list[str]:
    """Names of an event's own fields, after tick and time."""
    return [f.name for f in fields(event)][2:]


@dataclass(frozen=True)
class EquipmentFailed(Event):
    person_id: int
    person: str
    item: str


@dataclass(frozen=True)
class ConditionWorsened(Event):
    person_id: int
    person: str
    spo2: float


@dataclass(frozen=True)
class ExerciseFrozen(Event):
    frozen: bool  # False: the exercise was resumed


def state_change_run(events: list[Event], i: int) -> int:
    """End (exclusive) of the run of PersonStateChanged from `i` that share its
    tick and state: many people passing out at once read as one line."""
    e = events[i]
    j = i
    while (
        j < len(events)
        and isinstance(events[j], PersonStateChanged)
        and events[j].tick == e.tick
        and events[j].state == e.state
    ):
        j += 1
    return j
