"""The atmosphere system: gas topology, leaks, life support, wind, and what
people breathe.

Owns the glue between compartments (where the gas is), `gas` (how it flows)
and `physiology` (what it does to people). Life support has two parts: the
ordinary regulation that holds every compartment of an unbreached module at
its nominal atmosphere, and the emergency O2 reserve, fed into the breached
module automatically unless the coordinator redirects, raises or stops it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import tcod.path

from game.sim import debris, physiology
from game.sim.compartments import build_openings, relabel
from game.sim.constants import M_N2, M_O2, MARS_PRESSURE_BAR, MARS_PRESSURE_PA
from game.sim.events import BreachPlugChanged, FireHazardRaised, O2ReserveExhausted, PersonStateChanged
from game.sim.gas import Openings, moles_for, step_gas
from game.sim.level import EventDef, Level
from game.sim.state import derived, static, synced
from game.sim.timeline import ordered_events

if TYPE_CHECKING:
    from game.sim.world import World

REGULATION_TAU_S = 20.0  # how fast normal life support restores an intact module
FEED_MAX_G_S = 100.0  # the emergency feed's valve limit
# NASA treats more than ~30 % O2 as a raised flammability risk; below about
# 0.1 bar of total pressure there is too little gas to sustain a fire.
FIRE_O2_FRACTION = 0.30
FIRE_MIN_PRESSURE_BAR = 0.10
AIR_DENSITY_KG_M3 = 1.2


def _no_openings() -> Openings:
    return Openings(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0), np.zeros(0))


@dataclass
class WindSource:
    """One breach's flow pattern: wind per kg/s of leak on each cell it draws from."""

    opening: int  # index into the openings, -1 if the breach has no room behind it
    cells: np.ndarray  # flat [y * w + x] indices of the vented compartment
    ux: np.ndarray  # m/s per kg/s, one per cell
    uy: np.ndarray
    speed: np.ndarray  # m/s per kg/s on every flat cell of the grid (0 where it draws nothing)


@dataclass
class AtmosState:
    """The atmosphere's own state beyond the gas in the compartments."""

    timeline: list[EventDef] = static(default_factory=list)  # the level's events in firing order
    first_breach_s: float | None = synced(default=None)
    openings: Openings = derived(default_factory=_no_openings)  # rebuilt with the topology
    vented_kg: float = synced(default=0.0)
    # Air velocity on every cell, m/s, [y, x]: toward the breaches, from the last step's flows.
    wind_x: np.ndarray = derived(default_factory=lambda: np.zeros((0, 0), np.float32))
    wind_y: np.ndarray = derived(default_factory=lambda: np.zeros((0, 0), np.float32))
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
    wind_sources: list[WindSource] = derived(default_factory=list)
    breach_flow_kg_s: np.ndarray = derived(default_factory=lambda: np.zeros(0))  # the last step's
    breach_opening: np.ndarray = derived(default_factory=lambda: np.zeros(0, np.intp))  # -1: vents nothing
    breach_plug: np.ndarray = synced(default_factory=lambda: np.zeros(0))  # share of each hole debris covers


def initial_state(level: Level, shape: tuple[int, int]) -> AtmosState:
    return AtmosState(
        timeline=ordered_events(level.events),
        wind_x=np.zeros(shape, np.float32),
        wind_y=np.zeros(shape, np.float32),
        reserve_o2_kg=level.life_support.reserve_o2_kg,
        feed_rate_g_s=level.life_support.feed_rate_g_s,
    )


def compartment_modules(world: "World") -> list[set[int]]:
    """The module ids each compartment touches (an open bulkhead joins two)."""
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


