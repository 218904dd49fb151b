"""A fall lands each piece on the clear deck nearest where it was dropped,
and what that costs depends on the deck around the fall, not on the debris
lying elsewhere in the station."""

from __future__ import annotations

import math

import numpy as np
import pytest

from game.sim import debris, landing_kernels
from game.sim import debris_footprint as fp
from game.sim.debris_kinds import HEAVY_KG, KINDS
from game.sim.debris_space import _add_piece, _floor, _heavy_cells, _near
from game.sim.level import EventDef
from game.sim.limits import MAX_MAP_SIDE
from game.sim.world import step
from tests.builders import ascii_world

ROOM = """
HHHHHHHHHHHHHH
H............H
H............H
H............H
H....#.......H
H............H
HHHHHHHHHHHHHH
"""


def fall(kind: str, count: int = 1, **where) -> EventDef:
    return EventDef(0.0, "debris_fall", {"debris": kind, "count": count, **{k: list(v) if isinstance(v, tuple) else v for k, v in where.items()}})


def nearest_by_sorting_everything(floor, length, width, want, angle, area):
    """The rule spelled out: every lattice point sorted by distance (ties in lattice order),
    the first where the outline and the few coarse points fit."""
    outline = fp.outline_samples(length, width, fp.CLEARANCE_M, 1.0 / fp.FINE_PER_M)
    pts = np.concatenate([outline, fp._coarse(length, width)])
    x0, y0, x1, y1 = area
    gx = np.arange(math.floor((x0 - 1.0) * 10), math.ceil((x1 + 1.0) * 10) + 1) / 10.0
    gy = np.arange(math.floor((y0 - 1.0) * 10), math.ceil((y1 + 1.0) * 10) + 1) / 10.0
    cx, cy = np.meshgrid(gx, gy, indexing="xy")
    lattice = np.stack([cx.ravel(), cy.ravel()], axis=1)
    d2 = (lattice[:, 0] - want[0]) ** 2 + (lattice[:, 1] - want[1]) ** 2
    lattice = lattice[np.argsort(d2, kind="stable")]
    for a in (angle, angle + math.pi / 2, 0.0, math.pi / 2):
        if floor.fits(outline, np.array([want]), a)[0]:
            return (want[0], want[1]), a
        ok = np.flatnonzero(floor.fits(pts, lattice, a))
        if ok.size:
            return (float(lattice[ok[0], 0]), float(lattice[ok[0], 1])), a
    return None


@pytest.mark.parametrize("side, seed, tries", [(10, 5, 24), (24, 6, 36)])
def test_a_piece_lands_on_the_free_spot_nearest_where_it_was_dropped(side, seed, tries):
    # A crowded room (a wide one too: there the search past the near rings picks candidates over
    # the whole lattice): the search must give the very spot a sort of the whole lattice gives.
    free = np.zeros((6, side), dtype=bool)
    free[1:5, 1:side - 1] = True
    free[3, 4] = False
    area = (2.0, 1.0, side - 3.0, 3.0)
    floor = fp.Floor(free, fp.spot_window(area, free.shape))
    rng = np.random.default_rng(seed)
    landed, far = 0, 0
    for _ in range(tries):
        length, width = 0.3 + 1.2 * rng.random(), 0.2 + 0.4 * rng.random()
        want = (float(2.0 + (side - 5.0) * rng.random()), float(1.0 + 2.0 * rng.random()))
        angle = float(rng.random() * math.pi)
        got = fp.find_spot(floor, length, width, want, angle, area)
        assert got == nearest_by_sorting_everything(floor, length, width, want, angle, area)
        if got is not None:
            floor.take(length, width, got[0], got[1])
            landed += 1
            far += math.dist(got[0], want) > 1.0
    assert landed > 8 and far > 0  # the room filled up: some pieces landed more than a metre from their drop
    assert side > 10 or landed < tries  # (the small room so full that some found no room at all)


def test_light_debris_falls_clear_of_the_cells_under_a_beam():
    w = ascii_world(ROOM, events=[
        fall("support_beam", at=(6, 2), angle_deg=0.0),
        fall("insulation", count=12, region=(3, 1, 9, 3)),
    ])
    step(w)  # both falls, in order, in the first tick; nothing has slid yet
    blocked, _ = debris.occupancy(w)
    assert blocked[2, 5:8].all()  # a 3-4 m beam centred on (6.5, 2.5)
    for r in debris.debris_records(w):
        if r["heavy"]:
            continue
        local = fp.area_samples(*r["size_m"])
        pts = fp.place(local, np.array([r["position"]]), math.radians(r["angle_deg"]))[0]
        assert not blocked[pts[:, 1].astype(int), pts[:, 0].astype(int)].any()
    assert sum(not r["heavy"] for r in debris.debris_records(w)) >= 6


