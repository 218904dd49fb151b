"""The debris step's compiled loop (game.sim.debris_kernels): the same bits as its plain
Python, and as the numpy arithmetic the step did before it (written out here as the
reference), for pieces still, creeping, sliding, spinning and blown about."""
from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES

import numpy as np

from game.sim import compiled, debris_kernels, debris_wind
from game.sim.debris_state import IDLE_SPEED_M_S, MAX_SPEED_M_S

DT = 0.1
IDLE2 = IDLE_SPEED_M_S**2


def _still(length, width, vx, vy, spin):
    return vx * vx + vy * vy + (length * length + width * width) / 12.0 * spin * spin < IDLE2


def _numpy_step(slots, s, wx, wy, windy, rate, umag, decay, mu_g_all, length_all, width_all):
    """What debris_wind._drag and _floor_friction computed with numpy, and which pieces
    _push then wrote: (slots, vx, vy, spin, spin changed) of those."""
    vx, vy, spin = s[:, 3], s[:, 4], s[:, 5]
    mu_g, length, width = mu_g_all[slots], length_all[slots], width_all[slots]
    nvx, nvy, pushed = vx.copy(), vy.copy(), np.zeros(slots.size, dtype=bool)
    sel = windy
    ux, uy = wx[sel] - vx[sel], wy[sel] - vy[sel]
    go = ~(vx[sel] * vx[sel] + vy[sel] * vy[sel] < IDLE2) | (rate * umag > mu_g[sel])
    dvx, dvy = wx[sel] - ux * decay, wy[sel] - uy * decay
    cap = np.minimum(1.0, MAX_SPEED_M_S / np.maximum(np.hypot(dvx, dvy), 1e-12))
    nvx[sel], nvy[sel], pushed[sel] = np.where(go, dvx * cap, vx[sel]), np.where(go, dvy * cap, vy[sel]), go
    keep = np.maximum(0.0, 1.0 - mu_g * DT / np.maximum(np.hypot(nvx, nvy), 1e-12))
    turn = mu_g * (length + width) / 5.0 * 12.0 / (length * length + width * width)
    nspin = np.copysign(np.maximum(0.0, np.abs(spin) - turn * DT), spin)
    moving = ~_still(length, width, nvx * keep, nvy * keep, nspin)
    keep *= moving
    nspin *= moving
    nvx, nvy = nvx * keep, nvy * keep
    changed = ((nvx != vx) | (nvy != vy) | (nspin != spin)) & (pushed | ~_still(length, width, vx, vy, spin))
    k = np.flatnonzero(changed)
    return slots[k], nvx[k], nvy[k], nspin[k], nspin[k] != spin[k]


def _pieces(seed: int, n: int = 400):
    """n pieces of a table of 600: some still, some creeping under the idle speed, some
    sliding and spinning fast; winds from calm to a gale, over some of them."""
    rng = np.random.default_rng(seed)
    length_all, width_all = rng.uniform(0.15, 4.0, 600), rng.uniform(0.15, 1.2, 600)
    mu_g_all = rng.uniform(0.3, 0.7, 600) * 3.71
    slots = np.sort(rng.choice(600, n, replace=False)).astype(np.intp)
    s = np.zeros((n, 6))
    s[:, :3] = rng.uniform(0.0, 50.0, (n, 3))
    scale = rng.choice([0.0, 0.01, 0.2, 3.0, 12.0], (n, 3))
    s[:, 3:] = rng.standard_normal((n, 3)) * scale
    wx = (rng.standard_normal(n) * rng.choice([0.0, 0.5, 5.0, 40.0], n)).astype(np.float32).astype(np.float64)
    wy = (rng.standard_normal(n) * rng.choice([0.0, 0.5, 5.0, 40.0], n)).astype(np.float32).astype(np.float64)
    windy = np.flatnonzero(rng.random(n) < 0.7)
    umag = np.hypot(wx[windy] - s[windy, 3], wy[windy] - s[windy, 4])
    rate = rng.uniform(0.0, 0.2, windy.size) * umag
    decay = np.exp(-rate * DT)
    return slots, s, wx, wy, windy, rate, umag, decay, mu_g_all, length_all, width_all


def _kernel_step(module, slots, s, wx, wy, windy, rate, umag, decay, mu_g_all, length_all, width_all):
    n = slots.size
    chosen, out, turned = np.empty(n, dtype=np.intp), np.empty((n, 3)), np.empty(n, dtype=np.int8)
    m = module.drive(debris_wind._K, DT, slots, s, wx, wy, windy, umag, rate, decay, mu_g_all, length_all,
                     width_all, chosen, out, turned)
    return chosen[:m], out[:m, 0], out[:m, 1], out[:m, 2], turned[:m].astype(bool)


def test_the_debris_loop_runs_compiled_here():
    assert debris_kernels.__name__ in compiled.COMPILED
    assert debris_wind.kernels.__file__.endswith(EXTENSION_SUFFIXES[0])


def test_the_compiled_drag_and_friction_are_numpys_to_the_bit():
    written = spun = 0
    for seed in range(6):
        case = _pieces(seed)
        reference = _numpy_step(*case)
        for module in (debris_wind.kernels, debris_kernels):  # compiled, then plain
            got = _kernel_step(module, *case)
            assert [a.tobytes() for a in got] == [a.tobytes() for a in reference]
        written += reference[0].size
        spun += int(reference[4].sum())
        assert 0 < reference[0].size < case[0].size  # some pieces left alone (still, or creeping unpushed)
    assert spun > 100 and written > 1000
