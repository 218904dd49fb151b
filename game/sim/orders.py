"""How each command changes the world, or why it cannot; and the registry of
order kinds (`ORDER_KINDS`) that the planners, the words and the menu read.

A command that cannot be carried out leaves the world as it was and records
a `CommandRejected` event with the reason, for the player and the replay.
An order to a person becomes a plan of actions (`next_plan`), made again
from where things stand whenever the plan runs out or the world changes
under it. A player's order stands until done or cancelled; until then the
autopilot leaves that person alone. The orders people carry out are in
`crew_orders`; the control room's, done at once, are here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.sim import commands as C, debris
from game.sim.actions import DONE, Action, Failed, Result, can_act
from game.sim.atmosphere import FEED_MAX_G_S, refresh_feed
from game.sim.crew_orders import CREW_ORDERS, who
from game.sim.events import CommandRejected, DoorClosed, DoorOpened, DoorSealed, DoorUnsealed, O2FeedSet
from game.sim.crew_events import DoorHeldOpen
from game.sim.injects import apply_inject
from game.sim.navigation import T_CUT, T_DOOR
from game.sim.order_kinds import AIR, DOOR, NOBODY, MenuContext, MenuEntry, MenuGroup, OrderKind, OrderRegistry, Refusal
from game.sim.people import Order, Person
from game.sim.words import place_name

if TYPE_CHECKING:
    from game.sim.world import World


def _reject(world: "World", cmd: C.Command, refusal: Refusal) -> None:
    world.emit(CommandRejected, command=cmd.name, reason=refusal.reason)


def apply_command(world: "World", cmd: C.Command, source: str = "player", job: str = "") -> None:
    """Carry out one command at the current tick boundary."""
    kind = ORDER_KINDS.for_command(type(cmd))
    if kind is not None:
        refusal = _carry_out(world, kind, cmd, source, job)
    elif isinstance(cmd, C.SetAutopilot):
        world.crew.set_autopilot(world, bool(cmd.on))
        refusal = None
    elif isinstance(cmd, C.INJECT_COMMANDS):
        apply_inject(world, cmd)  # the instructor's injects live in their own file
        refusal = None
    else:
        refusal = Refusal("not understood")
    if refusal is not None:
        _reject(world, cmd, refusal)


def _carry_out(world: "World", kind: OrderKind, cmd: C.Command, source: str, job: str) -> Refusal | None:
    if kind.remote:
        refusal = kind.refused(world, cmd)
        if refusal is None:
            kind.apply(world, cmd, source)
        return refusal
    if not 0 <= cmd.person_id < len(world.people):
        return Refusal(f"there is no person {cmd.person_id}")
    if kind.apply is not None:
        refusal = kind.refused(world, cmd)
        if refusal is None:
            kind.apply(world, cmd, source)
        return refusal
    return _person_order(world, kind, cmd, source, job)


def _person_order(world: "World", kind: OrderKind, cmd: C.Command, source: str, job: str) -> Refusal | None:
    p = world.people[cmd.person_id]
    if source == "autopilot" and p.order is not None and p.order.source == "player":
        return None  # the player's word stands
    if not can_act(world, p):
        return Refusal(f"{p.name} cannot move")
    refusal = kind.refused(world, cmd)
    if refusal is not None:
        return refusal
    order = Order(kind.key, kind.aim.target_of(cmd), source, world.tick, job)
    previous = p.order
    p.order = order
    first = next_plan(world, p)
    p.order = previous
    if isinstance(first, Failed):
        if source == "player":
            p.blocked = first.reason  # the inspector says it too
            return Refusal(f"{p.name}: {first.reason}", first.blocker, first.unblock)
        world.crew.autopilot_refused(world, p, job, first.reason)
        return None
    if first is DONE and source == "autopilot":
        return None  # done already (by someone else, a tick ago): no order for nothing
    world.crew.give_order(world, p, order, first)
    return None


def next_plan(world: "World", p: Person) -> list[Action] | Result:
    """The next actions for `p`'s order from where things stand: a list, DONE or Failed."""
    o = p.order
    if o is None:
        return DONE
    return ORDER_KINDS[o.kind].plan(world, p, o)


