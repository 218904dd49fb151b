"""The debris step: wind drag on the pieces it can move, waking sleepers the
wind would shift, people's bodies near moving heavy pieces, and the
physics substeps. Python only adds the drag, and only where it matters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pymunk.batch as pb

# The raw setters of the pinned pymunk (7.3.1): a third of the cost of the
# Body properties, with the same effect.
from pymunk._chipmunk import lib as _cp

from game.sim import debris_kernels
from game.sim.compiled import fast
from game.sim.debris_state import (
    _EMPTY,
    _PERSON_OFF,
    _PERSON_ON,
    _SUBSTEPS,
    CALM_CHECK_TICKS,
    ESCAPE_DEPTH_M,
    IDLE_SPEED_M_S,
    MAX_SPEED_M_S,
    NEAR_M,
    STALL_MARGIN,
    WAKE_CHECK_TICKS,
    PhysicsState,
    _air_density,
    _cells,
    _keep_inside,
    _read,
    _read_pieces,
    _Scratch,
    _sync_people,
    _tables,
    depth_in_solid,
    substeps,
)

if TYPE_CHECKING:
    from game.sim.world import World

# The loop of the drag and the floor's friction, compiled (or the plain module where nothing
# compiles), and the constants it reads.
kernels = fast(debris_kernels)
_K = np.zeros(debris_kernels.K_LEN)
_K[debris_kernels.K_IDLE2] = IDLE_SPEED_M_S**2
_K[debris_kernels.K_MAX_SPEED] = MAX_SPEED_M_S


# --------------------------------------------------------------------------
# the step


def _wind_at(world: "World", st: PhysicsState, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The air's velocity (m/s) in flat cells, as float64."""
    atmos = world.atmos
    if atmos.wind_x.shape != st.passable.shape:
        z = np.zeros(flat.shape)
        return z, z
    # take on a 2-D array reads its flat view; float32, promoted in arithmetic
    return atmos.wind_x.take(flat, mode="clip"), atmos.wind_y.take(flat, mode="clip")


