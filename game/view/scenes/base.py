"""The State protocol every scene follows, what scenes share (the Context), and the
scenes' way back up the import order (`EXITS`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pygame
import pygame_gui

from game.audio import Audio
from game.settings import Settings, save


@dataclass
class Context:
    """What every scene may use: the UI manager, the window size, where levels live,
    the player's settings and the sound."""

    manager: pygame_gui.UIManager
    size: tuple[int, int]
    levels_dir: Path
    seed: int | None = None  # a seed given on the command line, else each level's own
    settings: Settings = field(default_factory=Settings)
    audio: Audio | None = None  # None: silent
    settings_file: Path | None = None  # where settings are saved; None: the user's config dir
    notice: str | None = None  # a message for the player, shown by the next scene that can
    apply_settings: Callable[["Context"], None] | None = None  # the app re-applies display and UI scale

    @property
    def sound(self) -> Audio:
        if self.audio is None:
            self.audio = Audio(self.settings, enable=False)
        return self.audio

    def save_settings(self) -> str | None:
        """Write the settings; returns a message if that failed (the game goes on)."""
        try:
            save(self.settings, self.settings_file)
        except OSError as exc:
            return f"Settings could not be saved: {exc.strerror or exc}"
        return None


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

    def veto_quit(self) -> bool:
        """True to keep the window open when the player closes it (e.g. to ask about unsaved work)."""
        return False


class Quit(State):
    """Returned by a scene to end the app."""

    def __init__(self, ctx: Context | None = None, code: int = 0) -> None:
        self.ctx = ctx  # type: ignore[assignment]
        self.code = code


class Exits:
    """The scenes a scene goes back up to: the menu starts the play scene and the debrief
    restarts it, so the play, pause and settings scenes cannot import them in turn. The
    app, which imports every scene, says which classes these are (`game.app`)."""

    def __init__(self) -> None:
        self._menu: Callable[..., State] | None = None
        self._debrief: Callable[..., State] | None = None

    def set(self, menu: Callable[..., State], debrief: Callable[..., State]) -> None:
        self._menu, self._debrief = menu, debrief

    def menu(self, ctx: Context, selected: str | None = None) -> State:
        """The main menu, with the level at path `selected` chosen."""
        return self._need(self._menu, "menu")(ctx, selected=selected)

    def debrief(self, ctx: Context, world, level_path: str, debrief) -> State:
        """The debrief of a finished exercise."""
        return self._need(self._debrief, "debrief")(ctx, world, level_path, debrief)

    @staticmethod
    def _need(scene: Callable[..., State] | None, name: str) -> Callable[..., State]:
        if scene is None:
            raise RuntimeError(f"no {name} scene: import game.app, which sets the scenes' exits")
        return scene


EXITS = Exits()
