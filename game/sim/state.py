"""Declared state: each field of the world's mutable state says what it is.

In the manner of OpenRA's [Sync], a field is declared where it is defined:

- `synced(...)`: decides the future; the state hash covers it;
- `derived(...)`: rebuilt from synced state (what the crew perceives, the gas
  topology), so it cannot diverge on its own;
- `cache(...)`: kept only to save work; may be dropped at any time;
- `static(...)`: fixed when the world is made (the level, the seed, a room
  map), never changed during a run.

`state_hash` (game.sim.world) walks the synced fields of the world and of
every dataclass under them; tests/test_sim_state.py fails when a field of
any dataclass reachable from `World` carries no declaration. A synced field
whose value the walk cannot read (a pymunk space, an action) names an
`encode(owner) -> bytes` function that reads it from its owner. Frozen
dataclasses without declarations (commands, events) are values: all of a
record is hashed wherever a synced field holds one.
"""

from __future__ import annotations

import dataclasses
import enum
import struct
from typing import Any, Callable

import numpy as np

SYNC, DERIVED, CACHE, STATIC = "sync", "derived", "cache", "static"
KINDS = (SYNC, DERIVED, CACHE, STATIC)
_KEY = "state"
_ENCODE = "encode"

Encoder = Callable[[Any], bytes]


def _declared(kind: str, encode: Encoder | None = None, **kwargs: Any) -> Any:
    meta = {_KEY: kind}
    if encode is not None:
        meta[_ENCODE] = encode
    return dataclasses.field(metadata=meta, **kwargs)


def synced(*, encode: Encoder | None = None, **kwargs: Any) -> Any:
    """A field that decides the future: the state hash covers it (through
    `encode(owner)` when the walk cannot read the value itself)."""
    return _declared(SYNC, encode, **kwargs)


def derived(**kwargs: Any) -> Any:
    """A field rebuilt from synced state; the hash leaves it out."""
    return _declared(DERIVED, **kwargs)


def cache(**kwargs: Any) -> Any:
    """A field kept only to save work; the hash leaves it out."""
    kwargs.setdefault("repr", False)
    kwargs.setdefault("compare", False)
    return _declared(CACHE, **kwargs)


def static(**kwargs: Any) -> Any:
    """A field fixed when the world is made and never changed in a run."""
    return _declared(STATIC, **kwargs)


_SYNCED: dict[type, tuple[tuple[str, Encoder | None], ...]] = {}


def declarations(cls: type) -> dict[str, str | None]:
    """Each field of a dataclass and its declared kind (None: undeclared)."""
    return {f.name: f.metadata.get(_KEY) for f in dataclasses.fields(cls)}


def synced_fields(cls: type) -> tuple[tuple[str, Encoder | None], ...]:
    """(name, encoder) of a dataclass's synced fields, in order; worked out once per class."""
    got = _SYNCED.get(cls)
    if got is None:
        fields = dataclasses.fields(cls)
        if is_record(cls):
            got = tuple((f.name, None) for f in fields)
        else:
            got = tuple((f.name, f.metadata.get(_ENCODE)) for f in fields if f.metadata.get(_KEY) == SYNC)
        _SYNCED[cls] = got
    return got


def is_record(cls: type) -> bool:
    """A frozen dataclass with no declarations (a command, an event): an
    immutable value, every field of which is part of it."""
    return bool(cls.__dataclass_params__.frozen) and not any(f.metadata.get(_KEY) for f in dataclasses.fields(cls))


