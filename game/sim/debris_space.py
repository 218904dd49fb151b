"""Debris in the space: creating it, spawning falls, the throw of a new
breach, and changes from outside (doors and cuts reshaping the walls, the
crew clearing light debris or cutting a beam).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Iterable

import numpy as np
import pymunk

# The raw setters of the pinned pymunk (7.3.1), as the Body and Shape properties call them.
from pymunk._chipmunk import lib as _cp

from game.sim import debris_footprint as fp
from game.sim.constants import M_AIR, T_K, R
from game.sim.debris_kinds import HEAVY_KG, KINDS, DebrisKind
from game.sim.debris_occupancy import (
    _sample_cells,
    occupancy,
)
from game.sim.debris_state import (
    _HEAVY,
    _LIGHT,
    _PLUG_QUERY,
    COLLISION_SLOP_M,
    CUT_GAP_M,
    DEBRIS_FRICTION,
    HASH_CELL_M,
    IDLE_SPEED_M_S,
    MIN_HASH_BINS,
    MIN_PIECE_M,
    RHO_BOUND,
    SLEEP_AFTER_S,
    THROW_RADIUS_M,
    THROW_SPEED_M_S,
    PhysicsState,
    Piece,
    _cells,
    _dirty,
    _keep_inside,
    _mouth,
    _move_piece,
    _read,
    _Scratch,
    _shape_index,
    _sync_people,
)
from game.sim.static_geometry import (
    build_walls,
    debris_passable,
    doorway_cells,
    update_walls,
)

if TYPE_CHECKING:
    from game.sim.breaches import Breach
    from game.sim.world import World


# --------------------------------------------------------------------------
# creation


class DebrisSpace(pymunk.Space):
    """A pymunk space whose broad phase is a spatial hash, also in its copies.

    pymunk copies and unpickles a space through its __init__ arguments, which
    would bring back the default tree; the hash's settings go along here.
    """

    _pickle_attrs_init = ["threaded", "hash_cell_m", "hash_bins"]

    def __init__(self, threaded: bool = False, hash_cell_m: float = HASH_CELL_M, hash_bins: int = MIN_HASH_BINS) -> None:
        super().__init__(threaded)
        self.hash_cell_m = float(hash_cell_m)
        self.hash_bins = int(hash_bins)
        self.use_spatial_hash(self.hash_cell_m, self.hash_bins)


def create_physics(world: "World") -> PhysicsState:
    """A space with the grid's walls and a body for everyone."""
    passable = debris_passable(world.grid.tiles, world.door_open)
    space = DebrisSpace(hash_bins=max(MIN_HASH_BINS, int(passable.sum())))
    space.gravity = (0.0, 0.0)  # top-down: gravity presses on the deck, whose friction the step applies
    space.sleep_time_threshold = SLEEP_AFTER_S
    space.idle_speed_threshold = IDLE_SPEED_M_S
    space.collision_slop = COLLISION_SLOP_M
    walls_body = pymunk.Body(body_type=pymunk.Body.STATIC)
    # Our own static body: in a batch read it also marks where awake bodies end.
    space.add(walls_body)
    rho_nominal = world.level.meta.nominal_pressure_bar * 1e5 * M_AIR / (R * T_K)
    st = PhysicsState(space=space, walls_body=walls_body, passable=passable, rho_bound=RHO_BOUND * rho_nominal)
    st.walls = build_walls(space, walls_body, passable, doorway_cells(world.grid.tiles))
    _sync_people(world, st)
    return st


# People step over light debris (walking through it costs time, see
# occupancy) and do not sweep it along; heavy debris they cannot pass, and
# it cannot pass them.


