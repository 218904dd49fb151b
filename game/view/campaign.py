"""The campaign: which levels the menu offers, in what order, and what comes next.

Lessons first (each teaches one thing), then the scenarios from the smallest
to the story's night. A level file in the folder that the campaign does not
name (a designer's own) is listed after them; the benchmark station is left
out of the menu on purpose and stays playable from the command line
(`python main.py play levels/stress_station.toml`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from game.levelio.load import load_level
from game.levelio.problems import LevelError
from game.sim.level import Level

LESSONS = (
    "lesson1_move.toml",
    "lesson2_doors.toml",
    "lesson3_tools.toml",
    "lesson4_rescue.toml",
    "lesson5_life_support.toml",
    "lesson6_overlays.toml",
)
SCENARIOS = ("tutorial.toml", "two_modules.toml", "module4.toml")
NOT_IN_MENU = ("stress_station.toml",)  # a speed test, not a game: `python main.py play` opens it


@dataclass
class LevelEntry:
    """A level file and either its loaded level or why it could not be loaded."""

    path: Path
    level: Level | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.level is not None

    @property
    def title(self) -> str:
        return self.level.meta.name if self.level else self.path.name

    @property
    def is_lesson(self) -> bool:
        return self.path.name in LESSONS


def campaign_rank(name: str) -> tuple[int, int, str]:
    """Where a level file stands in the menu: lessons, then scenarios, then anything else by name."""
    if name in LESSONS:
        return (0, LESSONS.index(name), name)
    if name in SCENARIOS:
        return (1, SCENARIOS.index(name), name)
    return (2, 0, name.lower())


def discover_levels(levels_dir: Path) -> list[LevelEntry]:
    """Every *.toml in `levels_dir` except those kept out of the menu, loaded, in campaign order."""
    files = [f for f in Path(levels_dir).glob("*.toml") if f.name not in NOT_IN_MENU]
    files.sort(key=lambda p: campaign_rank(p.name))
    out: list[LevelEntry] = []
    for f in files:
        try:
            out.append(LevelEntry(f, load_level(f)))
        except LevelError as exc:
            out.append(LevelEntry(f, None, "\n".join(str(p) for p in exc.problems) or str(exc)))
        except Exception as exc:  # a loader bug must not take the menu down with it
            out.append(LevelEntry(f, None, f"{f}: could not be read ({type(exc).__name__}: {exc})"))
    return out


def next_level(levels_dir: Path, level_path: str | Path | None) -> Path | None:
    """The playable level after `level_path` in campaign order; None after the last or off the list."""
    if not level_path:
        return None
    here = Path(level_path).resolve()
    entries = [e for e in discover_levels(levels_dir) if e.ok]
    paths = [e.path.resolve() for e in entries]
    if here in paths:
        i = paths.index(here)
        if i + 1 < len(paths):
            return entries[i + 1].path
    return None
