"""Write benchmarks/drill.toml: a station-wide evacuation drill for frame-time figures.

`python benchmarks/make_drill.py` regenerates it (the file is committed, so
the benchmark and `python main.py play benchmarks/drill.toml` need no build
step). Eight modules in a 4 x 2 block, 50 people each (400), 5,000 pieces
of debris: the debris falls in the first seconds (the station is already
damaged when the drill starts) and lies asleep by the time a breach opens in
module M00 at BREACH_S; a thousand of the pieces lie in that module, in
the rooms and hall the breach vents through, so its wind wakes them at once.
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
SPINE = (23, 24, 25)  # columns of each module's north-south corridor (local); 23 and 25 are its walls
ROOM_WALLS = (6, 12, 18, 23, 25, 30, 36, 42)  # local columns of the walls between rooms
PEOPLE_PER_MODULE = 50
DEBRIS_TOTAL = 5_000
DEBRIS_BREACHED = 1_000  # in the breached module: the pieces its wind wakes at once
BREACH_S = 20.0
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
    rooms, modules, doors, crew, events = [], [], [], [], []
    spans = _spans()
    room_cells: list[list[tuple[int, int, int, int]]] = []  # per module: room rects (global)
    for j in range(ROWS):
        for i in range(COLS):
            x0, y0 = i * MW, j * MH
            name = f"M{j}{i}"
            modules.append(ModuleDef(name, (x0 + 2, y0 + HALL[0])))
            for lx in ROOM_WALLS:
                for ly in range(1, MH):
                    if ly not in HALL:
                        g[y0 + ly][x0 + lx] = "#"
            for ly in (HALL[0] - 1, HALL[1] + 1):
                for lx in range(1, MW):
                    if lx != SPINE[1]:
                        g[y0 + ly][x0 + lx] = "#"
            rects = []
            for r, (a, b) in enumerate(spans):
                mid = (a + b) // 2
                for side, (ya, yb, ly_door) in enumerate(((1, HALL[0] - 2, HALL[0] - 1), (HALL[1] + 2, MH - 1, HALL[1] + 1))):
                    rooms.append(RoomDef(f"{name}-{r * 2 + side + 1:02d}", (x0 + a, y0 + ya), "quarters"))
                    g[y0 + ly_door][x0 + mid] = "+"
                    doors.append(DoorDef((x0 + mid, y0 + ly_door), "open"))
                    rects.append((x0 + a, y0 + ya, x0 + b, y0 + yb))
            room_cells.append(rects)
            rooms.append(RoomDef(f"{name} hall", (x0 + 2, y0 + HALL[0]), "corridor"))
            if i > 0:  # bulkheads in the hall to the module to the west
                for ly in HALL:
                    g[y0 + ly][x0] = "B"
            if j > 0:  # a bulkhead at the spine to the module to the north
                g[y0][x0 + SPINE[1]] = "B"
            k = j * COLS + i
            for n in range(PEOPLE_PER_MODULE):
                a, ya, b, yb = rects[n % len(rects)]
                depth = n // len(rects)  # 0..3: a few people per room, one behind another
                if depth < 3:
                    at = (a + (depth % (b - a + 1)), ya + 1 + 3 * depth)
                else:  # the rest stand in the hall
                    at = (x0 + 2 + 2 * (n % 20), y0 + HALL[n % 2])
                crew.append(CrewDef(f"Crew {k}-{n:02d}", ROLES[(k + n) % len(ROLES)], at))
    # Debris: the breached module's share in its rooms and hall, the rest spread
    # over the other modules' rooms, falling in small batches over the first seconds.
    n_events = 0
    per_other = (DEBRIS_TOTAL - DEBRIS_BREACHED) // (len(modules) - 1)
    shares = [DEBRIS_BREACHED] + [per_other] * (len(modules) - 1)
    shares[-1] += DEBRIS_TOTAL - sum(shares)
    for k, share in enumerate(shares):
        rects = list(room_cells[k])
        i, j = k % COLS, k // COLS
        x0, y0 = i * MW, j * MH
        if k == 0:  # the hall the breach vents through holds a fifth of it
            rects += [(x0 + 1, y0 + HALL[0], x0 + MW - 1, y0 + HALL[1])] * (len(rects) // 4)
        base, extra = divmod(share, len(rects))
        for r, rect in enumerate(rects):
            count = base + (1 if r < extra else 0)
            kind = "insulation" if (k + r) % 5 == 0 else "personal_effects"
            while count > 0:
                n = min(count, 20)
                at_s = round(0.5 + (FALL_END_S - 0.5) * ((n_events * 37) % 101) / 100, 2)
                events.append(EventDef(at_s, "debris_fall", {"debris": kind, "region": rect, "count": n}))
                count -= n
                n_events += 1
    events.sort(key=lambda e: e.at_s)
    events.append(EventDef(BREACH_S, "breach", {"at": (0, HALL[0]), "area_cm2": 200.0, "section": "west"}))
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


def mirror(cell: tuple[int, int]) -> tuple[int, int]:
    """The same place in the module across the station (row 0 <-> row 1)."""
    x, y = cell
    return (x, y + MH if y < MH else y - MH)


def drill_commands(level: Level) -> list[C.Command]:
    """The drill's orders at the first tick: the autopilot on, and everyone
    walking to their matching place in the module across the station."""
    cmds: list[C.Command] = [C.SetAutopilot(on=True)]
    cmds += [C.MoveTo(person_id=pid, cell=mirror(c.at)) for pid, c in enumerate(level.crew)]
    return cmds


if __name__ == "__main__":
    level = build()
    save_level(level, DRILL)
    pieces = sum(e.params.get("count", 1) for e in level.events if e.kind == "debris_fall")
    print(f"{DRILL.name}: {level.width}x{level.height} cells, {len(level.modules)} modules, "
          f"{len(level.crew)} people, {pieces} debris in {len(level.events) - 1} falls, breach at {BREACH_S:.0f} s")
