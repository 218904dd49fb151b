"""The static map: tiles and doors pre-rendered into cached chunk surfaces.

The map only changes when a door changes state or a wall is cut, so it is
drawn once per tile size, in chunks of CHUNK cells, and each frame just blits
the visible chunks. `sync` compares the world with what was drawn (a bytes
compare of the tile array and the door-state tuple, microseconds) and
repaints, in the chunks already drawn, only the cells around those that
changed: with a crew working doors all night, redrawing whole chunks cost
10 ms frames.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np
import pygame

from game.sim.doors import Door
from game.sim.navigation import needs_force
from game.sim.tiles import IS_DOOR, Tile
from game.view import glyphs
from game.view import palette as P
from game.view.camera import Camera

if TYPE_CHECKING:
    from game.sim.world import World

CHUNK = 32  # cells per chunk side
CACHE_BUDGET_PX = 24_000_000  # about 96 MB of 32-bit pixels across all cached chunks

_N = len(Tile)
_WALLISH = np.zeros(_N, dtype=bool)
_WALLISH[[Tile.WALL, Tile.MODULE_WALL, Tile.HULL]] = True
_SOLIDISH = _WALLISH | IS_DOOR  # things a door's frame can rest against

_BASE = np.zeros((_N, 3), dtype=np.uint8)
_BASE[Tile.VACUUM] = P.COLORKEY
_BASE[Tile.WALL] = P.WALL
_BASE[Tile.MODULE_WALL] = P.MODULE_WALL
_BASE[Tile.HULL] = P.HULL
_BASE[Tile.DOOR] = P.DOOR_FRAME
_BASE[Tile.BULKHEAD] = P.DOOR_FRAME
_BASE[Tile.HATCH] = P.DOOR_FRAME
_BASE[Tile.CUT] = P.CUT_HOLE
_EDGE = np.zeros((_N, 3), dtype=np.uint8)
_EDGE[Tile.WALL] = P.WALL_EDGE
_EDGE[Tile.MODULE_WALL] = P.MODULE_WALL_EDGE
_EDGE[Tile.HULL] = P.HULL_EDGE


def floor_colours(world: "World") -> np.ndarray:
    """uint8 [y, x, 3] floor colour of every cell, by the kind of room it is in."""
    grid = world.grid
    kinds = np.array(
        [P.FLOOR_BY_KIND.get(r.kind, P.FLOOR_DEFAULT) for r in grid.rooms] + [P.FLOOR_DEFAULT], dtype=np.uint8
    )
    return kinds[np.where(grid.room_id >= 0, grid.room_id, len(grid.rooms))]


def door_look(door) -> str:
    """How a door is drawn: its state, or "sticking" for a closed door a bare hand will not shift
    (the editor's doors, drawn by state alone, are not the sim's `Door`)."""
    sticks = isinstance(door, Door) and door.state == "closed" and needs_force(door)
    return "sticking" if sticks else str(door.state)


def door_horizontal(tiles: np.ndarray, x: int, y: int) -> bool:
    """True when a door sits in a wall running left-right (people pass up-down)."""
    h, w = tiles.shape
    left = x > 0 and _SOLIDISH[tiles[y, x - 1]]
    right = x < w - 1 and _SOLIDISH[tiles[y, x + 1]]
    up = y > 0 and _SOLIDISH[tiles[y - 1, x]]
    down = y < h - 1 and _SOLIDISH[tiles[y + 1, x]]
    return (left + right) >= (up + down)


def render_cells(tiles: np.ndarray, floor_rgb: np.ndarray, x0: int, y0: int, x1: int, y1: int, s: int) -> np.ndarray:
    """Pixels [py, px, 3] of cells x0..x1, y0..y1 (end exclusive) at s px a cell.

    Whole-array numpy: base colour per cell, floor seams, edge highlights on
    walls that face a room, hatching on module walls, plates on the hull.
    """
    pad = np.pad(tiles, 1, constant_values=int(Tile.VACUUM))
    t = pad[y0 + 1 : y1 + 1, x0 + 1 : x1 + 1]
    n = pad[y0 : y1, x0 + 1 : x1 + 1]
    so = pad[y0 + 2 : y1 + 2, x0 + 1 : x1 + 1]
    we = pad[y0 + 1 : y1 + 1, x0 : x1]
    ea = pad[y0 + 1 : y1 + 1, x0 + 2 : x1 + 2]

    cell_rgb = _BASE[t].copy()
    is_floor = t == Tile.FLOOR
    cell_rgb[is_floor] = floor_rgb[y0:y1, x0:x1][is_floor]

    hc, wc = t.shape
    iy = np.repeat(np.arange(hc), s)
    ix = np.repeat(np.arange(wc), s)
    ly = np.tile(np.arange(s), hc)[:, None]
    lx = np.tile(np.arange(s), wc)[None, :]
    img = cell_rgb[iy[:, None], ix[None, :]]
    tp = t[iy[:, None], ix[None, :]]

    def cellmask(m: np.ndarray) -> np.ndarray:
        return m[iy[:, None], ix[None, :]]

    e = max(1, s // 8)
    if s >= 8:  # floor panel seams
        seam = cellmask(is_floor) & ((ly == 0) | (lx == 0))
        img[seam] = P.FLOOR_SEAM

    wallish = _WALLISH[t]
    if s >= 10:  # module wall hatching, continuous across cells
        gy = (np.arange(hc * s) + y0 * s)[:, None]
        gx = (np.arange(wc * s) + x0 * s)[None, :]
        period = max(5, s // 3)
        hatch = (tp == Tile.MODULE_WALL) & (((gx + gy) % period) < max(1, period // 3))
        img[hatch] = P.MODULE_WALL_HATCH
    hull = tp == Tile.HULL
    if s >= 10:  # hull plates and rivets
        plate = hull & ((ly == 0) | (lx == 0))
        img[plate] = P.HULL_SEAM
        if s >= 16:
            k = max(2, s // 5)
            rivet = hull & np.isin(ly, (k, s - 1 - k)) & np.isin(lx, (k, s - 1 - k))
            img[rivet] = P.HULL_SEAM

    # walls lit along the sides that face a room or corridor
    def faces_room(nb: np.ndarray) -> np.ndarray:
        return wallish & ~_WALLISH[nb] & (nb != Tile.VACUUM)

    edge_rgb = _EDGE[t][iy[:, None], ix[None, :]]
    for nb, band in ((n, ly < e), (so, ly >= s - e), (we, lx < e), (ea, lx >= s - e)):
        m = cellmask(faces_room(nb)) & band
        img[m] = edge_rgb[m]
    # a dark rim where the hull meets space keeps the silhouette crisp
    for nb, band in ((n, ly < e), (so, ly >= s - e), (we, lx < e), (ea, lx >= s - e)):
        m = cellmask(wallish & (nb == Tile.VACUUM)) & band
        img[m] = P.HULL_RIM
    # and a faint halo just outside, so the station stands off the stars
    if s >= 8:
        h2 = max(1, s // 10)
        vac = t == Tile.VACUUM
        for nb, band in ((n, ly < h2), (so, ly >= s - h2), (we, lx < h2), (ea, lx >= s - h2)):
            m = cellmask(vac & _WALLISH[nb]) & band
            img[m] = P.HULL_HALO
    return img


class MapLayer:
    """Cached drawing of the grid and doors of one world."""

    def __init__(self, world: "World") -> None:
        self.cols = world.grid.width
        self.rows = world.grid.height
        self.floor_rgb = floor_colours(world)
        self.tiles = world.grid.tiles.copy()
        self.door_states = tuple(d.state for d in world.doors)
        self.doors = [(d.x, d.y, d.kind, door_look(d)) for d in world.doors]
        self._horizontal = {(d.x, d.y): door_horizontal(self.tiles, d.x, d.y) for d in world.doors}
        self._chunks: OrderedDict[tuple[int, int, int], pygame.Surface] = OrderedDict()
        self._cached_px = 0
        self.rebuilds = 0  # chunks drawn so far; tests and profiling read it
        self.patches = 0  # cell blocks repainted in drawn chunks

    # ----------------------------------------------------------- invalidation
    def stale(self, world: "World") -> bool:
        """True when a tile or a door has changed since the map was last synced (cheap)."""
        tiles = world.grid.tiles
        if tiles.shape != self.tiles.shape or len(world.doors) != len(self.doors):
            return True
        return tuple(d.state for d in world.doors) != self.door_states or not np.array_equal(tiles, self.tiles)

    def sync(self, world: "World") -> None:
        """Forget the chunks around any cell whose tile or door state changed."""
        changed: list[tuple[int, int]] = []
        tiles = world.grid.tiles
        if tiles.shape != self.tiles.shape:
            self.__init__(world)  # a different map altogether
            return
        if not np.array_equal(tiles, self.tiles):
            ys, xs = np.nonzero(tiles != self.tiles)
            changed += list(zip(xs.tolist(), ys.tolist()))
            self.tiles = tiles.copy()
            self._horizontal = {(d.x, d.y): door_horizontal(self.tiles, d.x, d.y) for d in world.doors}
        states = tuple(d.state for d in world.doors)
        if states != self.door_states or len(world.doors) != len(self.doors):
            old = {(x, y): st for x, y, _, st in self.doors}
            self.doors = [(d.x, d.y, d.kind, door_look(d)) for d in world.doors]
            changed += [(x, y) for x, y, _, st in self.doors if old.get((x, y)) != st]
            self.door_states = states
        if changed:
            self._invalidate(changed)

    def _invalidate(self, cells: list[tuple[int, int]]) -> None:
        """Repaint the changed cells and their neighbours in every chunk drawn so far."""
        boxes = []
        for x, y in cells:  # a cell's look depends on its neighbours
            boxes.append((max(0, x - 1), max(0, y - 1), min(self.cols, x + 2), min(self.rows, y + 2)))
        for (s, cx, cy), surf in self._chunks.items():
            x0, y0 = cx * CHUNK, cy * CHUNK
            x1, y1 = min(self.cols, x0 + CHUNK), min(self.rows, y0 + CHUNK)
            unpacked = False
            for bx0, by0, bx1, by1 in boxes:
                px0, py0, px1, py1 = max(bx0, x0), max(by0, y0), min(bx1, x1), min(by1, y1)
                if px0 < px1 and py0 < py1:
                    if not unpacked:
                        # Every draw call on an RLE surface decodes and re-encodes the whole
                        # chunk (0.3 ms each, a dozen per door): unpack it once, paint, repack.
                        surf.set_colorkey(None)
                        unpacked = True
                    self._paint(surf, s, x0, y0, px0, py0, px1, py1)
                    self.patches += 1
            if unpacked:
                surf.set_colorkey(P.COLORKEY, pygame.RLEACCEL)

    # ---------------------------------------------------------------- drawing
    def _paint(self, surf: pygame.Surface, s: int, ox: int, oy: int, x0: int, y0: int, x1: int, y1: int) -> None:
        """Draw cells x0..x1, y0..y1 (end exclusive) into `surf`, whose top-left is cell (ox, oy)."""
        img = render_cells(self.tiles, self.floor_rgb, x0, y0, x1, y1, s)
        part = pygame.surfarray.make_surface(np.ascontiguousarray(img.transpose(1, 0, 2)))
        surf.blit(part, ((x0 - ox) * s, (y0 - oy) * s))
        for x, y, kind, state in self.doors:
            if x0 <= x < x1 and y0 <= y < y1 and IS_DOOR[self.tiles[y, x]]:
                rect = pygame.Rect((x - ox) * s, (y - oy) * s, s, s)
                glyphs.door(surf, rect, kind, state, self._horizontal.get((x, y), True))
        ys, xs = np.nonzero(self.tiles[y0:y1, x0:x1] == Tile.CUT)
        for x, y in zip((xs + x0 - ox).tolist(), (ys + y0 - oy).tolist()):
            rect = pygame.Rect(x * s, y * s, s, s)
            pygame.draw.rect(surf, P.CUT_HOLE, rect)
            pygame.draw.ellipse(surf, P.CUT_RIM, rect.inflate(-max(2, s // 6), -max(2, s // 6)), max(1, s // 8))

    def chunk(self, s: int, cx: int, cy: int) -> pygame.Surface:
        """The surface of chunk (cx, cy) at s px a cell, drawn if not cached."""
        key = (s, cx, cy)
        surf = self._chunks.get(key)
        if surf is not None:
            self._chunks.move_to_end(key)
            return surf
        x0, y0 = cx * CHUNK, cy * CHUNK
        x1, y1 = min(self.cols, x0 + CHUNK), min(self.rows, y0 + CHUNK)
        surf = pygame.Surface(((x1 - x0) * s, (y1 - y0) * s))
        if pygame.display.get_init() and pygame.display.get_surface() is not None:
            surf = surf.convert()  # match the screen's format: blits are several times faster
        self._paint(surf, s, x0, y0, x0, y0, x1, y1)
        surf.set_colorkey(P.COLORKEY, pygame.RLEACCEL)
        self._chunks[key] = surf
        self._cached_px += surf.get_width() * surf.get_height()
        self.rebuilds += 1
        while self._cached_px > CACHE_BUDGET_PX and len(self._chunks) > 1:
            _, old = self._chunks.popitem(last=False)
            self._cached_px -= old.get_width() * old.get_height()
        return surf

    def draw(self, surface: pygame.Surface, camera: Camera) -> None:
        """Blit the chunks that touch the camera's viewport."""
        s = camera.tile_px
        x0, y0, x1, y1 = camera.visible_cells(self.cols, self.rows)
        if x1 <= x0 or y1 <= y0:
            return
        ox, oy = camera.origin_px
        old_clip = surface.get_clip()
        surface.set_clip(camera.viewport.clip(old_clip))
        for cy in range(y0 // CHUNK, (y1 - 1) // CHUNK + 1):
            for cx in range(x0 // CHUNK, (x1 - 1) // CHUNK + 1):
                surface.blit(self.chunk(s, cx, cy), (ox + cx * CHUNK * s, oy + cy * CHUNK * s))
        surface.set_clip(old_clip)
