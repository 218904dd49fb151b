"""Routes turned into actions (game.sim.planner.actions_for_path): walking
stretches split where the way needs something done, and a crawl where it goes
through a hole; and the grid a failed plan is explained along, kept while nothing changes."""

from __future__ import annotations

import numpy as np

from game.sim.navigation import flat_cells
from game.sim.planner import Profile, _full_kit_grid, actions_for_path
from tests.test_crew_actions import crew_world

# One corridor: a hole two cells long cut through a partition, a closed door,
# then a cell of heavy light debris and a fallen beam (set as the crew saw them).
CORRIDOR = """
HHHHHHHHHHHHHH
Ha.xx.+......H
HHHHHHHHHHHHHH
"""


def _said(actions) -> list[tuple]:
    out = []
    for a in actions:
        if a.kind in ("walk", "crawl"):
            out.append((a.kind, [c[0] for c in a.cells]))
        else:
            out.append((a.kind, getattr(a, "cell", None) or getattr(a, "door_id", None)))
    return out


def test_a_route_is_walked_in_stretches_with_the_work_on_the_way_between():
    w = crew_world(CORRIDOR, {"a": ("Ana Petrova", "technician", ())}, doors={(6, 1): "closed"})
    p = w.person_by_name("Ana Petrova")
    w.crew.seen.slow[1, 8] = 10.0  # wading through would take ten times the walk: clear it first
    w.crew.seen.blocked[1, 10] = True  # a beam, and no lance to cut it
    path = [(x, 1) for x in range(2, 13)]
    got = _said(actions_for_path(w, p, path, Profile()))
    door = w.door_at[(6, 1)]
    assert got == [
        ("walk", [2]),
        ("crawl", [3, 4]),
        ("walk", [5]),
        ("open", door),
        ("walk", [6, 7]),
        ("clear", (8, 1)),
        ("walk", [8, 9]),
        ("wait", (10, 1)),
        ("walk", [10, 11, 12]),
    ]


def test_a_clear_route_is_one_walk():
    w = crew_world(CORRIDOR, {"a": ("Ana Petrova", "technician", ())}, doors={(6, 1): "open"})
    p = w.person_by_name("Ana Petrova")
    path = [(x, 1) for x in range(7, 13)]
    assert _said(actions_for_path(w, p, path, Profile())) == [("walk", [7, 8, 9, 10, 11, 12])]


def test_a_route_read_by_flat_index_reads_each_cell_at_its_own_x_and_y():
    # A grid wider than tall, numbered cell by cell: a route's flat indices
    # must pick out exactly the cells (x, y) it names, in its order.
    grid = np.arange(3 * 7).reshape(3, 7)
    path = [(0, 0), (6, 0), (6, 1), (2, 2), (0, 2)]
    assert grid.ravel()[flat_cells(path, 7)].tolist() == [grid[y, x] for x, y in path] == [0, 6, 13, 16, 14]
    assert flat_cells([], 7).tolist() == []


# Two rooms, a door between them; light debris seen lying in the east room.
TWO_ROOMS = """
HHHHHHHHHHH
H.a.+.....H
H...#.....H
HHHHHHHHHHH
"""


def test_the_grid_why_no_way_keeps_follows_the_doors_and_the_debris_seen():
    w = crew_world(TWO_ROOMS, {"a": ("Ana Petrova", "technician", ())}, doors={(4, 1): "closed"})
    speed = w.person_by_name("Ana Petrova").base_speed_m_s()
    statics = w.crew.caches.statics

    def afresh():
        kept = statics.pop("full kit")
        try:
            return _full_kit_grid(w, speed)
        finally:
            statics["full kit"] = kept

    shut = _full_kit_grid(w, speed)
    assert _full_kit_grid(w, speed) is shut  # kept while nothing changed
    w.set_door_state(w.doors[w.door_at[(4, 1)]], "open")
    opened = _full_kit_grid(w, speed)
    assert np.array_equal(opened, afresh())
    assert opened[1, 4] < shut[1, 4]  # an open door is walked through, a shut one opened first
    slow = w.crew.seen.slow.copy()
    slow[1, 7] = 1.2  # a little debris seen: too little to re-cost routes (perception.SLOW_RECOST)
    w.crew.seen.slow = slow
    assert _full_kit_grid(w, speed) is opened
    slow = slow.copy()
    slow[1, 7] = 1.5  # more: the crew re-costs routes (as perception.look_at_debris does)
    w.crew.seen.slow = w.crew.seen.slow_costed = slow
    w.crew.slow_version += 1
    waded = _full_kit_grid(w, speed)
    assert np.array_equal(waded, afresh())
    assert waded[1, 7] > opened[1, 7]
