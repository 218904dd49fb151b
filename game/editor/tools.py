"""The editor's tools: one object per tool, carrying its button, its hint, what a
click or a drag on the map does with it, and how it previews that.

The editor scene keeps one instance of each (`make_tools`) and hands the current
one the mouse; a tool keeps its own drag in progress. Adding a tool is one class
here and one line in `make_tools`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game.editor import edits
from game.editor.commands import Command
from game.editor.drawing import HOVER, SELECT, TILE_SWATCH, cells_rect, fill_cells

if TYPE_CHECKING:
    from game.editor.scene import EditorState

Cell = tuple[int, int]
AREA = (120, 200, 255)  # outline of an area being marked or dragged out


def _box(a: Cell, b: Cell) -> tuple[int, int, int, int]:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])


class Tool:
    """A tool that does nothing on the map; subclasses say what a click or drag does."""

    key = ""
    label = ""
    shortcut = ""  # shown in the button's tip
    hint = ""
    group = "place"  # which panel of buttons: "tools" or "place"
    paints = False  # lays the chosen tile kind (the tile buttons light up with it)

    def __init__(self) -> None:
        self.start: Cell | None = None  # a drag in progress: where it began, and where it is now
        self.at: Cell | None = None

    @property
    def tip(self) -> str:
        return f"{self.label} ({self.shortcut})" if self.shortcut else f"Click the map to place: {self.label.lower()}"

    @property
    def dragging(self) -> bool:
        return self.start is not None

    def status(self, ed: EditorState) -> str:
        """The tool's name in the status bar."""
        return self.key

    def cancel(self) -> None:
        self.start = self.at = None

    def press(self, ed: EditorState, cell: Cell) -> None:
        """The left button went down on `cell`."""

    def drag_to(self, ed: EditorState, cell: Cell) -> None:
        if self.start is not None:
            self.at = cell

    def release(self, ed: EditorState) -> None:
        """The left button came up after a press on the map."""
        self.cancel()

    def draw_preview(self, ed: EditorState, surface: pygame.Surface) -> None:
        """What the drag in progress will do."""

    def draw_hover(self, ed: EditorState, surface: pygame.Surface, cell: Cell) -> None:
        if not self.dragging:
            pygame.draw.rect(surface, HOVER, cells_rect(ed.camera, *cell, *cell), 1)


def _add(ed: EditorState, cmd: Command | None, table: str) -> None:
    """Do `cmd`, which adds an item to `table`, and select the new item."""
    if cmd is not None:
        ed.do(cmd)
        ed.select((table, len(getattr(ed.model.level, table)) - 1))


def _draw_area(ed: EditorState, surface: pygame.Surface, a: Cell, b: Cell) -> None:
    pygame.draw.rect(surface, AREA, cells_rect(ed.camera, *a, *b), 2)


def _mark_area(ed: EditorState, a: Cell, b: Cell) -> None:
    """Mark the area for Ctrl+C."""
    ed.region = (a, b)
    x0, y0, x1, y1 = _box(a, b)
    ed.say(f"Area {x1 - x0 + 1} x {y1 - y0 + 1} marked: Ctrl+C copies it")


class PaintsTiles(Tool):
    """A tool that lays the chosen tile kind."""

    paints = True
    group = "tools"

    def status(self, ed: EditorState) -> str:
        return f"{self.key}: {ed.tile_kind.replace('_', ' ')}"


class AreaTool(Tool):
    """A tool that drags out a rectangle of cells and acts on it when let go."""

    def press(self, ed: EditorState, cell: Cell) -> None:
        self.start = self.at = cell

    def release(self, ed: EditorState) -> None:
        a, b = self.start, self.at
        self.cancel()
        if a is not None and b is not None:
            self.done(ed, a, b)

    def done(self, ed: EditorState, a: Cell, b: Cell) -> None:
        """The area from `a` to `b` was dragged out."""

    def draw_preview(self, ed: EditorState, surface: pygame.Surface) -> None:
        if self.start is not None and self.at is not None:
            _draw_area(ed, surface, self.start, self.at)


