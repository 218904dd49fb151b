"""How each command changes the world, or why it cannot; and what each kind
of order means, step by step.

A command that cannot be carried out leaves the world as it was and records
a `CommandRejected` event with the reason, for the player and the replay.
An order to a person becomes a plan of actions (`next_plan`), made again
from where things stand whenever the plan runs out or the world changes
under it. A player's order stands until done or cancelled; until then the
autopilot leaves that person alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.sim import commands as C
from game.sim.actions import (
    DONE,
    Action,
    ClearDebris,
    Cut,
    CutBeam,
    DonSuit,
    Failed,
    FitRespirator,
    Hold,
    Inspect,
    Patch,
    PickUp,
    Pry,
    PutDown,
    Result,
    Seal,
    Treat,
    can_act,
    next_to,
    place_name,
    within_reach,
)
from game.sim.events import CommandRejected, DoorClosed, DoorOpened, DoorSealed, DoorUnsealed, O2FeedSet
from game.sim.navigation import T_CUT, T_DOOR, T_FLOOR, needs_force
from game.sim.people import Order, Person
from game.sim.physiology import DEAD
from game.sim.planner import own_profile, plan_to, team_profile, walkable_neighbours
from game.sim.tiles import CUTTABLE

if TYPE_CHECKING:
    from game.sim.world import World

# command class -> order kind
ORDER_KINDS: dict[type, str] = {
    C.MoveTo: "move",
    C.CutThrough: "cut",
    C.PryOpen: "pry",
    C.Rescue: "rescue",
    C.FitRespirator: "fit_respirator",
    C.SealBulkhead: "seal",
    C.HoldPosition: "hold",
    C.Treat: "treat",
    C.InspectModule: "inspect",
    C.PatchBreach: "patch",
    C.ClearDebris: "clear",
    C.DonSuit: "don_suit",
}


def _reject(world: "World", cmd: C.Command, reason: str) -> None:
    world.emit(CommandRejected, command=cmd.name, reason=reason)


def _door(world: "World", cmd: C.Command, door_id: int):
    if not 0 <= door_id < len(world.doors):
        _reject(world, cmd, f"there is no door {door_id}")
        return None
    return world.doors[door_id]


def order_target(cmd: C.Command):
    for name in ("cell", "door_id", "target_id", "module", "breach_id"):
        if hasattr(cmd, name):
            v = getattr(cmd, name)
            return tuple(v) if isinstance(v, (list, tuple)) else v
    return None


def apply_command(world: "World", cmd: C.Command, source: str = "player", job: str = "") -> None:
    """Carry out one command at the current tick boundary."""
    if isinstance(cmd, C.INJECT_COMMANDS):
        from game.sim.injects import apply_inject  # the instructor's injects live in their own file

        return apply_inject(world, cmd)
    if type(cmd) in ORDER_KINDS:
        return _person_order(world, cmd, source, job)
    if isinstance(cmd, C.CancelOrder):
        if not 0 <= cmd.person_id < len(world.people):
            return _reject(world, cmd, f"there is no person {cmd.person_id}")
        p = world.people[cmd.person_id]
        if p.order is None:
            return None
        if source == "autopilot" and p.order.source == "player":
            return None
        world.crew.end_order(world, p, "cancelled")
        return None
    if isinstance(cmd, C.SetAutopilot):
        world.crew.set_autopilot(world, bool(cmd.on))
        return None
    if isinstance(cmd, (C.OpenDoor, C.CloseDoor, C.SealDoor, C.UnsealDoor)):
        door = _door(world, cmd, cmd.door_id)
        if door is None:
            return None
        if isinstance(cmd, C.OpenDoor):
            if door.state != "closed":
                return _reject(world, cmd, f"{door.label} is {door.state}")
            world.set_door_state(door, "open")
            world.emit(DoorOpened, door_id=door.id, door=door.label)
        elif isinstance(cmd, C.CloseDoor):
            if door.state != "open":
                return _reject(world, cmd, f"{door.label} is {door.state}")
            world.set_door_state(door, "closed")
            world.emit(DoorClosed, door_id=door.id, door=door.label)
        elif isinstance(cmd, C.SealDoor):
            if door.kind == T_DOOR:
                return _reject(world, cmd, f"{door.label} has no remote seal")
            if door.state in ("jammed", "sealed") or world.grid.tiles[door.y, door.x] == T_CUT:
                return _reject(world, cmd, f"{door.label} is {door.state}")
            world.set_door_state(door, "sealed")
            world.emit(DoorSealed, door_id=door.id, door=door.label)
        else:
            if door.state != "sealed":
                return _reject(world, cmd, f"{door.label} is not sealed")
            world.set_door_state(door, "closed")
            world.emit(DoorUnsealed, door_id=door.id, door=door.label)
        return None
    if isinstance(cmd, C.SetO2Feed):
        return _set_feed(world, cmd)
    injects = getattr(C, "INJECT_COMMANDS", ())
    if injects and isinstance(cmd, injects):
        from game.sim.injects import apply_inject  # the instructor's, kept apart

        return apply_inject(world, cmd)
    return _reject(world, cmd, "not understood")


def _valid_target(world: "World", cmd: C.Command) -> str | None:
    """Why a person order's target is wrong, or None."""
    if isinstance(cmd, (C.MoveTo, C.CutThrough, C.ClearDebris)):
        x, y = cmd.cell
        if not world.grid.in_bounds(x, y):
            return f"{x},{y} is off the map"
    if isinstance(cmd, (C.PryOpen, C.SealBulkhead)) and not 0 <= cmd.door_id < len(world.doors):
        return f"there is no door {cmd.door_id}"
    if isinstance(cmd, (C.Rescue, C.FitRespirator, C.Treat)):
        if not 0 <= cmd.target_id < len(world.people) or cmd.target_id == cmd.person_id:
            return f"there is no one else with id {cmd.target_id}"
    if isinstance(cmd, C.InspectModule) and cmd.module not in world.grid.modules:
        return f"there is no module {cmd.module!r}"
    if isinstance(cmd, C.PatchBreach) and not 0 <= cmd.breach_id < len(world.breaches):
        return f"there is no breach {cmd.breach_id}"
    return None


