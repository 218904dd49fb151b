"""Writing a level as a Tiled map: .tmj (JSON) or .tmx (XML), as Tiled saves them.

One tile layer ("map") whose tiles come from an embedded tileset with one
tile per legend character (its class is the tile kind; custom properties
`kind` and `char`), object layers for rooms, modules, hull sections, doors,
crew, lockers, timeline events, objectives and injects, and the level's
metadata as map properties. A small tileset image is written beside the map
so Tiled shows the plan. Anything Tiled has no place for travels in custom
properties, so level -> Tiled -> level gives back an equal `Level`.
"""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import Any

from game.atomicfile import write_atomic
from game.levelio.save import lesson_tables
from game.sim.level import EVENT_PARAMS, INJECT_PARAMS, DoorDef, EventDef, InjectDef, Level, ObjectiveDef, RoomDef

TILE_PX = 16
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


# ------------------------------------------------------------------ writing

def _prop(name: str, kind: str, value: Any) -> dict:
    if kind == "float":
        value = float(value)
    elif kind == "int":
        value = int(value)
    elif kind == "string":
        value = str(value)
    return {"name": name, "type": kind, "value": value}


def _list_text(items: tuple[str, ...]) -> str:
    """A list as Tiled-friendly text: 'a, b', or JSON when an item has a comma."""
    if any("," in s or s != s.strip() or not s for s in items):
        return json.dumps(list(items))
    return ", ".join(items)


def _cell_text(v: tuple[int, ...]) -> str:
    return ",".join(str(int(c)) for c in v)


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


def _param_props(spec: dict[str, tuple[bool, str]], params: dict[str, Any], skip: str | None = None) -> list[dict]:
    """An event's or inject's parameters as typed properties (cells as "x,y" text)."""
    props = []
    for key, value in params.items():
        if key == skip:
            continue
        tag = spec.get(key, (False, "str"))[1]
        if tag in ("cell", "rect"):
            props.append(_prop(key, "string", _cell_text(value)))
        elif tag == "count":
            props.append(_prop(key, "int", value))
        elif tag in ("pos", "frac", "num", "nonneg"):
            props.append(_prop(key, "float", value))
        elif tag == "bool":
            props.append(_prop(key, "bool", bool(value)))
        else:
            props.append(_prop(key, "string", str(value)))
    return props


def _room_props(r: RoomDef) -> list[dict]:
    """A room's kind, and its starting air where the level sets it."""
    props = [_prop("kind", "string", r.kind)]
    for key in ("pressure_bar", "o2_fraction", "temperature_k"):
        if getattr(r, key) is not None:
            props.append(_prop(key, "float", getattr(r, key)))
    return props


def _event_object(objs: _Objects, e: EventDef) -> dict:
    p = dict(e.params)
    geometry = "region" if "region" in p else ("door" if "door" in p else ("at" if "at" in p else None))
    props = [_prop("at_s", "float", e.at_s)]
    if e.chance != 1.0:
        props.append(_prop("chance", "float", e.chance))
    props += _param_props(EVENT_PARAMS.get(e.kind, {}), p, skip=geometry)
    name = f"{e.kind} at {e.at_s:g} s"
    if geometry == "region":
        return objs.rect(tuple(p["region"]), name, e.kind, props)
    cell = tuple(p[geometry]) if geometry else (0, 0)
    if geometry is None:
        props.append(_prop("unplaced", "bool", True))
    return objs.point(cell, name, e.kind, props)