# ------------------------------------------------------------------ tools
class SelectTool(Tool):
    key, label, shortcut, group = "select", "Select", "V", "tools"
    hint = "Click a thing to edit it; drag it to move. Drag on empty floor to mark an area."

    def __init__(self) -> None:
        super().__init__()
        self.moving: tuple[str, int] | None = None  # the thing being dragged, or None: marking an area

    def press(self, ed: EditorState, cell: Cell) -> None:
        refs = edits.things_at(ed.model.level, cell)
        if refs:
            ref = refs[(refs.index(ed.selected) + 1) % len(refs)] if ed.selected in refs else refs[0]
            ed.select(ref)
            self.moving = ref
        else:
            ed.select(None)
            self.moving = None
        self.start = self.at = cell

    def _target(self, ed: EditorState) -> Cell | None:
        """Where the thing being moved would land."""
        if self.moving is None or self.start is None or self.at is None or self.at == self.start:
            return None
        table, i = self.moving
        origin = edits.where(getattr(ed.model.level, table)[i])
        if origin is None:
            return None
        return origin[0] + self.at[0] - self.start[0], origin[1] + self.at[1] - self.start[1]

    def release(self, ed: EditorState) -> None:
        target, ref, a, b = self._target(ed), self.moving, self.start, self.at
        self.cancel()
        if ref is not None:
            if target is not None:
                ed.do(edits.move(ed.model.level, ref, target))
        elif a is not None and b is not None:
            _mark_area(ed, a, b)

    def cancel(self) -> None:
        super().cancel()
        self.moving = None

    def draw_preview(self, ed: EditorState, surface: pygame.Surface) -> None:
        if self.moving is None:
            if self.start is not None and self.at is not None:
                _draw_area(ed, surface, self.start, self.at)
            return
        target = self._target(ed)
        if target is not None:
            pygame.draw.rect(surface, SELECT, cells_rect(ed.camera, *target, *target), 2)


class BrushTool(PaintsTiles):
    key, label, shortcut = "brush", "Brush", "B"
    hint = "Drag to paint. Right-click picks the tile under the cursor."

    def __init__(self) -> None:
        super().__init__()
        self.stroke: list[Cell] = []

    def press(self, ed: EditorState, cell: Cell) -> None:
        self.start = self.at = cell
        self.stroke = [cell]

    def drag_to(self, ed: EditorState, cell: Cell) -> None:
        if self.at is not None and cell != self.at:
            self.stroke += edits.line_cells(self.at, cell)[1:]
            self.at = cell

    def release(self, ed: EditorState) -> None:
        stroke = self.stroke
        self.cancel()
        if stroke:
            kind = ed.tile_kind
            ed.do(edits.paint(ed.model.level, stroke, kind, label=f"Brush {kind.replace('_', ' ')}"))

    def cancel(self) -> None:
        super().cancel()
        self.stroke = []

    def draw_preview(self, ed: EditorState, surface: pygame.Surface) -> None:
        if self.stroke:
            fill_cells(surface, ed.camera, self.stroke, TILE_SWATCH.get(ed.tile_kind, (200, 200, 200)))


class RectTool(PaintsTiles, AreaTool):
    key, label, shortcut = "rect", "Rectangle", "R"
    hint = "Drag a rectangle. Hold Shift for an outline only (walls around a room)."

    @staticmethod
    def cells(a: Cell, b: Cell) -> list[Cell]:
        """The rectangle's cells; only its edge while Shift is held."""
        cells = edits.rect_cells(a, b)
        if pygame.key.get_mods() & pygame.KMOD_SHIFT:
            x0, y0, x1, y1 = _box(a, b)
            cells = [(x, y) for x, y in cells if x in (x0, x1) or y in (y0, y1)]
        return cells

    def done(self, ed: EditorState, a: Cell, b: Cell) -> None:
        kind = ed.tile_kind
        ed.do(edits.paint(ed.model.level, self.cells(a, b), kind, label=f"Rectangle of {kind.replace('_', ' ')}"))

    def draw_preview(self, ed: EditorState, surface: pygame.Surface) -> None:
        if self.start is not None and self.at is not None:
            colour = TILE_SWATCH.get(ed.tile_kind, (200, 200, 200))
            fill_cells(surface, ed.camera, self.cells(self.start, self.at), colour)
            pygame.draw.rect(surface, HOVER, cells_rect(ed.camera, *self.start, *self.at), 1)


class FillTool(PaintsTiles):
    key, label, shortcut = "fill", "Fill", "F"
    hint = "Click to fill the connected area of the same tile."

    def press(self, ed: EditorState, cell: Cell) -> None:
        ed.do(edits.flood_fill(ed.model.level, cell, ed.tile_kind))


class RegionTool(AreaTool):
    key, label, shortcut, group = "region", "Copy area", "C", "tools"
    hint = "Drag an area, then Ctrl+C to copy it."

    def done(self, ed: EditorState, a: Cell, b: Cell) -> None:
        _mark_area(ed, a, b)


class PasteTool(Tool):
    key, label, shortcut, group = "paste", "Paste", "Ctrl+V", "tools"
    hint = "Click where the copied area's top-left corner goes."

    def press(self, ed: EditorState, cell: Cell) -> None:
        if ed.clip is not None:
            ed.do(edits.paste(ed.model.level, ed.clip, cell))

    def draw_hover(self, ed: EditorState, surface: pygame.Surface, cell: Cell) -> None:
        if ed.clip is None:
            super().draw_hover(ed, surface, cell)
            return
        w, h = ed.clip.size
        x, y = cell
        fill_cells(surface, ed.camera, [(x + dx, y + dy) for dy in range(h) for dx in range(w)], AREA, 70)
        pygame.draw.rect(surface, AREA, cells_rect(ed.camera, x, y, x + w - 1, y + h - 1), 1)


