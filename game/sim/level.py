"""A level's static definition: what the file says, before anything happens.

The loader in `game.levelio` builds these from TOML; the world is created from
them and never changes them. Coordinates are tile (column, row) pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from game.sim.physiology import INJURY_NAMES
from game.sim.tiles import DEFAULT_LEGEND, TILE_BY_NAME, Tile

FORMAT_VERSION = 2  # 1 still loads: game.levelio.load migrates it (see V1 below)

Cell = tuple[int, int]
Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 inclusive

DOOR_STATES = ("open", "closed", "jammed", "sealed")
CONDITIONS = ("awake", "asleep", "unconscious")
INJURY_GRADES = INJURY_NAMES  # none, mild, moderate, severe: one scale for the file and the body
EQUIPMENT = ("suit", "respirator", "lance", "crowbar", "medkit")
ROOM_KINDS = ("quarters", "corridor", "medbay", "control", "tunnel", "lab", "storage", "other")
DEBRIS_KINDS = ("ceiling_panel", "insulation", "personal_effects", "support_beam")
OBJECTIVE_KINDS = ("rescue", "survive", "injury", "seal", "survey", "evacuate", "conserve_o2", "responders_safe")

# Parameters each event kind takes: name -> (required, type tag).
EVENT_PARAMS: dict[str, dict[str, tuple[bool, str]]] = {
    "breach": {"at": (True, "cell"), "area_cm2": (True, "pos"), "cd": (False, "frac"), "section": (False, "str")},
    "debris_fall": {
        "debris": (True, "debris"),
        "at": (False, "cell"),
        "region": (False, "rect"),
        "count": (False, "count"),
        "angle_deg": (False, "num"),
    },
    "door_jam": {"door": (True, "cell")},
    "door_open": {"door": (True, "cell")},
    "door_close": {"door": (True, "cell")},
    "door_seal": {"door": (True, "cell")},
    # format 2: interior damage
    "wall_damaged": {"at": (True, "cell"), "area_cm2": (True, "pos")},
    "door_damaged": {"door": (True, "cell"), "leak_cm2": (False, "nonneg"), "jam": (False, "bool")},
    "door_unjam": {"door": (True, "cell")},
    "secondary_breach": {"at": (True, "cell"), "area_cm2": (True, "pos"), "cd": (False, "frac"), "section": (False, "str")},
    "sparks": {"at": (True, "cell"), "for_s": (False, "pos")},  # game.sim.fire: lights O2-rich air
}

# Planned instructor injects (`[[injects]]`): kind -> parameters, as above.
# They fire as instructor commands, so replays record them like live ones.
INJECT_PARAMS: dict[str, dict[str, tuple[bool, str]]] = {
    "breach": {"at": (True, "cell"), "area_cm2": (True, "pos")},
    "debris_fall": {"at": (True, "cell"), "debris": (True, "debris"), "count": (False, "count")},
    "door_jam": {"door": (True, "cell")},
    "equipment_failure": {"person": (True, "str"), "item": (True, "str")},
    "worsen": {"person": (True, "str"), "spo2_drop": (False, "nonneg"), "injury_s": (False, "nonneg")},
}

# Lesson steps (`[[lesson_steps]]`): what each kind of check reads -> (required, type tag).
# A step is a goal the player ticks off by doing it; game.training.lessons judges each
# kind (a test holds the two lists equal).
LESSON_CHECKS: dict[str, dict[str, tuple[bool, str]]] = {
    "selected": {"people": (True, "strlist")},  # exactly these people are selected
    "in_room": {"people": (True, "strlist"), "room": (True, "str")},
    "door": {"door": (True, "str"), "state": (True, "str")},  # the named door is in that state
    "respirator": {"people": (True, "strlist")},  # wearing one
    "carrying": {"people": (True, "strlist")},  # being carried or escorted by someone
    "feed_room": {"room": (True, "str")},  # the O2 feed is sent to this room
    "feed_rate": {"min_g_s": (False, "nonneg"), "max_g_s": (False, "nonneg")},
    "overlay": {"overlay": (True, "str")},  # this map overlay is shown
    "cut": {"at": (True, "cell")},  # a hole has been cut here
    "speed": {"speed": (True, "count")},  # the clock runs at least this fast
}
LESSON_HINT_AFTER_S = 20.0  # a step's hint shows after this long on it, unless the level says


@dataclass(frozen=True)
class Meta:
    name: str
    author: str = ""
    briefing: str = ""
    time_limit_s: float = 1800.0
    ceiling_height_m: float = 2.4
    nominal_pressure_bar: float = 1.0
    o2_fraction: float = 0.21
    seed: int = 1
    outside_pressure_bar: float = 0.006  # what a breach vents to: Mars by default, 0 in orbit


@dataclass(frozen=True)
class LifeSupport:
    """The habitat's stores and what draws on them: the emergency O2 reserve
    and its feed, and the ordinary regulation that tops intact rooms up to the
    nominal atmosphere from its own O2 and N2 tanks, no faster than its valves."""

    reserve_o2_kg: float = 0.0
    feed_rate_g_s: float = 0.0
    o2_kg: float = 20.0  # regulation's O2 tank
    n2_kg: float = 60.0  # regulation's N2 (diluent) tank
    regulation: bool = True
    regulation_max_g_s: float = 20.0  # all regulation valves together
    regulation_tau_s: float = 20.0  # how fast it closes a room's deficit, below the valve limit


@dataclass(frozen=True)
class RoomDef:
    label: str
    at: Cell  # any floor cell inside; the room is the floor region around it
    kind: str = "quarters"
    pressure_bar: float | None = None  # starting air, if not the level's nominal
    o2_fraction: float | None = None
    temperature_k: float | None = None


@dataclass(frozen=True)
class ModuleDef:
    name: str
    at: Cell  # any cell inside; the module is the region bounded by module walls


@dataclass(frozen=True)
class HullSectionDef:
    name: str
    rect: Rect


@dataclass(frozen=True)
class DoorDef:
    at: Cell
    state: str = "closed"
    name: str = ""
    open_time_s: float | None = None  # None: the kind's usual time; larger if it sticks
    leak_cm2: float | None = None  # None: the kind's usual seal; larger if the frame is warped
    pry_time_s: float | None = None  # one crowbar's time to pry it open when jammed; None: the kind's usual


@dataclass(frozen=True)
class CrewDef:
    name: str
    role: str
    at: Cell
    equipment: tuple[str, ...] = ()
    condition: str = "awake"  # awake, asleep or unconscious (out cold until carried out or treated)
    injury: str = "none"  # a grade of INJURY_GRADES: slows them; severe cannot walk
    spo2: float | None = None  # starting saturation; None: what the air they breathe gives


def from_v1_condition(c: CrewDef) -> CrewDef:
    """Format 1's condition "injured" (which only slowed their reaction) is an
    awake person with a mild injury in format 2; anything else is unchanged."""
    return replace(c, condition="awake", injury="mild") if c.condition == "injured" else c


@dataclass(frozen=True)
class LockerDef:
    """A locker and what is in it: one name per item, so a count is a repeat
    (the file writes counts: `contents = { suit = 2 }`)."""

    name: str
    at: Cell
    contents: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        """Item -> how many, in EQUIPMENT order (unknown names last, as the validator reports them)."""
        order = {k: i for i, k in enumerate(EQUIPMENT)}
        out: dict[str, int] = {}
        for item in sorted(self.contents, key=lambda k: (order.get(k, len(order)), k)):
            out[item] = out.get(item, 0) + 1
        return out


def items_from_counts(counts: dict[str, int]) -> tuple[str, ...]:
    """A locker's contents from counts: each name repeated its count, in EQUIPMENT order."""
    order = {k: i for i, k in enumerate(EQUIPMENT)}
    return tuple(k for k in sorted(counts, key=lambda k: (order.get(k, len(order)), k)) for _ in range(int(counts[k])))


