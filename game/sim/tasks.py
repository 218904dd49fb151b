"""Tasks read from the world: who needs help, what stands in the way, what is
left open, what nobody has looked at yet.

Every think the autopilot asks `jobs(world)` for the list. Nothing here is
told about any particular level: casualties are people in a breached module
who cannot get out on foot (or have passed out there), the obstacles are
whatever lies on the team's quickest way to them, the bulkheads are those
between a breached module and a sound one, the modules are all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from game.sim.action_base import can_act
from game.sim.care_actions import FIT_RESPIRATOR_S, TREAT_S
from game.sim.cut_actions import HOLE_PATCH_S, Cut, CutBeam
from game.sim.door_actions import Pry
from game.sim.evacuation import way_out
from game.sim.fire import lance_refusal
from game.sim.module_actions import INSPECT_MIN_S, INSPECT_S_PER_CELL, PATCH_BASE_S, PATCH_MAX_CM2, PATCH_S_PER_CM2
from game.sim.movement import Walk
from game.sim.navigation import (
    BEAM_WIDTH_M,
    T_CUT,
    T_DOOR,
    find_path_to_any,
    jammed_way,
    needs_force,
    path_time_s,
)
from game.sim.module_actions import TakeKit
from game.sim.people import SUIT_SPEED_M_S, Evac
from game.sim.perception import module_doors
from game.sim.physiology import DEAD, UNCONSCIOUS
from game.sim.prediction import TREND_MIN_S, forecast, time_left
from game.sim.planner import grid_for, team_profile, walkable_neighbours
from game.sim.tiles import LANCE_S_PER_M, MATERIALS, WALKABLE, Tile

if TYPE_CHECKING:
    from game.sim.people import Person
    from game.sim.world import World

# How much a job is worth, in seconds a responder would travel for it.
PRIORITY = {
    "fit": 900.0, "open": 800.0, "extract": 600.0, "treat": 400.0, "patch_hole": 250.0, "patch": 150.0, "survey": 60.0,
}
KNOWN_AT_ONCE_CM2 = 50.0  # a hole this big sets off the alarm; smaller ones are found by looking


@dataclass(frozen=True)
class Job:
    key: str  # stable name: "fit:27", "open:door:31", "extract:29", "survey:Hub"
    kind: str  # the order it becomes: fit_respirator, rescue, pry, cut, inspect, patch, treat
    target: Any  # that order's target
    site: tuple[int, int]  # where the work is done, for travel estimates
    seats: int = 1
    needs: tuple[str, ...] = ()  # kit each worker must carry
    roles: tuple[str, ...] = ("rescue", "engineer", "technician")
    suit: bool = False  # the site is in air that needs a suit
    work_s: float = 0.0
    priority: float = 0.0
    casualties: tuple[int, ...] = ()  # whom it is for


def known_breaches(world: "World") -> list[int]:
    cs = world.crew
    return [
        b.id for b in world.breaches
        if b.area_m2 > 0.0 and (b.area_m2 * 1e4 >= KNOWN_AT_ONCE_CM2 or b.id in cs.known_breaches)
    ]


def casualties(world: "World") -> list["Person"]:
    """People in a breached module who cannot get themselves out: no way out on
    foot, or passed out; and those being brought out who are not in yet.
    Not the dead."""

    cs = world.crew
    if not cs.seen.breached_modules:
        return []
    free = way_out(world)
    out = []
    mods = world.grid.modules
    breached_ids = {i for i, m in enumerate(mods) if m in cs.seen.breached_modules}
    module_id = world.grid.module_id
    # Everyone is looked at on every look the autopilot takes: what the loop
    # reads of the crew's state is fetched once (states as a list, not a numpy
    # scalar a person).
    states = world.bodies.state.tolist()
    unsafe = cs.seen.unsafe_cells
    seen = cs.casualties_seen
    named = rescue_targets(world)
    awaited = cs.awaited
    for p in world.people:
        state = states[p.id]
        if (p.on_duty and state < UNCONSCIOUS) or p.delivered_s is not None:
            continue  # a responder who collapses is a casualty like anyone else
        if state == DEAD:
            continue
        x, y = int(p.x), int(p.y)
        danger = int(module_id[y, x]) in breached_ids or bool(unsafe[y, x])
        if p.in_care:
            if danger or not cs.in_medbay(world, p.cell):
                out.append(p)
            continue
        if not danger:
            # Got out on their own after being trapped or overcome, or named
            # by the level's rescue objective: still theirs to bring to the
            # medical bay to be looked at.
            if (p.id in seen or p.id in named) and not cs.in_medbay(world, p.cell):
                if p.evac in (Evac.SAFE, Evac.IDLE, Evac.AWAITING):
                    out.append(p)
            continue
        if (state >= UNCONSCIOUS or p.cannot_walk or not free[y, x] or p.id in awaited
                or p.evac == Evac.AWAITING):
            seen.add(p.id)
            out.append(p)
    return out


def rescue_targets(world: "World") -> frozenset[int]:
    """People the level's objectives say must be brought to the medical bay."""
    got = world.crew.caches.statics.get("rescue_targets")
    if got is None:
        names = {n for o in world.level.objectives if o.kind == "rescue" for n in o.people}
        got = frozenset(p.id for p in world.people if p.name in names)
        world.crew.caches.statics["rescue_targets"] = got
    return got


