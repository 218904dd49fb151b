"""Objective kinds are one registry: a kind added there, and nowhere else, is
scored, listed in the debrief's rows, decides when the exercise may end, and
appears in the after-action report."""

from __future__ import annotations

from dataclasses import replace

import pytest

from game.sim import level as sim_level
from game.sim.commands import MoveTo
from game.sim.level import ObjectiveDef
from game.sim.world import create_world, run_until
from game.training import objectives
from game.training.objectives import OBJECTIVE_KINDS, ObjectiveKind, in_medbay, named
from game.training.replay import Recorder, run_recorded
from game.training.report import analyse, render_html
from game.training.scoring import score
from game.view.messages import describe
from game.view.outcome import Watch
from game.view.scenes.instructor import breakdown_html
from tests.discipline_levels import airlock_world
from tests.training_levels import SICK_BAY, exercise_level


def _medic_on_watch(w, tr, ob: ObjectiveDef) -> tuple[float, str]:
    """Test-only kind: the people it names are in the sick bay."""
    ids = named(w, ob)
    there = [i for i in ids if in_medbay(w, i)]
    return len(there) / len(ids), f"{len(there)} of {len(ids)} on watch in the sick bay"


WATCH_KIND = ObjectiveKind("medic_on_watch", _medic_on_watch, settled=lambda w, tr, i: in_medbay(w, i))
ON_WATCH = ObjectiveDef("medic_on_watch", "Keep Ann on watch in the sick bay", 1.0, ("Ann Lee",))


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setitem(OBJECTIVE_KINDS, WATCH_KIND.name, WATCH_KIND)


def test_a_kind_registered_once_is_scored_debriefed_and_ends_the_exercise(registered):
    w = create_world(exercise_level(objectives=(ObjectiveDef("survive", "Nobody dies", 1.0), ON_WATCH)), 1)
    watch = Watch(w)
    run_until(w, 5.0)
    watch.update(w)
    assert watch.finished(w) is None  # Ann is still in the hall: the new kind holds the exercise open
    row = score(w).objectives[1]
    assert (row.kind, row.fraction, row.points, row.detail) == (
        "medic_on_watch", 0.0, 0.0, "0 of 1 on watch in the sick bay"
    )

    w.submit(MoveTo(person_id=0, cell=SICK_BAY))
    while not in_medbay(w, 0) and w.time_s < 120:
        run_until(w, w.time_s + 1.0)
        watch.update(w)
    assert in_medbay(w, 0)
    d = watch.debrief(w, "settled")
    row = d.objectives[1]
    assert (row.description, row.status, row.points) == ("Keep Ann on watch in the sick bay", "done", 50.0)
    assert "1 of 1 on watch in the sick bay" in breakdown_html(d.score)  # the instructor's breakdown window


def test_a_registered_kind_appears_in_the_after_action_report(registered):
    world = create_world(exercise_level(objectives=(ON_WATCH,)), 2)
    rec = Recorder(world, "exercise.toml", recorded_by="play")
    world.submit(MoveTo(person_id=0, cell=SICK_BAY))
    run_recorded(world, 40.0, rec)
    a = analyse(rec.replay(), describe, compare=False)
    page = render_html(a, "run.json")
    assert "Keep Ann on watch in the sick bay" in page and "medic_on_watch, weight 1" in page
    assert "1 of 1 on watch in the sick bay" in page and "100.0 / 100" in page


def test_the_level_files_know_every_registered_kind_and_no_other():
    assert set(sim_level.OBJECTIVE_KINDS) == set(OBJECTIVE_KINDS)


def test_an_unknown_kind_is_an_error_not_zero_points():
    w = create_world(exercise_level(objectives=(ObjectiveDef("medic_on_watch", "never registered", 1.0),)), 1)
    with pytest.raises(KeyError, match="medic_on_watch"):
        score(w)
    assert objectives.OBJECTIVE_KINDS.get("medic_on_watch") is None


def test_nobody_harmed_counts_a_responder_left_out_cold_not_only_the_dead():
    # issue 15: a hub bled down until its medic passed out, and the score stayed 100
    w = airlock_world(1)
    w = create_world(replace(w.level, objectives=(ObjectiveDef("survive", "Nobody dies", 1.0),)), 1)
    run_until(w, 3.0)
    assert score(w).objectives[0].fraction == 1.0
    ana = w.person_by_name("Ana")
    w.bodies.dose[ana.id] = 50.0  # out cold in the medical bay, alive
    run_until(w, 4.0)
    row = score(w).objectives[0]
    assert "left harmed: Ana (unconscious)" in row.detail
    assert row.fraction == 1.0 - (1.0 - objectives.HARMED_CREDIT) / 2  # two people, one harmed