def _add_piece(
    st: PhysicsState, kind: DebrisKind, length_m: float, width_m: float, mass_kg: float,
    pos: tuple[float, float], angle: float, vel: tuple[float, float] = (0.0, 0.0), spin: float = 0.0,
) -> int:
    length_m, width_m, mass_kg = float(length_m), float(width_m), float(mass_kg)
    body = pymunk.Body(mass_kg, pymunk.moment_for_box(mass_kg, (length_m, width_m)))
    # The raw setters the Body and Shape properties call (a fall adds ~90 pieces a tick).
    ptr = body._body
    _cp.cpBodySetPosition(ptr, pos)
    _cp.cpBodySetAngle(ptr, angle)
    _cp.cpBodySetVelocity(ptr, vel)
    _cp.cpBodySetAngularVelocity(ptr, spin)
    shape = pymunk.Poly.create_box(body, (length_m, width_m))
    _cp.cpShapeSetFriction(shape._shape, DEBRIS_FRICTION)  # (elasticity: a new shape's is 0)
    _cp.cpShapeSetFilter(shape._shape, _HEAVY if mass_kg >= HEAVY_KG else _LIGHT)  # (what `shape.filter =` calls)
    # Floor friction is applied in bulk between ticks (debris_kernels.drive, from debris_wind._push).
    st.space.add(body, shape)
    piece = Piece(len(st.pieces), kind.name, mass_kg, length_m, width_m, body, shape)
    st.pieces.append(piece)
    sc = st.scratch
    index_current = sc.shape_index_version == st.version
    st.version += 1
    if index_current:  # keep the shape index up to date rather than rebuild it from every piece
        sc.shape_index[id(shape)] = piece.id
        sc.shape_index_version = st.version
    return piece.id


def _remove_piece(st: PhysicsState, piece: Piece) -> None:
    st.space.remove(piece.body, piece.shape)
    piece.body = None
    piece.shape = None
    st.version += 1
    st.removals += 1


def _area_for(params: dict[str, Any]) -> tuple[float, float, float, float, bool]:
    """The spawn area in metres (x0, y0, x1, y1) and whether it is one placed cell."""
    if "region" in params:
        x0, y0, x1, y1 = (int(v) for v in params["region"])
        return float(min(x0, x1)), float(min(y0, y1)), float(max(x0, x1) + 1), float(max(y0, y1) + 1), False
    if "at" in params:
        x, y = (int(v) for v in params["at"])
        return float(x), float(y), float(x + 1), float(y + 1), True
    raise ValueError("debris_fall needs 'at' or 'region'")


def _near(world: "World", area: tuple[float, float, float, float], reach_m: float | None = None) -> list[int]:
    """The ids (ascending) of the pieces whose shapes reach into the Floor window of `area`.

    With `reach_m` (how far past `area` the fits will read the floor, see
    `fp.read_reach_m`) only those whose shapes come within NEAR_SLACK_M of
    that: what a piece farther off marks (its taken raster cells, the deck
    cells under a heavy one) lies beyond where any fit reads."""
    st = world.physics
    x0, y0, x1, y1 = fp.spot_window(area, st.passable.shape)
    if reach_m is not None:
        out = reach_m + NEAR_SLACK_M
        x0, y0 = max(x0, area[0] - out), max(y0, area[1] - out)
        x1, y1 = min(x1, area[2] + out), min(y1, area[3] + out)
    index = _shape_index(st)
    found = list(map(index.get, map(id, st.space.bb_query(pymunk.BB(x0, y0, x1, y1), _PLUG_QUERY))))
    if None in found:  # (only debris answers the query: every hit is a piece)
        found = [k for k in found if k is not None]
    found.sort()
    return found


# How far past its shape what a piece marks on a Floor can lie: a deck cell under
# a heavy one (1 m) and a taken raster cell (its clearance and a 0.1 m cell), with a margin.
NEAR_SLACK_M = 1.0 + 0.1


def _heavy_cells(world: "World", area: tuple[float, float, float, float], near: list[int] | None = None) -> np.ndarray:
    """The cells heavy debris lies on (as `occupancy` blocks them) over the Floor
    window of `area`, False elsewhere: only the heavy pieces near are sampled,
    so a fall costs the same however much debris lies elsewhere. `near` is
    `_near(world, area)` if the caller has it."""
    st = world.physics
    shape = st.passable.shape
    out = np.zeros(shape, dtype=bool)
    heavy = [st.pieces[i] for i in (_near(world, area) if near is None else near)]
    heavy = [p for p in heavy if p.heavy]
    if not heavy:
        return out
    locs = [fp.area_samples(p.length_m, p.width_m) for p in heavy]
    slot = np.repeat(np.arange(len(heavy)), [len(loc) for loc in locs])
    pos = np.array([tuple(p.body.position) for p in heavy], dtype=np.float64)
    angle = np.array([p.body.angle for p in heavy], dtype=np.float64)
    flat, inside = fp.sample_cells(np.concatenate(locs), slot, pos, angle, shape)
    out.flat[flat[inside]] = True
    return out


