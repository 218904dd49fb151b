"""People: identity, position, kit, what they are doing and who told them to.

Bodies (saturation, hypoxia) live in `world.bodies`, one row per person id,
so physiology runs over everybody at once. What a person is doing is an
`Action` (game.sim.actions) and the actions queued after it; why is their
`order` (a player's or the autopilot's) or, for people not on duty, their
own evacuation.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from game.sim.physiology import SUPPLY_AMBIENT, SUPPLY_RESPIRATOR, SUPPLY_SUIT
from game.sim.state import feed_bytes, static, synced

if TYPE_CHECKING:
    from game.sim.action_base import Action

# human_factors.csv and MODELS.md; the suit, carry and support figures are
# the game's stated assumptions.
WALK_SPEED_M_S = 1.15  # a young adult's unhurried pace
SUIT_SPEED_M_S = 0.8  # in an emergency pressure suit
CARRY_SPEED_M_S = 0.5  # carrying or dragging a casualty alone (0.4-0.6)
SUPPORT_SPEED_M_S = 0.7  # walking a conscious casualty out with an arm round them
CRAWL_FACTOR = 0.5  # crawling through a cut hole: about half walking speed
# A starting injury's grade (level format 2): mild walks as before, only slower to
# react (as v1's "injured" did); moderate limps at the pace hypoxia's impairment
# gives (physiology.speed_factor); severe cannot walk and must be carried.
INJURY_SPEED = {"none": 1.0, "mild": 1.0, "moderate": 0.6, "severe": 1.0}  # severe: see Person.cannot_walk

# Roles that hold a post in an emergency; everybody else gets out.
DUTY_ROLES = ("rescue", "medic", "engineer", "technician", "coordinator", "commander")
# Rooms that are somebody's post: a person who starts in one of these
# modules (and awake) is on duty, whatever the role.
STATION_ROOM_KINDS = ("control", "medbay", "storage")


class Evac(enum.StrEnum):
    """Where a person not on duty is in getting out (a string enum: its value
    is the word the inspector and the report already print)."""

    IDLE = "idle"  # not yet moving (before the alarm, or nowhere better to go)
    MOVING = "moving"  # walking out on their own
    SHELTERING = "sheltering"  # no way out on foot: staying put
    SAFE = "safe"  # in a sound module, or delivered to the medical bay
    ORDERED = "ordered"  # doing what they were told instead
    DOWN = "down"  # passed out while getting out
    IN_CARE = "in care"  # being carried or walked out
    AWAITING = "awaiting"  # respirator on, told to stay put: help is coming


def _action_bytes(p: "Person") -> bytes:
    return feed_bytes(p.action.key() if p.action is not None else None)


def _plan_bytes(p: "Person") -> bytes:
    return feed_bytes([a.key() for a in p.plan])


@dataclass
class Order:
    """What a person was told to do, by the player or the autopilot.

    `kind` is the command's verb; `target` names a person, door or cell
    (by id or (x, y)); `job` is the autopilot's key for the task it serves.
    """

    kind: str = synced()
    target: Any = synced(default=None)
    source: str = synced(default="player")  # player | autopilot
    tick: int = synced(default=0)
    job: str = synced(default="")


@dataclass
class Person:
    id: int = static()
    name: str = static()
    role: str = static()
    x: float = synced()  # metres; a tile's centre is (col + 0.5, row + 0.5)
    y: float = synced()
    equipment: list[str] = synced(default_factory=list)
    condition: str = static(default="awake")  # at the start: awake, asleep or unconscious
    injury: str = static(default="none")  # a starting injury's grade (not hypoxia's: that is world.bodies.injury)
    path: list[tuple[int, int]] = synced(default_factory=list)  # cells still to walk (the walk in hand)
    respirator_on: bool = synced(default=False)  # a respirator fitted over the face
    # What they are doing: the action in hand, then the rest of the plan.
    action: "Action | None" = synced(default=None, encode=_action_bytes)
    plan: list["Action"] = synced(default_factory=list, encode=_plan_bytes)
    plan_version: tuple = synced(default=(-1, -1, 0))  # (navigation version, hazard version, tick) the plan was made at
    order: Order | None = synced(default=None)
    blocked: str = synced(default="")  # why the last plan or action could not go on
    on_duty: bool = synced(default=False)  # a responder the autopilot may task; else an evacuee
    # Casualty handling, by person id (-1 for none).
    carrying: int = synced(default=-1)
    carried_by: int = synced(default=-1)
    escorting: int = synced(default=-1)  # walking a conscious casualty out
    escorted_by: int = synced(default=-1)
    # Evacuation (people not on duty).
    react_s: float = synced(default=0.0)  # delay after the alarm before they start moving
    evac: Evac = synced(default=Evac.IDLE)
    delivered_s: float | None = synced(default=None)  # simulated time they reached the medical bay in care
    treated_s: float | None = synced(default=None)
    closing: tuple = synced(default=())  # (door id, x, y): a door they opened from (x, y) and owe shutting behind them

    @property
    def suited(self) -> bool:
        """Wearing a pressure suit (a suit in a level's crew equipment is worn)."""
        return "suit" in self.equipment

    @property
    def supply(self) -> int:
        """What this person breathes: a suit, a respirator, or the room."""
        if "suit" in self.equipment:  # `suited`, without its call: everyone's is read every second
            return SUPPLY_SUIT
        return SUPPLY_RESPIRATOR if self.respirator_on else SUPPLY_AMBIENT

    @property
    def cell(self) -> tuple[int, int]:
        return (int(self.x), int(self.y))

    def has(self, item: str) -> bool:
        return item in self.equipment

    def count(self, item: str) -> int:
        return sum(1 for e in self.equipment if e == item)

    @property
    def cannot_walk(self) -> bool:
        """Too badly hurt to walk or work: carried out, or nothing."""
        return self.injury == "severe"

    @property
    def alert(self) -> bool:
        """Awake and unhurt at the start: reacts at once and may hold a post."""
        return self.condition == "awake" and self.injury == "none"

    @property
    def in_care(self) -> bool:
        """Being carried or walked out by someone."""
        return self.carried_by >= 0 or self.escorted_by >= 0

    def base_speed_m_s(self) -> float:
        """Walking speed before hypoxia: suit, and any casualty in hand."""
        speed = SUIT_SPEED_M_S if self.suited else WALK_SPEED_M_S
        if self.injury != "none":  # asked every tick for every walker: an unhurt pace is not multiplied by 1
            speed *= INJURY_SPEED.get(self.injury, 1.0)
        if self.carrying >= 0:
            speed = min(speed, CARRY_SPEED_M_S)
        elif self.escorting >= 0:
            speed = min(speed, SUPPORT_SPEED_M_S)
        return speed


def is_on_duty(person: Person, grid, awake: bool) -> bool:
    """On duty: awake at the start in a module that holds a station room
    (control, medical bay, stores), in a role that has a post."""
    if not awake or person.role not in DUTY_ROLES:
        return False
    x, y = person.cell
    module = grid.module_at(x, y)
    if module is None:
        return False
    return any(r.module == module and r.kind in STATION_ROOM_KINDS for r in grid.rooms)
