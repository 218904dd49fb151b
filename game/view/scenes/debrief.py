"""The end-of-scenario debrief: outcome, figures, objectives, everyone's fate; then on or back."""

from __future__ import annotations

from pathlib import Path

import pygame
import pygame_gui
from pygame_gui.core import ObjectID

from game.levelio.problems import LevelError
from game.settings import record_score, scores_path
from game.sim.words import NO_TIME, mission_clock
from game.sim.world import World, create_world
from game.training.scoring import Score
from game.view import glyphs, ui
from game.view import palette as P
from game.view.layers import Backdrop
from game.view.outcome import Debrief
from game.view.scenes.base import Context, State
from game.view.campaign import next_level
from game.view.scenes.menu import MenuState
from game.view.scenes.play import PlayState
from game.view.ui import px

# an objective's row by how much of it was achieved (ObjectiveScore.status)
STATUS_COLOURS = {"done": (143, 227, 166), "not done": (255, 106, 77), "partly": (255, 209, 102)}
STATE_COLOURS = {"conscious": (143, 227, 166), "impaired": P.IMPAIRED, "unconscious": P.UNCONSCIOUS, "dead": P.DEAD}
INJURY_COLOURS = {"none": P.TEXT_DIM, "mild": P.IMPAIRED, "moderate": (255, 140, 60), "severe": P.UNCONSCIOUS}


def clock(t: float | None) -> str:
    """A moment of the run, given in seconds since the breach, on the mission clock."""
    return NO_TIME if t is None else mission_clock(t, 0.0)


def score_text(score: Score) -> str:
    """The training score in a line: total and grade."""
    return f"{score.total:.0f}  {score.grade}"


