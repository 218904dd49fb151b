"""`python main.py edit` and `python main.py convert`: thin entry points."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SUFFIXES = (".toml", ".tmj", ".json")


def cmd_edit(args: argparse.Namespace) -> int:
    """Open the editor on a level (broken ones too), a new file, or a new W x H level."""
    path = args.level
    new_size = tuple(args.new) if args.new else None
    if new_size is not None and not all(3 <= n <= 1000 for n in new_size):
        print("edit --new: W and H must be 3 to 1000 cells", file=sys.stderr)
        return 2
    if path is not None and Path(path).suffix.lower() not in SUFFIXES:
        print(f"{path}: the editor opens .toml levels or Tiled .tmj maps", file=sys.stderr)
        return 2
    if path is not None and new_size is None and not Path(path).exists():
        new_size = (40, 24)  # a new file: it is created on the first save
    if path is not None and new_size is None:
        from game.editor.model import load_for_editing

        try:
            load_for_editing(path)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 1
    from game.app import run_app
    from game.editor.scene import EditorState

    return run_app(first_state=lambda ctx: EditorState.open(ctx, path, new_size))


def cmd_convert(args: argparse.Namespace) -> int:
    """Convert IN to OUT by their suffixes; print what the validator says of the result."""
    from game.editor.model import validate_level
    from game.editor.model import load_for_editing
    from game.levelio.tiled import write_any

    src, dst = Path(args.input), Path(args.output)
    for p in (src, dst):
        if p.suffix.lower() not in SUFFIXES:
            print(f"{p}: convert reads and writes .toml levels and Tiled .tmj maps", file=sys.stderr)
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
