"""Level format 2 (issue 17 point 1): what each new key makes happen, from tiny
maps, and how a format 1 file is read (migrated, with each change named)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from game.levelio.load import load_level, parse_level, validate_file
from game.levelio.save import level_to_toml
from game.levelio.tiled import load_tiled, save_tiled
from game.sim import crew_events as ce
from game.sim.commands import MoveTo, PryOpen, Rescue, Treat
from game.sim.events import CommandRejected, DoorDamaged, DoorUnjammed, PersonArrived, WallDamaged
from game.sim.level import AirlockDef, DoorDef, EventDef, LockerDef, ObjectiveDef
from game.sim.navigation import PRY_S
from game.sim.people import INJURY_SPEED, WALK_SPEED_M_S
from game.sim.physiology import steady_state_spo2
from game.sim.tiles import Tile
from game.sim.world import create_world, run_until, step
from game.training.objectives import OBJECTIVE_KINDS
from game.training.tracker import Tracker
from game.view.messages import describe
from tests.builders import ascii_level
from tests.test_crew_actions import TWO_ROOMS, crew_world, run_until_event

ROOT = Path(__file__).resolve().parent.parent
V1_FILE = ROOT / "tests" / "data" / "level_v1.toml"

# ------------------------------------------------------------------ format 1 still loads


def test_a_v1_file_loads_migrated_and_validate_names_each_field_it_changed():
    level = load_level(V1_FILE)
    ann = level.crew[0]
    assert (ann.condition, ann.injury) == ("awake", "mild")  # v1 "injured"
    assert level.doors[0].pry_time_s == 30.0 and level.doors[0].open_time_s is None
    assert level.lockers[0].counts() == {"respirator": 2, "crowbar": 1}
    assert level.airlocks[0].doors == ((11, 2), (9, 2))

    notes = validate_file(V1_FILE)
    assert all(p.migrated for p in notes)
    text = V1_FILE.read_text().splitlines()
    by_line = {p.line: p.message for p in notes}
    # each note sits on the line of the v1 field it changed
    assert text[by_line_key(by_line, "injured") - 1].strip() == 'condition = "injured"'
    assert text[by_line_key(by_line, "pry_time_s") - 1].strip() == "open_time_s = 30.0"
    assert text[by_line_key(by_line, "counts") - 1].startswith("contents = [")
    assert text[by_line_key(by_line, "outer/inner") - 1].startswith("outer = ")
    assert len(notes) == 4

    out = subprocess.run([sys.executable, "main.py", "validate", str(V1_FILE)], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0  # a migrated field is named, not a failure
    assert f"{V1_FILE}:{by_line_key(by_line, 'injured')}: crew 'Ann Lee': v1 condition 'injured'" in out.stdout


def by_line_key(by_line: dict[int, str], word: str) -> int:
    return next(line for line, msg in by_line.items() if word in msg)


def test_a_v1_file_saved_is_v2_and_reads_back_equal_without_notes(tmp_path):
    level = load_level(V1_FILE)
    text = level_to_toml(level)
    assert text.startswith("format_version = 2")
    assert 'injury = "mild"' in text and "contents = { respirator = 2, crowbar = 1 }" in text
    assert "doors = [[11, 2], [9, 2]]" in text and "pry_time_s = 30.0" in text
    out = tmp_path / "v2.toml"
    out.write_text(text)
    assert validate_file(out) == []
    assert load_level(out) == level


def test_every_v2_key_round_trips_through_the_file():
    level = ascii_level(
        """
        HHHHHHHHHHHHH
        H.a...#.....H
        H.....+.....H
        H.....#.....H
        HHHHHHHHHHHHH
        """,
        people={"a": ("Ann Lee", "medic", ())},
        doors={(6, 2): "jammed"},
    )
    level = replace(
        level,
        crew=(replace(level.crew[0], condition="unconscious", injury="severe", spo2=0.82),),
        doors=(DoorDef((6, 2), "jammed", pry_time_s=45.0),),
        lockers=(LockerDef("Rack", (8, 1), ("suit", "suit", "medkit")),),
        airlocks=(AirlockDef("Lock", ((6, 2), (6, 2)), cycle_s=40.0),),
        events=(
            EventDef(10.0, "wall_damaged", {"at": (6, 1), "area_cm2": 50.0}),
            EventDef(11.0, "door_damaged", {"door": (6, 2), "leak_cm2": 30.0, "jam": True}),
            EventDef(12.0, "door_unjam", {"door": (6, 2)}),
            EventDef(13.0, "secondary_breach", {"at": (12, 2), "area_cm2": 5.0}, chance=0.4),
        ),
        objectives=(ObjectiveDef("responders_safe", "Nobody of ours hurt", 2.0, max_injury="mild", within_s=600.0),),
    )
    back, problems, _ = parse_level(level_to_toml(level))
    assert problems == []
    assert back == level


def test_the_validator_places_each_bad_v2_value_on_its_line(tmp_path):
    text = """format_version = 2
