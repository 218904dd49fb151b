"""The coordinator autopilot: reads the tasks off the world and sets the crew
to them, through Commands only.

Every second (and at once when a way opens or shuts) it lists the jobs
(game.sim.tasks), estimates for each free responder how long each job would
take them (travel by their own distance field on the team's cost grid, plus
the work), and hands jobs out cheapest first, each job to as many people as
it has seats (a jammed door takes two crowbars). Whoever already holds a job
gets a bonus for keeping it, so two people never swap back and forth over
one; whoever becomes unavailable (passed out, taken over by the player)
simply drops out of the next round and the job goes to someone else.
It also seals the breached module's bulkheads once nobody needs them and
stops the emergency O2 once nobody is left inside to breathe it.

Its commands go to `world.crew.ai_pending` and are applied at the next tick
boundary like anyone's; they are kept in `world.crew.autopilot_log`, not in
the world's command log, because a replay re-runs the autopilot from the
`SetAutopilot` command that is in the log.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from game.sim import commands as C
from game.sim.action_base import can_act
from game.sim.crew_orders import locker_stands
from game.sim.module_actions import DON_SUIT_S
from game.sim.navigation import CS_PER_S, UNREACHED, distance_field
from game.sim.people import SUIT_SPEED_M_S
from game.sim.planner import grid_for, team_profile
from game.sim.tasks import Job, doors_to_close, getting_suit, jobs, seal_candidates, suits_left

if TYPE_CHECKING:
    from game.sim.people import Person
    from game.sim.world import World

THINK_EVERY = 20  # ticks: every two simulated seconds at least
MIN_THINK_GAP = 10  # ticks: and no more often than once a second
REALLOCATE_EVERY = 100  # ticks: a fresh look even when nothing seems to have changed
# Jobs that keep the station in order rather than save someone: they go to
# whoever is free, and never take a responder off the job in hand.
HOUSEKEEPING = frozenset({"patch", "patch_hole", "inspect"})
STICKY_S = 45.0  # keeping the job you have is worth this much travel
FIELD_ROLES = ("rescue", "engineer", "technician", "medic")
ASSESS_S = 2.5  # after the alarm: how fast each casualty's air is going is known before anyone is sent


def submit(world: "World", cmd: C.Command, job: str = "") -> None:
    """Queue one of the autopilot's commands for the next tick boundary."""
    world.crew.ai_pending.append((cmd.stamped(world.tick + 1), job))


def available(world: "World") -> list["Person"]:
    return [
        p for p in world.people
        if p.on_duty and p.role in FIELD_ROLES and can_act(world, p)
        and (p.order is None or p.order.source == "autopilot")
    ]


def _field_to(world: "World", p: "Person", site: tuple[int, int], contain: bool, suited: bool = False) -> np.ndarray:
    """Centiseconds from every cell to a job's site on `p`'s planning grid.

    One field per site (and kind of person), shared by everyone and kept while
    the way does not change, so people walking about cost no new searches.
    Cost is paid entering a cell, so read from a cell it is the walk to the
    site less the site's own cost plus the first cell's: near enough to rank jobs.
    """
    cs = world.crew
    prof = team_profile(world, p, cs.team(world), contain=contain)
    if suited and not prof.suited:
        prof = replace(prof, suited=True, speed_m_s=min(prof.speed_m_s, SUIT_SPEED_M_S))
    key = ("to", cs.nav_version, cs.hazard_version, cs.slow_version, prof, site)
    got = cs.caches.grids.get(key)
    if got is None:
        grid = grid_for(world, prof)
        src = np.zeros(grid.shape, bool)
        src[site[1], site[0]] = True
        g = grid.copy()
        g[site[1], site[0]] = max(1, int(g[site[1], site[0]]))
        got = distance_field(g, src)
        cs.caches.grids[key] = got
    return got


def _eta_s(world: "World", p: "Person", site: tuple[int, int], start: tuple[int, int] | None = None,
           suited: bool = False) -> float:
    """Seconds for `p` (from `start`, else where they stand) to reach `site`."""
    cs = world.crew
    contain = cs.contain_for(world, p)
    x, y = start or p.cell
    d = int(_field_to(world, p, site, contain, suited)[y, x])
    if d >= UNREACHED and contain:
        d = int(_field_to(world, p, site, False, suited)[y, x])
    return np.inf if d >= UNREACHED else d / CS_PER_S