def _floor(
    world: "World", area: tuple[float, float, float, float], free_cells: np.ndarray, heavy_only: bool,
    moving: Iterable[int] = (), near: list[int] | None = None, reach_m: float | None = None,
) -> fp.Floor:
    """The deck around `area` where a piece may land: `free_cells`, less what
    the pieces lying there cover (only the heavy ones if `heavy_only`), but
    for the ones `moving` (ids). `near` is `_near(world, area)` if the caller has it.
    With `reach_m` (how far past `area` the fits will read the floor, see
    `fp.read_reach_m`), a piece whose cells all lie farther off is left out:
    nothing reads where it lies, so every fit is the same without it."""
    st = world.physics
    box = fp.spot_window(area, free_cells.shape)
    floor = fp.Floor(free_cells, box)
    skip = set(moving)
    # Each piece's raster cells are kept while it lies still: a piece in a busy
    # spot is taken again at every fall near it, and most lie asleep by then.
    # With them, what stays the same while it lies in the space: read once.
    kept = st.scratch.taken  # id -> [x, y, angle, packed cells there (None: not yet), body pointer, taken reach, heavy]
    cells, todo = [], []
    get_pos, get_angle = _cp.cpBodyGetPosition, _cp.cpBodyGetAngle  # (what the Body properties read)
    pieces = st.pieces
    if reach_m is not None:
        lo_x, lo_y, hi_x, hi_y = area[0] - reach_m, area[1] - reach_m, area[2] + reach_m, area[3] + reach_m
    for i in _near(world, area) if near is None else near:
        if skip and i in skip:
            continue
        k = kept.get(i)
        if k is None:
            p = pieces[i]
            k = kept[i] = [None, None, None, None, p.body._body, fp.taken_reach_m(p.length_m, p.width_m), p.heavy]
        kx, ky, ka, own, ptr, r, heavy = k
        if heavy_only and not heavy:
            continue
        v = get_pos(ptr)
        x, y = v.x, v.y
        if reach_m is not None and (x + r < lo_x or x - r > hi_x or y + r < lo_y or y - r > hi_y):
            continue
        a = get_angle(ptr)
        if x == kx and y == ky and a == ka:
            cells.append(own)
        else:
            todo.append((k, pieces[i], x, y, a))
    if todo:  # the ones that moved since, all at once
        packed = fp.taken_cells_many([t[1].length_m for t in todo], [t[1].width_m for t in todo],
                                     np.array([t[2:4] for t in todo], dtype=np.float64), [t[4] for t in todo])
        for (k, _, x, y, a), own in zip(todo, packed):
            k[0:4] = x, y, a, own
            cells.append(own)
    if cells:
        floor.take_packed(np.concatenate(cells))
    return floor


