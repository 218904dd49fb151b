"""The windowed seat: lobby, a lead's play scene, and the comms channel, on loopback."""

from __future__ import annotations

import threading

import pygame
import pygame_gui

from game.app import DEFAULT_SIZE, _headless, make_manager
from game.levelio.load import load_level
from game.net.client import Client
from game.net.driver import Driver, run_headless
from game.net.host import Host
from game.net.seats import Seat, SeatKind, parse_seats
from game.net_app import QUICK_CALLS, LobbyState, NetPlayState, NetRun, inject_at
from game.paths import DEFAULT_LEVEL, LEVELS_DIR
from game.sim import commands as C
from game.sim.world import create_world
from game.view.scenes.base import Context

LEVEL = load_level(DEFAULT_LEVEL)
ALEXIS, SOFIA, YUKI, MEI = 30, 31, 33, 36  # Module Four's crew ids (levels/module4.toml, file order)
FRAME_S = 1 / 60


def test_a_lead_joins_from_the_lobby_sees_the_teams_rooms_orders_the_team_and_calls_for_a_crowbar():
    _headless()
    host = Host(LEVEL, 4, parse_seats("coordinator,lead:Alexis+Sofia", LEVEL), "tok",
                Seat("host", SeatKind.OBSERVER), until_tick=300, log=lambda line: None)
    host.listen("127.0.0.1", 0)
    mine = Driver(host.local, 300)
    t = threading.Thread(target=run_headless, args=(mine, 60.0), daemon=True)
    t.start()
    client = Client(f"127.0.0.1:{host.port}", "Alexis", "tok")
    run = NetRun(Driver(client.connect(), 300))
    ctx = Context(make_manager(DEFAULT_SIZE), DEFAULT_SIZE, LEVELS_DIR)
    try:
        lobby = LobbyState(ctx, run)
        scene = None
        for _ in range(600):  # the lobby waits for the host's word, then hands over to the play scene
            scene = lobby.update(FRAME_S)
            if scene is not None:
                break
            if run.driver.lobby and not host.started:
                assert [s["taken"] for s in run.driver.lobby] == [False, True]  # the coordinator's seat is open
                host.start()  # the host pressed Enter
            run.driver.link.wait(0.02)
        assert isinstance(scene, NetPlayState)
        scene.enter()
        scene.select([ALEXIS, SOFIA, YUKI])
        assert scene.selected == [ALEXIS, SOFIA]  # the coordinator is not this lead's to order
        hidden = scene.renderer.visible
        mei, alexis = scene.world.people[MEI], scene.world.people[ALEXIS]
        assert hidden[int(alexis.y), int(alexis.x)] and not hidden[int(mei.y), int(mei.x)]  # the medical bay is far
        crowbar = next(b for b, words in scene.call_buttons.items() if words == QUICK_CALLS[0][1])
        pygame.event.post(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=crowbar))
        for event in pygame.event.get():
            scene.handle_event(event)
        start = scene.world.tick
        for _ in range(400):  # the world moves with the clock, as the frames close
            scene.update(0.1)
            # both must come: the call heard, and the world on from where it was (a loaded machine
            # can bring the message in before the first frame after it closes)
            if scene.driver.follower.record.messages and scene.world.tick > start:
                break
        assert scene.world.tick > start
        said = scene.driver.follower.record.messages[0]
        assert said.seat == "Alexis" and said.text.startswith("need a crowbar at ")
        assert any("[Alexis] need a crowbar" in line[1] for line in scene.comms.lines)
        frame = pygame.Surface(DEFAULT_SIZE)
        scene.draw(frame)  # the life-support panel is the coordinator's: a lead's shows none of its readings
        life = frame.subsurface(scene.lay.life)
        bright = pygame.transform.average_color(life.subsurface(life.get_rect().inflate(-40, -60)))
        assert max(bright[:3]) < 25  # blank: the panel with readings averages about 40
        scene.leave()
    finally:
        client.close()
        host.close()


def test_the_instructors_click_makes_the_inject_the_key_armed():
    world = create_world(LEVEL)
    door = world.doors[0]
    assert inject_at(world, "breach", (20, 3), None) == C.InjectBreach(cell=(20, 3))
    assert inject_at(world, "door jam", (door.x, door.y), None) == C.InjectDoorJam(door_id=door.id)
    assert inject_at(world, "door jam", (20, 3), None) is None  # no door there: nothing is sent
    assert inject_at(world, "worsen", (20, 3), MEI).person_id == MEI
    assert inject_at(world, "worsen", (20, 3), None) is None
