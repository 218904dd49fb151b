"""Checking a Tiled map and every file it names before pytiled-parser sees them.

pytiled-parser reads whatever path it is given and trusts what it reads: it
follows a tileset or template source wherever it points, inflates layer data
without a bound, recurses into group layers and lets the XML parser expand
entities. So a map is first checked here, file by file, against the limits in
`game.sim.limits`: each file is read with `read_capped`, parsed once with
entity declarations refused, its nesting, sizes, numbers and compressed data
checked, filled in where old versions of Tiled left attributes out, and
written into a private folder under a plain name. pytiled-parser then reads
only that folder, where every reference points at a checked copy.

External references resolve only inside the map's own folder (or below it).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import Any, NoReturn
from xml.parsers import expat

import zstd

from game.levelio.files import UnreadableFile, inside_folder, nesting_depth, read_capped, utf8_text
from game.levelio.problems import TiledError
from game.levelio.validate import map_size_problem
from game.sim.limits import (
    MAX_DECOMPRESSED_BYTES,
    MAX_EXTERNAL_FILES,
    MAX_MAP_SIDE,
    MAX_NESTING,
    MAX_OBJECTS,
)

MAX_TILE_PX = 4096
MAX_COORD_PX = 1e9  # an object farther out than this is nowhere on any map
MAX_GID = 0xFFFFFFFF
_CSV = re.compile(r"\s*\d+\s*(,\s*\d+\s*)*,?\s*")
LAYER_TAGS = ("layer", "objectgroup", "imagelayer", "group")


def fail(file: Path, message: str, line: int | None = None) -> NoReturn:
    raise TiledError(f"{file}:{line}: {message}" if line else f"{file}: {message}")


# ------------------------------------------------------------------ parsing one file

def _xml(file: Path, raw: bytes) -> ET.Element:
    """The XML tree, after a first pass that refuses entity declarations and deep nesting."""
    p = expat.ParserCreate()
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def start(name: str, attrs: dict) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_NESTING:
            fail(file, f"XML elements are nested more than {MAX_NESTING} deep", p.CurrentLineNumber)

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    def entity(*_: Any) -> None:
        fail(file, "declares XML entities, which Tiled never writes (refused: they can expand without end "
                   "or read other files)", p.CurrentLineNumber)

    p.StartElementHandler, p.EndElementHandler = start, end
    p.EntityDeclHandler = entity
    p.UnparsedEntityDeclHandler = entity
    try:
        p.Parse(raw, True)
    except expat.ExpatError as exc:
        fail(file, f"not well-formed XML: {expat.ErrorString(exc.code)}", exc.lineno)
    return ET.fromstring(raw)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _json(file: Path, text: str) -> Any:
    try:
        doc = json.loads(text, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        fail(file, f"not valid JSON: {exc.msg}", exc.lineno)
    except RecursionError:
        fail(file, f"JSON arrays or objects are nested more than {MAX_NESTING} deep")
    except ValueError as exc:  # a constant above, or a number of thousands of digits
        fail(file, f"not valid JSON: {exc}")
    if nesting_depth(doc, MAX_NESTING) > MAX_NESTING:
        fail(file, f"JSON arrays or objects are nested more than {MAX_NESTING} deep")
    return doc


def read_doc(file: Path) -> tuple[str, Any]:
    """("xml", Element) or ("json", value) for one Tiled file, read within the limits."""
    try:
        raw = read_capped(file)
    except UnreadableFile as exc:
        fail(file, str(exc))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = utf8_text(raw)
    except UnicodeDecodeError as exc:
        fail(file, "not UTF-8 text (is this a Tiled file?)", raw[: exc.start].count(b"\n") + 1)
    if text.lstrip().startswith("<"):
        return "xml", _xml(file, raw)
    return "json", _json(file, text)


# ------------------------------------------------------------------ numbers and data

def _number(file: Path, value: Any, what: str) -> float:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            fail(file, f"{what} is {value[:20]!r}, not a number")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(file, f"{what} must be a number, not {type(value).__name__}")
    if not math.isfinite(value) or abs(value) > MAX_COORD_PX:
        fail(file, f"{what} is {value}, not a finite number within {MAX_COORD_PX:.0e} pixels")
    return float(value)


def _whole(file: Path, value: Any, what: str, low: int, high: int) -> int:
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,12}\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        fail(file, f"{what} must be a whole number from {low} to {high}, not {str(value)[:20]!r}")
    return value


def _zstd_size(data: bytes) -> int | None:
    """The content size a zstd frame header declares, or None when it does not say."""
    if len(data) < 6 or data[:4] != b"\x28\xb5\x2f\xfd":
        return None
    fhd = data[4]
    fcs_flag, single, dict_flag = fhd >> 6, (fhd >> 5) & 1, fhd & 3
    pos = 5 + (0 if single else 1) + (0, 1, 2, 4)[dict_flag]
    size = (1 if single else 0, 2, 4, 8)[fcs_flag]
    if size == 0 or len(data) < pos + size:
        return None
    value = int.from_bytes(data[pos : pos + size], "little")
    return value + 256 if size == 2 else value


def _inflate(file: Path, where: str, raw: bytes, compression: str, expected: int) -> bytes:
    """Decompressed layer data, never more than `expected` bytes (or the file is refused)."""
    limit = min(expected, MAX_DECOMPRESSED_BYTES)
    too_big = f"{where}: its tile data inflates to more than the {limit} bytes a {expected // 4}-tile layer holds"
    if compression in ("", None):
        return raw
    if compression in ("zlib", "gzip"):
        d = zlib.decompressobj(31 if compression == "gzip" else 15)
        try:
            out = d.decompress(raw, limit + 1)
            if len(out) <= limit:
                out += d.flush(limit + 1 - len(out))
        except zlib.error as exc:
            fail(file, f"{where}: its {compression} data is damaged ({exc})")
        if len(out) > limit or d.unconsumed_tail:
            fail(file, too_big)
        if d.unused_data.strip(b"\x00"):
            fail(file, f"{where}: there is more {compression} data after the layer's own")
        return out
    if compression == "zstd":
        declared = _zstd_size(raw)
        if declared is None:
            fail(file, f"{where}: its zstd data does not say how large it is; save the map again in Tiled")
        if declared > limit:
            fail(file, too_big)
        try:
            out = zstd.decompress(raw)
        except zstd.Error as exc:
            fail(file, f"{where}: its zstd data is damaged ({exc})")
        if len(out) > limit:
            fail(file, too_big)
        return out
    fail(file, f"{where}: compression '{compression}' is not one Tiled writes (zlib, gzip or zstd)")


def check_tile_data(file: Path, where: str, data: Any, encoding: str | None, compression: str | None, w: int, h: int) -> None:
    """Refuse layer data that is not exactly w x h tile ids, before anything inflates it."""
    count = w * h
    if isinstance(data, list) and encoding is None:  # JSON's plain array
        if len(data) != count or not all(type(g) is int and 0 <= g <= MAX_GID for g in data):
            fail(file, f"{where}: its data must be {w} x {h} = {count} tile ids (whole numbers from 0)")
        return
    if not isinstance(data, str):
        fail(file, f"{where}: its data must be a list of tile ids or base64 text")
    if encoding == "csv":
        if not _CSV.fullmatch(data) or data.count(",") + 1 - data.rstrip().endswith(",") != count:
            fail(file, f"{where}: its CSV data must be {w} x {h} = {count} tile ids")
        if any(int(g) > MAX_GID for g in data.replace(",", " ").split()):
            fail(file, f"{where}: a tile id is larger than 32 bits")
        return
    if encoding != "base64":
        fail(file, f"{where}: layer data encoding '{encoding}' is not one Tiled writes (csv or base64)")
    try:
        raw = base64.b64decode("".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        fail(file, f"{where}: its base64 data is damaged")
    out = _inflate(file, where, raw, compression or "", count * 4)
    if len(out) != count * 4:
        fail(file, f"{where}: its data holds {len(out) / 4:g} tiles, not {w} x {h} = {count}")


# ------------------------------------------------------------------ the whole map

def _check_map_header(file: Path, attrs: dict, infinite: bool) -> None:
    """Orientation, tile size and map size: what any map must get right (an XML map's attributes or a JSON map)."""
    orientation = attrs.get("orientation", "orthogonal")
    if orientation != "orthogonal":
        fail(file, f"the map is {str(orientation)[:40]}; only orthogonal maps can become levels "
                   f"(Map > Map Properties > Orientation in Tiled)")
    for key in ("tilewidth", "tileheight"):
        _whole(file, attrs.get(key), f"the map's {key}", 1, MAX_TILE_PX)
    w = _whole(file, attrs.get("width"), "the map's width", 1, 10**6 if infinite else MAX_MAP_SIDE)
    h = _whole(file, attrs.get("height"), "the map's height", 1, 10**6 if infinite else MAX_MAP_SIDE)
    if not infinite and map_size_problem(w, h):
        fail(file, map_size_problem(w, h))


class Sandbox:
    """Checks a map and the files it names, writing checked copies into `out`."""

    def __init__(self, map_file: Path, out: Path) -> None:
        self.map_file = map_file
        self.root = map_file.parent
        self.out = out
        self.copies: dict[Path, str] = {}
        self.objects = 0
        self.next_id = 1_000_000  # ids given to layers and objects old Tiled versions saved without one

    def prepare(self) -> Path:
        """The checked copy of the map, for pytiled-parser to read."""
        kind, doc = read_doc(self.map_file)
        if kind == "xml":
            self._map_xml(self.map_file, doc)
            text = ET.tostring(doc, encoding="unicode")
        else:
            self._map_json(self.map_file, doc)
            text = json.dumps(doc)
        path = self.out / f"map{self.map_file.suffix or '.tmj'}"
        path.write_text(text, encoding="utf-8")
        return path

    def _reference(self, owner: Path, source: Any, what: str, want: str) -> str:
        """Check the file a tileset or template source names; return its checked copy's name."""
        if not isinstance(source, str) or not source.strip():
            fail(owner, f"a {what} source must be a file name, not {str(source)[:40]!r}")
        target = owner.parent / source
        if not inside_folder(target, self.root):
            fail(owner, f"{what} '{source[:80]}' is outside the map's folder; keep tilesets and templates "
                        f"beside the map or in a folder below it")
        key = target.resolve()
        if key in self.copies:
            return self.copies[key]
        if len(self.copies) >= MAX_EXTERNAL_FILES:
            fail(owner, f"the map names more than {MAX_EXTERNAL_FILES} tilesets and templates")
        try:
            kind, doc = read_doc(target)
        except TiledError as exc:
            raise TiledError(f"{owner}: its {what} '{source[:80]}' cannot be used: {exc}") from None
        if kind != want:
            fail(target, f"a {'.tmx' if want == 'xml' else '.tmj'} map's {what} must be saved as "
                         f"{'XML (.tsx / .tx)' if want == 'xml' else 'JSON (.tsj / .tj)'} too")
        if what == "tileset":
            self._tileset_xml(target, doc) if kind == "xml" else self._tileset_json(target, doc)
        else:
            self._template(target, kind, doc)
        name = f"{what}{len(self.copies)}{target.suffix}"
        text = ET.tostring(doc, encoding="unicode") if kind == "xml" else json.dumps(doc)
        (self.out / name).write_text(text, encoding="utf-8")
        self.copies[key] = name
        return name

    def _fresh_id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def _count_object(self, file: Path) -> None:
        self.objects += 1
        if self.objects > MAX_OBJECTS:
            fail(file, f"the map has more than {MAX_OBJECTS} objects")

    # ---- XML (.tmx, .tsx, .tx)

    def _map_xml(self, file: Path, root: ET.Element) -> None:
        if root.tag != "map":
            fail(file, f"not a Tiled map: its root element is <{root.tag[:40]}>")
        a = root.attrib
        a.setdefault("infinite", "0")
        if a["infinite"] not in ("0", "1"):
            fail(file, f"the map's 'infinite' must be 0 or 1, not {a['infinite'][:20]!r}")
        _check_map_header(file, a, a["infinite"] == "1")
        for key, default in (("nextlayerid", "1"), ("nextobjectid", "1"), ("renderorder", "right-down"),
                             ("tiledversion", ""), ("version", "1.0")):
            a.setdefault(key, default)
        for ts in root.findall("tileset"):
            _whole(file, ts.get("firstgid"), "a tileset's firstgid", 1, MAX_GID)
            if ts.get("source") is not None:
                ts.set("source", self._reference(file, ts.get("source"), "tileset", "xml"))
            else:
                self._tileset_xml(file, ts)
        self._layers_xml(file, root, infinite=a["infinite"] == "1")

    def _layers_xml(self, file: Path, parent: ET.Element, infinite: bool) -> None:
        for layer in parent:
            if layer.tag not in LAYER_TAGS:
                continue
            layer.attrib.setdefault("id", self._fresh_id())
            name = f"layer '{layer.get('name', '')[:40]}'"
            if layer.tag == "group":
                self._layers_xml(file, layer, infinite)
            elif layer.tag == "layer":
                self._tile_layer_xml(file, layer, name, infinite)
            elif layer.tag == "objectgroup":
                for obj in layer.findall("object"):
                    self._object_xml(file, obj)

    def _tile_layer_xml(self, file: Path, layer: ET.Element, name: str, infinite: bool) -> None:
        w = _whole(file, layer.get("width"), f"{name}'s width", 1, 10**6 if infinite else MAX_MAP_SIDE)
        h = _whole(file, layer.get("height"), f"{name}'s height", 1, 10**6 if infinite else MAX_MAP_SIDE)
        data = layer.find("data")
        if data is None:
            fail(file, f"{name} has no <data>")
        encoding, compression = data.get("encoding"), data.get("compression")
        chunks = data.findall("chunk")
        if not chunks:
            if not infinite and map_size_problem(w, h):
                fail(file, f"{name}: {map_size_problem(w, h)}")
            if encoding is None:  # Tiled's old XML layer format: one <tile> per cell; pytiled reads CSV
                data.text = ",".join(t.get("gid", "0") for t in data.findall("tile"))
                for t in data.findall("tile"):
                    data.remove(t)
                data.set("encoding", encoding := "csv")
            check_tile_data(file, name, data.text or "", encoding, compression, w, h)
            return
        self._chunks(file, name, [(c, c.text or "") for c in chunks], encoding, compression)

    def _chunks(self, file: Path, name: str, chunks: list[tuple[Any, Any]], encoding: str | None, compression: str | None) -> None:
        """Check an infinite map's chunks (an XML element or a JSON object each, with its data)."""
        boxes = []
        for chunk, data in chunks:
            cx = _whole(file, chunk.get("x"), f"{name}: a chunk's x", -(2**31), 2**31 - 1)
            cy = _whole(file, chunk.get("y"), f"{name}: a chunk's y", -(2**31), 2**31 - 1)
            cw = _whole(file, chunk.get("width"), f"{name}: a chunk's width", 1, MAX_MAP_SIDE)
            ch = _whole(file, chunk.get("height"), f"{name}: a chunk's height", 1, MAX_MAP_SIDE)
            check_tile_data(file, f"{name} chunk at {cx},{cy}", data, encoding, compression, cw, ch)
            boxes.append((cx, cy, cw, ch))
        self._chunk_extent(file, name, boxes)

    def _chunk_extent(self, file: Path, name: str, boxes: list[tuple[int, int, int, int]]) -> None:
        x0 = min(b[0] for b in boxes)
        y0 = min(b[1] for b in boxes)
        x1 = max(b[0] + b[2] for b in boxes)
        y1 = max(b[1] + b[3] for b in boxes)
        if map_size_problem(x1 - x0, y1 - y0):
            fail(file, f"{name}: its chunks span {x1 - x0} x {y1 - y0} cells; {map_size_problem(x1 - x0, y1 - y0)}")

    def _object_xml(self, file: Path, obj: ET.Element) -> None:
        self._count_object(file)
        a = obj.attrib
        a.setdefault("id", self._fresh_id())
        where = f"object {a['id'][:12]}"
        if a.get("template") is not None:
            a["template"] = self._reference(file, a["template"], "template", "xml")
        else:
            a.setdefault("x", "0")
            a.setdefault("y", "0")
        for key in ("x", "y", "width", "height", "rotation"):
            if key in a:
                _number(file, a[key], f"{where}'s {key}")
        if "gid" in a:
            _whole(file, a["gid"], f"{where}'s gid", 0, MAX_GID)

    def _tileset_xml(self, file: Path, ts: ET.Element) -> None:
        if ts.tag != "tileset":
            fail(file, f"not a Tiled tileset: its root element is <{ts.tag[:40]}>")
        a = ts.attrib
        a.setdefault("name", "")
        tw = _whole(file, a.get("tilewidth"), "the tileset's tilewidth", 1, MAX_TILE_PX)
        th = _whole(file, a.get("tileheight"), "the tileset's tileheight", 1, MAX_TILE_PX)
        tiles = ts.findall("tile")
        if len(tiles) > MAX_OBJECTS:
            fail(file, f"the tileset has more than {MAX_OBJECTS} tiles")
        for t in tiles:
            _whole(file, t.get("id"), "a tile's id", 0, MAX_GID)
        image = ts.find("image")
        if "tilecount" not in a or "columns" not in a:  # left out by Tiled before 1.0
            count, columns = self._grid(file, image.attrib if image is not None else {}, tw, th,
                                        int(a.get("spacing", 0) or 0), int(a.get("margin", 0) or 0), len(tiles))
            a.setdefault("tilecount", str(count))
            a.setdefault("columns", str(columns))
        _whole(file, a["tilecount"], "the tileset's tilecount", 0, MAX_GID)
        _whole(file, a["columns"], "the tileset's columns", 0, MAX_GID)
        if image is not None:
            image.attrib.setdefault("width", "0")
            image.attrib.setdefault("height", "0")

    def _grid(self, file: Path, image: dict, tw: int, th: int, spacing: int, margin: int, n_tiles: int) -> tuple[int, int]:
        """(tilecount, columns) of a tileset image, as Tiled works them out."""
        if not image:
            return n_tiles, 0
        iw = _whole(file, image.get("width", image.get("imagewidth", 0)), "the tileset image's width", 0, 10**6)
        ih = _whole(file, image.get("height", image.get("imageheight", 0)), "the tileset image's height", 0, 10**6)
        columns = max(0, (iw - 2 * margin + spacing) // (tw + spacing))
        rows = max(0, (ih - 2 * margin + spacing) // (th + spacing))
        return columns * rows, columns

    def _template(self, file: Path, kind: str, doc: Any) -> None:
        if kind == "xml":
            if doc.tag != "template" or doc.find("object") is None:
                fail(file, "not a Tiled object template (.tx): it needs <template><object/></template>")
            ts = doc.find("tileset")
            if ts is not None and ts.get("source") is not None:
                ts.set("source", self._reference(file, ts.get("source"), "tileset", "xml"))
            obj = doc.find("object")
            for key in ("x", "y", "width", "height", "rotation"):
                if key in obj.attrib:
                    _number(file, obj.attrib[key], f"the template's {key}")
            return
        if not isinstance(doc, dict) or not isinstance(doc.get("object"), dict):
            fail(file, "not a Tiled object template (.tj): it needs an 'object'")
        ts = doc.get("tileset")
        if isinstance(ts, dict) and "source" in ts:
            ts["source"] = self._reference(file, ts["source"], "tileset", "json")
        for key in ("x", "y", "width", "height", "rotation"):
            if key in doc["object"]:
                _number(file, doc["object"][key], f"the template's {key}")

    # ---- JSON (.tmj, .tsj, .tj)

    def _map_json(self, file: Path, doc: Any) -> None:
        if not isinstance(doc, dict) or doc.get("type", "map") != "map":
            fail(file, "not a Tiled map: a .tmj file holds one JSON object whose type is \"map\"")
        infinite = doc.setdefault("infinite", False)
        if not isinstance(infinite, bool):
            fail(file, "the map's 'infinite' must be true or false")
        _check_map_header(file, doc, infinite)
        for key, default in (("nextlayerid", 1), ("nextobjectid", 1), ("renderorder", "right-down"),
                             ("tiledversion", ""), ("version", "1.0")):
            doc.setdefault(key, default)
        tilesets = doc.setdefault("tilesets", [])
        layers = doc.get("layers")
        if not isinstance(tilesets, list) or not isinstance(layers, list):
            fail(file, "the map's 'tilesets' and 'layers' must be lists")
        for ts in tilesets:
            if not isinstance(ts, dict):
                fail(file, "each tileset must be a JSON object")
            _whole(file, ts.get("firstgid"), "a tileset's firstgid", 1, MAX_GID)
            if "source" in ts:
                ts["source"] = self._reference(file, ts["source"], "tileset", "json")
            else:
                self._tileset_json(file, ts)
        self._layers_json(file, layers, bool(infinite))

    def _layers_json(self, file: Path, layers: list, infinite: bool) -> None:
        for layer in layers:
            if not isinstance(layer, dict):
                fail(file, "each layer must be a JSON object")
            name = f"layer '{str(layer.get('name', ''))[:40]}'"
            kind = layer.get("type")
            if kind not in ("tilelayer", "objectgroup", "imagelayer", "group"):
                fail(file, f"{name} has type {str(kind)[:20]!r}, which Tiled 1.0 and later do not write; "
                           f"open the map in a current Tiled and save it again")
            for key, default in (("name", ""), ("opacity", 1), ("visible", True), ("id", int(self._fresh_id())),
                                 ("x", 0), ("y", 0)):
                layer.setdefault(key, default)
            if kind == "group":
                if not isinstance(layer.get("layers"), list):
                    fail(file, f"{name}: a group layer's 'layers' must be a list")
                self._layers_json(file, layer["layers"], infinite)
            elif kind == "tilelayer":
                self._tile_layer_json(file, layer, name, infinite)
            elif kind == "objectgroup":
                objects = layer.get("objects")
                if not isinstance(objects, list):
                    fail(file, f"{name}: 'objects' must be a list")
                layer.setdefault("draworder", "topdown")
                for obj in objects:
                    self._object_json(file, obj)

    def _tile_layer_json(self, file: Path, layer: dict, name: str, infinite: bool) -> None:
        w = _whole(file, layer.get("width"), f"{name}'s width", 1, 10**6 if infinite else MAX_MAP_SIDE)
        h = _whole(file, layer.get("height"), f"{name}'s height", 1, 10**6 if infinite else MAX_MAP_SIDE)
        encoding = layer.get("encoding")
        if encoding in (None, "csv"):  # JSON's plain arrays; pytiled-parser takes any encoding to mean base64
            layer.pop("encoding", None)
            encoding = None
        compression = layer.setdefault("compression", "")
        if "chunks" not in layer:
            if map_size_problem(w, h):
                fail(file, f"{name}: {map_size_problem(w, h)}")
            check_tile_data(file, name, layer.get("data"), encoding, compression, w, h)
            return
        chunks = layer["chunks"]
        if not isinstance(chunks, list) or not chunks or not all(isinstance(c, dict) for c in chunks):
            fail(file, f"{name}: 'chunks' must be a list of chunk objects")
        layer.setdefault("startx", 0)
        layer.setdefault("starty", 0)
        self._chunks(file, name, [(c, c.get("data")) for c in chunks], encoding, compression)

    def _object_json(self, file: Path, obj: Any) -> None:
        if not isinstance(obj, dict):
            fail(file, "each object must be a JSON object")
        self._count_object(file)
        obj.setdefault("id", int(self._fresh_id()))
        where = f"object {str(obj['id'])[:12]}"
        if "template" in obj:
            obj["template"] = self._reference(file, obj["template"], "template", "json")
        else:
            for key, default in (("name", ""), ("visible", True), ("width", 0), ("height", 0), ("rotation", 0)):
                obj.setdefault(key, default)
        obj.setdefault("x", 0)
        obj.setdefault("y", 0)
        for key in ("x", "y", "width", "height", "rotation"):
            if key in obj:
                _number(file, obj[key], f"{where}'s {key}")
        if "gid" in obj:
            _whole(file, obj["gid"], f"{where}'s gid", 0, MAX_GID)
        if "properties" in obj and not isinstance(obj["properties"], list):
            fail(file, f"{where}: 'properties' must be a list")

    def _tileset_json(self, file: Path, ts: Any) -> None:
        if not isinstance(ts, dict):
            fail(file, "not a Tiled tileset: a .tsj file holds one JSON object")
        ts.setdefault("name", "")
        tw = _whole(file, ts.get("tilewidth"), "the tileset's tilewidth", 1, MAX_TILE_PX)
        th = _whole(file, ts.get("tileheight"), "the tileset's tileheight", 1, MAX_TILE_PX)
        spacing = _whole(file, ts.setdefault("spacing", 0), "the tileset's spacing", 0, MAX_TILE_PX)
        margin = _whole(file, ts.setdefault("margin", 0), "the tileset's margin", 0, MAX_TILE_PX)
        tiles = ts.get("tiles", [])
        if isinstance(tiles, dict):  # before Tiled 1.2 tiles were an object keyed by id
            fail(file, "the tileset was saved by a Tiled older than 1.2; open it in a current Tiled and save it again")
        if not isinstance(tiles, list) or len(tiles) > MAX_OBJECTS or not all(isinstance(t, dict) for t in tiles):
            fail(file, f"the tileset's 'tiles' must be a list of at most {MAX_OBJECTS} tile objects")
        for t in tiles:
            _whole(file, t.get("id"), "a tile's id", 0, MAX_GID)
        if "tilecount" not in ts:
            ts["tilecount"] = self._grid(file, {k: ts[k] for k in ("imagewidth", "imageheight") if k in ts},
                                         tw, th, spacing, margin, len(tiles))[0]
        _whole(file, ts["tilecount"], "the tileset's tilecount", 0, MAX_GID)

