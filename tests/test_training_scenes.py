"""The replay viewer and the instructor console, driven the way a user drives
them (buttons, keys, clicks on the map), headless."""

from __future__ import annotations

import os
import re
from argparse import Namespace
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame
import pygame_gui
import pytest

from game.app import LEVELS_DIR, _init_video, make_manager
from game.sim.commands import InjectBreach, MoveTo, SealDoor
from game.sim.level import InjectDef
from game.sim.world import create_world, state_hash
from game.training.replay import Playback, Recorder, load_replay, run_recorded, verify
from game.training.session import Session
from game.view.scenes.base import Context
from game.view.scenes.instructor import InstructorState, RecordedPlay, ScoredDebrief, exercise_state
from game.view.scenes.replay import ReplayState
from tests.training_levels import BULKHEAD, SICK_BAY, exercise_level

SIZE = (1280, 720)


@pytest.fixture(scope="module")
def display():
    _init_video()
    if pygame.display.get_surface() is None:
        pygame.display.set_mode((1, 1), pygame.HIDDEN)
    yield


def ctx() -> Context:
    return Context(make_manager(SIZE), SIZE, LEVELS_DIR, None)


def run_frames(state, n: int, dt: float = 0.1):
    surface = pygame.Surface(SIZE)
    for _ in range(n):
        nxt = state.update(dt)
        state.ctx.manager.update(dt)
        state.draw(surface)
        if nxt is not None:
            return nxt
    return None


def switch(old, new):
    old.leave()
    new.ctx.size = old.ctx.size
    new.enter()
    return new


def press(state, key: str):
    event = pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, {"ui_element": state._ui[key]})
    return state.handle_event(event)


@pytest.fixture(scope="module")
def replay_path(tmp_path_factory) -> Path:
    world = create_world(exercise_level(), 3)
    rec = Recorder(world, "exercise.toml", recorded_by="test")
    world.submit(MoveTo(person_id=0, cell=SICK_BAY))
    run_recorded(world, 30.0, rec)
    world.submit(SealDoor(door_id=world.door_at[BULKHEAD]))
    run_recorded(world, 60.0, rec)
    path = tmp_path_factory.mktemp("scenes") / "run.json"
    rec.save(path)
    return path


def test_the_viewer_plays_pauses_seeks_and_jumps_to_a_moment(display, replay_path):
    rep = load_replay(replay_path)
    recorded = dict(rep.hashes)
    state = ReplayState(ctx(), Playback(rep), str(replay_path))
    state.enter()
    assert state.paused and state.world.tick == 0
    press(state, "play")
    press(state, "faster")
    press(state, "faster")  # x4
    run_frames(state, 25)  # 2.5 s of real time at x4: about 10 simulated seconds
    assert not state.paused and 80 <= state.world.tick <= 110
    # Right arrow: ten seconds on, in slices, and still the recorded run
    state.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE, mod=0))
    state.seek(300)
    run_frames(state, 40)
    assert state.world.tick == 300 and state_hash(state.world) == recorded[300]
    # back to 10 s: a fresh scene on a restarted world, which catches up by itself
    back = switch(state, state.seek(100))
    assert back is not state and back.world.tick < 100
    run_frames(back, 40)
    assert back.world.tick == 100 and state_hash(back.world) == recorded[100]
    # the moment list knows the trainee's decisions at once; picking one jumps a few seconds before it
    run_frames(back, 30)
    texts = [m.text for m in back._moments]
    assert any("Seal bulkhead at 10,2" in t for t in texts)
    seal = next(m for m in back._moments if "Seal" in m.text)
    there = back.jump_to(seal)
    there = switch(back, there) if there is not None else back
    run_frames(there, 40)
    assert there.world.tick == seal.tick - 30 and there.paused
    there.leave()


def test_the_viewer_refuses_orders_and_says_how_to_take_over(display, replay_path):
    rep = load_replay(replay_path)
    state = ReplayState(ctx(), Playback(rep), str(replay_path))
    state.enter()
    state.world.submit(MoveTo(person_id=1, cell=(2, 2)))  # as if an order slipped through the view
    run_frames(state, 1)
    assert state.world.pending == []
    assert "Take over" in state.banner[0]
    state.leave()


