"""Tiled interoperability: a level as a Tiled JSON map (.tmj) and back.

Writing: one tile layer ("map") whose tiles come from an embedded tileset
with one tile per legend character (custom properties `kind` and `char`),
object layers for rooms, modules, hull sections, doors, crew, lockers,
timeline events and objectives, and the level's metadata as map properties.
A small tileset image is written beside the map so Tiled shows the plan.

Reading goes through pytiled-parser, so maps that Tiled itself saved load
whichever spelling of an object's type they use (`type` before Tiled 1.9
and again from 1.10, `class` in 1.9). Objects are recognised by that type
(room, module, hull_section, door, crew, locker, objective, and the event
kinds breach, debris_fall, door_jam), not by the layer they are on.

Anything Tiled has no place for travels in custom properties, so
level -> .tmj -> level gives back an equal `Level`.
"""

from __future__ import annotations

import json
import math
import struct
import zlib
from pathlib import Path
from typing import Any

from game.atomicfile import write_atomic
from game.levelio.load import load_level, parse_lesson
from game.levelio.save import lesson_tables, save_level
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
)
from game.sim.tiles import DEFAULT_LEGEND

TILE_PX = 16
GID_MASK = 0x0FFFFFFF  # the top four bits of a gid are flip/rotation flags
TILED_VERSION = "1.10.2"
JSON_VERSION = "1.10"

META_PROPS: tuple[tuple[str, str], ...] = (
    ("name", "string"),
    ("author", "string"),
    ("briefing", "string"),
    ("time_limit_s", "float"),
    ("ceiling_height_m", "float"),
    ("nominal_pressure_bar", "float"),
    ("o2_fraction", "float"),
    ("seed", "int"),
)
LIFE_PROPS: tuple[tuple[str, str], ...] = (("reserve_o2_kg", "float"), ("feed_rate_g_s", "float"))

# tile colours for the tileset image (what Tiled shows; the game draws its own)
TILE_RGB = {
    "vacuum": (8, 10, 18),
    "floor": (52, 60, 74),
    "wall": (110, 122, 140),
    "module_wall": (70, 80, 96),
    "hull": (150, 160, 176),
    "door": (86, 150, 196),
    "bulkhead": (240, 196, 48),
    "hatch": (120, 150, 176),
    "cut": (255, 140, 40),
}


class TiledError(Exception):
    """A .tmj file that cannot become a level; the message says why."""


# ------------------------------------------------------------------ writing

def _prop(name: str, kind: str, value: Any) -> dict:
    if kind == "float":
        value = float(value)
    elif kind == "int":
        value = int(value)
    return {"name": name, "type": kind, "value": value}


def _list_text(items: tuple[str, ...]) -> str:
    """A list as Tiled-friendly text: 'a, b', or JSON when an item has a comma."""
    if any("," in s or s != s.strip() or not s for s in items):
        return json.dumps(list(items))
    return ", ".join(items)


def _parse_list(text: Any) -> tuple[str, ...]:
    if isinstance(text, (list, tuple)):
        return tuple(str(s) for s in text)
    text = str(text).strip()
    if text.startswith("["):
        try:
            return tuple(str(s) for s in json.loads(text))
        except ValueError:
            pass
    return tuple(s.strip() for s in text.split(",") if s.strip())


def _cell_text(v: tuple[int, ...]) -> str:
    return ",".join(str(int(c)) for c in v)


def _parse_ints(text: Any, n: int) -> tuple[int, ...]:
    parts = [p for p in str(text).replace("[", "").replace("]", "").replace(" ", "").split(",") if p]
    if len(parts) != n:
        raise TiledError(f"{text!r} should be {n} whole numbers separated by commas")
    return tuple(int(float(p)) for p in parts)