def _inject_object(objs: _Objects, inj: InjectDef) -> dict:
    """A planned instructor inject: its kind, time and parameters as properties."""
    props = [_prop("kind", "string", inj.kind), _prop("at_s", "float", inj.at_s)]
    props += _param_props(INJECT_PARAMS.get(inj.kind, {}), inj.params)
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
    props += [_prop(k, "string" if k == "seed" and not -(2**31) <= m.seed < 2**31 else t, getattr(m, k))
              for k, t in META_PROPS]
    props += [_prop(k, t, getattr(ls, k)) for k, t in LIFE_PROPS]
    if level.lesson_steps or level.lesson_hints:  # a lesson travels as its own TOML tables in one map property
        props.append(_prop("lesson", "string", "\n\n".join(lesson_tables(level)) + "\n"))

    o = _Objects(tile_px, tile_px)
    layers: list[dict] = [{
        "data": data, "height": h, "id": 1, "name": "map", "opacity": 1, "type": "tilelayer",
        "visible": True, "width": w, "x": 0, "y": 0,
    }]
    groups = [
        ("rooms", [o.point(r.at, r.label, "room", _room_props(r)) for r in level.rooms]),
        ("modules", [o.point(mo.at, mo.name, "module", []) for mo in level.modules]),
        ("hull_sections", [o.rect(s.rect, s.name, "hull_section", []) for s in level.hull_sections]),
        ("doors", [o.point(d.at, d.name, "door", _door_props(d)) for d in level.doors]),
        ("crew", [
            o.point(c.at, c.name, "crew", [
                _prop("role", "string", c.role), _prop("equipment", "string", _list_text(c.equipment)),
                _prop("condition", "string", c.condition), _prop("injury", "string", c.injury),
            ] + ([_prop("spo2", "float", c.spo2)] if c.spo2 is not None else [])) for c in level.crew
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
    if d.pry_time_s is not None:
        props.append(_prop("pry_time_s", "float", d.pry_time_s))
    return props


def _objective_props(ob: ObjectiveDef) -> list[dict]:
    props = [_prop("kind", "string", ob.kind), _prop("weight", "float", ob.weight)]
    if ob.people:
        props.append(_prop("people", "string", _list_text(ob.people)))
    if ob.within_s is not None:
        props.append(_prop("within_s", "float", ob.within_s))
    if ob.max_injury != "none":
        props.append(_prop("max_injury", "string", ob.max_injury))
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


def _xml_props(parent: ET.Element, props: list[dict]) -> None:
    if not props:
        return
    el = ET.SubElement(parent, "properties")
    for p in props:
        attrs = {"name": p["name"]}
        if p["type"] != "string":
            attrs["type"] = p["type"]
        value = p["value"]
        text = ("true" if value else "false") if isinstance(value, bool) else (repr(value) if isinstance(value, float) else str(value))
        prop = ET.SubElement(el, "property", attrs)
        if "\n" in text:
            prop.text = text  # Tiled keeps multi-line text as the element's content
        else:
            prop.set("value", text)


def tmj_to_tmx(doc: dict) -> str:
    """The same map in Tiled's XML format (.tmx), laid out as Tiled writes it."""
    keys = ("version", "tiledversion", "orientation", "renderorder", "width", "height", "tilewidth", "tileheight")
    root = ET.Element("map", {k: str(doc[k]) for k in keys})
    root.attrib.update(infinite="0", nextlayerid=str(doc["nextlayerid"]), nextobjectid=str(doc["nextobjectid"]))
    _xml_props(root, doc["properties"])
    for ts in doc["tilesets"]:
        el = ET.SubElement(root, "tileset", {k: str(ts[k]) for k in ("firstgid", "name", "tilewidth", "tileheight", "tilecount", "columns")})
        if "image" in ts:
            ET.SubElement(el, "image", source=ts["image"], width=str(ts["imagewidth"]), height=str(ts["imageheight"]))
        for tile in ts["tiles"]:
            _xml_props(ET.SubElement(el, "tile", id=str(tile["id"]), type=tile["type"]), tile["properties"])
    for layer in doc["layers"]:
        common = {"id": str(layer["id"]), "name": layer["name"]}
        if not layer["visible"]:
            common["visible"] = "0"
        if layer["type"] == "tilelayer":
            el = ET.SubElement(root, "layer", common, width=str(layer["width"]), height=str(layer["height"]))
            w = max(1, layer["width"])
            data = layer["data"]
            rows = [",".join(str(g) for g in data[i : i + w]) for i in range(0, len(data), w)]
            ET.SubElement(el, "data", encoding="csv").text = "\n" + ",\n".join(rows) + "\n"
            continue
        el = ET.SubElement(root, "objectgroup", common)
        for obj in layer["objects"]:
            attrs = {"id": str(obj["id"]), "name": obj["name"], "type": obj["type"], "x": f"{obj['x']:g}", "y": f"{obj['y']:g}"}
            if not obj.get("point"):
                attrs.update(width=f"{obj['width']:g}", height=f"{obj['height']:g}")
            o = ET.SubElement(el, "object", attrs)
            _xml_props(o, obj.get("properties", []))
            if obj.get("point"):
                ET.SubElement(o, "point")
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def save_tiled(level: Level, path: str | Path) -> None:
    """Write the map (.tmx or .tmj/.json, atomically) and its tileset image beside it."""
    path = Path(path)
    image = f"{path.stem}_tiles.png"
    write_atomic(path.with_name(image), tileset_png(level))
    doc = level_to_tmj(level, image=image)
    write_atomic(path, tmj_to_tmx(doc) if path.suffix.lower() == ".tmx" else _dumps(doc) + "\n")


