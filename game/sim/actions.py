"""Every crew action in one import: the base (game.sim.action_base) and the
kinds, which live by concern in door_actions, cut_actions, care_actions,
module_actions and movement. Layers above the crew's own modules (orders,
the view, tests) import actions from here; the crew's modules import the
module that defines what they use, so nothing below this one imports it.
"""

from __future__ import annotations

from game.sim.action_base import (
    DONE,
    RUNNING,
    WAIT_GIVE_UP_S,
    Action,
    Failed,
    Hold,
    OnCell,
    Result,
    Work,
    can_act,
    emit_done,
    next_to,
    place_name,
    run,
    skill,
    within_reach,
    work_rate,
)
from game.sim.care_actions import (
    FIT_RESPIRATOR_S,
    PICK_UP_S,
    PUT_DOWN_S,
    SUPPORT_S,
    TREAT_S,
    FitRespirator,
    OnPerson,
    PickUp,
    PutDown,
    Treat,
    release,
)
from game.sim.cut_actions import HOLE_PATCH_S, ClearDebris, Cut, CutBeam, PatchHole, WaitForCell, beam_at
from game.sim.door_actions import SEAL_S, CloseDoor, DoorWork, OpenDoor, Pry, Seal, WaitForDoor
from game.sim.module_actions import (
    DON_SUIT_S,
    INSPECT_MIN_S,
    INSPECT_S_PER_CELL,
    PATCH_BASE_S,
    PATCH_MAX_CM2,
    PATCH_S_PER_CM2,
    TAKE_KIT_S,
    DonSuit,
    Inspect,
    Patch,
    TakeKit,
)
from game.sim.movement import Crawl, Walk

__all__ = [
    "DONE", "RUNNING", "WAIT_GIVE_UP_S", "Action", "Failed", "Hold", "OnCell", "Result", "Work", "can_act",
    "emit_done", "next_to", "place_name", "run", "skill", "within_reach", "work_rate",
    "FIT_RESPIRATOR_S", "PICK_UP_S", "PUT_DOWN_S", "SUPPORT_S", "TREAT_S", "FitRespirator", "OnPerson", "PickUp",
    "PutDown", "Treat", "release",
    "ClearDebris", "Cut", "CutBeam", "WaitForCell", "beam_at", "HOLE_PATCH_S", "PatchHole",
    "SEAL_S", "CloseDoor", "DoorWork", "OpenDoor", "Pry", "Seal", "WaitForDoor",
    "DON_SUIT_S", "INSPECT_MIN_S", "INSPECT_S_PER_CELL", "PATCH_BASE_S", "PATCH_MAX_CM2", "PATCH_S_PER_CM2",
    "DonSuit", "TakeKit", "TAKE_KIT_S", "Inspect", "Patch",
    "Crawl", "Walk",
]
