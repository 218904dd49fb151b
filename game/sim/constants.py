"""Physical constants the simulation uses, in one place.

Gas, atmosphere, debris, physiology and the editor's what-if all read these,
so Mars's outside pressure or a molar mass is written once. Units are in the
names (SI unless a name says otherwise).
"""

from __future__ import annotations

R = 8.314  # J/mol/K, the molar gas constant
T_K = 293.0  # every compartment's temperature: the gas model is isothermal
GAMMA = 1.4  # heat capacity ratio of air
R_AIR = 287.0  # J/kg/K, the orifice law's specific gas constant
M_O2 = 0.032  # kg/mol
M_N2 = 0.028  # kg/mol; "other" gas is treated as N2
M_AIR = 0.029  # kg/mol, dry air

MARS_PRESSURE_PA = 600.0  # the outside a hull breach vents to
MARS_PRESSURE_BAR = MARS_PRESSURE_PA / 1e5
MARS_G_M_S2 = 3.71  # what presses debris onto the deck, and so sets friction

SEA_LEVEL_BAR = 1.01325
AIR_O2_FRACTION = 0.2095
MMHG_PER_BAR = 750.062
WATER_VAPOUR_MMHG = 47.0  # saturated vapour at 37 C; it displaces inspired gas
