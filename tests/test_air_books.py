"""Nothing from nothing: every mole in the habitat's air is booked, and
life support draws on finite stores that run dry."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.sim import timeline
from game.sim.atmosphere import moles_in_air
from game.sim.commands import SetO2Feed
from game.sim.level import EventDef, LifeSupport
from game.sim.tiles import Tile
from game.sim.world import create_world, run_until, step
from tests.builders import ascii_level

# A corridor (breachable at its top), two rooms off it, and a second module
# behind a bulkhead whose regulation tops it up.
STATION = """
HHHHHHHHHHHHHHHHHHH
H....#....=.......H
H....#....=.......H
H....+....B.......H
H....#....=.......H
H..#+#....=.......H
H..#......=.......H
HHHHHHHHHHHHHHHHHHH
"""
DOORS = [(5, 3), (10, 3), (4, 5)]
WALLS = [(5, 1), (10, 5), (3, 6)]  # interior and module walls a lance could cut


def station(reserve_kg=5.0, feed_g_s=30.0, o2_kg=2.0, n2_kg=6.0, max_g_s=50.0):
    level = ascii_level(STATION, doors={d: "closed" for d in DOORS})
    ls = LifeSupport(reserve_kg, feed_g_s, o2_kg=o2_kg, n2_kg=n2_kg, regulation_max_g_s=max_g_s)
    return create_world(dataclasses.replace(level, life_support=ls), 1)


def balance(w) -> tuple[float, float]:
    """(moles in the air now, moles the books say should be there)."""
    a = w.atmos
    booked = a.supplied_o2_mol + a.supplied_other_mol - a.vented_o2_mol - a.vented_other_mol
    return moles_in_air(w), booked


actions = st.one_of(
    st.tuples(st.just("door"), st.sampled_from(DOORS), st.sampled_from(["open", "closed"])),
    st.tuples(st.just("cut"), st.sampled_from(WALLS), st.just("")),
    st.tuples(st.just("breach"), st.sampled_from([(7, 0), (14, 0), (2, 7)]), st.floats(0.5, 400.0)),
    st.tuples(st.just("feed"), st.sampled_from([None, (2, 2), (14, 3)]), st.floats(0.0, 100.0)),
    st.tuples(st.just("run"), st.integers(1, 80), st.just("")),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(actions, min_size=1, max_size=12), st.booleans())
def test_every_mole_is_booked_over_any_history(history, orbit):
    w = station()
    if orbit:
        w.atmos.outside_pa = 0.0
    start = moles_in_air(w)
    for kind, what, arg in history:
        if kind == "door":
            w.set_door_state(w.doors[w.door_at[what]], arg)
        elif kind == "cut":
            w.set_tile(*what, Tile.CUT)
        elif kind == "breach":
            timeline.fire(w, EventDef(w.time_s, "breach", {"at": what, "area_cm2": arg}))
        elif kind == "feed":
            w.submit(SetO2Feed(rate_g_s=arg, target=what))
        else:
            for _ in range(what):
                step(w)
        now, booked = balance(w)
        # change = supplied - vented, to 1e-9 of what the habitat holds
        assert now - start == pytest.approx(booked, abs=1e-9 * start)
    a = w.atmos
    assert a.reserve_o2_kg >= 0.0 and a.store_o2_kg >= 0.0 and a.store_n2_kg >= 0.0


def test_regulation_refills_from_its_tanks_until_they_are_empty_then_stops():
    # the sound module (east) leaks through its closed bulkhead into a vented corridor
    w = station(reserve_kg=0.0, feed_g_s=0.0, o2_kg=0.05, n2_kg=0.2, max_g_s=50.0)
    w.set_door_state(w.doors[w.door_at[(10, 3)]], "open")  # held on its seal: only its valve passes air
    timeline.fire(w, EventDef(0.0, "breach", {"at": (7, 0), "area_cm2": 100.0}))
    run_until(w, 120.0)
    a = w.atmos
    assert a.store_o2_kg == 0.0 or a.store_n2_kg == 0.0
    supplied = a.supplied_o2_mol + a.supplied_other_mol
    assert supplied * 0.029 == pytest.approx(0.25 - a.store_o2_kg - a.store_n2_kg, rel=0.05)
    run_until(w, 180.0)
    assert a.supplied_o2_mol + a.supplied_other_mol == pytest.approx(supplied, rel=0.2)


def test_an_isolated_room_does_not_refill_from_nothing():
    # With empty tanks a room that lost air stays down: no source, no refill.
    w = station(reserve_kg=0.0, feed_g_s=0.0, o2_kg=0.0, n2_kg=0.0)
    c = w.compartments
    room = c.index_at(14, 3)
    c.n_o2[room] *= 0.5
    c.n_other[room] *= 0.5
    before, total = float(c.pressure_bar[room]), moles_in_air(w)
    run_until(w, 60.0)
    # it gains only what seeps through its bulkhead's seal from the full corridor
    assert float(w.compartments.pressure_bar[room]) < before + 0.001
    assert moles_in_air(w) == pytest.approx(total, rel=1e-12)
    assert w.atmos.supplied_o2_mol == w.atmos.supplied_other_mol == 0.0


def test_regulation_is_limited_by_its_valves():
    w = station(reserve_kg=0.0, feed_g_s=0.0, o2_kg=100.0, n2_kg=100.0, max_g_s=10.0)
    c = w.compartments
    room = c.index_at(14, 3)
    c.n_o2[room] *= 0.5
    c.n_other[room] *= 0.5
    run_until(w, 10.0)
    assert w.atmos.regulated_kg == pytest.approx(0.1, rel=0.02)  # 10 s at 10 g/s
