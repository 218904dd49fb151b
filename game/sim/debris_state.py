"""Debris state: the pieces, the physics space's record, and reading the bodies.

Owns `PhysicsState` (declared for the state hash: the space's bodies and the
solver's carried state are read by `_space_bytes`), the constants every
debris module shares, the derived tables worked out lazily from the bodies
read when they last moved (`_read`) and kept until something moves, and
where things are in the space (cells, the wind's air density, hole mouths).
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
from game.sim.constants import M_N2, M_O2, MARS_G_M_S2
from game.sim.debris_kinds import HEAVY_KG, KINDS
from game.sim.state import cache, derived, static, synced
from game.sim.static_geometry import (
    CAT_DEBRIS,
    CAT_HEAVY,
    CAT_PERSON,
    CAT_WALL,
    WallSet,
)

if TYPE_CHECKING:
    from game.sim.world import World


MAX_SPEED_M_S = 12.0
# Travel per substep. A body at full speed ends a substep with its centre at
# most this far past a wall face, less half its own thickness: no deeper
# than the backstop's ESCAPE_DEPTH_M, and well short of the middle of a wall
# (whole 1 m cells), so the solver always pushes it back out on its own side.
MAX_STEP_M = 0.3
# The solver steps at the rate the fastest body needs and no faster: 40 Hz,
# 4 substeps per 0.1 s tick. Nothing speeds a body up inside a tick (the
# wind is applied between ticks, contacts are inelastic, the floor only
# brakes), so a tick's substeps never carry anything further than this.
PHYSICS_HZ = MAX_SPEED_M_S / MAX_STEP_M
# The broad phase: a spatial hash of 1 m bins, a cell of the grid (pieces are
# 0.15-4 m, most under a cell), one bin per m2 of deck. In the second after
# a breach (1,000 pieces awake) it costs about 4/5 of pymunk's default tree.
HASH_CELL_M = 1.0
MIN_HASH_BINS = 1000
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
# Listed awake, up to this share of the pieces are read one by one (a few us
# each) rather than every body in one batch (tens of ns each, more in a big
# space whose bodies no longer fit the cache): in a station of 40,000 pieces
# with a hundred awake, the batch read cost 3.6 ms. Never all of them: with
# every piece awake, the wind's write is one batch (debris_wind._set_all).
ONE_BY_ONE_SHARE = 1 / 32
SEARCH_FROM_BODIES = 400  # from this many bodies, read the awake ones one by one rather than all in a batch
LIST_EVERY_TICKS = 10  # with few awake, list the awake bodies anyway this often (a backstop)
# Listing every body's id costs about what searching round this many awake pieces does
# (a query of the space and a Python call per shape it finds, each): with more awake than
# one per this many bodies, the awake are listed rather than searched for.
LIST_PER_SEARCH = 400
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
        self.nd = 0  # pieces, and removals (PhysicsState.removals), when the tables were made
        self.removals = 0
        self.fresh = False  # `state` and `asleep` are exact for every piece
        self.maybe_awake = True  # some piece may be awake: read before stepping
        self.tracked_ids: set[int] = set()
        self.next_wake_tick = 0
        self.get_buf = pb.Buffer()
        self.id_buf = pb.Buffer()
        self.arb_buf = pb.Buffer()
        self.set_buf = pb.Buffer()
        self.awake = _EMPTY
        # Every piece's row of `state` and its sleep are as last read but for the awake
        # ones' (set by a read of every body; pieces added since are listed awake).
        self.rows_read = False
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
        self.view_fixed: tuple | None = None  # (version, ids, kinds, sizes, heavy) of the live pieces, see debris_view
        self.occ_samples: tuple | None = None  # (footprint version, samples' cells, on the grid, poses) of `occ`
        self.foot_version = -1
        self.foot_n = self.foot_removals = 0  # pieces and removals when the samples were made
        self.shape_index: dict[int, int] = {}
        self.shape_index_version = -1
        self.taken: dict[int, list] = {}  # piece id -> [x, y, angle, packed raster cells it takes lying there, ...] (debris_space._floor)
        self.body_ids: dict[int, int] = {}
        self.piece_const = np.zeros((0, 6))  # see _piece_constants
        self.piece_bid = np.zeros(0, dtype=np.uintp)
        self.piece_ptr: list = []
        self.people_bid = np.zeros(0, dtype=np.uintp)  # each person's body id and pointer, by person id
        self.people_ptr: list = []
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
    walls_body: pymunk.Body | None = derived(default=None)  # static: the walls hang on it
    walls: WallSet | None = derived(default=None)  # built from the grid and the doors
    passable: np.ndarray = derived(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    pieces: list[Piece] = synced(default_factory=list, encode=lambda st: _pieces_bytes(st))
    people: list[pymunk.Body] = derived(default_factory=list)  # static bodies, by person id, where they stand
    # A person's body collides only while a moving heavy piece is near ("tracked");
    # elsewhere it is parked, touching nothing, so crowds far from any piece cost nothing.
    tracked: list[bool] = synced(default_factory=list)
    rho_bound: float = static(default=2.4)  # kg/m3, RHO_BOUND x the level's nominal air
    version: int = cache(default=0)  # bumped whenever pieces are added or removed: a key for caches
    removals: int = cache(default=0)  # bumped whenever a piece goes: tables of pieces extend while it stands
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


_PERSON_ON = pymunk.ShapeFilter(categories=CAT_PERSON, mask=CAT_HEAVY)
_PERSON_OFF = pymunk.ShapeFilter(categories=CAT_PERSON, mask=0)
_LIGHT = pymunk.ShapeFilter(categories=CAT_DEBRIS, mask=CAT_WALL | CAT_DEBRIS)
_HEAVY = pymunk.ShapeFilter(categories=CAT_DEBRIS | CAT_HEAVY, mask=CAT_WALL | CAT_DEBRIS | CAT_PERSON)
_PLUG_QUERY = pymunk.ShapeFilter(mask=CAT_DEBRIS)  # what may lie over a hole: any piece (heavy ones are skipped)


# --------------------------------------------------------------------------
# derived tables and reading the bodies in bulk


def _tables(st: PhysicsState) -> _Scratch:
    """Per-piece constants, id lookup and raw pointers, rebuilt when pieces
    change; when pieces were only added (a fall), the per-piece Python work
    is done for the new ones alone."""
    sc = st.scratch
    if sc.version == st.version and sc.n_people == len(st.people):
        return sc
    pieces, nd, npp = st.pieces, len(st.pieces), len(st.people)
    new = _added_only(st, sc.nd, sc.removals) if sc.version >= 0 and sc.n_people == npp else None
    if new is None:
        sc.alive = np.array([p.body is not None for p in pieces], dtype=bool)
    else:
        sc.alive = np.concatenate([sc.alive, np.array([p.body is not None for p in new], dtype=bool)])
    kept_n = sc.nd if new is not None else 0  # pieces whose lookups stand
    sc.nd, sc.npp = nd, npp
    sc.live_idx = np.flatnonzero(sc.alive)
    const = _piece_constants(sc, pieces)
    sc.length, sc.width, sc.mass = const[:, 0], const[:, 1], const[:, 2]
    sc.heavy = sc.mass >= HEAVY_KG
    cda = const[:, 3]
    sc.drag_k = 0.5 * cda / np.maximum(sc.mass, 1e-9)  # drag m/s2 per (kg/m3 x (m/s)2)
    sc.mu_g = const[:, 4]
    # Quick wind tests on squared relative wind speed, at the density bound.
    base = sc.mu_g / (st.rho_bound * np.maximum(sc.drag_k, 1e-12))
    sc.u2_relevant = DRAG_RELEVANT * base
    sc.u2_wake = base
    sc.plug_f = const[:, 5]
    live = sc.live_idx
    if len(sc.people_bid) > npp:  # (never in a running world: people are only ever added)
        sc.people_bid, sc.people_ptr = np.zeros(0, dtype=np.uintp), []
    if len(sc.people_bid) < npp:  # look up only the new people's body ids (a lookup costs a call each)
        new = st.people[len(sc.people_bid):]
        sc.people_bid = np.concatenate([sc.people_bid, np.array([b.id for b in new], dtype=np.uintp)])
        sc.people_ptr += [b._body for b in new]
    people_ids = sc.people_bid
    statics = np.array([st.walls_body.id, st.space.static_body.id], dtype=np.uintp)
    body_ids = np.concatenate([sc.piece_bid[live], people_ids, statics])
    slots = np.concatenate([live, nd + np.arange(npp, dtype=np.int64), np.array([-1, -1], dtype=np.int64)])
    by_id = np.lexsort((slots, body_ids))  # by body id, then slot
    sc.sorted_ids = body_ids[by_id]
    sc.sorted_slot = slots[by_id]
    sc.static_ids = (st.walls_body.id, st.space.static_body.id)
    ptr = list(sc.piece_ptr)
    for k in np.flatnonzero(~sc.alive).tolist():
        ptr[k] = None
    sc.ptr = ptr + sc.people_ptr
    state = np.zeros((nd + npp, 6))  # x, y, angle, vx, vy, spin per slot; filled by the next read
    old_n = sc.stall_u2.size  # pieces keep their ids: keep what is known of them
    sc.stall_u2 = np.concatenate([sc.stall_u2[:nd], np.zeros(max(0, nd - old_n))])
    sc.stall_flat = np.concatenate([sc.stall_flat[:nd], np.full(max(0, nd - old_n), -1, dtype=np.int64)])
    asleep = np.zeros(nd, dtype=bool)
    if kept_n:
        # Only added: the kept pieces' rows and sleep stand as last read (but for the awake,
        # which the next read takes anyway), and the new ones join the awake to be read.
        state[:kept_n], asleep[:kept_n] = sc.state[:kept_n], sc.asleep[:kept_n]
        sc.awake = np.concatenate([sc.awake, live[live >= kept_n]])
    else:
        sc.awake = _EMPTY
        sc.rows_read = False
    sc.state, sc.asleep = state, asleep
    sc.order = _EMPTY
    sc.order_ids = b""
    sc.order_fresh = False
    if not kept_n:
        sc.slot_of = {}  # body id -> piece slot, of the live pieces
    added = live[live >= kept_n]
    sc.slot_of.update(zip(sc.piece_bid[added].tolist(), added.tolist()))
    if len(sc.px) != npp:
        known = min(len(sc.px), npp)
        nan = float("nan")
        sc.px = sc.px[:known] + [nan] * (npp - known)  # nan: placed on first sync
        sc.py = sc.py[:known] + [nan] * (npp - known)
    sc.tracked_ids = {j for j, t in enumerate(st.tracked) if t}
    sc.version, sc.n_people = st.version, npp
    sc.removals = st.removals
    sc.fresh = False
    sc.maybe_awake = True
    sc.occ_key = sc.by_holes_key = None
    return sc


def _piece_constants(sc: _Scratch, pieces: list[Piece]) -> np.ndarray:
    """Per piece: length, width, mass, drag area, mu g, plug fraction; with its
    body's id and pointer (`sc.piece_bid`, `sc.piece_ptr`). A piece's are fixed
    for life (a cut makes new pieces), so only the pieces new since the last
    call are looked at: a fall does not cost a pass over all the debris."""
    known = len(sc.piece_ptr)
    new = pieces[known:]
    if new:
        kinds = [KINDS[p.kind] for p in new]
        rows = np.array(
            [(p.length_m, p.width_m, p.mass_kg, k.drag_area_m2(p.length_m, p.width_m), k.floor_mu * MARS_G_M_S2,
              k.plug_fraction) for k, p in zip(kinds, new)],
            dtype=np.float64,
        ).reshape(len(new), 6)
        ids = sc.body_ids  # a piece keeps its body for life: look each id up once
        bids = [ids[p.id] if p.id in ids else ids.setdefault(p.id, p.body.id) if p.body is not None else 0 for p in new]
        sc.piece_const = np.concatenate([sc.piece_const, rows])
        sc.piece_bid = np.concatenate([sc.piece_bid, np.array(bids, dtype=np.uintp)])
        sc.piece_ptr += [p.body._body if p.body is not None else None for p in new]
    return sc.piece_const[: len(pieces)]


def _added_only(st: PhysicsState, n_pieces: int, removals: int) -> list[Piece] | None:
    """The pieces added since the list held `n_pieces` and `st.removals` was
    `removals`, if no piece went since (None: then work from every piece again)."""
    if n_pieces > len(st.pieces) or st.removals != removals:
        return None
    return st.pieces[n_pieces:]


def _footprints(st: PhysicsState, sc: _Scratch) -> None:
    """Area samples of every live piece, for occupancy; built on first need,
    and for pieces added since (a fall) only theirs are added."""
    if sc.foot_version == st.version:
        return
    new = _added_only(st, sc.foot_n, sc.foot_removals) if sc.foot_version >= 0 else None
    pieces = [p for p in (st.pieces if new is None else new) if p.body is not None]
    local, slot, weight = _area_samples_of(pieces)
    if new is not None:  # after the samples of the pieces already there, as a pass over them all puts them
        local = np.concatenate([sc.samp_local, local])
        slot = np.concatenate([sc.samp_slot, slot])
        weight = np.concatenate([sc.samp_slow, weight])
    sc.samp_local, sc.samp_slot, sc.samp_slow = local, slot, weight
    sc.samp_heavy = sc.heavy[sc.samp_slot]
    sc.foot_version = st.version
    sc.foot_n, sc.foot_removals = len(st.pieces), st.removals


def _area_samples_of(pieces: list[Piece]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`fp.area_samples` of each piece, one after another, to the bit, with each sample's
    piece id and walking-cost weight (its kind's slow_per_m2 over its share of the area).

    Worked out for all the pieces at once: a fall's 5,000 pieces one call each were
    most of the crew's first looks at the debris.
    """
    n = len(pieces)
    length = np.fromiter((p.length_m for p in pieces), dtype=np.float64, count=n)
    width = np.fromiter((p.width_m for p in pieces), dtype=np.float64, count=n)
    slow = np.fromiter((KINDS[p.kind].slow_per_m2 for p in pieces), dtype=np.float64, count=n)
    ids = np.fromiter((p.id for p in pieces), dtype=np.int64, count=n)
    if n == 0:
        return np.zeros((0, 2)), _EMPTY, np.zeros(0)
    spacing = fp.SAMPLE_SPACING_M
    grid = np.empty((n, fp.kernels.grid_size(length, width, spacing), 2))
    fp.kernels.grid(length, width, spacing, grid)  # each piece's points, then its last repeated
    nx = np.maximum(1, np.ceil(length / spacing)).astype(np.int64)  # as area_samples counts them
    ny = np.maximum(1, np.ceil(width / spacing)).astype(np.int64)
    count = nx * ny
    local = grid[np.arange(grid.shape[1]) < count[:, None]]  # piece by piece, each x-major
    piece = np.repeat(np.arange(n), count)
    per = length * width / count * slow
    return local, ids[piece], per[piece]


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
    (`_read_near`), or, every LIST_EVERY_TICKS reads, after outside changes
    and while more than one piece in LIST_PER_SEARCH bodies is awake, from the
    library's list of awake bodies (one batch read of ids). With many awake,
    one batch read of every body.
    """
    few = max(FEW_AWAKE, ONE_BY_ONE_SHARE * sc.nd)
    big = not full and sc.rows_read and sc.nd + sc.npp >= SEARCH_FROM_BODIES
    if big and sc.awake.size <= few:
        # (with more awake at the last read than `few`, the search would give up and the
        # listing would mostly find too many to read one by one: one batch read of every
        # body, as that listing then makes, and the same numbers as reading them one by one)
        searched = sc.awake.size + len(sc.written)
        if not sc.need_listing and sc.reads_unlisted < LIST_EVERY_TICKS and sc.nd + sc.npp > LIST_PER_SEARCH * searched:
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
        if n_active <= few:
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
    if big:
        awake = _read_awake_rows(st, sc)
        if awake is not None:
            return awake
    data = _batch_get(st, sc)
    sc.state[sc.piece_slots] = data[sc.piece_rows]
    sc.asleep[sc.piece_slots] = sc.piece_asleep
    sc.order_fresh = sc.rows_read = True
    sc.need_listing = False
    sc.reads_unlisted = 0
    sc.written = []
    return _took(sc, np.sort(sc.awake_now))


def _read_awake_rows(st: PhysicsState, sc: _Scratch) -> np.ndarray | None:
    """One batch read of every body, of which only the awake pieces' rows are taken (and
    the pieces that fell asleep since the last read are read one by one); returns the
    awake ones' slots (None, having read nothing, while every piece is awake).

    Sleeping pieces have not moved since the last read, so what a read of many awake
    needs is the rows the library lists first (its awake bodies): the slots of those
    few hundred ids rather than of every body's, as `_batch_get` looks up when the
    library's order has changed (in a space of thousands, most of such a read's cost).
    The library's order is left to the next full read (`order_fresh`).
    """
    buf = sc.get_buf
    buf.clear()
    pb.get_space_bodies(st.space, _STATE_FIELDS, buf)
    ids = np.frombuffer(buf.int_buf(), dtype=np.uintp)
    n_active = int((ids == sc.static_ids[0]).argmax())  # awake bodies come first
    if n_active >= sc.live_idx.size:
        return None  # every piece awake: the full read, which keeps the order for one batch write
    data = np.frombuffer(buf.float_buf(), dtype=np.float64).reshape(-1, 6)
    slots = sc.sorted_slot[sc.sorted_ids.searchsorted(ids[:n_active])]
    rows = np.flatnonzero((slots >= 0) & (slots < sc.nd))
    now = slots[rows]
    sc.state[now] = data[rows]
    before = sc.awake
    sc.asleep[before] = True
    sc.asleep[now] = False
    read = _read_one
    for k in before[sc.asleep[before]].tolist():  # asleep since: where they stopped
        read(sc, k)
    now = np.sort(now)
    if not np.array_equal(now, before):
        sc.sleepers = None  # which pieces sleep has changed
    sc.order_fresh = False
    sc.need_listing = False
    sc.reads_unlisted = 0
    sc.written = []
    return _took(sc, now)


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


def _solver_bytes(st: PhysicsState, sc: _Scratch) -> bytes:
    """What the solver carries from step to step: the order it visits bodies
    in, and its contacts and their impulses.

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
    return sc.order.tobytes() + contacts.tobytes()


