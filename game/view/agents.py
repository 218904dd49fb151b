"""What each person is doing and why, read from the sim for the inspector, crew panel and map.

The sim is the authority: a person's current action (with its progress),
their queued plan and their explanation come from it when it offers them
(`explain`, `current_action`, `person.action`, `person.plan`); what it does
not offer yet is read from what it does have: the path being walked, the
last order and the last thing that stopped them. Nothing here changes the world.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from game.sim import events as ev
from game.sim.people import WALK_SPEED_M_S

if TYPE_CHECKING:
    from game.sim.world import World

Cell = tuple[int, int]

# words for action kinds, whatever the sim calls them
VERBS = {
    "move": "Walking", "walk": "Walking", "cut": "Cutting", "pry": "Prying", "carry": "Carrying",
    "rescue": "Rescuing", "fit_respirator": "Fitting a respirator", "respirator": "Fitting a respirator",
    "treat": "Treating", "seal": "Sealing", "hold": "Holding position", "crawl": "Crawling",
    "clear": "Clearing debris", "don_suit": "Putting on a suit", "inspect": "Inspecting",
    "patch": "Patching", "open": "Opening", "close": "Closing", "pick_up": "Picking up", "drop": "Setting down",
}


@dataclass
class Activity:
    """One person's doing, as the inspector and the crew panel show it."""

    kind: str  # idle, walking, door, action, down, dead
    text: str  # "Walking to Corridor 4: 14 m, about 12 s"
    progress: float | None = None  # 0..1 for a timed action
    why: str = ""
    blocked: str = ""
    at: tuple[float, float] | None = None  # where the work happens (map effects)
    cutting: bool = False
    prying: bool = False
    queued: list[str] = field(default_factory=list)
    eta_s: float | None = None


def _attr(obj: Any, *names: str) -> Any:
    for n in names:
        v = getattr(obj, n, None)
        if v is not None:
            return v
    return None


_EXPLAIN: list = []  # the sim's explain function once looked up (or None), so the lookup runs once


def _explain_fn():
    if not _EXPLAIN:
        found = None
        for mod_name in ("game.sim.explain", "game.sim.agents", "game.sim.actions", "game.sim.crew"):
            try:
                mod = __import__(mod_name, fromlist=["_"])
            except ImportError:
                continue
            for fn_name in ("explain", "describe", "explain_person"):
                fn = getattr(mod, fn_name, None)
                if callable(fn):
                    found = fn
                    break
            if found:
                break
        _EXPLAIN.append(found)
    return _EXPLAIN[0]


def _call_sim(world: "World", person_id: int) -> Any:
    """The sim's own explanation of a person, if it has one (several spellings accepted)."""
    fn = _explain_fn()
    if fn is None:
        return None
    try:
        return fn(world, person_id)
    except Exception:  # an explanation that fails must not take the inspector down
        return None


def current_action(world: "World", person_id: int) -> Any:
    """The sim's action object for a person, or None."""
    p = world.people[person_id]
    return _attr(p, "action", "current_action", "activity")


def _action_progress(action: Any) -> float | None:
    prog = _attr(action, "progress", "fraction_done")
    if isinstance(prog, (int, float)):
        return max(0.0, min(1.0, float(prog)))
    done = _attr(action, "elapsed_s", "done_s", "work_done_s")
    total = _attr(action, "duration_s", "total_s", "work_s")
    if isinstance(done, (int, float)) and isinstance(total, (int, float)) and total > 0:
        return max(0.0, min(1.0, done / total))
    return None


def _action_kind(action: Any) -> str:
    k = _attr(action, "kind", "name", "verb")
    if isinstance(k, str):
        return k
    return type(action).__name__


def _words(kind: str) -> str:
    key = kind.lower().replace(" ", "_")
    for k, v in VERBS.items():
        if key == k or key.startswith(k) or key.endswith(k):
            return v
    # CamelCase class names: "FitRespirator" -> "Fit respirator"
    out = "".join(" " + c.lower() if c.isupper() else c for c in kind).strip()
    return out[:1].upper() + out[1:] if out else kind