def _in_hand(world: "World") -> list[tuple[str, str, object, tuple[int, int]]]:
    """Obstacles the autopilot's people are working on now: (key, verb, target, where they stand)."""

    out = []
    tiles = world.grid.tiles
    for p in world.people:
        if p.order is None or p.order.source != "autopilot" or not p.order.job.startswith("open:"):
            continue  # a cut on the way to some other job is that job's, not one of its own
        a = p.action
        if isinstance(a, Pry) and world.doors[a.door_id].is_open:
            continue  # done this tick: nothing left in hand (the order ends on its own)
        if isinstance(a, Cut) and WALKABLE[int(tiles[a.cell[1], a.cell[0]])]:
            continue
        if isinstance(a, CutBeam) and not world.crew.seen.blocked[a.cell[1], a.cell[0]]:
            continue
        if isinstance(a, Pry):
            out.append((f"open:door:{a.door_id}", "pry", a.door_id, p.cell))
        elif isinstance(a, Cut):
            out.append((f"open:cut:{a.cell[0]},{a.cell[1]}", "cut", a.cell, p.cell))
        elif isinstance(a, CutBeam):
            out.append((f"open:beam:{a.cell[0]},{a.cell[1]}", "cut", a.cell, p.cell))
    return out


def getting_suit(p: "Person") -> bool:
    """Is a suit from a locker in `p`'s plan (or in hand)?"""
    return any(isinstance(a, TakeKit) and a.item == "suit" for a in ([p.action] if p.action else []) + p.plan)


def suits_left(world: "World") -> int:
    """Suits still in the lockers, less those someone is already on the way to take."""
    stock = sum(items.count("suit") for items in world.crew.lockers)
    return stock - sum(1 for q in world.people if getting_suit(q)) if stock else 0


def _access_profile(world: "World", lead: "Person", team: list["Person"], contain: bool):
    """The team's profile for the way in: suited if anyone is, or a suit is left in a locker."""
    prof = team_profile(world, lead, team, contain=contain)
    if not prof.suited and (any(q.suited for q in team) or suits_left(world) > 0):
        prof = replace(prof, suited=True, speed_m_s=min(prof.speed_m_s, SUIT_SPEED_M_S))
    return prof


ROUTE_KEEP_FACTOR = 1.25  # a way already chosen is kept unless a new one is this much quicker
ROUTE_KEEP_S = 30.0
ROUTE_REVIEW_TICKS = 100  # a still-open way is looked at afresh every ten seconds


