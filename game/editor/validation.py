"""The editor's live validation: the level checked on a worker thread as the
designer works, and where on the map (and in which tab) each problem points.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Callable

from game.editor import edits
from game.editor.panels import KIND_WORD
from game.levelio.load import parse_level
from game.levelio.problems import Problem
from game.levelio.save import level_to_toml
from game.levelio.validate import check_level
from game.sim.level import Level

_CELL_RE = re.compile(r"(-?\d+),(-?\d+)")


class Job:
    """A function of the level run on a worker thread; the newest request wins."""

    def __init__(self, fn: Callable[[Level], Any]) -> None:
        self.fn = fn
        self.revision = -1
        self.result: Any = None
        self._thread: threading.Thread | None = None

    def start(self, level: Level, revision: int) -> None:
        def run() -> None:
            out = self.fn(level)
            self.result, self.revision = out, revision

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()


def validate(level: Level) -> tuple[list[Problem], Any]:
    text = level_to_toml(level)
    parsed, problems, index = parse_level(text, "level")
    if parsed is not None:
        problems += check_level(parsed, index, "level")
    return sorted(problems, key=lambda p: p.line), index


def problem_target(level: Level, problem: Problem, index) -> tuple[tuple[int, int] | None, tuple[str, int] | None, str]:
    """Where a problem is on the map, which thing it is about, and which tab shows it."""
    ref = None
    best: tuple = ()
    for path, line in index.lines.items():
        if line == problem.line and len(path) > len(best):
            best = path
    if len(best) >= 2 and isinstance(best[1], int) and best[0] in KIND_WORD:
        table, i = best[0], best[1]
        if i < len(getattr(level, table)):
            ref = (table, i)
    cell = None
    m = _CELL_RE.search(problem.message)
    if m:
        cell = (int(m.group(1)), int(m.group(2)))
    elif ref is not None:
        cell = edits.where(getattr(level, ref[0])[ref[1]])
    tab = "things"
    if ref and ref[0] == "events":
        tab = "timeline"
    elif ref and ref[0] == "objectives":
        tab = "goals"
    elif best and best[0] in ("meta", "life_support", "format_version"):
        tab = "level"
    return cell, ref, tab
