"""What the rest of the game reads of the debris: records and the view for
drawing, which cells heavy debris blocks and light debris slows, and which
breaches loose pieces lie over (plugging).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from game.sim import debris_footprint as fp
from game.sim.constants import MARS_PRESSURE_PA
from game.sim.debris_state import (
    _EMPTY,
    _PLUG_QUERY,
    MAX_PLUG,
    PLUG_REACH_M,
    SLOW_MAX,
    PhysicsState,
    air_density_by_label,
    _footprints,
    _mouth,
    _read,
    _Scratch,
    _shape_index,
    _tables,
)
from game.sim.state import feed_bytes

if TYPE_CHECKING:
    from game.sim.world import World


# --------------------------------------------------------------------------
# what the rest of the game reads


def state_bytes(world: "World") -> bytes:
    """Every piece's kind, size, mass, place, motion and sleep, in id order: the
    physics' share of the state hash."""
    return feed_bytes(world.physics)


def debris_records(world: "World") -> list[dict[str, Any]]:
    """Plain data for `sim --json`: one entry per piece still lying about."""
    st = world.physics
    if st.space is None:
        return []
    sc = _read(st)
    out = []
    for i in sc.live_idx.tolist():
        p = st.pieces[i]
        x, y, a = sc.state[i, 0:3].tolist()
        out.append(
            {
                "id": p.id,
                "kind": p.kind,
                "mass_kg": round(p.mass_kg, 3),
                "position": [round(x, 3), round(y, 3)],
                "angle_deg": round(math.degrees(a) % 360.0, 2),
                "size_m": [round(p.length_m, 3), round(p.width_m, 3)],
                "heavy": bool(p.heavy),
                "asleep": bool(sc.asleep[i]),
            }
        )
    return out


@dataclass(frozen=True)
class DebrisView:
    """Arrays for drawing, one row per live piece (metres, radians)."""

    ids: np.ndarray
    kinds: tuple[str, ...]
    position_m: np.ndarray  # (n, 2) centre
    angle_rad: np.ndarray
    size_m: np.ndarray  # (n, 2) length, width
    heavy: np.ndarray
    asleep: np.ndarray


def debris_view(world: "World") -> DebrisView:
    """What a renderer needs each frame, without a call per body."""
    st = world.physics
    if st.space is None:
        z = np.zeros(0)
        return DebrisView(_EMPTY, (), np.zeros((0, 2)), z, np.zeros((0, 2)), z.astype(bool), z.astype(bool))
    sc = _read(st)
    live = sc.live_idx
    fixed = sc.view_fixed
    if fixed is None or fixed[0] != st.version:
        # What only changes when pieces come or go, made once for every view
        # till then (read-only, as views share it): 5,000 kinds looked up
        # every frame were most of a view's cost.
        ids, size, heavy = live.copy(), np.stack([sc.length[live], sc.width[live]], axis=1), sc.heavy[live].copy()
        for a in (ids, size, heavy):
            a.flags.writeable = False
        fixed = sc.view_fixed = (st.version, ids, tuple(st.pieces[i].kind for i in live.tolist()), size, heavy)
    _, ids, kinds, size, heavy = fixed
    return DebrisView(
        ids=ids,
        kinds=kinds,
        position_m=sc.state[live, 0:2].copy(),
        angle_rad=sc.state[live, 2].copy(),
        size_m=size,
        heavy=heavy,
        asleep=sc.asleep[live].copy(),
    )


def _placement_key(st: PhysicsState, sc: _Scratch) -> tuple:
    return (st.version, sc.state[sc.live_idx, 0:3].tobytes())


def _sample_cells(st: PhysicsState, sc: _Scratch) -> tuple[np.ndarray, np.ndarray]:
    _footprints(st, sc)
    return fp.sample_cells(sc.samp_local, sc.samp_slot, sc.state[:, 0:2], sc.state[:, 2], st.passable.shape)


