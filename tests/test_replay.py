"""Replays as an instructor uses them: record a run, verify it, seek in it,
take over from the middle, and get a clear message for a bad file."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game import __version__
from game.cli import main
from game.sim.commands import MoveTo, SealDoor
from game.sim.world import create_world, state_hash, step
from game.training.replay import (
    FORMAT_VERSION,
    Playback,
    Recorder,
    ReplayError,
    _checksum,
    level_sha256,
    load_replay,
    run_recorded,
    verify,
)
from tests.training_levels import BULKHEAD, SICK_BAY, exercise_level, write_level


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def recorded_run(until_s: float = 60.0):
    """Ann walks to the sick bay; the bulkhead is sealed at 30 s."""
    world = create_world(exercise_level(), 5)
    rec = Recorder(world, "exercise.toml", recorded_by="test")
    world.submit(MoveTo(person_id=0, cell=SICK_BAY))
    run_recorded(world, 30.0, rec)
    world.submit(SealDoor(door_id=world.door_at[BULKHEAD]))
    run_recorded(world, until_s, rec)
    return world, rec.replay()


@pytest.fixture(scope="module")
def replay_file(tmp_path_factory) -> Path:
    _, rep = recorded_run()
    path = tmp_path_factory.mktemp("rep") / "run.json"
    rep.save(path)
    return path


def test_the_file_holds_what_a_replay_promises(replay_file):
    data = json.loads(replay_file.read_text())
    assert data["format_version"] == FORMAT_VERSION
    assert data["game_version"] == __version__
    assert data["seed"] == 5
    assert data["level"]["sha256"] == level_sha256(exercise_level())
    assert [c["type"] for c in data["commands"]] == ["MoveTo", "SealDoor"]
    assert [c["tick"] for c in data["commands"]] == [0, 300]
    assert [t for t, _ in data["hashes"]] == list(range(0, 601, 100))
    assert data["end_tick"] == 600 and data["final_hash"] == data["hashes"][-1][1]


def test_verify_passes_on_a_faithful_replay(replay_file):
    code, out, _ = cli("replay", str(replay_file), "--verify")
    assert code == 0, out
    assert "ok, 7 state hashes match" in out


def _rewrite(path: Path, dest: Path, change) -> Path:
    data = json.loads(path.read_text())
    change(data)
    data.pop("checksum", None)
    data["checksum"] = _checksum(data)
    dest.write_text(json.dumps(data))
    return dest


def test_verify_names_the_first_diverging_tick(replay_file, tmp_path):
    # the seal ordered at 30 s goes to another door: the run differs from there on
    def other_door(d):
        d["commands"][1]["door_id"] = 0

    bad = _rewrite(replay_file, tmp_path / "bad.json", other_door)
    code, out, _ = cli("replay", str(bad), "--verify")
    assert code == 1
    assert "DIVERGES at tick 400 (40.0 s simulated)" in out


def test_a_replay_of_another_level_version_says_so(replay_file, tmp_path):
    edited = write_level(exercise_level(area_cm2=25.0), tmp_path / "exercise.toml")
    code, _, err = cli("replay", str(replay_file), "--verify", "--level", str(edited))
    assert code == 1
    assert "different version of the level" in err and "Traceback" not in err
    same = write_level(exercise_level(), tmp_path / "same.toml")
    assert cli("replay", str(replay_file), "--verify", "--level", str(same))[0] == 0


def test_a_replay_without_its_level_finds_the_file_it_names(replay_file, tmp_path):
    _, rep = recorded_run(20.0)
    rep.level_path = str(write_level(exercise_level(area_cm2=30.0), tmp_path / "moved.toml"))
    lean = tmp_path / "lean.json"
    rep.save(lean, embed_level=False)
    with pytest.raises(ReplayError, match="different version of the level"):
        load_replay(lean)


def test_truncated_and_garbage_files_are_named_as_such(replay_file, tmp_path):
    text = replay_file.read_text()
    (tmp_path / "cut.json").write_text(text[: len(text) // 2])
    code, _, err = cli("replay", str(tmp_path / "cut.json"), "--verify")
    assert code == 1 and "truncated" in err
    (tmp_path / "flip.json").write_text(text.replace('"seed": 5', '"seed": 6'))
    code, _, err = cli("replay", str(tmp_path / "flip.json"), "--verify")
    assert code == 1 and "checksum does not match" in err
    (tmp_path / "png.json").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    code, _, err = cli("replay", str(tmp_path / "png.json"), "--verify")
    assert code == 1 and "not a replay file" in err
    code, _, err = cli("replay", str(tmp_path / "missing.json"), "--verify")
    assert code == 1 and "cannot read" in err


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_corrupted_replays_get_a_clean_message_never_a_traceback(replay_file, data):
    raw = bytearray(replay_file.read_bytes())
    how = data.draw(st.sampled_from(["truncate", "flip", "splice"]))
    if how == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw) - 1))]
    elif how == "flip":
        for _ in range(data.draw(st.integers(1, 4))):
            i = data.draw(st.integers(0, len(raw) - 1))
            raw[i] = data.draw(st.integers(0, 255))
    else:
        i = data.draw(st.integers(0, len(raw)))
        raw[i:i] = data.draw(st.binary(min_size=1, max_size=12))
    path = replay_file.parent / "corrupt.json"
    path.write_bytes(bytes(raw))
    code, out, err = cli("replay", str(path), "--verify")
    assert "Traceback" not in err
    if code == 0:  # only if the bytes still mean the same replay (e.g. whitespace)
        assert json.loads(raw) == json.loads(replay_file.read_bytes())
    else:
        assert code == 1
        assert str(path) in (err + out)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=st.sampled_from(["seed", "end_tick", "commands", "hashes", "level", "final_hash", "format_version", "tick_s"]),
    value=st.recursive(
        st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True) | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
        max_leaves=6,
    ),
)
def test_well_formed_but_wrong_replays_are_refused_cleanly(replay_file, key, value):
    data = json.loads(replay_file.read_text())
    data[key] = value
    data.pop("checksum")
    try:
        data["checksum"] = _checksum(data)
    except ValueError:  # NaN cannot be written as strict JSON: the file is written without a checksum
        pass
    path = replay_file.parent / "wrong.json"
    path.write_text(json.dumps(data))
    code, out, err = cli("replay", str(path), "--verify")
    assert "Traceback" not in err
    assert code in (0, 1) and (code == 0 or str(path) in err + out)


def test_bad_commands_inside_a_replay_are_reported_not_run(replay_file, tmp_path):
    def bad_cell(d):
        d["commands"][0]["cell"] = ["x", None]

    path = _rewrite(replay_file, tmp_path / "cmd.json", bad_cell)
    code, _, err = cli("replay", str(path), "--verify")
    assert code == 1 and "command #1 (MoveTo) has a bad 'cell'" in err


def test_seeking_backwards_and_forwards_lands_on_the_recorded_states(replay_file):
    rep = load_replay(replay_file)
    recorded = dict(rep.hashes)
    pb = Playback(rep, snapshot_every_ticks=200)
    for tick in (500, 200, 600, 100, 300):
        pb.seek(tick)
        assert pb.tick == tick
        assert state_hash(pb.world) == recorded[tick], f"seek to {tick}"


def test_taking_over_mid_replay_starts_live_play_from_that_state(replay_file, tmp_path):
    rep = load_replay(replay_file)
    pb = Playback(rep)
    pb.seek(200)
    live = pb.branch()
    assert state_hash(live) == dict(rep.hashes)[200]
    # the trainee does something else from 20 s on: the bulkhead is never sealed
    rec = Recorder(
        live,
        rep.level_path,
        "take-over",
        hashes=[h for h in rep.hashes if h[0] <= 200],
        branch_of={"file": "run.json", "tick": 200},
    )
    run_recorded(live, 60.0, rec)
    assert all(d.state != "sealed" for d in live.doors)
    assert state_hash(live) != rep.final_hash
    branch = rec.replay()
    assert branch.branch_of == {"file": "run.json", "tick": 200}
    assert [c.tick for c in branch.commands] == [0]  # the walk ordered before the take-over
    assert verify(branch).ok
    # the original playback is untouched by the branch
    pb.seek(600)
    assert state_hash(pb.world) == rep.final_hash


def test_sim_record_then_verify_on_a_real_level(tmp_path):
    out = tmp_path / "m4.json"
    code, _, err = cli("sim", "levels/module4.toml", "--until", "30", "--record", str(out))
    assert code == 0, err
    code, text, _ = cli("replay", str(out), "--verify")
    assert code == 0 and "4 state hashes match" in text


def test_recording_into_a_missing_folder_is_a_message(tmp_path):
    code, _, err = cli(
        "sim", "levels/tutorial.toml", "--until", "1", "--record", str(tmp_path / "no" / "such" / "r.json")
    )
    assert code == 1 and "cannot write the replay" in err and "Traceback" not in err


def test_a_replay_survives_a_copy_of_the_world_or_falls_back(replay_file):
    """Seeking relies on copies of the world; they must either be exact or not be used."""
    rep = load_replay(replay_file)
    pb = Playback(rep, snapshot_every_ticks=100)
    pb.run_to(350)
    copy_ = pb.branch()
    for _ in range(50):
        step(copy_)
        pb.step()
    assert state_hash(copy_) == state_hash(pb.world)