def order_words(world: "World", order: Order) -> str:
    """A standing order in a few words ("cut through Corridor 4"), for the comms log and the inspector."""
    return ORDER_KINDS[order.kind].words(world, order.target)


def command_words(world: "World", cmd: C.Command) -> str:
    """An order's command in the same words; raises KeyError for a command that is no order."""
    kind = ORDER_KINDS.for_command(type(cmd))
    if kind is None:
        raise KeyError(cmd.name)
    return kind.words_for(world, cmd)


# ---------------------------------------------------------------- the control room's orders, done at once


def _cancel(world: "World", cmd: C.CancelOrder, source: str) -> None:
    p = world.people[cmd.person_id]
    if p.order is None:
        return
    if source == "autopilot" and p.order.source == "player":
        return
    world.crew.end_order(world, p, "cancelled")


def _door_state(*states: str):
    """A check: the door is in one of `states`, or the refusal says what it is."""
    def check(world: "World", cmd: C.Command) -> Refusal | None:
        d = world.doors[cmd.door_id]
        return None if d.state in states else Refusal(f"{d.label} is {d.state}")
    return check


def _set_door(state: str, event: type):
    """Carry out a remote door command: the door goes to `state`, and `event` says so."""
    def apply(world: "World", cmd: C.Command, source: str) -> None:
        door = world.doors[cmd.door_id]
        world.set_door_state(door, state)
        world.emit(event, door_id=door.id, door=door.label)
    return apply


def _can_leave_open(world: "World", cmd: C.LeaveOpen) -> Refusal | None:
    d = world.doors[cmd.door_id]
    if cmd.door_id in world.crew.held_open:
        return Refusal(f"{d.label} is already to be left open")
    if d.state not in ("open", "closed") or world.grid.tiles[d.y, d.x] == T_CUT:
        return Refusal(f"{d.label} is {d.state}")
    return None


def _leave_open(world: "World", cmd: C.LeaveOpen, source: str) -> None:
    d = world.doors[cmd.door_id]
    world.crew.held_open = world.crew.held_open | {d.id}
    world.emit(DoorHeldOpen, door_id=d.id, door=d.label)


def _can_close(world: "World", cmd: C.CloseDoor) -> Refusal | None:
    return _door_state("open")(world, cmd) or _shut_on_debris(world, world.doors[cmd.door_id])


def _shut_on_debris(world: "World", d) -> Refusal | None:
    """A door cannot swing shut on a beam lying across its doorway."""
    if d.is_open and debris.doorway_blocked(world, d.cell):
        return Refusal(f"{d.label} cannot shut: debris lies across it", blocker=f"a beam across {d.label}",
                       unblock="cut the beam with a lance, then clear it")
    return None


def _close_remote(world: "World", cmd: C.CloseDoor, source: str) -> None:
    """Shut from control: and from now on the crew shut it behind them again."""
    world.crew.held_open = world.crew.held_open - {cmd.door_id}
    _set_door("closed", DoorClosed)(world, cmd, source)


def _can_seal(world: "World", cmd: C.SealDoor) -> Refusal | None:
    door = world.doors[cmd.door_id]
    if door.kind == T_DOOR:
        return Refusal(f"{door.label} has no remote seal")
    if door.state in ("jammed", "sealed") or world.grid.tiles[door.y, door.x] == T_CUT:
        return Refusal(f"{door.label} is {door.state}")
    return _shut_on_debris(world, door)


def _can_unseal(world: "World", cmd: C.UnsealDoor) -> Refusal | None:
    door = world.doors[cmd.door_id]
    return None if door.state == "sealed" else Refusal(f"{door.label} is not sealed")


def _can_feed(world: "World", cmd: C.SetO2Feed) -> Refusal | None:
    if not 0.0 <= float(cmd.rate_g_s) <= FEED_MAX_G_S:
        return Refusal(f"the O2 feed runs from 0 to {FEED_MAX_G_S:g} g/s")
    if cmd.target is not None:
        x, y = cmd.target
        if world.compartments.index_at(x, y) < 0:
            return Refusal(f"there is no air space at {x},{y} to feed")
    return None