def test_heavy_cells_near_a_fall_are_the_cells_heavy_debris_blocks():
    w = ascii_world(ROOM, events=[
        fall("support_beam", at=(3, 2), angle_deg=90.0),
        fall("support_beam", at=(9, 3), angle_deg=30.0),
        fall("ceiling_panel", count=4, region=(1, 1, 12, 5)),
    ])
    step(w)
    assert sum(r["mass_kg"] >= HEAVY_KG for r in debris.debris_records(w)) == 2
    blocked, _ = debris.occupancy(w)
    area = (6.0, 2.0, 7.0, 3.0)
    x0, y0, x1, y1 = fp.spot_window(area, blocked.shape)
    near = _heavy_cells(w, area)
    assert blocked.any() and np.array_equal(near[y0:y1, x0:x1], blocked[y0:y1, x0:x1])


@pytest.mark.parametrize("far", [0, 60])
def test_a_fall_looks_only_at_the_pieces_near_it(far, monkeypatch):
    # Pieces lying far away are never rasterised for a fall elsewhere.
    rows = ROOM.strip().splitlines()
    wide = "\n".join(r[:-1] + "." * 30 + r[-1] if 0 < i < len(rows) - 1 else r + "H" * 30 for i, r in enumerate(rows))
    events = [fall("personal_effects", count=far, region=(30, 1, 40, 5))] if far else []
    w = ascii_world(wide, events=events)
    step(w)
    taken = []
    real, real_many = fp.taken_cells, fp.taken_cells_many
    monkeypatch.setattr(fp, "taken_cells", lambda *a: taken.append(a) or real(*a))
    monkeypatch.setattr(fp, "taken_cells_many", lambda *a: taken.extend(a[0]) or real_many(*a))
    w.physics.scratch.taken.clear()
    debris.spawn_debris(w, {"debris": "personal_effects", "count": 5, "region": [2, 1, 6, 4]})
    # Nothing lay near the fall, so no piece was rasterised for its floor: the 60 lying
    # far off are never looked at (the fall's own pieces are rasterised as they land).
    assert len(taken) == 0


def test_kept_raster_cells_fit_the_int16_they_are_kept_in():
    # debris_space._floor keeps each still piece's raster cells as int16: any map the loader takes must fit.
    assert (MAX_MAP_SIDE + fp.SPOT_REACH_M) * fp.FINE_PER_M < np.iinfo(np.int16).max


def test_pieces_placed_together_take_the_very_cells_they_take_one_by_one():
    # A fall rasterises its pieces in one stacked product: the cells must be the same to the bit,
    # or a piece would land a raster cell off where it lands alone.
    rng = np.random.default_rng(11)
    n = 40
    length, width = (0.15 + 3.9 * rng.random(n)).tolist(), (0.15 + 0.5 * rng.random(n)).tolist()
    pos = 50.0 * rng.random((n, 2))
    angles = (rng.random(n) * 2 * math.pi).tolist()
    pos[:5] -= 48.0  # (some lie partly below zero: negative raster indices, packed and unpacked)
    packed = fp.taken_cells_many(length, width, pos, angles)
    for i in range(n):
        y, x = fp.taken_cells(length[i], width[i], (float(pos[i, 0]), float(pos[i, 1])), angles[i])
        ry, rx = packed[i] >> 16, (packed[i] & 0xFFFF).astype(np.int16)
        assert set(zip(ry.tolist(), rx.tolist())) == set(zip(y.tolist(), x.tolist()))
        # and marked on a floor as Floor.take marks them one by one
        a, b = (fp.Floor(np.ones((54, 54), dtype=bool), (0, 0, 54, 54)) for _ in range(2))
        a.take_packed(packed[i])
        b.take_cells(y, x)
        assert np.array_equal(a.free, b.free)


def test_outlines_made_together_are_the_outlines_made_one_by_one():
    # A fall builds its pieces' outlines in one go: the very points (order aside), or a piece
    # would fit (or not) where it does not alone.
    rng = np.random.default_rng(12)
    length, width = 0.15 + 3.9 * rng.random(30), 0.15 + 0.5 * rng.random(30)
    length[:5] = [0.2, 0.5, 1.0, 1.2, 4.0]  # sizes on the 0.1 m spacing itself
    many = fp.outline_many(length, width, fp.CLEARANCE_M, 1.0 / fp.FINE_PER_M)
    for i in range(length.size):
        one = fp.outline_samples(float(length[i]), float(width[i]), fp.CLEARANCE_M, 1.0 / fp.FINE_PER_M)
        assert set(map(tuple, many[i].tolist())) == set(map(tuple, one.tolist()))


