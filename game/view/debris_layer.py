"""Debris drawn as the physical bodies the sim moves: rotated footprints, interpolated between ticks.

Each piece is its real length x width at its angle (from `debris_view`),
with a shadow and a look per kind: ceiling panels with their tile grid,
insulation as soft batts, belongings in assorted colours, and support beams
as steel I-sections outlined in hazard amber, because a beam blocks the way
until it is cut.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pygame

from game.sim.debris import DebrisView, debris_view
from game.view.camera import Camera
from game.view.ui import screen_format

if TYPE_CHECKING:
    from game.sim.world import World

KIND_FILL = {
    "ceiling_panel": (176, 182, 192),
    "insulation": (222, 196, 128),
    "personal_effects": (120, 150, 200),
    "support_beam": (104, 112, 126),
}
KIND_EDGE = {
    "ceiling_panel": (96, 102, 114),
    "insulation": (150, 122, 70),
    "personal_effects": (40, 48, 66),
    "support_beam": (26, 30, 38),
}
EFFECTS_COLOURS = ((196, 80, 70), (70, 140, 200), (90, 170, 110), (200, 170, 80), (150, 110, 190), (210, 120, 60))
BEAM_FLANGE = (150, 160, 176)
HEAVY_RIM = (255, 176, 32)
SHADOW = (8, 10, 14)
ANGLE_STEPS = 720  # sprites are cached per half degree of rotation
ANGLE_STEP = 2 * math.pi / ANGLE_STEPS


def _lerp_angle(a: float, b: float, t: float) -> float:
    d = (b - a + math.pi) % (2 * math.pi) - math.pi
    return a + d * t


class DebrisLayer:
    """Draws debris; remembers the previous tick's placement to interpolate."""

    def __init__(self) -> None:
        self.prev: dict[int, tuple[float, float, float]] = {}
        self.drawn = 0  # pieces drawn in the last frame (tests read it)
        self._vkey: tuple | None = None
        self._v: "DebrisView | None" = None
        self._sprites: dict[tuple, tuple[pygame.Surface, int, int]] = {}
        self._seq: list = []
        self._seq_key: tuple | None = None
        self._looks_key: tuple | None = None
        self._looks_cache: tuple[list[tuple], list[bool]] = ([], [])

    def snapshot(self, world: "World") -> None:
        """Call before a sim step: where every piece is now becomes 'previous'."""
        v = self._view(world)
        self.prev = {
            int(i): (float(x), float(y), float(a))
            for i, (x, y), a in zip(v.ids.tolist(), v.position_m.tolist(), v.angle_rad.tolist())
        }

    def _view(self, world: "World") -> DebrisView:
        """The sim's debris arrays, read once per tick (bodies only move in a step)."""
        key = (id(world), world.tick, world.physics.version)
        if key == self._vkey:
            return self._v
        self._v = debris_view(world)
        self._vkey = key
        return self._v

    def pieces(self, world: "World", alpha: float = 1.0) -> list[tuple[int, str, float, float, float, float, float, bool]]:
        """(id, kind, x, y, angle, length, width, heavy) for every live piece, interpolated."""
        v = self._view(world)
        if len(v.ids) == 0:
            return []
        xs, ys, angs = self._placed(v, alpha)
        return [
            (int(pid), v.kinds[k], xs[k], ys[k], angs[k], float(v.size_m[k, 0]), float(v.size_m[k, 1]), bool(v.heavy[k]))
            for k, pid in enumerate(v.ids.tolist())
        ]

    def _placed(self, v: "DebrisView", alpha: float) -> tuple[list[float], list[float], list[float]]:
        xs = v.position_m[:, 0].tolist()
        ys = v.position_m[:, 1].tolist()
        angs = v.angle_rad.tolist()
        if alpha >= 1.0 or not self.prev:
            return xs, ys, angs
        for k, pid in enumerate(v.ids.tolist()):
            prev = self.prev.get(pid)
            if prev is None or (prev[0] == xs[k] and prev[1] == ys[k] and prev[2] == angs[k]):
                continue  # new, or lying still
            if math.hypot(xs[k] - prev[0], ys[k] - prev[1]) < 2.0:
                xs[k] = prev[0] + (xs[k] - prev[0]) * alpha
                ys[k] = prev[1] + (ys[k] - prev[1]) * alpha
                angs[k] = _lerp_angle(prev[2], angs[k], alpha)
        return xs, ys, angs

    def draw(self, surface: pygame.Surface, world: "World", camera: Camera, alpha: float = 1.0,
             stale_ok: bool = False) -> None:
        """Every piece as a cached sprite for its look and pose, all in one batched blit.

        A sprite is drawn once per kind, size, angle (to half a degree) and tile
        size, so the hundreds of pieces lying still cost a lookup each frame.
        `stale_ok` (the frame that ran a tick): draw the last tick's placement, where the
        pieces were as the tick began, and read the new one next frame."""
        if stale_ok and self._v is not None and self._vkey is not None and self._vkey[0] == id(world):
            v, alpha = self._v, 1.0
        else:
            v = self._view(world)
        self.drawn = 0
        if v is None or len(v.ids) == 0:
            return
        s = camera.tile_px
        ox, oy = camera.origin_px
        xs, ys, angs = self._placed(v, alpha)
        cx = np.array(xs) * s + ox
        cy = np.array(ys) * s + oy
        # nothing moved and the camera is where it was: the same blits as last frame
        key = (id(world), s, ox, oy, camera.viewport.size, cx.astype(np.int32).tobytes(), cy.astype(np.int32).tobytes(),
               np.round(np.array(angs) / ANGLE_STEP).astype(np.int32).tobytes())
        if key == self._seq_key:
            surface.fblits(self._seq)
            self.drawn = len(self._seq)
            return
        view = camera.viewport.inflate(8 * s, 8 * s)
        inside = (cx >= view.left) & (cx < view.right) & (cy >= view.top) & (cy < view.bottom)
        looks, heavy = self._looks(v, s)
        order = sorted(np.nonzero(inside)[0].tolist(), key=heavy.__getitem__)  # beams on top
        steps = [round(a % (2 * math.pi) / ANGLE_STEP) % ANGLE_STEPS for a in angs]
        xs_px, ys_px = cx.astype(int).tolist(), cy.astype(int).tolist()
        seq = []
        for k in order:
            kind, colour, length, width, hv = looks[k]
            key = (kind, colour, length, width, steps[k], hv, s)
            sprite = self._sprites.get(key)
            if sprite is None:
                sprite = self._sprite(key)
            img, dx, dy = sprite
            seq.append((img, (xs_px[k] + dx, ys_px[k] + dy)))
        surface.fblits(seq)
        self.drawn = len(seq)
        self._seq, self._seq_key = seq, key

    def _looks(self, v: "DebrisView", s: int) -> tuple[list[tuple], list[bool]]:
        """Per piece, the parts of its sprite key that do not change as it moves (once per tick)."""
        key = (self._vkey, id(v), s)
        if key != self._looks_key:
            ids = v.ids.tolist()
            heavy = [bool(h) for h in v.heavy.tolist()]
            looks = []
            for k, (kind, (length, width)) in enumerate(zip(v.kinds, v.size_m.tolist())):
                colour = ids[k] % len(EFFECTS_COLOURS) if kind == "personal_effects" else 0
                looks.append((kind, colour, round(float(length) * s, 1), round(float(width) * s, 1), heavy[k]))
            self._looks_key, self._looks_cache = key, (looks, heavy)
        return self._looks_cache

    def _sprite(self, key: tuple) -> tuple[pygame.Surface, int, int]:
        kind, colour, length, width, step, heavy, s = key
        a = step * ANGLE_STEP
        half = int(math.ceil(math.hypot(length, max(width, 2.0)) / 2)) + 4
        surf = pygame.Surface((half * 2, half * 2), pygame.SRCALPHA)
        c, sn = math.cos(a), math.sin(a)
        hl, hw = length / 2, max(width, 2.0) / 2
        poly = [(half + lx * c - ly * sn, half + lx * sn + ly * c) for lx, ly in ((-hl, -hw), (hl, -hw), (hl, hw), (-hl, hw))]
        off = max(1, s // 10)
        pygame.draw.polygon(surf, SHADOW, [(x + off, y + off) for x, y in poly])
        fill = EFFECTS_COLOURS[colour] if kind == "personal_effects" else KIND_FILL.get(kind, (150, 150, 150))
        pygame.draw.polygon(surf, fill, poly)
        edge = KIND_EDGE.get(kind, (40, 40, 40))
        if kind == "support_beam":
            self._beam(surf, half, half, a, length, width)
        elif kind == "ceiling_panel" and s >= 10:
            self._panel_grid(surf, half, half, a, length, width, edge)
        elif kind == "insulation" and s >= 10:
            self._batt(surf, half, half, a, length, width, edge)
        pygame.draw.polygon(surf, HEAVY_RIM if heavy else edge, poly, 2 if heavy and s >= 10 else 1)
        if len(self._sprites) > 6000:
            self._sprites.clear()
        sprite = (screen_format(surf), -half, -half)
        self._sprites[key] = sprite
        return sprite

    @staticmethod
    def _beam(surface, sx, sy, a, length, width) -> None:
        """An I-beam seen from above: two light flange lines along its length."""
        c, s_ = math.cos(a), math.sin(a)
        for off in (-0.3, 0.3):
            ox, oy = -s_ * width * off, c * width * off
            p0 = (sx - c * length / 2 + ox, sy - s_ * length / 2 + oy)
            p1 = (sx + c * length / 2 + ox, sy + s_ * length / 2 + oy)
            pygame.draw.line(surface, BEAM_FLANGE, p0, p1, 1)

    @staticmethod
    def _panel_grid(surface, sx, sy, a, length, width, colour) -> None:
        """The acoustic tile's two seams across its length."""
        c, s_ = math.cos(a), math.sin(a)
        for f in (-1 / 6, 1 / 6):
            cx, cy = sx + c * length * f, sy + s_ * length * f
            p0 = (cx - s_ * width / 2, cy + c * width / 2)
            p1 = (cx + s_ * width / 2, cy - c * width / 2)
            pygame.draw.line(surface, colour, p0, p1, 1)

    @staticmethod
    def _batt(surface, sx, sy, a, length, width, colour) -> None:
        """Insulation: a zigzag quilting line down the middle."""
        c, s_ = math.cos(a), math.sin(a)
        pts = []
        n = 6
        for i in range(n + 1):
            t = -0.42 + 0.84 * i / n
            z = (0.22 if i % 2 else -0.22) * width
            pts.append((sx + c * length * t - s_ * z, sy + s_ * length * t + c * z))
        pygame.draw.lines(surface, colour, False, pts, 1)


def debris_at(world: "World", wx: float, wy: float, layer: DebrisLayer | None = None) -> int | None:
    """Id of the piece whose footprint covers world point (wx, wy), heaviest first."""
    items = (layer or DebrisLayer()).pieces(world)
    best = None
    for pid, kind, x, y, a, length, width, heavy in items:
        c, s = math.cos(-a), math.sin(-a)
        dx, dy = wx - x, wy - y
        lx, ly = dx * c - dy * s, dx * s + dy * c
        if abs(lx) <= length / 2 + 0.1 and abs(ly) <= max(width, 0.3) / 2 + 0.1:
            if best is None or heavy:
                best = pid
    return best
