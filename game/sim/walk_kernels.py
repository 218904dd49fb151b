"""The crew tick's loop over the busy, compiled by Cython (game.sim.compiled): most of the
crew, most ticks, walk a route nothing has touched across clear floor, and this loop steps
them without a Python call each (about 350 walkers a tick in the station drill).

Whoever it does not step plainly, it hands to `other` (the crew's Python tick) at their
place in the order, so everybody is ticked in the same order as ever: the people doing
anything else, walkers who cannot take the plain step (hurt, with a casualty in hand, held
up by the world's changes), and walkers whose step meets anything but clear floor, an open
door and still air, or ends their route: their step is left untouched and `other` takes it
from the start.

Bit for bit movement.walk_on's arithmetic (`_leg`'s): no fastmath, no fused multiply-add,
each expression in Python's order, and Python's own hypot (math.hypot, which rounds its own
way, not the C library's). A plain-Python module with Cython's annotations: run as it is,
it is the reference (and the fallback where nothing compiles).
"""
from __future__ import annotations

import math

from game.sim.body_kernels import CONSCIOUS, IMPAIRED
from game.sim.people import CRAWL_FACTOR, SUIT_SPEED_M_S, WALK_SPEED_M_S
from game.sim.tiles import Tile

try:
    import cython
except ImportError:  # no Cython: these loops run as plain Python (game.sim.compiled)
    from game.sim.compiled import plain_cython as cython

_hypot = math.hypot  # a Python call even compiled: the C library's hypot may differ in the last bit
_FLOOR = cython.declare(cython.Py_ssize_t, int(Tile.FLOOR))
_CUT = cython.declare(cython.Py_ssize_t, int(Tile.CUT))
# The states in which a person can act (action_base.can_act): CONSCIOUS to IMPAIRED
_ABLE_MIN = cython.declare(cython.schar, CONSCIOUS)
_ABLE_MAX = cython.declare(cython.schar, IMPAIRED)
_WALK = cython.declare(cython.double, WALK_SPEED_M_S)
_SUIT = cython.declare(cython.double, SUIT_SPEED_M_S)
_CRAWL = cython.declare(cython.double, CRAWL_FACTOR)


def tick_busy(order: list, people: list, walks: tuple, state: cython.schar[:], pace: tuple,
              dt: cython.double, crew: object, tiles: cython.uchar[:, :], doors: cython.uchar[:, :],
              blocked: cython.uchar[:, :], slow: cython.float[:, :], gale: object, width: cython.Py_ssize_t,
              other: object) -> list:
    """One tick of the people in `order` (ids into `people`): plain walkers (a started walk of
    one of the `walks` types on a plan made since the last change of way or hazard in `crew`
    (the CrewState, read as each comes: someone before them may open a door), able, on
    their own feet, closing no door) are stepped here, `pace` the speed factor by body state,
    `doors` the world's open door cells (World.door_open, as bytes, kept as doors open and
    shut), `tiles`, `blocked` (as bytes), `slow` and `gale` (or None) movement.walk_view's; everybody
    else, and any step this cannot take plainly, by `other(id, walking)` (True: a plain
    walker, to be stepped as walk_on steps them), which says if they still have something
    to do. Returns the ids with nothing left to do."""
    if not cython.compiled:  # run plain: Python's own views, which give Python numbers (as .item does), and quicker
        state, tiles, doors = memoryview(state), memoryview(tiles), memoryview(doors)
        blocked, slow = memoryview(blocked), memoryview(slow)
    idle: list = []
    # The versions plans are checked against: only `other` (Python) changes them (a door
    # opened before a walker's turn), so they are read again after each of its calls.
    nav: cython.long = crew.nav_version
    haz: cython.long = crew.hazard_version
    k: cython.Py_ssize_t
    for k in range(len(order)):
        pid = order[k]
        i: cython.Py_ssize_t = pid
        p = people[i]
        a = p.action
        walking: cython.bint = False
        if type(a) in walks:
            s: cython.schar = state[i]
            if a.started and not p.closing and _ABLE_MIN <= s <= _ABLE_MAX and dt > 0.0:
                # on a plan nothing has touched since it was made, on their own feet
                pv = p.plan_version
                injury = p.injury
                walking = ((p.order is None or (pv[0] == nav and pv[1] == haz))
                           and p.carried_by < 0 and p.escorted_by < 0 and injury != "severe")
                if walking and injury == "none" and p.carrying < 0 and p.escorting < 0:
                    # Person.base_speed_m_s of an unhurt walker with nobody in hand, then speed_now * dt
                    speed: cython.double = _SUIT if "suit" in p.equipment else _WALK
                    factor: cython.double = pace[s]
                    if _walk(p, a, speed * factor * dt, tiles, doors, blocked, slow, gale, width):
                        continue
        if not other(pid, walking):
            idle.append(pid)
        nav, haz = crew.nav_version, crew.hazard_version
    return idle


