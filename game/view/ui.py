"""Shared drawing helpers for the HUD panels: UI scale, panel frames, bars, text.

Everything sized in the HUD goes through `px`, so the UI-scale setting
reaches every panel; fonts too (a font size is a pixel size).
"""

from __future__ import annotations

import pygame

from game.view import palette as P
from game.view.fonts import TEXT

_scale = 1.0


def screen_format(surf: pygame.Surface, alpha: bool = True) -> pygame.Surface:
    """`surf` in the display's pixel format when there is a display (blits are several times faster)."""
    if pygame.display.get_init() and pygame.display.get_surface() is not None:
        return surf.convert_alpha() if alpha else surf.convert()
    return surf


def set_scale(scale: float) -> None:
    global _scale
    _scale = float(scale)


def scale() -> float:
    return _scale


def px(v: float) -> int:
    """`v` pixels at the current UI scale, rounded."""
    return int(round(v * _scale))


PANEL_BG = (12, 15, 22, 228)
PANEL_EDGE = P.HUD_LINE
ROW_HOVER = (28, 36, 52)
ROW_SELECTED = (48, 34, 24)


def text(
    surface: pygame.Surface,
    s: str,
    pos: tuple[int, int],
    size: float,
    colour=P.TEXT,
    style: str = "regular",
    anchor: str = "topleft",
    shadow: bool = False,
    max_w: int | None = None,
) -> pygame.Rect:
    """Draw one line of text at a scaled size; `anchor` is a pygame.Rect attribute name."""
    img = TEXT.render(s, px(size), colour, style, shadow=P.TEXT_SHADOW if shadow else None)
    if max_w is not None and img.get_width() > max_w and len(s) > 2:
        # cut with an ellipsis until it fits (few iterations: text is short)
        lo, hi = 1, len(s)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if TEXT.render(s[:mid] + "...", px(size), colour, style).get_width() <= max_w:
                lo = mid
            else:
                hi = mid - 1
        img = TEXT.render(s[:lo].rstrip() + "...", px(size), colour, style, shadow=P.TEXT_SHADOW if shadow else None)
    r = img.get_rect(**{anchor: pos})
    surface.blit(img, r)
    return r


def text_size(s: str, size: float, style: str = "regular") -> tuple[int, int]:
    return TEXT.render(s, px(size), P.TEXT, style).get_size()


_panel_cache: dict[tuple[int, int], pygame.Surface] = {}


def panel(surface: pygame.Surface, rect: pygame.Rect, title: str | None = None, accent=None) -> pygame.Rect:
    """A translucent panel with a thin border and an optional caption; returns the content rect."""
    key = (rect.w, rect.h)
    bg = _panel_cache.get(key)
    if bg is None:
        bg = pygame.Surface(rect.size, pygame.SRCALPHA)
        bg.fill(PANEL_BG)
        if len(_panel_cache) > 64:
            _panel_cache.clear()
        _panel_cache[key] = bg
    surface.blit(bg, rect)
    pygame.draw.rect(surface, PANEL_EDGE, rect, 1, border_radius=px(3))
    inner = content_rect(rect, bool(title))
    if title:
        x, y = rect.x + px(8), rect.y + px(6)
        text(surface, title, (x, y), 11, P.TEXT_DIM, "bold")
        if accent is not None:
            pygame.draw.line(surface, accent, (x, y + px(17)), (x + px(24), y + px(17)), 2)
    return inner


def content_rect(rect: pygame.Rect, titled: bool = True) -> pygame.Rect:
    """The area inside a panel drawn by `panel` (fixed metrics, so buttons can be placed in it)."""
    top = rect.y + (px(28) if titled else px(6))
    return pygame.Rect(rect.x + px(8), top, rect.w - px(16), rect.bottom - px(6) - top)


def bar(
    surface: pygame.Surface,
    rect: pygame.Rect,
    frac: float,
    colour,
    back=(34, 40, 52),
    marks: tuple[float, ...] = (),
) -> None:
    """A horizontal fill bar with optional threshold tick marks (fractions of its width)."""
    frac = 0.0 if frac != frac else max(0.0, min(1.0, frac))
    pygame.draw.rect(surface, back, rect)
    if frac > 0:
        pygame.draw.rect(surface, colour, (rect.x, rect.y, max(1, round(rect.w * frac)), rect.h))
    for m in marks:
        x = rect.x + round(rect.w * m)
        pygame.draw.line(surface, (10, 12, 16), (x, rect.y), (x, rect.bottom - 1))


def spo2_colour(spo2: float):
    """Saturation colour, with the same thresholds the body uses for impairment."""
    if spo2 >= 0.9:
        return (120, 214, 150)
    if spo2 >= 0.8:
        return P.IMPAIRED
    if spo2 >= 0.6:
        return (255, 140, 60)
    return P.UNCONSCIOUS


def dim(colour, f: float):
    return (int(colour[0] * f), int(colour[1] * f), int(colour[2] * f))
