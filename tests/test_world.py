"""The world as a player sees it: doors, rooms of air, people walking,
and the same future from the same seed and orders."""

from __future__ import annotations

import numpy as np
import pytest

from game.sim import atmosphere
from game.sim.commands import CloseDoor, MoveTo, OpenDoor, SealDoor
from game.sim.events import CommandRejected, DoorOpened, PersonArrived
from game.sim.level import EventDef
from game.sim.people import WALK_SPEED_M_S
from game.sim.world import TICK_S, create_world, run_until, state_hash, step
from tests.builders import ascii_level, ascii_world

TWO_ROOMS = """
HHHHHHHHHHH
H....#....H
H.a..+....H
H....#....H
HHHHHHHHHHH
"""


def total_moles(world) -> float:
    c = world.compartments
    return float(np.sum(c.n_o2) + np.sum(c.n_other))


def test_opening_a_door_links_two_rooms_of_air_and_closing_unlinks_them():
    w = ascii_world(TWO_ROOMS, people={"a": ("Ann", "crew", ())})
    west, east = w.compartments.index_at(2, 2), w.compartments.index_at(8, 2)
    assert w.compartments.count == 2 and not atmosphere.joined(w, west, east)
    w.submit(OpenDoor(door_id=w.door_at[(5, 2)]))
    step(w)
    assert w.compartments.count == 2 and atmosphere.joined(w, west, east)  # rooms stay separate volumes
    w.submit(CloseDoor(door_id=w.door_at[(5, 2)]))
    step(w)
    assert w.compartments.count == 2 and not atmosphere.joined(w, west, east)
    assert np.allclose(w.compartments.pressure_bar, 1.0, atol=1e-9)  # the doorway held no gas


def test_a_relabel_moves_gas_with_the_cells_and_loses_none():
    w = ascii_world(TWO_ROOMS, people={"a": ("Ann", "crew", ())})
    w.compartments.n_o2[0] *= 0.5  # one room at lower pressure
    before = total_moles(w)
    door = w.doors[w.door_at[(5, 2)]]
    rooms = w.compartments.n_o2.copy()
    w.set_door_state(door, "open")
    atmosphere.rebuild_topology(w)
    assert w.compartments.count == 2
    assert total_moles(w) == pytest.approx(before, rel=1e-12)
    w.set_door_state(door, "closed")
    atmosphere.rebuild_topology(w)
    assert w.compartments.count == 2
    assert total_moles(w) == pytest.approx(before, rel=1e-12)
    assert w.compartments.n_o2.tolist() == rooms.tolist()  # a relabel alone moves nothing


def test_a_person_walks_to_a_cell_opening_the_door_on_the_way():
    w = ascii_world(TWO_ROOMS, people={"a": ("Ann", "crew", ())})
    ann = w.person_by_name("Ann")
    w.submit(MoveTo(person_id=ann.id, cell=(8, 2)))
    run_until(w, 20)
    assert ann.cell == (8, 2)
    opened = [e for e in w.events if isinstance(e, DoorOpened)]
    assert opened and opened[0].by == "Ann"
    arrived = [e for e in w.events if isinstance(e, PersonArrived)]
    assert len(arrived) == 1
    # six metres at walking pace plus two seconds for the door
    expected = 6 / WALK_SPEED_M_S + 2.0
    assert arrived[0].time_s == pytest.approx(expected, abs=3 * TICK_S)
    assert atmosphere.joined(w, w.compartments.index_at(2, 2), w.compartments.index_at(8, 2))  # she left the door open


def test_a_jammed_door_stops_a_move_with_a_reason():
    w = ascii_world(TWO_ROOMS, people={"a": ("Ann", "crew", ())}, doors={(5, 2): "jammed"})
    ann = w.person_by_name("Ann")
    w.submit(MoveTo(person_id=ann.id, cell=(8, 2)))
    step(w)
    rejected = [e for e in w.events if isinstance(e, CommandRejected)]
    assert rejected and "no way" in rejected[0].reason
    assert ann.path == []


def test_a_room_door_cannot_be_sealed_remotely_but_a_bulkhead_can():
    w = ascii_world(
        """
        HHHHHHHHH
        H...B...H
        H...#...H
        H...+...H
        HHHHHHHHH
        """
    )
    bulkhead, door = w.door_at[(4, 1)], w.door_at[(4, 3)]
    w.submit(SealDoor(door_id=door))
    w.submit(SealDoor(door_id=bulkhead))
    step(w)
    assert w.doors[door].state == "closed"
    assert w.doors[bulkhead].state == "sealed"
    assert any(isinstance(e, CommandRejected) and "no remote seal" in e.reason for e in w.events)


def test_commands_are_recorded_with_their_tick_and_replay_to_the_same_state():
    level = ascii_level(TWO_ROOMS, people={"a": ("Ann", "crew", ())})
    live = create_world(level, seed=3)
    run_until(live, 1.0)
    live.submit(MoveTo(person_id=0, cell=(8, 3)))
    run_until(live, 4.0)
    live.submit(CloseDoor(door_id=live.door_at[(5, 2)]))
    run_until(live, 10.0)
    assert [c.tick for c in live.command_log] == [10, 40]

    replay = create_world(level, seed=3)
    log = list(live.command_log)
    while replay.tick < live.tick:
        for cmd in [c for c in log if c.tick == replay.tick]:
            replay.pending.append(cmd)
        step(replay)
    assert state_hash(replay) == state_hash(live)


def test_the_same_seed_gives_the_same_state_and_a_chance_event_can_differ():
    level = ascii_level(
        TWO_ROOMS,
        people={"a": ("Ann", "crew", ())},
        events=[EventDef(1.0, "breach", {"at": (0, 2), "area_cm2": 20.0}, chance=0.5)],
    )
    hashes = {}
    breached = set()
    for seed in range(1, 9):
        a, b = create_world(level, seed), create_world(level, seed)
        run_until(a, 5)
        run_until(b, 5)
        assert state_hash(a) == state_hash(b)
        hashes[seed] = state_hash(a)
        breached.add(bool(a.breaches))
    assert breached == {True, False}  # a 50 % event happened on some seeds only


def test_a_breach_vents_its_room_and_a_closed_door_holds_the_next_one_longer():
    w = ascii_world(
        TWO_ROOMS, people={"a": ("Ann", "crew", ())}, events=[EventDef(0.0, "breach", {"at": (0, 2), "area_cm2": 50.0})]
    )
    run_until(w, 60)
    p = w.compartments.pressure_bar
    breached, sheltered = p[w.compartments.index_at(2, 2)], p[w.compartments.index_at(8, 2)]
    assert breached < 0.5
    assert sheltered > breached + 0.2
    assert w.breach_time_s == 0.0