@cython.cfunc
def _walk(p: object, walk: object, budget: cython.double, tiles: cython.uchar[:, :], doors: cython.uchar[:, :],
          blocked: cython.uchar[:, :], slow: cython.float[:, :], gale: object,
          width: cython.Py_ssize_t) -> cython.bint:
    """walk_on's tick for `p` with `budget` metres of clear floor, if its steps are all over
    clear floor or through open doors in still air and it runs on (True); else nothing is
    changed (False)."""
    if budget <= 0.0:
        return False
    cells: list = walk.cells
    n: cython.Py_ssize_t = len(cells)
    i0: cython.Py_ssize_t = walk.i
    i: cython.Py_ssize_t = i0
    x: cython.double = p.x
    y: cython.double = p.y
    cx: cython.Py_ssize_t
    cy: cython.Py_ssize_t
    hx: cython.Py_ssize_t
    hy: cython.Py_ssize_t
    t: cython.uchar
    f: cython.double
    tx: cython.double
    ty: cython.double
    dx: cython.double
    dy: cython.double
    dist: cython.double
    need: cython.double
    step: cython.double
    while budget > 0.0 and i < n:
        cx, cy = cells[i]
        t = tiles[cy, cx]
        if not (cx <= x < cx + 1 and cy <= y < cy + 1):  # not yet in the cell: movement.passable_now
            if t == _FLOOR or t == _CUT:
                if blocked[cy, cx]:
                    return False  # heavy debris: walk_on stops
            elif not doors[cy, cx]:
                return False  # a wall, or a door not open: walk_on stops
        f = slow[cy, cx]  # movement.effort
        if t == _CUT:
            f /= _CRAWL
        # movement._leg in still air
        tx, ty = cx + 0.5, cy + 0.5
        dx, dy = tx - x, ty - y
        # along a row or a column (most legs: routes go cell to cell) Python's hypot is the
        # length itself, exactly (its double-length sum of squares has nothing to round):
        # asked only of the others (tests/test_crew_walkers.py checks it)
        if dy == 0.0:
            dist = abs(dx)
        elif dx == 0.0:
            dist = abs(dy)
        else:
            dist = _hypot(dx, dy)
        if gale is not None and dist > 0.0:
            hx, hy = int(x), int(y)  # the walker's cell (C casts, compiled: positions are >= 0)
            if hy * width + hx in gale:
                return False  # the wind is felt here: wind_pace
        need = dist * f
        if need <= budget:
            x, y, budget = tx, ty, budget - need
            i += 1
        else:
            step = budget / f
            x, y, budget = x + dx / dist * step, y + dy / dist * step, 0.0
    if i >= n:
        return False  # the route's end: walk_on's DONE
    p.x, p.y, walk.i = x, y, i
    path: list = p.path
    if len(path) != n - i:
        if len(path) == n - i0:  # in step with the walk till now: drop the cells reached
            del path[: i - i0]
        else:
            p.path = cells[i:]
    return True


def standing_in(people: list, cells: frozenset, width: cython.Py_ssize_t) -> list:
    """The ids (places in `people`) of those whose cell is one of `cells` (flat: y * width + x)."""
    out: list = []
    if not cells:
        return out
    k: cython.Py_ssize_t
    fx: cython.double
    fy: cython.double
    x: cython.Py_ssize_t
    y: cython.Py_ssize_t
    for k in range(len(people)):
        p = people[k]
        fx, fy = p.x, p.y
        x, y = int(fx), int(fy)  # their cell (C casts, compiled: positions are >= 0)
        if y * width + x in cells:
            out.append(k)
    return out