def rebuild_topology(world: "World") -> None:
    """Relabel compartments and gather every leak path after a change."""
    grid = world.grid
    a = world.atmos
    world.compartments = relabel(world.compartments, grid.tiles, world.door_open, world.level.meta.ceiling_height_m)
    leaks = [(d.x, d.y, d.leak_area_m2, 0.6) for d in world.doors if not d.is_open]
    n_doors = len(leaks)
    leaks += [(b.x, b.y, b.area_m2, b.cd) for b in world.breaches]
    a.openings, source = build_openings(world.compartments.labels, grid.tiles, leaks)
    breach_opening = np.full(len(world.breaches), -1, dtype=np.intp)
    for k, src in enumerate(source.tolist()):
        if src >= n_doors:
            breach_opening[src - n_doors] = k
    n = world.compartments.count
    mods = compartment_modules(world)
    vented = {int(a.openings.a[k]) for k in breach_opening.tolist() if k >= 0}
    breached_modules = set().union(*(mods[i] for i in vented)) if vented else set()
    a.regulated = np.array([not (m & breached_modules) and i not in vented for i, m in enumerate(mods)], dtype=bool)
    a.in_breached = np.array([bool(m & breached_modules) or i in vented for i, m in enumerate(mods)], dtype=bool)
    refresh_feed(world)
    a.fire_hazard = np.zeros(n, dtype=bool)
    a.fire_min_mol = moles_for(FIRE_MIN_PRESSURE_BAR * 1e5, world.compartments.volume_m3)
    a.nominal_mol = moles_for(world.level.meta.nominal_pressure_bar * 1e5, world.compartments.volume_m3)
    a.names = compartment_names(world)
    a.wind_sources = [_wind_source(world, int(k), b.x, b.y) for k, b in zip(breach_opening.tolist(), world.breaches)]
    a.breach_flow_kg_s = np.zeros(len(world.breaches))
    a.breach_opening = breach_opening
    a.breach_plug = np.zeros(len(world.breaches))  # the new openings have the full holes: plugging is applied again
    world.topology_dirty = False


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


def _wind_source(world: "World", opening: int, hole_x: int, hole_y: int) -> WindSource:
    """Flow toward a breach: down the walking distance from the hole, at the
    speed that carries the leak through the cross-section at that distance
    (a half-sphere near the hole, the width of the room further away)."""
    empty = np.zeros(0)
    if opening < 0:
        return WindSource(-1, np.zeros(0, np.intp), empty, empty, np.zeros(world.grid.tiles.size))
    c = world.compartments
    comp = int(world.atmos.openings.a[opening])
    mask = c.labels == comp + 1
    h, w = mask.shape
    dist = np.full((h, w), np.iinfo(np.int32).max, dtype=np.int32)
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        x, y = hole_x + dx, hole_y + dy
        if 0 <= x < w and 0 <= y < h and mask[y, x]:
            dist[y, x] = 0
    tcod.path.dijkstra2d(dist, mask.astype(np.int32), 2, 3, out=dist)
    ys, xs = np.nonzero(mask)
    d = dist[ys, xs].astype(np.float64) / 2.0
    reach = d < 1e6
    ys, xs, d = ys[reach], xs[reach], d[reach]
    width = np.bincount(np.round(d * 2).astype(np.intp))
    front = width[np.round(d * 2).astype(np.intp)].astype(np.float64)
    height = world.level.meta.ceiling_height_m
    area = np.minimum(front * height, 2 * math.pi * (d + 0.5) ** 2)
    speed = 1.0 / (AIR_DENSITY_KG_M3 * np.maximum(area, 0.5))
    big = np.float64(1e9)
    padded = np.pad(np.where(mask, dist, big).astype(np.float64), 1, constant_values=big)
    here = np.where(mask, dist, 0).astype(np.float64)
    left = padded[1:-1, :-2]
    right = padded[1:-1, 2:]
    up = padded[:-2, 1:-1]
    down = padded[2:, 1:-1]
    gx = np.where(left < here, -1.0, 0.0) + np.where(right < here, 1.0, 0.0)
    gy = np.where(up < here, -1.0, 0.0) + np.where(down < here, 1.0, 0.0)
    gx, gy = gx[ys, xs], gy[ys, xs]
    # Cells beside the hole blow straight into it.
    at_hole = d == 0
    gx[at_hole] = np.sign(hole_x - xs[at_hole])
    gy[at_hole] = np.sign(hole_y - ys[at_hole])
    norm = np.hypot(gx, gy)
    norm[norm == 0] = 1.0
    dense = np.zeros(h * w)
    dense[ys * w + xs] = speed * (np.hypot(gx, gy) > 0)
    return WindSource(opening, ys * w + xs, gx / norm * speed, gy / norm * speed, dense)


