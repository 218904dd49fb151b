"""Fire in O2-rich air (game.sim.fire): sparks light it, it burns O2 and heats the room, nobody cuts there."""

from __future__ import annotations

from dataclasses import replace

import pytest

from game.levelio.load import validate_file
from game.levelio.save import save_level
from game.sim import commands as C
from game.sim import events as ev
from game.sim.fire import lance_barred, lance_refusal
from game.sim.level import EventDef, RoomDef
from game.sim.world import create_world, run_until
from tests.builders import ascii_level

ROOM = """
#########
#.......#
#.....a.#
#...#...#
#########
"""


def _world(o2: float, sparks_at=(2, 2)):
    lv = ascii_level(ROOM, people={"a": ("Ann", "engineer", ("lance",))},
                     events=[EventDef(1.0, "sparks", {"at": sparks_at, "for_s": 30.0})])
    return create_world(replace(lv, rooms=(RoomDef("Store", (2, 2), "storage", o2_fraction=o2),)))


def test_sparks_in_o2_rich_air_start_a_fire_that_burns_o2_and_heats_the_room():
    w = create_world(replace(_world(0.35).level))
    c = w.compartments
    i = c.index_at(2, 2)
    o2_before, t_before = float(c.o2_fraction[i]), float(c.temp_k[i])
    run_until(w, 31.0)
    assert [e.place for e in w.events if isinstance(e, ev.FireStarted)] == ["Store"]
    # lit at 1 s, so 30 s at 50 kW by 31 s:
    # 1.5 MJ / 13.1 MJ per kg of O2 / 0.032 kg/mol = 3.6 mol of O2 burned
    assert w.fire.burned_o2_mol == pytest.approx(30.0 * 50e3 / 13.1e6 / 0.032, rel=0.05)
    assert float(c.o2_fraction[i]) < o2_before - 0.001  # 3.6 of ~700 mol of O2 in 48 m3
    assert float(c.temp_k[i]) > t_before + 5.0


def test_the_same_sparks_in_ordinary_air_light_nothing():
    w = _world(0.21)
    run_until(w, 31.0)
    assert not any(isinstance(e, ev.FireStarted) for e in w.events)
    assert w.fire.burned_o2_mol == 0.0


def test_nobody_lights_a_lance_in_o2_rich_air_and_the_refusal_says_why():
    w = _world(0.35, sparks_at=(1, 1))
    w.level = replace(w.level, events=())
    run_until(w, 0.5)
    ann = w.person_by_name("Ann")
    w.submit(C.CutThrough(person_id=ann.id, cell=(4, 3)))
    run_until(w, 1.0)
    refusals = [e for e in w.events if e.kind == "CommandRejected"]
    assert refusals and "35 % O2" in refusals[-1].reason and "no lance" in refusals[-1].reason
    assert ann.order is None


def test_the_validator_names_sparks_placed_in_a_wall(tmp_path):
    lv = ascii_level(ROOM, people={"a": ("Ann", "engineer", ())},
                     events=[EventDef(1.0, "sparks", {"at": (4, 3)}), EventDef(2.0, "sparks", {"at": (2, 2)})])
    path = tmp_path / "sparks.toml"
    save_level(lv, path)
    problems = [str(p) for p in validate_file(path)]
    assert len(problems) == 1 and "sparks must be on a floor cell" in problems[0] and "4,3 is wall" in problems[0]
    assert problems[0].startswith(f"{path}:")  # FILE:LINE


TWO_ROOMS = """
###########
#...#.....#
#.a.+.....#
#...#.....#
###########
"""


def _jammed_world(o2: float):
    """Ann, with a crowbar and a lance, in ordinary air; a jammed door into the store, whose air is `o2`."""
    lv = ascii_level(TWO_ROOMS, people={"a": ("Ann", "engineer", ("crowbar", "lance"))},
                     doors={(4, 2): "jammed"})
    rooms = (RoomDef("Lab", (1, 1), "lab"), RoomDef("Store", (7, 2), "storage", o2_fraction=o2))
    return create_world(replace(lv, rooms=rooms))


def test_where_no_lance_may_be_lit_is_one_mask_that_agrees_with_the_lance_cell_for_cell():
    w = _jammed_world(0.35)
    mask = lance_barred(w)
    h, wd = mask.shape
    assert [[bool(mask[y, x]) for x in range(wd)] for y in range(h)] == \
        [[lance_refusal(w, (x, y)) is not None for x in range(wd)] for y in range(h)]
    assert mask[2, 4] and mask[2, 7] and not mask[2, 2]  # the door beside the store, the store; not the lab
    assert not lance_barred(_jammed_world(0.21)).any()


def test_a_jammed_door_into_o2_rich_air_is_pried_though_cutting_would_be_quicker():
    # Cutting the door: 0.06 m at 600 s/m = 36 s, against 60 s of prying (game.sim.navigation.PRY_S):
    # in ordinary air the lance is the quicker way; next to 35 % O2 it may not be lit.
    w = _jammed_world(0.35)
    ann = w.person_by_name("Ann")
    w.submit(C.MoveTo(person_id=ann.id, cell=(8, 2)))
    run_until(w, 90.0)
    assert not [e for e in w.events if e.kind in ("CommandRejected", "OrderFailed")]
    assert w.doors[0].state != "jammed"
    assert ann.cell[0] >= 5  # through the door, in the store
    assert not any(isinstance(e, ev.FireStarted) for e in w.events)
