"""Seats of a multi-seat exercise and what each may order.

A seat is a person at a machine: the coordinator in the control room, a team
lead in the field (with the crew members that make up their team) or the
instructor. What a seat may give is data (`AUTHORITY`), read against the
order registry's own entries (`ORDER_KINDS`): a remote order is the control
room's, an order to a person reaches whom the seat's `Reach` says, injects
are the instructor's. No order is named here, so a new order kind is covered
the moment it is registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from game.sim import commands as C
from game.sim.level import Level
from game.sim.orders import ORDER_KINDS


class SeatKind(str, Enum):
    COORDINATOR = "coordinator"
    LEAD = "lead"
    INSTRUCTOR = "instructor"
    OBSERVER = "observer"  # a host that only runs the exercise and records it


class Reach(Enum):
    """Whom a seat may give orders that a person carries out."""

    NOBODY = 0
    TEAM = 1
    ANYONE = 2


@dataclass(frozen=True)
class Authority:
    crew: Reach  # orders to a person (the registry's entries that are not remote)
    control_room: bool  # remote orders: doors and the O2 feed
    autopilot: bool  # handing the crew to the coordinator autopilot
    injects: bool  # the instructor's injects and the exercise clock


AUTHORITY: dict[SeatKind, Authority] = {
    SeatKind.COORDINATOR: Authority(Reach.ANYONE, control_room=True, autopilot=True, injects=False),
    SeatKind.LEAD: Authority(Reach.TEAM, control_room=False, autopilot=False, injects=False),
    SeatKind.INSTRUCTOR: Authority(Reach.NOBODY, control_room=False, autopilot=False, injects=True),
    SeatKind.OBSERVER: Authority(Reach.NOBODY, control_room=False, autopilot=False, injects=False),
}


class SeatError(ValueError):
    """A seat list that cannot be used; the message says why, for the user."""


@dataclass(frozen=True)
class Seat:
    name: str  # what `join --seat` names: "coordinator", "instructor" or the lead's first name
    kind: SeatKind
    team: tuple[int, ...] = ()  # person ids a lead answers for (the lead first)

    @property
    def authority(self) -> Authority:
        return AUTHORITY[self.kind]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind.value, "team": list(self.team)}

    @staticmethod
    def from_dict(d: dict[str, Any]) -> "Seat":
        return Seat(str(d["name"]), SeatKind(d["kind"]), tuple(int(i) for i in d.get("team", ())))

    def label(self, level: Level) -> str:
        """The seat in words for the lobby and the report: "lead Alexis (Alexis Moreau, Sofia Petrova)"."""
        if self.kind is SeatKind.LEAD:
            names = ", ".join(level.crew[i].name for i in self.team if 0 <= i < len(level.crew))
            return f"lead {self.name} ({names})"
        return self.name


def refusal(seat: Seat, cmd: C.Command) -> str | None:
    """Why `seat` may not give `cmd`, or None if it may. Every peer asks the same, so all refuse alike."""
    a = seat.authority
    kind = ORDER_KINDS.for_command(type(cmd))
    if kind is not None:
        if kind.remote:
            return None if a.control_room else f"{seat.name} does not run the control room ({kind.key})"
        if a.crew is Reach.ANYONE:
            return None
        if a.crew is Reach.TEAM and getattr(cmd, "person_id", None) in seat.team:
            return None
        return f"{seat.name} may not order person {getattr(cmd, 'person_id', '?')} ({kind.key}): not their team"
    if isinstance(cmd, C.SetAutopilot):
        return None if a.autopilot else f"{seat.name} may not switch the autopilot"
    if isinstance(cmd, C.INJECT_COMMANDS):
        return None if a.injects else f"{seat.name} may not inject ({cmd.name}): that is the instructor's"
    return f"{cmd.name} is no order a seat gives"


def _person(level: Level, name: str) -> int:
    """The crew member a seat spec names: the whole name, or its first word, case-insensitively."""
    want = name.strip().lower()
    hits = [i for i, c in enumerate(level.crew) if c.name.lower() == want]
    hits = hits or [i for i, c in enumerate(level.crew) if c.name.lower().split()[0] == want]
    if len(hits) != 1:
        found = "nobody" if not hits else "more than one person"
        raise SeatError(f"{name!r} names {found} in {level.meta.name}'s crew")
    return hits[0]


def parse_seats(spec: str, level: Level, instructor: bool = False) -> list[Seat]:
    """Seats from `coordinator,lead:Alexis+Sofia,lead:Hassan` (a lead's team after '+'), plus the instructor."""
    seats: list[Seat] = []
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        kind, _, rest = part.partition(":")
        kind = kind.strip().lower()
        if kind == SeatKind.LEAD.value:
            names = [n for n in rest.split("+") if n.strip()]
            if not names:
                raise SeatError(f"seat {part!r}: a lead needs a name, as lead:Alexis")
            team = tuple(dict.fromkeys(_person(level, n) for n in names))
            seats.append(Seat(names[0].strip(), SeatKind.LEAD, team))
        elif kind in (SeatKind.COORDINATOR.value, SeatKind.INSTRUCTOR.value) and not rest:
            seats.append(Seat(kind, SeatKind(kind)))
        else:
            raise SeatError(f"seat {part!r}: a seat is coordinator, instructor or lead:NAME")
    if instructor and not any(s.kind is SeatKind.INSTRUCTOR for s in seats):
        seats.append(Seat("instructor", SeatKind.INSTRUCTOR))
    names = [s.name.lower() for s in seats]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SeatError(f"two seats are called {dup[0]!r}")
    taken = [i for s in seats for i in s.team]
    if len(taken) != len(set(taken)):
        raise SeatError("a crew member is in two leads' teams")
    if not seats:
        raise SeatError("an exercise needs at least one seat")
    return seats


def seat_by_name(seats: list[Seat], name: str) -> Seat | None:
    return next((s for s in seats if s.name.lower() == name.strip().lower()), None)
