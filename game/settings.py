"""The player's settings: volumes, display, UI scale, auto-pause, palette and key bindings.

Kept as JSON in the user's config directory (platformdirs), or in the
directory named by BREACH_PROTOCOL_CONFIG_DIR. Saves are atomic, so a crash
never leaves half a file; a file that cannot be read gives the defaults and a
message for the player, never a crash: a damaged field (wrong type, a number
that is not finite, a key name pygame does not know, a key two actions share)
goes back to its default alone, and the notice names the file and the fields.
Keys are stored by pygame's key names ("space", "f3").
"""

from __future__ import annotations

import json
import math
import os
import warnings
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs
import pygame

from game.levelio.files import UnreadableFile, read_capped, utf8_text
from game.atomicfile import sweep_stale, write_atomic

APP_NAME = "breach-protocol"
CONFIG_ENV = "BREACH_PROTOCOL_CONFIG_DIR"
FILE_NAME = "settings.json"
FORMAT_VERSION = 1

UI_SCALES = (0.85, 1.0, 1.15, 1.3, 1.5)
PALETTES = ("viridis", "cividis")

# action -> (default key, what it does); the order is the order the settings screen lists them.
# The map overlays add theirs (game.view.overlays registers each with `bind_action`).
ACTIONS: dict[str, tuple[str, str]] = {
    "pause": ("space", "Pause / resume"),
    "speed_1": ("1", "Normal speed"),
    "speed_2": ("2", "Double speed"),
    "speed_3": ("3", "Fastest speed"),
    "pan_up": ("w", "Pan up"),
    "pan_left": ("a", "Pan left"),
    "pan_down": ("s", "Pan down"),
    "pan_right": ("d", "Pan right"),
    "zoom_in": ("=", "Zoom in"),
    "zoom_out": ("-", "Zoom out"),
    "centre": ("c", "Centre on selection"),
    "fit": ("home", "Show the whole map"),
    "autopilot": ("f6", "Crew autopilot on / off"),
    "legend": ("l", "Map key"),
    "help": ("f1", "Key help"),
    "perf": ("f3", "Frame and step times"),
    "menu": ("escape", "Pause menu"),
}


def bind_action(action: str, key: str, what: str, before: str | None = None) -> None:
    """Add a bindable action with its default key, listed before `before` (else last)."""
    if action in ACTIONS:
        raise ValueError(f"the action {action!r} is already bound")
    items = list(ACTIONS.items())
    at = next((i for i, (a, _) in enumerate(items) if a == before), len(items))
    items.insert(at, (action, (key, what)))
    ACTIONS.clear()
    ACTIONS.update(items)


def unbind_action(action: str) -> None:
    """Take a bindable action away again."""
    del ACTIONS[action]


@dataclass
class Settings:
    master_volume: float = 0.8
    effects_volume: float = 1.0
    alarm_volume: float = 0.7
    ambience_volume: float = 0.8
    fullscreen: bool = False
    ui_scale: float = 1.0
    auto_pause: bool = True  # pause when someone goes down or a new breach opens
    palette: str = "viridis"
    keys: dict[str, str] = field(default_factory=lambda: {a: k for a, (k, _) in ACTIONS.items()})

    def key_for(self, action: str) -> str:
        return self.keys.get(action, ACTIONS[action][0])

    def with_key(self, action: str, key: str) -> "Settings":
        """A copy with `action` on `key`; an action that had `key` before swaps to the old key."""
        keys = dict(self.keys)
        old = self.key_for(action)
        for other in ACTIONS:
            if other != action and self.key_for(other) == key:
                keys[other] = old
        keys[action] = key
        return replace(self, keys=keys)

    def to_json(self) -> str:
        return json.dumps({"format_version": FORMAT_VERSION, **asdict(self)}, indent=2, sort_keys=True) + "\n"


def config_dir() -> Path:
    """Where settings live: $BREACH_PROTOCOL_CONFIG_DIR, else the platform's user config dir."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def _finite(value: Any, what: str) -> float:
    """`value` as a finite float; a NaN, an infinity or a 400-digit integer is damage, not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(what)
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{what}, not a number that large") from None
    if not math.isfinite(number):
        raise ValueError(f"{what}, not {number}")
    return number


def is_key_name(name: Any) -> bool:
    """True for a key name pygame knows ("space", "f3", "a"); the names pygame.key.name gives."""
    if not isinstance(name, str) or not name:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # key names need no pygame.init(); pygame warns regardless
            pygame.key.key_code(name)
    except (ValueError, pygame.error):
        return False
    return True


def _keys(value: Any, notes: list[str]) -> dict[str, str]:
    """Bindings from the file; an unknown key name, or a key an earlier action already holds,
    goes back to the action's default (with a note), so every action keeps a key of its own."""
    if not isinstance(value, dict):
        raise TypeError("expected a table of action = key")
    defaults = {a: k for a, (k, _) in ACTIONS.items()}
    keys = dict(defaults)
    for action, key in value.items():
        if action not in ACTIONS:
            continue  # an action this version no longer has: nothing to bind
        if is_key_name(key):
            keys[action] = key
        else:
            notes.append(f"keys.{action}: {key!r} is not a key name; back to {defaults[action]!r}")
    # A key two actions share: the action whose default it is keeps it, else the first listed;
    # the others go back to their defaults. Each pass puts at least one more action on its
    # default and the defaults are all different, so this ends with no key shared.
    while True:
        holders: dict[str, list[str]] = {}
        for action, key in keys.items():
            holders.setdefault(key.lower(), []).append(action)
        shared = [(k, acts) for k, acts in holders.items() if len(acts) > 1]
        if not shared:
            return keys
        for key, actions in shared:
            keeper = next((a for a in actions if defaults[a].lower() == key), actions[0])
            for action in actions:
                if action != keeper:
                    notes.append(f"keys.{action}: {keys[action]!r} is also {keeper}'s key; back to {defaults[action]!r}")
                    keys[action] = defaults[action]


