"""The debris step's loop, compiled by Cython (game.sim.compiled): each awake piece's drag
toward the wind, the deck's friction over the tick and whether either changed it, in one
pass where numpy needed ~100 calls on arrays of a few hundred pieces every tick.

Bit for bit what numpy's arithmetic in debris_wind gave: each expression in numpy's order,
np.maximum's and np.minimum's choices, the C library's hypot (np.hypot's). The drag's exp
stays a numpy call (numpy has its own vector exp), passed in with the rate it decays at.
A plain-Python module with Cython's annotations: run as it is, it is the reference (and
the fallback where nothing compiles).
"""
from __future__ import annotations

import numpy as np

try:
    import cython
except ImportError:  # no Cython: this loop runs as plain Python (game.sim.compiled)
    from game.sim.compiled import plain_cython as cython
if cython.compiled:  # the C library's, as numpy's hypot, abs and copysign call them
    from cython.cimports.libc.math import copysign, fabs, hypot, isnan
else:
    from math import copysign, fabs, isnan

    hypot = np.hypot  # not math.hypot: Python's own rounds differently from the C library's

# Slots of the constants array debris_wind passes (debris_wind._K).
K_IDLE2 = cython.declare(cython.Py_ssize_t, 0)  # squared idle speed: slower is still (v^2 + (I/m) w^2)
K_MAX_SPEED = cython.declare(cython.Py_ssize_t, 1)
K_LEN = 2


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _max(a: cython.double, b: cython.double) -> cython.double:
    """np.maximum's choice: a when a >= b (or a is NaN)."""
    return a if a >= b or isnan(a) else b


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _min(a: cython.double, b: cython.double) -> cython.double:
    """np.minimum's choice: a when a <= b (or a is NaN)."""
    return a if a <= b or isnan(a) else b


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _still(vx: cython.double, vy: cython.double, spin: cython.double, length: cython.double,
           width: cython.double, idle2: cython.double) -> cython.bint:
    """Slower than the idle speed by pymunk's measure of a body at rest: v^2 + (I/m) w^2."""
    return vx * vx + vy * vy + (length * length + width * width) / 12.0 * spin * spin < idle2


def drive(k: cython.double[:], dt: cython.double, slots: cython.Py_ssize_t[:], state: cython.double[:, :],
          wx: cython.double[:], wy: cython.double[:], windy: cython.Py_ssize_t[:],
          umag: cython.double[:], rate: cython.double[:], decay: cython.double[:],
          mu_g: cython.double[:], length: cython.double[:], width: cython.double[:],
          chosen: cython.Py_ssize_t[:], out: cython.double[:, :], turned: cython.schar[:]) -> cython.Py_ssize_t:
    """Drag (on the pieces listed in `windy`, rows in order) then floor friction over the
    tick `dt` (s) for the pieces in `slots`, whose rows of state (x, y, angle, vx, vy, spin) are `state`; writes
    the slot, velocity and spin of each piece this changes into `chosen`, `out` and
    `turned` (spin changed) and returns how many.

    `wx`, `wy` are the air's velocity at each piece; `umag`, `rate` and `decay` (one per
    windy piece) are the wind's speed relative to it, the drag rate rho |u| Cd A / 2m
    and exp(-rate dt). A still piece the wind pushes only if the drag beats its floor
    friction; a piece the wind does not push and that creeps slower than the idle speed
    counts as still and is not changed (a write would wake it). See debris_wind._drag and _push for the physics.
    """
    n: cython.Py_ssize_t = slots.shape[0]
    nw: cython.Py_ssize_t = windy.shape[0]
    idle2: cython.double = k[K_IDLE2]
    max_speed: cython.double = k[K_MAX_SPEED]
    i: cython.Py_ssize_t
    s: cython.Py_ssize_t
    j: cython.Py_ssize_t = 0
    m: cython.Py_ssize_t = 0
    vx: cython.double
    vy: cython.double
    spin: cython.double
    nvx: cython.double
    nvy: cython.double
    ux: cython.double
    uy: cython.double
    cap: cython.double
    mu: cython.double
    ln: cython.double
    wd: cython.double
    keep: cython.double
    turn: cython.double
    nspin: cython.double
    pushed: cython.bint
    for i in range(n):
        s = slots[i]
        vx, vy, spin = state[i, 3], state[i, 4], state[i, 5]
        mu, ln, wd = mu_g[s], length[s], width[s]
        nvx, nvy = vx, vy
        pushed = False
        if j < nw and windy[j] == i:
            # drag: exact exponential relaxation toward the local air, capped at max_speed
            ux, uy = wx[i] - vx, wy[i] - vy
            pushed = not (vx * vx + vy * vy < idle2) or rate[j] * umag[j] > mu
            if pushed:
                nvx, nvy = wx[i] - ux * decay[j], wy[i] - uy * decay[j]
                cap = _min(1.0, max_speed / _max(hypot(nvx, nvy), 1e-12))
                nvx, nvy = nvx * cap, nvy * cap
            j += 1
        # friction: each speed less mu g dt, the spin less its torque's share, stopping at zero
        keep = _max(0.0, 1.0 - mu * dt / _max(hypot(nvx, nvy), 1e-12))
        turn = mu * (ln + wd) / 5.0 * 12.0 / (ln * ln + wd * wd)
        nspin = copysign(_max(0.0, fabs(spin) - turn * dt), spin)
        if _still(nvx * keep, nvy * keep, nspin, ln, wd, idle2):
            keep, nspin = keep * 0.0, nspin * 0.0
        nvx, nvy = nvx * keep, nvy * keep
        if (nvx != vx or nvy != vy or nspin != spin) and (pushed or not _still(vx, vy, spin, ln, wd, idle2)):
            chosen[m] = s
            out[m, 0], out[m, 1], out[m, 2] = nvx, nvy, nspin
            turned[m] = nspin != spin
            m += 1
    return m
