"""The right-click menu: a small pygame_gui panel of orders at the cursor.

Which orders it lists comes from `game.view.orders` (and so from the sim's
registry of order kinds); this only lays them out and maps a press back.
Orders that can be given come first, numbered for the keys 1-9; greyed
orders follow, each with the sim's reason and what would fix it.
"""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.core import ObjectID

from game.sim.words import duration
from game.view.orders import Order
from game.view.ui import px, text_size

REASON_SIZE = 12  # the reason lines' font size in the theme (@menu_reason)


def wrap(words: str, width: int, size: int = REASON_SIZE) -> list[str]:
    """`words` broken into lines no wider than `width` px at `size`."""
    lines: list[str] = []
    line = ""
    for w in words.split():
        trial = f"{line} {w}".strip()
        if line and text_size(trial, size)[0] > width:
            lines.append(line)
            line = w
        else:
            line = trial
    return lines + ([line] if line else [])


def order_label(i: int, o: Order) -> str:
    """A menu line: its key number, its words and, when someone walks, how long it takes."""
    t = o.time_s
    when = f"   ~{duration(t)}" if t is not None and t >= 1 else ""
    return (f"{i + 1}  " if i < 9 else "") + o.label + when


class ContextMenu:
    """A title (what was clicked), one button per order, greyed orders with their reasons; `order_for` maps a button back."""

    def __init__(self, manager: pygame_gui.UIManager, at: tuple[int, int], title: str, orders: list[Order],
                 window: tuple[int, int], cell: tuple[int, int], greyed: list[Order] | None = None) -> None:
        self.orders = orders
        self.greyed = greyed or []
        self.cell = cell
        item_h = px(26)
        line_h = px(17)
        labels = [order_label(i, o) for i, o in enumerate(orders)]
        widest = max([text_size(title, 12, "bold")[0]] + [text_size(t, 13)[0] for t in labels]
                     + [text_size(o.label, 13)[0] for o in self.greyed] + [0])
        width = max(px(260), min(px(460), widest + px(34)))
        reasons, seen = [], set()
        for o in self.greyed:  # a reason shared with the line above is said once
            reasons.append([] if o.refusal in seen else self._reason_lines(o, width - px(40)))
            seen.add(o.refusal)
        rows = max(1, len(orders)) if orders or not self.greyed else 0
        height = px(30) + rows * item_h + sum(item_h + len(r) * line_h for r in reasons) + px(8)
        rect = pygame.Rect(at[0] + 4, at[1] + 4, width, height)
        rect.clamp_ip(pygame.Rect(0, 0, *window))
        self.rect = rect
        self.panel = pygame_gui.elements.UIPanel(rect, starting_height=5, manager=manager,
                                                 object_id=ObjectID(object_id="#context_menu"))
        pygame_gui.elements.UILabel(pygame.Rect(0, px(4), width - px(4), px(22)), title, manager, container=self.panel,
                                    object_id=ObjectID(class_id="@menu_title"))
        self.buttons: list[pygame_gui.elements.UIButton] = []
        self.greyed_buttons: list[pygame_gui.elements.UIButton] = []
        self.reason_labels: list[str] = []  # the reason lines as shown, in order (tests read them)
        y = px(28)
        if not orders and not self.greyed:
            b = pygame_gui.elements.UIButton(pygame.Rect(px(2), y, width - px(8), item_h), "No orders here", manager,
                                             container=self.panel, object_id=ObjectID(class_id="@menu_item"))
            b.disable()
        for i, text in enumerate(labels):
            b = pygame_gui.elements.UIButton(pygame.Rect(px(2), y + i * item_h, width - px(8), item_h), text, manager,
                                             container=self.panel, object_id=ObjectID(class_id="@menu_item"))
            self.buttons.append(b)
        y += len(orders) * item_h
        for o, lines in zip(self.greyed, reasons):
            b = pygame_gui.elements.UIButton(pygame.Rect(px(2), y, width - px(8), item_h), o.label, manager,
                                             container=self.panel, object_id=ObjectID(class_id="@menu_item"))
            b.disable()
            self.greyed_buttons.append(b)
            y += item_h - px(4)
            for line in lines:
                pygame_gui.elements.UILabel(pygame.Rect(px(28), y, width - px(34), line_h), line, manager,
                                            container=self.panel, object_id=ObjectID(class_id="@menu_reason"))
                self.reason_labels.append(line)
                y += line_h
            y += px(4)

    @staticmethod
    def _reason_lines(o: Order, width: int) -> list[str]:
        why = o.refusal
        if why is None:
            return []
        reason = why.reason
        if why.unblock and reason.endswith(f"; {why.unblock}"):  # the planner's words carry the fix: said apart
            reason = reason[: -len(why.unblock) - 2]
        lines = wrap(f"why: {reason}", width)
        if why.unblock:
            lines += wrap(f"fix: {why.unblock}", width)
        return lines

    def order_for(self, element: object) -> Order | None:
        for b, o in zip(self.buttons, self.orders):
            if b is element:
                return o
        return None

    def hovered(self, mouse: tuple[int, int]) -> Order | None:
        """The order whose button is under `mouse` (for the route preview), if any."""
        for b, o in zip(self.buttons, self.orders):
            if b.rect.collidepoint(mouse):
                return o
        return None

    def button_centre(self, i: int) -> tuple[int, int]:
        """Where the i-th order's button is on screen (for tests and key hints)."""
        return self.buttons[i].rect.center

    def kill(self) -> None:
        self.panel.kill()
