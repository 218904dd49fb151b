"""The scenario generator: its levels validate and are the same for the same
arguments, a worse incident is lost more often by the autopilot, the search
moves severity the right way, and `main.py generate` and the menu use it."""

from __future__ import annotations

import math
import os
import sys
from dataclasses import replace
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402
import pygame_gui  # noqa: E402
import pytest  # noqa: E402

from game import cli  # noqa: E402
from game.app import _headless, make_context  # noqa: E402
from game.levelio.generate import BREACH_CM2, DEPTHS, build_layout, generate_level, incident_for, max_trapped  # noqa: E402
from game.levelio.load import load_level, validate_file  # noqa: E402
from game.levelio.save import level_to_toml  # noqa: E402
from game.sim.tiles import Tile  # noqa: E402
from game.sim.level import tiles_from_rows  # noqa: E402
from game.training import calibrate as cal_mod  # noqa: E402
from game.training.batch import run_batch  # noqa: E402
from game.training.calibrate import BANDS, calibrate, figures_comment, measure  # noqa: E402
from game.view.scenes.generate_menu import Calibrating, GenerateState  # noqa: E402
from game.view.scenes.menu import MenuState  # noqa: E402
from game.view.scenes.play import PlayState  # noqa: E402


@pytest.mark.parametrize("seed,modules,severity", [(1, 2, 0.0), (2, 3, 0.5), (3, 4, 1.0), (40, 2, 0.8), (977, 3, 0.2)])
def test_generated_levels_validate_and_have_the_parts_the_issue_names(tmp_path, seed, modules, severity):
    layout = build_layout(seed, modules)
    level = generate_level(seed, modules, incident_for(severity, max_trapped(layout)))
    path = tmp_path / "gen.toml"
    path.write_text(level_to_toml(level), encoding="utf-8")
    assert validate_file(path) == []
    tiles = tiles_from_rows(level.rows, level.legend)
    kinds = {r.kind for r in level.rooms}
    assert {"medbay", "corridor", "tunnel", "quarters"} <= kinds
    assert len(level.modules) == modules + 1  # the modules and the maintenance tunnel
    assert (tiles == Tile.HATCH).sum() >= modules + 2  # a hatch into the tunnel per module, two for the airlock
    assert len(level.airlocks) == 1 and level.lockers and all(lk.contents for lk in level.lockers)
    assert [e.kind for e in level.events].count("breach") >= 1
    assert any(c.condition == "asleep" for c in level.crew)


def test_same_arguments_give_the_same_file_and_another_seed_another_habitat():
    a = level_to_toml(generate_level(7, 3))
    assert a == level_to_toml(generate_level(7, 3))
    assert generate_level(8, 3).rows != generate_level(7, 3).rows


def test_sleepers_grow_across_tiers_and_every_other_figure_within_one():
    # Three sleepers at most: severity 0..1/3 is one sleeper, 1/3..2/3 two, 2/3..1 three.
    assert [incident_for(s, 3).trapped for s in (0.0, 0.2, 0.34, 0.6, 0.7, 1.0)] == [1, 1, 2, 2, 3, 3]
    for lo_s, hi_s in ((0.01, 0.3), (0.4, 0.65), (0.7, 1.0)):
        low, high = incident_for(lo_s, 3), incident_for(hi_s, 3)
        assert low.trapped == high.trapped
        for key, value in low.figures().items():
            assert high.figures()[key] >= value, key
        assert high.breach_cm2 > 5 * low.breach_cm2 and high.jam_chance > low.jam_chance


def test_the_autopilot_wins_a_mild_incident_and_loses_a_severe_one():
    # One 150 s run each on habitat 1 (shortened from its 240 s to keep the suite fast):
    # a 8 cm2 hole leaves time to walk the sleeper out; 400 cm2, a jammed door and a
    # second hit do not (measured: 2/2 and 0/2 runs at these settings).
    layout = build_layout(1)
    won = []
    for severity in (0.0, 1.0):
        level = generate_level(1, 2, incident_for(severity, max_trapped(layout)))
        level = replace(level, meta=replace(level.meta, time_limit_s=150.0),
                        objectives=tuple(replace(o, within_s=150.0 if o.within_s else None) for o in level.objectives))
        won.append(measure(level, runs=1, workers=1))
    assert won == [1, 0]


def fake_measure(monkeypatch, rate_at):
    """Stand in for the autopilot runs: `rate_at(severity)` of each batch succeeds, the
    severity read back from the level: its tier from the sleepers, its place in the tier
    from the breach (incident_for makes the hole geometric within a tier)."""
    lo, hi = BREACH_CM2

    def measure(level, runs, workers, first_seed=1, on_run=None):
        for _ in range(runs):
            if on_run:
                on_run()
        area = level.events[0].params["area_cm2"]
        sleepers = sum(c.condition == "asleep" for c in level.crew)
        cap = sum(r.label.startswith("A-") for r in level.rooms) - 1
        severity = (sleepers - 1 + math.log(area / lo) / math.log(hi / lo)) / cap
        return round(runs * rate_at(severity))

    monkeypatch.setattr(cal_mod, "measure", measure)


