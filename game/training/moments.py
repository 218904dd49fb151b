"""The moments of a run as lines a debrief reads: what happened (events) and
who decided what (commands), in tick order.

Shared by the after-action report, the replay viewer's jump-to-event list and
the instructor console's log. The words for events are the comms log's
(game.view.messages.describe); training does not import the view, so whoever
asks for moments passes them in as `EventWords`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.sim import commands as C
from game.sim import crew_events as CE
from game.sim import events as E
from game.sim.orders import ORDER_KINDS
from game.sim.words import door_name, person_name, place_name
from game.sim.world import TICK_S

if TYPE_CHECKING:
    from game.sim.world import World

# One event as a comms-log line (clock, text, severity), or None to leave it out.
EventWords = Callable[[E.Event, "World"], "tuple[str, str, str] | None"]

GROUP_OVER = 3  # more state changes than this in one tick become one line


@dataclass(frozen=True)
class Moment:
    tick: int
    time_s: float
    who: str  # "sim", "trainee", "instructor", "autopilot"
    text: str
    severity: str  # alarm, warn, info, good
    key: bool = False  # worth a map snapshot and a jump-to entry


def who_sent(cmd: C.Command) -> str:
    if isinstance(cmd, C.INJECT_COMMANDS):
        return "instructor"
    if isinstance(cmd, C.SetAutopilot):
        return "autopilot"
    return "trainee"


def describe_command(cmd: C.Command, world: World) -> str:
    """A command in words: an order as the order registry says it ("Hassan Karimi: cut through
    4-14 door", "Seal Bulkhead 4-west"), an inject or a switch as the instructor would."""
    kind = ORDER_KINDS.for_command(type(cmd))
    if kind is not None:
        words = kind.words_for(world, cmd)
        return words[:1].upper() + words[1:] if kind.remote else f"{person_name(world, cmd.person_id)}: {words}"
    if isinstance(cmd, C.InjectBreach):
        return f"Inject: hull breach of {cmd.area_cm2:g} cm2 near {place_name(world, cmd.cell)}"
    if isinstance(cmd, C.InjectDebris):
        return f"Inject: {cmd.count} x {cmd.debris.replace('_', ' ')} falls in {place_name(world, cmd.cell)}"
    if isinstance(cmd, C.InjectDoorJam):
        return f"Inject: {door_name(world, cmd.door_id)} jams"
    if isinstance(cmd, C.InjectEquipmentFailure):
        return f"Inject: {person_name(world, cmd.person_id)}'s {cmd.item} fails"
    if isinstance(cmd, C.InjectWorsen):
        return f"Inject: {person_name(world, cmd.person_id)} gets worse (SpO2 -{cmd.spo2_drop * 100:.0f} pts)"
    if isinstance(cmd, C.FreezeExercise):
        return "Exercise frozen" if cmd.on else "Exercise resumed"
    if isinstance(cmd, C.SetAutopilot):
        return "Autopilot " + ("on" if cmd.on else "off")
    raise KeyError(f"no words for the command {cmd.name}")  # a new kind of command: say it here


_KEY_EVENTS = (E.BreachOpened, E.EquipmentFailed, E.ConditionWorsened)


def moments(world: World, describe: EventWords, commands: list[C.Command] | None = None) -> list[Moment]:
    """Events and commands of `world` so far, in tick order (commands first within a tick).

    `describe` gives an event's words (the comms log's); events it leaves out are not moments.
    """
    commands = world.command_log if commands is None else commands
    out: list[Moment] = []
    for cmd in commands:
        t = cmd.tick * TICK_S
        who = who_sent(cmd)
        out.append(
            Moment(
                cmd.tick,
                t,
                who,
                describe_command(cmd, world),
                "warn" if who == "instructor" else "info",
                key=who == "instructor",
            )
        )
    evs = world.events
    i = 0
    while i < len(evs):
        e = evs[i]
        if isinstance(e, E.PersonStateChanged):
            j = E.state_change_run(evs, i)
            if j - i > GROUP_OVER:
                names = ", ".join(g.person for g in evs[i : i + 2])
                sev = "good" if e.state == "conscious" else ("alarm" if e.state in ("unconscious", "dead") else "warn")
                out.append(
                    Moment(
                        e.tick,
                        e.time_s,
                        "sim",
                        f"{j - i} crew now {e.state}: {names} and {j - i - 2} more",
                        sev,
                        key=e.state in ("unconscious", "dead"),
                    )
                )
                i = j
                continue
        if isinstance(e, CE.OrderTaken):
            if e.source == "autopilot":  # the trainee's orders are already listed as their commands
                out.append(Moment(e.tick, e.time_s, "autopilot", f"{e.person}: {e.order}", "info"))
            i += 1
            continue
        line = describe(e, world)
        if line is not None:
            key = isinstance(e, _KEY_EVENTS) or (
                isinstance(e, E.PersonStateChanged) and e.state in ("unconscious", "dead")
            )
            out.append(Moment(e.tick, e.time_s, "sim", line[1], line[2], key=key))
        i += 1
    out.sort(key=lambda m: (m.tick, m.who == "sim"))
    return out
