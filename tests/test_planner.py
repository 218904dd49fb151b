"""Routes planned by time: cut through a wall when that is quicker than the
walk round, walk round when that is quicker; keep the unsuited out of air
that would harm them; plan again when a door shuts in front of them; and the
search is tcod's, no slower than calling it raw."""

from __future__ import annotations

import numpy as np
import pytest
import tcod.path

from game.sim import crew_events as ce
from game.sim.commands import MoveTo, SealDoor
from game.sim.events import CommandRejected, DoorOpened, PersonArrived
from game.sim.level import EventDef
from game.sim.navigation import Profile, cost_grid, find_path
from game.sim.orders import next_plan
from game.sim.tiles import LANCE_S_PER_M, MATERIALS, Tile
from game.sim.world import run_until
from tests.test_crew_actions import crew_world, run_until_event


def walled(rows: int, door_row: int) -> str:
    """Two rooms side by side, a partition between them with one door `door_row` down."""
    lines = ["H" * 21]
    for y in range(1, rows + 1):
        mid = "+" if y == door_row else "#"
        left = ".a......." if y == 1 else "........."
        lines.append("H" + left + mid + "." * 9 + "H")
    lines.append("H" * 21)
    return "\n".join(lines)


def plan_kinds(world, person) -> list[str]:
    person.order = __import__("game.sim.people", fromlist=["Order"]).Order("move", (13, 1))
    plan = next_plan(world, person)
    person.order = None
    return [a.kind for a in plan]


def test_with_a_lance_the_planner_cuts_through_when_the_walk_round_is_longer():
    w = crew_world(walled(24, 24), {"a": ("Ana", "rescue", ("lance",))})
    ana = w.person_by_name("Ana")
    assert "cut" in plan_kinds(w, ana)
    w.submit(MoveTo(person_id=ana.id, cell=(13, 1)))
    arrived = run_until_event(w, PersonArrived, 120)
    cut_s = MATERIALS[Tile.WALL].thickness_m * LANCE_S_PER_M
    round_s = (2 * 23 + 12) / 1.15 + 2.0
    assert arrived.time_s < round_s
    assert arrived.time_s == pytest.approx(cut_s + (7 + 2 * 1 + 3) / 1.15, abs=2.0)
    assert any(isinstance(e, ce.WallCut) for e in w.events)


def test_with_the_door_close_by_the_planner_walks_round():
    w = crew_world(walled(24, 3), {"a": ("Ana", "rescue", ("lance",))})
    ana = w.person_by_name("Ana")
    kinds = plan_kinds(w, ana)
    assert "cut" not in kinds and "open" in kinds
    w.submit(MoveTo(person_id=ana.id, cell=(13, 1)))
    run_until_event(w, PersonArrived, 60)
    assert not any(isinstance(e, ce.WallCut) for e in w.events)


def test_without_a_lance_a_wall_is_a_wall():
    w = crew_world(walled(24, 24), {"a": ("Ana", "crew", ())})
    assert "cut" not in plan_kinds(w, w.person_by_name("Ana"))


VENTED = """
HHHHHHHHHHHHHHHHHHH
H.....=.....=.....H
H.a...B.....B.....H
H.....=.....=.....H
H+===============+H
H.................H
HHHHHHHHHHHHHHHHHHH
"""


def opened_by(world, name: str) -> set[str]:
    return {e.door for e in world.events if isinstance(e, DoorOpened) and e.by == name}


@pytest.mark.parametrize("kit, expect_through", [((), False), (("suit",), True)])
def test_the_unsuited_keep_out_of_a_venting_module_the_suited_go_through(kit, expect_through):
    w = crew_world(
        VENTED, {"a": ("Ana", "rescue" if kit else "crew", kit)},
        events=[EventDef(0.0, "breach", {"at": (9, 0), "area_cm2": 40.0})],
        modules={"West": (2, 2), "Mid": (9, 2)}, doors={(6, 2): "closed", (12, 2): "closed"},
    )
    run_until(w, 1.0)
    assert w.crew.seen.unsafe_cells[2, 9] and not w.crew.seen.unsafe_cells[2, 2]
    w.submit(MoveTo(person_id=0, cell=(15, 2)))
    run_until_event(w, PersonArrived, 60)
    through = {"bulkhead at 6,2", "bulkhead at 12,2"}
    if expect_through:
        assert through <= opened_by(w, "Ana")  # straight through, closing up behind
    else:
        assert not (through & opened_by(w, "Ana")) and "door at 1,4" in opened_by(w, "Ana")


