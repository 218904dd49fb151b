"""The replay viewer: a recorded run played back in the play scene's view, with
pause, speed, a timeline to seek on, a list of moments to jump to, and
"take over" to play on live from any moment (a what-if for the debrief).

The world here only ever moves by the replay's own commands: anything the
view tries to order is dropped, with a hint to take over instead. Seeking
back re-simulates from the start (or from a kept copy), in slices per frame
so the window stays responsive.
"""

from __future__ import annotations

import time
from pathlib import Path

import pygame
import pygame_gui

from game.sim.words import mission_clock
from game.sim.world import TICK_S
from game.training.moments import Moment, moments
from game.training.replay import Playback, Recorder, Replay
from game.training.session import Session
from game.view.messages import describe
from game.view.scenes.base import Context, State
from game.view.scenes.instructor import RecordedPlay
from game.view.scenes.play import PlayState

SPEEDS = (1, 2, 4, 8, 16, 32)
SEEK_BUDGET_S = 0.03  # real seconds of re-simulation per frame while seeking
SCOUT_BUDGET_S = 0.008  # real seconds per frame spent finding the run's key moments ahead
MAX_STEPS_PER_FRAME = 400
WINDOW_SIZE = (440, 360)
WHO_TAG = {"sim": "", "trainee": "Order: ", "instructor": "", "autopilot": "Autopilot: "}  # injects say so themselves


