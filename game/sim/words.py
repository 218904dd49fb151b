"""The words the game uses about its world: places, people, doors and moments.

One module, so that the HUD, the comms log, the inspector, the debrief, the
after-action report and the editor name a wall cell and an instant the same
way. Clocks show whole seconds elapsed (floored, never rounded up), so a
moment reads the same everywhere it is shown.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from game.sim.world import World

Cell = tuple[int, int]
NO_TIME = "--:--"  # a clock with nothing to count from yet (no breach), or a countdown that never ends


def duration(seconds: float | None) -> str:
    """A span of time as M:SS (H:MM:SS from an hour): deadlines, countdowns, time taken."""
    if seconds is None or not math.isfinite(seconds):
        return NO_TIME
    s = max(0, int(seconds))
    if s >= 3600:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def mission_clock(time_s: float, breach_s: float | None) -> str:
    """The mission clock at `time_s`: T+MM:SS since the first breach, T-MM:SS before it.

    With no breach yet, the clock counts from the start of the scenario.
    """
    t = time_s - (breach_s if breach_s is not None else 0.0)
    s = math.floor(t + 1e-9)  # a tick lands a hair under the whole second it means
    sign = "-" if s < 0 else "+"
    s = abs(s)
    return f"T{sign}{s // 60:02d}:{s % 60:02d}"


def live_clock(time_s: float, breach_s: float | None) -> str:
    """The clock as the crew watch it during play: it starts at the first breach, --:-- before it."""
    return NO_TIME if breach_s is None else mission_clock(time_s, breach_s)


def place_name(world: "World", cell: Cell) -> str:
    """A cell as people on board would say it: a door by its label, a floor cell by its
    room, a wall by the rooms either side, else by its module, else its coordinates."""
    x, y = int(cell[0]), int(cell[1])
    door_id = world.door_at.get((x, y))
    if door_id is not None:
        return world.doors[door_id].label
    room = world.grid.room_at(x, y)
    if room is not None:
        return room.label
    sides = rooms_beside(world, (x, y))
    if len(sides) >= 2:
        return f"the wall between {sides[0]} and {sides[1]}"
    return world.grid.module_at(x, y) or f"{x},{y}"


def rooms_beside(world: "World", cell: Cell) -> list[str]:
    """The rooms touching a wall or door cell, west, east, north, south, each named once."""
    x, y = int(cell[0]), int(cell[1])
    sides: list[str] = []
    for nx, ny in ((x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)):
        r = world.grid.room_at(nx, ny)
        if r is not None and r.label not in sides:
            sides.append(r.label)
    return sides


TITLES = ("dr", "dr.", "prof", "prof.", "commander", "captain", "capt.", "lt.", "sgt.", "chief")


def short_name(name: str) -> str:
    """A name as the crew say it on the radio: the first name, past a title
    ("Dr. Mei Chen" is "Mei", not "Dr."); a title with a single name keeps both."""
    words = name.split()
    while len(words) > 2 and words[0].lower() in TITLES:
        words = words[1:]
    if len(words) == 2 and words[0].lower() in TITLES:
        return " ".join(words)  # "Commander Rivera"
    return words[0] if words else name


def person_name(world: "World", person_id: int) -> str:
    """A person by name (an id the world does not know is named as such, not guessed)."""
    return world.people[person_id].name if 0 <= person_id < len(world.people) else f"person {person_id}"


def door_name(world: "World", door_id: int) -> str:
    """A door by its label."""
    return world.doors[door_id].label if 0 <= door_id < len(world.doors) else f"door {door_id}"
