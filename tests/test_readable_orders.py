"""Issue 16, point 3: orders you can read. The right-click menu greys what the sim
would refuse, with its reason and what would fix it; hovering an order shows the
route and its time; every order is said back on screen; F1 lists the orders."""

from __future__ import annotations

import pygame
import pytest

from game.app import _headless, headless_play
from game.sim.orders import ORDER_KINDS
from game.sim.world import create_world, state_hash, step
from game.view.orders import menu_orders, target_at
from tests.builders import ascii_level

SIZE = (1280, 720)


@pytest.fixture(scope="module")
def display():
    _headless()
    yield


def _jammed():
    """Ann in the west room; a jammed door to the east room; Bo, with a crowbar, beside her."""
    return ascii_level(
        """
        HHHHHHHHHHHH
        H....+.....H
        H.ab.H.....H
        H....H.....H
        HHHHHHHHHHHH
        """,
        people={"a": ("Ann Lee", "crew", ()), "b": ("Bo Kim", "engineer", ("crowbar",))},
        rooms={"West": (2, 2), "East": (8, 2)},
        doors={(5, 1): "jammed"},
    )


def test_an_order_the_sim_would_refuse_is_greyed_with_its_reason_and_fix(display):
    w = create_world(_jammed())
    ann = w.person_by_name("Ann Lee").id
    ready, greyed = menu_orders(w, target_at(w, (8, 2)), (ann,))
    assert "move" not in {o.key for o in ready}
    move = next(o for o in greyed if o.key == "move")
    assert "jammed" in move.refusal.reason and "crowbar" in move.refusal.unblock
    assert "Bo Kim has one" in move.refusal.unblock
    # shown in the menu, greyed, with both lines
    play = headless_play(w, SIZE)
    play.select([ann])
    menu = play.open_menu(play.camera.cell_centre(8, 2))
    b = menu.greyed_buttons[[o.key for o in menu.greyed].index("move")]
    assert not b.is_enabled
    said = " ".join(menu.reason_labels)  # wrapped to the menu's width
    assert "why:" in said and "jammed" in said.split("fix:")[0]
    assert "crowbar" in said.split("fix:")[1]
    play.leave()


def test_a_remote_control_refused_by_a_jammed_door_says_how_to_free_it_and_a_moot_one_is_left_out(display):
    w = create_world(_jammed())
    door = w.doors[0]
    ready, greyed = menu_orders(w, target_at(w, door.cell), ())
    opener = next(o for o in greyed if o.key == "open")
    assert "pry" in opener.refusal.unblock
    w.set_door_state(door, "open")
    ready, greyed = menu_orders(w, target_at(w, door.cell), ())
    assert "open" not in {o.key for o in ready + greyed}  # open already: nothing to do, nothing to say


def test_hovering_an_order_draws_its_route_and_time_before_it_is_given(display):
    w = create_world(_jammed())
    bo = w.person_by_name("Bo Kim").id
    play = headless_play(w, SIZE)
    play.select([bo])
    menu = play.open_menu(play.camera.cell_centre(2, 3))
    i = [o.key for o in menu.orders].index("move")
    order = menu.orders[i]
    assert order.routes and order.routes[0].cells[-1] == (2, 3) and order.time_s > 0
    away = pygame.Surface(SIZE)
    play.input.mouse = (5, SIZE[1] - 5)
    play.draw(away)
    over = pygame.Surface(SIZE)
    play.input.mouse = menu.button_centre(i)
    play.draw(over)
    cx, cy = play.camera.cell_centre(2, 3)
    box = pygame.Rect(cx - 20, cy - 40, 40, 50)
    diff = sum(away.get_at((x, y)) != over.get_at((x, y)) for x in range(box.left, box.right) for y in range(box.top, box.bottom))
    assert diff > 20, "the route's end and its time are drawn on hover"
    assert not w.pending, "hovering gives no order"
    play.leave()


def test_every_order_is_acknowledged_on_screen_while_paused(display):
    w = create_world(_jammed())
    bo = w.person_by_name("Bo Kim").id
    play = headless_play(w, SIZE, paused=True)
    play.select([bo])
    menu = play.open_menu(play.camera.cell_centre(2, 3))
    play.choose(menu.orders[[o.key for o in menu.orders].index("move")])
    assert play.acks and "Bo" in play.acks[-1][0] and "resume" in play.acks[-1][0]
    surface = pygame.Surface(SIZE)
    play.draw(surface)
    play.update(1.0)  # a second later, still paused: still said
    assert play.acks
    play.leave()


def test_reading_the_menu_leaves_the_world_as_it_was(display):
    a, b = create_world(_jammed()), create_world(_jammed())
    for x in range(1, 11):
        for y in range(1, 4):
            menu_orders(b, target_at(b, (x, y)), (0, 1))
    for _ in range(50):
        step(a)
        step(b)
    assert state_hash(a) == state_hash(b)


def test_f1_has_a_page_of_every_order_in_the_menu_with_how_to_give_it(display):
    w = create_world(_jammed())
    play = headless_play(w, SIZE)
    rows = play.panels.order_rows()
    labelled = [k for k in ORDER_KINDS if k.menu is not None]
    assert len(rows) == len(labelled)
    for (name, how), kind in zip(rows, labelled):
        assert "right-click" in how.lower()
        assert how.lower().startswith("select crew") != kind.remote
    play.show_help = True
    play.panels.help_page = "orders"
    surface = pygame.Surface(SIZE)
    play.draw(surface)
    assert play.panels.help_rect is not None and play.panels.help_rect.h > 200
    play.leave()


def test_each_door_state_has_its_own_look_in_grey_too(display):
    from game.sim.tiles import Tile
    from game.view import glyphs
    looks = ("open", "closed", "sticking", "jammed", "sealed", "blocked")
    grey = {}
    for look in looks:
        surf = pygame.Surface((24, 24))
        glyphs.door(surf, surf.get_rect(), Tile.DOOR, look if look != "blocked" else "closed", True)
        if look == "blocked":
            glyphs.state_glyph(surf, surf.get_rect().center, 12, "blocked")
        g = pygame.transform.grayscale(surf)
        grey[look] = pygame.image.tobytes(g, "RGB")
    assert len(set(grey.values())) == len(looks), "two door states look the same without colour"


def test_hovering_a_door_tells_what_it_is_and_what_can_be_ordered(display):
    w = create_world(_jammed())
    play = headless_play(w, SIZE)
    play.select([w.person_by_name("Bo Kim").id])
    lines = [t for t, _ in play.panels.tips.lines(w, w.doors[0].cell, play.actors())]
    assert "jammed" in lines[1] and any("Pry" in t for t in lines)
    room = [t for t, _ in play.panels.tips.lines(w, (8, 2), play.actors())]
    assert room[0] == "East" and "bar" in room[1]
    play.leave()


def test_people_on_one_cell_are_drawn_apart_and_each_can_be_picked(display):
    from game.view.layers import person_at
    w = create_world(_jammed())
    for p in w.people:
        p.x, p.y = 3.5, 2.5
    play = headless_play(w, SIZE)
    pos = play.interpolated_positions()
    picked = {person_at(w, play.camera, play.camera.world_to_screen(*xy), pos) for xy in pos}
    assert picked == {p.id for p in w.people}
    play.leave()


def test_map_text_is_at_least_12_px_and_grows_with_the_ui_scale(display):
    from game.view import ui
    from game.view.layers import label_sizes
    ui.set_scale(1.0)
    assert min(label_sizes(10)) >= 12
    ui.set_scale(2.0)
    assert min(label_sizes(10)) >= 24
    ui.set_scale(1.0)
