"""Debris and the walls under heavy injects: how often the wall backstop fired.

Runs `heavy_debris_soak` (tests/test_soak.py: falls of 10 to 50 pieces at
random cells every second, new breaches, doors opened and shut) on Module
Four and prints how many times a piece was found deep inside a wall and put
back out (`PhysicsState.rescues`, which should stay 0), with the pieces down
at the end. Issue 21 asks for 0 over two hours.

Run: `python benchmarks/debris_soak.py [--seconds 7200] [--seed 1]`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from tests.test_soak import heavy_debris_soak  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=7200.0, help="simulated seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--level", default="module4.toml")
    args = parser.parse_args()
    t0 = time.perf_counter()
    world = heavy_debris_soak(args.seconds, args.seed, args.level)
    st = world.physics
    print(f"{args.level} seed {args.seed}: {args.seconds:g} s simulated in {time.perf_counter() - t0:.0f} s")
    print(f"pieces down {len(st.bodies)}, awake at the end {sum(not b.is_sleeping for b in st.bodies)}")
    print(f"backstop rescues {st.rescues}")
    return 0 if st.rescues == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
