"""Right-click orders: what can be ordered on the thing under the cursor, and
what cannot and why.

The menu is read from the sim's registry of order kinds (`ORDER_KINDS`):
each kind with a menu entry says what it is aimed at, when it is offered
and what its line says, so an order added there shows here with no change.
Each order is tried the way the sim would try it: the registry's check, then
(for an order to people) the person's planner, read only. What would be
carried out comes with the route each person would walk and how long that
takes (the hover preview); what would be refused comes greyed, with the
sim's reason and what would fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.sim import commands as C
from game.sim.actions import DONE, Failed, can_act
from game.sim.doors import DoorState
from game.sim.movement import Walk
from game.sim.order_kinds import MenuContext, OrderKind, Refusal, Target, target_at
from game.sim.orders import ORDER_KINDS, command_words
from game.sim.people import Order as StandingOrder
from game.sim.planner import own_profile, route_time_s, who_has
from game.sim.words import duration, short_name

if TYPE_CHECKING:
    from game.sim.world import World

__all__ = ["Order", "Route", "Target", "acknowledgement", "available_orders", "menu_orders", "target_at"]

Cell = tuple[int, int]


@dataclass(frozen=True)
class Route:
    """Where one ordered person would walk, and how long the walk takes (doors on the way included)."""

    person: int
    cells: tuple[Cell, ...]
    time_s: float


@dataclass(frozen=True)
class Order:
    """One line of the context menu and the commands it sends; greyed when `refusal` says why not."""

    key: str
    label: str
    commands: tuple[C.Command, ...]
    refusal: Refusal | None = None
    routes: tuple[Route, ...] = ()

    @property
    def time_s(self) -> float | None:
        """How long until the slowest of the ordered people gets there (None: nobody walks)."""
        return max((r.time_s for r in self.routes), default=None)


def _route(world: "World", pid: int, actions: list) -> Route | None:
    cells: list[Cell] = []
    for a in actions:
        if isinstance(a, Walk):  # crawls too
            cells.extend(a.cells)
    if not cells:
        return None
    p = world.people[pid]
    return Route(pid, tuple(cells), route_time_s(world, own_profile(world, p), p.cell, cells))


def _try(world: "World", kind: OrderKind, cmd: C.Command) -> tuple[Refusal | None, Route | None, bool]:
    """(refusal, route, moot) for one command, as the sim would judge it at once; `moot`: nothing to do."""
    refusal = kind.refused(world, cmd)
    if refusal is not None or kind.plan is None:
        return refusal, None, False
    p = world.people[cmd.person_id]
    if not can_act(world, p):
        return Refusal(f"{p.name} cannot move"), None, False
    plan = kind.plan(world, p, StandingOrder(kind.key, kind.aim.target_of(cmd), "player", world.tick))
    if isinstance(plan, Failed):
        return Refusal(f"{short_name(p.name)}: {plan.reason}", plan.blocker, plan.unblock), None, False
    if plan is DONE:
        return None, None, True
    return None, _route(world, p.id, plan), False


def _door_fix(ctx: MenuContext, kind: OrderKind, why: Refusal) -> str:
    """What would let a remote control work a door it was refused for being jammed or sealed
    ("" for any other refusal: the door is already as the order would leave it, or has no such control)."""
    d = ctx.target.door
    if d is None or why.reason != f"{d.label} is {d.state}":
        return ""
    if d.state == DoorState.SEALED and not kind.words(ctx.world, d.id).startswith("seal"):
        return "unseal it first (right-click it: Unseal)"
    if d.state == DoorState.JAMMED:
        kit = f" ({who_has(ctx.world, ctx.world.people[ctx.actors[0]], 'crowbar')})" if ctx.actors else ""
        return f"send someone to pry it open with a crowbar{kit}, or cut through it"
    return ""


def menu_orders(world: "World", target: Target, actors: tuple[int, ...]) -> tuple[list[Order], list[Order]]:
    """(orders that can be given, greyed orders with why not) for `actors` on `target`.

    Greyed are the orders the player might reach for that the sim would refuse
    for a reason something can change: a way blocked, kit nobody has, a
    sealed or jammed door. An order with nothing to do (open an open door)
    is left out. While orders already given wait for the next tick, what
    they may change is not judged: the registry's offer stands."""
    ctx = MenuContext(world, target, actors)
    ready: list[Order] = []
    greyed: list[Order] = []
    for kind in ORDER_KINDS:
        menu = kind.menu
        if menu is None or not kind.aim.offered(ctx):
            continue
        if not kind.remote and not actors:
            continue  # an order to people needs someone to give it to
        offered = menu.offered(ctx)
        if not offered and kind.plan is None:
            continue
        cmds = (kind.command_for(ctx, None),) if kind.remote else tuple(kind.command_for(ctx, a) for a in actors)
        tried = [_try(world, kind, c) for c in cmds]
        routes = tuple(r for _, r, _ in tried if r is not None)
        refusals = [f for f, _, _ in tried if f is not None]
        if all(moot for _, _, moot in tried):
            continue
        label = menu.label(ctx)
        # orders given but not yet carried out (while paused) may clear the way: then the sim decides
        unsure = bool(world.pending)
        if offered and (not refusals or unsure or (not kind.remote and len(refusals) < len(cmds))):
            # someone can: the order goes to all (the sim refuses the rest, and the comms log says why)
            ready.append(Order(kind.key, label, cmds, None, routes))
            continue
        why = refusals[0] if refusals else None
        if why is None:
            continue
        if kind.remote and not why.unblock:
            fix = _door_fix(ctx, kind, why)
            if not fix:
                continue  # the door is already as the order would leave it, or has no such control
            why = Refusal(why.reason, why.blocker, fix)
        if not offered and not why.unblock:
            continue  # not meant for this target, and nothing would change that
        greyed.append(Order(kind.key, label, cmds, why))
    return ready, greyed


def available_orders(world: "World", target: Target, actors: tuple[int, ...]) -> list[Order]:
    """The orders that can be given to `actors` on `target`, with their commands built."""
    return menu_orders(world, target, actors)[0]


def acknowledgement(world: "World", order: Order, paused: bool) -> str:
    """What the screen says when an order is given: to whom, what, and when it starts."""
    first = order.commands[0]
    what = command_words(world, first)
    names = [short_name(world.people[c.person_id].name) for c in order.commands if hasattr(c, "person_id")]
    to = "Control room" if not names else (", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else ""))
    when = "starts when you resume (Space)" if paused else "under way"
    t = order.time_s
    there = f", there in ~{duration(t)}" if t is not None and t >= 1 else ""
    return f"{to}: {what}{there}. {when[0].upper()}{when[1:]}."
