"""The training subcommands of `main.py`: replay, report and batch.

`game.cli` adds these parsers and calls these functions; each turns bad input
into a message and an exit code, never a traceback. The parts that open a
window or draw the map (watching a replay, the report's snapshots) are the
app's: game.training_app.
"""

from __future__ import annotations

import argparse
import sys

from game.sim.limits import seed_problem
from collections.abc import Callable

from game import __version__
from game.atomicfile import atomic_writer
from game.sim.level import Level
from game.training.batch import Progress, default_workers, run_batch, summary, write_csv
from game.training.cluster import ClusterError
from game.training.replay import Replay, ReplayError, load_replay, verify


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be more than zero seconds")
    return value


def add_parsers(sub) -> None:
    rp = sub.add_parser(
        "replay",
        help="play back a recorded run, or verify it",
        description="Play a replay back in the window (pause, speed, seek, jump to events, take over), "
        "or with --verify re-simulate it headless and check every recorded state hash.",
    )
    rp.add_argument("file", metavar="FILE", help="replay file written with --record")
    rp.add_argument(
        "--verify",
        action="store_true",
        help="re-simulate headless; exit 0 if every hash matches, 1 at the first divergence",
    )
    rp.add_argument(
        "--level", metavar="LEVEL", help="use this level file (it must be the version the run was recorded on)"
    )

    rep = sub.add_parser(
        "report",
        help="write an after-action report from a replay",
        description="Write one self-contained HTML page: score, timeline, charts, map snapshots, and the autopilot on the same seed.",
    )
    rep.add_argument("file", metavar="REPLAY", help="replay file")
    rep.add_argument(
        "-o", "--out", default="report.html", metavar="OUT.html", help="where to write the page (default report.html)"
    )
    rep.add_argument("--level", metavar="LEVEL", help="use this level file (it must match the replay)")
    rep.add_argument("--no-snapshots", action="store_true", help="leave out the map snapshots (faster)")
    rep.add_argument("--no-compare", action="store_true", help="do not run the autopilot on the same seed")

    b = sub.add_parser(
        "batch",
        help="run the autopilot over many seeds and summarise",
        description="Run a level unattended (the autopilot in charge) over many seeds in parallel, "
        "write one CSV row per seed and print a summary.",
    )
    b.add_argument("level", help="level file")
    b.add_argument("--runs", type=_count, default=20, metavar="N", help="number of seeds (default 20)")
    b.add_argument("--first-seed", type=int, default=1, metavar="S", help="seeds are S, S+1, ... (default 1)")
    b.add_argument(
        "--workers", type=_count, default=None, metavar="W", help="worker processes (default: up to 4, one per core)"
    )
    b.add_argument(
        "--until",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="simulated seconds per run (default: the level's time limit)",
    )
    b.add_argument("--out", metavar="results.csv", help="write one row per seed")
    b.add_argument(
        "--no-orders", action="store_true",
        help="nobody gives orders (no autopilot): the baseline a scenario must clearly beat",
    )
    b.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run on this Dask distributed scheduler (tcp://host:8786) instead of local processes",
    )


def add_record_options(p: argparse.ArgumentParser, play: bool) -> None:
    p.add_argument("--record", metavar="FILE", help="save a replay of the run to FILE (JSON)")
    if play:
        p.add_argument(
            "--instructor", action="store_true", help="run as an exercise with the instructor's inject console"
        )
    else:
        p.add_argument("--injects", action="store_true", help="fire the level's planned instructor injects on schedule")


def load_replay_or_say(file: str, level: str | None) -> Replay | None:
    """The replay, or None after printing why it cannot be read."""
    try:
        return load_replay(file, level)
    except ReplayError as exc:
        print(exc, file=sys.stderr)
        return None


def cmd_verify(args: argparse.Namespace, rep: Replay) -> int:
    """Re-simulate the replay headless; 0 if every recorded hash matches."""
    if rep.game_version != __version__:
        print(
            f"{args.file}: note: recorded with game version {rep.game_version or '?'}, this is {__version__}",
            file=sys.stderr,
        )
    result = verify(rep)
    print(result.message(args.file))
    return 0 if result.ok else 1


def cmd_batch(args: argparse.Namespace, load: Callable[[str], Level | None]) -> int:
    level = load(args.level)
    if level is None:
        return 1
    until = args.until if args.until is not None else level.meta.time_limit_s
    seeds = range(args.first_seed, args.first_seed + args.runs)
    why = seed_problem(seeds[0]) or seed_problem(seeds[-1])
    if why is not None:
        print(f"batch --first-seed {args.first_seed} --runs {args.runs}: {why}", file=sys.stderr)
        return 2
    workers = args.workers or default_workers()
    where = f"Dask cluster {args.cluster}" if args.cluster else f"{workers} worker process{'es' if workers > 1 else ''}"
    print(f"{level.meta.name}: {args.runs} runs of {until:g} s on {where}", file=sys.stderr)
    bar = Progress(args.runs)
    try:
        rows = run_batch(level, seeds, until, workers=workers, cluster=args.cluster, autopilot=not args.no_orders,
                         on_done=bar.tick)
    except ClusterError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.out:
        try:
            with atomic_writer(args.out) as f:
                write_csv(rows, f)
        except OSError as exc:
            print(f"{args.out}: cannot write the results: {exc.strerror or exc}", file=sys.stderr)
            return 1
    print(summary(rows, level.meta.name, until))
    if args.out:
        print(f"{len(rows)} rows written to {args.out}")
    return 0