def suit_eta_s(world: "World", p: "Person", site: tuple[int, int]) -> float:
    """Seconds for unsuited `p` to reach `site` by way of the nearest suit
    locker: the walk there, the minute to put the suit on, the walk on in it."""
    best = np.inf
    for stand in sorted(locker_stands(world, "suit")):
        to_locker = _eta_s(world, p, stand)
        if to_locker < best:
            best = min(best, to_locker + DON_SUIT_S + _eta_s(world, p, site, stand, suited=True))
    return best


def _eligible(p: "Person", j: Job, suits: bool) -> bool:
    """Can `p` take job `j`: role, kit, and a suit for bad air (worn, or for a
    casualty's sake one from a locker, if `suits` are left)."""
    if p.role not in j.roles:
        return False
    if any(not p.has(k) for k in j.needs):
        return False
    if j.suit and not p.suited and not (suits and j.casualties):
        return False
    return True


def allocate(world: "World", agents: list["Person"], js: list[Job]) -> dict[int, Job]:
    """Jobs to people, cheapest (travel + work - worth - stickiness) first, seats respected."""
    cs = world.crew
    by_key = {j.key: j for j in js}
    out: dict[int, Job] = {}
    seats = {j.key: j.seats for j in js}
    free = []
    for p in agents:
        if p.carrying >= 0 or p.escorting >= 0:
            continue  # a casualty in hand is not put down for something else
        free.append(p)
    suits = suits_left(world)
    # a suit is put on only for work nobody already suited can take (they will
    # be free before a suit is on: Module Four's three suited rescuers)
    covered = {j.key for j in js if any(q.suited and _eligible(q, j, False) for q in agents)}
    pairs = []
    for p in free:
        held = cs.jobs.get(p.id)
        has_one = getting_suit(p)
        busy = held is not None and held in by_key  # on a job that still stands
        for j in js:
            if not _eligible(p, j, suits > 0 or has_one):
                continue
            if busy and held != j.key and j.kind in HOUSEKEEPING:
                continue  # upkeep waits for free hands: it never takes anyone off work they hold
            if has_one and held == j.key:
                pairs.append((0, -np.inf, p.id, j.key))  # set out to suit up for it: it stays theirs
                continue
            suit_up = j.suit and not p.suited and not has_one
            if suit_up and j.key in covered:
                continue
            eta = suit_eta_s(world, p, j.site) if j.suit and not p.suited else _eta_s(world, p, j.site)
            if not np.isfinite(eta):
                continue
            cost = eta + j.work_s - j.priority - (STICKY_S if held == j.key else 0.0)
            # seats go to those already suited first; a suit is put on for what is left
            pairs.append((int(suit_up), round(cost, 3), p.id, j.key))
    pairs.sort()
    for suit_up, _, pid, key in pairs:
        if pid in out or seats[key] <= 0 or (suit_up and suits <= 0):
            continue
        out[pid] = by_key[key]
        seats[key] -= 1
        suits -= suit_up
    return out


def _command_for(p: "Person", j: Job) -> C.Command:
    if j.kind == "fit_respirator":
        return C.FitRespirator(person_id=p.id, target_id=j.target)
    if j.kind == "rescue":
        return C.Rescue(person_id=p.id, target_id=j.target)
    if j.kind == "pry":
        return C.PryOpen(person_id=p.id, door_id=j.target)
    if j.kind == "cut":
        return C.CutThrough(person_id=p.id, cell=tuple(j.target))
    if j.kind == "inspect":
        return C.InspectModule(person_id=p.id, module=j.target)
    if j.kind == "patch":
        return C.PatchBreach(person_id=p.id, breach_id=j.target)
    if j.kind == "patch_hole":
        return C.PatchHole(person_id=p.id, cell=tuple(j.target))
    if j.kind == "treat":
        return C.Treat(person_id=p.id, target_id=j.target)
    raise ValueError(j.kind)


