"""Checks that a parsed level makes sense: places exist, names resolve, the
habitat holds air. The editor's live panel and `validate` share these."""

from __future__ import annotations

import numpy as np

from game.levelio.locate import LineIndex
from game.levelio.problems import Problem
from game.sim import crew_events  # noqa: F401  (its events are kinds a lesson hint may wait for)
from game.sim.events import Event
from game.sim.compartments import label_cells
from game.sim.grid import floor_regions, module_regions
from game.sim.level import (
    CONDITIONS,
    DEBRIS_KINDS,
    DOOR_STATES,
    EQUIPMENT,
    INJURY_GRADES,
    OBJECTIVE_KINDS,
    ROOM_KINDS,
    Level,
    tiles_from_rows,
)
from game.sim.limits import (
    MAX_BREACH_CM2,
    MAX_COMPARTMENTS,
    MAX_CYCLE_S,
    MAX_DEBRIS_PER_FALL,
    MAX_MAP_CELLS,
    MAX_MAP_SIDE,
    MAX_PRY_TIME_S,
    MAX_WORSEN_INJURY_S,
    MAX_WORSEN_SPO2_DROP,
    MIN_START_SPO2,
)
from game.sim.roles import ROLES
from game.sim.tiles import GAS_PASSABLE, IS_DOOR, TILE_BY_NAME, WALKABLE, Tile

MAX_REPORTS_PER_RULE = 12
MAX_OBJECTIVE_WEIGHT = 1000.0  # shipped levels use 0.5 to 3; a ratio past 1000:1 means nothing


