"""Compartments: connected bodies of gas, and the openings between them.

A compartment is a 4-connected region of gas-passable cells (floor, cut holes,
open doors). They are relabelled whenever the topology changes, and the gas
moves with the cells: nothing is created or lost by a relabel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from game.sim.gas import Openings, moles_for, pressure_pa
from game.sim.grid import FOUR
from game.sim.state import derived, synced
from game.sim.tiles import GAS_PASSABLE, Tile

OUTSIDE = -1


@dataclass
class Compartments:
    labels: np.ndarray = synced()  # int32 [y, x]: compartment index + 1, 0 for none
    volume_m3: np.ndarray = derived()  # float64 per compartment: the cells of each label
    n_o2: np.ndarray = synced()  # mol per compartment
    n_other: np.ndarray = synced()

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
        return pressure_pa(self.n_o2 + self.n_other, self.volume_m3) / 1e5

    @property
    def ppo2_bar(self) -> np.ndarray:
        return pressure_pa(self.n_o2, self.volume_m3) / 1e5

    @property
    def o2_fraction(self) -> np.ndarray:
        total = self.n_o2 + self.n_other
        return np.divide(self.n_o2, total, out=np.zeros_like(total), where=total > 0)


def gas_mask(tiles: np.ndarray, door_open: np.ndarray) -> np.ndarray:
    return GAS_PASSABLE[tiles] | door_open


def label_cells(tiles: np.ndarray, door_open: np.ndarray) -> tuple[np.ndarray, int]:
    labels, n = ndimage.label(gas_mask(tiles, door_open), structure=FOUR)
    return labels.astype(np.int32), int(n)


def initial_compartments(
    tiles: np.ndarray, door_open: np.ndarray, ceiling_m: float, pressure_bar: float, o2_fraction: float
) -> Compartments:
    """Every compartment filled to the level's nominal atmosphere."""
    labels, n = label_cells(tiles, door_open)
    volume = np.bincount(labels.ravel(), minlength=n + 1)[1:].astype(np.float64) * ceiling_m
    total = moles_for(np.full(n, pressure_bar * 1e5), volume)
    return Compartments(labels, volume, total * o2_fraction, total * (1.0 - o2_fraction))


def relabel(old: Compartments, tiles: np.ndarray, door_open: np.ndarray, ceiling_m: float) -> Compartments:
    """New compartments after a topology change, each old one's gas shared
    among the new ones by how many of its cells each inherits."""
    labels, n = label_cells(tiles, door_open)
    n_old = old.count
    pair = old.labels.ravel().astype(np.int64) * (n + 1) + labels.ravel()
    overlap = np.bincount(pair, minlength=(n_old + 1) * (n + 1)).reshape(n_old + 1, n + 1)[1:, 1:]
    inherited = overlap.sum(axis=1, keepdims=True)
    share = np.divide(overlap, inherited, out=np.zeros(overlap.shape), where=inherited > 0)
    volume = np.bincount(labels.ravel(), minlength=n + 1)[1:].astype(np.float64) * ceiling_m
    return Compartments(labels, volume, share.T @ old.n_o2, share.T @ old.n_other)


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

    `leaks` are (x, y, area_m2, cd) for every leaking cell: closed doors'
    seals and breaches. A leak on the hull vents the compartment behind it;
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
