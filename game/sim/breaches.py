"""Hull breaches: the hole record and which modules have one open.

Below the timeline (which opens holes), debris (which throws things out of
them), the crew (who inspect and patch them) and the world (which holds
them), so all of those import it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.sim.state import static, synced

if TYPE_CHECKING:
    from game.sim.world import World


@dataclass
class Breach:
    """A hole in the hull at a wall cell; a patch sets its area to zero."""

    id: int = static()
    x: int = static()
    y: int = static()
    area_m2: float = synced()  # a patch closes it
    cd: float = static()
    section: str = static(default="")


def breach_module(world: "World", b: Breach) -> str | None:
    """The module whose hull the hole is in (the first module beside its wall cell)."""
    for dx, dy in ((0, 1), (0, -1), (1, 0), (-1, 0)):
        m = world.grid.module_at(b.x + dx, b.y + dy)
        if m is not None:
            return m
    return None


def breached_modules(world: "World") -> frozenset[str]:
    """Modules with an open hole in their hull."""
    out = set()
    for b in world.breaches:
        if b.area_m2 <= 0.0:
            continue
        m = breach_module(world, b)
        if m:
            out.add(m)
    return frozenset(out)


def breaches_in_module(world: "World", module: str) -> list[int]:
    """Ids of the open holes in one module's hull."""
    return [b.id for b in world.breaches if b.area_m2 > 0.0 and breach_module(world, b) == module]