def check_level(level: Level, index: LineIndex, file: str) -> list[Problem]:
    """Every problem with a parsed level, each placed on its line."""
    out: list[Problem] = []

    def add(line: int, message: str) -> None:
        out.append(Problem(file, line, message))

    def where(*path: object) -> int:
        return index.line(*path)

    m = level.meta
    if not m.name.strip():
        add(where("meta", "name"), "the level needs a name")
    if not 1.8 <= m.ceiling_height_m <= 10:
        add(where("meta", "ceiling_height_m"), "ceiling_height_m must be between 1.8 and 10 metres")
    if not 0.2 <= m.nominal_pressure_bar <= 1.5:
        add(where("meta", "nominal_pressure_bar"), "nominal_pressure_bar must be between 0.2 and 1.5 bar")
    if m.outside_pressure_bar >= m.nominal_pressure_bar:
        add(where("meta", "outside_pressure_bar"), "outside_pressure_bar must be below the habitat's nominal pressure")
    for i, r in enumerate(level.rooms):
        if r.pressure_bar is not None and r.pressure_bar > 1.5:
            add(where("rooms", i, "pressure_bar"), f"room {r.label}: pressure_bar must be at most 1.5 bar")
        if r.o2_fraction is not None and r.o2_fraction > 1.0:
            add(where("rooms", i, "o2_fraction"), f"room {r.label}: o2_fraction must be at most 1")
        if r.temperature_k is not None and not 150.0 <= r.temperature_k <= 400.0:
            add(where("rooms", i, "temperature_k"), f"room {r.label}: temperature_k must be between 150 and 400 K")

    for ch, name in level.legend.items():
        if name not in TILE_BY_NAME:
            add(where("legend", ch), f"legend {ch!r} names unknown tile kind '{name}' (known: {', '.join(TILE_BY_NAME)})")

    rows = level.rows
    row0 = index.string_start.get(("map", "rows"), where("map", "rows"))
    if not rows:
        add(where("map"), "the map is empty")
        return out
    size_problem = map_size_problem(level.width, len(rows))
    if size_problem:
        add(where("map", "rows"), size_problem)
        return out
    tiles = tiles_from_rows(rows, level.legend)
    h, w = tiles.shape
    n_spaces = label_cells(tiles, np.zeros_like(tiles, dtype=bool))[1]
    if n_spaces > MAX_COMPARTMENTS:
        add(row0, f"the map has {n_spaces} separate air spaces with every door shut; the limit is {MAX_COMPARTMENTS}")
        return out
    unknown = np.zeros((h, w), dtype=bool)
    for y, row in enumerate(rows):
        for x, ch in enumerate(row):
            if ch not in level.legend:
                if unknown.sum() < MAX_REPORTS_PER_RULE:
                    add(row0 + y, f"map character {ch!r} at {x},{y} is not in the legend")
                unknown[y, x] = True

    def inside(cell: tuple[int, int]) -> bool:
        return 0 <= cell[0] < w and 0 <= cell[1] < h

    def tile(cell: tuple[int, int]) -> Tile:
        return Tile(int(tiles[cell[1], cell[0]]))

    # Air must be held: no floor beside vacuum or the map's edge. Unknown
    # characters were reported above and are not taken for vacuum here.
    gas = GAS_PASSABLE[tiles] | IS_DOOR[tiles]
    padded = np.pad(gas, 1, constant_values=False)
    vac = np.pad((tiles == Tile.VACUUM) & ~unknown, 1, constant_values=True)
    leak = padded & (np.roll(vac, 1, 0) | np.roll(vac, -1, 0) | np.roll(vac, 1, 1) | np.roll(vac, -1, 1))
    ys, xs = np.nonzero(leak[1:-1, 1:-1])
    for x, y in list(zip(xs.tolist(), ys.tolist()))[:MAX_REPORTS_PER_RULE]:
        add(row0 + y, f"{TILE_NAMES[tile((x, y))]} at {x},{y} is open to vacuum: close it with wall or hull")

    floor_labels, _ = floor_regions(tiles)
    seen_regions: dict[int, str] = {}
    labels_seen: set[str] = set()
    for i, room in enumerate(level.rooms):
        line = where("rooms", i, "at")
        if room.label in labels_seen:
            add(where("rooms", i, "label"), f"room label '{room.label}' is used twice")
        labels_seen.add(room.label)
        if room.kind not in ROOM_KINDS:
            add(where("rooms", i, "kind"), f"room kind '{room.kind}' is unknown (known: {', '.join(ROOM_KINDS)})")
        if not inside(room.at):
            add(line, f"room '{room.label}' is placed at {room.at[0]},{room.at[1]}, outside the map")
        elif floor_labels[room.at[1], room.at[0]] == 0:
            add(line, f"room '{room.label}' must be placed on floor, not {TILE_NAMES[tile(room.at)]}")
        else:
            region = int(floor_labels[room.at[1], room.at[0]])
            if region in seen_regions:
                add(line, f"rooms '{seen_regions[region]}' and '{room.label}' name the same floor area")
            seen_regions[region] = room.label

    mod_labels, _ = module_regions(tiles)
    mod_seen: dict[int, str] = {}
    for i, mod in enumerate(level.modules):
        line = where("modules", i, "at")
        if not inside(mod.at):
            add(line, f"module '{mod.name}' is placed outside the map")
        elif mod_labels[mod.at[1], mod.at[0]] == 0:
            add(line, f"module '{mod.name}' must be placed inside the module, not on {TILE_NAMES[tile(mod.at)]}")
        else:
            region = int(mod_labels[mod.at[1], mod.at[0]])
            if region in mod_seen:
                add(line, f"modules '{mod_seen[region]}' and '{mod.name}' name the same area")
            mod_seen[region] = mod.name

    for i, sec in enumerate(level.hull_sections):
        x0, y0, x1, y1 = sec.rect
        if not (inside((x0, y0)) and inside((x1, y1)) and x0 <= x1 and y0 <= y1):
            add(where("hull_sections", i, "rect"), f"hull section '{sec.name}' is not a rectangle inside the map")

    door_cells: set[tuple[int, int]] = set()
    for i, d in enumerate(level.doors):
        line = where("doors", i, "at")
        if d.state not in DOOR_STATES:
            add(where("doors", i, "state"), f"door state '{d.state}' is unknown (known: {', '.join(DOOR_STATES)})")
        if not inside(d.at):
            add(line, f"door at {d.at[0]},{d.at[1]} is outside the map")
            continue
        if not IS_DOOR[tiles[d.at[1], d.at[0]]]:
            add(line, f"there is no door at {d.at[0]},{d.at[1]} (the map has {TILE_NAMES[tile(d.at)]} there)")
        if d.at in door_cells:
            add(line, f"door at {d.at[0]},{d.at[1]} is described twice")
        door_cells.add(d.at)
    ys, xs = np.nonzero(IS_DOOR[tiles])
    reported = 0
    for x, y in zip(xs.tolist(), ys.tolist()):
        open_ew = 0 < x < w - 1 and WALKABLE[tiles[y, x - 1]] and WALKABLE[tiles[y, x + 1]]
        open_ns = 0 < y < h - 1 and WALKABLE[tiles[y - 1, x]] and WALKABLE[tiles[y + 1, x]]
        if not (open_ew or open_ns) and reported < MAX_REPORTS_PER_RULE:
            add(row0 + y, f"{TILE_NAMES[tile((x, y))]} at {x},{y} does not lead anywhere: it needs floor on two opposite sides")
            reported += 1

    names: set[str] = set()
    for i, c in enumerate(level.crew):
        if c.name in names:
            add(where("crew", i, "name"), f"two crew are called '{c.name}'")
        names.add(c.name)
        if c.role not in ROLES:
            add(where("crew", i, "role"), f"role '{c.role}' is unknown (known: {', '.join(ROLES)})")
        if c.condition not in CONDITIONS:
            add(where("crew", i, "condition"), f"condition '{c.condition}' is unknown (known: {', '.join(CONDITIONS)})")
        for item in c.equipment:
            if item not in EQUIPMENT:
                add(where("crew", i, "equipment"), f"equipment '{item}' is unknown (known: {', '.join(EQUIPMENT)})")
        if not inside(c.at):
            add(where("crew", i, "at"), f"{c.name} stands outside the map")
        elif not WALKABLE[tiles[c.at[1], c.at[0]]]:
            add(where("crew", i, "at"), f"{c.name} stands on {TILE_NAMES[tile(c.at)]}, not floor")

    for i, lk in enumerate(level.lockers):
        if not inside(lk.at) or not WALKABLE[tiles[lk.at[1], lk.at[0]]]:
            add(where("lockers", i, "at"), f"locker '{lk.name}' must stand on floor inside the map")
        for item in lk.contents:
            if item not in EQUIPMENT:
                add(where("lockers", i, "contents"), f"equipment '{item}' is unknown (known: {', '.join(EQUIPMENT)})")

    for i, ev in enumerate(level.events):
        p = ev.params
        if ev.kind in ("breach", "secondary_breach") and "at" in p:
            at = p["at"]
            if not inside(at) or tiles[at[1], at[0]] != Tile.HULL:
                add(where("events", i, "at"), f"a breach must be on hull; {at[0]},{at[1]} is {'outside the map' if not inside(at) else TILE_NAMES[tile(at)]}")
            elif not _beside(GAS_PASSABLE[tiles] | IS_DOOR[tiles], at):
                add(where("events", i, "at"), f"the breach at {at[0]},{at[1]} has no room behind it")
        if ev.kind in ("door_jam", "door_open", "door_close", "door_seal", "door_damaged", "door_unjam") and "door" in p:
            at = p["door"]
            if not inside(at) or not IS_DOOR[tiles[at[1], at[0]]]:
                add(where("events", i, "door"), f"{ev.kind} names {at[0]},{at[1]}, where there is no door")
            elif ev.kind == "door_seal" and tiles[at[1], at[0]] == Tile.DOOR:
                add(where("events", i, "door"), f"door_seal names a room door at {at[0]},{at[1]}: only bulkheads and hatches seal")
        if ev.kind == "debris_fall":
            if p.get("debris") not in DEBRIS_KINDS:
                add(where("events", i, "debris"), f"debris kind '{p.get('debris')}' is unknown (known: {', '.join(DEBRIS_KINDS)})")
            if "at" in p and not inside(p["at"]):
                add(where("events", i, "at"), "debris falls outside the map")
            if "region" in p:
                x0, y0, x1, y1 = p["region"]
                if not (inside((x0, y0)) and inside((x1, y1)) and x0 <= x1 and y0 <= y1):
                    add(where("events", i, "region"), "the debris region is not a rectangle inside the map")
        if ev.kind == "sparks" and "at" in p and (not inside(p["at"]) or not GAS_PASSABLE[tile(p["at"])]):
            at = p["at"]
            add(where("events", i, "at"), f"sparks must be on a floor cell, where air can burn; {at[0]},{at[1]} is "
                f"{'outside the map' if not inside(at) else TILE_NAMES[tile(at)]}")

    for i, inj in enumerate(level.injects):
        p = inj.params
        if inj.kind == "breach" and "at" in p:
            at = p["at"]
            if not inside(at) or tiles[at[1], at[0]] != Tile.HULL:
                add(where("injects", i, "at"), f"an injected breach must be on hull; {at[0]},{at[1]} is {'outside the map' if not inside(at) else TILE_NAMES[tile(at)]}")
        if inj.kind == "debris_fall":
            if p.get("debris") not in DEBRIS_KINDS:
                add(where("injects", i, "debris"), f"debris kind '{p.get('debris')}' is unknown (known: {', '.join(DEBRIS_KINDS)})")
            if "at" in p and not inside(p["at"]):
                add(where("injects", i, "at"), "injected debris falls outside the map")
        if inj.kind == "door_jam" and "door" in p:
            at = p["door"]
            if not inside(at) or not IS_DOOR[tiles[at[1], at[0]]]:
                add(where("injects", i, "door"), f"door_jam names {at[0]},{at[1]}, where there is no door")
        if "person" in p and p["person"] not in names:
            add(where("injects", i, "person"), f"inject names '{p['person']}', who is not in the crew")
        if inj.kind == "equipment_failure" and "item" in p and p["item"] not in EQUIPMENT:
            add(where("injects", i, "item"), f"equipment '{p['item']}' is unknown (known: {', '.join(EQUIPMENT)})")

    for i, ob in enumerate(level.objectives):
        if ob.weight > MAX_OBJECTIVE_WEIGHT:
            add(where("objectives", i, "weight"), f"an objective's weight must be at most {MAX_OBJECTIVE_WEIGHT:g} "
                "(weights are shares of the score: only their ratios count)")
        if ob.kind not in OBJECTIVE_KINDS:
            add(where("objectives", i, "kind"), f"objective kind '{ob.kind}' is unknown (known: {', '.join(OBJECTIVE_KINDS)})")
        for who in ob.people:
            if who not in names:
                add(where("objectives", i, "people"), f"objective names '{who}', who is not in the crew")
    out += check_amounts(level, tiles, index, file)
    out += check_lesson(level, index, file)
    out += check_v2(level, index, file, tiles)
    return out


