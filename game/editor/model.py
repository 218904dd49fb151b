"""The editor's document: one level, its undo and redo stacks, its file and
its autosave. No pygame here, so every edit can be tested headless.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from game.atomicfile import write_atomic
from game.editor.commands import Command
from game.levelio.load import parse_level, read_text
from game.levelio.locate import LineIndex
from game.levelio.problems import Problem
from game.levelio.save import level_to_toml
from game.levelio.tiled import TILED_SUFFIXES, TiledError, load_tiled
from game.levelio.validate import check_level
from game.sim.level import Level, Meta
from game.sim.tiles import DEFAULT_LEGEND

AUTOSAVE_ENV = "BREACH_PROTOCOL_AUTOSAVE_DIR"
APP_NAME = "breach-protocol"
UNDO_LIMIT = 500
AUTOSAVE_HINT_CHARS = 40  # characters of the level's name in its autosave's: under 255 bytes with the digest


def autosave_dir() -> Path:
    """Where recovery files live: $BREACH_PROTOCOL_AUTOSAVE_DIR, else the user data dir."""
    env = os.environ.get(AUTOSAVE_ENV)
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "autosave"


def autosave_path(level_path: str | Path | None) -> Path:
    """The recovery file for a level file (one per absolute path; one for untitled)."""
    if level_path is None:
        return autosave_dir() / "untitled.toml.autosave"
    p = Path(level_path).resolve()
    # The path's own bytes (os.fsencode keeps a name that is not UTF-8) pick the file;
    # the stem is only a readable hint, cut to safe characters and a length any
    # file system takes beside the digest.
    digest = hashlib.blake2b(os.fsencode(p), digest_size=6).hexdigest()
    hint = re.sub(r"[^\w .-]+", "_", p.stem)[:AUTOSAVE_HINT_CHARS]
    return autosave_dir() / f"{hint}-{digest}.toml.autosave"


def blank_level(width: int, height: int, name: str = "New level") -> Level:
    """A hull box of `width` x `height` cells with floor inside, ready to draw on."""
    width, height = max(3, int(width)), max(3, int(height))
    rows = ["H" * width]
    rows += ["H" + "." * (width - 2) + "H" for _ in range(height - 2)]
    rows.append("H" * width)
    return Level(meta=Meta(name=name), rows=tuple(rows), legend=dict(DEFAULT_LEGEND))


def validate_level(level: Level, file: str = "<editor>") -> list[Problem]:
    """Exactly what `python main.py validate` would say about this level once saved."""
    text = level_to_toml(level)
    parsed, problems, index = parse_level(text, file)
    if parsed is not None:
        problems += check_level(parsed, index, file)
    return sorted(problems, key=lambda p: p.line)


def problem_index(level: Level) -> LineIndex:
    """The line index of the level's saved text, to find what a problem's line names."""
    return LineIndex(level_to_toml(level))


@dataclass
class EditorModel:
    """A level being edited. Every change goes through `do`, so it can be undone."""

    level: Level
    path: Path | None = None
    undo_stack: list[Command] = field(default_factory=list)
    redo_stack: list[Command] = field(default_factory=list)
    revision: int = 0  # bumps on every change, so views know to refresh
    _saved: Level | None = None
    _autosaved_revision: int = -1

    def __post_init__(self) -> None:
        if self.path is not None:
            self.path = Path(self.path)
        if self._saved is None:
            self._saved = self.level if self.path is not None else None

    # ----------------------------------------------------------------- edits
    def do(self, command: Command) -> None:
        """Apply a command, making it the next one to undo."""
        before = self.level
        self.level = command.do(self.level)
        if self.level is before:
            return  # nothing changed (a click outside the map): nothing to undo
        self.undo_stack.append(command)
        del self.undo_stack[:-UNDO_LIMIT]
        self.redo_stack.clear()
        self.revision += 1

    def undo(self) -> Command | None:
        if not self.undo_stack:
            return None
        command = self.undo_stack.pop()
        self.level = command.undo(self.level)
        self.redo_stack.append(command)
        self.revision += 1
        return command

    def redo(self) -> Command | None:
        if not self.redo_stack:
            return None
        command = self.redo_stack.pop()
        self.level = command.do(self.level)
        self.undo_stack.append(command)
        self.revision += 1
        return command

    def replace_level(self, level: Level, path: str | Path | None) -> None:
        """Start over on another level (open, new, recover); history is cleared."""
        self.level = level
        self.path = Path(path) if path is not None else None
        self.undo_stack.clear()
        self.redo_stack.clear()
        self._saved = level if path is not None else None
        self.revision += 1

    # ------------------------------------------------------------------ files
    @property
    def dirty(self) -> bool:
        """True when the level differs from the file it came from (or was never saved)."""
        if self._saved is None:
            return bool(self.undo_stack) or self.path is None and self.revision > 0
        return self.level is not self._saved and self.level != self._saved

    @property
    def title(self) -> str:
        return self.path.name if self.path else "untitled"

    def save(self, path: str | Path | None = None) -> Path:
        """Write the level atomically; drop the autosave, which is no longer needed."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("the level has no file yet: save it as")
        old_autosave = autosave_path(self.path)
        write_atomic(target, level_to_toml(self.level))
        self.path = target
        self._saved = self.level
        for f in {old_autosave, autosave_path(target)}:
            try:
                f.unlink()
            except OSError:
                pass
        return target

    def autosave(self) -> Path | None:
        """Write the recovery file if there are unsaved changes since the last one."""
        if self._autosaved_revision == self.revision or not self.dirty:
            return None
        target = autosave_path(self.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        # ascii() keeps the comment one line of plain text whatever the path holds
        # (a newline or a control character in it made the file unreadable TOML).
        origin = ascii(str(self.path.resolve())) if self.path else "untitled"
        write_atomic(target, f"# Breach Protocol editor autosave of {origin}\n" + level_to_toml(self.level))
        self._autosaved_revision = self.revision
        return target

    def discard_autosave(self) -> None:
        try:
            autosave_path(self.path).unlink()
        except OSError:
            pass


def find_recovery(level_path: str | Path | None) -> Level | None:
    """The autosaved level left by a session that did not end cleanly, if any.

    Only offered when it is newer than the level file and says something else.
    """
    f = autosave_path(level_path)
    if not f.is_file():
        return None
    if level_path is not None and Path(level_path).is_file():
        if f.stat().st_mtime < Path(level_path).stat().st_mtime:
            return None
    try:
        level, _, _ = parse_level(f.read_text(encoding="utf-8"), str(f))
    except OSError:
        return None
    return level


def load_for_editing(path: str | Path) -> Level:
    """A level to edit: problems are fine (the panel lists them), unreadable is not."""
    p = Path(path)
    if p.suffix.lower() in TILED_SUFFIXES:
        try:
            return load_tiled(p)
        except TiledError as exc:
            raise ValueError(str(exc)) from None
    text, problems = read_text(p)
    if text is None:
        raise ValueError("\n".join(str(x) for x in problems))
    level, problems, _ = parse_level(text, str(p))
    if level is None:
        raise ValueError("\n".join(str(x) for x in problems))
    return level
