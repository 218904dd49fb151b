"""The lesson panel: a lesson's goals in the map's top left corner, each ticked
as the player does it, the current one marked, and the hint of the moment below.

It stands where a scenario's objective tracker stands, and the play scene keeps
the map out from under it the same way (`PlayState.map_focus`). The judging is
`game.training.lessons.Lesson`'s; this module only tells it what the player
sees (`Seen`) and draws what it says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game.sim.world import World
from game.training.lessons import Lesson, Seen
from game.view import overlays, ui
from game.view import palette as P
from game.view.objective_panel import DONE, OPEN
from game.view.ui import px

if TYPE_CHECKING:
    from game.view.scenes.play import PlayState

WIDTH = 380
ROW_H = 21
HINT_LINES = 4  # room kept under the steps for the hint, so the panel does not jump when one shows
TEXT_PT = 13
HINT_COLOUR = (255, 209, 102)
END_AFTER_S = 1.5  # the last tick stays on screen this long before the debrief


def wrap(s: str, size: float, width: int, style: str = "regular") -> list[str]:
    """`s` broken into lines no wider than `width` pixels at `size`."""
    lines: list[str] = []
    for para in s.split("\n"):
        line = ""
        for word in para.split():
            trial = f"{line} {word}".strip()
            if line and ui.text_size(trial, size, style)[0] > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


class LessonPanel:
    """A lesson on screen: its state (`lesson`) and how it is drawn."""

    def __init__(self, lesson: Lesson) -> None:
        for st in lesson.steps:
            if "overlay" in st.params:
                overlays.overlay(st.params["overlay"])  # a step may only ask for an overlay there is
        self.lesson = lesson

    @classmethod
    def for_world(cls, world: World) -> LessonPanel | None:
        """The panel for a lesson level; None for any other level."""
        lesson = Lesson.for_world(world)
        return cls(lesson) if lesson is not None else None

    def rect(self, map_area: pygame.Rect) -> pygame.Rect:
        """Where the panel stands: the map area's top left corner, tall enough for the steps and a hint."""
        w = min(px(WIDTH), map_area.w // 2)
        rows = sum(len(self._step_lines(st.goal, w)) for st in self.lesson.steps)
        h = px(30) + rows * px(ROW_H) + px(10) + HINT_LINES * px(ROW_H - 3)
        return pygame.Rect(map_area.x + px(8), map_area.y + px(2), w, min(h, map_area.h - px(4)))

    def _step_lines(self, goal: str, w: int) -> list[str]:
        return wrap(goal, TEXT_PT, w - px(34), "bold")  # measured bold: the current goal is drawn so

    @staticmethod
    def seen(play: PlayState) -> Seen:
        """What the player has chosen on screen, as the lesson reads it."""
        names = tuple(play.world.people[i].name for i in play.selected)
        return Seen(names, play.renderer.overlay, play.speed, play.paused)

    def update(self, play: PlayState) -> bool:
        """Check the lesson against the play scene; True once its last step has been done a moment."""
        les = self.lesson
        les.update(play.world, self.seen(play), play.clock_s)
        return les.finished and (not les.done_s or play.clock_s - (les.done_s[-1] or 0.0) >= END_AFTER_S)

    def draw(self, surface: pygame.Surface, rect: pygame.Rect, now_s: float) -> None:
        les = self.lesson
        done = sum(1 for t in les.done_s if t is not None)
        inner = ui.panel(surface, rect, f"LESSON  {done} of {len(les.steps)} done", accent=P.ACCENT)
        y = inner.y
        for i, st in enumerate(les.steps):
            lines = self._step_lines(st.goal, rect.w)
            state = "done" if les.done_s[i] is not None else ("now" if i == les.current else "later")
            cx, cy = inner.x + px(7), y + px(9)
            r = px(6)
            if state == "done":  # a tick, a filled arrow, an empty ring: shape as well as colour
                pygame.draw.lines(surface, DONE, False, [(cx - r, cy), (cx - r // 3, cy + r * 2 // 3), (cx + r, cy - r * 2 // 3)], 3)
            elif state == "now":
                pygame.draw.polygon(surface, HINT_COLOUR, [(cx - r, cy - r), (cx + r, cy), (cx - r, cy + r)])
            else:
                pygame.draw.circle(surface, OPEN, (cx, cy), r, 2)
            colour = {"done": DONE, "now": P.TEXT, "later": P.TEXT_DIM}[state]
            for line in lines:
                ui.text(surface, line, (inner.x + px(20), y + px(1)), TEXT_PT, colour, "bold" if state == "now" else "regular")
                y += px(ROW_H)
        hint = les.hint(now_s) if not les.finished else "Lesson complete."
        if hint:
            y += px(6)
            pygame.draw.line(surface, P.TEXT_DIM, (inner.x, y), (inner.right, y), 1)
            y += px(4)
            for line in wrap(hint, TEXT_PT - 1, inner.w - px(8))[:HINT_LINES]:
                ui.text(surface, line, (inner.x + px(4), y), TEXT_PT - 1, HINT_COLOUR)
                y += px(ROW_H - 3)
