"""A player's night in Module Four, by mouse and keyboard: select the rescue team,
order a cut and the rescues, and see it through to the debrief.

Every order goes in as synthetic input through the same scene the window
runs (drag-box, right-click, the menu's buttons); the sim does the rest.
"""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.app import _headless, headless_play
from game.levelio.load import load_level
from game.sim import commands as C
from game.sim.world import create_world, step
from game.view.scenes.debrief import DebriefState
from tests.test_game_input import RESCUE_TEAM, choose_order, click, drag, screen_of

ROOT = Path(__file__).resolve().parent.parent
MODULE4 = ROOT / "levels" / "module4.toml"
SIZE = (1280, 720)
HATCH = (62, 9)  # the emergency access hatch from the maintenance tunnel into Corridor 4 (jammed)
TRAPPED = ("Tomas Reyes", "Elena Rodriguez", "Dale Jackson")


@pytest.fixture(scope="module")
def display():
    _headless()
    yield


def give_the_orders(world, state):
    """The player's opening moves, all by mouse: returns who is who."""
    ids = {n: world.person_by_name(n).id for n in RESCUE_TEAM + TRAPPED}

    # the rescue team, by drag-box
    xs, ys = zip(*(screen_of(state, world, n) for n in RESCUE_TEAM))
    drag(state, (min(xs) - 8, min(ys) - 8), (max(xs) + 8, max(ys) + 8))
    assert sorted(world.people[i].name for i in state.selected) == sorted(RESCUE_TEAM)

    # Hassan cuts through the jammed hatch from the maintenance tunnel
    click(state, screen_of(state, world, "Hassan Karimi"))
    assert state.selected == [ids["Hassan Karimi"]]
    click(state, state.camera.cell_centre(*HATCH), button=3)
    choose_order(state, "cut")

    # Alexis goes for Reyes, Sofia (who carries the respirators) for Rodriguez
    for rescuer, casualty in (("Alexis Moreau", "Tomas Reyes"), ("Sofia Petrova", "Elena Rodriguez")):
        click(state, screen_of(state, world, rescuer))
        click(state, screen_of(state, world, casualty), button=3)
        choose_order(state, "rescue")

    # and the autopilot takes the rest of the crew (Jackson, the evacuation, the seals)
    click(state, state._autopilot_pill().center)
    pygame.event.clear()
    return ids


def test_the_players_orders_reach_the_sim_as_commands(display):
    world = create_world(load_level(MODULE4))
    state = headless_play(world, SIZE, paused=True)
    ids = give_the_orders(world, state)
    step(world)
    log = world.command_log
    assert any(isinstance(c, C.CutThrough) and c.person_id == ids["Hassan Karimi"] and tuple(c.cell) == HATCH for c in log)
    assert any(isinstance(c, C.Rescue) and c.person_id == ids["Alexis Moreau"] and c.target_id == ids["Tomas Reyes"] for c in log)
    assert any(isinstance(c, C.Rescue) and c.person_id == ids["Sofia Petrova"] and c.target_id == ids["Elena Rodriguez"]
               for c in log)
    assert any(isinstance(c, C.SetAutopilot) and c.on for c in log)
    assert state.autopilot_on()


def test_select_the_team_order_a_cut_and_the_rescues_and_win_module_four(display):
    world = create_world(load_level(MODULE4))
    state = headless_play(world, SIZE, paused=True)
    give_the_orders(world, state)
    state.speed = 4
    nxt = None
    while nxt is None and world.time_s < world.level.meta.time_limit_s + 5:
        state.run_for(10.0)
        nxt = state.update(0.0)
    assert isinstance(nxt, DebriefState), "the exercise never ended"
    d = nxt.d
    fates = {p.name: (p.state, p.delivered_s) for p in d.people if p.target}
    assert d.won, f"{d.headline}: {fates}, {d.dead} dead"
    for name in TRAPPED:
        state_, delivered = fates[name]
        assert state_ != "dead" and delivered is not None
