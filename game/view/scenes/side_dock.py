"""A training panel docked at the left or right edge of the play screen, beside
the map rather than over it: the instructor's console and the replay controls.

It stands between the at-risk strip and the bottom band of panels, so it covers
neither the comms log nor the cards; the scene narrows the map's viewport by its
width (`narrow`) and refits the map, so nothing of the station is under it. A
button collapses it to a thin tab at the edge (the map takes the room back) and
opens it again.
"""

from __future__ import annotations

import dataclasses

import pygame
import pygame_gui

from game.view.panels import Layout
from game.view.ui import px

TAB_W = 30  # the collapsed dock: a tab with the button that opens it again
GAP = 4


class SideDock:
    """Where a docked panel stands, whether it is collapsed, and its two buttons."""

    def __init__(self, side: str, width: int, title: str) -> None:
        if side not in ("left", "right"):
            raise ValueError(f"a dock is at the left or right edge, not {side!r}")
        self.side = side
        self.width = width
        self.title = title
        self.collapsed = False
        self.panel: pygame_gui.elements.UIPanel | None = None
        self.toggle_button: pygame_gui.elements.UIButton | None = None

    def span(self) -> int:
        """Pixels of the window's width the dock takes from the map."""
        return px(TAB_W) if self.collapsed else px(self.width)

    def rect(self, lay: Layout) -> pygame.Rect:
        """The dock's own rectangle (the tab's, when collapsed)."""
        w, _ = lay.size
        top = lay.strip.bottom + px(GAP)
        h = max(px(60), lay.dock.top - px(GAP) - top)
        x = 0 if self.side == "left" else w - self.span()
        return pygame.Rect(x, top, self.span(), h)

    def narrow(self, lay: Layout) -> Layout:
        """`lay` with the map's viewport and free area moved out from under the dock."""
        cut = self.span()

        def side(r: pygame.Rect) -> pygame.Rect:
            r = pygame.Rect(r)
            r.w = max(1, r.w - cut)
            if self.side == "left":
                r.x += cut
            return r

        return dataclasses.replace(lay, viewport=side(lay.viewport), map_free=side(lay.map_free))

    def build(self, manager: pygame_gui.UIManager, lay: Layout) -> pygame_gui.elements.UIPanel | None:
        """The dock's panel (None while collapsed) and its collapse/open button."""
        self.kill()
        r = self.rect(lay)
        bw = px(TAB_W) - px(6)
        if self.collapsed:
            arrow = ">" if self.side == "left" else "<"
            self.toggle_button = pygame_gui.elements.UIButton(
                pygame.Rect(r.x + px(3), r.y, bw, px(90)), arrow, manager, tool_tip_text=f"Open the {self.title}"
            )
            return None
        self.panel = pygame_gui.elements.UIPanel(r, manager=manager)
        arrow = "<" if self.side == "left" else ">"
        bx = r.right - bw - px(4) if self.side == "left" else r.x + px(4)
        self.toggle_button = pygame_gui.elements.UIButton(
            pygame.Rect(bx, r.y + px(4), bw, px(24)), arrow, manager,
            tool_tip_text=f"Fold the {self.title} away: the map takes its room", starting_height=3,
        )
        return self.panel

    def content_rect(self, lay: Layout) -> pygame.Rect:
        """The panel's inside, in the panel's own coordinates, clear of the fold button."""
        r = self.rect(lay)
        return pygame.Rect(px(6), px(32), r.w - px(16), r.h - px(40))

    def kill(self) -> None:
        for el in (self.panel, self.toggle_button):
            if el is not None:
                el.kill()
        self.panel = self.toggle_button = None

    def is_toggle(self, event: pygame.event.Event) -> bool:
        """Whether `event` is a press of the dock's fold/open button."""
        return (
            event.type == pygame_gui.UI_BUTTON_PRESSED
            and self.toggle_button is not None
            and event.ui_element is self.toggle_button
        )


class Docked:
    """For a play scene with a docked panel: set `self.dock` before the scene's
    __init__ makes its layout, and build the panel's contents in `build_docked`.
    The map's part of the layout is narrowed by the dock; folding re-lays out and refits."""

    dock: SideDock

    def layout(self, size: tuple[int, int]) -> Layout:
        """The play layout with the map moved out from under the dock."""
        return self.dock.narrow(super().layout(size))  # type: ignore[misc]

    def set_collapsed(self, on: bool) -> None:
        """Fold the panel to a tab at the edge (the map takes its room) or open it again."""
        self.dock.collapsed = on
        self.lay = self.layout(self.ctx.size)  # type: ignore[attr-defined]
        self.refit()  # type: ignore[attr-defined]
        self.panels.relayout()  # type: ignore[attr-defined]
        self.build_docked()

    def build_docked(self) -> None:
        raise NotImplementedError
