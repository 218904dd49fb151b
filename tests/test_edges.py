"""Promises kept at the edges (issue #21): what the command line does on a bad day.

Each test runs the real entry point (`game.cli.main`) and checks what a user
sees: the exit code, the message, the bytes left on disk. Full disks and
read-only folders are simulated by making the atomic writer's system calls
fail (the tests run as root in CI, and root ignores folder permissions).
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import game.atomicfile as atomicfile  # noqa: E402
from game.cli import main  # noqa: E402
from game.editor import edits  # noqa: E402
from game.editor.model import AUTOSAVE_ENV, EditorModel, blank_level, find_recovery  # noqa: E402
from game.levelio.load import load_level  # noqa: E402
from game.sim.world import create_world, run_until  # noqa: E402
from game.training.scoring import score  # noqa: E402

MODULE4 = str(ROOT / "levels" / "module4.toml")


def _fail(err: int):
    def raiser(*args, **kwargs):
        raise OSError(err, os.strerror(err))
    return raiser


# ------------------------------------------------------------------ screenshots

def _shoot(out: Path) -> int:
    return main(["play", MODULE4, "--screenshot", str(out), "--size", "1024x640"])


def test_a_screenshot_is_a_whole_png(tmp_path, capsys):
    out = tmp_path / "shot.png"
    assert _shoot(out) == 0
    assert "saved to" in capsys.readouterr().out
    assert pygame.image.load(str(out)).get_size() == (1024, 640)
    assert [p.name for p in tmp_path.iterdir()] == ["shot.png"]  # no temporary file left


def test_a_screenshot_refuses_a_missing_folder(tmp_path, capsys):
    out = tmp_path / "no" / "such" / "shot.png"
    assert _shoot(out) == 1
    err = capsys.readouterr()
    assert f"{out}: cannot write: No such file or directory" in err.err and "saved" not in err.out
    assert list(tmp_path.iterdir()) == []  # the folder was not made behind the user's back


@pytest.mark.parametrize("where, err", [
    ("fsync", errno.ENOSPC),  # the disk fills while the PNG is written
    ("mkstemp", errno.EROFS),  # a read-only folder: no file can be made there
])
def test_a_screenshot_that_cannot_be_written_says_so_and_leaves_the_old_file(tmp_path, capsys, monkeypatch, where, err):
    out = tmp_path / "shot.png"
    out.write_bytes(b"the picture from before")
    target = atomicfile.os if where == "fsync" else atomicfile.tempfile
    monkeypatch.setattr(target, where, _fail(err))
    assert _shoot(out) == 1
    captured = capsys.readouterr()
    assert f"{out}: cannot write: {os.strerror(err)}" in captured.err
    assert "saved" not in captured.out
    assert out.read_bytes() == b"the picture from before"  # never a truncated PNG
    assert [p.name for p in tmp_path.iterdir()] == ["shot.png"]


# ------------------------------------------------------------------ scores

# A small level with every kind of number a level carries; the fuzz below puts
# extreme values into one field at a time.
LEVEL = """\
format_version = 1

[meta]
name = "Edges"
time_limit_s = 900.0
seed = 1

[life_support]
reserve_o2_kg = 5.0
feed_rate_g_s = 5.0

[legend]
" " = "vacuum"
"." = "floor"
"=" = "module_wall"
"H" = "hull"
"B" = "bulkhead"

[map]
rows = '''
HHHHHHHHHHHHH
H.....=.....H
H.....B.....H
HHHHHHHHHHHHH
'''

[[rooms]]
label = "Lab"
at = [2, 1]
kind = "lab"
temperature_k = 293.0

[[rooms]]
label = "Habitat"
at = [9, 1]
kind = "quarters"

[[modules]]
name = "Lab module"
at = [2, 1]

[[modules]]
name = "Habitat module"
at = [9, 1]

[[hull_sections]]
name = "lab-north"
rect = [1, 0, 5, 0]

