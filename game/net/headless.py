"""`host` and `join` without a window: exercises on servers and in tests.

A headless host starts once every seat is taken; with `--until` host and
peers stop there and each prints one JSON object (seat, tick, state hash,
and whether every peer's final hash agreed).
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
from dataclasses import dataclass

from game.net.client import Client
from game.net.driver import Driver, ScriptError, ScriptLine, load_script, run_headless
from game.net.host import Host
from game.net.protocol import DEFAULT_DELAY_TICKS
from game.net.seats import Seat, SeatError, SeatKind, parse_seats, seat_by_name
from game.sim.level import Level
from game.sim.world import TICK_S

DEFAULT_PORT = 7457
WALL_LIMIT_S = 6 * 3600.0  # a headless run that never ends still stops


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value < WALL_LIMIT_S:
        raise argparse.ArgumentTypeError(f"{text!r} must be zero or more seconds, under six hours")
    return value


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass
class HostPlan:
    """A host's command line turned into what it needs, or the reason it cannot run."""

    seats: list[Seat]
    host_seat: Seat
    token: str
    until_tick: int
    script: list[ScriptLine]


def plan_host(args: argparse.Namespace, level: Level) -> HostPlan:
    """Raises SeatError or ScriptError with a message for the user."""
    seats = parse_seats(args.seats, level, instructor=args.instructor)
    if args.seat:
        host_seat = seat_by_name(seats, args.seat)
        if host_seat is None:
            raise SeatError(f"the host's seat {args.seat!r} is not one of the seats")
    else:
        host_seat = next((s for s in seats if s.kind is SeatKind.INSTRUCTOR), Seat("host", SeatKind.OBSERVER))
    token = args.token or secrets.token_urlsafe(9)
    if not args.token:
        say(f"token: {token}")
    until_s = args.until if args.until is not None else level.meta.time_limit_s
    script = load_script(args.script) if args.script else []
    return HostPlan(seats, host_seat, token, round(until_s / TICK_S), script)


def open_host(args: argparse.Namespace, level: Level, plan: HostPlan, autostart: bool) -> Host:
    host = Host(level, args.seed if args.seed is not None else level.meta.seed, plan.seats, plan.token,
                plan.host_seat, plan.until_tick, delay_ticks=args.delay, autostart=autostart)
    port = host.listen(args.bind, args.port)
    say(f"listening on {args.bind}:{port}")
    others = [s.name for s in plan.seats if s != plan.host_seat]
    for name in others:
        say(f"  join with: python main.py join {args.bind}:{port} --seat {name} --token {plan.token}")
    return host


def host_headless(args: argparse.Namespace, level: Level) -> int:
    try:
        plan = plan_host(args, level)
    except (SeatError, ScriptError) as exc:
        say(str(exc))
        return 2
    try:
        host = open_host(args, level, plan, autostart=True)
    except OSError as exc:
        say(f"cannot listen on {args.bind}:{args.port}: {exc.strerror or exc}")
        return 1
    driver = Driver(host.local, plan.until_tick, plan.script, level_path=args.level)
    try:
        run_headless(driver, WALL_LIMIT_S, pace=args.pace)
    finally:
        host.close()
    return finish(driver, args.record)


def join_headless(args: argparse.Namespace) -> int:
    try:
        script = load_script(args.script) if args.script else []
    except ScriptError as exc:
        say(str(exc))
        return 2
    client = Client(args.address, args.seat, args.token, latency_s=args.latency_ms / 1000.0)
    until = round(args.until / TICK_S) if args.until is not None else None
    driver = Driver(client.connect(), until, script)
    try:
        run_headless(driver, WALL_LIMIT_S)
        time.sleep(0.05)  # let the last message out before the socket closes
    finally:
        client.close()
    return finish(driver, args.record)


def finish(driver: Driver, record: str | None) -> int:
    """Print the one JSON object, write the record if asked; the exit code says how it ended."""
    print(json.dumps(driver.summary()), flush=True)
    if driver.error:
        say(driver.error)
    if record and driver.follower is not None:
        try:
            driver.follower.replay().save(record)
        except OSError as exc:
            say(f"{record}: cannot write the record: {exc.strerror or exc}")
            return 1
    if driver.error:
        return 3 if "DIVERGES" in driver.error else 1
    return 0 if driver.end is not None and driver.end.get("agree") else 3


def add_options(host: argparse.ArgumentParser, join: argparse.ArgumentParser) -> None:
    """The options `host` and `join` take (the window's and the headless run's alike)."""
    host.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT}; 0: any)")
    host.add_argument("--bind", default="127.0.0.1", metavar="ADDRESS",
                      help="address to listen on (default 127.0.0.1: this machine only)")
    host.add_argument("--seats", default="coordinator,lead:Alexis,lead:Hassan",
                      help="seats: coordinator, lead:NAME (team: lead:NAME+NAME...), instructor")
    host.add_argument("--instructor", action="store_true", help="add an instructor seat (the host's, unless --seat)")
    host.add_argument("--seat", default=None, help="the seat the host plays (default: the instructor's, or none)")
    host.add_argument("--token", default=None, help="the token peers join with (default: a fresh one, printed)")
    host.add_argument("--seed", type=int, default=None, help="random seed (default: the level's)")
    host.add_argument("--delay", type=int, default=DEFAULT_DELAY_TICKS, choices=range(1, 31), metavar="TICKS",
                      help=f"input delay in ticks (default {DEFAULT_DELAY_TICKS})")
    host.add_argument("--pace", type=_seconds, default=None, metavar="X",
                      help="headless: simulated seconds per real second (default: as fast as the peers go)")
    join.add_argument("address", metavar="HOST:PORT")
    join.add_argument("--seat", required=True, help="the seat to take (coordinator, instructor, a lead's name)")
    join.add_argument("--token", required=True, help="the host's token")
    join.add_argument("--latency-ms", type=float, default=0.0, help=argparse.SUPPRESS)  # tests: a slow link
    for p in (host, join):
        p.add_argument("--headless", action="store_true", help="no window; orders from --script")
        p.add_argument("--script", metavar="FILE", help="the seat's orders: JSON list of {at_s, command | say}")
        p.add_argument("--until", type=_seconds, default=None, metavar="SECONDS",
                       help="stop at this simulated time and print one JSON object")
        p.add_argument("--record", metavar="OUT.json", help="write the exercise as a replay")
