"""The small levels issue 15's tests are built on, each with the run that
measures it; `tests/test_crew_discipline.py` checks them on a few seeds and
`benchmarks/discipline_levels.py` prints them over twenty."""

from __future__ import annotations

from dataclasses import replace

from game.sim import crew_events as ce
from game.sim.commands import LeaveOpen, Rescue, SetAutopilot
from game.sim.level import DoorDef, EventDef, LockerDef
from game.sim.world import World, create_world, step
from tests.test_crew_actions import crew_world, knock_out

# ------------------------------------------------------------------ 1. an airlock
# A big safe room (the medical bay) and a holed wing joined by two hatches with
# one cell between: an airlock the crew infer from the map.
AIRLOCK = """
HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH
H.......................HHH..............H
H.......................HHH..............H
H.a.....................h.h...........v..H
H.......................HHH..............H
H.......................HHH..............H
HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH
"""
SAFE_CELL = (2, 2)


def airlock_world(seed: int = 1) -> World:
    return crew_world(
        AIRLOCK, {"a": ("Ana", "rescue", ("suit", "respirator")), "v": ("Vic", "crew", ())},
        rooms={"Medical bay": ((2, 2), "medbay"), "Wing": ((30, 3), "quarters")},
        modules={"Base": (2, 2), "Wing": (30, 3)}, doors={(24, 3): "closed", (26, 3): "closed"},
        events=[EventDef(0.0, "breach", {"at": (35, 0), "area_cm2": 200.0})], seed=seed,
    )


def airlock_rescue(seed: int = 1, leave_open: bool = False, limit_s: float = 400.0) -> dict:
    """Ana goes through the airlock for Vic (out cold in the holed wing) and
    back: the lowest the safe side fell, as a share of where it stood."""
    w = airlock_world(seed)
    ana, vic = w.person_by_name("Ana"), w.person_by_name("Vic")
    knock_out(w, vic, 50.0)
    while w.time_s < 30.0:
        step(w)
    if leave_open:
        for d in w.doors:
            w.submit(LeaveOpen(door_id=d.id))
    w.submit(Rescue(person_id=ana.id, target_id=vic.id))
    safe = w.compartments.index_at(*SAFE_CELL)
    p0 = low = float(w.compartments.pressure_bar[safe])
    both_open = False
    while w.time_s < limit_s and vic.delivered_s is None:
        step(w)
        low = min(low, float(w.compartments.pressure_bar[w.compartments.index_at(*SAFE_CELL)]))
        both_open |= all(d.is_open for d in w.doors)
    return {"world": w, "fall": 1.0 - low / p0, "delivered_s": vic.delivered_s, "both_open": both_open,
            "alive": w.person_state(vic.id) != "dead"}


# ------------------------------------------------------------------ 2. suits from a locker
# Three rescuers in the medical bay without suits, the suits in a locker by
# the door; a casualty out cold beyond a hatch in a holed wing whose air
# would harm anyone who walked in unsuited.
SUIT_UP = """
HHHHHHHHHHHHHHHHHHHHHHHHHHHHHH
H.........H..................H
H.a.b.c...h...........v......H
H.........H..................H
HHHHHHHHHHHHHHHHHHHHHHHHHHHHHH
"""


def suit_up_run(seed: int = 1, limit_s: float = 400.0) -> dict:
    """The autopilot with Vic down in the holed wing: who put on a suit, whether
    anyone unsuited ever stood in the wing's air, when Vic was brought in."""
    w = crew_world(
        SUIT_UP, {"a": ("Ana", "rescue", ("respirator",)), "b": ("Ben", "rescue", ("respirator",)),
                  "c": ("Cal", "rescue", ()), "v": ("Vic", "crew", ())},
        rooms={"Medical bay": ((2, 2), "medbay"), "Wing": ((20, 2), "quarters")},
        modules={"Base": (2, 2), "Wing": (20, 2)}, doors={(10, 2): "closed"},
        lockers=(LockerDef("Suit locker", (8, 1), ("suit", "suit", "suit")),),
        events=[EventDef(0.0, "breach", {"at": (25, 0), "area_cm2": 150.0})], seed=seed,
    )
    vic = w.person_by_name("Vic")
    knock_out(w, vic, 50.0)
    w.submit(SetAutopilot(on=True))
    exposed = 0.0  # seconds any unsuited responder stood in the holed wing
    while w.time_s < limit_s and vic.delivered_s is None:
        step(w)
        for p in w.people:
            if p.on_duty and not p.suited and w.grid.module_at(*p.cell) == "Wing":
                exposed += 0.1
    suited = [p.name for p in w.people if p.on_duty and p.suited]
    return {"world": w, "suited": suited, "unsuited_exposed_s": exposed, "delivered_s": vic.delivered_s,
            "alive": w.person_state(vic.id) != "dead"}


