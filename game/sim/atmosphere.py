"""The atmosphere system: gas topology, openings, life support and its
stores, wind, and what people breathe.

Owns the glue between compartments (where the gas is), `gas` (how it flows),
`wind` (how it moves through the rooms) and `physiology` (what it does to
people). Every mole comes from somewhere: life support draws on finite stores
the level declares, and the books (`supplied_*`, `vented_*`) balance the gas
in the compartments to rounding. Life support has two parts: the ordinary
regulation that tops rooms of an unbreached module back up from its O2 and
N2 tanks, no faster than its valves, and the emergency O2 reserve, fed into
the breached module automatically unless the coordinator redirects, raises
or stops it.

Doors: a door that opens against a pressure difference is held on its seal
by it (0.3 bar on a doorway is tens of kilonewtons), so at first only its
equalising crack passes gas; the leaf swings free once the difference
across it is small enough for a hand (or a servo) to move it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from game.sim import debris, physiology, wind
from game.sim.compartments import build_openings, relabel
from game.sim.constants import CABIN_VAPOUR_FRACTION, FIRE_MIN_PRESSURE_BAR, FIRE_O2_FRACTION, M_N2, M_O2, T_K, R
from game.sim.doors import OPEN_AREA_M2
from game.sim.events import BreachPlugChanged, FireHazardRaised, O2ReserveExhausted, PersonStateChanged
from game.sim.gas import Openings, add_gas, moles_for, step_gas, warm_walls
from game.sim.level import EventDef, Level
from game.sim.state import cache, derived, static, synced
from game.sim.tiles import CUT_AREA_M2, Tile
from game.sim.timeline import ordered_events

if TYPE_CHECKING:
    from game.sim.world import World

FEED_MAX_G_S = 100.0  # the emergency feed's valve limit
# The walls' heat, regulation, the wind's field and the fire flags change over
# seconds: they run every SLOW_STAGE_S (the wind at once after a door, a hole or
# a cut changes it), the first two exactly over the time gone by.
SLOW_STAGE_S = 0.5

# Openings. A doorway's discharge coefficient (a square-edged opening, 0.6-0.8);
# a seal's or a ragged hole's 0.6. A hole cut with a lance is a crawl-through
# (game.sim.tiles.CUT_AREA_M2).
DOORWAY_CD = 0.7
SEAL_CD = 0.6
CUT_CD = 0.6
# A door opened against a pressure difference passes gas through a crack (a
# light door's leaf ~1 cm off its seal along its 2 m edge) or, for bulkheads and hatches,
# through their pressure-equalisation valve, until the force on the leaf is
# below what moves it: a hard push for a door, the servo for the others.
EQUALISE_AREA_M2 = {Tile.DOOR: 0.02, Tile.BULKHEAD: 0.002, Tile.HATCH: 0.002}
LEAF_FREE_N = {Tile.DOOR: 300.0, Tile.BULKHEAD: 4000.0, Tile.HATCH: 1500.0}


def _no_openings() -> Openings:
    return Openings(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0), np.zeros(0))


@dataclass
class AtmosState:
    """The atmosphere's own state beyond the gas in the compartments."""

    timeline: list[EventDef] = static(default_factory=list)  # the level's events in firing order
    first_breach_s: float | None = synced(default=None)
    openings: Openings = derived(default_factory=_no_openings)  # rebuilt with the topology
    vented_kg: float = synced(default=0.0)
    # Air velocity on every cell, m/s, [y, x]: from the last step's flows (game.sim.wind).
    wind_x: np.ndarray = derived(default_factory=lambda: np.zeros((0, 0), np.float32))
    wind_y: np.ndarray = derived(default_factory=lambda: np.zeros((0, 0), np.float32))
    wind_stamp: int = cache(default=0)  # bumped whenever wind_x / wind_y are written: what reads them may cache
    reserve_o2_kg: float = synced(default=0.0)
    feed_rate_g_s: float = synced(default=0.0)
    feed_target: tuple[int, int] | None = synced(default=None)  # None: the breached module(s)
    fed_o2_kg: float = synced(default=0.0)
    # Per compartment, rebuilt with the topology (or, for the fire flags, from the gas each step):
    regulated: np.ndarray = derived(default_factory=lambda: np.zeros(0, bool))
    in_breached: np.ndarray = derived(default_factory=lambda: np.zeros(0, bool))
    feed_share: np.ndarray = derived(default_factory=lambda: np.zeros(0))
    fire_hazard: np.ndarray = derived(default_factory=lambda: np.zeros(0, bool))
    fire_min_mol: np.ndarray = derived(default_factory=lambda: np.zeros(0))  # gas below which no fire burns
    nominal_mol: np.ndarray = derived(default_factory=lambda: np.zeros(0))  # what regulation tops up to
    names: list[str] = derived(default_factory=list)
    # Per breach:
    breach_flow_kg_s: np.ndarray = derived(default_factory=lambda: np.zeros(0))  # the last step's
    breach_opening: np.ndarray = derived(default_factory=lambda: np.zeros(0, np.intp))  # -1: vents nothing
    breach_plug: np.ndarray = synced(default_factory=lambda: np.zeros(0))  # share of each hole debris covers
    # The world outside the hull, from the level.
    outside_pa: float = static(default=600.0)
    # Regulation's stores, and the books: every mole in or out of the compartments.
    store_o2_kg: float = synced(default=0.0)
    store_n2_kg: float = synced(default=0.0)
    regulated_kg: float = synced(default=0.0)  # drawn by regulation so far
    supplied_o2_mol: float = synced(default=0.0)  # into the compartments, from any store
    supplied_other_mol: float = synced(default=0.0)
    vented_o2_mol: float = synced(default=0.0)  # out through the hull (negative: drawn in)
    vented_other_mol: float = synced(default=0.0)
    # Per door: is its leaf free (an open door whose pressure difference let it swing open)?
    leaf_open: np.ndarray = synced(default_factory=lambda: np.zeros(0, bool))
    door_opening: np.ndarray = derived(default_factory=lambda: np.zeros(0, np.intp))  # -1: no opening
    equalising: list[int] = derived(default_factory=list)  # open doors still held on their seal
    link_opening: np.ndarray = derived(default_factory=lambda: np.zeros(0, bool))  # open doorway or hole
    flow_kg_s: np.ndarray = derived(default_factory=lambda: np.zeros(0))  # per opening, the last step's
    wind_field: wind.WindField | None = derived(default=None)  # patterns per opening
    wind_memo: dict = cache(default_factory=dict)  # each room's wind patterns, kept for the next rebuild
    slow_due_s: float = synced(default=0.0)  # time since the slow stages last ran