class _Objects:
    """Builds Tiled objects with running ids."""

    def __init__(self, tw: int, th: int) -> None:
        self.tw, self.th = tw, th
        self.next_id = 1

    def _base(self, name: str, type_: str, props: list[dict]) -> dict:
        obj = {"id": self.next_id, "name": name, "type": type_, "rotation": 0, "visible": True}
        self.next_id += 1
        if props:
            obj["properties"] = props
        return obj

    def point(self, cell: tuple[int, int], name: str, type_: str, props: list[dict]) -> dict:
        obj = self._base(name, type_, props)
        obj.update(point=True, x=(cell[0] + 0.5) * self.tw, y=(cell[1] + 0.5) * self.th, width=0, height=0)
        return obj

    def rect(self, rect: tuple[int, int, int, int], name: str, type_: str, props: list[dict]) -> dict:
        x0, y0, x1, y1 = rect
        obj = self._base(name, type_, props)
        obj.update(x=x0 * self.tw, y=y0 * self.th, width=(x1 - x0 + 1) * self.tw, height=(y1 - y0 + 1) * self.th)
        return obj


def _event_object(objs: _Objects, e: EventDef) -> dict:
    spec = EVENT_PARAMS.get(e.kind, {})
    p = dict(e.params)
    geometry = "region" if "region" in p else ("door" if "door" in p else ("at" if "at" in p else None))
    props = [_prop("at_s", "float", e.at_s)]
    if e.chance != 1.0:
        props.append(_prop("chance", "float", e.chance))
    for key, value in p.items():
        if key == geometry:
            continue
        tag = spec.get(key, (False, "str"))[1]
        if tag in ("cell", "rect"):
            props.append(_prop(key, "string", _cell_text(value)))
        elif tag == "count":
            props.append(_prop(key, "int", value))
        elif tag in ("pos", "frac", "num", "nonneg"):
            props.append(_prop(key, "float", value))
        else:
            props.append(_prop(key, "string", str(value)))
    name = f"{e.kind} at {e.at_s:g} s"
    if geometry == "region":
        return objs.rect(tuple(p["region"]), name, e.kind, props)
    cell = tuple(p[geometry]) if geometry else (0, 0)
    if geometry is None:
        props.append(_prop("unplaced", "bool", True))
    return objs.point(cell, name, e.kind, props)


def _inject_object(objs: _Objects, inj) -> dict:
    """A planned instructor inject: its kind, time and parameters as properties."""
    spec = INJECT_PARAMS.get(inj.kind, {})
    props = [_prop("kind", "string", inj.kind), _prop("at_s", "float", inj.at_s)]
    for key, value in inj.params.items():
        tag = spec.get(key, (False, "str"))[1]
        if tag in ("cell", "rect"):
            props.append(_prop(key, "string", _cell_text(value)))
        elif tag == "count":
            props.append(_prop(key, "int", value))
        elif tag in ("pos", "frac", "num", "nonneg"):
            props.append(_prop(key, "float", value))
        else:
            props.append(_prop(key, "string", str(value)))
    p = inj.params
    cell = tuple(p.get("at", p.get("door", (0, 0))))
    return objs.point(cell, inj.note, "inject", props)


def _layer(layer_id: int, name: str, objects: list[dict], visible: bool = True) -> dict:
    return {
        "draworder": "index", "id": layer_id, "name": name, "objects": objects, "opacity": 1,
        "type": "objectgroup", "visible": visible, "x": 0, "y": 0,
    }


