"""Every command answers a broken or hostile file with a message naming it and
exit code 1 (or accepts it), never a traceback or a hang: levels, replays,
settings and Tiled maps, generated from a seed by tests/fuzz_cases.py.

A few hundred cases per kind run here; BREACH_FUZZ_CASES=N runs N per kind.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import game.cli
import game.editor_app
import game.training_app
from game import settings
from game.cli import main
from tests.fuzz_cases import Case, level_cases, record_replay, replay_cases, settings_cases, tiled_cases

# the bar: every command answers within 10 s
TIME_LIMIT_S = 10
# per kind by default: about 8 s of the suite on this 2-core machine
DEFAULT_CASES = {"level": 240, "replay": 90, "settings": 120, "tiled": 140}
SEED = 2024


def _count(kind: str) -> int:
    extra = os.environ.get("BREACH_FUZZ_CASES")
    return int(extra) if extra else DEFAULT_CASES[kind]


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Turn a command that runs past `seconds` into a test failure instead of a stuck suite."""

    def alarm(signum, frame):
        raise Hang(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture(autouse=True)
def no_window(monkeypatch):
    """`edit` and `replay` stop where the window would open: everything before it is what is tested."""
    for module in (game.cli, game.editor_app, game.training_app):  # each holds the window's door by name
        monkeypatch.setattr(module, "run_app", lambda *a, **k: 0)
    monkeypatch.setattr(game.training_app, "run_viewer", lambda *a, **k: 0)


def _answer(argv: list[str], path: Path, capsys) -> tuple[int, str]:
    with time_limit(TIME_LIMIT_S):
        try:
            rc = main(argv)
        except SystemExit as exc:  # argparse
            rc = exc.code
    out = capsys.readouterr()
    text = out.out + out.err
    assert rc in (0, 1, 2), f"{argv}: exit {rc}\n{text[-500:]}"  # 2: a name the command does not take (usage)
    if rc in (1, 2):
        assert path.name in text, f"{argv}: the message does not name the file:\n{text[-500:]}"
    return rc, text


def _check_all(cases: list[Case], commands, tmp_path: Path, capsys) -> dict[str, int]:
    outcomes = {"refused": 0, "accepted": 0}
    for n, case in enumerate(cases):
        folder = tmp_path / f"c{n}"
        folder.mkdir()
        path = case.build(folder)
        results = [_answer([a.format(f=path, out=folder) for a in argv], path, capsys)[0] for argv in commands]
        outcomes["refused" if {1, 2} & set(results) else "accepted"] += 1
    return outcomes


def test_broken_levels_are_refused_by_every_command(tmp_path, capsys):
    cases = level_cases(SEED, _count("level"))
    commands = (["validate", "{f}"], ["sim", "{f}", "--until", "0"], ["convert", "{f}", "{out}/o.tmj"], ["edit", "{f}"])
    outcomes = _check_all(cases, commands, tmp_path, capsys)
    assert outcomes["refused"] > len(cases) * 0.8  # most damage is caught; the rest still loads and runs


def test_special_paths_are_refused_by_play_and_batch(tmp_path, capsys):
    for n, case in enumerate(c for c in level_cases(SEED, 0)):
        folder = tmp_path / f"c{n}"
        folder.mkdir()
        path = case.build(folder)
        for argv in (["play", str(path)], ["batch", str(path), "--runs", "1", "--workers", "1"]):
            assert _answer(argv, path, capsys)[0] == 1, case.label


def test_tampered_replays_are_refused(tmp_path, capsys):
    base = record_replay(tmp_path)
    cases = replay_cases(SEED, _count("replay"), base)
    commands = (["replay", "{f}", "--verify"], ["replay", "{f}"], ["report", "{f}", "-o", "{out}/r.html", "--no-snapshots", "--no-compare"])
    outcomes = _check_all(cases, commands, tmp_path, capsys)
    assert outcomes["refused"] > len(cases) * 0.8


def test_damaged_settings_start_on_defaults_with_a_notice(tmp_path):
    for n, case in enumerate(settings_cases(SEED, _count("settings"))):
        folder = tmp_path / f"c{n}"
        folder.mkdir()
        path = case.build(folder)
        with time_limit(TIME_LIMIT_S):
            loaded = settings.load(path)
        if loaded.message is not None:
            assert str(path) in loaded.message, case.label
        assert isinstance(loaded.settings, settings.Settings)


def test_broken_tiled_maps_are_refused_with_a_reason(tmp_path, capsys):
    cases = tiled_cases(SEED, _count("tiled"))
    commands = (["convert", "{f}", "{out}/o.toml"], ["edit", "{f}"])
    outcomes = _check_all(cases, commands, tmp_path, capsys)
    assert outcomes["refused"] > len(cases) * 0.8
