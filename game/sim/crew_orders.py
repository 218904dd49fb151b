"""The orders a person carries out, each one entry: its command, what it is
aimed at, its words, its planner and its line in the right-click menu.

A planner turns a standing order into the next actions from where things
stand (a list), or says it is done (DONE) or cannot be done (Failed). It is
run again whenever the plan runs out or the world changes under it. To add
an order: a Command in `commands`, a planner and an `OrderKind` here, added
to `CREW_ORDERS`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from game.sim import commands as C
from game.sim.actions import (
    DON_SUIT_S,
    DONE,
    PATCH_MAX_CM2,
    Action,
    ClearDebris,
    Cut,
    CutBeam,
    Failed,
    FitRespirator,
    Hold,
    Inspect,
    Patch,
    PatchHole,
    PickUp,
    Pry,
    PutDown,
    Seal,
    TakeKit,
    Treat,
    next_to,
    within_reach,
)
from game.sim.fire import lance_refusal
from game.sim.movement import Walk
from game.sim.navigation import T_CUT, T_DOOR, T_FLOOR, flat_cells, needs_force
from game.sim.order_kinds import (
    BREACH,
    DEBRIS,
    DOOR,
    FLOOR,
    MODULE,
    NOBODY,
    PERSON,
    WALL,
    MenuContext,
    MenuEntry,
    MenuGroup,
    OrderKind,
)
from game.sim.people import SUIT_SPEED_M_S, Order, Person
from game.sim.physiology import DEAD
from game.sim.planner import (
    own_profile,
    plan_to,
    route,
    route_time_s,
    team_profile,
    walkable_neighbours,
    who_has,
    why_no_way,
)
from game.sim.tiles import CUTTABLE, Tile
from game.sim.words import place_name

if TYPE_CHECKING:
    from game.sim.world import World


# ---------------------------------------------------------------- shared by the planners


def profile_for(world: "World", p: Person, order: Order, contain: bool | None = None):
    """The player's orders are planned on the person's own kit; the autopilot's
    on the team's, with its doctrine of keeping the breach shut off from people."""
    if order.source == "autopilot":
        keep_shut = world.crew.contain_for(world, p) if contain is None else contain
        return team_profile(world, p, world.crew.team(world), contain=keep_shut)
    return own_profile(world, p)


def plan_at(
    world: "World", p: Person, goals: list[tuple[int, int]], order: Order, what: str, then: list[Action],
    suit_up: bool = True,
) -> list[Action] | Failed:
    """Walk to one of `goals` (under the order's doctrine), then do `then`; on
    the autopilot's orders, suit up first if the best way crosses air that
    would harm an unsuited body (nobody unsuited is planned into it)."""
    if suit_up and order.source == "autopilot" and _needs_suit(world, p, goals, order):
        return fetch(world, p, order, "suit")
    plan = plan_to(world, p, goals, profile_for(world, p, order), what)
    if isinstance(plan, Failed) and order.source == "autopilot":
        # no way that keeps the breach shut off: the doctrine gives way to the rescue
        plan = plan_to(world, p, goals, profile_for(world, p, order, contain=False), what)
    if isinstance(plan, Failed):
        return why_no_way(world, p, goals, what) if order.source == "player" else plan
    return plan + then


def harmful_on_way(world: "World", p: Person, path: list[tuple[int, int]]) -> bool:
    """Does `path` cross air that would harm an unsuited body (beyond the
    compartment `p` stands in, which they must be able to leave)?"""
    if not path:
        return False
    labels = world.compartments.labels
    at = flat_cells(path, labels.shape[1])
    own = labels[p.cell[1], p.cell[0]]
    return bool((world.crew.seen.unsafe_cells.ravel()[at] & (labels.ravel()[at] != own)).any())


def _needs_suit(world: "World", p: Person, goals: list[tuple[int, int]], order: Order) -> bool:
    """Unsuited, a suit in a locker, and the quickest way in a suit crosses bad
    air and beats the best way without one by more than the minute to put it on."""
    if p.suited or not world.crew.seen.unsafe_cells.any() or not locker_stands(world, "suit"):
        return False
    bare = profile_for(world, p, order)
    suited = replace(bare, suited=True, speed_m_s=min(bare.speed_m_s, SUIT_SPEED_M_S))
    path = route(world, p, goals, suited)
    if isinstance(path, Failed) and order.source == "autopilot":
        suited = replace(suited, contain=False)
        path = route(world, p, goals, suited)
    if isinstance(path, Failed) or not harmful_on_way(world, p, path):
        return False
    without = route(world, p, goals, bare)
    if isinstance(without, Failed):
        return True
    return route_time_s(world, bare, p.cell, without) > route_time_s(world, suited, p.cell, path) + DON_SUIT_S