[meta]
name = "Bad"
[map]
rows = '''
HHHHHHHHHHHHH
H.....#.....H
H.....+.....H
H.....#.....H
HHHHHHHHHHHHH
'''
[[crew]]
name = "Ann"
at = [2, 2]
injury = "broken"
spo2 = 0.3
[[lockers]]
name = "Rack"
at = [8, 1]
contents = { suit = -1 }
[[airlocks]]
name = "Lock"
doors = [[6, 2], [2, 2]]
cycle_s = 5000.0
[[events]]
at_s = 5.0
kind = "wall_damaged"
at = [3, 2]
area_cm2 = 10.0
[[objectives]]
kind = "responders_safe"
max_injury = "some"
"""
    path = tmp_path / "bad.toml"
    path.write_text(text)
    lines = text.splitlines()
    problems = validate_file(path)
    found = {lines[p.line - 1].split(" =")[0]: p.message for p in problems}
    assert "injury 'broken' is unknown" in found["injury"]
    assert "spo2 of 0.3 is below 0.5" in found["spo2"]
    assert "counts" in found["contents"]
    assert "names 2,2, where there is no door" in found["doors"]
    assert "cycle_s must be at most" in found["cycle_s"]
    assert "wall_damaged must name a wall" in found["at"]
    assert "max_injury 'some' is unknown" in found["max_injury"]
    assert all(str(p).startswith(f"{path}:{p.line}: ") for p in problems)


# ------------------------------------------------------------------ starting condition

ROOM = """
HHHHHHHHHHHHHHHH
H..............H
H.a..........b.H
H..............H
HHHHHHHHHHHHHHHH
"""


def condition_world(**ann):
    w = crew_world(ROOM, {"a": ("Ann", "crew", ()), "b": ("Bo", "medic", ("medkit",))})
    crew = tuple(replace(c, **ann) if c.name == "Ann" else c for c in w.level.crew)
    return create_world(replace(w.level, crew=crew), 1)


def test_someone_who_starts_out_cold_stays_out_in_good_air_until_treated():
    w = condition_world(condition="unconscious")
    ann = w.person_by_name("Ann")
    run_until(w, 120.0)
    # a hypoxic faint wakes ~15 s after good air returns (physiology.TAU_DOSE_RECOVERY_S); a blow does not
    assert w.person_state(ann.id) == "unconscious"
    w.submit(MoveTo(person_id=ann.id, cell=(5, 2)))
    step(w)
    assert any(isinstance(e, CommandRejected) and "cannot move" in e.reason for e in w.events)
    w.submit(Treat(person_id=w.person_by_name("Bo").id, target_id=ann.id))
    run_until_event(w, ce.PersonTreated, 300.0)
    run_until(w, w.time_s + 2.0)  # the next physiology step
    assert w.person_state(ann.id) == "conscious"


def test_a_severe_injury_cannot_walk_and_is_carried_out():
    w = condition_world(injury="severe")
    ann, bo = w.person_by_name("Ann"), w.person_by_name("Bo")
    assert w.person_state(ann.id) == "conscious"
    w.submit(MoveTo(person_id=ann.id, cell=(5, 2)))
    step(w)
    assert any(isinstance(e, CommandRejected) and "Ann cannot move" in e.reason for e in w.events)
    w.submit(Rescue(person_id=bo.id, target_id=ann.id))
    while w.time_s < 60 and ann.carried_by < 0 and ann.escorted_by < 0:
        step(w)
    assert ann.carried_by == bo.id  # lifted and carried, not walked out on an arm


def test_a_moderate_injury_walks_at_the_impaired_pace_and_a_mild_one_at_full_pace():
    def walk_time(injury: str) -> float:
        w = condition_world(injury=injury)
        ann = w.person_by_name("Ann")
        w.submit(MoveTo(person_id=ann.id, cell=(12, 2)))
        return run_until_event(w, PersonArrived, 60.0, person_id=ann.id).time_s

    well, mild, moderate = walk_time("none"), walk_time("mild"), walk_time("moderate")
    assert well == pytest.approx(10 / WALK_SPEED_M_S, abs=0.5)  # ten cells at a walk
    assert mild == pytest.approx(well, abs=0.15)
    assert moderate == pytest.approx(well / INJURY_SPEED["moderate"], abs=0.5)


def test_starting_spo2_sets_the_body_and_shows_at_once():
    w = condition_world(spo2=0.70)
    ann = w.person_by_name("Ann")
    assert w.bodies.spo2[ann.id] == pytest.approx(0.70)
    step(w)
    assert w.person_state(ann.id) == "impaired"  # below physiology.IMPAIRED_SPO2 (0.80)
    run_until(w, 120.0)
    # breathing the room's air it rises back toward the steady value (TAU_RISE_S = 45 s)
    assert w.bodies.spo2[ann.id] > 0.9
    assert w.person_state(ann.id) == "conscious"
    assert w.bodies.spo2[w.person_by_name("Bo").id] == pytest.approx(steady_state_spo2(1.0, 0.21), abs=0.01)


# ------------------------------------------------------------------ doors: pry time, airlock cycle

def test_a_doors_own_pry_time_sets_how_long_a_crowbar_takes():
    def pried_at(pry_time_s):
        w = crew_world(TWO_ROOMS, {"a": ("Ana", "rescue", ("crowbar",)), "b": ("Ben", "crew", ()), "c": ("Cai", "crew", ())},
                       doors={(6, 2): "jammed"})
        w = create_world(replace(w.level, doors=(DoorDef((6, 2), "jammed", pry_time_s=pry_time_s),)), 1)
        w.submit(PryOpen(person_id=0, door_id=0))
        return run_until_event(w, ce.DoorPried, 300).time_s

    walk = 4 / WALK_SPEED_M_S  # Ana's four cells to the door; her role's pry skill is 1 (roles.py)
    assert pried_at(20.0) == pytest.approx(20.0 + walk, abs=1.0)
    assert pried_at(None) == pytest.approx(PRY_S[Tile.DOOR] + walk, abs=1.0)  # the kind's usual time


LOCK = """
HHHHHHHHHHHHHHHHH
H.....#.#.......H
H.a...h.h.......H
H.....#.#.......H
HHHHHHHHHHHHHHHHH
"""


def test_a_declared_airlocks_cycle_time_holds_its_door_while_the_air_beyond_differs():
    def crossing_s(cycle_s, vented: bool) -> float:
        """Seconds from Ana standing in the chamber to her reaching the far room."""
        w = crew_world(LOCK, {"a": ("Ana", "rescue", ("suit",))}, doors={(6, 2): "closed", (8, 2): "closed"})
        events = (EventDef(0.0, "breach", {"at": (16, 2), "area_cm2": 2000.0}),) if vented else ()
        level = replace(w.level, airlocks=(AirlockDef("Lock", ((6, 2), (8, 2)), cycle_s=cycle_s),), events=events)
        w = create_world(level, 1)
        run_until(w, 60.0)  # the far side vents (or not)
        w.submit(MoveTo(person_id=0, cell=(7, 2)))
        while w.people[0].cell != (7, 2) and w.time_s < 200:
            step(w)
        t0 = w.time_s
        w.submit(MoveTo(person_id=0, cell=(12, 2)))
        while w.people[0].cell != (12, 2) and w.time_s < 500:
            step(w)
        assert w.people[0].cell == (12, 2)
        return w.time_s - t0

    plain = crossing_s(None, vented=True)
    assert crossing_s(90.0, vented=True) - plain == pytest.approx(90.0, abs=2.0)  # the cycle, on top of the rest
    assert crossing_s(90.0, vented=False) == pytest.approx(crossing_s(None, vented=False), abs=0.2)  # like air: none


# ------------------------------------------------------------------ interior damage

SEALED_PAIR = """
HHHHHHHHHHHHH
H.....#.....H
H.....#.....H
H.....#.....H
HHHHHHHHHHHHH
"""


def damage_world(*events: EventDef, doors=None, text=SEALED_PAIR):
    level = ascii_level(text, doors=doors, events=list(events))
    return create_world(level, 1)


def test_a_damaged_wall_leaks_between_its_rooms_and_a_big_hole_is_a_way_through():
    w = damage_world(
        EventDef(0.0, "breach", {"at": (12, 2), "area_cm2": 100.0}),
        EventDef(30.0, "wall_damaged", {"at": (6, 2), "area_cm2": 20.0}),
    )
    west = lambda: float(w.compartments.pressure_bar[w.compartments.index_at(2, 2)])
    run_until(w, 29.0)
    assert west() == pytest.approx(1.0, abs=0.01)  # the wall holds the west room's air
    run_until(w, 400.0)
    assert west() < 0.5  # through a 20 cm2 hole it drains after the east room
    assert int(w.grid.tiles[2, 6]) == Tile.WALL  # too small to crawl through
    holed = next(e for e in w.events if isinstance(e, WallDamaged))
    assert not holed.passable
    assert "was holed (20 cm2)" in describe(holed, w)[1]

    big = damage_world(EventDef(1.0, "wall_damaged", {"at": (6, 2), "area_cm2": 8000.0}))
    run_until(big, 2.0)
    assert int(big.grid.tiles[2, 6]) == Tile.CUT  # 0.8 m2 is past a cut hole's 0.55 m2: crawled like one
    assert next(e for e in big.events if isinstance(e, WallDamaged)).passable


DOORED = """
HHHHHHHHHHHHH
H.....#.....H
H.....+.....H
H.....#.....H
HHHHHHHHHHHHH
"""


def test_a_damaged_door_leaks_more_and_jams_and_an_unjam_frees_it():
    def west_after(*events):
        w = damage_world(EventDef(0.0, "breach", {"at": (12, 2), "area_cm2": 100.0}), *events, text=DOORED,
                         doors={(6, 2): "closed"})
        run_until(w, 120.0)
        return w, float(w.compartments.pressure_bar[w.compartments.index_at(2, 2)])

    _, intact = west_after()
    w, damaged = west_after(EventDef(10.0, "door_damaged", {"door": (6, 2), "leak_cm2": 60.0, "jam": True}))
    # the room door's own seal passes 6 cm2 (doors.SEAL_LEAK_AREA_M2); ten times that drains the west room faster
    assert damaged < intact - 0.1
    assert w.doors[0].state == "jammed"
    ev = next(e for e in w.events if isinstance(e, DoorDamaged))
    assert (ev.leak_cm2, ev.jammed) == (60.0, True)
    assert "was damaged: its seal leaks 60 cm2 and it is jammed" in describe(ev, w)[1]

    w2, _ = west_after(EventDef(10.0, "door_jam", {"door": (6, 2)}), EventDef(50.0, "door_unjam", {"door": (6, 2)}))
    assert w2.doors[0].state == "closed"
    assert "came free" in describe(next(e for e in w2.events if isinstance(e, DoorUnjammed)), w2)[1]


def test_a_secondary_breach_comes_on_some_seeds_and_not_others():
    fired = set()
    for seed in range(1, 13):
        level = ascii_level(DOORED, events=[EventDef(5.0, "secondary_breach", {"at": (12, 2), "area_cm2": 10.0}, chance=0.5)])
        w = create_world(level, seed)
        run_until(w, 6.0)
        fired.add(len(w.breaches))
    assert fired == {0, 1}  # drawn from the events stream: a chance, not a certainty either way


# ------------------------------------------------------------------ responders_safe


def test_responders_safe_counts_a_responder_who_collapsed():
    w = crew_world(ROOM, {"a": ("Ann", "crew", ()), "b": ("Bo", "medic", ())})
    ob = ObjectiveDef("responders_safe", "Keep the team safe")
    w = create_world(replace(w.level, objectives=(ob,)), 1)
    tr = Tracker(w)
    score = OBJECTIVE_KINDS["responders_safe"].score
    run_until(w, 5.0)
    assert score(w, tr, ob) == (1.0, "1 of 1 responders unharmed")  # Ann's role is crew: not a responder
    w.bodies.dose[w.person_by_name("Bo").id] = 5.0  # a heavy hypoxic dose: he passes out at the next step
    run_until(w, 10.0)
    assert score(w, tr, ob) == (0.0, "0 of 1 responders unharmed: Bo collapsed")
    # he comes round, but the collapse is on the record
    run_until(w, 200.0)
    assert w.person_state(w.person_by_name("Bo").id) != "unconscious"
    assert score(w, tr, ob)[0] == 0.0


def test_tiled_carries_the_v2_keys_but_airlocks(tmp_path):
    """Tiled keeps crew condition, injury and SpO2, pry times, locker counts, the
    new events (with their cells) and max_injury; it has no place for airlocks."""
    level = load_level(V1_FILE)
    level = replace(
        level,
        crew=(replace(level.crew[0], condition="unconscious", spo2=0.9), level.crew[1]),
        events=(
            EventDef(5.0, "wall_damaged", {"at": (6, 1), "area_cm2": 20.0}),
            EventDef(6.0, "door_damaged", {"door": (6, 2), "leak_cm2": 20.0, "jam": True}),
            EventDef(7.0, "door_unjam", {"door": (6, 2)}),
            EventDef(8.0, "secondary_breach", {"at": (14, 2), "area_cm2": 5.0}, chance=0.5),
        ),
        objectives=(ObjectiveDef("responders_safe", "Team unhurt", max_injury="mild"),),
    )
    path = tmp_path / "v2.tmj"
    save_tiled(level, path)
    back = load_tiled(path)
    assert back.airlocks == ()
    assert replace(back, airlocks=level.airlocks) == level