def feed(h: Any, value: Any) -> None:
    """Add a canonical byte form of `value` to the hash `h` (anything `update`-able).

    Dataclasses contribute their synced fields; a value of a type the walk
    does not know is an error, so new state cannot slip past the hash.
    """
    t = type(value)
    if t is int:
        h.update(b"i" + _Q.pack(value))
    elif t is tuple or t is list:
        _feed_sequence(h, value)
    elif t is float:
        h.update(b"f" + _D.pack(value))
    elif value is None:
        h.update(b"N")
    elif t is bool or t is np.bool_:
        h.update(b"T" if value else b"F")
    elif isinstance(value, str):  # str enums too: their value is the string
        b = value.encode()
        h.update(b"s" + _Q.pack(len(b)) + b)
    elif t is np.ndarray:
        a = np.ascontiguousarray(value)
        h.update(b"a" + a.dtype.str.encode() + struct.pack(f"<{a.ndim}q", *a.shape))
        h.update(a.tobytes())
    elif t is dict:
        h.update(b"{")
        keys = _in_order(value)
        _feed_sequence(h, keys)
        _feed_sequence(h, [value[k] for k in keys])
    elif t is set or t is frozenset:
        h.update(b"<")
        _feed_sequence(h, _in_order(value))
    elif dataclasses.is_dataclass(value):
        # Plain fields (numbers, strings, None) go in together, as the repr
        # of their tuple: canonical, and one update instead of one each.
        plain = [t.__name__]
        for name, encode in synced_fields(t):
            if encode is not None:
                h.update(encode(value))
                continue
            v = getattr(value, name)
            if type(v) in _PLAIN:
                plain.append(v)
            else:
                feed(h, v)
        h.update(repr(plain).encode())
    elif isinstance(value, (int, np.integer)):
        feed(h, int(value))
    elif isinstance(value, (float, np.floating)):
        feed(h, float(value))
    elif isinstance(value, enum.Enum):
        feed(h, value.value)
    else:
        raise TypeError(f"the state hash cannot read a {t.__name__}: declare an encoder for it")


_PLAIN = frozenset({int, float, str, bool, type(None)})
_Q = struct.Struct("<q")
_D = struct.Struct("<d")


def _in_order(items: Any) -> list:
    """A set's (or a dict's keys') canonical order: their own where they have one."""
    try:
        return sorted(items)
    except TypeError:  # mixed kinds (None beside tuples): by their repr
        return sorted(items, key=repr)


def _feed_sequence(h: Any, seq: tuple | list) -> None:
    """Lists and tuples; runs of plain ints and lists of cells (int pairs),
    which paths and plans are full of, go in one piece."""
    n = len(seq)
    h.update(b"[" + _Q.pack(n))
    if n == 0:
        return
    first = type(seq[0])
    if first is int and all(type(v) is int for v in seq):
        h.update(b"I" + struct.pack(f"<{n}q", *seq))
        return
    if first is tuple and n > 2 and all(type(v) is tuple and len(v) == 2 for v in seq):
        flat = [x for v in seq for x in v]
        if all(type(x) is int for x in flat):
            h.update(b"C" + struct.pack(f"<{2 * n}q", *flat))
            return
    for v in seq:
        feed(h, v)


class _Collect:
    """A stand-in hash that keeps the bytes, for encoders that feed a value."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def update(self, b: bytes) -> None:
        self.parts.append(b)


def feed_bytes(value: Any) -> bytes:
    """The canonical bytes `feed` would add for `value`."""
    c = _Collect()
    feed(c, value)
    return b"".join(c.parts)


def undeclared(root: Any) -> list[str]:
    """`Class.field` for every field without a declaration in the dataclasses
    reachable from `root` through synced fields the walk reads itself (an
    encoder's field is its encoder's business). Records count as declared."""
    out: set[str] = set()
    seen: set[int] = set()

    def walk(value: Any) -> None:
        if id(value) in seen:
            return
        seen.add(id(value))
        t = type(value)
        if t in (list, tuple, set, frozenset):
            for v in value:
                walk(v)
        elif t is dict:
            for k, v in value.items():
                walk(k)
                walk(v)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            if is_record(t):
                return
            for f in dataclasses.fields(t):
                kind = f.metadata.get(_KEY)
                if kind not in KINDS:
                    out.add(f"{t.__name__}.{f.name}")
                elif kind == SYNC and _ENCODE not in f.metadata:
                    walk(getattr(value, f.name))

    walk(root)
    return sorted(out)