@dataclass(frozen=True)
class AirlockDef:
    """Two doors with a small room between, cycled one at a time (the crew infer
    most airlocks from the map; a level can name one the map does not show)."""

    name: str
    doors: tuple[Cell, Cell]
    cycle_s: float | None = None  # None: from the chamber's volume and the pump (game.sim.doors.airlock_cycle_s)


@dataclass(frozen=True)
class EventDef:
    at_s: float
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    chance: float = 1.0  # drawn from the world's `events` stream when below 1


@dataclass(frozen=True)
class ObjectiveDef:
    kind: str
    description: str = ""
    weight: float = 1.0
    people: tuple[str, ...] = ()
    within_s: float | None = None
    max_injury: str = "none"  # responders_safe: the worst hypoxic injury grade still counted safe


@dataclass(frozen=True)
class InjectDef:
    """An inject the instructor plans for an exercise: what, when, and a note for them."""

    at_s: float
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class LessonStepDef:
    """One goal of a lesson: its words, how it is checked, and the hint for a player stuck on it."""

    goal: str
    check: str
    params: dict[str, Any] = field(default_factory=dict)
    hint: str = ""
    hint_after_s: float = LESSON_HINT_AFTER_S


@dataclass(frozen=True)
class LessonHintDef:
    """A lesson's answer to something the player did: when an event of kind `on`
    happens (its `field` equal to `value`, if given; while step `step` is the
    current one, if given), say `say` (which may name the event's fields: {reason})."""

    on: str
    say: str
    step: int | None = None  # 1-based, as the file counts steps
    field: str = ""
    value: str = ""


