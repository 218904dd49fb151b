"""The camera: world metres to screen pixels, zoom, pan and fit-to-screen.

Tile sizes are whole pixels (16 px a metre at zoom 1) so the cached map is
crisp and can be blitted without scaling.
"""

from __future__ import annotations

import math

import pygame

from game.view.palette import MAX_TILE_PX, MIN_TILE_PX, TILE_PX, ZOOM_STEPS_PX


class Camera:
    """Maps world metres (x right, y down) into a screen rectangle, the viewport."""

    def __init__(self, viewport: pygame.Rect, tile_px: int = TILE_PX, focus: pygame.Rect | None = None) -> None:
        self.viewport = pygame.Rect(viewport)
        # the part of the viewport no panel covers: fitting and centring aim at it
        self.focus = pygame.Rect(focus) if focus is not None else None
        self.tile_px = int(tile_px)
        self.x0 = 0.0  # world metres at the viewport's top-left corner
        self.y0 = 0.0
        self.world_w = 0.0  # size of the thing being looked at, for fit and clamping
        self.world_h = 0.0

    @property
    def zoom(self) -> float:
        return self.tile_px / TILE_PX

    @property
    def origin_px(self) -> tuple[int, int]:
        """Screen pixel of world (0, 0), rounded once so everything lines up."""
        return (
            self.viewport.x + round(-self.x0 * self.tile_px),
            self.viewport.y + round(-self.y0 * self.tile_px),
        )

    def world_to_screen(self, x: float, y: float) -> tuple[int, int]:
        ox, oy = self.origin_px
        return ox + round(x * self.tile_px), oy + round(y * self.tile_px)

    def cell_centre(self, cx: int, cy: int) -> tuple[int, int]:
        """Screen pixel at the centre of cell (cx, cy)."""
        ox, oy = self.origin_px
        s = self.tile_px
        return ox + cx * s + s // 2, oy + cy * s + s // 2

    def screen_to_world(self, sx: float, sy: float) -> tuple[float, float]:
        ox, oy = self.origin_px
        return (sx - ox) / self.tile_px, (sy - oy) / self.tile_px

    def visible_cells(self, cols: int, rows: int) -> tuple[int, int, int, int]:
        """Cell range (x0, y0, x1, y1), end exclusive, that touches the viewport."""
        x0, y0 = self.screen_to_world(self.viewport.left, self.viewport.top)
        x1, y1 = self.screen_to_world(self.viewport.right, self.viewport.bottom)
        return (
            max(0, math.floor(x0)),
            max(0, math.floor(y0)),
            min(cols, math.ceil(x1)),
            min(rows, math.ceil(y1)),
        )

    def set_world_size(self, width_m: float, height_m: float) -> None:
        self.world_w, self.world_h = float(width_m), float(height_m)

    @property
    def focus_rect(self) -> pygame.Rect:
        return self.focus if self.focus is not None else self.viewport

    def set_viewport(self, viewport: pygame.Rect, focus: pygame.Rect | None = None) -> None:
        """Follow a window resize, keeping the same world point in the middle of the focus."""
        cx, cy = self.screen_to_world(*self.focus_rect.center)
        self.viewport = pygame.Rect(viewport)
        self.focus = pygame.Rect(focus) if focus is not None else None
        self.centre_on(cx, cy)

    def centre_on(self, x: float, y: float) -> None:
        """Put world point (x, y) in the middle of the focus rect."""
        f = self.focus_rect
        self.x0 = x - (f.centerx - self.viewport.x) / self.tile_px
        self.y0 = y - (f.centery - self.viewport.y) / self.tile_px
        self._clamp()

    def fit(self, margin_px: int = 24) -> None:
        """Largest whole-pixel tile size that shows the whole world in the focus rect, centred."""
        if self.world_w <= 0 or self.world_h <= 0:
            return
        f = self.focus_rect
        avail_w = max(1, f.width - 2 * margin_px)
        avail_h = max(1, f.height - 2 * margin_px)
        px = math.floor(min(avail_w / self.world_w, avail_h / self.world_h))
        self.tile_px = max(MIN_TILE_PX, min(MAX_TILE_PX, px))
        self.centre_on(self.world_w / 2, self.world_h / 2)

    def zoom_step(self, steps: int, anchor: tuple[int, int] | None = None) -> None:
        """Zoom in (steps > 0) or out through ZOOM_STEPS_PX, keeping `anchor` still."""
        if steps == 0:
            return
        if steps > 0:
            bigger = [p for p in ZOOM_STEPS_PX if p > self.tile_px]
            new = bigger[min(steps, len(bigger)) - 1] if bigger else self.tile_px
        else:
            smaller = [p for p in ZOOM_STEPS_PX if p < self.tile_px]
            new = smaller[-min(-steps, len(smaller))] if smaller else self.tile_px
        if new == self.tile_px:
            return
        ax, ay = anchor if anchor is not None else self.viewport.center
        wx, wy = self.screen_to_world(ax, ay)
        self.tile_px = new
        self.x0 = wx - (ax - self.viewport.x) / new
        self.y0 = wy - (ay - self.viewport.y) / new
        self._clamp()

    def pan_px(self, dx: float, dy: float) -> None:
        """Move the view by screen pixels (drag right moves the world right)."""
        self.x0 -= dx / self.tile_px
        self.y0 -= dy / self.tile_px
        self._clamp()

    def _clamp(self) -> None:
        """Keep the world's centre reachable but never lose the whole map."""
        if self.world_w <= 0 or self.world_h <= 0:
            return
        view_w = self.viewport.width / self.tile_px
        view_h = self.viewport.height / self.tile_px
        slack_x = view_w * 0.5
        slack_y = view_h * 0.5
        self.x0 = min(max(self.x0, -slack_x), self.world_w - view_w + slack_x)
        self.y0 = min(max(self.y0, -slack_y), self.world_h - view_h + slack_y)
