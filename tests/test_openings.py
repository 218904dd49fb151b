"""Openings are links between separate rooms: a door that opens lets the air
through by the orifice law, with a gust; nothing merges, nothing jumps."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from game.levelio.load import load_level, validate_file
from game.levelio.save import level_to_toml
from game.sim import debris
from game.sim.atmosphere import air_at
from game.sim.commands import CloseDoor, OpenDoor
from game.sim.level import RoomDef
from game.sim.world import create_world, run_until, step
from tests.builders import ascii_level

# Two rooms of 4 x 2 cells under a 2.5 m ceiling: 20 m3 each, a door between.
TWO_ROOMS = """
HHHHHHHHHHH
H....#....H
H....+....H
HHHHHHHHHHH
"""
DOOR = (5, 2)


def two_rooms(east_bar: float = 0.7):
    level = ascii_level(TWO_ROOMS, doors={DOOR: "closed"}, ceiling_height_m=2.5)
    rooms = (RoomDef("West", (2, 1)), RoomDef("East", (7, 1), pressure_bar=east_bar))
    return create_world(dataclasses.replace(level, rooms=rooms), 1)


def pressures(w) -> tuple[float, float]:
    c = w.compartments
    return float(c.pressure_bar[c.index_at(2, 1)]), float(c.pressure_bar[c.index_at(7, 1)])


def test_the_rooms_are_twenty_cubic_metres_each_and_the_door_holds_no_air():
    w = two_rooms()
    assert w.compartments.count == 2
    assert w.compartments.volume_m3.tolist() == [20.0, 20.0]
    assert pressures(w) == pytest.approx((1.0, 0.7))


def open_and_watch(w, seconds: float = 20.0) -> tuple[float | None, float]:
    """Open the door and run: (when the rooms first come within 1 % of each other,
    the strongest wind in the doorway, m/s)."""
    w.submit(OpenDoor(door_id=w.door_at[DOOR]))
    step(w)
    gust, within = 0.0, None
    while w.time_s < seconds:
        step(w)
        gust = max(gust, abs(float(w.atmos.wind_x[DOOR[1], DOOR[0]])))
        west, east = pressures(w)
        if within is None and abs(west - east) <= 0.01 * max(west, east):
            within = w.time_s
    return within, gust


def test_an_opened_door_equalises_the_rooms_in_seconds_with_a_gust_not_in_one_tick():
    w = two_rooms()
    within, gust = open_and_watch(w)
    # the bound: within 1 % after 1-10 s, not at once
    assert within is not None and 1.0 <= within <= 10.0, within
    west, east = pressures(w)
    # 0.85 bar once the walls have evened the temperatures out (the room that gave is colder)
    assert west == pytest.approx(0.85, abs=0.015) and east == pytest.approx(west, rel=1e-3)
    assert gust > 50.0  # the jet through the opening door, m/s
    # the rooms beside the door feel it too, blowing west to east
    assert float(w.atmos.wind_x[2, 4]) >= 0.0


def test_the_gust_through_a_doorway_pushes_loose_debris():
    w = two_rooms(east_bar=0.3)
    w.submit(OpenDoor(door_id=w.door_at[DOOR]))
    step(w)
    debris.spawn_debris(w, {"debris": "personal_effects", "at": DOOR, "count": 1})
    start = debris.debris_records(w)[0]["position"]
    run_until(w, 3.0)
    end = debris.debris_records(w)[0]["position"]
    assert end[0] > start[0] + 0.5  # blown east, out of the doorway


def test_closing_a_door_in_still_air_changes_no_pressure_and_no_volume():
    w = two_rooms(east_bar=1.0)
    door = w.door_at[DOOR]
    w.submit(OpenDoor(door_id=door))
    run_until(w, 2.0)
    volume = w.compartments.volume_m3.copy()
    before = pressures(w)
    w.submit(CloseDoor(door_id=door))
    step(w)
    after = pressures(w)
    assert np.allclose(after, before, rtol=0.005)  # the bound; in fact unchanged
    assert w.compartments.volume_m3.tolist() == volume.tolist() == [20.0, 20.0]


def test_a_person_in_an_open_doorway_breathes_the_rooms_air():
    w = two_rooms(east_bar=1.0)
    w.submit(OpenDoor(door_id=w.door_at[DOOR]))
    run_until(w, 1.0)
    p, f = air_at(w, np.array([DOOR[0]]), np.array([DOOR[1]]))
    assert p[0] == pytest.approx(1.0, abs=0.01) and f[0] == pytest.approx(0.21)


def test_the_level_sets_the_outside_room_air_and_timed_door_events(tmp_path):
    text = """
format_version = 1
[meta]
name = "Orbit"
outside_pressure_bar = 0.0
[life_support]
o2_kg = 1.0
n2_kg = 2.0
regulation = false
regulation_max_g_s = 5.0
[map]
rows = '''
HHHHHHHHHHH
H....#....H
H....+....H
HHHHHHHHHHH
'''
[[rooms]]
label = "West"
at = [2, 1]
[[rooms]]
label = "East"
at = [7, 1]
pressure_bar = 0.7
o2_fraction = 0.3
temperature_k = 280.0
[[doors]]
at = [5, 2]
[[events]]
at_s = 3.0
kind = "door_open"
door = [5, 2]
[[events]]
at_s = 0.0
kind = "breach"
at = [10, 1]
area_cm2 = 1.0
"""
    path = tmp_path / "orbit.toml"
    path.write_text(text)
    level = load_level(path)
    assert validate_file(str(path)) == []
    assert level_to_toml(level).count("outside_pressure_bar = 0.0") == 1  # the file keeps what it says
    w = create_world(level, 1)
    c = w.compartments
    east = c.index_at(7, 1)
    assert c.pressure_bar[east] == pytest.approx(0.7) and c.o2_fraction[east] == pytest.approx(0.3)
    assert c.temp_k[east] == 280.0 and w.atmos.outside_pa == 0.0
    assert not w.atmos.regulated.any()
    run_until(w, 2.9)
    assert not w.doors[0].is_open
    run_until(w, 3.1)
    assert w.doors[0].is_open


def test_the_validator_names_bad_air_settings(tmp_path):
    text = """
format_version = 1
[meta]
name = "Bad"
outside_pressure_bar = 2.0
[map]
rows = '''
HHHHHH
H....H
HHHHHH
'''
[[rooms]]
label = "Hot"
at = [2, 1]
temperature_k = 900.0
[[events]]
at_s = 1.0
kind = "door_seal"
door = [2, 1]
"""
    path = tmp_path / "bad.toml"
    path.write_text(text)
    messages = " | ".join(str(p) for p in validate_file(str(path)))
    assert "outside_pressure_bar" in messages and "temperature_k" in messages and "door_seal" in messages
