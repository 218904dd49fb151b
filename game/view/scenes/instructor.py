"""Exercises in the window: play that is recorded and scored (`play --record`,
and "take over" from a replay), and the instructor's console
(`play LEVEL --instructor`) for injecting events live and freezing the clock.

Both are the play scene with a session watching it: every tick is scored, the
replay is saved every ten simulated seconds (atomically, so a crash loses at
most that) and when the scene ends.
"""

from __future__ import annotations

import atexit
import html
from pathlib import Path

import pygame
import pygame_gui

from game.sim import commands as C
from game.sim.level import DEBRIS_KINDS, EQUIPMENT, Level
from game.sim.words import mission_clock
from game.sim.world import World, create_world
from game.training.injects import describe_inject
from game.training.moments import describe_command
from game.training.scoring import Score
from game.training.session import Session
from game.view.layers import person_at
from game.view.scenes.base import Context, State
from game.view.scenes.debrief import DebriefState
from game.view.scenes.play import PlayState

SAVE_EVERY_TICKS = 100
# an objective's row by how much of it was achieved (ObjectiveScore.status)
STATUS_COLOURS = {"done": "#8fe3a6", "partly": "#ffd166", "not done": "#ff6a4d"}
CONSOLE_SIZE = (360, 470)


class RecordedPlay(PlayState):
    """Play whose run is scored and written to a replay file as it goes."""

    def __init__(
        self, ctx: Context, world: World, level_path: str, session: Session, out_path: str | None, paused: bool = False
    ) -> None:
        super().__init__(ctx, world, level_path, paused=paused)
        self.session = session
        self.out_path = out_path
        self._next_save = world.tick + SAVE_EVERY_TICKS
        self.save_error: str | None = None
        if out_path:
            atexit.register(self.save)

    def advance(self, dt: float) -> int:
        n = super().advance(dt)
        if n:
            self.session.observe()
            if self.out_path and self.world.tick >= self._next_save:
                self._next_save = self.world.tick + SAVE_EVERY_TICKS
                self.save()
        return n

    def save(self) -> bool:
        if not self.out_path:
            return False
        ok = self.session.save(self.out_path)
        self.save_error = None if ok else f"The replay could not be written to {self.out_path}"
        return ok

    def leave(self) -> None:
        self.save()
        super().leave()

    def end(self, reason: str):
        self.session.observe()
        self.save()
        nxt = super().end(reason)
        if type(nxt) is DebriefState:
            return ScoredDebrief(nxt.ctx, nxt.world, nxt.level_path, nxt.d, self.session.score(), self.out_path)
        return nxt


def breakdown_html(score: Score, replay_path: str | None = None) -> str:
    """The score and each objective's points, for a pygame_gui text box."""
    rows = [f"<font size=5><b>{score.total:.1f} / 100</b></font>  grade <b>{score.grade}</b><br>"]
    for o in score.objectives:
        colour = STATUS_COLOURS[o.status]
        rows.append(
            f"<font color='{colour}'><b>{o.points:.1f}</b> / {o.max_points:.1f}</font>  {html.escape(o.description or o.kind)}"
            f"<br><font color='#8c98aa'>{html.escape(o.detail)}</font>"
        )
    if replay_path:
        rows.append(
            f"<br><font color='#8c98aa'>Replay saved to {html.escape(replay_path)}; "
            f"python main.py report {html.escape(replay_path)} -o report.html</font>"
        )
    return "<br>".join(rows)


class ScoredDebrief(DebriefState):
    """The debrief, with the training score's breakdown in a window of its own."""

    def __init__(self, ctx, world, level_path, debrief, score, replay_path: str | None) -> None:
        super().__init__(ctx, world, level_path, debrief)
        self.score = score
        self.replay_path = replay_path
        self.score_window: pygame_gui.elements.UIWindow | None = None

    def enter(self) -> None:
        super().enter()
        w, h = self.ctx.size
        rect = pygame.Rect(w - 440, 120, 420, min(420, h - 200))
        self.score_window = pygame_gui.elements.UIWindow(rect, self.ctx.manager, window_display_title="Score breakdown")
        pygame_gui.elements.UITextBox(
            breakdown_html(self.score, self.replay_path),
            pygame.Rect(0, 0, rect.w - 32, rect.h - 60),
            self.ctx.manager,
            container=self.score_window,
        )

    def leave(self) -> None:
        if self.score_window is not None:
            self.score_window.kill()
            self.score_window = None
        super().leave()