def spawn_debris(world: "World", params: dict[str, Any]) -> list[int]:
    """Drop `count` pieces of a kind into a region (or onto a cell); returns their ids.

    Every piece draws the same eight numbers from the debris stream, in
    order, whether or not it finds room, so one event never shifts another.
    A single piece dropped `at` a cell lands on its centre. Each piece lands
    on clear deck nearest its drawn spot: clear of walls and of the pieces
    already there (light ones also clear of cells under heavy ones); a heavy
    one lands clear of heavy ones and pushes light ones out from under it.
    One that finds no clear deck within a metre of the area does not come
    down (top-down there is no stacking: a pile deeper than one layer would
    be squeezed into the walls by the solver).
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
    if count <= 0:
        _dirty(st)
        return ids
    # Every piece's eight numbers at once: the stream gives the same numbers in the same order.
    t_size, t_width, t_angle, ux, uy, vx, vy, spin = rng.random((count, 8)).T
    length = kind.length_m[0] + t_size * (kind.length_m[1] - kind.length_m[0])
    width = kind.width_m[0] + t_width * (kind.width_m[1] - kind.width_m[0])
    mass = kind.mass_kg[0] + t_size * (kind.mass_kg[1] - kind.mass_kg[0])
    if angle_deg is not None:
        angle = np.full(count, math.radians(float(angle_deg)))
    else:
        angle = t_angle * math.pi
    if placed and count == 1:
        want = np.array([((x0 + x1) / 2, (y0 + y1) / 2)])
    else:
        want = np.stack([x0 + ux * (x1 - x0), y0 + uy * (y1 - y0)], axis=1)
    length_l, width_l, mass_l, angle_l = length.tolist(), width.tolist(), mass.tolist(), angle.tolist()
    area = (x0, y0, x1, y1)
    # Worked out once per fall: its pieces are all one kind, and a heavy one's floor
    # counts only heavy pieces, which knocking light ones aside leaves where they were.
    reach = fp.read_reach_m(length, width)
    near = _near(world, area, reach)
    if mass_l[0] >= HEAVY_KG:
        floor = _floor(world, area, st.passable, heavy_only=True, near=near, reach_m=reach)
    else:
        floor = _floor(world, area, st.passable & ~_heavy_cells(world, area, near), heavy_only=False, near=near,
                       reach_m=reach)
    drop = fp.Drop(floor, length_l, width_l, want, angle_l, area)
    # Light things land with a little slide and spin; a beam lands dead.
    slide = np.where(mass < HEAVY_KG, 1.0, 0.0)
    vel_x = ((vx - 0.5) * 0.6 * slide).tolist()
    vel_y = ((vy - 0.5) * 0.6 * slide).tolist()
    spins = ((spin - 0.5) * slide).tolist()
    for i, spot in enumerate(drop.land()):  # (where each lands depends on the floor alone, not on the space)
        if spot is None:
            continue
        pos, a = spot
        ids.append(_add_piece(st, kind, length_l[i], width_l[i], mass_l[i], pos, a, (vel_x[i], vel_y[i]), spins[i]))
        if mass_l[i] >= HEAVY_KG:
            _knock_aside(world, ids[-1])
    _dirty(st)
    return ids


def _knock_aside(world: "World", piece_id: int) -> None:
    """Light pieces under a heavy one that just landed go to the nearest clear spot off it.

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
    sc = _read(st)
    for i in under:
        p = st.pieces[i]
        x, y, a = sc.state[i, 0:3].tolist()
        around = (x - 2.0, y - 2.0, x + 2.0, y + 2.0)
        # Worked out afresh for each: the ones moved before it are where they went.
        floor = _floor(world, around, st.passable & ~_heavy_cells(world, around), heavy_only=False, moving=(i,))
        spot = fp.find_spot(floor, p.length_m, p.width_m, (x, y), a, around)
        if spot is not None:
            _move_piece(st, p, spot[0], spot[1])
            _dirty(st)
    _dirty(st)


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
    floor = _floor(world, (mouth[0] - THROW_RADIUS_M, mouth[1] - THROW_RADIUS_M,
                           mouth[0] + THROW_RADIUS_M, mouth[1] + THROW_RADIUS_M), st.passable, heavy_only=False)
    for _ in range(count):
        pick, t_size, t_width, t_angle, ux, uy, t_speed, t_turn = rng.random(8).tolist()
        cy, cx = cells[min(int(pick * len(cells)), len(cells) - 1)]
        length = kind.length_m[0] + t_size * (kind.length_m[1] - kind.length_m[0])
        width = kind.width_m[0] + t_width * (kind.width_m[1] - kind.width_m[0])
        mass = kind.mass_kg[0] + t_size * (kind.mass_kg[1] - kind.mass_kg[0])
        want = (cx + 0.2 + 0.6 * ux, cy + 0.2 + 0.6 * uy)
        spot = fp.find_spot(floor, length, width, want, t_angle * math.pi, (cx, cy, cx + 1, cy + 1))
        if spot is None:
            continue
        pos, angle = spot
        floor.take(length, width, pos, angle)
        heading = math.atan2(mouth[1] - pos[1], mouth[0] - pos[0]) + (t_turn - 0.5) * math.radians(60)
        speed = THROW_SPEED_M_S[0] + t_speed * (THROW_SPEED_M_S[1] - THROW_SPEED_M_S[0])
        vel = (speed * math.cos(heading), speed * math.sin(heading))
        ids.append(_add_piece(st, kind, length, width, mass, pos, angle, vel))
    _dirty(st)
    return ids


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
    shut = [(x, y) for x, y in cells if not st.passable[y, x]]
    if live.size and shut:
        _push_out_of(world, st, sc, shut)
    # Only what touched a rebuilt wall shape (beside the change) can have woken.
    index = _shape_index(st)
    near = st.space.bb_query(pymunk.BB(wx0 - 2.0, wy0 - 2.0, wx1 + 2.0, wy1 + 2.0), _PLUG_QUERY)
    sc.written.extend(sorted(k for k in (index.get(id(s)) for s in near) if k is not None))
    _dirty(st, listing=False)


