"""The level editor scene: the editor's state (model, selection, current tool,
camera) and its actions (edit, undo, save, open, playtest), with live
validation and the what-if overlay run on worker threads keyed by the model's
revision, so a big level never stalls the brush.

Its collaborators: `EditorPanels` (game.editor.panels) owns the widgets,
`EditorInput` (game.editor.input) turns events into these actions, and each
tool is an object in game.editor.tools that handles its own clicks and drags.
"""

from __future__ import annotations

import html
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import pygame
import pygame_gui

from game.editor import edits, theme
from game.editor.commands import ResizeMap, SetValue, SwapLevel
from game.editor.drawing import (
    LevelPicture,
    draw_flash,
    draw_selection,
    draw_whatif_key,
)
from game.editor.forms import FieldError, parse_value, with_value
from game.editor.input import EditorInput
from game.editor.model import EditorModel, blank_level, find_recovery, load_for_editing, validate_level
from game.editor.panels import EditorPanels, layout
from game.editor.playtest import PlaytestState
from game.editor.tools import Tool, make_tools
from game.editor.validation import Job, problem_target, validate
from game.editor.whatif import WhatIf, WhatIfJob
from game.levelio.generate import generate_level
from game.levelio.problems import Problem
from game.levelio.tiled import save_tiled
from game.sim.level import Level
from game.sim.world import create_world
from game.view import palette as P
from game.view.camera import Camera
from game.view.scenes.base import Context, Quit, State

AUTOSAVE_EVERY_S = 15.0
VALIDATE_DELAY_S = 0.25
WHATIF_DELAY_S = 0.6