def level_to_tmj(level: Level, image: str | None = None, tile_px: int = TILE_PX) -> dict:
    """The level as a Tiled map (a dict ready for json); `image` names the tileset image."""
    w, h = level.width, level.height
    chars = list(level.legend)
    gid_of = {ch: i + 1 for i, ch in enumerate(chars)}
    data: list[int] = []
    for row in level.rows:
        data += [gid_of.get(ch, 0) for ch in row] + [0] * (w - len(row))
    tiles = [
        {"id": i, "type": level.legend[ch], "properties": [_prop("kind", "string", level.legend[ch]), _prop("char", "string", ch)]}
        for i, ch in enumerate(chars)
    ]
    tileset: dict[str, Any] = {
        "columns": max(1, len(chars)), "firstgid": 1, "margin": 0, "name": "breach_protocol", "spacing": 0,
        "tilecount": len(chars), "tileheight": tile_px, "tilewidth": tile_px, "tiles": tiles,
    }
    if image:
        tileset.update(image=image, imagewidth=tile_px * max(1, len(chars)), imageheight=tile_px)

    m, ls = level.meta, level.life_support
    props = [_prop("format_version", "int", level.format_version)]
    props += [_prop(k, t, getattr(m, k)) for k, t in META_PROPS]
    props += [_prop(k, t, getattr(ls, k)) for k, t in LIFE_PROPS]
    if level.lesson_steps or level.lesson_hints:  # a lesson travels as its own TOML tables in one map property
        props.append(_prop("lesson", "string", "\n\n".join(lesson_tables(level)) + "\n"))

    o = _Objects(tile_px, tile_px)
    layers: list[dict] = [{
        "data": data, "height": h, "id": 1, "name": "map", "opacity": 1, "type": "tilelayer",
        "visible": True, "width": w, "x": 0, "y": 0,
    }]
    groups = [
        ("rooms", [o.point(r.at, r.label, "room", [_prop("kind", "string", r.kind)]) for r in level.rooms]),
        ("modules", [o.point(mo.at, mo.name, "module", []) for mo in level.modules]),
        ("hull_sections", [o.rect(s.rect, s.name, "hull_section", []) for s in level.hull_sections]),
        ("doors", [o.point(d.at, d.name, "door", _door_props(d)) for d in level.doors]),
        ("crew", [
            o.point(c.at, c.name, "crew", [
                _prop("role", "string", c.role), _prop("equipment", "string", _list_text(c.equipment)),
                _prop("condition", "string", c.condition),
            ]) for c in level.crew
        ]),
        ("lockers", [o.point(lk.at, lk.name, "locker", [_prop("contents", "string", _list_text(lk.contents))]) for lk in level.lockers]),
        ("events", [_event_object(o, e) for e in level.events]),
        ("objectives", [o.point((0, 0), ob.description, "objective", _objective_props(ob)) for ob in level.objectives]),
    ]
    if level.injects:
        groups.append(("injects", [_inject_object(o, inj) for inj in level.injects]))
    for i, (name, objects) in enumerate(groups, start=2):
        layers.append(_layer(i, name, objects, visible=name not in ("objectives", "injects")))
    return {
        "compressionlevel": -1, "height": h, "infinite": False, "layers": layers,
        "nextlayerid": len(layers) + 1, "nextobjectid": o.next_id, "orientation": "orthogonal",
        "properties": props, "renderorder": "right-down", "tiledversion": TILED_VERSION,
        "tileheight": tile_px, "tilesets": [tileset], "tilewidth": tile_px, "type": "map",
        "version": JSON_VERSION, "width": w,
    }


def _door_props(d: DoorDef) -> list[dict]:
    props = [_prop("state", "string", d.state)]
    if d.open_time_s is not None:
        props.append(_prop("open_time_s", "float", d.open_time_s))
    if d.leak_cm2 is not None:
        props.append(_prop("leak_cm2", "float", d.leak_cm2))
    return props


def _objective_props(ob: ObjectiveDef) -> list[dict]:
    props = [_prop("kind", "string", ob.kind), _prop("weight", "float", ob.weight)]
    if ob.people:
        props.append(_prop("people", "string", _list_text(ob.people)))
    if ob.within_s is not None:
        props.append(_prop("within_s", "float", ob.within_s))
    return props


def _dumps(doc: dict) -> str:
    """JSON laid out like Tiled's own: indented, the tile data one map row per line."""
    layer = doc["layers"][0]
    data, width = layer["data"], max(1, layer["width"])
    layer["data"] = "@DATA@"
    text = json.dumps(doc, indent=1, ensure_ascii=False)
    layer["data"] = data
    rows = [", ".join(str(g) for g in data[i : i + width]) for i in range(0, len(data), width)]
    return text.replace('"@DATA@"', "[" + ",\n            ".join(rows) + "]")


