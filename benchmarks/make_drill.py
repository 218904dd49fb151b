"""Write benchmarks/drill.toml: a station-wide evacuation drill for frame-time figures.

`python benchmarks/make_drill.py` regenerates it (the file is committed, so
the benchmark and `python main.py play benchmarks/drill.toml` need no build
step). Eight modules in a 4 x 2 block, 50 people each (400), 5,000 pieces
of debris: the debris falls in the first seconds (the station is already
damaged when the drill starts) and lies asleep by the time a breach opens at
the west end of the vent tunnel along the north hull at BREACH_S. The tunnel
joins the station only at its east end, so the whole station's air blows down
its length to the breach and wakes the 1,200 pieces lying in it (about 1,000
within 3 s); the rest lie in the rooms, dead ends the wind barely stirs.
Life support, its stores and the breach run as in any level.

The drill's orders are not in the level (a level holds no orders): they are
`drill_commands`, given at the first tick by the benchmark: everyone walks to
their matching place in the module across the station (row 0 <-> row 1), and
the autopilot is on, so when the breach opens the responders are tasked and
the people of the breached module evacuate on their own.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.levelio.save import save_level  # noqa: E402
from game.sim import commands as C  # noqa: E402
from game.sim.world import World, create_world  # noqa: E402
from game.sim.level import (  # noqa: E402
    CrewDef,
    DoorDef,
    EventDef,
    HullSectionDef,
    LifeSupport,
    Level,
    Meta,
    ModuleDef,
    ObjectiveDef,
    RoomDef,
)

DRILL = Path(__file__).resolve().parent / "drill.toml"
COLS, ROWS = 4, 2  # modules across and down
MW, MH = 48, 30  # module pitch in cells (one shared wall)
W, H = COLS * MW + 1, ROWS * MH + 1
HALL = (14, 15)  # rows of each module's hall (local)
TUNNEL = (1, 2, 3)  # rows of the vent tunnel along the north hull (row 0 only)
SPINE = (23, 24, 25)  # columns of each module's north-south corridor (local); 23 and 25 are its walls
ROOM_WALLS = (6, 12, 18, 23, 25, 30, 36, 42)  # local columns of the walls between rooms
PEOPLE_PER_MODULE = 50
DEBRIS_TOTAL = 5_000
# In the vent tunnel the breach draws through: measured, about 85% of them wake
# within 3 s of the breach (the lightest first), which makes about 1,000.
DEBRIS_WINDY = 1_200
BREACH_S = 20.0
# A hull panel gone (1 m2): it draws about 140 kg/s, 12 m/s down the 3-cell
# tunnel, above the 6-14 m/s that slides a bag or an insulation bat on the
# deck (drag against friction, game.sim.debris_kinds); a small hole would
# wake only the pieces beside it.
BREACH_CM2 = 10_000.0
DRILL_S = 50.0  # how long the benchmark plays it
FALL_END_S = 6.0  # all debris has fallen by then; asleep about a second later
ROLES = ("engineer", "technician", "scientist", "botanist", "crew", "medic", "crew", "scientist")


def _spans() -> list[tuple[int, int]]:
    """Local column spans (inclusive) of the rooms along one side of a hall."""
    edges = (0, *ROOM_WALLS, MW)
    return [(a + 1, b - 1) for a, b in zip(edges, edges[1:]) if b - a > 1 and a != SPINE[0]]


def build() -> Level:
    """The drill level (deterministic: the same every time)."""
    g = [["."] * W for _ in range(H)]
    for y in range(H):
        for x in range(W):
            if x % MW == 0 or y % MH == 0:
                g[y][x] = "H" if x in (0, W - 1) or y in (0, H - 1) else "="
    # The vent tunnel along the north hull: bulkheads (open) where it crosses the
    # module walls, a wall between it and the rooms, one open door into the
    # east module's spine: the only way the station's air reaches the breach.
    for x in range(1, W - 1):
        for y in TUNNEL:
            if g[y][x] == "=":
                g[y][x] = "B"
        if g[TUNNEL[-1] + 1][x] == ".":
            g[TUNNEL[-1] + 1][x] = "#"
    tunnel_door = ((COLS - 1) * MW + SPINE[1], TUNNEL[-1] + 1)
    g[tunnel_door[1]][tunnel_door[0]] = "+"
    rooms, modules, doors, crew, events = [], [], [], [], []
    spans = _spans()
    room_rects: list[tuple[int, int, int, int]] = []  # every room's floor, for its share of debris
    for j in range(ROWS):
        for i in range(COLS):
            x0, y0 = i * MW, j * MH
            top = TUNNEL[-1] + 2 if j == 0 else 1  # first floor row of the north rooms
            name = f"M{j}{i}"
            modules.append(ModuleDef(name, (x0 + 2, y0 + HALL[0])))
            for lx in ROOM_WALLS:
                for ly in range(top, MH):
                    if ly not in HALL:
                        g[y0 + ly][x0 + lx] = "#"
            for ly in (HALL[0] - 1, HALL[1] + 1):
                for lx in range(1, MW):
                    if lx != SPINE[1]:
                        g[y0 + ly][x0 + lx] = "#"
            rects = []
            for r, (a, b) in enumerate(spans):
                mid = (a + b) // 2
                for side, (ya, yb, ly_door) in enumerate(((top, HALL[0] - 2, HALL[0] - 1), (HALL[1] + 2, MH - 1, HALL[1] + 1))):
                    rooms.append(RoomDef(f"{name}-{r * 2 + side + 1:02d}", (x0 + a, y0 + ya), "quarters"))
                    g[y0 + ly_door][x0 + mid] = "+"
                    doors.append(DoorDef((x0 + mid, y0 + ly_door), "open"))
                    rects.append((x0 + a, y0 + ya, x0 + b, y0 + yb))
                    room_rects.append(rects[-1])
            rooms.append(RoomDef(f"{name} hall", (x0 + 2, y0 + HALL[0]), "corridor"))
            if i > 0:  # bulkheads in the hall to the module to the west
                for ly in HALL:
                    g[y0 + ly][x0] = "B"
            if j > 0:  # a bulkhead at the spine to the module to the north
                g[y0][x0 + SPINE[1]] = "B"
            k = j * COLS + i
            for n in range(PEOPLE_PER_MODULE):
                # two people to a room (first by the door, then at the back), the rest in the hall
                if n < 2 * len(rects):
                    a, ya, b, yb = rects[n % len(rects)]
                    at = ((a + b) // 2, yb - 1 if ya < HALL[0] + y0 else ya + 1) if n < len(rects) else (a, ya + 1 if ya < HALL[0] + y0 else yb - 1)
                else:
                    m = n - 2 * len(rects)
                    at = (x0 + 3 + 2 * (m // 2), y0 + HALL[m % 2])
                crew.append(CrewDef(f"Crew {k}-{n:02d}", ROLES[(k + n) % len(ROLES)], at))
    doors.append(DoorDef(tunnel_door, "open", name="vent tunnel door"))
    rooms.append(RoomDef("vent tunnel", (1, TUNNEL[0]), "tunnel"))
    # Debris: DEBRIS_WINDY pieces lie in the vent tunnel, where the breach's wind
    # blows and nobody walks; the rest in the rooms (dead ends, nearly still,
    # where people only brush past). All of it falls in small batches over the
    # first seconds.
    n_events = 0
    per = MW - 1
    windy = [(i * MW + 1, TUNNEL[0], i * MW + per, TUNNEL[-1]) for i in range(COLS)]
    quiet = room_rects
    for rects, total in ((windy, DEBRIS_WINDY), (quiet, DEBRIS_TOTAL - DEBRIS_WINDY)):
        base, extra = divmod(total, len(rects))
        for r, rect in enumerate(rects):
            count = base + (1 if r < extra else 0)
            kind = "insulation" if r % 5 == 0 and rects is quiet else "personal_effects"
            while count > 0:
                n = min(count, 20)
                at_s = round(0.5 + (FALL_END_S - 0.5) * ((n_events * 37) % 101) / 100, 2)
                events.append(EventDef(at_s, "debris_fall", {"debris": kind, "region": rect, "count": n}))
                count -= n
                n_events += 1
    events.sort(key=lambda e: e.at_s)
    events.append(EventDef(BREACH_S, "breach", {"at": (0, TUNNEL[1]), "area_cm2": BREACH_CM2, "section": "west"}))
    rows = tuple("".join(r) for r in g)
    return Level(
        meta=Meta("Station drill", "Breach Protocol team",
                  "Eight modules, four hundred people walking a drill across the station, five thousand pieces of "
                  "debris, and a breach in the west module twenty seconds in: a level for measuring frames, not for fun.",
                  600.0, 2.4, 1.0, 0.21, 1),
        rows=rows,
        life_support=LifeSupport(400.0, 40.0, o2_kg=80.0, n2_kg=240.0),
        rooms=tuple(rooms),
        modules=tuple(modules),
        hull_sections=(HullSectionDef("west", (0, 1, 0, MH - 1)),),
        doors=tuple(doors),
        crew=tuple(crew),
        events=tuple(events),
        objectives=(ObjectiveDef("survive", "Nobody dies", 1.0),),
    )


def drill_commands(level: Level) -> list[C.Command]:
    """The drill's orders at the first tick: the autopilot on, and everyone
    walking to their matching place in the module across the station.

    Across: in the module of the other row of its pair of rows (row 0 <-> 1,
    2 <-> 3, ...; the crew are listed row by row). The drill has one pair; a
    station with more rows of modules (benchmarks/bench_scaling.py) walks
    the same drill in each pair, so each person's walk is the same length
    whatever the size of the station."""
    cmds: list[C.Command] = [C.SetAutopilot(on=True)]
    n = len(level.crew)
    per_row = len(level.crew) // max(1, len(level.modules) // COLS)  # people in a row of modules
    for pid in range(n):
        mate = pid + per_row if (pid // per_row) % 2 == 0 else pid - per_row
        if mate >= n:  # an odd last row (not in any drill made here): across the whole station
            mate = (pid + n // 2) % n
        cmds.append(C.MoveTo(person_id=pid, cell=level.crew[mate].at))
    return cmds


def drill_world(level: Level, seed: int = 1) -> World:
    """A world of the drill with its orders given (they apply at the first tick)."""
    world = create_world(level, seed)
    for cmd in drill_commands(level):
        world.submit(cmd)
    return world


if __name__ == "__main__":
    level = build()
    save_level(level, DRILL)
    pieces = sum(e.params.get("count", 1) for e in level.events if e.kind == "debris_fall")
    print(f"{DRILL.name}: {level.width}x{level.height} cells, {len(level.modules)} modules, "
          f"{len(level.crew)} people, {pieces} debris in {len(level.events) - 1} falls, breach at {BREACH_S:.0f} s")
