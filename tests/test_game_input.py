"""What the player does: select crew, give orders, pause, and reach the debrief.

Input arrives as synthetic pygame events, through the UI manager first as
in the app loop; the world changes only by the Commands it records.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pygame
import pygame_gui
import pytest

from game.app import LEVELS_DIR, _headless, headless_play, make_manager
from game.levelio.load import load_level
from game.sim import commands as C
from game.sim.level import EventDef, ObjectiveDef
from game.sim.world import create_world, run_until, step
from game.view.orders import available_orders, target_at
from game.view.scenes.base import Context
from game.view.scenes.debrief import DebriefState
from game.view.scenes.menu import MenuState
from game.view.scenes.pause import PauseState
from game.view.scenes.play import PlayState
from game.view.scenes.settings_menu import SettingsState
from tests.builders import ascii_level

ROOT = Path(__file__).resolve().parent.parent
MODULE4 = ROOT / "levels" / "module4.toml"
SIZE = (1280, 720)
RESCUE_TEAM = ("Alexis Moreau", "Sofia Petrova", "Hassan Karimi")


@pytest.fixture(scope="module")
def display():
    _headless()
    yield


@pytest.fixture(scope="module")
def level():
    return load_level(MODULE4)


def play(world, **settings):
    return headless_play(world, SIZE, paused=True, **settings)


def send(state, event):
    """One event the way the app loop delivers it: the UI first, then the scene;
    then whatever the UI posted (button presses) is delivered too."""
    result = None
    if not state.ctx.manager.process_events(event):
        result = state.handle_event(event)
    state.ctx.manager.update(0.0)
    for posted in pygame.event.get():
        if posted.type >= pygame.USEREVENT or posted.type in (pygame_gui.UI_BUTTON_PRESSED,):
            out = state.handle_event(posted)
            result = out or result
    return result


def click(state, pos, button=1):
    pygame.event.clear()
    pygame.mouse.set_pos(pos)
    a = send(state, pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    b = send(state, pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=button, pos=pos))
    c = send(state, pygame.event.Event(pygame.MOUSEBUTTONUP, button=button, pos=pos))
    return c or b or a


def drag(state, start, end):
    pygame.event.clear()
    send(state, pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=start))
    mid = ((start[0] + end[0]) // 2, (start[1] + end[1]) // 2)
    send(state, pygame.event.Event(pygame.MOUSEMOTION, pos=mid, rel=(1, 1), buttons=(1, 0, 0)))
    send(state, pygame.event.Event(pygame.MOUSEMOTION, pos=end, rel=(1, 1), buttons=(1, 0, 0)))
    send(state, pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=end))


def key(state, k):
    return send(state, pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0))


def screen_of(state, world, name):
    p = world.person_by_name(name)
    return state.camera.world_to_screen(p.x, p.y)


def choose_order(state, order_key: str):
    """Click the context menu's button for an order, as a player would."""
    menu = state.menu
    assert menu is not None, "no menu open"
    keys = [o.key for o in menu.orders]
    assert order_key in keys, f"{order_key!r} not offered; the menu has {keys}"
    i = keys.index(order_key)
    return click(state, menu.button_centre(i))


# --------------------------------------------------------------- selection

def test_click_selects_shift_click_adds_and_empty_floor_clears(display, level):
    world = create_world(level)
    state = play(world)
    a, s = (world.person_by_name(n).id for n in ("Alexis Moreau", "Sofia Petrova"))
    click(state, screen_of(state, world, "Alexis Moreau"))
    assert state.selected == [a]
    pygame.key.set_mods(pygame.KMOD_SHIFT)
    try:
        click(state, screen_of(state, world, "Sofia Petrova"))
    finally:
        pygame.key.set_mods(0)
    assert state.selected == [a, s]
    click(state, state.camera.cell_centre(30, 8))  # bare corridor floor
    assert state.selected == []


def test_drag_box_selects_the_rescue_team(display, level):
    world = create_world(level)
    state = play(world)
    xs, ys = zip(*(screen_of(state, world, n) for n in RESCUE_TEAM))
    drag(state, (min(xs) - 8, min(ys) - 8), (max(xs) + 8, max(ys) + 8))
    assert sorted(world.people[i].name for i in state.selected) == sorted(RESCUE_TEAM)
    assert state.box is None


def test_clicking_a_crew_row_selects_and_a_double_click_centres(display, level):
    world = create_world(level)
    state = play(world)
    state.draw(pygame.Surface(SIZE))
    row, pid = next((r, p) for r, p in state._hits if state.lay.crew is not None and state.lay.crew.contains(r))
    assert world.people[pid].role == "rescue"  # responders head the roster
    click(state, row.center)
    assert state.selected == [pid]
    before = (state.camera.x0, state.camera.y0)
    state.camera.pan_px(300, 0)
    click(state, row.center)
    p = world.people[pid]
    cx, cy = state.camera.world_to_screen(p.x, p.y)
    assert state.camera.focus_rect.collidepoint(cx, cy)
    assert (state.camera.x0, state.camera.y0) != before or state.camera.focus_rect.collidepoint(cx, cy)


