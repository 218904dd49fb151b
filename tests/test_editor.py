"""The editor as a designer uses it: synthetic mouse and key events build a
level from nothing, save it, play it, and come back; problems are shown on
the map; nothing is lost on the way out or after a crash."""

from __future__ import annotations

import os
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pygame  # noqa: E402
import pygame_gui  # noqa: E402
import pytest  # noqa: E402

from editor_driver import Driver  # noqa: E402
from game.app import LEVELS_DIR, _init_video, make_manager  # noqa: E402
from game.editor.scene import EditorState  # noqa: E402
from game.editor import edits  # noqa: E402
from game.editor.model import EditorModel, blank_level  # noqa: E402
from game.levelio.load import load_level  # noqa: E402
from game.levelio.load import validate_file  # noqa: E402
from game.sim.events import BreachOpened, DebrisFell, DoorJammed  # noqa: E402
from game.sim.world import create_world, run_until  # noqa: E402
from game.view.scenes.base import Context  # noqa: E402

SIZE = (1280, 720)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def display():
    _init_video()
    pygame.display.set_mode(SIZE)  # mouse positions need a window this big
    yield
    pygame.display.set_mode((1, 1), pygame.HIDDEN)


@pytest.fixture(autouse=True)
def _autosave_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BREACH_PROTOCOL_AUTOSAVE_DIR", str(tmp_path / "autosave"))


def editor(path=None, new_size=None, level=None):
    ctx = Context(make_manager(SIZE), SIZE, LEVELS_DIR, None)
    if level is not None:
        state = EditorState(ctx, EditorModel(level, path))
    else:
        state = EditorState.open(ctx, path, new_size)
    return Driver(ctx, state)


class Designer:
    """What a designer's hands do: pick tools, click and drag cells, type into fields."""

    def __init__(self, d: Driver) -> None:
        self.d = d
        self.st = d.state

    def cell(self, x: int, y: int) -> tuple[int, int]:
        return self.st.camera.cell_centre(x, y)

    def tool(self, key: str) -> None:
        self.d.button(self.st.panels.tool_buttons[key])
        assert self.st.tool.key == key or key.startswith("tile:")

    def click(self, x: int, y: int) -> None:
        self.d.click(self.cell(x, y))

    def drag(self, a, b) -> None:
        self.d.drag(self.cell(*a), self.cell(*b))

    def entry(self, key: str, text: str, form: str = "things") -> None:
        w = self.st.panels.forms[form].widgets[key]
        self.d.click(w.rect.center)
        self.d.press(pygame.K_a, pygame.KMOD_CTRL)
        self.d.type(text)
        self.d.press(pygame.K_RETURN, unicode="\r")

    def choose(self, key: str, option: str, form: str = "things") -> None:
        w = self.st.panels.forms[form].widgets[key]
        self.d.click(w.rect.center)
        lst = w.current_state.options_selection_list
        item = next(i for i in lst.item_list if i["text"] == option)
        button = item["button_element"]
        if button is None or not lst.rect.collidepoint(button.rect.center):  # scrolled out of sight, or half
            lst.scroll_bar.set_scroll_from_start_percentage(item["height"] / max(1, lst.total_height_of_list))
            self.d.frame(2)
        self.d.click(item["button_element"].rect.center)

    def tab(self, key: str) -> None:
        self.d.button(self.st.panels.tabs.tabs[self.st.panels.tab_ids[key]]["button"])

    def button(self, text: str) -> None:
        self.d.button(next(b for b in self.st.panels.buttons if b.alive() and b.visible and b.text == text))


