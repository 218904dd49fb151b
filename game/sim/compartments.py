"""Compartments: the habitat's bodies of gas, and the openings between them.

A compartment is a 4-connected region of floor: a room, a stretch of corridor.
Doors and cut holes are not part of any compartment: they are openings
between them (an open door is a wide one, a closed door's seal a narrow one),
so opening or closing a door changes no volume and moves no gas by itself;
the gas then flows through the opening by the orifice law. An open doorway
or hole breathes the air of its lowest-numbered neighbour, so a person
standing in it reads real air. Compartments are relabelled whenever the
tiles change (a wall cut through): the gas moves with the cells, nothing is
created or lost by a relabel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from game.sim.constants import T_K, WALL_HEAT_TRANSFER_W_M2K
from game.sim.gas import Openings, moles_for, pressure_pa
from game.sim.grid import FOUR
from game.sim.state import derived, synced
from game.sim.tiles import GAS_PASSABLE, IS_DOOR, Tile

OUTSIDE = -1
_T_CUT = int(Tile.CUT)
# Cells that join compartments rather than hold gas: doorways and cut holes.
IS_LINK = IS_DOOR.copy()
IS_LINK[_T_CUT] = True


@dataclass
class Compartments:
    labels: np.ndarray = synced()  # int32 [y, x]: compartment index + 1, 0 for none (open links: a neighbour's)
    volume_m3: np.ndarray = derived()  # float64 per compartment: its floor cells times the ceiling
    n_o2: np.ndarray = synced()  # mol per compartment
    n_other: np.ndarray = synced()
    temp_k: np.ndarray = synced(default=None)  # K per compartment (None: T_K everywhere, filled in __post_init__)
    wall_w_k: np.ndarray = derived(default=None)  # wall conductance per compartment, W/K

    def __post_init__(self) -> None:
        if self.temp_k is None:
            self.temp_k = np.full(self.volume_m3.shape, T_K)
        if self.wall_w_k is None:
            self.wall_w_k = np.zeros(self.volume_m3.shape)

    @property
    def count(self) -> int:
        return int(self.volume_m3.size)

    def index_at(self, x: int, y: int) -> int:
        """Compartment index at a cell, or -1 if the cell holds no gas."""
        h, w = self.labels.shape
        if not (0 <= x < w and 0 <= y < h):
            return -1
        return int(self.labels[y, x]) - 1

    @property
    def pressure_bar(self) -> np.ndarray:
        return pressure_pa(self.n_o2 + self.n_other, self.volume_m3, self.temp_k) / 1e5

    @property
    def ppo2_bar(self) -> np.ndarray:
        return pressure_pa(self.n_o2, self.volume_m3, self.temp_k) / 1e5

    @property
    def o2_fraction(self) -> np.ndarray:
        total = self.n_o2 + self.n_other
        return np.divide(self.n_o2, total, out=np.zeros_like(total), where=total > 0)

    @property
    def temperature_k(self) -> np.ndarray:
        return self.temp_k


def volume_cells(tiles: np.ndarray) -> np.ndarray:
    """Cells that hold gas: gas-passable and not a doorway or a hole."""
    return GAS_PASSABLE[tiles] & ~IS_LINK[tiles]


def _neighbour_min(labels: np.ndarray) -> np.ndarray:
    """The lowest positive label among each cell's four neighbours (0 if none)."""
    big = np.iinfo(np.int32).max
    padded = np.pad(np.where(labels > 0, labels, big), 1, constant_values=big)
    low = np.minimum(np.minimum(padded[:-2, 1:-1], padded[2:, 1:-1]), np.minimum(padded[1:-1, :-2], padded[1:-1, 2:]))
    return np.where(low == big, 0, low).astype(np.int32)


def label_cells(tiles: np.ndarray, door_open: np.ndarray) -> tuple[np.ndarray, int]:
    """Compartment labels of the volume cells, and of open links (a neighbour's)."""
    labels, n = ndimage.label(volume_cells(tiles), structure=FOUR)
    labels = labels.astype(np.int32)
    links = (tiles == _T_CUT) | (door_open & IS_DOOR[tiles])
    if links.any():
        labels = np.where(links, _neighbour_min(labels), labels).astype(np.int32)
    return labels, int(n)


def _volumes(labels: np.ndarray, tiles: np.ndarray, n: int, ceiling_m: float) -> tuple[np.ndarray, np.ndarray]:
    """(volume m3, wall conductance W/K) per compartment from its cells: floor and
    ceiling, plus every face toward another cell, ceiling-high."""
    vol_labels = np.where(volume_cells(tiles), labels, 0)
    cells = np.bincount(vol_labels.ravel(), minlength=n + 1)[1:].astype(np.float64)
    padded = np.pad(vol_labels, 1)
    faces = np.zeros(n + 1)
    for side in (padded[:-2, 1:-1], padded[2:, 1:-1], padded[1:-1, :-2], padded[1:-1, 2:]):
        faces += np.bincount(vol_labels[side != vol_labels], minlength=n + 1)
    area = 2.0 * cells + faces[1:] * ceiling_m
    return cells * ceiling_m, area * WALL_HEAT_TRANSFER_W_M2K


