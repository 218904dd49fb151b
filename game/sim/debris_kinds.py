"""Debris kinds: frozen data with real sizes, masses and how air and floor act on them.

Top-down, so a piece's footprint is length x width on the deck; `height_m`
is how far it stands off the floor, which with the footprint sets the area
the wind catches. Ranges are drawn per piece from the world's debris stream.
"""

from __future__ import annotations

from dataclasses import dataclass


# Too heavy for people to shift by hand: it blocks a cell until cut.
HEAVY_KG = 50.0


@dataclass(frozen=True)
class DebrisKind:
    name: str
    length_m: tuple[float, float]
    width_m: tuple[float, float]
    mass_kg: tuple[float, float]
    height_m: float  # standing height off the deck, for the area facing the wind
    drag_cd: float  # bluff-body drag coefficient
    floor_mu: float  # sliding friction on the deck
    plug_fraction: float  # share of a small hole one piece seals when held over it
    slow_per_m2: float  # extra walking cost per m2 of it lying in a cell

    def drag_area_m2(self, length_m: float, width_m: float) -> float:
        """Cd x frontal area, orientation-averaged (mean of the two side lengths)."""
        return self.drag_cd * 0.5 * (length_m + width_m) * self.height_m


KINDS: dict[str, DebrisKind] = {
    # Acoustic ceiling tile on a light frame; bends and lifts at the edges,
    # hence a standing height above its 2 cm thickness.
    "ceiling_panel": DebrisKind(
        "ceiling_panel", (1.15, 1.25), (0.58, 0.62), (7.0, 9.0),
        height_m=0.05, drag_cd=1.2, floor_mu=0.35, plug_fraction=0.6, slow_per_m2=2.0,
    ),
    # Fibrous insulation bat: light, thick and draggy; it wraps over a hole.
    "insulation": DebrisKind(
        "insulation", (1.0, 1.2), (0.4, 0.6), (1.0, 2.0),
        height_m=0.10, drag_cd=1.3, floor_mu=0.6, plug_fraction=0.45, slow_per_m2=1.0,
    ),
    # Bags, clothes, tablets, boxes.
    "personal_effects": DebrisKind(
        "personal_effects", (0.2, 0.5), (0.15, 0.35), (0.5, 3.0),
        height_m=0.12, drag_cd=1.0, floor_mu=0.4, plug_fraction=0.2, slow_per_m2=1.5,
    ),
    # Steel section about 57 kg/m: 150-250 kg, to be cut, not carried.
    "support_beam": DebrisKind(
        "support_beam", (3.0, 4.0), (0.15, 0.15), (150.0, 250.0),
        height_m=0.15, drag_cd=1.5, floor_mu=0.45, plug_fraction=0.0, slow_per_m2=0.0,
    ),
}
