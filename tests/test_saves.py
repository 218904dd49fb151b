"""Saves survive the machine: a save killed at any moment leaves the old file
or the new one, whole; its temporary is swept by the next save or at start;
and the folder is fsynced after the rename so the rename itself is durable.

BREACH_KILL_SAVES=N kills N saves instead of the CI's few.
"""

from __future__ import annotations

import os
import signal
import stat
import time
from pathlib import Path

import numpy as np

import game.atomicfile as atomicfile
from game.atomicfile import atomic_writer, sweep_stale, write_atomic

OLD = "old contents\n" * 1000
# the CI kills a few dozen saves (well under a second); the issue's own run killed 400
KILLS = int(os.environ.get("BREACH_KILL_SAVES", "24"))


def _save_in_child(path: Path, delay_s: float | None) -> None:
    """Fork a child that writes a new version of `path` slowly; kill it after
    `delay_s`, or, with None, as soon as it has written its first block (so the
    kill lands mid-write however loaded the machine is)."""
    started_r, started_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(started_r)
            with atomic_writer(path) as f:
                for i in range(200):
                    f.write("new contents\n" * 500)
                    f.flush()
                    if i == 0:
                        os.write(started_w, b"1")
                    time.sleep(0.0005)
        finally:
            os._exit(0)
    os.close(started_w)
    if delay_s is None:
        os.read(started_r, 1)
    else:
        time.sleep(delay_s)
    os.close(started_r)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def test_a_killed_save_leaves_a_whole_file_and_its_temporary_is_swept_next_time(tmp_path):
    target = tmp_path / "replay.json"
    target.write_text(OLD)
    rng = np.random.default_rng(7)
    left_behind = 0
    for _ in range(KILLS):
        _save_in_child(target, float(rng.uniform(0.0, 0.12)))
        text = target.read_text()
        assert text == OLD or text == "new contents\n" * 500 * 200  # never partial, never missing
        left_behind = max(left_behind, len(list(tmp_path.glob(".replay.json.*.tmp"))))
        target.write_text(OLD)
    assert left_behind >= 1  # the kills did land mid-write
    write_atomic(target, "next save\n")
    assert [p.name for p in tmp_path.iterdir()] == ["replay.json"]  # the next save swept them all
    assert target.read_text() == "next save\n"


def test_sweep_at_start_removes_only_dead_processes_temporaries(tmp_path):
    _save_in_child(tmp_path / "settings.json", None)
    dead = list(tmp_path.glob(".settings.json.*.tmp"))
    live = tmp_path / f".other.json.{os.getppid()}.abcd1234.tmp"  # a save still running in another process
    live.write_text("half")
    mine = tmp_path / "notes.tmp"
    mine.write_text("not a temporary of ours")
    assert len(dead) == 1
    assert sweep_stale(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, mine.name])


def test_the_folder_is_fsynced_after_the_rename(tmp_path, monkeypatch):
    synced: list[str] = []
    real_fsync = os.fsync

    def record(fd: int) -> None:
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(atomicfile.os, "fsync", record)
    write_atomic(tmp_path / "level.toml", "x = 1\n")
    assert synced == ["file", "folder"]


def test_the_game_sweeps_a_killed_settings_save_at_start(tmp_path):
    from game import settings

    path = tmp_path / "settings.json"
    settings.save(settings.Settings(), path)
    _save_in_child(path, None)
    assert list(tmp_path.glob(".settings.json.*.tmp"))
    assert settings.load(path).message is None
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
