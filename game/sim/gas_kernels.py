"""The gas step's loops, compiled by Cython (game.sim.compiled): one pass over the openings or compartments
where numpy needed a call per operation (the step was ~95 calls on arrays of a few dozen).

Bit for bit what numpy's elementwise arithmetic gives: no fastmath (no fused multiply-add,
no reassociation), each expression evaluated in numpy's order, sums over openings
(np.bincount's) added in input order. The power, expm1 and exp of the step stay numpy calls
in gas.py: numpy evaluates them with its own SIMD kernels, which differ from the C library's
(what the compiled code calls) by an ulp on a few values in a hundred. Physical constants
come in the `k` array, so the loops need nothing of other modules.

A plain-Python module with Cython's annotations: run as it is, it is the reference (and the
fallback where nothing compiles); the slots and rows below are C constants once compiled, so
gas.py reads them from this plain module.
"""
from __future__ import annotations

try:
    import cython
except ImportError:  # no Cython: these loops run as plain Python (game.sim.compiled)
    from game.sim.compiled import plain_cython as cython
if cython.compiled:  # the C library's, as Python's math module calls them
    from cython.cimports.libc.math import copysign, isnan, sqrt
else:
    from math import copysign, isnan, sqrt

# Slots of the constants array gas.py builds (gas._K).
K_TINY = cython.declare(cython.Py_ssize_t, 0)
K_CRITICAL = cython.declare(cython.Py_ssize_t, 1)
K_T = cython.declare(cython.Py_ssize_t, 2)
K_R = cython.declare(cython.Py_ssize_t, 3)
K_M_N2 = cython.declare(cython.Py_ssize_t, 4)
K_DM = cython.declare(cython.Py_ssize_t, 5)
K_SQRT_K = cython.declare(cython.Py_ssize_t, 6)
K_GAMMA = cython.declare(cython.Py_ssize_t, 7)
# Rows of the per-slot table (compartments, then OUTSIDE in slot nc).
N_N = cython.declare(cython.Py_ssize_t, 0)
N_PPM = cython.declare(cython.Py_ssize_t, 1)
N_P = cython.declare(cython.Py_ssize_t, 2)
N_F = cython.declare(cython.Py_ssize_t, 3)
N_T = cython.declare(cython.Py_ssize_t, 4)
N_KEPT_RATIO = cython.declare(cython.Py_ssize_t, 5)
N_KEPT = cython.declare(cython.Py_ssize_t, 6)
# Rows of the per-opening table.
L_GAP = cython.declare(cython.Py_ssize_t, 0)
L_F_UP = cython.declare(cython.Py_ssize_t, 1)
L_MOLAR_MASS = cython.declare(cython.Py_ssize_t, 2)
L_NEG_EQ = cython.declare(cython.Py_ssize_t, 3)
L_Q = cython.declare(cython.Py_ssize_t, 4)
L_SQRT_T = cython.declare(cython.Py_ssize_t, 5)
L_RATIO = cython.declare(cython.Py_ssize_t, 6)
L_X = cython.declare(cython.Py_ssize_t, 7)
L_S = cython.declare(cython.Py_ssize_t, 8)
# Rows of the per-slot sums (np.bincount's).
S_OUT_X = cython.declare(cython.Py_ssize_t, 0)
S_IN_X = cython.declare(cython.Py_ssize_t, 1)
S_OUT_W = cython.declare(cython.Py_ssize_t, 2)
S_IN_W = cython.declare(cython.Py_ssize_t, 3)
S_OUT_N = cython.declare(cython.Py_ssize_t, 4)
S_HEAT_IN = cython.declare(cython.Py_ssize_t, 5)
S_IN_N = cython.declare(cython.Py_ssize_t, 6)



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


def add_gas(k: cython.double[:], n_o2: cython.double[:], n_other: cython.double[:], temp_k: cython.double[:] | None,
            d_o2: cython.double[:], d_other: cython.double[:] | None, d_scale: cython.double,
            heat_per_mol: cython.double) -> None:
    """gas.add_gas's loop, d_o2 (and d_other) times d_scale: the moles and their enthalpy in."""
    i: cython.Py_ssize_t
    do2: cython.double
    dother: cython.double
    n: cython.double
    dn: cython.double
    heat: cython.double
    tiny: cython.double = k[K_TINY]
    for i in range(n_o2.shape[0]):
        do2 = d_o2[i] * d_scale
        dother = 0.0
        if d_other is not None:
            dother = d_other[i] * d_scale
        if temp_k is not None:
            n = n_o2[i] + n_other[i]
            dn = do2
            if d_other is not None:
                dn = do2 + dother
            heat = n * temp_k[i]
            heat = heat + heat_per_mol * dn
            n = n + dn
            if n > tiny:
                temp_k[i] = heat / n
        n_o2[i] = n_o2[i] + do2
        if d_other is not None:
            n_other[i] = n_other[i] + dother