# ---------------------------------------------------------------- what the menu asks


def _has_kit(ctx: MenuContext, item: str) -> bool:
    return any(item in ctx.world.people[a].equipment for a in ctx.actors)


def _door_name(ctx: MenuContext) -> str:
    return ctx.target.door.label if ctx.target.door is not None else "door"


def _person_name(ctx: MenuContext) -> str:
    p = ctx.target.person
    return ctx.world.people[p].name if p is not None else "them"


def who(ctx: MenuContext) -> str:
    """The ordered people in a menu label: a first name, or how many."""
    if len(ctx.actors) == 1:
        return ctx.world.people[ctx.actors[0]].name.split()[0]
    return f"{len(ctx.actors)} crew"


def _door_in(*states: str):
    """A menu check: the clicked door is in one of `states`."""
    return lambda ctx: ctx.target.door is not None and ctx.target.door.state in states


def _pressure_door(ctx: MenuContext) -> bool:
    """A bulkhead or hatch (not a plain door) that stands open or closed: one that can be sealed."""
    d = ctx.target.door
    return d is not None and d.kind != Tile.DOOR and d.state in ("open", "closed")


def _breach_words(world: "World", breach_id: int) -> str:
    b = world.breaches[breach_id]
    return f"the breach at {b.section or f'{b.x},{b.y}'}"


# ---------------------------------------------------------------- the orders


def _plan_move(world: "World", p: Person, o: Order):
    goal = tuple(o.target)
    if p.cell == goal:
        return DONE
    plan = plan_at(world, p, [goal], o, place_name(world, goal), [])
    if not isinstance(plan, Failed) and plan:
        walks = [a for a in plan if isinstance(a, Walk)]
        if walks:
            walks[-1].announce = True
    return plan


MOVE = OrderKind(
    "move", C.MoveTo, FLOOR, lambda world, cell: f"go to {place_name(world, cell)}", plan=_plan_move,
    menu=MenuEntry(lambda c: f"Move {who(c)} here", MenuGroup.PLACE),
)


def _plan_pry(world: "World", p: Person, o: Order):
    d = world.doors[o.target]
    if d.state == "open" or world.grid.tiles[d.y, d.x] == T_CUT:
        return DONE
    if not needs_force(d):
        return Failed(f"{d.label} is {d.state}, not stuck")
    if not p.has("crowbar"):
        return fetch(world, p, o, "crowbar")
    if next_to(p, d.cell) and p.cell != d.cell:
        return [Pry(d.id)]
    return plan_at(world, p, walkable_neighbours(world, d.cell), o, d.label, [Pry(d.id)])


PRY = OrderKind(
    "pry", C.PryOpen, DOOR, lambda world, door: f"pry {world.doors[door].label}", plan=_plan_pry,
    menu=MenuEntry(lambda c: f"Pry {_door_name(c)} open", MenuGroup.SHIP,
                   lambda c: _door_in("jammed", "closed")(c) and _has_kit(c, "crowbar")),
)


def _plan_cut(world: "World", p: Person, o: Order):
    cell = tuple(o.target)
    x, y = cell
    t = int(world.grid.tiles[y, x])
    if not p.has("lance"):
        return fetch(world, p, o, "lance")
    if t in (T_FLOOR, T_CUT):
        if not world.crew.seen.blocked[y, x]:
            return DONE
        action: Action = CutBeam(cell)
    elif CUTTABLE[t]:
        d = world.door_at.get(cell)
        if d is not None and world.doors[d].is_open:
            return DONE
        action = Cut(cell)
    else:
        return Failed(f"{place_name(world, cell)} cannot be cut")
    if (why := lance_refusal(world, cell)) is not None:
        return Failed(why)
    if next_to(p, cell) and p.cell != cell:
        return [action]
    goals = [c for c in walkable_neighbours(world, cell) if not world.crew.seen.blocked[c[1], c[0]]]
    return plan_at(world, p, goals, o, place_name(world, cell), [action])


def _cut_label(ctx: MenuContext) -> str:
    if ctx.target.debris_heavy:
        return "Cut the fallen beam here"
    return f"Cut through {_door_name(ctx)}" if ctx.target.door is not None else "Cut through the wall here"


CUT = OrderKind(
    "cut", C.CutThrough, WALL, lambda world, cell: f"cut through {place_name(world, cell)}", plan=_plan_cut,
    menu=MenuEntry(_cut_label, MenuGroup.SHIP, lambda c: _has_kit(c, "lance")),
)