def test_take_over_plays_on_live_and_records_a_branch_that_verifies(display, replay_path):
    rep = load_replay(replay_path)
    state = ReplayState(ctx(), Playback(rep), str(replay_path))
    state.enter()
    state.seek(250)
    run_frames(state, 40)
    live = switch(state, press(state, "take"))
    assert isinstance(live, RecordedPlay)
    assert live.world.tick == 250 and state_hash(live.world) == state_hash(Playback(rep).seek(250))
    assert "taken over" in (live.banner[0] if live.banner else "")
    live.paused = False
    live.world.submit(MoveTo(person_id=1, cell=(2, 2)))  # the trainee tries something else
    run_frames(live, 60)
    live.leave()
    out = replay_path.with_name("run-takeover-00m25s.json")
    branch = load_replay(out)
    assert branch.branch_of == {"file": str(replay_path), "tick": 250}
    assert [c.name for c in branch.commands] == ["MoveTo", "MoveTo"]
    assert verify(branch).ok


def test_play_record_saves_as_it_goes_and_the_file_verifies(display, tmp_path):
    world = create_world(exercise_level(), 1)
    out = tmp_path / "played.json"
    state = RecordedPlay(ctx(), world, "exercise.toml", Session(world, "exercise.toml", recorded_by="play"), str(out))
    state.enter()
    world.submit(MoveTo(person_id=0, cell=SICK_BAY))
    state.speed = 4
    run_frames(state, 30)  # ~12 simulated seconds: saved once already, mid-play
    assert out.is_file() and load_replay(out).end_tick >= 100
    run_frames(state, 10)
    state.leave()
    rep = load_replay(out)
    assert rep.end_tick == world.tick and rep.recorded_by == "play"
    assert verify(rep).ok


def test_the_instructor_injects_at_the_cursor_freezes_and_fires_the_plan(display, tmp_path):
    plan = (InjectDef(5.0, "worsen", {"person": "Bo Diaz", "spo2_drop": 0.2}, "Bo feels faint"),)
    world = create_world(exercise_level(injects=plan), 1)
    out = tmp_path / "exercise.json"
    session = Session(world, "exercise.toml", injects=True, recorded_by="instructor")
    state = InstructorState(ctx(), world, "exercise.toml", session, str(out))
    state.enter()
    state.paused = False
    run_frames(state, 60)  # 6 s: the planned inject has fired
    assert any(c.name == "InjectWorsen" for c in world.command_log)
    assert "Bo feels faint" in state._ui["info"].html_text
    # arm "breach at cursor" and click on the east module's floor, by the hull
    press(state, "breach")
    pos = state.camera.world_to_screen(14.5, 1.5)
    state.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos))
    assert any(isinstance(c, InjectBreach) for c in world.pending)
    # freeze: the clock stops and the trainee's space bar does not restart it
    press(state, "freeze")
    frozen_at = world.tick
    state.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE, mod=0))
    run_frames(state, 20)
    assert world.tick == frozen_at and state.frozen
    press(state, "freeze")
    run_frames(state, 20)
    assert world.tick > frozen_at
    state.leave()
    rep = load_replay(out)
    names = [c.name for c in rep.commands]
    assert names.count("FreezeExercise") == 2 and "InjectBreach" in names and "InjectWorsen" in names
    assert rep.recorded_by == "instructor" and verify(rep).ok


