"""The State protocol every scene follows, and what scenes share (the Context)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pygame
import pygame_gui


@dataclass
class Context:
    """What every scene may use: the UI manager, the window size, where levels live."""

    manager: pygame_gui.UIManager
    size: tuple[int, int]
    levels_dir: Path
    seed: int | None = None  # a seed given on the command line, else each level's own


class State:
    """A scene. `handle_event` and `update` return the next scene, or None to stay."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def enter(self) -> None:
        """Build this scene's UI; called when it becomes the current scene."""

    def leave(self) -> None:
        """Remove this scene's UI; called when another scene takes over."""

    def resize(self, size: tuple[int, int]) -> None:
        """The window changed size (the UI manager already knows)."""
        self.ctx.size = size

    def handle_event(self, event: pygame.event.Event) -> "State | None":
        return None

    def update(self, dt: float) -> "State | None":
        return None

    def draw(self, surface: pygame.Surface) -> None:
        pass


class Quit(State):
    """Returned by a scene to end the app."""

    def __init__(self, ctx: Context | None = None, code: int = 0) -> None:
        self.ctx = ctx  # type: ignore[assignment]
        self.code = code