def check_amounts(level: Level, tiles: np.ndarray, index: LineIndex, file: str) -> list[Problem]:
    """What a timed event or a planned inject asks of the world stays within what the
    world does at run time (game.sim.limits, the same numbers the sim refuses past),
    and debris falls where there is a room for it to fall in: what validates, runs."""
    out: list[Problem] = []
    h, w = tiles.shape
    room = GAS_PASSABLE[tiles] & ~IS_DOOR[tiles]

    def bad(table: str, i: int, key: str, message: str) -> None:
        out.append(Problem(file, index.line(table, i, key), message))

    for table, entries in (("events", level.events), ("injects", level.injects)):
        for i, e in enumerate(entries):
            p = e.params
            if e.kind in ("breach", "secondary_breach") and "area_cm2" in p and not float(p["area_cm2"]) <= MAX_BREACH_CM2:
                bad(table, i, "area_cm2", f"a breach may be at most {MAX_BREACH_CM2:g} cm2 (a hole about 1.1 m across); "
                    f"this one is {float(p['area_cm2']):g}")
            if e.kind == "debris_fall":
                if int(p.get("count", 1)) > MAX_DEBRIS_PER_FALL:
                    bad(table, i, "count", f"debris comes down 1 to {MAX_DEBRIS_PER_FALL} pieces at a time, "
                        f"not {p['count']} (split it into several falls)")
                if "at" in p:
                    x, y = p["at"]
                    if 0 <= x < w and 0 <= y < h and not room[y, x]:
                        bad(table, i, "at", f"debris falls at {x},{y}, which is {TILE_NAMES[Tile(int(tiles[y, x]))]}: "
                            "it must fall on the floor of a room")
                if "region" in p:
                    x0, y0, x1, y1 = p["region"]
                    if 0 <= x0 <= x1 < w and 0 <= y0 <= y1 < h and not room[y0:y1 + 1, x0:x1 + 1].any():
                        bad(table, i, "region", f"the debris region {x0},{y0} to {x1},{y1} holds no floor of a room")
            if e.kind == "worsen" and not (
                float(p.get("spo2_drop", 0.0)) <= MAX_WORSEN_SPO2_DROP and float(p.get("injury_s", 0.0)) <= MAX_WORSEN_INJURY_S
            ):
                bad(table, i, "kind", f"worsen takes a spo2_drop of at most {MAX_WORSEN_SPO2_DROP:g} "
                    f"and injury_s of at most {MAX_WORSEN_INJURY_S:g}")
    return out