@pytest.mark.parametrize("difficulty", ["easy", "normal", "hard"])
def test_the_search_moves_severity_until_the_rate_is_in_the_band(monkeypatch, difficulty):
    fake_measure(monkeypatch, lambda s: 1.0 - s)  # a win rate falling straight with severity
    c = calibrate(5, difficulty, runs=20, max_steps=8)
    lo, hi = BANDS[difficulty]
    assert c.in_band and lo <= c.rate <= hi
    for before, after in zip(c.steps, c.steps[1:]):  # too easy -> harder, too hard -> easier
        assert (after.severity > before.severity) == (before.rate > hi)
    assert "autopilot succeeded" in c.level.meta.briefing


def test_a_band_out_of_reach_keeps_the_closest_step_and_says_so(monkeypatch):
    fake_measure(monkeypatch, lambda s: 1.0)  # nothing is ever lost
    c = calibrate(5, "hard", runs=4, max_steps=3)
    assert not c.in_band and c.rate == 1.0 and len(c.steps) == 3 * len(DEPTHS)  # every placement of the sleepers tried
    for depth in DEPTHS:
        tried = [s.severity for s in c.steps if s.depth == depth]
        assert tried == sorted(tried) and len(tried) == 3  # kept making it worse


def test_the_figure_in_the_file_is_what_batch_measures_on_that_file(tmp_path):
    # A real calibration, kept small (one step of one run, which the confidence rule
    # doubles): the count written at the top of the file must come back from batch
    # over the world seeds it names.
    c = calibrate(4, "easy", runs=1, max_steps=1, workers=1, depths=(DEPTHS[0],))
    assert c.chosen.runs == 2
    path = tmp_path / "gen.toml"
    path.write_text(figures_comment(c) + level_to_toml(c.level), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert f"measured {c.chosen.won}/{c.chosen.runs} " in text
    level = load_level(path)
    rows = run_batch(level, c.world_seeds, level.meta.time_limit_s, workers=1)
    assert len(rows) == c.chosen.runs and sum(bool(r["success"]) for r in rows) == c.chosen.won


def test_generate_command_writes_a_valid_level_with_its_figures(monkeypatch, tmp_path, capsys):
    fake_measure(monkeypatch, lambda s: 1.0 - s)
    out = tmp_path / "g.toml"
    assert cli.main(["generate", "--seed", "12", "--difficulty", "hard", "--workers", "1", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Generated: difficulty hard") and "breach_cm2 = " in text
    assert validate_file(out) == []
    assert "autopilot succeeded" in load_level(out).meta.briefing
    assert "hard, autopilot succeeded in" in capsys.readouterr().out


def test_the_menu_generates_a_scenario_and_plays_it(monkeypatch, tmp_path):
    fake_measure(monkeypatch, lambda s: 1.0 - s)
    _headless()
    ctx = make_context((1280, 720), settings_file=tmp_path / "settings.json")
    menu = MenuState(ctx)
    menu.enter()
    nxt = menu.handle_event(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, {"ui_element": menu.generate_button}))
    assert isinstance(nxt, GenerateState)
    menu.leave()
    nxt.folder, nxt.workers = tmp_path, 1
    nxt.enter()
    nxt.seed_entry.set_text("33")
    nxt.start()
    nxt.job.thread.join(timeout=30)
    play = nxt.update(0.1)
    assert isinstance(play, PlayState)
    assert Path(play.level_path) == tmp_path / "generated_33_normal.toml"
    assert validate_file(play.level_path) == []
    assert play.world.level.rows == build_layout(33).rows


class _Job:
    """A calibration as the screen sees it, stopped at a given count of runs."""

    def __init__(self, runs_done: int, fraction: float) -> None:
        self.seed, self.runs_done, self.fraction, self.finished, self.steps = 33, runs_done, fraction, False, []


def test_the_progress_caption_counts_every_run_even_when_the_bar_does_not_move(tmp_path):
    _headless()
    ctx = make_context((1280, 720), settings_file=tmp_path / "settings.json")
    screen = GenerateState(ctx, folder=tmp_path, workers=1)
    screen.enter()
    shots = []
    for runs in (40, 41):  # the same fill both times: only the caption can change
        screen.job = _Job(runs, 0.5)
        screen.update(0.1)
        ctx.manager.update(0.1)
        assert screen.progress.status_text() == f"{runs} autopilot runs"
        shots.append(pygame.image.tobytes(screen.progress.image, "RGBA"))
    assert shots[0] != shots[1]
    screen.job = None
    screen.leave()


def test_the_bar_is_full_only_at_the_most_runs_a_calibration_can_take():
    job = Calibrating.__new__(Calibrating)  # its figures only: no calibration thread started
    most = 2 * cal_mod.RUNS_PER_STEP * cal_mod.MAX_STEPS * len(DEPTHS)  # every step doubled, every placement searched
    job.runs_done = most - 1
    assert job.fraction < 1.0
    job.runs_done = most
    assert job.fraction == 1.0
