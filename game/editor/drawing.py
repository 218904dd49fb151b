"""Drawing the level being edited: the game's own cached map renderer for the
plan, then the editor's marks over it (labels, people, lockers, timeline
events, hull sections, grid, selection, tool previews, what-if overlay).
"""

from __future__ import annotations

import math
import time
from types import SimpleNamespace

import numpy as np
import pygame

from game.editor import edits
from game.editor.whatif import WhatIf, format_tuc
from game.sim.grid import Grid, build_grid
from game.sim.level import EventDef, Level
from game.sim.tiles import IS_DOOR, Tile
from game.sim.words import duration
from game.view import glyphs
from game.view import palette as P
from game.view.camera import Camera
from game.view.fonts import TEXT
from game.view.layers import Backdrop, person_radius, room_labels
from game.view.map_layer import MapLayer

SELECT = (255, 214, 120)
HOVER = (236, 242, 248)
SECTION = (120, 200, 255)
MODULE_TEXT = (160, 190, 230)
DEBRIS = (255, 170, 70)
LOCKER = (214, 160, 64)
PROBLEM = (255, 90, 70)
GRID = (255, 255, 255, 26)

TILE_SWATCH = {
    "floor": (64, 72, 88),
    "wall": P.WALL,
    "module_wall": P.MODULE_WALL,
    "hull": P.HULL,
    "vacuum": (10, 12, 22),
    "cut": P.CUT_RIM,
    "door": P.DOOR_SLAB,
    "bulkhead": P.HAZARD_YELLOW,
    "hatch": P.HATCH_FACE,
}


def tuc_colour(seconds: float) -> tuple[int, int, int]:
    """Red for minutes, amber for a quarter hour, green when nobody passes out."""
    if not math.isfinite(seconds):
        return (90, 200, 120)
    if seconds < 120:
        return (230, 40, 40)
    if seconds < 300:
        return (245, 100, 40)
    if seconds < 600:
        return (250, 170, 40)
    return (220, 220, 70)


