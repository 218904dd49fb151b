"""Small vector drawings shared by the map, the HUD and the legend.

Each state a player must tell apart has a shape as well as a colour (a ring,
a dot, a cross, a padlock, a lying body), so nothing depends on colour alone.
"""

from __future__ import annotations

import math

import pygame

from game.sim.tiles import Tile
from game.view import palette as P

Point = tuple[int, int]


def _dim(c: P.Colour, f: float) -> P.Colour:
    return (int(c[0] * f), int(c[1] * f), int(c[2] * f))


# --------------------------------------------------------------------- doors

def state_glyph(surface: pygame.Surface, centre: Point, size: int, state: str) -> None:
    """The door-state mark: open ring, closed dot, sticking diamond, jammed cross, sealed padlock,
    blocked warning triangle."""
    cx, cy = centre
    r = max(2, size // 2)
    w = max(1, size // 6)
    if state == "open":
        pygame.draw.circle(surface, P.GLYPH_DARK, centre, r + 1)
        pygame.draw.circle(surface, P.GLYPH_OPEN, centre, r, max(1, w))
    elif state == "closed":
        pygame.draw.circle(surface, P.GLYPH_DARK, centre, max(2, r * 2 // 3) + 1)
        pygame.draw.circle(surface, P.GLYPH_LIGHT, centre, max(2, r * 2 // 3))
    elif state == "jammed":
        k = r
        for dx in (-1, 1):
            pygame.draw.line(surface, P.GLYPH_DARK, (cx - k, cy - dx * k), (cx + k, cy + dx * k), w + 2)
        for dx in (-1, 1):
            pygame.draw.line(surface, P.GLYPH_LIGHT, (cx - k, cy - dx * k), (cx + k, cy + dx * k), w + 1)
    elif state == "sealed":
        padlock(surface, centre, size)
    elif state == "sticking":  # closed, but warped: a hollow diamond (a bare hand will not shift it)
        pts = [(cx, cy - r - 1), (cx + r + 1, cy), (cx, cy + r + 1), (cx - r - 1, cy)]
        pygame.draw.polygon(surface, P.GLYPH_DARK, pts)
        pygame.draw.polygon(surface, P.SEAL_AMBER, pts, max(2, w + 1))
    elif state == "blocked":  # something lies in the doorway: a warning triangle
        pts = [(cx, cy - r - 1), (cx + r + 1, cy + r), (cx - r - 1, cy + r)]
        pygame.draw.polygon(surface, P.GLYPH_DARK, [(x, y) for x, y in pts], 0)
        inner = [(cx, cy - r + 2), (cx + r - 2, cy + r - 2), (cx - r + 2, cy + r - 2)]
        pygame.draw.polygon(surface, P.HAZARD_YELLOW, inner)
        pygame.draw.line(surface, P.GLYPH_DARK, (cx, cy - r // 3), (cx, cy + r // 3), max(1, w))


def padlock(surface: pygame.Surface, centre: Point, size: int) -> None:
    """A padlock on an amber badge: locked by the control room."""
    cx, cy = centre
    r = max(3, size // 2 + 1)
    pygame.draw.circle(surface, P.GLYPH_DARK, centre, r + 1)
    pygame.draw.circle(surface, P.SEAL_AMBER, centre, r)
    bw = max(3, int(r * 1.1))
    bh = max(2, int(r * 0.8))
    body = pygame.Rect(0, 0, bw, bh)
    body.midtop = (cx, cy - bh // 4)
    pygame.draw.rect(surface, P.GLYPH_DARK, body)
    sw = max(2, bw - 2 * max(1, bw // 4))
    shackle = pygame.Rect(0, 0, sw, max(2, bh))
    shackle.midbottom = (cx, body.top + 1)
    pygame.draw.rect(surface, P.GLYPH_DARK, shackle, max(1, size // 8), border_top_left_radius=sw // 2, border_top_right_radius=sw // 2)


def _hazard(surface: pygame.Surface, rect: pygame.Rect, colour: P.Colour = P.HAZARD_YELLOW) -> None:
    """Diagonal warning stripes filling `rect`."""
    pygame.draw.rect(surface, P.HAZARD_DARK, rect)
    step = max(4, min(rect.w, rect.h) // 2 + 2)
    old = surface.get_clip()
    surface.set_clip(rect.clip(old) if old else rect)
    w = max(1, step // 2)
    for off in range(-rect.h, rect.w + rect.h, step):
        pygame.draw.line(surface, colour, (rect.x + off, rect.bottom), (rect.x + off + rect.h, rect.top), w)
    surface.set_clip(old)


def door(surface: pygame.Surface, rect: pygame.Rect, kind: Tile, state: str, horizontal: bool) -> None:
    """A door, bulkhead or hatch in a cell; `horizontal` when its wall runs left-right."""
    s = rect.w
    pygame.draw.rect(surface, P.DOOR_FRAME, rect)
    centre = rect.center
    gsize = max(6, round(s * 0.5))

    def span(frac_thick: float, start: float = 0.0, length: float = 1.0) -> pygame.Rect:
        t = max(2, round(s * frac_thick))
        a = round(s * start)
        n = max(1, round(s * length))
        if horizontal:
            return pygame.Rect(rect.x + a, rect.centery - t // 2, n, t)
        return pygame.Rect(rect.centerx - t // 2, rect.y + a, t, n)

    if kind == Tile.HATCH:
        r = max(3, round(s * 0.42))
        rim = max(1, s // 8)
        if state == "open":
            pygame.draw.circle(surface, P.HATCH_RIM, centre, r, rim)
        else:
            face = P.JAM_RED if state == "jammed" else P.HATCH_FACE
            pygame.draw.circle(surface, face, centre, r)
            pygame.draw.circle(surface, P.HATCH_RIM, centre, r, rim)
            if state == "closed" and s >= 12:  # the hand wheel
                k = max(2, r - rim - 1)
                pygame.draw.line(surface, P.HATCH_RIM, (centre[0] - k, centre[1]), (centre[0] + k, centre[1]), 1)
                pygame.draw.line(surface, P.HATCH_RIM, (centre[0], centre[1] - k), (centre[0], centre[1] + k), 1)
        state_glyph(surface, centre, max(5, gsize - 2), state)
        return

    if kind == Tile.BULKHEAD:
        thick = 0.62
        jamb = 0.2
        for start in (0.0, 1.0 - jamb):
            _hazard(surface, span(thick + 0.12, start, jamb))
        if state == "open":
            pass
        else:
            slab = span(thick, jamb, 1.0 - 2 * jamb)
            pygame.draw.rect(surface, P.JAM_RED if state == "jammed" else P.BULKHEAD_SLAB, slab)
            if state == "sealed":
                _hazard(surface, slab.inflate(-2, -2) if min(slab.size) > 4 else slab, P.SEAL_AMBER)
            elif state == "sticking":
                _notches(surface, slab, horizontal)
        state_glyph(surface, centre, gsize, state)
        return

    # a room door: a light sliding door
    thick = 0.34
    if state == "open":
        for start in (0.0, 0.82):
            pygame.draw.rect(surface, P.DOOR_SLAB_DARK, span(thick, start, 0.18))
    else:
        colour = P.JAM_RED if state == "jammed" else P.DOOR_SLAB
        slab = span(thick)
        pygame.draw.rect(surface, colour, slab)
        if state == "sealed":
            _hazard(surface, slab, P.SEAL_AMBER)
        elif state == "sticking":
            _notches(surface, slab, horizontal)
    state_glyph(surface, centre, gsize, state)


def _notches(surface: pygame.Surface, slab: pygame.Rect, horizontal: bool) -> None:
    """Dark cross-notches along a slab: a warped door, apart from a closed one in grey too."""
    n = max(2, (slab.w if horizontal else slab.h) // 4)
    for k in range(1, n, 2):
        if horizontal:
            x = slab.x + k * slab.w // n
            pygame.draw.line(surface, P.GLYPH_DARK, (x, slab.top), (x, slab.bottom - 1), 2)
        else:
            y = slab.y + k * slab.h // n
            pygame.draw.line(surface, P.GLYPH_DARK, (slab.left, y), (slab.right - 1, y), 2)


# -------------------------------------------------------------------- people

def _badge(surface: pygame.Surface, centre: Point, r: int, colour: P.Colour, mark: str) -> None:
    """A round badge with a stroked mark: '!' impaired, 'Z' unconscious."""
    cx, cy = centre
    pygame.draw.circle(surface, P.PERSON_OUTLINE, centre, r + 1)
    pygame.draw.circle(surface, colour, centre, r)
    k = max(1, r - max(1, r // 3))
    w = max(1, r // 3)
    ink = P.GLYPH_DARK if mark == "!" else P.GLYPH_LIGHT
    if mark == "!":
        pygame.draw.line(surface, ink, (cx, cy - k), (cx, cy + k // 3), w)
        pygame.draw.rect(surface, ink, (cx - w // 2, cy + k - w + 1, w, w))
    elif mark == "Z":
        pts = [(cx - k, cy - k), (cx + k, cy - k), (cx - k, cy + k), (cx + k, cy + k)]
        pygame.draw.lines(surface, ink, False, pts, w)


def person(surface: pygame.Surface, centre: Point, radius: int, colour: P.Colour, state: str) -> None:
    """A crew member: upright disc when conscious, lying body when down, cross when dead."""
    cx, cy = centre
    r = max(3, radius)
    if state in ("conscious", "impaired"):
        pygame.draw.circle(surface, P.PERSON_OUTLINE, centre, r + 1)
        pygame.draw.circle(surface, colour, centre, r)
        pygame.draw.circle(surface, _dim(colour, 0.55), centre, r, max(1, r // 4))
        if state == "impaired":
            pygame.draw.circle(surface, P.IMPAIRED, centre, r + 3, max(1, r // 3))
            br = max(3, r * 2 // 3)
            _badge(surface, (cx + r, cy - r), br, P.IMPAIRED, "!")
        return
    body = pygame.Rect(0, 0, int(r * 2.6), max(3, int(r * 1.3)))
    body.center = centre
    if state == "unconscious":
        pygame.draw.ellipse(surface, P.PERSON_OUTLINE, body.inflate(4, 4))
        pygame.draw.ellipse(surface, P.UNCONSCIOUS, body.inflate(2, 2))
        pygame.draw.ellipse(surface, _dim(colour, 0.75), body)
        head = (body.left + body.h // 2, cy)
        pygame.draw.circle(surface, colour, head, max(2, body.h // 2))
        br = max(3, r * 2 // 3)
        _badge(surface, (body.right, body.top - br // 2), br, P.UNCONSCIOUS, "Z")
        return
    # dead
    pygame.draw.ellipse(surface, P.PERSON_OUTLINE, body.inflate(2, 2))
    pygame.draw.ellipse(surface, P.DEAD, body)
    pygame.draw.ellipse(surface, _dim(colour, 0.8), body, 1)
    k = max(2, body.h // 2)
    w = max(1, r // 3)
    pygame.draw.line(surface, P.GLYPH_DARK, (cx - k, cy - k), (cx + k, cy + k), w + 1)
    pygame.draw.line(surface, P.GLYPH_DARK, (cx - k, cy + k), (cx + k, cy - k), w + 1)


# ------------------------------------------------------------------- breaches

def breach(surface: pygame.Surface, centre: Point, tile_px: int, phase_s: float) -> None:
    """A hull breach: a burst with a pulsing ring (all in the breach palette)."""
    cx, cy = centre
    s = max(8, tile_px)
    pulse = 0.5 + 0.5 * math.sin(phase_s * 4.0)
    ring_r = round(s * (0.85 + 0.35 * pulse))
    pygame.draw.circle(surface, P.BREACH_RING, centre, ring_r, max(2, s // 8))
    spikes = 8
    outer = s * 0.62
    inner = s * 0.26
    rot = phase_s * 0.6
    pts = []
    for i in range(spikes * 2):
        a = rot + i * math.pi / spikes
        rr = outer if i % 2 == 0 else inner
        pts.append((cx + math.cos(a) * rr, cy + math.sin(a) * rr))
    pygame.draw.polygon(surface, P.BREACH_SPIKE, pts)
    pygame.draw.circle(surface, P.BREACH_CORE, centre, max(3, round(s * 0.24)))


def glow(radius: int, colour: P.Colour, strength: float = 1.0) -> pygame.Surface:
    """A soft radial glow for additive blending (made once per size)."""
    size = radius * 2 + 1
    surf = pygame.Surface((size, size))
    surf.fill((0, 0, 0))
    steps = max(4, radius // 2)
    for i in range(steps, 0, -1):
        f = (1.0 - i / steps) ** 2 * strength
        pygame.draw.circle(surf, _dim(colour, min(1.0, f)), (radius, radius), round(radius * i / steps))
    return surf


# ---------------------------------------------------------------------- kit

KIT_COLOURS = {
    "suit": (236, 242, 248),
    "respirator": (120, 200, 240),
    "lance": (255, 150, 60),
    "crowbar": (200, 90, 80),
    "medkit": (120, 220, 140),
}


def kit_icon(surface: pygame.Surface, item: str, centre: Point, size: int) -> None:
    """A small drawing of a piece of kit, so the crew panel reads without words."""
    cx, cy = centre
    r = max(3, size // 2)
    c = KIT_COLOURS.get(item, P.TEXT_DIM)
    if item == "suit":  # a helmet: dome with a visor
        pygame.draw.circle(surface, c, centre, r)
        pygame.draw.rect(surface, P.GLYPH_DARK, (cx - r + 2, cy - r // 3, 2 * r - 4, max(2, r // 2)), border_radius=2)
    elif item == "respirator":  # a mask with its strap
        pygame.draw.ellipse(surface, c, (cx - r, cy - r // 2, 2 * r, r + 2))
        pygame.draw.line(surface, c, (cx - r, cy - r // 2), (cx + r, cy - r // 2), 1)
        pygame.draw.circle(surface, P.GLYPH_DARK, (cx, cy + 1), max(1, r // 3))
    elif item == "lance":  # a rod with a flame
        pygame.draw.line(surface, (170, 178, 190), (cx - r, cy + r), (cx + r // 3, cy - r // 3), 2)
        pygame.draw.polygon(surface, c, [(cx + r // 3, cy - r // 3), (cx + r, cy - r), (cx + r // 2, cy)])
    elif item == "crowbar":  # a hooked bar
        pygame.draw.line(surface, c, (cx - r, cy + r), (cx + r // 2, cy - r), 2)
        pygame.draw.line(surface, c, (cx + r // 2, cy - r), (cx + r, cy - r // 2), 2)
    elif item == "medkit":  # a box with a cross
        pygame.draw.rect(surface, c, (cx - r, cy - r + 1, 2 * r, 2 * r - 2), border_radius=2)
        pygame.draw.line(surface, P.GLYPH_DARK, (cx - r // 2, cy), (cx + r // 2, cy), 2)
        pygame.draw.line(surface, P.GLYPH_DARK, (cx, cy - r // 2), (cx, cy + r // 2), 2)
    else:
        pygame.draw.circle(surface, c, centre, max(2, r // 2))


def goal_marker(surface: pygame.Surface, centre: Point, size: int, colour: P.Colour) -> None:
    """Where a path ends: a diamond with a dot."""
    cx, cy = centre
    r = max(3, size // 3)
    pts = [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]
    pygame.draw.polygon(surface, P.GLYPH_DARK, [(x + 1, y + 1) for x, y in pts])
    pygame.draw.polygon(surface, colour, pts, 2)
    pygame.draw.circle(surface, colour, centre, max(1, r // 3))


def dashed_ring(surface: pygame.Surface, centre: Point, radius: int, colour: P.Colour, phase: float = 0.0, width: int = 2) -> None:
    """A selection ring of short arcs that turns slowly."""
    rect = pygame.Rect(0, 0, radius * 2, radius * 2)
    rect.center = centre
    n = 8
    for i in range(n):
        a0 = phase + i * 2 * math.pi / n
        pygame.draw.arc(surface, colour, rect, a0, a0 + math.pi / n * 1.1, width)
