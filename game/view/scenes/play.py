"""The play scene: runs the world on a fixed timestep and draws it with the HUD.

Input moves the camera and the clock, selects crew, and gives orders; the
world changes only through `world.submit(Command)`. The sim runs in fixed
ticks (0.1 s) from an accumulator; people and debris are drawn interpolated
between the last two ticks, so motion is smooth at any frame rate and speed.

`PlayState` holds the game being played and what the player has chosen
(selection, clock, orders); three collaborators do the rest: `PlayInput`
(events into meaning), `PlayPanels` (the HUD over the world) and
`FramePlan` (what each frame has room for).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pygame

from game.levelio.load import load_level
from game.sim import commands as C
from game.sim.atmosphere import FEED_MAX_G_S
from game.sim.tiles import Tile
from game.sim.world import TICK_S, World, create_world, step
from game.view import hud, objective_panel, panels, ui
from game.view.agents import Activities, AgentNotes
from game.view.context_menu import ContextMenu
from game.view.countdowns import Countdowns
from game.view.debris_layer import debris_at
from game.view.layers import person_at, spread
from game.view.lesson_panel import LessonPanel
from game.view.messages import describe_all, describe_all_keyed
from game.view.orders import acknowledgement, menu_orders, target_at
from game.view.outcome import Watch, critical_events
from game.view.perf import FrameStats
from game.view.render import Marks, WorldRenderer
from game.view.scenes.base import EXITS, Context, State
from game.view.scenes.frame_plan import FramePlan
from game.view.scenes.pause import PauseState
from game.view.scenes.play_input import PlayInput
from game.view.scenes.play_panels import PlayPanels
from game.view.sound import SoundDirector

MAX_STEPS_PER_FRAME = 8  # past this the game slows down instead of spiralling
MAX_FRAME_DT_S = 0.25
PING_S = 0.6
BANNER_S = 5.0
ACK_S = 4.0  # an order's acknowledgement stays this long (real seconds, so it shows while paused too)
FEED_STEP_G_S = 5.0


EFFECT_TICKS = 4  # run_for catches the cosmetic effects up this often: about as often as frames at 4x


class PlayState(State):
    """A world being played, paused or fast-forwarded."""

    def __init__(self, ctx: Context, world: World, level_path: str = "", paused: bool = False) -> None:
        super().__init__(ctx)
        self.world = world
        self.level_path = level_path
        ui.set_scale(ctx.settings.ui_scale, ctx.size)
        self.lay = self.layout(ctx.size)
        self.renderer = WorldRenderer(world)
        self.renderer.palette = ctx.settings.palette
        self.lesson = LessonPanel.for_world(world)  # a lesson level's goals and hints (None otherwise)
        self.camera = self.renderer.new_camera(self.lay.viewport, self.map_focus())
        self.paused = paused
        self.speed = 1
        self.accumulator_s = 0.0
        self._pos_key: tuple | None = None
        self._pos = np.zeros((0, 2))
        self.prev_xy = self._positions()
        self.show_legend = False  # the map key (L); F1 lists the keys
        self.show_help = False
        self.perf = FrameStats()
        self.top_bar = hud.TopBar()
        self.selected: list[int] = []
        self.menu: ContextMenu | None = None
        self.targeting: str | None = None  # "feed": the next map click picks the O2 feed's room
        self.countdowns = Countdowns()
        self.notes = AgentNotes()
        self.watch = Watch(world)
        self.director = SoundDirector(ctx.sound, world)
        self.banner: tuple[str, float] | None = None
        self.pings: list[tuple[tuple[int, int], float]] = []
        self.acks: list[tuple[str, float]] = []  # (what was ordered, clock_s): every order is acknowledged on screen
        self.clock_s = 0.0  # real seconds since the scene started, for animations
        self._acts: Activities = Activities(world)
        self._acts_key: tuple | None = None
        self.plan = FramePlan()
        self._seen_events = 0
        self._auto_seen = len(world.events)
        self._draw_start = 0.0
        self._step_ms = 0.0
        self._steps = 0
        self.comms = panels.CommsLog()
        self.finished: str | None = None
        self.panels = PlayPanels(self)
        self.input = PlayInput(self)

    @classmethod
    def from_level_file(cls, ctx: Context, path: str | Path) -> "PlayState":
        """Load a level file (raises LevelError) and start it."""
        level = load_level(path)
        return cls(ctx, create_world(level, ctx.seed), str(path))

    def restart(self) -> "PlayState":
        """The same level from its start, with the same seed."""
        return PlayState(self.ctx, create_world(self.world.level, self.world.seed), self.level_path)

    # what the collaborators keep, read by tests and subclasses as the scene's own
    @property
    def box(self) -> pygame.Rect | None:
        return self.input.box

    @property
    def mouse(self) -> tuple[int, int]:
        return self.input.mouse

    @property
    def feed_buttons(self) -> dict:
        return self.panels.feed_buttons

    @property
    def _hits(self) -> list[tuple[pygame.Rect, int]]:
        return self.panels.hits

    def _autopilot_pill(self) -> pygame.Rect:
        return self.panels.autopilot_pill()

    # ---------------------------------------------------------------- layout
    def layout(self, size: tuple[int, int]) -> panels.Layout:
        """Where the panels and the map go; a scene with a docked panel of its own narrows the map's part."""
        return panels.layout(size)

    def tracker_rect(self) -> pygame.Rect | None:
        """Where the objective tracker stands (None for a level without objectives)."""
        n = len(self.world.level.objectives)
        return objective_panel.panel_rect(self.lay.map_free, n) if n and self.lesson is None else None

    def map_focus(self) -> pygame.Rect:
        """The part of the screen the map is fitted into: clear of every panel and the tracker."""
        tracker = self.lesson.rect(self.lay.map_free) if self.lesson is not None else self.tracker_rect()
        if tracker is None:
            return self.lay.map_free
        g = self.world.grid
        return objective_panel.map_focus(self.lay.map_free, tracker, g.width, g.height)

    def refit(self) -> None:
        """Fit the whole map into the room the panels leave (on start, resize or a new UI scale)."""
        self.camera.set_viewport(self.lay.viewport, self.map_focus())
        self.camera.fit()

    def enter(self) -> None:
        ui.set_scale(self.ctx.settings.ui_scale, self.ctx.size)
        lay = self.layout(self.ctx.size)  # the window or the UI scale may have changed while away
        if lay != self.lay:
            self.lay = lay
            self.refit()
            self.panels.relayout()
        self.renderer.palette = self.ctx.settings.palette
        self.input.rebuild_keymap()
        self.panels.build_buttons()
        self.comms.hint = self.panels.keys_hint()
        self._sync_log(force=True)
        if self.ctx.notice:
            self.banner = (self.ctx.notice, self.clock_s + BANNER_S * 2)
            self.ctx.notice = None

    def leave(self) -> None:
        self.close_menu()
        self.panels.kill_buttons()
        self.director.stop()

    def resize(self, size: tuple[int, int]) -> None:
        super().resize(size)
        ui.set_scale(self.ctx.settings.ui_scale, size)
        self.lay = self.layout(size)
        self.refit()
        self.panels.relayout()
        if self.feed_buttons:
            self.leave()
            self.enter()

    # ------------------------------------------------------------- selection
    def actors(self) -> tuple[int, ...]:
        """Selected people who can take an order (conscious or impaired)."""
        return tuple(i for i in self.selected if self.world.person_state(i) in ("conscious", "impaired"))

    def select(self, ids, add: bool = False) -> None:
        ids = [int(i) for i in ids]
        if add:
            for i in ids:
                if i in self.selected and len(ids) == 1:
                    self.selected.remove(i)  # shift-click on a selected person drops them
                elif i not in self.selected:
                    self.selected.append(i)
        else:
            self.selected = list(dict.fromkeys(ids))
        if self.selected and self.panels.shows("crew"):
            self.panels.crew_panel.ensure_visible(self.lay.crew, self.selected[0])

    def centre_on_selection(self) -> None:
        if not self.selected:
            return
        pos = self.interpolated_positions()[self.selected]
        self.camera.centre_on(float(pos[:, 0].mean()), float(pos[:, 1].mean()))

    def people_in_box(self, box: pygame.Rect) -> list[int]:
        pos = self.interpolated_positions()
        out = []
        for i in range(len(self.world.people)):
            sx, sy = self.camera.world_to_screen(float(pos[i, 0]), float(pos[i, 1]))
            if box.collidepoint(sx, sy):
                out.append(i)
        return out

    # ----------------------------------------------------------------- orders
    def open_menu(self, pos: tuple[int, int]) -> ContextMenu:
        """The right-click menu for what is under `pos`."""
        self.close_menu()
        wx, wy = self.camera.screen_to_world(*pos)
        cell = (int(np.floor(wx)), int(np.floor(wy)))
        positions = self.interpolated_positions()
        person = person_at(self.world, self.camera, pos, positions)
        piece, heavy = self.debris_under(wx, wy)
        target = target_at(self.world, cell, person, piece, heavy)
        orders, greyed = menu_orders(self.world, target, self.actors())
        self.menu = ContextMenu(self.ctx.manager, pos, self._describe_target(target), orders, self.ctx.size, cell,
                                greyed)
        return self.menu

    def debris_under(self, wx: float, wy: float) -> tuple[int | None, bool]:
        """The debris piece drawn at world point (wx, wy), and whether it is heavy."""
        piece = debris_at(self.world, wx, wy, self.renderer.debris)
        if piece is None:
            return None, False
        heavy = next((hv for pid, _k, _x, _y, _a, _l, _w, hv in self.renderer.debris.pieces(self.world) if pid == piece),
                     False)
        return piece, heavy

    def _describe_target(self, t) -> str:
        if t.person is not None:
            p = self.world.people[t.person]
            return f"{p.name} ({self.world.person_state(t.person)})"
        if t.door is not None:
            return f"{t.door.label} ({t.door.state})"
        if t.debris is not None:
            return "Fallen beam" if t.debris_heavy else "Debris"
        kind = Tile(t.tile).name.replace("_", " ").lower()
        return t.room or kind

    def choose(self, order) -> None:
        """Send an order's commands to the world."""
        for cmd in order.commands:
            self.world.submit(cmd)
        cell = self.menu.cell if self.menu is not None else None
        self.close_menu()
        if cell is not None:
            self.pings.append((cell, self.clock_s))
        self.acks = self.acks[-2:] + [(acknowledgement(self.world, order, self.paused), self.clock_s)]
        self.ctx.sound.play("order")

    def close_menu(self) -> None:
        if self.menu is not None:
            self.menu.kill()
            self.menu = None

    def feed_now(self) -> tuple[float, tuple[int, int] | None]:
        """The O2 feed as it will be once the orders already given apply (rate, target)."""
        a = self.world.atmos
        for cmd in reversed(self.world.pending):
            if isinstance(cmd, C.SetO2Feed):
                return float(cmd.rate_g_s), cmd.target
        return float(a.feed_rate_g_s), a.feed_target

    def set_feed(self, rate_g_s: float, target: tuple[int, int] | None | str = "keep") -> None:
        tgt = self.feed_now()[1] if target == "keep" else target
        rate = max(0.0, min(FEED_MAX_G_S, rate_g_s))
        self.world.submit(C.SetO2Feed(rate_g_s=rate, target=tgt))
        self.ctx.sound.play("click")

    def feed_to(self, cell: tuple[int, int]) -> None:
        """Send the O2 feed to the room at `cell` (the level's rate if it was stopped)."""
        rate, _ = self.feed_now()
        rate = rate if rate > 0 else (self.world.level.life_support.feed_rate_g_s or 10.0)
        self.set_feed(rate, cell)
        self.pings.append((cell, self.clock_s))
        self.targeting = None
        self.banner = None

    def autopilot_on(self) -> bool:
        """The crew autopilot as it will be once pending orders apply."""
        for cmd in reversed(self.world.pending):
            if isinstance(cmd, C.SetAutopilot):
                return bool(cmd.on)
        return self.world.crew.autopilot

    def toggle_autopilot(self) -> None:
        self.world.submit(C.SetAutopilot(on=not self.autopilot_on()))
        self.ctx.sound.play("click")

    def feed_button(self, key: str) -> None:
        rate, _ = self.feed_now()
        default = self.world.level.life_support.feed_rate_g_s or 10.0
        if key == "minus":
            self.set_feed(rate - FEED_STEP_G_S)
        elif key == "plus":
            self.set_feed(rate + FEED_STEP_G_S)
        elif key == "stop":
            self.set_feed(0.0)
        elif key == "auto":
            self.set_feed(rate if rate > 0 else default, None)
        elif key == "room":
            self.targeting = "feed"
            self.banner = ("Click a room to send the O2 feed there. Esc cancels.", self.clock_s + 60.0)

    # ----------------------------------------------------------------- input
    def handle_event(self, event: pygame.event.Event) -> State | None:
        return self.input.handle_event(event)

    def pause_menu(self) -> State:
        frame = pygame.Surface(self.ctx.size)
        was, self.paused = self.paused, True
        self.draw(frame)  # the frame as it stands (paused), comms log and all, to show behind the menu
        self.paused = was
        return PauseState(self.ctx, self, frame)

    # ------------------------------------------------------------ simulation
    def _positions(self) -> np.ndarray:
        """Everyone's position now (a copy); people move only in a tick, so it is read once per tick."""
        key = (id(self.world), self.world.tick, len(self.world.people))
        if key != self._pos_key:
            self._pos = np.array([(p.x, p.y) for p in self.world.people], dtype=np.float64).reshape(-1, 2)
            self._pos_key = key
        return self._pos.copy()

    def advance(self, dt: float) -> int:
        """Run the sim for `dt` real seconds at the current speed; returns ticks run."""
        if self.paused or self.finished:
            return 0
        self.accumulator_s += min(dt, MAX_FRAME_DT_S) * self.speed
        steps = 0
        t0 = time.perf_counter()
        while self.accumulator_s >= TICK_S and steps < MAX_STEPS_PER_FRAME:
            self.prev_xy = self._positions()
            self.renderer.snapshot()
            step(self.world)
            self.accumulator_s -= TICK_S
            steps += 1
            self.watch.update(self.world)
            self.countdowns.trends.sample(self.world)
            if self._auto_pause():
                break
        if self.accumulator_s >= TICK_S:  # could not keep up: drop the backlog
            self.accumulator_s %= TICK_S
        self._step_ms += (time.perf_counter() - t0) * 1000.0
        self._steps += steps
        return steps

    def run_for(self, seconds: float) -> None:
        """Step the sim `seconds` at once, feeding trends and particles as play would (screenshots, tests)."""
        end = self.world.tick + round(seconds / TICK_S)
        was, self.paused = self.paused, False
        done = 0  # ticks stepped since the effects last caught up
        while self.world.tick < end:
            self.accumulator_s = TICK_S
            done += self.advance(TICK_S / self.speed)
            if done >= EFFECT_TICKS or self.world.tick >= end:  # sparks and flow particles, as a frame would
                self.renderer.advance_effects(done * TICK_S, Marks(activities=self.activities().working()))
                done = 0
            if self.paused:  # auto-paused on the way: the caller decides
                self.paused = False
        self.accumulator_s = 0.0
        self.paused = was

    def _auto_pause(self) -> bool:
        """Pause on a critical event when the player asked for that; True if it paused."""
        new = self.world.events[self._auto_seen:]
        self._auto_seen = len(self.world.events)
        if not self.ctx.settings.auto_pause:
            return False
        crit = [e for e in critical_events(new) if e.tick > 0]  # what the scenario opens with is its premise
        if not crit:
            return False
        lines = describe_all(crit, self.world)
        text = lines[-1][1] if lines else "Critical event"
        if len(lines) > 1:
            text += f" (and {len(lines) - 1} more)"
        self.paused = True
        self.accumulator_s = 0.0
        self.banner = (f"AUTO-PAUSED: {text}. Space resumes.", self.clock_s + 3600.0)
        return True

    @property
    def alpha(self) -> float:
        """How far we are between the last tick and the next, for drawing."""
        return min(1.0, self.accumulator_s / TICK_S)  # kept while paused, so nobody jumps back

    def interpolated_positions(self) -> np.ndarray:
        cur = self._positions()
        if self.prev_xy.shape != cur.shape:
            return spread(cur)
        jump = np.hypot(*(cur - self.prev_xy).T) > 2.0  # teleports are not walked
        a = self.alpha
        out = self.prev_xy + (cur - self.prev_xy) * a
        out[jump] = cur[jump]
        return spread(out)

    def activities(self) -> Activities:
        """Everyone's current doing, worked out once per tick."""
        key = (self.world.tick, len(self.world.command_log), len(self.world.events))
        if key != self._acts_key:
            self.notes.sync(self.world)
            self._acts = Activities(self.world, self.notes)
            self._acts_key = key
        return self._acts

    def _frame_activities(self) -> Activities:
        """`activities()` for drawing this frame: last tick's on a frame that ran a tick."""
        if self.plan.ticked and self._acts_key is not None:
            return self._acts
        return self.activities()

    def update(self, dt: float) -> State | None:
        self.clock_s += dt
        self.input.pan_keys(dt)
        ticks = self.advance(dt)
        plan = self.plan
        plan.next(ticks, lambda: self.renderer.map.stale(self.world))
        self.renderer.defer = plan.ticked
        self.renderer.defer_map = plan.defer_map(self.speed)
        if plan.room(self.speed):
            self.countdowns.update(self.world)
        working = self._frame_activities().working()
        plan.effects_owed_s += ticks * TICK_S  # particles catch up a frame later, as the rest does
        if not plan.ticked:
            self.renderer.advance_effects(plan.effects_owed_s, Marks(activities=working))
            plan.effects_owed_s = 0.0
            self._sync_log()
        self.director.update(self.world, dt, self.paused, any(a.cutting for a in working.values()),
                             any(a.prying for a in working.values()))
        self.pings = [(c, t) for c, t in self.pings if self.clock_s - t < PING_S]
        self.acks = [(a, t) for a, t in self.acks if self.clock_s - t < ACK_S]
        if self.banner is not None and self.clock_s > self.banner[1]:
            self.banner = None
        if not self.finished:
            reason = self.watch.finished(self.world, self.countdowns.trends)
            if reason is None and self.lesson is not None and self.lesson.update(self):
                reason = "lesson"
            if reason is not None:
                return self.end(reason)
        return None

    def end(self, reason: str) -> State:
        """Stop the exercise and go to its debrief."""
        self.finished = reason
        self.watch.update(self.world)
        return EXITS.debrief(self.ctx, self.world, self.level_path, self.watch.debrief(self.world, reason))

    def _sync_log(self, force: bool = False) -> None:
        events = self.world.events
        if self._seen_events >= len(events) and not force:
            return
        self.comms.add(describe_all_keyed(events[self._seen_events:], self.world))
        self._seen_events = len(events)

    # ------------------------------------------------------------------ draw
    def marks(self, positions: np.ndarray) -> Marks:
        acts = self._frame_activities()
        shown = {**acts.working(), **{i: acts[i] for i in self.selected if i in acts}}
        pings = [(c, (self.clock_s - t) / PING_S) for c, t in self.pings]
        preview = self.menu.hovered(self.input.mouse) if self.menu is not None else None
        return Marks(tuple(self.selected), shown, self.countdowns.endangered(self.world.time_s), pings,
                     preview.routes if preview is not None else ())

    def draw(self, surface: pygame.Surface) -> None:
        t0 = time.perf_counter()
        frame_ms = (t0 - self._draw_start) * 1000.0 if self._draw_start else 0.0
        self._draw_start = t0
        world = self.world
        positions = self.interpolated_positions()
        phase = world.time_s + self.alpha * TICK_S
        hover = None
        mouse = self.input.mouse
        if self.camera.viewport.collidepoint(mouse) and not self.input.over_panels(mouse):
            hover = person_at(world, self.camera, mouse, positions)
        self.renderer.draw(surface, self.camera, positions, phase, hover, self.alpha, self.marks(positions))
        self.panels.draw(surface, hover, positions)
        if self.lesson is not None:
            self.lesson.draw(surface, self.lesson.rect(self.lay.map_free), self.clock_s)
        self.ctx.manager.draw_ui(surface)
        draw_ms = (time.perf_counter() - t0) * 1000.0
        if frame_ms:
            self.perf.add(frame_ms, self._step_ms, draw_ms, self._steps)
        self._step_ms = 0.0
        self._steps = 0
        self.renderer.defer = self.renderer.defer_map = False  # a second draw of the same frame is a fresh one
