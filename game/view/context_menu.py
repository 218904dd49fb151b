"""The right-click menu: a small pygame_gui panel of orders at the cursor.

Which orders it lists comes from `game.view.orders` (and so from the sim's
registry of order kinds); this only lays them out and maps a press back."""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.core import ObjectID

from game.view.orders import Order
from game.view.ui import px, text_size


class ContextMenu:
    """A title (what was clicked) and one button per order; `order_for` maps a button back."""

    def __init__(self, manager: pygame_gui.UIManager, at: tuple[int, int], title: str, orders: list[Order],
                 window: tuple[int, int], cell: tuple[int, int]) -> None:
        self.orders = orders
        self.cell = cell
        item_h = px(26)
        widest = max([text_size(title, 12, "bold")[0]] + [text_size(f"9  {o.label}", 13)[0] for o in orders] + [0])
        width = max(px(220), min(px(420), widest + px(34)))
        rows = max(1, len(orders))
        height = px(30) + rows * item_h + px(8)
        rect = pygame.Rect(at[0] + 4, at[1] + 4, width, height)
        rect.clamp_ip(pygame.Rect(0, 0, *window))
        self.rect = rect
        self.panel = pygame_gui.elements.UIPanel(rect, starting_height=5, manager=manager,
                                                 object_id=ObjectID(object_id="#context_menu"))
        pygame_gui.elements.UILabel(pygame.Rect(0, px(4), width - px(4), px(22)), title, manager, container=self.panel,
                                    object_id=ObjectID(class_id="@menu_title"))
        self.buttons: list[pygame_gui.elements.UIButton] = []
        y = px(28)
        if not orders:
            b = pygame_gui.elements.UIButton(pygame.Rect(px(2), y, width - px(8), item_h), "No orders here", manager,
                                             container=self.panel, object_id=ObjectID(class_id="@menu_item"))
            b.disable()
        for i, o in enumerate(orders):
            b = pygame_gui.elements.UIButton(pygame.Rect(px(2), y + i * item_h, width - px(8), item_h),
                                             f"{i + 1}  {o.label}" if i < 9 else o.label, manager,
                                             container=self.panel, object_id=ObjectID(class_id="@menu_item"))
            self.buttons.append(b)

    def order_for(self, element: object) -> Order | None:
        for b, o in zip(self.buttons, self.orders):
            if b is element:
                return o
        return None

    def button_centre(self, i: int) -> tuple[int, int]:
        """Where the i-th order's button is on screen (for tests and key hints)."""
        return self.buttons[i].rect.center

    def kill(self) -> None:
        self.panel.kill()
