"""Map overlays: one registry (`OVERLAYS`) of what the player can lay over the map.

Each entry is one `Overlay` that carries everything about it: the values it
shows (a function of the world), the colour scale and the numbers under it,
the danger bands with their patterns, how room labels read it, its key and
its words. The renderer, the legend, the play scene's keys and the settings
screen's key list all read the registry, so adding an overlay is one
`register(Overlay(...))`; asking for one that is not registered is an error.

A filled overlay paints every compartment with its colour-map colour AND a
pattern whose density steps with the danger (hatching for pressure, dots for
oxygen), so the reading survives any colour vision and a grey screenshot;
the rooms' own labels switch to the overlay's number. An arrow overlay (wind)
draws arrows along the flow, their length and colour by speed, with the
strongest speed in each compartment written beside its arrow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np
import pygame

from game import settings
from game.sim.atmosphere import dew_point_k
from game.view import colormaps, ui
from game.view import palette as P
from game.view.camera import Camera
from game.view.fonts import TEXT

if TYPE_CHECKING:
    from game.sim.world import World

Colour = tuple[int, int, int]
FILL_ALPHA = 150
QUANT = 48  # colour steps: the overlay is rebuilt only when a compartment crosses one
INK_DARK, INK_LIGHT = (12, 14, 20), (236, 240, 246)


@dataclass(frozen=True)
class Band:
    """One step of danger: values below `upper` get this pattern and name."""

    upper: float
    name: str


# A pattern marks, for each pixel of one band (0 = worst), whether it is ink; it works in
# world pixel coordinates (gx, gy) so it runs on across cells, and scales with the tile size s.
Pattern = Callable[[int, np.ndarray, np.ndarray, int], np.ndarray]


def hatch(band: int, gx: np.ndarray, gy: np.ndarray, s: int) -> np.ndarray:
    """Diagonal hatching, denser for worse bands; cross-hatch for the worst."""
    unit = max(3, s // 3)
    period = {3: unit * 3, 2: unit * 2, 1: max(3, unit * 3 // 2), 0: max(3, unit * 3 // 2)}[band]
    line = ((gx + gy) % period) == 0
    if band == 0:
        line = line | (((gx - gy) % period) == 0)
    return line


def dots(band: int, gx: np.ndarray, gy: np.ndarray, s: int) -> np.ndarray:
    """Dots, denser for worse bands; little plus signs for the worst."""
    unit = max(3, s // 3)
    period = {3: unit * 3, 2: unit * 2, 1: max(4, unit * 3 // 2), 0: max(4, unit * 2)}[band]
    px_, py_ = gx % period, gy % period
    if band == 0:
        return ((px_ == period // 2) & (abs(py_ - period // 2) <= 1)) | ((py_ == period // 2) & (abs(px_ - period // 2) <= 1))
    return (px_ < 2) & (py_ < 2)


@dataclass(frozen=True)
class RoomNumber:
    """How a room's label reads an overlay: its value per compartment, written long or short, in a colour."""

    values: Callable[["World"], np.ndarray]
    long: str  # a format for one value, e.g. "{:.2f} bar"
    short: str  # the same when the long one does not fit the room
    colour: Callable[[float], Colour]
    resolution: float  # steps per unit the number shows (redrawn only when one changes)


@dataclass(frozen=True)
class Arrows:
    """An overlay drawn as arrows along a per-cell flow, with each compartment's top speed written."""

    vectors: Callable[["World"], tuple[np.ndarray, np.ndarray]]  # (x, y) components per cell
    min_speed: float  # slower than this: no arrow
    label_min: float  # a compartment's top speed below this is not written
    unit: str


@dataclass(frozen=True)
class Overlay:
    """Everything about one overlay; `register` makes it one the player can switch on."""

    name: str  # also the key action "overlay_<name>"
    label: str  # what the key does, in the settings screen and the key help
    key: str  # its default key (a pygame key name)
    title: str  # the legend's heading, with the unit
    values: Callable[["World"], np.ndarray]  # per compartment (filled) or per cell (arrows)
    norm: Callable[[np.ndarray], np.ndarray]  # value -> 0..1 along the colour map
    ticks: tuple[float, ...]  # the numbers under the legend's gradient
    bands: tuple[Band, ...] = ()  # worst first; the last ("normal") has no pattern
    pattern: Pattern | None = None
    room_number: RoomNumber | None = None  # None: the rooms keep showing their pressure
    arrows: Arrows | None = None  # None: a fill per compartment

    @property
    def action(self) -> str:
        return f"overlay_{self.name}"

    def band_index(self, values: np.ndarray) -> np.ndarray:
        """0 for the worst band up to len(bands)-1 for normal."""
        return band_index(self.bands, values)

    def band_range(self, band: int) -> tuple[float, float]:
        """The values a band covers (the normal band is open above)."""
        return (self.bands[band - 1].upper if band > 0 else 0.0), self.bands[band].upper


