"""A small exercise level for the training tests: a breached west module with
Ann in its hall, a lab off it, a bulkhead, and a sick bay in the sound east
module where Bo, the medic, waits. Ann wears a suit (the crew's planner keeps
the unsuited out of a breached module's air), unless a test takes it off."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from game.levelio.save import level_to_toml
from game.sim.level import EventDef, InjectDef, LifeSupport, ModuleDef, ObjectiveDef
from tests.builders import ascii_level

EXERCISE = """
HHHHHHHHHHHHHHHHHHHHHHH
H....#....=......#....H
H....+.a..B......+....H
H....#....=......#..b.H
HHHHHHHHHHHHHHHHHHHHHHH
"""
SICK_BAY = (20, 2)
BULKHEAD = (10, 2)


def exercise_level(
    area_cm2: float = 20.0,
    injects: tuple[InjectDef, ...] = (),
    objectives=None,
    lab_door: str = "closed",
    ann_kit: tuple[str, ...] = ("suit",),
):
    level = ascii_level(
        EXERCISE,
        people={"a": ("Ann Lee", "crew", tuple(ann_kit)), "b": ("Bo Diaz", "medic", ("medkit", "respirator"))},
        events=[EventDef(0.0, "breach", {"at": (8, 0), "area_cm2": area_cm2})],
        doors={(5, 2): lab_door, BULKHEAD: "closed", (17, 2): "closed"},
        rooms={"Lab": (2, 2), "Hall": (7, 2), "Habitat": (13, 2), "Sick bay": SICK_BAY},
        name="Exercise",
        time_limit_s=300.0,
    )
    if objectives is None:
        objectives = (
            ObjectiveDef("rescue", "Bring Ann to the sick bay", 2.0, ("Ann Lee",), within_s=120.0),
            ObjectiveDef("survive", "Nobody dies", 1.0),
            ObjectiveDef("seal", "Seal the west module", 1.0, within_s=120.0),
            ObjectiveDef("conserve_o2", "Keep the O2 reserve", 1.0),
        )
    rooms = tuple(replace(r, kind="medbay") if r.label == "Sick bay" else r for r in level.rooms)
    return replace(
        level,
        rooms=rooms,
        modules=(ModuleDef("West", (7, 2)), ModuleDef("East", (13, 2))),
        objectives=tuple(objectives),
        injects=tuple(injects),
        life_support=LifeSupport(reserve_o2_kg=2.0, feed_rate_g_s=2.0),
    )


def write_level(level, path: Path) -> Path:
    path.write_text(level_to_toml(level), encoding="utf-8")
    return path
