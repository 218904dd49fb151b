"""Per-frame layers drawn over the cached map: space, pressure, labels, breaches, people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pygame
from scipy import ndimage

from game.sim.grid import Grid
from game.view import glyphs
from game.view import palette as P
from game.view.camera import Camera
from game.view.fonts import TEXT

if TYPE_CHECKING:
    from game.sim.world import World


# -------------------------------------------------------------------- space

class Backdrop:
    """Dark space with stars, made once per window size, scrolled with a little parallax."""

    PARALLAX = 0.12

    def __init__(self, seed: int = 1729) -> None:
        self.seed = seed  # cosmetic randomness has its own generator, never the world's
        self._surf: pygame.Surface | None = None

    def _build(self, size: tuple[int, int]) -> pygame.Surface:
        w, h = size
        rng = np.random.default_rng(self.seed)
        surf = pygame.Surface(size)
        surf.fill(P.SPACE)
        # two faint nebula washes so the dark is not flat
        for _ in range(3):
            r = int(rng.uniform(0.25, 0.45) * max(w, h))
            tint = (int(rng.integers(6, 14)), int(rng.integers(8, 16)), int(rng.integers(18, 30)))
            g = glyphs.glow(r, tint, 1.0)
            gx, gy = int(rng.uniform(0, w)) - r, int(rng.uniform(0, h)) - r
            for dx in (-w, 0, w):  # drawn wrapped, so the scrolling tile has no seam
                for dy in (-h, 0, h):
                    surf.blit(g, (gx + dx, gy + dy), special_flags=pygame.BLEND_ADD)
        n = max(40, w * h // 1400)
        xs = rng.integers(0, w, n)
        ys = rng.integers(0, h, n)
        lum = rng.uniform(40, 200, n) ** 1.0
        blue = rng.uniform(0.85, 1.15, n)
        for x, y, l, b in zip(xs.tolist(), ys.tolist(), lum.tolist(), blue.tolist()):
            c = (int(min(255, l * 0.9)), int(min(255, l * 0.95)), int(min(255, l * b * 1.1)))
            surf.set_at((x, y), c)
        for x, y in zip(rng.integers(0, w, n // 40).tolist(), rng.integers(0, h, n // 40).tolist()):
            pygame.draw.circle(surf, (150, 165, 200), (x, y), 1)
            surf.set_at((x, y), (235, 240, 255))
        if pygame.display.get_init() and pygame.display.get_surface() is not None:
            surf = surf.convert()
        return surf

    def draw(self, surface: pygame.Surface, rect: pygame.Rect, camera: Camera | None = None) -> None:
        if self._surf is None or self._surf.get_size() != rect.size:
            self._surf = self._build(rect.size)
        w, h = rect.size
        ox = oy = 0
        if camera is not None:
            ox = int(-camera.x0 * camera.tile_px * self.PARALLAX) % w
            oy = int(-camera.y0 * camera.tile_px * self.PARALLAX) % h
        for dx in (ox - w, ox) if ox else (0,):
            for dy in (oy - h, oy) if oy else (0,):
                surface.blit(self._surf, (rect.x + dx, rect.y + dy), special_flags=0)


# ------------------------------------------------------------------- labels

@dataclass(frozen=True)
class RoomLabel:
    room_id: int
    text: str
    cell: tuple[int, int]  # a cell of the room near its middle
    width_cells: int  # the room's width on the label's row
    top: int  # the room's first and last row in the label's column
    bottom: int


def room_labels(grid: Grid) -> list[RoomLabel]:
    """Where each labelled room's name goes: its centre, pulled onto its own cells."""
    if not grid.rooms:
        return []
    labels = grid.room_id.astype(np.int32) + 1
    ids = np.arange(1, len(grid.rooms) + 1)
    centres = ndimage.center_of_mass(np.ones_like(labels), labels, ids)
    out: list[RoomLabel] = []
    for room, (cy, cx) in zip(grid.rooms, centres):
        if not np.isfinite(cx):
            continue
        x, y = int(cx), int(cy)
        if not (0 <= y < grid.height and 0 <= x < grid.width) or grid.room_id[y, x] != room.id:
            ys, xs = np.nonzero(grid.room_id == room.id)  # L-shaped room: nearest own cell
            k = int(np.argmin((xs - cx) ** 2 + (ys - cy) ** 2))
            x, y = int(xs[k]), int(ys[k])
        top, bottom = _run(grid.room_id[:, x] == room.id, y)
        left, right = _run(grid.room_id[y, :] == room.id, x)
        out.append(RoomLabel(room.id, room.label, (x, y), right - left + 1, top, bottom))
    return out


