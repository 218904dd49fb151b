"""Map overlays: pressure, oxygen and wind, in colour-blind-safe palettes with patterns and numbers.

Each gas overlay fills every compartment with its colour-map colour AND a
pattern whose density steps with the danger (hatching for pressure, dots for
oxygen), so the reading survives any colour vision and a grey screenshot;
the rooms' own labels switch to the overlay's number. The wind overlay
draws arrows along the flow, their length and colour by speed, with the
strongest speed in each compartment written beside its arrow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pygame

from game.view import colormaps
from game.view import palette as P
from game.view.camera import Camera
from game.view.fonts import TEXT

if TYPE_CHECKING:
    from game.sim.world import World

MODES = ("pressure", "oxygen", "wind")
FILL_ALPHA = 150
QUANT = 48  # colour steps: the overlay is rebuilt only when a compartment crosses one


@dataclass(frozen=True)
class Band:
    """One step of danger: values below `upper` get this pattern and name."""

    upper: float
    name: str


# Pressure in bar. 0.58 bar of air is where hypoxia starts to build; the
# Armstrong limit (0.063 bar) is where unprotected body fluids boil.
PRESSURE_BANDS = (
    Band(0.10, "vacuum"),
    Band(0.35, "lethal"),
    Band(0.58, "hypoxic"),
    Band(0.85, "falling"),
    Band(math.inf, "normal"),
)
PRESSURE_MAX_BAR = 1.0
# Oxygen partial pressure in kPa (sea-level air: 21).
OXYGEN_BANDS = (
    Band(6.0, "lethal"),
    Band(9.0, "severe"),
    Band(12.0, "hypoxic"),
    Band(16.0, "thin"),
    Band(math.inf, "normal"),
)
OXYGEN_MAX_KPA = 25.0
# Cell-averaged air speeds in a module blowdown run from a few cm/s to a
# few m/s (the jet in the hole itself is not a cell's average).
WIND_MIN_M_S = 0.02
WIND_MAX_M_S = 5.0


def band_index(bands: tuple[Band, ...], values: np.ndarray) -> np.ndarray:
    """0 for the worst band up to len-1 for normal."""
    uppers = np.array([b.upper for b in bands[:-1]])
    return np.searchsorted(uppers, np.nan_to_num(values, nan=0.0), side="right")


def wind_norm(speed: np.ndarray | float) -> np.ndarray | float:
    """Wind speed on a log scale to 0..1 between WIND_MIN_M_S and WIND_MAX_M_S."""
    lo, hi = math.log(WIND_MIN_M_S), math.log(WIND_MAX_M_S)
    return np.clip((np.log(np.maximum(speed, WIND_MIN_M_S)) - lo) / (hi - lo), 0.0, 1.0)


def compartment_values(world: "World", mode: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(raw value, 0..1 colour position, band index) per compartment for a gas overlay."""
    c = world.compartments
    if mode == "pressure":
        raw = c.pressure_bar
        return raw, np.clip(raw / PRESSURE_MAX_BAR, 0, 1), band_index(PRESSURE_BANDS, raw)
    raw = c.ppo2_bar * 100.0
    return raw, np.clip(raw / OXYGEN_MAX_KPA, 0, 1), band_index(OXYGEN_BANDS, raw)