[[doors]]
at = [6, 2]
state = "open"
name = "Lab bulkhead"
leak_cm2 = 1.0

[[crew]]
name = "Nia Osei"
role = "technician"
at = [2, 2]

[[events]]
at_s = 1.0
kind = "breach"
at = [3, 0]
area_cm2 = 4.0
section = "lab-north"

[[objectives]]
kind = "survive"
weight = 1.0

[[objectives]]
kind = "seal"
weight = 2.0
within_s = 60.0

[[objectives]]
kind = "conserve_o2"
weight = 0.5
"""

NUMBER_FIELDS = [  # (key, which occurrence in LEVEL) for every number the file above holds
    ("time_limit_s", 0), ("reserve_o2_kg", 0), ("feed_rate_g_s", 0), ("temperature_k", 0), ("leak_cm2", 0),
    ("at_s", 0), ("area_cm2", 0), ("weight", 0), ("weight", 1), ("weight", 2), ("within_s", 0),
]


def _with(key: str, nth: int, value: float) -> str:
    head, sep, rest = LEVEL.partition(f"\n{key} = ")
    for _ in range(nth):
        more, sep2, rest = rest.partition(f"\n{key} = ")
        head, sep = head + sep + more, sep2
    return head + sep + repr(value) + rest[rest.index("\n"):]


def _strict_json(text: str):
    def refuse(constant: str):
        raise AssertionError(f"--json printed {constant}, which is not JSON")
    return json.loads(text, parse_constant=refuse)


def test_weights_near_the_float_limit_still_give_a_finite_score(tmp_path):
    """The validator stops weights at 1000, but the score does not lean on it: weights of
    1e308 once summed to infinity and made every objective NaN; only their ratios count."""
    path = tmp_path / "w.toml"
    path.write_text(LEVEL)
    level = load_level(path)
    huge = tuple(replace(o, weight=w) for o, w in zip(level.objectives, (1e308, 1e308, 0.5e308)))
    result = score(create_world(replace(level, objectives=huge)))
    assert [round(o.max_points, 6) for o in result.objectives] == [40.0, 40.0, 20.0]  # the ratios 2:2:1
    assert math.isfinite(result.total) and 0 <= result.total <= 100


def test_a_weight_past_the_limit_is_named_by_the_validator(tmp_path, capsys):
    path = tmp_path / "w.toml"
    path.write_text(_with("weight", 0, 1e308))
    assert main(["validate", str(path)]) == 1
    assert "weight must be at most 1000" in capsys.readouterr().out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(NUMBER_FIELDS),
       value=st.one_of(st.sampled_from([0.0, 5e-324, 1e-300, 1e30, 1e300, 1.7976931348623157e308]),
                       st.floats(min_value=0.0, allow_nan=False, allow_infinity=False)))
def test_sim_json_is_strict_json_for_any_number_the_validator_accepts(tmp_path, capsys, field, value):
    path = tmp_path / "fuzz.toml"
    path.write_text(_with(*field, value))
    code = main(["sim", str(path), "--until", "3", "--json"])
    out, err = capsys.readouterr()
    if code == 1:  # refused: the validator said why, and nothing went to stdout
        assert err.strip() and out == ""
        return
    assert code == 0
    summary = _strict_json(out)
    assert 0.0 <= summary["score"]["total"] <= 100.0
    assert all(math.isfinite(o["points"]) for o in summary["score"]["objectives"])


# ------------------------------------------------------------------ clusters

def _batch(tmp_path, address: str) -> tuple[int, float]:
    path = tmp_path / "level.toml"
    path.write_text(LEVEL)
    t0 = time.monotonic()
    code = main(["batch", str(path), "--runs", "1", "--until", "1", "--cluster", address])
    return code, time.monotonic() - t0


@contextmanager
def _listener(greeting: bytes):
    """A TCP port where something that is not Dask answers: it sends `greeting` (maybe nothing)."""
    server = socket.create_server(("127.0.0.1", 0))
    conns = []

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conns.append(conn)
            if greeting:
                conn.sendall(greeting)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        server.close()
        for c in conns:
            c.close()


@pytest.mark.parametrize("greeting", [
    b"",  # a web server waits for a request; Dask's client read its reply as a 3 EiB frame
    b"SSH-2.0-OpenSSH_9.6\r\n",
])
def test_batch_at_a_port_where_something_else_answers_is_one_message(tmp_path, capsys, greeting):
    with _listener(greeting) as address:
        code, took = _batch(tmp_path, address)
    err = capsys.readouterr().err
    assert code == 1 and took < 10
    assert f"something answers at {address}, but not a Dask scheduler" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 2  # the plan line, then why


@pytest.mark.parametrize("address, words", [
    ("tcp://not an address", "is not a Dask scheduler address"),  # hung 20 s, then an ignored exception
    ("nonsense://x", "no such protocol 'nonsense'"),
    ("tcp://127.0.0.1:99999", "a port from 1 to 65535"),
    ("tcp://127.0.0.1:9", "cannot reach a Dask scheduler at tcp://127.0.0.1:9"),  # the discard port: refused
])
def test_batch_at_a_wrong_address_is_one_message_within_10_s(tmp_path, capsys, address, words):
    code, took = _batch(tmp_path, address)
    err = capsys.readouterr().err
    assert code == 1 and took < 10
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 2


def test_a_cluster_that_cannot_import_the_game_says_how_to_fix_it(tmp_path, capsys):
    """A real scheduler started outside the game's folder, with no game on its path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    sched = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                              "--port", "0", "--no-dashboard"], cwd=tmp_path, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        address = None
        for line in sched.stderr:
            m = re.search(r"Scheduler at:\s+(tcp://\S+)", line)
            if m:
                address = m.group(1)
                break
        assert address, "the scheduler did not start"
        code, took = _batch(tmp_path, address)
    finally:
        sched.terminate()
        sched.wait(timeout=30)
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "cannot import the game (No module named 'game')" in err
    assert "install the game where the scheduler and workers run" in err and "ship it" in err


