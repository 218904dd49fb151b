"""Crew who keep pressure discipline (issue 15), each on a small level of its
own: orders that cannot be carried out say what blocks them and what would
unblock it; doors between different air are shut behind, airlocks cycled;
kit comes out of lockers as a planned step; the crew never cut into safe
air; rescues go by time left; nobody churns."""

from __future__ import annotations

from game.sim import crew_events as ce
from game.sim.commands import PryOpen, Rescue
from game.sim.crew_timeline import order_churn
from game.sim.events import CommandRejected
from game.sim.explain import explain, locker_contents
from game.sim.level import LockerDef
from game.sim.world import run_until, step
from game.view.messages import describe_all
from tests.discipline_levels import (
    airlock_rescue,
    behind_crowd_run,
    containment_run,
    cut_hole_run,
    first_rescue_target,
    stuck_world,
    suit_up_run,
)

SEEDS = (1, 2, 3)  # the benchmark (benchmarks/discipline_levels.py) runs twenty


# ------------------------------------------------------------------ 1. pressure discipline


def test_a_rescue_through_an_airlock_cycles_it_and_the_safe_side_holds():
    for seed in SEEDS:
        got = airlock_rescue(seed)
        assert got["delivered_s"] is not None and got["alive"], seed
        assert not got["both_open"], seed
        # issue 15: the safe side never falls more than 2 % (one cell of thin air let in)
        assert got["fall"] < 0.02, (seed, got["fall"])


def test_told_to_leave_the_hatches_open_the_crew_does_and_the_safe_side_pays():
    got = airlock_rescue(1, leave_open=True)
    assert got["both_open"]
    assert got["fall"] > 0.05  # the whole wing's leak reaches the medical bay


# ------------------------------------------------------------------ 2. suits and kit


def test_the_autopilot_suits_a_rescuer_up_and_only_the_suited_go_into_the_holed_wing():
    for seed in SEEDS[:2]:
        got = suit_up_run(seed)
        # before: nobody in a suit, the hatch sealed at 3 s, Vic dead in the wing
        assert got["delivered_s"] is not None and got["alive"], seed
        assert len(got["suited"]) == 1, got["suited"]  # one suit is enough for one casualty
        assert got["unsuited_exposed_s"] == 0.0, seed
        w = got["world"]
        assert w.crew.lockers[0].count("suit") == 2  # the suit came out of the locker


def test_a_hole_the_crew_cut_into_a_holed_module_is_plated_over_once_they_are_through():
    got = cut_hole_run(1)
    assert got["cuts"] == 1 and got["alive"]
    # before: the hole stayed open for good; now it is patched (cut done at
    # about 208 s, then 90 s of plating: HOLE_PATCH_S)
    assert got["patched_s"] is not None and not got["holes_left"]
    w = got["world"]
    assert int(w.grid.tiles[2, 15]) == 2  # a wall again (Tile.WALL)
    vic = w.person_by_name("Vic")
    assert w.grid.module_at(*vic.cell) == "Base"  # not shut in: he was out before it was plated


# ------------------------------------------------------------------ 5. no churn


def test_an_evacuee_held_up_behind_someone_in_the_passage_goes_round_after_a_bounded_wait():
    got = behind_crowd_run(1)
    # before: Eve stood behind Kit until the run's end (126 s) and was impaired;
    # now she waits REROUTE_AFTER_S (5 s, plus a recheck) and takes the long way
    assert got["longest_wait_s"] <= 7.0
    assert got["safe_s"] is not None


# ------------------------------------------------------------------ 6. reasons


def test_a_refused_rescue_says_the_door_sticks_and_who_has_a_crowbar():
    w = stuck_world()
    ana = w.person_by_name("Ana Diaz")
    w.submit(Rescue(person_id=ana.id, target_id=w.person_by_name("Elena Rodriguez").id))
    step(w)
    rejected = [e for e in w.events if isinstance(e, CommandRejected)]
    assert rejected, "Ana cannot get through a sticking door without a crowbar"
    reason = rejected[-1].reason
    assert "4-15 door sticks" in reason and "crowbar" in reason and "Hassan Karimi has one" in reason
    assert "4-15 door sticks" in explain(w, ana.id).blocked  # the inspector says the same


