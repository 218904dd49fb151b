"""Cutting and clearing: burn through a wall or a fallen beam, clear light
debris off a cell, and wait by a cut someone else is making.

Only one person holds the lance at a cut: the one whose action holds it
(`holds_lance`), found by looking at what everyone is doing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from game.sim import crew_events as ce
from game.sim import debris
from game.sim.action_base import DONE, RUNNING, WAIT_GIVE_UP_S, Action, Failed, OnCell, Result, Work, emit_done, next_to
from game.sim.action_base import place_name
from game.sim.debris_footprint import rect_distance
from game.sim.discipline import pressure_boundary
from game.sim.fire import lance_refusal
from game.sim.navigation import BEAM_WIDTH_M, CLEAR_S, T_CUT, T_FLOOR
from game.sim.tiles import CUTTABLE, LANCE_S_PER_M, MATERIALS, Tile

if TYPE_CHECKING:
    from game.sim.people import Person
    from game.sim.world import World


class Lance(OnCell, Work):
    """A cut with the thermal lance: one person holds it at a time."""

    def __init__(self, cell: tuple[int, int]) -> None:
        super().__init__(cell)
        self.holds_lance = False

    def same_cut(self, other: "Lance") -> bool:
        raise NotImplementedError

    def lance_taken(self, world: "World", p: "Person") -> bool:
        """Someone else holds the lance at this cut (their action says so)."""
        return any(
            q is not p and type(q.action) is type(self) and q.action.holds_lance and self.same_cut(q.action)
            for q in world.people
        )

    def interrupt(self, world: "World", p: "Person") -> None:
        self.holds_lance = False


class Cut(Lance):
    """Burn through a wall or door cell with a thermal lance: time from its thickness."""

    kind = "cut"
    skill_name = "cut"

    def site(self) -> tuple:
        return ("cut", self.cell)

    def same_cut(self, other: Lance) -> bool:
        return other.cell == self.cell

    def required_s(self, world: "World") -> float:
        x, y = self.cell
        return MATERIALS[Tile(int(world.grid.tiles[y, x]))].thickness_m * LANCE_S_PER_M

    def words(self, world: "World") -> str:
        what = MATERIALS[Tile(int(world.grid.tiles[self.cell[1], self.cell[0]]))].name.replace("_", " ")
        return f"cut through the {what} at {place_name(world, self.cell)}"

    def check(self, world: "World", p: "Person") -> Result:
        x, y = self.cell
        t = int(world.grid.tiles[y, x])
        if t == T_CUT or t == T_FLOOR:
            return DONE
        if not CUTTABLE[t]:
            return Failed(f"{MATERIALS[Tile(t)].name} cannot be cut")
        if not p.has("lance"):
            return Failed("no thermal lance")
        if (why := lance_refusal(world, self.cell)) is not None:
            return Failed(why)
        if not next_to(p, self.cell) or p.cell == self.cell:
            return Failed("not at the cutting point")
        if self.lance_taken(world, p):
            return Failed("someone else is cutting there")
        self.holds_lance = True
        return RUNNING

    def finish(self, world: "World", p: "Person") -> None:
        x, y = self.cell
        self.holds_lance = False
        what = MATERIALS[Tile(int(world.grid.tiles[y, x]))].name
        door_id = world.door_at.get(self.cell)
        if door_id is None and pressure_boundary(world, self.cell):
            world.crew.holes.append(self.cell)  # to be plated over once the crew are through
        world.set_tile(x, y, Tile.CUT)
        if door_id is not None:
            world.set_door_state(world.doors[door_id], "open")
        world.emit(ce.WallCut, x=x, y=y, material=what, by=p.name)
        emit_done(world, p, "cut", what.replace("_", " "), self.cell)


HOLE_PATCH_S = 90.0  # bolting and sealing a plate over a metre-square cut (the game's assumption)


class PatchHole(OnCell, Work):
    """Plate over a hole the crew cut in a pressure boundary: the wall holds air again."""

    kind = "patch_hole"

    def site(self) -> tuple:
        return ("patch_hole", self.cell)

    def required_s(self, world: "World") -> float:
        return HOLE_PATCH_S

    def words(self, world: "World") -> str:
        return f"patch the cut hole at {place_name(world, self.cell)}"

    def check(self, world: "World", p: "Person") -> Result:
        x, y = self.cell
        if self.cell not in world.crew.holes or int(world.grid.tiles[y, x]) != T_CUT:
            return DONE
        if not next_to(p, self.cell) or p.cell == self.cell:
            return Failed("not at the hole")
        if any(q.cell == self.cell for q in world.people):
            return Failed("someone is in the hole")
        return RUNNING

    def finish(self, world: "World", p: "Person") -> None:
        x, y = self.cell
        world.crew.holes.remove(self.cell)
        world.set_tile(x, y, Tile.WALL)
        world.emit(ce.HolePatched, x=x, y=y, by=p.name)
        emit_done(world, p, "patch hole", "cut hole", self.cell)


def beam_at(world: "World", cell: tuple[int, int]) -> int | None:
    """Id of the heavy piece lying on a cell (the nearest to its centre), or None."""
    view = debris.debris_view(world)
    if view.ids.size == 0:
        return None
    heavy = np.flatnonzero(view.heavy)
    if heavy.size == 0:
        return None
    cx, cy = cell[0] + 0.5, cell[1] + 0.5
    size = view.size_m[heavy]
    d = rect_distance(cx, cy, view.position_m[heavy], view.angle_rad[heavy], size[:, 0], size[:, 1])
    k = int(np.argmin(d))
    if d[k] > 0.75:
        return None
    return int(view.ids[heavy[k]])


class CutBeam(Lance):
    """Cut a section out of a fallen beam lying on a cell, so the cell comes free."""

    kind = "cut"
    skill_name = "cut"

    def __init__(self, cell: tuple[int, int]) -> None:
        super().__init__(cell)
        self.piece: int | None = None

    def site(self) -> tuple:
        return ("beam", self.piece)

    def same_cut(self, other: Lance) -> bool:
        return other.piece == self.piece

    def required_s(self, world: "World") -> float:
        return BEAM_WIDTH_M * LANCE_S_PER_M

    def words(self, world: "World") -> str:
        return f"cut the beam at {place_name(world, self.cell)}"

    def check(self, world: "World", p: "Person") -> Result:
        if not world.crew.seen.blocked[self.cell[1], self.cell[0]]:
            return DONE
        if not p.has("lance"):
            return Failed("no thermal lance")
        if (why := lance_refusal(world, self.cell)) is not None:
            return Failed(why)
        if not next_to(p, self.cell) or p.cell == self.cell:
            return Failed("not at the beam")
        if self.piece is None or not world.physics.pieces[self.piece].alive:
            self.piece = beam_at(world, self.cell)
        if self.piece is None:
            return DONE
        if self.lance_taken(world, p):
            return Failed("someone else is cutting that beam")
        self.holds_lance = True
        return RUNNING

    def finish(self, world: "World", p: "Person") -> None:
        self.holds_lance = False
        left = debris.cut_beam(world, int(self.piece), (self.cell[0] + 0.5, self.cell[1] + 0.5))
        world.crew.debris_moved()
        x, y = self.cell
        world.emit(ce.BeamCut, debris_id=int(self.piece), x=x, y=y, by=p.name, pieces_left=len(left))
        emit_done(world, p, "cut", "support beam", self.cell)


class ClearDebris(OnCell, Work):
    kind = "clear"

    def site(self) -> tuple:
        return ("clear", self.cell)

    def required_s(self, world: "World") -> float:
        return CLEAR_S

    def check(self, world: "World", p: "Person") -> Result:
        if not next_to(p, self.cell):
            return Failed("not at the debris")
        return RUNNING

    def finish(self, world: "World", p: "Person") -> None:
        debris.clear_light_debris(world, self.cell)
        world.crew.debris_moved()
        emit_done(world, p, "clear", "debris", self.cell)


class WaitForCell(OnCell, Action):
    """Wait by a wall or beam someone else is cutting through."""

    kind = "wait"

    def __init__(self, cell: tuple[int, int]) -> None:
        super().__init__(cell)
        self.duration_s = WAIT_GIVE_UP_S

    def words(self, world: "World") -> str:
        return f"wait for the way through at {place_name(world, self.cell)}"

    def step(self, world: "World", p: "Person", dt: float) -> Result:
        x, y = self.cell
        t = int(world.grid.tiles[y, x])
        if (t in (T_FLOOR, T_CUT)) and not world.crew.seen.blocked[y, x]:
            return DONE
        self.elapsed_s += dt
        if self.elapsed_s > WAIT_GIVE_UP_S:
            return Failed("nobody came to cut the way through")
        return RUNNING
