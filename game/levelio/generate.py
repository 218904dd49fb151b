"""Generated scenarios: a small habitat laid out from a seed, and an incident in it.

The layout (modules in a row, each with rooms off a corridor, an airlock
between the stricken module and the next, a maintenance tunnel under them all,
a medical bay at the far end, lockers with kit) depends only on the seed and
the module count. The incident is a separate, plain set of figures
(`Incident`) so that game.training.calibrate can change them and measure the
result; `incident_for` maps one severity number in 0..1 onto those figures:
tiers of sleeper count, and within a tier a hole and chances that grow.
Everything random comes from a numpy Generator seeded from the caller's seed:
the same arguments give the same level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.sim.level import (
    AirlockDef,
    CrewDef,
    DoorDef,
    EventDef,
    HullSectionDef,
    Level,
    LifeSupport,
    LockerDef,
    Meta,
    ModuleDef,
    ObjectiveDef,
    RoomDef,
)
from game.sim.tiles import DEFAULT_LEGEND

MIN_MODULES, MAX_MODULES, DEFAULT_MODULES = 2, 4, 2
DIFFICULTIES = ("easy", "normal", "hard")

# Rows of every generated map, top to bottom.
_HULL_N, _ROOM_ROWS, _DOOR_ROW, _CORRIDOR_ROWS, _TUNNEL_WALL, _TUNNEL, _HULL_S = 0, (1, 2, 3), 4, (5, 6), 7, 8, 9
_HEIGHT = 10

# The breach's hole grows geometrically with severity: a pinhole a slow leak
# (10 cm2 drains a 30 m3 room over minutes), a large one vents it in seconds.
BREACH_CM2 = (8.0, 400.0)
TIME_LIMIT_S = 240.0  # four minutes of incident: long enough to lose someone left in a holed module, short to measure

_GIVEN = ("Ana", "Bo", "Cem", "Dara", "Eli", "Femi", "Gus", "Hana", "Ines", "Jon", "Kai", "Lena", "Mika",
          "Nils", "Oona", "Pia", "Rafe", "Sana", "Teo", "Uma", "Vera", "Wim", "Yara", "Zeno")
_FAMILY = ("Abe", "Brun", "Castro", "Dahl", "Ekwu", "Frey", "Gale", "Holm", "Ito", "Juhl", "Kern", "Lund",
           "Mori", "Nash", "Ortiz", "Pryce", "Quon", "Rask", "Sato", "Tamm", "Voss", "Wren", "Yuen", "Zell")


@dataclass(frozen=True)
class Room:
    label: str
    module: int
    x0: int  # first floor column
    x1: int  # last floor column
    kind: str

    @property
    def door(self) -> tuple[int, int]:
        return (self.x0 + 1, _DOOR_ROW)

    @property
    def centre(self) -> tuple[int, int]:
        return ((self.x0 + self.x1) // 2, _ROOM_ROWS[1])


@dataclass(frozen=True)
class Layout:
    """A habitat without an incident: the map and where things are."""

    rows: tuple[str, ...]
    modules: tuple[tuple[str, int, int], ...]  # name, first and last interior column
    rooms: tuple[Room, ...]
    airlock: tuple[tuple[int, int], tuple[int, int]]  # stricken-module side, safe side
    bulkheads: tuple[tuple[int, int], ...]
    tunnel_hatches: tuple[tuple[int, int], ...]

    @property
    def width(self) -> int:
        return len(self.rows[0])

    def module_rooms(self, m: int) -> list[Room]:
        return [r for r in self.rooms if r.module == m]


@dataclass(frozen=True)
class Incident:
    """What goes wrong, as figures a calibration can move.

    Two kinds of figure: the discrete ones (how many sleepers, where they
    sleep, how much debris) are held for a whole tier, because each step in
    them moves every world seed's outcome at once (a second sleeper adds a
    whole rescue trip); the continuous ones (the hole's area and the chances
    of a jammed door and of a second impact) move within a tier, and since
    each chance is drawn per world seed they lose one run at a time."""

    severity: float  # 0..1, the number the others were drawn from
    breach_cm2: float
    trapped: int  # people asleep behind closed doors in the stricken module
    trapped_depth: float  # 0: in the rooms nearest the airlock .. 1: the farthest
    debris: int  # ceiling panels and beams that fall in the stricken corridor
    jam_chance: float  # each trapped person's door is damaged as the hull is hit: it leaks and jams
    second_breach_chance: float  # a second impact on the stricken module a minute in
    second_breach_cm2: float

    def figures(self) -> dict[str, float | int]:
        return {
            "severity": round(self.severity, 4),
            "breach_cm2": round(self.breach_cm2, 1),
            "trapped": self.trapped,
            "trapped_depth": round(self.trapped_depth, 2),
            "debris": self.debris,
            "jam_chance": round(self.jam_chance, 3),
            "second_breach_chance": round(self.second_breach_chance, 3),
            "second_breach_cm2": round(self.second_breach_cm2, 1),
        }


# Where the sleepers are put, in the order a calibration tries them when a
# habitat's win rate jumps over the band: mid-module, by the airlock, the far end.
DEPTHS = (0.5, 0.0, 1.0)


def tier_of(severity: float, max_trapped: int) -> tuple[int, float]:
    """(sleepers, the continuous part 0..1) at `severity`: the severity axis is cut
    into one equal tier per sleeper count, and within a tier it runs from mild to bad."""
    t = float(np.clip(severity, 0.0, 1.0)) * max_trapped
    trapped = min(max_trapped, 1 + int(t))
    return trapped, min(1.0, t - (trapped - 1))


def incident_for(severity: float, max_trapped: int, depth: float = DEPTHS[0]) -> Incident:
    """The incident at `severity` (0..1). Across tiers the sleepers grow in number; within
    a tier the hole, the jam chance and the second impact's chance and size grow, so the
    measured success rate falls with severity in small steps a search can land between."""
    s_all = float(np.clip(severity, 0.0, 1.0))
    trapped, s = tier_of(s_all, max_trapped)
    lo, hi = BREACH_CM2
    area = lo * (hi / lo) ** s
    return Incident(
        severity=s_all,
        breach_cm2=round(area, 1),
        trapped=trapped,
        trapped_depth=depth,
        debris=1 + trapped,  # the impact that holes more rooms' walls brings down more of the corridor ceiling
        jam_chance=round(0.05 + 0.9 * s, 3),
        second_breach_chance=round(0.9 * s, 3),
        second_breach_cm2=round(0.5 * area, 1),
    )


def _generator(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), 0x6E7])))


def build_layout(seed: int, modules: int = DEFAULT_MODULES) -> Layout:
    """The habitat for `seed`: `modules` modules west to east; module 0 is the one that is hit."""
    if not MIN_MODULES <= modules <= MAX_MODULES:
        raise ValueError(f"a generated habitat has {MIN_MODULES} to {MAX_MODULES} modules, not {modules}")
    rng = _generator(seed)
    # Columns: hull, then per module its rooms (walls between), with a separator
    # column (or the three of the airlock) between modules, then hull.
    plans: list[list[int]] = []
    for m in range(modules):
        n = int(rng.integers(3, 5)) if m == 0 else int(rng.integers(2, 4))
        plans.append([int(rng.integers(3, 5)) for _ in range(n)])
    widths = [sum(p) + len(p) - 1 for p in plans]
    seps = [3] + [1] * (modules - 2)
    width = 2 + sum(widths) + sum(seps)
    grid = np.full((_HEIGHT, width), ".", dtype="<U1")
    grid[[_HULL_N, _HULL_S], :] = "H"
    grid[:, [0, width - 1]] = "H"
    grid[_TUNNEL_WALL, 1:-1] = "="
    letters = "ABCD"
    mods: list[tuple[str, int, int]] = []
    rooms: list[Room] = []
    bulkheads: list[tuple[int, int]] = []
    hatches: list[tuple[int, int]] = []
    airlock = ((0, 0), (0, 0))
    x = 1
    for m, plan in enumerate(plans):
        x0 = x
        x1 = x0 + widths[m] - 1
        mods.append((f"Module {letters[m]}", x0, x1))
        grid[_DOOR_ROW, x0:x1 + 1] = "#"
        rx = x0
        for i, rw in enumerate(plan):
            if i:
                grid[_ROOM_ROWS[0]:_DOOR_ROW, rx - 1] = "#"
            rooms.append(Room(f"{letters[m]}-{i + 1:02d}", m, rx, rx + rw - 1, "quarters"))
            grid[_DOOR_ROW, rx + 1] = "+"
            rx += rw + 1
        hx = (x0 + x1) // 2
        grid[_TUNNEL_WALL, hx] = "h"
        hatches.append((hx, _TUNNEL_WALL))
        x = x1 + 1
        if m == modules - 1:
            break
        if m == 0:  # the airlock: module wall, a chamber, module wall, a hatch in each wall
            grid[_ROOM_ROWS[0]:_TUNNEL_WALL, x:x + 3] = "="
            grid[_CORRIDOR_ROWS[0], x] = grid[_CORRIDOR_ROWS[0], x + 2] = "h"
            grid[list(_CORRIDOR_ROWS), x + 1] = "."
            airlock = ((x, _CORRIDOR_ROWS[0]), (x + 2, _CORRIDOR_ROWS[0]))
            x += 3
        else:
            grid[_ROOM_ROWS[0]:_TUNNEL_WALL, x] = "="
            grid[_CORRIDOR_ROWS[0], x] = "B"
            bulkheads.append((x, _CORRIDOR_ROWS[0]))
            x += 1
    # What the safe modules' rooms are for: the last room of the last module is
    # the medical bay, the first room of module B the control room, the rest mixed.
    kinds = ("lab", "storage", "quarters")
    for i, r in enumerate(rooms):
        if r.module == 0:
            continue
        if r is rooms[-1]:
            kind = "medbay"
        elif r.module == 1 and r is _first_room(rooms, 1):
            kind = "control"
        else:
            kind = kinds[int(rng.integers(len(kinds)))]
        rooms[i] = Room(r.label, r.module, r.x0, r.x1, kind)
    return Layout(tuple("".join(row) for row in grid), tuple(mods), tuple(rooms), airlock, tuple(bulkheads),
                  tuple(hatches))


def _first_room(rooms: list[Room], m: int) -> Room:
    return next(r for r in rooms if r.module == m)


def _names(rng: np.random.Generator, n: int) -> list[str]:
    given = rng.permutation(len(_GIVEN))[:n]
    family = rng.permutation(len(_FAMILY))[:n]
    return [f"{_GIVEN[g]} {_FAMILY[f]}" for g, f in zip(given.tolist(), family.tolist())]


def max_trapped(layout: Layout) -> int:
    """One sleeper per stricken-module room, but one room is the one the breach opens."""
    return len(layout.module_rooms(0)) - 1


def generate_level(seed: int, modules: int = DEFAULT_MODULES, incident: Incident | None = None,
                   difficulty: str = "normal") -> Level:
    """The level for `seed` with `incident` (default: a middling one). Deterministic in its arguments."""
    layout = build_layout(seed, modules)
    if incident is None:
        incident = incident_for(0.5, max_trapped(layout))
    rng = _generator(seed + 1)  # the incident's draws, apart from the layout's
    stricken = layout.module_rooms(0)
    # The breach opens the room at one end of the stricken module (a coin toss);
    # sleepers take the other rooms, a run of them that starts by the airlock at
    # depth 0 and ends at the far end at depth 1.
    order = sorted(stricken, key=lambda r: -r.x0)  # nearest the airlock first
    hit = order[-1] if rng.random() < 0.5 else order[0]
    sleepers_rooms = [r for r in order if r is not hit]
    start = int(round(incident.trapped_depth * (len(sleepers_rooms) - incident.trapped)))
    sleepers_rooms = sleepers_rooms[start:start + incident.trapped]
    names = _names(rng, incident.trapped + 4)
    crew: list[CrewDef] = []
    for name, r in zip(names, sleepers_rooms):
        role = ("crew", "scientist", "botanist")[int(rng.integers(3))]
        crew.append(CrewDef(name, role, r.centre, (), "asleep"))
    trapped_names = tuple(c.name for c in crew)
    safe = layout.modules[1]
    a_in = layout.airlock[1]
    medbay = layout.rooms[-1]
    control = _first_room(list(layout.rooms), 1)
    responders = names[incident.trapped:]
    crew += [
        CrewDef(responders[0], "rescue", (a_in[0] + 1, _CORRIDOR_ROWS[1]), ("suit", "crowbar", "respirator", "respirator")),
        CrewDef(responders[1], "engineer", (a_in[0] + 2, _CORRIDOR_ROWS[0]), ("respirator",)),
        CrewDef(responders[2], "medic", medbay.centre, ("medkit",)),
        CrewDef(responders[3], "coordinator", control.centre, ()),
    ]
    lockers = (
        LockerDef("Airlock locker", (a_in[0] + 1, _CORRIDOR_ROWS[0]), ("suit", "lance", "respirator", "respirator", "crowbar")),
        LockerDef("Medical locker", (medbay.x1, _ROOM_ROWS[2]), ("medkit", "respirator", "respirator")),
    )
    doors = [DoorDef(r.door, "open" if r is hit else "closed", f"{r.label} door") for r in layout.rooms]
    doors += [DoorDef(layout.airlock[0], "closed", "Airlock, stricken side"),
              DoorDef(layout.airlock[1], "closed", "Airlock, safe side")]
    doors += [DoorDef(b, "open", f"Bulkhead {i + 1}") for i, b in enumerate(layout.bulkheads)]
    doors += [DoorDef(h, "closed", f"{layout.modules[i][0]} tunnel hatch") for i, h in enumerate(layout.tunnel_hatches)]
    x0, x1 = layout.modules[0][1], layout.modules[0][2]
    events = [EventDef(0.0, "breach", {"at": (int(rng.integers(hit.x0, hit.x1 + 1)), _HULL_N),
                                       "area_cm2": incident.breach_cm2, "section": "module-A-north"})]
    if incident.debris:
        events.append(EventDef(20.0, "debris_fall", {"debris": "ceiling_panel", "region": (x0, _CORRIDOR_ROWS[0], x1, _CORRIDOR_ROWS[1]),
                                                     "count": incident.debris}))
    for r in sleepers_rooms:  # the shock buckles a frame: the door leaks and sticks
        events.append(EventDef(0.0, "door_damaged", {"door": r.door, "leak_cm2": round(incident.breach_cm2 / 10, 1),
                                                     "jam": True}, chance=incident.jam_chance))
    if incident.second_breach_chance > 0 and sleepers_rooms:
        r2 = sleepers_rooms[-1]
        events.append(EventDef(60.0, "secondary_breach", {"at": (r2.x0, _HULL_N), "area_cm2": incident.second_breach_cm2,
                                                          "section": "module-A-north"},
                               chance=incident.second_breach_chance))
    rooms = [RoomDef(r.label, r.centre, r.kind) for r in layout.rooms]
    rooms += [RoomDef(f"{name} corridor", (lo, _CORRIDOR_ROWS[0]), "corridor") for name, lo, _ in layout.modules]
    rooms.append(RoomDef("Maintenance tunnel", (1, _TUNNEL), "tunnel"))
    modules_def = [ModuleDef(name, (lo, _CORRIDOR_ROWS[0])) for name, lo, _ in layout.modules]
    modules_def.append(ModuleDef("Maintenance tunnel", (1, _TUNNEL)))
    sections = [HullSectionDef("module-A-north", (x0, _HULL_N, x1, _HULL_N)),
                HullSectionDef("far-modules-north", (safe[1], _HULL_N, layout.modules[-1][2], _HULL_N))]
    objectives = (
        ObjectiveDef("evacuate", "Get the sleepers out of module A alive", 3.0, trapped_names, TIME_LIMIT_S),
        ObjectiveDef("survive", "Nobody dies", 2.0),
        ObjectiveDef("responders_safe", "The responders come through unharmed", 1.0),
    )
    who = ", ".join(trapped_names)
    briefing = (f"A micrometeorite has holed module A (room {hit.label}). {who} "
                f"{'is' if len(trapped_names) == 1 else 'are'} asleep behind closed doors there. "
                f"Get them out through the airlock or the tunnel before the air goes; the medical bay is {layout.rooms[-1].label}.")
    return Level(
        meta=Meta(name=f"Generated habitat {seed} ({difficulty})", author="generator", briefing=briefing,
                  time_limit_s=TIME_LIMIT_S, seed=int(seed) % 1000 + 1),
        rows=layout.rows,
        legend=dict(DEFAULT_LEGEND),
        life_support=LifeSupport(reserve_o2_kg=5.0, feed_rate_g_s=10.0),
        rooms=tuple(rooms),
        modules=tuple(modules_def),
        hull_sections=tuple(sections),
        doors=tuple(doors),
        crew=tuple(crew),
        lockers=lockers,
        events=tuple(events),
        objectives=objectives,
        airlocks=(AirlockDef("Module A airlock", layout.airlock),),
    )
