"""Debris as a player meets it: walls it cannot pass, wind that drags the light
stuff to the hole, beams that block doors until cut, and the same heap from
the same seed."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from game.levelio.load import load_level
from game.sim import debris, debris_state
from game.sim import debris_footprint as fp
from game.sim.commands import CloseDoor, MoveTo
from game.sim.events import CommandRejected
from game.sim.debris_kinds import HEAVY_KG, KINDS
from game.sim.level import EventDef
from game.sim.static_geometry import merge_rects
from game.sim.tiles import WALKABLE, Tile
from game.sim.world import TICK_S, Breach, create_world, run_until, state_hash, step
from game.view.messages import describe
from tests.builders import ascii_world

ROOT = Path(__file__).resolve().parent.parent
MODULE4 = ROOT / "levels" / "module4.toml"
FOUR = ndimage.generate_binary_structure(2, 1)

BOX = """
HHHHHHHHHHHH
H..........H
H..........H
H..........H
H..........H
HHHHHHHHHHHH
"""

TWO_ROOMS = """
HHHHHHHHHHHHH
H.....#.....H
H.....+.....H
H.....#.....H
HHHHHHHHHHHHH
"""

HALL = """
HHHHHHHHHHHHHHHHHHHHHH
H....................H
H....................H
H....................H
H.........#..........H
H.........#..........H
H....................H
H....................H
HHHHHHHHHHHHHHHHHHHHHH
"""


def with_person(text: str, x: int, y: int, letter: str = "a") -> str:
    """The map with a person's letter on floor cell (x, y)."""
    rows = text.strip("\n").split("\n")
    assert rows[y][x] == "."
    rows[y] = rows[y][:x] + letter + rows[y][x + 1:]
    return "\n".join(rows)


def fall(at_s: float, kind: str, *, region=None, at=None, count: int = 1, angle_deg=None) -> EventDef:
    p = {"debris": kind, "count": count}
    if region is not None:
        p["region"] = list(region)
    if at is not None:
        p["at"] = list(at)
    if angle_deg is not None:
        p["angle_deg"] = angle_deg
    return EventDef(at_s, "debris_fall", p)


def run_physics(world, seconds: float) -> None:
    """Only the debris system, so a test's own wind field is not replaced."""
    for _ in range(round(seconds / TICK_S)):
        debris.step_physics(world, TICK_S)
        world.tick += 1


def wind_toward(world, x: float, y: float, speed_m_s: float) -> None:
    """A steady flow converging on the point (x, y) at `speed_m_s` everywhere."""
    h, w = world.grid.tiles.shape
    ys, xs = np.mgrid[0:h, 0:w]
    dx, dy = x - (xs + 0.5), y - (ys + 0.5)
    d = np.hypot(dx, dy) + 1e-9
    world.atmos.wind_x = (dx / d * speed_m_s).astype(np.float32)
    world.atmos.wind_y = (dy / d * speed_m_s).astype(np.float32)


def records_by_kind(world, kind: str) -> list[dict]:
    return [r for r in debris.debris_records(world) if r["kind"] == kind]


def in_passable_cells(world, slop_m: float = 0.0) -> bool:
    """Every piece's centre on a passable cell, or at most `slop_m` into a wall face."""
    passable = world.physics.passable
    for r in debris.debris_records(world):
        if debris.depth_in_solid(passable, *r["position"]) > slop_m:
            return False
    return True


def reachable(open_cells: np.ndarray, a: tuple[int, int], b: tuple[int, int]) -> bool:
    labels, _ = ndimage.label(open_cells, structure=FOUR)
    return labels[a[1], a[0]] != 0 and labels[a[1], a[0]] == labels[b[1], b[0]]


# --------------------------------------------------------------------------
# static geometry


def test_walls_become_a_few_merged_rectangles():
    w = ascii_world(BOX)
    # Top and bottom hull rows, and the two side columns between them.
    assert w.physics.walls.count == 4
    assert sorted(w.physics.walls.rects.values()) == [(0, 0, 12, 1), (0, 1, 1, 5), (0, 5, 12, 6), (11, 1, 12, 5)]
    w2 = ascii_world(TWO_ROOMS)
    # + the partition above the door, below it, and the closed door as a square of its own
    assert w2.physics.walls.count == 7
    assert (6, 2, 7, 3) in w2.physics.walls.rects.values()
    m4 = create_world(load_level(MODULE4), 1)
    solid = int(m4.physics.walls.mask.sum())
    doorways = len(m4.doors)  # each a square of its own, splitting the wall it sits in
    assert m4.physics.walls.count <= 2 * doorways + 30 < solid / 6, (m4.physics.walls.count, doorways, solid)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.booleans(), min_size=7, max_size=7), min_size=1, max_size=7))
def test_merged_rectangles_cover_the_mask_exactly_once(rows):
    mask = np.array(rows, dtype=bool)
    cover = np.zeros(mask.shape, dtype=np.int32)
    for x0, y0, x1, y1 in merge_rects(mask):
        cover[y0:y1, x0:x1] += 1
    assert np.array_equal(cover, mask.astype(np.int32))


def test_cutting_a_wall_cell_rebuilds_only_the_shapes_around_it():
    w = ascii_world(HALL)
    walls = w.physics.walls
    before = dict(walls.shapes)
    w.set_tile(10, 4, Tile.CUT)
    after = walls.shapes
    kept = [k for k in before if k in after and after[k] is before[k]]
    removed = [k for k in before if k not in after]
    assert len(removed) == 1  # just the partition stub the cut cell belonged to
    assert len(kept) == len(before) - 1
    assert walls.mask[4, 10] == False  # noqa: E712 - a hole now, debris can pass
    assert walls.owner[5, 10] >= 0  # the rest of the stub is still a wall


