"""The what-if overlay: how long an unprotected person would stay conscious
in each room once the level's breach opens.

Nothing here is a rule of thumb: a copy of the level (no crew, no debris) is
run through the world's own air stages (`game.sim.world.step_air`, which
`world.step` runs every tick) at a coarse step, and one
virtual body per room breathes that room's air through physiology's own
`step_bodies`. Runs off the main thread (`WhatIfJob`), so the editor stays
responsive, and can be cancelled between steps.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np
from scipy import ndimage

from game.sim import atmosphere, physiology
from game.sim.grid import floor_regions
from game.sim.level import Level
from game.sim.words import duration
from game.sim.world import TICK_S, create_world, step_air

STEP_S = 0.5  # the atmosphere and bodies integrate exactly over held conditions; 0.5 s tells the same story


@dataclass(frozen=True)
class RoomOutlook:
    """One floor area: where to write, what it is called, and the answer."""

    cell: tuple[int, int]  # a cell of the area near its middle, for the label
    label: str  # the room's label, or "" for an unnamed area
    tuc_s: float  # seconds after the first breach until unconscious; math.inf if not within the horizon
    min_pressure_bar: float


@dataclass(frozen=True)
class WhatIf:
    rooms: tuple[RoomOutlook, ...]
    horizon_s: float
    breaches: int
    region_labels: np.ndarray | None = field(default=None, compare=False, repr=False)  # [y, x] area k+1 is rooms[k]

    def by_cell(self) -> dict[tuple[int, int], RoomOutlook]:
        return {r.cell: r for r in self.rooms}


# Timeline events that change where air goes (the rest move people or debris).
AIR_EVENTS = ("breach", "secondary_breach", "door_jam", "door_unjam", "door_damaged", "wall_damaged")


def breach_copy(level: Level, include_chance: bool = False) -> Level | None:
    """The level with only what moves air: breaches, door jams and interior damage; None if nothing breaches."""
    keep = tuple(
        e
        for e in level.events
        if e.kind in AIR_EVENTS and (e.chance >= 1.0 or include_chance)
    )
    if not any(e.kind in ("breach", "secondary_breach") for e in keep):
        return None
    keep = tuple(replace(e, chance=1.0) for e in keep)
    return replace(level, crew=(), lockers=(), events=keep, objectives=())


def _area_cells(labels: np.ndarray, n: int) -> list[tuple[int, int]]:
    """A cell of each labelled area close to its centre of mass, on the area itself."""
    if n == 0:
        return []
    centres = ndimage.center_of_mass(np.ones_like(labels), labels, np.arange(1, n + 1))
    out = []
    for k, (cy, cx) in enumerate(centres, start=1):
        x, y = int(cx), int(cy)
        if labels[y, x] != k:
            ys, xs = np.nonzero(labels == k)
            i = int(np.argmin((xs - cx) ** 2 + (ys - cy) ** 2))
            x, y = int(xs[i]), int(ys[i])
        out.append((x, y))
    return out


def what_if(
    level: Level,
    step_s: float = STEP_S,
    horizon_s: float | None = None,
    include_chance: bool = False,
    cancelled: Callable[[], bool] = lambda: False,
) -> WhatIf | None:
    """Run the breach on a copy of the level; None if it has no breach (or was cancelled)."""
    copy = breach_copy(level, include_chance)
    if copy is None:
        return None
    world = create_world(copy)
    tiles = world.grid.tiles
    labels, n = floor_regions(tiles)
    cells = _area_cells(labels, n)
    named = {}
    for r in copy.rooms:
        x, y = r.at
        if 0 <= y < labels.shape[0] and 0 <= x < labels.shape[1] and labels[y, x] > 0:
            named.setdefault(int(labels[y, x]), r)
    for k, room in named.items():  # named rooms are labelled at their own cell
        cells[k - 1] = tuple(room.at)
    xs = np.array([c[0] for c in cells], dtype=np.intp)
    ys = np.array([c[1] for c in cells], dtype=np.intp)
    bodies = physiology.Bodies.new(n)
    supply = np.full(n, physiology.SUPPLY_AMBIENT, dtype=np.int8)
    out_at = np.full(n, math.inf)
    min_p = np.full(n, math.inf)
    horizon = float(horizon_s if horizon_s is not None else copy.meta.time_limit_s)
    ticks = max(1, round(step_s / TICK_S))
    dt = ticks * TICK_S
    last_breach_s = max(e.at_s for e in copy.events if e.kind == "breach")
    while True:
        if cancelled():
            return None
        step_air(world, dt)
        p_bar, frac = atmosphere.air_at(world, xs, ys)
        np.minimum(min_p, p_bar, out=min_p)
        physiology.step_bodies(bodies, p_bar, frac, supply, dt)
        world.tick += ticks
        t = world.time_s
        newly = (bodies.state >= physiology.UNCONSCIOUS) & ~np.isfinite(out_at)
        out_at[newly] = t
        first = world.atmos.first_breach_s
        if first is not None and (t - first >= horizon or (np.isfinite(out_at).all() and t >= last_breach_s)):
            break
    first = world.atmos.first_breach_s or 0.0
    rooms = []
    for k in range(n):
        room = named.get(k + 1)
        rooms.append(
            RoomOutlook(cells[k], room.label if room else "", float(out_at[k] - first), float(min_p[k]))
        )
    return WhatIf(tuple(rooms), horizon, sum(1 for e in copy.events if e.kind == "breach"), labels)


class WhatIfJob:
    """`what_if` on a worker thread; poll `done` and read `result`, or `cancel`."""

    def __init__(self, level: Level, key: object = None, **kwargs) -> None:
        self.key = key
        self.result: WhatIf | None = None
        self.error: str = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(level,), kwargs=kwargs, daemon=True)
        self._thread.start()

    def _run(self, level: Level, **kwargs) -> None:
        try:
            self.result = what_if(level, cancelled=self._stop.is_set, **kwargs)
        except Exception as exc:  # a level the sim cannot build: say so in the overlay
            self.error = f"{type(exc).__name__}: {exc}"

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def cancel(self) -> None:
        self._stop.set()

    def wait(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)


def format_tuc(seconds: float) -> str:
    """'4:05' for a time to unconsciousness, 'safe' when it never comes."""
    if not math.isfinite(seconds):
        return "safe"
    return duration(seconds)