def band_index(bands: tuple[Band, ...], values: np.ndarray) -> np.ndarray:
    """0 for the worst band up to len-1 for normal."""
    uppers = np.array([b.upper for b in bands[:-1]])
    return np.searchsorted(uppers, np.nan_to_num(values, nan=0.0), side="right")


OVERLAYS: dict[str, Overlay] = {}


def register(overlay: Overlay) -> Overlay:
    """Make `overlay` one the player can switch on, with its key among the settings' bindings."""
    if overlay.name in OVERLAYS:
        raise ValueError(f"an overlay called {overlay.name!r} is already registered")
    OVERLAYS[overlay.name] = overlay
    settings.bind_action(overlay.action, overlay.key, overlay.label, before="autopilot")
    return overlay


def unregister(name: str) -> None:
    """Take an overlay and its key binding away again (tests that register their own)."""
    del OVERLAYS[name]
    settings.unbind_action(f"overlay_{name}")


def overlay(name: str) -> Overlay:
    """The registered overlay called `name`; any other name is an error, never a default."""
    try:
        return OVERLAYS[name]
    except KeyError:
        raise KeyError(f"no overlay called {name!r}; there are {', '.join(OVERLAYS)}") from None


def for_action(action: str) -> Overlay | None:
    """The overlay a key action switches, or None for actions that are not overlays."""
    return next((o for o in OVERLAYS.values() if o.action == action), None)


# ------------------------------------------------------------ the overlays

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


def wind_norm(speed: np.ndarray | float) -> np.ndarray | float:
    """Wind speed on a log scale to 0..1 between WIND_MIN_M_S and WIND_MAX_M_S."""
    lo, hi = math.log(WIND_MIN_M_S), math.log(WIND_MAX_M_S)
    return np.clip((np.log(np.maximum(speed, WIND_MIN_M_S)) - lo) / (hi - lo), 0.0, 1.0)


def oxygen_colour(ppo2_kpa: float) -> Colour:
    """Text colour for a room's oxygen partial pressure, by the oxygen bands."""
    if ppo2_kpa >= OXYGEN_BANDS[3].upper:
        return (150, 226, 170)
    if ppo2_kpa >= OXYGEN_BANDS[2].upper:
        return (255, 209, 102)
    if ppo2_kpa >= OXYGEN_BANDS[1].upper:
        return (255, 159, 67)
    return (255, 118, 106)


def _pressure_bar(world: "World") -> np.ndarray:
    return world.compartments.pressure_bar


def _ppo2_kpa(world: "World") -> np.ndarray:
    return world.compartments.ppo2_bar * 100.0


def _wind_speed(world: "World") -> np.ndarray:
    return np.hypot(world.atmos.wind_x, world.atmos.wind_y)


def _wind_vectors(world: "World") -> tuple[np.ndarray, np.ndarray]:
    return world.atmos.wind_x, world.atmos.wind_y


# What the rooms show with no overlay, or one that does not say otherwise.
PRESSURE_NUMBER = RoomNumber(_pressure_bar, "{:.2f} bar", "{:.2f}", P.pressure_colour, 100.0)

PRESSURE = register(Overlay(
    "pressure", "Pressure overlay", "p", "PRESSURE  bar", _pressure_bar,
    norm=lambda v: np.clip(v / PRESSURE_MAX_BAR, 0, 1), ticks=(0.0, 0.25, 0.5, 0.75, 1.0),
    bands=PRESSURE_BANDS, pattern=hatch, room_number=PRESSURE_NUMBER,
))
OXYGEN = register(Overlay(
    "oxygen", "Oxygen overlay", "o", "OXYGEN  ppO2 kPa", _ppo2_kpa,
    norm=lambda v: np.clip(v / OXYGEN_MAX_KPA, 0, 1), ticks=(0, 6, 12, 16, 21),
    bands=OXYGEN_BANDS, pattern=dots,
    room_number=RoomNumber(_ppo2_kpa, "O2 {:.1f} kPa", "{:.1f}", oxygen_colour, 10.0),
))
WIND = register(Overlay(
    "wind", "Wind overlay", "v", "WIND  m/s", _wind_speed, norm=wind_norm, ticks=(0.02, 0.1, 0.5, 1, 5),
    arrows=Arrows(_wind_vectors, min_speed=WIND_MIN_M_S, label_min=0.05, unit="m/s"),
))
# Air temperature against its dew point, K: venting air cools as it expands, and
# below its dew point the cabin's water vapour condenses into a mist. The rooms
# show the temperature itself; the fill and pattern show how near the mist is.
DEW_MARGIN_BANDS = (
    Band(0.0, "fog"),
    Band(3.0, "misting"),
    Band(math.inf, "clear"),
)
DEW_MARGIN_MAX_K = 30.0