def links(k: cython.double[:], n_o2: cython.double[:], n_other: cython.double[:], volume_m3: cython.double[:],
          temp_k: cython.double[:] | None, a: cython.int[:], b: cython.int[:], cd: cython.double[:],
          area_m2: cython.double[:], dt: cython.double, outside_pa: cython.double, outside_temp_k: cython.double,
          node: cython.double[:, :], link: cython.double[:, :], ud: cython.Py_ssize_t[:, :]) -> None:
    """The slots' pressures and O2 fractions, then each opening's direction, equalising
    moles, orifice flow over dt before the flow factor, and pressure ratio clamped at the
    critical ratio (for gas.step_gas to raise to 1/GAMMA)."""
    i: cython.Py_ssize_t
    j: cython.Py_ssize_t
    aj: cython.Py_ssize_t
    bj: cython.Py_ssize_t
    up: cython.Py_ssize_t
    down: cython.Py_ssize_t
    n: cython.double
    t: cython.double
    ppm: cython.double
    gap: cython.double
    p_up: cython.double
    p_down: cython.double
    f_up: cython.double
    molar_mass: cython.double
    neg_eq: cython.double
    q: cython.double
    rate: cython.double
    nc: cython.Py_ssize_t = n_o2.shape[0]
    tiny: cython.double = k[K_TINY]
    for i in range(nc):
        n = n_o2[i] + n_other[i]
        t = k[K_T] if temp_k is None else temp_k[i]
        ppm = t * k[K_R]
        ppm = ppm / volume_m3[i]
        node[N_N, i] = n
        node[N_T, i] = t
        node[N_PPM, i] = ppm
        node[N_P, i] = n * ppm
        node[N_F, i] = n_o2[i] / _max(n, tiny)
    node[N_T, nc] = outside_temp_k
    node[N_PPM, nc] = 0.0  # OUTSIDE has infinite volume
    node[N_P, nc] = outside_pa
    node[N_F, nc] = 0.0  # Mars air carries no O2
    dt_k: cython.double = dt * k[K_SQRT_K]
    for j in range(a.shape[0]):
        aj = a[j]
        bj = b[j] if b[j] >= 0 else nc
        gap = node[N_P, aj] - node[N_P, bj]
        if gap >= 0.0:
            up, down = aj, bj
        else:
            up, down = bj, aj
        ud[0, j] = up
        ud[1, j] = down
        p_up = node[N_P, up]
        p_down = node[N_P, down]
        f_up = node[N_F, up]
        molar_mass = f_up * k[K_DM]
        molar_mass = molar_mass + k[K_M_N2]
        neg_eq = p_down - p_up  # -(moles that equalise the pair)
        neg_eq = neg_eq / (node[N_PPM, up] + node[N_PPM, down])
        q = cd[j] * area_m2[j]
        rate = p_up * dt_k
        rate = rate / molar_mass
        q = q * rate
        link[L_GAP, j] = gap
        link[L_F_UP, j] = f_up
        link[L_MOLAR_MASS, j] = molar_mass
        link[L_NEG_EQ, j] = neg_eq
        link[L_Q, j] = q
        link[L_RATIO, j] = _max(p_down / _max(p_up, tiny), k[K_CRITICAL])
        if temp_k is not None:  # the orifice law's 1/sqrt(T_up)
            link[L_SQRT_T, j] = sqrt(k[K_T] / _max(node[N_T, up], 1.0))


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def flow_factor(s: cython.double, r: cython.double) -> cython.double:
    """sqrt(r**(2/GAMMA) - r**((GAMMA+1)/GAMMA)) from r (clamped at the critical ratio) and
    s = r**(1/GAMMA): the bracket is s*(s - r), floored at 0 against rounding near r = 1."""
    return sqrt(_max((s - r) * s, 0.0))


def flow_factors(s: cython.double[:], r: cython.double[:], out: cython.double[:]) -> None:
    """flow_factor over flat arrays (gas.orifice_mass_flow_kg_s)."""
    i: cython.Py_ssize_t
    for i in range(r.shape[0]):
        out[i] = flow_factor(s[i], r[i])


def exponents(k: cython.double[:], link: cython.double[:, :], with_temp: cython.bint) -> None:
    """Each opening's orifice moles over dt divided by its equalising moles (negative): the
    argument of the expm1 that keeps a stiff link from passing its pair's equilibrium."""
    j: cython.Py_ssize_t
    q: cython.double
    tiny: cython.double = k[K_TINY]
    for j in range(link.shape[1]):
        q = link[L_Q, j] * flow_factor(link[L_S, j], link[L_RATIO, j])
        if with_temp:
            q = q * link[L_SQRT_T, j]
        link[L_X, j] = q / _min(link[L_NEG_EQ, j], -tiny)


