"""Gas flow between compartments: ideal-gas state, orifice flow and the per-tick update.

Owns only the atmosphere's numbers: moles of O2 and of everything else (treated as N2)
and a temperature per compartment, moved through `Openings`. Pure numpy, deterministic,
no clock, no random.

Temperature: gas leaving a compartment lets what stays behind expand isentropically
(T' = T (n'/n)^(GAMMA-1)), and carries exactly the internal energy it took with it to
the compartment it enters, so a fast blowdown follows the adiabatic closed form. Walls
give heat back at a conductance (W/K) per compartment, T relaxing exactly toward the
wall temperature over the step; a slow leak, whose gas the walls keep warm, follows the
isothermal closed form. Without a temperature array the step is isothermal at T_K.
Mass flow follows the orifice law with R_AIR at the upstream temperature; the moles
moved are that mass over the upstream mix's molar mass. For 21 % O2 that is 28.84 g/mol
against the 28.97 implied by R_AIR, so a leak runs 0.45 % faster than the closed form's tau.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from math import sqrt

import numpy as np

from game.sim.constants import CV_MOL, GAMMA, M_N2, M_O2, MARS_PRESSURE_PA, MARS_TEMPERATURE_K, R, R_AIR, T_K


_RT = R * T_K
CRITICAL_RATIO = (2.0 / (GAMMA + 1.0)) ** (GAMMA / (GAMMA - 1.0))  # ~0.528
# characteristic velocity of a choked leak, ~199 m/s: tau = V / (Cd * A * c*)
_CHOKE = (2.0 / (GAMMA + 1.0)) ** ((GAMMA + 1.0) / (2.0 * (GAMMA - 1.0)))
C_STAR_M_S = sqrt(GAMMA * R_AIR * T_K) * _CHOKE
_SQRT_K = sqrt(2.0 * GAMMA / ((GAMMA - 1.0) * R_AIR * T_K))  # subsonic orifice constant, s/m
_TINY = 1e-300  # keeps 0/0 at 0 without a masked divide


def pressure_pa(n_mol: np.ndarray, volume_m3: np.ndarray, temp_k: np.ndarray | float = T_K) -> np.ndarray:
    """Ideal-gas pressure; the sim stores moles so partial pressures follow for free."""
    return np.asarray(n_mol, dtype=float) * R * np.asarray(temp_k, dtype=float) / np.asarray(volume_m3, dtype=float)


def moles_for(pressure_pa: np.ndarray, volume_m3: np.ndarray, temp_k: np.ndarray | float = T_K) -> np.ndarray:
    """Moles that give `pressure_pa` in `volume_m3` at `temp_k` (to fill compartments from a level)."""
    return np.asarray(pressure_pa, dtype=float) * np.asarray(volume_m3, dtype=float) / (R * np.asarray(temp_k, dtype=float))


def add_gas(n_o2: np.ndarray, n_other: np.ndarray, temp_k: np.ndarray | None, d_o2: np.ndarray,
            d_other: np.ndarray | float = 0.0, supply_temp_k: float = T_K) -> None:
    """Let gas in from a pressurised store, in place. The gas brings its enthalpy
    (GAMMA * CV * T per mole), so filling a near-empty room warms it, as a tank does."""
    no_other = isinstance(d_other, float) and d_other == 0.0  # O2 alone (the emergency feed): nothing to add
    if temp_k is not None:
        n = n_o2 + n_other
        dn = d_o2 if no_other else d_o2 + d_other
        heat = n * temp_k
        heat += (GAMMA * supply_temp_k) * dn
        n += dn
        np.divide(heat, n, out=temp_k, where=n > _TINY_A)
    n_o2 += d_o2
    if not no_other:
        n_other += d_other


# Constants as 0-d arrays: numpy takes a Python float operand at about twice the cost of an
# array one (the same number, the same arithmetic). The per-tick step is some seventy calls
# on arrays of a few dozen, so the cost of a call is the cost of the step.
_TINY_A = np.array(_TINY)
_NEG_TINY_A = np.array(-_TINY)
_ZERO_A = np.array(0.0)
_ONE_A = np.array(1.0)
_MINUS_ONE_A = np.array(-1.0)
_CRITICAL_A = np.array(CRITICAL_RATIO)
_INV_GAMMA_A = np.array(1.0 / GAMMA)
_GAMMA_1_A = np.array(GAMMA - 1.0)
_T_K_A = np.array(T_K)
_R_A = np.array(R)
_M_N2_A = np.array(M_N2)
_DM_A = np.array(M_O2 - M_N2)


def _flow_factor(ratio: np.ndarray) -> np.ndarray:
    """sqrt(r**(2/GAMMA) - r**((GAMMA+1)/GAMMA)) for r = p_down/p_up <= 1; overwrites ratio.

    The subsonic form at the critical ratio equals the choked form exactly, so clamping r
    at CRITICAL_RATIO gives both regimes in one expression; with s = r**(1/GAMMA) the
    bracket is s*(s - r), which costs a single power.
    """
    r = np.maximum(ratio, _CRITICAL_A, out=ratio)
    s = np.power(r, _INV_GAMMA_A)
    np.subtract(s, r, out=r)
    r *= s
    np.maximum(r, _ZERO_A, out=r)  # rounding just below r = 1
    return np.sqrt(r, out=r)


def orifice_mass_flow_kg_s(p_up_pa: np.ndarray, p_down_pa: np.ndarray,
                           area_m2: np.ndarray, cd: np.ndarray) -> np.ndarray:
    """Compressible orifice flow from p_up to p_down: choked at or below the critical
    ratio, subsonic above it, 0 when p_up <= p_down."""
    p_up = np.asarray(p_up_pa, dtype=float)
    ratio = np.asarray(p_down_pa, dtype=float) / np.maximum(p_up, _TINY)
    ratio = np.asarray(np.minimum(ratio, 1.0))  # 0-d stays an array for the out= below
    return _SQRT_K * np.asarray(cd) * np.asarray(area_m2) * p_up * _flow_factor(ratio)


def blowdown_tau_s(volume_m3: np.ndarray, area_m2: np.ndarray, cd: np.ndarray) -> np.ndarray:
    """Time constant V/(Cd*A*c*) of a choked leak; the initial fall rate is p0/tau."""
    return np.asarray(volume_m3, dtype=float) / (np.asarray(cd) * np.asarray(area_m2) * C_STAR_M_S)


def isothermal_blowdown_pa(p0_pa: np.ndarray, t_s: np.ndarray, volume_m3: np.ndarray,
                           area_m2: np.ndarray, cd: np.ndarray) -> np.ndarray:
    """Closed form p0*exp(-t/tau) of a choked isothermal leak to vacuum: the test oracle."""
    return np.asarray(p0_pa) * np.exp(-np.asarray(t_s) / blowdown_tau_s(volume_m3, area_m2, cd))


def adiabatic_blowdown_pa(p0_pa: np.ndarray, t_s: np.ndarray, volume_m3: np.ndarray,
                          area_m2: np.ndarray, cd: np.ndarray) -> np.ndarray:
    """Closed form of a choked adiabatic blowdown to vacuum: the fast-decompression bound."""
    tau = blowdown_tau_s(volume_m3, area_m2, cd)
    return np.asarray(p0_pa) * (1.0 + 0.5 * (GAMMA - 1.0) * np.asarray(t_s) / tau) ** (
        -2.0 * GAMMA / (GAMMA - 1.0))


@dataclass
class Openings:
    """All gas paths for one step, fixed between topology changes (b == -1 is OUTSIDE).

    Areas and Cd may be changed in place (a door swinging); build a new Openings when
    a or b change, since index tables derived from them are cached.
    """

    a: np.ndarray
    b: np.ndarray
    area_m2: np.ndarray
    cd: np.ndarray
    _cache: tuple = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.a = np.asarray(self.a, dtype=np.int32)
        self.b = np.asarray(self.b, dtype=np.int32)
        self.area_m2 = np.asarray(self.area_m2, dtype=np.float64)
        self.cd = np.asarray(self.cd, dtype=np.float64)
        if not (self.a.shape == self.b.shape == self.area_m2.shape == self.cd.shape):
            raise ValueError("Openings arrays must all have one entry per opening")
        if np.any(self.a < 0) or np.any(self.b < -1) or np.any(self.a == self.b):
            raise ValueError("Openings: a must be a compartment, b a different one or -1")

    def _tables(self, n_compartments: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Index tables: (a; b+S) and (b; a+S) with OUTSIDE as slot nc (S = nc + 1 slots,
        the second row offset so one bincount serves both ends), and the scatter index for
        [O2 +, other +, O2 -, other -]: into compartments, or a's vent bin when b is OUTSIDE."""
        if not self._cache or self._cache[0] != n_compartments:
            nc, slots = n_compartments, n_compartments + 1
            b = np.where(self.b < 0, nc, self.b).astype(np.intp)
            a = self.a.astype(np.intp)
            ab = np.stack((a, b + slots))
            ba = np.stack((b, a + slots))
            into = np.where(self.b < 0, a + nc, b)  # bins: nc compartments, then nc vents
            scatter = np.concatenate((into, into + 2 * nc, a, a + 2 * nc))
            self._cache = (nc, ab, ba, scatter)
        return self._cache[1:]


