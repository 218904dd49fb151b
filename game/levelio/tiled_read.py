"""A map pytiled-parser has read, turned into a level.

Tiles become the map: a tile's kind is its `kind` property, else its class
(type) when that names a tile kind or a common synonym ("solid" walls), else
a true boolean property so named (`collides`, `wall`, `door`), else a word
of its image's file name. The topmost tile that says what it is wins a cell;
a tile that says nothing is floor, an empty cell is vacuum. Tile layers in
groups count, and an infinite map's chunks are laid side by side.

Objects are recognised by their class (room, module, hull_section, door,
crew, locker, objective, inject, and the event kinds), not by their layer;
objects of other classes are Tiled's business, not the level's.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from game.levelio.load import parse_lesson
from game.levelio.problems import TiledError
from game.levelio.tiled_write import LIFE_PROPS
from game.sim.level import (
    EVENT_PARAMS,
    FORMAT_VERSION,
    INJECT_PARAMS,
    CrewDef,
    DoorDef,
    EventDef,
    HullSectionDef,
    InjectDef,
    Level,
    LifeSupport,
    LockerDef,
    Meta,
    ModuleDef,
    ObjectiveDef,
    RoomDef,
    from_v1_condition,
)
from game.sim.tiles import DEFAULT_LEGEND

GID_MASK = 0x0FFFFFFF  # the top four bits of a gid are flip/rotation flags
KINDS = frozenset(DEFAULT_LEGEND.values())
WALL_KINDS = frozenset({"wall", "module_wall", "hull", "bulkhead"})
# words other games' tilesets use for what a tile is
SYNONYMS = {
    "solid": "wall", "collides": "wall", "collision": "wall", "collide": "wall", "blocked": "wall",
    "blocking": "wall", "obstacle": "wall", "walls": "wall", "ground": "floor", "walkable": "floor",
    "floors": "floor", "doors": "door", "gate": "door", "airlock": "hatch", "space": "vacuum", "void": "vacuum",
}


def _word_kind(word: str) -> str | None:
    w = word.strip().lower().replace(" ", "_")
    return w if w in KINDS else SYNONYMS.get(w)


def _tile_kind(tile: Any, tileset: Any, local_id: int, file: str) -> tuple[str | None, str]:
    """(kind or None, the word that named it) for one tile of a tileset."""
    props = tile.properties or {}
    explicit = props.get("kind")
    if explicit is not None:
        if str(explicit) not in KINDS:
            raise TiledError(f"{file}: tile {local_id} of tileset '{tileset.name}' has kind '{explicit}', not a tile kind "
                             f"({', '.join(sorted(KINDS))})")
        return str(explicit), str(explicit)
    cls = (tile.class_ or "").strip()
    if cls and _word_kind(cls):
        return _word_kind(cls), cls
    for key, value in props.items():
        if value is True and _word_kind(key):
            return _word_kind(key), key
    image = getattr(tile, "image", None)
    if image:
        for word in re.split(r"[^a-z]+", Path(str(image)).stem.lower()):
            if word and _word_kind(word):
                return _word_kind(word), word
    return None, cls


def legend_of(tilesets: dict, file: str) -> tuple[dict[str, str], dict[int, str], str]:
    """The legend, the map character for each marked global tile id, and the character for unmarked tiles."""
    marked: list[tuple[int, str, Any]] = []
    unknown: list[tuple[int, Any, str]] = []
    for firstgid in sorted(tilesets):
        ts = tilesets[firstgid]
        for local_id in sorted(ts.tiles or {}):
            tile = ts.tiles[local_id]
            kind, word = _tile_kind(tile, ts, local_id, file)
            if kind is not None:
                marked.append((firstgid + local_id, kind, (tile.properties or {}).get("char")))
            elif word:
                unknown.append((local_id, ts, word))
    if marked and unknown:  # the map marks its tiles for this game, and one says something else
        local_id, ts, word = unknown[0]
        raise TiledError(
            f"{file}: tile {local_id} of tileset '{ts.name}' is '{word}', not a tile kind "
            f"(give it a type or a 'kind' property: {', '.join(sorted(KINDS))})"
        )
    legend: dict[str, str] = {}
    char_of: dict[int, str] = {}
    pending: list[tuple[int, str]] = []
    for gid, kind, ch in marked:
        if isinstance(ch, str) and len(ch) == 1 and ch not in legend:
            legend[ch] = kind
            char_of[gid] = ch
        else:
            pending.append((gid, kind))
    for gid, kind in pending + [(0, "floor")]:  # tiles drawn in Tiled without a character of ours; 0: unmarked tiles
        same = next((c for c, k in legend.items() if k == kind), None)
        if same is None:
            default = next(c for c, k in DEFAULT_LEGEND.items() if k == kind)
            same = default if default not in legend else next(c for c in map(chr, range(33, 127)) if c not in legend)
            legend[same] = kind
        char_of[gid] = same
    floor = char_of.pop(0)
    return legend, char_of, floor


def _tile_layers(layers: list) -> list:
    out = []
    for layer in layers:
        if hasattr(layer, "data") or hasattr(layer, "chunks"):
            out.append(layer)
        elif getattr(layer, "layers", None):
            out += _tile_layers(layer.layers)
    return out


def _objects(layers: list) -> list:
    """Every object of every object layer, groups included, in file order."""
    out = []
    for layer in layers:
        if hasattr(layer, "tiled_objects"):
            out += list(layer.tiled_objects)
        elif getattr(layer, "layers", None):
            out += _objects(layer.layers)
    return out


def _grids(tmap: Any, layers: list) -> tuple[list[list[list[int]]], int, int]:
    """Each tile layer as rows of gids on one common grid, and that grid's (x, y) origin in cells.

    An infinite map is cut down to the cells that hold a tile."""
    if not tmap.infinite:
        return [[list(r) for r in (layer.data or [])] for layer in layers], 0, 0
    cells = [
        (c.coordinates.x + dx, c.coordinates.y + dy, g)
        for layer in layers for c in (layer.chunks or [])
        for dy, row in enumerate(c.data) for dx, g in enumerate(row) if g
    ]
    if not cells:
        return [], 0, 0
    x0, y0 = min(x for x, _, _ in cells), min(y for _, y, _ in cells)
    w = max(x for x, _, _ in cells) - x0 + 1
    h = max(y for _, y, _ in cells) - y0 + 1
    grids = []
    for layer in layers:
        grid = [[0] * w for _ in range(h)]
        for c in layer.chunks or []:
            for dy, row in enumerate(c.data):
                for dx, g in enumerate(row):
                    if g:
                        grid[c.coordinates.y + dy - y0][c.coordinates.x + dx - x0] = g
        grids.append(grid)
    return grids, x0, y0


def _rows(file: str, tmap: Any, legend: dict[str, str], char_of: dict[int, str], floor: str) -> tuple[list[str], int, int]:
    layers = _tile_layers(tmap.layers)
    if not layers:
        raise TiledError(f"{file}: the map has no tile layer; draw the station on a tile layer")
    grids, x0, y0 = _grids(tmap, layers)
    known = set(char_of)
    # a tileset saved without its size (old Tiled) covers every id up to the next one
    spans = [(fg, fg + (ts.tile_count or GID_MASK)) for fg, ts in tmap.tilesets.items()]
    vac = next((c for c, k in legend.items() if k == "vacuum"), None)
    height = max((len(g) for g in grids), default=0)
    rows: list[str] = []
    needs_vacuum = False
    for y in range(height):
        width = max(len(g[y]) for g in grids if y < len(g))
        cells: list[str | None] = [None] * width
        for grid, layer in zip(grids, layers):  # bottom to top: the topmost tile that says what it is wins
            if y >= len(grid):
                continue
            for x, g in enumerate(grid[y]):
                g = int(g) & GID_MASK
                if g == 0:
                    continue
                if g in known:
                    cells[x] = char_of[g]
                elif not any(lo <= g < hi for lo, hi in spans):
                    raise TiledError(f"{file}: tile id {g} in layer '{layer.name}' is in no tileset")
                elif cells[x] is None:
                    cells[x] = floor
        while cells and cells[-1] is None:  # cells past the end of a short row
            cells.pop()
        needs_vacuum |= None in cells
        rows.append("".join((vac or " ") if c is None else c for c in cells))
    if needs_vacuum and vac is None:
        legend[" "] = "vacuum"
    return rows, x0, y0


# ------------------------------------------------------------------ properties

def _num(props: dict, key: str, default: float | None, where: str) -> float | None:
    if key not in props:
        return default
    v = props[key]
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise TiledError(f"{where}: '{key}' must be a number, not {str(v)[:40]!r}")
    try:
        f = float(v)
    except (ValueError, OverflowError):
        raise TiledError(f"{where}: '{key}' must be a number, not {v[:40]!r}") from None
    if not math.isfinite(f):
        raise TiledError(f"{where}: '{key}' must be a finite number")
    return f


def _int(props: dict, key: str, default: int, where: str) -> int:
    v = props.get(key)
    if isinstance(v, int) and not isinstance(v, bool):
        return v  # exact: a seed may need all 63 bits
    if isinstance(v, str) and re.fullmatch(r"\s*-?\d{1,30}\s*", v):
        return int(v)
    f = _num(props, key, None, where)
    return default if f is None else int(round(f))


def _str(props: dict, key: str, default: str = "") -> str:
    v = props.get(key, default)
    return v if isinstance(v, str) else str(v)


def _parse_list(text: Any) -> tuple[str, ...]:
    if isinstance(text, (list, tuple)):
        return tuple(str(s) for s in text)
    text = str(text).strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
            if isinstance(items, list):
                return tuple(str(s) for s in items)
        except (ValueError, RecursionError):
            pass
    return tuple(s.strip() for s in text.split(",") if s.strip())


def _parse_ints(text: Any, n: int, where: str) -> tuple[int, ...]:
    parts = [p for p in str(text).replace("[", "").replace("]", "").replace(" ", "").split(",") if p]
    try:
        values = tuple(int(float(p)) for p in parts)
    except (ValueError, OverflowError):
        values = ()
    if len(values) != n or len(parts) != n:
        raise TiledError(f"{where}: {str(text)[:40]!r} should be {n} whole numbers separated by commas")
    return values


def _params(spec: dict[str, tuple[bool, str]], op: dict, here: str) -> dict[str, Any]:
    """An event's or inject's parameters from its properties, typed by the kind's spec."""
    params: dict[str, Any] = {}
    for key, (_, tag) in spec.items():
        if key not in op:
            continue
        if tag == "cell":
            params[key] = _parse_ints(op[key], 2, here)
        elif tag == "rect":
            params[key] = _parse_ints(op[key], 4, here)
        elif tag == "count":
            params[key] = _int(op, key, 1, here)
        elif tag in ("pos", "frac", "num", "nonneg"):
            params[key] = _num(op, key, None, here)
        elif tag == "bool":
            params[key] = op[key] if isinstance(op[key], bool) else str(op[key]).strip().lower() == "true"
        else:
            params[key] = str(op[key])
    return params


