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
STILL_KEY = (255, 0, 255)  # the still layer's holes (no piece is magenta)
ANGLE_STEPS = 720  # sprites are cached per half degree of rotation
ANGLE_STEP = 2 * math.pi / ANGLE_STEPS
SPRITE_CACHE = 16_000  # sprites kept (a 5,000-piece station at rest needs a few thousand)


def _coarseness(length_px: int) -> int:
    """Half-degree steps per pose for a piece `length_px` long: its ends move
    under half a pixel from one pose to the next (a divisor of ANGLE_STEPS)."""
    want = max(1, int(1.0 / (max(length_px, 1) * ANGLE_STEP)))
    return max(d for d in (1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 18) if d <= want)


ANGLE_COARSENESS = {n: _coarseness(n) for n in range(1, 400)}


class DebrisLayer:
    """Draws debris; remembers the previous tick's placement to interpolate.

    Pieces that did not move in the last tick (nearly all of them, nearly all
    the time) are painted once onto a cached layer the size of the map view,
    which each frame costs one blit; only the moving ones are blitted one by
    one, at their interpolated places. The layer is repainted when the set of
    still pieces or the camera changes.
    """

    def __init__(self) -> None:
        self.drawn = 0  # pieces drawn in the last frame (tests read it)
        self._prev: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # ids, places, angles at the last snapshot
        self._vkey: tuple | None = None
        self._v: "DebrisView | None" = None
        self._sprites: dict[tuple, tuple[pygame.Surface, int, int]] = {}
        self._still_key: tuple | None = None
        self._still: pygame.Surface | None = None
        self._still_n = 0
        self._painted = np.zeros(0, dtype=bool)  # which pieces (in the view's order) the still layer holds
        self._moving_seq: list = []
        self._looks_key: tuple | None = None
        self._looks_cache: tuple[list[tuple], list[bool]] = ([], [])

    def snapshot(self, world: "World") -> None:
        """Call before a sim step: where every piece is now becomes 'previous'."""
        v = self._view(world)
        self._prev = (v.ids, v.position_m, v.angle_rad)

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
        xs, ys, angs, _ = self._placed(v, alpha)
        xs, ys, angs = xs.tolist(), ys.tolist(), angs.tolist()
        return [
            (int(pid), v.kinds[k], xs[k], ys[k], angs[k], float(v.size_m[k, 0]), float(v.size_m[k, 1]), bool(v.heavy[k]))
            for k, pid in enumerate(v.ids.tolist())
        ]

    def _placed(self, v: "DebrisView", alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every piece's place and angle between the last two ticks, and which moved in the last one
        (a piece new since the snapshot counts as moving)."""
        xs = v.position_m[:, 0].astype(float)
        ys = v.position_m[:, 1].astype(float)
        angs = v.angle_rad.astype(float)
        n = len(v.ids)
        if self._prev is None or len(self._prev[0]) == 0:
            return xs, ys, angs, np.ones(n, dtype=bool)
        pids, pxy, pang = self._prev
        if pids is v.ids or (len(pids) == n and np.array_equal(pids, v.ids)):
            idx, found = np.arange(n), np.ones(n, dtype=bool)
        else:  # pieces came or went: match by id (ids are kept in order)
            order = np.argsort(pids, kind="stable")
            at = np.clip(np.searchsorted(pids, v.ids, sorter=order), 0, len(pids) - 1)
            idx = order[at]
            found = pids[idx] == v.ids
        px, py, pa = pxy[idx, 0], pxy[idx, 1], pang[idx]
        moved = ~found | (px != xs) | (py != ys) | (pa != angs)
        if alpha < 1.0 and moved.any():
            lerp = found & moved & (np.hypot(xs - px, ys - py) < 2.0)
            xs = np.where(lerp, px + (xs - px) * alpha, xs)
            ys = np.where(lerp, py + (ys - py) * alpha, ys)
            d = (angs - pa + math.pi) % (2 * math.pi) - math.pi
            angs = np.where(lerp, pa + d * alpha, angs)
        return xs, ys, angs, moved

    def draw(self, surface: pygame.Surface, world: "World", camera: Camera, alpha: float = 1.0,
             stale_ok: bool = False) -> None:
        """The still pieces from the cached layer, then the moving ones as sprites in one batched blit.

        A sprite is drawn once per kind, size, angle (to half a degree) and tile
        size. `stale_ok` (the frame that ran a tick): draw what the last frame
        drew, and read the new placement next frame."""
        view_rect = camera.viewport
        if stale_ok and self._still_key is not None and self._still_key[0] == id(world) \
                and self._still_key[1:4] == (camera.tile_px, camera.origin_px, tuple(view_rect)):
            surface.blit(self._still, view_rect.topleft)
            surface.fblits(self._moving_seq)
            self.drawn = self._still_n + len(self._moving_seq)
            return
        v = self._view(world)
        self.drawn = 0
        if v is None or len(v.ids) == 0:
            self._still_key, self._moving_seq = None, []
            return
        s = camera.tile_px
        ox, oy = camera.origin_px
        xs, ys, angs, moving = self._placed(v, alpha)
        cx = xs * s + ox
        cy = ys * s + oy
        near = view_rect.inflate(8 * s, 8 * s)
        inside = (cx >= near.left) & (cx < near.right) & (cy >= near.top) & (cy < near.bottom)
        want = inside & ~moving
        still_key = (id(world), s, (ox, oy), tuple(view_rect), v.ids.tobytes())
        if still_key != self._still_key or self._still is None or (self._painted & ~want).any():
            # the view moved, pieces came or went, or a painted piece moves again: paint afresh
            self._paint_still(v, s, cx, cy, angs, want, view_rect, fresh=True)
            self._still_key, self._painted = still_key, want
        elif (want & ~self._painted).any():  # pieces came to rest: stamp them on
            self._paint_still(v, s, cx, cy, angs, want & ~self._painted, view_rect, fresh=False)
            self._painted = want
        surface.blit(self._still, view_rect.topleft)
        self._moving_seq = self._sequence(v, s, cx, cy, angs, inside & moving, (0, 0))
        surface.fblits(self._moving_seq)
        self.drawn = self._still_n + len(self._moving_seq)

    def _paint_still(self, v: "DebrisView", s: int, cx: np.ndarray, cy: np.ndarray, angs: np.ndarray,
                     chosen: np.ndarray, view_rect: pygame.Rect, fresh: bool) -> None:
        """Paint the `chosen` pieces onto the still layer (`fresh`: onto an empty one)."""
        if self._still is None or self._still.get_size() != view_rect.size:
            fresh = True
            # a colour key, run-length encoded: blitting a layer that is mostly
            # holes costs a fraction of a per-pixel-alpha one (sprite pixels are
            # opaque or clear, so nothing is lost)
            self._still = pygame.Surface(view_rect.size)
        self._still.set_colorkey(None)  # paint it plain: each blit onto an encoded surface re-encodes it
        if fresh:
            self._still.fill(STILL_KEY)
            self._still_n = 0
        seq = self._sequence(v, s, cx, cy, angs, chosen, (-view_rect.x, -view_rect.y))
        self._still.fblits(seq)
        self._still.set_colorkey(STILL_KEY, pygame.RLEACCEL)
        self._still_n += len(seq)

    def _sequence(self, v: "DebrisView", s: int, cx: np.ndarray, cy: np.ndarray, angs: np.ndarray,
                  chosen: np.ndarray, shift: tuple[int, int]) -> list:
        """(sprite, place) for the chosen pieces, beams last so they lie on top."""
        looks, heavy = self._looks(v, s)
        order = sorted(np.nonzero(chosen)[0].tolist(), key=heavy.__getitem__)
        if not order:
            return []
        pick = np.array(order)
        # Angles to the nearest step at which the piece's ends move under half a
        # pixel: a 6 px bag needs 40 poses, a beam all 720 (sprites come from a cache).
        coarse = np.array([ANGLE_COARSENESS.get(looks[k][2], 1) for k in order])
        steps = np.round((angs[pick] % (2 * math.pi)) / (ANGLE_STEP * coarse)).astype(np.int64) * coarse
        steps = (steps % ANGLE_STEPS).tolist()
        xs_px = (cx[pick].astype(int) + shift[0]).tolist()
        ys_px = (cy[pick].astype(int) + shift[1]).tolist()
        seq = []
        sprites = self._sprites
        for j, k in enumerate(order):
            kind, colour, length, width, hv = looks[k]
            key = (kind, colour, length, width, steps[j], hv, s)
            sprite = sprites.get(key)
            if sprite is None:
                sprite = self._sprite(key)
            img, dx, dy = sprite
            seq.append((img, (xs_px[j] + dx, ys_px[j] + dy)))
        return seq

    def _looks(self, v: "DebrisView", s: int) -> tuple[list[tuple], list[bool]]:
        """Per piece, the parts of its sprite key that do not change as it moves (once per tick)."""
        key = (v.ids.tobytes(), v.kinds, s)  # a piece's look never changes: only new pieces or another zoom
        if key != self._looks_key:
            ids = v.ids.tolist()
            heavy = [bool(h) for h in v.heavy.tolist()]
            looks = []
            for k, (kind, (length, width)) in enumerate(zip(v.kinds, v.size_m.tolist())):
                colour = ids[k] % len(EFFECTS_COLOURS) if kind == "personal_effects" else 0
                looks.append((kind, colour, round(float(length) * s), round(float(width) * s), heavy[k]))
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
        if len(self._sprites) > SPRITE_CACHE:
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
