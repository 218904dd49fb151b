"""One prediction of time left: the autopilot ranks casualties by the figure the HUD shows."""

from __future__ import annotations

import math

from game.sim import prediction
from game.sim.commands import SetAutopilot
from game.sim.tasks import time_left_s, urgency_s
from game.sim.world import step
from game.view.countdowns import Countdowns
from tests.discipline_levels import time_left_world


def _people(w):
    return {p.name: p for p in w.people}


def test_the_hud_shows_the_time_left_the_autopilot_ranks_by():
    # Near and Far both read 1 bar at the first tick; Far's warped door lets
    # their air out faster, so Far passes out first (tests/discipline_levels.py).
    w = time_left_world()
    w.submit(SetAutopilot(on=True))
    while not w.crew.air_trend.forecast and w.time_s < 30.0:
        step(w)
    for _ in range(17):  # part-way between two forecasts: both count down with the clock
        step(w)
    ppl = _people(w)
    near, far = ppl["Near"], ppl["Far"]
    cd = Countdowns()
    cd.finish(w)
    for v in (near, far):
        shown = cd.get(v.id, w.time_s)
        assert shown is not None and math.isfinite(shown[0])
        assert shown[0] == time_left_s(w, v)  # the same number, from the one function
    assert time_left_s(w, far) < time_left_s(w, near)
    assert urgency_s(w, far) > urgency_s(w, near)
    assert [pid for pid, _, _ in cd.endangered(w.time_s)][:1] == [far.id]


def test_without_the_autopilot_the_hud_projects_with_the_sims_trend():
    # Nobody coordinating: no forecast in the sim, but the sim still samples the
    # air on ticks, and the HUD projects with the sim's own projection on it.
    w = time_left_world()
    while w.time_s < 12.0:
        step(w)
    assert not w.crew.air_trend.forecast
    ppl = _people(w)
    cd = Countdowns()
    cd.finish(w)
    want = prediction.project(w, [ppl["Near"].id, ppl["Far"].id])
    for name in ("Near", "Far"):
        pid = ppl[name].id
        assert cd.get(pid, w.time_s) == want[pid]
        assert math.isfinite(want[pid][0])
    assert want[ppl["Far"].id][0] < want[ppl["Near"].id][0]


def test_the_air_trend_is_sampled_on_ticks_the_same_way_in_every_run():
    # The trend decides the autopilot's ranking, so it is world state: two runs
    # of the same level and seed hold the same samples at the same tick.
    a, b = time_left_world(), time_left_world()
    for w in (a, b):
        while w.time_s < 9.05:
            step(w)
    sa, sb = a.crew.air_trend.samples, b.crew.air_trend.samples
    assert [s[0] for s in sa] == [s[0] for s in sb] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
    assert all((x[1] == y[1]).all() and (x[2] == y[2]).all() for x, y in zip(sa, sb))
