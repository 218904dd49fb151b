"""The app: window, main loop and scene switching; and the headless screenshot.

`run_app` owns the pygame window and hands every event to the current scene
(a `State`); `screenshot` builds the same play scene off-screen, so a PNG
shows exactly what a player would see at that moment.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEVELS_DIR = ROOT / "levels"
THEME_PATH = ROOT / "assets" / "theme.json"
DEFAULT_SIZE = (1280, 720)
MIN_SIZE = (800, 480)
FPS = 60
WINDOW_TITLE = "Breach Protocol"

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402  (after the prompt switch above)
import pygame_gui  # noqa: E402

from game.sim.level import Level  # noqa: E402
from game.sim.world import World  # noqa: E402
from game.view import fonts  # noqa: E402
from game.view.scenes.base import Context, Quit, State  # noqa: E402

# fonts the theme uses; preloading keeps pygame_gui from warning at run time
_PRELOAD = [
    {"name": "noto_sans", "point_size": 13, "style": "bold"},
    {"name": "noto_sans", "point_size": 15, "style": "bold"},
    {"name": "noto_sans", "point_size": 18, "style": "bold"},
]


def init_audio() -> bool:
    """Try to open the sound device; the game runs silently without one."""
    try:
        pygame.mixer.init()
        return True
    except Exception:  # no device, no driver, or no mixer module at all
        return False


def _init_video() -> None:
    pygame.display.init()
    pygame.font.init()


def make_manager(size: tuple[int, int]) -> pygame_gui.UIManager:
    """A pygame_gui manager themed by assets/theme.json (default look if it is missing)."""
    theme = str(THEME_PATH) if THEME_PATH.is_file() else None
    manager = pygame_gui.UIManager(size, theme)
    try:
        manager.preload_fonts(_PRELOAD)
    except Exception:
        pass
    return manager


def _first_state(ctx: Context, start_level: str | None) -> State:
    from game.view.scenes.menu import MenuState
    from game.view.scenes.play import PlayState

    if start_level:
        try:
            return PlayState.from_level_file(ctx, start_level)
        except Exception as exc:  # shown in the menu, where the level is listed with its error
            print(f"{start_level}: cannot start: {exc}", file=sys.stderr)
            return MenuState(ctx, selected=start_level)
    return MenuState(ctx)


def run_app(start_level: str | None = None, seed: int | None = None) -> int:
    """Open the game window (menu, or straight into `start_level`); returns an exit code."""
    _init_video()
    init_audio()
    flags = pygame.RESIZABLE
    screen = pygame.display.set_mode(DEFAULT_SIZE, flags)
    pygame.display.set_caption(WINDOW_TITLE)
    try:  # below this the HUD and panels no longer fit
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # the display-module window is the one we have
            pygame.Window.from_display_module().minimum_size = MIN_SIZE
    except (AttributeError, pygame.error):
        pass
    size = screen.get_size()
    ctx = Context(make_manager(size), size, LEVELS_DIR, seed)
    state = _first_state(ctx, start_level)
    state.enter()
    clock = pygame.time.Clock()
    try:
        while True:
            dt = clock.tick(FPS) / 1000.0
            for event in pygame.event.get():
                if event.type == pygame.QUIT:
                    return 0
                if event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
                    screen = pygame.display.get_surface()
                    new = screen.get_size()
                    if new != ctx.size:
                        ctx.manager.set_window_resolution(new)
                        state.resize(new)
                    continue
                if ctx.manager.process_events(event):
                    continue  # a click on a button is not also a click on the map
                nxt = state.handle_event(event)
                if nxt is not None:
                    state = _switch(state, nxt)
                    if isinstance(state, Quit):
                        return state.code
            ctx.manager.update(dt)
            nxt = state.update(dt)
            if nxt is not None:
                state = _switch(state, nxt)
                if isinstance(state, Quit):
                    return state.code
            state.draw(screen)
            pygame.display.flip()
    finally:
        fonts.reset()  # fonts die with pygame; a later run_app must not reuse them
        pygame.quit()


def _switch(old: State, new: State) -> State:
    old.leave()
    if not isinstance(new, Quit):
        new.ctx.size = old.ctx.size
        new.enter()
    return new


def render_play_frame(world: "World", size: tuple[int, int] = DEFAULT_SIZE, paused: bool = True) -> pygame.Surface:
    """One full play frame (map + HUD + panels) of `world`, drawn off-screen."""
    from game.view.scenes.play import PlayState

    if not pygame.display.get_init():
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # headless: never flash a window
        _init_video()
    if pygame.display.get_surface() is None:
        pygame.display.set_mode((1, 1), pygame.HIDDEN)
    ctx = Context(make_manager(size), size, LEVELS_DIR, None)
    state = PlayState(ctx, world, paused=paused)
    state.enter()
    ctx.manager.update(0.0)
    surface = pygame.Surface(size)
    state.draw(surface)
    state.leave()
    return surface


def screenshot(level: Level, level_path: str, seed: int | None, at_s: float, out_png: str) -> int:
    """Run `level` headless to `at_s` seconds and save one 1280x720 play frame as a PNG."""
    from game.sim.world import create_world, run_until

    world = create_world(level, seed)
    run_until(world, at_s)
    surface = render_play_frame(world, DEFAULT_SIZE, paused=False)
    out = Path(out_png)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(surface, str(out))
    print(f"{level_path}: frame at {world.time_s:.1f} s saved to {out}")
    return 0
