"""What an order kind is: one entry that carries everything about it.

An `OrderKind` holds the command it answers to, what it is aimed at on the
map (`Aim`), its words, how it is checked, how it is carried out (a planner
for an order a person carries out over time, or `apply` for one done at once
from the control room) and its line in the right-click menu (`MenuEntry`).
The registry (`OrderRegistry`) is the one list the sim, the planners, the
comms words and the view's menu all read, so adding an order is adding an
entry. The built-in entries live in `crew_orders` and `orders`.

Nothing here imports pygame: the menu's words and checks are read from the
world, and the view only lays them out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Callable, Iterator

from game.sim import commands as C
from game.sim.tiles import CUTTABLE, WALKABLE, Tile

if TYPE_CHECKING:
    from game.sim.actions import Action, Result
    from game.sim.doors import Door
    from game.sim.people import Order, Person
    from game.sim.world import World

Cell = tuple[int, int]


@dataclass(frozen=True)
class Refusal:
    """Why an order cannot be carried out, as a value the sim records and the view shows.

    A value rather than a bare string so that what blocks the order, and what
    would unblock it, can be added beside the reason without changing callers."""

    reason: str
    blocker: str = ""  # what stands in the way: "4-15 door sticks"
    unblock: str = ""  # what would clear it: "a crowbar: Hassan Karimi has one"


# ---------------------------------------------------------------- what a click offers


@dataclass(frozen=True)
class Target:
    """What is under the cursor when the player right-clicks."""

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
class MenuContext:
    """A right-click: the world, what was clicked, and the selected people who can act."""

    world: "World"
    target: Target
    actors: tuple[int, ...]


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


# ---------------------------------------------------------------- what an order is aimed at


@dataclass(frozen=True)
class Aim:
    """What an order is aimed at: the command field that names it, how a click
    offers one (`pick`, None when the click offers none) and why a named one
    is not in the world (`missing`)."""

    what: str  # in words, for readers and error messages
    field: str | None  # the command's field naming the target; None: aimed at nobody else
    pick: Callable[[MenuContext], Any] = lambda ctx: None
    missing: Callable[["World", C.Command, Any], str | None] = lambda world, cmd, target: None

    def offered(self, ctx: MenuContext) -> bool:
        return self.field is None or self.pick(ctx) is not None

    def target_of(self, cmd: C.Command) -> Any:
        """The order's target, as `Order.target` keeps it (a cell as a tuple)."""
        if self.field is None:
            return None
        v = getattr(cmd, self.field)  # declared by the aim and checked when the kind is registered
        return tuple(v) if isinstance(v, list) else v


def _other_person(ctx: MenuContext) -> int | None:
    p = ctx.target.person
    if p is None or p in ctx.actors or ctx.world.person_state(p) == "dead":
        return None
    return p


def _walkable(ctx: MenuContext) -> Cell | None:
    t = ctx.target
    ok = t.door.state in ("open", "closed") if t.door is not None else bool(WALKABLE[t.tile])
    return t.cell if ok else None


def _off_map(world: "World", cmd: C.Command, cell: Cell) -> str | None:
    x, y = cell
    return None if world.grid.in_bounds(x, y) else f"{x},{y} is off the map"


def _no_door(world: "World", cmd: C.Command, door_id: int) -> str | None:
    return None if 0 <= door_id < len(world.doors) else f"there is no door {door_id}"


def _no_one_else(world: "World", cmd: C.Command, target_id: int) -> str | None:
    if not 0 <= target_id < len(world.people) or target_id == cmd.person_id:
        return f"there is no one else with id {target_id}"
    return None


PERSON = Aim("someone else", "target_id", _other_person, _no_one_else)
DOOR = Aim("a door or hatch", "door_id", lambda c: c.target.door.id if c.target.door is not None else None, _no_door)
FLOOR = Aim("a place to go", "cell", _walkable, _off_map)
WALL = Aim(
    "a wall, door or fallen beam to cut", "cell",
    lambda c: c.target.cell if CUTTABLE[c.target.tile] or (c.target.debris is not None and c.target.debris_heavy)
    else None,
    _off_map,
)
DEBRIS = Aim(
    "light debris", "cell",
    lambda c: c.target.cell if c.target.debris is not None and not c.target.debris_heavy else None,
    _off_map,
)
BREACH = Aim(
    "a breach", "breach_id", lambda c: c.target.breach,
    lambda world, cmd, b: None if 0 <= b < len(world.breaches) else f"there is no breach {b}",
)
MODULE = Aim(
    "a module", "module", lambda c: c.target.module if c.target.in_gas else None,
    lambda world, cmd, m: None if m in world.grid.modules else f"there is no module {m!r}",
)
AIR = Aim("an air space", "target", lambda c: c.target.cell if c.target.in_gas else None)
NOBODY = Aim("nobody else: the ordered people themselves", None)