def _check(name: str, value: Any, notes: list[str]) -> Any:
    """The value for field `name`, or raise ValueError/TypeError saying why not."""
    if name.endswith("_volume"):
        return min(1.0, max(0.0, _finite(value, "a volume is a number from 0 to 1")))
    if name in ("fullscreen", "auto_pause"):
        if not isinstance(value, bool):
            raise TypeError("expected true or false")
        return value
    if name == "ui_scale":
        scale = _finite(value, "expected a number")
        return min(UI_SCALES, key=lambda s: abs(s - scale))
    if name == "palette":
        if value not in PALETTES:
            raise ValueError(f"expected one of {', '.join(PALETTES)}")
        return value
    if name == "keys":
        return _keys(value, notes)
    raise KeyError(name)


def from_dict(data: Any) -> tuple[Settings, list[str]]:
    """Settings from parsed JSON; every field that is wrong falls back on its own, with a note."""
    if not isinstance(data, dict):
        raise ValueError("the file does not hold a settings table")
    notes: list[str] = []
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in data:
            continue
        try:
            values[f.name] = _check(f.name, data[f.name], notes)
        except (TypeError, ValueError) as exc:
            notes.append(f"{f.name}: {exc}; using the default")
    return Settings(**values), notes


def _json_int(text: str) -> float | int:
    """An integer from the file; one too long for Python to read (over 4300 digits) is
    infinite, so it spoils its own field (not finite) rather than the whole file."""
    return int(text) if len(text) <= 4000 else math.inf


@dataclass
class Loaded:
    settings: Settings
    path: Path
    message: str | None = None  # for the player when something was wrong with the file


MAX_SETTINGS_BYTES = 1024 * 1024  # a settings or scores file is a few kB: a megabyte is damage


def load(path: Path | None = None) -> Loaded:
    """Read the settings file; a missing file is the defaults, a broken one the defaults and a message."""
    path = settings_path() if path is None else Path(path)
    sweep_stale(path.parent, path.name)  # a save killed mid-write left its temporary: gone at start
    if not os.path.lexists(path):
        return Loaded(Settings(), path)
    try:
        raw = read_capped(path, MAX_SETTINGS_BYTES)  # an ordinary file, not /dev/zero or a pipe
    except UnreadableFile as exc:
        return Loaded(Settings(), path, f"Could not read {path}: it {exc}. Using default settings.")
    try:
        settings, notes = from_dict(json.loads(utf8_text(raw), parse_int=_json_int))
    except RecursionError:  # JSON nested thousands deep: Python's parser gives up, so do we
        return Loaded(Settings(), path, f"{path} is damaged (nested too deep to read). "
                      "Using default settings; saving will replace it.")
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
        return Loaded(Settings(), path, f"{path} is damaged ({exc}). Using default settings; saving will replace it.")
    msg = None
    if notes:
        msg = f"Some settings in {path} were not understood and are back to their defaults: " + "; ".join(notes)
    return Loaded(settings, path, msg)


def save(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically (creating the directory); raises OSError if it cannot."""
    path = settings_path() if path is None else Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, settings.to_json())
    return path


# ------------------------------------------------------------- best scores

SCORES_FILE = "scores.json"


@dataclass(frozen=True)
class Best:
    """The best run of one level so far: score out of 100 and its grade."""

    total: float
    grade: str


def scores_path(settings_file: Path | None = None) -> Path:
    """Best scores live beside the settings file (the user's config folder)."""
    return (settings_path() if settings_file is None else Path(settings_file)).parent / SCORES_FILE


def load_scores(path: Path) -> dict[str, Best]:
    """Best score by level file name; a missing or damaged file is no scores yet, never a crash."""
    try:
        data = json.loads(utf8_text(read_capped(path, MAX_SETTINGS_BYTES)))
    except (UnreadableFile, UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError):
        return {}
    out: dict[str, Best] = {}
    if not isinstance(data, dict) or not isinstance(data.get("best"), dict):
        return out
    for level, entry in data["best"].items():
        try:
            out[str(level)] = Best(float(entry["total"]), str(entry["grade"]))
        except (TypeError, KeyError, ValueError):
            continue  # one bad line costs that level's record only
    return out


def record_score(path: Path, level: str, total: float, grade: str) -> bool:
    """Keep `total` as the level's best if it beats the stored one; True if it did.
    Raises OSError if the file cannot be written."""
    scores = load_scores(path)
    old = scores.get(level)
    if old is not None and old.total >= total:
        return False
    scores[level] = Best(round(float(total), 1), grade)
    body = {"format_version": FORMAT_VERSION, "best": {k: asdict(v) for k, v in sorted(scores.items())}}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(body, indent=2) + "\n")
    return True