# ------------------------------------------------------------------ 3b. a cut hole, patched
# The medical bay, an empty annex behind a hatch, and a holed wing beyond the
# annex's module wall, with no door: the only way to Vic is a cut.
CUT_IN = """
HHHHHHHHHHHHHHHHHHHHHHHHHHHHHH
H........H.....=.............H
H.a......h.....=........v....H
H........H.....=.............H
HHHHHHHHHHHHHHHHHHHHHHHHHHHHHH
"""
CUT_WALL = (15, 2)


def cut_hole_run(seed: int = 1, limit_s: float = 700.0) -> dict:
    """The autopilot cuts in to Vic (out cold, a respirator on) and brings him
    out: whether the hole is plated over after, when, and the lowest the
    medical bay fell."""
    w = crew_world(
        CUT_IN, {"a": ("Ana", "rescue", ("suit", "lance", "respirator")), "v": ("Vic", "crew", ())},
        rooms={"Medical bay": ((2, 2), "medbay"), "Annex": ((12, 2), "corridor"), "Wing": ((20, 2), "quarters")},
        modules={"Base": (2, 2), "Annex": (12, 2), "Wing": (20, 2)}, doors={(9, 2): "closed"},
        events=[EventDef(0.0, "breach", {"at": (24, 0), "area_cm2": 20.0})], seed=seed,
    )
    vic = w.person_by_name("Vic")
    knock_out(w, vic, 50.0)
    vic.respirator_on = True
    w.submit(SetAutopilot(on=True))
    patched_s = None
    low = 1.0
    while w.time_s < limit_s and patched_s is None:
        step(w)
        low = min(low, float(w.compartments.pressure_bar[w.compartments.index_at(2, 2)]))
        if any(isinstance(e, ce.HolePatched) for e in w.events[-5:]):
            patched_s = w.time_s
    cuts = [e for e in w.events if isinstance(e, ce.WallCut)]
    return {"world": w, "cuts": len(cuts), "delivered_s": vic.delivered_s, "patched_s": patched_s,
            "holes_left": list(w.crew.holes), "medbay_low_bar": low, "alive": w.person_state(vic.id) != "dead"}


# ------------------------------------------------------------------ 5. behind a crowd
# Eve in a holed wing's lower passage; the quickest way out is along it to
# the lower bulkhead, but Kit lies out cold in the one-cell passage. The way
# round (up the far end and back along the upper passage) is longer.
BEHIND = """
HHHHHHHHHHHHHHHHHHHH
H.....B............H
H.....H.##########.H
H.....H.##########.H
H.....B.k.....e....H
HHHHHHHHHHHHHHHHHHHH
"""


def behind_crowd_run(seed: int = 1, limit_s: float = 200.0) -> dict:
    """How long Eve stands behind Kit before going round, and when she is safe."""
    w = crew_world(
        BEHIND, {"k": ("Kit", "crew", ()), "e": ("Eve", "crew", ())},
        rooms={"Hub": ((2, 2), "quarters"), "Wing": ((12, 1), "quarters")},
        modules={"Hub": (2, 2), "Wing": (12, 1)}, doors={(6, 1): "closed", (6, 4): "closed"},
        events=[EventDef(0.0, "breach", {"at": (12, 0), "area_cm2": 30.0})], seed=seed,
    )
    kit, eve = w.person_by_name("Kit"), w.person_by_name("Eve")
    knock_out(w, kit, 500.0)
    longest = waited = 0.0
    while w.time_s < limit_s and not (eve.evac == "safe" and w.grid.module_at(*eve.cell) == "Hub"):
        before = eve.cell
        step(w)
        waited = waited + 0.1 if eve.cell == before and eve.evac == "moving" else 0.0
        longest = max(longest, waited)
    safe = w.grid.module_at(*eve.cell) == "Hub"
    return {"world": w, "longest_wait_s": longest, "safe_s": w.time_s if safe else None}


# ------------------------------------------------------------------ 6. a door that sticks
STUCK = """
HHHHHHHHHHHHH
H.a..#......H
H.b..+...v..H
H....#......H
HHHHHHHHHHHHH
"""