def access_route(world: "World", victim: "Person") -> list[tuple[int, int]]:
    """The team's way between the medical bay (where casualties go) and a
    casualty, on the team's tools and doctrine. Kept while it still goes
    through and is not much slower than the best, so the jobs along it do
    not flicker between two equally good ways."""

    cs = world.crew
    team = cs.team(world)
    if not team:
        return []
    lead = team[0]
    start = cs.medbay_anchor(world)
    if start is None:
        return []
    prof = _access_profile(world, lead, team, contain=True)
    # Settled until the way, the air, the team or the casualty's place changes: state, not
    # a cache (whether it was kept decided whether a way due for review was looked at again).
    key = (cs.nav_version, cs.hazard_version, prof, victim.cell)
    if cs.access_key.get(victim.id) == key:
        return cs.access[victim.id]
    cs.access_key[victim.id] = key
    got = None
    old = cs.access.get(victim.id)
    if old and old[-1] == victim.cell and world.tick < cs.access_due.get(victim.id, 0):
        # the way chosen still goes through: keep it without searching again
        grid = grid_for(world, prof)
        if all(grid[c[1], c[0]] > 0 for c in old):
            got = old
    if got is None:
        cs.access_due[victim.id] = world.tick + ROUTE_REVIEW_TICKS
        grid = grid_for(world, prof)
        best = find_path_to_any(grid, start, [victim.cell])
        if not best:
            grid = grid_for(world, _access_profile(world, lead, team, contain=False))
            best = find_path_to_any(grid, start, [victim.cell])
        got = best
        old = cs.access.get(victim.id)
        if old and best and old[-1] == victim.cell and all(grid[c[1], c[0]] > 0 for c in old):
            if path_time_s(grid, old) <= path_time_s(grid, best) * ROUTE_KEEP_FACTOR + ROUTE_KEEP_S:
                got = old
        cs.access[victim.id] = got
    return got


def _obstacles(world: "World", path: list[tuple[int, int]]) -> list[tuple[str, Any, tuple[int, int], float, str]]:
    """(key, target, stand-at cell, work seconds, verb) for what on a path needs tools."""

    cs = world.crew
    team = cs.team(world)
    if not team:
        return []
    prof = team_profile(world, team[0], team)
    out = []
    prev = None
    for cell in path:
        x, y = cell
        t = int(world.grid.tiles[y, x])
        door_id = world.door_at.get(cell)
        stand = prev if prev is not None else cell
        if door_id is not None and t != T_CUT and needs_force(world.doors[door_id]):
            d = world.doors[door_id]
            way = jammed_way(prof, d, lance_refusal(world, cell) is None)
            if way is not None:
                if way[0] == "pry":
                    out.append((f"open:door:{d.id}", d.id, stand, way[1], "pry"))
                else:
                    out.append((f"open:cut:{x},{y}", cell, stand, way[1], "cut"))
        elif not WALKABLE[t] and door_id is None:
            secs = MATERIALS[Tile(t)].thickness_m * LANCE_S_PER_M
            out.append((f"open:cut:{x},{y}", cell, stand, secs, "cut"))
        elif cs.seen.blocked[y, x]:
            out.append((f"open:beam:{x},{y}", cell, stand, BEAM_WIDTH_M * LANCE_S_PER_M, "cut"))
        prev = cell
    return out


URGENT_S = 300.0  # the most a casualty's plight adds to the worth of their jobs
LEFT_HORIZON_S = 1200.0  # time left beyond this adds nothing to a casualty's urgency


def trend_known(world: "World", v: "Person") -> bool:
    """Has the air been watched long enough to know how fast it goes?"""
    return world.crew.air_trend.span_s() >= TREND_MIN_S


def time_left_s(world: "World", v: "Person") -> float:
    """Predicted seconds until `v` passes out (inf: not at risk): the one
    prediction (game.sim.prediction) the HUD's countdowns show too."""
    got = time_left(world, v.id)
    return got[0] if got is not None else np.inf


