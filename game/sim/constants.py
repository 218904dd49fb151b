"""Physical constants the simulation uses, in one place.

Gas, atmosphere, debris, physiology and the editor's what-if all read these,
so Mars's outside pressure or a molar mass is written once. Units are in the
names (SI unless a name says otherwise).
"""

from __future__ import annotations

R = 8.314  # J/mol/K, the molar gas constant
T_K = 293.0  # the habitat's air and walls, and what life support supplies
GAMMA = 1.4  # heat capacity ratio of air
CV_MOL = R / (GAMMA - 1.0)  # J/mol/K, air's molar heat capacity at constant volume
# Convection between cabin air and its walls, W/m2/K: free convection in still
# air is 2-5, the cabin fans' gentle draught (0.1-0.2 m/s) makes it 5-10. Sets how
# fast a vented room's cold air warms back: a 29 m3 room at 1 bar relaxes in ~70 s.
WALL_HEAT_TRANSFER_W_M2K = 6.0
R_AIR = 287.0  # J/kg/K, the orifice law's specific gas constant
M_O2 = 0.032  # kg/mol
M_N2 = 0.028  # kg/mol; "other" gas is treated as N2
M_AIR = 0.029  # kg/mol, dry air

MARS_PRESSURE_PA = 600.0  # the outside a hull breach vents to, unless the level says otherwise
MARS_PRESSURE_BAR = MARS_PRESSURE_PA / 1e5
MARS_TEMPERATURE_K = 210.0  # Martian air drawn in through a hole (a night near the equator)
MARS_G_M_S2 = 3.71  # what presses debris onto the deck, and so sets friction

SEA_LEVEL_BAR = 1.01325
AIR_O2_FRACTION = 0.2095
MMHG_PER_BAR = 750.062
WATER_VAPOUR_MMHG = 47.0  # saturated vapour at 37 C; it displaces inspired gas
# Cabin humidity: 45 % relative at 20 C (ISS keeps 25-70 %), a water-vapour mole
# fraction of ~0.0105 that falls in partial pressure with the cabin's pressure.
CABIN_VAPOUR_FRACTION = 0.45 * 2339.0 / 1e5
# Fire: NASA treats more than ~30 % O2 as a raised flammability risk; below about
# 0.1 bar of total pressure there is too little gas to sustain a fire
# (game.sim.atmosphere flags such air; game.sim.fire says what follows).
FIRE_O2_FRACTION = 0.30
FIRE_MIN_PRESSURE_BAR = 0.10
