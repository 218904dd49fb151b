"""`host` and `join`: a multi-seat exercise over the network, in a window or headless.

The lockstep core and the headless runs live in game.net; this module adds
the window: a lobby that shows who sits where (the host starts from it), and
the play scene as one seat sees it. That scene is the ordinary play scene
with three things changed: the world moves only as the exercise's frames
close (paced to the clock, never paused or sped up), the seat's orders go to
the network instead of into the world, and a team lead's screen shows only
what the team can see (one `Sight` for the map, the crew list, the comms
log's event lines, the inspector and the tooltips). A comms channel (typed lines and quick calls) runs along
the comms log.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import pygame
import pygame_gui

from game.app import run_app
from game.levelio.load import load_level
from game.levelio.problems import LevelError
from game.net import headless
from game.net.client import Client
from game.net.driver import Driver, Phase, ScriptError
from game.net.host import Host
from game.net.seats import Reach, SeatError
from game.net.visibility import Sight, sight
from game.sim import commands as C
from game.sim.atmosphere import FEED_MAX_G_S
from game.sim.world import TICK_S, World
from game.sim.words import mission_clock, place_name
from game.view import palette as P
from game.view.layers import person_at
from game.view.messages import describe_all_keyed
from game.view import ui
from game.view.perf import percentile
from game.view.scenes.base import Context, Quit, State
from game.view.scenes.play import MAX_FRAME_DT_S, MAX_STEPS_PER_FRAME, PlayState

CATCH_UP_TICKS_PER_FRAME = 600  # a rejoining peer runs the exercise forward in the lobby, this much a frame
QUICK_CALLS = (  # the comms channel's quick calls: {place} is where the seat's first selected person is
    ("Crowbar", "need a crowbar at {place}"),
    ("Lance", "need a cutting lance at {place}"),
    ("Casualty", "casualty at {place}"),
    ("Clear", "{place} is clear"),
)
# The instructor's injects in the window: a key arms one, the next click on the map places it.
INJECT_KEYS = {pygame.K_b: "breach", pygame.K_j: "door jam", pygame.K_w: "worsen"}


def inject_at(world: World, kind: str, cell: tuple[int, int], person: int | None) -> C.Command | None:
    """The inject an instructor's click makes: a breach at the cell, the door there jammed,
    the person there worse; None when the click has nothing to inject on."""
    if kind == "breach":
        return C.InjectBreach(cell=cell)
    if kind == "door jam":
        door = world.door_at.get(cell)
        return C.InjectDoorJam(door_id=door) if door is not None else None
    return C.InjectWorsen(person_id=person, spo2_drop=0.15, injury_s=30.0) if person is not None else None


class NetRun:
    """What a windowed peer holds: its driver, and the host or client it talks through."""

    def __init__(self, driver: Driver, host: Host | None = None, client: Client | None = None,
                 screenshot: str | None = None, at_s: float = 0.0) -> None:
        self.driver = driver
        self.host = host
        self.client = client
        self.screenshot = screenshot
        self.shot_tick = round(at_s / TICK_S)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.host is not None:
            self.host.close()


class LobbyState(State):
    """Who is in which seat; the host starts the exercise (Enter), a peer waits for that."""

    def __init__(self, ctx: Context, run: NetRun) -> None:
        super().__init__(ctx)
        self.run = run

    def handle_event(self, event: pygame.event.Event) -> State | None:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                return Quit(self.ctx, 1)
            if event.key == pygame.K_RETURN and self.run.host is not None:
                self.run.host.start()
        return None

    def update(self, dt: float) -> State | None:
        d = self.run.driver
        d.pump(max_ticks=CATCH_UP_TICKS_PER_FRAME)
        if d.phase is Phase.RUNNING and d.live and d.follower is not None:
            return NetPlayState(self.ctx, self.run)
        return None

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(P.SPACE)
        d = self.run.driver
        w, h = self.ctx.size
        box = pygame.Rect(0, 0, min(w - ui.px(40), ui.px(640)), ui.px(360))
        box.center = (w // 2, h // 2)
        inner = ui.panel(surface, box, "Exercise lobby", P.ACCENT)
        y = inner.y + ui.px(8)
        ui.text(surface, f"Your seat: {d.seat_name or '...'}", (inner.x, y), 16, P.TEXT, "bold")
        y += ui.px(30)
        for s in d.lobby:
            colour = P.TEXT if s.get("taken") else P.TEXT_DIM
            ui.text(surface, f"{'in ' if s.get('taken') else 'open'}   {s.get('label', s.get('name'))}",
                    (inner.x, y), 14, colour, max_w=inner.w)
            y += ui.px(22)
        y += ui.px(12)
        if d.phase is Phase.FAILED:
            status = d.error or "failed"
        elif d.phase is Phase.RUNNING:
            status = "Catching up with the running exercise..."
        elif self.run.host is not None:
            status = "Enter starts the exercise (open seats give no orders). Esc quits."
        else:
            status = "Waiting for the host to start. Esc quits." if d.phase is Phase.LOBBY else "Connecting..."
        ui.text(surface, status, (inner.x, y), 13, P.ACCENT, max_w=inner.w)


class NetPlayState(PlayState):
    """The play scene as one seat of a networked exercise sees and drives it."""

    def __init__(self, ctx: Context, run: NetRun) -> None:
        d = run.driver
        assert d.follower is not None and d.seat is not None
        super().__init__(ctx, d.follower.world, d.level_path)
        self.run = run
        self.driver = d
        self.seat = d.seat
        self.late_frames = 0  # frames whose tick was due but had not closed yet (the network was late)
        self.frames = 0
        self._seen_messages = 0
        self._seen_notices = 0
        self._visible_tick = -1
        self.sight = Sight()
        self.entry: pygame_gui.elements.UITextEntryLine | None = None
        self.arming: str | None = None  # the instructor's inject waiting for a click
        self.call_buttons: dict[pygame_gui.elements.UIButton, str] = {}
        self._refresh_view()

    # ------------------------------------------------------------ the seat
    def _refresh_view(self) -> None:
        """What the seat sees at this tick, handed to the map and the panels alike."""
        if self.world.tick != self._visible_tick:
            self._visible_tick = self.world.tick
            self.sight = sight(self.world, self.seat)
            self.renderer.visible = self.sight.cells
            self.panels.sight = self.sight if self.sight.people is not None else None

    def _sync_log(self, force: bool = False) -> None:
        """The comms log hears of events the seat sees (the channel's lines reach every seat)."""
        events = self.world.events
        if self._seen_events >= len(events) and not force:
            return
        self._refresh_view()
        new = [e for e in events[self._seen_events:] if self.sight.sees_event(self.world, e)]
        self.comms.add(describe_all_keyed(new, self.world))
        self._seen_events = len(events)

    def select(self, ids, add: bool = False) -> None:
        """A lead selects only their own team: no one else would take their orders."""
        if self.seat.authority.crew is Reach.TEAM:
            ids = [i for i in ids if int(i) in self.seat.team]
        elif self.seat.authority.crew is Reach.NOBODY:
            ids = []
        super().select(ids, add)

    def choose(self, order) -> None:
        for cmd in order.commands:
            self.driver.give(cmd)
        cell = self.menu.cell if self.menu is not None else None
        self.close_menu()
        if cell is not None:
            self.pings.append((cell, self.clock_s))
        self.ctx.sound.play("order")

    def set_feed(self, rate_g_s: float, target="keep") -> None:
        tgt = self.feed_now()[1] if target == "keep" else target
        self.driver.give(C.SetO2Feed(rate_g_s=max(0.0, min(FEED_MAX_G_S, rate_g_s)), target=tgt))
        self.ctx.sound.play("click")

    def toggle_autopilot(self) -> None:
        self.driver.give(C.SetAutopilot(on=not self.world.crew.autopilot))
        self.ctx.sound.play("click")

    # ------------------------------------------------------------ the comms channel
    def enter(self) -> None:
        super().enter()
        self._build_calls()

    def leave(self) -> None:
        super().leave()
        for b in self.call_buttons:
            b.kill()
        self.call_buttons = {}
        if self.entry is not None:
            self.entry.kill()
            self.entry = None

    def _comms_rect(self) -> pygame.Rect:
        lay = self.lay
        return lay.comms if lay.comms is not None else lay.inspector

    def _build_calls(self) -> None:
        r = self._comms_rect()
        w = max(ui.px(60), (r.w - ui.px(8)) // len(QUICK_CALLS) - ui.px(4))
        for i, (label, words) in enumerate(QUICK_CALLS):
            rect = pygame.Rect(r.x + ui.px(4) + i * (w + ui.px(4)), r.y - ui.px(30), w, ui.px(26))
            self.call_buttons[pygame_gui.elements.UIButton(rect, label, self.ctx.manager)] = words

    def _here(self) -> str:
        ids = self.selected or list(self.seat.team)
        if not ids:
            return "the control room"
        p = self.world.people[ids[0]]
        return place_name(self.world, (int(p.x), int(p.y)))

    def handle_event(self, event: pygame.event.Event) -> State | None:
        if event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element in self.call_buttons:
            self.driver.say(self.call_buttons[event.ui_element].format(place=self._here()))
            return None
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.entry:
            text = self.entry.get_text().strip()
            if text:
                self.driver.say(text)
            self.entry.kill()
            self.entry = None
            return None
        if event.type == pygame.KEYDOWN and event.key == pygame.K_RETURN and self.entry is None:
            r = self._comms_rect()
            rect = pygame.Rect(r.x, r.y - ui.px(64), r.w, ui.px(30))
            self.entry = pygame_gui.elements.UITextEntryLine(rect, self.ctx.manager)
            self.entry.set_text_length_limit(200)
            self.entry.focus()
            return None
        if self.seat.authority.injects and self._inject_event(event):
            return None
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and self.entry is not None:
            self.entry.kill()
            self.entry = None
            return None
        return super().handle_event(event)

    def _inject_event(self, event: pygame.event.Event) -> bool:
        """B, J or W arms an inject, a click places it; True if the event was the instructor's."""
        if event.type == pygame.KEYDOWN and event.key in INJECT_KEYS and self.entry is None:
            self.arming = INJECT_KEYS[event.key]
            self.banner = (f"Click where: {self.arming}. Esc cancels.", self.clock_s + 60.0)
            return True
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and self.arming:
            self.arming, self.banner = None, None
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.arming:
            wx, wy = self.camera.screen_to_world(*event.pos)
            person = person_at(self.world, self.camera, event.pos, self.interpolated_positions())
            cmd = inject_at(self.world, self.arming, (int(wx), int(wy)), person)
            if cmd is not None and self.driver.give(cmd):
                self.arming, self.banner = None, None
            return True
        return False

    def _sync_channel(self) -> None:
        f = self.driver.follower
        new = f.record.messages[self._seen_messages:]
        self._seen_messages += len(new)
        b = self.world.breach_time_s
        self.comms.add([(mission_clock(m.tick * TICK_S, b), f"[{m.seat}] {m.text}", "info") for m in new])
        notes = self.driver.notices[self._seen_notices:]
        self._seen_notices += len(notes)
        if notes:
            self.banner = (f"Refused: {notes[-1]}", self.clock_s + 5.0)

    # ------------------------------------------------------------ the clock
    def advance(self, dt: float) -> int:
        """Run the ticks the clock has come to, as far as the exercise's frames have closed."""
        if self.finished or self.driver.finished:
            return 0
        self.accumulator_s += min(dt, MAX_FRAME_DT_S)
        due = int(self.accumulator_s / TICK_S)
        t0 = time.perf_counter()

        def around(before: bool) -> None:
            if before:
                self.prev_xy = self._positions()
                self.renderer.snapshot()
            else:
                self.watch.update(self.world)
                self.countdowns.trends.sample(self.world)

        steps = self.driver.pump(max_ticks=MAX_STEPS_PER_FRAME, paced_ticks=due, around_step=around)
        self.accumulator_s -= steps * TICK_S
        if steps < due:
            self.late_frames += 1
        self.accumulator_s = min(self.accumulator_s, TICK_S)  # waiting on the network builds no backlog
        self._step_ms += (time.perf_counter() - t0) * 1000.0
        self._steps += steps
        return steps

    def update(self, dt: float) -> State | None:
        self.paused, self.speed = False, 1  # one clock for every seat: nobody pauses or speeds it alone
        self.frames += 1
        nxt = super().update(dt)
        self._refresh_view()
        self._sync_channel()
        d = self.driver
        if self.run.screenshot and self.world.tick >= self.run.shot_tick:
            frame = pygame.Surface(self.ctx.size)
            self.draw(frame)
            pygame.image.save(frame, self.run.screenshot)
            self.run.screenshot = None
        if d.finished:
            if d.until_tick is not None and (d.end is not None or d.error):
                print(json.dumps({**d.summary(), **self.frame_figures()}), flush=True)
                return Quit(self.ctx, 0 if d.end and d.end.get("agree") else 3)
            if self.banner is None or "Exercise" not in self.banner[0]:
                self.banner = (d.error or "Exercise over: every seat ended on the same state.", self.clock_s + 3600)
        return nxt

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        if self.seat.authority.crew is Reach.TEAM:  # the station's sensors are the control room's, not a lead's
            for rect, what in ((self.lay.strip, "At-risk crew: the coordinator's sensors"),
                               (self.lay.life, "Life support: the coordinator's sensors")):
                inner = ui.panel(surface, rect)
                pygame.draw.rect(surface, P.SPACE, inner)
                ui.text(surface, what, inner.topleft, 12, P.TEXT_DIM, max_w=inner.w)

    def frame_figures(self) -> dict[str, float]:
        """Frame times (real ms between frames) and how many frames the network kept a tick waiting."""
        f = list(self.perf.frame_ms)
        return {"frames": self.frames, "frame_p50_ms": round(percentile(f, 50), 2) if f else 0.0,
                "frame_p99_ms": round(percentile(f, 99), 2) if f else 0.0,
                "frame_max_ms": round(max(f), 2) if f else 0.0, "late_frames": self.late_frames}

    def veto_quit(self) -> bool:
        return False


# ---------------------------------------------------------------- the command line


def add_parsers(sub: argparse._SubParsersAction) -> None:
    host = sub.add_parser("host", help="host a multi-seat exercise",
                          description="Host an exercise that coordinator, team leads and instructor join over the network.")
    host.add_argument("level", help="level file")
    join = sub.add_parser("join", help="join a multi-seat exercise",
                          description="Join an exercise hosted with `host`, in one of its seats.")
    headless.add_options(host, join)
    join.add_argument("--screenshot", metavar="OUT.png", help="save this seat's screen at --at seconds")
    join.add_argument("--at", type=float, default=0.0, metavar="SECONDS", help="simulated time of the screenshot")


def cmd_host(args: argparse.Namespace) -> int:
    try:
        level = load_level(args.level)
    except LevelError as exc:
        for p in exc.problems:
            headless.say(str(p))
        return 1
    if args.headless:
        return headless.host_headless(args, level)
    try:
        plan = headless.plan_host(args, level)
        host = headless.open_host(args, level, plan, autostart=False)
    except (SeatError, ScriptError) as exc:
        headless.say(str(exc))
        return 2
    except OSError as exc:
        headless.say(f"cannot listen on {args.bind}:{args.port}: {exc.strerror or exc}")
        return 1
    driver = Driver(host.local, plan.until_tick, plan.script, level_path=args.level)
    return _window(NetRun(driver, host=host), args.record)


def cmd_join(args: argparse.Namespace) -> int:
    if args.headless:
        return headless.join_headless(args)
    client = Client(args.address, args.seat, args.token, latency_s=args.latency_ms / 1000.0)
    until = round(args.until / TICK_S) if args.until is not None else None
    script = headless.load_script(args.script) if args.script else []
    driver = Driver(client.connect(), until, script)
    return _window(NetRun(driver, client=client, screenshot=args.screenshot, at_s=args.at), args.record)


def _window(run: NetRun, record: str | None) -> int:
    try:
        code = run_app(first_state=lambda ctx: LobbyState(ctx, run))
    finally:
        run.close()
    if record and run.driver.follower is not None:
        run.driver.follower.replay().save(record)
    if run.driver.error:
        print(run.driver.error, file=sys.stderr)
    return code