def initial_state(level: Level, shape: tuple[int, int], n_doors: int = 0) -> AtmosState:
    ls = level.life_support
    return AtmosState(
        timeline=ordered_events(level.events),
        wind_x=np.zeros(shape, np.float32),
        wind_y=np.zeros(shape, np.float32),
        reserve_o2_kg=ls.reserve_o2_kg,
        feed_rate_g_s=ls.feed_rate_g_s,
        outside_pa=level.meta.outside_pressure_bar * 1e5,
        store_o2_kg=ls.o2_kg,
        store_n2_kg=ls.n2_kg,
        leaf_open=np.zeros(n_doors, bool),
    )


def set_room_air(world: "World") -> None:
    """Fill the rooms whose starting air the level sets (pressure, O2 fraction, temperature)."""
    c = world.compartments
    meta = world.level.meta
    for r in world.level.rooms:
        if r.pressure_bar is None and r.o2_fraction is None and r.temperature_k is None:
            continue
        i = c.index_at(*r.at)
        if i < 0:
            continue
        temp = T_K if r.temperature_k is None else float(r.temperature_k)
        p = meta.nominal_pressure_bar if r.pressure_bar is None else float(r.pressure_bar)
        f = meta.o2_fraction if r.o2_fraction is None else float(r.o2_fraction)
        n = float(moles_for(p * 1e5, c.volume_m3[i], temp))
        c.n_o2[i], c.n_other[i], c.temp_k[i] = n * f, n * (1.0 - f), temp


