"""Tiled interoperability: our levels survive a trip through .tmj and .tmx,
maps Tiled saved (either spelling of an object's type, every layer format,
external tilesets, infinite maps, groups, templates) load, validate and play,
and a map not made for this game becomes a level or is refused with a reason."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.editor.model import validate_level
from game.levelio.load import load_level
from game.levelio.save import level_to_toml
from game.levelio.load import validate_file
from game.levelio.tiled import TiledError, load_tiled, save_tiled
from game.sim.events import BreachOpened, DebrisFell, DoorJammed
from game.sim.world import create_world, run_until

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
LEVELS = sorted((ROOT / "levels").glob("*.toml"))


@pytest.mark.parametrize("path", LEVELS, ids=lambda p: p.stem)
def test_every_shipped_level_comes_back_equal_from_tiled(path, tmp_path):
    level = load_level(path)
    out = tmp_path / f"{path.stem}.tmj"
    save_tiled(level, out)
    back = load_tiled(out)
    assert back == level
    assert level_to_toml(back) == level_to_toml(level)  # and the saved text, line for line
    doc = json.loads(out.read_text())
    assert doc["type"] == "map" and doc["orientation"] == "orthogonal"
    tiles = doc["layers"][0]
    assert tiles["type"] == "tilelayer" and len(tiles["data"]) == level.width * level.height
    assert (tmp_path / f"{path.stem}_tiles.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_maps_saved_by_tiled_load_with_either_object_type_spelling():
    old = load_tiled(DATA / "tiled18_type.tmj")  # Tiled 1.8: "type" on objects and tiles
    new = load_tiled(DATA / "tiled19_class.tmj")  # Tiled 1.9: "class"
    assert old == new
    assert old.rows[4] == "H...#....H"  # a horizontally flipped wall tile is still a wall
    assert [r.label for r in old.rooms] == ["Quarters", "Lab"] and old.rooms[1].at == (7, 3)
    assert old.doors[0].open_time_s == 12.0 and old.doors[0].at == (4, 2)
    assert old.crew[0].equipment == ("respirator", "crowbar") and old.crew[1].condition == "asleep"
    assert old.hull_sections[0].rect == (1, 0, 8, 0)
    assert [e.kind for e in old.events] == ["breach", "door_jam", "debris_fall"]
    assert old.events[2].params["region"] == (5, 1, 6, 2) and old.events[1].chance == 0.5
    assert old.meta.time_limit_s == 600.0 and isinstance(old.meta.time_limit_s, float) and old.meta.seed == 7
    assert validate_level(old) == []


def test_an_imported_tiled_map_plays():
    level = load_tiled(DATA / "tiled19_class.tmj")
    world = create_world(level)
    run_until(world, 20.0)
    kinds = {type(e) for e in world.events}
    assert {BreachOpened, DebrisFell} <= kinds
    assert world.compartments.pressure_bar.min() < 1.0  # the breach vents the room behind it
    assert DoorJammed in kinds or world.doors[0].state == "closed"  # a 50 % chance event


def test_a_map_tiled_cannot_describe_as_a_level_says_why(tmp_path):
    doc = json.loads((DATA / "tiled19_class.tmj").read_text())
    doc["tilesets"][0]["tiles"][2]["class"] = "lava"
    bad = tmp_path / "bad.tmj"
    bad.write_text(json.dumps(doc))
    with pytest.raises(TiledError, match="lava"):
        load_tiled(bad)
    bad.write_text("{not json")
    with pytest.raises(TiledError):
        load_tiled(bad)


def test_convert_command_goes_both_ways(tmp_path):
    from game.cli import main

    tmj = tmp_path / "tutorial.tmj"
    back = tmp_path / "tutorial.toml"
    done = subprocess.run([sys.executable, "main.py", "convert", "levels/tutorial.toml", str(tmj)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert main(["convert", str(tmj), str(back)]) == 0
    assert validate_file(back) == []
    assert load_level(back) == load_level(ROOT / "levels" / "tutorial.toml")
    assert main(["convert", str(tmj), str(tmp_path / "x.txt")]) == 2  # says what it can write instead


MAPS = DATA / "tiled"  # written the way Tiled 1.10 saves them
SAME_CLOSET = [
    "closet_base64.tmx",  # base64, no compression
    "closet_zlib.tmx",  # base64 + zlib, tileset embedded
    "closet_zstd.tmx",  # base64 + zstd
    "closet_groups.tmx",  # gzip, the tile layer and the objects in group layers, crew from a .tx template
    "closet_groups.tmj",  # the same in JSON: external .tsj, gzip, groups, a .tj template
    "closet_infinite.tmx",  # an infinite map: CSV chunks starting left of 0, objects placed to match
]


@pytest.mark.parametrize("name", SAME_CLOSET)
def test_every_layer_format_and_layout_gives_the_same_level(name):
    reference = load_tiled(MAPS / "closet.tmx")  # CSV, external .tsx
    assert load_tiled(MAPS / name) == reference


def test_a_map_made_in_tiled_for_this_game_validates_and_plays():
    level = load_tiled(MAPS / "closet.tmx")
    assert level.rows[2] == "H....+...H" and level.legend["+"] == "door"
    assert [r.label for r in level.rooms] == ["Quarters", "Lab"] and level.doors[0].at == (5, 2)
    assert level.crew[0].role == "engineer" and level.crew[0].equipment == ("respirator",)
    assert level.meta.seed == 5 and level.meta.time_limit_s == 300.0
    assert validate_level(level) == []
    world = create_world(level)
    run_until(world, 10.0)
    assert any(isinstance(e, BreachOpened) for e in world.events)


@pytest.mark.parametrize("suffix", [".tmx", ".tmj"])
def test_a_tiled_map_converts_both_ways(tmp_path, suffix):
    from game.cli import main

    toml = tmp_path / "closet.toml"
    again = tmp_path / f"again{suffix}"
    assert main(["convert", str(MAPS / "closet.tmx"), str(toml)]) == 0
    assert main(["convert", str(toml), str(again)]) == 0
    assert load_tiled(again) == load_tiled(MAPS / "closet.tmx") == load_level(toml)


@pytest.mark.parametrize("path", LEVELS, ids=lambda p: p.stem)
def test_every_shipped_level_comes_back_equal_from_tmx(path, tmp_path):
    level = load_level(path)
    out = tmp_path / f"{path.stem}.tmx"
    save_tiled(level, out)
    assert out.read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>\n<map version=')
    assert load_tiled(out) == level


def test_another_games_map_follows_its_tiles_properties_and_classes():
    level = load_tiled(MAPS / "dungeon_foreign.tmx")  # walls say collides=true, the door's class is "door"
    assert level.rows[0] == "############"
    assert level.rows[3] == "#.....+....#"  # the Walls layer's door over the Ground layer's floor
    assert level.legend["#"] == "wall" and level.legend["."] == "floor"
    assert level.crew == () and level.rooms == ()  # its "Location" and "Trigger" objects are not ours


@pytest.mark.parametrize("name, reason", [
    ("meadow_foreign.tmx", "no tile is marked as a wall"),
    ("isometric.tmx", "the map is isometric; only orthogonal maps"),
])
def test_a_map_that_cannot_be_a_level_says_what_to_change(name, reason):
    with pytest.raises(TiledError, match=reason) as info:
        load_tiled(MAPS / name)
    assert str(info.value).startswith(str(MAPS / name))


def test_references_resolve_only_inside_the_maps_folder(tmp_path):
    maps = tmp_path / "maps"
    maps.mkdir()
    (tmp_path / "station.tsx").write_text((MAPS / "station.tsx").read_text())
    text = (MAPS / "closet.tmx").read_text().replace('source="station.tsx"', 'source="../station.tsx"')
    (maps / "closet.tmx").write_text(text)
    with pytest.raises(TiledError, match="outside the map's folder"):
        load_tiled(maps / "closet.tmx")
    (maps / "sub").mkdir()
    (maps / "sub" / "station.tsx").write_text((MAPS / "station.tsx").read_text())
    (maps / "closet.tmx").write_text(text.replace("../station.tsx", "sub/station.tsx"))
    assert load_tiled(maps / "closet.tmx").rows == load_tiled(MAPS / "closet.tmx").rows  # below it is fine


def test_hostile_xml_and_bombs_are_refused_quickly(tmp_path):
    from tests.fuzz_cases import _bomb

    laughs = '<!DOCTYPE map [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
    text = (MAPS / "closet_zlib.tmx").read_text()
    bad = tmp_path / "laughs.tmx"
    bad.write_text(text.replace("<map ", laughs + "<map ", 1).replace('name="Quarters"', 'name="&b;"'))
    with pytest.raises(TiledError, match="declares XML entities"):
        load_tiled(bad)
    doc = json.loads((DATA / "tiled19_class.tmj").read_text())
    doc["layers"][0].update(encoding="base64", compression="zlib", data=_bomb("zlib"))  # 0.7 MB inflating to 512 MB
    bomb = tmp_path / "bomb.tmj"
    bomb.write_text(json.dumps(doc))
    with pytest.raises(TiledError, match="inflates to more than"):
        load_tiled(bomb)
