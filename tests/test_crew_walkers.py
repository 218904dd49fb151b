"""Walkers on an untouched plan are stepped straight from the crew's tick; a
world run that way is the world the full per-person checks give, tick for
tick: through a door, past light debris, with a door shut in someone's way.
A walk's one loop (movement.walk_on) lands on the very float its one-cell
pieces give, and nothing it reads is kept past the tick it changes in."""

from __future__ import annotations

import math

import numpy as np
import pytest

from game.sim import crew as crew_system
from game.sim import atmosphere, movement, walk_kernels
from game.sim.action_base import Failed
from game.sim.commands import CloseDoor, InjectEquipmentFailure, MoveTo
from game.sim.level import EventDef
from game.sim.movement import Walk
from game.sim.tiles import Tile
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


# ------------------------------------------------ one walker's step, against its parts

CORRIDOR = """
HHHHHHHHHHHHHH
Ha.....#....+H
HHHHHHHHHHHHHH
"""


def _corridor():
    """A corridor east through a cut wall, light debris and a gale, to a door."""
    w = ascii_world(CORRIDOR, people={"a": ("Ana", "engineer", ())}, doors={(12, 1): "open"})
    w.set_tile(7, 1, Tile.CUT)  # crawled through
    slow = w.crew.seen.slow.copy()
    slow[1, 3], slow[1, 9] = 1.6, 2.5  # wading (as perception would put it: a new array)
    w.crew.seen.slow = slow
    # A wind both ways along it, either side of what a walker feels and beats their grip
    w.atmos.wind_x[1, 4:7] = (-40.0, 9.0, -3.0)
    w.atmos.wind_x[1, 10] = 30.0
    w.atmos.wind_stamp += 1
    return w, w.people[0]


def _by_parts(world, p, walk: Walk, budget: float) -> str | None:
    """A walker's step from the one-cell pieces (passable_now, advance): what walk_on
    does in one loop; None while walking on, or why it stopped."""
    while budget > 0.0 and walk.i < len(walk.cells):
        nxt = walk.cells[walk.i]
        if p.cell != nxt:
            why = movement.passable_now(world, nxt)
            if why is not None:
                return why
        arrived, budget = movement.advance(world, p, nxt, budget)
        walk.i += arrived
    return None


def test_a_walk_steps_to_the_very_float_its_one_cell_pieces_give_through_holes_debris_wind_and_a_shut_door():
    cells = [(x, 1) for x in range(2, 13)]
    (w, p), (ref, q) = _corridor(), _corridor()
    assert movement.felt_cells(w)[0]  # some of the corridor feels the wind
    walk, mirror = Walk(cells), Walk(cells)
    walk.begin(w, p)
    stopped, shut, paces = None, False, set()
    while stopped is None:
        if p.cell == (11, 1) and not shut:
            shut = True  # the door ahead shut in their face, on both
            w.set_door_state(w.doors[0], "closed")
            ref.set_door_state(ref.doors[0], "closed")
        x0 = p.x
        res = walk.step(w, p, 0.1)
        why = _by_parts(ref, q, mirror, movement.speed_now(ref, q) * 0.1)
        assert (p.x, p.y, walk.i) == (q.x, q.y, mirror.i)  # bit for bit, every tick
        assert p.path == cells[walk.i:]  # what the view draws and a door's closer looks at
        paces.add(round(p.x - x0, 4))
        if isinstance(res, Failed):
            stopped = res.reason
        assert why == stopped
    assert stopped == "door at 12,1 is closed"
    assert (p.x, p.y) == (11.5, 1.5)  # at the threshold, not a step into the door
    assert len(paces) > 4  # crawled, waded, hauled, hurried and walked: the step differed


def test_a_walkers_pace_follows_their_kit_on_the_very_tick_it_changes():
    w = ascii_world("H" * 40 + "\nHa" + "." * 37 + "H\n" + "H" * 40, people={"a": ("Ana", "engineer", ("suit",))})
    p = w.people[0]
    w.submit(MoveTo(person_id=p.id, cell=(37, 1)))
    steps = []
    for t in range(40):
        if t == 20:
            w.submit(InjectEquipmentFailure(person_id=p.id, item="suit"))
        x0 = p.x
        step(w)
        steps.append(p.x - x0)
    # in a suit 0.8 m/s, out of it 1.15 m/s (game.sim.people), by the 0.1 s tick
    assert steps[10:20] == [pytest.approx(0.08)] * 10
    assert steps[20:30] == [pytest.approx(0.115)] * 10


