"""The drill's view caches draw what an uncached frame draws (issue 18 point 2).

The debris layer keeps still pieces on a cached layer and repaints only the
rects of pieces that come to rest or wake; people's words are worked out when asked. Each test compares
the cached result with a fresh one on a tiny level.
"""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from game.sim.level import EventDef  # noqa: E402
from game.sim.world import run_until, step  # noqa: E402
from game.view.agents import Activities, activity  # noqa: E402
from game.view.camera import Camera  # noqa: E402
from game.view.debris_layer import DebrisLayer  # noqa: E402
from tests.builders import ascii_world  # noqa: E402

ROOM = """
HHHHHHHHHHHH
H..........H
H..a.......H
H..........H
H..........H
HHHHHHHHHHHH
"""


def _debris_world():
    fall = EventDef(0.0, "debris_fall", {"debris": "personal_effects", "region": (1, 1, 10, 4), "count": 12})
    return ascii_world(ROOM, people={"a": ("Ana Ruiz", "engineer", ())}, events=[fall])


def _pixels(layer: DebrisLayer, world, camera: Camera) -> np.ndarray:
    surf = pygame.Surface((320, 160))
    surf.fill((0, 0, 0))
    layer.draw(surf, world, camera)
    return pygame.surfarray.array3d(surf)


def _camera(world) -> Camera:
    return Camera(pygame.Rect(0, 0, 320, 160), tile_px=24)  # the 12 x 6 room fills most of it


def test_cached_debris_layer_draws_what_a_fresh_one_draws_as_pieces_fall_and_settle() -> None:
    pygame.init()
    world = _debris_world()
    cam = _camera(world)
    cached = DebrisLayer()
    for _ in range(30):  # pieces fall (moving), then settle (stamped onto the still layer)
        cached.snapshot(world)
        step(world)
        mine = _pixels(cached, world, cam)
        fresh_layer = DebrisLayer()
        fresh_layer.snapshot(world)  # nothing moved since: every piece is still, painted afresh
        fresh = _pixels(fresh_layer, world, cam)
        assert np.array_equal(mine, fresh), f"cached layer differs at tick {world.tick}"
    assert cached.drawn == 12  # every piece of the fall is drawn


def test_a_layer_that_saw_earlier_falls_draws_later_ones_as_a_fresh_layer_does() -> None:
    # The layer keeps each piece's look (kind, colour, size) and works out only the new pieces'
    # as falls come one after another: what it draws must be what a layer seeing them first draws.
    pygame.init()
    falls = [EventDef(at, "debris_fall", {"debris": kind, "region": (1, 1, 10, 4), "count": 6})
             for at, kind in ((0.0, "personal_effects"), (0.5, "insulation"), (1.0, "personal_effects"))]
    world = ascii_world(ROOM, people={"a": ("Ana Ruiz", "engineer", ())}, events=falls)
    cam = _camera(world)
    cached = DebrisLayer()
    for _ in range(16):
        cached.snapshot(world)
        step(world)
        mine = _pixels(cached, world, cam)
        fresh_layer = DebrisLayer()
        fresh_layer.snapshot(world)
        assert np.array_equal(mine, _pixels(fresh_layer, world, cam)), f"cached layer differs at tick {world.tick}"
    assert cached.drawn == 18  # all three falls drawn
    cam.pan_px(7, 5)  # the view moves: every piece painted afresh from the looks kept
    fresh_layer = DebrisLayer()
    fresh_layer.snapshot(world)
    assert np.array_equal(_pixels(cached, world, cam), _pixels(fresh_layer, world, cam))


def test_debris_layer_repairs_only_where_pieces_wake_and_still_matches_a_fresh_paint() -> None:
    # pieces fall and settle, then a 1 m2 hole in the east hull blows the room out past them
    fall = EventDef(0.0, "debris_fall", {"debris": "personal_effects", "region": (1, 1, 10, 4), "count": 30})
    breach = EventDef(3.0, "breach", {"at": (11, 2), "area_cm2": 10_000.0})
    world = ascii_world(ROOM, people={"a": ("Ana Ruiz", "engineer", ())}, events=[fall, breach])
    cam = _camera(world)
    cached = DebrisLayer()
    run_until(world, 2.9)
    _pixels(cached, world, cam)  # the layer painted with every piece at rest
    painted_once = cached.fresh_paints
    for _ in range(20):
        fresh_layer = DebrisLayer()  # snapshot at the same tick: the same pieces count as moving
        cached.snapshot(world)
        fresh_layer.snapshot(world)
        step(world)
        mine = _pixels(cached, world, cam)
        assert np.array_equal(mine, _pixels(fresh_layer, world, cam)), f"cached layer differs at tick {world.tick}"
    assert cached.cleared > 0  # the wind did wake pieces off the still layer
    assert cached.fresh_paints == painted_once  # ... and the layer was repaired, never painted afresh


def test_activities_give_each_persons_words_and_the_busy_ones_without_working_out_everyone() -> None:
    world = ascii_world(ROOM, people={"a": ("Ana Ruiz", "engineer", ())})
    run_until(world, 1.0)
    acts = Activities(world)
    assert acts[0] == activity(world, 0)
    assert acts.get(5) is None  # nobody by that id
    assert acts.working() == {}  # standing by: no timed work to mark on the map
    assert len(acts) == 1 and list(acts) == [0]
