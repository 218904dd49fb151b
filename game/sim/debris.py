"""Debris: falling, wind-driven rigid bodies (pymunk), and what they block.

Owns the physics space: merged static walls built from the grid, one dynamic
body per piece of debris and one kinematic body per person. Each tick it
applies the wind's drag and the deck's friction to every awake piece at once,
wakes a sleeping piece only when the wind there could move it, and substeps
the space so that nothing crosses a wall. What the rest of the game reads
(occupancy, breach plugging, records) is worked out lazily from the bodies'
current places and kept until something moves.

Contract used by the rest of the simulation: `create_physics`,
`spawn_debris`, `step_physics`, `state_bytes`, `debris_records`,
`occupancy`; hooks `tiles_changed` and `breach_opened`; rules for crew
actions `clear_light_debris` and `cut_beam`; `breach_plug_fraction` for the
atmosphere; `debris_view` for drawing.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np
import pymunk
import pymunk.batch as pb

from game.sim import debris_footprint as fp
from game.sim.debris_kinds import HEAVY_KG, KINDS, MARS_G_M_S2, DebrisKind
from game.sim.static_geometry import (
    CAT_DEBRIS,
    CAT_PERSON,
    CAT_WALL,
    WallSet,
    build_walls,
    debris_passable,
    update_walls,
)
from game.sim.tiles import Tile

try:  # the raw setters cost a third of the Body properties; same library, same effect
    from pymunk._chipmunk import lib as _cp
except ImportError:  # pragma: no cover - other pymunk builds
    _cp = None

if TYPE_CHECKING:
    from game.sim.world import Breach, World

# Debris never outruns this (m/s), nor spins faster (rad/s): a thrown object,
# not the 60 m/s jet at the hole itself. It bounds the substeps below.
MAX_SPEED_M_S = 12.0
MAX_SPIN_RAD_S = 15.0
# Travel per substep. Walls are whole 1 m cells, so 0.2 m can never carry a
# body's centre past a wall's middle: no tunnelling at MAX_SPEED_M_S.
MAX_STEP_M = 0.2
SLEEP_AFTER_S = 1.0  # still for this long, a body sleeps and costs nothing
IDLE_SPEED_M_S = 0.05  # slower than this counts as still
WAKE_SPEED_M_S = 0.02  # a sleeping piece wakes if the wind would move it faster
SET_EPS = 1e-4  # smaller velocity changes are not written (a write resets sleep)
COLLISION_SLOP_M = 0.005
DEBRIS_FRICTION = 0.5  # between pieces, and against walls
PERSON_RADIUS_M = 0.25
TELEPORT_M = 2.0  # a person who jumps further than this in a tick is placed, not swept
AIR_MOLAR_KG = 0.02897
GAS_R = 8.314462
CABIN_T_K = 293.15
PLUG_REACH_M = 0.1  # a piece this close to a hole's mouth lies over it
MAX_PLUG = 0.9  # air always finds a way round loose debris
SLOW_MAX = 4.0  # walking-cost multiplier cap for light debris in a cell
THROW_RADIUS_M = 3.0  # a new breach flings loose things from this close
THROW_SPEED_M_S = (2.0, 6.0)
CUT_GAP_M = 1.0  # a cut takes out this much of a beam (two lance cuts, section dragged clear)
MIN_PIECE_M = 0.25

_STATE_FIELDS = (
    pb.BodyFields.BODY_ID
    | pb.BodyFields.POSITION
    | pb.BodyFields.ANGLE
    | pb.BodyFields.VELOCITY
    | pb.BodyFields.ANGULAR_VELOCITY
)
_KIND_NAMES = tuple(KINDS)


@dataclass
class Piece:
    """One piece of debris. `body` is None once it has been cut up or removed."""

    id: int
    kind: str
    mass_kg: float
    length_m: float
    width_m: float
    body: pymunk.Body | None = None
    shape: pymunk.Poly | None = None

    @property
    def heavy(self) -> bool:
        return self.mass_kg >= HEAVY_KG

    @property
    def alive(self) -> bool:
        return self.body is not None


class _Scratch:
    """Tables derived from the state and the last read of the bodies; never hashed.

    Dropped on copy or pickle and rebuilt on first use, because it holds raw
    pointers into the physics library.
    """

    def __init__(self) -> None:
        self.version = -1
        self.n_people = -1
        self.fresh = False
        self.get_buf = pb.Buffer()
        self.set_buf = pb.Buffer()
        self.occ_key: tuple | None = None
        self.occ: tuple[np.ndarray, np.ndarray] | None = None
        self.plug_key: tuple | None = None
        self.plug: np.ndarray = np.zeros(0)
        self.people_last: list[tuple[float, float]] = []
        self.people_v: list[tuple[float, float]] = []

    def __reduce__(self) -> tuple:
        return (_Scratch, ())


@dataclass
class PhysicsState:
    space: pymunk.Space | None = None
    walls_body: pymunk.Body | None = None
    walls: WallSet | None = None
    passable: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    pieces: list[Piece] = field(default_factory=list)
    people: list[pymunk.Body] = field(default_factory=list)  # kinematic, by person id
    version: int = 0  # bumped whenever pieces are added or removed
    rescues: int = 0  # bodies found inside a solid cell and put back (should stay 0)
    scratch: _Scratch = field(default_factory=_Scratch, repr=False, compare=False)

    @property
    def bodies(self) -> list[pymunk.Body]:
        """The live debris bodies, in id order."""
        return [p.body for p in self.pieces if p.body is not None]


# --------------------------------------------------------------------------
# creation


def create_physics(world: "World") -> PhysicsState:
    """A space with the grid's walls and a kinematic body for everyone."""
    space = pymunk.Space()
    space.gravity = (0.0, 0.0)  # top-down: the deck's friction stands in for gravity
    space.sleep_time_threshold = SLEEP_AFTER_S
    space.idle_speed_threshold = IDLE_SPEED_M_S
    space.collision_slop = COLLISION_SLOP_M
    walls_body = pymunk.Body(body_type=pymunk.Body.STATIC)
    space.add(walls_body)  # our own static body: in a batch read it separates awake bodies from asleep ones
    passable = debris_passable(world.grid.tiles, world.door_open)
    st = PhysicsState(space=space, walls_body=walls_body, passable=passable)
    st.walls = build_walls(space, walls_body, passable)
    _sync_people(world, st)
    return st