def _event_kinds() -> set[str]:
    """The names of every kind of event the sim emits (subclasses of Event, crew events included)."""
    kinds, todo = set(), [Event]
    while todo:
        cls = todo.pop()
        kinds.add(cls.__name__)
        todo += cls.__subclasses__()
    return kinds


def check_lesson(level: Level, index: LineIndex, file: str) -> list[Problem]:
    """A lesson's steps name people, rooms and doors that exist, in states they can take;
    its hints answer kinds of events the sim has and steps the lesson has."""
    out: list[Problem] = []
    people = {c.name for c in level.crew}
    rooms = {r.label for r in level.rooms}
    doors = {d.name for d in level.doors if d.name}
    for i, st in enumerate(level.lesson_steps):
        def bad(key: str, message: str, i: int = i) -> None:
            out.append(Problem(file, index.line("lesson_steps", i, key), message))

        prm = st.params
        for who in prm.get("people", ()):
            if who not in people:
                bad("people", f"lesson step {i + 1} names '{who}', who is not in the crew")
        if "room" in prm and prm["room"] not in rooms:
            bad("room", f"lesson step {i + 1} names the room '{prm['room']}', which the level does not have")
        if "door" in prm and prm["door"] not in doors:
            bad("door", f"lesson step {i + 1} names the door '{prm['door']}': no [[doors]] entry has that name")
        if "state" in prm and prm["state"] not in DOOR_STATES:
            bad("state", f"door state '{prm['state']}' is unknown (known: {', '.join(DOOR_STATES)})")
    kinds = _event_kinds()
    for i, h in enumerate(level.lesson_hints):
        if h.on not in kinds:
            out.append(Problem(file, index.line("lesson_hints", i, "on"), f"lesson hint waits for '{h.on}', which is no kind of event"))
        if h.step is not None and h.step > len(level.lesson_steps):
            out.append(Problem(file, index.line("lesson_hints", i, "step"), f"lesson hint names step {h.step}; the lesson has {len(level.lesson_steps)}"))
    return out


