"""A route turned into actions (game.sim.planner.actions_for_path): walking
stretches split where the way needs something done, and a crawl where it goes
through a hole."""

from __future__ import annotations

from game.sim.planner import Profile, actions_for_path
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
