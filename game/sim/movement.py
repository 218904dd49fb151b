"""People walking their paths, working doors that stand in the way."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from game.sim.events import DoorOpened, PathBlocked, PersonArrived
from game.sim.people import WALK_SPEED_M_S
from game.sim.physiology import speed_factor

if TYPE_CHECKING:
    from game.sim.world import World


def step_movement(world: "World", dt: float) -> None:
    """Move everybody with a path by one tick."""
    speeds = speed_factor(world.bodies.state) * WALK_SPEED_M_S
    for p in world.people:
        if not p.path:
            continue
        budget = float(speeds[p.id]) * dt
        if budget <= 0.0:
            p.path.clear()  # someone who passes out stops where they are
            continue
        while budget > 0.0 and p.path:
            nx, ny = p.path[0]
            door_id = world.door_at.get((nx, ny))
            if door_id is not None:
                door = world.doors[door_id]
                if door.state in ("jammed", "sealed"):
                    p.path.clear()
                    world.emit(PathBlocked, person_id=p.id, person=p.name, reason=f"{door.label} is {door.state}")
                    break
                if door.state == "closed":
                    p.door_wait_s += dt
                    if p.door_wait_s + 1e-9 >= door.open_time_s:
                        p.door_wait_s = 0.0
                        world.set_door_state(door, "open")
                        world.emit(DoorOpened, door_id=door.id, door=door.label, by=p.name)
                    break
            tx, ty = nx + 0.5, ny + 0.5
            dx, dy = tx - p.x, ty - p.y
            dist = math.hypot(dx, dy)
            if dist <= budget:
                p.x, p.y = tx, ty
                budget -= dist
                p.path.pop(0)
                if not p.path:
                    world.emit(PersonArrived, person_id=p.id, person=p.name, x=nx, y=ny)
            else:
                p.x += dx / dist * budget
                p.y += dy / dist * budget
                budget = 0.0
