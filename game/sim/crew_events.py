"""Past-tense records of what the crew did, appended by the crew systems.

Kept beside `game.sim.events` (the world's own records) so the crew can grow
its vocabulary without touching the shared list. `CrewActed` is the one line
per finished or failed action that the report's timeline is made of.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.sim.events import Event


@dataclass(frozen=True)
class CrewActed(Event):
    person_id: int
    actor: str
    action: str  # pry, cut, fit respirator, carry, ...
    target: str
    place: str
    outcome: str = "done"  # or the reason it failed


@dataclass(frozen=True)
class OrderTaken(Event):
    person_id: int
    person: str
    order: str  # words: "rescue Dale Jackson"
    source: str  # player | autopilot
    place: str = ""  # where they were when told


@dataclass(frozen=True)
class OrderFinished(Event):
    person_id: int
    person: str
    order: str
    outcome: str  # done | cancelled | the reason it could not be done


@dataclass(frozen=True)
class AutopilotSet(Event):
    on: bool


@dataclass(frozen=True)
class DoorPried(Event):
    door_id: int
    door: str
    by: str
    helpers: tuple[str, ...] = ()


@dataclass(frozen=True)
class WallCut(Event):
    x: int
    y: int
    material: str
    by: str


@dataclass(frozen=True)
class HolePatched(Event):
    """A hole the crew cut in a pressure boundary was plated over once they were through."""

    x: int
    y: int
    by: str


@dataclass(frozen=True)
class BeamCut(Event):
    debris_id: int
    x: int
    y: int
    by: str
    pieces_left: int


@dataclass(frozen=True)
class RespiratorFitted(Event):
    person_id: int
    person: str
    by: str
    left: int  # respirators the fitter still carries


@dataclass(frozen=True)
class CasualtyTaken(Event):
    person_id: int
    person: str
    by: str
    how: str  # carry | support


@dataclass(frozen=True)
class PersonDelivered(Event):
    person_id: int
    person: str
    by: str
    room: str


@dataclass(frozen=True)
class PersonTreated(Event):
    person_id: int
    person: str
    by: str


@dataclass(frozen=True)
class ModuleInspected(Event):
    module: str
    by: str
    breaches: int  # holes found in it


@dataclass(frozen=True)
class BreachPatched(Event):
    breach_id: int
    section: str
    by: str


@dataclass(frozen=True)
class EvacuationStarted(Event):
    person_id: int
    person: str
    room: str


@dataclass(frozen=True)
class ReachedSafety(Event):
    person_id: int
    person: str
    module: str


@dataclass(frozen=True)
class Sheltering(Event):
    person_id: int
    person: str
    room: str
    reason: str


@dataclass(frozen=True)
class DoorHeldOpen(Event):
    """The player told the crew to leave a door open behind them."""

    door_id: int
    door: str