class InstructorState(RecordedPlay):
    """The exercise as the instructor runs it: the trainee's view plus a console."""

    def __init__(self, ctx: Context, world: World, level_path: str, session: Session, out_path: str | None) -> None:
        super().__init__(ctx, world, level_path, session, out_path, paused=True)
        self.frozen = False
        self.armed: str | None = None  # which inject the next map click places
        self.console: pygame_gui.elements.UIWindow | None = None
        self._ui: dict[str, pygame_gui.core.UIElement] = {}
        self.inject_log: list[str] = []
        self._shown = ("", "")
        self._planned_seen = 0

    # -------------------------------------------------------------- console
    def enter(self) -> None:
        super().enter()
        m = self.ctx.manager
        w, h = CONSOLE_SIZE
        rect = pygame.Rect(16, 70, w, h)
        self.console = pygame_gui.elements.UIWindow(rect, m, window_display_title="Instructor console", resizable=False)
        c = self.console
        ui = self._ui
        iw = w - 32
        half = (iw - 6) // 2
        y = 6
        rows = (
            ("breach", "Breach at cursor"),
            ("debris", "Debris at cursor"),
            ("jam", "Jam door at cursor"),
            ("fail", "Equipment fails"),
            ("worse", "Person worse"),
            ("freeze", "Freeze exercise"),
        )
        for k, (key, text) in enumerate(rows):
            x = 8 + (k % 2) * (half + 6)
            ui[key] = pygame_gui.elements.UIButton(pygame.Rect(x, y + (k // 2) * 32, half, 28), text, m, container=c)
        ui["fail"].set_tooltip("Then click a person: the chosen item stops working")
        ui["worse"].set_tooltip("Then click a person: saturation drops, some injury")
        y += 3 * 32 + 4
        ui["area_label"] = pygame_gui.elements.UILabel(pygame.Rect(8, y, 130, 24), "Breach 40 cm2", m, container=c)
        ui["area"] = pygame_gui.elements.UIHorizontalSlider(
            pygame.Rect(140, y, iw - 132, 24), 40, (2, 400), m, container=c
        )
        y += 30
        ui["debris_kind"] = pygame_gui.elements.UIDropDownMenu(
            list(DEBRIS_KINDS), DEBRIS_KINDS[0], pygame.Rect(8, y, half, 28), m, container=c
        )
        ui["item"] = pygame_gui.elements.UIDropDownMenu(
            list(EQUIPMENT), "respirator", pygame.Rect(14 + half, y, half, 28), m, container=c
        )
        y += 34
        ui["status"] = pygame_gui.elements.UILabel(
            pygame.Rect(8, y, iw, 22), "Pick an inject, then click the map.", m, container=c
        )
        y += 26
        ui["fire_next"] = pygame_gui.elements.UIButton(pygame.Rect(8, y, half, 26), "Fire next planned", m, container=c)
        ui["skip_next"] = pygame_gui.elements.UIButton(
            pygame.Rect(14 + half, y, half, 26), "Skip next planned", m, container=c
        )
        y += 30
        ui["info"] = pygame_gui.elements.UITextBox("", pygame.Rect(8, y, iw, h - y - 40), m, container=c)
        self._refresh_console(force=True)

    def leave(self) -> None:
        if self.console is not None:
            self.console.kill()
            self.console = None
        self._ui = {}
        super().leave()

    def _status(self, text: str) -> None:
        if "status" in self._ui:
            self._ui["status"].set_text(text)

    def _refresh_console(self, force: bool = False) -> None:
        ui = self._ui
        if not ui:
            return
        w = self.world
        b = w.breach_time_s
        planned = self.session.planned
        lines = [f"<b>Score now</b> {self.session.score().total:.1f} / 100"]
        if planned is not None and planned.injects:
            lines.append("<br><b>Planned injects</b>")
            for inj, st in zip(planned.injects, planned.state):
                when = mission_clock(inj.at_s, b if b is not None else 0.0)
                mark = {"pending": "", "fired": " (fired)", "skipped": " (skipped)"}[st]
                colour = "#ffd166" if st == "pending" else "#8c98aa"
                lines.append(f"<font color='{colour}'>{when} {html.escape(describe_inject(inj))}{mark}</font>")
        if self.inject_log:
            lines.append("<br><b>Sent</b>")
            lines += self.inject_log[-8:][::-1]
        text = "<br>".join(lines)
        if force or text != self._shown[0]:
            self._shown = (text, "")
            ui["info"].set_text(text)
        ui["freeze"].set_text("Resume exercise" if self.frozen else "Freeze exercise")
        ui["area_label"].set_text(f"Breach {int(ui['area'].get_current_value())} cm2")

    # ---------------------------------------------------------------- input
    def handle_event(self, event: pygame.event.Event) -> State | None:
        ui = self._ui
        if event.type == pygame_gui.UI_BUTTON_PRESSED and ui:
            el = event.ui_element
            for key in ("breach", "debris", "jam", "fail", "worse"):
                if el is ui.get(key):
                    self.armed = None if self.armed == key else key
                    self._status(
                        f"Click the map: {ui[key].text.lower()}"
                        if self.armed
                        else "Pick an inject, then click the map."
                    )
                    return None
            if el is ui.get("freeze"):
                self.set_frozen(not self.frozen)
                return None
            planned = self.session.planned
            if planned is not None and el in (ui.get("fire_next"), ui.get("skip_next")):
                i = planned.next_pending()
                if i is None:
                    self._status("No planned injects left.")
                elif el is ui.get("fire_next"):
                    for cmd in planned.fire(self.world, i):
                        self._sent(cmd)
                else:
                    planned.skip(i)
                    self._status(f"Skipped: {describe_inject(planned.injects[i])}")
                return None
        if (
            event.type == pygame.MOUSEBUTTONDOWN
            and event.button == 1
            and self.armed
            and self.camera.viewport.collidepoint(event.pos)
        ):
            if self.console is not None and self.console.get_abs_rect().collidepoint(event.pos):
                return super().handle_event(event)
            self.inject_at(event.pos)
            return None
        if event.type == pygame.KEYDOWN and event.key == pygame.K_SPACE and self.frozen:
            self.banner = ("The instructor has frozen the exercise.", self.clock_s + 3.0)
            return None
        return super().handle_event(event)

    def _cell_at(self, pos: tuple[int, int]) -> tuple[int, int]:
        x, y = self.camera.screen_to_world(*pos)
        return int(x), int(y)

    def inject_at(self, pos: tuple[int, int]) -> C.Command | None:
        """Place the armed inject at a screen position; returns the command sent, if any."""
        ui = self._ui
        w = self.world
        cell = self._cell_at(pos)
        cmd: C.Command | None = None
        kind = self.armed
        if kind == "breach":
            area = float(int(ui["area"].get_current_value())) if ui else 40.0
            cmd = C.InjectBreach(cell=cell, area_cm2=area)
        elif kind == "debris":
            debris = ui["debris_kind"].selected_option if ui else DEBRIS_KINDS[0]
            debris = debris[0] if isinstance(debris, tuple) else debris
            cmd = C.InjectDebris(cell=cell, debris=debris, count=3)
        elif kind == "jam":
            near = [(abs(d.x - cell[0]) + abs(d.y - cell[1]), d.id) for d in w.doors]
            dist, door = min(near) if near else (99, -1)
            if dist <= 2:
                cmd = C.InjectDoorJam(door_id=door)
            else:
                self._status("No door within 2 m of that point.")
        elif kind in ("fail", "worse"):
            pid = person_at(w, self.camera, pos, self._positions())
            if pid is None:
                self._status("Click on a person.")
            elif kind == "fail":
                item = ui["item"].selected_option if ui else "respirator"
                item = item[0] if isinstance(item, tuple) else item
                cmd = C.InjectEquipmentFailure(person_id=pid, item=item)
            else:
                cmd = C.InjectWorsen(person_id=pid, spo2_drop=0.15, injury_s=30.0)
        if cmd is None:
            return None
        sent = w.submit(cmd)
        self._sent(sent)
        return sent

    def _sent(self, cmd: C.Command) -> None:
        text = describe_command(cmd, self.world)
        self.inject_log.append(f"{mission_clock(self.world.time_s, self.world.breach_time_s)} {html.escape(text)}")
        self._status(text[:48])
        self._refresh_console()

    def set_frozen(self, on: bool) -> None:
        """Stop or restart the exercise clock; the trainee cannot unpause a freeze."""
        if on == self.frozen:
            return
        self.frozen = on
        self.world.submit(C.FreezeExercise(on=on))
        if on:
            self.banner = ("EXERCISE FROZEN BY THE INSTRUCTOR", self.clock_s + 10**6)
        else:
            self.banner = ("Exercise resumed", self.clock_s + 3.0)
            self.paused = False

    def advance(self, dt: float) -> int:
        if self.frozen:
            return 0
        return super().advance(dt)

    def update(self, dt: float) -> State | None:
        nxt = super().update(dt)
        for cmd in self.session.planned_sent[self._planned_seen :]:
            self._sent(cmd)
        self._planned_seen = len(self.session.planned_sent)
        self._refresh_console()
        return nxt


def default_record_path(level_path: str) -> str:
    stem = Path(level_path).stem or "exercise"
    return f"{stem}-exercise.json"


def exercise_state(level: Level, args) -> callable:
    """The opening scene for `play --record FILE` / `play --instructor`."""

    def build(ctx: Context) -> State:
        world = create_world(level, args.seed)
        instructor = bool(args.instructor)
        out = args.record or (default_record_path(args.level) if instructor else None)
        session = Session(
            world, args.level, record=True, injects=instructor, recorded_by="instructor" if instructor else "play"
        )
        if instructor:
            ctx.notice = f"Exercise: injects and the freeze are recorded, with the trainee's orders, to {out}"
            return InstructorState(ctx, world, args.level, session, out)
        return RecordedPlay(ctx, world, args.level, session, out)

    return build
