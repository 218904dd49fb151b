"""The play scene's panels: the at-risk strip, the dock, legends, tags and banners over the map.

`PlayPanels` draws everything of the play screen that is not the world:
each dock panel into a cached surface of its own (redrawn when what it
shows can have changed, and the clock-driven redraws one a frame, on
frames the frame plan leaves room in), the O2 feed buttons, the overlay's
legend and the map key, the key help, a hovered person's tag, the banner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import numpy as np
import pygame
import pygame_gui
from pygame_gui.core import ObjectID

from game.settings import ACTIONS
from game.sim.orders import ORDER_KINDS
from game.sim.roles import ROLES
from game.sim.words import duration
from game.view import hud, objective_panel, overlays, panels, ui
from game.view import palette as P
from game.view.outcome import objective_rows
from game.view.tooltips import Tooltips
from game.view.ui import px

if TYPE_CHECKING:
    from game.net.visibility import Sight
    from game.view.scenes.play import PlayState

PANEL_REFRESH_S = 0.1  # the HUD's numbers are redrawn at most ten times a second
# ...and at least this often, whatever the speed: at 4x nearly every frame runs a
# tick and leaves no room, and the panels took turns in a fixed order, so the
# last one (life support) could wait for tens of seconds.
PANEL_MAX_AGE_S = 0.4
MOUSE_HELP = (
    ("Left click / drag", "select crew (Shift adds)"),
    ("Right click", "orders for what is under the cursor"),
    ("Wheel", "zoom; over the crew list, scroll"),
    ("Middle drag, arrows", "pan"),
    ("Double-click a card/row", "centre on that person"),
)
FEED_BUTTONS = (  # (key, label, tool tip)
    ("minus", "-5 g/s", "Less O2 from the reserve"),
    ("plus", "+5 g/s", "More O2 from the reserve"),
    ("stop", "Stop", "Stop the emergency O2 feed"),
    ("auto", "Auto", "Feed the breached module, shared by volume"),
    ("room", "Room...", "Click a room on the map to send the feed there"),
)


class PlayPanels:
    """Draws the play screen's HUD over the world and knows where its clickable parts are."""

    def __init__(self, play: "PlayState") -> None:
        self.play = play
        self.crew_panel = panels.CrewPanel()
        self.feed_buttons: dict[str, pygame_gui.elements.UIButton] = {}
        self.hits: list[tuple[pygame.Rect, int]] = []  # (card or crew row, person) as last drawn
        self.legend_rects: dict[str, pygame.Rect] = {}  # "overlay" and "key", where last drawn
        self._cache: dict[str, tuple] = {}
        self._hits: dict[str, list[tuple[pygame.Rect, int]]] = {}
        self._built = False  # a panel was redrawn this frame (one non-urgent redraw a frame)
        self.redraws: dict[str, list[float]] = {}  # panel -> clock_s of its redraws (recent ones), to measure refresh
        self.tab = "comms"  # in a narrow window comms and crew share a place: the one shown
        self.help_page = "keys"  # F1 shows the keys, then the orders
        self.tips = Tooltips()
        self.help_rect: pygame.Rect | None = None  # where the help page was last drawn
        # What this screen may show (a networked team lead's); None shows everything. The crew
        # list, the inspector and the tags leave out what it does not see, as the map does.
        self.sight: Sight | None = None

    def shows(self, name: str) -> bool:
        """Whether the panel `name` ("comms" or "crew") is on screen now."""
        lay = self.play.lay
        rect = lay.crew if name == "crew" else lay.comms
        return rect is not None and (not lay.tabbed or self.tab == name)

    def tab_rects(self) -> dict[str, pygame.Rect]:
        """Where the comms and crew tabs are, in a narrow window (empty otherwise)."""
        lay = self.play.lay
        if not lay.tabbed:
            return {}
        out, x = {}, lay.comms.x + px(2)
        for name, words in self._tab_names().items():
            out[name] = pygame.Rect(x, lay.comms.y + px(2), ui.text_size(words, 11, "bold")[0] + px(16), px(22))
            x = out[name].right + px(2)
        return out

    def _tab_names(self) -> dict[str, str]:
        n = len(self.play.world.people) if self.sight is None else len(self.crew_panel.order)
        return {"comms": "COMMS", "crew": f"CREW  {n}"}

    def draw_tabs(self, surface: pygame.Surface) -> None:
        """Two tabs over the shared panel's title: the one shown bright and underlined."""
        names = self._tab_names()
        for name, r in self.tab_rects().items():
            on = self.tab == name
            pygame.draw.rect(surface, (24, 30, 42) if on else (14, 17, 24), r, border_radius=px(3))
            ui.text(surface, names[name], (r.x + px(8), r.centery), 11, P.TEXT if on else P.TEXT_DIM, "bold",
                    anchor="midleft")
            if on:
                pygame.draw.line(surface, P.ACCENT, (r.x + px(8), r.bottom - 2), (r.x + px(32), r.bottom - 2), 2)

    def relayout(self) -> None:
        """The layout changed: every panel is redrawn at its new size."""
        self._cache.clear()

    # ------------------------------------------------------------ buttons
    def build_buttons(self) -> None:
        """The O2 feed's buttons in the life-support panel."""
        buttons = panels.life_support_buttons_rect(self.play.lay.life)
        gap = px(4)
        bw = (buttons.w - gap * (len(FEED_BUTTONS) - 1)) // len(FEED_BUTTONS)
        self.feed_buttons = {}
        for k, (key, text, tip) in enumerate(FEED_BUTTONS):
            r = pygame.Rect(buttons.x + k * (bw + gap), buttons.y, bw, buttons.h)
            self.feed_buttons[key] = pygame_gui.elements.UIButton(
                r, text, self.play.ctx.manager, object_id=ObjectID(class_id="@hud_button", object_id=f"#feed_{key}"),
                tool_tip_text=tip)

    def kill_buttons(self) -> None:
        for b in self.feed_buttons.values():
            b.kill()
        self.feed_buttons = {}

    def speed_box(self) -> pygame.Rect:
        return hud.speed_box(self.play.ctx.size[0])

    def autopilot_pill(self) -> pygame.Rect:
        """Left of the clock, sized to its words; the level's title stops short of it."""
        w = ui.text_size("AUTOPILOT OFF", 12, "bold")[0] + px(36)
        r = pygame.Rect(0, px(9), w, hud.top_bar_h() - px(18))
        r.right = hud.clock_rect(self.play.ctx.size[0]).left - px(14)
        return r

    # --------------------------------------------------------------- draw
    def draw(self, surface: pygame.Surface, hover: int | None, positions: np.ndarray) -> None:
        """Everything over the world, back to front."""
        play = self.play
        self._built = False
        if play.input.box is not None:
            shade = pygame.Surface(play.input.box.size, pygame.SRCALPHA)
            shade.fill((255, 140, 66, 40))
            surface.blit(shade, play.input.box)
            pygame.draw.rect(surface, P.ACCENT, play.input.box, 1)
        if hover is not None and self.sight is not None and not self.sight.sees_person(hover):
            hover = None  # someone in the dark is no one to this screen
        if hover is not None and play.menu is None:
            self.draw_person_tag(surface, hover, positions)
        elif play.menu is None and play.input.box is None and not play.show_help:
            self.draw_thing_tag(surface)
        play.top_bar.draw(surface, hud.hud_info(play.world, play.speed, play.paused, self.sight and self.sight.sees_person), self.autopilot_pill().left - px(10))
        self.draw_autopilot(surface)
        self.draw_panels(surface)
        self.draw_banner(surface)
        self.draw_acks(surface)
        if play.targeting == "feed" and play.camera.viewport.collidepoint(play.input.mouse):
            self.draw_target_cursor(surface)
        if play.show_help:
            self.draw_help(surface)
        if play.perf.visible:
            play.perf.draw(surface, (play.ctx.size[0] - px(8), play.lay.strip.bottom + px(6)))

    def cached(self, name: str, rect: pygame.Rect, key: tuple | None, urgent: tuple,
               draw: Callable[[pygame.Surface, int, int], list | None]) -> pygame.Surface:
        """A panel region drawn into its own surface and kept: redrawn when its key changes,
        at most every PANEL_REFRESH_S for the clock-driven part of the key, at once for input.
        Clock-driven redraws wait for a frame with room (see `FramePlan`) and take turns, one a frame."""
        play = self.play
        entry = self._cache.get(name)
        if entry is not None:
            surf, old_key, old_urgent, built = entry
            fresh = surf.get_size() == rect.size and old_urgent == urgent
            age = play.clock_s - built
            overdue = old_key != key and age >= PANEL_MAX_AGE_S
            if fresh and not overdue and (old_key == key or age < PANEL_REFRESH_S or not play.plan.room(play.speed)
                                          or self._built):
                return surf
        self._built = True
        times = self.redraws.setdefault(name, [])
        times.append(play.clock_s)
        if len(times) > 256:
            del times[:128]
        surf = pygame.Surface(rect.size, pygame.SRCALPHA)
        hits = draw(surf, -rect.x, -rect.y) or []
        surf = ui.screen_format(surf)
        self._hits[name] = [(r.move(rect.x, rect.y), pid) for r, pid in hits]
        self._cache[name] = (surf, key, urgent, play.clock_s)
        return surf

    def refresh_hz(self, name: str, over_s: float) -> float:
        """How many times a second the panel `name` was redrawn over the last `over_s` seconds."""
        now = self.play.clock_s
        n = sum(1 for t in self.redraws.get(name, ()) if now - t <= over_s)
        return n / over_s

    def draw_panels(self, surface: pygame.Surface) -> None:
        """The at-risk strip and the dock's four panels, each cached on its own: a panel is
        redrawn when what it shows can have changed, so a quiet comms log or an empty
        inspector is not redrawn with the crew every tick."""
        play = self.play
        lay = play.lay
        world = play.world
        sel = tuple(play.selected)
        tick = world.tick
        scale = ui.scale()
        countdowns = play.countdowns

        def strip(surf, dx, dy):
            return panels.draw_strip(surf, lay.strip.move(dx, dy), world, countdowns, set(sel))

        surface.blit(self.cached("strip", lay.strip, (tick, countdowns.projections), (sel, scale), strip), lay.strip)
        sight = self.sight
        if self.shows("crew"):
            mouse = play.input.mouse
            hover_row = None
            if lay.crew.collidepoint(mouse):
                hover_row = next((pid for r, pid in self._hits.get("crew", ()) if r.collidepoint(mouse)), None)

            def crew(surf, dx, dy):
                return self.crew_panel.draw(surf, lay.crew.move(dx, dy), world, set(sel), play.activities(),
                                            (mouse[0] + dx, mouse[1] + dy), sight and sight.sees_person)

            key = (tick, len(world.command_log), len(world.events))
            urgent = (sel, hover_row, self.crew_panel.scroll, scale)
            surface.blit(self.cached("crew", lay.crew, key, urgent, crew), lay.crew)
        if self.shows("comms"):
            def comms(surf, dx, dy):
                play.comms.draw(surf, lay.comms.move(dx, dy))

            urgent = (play.comms.version, play.comms.scroll, play.comms.hint, scale)
            surface.blit(self.cached("comms", lay.comms, None, urgent, comms), lay.comms)

        def inspector(surf, dx, dy):
            first = sel[0] if sel else None
            acts = play.activities() if sel else {}
            panels.draw_inspector(surf, lay.inspector.move(dx, dy), world, list(sel),
                                  acts.get(first) if first is not None else None,
                                  countdowns.get(first, world.time_s) if first is not None else None,
                                  sight and sight.sees_cell)

        key = (tick, countdowns.projections, len(world.command_log), len(world.events)) if sel else None
        surface.blit(self.cached("inspector", lay.inspector, key, (sel, scale), inspector), lay.inspector)

        def life(surf, dx, dy):
            panels.draw_life_support(surf, lay.life.move(dx, dy), world, countdowns.trends.bar_per_min(world))

        surface.blit(self.cached("life", lay.life, (tick,), (scale,), life), lay.life)
        tracker = play.tracker_rect()
        if tracker is not None:
            def objectives(surf, dx, dy):
                objective_panel.draw(surf, tracker.move(dx, dy), objective_rows(world, play.watch.tracker))

            surface.blit(self.cached("objectives", tracker, (tick // 5,), (scale,), objectives), tracker)
        self.hits = self._hits.get("strip", []) + (self._hits.get("crew", []) if self.shows("crew") else [])
        self.draw_tabs(surface)
        self.draw_legends(surface)

    def draw_legends(self, surface: pygame.Surface) -> None:
        """The overlay's scale and the map key, where they hide the least of the map."""
        play = self.play
        lay = play.lay
        ov = play.renderer.overlay_kind
        items = []
        if ov is not None:
            items.append(("overlay", px(overlays.LEGEND_W), px(overlays.legend_height(ov))))
        if play.show_legend:
            items.append(("key", *hud.legend_size()))
        self.legend_rects = {}
        if not items:
            return
        s = play.camera.tile_px
        x0, y0 = play.camera.world_to_screen(0, 0)
        map_rect = pygame.Rect(x0, y0, play.world.grid.width * s, play.world.grid.height * s)
        width = sum(w for _, w, _ in items) + px(6) * (len(items) - 1)
        height = max(h for _, _, h in items)
        right = lay.size[0] - px(8)
        spots = [(right, lay.dock.top - px(6) - height), (right, lay.strip.bottom + px(6))]

        def hidden(sp) -> int:  # how much of the map a spot would cover
            r = pygame.Rect(sp[0] - width, sp[1], width, height).clip(map_rect)
            return r.w * r.h

        spot = min(spots, key=hidden)
        x = spot[0]
        for kind, w, h in items:
            y = spot[1] + (height - h if spot is spots[0] else 0)
            if kind == "overlay":
                self.legend_rects[kind] = overlays.draw_legend(surface, ov, play.renderer.palette, (x - w, y), px)
            else:
                self.legend_rects[kind] = hud.draw_legend(surface, (x - w, y))
            x -= w + px(6)

    def draw_autopilot(self, surface: pygame.Surface) -> None:
        on = self.play.autopilot_on()
        r = self.autopilot_pill()
        colour = P.GLYPH_OPEN if on else P.TEXT_DIM
        pygame.draw.rect(surface, P.CLOCK_BG, r, border_radius=px(5))
        pygame.draw.rect(surface, colour if on else P.HUD_LINE, r, 1, border_radius=px(5))
        pygame.draw.circle(surface, colour, (r.x + px(13), r.centery), px(4) if on else px(3), 0 if on else 1)
        ui.text(surface, "AUTOPILOT " + ("ON" if on else "OFF"), (r.x + px(24), r.centery), 12, colour, "bold",
                anchor="midleft")

    def draw_banner(self, surface: pygame.Surface) -> None:
        banner = self.play.banner
        if banner is None:
            return
        text = banner[0]
        w, _ = ui.text_size(text, 14, "bold")
        rect = pygame.Rect(0, 0, w + px(40), px(30))
        rect.midtop = (self.play.ctx.size[0] // 2, self.play.lay.strip.bottom + px(8))
        auto = text.startswith("AUTO-PAUSED")
        pygame.draw.rect(surface, (60, 18, 14) if auto else (20, 26, 38), rect, border_radius=px(4))
        pygame.draw.rect(surface, P.BREACH_RING if auto else P.ACCENT, rect, 1, border_radius=px(4))
        ui.text(surface, text, rect.center, 14, P.TEXT, "bold", anchor="center")

    def draw_acks(self, surface: pygame.Surface) -> None:
        """The orders just given, newest lowest, just above the dock: each one said back, paused or not."""
        lay = self.play.lay
        y = lay.map_free.bottom - px(6)
        for text, _t in reversed(self.play.acks):
            w, h = ui.text_size(text, 13, "bold")
            rect = pygame.Rect(0, 0, min(w + px(36), lay.size[0] - px(16)), h + px(8))
            rect.midbottom = (lay.map_free.centerx, y)
            pygame.draw.rect(surface, (18, 30, 26), rect, border_radius=px(4))
            pygame.draw.rect(surface, P.GLYPH_OPEN, rect, 1, border_radius=px(4))
            tick = (rect.x + px(10), rect.centery)
            pygame.draw.lines(surface, P.GLYPH_OPEN, False, [(tick[0], tick[1]), (tick[0] + px(4), tick[1] + px(4)),
                                                             (tick[0] + px(11), tick[1] - px(5))], 2)
            ui.text(surface, text, (rect.x + px(26), rect.centery), 13, P.TEXT, "bold", anchor="midleft",
                    max_w=rect.w - px(32))
            y = rect.top - px(4)

    def draw_target_cursor(self, surface: pygame.Surface) -> None:
        play = self.play
        mouse = play.input.mouse
        cell = play.input.map_cell(mouse)
        ok = play.world.compartments.index_at(*cell) >= 0
        colour = (110, 190, 235) if ok else P.UNCONSCIOUS
        pygame.draw.circle(surface, colour, mouse, px(10), 2)
        pygame.draw.line(surface, colour, (mouse[0] - px(14), mouse[1]), (mouse[0] + px(14), mouse[1]))
        pygame.draw.line(surface, colour, (mouse[0], mouse[1] - px(14)), (mouse[0], mouse[1] + px(14)))
        room = play.world.grid.room_at(*cell)
        if room is not None:
            ui.text(surface, f"O2 feed to {room.label}", (mouse[0] + px(16), mouse[1] + px(10)), 12, colour, "bold",
                    shadow=True)

    def keys_hint(self) -> str:
        """The keys worth knowing, on the player's bindings: help, the map key, each overlay."""
        key = self.play.ctx.settings.key_for
        shown = " ".join(key(o.action).upper() for o in overlays.OVERLAYS.values())
        return f"{key('help').upper()} keys  {key('legend').upper()} map key  {shown} overlays"

    def help_rows(self) -> list[tuple[str, str]]:
        """(key, what it does) for every bound action, then the mouse."""
        rows = [(self.play.ctx.settings.key_for(a).upper(), what) for a, (_, what) in ACTIONS.items()]
        return rows + list(MOUSE_HELP)

    def order_rows(self) -> list[tuple[str, str]]:
        """(order, how to give it) for every order in the right-click menu, from the sim's registry."""
        rows = []
        for kind in ORDER_KINDS:
            if kind.menu is None:
                continue
            name = kind.key.replace("_remote", " (remote)").replace("_", " ").capitalize()
            if kind.remote:
                how = f"Right-click {kind.aim.what}; the control room does it, no one needs selecting"
            elif kind.aim.field is None:
                how = "Select crew, right-click anywhere on the map"
            else:
                how = f"Select crew, right-click {kind.aim.what}"
            rows.append((name, how))
        return rows

    def draw_help(self, surface: pygame.Surface) -> None:
        """F1's pages: the keys, then the orders (F1 again turns the page, Esc closes)."""
        if self.help_page == "orders":
            self.draw_order_help(surface)
        else:
            self.draw_key_help(surface)

    def draw_order_help(self, surface: pygame.Surface) -> None:
        rows = self.order_rows()
        w = min(px(720), self.play.lay.size[0] - px(16))
        h = px(34) + len(rows) * px(19) + px(30)
        rect = pygame.Rect(0, 0, w, h)
        rect.center = self.play.lay.map_free.center
        rect.clamp_ip(pygame.Rect(0, hud.top_bar_h(), *self.play.lay.size))
        self.help_rect = rect
        inner = ui.panel(surface, rect, "ORDERS  (F1: close)  -  greyed in the menu: why not, and what would fix it",
                         accent=P.ACCENT)
        for i, (name, how) in enumerate(rows):
            y = inner.y + i * px(19)
            ui.text(surface, name, (inner.x, y), 12, P.ACCENT, "bold", max_w=px(150))
            ui.text(surface, how, (inner.x + px(156), y), 12, P.TEXT, max_w=inner.w - px(160))
        ui.text(surface, "Hover an order in the menu to see the route and its time before you give it.",
                (inner.x, inner.y + len(rows) * px(19) + px(6)), 12, P.TEXT_DIM, max_w=inner.w)

    def draw_key_help(self, surface: pygame.Surface) -> None:
        rows = self.help_rows()
        w, h = px(520), px(34) + ((len(rows) + 1) // 2) * px(19) + px(10)
        rect = pygame.Rect(0, 0, w, h)
        rect.center = self.play.lay.map_free.center
        rect.clamp_ip(pygame.Rect(0, hud.top_bar_h(), *self.play.lay.size))
        self.help_rect = rect
        inner = ui.panel(surface, rect, f"KEYS  (change them in Settings)   {self.play.ctx.settings.key_for('help').upper()}: "
                         "the orders", accent=P.ACCENT)
        half = (len(rows) + 1) // 2
        for i, (k, what) in enumerate(rows):
            col, row = divmod(i, half)
            x = inner.x + col * (inner.w // 2)
            y = inner.y + row * px(19)
            ui.text(surface, k, (x, y), 12, P.ACCENT, "mono", max_w=px(110))
            ui.text(surface, what, (x + px(112), y), 12, P.TEXT, max_w=inner.w // 2 - px(116))

    def draw_thing_tag(self, surface: pygame.Surface) -> None:
        """The tooltip of the door, locker, debris or room under the mouse."""
        play = self.play
        mouse = play.input.mouse
        if not play.camera.viewport.collidepoint(mouse) or play.input.over_panels(mouse):
            return
        tracker = play.tracker_rect()
        if tracker is not None and tracker.collidepoint(mouse):
            return
        wx, wy = play.camera.screen_to_world(*mouse)
        cell = play.input.map_cell(mouse)
        if self.sight is not None and not self.sight.sees_cell(cell):
            return  # the dark tells nothing: no door, locker or debris out of sight
        piece, heavy = play.debris_under(wx, wy)
        lines = self.tips.lines(play.world, cell, play.actors(), piece, heavy)
        if lines:
            hud.draw_tag(surface, mouse, lines)

    def draw_person_tag(self, surface: pygame.Surface, i: int, positions: np.ndarray) -> None:
        play = self.play
        world = play.world
        p = world.people[i]
        state = world.person_state(i)
        spo2 = float(world.bodies.spo2[i])
        role = ROLES[p.role].title if p.role in ROLES else p.role
        colour = {"impaired": P.IMPAIRED, "unconscious": P.UNCONSCIOUS, "dead": P.DEAD}.get(state, P.GLYPH_OPEN)
        room = world.grid.room_at(*p.cell)
        lines = [
            (p.name, P.ROLE_COLOURS.get(p.role, P.ROLE_DEFAULT)),
            (f"{role}" + (f", {room.label}" if room else ""), P.TEXT_DIM),
            (f"{state}   SpO2 {spo2 * 100:.0f}%", colour),
        ]
        cd = play.countdowns.get(i, world.time_s)
        if cd is not None and state != "dead":
            ttu, ttd = cd
            lines.append(((f"out in {duration(ttu)}   " if state != "unconscious" else "") +
                          f"dies in {duration(ttd)}", P.UNCONSCIOUS if ttd < 300 else P.IMPAIRED))
        if p.equipment:
            lines.append((", ".join(p.equipment), P.TEXT_DIM))
        act = play.activities().get(i)
        if act is not None and act.kind not in ("dead", "down"):
            lines.append((act.text, P.TEXT))
        hud.draw_tag(surface, play.camera.world_to_screen(*positions[i]), lines)
