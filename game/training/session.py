"""A run being watched: its score tracker, its replay recorder (when asked to
record) and the level's planned injects (when run as an exercise).

`sim`, `play --record` and the instructor console all run through one, so a
recorded exercise is scored and written the same way wherever it ran.
"""

from __future__ import annotations

import sys
from pathlib import Path

from game.sim.world import TICK_S, World, step
from game.training.injects import PlannedInjects
from game.training.replay import Recorder, Replay
from game.training.scoring import Score, score
from game.training.tracker import Tracker


class Session:
    def __init__(
        self,
        world: World,
        level_path: str = "",
        record: bool = True,
        injects: bool = False,
        recorded_by: str = "sim",
        recorder: Recorder | None = None,
        tracker: Tracker | None = None,
    ) -> None:
        self.world = world
        self.tracker = tracker or Tracker(world)
        self.recorder = (
            recorder if recorder is not None else (Recorder(world, level_path, recorded_by) if record else None)
        )
        self.planned = PlannedInjects.for_world(world) if injects else None
        self.planned_sent: list = []  # commands the planned timeline has sent, for the console's log
        self.tracker.observe(force=True)

    def observe(self) -> None:
        """Call after each step (or frame): fires due injects, samples, hashes."""
        if self.planned is not None:
            self.planned_sent += self.planned.due(self.world)
        self.tracker.observe()
        if self.recorder is not None:
            self.recorder.observe()

    def run_until(self, time_s: float) -> None:
        target = round(time_s / TICK_S)
        if self.planned is not None:
            self.planned_sent += self.planned.due(self.world)
        while self.world.tick < target:
            step(self.world)
            self.observe()

    def score(self) -> Score:
        return score(self.world, self.tracker)

    def replay(self) -> Replay | None:
        return self.recorder.replay() if self.recorder is not None else None

    def save(self, path: str | Path) -> bool:
        """Write the replay atomically; False (after saying why on stderr) if it cannot be."""
        if self.recorder is None:
            return False
        try:
            self.recorder.save(path)
        except OSError as exc:
            print(f"{path}: cannot write the replay: {exc.strerror or exc}", file=sys.stderr)
            return False
        return True