def test_opening_a_door_removes_its_shape_and_closing_puts_it_back():
    w = ascii_world(TWO_ROOMS)
    walls = w.physics.walls
    door = w.doors[w.door_at[(6, 2)]]
    far = {k: s for k, s in walls.shapes.items() if walls.rects[k] != (6, 2, 7, 3)}
    w.set_door_state(door, "open")
    assert walls.owner[2, 6] == -1
    # every other shape untouched, the partition either side too: what sleeps against it sleeps on
    assert all(walls.shapes.get(k) is s for k, s in far.items())
    w.set_door_state(door, "closed")
    assert walls.owner[2, 6] >= 0
    assert all(walls.shapes.get(k) is s for k, s in far.items())


def test_a_piece_slides_through_a_door_once_it_is_open():
    w = ascii_world(TWO_ROOMS, events=[fall(0.0, "insulation", at=(4, 2))])
    step(w)
    door = w.doors[w.door_at[(6, 2)]]
    wind_toward(w, 11.5, 2.5, 25.0)
    run_physics(w, 3.0)
    assert records_by_kind(w, "insulation")[0]["position"][0] < 6.0  # held by the shut door
    w.set_door_state(door, "open")
    run_physics(w, 3.0)
    assert records_by_kind(w, "insulation")[0]["position"][0] > 7.0


# --------------------------------------------------------------------------
# kinds and falling


def test_debris_kinds_have_real_sizes_and_a_beam_is_too_heavy_to_lift():
    panel, beam = KINDS["ceiling_panel"], KINDS["support_beam"]
    assert 0.55 <= panel.width_m[0] and panel.length_m[1] <= 1.3 and 6 <= panel.mass_kg[0] <= panel.mass_kg[1] <= 10
    assert KINDS["insulation"].mass_kg[1] <= 2.0
    assert 3.0 <= beam.length_m[0] and beam.length_m[1] <= 4.0 and beam.mass_kg[0] >= 150
    assert beam.mass_kg[0] >= HEAVY_KG > panel.mass_kg[1]


def test_debris_from_a_level_event_lands_in_its_region():
    region = (3, 1, 8, 3)
    w = ascii_world(BOX, events=[fall(0.5, "ceiling_panel", region=region, count=5)])
    run_until(w, 3.0)
    panels = records_by_kind(w, "ceiling_panel")
    assert len(panels) == 5
    for r in panels:
        x, y = r["position"]
        assert region[0] - 0.5 <= x <= region[2] + 1.5 and region[1] <= y <= region[3] + 1
    assert in_passable_cells(w)


def test_a_single_piece_dropped_on_a_cell_lands_on_its_centre_at_its_angle():
    w = ascii_world(BOX, events=[fall(0.0, "support_beam", at=(5, 2), angle_deg=0.0)])
    run_until(w, 2.0)
    (beam,) = records_by_kind(w, "support_beam")
    assert beam["position"] == pytest.approx([5.5, 2.5], abs=0.01)
    assert beam["angle_deg"] % 180 == pytest.approx(0.0, abs=0.5)


def test_spawning_draws_only_from_the_debris_stream():
    a = ascii_world(BOX, events=[fall(0.0, "personal_effects", region=(1, 1, 10, 4), count=6)])
    b = ascii_world(BOX)
    step(a)
    step(b)
    for name in ("events", "ai"):
        assert a.rng[name].bit_generator.state == b.rng[name].bit_generator.state
    assert a.rng["debris"].bit_generator.state != b.rng["debris"].bit_generator.state


def test_a_new_breach_throws_loose_things_toward_the_hole():
    w = ascii_world(BOX, events=[EventDef(0.0, "breach", {"at": [11, 2], "area_cm2": 120.0})])
    step(w)
    thrown = records_by_kind(w, "personal_effects")
    assert len(thrown) == 3  # one per 40 cm2
    for r in thrown:
        assert math.dist(r["position"], (11.0, 2.5)) <= 3.6
    run_physics(w, 5.0)
    assert in_passable_cells(w)


# --------------------------------------------------------------------------
# wind


def test_wind_drags_light_debris_to_the_breach_while_a_beam_stays():
    w = ascii_world(
        BOX,
        events=[
            fall(0.0, "insulation", region=(2, 1, 4, 2), count=3),
            fall(0.0, "support_beam", at=(7, 4), angle_deg=0.0),
        ],
    )
    step(w)
    beam0 = records_by_kind(w, "support_beam")[0]["position"]
    bats0 = [r["position"] for r in records_by_kind(w, "insulation")]
    wind_toward(w, 11.0, 2.5, 20.0)  # a strong draught toward a hole in the east hull
    run_physics(w, 8.0)
    bats = [r["position"] for r in records_by_kind(w, "insulation")]
    for (x0, y0), (x, y) in zip(bats0, bats):
        assert math.dist((x, y), (11.0, 2.5)) < math.dist((x0, y0), (11.0, 2.5)) - 3.0
    beam = records_by_kind(w, "support_beam")[0]["position"]
    assert math.dist(beam, beam0) < 0.05
    assert w.physics.rescues == 0