def initial_compartments(
    tiles: np.ndarray, door_open: np.ndarray, ceiling_m: float, pressure_bar: float, o2_fraction: float
) -> Compartments:
    """Every compartment filled to the level's nominal atmosphere."""
    labels, n = label_cells(tiles, door_open)
    volume, wall = _volumes(labels, tiles, n, ceiling_m)
    total = moles_for(np.full(n, pressure_bar * 1e5), volume)
    return Compartments(labels, volume, total * o2_fraction, total * (1.0 - o2_fraction), None, wall)


def relabel(old: Compartments, tiles: np.ndarray, door_open: np.ndarray, ceiling_m: float) -> Compartments:
    """New compartments after a topology change, each old one's gas shared
    among the new ones by how many of its volume cells each inherits (its
    energy too, so temperatures carry over)."""
    labels, n = label_cells(tiles, door_open)
    vol = (old.labels > 0) & ~IS_LINK[tiles]  # the old volume cells (links held no gas)
    n_old = old.count
    pair = np.where(vol, old.labels, 0).ravel().astype(np.int64) * (n + 1) + np.where(vol, labels, 0).ravel()
    overlap = np.bincount(pair, minlength=(n_old + 1) * (n + 1)).reshape(n_old + 1, n + 1)[1:, 1:]
    inherited = overlap.sum(axis=1, keepdims=True)
    share = np.divide(overlap, inherited, out=np.zeros(overlap.shape), where=inherited > 0)
    volume, wall = _volumes(labels, tiles, n, ceiling_m)
    n_o2, n_other = share.T @ old.n_o2, share.T @ old.n_other
    heat = share.T @ ((old.n_o2 + old.n_other) * old.temp_k)
    total = n_o2 + n_other
    temp = np.divide(heat, total, out=np.full(n, T_K), where=total > 0)
    return Compartments(labels, volume, n_o2, n_other, temp, wall)


_T_VACUUM, _T_HULL = int(Tile.VACUUM), int(Tile.HULL)
_NO_GAS = -2  # beside a solid cell: neither a compartment nor the outside


def neighbour_compartments(labels: np.ndarray, tiles: np.ndarray, x: int, y: int) -> list[int]:
    """Distinct compartment indices (or OUTSIDE for open vacuum) beside a cell, sorted."""
    return _sides(labels, tiles, np.array([x]), np.array([y]))[0]


def _sides(labels: np.ndarray, tiles: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> list[list[int]]:
    """`neighbour_compartments` of many cells at once (four gathers, not a loop over cells)."""
    h, w = labels.shape
    cols = []
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        nx, ny = xs + dx, ys + dy
        on = (nx >= 0) & (nx < w) & (ny >= 0) & (ny < h)
        cx, cy = np.clip(nx, 0, w - 1), np.clip(ny, 0, h - 1)
        lab = labels[cy, cx].astype(np.int64) - 1
        lab = np.where(lab < 0, _NO_GAS, lab)
        cols.append(np.where(~on | (tiles[cy, cx] == _T_VACUUM), OUTSIDE, lab).tolist())
    return [sorted({v for v in row if v != _NO_GAS}) for row in zip(*cols)]


def build_openings(
    labels: np.ndarray,
    tiles: np.ndarray,
    leaks: list[tuple[int, int, float, float]],
) -> tuple[Openings, np.ndarray]:
    """Gas paths across cells that separate compartments.

    `leaks` are (x, y, area_m2, cd) for every link cell: open doorways and
    holes, closed doors' seals, and breaches. A leak on the hull vents the compartment behind it;
    a door joins the two lowest compartments beside it (or one and the
    outside). Returns the openings and, for each, the index of its leak.
    """
    a, b, area, cd, source = [], [], [], [], []
    xs = np.array([leak[0] for leak in leaks], dtype=np.intp)
    ys = np.array([leak[1] for leak in leaks], dtype=np.intp)
    all_sides = _sides(labels, tiles, xs, ys) if leaks else []
    hull = (tiles[ys, xs] == _T_HULL).tolist() if leaks else []
    for i, (x, y, area_m2, c) in enumerate(leaks):
        sides = all_sides[i]
        inside = [s for s in sides if s != OUTSIDE]
        if not inside:
            continue
        if hull[i] or len(inside) == 1:
            if not hull[i] and OUTSIDE not in sides:
                continue  # both sides already one compartment
            pair = (inside[0], OUTSIDE)
        else:
            pair = (inside[0], inside[1])
        a.append(pair[0])
        b.append(pair[1])
        area.append(area_m2)
        cd.append(c)
        source.append(i)
    openings = Openings(
        a=np.array(a, dtype=np.int32),
        b=np.array(b, dtype=np.int32),
        area_m2=np.array(area, dtype=np.float64),
        cd=np.array(cd, dtype=np.float64),
    )
    return openings, np.array(source, dtype=np.intp)