def build_small_level(hands: Designer) -> None:
    """Two rooms and a sick bay behind a bulkhead, three crew, a breach, debris and a jam."""
    h = hands
    h.tool("tile:wall")
    h.tool("rect")
    h.drag((10, 1), (10, 10))
    h.tool("tile:module_wall")
    h.drag((16, 1), (16, 10))
    h.tool("door")
    h.click(10, 5)
    h.tool("bulkhead")
    h.click(16, 5)
    h.tool("room")
    h.click(4, 4)
    h.entry("label", "Bunks")
    h.tool("room")
    h.click(13, 4)
    h.entry("label", "Hall")
    h.choose("kind", "corridor")
    h.tool("room")
    h.click(20, 4)
    h.entry("label", "Sick bay")
    h.choose("kind", "medbay")
    h.tool("module")
    h.click(5, 8)
    h.entry("name", "Habitat")
    h.tool("module")
    h.click(20, 8)
    h.entry("name", "Medical")
    h.tool("crew")
    h.click(3, 3)
    h.entry("name", "Ana Reyes")
    h.choose("role", "engineer")
    h.tool("crew")
    h.click(6, 7)
    h.entry("name", "Ben Cole")
    h.choose("condition", "asleep")
    h.tool("crew")
    h.click(20, 6)
    h.entry("name", "Mira Holt")
    h.choose("role", "medic")
    h.entry("equipment", "medkit")
    h.tool("locker")
    h.click(2, 9)
    h.entry("contents", "respirator, respirator, suit")
    h.tool("section")
    h.drag((1, 0), (9, 0))
    h.entry("name", "bunks-north")
    h.tool("breach")
    h.click(5, 0)
    h.entry("area_cm2", "60", form="timeline")
    h.tool("debris")
    h.drag((11, 2), (14, 3))
    h.tool("jam")
    h.click(10, 5)
    h.entry("at_s", "20", form="timeline")
    h.tab("level")
    h.entry("name", "Editor-built habitat", form="meta")
    h.entry("time_limit_s", "900", form="meta")
    h.entry("reserve_o2_kg", "5", form="life")
    h.entry("feed_rate_g_s", "4", form="life")
    h.d.click(h.st.panels.briefing.rect.center)
    h.d.type("A pinhole in the bunk room. Get Ana and Ben to the sick bay.")
    h.d.click(h.st.panels.validation_label.rect.center)  # leaving the box keeps what was typed
    h.tab("goals")
    h.button("+ Objective")
    h.entry("description", "Nobody dies", form="goals")
    h.entry("weight", "2", form="goals")
    h.button("+ Objective")
    h.choose("kind", "evacuate", form="goals")
    h.entry("description", "Everyone out of the bunks", form="goals")
    h.entry("people", "Ana Reyes, Ben Cole", form="goals")


def test_an_editing_session_builds_a_level_that_saves_reloads_validates_and_plays(display, tmp_path):
    path = tmp_path / "built.toml"
    d = editor(path, (24, 12))
    st = d.state
    hands = Designer(d)
    build_small_level(hands)
    lv = st.model.level
    assert [r.label for r in lv.rooms] == ["Bunks", "Hall", "Sick bay"] and lv.rooms[2].kind == "medbay"
    assert [(c.name, c.role, c.condition) for c in lv.crew] == [
        ("Ana Reyes", "engineer", "awake"), ("Ben Cole", "crew", "asleep"), ("Mira Holt", "medic", "awake")]
    assert [e.kind for e in lv.events] == ["breach", "debris_fall", "door_jam"]
    assert lv.events[0].params["area_cm2"] == 60.0 and lv.events[0].params["section"] == "bunks-north"
    assert lv.meta.briefing.startswith("A pinhole") and lv.meta.time_limit_s == 900.0
    assert lv.objectives[1].people == ("Ana Reyes", "Ben Cole")
    st.wait_for_validation()
    assert st.problems == []

    d.press(pygame.K_s, pygame.KMOD_CTRL)
    assert not st.model.dirty and validate_file(path) == []
    again = load_level(path)
    assert again == lv

    world = create_world(again)
    run_until(world, 25.0)
    kinds = {type(e) for e in world.events}
    assert {BreachOpened, DebrisFell, DoorJammed} <= kinds
    assert world.compartments.pressure_bar[world.compartments.index_at(4, 4)] < 1.0

    # F5 plays a copy and Esc comes back to the very same editor
    revision = st.model.revision
    d.press(pygame.K_F5)
    assert type(d.state).__name__ == "PlaytestState"
    d.frame(20)
    assert d.state.world.tick > 0
    d.press(pygame.K_ESCAPE)
    assert d.state is st and st.model.revision == revision and st.model.level == again
    d.press(pygame.K_z, pygame.KMOD_CTRL)  # and its history is still there
    assert st.model.level != again
    d.press(pygame.K_y, pygame.KMOD_CTRL)
    assert st.model.level == again


