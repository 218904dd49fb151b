"""The in-game objective tracker: each objective, how far it is, its deadline, ticked when done.

It reads `outcome.objective_rows` (the objective kinds' own judgement, the
same the score and debrief use) and draws them in a panel over the map's top
left corner; the play scene keeps the map out from under it (`map_focus`).
Status is told by a mark as well as a colour: a tick done, a cross lost for
good, an empty ring still open.
"""

from __future__ import annotations

import pygame

from game.sim.words import duration
from game.view import palette as P
from game.view import ui
from game.view.outcome import ObjectiveRow
from game.view.ui import px

WIDTH = 340
ROW_H = 21
MARGIN_PX = 24  # as Camera.fit leaves round the map
DONE, LOST, OPEN = (143, 227, 166), P.UNCONSCIOUS, P.TEXT


def panel_rect(map_area: pygame.Rect, rows: int) -> pygame.Rect:
    """Where the tracker goes: the map area's top left corner, as tall as its rows."""
    return pygame.Rect(map_area.x + px(8), map_area.y + px(2), min(px(WIDTH), map_area.w // 2),
                       px(30) + rows * px(ROW_H) + px(4))


def map_focus(map_area: pygame.Rect, tracker: pygame.Rect, world_w: float, world_h: float) -> pygame.Rect:
    """The part of the map area left for the map beside or below the tracker, whichever shows it bigger."""
    beside = pygame.Rect(tracker.right, map_area.y, map_area.right - tracker.right, map_area.h)
    below = pygame.Rect(map_area.x, tracker.bottom, map_area.w, map_area.bottom - tracker.bottom)

    def scale(r: pygame.Rect) -> float:
        w, h = r.w - 2 * MARGIN_PX, r.h - 2 * MARGIN_PX
        return min(w / max(world_w, 1.0), h / max(world_h, 1.0)) if w > 0 and h > 0 else 0.0

    return max((below, beside), key=scale)  # a tie goes below: the map keeps the window's width


def deadline_text(row: ObjectiveRow) -> tuple[str, tuple[int, int, int]] | None:
    """'3:12 left' while it runs, 'deadline passed' after; None without a deadline."""
    if row.within_s is None:
        return None
    if row.left_s is None:
        return f"within {duration(row.within_s)} of the breach", P.TEXT_DIM
    if row.done:
        return "done in time", DONE
    if row.left_s <= 0:
        return "deadline passed: late counts half", P.UNCONSCIOUS
    return f"{duration(row.left_s)} left", P.IMPAIRED if row.left_s < 60 else P.CLOCK_TEXT


def status(row: ObjectiveRow) -> str:
    """'done' (won for good), 'lost' (nothing of it can be won any more) or 'open' (still in play)."""
    if row.decided and row.done:
        return "done"
    if row.decided and row.fraction <= 0.0:
        return "lost"
    return "open"


def mark(surface: pygame.Surface, centre: tuple[int, int], row: ObjectiveRow) -> None:
    """A tick (done), a cross (lost) or a ring filled as far as it got (open): shape, not colour alone."""
    x, y = centre
    r = px(6)
    st = status(row)
    if st == "done":
        pygame.draw.lines(surface, DONE, False, [(x - r, y), (x - r // 3, y + r * 2 // 3), (x + r, y - r * 2 // 3)], 3)
    elif st == "lost":
        pygame.draw.line(surface, LOST, (x - r, y - r), (x + r, y + r), 3)
        pygame.draw.line(surface, LOST, (x - r, y + r), (x + r, y - r), 3)
    else:
        pygame.draw.circle(surface, OPEN, centre, r, 2)
        if row.fraction > 0:
            inner = max(1, round((r - 2) * min(1.0, row.fraction)))
            pygame.draw.circle(surface, P.CLOCK_TEXT, centre, inner)


def draw(surface: pygame.Surface, rect: pygame.Rect, rows: list[ObjectiveRow]) -> None:
    done = sum(1 for r in rows if status(r) == "done")
    inner = ui.panel(surface, rect, f"OBJECTIVES  {done} of {len(rows)} done", accent=P.ACCENT)
    y = inner.y
    for row in rows:
        st = status(row)
        colour = {"done": DONE, "lost": LOST}.get(st, P.TEXT)
        mark(surface, (inner.x + px(7), y + px(9)), row)
        x = inner.x + px(20)
        dl = deadline_text(row)
        right = inner.right
        if dl is not None and row.left_s is not None:  # the running deadline beats the progress figure
            right = ui.text(surface, dl[0], (inner.right, y + px(2)), 12, dl[1], "bold", anchor="topright").x - px(6)
        elif row.fraction > 0 and st == "open":
            right = ui.text(surface, f"{row.fraction * 100:.0f}%", (inner.right, y + px(2)), 12, P.CLOCK_TEXT, "bold",
                            anchor="topright").x - px(6)
        ui.text(surface, row.description, (x, y), 13, colour, "bold" if st == "open" else "regular",
                max_w=right - x)
        y += px(ROW_H)
