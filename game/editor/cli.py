"""`python main.py convert`: a thin entry point (`edit`, which opens the window, is game.editor_app)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.editor.model import load_for_editing, validate_level
from game.levelio.tiled import TILED_SUFFIXES, write_any

SUFFIXES = (".toml", *TILED_SUFFIXES)  # a level, or a Tiled map as Tiled saves it


def cmd_convert(args: argparse.Namespace) -> int:
    """Convert IN to OUT by their suffixes; print what the validator says of the result."""
    src, dst = Path(args.input), Path(args.output)
    for p in (src, dst):
        if p.suffix.lower() not in SUFFIXES:
            print(f"{p}: convert reads and writes .toml levels and Tiled .tmx/.tmj maps", file=sys.stderr)
            return 2
    try:
        level = load_for_editing(src)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        write_any(level, dst)
    except OSError as exc:
        print(f"{dst}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return 1
    problems = validate_level(level, str(dst))
    for p in problems:
        print(f"warning: {p.message}", file=sys.stderr)
    print(f"{src} -> {dst}: {level.meta.name}, {level.width} x {level.height} cells"
          + (f", {len(problems)} problem(s) to fix before it can be played" if problems else ""))
    return 0