def test_a_sleeping_piece_wakes_only_when_the_wind_can_move_it():
    w = ascii_world(BOX, events=[fall(0.0, "ceiling_panel", at=(3, 2), angle_deg=0.0)])
    run_until(w, 3.0)
    (settled,) = records_by_kind(w, "ceiling_panel")
    assert settled["asleep"]
    wind_toward(w, 11.0, 2.5, 3.0)  # a breeze: below what beats the panel's friction
    run_physics(w, 2.0)
    (panel,) = records_by_kind(w, "ceiling_panel")
    assert panel["asleep"] and panel["position"] == settled["position"]
    wind_toward(w, 11.0, 2.5, 40.0)
    run_physics(w, 1.0)
    (panel,) = records_by_kind(w, "ceiling_panel")
    assert not panel["asleep"] and panel["position"][0] > 4.0


def test_light_debris_over_the_hole_partly_plugs_it():
    w = ascii_world(BOX, events=[fall(0.0, "insulation", region=(6, 1, 9, 4), count=4)])
    w.breaches.append(Breach(0, 11, 2, 115e-4, 0.6))
    step(w)
    assert debris.breach_plug_fraction(w)[0] == 0.0
    wind_toward(w, 11.0, 2.5, 30.0)
    run_physics(w, 6.0)
    plug = debris.breach_plug_fraction(w)
    assert plug.shape == (1,)
    assert 0.0 < plug[0] <= debris.MAX_PLUG < 1.0


def _box_with_breach(insulation: bool):
    """The box with a 1200 cm2 hole in its east wall at 0.5 s (and insulation by it)."""
    events = [EventDef(0.5, "breach", {"at": [11, 2], "area_cm2": 1200.0})]
    if insulation:
        events.insert(0, fall(0.0, "insulation", at=(10, 2), angle_deg=90.0))
    return ascii_world(BOX, events=events)


def test_insulation_the_draught_pulls_over_a_hole_slows_the_leak():
    plugged, bare = _box_with_breach(True), _box_with_breach(False)
    run_until(plugged, 4.0)
    run_until(bare, 4.0)
    assert plugged.atmos.breach_plug[0] > 0.2  # the gas sees the smaller hole...
    assert bare.atmos.breach_plug[0] == 0.0
    news = next(e for e in plugged.events if e.kind == "BreachPlugChanged")
    assert news.plug > 0.2
    assert describe(news, plugged)[1] == f"Debris sucked over the breach at the hull: {news.plug * 100:.0f}% of it covered"
    # ...so the room keeps its air longer
    assert plugged.compartments.pressure_bar[0] > bare.compartments.pressure_bar[0] + 0.02


def test_loose_things_lying_by_a_small_hole_do_not_plug_it():
    # Module Four's breach throws a bag that ends up against the hull by the
    # hole, but its draught (about 1 m/s) cannot lift a bag onto it.
    w = create_world(load_level(MODULE4), 4)
    run_until(w, 60.0)
    b = w.breaches[0]
    lying_by = w.physics.space.point_query(debris_state._mouth(w, b.x, b.y), debris.PLUG_REACH_M, debris_state._PLUG_QUERY)
    assert lying_by
    assert debris.breach_plug_fraction(w)[0] == 0.0
    assert w.atmos.breach_plug[0] == 0.0
    wind_toward(w, b.x + 0.5, b.y + 1.0, 30.0)  # a gale would have held it there
    assert debris.breach_plug_fraction(w)[0] > 0.0


# --------------------------------------------------------------------------
# what debris does to walking


def test_a_beam_blocks_its_cells_and_a_panel_only_slows():
    w = ascii_world(
        BOX,
        events=[
            fall(0.0, "support_beam", at=(4, 1), angle_deg=0.0),
            fall(0.0, "ceiling_panel", at=(8, 3), angle_deg=0.0),
        ],
    )
    run_until(w, 2.0)
    blocked, slow = debris.occupancy(w)
    assert blocked.shape == slow.shape == w.grid.tiles.shape
    assert blocked[1, 3:6].all() and not blocked[3, 8]
    assert slow[3, 8] > 1.5 and slow[2, 2] == 1.0
    assert (slow >= 1.0).all()
    again = debris.occupancy(w)
    assert again[0] is blocked  # nothing moved: the cached layer comes back
    with pytest.raises(ValueError):
        blocked[0, 0] = True


def test_clearing_moves_light_debris_off_a_cell():
    w = ascii_world(BOX, events=[fall(0.0, "insulation", at=(5, 2), angle_deg=0.0)])
    run_until(w, 2.0)
    assert debris.occupancy(w)[1][2, 5] > 1.0
    assert debris.clear_light_debris(w, (5, 2))
    assert debris.occupancy(w)[1][2, 5] == 1.0
    assert len(records_by_kind(w, "insulation")) == 1 and in_passable_cells(w)
    assert not debris.clear_light_debris(w, (5, 2))  # nothing left there


def test_clearing_leaves_a_beam_where_it_is():
    w = ascii_world(BOX, events=[fall(0.0, "support_beam", at=(5, 2), angle_deg=0.0)])
    run_until(w, 1.0)
    assert not debris.clear_light_debris(w, (5, 2))
    assert debris.occupancy(w)[0][2, 5]


def test_cutting_a_beam_opens_the_cell_and_leaves_two_heavy_ends():
    w = ascii_world(BOX, events=[fall(0.0, "support_beam", at=(5, 2), angle_deg=0.0)])
    run_until(w, 1.0)
    (beam,) = records_by_kind(w, "support_beam")
    assert debris.debris_view(w).ids.tolist() == [beam["id"]]  # drawn whole before the cut
    pieces = debris.cut_beam(w, beam["id"], at=(5.5, 2.5))
    assert len(pieces) == 2
    left = {r["id"]: r for r in debris.debris_records(w)}
    assert beam["id"] not in left
    v = debris.debris_view(w)  # and as its two ends after it
    assert sorted(v.ids.tolist()) == sorted(left) == sorted(pieces) and v.kinds == ("support_beam",) * 2
    length = beam["size_m"][0]
    assert sum(left[i]["mass_kg"] for i in pieces) == pytest.approx(beam["mass_kg"] * (length - 1.0) / length, rel=1e-4)
    blocked, _ = debris.occupancy(w)
    assert not blocked[2, 5] and blocked[2, 4] and blocked[2, 6]
    # Cutting an end piece again at its far end leaves a stub light enough to clear.
    end = left[pieces[1]]
    rest = debris.cut_beam(w, end["id"], at=(end["position"][0] - 0.3, 2.5))
    assert all(not r["heavy"] for r in debris.debris_records(w) if r["id"] in rest)


