"""What a crew member does over time: doors opened and pried, walls and beams
cut, debris cleared, respirators fitted, casualties carried to the medical bay
and treated, suits put on, bulkheads sealed, modules inspected, breaches
patched; and what happens to work in hand when the worker passes out."""

from __future__ import annotations

from dataclasses import replace

import pytest

from game.sim import atmosphere
from game.sim import crew_events as ce
from game.sim.commands import (
    ClearDebris,
    CutThrough,
    DonSuit,
    FitRespirator,
    InspectModule,
    MoveTo,
    PatchBreach,
    PryOpen,
    Rescue,
    SealBulkhead,
    Treat,
)
from game.sim.events import CommandRejected, DoorOpened, PersonArrived
from game.sim.level import EventDef, LockerDef, ModuleDef, RoomDef
from game.sim.navigation import PRY_S
from game.sim.tiles import LANCE_S_PER_M, MATERIALS, Tile
from game.sim.world import World, create_world, run_until, step
from tests.builders import ascii_level

RESCUER = ("suit", "lance", "crowbar", "respirator", "respirator")


def crew_world(
    text: str,
    people: dict,
    *,
    rooms: dict | None = None,
    modules: dict | None = None,
    asleep: tuple[str, ...] = (),
    lockers: tuple[LockerDef, ...] = (),
    doors: dict | None = None,
    events: list | None = None,
    seed: int = 1,
) -> World:
    """A tiny world from a map: `rooms` are {label: ((x, y), kind)}, `modules` {name: (x, y)}."""
    level = ascii_level(text, people=people, doors=doors, events=events)
    crew = tuple(replace(c, condition="asleep") if c.name in asleep else c for c in level.crew)
    level = replace(
        level,
        crew=crew,
        rooms=tuple(RoomDef(label, at, kind) for label, (at, kind) in (rooms or {}).items()),
        modules=tuple(ModuleDef(name, at) for name, at in (modules or {}).items()),
        lockers=lockers,
    )
    return create_world(level, seed)


def knock_out(world: World, person, dose: float = 5.0) -> None:
    """A heavy hypoxic dose (as from a minute in thin air): they pass out at the
    next physiology step and come round some tens of seconds later."""
    world.bodies.dose[person.id] = dose


def run_until_event(world: World, kind: type, limit_s: float, **match) -> object:
    """Step until an event of `kind` (with these field values) appears; return it."""
    start = len(world.events)
    while world.time_s < limit_s:
        step(world)
        for e in world.events[start:]:
            if isinstance(e, kind) and all(getattr(e, k) == v for k, v in match.items()):
                return e
        start = len(world.events)
    raise AssertionError(f"no {kind.__name__} {match} by {limit_s} s")


TWO_ROOMS = """
HHHHHHHHHHHHH
H.....#.....H
H.ab..+...c.H
H.....#.....H
HHHHHHHHHHHHH
"""


def pry_world(*kit_b: str) -> World:
    return crew_world(
        TWO_ROOMS,
        {"a": ("Ana", "rescue", ("crowbar",)), "b": ("Ben", "rescue", kit_b), "c": ("Cai", "crew", ())},
        doors={(6, 2): "jammed"},
    )


def test_prying_a_jammed_door_takes_a_minute_alone_and_half_that_with_two():
    alone = pry_world()
    alone.submit(PryOpen(person_id=0, door_id=0))
    pried = run_until_event(alone, ce.DoorPried, 200)
    walk = 4 * 1 / 1.15  # to the cell beside the door
    assert pried.time_s == pytest.approx(PRY_S[Tile.DOOR] + walk, abs=1.0)
    assert alone.doors[0].state == "open"

    pair = pry_world("crowbar")
    pair.submit(PryOpen(person_id=0, door_id=0))
    pair.submit(PryOpen(person_id=1, door_id=0))
    pried2 = run_until_event(pair, ce.DoorPried, 200)
    assert pried2.time_s < pried.time_s * 0.62
    assert pried2.helpers  # the second pair of hands is on the record


def test_no_crowbar_no_pry_and_the_player_is_told_why():
    w = pry_world()
    w.submit(PryOpen(person_id=1, door_id=0))
    step(w)
    assert any(isinstance(e, CommandRejected) and "crowbar" in e.reason for e in w.events)


PARTITION = """
HHHHHHHHHHH
H....#....H
H..a.#....H
H....#....H
HHHHHHHHHHH
"""