def _dew_margin_k(world: "World") -> np.ndarray:
    c = world.compartments
    return c.temp_k - dew_point_k(c.pressure_bar)


def _temperature_c(world: "World") -> np.ndarray:
    return world.compartments.temp_k - 273.15


def temperature_colour(celsius: float) -> Colour:
    """Text colour for a room's temperature: white when comfortable, blue as it chills."""
    if celsius >= 15.0:
        return (236, 240, 246)
    if celsius >= 0.0:
        return (150, 200, 255)
    return (110, 160, 255)


TEMPERATURE = register(Overlay(
    "temperature", "Temperature and fog overlay", "k", "AIR  K above its dew point", _dew_margin_k,
    norm=lambda v: np.clip(v / DEW_MARGIN_MAX_K, 0, 1), ticks=(0, 5, 10, 20, 30),
    bands=DEW_MARGIN_BANDS, pattern=dots,
    room_number=RoomNumber(_temperature_c, "{:.0f} \u00b0C", "{:.0f}\u00b0", temperature_colour, 1.0),
))


# ------------------------------------------------------------ drawing

def band_ink(ov: Overlay, band: int, palette: str) -> Colour:
    """The pattern's ink for a band: dark on the light end of the map, light on the dark end."""
    lo, hi = ov.band_range(band)
    r, g, b = colormaps.colour(palette, float(ov.norm(np.float64((lo + hi) / 2))))
    return INK_DARK if r * 0.3 + g * 0.59 + b * 0.11 > 110 else INK_LIGHT