def _sync_people(world: "World", st: PhysicsState) -> None:
    """One kinematic circle per person, added for anyone new."""
    for p in world.people[len(st.people):]:
        body = pymunk.Body(body_type=pymunk.Body.KINEMATIC)
        body.position = (p.x, p.y)
        shape = pymunk.Circle(body, PERSON_RADIUS_M)
        shape.friction = DEBRIS_FRICTION
        shape.filter = pymunk.ShapeFilter(categories=CAT_PERSON, mask=CAT_DEBRIS)
        st.space.add(body, shape)
        st.people.append(body)


def _add_piece(
    st: PhysicsState, kind: DebrisKind, length_m: float, width_m: float, mass_kg: float,
    pos: tuple[float, float], angle: float, vel: tuple[float, float] = (0.0, 0.0), spin: float = 0.0,
) -> int:
    body = pymunk.Body(mass_kg, pymunk.moment_for_box(mass_kg, (length_m, width_m)))
    body.position = pos
    body.angle = angle
    body.velocity = vel
    body.angular_velocity = spin
    shape = pymunk.Poly.create_box(body, (length_m, width_m))
    shape.friction = DEBRIS_FRICTION
    shape.elasticity = 0.0
    shape.filter = pymunk.ShapeFilter(categories=CAT_DEBRIS, mask=CAT_WALL | CAT_DEBRIS | CAT_PERSON)
    st.space.add(body, shape)
    piece = Piece(len(st.pieces), kind.name, float(mass_kg), float(length_m), float(width_m), body, shape)
    st.pieces.append(piece)
    st.version += 1
    return piece.id


def _remove_piece(st: PhysicsState, piece: Piece) -> None:
    st.space.remove(piece.body, piece.shape)
    piece.body = None
    piece.shape = None
    st.version += 1


# --------------------------------------------------------------------------
# derived tables and reading the bodies in bulk


