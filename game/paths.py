"""Where the game's levels and assets are, in a checkout and when installed.

A checkout keeps `levels/` and `assets/` beside `game/`; `pip install .` copies
them into the package as `game/_data/` (see pyproject.toml), so the installed
`breach-protocol` command finds the same files with no checkout at hand.
"""

from __future__ import annotations

from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent
_INSTALLED = Path(__file__).resolve().parent / "_data"

DATA_ROOT = _CHECKOUT if (_CHECKOUT / "levels" / "module4.toml").is_file() else _INSTALLED
LEVELS_DIR = DATA_ROOT / "levels"
ASSETS_DIR = DATA_ROOT / "assets"
SOUNDS_DIR = ASSETS_DIR / "sounds"
THEME_PATH = ASSETS_DIR / "theme.json"
DEFAULT_LEVEL = LEVELS_DIR / "module4.toml"  # the story's night: listed first, opened by default