# ------------------------------------------------------------------ orders

def test_right_click_move_order_becomes_a_moveto_command(display, level):
    world = create_world(level)
    state = play(world)
    alexis = world.person_by_name("Alexis Moreau").id
    click(state, screen_of(state, world, "Alexis Moreau"))
    goal = (6, 12)  # the spine
    click(state, state.camera.cell_centre(*goal), button=3)
    assert state.menu is not None
    choose_order(state, "move")
    assert state.menu is None
    step(world)
    moves = [c for c in world.command_log if isinstance(c, C.MoveTo)]
    assert moves and moves[-1].person_id == alexis and tuple(moves[-1].cell) == goal


def test_right_click_on_a_bulkhead_offers_a_remote_seal(display, level):
    world = create_world(level)
    state = play(world)
    door = next(d for d in world.doors if d.name == "Bulkhead 4-west")
    click(state, state.camera.cell_centre(door.x, door.y), button=3)
    choose_order(state, "seal_remote")
    step(world)
    seals = [c for c in world.command_log if isinstance(c, C.SealDoor)]
    assert seals and seals[-1].door_id == door.id
    assert door.state == "sealed"


def test_orders_for_people_need_someone_selected(display, level):
    world = create_world(level)
    t = target_at(world, (30, 8))
    nobody = {o.key for o in available_orders(world, t, ())}
    assert "move" not in nobody and "feed" in nobody
    alexis = world.person_by_name("Alexis Moreau").id
    someone = {o.key for o in available_orders(world, t, (alexis,))}
    assert "move" in someone


def test_a_doors_menu_offers_only_the_remote_controls_the_sim_would_take(display, level):
    world = create_world(level)
    door = next(d for d in world.doors if d.name == "Bulkhead 4-west")
    remote = {"open", "close", "seal_remote", "unseal"}

    def offered():
        return {o.key for o in available_orders(world, target_at(world, door.cell), ())} & remote

    world.set_door_state(door, "open")
    assert offered() == {"close", "seal_remote"}
    world.set_door_state(door, "closed")
    assert offered() == {"open", "seal_remote"}
    world.set_door_state(door, "sealed")
    assert offered() == {"unseal"}


def test_o2_feed_buttons_and_room_targeting_send_setfeed(display, level):
    world = create_world(level)
    state = play(world)
    click(state, state.feed_buttons["plus"].rect.center)
    click(state, state.feed_buttons["room"].rect.center)
    assert state.targeting == "feed"
    medbay = (94, 4)
    click(state, state.camera.cell_centre(*medbay))
    assert state.targeting is None
    step(world)
    feeds = [c for c in world.command_log if isinstance(c, C.SetO2Feed)]
    assert feeds[0].rate_g_s == pytest.approx(world.level.life_support.feed_rate_g_s + 5.0)
    assert feeds[1].target == medbay and feeds[1].rate_g_s == pytest.approx(feeds[0].rate_g_s)
    assert world.atmos.feed_target == medbay


# ------------------------------------------------------------ time and keys

def test_space_pauses_number_keys_set_speed_and_keys_can_be_rebound(display, level):
    world = create_world(level)
    state = play(world)
    state.paused = False
    key(state, pygame.K_SPACE)
    assert state.paused
    key(state, pygame.K_2)
    assert state.speed == 2 and not state.paused
    key(state, pygame.K_3)
    assert state.speed == 4
    rebound = play(world, keys={**state.ctx.settings.keys, "pause": "k"})
    rebound.paused = False
    key(rebound, pygame.K_k)
    assert rebound.paused
    key(rebound, pygame.K_SPACE)
    assert rebound.paused  # space no longer pauses


def test_auto_pause_stops_the_clock_when_someone_passes_out(display):
    lvl = ascii_level(
        """
        HHHHHHH
        H..a..H
        HHHHHHH
        """,
        people={"a": ("Ann", "crew", ())},
        events=[EventDef(1.0, "breach", {"at": (3, 0), "area_cm2": 400.0})],
    )
    for auto in (True, False):
        world = create_world(lvl)
        state = play(world, auto_pause=auto)
        state.paused = False
        state.speed = 4
        paused_on = []
        for _ in range(600):
            state.update(0.1)
            if state.paused:
                paused_on.append(state.banner[0])
                if world.person_state(0) == "unconscious":
                    break
                state.paused = False  # the breach paused it first: play on
            if world.person_state(0) == "unconscious" and not auto:
                break
        assert world.person_state(0) == "unconscious"
        assert state.paused is auto
        if auto:
            assert "HULL BREACH" in paused_on[0]
            assert "AUTO-PAUSED" in paused_on[-1] and "Ann has lost consciousness" in paused_on[-1]
        else:
            assert not paused_on


# ------------------------------------------------------------------ scenes

def test_escape_opens_the_pause_menu_and_resume_returns_to_the_same_game(display, level):
    world = create_world(level)
    state = play(world)
    state.paused = False
    pause = key(state, pygame.K_ESCAPE)
    assert isinstance(pause, PauseState)
    state.leave()
    pause.enter()
    assert state.paused
    pause.draw(pygame.Surface(SIZE))
    back = click(pause, pause.buttons["resume"].rect.center)
    assert back is state and not state.paused


