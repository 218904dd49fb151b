"""Human physiology: blood oxygen, time of useful consciousness, hypoxic injury.

Owns the `Bodies` arrays (one row per person, struct-of-arrays) and the step
that advances everybody at once. Chain per step: breathed gas -> inspired PO2
-> alveolar PO2 -> arterial PO2 (first-order lag) -> saturation (Severinghaus).
Consciousness follows a time-of-useful-consciousness dose on inspired PO2;
injury accumulates while unconscious and deeply desaturated; death comes from
injury or from time below the Armstrong limit. Pure numpy, deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from game.sim.constants import AIR_O2_FRACTION, MMHG_PER_BAR, SEA_LEVEL_BAR, WATER_VAPOUR_MMHG
from game.sim.state import synced

CONSCIOUS, IMPAIRED, UNCONSCIOUS, DEAD = 0, 1, 2, 3
STATE_NAMES = ("conscious", "impaired", "unconscious", "dead")
INJURY_NONE, INJURY_MILD, INJURY_MODERATE, INJURY_SEVERE = 0, 1, 2, 3
INJURY_NAMES = ("none", "mild", "moderate", "severe")
SUPPLY_AMBIENT, SUPPLY_RESPIRATOR, SUPPLY_SUIT = 0, 1, 2
ARMSTRONG_LIMIT_BAR = 0.0627

SUIT_PRESSURE_BAR = 0.30  # suit regulator holds ~0.3 bar pure O2 whatever is outside
_SUIT_PIO2_MMHG = SUIT_PRESSURE_BAR * MMHG_PER_BAR - WATER_VAPOUR_MMHG

# Alveolar gas equation. PaCO2 falls linearly from 40 to 25 mmHg as inspired PO2
# drops from 120 to 60 mmHg (hypoxic hyperventilation). The ramp is what puts
# steady saturation at 8,000-17,500 ft inside the measured ranges.
RESPIRATORY_QUOTIENT = 0.8
PACO2_REST_MMHG, PACO2_HYPERVENTILATING_MMHG = 40.0, 25.0
HYPERVENTILATION_PIO2_MMHG = (60.0, 120.0)
_PACO2_PIO2 = np.array(HYPERVENTILATION_PIO2_MMHG)
_PACO2 = np.array([PACO2_HYPERVENTILATING_MMHG, PACO2_REST_MMHG])

# Arterial PO2 lags alveolar PO2 (lung and blood O2 stores). Lagging PO2 rather
# than saturation gives the flat-then-steep fall seen at altitude: 62 s fits
# 96/82/62 % at 30/60/120 s at 25,000 ft to within 3.5 points. Loading is faster
# than unloading (big gradient on 100 % O2): 45 s puts SpO2 back above 95 %
# about 15 s after a mask goes on. Below the Armstrong limit the lungs vent and
# boiling strips O2 from the blood, hence the short vacuum constant.
TAU_FALL_S, TAU_RISE_S, TAU_VACUUM_S = 62.0, 45.0, 15.0

# FAA standard TUC (tuc_table.csv): cabin pressure in mmHg -> middle of the
# published range in seconds, for air (FiO2 0.2095).
_FAA_TUC = (
    (379.5, 1500.0),  # 18,000 ft, 20-30 min
    (321.0, 600.0),  # 22,000 ft, 10 min
    (282.0, 240.0),  # 25,000 ft, 3-5 min
    (247.0, 165.0),  # 28,000 ft, 2.5-3 min
    (225.7, 90.0),  # 30,000 ft, 1-2 min
    (178.8, 45.0),  # 35,000 ft, 30-60 s
    (140.7, 17.5),  # 40,000 ft, 15-20 s
    (121.8, 10.5),  # 43,000 ft, 9-12 s
    (87.0, 10.5),  # 50,000 ft, 9-12 s
)
VACUUM_TUC_S = 10.0  # no inspired O2 at all: conscious 9-12 s
NO_DOSE_PIO2_MMHG = 83.0  # at or above this, no TUC dose accrues and the dose heals
# Dose rate (1/TUC) interpolated linearly in PIO2, falling to zero at 83 mmHg.
_DOSE_PIO2 = np.array(
    [0.0] + [AIR_O2_FRACTION * (p - WATER_VAPOUR_MMHG) for p, _ in reversed(_FAA_TUC)] + [NO_DOSE_PIO2_MMHG]
)
_DOSE_RATE = np.array([1.0 / VACUUM_TUC_S] + [1.0 / t for _, t in reversed(_FAA_TUC)] + [0.0])


def dose_rate(pio2_mmhg) -> np.ndarray:
    """TUC dose gathered per second breathing this inspired PO2 (what `step_bodies` adds up)."""
    return np.interp(pio2_mmhg, _DOSE_PIO2, _DOSE_RATE)


TAU_DOSE_RECOVERY_S = 20.0  # with O2 back, dose 1 -> 0.5 in ~14 s: wakes in ~15 s

# States, with hysteresis so a person at a threshold does not flicker. An
# unconscious person wakes (impaired) once neither impairing threshold holds.
IMPAIRED_DOSE, IMPAIRED_SPO2 = 0.5, 0.80  # enter impaired at either
CLEAR_DOSE, CLEAR_SPO2 = 0.4, 0.83  # back to conscious only below/above both
LOC_DOSE = 1.0

# Injury accrues only while unconscious: at full rate (1 s per s) at or below
# 40 % SpO2, not at all above 75 %, linear between. Thresholds in equivalent
# seconds of anoxia: injury from ~4 min, death a further ~5 min later.
INJURY_FULL_SPO2, INJURY_NONE_SPO2 = 0.40, 0.75
_INJURY_2SPO2 = np.array([2 * INJURY_FULL_SPO2, 2 * INJURY_NONE_SPO2])  # sum of two saturations
_INJURY_RATE = np.array([1.0, 0.0])
INJURY_GRADE_S = np.array([60.0, 150.0, 240.0])  # mild, moderate, severe (>=)
DEATH_INJURY_S = 540.0
VACUUM_DEATH_S = 150.0  # survivable to ~90 s, death likely after 2-4 min

_HORIZON_S = 12 * 3600.0  # time_to_* answers math.inf past this much simulated time


@dataclass
class Bodies:
    """Physiological state of every person; row i is person i of the world."""

    spo2: np.ndarray = synced()  # arterial O2 saturation, fraction 0..1
    dose: np.ndarray = synced()  # TUC dose; consciousness lost at >= 1; keeps growing, so long exposures wake slower
    injury_dose_s: np.ndarray = synced()  # equivalent seconds of anoxia while unconscious; never decreases
    vacuum_s: np.ndarray = synced()  # seconds below the Armstrong limit unprotected; never decreases
    state: np.ndarray = synced()  # int8 CONSCIOUS..DEAD
    injury: np.ndarray = synced()  # int8 worst grade reached; not healed here (brain injury heals over weeks)

    @classmethod
    def new(cls, n: int) -> "Bodies":
        """n healthy people who have been breathing sea-level air."""
        return cls(
            spo2=np.full(n, steady_state_spo2(SEA_LEVEL_BAR, AIR_O2_FRACTION)),
            dose=np.zeros(n),
            injury_dose_s=np.zeros(n),
            vacuum_s=np.zeros(n),
            state=np.zeros(n, dtype=np.int8),
            injury=np.zeros(n, dtype=np.int8),
        )

    def __len__(self) -> int:
        return len(self.spo2)

    def append(self) -> int:
        """Add one healthy person (arrays are reallocated); returns their index."""
        extra = Bodies.new(1)
        for f in fields(self):
            setattr(self, f.name, np.concatenate([getattr(self, f.name), getattr(extra, f.name)]))
        return len(self) - 1

    def copy(self) -> "Bodies":
        """An independent snapshot (for what-if runs and tests)."""
        return Bodies(**{f.name: getattr(self, f.name).copy() for f in fields(self)})


def _inspired(pressure_bar, o2_fraction, supply) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(PIO2 mmHg, FiO2, unsuited) for ambient air, a respirator or a suit."""
    supply = np.asarray(supply)
    unsuited = supply != SUPPLY_SUIT
    fio2 = np.where(supply == SUPPLY_AMBIENT, o2_fraction, 1.0)
    # fmax also maps a NaN fraction (e.g. from an emptied room) to no oxygen
    pio2 = np.fmax(fio2 * (np.multiply(pressure_bar, MMHG_PER_BAR) - WATER_VAPOUR_MMHG), 0.0)
    return np.where(unsuited, pio2, _SUIT_PIO2_MMHG), fio2, unsuited


