"""The atmosphere as the coordinator sees it: leaks, life support, the O2
reserve, wind toward the hole, and what the trace records."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from game.sim.commands import OpenDoor, SetO2Feed
from game.sim.events import CommandRejected, FireHazardRaised, O2FeedSet, O2ReserveExhausted
from game.sim.level import EventDef, LifeSupport
from game.sim.world import create_world, run_until, step
from tests.builders import ascii_level

ROOT = Path(__file__).resolve().parent.parent

# A breached corridor (west) and two closed rooms off it, and a sound module
# behind a closed bulkhead (east).
STATION = """
HHHHHHHHHHHHHHHHHHH
H....#....=.......H
H....#....=.......H
H.a..+....B.......H
H....#....=.......H
H....#....=.......H
HHHHHHHHHHHHHHHHHHH
"""


def station(feed_g_s: float = 0.0, reserve_kg: float = 0.0, area_cm2: float = 60.0):
    level = ascii_level(
        STATION,
        people={"a": ("Ann", "crew", ())},
        events=[EventDef(0.0, "breach", {"at": (9, 0), "area_cm2": area_cm2})],
        doors={(10, 3): "closed"},
    )
    level = level.__class__(**{**level.__dict__, "life_support": LifeSupport(reserve_kg, feed_g_s)})
    return create_world(level, 1)


def pressure_at(world, x, y) -> float:
    return float(world.compartments.pressure_bar[world.compartments.index_at(x, y)])


def ppo2_at(world, x, y) -> float:
    return float(world.compartments.ppo2_bar[world.compartments.index_at(x, y)])


def test_the_breached_corridor_falls_first_the_closed_room_later_and_the_sound_module_holds():
    w = station()
    run_until(w, 120)
    corridor, room, sound = pressure_at(w, 7, 3), pressure_at(w, 2, 3), pressure_at(w, 14, 3)
    assert corridor < 0.3
    assert room > corridor + 0.2  # its door seal leaks slowly
    assert sound > 0.99  # regulation holds an intact module at nominal


def test_opening_the_bulkhead_into_the_leak_bleeds_the_sound_module_and_regulation_fights_it():
    w = station()
    run_until(w, 30)
    bulkhead = w.door_at[(10, 3)]
    w.submit(OpenDoor(door_id=bulkhead))
    run_until(w, 150)
    sound, corridor = pressure_at(w, 14, 3), pressure_at(w, 7, 3)
    # 0.3 bar on a 2.2 m2 leaf is 66 kN: it stays on its seal, and the sound side
    # bleeds through the equalising valve, losing a third of its air in two minutes
    assert corridor + 0.2 < sound < 0.8
    assert not w.atmos.leaf_open[bulkhead]
    # regulation tops the sound side up as fast as its valves allow, from its tanks
    assert w.atmos.regulated[w.compartments.index_at(14, 3)]
    assert w.atmos.regulated_kg == pytest.approx(0.02 * 150, rel=0.05)  # 20 g/s since the breach


def test_the_emergency_feed_keeps_oxygen_up_and_runs_out():
    fed, unfed = station(feed_g_s=60.0, reserve_kg=3.0), station()
    run_until(fed, 45)
    run_until(unfed, 45)
    assert ppo2_at(fed, 7, 3) > ppo2_at(unfed, 7, 3) * 1.2
    assert pressure_at(fed, 7, 3) == pytest.approx(pressure_at(unfed, 7, 3), rel=0.1)
    run_until(fed, 60)
    assert fed.atmos.reserve_o2_kg == 0.0 and fed.atmos.fed_o2_kg == pytest.approx(3.0)
    assert sum(isinstance(e, O2ReserveExhausted) for e in fed.events) == 1


def test_the_coordinator_redirects_the_feed_to_a_room_and_it_becomes_a_fire_risk():
    w = station(feed_g_s=20.0, reserve_kg=10.0)
    w.submit(SetO2Feed(rate_g_s=60.0, target=(2, 3)))
    run_until(w, 180)
    room = w.compartments.index_at(2, 3)
    assert w.compartments.o2_fraction[room] > 0.30
    assert w.atmos.fire_hazard[room]
    assert [e.compartment for e in w.events if isinstance(e, FireHazardRaised)] == [w.atmos.names[room]]
    assert any(isinstance(e, O2FeedSet) and e.rate_g_s == 60.0 for e in w.events)


def test_stopping_the_feed_saves_the_reserve():
    w = station(feed_g_s=20.0, reserve_kg=5.0)
    run_until(w, 10)
    w.submit(SetO2Feed(rate_g_s=0.0))
    run_until(w, 60)
    assert w.atmos.reserve_o2_kg == pytest.approx(5.0 - 0.2, abs=0.01)


def test_an_impossible_feed_order_is_refused_with_a_reason():
    w = station(feed_g_s=20.0, reserve_kg=5.0)
    w.submit(SetO2Feed(rate_g_s=500.0))
    w.submit(SetO2Feed(rate_g_s=10.0, target=(0, 0)))
    step(w)
    reasons = [e.reason for e in w.events if isinstance(e, CommandRejected)]
    assert len(reasons) == 2 and "0 to" in reasons[0] and "no air space" in reasons[1]
    assert w.atmos.feed_rate_g_s == 20.0


def test_wind_blows_toward_the_breach_and_grows_with_the_leak():
    small, large = station(area_cm2=10.0), station(area_cm2=60.0)
    run_until(small, 2)
    run_until(large, 2)
    # the hole is at (9, 0): air in the corridor moves up and to the right
    for w in (small, large):
        assert w.atmos.wind_y[2, 9] < 0
        assert w.atmos.wind_x[3, 7] > 0 or w.atmos.wind_y[3, 7] < 0
    speed = lambda w: float(np.hypot(w.atmos.wind_x, w.atmos.wind_y).max())  # noqa: E731
    for w in (small, large):  # the closed room only stirs at its door's 6 cm2 seal
        assert float(np.hypot(w.atmos.wind_x, w.atmos.wind_y)[1:6, 1:5].max()) < 0.1 * speed(w)
    assert speed(large) > 4 * speed(small)


def test_sim_trace_writes_long_rows_once_per_second(tmp_path):
    out = tmp_path / "trace.csv"
    res = subprocess.run(
        [sys.executable, "main.py", "sim", "levels/tutorial.toml", "--until", "20", "--trace", str(out), "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(out.open()))
    assert set(rows[0]) == {"time_s", "entity", "name", "field", "value"}
    times = sorted({float(r["time_s"]) for r in rows})
    assert times == [float(t) for t in range(21)]
    lab = [float(r["value"]) for r in rows if r["name"] == "Lab" and r["field"] == "pressure_bar"]
    assert lab[0] == 1.0 and lab[-1] < lab[0]  # the pinhole opens at 5 s
    states = {r["value"] for r in rows if r["entity"] == "person" and r["field"] == "state"}
    assert states <= {"conscious", "impaired", "unconscious", "dead"}
    crew = json.loads(res.stdout)["crew"]
    assert {"spo2", "state", "hypoxic_injury"} <= set(crew[0])


def test_sim_trace_every_tick_carries_temperatures_and_the_stores(tmp_path):
    out = tmp_path / "trace.csv"
    res = subprocess.run(
        [sys.executable, "main.py", "sim", "levels/tutorial.toml", "--until", "2", "--trace", str(out),
         "--trace-every", "0.1"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(out.open()))
    assert len({float(r["time_s"]) for r in rows}) == 21  # 0.0, 0.1, ... 2.0
    temps = [float(r["value"]) for r in rows if r["name"] == "Lab" and r["field"] == "temperature_k"]
    assert len(temps) == 21 and all(250.0 < t < 300.0 for t in temps)
    stores = {r["field"] for r in rows if r["entity"] == "store"}
    assert stores == {"reserve_o2_kg", "o2_kg", "n2_kg"}
