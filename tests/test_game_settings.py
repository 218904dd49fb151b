"""Settings that persist, sound that degrades to silence, and the sounds the generator makes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import platformdirs  # noqa: E402
import pygame  # noqa: E402
import pygame_gui  # noqa: E402
import pytest  # noqa: E402

from game import settings as S  # noqa: E402
from game.app import _headless, make_context  # noqa: E402
from game.audio import Audio  # noqa: E402
from game.levelio.load import load_level  # noqa: E402
from game.sim.commands import OpenDoor  # noqa: E402
from game.sim.world import create_world, run_until  # noqa: E402
from game.view.scenes.menu import MenuState  # noqa: E402
from game.view.scenes.settings_menu import SettingsState  # noqa: E402
from game.view.sound import SoundDirector  # noqa: E402

sys.path.insert(0, str(ROOT / "tools"))
import make_sounds  # noqa: E402  (a tool script, not a package)

sys.path.remove(str(ROOT / "tools"))

SIZE = (1280, 720)


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(S.CONFIG_ENV, str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def display():
    _headless()
    yield


# ------------------------------------------------------------------ settings

def test_settings_round_trip_through_the_config_dir(config_dir):
    assert S.settings_path() == config_dir / "settings.json"
    assert S.load().settings == S.Settings()  # nothing saved yet: the defaults, no message
    mine = S.Settings(master_volume=0.3, fullscreen=True, ui_scale=1.3, auto_pause=False, palette="cividis")
    mine = mine.with_key("pause", "k")
    S.save(mine)
    loaded = S.load()
    assert loaded.message is None
    assert loaded.settings == mine
    assert loaded.settings.key_for("pause") == "k"
    assert sorted(p.name for p in config_dir.iterdir()) == ["settings.json"]  # no temporary file left behind
    assert json.loads((config_dir / "settings.json").read_text())["format_version"] == S.FORMAT_VERSION


def test_platformdirs_decides_where_settings_live_without_the_override(monkeypatch, tmp_path):
    monkeypatch.delenv(S.CONFIG_ENV, raising=False)
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda app, appauthor=False: str(tmp_path / app))
    assert S.settings_path() == tmp_path / "breach-protocol" / "settings.json"
    S.save(S.Settings(effects_volume=0.5))
    assert S.load().settings.effects_volume == 0.5


def test_a_corrupt_settings_file_gives_defaults_and_a_message(config_dir):
    path = config_dir / "settings.json"
    path.write_text('{"master_volume": 0.5, "keys": {"pause": ')  # cut off mid-write
    loaded = S.load()
    assert loaded.settings == S.Settings()
    assert loaded.message and str(path) in loaded.message and "default" in loaded.message
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert S.load().settings == S.Settings()


def test_a_wrong_field_falls_back_alone(config_dir):
    (config_dir / "settings.json").write_text(json.dumps(
        {"master_volume": "loud", "effects_volume": 0.25, "palette": "rainbow", "ui_scale": 1.14,
         "keys": {"pause": "j", "no_such_action": "x"}}))  # j is free ("p" is the pressure overlay's)
    loaded = S.load()
    s = loaded.settings
    assert s.master_volume == S.Settings().master_volume and s.palette == "viridis"
    assert s.effects_volume == 0.25 and s.ui_scale == 1.15 and s.key_for("pause") == "j"
    assert "master_volume" in loaded.message and "palette" in loaded.message


@pytest.mark.parametrize("body, field", [
    ('{"master_volume": 1' + "0" * 400 + "}", "master_volume"),  # OverflowError in float() before
    ('{"ui_scale": 1' + "0" * 5000 + "}", "ui_scale"),  # past Python's 4300-digit int limit
    ('{"master_volume": NaN}', "master_volume"),  # muted the game silently before
    ('{"alarm_volume": Infinity}', "alarm_volume"),
    ('{"ui_scale": -1e999}', "ui_scale"),
])
def test_a_number_that_is_not_finite_is_a_damaged_field(config_dir, body, field):
    (config_dir / "settings.json").write_text(body.replace("}", ', "effects_volume": 0.25}'))
    loaded = S.load()
    assert getattr(loaded.settings, field) == getattr(S.Settings(), field)
    assert loaded.settings.effects_volume == 0.25  # the rest of the file still counts
    assert str(config_dir / "settings.json") in loaded.message and field in loaded.message


def test_json_nested_too_deep_gives_defaults_and_a_notice(config_dir):
    (config_dir / "settings.json").write_text("[" * 100_000 + "]" * 100_000)  # RecursionError before
    loaded = S.load()
    assert loaded.settings == S.Settings()
    assert str(config_dir / "settings.json") in loaded.message and "damaged" in loaded.message


def test_an_unknown_key_name_goes_back_to_the_default_binding(config_dir):
    (config_dir / "settings.json").write_text(json.dumps({"keys": {"pause": "notakey", "help": "f99", "centre": "g"}}))
    loaded = S.load()
    assert loaded.settings.key_for("pause") == "space" and loaded.settings.key_for("help") == "f1"
    assert loaded.settings.key_for("centre") == "g"
    assert "keys.pause" in loaded.message and "notakey" in loaded.message and "keys.help" in loaded.message


def test_every_action_on_one_key_leaves_each_action_a_key_of_its_own(config_dir):
    (config_dir / "settings.json").write_text(json.dumps({"keys": {a: "a" for a in S.ACTIONS}}))
    loaded = S.load()
    keys = [loaded.settings.key_for(a) for a in S.ACTIONS]
    assert len(set(keys)) == len(S.ACTIONS)  # no action left without a key
    assert loaded.settings.key_for("pan_left") == "a"  # "a" is its default: it keeps it
    assert loaded.settings.key_for("pause") == "space"
    assert "keys.pause" in loaded.message and "pan_left" in loaded.message
    # a swap in the file (pause on c, centre on space) is no conflict and stands
    (config_dir / "settings.json").write_text(json.dumps({"keys": {"pause": "c", "centre": "space"}}))
    loaded = S.load()
    assert loaded.message is None and loaded.settings.key_for("pause") == "c"


def test_rebinding_a_taken_key_swaps_the_two_actions():
    s = S.Settings().with_key("pause", "p")  # p was the pressure overlay
    assert s.key_for("pause") == "p"
    assert s.key_for("overlay_pressure") == "space"


def test_the_app_shows_a_damaged_settings_file_on_the_menu(config_dir, display):
    (config_dir / "settings.json").write_text("not json at all")
    ctx = make_context(SIZE, audio=False)
    assert ctx.notice and "damaged" in ctx.notice
    assert ctx.settings == S.Settings()
    menu = MenuState(ctx)
    menu.enter()
    menu.draw(pygame.Surface(SIZE))  # drawn with the notice, no crash
    menu.leave()
    assert ctx.notice is None  # said once


def test_the_settings_screen_saves_each_change(config_dir, display):
    ctx = make_context(SIZE, audio=False)
    screen = SettingsState(ctx)
    screen.enter()
    slider = screen.sliders["alarm_volume"]
    slider.set_current_value(20)
    screen.handle_event(pygame.event.Event(pygame_gui.UI_HORIZONTAL_SLIDER_MOVED, ui_element=slider, value=20))
    screen.handle_event(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=screen.key_buttons["centre"]))
    assert screen.listening == "centre"
    screen.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_g, mod=0, unicode="g", scancode=0))
    screen.handle_event(pygame.event.Event(pygame_gui.UI_DROP_DOWN_MENU_CHANGED, ui_element=screen.dropdowns["palette"],
                                           text="cividis"))
    screen.draw(pygame.Surface(SIZE))
    saved = S.load().settings
    assert saved.alarm_volume == pytest.approx(0.2)
    assert saved.key_for("centre") == "g"
    assert saved.palette == "cividis"
    screen.leave()


# --------------------------------------------------------------------- sound

def test_no_sound_device_means_a_silent_game_not_a_crash(tmp_path):
    """With SDL pointed at an audio driver that does not exist, the game still plays a minute."""
    code = r"""