def inspired_po2_mmhg(pressure_bar, o2_fraction, supply) -> np.ndarray:
    """PIO2 in mmHg: what reaches the airways once water vapour has taken its 47 mmHg."""
    return _inspired(pressure_bar, o2_fraction, supply)[0]


def alveolar_po2_mmhg(pio2_mmhg, fio2) -> np.ndarray:
    """PAO2 in mmHg from the alveolar gas equation, PaCO2 lowered by hyperventilation."""
    paco2 = np.interp(pio2_mmhg, _PACO2_PIO2, _PACO2)
    r = RESPIRATORY_QUOTIENT
    return np.fmax(pio2_mmhg - paco2 * (1.0 / r + np.multiply(fio2, 1.0 - 1.0 / r)), 0.0)


def saturation_from_po2(po2_mmhg) -> np.ndarray:
    """Haemoglobin O2 saturation (fraction) at a PO2, Severinghaus 1979."""
    p = np.fmax(po2_mmhg, 0.0)
    x = p * (p * p + 150.0)
    return x / (x + 23400.0)


# The lag runs on PO2 while Bodies stores saturation, so each step converts
# saturation -> PO2 -> saturation. A dense piecewise-linear copy of the curve
# (within 2e-5 of the formula) is used both ways, so the round trip is exact and
# costs two interpolations instead of a cubic solve.
_CURVE_PO2 = np.linspace(0.0, 800.0, 3201)
_CURVE_SPO2 = saturation_from_po2(_CURVE_PO2)


