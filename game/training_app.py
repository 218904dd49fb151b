"""The training commands that need the game's window or renderer: watching a
replay, and the after-action report's map snapshots and comms-log words.

Training itself never imports the view or the app (imports point down); this
app-level module joins them for `main.py replay` and `main.py report`.
"""

from __future__ import annotations

import argparse
import io
import os
import sys

import pygame

from game.app import render_play_frame, run_app
from game.sim.world import World
from game.training import cli as training_cli
from game.training.replay import Playback, Replay
from game.training.report import write_report
from game.view.messages import describe
from game.view.scenes.replay import ReplayState

SNAPSHOT_SIZE = (1280, 720)


def run_viewer(replay: Replay, replay_file: str) -> int:
    """Open the window on a replay; returns the app's exit code."""
    return run_app(first_state=lambda ctx: ReplayState(ctx, Playback(replay), replay_file))


def snapshot_png(world: World) -> bytes:
    """The map as the game draws it, paused, as PNG bytes (the report's snapshots)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # a report is written without a window
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    surface = render_play_frame(world, SNAPSHOT_SIZE, paused=True)
    buf = io.BytesIO()
    pygame.image.save(surface, buf, "snapshot.png")
    return buf.getvalue()


def cmd_replay(args: argparse.Namespace) -> int:
    """`main.py replay FILE`: watch it in the window, or with --verify check it headless."""
    rep = training_cli.load_replay_or_say(args.file, args.level)
    if rep is None:
        return 1
    if args.verify:
        return training_cli.cmd_verify(args, rep)
    return run_viewer(rep, args.file)


def cmd_report(args: argparse.Namespace) -> int:
    """`main.py report REPLAY`: write the after-action page."""
    rep = training_cli.load_replay_or_say(args.file, args.level)
    if rep is None:
        return 1

    def say(msg: str) -> None:
        print(f"report: {msg}", file=sys.stderr)

    try:
        a = write_report(
            rep,
            args.file,
            args.out,
            describe,
            snapshot=None if args.no_snapshots else snapshot_png,
            compare=not args.no_compare,
            progress=say,
        )
    except OSError as exc:
        print(f"{args.out}: cannot write the report: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the replay names something this sim cannot run: say so, do not crash
        print(
            f"{args.file}: cannot re-simulate the replay for the report: {type(exc).__name__}: {exc}", file=sys.stderr
        )
        return 1
    print(
        f"{args.out}: after-action report for {rep.level_name}, seed {rep.seed}: score {a.score.total:.1f} ({a.score.grade})"
    )
    return 0
