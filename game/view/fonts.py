"""Fonts and a cache of rendered text.

The HUD uses the same Noto Sans / Fira Code files pygame_gui ships, so menus
and in-world text match; if they cannot be found, pygame's default font is
used instead. Rendering text is the slowest thing a frame does, so every
string is rendered once and kept.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pygame
import pygame_gui

_FILES = {"regular": "NotoSans-Regular.ttf", "bold": "NotoSans-Bold.ttf", "mono": "FiraCode-Regular.ttf"}
_DATA = Path(pygame_gui.__file__).parent / "data"  # the fonts pygame_gui ships
_fonts: dict[tuple[str, int], pygame.font.Font] = {}


def _font_path(style: str) -> Path | None:
    path = _DATA / _FILES[style]
    return path if path.is_file() else None


def font(size: int, style: str = "regular") -> pygame.font.Font:
    """A font of `style` (regular, bold, mono) at `size` px, loaded once."""
    key = (style, int(size))
    f = _fonts.get(key)
    if f is None:
        if not pygame.font.get_init():
            pygame.font.init()
        path = _font_path(style)
        try:
            f = pygame.font.Font(str(path) if path else None, key[1])
        except (OSError, pygame.error):
            f = pygame.font.Font(None, key[1])
        if style == "bold" and path is None:
            f.set_bold(True)
        _fonts[key] = f
    return f


class TextCache:
    """Rendered text surfaces keyed by content and look (least recently used out)."""

    def __init__(self, capacity: int = 1024) -> None:
        self.capacity = capacity
        self._items: OrderedDict[tuple, pygame.Surface] = OrderedDict()

    def clear(self) -> None:
        self._items.clear()

    def render(
        self,
        text: str,
        size: int,
        colour: tuple[int, int, int],
        style: str = "regular",
        shadow: tuple[int, int, int] | None = None,
    ) -> pygame.Surface:
        """`text` rendered antialiased, with a 1 px drop shadow if asked."""
        key = (text, size, colour, style, shadow)
        surf = self._items.get(key)
        if surf is not None:
            self._items.move_to_end(key)
            return surf
        f = font(size, style)
        fg = f.render(text, True, colour)
        if shadow is not None:
            surf = pygame.Surface((fg.get_width() + 1, fg.get_height() + 1), pygame.SRCALPHA)
            surf.blit(f.render(text, True, shadow), (1, 1))
            surf.blit(fg, (0, 0))
        else:
            surf = fg
        self._items[key] = surf
        if len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return surf


TEXT = TextCache()


def reset() -> None:
    """Forget every loaded font and rendered text (call before pygame.quit)."""
    _fonts.clear()
    TEXT.clear()