def _drag(
    world: "World", sc: _Scratch, slots: np.ndarray, flat: np.ndarray,
    wx: np.ndarray, wy: np.ndarray, vx: np.ndarray, vy: np.ndarray, dt: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """These pieces' wind speed relative to them, drag rate (1/s) and decay over the tick.

    Exact exponential relaxation at the drag rate rho |u| Cd A / 2m, so no tick
    length makes it overshoot the wind (the relaxation itself: debris_kernels.drive).
    """
    umag = np.hypot(wx - vx, wy - vy)
    rate = _air_density(world, flat) * sc.drag_k[slots] * umag  # 1/s
    return umag, rate, np.exp(-rate * dt)


def _push(
    world: "World", st: PhysicsState, sc: _Scratch, slots: np.ndarray, flat: np.ndarray,
    wx: np.ndarray, wy: np.ndarray, s: np.ndarray, dt: float, windy: np.ndarray | None = None,
) -> int:
    """Wind drag (on the `windy` ones, default all) then floor friction over the tick
    for these pieces, whose rows of state are `s`; returns how many were written.

    Only a piece the wind or the floor changes is written (a write wakes a
    sleeper); a still piece the wind cannot shift is left alone. A still piece
    is only pushed if the drag beats its floor friction; otherwise it keeps its
    velocity (and can sleep). Kinetic friction of the deck over one tick: top-down,
    the deck presses on a piece with its weight m g; sliding, it pulls back with
    mu m g against the motion, so the speed falls by mu g per second until the
    piece stops, and a slide from v ends after v^2 / (2 mu g). The spin falls
    the same way under the torque of that force about the centre (mean lever
    arm of a rectangle's area, about (L + W) / 5), over the moment of inertia
    m (L^2 + W^2) / 12. Applied once a tick in bulk, between the solver's steps
    (the velocity after the tick's friction carries the tick: a slide comes out
    short by v dt / 2). What it leaves slower than the idle speed (pymunk's
    measure, v^2 + (I/m) w^2) stops: it would within a hundredth of a second.
    The arithmetic is debris_kernels.drive's, one pass over the pieces.
    """
    n = slots.size
    sel = np.arange(n) if windy is None else np.flatnonzero(windy)
    wx, wy = np.asarray(wx, dtype=np.float64), np.asarray(wy, dtype=np.float64)  # (float32 winds: exact)
    umag, rate, decay = _drag(world, sc, slots[sel], flat[sel], wx[sel], wy[sel], s[sel, 3], s[sel, 4], dt)
    chosen, out, turned = np.empty(n, dtype=np.intp), np.empty((n, 3)), np.empty(n, dtype=np.int8)
    m = kernels.drive(_K, dt, slots, s, wx, wy, sel, umag, rate, decay, sc.mu_g, sc.length, sc.width,
                      chosen, out, turned)
    if m == 0:
        return 0
    chosen, nvx, nvy, nspin = chosen[:m], out[:m, 0], out[:m, 1], out[:m, 2]
    if m > 8 and m == sc.live_idx.size == sc.awake.size and sc.order_fresh:
        # every piece awake and written: one batch write (it restarts every body's count to sleep)
        _set_all(st, sc, chosen, nvx, nvy, nspin)
    else:
        setv, setw, ptr = _cp.cpBodySetVelocity, _cp.cpBodySetAngularVelocity, sc.ptr
        for i, a, b in zip(chosen.tolist(), nvx.tolist(), nvy.tolist()):
            setv(ptr[i], (a, b))
        spun = turned[:m].view(bool)
        for i, w in zip(chosen[spun].tolist(), nspin[spun].tolist()):
            setw(ptr[i], w)
    sc.written.extend(chosen.tolist())  # woken, if they slept
    return m


def _set_all(
    st: PhysicsState, sc: _Scratch, slots: np.ndarray, vx: np.ndarray, vy: np.ndarray, spin: np.ndarray,
) -> None:
    """One batch write of every body's velocity and spin (only when no piece sleeps: it would wake them)."""
    nslots = sc.nd + sc.npp
    vals = np.zeros((nslots + 1, 3))  # the extra zero row is what static bodies (slot -1) read
    vals[:nslots] = sc.state[:, 3:6]
    vals[slots, 0], vals[slots, 1], vals[slots, 2] = vx, vy, spin
    sc.set_rows = np.ascontiguousarray(vals[sc.order])
    sc.set_buf.set_float_buf(sc.set_rows.reshape(-1))
    pb.set_space_bodies(st.space, pb.BodyFields.VELOCITY | pb.BodyFields.ANGULAR_VELOCITY, sc.set_buf)


def _drive_awake(world: "World", st: PhysicsState, sc: _Scratch, awake: np.ndarray, dt: float) -> int:
    """Containment, drag and floor friction for the awake pieces; returns velocities written."""
    s = sc.state[awake]
    flat = _cells(st, s)
    ok = st.passable.reshape(-1).take(flat, mode="clip")
    if not ok.all():
        # A piece pressed hard into a wall face may dent it a little (the
        # solver pushes it back out); one deeper than ESCAPE_DEPTH_M is
        # put back, and counted, since it could be on its way through.
        deep = [
            i for i in awake[~ok].tolist()
            if depth_in_solid(st.passable, sc.state[i, 0], sc.state[i, 1]) > ESCAPE_DEPTH_M
        ]
        if deep:
            st.rescues += _keep_inside(st, sc, deep)
            s = sc.state[awake]
            flat = _cells(st, s)
    wx, wy = _wind_at(world, st, flat)
    ux, uy = wx - s[:, 3], wy - s[:, 4]
    rel = ux * ux
    rel += uy * uy
    rel = rel > sc.u2_relevant[awake]
    return _push(world, st, sc, awake, flat, wx, wy, s, dt, windy=rel)


def _wake_sleepers(world: "World", st: PhysicsState, sc: _Scratch, dt: float) -> int:
    """Wake sleeping pieces the wind there would move; returns how many were woken.

    Sleeping pieces do not move, so their cells and thresholds are kept from
    one full read to the next; a look is a gather of the wind at their cells
    and a compare.
    """
    if sc.sleepers is None:
        _read(st)
        sleeping = sc.live_idx[sc.asleep[sc.live_idx]]
        sc.sleepers = (sleeping, _cells(st, sc.state[sleeping]), sc.u2_wake[sleeping])
    sleeping, flat, u2_wake = sc.sleepers
    atmos = world.atmos
    sc.next_wake_tick = world.tick + WAKE_CHECK_TICKS
    if sleeping.size == 0 or atmos.wind_x.shape != st.passable.shape:
        return 0
    wx = atmos.wind_x.take(flat)  # sleeping pieces lie on passable cells: valid indices
    wy = atmos.wind_y.take(flat)
    u2 = wx * wx
    u2 += wy * wy
    u2 /= u2_wake
    # A piece woken here that went back to sleep on the same cell was held
    # by more than its floor (a heap, a wall): only a stronger wind tries again.
    stalled = sc.stall_flat[sleeping] == flat
    need = np.where(stalled, np.maximum(1.0, STALL_MARGIN * sc.stall_u2[sleeping]), 1.0)
    worst = float((u2 / need).max())
    if worst < 0.25:
        # Under half the wake speed everywhere: the wind only creeps up (a
        # sudden change comes through tiles_changed or breach_opened).
        sc.next_wake_tick = world.tick + CALM_CHECK_TICKS
    if worst <= 1.0:
        return 0
    sel = np.flatnonzero(u2 > need)
    sc.stall_u2[sleeping[sel]] = u2[sel]
    sc.stall_flat[sleeping[sel]] = flat[sel]
    return _push(world, st, sc, sleeping[sel], flat[sel], wx[sel], wy[sel], np.zeros((sel.size, 6)), dt)


def _move_body(st: PhysicsState, sc: _Scratch, j: int, x: float, y: float) -> None:
    """Put person j's body at (x, y), touching heavy debris."""
    body = st.people[j]
    ptr = sc.ptr[sc.nd + j]
    _cp.cpBodySetPosition(ptr, (x, y))
    _cp.cpSpaceReindexShapesForBody(st.space._space, ptr)
    if not st.tracked[j]:
        next(iter(body.shapes)).filter = _PERSON_ON
        st.tracked[j] = True
        sc.tracked_ids.add(j)
    sc.px[j], sc.py[j] = x, y


def _park_body(st: PhysicsState, sc: _Scratch, j: int) -> None:
    """Person j walked away from the debris: leave their body where it is, touching nothing."""
    next(iter(st.people[j].shapes)).filter = _PERSON_OFF
    st.tracked[j] = False
    sc.tracked_ids.discard(j)


def _drive_people(world: "World", st: PhysicsState, sc: _Scratch, heavy: np.ndarray, dt: float) -> None:
    """Put the bodies of people near the moving heavy pieces (`heavy`, slots) where they stand.

    A person's static body only matters to a heavy piece that moves (light
    pieces pass over people, and nothing wakes a sleeping piece but a
    push), so while no heavy piece moves nobody is looked at; when some do,
    everyone within reach of one this tick (half its diagonal, NEAR_M, and
    its own travel) gets their body put in place and the rest are parked.
    """
    tracked = st.tracked
    if heavy.size == 0:
        for j in sorted(sc.tracked_ids):
            _park_body(st, sc, j)
        return
    people = world.people
    n = len(people)
    if n == 0:
        return
    s = sc.state[heavy]
    reach = np.hypot(sc.length[heavy], sc.width[heavy]) / 2 + NEAR_M + np.hypot(s[:, 3], s[:, 4]) * dt
    xs = np.fromiter((p.x for p in people), dtype=np.float64, count=n)
    ys = np.fromiter((p.y for p in people), dtype=np.float64, count=n)
    near = (np.hypot(xs[:, None] - s[None, :, 0], ys[:, None] - s[None, :, 1]) <= reach[None, :]).any(axis=1)
    close = np.flatnonzero(near).tolist()
    px, py = sc.px, sc.py
    for j in close:
        x, y = xs[j], ys[j]
        if not tracked[j] or x != px[j] or y != py[j]:
            _move_body(st, sc, j, float(x), float(y))
    for j in sorted(sc.tracked_ids.difference(close)):
        _park_body(st, sc, j)


def step_physics(world: "World", dt: float) -> None:
    """People and wind into the bodies, then step the space at PHYSICS_HZ.

    When every piece sleeps, nothing is read or written (but for a look at
    the wind now and then, and placing the bodies of people near heavy
    debris, which moves no piece) and the space is not stepped at all: the
    last read stays true.
    """
    st = world.physics
    space = st.space
    if space is None:
        return
    sc = st.scratch
    people = world.people
    if sc.version != st.version or sc.n_people != len(people):
        if len(st.people) < len(people):
            _sync_people(world, st)
        _tables(st)
    # A piece can only have changed if one was awake or was pushed since the
    # last read (people's static bodies wake nothing); none can wake and fall
    # asleep again within a tick (sleeping takes SLEEP_AFTER_S).
    if sc.maybe_awake:
        # (read already, as the crew's look at the debris does, and nothing changed since: as read)
        awake = sc.awake if sc.fresh else _read_pieces(st, sc)
    else:
        awake = sc.awake = _EMPTY
    n_set = _drive_awake(world, st, sc, awake, dt) if awake.size else 0
    if world.tick >= sc.next_wake_tick:
        n_set += _wake_sleepers(world, st, sc, dt)
    if sc.written:  # pushed just now: moving too (sorted, once each, as np.union1d gives, without its sort)
        is_moving = np.zeros(sc.nd, dtype=bool)
        is_moving[awake] = True
        is_moving[sc.written] = True
        moving = np.flatnonzero(is_moving)
    else:
        moving = awake
    _drive_people(world, st, sc, moving[sc.heavy[moving]], dt)
    if awake.size or n_set:
        n = _SUBSTEPS.get(dt) or _SUBSTEPS.setdefault(dt, substeps(dt))
        h = dt / n
        space_step = space.step
        for _ in range(n):
            space_step(h)
    # else every piece sleeps and nothing was pushed: a step would only count
    # time, so the space is left alone (most ticks once the debris is down).
    sc.maybe_awake = awake.size > 0 or n_set > 0
    if sc.maybe_awake:
        sc.fresh = False
        st.stamp += 1