def test_people_step_over_light_debris_without_sweeping_it_along():
    w = ascii_world(
        with_person(BOX, 1, 2),
        people={"a": ("Ann", "crew", ())},
        events=[fall(0.0, "ceiling_panel", at=(6, 2), angle_deg=0.0)],
    )
    run_until(w, 2.0)
    before = records_by_kind(w, "ceiling_panel")[0]["position"]
    w.submit(MoveTo(person_id=0, cell=(10, 2)))
    run_until(w, 14.0)
    assert w.people[0].cell == (10, 2)  # she waded through its cells...
    assert records_by_kind(w, "ceiling_panel")[0]["position"] == before  # ...and left it where it lay


def test_a_beam_driven_by_the_wind_stops_at_a_person_in_its_way():
    w = ascii_world(
        with_person(BOX, 8, 2),
        people={"a": ("Ann", "crew", ())},
        events=[fall(0.0, "support_beam", at=(3, 2), angle_deg=0.0)],
    )
    run_until(w, 2.0)
    wind_toward(w, 11.0, 2.5, 60.0)  # the strongest draught there is, straight at her
    run_physics(w, 6.0)
    (beam,) = records_by_kind(w, "support_beam")
    front = beam["position"][0] + beam["size_m"][0] / 2
    assert beam["position"][0] > 3.6  # it did slide...
    assert front <= 8.5 - debris.PERSON_RADIUS_M + 0.05  # ...up to Ann, not through her
    assert w.physics.tracked == [True]


# --------------------------------------------------------------------------
# physics that holds


def _gale_world(seed: int = 3):
    kinds = ("personal_effects", "insulation", "ceiling_panel", "support_beam")
    events = [fall(0.0, k, region=(1, 1, 20, 7), count=8 if k != "support_beam" else 2) for k in kinds]
    return ascii_world(HALL, seed=seed, events=events)


def test_no_piece_tunnels_through_a_wall_or_leaves_the_hull_at_the_highest_wind():
    w = _gale_world()
    step(w)
    n = len(debris.debris_records(w))
    assert n >= 20
    # 60 m/s, the fastest the leak model produces, toward a corner; then
    # flipped every 5 s so everything slams back and forth.
    for phase in range(6):
        target = (20.5, 1.5) if phase % 2 == 0 else (1.5, 7.5)
        wind_toward(w, *target, 60.0)
        for _ in range(50):
            run_physics(w, TICK_S)
            # A pile pressed by a 60 m/s gale may dent a wall face by a few cm; a
            # centre halfway (0.5 m) into a wall would be a piece going through.
            assert in_passable_cells(w, slop_m=0.15)
    assert w.physics.rescues == 0
    assert len(debris.debris_records(w)) == n


def test_nobody_leaves_the_hull_over_a_long_run():
    w = _gale_world(seed=11)
    step(w)
    rng = np.random.default_rng(5)
    for _ in range(20):  # 100 s of gusts from random directions, up to 60 m/s
        wind_toward(w, rng.uniform(1, 21), rng.uniform(1, 8), rng.uniform(5, 60))
        run_physics(w, 5.0)
        recs = debris.debris_records(w)
        xs = np.array([r["position"][0] for r in recs])
        ys = np.array([r["position"][1] for r in recs])
        # Inside the hull's inner faces, give or take a dent of a few cm under a gale-pressed pile.
        assert ((xs > 0.85) & (xs < 21.15) & (ys > 0.85) & (ys < 8.15)).all()
    assert w.physics.rescues == 0


def test_a_piece_slides_as_far_as_floor_friction_lets_it_and_stops():
    """Kinetic friction mu m g against the motion takes mu g off the speed
    each second, so a slide from v ends after v^2 / (2 mu g). The step takes
    a tick's friction off the speed before the tick's travel, which comes
    out v dt / 2 short at the launch; the discrete sum of the ticks' travel
    is that to within mu g dt^2."""
    from game.sim.constants import MARS_G_M_S2

    w = ascii_world("\n".join(["H" * 14] + ["H" + "." * 12 + "H" for _ in range(3)] + ["H" * 14]))
    (pid,) = debris.spawn_debris(w, {"debris": "ceiling_panel", "at": [2, 2], "angle_deg": 0.0})
    body = w.physics.pieces[pid].body
    body.position, body.velocity, body.angular_velocity = (2.5, 2.5), (3.0, 0.0), 0.0
    debris_state._dirty(w.physics)
    a = KINDS["ceiling_panel"].floor_mu * MARS_G_M_S2  # 0.35 x 3.71 m/s2
    run_physics(w, 3.0)  # 3 m/s stops in 3.0 / 1.3 = 2.3 s
    slid = body.position.x - 2.5
    assert slid == pytest.approx(3.0**2 / (2 * a) - 3.0 * TICK_S / 2, abs=a * TICK_S**2)  # 3.47 - 0.15 m
    assert body.velocity.length == 0.0 and body.angular_velocity == 0.0
    run_physics(w, 1.0)
    assert body.is_sleeping and body.position.x - 2.5 == slid  # still, so asleep, where it stopped