THREE_MODULES = """
HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH
H.a....................=.....=.........H
H......................B.....B......b..H
H......................=.....=.........H
HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH
"""


def test_air_turning_unsafe_remakes_only_the_routes_through_it():
    # Mid is holed at 3 s: its air bars the unsuited. Bob's way into Mid goes
    # through it and is made again (there is none now); Ana's, across West behind
    # a shut bulkhead, never comes near it and she walks on with the very plan she had.
    w = crew_world(
        THREE_MODULES, {"a": ("Ana", "crew", ()), "b": ("Bob", "crew", ())},
        events=[EventDef(3.0, "breach", {"at": (26, 0), "area_cm2": 40.0})],
        modules={"West": (2, 2), "Mid": (26, 2), "East": (33, 2)}, doors={(23, 2): "closed", (29, 2): "open"},
    )
    ana, bob = w.person_by_name("Ana"), w.person_by_name("Bob")
    w.submit(MoveTo(person_id=ana.id, cell=(21, 3)))
    w.submit(MoveTo(person_id=bob.id, cell=(25, 1)))
    run_until(w, 1.0)
    walk = ana.action
    run_until(w, 6.0)
    assert w.crew.seen.unsafe_cells[2, 26] and not w.crew.seen.unsafe_cells[2, 5]
    assert ana.action is walk and ana.plan_version[2] == 0  # planned at the first tick, kept
    assert bob.order is None and "air in bulkhead at 29,2 would harm" in bob.blocked


def test_routes_are_costed_from_the_light_debris_as_it_was_at_the_last_real_change(monkeypatch):
    # Light debris seen on one hall cell thickens in small steps: routes are costed
    # afresh only once it differs by more than SLOW_RECOST from the map they were
    # costed from, and until then a grid made afresh (the caches dropped) is the
    # one kept, whenever it is made.
    from game.sim import debris, perception
    from game.sim.planner import grid_for

    w = crew_world(walled(3, 2), {"a": ("Ana", "crew", ())})
    seen = {}
    monkeypatch.setattr(debris, "occupancy", lambda world: seen["occ"])

    def look(factor: float) -> None:
        slow = np.ones(w.grid.tiles.shape, np.float32)
        slow[1, 5] = factor
        seen["occ"] = (np.zeros(slow.shape, bool), slow)
        perception.look_at_debris(w)

    look(1.0)
    walk = int(grid_for(w, Profile())[1, 5])
    look(1.2)
    look(1.24)  # 0.24 more than the map routes were costed from: not yet a real change
    w.crew.caches.grids.clear()
    assert int(grid_for(w, Profile())[1, 5]) == walk
    look(1.3)  # 0.3 more in all, in three small steps
    assert int(grid_for(w, Profile())[1, 5]) == pytest.approx(1.3 * walk, abs=1)


def test_a_door_shut_on_unsafe_air_opens_no_way():
    # The door between holed Mid and East stood in Mid's air; shut, its cell is in no
    # compartment's air, which is not air turned safe: Ana's old plan in West stands.
    w = crew_world(
        THREE_MODULES, {"a": ("Ana", "crew", ()), "b": ("Bob", "crew", ())},
        events=[EventDef(3.0, "breach", {"at": (26, 0), "area_cm2": 40.0})],
        modules={"West": (2, 2), "Mid": (26, 2), "East": (33, 2)}, doors={(23, 2): "closed", (29, 2): "open"},
    )
    ana = w.person_by_name("Ana")
    w.submit(MoveTo(person_id=ana.id, cell=(21, 3)))
    run_until(w, 11.0)
    walk = ana.action
    assert w.crew.seen.unsafe_cells[2, 29]
    w.set_door_state(w.doors[w.door_at[(29, 2)]], "closed")
    run_until(w, 13.0)
    assert not w.crew.seen.unsafe_cells[2, 29]
    assert ana.action is walk and ana.plan_version[2] == 0


LONG_HALL = """
HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH
Ha.......................................H
H........................................H
HHHHHHHHHHHHHHHHHHHH+HHHH+HHHHHHHHHHHHHHHH
H...................#...#................H
HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH
"""