def _tables(st: PhysicsState) -> _Scratch:
    """Per-piece constants, id lookup and raw pointers, rebuilt when pieces change."""
    sc = st.scratch
    if sc.version == st.version and sc.n_people == len(st.people):
        return sc
    pieces, nd, npp = st.pieces, len(st.pieces), len(st.people)
    alive = np.array([p.alive for p in pieces], dtype=bool)
    kinds = [KINDS[p.kind] for p in pieces]
    length = np.array([p.length_m for p in pieces], dtype=np.float64)
    width = np.array([p.width_m for p in pieces], dtype=np.float64)
    mass = np.array([p.mass_kg for p in pieces], dtype=np.float64)
    sc.nd, sc.npp = nd, npp
    sc.alive, sc.length, sc.width, sc.mass = alive, length, width, mass
    sc.heavy = mass >= HEAVY_KG
    sc.cda = np.array([k.drag_area_m2(p.length_m, p.width_m) for k, p in zip(kinds, pieces)], dtype=np.float64)
    sc.mu_g = np.array([k.floor_mu * MARS_G_M_S2 for k in kinds], dtype=np.float64)
    # Friction torque of a bar sliding on its face is about mu m g L/4; I = m L^2/12.
    sc.spin_decel = 3.0 * sc.mu_g / np.maximum(length, 0.1)
    sc.plug_f = np.array([k.plug_fraction for k in kinds], dtype=np.float64)
    sc.live_idx = np.flatnonzero(alive)
    pairs = [(p.body.id, p.id) for p in pieces if p.body is not None]
    pairs += [(b.id, nd + j) for j, b in enumerate(st.people)]
    pairs += [(st.walls_body.id, -1), (st.space.static_body.id, -1)]
    pairs.sort()
    sc.sorted_ids = np.array([a for a, _ in pairs], dtype=np.uintp)
    sc.sorted_slot = np.array([b for _, b in pairs], dtype=np.int64)
    sc.ptr = [p.body._body if p.body is not None else None for p in pieces] + [b._body for b in st.people]
    sc.bodies = [p.body for p in pieces] + list(st.people)
    # Footprint samples of live pieces, for occupancy.
    locs, slots, weights = [], [], []
    for p, k in zip(pieces, kinds):
        if p.body is None:
            continue
        local = fp.area_samples(p.length_m, p.width_m)
        locs.append(local)
        slots.append(np.full(len(local), p.id, dtype=np.int64))
        per = p.length_m * p.width_m / len(local)
        weights.append(np.full(len(local), per * k.slow_per_m2))
    sc.samp_local = np.concatenate(locs) if locs else np.zeros((0, 2))
    sc.samp_slot = np.concatenate(slots) if slots else np.zeros(0, dtype=np.int64)
    sc.samp_slow = np.concatenate(weights) if weights else np.zeros(0)
    sc.samp_heavy = sc.heavy[sc.samp_slot]
    sc.state = np.zeros((nd + npp, 6))  # x, y, angle, vx, vy, spin per slot
    sc.asleep = np.zeros(nd + npp, dtype=bool)
    sc.order = np.zeros(0, dtype=np.int64)
    sc.set_rows = np.zeros((0, 3))
    if len(sc.people_last) != npp:
        sc.people_last = [(float("nan"), float("nan"))] * npp
        sc.people_v = [(0.0, 0.0)] * npp
    sc.version, sc.n_people = st.version, npp
    sc.fresh = False
    sc.occ_key = sc.plug_key = None
    return sc


def _read(st: PhysicsState) -> _Scratch:
    """Every body's place, speed and sleep in one batch call (cached until a step)."""
    sc = _tables(st)
    if sc.fresh:
        return sc
    buf = sc.get_buf
    buf.clear()
    pb.get_space_bodies(st.space, _STATE_FIELDS, buf)
    ids = np.frombuffer(buf.int_buf(), dtype=np.uintp)
    data = np.frombuffer(buf.float_buf(), dtype=np.float64).reshape(-1, 6)
    order = sc.sorted_slot[np.searchsorted(sc.sorted_ids, ids)]
    # The library lists awake bodies, then static ones, then sleeping ones.
    statics = np.flatnonzero(order < 0)
    keep = order >= 0
    sc.state[order[keep]] = data[keep]
    sc.asleep[order[keep]] = np.flatnonzero(keep) > statics[-1]
    sc.order = order
    sc.fresh = True
    return sc


def _dirty(st: PhysicsState) -> None:
    st.scratch.fresh = False


# --------------------------------------------------------------------------
# spawning


def _area_for(params: dict[str, Any]) -> tuple[float, float, float, float, bool]:
    """The spawn area in metres (x0, y0, x1, y1) and whether it is a single placed cell."""
    if "region" in params:
        x0, y0, x1, y1 = (int(v) for v in params["region"])
        return float(min(x0, x1)), float(min(y0, y1)), float(max(x0, x1) + 1), float(max(y0, y1) + 1), False
    if "at" in params:
        x, y = (int(v) for v in params["at"])
        return float(x), float(y), float(x + 1), float(y + 1), True
    raise ValueError("debris_fall needs 'at' or 'region'")


def _fit(
    passable: np.ndarray, length_m: float, width_m: float, want: tuple[float, float], angle: float,
    area: tuple[float, float, float, float], avoid: np.ndarray | None = None,
) -> tuple[tuple[float, float], float] | None:
    """The free place nearest `want` for this rectangle: first at `angle`, then turned.

    Candidates lie on a 0.1 m lattice over the area grown by 1 m, tried by
    distance from `want` (ties by lattice order), so the choice is deterministic.
    """
    outline = fp.outline_samples(length_m, width_m, 0.02)
    free = passable if avoid is None else passable & ~avoid
    x0, y0, x1, y1 = area
    gx = np.arange(math.floor((x0 - 1.0) * 10), math.ceil((x1 + 1.0) * 10) + 1) / 10.0
    gy = np.arange(math.floor((y0 - 1.0) * 10), math.ceil((y1 + 1.0) * 10) + 1) / 10.0
    cx, cy = np.meshgrid(gx, gy, indexing="xy")
    cand = np.stack([cx.ravel(), cy.ravel()], axis=1)
    d2 = (cand[:, 0] - want[0]) ** 2 + (cand[:, 1] - want[1]) ** 2
    cand = cand[np.argsort(d2, kind="stable")]
    want_arr = np.array([want])
    for a in (angle, angle + math.pi / 2, 0.0, math.pi / 2):
        if fp.points_free(free, fp.place(outline, want_arr, a))[0]:
            return (float(want[0]), float(want[1])), a
        for start in range(0, len(cand), 1024):  # nearest first; most fits are close
            chunk = cand[start:start + 1024]
            hit = np.flatnonzero(fp.points_free(free, fp.place(outline, chunk, a)))
            if hit.size:
                c = chunk[hit[0]]
                return (float(c[0]), float(c[1])), a
    return None


