"""What the play screen shows: overlays, debris, air, countdowns and the HUD, on real pixels.

Each check looks where a player would look (a compartment, a piece of
debris, a person's card) and at what a player would read (the numbers in
an overlay), never at whole images.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from game.app import _headless, headless_play  # noqa: E402
from game.levelio.load import load_level  # noqa: E402
from game.sim import crew_events as ce  # noqa: E402
from game.sim import events as ev  # noqa: E402
from game.sim import physiology as ph  # noqa: E402
from game.sim.commands import MoveTo  # noqa: E402
from game.sim.debris import debris_view  # noqa: E402
from game.sim.world import create_world, run_until, state_hash  # noqa: E402
from game.view import colormaps, hud, overlays, ui  # noqa: E402
from game.view import palette as P  # noqa: E402
from game.view.countdowns import Countdowns  # noqa: E402
from game.view.debris_layer import BEAM_FLANGE, EFFECTS_COLOURS, HEAVY_RIM, KIND_EDGE, KIND_FILL  # noqa: E402
from game.view.messages import describe, describe_all_keyed  # noqa: E402
from game.view.panels import SEVERITY_RGB, CommsLog  # noqa: E402
from tests.builders import ascii_world  # noqa: E402

MODULE4 = ROOT / "levels" / "module4.toml"
SIZE = (1280, 720)
CORRIDOR = (30, 8)  # a floor cell of Corridor 4 nobody stands on, clear of debris
CONTROL = (1, 3)  # a floor cell of the control room, in the intact hub, clear of its (12 px and up) labels at any fitted zoom
INK = ((236, 240, 246), (12, 14, 20))  # the overlay patterns' two inks


@pytest.fixture(scope="module")
def display():
    _headless()
    yield


@pytest.fixture(scope="module")
def level():
    return load_level(MODULE4)


def world_at(level, t: float):
    w = create_world(level)
    run_until(w, t)
    return w


def world_when(level, ok, what: str):
    """Module Four run on (5 s at a time) until `ok(world, corridor compartment)`."""
    w = create_world(level)
    run_until(w, 30.0)
    while not ok(w, comp_index(w, CORRIDOR)):
        run_until(w, w.time_s + 5.0)
        assert w.time_s < 1200, f"Corridor 4 never got {what}"
    return w


def world_falling(level):
    """Corridor 4 well down but not yet hypoxic (0.6-0.82 bar)."""
    return world_when(level, lambda w, i: 0.6 < float(w.compartments.pressure_bar[i]) < 0.82, "to 0.6-0.82 bar")


def world_thin_oxygen(level):
    """Corridor 4's oxygen in the overlay's 'thin' or 'hypoxic' bands (9-16 kPa)."""
    return world_when(level, lambda w, i: 9.5 < float(w.compartments.ppo2_bar[i]) * 100 < 15.5, "to 9.5-15.5 kPa O2")


def play(world, warmup_s: float = 0.0, **settings):
    state = headless_play(world, SIZE, paused=True, **settings)
    if warmup_s:
        state.run_for(warmup_s)
    return state


def frame(state) -> np.ndarray:
    surf = pygame.Surface(state.ctx.size)
    state.draw(surf)
    return pygame.surfarray.array3d(surf).astype(int)


def cell_block(px: np.ndarray, state, cell, inset: int = 1) -> np.ndarray:
    s = state.camera.tile_px
    x0, y0 = state.camera.world_to_screen(*cell)
    return px[x0 + inset: x0 + s - inset, y0 + inset: y0 + s - inset].reshape(-1, 3)


def count_near(block: np.ndarray, colour, tol: int) -> int:
    return int((np.abs(block - np.array(colour)).max(axis=1) <= tol).sum())


def comp_index(world, cell) -> int:
    return world.compartments.index_at(*cell)


# ---------------------------------------------------------------- overlays

def test_pressure_overlay_colours_the_compartment_adds_a_pattern_and_shows_numbers(display, level):
    world = world_falling(level)
    state = play(world)
    plain = frame(state)
    state.renderer.overlay = "pressure"
    over = frame(state)
    corr_plain, corr = cell_block(plain, state, CORRIDOR), cell_block(over, state, CORRIDOR)
    assert (np.abs(corr - corr_plain).max(axis=1) > 40).mean() > 0.8  # the corridor took the overlay's colour
    p = float(world.compartments.pressure_bar[comp_index(world, CORRIDOR)])
    assert 0.58 < p < 0.85  # "falling": a sparse hatch, not the normal band
    want = np.array(colormaps.colour("viridis", p))
    fill = corr[np.abs(corr - corr.mean(axis=0)).max(axis=1) < 60]
    assert np.abs(np.median(fill, axis=0) - want).max() < 70  # viridis at 0.62 bar, blended over the floor
    # never colour alone: the falling corridor is hatched, the intact control room is not
    assert sum(count_near(corr, ink, 30) for ink in INK) >= 2
    ctrl = cell_block(over, state, CONTROL)
    assert sum(count_near(ctrl, ink, 30) for ink in INK) == 0
    # and the number is written on the room
    labels = dict(state.renderer.last_labels)
    assert labels["Corridor 4"] in (f"{p:.2f} bar", f"{p:.2f}")
    ctrl_p = float(world.compartments.pressure_bar[comp_index(world, CONTROL)])
    assert labels["Control room"] in (f"{ctrl_p:.2f} bar", f"{ctrl_p:.2f}")


def test_oxygen_overlay_switches_the_numbers_to_kpa_and_recolours(display, level):
    world = world_thin_oxygen(level)
    state = play(world)
    state.renderer.overlay = "pressure"
    by_pressure = frame(state)
    state.renderer.overlay = "oxygen"
    by_oxygen = frame(state)
    kpa = float(world.compartments.ppo2_bar[comp_index(world, CORRIDOR)]) * 100
    labels = dict(state.renderer.last_labels)
    assert labels["Corridor 4"] in (f"O2 {kpa:.1f} kPa", f"{kpa:.1f}")
    assert all("kPa" in v or v.replace(".", "").isdigit() for v in labels.values())
    a, b = cell_block(by_pressure, state, CORRIDOR), cell_block(by_oxygen, state, CORRIDOR)
    assert (np.abs(a - b).max(axis=1) > 20).sum() >= 3  # hatching became dots
    # the oxygen pattern is dots: few ink pixels in a cell, but some
    assert 1 <= sum(count_near(b, ink, 30) for ink in INK) < len(b) // 3


def test_wind_overlay_draws_arrows_along_the_corridor_with_speeds(display, level):
    world = world_falling(level)
    state = play(world)
    plain = frame(state)
    state.renderer.overlay = "wind"
    windy = frame(state)
    s = state.camera.tile_px
    x0, y0 = state.camera.world_to_screen(20, 7)
    x1, y1 = state.camera.world_to_screen(50, 9)
    region_a = plain[x0:x1, y0:y1].reshape(-1, 3)
    region_b = windy[x0:x1, y0:y1].reshape(-1, 3)
    assert (np.abs(region_a - region_b).max(axis=1) > 40).sum() > 30 * s // 2  # arrows all along it
    speeds = [t for t, _ in state.renderer.last_arrow_labels]
    assert speeds and all(t.endswith("m/s") for t in speeds)
    top = float(np.hypot(world.atmos.wind_x, world.atmos.wind_y).max())
    assert any(abs(float(t.split()[0]) - top) < 0.1 for t in speeds)


def test_temperature_overlay_shows_degrees_and_draws_the_fog(display, level):
    world = world_falling(level)
    c = world.compartments
    corridor = comp_index(world, CORRIDOR)
    c.temp_k[corridor] = 250.0  # vented air, chilled well below its dew point
    state = play(world)
    state.renderer.overlay = "temperature"
    img = frame(state)
    labels = dict(state.renderer.last_labels)
    assert labels["Corridor 4"] in ("-23 \u00b0C", "-23\u00b0")
    assert overlays.TEMPERATURE.band_index(overlays._dew_margin_k(world))[corridor] == 0  # "fog"
    # the fogged corridor carries the pattern; the warm control room does not
    assert sum(count_near(cell_block(img, state, CORRIDOR), ink, 30) for ink in INK) >= 1
    assert sum(count_near(cell_block(img, state, CONTROL), ink, 30) for ink in INK) == 0


def test_overlay_palettes_are_switchable(display, level):
    world = world_falling(level)
    a = play(world, palette="viridis")
    a.renderer.overlay = "pressure"
    b = play(world, palette="cividis")
    b.renderer.overlay = "pressure"
    ca, cb = cell_block(frame(a), a, CORRIDOR), cell_block(frame(b), b, CORRIDOR)
    assert (np.abs(ca - cb).max(axis=1) > 25).mean() > 0.5


def test_overlay_keys_toggle(display, level):
    state = play(create_world(level))
    for key, mode in ((pygame.K_p, "pressure"), (pygame.K_o, "oxygen"), (pygame.K_v, "wind")):
        state.handle_event(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
        assert state.renderer.overlay == mode
    state.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_v, mod=0, unicode="", scancode=0))
    assert state.renderer.overlay is None


def test_an_overlay_registered_in_one_place_is_keyed_drawn_and_in_the_legend(display, level):
    """Adding an overlay is one `register`: its key toggles it, the map shows its colours and
    pattern, the legend its scale, and the key help and settings list its key."""
    world = world_falling(level)
    corridor = comp_index(world, CORRIDOR)

    def marked(w):  # Corridor 4 at 0.1 ("low"), every other compartment at 0.9 ("fine")
        v = np.full(w.compartments.count, 0.9)
        v[corridor] = 0.1
        return v

    def stripes(band, gx, gy, s):  # vertical lines every 4 px
        return np.broadcast_to((gx % 4) == 0, np.broadcast_shapes(np.shape(gx), np.shape(gy)))

    test = overlays.Overlay("test_marks", "Test marks overlay", "t", "TEST  marks", marked,
                            norm=lambda v: np.clip(v, 0, 1), ticks=(0, 0.5, 1),
                            bands=(overlays.Band(0.5, "low"), overlays.Band(np.inf, "fine")), pattern=stripes)
    overlays.register(test)
    try:
        state = play(world)
        assert ("T", "Test marks overlay") in state.panels.help_rows()
        plain = frame(state)
        state.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_t, mod=0, unicode="t", scancode=0))
        assert state.renderer.overlay == "test_marks"
        over = frame(state)
        corr = cell_block(over, state, CORRIDOR, inset=0)
        ink = np.array([count_near(corr, c, 30) for c in INK]).sum()
        assert ink >= state.camera.tile_px // 4  # the band's own stripes, in one of the two inks
        fill = corr[np.abs(corr - np.median(corr, axis=0)).max(axis=1) < 40]
        assert np.abs(np.median(fill, axis=0) - colormaps.colour("viridis", 0.1)).max() < 70
        ctrl = cell_block(over, state, CONTROL)
        assert sum(count_near(ctrl, c, 30) for c in INK) == 0  # "fine": no pattern
        # its legend: drawn where the scene says, and not the pressure overlay's
        rect = state.panels.legend_rects["overlay"]
        assert rect.h == ui.px(overlays.legend_height(test))
        ours = over[rect.left:rect.right, rect.top:rect.bottom]
        before = plain[rect.left:rect.right, rect.top:rect.bottom].reshape(-1, 3)
        for f in (0.1, 0.5, 0.9):  # the colour scale came with it
            c = colormaps.colour("viridis", f)
            assert count_near(ours.reshape(-1, 3), c, 6) >= count_near(before, c, 6) + 5
        state.renderer.overlay = "pressure"
        theirs = frame(state)[rect.left:rect.right, rect.top:rect.bottom]
        assert (np.abs(ours - theirs).max(axis=2) > 40).sum() > 50
    finally:
        overlays.unregister("test_marks")
    with pytest.raises(KeyError):
        state.renderer.overlay = "test_marks"  # gone with its entry, not drawn as something else


def test_an_unknown_overlay_is_an_error_not_oxygen(display, level):
    state = play(create_world(level))
    with pytest.raises(KeyError, match="no overlay called 'oxygenn'"):
        state.renderer.overlay = "oxygenn"
    assert state.renderer.overlay is None


# ------------------------------------------------------------- the world

def test_debris_is_drawn_where_the_sim_has_it(display, level):
    world = world_at(level, 30.0)
    v = debris_view(world)
    assert len(v.ids) > 0
    state = play(world)
    px = frame(state)
    colours = list(KIND_FILL.values()) + list(KIND_EDGE.values()) + list(EFFECTS_COLOURS) + [HEAVY_RIM, BEAM_FLANGE]
    fills = [np.array(c) for c in colours]
    # the middle of every ceiling panel shows debris (it, or a piece lying on it)
    pos = v.position_m
    panels = [k for k in range(len(v.ids)) if v.kinds[k] == "ceiling_panel"]
    assert panels
    for k in panels:
        sx, sy = state.camera.world_to_screen(*pos[k])
        block = px[sx - 1: sx + 2, sy - 1: sy + 2].reshape(-1, 3)
        assert any((np.abs(block - f).max(axis=1) <= 12).any() for f in fills), f"panel {k} not drawn at {pos[k]}"
    # and a bare stretch of corridor shows none of them
    bx, by = state.camera.cell_centre(*CORRIDOR)
    bare = px[bx - 2: bx + 3, by - 2: by + 3].reshape(-1, 3)
    assert not any((np.abs(bare - f).max(axis=1) <= 6).any() for f in fills)


def test_air_streaks_run_toward_the_breach_and_leave_the_sim_alone(display, level):
    a = world_at(level, 20.0)
    b = world_at(level, 20.0)
    state = play(a)
    for _ in range(30):  # play with drawing, particles and all, for 3 simulated seconds
        state.paused = False
        state.update(0.1)
        frame(state)
    run_until(b, a.time_s)
    assert state_hash(a) == state_hash(b)  # the view's own randomness never reaches the sim
    air = state.renderer.air
    assert len(air.age) > 20
    in_corridor = (air.pos[:, 1] >= 7) & (air.pos[:, 1] < 9) & (air.pos[:, 0] < 70)
    assert in_corridor.any()
    assert air.vel[in_corridor, 0].mean() > 0  # the breach is at the east end (x = 80)


def test_a_selected_walker_has_a_path_drawn_to_a_goal_marker(display, level):
    world = create_world(level)
    alexis = world.person_by_name("Alexis Moreau").id
    world.submit(MoveTo(person_id=alexis, cell=(6, 12)))
    run_until(world, 0.5)
    state = play(world)
    before = frame(state)
    state.select([alexis])
    after = frame(state)
    gx, gy = state.camera.cell_centre(6, 12)
    goal = after[gx - 4: gx + 5, gy - 4: gy + 5].reshape(-1, 3)
    assert count_near(goal, P.ACCENT, 10) > 4  # the goal marker
    assert (np.abs(before - after).max(axis=2) > 40).sum() > 60  # ring, dots, marker


# ------------------------------------------------------------- countdowns

def test_countdown_at_steady_air_agrees_with_the_physiology_model(display):
    world = ascii_world(
        """
        HHHHHHH
        H..a..H
        HHHHHHH
        """,
        people={"a": ("Ann", "crew", ())},
    )
    c = world.compartments
    c.n_o2 *= 0.4  # the room held at 0.4 bar: the test sets the air, the view reads it
    c.n_other *= 0.4
    cd = Countdowns()
    cd.finish(world)
    ttu, ttd = cd.get(0, world.time_s)
    assert abs(ttu - ph.time_to_unconsciousness(0.4, 0.21)) <= 6.0  # the projection steps 3 s at a time
    assert abs(ttd - ph.time_to_death(0.4, 0.21)) <= 15.0  # and 6 s at a time past five minutes


def test_countdowns_follow_the_falling_pressure_and_fill_the_at_risk_strip(display, level):
    world = world_at(level, 20.0)
    state = play(world, warmup_s=8.0)
    state.countdowns.finish(world)
    reyes = world.person_by_name("Tomas Reyes").id
    cell = world.people[reyes].cell
    p = float(world.compartments.pressure_bar[comp_index(world, cell)])
    assert p > 0.85  # his room's air is still fine to breathe...
    ttu, ttd = state.countdowns.get(reyes, world.time_s)
    # ...but it is falling: at this rate he is out within the half hour, and dead minutes after
    assert 60 < ttu < 1800 and ttu + 60 < ttd
    frame(state)
    carded = [pid for r, pid in state._hits if r.bottom <= state.lay.strip.bottom]
    assert reyes in carded or len(carded) >= 4  # soonest first; the cards that fit
    r = next(r for r, pid in state._hits if pid == carded[0])
    state.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=r.center))
    state.handle_event(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=r.center))
    assert state.selected == [carded[0]]


# ------------------------------------------------------------------- HUD

def test_the_clock_and_the_o2_panel_are_on_screen(display, level):
    world = world_at(level, 30.0)
    state = play(world)
    px = frame(state)
    rect = hud.clock_rect(SIZE[0])
    block = px[rect.left: rect.right, rect.top: rect.bottom].reshape(-1, 3)
    assert count_near(block, P.CLOCK_TEXT, 20) > 10
    assert set(state.feed_buttons) == {"minus", "plus", "stop", "auto", "room"}
    for b in state.feed_buttons.values():
        assert state.lay.life.contains(b.rect)


def test_f3_shows_frame_and_step_times(display, level):
    world = world_at(level, 10.0)
    state = play(world)
    state.paused = False
    state.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F3, mod=0, unicode="", scancode=0))
    assert state.perf.visible
    for _ in range(5):
        state.update(1 / 60)
        frame(state)
    lines = state.perf.lines()
    assert lines[0].startswith("frame") and "p99" in lines[0] and lines[1].startswith("sim")
    px = frame(state)
    right = px[SIZE[0] - 260: SIZE[0], 100:200].reshape(-1, 3)
    assert count_near(right, P.GLYPH_OPEN, 30) > 20  # the figures, in green


def test_ui_scale_makes_the_panels_bigger(display, level):
    world = create_world(level)
    small = play(world, ui_scale=1.0)
    big = play(world, ui_scale=1.3)
    assert big.lay.dock.h > small.lay.dock.h
    assert big.lay.life.w > small.lay.life.w
    frame(big)  # and it draws
    ui.set_scale(1.0)


# ------------------------------------------------------------------- comms

def test_the_comms_log_tells_the_story_and_does_not_repeat_a_busy_door(display, level):
    world = world_at(level, 10.0)
    breach = next(e for e in world.events if isinstance(e, ev.BreachOpened))
    assert describe(breach, world)[1] == f"HULL BREACH at section four-delta ({breach.area_cm2:g} cm2)"
    bulkhead = next(d for d in world.doors if d.name == "Bulkhead 4-west")
    room_door = next(d for d in world.doors if d.name == "4-01 door")
    busy = []
    for k in range(6):  # evacuees through the bulkhead, one after another
        cls = ev.DoorOpened if k % 2 == 0 else ev.DoorClosed
        busy.append(cls(tick=100 + k, time_s=10.0 + k, door_id=bulkhead.id, door=bulkhead.label, by=f"Crew {k}"))
    busy.append(ev.DoorOpened(tick=120, time_s=12.0, door_id=room_door.id, door=room_door.label, by="Aiko Sato"))
    log = CommsLog()
    log.add(describe_all_keyed(world.events, world))
    before = len(log.lines)
    log.add(describe_all_keyed(busy, world))
    assert len(log.lines) == before + 1  # one line for the bulkhead, the latest; none for a room door
    assert log.lines[-1][1] == "Bulkhead 4-west closed by Crew 5"
    surf = pygame.Surface((420, 200))
    log.draw(surf, surf.get_rect())
    px = pygame.surfarray.array3d(surf).reshape(-1, 3).astype(int)
    assert count_near(px, SEVERITY_RGB["alarm"], 40) > 10  # the breach line, in alarm red


def test_crew_events_have_lines_of_their_own(display, level):
    world = create_world(level)
    lines = [
        describe(ce.WallCut(tick=1, time_s=0.1, x=62, y=9, material="hatch", by="Hassan Karimi"), world),
        describe(ce.RespiratorFitted(tick=1, time_s=0.1, person_id=27, person="Tomas Reyes", by="Sofia Petrova", left=2),
                 world),
        describe(ce.PersonDelivered(tick=1, time_s=0.1, person_id=27, person="Tomas Reyes", by="Alexis Moreau",
                                    room="Medical bay"), world),
        describe(ce.OrderFinished(tick=1, time_s=0.1, person_id=0, person="Hassan Karimi", order="cut",
                                  outcome="no thermal lance"), world),
    ]
    assert lines[0][1] == "Hassan has cut through the hatch between Corridor 4 and Maintenance tunnel"
    assert lines[1][1] == "Sofia fitted a respirator on Tomas Reyes" and lines[1][2] == "good"
    assert lines[2][1] == "Tomas Reyes is in the Medical bay"
    assert lines[3][2] == "warn" and "no thermal lance" in lines[3][1]