def step_gas(n_o2: np.ndarray, n_other: np.ndarray, volume_m3: np.ndarray, openings: Openings,
             dt: float, outside_pressure_pa: float = MARS_PRESSURE_PA,
             o2_feed_mol_s: np.ndarray | None = None, temp_k: np.ndarray | None = None,
             wall_w_k: np.ndarray | None = None,
             outside_temp_k: float = MARS_TEMPERATURE_K) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Advance the gas by dt in place; return (flow_kg_s per opening, +a->b, mean over the
    step; vented_o2_mol and vented_other_mol per compartment, negative when drawn in).

    Each opening moves x = eq*(1 - exp(-q*dt/eq)), eq being the moles that would equalise
    its pair and q the orifice molar flow at the start of the step. That never passes the
    pair's equilibrium however stiff the link, and is exact for a choked leak to vacuum
    (there q/eq is constant). A compartment with several openings then has its outflows
    (and inflows) scaled so their total stays within the flow-weighted mean of the eq's,
    so it never ends below the lowest (above the highest) pair equilibrium it touches:
    no new extremes, no negative gas, a vented room never sucked below the outside.
    The feed goes in first, so the flows see this tick's pressures. With `temp_k` the
    temperatures move too (see the module's docstring); `wall_w_k` is each compartment's
    wall conductance, W/K.
    """
    if o2_feed_mol_s is not None:
        add_gas(n_o2, n_other, temp_k, o2_feed_mol_s * dt)
    nc = n_o2.shape[0]
    slots = nc + 1  # compartments, then OUTSIDE; the rows hold two copies (see _tables)
    ab, ba, scatter = openings._tables(nc)

    n = n_o2 + n_other
    t_slot = np.empty(slots)
    t_slot[:nc] = T_K if temp_k is None else temp_k
    t_slot[nc] = outside_temp_k
    tab = np.empty((3, 2 * slots))  # per slot: pressure, Pa per mole, O2 fraction
    p, pa_per_mol, f_o2 = tab[0], tab[1], tab[2]
    ppm = pa_per_mol[:nc]
    np.multiply(t_slot[:nc], _R_A, out=ppm)
    np.divide(ppm, volume_m3, out=ppm)
    pa_per_mol[nc] = 0.0  # OUTSIDE has infinite volume
    np.multiply(n, ppm, out=p[:nc])
    p[nc] = outside_pressure_pa
    f = f_o2[:nc]
    np.maximum(n, _TINY_A, out=f)
    np.divide(n_o2, f, out=f)
    f_o2[nc] = 0.0  # Mars air carries no O2
    tab[:, slots:] = tab[:, :slots]

    p_ab = p[ab]
    gap = p_ab[0] - p_ab[1]
    ud = np.where(gap >= _ZERO_A, ab, ba)  # (upstream; downstream + S)
    up = ud[0]
    p_ud = p[ud]
    p_up, p_down = p_ud[0], p_ud[1]
    f_up = f_o2[up]
    molar_mass = f_up * _DM_A
    molar_mass += _M_N2_A
    ppm_ud = pa_per_mol[ud]
    neg_eq = p_down - p_up  # -(moles that equalise the pair)
    neg_eq /= ppm_ud[0] + ppm_ud[1]
    q_dt = openings.cd * openings.area_m2
    rate = p_up * (dt * _SQRT_K)
    rate /= molar_mass
    q_dt *= rate
    ratio = np.maximum(p_up, _TINY_A)
    np.divide(p_down, ratio, out=ratio)
    q_dt *= _flow_factor(ratio)
    if temp_k is not None:
        t_up = t_slot[up]  # the orifice law's 1/sqrt(T_up)
        np.maximum(t_up, _ONE_A, out=t_up)
        np.divide(_T_K_A, t_up, out=t_up)
        q_dt *= np.sqrt(t_up, out=t_up)
    x = np.minimum(neg_eq, _NEG_TINY_A)
    np.divide(q_dt, x, out=x)
    np.expm1(x, out=x)
    x *= neg_eq

    # Scale each compartment's outflows (row 0) and inflows (row 1) so their total stays
    # within the x-weighted mean of the eq's; x*neg_eq < 0 so lim comes out negated.
    w = np.empty_like(p_ud)
    w[:] = x
    flat = ud.ravel()
    total = np.bincount(flat, w.ravel(), 2 * slots)
    w *= neg_eq
    lim = np.bincount(flat, w.ravel(), 2 * slots) / (total * total + _TINY_A)  # (bincount of nothing is int)
    np.maximum(lim, _MINUS_ONE_A, out=lim)
    lim[nc] = lim[-1] = -1.0  # the outside gives and takes without limit
    lim_ud = lim[ud]
    x *= np.maximum(lim_ud[0], lim_ud[1], out=lim_ud[0])  # now -x

    if temp_k is not None:
        _move_heat(n, temp_k, up, ud[1] - slots, -x, nc, outside_temp_k)
    signed = np.copysign(x, gap, out=x)  # moles a -> b
    w = np.empty((4, x.shape[0]))
    np.multiply(signed, f_up, out=w[0])
    np.subtract(signed, w[0], out=w[1])
    np.negative(w[:2], out=w[2:])
    moved = np.bincount(scatter, w.ravel(), 4 * nc).reshape(2, 2 * nc)
    n_o2 += moved[0, :nc]
    n_other += moved[1, :nc]
    np.maximum(n_o2, _ZERO_A, out=n_o2)  # only rounding can dip below 0 here
    np.maximum(n_other, _ZERO_A, out=n_other)
    if temp_k is not None and wall_w_k is not None:
        warm_walls(n_o2 + n_other, temp_k, wall_w_k, dt)
    signed *= molar_mass
    signed /= dt
    return signed, moved[0, nc:], moved[1, nc:]


def _move_heat(n: np.ndarray, temp_k: np.ndarray, up: np.ndarray, down: np.ndarray,
               moles: np.ndarray, nc: int, outside_temp_k: float) -> None:
    """Temperatures after `moles` move up -> down (slot nc is the outside), in place.

    What stays behind expands isentropically; each opening carries its share of the
    energy its upstream lost (from the outside: enthalpy at outside_temp_k), so the
    energy of the compartments changes only by what crosses the hull. Energies are
    in units of CV_MOL, which cancels.
    """
    slots = nc + 1
    out_n = np.bincount(up, moles, slots)[:nc]
    kept = n - out_n
    np.maximum(kept, _ZERO_A, out=kept)
    kept_heat = np.maximum(n, _TINY_A)
    np.divide(kept, kept_heat, out=kept_heat)
    np.power(kept_heat, _GAMMA_1_A, out=kept_heat)
    kept_heat *= temp_k  # T' of what stays...
    kept_heat *= kept  # ...times its moles
    per_mol = np.empty(slots)  # energy each mole leaving a compartment carries
    lost = per_mol[:nc]
    np.multiply(n, temp_k, out=lost)
    lost -= kept_heat
    np.maximum(out_n, _TINY_A, out=out_n)  # 0 where nothing left
    lost /= out_n
    per_mol[nc] = GAMMA * outside_temp_k
    carried = per_mol[up]
    carried *= moles
    heat_in = np.bincount(down, carried, slots)[:nc]
    total = np.bincount(down, moles, slots)[:nc]
    total += kept
    kept_heat += heat_in
    np.divide(kept_heat, total, out=temp_k, where=total > _TINY_A)


def warm_walls(n: np.ndarray, temp_k: np.ndarray, wall_w_k: np.ndarray, dt: float,
               wall_temp_k: float = T_K) -> None:
    """Relax each compartment's air toward the wall temperature over dt, exactly for
    a heat flow wall_w_k * (T_wall - T) into n moles of CV_MOL each."""
    keep = np.exp(-wall_w_k * dt / (CV_MOL * np.maximum(n, _TINY)))
    temp_k -= wall_temp_k
    temp_k *= keep
    temp_k += wall_temp_k
