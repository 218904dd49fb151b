"""Right-click orders: what can be ordered on the thing under the cursor.

The menu is read from the sim's registry of order kinds (`ORDER_KINDS`):
each kind with a menu entry says what it is aimed at, when it is offered
and what its line says, so an order added there shows here with no change.
The view only builds Commands; an order the sim's own check would refuse
outright is not offered, and the sim decides the rest when it is carried out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.sim import commands as C
from game.sim.order_kinds import MenuContext, Target, target_at
from game.sim.orders import ORDER_KINDS

if TYPE_CHECKING:
    from game.sim.world import World

__all__ = ["Order", "Target", "available_orders", "target_at"]


@dataclass(frozen=True)
class Order:
    """One line of the context menu and the commands it sends."""

    key: str
    label: str
    commands: tuple[C.Command, ...]


def available_orders(world: "World", target: Target, actors: tuple[int, ...]) -> list[Order]:
    """The orders that make sense for `actors` on `target`, with their commands built."""
    ctx = MenuContext(world, target, actors)
    out: list[Order] = []
    for kind in ORDER_KINDS:
        menu = kind.menu
        if menu is None or not kind.aim.offered(ctx):
            continue
        if not kind.remote and not actors:
            continue  # an order to people needs someone to give it to
        if not menu.offered(ctx):
            continue
        if kind.remote:
            cmds: tuple[C.Command, ...] = (kind.command_for(ctx, None),)
        else:
            cmds = tuple(kind.command_for(ctx, a) for a in actors)
        if any(kind.refused(world, c) is not None for c in cmds):
            continue  # the sim would refuse it outright (a door already open, a cut door to seal)
        out.append(Order(kind.key, menu.label(ctx), cmds))
    return out
