"""Lessons: a level's goals the player ticks off one after another, and the hints
that answer what the player does or fails to do.

A lesson is data in the level file (`[[lesson_steps]]`, `[[lesson_hints]]`,
read into `game.sim.level.LessonStepDef`/`LessonHintDef`), so a designer writes
one without code. Each kind of check is one entry of `LESSON_CHECKS` here, the
one place that says how it is judged from the world and from what the player
sees (`Seen`: the selection, the overlay, the clock's speed, which the view
passes in; training does not import the view). Adding a kind is one entry here
plus its parameters in `game.sim.level.LESSON_CHECKS` (a test holds the two equal).

`Lesson.update` is called every frame: the current step is checked; when it
holds it is ticked (for good) and the next one starts. A step's hint shows once
the player has spent its `hint_after_s` on it; an event that a `[[lesson_hints]]`
entry waits for (an order refused, someone short of air) says its words at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from game.sim.level import LessonHintDef, LessonStepDef
from game.sim.tiles import Tile

if TYPE_CHECKING:
    from game.sim.world import World


@dataclass(frozen=True)
class Seen:
    """What the player has chosen on screen, which the world does not hold."""

    selected: tuple[str, ...] = ()  # names of the selected people
    overlay: str | None = None
    speed: int = 1
    paused: bool = False


Check = Callable[["World", Seen, dict[str, Any]], bool]


def _people(w: World, names) -> list:
    return [p for p in w.people if p.name in names]


def _room_of(w: World, p) -> str | None:
    room = w.grid.room_at(*p.cell)
    return room.label if room is not None else None


def _door(w: World, name: str):
    return next(d for d in w.doors if d.label == name)  # the validator has checked that it exists


def _feed_room(w: World, prm: dict[str, Any]) -> bool:
    a = w.atmos
    if a.feed_target is None or a.feed_rate_g_s <= 0:
        return False
    room = w.grid.room_at(*a.feed_target)
    return room is not None and room.label == prm["room"]


def _feed_rate(w: World, prm: dict[str, Any]) -> bool:
    rate = float(w.atmos.feed_rate_g_s)
    return rate >= prm.get("min_g_s", 0.0) - 1e-9 and rate <= prm.get("max_g_s", float("inf")) + 1e-9


LESSON_CHECKS: dict[str, Check] = {
    "selected": lambda w, s, prm: set(s.selected) == set(prm["people"]),
    "in_room": lambda w, s, prm: all(_room_of(w, p) == prm["room"] for p in _people(w, prm["people"])),
    "door": lambda w, s, prm: _door(w, prm["door"]).state == prm["state"],
    "respirator": lambda w, s, prm: all(p.respirator_on for p in _people(w, prm["people"])),
    "carrying": lambda w, s, prm: all(p.in_care for p in _people(w, prm["people"])),
    "feed_room": lambda w, s, prm: _feed_room(w, prm),
    "feed_rate": lambda w, s, prm: _feed_rate(w, prm),
    "overlay": lambda w, s, prm: s.overlay == prm["overlay"],
    "cut": lambda w, s, prm: int(w.grid.tiles[prm["at"][1], prm["at"][0]]) == int(Tile.CUT),
    "speed": lambda w, s, prm: s.speed >= prm["speed"] and not s.paused,
}


def check_of(step: LessonStepDef) -> Check:
    """The registry entry for a step's check; an unknown one is an error (the level validator names them)."""
    try:
        return LESSON_CHECKS[step.check]
    except KeyError:
        raise KeyError(f"lesson check '{step.check}' is not registered (known: {', '.join(LESSON_CHECKS)})") from None


@dataclass
class Lesson:
    """A lesson being played: which steps are done, which one is on, what to say now."""

    steps: tuple[LessonStepDef, ...]
    hints: tuple[LessonHintDef, ...] = ()
    done_s: list[float | None] = field(default_factory=list)  # when each step was ticked (scene clock)
    current: int = 0
    step_since_s: float = 0.0  # scene clock when the current step began
    said: str = ""  # the latest reaction to what the player did
    said_at_s: float = -1.0
    _events_seen: int = 0

    def __post_init__(self) -> None:
        for st in self.steps:
            check_of(st)
        self.done_s = [None] * len(self.steps)

    @classmethod
    def for_world(cls, world: World) -> Lesson | None:
        """The level's lesson, or None for a level that is not one."""
        lvl = world.level
        if not lvl.lesson_steps:
            return None
        return cls(lvl.lesson_steps, lvl.lesson_hints, _events_seen=len(world.events))

    @property
    def finished(self) -> bool:
        return self.current >= len(self.steps)

    def update(self, world: World, seen: Seen, now_s: float) -> bool:
        """Check the current step (and, once it holds, the next ones); listen to new events.
        True when this call finished the lesson."""
        self._listen(world, now_s)
        was = self.finished
        while not self.finished and check_of(self.steps[self.current])(world, seen, self.steps[self.current].params):
            self.done_s[self.current] = now_s
            self.current += 1
            self.step_since_s = now_s
            if self.said_at_s < now_s:  # an answer to what just did it stays; older ones go with the step
                self.said = ""
        return self.finished and not was

    def _listen(self, world: World, now_s: float) -> None:
        new = world.events[self._events_seen:]
        self._events_seen = len(world.events)
        for ev in new:
            for h in self.hints:
                if h.on != ev.kind or (h.step is not None and h.step - 1 != self.current):
                    continue
                if h.field and str(getattr(ev, h.field, "")) != h.value:
                    continue
                self.said = _fill(h.say, ev)
                self.said_at_s = now_s
                break  # the first hint that answers an event speaks: list the particular before the general

    def hint(self, now_s: float) -> str:
        """What the lesson says now: its answer to the player's last doing, else the
        current step's hint once the player has been on it `hint_after_s`."""
        if self.said:
            return self.said
        if self.finished:
            return ""
        st = self.steps[self.current]
        return st.hint if st.hint and now_s - self.step_since_s >= st.hint_after_s else ""


def _fill(text: str, ev: Any) -> str:
    """The hint's words with the event's fields put in ({reason}, {person}); unknown names are left as written."""
    values = {f.name: getattr(ev, f.name) for f in fields(ev)}

    class Keep(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return text.format_map(Keep(values))
