"""The inspector says what someone is doing and why, read from the sim's own
explanation: the work in hand with its progress and place, a walk with its
distance and time, and the order behind it with the time it was given.
"""

from __future__ import annotations

from game.sim.commands import CutThrough, MoveTo
from game.sim.explain import describe, explain
from game.sim.world import run_until
from game.view.agents import AgentNotes, activity
from tests.test_crew_actions import crew_world

WARD = """
HHHHHHHHHHHHHHH
H....#........H
H..a.#........H
H....#........H
HHHHHHHHHHHHHHH
"""


def test_a_cut_in_hand_shows_its_progress_place_and_the_players_order():
    w = crew_world(WARD, {"a": ("Ana", "rescue", ("lance",))})
    w.submit(CutThrough(person_id=0, cell=(5, 2)))
    run_until(w, 8.0)
    e = explain(w, 0)
    assert e.action == "cut" and e.order is not None and e.order.source == "player"
    assert e.why == f"the player: {e.order.words}" and e.order.words.startswith("cut through")
    act = activity(w, 0)
    assert act.kind == "action" and act.cutting and act.at == (5.5, 2.5)
    assert 0.0 < act.progress < 1.0
    assert act.why == f"your order: {e.order.words}"  # no breach yet: the mission clock has not started
    assert f"({act.progress:.0%})" in describe(w, 0)


def test_a_walk_shows_how_far_and_how_long_and_the_last_order_stays_once_done():
    w = crew_world(WARD, {"a": ("Ana", "rescue", ())})
    notes = AgentNotes()
    w.submit(MoveTo(person_id=0, cell=(3, 1)))
    run_until(w, 0.3)
    notes.sync(w)
    act = activity(w, 0, notes)
    assert act.kind == "walking" and act.text.startswith("Walk to") and act.eta_s is not None and act.eta_s > 0
    assert act.progress is None and not act.cutting
    run_until(w, 10.0)
    notes.sync(w)
    done = activity(w, 0, notes)
    assert done.kind == "idle" and done.text == "Standing by"
    assert done.why.startswith("your order") and done.why.endswith("go to 3,1")