# ------------------------------------------------------------------ objects

class _Place:
    """Pixel positions to cells, shifted so an infinite map's first chunk is at 0, 0."""

    def __init__(self, tw: float, th: float, x0: int, y0: int) -> None:
        self.tw, self.th, self.ox, self.oy = tw, th, x0 * tw, y0 * th

    def cell(self, obj: Any) -> tuple[int, int]:
        """The cell under an object: a point's own spot, or a shape's centre."""
        x = obj.coordinates.x - self.ox + (obj.size.width or 0) / 2
        y = obj.coordinates.y - self.oy + (obj.size.height or 0) / 2
        return int(math.floor(x / self.tw)), int(math.floor(y / self.th))

    def rect(self, obj: Any) -> tuple[int, int, int, int]:
        x0 = int(round((obj.coordinates.x - self.ox) / self.tw))
        y0 = int(round((obj.coordinates.y - self.oy) / self.th))
        x1 = int(round((obj.coordinates.x - self.ox + obj.size.width) / self.tw)) - 1
        y1 = int(round((obj.coordinates.y - self.oy + obj.size.height) / self.th)) - 1
        return x0, y0, max(x0, x1), max(y0, y1)


def _is_area(obj: Any) -> bool:
    return (obj.size.width or 0) > 0 and (obj.size.height or 0) > 0 and type(obj).__name__ != "Point"


