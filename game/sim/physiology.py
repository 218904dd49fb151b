"""Human physiology: blood oxygen, time of useful consciousness, hypoxic injury.

Owns the `Bodies` arrays (one row per person, struct-of-arrays) and the step
that advances everybody at once. Chain per step: breathed gas -> inspired PO2
-> alveolar PO2 -> arterial PO2 (first-order lag) -> saturation (Severinghaus).
Consciousness follows a time-of-useful-consciousness dose on inspired PO2,
between the FAA's standard column and its rapid-decompression column by how
fast the inspired O2 fell (a memory each body keeps); brain injury accumulates
while unconscious and deeply desaturated, the heart's arrest dose while deeply
desaturated awake or not; death comes when the worse of those two and the
exposure dose below the Armstrong limit (continuous in pressure) together
reach one. numpy, and the step's loops compiled by Cython (game.sim.body_kernels);
deterministic.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, fields

import numpy as np

from game.sim import body_kernels
from game.sim.body_kernels import CONSCIOUS, DEAD, IMPAIRED, UNCONSCIOUS
from game.sim.compiled import fast
from game.sim.constants import AIR_O2_FRACTION, MMHG_PER_BAR, SEA_LEVEL_BAR, WATER_VAPOUR_MMHG
from game.sim.state import synced

STATE_NAMES = ("conscious", "impaired", "unconscious", "dead")
# Bodies change over tens of seconds, so the world steps them every fifth tick
# with a 0.5 s step; the model integrates exactly, so the result is the same.
# The crew read it too: a body's state only changes on those ticks.
BODY_EVERY = 5
INJURY_NONE, INJURY_MILD, INJURY_MODERATE, INJURY_SEVERE = 0, 1, 2, 3
INJURY_NAMES = ("none", "mild", "moderate", "severe")
SUPPLY_AMBIENT, SUPPLY_RESPIRATOR, SUPPLY_SUIT = 0, 1, 2
ARMSTRONG_LIMIT_BAR = 0.0627

SUIT_PRESSURE_BAR = 0.30  # suit regulator holds ~0.3 bar pure O2 whatever is outside
_SUIT_PIO2_MMHG = SUIT_PRESSURE_BAR * MMHG_PER_BAR - WATER_VAPOUR_MMHG

# Alveolar gas equation. PaCO2 falls linearly from 40 to 25 mmHg as inspired PO2
# drops from 120 to 60 mmHg (hypoxic hyperventilation). The ramp is what puts
# steady saturation at 8,000-17,500 ft inside the measured ranges. Below 40 mmHg
# PaCO2 falls in proportion to PIO2 (there is less and less O2 to exchange for
# it), so alveolar PO2 stays a quarter of PIO2 or more and reaches zero only
# with it: no early clamp.
RESPIRATORY_QUOTIENT = 0.8
PACO2_REST_MMHG, PACO2_HYPERVENTILATING_MMHG = 40.0, 25.0
HYPERVENTILATION_PIO2_MMHG = (60.0, 120.0)
_PACO2_PIO2 = np.array([0.0, 40.0, *HYPERVENTILATION_PIO2_MMHG])
_PACO2 = np.array([0.0, PACO2_HYPERVENTILATING_MMHG, PACO2_HYPERVENTILATING_MMHG, PACO2_REST_MMHG])

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
# The rapid-decompression column, same rows: about half (tuc_table.csv).
_FAA_TUC_RAPID = (750.0, 300.0, 150.0, 82.5, 45.0, 22.5, 8.5, 5.0, 5.0)
VACUUM_TUC_S = 10.0  # no inspired O2 at all: conscious 9-12 s
VACUUM_TUC_RAPID_S = 5.0  # the rapid column's floor (43,000 ft and above)
NO_DOSE_PIO2_MMHG = 83.0  # at or above this, no TUC dose accrues and the dose heals
# Dose rate (1/TUC) interpolated linearly in PIO2, falling to zero at 83 mmHg.
_DOSE_PIO2 = np.array(
    [0.0] + [AIR_O2_FRACTION * (p - WATER_VAPOUR_MMHG) for p, _ in reversed(_FAA_TUC)] + [NO_DOSE_PIO2_MMHG]
)
_DOSE_RATE = np.array([1.0 / VACUUM_TUC_S] + [1.0 / t for _, t in reversed(_FAA_TUC)] + [0.0])
_DOSE_RATE_RAPID = np.array([1.0 / VACUUM_TUC_RAPID_S] + [1.0 / t for t in reversed(_FAA_TUC_RAPID)] + [0.0])
# How fast the pressure fell (the rapid column is about decompression: the lungs'
# gas expands out, taking their O2 store; breathing a bad gas at a steady pressure
# is not it): each body keeps the ambient pressure low-passed over RECENT_TAU_S; a
# gap of RAPID_GAP_BAR between that and now (sea level to 25,000 ft within ~10 s)
# counts as a rapid decompression. The memory of it lasts while the dose runs (the
# whole exposure is rapid) and fades with the dose once the O2 is back.
RECENT_TAU_S = 5.0
RAPID_GAP_BAR = 0.25


def dose_rate(pio2_mmhg) -> np.ndarray:
    """TUC dose gathered per second breathing this inspired PO2 after a slow fall (the
    standard column; `step_bodies` moves toward the rapid one after a fast fall)."""
    return np.interp(pio2_mmhg, _DOSE_PIO2, _DOSE_RATE)


TAU_DOSE_RECOVERY_S = 20.0  # with O2 back, dose 1 -> 0.5 in ~14 s: wakes in ~15 s

# States, with hysteresis so a person at a threshold does not flicker. An
# unconscious person wakes (impaired) once neither impairing threshold holds.
IMPAIRED_DOSE, IMPAIRED_SPO2 = 0.5, 0.80  # enter impaired at either
CLEAR_DOSE, CLEAR_SPO2 = 0.4, 0.83  # back to conscious only below/above both
LOC_DOSE = 1.0

# Brain injury accrues only while unconscious (a brain still awake is still
# supplied: chamber blackouts leave no injury): at full rate (1 s per s) at or
# below 40 % SpO2, not at all above 75 %, linear between. Grades in equivalent
# seconds of anoxia: injury from ~4 min, death a further ~4 min later (MODELS.md:
# 4-6; the low end, which the story's eleven and seventeen minutes ask for).
INJURY_FULL_SPO2, INJURY_NONE_SPO2 = 0.40, 0.75
_INJURY_2SPO2 = np.array([2 * INJURY_FULL_SPO2, 2 * INJURY_NONE_SPO2])  # sum of two saturations
_INJURY_RATE = np.array([1.0, 0.0])
INJURY_GRADE_S = np.array([60.0, 150.0, 240.0])  # mild, moderate, severe (>=)
DEATH_INJURY_S = 480.0
# Hypoxic cardiac arrest: the heart's clock toward the same death, awake or not.
# The myocardium already extracts ~70 % of the O2 it is sent at rest, so in
# hypoxaemia only coronary flow can make up for thin blood; a coronary flow
# reserve of ~3-4x against a demand raised ~1.5x by the tachycardia covers
# arterial content down to about 40-50 % of normal (SpO2 ~45 %). Below that the
# failing heart lowers its own perfusion pressure and the spiral runs to
# bradycardia, PEA and asystole (asphyxial arrest: 3-8 min after breathing stops,
# saturation being under ~40 % from about the second minute). So the dose runs
# from 0 at 45 % to full at 30 % (PaO2 ~19 mmHg) whether or not the person is
# still awake, and death takes the worse of it and the brain's injury dose:
# severe hypoxaemia that began while the person was still (barely) conscious
# counts toward death, but does not grade a brain injury.
ARREST_FULL_SPO2, ARREST_NONE_SPO2 = 0.30, 0.45
_ARREST_2SPO2 = np.array([2 * ARREST_FULL_SPO2, 2 * ARREST_NONE_SPO2])
VACUUM_DEATH_S = 170.0  # with the injury dose: survivable to ~90 s, dead after ~2.2 min
# Exposure below the Armstrong limit: the dose rate ramps from 0 at VACUUM_ONSET_BAR
# to 1 at VACUUM_FULL_BAR (body fluids boil at 47 mmHg at 37 C; tissue pressure and
# cooler skin spread the onset), so death does not jump as a room crosses the line.
# Death comes when max(injury, arrest dose)/DEATH_INJURY_S + exposure/VACUUM_DEATH_S reaches 1.
VACUUM_ONSET_BAR, VACUUM_FULL_BAR = 0.085, 0.045

_HORIZON_S = 12 * 3600.0  # time_to_* answers math.inf past this much simulated time


@dataclass
class Bodies:
    """Physiological state of every person; row i is person i of the world."""

    spo2: np.ndarray = synced()  # arterial O2 saturation, fraction 0..1
    dose: np.ndarray = synced()  # TUC dose; consciousness lost at >= 1; keeps growing, so long exposures wake slower
    injury_dose_s: np.ndarray = synced()  # equivalent seconds of anoxia while unconscious; never decreases
    vacuum_s: np.ndarray = synced()  # exposure dose below the Armstrong limit unprotected, s; never decreases
    state: np.ndarray = synced()  # int8 CONSCIOUS..DEAD
    injury: np.ndarray = synced()  # int8 worst grade reached; not healed here (brain injury heals over weeks)
    # How fast the pressure fell (None: not yet known, filled from the first step's air).
    p_recent_bar: np.ndarray | None = synced(default=None)  # ambient pressure low-passed over RECENT_TAU_S
    rapid: np.ndarray | None = synced(default=None)  # 0 slow .. 1 rapid decompression, remembered
    # equivalent seconds of anoxia the heart has borne, awake or not (None: none yet); never decreases
    arrest_dose_s: np.ndarray | None = synced(default=None)
    # Out cold from a blow (a level's condition "unconscious"), not from hypoxia:
    # held unconscious whatever the air until treated (care_actions.Treat).
    knocked_out: np.ndarray | None = synced(default=None)

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
            p_recent_bar=np.full(n, SEA_LEVEL_BAR),
            rapid=np.zeros(n),
            arrest_dose_s=np.zeros(n),
            knocked_out=np.zeros(n, dtype=bool),
        )

    def __len__(self) -> int:
        return len(self.spo2)

    def append(self) -> int:
        """Add one healthy person (arrays are reallocated); returns their index."""
        extra = Bodies.new(1)
        self._fill_memory(None)
        for f in fields(self):
            setattr(self, f.name, np.concatenate([getattr(self, f.name), getattr(extra, f.name)]))
        return len(self) - 1

    def copy(self) -> "Bodies":
        """An independent snapshot (for what-if runs and tests)."""
        return Bodies(**{f.name: None if getattr(self, f.name) is None else getattr(self, f.name).copy()
                         for f in fields(self)})

    def _fill_memory(self, pressure_bar: np.ndarray | None) -> None:
        """Give bodies made without a memory of the pressure's fall one: as if
        they had been at this pressure (or sea level) for a while."""
        n = len(self.spo2)
        if self.p_recent_bar is None or self.p_recent_bar.shape != (n,):
            self.p_recent_bar = (np.full(n, SEA_LEVEL_BAR) if pressure_bar is None
                                 else np.array(np.broadcast_to(pressure_bar, (n,)), dtype=float))
        if self.rapid is None or self.rapid.shape != (n,):
            self.rapid = np.zeros(n)
        if self.arrest_dose_s is None or self.arrest_dose_s.shape != (n,):
            self.arrest_dose_s = np.zeros(n)
        if self.knocked_out is None or self.knocked_out.shape != (n,):
            self.knocked_out = np.zeros(n, dtype=bool)


BODY_FIELDS = tuple(f.name for f in fields(Bodies))  # the arrays of a body's row


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


@dataclass(frozen=True)
class Breath:
    """What the air does over a step, worked out before any body is looked at:
    the part of a body's step that depends on the air alone. Arrays are
    [step, person], so a projection, whose air is known ahead, works out all
    its steps in one go and `advance` is left with what depends on the body."""

    pressure_bar: np.ndarray
    pao2: np.ndarray  # alveolar PO2, mmHg
    exposure: np.ndarray  # 0..1 below the Armstrong limit, unsuited
    exposed: np.ndarray  # bool [step]: anyone exposed
    keep_rise: np.ndarray  # what remains of the arterial-alveolar PO2 gap over the step, loading
    keep_fall: np.ndarray  # the same, unloading
    dose_rate: np.ndarray  # the TUC dose rate after a slow fall (the standard column)
    rapid_extra: np.ndarray  # the rapid column's rate minus the standard one
    dosing: np.ndarray  # bool: a dose accrues (else it heals)
    resting: np.ndarray  # ~dosing


def breathe(pressure_bar, o2_fraction, supply, dt) -> Breath:
    """The air's side of `step_bodies` for air [step, person] held over steps of `dt`
    (a number, or one per step as [step, 1])."""
    pressure_bar = np.asarray(pressure_bar, dtype=float)
    pio2, fio2, unsuited = _inspired(pressure_bar, o2_fraction, supply)
    # 0..1 (np.clip's wrapper costs more than the two calls)
    exposure = np.minimum(np.maximum((VACUUM_ONSET_BAR - pressure_bar) / (VACUUM_ONSET_BAR - VACUUM_FULL_BAR), 0.0), 1.0)
    exposure *= unsuited
    # the arterial PO2's lag: loading or unloading, faster while boiling strips the blood's O2
    keep = [np.exp(-dt * (inv + exposure * (1.0 / TAU_VACUUM_S - inv))) for inv in (1.0 / TAU_RISE_S, 1.0 / TAU_FALL_S)]
    std_rate = dose_rate(pio2)
    dosing = std_rate > 0.0
    return Breath(pressure_bar, alveolar_po2_mmhg(pio2, fio2), exposure, exposure.any(axis=-1), keep[0], keep[1],
                  std_rate, np.interp(pio2, _DOSE_PIO2, _DOSE_RATE_RAPID) - std_rate, dosing, ~dosing)


def step_bodies(
    bodies: Bodies, pressure_bar: np.ndarray, o2_fraction: np.ndarray, supply: np.ndarray, dt: float
) -> np.ndarray:
    """Advance everybody by dt seconds at the given breathing conditions.

    Lags and dose are integrated exactly for conditions held over the step, so
    dt up to ~1 s tells the same story as the world's 0.1 s tick. Returns the
    indices of people whose state changed, for the world's events. The dead
    are frozen (saturation 0).
    """
    breath = breathe(np.asarray(pressure_bar, dtype=float)[None, ...], o2_fraction, supply, dt)
    return advance(bodies, breath, 0, dt)


def advance(bodies: Bodies, breath: Breath, k: int, dt: float) -> np.ndarray:
    """`step_bodies` for step k of a `Breath` worked out ahead (of dt seconds):
    everyone's state-changed indices, as there."""
    bodies._fill_memory(breath.pressure_bar[k])
    return kernels.advance(_K, _TABLES, bodies.spo2, bodies.dose, bodies.injury_dose_s, bodies.vacuum_s, bodies.state,
                           bodies.injury, bodies.p_recent_bar, bodies.rapid, bodies.arrest_dose_s, bodies.knocked_out,
                           breath.pressure_bar, breath.pao2, breath.keep_rise, breath.keep_fall, breath.dose_rate,
                           breath.rapid_extra, breath.dosing, breath.exposure, bool(breath.exposed[k]), k, dt)