def test_a_spinning_piece_stops_turning_under_the_floor_torque():
    """The deck's friction mu m g acts at a mean lever arm of (L + W) / 5 on a
    rectangle, against a moment of inertia m (L^2 + W^2) / 12: the spin falls
    by mu g (L + W) / 5 x 12 / (L^2 + W^2) each second until it stops."""
    from game.sim.constants import MARS_G_M_S2

    w = ascii_world("\n".join(["H" * 8] + ["H" + "." * 6 + "H" for _ in range(5)] + ["H" * 8]))
    (pid,) = debris.spawn_debris(w, {"debris": "insulation", "at": [3, 3], "angle_deg": 0.0})
    p = w.physics.pieces[pid]
    p.body.velocity, p.body.angular_velocity = (0.0, 0.0), 4.0
    debris_state._dirty(w.physics)
    rate = KINDS["insulation"].floor_mu * MARS_G_M_S2 * (p.length_m + p.width_m) / 5 * 12 / (p.length_m**2 + p.width_m**2)
    run_physics(w, 0.5)
    assert p.body.angular_velocity == pytest.approx(4.0 - rate * 0.5)  # five ticks of the floor torque
    run_physics(w, 4.0 / rate)
    assert p.body.angular_velocity == 0.0


def test_settled_bodies_fall_asleep():
    w = _gale_world()
    run_until(w, 0.5)
    assert not all(r["asleep"] for r in debris.debris_records(w))
    run_until(w, 8.0)
    recs = debris.debris_records(w)
    assert recs and all(r["asleep"] for r in recs)


