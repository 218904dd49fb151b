"""Seats: what each may order, read from the order registry, and how a seat list is written."""

from __future__ import annotations

import pytest

from game.net.seats import AUTHORITY, Reach, SeatError, SeatKind, parse_seats, refusal
from game.sim import commands as C
from game.sim.orders import ORDER_KINDS
from tests.builders import ascii_level

LEVEL = ascii_level(
    """
    HHHHHHHHH
    H.a.b.c.H
    HHHHHHHHH
    """,
    people={"a": ("Alexis Moreau", "rescue", ()), "b": ("Sofia Petrova", "rescue", ()), "c": ("Yuki Tanaka", "coordinator", ())},
)
ALEXIS, SOFIA, YUKI = 0, 1, 2  # crew sorted by name (tests/builders.py)


def seats():
    return {s.name: s for s in parse_seats("coordinator,lead:Alexis+Sofia", LEVEL, instructor=True)}


def test_a_seat_list_names_leads_and_their_teams_by_first_name():
    s = seats()
    assert list(s) == ["coordinator", "Alexis", "instructor"]
    assert s["Alexis"].team == (ALEXIS, SOFIA)
    assert s["Alexis"].label(LEVEL) == "lead Alexis (Alexis Moreau, Sofia Petrova)"


@pytest.mark.parametrize("spec, why", [
    ("lead:Nobody", "names nobody"),
    ("lead:Alexis,lead:Alexis", "two seats"),
    ("lead:Alexis,lead:Sofia+Alexis", "two leads' teams"),
    ("pilot", "a seat is coordinator"),
    ("", "at least one seat"),
])
def test_a_bad_seat_list_says_what_is_wrong(spec, why):
    with pytest.raises(SeatError, match=why):
        parse_seats(spec, LEVEL)


def test_every_order_kind_has_an_answer_for_every_seat():
    """A new order kind needs no entry here: its place in the registry decides who may give it."""
    s = seats()
    for kind in ORDER_KINDS:
        fields = {"person_id": ALEXIS} if not kind.remote else {}
        cmd = kind.command(**fields)
        assert refusal(s["coordinator"], cmd) is None, kind.key
        assert (refusal(s["Alexis"], cmd) is None) == (not kind.remote), kind.key
        assert refusal(s["instructor"], cmd) is not None, kind.key
        if not kind.remote:
            assert refusal(s["Alexis"], kind.command(person_id=YUKI)) is not None, kind.key


def test_injects_are_the_instructors_and_the_autopilot_the_coordinators():
    s = seats()
    for cls in C.INJECT_COMMANDS:
        assert [refusal(seat, cls()) is None for seat in s.values()] == [False, False, True]
    assert [refusal(seat, C.SetAutopilot(on=True)) is None for seat in s.values()] == [True, False, False]
    assert AUTHORITY[SeatKind.LEAD].crew is Reach.TEAM