def steady_state_spo2(pressure_bar: float, o2_fraction: float, supply: int = SUPPLY_AMBIENT) -> float:
    """Saturation reached after long enough at constant conditions."""
    pio2, fio2, _ = _inspired(pressure_bar, o2_fraction, supply)
    return float(saturation_from_po2(alveolar_po2_mmhg(pio2, fio2)))


def step_bodies(
    bodies: Bodies, pressure_bar: np.ndarray, o2_fraction: np.ndarray, supply: np.ndarray, dt: float
) -> np.ndarray:
    """Advance everybody by dt seconds at the given breathing conditions.

    Lags and dose are integrated exactly for conditions held over the step, so
    dt up to ~1 s tells the same story as the world's 0.1 s tick. Returns the
    indices of people whose state changed, for the world's events. The dead
    are frozen (saturation 0).
    """
    pio2, fio2, unsuited = _inspired(pressure_bar, o2_fraction, supply)
    pao2 = alveolar_po2_mmhg(pio2, fio2)  # 0 below the Armstrong limit unless suited
    old_state, old_spo2 = bodies.state, bodies.spo2
    alive = old_state != DEAD

    po2 = np.interp(old_spo2, _CURVE_SPO2, _CURVE_PO2)
    keep = np.where(pao2 > po2, math.exp(-dt / TAU_RISE_S), math.exp(-dt / TAU_FALL_S))
    exposed = np.less(pressure_bar, ARMSTRONG_LIMIT_BAR) & unsuited
    if exposed.any():
        keep[exposed] = math.exp(-dt / TAU_VACUUM_S)
    spo2 = np.interp(pao2 + (po2 - pao2) * keep, _CURVE_PO2, _CURVE_SPO2)

    rate = np.interp(pio2, _DOSE_PIO2, _DOSE_RATE)
    dose = np.where(rate > 0.0, bodies.dose + rate * dt, bodies.dose * math.exp(-dt / TAU_DOSE_RECOVERY_S))

    # Hysteresis: impairment starts at either threshold and clears only when
    # dose and saturation are both back past the milder pair; an unconscious
    # person wakes (impaired) once nothing impairs.
    impairing = (dose >= IMPAIRED_DOSE) | (spo2 < IMPAIRED_SPO2)
    lingering = (dose >= CLEAR_DOSE) | (spo2 < CLEAR_SPO2)
    entering = impairing.view(np.int8) + (dose >= LOC_DOSE).view(np.int8)
    staying = impairing.view(np.int8) + lingering.view(np.int8)
    state = np.maximum(entering, np.minimum(old_state, staying))

    was_out = old_state == UNCONSCIOUS
    if was_out.any():  # only the unconscious accumulate injury (mean SpO2 over the step)
        injury_rate = np.interp(old_spo2 + spo2, _INJURY_2SPO2, _INJURY_RATE)
        injury_s = np.add(bodies.injury_dose_s, injury_rate * dt, out=bodies.injury_dose_s, where=was_out)
        grade = np.searchsorted(INJURY_GRADE_S, injury_s, side="right").astype(np.int8)
        np.maximum(bodies.injury, grade, out=bodies.injury)
        state[injury_s >= DEATH_INJURY_S] = DEAD
    if exposed.any():
        vacuum_s = np.add(bodies.vacuum_s, dt, out=bodies.vacuum_s, where=exposed & alive)
        state[vacuum_s >= VACUUM_DEATH_S] = DEAD
    spo2[state == DEAD] = 0.0  # no circulation after death
    changed = ((state != old_state) & alive).nonzero()[0]

    # The dead are frozen: their rows are never written again.
    np.copyto(bodies.spo2, spo2, where=alive)
    np.copyto(bodies.dose, dose, where=alive)
    np.copyto(bodies.state, state, where=alive)
    return changed


