"""The settings screen: volumes, display, UI scale, auto-pause, palette and key bindings.

Every change is applied at once and saved (atomically) to the user's config
directory, so closing the game at any moment keeps what was set.
"""

from __future__ import annotations

from dataclasses import replace

import pygame
import pygame_gui
from pygame_gui.core import ObjectID

from game.settings import ACTIONS, PALETTES, UI_SCALES, Settings, settings_path
from game.view import palette as P
from game.view import ui
from game.view.layers import Backdrop
from game.view.scenes.base import EXITS, Context, State
from game.view.ui import px

VOLUMES = (("master_volume", "Master"), ("effects_volume", "Effects"), ("alarm_volume", "Alarms"),
           ("ambience_volume", "Air and machinery"))


def scale_label(s: float) -> str:
    return f"{round(s * 100)}%"


class SettingsState(State):
    def __init__(self, ctx: Context, back: State | None = None) -> None:
        super().__init__(ctx)
        self.back = back
        self.backdrop = Backdrop(seed=9)
        self.elements: list = []
        self.sliders: dict[str, pygame_gui.elements.UIHorizontalSlider] = {}
        self.key_buttons: dict[str, pygame_gui.elements.UIButton] = {}
        self.buttons: dict[str, pygame_gui.elements.UIButton] = {}
        self.dropdowns: dict[str, pygame_gui.elements.UIDropDownMenu] = {}
        self.listening: str | None = None  # the action waiting for its new key
        self.message: str | None = None

    # ---------------------------------------------------------------- layout
    def enter(self) -> None:
        ui.set_scale(self.ctx.settings.ui_scale)
        m = self.ctx.manager
        s = self.ctx.settings
        w, h = self.ctx.size
        x0, y = px(48), px(120)
        col_w = px(380)
        self.elements = []
        for i, (field_, label) in enumerate(VOLUMES):
            yy = y + px(24) + i * px(44)
            sl = pygame_gui.elements.UIHorizontalSlider(
                pygame.Rect(x0 + px(150), yy, col_w - px(210), px(24)), round(getattr(s, field_) * 100), (0, 100), m,
                object_id=f"#vol_{field_}",
            )
            self.sliders[field_] = sl
            self.elements.append(sl)
        y2 = y + px(24) + len(VOLUMES) * px(44) + px(40)
        self.buttons["fullscreen"] = pygame_gui.elements.UIButton(
            pygame.Rect(x0 + px(150), y2, col_w - px(150), px(30)), "On" if s.fullscreen else "Off", m,
            object_id=ObjectID(class_id="@hud_button", object_id="#fullscreen"))
        self.buttons["auto_pause"] = pygame_gui.elements.UIButton(
            pygame.Rect(x0 + px(150), y2 + px(44), col_w - px(150), px(30)), "On" if s.auto_pause else "Off", m,
            object_id=ObjectID(class_id="@hud_button", object_id="#auto_pause"))
        self.dropdowns["ui_scale"] = pygame_gui.elements.UIDropDownMenu(
            [scale_label(v) for v in UI_SCALES], scale_label(s.ui_scale),
            pygame.Rect(x0 + px(150), y2 + px(88), col_w - px(150), px(30)), m, object_id="#ui_scale")
        self.dropdowns["palette"] = pygame_gui.elements.UIDropDownMenu(
            list(PALETTES), s.palette, pygame.Rect(x0 + px(150), y2 + px(132), col_w - px(150), px(30)), m,
            object_id="#palette")
        self.elements += list(self.buttons.values()) + list(self.dropdowns.values())
        # key bindings, two columns
        kx = x0 + col_w + px(60)
        kw = (w - kx - px(48)) // 2
        half = (len(ACTIONS) + 1) // 2
        for i, (action, (_, what)) in enumerate(ACTIONS.items()):
            col, row = divmod(i, half)
            r = pygame.Rect(kx + col * kw + kw - px(120), y + px(24) + row * px(34), px(108), px(28))
            b = pygame_gui.elements.UIButton(r, s.key_for(action).upper(), m,
                                             object_id=ObjectID(class_id="@key_button", object_id=f"#key_{action}"))
            self.key_buttons[action] = b
            self.elements.append(b)
        self._key_layout = (kx, kw, half, y)
        bw, bh = px(180), px(44)
        self.buttons["back"] = pygame_gui.elements.UIButton(
            pygame.Rect(w - px(48) - bw, h - px(32) - bh, bw, bh), "Back", m,
            object_id=ObjectID(class_id="@big_button", object_id="#play_button"))
        self.buttons["defaults"] = pygame_gui.elements.UIButton(
            pygame.Rect(w - px(48) - 2 * bw - px(12), h - px(32) - bh, bw, bh), "Reset to defaults", m,
            object_id=ObjectID(class_id="@big_button", object_id="#defaults"))
        self.elements += [self.buttons["back"], self.buttons["defaults"]]
        self._col = (x0, y, y2, col_w)

    def leave(self) -> None:
        for e in self.elements:
            e.kill()
        self.elements = []
        self.sliders, self.key_buttons, self.buttons, self.dropdowns = {}, {}, {}, {}

    def resize(self, size: tuple[int, int]) -> None:
        super().resize(size)
        self.leave()
        self.enter()

    # --------------------------------------------------------------- changes
    def apply(self, new: Settings, rebuild: bool = False) -> None:
        """Use `new` now, save it, and rebuild the screen if the display or scale changed."""
        self.ctx.settings = new
        self.ctx.sound.apply_settings(new)
        err = self.ctx.save_settings()
        self.message = err
        if rebuild:
            self.leave()
            if self.ctx.apply_settings is not None:
                self.ctx.apply_settings(self.ctx)
            self.enter()

    def handle_event(self, event: pygame.event.Event) -> State | None:
        s = self.ctx.settings
        if self.listening is not None and event.type == pygame.KEYDOWN:
            action = self.listening
            self.listening = None
            if event.key != pygame.K_ESCAPE or action == "menu":
                name = pygame.key.name(event.key)
                if name:
                    self.apply(s.with_key(action, name))
            self._refresh_keys()
            return None
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED:
            for field_, sl in self.sliders.items():
                if event.ui_element is sl:
                    self.apply(replace(s, **{field_: sl.get_current_value() / 100.0}))
                    if field_ != "master_volume":
                        self.ctx.sound.play({"alarm_volume": "alert", "ambience_volume": "click"}.get(field_, "click"))
            return None
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            if event.ui_element is self.dropdowns.get("ui_scale"):
                scale = next(v for v in UI_SCALES if scale_label(v) == event.text)
                self.apply(replace(s, ui_scale=scale), rebuild=True)
            elif event.ui_element is self.dropdowns.get("palette"):
                self.apply(replace(s, palette=event.text))
            return None
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            el = event.ui_element
            if el is self.buttons.get("back"):
                return self.close()
            if el is self.buttons.get("defaults"):
                self.apply(Settings(), rebuild=True)
                return None
            if el is self.buttons.get("fullscreen"):
                self.apply(replace(s, fullscreen=not s.fullscreen), rebuild=True)
                return None
            if el is self.buttons.get("auto_pause"):
                self.apply(replace(s, auto_pause=not s.auto_pause))
                self.buttons["auto_pause"].set_text("On" if self.ctx.settings.auto_pause else "Off")
                return None
            for action, b in self.key_buttons.items():
                if el is b:
                    self.listening = action
                    self._refresh_keys()
                    return None
            return None
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            return self.close()
        return None

    def _refresh_keys(self) -> None:
        for action, b in self.key_buttons.items():
            b.set_text("press a key" if action == self.listening else self.ctx.settings.key_for(action).upper())

    def close(self) -> State:
        if self.back is not None:
            return self.back
        return EXITS.menu(self.ctx)

    # ------------------------------------------------------------------ draw
    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        self.backdrop.draw(surface, surface.get_rect())
        ui.text(surface, "SETTINGS", (px(48), px(40)), 36, P.ACCENT, "bold", shadow=True)
        ui.text(surface, f"Saved to {self.ctx.settings_file or _default_path()}", (px(50), px(86)), 12, P.TEXT_DIM)
        x0, y, y2, col_w = self._col
        ui.text(surface, "SOUND", (x0, y), 12, P.TEXT_DIM, "bold")
        for i, (field_, label) in enumerate(VOLUMES):
            yy = y + px(24) + i * px(44)
            ui.text(surface, label, (x0, yy + px(3)), 14, P.TEXT)
            ui.text(surface, f"{round(getattr(self.ctx.settings, field_) * 100)}%", (x0 + col_w, yy + px(3)), 14, P.TEXT_DIM,
                    anchor="topright")
        if not self.ctx.sound.ok:
            ui.text(surface, f"Sound is off: {self.ctx.sound.reason or 'no sound device'}.",
                    (x0, y + px(24) + len(VOLUMES) * px(44) - px(6)), 12, P.IMPAIRED, max_w=col_w)
        ui.text(surface, "DISPLAY AND PLAY", (x0, y2 - px(22)), 12, P.TEXT_DIM, "bold")
        for k, label in enumerate(("Fullscreen", "Auto-pause", "UI scale", "Overlay colours")):
            ui.text(surface, label, (x0, y2 + k * px(44) + px(5)), 14, P.TEXT)
        for k, line in enumerate(("Auto-pause stops the clock when someone passes out", "or dies, a new breach opens or the O2 reserve runs dry.",
                                  "Both overlay palettes are colour-blind safe.")):
            ui.text(surface, line, (x0, y2 + px(178 + 16 * k)), 11, P.TEXT_DIM, max_w=col_w)
        kx, kw, half, ky = self._key_layout
        ui.text(surface, "KEYS  (click one, then press the new key; Esc keeps the old one)", (kx, ky), 12, P.TEXT_DIM, "bold")
        for i, (action, (_, what)) in enumerate(ACTIONS.items()):
            col, row = divmod(i, half)
            ui.text(surface, what, (kx + col * kw, ky + px(24) + row * px(34) + px(5)), 13, P.TEXT, max_w=kw - px(130))
        ui.text(surface, "Arrow keys always pan as well.", (kx, ky + px(24) + half * px(34) + px(4)), 11, P.TEXT_DIM)
        if self.message:
            ui.text(surface, self.message, (px(48), h - px(60)), 13, P.UNCONSCIOUS, max_w=w // 2)
        self.ctx.manager.draw_ui(surface)


def _default_path() -> str:
    return str(settings_path())
