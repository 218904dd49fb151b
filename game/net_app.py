"""`host` and `join`: a multi-seat exercise over the network, in a window or headless.

The lockstep core and the headless runs live in game.net; this module adds
the window: the lobby and each seat's view of the running exercise.
"""

from __future__ import annotations

import argparse

from game.levelio.load import load_level
from game.levelio.problems import LevelError
from game.net import headless


def add_parsers(sub: argparse._SubParsersAction) -> None:
    host = sub.add_parser("host", help="host a multi-seat exercise",
                          description="Host an exercise that coordinator, team leads and instructor join over the network.")
    host.add_argument("level", help="level file")
    join = sub.add_parser("join", help="join a multi-seat exercise",
                          description="Join an exercise hosted with `host`, in one of its seats.")
    headless.add_options(host, join)


def cmd_host(args: argparse.Namespace) -> int:
    try:
        level = load_level(args.level)
    except LevelError as exc:
        for p in exc.problems:
            headless.say(str(p))
        return 1
    if args.headless:
        return headless.host_headless(args, level)
    return headless.host_headless(args, level)


def cmd_join(args: argparse.Namespace) -> int:
    if args.headless:
        return headless.join_headless(args)
    return headless.join_headless(args)