def _person_order(world: "World", cmd: C.Command, source: str, job: str) -> None:
    if not 0 <= cmd.person_id < len(world.people):
        return _reject(world, cmd, f"there is no person {cmd.person_id}")
    p = world.people[cmd.person_id]
    if source == "autopilot" and p.order is not None and p.order.source == "player":
        return None  # the player's word stands
    if not can_act(world, p):
        return _reject(world, cmd, f"{p.name} cannot move")
    why = _valid_target(world, cmd)
    if why:
        return _reject(world, cmd, why)
    order = Order(ORDER_KINDS[type(cmd)], order_target(cmd), source, world.tick, job)
    previous = p.order
    p.order = order
    first = next_plan(world, p)
    if isinstance(first, Failed):
        p.order = previous
        if source == "player":
            return _reject(world, cmd, f"{p.name}: {first.reason}")
        world.crew.autopilot_refused(world, p, job, first.reason)
        return None
    p.order = previous
    world.crew.give_order(world, p, order, first)
    return None


# ---------------------------------------------------------------- what orders mean


def order_words(world: "World", order: Order) -> str:
    k, t = order.kind, order.target
    if k == "move":
        return f"go to {place_name(world, t)}"
    if k in ("cut", "clear"):
        return f"{'cut through' if k == 'cut' else 'clear debris at'} {place_name(world, t)}"
    if k in ("pry", "seal"):
        return f"{k} {world.doors[t].label}"
    if k in ("rescue", "fit_respirator", "treat"):
        verb = {"rescue": "rescue", "fit_respirator": "fit a respirator on", "treat": "treat"}[k]
        return f"{verb} {world.people[t].name}"
    if k == "inspect":
        return f"inspect {t}"
    if k == "patch":
        b = world.breaches[t]
        return f"patch the breach at {b.section or f'{b.x},{b.y}'}"
    if k == "hold":
        return "hold position"
    if k == "don_suit":
        return "put on a suit"
    return k


