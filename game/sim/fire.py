"""Fire in oxygen-rich air: what can light it, how it burns, and why nobody cuts there.

The atmosphere already flags a compartment whose air is over FIRE_O2_FRACTION
(30 % O2, with at least FIRE_MIN_PRESSURE_BAR of gas): between OSHA's 23.5 %
"oxygen-enriched" line (29 CFR 1910.146) and the 34 % O2 of NASA's exploration
atmosphere, whose cabin materials had to be qualified for it (NTRS 20150021491,
reference/habitat_atmospheres.csv). This module owns what follows from that flag:

- an ignition source: a damaged fitting that sparks for a while (the level's
  `sparks` event) lights a fire if its compartment's air is that rich while it sparks;
- the fire: it burns cabin materials at a design heat release FIRE_HRR_W until
  its fuel is gone, the O2 fraction falls below FIRE_OUT_O2_FRACTION or the gas
  thins below FIRE_MIN_PRESSURE_BAR; it takes O2 out of the compartment, gives
  back the combustion products, and heats the gas (the walls cool it again
  through the gas model's own wall conductance);
- the rule the crew keep: no thermal lance in flagged air (`lance_refusal`),
  which the cut order and the cut action both check, so the autopilot will not
  cut there and a player's order is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import ndimage

from game.sim.constants import CV_MOL, FIRE_MIN_PRESSURE_BAR, FIRE_O2_FRACTION, M_O2
from game.sim.events import FireOut, FireStarted
from game.sim.state import static, synced
from game.sim.words import place_name

if TYPE_CHECKING:
    from game.sim.world import World

# A burning bunk, locker or waste bin: 50 kW, the order of a wastebasket or a
# small upholstered item in the SFPE Handbook's design fires.
FIRE_HRR_W = 50e3
# Heat released per kilogram of O2 consumed, nearly the same for all organic
# fuels (Huggett 1980, "oxygen consumption calorimetry"): 13.1 MJ/kg.
HEAT_PER_KG_O2_J = 13.1e6
# (CH2)n + 1.5 n O2 -> n CO2 + n H2O: 4/3 mol of products per mol of O2.
PRODUCTS_PER_O2 = 4.0 / 3.0
# Below about 15 % O2 paper stops burning (Knight 1987, NTRS 19880003143).
FIRE_OUT_O2_FRACTION = 0.15
SPARKS_FOR_S = 60.0  # how long a damaged fitting sparks unless the level says
FUEL_J = 30e6  # what one room's bedding, clothing and panels give (10 min at FIRE_HRR_W)


@dataclass
class Sparks:
    """A damaged fitting throwing sparks at a floor cell until `until_s`."""

    x: int = static()
    y: int = static()
    until_s: float = static()


@dataclass
class Fire:
    """A fire burning at a cell, with the fuel it has left."""

    x: int = static()
    y: int = static()
    fuel_j: float = synced()
    burning: bool = synced(default=True)


@dataclass
class FireState:
    sparks: list[Sparks] = synced(default_factory=list)
    fires: list[Fire] = synced(default_factory=list)
    burned_o2_mol: float = synced(default=0.0)  # taken out of the air by fires (the gas books)
    made_mol: float = synced(default=0.0)  # combustion products given to the air
    heat_j: float = synced(default=0.0)


def start_sparks(world: "World", params: dict) -> None:
    """A fitting at `params['at']` begins to spark (the timeline's `sparks` event)."""
    x, y = (int(v) for v in params["at"])
    world.fire.sparks.append(Sparks(x, y, world.time_s + float(params.get("for_s", SPARKS_FOR_S))))


def o2_rich(world: "World", i: int) -> bool:
    """Whether compartment i's air would carry a fire: the atmosphere's fire-flag rule,
    read from the gas now (the flag is only refreshed while air moves somewhere)."""
    c = world.compartments
    if not 0 <= i < c.count:
        return False
    return float(c.o2_fraction[i]) > FIRE_O2_FRACTION and float(c.pressure_bar[i]) > FIRE_MIN_PRESSURE_BAR


def o2_rich_compartments(world: "World") -> np.ndarray:
    """`o2_rich` for every compartment at once (the same comparisons, as a bool array)."""
    c = world.compartments
    return (c.o2_fraction > FIRE_O2_FRACTION) & (c.pressure_bar > FIRE_MIN_PRESSURE_BAR)


def lance_barred(world: "World", rich: np.ndarray | None = None) -> np.ndarray:
    """Every cell at which `lance_refusal` would refuse, as one bool mask [y, x]: the
    cells of O2-rich compartments and the cells beside them (4-way), so route costs
    and the autopilot's choice between prying and cutting see the same rule the lance does."""
    if rich is None:
        rich = o2_rich_compartments(world)
    at = np.concatenate(([False], rich))[world.compartments.labels]  # label 0 holds no gas
    return ndimage.binary_dilation(at)  # the default structure is the cross: a cell and its 4 neighbours


def lance_refusal(world: "World", cell: tuple[int, int]) -> str | None:
    """Why a thermal lance must not be lit at `cell` (a wall, door or beam), or None.

    The cut throws sparks into the air on both sides, so any flagged compartment
    beside the cell (or at it, for a beam on the floor) forbids it."""
    c = world.compartments
    x, y = cell
    for dx, dy in ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)):
        i = c.index_at(x + dx, y + dy)
        if o2_rich(world, i):
            pct = 100.0 * float(c.o2_fraction[i])
            return (f"the air at {place_name(world, (x + dx, y + dy))} is {pct:.0f} % O2, over the "
                    f"{100 * FIRE_O2_FRACTION:.0f} % fire limit: no lance there")
    return None


