"""Commands: frozen, serialisable intents, the only way into the simulation.

Player, instructor and autopilot all speak in commands. They name things by
id, are stamped with the tick they apply at, and are recorded in that order.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

# Every command class by name, for reading recorded commands back: filled as
# each subclass of Command is defined, so a new command needs no list entry.
COMMAND_TYPES: dict[str, type["Command"]] = {}


@dataclass(frozen=True)
class Command:
    tick: int = -1  # stamped by World.submit

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        known = COMMAND_TYPES.get(cls.__name__)
        if known is not None:
            raise TypeError(f"two commands are called {cls.__name__} ({known.__module__} and {cls.__module__})")
        COMMAND_TYPES[cls.__name__] = cls

    @property
    def name(self) -> str:
        return type(self).__name__

    def stamped(self, tick: int) -> "Command":
        return replace(self, tick=tick)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, tuple):
                d[k] = list(v)
        return {"type": self.name, **d}


@dataclass(frozen=True)
class MoveTo(Command):
    """Walk a person to a cell by the quickest route they can take (an order: see below)."""

    person_id: int = -1
    cell: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class OpenDoor(Command):
    """Open a door remotely from the control room (not if jammed or sealed)."""

    door_id: int = -1


@dataclass(frozen=True)
class CloseDoor(Command):
    door_id: int = -1


@dataclass(frozen=True)
class LeaveOpen(Command):
    """Tell the crew to leave a door open behind them: pressure discipline is waived for it until it is closed."""

    door_id: int = -1


@dataclass(frozen=True)
class SealDoor(Command):
    """Close and lock a bulkhead or hatch from the control room."""

    door_id: int = -1


@dataclass(frozen=True)
class UnsealDoor(Command):
    door_id: int = -1


@dataclass(frozen=True)
class SetO2Feed(Command):
    """Set the emergency O2 feed: a rate (0 stops it) and where it goes.

    `target` is a cell in the room to feed, or None for the automatic
    choice, the breached module shared by volume.
    """

    rate_g_s: float = 0.0
    target: tuple[int, int] | None = None


# ---------------------------------------------------------------- orders to one person
# A person's order stands until it is done, fails or is cancelled; while a
# player's order stands, the autopilot leaves that person alone.


@dataclass(frozen=True)
class CutThrough(Command):
    """Cut through a wall or door at a cell, or the fallen beam lying on it (needs a lance)."""

    person_id: int = -1
    cell: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class PryOpen(Command):
    """Pry a jammed door open with a crowbar (others prying it help)."""

    person_id: int = -1
    door_id: int = -1


@dataclass(frozen=True)
class Rescue(Command):
    """Reach a person, fit a respirator if they need one and one is carried,
    and bring them to the medical bay (carried, or walked out if conscious)."""

    person_id: int = -1
    target_id: int = -1


@dataclass(frozen=True)
class FitRespirator(Command):
    """Reach a person and fit one of the respirators carried."""

    person_id: int = -1
    target_id: int = -1


@dataclass(frozen=True)
class SealBulkhead(Command):
    """Go to a bulkhead or hatch, shut it and dog it by hand."""

    person_id: int = -1
    door_id: int = -1


@dataclass(frozen=True)
class HoldPosition(Command):
    person_id: int = -1


@dataclass(frozen=True)
class CancelOrder(Command):
    """Drop a person's order; the autopilot (if on) may task them again."""

    person_id: int = -1


@dataclass(frozen=True)
class Treat(Command):
    """The medic treats a casualty (needs a medkit)."""

    person_id: int = -1
    target_id: int = -1


@dataclass(frozen=True)
class InspectModule(Command):
    """Walk a module and look it over for secondary impacts."""

    person_id: int = -1
    module: str = ""


@dataclass(frozen=True)
class PatchBreach(Command):
    """Patch a small hull breach (breach ids count from 0 in the order they opened)."""

    person_id: int = -1
    breach_id: int = -1


@dataclass(frozen=True)
class PatchHole(Command):
    """Plate over a hole the crew cut in a pressure boundary."""

    person_id: int = -1
    cell: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class ClearDebris(Command):
    """Shift the light debris off a cell by hand."""

    person_id: int = -1
    cell: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class DonSuit(Command):
    """Go to the nearest locker that still holds a suit and put it on."""

    person_id: int = -1


@dataclass(frozen=True)
class SetAutopilot(Command):
    """Hand the crew to the coordinator autopilot (on) or take them back (off)."""

    on: bool = True


class CommandFormatError(ValueError):
    """A recorded command could not be read back."""


def command_from_dict(data: dict[str, Any]) -> Command:
    """Rebuild a command from `Command.to_dict` output; raises CommandFormatError."""
    try:
        cls = COMMAND_TYPES[data["type"]]
    except (KeyError, TypeError):
        raise CommandFormatError(f"unknown command type {data.get('type') if isinstance(data, dict) else data!r}")
    kwargs = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        v = data[f.name]
        if isinstance(v, list):
            v = tuple(v)
        kwargs[f.name] = v
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise CommandFormatError(str(exc)) from None


# ---- instructor injects: events an instructor makes happen during an exercise


@dataclass(frozen=True)
class InjectBreach(Command):
    """Hole the hull at `cell`, or at the nearest hull cell with air behind it."""

    cell: tuple[int, int] = (0, 0)
    area_cm2: float = 20.0


@dataclass(frozen=True)
class InjectDebris(Command):
    """Bring debris down at a cell."""

    cell: tuple[int, int] = (0, 0)
    debris: str = "ceiling_panel"
    count: int = 3


@dataclass(frozen=True)
class InjectDoorJam(Command):
    door_id: int = -1


@dataclass(frozen=True)
class InjectEquipmentFailure(Command):
    """One item a person carries or wears stops working (a suit, a respirator...)."""

    person_id: int = -1
    item: str = "respirator"


@dataclass(frozen=True)
class InjectWorsen(Command):
    """A person gets worse: saturation drops by `spo2_drop`, `injury_s` of anoxia is added."""

    person_id: int = -1
    spo2_drop: float = 0.15
    injury_s: float = 0.0


@dataclass(frozen=True)
class FreezeExercise(Command):
    """The instructor stops (or restarts) the exercise clock; recorded for the debrief."""

    on: bool = True


INJECT_COMMANDS = (InjectBreach, InjectDebris, InjectDoorJam, InjectEquipmentFailure, InjectWorsen, FreezeExercise)
