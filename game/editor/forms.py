"""Property forms: which fields each kind of thing has, how they read as text,
and the pygame_gui rows (label + entry or dropdown) that edit them.

Parsing is kept apart from the widgets so it can be tested without a window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import pygame
import pygame_gui

from game.sim.level import (
    CONDITIONS,
    DEBRIS_KINDS,
    DOOR_STATES,
    EQUIPMENT,
    EVENT_PARAMS,
    INJURY_GRADES,
    OBJECTIVE_KINDS,
    ROOM_KINDS,
    EventDef,
    LifeSupport,
    LockerDef,
    Meta,
    items_from_counts,
)
from game.sim.roles import ROLES

ROW_H = 30
LABEL_W = 112


@dataclass(frozen=True)
class Field:
    key: str
    kind: str  # text, num, optnum, int, cell, cells (two), rect, list, counts, bool, or "choice"
    choices: tuple[str, ...] = ()
    title: str = ""

    @property
    def caption(self) -> str:
        return self.title or self.key.replace("_", " ")


def choice(key: str, options, title: str = "") -> Field:
    return Field(key, "choice", tuple(options), title)


TABLE_FIELDS: dict[str, tuple[Field, ...]] = {
    "rooms": (Field("label", "text"), choice("kind", ROOM_KINDS), Field("at", "cell", title="cell")),
    "modules": (Field("name", "text"), Field("at", "cell", title="cell")),
    "hull_sections": (Field("name", "text"), Field("rect", "rect", title="x0,y0,x1,y1")),
    "doors": (
        Field("name", "text"),
        choice("state", DOOR_STATES),
        Field("open_time_s", "optnum", title="open time s"),
        Field("leak_cm2", "optnum", title="leak cm2"),
        Field("pry_time_s", "optnum", title="pry time s"),
        Field("at", "cell", title="cell"),
    ),
    "crew": (
        Field("name", "text"),
        choice("role", tuple(ROLES)),
        choice("condition", CONDITIONS),
        choice("injury", INJURY_GRADES),
        Field("spo2", "optnum", title="start SpO2"),
        Field("equipment", "list"),
        Field("at", "cell", title="cell"),
    ),
    "lockers": (Field("name", "text"), Field("contents", "counts"), Field("at", "cell", title="cell")),
    "airlocks": (Field("name", "text"), Field("doors", "cells", title="doors"), Field("cycle_s", "optnum", title="cycle s")),
    "objectives": (
        choice("kind", OBJECTIVE_KINDS),
        Field("description", "text"),
        Field("weight", "num", title="score weight"),
        Field("people", "list"),
        Field("within_s", "optnum", title="within s"),
        choice("max_injury", INJURY_GRADES, title="max injury"),
    ),
}

META_FIELDS: tuple[Field, ...] = (
    Field("name", "text"),
    Field("author", "text"),
    Field("time_limit_s", "num", title="time limit s"),
    Field("ceiling_height_m", "num", title="ceiling m"),
    Field("nominal_pressure_bar", "num", title="pressure bar"),
    Field("o2_fraction", "num", title="O2 fraction"),
    Field("seed", "int"),
)
LIFE_FIELDS: tuple[Field, ...] = (
    Field("reserve_o2_kg", "num", title="O2 reserve kg"),
    Field("feed_rate_g_s", "num", title="O2 feed g/s"),
)
_TAG_KIND = {"cell": "cell", "rect": "rect", "pos": "num", "frac": "num", "num": "num", "nonneg": "num", "count": "int",
             "str": "text", "bool": "bool"}


def event_fields(ev: EventDef) -> tuple[Field, ...]:
    """The form of one timeline event: its time and chance, then its kind's parameters."""
    out = [Field("at_s", "num", title="time s"), Field("chance", "num")]
    for key, (required, tag) in EVENT_PARAMS.get(ev.kind, {}).items():
        if tag == "debris":
            out.append(choice(key, DEBRIS_KINDS))
            continue
        kind = _TAG_KIND.get(tag, "text")
        if not required:
            kind = "opt" + kind
        out.append(Field(key, kind, title=key.replace("_", " ")))
    return tuple(out)


class FieldError(ValueError):
    """Text that does not fit the field; the message is shown in the status bar."""


def format_value(field: Field, value: Any) -> str:
    if value is None:
        return ""
    k = field.kind.removeprefix("opt")
    if k in ("cell", "rect"):
        return ", ".join(str(int(v)) for v in value)
    if k == "cells":
        return "  ".join(", ".join(str(int(v)) for v in c) for c in value)
    if k == "list":
        return ", ".join(value)
    if k == "counts":  # a locker's items, one name each, shown as counts
        return ", ".join(f"{item} {n}" for item, n in LockerDef("", (0, 0), tuple(value)).counts().items())
    if k == "bool":
        return "true" if value else "false"
    if k == "num":
        return f"{float(value):g}" if float(value) == round(float(value), 6) else repr(float(value))
    return str(value)