def urgency_s(world: "World", v: "Person") -> float:
    """How pressing a casualty is, by time left: passed out is the most
    pressing; then whoever will pass out first, as the HUD's countdowns say."""
    if int(world.bodies.state[v.id]) >= UNCONSCIOUS:
        return URGENT_S
    left = time_left_s(world, v)
    if not np.isfinite(left):
        return 0.0
    return URGENT_S * 0.8 * (1.0 - min(left, LEFT_HORIZON_S) / LEFT_HORIZON_S)


def jobs(world: "World") -> list[Job]:
    """Everything the autopilot could set people to, now."""
    cs = world.crew
    out: dict[str, Job] = {}
    team = cs.team(world)
    bars = sum(1 for q in team if q.has("crowbar"))
    victims = casualties(world)
    # projected: those whose rank hangs on it (awake, breathing the room's air, not yet in hand)
    forecast(world, [v.id for v in victims if not (v.in_care or v.respirator_on or v.suited)
                     and int(world.bodies.state[v.id]) < UNCONSCIOUS])
    for gone in set(cs.access) - {v.id for v in victims}:
        del cs.access[gone]
        cs.access_key.pop(gone, None)
    for v in victims:
        supplied = v.respirator_on or v.suited
        if not supplied and not trend_known(world, v) and int(world.bodies.state[v.id]) < UNCONSCIOUS:
            continue  # how fast their air is going is not known yet: a moment's look first, then no switching
        urgent = urgency_s(world, v)
        if v.in_care:
            # on the way out: clear what stands between them and the medical bay
            for key, target, stand, secs, verb in _obstacles(world, access_route(world, v)):
                seats = 2 if verb == "pry" and bars >= 2 else 1
                out.setdefault(key, Job(
                    key, verb, target, stand, seats=seats, needs=("crowbar",) if verb == "pry" else ("lance",),
                    suit=True, work_s=secs, priority=PRIORITY["open"] + 100.0, casualties=(v.id,),
                ))
            continue
        x, y = v.cell
        danger = world.grid.module_at(x, y) in cs.seen.breached_modules or bool(cs.seen.unsafe_cells[y, x])
        if not supplied and danger:
            out[f"fit:{v.id}"] = Job(
                f"fit:{v.id}", "fit_respirator", v.id, v.cell, needs=("respirator",), suit=True,
                work_s=FIT_RESPIRATOR_S, priority=PRIORITY["fit"] + urgent, casualties=(v.id,),
            )
        path = access_route(world, v)
        for key, target, stand, secs, verb in _obstacles(world, path):
            seats = 2 if verb == "pry" and bars >= 2 else 1
            old = out.get(key)
            cas = (old.casualties if old else ()) + (v.id,)
            out[key] = Job(
                key, verb, target, stand, seats=seats, needs=("crowbar",) if verb == "pry" else ("lance",),
                suit=True, work_s=secs, priority=PRIORITY["open"] + urgent, casualties=cas,
            )
        blocked = any(k.startswith("open:") and v.id in j.casualties for k, j in out.items())
        # Out once they breathe from a respirator (or are out of the bad air
        # already); straight away only if nobody has a respirator to give.
        if supplied or not danger or not any(q.has("respirator") for q in team):
            out[f"extract:{v.id}"] = Job(
                f"extract:{v.id}", "rescue", v.id, v.cell, suit=danger, work_s=90.0,
                priority=PRIORITY["extract"] + urgent - (200.0 if blocked else 0.0), casualties=(v.id,),
            )
    # Work begun is seen through: a way half cut or half pried is not dropped
    # because another looks as good this minute.
    for key, verb, target, stand in _in_hand(world):
        if key in out:
            continue
        if verb == "pry":
            d = world.doors[target]
            secs = jammed_way(team_profile_or_none(world), d, lance_refusal(world, d.cell) is None)
            out[key] = Job(key, "pry", target, stand, seats=2 if bars >= 2 else 1, needs=("crowbar",), suit=True,
                           work_s=secs[1] if secs else 60.0, priority=PRIORITY["open"])
        else:
            out[key] = Job(
                key, "cut", target, stand, needs=("lance",), suit=True, work_s=60.0, priority=PRIORITY["open"]
            )
    for p in world.people:
        waiting = p.delivered_s is not None and p.treated_s is None and not p.in_care
        if waiting and int(world.bodies.state[p.id]) != DEAD:
            out[f"treat:{p.id}"] = Job(
                f"treat:{p.id}", "treat", p.id, p.cell, needs=("medkit",), roles=("medic",),
                work_s=TREAT_S, priority=PRIORITY["treat"],
            )
    for bid in known_breaches(world):
        b = world.breaches[bid]
        if b.area_m2 * 1e4 <= PATCH_MAX_CM2:

            spots = walkable_neighbours(world, (b.x, b.y))
            if not spots:
                continue
            out[f"patch:{bid}"] = Job(
                f"patch:{bid}", "patch", bid, spots[0], roles=("rescue", "engineer", "technician"), suit=True,
                work_s=PATCH_BASE_S + PATCH_S_PER_CM2 * b.area_m2 * 1e4, priority=PRIORITY["patch"],
            )
    for cell in cs.holes:
        stand = _hole_stand(world, cell)
        if stand is None or _hole_in_use(world, cell):
            continue
        key = f"patch_hole:{cell[0]},{cell[1]}"
        out[key] = Job(key, "patch_hole", cell, stand, suit=bool(cs.seen.unsafe_cells[stand[1], stand[0]]),
                       work_s=HOLE_PATCH_S, priority=PRIORITY["patch_hole"])
    for mid, module in enumerate(world.grid.modules):
        if module in cs.surveyed:
            continue
        # Off limits to the unsuited: the breached module, and any module it
        # opens onto through a door not kept shut (the team may open it).
        exposed = module in cs.seen.breached_modules or any(
            module in sides and sides & cs.seen.breached_modules and d not in cs.seen.kept_shut
            and world.doors[d].state != "sealed"
            for d, sides in module_doors(world)
        )
        spot = cs.module_centre(world, module)
        if spot is None:
            continue
        cells = int(np.count_nonzero(world.grid.module_id == mid))
        out[f"survey:{module}"] = Job(
            f"survey:{module}", "inspect", module, spot, suit=exposed,
            work_s=max(INSPECT_MIN_S, cells * INSPECT_S_PER_CELL), priority=PRIORITY["survey"],
        )
    return [out[k] for k in sorted(out)]