class EditorState(State):
    """Edit one level; F5 plays a copy of it and comes back here."""

    def __init__(self, ctx: Context, model: EditorModel, recovery: Level | None = None) -> None:
        super().__init__(ctx)
        self.model = model
        self.picture = LevelPicture()
        self.camera = Camera(layout(ctx.size)["map"])
        self._fit_camera()
        self.tools = make_tools()
        self.tool: Tool = self.tools["brush"]
        self.tile_kind = "wall"
        self.selected: tuple[str, int] | None = None
        self.region: tuple[tuple[int, int], tuple[int, int]] | None = None
        self.clip: edits.Clip | None = None
        self.show_grid = True
        self.show_whatif = False
        self.generated_seed = 0  # the last habitat seed Ctrl+G generated
        self.hover: tuple[int, int] | None = None
        self.mouse = (0, 0)
        self.panning = False
        self.flash: tuple[tuple[int, int], float] | None = None
        self.message = ""
        self.message_error = False
        self.problems: list[Problem] = []
        self._problem_index = None
        self._validated = -1
        self._validate_job = Job(validate)
        self._whatif: WhatIfJob | None = None
        self._whatif_result: WhatIf | None = None
        self._whatif_revision = -1
        self._whatif_error = ""
        self._changed_at = time.monotonic()
        self._since_autosave = 0.0
        self._recovery = recovery
        self._pending: dict[Any, Callable[..., Any]] = {}
        self._next: State | None = None
        self._seen_revision = -1
        self._filter = "All"
        self._focus = None
        self._briefing_shown = ""
        self.panels = EditorPanels(self)
        self.input = EditorInput(self)
        self.quit_after_confirm = False

    # ------------------------------------------------------------ creation
    @classmethod
    def open(cls, ctx: Context, path: str | Path | None = None, new_size: tuple[int, int] | None = None) -> "EditorState":
        """The editor on a level file (a broken one too), a new file, or a blank level."""
        if new_size is not None or path is None:
            w, h = new_size or (40, 24)
            model = EditorModel(blank_level(w, h), None)
            if path is not None:
                model.path = Path(path)
            recovery = find_recovery(model.path)
            return cls(ctx, model, recovery)
        level = load_for_editing(path)
        model = EditorModel(level, Path(path) if Path(path).suffix.lower() == ".toml" else None)
        return cls(ctx, model, find_recovery(model.path))

    # -------------------------------------------------------------- layout
    def _fit_camera(self) -> None:
        self.camera.set_world_size(self.model.level.width, self.model.level.height)
        self.camera.fit(margin_px=20)

    def enter(self) -> None:
        m = self.ctx.manager
        theme.apply(m)
        r = layout(self.ctx.size)
        self.camera.set_viewport(r["map"])
        self.panels.build(m, r)
        self._seen_revision = -1
        self._briefing_shown = None  # the new box is empty: fill it from the level
        self._refresh_all()
        self._select_tool(self.tool.key)
        if self._recovery is not None:
            rec, self._recovery = self._recovery, None
            if rec != self.model.level:
                self._confirm(
                    "An autosave of this level was found from a session that did not close cleanly. "
                    "Restore it? (Restoring can be undone.)",
                    "Restore",
                    lambda: self._restore(rec),
                    on_cancel=self.model.discard_autosave,
                    title="Recover unsaved work",
                )
        if self.quit_after_confirm:
            self.quit_after_confirm = False
            self.request_quit()

    def leave(self) -> None:
        self._commit_focused()
        self.panels.kill()
        self._pending = {}

    def resize(self, size: tuple[int, int]) -> None:
        super().resize(size)
        if self.panels.ui:
            self.leave()
            self.enter()

    # -------------------------------------------------------------- refresh
    def _refresh_all(self) -> None:
        """Bring every list and form in line with the model (after any change)."""
        if self.model.revision == self._seen_revision:
            return
        self._seen_revision = self.model.revision
        lv = self.model.level
        self.picture.sync(lv)
        if self.camera.world_w != lv.width or self.camera.world_h != lv.height:
            self.camera.set_world_size(lv.width, lv.height)
        if self.selected is not None:
            table, i = self.selected
            if i >= len(getattr(lv, table)):
                self.selected = None
        self._changed_at = time.monotonic()
        self.panels.refresh()

    # ----------------------------------------------------------- messages
    def say(self, text: str, error: bool = False) -> None:
        self.message = text
        self.message_error = error
        if self.panels.ui:
            self.panels.status_right.set_text(text)

    def _confirm(self, text: str, action_name: str, on_ok: Callable[[], Any], on_cancel: Callable[[], Any] | None = None,
                 title: str = "Please confirm") -> None:
        w, h = self.ctx.size
        dlg = pygame_gui.windows.UIConfirmationDialog(
            pygame.Rect(w // 2 - 220, h // 2 - 110, 440, 220), html.escape(text), self.ctx.manager,
            window_title=title, action_short_name=action_name, blocking=True,
        )
        self._pending[dlg] = on_ok
        if on_cancel is not None:
            self._pending[("cancel", dlg)] = on_cancel
        self.panels.ui.append(dlg)

    def _message_window(self, title: str, body_html: str) -> None:
        w, h = self.ctx.size
        win = pygame_gui.windows.UIMessageWindow(pygame.Rect(w // 2 - 260, h // 2 - 170, 520, 340), body_html,
                                                  self.ctx.manager, window_title=title)
        self.panels.ui.append(win)

    def _file_dialog(self, title: str, on_pick: Callable[[str], Any], existing_only: bool) -> None:
        w, h = self.ctx.size
        start = str(self.model.path) if self.model.path else str(self.ctx.levels_dir / "new_level.toml")
        dlg = pygame_gui.windows.UIFileDialog(
            pygame.Rect(w // 2 - 260, h // 2 - 220, 520, 440), self.ctx.manager, window_title=title,
            initial_file_path=start, allow_existing_files_only=existing_only, allowed_suffixes={".toml", ".tmj"},
        )
        self._pending[dlg] = on_pick
        self.panels.ui.append(dlg)

    # -------------------------------------------------------------- tools
    def _select_tool(self, key: str) -> None:
        if key == "paste" and self.clip is None:
            self.say("Nothing to paste: select an area with Copy area, then Ctrl+C", error=True)
            return
        self.tool.cancel()
        self.tool = self.tools[key]
        for k, b in self.panels.tool_buttons.items():
            active = k == key or (k == "tile:" + self.tile_kind and self.tool.paints)
            b.select() if active else b.unselect()
        if self.panels.ui:
            self.panels.hint_box.set_text(f"<b>{html.escape(key.replace('_', ' ').title())}</b><br>{self.tool.hint}")

    def _select_tile(self, kind: str) -> None:
        self.tile_kind = kind
        self._select_tool(self.tool.key if self.tool.paints else "brush")

    # ------------------------------------------------------------- editing
    def do(self, command) -> None:
        if command is None:
            return
        self.model.do(command)
        self.say(command.label)
        self._refresh_all()

    def undo(self) -> None:
        self._commit_focused()
        cmd = self.model.undo()
        self.say(f"Undid: {cmd.label}" if cmd else "Nothing to undo")
        self._refresh_all()

    def redo(self) -> None:
        cmd = self.model.redo()
        self.say(f"Redid: {cmd.label}" if cmd else "Nothing to redo")
        self._refresh_all()

    def select(self, ref: tuple[str, int] | None) -> None:
        self.selected = ref
        self._seen_revision = -1  # lists and forms follow the selection
        self._refresh_all()
        if ref is not None and self.panels.ui:
            tab = "timeline" if ref[0] == "events" else "goals" if ref[0] == "objectives" else "things"
            self.panels.show_tab(tab)

    def delete_selected(self) -> None:
        if self.selected is None:
            self.say("Select something to delete first", error=True)
            return
        ref, self.selected = self.selected, None
        self.do(edits.delete(self.model.level, ref))

    def add_objective(self) -> None:
        self.do(edits.add_objective(self.model.level))
        self.select(("objectives", len(self.model.level.objectives) - 1))

    def copy(self) -> None:
        if self.region is None:
            self.say("Mark an area first: Copy area tool, or drag on empty floor with Select", error=True)
            return
        self.clip = edits.copy_region(self.model.level, *self.region)
        w, h = self.clip.size
        self.say(f"Copied {w} x {h} cells; Ctrl+V, then click to paste")

    def resize_map(self) -> None:
        try:
            w, h = int(self.panels.size_w.get_text()), int(self.panels.size_h.get_text())
        except ValueError:
            self.say("Map size must be two whole numbers", error=True)
            return
        if not (3 <= w <= 1000 and 3 <= h <= 1000):
            self.say("Map sides must be 3 to 1000 cells", error=True)
            return
        lv = self.model.level
        if (w, h) != (lv.width, lv.height) or any(len(r) != w for r in lv.rows):
            self.do(ResizeMap(w, h))
            self._fit_camera()

    def toggle_grid(self) -> None:
        self.show_grid = not self.show_grid
        self.panels.grid_button.select() if self.show_grid else self.panels.grid_button.unselect()

    def toggle_whatif(self) -> None:
        self.show_whatif = not self.show_whatif
        self.panels.whatif_button.select() if self.show_whatif else self.panels.whatif_button.unselect()
        if self.show_whatif and not any(e.kind == "breach" for e in self.model.level.events):
            self.say("What-if needs a breach: add one with the Breach tool", error=True)

    def _restore(self, level: Level) -> None:
        self.do(SwapLevel(level))
        self._fit_camera()
        self.say("Restored the autosave (Ctrl+Z undoes this)")

    # -------------------------------------------------------- form commits
    def _commit(self, widget, text: str | None = None) -> None:
        for key, form in self.panels.forms.items():
            if form is None:
                continue
            f = form.field_of(widget)
            if f is None:
                continue
            raw = form.text_of(f) if text is None else text
            try:
                value = parse_value(f, raw)
            except FieldError as exc:
                self.say(str(exc), error=True)
                form.revert(f)
                return
            lv = self.model.level
            if key == "meta":
                new = with_value(lv.meta, f, value)
                if new != lv.meta:
                    self.do(SetValue("meta", new, label=f"Set {f.caption}"))
            elif key == "life":
                new = with_value(lv.life_support, f, value)
                if new != lv.life_support:
                    self.do(SetValue("life_support", new, label=f"Set {f.caption}"))
            else:
                ref = self.panels._form_refs[key]
                if ref is None:
                    return
                item = getattr(lv, ref[0])[ref[1]]
                self.do(edits.configure(lv, ref, with_value(item, f, value)))
            form.shown[f.key] = raw.strip()
            return

    def _commit_focused(self) -> None:
        """Apply a field the user typed into and then left without Enter."""
        if not self.panels.ui:
            return
        focus = self._focus
        if focus is not None and focus.alive() and not focus.is_focused:
            self._commit_entry(focus)
        if not self.panels.briefing.is_focused and self.panels.briefing.get_text() != self.model.level.meta.briefing \
                and self.panels.briefing.get_text() != self._briefing_shown:
            text = self.panels.briefing.get_text()
            self._briefing_shown = text
            self.do(SetValue("meta", replace(self.model.level.meta, briefing=text), label="Edit briefing"))

    def _commit_entry(self, entry) -> None:
        for form in self.panels.forms.values():
            if form is not None:
                f = form.field_of(entry)
                if f is not None and entry.get_text().strip() != form.shown.get(f.key, ""):
                    self._commit(entry)
                return

    def _track_focus(self) -> None:
        focused = None
        for form in self.panels.forms.values():
            if form is None:
                continue
            for w in form.widgets.values():
                if isinstance(w, pygame_gui.elements.UITextEntryLine) and w.is_focused:
                    focused = w
        if focused is not self._focus:
            old, self._focus = self._focus, focused
            if old is not None and old.alive():
                self._commit_entry(old)
        if self.panels.ui and not self.panels.briefing.is_focused and self.panels.briefing.get_text() != self._briefing_shown:
            self._commit_focused()

    def _typing(self) -> bool:
        """True while a text field has the keyboard."""
        focus = self.ctx.manager.get_focus_set()
        return any(isinstance(e, (pygame_gui.elements.UITextEntryLine, pygame_gui.elements.UITextEntryBox)) for e in focus or ())

    # --------------------------------------------------------------- files
    def save(self) -> None:
        self._commit_focused()
        if self.model.path is None:
            self.ask_save_as()
            return
        try:
            path = self.model.save()
        except OSError as exc:
            self.say(f"Could not save: {exc.strerror or exc}", error=True)
            return
        self.say(f"Saved {path}")
        self.panels.update_title()

    def save_as(self, path: str) -> None:
        p = Path(path)
        if p.suffix.lower() == ".tmj":
            try:
                save_tiled(self.model.level, p)
            except OSError as exc:
                self.say(f"Could not export: {exc.strerror or exc}", error=True)
                return
            self.say(f"Exported to Tiled: {p}")
            return
        if p.suffix.lower() != ".toml":
            p = p.with_suffix(".toml")
        try:
            self.model.save(p)
        except OSError as exc:
            self.say(f"Could not save: {exc.strerror or exc}", error=True)
            return
        self.say(f"Saved {p}")
        self.panels.update_title()

    def ask_save_as(self) -> None:
        self._file_dialog("Save level as (.toml, or .tmj to export to Tiled)", self.save_as, existing_only=False)

    def ask_open(self) -> None:
        def pick() -> None:
            self._file_dialog("Open level (.toml or Tiled .tmj)", self.open_file, existing_only=True)

        if self.model.dirty:
            self._confirm(f"{self.model.title} has unsaved changes. Open another level and lose them?", "Discard", pick)
        else:
            pick()

    def open_file(self, path: str) -> None:
        try:
            level = load_for_editing(path)
        except ValueError as exc:
            self.say(str(exc).splitlines()[0], error=True)
            return
        p = Path(path)
        self.model.discard_autosave()
        self.model.replace_level(level, p if p.suffix.lower() == ".toml" else None)
        self.selected = None
        self._fit_camera()
        self._refresh_all()
        self.say(f"Opened {p.name}")

    def ask_new(self) -> None:
        def new() -> None:
            self.model.discard_autosave()
            self.model.replace_level(blank_level(40, 24), None)
            self.selected = None
            self._fit_camera()
            self._refresh_all()
            self.say("New 40 x 24 level: resize it on the Level tab")

        if self.model.dirty:
            self._confirm(f"{self.model.title} has unsaved changes. Start a new level and lose them?", "Discard", new)
        else:
            new()

    def ask_generated(self) -> None:
        """Start from a generated habitat (the next seed each time), its incident uncalibrated:
        `main.py generate` or the menu's generated scenario measures one against a difficulty."""
        def gen() -> None:
            self.generated_seed += 1
            self.model.discard_autosave()
            self.model.replace_level(generate_level(self.generated_seed), None)
            self.selected = None
            self._fit_camera()
            self._refresh_all()
            self.say(f"Generated habitat {self.generated_seed} (incident not calibrated): Ctrl+G for the next one")

        if self.model.dirty:
            self._confirm(f"{self.model.title} has unsaved changes. Start from a generated level and lose them?",
                          "Discard", gen)
        else:
            gen()

    def request_quit(self) -> None:
        self._commit_focused()
        if self.model.dirty:
            self._confirm(f"{self.model.title} has unsaved changes. Leave without saving them?", "Leave",
                          self._quit_now, title="Unsaved changes")
        else:
            self._quit_now()

    def _quit_now(self) -> None:
        self.model.discard_autosave()
        self._next = Quit(self.ctx)

    def veto_quit(self) -> bool:
        """The window's close button: ask first when there are unsaved changes."""
        self._commit_focused()
        if not self.model.dirty:
            self.model.discard_autosave()
            return False
        self.request_quit()
        return True

    # ------------------------------------------------------------ playtest
    def request_playtest(self) -> State | None:
        """Play a copy of the level, or say why it cannot run."""
        self._commit_focused()
        problems = validate_level(self.model.level)
        if problems:
            items = "<br>".join(f"- {html.escape(p.message)}" for p in problems[:12])
            more = f"<br>...and {len(problems) - 12} more" if len(problems) > 12 else ""
            self._message_window("Cannot playtest",
                                 f"<b>This level cannot run until these problems are fixed:</b><br><br>{items}{more}")
            self.say(f"Playtest refused: {len(problems)} problem{'s' if len(problems) != 1 else ''}", error=True)
            return None
        try:
            world = create_world(self.model.level, self.ctx.seed)
        except Exception as exc:  # a level that validates but the sim cannot build
            self._message_window("Cannot playtest", html.escape(f"{type(exc).__name__}: {exc}"))
            return None
        self.model.autosave()
        self.say("Playtesting a copy; Esc comes back here")
        return PlaytestState(self.ctx, world, self)

    # --------------------------------------------------------------- input
    def handle_event(self, event: pygame.event.Event) -> State | None:
        return self.input.handle(event)

    def _take_next(self) -> State | None:
        nxt, self._next = self._next, None
        return nxt

    def show_problem(self, problem: Problem) -> None:
        """Centre the map on a problem and mark it; select what it is about."""
        if self._problem_index is None:
            return
        cell, ref, tab = problem_target(self.model.level, problem, self._problem_index)
        if ref is not None:
            self.selected = ref
            self._seen_revision = -1
            self._refresh_all()
        self.panels.show_tab(tab)
        if cell is not None:
            self.camera.centre_on(cell[0] + 0.5, cell[1] + 0.5)
            self.flash = (cell, time.monotonic() + 3.0)
        self.say(problem.message, error=True)

    # --------------------------------------------------------------- update
    def update(self, dt: float) -> State | None:
        nxt = self._take_next()
        if nxt is not None:
            return nxt
        if not self._typing():
            self.input.pan_keys(dt)
        self._track_focus()
        self._refresh_all()
        now = time.monotonic()
        rev = self.model.revision
        # live validation, off the main thread, a moment after the last change
        job = self._validate_job
        if job.revision == rev and self._validated != rev:
            self._validated = rev
            self.problems, self._problem_index = job.result
            self.panels.show_problems()
        elif job.revision != rev and not job.busy and now - self._changed_at >= VALIDATE_DELAY_S:
            job.start(self.model.level, rev)
        self._update_whatif(now)
        if self.model.dirty:
            self._since_autosave += dt
            if self._since_autosave >= AUTOSAVE_EVERY_S:
                self._since_autosave = 0.0
                try:
                    self.model.autosave()
                except OSError as exc:
                    self.say(f"Autosave failed: {exc.strerror or exc}", error=True)
        self.panels.update_status()
        return None

    def wait_for_validation(self) -> None:
        """Run validation now and show it (tests and saving use this)."""
        rev = self.model.revision
        if self._validate_job.revision != rev:
            self._validate_job.wait()
            if self._validate_job.revision != rev:
                self._validate_job.start(self.model.level, rev)
                self._validate_job.wait()
        self._validated = rev
        self.problems, self._problem_index = self._validate_job.result
        self.panels.show_problems()

    def _update_whatif(self, now: float) -> None:
        if not self.show_whatif:
            return
        rev = self.model.revision
        job = self._whatif
        if job is not None and job.done:
            if job.key == rev or self._whatif_result is None or job.key > self._whatif_revision:
                self._whatif_result, self._whatif_revision, self._whatif_error = job.result, job.key, job.error
            self._whatif = None
            job = None
        if job is not None and job.key != rev:
            job.cancel()
        if job is None and self._whatif_revision != rev and now - self._changed_at >= WHATIF_DELAY_S:
            self._whatif = WhatIfJob(self.model.level, key=rev)

    def wait_for_whatif(self, timeout: float = 60.0) -> WhatIf | None:
        """Compute the overlay now (tests and screenshots)."""
        if self._whatif is None or self._whatif.key != self.model.revision:
            self._whatif = WhatIfJob(self.model.level, key=self.model.revision)
        self._whatif.wait(timeout)
        self._update_whatif(time.monotonic())
        return self._whatif_result

    # ----------------------------------------------------------------- draw
    def draw(self, surface: pygame.Surface) -> None:
        lv = self.model.level
        self.picture.sync(lv)
        cam = self.camera
        old_clip = surface.get_clip()
        surface.fill(P.HUD_BG)
        surface.set_clip(cam.viewport)
        self.picture.draw_map(surface, cam)
        whatif = self._whatif_result if self.show_whatif else None
        if whatif is not None:
            self.picture.draw_whatif(surface, cam, whatif)
        if self.show_grid:
            self.picture.draw_grid(surface, cam)
        self.picture.draw_things(surface, cam, lv)
        self.picture.draw_labels(surface, cam, lv, whatif)
        draw_selection(surface, cam, lv, self.selected, self.region)
        self._draw_tool_preview(surface)
        if self.flash is not None and not draw_flash(surface, cam, *self.flash):
            self.flash = None
        if self.show_whatif:
            has_breach = any(e.kind == "breach" for e in lv.events)
            draw_whatif_key(surface, cam.viewport, whatif, self._whatif_error, self._whatif is not None, has_breach)
        surface.set_clip(old_clip)
        self.ctx.manager.draw_ui(surface)

    def _draw_tool_preview(self, surface: pygame.Surface) -> None:
        self.tool.draw_preview(self, surface)
        if self.hover is not None:
            self.tool.draw_hover(self, surface, self.hover)