def limit(k: cython.double[:], link: cython.double[:, :], ud: cython.Py_ssize_t[:, :], node: cython.double[:, :],
          sums: cython.double[:, :], with_temp: cython.bint) -> None:
    """Moles each opening moves (negated), its compartments' outflows and inflows scaled to
    stay within the flow-weighted mean of their pairs' equilibria; with temperatures, the
    share of each compartment's gas that stays (for gas.step_gas to raise to GAMMA - 1)."""
    i: cython.Py_ssize_t
    j: cython.Py_ssize_t
    x: cython.double
    w: cython.double
    total: cython.double
    kept: cython.double
    tiny: cython.double = k[K_TINY]
    slots: cython.Py_ssize_t = sums.shape[1]
    nc: cython.Py_ssize_t = slots - 1
    m: cython.Py_ssize_t = link.shape[1]
    sums[:, :] = 0.0
    for j in range(m):
        x = link[L_X, j] * link[L_NEG_EQ, j]  # expm1(...) * neg_eq: the moles moved, positive
        link[L_X, j] = x
        w = x * link[L_NEG_EQ, j]
        sums[S_OUT_X, ud[0, j]] += x
        sums[S_IN_X, ud[1, j]] += x
        sums[S_OUT_W, ud[0, j]] += w
        sums[S_IN_W, ud[1, j]] += w
    for i in range(slots):  # lim comes out negated, as x * neg_eq < 0
        total = sums[S_OUT_X, i]
        sums[S_OUT_W, i] = _max(sums[S_OUT_W, i] / (total * total + tiny), -1.0)
        total = sums[S_IN_X, i]
        sums[S_IN_W, i] = _max(sums[S_IN_W, i] / (total * total + tiny), -1.0)
    sums[S_OUT_W, nc] = -1.0  # the outside gives and takes without limit
    sums[S_IN_W, nc] = -1.0
    for j in range(m):
        link[L_X, j] = link[L_X, j] * _max(sums[S_OUT_W, ud[0, j]], sums[S_IN_W, ud[1, j]])  # now -x
    if with_temp:
        for j in range(m):
            sums[S_OUT_N, ud[0, j]] += -link[L_X, j]
        for i in range(nc):
            kept = _max(node[N_N, i] - sums[S_OUT_N, i], 0.0)
            node[N_KEPT, i] = kept
            node[N_KEPT_RATIO, i] = kept / _max(node[N_N, i], tiny)


def finish(k: cython.double[:], link: cython.double[:, :], ud: cython.Py_ssize_t[:, :], node: cython.double[:, :],
           sums: cython.double[:, :], a: cython.int[:], b: cython.int[:], temp_k: cython.double[:] | None,
           n_o2: cython.double[:], n_other: cython.double[:], dt: cython.double, flow: cython.double[:],
           moved: cython.double[:]) -> None:
    """Move the moles (and with temperatures their heat: gas._move_heat's account); fill
    flow (kg/s a -> b) and moved (O2 in, O2 vented, other in, other vented per compartment)."""
    i: cython.Py_ssize_t
    j: cython.Py_ssize_t
    into: cython.Py_ssize_t
    kept_heat: cython.double
    lost: cython.double
    moles: cython.double
    total: cython.double
    signed: cython.double
    o2: cython.double
    f: cython.double
    tiny: cython.double = k[K_TINY]
    slots: cython.Py_ssize_t = sums.shape[1]
    nc: cython.Py_ssize_t = slots - 1
    m: cython.Py_ssize_t = link.shape[1]
    if temp_k is not None:
        # What stays expands isentropically: T' = T (kept/n)^(GAMMA-1), node[N_KEPT_RATIO] raised
        # by step_gas; each mole out carries its share of the energy its compartment lost.
        for i in range(nc):
            kept_heat = node[N_KEPT_RATIO, i] * temp_k[i]
            kept_heat = kept_heat * node[N_KEPT, i]
            lost = node[N_N, i] * temp_k[i]
            lost = lost - kept_heat
            node[N_KEPT_RATIO, i] = kept_heat
            node[N_T, i] = lost / _max(sums[S_OUT_N, i], tiny)  # energy per mole leaving
        node[N_T, nc] = k[K_GAMMA] * node[N_T, nc]  # from the outside: its enthalpy
        for j in range(m):
            moles = -link[L_X, j]
            sums[S_HEAT_IN, ud[1, j]] += node[N_T, ud[0, j]] * moles
            sums[S_IN_N, ud[1, j]] += moles
        for i in range(nc):
            total = sums[S_IN_N, i] + node[N_KEPT, i]
            if total > tiny:
                temp_k[i] = (node[N_KEPT_RATIO, i] + sums[S_HEAT_IN, i]) / total
    moved[:] = 0.0
    for j in range(m):  # np.bincount's order: the into-rows for every opening, then the from-rows
        signed = copysign(link[L_X, j], link[L_GAP, j])  # moles a -> b
        link[L_X, j] = signed
        o2 = signed * link[L_F_UP, j]
        into = b[j] if b[j] >= 0 else a[j] + nc  # bins: nc compartments, then nc vents
        moved[into] += o2
        moved[into + 2 * nc] += signed - o2
    for j in range(m):
        o2 = link[L_X, j] * link[L_F_UP, j]
        moved[a[j]] += -o2
        moved[a[j] + 2 * nc] += -(link[L_X, j] - o2)
    for i in range(nc):
        n_o2[i] = _max(n_o2[i] + moved[i], 0.0)  # only rounding can dip below 0 here
        n_other[i] = _max(n_other[i] + moved[2 * nc + i], 0.0)
    for j in range(m):
        f = link[L_X, j] * link[L_MOLAR_MASS, j]
        flow[j] = f / dt
