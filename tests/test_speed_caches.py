"""Work the tick keeps between ticks for speed (issue #18) gives what the work
done afresh gives: the wind's patterns kept across a door's opening and
shutting, the gale cells the gusts keep until the wind changes, and the
route search kept between searches on the same grid."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import tcod.path

from game.sim import navigation, wind
from game.sim.commands import CloseDoor, OpenDoor
from game.sim.level import CrewDef, RoomDef
from game.sim.world import create_world, run_until, step
from tests.builders import ascii_level
from tests.test_gusts import person_in_the_doorway
from tests.test_openings import DOOR

# Three rooms in a row, the west one at 0.7 bar: a door to the middle one, the
# middle one open to the east one through a doorway the test leaves alone.
THREE_ROOMS = """
HHHHHHHHHHHHHHHH
H....#....#....H
H....+....+....H
HHHHHHHHHHHHHHHH
"""
WEST_DOOR, EAST_DOOR = (5, 2), (10, 2)


def three_rooms():
    level = ascii_level(THREE_ROOMS, doors={WEST_DOOR: "closed", EAST_DOOR: "open"}, ceiling_height_m=2.5)
    rooms = (RoomDef("West", (2, 1), pressure_bar=0.7), RoomDef("Middle", (7, 1)), RoomDef("East", (12, 1)))
    return create_world(dataclasses.replace(level, rooms=rooms), 1)


def fresh_field(w) -> wind.WindField:
    """The wind's patterns built with nothing kept."""
    a = w.atmos
    tiles = w.grid.tiles
    doors = [d for d in w.doors]
    links = [(d.x, d.y, 0.0, 0.0) for d in doors]
    # the same links the topology used: doors first (no cuts, no breaches here)
    source = np.array([next(i for i, d in enumerate(doors) if (d.x, d.y) == xy) for xy in _opening_cells(w)])
    return wind.build(w.compartments.labels, tiles, a.openings, w.level.meta.ceiling_height_m, links, source)


def _opening_cells(w) -> list[tuple[int, int]]:
    return [(w.doors[did].x, w.doors[did].y) for did in sorted(
        range(len(w.doors)), key=lambda did: int(w.atmos.door_opening[did])) if w.atmos.door_opening[did] >= 0]


def test_the_wind_after_a_door_opens_and_shuts_is_the_wind_built_afresh():
    w = three_rooms()
    for cmd, until in ((OpenDoor(door_id=w.door_at[WEST_DOOR]), 5.0), (CloseDoor(door_id=w.door_at[WEST_DOOR]), 15.0)):
        w.submit(cmd)
        run_until(w, until)
        kept, fresh = w.atmos.wind_field, fresh_field(w)
        assert np.array_equal(kept.cells, fresh.cells)
        assert np.array_equal(kept.px.toarray(), fresh.px.toarray())
        assert np.array_equal(kept.py.toarray(), fresh.py.toarray())
    # the wind blew west through the opened door while it was open: the patterns were used
    assert len(w.atmos.wind_memo) >= 1


def test_someone_who_steps_into_a_gale_is_pushed_though_the_wind_has_not_changed():
    w, p = person_in_the_doorway(0.7)
    p.x, p.y = DOOR[0] - 2.5, DOOR[1] + 0.5  # out of the jet while it starts
    run_until(w, 0.2)
    assert p.id not in w.crew.slides
    p.x, p.y = DOOR[0] + 0.5, DOOR[1] + 0.5  # into the doorway between two wind updates
    step(w)
    assert p.id in w.crew.slides or p.cell != DOOR


def test_a_wind_put_in_place_of_the_old_one_is_the_one_felt():
    level = ascii_level(THREE_ROOMS, doors={WEST_DOOR: "closed", EAST_DOOR: "open"}, ceiling_height_m=2.5)
    crew = (CrewDef("Ana Petrova", "engineer", (7, 1)),)
    w = create_world(dataclasses.replace(level, crew=crew), 1)
    run_until(w, 1.0)  # still air everywhere: nobody pushed
    p = w.person_by_name("Ana Petrova")
    assert p.cell == (7, 1) and not w.crew.slides
    w.atmos.wind_x = np.full_like(w.atmos.wind_x, 60.0)  # a gale along the rooms, from elsewhere
    step(w)
    assert p.id in w.crew.slides or p.cell != (7, 1)