def step_atmosphere(world: "World", dt: float) -> None:
    """Life support, then gas flow, then the wind and fire flags it leaves."""
    c = world.compartments
    a = world.atmos
    if c.count == 0:
        return
    feed = None
    if a.reserve_o2_kg > 0 and a.feed_rate_g_s > 0 and a.feed_share.any():
        kg = min(a.feed_rate_g_s * dt / 1000.0, a.reserve_o2_kg)
        a.reserve_o2_kg -= kg
        a.fed_o2_kg += kg
        feed = a.feed_share * (kg / M_O2 / dt)
        if a.reserve_o2_kg <= 1e-12:
            a.reserve_o2_kg = 0.0
            world.emit(O2ReserveExhausted, fed_kg=round(a.fed_o2_kg, 3))
    if a.regulated.any():
        _regulate(world, dt)
    if a.openings.a.size == 0 and feed is None:
        return
    if world.breaches:
        _apply_plugs(world)
    flow, vo2, vother = step_gas(c.n_o2, c.n_other, c.volume_m3, a.openings, dt, MARS_PRESSURE_PA, feed)
    a.vented_kg += float(vo2.sum()) * M_O2 + float(vother.sum()) * M_N2
    _update_wind(world, flow)
    _flag_fire(world)


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
    """Top intact compartments back up to the level's nominal atmosphere."""
    c = world.compartments
    meta = world.level.meta
    deficit = np.where(world.atmos.regulated, world.atmos.nominal_mol - (c.n_o2 + c.n_other), 0.0)
    np.maximum(deficit, 0.0, out=deficit)
    if not deficit.any():
        return
    add = deficit * -math.expm1(-dt / REGULATION_TAU_S)
    c.n_o2 += add * meta.o2_fraction
    c.n_other += add * (1.0 - meta.o2_fraction)


def _update_wind(world: "World", flow: np.ndarray) -> None:
    a = world.atmos
    if not a.wind_sources:
        return
    wx = a.wind_x.reshape(-1)
    wy = a.wind_y.reshape(-1)
    wx.fill(0.0)
    wy.fill(0.0)
    for k, src in enumerate(a.wind_sources):
        if src.opening < 0:
            continue
        mdot = abs(float(flow[src.opening]))
        a.breach_flow_kg_s[k] = mdot
        wx[src.cells] += src.ux * mdot
        wy[src.cells] += src.uy * mdot


def _flag_fire(world: "World") -> None:
    c = world.compartments
    a = world.atmos
    n = c.n_o2 + c.n_other
    # O2 fraction over FIRE_O2_FRACTION and pressure over FIRE_MIN_PRESSURE_BAR, in moles
    hazard = (c.n_o2 > FIRE_O2_FRACTION * n) & (n > a.fire_min_mol)
    new = hazard & ~a.fire_hazard
    if new.any():
        for i in np.nonzero(new)[0].tolist():
            world.emit(FireHazardRaised, compartment=a.names[i], o2_fraction=round(float(c.o2_fraction[i]), 3))
    a.fire_hazard = hazard


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
    p_bar = np.append(c.pressure_bar, MARS_PRESSURE_BAR)
    frac = np.append(c.o2_fraction, 0.0)
    return p_bar[idx], frac[idx]  # idx -1 reads the appended outside values


def step_bodies(world: "World", dt: float) -> None:
    people = world.people
    if not people:
        return
    # one pass over everyone for where they are and what they breathe
    rows = np.array([(p.x, p.y, p.supply) for p in people], dtype=np.float64)
    cells = rows[:, :2].astype(np.intp)
    pressure, frac = air_at(world, cells[:, 0], cells[:, 1])
    supply = rows[:, 2].astype(np.int8)
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
