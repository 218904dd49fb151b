"""Edit commands: the only way the editor changes a level.

A level is frozen, so a command maps one `Level` to the next. `do` remembers
what it replaced, and `undo` puts exactly that back, so any run of edits
undone returns the level it started from, equal field for field. Commands
name what they touch by table name and index, never by Python reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from game.sim.level import Level

# The level's tables of things; every one is a tuple of frozen defs.
TABLES = ("rooms", "modules", "hull_sections", "doors", "crew", "lockers", "airlocks", "events", "objectives", "injects")
# Whole values a command may swap in one go.
VALUES = ("meta", "life_support", "legend")

CellChange = tuple[int, int, str]  # x, y, map character


class Command(Protocol):
    label: str

    def do(self, level: Level) -> Level: ...

    def undo(self, level: Level) -> Level: ...


def vacuum_char(level: Level) -> str:
    """The character the level's legend uses for vacuum (a space if it has none)."""
    if level.legend.get(" ") == "vacuum":
        return " "
    return next((ch for ch, name in level.legend.items() if name == "vacuum"), " ")


@dataclass
class SetCells:
    """Put characters on map cells (brush, rectangle, fill and paste all end here).

    Cells outside the map are ignored; a short row is padded with vacuum first.
    """

    changes: tuple[CellChange, ...]
    label: str = "Paint"
    _old_rows: dict[int, str] = field(default_factory=dict, repr=False)

    def do(self, level: Level) -> Level:
        w, h = level.width, level.height
        pad = vacuum_char(level)
        rows = list(level.rows)
        edited: dict[int, list[str]] = {}
        for x, y, ch in self.changes:
            if not (0 <= x < w and 0 <= y < h) or len(ch) != 1:
                continue
            if y not in edited:
                edited[y] = list(rows[y].ljust(x + 1, pad))
            line = edited[y]
            if len(line) <= x:
                line.extend(pad * (x + 1 - len(line)))
            line[x] = ch
        self._old_rows = {y: rows[y] for y in edited}
        for y, line in edited.items():
            rows[y] = "".join(line)
        return replace(level, rows=tuple(rows)) if edited else level

    def undo(self, level: Level) -> Level:
        if not self._old_rows:
            return level
        rows = list(level.rows)
        for y, text in self._old_rows.items():
            rows[y] = text
        return replace(level, rows=tuple(rows))


@dataclass
class ResizeMap:
    """Grow or crop the map to `width` x `height` cells (new cells are vacuum)."""

    width: int
    height: int
    label: str = "Resize map"
    _old_rows: tuple[str, ...] = ()

    def do(self, level: Level) -> Level:
        self._old_rows = level.rows
        pad = vacuum_char(level)
        rows = [r[: self.width].ljust(self.width, pad) for r in level.rows[: self.height]]
        rows += [pad * self.width] * (self.height - len(rows))
        return replace(level, rows=tuple(rows))

    def undo(self, level: Level) -> Level:
        return replace(level, rows=self._old_rows)


@dataclass
class AddItem:
    """Add a def to one of the level's tables (at the end, or before `index`)."""

    table: str
    item: Any
    index: int | None = None
    label: str = "Add"
    _at: int = -1

    def do(self, level: Level) -> Level:
        items = list(getattr(level, self.table))
        self._at = len(items) if self.index is None else max(0, min(self.index, len(items)))
        items.insert(self._at, self.item)
        return replace(level, **{self.table: tuple(items)})

    def undo(self, level: Level) -> Level:
        items = list(getattr(level, self.table))
        del items[self._at]
        return replace(level, **{self.table: tuple(items)})


@dataclass
class RemoveItem:
    """Remove the def at `index` of a table."""

    table: str
    index: int
    label: str = "Delete"
    _old: Any = None

    def do(self, level: Level) -> Level:
        items = list(getattr(level, self.table))
        self._old = items.pop(self.index)
        return replace(level, **{self.table: tuple(items)})

    def undo(self, level: Level) -> Level:
        items = list(getattr(level, self.table))
        items.insert(self.index, self._old)
        return replace(level, **{self.table: tuple(items)})


@dataclass
class ReplaceItem:
    """Swap the def at `index` for a changed copy (move, configure, rename)."""

    table: str
    index: int
    item: Any
    label: str = "Change"
    _old: Any = None

    def do(self, level: Level) -> Level:
        items = list(getattr(level, self.table))
        self._old = items[self.index]
        items[self.index] = self.item
        return replace(level, **{self.table: tuple(items)})

    def undo(self, level: Level) -> Level:
        items = list(getattr(level, self.table))
        items[self.index] = self._old
        return replace(level, **{self.table: tuple(items)})


@dataclass
class SetValue:
    """Replace the level's meta, life support or legend as a whole."""

    name: str
    value: Any
    label: str = "Change"
    _old: Any = None

    def do(self, level: Level) -> Level:
        if self.name not in VALUES:
            raise ValueError(f"cannot set {self.name!r}")
        self._old = getattr(level, self.name)
        return replace(level, **{self.name: self.value})

    def undo(self, level: Level) -> Level:
        return replace(level, **{self.name: self._old})


@dataclass
class Compound:
    """Several commands that the user sees, and undoes, as one."""

    commands: list
    label: str = "Edit"

    def do(self, level: Level) -> Level:
        for c in self.commands:
            level = c.do(level)
        return level

    def undo(self, level: Level) -> Level:
        for c in reversed(self.commands):
            level = c.undo(level)
        return level


@dataclass
class SwapLevel:
    """Put a whole other level in place (restoring an autosave), undoably."""

    level: Level
    label: str = "Restore autosave"
    _old: Level | None = None

    def do(self, level: Level) -> Level:
        self._old = level
        return self.level

    def undo(self, level: Level) -> Level:
        assert self._old is not None
        return self._old