def occupancy(world: "World") -> tuple[np.ndarray, np.ndarray]:
    """(blocked [y, x] bool, slow [y, x] float32 >= 1) for walking.

    Heavy debris blocks every cell it lies on; light debris multiplies the
    cost of crossing a cell by 1 + its area there x its kind's slow_per_m2
    (capped at SLOW_MAX). Read-only arrays, recomputed only when a piece
    moved, and then only for the cells the pieces that moved left or reached
    (`_occupancy_moved`): a few pieces pushed about in a station of
    thousands do not cost a pass over every piece's samples.
    """
    st = world.physics
    shape = world.grid.tiles.shape
    if st.space is None:
        return np.zeros(shape, dtype=bool), np.ones(shape, dtype=np.float32)
    sc = _read(st)
    key = _placement_key(st, sc)
    if sc.occ_key == key and sc.occ is not None:
        return sc.occ
    _footprints(st, sc)
    pose = sc.state[:, 0:3]
    kept = sc.occ_samples
    if sc.occ is not None and kept is not None and kept[0] == sc.foot_version and kept[3].shape == pose.shape:
        blocked, slow = _occupancy_moved(st, sc, shape, pose)
    else:
        blocked, slow = _occupancy_all(st, sc, shape)
    blocked.flags.writeable = False
    slow.flags.writeable = False
    sc.occ, sc.occ_key = (blocked, slow), key
    return sc.occ


