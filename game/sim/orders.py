"""How each command changes the world, or why it cannot.

A command that cannot be carried out leaves the world as it was and records
a `CommandRejected` event with the reason, for the player and the replay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.sim.commands import CloseDoor, Command, MoveTo, OpenDoor, SealDoor, SetO2Feed, UnsealDoor
from game.sim.events import CommandRejected, DoorClosed, DoorOpened, DoorSealed, DoorUnsealed, O2FeedSet
from game.sim.navigation import find_path, walk_cost_grid
from game.sim.physiology import CONSCIOUS, IMPAIRED
from game.sim.tiles import Tile

if TYPE_CHECKING:
    from game.sim.world import World


def _reject(world: "World", cmd: Command, reason: str) -> None:
    world.emit(CommandRejected, command=cmd.name, reason=reason)


def _door(world: "World", cmd: Command, door_id: int):
    if not 0 <= door_id < len(world.doors):
        _reject(world, cmd, f"there is no door {door_id}")
        return None
    return world.doors[door_id]


def apply_command(world: "World", cmd: Command) -> None:
    """Carry out one command at the current tick boundary."""
    if isinstance(cmd, MoveTo):
        if not 0 <= cmd.person_id < len(world.people):
            return _reject(world, cmd, f"there is no person {cmd.person_id}")
        person = world.people[cmd.person_id]
        if int(world.bodies.state[person.id]) not in (CONSCIOUS, IMPAIRED):
            return _reject(world, cmd, f"{person.name} cannot move")
        cost = walk_cost_grid(world.grid.tiles, world.doors)
        path = find_path(cost, person.cell, tuple(cmd.cell))
        if not path:
            return _reject(world, cmd, f"{person.name} has no way to {cmd.cell[0]},{cmd.cell[1]}")
        person.path = path
        person.door_wait_s = 0.0
        return None
    if isinstance(cmd, (OpenDoor, CloseDoor, SealDoor, UnsealDoor)):
        door = _door(world, cmd, cmd.door_id)
        if door is None:
            return None
        if isinstance(cmd, OpenDoor):
            if door.state != "closed":
                return _reject(world, cmd, f"{door.label} is {door.state}")
            world.set_door_state(door, "open")
            world.emit(DoorOpened, door_id=door.id, door=door.label)
        elif isinstance(cmd, CloseDoor):
            if door.state != "open":
                return _reject(world, cmd, f"{door.label} is {door.state}")
            world.set_door_state(door, "closed")
            world.emit(DoorClosed, door_id=door.id, door=door.label)
        elif isinstance(cmd, SealDoor):
            if door.kind == Tile.DOOR:
                return _reject(world, cmd, f"{door.label} has no remote seal")
            if door.state in ("jammed", "sealed"):
                return _reject(world, cmd, f"{door.label} is {door.state}")
            world.set_door_state(door, "sealed")
            world.emit(DoorSealed, door_id=door.id, door=door.label)
        else:
            if door.state != "sealed":
                return _reject(world, cmd, f"{door.label} is not sealed")
            world.set_door_state(door, "closed")
            world.emit(DoorUnsealed, door_id=door.id, door=door.label)
        return None
    if isinstance(cmd, SetO2Feed):
        return _set_feed(world, cmd)
    return _reject(world, cmd, "not understood")


def _set_feed(world: "World", cmd: SetO2Feed) -> None:
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