def pattern_mask(mode: str, band: np.ndarray, gx: np.ndarray, gy: np.ndarray, s: int) -> np.ndarray:
    """Pixels of the pattern for each pixel's band (band 4 = normal: none).

    Pressure: diagonal hatching, denser as it falls; cross-hatch at vacuum.
    Oxygen: dots, denser as it falls; crosses at lethal.
    Patterns use world pixel coordinates, so they run on across cells.
    """
    out = np.zeros(band.shape, dtype=bool)
    unit = max(3, s // 3)
    if mode == "pressure":
        periods = {3: unit * 3, 2: unit * 2, 1: max(3, unit * 3 // 2), 0: max(3, unit * 3 // 2)}
        for b, period in periods.items():
            m = band == b
            if not m.any():
                continue
            line = ((gx + gy) % period) == 0
            if b == 0:
                line |= ((gx - gy) % period) == 0
            out |= m & line
    else:
        periods = {3: unit * 3, 2: unit * 2, 1: max(4, unit * 3 // 2), 0: max(4, unit * 2)}
        for b, period in periods.items():
            m = band == b
            if not m.any():
                continue
            px_, py_ = gx % period, gy % period
            if b == 0:  # little plus signs
                mark = ((px_ == period // 2) & (abs(py_ - period // 2) <= 1)) | ((py_ == period // 2) & (abs(px_ - period // 2) <= 1))
            else:
                mark = (px_ < 2) & (py_ < 2)
            out |= m & mark
    return out


def band_ink(mode: str, band: int, palette: str) -> tuple[int, int, int]:
    """The pattern's ink for a band: dark on the light end of the map, light on the dark end."""
    bands = PRESSURE_BANDS if mode == "pressure" else OXYGEN_BANDS
    maxv = PRESSURE_MAX_BAR if mode == "pressure" else OXYGEN_MAX_KPA
    lo = bands[band - 1].upper if band > 0 else 0.0
    hi = min(bands[band].upper, maxv)
    r, g, b = colormaps.colour(palette, (lo + hi) / 2 / maxv)
    return (12, 14, 20) if r * 0.3 + g * 0.59 + b * 0.11 > 110 else (236, 240, 246)


class GasOverlay:
    """A cached RGBA surface of the visible part of the map, rebuilt when a colour step changes.

    Built by pygame at cell resolution and scaled up (colour), with each
    band's pattern cut out of a cached pattern sheet by the band's cells, so
    a rebuild costs a few scaled blits rather than per-pixel work.
    """

    MARGIN = 0.25  # extra region built around the view, so panning reuses the cache

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._region: tuple[int, int, int, int] | None = None
        self._surf: pygame.Surface | None = None
        self._sheets: dict[tuple, pygame.Surface] = {}
        self.rebuilds = 0

    def draw(self, surface: pygame.Surface, world: "World", camera: Camera, mode: str, palette: str) -> None:
        grid = world.grid
        vx0, vy0, vx1, vy1 = camera.visible_cells(grid.width, grid.height)
        if vx1 <= vx0 or vy1 <= vy0 or world.compartments.count == 0:
            return
        s = camera.tile_px
        _, colour_pos, bands = compartment_values(world, mode)
        q = np.round(colour_pos * QUANT).astype(np.int16)
        values_key = (q.tobytes(), bands.astype(np.int8).tobytes(), id(world.compartments.labels))
        reg = self._region
        inside = reg is not None and reg[0] <= vx0 and reg[1] <= vy0 and reg[2] >= vx1 and reg[3] >= vy1
        key = (mode, palette, s, values_key)
        if key != self._key or not inside or self._surf is None:
            if not inside or self._key is None or self._key[2] != s:
                mx = max(2, int((vx1 - vx0) * self.MARGIN))
                my = max(2, int((vy1 - vy0) * self.MARGIN))
                reg = (max(0, vx0 - mx), max(0, vy0 - my), min(grid.width, vx1 + mx), min(grid.height, vy1 + my))
                self._sheets = {}
            self._surf = self._build(world, mode, palette, q, bands, reg, s)
            self._region, self._key = reg, key
            self.rebuilds += 1
        ox, oy = camera.origin_px
        surface.blit(self._surf, (ox + self._region[0] * s, oy + self._region[1] * s))

    def _sheet(self, mode: str, band: int, palette: str, reg: tuple[int, int, int, int], s: int) -> pygame.Surface:
        """The band's pattern over the whole region (ink opaque, the rest clear), made once per region."""
        key = (mode, band, palette, reg, s)
        sheet = self._sheets.get(key)
        if sheet is None:
            x0, y0, x1, y1 = reg
            h, w = (y1 - y0) * s, (x1 - x0) * s
            gy = (np.arange(h) + y0 * s)[:, None]
            gx = (np.arange(w) + x0 * s)[None, :]
            mark = pattern_mask(mode, np.full((h, w), band, dtype=np.int8), gx, gy, s)
            rgba = np.zeros((h, w, 4), dtype=np.uint8)
            rgba[mark] = (*band_ink(mode, band, palette), 235)
            sheet = pygame.image.frombuffer(rgba.tobytes(), (w, h), "RGBA").copy()
            self._sheets[key] = sheet
        return sheet

    def _build(self, world: "World", mode: str, palette: str, q: np.ndarray, bands: np.ndarray,
               reg: tuple[int, int, int, int], s: int) -> pygame.Surface:
        x0, y0, x1, y1 = reg
        w, h = x1 - x0, y1 - y0
        lab = world.compartments.labels[y0:y1, x0:x1]
        inside = lab > 0
        idx = np.where(inside, lab - 1, 0)
        small = np.zeros((h, w, 4), dtype=np.uint8)
        small[..., :3] = colormaps.colours(palette, q[idx] / QUANT)
        small[..., 3] = np.where(inside, FILL_ALPHA, 0)
        out = pygame.transform.scale(pygame.image.frombuffer(small.tobytes(), (w, h), "RGBA"), (w * s, h * s))
        cell_band = np.where(inside, bands[idx], len(PRESSURE_BANDS) - 1)
        for b in np.unique(cell_band).tolist():
            if b >= len(PRESSURE_BANDS) - 1:
                continue  # "normal": no pattern
            cut = np.zeros((h, w, 4), dtype=np.uint8)
            cut[cell_band == b] = 255
            mask = pygame.transform.scale(pygame.image.frombuffer(cut.tobytes(), (w, h), "RGBA"), (w * s, h * s))
            ink = self._sheet(mode, b, palette, reg, s).copy()
            ink.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
            out.blit(ink, (0, 0))
        if pygame.display.get_init() and pygame.display.get_surface() is not None:
            out = out.convert_alpha()  # the screen's pixel format: the per-frame blit is several times faster
        return out


def arrow_step(tile_px: int) -> int:
    """One wind arrow per this many cells: arrows need about 20 px to read."""
    return 1 if tile_px >= 20 else (2 if tile_px >= 9 else 3)


class WindOverlay:
    """Arrows along the wind field, and the top speed of each compartment in numbers."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._items: list[tuple] = []

    def _arrows(self, world: "World", camera: Camera) -> list[tuple]:
        a = world.atmos
        if a.wind_x.size == 0:
            return []
        s = camera.tile_px
        x0, y0, x1, y1 = camera.visible_cells(world.grid.width, world.grid.height)
        step = arrow_step(s)
        wx = a.wind_x[y0:y1:step, x0:x1:step]
        wy = a.wind_y[y0:y1:step, x0:x1:step]
        sp = np.hypot(wx, wy)
        ys, xs = np.nonzero(sp > WIND_MIN_M_S)
        items = []
        for j, i in zip(ys.tolist(), xs.tolist()):
            cx, cy = x0 + i * step, y0 + j * step
            v = float(sp[j, i])
            items.append((cx, cy, float(wx[j, i]) / v, float(wy[j, i]) / v, v))
        return items

    def draw(self, surface: pygame.Surface, world: "World", camera: Camera, palette: str) -> list[tuple[str, pygame.Rect]]:
        """Draw; returns the speed labels drawn (text, rect)."""
        s = camera.tile_px
        key = (world.tick, camera.tile_px, camera.x0, camera.y0, id(world))
        if key != self._key:
            self._items = self._arrows(world, camera)
            self._key = key
        lut = colormaps.lut(palette)
        step_len = s * arrow_step(s)
        for cx, cy, ux, uy, v in self._items:
            n = float(wind_norm(v))
            colour = tuple(int(c) for c in lut[int(64 + n * 191)])  # skip the darkest end: arrows sit on dark floors
            length = step_len * (0.4 + 0.5 * n)
            sx, sy = camera.cell_centre(cx, cy)
            if step_len > s:  # an arrow standing for a block of cells sits in its middle
                sx += (step_len - s) // 2
                sy += (step_len - s) // 2
            hx, hy = sx + ux * length / 2, sy + uy * length / 2
            tx, ty = sx - ux * length / 2, sy - uy * length / 2
            w = 1 if n < 0.3 else 2
            pygame.draw.line(surface, colour, (tx, ty), (hx, hy), w)
            hs = max(2.0, s * 0.22)
            left = (hx - ux * hs - uy * hs * 0.7, hy - uy * hs + ux * hs * 0.7)
            right = (hx - ux * hs + uy * hs * 0.7, hy - uy * hs - ux * hs * 0.7)
            pygame.draw.polygon(surface, colour, [(hx, hy), left, right])
        return self._labels(surface, world, camera)

    def _labels(self, surface: pygame.Surface, world: "World", camera: Camera) -> list[tuple[str, pygame.Rect]]:
        """Each compartment's top wind speed, written at the cell where it blows hardest."""
        a = world.atmos
        if a.wind_x.size == 0:
            return []
        sp = np.hypot(a.wind_x, a.wind_y)
        lab = world.compartments.labels
        out = []
        x0, y0, x1, y1 = camera.visible_cells(world.grid.width, world.grid.height)
        size = max(10, min(15, camera.tile_px - 1))
        for comp in range(world.compartments.count):
            m = lab == comp + 1
            if not m.any():
                continue
            masked = np.where(m, sp, 0.0)
            k = int(np.argmax(masked))
            y, x = divmod(k, sp.shape[1])
            v = float(masked[y, x])
            if v < 0.05 or not (x0 <= x < x1 and y0 <= y < y1):
                continue
            txt = f"{v:.1f} m/s" if v >= 0.1 else f"{v:.2f} m/s"
            img = TEXT.render(txt, size, P.TEXT, "bold", shadow=P.TEXT_SHADOW)
            sx, sy = camera.cell_centre(x, y)
            r = img.get_rect(midbottom=(sx, sy - camera.tile_px // 2))
            pill = r.inflate(8, 2)
            pygame.draw.rect(surface, (12, 15, 22), pill, border_radius=4)
            pygame.draw.rect(surface, (90, 110, 140), pill, 1, border_radius=4)
            surface.blit(img, r)
            out.append((txt, r))
        return out


# ------------------------------------------------------------------- legend

LEGEND_W = 340


def legend_height(mode: str) -> int:
    return 112 if mode != "wind" else 78


_legends: dict[tuple, pygame.Surface] = {}


def draw_legend(surface: pygame.Surface, mode: str, palette: str, topleft: tuple[int, int], scale_px) -> pygame.Rect:
    """The scale for the active overlay: a gradient with numbers, and the pattern steps named (drawn once)."""
    w, h = scale_px(LEGEND_W), scale_px(legend_height(mode))
    key = (mode, palette, w, h)
    img = _legends.get(key)
    if img is None:
        img = pygame.Surface((w, h), pygame.SRCALPHA)
        _render_legend(img, mode, palette, scale_px)
        _legends[key] = img
    return surface.blit(img, topleft)


def _render_legend(surface: pygame.Surface, mode: str, palette: str, scale_px) -> pygame.Rect:
    from game.view import ui

    rect = surface.get_rect()
    inner = ui.panel(surface, rect, {"pressure": "PRESSURE  bar", "oxygen": "OXYGEN  ppO2 kPa",
                                      "wind": "WIND  m/s"}[mode], accent=P.ACCENT)
    grad = pygame.Rect(inner.x, inner.y + scale_px(2), inner.w, scale_px(10))
    lut = colormaps.lut(palette)
    for i in range(grad.w):
        c = lut[int(i / max(1, grad.w - 1) * 255)]
        pygame.draw.line(surface, tuple(int(v) for v in c), (grad.x + i, grad.y), (grad.x + i, grad.bottom - 1))
    pygame.draw.rect(surface, P.HUD_LINE, grad, 1)
    if mode == "pressure":
        ticks = [(v / PRESSURE_MAX_BAR, f"{v:g}") for v in (0.0, 0.25, 0.5, 0.75, 1.0)]
    elif mode == "oxygen":
        ticks = [(v / OXYGEN_MAX_KPA, f"{v:g}") for v in (0, 6, 12, 16, 21)]
    else:
        ticks = [(float(wind_norm(v)), f"{v:g}") for v in (0.02, 0.1, 0.5, 1, 5)]
    for f, label in ticks:
        x = grad.x + round(f * (grad.w - 1))
        pygame.draw.line(surface, P.TEXT_DIM, (x, grad.bottom), (x, grad.bottom + scale_px(3)))
        ui.text(surface, label, (x, grad.bottom + scale_px(3)), 10, P.TEXT_DIM,
                anchor="midtop" if 0 < f < 1 else ("topleft" if f == 0 else "topright"))
    if mode == "wind":
        return rect
    bands = PRESSURE_BANDS if mode == "pressure" else OXYGEN_BANDS
    y = grad.bottom + scale_px(20)
    sw = scale_px(26)
    col_w = inner.w // 2
    for i, b in enumerate(bands[:-1]):  # worst first; "normal" has no pattern
        col, row = divmod(i, 2)
        box = pygame.Rect(inner.x + col * (col_w + scale_px(4)), y + row * scale_px(19), sw, scale_px(15))
        _swatch(surface, box, mode, i, palette, bands)
        lo = bands[i - 1].upper if i > 0 else 0.0
        ui.text(surface, f"below {b.upper:g}" if i == 0 else f"{lo:g} to {b.upper:g}", (box.right + scale_px(8), box.centery), 11,
                P.TEXT, anchor="midleft")
        ui.text(surface, b.name, (box.x + col_w - scale_px(6), box.centery), 11, P.TEXT_DIM, "bold", anchor="midright")
    return rect


def _swatch(surface: pygame.Surface, box: pygame.Rect, mode: str, band: int, palette: str, bands) -> None:
    mid = (bands[band - 1].upper if band > 0 else 0.0) * 0.5 + min(bands[band].upper, 30.0) * 0.5
    maxv = PRESSURE_MAX_BAR if mode == "pressure" else OXYGEN_MAX_KPA
    base = np.array(colormaps.colour(palette, mid / maxv), dtype=np.int16)
    s = 12
    gy, gx = np.mgrid[0:box.h, 0:box.w]
    m = pattern_mask(mode, np.full(gx.shape, band), gx, gy, s)
    lum = base[0] * 0.3 + base[1] * 0.59 + base[2] * 0.11
    ink = np.array([12, 14, 20] if lum > 110 else [236, 240, 246])
    img = np.where(m[..., None], ink, base).astype(np.uint8)
    surf = pygame.surfarray.make_surface(np.ascontiguousarray(img.transpose(1, 0, 2)))
    surface.blit(surf, box)
    pygame.draw.rect(surface, P.HUD_LINE, box, 1)
