"""The view draws what a player needs to see: checked on real pixels of Module Four.

Every check looks at a spot a user would look at (the breach cell, a
person, two doors, the clock) rather than matching whole images.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"  # no window, no sound device, even without conftest
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pygame_gui  # noqa: E402
import pytest  # noqa: E402

import game.app as app  # noqa: E402
from game.app import LEVELS_DIR, _init_video, make_manager  # noqa: E402
from game.levelio.load import load_level  # noqa: E402
from game.sim.commands import CloseDoor  # noqa: E402
from game.sim.words import live_clock
from game.sim.world import World, create_world, run_until, step  # noqa: E402
from game.view import hud  # noqa: E402
from game.view import palette as P  # noqa: E402
from game.view.camera import Camera  # noqa: E402
from game.view.scenes.base import Context  # noqa: E402
from game.view.scenes.menu import MenuState  # noqa: E402
from game.view import campaign  # noqa: E402
from game.view.campaign import discover_levels  # noqa: E402
from game.settings import record_score, scores_path  # noqa: E402
from game.view.scenes.play import PlayState  # noqa: E402

MODULE4 = ROOT / "levels" / "module4.toml"
SIZE = (1280, 720)
BREACH_CELL = (80, 1)  # section four-delta, opened at t = 0
JAMMED_DOOR = (68, 6)  # 4-14's door, jammed at t = 0
OPEN_DOOR = (4, 6)  # the control room door, open from the start
CLOSED_DOOR = (64, 6)  # 4-13's door


@pytest.fixture(scope="module")
def display():
    _init_video()
    if pygame.display.get_surface() is None:
        pygame.display.set_mode((1, 1), pygame.HIDDEN)
    yield
    # leave pygame up: other view tests in the same session reuse it


@pytest.fixture(scope="module")
def level():
    return load_level(MODULE4)


def make_play(world: World, size=SIZE):
    ctx = Context(make_manager(size), size, LEVELS_DIR, None)
    state = PlayState(ctx, world)
    state.enter()
    ctx.manager.update(0.0)
    return state


def frame(state) -> np.ndarray:
    """Draw one frame; pixels as [x, y, rgb]."""
    surf = pygame.Surface(state.ctx.size)
    state.draw(surf)
    return pygame.surfarray.array3d(surf).astype(int)


def is_breach_colour(c) -> bool:
    r, g, b = (int(v) for v in c[:3])
    return r >= 200 and g <= 160 and b <= 90


def near(pixels: np.ndarray, x: int, y: int, r: int) -> np.ndarray:
    return pixels[max(0, x - r): x + r + 1, max(0, y - r): y + r + 1].reshape(-1, 3)


def has_colour(block: np.ndarray, colour, tol: int = 12) -> bool:
    return bool((np.abs(block - np.array(colour)).max(axis=1) <= tol).any())


# ------------------------------------------------------------------ breach

def test_breach_is_drawn_on_its_hull_cell_only_once_it_has_opened(display, level):
    before = create_world(level)  # tick 0: the timeline has not fired yet
    assert not before.breaches
    state = make_play(before)
    x, y = state.camera.cell_centre(*BREACH_CELL)
    px = frame(state)
    assert not is_breach_colour(px[x, y])
    assert not any(is_breach_colour(c) for c in near(px, x, y, 2))

    after = create_world(level)
    run_until(after, 30.0)
    assert [(b.x, b.y) for b in after.breaches] == [BREACH_CELL]
    state = make_play(after)
    assert state.camera.cell_centre(*BREACH_CELL) == (x, y)  # same fitted camera
    px = frame(state)
    assert is_breach_colour(px[x, y])
    assert after.grid.tiles[BREACH_CELL[1], BREACH_CELL[0]] == 4  # a breach lives on the hull


# ------------------------------------------------------------------ people

def test_a_person_marker_is_drawn_where_the_person_is(display, level):
    world = create_world(level)
    person = world.people[0]
    state = make_play(world)
    sx, sy = state.camera.world_to_screen(person.x, person.y)
    px = frame(state)
    assert tuple(px[sx, sy]) == P.ROLE_COLOURS[person.role]
    # the floor a cell away is not the person's colour
    fx, fy = state.camera.world_to_screen(person.x, person.y + 1.0)
    assert tuple(px[fx, fy]) != P.ROLE_COLOURS[person.role]


def test_person_states_have_their_own_marks_not_just_colours(display, level):
    world = create_world(level)
    i = 0
    state = make_play(world)
    sx, sy = state.camera.world_to_screen(world.people[i].x, world.people[i].y)
    r = 14
    looks = {}
    for code, name in enumerate(("conscious", "impaired", "unconscious", "dead")):
        world.bodies.state[i] = code  # the test sets up the body; the view only reads it
        assert world.person_state(i) == name
        looks[name] = near(frame(state), sx, sy, r)
    assert not has_colour(looks["conscious"], P.IMPAIRED) and not has_colour(looks["conscious"], P.UNCONSCIOUS)
    assert has_colour(looks["impaired"], P.IMPAIRED)
    assert has_colour(looks["unconscious"], P.UNCONSCIOUS)
    assert has_colour(looks["dead"], P.DEAD)
    names = list(looks)
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            diff = (np.abs(looks[names[a]] - looks[names[b]]).max(axis=1) > 30).sum()
            assert diff >= 8, f"{names[a]} and {names[b]} look alike"


# ------------------------------------------------------------------- doors

def test_jammed_open_and_closed_doors_look_different(display, level):
    world = create_world(level)
    run_until(world, 1.0)
    states = {(d.x, d.y): d.state for d in world.doors}
    assert states[JAMMED_DOOR] == "jammed" and states[OPEN_DOOR] == "open" and states[CLOSED_DOOR] == "closed"
    state = make_play(world)
    px = frame(state)
    s = state.camera.tile_px
    cells = {}
    for name, cell in (("jammed", JAMMED_DOOR), ("open", OPEN_DOOR), ("closed", CLOSED_DOOR)):
        x, y = state.camera.cell_centre(*cell)
        cells[name] = near(px, x, y, s // 2 - 1)
    for a, b in (("jammed", "open"), ("jammed", "closed"), ("open", "closed")):
        diff = (np.abs(cells[a] - cells[b]).max(axis=1) > 40).sum()
        assert diff >= 10, f"{a} and {b} doors look alike"
    assert has_colour(cells["jammed"], P.JAM_RED)
    assert has_colour(cells["open"], P.GLYPH_OPEN, tol=30)


def test_the_map_is_redrawn_only_when_a_door_changes(display, level):
    world = create_world(level)
    run_until(world, 1.0)
    state = make_play(world)
    frame(state)
    built = state.renderer.map.rebuilds
    assert built > 0 and state.renderer.map.patches == 0
    frame(state)
    step(world)
    frame(state)
    assert state.renderer.map.rebuilds == built  # nothing changed: all from cache

    door = next(d for d in world.doors if (d.x, d.y) == OPEN_DOOR)
    x, y = state.camera.cell_centre(*OPEN_DOOR)
    before = near(frame(state), x, y, 4)
    world.submit(CloseDoor(door_id=door.id))
    step(world)
    assert door.state == "closed"
    after = near(frame(state), x, y, 4)
    assert state.renderer.map.rebuilds == built and state.renderer.map.patches > 0  # repainted in place
    assert (np.abs(before - after).max(axis=1) > 40).sum() >= 4


# ------------------------------------------------------------------- clock

def test_clock_format():
    assert live_clock(12.0, None) == "--:--"
    assert live_clock(30.0, 0.0) == "T+00:30"
    assert live_clock(95.5, 5.0) == "T+01:30"
    assert live_clock(3600.0, 0.0) == "T+60:00"


def test_clock_shows_time_since_breach_in_its_fixed_place(display):
    rect = hud.clock_rect(SIZE[0])
    assert rect == pygame.Rect(550, 4, 180, 36)
    bar = hud.TopBar()
    shots = []
    for t in (30.0, 90.0):
        surf = pygame.Surface(SIZE)
        bar.draw(surf, hud.HudInfo("Module Four", t, 0.0))
        shots.append(pygame.surfarray.array3d(surf)[rect.left: rect.right, rect.top: rect.bottom].astype(int))
    for shot in shots:
        assert has_colour(shot.reshape(-1, 3), P.CLOCK_TEXT, tol=20)  # text is there
    assert (np.abs(shots[0] - shots[1]).max(axis=2) > 60).sum() > 20  # and it changed


def test_full_frame_has_clock_text_after_the_breach(display, level):
    world = create_world(level)
    run_until(world, 30.0)
    px = frame(make_play(world))
    rect = hud.clock_rect(SIZE[0])
    block = px[rect.left: rect.right, rect.top: rect.bottom].reshape(-1, 3)
    assert has_colour(block, P.CLOCK_TEXT, tol=20)


# ------------------------------------------------------------------ menu

def test_menu_lists_lessons_then_scenarios_and_not_the_benchmark(display, tmp_path):
    ctx = Context(make_manager(SIZE), SIZE, LEVELS_DIR, None, settings_file=tmp_path / "settings.json")  # no scores yet
    menu = MenuState(ctx)
    menu.enter()
    names = [e.path.name for e in menu.entries]
    shipped = [n for n in campaign.LESSONS if (LEVELS_DIR / n).is_file()]
    assert names == shipped + list(campaign.SCENARIOS)
    assert "stress_station.toml" not in names  # the benchmark: command line only
    assert menu.selected == 0  # a newcomer starts at the first lesson
    items = menu.level_list.item_list
    assert items[0]["selected"]
    assert menu.play_button.is_enabled
    surf = pygame.Surface(SIZE)
    menu.draw(surf)
    menu.leave()


def test_best_scores_outlive_the_launch_and_the_menu_moves_on(display, tmp_path):
    settings_file = tmp_path / "settings.json"
    scores = scores_path(settings_file)
    first = discover_levels(LEVELS_DIR)[0].path.name
    assert record_score(scores, first, 71.0, "C")
    assert not record_score(scores, first, 60.0, "D")  # a worse run keeps the best
    ctx = Context(make_manager(SIZE), SIZE, LEVELS_DIR, None, settings_file=settings_file)
    menu = MenuState(ctx)  # as on the next launch: read back from the file
    assert menu.texts[0].endswith("best 71 C")  # the first entry is the one scored
    assert menu.entries[menu.selected].path.name != first  # on to where they left off


def test_a_broken_level_is_listed_with_its_error(display, tmp_path):
    shutil.copy(MODULE4, tmp_path / "module4.toml")
    (tmp_path / "aaa_broken.toml").write_text('format_version = 1\n[meta]\nname = "Oops"\n')
    ctx = Context(make_manager(SIZE), SIZE, tmp_path, None)
    menu = MenuState(ctx)
    menu.enter()
    broken = next(i for i, e in enumerate(menu.entries) if not e.ok)
    assert "aaa_broken.toml" in menu.texts[broken] and "map" in menu.texts[broken]
    menu.selected = broken
    menu._show_selected()
    assert not menu.play_button.is_enabled
    assert menu.play() is None
    menu.leave()


# ------------------------------------------------------------ time and camera

def test_fixed_timestep_speed_pause_and_interpolation(display, level):
    world = create_world(level)
    state = make_play(world)
    assert state.advance(0.25) == 2  # 0.25 s at 1x: two 0.1 s ticks, 0.05 s left over
    assert world.tick == 2
    assert 0.4 < state.alpha < 0.6
    state.paused = True
    assert state.advance(1.0) == 0 and world.tick == 2
    state.paused = False
    state.speed = 4
    assert state.advance(0.25) == 8  # capped, and the backlog is dropped
    assert state.accumulator_s < 0.1
    state.prev_xy = state.prev_xy + np.array([1.0, 0.0])
    state.accumulator_s = 0.05
    mid = state.interpolated_positions()
    cur = np.array([(p.x, p.y) for p in world.people])
    assert np.allclose(mid[:, 0], cur[:, 0] + 0.5)


def test_camera_fit_zoom_and_round_trip(display, level):
    world = create_world(level)
    cam = Camera(pygame.Rect(0, 44, 1280, 676))
    cam.set_world_size(world.grid.width, world.grid.height)
    cam.fit()
    left, top = cam.world_to_screen(0, 0)
    right, bottom = cam.world_to_screen(world.grid.width, world.grid.height)
    assert cam.viewport.contains(pygame.Rect(left, top, right - left, bottom - top))
    anchor = (700, 300)
    wx, wy = cam.screen_to_world(*anchor)
    cam.zoom_step(2, anchor)
    assert cam.tile_px % 4 == 0 and cam.tile_px > 12
    ax, ay = cam.world_to_screen(wx, wy)
    assert abs(ax - anchor[0]) <= 1 and abs(ay - anchor[1]) <= 1
    cam.zoom_step(-10)
    assert cam.tile_px == P.ZOOM_STEPS_PX[0]
    cam.tile_px = 16
    assert cam.zoom == 1.0


# --------------------------------------------------------------- the app

def test_app_loop_plays_pauses_resizes_and_returns_to_the_menu(display, monkeypatch, tmp_path):
    monkeypatch.setenv("BREACH_PROTOCOL_CONFIG_DIR", str(tmp_path))  # never the player's own settings
    states = []

    def press(key):
        return lambda: [pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=states[-1].buttons[key])]

    script = [
        [],
        [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE, mod=0, unicode=" ", scancode=0)],
        [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_3, mod=0, unicode="3", scancode=0)],
        [pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1, flipped=False, precise_x=0.0, precise_y=1.0, which=0)],
        "resize",
        [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_HOME, mod=0, unicode="", scancode=0)],
        [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="", scancode=0)],
        [],
        press("menu"),  # the pause menu's "Quit to main menu"
        [],
        [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r", scancode=0)],
        [],
        [pygame.event.Event(pygame.QUIT)],
    ]
    real_get = pygame.event.get
    real_switch = app._switch

    def spy_switch(old, new):
        states.append(new)
        return real_switch(old, new)

    def fake_get(*args, **kwargs):
        real_get()
        item = script.pop(0) if script else [pygame.event.Event(pygame.QUIT)]
        if callable(item):
            item = item()
        if item == "resize":
            pygame.display.set_mode((1000, 600), pygame.RESIZABLE)
            item = [pygame.event.Event(pygame.VIDEORESIZE, w=1000, h=600, size=(1000, 600))]
        return item

    monkeypatch.setattr(pygame.event, "get", fake_get)
    monkeypatch.setattr(app, "_switch", spy_switch)
    assert app.run_app(start_level=str(MODULE4)) == 0
    assert not script
    # Esc pauses, the pause menu goes to the main menu, Enter plays Module Four
    assert [type(s).__name__ for s in states] == ["PauseState", "MenuState", "PlayState"]
    assert states[-1].ctx.size == (1000, 600)  # the resize carried through every scene
    app._init_video()  # run_app quits pygame on the way out; later tests need it back
    pygame.display.set_mode((1, 1), pygame.HIDDEN)


# ------------------------------------------------------------ command line

def test_screenshot_command_writes_a_1280x720_png_with_the_breach(tmp_path, display, level):
    out = tmp_path / "shot.png"
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    done = subprocess.run(
        [sys.executable, "main.py", "play", "levels/module4.toml", "--screenshot", str(out), "--at", "30"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    img = pygame.image.load(str(out))
    assert img.get_size() == SIZE
    world = create_world(level)
    state = make_play(world)  # same fitted camera as the screenshot
    x, y = state.camera.cell_centre(*BREACH_CELL)
    assert is_breach_colour(img.get_at((x, y)))
    rect = hud.clock_rect(SIZE[0])
    block = pygame.surfarray.array3d(img)[rect.left: rect.right, rect.top: rect.bottom].reshape(-1, 3).astype(int)
    assert has_colour(block, P.CLOCK_TEXT, tol=20)


def test_the_simulation_does_not_import_pygame():
    code = "import sys, game.sim.world, game.levelio.load; print('pygame' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
