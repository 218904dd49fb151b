"""The world renderer: one frame of the play view, into any surface.

Draw order, back to front: space, cached map, the gas overlay (or the faint
pressure wash), breaches, debris, air streaks or wind arrows, planned paths,
people, selection and work markers, sparks, room labels, countdown tags.
The HUD panels are drawn by the scene on top. The play scene and the
headless screenshot both call `WorldRenderer.draw`, so they cannot drift.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pygame

from game.sim.words import duration
from game.view import glyphs
from game.view import palette as P
from game.view.camera import Camera
from game.view.debris_layer import DebrisLayer
from game.view.effects import AirFlow, Sparks, draw_cut_glow
from game.view.fonts import TEXT
from game.view.layers import (
    Backdrop, BreachLayer, LabelSprites, PressureTint, draw_people, draw_room_labels, person_radius, room_labels,
)
from game.view.map_layer import MapLayer
from game.view.overlays import Overlay, OverlayPainter, overlay

if TYPE_CHECKING:
    from game.sim.world import World
    from game.view.agents import Activity

SELECT = P.ACCENT
PATH = (255, 190, 120)
MOVING = ("walk", "evacuate")  # actions that only go somewhere: no work marker where they end


@dataclass
class Marks:
    """What the scene wants drawn over the world this frame (selection, plans, timers)."""

    selected: tuple[int, ...] = ()
    activities: dict[int, "Activity"] = field(default_factory=dict)  # selected or working people
    countdowns: list[tuple[int, float, float]] = field(default_factory=list)  # (person, ttu, ttd), most urgent first
    pings: list[tuple[tuple[int, int], float]] = field(default_factory=list)  # (cell, age 0..1) order acknowledged


class WorldRenderer:
    """Draws one world; keeps the caches that belong to it (map chunks, labels, overlays, particles)."""

    def __init__(self, world: "World") -> None:
        self.world = world
        self.map = MapLayer(world)
        self.labels = room_labels(world.grid)
        self.label_sprites = LabelSprites()
        self.backdrop = Backdrop()
        self.tint = PressureTint()
        self.breaches = BreachLayer()
        self.debris = DebrisLayer()
        self.painter = OverlayPainter()
        self.air = AirFlow()
        self.sparks = Sparks()
        self.show_pressure = True
        self.show_labels = True
        self._overlay: Overlay | None = None
        self.palette = "viridis"
        # set by the scene for one frame: on a frame that ran a sim tick the wash, labels and
        # debris are last tick's (redrawn next frame); map patches wait for a frame of their own
        self.defer = False
        self.defer_map = False
        self.last_labels: list[tuple[str, str]] = []  # (room, number) drawn last frame (tests read it)
        self.last_arrow_labels: list[tuple[str, pygame.Rect]] = []

    @property
    def overlay(self) -> str | None:
        """The name of the overlay that is on (None: none)."""
        return self._overlay.name if self._overlay is not None else None

    @overlay.setter
    def overlay(self, name: str | None) -> None:
        """Switch to a registered overlay by name (an unknown name is an error) or off (None)."""
        self._overlay = overlay(name) if name is not None else None

    @property
    def overlay_kind(self) -> Overlay | None:
        return self._overlay

    def new_camera(self, viewport: pygame.Rect, focus: pygame.Rect | None = None) -> Camera:
        """A camera over `viewport`, fitted so the whole map shows inside `focus` (default: all of it)."""
        cam = Camera(viewport, focus=focus)
        cam.set_world_size(self.world.grid.width, self.world.grid.height)
        cam.fit()
        return cam

    def snapshot(self) -> None:
        """Call before each sim step, so debris can be drawn between ticks."""
        self.debris.snapshot(self.world)

    def advance_effects(self, dt_sim: float, marks: Marks | None = None) -> None:
        """Move particles by `dt_sim` simulated seconds (0 while paused)."""
        if dt_sim <= 0:
            return
        self.air.update(self.world, dt_sim)
        if marks is not None:
            for act in marks.activities.values():
                if act.cutting and act.at is not None:
                    self.sparks.emit(act.at, dt_sim)
        self.sparks.update(dt_sim)

    def draw(
        self,
        surface: pygame.Surface,
        camera: Camera,
        positions: np.ndarray | None = None,
        phase_s: float | None = None,
        highlight: int | None = None,
        alpha: float = 1.0,
        marks: Marks | None = None,
    ) -> None:
        """Draw the world through `camera`; `positions` are interpolated people (N x 2 m)."""
        world = self.world
        phase = world.time_s if phase_s is None else phase_s
        if not (self.defer or self.defer_map):
            self.map.sync(world)
        old_clip = surface.get_clip()
        surface.set_clip(camera.viewport.clip(old_clip))
        self.backdrop.draw(surface, camera.viewport, camera)
        self.map.draw(surface, camera)
        ov = self._overlay
        if ov is not None and ov.arrows is None:
            self.painter.draw(surface, world, camera, ov, self.palette)
        elif self.show_pressure:
            self.tint.draw(surface, world, camera, stale_ok=self.defer)
        self.breaches.draw(surface, world, camera, phase)
        self.debris.draw(surface, world, camera, alpha, stale_ok=self.defer)
        if ov is not None and ov.arrows is not None:
            self.last_arrow_labels = self.painter.draw(surface, world, camera, ov, self.palette)
        else:
            self.air.draw(surface, camera)
        if marks is not None:
            self._draw_paths(surface, camera, positions, marks)
        draw_people(surface, world, camera, positions, highlight)
        if marks is not None:
            self._draw_selection(surface, camera, positions, marks, phase)
            self._draw_work(surface, camera, positions, marks, phase)
            self._draw_queue(surface, camera, marks)
        self.sparks.draw(surface, camera)
        if self.show_labels:
            self.last_labels = draw_room_labels(surface, world, camera, self.labels, ov, self.label_sprites,
                                                stale_ok=self.defer)
        if marks is not None:
            self._draw_countdown_tags(surface, camera, positions, marks)
            self._draw_pings(surface, camera, marks)
        surface.set_clip(old_clip)

    # -------------------------------------------------------------- marks
    def _pos(self, positions: np.ndarray | None, i: int) -> tuple[float, float]:
        if positions is not None and i < len(positions):
            return float(positions[i, 0]), float(positions[i, 1])
        p = self.world.people[i]
        return p.x, p.y

    def _draw_paths(self, surface: pygame.Surface, camera: Camera, positions, marks: Marks) -> None:
        """Each selected person's planned route: a dotted line to a goal marker."""
        s = camera.tile_px
        for i in marks.selected:
            p = self.world.people[i]
            if not p.path:
                continue
            x, y = self._pos(positions, i)
            pts = [camera.world_to_screen(x, y)] + [camera.cell_centre(cx, cy) for cx, cy in p.path]
            dot = max(2, s // 6)
            gap = max(5, s // 2)
            carry = 0.0
            for (ax, ay), (bx, by) in zip(pts, pts[1:]):
                seg = math.hypot(bx - ax, by - ay)
                d = carry
                while d < seg:
                    t = d / seg
                    pygame.draw.circle(surface, PATH, (round(ax + (bx - ax) * t), round(ay + (by - ay) * t)), dot // 2 + 1)
                    d += gap
                carry = d - seg
            glyphs.goal_marker(surface, pts[-1], s, SELECT)

    def _draw_queue(self, surface: pygame.Surface, camera: Camera, marks: Marks) -> None:
        """Where each selected person's current and queued work happens, numbered in order."""
        size = max(10, min(14, camera.tile_px - 2))
        taken: dict[tuple[int, int], int] = {}
        for i in marks.selected:
            p = self.world.people[i]
            work = ([p.action] if p.action is not None else []) + p.plan
            n = 0
            for a in work:
                cell = a.target
                if a.kind in MOVING or cell is None:
                    continue
                n += 1
                cx, cy = camera.cell_centre(int(cell[0]), int(cell[1]))
                k = taken.get((cx, cy), 0)
                taken[(cx, cy)] = k + 1
                img = TEXT.render(str(n), size, P.GLYPH_DARK, "bold")
                half = camera.tile_px // 2
                box = img.get_rect(midleft=(cx + half + 2 + k * (size + 4), cy - half))
                box = box.inflate(6, 0)
                pygame.draw.rect(surface, SELECT, box, border_radius=3)
                pygame.draw.rect(surface, P.GLYPH_DARK, box, 1, border_radius=3)
                surface.blit(img, img.get_rect(center=box.center))

    def _draw_selection(self, surface: pygame.Surface, camera: Camera, positions, marks: Marks, phase: float) -> None:
        r = person_radius(camera.tile_px)
        for i in marks.selected:
            sx, sy = camera.world_to_screen(*self._pos(positions, i))
            glyphs.dashed_ring(surface, (sx, sy), r + 5, SELECT, phase * 0.8, 2)

    def _draw_work(self, surface: pygame.Surface, camera: Camera, positions, marks: Marks, phase: float) -> None:
        """Progress bars over people doing timed work, and the lance's hot point."""
        s = camera.tile_px
        r = person_radius(s)
        for i, act in marks.activities.items():
            if act.cutting and act.at is not None:
                draw_cut_glow(surface, camera, act.at, phase, act.progress)
            if act.progress is None:
                continue
            sx, sy = camera.world_to_screen(*self._pos(positions, i))
            w = max(18, int(s * 1.8))
            h = max(3, s // 5)
            bar = pygame.Rect(sx - w // 2, sy - r - h - 8, w, h)
            pygame.draw.rect(surface, P.GLYPH_DARK, bar.inflate(2, 2))
            pygame.draw.rect(surface, (50, 58, 72), bar)
            pygame.draw.rect(surface, P.ACCENT, (bar.x, bar.y, max(1, round(w * act.progress)), h))

    def _draw_countdown_tags(self, surface: pygame.Surface, camera: Camera, positions, marks: Marks) -> None:
        """Small countdowns over the people closest to harm, never overlapping each other."""
        s = camera.tile_px
        r = person_radius(s)
        placed: list[pygame.Rect] = []
        view = camera.viewport
        size = max(10, min(14, s - 2))
        for pid, ttu, ttd in marks.countdowns[:14]:
            state = self.world.person_state(pid)
            if state == "unconscious":
                txt, colour = f"dies {duration(ttd)}", P.UNCONSCIOUS
            elif ttu < 600:
                txt, colour = f"out {duration(ttu)}", P.IMPAIRED if ttu > 120 else P.UNCONSCIOUS
            else:
                continue
            sx, sy = camera.world_to_screen(*self._pos(positions, pid))
            img = TEXT.render(txt, size, colour, "bold")
            rect = img.get_rect(midbottom=(sx, sy - r - 4))
            pill = rect.inflate(8, 2)
            if not view.contains(pill) or any(pill.colliderect(o) for o in placed):
                continue
            placed.append(pill)
            pygame.draw.rect(surface, (12, 14, 20), pill, border_radius=4)
            pygame.draw.rect(surface, colour, pill, 1, border_radius=4)
            surface.blit(img, rect)

    def _draw_pings(self, surface: pygame.Surface, camera: Camera, marks: Marks) -> None:
        s = camera.tile_px
        for cell, age in marks.pings:
            cx, cy = camera.cell_centre(*cell)
            rad = int(s * (0.4 + 1.2 * age))
            k = 1.0 - age
            pygame.draw.circle(surface, (int(255 * k), int(190 * k), int(120 * k)), (cx, cy), rad, 2)
