"""Tiny levels from ASCII maps, for tests that read like the scenario.

Lower-case letters in the map are people standing on floor; `people` maps
each letter to (name, role, equipment).
"""

from __future__ import annotations

from textwrap import dedent

from game.sim.level import CrewDef, DoorDef, EventDef, Level, Meta, RoomDef
from game.sim.world import World, create_world


def ascii_level(
    text: str,
    *,
    people: dict[str, tuple[str, str, tuple[str, ...]]] | None = None,
    doors: dict[tuple[int, int], str] | None = None,
    events: list[EventDef] | None = None,
    rooms: dict[str, tuple[int, int]] | None = None,
    name: str = "Test",
    **meta,
) -> Level:
    rows = dedent(text).strip("\n").split("\n")
    people = people or {}
    crew = []
    clean = []
    for y, row in enumerate(rows):
        chars = list(row)
        for x, ch in enumerate(chars):
            if ch.islower() and ch not in "hx":
                assert ch in people, f"map letter {ch!r} has no entry in people"
            if ch in people:
                pname, role, kit = people[ch]
                crew.append(CrewDef(pname, role, (x, y), tuple(kit)))
                chars[x] = "."
        clean.append("".join(chars))
    return Level(
        meta=Meta(name=name, **meta),
        rows=tuple(clean),
        rooms=tuple(RoomDef(label, at) for label, at in (rooms or {}).items()),
        doors=tuple(DoorDef(at, state) for at, state in (doors or {}).items()),
        crew=tuple(sorted(crew, key=lambda c: c.name)),
        events=tuple(events or ()),
    )


def ascii_world(text: str, seed: int = 1, **kw) -> World:
    return create_world(ascii_level(text, **kw), seed)