def _hole_stand(world: "World", cell: tuple[int, int]) -> tuple[int, int] | None:
    """Where to stand to plate over a cut hole: its safe side, if it has one."""
    cs = world.crew
    spots = walkable_neighbours(world, cell)
    safe = [c for c in spots if world.grid.module_at(*c) not in cs.seen.breached_modules
            and not cs.seen.unsafe_cells[c[1], c[0]]]
    return (safe or spots or [None])[0]


def _hole_in_use(world: "World", cell: tuple[int, int]) -> bool:
    """Is the crew not through a cut hole yet: someone's way in or out goes
    through it, or someone alive is still in a holed module beside it?"""
    cs = world.crew
    if any(cell in route for route in cs.access.values()):
        return True
    sides = {world.grid.module_at(*c) for c in walkable_neighbours(world, cell)} & cs.seen.breached_modules
    mine = f"patch_hole:{cell[0]},{cell[1]}"
    for p in world.people:
        if p.cell == cell:
            return True
        if cs.jobs.get(p.id) in ("return", mine) and p.on_duty:
            continue  # the one who will plate it, or a responder going home: they go round once it is shut
        if cell in p.path or any(isinstance(a, Walk) and cell in a.cells for a in p.plan):
            return True
        if p.on_duty:
            continue  # a responder whose way is not through it goes round once it is shut (one plating the next hole too)
        if sides and int(world.bodies.state[p.id]) != DEAD and world.grid.module_at(*p.cell) in sides:
            return True
    return False


