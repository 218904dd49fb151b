"""Gas flow between compartments: ideal-gas state, orifice flow and the per-tick update.

Owns only the atmosphere's numbers: moles of O2 and of everything else (treated as N2)
and a temperature per compartment, moved through `Openings`. numpy, and loops compiled
by Cython (gas_kernels); deterministic, no clock, no random.

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

from game.sim import gas_kernels
from game.sim.compiled import fast
from game.sim.constants import CV_MOL, GAMMA, M_N2, M_O2, MARS_PRESSURE_PA, MARS_TEMPERATURE_K, R, R_AIR, T_K


_RT = R * T_K
CRITICAL_RATIO = (2.0 / (GAMMA + 1.0)) ** (GAMMA / (GAMMA - 1.0))  # ~0.528
# characteristic velocity of a choked leak, ~199 m/s: tau = V / (Cd * A * c*)
_CHOKE = (2.0 / (GAMMA + 1.0)) ** ((GAMMA + 1.0) / (2.0 * (GAMMA - 1.0)))
C_STAR_M_S = sqrt(GAMMA * R_AIR * T_K) * _CHOKE
_SQRT_K = sqrt(2.0 * GAMMA / ((GAMMA - 1.0) * R_AIR * T_K))  # subsonic orifice constant, s/m
_TINY = 1e-300  # keeps 0/0 at 0 without a masked divide
# The loops, compiled (or the plain module where nothing compiles); their slots and rows are
# C constants once compiled, so they are read from the plain module.
kernels = fast(gas_kernels)


def pressure_pa(n_mol: np.ndarray, volume_m3: np.ndarray, temp_k: np.ndarray | float = T_K) -> np.ndarray:
    """Ideal-gas pressure; the sim stores moles so partial pressures follow for free."""
    return np.asarray(n_mol, dtype=float) * R * np.asarray(temp_k, dtype=float) / np.asarray(volume_m3, dtype=float)


def moles_for(pressure_pa: np.ndarray, volume_m3: np.ndarray, temp_k: np.ndarray | float = T_K) -> np.ndarray:
    """Moles that give `pressure_pa` in `volume_m3` at `temp_k` (to fill compartments from a level)."""
    return np.asarray(pressure_pa, dtype=float) * np.asarray(volume_m3, dtype=float) / (R * np.asarray(temp_k, dtype=float))


def add_gas(n_o2: np.ndarray, n_other: np.ndarray, temp_k: np.ndarray | None, d_o2: np.ndarray,
            d_other: np.ndarray | None = None, supply_temp_k: float = T_K) -> None:
    """Let gas in from a pressurised store, in place. The gas brings its enthalpy
    (GAMMA * CV * T per mole), so filling a near-empty room warms it, as a tank does."""
    kernels.add_gas(_K, n_o2, n_other, temp_k, d_o2, d_other, 1.0, GAMMA * supply_temp_k)


# The constants the compiled loops read, passed in: the loops need nothing of other modules.
_K = np.empty(8)
_K[gas_kernels.K_TINY] = _TINY
_K[gas_kernels.K_CRITICAL] = CRITICAL_RATIO
_K[gas_kernels.K_T] = T_K
_K[gas_kernels.K_R] = R
_K[gas_kernels.K_M_N2] = M_N2
_K[gas_kernels.K_DM] = M_O2 - M_N2
_K[gas_kernels.K_SQRT_K] = _SQRT_K
_K[gas_kernels.K_GAMMA] = GAMMA
# numpy's power and expm1 (see gas_kernels), their exponents as 0-d arrays as ever.
_INV_GAMMA_A = np.array(1.0 / GAMMA)
_GAMMA_1_A = np.array(GAMMA - 1.0)


def _flow_factor(ratio: np.ndarray) -> np.ndarray:
    """sqrt(r**(2/GAMMA) - r**((GAMMA+1)/GAMMA)) for r = p_down/p_up <= 1 (gas_kernels.flow_factor).

    The subsonic form at the critical ratio equals the choked form exactly, so clamping r
    at CRITICAL_RATIO gives both regimes in one expression.
    """
    r = np.asarray(np.maximum(ratio, CRITICAL_RATIO), dtype=float)
    s = np.power(r, _INV_GAMMA_A)
    out = np.empty(r.shape)
    kernels.flow_factors(np.ravel(s), np.ravel(r), out.reshape(-1))
    return out


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
    a or b change.
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

    def _scratch(self, n_compartments: int) -> tuple:
        """The compiled step's working tables (gas_kernels' rows), kept between steps as
        allocating them cost more than filling them: per slot (compartments, then OUTSIDE),
        per opening, each opening's (upstream; downstream) slots and per-slot sums; then the
        rows numpy raises to a power or expm1s in place."""
        if not self._cache or self._cache[0] != n_compartments:
            slots, m = n_compartments + 1, self.a.shape[0]
            node, link = np.empty((7, slots)), np.empty((9, m))
            self._cache = (n_compartments, node, link, np.empty((2, m), np.intp), np.empty((7, slots)),
                           link[gas_kernels.L_RATIO], link[gas_kernels.L_S], link[gas_kernels.L_X],
                           node[gas_kernels.N_KEPT_RATIO, :n_compartments])
        return self._cache[1:]


def step_gas(n_o2: np.ndarray, n_other: np.ndarray, volume_m3: np.ndarray, openings: Openings,
             dt: float, outside_pressure_pa: float = MARS_PRESSURE_PA,
             o2_feed_mol_s: np.ndarray | None = None, temp_k: np.ndarray | None = None,
             wall_w_k: np.ndarray | None = None,
             outside_temp_k: float = MARS_TEMPERATURE_K) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Advance the gas by dt in place; return (flow_kg_s per opening, +a->b, mean over the
    step; vented_o2_mol and vented_other_mol per compartment, negative when drawn in).
    The arithmetic is gas_kernels' compiled loops, with numpy's power and expm1 between.

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
    nc, m = n_o2.shape[0], openings.a.shape[0]
    if o2_feed_mol_s is not None:  # first, so the flows see this tick's pressures
        kernels.add_gas(_K, n_o2, n_other, temp_k, o2_feed_mol_s, None, dt, GAMMA * T_K)
    node, link, ud, sums, ratio, s, x, kept = openings._scratch(nc)
    with_temp = temp_k is not None
    kernels.links(_K, n_o2, n_other, volume_m3, temp_k, openings.a, openings.b, openings.cd, openings.area_m2, dt,
                  outside_pressure_pa, outside_temp_k, node, link, ud)
    np.power(ratio, _INV_GAMMA_A, out=s)
    kernels.exponents(_K, link, with_temp)
    np.expm1(x, out=x)
    kernels.limit(_K, link, ud, node, sums, with_temp)
    if with_temp:  # the share of each compartment's gas that stays, to the GAMMA - 1
        np.power(kept, _GAMMA_1_A, out=kept)
    flow = np.empty(m)
    moved = np.empty(4 * nc)  # O2 in, O2 vented, other in, other vented
    kernels.finish(_K, link, ud, node, sums, openings.a, openings.b, temp_k, n_o2, n_other, dt, flow, moved)
    if temp_k is not None and wall_w_k is not None:
        warm_walls(n_o2 + n_other, temp_k, wall_w_k, dt)
    return flow, moved[nc:2 * nc], moved[3 * nc:]


def warm_walls(n: np.ndarray, temp_k: np.ndarray, wall_w_k: np.ndarray, dt: float,
               wall_temp_k: float = T_K) -> None:
    """Relax each compartment's air toward the wall temperature over dt, exactly for
    a heat flow wall_w_k * (T_wall - T) into n moles of CV_MOL each."""
    keep = np.exp(-wall_w_k * dt / (CV_MOL * np.maximum(n, _TINY)))
    temp_k -= wall_temp_k
    temp_k *= keep
    temp_k += wall_temp_k