def _event_from(obj: Any, kind: str, op: dict, place: _Place, here: str) -> EventDef:
    spec = EVENT_PARAMS.get(kind)
    if spec is None:
        raise TiledError(f"{here}: unknown event kind '{kind}' (known: {', '.join(EVENT_PARAMS)})")
    params = _params(spec, op, here)
    if not op.get("unplaced"):
        cell = place.cell(obj)
        if "region" in spec and _is_area(obj):
            params.setdefault("region", place.rect(obj))
        elif "door" in spec:  # the object stands on the door (door events) or the cell (the rest)
            params.setdefault("door", cell)
        elif "at" in spec:
            params.setdefault("at", cell)
    params = {k: params[k] for k in spec if k in params}  # the spec's order, so text round trips too
    return EventDef(at_s=_num(op, "at_s", 0.0, here), kind=kind, params=params, chance=_num(op, "chance", 1.0, here))


def tiled_to_level(tmap: Any, path: Path) -> Level:
    """The level a parsed Tiled map describes (raises TiledError saying what is wrong)."""
    file = str(path)
    legend, char_of, floor = legend_of(tmap.tilesets, file)
    rows, x0, y0 = _rows(file, tmap, legend, char_of, floor)
    used = {legend[c] for row in rows for c in set(row) if c in legend}
    if not used & WALL_KINDS:
        raise TiledError(
            f"{file}: no tile is marked as a wall, so nothing would hold the air: in Tiled's tileset editor give the "
            f"wall tiles the class 'wall' or 'hull' (or a property kind = wall, or a true 'collides' property)"
        )
    props = dict(tmap.properties or {})
    meta = Meta(
        name=_str(props, "name", path.stem),
        author=_str(props, "author"),
        briefing=_str(props, "briefing"),
        time_limit_s=_num(props, "time_limit_s", 1800.0, file),
        ceiling_height_m=_num(props, "ceiling_height_m", 2.4, file),
        nominal_pressure_bar=_num(props, "nominal_pressure_bar", 1.0, file),
        o2_fraction=_num(props, "o2_fraction", 0.21, file),
        seed=_int(props, "seed", 1, file),
    )
    life = LifeSupport(**{k: _num(props, k, 0.0, file) for k, _ in LIFE_PROPS})
    version = _int(props, "format_version", FORMAT_VERSION, file)
    if version not in (1, FORMAT_VERSION):
        raise TiledError(f"{file}: format_version {version} is not supported (this game reads {FORMAT_VERSION})")

    place = _Place(float(tmap.tile_size.width), float(tmap.tile_size.height), x0, y0)
    tables: dict[str, list] = {k: [] for k in ("rooms", "modules", "hull_sections", "doors", "crew", "lockers", "events", "objectives")}
    injects: list = []
    for obj in _objects(tmap.layers):
        kind = str(obj.class_ or "").strip()
        op = dict(obj.properties or {})
        here = f"{file}: object {obj.id} ('{obj.name}')"
        name = str(obj.name or "")
        if kind == "room":
            tables["rooms"].append(RoomDef(
                label=name, at=place.cell(obj), kind=_str(op, "kind", "quarters"),
                pressure_bar=_num(op, "pressure_bar", None, here), o2_fraction=_num(op, "o2_fraction", None, here),
                temperature_k=_num(op, "temperature_k", None, here)))
        elif kind == "module":
            tables["modules"].append(ModuleDef(name=name, at=place.cell(obj)))
        elif kind == "hull_section":
            tables["hull_sections"].append(HullSectionDef(name=name, rect=place.rect(obj)))
        elif kind == "door":
            tables["doors"].append(DoorDef(
                at=place.cell(obj), state=_str(op, "state", "closed"), name=name,
                open_time_s=_num(op, "open_time_s", None, here), leak_cm2=_num(op, "leak_cm2", None, here),
                pry_time_s=_num(op, "pry_time_s", None, here),
            ))
        elif kind == "crew":
            tables["crew"].append(CrewDef(
                name=name, role=_str(op, "role", "crew"), at=place.cell(obj),
                equipment=_parse_list(op.get("equipment", "")), condition=_str(op, "condition", "awake"),
                injury=_str(op, "injury", "none"), spo2=_num(op, "spo2", None, here),
            ))
            tables["crew"][-1] = from_v1_condition(tables["crew"][-1])
        elif kind == "locker":
            tables["lockers"].append(LockerDef(name=name or "locker", at=place.cell(obj), contents=_parse_list(op.get("contents", ""))))
        elif kind == "objective":
            tables["objectives"].append(ObjectiveDef(
                kind=_str(op, "kind", "survive"), description=name, weight=_num(op, "weight", 1.0, here),
                people=_parse_list(op.get("people", "")), within_s=_num(op, "within_s", None, here),
                max_injury=_str(op, "max_injury", "none"),
            ))
        elif kind == "inject":
            ik = _str(op, "kind")
            injects.append(InjectDef(at_s=_num(op, "at_s", 0.0, here), kind=ik,
                                     params=_params(INJECT_PARAMS.get(ik, {}), op, here), note=name))
        elif kind in EVENT_PARAMS or kind == "event":
            tables["events"].append(_event_from(obj, kind if kind != "event" else _str(op, "kind"), op, place, here))
    if injects:
        tables["injects"] = injects
    steps, hints, problems = parse_lesson(_str(props, "lesson"), f"{file}: the 'lesson' property")
    if problems:
        raise TiledError("; ".join(str(p) for p in problems))
    return Level(
        meta=meta, rows=tuple(rows), legend=legend, life_support=life,
        **{k: tuple(v) for k, v in tables.items()},
        lesson_steps=steps, lesson_hints=hints,
    )