def _png(width: int, height: int, rgb: bytes) -> bytes:
    """A minimal truecolour PNG (so writing a tileset needs no imaging library)."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + rgb[y * width * 3 : (y + 1) * width * 3] for y in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def tileset_png(level: Level, tile_px: int = TILE_PX) -> bytes:
    """One flat tile per legend entry, with a darker rim so the grid reads in Tiled."""
    chars = list(level.legend) or [" "]
    w = tile_px * len(chars)
    out = bytearray()
    for y in range(tile_px):
        for ch in chars:
            r, g, b = TILE_RGB.get(level.legend.get(ch, "vacuum"), (255, 0, 255))
            for x in range(tile_px):
                rim = x in (0, tile_px - 1) or y in (0, tile_px - 1)
                out += bytes((r * 3 // 4, g * 3 // 4, b * 3 // 4) if rim else (r, g, b))
    return _png(w, tile_px, bytes(out))


def save_tmj(level: Level, path: str | Path) -> None:
    """Write the map (atomically) and its tileset image beside it."""
    path = Path(path)
    image = f"{path.stem}_tiles.png"
    write_atomic(path.with_name(image), tileset_png(level))
    write_atomic(path, _dumps(level_to_tmj(level, image=image)) + "\n")


# ------------------------------------------------------------------ reading

def _num(props: dict, key: str, default: float | None, where: str) -> float | None:
    if key not in props:
        return default
    v = props[key]
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise TiledError(f"{where}: '{key}' must be a number, not {v!r}")
    try:
        f = float(v)
    except ValueError:
        raise TiledError(f"{where}: '{key}' must be a number, not {v!r}") from None
    if not math.isfinite(f):
        raise TiledError(f"{where}: '{key}' must be a finite number")
    return f


def _int(props: dict, key: str, default: int, where: str) -> int:
    v = _num(props, key, None, where)
    return default if v is None else int(round(v))


def _str(props: dict, key: str, default: str = "") -> str:
    v = props.get(key, default)
    return v if isinstance(v, str) else str(v)


def _objects(layers: list) -> list:
    """Every object of every object layer, groups included, in file order."""
    out = []
    for layer in layers:
        if hasattr(layer, "tiled_objects"):
            out += list(layer.tiled_objects)
        elif hasattr(layer, "layers") and layer.layers:
            out += _objects(layer.layers)
    return out


def _tile_layers(layers: list) -> list:
    out = []
    for layer in layers:
        if hasattr(layer, "data") or hasattr(layer, "chunks"):
            out.append(layer)
        elif hasattr(layer, "layers") and layer.layers:
            out += _tile_layers(layer.layers)
    return out


def _legend(tilesets: dict) -> tuple[dict[str, str], dict[int, str]]:
    """The legend, and the map character for each global tile id, from the tilesets."""
    legend: dict[str, str] = {}
    char_of: dict[int, str] = {}
    pending: list[tuple[int, str]] = []
    known = set(DEFAULT_LEGEND.values())
    for firstgid in sorted(tilesets):
        ts = tilesets[firstgid]
        for local_id in sorted(ts.tiles or {}):
            tile = ts.tiles[local_id]
            props = tile.properties or {}
            kind = props.get("kind") or tile.class_ or ""
            if kind not in known:
                raise TiledError(
                    f"tile {local_id} of tileset '{ts.name}' is '{kind or 'unnamed'}', not a tile kind "
                    f"(give it a type or a 'kind' property: {', '.join(sorted(known))})"
                )
            ch = props.get("char")
            if isinstance(ch, str) and len(ch) == 1 and ch not in legend:
                legend[ch] = kind
                char_of[firstgid + local_id] = ch
            else:
                pending.append((firstgid + local_id, kind))
    for gid, kind in pending:  # tiles drawn in Tiled without a character of ours
        same = next((c for c, k in legend.items() if k == kind), None)
        if same is None:
            default = next(c for c, k in DEFAULT_LEGEND.items() if k == kind)
            same = default if default not in legend else next(
                c for c in (chr(i) for i in range(33, 127)) if c not in legend
            )
            legend[same] = kind
        char_of[gid] = same
    return legend, char_of


def _cell(obj: Any, tw: float, th: float) -> tuple[int, int]:
    """The cell under an object: a point's own spot, or a shape's centre."""
    x = obj.coordinates.x + (obj.size.width or 0) / 2
    y = obj.coordinates.y + (obj.size.height or 0) / 2
    return int(math.floor(x / tw)), int(math.floor(y / th))


def _rect(obj: Any, tw: float, th: float) -> tuple[int, int, int, int]:
    x0 = int(round(obj.coordinates.x / tw))
    y0 = int(round(obj.coordinates.y / th))
    x1 = int(round((obj.coordinates.x + obj.size.width) / tw)) - 1
    y1 = int(round((obj.coordinates.y + obj.size.height) / th)) - 1
    return x0, y0, max(x0, x1), max(y0, y1)


def _is_area(obj: Any) -> bool:
    return (obj.size.width or 0) > 0 and (obj.size.height or 0) > 0 and type(obj).__name__ != "Point"


def load_tmj(path: str | Path) -> Level:
    """Read a Tiled JSON map into a level (raises TiledError saying what is wrong)."""
    import pytiled_parser  # 50 ms of start-up that only a Tiled file needs

    path = Path(path)
    try:
        tmap = pytiled_parser.parse_map(path)
    except FileNotFoundError as exc:
        raise TiledError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    except (KeyError, ValueError, TypeError, pytiled_parser.UnknownFormat) as exc:
        raise TiledError(f"{path}: not a Tiled JSON map Tiled could have saved ({type(exc).__name__}: {exc})") from None
    if tmap.orientation != "orthogonal":
        raise TiledError(f"{path}: the map is {tmap.orientation}; levels are orthogonal grids")
    if tmap.infinite:
        raise TiledError(f"{path}: infinite maps are not supported; untick 'Infinite' in Tiled's map properties")
    tw, th = float(tmap.tile_size.width), float(tmap.tile_size.height)
    props = dict(tmap.properties or {})
    where = path.name

    legend, char_of = _legend(tmap.tilesets)
    layers = _tile_layers(tmap.layers)
    if not layers:
        raise TiledError(f"{path}: the map has no tile layer")
    data = layers[0].data or []
    vac = next((c for c, k in legend.items() if k == "vacuum"), None)
    rows: list[str] = []
    needs_vacuum = False
    for grow in data:
        gids = [int(g) & GID_MASK for g in grow]
        while gids and gids[-1] == 0:  # cells past the end of a short row
            gids.pop()
        chars = []
        for g in gids:
            if g == 0:
                needs_vacuum = True
                chars.append(vac or " ")
            elif g in char_of:
                chars.append(char_of[g])
            else:
                raise TiledError(f"{path}: tile id {g} in layer '{layers[0].name}' is in no tileset")
        rows.append("".join(chars))
    if needs_vacuum and vac is None:
        legend[" "] = "vacuum"

    meta = Meta(
        name=_str(props, "name", path.stem),
        author=_str(props, "author"),
        briefing=_str(props, "briefing"),
        time_limit_s=_num(props, "time_limit_s", 1800.0, where),
        ceiling_height_m=_num(props, "ceiling_height_m", 2.4, where),
        nominal_pressure_bar=_num(props, "nominal_pressure_bar", 1.0, where),
        o2_fraction=_num(props, "o2_fraction", 0.21, where),
        seed=_int(props, "seed", 1, where),
    )
    life = LifeSupport(
        reserve_o2_kg=_num(props, "reserve_o2_kg", 0.0, where),
        feed_rate_g_s=_num(props, "feed_rate_g_s", 0.0, where),
    )
    version = _int(props, "format_version", FORMAT_VERSION, where)
    if version != FORMAT_VERSION:
        raise TiledError(f"{path}: format_version {version} is not supported (this game reads {FORMAT_VERSION})")

    tables: dict[str, list] = {k: [] for k in ("rooms", "modules", "hull_sections", "doors", "crew", "lockers", "events", "objectives")}
    injects: list = []
    for obj in _objects(tmap.layers):
        kind = (obj.class_ or "").strip()
        op = dict(obj.properties or {})
        here = f"{where}: object {obj.id} ('{obj.name}')"
        cell = _cell(obj, tw, th)
        if kind == "room":
            tables["rooms"].append(RoomDef(label=obj.name, at=cell, kind=_str(op, "kind", "quarters")))
        elif kind == "module":
            tables["modules"].append(ModuleDef(name=obj.name, at=cell))
        elif kind == "hull_section":
            tables["hull_sections"].append(HullSectionDef(name=obj.name, rect=_rect(obj, tw, th)))
        elif kind == "door":
            tables["doors"].append(DoorDef(
                at=cell, state=_str(op, "state", "closed"), name=obj.name,
                open_time_s=_num(op, "open_time_s", None, here), leak_cm2=_num(op, "leak_cm2", None, here),
            ))
        elif kind == "crew":
            tables["crew"].append(CrewDef(
                name=obj.name, role=_str(op, "role", "crew"), at=cell,
                equipment=_parse_list(op.get("equipment", "")), condition=_str(op, "condition", "awake"),
            ))
        elif kind == "locker":
            tables["lockers"].append(LockerDef(name=obj.name or "locker", at=cell, contents=_parse_list(op.get("contents", ""))))
        elif kind == "objective":
            tables["objectives"].append(ObjectiveDef(
                kind=_str(op, "kind", "survive"), description=obj.name, weight=_num(op, "weight", 1.0, here),
                people=_parse_list(op.get("people", "")), within_s=_num(op, "within_s", None, here),
            ))
        elif kind == "inject":
            injects.append(_inject_from(op, obj.name, here))
        elif kind in EVENT_PARAMS or kind == "event":
            tables["events"].append(_event_from(obj, kind if kind != "event" else _str(op, "kind"), op, cell, tw, th, here))
        # objects of other types (notes, decoration) are Tiled's business, not the level's
    if injects:
        tables["injects"] = injects
    steps, hints, problems = parse_lesson(_str(props, "lesson"), f"{where}: the 'lesson' property")
    if problems:
        raise TiledError("; ".join(str(p) for p in problems))
    return Level(
        meta=meta, rows=tuple(rows), legend=legend, life_support=life,
        **{k: tuple(v) for k, v in tables.items()}, format_version=version,
        lesson_steps=steps, lesson_hints=hints,
    )


def _inject_from(op: dict, note: str, here: str):
    kind = _str(op, "kind")
    params: dict[str, Any] = {}
    for key, (_, tag) in INJECT_PARAMS.get(kind, {}).items():
        if key not in op:
            continue
        if tag == "cell":
            params[key] = _parse_ints(op[key], 2)
        elif tag == "rect":
            params[key] = _parse_ints(op[key], 4)
        elif tag == "count":
            params[key] = _int(op, key, 1, here)
        elif tag in ("pos", "frac", "num", "nonneg"):
            params[key] = _num(op, key, None, here)
        else:
            params[key] = str(op[key])
    return InjectDef(at_s=_num(op, "at_s", 0.0, here), kind=kind, params=params, note=note)


def _event_from(obj: Any, kind: str, op: dict, cell: tuple[int, int], tw: float, th: float, here: str) -> EventDef:
    spec = EVENT_PARAMS.get(kind)
    if spec is None:
        raise TiledError(f"{here}: unknown event kind '{kind}' (known: {', '.join(EVENT_PARAMS)})")
    params: dict[str, Any] = {}
    for key, (_, tag) in spec.items():
        if key not in op:
            continue
        v = op[key]
        if tag == "cell":
            params[key] = _parse_ints(v, 2)
        elif tag == "rect":
            params[key] = _parse_ints(v, 4)
        elif tag == "count":
            params[key] = _int(op, key, 1, here)
        elif tag in ("pos", "frac", "num"):
            params[key] = _num(op, key, None, here)
        else:
            params[key] = str(v)
    if not op.get("unplaced"):
        if kind == "breach":
            params.setdefault("at", cell)
        elif kind == "door_jam":
            params.setdefault("door", cell)
        elif kind == "debris_fall":
            if _is_area(obj):
                params.setdefault("region", _rect(obj, tw, th))
            else:
                params.setdefault("at", cell)
    params = {k: params[k] for k in spec if k in params}  # the file's order, so text round trips too
    return EventDef(
        at_s=_num(op, "at_s", 0.0, here), kind=kind, params=params, chance=_num(op, "chance", 1.0, here),
    )


# ------------------------------------------------------------------ convert

def read_any(path: str | Path) -> Level:
    """A level from .toml (validated loader) or .tmj/.json (Tiled)."""
    path = Path(path)
    if path.suffix.lower() in (".tmj", ".json"):
        return load_tmj(path)
    return load_level(path)


def write_any(level: Level, path: str | Path) -> None:
    path = Path(path)
    if path.suffix.lower() in (".tmj", ".json"):
        save_tmj(level, path)
    else:
        save_level(level, path)
