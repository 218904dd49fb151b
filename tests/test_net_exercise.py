"""A networked exercise in one process on loopback: a hostile peer, a divergence, the record.

The host and an honest coordinator run on their own threads as `host` and
`join --headless` do; the test plays the other peer by hand over a raw
websocket. Every run is bounded by --until and a wall-clock limit.
"""

from __future__ import annotations

import json
import threading

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from game.levelio.load import load_level
from game.net.client import Client
from game.net.driver import Driver, ScriptLine, run_headless
from game.net.host import BAD_TOKEN, STALLED, Host
from game.net.protocol import MAX_PEER_MESSAGE_BYTES, encode
from game.net.seats import Seat, SeatKind, parse_seats
from game.paths import DEFAULT_LEVEL
from game.sim.commands import MoveTo, SetO2Feed
from game.training.moments import moments
from game.training.replay import load_replay, verify
from game.training.report import analyse, render_html

LEVEL = load_level(DEFAULT_LEVEL)
ALEXIS, HASSAN = 30, 32  # Module Four's crew ids (levels/module4.toml, file order)
LIMIT_S = 60.0


def start_host(seats: str, until_s: float, stall_s: float = 15.0) -> Host:
    host = Host(LEVEL, 4, parse_seats(seats, LEVEL), "tok", Seat("host", SeatKind.OBSERVER), round(until_s * 10),
                autostart=True, log=lambda line: None, stall_s=stall_s)
    host.listen("127.0.0.1", 0)
    return host


def in_thread(driver: Driver, pace: float | None = None) -> threading.Thread:
    t = threading.Thread(target=run_headless, args=(driver, LIMIT_S, pace), daemon=True)
    t.start()
    return t


def test_a_hostile_peer_is_refused_while_the_exercise_goes_on():
    host = start_host("coordinator,lead:Alexis", until_s=40)
    mine = Driver(host.local, 400)
    t_host = in_thread(mine, pace=100.0)  # paced, so the exercise is still running while the peer misbehaves
    coordinator = Client(f"127.0.0.1:{host.port}", "coordinator", "tok")
    honest = Driver(coordinator.connect(), 400, [])
    t_peer = in_thread(honest)
    try:
        with connect(f"ws://127.0.0.1:{host.port}") as ws:  # the wrong token is shown the door
            ws.send(encode("join", seat="Alexis", token="guess"))
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(5)
            assert closed.value.rcvd.code == BAD_TOKEN
        with connect(f"ws://127.0.0.1:{host.port}", max_size=None) as ws:
            ws.send(encode("join", seat="Alexis", token="tok"))
            welcome = json.loads(ws.recv(5))
            assert welcome["t"] == "welcome" and welcome["seat"] == "Alexis"
            while json.loads(ws.recv(5))["t"] != "start":
                pass
            ws.send(encode("ready", through=10_000))  # hold nothing back: this peer only misbehaves
            while (m := json.loads(ws.recv(5)))["t"] != "frames" or m["through"] < 5:
                pass  # tick 1's frame has closed
            garbage = [
                b"\x00\xff binary",
                "not json {",
                "[1, 2, 3]",
                encode("launch", missiles=True),
                encode("cmd", cmd={"type": "SelfDestruct", "tick": 300}),
                encode("cmd", cmd={"type": "MoveTo", "tick": 300, "person_id": "everyone", "cell": [1, 2]}),
                encode("cmd", cmd={"type": "MoveTo", "tick": 300, "person_id": ALEXIS, "cell": [1, 2, 3]}),
                encode("say", tick=300, say="x" * 5000),
                encode("cmd", cmd=MoveTo(person_id=ALEXIS, cell=(20, 8)).stamped(1).to_dict()),  # frame long closed
            ]
            for g in garbage:
                ws.send(g)
            # well formed, but not this seat's to give: refused by the host and by every peer alike
            ws.send(encode("cmd", cmd=MoveTo(person_id=HASSAN, cell=(20, 8)).stamped(300).to_dict()))
            ws.send(encode("cmd", cmd=SetO2Feed(rate_g_s=5.0).stamped(300).to_dict()))
            ws.send(encode("cmd", cmd=MoveTo(person_id=ALEXIS, cell=(20, 8)).stamped(300).to_dict()))  # its own
            refused = []
            while len(refused) < len(garbage) + 2:  # frames and lobby news come in between
                reply = json.loads(ws.recv(5))
                refused += [reply["why"]] if reply["t"] == "refused" else []
            assert "not JSON" in refused[1] and "SelfDestruct" in refused[4] and "already past" in refused[8]
            assert "Alexis may not order person 32" in refused[9] and "control room" in refused[10]
            for n in range(60):  # a flood of comms lines: past the burst, the rate limit refuses them
                ws.send(encode("say", tick=350, say=f"spam {n}"))
            while "rate limit" not in json.loads(ws.recv(5)).get("why", ""):
                pass
            ws.send("x" * (MAX_PEER_MESSAGE_BYTES + 1))  # an oversized frame: the connection is closed
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    ws.recv(5)
            assert closed.value.rcvd.code == 1009
        t_host.join(LIMIT_S)
        t_peer.join(LIMIT_S)
    finally:
        coordinator.close()
        host.close()
    assert mine.error is None and honest.error is None
    assert mine.follower.world.tick == honest.follower.world.tick == 400
    assert mine.end["agree"] is True
    assert len(host.refusals) >= len(garbage) + 3  # the wrong token, the garbage, the two orders not Alexis's
    for f in (mine.follower, honest.follower):
        assert f.record.command_seats == ["Alexis"]  # only its own order went through
        assert [(r["seat"], r["command"]["type"]) for r in f.record.refused] == [("Alexis", "MoveTo"), ("Alexis", "SetO2Feed")]
    assert mine.follower.record.refused == honest.follower.record.refused


