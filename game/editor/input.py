"""The editor's input: pygame events (widgets, keys, mouse on the map) turned
into the editor scene's actions and the current tool's press, drag and release.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.editor import edits
from game.editor.panels import TILES
from game.view.scenes.base import State

if TYPE_CHECKING:
    from game.editor.scene import EditorState

PAN_KEYS_PX_S = 700.0


class EditorInput:
    """What the designer's hands do, for the editor scene `ed`."""

    def __init__(self, ed: EditorState) -> None:
        self.ed = ed

    def cell_at(self, pos: tuple[int, int]) -> tuple[int, int]:
        wx, wy = self.ed.camera.screen_to_world(*pos)
        return int(wx // 1), int(wy // 1)

    def handle(self, event: pygame.event.Event) -> State | None:
        t = event.type
        if t == pygame_gui.UI_BUTTON_PRESSED and event.ui_element in self.ed.panels.buttons:
            out = self.ed.panels.buttons[event.ui_element]()
            return out if isinstance(out, State) else self.ed._take_next()
        if t == pygame_gui.UI_CONFIRMATION_DIALOG_CONFIRMED:
            action = self.ed._pending.pop(event.ui_element, None)
            self.ed._pending.pop(("cancel", event.ui_element), None)
            if action:
                action()
            return self.ed._take_next()
        if t == pygame_gui.UI_WINDOW_CLOSE:
            self.ed._pending.pop(event.ui_element, None)
            cancel = self.ed._pending.pop(("cancel", event.ui_element), None)
            if cancel:
                cancel()
            return None
        if t == pygame_gui.UI_FILE_DIALOG_PATH_PICKED:
            action = self.ed._pending.pop(event.ui_element, None)
            if action:
                action(event.text)
            return None
        if t == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION:
            self._on_list_pick(event.ui_element, event.text)
            return None
        if t == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            if event.ui_element is self.ed.panels.filter_menu:
                self.ed._filter = event.text
                self.ed._seen_revision = -1
                self.ed._refresh_all()
            else:
                self.ed._commit(event.ui_element, event.text)
            return None
        if t == pygame_gui.UI_TEXT_ENTRY_FINISHED:
            if event.ui_element in (self.ed.panels.size_w, self.ed.panels.size_h):
                self.ed.resize_map()
            else:
                self.ed._commit(event.ui_element)
            return None
        if t == pygame.KEYDOWN:
            return self._on_key(event)
        if t == pygame.MOUSEWHEEL:
            if self.ed.camera.viewport.collidepoint(pygame.mouse.get_pos()) or self.ed.camera.viewport.collidepoint(self.ed.mouse):
                anchor = self.ed.mouse if self.ed.camera.viewport.collidepoint(self.ed.mouse) else None
                self.ed.camera.zoom_step(1 if event.y > 0 else -1, anchor)
            return None
        if t == pygame.MOUSEBUTTONDOWN:
            return self._on_mouse_down(event)
        if t == pygame.MOUSEMOTION:
            self._on_mouse_move(event)
            return None
        if t == pygame.MOUSEBUTTONUP:
            self._on_mouse_up(event)
            return None
        return None

    def _on_list_pick(self, widget, text: str) -> None:
        if widget is self.ed.panels.problem_list:
            row = next((p for t, p in self.ed.panels.problem_rows if t == text), None)
            if row is not None:
                self.ed.show_problem(row)
            return
        refs = self.ed.panels.list_refs.get(widget, {})
        ref = refs.get(text)
        if ref is not None:
            self.ed.selected = ref
            self.ed._seen_revision = -1
            self.ed._refresh_all()
            cell = edits.where(getattr(self.ed.model.level, ref[0])[ref[1]])
            if cell is not None and not self.ed.camera.viewport.collidepoint(self.ed.camera.cell_centre(*cell)):
                self.ed.camera.centre_on(cell[0] + 0.5, cell[1] + 0.5)

    def _on_key(self, event) -> State | None:
        ctrl = bool(event.mod & pygame.KMOD_CTRL)
        shift = bool(event.mod & pygame.KMOD_SHIFT)
        k = event.key
        if k == pygame.K_F5:
            return self.ed.request_playtest()
        if ctrl and k == pygame.K_s:
            self.ed.ask_save_as() if shift else self.ed.save()
            return None
        if self.ed._typing():
            return None
        if ctrl:
            if k == pygame.K_z:
                self.ed.redo() if shift else self.ed.undo()
            elif k == pygame.K_y:
                self.ed.redo()
            elif k == pygame.K_c:
                self.ed.copy()
            elif k == pygame.K_v:
                self.ed._select_tool("paste")
            elif k == pygame.K_o:
                self.ed.ask_open()
            elif k == pygame.K_n:
                self.ed.ask_new()
            elif k == pygame.K_g:
                self.ed.ask_generated()
            elif k == pygame.K_q:
                self.ed.request_quit()
                return self.ed._take_next()
            return None
        shortcuts = {pygame.K_v: "select", pygame.K_b: "brush", pygame.K_r: "rect", pygame.K_f: "fill", pygame.K_c: "region"}
        if k in shortcuts:
            self.ed._select_tool(shortcuts[k])
        elif pygame.K_1 <= k <= pygame.K_6:
            self.ed._select_tile(TILES[k - pygame.K_1][0])
        elif k == pygame.K_g:
            self.ed.toggle_grid()
        elif k == pygame.K_w:
            self.ed.toggle_whatif()
        elif k in (pygame.K_DELETE, pygame.K_BACKSPACE):
            self.ed.delete_selected()
        elif k == pygame.K_HOME:
            self.ed._fit_camera()
        elif k in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
            self.ed.camera.zoom_step(1)
        elif k in (pygame.K_MINUS, pygame.K_KP_MINUS):
            self.ed.camera.zoom_step(-1)
        elif k == pygame.K_ESCAPE:
            if self.ed.tool.dragging or self.ed.region is not None or self.ed.selected is not None:
                self.ed.tool.cancel()
                self.ed.region = None
                self.ed.select(None)
            else:
                self.ed.request_quit()
                return self.ed._take_next()
        return None

    def _on_mouse_down(self, event) -> State | None:
        if not self.ed.camera.viewport.collidepoint(event.pos):
            return None
        if event.button == 2 or (event.button == 1 and pygame.key.get_mods() & pygame.KMOD_ALT):
            self.ed.panning = True
            return None
        cell = self.cell_at(event.pos)
        lv = self.ed.model.level
        if event.button == 3:  # the eyedropper
            kind = edits.kind_at(lv, cell)
            if kind in dict(TILES):
                self.ed._select_tile(kind)
                self.ed.say(f"Picked {kind.replace('_', ' ')}")
            return None
        if event.button != 1:
            return None
        self.ed.tool.press(self.ed, cell)
        return None

    def _on_mouse_move(self, event) -> None:
        self.ed.mouse = event.pos
        if self.ed.panning:
            self.ed.camera.pan_px(*event.rel)
            return
        inside = self.ed.camera.viewport.collidepoint(event.pos)
        cell = self.cell_at(event.pos)
        self.ed.hover = cell if inside else None
        self.ed.tool.drag_to(self.ed, cell)

    def _on_mouse_up(self, event) -> None:
        if event.button == 2 or (self.ed.panning and event.button == 1):
            self.ed.panning = False
            return
        if event.button == 1 and self.ed.tool.dragging:
            self.ed.tool.release(self.ed)

    def pan_keys(self, dt: float) -> None:
        keys = pygame.key.get_pressed()
        dx = keys[pygame.K_LEFT] - keys[pygame.K_RIGHT]
        dy = keys[pygame.K_UP] - keys[pygame.K_DOWN]
        if dx or dy:
            self.ed.camera.pan_px(dx * PAN_KEYS_PX_S * dt, dy * PAN_KEYS_PX_S * dt)