def compartment_modules(world: "World") -> list[set[int]]:
    """The module ids each compartment touches."""
    c = world.compartments
    labels = c.labels.ravel()
    mods = world.grid.module_id.ravel().astype(np.int64) + 1
    has = labels > 0
    pairs = np.unique((labels[has].astype(np.int64) - 1) * (len(world.grid.modules) + 1) + mods[has])
    out: list[set[int]] = [set() for _ in range(c.count)]
    for pair in pairs.tolist():
        comp, mod = divmod(pair, len(world.grid.modules) + 1)
        if mod > 0:
            out[comp].add(mod - 1)
    return out


def compartment_names(world: "World") -> list[str]:
    """Each compartment named by the rooms in it, or by its first cell."""
    c = world.compartments
    labels = c.labels.ravel()
    rooms = world.grid.room_id.ravel().astype(np.int64)
    has = (labels > 0) & (rooms >= 0)
    n_rooms = len(world.grid.rooms)
    pairs = np.unique((labels[has].astype(np.int64) - 1) * n_rooms + rooms[has]) if n_rooms else np.zeros(0, np.int64)
    names: list[list[str]] = [[] for _ in range(c.count)]
    for pair in pairs.tolist():
        comp, room = divmod(pair, n_rooms)
        names[comp].append(world.grid.rooms[room].label)
    firsts = np.unique(labels, return_index=True)
    out = []
    w = world.grid.width
    first_cell = dict(zip(firsts[0].tolist(), firsts[1].tolist()))
    for i in range(c.count):
        if names[i]:
            out.append("+".join(sorted(names[i])))
        else:
            y, x = divmod(first_cell[i + 1], w)
            out.append(f"space@{x},{y}")
    return out


def _door_link(world: "World", d) -> tuple[float, float]:
    """(area m2, Cd) a door passes now: its seal shut, its crack or valve while
    held, the doorway once its leaf is free."""
    if not d.is_open:
        return d.leak_area_m2, SEAL_CD
    if world.atmos.leaf_open[d.id]:
        return OPEN_AREA_M2[d.kind], DOORWAY_CD
    return EQUALISE_AREA_M2[d.kind], SEAL_CD


def rebuild_topology(world: "World") -> None:
    """Relabel compartments and gather every opening after a change."""
    grid = world.grid
    a = world.atmos
    world.compartments = relabel(world.compartments, grid.tiles, world.door_open, world.level.meta.ceiling_height_m)
    c = world.compartments
    tiles = grid.tiles
    a.leaf_open &= np.array([d.is_open for d in world.doors], dtype=bool)
    cut = int(Tile.CUT)  # read once: an enum member's lookup costs more than the compare
    doors = [d for d in world.doors if tiles[d.y, d.x] != cut]
    links = [(d.x, d.y, *_door_link(world, d)) for d in doors]
    cut_ys, cut_xs = np.nonzero(tiles == Tile.CUT)
    links += [(x, y, CUT_AREA_M2, CUT_CD) for y, x in zip(cut_ys.tolist(), cut_xs.tolist())]
    links += [(x, y, area_m2, CUT_CD) for x, y, area_m2 in world.wall_holes]  # damage (timeline.wall_damaged)
    n_links = len(links)
    links += [(b.x, b.y, b.area_m2, b.cd) for b in world.breaches]
    a.openings, source = build_openings(c.labels, tiles, links)
    is_link = np.zeros(n_links + len(world.breaches), bool)
    is_link[:len(doors)] = [d.is_open for d in doors]
    is_link[len(doors):n_links] = True
    a.link_opening = is_link[source] if source.size else np.zeros(0, bool)
    a.door_opening = np.full(len(world.doors), -1, dtype=np.intp)
    breach_opening = np.full(len(world.breaches), -1, dtype=np.intp)
    for k, src in enumerate(source.tolist()):
        if src < len(doors):
            a.door_opening[doors[src].id] = k
        elif src >= n_links:
            breach_opening[src - n_links] = k
    a.equalising = [d.id for d in doors if d.is_open and not a.leaf_open[d.id] and a.door_opening[d.id] >= 0]
    _mark_breached(world, breach_opening)
    n = c.count
    refresh_feed(world)
    a.fire_hazard = np.zeros(n, dtype=bool)
    a.fire_min_mol = moles_for(FIRE_MIN_PRESSURE_BAR * 1e5, c.volume_m3)
    a.nominal_mol = moles_for(world.level.meta.nominal_pressure_bar * 1e5, c.volume_m3)
    a.names = compartment_names(world)
    a.breach_flow_kg_s = np.zeros(len(world.breaches))
    a.breach_opening = breach_opening
    a.breach_plug = np.zeros(len(world.breaches))  # the new openings have the full holes: plugging is applied again
    a.flow_kg_s = np.zeros(a.openings.a.size)
    a.wind_field = wind.build(c.labels, tiles, a.openings, world.level.meta.ceiling_height_m, links, source,
                              a.wind_memo)
    world.topology_dirty = False