# ------------------------------------------------ the compiled loop, against the plain one

HALLS = """
HHHHHHHHHHHHHHHHHHHH
Ha.......#.........H
Hb.......#.........H
Hc.......+.........H
HHHHHHHHHHHHHHHHHHHH
"""


def _walk_the_halls(monkeypatch, loop) -> list:
    """Three walkers (one suited) east across a hall, through an open door or a hole cut in
    a wall, past light debris and through a wind against them and one with them, with the crew's loop
    `loop`: everybody's (x, y) every tick. `loop` None: no walker is stepped plainly, all
    go through _tick_person's checks."""
    if loop is None:
        monkeypatch.setattr(crew_system, "_WALKS", ())
    else:
        monkeypatch.setattr(crew_system, "walkers", loop)
    monkeypatch.setattr(atmosphere.wind, "update", lambda *args: None)  # the wind set here stays
    w = ascii_world(HALLS, people={"a": ("Ana", "engineer", ()), "b": ("Ben", "crew", ("suit",)),
                                   "c": ("Cy", "technician", ())}, doors={(9, 3): "open"},
                    events=[EventDef(0.0, "debris_fall", {"debris": "insulation", "count": 6, "region": [3, 1, 15, 3]})])
    w.set_tile(9, 2, Tile.CUT)  # and the door: the ways through the wall
    w.atmos.wind_x[1:4, 5] = -9.0  # felt (movement.WIND_FELT_M_S is about 6 m/s): a little slower
    w.atmos.wind_x[1:4, 12:14] = 30.0  # beats their footing: hurried along
    w.atmos.wind_stamp += 1
    for p, cell in zip(w.people, ((18, 3), (17, 1), (18, 2))):
        w.submit(MoveTo(person_id=p.id, cell=cell))
    track = []
    for _ in range(260):
        step(w)
        track.append([(p.x, p.y) for p in w.people] + [state_hash(w)])
    monkeypatch.undo()
    return track


def test_the_compiled_walkers_loop_moves_everyone_to_the_very_float_of_the_plain_and_the_full_tick(monkeypatch):
    assert crew_system.walkers is not walk_kernels  # compiled here (tests/test_compiled.py)
    fast = _walk_the_halls(monkeypatch, crew_system.walkers)
    plain = _walk_the_halls(monkeypatch, walk_kernels)
    full = _walk_the_halls(monkeypatch, None)
    assert fast == plain == full
    assert [(int(x), int(y)) for x, y in fast[-1][:3]] == [(18, 3), (17, 1), (18, 2)]  # all got there
    paces = {round(b[1][0] - a[1][0], 6) for a, b in zip(fast, fast[1:])}
    assert len(paces) > 4  # Ben's pace changed: crawled, waded, leant into the wind, hurried, walked
    assert 0.16 in paces  # twice his 0.08 m a tick in a suit (game.sim.people): movement.HURRY_MAX


def test_pythons_hypot_of_a_leg_along_a_row_or_a_column_is_its_length_to_the_bit():
    # walk_kernels takes |dx| for hypot(dx, 0.0) (and |dy| for hypot(0.0, dy)): Python's
    # hypot squares in double length, so the square root of a lone square has nothing to
    # round, and its correction step adds exactly zero. Offsets as walks make them (cell
    # centres less positions), and any magnitude from near the smallest normal to the largest.
    rng = np.random.default_rng(11)
    offsets = np.concatenate([
        rng.uniform(-200.0, 200.0, 100_000),
        rng.integers(0, 200, 50_000) + 0.5 - rng.uniform(0.0, 200.0, 50_000),
        np.ldexp(rng.uniform(0.5, 1.0, 100_000), rng.integers(-1020, 1023, 100_000)) * rng.choice([-1.0, 1.0], 100_000),
        [0.0, -0.0, 0.5, -0.5, 1.0, 1e-300, 1.7976931348623157e308],
    ]).tolist()
    assert [math.hypot(d, 0.0) for d in offsets] == [abs(d) for d in offsets] == [math.hypot(0.0, d) for d in offsets]
