"""Crew speed: replanning everyone after a door shuts, beside tcod doing the
same searches raw; our route query beside tcod's; and a whole Module Four run
with the autopilot in charge, in simulated seconds per wall second.

`bench(repeat)` returns the figures (milliseconds unless named otherwise):
  replan_all_ms           the 150-person station, mid-evacuation: a door shuts
                          and everyone replans (the speed issue's figure)
  replan_all_raw_ms       tcod alone on exactly the searches that replan made
  replan_all_module4_ms   Module Four mid-rescue, the same
  replan_all_module4_raw_ms
  pathfinder_ratio        our route query / the same search straight from tcod (_raw_path)
  module4_headless_speedup  full autopilot run (30 simulated minutes), sim s / wall s
  module4_headless_cpu_speedup  the same, sim s / CPU s of this process (steady under load)
  module4_tick_ms         wall ms per tick in that run
  module4_crew_ms_per_tick  of which the crew system (actions, evacuation, autopilot)
  drill_headless_speedup  the station-wide drill (benchmarks/make_drill.py) headless,
                          its whole length with its orders, sim s / CPU s
  drill_tick_ms           CPU ms per tick in that run
  drill_<stage>_ms_per_tick  of which the debris falls and breach (timeline), the
                          air and bodies, the debris physics, the crew, orders given,
                          and building the world (setup), spread over the ticks
  drill_crew_replans_ms_per_tick  of the crew's figure, the plans made again (the route
                          searches when a way shuts or the air turns); the rest is
                          mostly walking, perceiving debris and the autopilot

Run alone: `python benchmarks/bench_crew.py [--repeat N] [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import make_drill  # noqa: E402  (beside this file: on the path when run alone or from run.py)
import numpy as np  # noqa: E402
import tcod.path  # noqa: E402

from game import collector  # noqa: E402
from game.levelio.load import load_level  # noqa: E402
from game.sim import atmosphere, debris, navigation, timeline  # noqa: E402
from game.sim import crew as crew_system  # noqa: E402
from game.sim import world as world_module  # noqa: E402
from game.sim.commands import SetAutopilot  # noqa: E402
from game.sim.world import TICK_S, create_world, run_until, step  # noqa: E402

MODULE4 = ROOT / "levels" / "module4.toml"
STRESS = ROOT / "levels" / "stress_station.toml"
DRILL = ROOT / "benchmarks" / "drill.toml"


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _raw_path(cost: np.ndarray, starts: list[tuple[int, int]], ends: list[tuple[int, int]]) -> np.ndarray:
    """One route straight from tcod, set up afresh as `path2d` does (a copy of the grid,
    a graph, a pathfinder), with the estimate navigation gives it: the cheapest cell's
    cost a step (path2d's own, 1 a step, would search far wider than ours does)."""
    grid = cost.copy()
    least = int(grid[grid > 0].min())
    for ij in starts:
        grid[ij] = least
    graph = tcod.path.SimpleGraph(cost=grid, cardinal=1, diagonal=0)
    graph.set_heuristic(cardinal=least, diagonal=0)
    pf = tcod.path.Pathfinder(graph)
    for ij in ends:
        pf.add_root(ij)
    return pf.path_from(starts[0])


def _raw(searches: list) -> None:
    """The same searches, straight to tcod."""
    for kind, cost, a, b in searches:
        if kind == "path":
            _raw_path(cost, a, b)
        else:
            d = a.copy()
            tcod.path.dijkstra2d(d, cost, 1, None, out=d)


def _replan_figures(world, door_id: int, repeat: int) -> tuple[float, float, int]:
    """(ms to shut a door and remake every plan, ms for tcod alone on those searches, searches).

    Only the shutting and the replanning are timed; the door is opened again
    (and everything brought up to date, as the game would) outside the clock.
    """
    door = world.doors[door_id]
    before = door.state

    def shut() -> None:
        world.set_door_state(door, "closed")
        crew_system.replan_all(world)

    def reopen() -> None:
        world.set_door_state(door, before)
        crew_system.replan_all(world)

    navigation.SEARCH_LOG = []
    shut()
    searches, navigation.SEARCH_LOG = navigation.SEARCH_LOG, None
    reopen()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        shut()
        times.append(time.perf_counter() - t0)
        reopen()
    ours = statistics.median(times)
    raw = _median(lambda: _raw(searches), repeat)
    return 1000 * ours, 1000 * raw, len(searches)


def bench_replan_module4(repeat: int) -> dict[str, float]:
    world = create_world(load_level(MODULE4), 4)
    world.submit(SetAutopilot(on=True))
    run_until(world, 150.0)  # the team at the tunnel hatch, the evacuation under way
    door = next(d.id for d in world.doors if d.name == "Medical bay door")  # open, on the way back
    ours, raw, n = _replan_figures(world, door, repeat)
    return {"replan_all_module4_ms": ours, "replan_all_module4_raw_ms": raw, "replan_all_module4_searches": float(n)}


def bench_replan_stress(repeat: int) -> dict[str, float]:
    level = load_level(STRESS)
    world = create_world(level, 1)
    first = min((e.at_s for e in level.events if e.kind == "breach"), default=0.0)
    run_until(world, first + 80.0)  # people reacting and on the move
    door = next((d.id for d in world.doors if d.is_open), 0)
    ours, raw, n = _replan_figures(world, door, repeat)
    moving = sum(1 for p in world.people if p.evac == "moving")
    return {
        "replan_all_ms": ours, "replan_all_raw_ms": raw,
        "replan_all_searches": float(n), "stress_people_moving": float(moving),
    }


def bench_pathfinder(repeat: int, queries: int = 100) -> dict[str, float]:
    world = create_world(load_level(MODULE4), 1)
    cost = navigation.walk_cost_grid(world.grid.tiles, world.doors)
    start, goal = (2, 10), (95, 10)

    def ours() -> None:
        for _ in range(queries):
            navigation.find_path(cost, start, goal)

    def raw() -> None:
        for _ in range(queries):
            _raw_path(cost, [start[::-1]], [goal[::-1]])

    # Alternate the two and compare each pair (this thread's CPU time), so
    # a busy moment on the machine weighs on both sides of a ratio alike.
    clock = time.thread_time
    pairs = []
    for _ in range(max(7, repeat)):
        t0 = clock()
        ours()
        t1 = clock()
        raw()
        t2 = clock()
        pairs.append((t1 - t0, t2 - t1))
    t_ours = statistics.median(p[0] for p in pairs)
    ratio = statistics.median(p[0] / p[1] for p in pairs)
    return {"path_query_us": 1e6 * t_ours / queries, "pathfinder_ratio": ratio}


def bench_headless(repeat: int, sim_s: float = 1800.0) -> dict[str, float]:
    """Module Four with the autopilot for `sim_s`, median of `repeat` runs: wall time (the
    issue's figure, on a quiet machine) and this process's CPU time (the same figure a
    loaded machine can still measure: other processes' share of the cores left out)."""
    level = load_level(MODULE4)
    crew_s = []
    cpu_s = []

    def run() -> None:
        cpu0 = time.process_time()
        world = create_world(level, 1)
        world.submit(SetAutopilot(on=True))
        spent = 0.0
        real = crew_system.step_crew

        def timed(w, dt):
            nonlocal spent
            t0 = time.perf_counter()
            real(w, dt)
            spent += time.perf_counter() - t0

        crew_system.step_crew = timed
        try:
            target = round(sim_s / TICK_S)
            while world.tick < target:
                step(world)
        finally:
            crew_system.step_crew = real
        crew_s.append(spent)
        cpu_s.append(time.process_time() - cpu0)

    wall = _median(run, repeat)
    ticks = sim_s / TICK_S
    return {
        "module4_headless_speedup": sim_s / wall,
        "module4_headless_cpu_speedup": sim_s / statistics.median(cpu_s),
        "module4_tick_ms": 1000 * wall / ticks,
        "module4_crew_ms_per_tick": 1000 * statistics.median(crew_s) / ticks,
    }


# The stages of a drill tick timed apart (module, function, figure): what the
# headless figure is made of. The world calls each through its module.
_DRILL_STAGES = (
    (timeline, "fire_due", "falls"),  # the timeline: the debris falling, the breach opening
    (atmosphere, "rebuild_topology", "air"),
    (atmosphere, "step_atmosphere", "air"),
    (atmosphere, "step_bodies", "air"),
    (debris, "step_physics", "physics"),
    (crew_system, "step_crew", "crew"),
    (crew_system, "next_plan", "crew_replans"),  # of the crew's: plans made again (a way shut, the air turned)
    (world_module, "apply_command", "orders"),  # orders given: the drill's 400 at the first tick, the autopilot's
)


def bench_drill_headless(repeat: int) -> dict[str, float]:
    """The drill from its first tick (the debris falling, the breach, everyone
    walking) to its end, headless: the issue's figure is >= 50x real time.

    Each run in a process of its own, as `main.py sim` runs a level (with the
    game's collector settings, game.collector): in the benchmarks' process the
    heap the other benchmarks leave made each of the collector's full passes
    over it several times dearer. CPU time of that process's run (the machine
    is shared: other programs' load does not count, the physics' threads do),
    median of `repeat` runs, with what the stages of a tick cost of it (ms per
    tick, the same runs' medians)."""
    ticks = round(make_drill.DRILL_S / TICK_S)
    totals, stages = [], []
    for _ in range(repeat):
        child = subprocess.run([sys.executable, __file__, "--drill-run"], capture_output=True, text=True, check=True)
        total, spent = json.loads(child.stdout.strip().splitlines()[-1])
        totals.append(total)
        stages.append(spent)
    cpu = statistics.median(totals)
    out = {"drill_headless_speedup": make_drill.DRILL_S / cpu, "drill_tick_ms": 1000 * cpu / ticks}
    for label in dict.fromkeys(["setup"] + [label for _, _, label in _DRILL_STAGES]):
        out[f"drill_{label}_ms_per_tick"] = 1000 * statistics.median(s.get(label, 0.0) for s in stages) / ticks
    return out


def _drill_run() -> tuple[float, dict[str, float]]:
    """One run of the drill in this process: its CPU seconds and each stage's (see `_DRILL_STAGES`)."""
    level = load_level(DRILL)
    spent: dict[str, float] = {}
    saved = [(mod, name, getattr(mod, name)) for mod, name, _ in _DRILL_STAGES]

    def timed(fn, label):
        def inner(*args, **kw):
            t0 = time.process_time()
            try:
                return fn(*args, **kw)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - t0
        return inner

    for (mod, name, fn), (_, _, label) in zip(saved, _DRILL_STAGES):
        setattr(mod, name, timed(fn, label))
    try:
        t0 = time.process_time()
        world = make_drill.drill_world(level)
        spent["setup"] = time.process_time() - t0  # the world built: grid, air, space, people
        run_until(world, make_drill.DRILL_S)
        total = time.process_time() - t0
    finally:
        for mod, name, fn in saved:
            setattr(mod, name, fn)
    return total, spent


def bench(repeat: int) -> dict[str, float]:
    out: dict[str, float] = {}
    out.update(bench_pathfinder(repeat))
    out.update(bench_replan_module4(repeat))
    out.update(bench_replan_stress(repeat))
    out.update(bench_headless(max(1, repeat // 3)))
    out.update(bench_drill_headless(1))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="three repeats")
    parser.add_argument("--drill-run", action="store_true", help=argparse.SUPPRESS)  # one drill run, as JSON
    args = parser.parse_args()
    collector.tune()  # the game's collector settings, as main.py runs it (game/collector.py)
    if args.drill_run:
        print(json.dumps(_drill_run()))
        return 0
    results = bench(3 if args.quick else args.repeat)
    width = max(len(k) for k in results)
    for k, v in results.items():
        print(f"{k:<{width}}  {v:12.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
