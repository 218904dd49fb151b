"""People off duty get themselves out of a breached module: after a moment to
react (sleepers longer), down one shared field to the sound module, never two
in one cell, queueing at the doorway; the last through shuts the bulkhead;
with no way out they shelter, and go once a way is opened for them."""

from __future__ import annotations

from collections import defaultdict

from game.sim import crew_events as ce
from game.sim.commands import PryOpen
from game.sim.crew import REACT_ASLEEP_S, REACT_AWAKE_S
from game.sim.events import DoorClosed
from game.sim.level import EventDef
from game.sim.world import run_until, step
from tests.test_crew_actions import crew_world, run_until_event

BLOCK = """
HHHHHHHHHHHHHHHHHHHHHHHHH
H........=..............H
H.abcde..B..............H
H.fgijk..=..............H
HHHHHHHHHHHHHHHHHHHHHHHHH
"""
NAMES = dict(zip("abcdefgijk", ["Ada", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Ivy", "Jo", "Kit"]))


def block_world(asleep: tuple[str, ...] = ()):
    people = {k: (n, "crew", ()) for k, n in NAMES.items()}
    return crew_world(
        BLOCK, people, asleep=asleep, modules={"West": (2, 2), "East": (15, 2)}, doors={(9, 2): "closed"},
        events=[EventDef(0.0, "breach", {"at": (4, 0), "area_cm2": 30.0})],
    )


def test_everyone_gets_out_one_to_a_cell_queueing_at_the_bulkhead_and_the_last_shuts_it():
    w = block_world()
    crossed: dict[str, float] = {}
    waited = 0.0
    while w.time_s < 150:
        step(w)
        cells = defaultdict(list)
        for p in w.people:
            if p.carried_by < 0 and p.escorted_by < 0:
                cells[p.cell].append(p.name)
            if p.x > 10 and p.name not in crossed:
                crossed[p.name] = w.time_s
            a = p.action
            if a is not None and a.kind == "evacuate" and a.stuck_s > 0:
                waited += 0.1
        assert all(len(v) == 1 for v in cells.values()), [v for v in cells.values() if len(v) > 1]
    assert len(crossed) == 10 and all(w.grid.module_at(*p.cell) == "East" for p in w.people)
    assert all(p.evac == "safe" for p in w.people)
    times = sorted(crossed.values())
    assert all(b - a >= 0.5 for a, b in zip(times, times[1:]))  # through the doorway one at a time
    assert waited > 5.0  # and some of them had to wait their turn
    door = w.doors[w.door_at[(9, 2)]]
    assert door.state == "closed"
    shut = [e for e in w.events if isinstance(e, DoorClosed) and e.door == door.label]
    assert shut and shut[-1].by in NAMES.values()


def test_sleepers_take_longer_to_react_than_the_awake():
    w = block_world(asleep=("Ada", "Bo", "Cy", "Di", "Ed"))
    run_until(w, 120)
    started = {e.person: e.time_s for e in w.events if isinstance(e, ce.EvacuationStarted)}
    asleep = [started[n] for n in ("Ada", "Bo", "Cy", "Di", "Ed")]
    awake = [started[n] for n in ("Flo", "Gus", "Ivy", "Jo", "Kit")]
    assert all(REACT_ASLEEP_S[0] <= t <= REACT_ASLEEP_S[1] + 0.2 for t in asleep)
    assert all(REACT_AWAKE_S[0] <= t <= REACT_AWAKE_S[1] + 0.2 for t in awake)
    assert sum(asleep) / 5 > sum(awake) / 5


CELL = """
HHHHHHHHHHHHHHHHHHHHHH
H...#....=...........H
H.t.+..r.B...........H
H...#....=...........H
HHHHHHHHHHHHHHHHHHHHHH
"""


def test_with_no_way_out_they_shelter_and_go_once_the_door_is_pried_open():
    w = crew_world(
        CELL, {"t": ("Tom", "crew", ()), "r": ("Rae", "rescue", ("crowbar", "suit"))},
        modules={"West": (2, 2), "East": (15, 2)}, doors={(4, 2): "jammed", (9, 2): "closed"},
        events=[EventDef(0.0, "breach", {"at": (6, 0), "area_cm2": 10.0})],
    )
    sheltering = run_until_event(w, ce.Sheltering, 120)
    assert sheltering.person == "Tom" and sheltering.reason == "no way out"
    w.submit(PryOpen(person_id=w.person_by_name("Rae").id, door_id=w.door_at[(4, 2)]))
    run_until_event(w, ce.DoorPried, w.time_s + 120)
    run_until_event(w, ce.ReachedSafety, w.time_s + 60, person="Tom")
    assert w.grid.module_at(*w.person_by_name("Tom").cell) == "East"
