"""Named random streams derived from the world's seed.

Each consumer draws from its own stream, so adding a draw in one system never
shifts the numbers another system sees.
"""

from __future__ import annotations

import zlib

import numpy as np

from game.sim.limits import seed_problem

STREAMS = ("events", "debris", "ai")  # the timeline's chances, debris, the crew


def make_streams(seed: int) -> dict[str, np.random.Generator]:
    """One independent generator per stream name, fixed by the seed alone."""
    why = seed_problem(seed)
    if why is not None:
        raise ValueError(why)
    return {
        name: np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, zlib.crc32(name.encode())])))
        for name in STREAMS
    }


def stream_state_bytes(streams: dict[str, np.random.Generator]) -> bytes:
    """A canonical byte form of every stream's position, for the state hash."""
    parts = []
    for name in sorted(streams):
        st = streams[name].bit_generator.state["state"]
        parts.append(f"{name}:{st['state']}:{st['inc']}")
    return "|".join(parts).encode()