def check_v2(level: Level, index: LineIndex, file: str, tiles: np.ndarray) -> list[Problem]:
    """Format 2's keys: starting condition, pry times, airlocks, wall damage, responders' safety."""
    out: list[Problem] = []
    h, w = tiles.shape

    def bad(path: tuple, message: str) -> None:
        out.append(Problem(file, index.line(*path), message))

    for i, c in enumerate(level.crew):
        if c.injury not in INJURY_GRADES:
            bad(("crew", i, "injury"), f"crew '{c.name}': injury '{c.injury}' is unknown (known: {', '.join(INJURY_GRADES)})")
        if c.spo2 is not None and c.spo2 < MIN_START_SPO2:
            bad(("crew", i, "spo2"), f"crew '{c.name}': a starting spo2 of {c.spo2:g} is below {MIN_START_SPO2:g}: "
                "nobody starts an exercise that near death")
    for i, d in enumerate(level.doors):
        if d.pry_time_s is not None and d.pry_time_s > MAX_PRY_TIME_S:
            bad(("doors", i, "pry_time_s"), f"door at {d.at[0]},{d.at[1]}: pry_time_s must be at most {MAX_PRY_TIME_S:g} s")
    door_cells = {(int(x), int(y)) for y, x in zip(*np.nonzero(IS_DOOR[tiles]))}
    for i, al in enumerate(level.airlocks):
        for c in al.doors:
            if tuple(c) not in door_cells:
                bad(("airlocks", i, "doors"), f"airlock '{al.name}' names {c[0]},{c[1]}, where there is no door")
        if tuple(al.doors[0]) == tuple(al.doors[1]):
            bad(("airlocks", i, "doors"), f"airlock '{al.name}' names the same door twice: it needs two")
        if al.cycle_s is not None and al.cycle_s > MAX_CYCLE_S:
            bad(("airlocks", i, "cycle_s"), f"airlock '{al.name}': cycle_s must be at most {MAX_CYCLE_S:g} s")
    walls = (Tile.WALL, Tile.MODULE_WALL)
    for i, ev in enumerate(level.events):
        if ev.kind != "wall_damaged" or "at" not in ev.params:
            continue
        x, y = ev.params["at"]
        if not (0 <= x < w and 0 <= y < h) or tiles[y, x] not in walls:
            what = "outside the map" if not (0 <= x < w and 0 <= y < h) else TILE_NAMES[Tile(int(tiles[y, x]))]
            bad(("events", i, "at"), f"wall_damaged must name a wall or module wall; {x},{y} is {what}")
        elif not _between_floors(tiles, (x, y)):
            bad(("events", i, "at"), f"the wall at {x},{y} has no room on two opposite sides for a hole to join")
        face_cm2 = level.meta.ceiling_height_m * 1e4  # the wall of one cell: a metre wide, floor to ceiling
        if float(ev.params.get("area_cm2", 0.0)) > face_cm2:
            bad(("events", i, "area_cm2"), f"a hole in one wall cell is at most {face_cm2:g} cm2 (1 m by the "
                f"{level.meta.ceiling_height_m:g} m ceiling), not {float(ev.params['area_cm2']):g}")
    for i, ob in enumerate(level.objectives):
        if ob.max_injury not in INJURY_GRADES:
            bad(("objectives", i, "max_injury"), f"max_injury '{ob.max_injury}' is unknown (known: {', '.join(INJURY_GRADES)})")
    return out


def _between_floors(tiles: np.ndarray, cell: tuple[int, int]) -> bool:
    """Is there air on two opposite sides of this cell (so a hole in it joins them)?"""
    h, w = tiles.shape
    x, y = cell
    gas = GAS_PASSABLE[tiles] | IS_DOOR[tiles]
    ew = 0 < x < w - 1 and gas[y, x - 1] and gas[y, x + 1]
    ns = 0 < y < h - 1 and gas[y - 1, x] and gas[y + 1, x]
    return bool(ew or ns)


TILE_NAMES = {t: t.name.lower().replace("_", " ") for t in Tile}


def map_size_problem(width: int, height: int) -> str | None:
    """Why a map of this size cannot be a level, or None if it can."""
    if width > MAX_MAP_SIDE or height > MAX_MAP_SIDE or width * height > MAX_MAP_CELLS:
        return (f"the map is {width} x {height} cells; the limit is {MAX_MAP_SIDE} on a side "
                f"and {MAX_MAP_CELLS} cells in all")
    return None


def _beside(mask: np.ndarray, cell: tuple[int, int]) -> bool:
    h, w = mask.shape
    x, y = cell
    return any(0 <= x + dx < w and 0 <= y + dy < h and mask[y + dy, x + dx] for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)))