# The body step's constants and curves, passed to its compiled loops (body_kernels).
_K = np.empty(10)
_K[body_kernels.K_RECENT_TAU_S] = RECENT_TAU_S
_K[body_kernels.K_TAU_DOSE_RECOVERY_S] = TAU_DOSE_RECOVERY_S
_K[body_kernels.K_RAPID_GAP_BAR] = RAPID_GAP_BAR
_K[body_kernels.K_IMPAIRED_DOSE] = IMPAIRED_DOSE
_K[body_kernels.K_IMPAIRED_SPO2] = IMPAIRED_SPO2
_K[body_kernels.K_CLEAR_DOSE] = CLEAR_DOSE
_K[body_kernels.K_CLEAR_SPO2] = CLEAR_SPO2
_K[body_kernels.K_LOC_DOSE] = LOC_DOSE
_K[body_kernels.K_DEATH_INJURY_S] = DEATH_INJURY_S
_K[body_kernels.K_VACUUM_DEATH_S] = VACUUM_DEATH_S
_TABLES = (_CURVE_SPO2, _CURVE_PO2, _ARREST_2SPO2, _INJURY_2SPO2, _INJURY_RATE, INJURY_GRADE_S)
kernels = fast(body_kernels)  # compiled, or the plain module where nothing compiles


