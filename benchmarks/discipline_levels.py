"""Issue 15's small levels over many seeds: `python benchmarks/discipline_levels.py [--seeds N]`.

The levels and their runs live in tests/discipline_levels.py (the tests check
a few seeds); this prints all of them over twenty.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from game.sim.crew_timeline import order_churn  # noqa: E402
from tests.discipline_levels import airlock_rescue, containment_run, first_rescue_target  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=20)
    seeds = range(1, ap.parse_args().seeds + 1)
    n = len(seeds)
    air = [airlock_rescue(s) for s in seeds]
    print(f"1 airlock: delivered {sum(r['delivered_s'] is not None for r in air)}/{n}, "
          f"both hatches open {sum(r['both_open'] for r in air)}/{n}, "
          f"safe side fell at most {100 * max(r['fall'] for r in air):.2f} %")
    cont = [containment_run(s) for s in seeds]
    print(f"3 containment: wall cuts {sum(r['wall_cuts'] for r in cont)}, delivered "
          f"{sum(r['delivered_s'] is not None for r in cont)}/{n}, hub lowest {min(r['hub_low_bar'] for r in cont):.3f} bar")
    left = [first_rescue_target(s, 120.0) for s in seeds]
    firsts = sum(r["orders"][0] == "fit a respirator on Far" for r in left)
    wasted = sum(sum(order_churn(r["world"].events).values()) for r in left)
    print(f"4 time left: Far reached first {firsts}/{n}; superseded or re-issued orders {wasted}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
