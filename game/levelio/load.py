"""Read a level file into a `Level`, collecting every problem with its line.

Reading never raises on bad content: it returns the problems, and
`load_level` turns them into one `LevelError` that callers print.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace
import tomllib
from pathlib import Path
from typing import Any

from game.levelio.files import UnreadableFile, nesting_depth, read_capped
from game.levelio.locate import LineIndex
from game.levelio.problems import LevelError, Problem
from game.levelio.validate import check_level, map_size_problem
from game.sim.level import (
    EVENT_PARAMS,
    FORMAT_VERSION,
    INJECT_PARAMS,
    LESSON_CHECKS,
    LESSON_HINT_AFTER_S,
    AirlockDef,
    CrewDef,
    DoorDef,
    EventDef,
    HullSectionDef,
    InjectDef,
    LessonHintDef,
    LessonStepDef,
    Level,
    LifeSupport,
    LockerDef,
    Meta,
    ModuleDef,
    ObjectiveDef,
    RoomDef,
    from_v1_condition,
    items_from_counts,
)
from game.sim.limits import MAX_LOCKER_ITEMS, MAX_ENTRIES_PER_TABLE, MAX_LEVEL_BYTES, MAX_NESTING, seed_problem
from game.sim.tiles import DEFAULT_LEGEND

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")

TOP_KEYS = {
    "format_version", "meta", "life_support", "legend", "map", "rooms", "modules",
    "hull_sections", "doors", "crew", "lockers", "events", "objectives", "injects",
    "airlocks", "lesson_steps", "lesson_hints",
}
META_KEYS = {
    "name", "author", "briefing", "time_limit_s", "ceiling_height_m",
    "nominal_pressure_bar", "o2_fraction", "seed", "outside_pressure_bar",
}
LIFE_SUPPORT_KEYS = {
    "reserve_o2_kg", "feed_rate_g_s", "o2_kg", "n2_kg", "regulation", "regulation_max_g_s", "regulation_tau_s",
}


class _Reader:
    """Typed access to parsed TOML that records problems instead of raising."""

    def __init__(self, file: str, index: LineIndex):
        self.file = file
        self.index = index
        self.problems: list[Problem] = []

    def problem(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.file, self.index.line(*path), message))

    def migrated(self, path: tuple, message: str) -> None:
        """A v1 field read as its v2 form: a note for `validate`, not a fault."""
        self.problems.append(Problem(self.file, self.index.line(*path), message + " (saved as v2 by the editor)", migrated=True))

    def where(self, path: tuple) -> str:
        head = path[0]
        if len(path) >= 2 and isinstance(path[1], int):
            return f"[[{head}]] #{path[1] + 1}"
        return f"[{head}]"

    def check_keys(self, table: dict, allowed: set[str], path: tuple) -> bool:
        """Report keys that are not allowed; always True, so it can filter."""
        for key in table:
            if key not in allowed:
                self.problem(path + (key,), f"unknown key '{key}' in {self.where(path) if path else 'the top level'}")
        return True

    def get(self, table: dict, key: str, path: tuple, kind: str, default: Any = None, required: bool = False) -> Any:
        if key not in table:
            if required:
                self.problem(path, f"{self.where(path) if path else 'the file'} needs '{key}'")
            return default
        value = table[key]
        ok, converted, want = _convert(value, kind)
        if not ok:
            self.problem(path + (key,), f"'{key}' must be {want}, not {_show(value)}")
            return default
        return converted

    def tables(self, data: dict, key: str) -> list[tuple[tuple, dict]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem((key,), f"'{key}' must be a list of [[{key}]] tables")
            return []
        if len(value) > MAX_ENTRIES_PER_TABLE:
            self.problem((key,), f"there are {len(value)} [[{key}]] tables; the limit is {MAX_ENTRIES_PER_TABLE}")
            return []
        return [((key, i), v) for i, v in enumerate(value)]


def _show(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**40:
        return "a number of more than 40 digits"  # repr() of a 5000-digit int raises
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _convert(v: Any, kind: str) -> tuple[bool, Any, str]:
    """(ok, value, description of what was wanted) for one typed field."""
    if kind == "str":
        return isinstance(v, str), v, "text"
    if kind == "int":
        return isinstance(v, int) and not isinstance(v, bool), v, "a whole number"
    if kind == "num":
        return _is_num(v), float(v) if _is_num(v) else v, "a number"
    if kind == "pos":
        ok = _is_num(v) and v > 0
        return ok, float(v) if ok else v, "a number above zero"
    if kind == "nonneg":
        ok = _is_num(v) and v >= 0
        return ok, float(v) if ok else v, "a number, zero or more"
    if kind == "frac":
        ok = _is_num(v) and 0 < v <= 1
        return ok, float(v) if ok else v, "a number above 0 and at most 1"
    if kind == "count":
        ok = isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 1000
        return ok, v, "a whole number from 1 to 1000"
    if kind == "cell":
        ok = isinstance(v, list) and len(v) == 2 and all(isinstance(c, int) and not isinstance(c, bool) for c in v)
        return ok, tuple(v) if ok else v, "a cell [x, y] of two whole numbers"
    if kind == "rect":
        ok = isinstance(v, list) and len(v) == 4 and all(isinstance(c, int) and not isinstance(c, bool) for c in v)
        return ok, tuple(v) if ok else v, "a rectangle [x0, y0, x1, y1] of whole numbers"
    if kind == "strlist":
        ok = isinstance(v, list) and all(isinstance(c, str) for c in v)
        return ok, tuple(v) if ok else v, "a list of names"
    if kind == "debris":
        return isinstance(v, str), v, "a debris kind"
    if kind == "bool":
        return isinstance(v, bool), v, "true or false"
    raise ValueError(kind)


def parse_level(text: str, file: str = "<level>") -> tuple[Level | None, list[Problem], LineIndex]:
    """Parse TOML text; return the level (None if unusable) and all problems (a v1
    file's migrated fields are not problems: `parse_level_noting` lists those too)."""
    level, found, index = parse_level_noting(text, file)
    return level, [p for p in found if not p.migrated], index


def parse_level_noting(text: str, file: str = "<level>") -> tuple[Level | None, list[Problem], LineIndex]:
    """`parse_level`, with a note (`Problem.migrated`) for each v1 field read as its v2 form."""
    index = LineIndex(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        line = int(m.group(1)) if m else 1
        msg = _TOML_POS.sub("", msg).strip()
        return None, [Problem(file, line, f"not valid TOML: {msg}")], index
    except RecursionError:
        return None, [Problem(file, _deepest_line(text), f"arrays or tables are nested more than {MAX_NESTING} deep")], index
    except ValueError:  # Python refuses to read a whole number of more than 4300 digits
        return None, [Problem(file, _longest_number_line(text), "not valid TOML: a number here has thousands of digits")], index
    if nesting_depth(data, MAX_NESTING) > MAX_NESTING:
        return None, [Problem(file, _deepest_line(text), f"arrays or tables are nested more than {MAX_NESTING} deep")], index
    r = _Reader(file, index)
    r.check_keys(data, TOP_KEYS, ())
    version = r.get(data, "format_version", (), "int", required=True)
    if version is not None and version not in READABLE_VERSIONS:
        r.problem(("format_version",), f"format_version {version} is not supported (this game reads {FORMAT_VERSION})")
        return None, r.problems, index
    v1 = version == 1

    meta_t = data.get("meta")
    if not isinstance(meta_t, dict):
        r.problem(("meta",) if "meta" in data else (), "the file needs a [meta] table with at least 'name'")
        meta_t = {}
    mp = ("meta",)
    r.check_keys(meta_t, META_KEYS, mp)
    meta = Meta(
        name=r.get(meta_t, "name", mp, "str", "", required=bool(meta_t) or "meta" in data),
        author=r.get(meta_t, "author", mp, "str", ""),
        briefing=r.get(meta_t, "briefing", mp, "str", ""),
        time_limit_s=r.get(meta_t, "time_limit_s", mp, "pos", 1800.0),
        ceiling_height_m=r.get(meta_t, "ceiling_height_m", mp, "pos", 2.4),
        nominal_pressure_bar=r.get(meta_t, "nominal_pressure_bar", mp, "pos", 1.0),
        o2_fraction=r.get(meta_t, "o2_fraction", mp, "frac", 0.21),
        seed=r.get(meta_t, "seed", mp, "int", 1),
        outside_pressure_bar=r.get(meta_t, "outside_pressure_bar", mp, "nonneg", Meta.outside_pressure_bar),
    )
    why = seed_problem(meta.seed)
    if why is not None:
        r.problem(mp + ("seed",), why)
        meta = replace(meta, seed=1)

    ls_t = data.get("life_support", {})
    if not isinstance(ls_t, dict):
        r.problem(("life_support",), "'life_support' must be a table")
        ls_t = {}
    r.check_keys(ls_t, LIFE_SUPPORT_KEYS, ("life_support",))
    lp = ("life_support",)
    life = LifeSupport(
        reserve_o2_kg=r.get(ls_t, "reserve_o2_kg", lp, "nonneg", 0.0),
        feed_rate_g_s=r.get(ls_t, "feed_rate_g_s", lp, "nonneg", 0.0),
        o2_kg=r.get(ls_t, "o2_kg", lp, "nonneg", LifeSupport.o2_kg),
        n2_kg=r.get(ls_t, "n2_kg", lp, "nonneg", LifeSupport.n2_kg),
        regulation=r.get(ls_t, "regulation", lp, "bool", LifeSupport.regulation),
        regulation_max_g_s=r.get(ls_t, "regulation_max_g_s", lp, "nonneg", LifeSupport.regulation_max_g_s),
        regulation_tau_s=r.get(ls_t, "regulation_tau_s", lp, "pos", LifeSupport.regulation_tau_s),
    )

    legend = dict(DEFAULT_LEGEND)
    if "legend" in data:
        lt = data["legend"]
        if not isinstance(lt, dict):
            r.problem(("legend",), "'legend' must be a table of character = \"tile kind\"")
        else:
            legend = {}
            for ch, name in lt.items():
                if len(ch) != 1:
                    r.problem(("legend", ch), f"legend key {ch!r} must be a single character")
                elif not isinstance(name, str):
                    r.problem(("legend", ch), f"legend entry {ch!r} must name a tile kind")
                else:
                    legend[ch] = name

    rows: tuple[str, ...] = ()
    map_t = data.get("map")
    if not isinstance(map_t, dict) or "rows" not in map_t:
        r.problem(("map",) if "map" in data else (), "the file needs a [map] table with 'rows'")
    else:
        r.check_keys(map_t, {"rows"}, ("map",))
        raw = map_t["rows"]
        if isinstance(raw, str):
            rows = tuple(raw.split("\n"))
            if rows and rows[-1] == "":
                rows = rows[:-1]
        elif isinstance(raw, list) and all(isinstance(x, str) for x in raw):
            rows = tuple(raw)
        else:
            r.problem(("map", "rows"), "'rows' must be a multi-line string of map characters")
        too_big = map_size_problem(max((len(row) for row in rows), default=0), len(rows))
        if too_big:  # no use in a level, and too big to edit or convert
            r.problem(("map", "rows"), too_big)
            return None, r.problems, index

    rooms = tuple(
        RoomDef(
            label=r.get(t, "label", p, "str", "?", required=True),
            at=r.get(t, "at", p, "cell", (0, 0), required=True),
            kind=r.get(t, "kind", p, "str", "quarters"),
            pressure_bar=r.get(t, "pressure_bar", p, "nonneg", None),
            o2_fraction=r.get(t, "o2_fraction", p, "nonneg", None),
            temperature_k=r.get(t, "temperature_k", p, "pos", None),
        )
        for p, t in r.tables(data, "rooms")
        if r.check_keys(t, {"label", "at", "kind", "pressure_bar", "o2_fraction", "temperature_k"}, p)
    )
    modules = tuple(
        ModuleDef(name=r.get(t, "name", p, "str", "?", required=True), at=r.get(t, "at", p, "cell", (0, 0), required=True))
        for p, t in r.tables(data, "modules")
        if r.check_keys(t, {"name", "at"}, p)
    )
    sections = tuple(
        HullSectionDef(name=r.get(t, "name", p, "str", "?", required=True), rect=r.get(t, "rect", p, "rect", (0, 0, 0, 0), required=True))
        for p, t in r.tables(data, "hull_sections")
        if r.check_keys(t, {"name", "rect"}, p)
    )
    doors = tuple(_door(r, p, t, v1) for p, t in r.tables(data, "doors"))
    crew = tuple(_crew(r, p, t, v1) for p, t in r.tables(data, "crew"))
    lockers = tuple(_locker(r, p, t, v1) for p, t in r.tables(data, "lockers"))
    airlocks = tuple(_airlock(r, p, t, v1) for p, t in r.tables(data, "airlocks"))
    events = []
    for p, t in r.tables(data, "events"):
        kind = r.get(t, "kind", p, "str", None, required=True)
        at_s = r.get(t, "at_s", p, "nonneg", 0.0, required=True)
        chance = r.get(t, "chance", p, "frac", 1.0)
        spec = EVENT_PARAMS.get(kind) if kind else None
        if kind is not None and spec is None:
            r.problem(p + ("kind",), f"unknown event kind '{kind}' (known: {', '.join(EVENT_PARAMS)})")
        params: dict[str, Any] = {}
        if spec is not None:
            r.check_keys(t, {"kind", "at_s", "chance"} | set(spec), p)
            for name, (required, tag) in spec.items():
                value = r.get(t, name, p, tag, None, required=required)
                if value is not None:
                    params[name] = value
            if kind == "debris_fall" and "at" not in params and "region" not in params:
                r.problem(p, "a debris_fall needs 'at' or 'region'")
        events.append(EventDef(at_s=at_s, kind=kind or "?", params=params, chance=chance))
    objectives = tuple(
        ObjectiveDef(
            kind=r.get(t, "kind", p, "str", "?", required=True),
            description=r.get(t, "description", p, "str", ""),
            weight=r.get(t, "weight", p, "nonneg", 1.0),
            people=r.get(t, "people", p, "strlist", ()),
            within_s=r.get(t, "within_s", p, "pos", None),
            max_injury=r.get(t, "max_injury", p, "str", "none"),
        )
        for p, t in r.tables(data, "objectives")
        if r.check_keys(t, {"kind", "description", "weight", "people", "within_s", "max_injury"}, p)
    )
    injects = []
    for p, t in r.tables(data, "injects"):
        kind = r.get(t, "kind", p, "str", None, required=True)
        at_s = r.get(t, "at_s", p, "nonneg", 0.0, required=True)
        note = r.get(t, "note", p, "str", "")
        spec = INJECT_PARAMS.get(kind) if kind else None
        if kind is not None and spec is None:
            r.problem(p + ("kind",), f"unknown inject kind '{kind}' (known: {', '.join(INJECT_PARAMS)})")
        params = {}
        if spec is not None:
            r.check_keys(t, {"kind", "at_s", "note"} | set(spec), p)
            for name, (required, tag) in spec.items():
                value = r.get(t, name, p, tag, None, required=required)
                if value is not None:
                    params[name] = value
        injects.append(InjectDef(at_s=at_s, kind=kind or "?", params=params, note=note))
    level = Level(
        meta=meta,
        rows=rows,
        legend=legend,
        life_support=life,
        rooms=rooms,
        modules=modules,
        hull_sections=sections,
        doors=doors,
        crew=crew,
        lockers=lockers,
        events=tuple(events),
        objectives=objectives,
        injects=tuple(injects),
        airlocks=airlocks,
        lesson_steps=_lesson_steps(r, data),
        lesson_hints=_lesson_hints(r, data),
    )
    return level, r.problems, index


# ------------------------------------------------------------------ format 2 tables, and v1's migration
READABLE_VERSIONS = (1, FORMAT_VERSION)


def _door(r: _Reader, p: tuple, t: dict, v1: bool) -> DoorDef:
    """A `[[doors]]` entry. v1 had no pry time: a jammed door's `open_time_s` said how long it stuck."""
    r.check_keys(t, {"at", "state", "name", "open_time_s", "leak_cm2"} | (set() if v1 else {"pry_time_s"}), p)
    d = DoorDef(
        at=r.get(t, "at", p, "cell", (0, 0), required=True),
        state=r.get(t, "state", p, "str", "closed"),
        name=r.get(t, "name", p, "str", ""),
        open_time_s=r.get(t, "open_time_s", p, "pos", None),
        leak_cm2=r.get(t, "leak_cm2", p, "nonneg", None),
        pry_time_s=r.get(t, "pry_time_s", p, "pos", None),
    )
    if v1 and d.state == "jammed" and d.open_time_s is not None:
        r.migrated(p + ("open_time_s",), f"door at {d.at[0]},{d.at[1]}: v1 open_time_s {d.open_time_s:g} on a jammed door "
                   f"is now pry_time_s = {d.open_time_s:g}")
        d = replace(d, open_time_s=None, pry_time_s=d.open_time_s)
    return d


def _crew(r: _Reader, p: tuple, t: dict, v1: bool) -> CrewDef:
    """A `[[crew]]` entry. v1's condition "injured" is an awake person with a mild injury."""
    r.check_keys(t, {"name", "role", "at", "equipment", "condition"} | (set() if v1 else {"injury", "spo2"}), p)
    c = CrewDef(
        name=r.get(t, "name", p, "str", "?", required=True),
        role=r.get(t, "role", p, "str", "crew"),
        at=r.get(t, "at", p, "cell", (0, 0), required=True),
        equipment=r.get(t, "equipment", p, "strlist", ()),
        condition=r.get(t, "condition", p, "str", "awake"),
        injury=r.get(t, "injury", p, "str", "none"),
        spo2=r.get(t, "spo2", p, "frac", None),
    )
    if v1 and c.condition == "injured":
        r.migrated(p + ("condition",), f"crew '{c.name}': v1 condition 'injured' is now injury = 'mild'")
        c = from_v1_condition(c)
    return c


def _locker(r: _Reader, p: tuple, t: dict, v1: bool) -> LockerDef:
    """A `[[lockers]]` entry: contents as counts (`{ suit = 2 }`); v1 listed names, one item each."""
    r.check_keys(t, {"name", "at", "contents"}, p)
    name = r.get(t, "name", p, "str", "locker")
    at = r.get(t, "at", p, "cell", (0, 0), required=True)
    raw = t.get("contents", {})
    if v1 and isinstance(raw, list):
        items = r.get(t, "contents", p, "strlist", ())
        lk = LockerDef(name=name, at=at, contents=items_from_counts(Counter(items)))
        if items:
            shown = ", ".join(f"{k} = {n}" for k, n in lk.counts().items())
            r.migrated(p + ("contents",), f"locker '{name}': v1 contents list is now counts {{ {shown} }}")
        return lk
    if not isinstance(raw, dict) or not all(
        isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_LOCKER_ITEMS for n in raw.values()
    ):
        r.problem(p + ("contents",), f"'contents' must be counts like {{ suit = 2, crowbar = 1 }}, "
                  f"each a whole number from 0 to {MAX_LOCKER_ITEMS}")
        raw = {}
    return LockerDef(name=name, at=at, contents=items_from_counts(raw))


def _airlock(r: _Reader, p: tuple, t: dict, v1: bool) -> AirlockDef:
    """An `[[airlocks]]` entry: its two doors and cycle time; v1 named them `outer` and `inner`."""
    name = r.get(t, "name", p, "str", "airlock")
    if v1:
        r.check_keys(t, {"name", "outer", "inner"}, p)
        doors = (r.get(t, "outer", p, "cell", (0, 0), required=True), r.get(t, "inner", p, "cell", (0, 0), required=True))
        r.migrated(p + ("outer",), f"airlock '{name}': v1 outer/inner are now doors = [{list(doors[0])}, {list(doors[1])}]")
        return AirlockDef(name=name, doors=doors)
    r.check_keys(t, {"name", "doors", "cycle_s"}, p)
    cells = t.get("doors")
    ok = isinstance(cells, list) and len(cells) == 2 and all(_convert(c, "cell")[0] for c in cells)
    if not ok:
        r.problem(p + ("doors",) if "doors" in t else p, "an airlock needs 'doors' = [[x, y], [x, y]]: its two doors")
        cells = [[0, 0], [0, 0]]
    return AirlockDef(name=name, doors=(tuple(cells[0]), tuple(cells[1])), cycle_s=r.get(t, "cycle_s", p, "pos", None))


def parse_lesson(text: str, file: str = "<lesson>") -> tuple[tuple[LessonStepDef, ...], tuple[LessonHintDef, ...], list[Problem]]:
    """A lesson's `[[lesson_steps]]` and `[[lesson_hints]]` alone (as the Tiled export carries them)."""
    index = LineIndex(text)
    r = _Reader(file, index)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return (), (), [Problem(file, 1, f"the lesson is not valid TOML: {exc}")]
    r.check_keys(data, {"lesson_steps", "lesson_hints"}, ())
    return _lesson_steps(r, data), _lesson_hints(r, data), r.problems


def _lesson_steps(r: _Reader, data: dict) -> tuple[LessonStepDef, ...]:
    """`[[lesson_steps]]`: a goal, the check that ticks it (and what that check reads), a hint."""
    out = []
    for p, t in r.tables(data, "lesson_steps"):
        check = r.get(t, "check", p, "str", None, required=True)
        spec = LESSON_CHECKS.get(check) if check else None
        if check is not None and spec is None:
            r.problem(p + ("check",), f"unknown lesson check '{check}' (known: {', '.join(LESSON_CHECKS)})")
        params: dict[str, Any] = {}
        if spec is not None:
            r.check_keys(t, {"goal", "check", "hint", "hint_after_s"} | set(spec), p)
            for name, (required, tag) in spec.items():
                value = r.get(t, name, p, tag, None, required=required)
                if value is not None:
                    params[name] = value
        out.append(LessonStepDef(
            goal=r.get(t, "goal", p, "str", "?", required=True),
            check=check or "?",
            params=params,
            hint=r.get(t, "hint", p, "str", ""),
            hint_after_s=r.get(t, "hint_after_s", p, "nonneg", LESSON_HINT_AFTER_S),
        ))
    return tuple(out)


def _lesson_hints(r: _Reader, data: dict) -> tuple[LessonHintDef, ...]:
    """`[[lesson_hints]]`: what the lesson says when the player does something (an event happens)."""
    return tuple(
        LessonHintDef(
            on=r.get(t, "on", p, "str", "?", required=True),
            say=r.get(t, "say", p, "str", "", required=True),
            step=r.get(t, "step", p, "count", None),
            field=r.get(t, "field", p, "str", ""),
            value=r.get(t, "value", p, "str", ""),
        )
        for p, t in r.tables(data, "lesson_hints")
        if r.check_keys(t, {"on", "say", "step", "field", "value"}, p)
    )


def _deepest_line(text: str) -> int:
    """The line with the most opening brackets: where a too-deep nesting is."""
    lines = text.splitlines() or [""]
    counts = [line.count("[") + line.count("{") for line in lines]
    return counts.index(max(counts)) + 1


def _longest_number_line(text: str) -> int:
    lines = text.splitlines() or [""]
    runs = [max((len(m) for m in re.findall(r"\d+", line)), default=0) for line in lines]
    return runs.index(max(runs)) + 1


def read_text(path: str | Path) -> tuple[str | None, list[Problem]]:
    """The file's text, or a problem saying why it cannot be read."""
    try:
        raw = read_capped(path, MAX_LEVEL_BYTES)
    except UnreadableFile as exc:
        return None, [Problem(str(path), 0, str(exc))]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(str(path), line, "not UTF-8 text (is this a level file?)")]


def read_and_check(path: str | Path) -> tuple[Level | None, list[Problem]]:
    """Read, parse and validate one level file: the level (None if unreadable) and every problem, by line."""
    text, problems = read_text(path)
    if text is None:
        return None, problems
    level, problems, index = parse_level_noting(text, str(path))
    if level is not None:
        problems += check_level(level, index, str(path))
    return level, sorted(problems, key=lambda p: p.line)


def validate_file(path: str | Path) -> list[Problem]:
    """All problems with one level file (empty if it is good), and a note for
    each v1 field it migrated (`Problem.migrated`: the file still loads)."""
    return read_and_check(path)[1]


def load_level(path: str | Path) -> Level:
    """Load and validate a level file (a v1 file is migrated); raise LevelError listing every problem."""
    level, problems = read_and_check(path)
    problems = [p for p in problems if not p.migrated]
    if problems or level is None:
        raise LevelError(problems)
    return level