def test_same_seed_same_commands_same_heap_after_10000_steps():
    def build():
        w = ascii_world(
            with_person(HALL, 1, 1),
            seed=9,
            people={"a": ("Ann", "crew", ())},
            events=[
                fall(1.0, k, region=(2, 1, 18, 7), count=6) for k in ("personal_effects", "insulation", "ceiling_panel")
            ]
            + [fall(2.0, "support_beam", region=(12, 2, 16, 6))],
        )
        # A slow swirl (no breach, so the atmosphere leaves it alone) keeps the heap moving.
        h, wd = w.grid.tiles.shape
        ys, xs = np.mgrid[0:h, 0:wd]
        dx, dy = xs + 0.5 - 11.0, ys + 0.5 - 4.5
        w.atmos.wind_x = (-dy * 3.0).astype(np.float32)
        w.atmos.wind_y = (dx * 3.0).astype(np.float32)
        return w

    a, b = build(), build()
    for w in (a, b):
        for i in range(10_000):
            if i % 400 == 0:
                w.submit(MoveTo(person_id=0, cell=(19, 7) if (i // 400) % 2 == 0 else (1, 1)))
            step(w)
    assert len(debris.debris_records(a)) > 15
    assert debris.state_bytes(a) == debris.state_bytes(b)
    assert state_hash(a) == state_hash(b)
    c = build()
    c.rng["debris"] = np.random.default_rng(1234)  # a different debris stream: a different heap
    run_until(c, 3.0)
    run_until(a := build(), 3.0)
    assert debris.state_bytes(c) != debris.state_bytes(a)


# --------------------------------------------------------------------------
# Module Four


@pytest.fixture(scope="module")
def module4_at_60():
    w = create_world(load_level(MODULE4))
    run_until(w, 60.0)
    return w


def test_module4_main_corridor_is_blocked_in_the_debris_band(module4_at_60):
    w = module4_at_60
    blocked, _ = debris.occupancy(w)
    corridor = np.zeros_like(blocked)
    corridor[7:9, 15:82] = True  # rows 7 and 8 are the main corridor
    walkable = corridor & WALKABLE[w.grid.tiles]
    assert reachable(walkable, (45, 7), (66, 8))  # without debris it is one corridor
    assert not reachable(walkable & ~blocked, (45, 7), (66, 8))
    band = blocked[7:9, 50:62]
    assert band[0].any() and band[1].any()


def test_module4_room_4_16_is_shut_in_by_the_beam(module4_at_60):
    w = module4_at_60
    blocked, _ = debris.occupancy(w)
    assert blocked[7, 76]  # the corridor cell in front of 4-16's door
    cells = WALKABLE[w.grid.tiles] | np.isin(w.grid.tiles, (Tile.DOOR, Tile.BULKHEAD))
    assert reachable(cells, (76, 3), (70, 7))
    assert not reachable(cells & ~blocked, (76, 3), (70, 7))
    beams = [r for r in records_by_kind(w, "support_beam") if math.dist(r["position"], (76.5, 7.5)) < 0.5]
    assert len(beams) == 1 and beams[0]["heavy"]
    # Cutting the beam at the doorway frees the way out.
    w2 = create_world(load_level(MODULE4))
    run_until(w2, 50.0)
    beam = next(r for r in records_by_kind(w2, "support_beam") if math.dist(r["position"], (76.5, 7.5)) < 0.5)
    debris.cut_beam(w2, beam["id"], at=(76.5, 7.5))
    blocked2, _ = debris.occupancy(w2)
    assert not blocked2[7, 76]
    assert reachable(cells & ~blocked2, (76, 3), (70, 7))


def test_module4_debris_settles_inside_the_hull(module4_at_60):
    w = module4_at_60
    recs = debris.debris_records(w)
    assert len(recs) >= 25
    assert in_passable_cells(w)
    assert w.physics.rescues == 0
    assert sum(r["asleep"] for r in recs) >= len(recs) - 4


def test_sim_json_lists_every_piece_of_debris(capsys):
    from game.cli import main

    assert main(["sim", str(MODULE4), "--until", "60", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["debris"]) >= 25
    for r in out["debris"]:
        assert r["kind"] in KINDS
        assert isinstance(r["mass_kg"], float) and r["mass_kg"] > 0
        assert len(r["position"]) == 2 and all(isinstance(v, float) for v in r["position"])
        assert isinstance(r["asleep"], bool)
    assert {"ceiling_panel", "insulation", "personal_effects", "support_beam"} <= {r["kind"] for r in out["debris"]}


def test_a_door_shutting_on_debris_pushes_it_out_of_the_doorway():
    w = ascii_world(TWO_ROOMS, doors={(6, 2): "open"}, events=[fall(0.0, "personal_effects", at=(6, 2))])
    run_until(w, 1.0)
    (piece,) = debris.debris_records(w)
    assert int(piece["position"][0]) == 6
    w.set_door_state(w.doors[w.door_at[(6, 2)]], "closed")
    run_physics(w, 1.0)
    assert in_passable_cells(w)
    assert int(debris.debris_records(w)[0]["position"][0]) != 6
    assert w.physics.rescues == 0


def test_the_placement_stamp_moves_only_when_debris_can_have_moved():
    w = ascii_world(BOX, events=[fall(0.0, "ceiling_panel", at=(3, 2))])
    run_until(w, 3.0)
    quiet = debris.placement_stamp(w)
    run_until(w, 4.0)
    assert debris.placement_stamp(w) == quiet  # all asleep, nobody about: nothing to redo
    debris.clear_light_debris(w, (3, 2))
    assert debris.placement_stamp(w) != quiet


def test_only_people_near_heavy_debris_have_bodies_that_collide():
    w = ascii_world(
        with_person(BOX, 1, 1),
        people={"a": ("Ann", "crew", ())},
        events=[fall(0.0, "support_beam", at=(8, 3), angle_deg=0.0)],
    )
    run_until(w, 2.0)
    assert w.physics.tracked == [False]  # far from the beam: her body is parked
    w.submit(MoveTo(person_id=0, cell=(8, 1)))
    run_until(w, 10.0)
    assert w.people[0].cell == (8, 1)
    wind_toward(w, 8.5, 0.0, 60.0)  # the beam stirs, toward her
    run_physics(w, 2.5)
    assert w.physics.tracked == [True]  # beside it: it cannot pass her
    body = w.physics.people[0]
    assert body.position == pytest.approx((8.5, 1.5))
    w.submit(MoveTo(person_id=0, cell=(1, 1)))
    run_until(w, 45.0)  # against the 60 m/s gale she hauls herself along at movement.HAUL_PACE; it may
    assert w.people[0].cell[0] <= 4 and w.physics.tracked == [False]  # push her back a few metres, not to the beam
    assert next(iter(body.shapes)).filter.mask == 0  # a parked body touches nothing


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 20), st.integers(1, 7)), min_size=1, max_size=12))
def test_walls_rebuilt_piecemeal_match_walls_built_whole(cuts):
    """Cut and fill cells one by one: the local rebuilds always cover exactly what a full build would."""
    from game.sim.static_geometry import wall_mask

    w = ascii_world(HALL)
    walls = w.physics.walls
    for x, y in cuts:
        tile = Tile.WALL if w.grid.tiles[y, x] == Tile.FLOOR else Tile.FLOOR
        w.set_tile(x, y, tile)
        cover = np.zeros(walls.mask.shape, dtype=np.int32)
        for x0, y0, x1, y1 in walls.rects.values():
            cover[y0:y1, x0:x1] += 1
        assert np.array_equal(cover, wall_mask(w.physics.passable).astype(np.int32))
        in_space = [s for s in w.physics.space.shapes if s.body is w.physics.walls_body]
        assert len(walls.shapes) == len(walls.rects) == len(in_space)


def test_a_copied_world_with_moving_debris_does_not_pass_for_the_original():
    """pymunk's copies drop the solver's contacts, warm starts and sleep: the
    copy would not step like the original, so its hash must say so (the
    replay then re-simulates instead of seeking from the copy)."""
    import copy

    w = _gale_world()
    step(w)
    wind_toward(w, 20.5, 1.5, 30.0)
    run_physics(w, 1.0)
    assert state_hash(copy.deepcopy(w)) != state_hash(w)


WALL_KINDS = {"wall": "#", "module_wall": "=", "hull": "H", "closed door": "+", "bulkhead": "B", "hatch": "h"}


