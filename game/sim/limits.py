"""The limits on what a level, replay, settings or Tiled file may ask for.

One set, shared by the validator (which refuses a file past them, in these
words) and the runtime (which refuses a seed or a map it could not run).
Each is far above anything a real exercise needs and low enough that the
worst file allowed still loads in well under the 10 s a command may take.
"""

from __future__ import annotations

# Map size. A cell is a metre; the stress station is 201 x 121 (24 k cells).
# The view draws the whole map onto one surface, 16 px per cell at zoom 1.
MAX_MAP_SIDE = 512
MAX_MAP_CELLS = 131_072  # e.g. 512 x 256

# Gas compartments (floor areas between closed doors and walls): a door that
# opens or closes relabels them in time quadratic in their number; 2 000
# relabel in about 0.1 s (the stress station has 257).
MAX_COMPARTMENTS = 2_000

# Tables in a level: crew, doors, rooms, lockers, events, injects, objectives...
MAX_ENTRIES_PER_TABLE = 5_000  # the stress station has 384 doors
MAX_OBJECTS = 20_000  # every object of a Tiled map, all layers together

# Level format 2's new numbers. A locker holds at most this many of one item;
# a pry or an airlock cycle past an hour, or a starting SpO2 below 50 % (near
# death within minutes: physiology's injury starts at 75 %, full rate at 40 %),
# is no exercise anyone runs.
MAX_LOCKER_ITEMS = 1000
MAX_PRY_TIME_S = 3600.0
MAX_CYCLE_S = 3600.0
MIN_START_SPO2 = 0.5

# Structure of a file: TOML tables/arrays, JSON arrays/objects, XML elements, Tiled group layers.
MAX_NESTING = 32  # a level needs 3, a Tiled map about 6

# Bytes. A 512 x 256 level is about 130 kB (the stress station 97 kB); a replay
# embeds its level and holds a few MB of orders for two hours of play.
MAX_LEVEL_BYTES = 1024 * 1024
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_SETTINGS_BYTES = 1024 * 1024
MAX_DECOMPRESSED_BYTES = MAX_MAP_CELLS * 4 * 4  # a Tiled layer's tile ids, four bytes each, with room to spare
MAX_EXTERNAL_FILES = 64  # tilesets and templates one Tiled map may name

# What an event or an inject may ask of the world at once. A fall of 50 pieces
# covers a 4 x 4 m room floor with insulation panels (0.5 m2 each); more at one
# cell only piles up inside itself. A 1 m2 breach (a hull plate torn out, a hole
# about 1.1 m across, 55 times Module Four's) empties a module in seconds: the
# station drill's vent uses one; past it the hull is missing, not holed.
MAX_DEBRIS_PER_FALL = 50
MAX_BREACH_CM2 = 10_000.0
MAX_WORSEN_SPO2_DROP = 0.6  # an instructor's "worsen": a saturation drop of at most 0.6 ...
MAX_WORSEN_INJURY_S = 600.0  # ... and at most 10 min of hypoxic injury dose at once

# Seeds: numpy's SeedSequence takes any whole number from 0 up; replays store
# them in JSON, where anything past 2**63 is lost by many readers.
MIN_SEED = 0
MAX_SEED = 2**63 - 1


def seed_problem(seed: object) -> str | None:
    """Why `seed` cannot start a world, or None if it can."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        return f"the seed must be a whole number, not {type(seed).__name__}"
    if not MIN_SEED <= seed <= MAX_SEED:
        return f"the seed must be a whole number from {MIN_SEED} to {MAX_SEED} (2**63 - 1)"
    return None
