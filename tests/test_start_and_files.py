"""Ordinary files and a clear start: what a user notices on their own machine."""

import os
import subprocess
import sys
from pathlib import Path

from game.atomicfile import write_atomic

ROOT = Path(__file__).resolve().parent.parent


def test_a_saved_file_gets_the_users_umask_not_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "level.toml", "x = 1\n")
    finally:
        os.umask(old)
    # 0o666 & ~0o022: what `touch` or an editor would give the file
    assert (tmp_path / "level.toml").stat().st_mode & 0o777 == 0o644


def test_saving_over_a_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o640


def test_without_a_display_the_game_says_so_and_exits_nonzero():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    env["SDL_AUDIODRIVER"] = "dummy"
    done = subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "needs a window" in done.stderr and "no display" in done.stderr
