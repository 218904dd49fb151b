"""What a seat's screen shows of the station.

The coordinator reads the station's sensors (every room's pressure, the
countdowns, life support) and the instructor sees everything: their screens
show the whole map. A team lead sees what the team can see: the rooms its
members stand in (those still able to look) and the rooms next to those
through a door, with their walls and doors. The renderer takes the result
as a mask and draws the rest dark, people, labels and readings included.

`sight` is the whole rule for one moment: the cells, the people in them (and
the team, wherever they are) and, from those, which events the seat hears of.
The view's panels take it as it is, so the crew list, the comms log, the
inspector and the tooltips leave out exactly what the map leaves dark.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from game.net.seats import Seat, SeatKind
from game.sim import events as ev
from game.sim.grid import floor_regions
from game.sim.tiles import IS_DOOR
from game.sim.world import World

AROUND = np.ones((3, 3), dtype=bool)  # a cell and its eight neighbours: the walls and doors of a room
LOOKING = ("conscious", "impaired")


def visible_cells(world: World, seat: Seat) -> np.ndarray | None:
    """bool [y, x], True where `seat` sees the station; None when it sees all of it."""
    if seat.kind is not SeatKind.LEAD:
        return None
    tiles = world.grid.tiles
    labels, _ = floor_regions(tiles)
    h, w = tiles.shape
    here: set[int] = set()
    for pid in seat.team:
        if not 0 <= pid < len(world.people) or world.person_state(pid) not in LOOKING:
            continue
        p = world.people[pid]
        x, y = min(w - 1, max(0, int(p.x))), min(h - 1, max(0, int(p.y)))
        near = labels[max(0, y - 1): y + 2, max(0, x - 1): x + 2]  # standing in a doorway: the rooms either side
        here.update(int(v) for v in (near.ravel() if labels[y, x] == 0 else [labels[y, x]]) if v > 0)
    seen = np.isin(labels, list(here))
    doors = IS_DOOR[tiles] & ndimage.binary_dilation(seen, AROUND)
    beyond = ndimage.binary_dilation(doors, AROUND) & (labels > 0)
    rooms = here | {int(v) for v in np.unique(labels[beyond])}
    return ndimage.binary_dilation(np.isin(labels, list(rooms)), AROUND)


def visible_people(world: World, seat: Seat, cells: np.ndarray | None) -> frozenset[int] | None:
    """Who `seat` can see: its team wherever they are, and anyone standing in a cell it sees; None for everyone."""
    if cells is None:
        return None
    h, w = cells.shape
    seen = set(seat.team)
    for p in world.people:
        x, y = int(p.x), int(p.y)
        if 0 <= x < w and 0 <= y < h and cells[y, x]:
            seen.add(p.id)
    return frozenset(seen)


@dataclass(frozen=True)
class Sight:
    """What one seat's screen may show at one moment: cells and people (None: all of them)."""

    cells: np.ndarray | None = None
    people: frozenset[int] | None = None

    def sees_cell(self, cell: tuple[int, int]) -> bool:
        if self.cells is None:
            return True
        x, y = cell
        h, w = self.cells.shape
        return 0 <= x < w and 0 <= y < h and bool(self.cells[y, x])

    def sees_person(self, pid: int) -> bool:
        return self.people is None or pid in self.people

    def sees_event(self, world: World, e: ev.Event) -> bool:
        """Whether the seat hears of `e`: it happened to someone it sees or in a cell it sees.
        An event with no place (the O2 reserve, the feed, a fire risk) is a station sensor's
        reading, the control room's; the instructor freezing the clock is everyone's."""
        if self.people is None or isinstance(e, ev.ExerciseFrozen):
            return True
        who, cells = event_place(world, e)
        return any(self.sees_person(i) for i in who) or any(self.sees_cell(c) for c in cells)


def event_place(world: World, e: ev.Event) -> tuple[list[int], list[tuple[int, int]]]:
    """The people an event is about and the cells where it happened, from the fields events
    declare for them: a person's id, a cell, a door, a breach, or the name of who did it."""
    who: list[int] = []
    cells: list[tuple[int, int]] = []
    pid = getattr(e, "person_id", None)
    if isinstance(pid, int):
        who.append(pid)
    if isinstance(getattr(e, "x", None), int) and isinstance(getattr(e, "y", None), int):
        cells.append((e.x, e.y))
    door = getattr(e, "door_id", None)
    if isinstance(door, int) and 0 <= door < len(world.doors):
        cells.append((world.doors[door].x, world.doors[door].y))
    breach = getattr(e, "breach_id", None)
    if isinstance(breach, int) and 0 <= breach < len(world.breaches):
        cells.append((world.breaches[breach].x, world.breaches[breach].y))
    by = getattr(e, "by", "")
    if by:
        who.extend(p.id for p in world.people if p.name == by)
    return who, cells


def sight(world: World, seat: Seat) -> Sight:
    """What `seat` sees now: the lead's mask and the people in it, everything for the other seats."""
    cells = visible_cells(world, seat)
    return Sight(cells, visible_people(world, seat, cells))
