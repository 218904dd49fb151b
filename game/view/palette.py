"""Colours and sizes shared by every layer of the view (frozen data).

One place so the map, the HUD, the legend and the tests agree on what
"breach red" or "impaired amber" is.
"""

from __future__ import annotations

Colour = tuple[int, int, int]

TILE_PX = 16  # pixels per metre (one tile) at zoom 1
ZOOM_STEPS_PX = (8, 10, 12, 16, 20, 24, 32, 40, 48, 64)  # tile sizes the wheel steps through
MIN_TILE_PX = 6
MAX_TILE_PX = 64

SPACE: Colour = (6, 8, 15)
SPACE_GLOW: Colour = (14, 18, 32)
COLORKEY: Colour = (255, 0, 255)  # transparent (vacuum) pixels of cached map chunks

# Floors are tinted a little by what the room is for, so the plan reads at a glance.
FLOOR_BY_KIND: dict[str, Colour] = {
    "corridor": (43, 50, 61),
    "quarters": (48, 45, 56),
    "control": (33, 52, 72),
    "medbay": (32, 64, 58),
    "tunnel": (54, 48, 40),
    "storage": (50, 50, 42),
    "lab": (38, 56, 66),
    "other": (43, 50, 61),
}
FLOOR_DEFAULT: Colour = (43, 50, 61)
FLOOR_SEAM: Colour = (30, 35, 43)

WALL: Colour = (92, 103, 120)
WALL_EDGE: Colour = (132, 145, 164)
MODULE_WALL: Colour = (62, 70, 84)
MODULE_WALL_HATCH: Colour = (80, 90, 106)
MODULE_WALL_EDGE: Colour = (118, 130, 148)
HULL: Colour = (128, 139, 155)
HULL_SEAM: Colour = (96, 106, 121)
HULL_EDGE: Colour = (176, 188, 204)
HULL_RIM: Colour = (22, 27, 36)  # the outline against space
HULL_HALO: Colour = (34, 44, 64)  # a faint lit edge just outside the hull
CUT_RIM: Colour = (255, 140, 40)
CUT_HOLE: Colour = (18, 14, 14)

DOOR_FRAME: Colour = (28, 33, 41)
DOOR_SLAB: Colour = (86, 150, 196)
DOOR_SLAB_DARK: Colour = (52, 98, 134)
BULKHEAD_SLAB: Colour = (150, 158, 170)
HAZARD_YELLOW: Colour = (240, 196, 48)
HAZARD_DARK: Colour = (30, 30, 30)
HATCH_RIM: Colour = (170, 178, 190)
HATCH_FACE: Colour = (92, 120, 146)
JAM_RED: Colour = (214, 64, 52)
SEAL_AMBER: Colour = (255, 176, 32)
GLYPH_OPEN: Colour = (110, 230, 140)
GLYPH_LIGHT: Colour = (236, 242, 248)
GLYPH_DARK: Colour = (16, 18, 24)

# Breaches: everything drawn for one uses only these (tests check for them).
BREACH_CORE: Colour = (255, 86, 30)
BREACH_SPIKE: Colour = (255, 138, 30)
BREACH_RING: Colour = (255, 52, 36)
BREACH_GLOW: Colour = (255, 70, 20)
BREACH_PALETTE: tuple[Colour, ...] = (BREACH_CORE, BREACH_SPIKE, BREACH_RING, BREACH_GLOW)

ROLE_COLOURS: dict[str, Colour] = {
    "commander": (241, 91, 181),
    "coordinator": (76, 201, 240),
    "rescue": (255, 140, 66),
    "engineer": (255, 224, 102),
    "technician": (46, 196, 182),
    "medic": (241, 250, 238),
    "scientist": (179, 136, 235),
    "botanist": (110, 222, 138),
    "crew": (168, 179, 199),
}
ROLE_DEFAULT: Colour = (168, 179, 199)
PERSON_OUTLINE: Colour = (10, 12, 18)
IMPAIRED: Colour = (255, 196, 40)
UNCONSCIOUS: Colour = (255, 72, 72)
DEAD: Colour = (120, 124, 132)

PRESSURE_TINT: Colour = (200, 40, 30)
TEXT: Colour = (226, 232, 240)
TEXT_DIM: Colour = (140, 152, 170)
TEXT_SHADOW: Colour = (0, 0, 0)
ACCENT: Colour = (255, 140, 66)
HUD_BG: Colour = (12, 15, 22)
HUD_LINE: Colour = (44, 52, 66)
CLOCK_BG: Colour = (20, 24, 34)
CLOCK_TEXT: Colour = (255, 214, 120)
CLOCK_IDLE: Colour = (140, 152, 170)


def pressure_colour(pressure_bar: float) -> Colour:
    """Text colour for a room's pressure: calm, worrying, bad, deadly."""
    if pressure_bar >= 0.9:
        return (150, 226, 170)
    if pressure_bar >= 0.7:
        return (255, 209, 102)
    if pressure_bar >= 0.5:
        return (255, 159, 67)
    return (255, 118, 106)