def _mark_breached(world: "World", breach_opening: np.ndarray) -> None:
    """Which compartments are in the breach (vented, or in a module with a vented
    room) and which regulation holds. A sound room open to a breached one is not
    in the breach: its air drains through the opening, and regulation fights that
    from its tanks, no faster than its valves."""
    a = world.atmos
    mods = compartment_modules(world)
    vented = {int(a.openings.a[k]) for k in breach_opening.tolist() if k >= 0}
    breached_modules = set().union(*(mods[i] for i in vented)) if vented else set()
    a.in_breached = np.array([bool(m & breached_modules) or i in vented for i, m in enumerate(mods)], dtype=bool)
    a.regulated = ~a.in_breached & bool(world.level.life_support.regulation)


def refresh_feed(world: "World") -> None:
    """Where the emergency O2 goes: the coordinator's room, or by volume over
    every compartment of the breached module(s)."""
    c = world.compartments
    a = world.atmos
    share = np.zeros(c.count)
    if a.feed_target is not None:
        i = c.index_at(*a.feed_target)
        if i >= 0:
            share[i] = 1.0
    else:
        weights = np.where(a.in_breached, c.volume_m3, 0.0)
        total = weights.sum()
        if total > 0:
            share = weights / total
    a.feed_share = share


def step_atmosphere(world: "World", dt: float) -> None:
    """Life support, then door leaves, then gas flow, then the wind and fire flags it leaves."""
    c = world.compartments
    a = world.atmos
    if c.count == 0:
        return
    feed = _feed(world, dt)
    a.slow_due_s += dt
    slow = a.slow_due_s >= SLOW_STAGE_S - 1e-9
    if slow:  # walls and regulation work over tens of seconds: every half second, over the time gone by
        warm_walls(c.n_o2 + c.n_other, c.temp_k, c.wall_w_k, a.slow_due_s)
        if a.regulated.any():
            _regulate(world, a.slow_due_s)
        a.slow_due_s = 0.0
    if a.openings.a.size == 0 and feed is None:
        return
    if a.equalising:
        _free_leaves(world)
    if world.breaches:
        _apply_plugs(world)
    flow, vo2, vother = step_gas(c.n_o2, c.n_other, c.volume_m3, a.openings, dt, a.outside_pa, feed, c.temp_k)
    o2, other = float(np.add.reduce(vo2)), float(np.add.reduce(vother))  # vo2.sum(), without its wrapper
    a.vented_o2_mol += o2
    a.vented_other_mol += other
    a.vented_kg += o2 * M_O2 + other * M_N2
    a.flow_kg_s = flow
    if slow or (a.wind_field is not None and a.wind_field.fresh):
        _update_wind(world, flow)
    if slow:
        _flag_fire(world)


def _feed(world: "World", dt: float) -> np.ndarray | None:
    """The emergency O2 this step, mol/s per compartment, drawn from the reserve."""
    a = world.atmos
    if not (a.reserve_o2_kg > 0 and a.feed_rate_g_s > 0 and np.count_nonzero(a.feed_share)):
        return None
    kg = min(a.feed_rate_g_s * dt / 1000.0, a.reserve_o2_kg)
    a.reserve_o2_kg -= kg
    a.fed_o2_kg += kg
    a.supplied_o2_mol += kg / M_O2
    if a.reserve_o2_kg <= 1e-12:
        a.reserve_o2_kg = 0.0
        world.emit(O2ReserveExhausted, fed_kg=round(a.fed_o2_kg, 3))
    return a.feed_share * (kg / M_O2 / dt)


