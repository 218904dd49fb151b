"""The atmosphere's figures beside their published or closed forms (issue 14):
`python benchmarks/air_figures.py [--seeds N]`.

Prints a table (figure, reference, model, ratio), the Module Four timeline
with and without evacuees, and the moles booked in a 25-minute run. Slow (a
few minutes): the tests pin single figures; this prints them all.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.levelio.load import load_level  # noqa: E402
from game.sim import physiology as ph  # noqa: E402
from game.sim.atmosphere import moles_in_air  # noqa: E402
from game.sim.compartments import _volumes  # noqa: E402
from game.sim.constants import WALL_HEAT_TRANSFER_W_M2K  # noqa: E402
from game.sim.gas import (  # noqa: E402
    Openings, adiabatic_blowdown_pa, isothermal_blowdown_pa, moles_for, pressure_pa, step_gas,
)
from game.sim.commands import CloseDoor, OpenDoor  # noqa: E402
from game.sim.world import create_world, run_until, step  # noqa: E402
from tests.test_module4 import module_four_clock  # noqa: E402  (the tests' own runs)
from tests.test_openings import DOOR, open_and_watch, pressures, two_rooms  # noqa: E402

MODULE4 = ROOT / "levels" / "module4.toml"
ROWS: list[tuple[str, str, float, float]] = []


def row(figure: str, reference: float, model: float, note: str = "") -> None:
    ROWS.append((figure, note, reference, model))


def blowdown(volume_m3: float, hole_mm: float, wall_m2: float, closed, until: float) -> float:
    """Worst |model/closed - 1| of one room venting to vacuum, until the closed form reaches `until` of p0."""
    area = math.pi * (hole_mm / 2000.0) ** 2
    n = moles_for(np.array([1e5]), np.array([volume_m3]))
    o2, other, temp = n * 0.21, n * 0.79, np.array([293.0])
    link = Openings([0], [-1], [area], [0.6])
    t, worst = 0.0, 0.0
    while True:
        step_gas(o2, other, np.array([volume_m3]), link, 0.1, 0.0, None, temp, np.array([WALL_HEAT_TRANSFER_W_M2K * wall_m2]))
        t += 0.1
        ref = float(closed(1e5, t, volume_m3, area, 0.6))
        worst = max(worst, abs(float(pressure_pa(o2 + other, volume_m3, temp)[0]) / ref - 1.0))
        if ref < until * 1e5:
            return worst


def gas_figures() -> None:
    # a 4 m3 box 1.29 x 1.29 x 2.4 m (15.7 m2 of wall), a 60 m3 room 5 x 5 x 2.4 m (98 m2)
    fast = blowdown(4.0, 100.0, 15.7, adiabatic_blowdown_pa, 0.2)
    slow = blowdown(60.0, 10.0, 98.0, isothermal_blowdown_pa, 0.5)
    row("fast blowdown 4 m3/100 mm vs adiabatic, worst to p0/5", 1.0, 1.0 + fast, "within 10 %")
    row("slow blowdown 60 m3/10 mm vs isothermal, worst to p0/2", 1.0, 1.0 + slow, "within 5 %")
    tiles = np.array([[1, 1], [1, 1]], np.uint8)
    vol, _ = _volumes(np.ones((2, 2), np.int32), tiles, 1, 2.4)
    row("a 2x2 room's volume (m3)", 9.6, float(vol[0]))


def door_figures() -> None:
    within, gust = open_and_watch(two_rooms())
    row("2 x 20 m3 at 1.0/0.7 bar: s to within 1 %", 5.5, within, "issue: 1-10 s")
    row("  gust in the doorway (m/s)", 199.0, gust, "choked jet c* ~199")
    still = two_rooms(1.0)
    still.submit(OpenDoor(door_id=still.door_at[DOOR]))
    run_until(still, 2.0)
    before = np.array(pressures(still))
    still.submit(CloseDoor(door_id=still.door_at[DOOR]))
    step(still)
    row("closing a door in still air: largest change", 0.005, float(np.max(np.abs(np.array(pressures(still)) / before - 1))), "bound")


def wind_figures() -> None:
    w = create_world(load_level(MODULE4), 4)
    run_until(w, 20.0)
    c = w.compartments
    corridor = c.index_at(40, 7)
    speed = np.hypot(w.atmos.wind_x, w.atmos.wind_y)
    # mass balance at the dead end (x = 15): the gas of the cells west of the face
    # between x = 15 and 16 (2 cells of 357.6 m3 / 2.4 m), over the corridor's outflow
    out_kg_s = -float(np.sum(w.atmos.flow_kg_s[(w.atmos.openings.a == corridor)])) + float(
        np.sum(w.atmos.flow_kg_s[(w.atmos.openings.b == corridor)]))
    rho = float((c.n_o2[corridor] * 0.032 + c.n_other[corridor] * 0.028) / c.volume_m3[corridor])
    cells = c.volume_m3[corridor] / 2.4
    beyond = 2.0 / cells * -out_kg_s
    u_balance = beyond / (rho * 2.4 * 2.0)
    row("Corridor 4 dead end (15,7) wind, m/s", u_balance, float(speed[7, 15]), "mass balance")
    hole = float(speed[2, 80])
    row("  beside the hole (80,2), m/s", hole, hole, "")
    run_until(w, 240.0)
    c = w.compartments
    row("choked hole: speed at 4 min / at 20 s", 1.0,
        float(np.hypot(w.atmos.wind_x, w.atmos.wind_y)[2, 80]) / hole, "speed follows volume flow")


def body_figures() -> None:
    with (ROOT / "tests" / "data" / "reference" / "tuc_table.csv").open() as fh:
        table = {r["altitude_ft"]: r for r in csv.DictReader(fh)}
    for ft in ("22000", "25000", "28000", "30000", "35000", "40000"):
        r = table[ft]
        p = float(r["p_bar"])
        mid_rapid = (float(r["TUC_rapid_min_s"]) + float(r["TUC_rapid_max_s"])) / 2
        mid_std = (float(r["TUC_std_min_s"]) + float(r["TUC_std_max_s"])) / 2
        row(f"TUC {ft} ft, 5 s drop (s)", mid_rapid, ph.time_to_unconsciousness(p, 0.2095, drop_s=5.0), "rapid column")
        row(f"TUC {ft} ft, slow (s)", mid_std, ph.time_to_unconsciousness(p, 0.2095), "standard column")
    low, high = ph.time_to_death(0.062, 0.2095), ph.time_to_death(0.064, 0.2095)
    row("time_to_death 0.064 / 0.062 bar", 1.0, high / low, "under 20 %")
    row("steady SpO2 at 35,000 ft (%)", 0.0, 100 * ph.steady_state_spo2(0.2384, 0.2095), "was clamped to 0")


def module_four(seed: int, crew_aboard: bool) -> dict:
    """The tests' Module Four clock, then on to 25 minutes for the books."""
    clock = module_four_clock(crew_aboard, seed)
    w = clock["world"]
    loc = min(clock["out"].values(), default=math.inf)
    out = {
        "fall in minute 1 (bar)": clock["first_minute_bar"],
        "corridor at 0.48 bar (min)": clock.get(0.48, math.nan),
        "corridor at 0.32 bar (min)": clock.get(0.32, math.nan),
        "first LOC (min)": loc,
        "first death (min)": min(clock["dead"].values(), default=math.inf),
        "LOC after 0.48 (min)": loc - clock.get(0.48, math.nan),
        "LOC after 0.32 (min)": loc - clock.get(0.32, math.nan),
    }
    run_until(w, 25 * 60)
    start = moles_in_air(create_world(w.level, seed))
    a = w.atmos
    supplied = a.supplied_o2_mol + a.supplied_other_mol
    vented = a.vented_o2_mol + a.vented_other_mol
    out["books"] = (supplied, vented, moles_in_air(w) - start - supplied + vented, start)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=1, help="Module Four seeds to run (default 1)")
    args = parser.parse_args()
    gas_figures()
    door_figures()
    wind_figures()
    body_figures()
    print(f"{'figure':<52} {'reference':>10} {'model':>10} {'ratio':>7}  note")
    for figure, note, ref, model in ROWS:
        ratio = model / ref if ref else math.nan
        print(f"{figure:<52} {ref:>10.4g} {model:>10.4g} {ratio:>7.3f}  {note}")
    print("\nModule Four, nobody acting (issue windows: 0.21-0.25; 6-10; 2-6; LOC 9-13; death 15-19)")
    for seed in range(4, 4 + args.seeds):
        both = {}
        for aboard in (True, False):
            got = both[aboard] = module_four(seed, aboard)
            books = got.pop("books")
            label = "with evacuees " if aboard else "trapped alone "
            print(f"seed {seed} {label}" + ", ".join(f"{k} {v:.2f}" for k, v in got.items()))
            if aboard:
                print(f"  25 min books: supplied {books[0]:.3f} mol, vented {books[1]:.3f} mol, "
                      f"created {books[2]:.2e} mol (of {books[3]:.0f} held at the start)")
        print(f"seed {seed} with evacuees minus alone: " + ", ".join(
            f"{k} {both[True][k] - both[False][k]:+.2f}" for k in ("first LOC (min)", "first death (min)"))
            + " (issue: within 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
