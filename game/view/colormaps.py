"""Colour-blind-safe colour maps (viridis, cividis) as small lookup tables.

Both are perceptually uniform and read in order for every common colour
vision deficiency, and in grey; the overlays still add numbers and patterns,
so no reading depends on colour alone.
"""

from __future__ import annotations

import numpy as np

# matplotlib's maps sampled at 0.0, 0.1, ... 1.0
_ANCHORS = {
    "viridis": (
        "#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c",
        "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725",
    ),
    "cividis": (
        "#00224e", "#123570", "#3b496c", "#575d6d", "#707173", "#8a8779",
        "#a69d75", "#c4b56c", "#e4cf5b", "#f1dc4d", "#fee838",
    ),
}
STEPS = 256


def _hex(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def _build(name: str) -> np.ndarray:
    anchors = np.array([_hex(c) for c in _ANCHORS[name]], dtype=np.float64)
    xs = np.linspace(0.0, 1.0, len(anchors))
    t = np.linspace(0.0, 1.0, STEPS)
    return np.stack([np.interp(t, xs, anchors[:, k]) for k in range(3)], axis=1).round().astype(np.uint8)


LUTS: dict[str, np.ndarray] = {name: _build(name) for name in _ANCHORS}
NAMES = tuple(LUTS)


def lut(name: str) -> np.ndarray:
    """(256, 3) uint8 colours from low to high."""
    return LUTS.get(name, LUTS["viridis"])


def colour(name: str, value: float) -> tuple[int, int, int]:
    """One colour for `value` in 0..1."""
    v = 0.0 if value != value else min(1.0, max(0.0, value))
    r, g, b = lut(name)[int(round(v * (STEPS - 1)))].tolist()
    return r, g, b


def colours(name: str, values: np.ndarray) -> np.ndarray:
    """Colours for an array of values in 0..1 (NaN reads as 0)."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
    idx = np.clip(np.round(v * (STEPS - 1)), 0, STEPS - 1).astype(np.intp)
    return lut(name)[idx]
