"""The shared evacuation field is mended round a change (a door shut, opened,
jammed or sealed, a wall cut, a beam fallen) instead of searched again in
full: the mended field is the one a fresh search gives, cell for cell, and
the evacuees walk exactly the same way as with full searches every time."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.sim import evacuation, navigation
from game.sim.level import EventDef
from game.sim.tiles import Tile
from game.sim.world import run_until, step
from tests.test_crew_actions import crew_world

# Two modules of rooms off a corridor, joined by two bulkheads; the west one
# is holed. Rooms open onto the corridor and onto each other, so a shut door
# has ways round it.
STATION = """
HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH
H.......#.......#.......#......=........#.......#.......#......H
H..a....#...b...#.......#..c...=........#.......#.......#......H
H.......+.......+.......+......=........+.......+.......+......H
H.......#.......#...d...#......=........#.......#.......#..k...H
H.......#.......#.......#......=........#.......#.......#......H
H.......#.......#.......#......=........#.......#.......#......H
H###+#######+#######+######+###=####+#######+#######+#######+##H
H..............................B...............................H
H..............................=...............................H
H..............................B...............................H
H###+#######+#######+######+###=####+#######+#######+#######+##H
H.......#.......#.......#......=........#.......#.......#......H
H...e...#.......#..f....#......=........#.......#.......#......H
H.......#.......#.......#...g..=........#.......#.......#......H
H.......+.......+.......+......=........+.......+.......+......H
H.......#..i....#.......#......=........#...j...#.......#......H
H.......#.......#.......#......=........#.......#.......#......H
HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH
"""
PEOPLE = {k: (name, "crew", ()) for k, name in zip("abcdefgijk", ["Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Ivy",
                                                                   "Jo", "Kit"])}
BREACH = EventDef(0.0, "breach", {"at": (10, 0), "area_cm2": 30.0})
BEAM = EventDef(20.0, "debris_fall", {"debris": "support_beam", "at": (14, 9), "count": 1, "angle_deg": 0.0})
WALLS = [(8, 5), (16, 13), (24, 2), (10, 7), (22, 11), (40, 5), (48, 14)]  # cells a lance could cut through


def station(events=(BREACH,)):
    return crew_world(STATION, PEOPLE, modules={"West": (2, 2), "East": (40, 2)}, events=list(events))


def door(w, x, y):
    return w.doors[w.door_at[(x, y)]]


def from_scratch(w) -> np.ndarray:
    """The field a full search gives now (as if there were no earlier field to mend)."""
    cs = w.crew
    made = cs.caches.statics.pop("evac_made", None)
    try:
        return evacuation._make_field(w)
    finally:
        if made is not None:
            cs.caches.statics["evac_made"] = made


def makes() -> dict[str, int]:
    return dict(evacuation.FIELD_MAKES)


def made_since(before: dict[str, int]) -> dict[str, int]:
    return {k: evacuation.FIELD_MAKES[k] - before[k] for k in before}


@pytest.fixture
def breached():
    """The station a moment after the hull is holed: the crew knows, the field is made."""
    w = station()
    run_until(w, 1.0)
    assert w.crew.seen.breached_modules == {"West"}
    evacuation.field(w)
    return w


def test_a_door_shutting_on_the_way_out_mends_the_field_round_it_not_the_whole_station(breached):
    w = breached
    before = evacuation.field(w).copy()
    seen = makes()
    w.set_door_state(door(w, 12, 7), "open")
    after = evacuation.field(w)
    assert made_since(seen) == {"full": 0, "repair": 1, "same": 0}
    assert np.array_equal(after, from_scratch(w))
    assert after[3, 12] < before[3, 12]  # Bo's room is nearer the way out with its door open


@pytest.mark.parametrize("state", ["closed", "jammed", "sealed"])
def test_the_bulkhead_to_safety_shut_jammed_or_sealed_gives_the_same_field_as_a_fresh_search(breached, state):
    w = breached
    w.set_door_state(door(w, 31, 8), state)
    assert np.array_equal(evacuation.field(w), from_scratch(w))
    w.set_door_state(door(w, 31, 10), state)  # both ways east shut: the whole west is further (or cut off)
    f = evacuation.field(w)
    assert np.array_equal(f, from_scratch(w))
    assert (f[9, 1:31] >= navigation.UNREACHED).all() == (state != "closed")


def test_nothing_that_matters_to_the_way_out_changed_keeps_the_same_field(breached):
    w = breached
    f = evacuation.field(w)
    seen = makes()
    w.set_door_state(door(w, 4, 7), "closed")  # already shut: a change of version, not of the way
    assert evacuation.field(w) is f
    assert made_since(seen)["same"] == 1


def test_a_wall_cut_through_and_a_beam_falling_in_the_corridor_mend_the_field_exactly(monkeypatch):
    # Light debris drifts all the time without the field being made again, so
    # check each field as it is made, against a full search on the same costs.
    made = []
    mend = evacuation.repair_field

    def checked(old, c0, s0, c, s):
        got, how = mend(old, c0, s0, c, s)
        assert np.array_equal(got, navigation.seeded_field(c, s)), (w.time_s, how)
        made.append(how)
        return got, how

    monkeypatch.setattr(evacuation, "repair_field", checked)
    w = station(events=(BREACH, BEAM))
    run_until(w, 1.0)
    evacuation.field(w)
    w.set_tile(16, 4, Tile.CUT)  # a hole between two rooms
    assert np.array_equal(evacuation.field(w), from_scratch(w))
    assert made == ["repair"]
    fell = False
    while w.time_s < 25.0:
        step(w)
        evacuation.field(w)
        fell = fell or bool(w.crew.seen.blocked.any())
    assert fell, "the beam came down across the corridor"
    assert len(made) > 1


def _run(w, until_s: float) -> list:
    """Step to `until_s`, shutting and jamming doors on the way out as it goes; every cell each person stood on."""
    script = {300: ((12, 7), "closed"), 450: ((31, 8), "closed"), 520: ((20, 11), "jammed"), 700: ((4, 11), "open")}
    trail = []
    while w.time_s < until_s:
        if w.tick in script:
            (x, y), state = script[w.tick]
            w.set_door_state(door(w, x, y), state)
        step(w)
        trail.append(tuple(p.cell for p in w.people))
    return trail


def test_evacuees_take_the_same_way_out_as_with_a_full_search_after_every_change(monkeypatch):
    seen = makes()
    mended = _run(station(events=(BREACH, BEAM)), 120.0)
    assert made_since(seen)["repair"] > 0
    monkeypatch.setattr(evacuation, "repair_field", lambda old, c0, s0, c, s: (navigation.seeded_field(c, s), "full"))
    searched = _run(station(events=(BREACH, BEAM)), 120.0)
    assert mended == searched
    assert len(set(mended[-1])) == len(mended[-1]) and mended[-1] != mended[0]  # they did move, one to a cell


DOORS = [(8, 3), (16, 3), (24, 3), (4, 7), (12, 7), (20, 7), (27, 7), (36, 7), (31, 8), (31, 10), (4, 11), (12, 11),
         (20, 11), (27, 11), (44, 11), (8, 15), (16, 15), (24, 15), (40, 15)]
CHANGES = st.lists(
    st.one_of(
        st.tuples(st.just("door"), st.sampled_from(DOORS), st.sampled_from(["open", "closed", "jammed", "sealed"])),
        st.tuples(st.just("cut"), st.sampled_from(WALLS), st.none()),
        st.tuples(st.just("tick"), st.none(), st.none()),
    ),
    min_size=1, max_size=10,
)


def change(w, what: str, at, state) -> bool:
    """One of CHANGES made to `w`; False for a tick, which changes no way by itself
    (the air and loose debris move on; the field is made again at the next change of way)."""
    if what == "door":
        w.set_door_state(door(w, *at), state)
    elif what == "cut":
        w.set_tile(*at, Tile.CUT)
    else:
        step(w)
        return False
    return True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=CHANGES)
def test_any_run_of_door_changes_and_cuts_leaves_the_mended_field_equal_to_a_fresh_search(changes):
    w = station()
    run_until(w, 1.0)
    evacuation.field(w)
    for what, at, state in changes:
        if change(w, what, at, state):
            assert np.array_equal(evacuation.field(w), from_scratch(w)), (what, at, state)


def ways_out_then_field(w) -> tuple[np.ndarray, np.ndarray]:
    """`way_out` asked first (worked out from the areas, no field made for it),
    then the field's own answer (a fresh search's field below UNREACHED)."""
    seen = makes()
    got = evacuation.way_out(w).copy()
    assert made_since(seen) == {"full": 0, "repair": 0, "same": 0}
    return got, from_scratch(w) < navigation.UNREACHED


@pytest.mark.parametrize("state", ["closed", "jammed", "sealed"])
def test_who_has_a_way_out_is_where_the_field_reaches_with_the_bulkheads_shut_jammed_or_sealed(breached, state):
    w = breached
    w.set_door_state(door(w, 31, 8), state)
    w.set_door_state(door(w, 31, 10), state)
    got, field_says = ways_out_then_field(w)
    assert np.array_equal(got, field_says)
    # Through two shut doors the west still walks out; jammed or sealed, the
    # corridor west of the bulkheads is cut off, the east side never is.
    assert got[9, 1:31].all() == (state == "closed")
    assert got[9, 32:63].all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=CHANGES)
def test_any_run_of_door_changes_and_cuts_leaves_the_way_out_where_the_field_reaches(changes):
    w = station()
    run_until(w, 1.0)
    for what, at, state in changes:
        if not change(w, what, at, state):
            continue
        got, field_says = ways_out_then_field(w)
        assert np.array_equal(got, field_says), (what, at, state)
