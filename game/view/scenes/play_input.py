"""The play scene's input: mouse and keys become selections, camera moves and Commands.

`PlayInput` keeps what only input needs (the key map, the mouse, a drag box,
the last click for double-clicks) and calls the scene for everything that
changes the game: orders, the O2 feed, the autopilot, the clock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pygame
import pygame_gui

from game.settings import ACTIONS
from game.view import hud, overlays
from game.view.layers import person_at
from game.view.scenes.base import State

if TYPE_CHECKING:
    from game.view.scenes.play import PlayState

SPEED_OF = {"speed_1": 1, "speed_2": 2, "speed_3": 4}
PAN_SPEED_PX_S = 900.0
DRAG_PX = 5  # a press that moves less than this is a click, not a box
DOUBLE_CLICK_S = 0.35


def key_code(name: str) -> int | None:
    """pygame's key code for a key name from the settings (None for a name pygame does not know)."""
    try:
        return pygame.key.key_code(name)
    except (ValueError, pygame.error):
        return None


class PlayInput:
    """Turns the play scene's events into what they mean."""

    def __init__(self, play: "PlayState") -> None:
        self.play = play
        self.keymap: dict[int, str] = {}
        self.mouse = (-1, -1)
        self.panning = False
        self.press_at: tuple[int, int] | None = None  # left button down on the map
        self.box: pygame.Rect | None = None
        self._last_click: tuple[str, int, float] = ("", -1, -1.0)
        self.rebuild_keymap()

    def rebuild_keymap(self) -> None:
        """Key codes to actions from the player's bindings (the first action on a key wins)."""
        self.keymap = {}
        for action in ACTIONS:
            code = key_code(self.play.ctx.settings.key_for(action))
            if code is not None and code not in self.keymap:
                self.keymap[code] = action

    # ---------------------------------------------------------- where things are
    def over_panels(self, pos: tuple[int, int]) -> bool:
        """True where a panel covers the map (clicks there are not map clicks)."""
        play = self.play
        if play.lay.dock.collidepoint(pos) or pos[1] < hud.TOP_BAR_H:
            return True
        if any(r.collidepoint(pos) for r, _ in play.panels.hits if r.bottom <= play.lay.strip.bottom + 1):
            return True
        if play.menu is not None and play.menu.rect.collidepoint(pos):
            return True
        return False

    def panel_hit(self, pos: tuple[int, int]) -> int | None:
        """The person whose card or crew row is under `pos`."""
        for r, pid in self.play.panels.hits:
            if r.collidepoint(pos):
                return pid
        return None

    def map_cell(self, pos: tuple[int, int]) -> tuple[int, int]:
        wx, wy = self.play.camera.screen_to_world(*pos)
        return int(np.floor(wx)), int(np.floor(wy))

    # ------------------------------------------------------------------ events
    def handle_event(self, event: pygame.event.Event) -> State | None:
        play = self.play
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if play.menu is not None:
                order = play.menu.order_for(event.ui_element)
                if order is not None:
                    play.choose(order)
                    return None
            for key, b in play.panels.feed_buttons.items():
                if event.ui_element is b:
                    play.feed_button(key)
                    return None
            return None
        if event.type == pygame.KEYDOWN:
            return self.key(event)
        if event.type == pygame.MOUSEWHEEL:
            pos = pygame.mouse.get_pos() if self.mouse == (-1, -1) else self.mouse
            if play.lay.crew is not None and play.lay.crew.collidepoint(pos):
                play.panels.crew_panel.on_wheel(play.lay.crew, event.y)
            elif play.lay.comms is not None and play.lay.comms.collidepoint(pos):
                play.comms.on_wheel(event.y)
            elif event.y and not self.over_panels(pos):
                play.camera.zoom_step(1 if event.y > 0 else -1, pos)
            return None
        if event.type == pygame.MOUSEMOTION:
            self.mouse = event.pos
            if self.panning:
                play.camera.pan_px(*event.rel)
            if self.press_at is not None:
                x0, y0 = self.press_at
                if abs(event.pos[0] - x0) + abs(event.pos[1] - y0) >= DRAG_PX or self.box is not None:
                    self.box = pygame.Rect(min(x0, event.pos[0]), min(y0, event.pos[1]),
                                           abs(event.pos[0] - x0), abs(event.pos[1] - y0))
            return None
        if event.type == pygame.MOUSEBUTTONDOWN:
            self.mouse = event.pos
            if event.button == 2:
                self.panning = True
            elif event.button == 1:
                return self.left_down(event.pos)
            elif event.button == 3:
                play.close_menu()
                play.targeting = None
                if not self.over_panels(event.pos) and play.camera.viewport.collidepoint(event.pos):
                    play.open_menu(event.pos)
            return None
        if event.type == pygame.MOUSEBUTTONUP:
            self.mouse = event.pos
            if event.button == 2:
                self.panning = False
            elif event.button == 1 and self.press_at is not None:
                self.left_up(event.pos)
            return None
        return None

    def key(self, event: pygame.event.Event) -> State | None:
        play = self.play
        action = self.keymap.get(event.key)
        if event.key == pygame.K_ESCAPE or action == "menu":
            if play.menu is not None:
                play.close_menu()
                return None
            if play.targeting is not None:
                play.targeting = None
                play.banner = None
                return None
            if play.show_help:
                play.show_help = False
                return None
            return play.pause_menu()
        if play.menu is not None and pygame.K_1 <= event.key <= pygame.K_9:
            i = event.key - pygame.K_1
            if i < len(play.menu.orders):
                play.choose(play.menu.orders[i])
                return None
        if action is None:
            return None
        overlay = overlays.for_action(action)
        if action == "pause":
            play.paused = not play.paused
            if not play.paused:
                play.banner = None
        elif action in SPEED_OF:
            play.speed = SPEED_OF[action]
            if play.paused:
                play.paused = False
                play.banner = None
        elif action == "fit":
            play.camera.fit()
        elif action == "centre":
            play.centre_on_selection()
        elif action == "legend":
            play.show_legend = not play.show_legend
        elif action == "help":
            play.show_help = not play.show_help
        elif action == "perf":
            play.perf.visible = not play.perf.visible
        elif action == "autopilot":
            play.toggle_autopilot()
        elif action == "zoom_in":
            play.camera.zoom_step(1)
        elif action == "zoom_out":
            play.camera.zoom_step(-1)
        elif overlay is not None:
            play.renderer.overlay = None if play.renderer.overlay == overlay.name else overlay.name
        return None

    def left_down(self, pos: tuple[int, int]) -> State | None:
        play = self.play
        if play.menu is not None and not play.menu.rect.collidepoint(pos):
            play.close_menu()
            return None
        if play.panels.speed_box().collidepoint(pos):
            play.paused = not play.paused
            return None
        if play.panels.autopilot_pill().collidepoint(pos):
            play.toggle_autopilot()
            return None
        pid = self.panel_hit(pos)
        if pid is not None:
            now = play.clock_s
            _, last, t = self._last_click
            if last == pid and now - t <= DOUBLE_CLICK_S:
                play.select([pid])
                play.centre_on_selection()
            else:
                play.select([pid], add=bool(pygame.key.get_mods() & pygame.KMOD_SHIFT))
            self._last_click = ("row", pid, now)
            return None
        if self.over_panels(pos) or not play.camera.viewport.collidepoint(pos):
            return None
        if play.targeting == "feed":
            cell = self.map_cell(pos)
            if play.world.compartments.index_at(*cell) >= 0:
                play.feed_to(cell)
            return None
        self.press_at = pos
        self.box = None
        return None

    def left_up(self, pos: tuple[int, int]) -> None:
        play = self.play
        shift = bool(pygame.key.get_mods() & pygame.KMOD_SHIFT)
        if self.box is not None and (self.box.w >= DRAG_PX or self.box.h >= DRAG_PX):
            play.select(play.people_in_box(self.box), add=shift)
        else:
            who = person_at(play.world, play.camera, pos, play.interpolated_positions())
            if who is not None:
                play.select([who], add=shift)
            elif not shift:
                play.selected = []
        self.press_at = None
        self.box = None

    def pan_keys(self, dt: float) -> None:
        """Pan while the pan keys (or the arrows) are held."""
        keys = pygame.key.get_pressed()

        def held(action: str, arrow: int) -> bool:
            code = key_code(self.play.ctx.settings.key_for(action))
            try:
                return bool(keys[arrow]) or (code is not None and bool(keys[code]))
            except IndexError:
                return bool(keys[arrow])

        dx = held("pan_left", pygame.K_LEFT) - held("pan_right", pygame.K_RIGHT)
        dy = held("pan_up", pygame.K_UP) - held("pan_down", pygame.K_DOWN)
        if dx or dy:
            self.play.camera.pan_px(dx * PAN_SPEED_PX_S * dt, dy * PAN_SPEED_PX_S * dt)
