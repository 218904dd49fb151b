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
from tests.discipline_levels import (  # noqa: E402
    airlock_rescue,
    behind_crowd_run,
    containment_run,
    cut_hole_run,
    first_rescue_target,
    suit_up_run,
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=20)
    seeds = range(1, ap.parse_args().seeds + 1)
    n = len(seeds)
    air = [airlock_rescue(s) for s in seeds]
    print(f"1 airlock: delivered {sum(r['delivered_s'] is not None for r in air)}/{n}, "
          f"both hatches open {sum(r['both_open'] for r in air)}/{n}, "
          f"safe side fell at most {100 * max(r['fall'] for r in air):.2f} %")
    suit = [suit_up_run(s) for s in seeds]
    print(f"2 suit up: delivered alive {sum(r['delivered_s'] is not None and r['alive'] for r in suit)}/{n}, "
          f"suited up {sum(len(r['suited']) for r in suit) / n:.1f} per run, unsuited seconds in the holed wing "
          f"{sum(r['unsuited_exposed_s'] for r in suit):.1f}, delivered by {max(r['delivered_s'] or 0 for r in suit):.0f} s")
    cont = [containment_run(s) for s in seeds]
    print(f"3 containment: wall cuts {sum(r['wall_cuts'] for r in cont)}, delivered "
          f"{sum(r['delivered_s'] is not None for r in cont)}/{n}, hub lowest {min(r['hub_low_bar'] for r in cont):.3f} bar")
    holes = [cut_hole_run(s) for s in seeds]
    done = [r["patched_s"] for r in holes if r["patched_s"] is not None]
    print(f"3 cut hole: cut {sum(r['cuts'] for r in holes)}, patched {len(done)}/{n}"
          f"{f' by {max(done):.0f} s' if done else ''}, casualty alive {sum(r['alive'] for r in holes)}/{n}")
    left = [first_rescue_target(s, 120.0) for s in seeds]
    firsts = sum(r["orders"][0] == "fit a respirator on Far" for r in left)
    wasted = sum(sum(order_churn(r["world"].events).values()) for r in left)
    print(f"4 time left: Far reached first {firsts}/{n}; superseded or re-issued orders {wasted}")
    crowd = [behind_crowd_run(s) for s in seeds]
    safe = [r["safe_s"] for r in crowd if r["safe_s"] is not None]
    print(f"5 behind a crowd: longest wait {max(r['longest_wait_s'] for r in crowd):.1f} s, safe {len(safe)}/{n}"
          f"{f' by {max(safe):.0f} s' if safe else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