def stuck_world(lockers: tuple[LockerDef, ...] = (), seed: int = 1) -> World:
    """Ana (no kit) and Hassan (a crowbar) by the medical bay; Elena behind the 4-15 door, which sticks."""
    w = crew_world(
        STUCK, {"a": ("Ana Diaz", "rescue", ()), "b": ("Hassan Karimi", "rescue", ("crowbar",)),
                "v": ("Elena Rodriguez", "crew", ())},
        rooms={"Medical bay": ((2, 2), "medbay"), "4-15": ((9, 2), "quarters")}, doors={(5, 2): "closed"},
        seed=seed,
    )
    level = replace(w.level, doors=(DoorDef((5, 2), "closed", name="4-15 door", open_time_s=30.0),), lockers=lockers)
    return create_world(level, seed)


# ------------------------------------------------------------------ 4. rescue by time left
# Two people shut in behind jammed doors off a holed corridor: Near a few
# steps from the rescuer behind a sound door, Far further on behind a warped
# one that lets their air out fast. Both read 1 bar at the first tick.
TWO_ROOMS = """
HHHHHHHHHHHHHHHHHHHHHHHHHH
H.....=..................H
H.r...B..................H
H.....=###+#########+####H
H.....=..n.#.......f.....H
HHHHHHHHHHHHHHHHHHHHHHHHHH
"""


def time_left_world(seed: int = 1) -> World:
    w = crew_world(
        TWO_ROOMS, {"r": ("Ana", "rescue", ("suit", "crowbar", "respirator", "respirator")),
                    "n": ("Near", "crew", ()), "f": ("Far", "crew", ())},
        rooms={"Medical bay": ((2, 2), "medbay"), "Corridor": ((12, 1), "corridor"),
               "Near room": ((8, 4), "quarters"), "Far room": ((16, 4), "quarters")},
        modules={"Base": (2, 2), "Wing": (12, 1)}, doors={(6, 2): "closed", (10, 3): "jammed", (20, 3): "jammed"},
        events=[EventDef(0.0, "breach", {"at": (15, 0), "area_cm2": 40.0})], seed=seed,
    )
    doors = tuple(replace(d, leak_cm2=40.0) if d.at == (20, 3) else d for d in w.level.doors)
    return create_world(replace(w.level, doors=doors), seed)


def first_rescue_target(seed: int = 1, limit_s: float = 60.0) -> dict:
    """Whose door the autopilot sends Ana to first, and whether it ever switches her."""
    w = time_left_world(seed)
    w.submit(SetAutopilot(on=True))
    while w.time_s < limit_s:
        step(w)
    orders = [e.order for e in w.events if isinstance(e, ce.OrderTaken) and e.person == "Ana"]
    return {"world": w, "orders": orders}


# ------------------------------------------------------------------ 3. containment
# The hub (medical bay, people) and a holed wing share a module wall; the
# only door between them is a bulkhead the doctrine keeps shut. A thin cut
# through the shared wall would be the quickest way in.
HUB_WING = """
HHHHHHHHHHHHHHHHHHHHH
H.........=.........H
H.a.b.....=.....v...H
H.........=.........H
H.........B.........H
HHHHHHHHHHHHHHHHHHHHH
"""


def containment_run(seed: int = 1, limit_s: float = 300.0) -> dict:
    w = crew_world(
        HUB_WING, {"a": ("Ana", "rescue", ("suit", "lance", "crowbar", "respirator")),
                   "b": ("Ben", "medic", ("medkit",)), "v": ("Vic", "crew", ())},
        rooms={"Medical bay": ((2, 2), "medbay"), "Wing": ((15, 2), "quarters")},
        modules={"Hub": (2, 2), "Wing": (15, 2)}, doors={(10, 4): "closed"},
        events=[EventDef(0.0, "breach", {"at": (15, 0), "area_cm2": 30.0})], seed=seed,
    )
    knock_out(w, w.person_by_name("Vic"), 50.0)
    w.submit(SetAutopilot(on=True))
    low = 1.0
    while w.time_s < limit_s:
        step(w)
        low = min(low, float(w.compartments.pressure_bar[w.compartments.index_at(2, 2)]))
    cuts = [e for e in w.events if isinstance(e, ce.WallCut)]
    vic = w.person_by_name("Vic")
    return {"world": w, "wall_cuts": len(cuts), "hub_low_bar": low, "delivered_s": vic.delivered_s}