def path_length_m(x: float, y: float, path: list[Cell]) -> float:
    total = 0.0
    px, py = x, y
    for cx, cy in path:
        tx, ty = cx + 0.5, cy + 0.5
        total += math.hypot(tx - px, ty - py)
        px, py = tx, ty
    return total


def place_name(world: "World", cell: Cell) -> str:
    door_id = world.door_at.get(tuple(cell))
    if door_id is not None:
        return world.doors[door_id].label
    room = world.grid.room_at(*cell)
    return room.label if room else f"{cell[0]},{cell[1]}"


class AgentNotes:
    """What the log says about each person: their last order and what last stopped them.

    Fed incrementally from the world's command log and events, so asking is O(1).
    """

    def __init__(self) -> None:
        self._cmds = 0
        self._events = 0
        self.last_order: dict[int, tuple[float, str]] = {}
        self.blocked: dict[int, tuple[float, str]] = {}

    def sync(self, world: "World") -> None:
        from game.view.hud import format_clock

        log = world.command_log
        for cmd in log[self._cmds:]:
            pid = getattr(cmd, "person_id", None)
            if isinstance(pid, int) and pid >= 0:
                t = cmd.tick * 0.1
                self.last_order[pid] = (t, f"your order at {format_clock(t, world.breach_time_s)}: {order_words(world, cmd)}")
                self.blocked.pop(pid, None)
        self._cmds = len(log)
        for e in world.events[self._events:]:
            if isinstance(e, ev.PathBlocked):
                self.blocked[e.person_id] = (e.time_s, e.reason)
            elif isinstance(e, ev.PersonArrived):
                self.blocked.pop(e.person_id, None)
        self._events = len(world.events)


def order_words(world: "World", cmd: Any) -> str:
    """A command in a few words ("move to 4-14")."""
    name = type(cmd).__name__
    cell = getattr(cmd, "cell", None)
    if name == "MoveTo" and cell is not None:
        return f"move to {place_name(world, tuple(cell))}"
    words = _words(name).lower()
    if cell is not None:
        return f"{words} at {place_name(world, tuple(cell))}"
    return words


def _action_words(world: "World", action: Any) -> str:
    words = getattr(action, "words", None)
    if callable(words):
        try:
            text = str(words(world))
            return text[:1].upper() + text[1:]
        except Exception:
            pass
    return _words(_action_kind(action))


UNTIMED_KINDS = ("walk", "move", "evacuate", "hold", "wait", "follow")


def _timed(action: Any) -> bool:
    """Work with a length (a cut, a pry, a respirator): worth a progress bar. A walk is not:
    its path is drawn instead."""
    if _action_kind(action).lower() in UNTIMED_KINDS:
        return False
    return hasattr(action, "required_s") or float(getattr(action, "duration_s", 0.0) or 0.0) > 0.0


def order_reason(world: "World", person: Any) -> str:
    """Why a person is doing what they do: the order behind it, in words."""
    from game.view.hud import format_clock

    order = getattr(person, "order", None)
    if order is None:
        evac = getattr(person, "evac", "")
        if evac and evac not in ("idle", "safe"):
            return f"getting out ({evac})"
        return ""
    kind = str(getattr(order, "kind", "")).replace("_", " ")
    target = getattr(order, "target", None)
    what = kind
    if isinstance(target, int) and getattr(order, "kind", "") in ("rescue", "fit_respirator", "carry", "treat") \
            and 0 <= target < len(world.people):
        what = f"{kind} {world.people[target].name}"
    elif isinstance(target, tuple) and len(target) == 2:
        what = f"{kind} at {place_name(world, (int(target[0]), int(target[1])))}"
    stage = getattr(order, "stage", "")
    if stage:
        what += f" ({stage})"
    source = getattr(order, "source", "player")
    if source == "player":
        tick = getattr(order, "tick", 0)
        return f"your order at {format_clock(tick * 0.1, world.breach_time_s)}: {what}"
    job = getattr(order, "job", "")
    return f"autopilot: {what}" + (f" [{job}]" if job and job not in what else "")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _eta(world: "World", person_id: int) -> tuple[float, float]:
    """(metres left on the path, seconds at this person's pace now)."""
    from game.sim.physiology import speed_factor

    p = world.people[person_id]
    dist = path_length_m(p.x, p.y, p.path)
    base = p.base_speed_m_s() if hasattr(p, "base_speed_m_s") else WALK_SPEED_M_S
    speed = float(speed_factor(world.bodies.state[person_id: person_id + 1])[0]) * base
    return dist, (dist / speed if speed > 0 else math.inf)


