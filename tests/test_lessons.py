"""The tutorial campaign: each lesson is won by a player who only clicks and
presses keys (synthetic pygame events through the UI manager, as the app loop
delivers them), its goals tick off in order, and its hints answer what the
player does or leaves undone."""

from __future__ import annotations

import pygame
import pytest

from game.app import LEVELS_DIR, _headless, headless_play
from game.levelio.load import load_level, parse_level, validate_file
from game.levelio.save import level_to_toml
from game.sim import level as level_defs
from game.sim.world import create_world
from game.training import lessons
from game.view import overlays
from game.view.campaign import LESSONS
from game.view.scenes.debrief import DebriefState
from tests.test_game_input import choose_order, click, drag, key

SIZE = (1280, 720)


@pytest.fixture(scope="module")
def display():
    _headless()
    yield


def start(name: str):
    world = create_world(load_level(LEVELS_DIR / name))
    state = headless_play(world, SIZE, paused=False)
    assert state.lesson is not None, f"{name} has no lesson steps"
    return world, state


def at(state, name):
    p = state.world.person_by_name(name)
    return state.camera.world_to_screen(p.x, p.y)


def cell(state, x, y):
    return state.camera.cell_centre(x, y)


def order(state, xy, order_key, pos=None):
    """Right-click a cell (or a screen point) and pick an order from the menu."""
    click(state, pos or cell(state, *xy), button=3)
    choose_order(state, order_key)


def wait(state, done, limit_s: float = 120.0):
    """Let the game run (at most `limit_s` simulated seconds) until `done()`."""
    end = state.world.time_s + limit_s
    while state.world.time_s < end:
        state.run_for(0.5)
        assert state.update(0.0) is None, "the level ended before the lesson was done"
        if done():
            return
    raise AssertionError(f"not done after {limit_s} s; lesson at step {state.lesson.lesson.current + 1}")


def step_done(state, n: int):
    return lambda: state.lesson.lesson.done_s[n - 1] is not None


def finish(state):
    """Every goal ticked: the debrief follows within a couple of seconds."""
    les = state.lesson.lesson
    assert les.finished, f"lesson stuck at step {les.current + 1}: {les.steps[les.current].goal}"
    for _ in range(10):
        nxt = state.update(0.5)
        if nxt is not None:
            assert isinstance(nxt, DebriefState)
            assert nxt.d.reason == "lesson"
            return nxt
    raise AssertionError("no debrief after the last goal")


def test_lesson1_select_and_move(display):
    w, s = start("lesson1_move.toml")
    assert s.lesson.lesson.current == 0
    click(s, at(s, "Ines Castro"))
    s.update(0.0)
    assert step_done(s, 1)()
    order(s, (14, 3), "move")
    wait(s, step_done(s, 2))
    xs, ys = zip(*(at(s, n) for n in ("Ines Castro", "Jonas Weber")))
    drag(s, (min(xs) - 10, min(ys) - 10), (max(xs) + 10, max(ys) + 10))
    s.update(0.0)
    assert step_done(s, 3)()
    order(s, (3, 3), "move")
    wait(s, step_done(s, 4))
    finish(s)


def test_lesson2_doors_bulkheads_and_sealing_and_the_reason_when_refused(display):
    w, s = start("lesson2_doors.toml")
    click(s, at(s, "Ana Ruiz"))
    order(s, (17, 3), "move")
    wait(s, step_done(s, 1))
    order(s, (13, 4), "close")
    wait(s, step_done(s, 2), 5)
    order(s, (13, 4), "seal_remote")
    wait(s, step_done(s, 3), 5)
    click(s, at(s, "Ana Ruiz"))
    click(s, cell(s, 3, 3), button=3)  # the way back is through the bulkhead she just sealed
    menu = s.menu
    assert "move" not in [o.key for o in menu.orders] and "move" in [o.key for o in menu.greyed]
    said = " ".join(menu.reason_labels)
    assert "Hall bulkhead is sealed" in said and "unseal" in said.lower()  # the menu says why, and the fix
    key(s, pygame.K_ESCAPE)
    order(s, (13, 4), "unseal")
    order(s, (3, 3), "move")
    wait(s, step_done(s, 4))
    finish(s)


def test_lesson3_pry_and_cut(display):
    w, s = start("lesson3_tools.toml")
    click(s, at(s, "Ana Ruiz"))
    order(s, (7, 4), "pry")
    wait(s, step_done(s, 1), 200)
    click(s, at(s, "Tom Berg"))
    order(s, (15, 5), "cut")
    wait(s, step_done(s, 2), 200)
    order(s, (17, 3), "move")
    wait(s, step_done(s, 3))
    finish(s)