class ReplayState(PlayState):
    """A replay in the window. Keys: Space pause, [ ] speed, Left/Right seek 10 s
    (Shift: 60 s), Home/End, T take over."""

    def __init__(
        self,
        ctx: Context,
        playback: Playback,
        replay_file: str = "",
        seek_to: int | None = None,
        camera=None,
        speed_index: int = 0,
        scout: Scout | None = None,
    ) -> None:
        super().__init__(ctx, playback.world, playback.replay.level_path, paused=True)
        self.playback = playback
        self.replay: Replay = playback.replay
        self.replay_file = replay_file
        if camera is not None:
            self.camera = camera
        self.speed_index = speed_index
        self.speed = SPEEDS[speed_index]
        self.seek_target: int | None = seek_to
        self.scout = scout or Scout(self.replay)
        self.window: pygame_gui.elements.UIWindow | None = None
        self._ui: dict[str, pygame_gui.core.UIElement] = {}
        self._listed = -1
        self._slider_tick = -1
        self.hint: tuple[str, float] | None = None

    # ---------------------------------------------------------------- UI
    def enter(self) -> None:
        super().enter()
        m = self.ctx.manager
        w, h = WINDOW_SIZE
        rect = pygame.Rect(self.ctx.size[0] - w - 16, 70, w, h)
        self.window = pygame_gui.elements.UIWindow(
            rect, m, window_display_title=f"Replay: {self.replay.level_name}", resizable=False
        )
        c = self.window
        inner_w = w - 32
        ui = self._ui
        ui["time"] = pygame_gui.elements.UILabel(pygame.Rect(8, 4, inner_w, 22), "", m, container=c)
        ui["slider"] = pygame_gui.elements.UIHorizontalSlider(
            pygame.Rect(8, 28, inner_w, 24), 0, (0, max(1, self.replay.end_tick)), m, container=c
        )
        labels = (("back", "-10 s"), ("play", "Play"), ("fwd", "+10 s"), ("slower", "Slower"), ("faster", "Faster"))
        bw = (inner_w - 4 * 4) // len(labels)
        for k, (key, text) in enumerate(labels):
            ui[key] = pygame_gui.elements.UIButton(pygame.Rect(8 + k * (bw + 4), 58, bw, 28), text, m, container=c)
        ui["take"] = pygame_gui.elements.UIButton(
            pygame.Rect(8, 90, inner_w, 28), "Take over from here (T)", m, container=c
        )
        ui["take"].set_tooltip("Play on live from this moment (a what-if); recorded to its own replay file")
        ui["list_label"] = pygame_gui.elements.UILabel(
            pygame.Rect(8, 124, inner_w, 20), "Jump to a moment:", m, container=c
        )
        ui["moments"] = pygame_gui.elements.UISelectionList(
            pygame.Rect(8, 146, inner_w, h - 146 - 44), [], m, container=c
        )
        self._moments: list[Moment] = []
        self._listed = -1
        self._refresh_ui()

    def leave(self) -> None:
        if self.window is not None:
            self.window.kill()
            self.window = None
        self._ui = {}
        super().leave()

    def resize(self, size: tuple[int, int]) -> None:
        super().resize(size)
        if self.window is not None:
            self.window.set_position((size[0] - WINDOW_SIZE[0] - 16, 70))

    def _refresh_ui(self) -> None:
        ui = self._ui
        if not ui:
            return
        b = self.world.breach_time_s
        now = mission_clock(self.world.time_s, b)
        end = mission_clock(self.replay.end_time_s, b)
        state = "seeking..." if self.seek_target is not None else ("paused" if self.paused else f"x{self.speed}")
        if self.finished:
            state += ", run over"
        ui["time"].set_text(f"{now} / {end}   tick {self.world.tick}/{self.replay.end_tick}   {state}")
        if self._slider_tick != self.world.tick and self.seek_target is None:
            ui["slider"].set_current_value(self.world.tick)
            self._slider_tick = self.world.tick
        ui["play"].set_text("Pause" if not self.paused else "Play")
        found = self.scout.moments(self.playback.replay)
        if len(found) != self._listed:
            self._listed = len(found)
            self._moments = found
            items = [f"{mission_clock(m.time_s, self.scout.breach_s)}  {WHO_TAG.get(m.who, m.who)}{m.text}" for m in found]
            ui["moments"].set_item_list(items)

    # ------------------------------------------------------------- input
    def handle_event(self, event: pygame.event.Event) -> State | None:
        ui = self._ui
        if event.type == pygame_gui.UI_BUTTON_PRESSED and ui:
            el = event.ui_element
            if el is ui.get("play"):
                self.toggle_pause()
            elif el is ui.get("back"):
                return self.seek(self.world.tick - 100)
            elif el is ui.get("fwd"):
                return self.seek(self.world.tick + 100)
            elif el is ui.get("slower"):
                self.set_speed(self.speed_index - 1)
            elif el is ui.get("faster"):
                self.set_speed(self.speed_index + 1)
            elif el is ui.get("take"):
                return self.take_over()
            return None
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED and ui and event.ui_element is ui.get("slider"):
            return self.seek(int(event.value))
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and ui and event.ui_element is ui.get("moments"):
            items = [i for i in ui["moments"].item_list]
            idx = next((k for k, it in enumerate(items) if it.get("selected")), None)
            if idx is not None and idx < len(self._moments):
                return self.jump_to(self._moments[idx])
            return None
        if event.type == pygame.KEYDOWN:
            shift = bool(event.mod & pygame.KMOD_SHIFT)
            step_ticks = 600 if shift else 100
            if event.key == pygame.K_SPACE:
                self.toggle_pause()
                return None
            if event.key == pygame.K_LEFT:
                return self.seek(self.world.tick - step_ticks)
            if event.key == pygame.K_RIGHT:
                return self.seek(self.world.tick + step_ticks)
            if event.key == pygame.K_HOME:
                return self.seek(0)
            if event.key == pygame.K_END:
                return self.seek(self.replay.end_tick)
            if event.key == pygame.K_RIGHTBRACKET:
                self.set_speed(self.speed_index + 1)
                return None
            if event.key == pygame.K_LEFTBRACKET:
                self.set_speed(self.speed_index - 1)
                return None
            if event.key == pygame.K_t:
                return self.take_over()
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 3:
            self._say("This is a replay: press T (Take over) to give orders from here")
            return None
        nxt = super().handle_event(event)
        self._drop_orders()
        return nxt

    def _drop_orders(self) -> None:
        """Nothing may change a replayed world but the replay itself."""
        if self.world.pending:
            self.world.pending.clear()
            self._say("This is a replay: press T (Take over) to give orders from here")

    def _say(self, text: str) -> None:
        self.banner = (text, self.clock_s + 4.0)

    def toggle_pause(self) -> None:
        if self.playback.at_end and self.paused:
            return
        self.paused = not self.paused

    def set_speed(self, index: int) -> None:
        self.speed_index = max(0, min(len(SPEEDS) - 1, index))
        self.speed = SPEEDS[self.speed_index]

    # -------------------------------------------------------- playing back
    def seek(self, tick: int) -> State | None:
        """Go to `tick`: forward in this scene; backward through a fresh scene on the restarted world."""
        tick = max(0, min(int(tick), self.replay.end_tick))
        if tick >= self.world.tick and self.playback.world is self.world:
            self.seek_target = tick
            self.finished = None
            return None
        self.playback.seek_base(tick)
        return ReplayState(
            self.ctx,
            self.playback,
            self.replay_file,
            seek_to=tick,
            camera=self.camera,
            speed_index=self.speed_index,
            scout=self.scout,
        )

    def jump_to(self, m: Moment) -> State | None:
        """A few seconds before the moment, paused, so it can be watched happen."""
        self.paused = True
        return self.seek(max(0, m.tick - 30))

    def advance(self, dt: float) -> int:
        if self.seek_target is not None:
            return self._seek_slice()
        if self.paused:
            return 0
        self.accumulator_s += min(dt, 0.25) * self.speed
        steps = 0
        while self.accumulator_s >= TICK_S and steps < MAX_STEPS_PER_FRAME:
            if not self._tick():
                self.paused = True
                self.accumulator_s = 0.0
                self._say("End of the replay. Left/Home to look again, T to take over from here.")
                break
            self.accumulator_s -= TICK_S
            steps += 1
        if self.accumulator_s >= TICK_S:
            self.accumulator_s %= TICK_S
        return steps

    def _tick(self) -> bool:
        self.prev_xy = self._positions()
        self.renderer.snapshot()
        if not self.playback.step():
            return False
        self.watch.update(self.world)
        self.countdowns.trends.sample(self.world)
        return True

    def _seek_slice(self) -> int:
        t0 = time.perf_counter()
        steps = 0
        target = self.seek_target or 0
        while self.world.tick < target and time.perf_counter() - t0 < SEEK_BUDGET_S:
            if not self._tick():
                break
            steps += 1
        if self.world.tick >= target or self.playback.at_end:
            self.seek_target = None
            self.prev_xy = self._positions()
            self.accumulator_s = 0.0
        return steps

    def update(self, dt: float) -> State | None:
        self.scout.work(SCOUT_BUDGET_S)
        nxt = super().update(dt)
        self._drop_orders()
        self._refresh_ui()
        return nxt

    def end(self, reason: str) -> State | None:
        """The run's end in a replay is a banner, not the debrief: the viewer stays."""
        self.finished = reason
        self._say(f"The run ended here ({reason}). Keep watching, seek, or take over.")
        return None

    # ------------------------------------------------------------ take over
    def take_over(self) -> State:
        """Live play from this moment, recorded as a branch of this replay."""
        tick = self.world.tick
        world = self.playback.branch()
        src = Path(self.replay_file) if self.replay_file else Path("replay.json")
        out = src.with_name(f"{src.stem}-takeover-{int(tick * TICK_S) // 60:02d}m{int(tick * TICK_S) % 60:02d}s.json")
        rec = Recorder(
            world,
            self.replay.level_path,
            "take-over",
            hashes=[h for h in self.replay.hashes if h[0] <= tick],
            branch_of={"file": str(src), "tick": tick},
        )
        session = Session(world, self.replay.level_path, recorder=rec)
        self.ctx.notice = (
            f"You have taken over at {mission_clock(world.time_s, world.breach_time_s)}. This branch is recorded to {out.name}."
        )
        return RecordedPlay(self.ctx, world, self.replay.level_path, session, str(out), paused=True)

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        if self.seek_target is not None:
            font = pygame.font.Font(None, 28)
            b = self.world.breach_time_s
            text = font.render(f"Seeking to {mission_clock(self.seek_target * TICK_S, b)}...", True, (255, 209, 102))
            surface.blit(text, text.get_rect(center=(surface.get_width() // 2, 90)))


class Scout:
    """Runs a copy of the replay ahead, a slice per frame, to list its key moments."""

    def __init__(self, replay: Replay) -> None:
        self.playback = Playback(replay, snapshot_every_ticks=10**9)
        self.done = False
        self._cache: list[Moment] | None = None
        self._seen = (-1, -1)

    @property
    def breach_s(self) -> float | None:
        return self.playback.world.breach_time_s

    def work(self, budget_s: float) -> None:
        t0 = time.perf_counter()
        while not self.done and time.perf_counter() - t0 < budget_s:
            for _ in range(10):
                if not self.playback.step():
                    self.done = True
                    break

    def moments(self, replay: Replay) -> list[Moment]:
        """Decisions (all known from the file) and key events found so far."""
        w = self.playback.world
        key = (len(w.events), self.done)
        if self._cache is None or key != self._seen:
            self._seen = key
            found = moments(w, describe, replay.commands)
            self._cache = [m for m in found if m.who != "sim" or m.key]
        return self._cache
