"""What each play frame has room for besides drawing, so no frame does all the work of a tick.

The work the view derives from a new tick (activities, particles, the
pressure wash, labels, debris) is spread over the frames between ticks.
"""

from __future__ import annotations

from typing import Callable

FRAME_TICK, FRAME_CATCH_UP, FRAME_MAP, FRAME_LIGHT = "tick", "catch-up", "map", "light"


class FramePlan:
    """The kind of the current frame, chosen once per frame by `next`.

    A frame that ran a tick does nothing else: what the view derives from the new
    state waits for the next frame, so it is drawn a frame late, never more. A door
    or wall that changed is repainted on a frame of its own. The rest, the light
    frames (at 1x four in six), take the countdown projection's steps and the panels'
    clock-driven redraws. At 2x and 4x fewer frames fall between ticks, so only the
    tick's own frame is kept clear.
    """

    def __init__(self) -> None:
        self.kind = FRAME_LIGHT
        self.effects_owed_s = 0.0  # simulated time the particles have still to move

    def next(self, ticks: int, map_stale: Callable[[], bool]) -> str:
        """Plan this frame, after `ticks` sim ticks ran in it; `map_stale` says a wall or door changed."""
        prev = self.kind
        if ticks and prev != FRAME_TICK:  # never two in a row: at 4x most frames tick
            self.kind = FRAME_TICK
        elif prev == FRAME_TICK:
            self.kind = FRAME_CATCH_UP
        elif map_stale():
            self.kind = FRAME_MAP
        else:
            self.kind = FRAME_LIGHT
        return self.kind

    @property
    def ticked(self) -> bool:
        """This frame ran a tick: draw last tick's derived state."""
        return self.kind == FRAME_TICK

    def room(self, speed: int) -> bool:
        """This frame takes countdown steps and one clock-driven panel redraw."""
        return self.kind == FRAME_LIGHT or (self.kind == FRAME_CATCH_UP and speed > 1)

    def defer_map(self, speed: int) -> bool:
        """Map patches wait for a frame of their own."""
        return self.kind == FRAME_TICK or (self.kind == FRAME_CATCH_UP and speed == 1)
