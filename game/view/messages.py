"""What the comms log says about each sim event, in the game's own words.

Events are past-tense records from the sim; this turns them into one short
line each for the player. Events not worth a line return None.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.sim import events as ev
from game.view.hud import format_clock

if TYPE_CHECKING:
    from game.sim.world import World

DEBRIS_NAMES = {
    "ceiling_panel": "Ceiling panels",
    "insulation": "Insulation",
    "personal_effects": "Loose belongings",
    "support_beam": "A support beam",
}

# severity decides the colour of the line: alarm, warn, info, good
Line = tuple[str, str, str]  # (clock, text, severity)


def _where(world: "World", x: int, y: int) -> str:
    room = world.grid.room_at(x, y)
    return room.label if room else f"{x},{y}"


def describe(event: ev.Event, world: "World") -> Line | None:
    """One comms-log line for an event, or None to leave it out."""
    clock = format_clock(event.time_s, world.breach_time_s)
    if isinstance(event, ev.BreachOpened):
        where = f"section {event.section}" if event.section else f"{event.x},{event.y}"
        return clock, f"HULL BREACH at {where} ({event.area_cm2:g} cm2)", "alarm"
    if isinstance(event, ev.DoorJammed):
        return clock, f"{event.door} is jammed in its frame", "warn"
    if isinstance(event, ev.DebrisFell):
        what = DEBRIS_NAMES.get(event.debris, event.debris.replace("_", " ").capitalize())
        return clock, f"{what} came down in {_where(world, event.x, event.y)}", "warn"
    if isinstance(event, ev.DoorOpened):
        return clock, f"{event.door} opened" + (f" by {event.by}" if event.by else " from control"), "info"
    if isinstance(event, ev.DoorClosed):
        return clock, f"{event.door} closed" + (f" by {event.by}" if event.by else " from control"), "info"
    if isinstance(event, ev.DoorSealed):
        return clock, f"{event.door} sealed from control", "good"
    if isinstance(event, ev.DoorUnsealed):
        return clock, f"{event.door} unsealed", "info"
    if isinstance(event, ev.PathBlocked):
        return clock, f"{event.person} stopped: {event.reason}", "warn"
    if isinstance(event, ev.CommandRejected):
        return clock, f"Order not carried out: {event.reason}", "warn"
    if isinstance(event, ev.PersonStateChanged):
        text = {
            "impaired": f"{event.person} is hypoxic and slowing down",
            "unconscious": f"{event.person} has lost consciousness",
            "dead": f"{event.person} has died",
            "conscious": f"{event.person} is conscious again",
        }.get(event.state, f"{event.person} is {event.state}")
        sev = "good" if event.state == "conscious" else ("alarm" if event.state in ("unconscious", "dead") else "warn")
        return clock, text, sev
    return None


STATE_VERBS = {
    "impaired": "are hypoxic and slowing down",
    "unconscious": "have lost consciousness",
    "dead": "have died",
    "conscious": "are conscious again",
}
GROUP_OVER = 3  # more people than this changing state in one tick become one line


def describe_all(events: list[ev.Event], world: "World") -> list[Line]:
    """Lines for a run of events; many people changing state at once make one line."""
    out: list[Line] = []
    i = 0
    while i < len(events):
        e = events[i]
        if isinstance(e, ev.PersonStateChanged):
            j = i
            while (
                j < len(events)
                and isinstance(events[j], ev.PersonStateChanged)
                and events[j].tick == e.tick
                and events[j].state == e.state
            ):
                j += 1
            group = events[i:j]
            if len(group) > GROUP_OVER:
                names = ", ".join(g.person for g in group[:2])
                verb = STATE_VERBS.get(e.state, f"are {e.state}")
                sev = "good" if e.state == "conscious" else ("alarm" if e.state in ("unconscious", "dead") else "warn")
                out.append((format_clock(e.time_s, world.breach_time_s),
                            f"{len(group)} crew {verb}: {names} and {len(group) - 2} more", sev))
                i = j
                continue
        line = describe(e, world)
        if line is not None:
            out.append(line)
        i += 1
    return out
