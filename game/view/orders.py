"""Right-click orders: what can be ordered on the thing under the cursor.

Each order is one small entry: the Command class it sends (by name, looked
up in `game.sim.commands` when the menu opens, so an order appears as soon
as the sim has its command), a label, and an applicability check. The
command's fields are filled by name from the context (`person_id` is the
ordered person, `cell` the clicked cell, `door_id` the door there,
`target_id`/`patient_id` the person there, `debris_id` the piece there), so
adding an order is adding an entry. The view only builds Commands; the
sim decides whether they can be carried out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from game.sim import commands as C
from game.sim.tiles import CUTTABLE, WALKABLE, Tile

if TYPE_CHECKING:
    from game.sim.doors import Door
    from game.sim.world import World

Cell = tuple[int, int]


@dataclass(frozen=True)
class Target:
    """What is under the cursor."""

    cell: Cell
    tile: int
    door: "Door | None" = None
    person: int | None = None  # a person drawn there (not one of the ordered)
    debris: int | None = None  # a debris piece lying there
    debris_heavy: bool = False
    in_gas: bool = False  # the cell holds air (a compartment)
    room: str | None = None
    module: str | None = None  # the module the cell is in (for inspections)
    breach: int | None = None  # a breach on or next to the cell


@dataclass(frozen=True)
class OrderContext:
    world: "World"
    target: Target
    actors: tuple[int, ...]  # selected people who can act (conscious or impaired)


@dataclass(frozen=True)
class Order:
    """One line of the context menu and the commands it sends."""

    key: str
    label: str
    commands: tuple[C.Command, ...]


@dataclass(frozen=True)
class OrderEntry:
    key: str
    command: str  # class name in game.sim.commands
    label: Callable[[OrderContext], str]
    applies: Callable[[OrderContext], bool]
    per_actor: bool = True  # one command per selected person, or one for the whole crew (remote)
    extra: Callable[[OrderContext], dict[str, Any]] | None = None

    def command_class(self) -> type[C.Command] | None:
        cls = getattr(C, self.command, None)
        return cls if isinstance(cls, type) and issubclass(cls, C.Command) else None


THING_FIELDS = frozenset({"person_id", "actor_id", "door_id", "target_id", "target_person_id", "patient_id",
                          "casualty_id", "debris_id", "breach_id", "module"})


def _fill(cls: type[C.Command], ctx: OrderContext, actor: int | None, extra: dict[str, Any]) -> C.Command | None:
    """Build `cls` from the context by field name; None if a field names a thing that is not there."""
    t = ctx.target
    sources: dict[str, Any] = {
        "person_id": actor,
        "actor_id": actor,
        "cell": t.cell,
        "at": t.cell,
        "target_cell": t.cell,
        "door_id": t.door.id if t.door is not None else None,
        "target_id": t.person,
        "target_person_id": t.person,
        "patient_id": t.person,
        "casualty_id": t.person,
        "debris_id": t.debris,
        "breach_id": t.breach,
        "module": t.module,
        **extra,
    }
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name == "tick":
            continue
        has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING  # type: ignore[misc]
        v = sources.get(f.name)
        if v is None:
            if f.name in THING_FIELDS or not has_default:
                return None  # the command is about something the click did not give
            continue
        kwargs[f.name] = v
    try:
        return cls(**kwargs)
    except TypeError:
        return None


# ---------------------------------------------------------------- checks

def _alive_person(ctx: OrderContext) -> bool:
    p = ctx.target.person
    return p is not None and p not in ctx.actors and ctx.world.person_state(p) != "dead"


def _has_kit(ctx: OrderContext, item: str) -> bool:
    return any(item in ctx.world.people[a].equipment for a in ctx.actors)


def _walkable(ctx: OrderContext) -> bool:
    t = ctx.target
    if t.door is not None:
        return t.door.state in ("open", "closed")
    return bool(WALKABLE[t.tile])


def _cuttable(ctx: OrderContext) -> bool:
    t = ctx.target
    return bool(CUTTABLE[t.tile]) or (t.debris is not None and t.debris_heavy)


def _door_name(ctx: OrderContext) -> str:
    return ctx.target.door.label if ctx.target.door is not None else "door"


def _person_name(ctx: OrderContext) -> str:
    p = ctx.target.person
    return ctx.world.people[p].name if p is not None else "them"


def _who(ctx: OrderContext) -> str:
    if len(ctx.actors) == 1:
        return ctx.world.people[ctx.actors[0]].name.split()[0]
    return f"{len(ctx.actors)} crew"


def _feed_rate(ctx: OrderContext) -> dict[str, Any]:
    a = ctx.world.atmos
    rate = a.feed_rate_g_s
    for cmd in reversed(ctx.world.pending):  # an order already given counts
        if isinstance(cmd, C.SetO2Feed):
            rate = cmd.rate_g_s
            break
    rate = rate if rate > 0 else ctx.world.level.life_support.feed_rate_g_s or 10.0
    return {"rate_g_s": float(rate), "target": ctx.target.cell}


def _door_is(*states: str) -> Callable[[OrderContext], bool]:
    return lambda ctx: ctx.target.door is not None and ctx.target.door.state in states


def _pressure_door(ctx: OrderContext) -> bool:
    d = ctx.target.door
    return d is not None and d.kind != Tile.DOOR and d.state in ("open", "closed")


def _casualty(ctx: OrderContext) -> bool:
    """Someone else, alive, who is or soon will be in trouble (or simply not one of the ordered)."""
    return bool(ctx.actors) and _alive_person(ctx)


def _needs_mask(ctx: OrderContext) -> bool:
    p = ctx.world.people[ctx.target.person]
    return not p.respirator_on and not p.suited and _has_kit(ctx, "respirator")


# The menu, in the order it is shown. Entries whose command the sim does not
# have are left out when the menu is built.
ENTRIES: tuple[OrderEntry, ...] = (
    OrderEntry("rescue", "Rescue", lambda c: f"Rescue {_person_name(c)} (to the medical bay)", _casualty),
    OrderEntry("respirator", "FitRespirator", lambda c: f"Fit a respirator on {_person_name(c)}",
               lambda c: _casualty(c) and _needs_mask(c)),
    OrderEntry("treat", "Treat", lambda c: f"Treat {_person_name(c)}",
               lambda c: _casualty(c) and _has_kit(c, "medkit")),
    OrderEntry("pry", "PryOpen", lambda c: f"Pry {_door_name(c)} open",
               lambda c: bool(c.actors) and _door_is("jammed", "closed")(c) and _has_kit(c, "crowbar")),
    OrderEntry("cut", "CutThrough", lambda c: "Cut the fallen beam here" if c.target.debris_heavy else
               (f"Cut through {_door_name(c)}" if c.target.door is not None else "Cut through the wall here"),
               lambda c: bool(c.actors) and _cuttable(c) and _has_kit(c, "lance")),
    OrderEntry("clear", "ClearDebris", lambda c: "Clear the debris here",
               lambda c: bool(c.actors) and c.target.debris is not None and not c.target.debris_heavy),
    OrderEntry("patch", "PatchBreach", lambda c: "Patch the breach here",
               lambda c: bool(c.actors) and c.target.breach is not None),
    OrderEntry("move", "MoveTo", lambda c: f"Move {_who(c)} here",
               lambda c: bool(c.actors) and _walkable(c)),
    OrderEntry("seal_by_hand", "SealBulkhead", lambda c: f"Seal {_door_name(c)} by hand",
               lambda c: bool(c.actors) and _pressure_door(c)),
    OrderEntry("inspect", "InspectModule", lambda c: f"Inspect {c.target.module} for damage",
               lambda c: bool(c.actors) and c.target.module is not None and c.target.in_gas),
    OrderEntry("hold", "HoldPosition", lambda c: f"Hold position ({_who(c)})", lambda c: bool(c.actors)),
    OrderEntry("cancel", "CancelOrder", lambda c: f"Cancel orders ({_who(c)})", lambda c: bool(c.actors)),
    # remote controls from the control room: no one has to walk there
    OrderEntry("open", "OpenDoor", lambda c: f"Open {_door_name(c)} (remote)", _door_is("closed"), per_actor=False),
    OrderEntry("close", "CloseDoor", lambda c: f"Close {_door_name(c)} (remote)", _door_is("open"), per_actor=False),
    OrderEntry("seal", "SealDoor", lambda c: f"Seal {_door_name(c)} (remote)",
               lambda c: _pressure_door(c), per_actor=False),
    OrderEntry("unseal", "UnsealDoor", lambda c: f"Unseal {_door_name(c)}", _door_is("sealed"), per_actor=False),
    OrderEntry("feed", "SetO2Feed", lambda c: f"Send the O2 feed to {c.target.room or 'this space'}",
               lambda c: c.target.in_gas, per_actor=False, extra=_feed_rate),
)


def available_orders(world: "World", target: Target, actors: tuple[int, ...], entries=ENTRIES) -> list[Order]:
    """The orders that make sense for `actors` on `target`, with their commands built."""
    ctx = OrderContext(world, target, actors)
    out: list[Order] = []
    for e in entries:
        cls = e.command_class()
        if cls is None:
            continue
        try:
            if not e.applies(ctx):
                continue
        except Exception:  # a check that cannot answer leaves its order out
            continue
        extra = e.extra(ctx) if e.extra else {}
        if e.per_actor:
            cmds = tuple(c for c in (_fill(cls, ctx, a, extra) for a in actors) if c is not None)
        else:
            one = _fill(cls, ctx, None, extra)
            cmds = (one,) if one is not None else ()
        if cmds:
            out.append(Order(e.key, e.label(ctx), cmds))
    return out


def target_at(world: "World", cell: Cell, person: int | None = None, debris: int | None = None,
              debris_heavy: bool = False) -> Target:
    """Describe a map cell for the order menu."""
    x, y = cell
    grid = world.grid
    if not grid.in_bounds(x, y):
        return Target(cell, int(Tile.VACUUM))
    door_id = world.door_at.get((x, y))
    room = grid.room_at(x, y)
    breach = next((b.id for b in world.breaches if abs(b.x - x) + abs(b.y - y) <= 1), None)
    return Target(
        cell=(x, y),
        tile=int(grid.tiles[y, x]),
        door=world.doors[door_id] if door_id is not None else None,
        person=person,
        debris=debris,
        debris_heavy=debris_heavy,
        in_gas=world.compartments.index_at(x, y) >= 0,
        room=room.label if room else None,
        module=grid.module_at(x, y),
        breach=breach,
    )
