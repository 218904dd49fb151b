"""Module Four is laid out the way the story tells it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from game.levelio.load import load_level
from game.sim.navigation import find_path, walk_cost_grid
from game.sim.tiles import Tile
from game.sim.world import create_world, run_until

LEVEL = Path(__file__).resolve().parent.parent / "levels" / "module4.toml"


@pytest.fixture(scope="module")
def world():
    return create_world(load_level(LEVEL))


def test_sixteen_rooms_along_the_main_corridor(world):
    labels = {r.label: r for r in world.grid.rooms}
    for k in range(1, 17):
        room = labels[f"4-{k:02d}"]
        assert room.module == "Module 4" and room.kind == "quarters"
    assert labels["Corridor 4"].module == "Module 4"


def test_thirty_sleep_in_module_four_and_the_others_are_elsewhere(world):
    where = Counter(world.grid.module_at(int(p.x), int(p.y)) for p in world.people)
    assert where["Module 4"] == 30
    roles = {p.name: (p.role, world.grid.room_at(int(p.x), int(p.y)).label) for p in world.people}
    assert roles["Yuki Tanaka"] == ("coordinator", "Control room")
    assert roles["Dr. Mei Chen"] == ("medic", "Medical bay")
    assert sum(1 for p in world.people if p.role == "rescue" and world.grid.module_at(int(p.x), int(p.y)) == "Hub") == 3


def test_control_room_and_medical_bay_are_in_safe_modules(world):
    kinds = {r.kind: r.module for r in world.grid.rooms if r.kind in ("control", "medbay")}
    assert kinds["control"] not in ("Module 4", "") and kinds["medbay"] not in ("Module 4", "")


def test_the_three_are_trapped_the_way_the_story_says(world):
    run_until(world, 1.0)
    by_label = {d.name: d for d in world.doors}
    assert by_label["4-14 door"].state == "jammed"
    sticky = by_label["4-15 door"]
    assert sticky.state == "closed" and sticky.open_time_s > 5 * by_label["4-13 door"].open_time_s
    door16 = by_label["4-16 door"]
    in_front = (door16.x, door16.y + 1)
    beams = [e.params.get("at") for e in world.level.events if e.params.get("debris") == "support_beam"]
    assert in_front in beams, "a beam falls across the doorway of 4-16"
    for name, label in (("Tomas Reyes", "4-14"), ("Elena Rodriguez", "4-15"), ("Dale Jackson", "4-16")):
        p = world.person_by_name(name)
        assert world.grid.room_at(int(p.x), int(p.y)).label == label


def test_the_breach_is_in_four_delta_in_the_north(world):
    breach = next(e for e in world.level.events if e.kind == "breach" and e.chance == 1.0)
    x, y = breach.params["at"]
    section = {s.name: s.rect for s in world.level.hull_sections}["four-delta"]
    assert section[0] <= x <= section[2] and section[1] <= y <= section[3]
    assert breach.params["section"] == "four-delta"
    rooms_y = [y for y, x in zip(*(world.grid.module_id == world.grid.modules.index("Module 4")).nonzero())]
    assert y < min(rooms_y)  # the north side of the module


def test_the_tunnel_hatch_is_about_twenty_metres_from_the_tunnel_entry(world):
    doors = {d.name: d for d in world.doors}
    entry, hatch = doors["Tunnel entry hatch"], doors["Emergency access hatch"]
    assert world.grid.module_at(entry.x + 1, entry.y) == "Module 5"
    assert world.grid.tiles[hatch.y, hatch.x] == Tile.HATCH
    tunnel_path = find_path(walk_cost_grid(world.grid.tiles, []), (entry.x - 1, entry.y), (hatch.x, hatch.y + 1))
    assert 18 <= len(tunnel_path) + 1 <= 22


def test_bulkheads_join_module_four_to_its_neighbours(world):
    modules = set()
    for d in world.doors:
        if d.kind == Tile.BULKHEAD:
            sides = {world.grid.module_at(d.x + dx, d.y + dy) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))}
            if "Module 4" in sides:
                modules |= sides - {"Module 4", None}
    assert modules == {"Hub", "Module 5"}