_INJURY_GRADE_LIST = INJURY_GRADE_S.tolist()


def trajectory(bodies: Bodies, i: int, breath: Breath, j: int, dts: list[float], k0: int, k1: int,
               states: np.ndarray) -> int:
    """Person i of `bodies` through steps k0..k1 of column j of `breath` (step k lasting
    dts[k]), each step's state written to states[k, j]: where it stopped, k1 or the
    step after death.

    The arithmetic of `advance`, in floats, one person at a time: for a few people
    over many steps (a projection), where numpy's cost per call is all the cost.
    tests/test_physiology.py holds the two equal bit for bit.
    """
    bodies._fill_memory(breath.pressure_bar[k0] if k0 < k1 else None)
    state = int(bodies.state[i])
    if state == DEAD or k0 >= k1:
        return k0
    spo2, dose, injury_s = float(bodies.spo2[i]), float(bodies.dose[i]), float(bodies.injury_dose_s[i])
    vacuum, injury, recent = float(bodies.vacuum_s[i]), int(bodies.injury[i]), float(bodies.p_recent_bar[i])
    rapid, arrest, knocked = float(bodies.rapid[i]), float(bodies.arrest_dose_s[i]), bool(bodies.knocked_out[i])
    cols = [a[k0:k1, j].tolist() for a in (breath.pressure_bar, breath.pao2, breath.keep_rise, breath.keep_fall,
                                           breath.dose_rate, breath.rapid_extra, breath.exposure)]
    exposed_all, dosing_all = breath.exposed[k0:k1].tolist(), breath.dosing[k0:k1, j].tolist()
    k = k0
    for p, pao2, keep_rise, keep_fall, std_rate, extra, exposure, exposed, dosing in zip(*cols, exposed_all, dosing_all):
        dt = dts[k]
        po2 = kernels.interp_one(spo2, _CURVE_SPO2, _CURVE_PO2)
        new_spo2 = kernels.interp_one(pao2 + (po2 - pao2) * (keep_rise if pao2 > po2 else keep_fall), _CURVE_PO2, _CURVE_SPO2)
        gap = (recent - p) / RAPID_GAP_BAR  # np.maximum and np.minimum below: NaN goes through
        gap = gap if gap >= 0.0 or gap != gap else 0.0
        gap = gap if gap <= 1.0 or gap != gap else 1.0
        rapid = rapid if rapid >= gap or rapid != rapid else gap
        recent = p + (recent - p) * math.exp(-dt / RECENT_TAU_S)
        healing = math.exp(-dt / TAU_DOSE_RECOVERY_S)
        if dosing:
            dose = dose + (std_rate + rapid * extra) * dt
        else:
            dose = dose * healing
            rapid *= healing
        impairing = dose >= IMPAIRED_DOSE or new_spo2 < IMPAIRED_SPO2
        lingering = dose >= CLEAR_DOSE or new_spo2 < CLEAR_SPO2
        new_state = max(impairing + (dose >= LOC_DOSE), min(state, impairing + lingering))
        if knocked and new_state < UNCONSCIOUS:
            new_state = UNCONSCIOUS
        was_out = state == UNCONSCIOUS
        if was_out:
            injury_s = injury_s + kernels.interp_one(spo2 + new_spo2, _INJURY_2SPO2, _INJURY_RATE) * dt
            injury = max(injury, bisect_right(_INJURY_GRADE_LIST, injury_s))
        arrest_rate = kernels.interp_one(spo2 + new_spo2, _ARREST_2SPO2, _INJURY_RATE)
        if arrest_rate > 0.0:
            arrest = arrest + arrest_rate * dt
        if exposed:
            vacuum = vacuum + exposure * dt
        if was_out or exposed or arrest_rate > 0.0:
            hypoxia_s = injury_s if injury_s >= arrest or injury_s != injury_s else arrest
            if hypoxia_s / DEATH_INJURY_S + vacuum / VACUUM_DEATH_S >= 1.0:
                new_state = DEAD
        spo2 = 0.0 if new_state == DEAD else new_spo2
        state = new_state
        states[k, j] = state
        k += 1
        if state == DEAD:
            break
    bodies.spo2[i], bodies.dose[i], bodies.injury_dose_s[i], bodies.vacuum_s[i] = spo2, dose, injury_s, vacuum
    bodies.state[i], bodies.injury[i], bodies.p_recent_bar[i] = state, injury, recent
    bodies.rapid[i], bodies.arrest_dose_s[i] = rapid, arrest
    return k


