"""New generated scenario: pick a seed and a difficulty, watch the calibration, play.

The calibration (game.training.calibrate) runs the autopilot over several
seeds in worker processes; it is started from a thread so the window stays
live and the progress bar moves. The level is saved in the user's config
folder (`generated/`), so a restart, the debrief and best scores have a file.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pygame
import pygame_gui

from game.atomicfile import write_atomic
from game.levelio.generate import DEPTHS, DIFFICULTIES
from game.levelio.save import level_to_toml
from game.settings import config_dir
from game.sim.limits import seed_problem
from game.sim.world import create_world
from game.training.batch import default_workers
from game.training.calibrate import BANDS, MAX_STEPS, RUNS_PER_STEP, Calibration, Step, calibrate, figures_comment
from game.view import palette as P
from game.view.fonts import TEXT
from game.view.layers import Backdrop
from game.view.scenes.base import EXITS, Context, State
from game.view.scenes.play import PlayState

MARGIN = 48
ROW_H = 36


def generated_path(seed: int, difficulty: str, folder: Path | None = None) -> Path:
    """Where the menu keeps the level it generated for (seed, difficulty)."""
    return (folder or config_dir() / "generated") / f"generated_{seed}_{difficulty}.toml"


class Calibrating:
    """One calibration on a thread: how many runs are done, each step, and the result or the error."""

    def __init__(self, seed: int, difficulty: str, workers: int) -> None:
        self.seed, self.difficulty = seed, difficulty
        self.runs_done = 0
        self.steps: list[Step] = []
        self.result: Calibration | None = None
        self.error: str | None = None
        self.thread = threading.Thread(target=self._run, args=(workers,), daemon=True)
        self.thread.start()

    def _run(self, workers: int) -> None:
        try:
            self.result = calibrate(self.seed, self.difficulty, workers=workers, on_run=self._tick,
                                    on_step=self.steps.append)
        except Exception as exc:  # shown on the screen; the menu stays usable
            self.error = f"{type(exc).__name__}: {exc}"

    def _tick(self) -> None:
        self.runs_done += 1

    @property
    def finished(self) -> bool:
        return not self.thread.is_alive()

    @property
    def fraction(self) -> float:
        """Runs done against the most a calibration can take (it usually stops sooner):
        every step doubled near a band edge, every placement of the sleepers searched."""
        return min(1.0, self.runs_done / (2 * RUNS_PER_STEP * MAX_STEPS * len(DEPTHS)))


class RunsBar(pygame_gui.elements.UIProgressBar):
    """The progress bar, captioned with the runs done rather than a percentage of a guess."""

    _runs = 0

    @property
    def runs(self) -> int:
        return self._runs

    @runs.setter
    def runs(self, value: int) -> None:
        # pygame_gui redraws a bar only when its fill changes; a run that leaves the fill
        # where it was must still change the caption
        if value != self._runs:
            self._runs = value
            self.status_changed = True

    def status_text(self) -> str:
        return f"{self.runs} autopilot runs"


class GenerateState(State):
    """The seed and difficulty form, then the calibration's progress, then play."""

    def __init__(self, ctx: Context, seed: int = 1, difficulty: str = "normal", folder: Path | None = None,
                 workers: int | None = None) -> None:
        super().__init__(ctx)
        self.seed, self.difficulty = seed, difficulty
        self.folder = folder
        self.workers = default_workers() if workers is None else workers
        self.backdrop = Backdrop(seed=77)
        self.job: Calibrating | None = None
        self.message = ""
        self.elements: list[pygame_gui.core.UIElement] = []
        self.seed_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.difficulty_menu: pygame_gui.elements.UIDropDownMenu | None = None
        self.progress: RunsBar | None = None
        self.go_button: pygame_gui.elements.UIButton | None = None
        self.back_button: pygame_gui.elements.UIButton | None = None

    def enter(self) -> None:
        m = self.ctx.manager
        w, h = self.ctx.size
        x, y = MARGIN + 150, 170
        self.seed_entry = pygame_gui.elements.UITextEntryLine(pygame.Rect(x, y, 160, 32), m, object_id="#gen_seed")
        self.seed_entry.set_text(str(self.seed))
        self.difficulty_menu = pygame_gui.elements.UIDropDownMenu(
            list(DIFFICULTIES), self.difficulty, pygame.Rect(x, y + ROW_H + 12, 160, 32), m, object_id="#gen_difficulty")
        self.progress = RunsBar(pygame.Rect(MARGIN, y + 2 * (ROW_H + 12) + 20, w - 2 * MARGIN, 28),
                                                          m, object_id="#gen_progress")
        self.go_button = pygame_gui.elements.UIButton(pygame.Rect(w - MARGIN - 220, h - MARGIN - 46, 220, 46),
                                                      "Generate and play", m, object_id="#play_button")
        self.back_button = pygame_gui.elements.UIButton(pygame.Rect(w - MARGIN - 220 - 14 - 120, h - MARGIN - 46, 120, 46),
                                                        "Back", m, object_id="#quit_button")
        self.elements = [self.seed_entry, self.difficulty_menu, self.progress, self.go_button, self.back_button]

    def leave(self) -> None:
        if self.seed_entry is not None:
            self.seed = self._seed() or self.seed
        for e in self.elements:
            e.kill()
        self.elements = []

    def resize(self, size: tuple[int, int]) -> None:
        super().resize(size)
        if self.elements:
            self.leave()
            self.enter()

    def _seed(self) -> int | None:
        text = self.seed_entry.get_text().strip() if self.seed_entry is not None else str(self.seed)
        try:
            value = int(text)
        except ValueError:
            self.message = f"The seed must be a whole number, not {text[:20]!r}."
            return None
        why = seed_problem(value)
        if why is not None:
            self.message = why
            return None
        return value

    def start(self) -> None:
        """Begin calibrating the chosen seed and difficulty (ignored while one runs)."""
        if self.job is not None and not self.job.finished:
            return
        seed = self._seed()
        if seed is None:
            return
        self.seed = seed
        self.message = ""
        self.job = Calibrating(seed, self.difficulty, self.workers)
        if self.go_button is not None:
            self.go_button.disable()

    def handle_event(self, event: pygame.event.Event) -> State | None:
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED and event.ui_element is self.difficulty_menu:
            self.difficulty = event.text
        elif event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.go_button:
                self.start()
            elif event.ui_element is self.back_button and (self.job is None or self.job.finished):
                return EXITS.menu(self.ctx)
        elif event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.start()
            elif event.key == pygame.K_ESCAPE and (self.job is None or self.job.finished):
                return EXITS.menu(self.ctx)
        return None

    def update(self, dt: float) -> State | None:
        job = self.job
        if job is None:
            return None
        if self.progress is not None:
            self.progress.runs = job.runs_done
            self.progress.set_current_progress(100.0 * (1.0 if job.finished else job.fraction))
        if not job.finished:
            return None
        self.job = None
        if self.go_button is not None:
            self.go_button.enable()
        if job.error is not None or job.result is None:
            self.message = f"The scenario could not be generated: {job.error}"
            return None
        return self.play(job.result)

    def play(self, cal: Calibration) -> State | None:
        """Save the calibrated level and start it."""
        path = generated_path(self.seed, cal.difficulty, self.folder)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, figures_comment(cal) + level_to_toml(cal.level))
        except OSError as exc:
            self.message = f"{path}: cannot save the generated level: {exc.strerror or exc}"
            return None
        return PlayState(self.ctx, create_world(cal.level, self.ctx.seed), str(path))

    def status_lines(self) -> list[str]:
        """What the screen says under the progress bar: each step measured so far."""
        job = self.job
        lo, hi = BANDS[self.difficulty]
        lines = [f"Target: the autopilot succeeds in {lo:.0%} to {hi:.0%} of runs ({self.difficulty})."]
        if job is not None:
            lines.append(f"Calibrating habitat {job.seed}: {job.runs_done} runs done")
            lines += [f"  severity {s.severity:.3f}: succeeded in {s.won} of {s.runs}" for s in list(job.steps)]
        return lines

    def draw(self, surface: pygame.Surface) -> None:
        self.backdrop.draw(surface, surface.get_rect())
        title = TEXT.render("New generated scenario", 34, P.ACCENT, "bold", shadow=P.TEXT_SHADOW)
        surface.blit(title, (MARGIN, 60))
        sub = TEXT.render("A habitat laid out from the seed; its incident measured against the autopilot until the "
                          "difficulty holds.", 15, P.TEXT_DIM)
        surface.blit(sub, (MARGIN + 2, 60 + title.get_height() + 4))
        for i, label in enumerate(("Seed", "Difficulty")):
            t = TEXT.render(label, 16, P.TEXT)
            surface.blit(t, (MARGIN, 176 + i * (ROW_H + 12)))
        y = 170 + 2 * (ROW_H + 12) + 60
        for line in self.status_lines():
            t = TEXT.render(line, 15, P.TEXT)
            surface.blit(t, (MARGIN, y))
            y += t.get_height() + 4
        if self.message:
            t = TEXT.render(self.message, 15, P.IMPAIRED)
            surface.blit(t, (MARGIN, y + 8))
        self.ctx.manager.draw_ui(surface)