def _time_until(pressure_bar: float, o2_fraction: float, supply: int, target: int) -> float:
    """Seconds from a healthy start until state >= target, by running step_bodies.

    Coarse 1 s steps find the crossing; the last second is redone in 0.05 s steps.
    """
    b = Bodies.new(1)
    args = (np.array([pressure_bar], float), np.array([o2_fraction], float), np.array([supply], np.int8))
    t = 0.0
    while t < _HORIZON_S:
        before = b.copy()
        step_bodies(b, *args, 1.0)
        if b.state[0] >= target:
            b, fine_t = before, 0.0
            while b.state[0] < target and fine_t < 2.0:
                step_bodies(b, *args, 0.05)
                fine_t += 0.05
            return t + fine_t
        t += 1.0
    return math.inf


def _never_hypoxic(pressure_bar: float, o2_fraction: float, supply: int) -> bool:
    if pressure_bar < ARMSTRONG_LIMIT_BAR and supply != SUPPLY_SUIT:
        return False
    pio2 = inspired_po2_mmhg(pressure_bar, o2_fraction, supply)
    return float(np.interp(pio2, _DOSE_PIO2, _DOSE_RATE)) == 0.0


def time_to_unconsciousness(pressure_bar: float, o2_fraction: float, supply: int = SUPPLY_AMBIENT) -> float:
    """Seconds of useful consciousness at constant conditions (math.inf if never)."""
    if _never_hypoxic(pressure_bar, o2_fraction, supply):
        return math.inf
    return _time_until(pressure_bar, o2_fraction, supply, UNCONSCIOUS)


def time_to_death(pressure_bar: float, o2_fraction: float, supply: int = SUPPLY_AMBIENT) -> float:
    """Seconds to death at constant conditions (math.inf if never)."""
    if _never_hypoxic(pressure_bar, o2_fraction, supply):
        return math.inf
    vacuum = pressure_bar < ARMSTRONG_LIMIT_BAR and supply != SUPPLY_SUIT
    if not vacuum and steady_state_spo2(pressure_bar, o2_fraction, supply) >= INJURY_NONE_SPO2:
        return math.inf  # unconscious but never desaturated enough to be injured
    return _time_until(pressure_bar, o2_fraction, supply, DEAD)


_SPEED = np.array([1.0, 0.6, 0.0, 0.0])


def speed_factor(state: np.ndarray) -> np.ndarray:
    """Movement/work multiplier: the impaired are slower and clumsier, the unconscious and dead do nothing."""
    return _SPEED[np.asarray(state, dtype=np.intp)]