def _time_until(pressure_bar: float, o2_fraction: float, supply: int, target: int, drop_s: float) -> float:
    """Seconds from a healthy start until state >= target, by running step_bodies.

    With a finite `drop_s` the pressure falls linearly from sea level over that
    long first, and the time counts from the end of the fall (as the FAA's
    columns count from reaching altitude); otherwise the body starts as if it
    got there slowly (a chamber ascent on oxygen, the mask then taken off). Coarse 1 s steps find the crossing;
    the last second is redone in 0.05 s steps.
    """
    b = Bodies.new(1)
    if not math.isfinite(drop_s):
        b.p_recent_bar[:] = pressure_bar
    frac, sup = np.array([o2_fraction], float), np.array([supply], np.int8)

    def at(t: float) -> np.ndarray:
        if math.isfinite(drop_s) and t < drop_s:
            return np.array([SEA_LEVEL_BAR + (pressure_bar - SEA_LEVEL_BAR) * t / drop_s])
        return np.array([pressure_bar], float)

    coarse = 1.0 if not math.isfinite(drop_s) else min(1.0, max(0.05, drop_s / 10.0))
    t = 0.0
    while t < _HORIZON_S:
        before = b.copy()
        step_bodies(b, at(t), frac, sup, coarse)
        if b.state[0] >= target:
            b, fine_t = before, 0.0
            while b.state[0] < target and fine_t < 2.0 * coarse:
                step_bodies(b, at(t + fine_t), frac, sup, 0.05)
                fine_t += 0.05
            return max(0.0, t + fine_t - (drop_s if math.isfinite(drop_s) else 0.0))
        t += coarse
    return math.inf


