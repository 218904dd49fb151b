"""The compiled loops (game.sim.compiled): the same bits as the plain Python they are built
from, never a build of other source, and the plain loops wherever nothing can be built."""
from __future__ import annotations

import math
import os
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import numpy as np
import pytest

from game.sim import body_kernels, compiled, gas, gas_kernels, landing_kernels, movement, wind
from game.sim import debris_footprint as fp
from game.sim import physiology as ph

ROOT = Path(__file__).resolve().parent.parent


def test_every_registered_module_runs_compiled_here():
    # this machine has Cython and a C compiler (requirements.txt; CI's too): a fallback here
    # would hide a broken build behind results that are merely slow
    for module in (gas.kernels, ph.kernels, fp.kernels, movement.walkers, wind.kernels):
        assert module.__name__ in compiled.COMPILED and module.__file__.endswith(EXTENSION_SUFFIXES[0])
    with pytest.raises(ValueError):
        compiled.fast(np)  # not registered: an error, never a silent plain module


def _bodies_story(seed: int) -> list[bytes]:
    """Six people through air that falls to near vacuum, sits, comes back and falls again
    (steps of 0.5 to 6 s),
    one on a respirator, one in a suit, one knocked out: every body array and each step's
    changed indices, as bytes."""
    rng = np.random.default_rng(seed)
    n, steps = 6, 240
    base = np.concatenate([np.linspace(1.0, 0.02, 20), np.full(60, 0.03), np.linspace(0.03, 0.9, 40),
                           np.linspace(0.9, 0.35, 60), np.full(60, 0.35)])
    pressure = np.clip(base[:, None] * rng.uniform(0.8, 1.2, (steps, n)), 0.0, 1.1)
    dts = rng.choice([0.5, 3.0, 6.0], steps)
    breath = ph.breathe(pressure, rng.uniform(0.05, 0.3, (steps, n)), np.array([0, 0, 0, 1, 2, 0], np.int8),
                        dts[:, None])
    bodies = ph.Bodies.new(n)
    bodies.spo2[:] = rng.uniform(0.6, 0.99, n)
    bodies.dose[:] = rng.uniform(0.0, 0.9, n)
    bodies.knocked_out[1] = True
    story, seen = [], set()
    for k in range(steps):
        story.append(ph.advance(bodies, breath, k, float(dts[k])).tobytes())
        seen |= set(bodies.state.tolist())
    assert {ph.CONSCIOUS, ph.UNCONSCIOUS, ph.DEAD} <= seen  # the story has its turns
    return story + [getattr(bodies, name).tobytes() for name in ph.BODY_FIELDS]


def test_the_compiled_body_step_rounds_as_plain_python_does(monkeypatch):
    # as the gas step's (tests/test_gas.py): no fastmath, no fused multiply-add, the C
    # library's exp as Python's math calls it, so compiled and plain agree to the bit
    compiled_story = _bodies_story(7)
    monkeypatch.setattr(ph, "kernels", body_kernels)
    assert _bodies_story(7) == compiled_story


def _falls_story(seed: int) -> list:
    """Falls of 1 to 30 pieces, short and long, onto rooms with random cells taken, one after
    another till the rooms fill: every piece's spot, outline and points taken, and each floor
    after each fall."""
    rng = np.random.default_rng(seed)
    story, seen = [], set()
    for _ in range(5):
        free = rng.random((12, 20)) > 0.1
        free[0] = free[-1] = free[:, 0] = free[:, -1] = False
        area = (float(rng.integers(1, 10)), float(rng.integers(1, 6)), 0.0, 0.0)
        area = area[:2] + (area[0] + float(rng.integers(1, 8)), area[1] + float(rng.integers(1, 5)))
        floor = fp.Floor(free, fp.spot_window(area, free.shape))
        for _ in range(3):
            n = int(rng.integers(1, 30))
            length = ((2.5 if rng.random() < 0.3 else 0.3) + rng.random(n)).tolist()
            width = (0.15 + 0.45 * rng.random(n)).tolist()
            want = np.stack([area[0] + (area[2] - area[0]) * rng.random(n),
                             area[1] + (area[3] - area[1]) * rng.random(n)], axis=1)
            angles = (rng.random(n) * math.pi).tolist()
            drop = fp.Drop(floor, length, width, want, angles, area)
            spots = drop.land()
            story += [spots, floor.free.tobytes(), drop.outlines.tobytes(), drop.takes.tobytes()]
            seen |= {"none" if s is None else "turned" if s[1] != a else "at" if s[0] == tuple(w) else "moved"
                     for s, a, w in zip(spots, angles, want.tolist())}
    assert seen == {"at", "moved", "turned", "none"}  # (every way a search ends)
    return story


