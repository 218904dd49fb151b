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
    which each frame costs one blit; only the moving ones are blitted, in one
    batch, at their interpolated places. When pieces wake, come to rest, come
    or go, only their rects of the layer are repainted (a breach wakes a few
    dozen a tick among thousands at rest); it is painted afresh when the
    camera moves.
    """

    def __init__(self) -> None:
        self.drawn = 0  # pieces drawn in the last frame (tests read it)
        self._prev: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # ids, places, angles at the last snapshot
        self._vkey: tuple | None = None
        self._v: "DebrisView | None" = None
        self._sprites: dict[tuple, tuple[pygame.Surface, int, int]] = {}
        self._still_key: tuple | None = None  # (world, tile size, origin, viewport) the still layer is for
        self._still: pygame.Surface | None = None
        # per piece of the view (in its order): on the still layer?, its rect there, its sprite
        self._ids = np.zeros(0, dtype=np.int64)
        self._painted = np.zeros(0, dtype=bool)
        self._rects = np.zeros((0, 4), dtype=np.int64)
        self._imgs = np.empty(0, dtype=object)
        self._moving_seq: list = []
        self._looks_key: tuple | None = None
        self._looks_cache: tuple = ()
        self._looks_base: tuple | None = None  # (tile size, ids, look per piece, look -> index, looks, coarseness)
        self.fresh_paints = 0  # still layers painted from empty, and repaired in part (tests read them)
        self.repairs = 0
        self.cleared = 0  # pieces taken off the still layer by a repair (they woke or went)

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
        still_key = (id(world), camera.tile_px, camera.origin_px, tuple(view_rect))
        if stale_ok and self._still is not None and self._still_key == still_key:
            surface.blit(self._still, view_rect.topleft)
            surface.fblits(self._moving_seq)
            self.drawn = int(self._painted.sum()) + len(self._moving_seq)
            return
        v = self._view(world)
        self.drawn = 0
        if v is None or len(v.ids) == 0:
            self._still_key, self._moving_seq = None, []
            self._align(np.zeros(0, dtype=np.int64))
            return
        s = camera.tile_px
        ox, oy = camera.origin_px
        xs, ys, angs, moving = self._placed(v, alpha)
        cx = xs * s + ox
        cy = ys * s + oy
        near = view_rect.inflate(8 * s, 8 * s)
        inside = (cx >= near.left) & (cx < near.right) & (cy >= near.top) & (cy < near.bottom)
        want = inside & ~moving
        gone = self._align(v.ids)
        shift = (-view_rect.x, -view_rect.y)
        if still_key != self._still_key or self._still is None or self._still.get_size() != view_rect.size:
            self._paint_fresh(v, s, cx, cy, angs, want, view_rect)  # the view moved: paint afresh
            self._still_key = still_key
        else:
            self._repair(v, s, cx, cy, angs, want, gone, shift)
        surface.blit(self._still, view_rect.topleft)
        self._moving_seq = self._sequence(v, s, cx, cy, angs, inside & moving, (0, 0))[0]
        surface.fblits(self._moving_seq)
        self.drawn = int(self._painted.sum()) + len(self._moving_seq)

    def _align(self, ids: np.ndarray) -> np.ndarray:
        """Carry what the still layer holds over to the pieces of `ids` (matched by id: pieces
        come and go); returns the layer rects of painted pieces that are gone."""
        old = self._ids
        if old is ids or (len(old) == len(ids) and np.array_equal(old, ids)):
            self._ids = ids
            return np.zeros((0, 4), dtype=np.int64)
        n = len(ids)
        painted = np.zeros(n, dtype=bool)
        rects = np.zeros((n, 4), dtype=np.int64)
        imgs = np.empty(n, dtype=object)
        kept = np.zeros(len(old), dtype=bool)
        if len(old) and n:
            order = np.argsort(old, kind="stable")
            idx = order[np.clip(np.searchsorted(old, ids, sorter=order), 0, len(old) - 1)]
            found = old[idx] == ids
            painted = found & self._painted[idx]
            rects[found] = self._rects[idx[found]]
            imgs[found] = self._imgs[idx[found]]
            kept[idx[found]] = True
        gone = self._rects[self._painted & ~kept]
        self._ids, self._painted, self._rects, self._imgs = ids, painted, rects, imgs
        return gone

    def _paint_fresh(self, v: "DebrisView", s: int, cx: np.ndarray, cy: np.ndarray, angs: np.ndarray,
                     want: np.ndarray, view_rect: pygame.Rect) -> None:
        """Paint the `want` pieces onto an empty still layer the size of the view."""
        if self._still is None or self._still.get_size() != view_rect.size:
            # a colour key, run-length encoded: blitting a layer that is mostly
            # holes costs a fraction of a per-pixel-alpha one (sprite pixels are
            # opaque or clear, so nothing is lost)
            self._still = pygame.Surface(view_rect.size)
        self._still.set_colorkey(None)  # paint it plain: each blit onto an encoded surface re-encodes it
        self._still.fill(STILL_KEY)
        seq, rects, pick = self._sequence(v, s, cx, cy, angs, want, (-view_rect.x, -view_rect.y))
        self._still.fblits(seq)
        self._still.set_colorkey(STILL_KEY, pygame.RLEACCEL)
        self._painted = want.copy()
        self._rects[pick] = rects
        self._imgs[pick] = [img for img, _ in seq]
        self.fresh_paints += 1

    def _repair(self, v: "DebrisView", s: int, cx: np.ndarray, cy: np.ndarray, angs: np.ndarray,
                want: np.ndarray, gone: np.ndarray, shift: tuple[int, int]) -> None:
        """Bring the still layer to `want` by repainting only where pieces woke, went or came to rest.

        The rects of pieces that woke or went are cleared and every still piece
        over them blitted again, clipped to them, in the order of a fresh paint
        (beams last); a piece that came to rest is blitted with the pieces after
        it in that order that overlap it, clipped to it (those before it lie
        under it already). So the layer is pixel for pixel what painting it
        afresh would give."""
        woke = self._painted & ~want
        came = want & ~self._painted
        if not (len(gone) or woke.any() or came.any()):
            return
        seq, rects, pick = self._sequence(v, s, cx, cy, angs, came, shift)
        self._rects[pick] = rects
        self._imgs[pick] = [img for img, _ in seq]
        cleared = np.concatenate([gone, self._rects[woke]])
        self.cleared += len(cleared)
        self._painted = want.copy()
        _, heavy, _, _ = self._looks(v, s)
        rank = heavy.astype(np.int64) * len(heavy) + np.arange(len(heavy))  # a fresh paint's order
        still = self._still
        still.set_colorkey(None)
        for rect in cleared.tolist():
            still.fill(STILL_KEY, rect)
        want_idx = np.nonzero(want)[0]
        blits = self._clipped(want_idx, rank, cleared, None)
        blits += self._clipped(want_idx, rank, rects, rank[pick])
        still.blits(blits, doreturn=False)
        still.set_colorkey(STILL_KEY, pygame.RLEACCEL)
        self.repairs += 1

    def _clipped(self, cand: np.ndarray, rank: np.ndarray, dirty: np.ndarray, after: np.ndarray | None) -> list:
        """Blits of the painted pieces `cand` over the layer rects `dirty`, each clipped to each
        rect it meets, in paint order (`after`: per rect, only pieces of that rank or later)."""
        if not len(dirty) or not len(cand):
            return []
        x0, y0 = dirty[:, 0], dirty[:, 1]
        x1, y1 = x0 + dirty[:, 2], y0 + dirty[:, 3]
        r = self._rects[cand]
        near = _touching(r, dirty)
        cand, r = cand[near], r[near]
        order = np.argsort(rank[cand], kind="stable")
        cand, r = cand[order], r[order]
        ix0 = np.maximum(r[:, 0, None], x0[None, :])
        iy0 = np.maximum(r[:, 1, None], y0[None, :])
        ix1 = np.minimum((r[:, 0] + r[:, 2])[:, None], x1[None, :])
        iy1 = np.minimum((r[:, 1] + r[:, 3])[:, None], y1[None, :])
        meet = (ix1 > ix0) & (iy1 > iy0)
        if after is not None:
            meet &= rank[cand][:, None] >= after[None, :]
        pi, dj = np.nonzero(meet)  # row-major: paint order kept
        ax, ay = ix0[pi, dj], iy0[pi, dj]
        areas = zip(ax.tolist(), ay.tolist(), (ax - r[pi, 0]).tolist(), (ay - r[pi, 1]).tolist(),
                    (ix1[pi, dj] - ax).tolist(), (iy1[pi, dj] - ay).tolist())
        imgs = self._imgs[cand[pi]].tolist()
        return [(img, (x, y), (sx, sy, w, h)) for img, (x, y, sx, sy, w, h) in zip(imgs, areas)]

    def _sequence(self, v: "DebrisView", s: int, cx: np.ndarray, cy: np.ndarray, angs: np.ndarray,
                  chosen: np.ndarray, shift: tuple[int, int]) -> tuple[list, np.ndarray, np.ndarray]:
        """(sprite, place) for the chosen pieces, beams last so they lie on top; with each one's
        rect (x, y, w, h) and its index in the view."""
        look_id, heavy, coarse, looks = self._looks(v, s)
        pick = np.nonzero(chosen)[0]
        if not len(pick):
            return [], np.zeros((0, 4), dtype=np.int64), pick
        pick = pick[np.argsort(heavy[pick], kind="stable")]
        # Angles to the nearest step at which the piece's ends move under half a
        # pixel: a 6 px bag needs 40 poses, a beam all 720 (sprites come from a cache).
        c = coarse[pick]
        steps = (np.round((angs[pick] % (2 * math.pi)) / (ANGLE_STEP * c)).astype(np.int64) * c) % ANGLE_STEPS
        keys, inv = np.unique(look_id[pick] * ANGLE_STEPS + steps, return_inverse=True)
        imgs, dx, dy, w, h = [], [], [], [], []
        sprites = self._sprites
        for k in keys.tolist():
            look, step_ = divmod(k, ANGLE_STEPS)
            kind, colour, length, width, hv = looks[look]
            key = (kind, colour, length, width, step_, hv, s)
            sprite = sprites.get(key)
            if sprite is None:
                sprite = self._sprite(key)
            img, ddx, ddy = sprite
            imgs.append(img)
            dx.append(ddx)
            dy.append(ddy)
            w.append(img.get_width())
            h.append(img.get_height())
        inv = inv.reshape(-1)
        xs = cx[pick].astype(np.int64) + shift[0] + np.array(dx)[inv]
        ys = cy[pick].astype(np.int64) + shift[1] + np.array(dy)[inv]
        seq = list(zip(map(imgs.__getitem__, inv.tolist()), zip(xs.tolist(), ys.tolist())))
        rects = np.stack([xs, ys, np.array(w)[inv], np.array(h)[inv]], axis=1)
        return seq, rects, pick

    def _looks(self, v: "DebrisView", s: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple]]:
        """Per piece, the parts of its sprite key that do not change as it moves (once per set of
        pieces): an index into the distinct looks, whether it is heavy, its angle coarseness;
        and the looks (kind, colour, length px, width px, heavy). A piece's look never changes,
        so only pieces new since the last set are looked at (a fall adds a hundred to thousands)."""
        key = (v.ids.tobytes(), v.kinds, s)
        if key == self._looks_key:
            return self._looks_cache
        n = len(v.ids)
        look_id = np.zeros(n, dtype=np.int64)
        found = np.zeros(n, dtype=bool)
        base = self._looks_base
        if base is not None and base[0] == s and len(base[1]) and n:
            _, old, old_look, index, looks, coarse = base
            order = np.argsort(old, kind="stable")
            idx = order[np.clip(np.searchsorted(old, v.ids, sorter=order), 0, len(old) - 1)]
            found = old[idx] == v.ids
            look_id[found] = old_look[idx[found]]
        else:
            index, looks, coarse = {}, [], []
        new = np.flatnonzero(~found)
        if new.size:
            size_px = np.round(v.size_m[new].astype(float) * s).astype(np.int64)
            colours = (v.ids[new] % len(EFFECTS_COLOURS)).tolist()
            for i, colour, length, width, hv in zip(new.tolist(), colours, size_px[:, 0].tolist(),
                                                     size_px[:, 1].tolist(), v.heavy[new].astype(bool).tolist()):
                kind = v.kinds[i]
                look = (kind, colour if kind == "personal_effects" else 0, length, width, hv)
                j = index.get(look)
                if j is None:
                    j = index[look] = len(looks)
                    looks.append(look)
                    coarse.append(ANGLE_COARSENESS.get(length, 1))
                look_id[i] = j
        self._looks_base = (s, v.ids, look_id, index, looks, coarse)
        self._looks_key = key
        self._looks_cache = (look_id, v.heavy.astype(bool), np.array(coarse, dtype=np.int64)[look_id], looks)
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


def _touching(rects: np.ndarray, dirty: np.ndarray, cell: int = 32) -> np.ndarray:
    """Which of `rects` (x, y, w, h) come near any of `dirty`: both marked on a grid of
    `cell`-pixel squares and compared through its summed-area table, so the exact test
    after it pairs only nearby pieces with each rect, not every piece on screen."""
    lo = np.minimum(rects[:, :2].min(axis=0), dirty[:, :2].min(axis=0))
    d0 = (dirty[:, :2] - lo) // cell
    d1 = (dirty[:, :2] + dirty[:, 2:] - lo) // cell
    r0 = (rects[:, :2] - lo) // cell
    r1 = (rects[:, :2] + rects[:, 2:] - lo) // cell
    w, h = int(max(d1[:, 0].max(), r1[:, 0].max())) + 2, int(max(d1[:, 1].max(), r1[:, 1].max())) + 2
    marked = np.zeros((h, w), dtype=np.int32)
    for x0, y0, x1, y1 in np.concatenate([d0, d1], axis=1).tolist():
        marked[y0 + 1:y1 + 2, x0 + 1:x1 + 2] = 1
    sat = marked.cumsum(axis=0).cumsum(axis=1)  # sat[y, x]: marked squares above and left of (x, y)
    x0, y0, x1, y1 = r0[:, 0], r0[:, 1], r1[:, 0] + 1, r1[:, 1] + 1
    return (sat[y1, x1] - sat[y0, x1] - sat[y1, x0] + sat[y0, x0]) > 0


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
