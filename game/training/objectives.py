"""The objective kinds: one entry per kind, each the one place that says how it is judged.

A level names its objectives by kind (`ObjectiveDef.kind`). The entry for a kind
carries its scorer (how much of it was achieved, and why, in words) and, for the
kinds that name people to bring to safety, the rule for when such a person is
settled so the exercise may end early. The score (game.training.scoring), the
play scene's end-of-run watch and debrief (game.view.outcome) and the
after-action report all read these entries; none of them judges an objective
itself. Adding a kind is one `ObjectiveKind` in `OBJECTIVE_KINDS`, plus its name
in `game.sim.level.OBJECTIVE_KINDS` so that level files may use it (a test holds
the two lists equal).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from game.sim.level import ObjectiveDef
from game.sim.physiology import CONSCIOUS, DEAD, INJURY_NAMES, STATE_NAMES
from game.sim.words import duration
from game.training.tracker import Tracker

if TYPE_CHECKING:
    from game.sim.world import World

LATE_CREDIT = 0.5  # a rescue or evacuation done, but after the objective's time
# Credit for a survivor by hypoxic injury grade (none, mild, moderate, severe).
INJURY_CREDIT = (1.0, 0.75, 0.4, 0.15)
# Credit for a responder or bystander left impaired, out cold or in bad air at
# the end: harmed, though alive (issue 15: a hub bled down until its medic and
# coordinator passed out scored 100).
HARMED_CREDIT = 0.5

Scorer = Callable[["World", Tracker, ObjectiveDef], tuple[float, str]]
Settled = Callable[["World", Tracker, int], bool]
Decided = Callable[["World", Tracker, ObjectiveDef], bool]


@dataclass(frozen=True)
class ObjectiveKind:
    """Everything about one kind of objective."""

    name: str
    score: Scorer  # (fraction achieved 0..1, what happened in words)
    # For kinds that name people to bring to safety: whether one of them is
    # settled (safe, or beyond help). The exercise ends early once everyone so
    # named is settled; kinds without it leave the ending to the clock.
    settled: Settled | None = None
    # Whether nothing the player does from now on can change this objective's
    # score (won, lost for good, or as good as it will get). A level ends early
    # only when every objective is decided: never while one can still be won.
    # None: decided once everyone it names is settled (kinds with `settled`), else at once.
    decided: Decided | None = None

    def is_decided(self, w: World, tr: Tracker, ob: ObjectiveDef) -> bool:
        """Whether the objective `ob` of this kind can no longer change."""
        if self.decided is not None:
            return self.decided(w, tr, ob)
        if self.settled is not None:
            return tr.breach_s is not None and all(self.settled(w, tr, i) for i in named(w, ob))
        return True


def since(tr: Tracker, t: float | None) -> float | None:
    """Seconds after the breach of a time the tracker recorded, or None."""
    if t is None or tr.breach_s is None:
        return None
    return t - tr.breach_s


def named(w: World, ob: ObjectiveDef) -> list[int]:
    """Ids of the people the objective names (it may name none)."""
    return [p.id for p in w.people if p.name in ob.people]


def _people(w: World, ob: ObjectiveDef, default: list[int]) -> list[int]:
    return named(w, ob) if ob.people else default


def _on_time(tr: Tracker, t: float | None, within_s: float | None) -> bool:
    return within_s is None or (t is not None and tr.breach_s is not None and t - tr.breach_s <= within_s + 1e-9)


def _names(w: World, ids: list[int], limit: int = 4) -> str:
    names = [w.people[i].name for i in ids]
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def at_risk(tr: Tracker) -> list[int]:
    """Everyone who was in a breached module when it began."""
    if tr.breach_s is None:
        return []
    return [i for i, m in tr.module_at_breach.items() if m in tr.breached_modules]


def in_medbay(w: World, person_id: int) -> bool:
    room = w.grid.room_at(*w.people[person_id].cell)
    return room is not None and room.kind == "medbay"


def breathing_safely(w: World, person_id: int) -> bool:
    """In a compartment outside any breached module, or on their own air."""
    p = w.people[person_id]
    if p.suited or p.respirator_on:
        return True
    i = w.compartments.index_at(*p.cell)
    if i < 0:
        return False
    in_breached = w.atmos.in_breached
    return not (i < len(in_breached) and bool(in_breached[i]))


# ------------------------------------------------------------------ kinds
def left_harmed(w: World, tr: Tracker, person_id: int) -> str:
    """How a responder or bystander (not one caught in the breach, nor one
    brought to the medical bay) is left harmed though alive: '' if not."""
    p = w.people[person_id]
    caught = tr.breach_s is not None and person_id in tr.module_at_breach \
        and tr.module_at_breach[person_id] in tr.breached_modules  # in at_risk(tr), without listing everyone per person
    if caught or p.delivered_s is not None:
        return ""  # the rescue and injury objectives judge those
    state = int(w.bodies.state[person_id])
    if state == DEAD:
        return ""
    if state != CONSCIOUS:
        return STATE_NAMES[state]
    return "" if breathing_safely(w, person_id) else "in danger"


def _survive(w: World, tr: Tracker, ob: ObjectiveDef) -> tuple[float, str]:
    state = w.bodies.state
    ids = _people(w, ob, [p.id for p in w.people])
    if not ids:
        return 1.0, "nobody to keep alive"
    alive = [i for i in ids if state[i] != DEAD]
    dead = [i for i in ids if state[i] == DEAD]
    harmed = {i: how for i in alive if (how := left_harmed(w, tr, i))}
    text = f"{len(alive)} of {len(ids)} alive"
    if dead:
        text += f"; died: {_names(w, dead)}"
    if harmed:
        text += "; left harmed: " + ", ".join(f"{w.people[i].name} ({how})" for i, how in list(harmed.items())[:4])
    return (len(alive) - (1.0 - HARMED_CREDIT) * len(harmed)) / len(ids), text


def _injury(w: World, tr: Tracker, ob: ObjectiveDef) -> tuple[float, str]:
    state = w.bodies.state
    ids = _people(w, ob, [p.id for p in w.people])
    if not ids:
        return 1.0, "nobody to protect"
    credit = [0.0 if state[i] == DEAD else INJURY_CREDIT[int(w.bodies.injury[i])] for i in ids]
    grades = [INJURY_NAMES[int(w.bodies.injury[i])] for i in ids if state[i] != DEAD and w.bodies.injury[i] > 0]
    text = (
        "no hypoxic injuries"
        if not grades
        else "injured: " + ", ".join(f"{grades.count(g)} {g}" for g in INJURY_NAMES[1:] if g in grades)
    )
    dead = sum(1 for i in ids if state[i] == DEAD)
    if dead:
        text += f"; {dead} dead"
    return float(np.mean(credit)), text


def rescue_targets(w: World, tr: Tracker, ob: ObjectiveDef) -> list[int]:
    """Whom a rescue objective is about: the people it names, or else everyone caught in the breached module."""
    return _people(w, ob, at_risk(tr))


def _rescue(w: World, tr: Tracker, ob: ObjectiveDef) -> tuple[float, str]:
    state = w.bodies.state
    ids = rescue_targets(w, tr, ob)
    if not ids:
        return 1.0, "nobody needed rescuing"
    got = 0.0
    parts = []
    for i in ids:
        name = w.people[i].name.split()[-1]
        t = tr.rescued_s.get(i)
        if state[i] == DEAD:
            parts.append(f"{name} died" + (f" at {duration(since(tr, tr.died_s.get(i)))}" if i in tr.died_s else ""))
        elif t is not None:
            late = not _on_time(tr, t, ob.within_s)
            got += LATE_CREDIT if late else 1.0
            parts.append(f"{name} in at {duration(since(tr, t))}" + (" (late)" if late else ""))
        else:
            parts.append(f"{name} not reached ({STATE_NAMES[int(state[i])]})")
    n_in = sum(1 for i in ids if i in tr.rescued_s and state[i] != DEAD)
    return got / len(ids), f"{n_in} of {len(ids)} in the medical bay: " + "; ".join(parts)


def _rescue_settled(w: World, tr: Tracker, person_id: int) -> bool:
    """Dead, or brought to the medical bay (the sim's record, the tracker's, or where they are now)."""
    if int(w.bodies.state[person_id]) == DEAD:
        return True
    return w.people[person_id].delivered_s is not None or person_id in tr.rescued_s or in_medbay(w, person_id)


def _evacuate(w: World, tr: Tracker, ob: ObjectiveDef) -> tuple[float, str]:
    state = w.bodies.state
    ids = _people(w, ob, at_risk(tr))
    if not ids:
        return 1.0, "nobody to evacuate"
    got = 0.0
    out = 0
    for i in ids:
        p = w.people[i]
        mod = int(w.grid.module_id[p.cell[1], p.cell[0]]) if w.grid.in_bounds(*p.cell) else -1
        if state[i] != DEAD and mod >= 0 and mod not in tr.breached_modules and i in tr.out_s:
            out += 1
            got += 1.0 if _on_time(tr, tr.out_s[i], ob.within_s) else LATE_CREDIT
    return got / len(ids), f"{out} of {len(ids)} out of the breached module alive"


def _evacuate_settled(w: World, tr: Tracker, person_id: int) -> bool:
    """Dead, or out of the breached module: until then the objective can still be won
    (someone asleep in air that still holds has yet to be walked out)."""
    if int(w.bodies.state[person_id]) == DEAD:
        return True
    p = w.people[person_id]
    mod = int(w.grid.module_id[p.cell[1], p.cell[0]]) if w.grid.in_bounds(*p.cell) else -1
    return person_id in tr.out_s and mod >= 0 and mod not in tr.breached_modules


def _seal(w: World, tr: Tracker, ob: ObjectiveDef) -> tuple[float, str]:
    if tr.breach_s is None:
        return 1.0, "no breach, nothing to seal"
    doors = tr.boundary_doors
    if not doors:
        return 0.0, "the breached module has no bulkheads to seal"
    on_time = [d for d in doors if d in tr.sealed_s and _on_time(tr, tr.sealed_s[d], ob.within_s)]
    late = [d for d in doors if d in tr.sealed_s and d not in on_time]
    frac = (len(on_time) + LATE_CREDIT * len(late)) / len(doors)
    text = f"{len(on_time)} of {len(doors)} bulkheads and hatches sealed"
    if ob.within_s is not None:
        text += f" within {duration(ob.within_s)}"
    if late:
        text += f", {len(late)} late"
    return frac, text


def _survey_modules(w: World, tr: Tracker) -> list[int]:
    """The modules a survey must look over: those not breached (all, if every one is)."""
    return [m for m in range(len(w.grid.modules)) if m not in tr.breached_modules] or list(
        range(len(w.grid.modules))
    )


def _survey(w: World, tr: Tracker, ob: ObjectiveDef) -> tuple[float, str]:
    mods = _survey_modules(w, tr)
    if not mods:
        return 1.0, "no modules to survey"
    done = [m for m in mods if m in tr.surveyed and _on_time(tr, tr.surveyed[m], ob.within_s)]
    missing = [w.grid.modules[m] for m in mods if m not in done]
    text = f"{len(done)} of {len(mods)} other modules looked over"
    if missing:
        text += f" (not: {', '.join(missing[:4])})"
    return len(done) / len(mods), text


def _conserve_o2(w: World, tr: Tracker, ob: ObjectiveDef) -> tuple[float, str]:
    start = tr.reserve_start_kg
    if start <= 0:
        return 1.0, "no emergency reserve"
    left = max(0.0, float(w.atmos.reserve_o2_kg))
    return min(1.0, left / start), f"{left:.1f} of {start:.1f} kg of the O2 reserve left"


# Roles that are not responders for `responders_safe`: the people the others act for.
BYSTANDER_ROLES = ("crew", "botanist", "scientist")


def responders(w: World, tr: Tracker, ob: ObjectiveDef) -> list[int]:
    """Whom a responders_safe objective is about: the people it names, or everyone whose role acts."""
    return _people(w, ob, [p.id for p in w.people if p.role not in BYSTANDER_ROLES])


def responder_harm(w: World, tr: Tracker, ob: ObjectiveDef, person_id: int) -> str:
    """How a responder came to harm ('' if not): died, collapsed (passed out at any
    time, within `within_s` of the breach if given) or a hypoxic injury past `max_injury`."""
    if int(w.bodies.state[person_id]) == DEAD:
        return "died"
    grade = int(w.bodies.injury[person_id])
    if grade > INJURY_NAMES.index(ob.max_injury):
        return f"{INJURY_NAMES[grade]} injury"
    for ev in w.events:
        if (ev.kind == "PersonStateChanged" and ev.person_id == person_id and ev.state == "unconscious"
                and _on_time(tr, ev.time_s, ob.within_s)):
            return "collapsed"
    return ""


def _responders_safe(w: World, tr: Tracker, ob: ObjectiveDef) -> tuple[float, str]:
    ids = responders(w, tr, ob)
    if not ids:
        return 1.0, "no responders"
    harmed = {i: how for i in ids if (how := responder_harm(w, tr, ob, i))}
    text = f"{len(ids) - len(harmed)} of {len(ids)} responders unharmed"
    if harmed:
        text += ": " + ", ".join(f"{w.people[i].name} {how}" for i, how in list(harmed.items())[:4])
    return (len(ids) - len(harmed)) / len(ids), text


def _responder_settled(ob: ObjectiveDef) -> Settled:
    return lambda w, tr, i: bool(responder_harm(w, tr, ob, i)) or breathing_safely(w, i)


def _responders_decided(w: World, tr: Tracker, ob: ObjectiveDef) -> bool:
    # harm is for good; someone unharmed and breathing safely is as good as it will get
    return tr.breach_s is not None and all(_responder_settled(ob)(w, tr, i) for i in responders(w, tr, ob))


def _all_settled(settled: Settled, ids: Callable[["World", Tracker, ObjectiveDef], list[int]]) -> Decided:
    """Decided once every person the objective is about (`ids`: chosen from the people
    and what the tracker knows of the breach) is settled by `settled`."""

    def decided(w: World, tr: Tracker, ob: ObjectiveDef) -> bool:
        if tr.breach_s is None:
            return False
        # The ending asks every tick. Whom the objective is about changes only when
        # someone joins or the tracker learns of a breach, so the list is kept; and
        # whoever held the objective open last time is asked first. Each question is a
        # pure look, so only their order changes: the answer is all()'s.
        key = (settled, id(ob))
        stamp = (len(w.people), tr.breach_s, tr.breach_count, len(tr.breached_modules), len(tr.module_at_breach))
        memo = tr.open_on.get(key)
        if memo is None or memo[0] != stamp:
            memo = tr.open_on[key] = [stamp, ids(w, tr, ob), None]
        last = memo[2]
        if last is not None and not settled(w, tr, last):
            return False
        for i in memo[1]:
            if not settled(w, tr, i):
                memo[2] = i
                return False
        return True

    return decided


def _safe_or_dead(w: World, tr: Tracker, person_id: int) -> bool:
    return int(w.bodies.state[person_id]) == DEAD or breathing_safely(w, person_id)


def _seal_decided(w: World, tr: Tracker, ob: ObjectiveDef) -> bool:
    # a late seal still earns LATE_CREDIT, so a passed deadline does not decide it
    return tr.breach_s is not None and all(d in tr.sealed_s for d in tr.boundary_doors)


def _survey_decided(w: World, tr: Tracker, ob: ObjectiveDef) -> bool:
    # every module looked over, some perhaps late: a late look can never become timely, so
    # waiting on it would hold the exercise open to its time limit (a full score implies
    # the same, so the score's words need not be made every tick to ask)
    return all(m in tr.surveyed for m in _survey_modules(w, tr))


def _everyone(w: World, tr: Tracker, ob: ObjectiveDef) -> list[int]:
    return _people(w, ob, [p.id for p in w.people])


def _evacuees(w: World, tr: Tracker, ob: ObjectiveDef) -> list[int]:
    return _people(w, ob, at_risk(tr))


OBJECTIVE_KINDS: dict[str, ObjectiveKind] = {
    k.name: k
    for k in (
        ObjectiveKind("survive", _survive, decided=_all_settled(_safe_or_dead, _everyone)),
        ObjectiveKind("injury", _injury, decided=_all_settled(_safe_or_dead, _everyone)),
        ObjectiveKind("rescue", _rescue, settled=_rescue_settled, decided=_all_settled(_rescue_settled, rescue_targets)),
        ObjectiveKind("evacuate", _evacuate, settled=_evacuate_settled,
                      decided=_all_settled(_evacuate_settled, _evacuees)),
        ObjectiveKind("seal", _seal, decided=_seal_decided),
        ObjectiveKind("survey", _survey, decided=_survey_decided),
        ObjectiveKind("conserve_o2", _conserve_o2),  # the reserve only goes down: as good now as it will be
        ObjectiveKind("responders_safe", _responders_safe, decided=_responders_decided),
    )
}


def kind_of(ob: ObjectiveDef) -> ObjectiveKind:
    """The registry entry for an objective; an unknown kind is an error (the level validator names them)."""
    try:
        return OBJECTIVE_KINDS[ob.kind]
    except KeyError:
        raise KeyError(f"objective kind '{ob.kind}' is not registered (known: {', '.join(OBJECTIVE_KINDS)})") from None