import os, sys
sys.path.insert(0, sys.argv[1])
from game.audio import Audio
a = Audio()
print("ok" if a.ok else "silent", "|", a.reason)
a.play("klaxon"); a.loop("hiss", 0.7); a.set_loop_volume("hiss", 0.2); a.stop_loop("hiss"); a.pause(True); a.stop_all()
from game.app import headless_play
from game.levelio.load import load_level
from game.sim.world import create_world
import pygame
state = headless_play(create_world(load_level(os.path.join(sys.argv[1], "levels", "module4.toml"))), paused=False, audio=True)
surf = pygame.Surface((1280, 720))
for _ in range(60):
    state.update(0.1)
    state.draw(surf)
print("played", state.world.time_s, state.ctx.sound.ok, state.director.levels.get("hiss", 0) > 0)
"""
    env = dict(os.environ, SDL_AUDIODRIVER="no_such_audio_driver", SDL_VIDEODRIVER="dummy")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.strip().splitlines()[-2:]
    assert first.startswith("silent") and "no sound device" in first
    assert second.startswith("played 6.0 False True")  # the game ran on; it only asked for sound


class Recorder:
    """An Audio stand-in that writes down what it is asked to play."""

    ok = True

    def __init__(self):
        self.played: list[str] = []
        self.loops: dict[str, float] = {}

    def play(self, name, volume=1.0):
        self.played.append(name)

    def loop(self, name, volume=1.0):
        self.loops[name] = volume

    def stop_loop(self, name, fade_ms=200):
        self.loops[name] = 0.0


def test_sound_follows_the_world():
    world = create_world(load_level(ROOT / "levels" / "module4.toml"))
    audio = Recorder()
    director = SoundDirector(audio, world)
    run_until(world, 1.0)
    director.update(world, 1 / 60, paused=False)
    early = audio.loops["hiss"]
    assert audio.loops["klaxon"] > 0 and early > 0.5  # the breach: alarm, and a loud leak
    run_until(world, 600.0)
    director.update(world, 10.0, paused=False)
    assert 0 < audio.loops["hiss"] < early  # the leak weakens as the module empties
    assert audio.loops["klaxon"] == 0  # the alarm does not sound for ever
    stores = next(d for d in world.doors if d.name == "Stores door")
    world.submit(OpenDoor(door_id=stores.id))
    run_until(world, world.time_s + 0.2)
    director.update(world, 1 / 60, paused=False)
    assert "door_servo" in audio.played
    director.update(world, 1 / 60, paused=True)
    assert audio.loops["hiss"] == 0  # paused: the loops fall quiet
    director.update(world, 1 / 60, paused=False, cutting=True, prying=True)
    assert audio.loops["lance"] > 0 and audio.played[-1] == "pry"


# -------------------------------------------------------------- the generator

def test_the_sound_generator_writes_every_sound_at_its_length(tmp_path):
    paths = make_sounds.write_all(tmp_path)
    assert {p.stem for p in paths} >= {"klaxon", "hiss", "lance", "door_servo", "bulkhead_servo"}
    for p in paths:
        with wave.open(str(p)) as w:
            assert w.getnchannels() == 1 and w.getsampwidth() == 2 and w.getframerate() == make_sounds.RATE
            seconds = w.getnframes() / w.getframerate()
        assert seconds == pytest.approx(make_sounds.SOUNDS[p.stem].duration_s, abs=1 / make_sounds.RATE)
        # the committed file is what the generator makes (same seed, same bytes)
        shipped = ROOT / "assets" / "sounds" / p.name
        assert shipped.read_bytes() == p.read_bytes(), f"{shipped} is stale: run tools/make_sounds.py"


def test_the_game_loads_the_shipped_sounds(display):
    a = Audio()  # the dummy driver (conftest): a mixer with no speakers, on any machine
    assert a.ok, a.reason
    assert {"klaxon", "hiss", "lance", "door_servo", "bulkhead_servo", "seal_clunk"} <= set(a.sounds)
    assert a.sounds["klaxon"].get_length() == pytest.approx(1.2, abs=0.01)
