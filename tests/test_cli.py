"""The command line as a user types it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.levelio.load import load_level
from game.sim.commands import SetAutopilot
from game.sim.report import world_summary
from game.sim.world import create_world, run_until

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)


def test_sim_json_reports_the_crew_and_a_state_hash():
    res = run("sim", "levels/module4.toml", "--seed", "7", "--until", "5", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["level"] == "levels/module4.toml"
    assert data["seed"] == 7
    assert data["sim_time_s"] == 5.0
    assert len(data["state_hash"]) == 32
    by_name = {c["name"]: c for c in data["crew"]}
    assert by_name["Tomas Reyes"]["room"] == "4-14"
    assert by_name["Dale Jackson"]["room"] == "4-16"
    assert by_name["Dr. Mei Chen"]["room"] == "Medical bay"
    assert by_name["Alexis Moreau"]["role"] == "rescue"
    assert by_name["Tomas Reyes"]["status"] == "conscious"
    assert by_name["Tomas Reyes"]["position"] == [68.5, 3.5]


def test_sim_is_deterministic_across_processes_and_seeds_matter_to_the_hash():
    a = json.loads(run("sim", "levels/two_modules.toml", "--seed", "3", "--until", "90", "--json").stdout)
    b = json.loads(run("sim", "levels/two_modules.toml", "--seed", "3", "--until", "90", "--json").stdout)
    assert a == b


@pytest.mark.parametrize("sub", ["", "play", "sim", "validate"])
def test_help_everywhere(sub):
    res = run(*([sub] if sub else []), "--help")
    assert res.returncode == 0
    assert "usage:" in res.stdout


def test_python_dash_m_game_is_the_same_program():
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    res = subprocess.run([sys.executable, "-m", "game", "validate", "levels/tutorial.toml"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert res.returncode == 0 and "ok" in res.stdout


def test_bad_arguments_are_a_usage_message_not_a_traceback():
    res = run("sim", "levels/module4.toml", "--until", "soon")
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and "not a number" in res.stderr
    res = run("sim", "no/such/level.toml")
    assert res.returncode == 1
    assert "Traceback" not in res.stderr and "cannot read" in res.stderr


def test_the_headless_report_says_what_each_person_is_doing_in_the_inspectors_words():
    # what `sim --json` prints per person (game.sim.report.world_summary), without a process of its own
    world = create_world(load_level(ROOT / "levels" / "module4.toml"), 4)
    world.submit(SetAutopilot(on=True))
    run_until(world, 150.0)
    crew = world_summary(world, "levels/module4.toml")["crew"]
    assert all(c["doing"] for c in crew)  # everyone is doing something, if only standing by
    # by 2:30 the autopilot has responders on the trapped three: their "why" names it
    tasked = [c for c in crew if c["why"].startswith("the autopilot: ")]
    assert tasked and all(c["why"].endswith(c["doing"]) or c["blocked"] for c in tasked)
