"""Walkers on an untouched plan are stepped straight from the crew's tick; a
world run that way is the world the full per-person checks give, tick for
tick: through a door, past light debris, with a door shut in someone's way."""

from __future__ import annotations

from game.sim import crew as crew_system
from game.sim.commands import CloseDoor, MoveTo
from game.sim.level import EventDef
from game.sim.world import state_hash, step
from tests.builders import ascii_world

STATION = """
HHHHHHHHHHHHHHHH
Ha.....#......bH
H..c...+.......H
H......#......dH
HHHHHHHHHHHHHHHH
"""
PEOPLE = {
    "a": ("Ana", "engineer", ()),
    "b": ("Ben", "crew", ()),
    "c": ("Cy", "technician", ()),
    "d": ("Dee", "medic", ()),
}


def run(fast: bool, monkeypatch) -> tuple[list[str], list, list, int]:
    if not fast:
        monkeypatch.setattr(crew_system, "_WALKS", ())  # every walker through _tick_person's checks
    full = crew_system._tick_person
    calls = []
    monkeypatch.setattr(crew_system, "_tick_person", lambda *a: calls.append(1) or full(*a))
    w = ascii_world(STATION, people=PEOPLE, doors={(7, 2): "open"},
                    events=[EventDef(0.0, "debris_fall", {"debris": "insulation", "count": 3, "region": [9, 1, 12, 3]})])
    start = [p.cell for p in w.people]
    names = {p.name: p.id for p in w.people}
    for who, cell in (("Ana", (13, 3)), ("Ben", (1, 3)), ("Cy", (12, 1)), ("Dee", (2, 1))):
        w.submit(MoveTo(person_id=names[who], cell=cell))
    hashes = []
    for t in range(160):
        if t == 40:
            w.submit(CloseDoor(door_id=0))  # shut in the way of whoever has not passed: plans change
        step(w)
        hashes.append(state_hash(w))
    monkeypatch.undo()
    return hashes, start, [p.cell for p in w.people], len(calls)


def test_stepping_walkers_straight_gives_the_same_world_tick_for_tick(monkeypatch):
    fast, start, end_fast, checked_fast = run(True, monkeypatch)
    slow, _, end_slow, checked_slow = run(False, monkeypatch)
    assert fast == slow and end_fast == end_slow
    assert all(a != b for a, b in zip(start, end_fast))  # everyone walked
    assert checked_fast < checked_slow / 2  # and most of their steps skipped the full checks
