"""The landing search's loops, compiled by Cython (game.sim.compiled): where a piece lands
on a Floor's raster, and the cells it takes there, for a whole fall in one call, where numpy
needed a few dozen calls for each piece that missed its drop spot.

The rule (debris_footprint.find_spot): the drop spot if the outline fits there, else the
lattice point nearest it (ties in lattice order) where the outline and the coarse points
all lie on free raster cells. The lattice is searched ring by ring about the drop spot
(each ring only orders the work: any rings give the same point), each ring's candidates
picked by the coarse points (the last `n_few` offsets) and taken nearest first off a heap.

Bit for bit what numpy gives: the offsets come turned by numpy (its product may round
otherwise than a C loop), and a point's raster cell is worked out by Floor._index's very
operations (add, times the cells per metre, floor, less the window's shift, clipped onto the
border); a distance is (gy - wy)^2 + (gx - wx)^2 as numpy's; no fused multiply-add
(game.sim.compiled). A plain-Python module with Cython's annotations: run as it is, it is
the reference (and the fallback where nothing compiles).

The pieces' own points (debris_footprint's `outline_samples` and `area_samples` for a whole
fall at once, by those functions' very operations, ready for numpy to turn) and the packed
raster cells a floor's pieces take are made here too.
"""
from __future__ import annotations

try:
    import cython
except ImportError:  # no Cython: these loops run as plain Python (game.sim.compiled)
    from game.sim.compiled import plain_cython as cython
if cython.compiled:  # the C library's, as Python's math module calls it
    from cython.cimports.libc.math import ceil
else:
    from math import ceil

# What a piece's search found (`how`): its drop spot, a lattice point, or nothing.
AT_WANT = cython.declare(cython.schar, 0)
ON_LATTICE = cython.declare(cython.schar, 1)
NOWHERE = cython.declare(cython.schar, -1)


def land_fall(free: cython.uchar[:, ::1], per_m: cython.double, sx: cython.Py_ssize_t, sy: cython.Py_ssize_t,
              gx: cython.const[cython.double][:], gy: cython.const[cython.double][:], want: cython.double[:, :],
              off: cython.double[:, :, :], n_fit: cython.Py_ssize_t, n_few: cython.Py_ssize_t,
              takes: cython.double[:, :, :], start: cython.Py_ssize_t, spots: cython.double[:, :], how: cython.schar[:],
              d2s: cython.double[:], order: cython.Py_ssize_t[:], lines: cython.Py_ssize_t[:]) -> cython.Py_ssize_t:
    """Land a fall's pieces from `start` in turn (piece p's offsets `off[p]`, the first
    `n_fit` its outline, the last `n_few` its coarse points; `takes[p]` the points it takes),
    each on the raster `free` as the ones before left it, at its drawn angle: its spot in
    `spots[p]`, what it found in `how[p]`, its cells marked taken. Stops at the first piece
    that finds no spot: returns its index (the count if none). `d2s` and `order` are room
    for the candidates, a lattice's worth; `lines` for the coarse points' cells along the
    lattice's rows and columns (debris_footprint._room)."""
    p: cython.Py_ssize_t
    found: cython.schar
    for p in range(start, want.shape[0]):
        found = _search(free, per_m, sx, sy, gx, gy, want[p, 0], want[p, 1], off[p], n_fit, n_few, spots[p], d2s,
                        order, lines)
        how[p] = found
        if found == NOWHERE:
            return p
        _take(free, per_m, sx, sy, spots[p, 0], spots[p, 1], takes[p])
    return want.shape[0]


def find(free: cython.uchar[:, ::1], per_m: cython.double, sx: cython.Py_ssize_t, sy: cython.Py_ssize_t,
         gx: cython.const[cython.double][:], gy: cython.const[cython.double][:], wx: cython.double, wy: cython.double,
         off: cython.double[:, :], n_fit: cython.Py_ssize_t, n_few: cython.Py_ssize_t, spot: cython.double[:],
         d2s: cython.double[:], order: cython.Py_ssize_t[:], lines: cython.Py_ssize_t[:]) -> cython.schar:
    """One piece's search (as `land_fall`'s) about (wx, wy), marking nothing: what it
    found (AT_WANT, ON_LATTICE, NOWHERE), the spot in `spot`."""
    return _search(free, per_m, sx, sy, gx, gy, wx, wy, off, n_fit, n_few, spot, d2s, order, lines)


