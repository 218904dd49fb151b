"""numba's njit as the sim uses it: compiled loops whose arithmetic is numpy's, bit for bit.

No fastmath (no fused multiply-add, no reassociation). The machine code is cached beside the
source or else in the user's cache directory; where neither can be written (a read-only
install, no writable home) numba refuses to cache at all, so the loops compile each run.
numba's cache keys on the source file only: a kernel reads constants of other modules as
arguments, since the cache would keep the value a global had when it compiled.
"""
from __future__ import annotations

from collections.abc import Callable

from numba import njit


def compiled(**options: object) -> Callable:
    """Decorator: `njit(cache=True, **options)`, or uncached where there is nowhere to cache."""
    def wrap(fn: Callable) -> Callable:
        try:
            return njit(cache=True, **options)(fn)
        except RuntimeError:  # "cannot cache function ...: no locator available"
            return njit(**options)(fn)
    return wrap