def _free_leaves(world: "World") -> None:
    """Let the leaf of each held door swing open once the force on it is small."""
    a = world.atmos
    c = world.compartments
    # Every tick while a door is held (often for the whole run, on the breached
    # room's door): only the two sides of each held door are looked at, in
    # floats, with the arithmetic of `pressure_bar` (so the same numbers).
    n_o2, n_other, vol, temp = c.n_o2.tolist(), c.n_other.tolist(), c.volume_m3.tolist(), c.temp_k.tolist()

    def p_pa(i: int) -> float:
        return a.outside_pa if i < 0 else (n_o2[i] + n_other[i]) * R * temp[i] / vol[i] / 1e5 * 1e5

    o_a, o_b = a.openings.a, a.openings.b
    still = []
    for did in a.equalising:
        d = world.doors[did]
        k = int(a.door_opening[did])
        dp = abs(p_pa(int(o_a[k])) - p_pa(int(o_b[k])))
        if dp * OPEN_AREA_M2[d.kind] <= LEAF_FREE_N[d.kind]:
            a.leaf_open[did] = True
            a.openings.area_m2[k] = OPEN_AREA_M2[d.kind]
            a.openings.cd[k] = DOORWAY_CD
        else:
            still.append(did)
    a.equalising = still


def _apply_plugs(world: "World") -> None:
    """Narrow each breach's opening by the share of it debris covers now."""
    a = world.atmos
    plug = debris.update_plugs(world)
    if plug.tolist() == a.breach_plug.tolist():
        return
    before = a.breach_plug if a.breach_plug.shape == plug.shape else np.zeros_like(plug)
    for i, (k, b) in enumerate(zip(a.breach_opening.tolist(), world.breaches)):
        if k >= 0:
            a.openings.area_m2[k] = b.area_m2 * (1.0 - plug[i])
        if (plug[i] > 0.0) != (before[i] > 0.0):
            world.emit(BreachPlugChanged, breach_id=b.id, section=b.section, plug=round(float(plug[i]), 3))
    a.breach_plug = plug


def _regulate(world: "World", dt: float) -> None:
    """Top intact compartments back up to the nominal O2 and N2, from the tanks,
    no faster than the valves allow; an empty tank stops its gas."""
    c = world.compartments
    a = world.atmos
    meta = world.level.meta
    ls = world.level.life_support
    n_now = c.n_o2 + c.n_other
    if not (a.regulated & (n_now < a.nominal_mol * (1.0 - 1e-9))).any():
        return
    target = a.nominal_mol * (T_K / c.temp_k)  # the nominal pressure at the air's temperature
    k = -math.expm1(-dt / ls.regulation_tau_s)
    want_o2 = np.where(a.regulated, np.maximum(target * meta.o2_fraction - c.n_o2, 0.0), 0.0) * k
    want_n2 = np.where(a.regulated, np.maximum(target * (1.0 - meta.o2_fraction) - c.n_other, 0.0), 0.0) * k
    kg_o2, kg_n2 = float(want_o2.sum()) * M_O2, float(want_n2.sum()) * M_N2
    valve = ls.regulation_max_g_s * dt / 1000.0
    scale = min(1.0, valve / (kg_o2 + kg_n2)) if kg_o2 + kg_n2 > 0 else 0.0
    s_o2 = min(scale, a.store_o2_kg / kg_o2) if kg_o2 > 0 else 0.0
    s_n2 = min(scale, a.store_n2_kg / kg_n2) if kg_n2 > 0 else 0.0
    if s_o2 <= 0.0 and s_n2 <= 0.0:
        return
    d_o2, d_n2 = want_o2 * s_o2, want_n2 * s_n2
    add_gas(c.n_o2, c.n_other, c.temp_k, d_o2, d_n2)
    used_o2, used_n2 = kg_o2 * s_o2, kg_n2 * s_n2
    a.store_o2_kg = max(0.0, a.store_o2_kg - used_o2)
    a.store_n2_kg = max(0.0, a.store_n2_kg - used_n2)
    a.regulated_kg += used_o2 + used_n2
    a.supplied_o2_mol += float(d_o2.sum())
    a.supplied_other_mol += float(d_n2.sum())