def _plan_clear(world: "World", p: Person, o: Order):
    cell = tuple(o.target)
    if world.crew.seen.slow[cell[1], cell[0]] <= 1.0:
        return DONE
    if next_to(p, cell):
        return [ClearDebris(cell)]
    goals = walkable_neighbours(world, cell) + [cell]
    return plan_at(world, p, goals, o, place_name(world, cell), [ClearDebris(cell)])


CLEAR = OrderKind(
    "clear", C.ClearDebris, DEBRIS, lambda world, cell: f"clear debris at {place_name(world, cell)}",
    plan=_plan_clear, menu=MenuEntry(lambda c: "Clear the debris here", MenuGroup.SHIP),
)


def _plan_fit(world: "World", p: Person, o: Order):
    t = world.people[o.target]
    if int(world.bodies.state[t.id]) == DEAD:
        return Failed(f"{t.name} has died")
    if t.respirator_on or t.suited:
        return DONE
    if not p.has("respirator"):
        return fetch(world, p, o, "respirator")
    if within_reach(p, t):
        return [FitRespirator(t.id)]
    return plan_at(world, p, [t.cell], o, t.name, [FitRespirator(t.id)])


def _needs_mask(ctx: MenuContext) -> bool:
    p = ctx.world.people[ctx.target.person]
    return not p.respirator_on and not p.suited and _has_kit(ctx, "respirator")


FIT_RESPIRATOR = OrderKind(
    "fit_respirator", C.FitRespirator, PERSON, lambda world, t: f"fit a respirator on {world.people[t].name}",
    plan=_plan_fit, menu=MenuEntry(lambda c: f"Fit a respirator on {_person_name(c)}", MenuGroup.CASUALTY, _needs_mask),
)


def _plan_rescue(world: "World", p: Person, o: Order):
    t = world.people[o.target]
    if int(world.bodies.state[t.id]) == DEAD:
        return Failed(f"{t.name} has died")
    if p.carrying == t.id or p.escorting == t.id:
        cs = world.crew
        if cs.in_medbay(world, p.cell):
            return [PutDown(t.id)]
        goals = cs.medbay_cells(world)
        if not goals:
            return Failed("there is no medical bay")
        return plan_at(world, p, goals, o, "the medical bay", [PutDown(t.id)])
    if t.delivered_s is not None and not t.in_care:
        return DONE
    if t.in_care:
        return Failed(f"{t.name} is in someone else's hands")
    if within_reach(p, t):
        first: list[Action] = []
        if not (t.respirator_on or t.suited) and p.has("respirator"):
            first.append(FitRespirator(t.id))
        return first + [PickUp(t.id)]
    return plan_at(world, p, [t.cell], o, t.name, [])


RESCUE = OrderKind(
    "rescue", C.Rescue, PERSON, lambda world, t: f"rescue {world.people[t].name}", plan=_plan_rescue,
    menu=MenuEntry(lambda c: f"Rescue {_person_name(c)} (to the medical bay)", MenuGroup.CASUALTY),
)


def _plan_seal(world: "World", p: Person, o: Order):
    d = world.doors[o.target]
    if d.state == "sealed":
        return DONE
    if d.kind == T_DOOR:
        return Failed(f"{d.label} cannot be sealed")
    if d.state == "jammed":
        return Failed(f"{d.label} is jammed")
    goals = walkable_neighbours(world, d.cell)
    if p.cell in goals:
        return [Seal(d.id)]
    return plan_at(world, p, goals, o, d.label, [Seal(d.id)])


SEAL = OrderKind(
    "seal", C.SealBulkhead, DOOR, lambda world, door: f"seal {world.doors[door].label}", plan=_plan_seal,
    menu=MenuEntry(lambda c: f"Seal {_door_name(c)} by hand", MenuGroup.PLACE, _pressure_door),
)

HOLD = OrderKind(
    "hold", C.HoldPosition, NOBODY, lambda world, _: "hold position", plan=lambda world, p, o: [Hold()],
    menu=MenuEntry(lambda c: f"Hold position ({who(c)})", MenuGroup.CREW),
)


def _plan_treat(world: "World", p: Person, o: Order):
    t = world.people[o.target]
    if int(world.bodies.state[t.id]) == DEAD:
        return Failed(f"{t.name} has died")
    if t.treated_s is not None:
        return DONE
    if not p.has("medkit"):
        return fetch(world, p, o, "medkit")
    if t.in_care:
        return Failed(f"{t.name} is still being carried in")
    if within_reach(p, t):
        return [Treat(t.id)]
    return plan_at(world, p, walkable_neighbours(world, t.cell) + [t.cell], o, t.name, [Treat(t.id)])