def test_brush_fill_eyedropper_undo_and_zoom_from_the_keyboard_and_mouse(display):
    d = editor(None, (16, 10))
    st = d.state
    h = Designer(d)
    h.tool("tile:wall")
    h.tool("brush")
    h.drag((2, 2), (8, 2))
    assert st.model.level.rows[2] == "H.#######......H"
    assert len(st.model.undo_stack) == 1  # one stroke, one undo step
    d.press(pygame.K_3, unicode="3")  # tile 3: module wall
    d.press(pygame.K_f, unicode="f")
    h.click(4, 6)
    assert st.tool.key == "fill" and st.model.level.rows[6] == "H" + "=" * 14 + "H"
    d.click(h.cell(5, 2), button=3)  # right-click picks the wall back up
    assert st.tile_kind == "wall"
    d.press(pygame.K_z, pygame.KMOD_CTRL)
    assert st.model.level.rows[6] == "H" + "." * 14 + "H"
    d.press(pygame.K_z, pygame.KMOD_CTRL | pygame.KMOD_SHIFT)
    assert st.model.level.rows[6] == "H" + "=" * 14 + "H"
    px = st.camera.tile_px
    d.move(h.cell(8, 5))
    d.send(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1, flipped=False, precise_x=0.0, precise_y=1.0, which=0))
    assert st.camera.tile_px > px
    grid = st.show_grid
    d.press(pygame.K_g, unicode="g")
    assert st.show_grid != grid


def test_copy_and_paste_a_region_with_the_mouse(display):
    d = editor(None, (20, 8))
    st = d.state
    h = Designer(d)
    h.tool("tile:wall")
    h.tool("rect")
    h.drag((2, 2), (4, 4))
    h.tool("crew")
    h.click(5, 3)
    h.tool("region")
    h.drag((2, 2), (5, 4))
    d.press(pygame.K_c, pygame.KMOD_CTRL)
    d.press(pygame.K_v, pygame.KMOD_CTRL)
    assert st.tool.key == "paste"
    h.click(12, 2)
    lv = st.model.level
    assert lv.rows[3][12:16] == lv.rows[3][2:6] == "###."
    assert [c.at for c in lv.crew] == [(5, 3), (15, 3)] and lv.crew[1].name == "Crew member 2"


def test_playtest_refuses_a_level_that_cannot_run_and_says_why(display):
    level = blank_level(12, 6)
    level = edits.place(level, "crew", (0, 2), name="Stuck").do(level)  # standing in the hull
    d = editor(level=level)
    st = d.state
    d.press(pygame.K_F5)
    assert d.state is st
    windows = [e for e in st.panels.ui if isinstance(e, pygame_gui.windows.UIMessageWindow)]
    assert windows and "Stuck stands on hull" in windows[-1].text_block.html_text
    assert "refused" in st.message


def test_clicking_a_problem_shows_it_on_the_map(display):
    level = blank_level(30, 10)
    level = edits.place(level, "crew", (25, 0), name="Stuck").do(level)
    d = editor(level=level)
    st = d.state
    st.wait_for_validation()
    d.frame()
    assert len(st.problems) == 1
    st.camera.centre_on(3, 5)
    item = st.panels.problem_list.item_list[0]
    d.button(item["button_element"])
    assert st.flash is not None and st.flash[0] == (25, 0)
    assert st.selected == ("crew", 0)
    cx, cy = st.camera.cell_centre(25, 0)
    assert abs(cx - st.camera.viewport.centerx) <= st.camera.tile_px
    d.frame()  # the mark is drawn over the map


def test_leaving_with_unsaved_changes_asks_first(display, tmp_path):
    d = editor(tmp_path / "x.toml", (12, 6))
    st = d.state
    Designer(d).click(3, 3)  # the brush paints a wall: unsaved
    assert st.model.dirty
    d.send(pygame.event.Event(pygame.QUIT))  # the window's close button
    assert d.state is st
    dialogs = [e for e in st.panels.ui if isinstance(e, pygame_gui.windows.UIConfirmationDialog)]
    assert dialogs and dialogs[-1].alive()
    d.button(dialogs[-1].confirm_button)
    assert d.switches[-1] == "Quit"