def test_the_search_reads_the_cells_a_fit_reads_on_and_off_the_raster():
    # The kernel works out each point's raster cell itself, clipping it onto the taken border
    # near the window's edge: a piece fits at its drop spot exactly where Floor.fits says so.
    free = np.ones((8, 8), dtype=bool)
    free[3, 2:5] = False
    floor = fp.Floor(free, (0, 0, 3, 3))  # a 3 m window: points past it read its border
    rng = np.random.default_rng(13)
    gx, gy = fp._lattice_axes((0.0, 0.0, 3.0, 3.0))
    spot, fits = np.empty(2), []
    for _ in range(300):
        off = rng.uniform(-0.4, 0.4, (12, 2))
        want = rng.uniform(-0.5, 3.5, 2)
        found = fp.kernels.find(*fp._raster(floor), gx, gy, float(want[0]), float(want[1]), off, len(off), 0, spot,
                                *fp._room(gx, gy))
        fits.append(bool(floor.fits(off, want[None, :], 0.0)[0]))
        assert (found == landing_kernels.AT_WANT) == fits[-1]
    assert 30 < sum(fits) < 270  # (some fit, some run onto a taken cell or off the window)


def test_a_fall_lands_its_pieces_where_finding_each_spot_in_turn_lands_them():
    # A Drop lands its pieces in one call of the kernel, each on the deck as the ones before
    # left it: the spots must be the ones find_spot gives piece after piece, and the floor
    # taken as Floor.take takes it after each.
    free = np.zeros((6, 10), dtype=bool)
    free[1:5, 1:9] = True
    free[2:4, 4:5] = False
    area = (2.0, 1.0, 7.0, 4.0)
    window = fp.spot_window(area, free.shape)
    alone = fp.Floor(free, window)
    rng = np.random.default_rng(14)
    kinds = set()
    for n in (10,) * 9:  # small falls, one after another onto what the last left, till the room is full
        length, width = (0.3 + 0.9 * rng.random(n)).tolist(), (0.15 + 0.4 * rng.random(n)).tolist()
        want = np.stack([2.0 + 5.0 * rng.random(n), 1.0 + 3.0 * rng.random(n)], axis=1)
        angles = (rng.random(n) * math.pi).tolist()
        floor = fp.Floor(free, window)
        floor.free[:] = alone.free
        got = fp.Drop(floor, length, width, want, angles, area).land()
        for i in range(n):
            spot = fp.find_spot(alone, length[i], width[i], (float(want[i, 0]), float(want[i, 1])), angles[i], area)
            assert got[i] == spot
            if spot is None:
                kinds.add("none")
                continue
            alone.take(length[i], width[i], spot[0], spot[1])
            d = math.dist(spot[0], want[i])
            kinds.add("turned" if spot[1] != angles[i] else "at" if d == 0.0 else "near" if d <= 0.5
                      else "ring" if d <= 1.0 else "far")
        assert np.array_equal(floor.free, alone.free)
    # (some landed in the first ring, some past it, some turned, some found no room)
    assert kinds == {"at", "near", "ring", "far", "turned", "none"}


def test_search_offsets_made_together_are_the_offsets_made_one_by_one():
    # A Drop turns every piece's outline and coarse points in one stacked product; the search
    # alone turns one piece's at a time (`_offsets`): the very numbers, or a candidate would read
    # a raster cell off the one it reads alone.
    rng = np.random.default_rng(15)
    n = 30
    length, width = (0.15 + 3.9 * rng.random(n)).tolist(), (0.15 + 0.5 * rng.random(n)).tolist()
    want = 20.0 * rng.random((n, 2)) + 2.0
    angles = (rng.random(n) * 2 * math.pi).tolist()
    drop = fp.Drop(fp.Floor(np.ones((30, 30), dtype=bool), (0, 0, 30, 30)), length, width, want, angles, (2.0, 2.0, 22.0, 22.0))
    for i in range(n):
        one = fp._offsets(drop.outlines[i], fp._coarse(length[i], width[i]), angles[i])
        assert np.array_equal(drop.off[i], one)
        # and the points it takes, turned as Floor.take turns them alone (`place`)
        assert np.array_equal(drop.turned_takes[i], fp.place(drop.takes[i], np.zeros((1, 2)), angles[i])[0])