def test_an_old_plan_is_made_afresh_when_a_way_opens_not_when_one_shuts_elsewhere():
    # Ana's walk down the hall takes ~35 s, past REPLAN_EVERY (10 s). A door off her way
    # shutting cannot give her a quicker way: she keeps her plan. A sealed one undone
    # can (a cell barred before can be passed), so her old plan is made afresh.
    w = crew_world(LONG_HALL, {"a": ("Ana", "crew", ())}, doors={(20, 3): "open", (25, 3): "sealed"})
    ana = w.person_by_name("Ana")
    w.submit(MoveTo(person_id=ana.id, cell=(40, 1)))
    run_until(w, 12.0)
    walk = ana.action
    w.set_door_state(w.doors[w.door_at[(20, 3)]], "closed")
    run_until(w, 12.5)
    assert ana.action is walk and ana.plan_version[2] == 0
    w.set_door_state(w.doors[w.door_at[(25, 3)]], "closed")
    run_until(w, 13.0)
    assert ana.action is not walk and ana.plan_version[2] == 125  # planned again on the next tick


LEAKY_LAB = """
HHHHHHHHHHHHHHHHHH
H..a..#.....=.....H
H.....+.....B.....H
H.....#.....=.....H
HHHHHHHHHHHHHHHHHH
"""


def test_someone_in_a_holed_room_walks_out_through_the_hall_whose_air_still_holds():
    # a 3 cm2 pinhole: the lab module vents over hours (tau ~ 0.84 V / (Cd A) min), so its
    # hall is unsafe to walk into from sound air, but breathable: the way out for Ana in the lab
    w = crew_world(
        LEAKY_LAB, {"a": ("Ana", "crew", ())},
        events=[EventDef(0.0, "breach", {"at": (3, 0), "area_cm2": 3.0})],
        modules={"Lab module": (8, 2), "Habitat": (14, 2)}, doors={(6, 2): "closed", (12, 2): "open"},
    )
    run_until(w, 1.0)
    assert w.crew.seen.unsafe_cells[2, 8] and not w.crew.seen.bad_air_cells[2, 8]  # the hall: venting, breathable
    w.submit(MoveTo(person_id=0, cell=(15, 2)))
    arrived = run_until_event(w, PersonArrived, 60)
    assert arrived is not None and w.people[0].cell == (15, 2)


LOOP = """
HHHHHHHHHHHHHH
H....=.......H
H.a..B.......H
H....=.......H
H....=.......H
H....+.......H
HHHHHHHHHHHHHH
"""


def planned_cells(person) -> list[tuple[int, int]]:
    return [c for a in [person.action, *person.plan] if a is not None for c in getattr(a, "cells", [])]


def test_a_walker_plans_again_when_a_door_is_sealed_in_front_of_them():
    w = crew_world(LOOP, {"a": ("Ana", "crew", ())}, doors={(5, 2): "closed", (5, 5): "closed"})
    ana = w.person_by_name("Ana")
    w.submit(MoveTo(person_id=ana.id, cell=(10, 2)))
    run_until(w, 0.5)
    assert (5, 2) in planned_cells(ana)  # straight through the near door
    w.submit(SealDoor(door_id=w.door_at[(5, 2)]))
    arrived = run_until_event(w, PersonArrived, 40)
    assert ana.cell == (10, 2)
    assert w.doors[w.door_at[(5, 5)]].state == "open"  # the long way round
    assert arrived.time_s > 10.0
    assert not any(isinstance(e, CommandRejected) for e in w.events)


def test_our_route_query_is_tcod_with_a_thin_wrapper():
    w = crew_world(walled(24, 24), {"a": ("Ana", "crew", ())})
    cost = cost_grid(w.grid.tiles, w.doors, Profile())
    ours = find_path(cost, (2, 1), (13, 1))
    # tcod's own A* from the end toward the start, its estimate the cheapest cell's
    # cost a step (and the start entered at that cost), as navigation._Search sets it up
    least = int(cost[cost > 0].min())
    entered = cost.copy()
    entered[1, 2] = least
    graph = tcod.path.SimpleGraph(cost=entered, cardinal=1, diagonal=0)
    graph.set_heuristic(cardinal=least, diagonal=0)
    pf = tcod.path.Pathfinder(graph)
    pf.add_root((1, 13))
    raw = pf.path_from((1, 2))
    assert ours == [(int(j), int(i)) for i, j in raw[1:]]
    assert np.all(cost[[c[1] for c in ours], [c[0] for c in ours]] > 0)
    # and as quick as the route tcod's plain search (path2d, an estimate of 1 a step) finds
    plain = tcod.path.path2d(cost, start_points=[(1, 2)], end_points=[(1, 13)], cardinal=1, diagonal=None)
    assert sum(int(cost[j, i]) for i, j in ours) == sum(int(cost[i, j]) for i, j in plain[1:])