TREAT = OrderKind(
    "treat", C.Treat, PERSON, lambda world, t: f"treat {world.people[t].name}", plan=_plan_treat,
    menu=MenuEntry(lambda c: f"Treat {_person_name(c)}", MenuGroup.CASUALTY, lambda c: _has_kit(c, "medkit")),
)


def _plan_inspect(world: "World", p: Person, o: Order):
    module = o.target
    if module in world.crew.surveyed:
        return DONE
    spots = world.crew.module_spots(world, module)
    if not spots:
        return Failed(f"nowhere to stand in {module}")
    if p.cell in spots:
        return [Inspect(module)]
    return plan_at(world, p, spots, o, module, [Inspect(module)])


INSPECT = OrderKind(
    "inspect", C.InspectModule, MODULE, lambda world, module: f"inspect {module}", plan=_plan_inspect,
    menu=MenuEntry(lambda c: f"Inspect {c.target.module} for damage", MenuGroup.PLACE),
)


def _plan_patch(world: "World", p: Person, o: Order):
    b = world.breaches[o.target]
    if b.area_m2 <= 0.0:
        return DONE
    if b.area_m2 * 1e4 > PATCH_MAX_CM2:
        return Failed("the breach is too large to patch")
    goals = walkable_neighbours(world, (b.x, b.y))
    if p.cell in goals:
        return [Patch(b.id)]
    return plan_at(world, p, goals, o, _breach_words(world, b.id), [Patch(b.id)])


PATCH = OrderKind(
    "patch", C.PatchBreach, BREACH, lambda world, b: f"patch {_breach_words(world, b)}", plan=_plan_patch,
    menu=MenuEntry(lambda c: "Patch the breach here", MenuGroup.SHIP),
)


def _plan_patch_hole(world: "World", p: Person, o: Order):
    cell = tuple(o.target)
    if cell not in world.crew.holes:
        return DONE
    goals = [c for c in walkable_neighbours(world, cell) if not world.crew.seen.blocked[c[1], c[0]]]
    if p.cell in goals:
        return [PatchHole(cell)]
    return plan_at(world, p, goals, o, place_name(world, cell), [PatchHole(cell)])


PATCH_HOLE = OrderKind(
    "patch_hole", C.PatchHole, FLOOR, lambda world, cell: f"patch the cut hole at {place_name(world, cell)}",
    plan=_plan_patch_hole,
    menu=MenuEntry(lambda c: "Patch the cut hole here", MenuGroup.SHIP, lambda c: c.target.cell in c.world.crew.holes),
)


def locker_stands(world: "World", item: str) -> dict[tuple[int, int], int]:
    """Floor beside (or on) each locker that still holds `item`: cell -> locker index."""
    stands: dict[tuple[int, int], int] = {}
    for i, lk in enumerate(world.level.lockers):
        if item not in world.crew.lockers[i]:
            continue
        cell = tuple(lk.at)
        for c in [cell] + walkable_neighbours(world, cell):
            if world.grid.tiles[c[1], c[0]] in (T_FLOOR, T_CUT):
                stands.setdefault(c, i)
    return stands


def fetch(world: "World", p: Person, o: Order, item: str) -> list[Action] | Failed:
    """A planned step for kit `p` lacks: walk to the nearest locker holding
    `item` and take it (the order is planned on from there once it is in hand)."""
    stands = locker_stands(world, item)
    if not stands:
        return Failed(f"no {item}: {who_has(world, p, item)}", f"no {item}", who_has(world, p, item))
    what = "a suit locker" if item == "suit" else f"a locker with a {item}"
    if p.cell in stands:
        return [TakeKit(stands[p.cell], item)]
    path_plan = plan_at(world, p, sorted(stands), o, what, [], suit_up=False)
    if isinstance(path_plan, Failed):
        return path_plan
    walks = [a for a in path_plan if isinstance(a, Walk)]
    end = walks[-1].cells[-1] if walks else p.cell
    return path_plan + [TakeKit(stands.get(end, next(iter(stands.values()))), item)]


def _plan_don_suit(world: "World", p: Person, o: Order):
    if p.suited:
        return DONE
    return fetch(world, p, o, "suit")


# no menu line: the autopilot suits people up; the player has no way to ask for it yet
DON_SUIT = OrderKind("don_suit", C.DonSuit, NOBODY, lambda world, _: "put on a suit", plan=_plan_don_suit)

# in the order they are registered (the menu groups them; see `MenuGroup`)
CREW_ORDERS: tuple[OrderKind, ...] = (
    RESCUE, FIT_RESPIRATOR, TREAT, PRY, CUT, CLEAR, PATCH, PATCH_HOLE, MOVE, SEAL, INSPECT, HOLD, DON_SUIT,
)