@dataclass(frozen=True)
class Level:
    meta: Meta
    rows: tuple[str, ...]
    legend: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LEGEND))
    life_support: LifeSupport = LifeSupport()
    rooms: tuple[RoomDef, ...] = ()
    modules: tuple[ModuleDef, ...] = ()
    hull_sections: tuple[HullSectionDef, ...] = ()
    doors: tuple[DoorDef, ...] = ()
    crew: tuple[CrewDef, ...] = ()
    lockers: tuple[LockerDef, ...] = ()
    events: tuple[EventDef, ...] = ()
    objectives: tuple[ObjectiveDef, ...] = ()
    injects: tuple[InjectDef, ...] = ()
    format_version: int = FORMAT_VERSION
    airlocks: tuple[AirlockDef, ...] = ()
    lesson_steps: tuple[LessonStepDef, ...] = ()  # a lesson level's goals, in order
    lesson_hints: tuple[LessonHintDef, ...] = ()

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    @property
    def height(self) -> int:
        return len(self.rows)


def tiles_from_rows(rows: tuple[str, ...] | list[str], legend: dict[str, str]) -> np.ndarray:
    """Decode map rows into a (height, width) uint8 array of `Tile` codes.

    Short rows are padded with vacuum; characters missing from the legend
    become vacuum (the validator reports them).
    """
    width = max((len(r) for r in rows), default=0)
    if not rows or width == 0:
        return np.zeros((len(rows), width), dtype=np.uint8)
    text = "".join(r.ljust(width) for r in rows)
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).reshape(len(rows), width)
    keys = np.array(sorted(ord(c) for c in legend if len(c) == 1), dtype=np.uint32)
    values = np.array(
        [int(TILE_BY_NAME.get(legend[chr(k)], Tile.VACUUM)) for k in keys], dtype=np.uint8
    )
    if keys.size == 0:
        return np.zeros(chars.shape, dtype=np.uint8)
    idx = np.clip(np.searchsorted(keys, chars), 0, keys.size - 1)
    return np.where(keys[idx] == chars, values[idx], np.uint8(Tile.VACUUM)).astype(np.uint8)
