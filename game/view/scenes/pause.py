"""The pause menu: the frozen play frame behind a dimmed veil, and what to do next."""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.core import ObjectID

from game.sim.words import live_clock
from game.view import palette as P
from game.view import ui
from game.view.scenes.base import EXITS, Context, Quit, State
from game.view.scenes.settings_menu import SettingsState
from game.view.ui import px

BUTTONS = (
    ("resume", "Resume"),
    ("settings", "Settings"),
    ("restart", "Restart level"),
    ("end", "End exercise and debrief"),
    ("menu", "Quit to main menu"),
    ("quit", "Quit game"),
)


class PauseState(State):
    """Shown over a paused PlayState; Esc or Resume goes back to it as it was."""

    def __init__(self, ctx: Context, play, frame: pygame.Surface | None = None) -> None:
        super().__init__(ctx)
        self.play = play
        self.buttons: dict[str, pygame_gui.elements.UIButton] = {}
        self.panel: pygame_gui.elements.UIPanel | None = None
        self._frame = self._veiled(frame) if frame is not None else None
        self.was_paused = play.paused

    @staticmethod
    def _veiled(frame: pygame.Surface) -> pygame.Surface:
        frame = frame.copy()
        veil = pygame.Surface(frame.get_size(), pygame.SRCALPHA)
        veil.fill((4, 6, 10, 170))
        frame.blit(veil, (0, 0))
        return frame

    def _rect(self) -> pygame.Rect:
        w, h = px(340), px(64) + len(BUTTONS) * px(50)
        r = pygame.Rect(0, 0, w, h)
        r.center = (self.ctx.size[0] // 2, self.ctx.size[1] // 2)
        return r

    def enter(self) -> None:
        self.play.paused = True
        self.play.director.stop()
        m = self.ctx.manager
        rect = self._rect()
        self.panel = pygame_gui.elements.UIPanel(rect, starting_height=3, manager=m,
                                                 object_id=ObjectID(object_id="#pause_panel"))
        y = px(56)
        for key, label in BUTTONS:
            oid = ObjectID(class_id="@big_button", object_id="#play_button" if key == "resume" else f"#pause_{key}")
            self.buttons[key] = pygame_gui.elements.UIButton(
                pygame.Rect(px(24), y, rect.w - px(52), px(40)), label, m, container=self.panel, object_id=oid
            )
            y += px(50)

    def leave(self) -> None:
        if self.panel is not None:
            self.panel.kill()
            self.panel = None
        self.buttons = {}

    def resize(self, size: tuple[int, int]) -> None:
        super().resize(size)
        self.play.ctx.size = size
        self.play.resize(size)
        self.play.leave()  # the play scene's own widgets stay down while paused
        self.leave()
        self._frame = None
        self.enter()

    def _resume(self) -> State:
        self.play.paused = self.was_paused
        if self.play.banner is not None and self.play.banner[0].startswith("AUTO-PAUSED"):
            self.play.paused = True
        return self.play

    def choose(self, key: str) -> State | None:
        self.ctx.sound.play("click")
        if key == "resume":
            return self._resume()
        if key == "settings":
            return SettingsState(self.ctx, back=self)
        if key == "restart":
            return self.play.restart()
        if key == "end":
            return self.play.end("abandoned")
        if key == "menu":
            return EXITS.menu(self.ctx, selected=self.play.level_path or None)
        if key == "quit":
            return Quit(self.ctx)
        return None

    def handle_event(self, event: pygame.event.Event) -> State | None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            for key, b in self.buttons.items():
                if event.ui_element is b:
                    return self.choose(key)
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            return self._resume()
        return None

    def update(self, dt: float) -> State | None:
        return None

    def draw(self, surface: pygame.Surface) -> None:
        if self._frame is None or self._frame.get_size() != surface.get_size():
            # after a resize: the play frame redrawn (its widgets are down while paused)
            frame = pygame.Surface(surface.get_size())
            manager_draw = self.ctx.manager.draw_ui
            self.ctx.manager.draw_ui = lambda s: None  # without the pause panel baked into it
            try:
                self.play.draw(frame)
            finally:
                self.ctx.manager.draw_ui = manager_draw
            self._frame = self._veiled(frame)
        surface.blit(self._frame, (0, 0))
        rect = self._rect()
        ui.text(surface, "PAUSED", (rect.centerx, rect.y - px(12)), 30, P.ACCENT, "bold", anchor="midbottom", shadow=True)
        self.ctx.manager.draw_ui(surface)
        if self.panel is not None:
            ui.text(surface, self.play.world.level.meta.name, (rect.x + px(24), rect.y + px(18)), 15, P.TEXT, "bold")
            w = self.play.world
            ui.text(surface, live_clock(w.time_s, w.breach_time_s), (rect.right - px(24), rect.y + px(18)), 15,
                    P.CLOCK_TEXT, "mono", anchor="topright")