def vacuum_exposure(pressure_bar: float, supply: int = SUPPLY_AMBIENT) -> float:
    """0..1: how hard the low pressure itself (body fluids boiling) hits an unsuited body."""
    if supply == SUPPLY_SUIT:
        return 0.0
    return min(1.0, max(0.0, (VACUUM_ONSET_BAR - pressure_bar) / (VACUUM_ONSET_BAR - VACUUM_FULL_BAR)))


def _never_hypoxic(pressure_bar: float, o2_fraction: float, supply: int) -> bool:
    if vacuum_exposure(pressure_bar, supply) > 0.0:
        return False
    pio2 = inspired_po2_mmhg(pressure_bar, o2_fraction, supply)
    return float(np.interp(pio2, _DOSE_PIO2, _DOSE_RATE)) == 0.0


def time_to_unconsciousness(pressure_bar: float, o2_fraction: float, supply: int = SUPPLY_AMBIENT,
                            drop_s: float = math.inf) -> float:
    """Seconds of useful consciousness at these conditions (math.inf if never):
    reached over `drop_s` seconds from sea level, or slowly (the default)."""
    if _never_hypoxic(pressure_bar, o2_fraction, supply):
        return math.inf
    return _time_until(pressure_bar, o2_fraction, supply, UNCONSCIOUS, drop_s)


def time_to_death(pressure_bar: float, o2_fraction: float, supply: int = SUPPLY_AMBIENT,
                  drop_s: float = math.inf) -> float:
    """Seconds to death at these conditions (math.inf if never)."""
    if _never_hypoxic(pressure_bar, o2_fraction, supply):
        return math.inf
    if vacuum_exposure(pressure_bar, supply) == 0.0 and steady_state_spo2(pressure_bar, o2_fraction, supply) >= INJURY_NONE_SPO2:
        return math.inf  # unconscious but never desaturated enough to be injured
    return _time_until(pressure_bar, o2_fraction, supply, DEAD, drop_s)


_SPEED = np.array([1.0, 0.6, 0.0, 0.0])


def speed_factor(state: np.ndarray) -> np.ndarray:
    """Movement/work multiplier: the impaired are slower and clumsier, the unconscious and dead do nothing."""
    return _SPEED[np.asarray(state, dtype=np.intp)]

