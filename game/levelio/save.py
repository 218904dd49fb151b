"""Write a `Level` as TOML laid out for people: one table per thing, cells
inline, the map as a block. Saving is atomic."""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path
from typing import Any

from game.atomicfile import write_atomic
from game.sim.level import FORMAT_VERSION, Level


def _str(s: str) -> str:
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _block(s: str) -> str:
    """A multi-line string, literal when it can be (maps read best that way)."""
    literal_ok = "'''" not in s and all(ch in "\n\t" or (0x20 <= ord(ch) and ord(ch) != 0x7F) for ch in s)
    if literal_ok and not s.endswith("'"):
        return "'''\n" + s + "'''"
    return _str(s)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"cannot write {v} to a level file")
        text = repr(v)
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(v, str):
        return _block(v) if "\n" in v else _str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):  # an inline table (a locker's counts)
        keys = [k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else _str(k) for k in v]
        return "{ " + ", ".join(f"{k} = {_value(x)}" for k, x in zip(keys, v.values())) + " }" if v else "{}"
    raise TypeError(f"cannot write {type(v).__name__} to a level file")


def _table(header: str, items: list[tuple[str, Any]]) -> str:
    lines = [header]
    for key, value in items:
        if value is None:
            continue
        lines.append(f"{key} = {_value(value)}")
    return "\n".join(lines)


def level_to_toml(level: Level) -> str:
    """The level's file text; `parse_level` of it gives an equal level."""
    m = level.meta
    parts = [f"format_version = {FORMAT_VERSION}"]
    parts.append(
        _table(
            "[meta]",
            [
                ("name", m.name),
                ("author", m.author),
                ("briefing", m.briefing),
                ("time_limit_s", m.time_limit_s),
                ("ceiling_height_m", m.ceiling_height_m),
                ("nominal_pressure_bar", m.nominal_pressure_bar),
                ("o2_fraction", m.o2_fraction),
                ("seed", m.seed),
                ("outside_pressure_bar", m.outside_pressure_bar),
            ],
        )
    )
    ls = level.life_support
    parts.append(_table("[life_support]", [(f.name, getattr(ls, f.name)) for f in dataclasses.fields(ls)]))
    parts.append(_table("[legend]", [(_str(ch), name) for ch, name in level.legend.items()]))
    parts.append("[map]\nrows = " + _block("\n".join(level.rows) + "\n"))
    for r in level.rooms:
        parts.append(_table("[[rooms]]", [("label", r.label), ("at", r.at), ("kind", r.kind), ("pressure_bar", r.pressure_bar),
                                          ("o2_fraction", r.o2_fraction), ("temperature_k", r.temperature_k)]))
    for mo in level.modules:
        parts.append(_table("[[modules]]", [("name", mo.name), ("at", mo.at)]))
    for s in level.hull_sections:
        parts.append(_table("[[hull_sections]]", [("name", s.name), ("rect", s.rect)]))
    for d in level.doors:
        parts.append(
            _table("[[doors]]", [("at", d.at), ("state", d.state), ("name", d.name or None), ("open_time_s", d.open_time_s),
                                 ("leak_cm2", d.leak_cm2), ("pry_time_s", d.pry_time_s)])
        )
    for c in level.crew:
        parts.append(
            _table(
                "[[crew]]",
                [("name", c.name), ("role", c.role), ("at", c.at), ("equipment", c.equipment), ("condition", c.condition),
                 ("injury", None if c.injury == "none" else c.injury), ("spo2", c.spo2)],
            )
        )
    for lk in level.lockers:
        parts.append(_table("[[lockers]]", [("name", lk.name), ("at", lk.at), ("contents", lk.counts())]))
    for al in level.airlocks:
        parts.append(_table("[[airlocks]]", [("name", al.name), ("doors", al.doors), ("cycle_s", al.cycle_s)]))
    for e in level.events:
        items = [("at_s", e.at_s), ("kind", e.kind)]
        if e.chance != 1.0:
            items.append(("chance", e.chance))
        items += list(e.params.items())
        parts.append(_table("[[events]]", items))
    for o in level.objectives:
        parts.append(
            _table(
                "[[objectives]]",
                [
                    ("kind", o.kind),
                    ("description", o.description),
                    ("weight", o.weight),
                    ("people", o.people if o.people else None),
                    ("within_s", o.within_s),
                    ("max_injury", None if o.max_injury == "none" else o.max_injury),
                ],
            )
        )
    for inj in level.injects:
        parts.append(_table("[[injects]]", [("at_s", inj.at_s), ("kind", inj.kind), ("note", inj.note or None)] + list(inj.params.items())))
    parts += lesson_tables(level)
    return "\n\n".join(parts) + "\n"


def lesson_tables(level: Level) -> list[str]:
    """A lesson's steps and hints, as `[[lesson_steps]]` and `[[lesson_hints]]`."""
    out = [
        _table("[[lesson_steps]]", [("goal", s.goal), ("check", s.check)] + list(s.params.items())
               + [("hint", s.hint or None), ("hint_after_s", s.hint_after_s)])
        for s in level.lesson_steps
    ]
    out += [
        _table("[[lesson_hints]]", [("on", h.on), ("say", h.say), ("step", h.step), ("field", h.field or None),
                                    ("value", h.value or None)])
        for h in level.lesson_hints
    ]
    return out


def save_level(level: Level, path: str | Path) -> None:
    """Write the level file atomically: the old file survives any failure."""
    write_atomic(path, level_to_toml(level))