def test_a_refused_order_names_the_locker_when_nobody_carries_the_tool():
    w = stuck_world(lockers=(LockerDef("Tool locker", (1, 1), ("crowbar", "crowbar")),))
    hassan = w.person_by_name("Hassan Karimi")
    hassan.equipment.remove("crowbar")
    ana = w.person_by_name("Ana Diaz")
    w.submit(Rescue(person_id=ana.id, target_id=w.person_by_name("Elena Rodriguez").id))
    step(w)
    reason = [e for e in w.events if isinstance(e, CommandRejected)][-1].reason
    assert "the Tool locker holds 2" in reason


def test_a_pry_order_without_a_crowbar_fetches_one_from_the_locker_first():
    w = stuck_world(lockers=(LockerDef("Tool locker", (1, 1), ("crowbar",)),))
    ana = w.person_by_name("Ana Diaz")
    w.submit(PryOpen(person_id=ana.id, door_id=w.door_at[(5, 2)]))
    run_until(w, 60.0)
    assert ana.has("crowbar") and w.crew.lockers[0] == []
    assert w.doors[w.door_at[(5, 2)]].state == "open"


# ------------------------------------------------------------------ 3. containment


def test_the_autopilot_never_cuts_the_wall_that_keeps_the_leak_from_the_hub():
    got = containment_run(1)
    # a cut through the shared wall was the quickest way in (and left the hub
    # at 0.57 bar); the bulkhead, opened and shut behind, costs it far less
    assert got["wall_cuts"] == 0
    assert got["delivered_s"] is not None
    assert got["hub_low_bar"] > 0.8


# ------------------------------------------------------------------ 4. rescue by time left


def test_the_one_whose_air_goes_fastest_is_reached_first_though_further_and_nobody_switches():
    for seed in SEEDS:
        got = first_rescue_target(seed, 120.0)
        # Far's warped door lets the air out fast; with both doors sound the nearer one goes first
        assert got["orders"][0] == "fit a respirator on Far", (seed, got["orders"])
        assert order_churn(got["world"].events) == {"superseded": 0, "reissued": 0}, seed


# ------------------------------------------------------------------ 5. no churn


def test_the_churn_count_sees_an_order_replaced_and_one_given_again_for_nothing():
    taken = lambda t, order: ce.OrderTaken(tick=int(t * 10), time_s=t, person_id=1, person="Ana", order=order,
                                           source="autopilot")
    done = lambda t, order, outcome="done": ce.OrderFinished(tick=int(t * 10), time_s=t, person_id=1, person="Ana",
                                                             order=order, outcome=outcome)
    log = [taken(1, "pry 4-14 door"), taken(5, "rescue Elena"),  # replaced before done
           done(90, "rescue Elena"), taken(90.2, "rescue Elena"), done(90.3, "rescue Elena")]  # again, for nothing
    assert order_churn(log) == {"superseded": 1, "reissued": 1}
    assert order_churn(log[:1] + [done(60, "pry 4-14 door")]) == {"superseded": 0, "reissued": 0}


def test_the_lockers_say_what_is_left_in_them_and_the_comms_log_says_who_took_what():
    got = suit_up_run(1)
    w = got["world"]
    assert locker_contents(w) == ["Suit locker: 2 suits"]  # three at the start, one put on
    lines = [text for _, text, _ in describe_all(w.events, w)]
    assert any("has put on a suit from the Suit locker" in t for t in lines)
    hole = cut_hole_run(1)["world"]
    assert any("plated over the cut hole" in text for _, text, _ in describe_all(hole.events, hole))