def team_profile_or_none(world: "World"):

    team = world.crew.team(world)
    return team_profile(world, team[0], team) if team else None


def seal_candidates(world: "World") -> list[int]:
    """Bulkheads and hatches between a breached module and any other that
    nobody needs any more: every evacuee is out, sheltering or down, and no
    responder's plan goes through. A door the doctrine kept shut is sealed once
    closed; a way the crew opened (a pried hatch) once nobody's way goes through
    it, since the seal shuts it too: the holed module ends cut off on every side."""
    cs = world.crew
    if not cs.seen.breached_modules:
        return []
    grid = world.grid
    out = []
    for d in world.doors:
        if d.kind == T_DOOR or d.state in ("sealed", "jammed") or grid.tiles[d.y, d.x] == T_CUT:
            continue
        sides = set()
        for nx, ny in ((d.x + 1, d.y), (d.x - 1, d.y), (d.x, d.y + 1), (d.x, d.y - 1)):
            m = grid.module_at(nx, ny)
            if m is not None:
                sides.add(m)
        inside = sides & cs.seen.breached_modules
        if not inside or not (sides - cs.seen.breached_modules):
            continue
        if d.is_open and d.id in cs.seen.kept_shut:
            continue  # held open on purpose ("leave it open") or in use: the debt system shuts it
        if _still_needed(world, d, inside):
            continue
        out.append(d.id)
    return out


def _still_needed(world: "World", d, modules: set[str]) -> bool:

    cs = world.crew
    now = world.time_s
    for route in cs.access.values():
        if d.cell in route:
            return True  # the crew's way to someone, or out with them
    for p in world.people:
        if p.on_duty:
            if world.grid.module_at(*p.cell) in modules and int(world.bodies.state[p.id]) < UNCONSCIOUS:
                return True  # a responder still inside may come out this way
            if d.cell in p.path or any(isinstance(a, Walk) and d.cell in a.cells for a in p.plan):
                return True
            continue
        if world.grid.module_at(*p.cell) not in modules:
            continue
        if int(world.bodies.state[p.id]) >= UNCONSCIOUS or p.in_care:
            continue
        if p.evac in (Evac.SHELTERING, Evac.SAFE):
            continue
        if p.evac == Evac.MOVING or (cs.alarm_s is not None and now < cs.alarm_s + p.react_s + 1.0 and can_act(world, p)):
            return True
    return False


def doors_to_close(world: "World") -> list[int]:
    """Open bulkheads and hatches that let the leak into a sound module where
    people live, with nobody in or near the doorway: shut them from control."""
    cs = world.crew
    if not cs.protected:
        return []
    c = world.compartments
    out = []
    for did, sides in module_doors(world):
        d = world.doors[did]
        if not d.is_open or world.grid.tiles[d.y, d.x] == T_CUT or not (sides & cs.protected) or did in cs.held_open:
            continue
        i = c.index_at(d.x, d.y)
        if i < 0 or not cs.unsafe_comp(i):
            continue  # the doorway's air is sound: nothing to keep out
        if _door_in_use(world, d):
            continue
        out.append(did)
    return out


def _door_in_use(world: "World", d) -> bool:
    """Someone in the doorway, or on their way through it in the next few steps."""

    for p in world.people:
        if p.cell == d.cell:
            return True
    for p in world.crew.movers(world):
        if abs(p.cell[0] - d.x) + abs(p.cell[1] - d.y) > 10:
            continue
        a = p.action
        if isinstance(a, Walk) and d.cell in a.cells[a.i:a.i + 10]:
            return True
        if any(isinstance(b, Walk) and d.cell in b.cells[:10] for b in p.plan[:3]):
            return True
        if a is not None and a.kind == "evacuate" and world.crew.upstream_of(world, p, d):
            return True
    return False