def _push_out_of(world: "World", st: PhysicsState, sc: _Scratch, shut: list[tuple[int, int]]) -> None:
    """A door shutting on debris pushes what lies across its doorway (any part of
    a piece, not only its centre) onto clear deck beside it, as a fall lands:
    left to the solver, a piece half in the doorway is squeezed into the wall
    beside it. A piece with no clear deck near goes to the nearest free cell."""
    h, w = st.passable.shape
    closed = np.zeros((h, w), dtype=bool)
    for x, y in shut:
        closed[y, x] = True
    xs = [x for x, _ in shut]
    ys = [y for _, y in shut]
    box = (min(xs), min(ys), max(xs) + 1, max(ys) + 1)
    index = _shape_index(st)
    hits = st.space.bb_query(pymunk.BB(*box), _PLUG_QUERY)
    across = []
    for i in sorted({k for k in (index.get(id(sh)) for sh in hits) if k is not None}):
        p = st.pieces[i]
        x, y, a = sc.state[i, 0:3].tolist()
        pts = fp.place(fp.outline_samples(p.length_m, p.width_m, 0.0, 0.1), np.array([[x, y]]), a)[0]
        cx = np.clip(pts[:, 0].astype(np.intp), 0, w - 1)
        cy = np.clip(pts[:, 1].astype(np.intp), 0, h - 1)
        if closed[cy, cx].any():
            across.append(i)
    if not across:
        return
    free = st.passable & ~occupancy(world)[0]
    around = (box[0] - 1.5, box[1] - 1.5, box[2] + 1.5, box[3] + 1.5)
    floor = _floor(world, around, free, heavy_only=False, moving=across)
    stuck = []
    for i in across:
        p = st.pieces[i]
        x, y, a = sc.state[i, 0:3].tolist()
        spot = fp.find_spot(floor, p.length_m, p.width_m, (x, y), a, around)
        if spot is None:
            stuck.append(i)
            continue
        _move_piece(st, p, spot[0], spot[1])
        floor.take(p.length_m, p.width_m, spot[0], spot[1])
        sc.state[i, 0:2] = spot[0]
        sc.state[i, 2] = spot[1]
        sc.state[i, 3:6] = 0.0
    _keep_inside(st, sc, [i for i in stuck if not st.passable.reshape(-1)[_cells(st, sc.state[i:i + 1])[0]]])


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
    around = (x - 1.5, y - 1.5, x + 2.5, y + 2.5)
    # Everything on the cell is being moved: only what lies elsewhere is in the way.
    floor = _floor(world, around, free, heavy_only=False, moving=on)
    moved = False
    for i in on:
        p = st.pieces[i]
        spot = fp.find_spot(floor, p.length_m, p.width_m, (x + 0.5, y + 0.5), float(sc.state[i, 2]), around)
        if spot is None:
            continue
        _move_piece(st, p, spot[0], spot[1])
        floor.take(p.length_m, p.width_m, spot[0], spot[1])
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
