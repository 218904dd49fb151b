"""Plain-data summaries of a world, for `sim --json`, traces and tests."""

from __future__ import annotations

from typing import Any

from game.sim.atmosphere import fogged
from game.sim.crew_timeline import timeline
from game.sim.debris import debris_records
from game.sim.evacuation import in_danger
from game.sim.explain import explain
from game.sim.physiology import INJURY_NAMES, STATE_NAMES
from game.sim.world import World, state_hash


def world_summary(world: "World", level_path: str, score: dict[str, Any] | None = None) -> dict[str, Any]:
    """The state a user asks about after a headless run (with its `score`, when scored)."""
    crew = []
    b = world.bodies
    for p in world.people:
        room = world.grid.room_at(int(p.x), int(p.y))
        told = explain(world, p.id)  # the inspector's words for what they are doing and why
        crew.append(
            {
                "name": p.name,
                "role": p.role,
                "room": room.label if room else None,
                "status": STATE_NAMES[int(b.state[p.id])],
                "position": [round(p.x, 3), round(p.y, 3)],
                "spo2": round(float(b.spo2[p.id]), 4),
                "state": STATE_NAMES[int(b.state[p.id])],
                "hypoxic_injury": INJURY_NAMES[int(b.injury[p.id])],
                "outcome": outcome(world, p),
                "doing": told.doing,
                "why": told.why,
                "blocked": told.blocked,
            }
        )
    out = {
        "level": level_path,
        "seed": world.seed,
        "sim_time_s": round(world.time_s, 3),
        "state_hash": state_hash(world),
        "crew": crew,
        "debris": debris_records(world),
        "autopilot": {"on": world.crew.autopilot, "commands": len(world.crew.autopilot_log)},
        "events": event_records(world),
    }
    if score is not None:
        out["score"] = score
    return out


def outcome(world: "World", p) -> dict[str, Any]:
    """How a person came out of it: status (dead, rescued: delivered to the
    medical bay, safe: in a sound module, or still in danger), the hypoxic
    injury grade, and when they were delivered (simulated seconds, or None)."""
    state = int(world.bodies.state[p.id])
    if state == 3:
        status = "dead"
    elif p.delivered_s is not None:
        status = "rescued"
    elif in_danger(world, p) and not p.suited:
        status = "in danger"
    else:
        status = "safe"
    return {"status": status, "injury": INJURY_NAMES[int(world.bodies.injury[p.id])], "delivered_s": p.delivered_s}


def event_records(world: "World") -> list[dict[str, Any]]:
    """The run as a timeline: {time, actor, action, target, place}, one per thing that happened."""
    return timeline(world)


TRACE_HEADER = ("time_s", "entity", "name", "field", "value")


def trace_rows(world: "World") -> list[tuple]:
    """Long-format rows of the state now: compartments (pressure, O2, temperature,
    fog), life support's stores, and people."""
    t = round(world.time_s, 3)
    c = world.compartments
    rows: list[tuple] = []
    p_bar, ppo2, temp, fog = c.pressure_bar, c.ppo2_bar, c.temp_k, fogged(c)
    for i, name in enumerate(world.atmos.names):
        rows.append((t, "compartment", name, "pressure_bar", round(float(p_bar[i]), 5)))
        rows.append((t, "compartment", name, "ppo2_bar", round(float(ppo2[i]), 5)))
        rows.append((t, "compartment", name, "temperature_k", round(float(temp[i]), 2)))
        rows.append((t, "compartment", name, "fog", int(fog[i])))
    a = world.atmos
    for field, value in (("reserve_o2_kg", a.reserve_o2_kg), ("o2_kg", a.store_o2_kg), ("n2_kg", a.store_n2_kg)):
        rows.append((t, "store", "life support", field, round(float(value), 4)))
    b = world.bodies
    for p in world.people:
        rows.append((t, "person", p.name, "spo2", round(float(b.spo2[p.id]), 4)))
        rows.append((t, "person", p.name, "state", STATE_NAMES[int(b.state[p.id])]))
        rows.append((t, "person", p.name, "injury", INJURY_NAMES[int(b.injury[p.id])]))
    return rows