def test_end_exercise_from_the_pause_menu_shows_the_debrief(display, level):
    world = create_world(level)
    run_until(world, 30)
    state = play(world)
    pause = PauseState(state.ctx, state)
    state.leave()
    pause.enter()
    debrief = click(pause, pause.buttons["end"].rect.center)
    assert isinstance(debrief, DebriefState)
    assert debrief.d.reason == "abandoned" and debrief.d.total == len(world.people)
    pause.leave()
    debrief.enter()
    debrief.draw(pygame.Surface(SIZE))


def _rescue_level(**meta):
    lvl = ascii_level(
        """
        HHHHHHHHHH
        H...#..b.H
        H.a.+....H
        H...#....H
        HHHHHHHHHH
        """,
        people={"a": ("Ann", "crew", ()), "b": ("Bo", "medic", ())},
        rooms={"Ward": (6, 2), "Cabin": (1, 2)},
        events=[EventDef(0.0, "breach", {"at": (0, 2), "area_cm2": 0.02})],  # a pinhole: starts the clock, harms nobody
        **meta,
    )
    rooms = tuple(dataclasses.replace(r, kind="medbay") if r.label == "Ward" else r for r in lvl.rooms)
    return dataclasses.replace(lvl, rooms=rooms, objectives=(ObjectiveDef("rescue", "Get Ann to the ward", 1.0, ("Ann",)),))


def test_the_debrief_comes_when_the_time_runs_out(display):
    world = create_world(_rescue_level(time_limit_s=2.0))
    state = play(world)
    state.paused = False
    nxt = None
    for _ in range(40):
        nxt = state.update(0.1)
        if nxt is not None:
            break
    assert isinstance(nxt, DebriefState)
    assert nxt.d.reason == "time" and not nxt.d.won
    assert [n for n, _ in nxt.d.rescued_s] == ["Ann"]


def test_the_debrief_comes_when_the_rescue_is_done_and_offers_the_next_level(display, tmp_path):
    lvl = _rescue_level()
    world = create_world(lvl)
    state = play(world)
    state.paused = False
    ann = world.person_by_name("Ann")
    state.update(0.1)
    assert state.finished is None
    world.submit(C.MoveTo(person_id=ann.id, cell=(6, 2)))  # walks her into the ward
    nxt = None
    for _ in range(400):
        nxt = state.update(0.1)
        if nxt is not None:
            break
    assert isinstance(nxt, DebriefState)
    assert nxt.d.won and nxt.d.reason == "settled"
    assert nxt.d.rescued_s[0][1] is not None
    # from the debrief: on to the next level in the list, or back to the menu
    for name in ("module4.toml", "tutorial.toml", "stress_station.toml"):
        shutil.copy(ROOT / "levels" / name, tmp_path / name)
    state.ctx.levels_dir = tmp_path
    d = DebriefState(state.ctx, world, str(tmp_path / "tutorial.toml"), nxt.d)
    state.leave()
    d.enter()
    d.draw(pygame.Surface(SIZE))
    assert d.next_path is not None and d.next_path.name == "module4.toml"  # the campaign's order, not the folder's
    going = click(d, d.buttons["next"].rect.center)
    assert isinstance(going, PlayState) and going.world.level.meta.name == "Module Four"
    d2 = DebriefState(state.ctx, world, str(tmp_path / "module4.toml"), nxt.d)
    d2.enter()
    assert "next" not in d2.buttons  # the story's night is last; the benchmark station is never "next"
    assert isinstance(click(d2, d2.buttons["menu"].rect.center), MenuState)
    d2.leave()


def test_menu_has_settings_and_settings_come_back_to_the_menu(display, tmp_path, monkeypatch):
    monkeypatch.setenv("BREACH_PROTOCOL_CONFIG_DIR", str(tmp_path))
    ctx = Context(make_manager(SIZE), SIZE, LEVELS_DIR, None)
    menu = MenuState(ctx)
    menu.enter()
    settings = click(menu, menu.settings_button.rect.center)
    assert isinstance(settings, SettingsState)
    menu.leave()
    settings.enter()
    settings.draw(pygame.Surface(SIZE))
    back = click(settings, settings.buttons["back"].rect.center)
    assert isinstance(back, MenuState)
    settings.leave()


def test_the_autopilot_pill_and_its_key_hand_the_crew_over_and_back(display, level):
    world = create_world(level)
    state = play(world)
    assert state.autopilot_on() is False
    click(state, state._autopilot_pill().center)
    assert state.autopilot_on() is True  # counts the order already given
    step(world)
    assert [c.on for c in world.command_log if isinstance(c, C.SetAutopilot)] == [True]
    key(state, pygame.K_F6)
    step(world)
    assert [c.on for c in world.command_log if isinstance(c, C.SetAutopilot)] == [True, False]
    assert state.autopilot_on() is False
