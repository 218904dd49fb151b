"""Who did what in a multi-seat exercise: the part of a replay that names seats.

A networked exercise (game.net) records an ordinary replay; this record rides
along in it under `exercise`: the seats, which seat gave each command of the
replay's command log (same order), the comms channel's messages, and the
commands a seat sent that no peer carried out because the seat may not give
them. `replay` ignores it; the after-action report reads it to say who
decided and said what.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_TEXT = 200  # characters in one comms message


@dataclass(frozen=True)
class Message:
    """One line on the comms channel, stamped with the tick every peer shows it at."""

    tick: int
    seat: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"tick": self.tick, "seat": self.seat, "text": self.text}


@dataclass
class ExerciseRecord:
    seats: list[dict[str, Any]] = field(default_factory=list)  # Seat.to_dict() each, plus its "label"
    command_seats: list[str] = field(default_factory=list)  # one per command of the replay, in order
    messages: list[Message] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)  # {"tick", "seat", "command", "why"}

    def to_dict(self) -> dict[str, Any]:
        return {
            "seats": [dict(s) for s in self.seats],
            "command_seats": list(self.command_seats),
            "messages": [m.to_dict() for m in self.messages],
            "refused": [dict(r) for r in self.refused],
        }

    def seat_label(self, name: str) -> str:
        s = next((s for s in self.seats if s.get("name") == name), None)
        return str(s.get("label") or name) if s else name


def exercise_from_dict(data: Any, n_commands: int) -> ExerciseRecord:
    """Read the record back; raises ValueError saying what is wrong with it."""
    if not isinstance(data, dict):
        raise ValueError("'exercise' is not an object")
    seats = data.get("seats", [])
    if not isinstance(seats, list) or not all(isinstance(s, dict) and isinstance(s.get("name"), str) for s in seats):
        raise ValueError("'exercise.seats' is malformed")
    who = data.get("command_seats", [])
    if not isinstance(who, list) or not all(isinstance(w, str) for w in who) or len(who) != n_commands:
        raise ValueError("'exercise.command_seats' does not name one seat per command")
    messages = []
    for m in data.get("messages", []) if isinstance(data.get("messages", []), list) else [None]:
        ok = isinstance(m, dict) and isinstance(m.get("tick"), int) and isinstance(m.get("seat"), str)
        if not ok or not isinstance(m.get("text"), str) or len(m["text"]) > MAX_TEXT:
            raise ValueError("'exercise.messages' holds a malformed message")
        messages.append(Message(m["tick"], m["seat"], m["text"]))
    refused = data.get("refused", [])
    if not isinstance(refused, list) or not all(isinstance(r, dict) for r in refused):
        raise ValueError("'exercise.refused' is malformed")
    return ExerciseRecord(list(seats), list(who), messages, list(refused))
