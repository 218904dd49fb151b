"""How the game's processes run Python's cyclic garbage collector.

The simulation makes and drops many small containers every tick (pymunk alone makes 16
tracked objects for each debris piece that falls), and at Python's default first
threshold of 700 the collector made a young pass every few hundred allocations and,
in the station drill, full passes over the whole heap several times a run. Measured on
the drill headless (benchmarks/, separate processes, 3 runs each): 2.01 ms a tick at the
default, 1.84-1.85 with a young threshold of 5,000-50,000, the memory peak unchanged
(122 MB). Outcomes do not depend on it (the collector only frees memory).

A process-wide setting is the program's to make, not the simulation's: `tune` is called
where a process starts to run the game (the CLI, for every command and the window; each
batch run, in whichever worker process it lands) and by the benchmarks, which measure the
game as it runs.
"""

from __future__ import annotations

import gc

YOUNG = 10_000  # allocations (less deallocations) between young collections; Python's default is 700


def tune() -> None:
    """Set the game's collector thresholds (idempotent); the older generations keep Python's 10."""
    gc.set_threshold(YOUNG, 10, 10)
