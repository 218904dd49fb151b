"""The main menu: the levels found on disk, the chosen one's briefing, Play, Settings and Quit.

A level that fails to load stays in the list with its error, so a designer
sees what is wrong instead of the game refusing to start.
"""

from __future__ import annotations

import html
from pathlib import Path

import pygame
import pygame_gui

from game.settings import Best, load_scores, scores_path
from game.sim.words import duration
from game.sim.world import create_world
from game.view import palette as P
from game.view.campaign import LevelEntry, discover_levels
from game.view.fonts import TEXT
from game.view.hud import GAME_TITLE
from game.view.outcome import objective_brief
from game.view.layers import Backdrop
from game.view.render import WorldRenderer
from game.view.scenes.base import Context, Quit, State
from game.view.scenes.generate_menu import GenerateState
from game.view.scenes.play import PlayState
from game.view.scenes.settings_menu import SettingsState

MARGIN = 48
LIST_W = 360
TITLE_TOP = 40
BODY_TOP = 176
PREVIEW_H = 150
BUTTON_H = 46
TAGLINE = "Hull breach response, in real time with pause"


def list_text(entry: LevelEntry, taken: set[str], best: Best | None = None) -> str:
    """The entry's line in the level list: unique, with the best score so far;
    a broken level shows its error."""
    if entry.ok:
        text = entry.title + (f"   -   best {best.total:.0f} {best.grade}" if best is not None else "")
        diff = entry.scenario.difficulty if entry.scenario else None
        if diff is not None:  # the campaign's measured difficulty: how often the autopilot wins it, and
            # its median score, which is what sets apart scenarios it always wins
            # (the band's word is in the briefing's campaign line; the list has no room for it)
            text += f"   [{100 * diff.success_rate:.0f} %, score {diff.score_median:.0f}]"
    else:
        first = entry.error.splitlines()[0] if entry.error else "cannot be loaded"
        first = first.replace(str(entry.path), entry.path.name)
        text = f"[broken] {first}"
    if text in taken:
        text = f"{text} ({entry.path.name})"
    taken.add(text)
    return text


def campaign_html(entry: LevelEntry) -> str:
    """The campaign's line for a scenario: its par time and measured difficulty ('' if none)."""
    c = entry.scenario
    if c is None:
        return ""
    bits = []
    if c.par_s is not None:
        bits.append(f"par {duration(c.par_s)}")
    if c.difficulty is not None:
        bits.append(html.escape(c.difficulty.words()))
    return f"<font color='#ffb27a'>Campaign - {' - '.join(bits)}</font><br>" if bits else ""


def briefing_html(entry: LevelEntry) -> str:
    """The right-hand panel: what the selected level is about, or what is wrong with it."""
    if not entry.ok:
        lines = "<br>".join(html.escape(l) for l in entry.error.splitlines())
        return (
            f"<font size=5><b>{html.escape(entry.path.name)}</b></font><br>"
            f"<font color='#ff6a4d'>This level cannot be played until these problems are fixed:</font><br><br>"
            f"<font color='#ffb27a'>{lines}</font>"
        )
    lv = entry.level
    assert lv is not None
    m = lv.meta
    facts = [f"{len(lv.crew)} crew", f"time limit {duration(m.time_limit_s)}", f"file {entry.path.name}"]
    if m.author:
        facts.insert(0, f"by {html.escape(m.author)}")
    parts = [
        f"<font size=5><b>{html.escape(m.name)}</b></font><br>",
        f"<font color='#8c98aa'>{' - '.join(facts)}</font><br>",
        campaign_html(entry) + "<br>",
        html.escape(m.briefing) if m.briefing else "<font color='#8c98aa'>No briefing.</font>",
    ]
    if lv.objectives:
        try:
            lines = objective_brief(create_world(lv))
        except Exception:  # a level that cannot be built: its objectives as written
            lines = [o.description or o.kind for o in lv.objectives]
        parts.append("<br><br><font color='#ff8c42'><b>Objectives</b></font><br>")
        parts.append("<br>".join(f"- {html.escape(line)}" for line in lines))
        parts.append("<br><font color='#8c98aa'>The level ends when every objective is decided, "
                     "when the time limit passes, or when you end it (Esc).</font>")
    return "".join(parts)


