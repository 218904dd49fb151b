"""Promises kept at the edges (issue #21): what the command line does on a bad day.

Each test runs the real entry point (`game.cli.main`) and checks what a user
sees: the exit code, the message, the bytes left on disk. Full disks and
read-only folders are simulated by making the atomic writer's system calls
fail (the tests run as root in CI, and root ignores folder permissions).
"""

from __future__ import annotations

import errno
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
from game.sim.world import create_world  # noqa: E402
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
