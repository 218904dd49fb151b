"""Debris: falling, wind-driven rigid bodies (pymunk), and what they block.

Owns the physics space: merged static walls built from the grid, one dynamic
body per piece of debris and one static body per person. Top-down, the
deck's friction is a pivot and a gear joint from each piece to the static
body with a force limit of mu m g, so pymunk applies it inside every substep.
Python only adds the wind's drag, and only to pieces where the wind is
strong enough to matter; a sleeping piece is looked at every half second and
woken if the wind there would move it. The space is stepped at 60 Hz, which
also keeps every body well short of crossing a wall in one substep, and not
at all while every piece sleeps. People's bodies are put where they stand
only while a heavy piece moves near them (nothing else can touch them).

What the rest of the game reads (occupancy, records) is worked out lazily
from the bodies read when they last moved and kept until something moves;
breach plugging asks the space what lies at each hole.

Contract used by the rest of the simulation: `create_physics`,
`spawn_debris`, `step_physics`, `state_bytes`, `debris_records`,
`occupancy`; hooks `tiles_changed` and `breach_opened`; rules for crew
actions `clear_light_debris` and `cut_beam`; `update_plugs` for the
atmosphere (`breach_plug_fraction` to look); `debris_view` for drawing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np
import pymunk
import pymunk.batch as pb

# The raw setters of the pinned pymunk (7.3.1): a third of the cost of the
# Body properties, with the same effect.
from pymunk._chipmunk import lib as _cp

from game.sim import debris_footprint as fp
from game.sim.constants import M_AIR, M_N2, M_O2, MARS_G_M_S2, MARS_PRESSURE_PA, R, T_K
from game.sim.debris_kinds import HEAVY_KG, KINDS, DebrisKind
from game.sim.state import cache, derived, feed_bytes, static, synced
from game.sim.static_geometry import (
    CAT_DEBRIS,
    CAT_HEAVY,
    CAT_PERSON,
    CAT_WALL,
    WallSet,
    build_walls,
    debris_passable,
    doorway_cells,
    update_walls,
)

if TYPE_CHECKING:
    from game.sim.breaches import Breach
    from game.sim.world import World

# Debris never goes faster (m/s): a thrown object, not the jet in the hole.
MAX_SPEED_M_S = 12.0
# Travel per substep. Walls are whole 1 m cells, so 0.2 m can never carry a
# body's centre past a wall's middle: no tunnelling at MAX_SPEED_M_S.
MAX_STEP_M = 0.2
PHYSICS_HZ = 60.0  # the usual rate for contact-rich motion; 6 substeps per 0.1 s tick
SLEEP_AFTER_S = 0.5  # still for this long, a body sleeps and costs nothing
IDLE_SPEED_M_S = 0.05  # slower than this counts as still
COLLISION_SLOP_M = 0.005
ESCAPE_DEPTH_M = 0.3  # a centre this deep in a wall is put back (walls are 1 m thick)
DEBRIS_FRICTION = 0.5  # between pieces, and against walls and people
PERSON_RADIUS_M = 0.25
WAKE_CHECK_TICKS = 5  # sleeping pieces feel the wind every half second...
STALL_MARGIN = 1.2  # a piece the wind failed to move is tried again only at this much more (speed squared)
CALM_CHECK_TICKS = 20  # ...or every 2 s while it is under half the speed that would move any
NEAR_M = 1.0  # a person this close to a piece may touch it within a tick
FEW_AWAKE = 48  # up to this many bodies awake, read them one by one rather than all in one batch
SEARCH_FROM_BODIES = 400  # from this many bodies, read the awake ones one by one rather than all in a batch
LIST_EVERY_TICKS = 10  # with few awake, list the awake bodies anyway this often (a backstop)
NEAR_TOUCH_M = 0.1  # a piece this close to an awake one may have been pushed awake by it
TICK_GUESS_S = 0.1  # a tick, for how far an awake piece may have gone (reach grows with it)
# Drag weaker than this share of a moving piece's floor friction is left out;
# a still piece only gets drag that beats its friction (else it stays put).
DRAG_RELEVANT = 0.1
RHO_BOUND = 2.0  # x nominal air density: a safe upper bound for the quick wind test
PLUG_REACH_M = 0.1  # a piece this close to a hole's mouth lies over it
MAX_PLUG = 0.9  # air always finds a way round loose debris
SLOW_MAX = 4.0  # walking-cost multiplier cap for light debris in a cell
THROW_RADIUS_M = 3.0  # a new breach flings loose things from this close
THROW_SPEED_M_S = (2.0, 6.0)
CUT_GAP_M = 1.0  # a cut takes this much out of a beam (two lance cuts, section dragged clear)
MIN_PIECE_M = 0.25

_STATE_FIELDS = (
    pb.BodyFields.BODY_ID
    | pb.BodyFields.POSITION
    | pb.BodyFields.ANGLE
    | pb.BodyFields.VELOCITY
    | pb.BodyFields.ANGULAR_VELOCITY
)
_KIND_NAMES = tuple(KINDS)
_EMPTY = np.zeros(0, dtype=np.int64)
_SUBSTEPS: dict[float, int] = {}


@dataclass
class Piece:
    """One piece of debris. `body` is None once it has been cut up or removed."""

    id: int = synced()
    kind: str = synced()
    mass_kg: float = synced()
    length_m: float = synced()
    width_m: float = synced()
    # In the space: hashed from there (PhysicsState.space), with the solver's state.
    body: pymunk.Body | None = synced(default=None)
    shape: pymunk.Poly | None = synced(default=None)
    joints: tuple[pymunk.Constraint, ...] = synced(default=())  # floor friction

    @property
    def heavy(self) -> bool:
        return self.mass_kg >= HEAVY_KG

    @property
    def alive(self) -> bool:
        return self.body is not None


class _Scratch:
    """Tables derived from the state and the last read of the bodies, and the
    bookkeeping that decides when to look at what; never hashed.

    On copy or pickle only the bookkeeping (`_KEPT`) goes along, so a copy
    makes the same decisions; the rest holds raw pointers and is rebuilt.
    """

    _KEPT = (
        "maybe_awake", "tracked_ids", "next_wake_tick", "px", "py", "stall_u2", "stall_flat",
    )

    def __init__(self) -> None:
        self.version = -1
        self.n_people = -1
        self.fresh = False  # `state` and `asleep` are exact for every piece
        self.maybe_awake = True  # some piece may be awake: read before stepping
        self.tracked_ids: set[int] = set()
        self.next_wake_tick = 0
        self.get_buf = pb.Buffer()
        self.id_buf = pb.Buffer()
        self.arb_buf = pb.Buffer()
        self.set_buf = pb.Buffer()
        self.awake = _EMPTY
        self.order_ids = b""
        self.sleepers: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.stall_u2 = np.zeros(0)  # per piece: the wind (over its wake wind, squared) that last failed to move it
        self.stall_flat = np.zeros(0, dtype=np.int64)  # ...and the cell it lay on then
        self.need_listing = True  # the next read lists the awake bodies (see _read_pieces)
        self.reads_unlisted = 0
        self.written: list[int] = []  # pieces given a velocity since the last read
        self.wake_gains: tuple[list, list[float]] | None = None  # per breach pattern, see _wind_bound
        self.occ_key: tuple | None = None
        self.by_holes_key: tuple | None = None  # see _lying_by_holes
        self.by_holes: list[list[int]] = []
        self.occ: tuple[np.ndarray, np.ndarray] | None = None
        self.foot_version = -1
        self.shape_index: dict[int, int] = {}
        self.shape_index_version = -1
        self.samples_by_id: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.body_ids: dict[int, int] = {}
        self.px: list[float] = []  # where each person's body is bound by the end of the step
        self.py: list[float] = []

    def __reduce__(self) -> tuple:
        return (_restore_scratch, ({k: getattr(self, k) for k in self._KEPT},))


def _restore_scratch(kept: dict[str, Any]) -> _Scratch:
    sc = _Scratch()
    sc.__dict__.update(kept)
    return sc


def _pieces_bytes(st: "PhysicsState") -> bytes:
    """Every piece's kind, whether it is still whole, its mass and size, in id order."""
    meta = np.array(
        [(_KIND_NAMES.index(p.kind), p.alive, p.mass_kg, p.length_m, p.width_m) for p in st.pieces],
        dtype=np.float64,
    ).reshape(len(st.pieces), 5)
    return meta.tobytes()


