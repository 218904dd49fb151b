"""The world renderer: one frame of the play view, into any surface.

Draw order, back to front: space, cached map, pressure wash, breaches, room
labels, people. The HUD is drawn by the scene on top. The play scene and the
headless screenshot both call `WorldRenderer.draw`, so they cannot drift.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pygame

from game.view.camera import Camera
from game.view.layers import Backdrop, BreachLayer, PressureTint, draw_people, draw_room_labels, room_labels
from game.view.map_layer import MapLayer

if TYPE_CHECKING:
    from game.sim.world import World


class WorldRenderer:
    """Draws one world; keeps the caches that belong to it (map chunks, labels)."""

    def __init__(self, world: "World") -> None:
        self.world = world
        self.map = MapLayer(world)
        self.labels = room_labels(world.grid)
        self.backdrop = Backdrop()
        self.tint = PressureTint()
        self.breaches = BreachLayer()
        self.show_pressure = True
        self.show_labels = True

    def new_camera(self, viewport: pygame.Rect) -> Camera:
        """A camera sized to this world and fitted to `viewport`."""
        cam = Camera(viewport)
        cam.set_world_size(self.world.grid.width, self.world.grid.height)
        cam.fit()
        return cam

    def draw(
        self,
        surface: pygame.Surface,
        camera: Camera,
        positions: np.ndarray | None = None,
        phase_s: float | None = None,
        highlight: int | None = None,
    ) -> None:
        """Draw the world through `camera`; `positions` are interpolated people (N x 2 m)."""
        world = self.world
        self.map.sync(world)
        old_clip = surface.get_clip()
        surface.set_clip(camera.viewport.clip(old_clip))
        self.backdrop.draw(surface, camera.viewport, camera)
        self.map.draw(surface, camera)
        if self.show_pressure:
            self.tint.draw(surface, world, camera)
        self.breaches.draw(surface, world, camera, world.time_s if phase_s is None else phase_s)
        if self.show_labels:
            draw_room_labels(surface, world, camera, self.labels)
        draw_people(surface, world, camera, positions, highlight)
        surface.set_clip(old_clip)