class DoorTool(Tool):
    """Door, bulkhead or hatch: a door of that kind in the clicked wall."""

    def __init__(self, key: str, label: str, hint: str) -> None:
        super().__init__()
        self.key, self.label, self.hint = key, label, hint

    def press(self, ed: EditorState, cell: Cell) -> None:
        state = "open" if self.key == "bulkhead" else "closed"
        ed.do(edits.place_door(ed.model.level, cell, self.key, state))
        idx = next((i for i, d in enumerate(ed.model.level.doors) if d.at == cell), None)
        if idx is not None:
            ed.select(("doors", idx))


class PlaceTool(Tool):
    """A room label, module, person or locker at the clicked cell."""

    def __init__(self, key: str, label: str, table: str, hint: str) -> None:
        super().__init__()
        self.key, self.label, self.table, self.hint = key, label, table, hint

    def press(self, ed: EditorState, cell: Cell) -> None:
        _add(ed, edits.place(ed.model.level, self.table, cell), self.table)


class SectionTool(AreaTool):
    key, label = "section", "Hull section"
    hint = "Drag along the hull to name a section."

    def done(self, ed: EditorState, a: Cell, b: Cell) -> None:
        _add(ed, edits.place(ed.model.level, "hull_sections", a, rect=_box(a, b)), "hull_sections")


class BreachTool(Tool):
    key, label = "breach", "Breach"
    hint = "Click a hull cell: the breach opens there."

    def press(self, ed: EditorState, cell: Cell) -> None:
        lv = ed.model.level
        if edits.kind_at(lv, cell) != "hull":
            ed.say("A breach opens in the hull: click a hull cell", error=True)
        _add(ed, edits.add_event(lv, "breach", cell), "events")


class DebrisTool(AreaTool):
    key, label = "debris", "Debris fall"
    hint = "Click a cell, or drag a region, where debris falls."

    def done(self, ed: EditorState, a: Cell, b: Cell) -> None:
        lv = ed.model.level
        if a == b:
            cmd = edits.add_event(lv, "debris_fall", a, at_s=10.0)
        else:
            cmd = edits.add_event(lv, "debris_fall", None, at_s=10.0, region=_box(a, b), count=4)
        _add(ed, cmd, "events")


class JamTool(Tool):
    key, label = "jam", "Door jam"
    hint = "Click a door that jams."

    def press(self, ed: EditorState, cell: Cell) -> None:
        lv = ed.model.level
        if not any(d.at == cell for d in lv.doors) and edits.kind_at(lv, cell) not in ("door", "bulkhead", "hatch"):
            ed.say("Only a door can jam: click a door", error=True)
            return
        _add(ed, edits.add_event(lv, "door_jam", cell, at_s=0.0), "events")


class DamageTool(Tool):
    key, label = "damage", "Damage"
    hint = "Click an inner wall (holed), a door (seal damaged) or the hull (a secondary impact, at a chance)."

    def press(self, ed: EditorState, cell: Cell) -> None:
        lv = ed.model.level
        kind = edits.kind_at(lv, cell)
        if kind in ("wall", "module_wall"):
            cmd = edits.add_event(lv, "wall_damaged", cell, at_s=60.0)
        elif kind in ("door", "bulkhead", "hatch"):
            cmd = edits.add_event(lv, "door_damaged", cell, at_s=60.0)
        elif kind == "hull":
            cmd = edits.add_event(lv, "secondary_breach", cell, at_s=120.0, chance=0.5)
        else:
            ed.say("Damage strikes a wall, a door or the hull: click one", error=True)
            return
        _add(ed, cmd, "events")


class AirlockTool(AreaTool):
    key, label = "airlock", "Airlock"
    hint = "Drag from one door of an airlock to its other door: the crew cycle them one at a time."

    def done(self, ed: EditorState, a: Cell, b: Cell) -> None:
        lv = ed.model.level
        if a == b or any(edits.kind_at(lv, c) not in ("door", "bulkhead", "hatch") for c in (a, b)):
            ed.say("An airlock is two doors: drag from one to the other", error=True)
            return
        _add(ed, edits.place(lv, "airlocks", a, to=b), "airlocks")


def make_tools() -> dict[str, Tool]:
    """One of each tool, by key, in the order of their buttons."""
    tools: list[Tool] = [
        SelectTool(), BrushTool(), RectTool(), FillTool(), RegionTool(), PasteTool(),
        DoorTool("door", "Door", "Click a wall cell between two floors."),
        DoorTool("bulkhead", "Bulkhead", "Click a module wall cell."),
        DoorTool("hatch", "Hatch", "Click a module wall cell (a tunnel hatch)."),
        PlaceTool("room", "Room label", "rooms", "Click the floor of a room to name it."),
        PlaceTool("module", "Module", "modules", "Click inside a module to name it."),
        PlaceTool("crew", "Person", "crew", "Click the floor where the person starts."),
        PlaceTool("locker", "Locker", "lockers", "Click the floor where the locker stands."),
        SectionTool(), BreachTool(), DebrisTool(), JamTool(), DamageTool(), AirlockTool(),
    ]
    return {t.key: t for t in tools}