@pytest.mark.parametrize("kind_name", list(WALL_KINDS))
def test_the_fastest_debris_fired_at_every_wall_kind_stays_out(kind_name):
    """MAX_SPEED_M_S (12 m/s) is the most the sim gives a piece (a breach's
    gust drags nothing faster); fired at a one-cell wall of each kind, head
    on, end on, askew and at the seam between two cells, nothing gets in.
    Each shot starts from six points a substep's travel apart, so the wall
    is met at every point of a substep (a door's seam once let a piece
    through from some of them)."""
    letter = WALL_KINDS[kind_name]
    rows = ["HHHHHHHHHHHHH"] + [f"H.....{letter}.....H" for _ in range(3)] + ["HHHHHHHHHHHHH"]
    shots = [  # kind, angle of the piece, where it starts, heading
        ("personal_effects", 0.0, (4.4, 2.5), 0.0),
        ("personal_effects", 90.0, (4.4, 2.0), 0.0),
        ("personal_effects", 0.0, (4.4, 2.0), 0.0),
        ("insulation", 0.0, (4.0, 2.0), 0.0),
        ("ceiling_panel", 45.0, (4.0, 1.7), 30.0),
        ("support_beam", 0.0, (3.5, 2.5), 0.0),
        ("support_beam", 60.0, (4.5, 2.0), -20.0),
    ]
    step_m = debris_state.MAX_SPEED_M_S * TICK_S / debris_state.substeps(TICK_S)
    for kind, angle_deg, (x, y), heading_deg in shots:
        heading = math.radians(heading_deg)
        for back in np.arange(6) * step_m / 6:
            w = ascii_world("\n".join(rows))
            for door in w.doors:  # (bulkheads stand open until shut)
                w.set_door_state(door, "closed")
            assert not w.physics.passable[1:4, 6].any()  # a wall for debris
            (pid,) = debris.spawn_debris(w, {"debris": kind, "at": [int(x), int(y)], "angle_deg": angle_deg})
            body = w.physics.pieces[pid].body
            body.position = (x - back * math.cos(heading), y - back * math.sin(heading))
            body.velocity = (debris_state.MAX_SPEED_M_S * math.cos(heading), debris_state.MAX_SPEED_M_S * math.sin(heading))
            debris_state._dirty(w.physics)
            # The substeps' design bound (debris_state.MAX_STEP_M): its centre
            # ends a substep at most one substep's travel past the face, less
            # half its thickness, and is pushed back out; past x = 6.5 it would
            # be through, and past ESCAPE_DEPTH_M it would need rescuing.
            dent = max(0.0, debris_state.MAX_STEP_M - w.physics.pieces[pid].width_m / 2)
            for _ in range(10):
                run_physics(w, TICK_S)
                assert in_passable_cells(w, slop_m=dent), (kind, angle_deg, back, debris.debris_records(w))
            # A second after the shot it lies on its own side, out of the wall.
            assert debris.debris_records(w)[0]["position"][0] < 6.0, (kind, angle_deg, back)
            assert w.physics.rescues == 0, (kind, angle_deg, back)


