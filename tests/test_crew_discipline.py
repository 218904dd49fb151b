"""Crew who keep pressure discipline (issue 15), each on a small level of its
own: orders that cannot be carried out say what blocks them and what would
unblock it; doors between different air are shut behind, airlocks cycled;
kit comes out of lockers as a planned step; the crew never cut into safe
air; rescues go by time left; nobody churns."""

from __future__ import annotations

from dataclasses import replace

from game.sim.commands import PryOpen, Rescue
from game.sim.events import CommandRejected
from game.sim.explain import explain
from game.sim.level import DoorDef, LockerDef
from game.sim.world import World, create_world, run_until, step
from tests.test_crew_actions import crew_world


def with_doors(world_level, *doors: DoorDef):
    """The level with these doors (by cell) replacing the map's own."""
    by_cell = {d.at: d for d in doors}
    return replace(world_level, doors=tuple(by_cell.get(d.at, d) for d in world_level.doors))


def rebuilt(w: World, *doors: DoorDef, lockers: tuple[LockerDef, ...] | None = None, seed: int = 1) -> World:
    level = with_doors(w.level, *doors)
    if lockers is not None:
        level = replace(level, lockers=lockers)
    return create_world(level, seed)


# ------------------------------------------------------------------ 6. reasons

STUCK = """
HHHHHHHHHHHHH
H.a..#......H
H.b..+...v..H
H....#......H
HHHHHHHHHHHHH
"""


def stuck_world(**kw) -> World:
    w = crew_world(
        STUCK, {"a": ("Ana Diaz", "rescue", ()), "b": ("Hassan Karimi", "rescue", ("crowbar",)),
                "v": ("Elena Rodriguez", "crew", ())},
        rooms={"Medical bay": ((2, 2), "medbay"), "4-15": ((9, 2), "quarters")}, doors={(5, 2): "closed"},
    )
    return rebuilt(w, DoorDef((5, 2), "closed", name="4-15 door", open_time_s=30.0), **kw)


def test_a_refused_rescue_says_the_door_sticks_and_who_has_a_crowbar():
    w = stuck_world()
    ana = w.person_by_name("Ana Diaz")
    w.submit(Rescue(person_id=ana.id, target_id=w.person_by_name("Elena Rodriguez").id))
    step(w)
    rejected = [e for e in w.events if isinstance(e, CommandRejected)]
    assert rejected, "Ana cannot get through a sticking door without a crowbar"
    reason = rejected[-1].reason
    assert "4-15 door sticks" in reason and "crowbar" in reason and "Hassan Karimi has one" in reason
    assert "4-15 door sticks" in explain(w, ana.id).blocked  # the inspector says the same


def test_a_refused_order_names_the_locker_when_nobody_carries_the_tool():
    w = stuck_world(lockers=(LockerDef("Tool locker", (1, 1), ("crowbar", "crowbar")),))
    hassan = w.person_by_name("Hassan Karimi")
    hassan.equipment.remove("crowbar")
    ana = w.person_by_name("Ana Diaz")
    w.submit(Rescue(person_id=ana.id, target_id=w.person_by_name("Elena Rodriguez").id))
    step(w)
    reason = [e for e in w.events if isinstance(e, CommandRejected)][-1].reason
    assert "the Tool locker holds 2" in reason


def test_a_pry_order_without_a_crowbar_fetches_one_from_the_locker_first():
    w = stuck_world(lockers=(LockerDef("Tool locker", (1, 1), ("crowbar",)),))
    ana = w.person_by_name("Ana Diaz")
    w.submit(PryOpen(person_id=ana.id, door_id=w.door_at[(5, 2)]))
    run_until(w, 60.0)
    assert ana.has("crowbar") and w.crew.lockers[0] == []
    assert w.doors[w.door_at[(5, 2)]].state == "open"