# --------------------------------------------------------------------------
# where things are in the space


def _shape_index(st: PhysicsState) -> dict[int, int]:
    """Piece id by its shape's identity, for turning query hits into pieces (kept until pieces change)."""
    sc = st.scratch
    if sc.shape_index_version != st.version:
        sc.shape_index = {id(p.shape): p.id for p in st.pieces if p.shape is not None}
        sc.shape_index_version = st.version
    return sc.shape_index


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


def _move_piece(st: PhysicsState, p: Piece, pos: tuple[float, float], angle: float) -> None:
    p.body.position = pos
    p.body.angle = angle
    p.body.velocity = (0.0, 0.0)
    p.body.angular_velocity = 0.0
    st.space.reindex_shapes_for_body(p.body)


# --------------------------------------------------------------------------
# spawning


def _mouth(world: "World", x: int, y: int) -> tuple[float, float] | None:
    """Middle of the hull face where a breach cell meets a passable cell."""
    passable = world.physics.passable
    h, w = passable.shape
    for dx, dy in ((0, 1), (0, -1), (1, 0), (-1, 0)):
        nx, ny = x + dx, y + dy
        if 0 <= nx < w and 0 <= ny < h and passable[ny, nx]:
            return x + 0.5 + dx * 0.5, y + 0.5 + dy * 0.5
    return None


def air_density_by_label(world: "World") -> np.ndarray:
    """kg/m3 of each compartment's air, indexed by compartment label (label 0, no gas, reads 0)."""
    c = world.compartments
    rho = np.zeros(c.count + 1)
    if c.count:
        rho[1:] = (c.n_o2 * M_O2 + c.n_other * M_N2) / c.volume_m3
    return rho


def _air_density(world: "World", flat: np.ndarray) -> np.ndarray:
    """kg/m3 of the air in each flat cell, from its compartment's gas (0 where there is none)."""
    return air_density_by_label(world)[world.compartments.labels.reshape(-1).take(flat, mode="clip")]


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