# ------------------------------------------------------------------ autosave

@pytest.mark.parametrize("name", [
    "new\nline.toml",  # the raw path went into a TOML comment: its second line broke the file
    "bell\x07.toml",
    os.fsdecode(b"latin1 \xe9t\xe9.toml"),  # not UTF-8: the digest of the path raised UnicodeEncodeError
    "x" * 250 + ".toml",  # the longest name Linux allows: the temporary's name ran past 255 bytes
    "#hash ]\"'.toml",
])
def test_autosave_recovery_works_for_any_path_the_system_allows(tmp_path, monkeypatch, name):
    monkeypatch.setenv(AUTOSAVE_ENV, str(tmp_path / "autosave"))
    path = tmp_path / name
    model = EditorModel(blank_level(10, 6), path)
    model.save()
    model.do(edits.paint(model.level, [(2, 2)], "wall"))
    model.autosave()  # ...and the editor dies before saving
    assert find_recovery(path) == model.level  # the next session is offered the work
    model.discard_autosave()
    assert find_recovery(path) is None


# ------------------------------------------------- replays: their level, their folder

from game.levelio.save import level_to_toml  # noqa: E402
from game.sim.commands import InjectBreach, InjectDebris  # noqa: E402
from game.sim.events import CommandRejected, DebrisFell  # noqa: E402
from game.sim.level import EventDef, InjectDef  # noqa: E402
from game.sim.limits import MAX_BREACH_CM2, MAX_DEBRIS_PER_FALL  # noqa: E402
from game.training.replay import _checksum  # noqa: E402
from tests.builders import ascii_level  # noqa: E402

ROOM = """
HHHHHHHH
H..a...H
H......H
HHHHHHHH
"""


def _room_level(**kw):
    return replace(ascii_level(ROOM, people={"a": ("Ann", "technician", ())}, rooms={"Room": (1, 1)}), **kw)