class MenuState(State):
    """Pick a level and play it."""

    def __init__(self, ctx: Context, selected: str | Path | None = None) -> None:
        super().__init__(ctx)
        self.entries = discover_levels(ctx.levels_dir)
        self.best = load_scores(scores_path(ctx.settings_file))
        taken: set[str] = set()
        self.texts = [list_text(e, taken, self.best.get(e.path.name)) for e in self.entries]
        # a newcomer starts at the first lesson; a returning player where they left off
        self.selected = next((i for i, e in enumerate(self.entries) if e.ok and e.path.name not in self.best), 0)
        if selected is not None:
            want = Path(selected).resolve()
            for i, e in enumerate(self.entries):
                if e.path.resolve() == want:
                    self.selected = i
        self.backdrop = Backdrop(seed=404)
        self._preview: pygame.Surface | None = None
        self._preview_key: tuple | None = None
        self.elements: list[pygame_gui.core.UIElement] = []
        self.level_list: pygame_gui.elements.UISelectionList | None = None
        self.briefing: pygame_gui.elements.UITextBox | None = None
        self.play_button: pygame_gui.elements.UIButton | None = None
        self.quit_button: pygame_gui.elements.UIButton | None = None
        self.settings_button: pygame_gui.elements.UIButton | None = None
        self.generate_button: pygame_gui.elements.UIButton | None = None

    # ---------------------------------------------------------------- layout
    def _rects(self) -> dict[str, pygame.Rect]:
        w, h = self.ctx.size
        body_h = max(120, h - BODY_TOP - MARGIN - BUTTON_H - 20)
        right_x = MARGIN + LIST_W + 24
        right_w = max(200, w - right_x - MARGIN)
        return {
            "list": pygame.Rect(MARGIN, BODY_TOP, LIST_W, body_h),
            "preview": pygame.Rect(right_x, BODY_TOP, right_w, PREVIEW_H),
            "briefing": pygame.Rect(right_x, BODY_TOP + PREVIEW_H + 12, right_w, max(60, body_h - PREVIEW_H - 12)),
            "play": pygame.Rect(w - MARGIN - 180, h - MARGIN - BUTTON_H, 180, BUTTON_H),
            "quit": pygame.Rect(w - MARGIN - 180 - 14 - 120, h - MARGIN - BUTTON_H, 120, BUTTON_H),
            "settings": pygame.Rect(w - MARGIN - 180 - 14 - 120 - 14 - 140, h - MARGIN - BUTTON_H, 140, BUTTON_H),
            "generate": pygame.Rect(w - MARGIN - 180 - 14 - 120 - 14 - 140 - 14 - 230, h - MARGIN - BUTTON_H, 230, BUTTON_H),
        }

    def enter(self) -> None:
        r = self._rects()
        m = self.ctx.manager
        self.level_list = pygame_gui.elements.UISelectionList(
            r["list"], list(self.texts), m, object_id="#level_list",
            default_selection=self.texts[self.selected] if self.texts else None,
        )
        self.briefing = pygame_gui.elements.UITextBox("", r["briefing"], m, object_id="#briefing")
        self.play_button = pygame_gui.elements.UIButton(r["play"], "Play", m, object_id="#play_button")
        self.quit_button = pygame_gui.elements.UIButton(r["quit"], "Quit", m, object_id="#quit_button")
        self.settings_button = pygame_gui.elements.UIButton(r["settings"], "Settings", m, object_id="#settings_button")
        self.generate_button = pygame_gui.elements.UIButton(r["generate"], "New generated scenario", m,
                                                            object_id="#generate_button")
        self.elements = [self.level_list, self.briefing, self.play_button, self.quit_button, self.settings_button,
                         self.generate_button]
        self._show_selected()

    def leave(self) -> None:
        for e in self.elements:
            e.kill()
        self.elements = []
        self.ctx.notice = None  # shown once

    def resize(self, size: tuple[int, int]) -> None:
        super().resize(size)
        if self.elements:
            self.leave()
            self.enter()

    def _show_selected(self) -> None:
        if not self.entries:
            if self.briefing is not None:
                self.briefing.set_text(f"No level files found in {html.escape(str(self.ctx.levels_dir))}.")
            if self.play_button is not None:
                self.play_button.disable()
            return
        entry = self.entries[self.selected]
        if self.briefing is not None:
            self.briefing.set_text(briefing_html(entry))
        if self.play_button is not None:
            self.play_button.enable() if entry.ok else self.play_button.disable()

    # ----------------------------------------------------------------- input
    def handle_event(self, event: pygame.event.Event) -> State | None:
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and event.ui_element is self.level_list:
            if event.text in self.texts:
                self.selected = self.texts.index(event.text)
                self._show_selected()
        elif event.type == pygame_gui.UI_SELECTION_LIST_DOUBLE_CLICKED_SELECTION and event.ui_element is self.level_list:
            return self.play()
        elif event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.play_button:
                return self.play()
            if event.ui_element is self.quit_button:
                return Quit(self.ctx)
            if event.ui_element is self.generate_button:
                return GenerateState(self.ctx)
            if event.ui_element is self.settings_button:
                return SettingsState(self.ctx, back=MenuState(self.ctx, selected=self.entries[self.selected].path
                                                              if self.entries else None))
        elif event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                return self.play()
            if event.key == pygame.K_ESCAPE:
                return Quit(self.ctx)
        return None

    def play(self) -> State | None:
        """Start the selected level, or stay and say why it cannot start."""
        if not self.entries or not self.entries[self.selected].ok:
            return None
        entry = self.entries[self.selected]
        try:
            world = create_world(entry.level, self.ctx.seed)
        except Exception as exc:  # a level that validates but cannot be built
            if self.briefing is not None:
                self.briefing.set_text(
                    f"<font color='#ff6a4d'>{html.escape(entry.path.name)} could not be started: "
                    f"{html.escape(type(exc).__name__)}: {html.escape(str(exc))}</font>"
                )
            return None
        return PlayState(self.ctx, world, str(entry.path))

    # ------------------------------------------------------------------ draw
    def _preview_surface(self, rect: pygame.Rect) -> pygame.Surface | None:
        """The selected level's plan, drawn once by the same renderer as play."""
        key = (self.selected, rect.size)
        if key == self._preview_key:
            return self._preview
        self._preview_key = key
        self._preview = None
        entry = self.entries[self.selected] if self.entries else None
        if entry is None or not entry.ok:
            return None
        try:
            world = create_world(entry.level, self.ctx.seed)
            renderer = WorldRenderer(world)
            renderer.show_labels = False
            renderer.show_pressure = False
            surf = pygame.Surface(rect.size)
            cam = renderer.new_camera(surf.get_rect())
            cam.fit(margin_px=10)
            renderer.draw(surf, cam)
            self._preview = surf
        except Exception:  # the preview is decoration; the briefing says what is wrong
            self._preview = None
        return self._preview

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        self.backdrop.draw(surface, surface.get_rect())
        title = TEXT.render(GAME_TITLE, 46, P.ACCENT, "bold", shadow=P.TEXT_SHADOW)
        surface.blit(title, (MARGIN, TITLE_TOP))
        tag = TEXT.render(TAGLINE, 17, P.TEXT_DIM, "regular")
        surface.blit(tag, (MARGIN + 2, TITLE_TOP + title.get_height() + 2))
        pygame.draw.line(surface, P.ACCENT, (MARGIN + 2, TITLE_TOP + title.get_height() + tag.get_height() + 10),
                         (MARGIN + 122, TITLE_TOP + title.get_height() + tag.get_height() + 10), 2)
        r = self._rects()
        prev = self._preview_surface(r["preview"])
        pygame.draw.rect(surface, (15, 19, 28), r["preview"])
        if prev is not None:
            surface.blit(prev, r["preview"])
        else:
            msg = TEXT.render("No plan to show", 14, P.TEXT_DIM)
            surface.blit(msg, msg.get_rect(center=r["preview"].center))
        pygame.draw.rect(surface, (44, 52, 66), r["preview"], 1)
        cap = TEXT.render("LEVELS", 12, P.TEXT_DIM, "bold")
        surface.blit(cap, (r["list"].x, r["list"].y - cap.get_height() - 4))
        cap = TEXT.render("BRIEFING", 12, P.TEXT_DIM, "bold")
        surface.blit(cap, (r["preview"].x, r["preview"].y - cap.get_height() - 4))
        hint = TEXT.render("Enter play    Esc quit    Double-click a level to play it", 12, P.TEXT_DIM)
        surface.blit(hint, (MARGIN, h - MARGIN - hint.get_height() // 2 - BUTTON_H // 2))
        if self.ctx.notice:  # e.g. a damaged settings file: said once, plainly
            note = TEXT.render(self.ctx.notice, 13, P.IMPAIRED)
            if note.get_width() > w - 2 * MARGIN:
                note = TEXT.render(self.ctx.notice[: max(20, len(self.ctx.notice) * (w - 2 * MARGIN) // note.get_width() - 3)] + "...", 13, P.IMPAIRED)
            surface.blit(note, (MARGIN, h - MARGIN - BUTTON_H - note.get_height() - 10))
        self.ctx.manager.draw_ui(surface)
