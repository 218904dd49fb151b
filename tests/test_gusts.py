"""The gust through an opened doorway pushes a person standing in it toward
the low side, by the drag on their body against their footing (game.sim.movement)."""

from __future__ import annotations

import dataclasses

import numpy as np

from game.sim import movement, walk_kernels
from game.sim.commands import OpenDoor
from game.sim.level import CrewDef, RoomDef
from game.sim.world import create_world, run_until, step
from tests.builders import ascii_level
from tests.test_openings import DOOR, TWO_ROOMS

# The two 20 m3 rooms with a door between (tests/test_openings.py checks them).


def person_in_the_doorway(east_bar: float):
    level = ascii_level(TWO_ROOMS, doors={DOOR: "closed"}, ceiling_height_m=2.5)
    rooms = (RoomDef("West", (2, 1)), RoomDef("East", (7, 1), pressure_bar=east_bar))
    crew = (CrewDef("Ana Petrova", "engineer", DOOR),)
    w = create_world(dataclasses.replace(level, rooms=rooms, crew=crew), 1)
    w.submit(OpenDoor(door_id=w.door_at[DOOR]))
    return w, w.person_by_name("Ana Petrova")


def test_the_gust_through_an_opened_door_pushes_a_person_toward_the_low_side():
    w, p = person_in_the_doorway(0.7)
    run_until(w, 10.0)
    x, y = p.cell
    assert x > DOOR[0]  # blown east, into the room at 0.7 bar
    assert x - DOOR[0] <= movement.MAX_SLIDE_M  # a few cells at most
    assert w.grid.tiles[y, x] == w.grid.tiles[1, 7]  # on the east room's floor, not in a wall
    assert not w.crew.slides  # and on their feet again once the gust is spent


def test_with_the_rooms_equal_nobody_is_moved():
    w, p = person_in_the_doorway(1.0)
    run_until(w, 10.0)
    assert p.cell == DOOR


def test_the_wind_slows_a_walk_into_it_and_hurries_one_with_it():
    w, p = person_in_the_doorway(0.7)
    run_until(w, 0.2)  # the door has opened: the jet blows east through it
    p.x, p.y = DOOR[0] + 0.5, DOOR[1] + 0.5
    assert w.atmos.wind_x[DOOR[1], DOOR[0]] > movement.WIND_FELT_M_S
    felt = movement.felt_now(w)
    assert movement.wind_pace(w, p.x, p.y, -1.0, 0.0, *felt) == movement.HAUL_PACE  # into a jet that beats the footing
    assert movement.wind_pace(w, p.x, p.y, 1.0, 0.0, *felt) == movement.HURRY_MAX
    still, q = person_in_the_doorway(1.0)
    run_until(still, 0.2)
    assert movement.wind_pace(still, q.x, q.y, -1.0, 0.0, *movement.felt_now(still)) == 1.0


def test_a_walker_feels_the_wind_in_exactly_the_cells_where_it_reaches_the_felt_speed():
    # The kept set of felt cells must pick what wind_pace worked out cell by
    # cell before: winds just either side of WIND_FELT_M_S (a float32 ulp
    # apart), along either axis and both, and the wind changed in place.
    w, p = person_in_the_doorway(1.0)
    h, wd = w.grid.tiles.shape
    edge = np.float32(movement.WIND_FELT_M_S)
    near = [np.nextafter(edge, np.float32(0)), edge, np.nextafter(edge, np.float32(99)), edge / np.float32(2 ** 0.5)]
    rng = np.random.default_rng(3)
    for _ in range(3):
        w.atmos.wind_x[:] = rng.choice(near + [np.float32(0)], size=(h, wd)) * rng.choice([-1, 1], size=(h, wd))
        w.atmos.wind_y[:] = rng.choice(near + [np.float32(0)], size=(h, wd))
        w.atmos.wind_stamp += 1
        felt, width = movement.felt_cells(w)
        for y in range(h):
            for x in range(wd):
                ux, uy = movement.wind_here(w, x, y)
                assert (y * width + x in felt) == (not ux * ux + uy * uy < movement.WIND_FELT_M_S * movement.WIND_FELT_M_S)
        assert felt  # some cells do feel it


def test_who_stands_in_the_wind_is_found_by_the_compiled_loop_as_by_the_plain_one(monkeypatch):
    def pushed() -> list:
        w, p = person_in_the_doorway(0.7)
        track = []
        for _ in range(60):
            step(w)
            track.append((p.x, p.y, dict(w.crew.slides)))
        return track

    fast = pushed()
    monkeypatch.setattr(movement, "walkers", walk_kernels)
    assert pushed() == fast
    assert any(slides for _, _, slides in fast) and fast[-1][0] > DOOR[0] + 1  # pushed east, off the doorway