def test_a_lance_cuts_a_partition_in_the_time_its_thickness_takes_and_the_hole_is_crawled():
    w = crew_world(PARTITION, {"a": ("Ana", "rescue", ("lance",))})
    w.submit(CutThrough(person_id=0, cell=(5, 2)))
    cut = run_until_event(w, ce.WallCut, 120)
    walk = 1 / 1.15
    assert cut.time_s == pytest.approx(MATERIALS[Tile.WALL].thickness_m * LANCE_S_PER_M + walk, abs=0.5)
    assert w.grid.tiles[2, 5] == Tile.CUT
    step(w)
    c = w.compartments
    assert atmosphere.joined(w, c.index_at(4, 2), c.index_at(6, 2))  # air passes the hole too
    # through the hole: crawling, about half walking pace
    t0 = w.time_s
    w.submit(MoveTo(person_id=0, cell=(6, 2)))
    run_until_event(w, PersonArrived, t0 + 20)
    # into the hole at half pace, then a step on the floor beyond
    assert w.time_s - t0 == pytest.approx(1 / 1.15 / 0.5 + 1 / 1.15, abs=0.3)


PARTITION_TWO = """
HHHHHHHHHHH
H..b.#....H
H..a.#....H
H....#....H
HHHHHHHHHHH
"""


def test_a_half_done_cut_stays_half_done_when_the_cutter_passes_out_and_the_next_finishes_it():
    w = crew_world(PARTITION_TWO, {"a": ("Ana", "rescue", ("lance",)), "b": ("Ben", "rescue", ("lance",))})
    w.submit(CutThrough(person_id=0, cell=(5, 2)))
    run_until(w, 16.0)
    ana = w.person_by_name("Ana")
    assert ana.action is not None and ana.action.kind == "cut"
    done_s = w.crew.work[("cut", (5, 2))]
    assert 10.0 < done_s < 20.0
    knock_out(w, ana)  # she passes out at the wall
    run_until(w, w.time_s + 0.6)
    assert ana.action is None and ana.plan == []
    assert w.crew.work[("cut", (5, 2))] == pytest.approx(done_s, abs=0.2)  # still half done
    dropped = [e for e in w.events if isinstance(e, ce.CrewActed) and "dropped" in e.outcome]
    assert dropped and dropped[0].actor == "Ana"
    ben = w.person_by_name("Ben")
    t0 = w.time_s
    w.submit(CutThrough(person_id=ben.id, cell=(5, 2)))
    run_until_event(w, ce.WallCut, 120)
    assert w.time_s - t0 < 30.0 - done_s + 4.0  # only the rest of the cut


BEAM = """
HHHHHHHHHHHHH
H...........H
H.a.........H
H...........H
HHHHHHHHHHHHH
"""


def test_a_fallen_beam_blocks_its_cells_until_a_lance_cuts_a_section_out():
    w = crew_world(
        BEAM, {"a": ("Ana", "rescue", ("lance",))},
        events=[EventDef(0.0, "debris_fall", {"debris": "support_beam", "at": (7, 2), "count": 1, "angle_deg": 90.0})],
    )
    run_until(w, 3.0)
    blocked = [(x, y) for y in range(1, 4) for x in range(1, 12) if w.crew.seen.blocked[y, x]]
    assert blocked, "the beam lies across the room"
    cell = (7, 2)
    assert w.crew.seen.blocked[2, 7]
    w.submit(CutThrough(person_id=0, cell=cell))
    cut = run_until_event(w, ce.BeamCut, 200)
    assert cut.by == "Ana"
    run_until(w, w.time_s + 1.5)
    assert not w.crew.seen.blocked[2, 7]


def test_light_debris_is_cleared_off_a_cell_by_hand():
    w = crew_world(
        BEAM, {"a": ("Ana", "crew", ())},
        events=[EventDef(0.0, "debris_fall", {"debris": "ceiling_panel", "at": (5, 2), "count": 1, "angle_deg": 0.0})],
    )
    run_until(w, 3.0)
    assert w.crew.seen.slow[2, 5] > 1.0
    w.submit(ClearDebris(person_id=0, cell=(5, 2)))
    run_until_event(w, ce.CrewActed, 30, action="clear")
    run_until(w, w.time_s + 1.5)
    assert w.crew.seen.slow[2, 5] == pytest.approx(1.0)


WARD = """
HHHHHHHHHHHHHHHHH
H.....#.........H
H..m..+.a.....c.H
H.....#.........H
HHHHHHHHHHHHHHHHH
"""


def ward(state_c: bool | None = None, kit_a=RESCUER) -> World:
    w = crew_world(
        WARD,
        {"m": ("Mei", "medic", ("medkit",)), "a": ("Ana", "rescue", kit_a), "c": ("Cai", "crew", ())},
        rooms={"Medical bay": ((2, 2), "medbay"), "Ward": ((10, 2), "corridor")},
    )
    if state_c is not None:
        knock_out(w, w.person_by_name("Cai"), dose=80.0)
        run_until(w, 0.6)
    return w


def test_a_respirator_is_fitted_from_the_ones_carried():
    w = ward()
    ana, cai = w.person_by_name("Ana"), w.person_by_name("Cai")
    w.submit(FitRespirator(person_id=ana.id, target_id=cai.id))
    fitted = run_until_event(w, ce.RespiratorFitted, 60)
    assert cai.respirator_on and fitted.left == 1 and ana.count("respirator") == 1
    walk = 5 / 0.8  # in a suit
    assert fitted.time_s == pytest.approx(walk + 15.0, abs=1.5)


