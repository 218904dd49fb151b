"""Promises kept at the edges (issue #21): what the command line does on a bad day.

Each test runs the real entry point (`game.cli.main`) and checks what a user
sees: the exit code, the message, the bytes left on disk. Full disks and
read-only folders are simulated by making the atomic writer's system calls
fail (the tests run as root in CI, and root ignores folder permissions).
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402
import pytest  # noqa: E402

import game.atomicfile as atomicfile  # noqa: E402
from game.cli import main  # noqa: E402

MODULE4 = str(ROOT / "levels" / "module4.toml")


def _fail(err: int):
    def raiser(*args, **kwargs):
        raise OSError(err, os.strerror(err))
    return raiser


# ------------------------------------------------------------------ screenshots

def _shoot(out: Path) -> int:
    return main(["play", MODULE4, "--screenshot", str(out), "--size", "1024x640"])


def test_a_screenshot_is_a_whole_png(tmp_path, capsys):
    out = tmp_path / "shot.png"
    assert _shoot(out) == 0
    assert "saved to" in capsys.readouterr().out
    assert pygame.image.load(str(out)).get_size() == (1024, 640)
    assert [p.name for p in tmp_path.iterdir()] == ["shot.png"]  # no temporary file left


def test_a_screenshot_refuses_a_missing_folder(tmp_path, capsys):
    out = tmp_path / "no" / "such" / "shot.png"
    assert _shoot(out) == 1
    err = capsys.readouterr()
    assert f"{out}: cannot write: No such file or directory" in err.err and "saved" not in err.out
    assert list(tmp_path.iterdir()) == []  # the folder was not made behind the user's back


@pytest.mark.parametrize("where, err", [
    ("fsync", errno.ENOSPC),  # the disk fills while the PNG is written
    ("mkstemp", errno.EROFS),  # a read-only folder: no file can be made there
])
def test_a_screenshot_that_cannot_be_written_says_so_and_leaves_the_old_file(tmp_path, capsys, monkeypatch, where, err):
    out = tmp_path / "shot.png"
    out.write_bytes(b"the picture from before")
    target = atomicfile.os if where == "fsync" else atomicfile.tempfile
    monkeypatch.setattr(target, where, _fail(err))
    assert _shoot(out) == 1
    captured = capsys.readouterr()
    assert f"{out}: cannot write: {os.strerror(err)}" in captured.err
    assert "saved" not in captured.out
    assert out.read_bytes() == b"the picture from before"  # never a truncated PNG
    assert [p.name for p in tmp_path.iterdir()] == ["shot.png"]
