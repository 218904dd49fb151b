"""`python main.py edit`: the level editor in the game's window.

App-level (it opens the window through game.app), so the editor package itself
never imports the app.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.app import run_app
from game.editor.cli import SUFFIXES
from game.editor.model import load_for_editing
from game.editor.scene import EditorState


def cmd_edit(args: argparse.Namespace) -> int:
    """Open the editor on a level (broken ones too), a new file, or a new W x H level."""
    path = args.level
    new_size = tuple(args.new) if args.new else None
    if new_size is not None and not all(3 <= n <= 1000 for n in new_size):
        print("edit --new: W and H must be 3 to 1000 cells", file=sys.stderr)
        return 2
    if path is not None and Path(path).suffix.lower() not in SUFFIXES:
        print(f"{path}: the editor opens .toml levels or Tiled .tmx/.tmj maps", file=sys.stderr)
        return 2
    if path is not None and new_size is None and not Path(path).exists():
        new_size = (40, 24)  # a new file: it is created on the first save
    if path is not None and new_size is None:
        try:
            load_for_editing(path)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 1
    return run_app(first_state=lambda ctx: EditorState.open(ctx, path, new_size))
