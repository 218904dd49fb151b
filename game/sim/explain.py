"""Every person, explained: what they are doing, why, and what stops them.

Plain functions over the world, read by the game's inspector and by the
after-action report. Nothing here changes anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from game.sim.physiology import STATE_NAMES

if TYPE_CHECKING:
    from game.sim.world import World

EVAC_WORDS = {
    "idle": "",
    "waiting": "waiting to move",
    "moving": "getting out of the breached module",
    "sheltering": "sheltering: no way out on foot",
    "safe": "safe",
    "in care": "being brought out",
    "awaiting": "waiting for the rescue team (respirator on)",
    "ordered": "",
    "down": "",
}


def explain(world: "World", person_id: int) -> dict[str, Any]:
    """What one person is doing and why: doing, why, task, blocked, plan, progress."""
    from game.sim.orders import order_words

    p = world.people[person_id]
    state = STATE_NAMES[int(world.bodies.state[person_id])]
    out: dict[str, Any] = {"name": p.name, "state": state, "doing": "", "why": "", "task": "", "blocked": "",
                           "plan": [], "progress": None}
    if state == "dead":
        out["doing"] = "dead"
        return out
    if p.carried_by >= 0:
        out["doing"] = f"carried by {world.people[p.carried_by].name}"
    elif p.escorted_by >= 0:
        out["doing"] = f"helped out by {world.people[p.escorted_by].name}"
    elif state == "unconscious":
        out["doing"] = "unconscious" + (" (respirator on)" if p.respirator_on or p.suited else "")
    elif p.action is not None:
        out["doing"] = p.action.words(world)
        out["progress"] = round(float(p.action.progress), 3)
    else:
        out["doing"] = EVAC_WORDS.get(p.evac, "") or "standing by"
    if p.order is not None:
        who = "the autopilot" if p.order.source == "autopilot" else "the player"
        out["why"] = f"{who}: {order_words(world, p.order)}"
        out["task"] = p.order.job or p.order.kind
    elif not p.on_duty and p.evac in EVAC_WORDS and EVAC_WORDS[p.evac]:
        out["why"] = EVAC_WORDS[p.evac]
        out["task"] = "evacuate" if p.evac in ("moving", "waiting") else p.evac
    if p.carrying >= 0:
        out["why"] += f" (carrying {world.people[p.carrying].name})"
    elif p.escorting >= 0:
        out["why"] += f" (helping {world.people[p.escorting].name} out)"
    out["blocked"] = _blocked(world, p)
    out["plan"] = [a.words(world) for a in p.plan[:6]]
    return out


def _blocked(world: "World", p) -> str:
    a = p.action
    if a is not None and a.kind == "wait":
        return a.words(world)
    if a is not None and a.kind == "evacuate" and getattr(a, "stuck_s", 0.0) > 1.0:
        return "the way ahead is crowded"
    return p.blocked


def explain_all(world: "World") -> list[dict[str, Any]]:
    """Everybody, for the report."""
    return [explain(world, p.id) for p in world.people]


def describe(world: "World", person_id: int) -> str:
    """One line: "Alexis Moreau: pry Emergency access hatch (43%) - the autopilot: pry ..."."""
    e = explain(world, person_id)
    line = f"{e['name']}: {e['doing']}"
    if e["progress"] is not None and e["progress"] > 0:
        line += f" ({e['progress']:.0%})"
    if e["why"]:
        line += f" - {e['why']}"
    if e["blocked"]:
        line += f" [blocked: {e['blocked']}]"
    return line
