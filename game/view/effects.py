"""Cosmetic particles: air streaking toward a breach along the wind field, sparks at a lance.

All randomness here comes from the view's own generator, seeded once; the
sim's RNG streams are never touched, so drawing cannot change the future.
Particles move in simulated time (frozen while paused, faster at 4x).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pygame

from game.view.camera import Camera

if TYPE_CHECKING:
    from game.sim.world import World

MAX_AIR = 420
AIR_MIN_M_S = 0.03  # calmer air than this makes no streaks
# Cosmetic: cell-averaged wind is slow (tenths of m/s), so streaks move at a
# multiple of it, enough to read the direction and which way is worse.
AIR_VIS_GAIN = 5.0
AIR_VIS_MAX_M_S = 7.0
STREAK_COLOUR = np.array([170, 205, 240], dtype=np.float64)
DIRECTIONS, LENGTHS, BRIGHTS = 24, 3, 4  # streak sprites: directions x lengths x brightness steps


class AirFlow:
    """Streaks of air carried by `world.atmos.wind_x / wind_y` toward the holes."""

    def __init__(self, seed: int = 2718) -> None:
        self.rng = np.random.default_rng(seed)  # the view's own
        self.pos = np.zeros((0, 2))
        self.age = np.zeros(0)
        self.life = np.zeros(0)
        self.vel = np.zeros((0, 2))
        self._cells_key: tuple | None = None
        self._cells: np.ndarray = np.zeros(0, np.intp)
        self._weights: np.ndarray = np.zeros(0)
        self._sprite_cache: dict = {}
        self.version = 0  # bumped whenever the particles move; the drawn batch is kept until then
        self._seq_key: tuple | None = None
        self._seq: list = []

    def _spawn_cells(self, world: "World") -> None:
        a = world.atmos
        key = (world.tick // 5, id(world))
        if key == self._cells_key:
            return
        self._cells_key = key
        sp = np.hypot(a.wind_x, a.wind_y).ravel()
        cells = np.nonzero(sp > AIR_MIN_M_S)[0]
        self._cells = cells
        w = np.sqrt(np.minimum(sp[cells], 20.0))
        self._weights = w / w.sum() if w.size else w

    def update(self, world: "World", dt_sim: float) -> None:
        a = world.atmos
        if a.wind_x.size == 0 or dt_sim <= 0:
            return
        self._spawn_cells(world)
        self.version += 1
        h, w = a.wind_x.shape
        # advance and retire
        if self.pos.size:
            ix = np.clip(self.pos[:, 0].astype(np.intp), 0, w - 1)
            iy = np.clip(self.pos[:, 1].astype(np.intp), 0, h - 1)
            v = np.stack([a.wind_x[iy, ix], a.wind_y[iy, ix]], axis=1).astype(np.float64) * AIR_VIS_GAIN
            sp = np.hypot(v[:, 0], v[:, 1])
            scale = np.where(sp > AIR_VIS_MAX_M_S, AIR_VIS_MAX_M_S / np.maximum(sp, 1e-9), 1.0)
            self.vel = v * scale[:, None]
            self.pos = self.pos + self.vel * dt_sim
            self.age = self.age + dt_sim
            nx = np.clip(self.pos[:, 0].astype(np.intp), 0, w - 1)
            ny = np.clip(self.pos[:, 1].astype(np.intp), 0, h - 1)
            alive = (self.age < self.life) & (sp > AIR_MIN_M_S * AIR_VIS_GAIN * 0.5) & (world.compartments.labels[ny, nx] > 0)
            self.pos, self.age, self.life, self.vel = self.pos[alive], self.age[alive], self.life[alive], self.vel[alive]
        # top up, more where it blows harder
        want = min(MAX_AIR, self._cells.size * 3)
        n = want - len(self.age)
        if n > 0 and self._cells.size:
            n = min(n, max(4, int(want * dt_sim * 1.5)))
            pick = self.rng.choice(self._cells, size=n, p=self._weights)
            y, x = np.divmod(pick, w)
            jitter = self.rng.random((n, 2))
            self.pos = np.concatenate([self.pos, np.stack([x + jitter[:, 0], y + jitter[:, 1]], axis=1)])
            self.age = np.concatenate([self.age, np.zeros(n)])
            self.life = np.concatenate([self.life, self.rng.uniform(0.6, 1.6, n)])
            self.vel = np.concatenate([self.vel, np.zeros((n, 2))])

    def _sprites(self, tile_px: int) -> list:
        """Streak images by [direction][length][brightness], made once per tile size, for fblits."""
        cache = self._sprite_cache.get(tile_px)
        if cache is not None:
            return cache
        cache = []
        for d in range(DIRECTIONS):
            ang = d * 2 * math.pi / DIRECTIONS
            ux, uy = math.cos(ang), math.sin(ang)
            by_len = []
            for k in range(LENGTHS):
                length = (k + 1) / LENGTHS * tile_px * 1.1 + 1.0
                tx, ty = -ux * length, -uy * length  # the tail, trailing back along the flow from the head at 0,0
                x0, y0 = math.floor(min(0.0, tx)), math.floor(min(0.0, ty))
                w = math.ceil(max(0.0, tx)) - x0 + 2
                h = math.ceil(max(0.0, ty)) - y0 + 2
                by_bright = []
                for b in range(BRIGHTS):
                    surf = pygame.Surface((w, h))
                    surf.fill((0, 0, 0))
                    col = STREAK_COLOUR * (0.25 + 0.5 * (b + 1) / BRIGHTS)
                    pygame.draw.line(surf, (int(col[0]), int(col[1]), int(col[2])), (tx - x0, ty - y0), (-x0, -y0), 1)
                    if pygame.display.get_surface() is not None:
                        surf = surf.convert()
                    by_bright.append((surf, -x0, -y0))
                by_len.append(by_bright)
            cache.append(by_len)
        self._sprite_cache[tile_px] = cache
        return cache

    def _flat_sprites(self, tile_px: int) -> tuple[list, np.ndarray, np.ndarray]:
        """`_sprites` flattened to index (direction * LENGTHS + length) * BRIGHTS + brightness,
        with each image's anchor as arrays, so a frame's batch is built without a Python loop per lookup."""
        key = ("flat", tile_px)
        got = self._sprite_cache.get(key)
        if got is None:
            flat = [entry for by_len in self._sprites(tile_px) for by_bright in by_len for entry in by_bright]
            got = ([img for img, _, _ in flat], np.array([cx for _, cx, _ in flat]), np.array([cy for _, _, cy in flat]))
            self._sprite_cache[key] = got
        return got

    def draw(self, surface: pygame.Surface, camera: Camera) -> int:
        """Draw the streaks (one batched additive blit); returns how many were drawn."""
        if not len(self.age):
            return 0
        s = camera.tile_px
        ox, oy = camera.origin_px
        v = camera.viewport
        key = (self.version, s, ox, oy, v.x, v.y, v.w, v.h)
        if key == self._seq_key:  # particles move on sim ticks only: the frames between repeat the batch
            surface.fblits(self._seq, pygame.BLEND_ADD)
            return len(self._seq)
        self._seq_key, self._seq = key, []
        head = self.pos * s + (ox, oy)
        sp = np.hypot(self.vel[:, 0], self.vel[:, 1])
        # fade in and out over each streak's life
        f = np.clip(np.minimum(self.age / 0.25, (self.life - self.age) / 0.35), 0.0, 1.0)
        f *= 0.45 + 0.55 * np.minimum(sp / 3.0, 1.0)
        show = (f >= 0.05) & (head[:, 0] >= v.left) & (head[:, 0] < v.right) & (head[:, 1] >= v.top) & (head[:, 1] < v.bottom)
        if not show.any():
            return 0
        d = np.round(np.arctan2(self.vel[show, 1], self.vel[show, 0]) / (2 * math.pi) * DIRECTIONS).astype(int) % DIRECTIONS
        k = np.clip((np.minimum(sp[show] / AIR_VIS_MAX_M_S, 1.0) * LENGTHS).astype(int), 0, LENGTHS - 1)
        b = np.clip((f[show] * BRIGHTS).astype(int), 0, BRIGHTS - 1)
        imgs, ax, ay = self._flat_sprites(s)
        i = (d * LENGTHS + k) * BRIGHTS + b
        xs = (head[show, 0].astype(int) - ax[i]).tolist()
        ys = (head[show, 1].astype(int) - ay[i]).tolist()
        seq = [(imgs[j], (x, y)) for j, x, y in zip(i.tolist(), xs, ys)]
        surface.fblits(seq, pygame.BLEND_ADD)
        self._seq = seq
        return len(seq)


class Sparks:
    """Short-lived hot sparks thrown from each point being cut."""

    MAX = 260

    def __init__(self, seed: int = 31415) -> None:
        self.rng = np.random.default_rng(seed)
        self.pos = np.zeros((0, 2))
        self.vel = np.zeros((0, 2))
        self.age = np.zeros(0)
        self.life = np.zeros(0)

    def emit(self, at: tuple[float, float], dt_sim: float, rate_per_s: float = 90.0) -> None:
        n = int(rate_per_s * dt_sim + self.rng.random())
        if n <= 0 or len(self.age) >= self.MAX:
            return
        ang = self.rng.uniform(0, 2 * math.pi, n)
        speed = self.rng.uniform(1.0, 4.5, n)
        self.pos = np.concatenate([self.pos, np.tile(np.array(at, dtype=np.float64), (n, 1))])
        self.vel = np.concatenate([self.vel, np.stack([np.cos(ang) * speed, np.sin(ang) * speed], axis=1)])
        self.age = np.concatenate([self.age, np.zeros(n)])
        self.life = np.concatenate([self.life, self.rng.uniform(0.15, 0.55, n)])

    def update(self, dt_sim: float) -> None:
        if not len(self.age) or dt_sim <= 0:
            return
        self.pos = self.pos + self.vel * dt_sim
        self.vel = self.vel * math.exp(-dt_sim * 4.0)
        self.age = self.age + dt_sim
        keep = self.age < self.life
        self.pos, self.vel, self.age, self.life = self.pos[keep], self.vel[keep], self.age[keep], self.life[keep]

    def draw(self, surface: pygame.Surface, camera: Camera) -> None:
        if not len(self.age):
            return
        s = camera.tile_px
        ox, oy = camera.origin_px
        for (x, y), (vx, vy), age, life in zip(self.pos.tolist(), self.vel.tolist(), self.age.tolist(), self.life.tolist()):
            k = 1.0 - age / life
            hx, hy = ox + x * s, oy + y * s
            colour = (255, int(150 + 105 * k), int(40 + 150 * k * k))
            pygame.draw.line(surface, colour, (hx - vx * s * 0.03, hy - vy * s * 0.03), (hx, hy), 1)


def draw_cut_glow(surface: pygame.Surface, camera: Camera, at: tuple[float, float], phase: float, progress: float | None) -> None:
    """The lance's white-hot point, flickering."""
    s = camera.tile_px
    sx, sy = camera.world_to_screen(*at)
    flick = 0.75 + 0.25 * math.sin(phase * 37.0) * math.sin(phase * 23.0 + 1.0)
    r = max(2, int(s * 0.28 * flick))
    pygame.draw.circle(surface, (255, 120, 30), (sx, sy), r + 2)
    pygame.draw.circle(surface, (255, 220, 150), (sx, sy), r)
    pygame.draw.circle(surface, (255, 255, 240), (sx, sy), max(1, r // 2))