def parse_value(field: Field, text: str) -> Any:
    """The value typed into a field (FieldError saying what was expected)."""
    text = text.strip()
    k = field.kind
    if k.startswith("opt"):
        if text == "":
            return None
        k = k[3:]
    if k == "text":
        return text
    if k == "choice":
        if text not in field.choices:
            raise FieldError(f"{field.caption} must be one of {', '.join(field.choices)}")
        return text
    if k == "list":
        return tuple(s.strip() for s in text.split(",") if s.strip())
    if k == "counts":
        return _parse_counts(field, text)
    if k == "bool":
        if text.lower() not in ("true", "false", "yes", "no"):
            raise FieldError(f"{field.caption} must be true or false")
        return text.lower() in ("true", "yes")
    if k == "cells":
        nums = _whole_numbers(text)
        if nums is None or len(nums) != 4:
            raise FieldError(f"{field.caption} must be two cells like 4, 7  6, 7")
        return (nums[:2], nums[2:])
    if k == "num":
        try:
            v = float(text)
        except ValueError:
            raise FieldError(f"{field.caption} must be a number, not '{text}'") from None
        if not math.isfinite(v):
            raise FieldError(f"{field.caption} must be a finite number")
        return v
    if k == "int":
        try:
            return int(text)
        except ValueError:
            raise FieldError(f"{field.caption} must be a whole number, not '{text}'") from None
    if k in ("cell", "rect"):
        n = 2 if k == "cell" else 4
        nums = _whole_numbers(text) or ()
        if len(nums) != n:
            raise FieldError(f"{field.caption} must be {n} whole numbers like {'4, 7' if n == 2 else '1, 0, 9, 0'}")
        return nums
    raise FieldError(f"unknown field kind {k}")


def _whole_numbers(text: str) -> tuple[int, ...] | None:
    """The whole numbers in `text` split by commas, semicolons or spaces; None if one is not."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        return None


def _parse_counts(field: Field, text: str) -> tuple[str, ...]:
    """'suit 2, respirator 4' (or 'suit = 2'; a bare name is one) as a locker's items, one name each."""
    counts: dict[str, int] = {}
    for part in (s.strip() for s in text.split(",")):
        if not part:
            continue
        words = part.replace("=", " ").split()
        name, n = words[0], 1
        if len(words) == 2 and words[1].isdigit():
            n = int(words[1])
        elif len(words) != 1:
            raise FieldError(f"{field.caption} must be like 'suit 2, respirator 4' (known: {', '.join(EQUIPMENT)})")
        counts[name] = counts.get(name, 0) + n
    return items_from_counts(counts)


def get(item: Any, field: Field) -> Any:
    """A field's value on a def; event parameters live in its params dict."""
    if isinstance(item, EventDef) and field.key not in ("at_s", "chance"):
        return item.params.get(field.key)
    return getattr(item, field.key)


def with_value(item: Any, field: Field, value: Any) -> Any:
    """A copy of the def with one field changed."""
    if isinstance(item, EventDef) and field.key not in ("at_s", "chance"):
        params = dict(item.params)
        if value is None:
            params.pop(field.key, None)
        else:
            params[field.key] = value
        return replace(item, params=params)
    return replace(item, **{field.key: value})


def fields_for(item: Any, table: str) -> tuple[Field, ...]:
    if isinstance(item, EventDef):
        return event_fields(item)
    if isinstance(item, Meta):
        return META_FIELDS
    if isinstance(item, LifeSupport):
        return LIFE_FIELDS
    return TABLE_FIELDS[table]


class Form:
    """Rows of label + widget for one def, inside a pygame_gui container.

    `refresh` writes new values into the same widgets (a dropdown is remade,
    as pygame_gui has no setter for it), so typing in one field is not lost
    when another field's change is applied.
    """

    def __init__(self, manager, container, rect: pygame.Rect, fields: tuple[Field, ...], item: Any) -> None:
        self.manager = manager
        self.container = container
        self.rect = pygame.Rect(rect)
        self.fields = fields
        self.item = item
        self.widgets: dict[str, Any] = {}
        self.labels: list[Any] = []
        self.shown: dict[str, str] = {}
        for i, f in enumerate(fields):
            y = self.rect.y + i * ROW_H
            self.labels.append(
                pygame_gui.elements.UILabel(
                    pygame.Rect(self.rect.x, y, LABEL_W, ROW_H - 4), f.caption, manager, container=container,
                    object_id="#form_label",
                )
            )
            self.widgets[f.key] = self._widget(f, y)

    @property
    def height(self) -> int:
        return len(self.fields) * ROW_H

    def _widget(self, f: Field, y: int):
        r = pygame.Rect(self.rect.x + LABEL_W, y, self.rect.w - LABEL_W, ROW_H - 4)
        text = format_value(f, get(self.item, f))
        self.shown[f.key] = text
        if f.kind == "choice":
            options = list(f.choices) if text in f.choices else list(f.choices) + [text]
            return pygame_gui.elements.UIDropDownMenu(
                options, text, r, self.manager, container=self.container, object_id="#form_choice",
                expansion_height_limit=220,
            )
        entry = pygame_gui.elements.UITextEntryLine(r, self.manager, container=self.container, object_id="#form_entry")
        entry.set_text(text)
        return entry

    def field_of(self, widget) -> Field | None:
        for f in self.fields:
            if self.widgets.get(f.key) is widget:
                return f
        return None

    def text_of(self, f: Field) -> str:
        w = self.widgets[f.key]
        if isinstance(w, pygame_gui.elements.UIDropDownMenu):
            return w.selected_option[0] if isinstance(w.selected_option, tuple) else w.selected_option
        return w.get_text()

    def refresh(self, item: Any) -> None:
        self.item = item
        for i, f in enumerate(self.fields):
            text = format_value(f, get(item, f))
            if text == self.shown.get(f.key):
                continue
            w = self.widgets[f.key]
            if isinstance(w, pygame_gui.elements.UIDropDownMenu):
                w.kill()
                self.widgets[f.key] = self._widget(f, self.rect.y + i * ROW_H)
            else:
                w.set_text(text)
                self.shown[f.key] = text

    def revert(self, f: Field) -> None:
        w = self.widgets[f.key]
        if isinstance(w, pygame_gui.elements.UITextEntryLine):
            w.set_text(self.shown.get(f.key, ""))

    def kill(self) -> None:
        for w in list(self.widgets.values()) + self.labels:
            w.kill()
        self.widgets.clear()
        self.labels.clear()
