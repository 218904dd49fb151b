"""Sound: the mixer, the generated sounds in assets/sounds, and volumes by group.

Any failure (no device, no driver, no mixer module, a missing file) leaves an
`Audio` that accepts every call and plays nothing: a machine without sound
gets a silent game, not a crash. Which sound plays when is decided by the view
(`game.view.sound`); this module only plays them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pygame

from game.paths import SOUNDS_DIR
from game.settings import Settings

# which volume slider each sound answers to
GROUPS = {
    "klaxon": "alarm",
    "alert": "alarm",
    "hiss": "ambience",
    "lance": "effects",
    "door_servo": "effects",
    "bulkhead_servo": "effects",
    "seal_clunk": "effects",
    "pry": "effects",
    "click": "effects",
    "order": "effects",
}
LOOP_CHANNELS = 6  # reserved channels for loops; one-shots use the rest


class Audio:
    """Plays named sounds and named loops; silent when there is no sound device."""

    def __init__(self, settings: Settings | None = None, sounds_dir: Path = SOUNDS_DIR, enable: bool = True) -> None:
        self.settings = settings or Settings()
        self.ok = False
        self.reason = ""
        self.sounds: dict[str, pygame.mixer.Sound] = {}
        self._loops: dict[str, pygame.mixer.Channel] = {}
        self._loop_level: dict[str, float] = {}
        self._next_loop = 0
        if not enable:
            self.reason = "sound switched off"
            return
        try:
            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=22050, size=-16, channels=2, buffer=512)
            pygame.mixer.set_num_channels(24)
            pygame.mixer.set_reserved(LOOP_CHANNELS)
            self.ok = True
        except Exception as exc:  # no device, bad SDL_AUDIODRIVER, mixer not built
            self.reason = f"no sound device ({exc})"
            return
        for path in sorted(Path(sounds_dir).glob("*.wav")):
            try:
                self.sounds[path.stem] = pygame.mixer.Sound(str(path))
            except Exception:  # a damaged file costs one sound, not the game
                continue

    # --------------------------------------------------------------- volumes
    def group_volume(self, name: str) -> float:
        s = self.settings
        group = GROUPS.get(name, "effects")
        part = {"alarm": s.alarm_volume, "ambience": s.ambience_volume}.get(group, s.effects_volume)
        return max(0.0, min(1.0, s.master_volume * part))

    def apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        for name, level in list(self._loop_level.items()):
            self.set_loop_volume(name, level)

    # ----------------------------------------------------------------- play
    def play(self, name: str, volume: float = 1.0) -> None:
        """Play a one-shot sound (no-op when silent or unknown)."""
        if not self.ok:
            return
        snd = self.sounds.get(name)
        if snd is None:
            return
        try:
            ch = snd.play()
            if ch is not None:
                ch.set_volume(max(0.0, min(1.0, volume * self.group_volume(name))))
        except pygame.error:
            pass

    def _loop_channel(self, name: str) -> pygame.mixer.Channel | None:
        ch = self._loops.get(name)
        if ch is None and self._next_loop < LOOP_CHANNELS:
            ch = pygame.mixer.Channel(self._next_loop)
            self._next_loop += 1
            self._loops[name] = ch
        return ch

    def loop(self, name: str, volume: float = 1.0) -> None:
        """Keep a loop running at `volume` (0..1 of its group); 0 stops it."""
        self._loop_level[name] = volume
        if not self.ok or name not in self.sounds:
            return
        if volume <= 0.001:
            self.stop_loop(name)
            return
        try:
            ch = self._loop_channel(name)
            if ch is None:
                return
            if not ch.get_busy():
                ch.play(self.sounds[name], loops=-1, fade_ms=120)
            ch.set_volume(max(0.0, min(1.0, volume * self.group_volume(name))))
        except pygame.error:
            pass

    def set_loop_volume(self, name: str, volume: float) -> None:
        self.loop(name, volume) if volume > 0.001 else self.stop_loop(name)

    def stop_loop(self, name: str, fade_ms: int = 200) -> None:
        self._loop_level[name] = 0.0
        if not self.ok:
            return
        ch = self._loops.get(name)
        if ch is not None and ch.get_busy():
            try:
                ch.fadeout(fade_ms)
            except pygame.error:
                pass

    def loop_playing(self, name: str) -> bool:
        """True while a loop is wanted (even when silent): what the game asked for."""
        return self._loop_level.get(name, 0.0) > 0.001

    def stop_all(self) -> None:
        for name in list(self._loops):
            self.stop_loop(name, 100)
        if self.ok:
            try:
                pygame.mixer.stop()
            except pygame.error:
                pass

    def pause(self, paused: bool) -> None:
        if not self.ok:
            return
        try:
            pygame.mixer.pause() if paused else pygame.mixer.unpause()
        except pygame.error:
            pass


def sound_disabled_by_env() -> bool:
    """BREACH_PROTOCOL_MUTE=1 keeps the mixer closed (for recordings and CI)."""
    return os.environ.get("BREACH_PROTOCOL_MUTE", "") not in ("", "0")
