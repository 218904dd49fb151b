"""The editor's document without a window: commands, undo/redo, tools, autosave, what-if."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.editor import edits
from game.editor.commands import ResizeMap, SetValue
from game.editor.model import EditorModel, autosave_path, blank_level, find_recovery, validate_level
from game.editor.whatif import format_tuc, what_if
from game.levelio.load import load_level
from game.levelio.save import level_to_toml
from game.sim.level import DoorDef
from game.sim.world import create_world, run_until

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = load_level(ROOT / "levels" / "tutorial.toml")
KINDS = ("floor", "wall", "module_wall", "hull", "vacuum", "cut", "door", "bulkhead")
TABLES = ("rooms", "modules", "doors", "crew", "lockers", "events", "objectives", "hull_sections")


@pytest.fixture(autouse=True)
def _autosave_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BREACH_PROTOCOL_AUTOSAVE_DIR", str(tmp_path / "autosave"))


# ----------------------------------------------------------- undo and redo

cells = st.tuples(st.integers(-2, 31), st.integers(-2, 10))
edit_ops = st.one_of(
    st.tuples(st.just("paint"), st.lists(cells, min_size=1, max_size=12), st.sampled_from(KINDS)),
    st.tuples(st.just("fill"), cells, st.sampled_from(KINDS)),
    st.tuples(st.just("door"), cells, st.sampled_from(("door", "bulkhead", "hatch")), st.sampled_from(("open", "closed", "jammed"))),
    st.tuples(st.just("place"), st.sampled_from(("rooms", "modules", "crew", "lockers")), cells),
    st.tuples(st.just("event"), st.sampled_from(("breach", "debris_fall", "door_jam")), cells, st.floats(0, 600)),
    st.tuples(st.just("delete"), st.sampled_from(TABLES), st.integers(0, 20)),
    st.tuples(st.just("move"), st.sampled_from(TABLES), st.integers(0, 20), cells),
    st.tuples(st.just("rename"), st.sampled_from(("crew", "rooms", "lockers")), st.integers(0, 20), st.text(max_size=8)),
    st.tuples(st.just("meta"), st.text(max_size=10), st.floats(60, 3600)),
    st.tuples(st.just("resize"), st.integers(3, 36), st.integers(3, 12)),
    st.tuples(st.just("copy_paste"), cells, cells, cells),
    st.tuples(st.just("objective"),),
)


def command_for(level, op):
    kind = op[0]
    if kind == "paint":
        return edits.paint(level, op[1], op[2])
    if kind == "fill":
        return edits.flood_fill(level, op[1], op[2])
    if kind == "door":
        return edits.place_door(level, op[1], op[2], op[3])
    if kind == "place":
        return edits.place(level, op[1], op[2])
    if kind == "event":
        return edits.add_event(level, op[1], op[2], at_s=op[3])
    if kind in ("delete", "move", "rename"):
        items = getattr(level, op[1])
        if not items:
            return None
        ref = (op[1], op[2] % len(items))
        if kind == "delete":
            return edits.delete(level, ref)
        if kind == "move":
            return edits.move(level, ref, op[3])
        item = items[ref[1]]
        field = "label" if op[1] == "rooms" else "name"
        return edits.configure(level, ref, replace(item, **{field: op[3]}))
    if kind == "meta":
        return SetValue("meta", replace(level.meta, name=op[1], time_limit_s=op[2]))
    if kind == "resize":
        return ResizeMap(op[1], op[2])
    if kind == "copy_paste":
        return edits.paste(level, edits.copy_region(level, op[1], op[2]), op[3])
    if kind == "objective":
        return edits.add_objective(level)
    raise AssertionError(op)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edit_ops, min_size=1, max_size=25))
def test_any_sequence_of_edits_undone_gives_back_the_original_exactly(ops):
    model = EditorModel(TUTORIAL, Path("tutorial.toml"))
    for op in ops:
        model.do(command_for(model.level, op)) if command_for(model.level, op) else None
    edited = model.level
    done = len(model.undo_stack)
    while model.undo():
        pass
    assert model.level == TUTORIAL
    assert level_to_toml(model.level) == level_to_toml(TUTORIAL)  # the saved file too, byte for byte
    assert not model.dirty
    for _ in range(done):
        model.redo()
    assert model.level == edited


def test_a_new_edit_after_undo_drops_the_redo_branch():
    model = EditorModel(TUTORIAL, Path("tutorial.toml"))
    model.do(edits.paint(model.level, [(3, 3)], "wall"))
    model.undo()
    assert model.redo_stack
    model.do(edits.paint(model.level, [(4, 4)], "wall"))
    assert not model.redo_stack and model.dirty


# ------------------------------------------------------------------ tools

def test_flood_fill_stops_at_walls_and_is_one_undo_step():
    level = blank_level(12, 6)
    level = edits.paint(level, edits.rect_cells((5, 0), (5, 5)), "wall").do(level)
    cells = set(edits.flood_cells(level, (2, 2)))
    assert cells == {(x, y) for x in range(1, 5) for y in range(1, 5)}
    model = EditorModel(level, None)
    model.do(edits.flood_fill(level, (2, 2), "vacuum"))
    assert model.level.rows[2] == "H    #.....H"
    model.undo()
    assert model.level == level


def test_painting_over_a_door_drops_its_settings_and_placing_adds_them():
    level = blank_level(9, 5)
    level = edits.paint(level, edits.rect_cells((4, 0), (4, 4)), "wall").do(level)
    level = edits.place_door(level, (4, 2), "door", "jammed").do(level)
    assert level.rows[2][4] == "+" and level.doors == (DoorDef(at=(4, 2), state="jammed"),)
    level = edits.paint(level, [(4, 2)], "wall").do(level)
    assert level.doors == () and level.rows[2][4] == "#"


def test_paste_brings_doors_people_and_lockers_and_renames_people():
    level = blank_level(20, 8)
    level = edits.place_door(level, (3, 3), "door").do(level)
    level = edits.place(level, "crew", (2, 2), name="Ana").do(level)
    clip = edits.copy_region(level, (1, 1), (4, 4))
    pasted = edits.paste(level, clip, (10, 1)).do(level)
    assert pasted.rows[3][12] == "+"
    assert [c.name for c in pasted.crew] == ["Ana", "Ana 2"] and pasted.crew[1].at == (11, 2)
    assert any(d.at == (12, 3) for d in pasted.doors)


def test_moving_a_door_moves_its_tile_and_leaves_floor():
    level = blank_level(9, 5)
    level = edits.paint(level, edits.rect_cells((4, 0), (4, 4)), "wall").do(level)
    level = edits.place_door(level, (4, 1), "door").do(level)
    moved = edits.move(level, ("doors", 0), (4, 3)).do(level)
    assert moved.rows[1][4] == "." and moved.rows[3][4] == "+" and moved.doors[0].at == (4, 3)


def test_a_tile_kind_missing_from_the_legend_is_added_to_it():
    level = replace(blank_level(6, 4), legend={"H": "hull", ".": "floor"})
    painted = edits.paint(level, [(2, 2)], "wall").do(level)
    assert painted.legend["#"] == "wall" and painted.rows[2][2] == "#"


def test_validation_is_the_validate_command_s():
    level = edits.place(blank_level(8, 5), "crew", (0, 0)).do(blank_level(8, 5))
    problems = validate_level(level)
    assert any("stands on hull" in p.message for p in problems)
    assert validate_level(TUTORIAL) == []


# --------------------------------------------------------- files and autosave

def test_save_is_atomic_and_clears_the_autosave(tmp_path):
    path = tmp_path / "lab.toml"
    model = EditorModel(blank_level(10, 6), path)
    model.do(edits.place(model.level, "rooms", (3, 3), label="Lab"))
    written = model.autosave()
    assert written == autosave_path(path) and written.is_file()
    assert find_recovery(path) == model.level  # no level file yet: the autosave is all there is
    model.save()
    assert not written.exists() and not model.dirty
    assert load_level(path) == model.level
    assert not list(tmp_path.glob(".lab.toml.*.tmp"))  # no temporary file left behind


def test_a_crash_leaves_a_recovery_file_newer_than_the_level(tmp_path):
    path = tmp_path / "lab.toml"
    model = EditorModel(blank_level(10, 6), path)
    model.save()
    model.do(edits.paint(model.level, [(2, 2)], "wall"))
    model.autosave()
    # ...the process dies here; the next session finds the work
    assert find_recovery(path) == model.level
    model.discard_autosave()
    assert find_recovery(path) is None


# ------------------------------------------------------------------ what-if

def test_what_if_uses_the_sim_s_own_numbers_on_module_four():
    level = load_level(ROOT / "levels" / "module4.toml")
    result = what_if(level)
    by_label = {r.label: r for r in result.rooms if r.label}
    trapped = by_label["4-14"].tuc_s
    # The same question put to the full simulation: one unprotected person in
    # 4-14, the same breach and jam, nobody else and nothing else happening.
    reyes = next(c for c in level.crew if c.name == "Tomas Reyes")
    alone = replace(
        level,
        crew=(reyes,),
        events=tuple(e for e in level.events if e.kind in ("breach", "door_jam") and e.chance == 1.0),
        injects=(),
    )
    world = create_world(alone, 1)
    while world.person_state(0) not in ("unconscious", "dead") and world.time_s < 1800:
        run_until(world, world.time_s + 1)
    assert trapped == pytest.approx(world.time_s, abs=5)
    assert by_label["4-15"].tuc_s == pytest.approx(trapped, abs=1)
    # every room door has the same ordinary seal now, so 4-01 is no safer than 4-14
    assert by_label["Corridor 4"].tuc_s < trapped <= by_label["4-01"].tuc_s
    assert not math.isfinite(by_label["Medical bay"].tuc_s)
    assert format_tuc(trapped).count(":") == 1 and format_tuc(math.inf) == "safe"


def test_what_if_needs_a_breach():
    assert what_if(blank_level(8, 5)) is None