def spawn_debris(world: "World", params: dict[str, Any]) -> list[int]:
    """Drop `count` pieces of a kind into a region (or onto a cell); returns their ids.

    Every piece draws the same eight numbers from the debris stream, in
    order, whether or not it finds room, so one event never shifts another.
    """
    st = world.physics
    if st.space is None:
        return []
    kind = KINDS[params["debris"]]
    x0, y0, x1, y1, placed = _area_for(params)
    count = int(params.get("count", 1))
    angle_deg = params.get("angle_deg")
    rng = world.rng["debris"]
    ids = []
    for _ in range(count):
        t_size, t_width, t_angle, ux, uy, vx, vy, spin = rng.random(8)
        length = kind.length_m[0] + t_size * (kind.length_m[1] - kind.length_m[0])
        width = kind.width_m[0] + t_width * (kind.width_m[1] - kind.width_m[0])
        mass = kind.mass_kg[0] + t_size * (kind.mass_kg[1] - kind.mass_kg[0])
        angle = math.radians(float(angle_deg)) if angle_deg is not None else t_angle * math.pi
        if placed and count == 1:
            want = ((x0 + x1) / 2, (y0 + y1) / 2)
        else:
            want = (x0 + ux * (x1 - x0), y0 + uy * (y1 - y0))
        heavy = mass >= HEAVY_KG
        # Light pieces land beside what is already heavy on the deck, not in it.
        avoid = None if heavy else occupancy(world)[0]
        spot = _fit(st.passable, length, width, want, angle, (x0, y0, x1, y1), avoid)
        if spot is None:
            continue
        pos, angle = spot
        # Landing from ceiling height leaves light things a little slide and
        # spin; a steel beam lands dead where it falls.
        slide = 0.0 if heavy else 1.0
        vel = ((vx - 0.5) * 0.6 * slide, (vy - 0.5) * 0.6 * slide)
        ids.append(_add_piece(st, kind, length, width, mass, pos, angle, vel, (spin - 0.5) * slide))
        _dirty(st)
        if heavy:
            _knock_aside(world, ids[-1])
    _dirty(st)
    return ids


def _knock_aside(world: "World", piece_id: int) -> None:
    """A heavy piece landing on light ones pushes them out from under it.

    Top-down, a beam on a panel would otherwise be shoved sideways by the
    solver as if they shared the deck; instead each light piece it overlaps
    goes to the nearest free spot clear of heavy debris, in id order.
    """
    st = world.physics
    shape = st.pieces[piece_id].shape
    hits = st.space.shape_query(shape)
    index = {id(p.shape): p.id for p in st.pieces if p.shape is not None}
    under = sorted(index[id(h.shape)] for h in hits if id(h.shape) in index and index[id(h.shape)] != piece_id)
    under = [i for i in under if not st.pieces[i].heavy]
    if not under:
        return
    blocked, _ = occupancy(world)
    sc = _read(st)
    for i in under:
        p = st.pieces[i]
        x, y, a = sc.state[i, 0:3].tolist()
        spot = _fit(st.passable, p.length_m, p.width_m, (x, y), a, (x - 2.0, y - 2.0, x + 2.0, y + 2.0), blocked)
        if spot is not None:
            _move_piece(st, p, spot[0], spot[1])
    _dirty(st)


def _move_piece(st: PhysicsState, p: Piece, pos: tuple[float, float], angle: float) -> None:
    p.body.position = pos
    p.body.angle = angle
    p.body.velocity = (0.0, 0.0)
    p.body.angular_velocity = 0.0
    st.space.reindex_shapes_for_body(p.body)


def _mouth(world: "World", x: int, y: int) -> tuple[float, float] | None:
    """Middle of the hull face where a breach cell meets a passable cell."""
    passable = world.physics.passable
    h, w = passable.shape
    for dx, dy in ((0, 1), (0, -1), (1, 0), (-1, 0)):
        nx, ny = x + dx, y + dy
        if 0 <= nx < w and 0 <= ny < h and passable[ny, nx]:
            return x + 0.5 + dx * 0.5, y + 0.5 + dy * 0.5
    return None


