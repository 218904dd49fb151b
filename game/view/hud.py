"""The heads-up display drawn over the map: top bar, clock, speed, crew counts, legend, tags.

Layout contract (tests rely on it): the top bar is `top_bar_h()` px tall
across the whole window (TOP_BAR_H at 100 %, scaled with the UI), and the
mission clock is always drawn inside `clock_rect(window_width)`: a CLOCK_W x
CLOCK_H box (scaled) centred horizontally, CLOCK_TOP px from the top (at 1280
px wide and 100 %: x 550..730, y 4..40).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pygame

from game.sim.tiles import Tile
from game.sim.words import live_clock
from game.view import glyphs
from game.view import palette as P
from game.view.fonts import TEXT
from game.view import ui
from game.view.ui import px

if TYPE_CHECKING:
    from game.sim.world import World

TOP_BAR_H = 44
CLOCK_W = 180
CLOCK_H = 36
CLOCK_TOP = 4
GAME_TITLE = "BREACH PROTOCOL"


def top_bar_h() -> int:
    """The top bar's height at the UI scale in use."""
    return px(TOP_BAR_H)


def clock_rect(window_w: int) -> pygame.Rect:
    """Where the mission clock is drawn, for a window `window_w` px wide."""
    w = px(CLOCK_W)
    return pygame.Rect(window_w // 2 - w // 2, px(CLOCK_TOP), w, px(CLOCK_H))


def speed_box(window_w: int) -> pygame.Rect:
    """The pause/speed box at the right end of the top bar (a click there pauses)."""
    box = pygame.Rect(0, px(8), px(132), top_bar_h() - px(16))
    box.right = window_w - px(12)
    return box


@dataclass(frozen=True)
class HudInfo:
    """What the HUD shows, gathered by the scene from the world each frame."""

    level_name: str
    time_s: float
    breach_time_s: float | None
    speed: int = 1
    paused: bool = False
    conscious: int = 0
    impaired: int = 0
    unconscious: int = 0
    dead: int = 0


def hud_info(world: "World", speed: int = 1, paused: bool = False,
             sees: Callable[[int], bool] | None = None) -> HudInfo:
    """Read what the HUD needs from a world; `sees` (a seat's sight) limits the crew counts to whom it sees."""
    states = world.bodies.state.astype(np.int64)
    if sees is not None:
        states = states[[i for i in range(len(world.people)) if sees(i)]]
    counts = np.bincount(states, minlength=4) if len(states) else [0, 0, 0, 0]
    return HudInfo(
        level_name=world.level.meta.name,
        time_s=world.time_s,
        breach_time_s=world.breach_time_s,
        speed=speed,
        paused=paused,
        conscious=int(counts[0]),
        impaired=int(counts[1]),
        unconscious=int(counts[2]),
        dead=int(counts[3]),
    )


class TopBar:
    """Title and level on the left, the clock in the middle, crew and speed on the right."""

    def __init__(self) -> None:
        self._bg: pygame.Surface | None = None
        self._bar: pygame.Surface | None = None  # the whole bar as last drawn, redrawn when what it shows changes
        self._bar_key: tuple | None = None

    def _background(self, w: int) -> pygame.Surface:
        h = top_bar_h()
        if self._bg is None or self._bg.get_size() != (w, h):
            bg = pygame.Surface((w, h))
            bg.fill(P.HUD_BG)
            pygame.draw.line(bg, P.HUD_LINE, (0, h - 1), (w, h - 1))
            pygame.draw.line(bg, P.ACCENT, (0, h - 2), (min(w, px(220)), h - 2), 1)
            self._bg = bg
        return self._bg

    def draw(self, surface: pygame.Surface, info: HudInfo, title_right: int | None = None) -> None:
        """The bar across `surface`; the title and level name stop short of `title_right` (the autopilot pill)."""
        w = surface.get_width()
        key = (w, px(100), title_right, info.level_name, live_clock(info.time_s, info.breach_time_s), info.breach_time_s is None,
               info.speed, info.paused, info.conscious, info.impaired, info.unconscious, info.dead)
        if key != self._bar_key or self._bar is None:
            bar = pygame.Surface((w, top_bar_h()))
            if pygame.display.get_init() and pygame.display.get_surface() is not None:
                bar = bar.convert()
            self._draw_bar(bar, info, title_right if title_right is not None else clock_rect(w).left - px(14))
            self._bar, self._bar_key = bar, key
        surface.blit(self._bar, (0, 0))

    def _draw_bar(self, surface: pygame.Surface, info: HudInfo, title_right: int) -> None:
        """Left: the game's mark, title and the level (the title gives way first, then the
        level name is cut short, so neither runs under `title_right`)."""
        w = surface.get_width()
        surface.blit(self._background(w), (0, 0))
        mid = top_bar_h() // 2
        k = px(7)
        pygame.draw.polygon(surface, P.ACCENT, [(px(16), mid), (px(16) + k, mid - k), (px(16) + 2 * k, mid), (px(16) + k, mid + k)])
        pygame.draw.polygon(surface, P.HUD_BG, [(px(20), mid), (px(23), mid - px(3)), (px(26), mid), (px(23), mid + px(3))])
        title = TEXT.render(GAME_TITLE, px(14), P.ACCENT, "bold")
        name_w = TEXT.render(info.level_name, px(17), P.TEXT, "regular").get_width()
        x = px(40)
        if x + title.get_width() + px(28) + min(name_w, px(120)) <= title_right:
            surface.blit(title, (x, mid - title.get_height() // 2))
            x += title.get_width() + px(14)
            pygame.draw.line(surface, P.HUD_LINE, (x, px(10)), (x, top_bar_h() - px(10)))
            x += px(14)
        ui.text(surface, info.level_name, (x, mid), 17, P.TEXT, anchor="midleft", max_w=max(px(20), title_right - x))
        self._draw_clock(surface, info)
        right = self._draw_speed(surface, info, w - px(12))
        self._draw_counts(surface, info, right - px(18), clock_rect(w).right + px(16))

    def _draw_clock(self, surface: pygame.Surface, info: HudInfo) -> None:
        rect = clock_rect(surface.get_width())
        text = live_clock(info.time_s, info.breach_time_s)
        running = info.breach_time_s is not None
        pygame.draw.rect(surface, P.CLOCK_BG, rect, border_radius=px(6))
        pygame.draw.rect(surface, P.BREACH_RING if running else P.HUD_LINE, rect, 1, border_radius=px(6))
        img = TEXT.render(text, px(24), P.CLOCK_TEXT if running else P.CLOCK_IDLE, "mono")
        surface.blit(img, img.get_rect(center=rect.center))

    def _draw_speed(self, surface: pygame.Surface, info: HudInfo, right: int) -> int:
        """The pause/speed box; returns its left edge."""
        box = speed_box(right + px(12))
        paused = info.paused
        pygame.draw.rect(surface, P.CLOCK_BG, box, border_radius=px(5))
        pygame.draw.rect(surface, P.SEAL_AMBER if paused else P.HUD_LINE, box, 1, border_radius=px(5))
        cx, cy = box.x + px(16), box.centery
        if paused:  # two bars
            pygame.draw.rect(surface, P.SEAL_AMBER, (cx - px(6), cy - px(7), px(4), px(14)))
            pygame.draw.rect(surface, P.SEAL_AMBER, (cx + px(1), cy - px(7), px(4), px(14)))
            label = TEXT.render("PAUSED", px(14), P.SEAL_AMBER, "bold")
        else:  # one triangle per doubling of speed
            n = {1: 1, 2: 2, 4: 3}.get(info.speed, 1)
            for k in range(n):
                tx = cx - px(6) + k * px(7)
                pygame.draw.polygon(surface, P.GLYPH_OPEN, [(tx, cy - px(6)), (tx + px(8), cy), (tx, cy + px(6))])
            label = TEXT.render(f"{info.speed}x", px(15), P.TEXT, "bold")
        surface.blit(label, (box.right - label.get_width() - px(12), cy - label.get_height() // 2))
        return box.left

    def _draw_counts(self, surface: pygame.Surface, info: HudInfo, right: int, limit: int) -> None:
        """How many crew are up, impaired, down and dead, each with its map marker.

        Drawn right to left from `right`; in a narrow window the caption, then
        the whole group, give way rather than overlap the clock.
        """
        items = [
            ("conscious", info.conscious, P.TEXT),
            ("impaired", info.impaired, P.IMPAIRED),
            ("unconscious", info.unconscious, P.UNCONSCIOUS),
            ("dead", info.dead, P.DEAD),
        ]
        nums = [TEXT.render(str(n), px(16), colour if n else P.TEXT_DIM, "bold") for _, n, colour in items]
        cap = TEXT.render("CREW", px(11), P.TEXT_DIM, "bold")
        width = sum(n.get_width() + px(42) for n in nums)
        if right - width < limit:
            return
        show_cap = right - width - cap.get_width() >= limit
        x = right
        cy = top_bar_h() // 2
        for (state, _, _), num in zip(reversed(items), reversed(nums)):
            x -= num.get_width()
            surface.blit(num, (x, cy - num.get_height() // 2))
            x -= px(24)
            glyphs.person(surface, (x + px(10), cy), px(6), P.ROLE_DEFAULT, state)
            x -= px(18)
        if show_cap:
            surface.blit(cap, (x - cap.get_width(), cy - cap.get_height() // 2))


def draw_hint(surface: pygame.Surface, text: str) -> None:
    """One dim line of key help along the bottom right."""
    img = TEXT.render(text, 12, P.TEXT_DIM, "regular", shadow=P.TEXT_SHADOW)
    surface.blit(img, (surface.get_width() - img.get_width() - 12, surface.get_height() - img.get_height() - 8))


LEGEND_DOORS = ("open", "closed", "sticking", "jammed", "sealed", "blocked")
LEGEND_PEOPLE = ("conscious", "impaired", "unconscious", "dead")


def legend_size() -> tuple[int, int]:
    return 360, 116


_legend_cache: pygame.Surface | None = None


def draw_legend(surface: pygame.Surface, topleft: tuple[int, int]) -> pygame.Rect:
    """A key to the map's marks, drawn with the same code as the map (made once)."""
    global _legend_cache
    if _legend_cache is None:
        _legend_cache = _render_legend()
    return surface.blit(_legend_cache, topleft)


def _render_legend() -> pygame.Surface:
    w, h = legend_size()
    panel = pygame.Surface((w, h), pygame.SRCALPHA)
    panel.fill((*P.HUD_BG, 215))
    rect = panel.get_rect()
    pygame.draw.rect(panel, P.HUD_LINE, rect, 1, border_radius=4)
    head = TEXT.render("KEY", 11, P.TEXT_DIM, "bold")
    panel.blit(head, (10, 6))
    col_w = (w - 20) // len(LEGEND_DOORS)
    cell = 20
    y = 26
    for i, state in enumerate(LEGEND_DOORS):
        x = 10 + i * col_w
        glyphs.door(panel, pygame.Rect(x + (col_w - cell) // 2, y, cell, cell), Tile.DOOR, state, True)
        cap = TEXT.render(state, 11, P.TEXT, "regular")
        panel.blit(cap, (x + (col_w - cap.get_width()) // 2, y + cell + 2))
    y += cell + 22
    col_w = (w - 20) // len(LEGEND_PEOPLE)
    for i, state in enumerate(LEGEND_PEOPLE):
        x = 10 + i * col_w
        glyphs.person(panel, (x + col_w // 2, y + 10), 6, P.ROLE_DEFAULT, state)
        cap = TEXT.render(state, 11, P.TEXT, "regular")
        panel.blit(cap, (x + (col_w - cap.get_width()) // 2, y + 22))
    return panel


def draw_tag(surface: pygame.Surface, anchor: tuple[int, int], lines: list[tuple[str, tuple[int, int, int]]]) -> None:
    """A small box of text lines beside a point on the map (hovered person)."""
    imgs = [TEXT.render(t, px(13) if i else px(14), c, "bold" if i == 0 else "regular") for i, (t, c) in enumerate(lines)]
    w = max(i.get_width() for i in imgs) + px(16)
    h = sum(i.get_height() for i in imgs) + px(10)
    rect = pygame.Rect(anchor[0] + px(14), anchor[1] - h - px(8), w, h)
    sw, sh = surface.get_size()
    rect.clamp_ip(pygame.Rect(4, top_bar_h() + 4, sw - 8, sh - top_bar_h() - 8))
    panel = pygame.Surface(rect.size, pygame.SRCALPHA)
    panel.fill((*P.HUD_BG, 230))
    surface.blit(panel, rect)
    pygame.draw.rect(surface, P.HUD_LINE, rect, 1, border_radius=3)
    y = rect.y + px(5)
    for img in imgs:
        surface.blit(img, (rect.x + px(8), y))
        y += img.get_height()
