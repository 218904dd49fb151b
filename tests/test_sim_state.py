"""Declared state: every field of the world's mutable state says whether the
state hash covers it, and the hash follows the declarations."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest
from builders import ascii_world

from game.levelio.load import load_level
from game.sim.people import Evac
from game.sim.state import derived, feed_bytes, synced, undeclared
from game.sim.world import create_world, run_until, state_hash

HALL = """
#########
#.......#
#.......#
#########
"""


@pytest.fixture(scope="module")
def busy_world():
    """Module Four two minutes into the breach with the autopilot at work:
    orders, plans, casualties, debris and perception all filled in."""
    w = create_world(load_level("levels/module4.toml"), 1)
    w.crew.set_autopilot(w, True)
    run_until(w, 150.0)
    assert any(p.order is not None for p in w.people) and w.physics.pieces
    return w


def test_every_field_of_the_world_s_state_is_hashed_or_declared_derived_or_cache(busy_world):
    assert undeclared(busy_world) == []


def test_a_field_nobody_declared_is_reported():
    @dataclass
    class Tank:
        level_kg: float = synced(default=1.0)
        valve_open: bool = False  # new state, forgotten

    @dataclass
    class Station:
        tanks: list[Tank] = synced(default_factory=lambda: [Tank()])

    assert undeclared(Station()) == ["Tank.valve_open"]


def test_the_hash_covers_synced_fields_and_leaves_derived_ones_out():
    @dataclass
    class Room:
        pressure_bar: float = synced(default=1.0)
        alarm_shown: bool = derived(default=False)
        history: list = field(default_factory=list, metadata={"state": "cache"})

    a, b = Room(), Room()
    b.alarm_shown, b.history = True, [1, 2]
    assert feed_bytes(a) == feed_bytes(b)
    b.pressure_bar = 0.9
    assert feed_bytes(a) != feed_bytes(b)


def test_the_world_hash_sees_a_door_but_not_what_the_crew_perceives():
    w = ascii_world(HALL)
    before = state_hash(w)
    w.crew.seen.blocked = np.ones_like(w.crew.seen.blocked)  # perception: rebuilt at the next look
    assert state_hash(w) == before
    w.grid.tiles[1, 1] = w.grid.tiles[0, 0]  # a wall where there was floor
    assert state_hash(w) != before


def test_the_hash_refuses_state_it_cannot_read():
    @dataclass
    class Odd:
        thing: object = synced(default_factory=object)

    with pytest.raises(TypeError, match="cannot read"):
        feed_bytes(Odd())


def test_evacuation_states_are_an_enum_whose_values_are_the_words_the_report_prints():
    w = ascii_world(HALL.replace("#.......#\n#########", "#..a....#\n#########"), people={"a": ("Ada", "crew", ())})
    (ada,) = w.people
    assert ada.evac is Evac.IDLE
    assert Evac.IN_CARE == "in care"
    assert "waiting" not in {e.value for e in Evac}  # never assigned anywhere: gone