def breach_opened(world: "World", breach: "Breach") -> list[int]:
    """The first rush of air flings loose things in the room toward the hole.

    About one small object per 40 cm2 of hole (one to four), from floor within
    THROW_RADIUS_M of the mouth, moving toward it. Returns their ids.
    """
    st = world.physics
    if st.space is None:
        return []
    mouth = _mouth(world, breach.x, breach.y)
    tiles_changed(world, [(breach.x, breach.y)])
    if mouth is None:
        return []
    count = int(min(4, max(1, round(breach.area_m2 * 1e4 / 40.0))))
    h, w = st.passable.shape
    ys, xs = np.nonzero(st.passable)
    near = (xs + 0.5 - mouth[0]) ** 2 + (ys + 0.5 - mouth[1]) ** 2 <= THROW_RADIUS_M**2
    cells = sorted(zip(ys[near].tolist(), xs[near].tolist()))
    if not cells:
        return []
    kind = KINDS["personal_effects"]
    rng = world.rng["debris"]
    ids = []
    for _ in range(count):
        pick, t_size, t_width, t_angle, ux, uy, t_speed, t_turn = rng.random(8)
        cy, cx = cells[min(int(pick * len(cells)), len(cells) - 1)]
        length = kind.length_m[0] + t_size * (kind.length_m[1] - kind.length_m[0])
        width = kind.width_m[0] + t_width * (kind.width_m[1] - kind.width_m[0])
        mass = kind.mass_kg[0] + t_size * (kind.mass_kg[1] - kind.mass_kg[0])
        want = (cx + 0.2 + 0.6 * ux, cy + 0.2 + 0.6 * uy)
        spot = _fit(st.passable, length, width, want, t_angle * math.pi, (cx, cy, cx + 1, cy + 1))
        if spot is None:
            continue
        pos, angle = spot
        dx, dy = mouth[0] - pos[0], mouth[1] - pos[1]
        heading = math.atan2(dy, dx) + (t_turn - 0.5) * math.radians(60)
        speed = THROW_SPEED_M_S[0] + t_speed * (THROW_SPEED_M_S[1] - THROW_SPEED_M_S[0])
        vel = (speed * math.cos(heading), speed * math.sin(heading))
        ids.append(_add_piece(st, kind, length, width, mass, pos, angle, vel, 0.0))
    _dirty(st)
    return ids


# --------------------------------------------------------------------------
# the step