def profile_for(world: "World", p: Person, order: Order, contain: bool | None = None):
    """The player's orders are planned on the person's own kit; the autopilot's
    on the team's, with its doctrine of keeping the breach shut off from people."""
    if order.source == "autopilot":
        keep_shut = world.crew.contain_for(world, p) if contain is None else contain
        return team_profile(world, p, world.crew.team(world), contain=keep_shut)
    return own_profile(world, p)


def _at(
    world: "World", p: Person, goals: list[tuple[int, int]], order: Order, what: str, then: list[Action]
) -> list[Action] | Failed:
    plan = plan_to(world, p, goals, profile_for(world, p, order), what)
    if isinstance(plan, Failed) and order.source == "autopilot":
        # no way that keeps the breach shut off: the doctrine gives way to the rescue
        plan = plan_to(world, p, goals, profile_for(world, p, order, contain=False), what)
    if isinstance(plan, Failed):
        return plan
    return plan + then


def next_plan(world: "World", p: Person) -> list[Action] | Result:
    """The next actions for `p`'s order from where things stand: a list, DONE or Failed."""
    o = p.order
    if o is None:
        return DONE
    fn = _PLANNERS[o.kind]
    return fn(world, p, o)


def _plan_move(world: "World", p: Person, o: Order):
    goal = tuple(o.target)
    if p.cell == goal:
        return DONE
    plan = _at(world, p, [goal], o, place_name(world, goal), [])
    if not isinstance(plan, Failed) and plan:
        from game.sim.movement import Walk

        walks = [a for a in plan if isinstance(a, Walk)]
        if walks:
            walks[-1].announce = True
    return plan


def _plan_pry(world: "World", p: Person, o: Order):
    d = world.doors[o.target]
    if d.state == "open" or world.grid.tiles[d.y, d.x] == T_CUT:
        return DONE
    if not needs_force(d):
        return Failed(f"{d.label} is {d.state}, not stuck")
    if not p.has("crowbar"):
        return Failed("no crowbar")
    if next_to(p, d.cell) and p.cell != d.cell:
        return [Pry(d.id)]
    return _at(world, p, walkable_neighbours(world, d.cell), o, d.label, [Pry(d.id)])


def _plan_cut(world: "World", p: Person, o: Order):
    cell = tuple(o.target)
    x, y = cell
    t = int(world.grid.tiles[y, x])
    if not p.has("lance"):
        return Failed("no thermal lance")
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
    if next_to(p, cell) and p.cell != cell:
        return [action]
    goals = [c for c in walkable_neighbours(world, cell) if not world.crew.seen.blocked[c[1], c[0]]]
    return _at(world, p, goals, o, place_name(world, cell), [action])


def _plan_clear(world: "World", p: Person, o: Order):
    cell = tuple(o.target)
    if world.crew.seen.slow[cell[1], cell[0]] <= 1.0:
        return DONE
    if next_to(p, cell):
        return [ClearDebris(cell)]
    return _at(world, p, walkable_neighbours(world, cell) + [cell], o, place_name(world, cell), [ClearDebris(cell)])


def _plan_fit(world: "World", p: Person, o: Order):
    t = world.people[o.target]
    if int(world.bodies.state[t.id]) == DEAD:
        return Failed(f"{t.name} has died")
    if t.respirator_on or t.suited:
        return DONE
    if not p.has("respirator"):
        return Failed("no respirator left")
    if within_reach(p, t):
        return [FitRespirator(t.id)]
    return _at(world, p, [t.cell], o, t.name, [FitRespirator(t.id)])


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
        return _at(world, p, goals, o, "the medical bay", [PutDown(t.id)])
    if t.delivered_s is not None and not t.in_care:
        return DONE
    if t.in_care:
        return Failed(f"{t.name} is in someone else's hands")
    if within_reach(p, t):
        first: list[Action] = []
        if not (t.respirator_on or t.suited) and p.has("respirator"):
            first.append(FitRespirator(t.id))
        return first + [PickUp(t.id)]
    return _at(world, p, [t.cell], o, t.name, [])


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
    return _at(world, p, goals, o, d.label, [Seal(d.id)])