def test_a_silent_peer_cannot_hold_the_exercise_for_ever():
    host = start_host("coordinator", until_s=10, stall_s=1.0)
    mine = Driver(host.local, 100)
    t_host = in_thread(mine)
    try:
        with connect(f"ws://127.0.0.1:{host.port}") as ws:
            ws.send(encode("join", seat="coordinator", token="tok"))
            with pytest.raises(ConnectionClosed) as closed:  # it joins, then never promises a frame
                while True:
                    ws.recv(10)
            assert closed.value.rcvd.code == STALLED
        t_host.join(LIMIT_S)
    finally:
        host.close()
    assert mine.end is not None and mine.follower.world.tick == 100  # the others played on to the end


def test_a_peer_whose_world_diverges_stops_the_exercise_at_the_tick(tmp_path):
    host = start_host("coordinator", until_s=60)
    mine = Driver(host.local, 600)
    t_host = in_thread(mine)
    client = Client(f"127.0.0.1:{host.port}", "coordinator", "tok")
    peer = Driver(client.connect(), 600)
    try:
        tampered = False
        for _ in range(200_000):
            peer.pump(max_ticks=5)
            f = peer.follower
            if f is not None and not tampered and f.world.tick >= 45:
                f.world.people[0].x += 0.25  # a bug, or a cheat: this world is no longer the others'
                tampered = True
            if peer.finished:
                break
            peer.link.wait(0.01)
        t_host.join(LIMIT_S)
    finally:
        client.close()
        host.close()
    # hashes are compared every 20 ticks (protocol.HASH_EVERY_TICKS): the first after tick 45 is 60
    assert peer.error is not None and "DIVERGES at tick 60" in peer.error
    assert mine.error == peer.error


def test_the_exercise_record_is_a_replay_that_names_each_seat(tmp_path):
    host = start_host("coordinator,lead:Alexis", until_s=20)
    mine = Driver(host.local, 200)
    t_host = in_thread(mine)
    script = {
        "coordinator": [(5, SetO2Feed(rate_g_s=15.0)), (30, "feed on at 15")],
        "Alexis": [(10, MoveTo(person_id=ALEXIS, cell=(20, 8))), (40, "need a crowbar at 4-15")],
    }
    clients, threads, drivers = [], [], []
    for seat, lines in script.items():
        c = Client(f"127.0.0.1:{host.port}", seat, "tok")
        from_script = [ScriptLine(t, command=x) if not isinstance(x, str) else ScriptLine(t, say=x) for t, x in lines]
        d = Driver(c.connect(), 200, from_script)
        clients.append(c)
        drivers.append(d)
        threads.append(in_thread(d))
    try:
        for t in threads + [t_host]:
            t.join(LIMIT_S)
    finally:
        for c in clients:
            c.close()
        host.close()
    assert all(d.end and d.end["agree"] for d in drivers + [mine])
    path = tmp_path / "exercise.json"
    mine.follower.replay().save(path)
    rep = load_replay(path)
    assert verify(rep).ok  # an ordinary replay: `replay --verify` re-simulates it to the same hashes
    assert rep.exercise.command_seats == ["coordinator", "Alexis"]
    assert [(m.seat, m.text) for m in rep.exercise.messages] == [
        ("coordinator", "feed on at 15"), ("Alexis", "need a crowbar at 4-15")]
    pb_world = rep.new_world()
    lines = moments(pb_world, lambda e, w: None, rep.commands, exercise=rep.exercise)
    by_seat = {(m.seat, m.text) for m in lines}
    assert ("coordinator", "feed on at 15") in by_seat
    assert any(seat == "coordinator" and "O2 feed" in text for seat, text in by_seat)
    assert any(seat == "lead Alexis (Alexis Moreau)" and text.startswith("Alexis Moreau: ") for seat, text in by_seat)
    page = render_html(analyse(rep, lambda e, w: None, compare=False), "exercise.json")
    assert "lead Alexis (Alexis Moreau)</span>" in page and "need a crowbar at 4-15" in page