def _air_density(world: "World", cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
    """kg/m3 of the air at each cell, from its compartment's pressure (0 in vacuum)."""
    c = world.compartments
    if c.count == 0:
        return np.zeros(cx.shape)
    rho = np.append(c.pressure_bar * (1e5 * AIR_MOLAR_KG / (GAS_R * CABIN_T_K)), 0.0)
    return rho[c.labels[cy, cx] - 1]  # label 0 (no gas) reads the appended 0


def _keep_inside(st: PhysicsState, sc: _Scratch, bad: np.ndarray) -> None:
    """Backstop: a piece whose centre is in a solid cell goes to the nearest free cell."""
    for i in np.flatnonzero(bad).tolist():
        body = st.pieces[i].body
        x, y = sc.state[i, 0], sc.state[i, 1]
        spot = _nearest_free(st.passable, x, y)
        body.position = spot
        body.velocity = (0.0, 0.0)
        body.angular_velocity = 0.0
        st.space.reindex_shapes_for_body(body)
        sc.state[i, 0:2] = spot
        sc.state[i, 3:6] = 0.0
        st.rescues += 1


def _nearest_free(passable: np.ndarray, x: float, y: float) -> tuple[float, float]:
    ys, xs = np.nonzero(passable)
    d2 = (xs + 0.5 - x) ** 2 + (ys + 0.5 - y) ** 2
    k = int(np.argmin(d2))  # first in row-major order among equals
    return float(xs[k] + 0.5), float(ys[k] + 0.5)


def _drive_debris(world: "World", st: PhysicsState, sc: _Scratch, dt: float) -> float:
    """Drag toward the local wind and friction against the deck, for all pieces at once.

    Drag relaxes a piece's velocity toward the air's, exactly over the tick
    (so no step size makes it overshoot); friction then takes mu g dt off its
    speed, holding it still if the wind cannot beat static friction. Returns
    the fastest awake speed, for the substep count.
    """
    nd = sc.nd
    live = sc.live_idx
    if live.size == 0:
        return 0.0
    s = sc.state[live]
    asleep = sc.asleep[live]
    h, w = st.passable.shape
    cx = np.clip(s[:, 0].astype(np.int64), 0, w - 1)
    cy = np.clip(s[:, 1].astype(np.int64), 0, h - 1)
    bad = ~st.passable[cy, cx]
    if bad.any():
        full = np.zeros(nd, dtype=bool)
        full[live[bad]] = True
        _keep_inside(st, sc, full)
        s = sc.state[live]
    atmos = world.atmos
    if atmos.wind_x.shape == st.passable.shape:
        wx = atmos.wind_x[cy, cx].astype(np.float64)
        wy = atmos.wind_y[cy, cx].astype(np.float64)
    else:
        wx = wy = np.zeros(live.size)
    awake = ~asleep
    vx = np.where(awake, s[:, 3], 0.0)
    vy = np.where(awake, s[:, 4], 0.0)
    spin = np.where(awake, s[:, 5], 0.0)
    ux, uy = wx - vx, wy - vy
    k = (0.5 * dt) * _air_density(world, cx, cy) * sc.cda[live] * np.hypot(ux, uy) / sc.mass[live]
    decay = np.exp(-k)
    nvx, nvy = wx - ux * decay, wy - uy * decay
    speed = np.hypot(nvx, nvy)
    new_speed = np.minimum(np.maximum(speed - sc.mu_g[live] * dt, 0.0), MAX_SPEED_M_S)
    scale = np.divide(new_speed, speed, out=np.zeros_like(speed), where=speed > 0)
    nvx *= scale
    nvy *= scale
    nspin = np.sign(spin) * np.minimum(np.maximum(np.abs(spin) - sc.spin_decel[live] * dt, 0.0), MAX_SPIN_RAD_S)
    changed = (np.abs(nvx - vx) > SET_EPS) | (np.abs(nvy - vy) > SET_EPS) | (np.abs(nspin - spin) > SET_EPS)
    need = np.where(asleep, new_speed > WAKE_SPEED_M_S, changed)
    n_need = int(np.count_nonzero(need))
    if n_need:
        if n_need == live.size and n_need > 8 and not asleep.any():
            _set_all(st, sc, live, nvx, nvy, nspin)
        else:
            setv, setw, ptr = _cp.cpBodySetVelocity, _cp.cpBodySetAngularVelocity, sc.ptr
            sel = np.flatnonzero(need)
            for i, a, b, c in zip(live[sel].tolist(), nvx[sel].tolist(), nvy[sel].tolist(), nspin[sel].tolist()):
                p = ptr[i]
                setv(p, (a, b))
                setw(p, c)
    moving = awake | need
    if not moving.any():
        return 0.0
    return float(np.max(np.where(need, new_speed, np.hypot(vx, vy))[moving]))


def _set_all(st: PhysicsState, sc: _Scratch, live: np.ndarray, vx: np.ndarray, vy: np.ndarray, spin: np.ndarray) -> None:
    """One batch write of every body's velocity: only when no piece sleeps (it would wake them)."""
    nslots = sc.nd + sc.npp
    vals = np.zeros((nslots + 1, 3))  # the extra zero row is what static bodies (slot -1) read
    vals[:nslots] = sc.state[:, 3:6]
    vals[live, 0], vals[live, 1], vals[live, 2] = vx, vy, spin
    sc.set_rows = np.ascontiguousarray(vals[sc.order])
    sc.set_buf.set_float_buf(sc.set_rows.ravel())
    pb.set_space_bodies(st.space, pb.BodyFields.VELOCITY | pb.BodyFields.ANGULAR_VELOCITY, sc.set_buf)


def _drive_people(world: "World", st: PhysicsState, sc: _Scratch, dt: float) -> float:
    """Sweep each kinematic body to its person's place over the tick; returns the top speed."""
    now = [(p.x, p.y) for p in world.people]
    if now == sc.people_last and not any(sc.people_v):
        return 0.0
    nd, top = sc.nd, 0.0
    for j, (x, y) in enumerate(now):
        old_v = sc.people_v[j]
        if now[j] == sc.people_last[j] and old_v == (0.0, 0.0):
            continue
        body = st.people[j]
        bx, by = sc.state[nd + j, 0], sc.state[nd + j, 1]
        dx, dy = x - bx, y - by
        dist = math.hypot(dx, dy)
        if dist > TELEPORT_M:
            body.position = (x, y)
            v = (0.0, 0.0)
        elif dist < 1e-9:
            v = (0.0, 0.0)
        else:
            v = (dx / dt, dy / dt)
            top = max(top, dist / dt)
        if v != old_v:
            _cp.cpBodySetVelocity(sc.ptr[nd + j], v)
            sc.people_v[j] = v
    sc.people_last = now
    return top


def step_physics(world: "World", dt: float) -> None:
    """Wind, friction and people into the bodies, then substep the space."""
    st = world.physics
    if st.space is None:
        return
    if len(st.people) < len(world.people):
        _sync_people(world, st)
    sc = _read(st)
    top = max(_drive_debris(world, st, sc, dt), _drive_people(world, st, sc, dt))
    n = max(1, min(math.ceil(top * dt / MAX_STEP_M - 1e-9), math.ceil(MAX_SPEED_M_S * dt / MAX_STEP_M)))
    h = dt / n
    space = st.space
    for _ in range(n):
        space.step(h)
    sc.fresh = False


# --------------------------------------------------------------------------
# what the rest of the game reads


def state_bytes(world: "World") -> bytes:
    """Every piece's kind, size, mass, place, motion and sleep, in id order."""
    st = world.physics
    if st.space is None:
        return b""
    sc = _read(st)
    nd = sc.nd
    head = struct.pack("<qqq", nd, st.rescues, len(st.people))
    meta = np.array(
        [(_KIND_NAMES.index(p.kind), p.alive, p.mass_kg, p.length_m, p.width_m) for p in st.pieces],
        dtype=np.float64,
    ).reshape(nd, 5)
    live = sc.live_idx
    return head + meta.tobytes() + sc.state[live].tobytes() + sc.asleep[live].tobytes()


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
                "mass_kg": round(float(p.mass_kg), 3),
                "position": [round(x, 3), round(y, 3)],
                "angle_deg": round(math.degrees(a) % 360.0, 2),
                "size_m": [round(float(p.length_m), 3), round(float(p.width_m), 3)],
                "heavy": bool(p.heavy),
                "asleep": bool(sc.asleep[i]),
            }
        )
    return out


