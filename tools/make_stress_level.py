"""Write levels/stress_station.toml: a 48-module station for speed tests.

`python tools/make_stress_level.py` regenerates it. The level is the artefact
the benchmarks read; this script is how it was made and how to change it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.levelio.save import save_level  # noqa: E402
from game.sim.level import (  # noqa: E402
    CrewDef,
    DoorDef,
    EventDef,
    LifeSupport,
    Level,
    Meta,
    ModuleDef,
    ObjectiveDef,
    RoomDef,
)

COLS, ROWS = 8, 6  # modules across and down
MW, MH = 25, 20  # module pitch in cells (one shared wall)
W, H = COLS * MW + 1, ROWS * MH + 1
ROLES = ("engineer", "technician", "scientist", "botanist", "crew", "medic")
DEBRIS = ("ceiling_panel", "insulation", "personal_effects", "support_beam")


def build() -> Level:
    g = [["."] * W for _ in range(H)]
    for y in range(H):
        for x in range(W):
            if x % MW == 0 or y % MH == 0:
                g[y][x] = "H" if x in (0, W - 1) or y in (0, H - 1) else "="
    rooms, modules, doors, crew, events = [], [], [], [], []
    for j in range(ROWS):
        for i in range(COLS):
            x0, y0 = i * MW, j * MH
            name = f"M{j}{i}"
            modules.append(ModuleDef(name, (x0 + 12, y0 + 9)))
            for lx in (6, 11, 13, 18):
                for ly in range(1, MH):
                    if ly not in (9, 10):
                        g[y0 + ly][x0 + lx] = "#"
            for ly in (8, 11):
                for lx in range(1, MW):
                    if lx != 12:
                        g[y0 + ly][x0 + lx] = "#"
            spans = ((1, 5), (7, 10), (14, 17), (19, 24))
            for r, (a, b) in enumerate(spans):
                mid = (a + b) // 2
                for side, (ly_room, ly_door) in enumerate(((4, 8), (15, 11))):
                    label = f"{name}-{r * 2 + side + 1}"
                    rooms.append(RoomDef(label, (x0 + a, y0 + ly_room), "quarters"))
                    g[y0 + ly_door][x0 + mid] = "+"
                    doors.append(DoorDef((x0 + mid, y0 + ly_door), "closed" if (i + j + r) % 3 else "open"))
            rooms.append(RoomDef(f"{name} hall", (x0 + 3, y0 + 9), "corridor"))
            if i > 0:
                g[y0 + 9][x0] = "B"
                g[y0 + 10][x0] = "="
            if j > 0:
                g[y0][x0 + 12] = "B"
            k = j * COLS + i
            for n in range(3 if k < 42 else 4):
                a, b = spans[n % 4]
                ly = 3 if n % 2 == 0 else 16
                crew.append(CrewDef(f"Crew {k:02d}-{n}", ROLES[(k + n) % len(ROLES)], (x0 + a + 1, y0 + ly)))
            for n in range(2):
                kind = DEBRIS[(k + n) % len(DEBRIS)]
                count = 1 if kind == "support_beam" else 10
                events.append(
                    EventDef(float(2 + (k * 3 + n) % 50), "debris_fall",
                             {"debris": kind, "region": (x0 + 2, y0 + 9, x0 + 22, y0 + 10), "count": count})
                )
    rows = tuple("".join(r) for r in g)
    events += [
        EventDef(0.0, "breach", {"at": (40, 0), "area_cm2": 120.0, "section": "north"}),
        EventDef(30.0, "breach", {"at": (W - 1, 50), "area_cm2": 60.0, "section": "east"}),
        EventDef(90.0, "breach", {"at": (110, H - 1), "area_cm2": 30.0, "section": "south"}),
    ]
    # top up to exactly 1,000 debris bodies with light debris in the halls
    spawned = sum(e.params.get("count", 1) for e in events if e.kind == "debris_fall")
    extra, k = 1000 - spawned, 0
    while extra > 0:
        i, j = k % COLS, (k // COLS) % ROWS
        n = min(10, extra)
        events.append(EventDef(5.0 + k % 40, "debris_fall",
                               {"debris": "personal_effects", "region": (i * MW + 2, j * MH + 9, i * MW + 22, j * MH + 10), "count": n}))
        extra -= n
        k += 1
    return Level(
        meta=Meta("Stress station", "Breach Protocol team",
                  "Forty-eight modules, a hundred and fifty crew, three breaches and a thousand pieces of debris: "
                  "a level for measuring speed, not for fun.", 1800.0, 2.4, 1.0, 0.21, 1),
        rows=rows,
        life_support=LifeSupport(200.0, 40.0),
        rooms=tuple(rooms),
        modules=tuple(modules),
        doors=tuple(doors),
        crew=tuple(crew),
        events=tuple(events),
        objectives=(ObjectiveDef("survive", "Nobody dies", 1.0),),
    )


if __name__ == "__main__":
    level = build()
    save_level(level, ROOT / "levels" / "stress_station.toml")
    print(f"{len(level.rows[0])}x{len(level.rows)} cells, {len(level.crew)} crew")