class FillLayer:
    """A filled overlay as a cached RGBA surface of the visible part of the map,
    rebuilt when a colour step changes.

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

    def draw(self, surface: pygame.Surface, world: "World", camera: Camera, ov: Overlay, palette: str) -> None:
        grid = world.grid
        vx0, vy0, vx1, vy1 = camera.visible_cells(grid.width, grid.height)
        if vx1 <= vx0 or vy1 <= vy0 or world.compartments.count == 0:
            return
        s = camera.tile_px
        raw = ov.values(world)
        q = np.round(ov.norm(raw) * QUANT).astype(np.int16)
        bands = ov.band_index(raw) if ov.bands else np.zeros(len(raw), dtype=np.intp)
        values_key = (q.tobytes(), bands.astype(np.int8).tobytes(), id(world.compartments.labels))
        reg = self._region
        inside = reg is not None and reg[0] <= vx0 and reg[1] <= vy0 and reg[2] >= vx1 and reg[3] >= vy1
        key = (ov.name, palette, s, values_key)
        if key != self._key or not inside or self._surf is None:
            if not inside or self._key is None or self._key[2] != s:
                mx = max(2, int((vx1 - vx0) * self.MARGIN))
                my = max(2, int((vy1 - vy0) * self.MARGIN))
                reg = (max(0, vx0 - mx), max(0, vy0 - my), min(grid.width, vx1 + mx), min(grid.height, vy1 + my))
                self._sheets = {}
            self._surf = self._build(world, ov, palette, q, bands, reg, s)
            self._region, self._key = reg, key
            self.rebuilds += 1
        ox, oy = camera.origin_px
        surface.blit(self._surf, (ox + self._region[0] * s, oy + self._region[1] * s))

    def _sheet(self, ov: Overlay, band: int, palette: str, reg: tuple[int, int, int, int], s: int) -> pygame.Surface:
        """The band's pattern over the whole region (ink opaque, the rest clear), made once per region."""
        key = (ov.name, band, palette, reg, s)
        sheet = self._sheets.get(key)
        if sheet is None:
            x0, y0, x1, y1 = reg
            h, w = (y1 - y0) * s, (x1 - x0) * s
            gy = (np.arange(h) + y0 * s)[:, None]
            gx = (np.arange(w) + x0 * s)[None, :]
            mark = np.broadcast_to(ov.pattern(band, gx, gy, s), (h, w))
            rgba = np.zeros((h, w, 4), dtype=np.uint8)
            rgba[mark] = (*band_ink(ov, band, palette), 235)
            sheet = pygame.image.frombuffer(rgba.tobytes(), (w, h), "RGBA").copy()
            self._sheets[key] = sheet
        return sheet

    def _build(self, world: "World", ov: Overlay, palette: str, q: np.ndarray, bands: np.ndarray,
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
        normal = len(ov.bands) - 1
        cell_band = np.where(inside, bands[idx], normal)
        for b in np.unique(cell_band).tolist() if ov.pattern is not None else ():
            if b >= normal:
                continue  # "normal": no pattern
            cut = np.zeros((h, w, 4), dtype=np.uint8)
            cut[cell_band == b] = 255
            mask = pygame.transform.scale(pygame.image.frombuffer(cut.tobytes(), (w, h), "RGBA"), (w * s, h * s))
            ink = self._sheet(ov, b, palette, reg, s).copy()
            ink.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
            out.blit(ink, (0, 0))
        return ui.screen_format(out)  # the screen's pixel format: the per-frame blit is several times faster


def arrow_step(tile_px: int) -> int:
    """One arrow per this many cells: arrows need about 20 px to read."""
    return 1 if tile_px >= 20 else (2 if tile_px >= 9 else 3)


class ArrowLayer:
    """An arrow overlay: arrows along its flow, and the top speed of each compartment in numbers."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._items: list[tuple] = []

    def _arrows(self, world: "World", camera: Camera, ov: Overlay) -> list[tuple]:
        vx, vy = ov.arrows.vectors(world)
        if vx.size == 0:
            return []
        s = camera.tile_px
        x0, y0, x1, y1 = camera.visible_cells(world.grid.width, world.grid.height)
        step = arrow_step(s)
        wx = vx[y0:y1:step, x0:x1:step]
        wy = vy[y0:y1:step, x0:x1:step]
        sp = np.hypot(wx, wy)
        ys, xs = np.nonzero(sp > ov.arrows.min_speed)
        items = []
        for j, i in zip(ys.tolist(), xs.tolist()):
            cx, cy = x0 + i * step, y0 + j * step
            v = float(sp[j, i])
            items.append((cx, cy, float(wx[j, i]) / v, float(wy[j, i]) / v, v))
        return items

    def draw(self, surface: pygame.Surface, world: "World", camera: Camera, ov: Overlay,
             palette: str) -> list[tuple[str, pygame.Rect]]:
        """Draw; returns the speed labels drawn (text, rect)."""
        s = camera.tile_px
        key = (ov.name, world.tick, camera.tile_px, camera.x0, camera.y0, id(world))
        if key != self._key:
            self._items = self._arrows(world, camera, ov)
            self._key = key
        lut = colormaps.lut(palette)
        step_len = s * arrow_step(s)
        for cx, cy, ux, uy, v in self._items:
            n = float(ov.norm(v))
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
        return self._labels(surface, world, camera, ov)

    def _labels(self, surface: pygame.Surface, world: "World", camera: Camera, ov: Overlay) -> list[tuple[str, pygame.Rect]]:
        """Each compartment's top speed, written at the cell where it blows hardest."""
        sp = ov.values(world)
        if sp.size == 0:
            return []
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
            if v < ov.arrows.label_min or not (x0 <= x < x1 and y0 <= y < y1):
                continue
            txt = f"{v:.1f} {ov.arrows.unit}" if v >= 0.1 else f"{v:.2f} {ov.arrows.unit}"
            img = TEXT.render(txt, size, P.TEXT, "bold", shadow=P.TEXT_SHADOW)
            sx, sy = camera.cell_centre(x, y)
            r = img.get_rect(midbottom=(sx, sy - camera.tile_px // 2))
            pill = r.inflate(8, 2)
            pygame.draw.rect(surface, (12, 15, 22), pill, border_radius=4)
            pygame.draw.rect(surface, (90, 110, 140), pill, 1, border_radius=4)
            surface.blit(img, r)
            out.append((txt, r))
        return out


class OverlayPainter:
    """Draws whichever overlay is on, keeping each kind's cache."""

    def __init__(self) -> None:
        self.fill = FillLayer()
        self.arrow = ArrowLayer()

    def draw(self, surface: pygame.Surface, world: "World", camera: Camera, ov: Overlay,
             palette: str) -> list[tuple[str, pygame.Rect]]:
        """Draw `ov`; returns the numbers an arrow overlay wrote (text, rect)."""
        if ov.arrows is not None:
            return self.arrow.draw(surface, world, camera, ov, palette)
        self.fill.draw(surface, world, camera, ov, palette)
        return []


# ------------------------------------------------------------------- legend

LEGEND_W = 340


def legend_height(ov: Overlay) -> int:
    """The legend's height before UI scaling: a banded overlay lists its bands under the scale."""
    return 112 if ov.bands else 78


_legends: dict[tuple, pygame.Surface] = {}


def draw_legend(surface: pygame.Surface, ov: Overlay, palette: str, topleft: tuple[int, int],
                scale_px: Callable[[float], int]) -> pygame.Rect:
    """The scale for the active overlay: a gradient with numbers, and the pattern steps named (drawn once)."""
    w, h = scale_px(LEGEND_W), scale_px(legend_height(ov))
    key = (ov, palette, w, h)
    img = _legends.get(key)
    if img is None:
        img = pygame.Surface((w, h), pygame.SRCALPHA)
        _render_legend(img, ov, palette, scale_px)
        _legends[key] = img
    return surface.blit(img, topleft)


def _render_legend(surface: pygame.Surface, ov: Overlay, palette: str, scale_px: Callable[[float], int]) -> None:
    rect = surface.get_rect()
    inner = ui.panel(surface, rect, ov.title, accent=P.ACCENT)
    grad = pygame.Rect(inner.x, inner.y + scale_px(2), inner.w, scale_px(10))
    lut = colormaps.lut(palette)
    for i in range(grad.w):
        c = lut[int(i / max(1, grad.w - 1) * 255)]
        pygame.draw.line(surface, tuple(int(v) for v in c), (grad.x + i, grad.y), (grad.x + i, grad.bottom - 1))
    pygame.draw.rect(surface, P.HUD_LINE, grad, 1)
    for v in ov.ticks:
        f = float(ov.norm(np.float64(v)))
        x = grad.x + round(f * (grad.w - 1))
        pygame.draw.line(surface, P.TEXT_DIM, (x, grad.bottom), (x, grad.bottom + scale_px(3)))
        ui.text(surface, f"{v:g}", (x, grad.bottom + scale_px(3)), 10, P.TEXT_DIM,
                anchor="midtop" if 0 < f < 1 else ("topleft" if f == 0 else "topright"))
    if not ov.bands:
        return
    y = grad.bottom + scale_px(20)
    sw = scale_px(26)
    col_w = inner.w // 2
    for i, b in enumerate(ov.bands[:-1]):  # worst first; "normal" has no pattern
        col, row = divmod(i, 2)
        box = pygame.Rect(inner.x + col * (col_w + scale_px(4)), y + row * scale_px(19), sw, scale_px(15))
        _swatch(surface, box, ov, i, palette)
        lo = ov.band_range(i)[0]
        ui.text(surface, f"below {b.upper:g}" if i == 0 else f"{lo:g} to {b.upper:g}", (box.right + scale_px(8), box.centery), 11,
                P.TEXT, anchor="midleft")
        ui.text(surface, b.name, (box.x + col_w - scale_px(6), box.centery), 11, P.TEXT_DIM, "bold", anchor="midright")


def _swatch(surface: pygame.Surface, box: pygame.Rect, ov: Overlay, band: int, palette: str) -> None:
    lo, hi = ov.band_range(band)
    base = np.array(colormaps.colour(palette, float(ov.norm(np.float64(lo * 0.5 + min(hi, 30.0) * 0.5)))), dtype=np.int16)
    gy, gx = np.mgrid[0:box.h, 0:box.w]
    m = ov.pattern(band, gx, gy, 12) if ov.pattern is not None else np.zeros(gx.shape, dtype=bool)
    lum = base[0] * 0.3 + base[1] * 0.59 + base[2] * 0.11
    ink = np.array(INK_DARK if lum > 110 else INK_LIGHT)
    img = np.where(m[..., None], ink, base).astype(np.uint8)
    surf = pygame.surfarray.make_surface(np.ascontiguousarray(img.transpose(1, 0, 2)))
    surface.blit(surf, box)
    pygame.draw.rect(surface, P.HUD_LINE, box, 1)