class LevelPicture:
    """What the editor draws, rebuilt from the level whenever it changes."""

    def __init__(self) -> None:
        self.level: Level | None = None
        self.grid: Grid | None = None
        self.map: MapLayer | None = None
        self.labels = []
        self._map_key = None
        self.backdrop = Backdrop(seed=77)
        self._tint_key = None
        self._tint: pygame.Surface | None = None

    def sync(self, level: Level) -> None:
        if level is self.level:
            return
        self.level = level
        grid = build_grid(level)
        defs = {d.at: d for d in level.doors}
        doors = []
        ys, xs = np.nonzero(IS_DOOR[grid.tiles])
        for y, x in sorted(zip(ys.tolist(), xs.tolist())):
            kind = Tile(int(grid.tiles[y, x]))
            d = defs.get((x, y))
            state = d.state if d else ("open" if kind == Tile.BULKHEAD else "closed")
            doors.append(SimpleNamespace(x=x, y=y, kind=kind, state=state))
        proxy = SimpleNamespace(grid=grid, doors=doors)
        key = (grid.tiles.shape, tuple((r.label, r.kind, r.at) for r in level.rooms))
        if self.map is None or key != self._map_key:  # floor tints follow the rooms
            self.map = MapLayer(proxy)
            self._map_key = key
        else:
            self.map.sync(proxy)
        self.grid = grid
        self.labels = room_labels(grid)

    # -------------------------------------------------------------- layers
    def draw_map(self, surface: pygame.Surface, camera: Camera) -> None:
        self.backdrop.draw(surface, camera.viewport, camera)
        if self.map is not None:
            self.map.draw(surface, camera)
        s = camera.tile_px
        ox, oy = camera.origin_px
        w, h = (self.grid.width, self.grid.height) if self.grid else (0, 0)
        pygame.draw.rect(surface, (70, 84, 104), (ox - 1, oy - 1, w * s + 2, h * s + 2), 1)

    def draw_grid(self, surface: pygame.Surface, camera: Camera) -> None:
        if self.grid is None or camera.tile_px < 6:
            return
        s = camera.tile_px
        x0, y0, x1, y1 = camera.visible_cells(self.grid.width, self.grid.height)
        ox, oy = camera.origin_px
        over = pygame.Surface(camera.viewport.size, pygame.SRCALPHA)
        vx, vy = camera.viewport.topleft
        for x in range(x0, x1 + 1):
            colour = (255, 255, 255, 60) if x % 10 == 0 else GRID
            pygame.draw.line(over, colour, (ox + x * s - vx, oy + y0 * s - vy), (ox + x * s - vx, oy + y1 * s - vy))
        for y in range(y0, y1 + 1):
            colour = (255, 255, 255, 60) if y % 10 == 0 else GRID
            pygame.draw.line(over, colour, (ox + x0 * s - vx, oy + y * s - vy), (ox + x1 * s - vx, oy + y * s - vy))
        surface.blit(over, camera.viewport.topleft)

    def draw_whatif(self, surface: pygame.Surface, camera: Camera, result: WhatIf) -> None:
        """Each floor area washed by how soon an unprotected person there passes out."""
        labels = result.region_labels
        if labels is None or self.grid is None or labels.shape != self.grid.tiles.shape:
            return
        s = camera.tile_px
        x0, y0, x1, y1 = camera.visible_cells(self.grid.width, self.grid.height)
        if x1 <= x0 or y1 <= y0:
            return
        key = (id(result), s, x0, y0, x1, y1)
        if key != self._tint_key:
            self._tint_key = key
            colours = np.zeros((len(result.rooms) + 1, 4), dtype=np.uint8)
            for k, r in enumerate(result.rooms, start=1):
                colours[k, :3] = tuc_colour(r.tuc_s)
                colours[k, 3] = 40 if not math.isfinite(r.tuc_s) else 95
            cells = colours[labels[y0:y1, x0:x1]]
            small = pygame.Surface((x1 - x0, y1 - y0), pygame.SRCALPHA)
            rgb = pygame.surfarray.pixels3d(small)
            rgb[:, :, :] = cells[:, :, :3].transpose(1, 0, 2)
            del rgb
            alpha = pygame.surfarray.pixels_alpha(small)
            alpha[:, :] = cells[:, :, 3].T
            del alpha
            self._tint = pygame.transform.scale(small, ((x1 - x0) * s, (y1 - y0) * s))
        ox, oy = camera.origin_px
        surface.blit(self._tint, (ox + x0 * s, oy + y0 * s))

    def draw_labels(self, surface: pygame.Surface, camera: Camera, level: Level, whatif: WhatIf | None) -> None:
        s = camera.tile_px
        size = max(10, min(18, round(s * 0.8)))
        view = camera.viewport.inflate(200, 60)
        badges = whatif.by_cell() if whatif is not None else {}
        for lab in self.labels:
            x, y = lab.cell
            sx, sy = camera.world_to_screen(x + 0.5, lab.top + 0.5)
            if not view.collidepoint(sx, sy):
                continue
            name = TEXT.render(lab.text, size, P.TEXT, "bold", shadow=P.TEXT_SHADOW)
            if name.get_width() > lab.width_cells * s + s // 2:
                name = TEXT.render(lab.text, max(9, size - 3), P.TEXT, "bold", shadow=P.TEXT_SHADOW)
                if name.get_width() > lab.width_cells * s + s:
                    continue  # crowded at this zoom: zoom in to read it
            surface.blit(name, (sx - name.get_width() // 2, sy - name.get_height() // 2))
        for r in level.rooms:  # the room's label cell: where the designer put it
            cx, cy = camera.cell_centre(*r.at)
            pygame.draw.circle(surface, P.TEXT_DIM, (cx, cy), max(2, s // 8), 1)
        widths = {lab.cell: lab.width_cells for lab in self.labels}
        for out in badges.values():
            self._badge(surface, camera, out, widths.get(out.cell, 0), whatif.horizon_s)
        for m in level.modules:
            cx, cy = camera.cell_centre(*m.at)
            if not view.collidepoint(cx, cy):
                continue
            t = TEXT.render(m.name.upper(), max(9, size - 3), MODULE_TEXT, "bold", shadow=P.TEXT_SHADOW)
            surface.blit(t, (cx - t.get_width() // 2, cy - s // 2 - t.get_height()))
            pygame.draw.circle(surface, MODULE_TEXT, (cx, cy), max(2, s // 6), 1)

    def _badge(self, surface: pygame.Surface, camera: Camera, out, width_cells: int, horizon_s: float) -> None:
        """The time on a chip under the room's name; left out where it cannot fit."""
        s = camera.tile_px
        cx, cy = camera.cell_centre(*out.cell)
        colour = tuc_colour(out.tuc_s)
        room_px = (width_cells or 3) * s
        t = None
        short = format_tuc(out.tuc_s)
        if not math.isfinite(out.tuc_s) and out.min_pressure_bar < 0.7:  # falling, but not within the level's time
            short = ">" + format_tuc(horizon_s)
        for text in (("TUC " if short != "safe" else "") + short, short):
            t = TEXT.render(text, max(9, min(15, s - 2)), (16, 16, 20), "bold")
            if t.get_width() + 6 <= room_px:
                break
        else:
            return
        r = t.get_rect(center=(cx, cy + max(8, camera.tile_px // 2 + 6)))
        box = r.inflate(8, 2)
        pygame.draw.rect(surface, colour, box, border_radius=4)
        pygame.draw.rect(surface, (16, 16, 20), box, 1, border_radius=4)
        surface.blit(t, r)

    def draw_things(self, surface: pygame.Surface, camera: Camera, level: Level) -> None:
        s = camera.tile_px
        ox, oy = camera.origin_px
        small = max(9, min(13, s - 3))
        for sec in level.hull_sections:
            x0, y0, x1, y1 = sec.rect
            rect = pygame.Rect(ox + x0 * s, oy + y0 * s, (x1 - x0 + 1) * s, (y1 - y0 + 1) * s)
            _dashed_rect(surface, SECTION, rect)
            if s < 10:
                continue
            t = TEXT.render(sec.name, small, SECTION, "regular", shadow=P.TEXT_SHADOW)
            surface.blit(t, (rect.x + 2, rect.y - t.get_height() - 1 if rect.y > camera.viewport.y + 14 else rect.bottom + 1))
        taken: list[pygame.Rect] = []  # event captions that are already drawn: later ones that overlap are left out

        def caption(t: pygame.Surface, pos: tuple[int, int]) -> None:
            r = t.get_rect(topleft=pos)
            if r.collidelist(taken) < 0:
                taken.append(r)
                surface.blit(t, r)

        for ev in level.events:
            p = ev.params
            when = f"T+{duration(ev.at_s)}" + (f" {ev.chance:.0%}" if ev.chance < 1 else "")
            if ev.kind == "debris_fall":
                if "region" in p:
                    x0, y0, x1, y1 = p["region"]
                    rect = pygame.Rect(ox + x0 * s, oy + y0 * s, (x1 - x0 + 1) * s, (y1 - y0 + 1) * s)
                else:
                    x, y = p.get("at", (0, 0))
                    rect = pygame.Rect(ox + x * s, oy + y * s, s, s)
                _hatched(surface, rect, DEBRIS)
                if s < 12:
                    continue
                t = TEXT.render(f"{p.get('debris', '?').replace('_', ' ')} x{p.get('count', 1)}  {when}", small, DEBRIS, "bold", shadow=P.TEXT_SHADOW)
                caption(t, (rect.x, rect.bottom + 1))
            elif ev.kind == "breach" and "at" in p:
                c = camera.cell_centre(*p["at"])
                glyphs.breach(surface, c, s, 0.3)
                if s < 12:
                    continue
                t = TEXT.render(f"{p.get('area_cm2', 0):g} cm2  {when}", small, P.BREACH_SPIKE, "bold", shadow=P.TEXT_SHADOW)
                caption(t, (c[0] - t.get_width() // 2, c[1] - s - t.get_height()))
            elif ev.kind == "door_jam" and "door" in p:
                cx, cy = camera.cell_centre(*p["door"])
                k = max(3, s // 2)
                for d in (-1, 1):
                    pygame.draw.line(surface, P.GLYPH_DARK, (cx - k, cy - d * k), (cx + k, cy + d * k), max(2, s // 6) + 2)
                    pygame.draw.line(surface, P.JAM_RED, (cx - k, cy - d * k), (cx + k, cy + d * k), max(2, s // 6))
                if s < 12:
                    continue
                t = TEXT.render(f"jam {when}", small, P.JAM_RED, "bold", shadow=P.TEXT_SHADOW)
                caption(t, (cx - t.get_width() // 2, cy + k + 1))
        for lk in level.lockers:
            rect = pygame.Rect(ox + lk.at[0] * s, oy + lk.at[1] * s, s, s).inflate(-max(2, s // 4), -max(2, s // 4))
            pygame.draw.rect(surface, P.GLYPH_DARK, rect.inflate(2, 2), border_radius=2)
            pygame.draw.rect(surface, LOCKER, rect, border_radius=2)
            pygame.draw.line(surface, P.GLYPH_DARK, (rect.centerx, rect.y + 1), (rect.centerx, rect.bottom - 2), max(1, s // 12))
        r = person_radius(s)
        for c in level.crew:
            centre = camera.cell_centre(*c.at)
            state = "unconscious" if c.condition == "injured" else "conscious"
            glyphs.person(surface, centre, r, P.ROLE_COLOURS.get(c.role, P.ROLE_DEFAULT), state)
            if c.condition == "asleep" and s >= 12:
                z = TEXT.render("z", small, P.TEXT, "bold", shadow=P.TEXT_SHADOW)
                surface.blit(z, (centre[0] + r, centre[1] - r - z.get_height() // 2))
            if "suit" in c.equipment:
                pygame.draw.circle(surface, (120, 220, 255), centre, r + 2, 1)


def _dashed_rect(surface: pygame.Surface, colour, rect: pygame.Rect, dash: int = 6) -> None:
    for x in range(rect.left, rect.right, dash * 2):
        pygame.draw.line(surface, colour, (x, rect.top), (min(x + dash, rect.right), rect.top))
        pygame.draw.line(surface, colour, (x, rect.bottom - 1), (min(x + dash, rect.right), rect.bottom - 1))
    for y in range(rect.top, rect.bottom, dash * 2):
        pygame.draw.line(surface, colour, (rect.left, y), (rect.left, min(y + dash, rect.bottom)))
        pygame.draw.line(surface, colour, (rect.right - 1, y), (rect.right - 1, min(y + dash, rect.bottom)))


def _hatched(surface: pygame.Surface, rect: pygame.Rect, colour) -> None:
    old = surface.get_clip()
    surface.set_clip(rect.clip(old))
    step = 7
    for off in range(-rect.h, rect.w, step):
        pygame.draw.line(surface, colour, (rect.x + off, rect.bottom), (rect.x + off + rect.h, rect.top), 1)
    surface.set_clip(old)
    pygame.draw.rect(surface, colour, rect, 1)


def cells_rect(camera: Camera, x0: int, y0: int, x1: int, y1: int) -> pygame.Rect:
    s = camera.tile_px
    ox, oy = camera.origin_px
    xa, xb = sorted((x0, x1))
    ya, yb = sorted((y0, y1))
    return pygame.Rect(ox + xa * s, oy + ya * s, (xb - xa + 1) * s, (yb - ya + 1) * s)


def fill_cells(surface: pygame.Surface, camera: Camera, cells, colour, alpha: int = 150) -> None:
    """A translucent preview of cells about to be painted."""
    s = camera.tile_px
    ox, oy = camera.origin_px
    tile = pygame.Surface((s, s), pygame.SRCALPHA)
    tile.fill((*colour, alpha))
    view = camera.viewport
    for x, y in cells:
        px, py = ox + x * s, oy + y * s
        if view.colliderect((px, py, s, s)):
            surface.blit(tile, (px, py))


def draw_selection(surface: pygame.Surface, cam: Camera, level: Level, selected: tuple[str, int] | None,
                   region: tuple[tuple[int, int], tuple[int, int]] | None) -> None:
    """The marked area, and a pulsing box round the selected thing."""
    if region is not None:
        r = cells_rect(cam, *region[0], *region[1])
        pygame.draw.rect(surface, (120, 200, 255), r, 2)
    if selected is None:
        return
    table, i = selected
    items = getattr(level, table)
    if i >= len(items):
        return
    item = items[i]
    if table == "hull_sections":
        r = cells_rect(cam, *item.rect)
    elif isinstance(item, EventDef) and "region" in item.params:
        r = cells_rect(cam, *item.params["region"])
    else:
        cell = edits.where(item)
        if cell is None:
            return
        r = cells_rect(cam, *cell, *cell)
    pulse = int(2 + 2 * (0.5 + 0.5 * math.sin(time.monotonic() * 6)))
    pygame.draw.rect(surface, SELECT, r.inflate(4, 4), pulse)


def draw_flash(surface: pygame.Surface, cam: Camera, cell: tuple[int, int], until: float) -> bool:
    """A ring round a problem's cell until `until` (monotonic seconds); False once it is over."""
    left = until - time.monotonic()
    if left <= 0:
        return False
    c = cam.cell_centre(*cell)
    s = cam.tile_px
    r = int(s * (1.2 + 0.5 * abs(math.sin(left * 5))))
    pygame.draw.circle(surface, PROBLEM, c, r, 3)
    pygame.draw.rect(surface, PROBLEM, cells_rect(cam, *cell, *cell), 2)
    return True


def draw_whatif_key(surface: pygame.Surface, vp: pygame.Rect, result: WhatIf | None, error: str, updating: bool,
                    has_breach: bool) -> None:
    """The what-if overlay's caption and colour key, bottom left of the map."""
    if error:
        lines = [("What-if could not run: " + error, P.UNCONSCIOUS)]
    elif result is None:
        lines = [("What-if: computing..." if has_breach else "What-if: place a breach to see its effect", P.TEXT)]
    else:
        lines = [(f"WHAT-IF  {result.breaches} breach{'es' if result.breaches != 1 else ''}: time to unconsciousness, unprotected", P.TEXT)]
        if updating:
            lines[0] = (lines[0][0] + "  (updating)", P.TEXT)
    box_w = max(TEXT.render(t, 13, c, "bold").get_width() for t, c in lines) + 20
    box_h = 26 + (26 if result else 0)
    box = pygame.Rect(vp.x + 10, vp.bottom - box_h - 10, max(box_w, 330), box_h)
    bg = pygame.Surface(box.size, pygame.SRCALPHA)
    bg.fill((12, 15, 22, 220))
    surface.blit(bg, box)
    pygame.draw.rect(surface, P.HUD_LINE, box, 1)
    y = box.y + 5
    for text, colour in lines:
        surface.blit(TEXT.render(text, 13, colour, "bold"), (box.x + 10, y))
        y += 20
    if result is not None:
        x = box.x + 10
        for label, secs in (("< 2 min", 60), ("< 5 min", 200), ("< 10 min", 400), ("> 10 min", 900), ("safe", float("inf"))):
            pygame.draw.rect(surface, tuc_colour(secs), (x, y + 3, 12, 12))
            t = TEXT.render(label, 12, P.TEXT_DIM)
            surface.blit(t, (x + 16, y + 1))
            x += 16 + t.get_width() + 12
