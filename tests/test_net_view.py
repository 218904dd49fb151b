"""What each seat's screen shows: a team lead sees their team's rooms and the next ones, no further."""

from __future__ import annotations

import pygame

from game.net.seats import parse_seats
from game.net.visibility import visible_cells
from game.view.render import WorldRenderer
from tests.builders import ascii_level, ascii_world

# Four rooms in a row, a door between each; Ann (the lead) in the first, Bo in the last.
ROW = """
HHHHHHHHHHHHHHHHHHHHH
H....+....+....+...bH
H.a..#....#....#....H
HHHHHHHHHHHHHHHHHHHHH
"""
PEOPLE = {"a": ("Ann Lee", "rescue", ()), "b": ("Bo Kim", "crew", ())}


def seat(spec: str):
    return parse_seats(spec, ascii_level(ROW, people=PEOPLE))[0]


def test_a_lead_sees_the_room_the_team_is_in_and_the_next_one_not_beyond():
    world = ascii_world(ROW, people=PEOPLE)
    seen = visible_cells(world, seat("lead:Ann"))
    assert seen[2, 2] and seen[2, 7]  # Ann's room, and the one through the door
    assert seen[1, 5] and seen[1, 10]  # the doors of the room next door
    assert not seen[2, 12] and not seen[2, 18]  # two doors away: out of sight, Bo's room too
    assert visible_cells(world, seat("coordinator")) is None  # the control room reads every sensor


def test_a_leads_screen_leaves_out_what_the_team_cannot_see():
    pygame.init()
    world = ascii_world(ROW, people=PEOPLE)
    renderer = WorldRenderer(world)
    surf = pygame.Surface((21 * 32, 4 * 32 + 64))
    cam = renderer.new_camera(surf.get_rect())
    renderer.draw(surf, cam)
    bo = cam.world_to_screen(world.people[1].x, world.people[1].y)
    shown = surf.get_at(bo)
    renderer.visible = visible_cells(world, seat("lead:Ann"))
    renderer.draw(surf, cam)
    ann = cam.world_to_screen(world.people[0].x, world.people[0].y)
    hidden = surf.get_at(bo)
    assert hidden != shown and max(hidden[:3]) < 20  # Bo's room is dark, Bo with it
    assert max(surf.get_at(ann)[:3]) > 40  # Ann is still drawn