def _space_bytes(st: "PhysicsState") -> bytes:
    """Every live body's place, motion and sleep, and what the solver carries over."""
    if st.space is None:
        return b""
    sc = _read(st, full=True)
    live = sc.live_idx
    return sc.state[live].tobytes() + sc.asleep[live].tobytes() + _solver_bytes(st, sc)


@dataclass
class PhysicsState:
    space: pymunk.Space | None = synced(default=None, encode=lambda st: _space_bytes(st))
    walls_body: pymunk.Body | None = derived(default=None)  # static: walls hang on it, floor joints pull on it
    walls: WallSet | None = derived(default=None)  # built from the grid and the doors
    passable: np.ndarray = derived(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    pieces: list[Piece] = synced(default_factory=list, encode=lambda st: _pieces_bytes(st))
    people: list[pymunk.Body] = derived(default_factory=list)  # static bodies, by person id, where they stand
    # A person's body collides only while a moving heavy piece is near ("tracked");
    # elsewhere it is parked, touching nothing, so crowds far from any piece cost nothing.
    tracked: list[bool] = synced(default_factory=list)
    rho_bound: float = static(default=2.4)  # kg/m3, RHO_BOUND x the level's nominal air
    version: int = cache(default=0)  # bumped whenever pieces are added or removed: a key for caches
    rescues: int = synced(default=0)  # pieces found deep inside a wall and put back (should stay 0)
    stamp: int = cache(default=0)  # bumped whenever any piece may have moved: a cheap key for caches
    over_hole: dict[int, int] = synced(default_factory=dict)  # breach id by id of a piece held over it
    # Derived tables and the bookkeeping of when to look at what (copies keep that part, see _Scratch).
    scratch: _Scratch = cache(default_factory=_Scratch)

    @property
    def bodies(self) -> list[pymunk.Body]:
        """The live debris bodies, in id order."""
        return [p.body for p in self.pieces if p.body is not None]


def substeps(dt: float) -> int:
    """Substeps per tick: PHYSICS_HZ, and never more than MAX_STEP_M of travel each."""
    return max(math.ceil(dt * PHYSICS_HZ - 1e-9), math.ceil(MAX_SPEED_M_S * dt / MAX_STEP_M - 1e-9), 1)


# --------------------------------------------------------------------------
# creation


def create_physics(world: "World") -> PhysicsState:
    """A space with the grid's walls and a body for everyone."""
    space = pymunk.Space()
    space.gravity = (0.0, 0.0)  # top-down: the floor joints stand in for gravity
    space.sleep_time_threshold = SLEEP_AFTER_S
    space.idle_speed_threshold = IDLE_SPEED_M_S
    space.collision_slop = COLLISION_SLOP_M
    walls_body = pymunk.Body(body_type=pymunk.Body.STATIC)
    # Our own static body: in a batch read it also marks where awake bodies end.
    space.add(walls_body)
    passable = debris_passable(world.grid.tiles, world.door_open)
    rho_nominal = world.level.meta.nominal_pressure_bar * 1e5 * M_AIR / (R * T_K)
    st = PhysicsState(space=space, walls_body=walls_body, passable=passable, rho_bound=RHO_BOUND * rho_nominal)
    st.walls = build_walls(space, walls_body, passable, doorway_cells(world.grid.tiles))
    _sync_people(world, st)
    return st


# People step over light debris (walking through it costs time, see
# occupancy) and do not sweep it along; heavy debris they cannot pass, and
# it cannot pass them.
_PERSON_ON = pymunk.ShapeFilter(categories=CAT_PERSON, mask=CAT_HEAVY)
_PERSON_OFF = pymunk.ShapeFilter(categories=CAT_PERSON, mask=0)
_LIGHT = pymunk.ShapeFilter(categories=CAT_DEBRIS, mask=CAT_WALL | CAT_DEBRIS)
_HEAVY = pymunk.ShapeFilter(categories=CAT_DEBRIS | CAT_HEAVY, mask=CAT_WALL | CAT_DEBRIS | CAT_PERSON)
_PLUG_QUERY = pymunk.ShapeFilter(mask=CAT_DEBRIS)  # what may lie over a hole: any piece (heavy ones are skipped)


def _sync_people(world: "World", st: PhysicsState) -> None:
    """One static circle per person, added (parked) for anyone new.

    Static: debris moving into a person stops at them, but a person never
    shoves a heavy piece (nobody can), and placing their body wakes nothing.
    """
    for p in world.people[len(st.people):]:
        body = pymunk.Body(body_type=pymunk.Body.STATIC)
        body.position = (p.x, p.y)
        shape = pymunk.Circle(body, PERSON_RADIUS_M)
        shape.friction = DEBRIS_FRICTION
        shape.filter = _PERSON_OFF
        st.space.add(body, shape)
        st.people.append(body)
        st.tracked.append(False)


def _add_piece(
    st: PhysicsState, kind: DebrisKind, length_m: float, width_m: float, mass_kg: float,
    pos: tuple[float, float], angle: float, vel: tuple[float, float] = (0.0, 0.0), spin: float = 0.0,
) -> int:
    length_m, width_m, mass_kg = float(length_m), float(width_m), float(mass_kg)
    body = pymunk.Body(mass_kg, pymunk.moment_for_box(mass_kg, (length_m, width_m)))
    body.position = pos
    body.angle = angle
    body.velocity = vel
    body.angular_velocity = spin
    shape = pymunk.Poly.create_box(body, (length_m, width_m))
    shape.friction = DEBRIS_FRICTION
    shape.elasticity = 0.0
    shape.filter = _HEAVY if mass_kg >= HEAVY_KG else _LIGHT
    # Floor friction: velocity-only joints to the static body, capped at the
    # sliding force mu m g and at the torque of that force about the centre
    # (mean lever arm of a rectangle's area, about (L + W) / 5).
    friction_n = kind.floor_mu * mass_kg * MARS_G_M_S2
    slide = pymunk.PivotJoint(st.walls_body, body, (0.0, 0.0), (0.0, 0.0))
    slide.max_bias = 0.0
    slide.max_force = friction_n
    turn = pymunk.GearJoint(st.walls_body, body, 0.0, 1.0)
    turn.max_bias = 0.0
    turn.max_force = friction_n * (length_m + width_m) / 5.0
    st.space.add(body, shape, slide, turn)
    piece = Piece(len(st.pieces), kind.name, mass_kg, length_m, width_m, body, shape, (slide, turn))
    st.pieces.append(piece)
    st.version += 1
    return piece.id


def _remove_piece(st: PhysicsState, piece: Piece) -> None:
    st.space.remove(piece.body, piece.shape, *piece.joints)
    piece.body = None
    piece.shape = None
    piece.joints = ()
    st.version += 1


def _move_piece(st: PhysicsState, p: Piece, pos: tuple[float, float], angle: float) -> None:
    p.body.position = pos
    p.body.angle = angle
    p.body.velocity = (0.0, 0.0)
    p.body.angular_velocity = 0.0
    st.space.reindex_shapes_for_body(p.body)


# --------------------------------------------------------------------------
# derived tables and reading the bodies in bulk


def _tables(st: PhysicsState) -> _Scratch:
    """Per-piece constants, id lookup and raw pointers, rebuilt when pieces change."""
    sc = st.scratch
    if sc.version == st.version and sc.n_people == len(st.people):
        return sc
    pieces, nd, npp = st.pieces, len(st.pieces), len(st.people)
    kinds = [KINDS[p.kind] for p in pieces]
    sc.nd, sc.npp = nd, npp
    sc.alive = np.array([p.alive for p in pieces], dtype=bool)
    sc.live_idx = np.flatnonzero(sc.alive)
    sc.length = np.array([p.length_m for p in pieces], dtype=np.float64)
    sc.width = np.array([p.width_m for p in pieces], dtype=np.float64)
    sc.mass = np.array([p.mass_kg for p in pieces], dtype=np.float64)
    sc.heavy = sc.mass >= HEAVY_KG
    cda = np.array([k.drag_area_m2(p.length_m, p.width_m) for k, p in zip(kinds, pieces)], dtype=np.float64)
    sc.drag_k = 0.5 * cda / np.maximum(sc.mass, 1e-9)  # drag m/s2 per (kg/m3 x (m/s)2)
    sc.mu_g = np.array([k.floor_mu * MARS_G_M_S2 for k in kinds], dtype=np.float64)
    # Quick wind tests on squared relative wind speed, at the density bound.
    base = sc.mu_g / (st.rho_bound * np.maximum(sc.drag_k, 1e-12))
    sc.u2_relevant = DRAG_RELEVANT * base
    sc.u2_wake = base
    sc.plug_f = np.array([k.plug_fraction for k in kinds], dtype=np.float64)
    ids = sc.body_ids  # a piece keeps its body for life: look each id up once
    pairs = [(ids[p.id] if p.id in ids else ids.setdefault(p.id, p.body.id), p.id) for p in pieces if p.body is not None]
    pairs += [(b.id, nd + j) for j, b in enumerate(st.people)]
    pairs += [(st.walls_body.id, -1), (st.space.static_body.id, -1)]
    pairs.sort()
    sc.sorted_ids = np.array([a for a, _ in pairs], dtype=np.uintp)
    sc.sorted_slot = np.array([b for _, b in pairs], dtype=np.int64)
    sc.static_ids = (st.walls_body.id, st.space.static_body.id)
    sc.ptr = [p.body._body if p.body is not None else None for p in pieces] + [b._body for b in st.people]
    sc.state = np.zeros((nd + npp, 6))  # x, y, angle, vx, vy, spin per slot; filled by the next read
    old_n = sc.stall_u2.size  # pieces keep their ids: keep what is known of them
    sc.stall_u2 = np.concatenate([sc.stall_u2[:nd], np.zeros(max(0, nd - old_n))])
    sc.stall_flat = np.concatenate([sc.stall_flat[:nd], np.full(max(0, nd - old_n), -1, dtype=np.int64)])
    sc.asleep = np.zeros(nd, dtype=bool)
    sc.order = _EMPTY
    sc.order_ids = b""
    sc.order_fresh = False
    sc.slot_of = {b: k for b, k in pairs if 0 <= k < nd}  # body id -> piece slot
    sc.awake = _EMPTY
    if len(sc.px) != npp:
        known = min(len(sc.px), npp)
        nan = float("nan")
        sc.px = sc.px[:known] + [nan] * (npp - known)  # nan: placed on first sync
        sc.py = sc.py[:known] + [nan] * (npp - known)
    sc.tracked_ids = {j for j, t in enumerate(st.tracked) if t}
    sc.version, sc.n_people = st.version, npp
    sc.fresh = False
    sc.maybe_awake = True
    sc.occ_key = sc.by_holes_key = None
    return sc


def _footprints(st: PhysicsState, sc: _Scratch) -> None:
    """Area samples of every live piece, for occupancy; built on first need."""
    if sc.foot_version == st.version:
        return
    locs, slots, weights = [], [], []
    cache = sc.samples_by_id
    for p in st.pieces:
        if p.body is None:
            continue
        if p.id not in cache:  # a piece's size never changes: sample it once
            local = fp.area_samples(p.length_m, p.width_m)
            per = p.length_m * p.width_m / len(local) * KINDS[p.kind].slow_per_m2
            cache[p.id] = (local, np.full(len(local), p.id, dtype=np.int64), np.full(len(local), per))
        local, slot, weight = cache[p.id]
        locs.append(local)
        slots.append(slot)
        weights.append(weight)
    sc.samp_local = np.concatenate(locs) if locs else np.zeros((0, 2))
    sc.samp_slot = np.concatenate(slots) if slots else _EMPTY
    sc.samp_slow = np.concatenate(weights) if weights else np.zeros(0)
    sc.samp_heavy = sc.heavy[sc.samp_slot]
    sc.foot_version = st.version


def _batch_get(st: PhysicsState, sc: _Scratch) -> np.ndarray:
    """Read every body's 6 numbers in the library's order; updates the order tables.

    The library lists awake bodies (people, then any awake pieces, in its
    own order), then static ones, then sleeping ones. The order only changes
    when bodies sleep, wake, come or go, so it is looked up again only then.
    """
    buf = sc.get_buf
    buf.clear()
    pb.get_space_bodies(st.space, _STATE_FIELDS, buf)
    ids = bytes(buf.int_buf())
    if ids != sc.order_ids:
        order = sc.sorted_slot[sc.sorted_ids.searchsorted(np.frombuffer(ids, dtype=np.uintp))]
        n_active = int(order.argmin())  # the first static body (slot -1)
        rows = np.arange(order.size)
        mine = (order >= 0) & (order < sc.nd)
        sc.order, sc.order_ids = order, ids
        sc.sleepers = None  # which pieces sleep has changed
        sc.awake_now = order[rows[:n_active][mine[:n_active]]]
        sc.piece_rows = rows[mine]
        sc.piece_slots = order[mine]
        sc.piece_asleep = sc.piece_rows >= n_active
    return np.frombuffer(buf.float_buf(), dtype=np.float64).reshape(-1, 6)


def _read(st: PhysicsState, full: bool = False) -> _Scratch:
    """Every body's place, motion and sleep (cached until something can have moved).

    `full` also brings the library's body order up to date (for hashing).
    """
    sc = _tables(st)
    if not sc.fresh or (full and not sc.order_fresh):
        _read_pieces(st, sc, full)
    return sc


def _read_pieces(st: PhysicsState, sc: _Scratch, full: bool = False) -> np.ndarray:
    """Read the pieces that moved since the last read; returns the awake ones' slots.

    A space of few bodies is read whole, in one batch. In one of many,
    sleeping pieces have not moved, so with few awake only those are read,
    one by one. Which they are comes from the last read's awake pieces, the
    ones pushed since, and whatever sleeps no more around them
    (`_read_near`), or, every LIST_EVERY_TICKS reads and after outside
    changes, from the library's list of awake bodies (one batch read of
    ids). With many awake, one batch read of every body.
    """
    if not full and sc.order_ids and sc.nd + sc.npp >= SEARCH_FROM_BODIES:
        if not sc.need_listing and sc.reads_unlisted < LIST_EVERY_TICKS:
            awake = _read_near(st, sc)
            if awake is not None:
                sc.reads_unlisted += 1
                return _took(sc, awake)
        sc.need_listing = False
        sc.reads_unlisted = 0
        sc.written = []
        buf = sc.id_buf
        buf.clear()
        pb.get_space_bodies(st.space, pb.BodyFields.BODY_ID, buf)
        ids = np.frombuffer(buf.int_buf(), dtype=np.uintp)
        n_active = int((ids == sc.static_ids[0]).argmax())  # awake bodies come first
        if n_active <= FEW_AWAKE:
            slot_of = sc.slot_of
            now = sorted(k for k in map(slot_of.get, ids[:n_active].tolist()) if k is not None)
            before = sc.awake.tolist()
            read = _read_one
            for k in set(now).union(before):
                read(sc, k)
            sc.asleep[before] = True
            sc.asleep[now] = False
            if now != before:
                sc.sleepers = None  # which pieces sleep has changed
            sc.order_fresh = False
            return _took(sc, np.array(now, dtype=np.int64))
    data = _batch_get(st, sc)
    sc.state[sc.piece_slots] = data[sc.piece_rows]
    sc.asleep[sc.piece_slots] = sc.piece_asleep
    sc.order_fresh = True
    sc.need_listing = False
    sc.reads_unlisted = 0
    sc.written = []
    return _took(sc, np.sort(sc.awake_now))


def _read_one(sc: _Scratch, k: int) -> None:
    """Piece k's place and motion, straight from its body."""
    b = sc.ptr[k]
    p, v = _cp.cpBodyGetPosition(b), _cp.cpBodyGetVelocity(b)
    sc.state[k] = (p.x, p.y, _cp.cpBodyGetAngle(b), v.x, v.y, _cp.cpBodyGetAngularVelocity(b))


def _read_near(st: PhysicsState, sc: _Scratch) -> np.ndarray | None:
    """The awake pieces found without listing every body (None if too many).

    A sleeping piece only wakes when pushed: by us (`sc.written`) or by an
    awake piece touching it, so the search starts from the last awake and
    the pushed, and looks for pieces that sleep no more within reach of
    each awake one (what it could have touched during the tick).
    """
    before = sc.awake.tolist()
    queue = sorted(set(before).union(sc.written))
    sc.written = []
    if len(queue) > FEW_AWAKE:
        return None
    seen = set(queue)
    asleep, ptr, state = sc.asleep, sc.ptr, sc.state
    is_sleeping = _cp.cpBodyIsSleeping
    index = _shape_index(st)
    query = st.space.bb_query
    awake = []
    while queue:
        k = queue.pop()
        _read_one(sc, k)
        if is_sleeping(ptr[k]):
            asleep[k] = True
            continue
        asleep[k] = False
        awake.append(k)
        if len(awake) > FEW_AWAKE:
            return None
        x, y, _, vx, vy, _ = state[k].tolist()
        r = 0.5 * math.hypot(sc.length[k], sc.width[k]) + NEAR_TOUCH_M + 2.0 * math.hypot(vx, vy) * TICK_GUESS_S
        for shape in query(pymunk.BB(x - r, y - r, x + r, y + r), _PLUG_QUERY):
            j = index.get(id(shape))
            if j is not None and j not in seen:
                seen.add(j)
                if not is_sleeping(ptr[j]):
                    queue.append(j)
    awake.sort()
    if awake != before:
        sc.sleepers = None  # which pieces sleep has changed
    sc.order_fresh = False
    return np.array(awake, dtype=np.int64)


def _took(sc: _Scratch, awake: np.ndarray) -> np.ndarray:
    """Bookkeeping after a read that found `awake` (slots) awake."""
    sc.awake = awake
    sc.fresh = True  # people's rows are not read: they go where they are sent
    return awake


def _dirty(st: PhysicsState, listing: bool = True) -> None:
    """Bodies (or the walls, or the wind) changed outside the step: read again, look again.

    `listing`: find what this woke by listing the awake bodies (else the
    caller has put whatever it may have woken in `written`).
    """
    sc = st.scratch
    sc.fresh = False
    sc.maybe_awake = True
    sc.need_listing = sc.need_listing or listing
    sc.next_wake_tick = 0
    st.stamp += 1


# --------------------------------------------------------------------------
# spawning


def _area_for(params: dict[str, Any]) -> tuple[float, float, float, float, bool]:
    """The spawn area in metres (x0, y0, x1, y1) and whether it is one placed cell."""
    if "region" in params:
        x0, y0, x1, y1 = (int(v) for v in params["region"])
        return float(min(x0, x1)), float(min(y0, y1)), float(max(x0, x1) + 1), float(max(y0, y1) + 1), False
    if "at" in params:
        x, y = (int(v) for v in params["at"])
        return float(x), float(y), float(x + 1), float(y + 1), True
    raise ValueError("debris_fall needs 'at' or 'region'")


def _shape_index(st: PhysicsState) -> dict[int, int]:
    """Piece id by its shape's identity, for turning query hits into pieces (kept until pieces change)."""
    sc = st.scratch
    if sc.shape_index_version != st.version:
        sc.shape_index = {id(p.shape): p.id for p in st.pieces if p.shape is not None}
        sc.shape_index_version = st.version
    return sc.shape_index


def _heavy_cells(world: "World") -> np.ndarray:
    return occupancy(world)[0]


def spawn_debris(world: "World", params: dict[str, Any]) -> list[int]:
    """Drop `count` pieces of a kind into a region (or onto a cell); returns their ids.

    Every piece draws the same eight numbers from the debris stream, in
    order, whether or not it finds room, so one event never shifts another.
    A single piece dropped `at` a cell lands on its centre. Light pieces land
    clear of heavy ones; a heavy one pushes light ones out from under it.
    """
    st = world.physics
    if st.space is None:
        return []
    kind = KINDS[params["debris"]]
    x0, y0, x1, y1, placed = _area_for(params)
    count = int(params.get("count", 1))
    angle_deg = params.get("angle_deg")
    rng = world.rng["debris"]
    ids: list[int] = []
    blocked = None  # cells under heavy debris: worked out once, again after a heavy landing
    for _ in range(count):
        t_size, t_width, t_angle, ux, uy, vx, vy, spin = rng.random(8).tolist()
        length = kind.length_m[0] + t_size * (kind.length_m[1] - kind.length_m[0])
        width = kind.width_m[0] + t_width * (kind.width_m[1] - kind.width_m[0])
        mass = kind.mass_kg[0] + t_size * (kind.mass_kg[1] - kind.mass_kg[0])
        angle = math.radians(float(angle_deg)) if angle_deg is not None else t_angle * math.pi
        want = ((x0 + x1) / 2, (y0 + y1) / 2) if placed and count == 1 else (x0 + ux * (x1 - x0), y0 + uy * (y1 - y0))
        heavy = mass >= HEAVY_KG
        free = st.passable
        if not heavy:
            if blocked is None:
                blocked = _heavy_cells(world)
            free = st.passable & ~blocked
        spot = fp.find_spot(free, length, width, want, angle, (x0, y0, x1, y1))
        if spot is None:
            continue
        pos, angle = spot
        # Light things land with a little slide and spin; a beam lands dead.
        slide = 0.0 if heavy else 1.0
        vel = ((vx - 0.5) * 0.6 * slide, (vy - 0.5) * 0.6 * slide)
        ids.append(_add_piece(st, kind, length, width, mass, pos, angle, vel, (spin - 0.5) * slide))
        if heavy:
            _knock_aside(world, ids[-1])
            blocked = None
    _dirty(st)
    return ids


def _knock_aside(world: "World", piece_id: int) -> None:
    """Light pieces under a heavy one that just landed go to the nearest spot clear of it.

    Top-down, the solver would otherwise shove the beam sideways as if the
    panels under it shared the deck with it.
    """
    st = world.physics
    hits = st.space.shape_query(st.pieces[piece_id].shape)
    index = _shape_index(st)
    under = sorted({index[id(h.shape)] for h in hits if id(h.shape) in index} - {piece_id})
    under = [i for i in under if not st.pieces[i].heavy]
    if not under:
        return
    _dirty(st)
    free = st.passable & ~_heavy_cells(world)
    sc = _read(st)
    for i in under:
        p = st.pieces[i]
        x, y, a = sc.state[i, 0:3].tolist()
        spot = fp.find_spot(free, p.length_m, p.width_m, (x, y), a, (x - 2.0, y - 2.0, x + 2.0, y + 2.0))
        if spot is not None:
            _move_piece(st, p, spot[0], spot[1])
    _dirty(st)


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
    THROW_RADIUS_M of the mouth, thrown toward it. The hull cell stays solid
    for debris (a hole of some cm2 lets no piece through), so no walls change.
    Returns the new pieces' ids.
    """
    st = world.physics
    if st.space is None:
        return []
    _dirty(st)  # the wind changes at once: look at the sleeping pieces again
    mouth = _mouth(world, breach.x, breach.y)
    if mouth is None:
        return []
    count = int(min(4, max(1, round(breach.area_m2 * 1e4 / 40.0))))
    ys, xs = np.nonzero(st.passable)
    near = (xs + 0.5 - mouth[0]) ** 2 + (ys + 0.5 - mouth[1]) ** 2 <= THROW_RADIUS_M**2
    cells = sorted(zip(ys[near].tolist(), xs[near].tolist()))
    if not cells:
        return []
    kind = KINDS["personal_effects"]
    rng = world.rng["debris"]
    ids = []
    for _ in range(count):
        pick, t_size, t_width, t_angle, ux, uy, t_speed, t_turn = rng.random(8).tolist()
        cy, cx = cells[min(int(pick * len(cells)), len(cells) - 1)]
        length = kind.length_m[0] + t_size * (kind.length_m[1] - kind.length_m[0])
        width = kind.width_m[0] + t_width * (kind.width_m[1] - kind.width_m[0])
        mass = kind.mass_kg[0] + t_size * (kind.mass_kg[1] - kind.mass_kg[0])
        want = (cx + 0.2 + 0.6 * ux, cy + 0.2 + 0.6 * uy)
        spot = fp.find_spot(st.passable, length, width, want, t_angle * math.pi, (cx, cy, cx + 1, cy + 1))
        if spot is None:
            continue
        pos, angle = spot
        heading = math.atan2(mouth[1] - pos[1], mouth[0] - pos[0]) + (t_turn - 0.5) * math.radians(60)
        speed = THROW_SPEED_M_S[0] + t_speed * (THROW_SPEED_M_S[1] - THROW_SPEED_M_S[0])
        vel = (speed * math.cos(heading), speed * math.sin(heading))
        ids.append(_add_piece(st, kind, length, width, mass, pos, angle, vel))
    _dirty(st)
    return ids


# --------------------------------------------------------------------------
# the step


def _air_density(world: "World", flat: np.ndarray) -> np.ndarray:
    """kg/m3 of the air in each flat cell, from its compartment's gas (0 where there is none)."""
    c = world.compartments
    rho = np.zeros(c.count + 1)
    if c.count:
        rho[1:] = (c.n_o2 * M_O2 + c.n_other * M_N2) / c.volume_m3
    return rho[c.labels.reshape(-1).take(flat, mode="clip")]  # label 0 reads the leading 0


def depth_in_solid(passable: np.ndarray, x: float, y: float) -> float:
    """How far (m) the point is inside solid: 0 on a passable cell, else the
    distance to the nearest passable cell (inf if none within 1.5 m)."""
    h, w = passable.shape
    cx, cy = math.floor(x), math.floor(y)
    if 0 <= cx < w and 0 <= cy < h and passable[cy, cx]:
        return 0.0
    best = math.inf
    for ny in range(cy - 1, cy + 2):
        for nx in range(cx - 1, cx + 2):
            if 0 <= nx < w and 0 <= ny < h and passable[ny, nx]:
                dx = max(nx - x, x - (nx + 1), 0.0)
                dy = max(ny - y, y - (ny + 1), 0.0)
                best = min(best, math.hypot(dx, dy))
    return best


def _nearest_free(passable: np.ndarray, x: float, y: float) -> tuple[float, float]:
    ys, xs = np.nonzero(passable)
    d2 = (xs + 0.5 - x) ** 2 + (ys + 0.5 - y) ** 2
    k = int(np.argmin(d2))  # first in row-major order among equals
    return float(xs[k] + 0.5), float(ys[k] + 0.5)


def _keep_inside(st: PhysicsState, sc: _Scratch, bad: Iterable[int]) -> int:
    """Backstop: a piece whose centre is in a solid cell goes to the nearest free cell."""
    n = 0
    for i in bad:
        spot = _nearest_free(st.passable, float(sc.state[i, 0]), float(sc.state[i, 1]))
        _move_piece(st, st.pieces[i], spot, float(sc.state[i, 2]))
        sc.state[i, 0:2] = spot
        sc.state[i, 3:6] = 0.0
        n += 1
    return n


def _cells(st: PhysicsState, xy: np.ndarray) -> np.ndarray:
    """Flat cell index of each position (clipped into the grid's range)."""
    h, w = st.passable.shape
    cx = xy[:, 0].astype(np.intp)
    cy = xy[:, 1].astype(np.intp)
    cy *= w
    cy += cx
    return cy


def _wind_at(world: "World", st: PhysicsState, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The air's velocity (m/s) in flat cells, as float64."""
    atmos = world.atmos
    if atmos.wind_x.shape != st.passable.shape:
        z = np.zeros(flat.shape)
        return z, z
    # take on a 2-D array reads its flat view; float32, promoted in arithmetic
    return atmos.wind_x.take(flat, mode="clip"), atmos.wind_y.take(flat, mode="clip")


def _apply_drag(
    world: "World", st: PhysicsState, sc: _Scratch, slots: np.ndarray, flat: np.ndarray,
    wx: np.ndarray, wy: np.ndarray, vx: np.ndarray, vy: np.ndarray, dt: float,
) -> int:
    """Relax these pieces' velocities toward the local air over the tick; returns how many were written.

    Exact exponential relaxation at the drag rate rho |u| Cd A / 2m, so no tick
    length makes it overshoot the wind. A still piece is only pushed if the
    drag beats its floor friction; otherwise it stays and can sleep.
    """
    ux, uy = wx - vx, wy - vy
    umag = np.hypot(ux, uy)
    rate = _air_density(world, flat) * sc.drag_k[slots] * umag  # 1/s
    still = vx * vx + vy * vy < IDLE_SPEED_M_S**2
    go = ~still | (rate * umag > sc.mu_g[slots])
    if not go.any():
        return 0
    decay = np.exp(-rate * dt)
    nvx, nvy = wx - ux * decay, wy - uy * decay
    speed = np.hypot(nvx, nvy)
    cap = np.minimum(1.0, MAX_SPEED_M_S / np.maximum(speed, 1e-12))
    sel = np.flatnonzero(go)
    nvx, nvy = (nvx * cap)[sel], (nvy * cap)[sel]
    chosen = slots[sel]
    if sel.size == sc.live_idx.size and sel.size > 8 and sc.awake.size == sel.size and sc.order_fresh:
        _set_all(st, sc, chosen, nvx, nvy)  # every piece awake and driven: one batch write
    else:
        setv, ptr = _cp.cpBodySetVelocity, sc.ptr
        for i, a, b in zip(chosen.tolist(), nvx.tolist(), nvy.tolist()):
            setv(ptr[i], (a, b))
    sc.written.extend(chosen.tolist())  # woken, if they slept
    return int(sel.size)


def _set_all(st: PhysicsState, sc: _Scratch, slots: np.ndarray, vx: np.ndarray, vy: np.ndarray) -> None:
    """One batch write of every body's velocity (only when no piece sleeps: it would wake them)."""
    nslots = sc.nd + sc.npp
    vals = np.zeros((nslots + 1, 3))  # the extra zero row is what static bodies (slot -1) read
    vals[:nslots] = sc.state[:, 3:6]
    vals[slots, 0], vals[slots, 1] = vx, vy
    sc.set_rows = np.ascontiguousarray(vals[sc.order])
    sc.set_buf.set_float_buf(sc.set_rows.reshape(-1))
    pb.set_space_bodies(st.space, pb.BodyFields.VELOCITY | pb.BodyFields.ANGULAR_VELOCITY, sc.set_buf)


def _drive_awake(world: "World", st: PhysicsState, sc: _Scratch, awake: np.ndarray, dt: float) -> int:
    """Containment and drag for the awake pieces; returns velocities written."""
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
    vx, vy = s[:, 3], s[:, 4]
    ux, uy = wx - vx, wy - vy
    rel = ux * ux
    rel += uy * uy
    rel = rel > sc.u2_relevant[awake]
    if not rel.any():
        return 0
    sel = np.flatnonzero(rel)
    return _apply_drag(world, st, sc, awake[sel], flat[sel], wx[sel], wy[sel], vx[sel], vy[sel], dt)


def _wake_sleepers(world: "World", st: PhysicsState, sc: _Scratch, dt: float) -> int:
    """Wake sleeping pieces the wind there would move; returns how many were woken.

    Sleeping pieces do not move, so their cells and thresholds are kept from
    one full read to the next. The wind is each breach's fixed pattern times
    its flow, so a bound on the worst piece costs a few multiplications; only
    when it could be reached are the pieces looked at one by one (a gather
    and a compare).
    """
    if sc.sleepers is None:
        _read(st)
        sleeping = sc.live_idx[sc.asleep[sc.live_idx]]
        sc.sleepers = (sleeping, _cells(st, sc.state[sleeping]), sc.u2_wake[sleeping])
        sc.wake_gains = None
    sleeping, flat, u2_wake = sc.sleepers
    atmos = world.atmos
    sc.next_wake_tick = world.tick + WAKE_CHECK_TICKS
    if sleeping.size == 0 or atmos.wind_x.shape != st.passable.shape:
        return 0
    bound = _wind_bound(world, sc)  # at least sqrt of the worst u2 / u2_wake below
    if bound is not None and bound < 0.5:
        sc.next_wake_tick = world.tick + CALM_CHECK_TICKS
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
    zero = np.zeros(sel.size)
    return _apply_drag(world, st, sc, sleeping[sel], flat[sel], wx[sel], wy[sel], zero, zero, dt)


def _wind_bound(world: "World", sc: _Scratch) -> float | None:
    """An upper bound on the sleepers' worst wind speed over their wake speed
    (None if the wind is not the breaches' patterns): the sum over breaches
    of its flow times its pattern's worst ratio over the sleepers."""
    atmos = world.atmos
    sources = atmos.wind_sources
    if not sources or len(sources) != atmos.breach_flow_kg_s.size:
        return None  # no breaches, or a wind set by hand
    if sc.wake_gains is None or sc.wake_gains[0] is not sources:
        _, flat, u2_wake = sc.sleepers
        inv = 1.0 / np.sqrt(u2_wake)
        sc.wake_gains = (sources, [float((src.speed[flat] * inv).max()) for src in sources])
    return sum(g * abs(float(m)) for g, m in zip(sc.wake_gains[1], atmos.breach_flow_kg_s.tolist()))


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
        awake = _read_pieces(st, sc)
    else:
        awake = sc.awake = _EMPTY
    n_set = _drive_awake(world, st, sc, awake, dt) if awake.size else 0
    if world.tick >= sc.next_wake_tick:
        n_set += _wake_sleepers(world, st, sc, dt)
    moving = np.union1d(awake, sc.written) if sc.written else awake  # (written: pushed just now)
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


# --------------------------------------------------------------------------
# what the rest of the game reads


def state_bytes(world: "World") -> bytes:
    """Every piece's kind, size, mass, place, motion and sleep, in id order: the
    physics' share of the state hash."""
    return feed_bytes(world.physics)


def _solver_bytes(st: PhysicsState, sc: _Scratch) -> bytes:
    """What the solver carries from step to step: the order it visits bodies
    in, its contacts and their impulses, the floor joints' last impulses.

    They decide the next step as much as places do. pymunk's copies of a
    space keep none of them (nor who sleeps), so a copied world hashes
    differently and is known not to step like the original.
    """
    buf = sc.arb_buf
    buf.clear()
    pb.get_space_arbiters(st.space, pb.ArbiterFields.CONTACT_COUNT | pb.ArbiterFields.TOTAL_IMPULSE, buf)
    counts = np.frombuffer(buf.int_buf(), dtype=np.uintp).astype(np.float64)
    impulses = np.frombuffer(buf.float_buf(), dtype=np.float64).reshape(-1, 2)
    # The library lists contacts in an order that depends on memory
    # addresses: sort them, so the same contacts give the same bytes.
    contacts = np.column_stack([counts, impulses]) + 0.0  # + 0.0: no -0.0 to sort apart from 0.0
    contacts = contacts[np.lexsort(contacts.T[::-1])] if len(contacts) else contacts
    awake = sc.live_idx[~sc.asleep[sc.live_idx]].tolist()
    joints = np.array([j.impulse for i in awake for j in st.pieces[i].joints], dtype=np.float64)
    return sc.order.tobytes() + contacts.tobytes() + joints.tobytes()


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
    return (st.version, sc.state[sc.live_idx, 0:3].tobytes())


def _sample_cells(st: PhysicsState, sc: _Scratch) -> tuple[np.ndarray, np.ndarray]:
    _footprints(st, sc)
    return fp.sample_cells(sc.samp_local, sc.samp_slot, sc.state[:, 0:2], sc.state[:, 2], st.passable.shape)


def occupancy(world: "World") -> tuple[np.ndarray, np.ndarray]:
    """(blocked [y, x] bool, slow [y, x] float32 >= 1) for walking.

    Heavy debris blocks every cell it lies on; light debris multiplies the
    cost of crossing a cell by 1 + its area there x its kind's slow_per_m2
    (capped at SLOW_MAX). Read-only arrays, recomputed only when a piece moved.
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
    flat, inside = _sample_cells(st, sc)
    blocked = np.zeros(h * w, dtype=bool)
    blocked[flat[inside & sc.samp_heavy]] = True
    light = inside & ~sc.samp_heavy
    cover = np.bincount(flat[light], weights=sc.samp_slow[light], minlength=h * w)
    slow = np.minimum(1.0 + cover, SLOW_MAX).astype(np.float32).reshape(h, w)
    blocked = blocked.reshape(h, w)
    blocked.flags.writeable = False
    slow.flags.writeable = False
    sc.occ, sc.occ_key = (blocked, slow), key
    return sc.occ


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
                dp_pa = float(c.pressure_bar[label - 1]) * 1e5 - MARS_PRESSURE_PA if label > 0 else 0.0
                held = dp_pa * share * b.area_m2 >= friction_n
            else:
                u2 = (float(atmos.wind_x.flat[flat]) ** 2 + float(atmos.wind_y.flat[flat]) ** 2) * open_gain**2
                rho = float(_air_density(world, np.array([flat]))[0])
                held = rho * sc.drag_k[k] * u2 >= sc.mu_g[k]
            if held:
                left *= 1.0 - share
                over[k] = b.id
        out[i] = min(MAX_PLUG, 1.0 - left)
    return out, over


# --------------------------------------------------------------------------
# changes from outside: doors, cuts, crew actions


def tiles_changed(world: "World", cells: Iterable[tuple[int, int]]) -> None:
    """Cells changed passability (door opened or shut, wall cut): rebuild only nearby walls.

    A piece whose centre a shutting door now covers is moved off. Sleeping
    pieces are left asleep: the wind is looked at again at the next step
    (the air flows another way now) and wakes whatever it can move, and
    pymunk wakes whatever touched a wall shape that was rebuilt.
    """
    st = world.physics
    if st.space is None:
        return
    cells = list(cells)
    if not cells:
        return
    xs = [c[0] for c in cells]
    ys = [c[1] for c in cells]
    window = (min(xs), min(ys), max(xs) + 1, max(ys) + 1)
    wx0, wy0, wx1, wy1 = window
    box = (slice(wy0, wy1), slice(wx0, wx1))
    st.passable[box] = debris_passable(world.grid.tiles[box], world.door_open[box])
    update_walls(st.walls, st.space, st.walls_body, st.passable, window)
    sc = _read(st)
    sc.stall_flat[:] = -1  # the air will flow another way: any piece may be tried again
    live = sc.live_idx
    if live.size:
        # A door shutting on debris pushes out what lies in the doorway (not a physics failure).
        w = st.passable.shape[1]
        changed = np.array([y * w + x for x, y in cells], dtype=np.intp)
        flat = _cells(st, sc.state[live])
        shut_on = np.isin(flat, changed) & ~st.passable.reshape(-1).take(flat, mode="clip")
        _keep_inside(st, sc, live[shut_on].tolist())
    # Only what touched a rebuilt wall shape (beside the change) can have woken.
    index = _shape_index(st)
    near = st.space.bb_query(pymunk.BB(wx0 - 2.0, wy0 - 2.0, wx1 + 2.0, wy1 + 2.0), _PLUG_QUERY)
    sc.written.extend(sorted(k for k in (index.get(id(s)) for s in near) if k is not None))
    _dirty(st, listing=False)


def clear_light_debris(world: "World", cell: tuple[int, int]) -> bool:
    """Move every light piece lying on `cell` to the nearest free spot off it; True if any moved.

    Free means passable, not under heavy debris and not the cell itself.
    """
    st = world.physics
    if st.space is None:
        return False
    sc = _read(st)
    h, w = st.passable.shape
    x, y = cell
    flat, inside = _sample_cells(st, sc)
    on = np.unique(sc.samp_slot[inside & (flat == y * w + x) & ~sc.samp_heavy]).tolist()
    if not on:
        return False
    free = st.passable & ~occupancy(world)[0]
    free[y, x] = False
    moved = False
    for i in on:
        p = st.pieces[i]
        around = (x - 1.5, y - 1.5, x + 2.5, y + 2.5)
        spot = fp.find_spot(free, p.length_m, p.width_m, (x + 0.5, y + 0.5), float(sc.state[i, 2]), around)
        if spot is None:
            continue
        _move_piece(st, p, spot[0], spot[1])
        moved = True
    _dirty(st)
    return moved


def cut_beam(
    world: "World", debris_id: int, at: tuple[float, float] | None = None, gap_m: float = CUT_GAP_M
) -> list[int]:
    """Cut `gap_m` out of a piece around the point on it nearest `at` (default its middle).

    What is left either side stays where it lay, its mass in proportion to
    its length; a short enough piece is light and can then be cleared.
    Returns the ids of the pieces left (none if the cut took it all).
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
        if hi - lo < MIN_PIECE_M:
            continue
        mid = (lo + hi) / 2
        mass = p.mass_kg * (hi - lo) / p.length_m
        ids.append(_add_piece(st, kind, hi - lo, p.width_m, mass, (x + ux * mid, y + uy * mid), a))
    _dirty(st)
    return ids