@dataclass(frozen=True)
class DebrisView:
    """Arrays for drawing, one row per live piece (positions in metres, angles in radians)."""

    ids: np.ndarray
    kinds: tuple[str, ...]
    position_m: np.ndarray  # (n, 2) centre
    angle_rad: np.ndarray
    size_m: np.ndarray  # (n, 2) length, width
    heavy: np.ndarray
    asleep: np.ndarray


def debris_view(world: "World") -> DebrisView:
    """What a renderer needs each frame, without per-body calls."""
    st = world.physics
    if st.space is None:
        z = np.zeros(0)
        return DebrisView(z.astype(np.int64), (), np.zeros((0, 2)), z, np.zeros((0, 2)), z.astype(bool), z.astype(bool))
    sc = _read(st)
    live = sc.live_idx
    return DebrisView(
        ids=live.copy(),
        kinds=tuple(st.pieces[i].kind for i in live.tolist()),
        position_m=sc.state[live, 0:2].copy(),
        angle_rad=sc.state[live, 2].copy(),
        size_m=np.stack([sc.length[live], sc.width[live]], axis=1),
        heavy=sc.heavy[live].copy(),
        asleep=sc.asleep[live].copy(),
    )


def _placement_key(st: PhysicsState, sc: _Scratch) -> tuple:
    live = sc.live_idx
    return (st.version, sc.state[live, 0:3].tobytes())


def occupancy(world: "World") -> tuple[np.ndarray, np.ndarray]:
    """(blocked [y, x], slow [y, x] >= 1): heavy debris blocks a cell, light debris slows it.

    Read-only arrays, recomputed only when some piece has moved since the last call.
    """
    st = world.physics
    shape = world.grid.tiles.shape
    if st.space is None:
        return np.zeros(shape, dtype=bool), np.ones(shape, dtype=np.float32)
    sc = _read(st)
    key = _placement_key(st, sc)
    if sc.occ_key == key and sc.occ is not None:
        return sc.occ
    h, w = shape
    flat, inside = fp.sample_cells(sc.samp_local, sc.samp_slot, sc.state[:, 0:2], sc.state[:, 2], shape)
    blocked = np.zeros(h * w, dtype=bool)
    blocked[flat[inside & sc.samp_heavy]] = True
    light = inside & ~sc.samp_heavy
    cover = np.bincount(flat[light], weights=sc.samp_slow[light], minlength=h * w)
    slow = np.minimum(1.0 + cover, SLOW_MAX).astype(np.float32)
    blocked = blocked.reshape(h, w)
    slow = slow.reshape(h, w)
    blocked.flags.writeable = False
    slow.flags.writeable = False
    sc.occ, sc.occ_key = (blocked, slow), key
    return sc.occ


def breach_plug_fraction(world: "World") -> np.ndarray:
    """Per breach (in `world.breaches` order), the share of its area covered by light debris.

    A piece lying over a hole's mouth seals its kind's `plug_fraction` of it
    (less if the piece is smaller than the hole); pieces combine as
    independent covers, capped at MAX_PLUG. Effective area = area * (1 - plug).
    """
    st = world.physics
    nb = len(world.breaches)
    if st.space is None or nb == 0:
        return np.zeros(nb)
    sc = _read(st)
    key = (_placement_key(st, sc), tuple((b.x, b.y, b.area_m2) for b in world.breaches))
    if sc.plug_key == key:
        return sc.plug.copy()
    out = np.zeros(nb)
    live = sc.live_idx[~sc.heavy[sc.live_idx]]
    if live.size:
        pos, ang = sc.state[live, 0:2], sc.state[live, 2]
        face = sc.length[live] * sc.width[live]
        for i, b in enumerate(world.breaches):
            mouth = _mouth(world, b.x, b.y)
            if mouth is None:
                continue
            d = fp.rect_distance(mouth[0], mouth[1], pos, ang, sc.length[live], sc.width[live])
            on = d <= PLUG_REACH_M
            if on.any():
                f = sc.plug_f[live[on]] * np.minimum(1.0, face[on] / max(b.area_m2, 1e-9))
                out[i] = min(MAX_PLUG, 1.0 - float(np.prod(1.0 - f)))
    sc.plug, sc.plug_key = out, key
    return out.copy()


