"""What each seat's screen shows: a team lead sees their team's rooms and the next ones, no further."""

from __future__ import annotations

import pygame

from game.app import DEFAULT_SIZE, _headless, make_manager
from game.net.driver import Driver, Phase
from game.net.host import Host
from game.net.seats import parse_seats
from game.net.visibility import visible_cells
from game.net_app import NetPlayState, NetRun
from game.paths import LEVELS_DIR
from game.sim import events as ev
from game.view import hud, panels, ui
from game.view.render import WorldRenderer
from game.view.scenes.base import Context
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


def seat_scene(spec: str) -> NetPlayState:
    """One seat's play scene, its own host's only seat: the same level and seed give every such scene the same world."""
    level = ascii_level(ROW, people=PEOPLE)
    me = parse_seats(spec, level)[0]
    host = Host(level, 1, [me], "tok", me, until_tick=100, autostart=True, log=lambda line: None)
    host.listen("127.0.0.1", 0)  # seats the host's own driver; nobody else joins
    driver = Driver(host.local, 100)
    for _ in range(200):
        driver.pump()
        if driver.phase is Phase.RUNNING and driver.follower is not None:
            break
        driver.link.wait(0.01)
    scene = NetPlayState(Context(make_manager(DEFAULT_SIZE), DEFAULT_SIZE, LEVELS_DIR), NetRun(driver, host=host))
    scene.enter()
    return scene


def happen(world, *events) -> None:
    """The same events at the same moment in each seat's world (as the lockstep makes them)."""
    world.events.extend(events)


def test_a_leads_crew_list_and_comms_leave_out_who_and_what_is_out_of_sight():
    _headless()
    scenes = {s: seat_scene(s) for s in ("coordinator", "lead:Ann")}
    try:
        for scene in scenes.values():
            w = scene.world
            door = next(d for d in w.doors if d.x == 15)  # between the third room and Bo's: two doors from Ann
            happen(w, ev.PersonStateChanged(w.tick, w.time_s, person_id=1, person="Bo Kim", state="impaired",
                                            previous="conscious"),
                   ev.DoorJammed(w.tick, w.time_s, door_id=door.id, door=door.name or "Far door"),
                   ev.DebrisFell(w.tick, w.time_s, debris="insulation", count=2, x=7, y=2))  # next door to Ann
            scene._sync_log()
            scene.panels.tab = "crew"
            frame = pygame.Surface(DEFAULT_SIZE)
            scene.draw(frame)
            scene.frame = frame
        coord, lead = scenes["coordinator"], scenes["lead:Ann"]
        assert sorted(coord.panels.crew_panel.order) == [0, 1]
        assert lead.panels.crew_panel.order == [0]  # Bo is three rooms off: not listed, no SpO2 shown
        said = {name: [line[1] for line in s.comms.lines] for name, s in scenes.items()}
        assert any("Bo Kim" in t for t in said["coordinator"]) and not any("Bo Kim" in t for t in said["lead:Ann"])
        assert any("jammed" in t for t in said["coordinator"]) and not any("jammed" in t for t in said["lead:Ann"])
        assert any("Insulation" in t for t in said["lead:Ann"])  # the room next door is in sight: heard of
        crew = coord.lay.crew if coord.panels.shows("crew") else coord.lay.comms
        row_of = {n: pygame.transform.average_color(s.frame.subsurface(crew).subsurface(
            pygame.Rect(0, ui.px(30) + ui.px(panels.CrewPanel.ROW_H) + 2, crew.w // 2, ui.px(14)))) for n, s in scenes.items()}
        assert max(row_of["lead:Ann"][:3]) < max(row_of["coordinator"][:3])  # Bo's row is drawn only on the coordinator's
        assert lead.panels.sight.sees_cell((7, 2)) and not lead.panels.sight.sees_cell((18, 2))
        assert coord.panels.sight is None  # the coordinator's panels show everything
        heads = {n: hud.hud_info(s.world, sees=s.panels.sight and s.panels.sight.sees_person) for n, s in scenes.items()}
        total = {n: h.conscious + h.impaired + h.unconscious + h.dead for n, h in heads.items()}
        assert total == {"coordinator": 2, "lead:Ann": 1} and heads["lead:Ann"].impaired == 0  # the top bar's counts too
    finally:
        for scene in scenes.values():
            scene.leave()
            scene.run.close()
