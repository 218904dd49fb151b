"""The body step's loops, compiled by Cython (game.sim.compiled): everybody's blood oxygen,
dose, state, injury and exposure in one pass, where numpy needed ~80 calls on arrays of a
few dozen.

Bit for bit what numpy's arithmetic in physiology gave: no fastmath, each expression in
numpy's order, np.interp's formula (`interp_one`). The model's constants come in the `k`
array and its curves in `tables` (physiology._K, physiology._TABLES), so the loops need
nothing of other modules. A plain-Python module with Cython's annotations: run as it is, it
is the reference (and the fallback where nothing compiles).
"""
from __future__ import annotations

import numpy as np

try:
    import cython
except ImportError:  # no Cython: these loops run as plain Python (game.sim.compiled)
    from game.sim.compiled import plain_cython as cython
if cython.compiled:  # the C library's, as Python's math module calls them
    from cython.cimports.libc.math import exp
else:
    from math import exp

# A body's states, in the order the loops compare them.
CONSCIOUS = cython.declare(cython.schar, 0)
IMPAIRED = cython.declare(cython.schar, 1)
UNCONSCIOUS = cython.declare(cython.schar, 2)
DEAD = cython.declare(cython.schar, 3)
# Slots of the constants array physiology builds (physiology._K).
K_RECENT_TAU_S = cython.declare(cython.Py_ssize_t, 0)
K_TAU_DOSE_RECOVERY_S = cython.declare(cython.Py_ssize_t, 1)
K_RAPID_GAP_BAR = cython.declare(cython.Py_ssize_t, 2)
K_IMPAIRED_DOSE = cython.declare(cython.Py_ssize_t, 3)
K_IMPAIRED_SPO2 = cython.declare(cython.Py_ssize_t, 4)
K_CLEAR_DOSE = cython.declare(cython.Py_ssize_t, 5)
K_CLEAR_SPO2 = cython.declare(cython.Py_ssize_t, 6)
K_LOC_DOSE = cython.declare(cython.Py_ssize_t, 7)
K_DEATH_INJURY_S = cython.declare(cython.Py_ssize_t, 8)
K_VACUUM_DEATH_S = cython.declare(cython.Py_ssize_t, 9)


def interp_one(x: cython.double, xp: cython.double[:], fp: cython.double[:]) -> cython.double:
    """np.interp of one number, bit for bit (physiology.trajectory's, one person at a time)."""
    return _interp(x, xp, fp)


@cython.cfunc
@cython.inline
def _interp(x: cython.double, xp: cython.double[:], fp: cython.double[:]) -> cython.double:
    """np.interp of one number, bit for bit: its search, its end values, its slope and formula.
    Inline, so the compiler passes the arrays without copying their descriptions per call."""
    lo: cython.Py_ssize_t
    hi: cython.Py_ssize_t
    mid: cython.Py_ssize_t
    j: cython.Py_ssize_t
    slope: cython.double
    y: cython.double
    if x != x:
        return x
    lo, hi = 0, xp.shape[0]  # bisect_right
    while lo < hi:
        mid = (lo + hi) // 2
        if x < xp[mid]:
            hi = mid
        else:
            lo = mid + 1
    j = lo - 1
    if j < 0:
        return fp[0]
    if j >= xp.shape[0] - 1:
        return fp[xp.shape[0] - 1]
    if xp[j] == x:
        return fp[j]
    slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
    y = slope * (x - xp[j]) + fp[j]
    if y != y:
        y = slope * (x - xp[j + 1]) + fp[j + 1]
        if y != y and fp[j] == fp[j + 1]:
            y = fp[j]
    return y