def _plan_hold(world: "World", p: Person, o: Order):
    return [Hold()]


def _plan_treat(world: "World", p: Person, o: Order):
    t = world.people[o.target]
    if int(world.bodies.state[t.id]) == DEAD:
        return Failed(f"{t.name} has died")
    if t.treated_s is not None:
        return DONE
    if not p.has("medkit"):
        return Failed("no medkit")
    if t.in_care:
        return Failed(f"{t.name} is still being carried in")
    if within_reach(p, t):
        return [Treat(t.id)]
    return _at(world, p, walkable_neighbours(world, t.cell) + [t.cell], o, t.name, [Treat(t.id)])


def _plan_inspect(world: "World", p: Person, o: Order):
    module = o.target
    if module in world.crew.surveyed:
        return DONE
    spots = world.crew.module_spots(world, module)
    if not spots:
        return Failed(f"nowhere to stand in {module}")
    if p.cell in spots:
        return [Inspect(module)]
    return _at(world, p, spots, o, module, [Inspect(module)])


def _plan_patch(world: "World", p: Person, o: Order):
    b = world.breaches[o.target]
    if b.area_m2 <= 0.0:
        return DONE
    from game.sim.actions import PATCH_MAX_CM2

    if b.area_m2 * 1e4 > PATCH_MAX_CM2:
        return Failed("the breach is too large to patch")
    goals = walkable_neighbours(world, (b.x, b.y))
    if p.cell in goals:
        return [Patch(b.id)]
    return _at(world, p, goals, o, f"the breach at {b.section or f'{b.x},{b.y}'}", [Patch(b.id)])


def _plan_don_suit(world: "World", p: Person, o: Order):
    if p.suited:
        return DONE
    cs = world.crew
    stands: dict[tuple[int, int], int] = {}
    for i, lk in enumerate(world.level.lockers):
        if "suit" not in cs.lockers[i]:
            continue
        cell = tuple(lk.at)
        for c in [cell] + walkable_neighbours(world, cell):
            if world.grid.tiles[c[1], c[0]] in (T_FLOOR, T_CUT):
                stands.setdefault(c, i)
    if not stands:
        return Failed("no suit left in any locker")
    if p.cell in stands:
        return [DonSuit(stands[p.cell])]
    path_plan = _at(world, p, sorted(stands), o, "a suit locker", [])
    if isinstance(path_plan, Failed):
        return path_plan
    from game.sim.movement import Walk

    walks = [a for a in path_plan if isinstance(a, Walk)]
    end = walks[-1].cells[-1] if walks else p.cell
    return path_plan + [DonSuit(stands.get(end, next(iter(stands.values()))))]


_PLANNERS = {
    "move": _plan_move,
    "pry": _plan_pry,
    "cut": _plan_cut,
    "clear": _plan_clear,
    "fit_respirator": _plan_fit,
    "rescue": _plan_rescue,
    "seal": _plan_seal,
    "hold": _plan_hold,
    "treat": _plan_treat,
    "inspect": _plan_inspect,
    "patch": _plan_patch,
    "don_suit": _plan_don_suit,
}


def _set_feed(world: "World", cmd: C.SetO2Feed) -> None:
    from game.sim.atmosphere import FEED_MAX_G_S, refresh_feed

    rate = float(cmd.rate_g_s)
    if not 0.0 <= rate <= FEED_MAX_G_S:
        return _reject(world, cmd, f"the O2 feed runs from 0 to {FEED_MAX_G_S:g} g/s")
    where = "breached module"
    if cmd.target is not None:
        x, y = cmd.target
        if world.compartments.index_at(x, y) < 0:
            return _reject(world, cmd, f"there is no air space at {x},{y} to feed")
        room = world.grid.room_at(x, y)
        where = room.label if room else f"{x},{y}"
    world.atmos.feed_rate_g_s = rate
    world.atmos.feed_target = tuple(cmd.target) if cmd.target is not None else None
    refresh_feed(world)
    world.emit(O2FeedSet, rate_g_s=rate, target=where)
    return None

