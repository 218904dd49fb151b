"""The app: window, main loop and scene switching; settings and sound; headless frames.

`run_app` owns the pygame window and hands every event to the current scene
(a `State`); `render_play_frame` builds the same play scene off-screen, so a
PNG shows exactly what a player would see at that moment, and
`measure_frames` times it the way the window runs it.
"""

from __future__ import annotations

import copy
import gc
import io
import json
import os
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Callable

DEFAULT_SIZE = (1280, 720)
MIN_SIZE = (1024, 640)  # the smallest window everything is laid out for (issue 16): ui.LAYOUT_SIZE
FPS = 60
WINDOW_TITLE = "Breach Protocol"

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402  (after the prompt switch above)
import pygame_gui  # noqa: E402

from game import settings as settings_mod  # noqa: E402
from game.atomicfile import write_atomic  # noqa: E402
from game.audio import Audio, sound_disabled_by_env  # noqa: E402
from game.paths import LEVELS_DIR, THEME_PATH  # noqa: E402
from game.sim.level import Level  # noqa: E402
from game.sim.world import World, create_world, run_until  # noqa: E402
from game.view import fonts, ui  # noqa: E402
from game.view.perf import percentile  # noqa: E402
from game.view.scenes.base import EXITS, Context, Quit, State  # noqa: E402
from game.view.scenes.debrief import DebriefState  # noqa: E402
from game.view.scenes.menu import MenuState  # noqa: E402
from game.view.scenes.play import PlayState  # noqa: E402

# The scenes that lie above the play scene in the import order, for the ways back up to them.
EXITS.set(menu=MenuState, debrief=DebriefState)


def init_audio(settings: settings_mod.Settings | None = None) -> Audio:
    """Open the sound device; without one the game runs silently."""
    return Audio(settings, enable=not sound_disabled_by_env())


def _init_video() -> None:
    pygame.display.init()
    pygame.font.init()


# SDL's stand-ins when no screen can be reached: drawing works, but nobody sees it.
_INVISIBLE_DRIVERS = ("offscreen", "dummy")


def no_display_reason() -> str | None:
    """Why no window can be shown here, or None if one can.

    Without a display SDL quietly falls back to an invisible driver and the game
    would run unseen for ever; a driver the user asked for by name
    (SDL_VIDEODRIVER=dummy, as tests and screenshots do) is taken as meant.
    """
    try:
        pygame.display.init()
    except pygame.error as exc:
        return f"no display could be opened ({exc})"
    driver = pygame.display.get_driver()
    if driver in _INVISIBLE_DRIVERS and not os.environ.get("SDL_VIDEODRIVER"):
        return "no display found (neither DISPLAY nor WAYLAND_DISPLAY leads to one)"
    return None


