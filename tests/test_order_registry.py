"""One entry is enough for a new order: registered here, a test-only order shows
in the right-click menu on what it is aimed at, is checked, planned and carried
out, and is spoken of in its own words, with nothing else changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from game.app import _headless, headless_play
from game.sim import commands as C
from game.sim import crew_events as ce
from game.sim.actions import DONE
from game.sim.crew_orders import plan_at
from game.sim.events import CommandRejected
from game.sim.order_kinds import DOOR, Aim, MenuEntry, MenuGroup, OrderKind, Refusal
from game.sim.orders import ORDER_KINDS
from game.sim.planner import walkable_neighbours
from game.sim.world import create_world, run_until, step
from tests.builders import ascii_level
from tests.test_game_input import choose_order, click, screen_of

SIZE = (1280, 720)
DOOR_CELL = (7, 2)


@dataclass(frozen=True)
class KnockOn(C.Command):
    """Test-only: walk up to a closed door and knock."""

    person_id: int = -1
    door_id: int = -1


def _plan_knock(world, p, o):
    door = world.doors[o.target]
    goals = walkable_neighbours(world, door.cell)
    if p.cell in goals:
        return DONE  # knocked
    return plan_at(world, p, goals, o, door.label, [])


def _can_knock(world, cmd) -> Refusal | None:
    door = world.doors[cmd.door_id]
    return None if door.state == "closed" else Refusal(f"{door.label} is {door.state}: nothing to knock on")


KNOCK = OrderKind(
    "knock", KnockOn, DOOR, lambda world, d: f"knock on {world.doors[d].label}", plan=_plan_knock, check=_can_knock,
    menu=MenuEntry(lambda c: f"Knock on {c.target.door.label}", MenuGroup.SHIP,
                   lambda c: c.target.door.state == "closed"),
)


@pytest.fixture
def knock():
    ORDER_KINDS.register(KNOCK)
    yield KNOCK
    ORDER_KINDS.unregister(KNOCK.key)


@pytest.fixture(scope="module")
def display():
    _headless()
    yield


def corridor():
    return create_world(ascii_level(
        """
        HHHHHHHHHHH
        H.........H
        H.a....+..H
        H.........H
        HHHHHHHHHHH
        """,
        people={"a": ("Ann", "crew", ())},
    ))


def test_a_registered_order_is_offered_on_its_target_and_carried_out(display, knock):
    world = corridor()
    state = headless_play(world, SIZE, paused=True)
    click(state, screen_of(state, world, "Ann"))
    click(state, state.camera.cell_centre(*DOOR_CELL), button=3)
    door = world.doors[world.door_at[DOOR_CELL]]
    assert "Knock on " + door.label in [o.label for o in state.menu.orders]
    choose_order(state, "knock")
    step(world)
    ann = world.person_by_name("Ann")
    assert [c for c in world.command_log if isinstance(c, KnockOn)] == [KnockOn(tick=0, person_id=ann.id, door_id=door.id)]
    taken = [e for e in world.events if isinstance(e, ce.OrderTaken)]
    assert taken and taken[-1].order == f"knock on {door.label}"
    run_until(world, 20.0)
    assert ann.cell in walkable_neighbours(world, DOOR_CELL) and ann.order is None
    assert any(isinstance(e, ce.OrderFinished) and e.order == f"knock on {door.label}" for e in world.events)


def test_a_registered_order_is_not_offered_off_its_target_and_refused_with_its_reason(display, knock):
    world = corridor()
    state = headless_play(world, SIZE, paused=True)
    click(state, screen_of(state, world, "Ann"))
    click(state, state.camera.cell_centre(4, 1), button=3)  # bare floor: no door to knock on
    assert "knock" not in [o.key for o in state.menu.orders]
    ann = world.person_by_name("Ann").id
    door = world.doors[world.door_at[DOOR_CELL]]
    world.submit(KnockOn(person_id=ann, door_id=99))
    step(world)
    world.set_door_state(door, "open")
    world.submit(KnockOn(person_id=ann, door_id=door.id))
    step(world)
    reasons = [e.reason for e in world.events if isinstance(e, CommandRejected)]
    assert reasons == ["there is no door 99", f"{door.label} is open: nothing to knock on"]


def test_recorded_orders_read_back_by_name_and_unknown_kinds_fail_loudly(knock):
    assert C.command_from_dict(KnockOn(person_id=0, door_id=3).to_dict()) == KnockOn(person_id=0, door_id=3)
    with pytest.raises(ValueError, match="registered already"):
        ORDER_KINDS.register(KNOCK)
    with pytest.raises(KeyError):
        ORDER_KINDS["no_such_order"]
    with pytest.raises(ValueError, match="no 'cell' field"):
        OrderKind("bad", KnockOn, Aim("a cell", "cell"), KNOCK.words, plan=_plan_knock)

