"""Problems found in a level file, each tied to a line a designer can find."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    migrated: bool = False  # not a fault: a v1 field read as its v2 form (validate names it; the file loads)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class LevelError(Exception):
    """A level could not be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class TiledError(Exception):
    """A Tiled map that cannot become a level; the message names the file and says why."""
