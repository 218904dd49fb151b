"""The game's processes run Python's garbage collector with their own thresholds
(game.collector, for speed); what the simulation does must not depend on when the
collector runs: pymunk frees bodies through finalizers and weak references."""

from __future__ import annotations

import gc
from pathlib import Path

from game import collector
from game.levelio.load import load_level
from game.sim.commands import SetAutopilot
from game.sim.world import create_world, state_hash, step

DEBRIS = Path(__file__).resolve().parent.parent / "levels" / "campaign6_debris.toml"


def _hashes(collect_every: int) -> list[str]:
    w = create_world(load_level(DEBRIS), 3)
    w.submit(SetAutopilot(on=True))
    out = []
    while w.tick < 900:
        step(w)
        if collect_every and w.tick % collect_every == 0:
            gc.collect()
        if w.tick % 150 == 0:
            out.append(state_hash(w))
    return out


def test_the_run_is_the_same_whenever_the_collector_runs():
    saved = gc.get_threshold()
    try:
        collector.tune()
        assert gc.get_threshold()[0] == collector.YOUNG
        tuned = _hashes(0)
        gc.set_threshold(700, 10, 10)  # Python's defaults, and a full pass every 7 ticks too
        assert _hashes(7) == tuned
    finally:
        gc.set_threshold(*saved)