def test_an_autosave_is_offered_after_a_crash(display, tmp_path):
    path = tmp_path / "lab.toml"
    first = EditorModel(blank_level(10, 6), path)
    first.save()
    first.do(edits.place(first.level, "rooms", (3, 3), label="Lab"))
    first.autosave()  # ...and the editor dies before saving
    d = editor(path)
    st = d.state
    assert st.model.level != first.level
    dialogs = [e for e in st.panels.ui if isinstance(e, pygame_gui.windows.UIConfirmationDialog)]
    assert dialogs
    d.button(dialogs[-1].confirm_button)
    assert st.model.level == first.level and st.model.dirty
    d.press(pygame.K_z, pygame.KMOD_CTRL)  # restoring can be undone
    assert st.model.level == load_level(path)


def test_the_v2_keys_are_set_in_the_editor_s_forms_and_tools_and_saved(display, tmp_path):
    """Starting condition, pry time, locker counts, an airlock, interior damage and
    the responders' objective, each set with the mouse and keyboard, saved as v2."""
    path = tmp_path / "v2.toml"
    d = editor(path, (24, 12))
    st = d.state
    h = Designer(d)
    h.tool("tile:module_wall")
    h.tool("rect")
    h.drag((10, 1), (10, 10))
    h.drag((12, 1), (12, 10))
    h.tool("tile:wall")
    h.drag((18, 1), (18, 10))
    h.tool("hatch")
    h.click(10, 5)
    h.tool("hatch")
    h.click(12, 5)
    h.tool("door")
    h.click(18, 5)
    h.entry("pry_time_s", "40")
    h.choose("state", "jammed")
    h.tool("crew")
    h.click(3, 3)
    h.entry("name", "Ann Lee")
    h.choose("condition", "unconscious")
    h.choose("injury", "severe")
    h.entry("spo2", "0.85")
    h.tool("crew")
    h.click(20, 3)
    h.entry("name", "Bo Park")
    h.choose("role", "rescue")
    h.tool("locker")
    h.click(2, 9)
    h.entry("contents", "suit 2, crowbar = 1, medkit")
    h.tool("airlock")
    h.drag((10, 5), (12, 5))
    h.entry("cycle_s", "45")
    h.tool("damage")
    h.click(18, 8)  # the inner wall: holed
    h.entry("area_cm2", "9000", form="timeline")
    h.tab("goals")
    h.button("+ Objective")
    h.choose("kind", "responders_safe", form="goals")
    d.frame(2)  # the choice is applied on the next frame, which remakes the form's dropdowns
    h.choose("max_injury", "mild", form="goals")
    d.frame(2)

    lv = st.model.level
    ann = lv.crew[0]
    assert (ann.condition, ann.injury, ann.spo2) == ("unconscious", "severe", 0.85)
    door = next(x for x in lv.doors if x.at == (18, 5))
    assert (door.state, door.pry_time_s) == ("jammed", 40.0)
    assert lv.lockers[0].counts() == {"suit": 2, "crowbar": 1, "medkit": 1}
    assert [(a.doors, a.cycle_s) for a in lv.airlocks] == [(((10, 5), (12, 5)), 45.0)]
    assert [(e.kind, e.params) for e in lv.events] == [("wall_damaged", {"at": (18, 8), "area_cm2": 9000.0})]
    assert (lv.objectives[0].kind, lv.objectives[0].max_injury) == ("responders_safe", "mild")
    st.wait_for_validation()
    assert st.problems == []

    d.press(pygame.K_s, pygame.KMOD_CTRL)
    text = path.read_text()
    assert text.startswith("format_version = 2")
    assert "contents = { suit = 2, crowbar = 1, medkit = 1 }" in text and "doors = [[10, 5], [12, 5]]" in text
    assert validate_file(path) == [] and load_level(path) == lv


def test_the_editor_opens_a_v1_file_and_saves_it_as_v2(display, tmp_path):
    path = tmp_path / "old.toml"
    path.write_text((ROOT / "tests" / "data" / "level_v1.toml").read_text())
    d = editor(path)
    assert d.state.model.level.crew[0].injury == "mild"
    d.press(pygame.K_s, pygame.KMOD_CTRL)
    assert path.read_text().startswith("format_version = 2")
    assert validate_file(path) == []  # no v1 field left to name
