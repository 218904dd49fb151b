"""The ending's every-tick question and the tracker's once-a-second look, as a
player meets them: the exercise stays open while anyone is still in bad air,
whoever it asked about first, and the tracker records who was brought in and
who got out at the second it saw them."""

from __future__ import annotations

from game.sim.level import ObjectiveDef
from game.sim.world import create_world, run_until
from game.training.ending import over
from game.training.objectives import OBJECTIVE_KINDS
from game.training.tracker import Tracker
from tests.training_levels import SICK_BAY, exercise_level

SURVIVE = ObjectiveDef("survive", "Nobody dies", 1.0)


def test_the_exercise_stays_open_while_someone_else_is_still_in_the_breached_air():
    w = create_world(exercise_level(ann_kit=(), objectives=(SURVIVE,)), 1)
    tr = Tracker(w)
    run_until(w, 2.0)
    tr.observe(force=True)
    ann, bo = w.person_by_name("Ann Lee"), w.person_by_name("Bo Diaz")
    assert over(w, tr) is None  # Ann breathes the holed hall's air, unmasked

    ann.equipment.append("suit")  # Ann is suited now, but Bo has walked into the hall without his mask on
    bo.x, bo.y = ann.x + 1.0, ann.y
    assert over(w, tr) is None  # the one it asked about last is safe; Bo still holds it open

    bo.x, bo.y = SICK_BAY[0] + 0.5, SICK_BAY[1] + 0.5  # back in the sick bay: everyone breathes safely
    assert OBJECTIVE_KINDS["survive"].is_decided(w, tr, SURVIVE)


def test_the_tracker_records_who_was_brought_in_and_who_got_out_when_it_saw_them():
    w = create_world(exercise_level(ann_kit=()), 1)
    tr = Tracker(w)
    run_until(w, 1.0)
    tr.observe(force=True)
    ann, bo = w.person_by_name("Ann Lee"), w.person_by_name("Bo Diaz")
    west = tr.module_at_breach[ann.id]
    assert west in tr.breached_modules and tr.module_at_breach[bo.id] not in tr.breached_modules
    assert bo.id in tr.already_safe  # in the sick bay when it began: nobody rescued him
    assert ann.id not in tr.out_s and ann.id not in tr.rescued_s

    run_until(w, 3.0)
    ann.x, ann.y = SICK_BAY[0] - 0.5, SICK_BAY[1] + 0.5  # carried in beside Bo
    tr.observe(force=True)
    assert tr.rescued_s[ann.id] == tr.out_s[ann.id] == w.time_s == 3.0
    assert bo.id not in tr.rescued_s
