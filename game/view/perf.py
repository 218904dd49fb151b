"""Frame timing for the F3 overlay: frame, sim step and draw times over the last few seconds."""

from __future__ import annotations

from collections import deque

import pygame

from game.view import palette as P
from game.view import ui

WINDOW = 240  # frames kept (four seconds at 60 FPS)


def percentile(values, q: float) -> float:
    """The q-th percentile (0..100) of a sequence, nearest rank."""
    if not values:
        return 0.0
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(q / 100.0 * (len(s) - 1)))))
    return s[k]


class FrameStats:
    def __init__(self) -> None:
        self.frame_ms: deque[float] = deque(maxlen=WINDOW)
        self.step_ms: deque[float] = deque(maxlen=WINDOW)
        self.draw_ms: deque[float] = deque(maxlen=WINDOW)
        self.steps: deque[int] = deque(maxlen=WINDOW)
        self.visible = False

    def add(self, frame_ms: float, step_ms: float, draw_ms: float, steps: int) -> None:
        self.frame_ms.append(frame_ms)
        self.step_ms.append(step_ms)
        self.draw_ms.append(draw_ms)
        self.steps.append(steps)

    def lines(self) -> list[str]:
        f = list(self.frame_ms)
        fps = 1000.0 / (sum(f) / len(f)) if f and sum(f) > 0 else 0.0
        return [
            f"frame  p50 {percentile(f, 50):5.1f}  p99 {percentile(f, 99):5.1f} ms",
            f"sim    p50 {percentile(list(self.step_ms), 50):5.1f}  p99 {percentile(list(self.step_ms), 99):5.1f} ms",
            f"draw   p50 {percentile(list(self.draw_ms), 50):5.1f}  p99 {percentile(list(self.draw_ms), 99):5.1f} ms",
            f"ticks/frame {sum(self.steps) / max(1, len(self.steps)):.2f}   {fps:5.1f} FPS",
        ]

    def draw(self, surface: pygame.Surface, topright: tuple[int, int]) -> None:
        lines = self.lines()
        w = max(ui.text_size(s, 12, "mono")[0] for s in lines) + ui.px(16)
        h = len(lines) * ui.px(16) + ui.px(10)
        rect = pygame.Rect(0, 0, w, h)
        rect.topright = topright
        ui.panel(surface, rect)
        y = rect.y + ui.px(5)
        for s in lines:
            ui.text(surface, s, (rect.x + ui.px(8), y), 12, P.GLYPH_OPEN, "mono")
            y += ui.px(16)
