"""What the map says about the thing under the mouse: a door, a room, debris or a
locker (people have their own tag), what it is and what can be ordered on it.

The orders come from `game.view.orders` (so from the sim's registry), tried
for the people selected; a tip is worked out once per cell, selection and tick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.sim.orders import ORDER_KINDS
from game.view import palette as P
from game.view.map_layer import door_look
from game.view.orders import menu_orders, target_at

if TYPE_CHECKING:
    from game.sim.world import World

Line = tuple[str, tuple[int, int, int]]

DOOR_MEANS = {  # what each look of a door means to the player, and what to do about it
    "open": "open: people and air pass",
    "closed": "closed: people open it as they walk through",
    "sticking": "sticking: needs a crowbar to open (or a lance to cut)",
    "jammed": "jammed: pry it with a crowbar or cut it with a lance",
    "sealed": "sealed: unseal it from the control room",
    "blocked": "blocked by debris: cut or clear the doorway",
}


def locker_at(world: "World", cell: tuple[int, int]) -> int | None:
    return next((i for i, lk in enumerate(world.level.lockers) if tuple(lk.at) == cell), None)


def tip_lines(world: "World", cell: tuple[int, int], actors: tuple[int, ...], debris: int | None = None,
              heavy: bool = False) -> list[Line]:
    """The tooltip for `cell`: what is there, its state, and the orders a right-click offers."""
    x, y = cell
    if not world.grid.in_bounds(x, y):
        return []
    lines: list[Line] = []
    door_id = world.door_at.get(cell)
    room = world.grid.room_at(x, y)
    locker = locker_at(world, cell)
    if door_id is not None:
        d = world.doors[door_id]
        look = "blocked" if world.crew.seen.blocked[y, x] else door_look(d)
        lines.append((d.label, P.TEXT))
        lines.append((DOOR_MEANS[look], P.UNCONSCIOUS if look in ("jammed", "sealed", "blocked") else
                      P.IMPAIRED if look == "sticking" else P.TEXT_DIM))
    elif locker is not None:
        lk = world.level.lockers[locker]
        held = world.crew.lockers[locker]
        lines.append((lk.name, P.TEXT))
        lines.append(("holds " + (", ".join(held) if held else "nothing now"), P.TEXT_DIM))
    elif debris is not None:
        lines.append(("Fallen beam" if heavy else "Debris", P.TEXT))
        lines.append(("blocks the way: cut it with a lance" if heavy else "slows people down: clear it by hand",
                      P.TEXT_DIM))
    elif room is not None:
        ci = world.compartments.index_at(x, y)
        lines.append((room.label, P.TEXT))
        if ci >= 0:
            p = float(world.compartments.pressure_bar[ci])
            o2 = float(world.compartments.ppo2_bar[ci]) * 100
            lines.append((f"{p:.2f} bar, O2 {o2:.0f} kPa", P.TEXT_DIM))
    else:
        return []
    ready, greyed = menu_orders(world, target_at(world, cell, None, debris, heavy), actors)
    here = [o for o in ready if ORDER_KINDS[o.key].aim.field is not None]  # not hold/cancel: those go anywhere
    if here:
        lines.append(("Right-click to:", P.TEXT_DIM))
        lines += [(f"  {o.label}", P.ACCENT) for o in here[:4]]
        if len(here) > 4:
            lines.append((f"  and {len(here) - 4} more", P.ACCENT))
    if greyed:
        lines.append((f"{len(greyed)} more greyed in the menu, with why not", P.TEXT_DIM))
    if not actors:
        lines.append(("Select crew for their orders here", P.TEXT_DIM))
    return lines


class Tooltips:
    """The tip for the cell under the mouse, kept while nothing it depends on changes."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._lines: list[Line] = []

    def lines(self, world: "World", cell: tuple[int, int], actors: tuple[int, ...], debris: int | None = None,
              heavy: bool = False) -> list[Line]:
        key = (id(world), cell, actors, debris, world.tick, len(world.pending))
        if key != self._key:
            self._key, self._lines = key, tip_lines(world, cell, actors, debris, heavy)
        return self._lines
