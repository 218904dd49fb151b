"""The debris tables kept from tick to tick (game.sim.debris_state: the
per-piece lookups and the area samples occupancy reads) are extended in place
when pieces are only added, as a fall adds them; a piece cut up or cleared
away makes them start again. Either way they must be what tables made from
nothing give."""

from __future__ import annotations

import numpy as np
import pymunk

from game.sim import debris
from game.sim import debris_footprint as fp
from game.sim.debris_kinds import KINDS
from game.sim.debris_space import _remove_piece
from game.sim.debris_state import _footprints, _Scratch, _tables
from game.sim.world import step
from tests.builders import ascii_world

ROOM = """
HHHHHHHHHHHHHH
H............H
H............H
H............H
H............H
H............H
HHHHHHHHHHHHHH
"""
_KEPT = ("alive", "live_idx", "sorted_ids", "sorted_slot", "heavy", "samp_local", "samp_slot", "samp_slow", "samp_heavy")


def _as_made_afresh(w) -> None:
    """The kept tables equal those a scratch made from nothing gives (the kept one is put back)."""
    st = w.physics
    kept = st.scratch
    _tables(st)
    _footprints(st, kept)
    st.scratch = fresh = _Scratch()
    try:
        _tables(st)
        _footprints(st, fresh)
    finally:
        st.scratch = kept
    for name in _KEPT:
        assert np.array_equal(getattr(kept, name), getattr(fresh, name)), name
    assert kept.slot_of == fresh.slot_of
    assert kept.ptr == fresh.ptr


def _settle(w, ticks: int = 3) -> None:
    for _ in range(ticks):
        step(w)


def _beam_and_effects():
    """The room with a beam and six small things lying in it, its tables checked."""
    w = ascii_world(ROOM)
    debris.spawn_debris(w, {"debris": "support_beam", "at": [6, 3], "angle_deg": 0.0})
    debris.spawn_debris(w, {"debris": "personal_effects", "count": 6, "region": [1, 1, 12, 2]})
    _settle(w)
    _as_made_afresh(w)
    return w


def test_tables_grown_by_falls_and_cut_by_a_beam_cut_are_the_tables_made_afresh():
    w = _beam_and_effects()
    n0 = len(w.physics.pieces)
    debris.spawn_debris(w, {"debris": "insulation", "count": 4, "region": [1, 4, 12, 5]})  # added: kept tables grow
    _settle(w)
    assert len(w.physics.pieces) == n0 + 4
    _as_made_afresh(w)
    beam = next(p.id for p in w.physics.pieces if p.kind == "support_beam")
    assert debris.cut_beam(w, beam)  # the beam goes, its two ends come: start again
    _settle(w)
    assert w.physics.pieces[beam].body is None
    _as_made_afresh(w)
    debris.spawn_debris(w, {"debris": "personal_effects", "count": 3, "region": [1, 1, 12, 5]})
    _settle(w)
    _as_made_afresh(w)


def test_a_piece_gone_while_another_body_comes_into_the_space_makes_the_tables_start_again():
    # The kept tables may only be extended while no piece has gone. Counting the space's
    # bodies cannot tell that: a piece going (-1) while any other body comes (+1) keeps the
    # count. Here the other body is a bare static one, as any later use of the space might add.
    w = _beam_and_effects()
    st = w.physics
    gone = next(p for p in st.pieces if p.kind == "personal_effects")
    _remove_piece(st, gone)
    st.space.add(pymunk.Body(body_type=pymunk.Body.STATIC))
    _as_made_afresh(w)
    assert gone.id not in st.scratch.samp_slot.tolist()  # its area no longer counts as debris


def test_the_area_samples_occupancy_reads_are_each_live_pieces_own_in_id_order():
    # occupancy counts each sample as its piece's kind's slow_per_m2 over its share of the
    # piece's area: the samples, pieces and weights fp.area_samples gives piece by piece
    w = _beam_and_effects()
    st = w.physics
    _tables(st)
    _footprints(st, st.scratch)
    sc = st.scratch
    live = [p for p in st.pieces if p.body is not None]
    local = [fp.area_samples(p.length_m, p.width_m) for p in live]
    assert sc.samp_local.tobytes() == np.concatenate(local).tobytes()
    assert sc.samp_slot.tolist() == [p.id for p, pts in zip(live, local) for _ in pts]
    weights = [p.length_m * p.width_m / len(pts) * KINDS[p.kind].slow_per_m2 for p, pts in zip(live, local) for _ in pts]
    assert sc.samp_slow.tolist() == weights
    assert len({len(pts) for pts in local}) > 1  # the beam's samples outnumber an effect's


def test_the_id_table_lists_every_body_once_in_id_order_with_its_slot():
    # a batch read lists bodies by id; the table turns each id into its row of the state:
    # a piece's id (its slot), a person's after all the pieces, -1 for the static bodies
    w = ascii_world(ROOM.replace("H......", "Ha.....", 1), people={"a": ("Ann", "crew", ())})
    debris.spawn_debris(w, {"debris": "personal_effects", "count": 6, "region": [1, 1, 12, 2]})
    _settle(w)
    st = w.physics
    sc = _tables(st)
    ids = sc.sorted_ids.tolist()
    assert ids == sorted(set(ids))  # ascending, each once
    slot_of = dict(zip(ids, sc.sorted_slot.tolist()))
    assert {p.id: slot_of[p.body.id] for p in st.pieces} == {p.id: p.id for p in st.pieces}
    assert [slot_of[b.id] for b in st.people] == [len(st.pieces)]
    assert slot_of[st.walls_body.id] == slot_of[st.space.static_body.id] == -1
