"""The tutorial campaign: each lesson is won by a player who only clicks and
presses keys (synthetic pygame events through the UI manager, as the app loop
delivers them), its goals tick off in order, and its hints answer what the
player does or leaves undone."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.app import LEVELS_DIR, _headless, headless_play
from game.levelio.load import load_level, parse_level
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


def test_lesson2_doors_bulkheads_and_sealing_and_the_hint_when_refused(display):
    w, s = start("lesson2_doors.toml")
    click(s, at(s, "Ana Ruiz"))
    order(s, (17, 3), "move")
    wait(s, step_done(s, 1))
    order(s, (13, 4), "close")
    wait(s, step_done(s, 2), 5)
    order(s, (13, 4), "seal_remote")
    wait(s, step_done(s, 3), 5)
    click(s, at(s, "Ana Ruiz"))
    order(s, (3, 3), "move")
    s.run_for(0.5)
    s.update(0.0)
    said = s.lesson.lesson.hint(s.clock_s)
    assert said.startswith("Refused:") and "Hall bulkhead is sealed" in said and "Unseal" in said  # the hint answers
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