def think(world: "World") -> None:
    """Look at the world and set the crew to work: on a cadence, and soon
    after the way changes or something happens (an event)."""
    cs = world.crew
    versions = (cs.nav_version, cs.hazard_version, cs.bad_air_version, len(world.events))
    due = world.tick >= cs.next_think
    if not due and (world.tick < cs.last_think + MIN_THINK_GAP or cs.think_version[:1] == (versions,)):
        return
    cs.last_think = world.tick
    cs.next_think = world.tick + THINK_EVERY
    if cs.alarm_s is not None and world.time_s < cs.alarm_s + ASSESS_S:
        jobs(world)  # a first look at the casualties' air, so its fall can be measured
        cs.next_think = world.tick + MIN_THINK_GAP
        return
    js = cs.jobs_listed[1] if cs.jobs_listed and cs.jobs_listed[0] == versions else None
    if js is None:
        js = jobs(world)
        cs.jobs_listed = (versions, tuple(js))
    agents = available(world)
    idle = tuple(p.id for p in agents if p.order is None)
    sig = (versions, tuple(j.key for j in js), tuple(p.id for p in agents), idle)
    # Hand out again when the jobs or the people change, and every so often;
    # a way opening or shutting only makes people re-plan their own routes.
    if sig[1:] != cs.think_version[1:] or world.tick >= cs.next_allocation:
        cs.next_allocation = world.tick + REALLOCATE_EVERY
        _hand_out(world, agents, js)
    cs.think_version = sig
    cs.awaited = frozenset(
        p.order.target for p in world.people
        if p.order is not None and p.order.kind in ("rescue", "fit_respirator") and isinstance(p.order.target, int)
    )
    if due:
        for door_id in seal_candidates(world):
            if world.doors[door_id].state != "sealed":
                submit(world, C.SealDoor(door_id=door_id), "seal")
        for door_id in doors_to_close(world):
            submit(world, C.CloseDoor(door_id=door_id), "contain")
        _manage_feed(world)


def _hand_out(world: "World", agents: list["Person"], js: list[Job]) -> None:
    cs = world.crew
    plan = allocate(world, agents, js)
    keys = {j.key for j in js}
    for p in agents:
        if p.carrying >= 0 or p.escorting >= 0:
            continue
        j = plan.get(p.id)
        held = cs.jobs.get(p.id)
        if j is None:
            if held == "return" and p.order is not None:
                continue
            if held is not None and held in keys and p.order is not None and p.order.source == "autopilot":
                continue  # still to do and still theirs: a flickering flag or estimate does not drop it
            if p.order is not None and p.order.source == "autopilot" and p.carrying < 0 and p.escorting < 0:
                submit(world, C.CancelOrder(person_id=p.id), "")
                cs.jobs.pop(p.id, None)
            elif p.order is None and world.grid.module_at(*p.cell) in cs.seen.breached_modules:
                home = _way_home(world, p)
                if home is not None:
                    cs.jobs[p.id] = "return"
                    submit(world, C.MoveTo(person_id=p.id, cell=home), "return")
            continue
        if held == j.key and p.order is not None:
            continue
        refused_at = cs.refused.get(j.key)
        if refused_at is not None and world.tick - refused_at < REALLOCATE_EVERY:
            continue
        cs.jobs[p.id] = j.key
        submit(world, _command_for(p, j), j.key)


def _way_home(world: "World", p: "Person") -> tuple[int, int] | None:
    """Where a responder with nothing left to do in a breached module goes:
    the middle of the nearest module people live in."""
    cs = world.crew
    best = None
    for module in sorted(cs.protected):
        spot = cs.module_centre(world, module)
        if spot is None:
            continue
        eta = _eta_s(world, p, spot)
        if np.isfinite(eta) and (best is None or eta < best[0]):
            best = (eta, spot)
    return best[1] if best else None


def _manage_feed(world: "World") -> None:
    """Keep the emergency O2 going while anyone unsuited is alive in a breached
    module; once nobody is, stop it and keep what is left of the reserve."""
    a = world.atmos
    cs = world.crew
    if a.feed_rate_g_s <= 0.0 or a.reserve_o2_kg <= 0.0 or not cs.seen.breached_modules:
        return
    for p in world.people:
        if p.suited or int(world.bodies.state[p.id]) == 3:
            continue
        if world.grid.module_at(*p.cell) in cs.seen.breached_modules or p.in_care:
            return
    if not any(isinstance(c, C.SetO2Feed) for c, _ in cs.ai_pending):
        submit(world, C.SetO2Feed(rate_g_s=0.0), "conserve O2")

