"""What the comms log says about each sim event, in the game's own words.

Events are past-tense records from the sim; this turns them into one short
line each for the player. Events not worth a line return None.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.sim import crew_events as ce
from game.sim import events as ev
from game.sim.tiles import Tile
from game.sim.words import live_clock, place_name, rooms_beside, short_name

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


def describe(event: ev.Event, world: "World") -> Line | None:
    """One comms-log line for an event, or None to leave it out."""
    clock = live_clock(event.time_s, world.breach_time_s)
    if isinstance(event, ev.BreachOpened):
        where = f"section {event.section}" if event.section else f"{event.x},{event.y}"
        return clock, f"HULL BREACH at {where} ({event.area_cm2:g} cm2)", "alarm"
    if isinstance(event, ev.DoorJammed):
        return clock, f"{event.door} is jammed in its frame", "warn"
    if isinstance(event, ev.DoorUnjammed):
        return clock, f"{event.door} came free of its jam", "info"
    if isinstance(event, ev.DoorDamaged):
        return clock, f"{event.door} was damaged: its seal leaks {event.leak_cm2:g} cm2" + (
            " and it is jammed" if event.jammed else ""), "warn"
    if isinstance(event, ev.WallDamaged):
        what = "holed through: a way to crawl" if event.passable else "holed"
        place = place_name(world, (event.x, event.y))
        return clock, f"{place[:1].upper()}{place[1:]} was {what} ({event.area_cm2:g} cm2)", "alarm"
    if isinstance(event, ev.DebrisFell):
        what = DEBRIS_NAMES.get(event.debris, event.debris.replace("_", " ").capitalize())
        return clock, f"{what} came down in {place_name(world, (event.x, event.y))}", "warn"
    if isinstance(event, (ev.DoorOpened, ev.DoorClosed)):
        verb = "opened" if isinstance(event, ev.DoorOpened) else "closed"
        if event.by and not _pressure_door(world, event.door_id):
            return None  # crew going through room doors: routine, not news
        sev = "warn" if event.by and verb == "opened" else "info"
        return clock, f"{event.door} {verb}" + (f" by {event.by}" if event.by else " from control"), sev
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
    crew = _crew_line(event, world)
    if crew is not None:
        return (clock, *crew)
    return None


def _pressure_door(world: "World", door_id: int) -> bool:
    return 0 <= door_id < len(world.doors) and world.doors[door_id].kind != Tile.DOOR


def _first(name: str) -> str:
    return short_name(name) if name else name


def _kit_line(e: ce.CrewActed) -> tuple[str, str] | None:
    """Kit out of a locker: a suit put on, a tool or mask taken."""
    if e.action == "don suit":
        return f"{_first(e.actor)} has put on a suit from the {e.target}", "info"
    if e.action.startswith("take "):
        return f"{_first(e.actor)} took a {e.action[5:]} from the {e.target}", "info"
    return None


def _crew_line(e: ev.Event, world: "World") -> tuple[str, str] | None:
    """Lines for what the crew did and what the life support and the instructor changed."""
    if isinstance(e, ce.OrderTaken):
        if e.source == "player":
            return f"{_first(e.person)}: on it, {e.order}", "info"
        return f"Autopilot sends {e.person} to {e.order}", "info"
    if isinstance(e, ce.OrderFinished):
        if e.outcome == "done":
            return f"{_first(e.person)}: done, {e.order}", "good"
        if e.outcome == "cancelled":
            return None
        return f"{_first(e.person)} cannot {e.order}: {e.outcome}", "warn"
    if isinstance(e, ce.CrewActed):
        if e.outcome == "done":
            return _kit_line(e)  # for the rest the specific event says it better
        what = " ".join(w for w in (e.action, e.target) if w)
        return f"{_first(e.actor)} could not {what}: {e.outcome}", "warn"
    if isinstance(e, ce.AutopilotSet):
        return ("Autopilot on: the coordinator AI is tasking the crew" if e.on else
                "Autopilot off: the crew take your orders"), "info"
    if isinstance(e, ce.DoorPried):
        return f"{e.door} pried open by {e.by}" + (f" with {', '.join(e.helpers)}" if e.helpers else ""), "good"
    if isinstance(e, ce.WallCut):
        sides = rooms_beside(world, (e.x, e.y))
        where = f"between {sides[0]} and {sides[1]}" if len(sides) >= 2 else f"at {place_name(world, (e.x, e.y))}"
        return f"{_first(e.by)} has cut through the {e.material.replace('_', ' ')} {where}", "good"
    if isinstance(e, ce.HolePatched):
        return f"{_first(e.by)} has plated over the cut hole at {place_name(world, (e.x, e.y))}", "good"
    if isinstance(e, ce.DoorHeldOpen):
        return f"{e.door} is to be left open: the crew will not shut it behind them", "warn"
    if isinstance(e, ce.BeamCut):
        return f"{_first(e.by)} has cut the fallen beam in {place_name(world, (e.x, e.y))}", "good"
    if isinstance(e, ce.RespiratorFitted):
        return f"{_first(e.by)} fitted a respirator on {e.person}", "good"
    if isinstance(e, ce.CasualtyTaken):
        how = "is carrying" if e.how == "carry" else "is walking out"
        return f"{_first(e.by)} {how} {e.person}", "info"
    if isinstance(e, ce.PersonDelivered):
        return f"{e.person} is in the {e.room or 'medical bay'}", "good"
    if isinstance(e, ce.PersonTreated):
        return f"{_first(e.by)} is treating {e.person}", "good"
    if isinstance(e, ce.ModuleInspected):
        n = e.breaches
        return f"{e.module} inspected by {_first(e.by)}: " + (f"{n} hole(s) found" if n else "no damage"), \
            "warn" if n else "good"
    if isinstance(e, ce.BreachPatched):
        return f"Breach at {e.section or 'the hull'} patched by {_first(e.by)}", "good"
    if isinstance(e, ev.EquipmentFailed):
        return f"{e.person}'s {e.item} has failed", "alarm"
    if isinstance(e, ev.ConditionWorsened):
        return f"{e.person} has taken a turn for the worse (SpO2 {e.spo2 * 100:.0f}%)", "alarm"
    if isinstance(e, ev.ExerciseFrozen):
        return ("Exercise frozen by the instructor" if e.frozen else "Exercise resumed"), "info"
    if isinstance(e, ev.BreachPlugChanged):
        where = e.section or "the hull"
        if e.plug > 0:
            return f"Debris sucked over the breach at {where}: {e.plug * 100:.0f}% of it covered", "good"
        return f"The debris over the breach at {where} has come away", "warn"
    if isinstance(e, ev.FireHazardRaised):
        return f"Fire risk: {e.compartment} at {e.o2_fraction * 100:.0f}% oxygen", "alarm"
    if isinstance(e, ev.FireStarted):
        return f"FIRE in {e.place}: sparks in {e.o2_fraction * 100:.0f}% oxygen", "alarm"
    if isinstance(e, ev.FireOut):
        return f"The fire in {e.place} is out ({e.why})", "good"
    if isinstance(e, ev.O2ReserveExhausted):
        return "The emergency O2 reserve is empty", "alarm"
    if isinstance(e, ev.O2FeedSet):
        return (f"O2 feed set to {e.rate_g_s:g} g/s into {e.target}" if e.rate_g_s > 0 else "O2 feed stopped"), "info"
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
    return [line[:3] for line in describe_all_keyed(events, world)]


def topic(event: ev.Event) -> tuple | None:
    """What a line is about, when a newer line on the same thing makes the older one stale
    (crew passing through a bulkhead open and shut it again and again)."""
    if isinstance(event, (ev.DoorOpened, ev.DoorClosed)) and event.by:
        return ("door", event.door_id)
    if isinstance(event, (ce.CrewActed, ce.OrderFinished)) and event.outcome not in ("done", "cancelled"):
        return ("trouble", event.person_id)  # the latest snag per person is enough
    return None


def describe_all_keyed(events: list[ev.Event], world: "World") -> list[tuple[str, str, str, tuple | None]]:
    """`describe_all` with each line's `topic` (or None) as a fourth field."""
    out: list[tuple[str, str, str, tuple | None]] = []
    i = 0
    while i < len(events):
        e = events[i]
        if isinstance(e, ev.PersonStateChanged):
            j = ev.state_change_run(events, i)
            group = events[i:j]
            if len(group) > GROUP_OVER:
                names = ", ".join(g.person for g in group[:2])
                verb = STATE_VERBS.get(e.state, f"are {e.state}")
                sev = "good" if e.state == "conscious" else ("alarm" if e.state in ("unconscious", "dead") else "warn")
                out.append((live_clock(e.time_s, world.breach_time_s),
                            f"{len(group)} crew {verb}: {names} and {len(group) - 2} more", sev, None))
                i = j
                continue
        line = describe(e, world)
        if line is not None:
            out.append((*line, topic(e)))
        i += 1
    return out