def _feed(world: "World", cmd: C.SetO2Feed, source: str) -> None:
    rate = float(cmd.rate_g_s)
    where = "breached module"
    if cmd.target is not None:
        room = world.grid.room_at(*cmd.target)
        where = room.label if room else f"{cmd.target[0]},{cmd.target[1]}"
    world.atmos.feed_rate_g_s = rate
    world.atmos.feed_target = tuple(cmd.target) if cmd.target is not None else None
    refresh_feed(world)
    world.emit(O2FeedSet, rate_g_s=rate, target=where)


def _feed_here(ctx: MenuContext, actor: int | None) -> C.SetO2Feed:
    """Send the feed to the clicked room at the rate already asked for (or the level's own)."""
    rate = ctx.world.atmos.feed_rate_g_s
    for cmd in reversed(ctx.world.pending):  # an order already given counts
        if isinstance(cmd, C.SetO2Feed):
            rate = cmd.rate_g_s
            break
    rate = rate if rate > 0 else ctx.world.level.life_support.feed_rate_g_s or 10.0
    return C.SetO2Feed(rate_g_s=float(rate), target=ctx.target.cell)


def _door_label(world: "World", door_id: int) -> str:
    return world.doors[door_id].label


def _door_menu(verb: str, suffix: str = " (remote)"):
    return lambda c: f"{verb} {c.target.door.label}{suffix}"


def _feed_words(world: "World", cell) -> str:
    return f"send the O2 feed to {place_name(world, cell) if cell is not None else 'the breached module'}"


CONTROL_ROOM_ORDERS: tuple[OrderKind, ...] = (
    OrderKind(
        "cancel", C.CancelOrder, NOBODY, lambda world, _: "cancel orders", apply=_cancel,
        menu=MenuEntry(lambda c: f"Cancel orders ({who(c)})", MenuGroup.CREW),
    ),
    OrderKind(
        "open", C.OpenDoor, DOOR, lambda w, d: f"open {_door_label(w, d)}", remote=True,
        check=_door_state("closed"), apply=_set_door("open", DoorOpened),
        menu=MenuEntry(_door_menu("Open"), MenuGroup.CONTROL_ROOM),
    ),
    OrderKind(
        "close", C.CloseDoor, DOOR, lambda w, d: f"close {_door_label(w, d)}", remote=True,
        check=_can_close, apply=_close_remote,
        menu=MenuEntry(_door_menu("Close"), MenuGroup.CONTROL_ROOM),
    ),
    OrderKind(
        "leave_open", C.LeaveOpen, DOOR, lambda w, d: f"leave {_door_label(w, d)} open behind you", remote=True,
        check=_can_leave_open, apply=_leave_open,
        menu=MenuEntry(lambda c: f"Leave {c.target.door.label} open (no need to shut it behind)", MenuGroup.SHIP,
                       lambda c: c.target.door is not None and c.target.door.id not in c.world.crew.held_open),
    ),
    OrderKind(
        "seal_remote", C.SealDoor, DOOR, lambda w, d: f"seal {_door_label(w, d)}", remote=True,
        check=_can_seal, apply=_set_door("sealed", DoorSealed),
        menu=MenuEntry(_door_menu("Seal"), MenuGroup.CONTROL_ROOM),
    ),
    OrderKind(
        "unseal", C.UnsealDoor, DOOR, lambda w, d: f"unseal {_door_label(w, d)}", remote=True,
        check=_can_unseal, apply=_set_door("closed", DoorUnsealed),
        menu=MenuEntry(_door_menu("Unseal", ""), MenuGroup.CONTROL_ROOM),
    ),
    OrderKind(
        "feed", C.SetO2Feed, AIR, _feed_words, remote=True, check=_can_feed, apply=_feed,
        menu=MenuEntry(lambda c: f"Send the O2 feed to {c.target.room or 'this space'}", MenuGroup.CONTROL_ROOM,
                       make=_feed_here),
    ),
)

# Every order kind; the menu, the planners and the words all read it.
ORDER_KINDS = OrderRegistry(CREW_ORDERS + CONTROL_ROOM_ORDERS)
