"""Command-line entry: `python main.py [play|sim|validate] ...`.

Every subcommand turns bad input into a readable message and an exit code,
never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from game import __version__

LEVELS_DIR = Path(__file__).resolve().parent.parent / "levels"
DEFAULT_LEVEL = LEVELS_DIR / "module4.toml"


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be zero or more seconds")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Breach Protocol: a crew emergency-response game. With no command, opens the game.",
    )
    parser.add_argument("--version", action="version", version=f"Breach Protocol {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play a level in a window", description="Play a level in a window.")
    play.add_argument("level", nargs="?", default=str(DEFAULT_LEVEL), help="level file (default: Module Four)")
    play.add_argument("--seed", type=int, default=None, help="random seed (default: the level's)")
    play.add_argument("--screenshot", metavar="OUT.png", help="render one frame to a PNG and exit")
    play.add_argument("--at", type=_positive, default=0.0, metavar="SECONDS", help="simulated time of the screenshot")

    sim = sub.add_parser("sim", help="run a level headless", description="Run a level without a window and report.")
    sim.add_argument("level", help="level file")
    sim.add_argument("--seed", type=int, default=None, help="random seed (default: the level's)")
    sim.add_argument("--until", type=_positive, default=60.0, metavar="SECONDS", help="simulated seconds to run (default 60)")
    sim.add_argument("--json", action="store_true", help="print one JSON object with the final state")
    sim.add_argument("--trace", metavar="OUT.csv", help="write pressures, oxygen and bodies once per simulated second")

    val = sub.add_parser("validate", help="check level files", description="Check level files; list every problem as FILE:LINE: message.")
    val.add_argument("files", nargs="+", metavar="FILE")
    return parser


def cmd_validate(files: list[str]) -> int:
    from game.levelio.validate import validate_file

    failed = False
    for f in files:
        problems = validate_file(f)
        for p in problems:
            print(p)
        if problems:
            failed = True
        else:
            print(f"{f}: ok")
    return 1 if failed else 0


def _load(path: str):
    """The level, or None after printing why it cannot be used."""
    from game.levelio.load import load_level
    from game.levelio.problems import LevelError

    try:
        return load_level(path)
    except LevelError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return None


def cmd_sim(args: argparse.Namespace) -> int:
    from game.sim.report import world_summary
    from game.sim.world import create_world, run_until

    level = _load(args.level)
    if level is None:
        return 1
    world = create_world(level, args.seed)
    if args.trace:
        if not _run_traced(world, args.until, args.trace):
            return 1
    else:
        run_until(world, args.until)
    summary = world_summary(world, args.level)
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"{level.meta.name}: {summary['sim_time_s']:.1f} s simulated, seed {summary['seed']}, state {summary['state_hash']}")
        for c in summary["crew"]:
            print(f"  {c['name']:<18} {c['role']:<12} {c['status']:<12} {c['room'] or '-'}")
    return 0


def _run_traced(world, until_s: float, out: str) -> bool:
    """Run to `until_s`, writing a trace row set every simulated second."""
    import csv

    from game.atomicfile import atomic_writer
    from game.sim.report import TRACE_HEADER, trace_rows
    from game.sim.world import run_until

    try:
        with atomic_writer(out) as f:
            writer = csv.writer(f)
            writer.writerow(TRACE_HEADER)
            second = 0
            while True:
                run_until(world, min(second, until_s))
                writer.writerows(trace_rows(world))
                if second >= until_s:
                    break
                second += 1
    except OSError as exc:
        print(f"{out}: cannot write the trace: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def cmd_play(args: argparse.Namespace) -> int:
    level = _load(args.level)
    if level is None:
        return 1
    from game.app import run_app, screenshot

    if args.screenshot:
        return screenshot(level, args.level, args.seed, args.at, args.screenshot)
    return run_app(start_level=args.level, seed=args.seed)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "validate":
            return cmd_validate(args.files)
        if args.command == "sim":
            return cmd_sim(args)
        if args.command == "play":
            return cmd_play(args)
        from game.app import run_app

        return run_app()
    except KeyboardInterrupt:
        return 130
