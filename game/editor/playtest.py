"""Playtest: the game's own play scene on a copy of the level being edited.

Esc (or F5) goes back to the very editor it came from: same level, undo
history, selection, tool and camera.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game.sim.world import World
from game.view import palette as P
from game.view.fonts import TEXT
from game.view.hud import TOP_BAR_H
from game.view.scenes.base import Context, State
from game.view.scenes.play import PlayState

if TYPE_CHECKING:
    from game.editor.scene import EditorState  # the editor imports this module to start a playtest

BANNER = "PLAYTEST  -  Esc returns to the editor"


class PlaytestState(PlayState):
    """Plays a world built from the editor's level; never touches the editor's model."""

    def __init__(self, ctx: Context, world: World, editor: EditorState) -> None:
        super().__init__(ctx, world, str(editor.model.path or ""))
        self.editor = editor
        self._back = False

    def handle_event(self, event: pygame.event.Event) -> State | None:
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_F5):
            return self.editor
        return super().handle_event(event)

    def veto_quit(self) -> bool:
        """Closing the window mid-playtest goes back to the editor to ask about unsaved work."""
        if self.editor.model.dirty:
            self.editor.quit_after_confirm = True
            self._back = True
            return True
        return False

    def update(self, dt: float) -> State | None:
        if self._back:
            return self.editor
        return super().update(dt)

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        t = TEXT.render(BANNER, 14, (20, 16, 12), "bold")
        r = t.get_rect(midtop=(surface.get_width() // 2, TOP_BAR_H + 6)).inflate(18, 8)
        pygame.draw.rect(surface, P.ACCENT, r, border_radius=5)
        surface.blit(t, t.get_rect(center=r.center))