def advance(k: cython.double[:], tables: tuple, spo2_now: cython.double[:], dose_now: cython.double[:],
            injury_dose_s: cython.double[:], vacuum_s: cython.double[:], state_now: cython.schar[:],
            injury: cython.schar[:], p_recent_bar: cython.double[:], rapid_now: cython.double[:],
            arrest_dose_s: cython.double[:], knocked_out: cython.uchar[:], pressure_bar: cython.double[:, :],
            pao2: cython.double[:, :], keep_rise: cython.double[:, :], keep_fall: cython.double[:, :],
            std_rate: cython.double[:, :], rapid_extra: cython.double[:, :], dosing: cython.uchar[:, :],
            exposure: cython.double[:, :], exposed: cython.bint, s: cython.Py_ssize_t,
            dt: cython.double) -> np.ndarray:
    """physiology.advance on the Bodies' arrays and step s of the Breath's, in place: what numpy
    did person by person across everybody (its flags, any one unconscious, arresting or exposed,
    decide for all), in one pass. The dead are frozen: their rows are never written. Returns
    the indices of the people whose state changed."""
    curve_spo2: cython.double[:] = tables[0]
    curve_po2: cython.double[:] = tables[1]
    arrest_2spo2: cython.double[:] = tables[2]
    injury_2spo2: cython.double[:] = tables[3]
    injury_rate: cython.double[:] = tables[4]
    injury_grade_s: cython.double[:] = tables[5]
    i: cython.Py_ssize_t
    grade: cython.Py_ssize_t
    old_spo2: cython.double
    new_spo2: cython.double
    p: cython.double
    a: cython.double
    po2: cython.double
    keep: cython.double
    gap: cython.double
    r: cython.double
    rate: cython.double
    d: cython.double
    ar: cython.double
    h: cython.double
    impairing: cython.int
    lingering: cython.int
    entering: cython.int
    st: cython.int
    n: cython.Py_ssize_t = spo2_now.shape[0]
    spo2_a, dose_a, rapid_a, arrest_a = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    state_a, changed_a = np.empty(n, np.int8), np.empty(n, np.intp)
    spo2: cython.double[:] = spo2_a
    dose: cython.double[:] = dose_a
    rapid: cython.double[:] = rapid_a
    arrest_rate: cython.double[:] = arrest_a
    state: cython.schar[:] = state_a
    changed: cython.Py_ssize_t[:] = changed_a
    recent_keep: cython.double = exp(-dt / k[K_RECENT_TAU_S])
    healing: cython.double = exp(-dt / k[K_TAU_DOSE_RECOVERY_S])
    any_out: cython.bint = False
    any_arrest: cython.bint = False
    for i in range(n):
        old_spo2 = spo2_now[i]
        p = pressure_bar[s, i]
        a = pao2[s, i]
        po2 = _interp(old_spo2, curve_spo2, curve_po2)
        keep = keep_rise[s, i] if a > po2 else keep_fall[s, i]
        new_spo2 = _interp(a + (po2 - a) * keep, curve_po2, curve_spo2)
        # how fast the pressure fell: a gap below the recent pressure marks a rapid decompression
        gap = (p_recent_bar[i] - p) / k[K_RAPID_GAP_BAR]  # np.maximum and np.minimum: NaN goes through
        gap = gap if gap >= 0.0 or gap != gap else 0.0
        gap = gap if gap <= 1.0 or gap != gap else 1.0
        r = rapid_now[i]
        r = r if r >= gap or r != r else gap
        if dosing[s, i]:
            rate = std_rate[s, i] + r * rapid_extra[s, i]
            d = dose_now[i] + rate * dt
        else:
            d = dose_now[i] * healing
            r = r * healing  # forgotten once the O2 is back
        # Hysteresis: impairment starts at either threshold and clears only when dose and
        # saturation are both back past the milder pair; the unconscious wake impaired.
        impairing = 1 if d >= k[K_IMPAIRED_DOSE] or new_spo2 < k[K_IMPAIRED_SPO2] else 0
        lingering = 1 if d >= k[K_CLEAR_DOSE] or new_spo2 < k[K_CLEAR_SPO2] else 0
        entering = impairing + (1 if d >= k[K_LOC_DOSE] else 0)
        st = max(entering, min(state_now[i], impairing + lingering))
        if knocked_out[i] and st < UNCONSCIOUS:
            st = UNCONSCIOUS
        spo2[i] = new_spo2
        dose[i] = d
        rapid[i] = r
        state[i] = st
        any_out = any_out or state_now[i] == UNCONSCIOUS
        ar = _interp(old_spo2 + new_spo2, arrest_2spo2, injury_rate)
        arrest_rate[i] = ar
        any_arrest = any_arrest or (state_now[i] != DEAD and ar > 0.0)
    if any_out:  # only the unconscious accumulate injury (mean SpO2 over the step)
        for i in range(n):
            if state_now[i] == UNCONSCIOUS:
                injury_dose_s[i] = injury_dose_s[i] + _interp(spo2_now[i] + spo2[i], injury_2spo2,
                                                                 injury_rate) * dt
            grade = 0  # searchsorted, side="right"
            while grade < injury_grade_s.shape[0] and not injury_dose_s[i] < injury_grade_s[grade]:
                grade += 1
            if grade > injury[i]:
                injury[i] = grade
    if any_arrest:  # the heart, awake or not (mean SpO2 over the step)
        for i in range(n):
            if state_now[i] != DEAD and arrest_rate[i] > 0.0:
                arrest_dose_s[i] = arrest_dose_s[i] + arrest_rate[i] * dt
    if exposed:
        for i in range(n):
            if state_now[i] != DEAD:
                vacuum_s[i] = vacuum_s[i] + exposure[s, i] * dt
    if any_out or exposed or any_arrest:
        for i in range(n):
            h = injury_dose_s[i]
            h = h if h >= arrest_dose_s[i] or h != h else arrest_dose_s[i]
            if h / k[K_DEATH_INJURY_S] + vacuum_s[i] / k[K_VACUUM_DEATH_S] >= 1.0:
                state[i] = DEAD
    count: cython.Py_ssize_t = 0
    for i in range(n):
        if state_now[i] == DEAD:
            continue  # the dead are frozen
        if state[i] == DEAD:
            spo2[i] = 0.0  # no circulation after death
        if state[i] != state_now[i]:
            changed[count] = i
            count += 1
        spo2_now[i] = spo2[i]
        dose_now[i] = dose[i]
        state_now[i] = state[i]
        rapid_now[i] = rapid[i]
        p = pressure_bar[s, i]
        p_recent_bar[i] = p + (p_recent_bar[i] - p) * recent_keep
    return changed_a[:count]