def _run(mask: np.ndarray, i: int) -> tuple[int, int]:
    """First and last index of the run of True in `mask` that contains `i`."""
    lo = i
    while lo > 0 and mask[lo - 1]:
        lo -= 1
    hi = i
    while hi < mask.size - 1 and mask[hi + 1]:
        hi += 1
    return lo, hi


def draw_room_labels(surface: pygame.Surface, world: "World", camera: Camera, labels: list[RoomLabel]) -> None:
    """Room names along the top of each room, and the room's pressure in bar (number and colour).

    When a row is too short for both lines, the pressure goes on the room's
    bottom row, so the middle of the room, where people are, stays clear.
    """
    s = camera.tile_px
    size = max(10, min(20, round(s * 0.85)))
    small = max(9, size - 2)
    pressures = world.compartments.pressure_bar
    clabels = world.compartments.labels
    view = camera.viewport.inflate(200, 60)
    for lab in labels:
        x, y = lab.cell
        sx, top_y = camera.world_to_screen(x + 0.5, lab.top + 0.5)
        if not view.collidepoint(sx, top_y):
            continue
        ci = int(clabels[y, x]) - 1
        p = float(pressures[ci]) if ci >= 0 else 0.0
        room_w = lab.width_cells * s
        name = TEXT.render(lab.text, size, P.TEXT, "bold", shadow=P.TEXT_SHADOW)
        if name.get_width() > room_w + s and size > 9:  # crowded: a size smaller, then nothing
            name = TEXT.render(lab.text, size - 2, P.TEXT, "bold", shadow=P.TEXT_SHADOW)
            if name.get_width() > room_w + s:
                name = TEXT.render("", size, P.TEXT, "bold")
        longp = f"{p:.2f} bar"
        fits = TEXT.render(longp, small, P.TEXT).get_width() <= room_w - 4
        pr = TEXT.render(longp if fits else f"{p:.2f}", small, P.pressure_colour(p), "regular", shadow=P.TEXT_SHADOW)
        if lab.bottom == lab.top:  # one-row room: name and pressure on one line
            total = name.get_width() + 6 + pr.get_width()
            left = sx - total // 2
            surface.blit(name, (left, top_y - name.get_height() // 2))
            surface.blit(pr, (left + name.get_width() + 6, top_y - pr.get_height() // 2 + 1))
        elif name.get_height() + pr.get_height() <= s + 2:  # both fit in the top row
            row_top = top_y - s // 2
            surface.blit(name, (sx - name.get_width() // 2, row_top + 1))
            surface.blit(pr, (sx - pr.get_width() // 2, row_top + name.get_height() - 1))
        else:
            _, bot_y = camera.world_to_screen(x + 0.5, lab.bottom + 0.5)
            surface.blit(name, (sx - name.get_width() // 2, top_y - name.get_height() // 2))
            surface.blit(pr, (sx - pr.get_width() // 2, bot_y - pr.get_height() // 2))


# ----------------------------------------------------------------- pressure

class PressureTint:
    """A faint red wash over rooms that are losing air, deeper as pressure falls."""

    MAX_ALPHA = 90

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._surf: pygame.Surface | None = None
        self._pos = (0, 0)

    def draw(self, surface: pygame.Surface, world: "World", camera: Camera) -> None:
        grid = world.grid
        x0, y0, x1, y1 = camera.visible_cells(grid.width, grid.height)
        if x1 <= x0 or y1 <= y0:
            return
        s = camera.tile_px
        key = (world.tick, id(world), s, x0, y0, x1, y1)
        if key != self._key:
            self._key = key
            self._surf = self._build(world, x0, y0, x1, y1, s)
        if self._surf is not None:
            ox, oy = camera.origin_px
            surface.blit(self._surf, (ox + x0 * s, oy + y0 * s))

    def _build(self, world: "World", x0: int, y0: int, x1: int, y1: int, s: int) -> pygame.Surface | None:
        c = world.compartments
        nominal = max(1e-6, world.level.meta.nominal_pressure_bar)
        per = np.append(np.clip(1.0 - c.pressure_bar / nominal, 0.0, 1.0), 0.0)
        lab = c.labels[y0:y1, x0:x1]
        deficit = per[np.where(lab > 0, lab - 1, len(per) - 1)]
        alpha = (np.sqrt(deficit) * self.MAX_ALPHA).astype(np.uint8)
        if not alpha.any():
            return None
        small = pygame.Surface((x1 - x0, y1 - y0), pygame.SRCALPHA)
        small.fill(P.PRESSURE_TINT)
        pa = pygame.surfarray.pixels_alpha(small)
        pa[:, :] = alpha.T
        del pa
        return pygame.transform.scale(small, ((x1 - x0) * s, (y1 - y0) * s))


# ----------------------------------------------------------------- breaches

class BreachLayer:
    """Every open breach: a glow on the hull and a pulsing burst on its cell."""

    def __init__(self) -> None:
        self._glow: dict[int, pygame.Surface] = {}

    def draw(self, surface: pygame.Surface, world: "World", camera: Camera, phase_s: float) -> None:
        if not world.breaches:
            return
        s = camera.tile_px
        g = self._glow.get(s)
        if g is None:
            g = self._glow[s] = glyphs.glow(max(8, int(s * 2.6)), P.BREACH_GLOW, 0.75)
        r = g.get_width() // 2
        for b in world.breaches:
            cx, cy = camera.cell_centre(b.x, b.y)
            if camera.viewport.inflate(4 * s, 4 * s).collidepoint(cx, cy):
                surface.blit(g, (cx - r, cy - r), special_flags=pygame.BLEND_ADD)
        for b in world.breaches:
            cx, cy = camera.cell_centre(b.x, b.y)
            if camera.viewport.inflate(4 * s, 4 * s).collidepoint(cx, cy):
                glyphs.breach(surface, (cx, cy), s, phase_s + b.id * 0.7)


# ------------------------------------------------------------------- people

def person_radius(tile_px: int) -> int:
    return max(3, round(tile_px * 0.3))


def draw_people(
    surface: pygame.Surface,
    world: "World",
    camera: Camera,
    positions: np.ndarray | None = None,
    highlight: int | None = None,
) -> None:
    """Everyone at `positions` (N x 2 metres, interpolated) or where they are now."""
    if not world.people:
        return
    r = person_radius(camera.tile_px)
    view = camera.viewport.inflate(4 * r, 4 * r)
    states = [world.person_state(p.id) for p in world.people]
    # the fallen first, so anyone standing over them stays visible
    order = sorted(range(len(world.people)), key=lambda i: states[i] in ("conscious", "impaired"))
    for i in order:
        p = world.people[i]
        x, y = (float(positions[i, 0]), float(positions[i, 1])) if positions is not None else (p.x, p.y)
        sx, sy = camera.world_to_screen(x, y)
        if not view.collidepoint(sx, sy):
            continue
        if i == highlight:
            pygame.draw.circle(surface, P.TEXT, (sx, sy), r + 5, 1)
        glyphs.person(surface, (sx, sy), r, P.ROLE_COLOURS.get(p.role, P.ROLE_DEFAULT), states[i])


def person_at(world: "World", camera: Camera, screen_pos: tuple[int, int], positions: np.ndarray | None = None) -> int | None:
    """The person drawn under a screen point, nearest first, or None."""
    if not world.people:
        return None
    wx, wy = camera.screen_to_world(*screen_pos)
    if positions is None:
        positions = np.array([(p.x, p.y) for p in world.people])
    d2 = (positions[:, 0] - wx) ** 2 + (positions[:, 1] - wy) ** 2
    i = int(np.argmin(d2))
    reach = (person_radius(camera.tile_px) + 3) / camera.tile_px
    return i if d2[i] <= reach * reach else None