def test_the_debrief_after_a_recorded_run_shows_the_score_breakdown(display, tmp_path):
    world = create_world(exercise_level(), 1)
    out = tmp_path / "played.json"
    state = RecordedPlay(ctx(), world, "exercise.toml", Session(world, "exercise.toml", recorded_by="play"), str(out))
    state.enter()
    world.submit(MoveTo(person_id=0, cell=SICK_BAY))
    state.speed = 4
    run_frames(state, 90)  # she is in by about 30 s: the breach's draught slows her at the doorway
    debrief = switch(state, state.end("the instructor ended the exercise"))
    assert isinstance(debrief, ScoredDebrief)
    run_frames(debrief, 2)
    box = next(e for e in debrief.score_window.get_container().elements if isinstance(e, pygame_gui.elements.UITextBox))
    text = box.html_text
    assert "/ 100" in text and "Bring Ann to the sick bay" in text
    assert re.search(r"Lee in at 0:[1-3]\d", text)
    assert str(out) in text
    debrief.leave()


def test_play_instructor_opens_the_console_on_the_level_with_its_plan(display, tmp_path):
    plan = (InjectDef(5.0, "worsen", {"person": "Bo Diaz"}, "Bo feels faint"),)
    level = exercise_level(injects=plan)
    args = Namespace(level="exercise.toml", seed=None, record=str(tmp_path / "ex.json"), instructor=True)
    state = exercise_state(level, args)(ctx())
    assert isinstance(state, InstructorState) and state.session.planned is not None
    assert state.out_path == str(tmp_path / "ex.json") and state.paused
    args.instructor = False
    plain = exercise_state(level, args)(ctx())
    assert type(plain) is RecordedPlay and plain.session.planned is None


def _map_on_screen(state) -> pygame.Rect:
    """Where the whole station is drawn now."""
    g = state.world.grid
    x0, y0 = state.camera.world_to_screen(0, 0)
    x1, y1 = state.camera.world_to_screen(g.width, g.height)
    return pygame.Rect(x0, y0, x1 - x0, y1 - y0)


def _fold(state):
    return state.handle_event(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, {"ui_element": state.dock.toggle_button}))


def _docked_beside_the_map(state, side: str):
    """The panel stands at its edge, the map is drawn beside it (never under it), and folding it
    gives the map that room back; the comms log and the at-risk strip stay uncovered."""
    panel = state.dock.panel.get_abs_rect()
    assert (panel.left == 0) if side == "left" else (panel.right == SIZE[0])
    assert not panel.colliderect(state.camera.viewport) and not panel.colliderect(_map_on_screen(state))
    assert not panel.colliderect(state.lay.strip) and not panel.colliderect(state.lay.dock)
    if state.lay.comms is not None:
        assert not panel.colliderect(state.lay.comms)
    width = state.camera.viewport.w
    _fold(state)
    assert state.dock.panel is None and state.camera.viewport.w > width  # the map took the room back
    tab = state.dock.toggle_button.get_abs_rect()
    assert not tab.colliderect(state.camera.viewport)
    _fold(state)
    assert state.dock.panel is not None and state.camera.viewport.w == width


def test_the_instructor_console_is_docked_beside_the_map_and_folds(display, tmp_path):
    world = create_world(exercise_level(), 1)
    session = Session(world, "exercise.toml", injects=True, recorded_by="instructor")
    state = InstructorState(ctx(), world, "exercise.toml", session, str(tmp_path / "x.json"))
    state.enter()
    run_frames(state, 2)
    _docked_beside_the_map(state, "left")
    # an inject still lands where the instructor clicks on the narrowed map
    press(state, "debris")
    pos = state.camera.world_to_screen(13.5, 2.5)
    state.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos))
    (cmd,) = [c for c in world.pending if c.name == "InjectDebris"]
    assert tuple(cmd.cell) == (13, 2)
    state.leave()


def test_the_replay_controls_are_docked_beside_the_map_and_fold(display, replay_path):
    state = ReplayState(ctx(), Playback(load_replay(replay_path)), str(replay_path))
    state.enter()
    run_frames(state, 2)
    _docked_beside_the_map(state, "right")
    _fold(state)
    state.paused = False
    run_frames(state, 10)
    assert state.world.tick > 0
    nxt = state.seek(0)  # back to the start: a fresh scene, the controls still folded
    nxt = switch(state, nxt)
    assert nxt.dock.collapsed and nxt.dock.panel is None
    nxt.leave()