def _recorded(tmp_path: Path) -> dict:
    """A short run recorded by `sim` into a folder of its own, read back as JSON."""
    (tmp_path / "runs").mkdir()
    (tmp_path / "room.toml").write_text(level_to_toml(_room_level()))
    assert main(["sim", str(tmp_path / "room.toml"), "--until", "20", "--record", str(tmp_path / "runs" / "r.json")]) == 0
    return json.loads((tmp_path / "runs" / "r.json").read_text())


def _rewrite(data: dict, out: Path, **level) -> Path:
    """Save `data` with its level block changed and its hashes made good again, as a forger would."""
    data = json.loads(json.dumps(data))
    data["level"].update(level)
    if level.get("toml") is not None:
        data["level"]["sha256"] = hashlib.sha256(level["toml"].encode()).hexdigest()
    for k in [k for k, v in level.items() if v is None]:
        data["level"].pop(k)
    data.pop("checksum")
    data["checksum"] = _checksum(data)
    out.write_text(json.dumps(data))
    return out


@pytest.mark.parametrize("change, words", [
    (("at = [3, 1]", "at = [40, 40]"), "line 50: Ann stands outside the map"),
    (("at = [3, 1]", "at = [-1, -1]"), "line 50: Ann stands outside the map"),
    (("[[crew]]", '[[events]]\nat_s = 5.0\nkind = "debris_fall"\ndebris = "piano"\nat = [2, 2]\n\n[[crew]]'),
     "debris kind 'piano' is unknown"),
])
def test_a_replays_embedded_level_is_validated_before_it_is_simulated(tmp_path, capsys, change, words):
    data = _recorded(tmp_path)
    toml = data["level"]["toml"]
    assert change[0] in toml
    bad = _rewrite(data, tmp_path / "runs" / "bad.json", toml=toml.replace(change[0], change[1], 1))
    capsys.readouterr()
    assert main(["replay", str(bad), "--verify"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: the embedded level is not valid: " in err and words in err
    assert "Traceback" not in err


def test_a_replays_level_path_is_read_from_the_replays_own_folder(tmp_path, capsys, monkeypatch):
    data = _recorded(tmp_path)
    assert data["level"]["path"] == "../room.toml"  # written as seen from runs/, where a reader looks
    bare = _rewrite(data, tmp_path / "runs" / "bare.json", toml=None)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the reader stands somewhere else: the path still resolves
    capsys.readouterr()
    assert main(["replay", str(bare), "--verify"]) == 0
    assert "state hashes match" in capsys.readouterr().out
    # A path the replay's folder does not hold is not looked for in the working folder.
    (elsewhere / "room.toml").write_text(level_to_toml(_room_level()))
    stray = _rewrite(data, tmp_path / "runs" / "stray.json", toml=None, path="room.toml")
    assert main(["replay", str(stray), "--verify"]) == 1
    assert f"{tmp_path / 'runs' / 'room.toml'}:0: cannot read the file" in capsys.readouterr().err


@pytest.mark.parametrize("where, words", [("/dev/zero", "not an ordinary file"), ("..", "is a folder, not a file")])
def test_a_replays_level_path_must_name_a_regular_file(tmp_path, capsys, where, words):
    data = _recorded(tmp_path)
    odd = _rewrite(data, tmp_path / "runs" / "odd.json", toml=None, path=where)
    capsys.readouterr()
    assert main(["replay", str(odd), "--verify"]) == 1
    err = capsys.readouterr().err
    assert "cannot load its level" in err and words in err and "Traceback" not in err


def test_the_largest_seed_sim_accepts_is_recorded_and_replayed(tmp_path, capsys):
    (tmp_path / "room.toml").write_text(level_to_toml(_room_level()))
    top = str(2**63 - 1)  # game.sim.limits.MAX_SEED: the largest seed JSON readers keep exactly
    assert main(["sim", str(tmp_path / "room.toml"), "--seed", top, "--until", "5", "--record", str(tmp_path / "r.json")]) == 0
    assert json.loads((tmp_path / "r.json").read_text())["seed"] == 2**63 - 1
    assert main(["replay", str(tmp_path / "r.json"), "--verify"]) == 0
    with pytest.raises(SystemExit):
        main(["sim", str(tmp_path / "room.toml"), "--seed", str(2**63), "--until", "5"])


# --------------------------------------------------- what validates, runs

def _problems(tmp_path: Path, capsys, level) -> str:
    f = tmp_path / "l.toml"
    f.write_text(level_to_toml(level))
    capsys.readouterr()
    main(["validate", str(f)])
    return capsys.readouterr().out + capsys.readouterr().err


@pytest.mark.parametrize("count, ok", [(MAX_DEBRIS_PER_FALL, True), (MAX_DEBRIS_PER_FALL + 1, False), (1000, False)])
def test_a_debris_count_validates_exactly_when_the_sim_takes_it(tmp_path, capsys, count, ok):
    planned = _room_level(injects=(InjectDef(5.0, "debris_fall", {"at": (4, 2), "debris": "personal_effects", "count": count}),))
    said = _problems(tmp_path, capsys, planned)
    assert ("pieces at a time" in said) is not ok
    w = create_world(_room_level(), 1)
    w.submit(InjectDebris(cell=(4, 2), debris="personal_effects", count=count))
    run_until(w, 0.5)
    fell = [e for e in w.events if isinstance(e, DebrisFell)]
    refused = [e for e in w.events if isinstance(e, CommandRejected)]
    assert (len(fell) == 1 and not refused) is ok


@pytest.mark.parametrize("area, ok", [(MAX_BREACH_CM2, True), (MAX_BREACH_CM2 + 1, False)])
def test_a_breach_size_validates_exactly_when_the_sim_takes_it(tmp_path, capsys, area, ok):
    for table in ("events", "injects"):
        entry = (EventDef if table == "events" else InjectDef)(5.0, "breach", {"at": (0, 1), "area_cm2": area})
        said = _problems(tmp_path, capsys, _room_level(**{table: (entry,)}))
        assert ("a breach may be at most" in said) is not ok, table
    w = create_world(_room_level(), 1)
    w.submit(InjectBreach(cell=(0, 1), area_cm2=area))
    run_until(w, 0.5)
    assert (not any(isinstance(e, CommandRejected) for e in w.events)) is ok


@pytest.mark.parametrize("cell, what", [((0, 0), "hull"), ((0, 1), "hull")])
def test_debris_cannot_be_planned_to_fall_on_hull(tmp_path, capsys, cell, what):
    for table, cls in (("events", EventDef), ("injects", InjectDef)):
        level = _room_level(**{table: (cls(5.0, "debris_fall", {"at": cell, "debris": "insulation"}),)})
        assert f"debris falls at {cell[0]},{cell[1]}, which is {what}: it must fall on the floor of a room" in _problems(
            tmp_path, capsys, level)


def test_a_level_saved_with_a_byte_order_mark_loads_as_the_same_level(tmp_path, capsys):
    text = level_to_toml(_room_level())
    (tmp_path / "plain.toml").write_text(text, encoding="utf-8")
    (tmp_path / "notepad.toml").write_text(text, encoding="utf-8-sig")  # what Notepad writes
    assert (tmp_path / "notepad.toml").read_bytes()[:3] == b"\xef\xbb\xbf"
    assert load_level(tmp_path / "notepad.toml") == load_level(tmp_path / "plain.toml")
    (tmp_path / "unicode.toml").write_text(text, encoding="utf-16")  # Notepad's "Unicode"
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "unicode.toml")]) == 1
    assert "the file is UTF-16 text; save it as UTF-8" in capsys.readouterr().out


def test_a_replay_saved_with_a_byte_order_mark_still_verifies(tmp_path, capsys):
    _recorded(tmp_path)
    f = tmp_path / "runs" / "r.json"
    f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes())
    capsys.readouterr()
    assert main(["replay", str(f), "--verify"]) == 0