@cython.cfunc
@cython.exceptval(check=False)
def _search(free: cython.uchar[:, ::1], per_m: cython.double, sx: cython.Py_ssize_t, sy: cython.Py_ssize_t,
            gx: cython.const[cython.double][:], gy: cython.const[cython.double][:], wx: cython.double,
            wy: cython.double, off: cython.double[:, :], n_fit: cython.Py_ssize_t, n_few: cython.Py_ssize_t,
            spot: cython.double[:], d2s: cython.double[:], order: cython.Py_ssize_t[:],
            lines: cython.Py_ssize_t[:]) -> cython.schar:
    """The drop spot if the outline fits there, else the nearest lattice point where every
    offset fits (ties in lattice order, row by row, x fastest)."""
    nx: cython.Py_ssize_t = gx.shape[0]
    ny: cython.Py_ssize_t = gy.shape[0]
    k: cython.Py_ssize_t = off.shape[0]
    few: cython.Py_ssize_t = k - n_few
    j0: cython.Py_ssize_t
    j1: cython.Py_ssize_t
    i0: cython.Py_ssize_t
    i1: cython.Py_ssize_t
    i: cython.Py_ssize_t
    j: cython.Py_ssize_t
    n: cython.Py_ssize_t
    top: cython.Py_ssize_t
    r: cython.double = 0.5  # the first ring's radius (m): each next one's twice the last's
    lo2: cython.double = -1.0
    hi2: cython.double
    pad: cython.double
    dy: cython.double
    dx: cython.double
    dy2: cython.double
    d2: cython.double
    whole: cython.bint
    q: cython.Py_ssize_t
    h: cython.Py_ssize_t = free.shape[0] - 1
    w: cython.Py_ssize_t = free.shape[1] - 1
    if _fits(free, per_m, sx, sy, wx, wy, off, 0, n_fit):
        spot[0], spot[1] = wx, wy
        return AT_WANT
    while True:  # ring by ring: each the lattice points past the last one's radius, out to its own
        pad = r + 0.1  # a lattice step wider than the ring: no rounding puts one of its points outside the box
        j0, j1 = _bisect(gy, wy - pad, False), _bisect(gy, wy + pad, True)
        i0, i1 = _bisect(gx, wx - pad, False), _bisect(gx, wx + pad, True)
        whole = j0 == 0 and i0 == 0 and j1 == ny and i1 == nx  # (then every point left is in this ring)
        hi2 = r * r
        # the coarse points' cells: a point's row depends on its lattice row alone, its column on its column
        for j in range(j0, j1):
            for q in range(n_few):
                lines[(j - j0) * n_few + q] = _cell(gy[j] + off[few + q, 1], per_m, sy, h)
        for i in range(i0, i1):
            for q in range(n_few):
                lines[(ny + i - i0) * n_few + q] = _cell(gx[i] + off[few + q, 0], per_m, sx, w)
        n = 0
        for j in range(j0, j1):
            dy = gy[j] - wy
            dy2 = dy * dy
            for i in range(i0, i1):
                dx = gx[i] - wx
                d2 = dy2 + dx * dx
                if d2 > lo2 and (whole or d2 <= hi2):
                    for q in range(n_few):
                        if not free[lines[(j - j0) * n_few + q], lines[(ny + i - i0) * n_few + q]]:
                            break
                    else:
                        d2s[n] = d2
                        order[n] = j * nx + i
                        n += 1
        for top in range(n // 2 - 1, -1, -1):
            _sift(d2s, order, top, n)
        while n > 0:  # nearest first
            j, i = order[0] // nx, order[0] % nx
            if _fits(free, per_m, sx, sy, gx[i], gy[j], off, 0, few):
                spot[0], spot[1] = gx[i], gy[j]
                return ON_LATTICE
            n -= 1
            d2s[0], order[0] = d2s[n], order[n]
            _sift(d2s, order, 0, n)
        if whole:
            return NOWHERE
        lo2, r = hi2, r * 2.0


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _fits(free: cython.uchar[:, ::1], per_m: cython.double, sx: cython.Py_ssize_t, sy: cython.Py_ssize_t,
          x: cython.double, y: cython.double, off: cython.double[:, :], k0: cython.Py_ssize_t,
          k1: cython.Py_ssize_t) -> cython.bint:
    """Whether the points (x, y) + off[k0:k1] all lie on free cells (as Floor.fits)."""
    k: cython.Py_ssize_t
    h: cython.Py_ssize_t = free.shape[0] - 1
    w: cython.Py_ssize_t = free.shape[1] - 1
    for k in range(k0, k1):
        if not free[_cell(y + off[k, 1], per_m, sy, h), _cell(x + off[k, 0], per_m, sx, w)]:
            return False
    return True


@cython.cfunc
@cython.exceptval(check=False)
def _take(free: cython.uchar[:, ::1], per_m: cython.double, sx: cython.Py_ssize_t, sy: cython.Py_ssize_t,
          x: cython.double, y: cython.double, pts: cython.double[:, :]) -> cython.int:
    """Mark the cells of the points (x, y) + pts taken (as Floor.take_cells of raster_index)."""
    k: cython.Py_ssize_t
    h: cython.Py_ssize_t = free.shape[0] - 1
    w: cython.Py_ssize_t = free.shape[1] - 1
    for k in range(pts.shape[0]):
        free[_cell(y + pts[k, 1], per_m, sy, h), _cell(x + pts[k, 0], per_m, sx, w)] = 0
    return 0


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _cell(v: cython.double, per_m: cython.double, shift: cython.Py_ssize_t,
          last: cython.Py_ssize_t) -> cython.Py_ssize_t:
    """Floor._index of one coordinate: the raster cell a point at `v` lies in, less the
    window's `shift`, clipped onto the raster (0 to `last`: the taken border)."""
    c: cython.Py_ssize_t = _floor(v * per_m) - shift
    if c < 0:
        return 0
    if c > last:
        return last
    return c


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _floor(v: cython.double) -> cython.Py_ssize_t:
    """floor(v) as a whole number (v well within its range)."""
    c: cython.Py_ssize_t = cython.cast(cython.Py_ssize_t, v)  # toward zero: floor, but below zero off a whole number
    if c > v:
        c -= 1
    return c


@cython.cfunc
@cython.exceptval(check=False)
def _bisect(g: cython.const[cython.double][:], v: cython.double, right: cython.bint) -> cython.Py_ssize_t:
    """np.searchsorted(g, v) (side "right" if `right`) of an ascending `g`."""
    lo: cython.Py_ssize_t = 0
    hi: cython.Py_ssize_t = g.shape[0]
    mid: cython.Py_ssize_t
    while lo < hi:
        mid = (lo + hi) // 2
        if g[mid] < v or (right and g[mid] == v):
            lo = mid + 1
        else:
            hi = mid
    return lo


@cython.cfunc
@cython.exceptval(check=False)
def _sift(d2s: cython.double[:], order: cython.Py_ssize_t[:], at: cython.Py_ssize_t,
          n: cython.Py_ssize_t) -> cython.int:
    """Move the candidate at `at` down the heap of the first `n` until neither child is
    nearer (by distance, then lattice order)."""
    child: cython.Py_ssize_t
    d2: cython.double = d2s[at]
    o: cython.Py_ssize_t = order[at]
    while True:
        child = 2 * at + 1
        if child >= n:
            break
        if child + 1 < n and (d2s[child + 1] < d2s[child]
                              or (d2s[child + 1] == d2s[child] and order[child + 1] < order[child])):
            child += 1
        if d2s[child] < d2 or (d2s[child] == d2 and order[child] < o):
            d2s[at], order[at] = d2s[child], order[child]
            at = child
        else:
            break
    d2s[at], order[at] = d2, o
    return 0


def grid_size(length: cython.double[:], width: cython.double[:], spacing: cython.double) -> cython.Py_ssize_t:
    """The most points `grid` gives any one of the rectangles."""
    p: cython.Py_ssize_t
    most: cython.Py_ssize_t = 0
    for p in range(length.shape[0]):
        most = max(most, _count(length[p], spacing) * _count(width[p], spacing))
    return most


def grid(length: cython.double[:], width: cython.double[:], spacing: cython.double,
         out: cython.double[:, :, :]) -> None:
    """`area_samples` of each rectangle p (x-major) into out[p], the rest of it repeating the last point."""
    p: cython.Py_ssize_t
    for p in range(length.shape[0]):
        _fill(out[p], _grid(length[p], width[p], spacing, out[p], 0))


def outline_size(length: cython.double[:], width: cython.double[:], margin: cython.double,
                 spacing: cython.double) -> cython.Py_ssize_t:
    """The most points `outline` gives any one of the rectangles."""
    p: cython.Py_ssize_t
    most: cython.Py_ssize_t = 0
    for p in range(length.shape[0]):
        most = max(most, 2 * (_count(2 * (length[p] / 2 + margin), spacing) + 1)
                   + 2 * (_count(2 * (width[p] / 2 + margin), spacing) + 1)
                   + _count(length[p], spacing) * _count(width[p], spacing))
    return most


def outline(length: cython.double[:], width: cython.double[:], margin: cython.double, spacing: cython.double,
            out: cython.double[:, :, :]) -> None:
    """`outline_samples` of each rectangle p (spacing at most 0.5 m) into out[p]: the long
    sides, the short sides, the inside; the rest of it repeating the last point."""
    p: cython.Py_ssize_t
    k: cython.Py_ssize_t
    n: cython.Py_ssize_t
    t: cython.Py_ssize_t
    hl: cython.double
    hw: cython.double
    for p in range(length.shape[0]):
        hl, hw = length[p] / 2 + margin, width[p] / 2 + margin
        k = 0
        n = _count(2 * hl, spacing)
        for t in range(n + 1):
            out[p, k, 0] = out[p, k + n + 1, 0] = _span(hl, n, t)
            out[p, k, 1], out[p, k + n + 1, 1] = -hw, hw
            k += 1
        k += n + 1
        n = _count(2 * hw, spacing)
        for t in range(n + 1):
            out[p, k, 0], out[p, k + n + 1, 0] = -hl, hl
            out[p, k, 1] = out[p, k + n + 1, 1] = _span(hw, n, t)
            k += 1
        k += n + 1
        _fill(out[p], _grid(length[p], width[p], spacing, out[p], k))


@cython.cfunc
@cython.exceptval(check=False)
def _grid(length: cython.double, width: cython.double, spacing: cython.double, out: cython.double[:, :],
          k: cython.Py_ssize_t) -> cython.Py_ssize_t:
    """`area_samples` into out from row k on (x-major); returns the row after the last."""
    nx: cython.Py_ssize_t = _count(length, spacing)
    ny: cython.Py_ssize_t = _count(width, spacing)
    i: cython.Py_ssize_t
    j: cython.Py_ssize_t
    for i in range(nx):
        for j in range(ny):
            out[k, 0] = (i + 0.5) / nx * length - length / 2
            out[k, 1] = (j + 0.5) / ny * width - width / 2
            k += 1
    return k


@cython.cfunc
@cython.exceptval(check=False)
def _fill(out: cython.double[:, :], k: cython.Py_ssize_t) -> cython.int:
    """Repeat row k - 1 over the rows from k on."""
    for k in range(k, out.shape[0]):
        out[k, 0], out[k, 1] = out[k - 1, 0], out[k - 1, 1]
    return 0


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _count(size: cython.double, spacing: cython.double) -> cython.Py_ssize_t:
    """Points along a side: max(1, ceil(size / spacing)) (`area_samples`, `outline_samples`)."""
    return max(1, cython.cast(cython.Py_ssize_t, ceil(size / spacing)))


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _span(half: cython.double, n: cython.Py_ssize_t, t: cython.Py_ssize_t) -> cython.double:
    """Point t of n + 1 evenly from -half to half, as `_span` makes them."""
    if t == n:
        return half
    return t * ((half - -half) / n) + -half


def pack_cells(pts: cython.double[:, :, :], per_m: cython.double, out: cython.int[:, :],
               counts: cython.Py_ssize_t[:]) -> None:
    """The station raster cell of each point of each piece p (`raster_index` of pts[p]),
    packed as y << 16 | x (x as an int16's bits: any raster index fits one), into
    out[p, :counts[p]]; a cell the same as the one before it is left out (a cell holds
    about four of the half-cell-apart points `Floor.take` marks)."""
    p: cython.Py_ssize_t
    k: cython.Py_ssize_t
    n: cython.Py_ssize_t
    cell: cython.int
    for p in range(pts.shape[0]):
        n = 0
        for k in range(pts.shape[1]):
            cell = _floor(pts[p, k, 1] * per_m) * 65536 | (_floor(pts[p, k, 0] * per_m) & 0xFFFF)
            if n == 0 or cell != out[p, n - 1]:
                out[p, n] = cell
                n += 1
        counts[p] = n


def take_packed(free: cython.uchar[:, ::1], sx: cython.Py_ssize_t, sy: cython.Py_ssize_t, cells: cython.int[:]) -> None:
    """Mark the station raster cells `cells` (packed as `pack_cells` packs them) taken on a
    window's raster shifted by (sx, sy), clipped onto its taken border (as Floor.take_cells)."""
    k: cython.Py_ssize_t
    y: cython.Py_ssize_t
    x: cython.Py_ssize_t
    h: cython.Py_ssize_t = free.shape[0] - 1
    w: cython.Py_ssize_t = free.shape[1] - 1
    for k in range(cells.shape[0]):
        y = (cells[k] >> 16) - sy
        x = (cells[k] & 0xFFFF) - sx
        if cells[k] & 0x8000:  # (a negative x)
            x -= 65536
        free[0 if y < 0 else h if y > h else y, 0 if x < 0 else w if x > w else x] = 0
