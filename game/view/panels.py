"""The play screen's HUD panels: layout, the at-risk strip, the crew roster,
the inspector and life support.

Panels are drawn by hand every frame (they hold bars and marks that change
each tick, which pygame_gui would re-layout at some cost); their buttons and
the comms log are pygame_gui elements the play scene places in the rects
worked out here. Each panel's `draw` returns the clickable rows it drew.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np
import pygame

from game.sim.explain import locker_contents
from game.sim.physiology import ARMSTRONG_LIMIT_BAR
from game.sim.roles import ROLES
from game.sim.words import duration, short_name
from game.view import glyphs, hud, ui
from game.view import palette as P
from game.view.agents import Activity
from game.view.fonts import font
from game.view.ui import px

if TYPE_CHECKING:
    from game.sim.world import World
    from game.view.countdowns import Countdowns

ROLE_ORDER = ("rescue", "medic", "commander", "coordinator", "engineer", "technician", "scientist", "botanist", "crew")
STATE_COLOURS = {"conscious": P.TEXT, "impaired": P.IMPAIRED, "unconscious": P.UNCONSCIOUS, "dead": P.DEAD}


# ------------------------------------------------------------------- layout

@dataclass
class Layout:
    size: tuple[int, int]
    top: pygame.Rect
    strip: pygame.Rect  # the at-risk cards under the top bar
    dock: pygame.Rect  # the bottom band of panels
    comms: pygame.Rect | None
    crew: pygame.Rect | None
    inspector: pygame.Rect
    life: pygame.Rect
    viewport: pygame.Rect  # where the map is drawn (under the panels too)
    map_free: pygame.Rect  # the part of it no panel covers: the camera fits the map here
    tabbed: bool = False  # comms and crew share one rect, one shown at a time (a narrow window)


def layout(size: tuple[int, int]) -> Layout:
    w, h = size
    m = px(8)
    top_h = hud.top_bar_h()
    strip = pygame.Rect(m, top_h + px(6), w - 2 * m, px(54))
    dock_h = min(px(216), max(px(150), h // 3))
    dock = pygame.Rect(0, h - dock_h, w, dock_h)
    inner = dock.inflate(-2 * m, -m)
    inner.top = dock.top + m // 2
    gap = px(6)
    life_w, insp_w, crew_w = px(262), px(270), px(400)
    comms = crew = None
    if inner.w >= life_w + insp_w + crew_w + px(300) + 3 * gap:
        comms_w = inner.w - life_w - insp_w - crew_w - 3 * gap
        x = inner.x
        comms = pygame.Rect(x, inner.y, comms_w, inner.h)
        crew = pygame.Rect(comms.right + gap, inner.y, crew_w, inner.h)
        insp = pygame.Rect(crew.right + gap, inner.y, insp_w, inner.h)
    elif inner.w >= life_w + insp_w + px(260) + 2 * gap:
        # no room for both: the comms log and the crew list take turns in one place, under tabs
        comms_w = inner.w - life_w - insp_w - 2 * gap
        comms = pygame.Rect(inner.x, inner.y, comms_w, inner.h)
        crew = comms.copy()
        insp = pygame.Rect(comms.right + gap, inner.y, insp_w, inner.h)
    else:
        insp_w = inner.w - life_w - gap
        insp = pygame.Rect(inner.x, inner.y, insp_w, inner.h)
    life = pygame.Rect(insp.right + gap, inner.y, inner.right - insp.right - gap, inner.h)
    viewport = pygame.Rect(0, top_h, w, max(1, h - top_h))
    free_top = strip.bottom + px(4)
    map_free = pygame.Rect(0, free_top, w, max(px(80), dock.top - free_top - px(4)))
    return Layout(size, pygame.Rect(0, 0, w, top_h), strip, dock, comms, crew, insp, life, viewport, map_free,
                  tabbed=crew is not None and crew == comms)


# --------------------------------------------------------------- at-risk strip

CARD_W = 178


def draw_strip(
    surface: pygame.Surface, rect: pygame.Rect, world: "World", countdowns: "Countdowns", selected: set[int]
) -> list[tuple[pygame.Rect, int]]:
    """One card per endangered person, soonest death first; returns (card, person) hits."""
    rows = countdowns.endangered(world.time_s)
    hits: list[tuple[pygame.Rect, int]] = []
    if not rows:
        return hits
    cw, gap = px(CARD_W), px(6)
    fit = max(1, (rect.w + gap) // (cw + gap))
    shown = rows if len(rows) <= fit else rows[: fit - 1]
    x = rect.x
    for pid, ttu, ttd in shown:
        card = pygame.Rect(x, rect.y, cw, rect.h)
        _card(surface, card, world, pid, ttu, ttd, pid in selected)
        hits.append((card, pid))
        x += cw + gap
    if len(shown) < len(rows):
        card = pygame.Rect(x, rect.y, cw, rect.h)
        ui.panel(surface, card)
        more = len(rows) - len(shown)
        ui.text(surface, f"+{more} more at risk", (card.x + px(12), card.y + px(8)), 13, P.TEXT, "bold")
        soonest = min(r[1] for r in rows[len(shown):])
        if soonest < 3600:
            ui.text(surface, f"next out in {duration(soonest)}", (card.x + px(12), card.y + px(28)), 12, P.TEXT_DIM)
    return hits


def _card(surface: pygame.Surface, card: pygame.Rect, world: "World", pid: int, ttu: float, ttd: float, sel: bool) -> None:
    p = world.people[pid]
    state = world.person_state(pid)
    ui.panel(surface, card)
    if sel:
        pygame.draw.rect(surface, P.ACCENT, card, 2, border_radius=px(3))
    urgent = state == "unconscious" or ttu < 120
    stripe = P.UNCONSCIOUS if urgent else (P.IMPAIRED if ttu < 300 or state == "impaired" else (120, 140, 170))
    pygame.draw.rect(surface, stripe, (card.x + 1, card.y + 1, px(4), card.h - 2), border_top_left_radius=px(3),
                     border_bottom_left_radius=px(3))
    x = card.x + px(12)
    glyphs.person(surface, (x + px(5), card.y + px(14)), px(5), P.ROLE_COLOURS.get(p.role, P.ROLE_DEFAULT), state)
    spo2 = float(world.bodies.spo2[pid])
    ui.text(surface, f"{spo2 * 100:.0f}%", (card.right - px(8), card.y + px(6)), 12, ui.spo2_colour(spo2), "bold", anchor="topright")
    ui.text(surface, p.name, (x + px(14), card.y + px(5)), 13, P.TEXT, "bold", max_w=card.w - px(70))
    y = card.y + px(27)
    if state == "unconscious":
        ui.text(surface, "DOWN", (x, y), 12, P.UNCONSCIOUS, "bold")
    else:
        r = ui.text(surface, "OUT", (x, y + px(1)), 10, P.TEXT_DIM, "bold")
        ui.text(surface, duration(ttu), (r.right + px(4), y - px(1)), 14, P.IMPAIRED if ttu < 300 else P.TEXT, "mono")
    x2 = card.x + card.w // 2 + px(4)
    r = ui.text(surface, "DIES", (x2, y + px(1)), 10, P.TEXT_DIM, "bold")
    ui.text(surface, duration(ttd), (r.right + px(4), y - px(1)), 14, P.UNCONSCIOUS if ttd < 300 else P.TEXT, "mono")


# ------------------------------------------------------------------ crew panel

def roster_order(world: "World") -> list[int]:
    """Responders first (the people a coordinator orders about), then by role and name: a stable list."""
    def key(i: int):
        p = world.people[i]
        role = ROLE_ORDER.index(p.role) if p.role in ROLE_ORDER else len(ROLE_ORDER)
        return (role, p.name)

    return sorted(range(len(world.people)), key=key)


class CrewPanel:
    """The roster: state, saturation, kit and current task of everyone, scrollable."""

    ROW_H = 21

    def __init__(self) -> None:
        self.scroll = 0
        self.order: list[int] = []  # the rows, as last drawn
        self._roster: list[int] = []  # everyone, in roster order
        self._order_for: int = -1

    def rows_visible(self, rect: pygame.Rect) -> int:
        return max(1, (rect.h - px(30)) // px(self.ROW_H))

    def on_wheel(self, rect: pygame.Rect, dy: int) -> None:
        self.scroll = max(0, min(self.scroll - dy * 2, max(0, len(self.order) - self.rows_visible(rect))))

    def ensure_visible(self, rect: pygame.Rect, pid: int) -> None:
        if pid not in self.order:
            return
        i = self.order.index(pid)
        n = self.rows_visible(rect)
        if i < self.scroll:
            self.scroll = i
        elif i >= self.scroll + n:
            self.scroll = i - n + 1

    def draw(self, surface: pygame.Surface, rect: pygame.Rect, world: "World", selected: set[int],
             tasks: dict[int, Activity], hover: tuple[int, int] | None,
             sees: Callable[[int], bool] | None = None) -> list[tuple[pygame.Rect, int]]:
        """The rows, of everyone or (a team lead's screen) of those `sees` says are in sight."""
        if self._order_for != id(world) or len(self._roster) != len(world.people):
            self._roster = roster_order(world)
            self._order_for = id(world)
        self.order = self._roster if sees is None else [i for i in self._roster if sees(i)]
        inner = ui.panel(surface, rect, f"CREW  {len(self.order)}", accent=P.ACCENT)
        n = self.rows_visible(rect)
        self.scroll = max(0, min(self.scroll, max(0, len(self.order) - n)))
        cols = {"name": inner.x + px(18), "spo2": inner.x + px(148), "kit": inner.x + px(214), "task": inner.x + px(272)}
        ui.text(surface, "SpO2", (cols["spo2"], inner.y - px(17)), 10, P.TEXT_DIM, "bold")
        ui.text(surface, "KIT", (cols["kit"], inner.y - px(17)), 10, P.TEXT_DIM, "bold")
        ui.text(surface, "DOING", (cols["task"], inner.y - px(17)), 10, P.TEXT_DIM, "bold")
        hits = []
        rh = px(self.ROW_H)
        for k, pid in enumerate(self.order[self.scroll:self.scroll + n]):
            row = pygame.Rect(inner.x - px(4), inner.y + k * rh, inner.w + px(4), rh)
            p = world.people[pid]
            state = world.person_state(pid)
            if pid in selected:
                pygame.draw.rect(surface, ui.ROW_SELECTED, row, border_radius=px(2))
                pygame.draw.rect(surface, P.ACCENT, (row.x, row.y + 2, px(2), row.h - 4))
            elif hover is not None and row.collidepoint(hover):
                pygame.draw.rect(surface, ui.ROW_HOVER, row, border_radius=px(2))
            cy = row.centery
            glyphs.person(surface, (inner.x + px(7), cy), px(5), P.ROLE_COLOURS.get(p.role, P.ROLE_DEFAULT), state)
            ui.text(surface, p.name, (cols["name"], cy), 12, STATE_COLOURS.get(state, P.TEXT),
                    "bold" if pid in selected else "regular", anchor="midleft", max_w=px(126))
            spo2 = float(world.bodies.spo2[pid])
            ui.bar(surface, pygame.Rect(cols["spo2"], cy - px(3), px(34), px(6)), (spo2 - 0.5) / 0.5, ui.spo2_colour(spo2), marks=(0.6,))
            ui.text(surface, f"{spo2 * 100:.0f}", (cols["spo2"] + px(38), cy), 11, ui.spo2_colour(spo2), anchor="midleft")
            kx = cols["kit"] + px(5)
            kit = sorted(set(p.equipment), key=lambda e: ("suit", "respirator", "lance", "crowbar", "medkit").index(e)
                         if e in ("suit", "respirator", "lance", "crowbar", "medkit") else 9)
            for item in kit[:4]:
                glyphs.kit_icon(surface, item, (kx, cy), px(10))
                kx += px(13)
            if p.respirator_on and not p.suited:
                pygame.draw.circle(surface, glyphs.KIT_COLOURS["respirator"], (kx, cy), px(3))
            act = tasks.get(pid)
            if act is not None:
                colour = P.TEXT_DIM if act.kind in ("idle", "dead") else (P.UNCONSCIOUS if act.kind == "down" else P.TEXT)
                if act.blocked:
                    colour = P.IMPAIRED
                ui.text(surface, act.blocked and f"Stopped: {act.blocked}" or act.text, (cols["task"], cy), 11, colour,
                        anchor="midleft", max_w=inner.right - cols["task"])
            hits.append((row, pid))
        if len(self.order) > n:  # a scroll bar
            track = pygame.Rect(rect.right - px(5), inner.y, px(3), n * rh)
            pygame.draw.rect(surface, (30, 36, 48), track)
            th = max(px(12), track.h * n // len(self.order))
            ty = track.y + (track.h - th) * self.scroll // max(1, len(self.order) - n)
            pygame.draw.rect(surface, (90, 104, 128), (track.x, ty, track.w, th))
        return hits


# ------------------------------------------------------------------- inspector

def draw_inspector(surface: pygame.Surface, rect: pygame.Rect, world: "World", selected: list[int],
                   act: Activity | None, countdown: tuple[float, float] | None,
                   sees_cell: Callable[[tuple[int, int]], bool] | None = None) -> None:
    """The first selected person in full; with nobody selected, the lockers (those `sees_cell` lets through)."""
    inner = ui.panel(surface, rect, "INSPECTOR", accent=P.ACCENT)
    if not selected:
        ui.text(surface, "Nobody selected.", (inner.x, inner.y), 13, P.TEXT_DIM)
        hints = ("Click a person, or drag a box", "round several. Shift adds.", "Right-click the map for orders.")
        for i, h in enumerate(hints):
            ui.text(surface, h, (inner.x, inner.y + px(24 + 17 * i)), 12, P.TEXT_DIM)
        y = inner.y + px(24 + 17 * len(hints) + 8)
        lines = [line for lk, line in zip(world.level.lockers, locker_contents(world))
                 if sees_cell is None or sees_cell(lk.at)]
        for line in lines:  # kit the crew can still take
            if y > inner.bottom - px(14):
                break
            ui.text(surface, line, (inner.x, y), 11, P.TEXT, max_w=inner.w)
            y += px(15)
        return
    pid = selected[0]
    p = world.people[pid]
    state = world.person_state(pid)
    colour = P.ROLE_COLOURS.get(p.role, P.ROLE_DEFAULT)
    glyphs.person(surface, (inner.x + px(7), inner.y + px(9)), px(6), colour, state)
    ui.text(surface, p.name, (inner.x + px(20), inner.y), 15, P.TEXT, "bold", max_w=inner.w - px(20))
    role = ROLES[p.role].title if p.role in ROLES else p.role
    room = world.grid.room_at(*p.cell)
    y = inner.y + px(21)
    ui.text(surface, f"{role}" + (f"  ·  {room.label}" if room else ""), (inner.x, y), 12, P.TEXT_DIM, max_w=inner.w)
    y += px(19)
    spo2 = float(world.bodies.spo2[pid])
    r = ui.text(surface, state.upper(), (inner.x, y), 12, STATE_COLOURS.get(state, P.TEXT), "bold")
    ui.text(surface, "SpO2", (r.right + px(12), y + px(1)), 11, P.TEXT_DIM)
    ui.bar(surface, pygame.Rect(r.right + px(46), y + px(4), px(60), px(8)), (spo2 - 0.5) / 0.5, ui.spo2_colour(spo2), marks=(0.6,))
    ui.text(surface, f"{spo2 * 100:.0f}%", (r.right + px(112), y), 12, ui.spo2_colour(spo2), "bold")
    y += px(19)
    if countdown is not None and state != "dead":
        ttu, ttd = countdown
        txt = ("unconscious" if state == "unconscious" else f"out in {duration(ttu)}") + f"   dies in {duration(ttd)}"
        ui.text(surface, txt, (inner.x, y), 12, P.UNCONSCIOUS if ttd < 300 or state == "unconscious" else P.IMPAIRED, "bold")
        y += px(18)
    kit = ", ".join(p.equipment) if p.equipment else "no kit"
    if p.respirator_on and not p.suited:
        kit += " (respirator on)"
    ui.text(surface, f"Kit: {kit}", (inner.x, y), 12, P.TEXT, max_w=inner.w)
    y += px(19)
    if act is not None:
        ui.text(surface, act.text, (inner.x, y), 12, P.TEXT, "bold", max_w=inner.w)
        y += px(17)
        if act.progress is not None:
            ui.bar(surface, pygame.Rect(inner.x, y + px(2), inner.w - px(44), px(8)), act.progress, P.ACCENT)
            ui.text(surface, f"{act.progress * 100:.0f}%", (inner.right, y - px(1)), 12, P.ACCENT, "bold", anchor="topright")
            y += px(16)
        if act.blocked:
            ui.text(surface, f"Stopped: {act.blocked}", (inner.x, y), 12, P.IMPAIRED, max_w=inner.w)
            y += px(16)
        if act.why and y < inner.bottom - px(14):
            ui.text(surface, f"Why: {act.why}", (inner.x, y), 11, P.TEXT_DIM, max_w=inner.w)
            y += px(16)
        if act.queued and y < inner.bottom - px(14):
            ui.text(surface, "Then: " + ", ".join(act.queued), (inner.x, y), 11, P.TEXT_DIM, max_w=inner.w)
            y += px(16)
    if len(selected) > 1 and y < inner.bottom - px(14):
        others = ", ".join(short_name(world.people[i].name) for i in selected[1:4])
        more = f" and {len(selected) - 4} more" if len(selected) > 4 else ""
        ui.text(surface, f"Also selected: {others}{more}", (inner.x, inner.bottom - px(14)), 11, P.ACCENT, max_w=inner.w)


# ---------------------------------------------------------------- life support

LS_BUTTONS_TOP = 68  # px below the panel's content top where the feed buttons sit
LS_BUTTONS_H = 24


def life_support_buttons_rect(rect: pygame.Rect) -> pygame.Rect:
    inner = ui.content_rect(rect)
    return pygame.Rect(inner.x, inner.y + px(LS_BUTTONS_TOP), inner.w, px(LS_BUTTONS_H))


def draw_life_support(surface: pygame.Surface, rect: pygame.Rect, world: "World", bar_per_min: np.ndarray) -> None:
    """O2 reserve, the feed (its buttons are pygame_gui, placed by the scene), and the
    compartments lowest in pressure with their trend."""
    inner = ui.panel(surface, rect, "LIFE SUPPORT", accent=P.ACCENT)
    a = world.atmos
    start = max(world.level.life_support.reserve_o2_kg, a.reserve_o2_kg, 1e-6)
    frac = a.reserve_o2_kg / start
    y = inner.y
    ui.text(surface, "O2 reserve", (inner.x, y), 12, P.TEXT_DIM)
    ui.text(surface, f"{a.reserve_o2_kg:.1f} kg", (inner.right, y), 13, P.TEXT, "bold", anchor="topright")
    y += px(17)
    ui.bar(surface, pygame.Rect(inner.x, y, inner.w, px(8)), frac, (110, 190, 235) if frac > 0.25 else P.IMPAIRED,
           marks=(0.25, 0.5, 0.75))
    y += px(13)
    rate = a.feed_rate_g_s if a.reserve_o2_kg > 0 else 0.0
    if a.feed_target is not None:
        room = world.grid.room_at(*a.feed_target)
        where = room.label if room else f"{a.feed_target[0]},{a.feed_target[1]}"
    else:
        where = "breached module (auto)"
    if rate > 0:
        lasts = a.reserve_o2_kg / (rate / 1000.0)
        ui.text(surface, f"Feed {rate:g} g/s to {where}", (inner.x, y), 12, P.TEXT, max_w=inner.w)
        y += px(16)
        ui.text(surface, f"lasts {duration(lasts)} at this rate", (inner.x, y), 11, P.TEXT_DIM)
    else:
        ui.text(surface, "Feed stopped" if a.reserve_o2_kg > 0 else "Reserve empty", (inner.x, y), 12, P.IMPAIRED, "bold")
        y += px(16)
    buttons = life_support_buttons_rect(rect)
    y = buttons.bottom + px(8)
    # regulation's own tanks: what tops the sound rooms up, and stops when they are dry
    dry = a.store_o2_kg <= 0.0 or a.store_n2_kg <= 0.0
    ui.text(surface, f"Regulation tanks  O2 {a.store_o2_kg:.1f} kg  N2 {a.store_n2_kg:.1f} kg", (inner.x, y), 11,
            P.IMPAIRED if dry else P.TEXT_DIM, max_w=inner.w)
    y += px(16)
    # compartments: lowest pressure first, each with its trend
    c = world.compartments
    names = a.names if len(a.names) == c.count else [f"#{i}" for i in range(c.count)]
    order = np.argsort(c.pressure_bar, kind="stable")
    ui.text(surface, "LOWEST PRESSURE", (inner.x, y), 10, P.TEXT_DIM, "bold")
    ui.text(surface, "bar/min", (inner.right, y), 10, P.TEXT_DIM, "bold", anchor="topright")
    y += px(14)
    for i in order.tolist():
        if y > inner.bottom - px(14):
            break
        pbar = float(c.pressure_bar[i])
        name = names[i]
        if name.startswith("space@"):
            continue
        if len(name) > 26:
            name = name.split("+")[0] + "+..."
        trend = float(bar_per_min[i]) if i < len(bar_per_min) else 0.0
        vac = pbar < ARMSTRONG_LIMIT_BAR
        ui.text(surface, name, (inner.x, y), 11, P.TEXT, max_w=inner.w - px(96))
        ui.text(surface, "VAC" if vac else f"{pbar:.2f}", (inner.right - px(48), y), 11, P.pressure_colour(pbar), "bold", anchor="topright")
        if abs(trend) >= 0.005:
            arrow = "-" if trend < 0 else "+"
            ui.text(surface, f"{arrow}{abs(trend):.2f}", (inner.right, y), 11, (255, 140, 110) if trend < 0 else (150, 226, 170),
                    anchor="topright")
        y += px(15)


# ------------------------------------------------------------------- comms log

SEVERITY_RGB = {"alarm": (255, 106, 77), "warn": (255, 209, 102), "info": (183, 195, 212), "good": (143, 227, 166)}


class CommsLog:
    """The comms log: newest line on top, each wrapped to the panel, wheel to scroll back.

    Drawn by hand: a pygame_gui text box re-lays out its whole HTML on every
    change (20-90 ms for a log this size), and lines arrive every few seconds.
    """

    MAX_LINES = 200

    RESTATE_WITHIN = 8  # a line on the same topic as one of the last few replaces it

    def __init__(self) -> None:
        self.lines: list[tuple[str, str, str]] = []  # (clock, text, severity)
        self.topics: list[tuple | None] = []
        self.scroll = 0  # lines scrolled back from the newest
        self.hint = ""  # the keys worth knowing, in the title bar (the play scene says which)
        self.version = 0  # bumped on every change to the lines (the scene redraws the log on it)
        self._wrap: dict[tuple[str, int, int], list[str]] = {}

    def add(self, lines) -> None:
        """Add (clock, text, severity[, topic]) lines; a topic seen in the last few lines is restated, not repeated."""
        if not lines:
            return
        for line in lines:
            topic = line[3] if len(line) > 3 else None
            if topic is not None:
                recent = len(self.topics) - self.RESTATE_WITHIN
                for k in range(len(self.topics) - 1, max(-1, recent - 1), -1):
                    if self.topics[k] == topic:
                        del self.lines[k], self.topics[k]
                        break
            self.lines.append(tuple(line[:3]))
            self.topics.append(topic)
        del self.lines[: -self.MAX_LINES]
        del self.topics[: -self.MAX_LINES]
        self.version += 1
        if self.scroll:
            self.scroll = min(len(self.lines) - 1, self.scroll + len(lines))  # keep looking at the same lines

    def on_wheel(self, dy: int) -> None:
        self.scroll = max(0, min(len(self.lines) - 1, self.scroll - dy))

    def _wrapped(self, text: str, width: int, size: int) -> list[str]:
        key = (text, width, size)
        got = self._wrap.get(key)
        if got is not None:
            return got
        f = font(size, "regular")
        out, cur = [], ""
        for word in text.split(" "):
            trial = f"{cur} {word}".strip()
            if cur and f.size(trial)[0] > width:
                out.append(cur)
                cur = word
            else:
                cur = trial
        out.append(cur)
        if len(self._wrap) > 2000:
            self._wrap.clear()
        self._wrap[key] = out
        return out

    def draw(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        title = "COMMS" + (f"   {self.scroll} newer above, wheel to return" if self.scroll else "")
        inner = ui.panel(surface, rect, title, accent=P.ACCENT)
        if not self.scroll and self.hint:
            ui.text(surface, self.hint, (rect.right - px(8), rect.y + px(7)), 10, P.TEXT_DIM, anchor="topright")
        if not self.lines:
            ui.text(surface, "All quiet.", (inner.x, inner.y), 12, P.TEXT_DIM)
            return
        size = px(12)
        line_h = px(16)
        clock_w = px(54)
        y = inner.y
        for clock, text, sev in reversed(self.lines[: len(self.lines) - self.scroll]):
            rows = self._wrapped(text, inner.w - clock_w, size)
            if y + line_h > inner.bottom:
                break
            ui.text(surface, clock, (inner.x, y), 12, P.TEXT_DIM, "mono")
            for row in rows:
                if y + line_h > inner.bottom:
                    break
                ui.text(surface, row, (inner.x + clock_w, y), 12, SEVERITY_RGB.get(sev, P.TEXT))
                y += line_h
            y += px(3)
