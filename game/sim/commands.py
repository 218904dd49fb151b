"""Commands: frozen, serialisable intents, the only way into the simulation.

Player, instructor and autopilot all speak in commands. They name things by
id, are stamped with the tick they apply at, and are recorded in that order.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Command:
    tick: int = -1  # stamped by World.submit

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
    """Walk a person to a cell by the quickest route they can take."""

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


COMMAND_TYPES: dict[str, type[Command]] = {
    c.__name__: c for c in (MoveTo, OpenDoor, CloseDoor, SealDoor, UnsealDoor, SetO2Feed)
}


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