def _tcod_route(cost, start, goals):
    """The route straight from tcod's path2d: what find_path_to_any must give."""
    ij = tcod.path.path2d(cost, start_points=[start[::-1]], end_points=[g[::-1] for g in goals],
                          cardinal=1, diagonal=None, check_bounds=False)
    return [(int(j), int(i)) for i, j in ij[1:]]


def test_the_kept_route_search_finds_tcods_routes_even_after_the_grid_changes_in_place():
    w = three_rooms()
    cost = navigation.walk_cost_grid(w.grid.tiles, w.doors)
    searches = [((1, 1), [(14, 2)]), ((14, 1), [(1, 2), (7, 1)]), ((7, 2), [(2, 1)]), ((3, 2), [(12, 1)])]
    for start, goals in searches:
        assert navigation.find_path_to_any(cost, start, goals) == _tcod_route(cost, start, goals)
    cost[1:3, 10] = 0  # the east doorway walled up, in the same array
    assert navigation.find_path_to_any(cost, (7, 1), [(12, 1)]) == [] == _tcod_route(cost, (7, 1), [(12, 1)])
    for start, goals in searches[:3]:
        assert navigation.find_path_to_any(cost, start, goals) == _tcod_route(cost, start, goals)


def test_searches_one_after_another_on_a_kept_grid_find_tcods_routes():
    # A 40 x 60 grid of mixed costs with walls, read-only as the planner's are
    # (trusted while the same array): each search resets only the window the
    # last one could reach, so a cell written outside it would spoil the next.
    rng = np.random.default_rng(7)
    cost = rng.integers(40, 400, size=(40, 60)).astype(np.int32)
    cost[rng.random(cost.shape) < 0.2] = 0
    cost[20, 1:59] = 0  # a wall across, one gap: long ways round
    cost[20, 30] = 77
    cost[5:15, 45] = 0
    cost[0, 0], cost[0, 1], cost[1, 0] = 100, 0, 0  # a pocket nothing reaches
    cost.flags.writeable = False
    open_cells = [(int(x), int(y)) for y, x in zip(*np.nonzero(cost)) if (x, y) != (0, 0)]
    picks = rng.choice(len(open_cells), size=(30, 3), replace=False)
    search = navigation._SEARCHES.search = navigation._Search()
    for a, b, c in picks.tolist():
        start, goals = open_cells[a], [open_cells[b], open_cells[c]]
        assert navigation.find_path_to_any(cost, start, goals) == _tcod_route(cost, start, goals)
        # what the search wrote lies in the window the next one resets
        outside = search.pf.distance != navigation.UNREACHED
        if search.touched != (slice(None), slice(None)):
            outside[search.touched] = False
        assert not outside.any()
    # to the pocket: no way, so the search fills all it can reach (and it is all reset)
    assert navigation.find_path_to_any(cost, open_cells[0], [(0, 0)]) == [] == _tcod_route(cost, open_cells[0], [(0, 0)])
    assert search.touched == (slice(None), slice(None))
    for a, b, c in picks[:5].tolist():
        start, goals = open_cells[a], [open_cells[b], open_cells[c]]
        assert navigation.find_path_to_any(cost, start, goals) == _tcod_route(cost, start, goals)


def test_dropping_the_crews_caches_changes_nothing():
    # CrewCaches is work saved between ticks: a run that throws all of it away every
    # seventh tick must be the same run (the cascade: a rescue with access routes, doors
    # kept shut and sealed, the evacuation field, the autopilot's jobs). The access routes
    # settled and the jobs listed were once kept there, and dropping them changed the run.
    from game.levelio.load import load_level
    from game.sim.commands import SetAutopilot
    from game.sim.perception import CrewCaches
    from game.sim.world import state_hash

    level = load_level(Path(__file__).resolve().parent.parent / "levels" / "campaign5_cascade.toml")

    def hashes(drop: bool) -> list[str]:
        w = create_world(level, 1)
        w.submit(SetAutopilot(on=True))
        out = []
        while w.tick < 3000:
            step(w)
            if drop and w.tick % 7 == 0:
                w.crew.caches = CrewCaches()
            if w.tick % 100 == 0:
                out.append(state_hash(w))
        return out

    assert hashes(drop=True) == hashes(drop=False)