class DebriefState(State):
    def __init__(self, ctx: Context, world: World, level_path: str, debrief: Debrief) -> None:
        super().__init__(ctx)
        self.world = world
        self.level_path = level_path
        self.d = debrief
        self.backdrop = Backdrop(seed=77)
        self.buttons: dict[str, pygame_gui.elements.UIButton] = {}
        self.scroll = 0
        self.next_path = next_level(ctx.levels_dir, level_path)
        self.new_best = self._keep_best()

    def _keep_best(self) -> bool:
        """Remember the score if it beats this level's best, for the menu of the next launch."""
        if not self.level_path or self.d.reason == "abandoned":
            return False
        try:
            return record_score(scores_path(self.ctx.settings_file), Path(self.level_path).name,
                                self.d.score.total, self.d.score.grade)
        except OSError as exc:  # the game goes on; the player is told once
            self.ctx.notice = f"Best score could not be saved: {exc.strerror or exc}"
            return False

    def enter(self) -> None:
        w, h = self.ctx.size
        m = self.ctx.manager
        bw, bh = px(190), px(44)
        y = h - px(32) - bh
        specs = [("menu", "Main menu", None), ("replay", "Play again", None)]
        if self.next_path is not None:
            specs.append(("next", "Next level", "#play_button"))
        x = w - px(40)
        for key, label, oid in reversed(specs):
            x -= bw
            self.buttons[key] = pygame_gui.elements.UIButton(
                pygame.Rect(x, y, bw, bh), label, m, object_id=ObjectID(class_id="@big_button", object_id=oid or f"#debrief_{key}")
            )
            x -= px(12)
        if self.d.won:
            self.ctx.sound.play("order")
        else:
            self.ctx.sound.play("alert")

    def leave(self) -> None:
        for b in self.buttons.values():
            b.kill()
        self.buttons = {}

    def resize(self, size: tuple[int, int]) -> None:
        super().resize(size)
        self.leave()
        self.enter()

    def choose(self, key: str) -> State | None:
        self.ctx.sound.play("click")
        if key == "menu":
            return MenuState(self.ctx, selected=self.level_path or None)
        if key == "replay":
            return PlayState(self.ctx, create_world(self.world.level, self.world.seed), self.level_path)
        if key == "next" and self.next_path is not None:
            try:
                return PlayState.from_level_file(self.ctx, self.next_path)
            except (LevelError, OSError):  # changed or gone since the list was made: the menu says why
                return MenuState(self.ctx, selected=self.next_path)
        return None

    def handle_event(self, event: pygame.event.Event) -> State | None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            for key, b in self.buttons.items():
                if event.ui_element is b:
                    return self.choose(key)
        elif event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                return self.choose("menu")
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                return self.choose("next" if self.next_path is not None else "menu")
        elif event.type == pygame.MOUSEWHEEL:
            self.scroll = max(0, self.scroll - event.y * 3)
        return None

    # ------------------------------------------------------------------ draw
    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        self.backdrop.draw(surface, surface.get_rect())
        d = self.d
        m = px(40)
        colour = (143, 227, 166) if d.won else P.BREACH_RING
        ui.text(surface, "DEBRIEF", (m, px(26)), 13, P.TEXT_DIM, "bold")
        ui.text(surface, d.headline, (m, px(44)), 40, colour, "bold", shadow=True)
        ui.text(surface, f"{d.level_name}   ·   ended at {clock(d.time_s)}   ·   " + self._reason(), (m, px(98)), 15, P.TEXT)
        # figures
        figures = [
            ("ALIVE", f"{d.alive} / {d.total}", (143, 227, 166) if d.dead == 0 else P.TEXT),
            ("DEAD", str(d.dead), P.UNCONSCIOUS if d.dead else P.TEXT_DIM),
            ("INJURED", str(d.injured), P.IMPAIRED if d.injured else P.TEXT_DIM),
            ("SEALED", d.sealed_text or clock(d.sealed_s), P.TEXT if d.sealed_s is not None or d.sealed_text else P.TEXT_DIM),
            ("O2 USED", f"{d.o2_used_kg:.1f} kg", P.TEXT),
        ]
        figures.insert(0, ("NEW BEST  OF 100" if self.new_best else "SCORE  OF 100", score_text(d.score), P.ACCENT))
        x = m
        y = px(136)
        for cap, val, col in figures:
            box = pygame.Rect(x, y, px(150), px(66))
            ui.panel(surface, box)
            ui.text(surface, cap, (box.x + px(12), box.y + px(8)), 11, P.TEXT_DIM, "bold")
            ui.text(surface, val, (box.x + px(12), box.y + px(26)), 24, col, "bold")
            x = box.right + px(10)
        y += px(84)
        # left column: objectives and rescue times; right: everyone
        left = pygame.Rect(m, y, px(440), h - y - px(96))
        inner = ui.panel(surface, left, "OBJECTIVES  (points)", accent=P.ACCENT)
        yy = inner.y
        for o in d.objectives:  # the score's breakdown: points of each objective, and why
            col = STATUS_COLOURS[o.status]
            ui.text(surface, f"{o.points:.0f}/{o.max_points:.0f}", (inner.x, yy), 12, col, "bold")
            ui.text(surface, o.description or o.kind, (inner.x + px(52), yy), 13, P.TEXT, max_w=inner.w - px(52))
            ui.bar(surface, pygame.Rect(inner.x, yy + px(20), px(40), px(4)), o.fraction, col)
            if o.detail:
                ui.text(surface, o.detail, (inner.x + px(52), yy + px(17)), 11, P.TEXT_DIM, max_w=inner.w - px(52))
            yy += px(38)
        if d.rescued_s:
            yy += px(6)
            ui.text(surface, "RESCUES", (inner.x, yy), 11, P.TEXT_DIM, "bold")
            yy += px(18)
            for name, t in d.rescued_s:
                ui.text(surface, name, (inner.x, yy), 13, P.TEXT)
                ui.text(surface, f"in the medical bay at {clock(t)}" if t is not None else "not delivered",
                        (inner.right, yy), 12, (143, 227, 166) if t is not None else P.UNCONSCIOUS, anchor="topright")
                yy += px(18)
        right = pygame.Rect(left.right + px(14), y, w - left.right - px(14) - m, h - y - px(96))
        self._draw_people(surface, right)
        self.ctx.manager.draw_ui(surface)

    def _reason(self) -> str:
        return {"time": "the time limit was reached", "settled": "every objective decided",
                "abandoned": "ended from the pause menu"}.get(self.d.reason, self.d.reason)

    def _draw_people(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        inner = ui.panel(surface, rect, "CREW", accent=P.ACCENT)
        people = sorted(self.d.people, key=lambda p: (not p.target, p.state != "dead", p.state != "unconscious", p.name))
        cols = (0, px(190), px(290), px(370), px(450))
        for k, cap in enumerate(("NAME", "STATE", "INJURY", "LOWEST SpO2", "DELIVERED")):
            if inner.x + cols[k] < inner.right - px(40):
                ui.text(surface, cap, (inner.x + cols[k] + (px(20) if k == 0 else 0), inner.y), 10, P.TEXT_DIM, "bold")
        row_h = px(19)
        rows = max(1, (inner.h - px(18)) // row_h)
        self.scroll = max(0, min(self.scroll, max(0, len(people) - rows)))
        y = inner.y + px(18)
        for p in people[self.scroll:self.scroll + rows]:
            glyphs.person(surface, (inner.x + px(7), y + row_h // 2), px(4), P.ROLE_COLOURS.get(p.role, P.ROLE_DEFAULT), p.state)
            name = p.name + ("  *" if p.target else "")
            ui.text(surface, name, (inner.x + px(20), y + px(2)), 12, P.TEXT, "bold" if p.target else "regular", max_w=px(166))
            ui.text(surface, p.state, (inner.x + cols[1], y + px(2)), 12, STATE_COLOURS.get(p.state, P.TEXT))
            ui.text(surface, p.injury, (inner.x + cols[2], y + px(2)), 12, INJURY_COLOURS.get(p.injury, P.TEXT))
            ui.text(surface, f"{p.lowest_spo2 * 100:.0f}%", (inner.x + cols[3], y + px(2)), 12, ui.spo2_colour(p.lowest_spo2))
            if inner.x + cols[4] < inner.right - px(40):
                ui.text(surface, clock(p.delivered_s) if p.delivered_s is not None else ("--" if not p.target else "no"),
                        (inner.x + cols[4], y + px(2)), 12, P.TEXT if p.delivered_s is not None else P.TEXT_DIM)
            y += row_h
        if len(people) > rows:
            ui.text(surface, f"{self.scroll + 1}-{min(len(people), self.scroll + rows)} of {len(people)}  (wheel scrolls)",
                    (inner.right, rect.bottom - px(4)), 10, P.TEXT_DIM, anchor="bottomright")
        ui.text(surface, "* named in a rescue objective", (inner.x, rect.bottom - px(4)), 10, P.TEXT_DIM, anchor="bottomleft")