def test_the_compiled_landing_search_lands_as_plain_python_does(monkeypatch):
    # The search's distances and raster cells, and the pieces' points, are IEEE sums, products,
    # quotients, floors and ceilings (no fused multiply-add): compiled and plain make the same
    # points, land every piece on the same spot and take the same cells
    compiled_story = _falls_story(8)
    monkeypatch.setattr(fp, "kernels", landing_kernels)
    assert _falls_story(8) == compiled_story


def test_a_changed_source_is_built_anew_never_loaded_from_the_old_build(tmp_path, monkeypatch, capsys):
    source, cache = tmp_path / "gas_kernels.py", tmp_path / "cache"
    source.write_bytes(Path(gas_kernels.__file__).read_bytes())
    cache.mkdir()
    blocked = tmp_path / "blocked"
    blocked.write_text("")  # a file: no folder beside "the source" can be made under it
    roots = [blocked / compiled.FOLDER, cache]
    # the twin built from these very bytes (the tree's own, copied): found by its name and loaded
    (cache / compiled.artifact_name(gas_kernels.__name__, source)).write_bytes(Path(gas.kernels.__file__).read_bytes())
    twin = compiled.load(gas_kernels.__name__, source, roots)
    assert twin is not None and Path(twin.__file__).parent == cache and hasattr(twin, "finish")
    # other source (a small module: Cython and the compiler are quick with it): built, in the
    # cache as the source's folder cannot be written, and loaded; the old twin is gone
    source.write_text("ANSWER = 42\n")
    twin = compiled.load(gas_kernels.__name__, source, roots)
    assert twin is not None and twin.ANSWER == 42 and not hasattr(twin, "finish")
    assert [p.name for p in cache.glob(f"gas_kernels-*{EXTENSION_SUFFIXES[0]}")] == [Path(twin.__file__).name]
    # changed again, and no compiler (CC=false fails every compile): nothing loaded, so the
    # caller runs the plain module, after one warning that says why
    source.write_text("ANSWER = 43\n")
    monkeypatch.setenv("CC", "false")
    monkeypatch.setattr(compiled, "_warned", [])
    assert compiled.load(gas_kernels.__name__, source, roots) is None
    err = capsys.readouterr().err
    assert "compiling the simulation's loops" in err and "run as plain Python" in err and "build failed" in err


def test_a_build_that_does_not_load_is_not_fatal(tmp_path, monkeypatch, capsys):
    # say, half a file left by a full disk, or another machine's build in a shared cache
    source = tmp_path / "gas_kernels.py"
    source.write_bytes(Path(gas_kernels.__file__).read_bytes())
    (tmp_path / compiled.artifact_name(gas_kernels.__name__, source)).write_bytes(b"\x7fELF, cut short")
    monkeypatch.setattr(compiled, "_warned", [])
    assert compiled.load(gas_kernels.__name__, source, [tmp_path]) is None  # the plain module runs
    assert "does not load" in capsys.readouterr().err


def _sim(*pre: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`main.py sim` of the tutorial (its pinhole opens at 5 s) for 30 s, after `pre` lines."""
    code = "\n".join([*pre, "import runpy, sys",
                      "sys.argv = ['main.py', 'sim', 'levels/tutorial.toml', '--seed', '1', '--until', '30', '--json']",
                      "runpy.run_path('main.py', run_name='__main__')"])
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=env, check=True)


def test_without_cython_the_plain_loops_give_the_same_run_after_one_warning():
    plain_env = {**os.environ, compiled.PLAIN_ENV: "1"}
    plain = _sim("import sys", "sys.modules['cython'] = sys.modules['Cython'] = None  # as if not installed",
                 env=plain_env)
    fast = _sim()
    assert plain.stdout == fast.stdout and '"state_hash"' in fast.stdout  # the world's whole state, to the bit
    warnings = [line for line in plain.stderr.splitlines() if "plain Python" in line]
    assert len(warnings) == 1 and compiled.PLAIN_ENV in warnings[0]
    assert "plain Python" not in fast.stderr

