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
from game.view.overlays import PRESSURE_NUMBER, Overlay
from game.view.ui import px, screen_format

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


MIN_MAP_TEXT_PX = 12  # no text on the map is smaller than this at 100 % (issue 16)


def label_sizes(tile_px: int) -> tuple[int, int]:
    """Font sizes of a room's name and its number at `tile_px`: growing with the zoom,
    never under MIN_MAP_TEXT_PX at the UI scale in use."""
    floor = px(MIN_MAP_TEXT_PX)
    size = max(floor + 1, min(max(20, floor + 4), round(tile_px * 0.85)))
    return size, max(floor, size - 2)


class LabelSprites:
    """Each room's label (name and number, laid out for the room and tile size) rendered once
    and kept, so a frame is one batched blit however many rooms there are; while the camera
    and the numbers stay put, the whole batch is reused."""

    def __init__(self) -> None:
        self._cache: dict[tuple, list[tuple[pygame.Surface, int, int]]] = {}
        self.frame_key: tuple | None = None
        self.frame: tuple[list, list] = ([], [])
        self.rects: list[pygame.Rect] = []  # where the labels drawn last stand (countdown tags keep off them)

    def parts(self, lab: RoomLabel, s: int, name_txt: str, value: str, colour, on_overlay: bool) -> list[tuple[pygame.Surface, int, int]]:
        """(image, dx, dy) pieces relative to the label's anchor: the centre of its top row."""
        size, small = label_sizes(s)
        key = (lab.room_id, s, size, value, colour, on_overlay)
        got = self._cache.get(key)
        if got is not None:
            return got
        room_w = lab.width_cells * s
        name = TEXT.render(name_txt, size, P.TEXT, "bold", shadow=P.TEXT_SHADOW)
        if name.get_width() > room_w + 2 * s and size - 2 >= px(MIN_MAP_TEXT_PX):  # crowded: a size smaller
            name = TEXT.render(name_txt, size - 2, P.TEXT, "bold", shadow=P.TEXT_SHADOW)
        if name.get_width() > room_w + 2 * s:
            name = None  # then nothing: a name never runs far over its neighbours
        pr = TEXT.render(value, small, colour, "bold" if on_overlay else "regular", shadow=P.TEXT_SHADOW)
        if pr.get_width() > room_w + s // 2:
            pr = None  # a number that does not fit its room is left out rather than spill over the next
        elif on_overlay:  # on a dark pill, so it reads over any overlay colour
            pill = pygame.Surface((pr.get_width() + 6, pr.get_height()), pygame.SRCALPHA)
            pygame.draw.rect(pill, (10, 12, 18), pill.get_rect(), border_radius=3)
            pill.blit(pr, (3, 0))
            pr = pill
        out: list[tuple[pygame.Surface, int, int]] = []
        nw = name.get_width() if name else 0
        nh = name.get_height() if name else 0
        if lab.bottom == lab.top:  # one-row room: name and number on one line
            total = nw + (6 if name else 0) + (pr.get_width() if pr else 0)
            left = -total // 2
            if name:
                out.append((name, left, -nh // 2))
            if pr:
                out.append((pr, left + nw + (6 if name else 0), -pr.get_height() // 2 + 1))
        elif pr is not None and nh + pr.get_height() <= s + 2:  # both fit in the top row
            if name:
                out.append((name, -nw // 2, -s // 2 + 1))
            out.append((pr, -pr.get_width() // 2, -s // 2 + nh - 1))
        else:  # the number goes on the room's bottom row
            if name:
                out.append((name, -nw // 2, -nh // 2))
            if pr:
                out.append((pr, -pr.get_width() // 2, (lab.bottom - lab.top) * s - pr.get_height() // 2))
        if len(self._cache) > 4000:
            self._cache.clear()
        self._cache[key] = out
        return out


_LABEL_SPRITES = LabelSprites()


def draw_room_labels(
    surface: pygame.Surface, world: "World", camera: Camera, labels: list[RoomLabel], overlay: Overlay | None = None,
    sprites: LabelSprites | None = None, stale_ok: bool = False,
) -> list[tuple[str, str]]:
    """Room names along the top of each room, and a number for the room: its pressure
    in bar, or what the overlay that is on says rooms show (oxygen: ppO2 in kPa), number and colour.

    When a row is too short for both lines, the number goes on the room's
    bottom row, so the middle of the room, where people are, stays clear.
    With an overlay on, the number sits on a dark pill so it reads over any
    fill colour. Returns (room, number) for every label drawn. `stale_ok` (the frame
    that ran a tick): keep last frame's numbers if the camera has not moved.
    """
    if not labels:
        return []
    sprites = sprites or _LABEL_SPRITES
    s = camera.tile_px
    small = label_sizes(s)[1]
    ox, oy = camera.origin_px
    view = camera.viewport.inflate(200, 60)
    cells = np.array([(lab.cell[0], lab.cell[1], lab.top) for lab in labels])
    sx = ox + (cells[:, 0] * s + s // 2)
    sy = oy + (cells[:, 2] * s + s // 2)
    visible = (sx >= view.left) & (sx < view.right) & (sy >= view.top) & (sy < view.bottom)
    if not visible.any():
        return []
    ci = world.compartments.labels[cells[:, 1], cells[:, 0]] - 1
    number = overlay.room_number if overlay is not None and overlay.room_number is not None else PRESSURE_NUMBER
    mode = overlay.name if overlay is not None else None
    values = number.values(world)
    shown = np.where(ci >= 0, np.append(values, 0.0)[ci], 0.0)
    key = (id(labels), s, small, ox, oy, camera.viewport.size, mode, np.round(shown * number.resolution).astype(np.int32).tobytes())
    if key == sprites.frame_key or (stale_ok and sprites.frame_key is not None and sprites.frame_key[:7] == key[:7]):
        seq, drawn = sprites.frame
        surface.fblits(seq)
        return drawn
    drawn: list[tuple[str, str]] = []
    seq = []
    placed: list[pygame.Rect] = []  # a label that would overlap one already placed is left out
    for k in np.nonzero(visible)[0].tolist():
        lab = labels[k]
        v = float(values[ci[k]]) if ci[k] >= 0 else 0.0
        room_w = lab.width_cells * s
        longp, shortp, colour = number.long.format(v), number.short.format(v), number.colour(v)
        value = longp if TEXT.render(longp, small, P.TEXT).get_width() <= room_w - 4 else shortp
        x0, y0 = int(sx[k]), int(sy[k])
        parts = [(img, (x0 + dx, y0 + dy)) for img, dx, dy in sprites.parts(lab, s, lab.text, value, colour, overlay is not None)]
        rects = [img.get_rect(topleft=pos) for img, pos in parts]
        if any(r.collidelist(placed) >= 0 for r in rects):
            continue
        placed.extend(rects)
        seq.extend(parts)
        drawn.append((lab.text, value))
    surface.fblits(seq)
    sprites.frame_key, sprites.frame, sprites.rects = key, (seq, drawn), placed
    return drawn


# ----------------------------------------------------------------- pressure

class PressureTint:
    """A faint red wash over rooms that are losing air, deeper as pressure falls.

    Worked out per tick as one alpha per visible cell; the scaled-up wash is
    redrawn only when one of those alphas changes, into surfaces kept between
    redraws (pressure creeps: most ticks change nothing that shows)."""

    MAX_ALPHA = 90

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._alpha_key: tuple | None = None
        self._surf: pygame.Surface | None = None
        self._small: pygame.Surface | None = None
        self._big: pygame.Surface | None = None
        self._area: pygame.Rect | None = None
        self.builds = 0  # washes scaled up so far (profiling reads it)

    def draw(self, surface: pygame.Surface, world: "World", camera: Camera, stale_ok: bool = False) -> None:
        """`stale_ok`: keep last tick's wash if only the tick has moved (redrawn next frame)."""
        grid = world.grid
        x0, y0, x1, y1 = camera.visible_cells(grid.width, grid.height)
        if x1 <= x0 or y1 <= y0:
            return
        s = camera.tile_px
        key = (world.tick, id(world), s, x0, y0, x1, y1)
        if key != self._key and not (stale_ok and self._key is not None and self._key[1:] == key[1:]):
            self._key = key
            alpha = self._alpha(world, x0, y0, x1, y1)
            akey = (s, x0, y0, x1, y1, alpha.tobytes())
            if akey != self._alpha_key:
                self._alpha_key = akey
                self._surf = self._build(alpha, s) if alpha.any() else None
                if self._surf is not None:  # the cells with any wash (Surface.get_bounding_rect takes ms)
                    rows, cols = np.nonzero(alpha.any(axis=1))[0], np.nonzero(alpha.any(axis=0))[0]
                    self._area = pygame.Rect(int(cols[0]) * s, int(rows[0]) * s,
                                             int(cols[-1] - cols[0] + 1) * s, int(rows[-1] - rows[0] + 1) * s)
        if self._surf is not None:
            ox, oy = camera.origin_px
            # only the part with any wash in it: blending the clear rest changes nothing
            surface.blit(self._surf, (ox + x0 * s + self._area.x, oy + y0 * s + self._area.y), self._area)

    def _alpha(self, world: "World", x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        """uint8 [y, x] wash alpha of the cells x0..x1, y0..y1."""
        c = world.compartments
        nominal = max(1e-6, world.level.meta.nominal_pressure_bar)
        per = np.append(np.clip(1.0 - c.pressure_bar / nominal, 0.0, 1.0), 0.0)
        lab = c.labels[y0:y1, x0:x1]
        deficit = per[np.where(lab > 0, lab - 1, len(per) - 1)]
        return (np.sqrt(deficit) * self.MAX_ALPHA).astype(np.uint8)

    def _build(self, alpha: np.ndarray, s: int) -> pygame.Surface:
        h, w = alpha.shape
        if self._small is None or self._small.get_size() != (w, h):
            self._small = pygame.Surface((w, h), pygame.SRCALPHA)
            self._small.fill(P.PRESSURE_TINT)
            self._small = screen_format(self._small)
        if self._big is None or self._big.get_size() != (w * s, h * s):
            self._big = screen_format(pygame.Surface((w * s, h * s), pygame.SRCALPHA))
        pa = pygame.surfarray.pixels_alpha(self._small)
        pa[:, :] = alpha.T
        del pa
        self.builds += 1
        return pygame.transform.scale(self._small, (w * s, h * s), self._big)


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


_PERSON_SPRITES: dict[tuple, tuple[pygame.Surface, int, int]] = {}


def person_sprite(radius: int, colour, state: str) -> tuple[pygame.Surface, int, int]:
    """A person's glyph drawn once per look; (image, dx, dy) from the person's centre."""
    key = (radius, colour, state)
    got = _PERSON_SPRITES.get(key)
    if got is None:
        half = radius * 3 + 6
        surf = pygame.Surface((half * 2, half * 2), pygame.SRCALPHA)
        glyphs.person(surf, (half, half), radius, colour, state)
        box = surf.get_bounding_rect()
        img = screen_format(surf.subsurface(box).copy())
        got = (img, box.x - half, box.y - half)
        _PERSON_SPRITES[key] = got
    return got


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
    if positions is None:
        positions = np.array([(p.x, p.y) for p in world.people], dtype=np.float64)
    ox, oy = camera.origin_px
    s = camera.tile_px
    sx = np.round(positions[:, 0] * s).astype(int) + ox
    sy = np.round(positions[:, 1] * s).astype(int) + oy
    visible = (sx >= view.left) & (sx < view.right) & (sy >= view.top) & (sy < view.bottom)
    states = world.bodies.state
    # the fallen first, so anyone standing over them stays visible
    order = sorted(np.nonzero(visible)[0].tolist(), key=lambda i: int(states[i]) < 2)
    seq = []
    for i in order:
        p = world.people[i]
        img, dx, dy = person_sprite(r, P.ROLE_COLOURS.get(p.role, P.ROLE_DEFAULT), world.person_state(i))
        seq.append((img, (int(sx[i]) + dx, int(sy[i]) + dy)))
    surface.fblits(seq)
    if highlight is not None and visible[highlight]:
        pygame.draw.circle(surface, P.TEXT, (int(sx[highlight]), int(sy[highlight])), r + 5, 1)


SPREAD_M = 0.3  # people on one cell are drawn this far apart around its middle, so each can be seen and picked


def spread(positions: np.ndarray) -> np.ndarray:
    """`positions` with people who stand on one cell fanned out around it (drawing and picking only:
    the sim's positions are not touched)."""
    if len(positions) < 2:
        return positions
    cells = np.floor(positions).astype(np.int64)
    keys = cells[:, 0] * 100_003 + cells[:, 1]
    uniq, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    if counts.max() < 2:
        return positions
    # each person's place among those on their cell (in id order), in one pass for all cells
    order = np.argsort(inverse, kind="stable")
    first = np.cumsum(counts) - counts
    rank = np.empty(len(positions), dtype=np.int64)
    rank[order] = np.arange(len(positions)) - first[inverse[order]]
    n = counts[inverse]
    shared = n > 1
    cx = np.bincount(inverse, weights=positions[:, 0]) / counts
    cy = np.bincount(inverse, weights=positions[:, 1]) / counts
    angles = rank * (2 * np.pi) / n
    out = positions.copy()
    out[shared, 0] = cx[inverse][shared] + SPREAD_M * np.cos(angles[shared])
    out[shared, 1] = cy[inverse][shared] + SPREAD_M * np.sin(angles[shared])
    return out


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