def _update_wind(world: "World", flow: np.ndarray) -> None:
    a = world.atmos
    for k, opening in enumerate(a.breach_opening.tolist()):
        a.breach_flow_kg_s[k] = abs(float(flow[opening])) if opening >= 0 else 0.0
    if a.wind_field is not None:
        o = a.openings
        wind.update(a.wind_field, world.compartments, flow, a.wind_x, a.wind_y, o.cd, o.area_m2, o.a, o.b)
        a.wind_stamp += 1


def _flag_fire(world: "World") -> None:
    c = world.compartments
    a = world.atmos
    n = c.n_o2 + c.n_other
    # O2 fraction over FIRE_O2_FRACTION and pressure over FIRE_MIN_PRESSURE_BAR, in moles
    hazard = (c.n_o2 > FIRE_O2_FRACTION * n) & (n * c.temp_k > a.fire_min_mol * T_K)
    new = hazard & ~a.fire_hazard
    if new.any():
        for i in np.nonzero(new)[0].tolist():
            world.emit(FireHazardRaised, compartment=a.names[i], o2_fraction=round(float(c.o2_fraction[i]), 3))
    a.fire_hazard = hazard


def joined(world: "World", i: int, j: int) -> bool:
    """Whether an open doorway or hole links compartments i and j (seals and cracks do not count)."""
    o = world.atmos.openings
    if world.topology_dirty:
        rebuild_topology(world)
        o = world.atmos.openings
    pair = ((o.a == i) & (o.b == j)) | ((o.a == j) & (o.b == i))
    return bool((pair & world.atmos.link_opening).any())


def dew_point_k(pressure_bar: np.ndarray) -> np.ndarray:
    """Dew point of the cabin's water vapour at this total pressure (Magnus formula):
    the vapour's share stays put while the pressure, and so its partial pressure, falls."""
    vapour_hpa = np.maximum(np.asarray(pressure_bar) * 1000.0 * CABIN_VAPOUR_FRACTION, 1e-6)
    g = np.log(vapour_hpa / 6.112)
    return 273.15 + 243.12 * g / (17.62 - g)


def fogged(c) -> np.ndarray:
    """Compartments whose air has cooled below its dew point: a mist forms."""
    return c.temp_k < dew_point_k(c.pressure_bar)


def moles_in_air(world: "World") -> float:
    """All the gas in the compartments, mol: what the books balance."""
    c = world.compartments
    return float(c.n_o2.sum() + c.n_other.sum())


def breathing_conditions(world: "World") -> tuple[np.ndarray, np.ndarray]:
    """Ambient pressure (bar) and O2 fraction at each person's cell."""
    n = len(world.people)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    xs = np.fromiter((int(p.x) for p in world.people), dtype=np.intp, count=n)
    ys = np.fromiter((int(p.y) for p in world.people), dtype=np.intp, count=n)
    return air_at(world, xs, ys)


def air_at(world: "World", xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pressure (bar) and O2 fraction of the air in each of these cells (outside air where there is none)."""
    c = world.compartments
    idx = c.labels[ys, xs] - 1
    nc = c.count
    p_bar = np.empty(nc + 1)
    p_bar[:nc] = c.pressure_bar
    p_bar[nc] = world.atmos.outside_pa / 1e5
    frac = np.zeros(nc + 1)
    frac[:nc] = c.o2_fraction
    return p_bar[idx], frac[idx]  # idx -1 reads the outside values at the end


def step_bodies(world: "World", dt: float) -> None:
    people = world.people
    if not people:
        return
    # where everyone is and what they breathe (fromiter: a list of tuples made an array costs more)
    n = len(people)
    xs = np.fromiter((p.x for p in people), dtype=np.float64, count=n).astype(np.intp)
    ys = np.fromiter((p.y for p in people), dtype=np.float64, count=n).astype(np.intp)
    pressure, frac = air_at(world, xs, ys)
    supply = np.fromiter((p.supply for p in people), dtype=np.int8, count=n)
    before = world.bodies.state.copy()
    changed = physiology.step_bodies(world.bodies, pressure, frac, supply, dt)
    for i in np.asarray(changed).tolist():
        p = world.people[i]
        world.emit(
            PersonStateChanged,
            person_id=p.id,
            person=p.name,
            state=physiology.STATE_NAMES[int(world.bodies.state[i])],
            previous=physiology.STATE_NAMES[int(before[i])],
        )