def activity(world: "World", person_id: int, notes: AgentNotes | None = None) -> Activity:
    """What `person_id` is doing now, in words, with progress and reasons.

    The sim's own explanation (`game.sim.explain.explain`) has the last
    word on what and why; this adds what a player wants beside it: how far
    a walk has to go and how long it will take, the time of the order, and
    where the work happens (for the map's markers and sparks)."""
    p = world.people[person_id]
    state = world.person_state(person_id)
    if state == "dead":
        return Activity("dead", "Dead")
    why = notes.last_order[person_id][1] if notes and person_id in notes.last_order else ""
    blocked = notes.blocked[person_id][1] if notes and person_id in notes.blocked else ""
    explained = _call_sim(world, person_id)
    if state == "unconscious":
        by = getattr(p, "carried_by", -1)
        if isinstance(by, int) and 0 <= by < len(world.people):
            return Activity("down", f"Unconscious, carried by {world.people[by].name}")
        kit = "respirator on" if p.respirator_on or p.suited else "needs a respirator and carrying out"
        return Activity("down", f"Unconscious ({kit})", why="")
    action = current_action(world, person_id)
    order = getattr(p, "order", None)
    reason = order_reason(world, p)
    if reason:
        why = reason
    sim_blocked = getattr(p, "blocked", "")
    if isinstance(sim_blocked, str) and sim_blocked:
        blocked = sim_blocked
    act: Activity | None = None
    walking = False
    if action is not None:
        kind = _action_kind(action)
        target = _attr(action, "target", "cell", "at")
        at = None
        if isinstance(target, tuple) and len(target) == 2 and all(isinstance(v, (int, float)) for v in target):
            at = (float(target[0]) + 0.5, float(target[1]) + 0.5) if all(isinstance(v, int) for v in target) else target
        low = kind.lower()
        progress = _action_progress(action) if _timed(action) else None
        walking = low in ("walk", "move") and bool(p.path)
        text = _action_words(world, action)
        eta = None
        if walking:
            dist, eta = _eta(world, person_id)
            text = f"{text}: {dist:.0f} m, about {eta:.0f} s"
        act = Activity("walking" if walking else "action", text, progress, why, blocked if not progress else "", at,
                       cutting="cut" in low, prying="pry" in low, eta_s=eta)
    elif p.path:
        walking = True
        dist, eta = _eta(world, person_id)
        goal = place_name(world, p.path[-1])
        act = Activity("walking", f"Walking to {goal}: {dist:.0f} m, about {eta:.0f} s", None, why, blocked, eta_s=eta)
    if act is None:
        act = Activity("idle", "Stopped" if blocked else "Standing by", None, why, blocked)
    plan = _attr(world.people[person_id], "plan", "queue", "actions")
    if isinstance(plan, (list, tuple)):
        act.queued = [_action_words(world, a) for a in plan][:6]
    carrying = getattr(p, "carrying", -1)
    if isinstance(carrying, int) and 0 <= carrying < len(world.people) and act.kind in ("walking", "idle"):
        act.text = f"Carrying {world.people[carrying].name}" + (f": {act.text[0].lower()}{act.text[1:]}" if act.kind == "walking" else "")
    if isinstance(explained, dict):
        doing = explained.get("doing")
        if isinstance(doing, str) and doing and not walking and carrying < 0:
            act.text = _cap(doing)
        player_order = order is not None and getattr(order, "source", "") == "player"
        if explained.get("why") and not player_order:  # the player's own order keeps its time of giving
            act.why = str(explained["why"])
        if explained.get("blocked"):
            act.blocked = str(explained["blocked"])
        if explained.get("plan"):
            act.queued = [_cap(str(w)) for w in explained["plan"]][:6]
    elif isinstance(explained, str) and explained:
        act.why = explained
    return act
