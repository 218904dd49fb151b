"""A multi-seat exercise as users run it: `host` and `join` processes on loopback.

A host (the instructor) and three peers (the coordinator and two team leads)
play Module Four for ten simulated minutes from scripts; one lead's process is
killed partway and started again, rejoins, catches up and ends on the same
state as everyone else. Every process stops by itself (--until); a watchdog
kills what is left after a bounded wait.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
WATCHDOG_S = 120.0

# Module Four's crew by id (levels/module4.toml, in file order): the rescue team and the coordinator.
ALEXIS, SOFIA, HASSAN, YUKI, RIVERA = 30, 31, 32, 33, 35

SCRIPTS = {
    "instructor": [
        {"at_s": 90, "command": {"type": "InjectWorsen", "person_id": SOFIA, "spo2_drop": 0.05}},
    ],
    "coordinator": [
        {"at_s": 5, "command": {"type": "SetO2Feed", "rate_g_s": 20.0, "target": None}},
        {"at_s": 8, "say": "feed is on; leads, report when you reach the module"},
        {"at_s": 30, "command": {"type": "MoveTo", "person_id": RIVERA, "cell": [6, 10]}},
        {"at_s": 200, "command": {"type": "SetO2Feed", "rate_g_s": 10.0, "target": None}},
    ],
    "Alexis": [
        {"at_s": 2, "command": {"type": "MoveTo", "person_id": ALEXIS, "cell": [20, 8]}},
        {"at_s": 3, "command": {"type": "MoveTo", "person_id": SOFIA, "cell": [21, 8]}},
        {"at_s": 40, "say": "need a crowbar at 4-15"},
        {"at_s": 120, "command": {"type": "MoveTo", "person_id": ALEXIS, "cell": [10, 8]}},
    ],
    "Hassan": [
        {"at_s": 2, "command": {"type": "MoveTo", "person_id": HASSAN, "cell": [40, 10]}},
        {"at_s": 560, "command": {"type": "MoveTo", "person_id": HASSAN, "cell": [12, 8]}},
        {"at_s": 580, "say": "heading back to the hub"},
    ],
}


def main_py(*args: str, err: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "main.py", *args], cwd=ROOT, env=ENV, text=True,
                            stdout=subprocess.PIPE, stderr=err.open("w"))


def wait_for(path: Path, pattern: str, timeout_s: float = 60.0) -> re.Match:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        m = re.search(pattern, path.read_text())
        if m:
            return m
        time.sleep(0.05)
    raise AssertionError(f"{path.name} never said {pattern!r}:\n{path.read_text()}")


def result(proc: subprocess.Popen) -> dict:
    out, _ = proc.communicate(timeout=WATCHDOG_S)
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def procs():
    started: list[subprocess.Popen] = []
    yield started
    for p in started:
        if p.poll() is None:
            p.kill()
            p.wait(10)


def test_four_peers_play_ten_minutes_and_a_killed_peer_rejoins_hash_equal(tmp_path, procs):
    for seat, lines in SCRIPTS.items():
        (tmp_path / f"{seat}.json").write_text(json.dumps(lines))
    record = tmp_path / "exercise.json"
    host_err = tmp_path / "host.err"
    # --pace keeps the exercise running long enough (a few seconds) for the killed peer to come back
    host = main_py("host", "levels/module4.toml", "--headless", "--port", "0", "--token", "s3cret",
                   "--seats", "coordinator,lead:Alexis+Sofia,lead:Hassan", "--instructor",
                   "--script", str(tmp_path / "instructor.json"), "--until", "600", "--pace", "100",
                   "--record", str(record), err=host_err)
    procs.append(host)
    port = wait_for(host_err, r"listening on 127\.0\.0\.1:(\d+)").group(1)

    def join(seat: str, n: int = 0) -> subprocess.Popen:
        p = main_py("join", f"127.0.0.1:{port}", "--seat", seat, "--token", "s3cret", "--headless",
                    "--script", str(tmp_path / f"{seat}.json"), "--until", "600", err=tmp_path / f"{seat}{n}.err")
        procs.append(p)
        return p

    peers = {seat: join(seat) for seat in ("coordinator", "Alexis", "Hassan")}
    wait_for(host_err, "the exercise starts")
    # Hassan's first order (2 s) has reached the host before he is killed: on a loaded machine a
    # fixed sleep was not always long enough for his process to give it
    wait_for(host_err, r"Hassan: MoveTo for tick")
    peers["Hassan"].kill()  # mid-exercise: the others play on without him
    wait_for(host_err, "Hassan left")
    peers["Hassan"] = join("Hassan", 1)

    results = {seat: result(p) for seat, p in peers.items()}
    mine = result(host)
    assert host.returncode == 0, host_err.read_text()
    assert mine["seat"] == "instructor" and mine["tick"] == 6000 and mine["agree"] is True
    for seat, r in results.items():
        assert (r["seat"], r["tick"], r["state_hash"], r["agree"]) == (seat, 6000, mine["state_hash"], True), seat
    back = results["Hassan"]
    assert 0 < back["rejoined_at_tick"] < 6000 and back["catch_up_s"] >= 0
    # every scripted command went through: the instructor's, the coordinator's four, both leads' own
    # (Hassan's first order was given before he was killed; the rest after he rejoined)
    assert mine["commands"] >= 1 + 4 + 3 + 1 and mine["refused"] == 0
    assert mine["messages"] == 3

    rep = json.loads(record.read_text())
    seats_of = rep["exercise"]["command_seats"]
    assert len(seats_of) == len(rep["commands"])
    assert {"instructor", "coordinator", "Alexis", "Hassan"} <= set(seats_of)
    said = {(m["seat"], m["text"]) for m in rep["exercise"]["messages"]}
    assert ("Alexis", "need a crowbar at 4-15") in said
