"""The play scene: runs the world on a fixed timestep and draws it with the HUD.

Input moves the camera and the clock, selects crew, and gives orders; the
world changes only through `world.submit(Command)`. The sim runs in fixed
ticks (0.1 s) from an accumulator; people and debris are drawn interpolated
between the last two ticks, so motion is smooth at any frame rate and speed.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pygame
import pygame_gui
from pygame_gui.core import ObjectID

from game.settings import ACTIONS
from game.sim import commands as C
from game.sim.roles import ROLES
from game.sim.world import TICK_S, World, create_world, step
from game.view import hud, panels
from game.view import palette as P
from game.view import ui
from game.view.agents import Activity, AgentNotes, activity
from game.view.context_menu import ContextMenu
from game.view.countdowns import Countdowns
from game.view.debris_layer import debris_at
from game.view.layers import person_at
from game.view.messages import describe_all, describe_all_keyed
from game.view.orders import available_orders, target_at
from game.view.outcome import Watch, critical_events
from game.view import overlays
from game.view.perf import FrameStats
from game.view.render import Marks, WorldRenderer
from game.view.scenes.base import Context, State
from game.view.sound import SoundDirector
from game.view.ui import px

SPEED_OF = {"speed_1": 1, "speed_2": 2, "speed_3": 4}
MAX_STEPS_PER_FRAME = 8  # past this the game slows down instead of spiralling
MAX_FRAME_DT_S = 0.25
PAN_SPEED_PX_S = 900.0
DRAG_PX = 5  # a press that moves less than this is a click, not a box
DOUBLE_CLICK_S = 0.35
PING_S = 0.6
BANNER_S = 5.0
PANEL_REFRESH_S = 0.1  # the HUD's numbers are redrawn at most ten times a second
FEED_STEP_G_S = 5.0
FRAME_TICK, FRAME_CATCH_UP, FRAME_MAP, FRAME_LIGHT = "tick", "catch-up", "map", "light"  # see PlayState._plan_frame
MOUSE_HELP = (
    ("Left click / drag", "select crew (Shift adds)"),
    ("Right click", "orders for what is under the cursor"),
    ("Wheel", "zoom; over the crew list, scroll"),
    ("Middle drag, arrows", "pan"),
    ("Double-click a card/row", "centre on that person"),
)


def key_code(name: str) -> int | None:
    try:
        return pygame.key.key_code(name)
    except (ValueError, pygame.error):
        return None


class PlayState(State):
    """A world being played, paused or fast-forwarded."""

    def __init__(self, ctx: Context, world: World, level_path: str = "", paused: bool = False) -> None:
        super().__init__(ctx)
        self.world = world
        self.level_path = level_path
        ui.set_scale(ctx.settings.ui_scale)
        self.lay = panels.layout(ctx.size)
        self.renderer = WorldRenderer(world)
        self.renderer.palette = ctx.settings.palette
        self.camera = self.renderer.new_camera(self.lay.viewport, self.lay.map_free)
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
        self.mouse = (-1, -1)
        self.panning = False
        self.press_at: tuple[int, int] | None = None  # left button down on the map
        self.box: pygame.Rect | None = None
        self.menu: ContextMenu | None = None
        self.targeting: str | None = None  # "feed": the next map click picks the O2 feed's room
        self.countdowns = Countdowns()
        self.notes = AgentNotes()
        self.watch = Watch(world)
        self.director = SoundDirector(ctx.sound, world)
        self.crew_panel = panels.CrewPanel()
        self.banner: tuple[str, float] | None = None
        self.pings: list[tuple[tuple[int, int], float]] = []
        self.clock_s = 0.0  # real seconds since the scene started, for animations
        self._last_click: tuple[str, int, float] = ("", -1, -1.0)
        self._hits: list[tuple[pygame.Rect, int]] = []
        self._panel_cache: dict[str, tuple] = {}
        self._panel_hits: dict[str, list[tuple[pygame.Rect, int]]] = {}
        self._acts: dict[int, Activity] = {}
        self._acts_key: tuple | None = None
        # What each frame does besides drawing (see `_plan_frame`): the work the view derives
        # from a new tick is spread over the frames between ticks, so no frame does it all.
        self._frame = FRAME_LIGHT
        self._panel_built = False  # a panel was redrawn this frame (one non-urgent redraw a frame)
        self._effects_owed_s = 0.0  # simulated time the particles have still to move
        self._seen_events = 0
        self._auto_seen = len(world.events)
        self._draw_start = 0.0
        self._step_ms = 0.0
        self._steps = 0
        self.comms = panels.CommsLog()
        self.feed_buttons: dict[str, pygame_gui.elements.UIButton] = {}
        self.keymap: dict[int, str] = {}
        self.finished: str | None = None
        self._rebuild_keymap()

    @classmethod
    def from_level_file(cls, ctx: Context, path: str | Path) -> "PlayState":
        """Load a level file (raises LevelError) and start it."""
        from game.levelio.load import load_level

        level = load_level(path)
        return cls(ctx, create_world(level, ctx.seed), str(path))

    # ---------------------------------------------------------------- layout
    def _rebuild_keymap(self) -> None:
        self.keymap = {}
        for action in ACTIONS:
            code = key_code(self.ctx.settings.key_for(action))
            if code is not None and code not in self.keymap:
                self.keymap[code] = action

    def enter(self) -> None:
        ui.set_scale(self.ctx.settings.ui_scale)
        lay = panels.layout(self.ctx.size)  # the window or the UI scale may have changed while away
        if lay != self.lay:
            self.lay = lay
            self.camera.set_viewport(lay.viewport, lay.map_free)
            self._panel_cache.clear()
        self.renderer.palette = self.ctx.settings.palette
        self._rebuild_keymap()
        m = self.ctx.manager
        buttons = panels.life_support_buttons_rect(self.lay.life)
        labels = (("minus", "-5 g/s"), ("plus", "+5 g/s"), ("stop", "Stop"), ("auto", "Auto"), ("room", "Room..."))
        gap = px(4)
        bw = (buttons.w - gap * (len(labels) - 1)) // len(labels)
        self.feed_buttons = {}
        for k, (key, text) in enumerate(labels):
            r = pygame.Rect(buttons.x + k * (bw + gap), buttons.y, bw, buttons.h)
            b = pygame_gui.elements.UIButton(r, text, m, object_id=ObjectID(class_id="@hud_button", object_id=f"#feed_{key}"),
                                             tool_tip_text={"minus": "Less O2 from the reserve", "plus": "More O2 from the reserve",
                                                            "stop": "Stop the emergency O2 feed",
                                                            "auto": "Feed the breached module, shared by volume",
                                                            "room": "Click a room on the map to send the feed there"}[key])
            self.feed_buttons[key] = b
        self._sync_log(force=True)
        if self.ctx.notice:
            self.banner = (self.ctx.notice, self.clock_s + BANNER_S * 2)
            self.ctx.notice = None

    def leave(self) -> None:
        self._close_menu()
        for b in self.feed_buttons.values():
            b.kill()
        self.feed_buttons = {}
        self.director.stop()

    def resize(self, size: tuple[int, int]) -> None:
        super().resize(size)
        self.lay = panels.layout(size)
        self.camera.set_viewport(self.lay.viewport, self.lay.map_free)
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
        if self.selected and self.lay.crew is not None:
            self.crew_panel.ensure_visible(self.lay.crew, self.selected[0])

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

    def _over_panels(self, pos: tuple[int, int]) -> bool:
        """True where a panel covers the map (clicks there are not map clicks)."""
        if self.lay.dock.collidepoint(pos) or pos[1] < hud.TOP_BAR_H:
            return True
        if any(r.collidepoint(pos) for r, _ in self._hits if r.bottom <= self.lay.strip.bottom + 1):
            return True
        if self.menu is not None and self.menu.rect.collidepoint(pos):
            return True
        return False

    def _panel_hit(self, pos: tuple[int, int]) -> tuple[str, int] | None:
        for r, pid in self._hits:
            if r.collidepoint(pos):
                return ("row", pid)
        return None

    # ----------------------------------------------------------------- orders
    def open_menu(self, pos: tuple[int, int]) -> ContextMenu:
        """The right-click menu for what is under `pos`."""
        self._close_menu()
        wx, wy = self.camera.screen_to_world(*pos)
        cell = (int(np.floor(wx)), int(np.floor(wy)))
        positions = self.interpolated_positions()
        person = person_at(self.world, self.camera, pos, positions)
        piece = debris_at(self.world, wx, wy, self.renderer.debris)
        heavy = False
        if piece is not None:
            for pid, _k, _x, _y, _a, _l, _w, hv in self.renderer.debris.pieces(self.world):
                if pid == piece:
                    heavy = hv
        target = target_at(self.world, cell, person, piece, heavy)
        orders = available_orders(self.world, target, self.actors())
        self.menu = ContextMenu(self.ctx.manager, pos, self._describe_target(target), orders, self.ctx.size, cell)
        return self.menu

    def _describe_target(self, t) -> str:
        if t.person is not None:
            p = self.world.people[t.person]
            return f"{p.name} ({self.world.person_state(t.person)})"
        if t.door is not None:
            return f"{t.door.label} ({t.door.state})"
        if t.debris is not None:
            return "Fallen beam" if t.debris_heavy else "Debris"
        from game.sim.tiles import Tile

        kind = Tile(t.tile).name.replace("_", " ").lower()
        return t.room or kind

    def choose(self, order) -> None:
        """Send an order's commands to the world."""
        for cmd in order.commands:
            self.world.submit(cmd)
        cell = self.menu.cell if self.menu is not None else None
        self._close_menu()
        if cell is not None:
            self.pings.append((cell, self.clock_s))
        self.ctx.sound.play("order")

    def _close_menu(self) -> None:
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
        from game.sim.atmosphere import FEED_MAX_G_S

        tgt = self.feed_now()[1] if target == "keep" else target
        rate = max(0.0, min(FEED_MAX_G_S, rate_g_s))
        self.world.submit(C.SetO2Feed(rate_g_s=rate, target=tgt))
        self.ctx.sound.play("click")

    def autopilot_on(self) -> bool | None:
        """The crew autopilot as it will be once pending orders apply; None if the sim has none."""
        if getattr(C, "SetAutopilot", None) is None:
            return None
        for cmd in reversed(self.world.pending):
            if isinstance(cmd, C.SetAutopilot):
                return bool(cmd.on)
        return bool(getattr(getattr(self.world, "crew", None), "autopilot", False))

    def toggle_autopilot(self) -> None:
        on = self.autopilot_on()
        if on is None:
            return
        self.world.submit(C.SetAutopilot(on=not on))
        self.ctx.sound.play("click")

    def _autopilot_pill(self) -> pygame.Rect:
        r = pygame.Rect(0, 9, 150, hud.TOP_BAR_H - 18)
        r.right = hud.clock_rect(self.ctx.size[0]).left - 14
        return r

    def _feed_button(self, key: str) -> None:
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
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if self.menu is not None:
                order = self.menu.order_for(event.ui_element)
                if order is not None:
                    self.choose(order)
                    return None
            for key, b in self.feed_buttons.items():
                if event.ui_element is b:
                    self._feed_button(key)
                    return None
            return None
        if event.type == pygame.KEYDOWN:
            return self._key(event)
        if event.type == pygame.MOUSEWHEEL:
            pos = pygame.mouse.get_pos() if self.mouse == (-1, -1) else self.mouse
            if self.lay.crew is not None and self.lay.crew.collidepoint(pos):
                self.crew_panel.on_wheel(self.lay.crew, event.y)
            elif self.lay.comms is not None and self.lay.comms.collidepoint(pos):
                self.comms.on_wheel(event.y)
            elif event.y and not self._over_panels(pos):
                self.camera.zoom_step(1 if event.y > 0 else -1, pos)
            return None
        if event.type == pygame.MOUSEMOTION:
            self.mouse = event.pos
            if self.panning:
                self.camera.pan_px(*event.rel)
            if self.press_at is not None:
                x0, y0 = self.press_at
                if abs(event.pos[0] - x0) + abs(event.pos[1] - y0) >= DRAG_PX or self.box is not None:
                    self.box = pygame.Rect(min(x0, event.pos[0]), min(y0, event.pos[1]),
                                           abs(event.pos[0] - x0), abs(event.pos[1] - y0))
            return None
        if event.type == pygame.MOUSEBUTTONDOWN:
            self.mouse = event.pos
            if event.button == 2:
                self.panning = True
            elif event.button == 1:
                return self._left_down(event.pos)
            elif event.button == 3:
                self._close_menu()
                self.targeting = None
                if not self._over_panels(event.pos) and self.camera.viewport.collidepoint(event.pos):
                    self.open_menu(event.pos)
            return None
        if event.type == pygame.MOUSEBUTTONUP:
            self.mouse = event.pos
            if event.button == 2:
                self.panning = False
            elif event.button == 1 and self.press_at is not None:
                self._left_up(event.pos)
            return None
        return None

    def _key(self, event: pygame.event.Event) -> State | None:
        action = self.keymap.get(event.key)
        if event.key == pygame.K_ESCAPE or action == "menu":
            if self.menu is not None:
                self._close_menu()
                return None
            if self.targeting is not None:
                self.targeting = None
                self.banner = None
                return None
            if self.show_help:
                self.show_help = False
                return None
            return self.pause_menu()
        if self.menu is not None and pygame.K_1 <= event.key <= pygame.K_9:
            i = event.key - pygame.K_1
            if i < len(self.menu.orders):
                self.choose(self.menu.orders[i])
                return None
        if action is None:
            return None
        if action == "pause":
            self.paused = not self.paused
            if not self.paused:
                self.banner = None
        elif action in SPEED_OF:
            self.speed = SPEED_OF[action]
            if self.paused:
                self.paused = False
                self.banner = None
        elif action == "fit":
            self.camera.fit()
        elif action == "centre":
            self.centre_on_selection()
        elif action == "legend":
            self.show_legend = not self.show_legend
        elif action == "help":
            self.show_help = not self.show_help
        elif action == "perf":
            self.perf.visible = not self.perf.visible
        elif action == "autopilot":
            self.toggle_autopilot()
        elif action == "zoom_in":
            self.camera.zoom_step(1)
        elif action == "zoom_out":
            self.camera.zoom_step(-1)
        elif overlays.for_action(action) is not None:
            name = overlays.for_action(action).name
            self.renderer.overlay = None if self.renderer.overlay == name else name
        return None

    def _left_down(self, pos: tuple[int, int]) -> State | None:
        if self.menu is not None and not self.menu.rect.collidepoint(pos):
            self._close_menu()
            return None
        if self._speed_box().collidepoint(pos):
            self.paused = not self.paused
            return None
        if self._autopilot_pill().collidepoint(pos) and self.autopilot_on() is not None:
            self.toggle_autopilot()
            return None
        hit = self._panel_hit(pos)
        if hit is not None:
            _, pid = hit
            now = self.clock_s
            kind, last, t = self._last_click
            if last == pid and now - t <= DOUBLE_CLICK_S:
                self.select([pid])
                self.centre_on_selection()
            else:
                self.select([pid], add=bool(pygame.key.get_mods() & pygame.KMOD_SHIFT))
            self._last_click = ("row", pid, now)
            return None
        if self._over_panels(pos) or not self.camera.viewport.collidepoint(pos):
            return None
        if self.targeting == "feed":
            wx, wy = self.camera.screen_to_world(*pos)
            cell = (int(np.floor(wx)), int(np.floor(wy)))
            if self.world.compartments.index_at(*cell) >= 0:
                rate, _ = self.feed_now()
                rate = rate if rate > 0 else (self.world.level.life_support.feed_rate_g_s or 10.0)
                self.set_feed(rate, cell)
                self.pings.append((cell, self.clock_s))
                self.targeting = None
                self.banner = None
            return None
        self.press_at = pos
        self.box = None
        return None

    def _left_up(self, pos: tuple[int, int]) -> None:
        shift = bool(pygame.key.get_mods() & pygame.KMOD_SHIFT)
        if self.box is not None and (self.box.w >= DRAG_PX or self.box.h >= DRAG_PX):
            self.select(self.people_in_box(self.box), add=shift)
        else:
            who = person_at(self.world, self.camera, pos, self.interpolated_positions())
            if who is not None:
                self.select([who], add=shift)
            elif not shift:
                self.selected = []
        self.press_at = None
        self.box = None

    def _pan_keys(self, dt: float) -> None:
        keys = pygame.key.get_pressed()

        def held(action: str, arrow: int) -> bool:
            code = key_code(self.ctx.settings.key_for(action))
            try:
                return bool(keys[arrow]) or (code is not None and bool(keys[code]))
            except IndexError:
                return bool(keys[arrow])

        dx = held("pan_left", pygame.K_LEFT) - held("pan_right", pygame.K_RIGHT)
        dy = held("pan_up", pygame.K_UP) - held("pan_down", pygame.K_DOWN)
        if dx or dy:
            self.camera.pan_px(dx * PAN_SPEED_PX_S * dt, dy * PAN_SPEED_PX_S * dt)

    def pause_menu(self) -> State:
        from game.view.scenes.pause import PauseState

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
        while self.world.tick < end:
            self.accumulator_s = TICK_S
            n = self.advance(TICK_S / self.speed)
            acts = self.activities()
            working = {i: a for i, a in acts.items() if a.cutting or a.progress is not None}
            self.renderer.advance_effects(n * TICK_S, Marks(activities=working))
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
            return cur
        jump = np.hypot(*(cur - self.prev_xy).T) > 2.0  # teleports are not walked
        a = self.alpha
        out = self.prev_xy + (cur - self.prev_xy) * a
        out[jump] = cur[jump]
        return out

    def activities(self) -> dict[int, Activity]:
        """Everyone's current doing, worked out once per tick."""
        key = (self.world.tick, len(self.world.command_log), len(self.world.events))
        if key != self._acts_key:
            self.notes.sync(self.world)
            self._acts = {p.id: activity(self.world, p.id, self.notes) for p in self.world.people}
            self._acts_key = key
        return self._acts

    def _frame_activities(self) -> dict[int, Activity]:
        """`activities()` for drawing this frame: last tick's on a frame that ran a tick."""
        if self._frame == FRAME_TICK and self._acts_key is not None:
            return self._acts
        return self.activities()

    def _plan_frame(self, ticks: int) -> str:
        """What this frame has room for, after `ticks` sim ticks ran in it.

        A frame that ran a tick does nothing else: what the view derives from the new
        state (activities, particles, the pressure wash, labels, debris) waits for the next
        frame, so it is drawn a frame late, never more. A door or wall that changed is
        repainted on a frame of its own. The rest, the light frames (at 1x four in six),
        take the countdown projection's steps and the panels' clock-driven redraws. At 2x
        and 4x fewer frames fall between ticks, so only the tick's own frame is kept clear.
        """
        prev = self._frame
        if ticks and prev != FRAME_TICK:  # never two in a row: at 4x most frames tick
            return FRAME_TICK
        if prev == FRAME_TICK:
            return FRAME_CATCH_UP
        if self.renderer.map.stale(self.world):
            return FRAME_MAP
        return FRAME_LIGHT

    @property
    def _room(self) -> bool:
        """This frame takes countdown steps and one clock-driven panel redraw."""
        return self._frame == FRAME_LIGHT or (self._frame == FRAME_CATCH_UP and self.speed > 1)

    def update(self, dt: float) -> State | None:
        self.clock_s += dt
        self._pan_keys(dt)
        ticks = self.advance(dt)
        self._frame = self._plan_frame(ticks)
        self.renderer.defer = self._frame == FRAME_TICK
        self.renderer.defer_map = self._frame == FRAME_TICK or (self._frame == FRAME_CATCH_UP and self.speed == 1)
        if self._room:
            self.countdowns.update(self.world)
        acts = self._frame_activities()
        working = {i: a for i, a in acts.items() if a.cutting or a.progress is not None}
        self._effects_owed_s += ticks * TICK_S  # particles catch up a frame later, as the rest does
        if self._frame != FRAME_TICK:
            self.renderer.advance_effects(self._effects_owed_s, Marks(activities=working))
            self._effects_owed_s = 0.0
            self._sync_log()
        self.director.update(self.world, dt, self.paused, any(a.cutting for a in working.values()),
                             any(a.prying for a in working.values()))
        self.pings = [(c, t) for c, t in self.pings if self.clock_s - t < PING_S]
        if self.banner is not None and self.clock_s > self.banner[1]:
            self.banner = None
        if not self.finished:
            reason = self.watch.finished(self.world, self.countdowns.trends)
            if reason is not None:
                return self.end(reason)
        return None

    def end(self, reason: str) -> State:
        """Stop the exercise and go to its debrief."""
        from game.view.scenes.debrief import DebriefState

        self.finished = reason
        self.watch.update(self.world)
        return DebriefState(self.ctx, self.world, self.level_path, self.watch.debrief(self.world, reason))

    def _sync_log(self, force: bool = False) -> None:
        events = self.world.events
        if self._seen_events >= len(events) and not force:
            return
        self.comms.add(describe_all_keyed(events[self._seen_events:], self.world))
        self._seen_events = len(events)

    # ------------------------------------------------------------------ draw
    def _speed_box(self) -> pygame.Rect:
        box = pygame.Rect(0, 8, 132, hud.TOP_BAR_H - 16)
        box.right = self.ctx.size[0] - 12
        return box

    def marks(self, positions: np.ndarray) -> Marks:
        acts = self._frame_activities()
        shown = {i: a for i, a in acts.items() if i in self.selected or a.cutting or a.progress is not None}
        pings = [(c, (self.clock_s - t) / PING_S) for c, t in self.pings]
        return Marks(tuple(self.selected), shown, self.countdowns.endangered(self.world.time_s), pings)

    def draw(self, surface: pygame.Surface) -> None:
        t0 = time.perf_counter()
        if self._draw_start:
            frame_ms = (t0 - self._draw_start) * 1000.0
        else:
            frame_ms = 0.0
        self._draw_start = t0
        self._panel_built = False
        world = self.world
        positions = self.interpolated_positions()
        phase = world.time_s + self.alpha * TICK_S
        hover = None
        if self.camera.viewport.collidepoint(self.mouse) and not self._over_panels(self.mouse):
            hover = person_at(world, self.camera, self.mouse, positions)
        marks = self.marks(positions)
        self.renderer.draw(surface, self.camera, positions, phase, hover, self.alpha, marks)
        if self.box is not None:
            shade = pygame.Surface(self.box.size, pygame.SRCALPHA)
            shade.fill((255, 140, 66, 40))
            surface.blit(shade, self.box)
            pygame.draw.rect(surface, P.ACCENT, self.box, 1)
        if hover is not None and self.menu is None:
            self._draw_person_tag(surface, hover, positions)
        self.top_bar.draw(surface, hud.hud_info(world, self.speed, self.paused))
        self._draw_autopilot(surface)
        self._draw_panels(surface)
        self._draw_banner(surface)
        if self.targeting == "feed" and self.camera.viewport.collidepoint(self.mouse):
            self._draw_target_cursor(surface)
        if self.show_help:
            self._draw_help(surface)
        if self.perf.visible:
            self.perf.draw(surface, (self.ctx.size[0] - px(8), self.lay.strip.bottom + px(6)))
        self.ctx.manager.draw_ui(surface)
        draw_ms = (time.perf_counter() - t0) * 1000.0
        if frame_ms:
            self.perf.add(frame_ms, self._step_ms, draw_ms, self._steps)
        self._step_ms = 0.0
        self._steps = 0
        self.renderer.defer = self.renderer.defer_map = False  # a second draw of the same frame is a fresh one

    def _cached_panel(self, name: str, rect: pygame.Rect, key: tuple, urgent: tuple, draw) -> pygame.Surface:
        """A panel region drawn into its own surface and kept: redrawn when its key changes,
        at most every PANEL_REFRESH_S for the clock-driven part of the key, at once for input.
        Clock-driven redraws wait for a frame with room (see `update`) and take turns, one a frame."""
        entry = self._panel_cache.get(name)
        if entry is not None:
            surf, old_key, old_urgent, built = entry
            fresh = surf.get_size() == rect.size and old_urgent == urgent
            if fresh and (old_key == key or self.clock_s - built < PANEL_REFRESH_S or not self._room or self._panel_built):
                return surf
        self._panel_built = True
        surf = pygame.Surface(rect.size, pygame.SRCALPHA)
        hits = draw(surf, -rect.x, -rect.y) or []
        surf = ui.screen_format(surf)
        self._panel_hits[name] = [(r.move(rect.x, rect.y), pid) for r, pid in hits]
        self._panel_cache[name] = (surf, key, urgent, self.clock_s)
        return surf

    def _draw_panels(self, surface: pygame.Surface) -> None:
        """The at-risk strip and the dock's four panels, each cached on its own: a panel is
        redrawn when what it shows can have changed, so a quiet comms log or an empty
        inspector is not redrawn with the crew every tick."""
        lay = self.lay
        world = self.world
        sel = tuple(self.selected)
        tick = world.tick
        scale = ui.scale()

        def strip(surf, dx, dy):
            return panels.draw_strip(surf, lay.strip.move(dx, dy), world, self.countdowns, set(sel))

        surface.blit(self._cached_panel("strip", lay.strip, (tick, self.countdowns.projections), (sel, scale), strip),
                     lay.strip)
        if lay.crew is not None:
            hover_row = None
            if lay.crew.collidepoint(self.mouse):
                hover_row = next((pid for r, pid in self._panel_hits.get("crew", ()) if r.collidepoint(self.mouse)), None)

            def crew(surf, dx, dy):
                mouse = (self.mouse[0] + dx, self.mouse[1] + dy)
                return self.crew_panel.draw(surf, lay.crew.move(dx, dy), world, set(sel), self.activities(), mouse)

            key = (tick, len(world.command_log), len(world.events))
            urgent = (sel, hover_row, self.crew_panel.scroll, scale)
            surface.blit(self._cached_panel("crew", lay.crew, key, urgent, crew), lay.crew)
        if lay.comms is not None:
            def comms(surf, dx, dy):
                self.comms.draw(surf, lay.comms.move(dx, dy))

            urgent = (self.comms.version, self.comms.scroll, scale)
            surface.blit(self._cached_panel("comms", lay.comms, None, urgent, comms), lay.comms)

        def inspector(surf, dx, dy):
            first = sel[0] if sel else None
            acts = self.activities() if sel else {}
            panels.draw_inspector(surf, lay.inspector.move(dx, dy), world, list(sel),
                                  acts.get(first) if first is not None else None,
                                  self.countdowns.get(first, world.time_s) if first is not None else None)

        key = (tick, self.countdowns.projections, len(world.command_log), len(world.events)) if sel else None
        surface.blit(self._cached_panel("inspector", lay.inspector, key, (sel, scale), inspector), lay.inspector)

        def life(surf, dx, dy):
            panels.draw_life_support(surf, lay.life.move(dx, dy), world, self.countdowns.trends.bar_per_min(world))

        surface.blit(self._cached_panel("life", lay.life, (tick,), (scale,), life), lay.life)
        self._hits = self._panel_hits.get("strip", []) + self._panel_hits.get("crew", [])
        self._draw_legends(surface)

    def _draw_legends(self, surface: pygame.Surface) -> None:
        """The overlay's scale and the map key, where they hide the least of the map."""
        lay = self.lay
        items = []
        ov = self.renderer.overlay_kind
        if ov is not None:
            items.append(("overlay", px(overlays.LEGEND_W), px(overlays.legend_height(ov))))
        if self.show_legend:
            items.append(("key", *hud.legend_size()))
        if not items:
            return
        s = self.camera.tile_px
        x0, y0 = self.camera.world_to_screen(0, 0)
        map_rect = pygame.Rect(x0, y0, self.world.grid.width * s, self.world.grid.height * s)
        width = sum(w for _, w, _ in items) + px(6) * (len(items) - 1)
        height = max(h for _, _, h in items)
        right = lay.size[0] - px(8)
        spots = [(right, lay.dock.top - px(6) - height), (right, lay.strip.bottom + px(6))]

        def hidden(sp) -> int:  # how much of the map a spot would cover
            r = pygame.Rect(sp[0] - width, sp[1], width, height).clip(map_rect)
            return r.w * r.h

        spot = min(spots, key=hidden)
        x = spot[0]
        for kind, w, h in items:
            y = spot[1] + (height - h if spot is spots[0] else 0)
            if kind == "overlay":
                overlays.draw_legend(surface, ov, self.renderer.palette, (x - w, y), px)
            else:
                hud.draw_legend(surface, (x - w, y))
            x -= w + px(6)

    def _draw_autopilot(self, surface: pygame.Surface) -> None:
        on = self.autopilot_on()
        if on is None:
            return
        r = self._autopilot_pill()
        colour = P.GLYPH_OPEN if on else P.TEXT_DIM
        pygame.draw.rect(surface, P.CLOCK_BG, r, border_radius=5)
        pygame.draw.rect(surface, colour if on else P.HUD_LINE, r, 1, border_radius=5)
        pygame.draw.circle(surface, colour, (r.x + 13, r.centery), 4 if on else 3, 0 if on else 1)
        ui.text(surface, "AUTOPILOT " + ("ON" if on else "OFF"), (r.x + 24, r.centery), 12, colour, "bold", anchor="midleft")

    def _draw_banner(self, surface: pygame.Surface) -> None:
        if self.banner is None:
            return
        text = self.banner[0]
        w, _ = ui.text_size(text, 14, "bold")
        rect = pygame.Rect(0, 0, w + px(40), px(30))
        rect.midtop = (self.ctx.size[0] // 2, self.lay.strip.bottom + px(8))
        auto = text.startswith("AUTO-PAUSED")
        pygame.draw.rect(surface, (60, 18, 14) if auto else (20, 26, 38), rect, border_radius=px(4))
        pygame.draw.rect(surface, P.BREACH_RING if auto else P.ACCENT, rect, 1, border_radius=px(4))
        ui.text(surface, text, rect.center, 14, P.TEXT, "bold", anchor="center")

    def _draw_target_cursor(self, surface: pygame.Surface) -> None:
        wx, wy = self.camera.screen_to_world(*self.mouse)
        cell = (int(np.floor(wx)), int(np.floor(wy)))
        ok = self.world.compartments.index_at(*cell) >= 0
        colour = (110, 190, 235) if ok else P.UNCONSCIOUS
        pygame.draw.circle(surface, colour, self.mouse, px(10), 2)
        pygame.draw.line(surface, colour, (self.mouse[0] - px(14), self.mouse[1]), (self.mouse[0] + px(14), self.mouse[1]))
        pygame.draw.line(surface, colour, (self.mouse[0], self.mouse[1] - px(14)), (self.mouse[0], self.mouse[1] + px(14)))
        room = self.world.grid.room_at(*cell)
        if room is not None:
            ui.text(surface, f"O2 feed to {room.label}", (self.mouse[0] + px(16), self.mouse[1] + px(10)), 12, colour, "bold",
                    shadow=True)

    def _draw_help(self, surface: pygame.Surface) -> None:
        rows = [(self.ctx.settings.key_for(a).upper(), what) for a, (_, what) in ACTIONS.items()]
        rows += [(k, v) for k, v in MOUSE_HELP]
        w, h = px(520), px(34) + ((len(rows) + 1) // 2) * px(19) + px(10)
        rect = pygame.Rect(0, 0, w, h)
        rect.center = self.lay.map_free.center
        inner = ui.panel(surface, rect, "KEYS  (change them in Settings)", accent=P.ACCENT)
        half = (len(rows) + 1) // 2
        for i, (k, what) in enumerate(rows):
            col, row = divmod(i, half)
            x = inner.x + col * (inner.w // 2)
            y = inner.y + row * px(19)
            ui.text(surface, k, (x, y), 12, P.ACCENT, "mono", max_w=px(110))
            ui.text(surface, what, (x + px(112), y), 12, P.TEXT, max_w=inner.w // 2 - px(116))

    def _draw_person_tag(self, surface: pygame.Surface, i: int, positions: np.ndarray) -> None:
        p = self.world.people[i]
        state = self.world.person_state(i)
        spo2 = float(self.world.bodies.spo2[i])
        role = ROLES[p.role].title if p.role in ROLES else p.role
        colour = {"impaired": P.IMPAIRED, "unconscious": P.UNCONSCIOUS, "dead": P.DEAD}.get(state, P.GLYPH_OPEN)
        room = self.world.grid.room_at(*p.cell)
        lines = [
            (p.name, P.ROLE_COLOURS.get(p.role, P.ROLE_DEFAULT)),
            (f"{role}" + (f", {room.label}" if room else ""), P.TEXT_DIM),
            (f"{state}   SpO2 {spo2 * 100:.0f}%", colour),
        ]
        cd = self.countdowns.get(i, self.world.time_s)
        if cd is not None and state != "dead":
            ttu, ttd = cd
            lines.append(((f"out in {ui.format_duration(ttu)}   " if state != "unconscious" else "") +
                          f"dies in {ui.format_duration(ttd)}", P.UNCONSCIOUS if ttd < 300 else P.IMPAIRED))
        if p.equipment:
            lines.append((", ".join(p.equipment), P.TEXT_DIM))
        act = self.activities().get(i)
        if act is not None and act.kind not in ("dead", "down"):
            lines.append((act.text, P.TEXT))
        hud.draw_tag(surface, self.camera.world_to_screen(*positions[i]), lines)