def test_an_unconscious_casualty_is_carried_to_the_medical_bay_and_the_medic_treats_them():
    w = ward(True)
    ana, cai, mei = (w.person_by_name(n) for n in ("Ana", "Cai", "Mei"))
    w.submit(Rescue(person_id=ana.id, target_id=cai.id))
    taken = run_until_event(w, ce.CasualtyTaken, 60)
    assert taken.how == "carry" and cai.carried_by == ana.id
    delivered = run_until_event(w, ce.PersonDelivered, 200)
    assert delivered.room == "Medical bay" and cai.delivered_s == delivered.time_s
    assert w.grid.room_at(*cai.cell).kind == "medbay" and cai.carried_by == -1
    # carrying is slow: 0.5 m/s for the ~9 m back, and a door
    assert delivered.time_s - taken.time_s > 9 / 0.5
    w.submit(Treat(person_id=mei.id, target_id=cai.id))
    run_until_event(w, ce.PersonTreated, delivered.time_s + 120)
    assert cai.treated_s is not None


def test_a_conscious_casualty_is_helped_out_on_their_feet():
    w = ward()
    ana, cai = w.person_by_name("Ana"), w.person_by_name("Cai")
    w.submit(Rescue(person_id=ana.id, target_id=cai.id))
    taken = run_until_event(w, ce.CasualtyTaken, 60)
    assert taken.how == "support" and cai.escorted_by == ana.id
    run_until_event(w, ce.PersonDelivered, 200)


def test_a_carrier_who_passes_out_lets_the_casualty_down():
    w = ward(True)
    ana, cai = w.person_by_name("Ana"), w.person_by_name("Cai")
    w.submit(Rescue(person_id=ana.id, target_id=cai.id))
    run_until_event(w, ce.CasualtyTaken, 60)
    run_until(w, w.time_s + 3)
    knock_out(w, ana)
    run_until(w, w.time_s + 1)
    assert ana.carrying == -1 and cai.carried_by == -1
    assert cai.delivered_s is None and cai.evac == "awaiting"  # still a casualty for someone else


LOCKER = """
HHHHHHHHHH
H........H
H.a......H
H........H
HHHHHHHHHH
"""


def test_a_suit_is_taken_from_a_locker_and_put_on():
    w = crew_world(LOCKER, {"a": ("Ana", "rescue", ())}, lockers=(LockerDef("Suit locker", (7, 1), ("suit",)),))
    ana = w.person_by_name("Ana")
    w.submit(DonSuit(person_id=ana.id))
    run_until_event(w, ce.CrewActed, 120, action="don suit")
    assert ana.suited and w.crew.lockers[0] == []
    assert w.time_s > 60.0


STATION = """
HHHHHHHHHHHHHHHHH
H......=........H
H..a...B....c...H
H......=........H
HHHHHHHHHHHHHHHHH
"""


def test_a_bulkhead_is_shut_and_dogged_by_hand():
    w = crew_world(STATION, {"a": ("Ana", "rescue", ("suit",)), "c": ("Cai", "crew", ())}, doors={(7, 2): "open"},
                   modules={"West": (2, 2), "East": (12, 2)})
    w.submit(SealBulkhead(person_id=0, door_id=0))
    run_until_event(w, ce.CrewActed, 60, action="seal")
    assert w.doors[0].state == "sealed"


def test_a_walk_round_a_module_finds_a_small_hole_and_a_patch_closes_it():
    w = crew_world(
        STATION, {"a": ("Ana", "rescue", ("suit",)), "c": ("Cai", "crew", ())}, doors={(7, 2): "closed"},
        modules={"West": (2, 2), "East": (12, 2)}, rooms={"East hall": ((12, 2), "corridor")},
        events=[EventDef(0.0, "breach", {"at": (12, 0), "area_cm2": 4.0})],
    )
    run_until(w, 1.0)
    assert w.crew.known_breaches == set()  # a pinhole sets off no alarm
    w.submit(InspectModule(person_id=0, module="East"))
    found = run_until_event(w, ce.ModuleInspected, 120)
    assert found.breaches == 1 and 0 in w.crew.known_breaches
    w.submit(PatchBreach(person_id=0, breach_id=0))
    run_until_event(w, ce.BreachPatched, found.time_s + 120)
    assert w.breaches[0].area_m2 == 0.0


def test_a_move_order_opens_doors_on_the_way_and_arrives():
    w = crew_world(TWO_ROOMS, {"a": ("Ana", "rescue", ()), "b": ("Ben", "rescue", ()), "c": ("Cai", "crew", ())})
    w.submit(MoveTo(person_id=2, cell=(2, 3)))
    run_until(w, 20)
    assert w.person_by_name("Cai").cell == (2, 3)
    assert any(isinstance(e, DoorOpened) and e.by == "Cai" for e in w.events)
    assert any(isinstance(e, ce.OrderFinished) and e.outcome == "done" for e in w.events)
