"""One way to name a place and a moment: what every screen and report shows."""

from __future__ import annotations

from game.sim.words import duration, mission_clock, place_name
from tests.builders import ascii_world

LAYOUT = """
HHHHHHHHHHH
H....#....H
H....+....H
H....#....H
HHHHHHHHHHH
"""


def test_a_moment_reads_the_same_whether_a_tick_lands_under_or_over_the_second():
    # 89.999... s is what 900 ticks of 0.1 s add up to in floating point: still 1:29 elapsed, never 1:30
    assert mission_clock(89.99999999, 0.0) == "T+01:29"
    assert mission_clock(sum([0.1] * 900), 0.0) == "T+01:30"
    assert mission_clock(90.6, 0.0) == "T+01:30"
    assert mission_clock(95.0, 100.0) == "T-00:05"
    assert mission_clock(12.0, None) == "T+00:12"


def test_durations_count_whole_seconds_and_hours():
    assert duration(300) == "5:00"
    assert duration(59.9) == "0:59"
    assert duration(3725) == "1:02:05"
    assert duration(float("inf")) == "--:--"


def test_a_wall_cell_a_door_and_a_floor_cell_are_named_as_the_crew_would_say_them():
    w = ascii_world(LAYOUT, rooms={"Galley": (2, 2), "Lab": (8, 2)})
    assert place_name(w, (2, 1)) == "Galley"
    assert place_name(w, (5, 1)) == "the wall between Galley and Lab"
    assert place_name(w, (5, 2)) == w.doors[w.door_at[(5, 2)]].label
    assert place_name(w, (0, 2)) == "0,2"  # a hull cell of a level with no modules: nothing better to call it