def themed(scale: float = 1.0) -> dict | None:
    """assets/theme.json with every font size and item height scaled (None if there is no theme)."""
    if not THEME_PATH.is_file():
        return None
    try:
        theme = json.loads(THEME_PATH.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if scale == 1.0:
        return theme
    theme = copy.deepcopy(theme)
    for block in theme.values():
        if not isinstance(block, dict):
            continue
        font = block.get("font")
        if isinstance(font, dict) and "size" in font:
            font["size"] = str(max(8, round(int(font["size"]) * scale)))
        misc = block.get("misc")
        if isinstance(misc, dict) and "list_item_height" in misc:
            misc["list_item_height"] = str(round(int(misc["list_item_height"]) * scale))
    return theme


def _fonts_in(theme: dict | None) -> list[dict]:
    """Every font the theme names, for preloading (pygame_gui warns about fonts it loads late)."""
    want = {("noto_sans", 15, "regular"), ("noto_sans", 13, "bold"), ("noto_sans", 15, "bold"), ("noto_sans", 18, "bold")}
    for block in (theme or {}).values():
        font = block.get("font") if isinstance(block, dict) else None
        if isinstance(font, dict) and "size" in font:
            style = "bold" if str(font.get("bold", "0")) == "1" else "regular"
            want.add((font.get("name", "noto_sans"), int(font["size"]), style))
    out = []
    for name, size, style in sorted(want):
        out.append({"name": name, "point_size": size, "style": style})
        if name == "noto_sans":  # html text boxes use bold and italic inline
            out.append({"name": name, "point_size": size, "style": "bold"})
    return out


def make_manager(size: tuple[int, int], scale: float = 1.0) -> pygame_gui.UIManager:
    """A pygame_gui manager themed by assets/theme.json (default look if it is missing), at a UI scale."""
    theme = themed(ui.fitted_scale(scale, size))
    manager = pygame_gui.UIManager(size, theme, enable_live_theme_updates=False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "already loaded" for fonts the theme itself loaded
            manager.preload_fonts(_fonts_in(theme))
    except Exception:
        pass
    return manager


def _first_state(ctx: Context, start_level: str | None) -> State:
    if start_level:
        try:
            return PlayState.from_level_file(ctx, start_level)
        except Exception as exc:  # shown in the menu, where the level is listed with its error
            print(f"{start_level}: cannot start: {exc}", file=sys.stderr)
            return MenuState(ctx, selected=start_level)
    return MenuState(ctx)


def _set_mode(fullscreen: bool) -> pygame.Surface:
    if fullscreen:
        try:
            return pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        except pygame.error:
            pass
    screen = pygame.display.set_mode(DEFAULT_SIZE, pygame.RESIZABLE)
    try:  # below this the HUD and panels no longer fit
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # the display-module window is the one we have
            pygame.Window.from_display_module().minimum_size = MIN_SIZE
    except (AttributeError, pygame.error):
        pass
    return screen


def make_context(size: tuple[int, int], seed: int | None = None, settings_file: Path | None = None,
                 audio: bool = True) -> Context:
    """Settings loaded (a damaged file becomes the defaults and a notice), sound opened, UI themed."""
    loaded = settings_mod.load(settings_file)
    s = loaded.settings
    ui.set_scale(s.ui_scale, size)
    ctx = Context(make_manager(size, s.ui_scale), size, LEVELS_DIR, seed, s,
                  init_audio(s) if audio else Audio(s, enable=False), settings_file, loaded.message)
    if loaded.message:
        print(loaded.message, file=sys.stderr)
    return ctx


def run_app(start_level: str | None = None, seed: int | None = None,
            first_state: "Callable[[Context], State] | None" = None) -> int:
    """Open the game window (menu, straight into `start_level`, or `first_state(ctx)`,
    e.g. the editor or an exercise); returns an exit code (2 when there is no display)."""
    reason = no_display_reason()
    if reason is not None:
        pygame.quit()
        print(f"Breach Protocol needs a window: {reason}.\n"
              "Headless commands still work: python main.py sim|validate|report|batch, "
              "or play LEVEL --screenshot OUT.png.", file=sys.stderr)
        return 2
    _init_video()
    ctx = make_context(DEFAULT_SIZE, seed)
    screen = _set_mode(ctx.settings.fullscreen)
    pygame.display.set_caption(WINDOW_TITLE)
    size = screen.get_size()
    if size != ctx.size:
        ctx.size = size
        ctx.manager = make_manager(size, ctx.settings.ui_scale)

    def apply_settings(c: Context) -> None:
        """Fullscreen and UI scale take a new window or a new UI manager."""
        nonlocal screen
        want_full = c.settings.fullscreen
        is_full = bool(pygame.display.get_surface().get_flags() & pygame.FULLSCREEN)
        if want_full != is_full:
            screen = _set_mode(want_full)
        c.size = screen.get_size()
        ui.set_scale(c.settings.ui_scale, c.size)
        c.manager = make_manager(c.size, c.settings.ui_scale)

    ctx.apply_settings = apply_settings
    state = first_state(ctx) if first_state is not None else _first_state(ctx, start_level)
    state.enter()
    settle_memory()
    clock = pygame.time.Clock()
    try:
        while True:
            dt = clock.tick(FPS) / 1000.0
            for event in pygame.event.get():
                if event.type == pygame.QUIT:
                    if state.veto_quit():
                        continue  # e.g. the editor asks about unsaved work first
                    return 0
                if event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
                    screen = pygame.display.get_surface()
                    new = screen.get_size()
                    if new != ctx.size:
                        if ui.fitted_scale(ctx.settings.ui_scale, new) != ui.fitted_scale(ctx.settings.ui_scale, ctx.size):
                            state.leave()  # the UI scale in use changes: a new themed manager, the scene rebuilt in it
                            ctx.manager = make_manager(new, ctx.settings.ui_scale)
                            state.resize(new)
                            state.enter()
                        else:
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
            screen = pygame.display.get_surface()
            state.draw(screen)
            pygame.display.flip()
    finally:
        gc.unfreeze()
        ctx.sound.stop_all()
        fonts.reset()  # fonts die with pygame; a later run_app must not reuse them
        pygame.quit()


def settle_memory() -> None:
    """Collect now and freeze what is left, so the collector's full passes during
    play skip the level's many long-lived objects (they cost 50-60 ms frames)."""
    gc.unfreeze()  # what the last scene froze can go now if nothing holds it
    gc.collect()
    gc.freeze()


def _switch(old: State, new: State) -> State:
    old.leave()
    if not isinstance(new, Quit):
        if new.ctx.size != old.ctx.size:
            new.ctx.size = old.ctx.size
        new.enter()
        settle_memory()
    return new


# ------------------------------------------------------------ headless frames

def _headless() -> None:
    if not pygame.display.get_init():
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # headless: never flash a window
        _init_video()
    if pygame.display.get_surface() is None:
        pygame.display.set_mode((1, 1), pygame.HIDDEN)


def headless_play(world: "World", size: tuple[int, int] = DEFAULT_SIZE, paused: bool = True, audio: bool = False,
                  **settings):
    """A PlayState on `world` with no window (for screenshots, tests and timing); silent unless `audio`."""
    _headless()
    s = replace(settings_mod.Settings(), **settings)
    ui.set_scale(s.ui_scale, size)
    ctx = Context(make_manager(size, s.ui_scale), size, LEVELS_DIR, None, s, init_audio(s) if audio else Audio(s, enable=False))
    state = PlayState(ctx, world, paused=paused)
    state.enter()
    ctx.manager.update(0.0)
    return state


def render_play_frame(world: "World", size: tuple[int, int] = DEFAULT_SIZE, paused: bool = True,
                      overlay: str | None = None, select: list[int] | None = None, warmup_s: float = 0.0,
                      ui_scale: float = 1.0) -> pygame.Surface:
    """One full play frame (map + HUD + panels) of `world`, drawn off-screen.

    `warmup_s` runs the world that much further inside the scene first, so
    pressure trends, countdowns and air streaks have a history to show.
    """
    state = headless_play(world, size, paused, ui_scale=ui_scale)
    if warmup_s > 0:
        state.run_for(warmup_s)
    state.renderer.overlay = overlay
    if select:
        state.select(select)
    state.countdowns.finish(world)
    surface = pygame.Surface(size)
    state.draw(surface)
    state.leave()
    return surface


def screenshot(level: Level, level_path: str, seed: int | None, at_s: float, out_png: str,
               size: tuple[int, int] = DEFAULT_SIZE, ui_scale: float = 1.0) -> int:
    """Run `level` headless to `at_s` seconds and save one play frame (a window of `size`
    at `ui_scale`) as a PNG; exit code 1 with `OUT: cannot write: reason` if it cannot be saved.

    The PNG is encoded in memory and saved atomically like every other file the game
    writes: a full disk leaves the old file (or none), never a truncated picture, and a
    missing folder is refused, not made."""
    world = create_world(level, seed)
    warm = min(at_s, 8.0)
    run_until(world, at_s - warm)
    surface = render_play_frame(world, size, paused=False, warmup_s=warm, ui_scale=ui_scale)
    png = io.BytesIO()
    pygame.image.save(surface, png, "png")
    try:
        write_atomic(out_png, png.getvalue())
    except OSError as exc:
        print(f"{out_png}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"{level_path}: frame at {world.time_s:.1f} s saved to {out_png}")
    return 0


def measure_frames(world: "World", frames: int = 600, fps: int = FPS, size: tuple[int, int] = DEFAULT_SIZE,
                   speed: int = 1, overlay: str | None = None,
                   after_frame: Callable[[float, float, float, float], None] | None = None, **settings) -> dict[str, float]:
    """Run the play scene headless for `frames` frames of 1/fps real seconds each; frame times in ms.

    `after_frame(frame_ms, update_ms, draw_ms, cpu_ms)`, if given, is called after each
    frame outside the timing, so a benchmark can note what the world was doing;
    `settings` override the player's (auto_pause=False to play through a breach).

    A frame is what the window does each time round: the scene's update (the
    fixed-step sim, countdowns, particles, sound cues) and its draw at `size`
    into an off-screen surface, plus the UI manager's update. The scene's
    first frame (which builds the map cache) is drawn before timing starts.
    """
    state = headless_play(world, size, paused=False, **settings)
    state.speed = speed
    state.renderer.overlay = overlay
    surface = pygame.Surface(size)
    if pygame.display.get_surface() is not None:
        surface = surface.convert()
    state.draw(surface)  # the scene's first frame builds its map cache, as on entering it in the window
    settle_memory()  # as the app does on every scene switch
    times, steps_ms, draws, cpu = [], [], [], []
    dt = 1.0 / fps
    for _ in range(frames):
        c0 = time.process_time()
        t0 = time.perf_counter()
        state.ctx.manager.update(dt)
        state.update(dt)
        t1 = time.perf_counter()
        state.draw(surface)
        t2 = time.perf_counter()
        cpu.append((time.process_time() - c0) * 1000.0)
        times.append((t2 - t0) * 1000.0)
        steps_ms.append((t1 - t0) * 1000.0)
        draws.append((t2 - t1) * 1000.0)
        if after_frame is not None:
            after_frame(times[-1], steps_ms[-1], draws[-1], cpu[-1])
    state.leave()
    gc.unfreeze()
    return {
        "frame_p50_ms": percentile(times, 50), "frame_p95_ms": percentile(times, 95),
        "frame_p99_ms": percentile(times, 99), "frame_max_ms": max(times),
        "update_p50_ms": percentile(steps_ms, 50), "update_p99_ms": percentile(steps_ms, 99),
        "draw_p50_ms": percentile(draws, 50), "draw_p99_ms": percentile(draws, 99),
        # CPU time of this process: what the frame costs when other programs share the machine
        "cpu_p50_ms": percentile(cpu, 50), "cpu_p99_ms": percentile(cpu, 99),
    }