def step_fire(world: "World", dt: float) -> None:
    """Sparks light fires in flagged air; fires burn O2 and heat their compartment."""
    st = world.fire
    if not (st.sparks or st.fires):
        return
    c = world.compartments
    now = world.time_s
    live = []
    for s in st.sparks:
        i = c.index_at(s.x, s.y)
        if o2_rich(world, i) and not any(f.burning and (f.x, f.y) == (s.x, s.y) for f in st.fires):
            st.fires.append(Fire(s.x, s.y, FUEL_J))
            world.emit(FireStarted, x=s.x, y=s.y, place=place_name(world, (s.x, s.y)),
                       o2_fraction=round(float(c.o2_fraction[i]), 3))
            continue  # the fitting's sparks are spent in the fire
        if now < s.until_s:
            live.append(s)
    st.sparks = live
    for f in st.fires:
        if f.burning:
            _burn(world, f, dt)


def _burn(world: "World", f: Fire, dt: float) -> None:
    c = world.compartments
    i = c.index_at(f.x, f.y)
    if i < 0:
        return _out(world, f, "no air")
    n = float(c.n_o2[i] + c.n_other[i])
    if f.fuel_j <= 0.0:
        return _out(world, f, "burnt out")
    if n <= 0.0 or float(c.n_o2[i]) < FIRE_OUT_O2_FRACTION * n:
        return _out(world, f, "starved of O2")
    if float(c.pressure_bar[i]) < FIRE_MIN_PRESSURE_BAR:
        return _out(world, f, "too little air")
    q = min(FIRE_HRR_W * dt, f.fuel_j)
    d_o2 = min(q / HEAT_PER_KG_O2_J / M_O2, float(c.n_o2[i]))
    made = PRODUCTS_PER_O2 * d_o2
    energy = n * CV_MOL * float(c.temp_k[i]) + q
    c.n_o2[i] -= d_o2
    c.n_other[i] += made
    c.temp_k[i] = energy / ((n - d_o2 + made) * CV_MOL)
    f.fuel_j -= q
    st = world.fire
    st.burned_o2_mol += d_o2
    st.made_mol += made
    st.heat_j += q


def _out(world: "World", f: Fire, why: str) -> None:
    f.burning = False
    world.emit(FireOut, x=f.x, y=f.y, place=place_name(world, (f.x, f.y)), why=why)
