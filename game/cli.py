"""Command-line entry: `python main.py [play|sim|validate|edit|convert|generate|replay|report|batch|host|join] ...`.

Every subcommand turns bad input into a readable message and an exit code,
never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys

from game import __version__, collector
from game.app import DEFAULT_SIZE, MIN_SIZE, run_app, screenshot
from game.atomicfile import atomic_writer, write_atomic
from game.editor.cli import cmd_convert
from game.editor_app import cmd_edit
from game.levelio.generate import DEFAULT_MODULES, DIFFICULTIES, MAX_MODULES, MIN_MODULES
from game.levelio.load import load_level, validate_file
from game.levelio.problems import LevelError
from game.levelio.save import level_to_toml
from game.net_app import add_parsers as add_net_parsers
from game.net_app import cmd_host, cmd_join
from game.paths import DEFAULT_LEVEL
from game.sim.commands import SetAutopilot
from game.sim.limits import seed_problem
from game.sim.report import TRACE_HEADER, trace_rows, world_summary
from game.sim.world import TICK_S, create_world
from game.sim.world import run_until as plain_run_until
from game.training import cli as training_cli
from game.training.batch import Progress, default_workers
from game.training.calibrate import BANDS, RUNS_PER_STEP, calibrate, figures_comment
from game.training.session import Session
from game.training_app import cmd_replay, cmd_report
from game.view.scenes.instructor import exercise_state


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be zero or more seconds")
    return value


def _window_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT") from None
    if w < MIN_SIZE[0] or h < MIN_SIZE[1]:
        raise argparse.ArgumentTypeError(f"{text!r} is below the smallest window, {MIN_SIZE[0]}x{MIN_SIZE[1]}")
    return w, h


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
    why = seed_problem(value)
    if why is not None:
        raise argparse.ArgumentTypeError(why)
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
    play.add_argument("--seed", type=_seed, default=None, help="random seed (default: the level's)")
    play.add_argument("--screenshot", metavar="OUT.png", help="render one frame to a PNG and exit")
    play.add_argument("--at", type=_positive, default=0.0, metavar="SECONDS", help="simulated time of the screenshot")
    play.add_argument("--size", type=_window_size, default=DEFAULT_SIZE, metavar="WxH",
                      help="window size of the screenshot (default 1280x720)")
    play.add_argument("--ui-scale", type=float, default=1.0, metavar="K", help="UI scale of the screenshot (1.0 to 2.0)")
    training_cli.add_record_options(play, play=True)

    sim = sub.add_parser("sim", help="run a level headless", description="Run a level without a window and report.")
    sim.add_argument("level", help="level file")
    sim.add_argument("--seed", type=_seed, default=None, help="random seed (default: the level's)")
    sim.add_argument("--until", type=_positive, default=60.0, metavar="SECONDS", help="simulated seconds to run (default 60)")
    sim.add_argument("--json", action="store_true", help="print one JSON object with the final state")
    sim.add_argument("--trace", metavar="OUT.csv", help="write pressures, oxygen, temperatures, stores and bodies")
    sim.add_argument("--trace-every", type=_positive, default=1.0, metavar="SECONDS",
                     help="simulated seconds between trace rows (default 1; 0.1 or 0 writes every tick)")
    sim.add_argument("--autopilot", action="store_true", help="hand the crew to the coordinator autopilot from the start")
    training_cli.add_record_options(sim, play=False)

    val = sub.add_parser("validate", help="check level files", description="Check level files; list every problem as FILE:LINE: message.")
    val.add_argument("files", nargs="+", metavar="FILE")

    edit = sub.add_parser("edit", help="open the level editor", description="Open the level editor on a level file, or on a new level.")
    edit.add_argument("level", nargs="?", default=None, help="level file to edit (.toml, or a Tiled .tmj to import)")
    edit.add_argument("--new", nargs=2, type=int, metavar=("W", "H"), help="start a new level W x H cells")

    conv = sub.add_parser("convert", help="convert between .toml and Tiled .tmj",
                          description="Convert a level between this game's TOML format and Tiled's JSON map format (.tmj).")
    conv.add_argument("input", metavar="IN", help="level to read (.toml or .tmj)")
    conv.add_argument("output", metavar="OUT", help="file to write (.toml or .tmj)")
    gen = sub.add_parser("generate", help="generate a habitat and incident, calibrated to a difficulty",
                         description="Lay out a habitat from a seed, put an incident in it, and move the incident until "
                                     "the autopilot succeeds in it as often as the difficulty asks (measured, in parallel). Exit code 2: "
                                     "the band was not reached (the file is written with the closest rate it measured).")
    gen.add_argument("--seed", type=_seed, required=True, help="the habitat's seed (same arguments, same file)")
    gen.add_argument("--modules", type=int, default=DEFAULT_MODULES, choices=range(MIN_MODULES, MAX_MODULES + 1),
                     metavar="K", help=f"modules in the habitat ({MIN_MODULES}-{MAX_MODULES}, default {DEFAULT_MODULES})")
    gen.add_argument("--difficulty", choices=DIFFICULTIES, default="normal", help="target band of the autopilot's success rate")
    gen.add_argument("--workers", type=int, default=default_workers(), help="parallel runs while calibrating")
    gen.add_argument("-o", "--output", required=True, metavar="LEVEL.toml", help="file to write")
    training_cli.add_parsers(sub)
    add_net_parsers(sub)
    return parser


def cmd_validate(files: list[str]) -> int:
    failed = False
    for f in files:
        problems = validate_file(f)
        for p in problems:
            print(p)
        if any(not p.migrated for p in problems):  # a migrated v1 field is named, not a failure
            failed = True
        elif problems:
            print(f"{f}: ok (format v1, read as v2)")
        else:
            print(f"{f}: ok")
    return 1 if failed else 0


def _load(path: str):
    """The level, or None after printing why it cannot be used."""
    try:
        return load_level(path)
    except LevelError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return None


def cmd_sim(args: argparse.Namespace) -> int:
    level = _load(args.level)
    if level is None:
        return 1
    world = create_world(level, args.seed)
    if args.autopilot:
        world.submit(SetAutopilot(on=True))  # tick 0, in the command log: a replay re-runs it
    session = Session(world, args.level, record=bool(args.record), injects=args.injects)  # scores, records, injects
    if args.trace:
        if not _run_traced(world, args.until, args.trace, session.run_until, args.trace_every):
            return 1
    else:
        session.run_until(args.until)
    if args.record and not session.save(args.record):
        return 1
    score = session.score()
    summary = world_summary(world, args.level, score=score.to_dict())
    if args.json:
        print(json.dumps(summary, allow_nan=False))  # strict JSON: a NaN here is a bug to see, not to print
    else:
        print(f"{level.meta.name}: {summary['sim_time_s']:.1f} s simulated, seed {summary['seed']}, state {summary['state_hash']}")
        for c in summary["crew"]:
            print(f"  {c['name']:<18} {c['role']:<12} {c['status']:<12} {c['room'] or '-'}")
        print("\n".join(score.lines()))
    return 0


def _run_traced(world, until_s: float, out: str, run_until=None, every_s: float = 1.0) -> bool:
    """Run to `until_s`, writing a trace row set every `every_s` simulated seconds
    (every tick when that is a tick or less)."""


    if run_until is None:
        def run_until(t: float) -> None:
            plain_run_until(world, t)

    try:
        with atomic_writer(out) as f:
            writer = csv.writer(f)
            writer.writerow(TRACE_HEADER)
            ticks = max(1, round(every_s / TICK_S))  # whole ticks, so times do not drift
            k = 0
            while True:
                run_until(min(k * ticks * TICK_S, until_s))
                writer.writerows(trace_rows(world))
                if k * ticks * TICK_S >= until_s - 1e-9:
                    break
                k += 1
    except OSError as exc:
        print(f"{out}: cannot write the trace: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def cmd_generate(args: argparse.Namespace) -> int:
    """Calibrate, with a progress bar per step, and write the level with its figures on top."""
    bar: list[Progress] = []

    def on_run() -> None:
        if not bar:
            bar.append(Progress(RUNS_PER_STEP))
        elif bar[-1].done == bar[-1].total:  # the confidence rule asked for more runs of this step
            bar[-1].total += RUNS_PER_STEP
        bar[-1].tick()

    def on_step(step) -> None:
        bar.clear()
        print(f"severity {step.severity:.3f}: autopilot succeeded in {step.won}/{step.runs}", file=sys.stderr)

    cal = calibrate(args.seed, args.difficulty, args.modules, workers=args.workers, on_run=on_run, on_step=on_step)
    try:
        write_atomic(args.output, figures_comment(cal) + level_to_toml(cal.level))
    except OSError as exc:
        print(f"{args.output}: cannot write the level: {exc.strerror or exc}", file=sys.stderr)
        return 1
    lo, hi = BANDS[cal.difficulty]
    print(f"{args.output}: {cal.difficulty}, autopilot succeeded in {cal.chosen.won}/{cal.chosen.runs} = {cal.rate:.0%} "
          f"(band {lo:.0%}-{hi:.0%}{'' if cal.in_band else ', NOT reached'})")
    return 0 if cal.in_band else 2


def cmd_play(args: argparse.Namespace) -> int:
    level = _load(args.level)
    if level is None:
        return 1

    if args.screenshot:
        return screenshot(level, args.level, args.seed, args.at, args.screenshot, args.size, args.ui_scale)
    if args.record or args.instructor:
        return run_app(start_level=args.level, seed=args.seed, first_state=exercise_state(level, args))
    return run_app(start_level=args.level, seed=args.seed)


def main(argv: list[str] | None = None) -> int:
    collector.tune()
    args = build_parser().parse_args(argv)
    try:
        if args.command == "validate":
            return cmd_validate(args.files)
        if args.command == "sim":
            return cmd_sim(args)
        if args.command == "play":
            return cmd_play(args)
        if args.command == "edit":
            return cmd_edit(args)
        if args.command == "convert":
            return cmd_convert(args)
        if args.command == "replay":
            return cmd_replay(args)
        if args.command == "report":
            return cmd_report(args)
        if args.command == "host":
            return cmd_host(args)
        if args.command == "join":
            return cmd_join(args)
        if args.command == "generate":
            return cmd_generate(args)
        if args.command == "batch":
            return training_cli.cmd_batch(args, _load)

        return run_app()
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # `python -m game.cli` too, not only `python -m game` and main.py
    sys.exit(main())
