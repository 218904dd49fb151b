"""The editor's panels: the toolbar, the tool palette, the tabs (things,
timeline, level settings, goals), the validation list and the status bar.

`EditorPanels` owns the pygame_gui widgets and keeps them in line with the
editor's model and selection; the editor scene (game.editor.scene) owns the
state and the actions the buttons call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import pygame
import pygame_gui

from game.editor import edits
from game.editor.drawing import TILE_SWATCH
from game.editor.forms import Form, fields_for
from game.levelio.problems import Problem
from game.sim.words import duration

if TYPE_CHECKING:
    from game.editor.scene import EditorState

TOOLBAR_H = 40
STATUS_H = 26
LEFT_W = 206
RIGHT_W = 330
BOTTOM_H = 128

TILES = (("floor", "Floor"), ("wall", "Wall"), ("module_wall", "Mod. wall"), ("hull", "Hull"),
         ("vacuum", "Vacuum"), ("cut", "Cut hole"))
THING_TABLES = ("rooms", "modules", "hull_sections", "doors", "crew", "lockers", "airlocks")
FILTERS = (("All", THING_TABLES), ("Rooms", ("rooms",)), ("Modules", ("modules",)), ("Doors", ("doors", "airlocks")),
           ("People", ("crew",)), ("Lockers", ("lockers",)), ("Hull sections", ("hull_sections",)))
KIND_WORD = {"rooms": "Room", "modules": "Module", "hull_sections": "Section", "doors": "Door", "crew": "Person",
             "lockers": "Locker", "airlocks": "Airlock", "events": "Event", "objectives": "Goal"}


def thing_text(table: str, item: Any) -> str:
    """One line in a list: what it is, what it is called, where it is."""
    if table == "rooms":
        return f"Room  {item.label}  ({item.kind})"
    if table == "modules":
        return f"Module  {item.name}"
    if table == "hull_sections":
        return f"Section  {item.name}  {item.rect[0]},{item.rect[1]}-{item.rect[2]},{item.rect[3]}"
    if table == "doors":
        return f"Door  {item.name or 'unnamed'}  {item.at[0]},{item.at[1]} {item.state}"
    if table == "crew":
        hurt = [w for w in (item.condition if item.condition != "awake" else "",
                            f"{item.injury} injury" if item.injury != "none" else "") if w]
        return f"Person  {item.name}  ({', '.join([item.role] + hurt)})"
    if table == "lockers":
        return f"Locker  {item.name}  [{', '.join(f'{k} {n}' for k, n in item.counts().items())}]"
    if table == "airlocks":
        (ax, ay), (bx, by) = item.doors
        cycle = f"  cycle {duration(item.cycle_s)}" if item.cycle_s is not None else ""
        return f"Airlock  {item.name}  {ax},{ay}-{bx},{by}{cycle}"
    if table == "events":
        where = edits.where(item)
        at = f" @{where[0]},{where[1]}" if where else ""
        chance = f"  {item.chance:.0%}" if item.chance < 1 else ""
        return f"T+{duration(item.at_s)}  {item.kind.replace('_', ' ')}{at}{chance}"
    if table == "objectives":
        return f"{item.kind}  x{item.weight:g}  {item.description}"
    return str(item)



def layout(size: tuple[int, int]) -> dict[str, pygame.Rect]:
    """Where each panel and the map go in a window of `size`."""
    w, h = size
    body_h = h - TOOLBAR_H - STATUS_H
    mid_w = max(100, w - LEFT_W - RIGHT_W)
    return {
        "toolbar": pygame.Rect(0, 0, w, TOOLBAR_H),
        "left": pygame.Rect(0, TOOLBAR_H, LEFT_W, body_h),
        "right": pygame.Rect(w - RIGHT_W, TOOLBAR_H, RIGHT_W, body_h),
        "bottom": pygame.Rect(LEFT_W, h - STATUS_H - BOTTOM_H, mid_w, BOTTOM_H),
        "status": pygame.Rect(0, h - STATUS_H, w, STATUS_H),
        "map": pygame.Rect(LEFT_W, TOOLBAR_H, mid_w, max(50, body_h - BOTTOM_H)),
    }


class EditorPanels:
    """The editor's widgets; `ed` is the scene whose model they show and whose actions they call."""

    def __init__(self, ed: EditorState) -> None:
        self.ed = ed
        self.ui: list[Any] = []
        self.buttons: dict[Any, Callable[[], Any]] = {}
        self.tool_buttons: dict[str, Any] = {}
        self.forms: dict[str, Form | None] = {"things": None, "timeline": None, "goals": None, "meta": None, "life": None}
        self._form_refs: dict[str, tuple[str, int] | None] = {"things": None, "timeline": None, "goals": None}
        self.list_refs: dict[Any, dict[str, tuple[str, int]]] = {}
        self.problem_rows: list[tuple[str, Problem]] = []

    def build(self, m: pygame_gui.UIManager, r: dict[str, pygame.Rect]) -> None:
        """Make every widget for the window laid out as `r` (see `layout`)."""
        self.ui = []
        self.buttons = {}
        self._build_toolbar(m, r["toolbar"])
        self._build_left(m, r["left"])
        self._build_right(m, r["right"])
        self._build_bottom(m, r["bottom"])
        self._build_status(m, r["status"])

    def kill(self) -> None:
        for form in self.forms.values():
            if form is not None:
                form.kill()
        self.forms = {k: None for k in self.forms}
        for e in self.ui:
            e.kill()
        self.ui = []
        self.buttons = {}

    def refresh(self) -> None:
        """Bring every list and form in line with the model and the selection."""
        if not self.ui:
            return
        lv = self.ed.model.level
        self._fill_list(self.things_list, [t for f, ts in FILTERS if f == self.ed._filter for t in ts])
        self._fill_list(self.events_list, ["events"], sort_by_time=True)
        self._fill_list(self.goals_list, ["objectives"])
        self._sync_forms()
        for key, form in (("meta", self.forms["meta"]), ("life", self.forms["life"])):
            if form is not None:
                form.refresh(lv.meta if key == "meta" else lv.life_support)
        if not self.size_w.is_focused:
            self.size_w.set_text(str(lv.width))
        if not self.size_h.is_focused:
            self.size_h.set_text(str(lv.height))
        if lv.meta.briefing != self.ed._briefing_shown and not self.briefing.is_focused:
            self.briefing.set_text(lv.meta.briefing)
            self.ed._briefing_shown = lv.meta.briefing
        self.update_title()

    def button(self, rect, text: str, action: Callable[[], Any], container=None, tip: str | None = None,
                object_id: str | None = None) -> pygame_gui.elements.UIButton:
        b = pygame_gui.elements.UIButton(pygame.Rect(rect), text, self.ed.ctx.manager, container=container,
                                         tool_tip_text=tip, object_id=object_id)
        self.buttons[b] = action
        if container is None:
            self.ui.append(b)
        return b

    def _build_toolbar(self, m, rect: pygame.Rect) -> None:
        bar = pygame_gui.elements.UIPanel(rect, 1, m, object_id="#editor_toolbar")
        self.ui.append(bar)
        x = 6
        groups = [
            [("New", self.ed.ask_new, "New level (Ctrl+N)"), ("Open", self.ed.ask_open, "Open a level (Ctrl+O)"),
             ("Save", self.ed.save, "Save (Ctrl+S)"), ("Save as", self.ed.ask_save_as, "Save under another name")],
            [("Undo", self.ed.undo, "Undo (Ctrl+Z)"), ("Redo", self.ed.redo, "Redo (Ctrl+Y)")],
            [("Copy", self.ed.copy, "Copy the selected area (Ctrl+C)"), ("Paste", lambda: self.ed._select_tool("paste"), "Paste (Ctrl+V)")],
        ]
        for group in groups:
            for text, action, tip in group:
                w = 58 if len(text) <= 5 else 72
                self.button((x, 4, w, 30), text, action, container=bar, tip=tip, object_id="#editor_bar_button")
                x += w + 4
            x += 10
        self.grid_button = self.button((x, 4, 62, 30), "Grid", self.ed.toggle_grid, container=bar, tip="Grid lines (G)",
                                       object_id="#editor_bar_button")
        x += 66
        self.whatif_button = self.button((x, 4, 84, 30), "What-if", self.ed.toggle_whatif, container=bar,
                                          tip="Time to unconsciousness in each room after the breach (W)",
                                          object_id="#editor_bar_button")
        x += 92
        self.play_button = self.button((x, 4, 112, 30), "Playtest F5", self.ed.request_playtest, container=bar,
                                        tip="Play a copy of this level (F5)", object_id="#play_button")
        x += 120
        self.title_label = pygame_gui.elements.UILabel(pygame.Rect(x, 4, max(60, rect.w - x - 8), 30), "", m,
                                                       container=bar, object_id="#editor_title")

    def _build_left(self, m, rect: pygame.Rect) -> None:
        panel = pygame_gui.elements.UIPanel(rect, 1, m, object_id="#editor_tools")
        self.ui.append(panel)
        self.tool_buttons = {}
        y = 4
        col_w = (rect.w - 18) // 2

        def caption(text: str) -> None:
            nonlocal y
            pygame_gui.elements.UILabel(pygame.Rect(6, y, rect.w - 16, 20), text, m, container=panel,
                                        object_id="#panel_caption")
            y += 22

        def tool_buttons(group: str) -> None:
            nonlocal y
            tools = [t for t in self.ed.tools.values() if t.group == group]
            for i, t in enumerate(tools):
                self.tool_buttons[t.key] = self.button(
                    (6 + (i % 2) * (col_w + 4), y + (i // 2) * 32, col_w, 28), t.label,
                    lambda k=t.key: self.ed._select_tool(k), container=panel, tip=t.tip, object_id="#editor_tool")
            y += ((len(tools) + 1) // 2) * 32 + 6

        caption("TOOLS")
        tool_buttons("tools")
        caption("TILES")
        for i, (kind, text) in enumerate(TILES):
            bx = 6 + (i % 2) * (col_w + 4)
            by = y + (i // 2) * 32
            swatch = pygame.Surface((10, 22))
            swatch.fill(TILE_SWATCH[kind])
            pygame.draw.rect(swatch, (0, 0, 0), swatch.get_rect(), 1)
            pygame_gui.elements.UIImage(pygame.Rect(bx, by + 3, 10, 22), swatch, m, container=panel)
            b = self.button((bx + 12, by, col_w - 12, 28), text, lambda k=kind: self.ed._select_tile(k),
                             container=panel, tip=f"Paint {text.lower()} with the brush, rectangle or fill",
                             object_id="#editor_tool")
            self.tool_buttons["tile:" + kind] = b
        y += ((len(TILES) + 1) // 2) * 32 + 6
        caption("PLACE")
        tool_buttons("place")
        self.hint_box = pygame_gui.elements.UITextBox("", pygame.Rect(6, y, rect.w - 16, max(40, rect.h - y - 10)), m,
                                                      container=panel, object_id="#tool_hint")

    def _build_right(self, m, rect: pygame.Rect) -> None:
        tabs = pygame_gui.elements.UITabContainer(rect, m, object_id="#editor_tabs")
        self.ui.append(tabs)
        self.tabs = tabs
        self.tab_ids = {}
        for key, title in (("things", "Things"), ("timeline", "Timeline"), ("level", "Level"), ("goals", "Goals")):
            self.tab_ids[key] = tabs.add_tab(title, "#tab_title_button")
        w = rect.w - 16

        # things: filter, list, properties
        c = tabs.get_tab_container(self.tab_ids["things"])
        self.filter_menu = pygame_gui.elements.UIDropDownMenu([f for f, _ in FILTERS], self.ed._filter,
                                                              pygame.Rect(8, 8, w - 84, 28), m, container=c)
        self.button((w - 70, 8, 78, 28), "Delete", self.ed.delete_selected, container=c, tip="Delete the selected thing (Del)")
        self.things_list = pygame_gui.elements.UISelectionList(pygame.Rect(8, 42, w, 200), [], m, container=c,
                                                               object_id="#editor_list")
        self.things_caption = pygame_gui.elements.UILabel(pygame.Rect(8, 248, w, 24), "Nothing selected", m,
                                                          container=c, object_id="#panel_caption")
        self.things_container = c

        # timeline: add buttons, list, properties
        c = tabs.get_tab_container(self.tab_ids["timeline"])
        bw = (w - 8) // 3
        for i, (text, key) in enumerate((("+ Breach", "breach"), ("+ Debris", "debris"), ("+ Door jam", "jam"))):
            self.button((8 + i * (bw + 4), 8, bw, 28), text, lambda k=key: self.ed._select_tool(k), container=c,
                         tip="Then click the map where it happens")
        self.events_list = pygame_gui.elements.UISelectionList(pygame.Rect(8, 42, w, 180), [], m, container=c,
                                                               object_id="#editor_list")
        self.button((w - 70, 228, 78, 26), "Delete", self.ed.delete_selected, container=c)
        self.timeline_caption = pygame_gui.elements.UILabel(pygame.Rect(8, 228, w - 84, 26), "", m, container=c,
                                                            object_id="#panel_caption")
        self.timeline_container = c

        # level: meta, life support, map size, briefing
        c = tabs.get_tab_container(self.tab_ids["level"])
        self.level_container = c
        lv = self.ed.model.level
        self.forms["meta"] = Form(m, c, pygame.Rect(8, 6, w, 0), fields_for(lv.meta, "meta"), lv.meta)
        y = 6 + self.forms["meta"].height
        self.forms["life"] = Form(m, c, pygame.Rect(8, y, w, 0), fields_for(lv.life_support, "life"), lv.life_support)
        y += self.forms["life"].height + 2
        pygame_gui.elements.UILabel(pygame.Rect(8, y, 112, 26), "map size", m, container=c, object_id="#form_label")
        self.size_w = pygame_gui.elements.UITextEntryLine(pygame.Rect(120, y, 60, 26), m, container=c)
        self.size_h = pygame_gui.elements.UITextEntryLine(pygame.Rect(184, y, 60, 26), m, container=c)
        self.button((248, y, w - 240, 26), "Resize", self.ed.resize_map, container=c)
        y += 32
        pygame_gui.elements.UILabel(pygame.Rect(8, y, w, 22), "BRIEFING", m, container=c, object_id="#panel_caption")
        y += 22
        self.briefing = pygame_gui.elements.UITextEntryBox(pygame.Rect(8, y, w, max(60, rect.h - y - 44)), "", m,
                                                           container=c, object_id="#briefing_entry")

        # goals: objectives
        c = tabs.get_tab_container(self.tab_ids["goals"])
        self.button((8, 8, (w - 4) // 2, 28), "+ Objective", self.ed.add_objective, container=c)
        self.button((8 + (w + 4) // 2, 8, (w - 4) // 2, 28), "Delete", self.ed.delete_selected, container=c)
        self.goals_list = pygame_gui.elements.UISelectionList(pygame.Rect(8, 42, w, 150), [], m, container=c,
                                                              object_id="#editor_list")
        self.goals_caption = pygame_gui.elements.UILabel(pygame.Rect(8, 198, w, 24), "Objectives and their score weights", m,
                                                         container=c, object_id="#panel_caption")
        self.goals_container = c

    def _build_bottom(self, m, rect: pygame.Rect) -> None:
        panel = pygame_gui.elements.UIPanel(rect, 1, m, object_id="#editor_validation")
        self.ui.append(panel)
        self.validation_label = pygame_gui.elements.UILabel(pygame.Rect(8, 2, rect.w - 16, 22), "VALIDATION", m,
                                                            container=panel, object_id="#panel_caption")
        self.problem_list = pygame_gui.elements.UISelectionList(pygame.Rect(6, 24, rect.w - 14, rect.h - 30), [], m,
                                                                container=panel, object_id="#problem_list")

    def _build_status(self, m, rect: pygame.Rect) -> None:
        panel = pygame_gui.elements.UIPanel(rect, 1, m, object_id="#editor_status")
        self.ui.append(panel)
        self.status_left = pygame_gui.elements.UILabel(pygame.Rect(6, 0, rect.w // 2, rect.h - 2), "", m,
                                                       container=panel, object_id="#status_text")
        self.status_right = pygame_gui.elements.UILabel(pygame.Rect(rect.w // 2, 0, rect.w // 2 - 10, rect.h - 2), "", m,
                                                        container=panel, object_id="#status_message")

    def _fill_list(self, widget, tables: list[str], sort_by_time: bool = False) -> None:
        lv = self.ed.model.level
        rows: list[tuple[str, tuple[str, int]]] = []
        for table in tables:
            items = list(enumerate(getattr(lv, table)))
            if sort_by_time:
                items.sort(key=lambda p: p[1].at_s)
            rows += [(thing_text(table, it), (table, i)) for i, it in items]
        seen: dict[str, int] = {}
        refs: dict[str, tuple[str, int]] = {}
        texts: list[str] = []
        for text, ref in rows:
            n = seen.get(text, 0)
            seen[text] = n + 1
            if n:
                text = f"{text}  ({n + 1})"
            refs[text] = ref
            texts.append(text)
        old = self.list_refs.get(widget)
        if old is None or list(old) != texts:
            widget.set_item_list(texts)
            self.list_refs[widget] = refs
        chosen = next((t for t, r in refs.items() if r == self.ed.selected), None)
        mark_selected(widget, chosen)

    def _sync_forms(self) -> None:
        lv = self.ed.model.level
        sel = self.ed.selected
        places = {"things": (self.things_container, 276, THING_TABLES), "timeline": (self.timeline_container, 260, ("events",)),
                  "goals": (self.goals_container, 226, ("objectives",))}
        for key, (container, top, tables) in places.items():
            ref = sel if sel is not None and sel[0] in tables else None
            form = self.forms[key]
            item = getattr(lv, ref[0])[ref[1]] if ref else None
            same_shape = (
                form is not None and ref == self._form_refs[key] and item is not None
                and form.fields == fields_for(item, ref[0])
            )
            if same_shape:
                form.refresh(item)
                continue
            if form is not None:
                form.kill()
                self.forms[key] = None
            self._form_refs[key] = ref
            if item is not None:
                w = RIGHT_W - 16
                self.forms[key] = Form(self.ed.ctx.manager, container, pygame.Rect(8, top, w, 0), fields_for(item, ref[0]), item)
        caption = "Pick something on the map or in the list"
        if sel is not None and sel[0] in THING_TABLES:
            caption = f"{KIND_WORD[sel[0]].upper()} PROPERTIES"
        self.things_caption.set_text(caption)
        self.timeline_caption.set_text(f"{len(lv.events)} events" if not (sel and sel[0] == "events") else "EVENT")

    def update_title(self) -> None:
        star = " *" if self.ed.model.dirty else ""
        self.title_label.set_text(f"{self.ed.model.level.meta.name}  -  {self.ed.model.title}{star}")

    def show_tab(self, key: str) -> None:
        idx = self.tab_ids.get(key)
        if idx is not None and self.tabs.current_container_index != idx:
            self.tabs.switch_current_container(idx)
            for i, tab in enumerate(self.tabs.tabs):
                tab["button"].select() if i == idx else tab["button"].unselect()

    def show_problems(self) -> None:
        if not self.ui:
            return
        rows = []
        for p in self.ed.problems:
            text = f"line {p.line}: {p.message}"
            while any(t == text for t, _ in rows):
                text += " "
            rows.append((text, p))
        self.problem_rows = rows
        self.problem_list.set_item_list([t for t, _ in rows])
        n = len(self.ed.problems)
        self.validation_label.set_text(
            "VALIDATION: the level is valid and can be playtested (F5)" if n == 0
            else f"VALIDATION: {n} problem{'s' if n != 1 else ''} (click one to see it on the map)"
        )
        self.update_title()

    def update_status(self) -> None:
        if not self.ui:
            return
        lv = self.ed.model.level
        parts = []
        if self.ed.hover is not None and 0 <= self.ed.hover[0] < lv.width and 0 <= self.ed.hover[1] < lv.height:
            x, y = self.ed.hover
            parts.append(f"{x},{y}  {edits.kind_at(lv, self.ed.hover).replace('_', ' ')}")
            grid = self.ed.picture.grid
            if grid is not None:
                room = grid.room_at(x, y)
                if room is not None:
                    parts.append(room.label)
        parts.append(self.ed.tool.status(self.ed))
        parts.append(f"{lv.width} x {lv.height}")
        parts.append(f"{self.ed.camera.tile_px} px/m")
        if self.ed.show_whatif:
            parts.append("what-if: computing" if self.ed._whatif is not None else "what-if")
        text = "   |   ".join(parts)
        if self.status_left.text != text:
            self.status_left.set_text(text)
        if self.status_right.text != self.ed.message:
            self.status_right.set_text(self.ed.message)


def mark_selected(widget, text: str | None) -> None:
    """Select one row of a pygame_gui selection list from code (None: no row)."""
    for item in widget.item_list:
        want = item["text"] == text
        if item["selected"] != want:
            item["selected"] = want
            button = item.get("button_element")
            if button is not None:
                button.select() if want else button.unselect()
