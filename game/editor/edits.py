"""What the editor's tools do, as commands: painting, filling, placing and
moving things, copy and paste. Each function reads the level and returns a
command (or None when there is nothing to do); the model applies it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import ndimage

from game.editor.commands import (
    AddItem,
    CellChange,
    Command,
    Compound,
    RemoveItem,
    ReplaceItem,
    SetCells,
    SetValue,
    vacuum_char,
)
from game.sim.grid import FOUR
from game.sim.level import (
    AirlockDef,
    CrewDef,
    DoorDef,
    EventDef,
    HullSectionDef,
    Level,
    LockerDef,
    ModuleDef,
    ObjectiveDef,
    RoomDef,
)
from game.sim.tiles import DEFAULT_LEGEND, TILE_BY_NAME

Cell = tuple[int, int]
Ref = tuple[str, int]  # (table, index): how the editor names a thing


# ------------------------------------------------------------------- tiles

def char_for(level: Level, kind: str) -> tuple[str, Command | None]:
    """The map character for a tile kind, and a legend change if the legend lacks one."""
    default = next(ch for ch, name in DEFAULT_LEGEND.items() if name == kind)
    if level.legend.get(default) == kind:
        return default, None
    for ch, name in level.legend.items():
        if name == kind:
            return ch, None
    ch = default if default not in level.legend else next(
        c for c in (chr(i) for i in range(33, 127)) if c not in level.legend
    )
    legend = dict(level.legend)
    legend[ch] = kind
    return ch, SetValue("legend", legend, label="Add to legend")


def char_grid(level: Level) -> np.ndarray:
    """The map as a (height, width) array of characters, short rows padded with vacuum."""
    w, h = level.width, level.height
    pad = vacuum_char(level)
    if h == 0 or w == 0:
        return np.zeros((h, w), dtype="<U1")
    return np.array([list(r.ljust(w, pad)) for r in level.rows], dtype="<U1")


def kind_at(level: Level, cell: Cell) -> str:
    x, y = cell
    if not (0 <= y < level.height and 0 <= x < len(level.rows[y])):
        return "vacuum"
    return level.legend.get(level.rows[y][x], "vacuum")


def _door_cleanup(level: Level, cells: set[Cell], kind: str) -> list[Command]:
    """Door defs left on cells that stop being doors go with them."""
    if TILE_BY_NAME.get(kind) is not None and kind in ("door", "bulkhead", "hatch"):
        return []
    out: list[Command] = []
    for i in reversed(range(len(level.doors))):
        if level.doors[i].at in cells:
            out.append(RemoveItem("doors", i, label="Delete door"))
    return out


def paint(level: Level, cells: list[Cell] | set[Cell], kind: str, label: str = "Paint") -> Command | None:
    """Put tile `kind` on every cell (brush strokes, rectangles, fills)."""
    w, h = level.width, level.height
    cells = {(x, y) for x, y in cells if 0 <= x < w and 0 <= y < h}
    ch, legend_cmd = char_for(level, kind)
    changes = tuple(sorted((x, y, ch) for x, y in cells if kind_at(level, (x, y)) != kind or _char(level, x, y) != ch))
    if not changes:
        return None
    parts: list[Command] = [legend_cmd] if legend_cmd else []
    parts.append(SetCells(changes, label=label))
    parts += _door_cleanup(level, {(x, y) for x, y, _ in changes}, kind)
    return parts[0] if len(parts) == 1 else Compound(parts, label=label)


def _char(level: Level, x: int, y: int) -> str:
    if not (0 <= y < level.height and 0 <= x < len(level.rows[y])):
        return vacuum_char(level)
    return level.rows[y][x]


def rect_cells(a: Cell, b: Cell) -> list[Cell]:
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    return [(x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]


def line_cells(a: Cell, b: Cell) -> list[Cell]:
    """Cells on a straight stroke from a to b (a fast mouse drag leaves no gaps)."""
    n = max(abs(b[0] - a[0]), abs(b[1] - a[1]), 1)
    xs = np.rint(np.linspace(a[0], b[0], n + 1)).astype(int)
    ys = np.rint(np.linspace(a[1], b[1], n + 1)).astype(int)
    return list(dict.fromkeys(zip(xs.tolist(), ys.tolist())))


def flood_cells(level: Level, cell: Cell) -> list[Cell]:
    """The 4-connected area of same-character cells around `cell` (labelled in C by scipy)."""
    grid = char_grid(level)
    x, y = cell
    if not (0 <= y < grid.shape[0] and 0 <= x < grid.shape[1]):
        return []
    labels, _ = ndimage.label(grid == grid[y, x], structure=FOUR)
    ys, xs = np.nonzero(labels == labels[y, x])
    return list(zip(xs.tolist(), ys.tolist()))


def flood_fill(level: Level, cell: Cell, kind: str) -> Command | None:
    return paint(level, flood_cells(level, cell), kind, label="Fill")


# ------------------------------------------------------------------ things

def where(item: Any) -> Cell | None:
    """The cell a def stands on (None for objectives and the like)."""
    if isinstance(item, (RoomDef, ModuleDef, DoorDef, CrewDef, LockerDef)):
        return item.at
    if isinstance(item, HullSectionDef):
        return item.rect[0], item.rect[1]
    if isinstance(item, AirlockDef):
        return tuple(item.doors[0])
    if isinstance(item, EventDef):
        p = item.params
        if "at" in p:
            return tuple(p["at"])
        if "door" in p:
            return tuple(p["door"])
        if "region" in p:
            x0, y0, x1, y1 = p["region"]
            return (x0 + x1) // 2, (y0 + y1) // 2
    return None


def covers(item: Any, cell: Cell) -> bool:
    """True when clicking `cell` should pick this def."""
    if isinstance(item, HullSectionDef):
        x0, y0, x1, y1 = item.rect
        return x0 <= cell[0] <= x1 and y0 <= cell[1] <= y1
    if isinstance(item, EventDef) and "region" in item.params and "at" not in item.params:
        x0, y0, x1, y1 = item.params["region"]
        return x0 <= cell[0] <= x1 and y0 <= cell[1] <= y1
    return where(item) == tuple(cell)


# picking prefers small things standing on the cell over labels and areas
PICK_ORDER = ("crew", "lockers", "events", "doors", "airlocks", "rooms", "modules", "hull_sections")


def things_at(level: Level, cell: Cell) -> list[Ref]:
    out: list[Ref] = []
    for table in PICK_ORDER:
        for i, item in enumerate(getattr(level, table)):
            if covers(item, cell):
                out.append((table, i))
    return out


def moved(item: Any, to: Cell) -> Any:
    """A copy of the def standing on `to` (areas keep their size)."""
    to = (int(to[0]), int(to[1]))
    if isinstance(item, (RoomDef, ModuleDef, DoorDef, CrewDef, LockerDef)):
        return replace(item, at=to)
    if isinstance(item, HullSectionDef):
        x0, y0, x1, y1 = item.rect
        return replace(item, rect=(to[0], to[1], to[0] + x1 - x0, to[1] + y1 - y0))
    if isinstance(item, EventDef):
        p = dict(item.params)
        if "at" in p:
            p["at"] = to
        elif "door" in p:
            p["door"] = to
        elif "region" in p:
            x0, y0, x1, y1 = p["region"]
            cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
            dx, dy = to[0] - cx, to[1] - cy
            p["region"] = (x0 + dx, y0 + dy, x1 + dx, y1 + dy)
        return replace(item, params=p)
    return item


def move(level: Level, ref: Ref, to: Cell) -> Command | None:
    table, i = ref
    item = getattr(level, table)[i]
    new = moved(item, to)
    if new == item:
        return None
    parts: list[Command] = []
    if table == "doors":  # the door tile moves with its def; floor is left behind
        kind = kind_at(level, item.at)
        ch = _char(level, *item.at)
        floor, legend_cmd = char_for(level, "floor")
        parts += [legend_cmd] if legend_cmd else []
        parts.append(SetCells(((item.at[0], item.at[1], floor), (to[0], to[1], ch)), label="Move door"))
        inside = all(0 <= c[0] < level.width and 0 <= c[1] < level.height for c in (item.at, to))
        if kind not in ("door", "bulkhead", "hatch") or not inside:
            parts.pop()
    parts.append(ReplaceItem(table, i, new, label=f"Move {label_of(table)}"))
    return parts[0] if len(parts) == 1 else Compound(parts, label=f"Move {label_of(table)}")


def delete(level: Level, ref: Ref) -> Command:
    table, i = ref
    return RemoveItem(table, i, label=f"Delete {label_of(table)}")


def configure(level: Level, ref: Ref, new: Any) -> Command | None:
    table, i = ref
    if getattr(level, table)[i] == new:
        return None
    return ReplaceItem(table, i, new, label=f"Edit {label_of(table)}")


def label_of(table: str) -> str:
    return {"crew": "person", "hull_sections": "hull section", "events": "event", "objectives": "objective"}.get(
        table, table.rstrip("s")
    )


def unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    k = 2
    while f"{name} {k}" in taken:
        k += 1
    return f"{name} {k}"


def place_door(level: Level, cell: Cell, kind: str = "door", state: str = "closed") -> Command | None:
    """A door, bulkhead or hatch tile on `cell`, with its def (state, name)."""
    w, h = level.width, level.height
    if not (0 <= cell[0] < w and 0 <= cell[1] < h):
        return None
    parts: list[Command] = []
    ch, legend_cmd = char_for(level, kind)
    parts += [legend_cmd] if legend_cmd else []
    parts.append(SetCells(((cell[0], cell[1], ch),), label="Place door"))
    existing = next((i for i, d in enumerate(level.doors) if d.at == tuple(cell)), None)
    if existing is None:
        parts.append(AddItem("doors", DoorDef(at=tuple(cell), state=state), label="Place door"))
    else:
        parts.append(ReplaceItem("doors", existing, replace(level.doors[existing], state=state)))
    return Compound(parts, label=f"Place {kind}")


def place(level: Level, table: str, cell: Cell, **fields: Any) -> Command | None:
    """A new def of `table` on `cell`, with sensible defaults and a unique name."""
    cell = (int(cell[0]), int(cell[1]))
    if not (0 <= cell[0] < level.width and 0 <= cell[1] < level.height):
        return None
    if table == "crew":
        name = unique(fields.pop("name", "Crew member"), {c.name for c in level.crew})
        item: Any = CrewDef(name=name, role=fields.pop("role", "crew"), at=cell, **fields)
    elif table == "lockers":
        name = unique(fields.pop("name", "Locker"), {lk.name for lk in level.lockers})
        item = LockerDef(name=name, at=cell, contents=fields.pop("contents", ("respirator",)), **fields)
    elif table == "rooms":
        label = unique(fields.pop("label", f"Room {len(level.rooms) + 1}"), {r.label for r in level.rooms})
        item = RoomDef(label=label, at=cell, **fields)
    elif table == "modules":
        name = unique(fields.pop("name", f"Module {len(level.modules) + 1}"), {m.name for m in level.modules})
        item = ModuleDef(name=name, at=cell)
    elif table == "airlocks":  # from the door clicked to the door `to`
        name = unique(fields.pop("name", "Airlock"), {a.name for a in level.airlocks})
        item = AirlockDef(name=name, doors=(cell, tuple(fields.pop("to", cell))), **fields)
    elif table == "hull_sections":
        rect = fields.pop("rect", (cell[0], cell[1], cell[0], cell[1]))
        name = unique(fields.pop("name", f"section-{len(level.hull_sections) + 1}"), {s.name for s in level.hull_sections})
        item = HullSectionDef(name=name, rect=tuple(rect))
    else:
        raise ValueError(f"cannot place {table}")
    return AddItem(table, item, label=f"Place {label_of(table)}")


def add_event(level: Level, kind: str, cell: Cell | None = None, at_s: float = 0.0, chance: float = 1.0,
              **params: Any) -> Command:
    """A timeline event: breach, debris fall or door jam, placed on `cell`."""
    p: dict[str, Any] = {}
    if kind == "breach":
        p = {"at": tuple(cell or (0, 0)), "area_cm2": float(params.pop("area_cm2", 20.0)), "cd": float(params.pop("cd", 0.6))}
        section = next((s.name for s in level.hull_sections if covers(s, cell or (0, 0))), "")
        if section:
            p["section"] = section
    elif kind == "debris_fall":
        p = {"debris": params.pop("debris", "ceiling_panel")}
        if "region" in params:
            p["region"] = tuple(params.pop("region"))
        else:
            p["at"] = tuple(cell or (0, 0))
        p["count"] = int(params.pop("count", 1))
    elif kind in ("door_jam", "door_unjam"):
        p = {"door": tuple(cell or (0, 0))}
    elif kind == "door_damaged":  # its seal warped to leak like a few room doors (6 cm2 each)
        p = {"door": tuple(cell or (0, 0)), "leak_cm2": float(params.pop("leak_cm2", 30.0)),
             "jam": bool(params.pop("jam", False))}
    elif kind in ("wall_damaged", "secondary_breach"):
        p = {"at": tuple(cell or (0, 0)), "area_cm2": float(params.pop("area_cm2", 20.0))}
    else:
        raise ValueError(f"unknown event kind {kind!r}")
    p.update(params)
    return AddItem("events", EventDef(at_s=float(at_s), kind=kind, params=p, chance=float(chance)),
                   label=f"Add {kind.replace('_', ' ')}")


def add_objective(level: Level, kind: str = "survive", description: str = "Nobody dies", weight: float = 1.0) -> Command:
    return AddItem("objectives", ObjectiveDef(kind=kind, description=description, weight=weight), label="Add objective")


# ------------------------------------------------------------ copy and paste

@dataclass(frozen=True)
class Clip:
    """A copied rectangle: its map kinds, and the things standing in it (relative cells)."""

    kinds: tuple[tuple[str, ...], ...]  # [row][col] tile kind names
    doors: tuple[DoorDef, ...] = ()
    crew: tuple[CrewDef, ...] = ()
    lockers: tuple[LockerDef, ...] = ()

    @property
    def size(self) -> tuple[int, int]:
        return (len(self.kinds[0]) if self.kinds else 0, len(self.kinds))


def copy_region(level: Level, a: Cell, b: Cell) -> Clip:
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(level.width - 1, x1), min(level.height - 1, y1)
    kinds = tuple(tuple(kind_at(level, (x, y)) for x in range(x0, x1 + 1)) for y in range(y0, y1 + 1))

    def inside(at: Cell) -> bool:
        return x0 <= at[0] <= x1 and y0 <= at[1] <= y1

    def rel(item: Any) -> Any:
        return replace(item, at=(item.at[0] - x0, item.at[1] - y0))

    return Clip(
        kinds,
        tuple(rel(d) for d in level.doors if inside(d.at)),
        tuple(rel(c) for c in level.crew if inside(c.at)),
        tuple(rel(lk) for lk in level.lockers if inside(lk.at)),
    )


def paste(level: Level, clip: Clip, at: Cell) -> Command | None:
    """The clip's tiles with their doors, people and lockers, top-left on `at`."""
    w, h = level.width, level.height
    ox, oy = at
    parts: list[Command] = []
    legend = dict(level.legend)
    chars: dict[str, str] = {}
    for kind in {k for row in clip.kinds for k in row}:
        probe = Level(meta=level.meta, rows=level.rows, legend=legend)
        ch, cmd = char_for(probe, kind)
        if cmd is not None:
            legend = cmd.value
        chars[kind] = ch
    if legend != level.legend:
        parts.append(SetValue("legend", legend, label="Add to legend"))
    changes: list[CellChange] = []
    for dy, row in enumerate(clip.kinds):
        for dx, kind in enumerate(row):
            x, y = ox + dx, oy + dy
            if 0 <= x < w and 0 <= y < h:
                changes.append((x, y, chars[kind]))
    if not changes:
        return None
    cells = {(x, y) for x, y, _ in changes}
    parts.append(SetCells(tuple(changes), label="Paste"))
    for i in reversed(range(len(level.doors))):  # doors under the paste are replaced by the clip's
        if level.doors[i].at in cells:
            parts.append(RemoveItem("doors", i))
    names = {c.name for c in level.crew}
    lockers = {lk.name for lk in level.lockers}
    for table, items in (("doors", clip.doors), ("crew", clip.crew), ("lockers", clip.lockers)):
        for item in items:
            new_at = (item.at[0] + ox, item.at[1] + oy)
            if new_at not in cells:
                continue
            item = replace(item, at=new_at)
            if table == "crew":
                item = replace(item, name=unique(item.name, names))
                names.add(item.name)
            elif table == "lockers":
                item = replace(item, name=unique(item.name, lockers))
                lockers.add(item.name)
            parts.append(AddItem(table, item))
    return Compound(parts, label="Paste")
