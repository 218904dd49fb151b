"""Tiled interoperability: our levels survive a trip through .tmj, and maps
Tiled saved (either spelling of an object's type) load, validate and play."""

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
from game.levelio.tiled import TiledError, load_tmj, save_tmj
from game.sim.events import BreachOpened, DebrisFell, DoorJammed
from game.sim.world import create_world, run_until

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
LEVELS = sorted((ROOT / "levels").glob("*.toml"))


@pytest.mark.parametrize("path", LEVELS, ids=lambda p: p.stem)
def test_every_shipped_level_comes_back_equal_from_tiled(path, tmp_path):
    level = load_level(path)
    out = tmp_path / f"{path.stem}.tmj"
    save_tmj(level, out)
    back = load_tmj(out)
    assert back == level
    assert level_to_toml(back) == level_to_toml(level)  # and the saved text, line for line
    doc = json.loads(out.read_text())
    assert doc["type"] == "map" and doc["orientation"] == "orthogonal"
    tiles = doc["layers"][0]
    assert tiles["type"] == "tilelayer" and len(tiles["data"]) == level.width * level.height
    assert (tmp_path / f"{path.stem}_tiles.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_maps_saved_by_tiled_load_with_either_object_type_spelling():
    old = load_tmj(DATA / "tiled18_type.tmj")  # Tiled 1.8: "type" on objects and tiles
    new = load_tmj(DATA / "tiled19_class.tmj")  # Tiled 1.9: "class"
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
    level = load_tmj(DATA / "tiled19_class.tmj")
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
        load_tmj(bad)
    bad.write_text("{not json")
    with pytest.raises(TiledError):
        load_tmj(bad)


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
