"""The play scene: runs the world on a fixed timestep and draws it with the HUD.

Input here only moves the camera or the clock; anything that changes the
world will go through `world.submit(Command)`.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pygame
import pygame_gui

from game.sim.roles import ROLES
from game.sim.world import TICK_S, World, create_world, step
from game.view import hud
from game.view import palette as P
from game.view.layers import person_at
from game.view.messages import describe_all
from game.view.render import WorldRenderer
from game.view.scenes.base import Context, State

SPEEDS = {pygame.K_1: 1, pygame.K_2: 2, pygame.K_3: 4}
MAX_STEPS_PER_FRAME = 8  # past this the game slows down instead of spiralling
MAX_FRAME_DT_S = 0.25
PAN_SPEED_PX_S = 900.0
LOG_LINES = 40
LOG_W, LOG_H = 470, 172
HINT = "Space pause   1 2 3 speed   Wheel zoom   WASD / middle-drag pan   Home fit   L legend   Esc menu"
SEVERITY_COLOURS = {"alarm": "#ff6a4d", "warn": "#ffd166", "info": "#b7c3d4", "good": "#8fe3a6"}


class PlayState(State):
    """A world being played, paused or fast-forwarded."""

    def __init__(self, ctx: Context, world: World, level_path: str = "", paused: bool = False) -> None:
        super().__init__(ctx)
        self.world = world
        self.level_path = level_path
        self.renderer = WorldRenderer(world)
        self.camera = self.renderer.new_camera(self.viewport_for(ctx.size))
        self.paused = paused
        self.speed = 1
        self.accumulator_s = 0.0
        self.prev_xy = self._positions()
        self.show_legend = True
        self.top_bar = hud.TopBar()
        self.dragging = False
        self.mouse = (-1, -1)
        self.log_box: pygame_gui.elements.UITextBox | None = None
        self._log: list[str] = []
        self._seen_events = 0

    @classmethod
    def from_level_file(cls, ctx: Context, path: str | Path) -> "PlayState":
        """Load a level file (raises LevelError) and start it."""
        from game.levelio.load import load_level

        level = load_level(path)
        return cls(ctx, create_world(level, ctx.seed), str(path))

    # ---------------------------------------------------------------- layout
    @staticmethod
    def viewport_for(size: tuple[int, int]) -> pygame.Rect:
        """The map's part of the window: everything under the top bar."""
        return pygame.Rect(0, hud.TOP_BAR_H, size[0], max(1, size[1] - hud.TOP_BAR_H))

    def _log_rect(self) -> pygame.Rect:
        w, h = self.ctx.size
        return pygame.Rect(12, h - LOG_H - 30, min(LOG_W, w - 24), LOG_H)

    def enter(self) -> None:
        self.log_box = pygame_gui.elements.UITextBox(
            "", self._log_rect(), self.ctx.manager, object_id="#comms_log"
        )
        self._sync_log(force=True)

    def leave(self) -> None:
        if self.log_box is not None:
            self.log_box.kill()
            self.log_box = None

    def resize(self, size: tuple[int, int]) -> None:
        super().resize(size)
        self.camera.set_viewport(self.viewport_for(size))
        if self.log_box is not None:
            self.log_box.set_relative_position(self._log_rect().topleft)
            self.log_box.set_dimensions(self._log_rect().size)

    # ----------------------------------------------------------------- input
    def handle_event(self, event: pygame.event.Event) -> State | None:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                from game.view.scenes.menu import MenuState

                return MenuState(self.ctx, selected=self.level_path)
            if event.key == pygame.K_SPACE:
                self.paused = not self.paused
            elif event.key in SPEEDS:
                self.speed = SPEEDS[event.key]
            elif event.key == pygame.K_HOME:
                self.camera.fit()
            elif event.key == pygame.K_l:
                self.show_legend = not self.show_legend
            elif event.key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
                self.camera.zoom_step(1)
            elif event.key in (pygame.K_MINUS, pygame.K_KP_MINUS):
                self.camera.zoom_step(-1)
        elif event.type == pygame.MOUSEWHEEL:
            if event.y:
                self.camera.zoom_step(1 if event.y > 0 else -1, pygame.mouse.get_pos())
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 2:
            self.dragging = True
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 2:
            self.dragging = False
        elif event.type == pygame.MOUSEMOTION:
            self.mouse = event.pos
            if self.dragging:
                self.camera.pan_px(*event.rel)
        return None

    def _pan_keys(self, dt: float) -> None:
        keys = pygame.key.get_pressed()
        dx = (keys[pygame.K_a] or keys[pygame.K_LEFT]) - (keys[pygame.K_d] or keys[pygame.K_RIGHT])
        dy = (keys[pygame.K_w] or keys[pygame.K_UP]) - (keys[pygame.K_s] or keys[pygame.K_DOWN])
        if dx or dy:
            self.camera.pan_px(dx * PAN_SPEED_PX_S * dt, dy * PAN_SPEED_PX_S * dt)

    # ------------------------------------------------------------ simulation
    def _positions(self) -> np.ndarray:
        return np.array([(p.x, p.y) for p in self.world.people], dtype=np.float64).reshape(-1, 2)

    def advance(self, dt: float) -> int:
        """Run the sim for `dt` real seconds at the current speed; returns ticks run."""
        if self.paused:
            return 0
        self.accumulator_s += min(dt, MAX_FRAME_DT_S) * self.speed
        steps = 0
        while self.accumulator_s >= TICK_S and steps < MAX_STEPS_PER_FRAME:
            self.prev_xy = self._positions()
            step(self.world)
            self.accumulator_s -= TICK_S
            steps += 1
        if self.accumulator_s >= TICK_S:  # could not keep up: drop the backlog
            self.accumulator_s %= TICK_S
        return steps

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

    def update(self, dt: float) -> State | None:
        self._pan_keys(dt)
        self.advance(dt)
        self._sync_log()
        return None

    def _sync_log(self, force: bool = False) -> None:
        events = self.world.events
        if self._seen_events >= len(events) and not force:
            return
        for clock, text, sev in describe_all(events[self._seen_events:], self.world):
            self._log.append(
                f"<font color='#8c98aa'>{html.escape(clock)}</font>  "
                f"<font color='{SEVERITY_COLOURS.get(sev, '#b7c3d4')}'>{html.escape(text)}</font>"
            )
        self._seen_events = len(events)
        self._log = self._log[-LOG_LINES:]
        if self.log_box is not None:
            head = "<font color='#8c98aa'><b>COMMS</b></font><br>"
            body = "<br>".join(reversed(self._log)) if self._log else "<font color='#8c98aa'>All quiet.</font>"
            self.log_box.set_text(head + body)

    # ------------------------------------------------------------------ draw
    def draw(self, surface: pygame.Surface) -> None:
        positions = self.interpolated_positions()
        phase = self.world.time_s + self.alpha * TICK_S
        hover = None
        if self.camera.viewport.collidepoint(self.mouse):
            hover = person_at(self.world, self.camera, self.mouse, positions)
        self.renderer.draw(surface, self.camera, positions, phase, hover)
        if hover is not None:
            self._draw_person_tag(surface, hover, positions)
        self.top_bar.draw(surface, hud.hud_info(self.world, self.speed, self.paused))
        w, h = surface.get_size()
        if self.show_legend:
            lw, lh = hud.legend_size()
            if w >= lw + LOG_W + 48:
                hud.draw_legend(surface, (w - lw - 12, h - lh - 30))
        hud.draw_hint(surface, HINT)
        self.ctx.manager.draw_ui(surface)

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
        if p.equipment:
            lines.append((", ".join(p.equipment), P.TEXT_DIM))
        hud.draw_tag(surface, self.camera.world_to_screen(*positions[i]), lines)