def _covers(w, cell) -> bool:
    """Does any part of any piece lie over `cell` (its outline sampled every 5 cm)?"""
    st = w.physics
    for p in st.pieces:
        if not p.alive:
            continue
        x, y = p.body.position
        pts = fp.place(
            fp.outline_samples(p.length_m, p.width_m, 0.0, 0.05), np.array([[x, y]]), p.body.angle
        )[0]
        if ((pts[:, 0] // 1 == cell[0]) & (pts[:, 1] // 1 == cell[1])).any():
            return True
    return False


def test_a_door_shutting_on_a_piece_half_across_its_doorway_sets_it_on_clear_deck():
    # A panel lying across the doorway with its centre beside it: the door used to
    # leave it to the solver, which squeezed it into the wall next to the door (the
    # backstop then fired: 44 times in an hour of the heavy-debris soak).
    w = ascii_world(TWO_ROOMS, doors={(6, 2): "open"}, events=[fall(0.0, "ceiling_panel", at=(5, 2), angle_deg=0.0)])
    run_until(w, 1.0)
    assert _covers(w, (6, 2))
    w.set_door_state(w.doors[w.door_at[(6, 2)]], "closed")
    run_physics(w, 2.0)
    assert not _covers(w, (6, 2))
    assert in_passable_cells(w)
    assert w.physics.rescues == 0


def test_a_door_cannot_shut_on_a_beam_lying_across_its_doorway():
    w = ascii_world(TWO_ROOMS, doors={(6, 2): "open"}, events=[fall(0.0, "support_beam", at=(6, 2), angle_deg=0.0)])
    run_until(w, 1.0)
    door = w.doors[w.door_at[(6, 2)]]
    w.submit(CloseDoor(door_id=door.id))
    run_until(w, 2.0)
    assert door.state == "open"
    refused = [e for e in w.events if isinstance(e, CommandRejected)]
    assert refused and "cannot shut: debris lies across it" in refused[-1].reason


def test_reading_the_awake_pieces_one_by_one_gives_the_heap_a_batch_read_gives(monkeypatch):
    # ~60 pieces blown round a hall: the awake are listed and read one by one
    # while they are at most half the pieces (the rule big stations use, at
    # 1/32), else every body in a batch. Every tick what was read is what the
    # bodies hold, and the heap is the same bit for bit either way.
    monkeypatch.setattr(debris_state, "SEARCH_FROM_BODIES", 0)
    monkeypatch.setattr(debris_state, "FEW_AWAKE", 4)

    def heap(share: float, search_from: int = 0, list_per_search: int = 0) -> tuple[bytes, int]:
        monkeypatch.setattr(debris_state, "ONE_BY_ONE_SHARE", share)
        monkeypatch.setattr(debris_state, "SEARCH_FROM_BODIES", search_from)
        monkeypatch.setattr(debris_state, "LIST_PER_SEARCH", list_per_search)  # 0: search whenever few are awake
        kinds = ("personal_effects", "insulation", "ceiling_panel")
        w = ascii_world(HALL, seed=5, events=[fall(0.0, k, region=(1, 1, 20, 7), count=20) for k in kinds])
        reads = 0
        real = debris_state._read_one

        def counted(sc, k):
            nonlocal reads
            reads += 1
            real(sc, k)

        monkeypatch.setattr(debris_state, "_read_one", counted)
        step(w)
        for phase in range(4):  # a gale toward one end, then the other, then calm
            if phase < 2:
                wind_toward(w, *((20.5, 4.5) if phase == 0 else (1.5, 4.5)), 20.0)
            else:
                w.atmos.wind_x[:] = 0.0
                w.atmos.wind_y[:] = 0.0
            for _ in range(20):
                run_physics(w, TICK_S)
                sc = debris_state._read(w.physics)
                for k in sc.live_idx.tolist():
                    b = w.physics.pieces[k].body
                    assert tuple(sc.state[k, :2]) == tuple(b.position) and sc.asleep[k] == b.is_sleeping
        monkeypatch.setattr(debris_state, "_read_one", real)
        return debris.state_bytes(w), reads

    batch, read_alone = heap(0.0)
    one_by_one, read_alone_now = heap(0.5)
    assert read_alone_now > read_alone + 100  # the one-by-one reads did happen
    assert one_by_one == batch
    # with many awake, a read takes the awake rows of a batch read of every body (and
    # reads the ones asleep since alone): the heap every body's rows, every tick, give
    awake_rows = 0
    real_rows = debris_state._read_awake_rows

    def counted_rows(st, sc):
        nonlocal awake_rows
        got = real_rows(st, sc)
        awake_rows += got is not None
        return got

    monkeypatch.setattr(debris_state, "_read_awake_rows", counted_rows)
    assert heap(0.0)[0] == batch and awake_rows > 20
    monkeypatch.setattr(debris_state, "_read_awake_rows", real_rows)
    every_row, _ = heap(0.0, search_from=10**9)  # a small space's reads: every row, always
    assert every_row == batch
    # the few awake listed every read rather than searched for near the last ones: the same heap
    searches = _count_calls(monkeypatch, "_read_near")
    searched, _ = heap(0.5)
    assert searched == batch and searches[0] > 10
    searches[0] = 0
    listed, _ = heap(0.5, list_per_search=10**9)
    assert listed == batch and searches[0] == 0


def _count_calls(monkeypatch, name: str) -> list[int]:
    """Count the calls of debris_state's function `name` from now on (in the list's one item)."""
    real, calls = getattr(debris_state, name), [0]

    def counted(*args):
        calls[0] += 1
        return real(*args)

    monkeypatch.setattr(debris_state, name, counted)
    return calls


def test_reads_after_falls_onto_sleeping_debris_take_only_the_awake_rows(monkeypatch):
    # Falls every half second into a hall where the earlier pieces slide and fall asleep:
    # the tables a fall extends keep the rows the last read took, so the read after it
    # takes the awake rows (the new pieces among them) rather than every body's. Every
    # tick what was read is what the bodies hold, and the heap is the one reads of every
    # body's rows give.
    kinds = ("personal_effects", "insulation", "ceiling_panel", "personal_effects", "insulation")
    events = [fall(0.5 * i, k, region=(1, 1, 20, 7), count=12) for i, k in enumerate(kinds)]

    def heap(search_from: int) -> tuple[bytes, int, int]:
        monkeypatch.setattr(debris_state, "SEARCH_FROM_BODIES", search_from)
        w = ascii_world(HALL, seed=7, events=events)
        real = debris_state._batch_get
        full_reads = _count_calls(monkeypatch, "_batch_get")
        slept_under_a_fall = 0
        for _ in range(40):
            before = len(w.physics.pieces)
            step(w)
            sc = debris_state._read(w.physics)
            slept_under_a_fall += len(w.physics.pieces) > before and bool(sc.asleep[:before].any())
            for k in sc.live_idx.tolist():
                b = w.physics.pieces[k].body
                held = (*b.position, b.angle, *b.velocity, b.angular_velocity)
                assert tuple(sc.state[k]) == held and sc.asleep[k] == b.is_sleeping
        monkeypatch.setattr(debris_state, "_batch_get", real)
        assert len(w.physics.pieces) == 60
        return debris.state_bytes(w), full_reads[0], slept_under_a_fall

    awake_rows, full_reads, slept_under_a_fall = heap(0)
    every_row, every_full_read, _ = heap(10**9)
    assert slept_under_a_fall >= 3  # falls did land beside sleeping pieces
    assert full_reads == 1 and every_full_read > 30  # the first read only, against every read
    assert awake_rows == every_row


def test_occupancy_kept_up_as_pieces_move_is_the_occupancy_worked_out_afresh():
    # Light pieces and a beam blown about a hall while someone walks through:
    # each tick's occupancy (made from the last, for the pieces that moved)
    # must equal the one worked out from every piece's samples.
    w = ascii_world(
        with_person(HALL, 1, 1), seed=4, people={"a": ("Ann", "crew", ())},
        events=[fall(0.0, k, region=(2, 1, 18, 7), count=8) for k in ("personal_effects", "insulation", "ceiling_panel")]
        + [fall(0.0, "support_beam", region=(12, 2, 16, 6))],
    )
    w.submit(MoveTo(person_id=0, cell=(19, 7)))
    step(w)
    wind_toward(w, 20.5, 4.5, 15.0)
    sc = w.physics.scratch
    updated = 0
    for _ in range(40):
        run_physics(w, TICK_S)
        before = sc.occ
        blocked, slow = debris.occupancy(w)
        updated += before is not None and sc.occ is not before
        kept = (sc.occ, sc.occ_key, sc.occ_samples)
        sc.occ = sc.occ_samples = None  # the same, from every sample
        fresh_blocked, fresh_slow = debris.occupancy(w)
        sc.occ, sc.occ_key, sc.occ_samples = kept
        assert np.array_equal(blocked, fresh_blocked) and np.array_equal(slow, fresh_slow)
    assert updated >= 10  # it was kept up, not only worked out afresh
    assert (slow > 1.0).any() and blocked.any()
