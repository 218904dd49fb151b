"""The run as a timeline for the record: who did what to what, where, when.

One plain dict per event worth a line in an after-action report:
{time, actor, action, target, place} (plus `outcome` when an action failed).
The actor is a person's name, "control" for orders from the control room,
or None for what nobody did (a breach, falling debris).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from game.sim import crew_events as ce
from game.sim import events as ev
from game.sim.words import place_name

if TYPE_CHECKING:
    from game.sim.world import World


def _door_place(world: "World", door_id: int) -> str:
    d = world.doors[door_id]
    return world.grid.module_at(d.x, d.y) or place_name(world, (d.x, d.y))


def _row(e: ev.Event, actor, action: str, target: str = "", place: str = "", **extra) -> dict[str, Any]:
    out = {"time": e.time_s, "actor": actor, "action": action, "target": target, "place": place}
    out.update(extra)
    return out


def describe(world: "World", e: ev.Event) -> dict[str, Any] | None:
    """One timeline row for an event, or None if it is not worth one."""
    if isinstance(e, ce.CrewActed):
        extra = {} if e.outcome == "done" else {"outcome": e.outcome}
        return _row(e, e.actor, e.action, e.target, e.place, **extra)
    if isinstance(e, ce.PersonDelivered):
        return _row(e, e.by, "deliver", e.person, e.room)
    if isinstance(e, ce.OrderTaken):
        who = "autopilot" if e.source == "autopilot" else "control"
        return _row(e, who, "order", f"{e.person}: {e.order}", e.place)
    if isinstance(e, ce.OrderFinished) and e.outcome not in ("done",):
        return _row(e, e.person, "order ended", e.order, "", outcome=e.outcome)
    if isinstance(e, ce.EvacuationStarted):
        return _row(e, e.person, "evacuate", "", e.room)
    if isinstance(e, ce.ReachedSafety):
        return _row(e, e.person, "reach safety", "", e.module)
    if isinstance(e, ce.Sheltering):
        return _row(e, e.person, "shelter", e.reason, e.room)
    if isinstance(e, ce.AutopilotSet):
        return _row(e, "control", "autopilot on" if e.on else "autopilot off")
    if isinstance(e, ev.BreachOpened):
        return _row(e, None, "breach", f"{e.area_cm2:g} cm2", e.section or place_name(world, (e.x, e.y)))
    if isinstance(e, ev.DoorJammed):
        return _row(e, None, "jam", e.door, _door_place(world, e.door_id))
    if isinstance(e, ev.DoorUnjammed):
        return _row(e, None, "unjam", e.door, _door_place(world, e.door_id))
    if isinstance(e, ev.DoorDamaged):
        return _row(e, None, "door damaged", f"{e.door}, {e.leak_cm2:g} cm2" + (", jammed" if e.jammed else ""),
                    _door_place(world, e.door_id))
    if isinstance(e, ev.WallDamaged):
        return _row(e, None, "wall holed" if e.passable else "wall damaged", f"{e.area_cm2:g} cm2",
                    place_name(world, (e.x, e.y)))
    if isinstance(e, ev.DebrisFell):
        return _row(e, None, "debris fell", e.debris.replace("_", " "), place_name(world, (e.x, e.y)))
    if isinstance(e, (ev.DoorOpened, ev.DoorClosed)):
        verb = "open" if isinstance(e, ev.DoorOpened) else "close"
        return _row(e, e.by or "control", verb, e.door, _door_place(world, e.door_id))
    if isinstance(e, (ev.DoorSealed, ev.DoorUnsealed)):
        verb = "seal" if isinstance(e, ev.DoorSealed) else "unseal"
        return _row(e, "control", verb, e.door, _door_place(world, e.door_id))
    if isinstance(e, ev.O2FeedSet):
        return _row(e, "control", "set O2 feed", f"{e.rate_g_s:g} g/s", e.target)
    if isinstance(e, ev.O2ReserveExhausted):
        return _row(e, None, "O2 reserve exhausted", f"{e.fed_kg:g} kg fed")
    if isinstance(e, ev.PersonStateChanged):
        return _row(e, e.person, e.state)
    if isinstance(e, ev.PathBlocked):
        return _row(e, e.person, "stopped", e.reason)
    if isinstance(e, ev.CommandRejected):
        return _row(e, "control", "order refused", e.command, "", outcome=e.reason)
    if isinstance(e, ev.FireHazardRaised):
        return _row(e, None, "fire hazard", f"{e.o2_fraction:.0%} O2", e.compartment)
    if isinstance(e, ev.FireStarted):
        return _row(e, None, "fire", f"{e.o2_fraction:.0%} O2", e.place)
    if isinstance(e, ev.FireOut):
        return _row(e, None, "fire out", e.why, e.place)
    return None


def timeline(world: "World") -> list[dict[str, Any]]:
    out = []
    for e in world.events:
        row = describe(world, e)
        if row is not None:
            out.append(row)
    return out


CHURN_REISSUE_S = 60.0  # the same order to the same person again this soon after it ended is churn


def order_churn(events: list[ev.Event], source: str = "autopilot") -> dict[str, int]:
    """Orders wasted by whoever gave them (`source`), counted off the event log:
    `superseded`, an order replaced or cancelled before it was done;
    `reissued`, the same order given again to the same person within
    `CHURN_REISSUE_S` of it ending, or one that was done before it began
    (it ended "done" with nothing done for it)."""
    open_: dict[int, tuple[str, float, int, bool]] = {}  # person id -> (words, time taken, acts then, counted)
    ended: dict[tuple[int, str], float] = {}
    acts: dict[int, int] = {}
    superseded = reissued = 0
    for e in events:
        if isinstance(e, ce.CrewActed):
            acts[e.person_id] = acts.get(e.person_id, 0) + 1
        elif isinstance(e, ce.OrderTaken):
            if e.source != source:
                open_.pop(e.person_id, None)
                continue
            if e.person_id in open_:
                superseded += 1
            before = ended.get((e.person_id, e.order))
            again = before is not None and e.time_s - before <= CHURN_REISSUE_S
            reissued += again
            open_[e.person_id] = (e.order, e.time_s, acts.get(e.person_id, 0), again)
        elif isinstance(e, ce.OrderFinished):
            got = open_.pop(e.person_id, None)
            if got is None:
                continue
            words, t0, acts0, counted = got
            if e.outcome == "cancelled":
                superseded += 1
            elif not counted and e.outcome == "done" and acts.get(e.person_id, 0) == acts0 and e.time_s - t0 < 1.0:
                reissued += 1
            ended[(e.person_id, words)] = e.time_s
    return {"superseded": superseded, "reissued": reissued}
