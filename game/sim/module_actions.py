"""Suiting up and working on a module's hull: don a suit from a locker,
inspect a module for holes, patch a small one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from game.sim import crew_events as ce
from game.sim.action_base import DONE, RUNNING, Failed, Result, Work, emit_done, next_to
from game.sim.breaches import breaches_in_module

if TYPE_CHECKING:
    from game.sim.people import Person
    from game.sim.world import World

DON_SUIT_S = 75.0  # MODELS.md: 60-90 s
INSPECT_S_PER_CELL = 0.05  # a walk-round look for secondary impacts
INSPECT_MIN_S = 20.0
PATCH_S_PER_CM2 = 6.0  # a patch kit over a small hole: 4 cm2 in about 25 s, plus setting up
PATCH_BASE_S = 20.0
PATCH_MAX_CM2 = 20.0  # larger holes are beyond a hand patch


TAKE_KIT_S = 5.0  # taking a tool or a mask off a locker's rack (MODELS.md: a quick-don mask in 5 s)


class TakeKit(Work):
    """Take one item from a locker: a crowbar, lance, respirator or medkit in
    seconds, a pressure suit in the minute it takes to put on. The item
    leaves the locker when it is taken; two people cannot take the last one."""

    kind = "take_kit"

    def __init__(self, locker: int, item: str) -> None:
        super().__init__()
        self.locker = locker
        self.item = item
        self._cell: tuple[int, int] | None = None  # the locker's cell, once checked
        self._who = -1  # who is taking it: each item is one person's work

    @property
    def target(self) -> tuple[int, int] | None:
        return self._cell

    def site(self) -> tuple:
        return (self.item, self.locker, self._who)

    def required_s(self, world: "World") -> float:
        return DON_SUIT_S if self.item == "suit" else TAKE_KIT_S

    def words(self, world: "World") -> str:
        name = world.level.lockers[self.locker].name
        return f"put on a suit from the {name}" if self.item == "suit" else f"take a {self.item} from the {name}"

    def check(self, world: "World", p: "Person") -> Result:
        if self.item == "suit" and p.suited:
            return DONE
        self._who = p.id
        lk = world.level.lockers[self.locker]
        self._cell = tuple(lk.at)
        others = sum(
            1 for q in world.people
            if q is not p and isinstance(q.action, TakeKit) and q.action.locker == self.locker
            and q.action.item == self.item
        )
        if world.crew.lockers[self.locker].count(self.item) <= others:
            return Failed(f"no {self.item} left in the {lk.name}")
        if not next_to(p, self._cell):
            return Failed(f"not at the {lk.name}")
        return RUNNING

    def finish(self, world: "World", p: "Person") -> None:
        world.crew.lockers[self.locker].remove(self.item)
        p.equipment.append(self.item)
        verb = "don suit" if self.item == "suit" else f"take {self.item}"
        emit_done(world, p, verb, world.level.lockers[self.locker].name, self._cell)


class DonSuit(TakeKit):
    """Take an emergency pressure suit from a locker and put it on."""

    kind = "don_suit"

    def __init__(self, locker: int) -> None:
        super().__init__(locker, "suit")


class Inspect(Work):
    """Look a module over for secondary impacts."""

    kind = "inspect"

    def __init__(self, module: str) -> None:
        super().__init__()
        self.module = module

    @property
    def target(self) -> tuple[int, int] | None:
        return None

    def site(self) -> tuple:
        return ("inspect", self.module)

    def required_s(self, world: "World") -> float:
        mid = world.grid.modules.index(self.module)
        cells = int(np.count_nonzero(world.grid.module_id == mid))
        return max(INSPECT_MIN_S, cells * INSPECT_S_PER_CELL)

    def words(self, world: "World") -> str:
        return f"inspect {self.module}"

    def check(self, world: "World", p: "Person") -> Result:
        if self.module in world.crew.surveyed:
            return DONE
        if world.grid.module_at(*p.cell) != self.module:
            return Failed(f"not in {self.module}")
        return RUNNING

    def finish(self, world: "World", p: "Person") -> None:
        found = breaches_in_module(world, self.module)
        world.crew.surveyed[self.module] = round(world.time_s, 3)
        for b in found:
            world.crew.known_breaches.add(b)
        world.emit(ce.ModuleInspected, module=self.module, by=p.name, breaches=len(found))
        emit_done(world, p, "inspect", self.module, p.cell)


class Patch(Work):
    """Put a patch over a small hull breach."""

    kind = "patch"
    skill_name = "repair"

    def __init__(self, breach_id: int) -> None:
        super().__init__()
        self.breach_id = breach_id

    @property
    def target(self) -> tuple[int, int] | None:
        return None

    def site(self) -> tuple:
        return ("patch", self.breach_id)

    def required_s(self, world: "World") -> float:
        b = world.breaches[self.breach_id]
        return PATCH_BASE_S + PATCH_S_PER_CM2 * b.area_m2 * 1e4

    def words(self, world: "World") -> str:
        b = world.breaches[self.breach_id]
        return f"patch the breach at {b.section or f'{b.x},{b.y}'}"

    def check(self, world: "World", p: "Person") -> Result:
        b = world.breaches[self.breach_id]
        if b.area_m2 <= 0.0:
            return DONE
        if b.area_m2 * 1e4 > PATCH_MAX_CM2:
            return Failed("too large to patch")
        if not next_to(p, (b.x, b.y)):
            return Failed("not at the breach")
        return RUNNING

    def finish(self, world: "World", p: "Person") -> None:
        b = world.breaches[self.breach_id]
        b.area_m2 = 0.0
        world.topology_dirty = True
        world.emit(ce.BreachPatched, breach_id=b.id, section=b.section, by=p.name)
        emit_done(world, p, "patch", b.section or "breach", (b.x, b.y))
