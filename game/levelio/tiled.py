"""Tiled interoperability: a level from any Tiled map, and a level as a Tiled map.

Reading: the map and every tileset and template it names are checked and
copied by `tiled_guard` (limits, references inside the map's folder, no XML
entities, bounded decompression), pytiled-parser reads the checked copies
(.tmx or .tmj, embedded or external tilesets, CSV / base64 / zlib / gzip /
zstd data, infinite maps, group layers, templates, either spelling of an
object's class), and `tiled_read` turns what it read into a `Level`.
Writing is `tiled_write`: .tmj or .tmx, as Tiled saves them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytiled_parser
from pytiled_parser.parsers.json.tiled_map import parse as parse_json_map
from pytiled_parser.parsers.tmx.tiled_map import parse as parse_tmx_map

from game.levelio.load import load_level
from game.levelio.problems import TiledError
from game.levelio.save import save_level
from game.levelio.tiled_guard import Sandbox
from game.levelio.tiled_read import tiled_to_level
from game.levelio.tiled_write import save_tiled
from game.sim.level import Level

__all__ = ["TILED_SUFFIXES", "TiledError", "load_tiled", "read_any", "save_tiled", "write_any"]

TILED_SUFFIXES = (".tmx", ".tmj", ".json")


def load_tiled(path: str | Path) -> Level:
    """Read a Tiled map (.tmx, .tmj or .json) into a level; TiledError says what is wrong."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="breach-tiled-") as tmp:
        checked = Sandbox(path, Path(tmp)).prepare()
        parse = parse_tmx_map if checked.read_text(encoding="utf-8").startswith("<") else parse_json_map
        try:
            tmap = parse(checked, "utf-8")
        except RecursionError:
            raise TiledError(f"{path}: layers or objects are nested too deeply") from None
        except (pytiled_parser.UnknownFormat, NotImplementedError) as exc:
            raise TiledError(f"{path}: pytiled-parser cannot read this map: {exc}") from None
        except (KeyError, ValueError, TypeError, AttributeError, IndexError, AssertionError, OverflowError) as exc:
            # what the checks above let through and pytiled-parser still could not make sense of
            what = f"'{exc.args[0]}' is missing" if isinstance(exc, KeyError) else f"{type(exc).__name__}: {exc}"
            raise TiledError(f"{path}: not a map Tiled could have saved ({what})") from None
    try:
        return tiled_to_level(tmap, path)
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:  # a value of a type pytiled-parser passed on as it was
        raise TiledError(f"{path}: a value in the map is not what Tiled writes ({type(exc).__name__}: {exc})") from None


def read_any(path: str | Path) -> Level:
    """A level from .toml (validated loader) or a Tiled map."""
    path = Path(path)
    if path.suffix.lower() in TILED_SUFFIXES:
        return load_tiled(path)
    return load_level(path)


def write_any(level: Level, path: str | Path) -> None:
    path = Path(path)
    if path.suffix.lower() in TILED_SUFFIXES:
        save_tiled(level, path)
    else:
        save_level(level, path)

