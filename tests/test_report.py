"""The after-action report as an instructor opens it: one HTML file, looked at
in a real (headless) browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from game.sim.commands import InjectWorsen, MoveTo, SealDoor
from game.sim.world import create_world
from game.training.replay import Recorder, run_recorded
from tests.training_levels import BULKHEAD, SICK_BAY, exercise_level

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("CI") == "true":  # .ci/run installs it: never skip there
    raise RuntimeError("CI must have chromium for the report test; .ci/run installs Debian's 'chromium'")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, str]:
    """A 60 s exercise: Ann is sent to the sick bay, the instructor makes Bo worse, the bulkhead is sealed."""
    d = tmp_path_factory.mktemp("report")
    world = create_world(exercise_level(), 2)
    rec = Recorder(world, "exercise.toml", recorded_by="play")
    world.submit(MoveTo(person_id=0, cell=SICK_BAY))
    run_recorded(world, 25.0, rec)
    world.submit(InjectWorsen(person_id=1, spo2_drop=0.3))
    run_recorded(world, 35.0, rec)
    world.submit(SealDoor(door_id=world.door_at[BULKHEAD]))
    run_recorded(world, 60.0, rec)
    rec.save(d / "run.json")
    out = d / "report.html"
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    res = subprocess.run(
        [sys.executable, "main.py", "report", str(d / "run.json"), "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert res.returncode == 0, res.stderr
    assert "after-action report for Exercise" in res.stdout
    return out, out.read_text(encoding="utf-8")


def test_the_page_is_one_self_contained_file(report):
    _, page = report
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page), "nothing may be fetched from outside"
    assert page.count("data:image/png;base64,") >= 2  # map snapshots
    assert page.count("<svg") >= 3  # pressure, the rescue target, everyone's SpO2


def _chromium(*args: str, tmp: Path, timeout: int = 90) -> subprocess.CompletedProcess:
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    return subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed here (.ci/run installs it)")
def test_chromium_shows_the_score_timeline_charts_and_snapshots(report, tmp_path):
    path, _ = report
    res = _chromium("--dump-dom", path.as_uri(), tmp=tmp_path)
    dom = res.stdout
    assert "<title>After-action report: Exercise, seed 2</title>" in dom, res.stderr[-2000:]
    total = re.search(r'id="total">([\d.]+) / 100', dom)
    assert total and 0 <= float(total.group(1)) <= 100
    for objective in ("Bring Ann to the sick bay", "Nobody dies", "Seal the west module", "Keep the O2 reserve"):
        assert objective in dom
    assert "Lee in at" in dom  # Ann reached the sick bay, and when
    # the timeline: the trainee's decisions and the instructor's inject, each marked by who
    assert "Ann Lee: go to Sick bay" in dom and "Seal bulkhead at 10,2" in dom  # the order registry's words
    assert "Inject: Bo Diaz gets worse" in dom and "w-instructor" in dom
    # the charts are there with their titles, as text the browser laid out
    for title in ("Compartment pressure by room", "SpO2 of the people to be rescued", "Blood oxygen saturation"):
        assert title in dom
    assert dom.count("<img") >= 2
    # beside the trainee: the autopilot, or a plain statement that this build has none
    assert "Beside the autopilot" in dom
    assert "Autopilot, same seed" in dom


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed here (.ci/run installs it)")
def test_the_screenshot_shows_a_dark_header_over_a_light_page(report, tmp_path):
    path, _ = report
    shot = tmp_path / "report.png"
    _chromium("--window-size=1280,2400", f"--screenshot={shot}", path.as_uri(), tmp=tmp_path)
    assert shot.is_file() and shot.stat().st_size > 20_000
    img = pygame.image.load(str(shot))
    assert img.get_size() == (1280, 2400)
    header = img.get_at((20, 20))
    page = img.get_at((5, 600))
    assert sum(header[:3]) < 150, "the header band is dark"
    assert sum(page[:3]) > 600, "the page behind the sections is light"
    colours = {tuple(img.get_at((x, y))[:3]) for x in range(0, 1280, 37) for y in range(0, 2400, 53)}
    assert len(colours) > 40, "charts and snapshots, not a blank page"