# --------------------------------------------------------------------------
# changes from outside: doors, cuts, crew actions


def tiles_changed(world: "World", cells: Iterable[tuple[int, int]]) -> None:
    """Cells changed passability (door opened/closed, wall cut): rebuild only nearby walls.

    Pieces resting there are woken so they can fall through a new opening,
    and any piece whose centre a closing door now covers is moved off it.
    """
    st = world.physics
    if st.space is None:
        return
    cells = list(cells)
    st.passable = debris_passable(world.grid.tiles, world.door_open)
    update_walls(st.walls, st.space, st.walls_body, st.passable)
    if not cells:
        return
    sc = _read(st)
    xs = [c[0] for c in cells]
    ys = [c[1] for c in cells]
    bb = pymunk.BB(min(xs) - 1.0, min(ys) - 1.0, max(xs) + 2.0, max(ys) + 2.0)
    hits = st.space.bb_query(bb, pymunk.ShapeFilter(mask=CAT_DEBRIS))
    touched = sorted({id(s.body): s.body for s in hits if s.body.body_type == pymunk.Body.DYNAMIC}.values(), key=_piece_order(st))
    for body in touched:
        body.activate()
    live = sc.live_idx
    if live.size:
        h, w = st.passable.shape
        cx = np.clip(sc.state[live, 0].astype(np.int64), 0, w - 1)
        cy = np.clip(sc.state[live, 1].astype(np.int64), 0, h - 1)
        bad = np.zeros(sc.nd, dtype=bool)
        bad[live[~st.passable[cy, cx]]] = True
        if bad.any():
            before = st.rescues
            _keep_inside(st, sc, bad)
            st.rescues = before  # a door shutting on debris is not a physics failure
    _dirty(st)


def _piece_order(st: PhysicsState):
    index = {id(p.body): p.id for p in st.pieces if p.body is not None}
    return lambda body: index.get(id(body), -1)


def clear_light_debris(world: "World", cell: tuple[int, int]) -> bool:
    """Move every light piece lying on `cell` to the nearest free spot off it; True if any moved."""
    st = world.physics
    if st.space is None:
        return False
    sc = _read(st)
    h, w = st.passable.shape
    x, y = cell
    target = y * w + x
    flat, inside = fp.sample_cells(sc.samp_local, sc.samp_slot, sc.state[:, 0:2], sc.state[:, 2], (h, w))
    on = np.unique(sc.samp_slot[inside & (flat == target) & ~sc.samp_heavy]).tolist()
    if not on:
        return False
    blocked, _ = occupancy(world)
    avoid = blocked.copy()
    avoid[y, x] = True
    moved = False
    for i in on:
        p = st.pieces[i]
        ang = float(sc.state[i, 2])
        spot = _fit(st.passable, p.length_m, p.width_m, (x + 0.5, y + 0.5), ang, (x - 1.5, y - 1.5, x + 2.5, y + 2.5), avoid)
        if spot is None:
            continue
        _move_piece(st, p, spot[0], spot[1])
        moved = True
    _dirty(st)
    return moved


def cut_beam(world: "World", debris_id: int, at: tuple[float, float] | None = None, gap_m: float = CUT_GAP_M) -> list[int]:
    """Cut `gap_m` out of a piece around the point nearest `at` (default its middle).

    What is left either side stays where it lay, with mass in proportion to
    length; a short enough piece is light and can then be cleared. Returns the
    ids of the pieces left (empty if the cut took the whole piece).
    """
    st = world.physics
    if st.space is None or not 0 <= debris_id < len(st.pieces) or not st.pieces[debris_id].alive:
        return []
    sc = _read(st)
    p = st.pieces[debris_id]
    x, y, a = sc.state[debris_id, 0:3].tolist()
    ux, uy = math.cos(a), math.sin(a)
    half = p.length_m / 2
    t = 0.0 if at is None else max(-half, min(half, (at[0] - x) * ux + (at[1] - y) * uy))
    kind = KINDS[p.kind]
    _remove_piece(st, p)
    ids = []
    for lo, hi in ((-half, t - gap_m / 2), (t + gap_m / 2, half)):
        length = hi - lo
        if length < MIN_PIECE_M:
            continue
        mid = (lo + hi) / 2
        mass = p.mass_kg * length / p.length_m
        ids.append(_add_piece(st, kind, length, p.width_m, mass, (x + ux * mid, y + uy * mid), a))
    _dirty(st)
    return ids