def test_a_fall_leaves_out_the_pieces_beyond_where_its_fits_read(monkeypatch):
    # Pieces lying 2-4 m past a fall's region are inside its floor's window (4 m: a beam's reach)
    # but past where fitting small things reads the floor (about 1.6 m): they are not rasterised,
    # and the fall lands every piece where it lands with them rasterised.
    rows = ROOM.strip().splitlines()
    wide = "\n".join(r[:-1] + "." * 30 + r[-1] if 0 < i < len(rows) - 1 else r + "H" * 30 for i, r in enumerate(rows))
    real_many, real_reach = fp.taken_cells_many, fp.read_reach_m

    def second_fall(reach) -> tuple[list, int]:
        w = ascii_world(wide, events=[fall("personal_effects", count=40, region=(8, 1, 9, 5))])
        step(w)
        w.physics.scratch.taken.clear()  # (every piece near is rasterised afresh, or left out)
        rasterised = []
        monkeypatch.setattr(fp, "taken_cells_many", lambda *a: rasterised.extend(a[0]) or real_many(*a))
        monkeypatch.setattr(fp, "read_reach_m", reach)
        debris.spawn_debris(w, {"debris": "personal_effects", "count": 25, "region": [2, 1, 5, 5]})
        monkeypatch.setattr(fp, "taken_cells_many", real_many)
        return debris.debris_records(w), len(rasterised)

    lands, some = second_fall(real_reach)
    lands_all, all_near = second_fall(lambda length, width: 1e9)
    assert lands == lands_all
    assert 0 < some < all_near  # (some lay within reach, some beyond)


@pytest.mark.parametrize("beam_x", [6.9, 7.2, 8.5])
def test_a_fall_looks_at_every_beam_whose_deck_cells_reach_where_its_fits_read(beam_x):
    # A beam blocks the whole deck cell (1 m) it lies on, past its shape: one lying at
    # x = 6.9 m blocks the cell x = 6, which fitting small things over x 2-5 reads (to about
    # 6.65 m), though its shape ends 0.2 m past that. The fall's pieces near (with its reach)
    # block over the cells it reads just what every piece in its floor's window blocks.
    w = ascii_world(ROOM.replace("#", "."))
    step(w)
    _add_piece(w.physics, KINDS["support_beam"], 3.0, 0.15, 200.0, (beam_x, 3.0), math.pi / 2)
    area = (2.0, 1.0, 5.0, 5.0)
    reach = fp.read_reach_m(np.array([0.5]), np.array([0.35]))
    x0, y0, x1, y1 = (math.floor(area[0] - reach), math.floor(area[1] - reach),
                      math.ceil(area[2] + reach), math.ceil(area[3] + reach))
    near = _near(w, area, reach)
    blocked = _heavy_cells(w, area, near)[max(y0, 0):y1, max(x0, 0):x1]
    assert np.array_equal(blocked, _heavy_cells(w, area, _near(w, area))[max(y0, 0):y1, max(x0, 0):x1])
    assert blocked.any() == (beam_x < 7) and near == ([0] if beam_x < 8 else [])



def test_a_floor_from_kept_cells_is_the_floor_made_afresh():
    # `_floor` keeps each piece's raster cells with the pose it had and uses them again while
    # the piece lies there. Light pieces land with a slide and spin: after a few ticks some have
    # moved off their kept pose and some lie asleep on it, and the floor is the one made with
    # every piece rasterised afresh, to the raster cell.
    w = ascii_world(ROOM, events=[
        fall("personal_effects", count=30, region=(1, 1, 12, 5)),
        fall("support_beam", at=(9, 3), angle_deg=30.0),
    ])
    step(w)
    st, area = w.physics, (2.0, 1.0, 10.0, 5.0)

    def floor(afresh: bool) -> np.ndarray:
        if afresh:
            st.scratch.taken.clear()
        return _floor(w, area, st.passable, heavy_only=False, reach_m=1.0).free

    floor(afresh=True)  # keeps every near piece's cells at its pose now
    kept = {i: (k[0], k[1], k[2]) for i, k in st.scratch.taken.items()}
    for _ in range(6):
        step(w)
    now = {i: (st.pieces[i].body.position.x, st.pieces[i].body.position.y, st.pieces[i].body.angle) for i in kept}
    assert any(now[i] != kept[i] for i in kept) and any(now[i] == kept[i] for i in kept)
    assert any(st.pieces[i].body.is_sleeping for i in kept)
    assert np.array_equal(floor(afresh=False), floor(afresh=True))