def _occupancy_all(st: PhysicsState, sc: _Scratch, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Occupancy from every sample of every piece (and the samples' cells kept for `_occupancy_moved`)."""
    h, w = shape
    flat, inside = _sample_cells(st, sc)
    sc.occ_samples = (sc.foot_version, flat, inside, sc.state[:, 0:3].copy())
    blocked = np.zeros(h * w, dtype=bool)
    blocked[flat[inside & sc.samp_heavy]] = True
    light = inside & ~sc.samp_heavy
    cover = np.bincount(flat[light], weights=sc.samp_slow[light], minlength=h * w)
    slow = np.minimum(1.0 + cover, SLOW_MAX).astype(np.float32).reshape(h, w)
    return blocked.reshape(h, w), slow


def _occupancy_moved(st: PhysicsState, sc: _Scratch, shape: tuple[int, int], pose: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Occupancy made from the last one: the samples of the pieces whose place
    or angle changed are placed again, and every cell they left or reached is
    worked out again from all the samples now in it, in sample order (as
    `_occupancy_all` sums them), so the result is the same to the bit."""
    h, w = shape
    _, flat, inside, before = sc.occ_samples
    moved = np.flatnonzero((pose != before).any(axis=1))
    if moved.size == 0:
        return sc.occ
    is_moved = np.zeros(len(pose), dtype=bool)
    is_moved[moved] = True
    idx = np.flatnonzero(is_moved[sc.samp_slot])
    old_cells = flat[idx][inside[idx]]
    f2, in2 = fp.sample_cells(sc.samp_local[idx], sc.samp_slot[idx], pose[:, 0:2], pose[:, 2], shape)
    flat[idx], inside[idx] = f2, in2  # (in place: only `occ_samples` holds them)
    sc.occ_samples = (sc.foot_version, flat, inside, pose.copy())
    touched = np.zeros(h * w, dtype=bool)
    touched[old_cells] = True
    touched[f2[in2]] = True
    cells = np.flatnonzero(touched)
    sel = inside & touched[flat]
    heavy = sel & sc.samp_heavy
    light = sel & ~sc.samp_heavy
    blocked = sc.occ[0].reshape(-1).copy()
    blocked[cells] = False
    blocked[flat[heavy]] = True
    cover = np.bincount(flat[light], weights=sc.samp_slow[light], minlength=h * w)
    slow = sc.occ[1].reshape(-1).copy()
    slow[cells] = np.minimum(1.0 + cover[cells], SLOW_MAX).astype(np.float32)
    return blocked.reshape(h, w), slow.reshape(h, w)


def placement_stamp(world: "World") -> int:
    """Changes whenever a piece may have moved (same stamp: same occupancy and plugging)."""
    return world.physics.stamp


def breach_plug_fraction(world: "World") -> np.ndarray:
    """Per breach (in `world.breaches` order), the share of its area light debris covers now.

    A hole in the hull wall is covered by what the air lifts against it,
    not by what lies on the floor beside it: a light piece within
    PLUG_REACH_M of the mouth starts to cover it only where the draught the
    open hole draws there beats the piece's floor friction; once over it,
    the pressure across the hole holds it for as long as that pressure beats
    its friction. Each covering piece seals its kind's plug_fraction (less
    if it is smaller than the hole); pieces combine as independent covers,
    capped at MAX_PLUG. Effective area = area x (1 - plug).
    """
    return _plugs(world)[0]


def update_plugs(world: "World") -> np.ndarray:
    """`breach_plug_fraction`, remembering which pieces now lie over which hole (the atmosphere calls it each tick)."""
    out, over = _plugs(world)
    world.physics.over_hole = over
    return out


def _lying_by_holes(world: "World") -> list[list[int]]:
    """Per breach, the light pieces within PLUG_REACH_M of its mouth: one
    spatial query per hole, kept until a piece may have moved."""
    st = world.physics
    sc = _tables(st)
    key = (st.stamp, st.version, [(b.x, b.y, b.area_m2) for b in world.breaches])
    if sc.by_holes_key == key:
        return sc.by_holes
    index = _shape_index(st)
    out = []
    for b in world.breaches:
        mouth = _mouth(world, b.x, b.y) if b.area_m2 > 0.0 else None
        hits = st.space.point_query(mouth, PLUG_REACH_M, _PLUG_QUERY) if mouth is not None else []
        out.append(sorted(k for k in (index.get(id(h.shape)) for h in hits) if k is not None and not sc.heavy[k]))
    sc.by_holes, sc.by_holes_key = out, key
    return out


def _plugs(world: "World") -> tuple[np.ndarray, dict[int, int]]:
    """(plug per breach, breach id by covering piece id); cheap enough for every tick."""
    st = world.physics
    nb = len(world.breaches)
    out = np.zeros(nb)
    over: dict[int, int] = {}
    if st.space is None or nb == 0:
        return out, over
    sc = _tables(st)
    atmos = world.atmos
    c = world.compartments
    applied = atmos.breach_plug if atmos.breach_plug.shape == (nb,) else out
    if atmos.wind_x.shape != st.passable.shape:
        return out, over
    w = st.passable.shape[1]
    # The air's figures are worked out at most once a call, for every compartment at once:
    # the same elementwise arithmetic as reading them piece by piece.
    pressure_bar: np.ndarray | None = None
    rho: np.ndarray | None = None
    for i, (b, lying) in enumerate(zip(world.breaches, _lying_by_holes(world))):
        if not lying:
            continue
        open_gain = 1.0 / (1.0 - applied[i])  # the wind the hole draws scales with its open area
        left = 1.0
        for k in lying:
            x, y = st.pieces[k].body.position
            flat = int(y) * w + int(x)
            share = sc.plug_f[k] * min(1.0, sc.length[k] * sc.width[k] / max(b.area_m2, 1e-9))
            friction_n = sc.mu_g[k] * sc.mass[k]
            if st.over_hole.get(k) == b.id:
                label = int(c.labels.flat[flat]) if c.labels.shape == st.passable.shape else 0
                if label > 0 and pressure_bar is None:
                    pressure_bar = c.pressure_bar
                dp_pa = float(pressure_bar[label - 1]) * 1e5 - MARS_PRESSURE_PA if label > 0 else 0.0
                held = dp_pa * share * b.area_m2 >= friction_n
            else:
                u2 = (float(atmos.wind_x.flat[flat]) ** 2 + float(atmos.wind_y.flat[flat]) ** 2) * open_gain**2
                if rho is None:
                    rho = air_density_by_label(world)
                held = float(rho[c.labels.reshape(-1).take(flat, mode="clip")]) * sc.drag_k[k] * u2 >= sc.mu_g[k]
            if held:
                left *= 1.0 - share
                over[k] = b.id
        out[i] = min(MAX_PLUG, 1.0 - left)
    return out, over