def test_lesson4_respirator_carry_and_the_medical_bay(display):
    w, s = start("lesson4_rescue.toml")
    click(s, at(s, "Mira Holt"))
    order(s, None, "rescue", pos=at(s, "Kai Mensah"))
    s.run_for(0.2)
    s.update(0.0)
    assert "Mira Holt: rescue Kai Mensah" in s.lesson.lesson.hint(s.clock_s)  # the lesson answers the order
    wait(s, step_done(s, 1), 60)
    wait(s, step_done(s, 2))
    wait(s, step_done(s, 3), 200)
    finish(s)


def test_lesson5_the_o2_feed(display):
    w, s = start("lesson5_life_support.toml")
    order(s, (16, 3), "feed")
    wait(s, step_done(s, 1), 5)
    assert "Feed set" in s.lesson.lesson.hint(s.clock_s)  # the lesson answers the order at once
    click(s, s.feed_buttons["plus"].rect.center)
    wait(s, step_done(s, 2), 5)
    click(s, s.feed_buttons["stop"].rect.center)
    wait(s, step_done(s, 3), 5)
    finish(s)


def test_lesson6_overlays_and_the_countdown_cards(display):
    w, s = start("lesson6_overlays.toml")
    key(s, pygame.K_p)
    wait(s, step_done(s, 1), 5)
    key(s, pygame.K_o)
    wait(s, step_done(s, 2), 5)
    leo = w.person_by_name("Leo Park").id

    def card():
        s.update(0.0)
        s.clock_s += 0.5  # the wall time run_for() skips: panels redraw by the scene's clock
        s.draw(pygame.Surface(SIZE))
        return next((r for r, pid in s._hits if pid == leo and s.lay.strip.colliderect(r)), None)

    wait(s, lambda: card() is not None, 60)
    click(s, card().center)
    wait(s, step_done(s, 3), 5)
    order(s, (16, 3), "move")
    wait(s, step_done(s, 4))
    order(s, (11, 4), "seal_remote")
    wait(s, step_done(s, 5), 5)
    finish(s)


def test_a_hint_comes_when_the_player_stays_stuck_on_a_goal(display):
    w, s = start("lesson1_move.toml")
    les = s.lesson.lesson
    s.update(1.0)
    assert les.hint(s.clock_s) == ""  # no nagging at once
    for _ in range(10):  # lesson 1's first hint waits 8 s
        s.update(1.0)
    assert "Left-click the one named Ines" in les.hint(s.clock_s)
    s.draw(pygame.Surface(SIZE))  # the panel draws the hint under the goals


def test_every_lesson_is_listed_loads_and_round_trips_through_the_file_format():
    assert set(lessons.LESSON_CHECKS) == set(level_defs.LESSON_CHECKS)  # one judge per check a file may name
    for name in LESSONS:
        lvl = load_level(LEVELS_DIR / name)
        assert lvl.lesson_steps and not lvl.objectives, name  # a lesson ends on its goals, not on objectives
        again, problems, _ = parse_level(level_to_toml(lvl))
        assert not problems and again == lvl, name
        for st in lvl.lesson_steps:
            if st.check == "overlay":
                overlays.overlay(st.params["overlay"])


def test_the_validator_names_what_a_lesson_gets_wrong(tmp_path):
    text = (LEVELS_DIR / "lesson2_doors.toml").read_text()
    text = text.replace('door = "Hall bulkhead"\nstate = "sealed"', 'door = "Hall hatch"\nstate = "shut"', 1)
    text = text.replace('on = "DoorSealed"', 'on = "DoorWelded"')
    (tmp_path / "l2.toml").write_text(text)
    problems = validate_file(tmp_path / "l2.toml")
    words = " | ".join(str(p) for p in problems)
    assert "'Hall hatch'" in words and "'shut'" in words and "'DoorWelded'" in words


def test_the_tutorials_one_instruction_works_after_the_breach(display):
    """Select the two technicians and right-click Habitat hall: both get there through the closed Lab door."""
    world = create_world(load_level(LEVELS_DIR / "tutorial.toml"))
    s = headless_play(world, SIZE, paused=False)
    s.run_for(10.0)  # the hull went at 5 s
    xs, ys = zip(*(at(s, n) for n in ("Ines Castro", "Jonas Weber")))
    drag(s, (min(xs) - 10, min(ys) - 10), (max(xs) + 10, max(ys) + 10))
    order(s, (16, 3), "move")
    s.run_for(40.0)
    rooms = {world.grid.room_at(*world.person_by_name(n).cell).label for n in ("Ines Castro", "Jonas Weber")}
    assert rooms == {"Habitat hall"}