# ---------------------------------------------------------------- the entry


class MenuGroup(IntEnum):
    """Sections of the right-click menu, in the order shown."""

    CASUALTY = 0
    SHIP = 1  # doors, walls, debris, breaches worked by hand
    PLACE = 2
    CREW = 3  # the ordered people themselves
    CONTROL_ROOM = 4  # remote controls: no one has to walk there


@dataclass(frozen=True)
class MenuEntry:
    """An order's line in the right-click menu; `offered` adds to what the aim needs (kit, a door's state).
    `make` builds the command when the aim alone cannot (it gets the acting person, or None)."""

    label: Callable[[MenuContext], str]
    group: MenuGroup
    offered: Callable[[MenuContext], bool] = lambda ctx: True
    make: Callable[[MenuContext, int | None], C.Command] | None = None


Planner = Callable[["World", "Person", "Order"], "list[Action] | Result"]


@dataclass(frozen=True)
class OrderKind:
    """Everything about one kind of order.

    `plan` makes an order someone carries out over time (it stands until done,
    failed or cancelled); `apply` carries a command out at once. `check` adds
    to the aim's own check (is the door in a state for it...)."""

    key: str  # `Order.kind`, and the menu line's key
    command: type[C.Command]
    aim: Aim
    words: Callable[["World", Any], str]  # "cut through Corridor 4", from the target
    plan: Planner | None = None
    apply: Callable[["World", C.Command, str], None] | None = None  # (world, command, source)
    check: Callable[["World", C.Command], Refusal | None] | None = None
    menu: MenuEntry | None = None
    remote: bool = False  # one command from the control room, not one per selected person

    def __post_init__(self) -> None:
        if (self.plan is None) == (self.apply is None):
            raise ValueError(f"order kind {self.key!r} needs exactly one of plan and apply")
        names = {f.name for f in dataclasses.fields(self.command)}
        if not self.remote and "person_id" not in names:
            raise ValueError(f"{self.command.__name__} has no person_id for order kind {self.key!r}")
        if self.aim.field is not None and self.aim.field not in names:
            raise ValueError(f"{self.command.__name__} has no {self.aim.field!r} field to aim at {self.aim.what}")

    def refused(self, world: "World", cmd: C.Command) -> Refusal | None:
        """Why `cmd` names something that is not there or cannot take it; None if it can."""
        why = self.aim.missing(world, cmd, self.aim.target_of(cmd))
        if why:
            return Refusal(why)
        return self.check(world, cmd) if self.check is not None else None

    def command_for(self, ctx: MenuContext, actor: int | None) -> C.Command:
        """The command a menu click sends for `actor` (None for a remote order)."""
        if self.menu is not None and self.menu.make is not None:
            return self.menu.make(ctx, actor)
        kwargs: dict[str, Any] = {} if self.remote else {"person_id": actor}
        if self.aim.field is not None:
            kwargs[self.aim.field] = self.aim.pick(ctx)
        return self.command(**kwargs)

    def words_for(self, world: "World", cmd: C.Command) -> str:
        return self.words(world, self.aim.target_of(cmd))


class OrderRegistry:
    """The order kinds by key and by command class, iterated in menu order."""

    def __init__(self, kinds: tuple[OrderKind, ...] = ()) -> None:
        self._by_key: dict[str, OrderKind] = {}
        self._by_command: dict[type[C.Command], OrderKind] = {}
        for k in kinds:
            self.register(k)

    def register(self, kind: OrderKind) -> OrderKind:
        if kind.key in self._by_key:
            raise ValueError(f"order kind {kind.key!r} is registered already")
        if kind.command in self._by_command:
            raise ValueError(f"{kind.command.__name__} already answers to {self._by_command[kind.command].key!r}")
        self._by_key[kind.key] = kind
        self._by_command[kind.command] = kind
        return kind

    def unregister(self, key: str) -> None:
        kind = self._by_key.pop(key)
        del self._by_command[kind.command]

    def __getitem__(self, key: str) -> OrderKind:
        return self._by_key[key]

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def for_command(self, cls: type[C.Command]) -> OrderKind | None:
        return self._by_command.get(cls)

    def __iter__(self) -> Iterator[OrderKind]:
        """In menu order: by menu group, then as registered; kinds without a menu line last."""
        kinds = list(self._by_key.values())
        return iter(sorted(kinds, key=lambda k: k.menu.group if k.menu is not None else len(MenuGroup)))

    def __len__(self) -> int:
        return len(self._by_key)
