"""The host: a websocket server that seats peers, closes frames and compares hashes.

It never trusts a peer: joining needs the token; each message is size- and
rate-limited and checked (game.net.protocol) before it is used; whatever
breaks the rules is refused and written to the log, and a peer that keeps
doing it is disconnected. Nothing a peer sends is run except a validated
command, and that only in the frame every peer runs it in.

The host also plays: its own world (the reference every hash is checked
against) talks to it through a `Link` like any peer, minus the socket.
"""

from __future__ import annotations

import asyncio
import hmac
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import websockets
from websockets.asyncio.server import Server, ServerConnection, serve

from game.net import protocol as P
from game.net.link import Link, NetThread, send_in_order
from game.net.lockstep import REFERENCE, Schedule
from game.net.seats import Seat, SeatKind, refusal
from game.sim.level import Level
from game.training.replay import level_text

JOIN_TIMEOUT_S = 5.0
MESSAGES_PER_S = 4000.0  # lockstep's own traffic at hundreds of ticks a second stays under this
ORDERS_PER_S = 20.0  # commands and comms lines a person can give
MAX_STRIKES = 50  # refused messages before a peer is disconnected
DONE_WAIT_S = 10.0  # how long the end waits for a peer's final hash
STALL_S = 15.0  # a peer that holds every frame back this long is disconnected (it may rejoin)

# Close codes (4000-4999 are the application's own)
BAD_TOKEN, BAD_JOIN, NO_SEAT, SEAT_TAKEN, TOO_MANY_STRIKES, STALLED = 4001, 4002, 4003, 4004, 4005, 4006


@dataclass
class Peer:
    name: str  # a seat's name, or REFERENCE for the host's own world
    send: Callable[[str], None]
    address: str = "local"
    messages: P.RateLimit = field(default_factory=lambda: P.RateLimit(MESSAGES_PER_S, MESSAGES_PER_S))
    orders: P.RateLimit = field(default_factory=lambda: P.RateLimit(ORDERS_PER_S, ORDERS_PER_S * 2))
    strikes: int = 0
    close: Callable[[int, str], None] = lambda code, why: None
    outbox: "asyncio.Queue[str] | None" = None


class Host:
    """One exercise on offer: its seats, the schedule of frames, and the peers seated now."""

    def __init__(
        self,
        level: Level,
        seed: int,
        seats: list[Seat],
        token: str,
        host_seat: Seat,
        until_tick: int,
        delay_ticks: int = P.DEFAULT_DELAY_TICKS,
        autostart: bool = False,
        log: Callable[[str], None] | None = None,
        stall_s: float = STALL_S,
    ) -> None:
        self.level = level
        self.level_toml = level_text(level)
        self.seed = seed
        self.seats = seats
        self.host_seat = host_seat
        self.token = token
        self.schedule = Schedule(delay_ticks, until_tick)
        self.autostart = autostart
        self.stall_s = stall_s
        self.peers: dict[str, Peer] = {}
        self.started = False
        self.stopped: str | None = None
        self.done: dict[str, tuple[int, str]] = {}
        self.refusals: list[str] = []  # the log of what was refused, for the record and the tests
        self._log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self.net = NetThread("host network")
        self.server: Server | None = None
        self.port = 0
        self.local = Link()
        self._end_timer: asyncio.TimerHandle | None = None
        self._progress: tuple[int, float] = (-1, 0.0)  # (frames closed, when that last changed)

    # ------------------------------------------------------------- running
    def listen(self, bind: str, port: int) -> int:
        """Open the server on `bind:port` (0: any free port); returns the port."""
        self.server = self.net.submit(self._open(bind, port)).result(10)
        self.port = self.server.sockets[0].getsockname()[1]
        self.net.call(self._seat_local)
        return self.port

    async def _open(self, bind: str, port: int) -> Server:
        return await serve(self._handle, bind, port, max_size=P.MAX_PEER_MESSAGE_BYTES, compression=None,
                           max_queue=64)

    def _seat_local(self) -> None:
        self.local._send = lambda text: self.net.call(self._on_text, self.peers[REFERENCE], text)
        self.peers[REFERENCE] = Peer(REFERENCE, self.local.deliver)
        self.peers[REFERENCE].send(self._welcome(self.host_seat.name))
        self._lobby_changed()

    def start(self) -> None:
        """Start the exercise (the host's word): thread-safe."""
        self.net.call(self._start)

    def close(self) -> None:
        if self.server is not None:
            self.net.submit(self._shutdown()).result(5)
        self.net.stop()

    async def _shutdown(self) -> None:
        assert self.server is not None
        for _ in range(100):  # the last messages (the end) go out before the connections close
            if all(p.outbox is None or p.outbox.empty() for p in self.peers.values()):
                break
            await asyncio.sleep(0.01)
        self.server.close()
        await self.server.wait_closed()

    # --------------------------------------------------------------- seats
    def log(self, line: str) -> None:
        self._log(f"host: {line}")

    def seat_taken(self, seat: Seat) -> bool:
        return seat.name in self.peers or (seat == self.host_seat)

    def lobby(self) -> list[dict[str, Any]]:
        return [{"name": s.name, "label": s.label(self.level), "taken": self.seat_taken(s)} for s in self.seats]

    def _lobby_changed(self) -> None:
        self._broadcast(P.encode("lobby", seats=self.lobby(), started=self.started))
        if self.autostart and not self.started and all(self.seat_taken(s) for s in self.seats):
            self._start()

    def _welcome(self, seat: str) -> str:
        return P.encode(
            "welcome", protocol=P.PROTOCOL, seat=seat, seats=[s.to_dict() for s in self.seats],
            level_toml=self.level_toml, seed=self.seed, delay=self.schedule.delay, hash_every=P.HASH_EVERY_TICKS,
            until_tick=self.schedule.until_tick, started=self.started, through=self.schedule.issued_through,
            items=[i.to_dict() for i in self.schedule.log],
        )

    def _start(self) -> None:
        if self.started:
            return
        self.started = True
        self.log("the exercise starts")
        for name in self.peers:
            self.schedule.join(name)
        self._broadcast(P.encode("start"))
        self._progress = (self.schedule.issued_through, asyncio.get_running_loop().time())
        asyncio.get_running_loop().create_task(self._watch_stalls())

    async def _watch_stalls(self) -> None:
        """Lockstep waits for the slowest peer; one that promises nothing for STALL_S is let go,
        so a silent (or hostile) peer cannot hold the exercise for ever."""
        loop = asyncio.get_running_loop()
        while not self.stopped:
            await asyncio.sleep(min(1.0, self.stall_s / 4))
            issued = self.schedule.issued_through
            if issued != self._progress[0]:
                self._progress = (issued, loop.time())
                continue
            if loop.time() - self._progress[1] < self.stall_s:
                continue
            for name, through in list(self.schedule.ready.items()):
                peer = self.peers.get(name)
                if through <= issued and peer is not None and peer.address != "local":
                    self.refuse(peer, f"no promise for {self.stall_s:.0f} s: disconnected")
                    peer.close(STALLED, "holding the exercise back")
            self._progress = (issued, loop.time())

    async def _handle(self, ws: ServerConnection) -> None:
        address = f"{ws.remote_address[0]}:{ws.remote_address[1]}" if ws.remote_address else "?"
        peer = await self._join(ws, address)
        if peer is None:
            return
        try:
            async for raw in ws:
                self._on_text(peer, raw)
        except websockets.ConnectionClosed as exc:
            if exc.rcvd is not None and exc.rcvd.code == 1009:
                self.refuse(peer, "an oversized frame: disconnected")
        finally:
            self._left(peer)

    async def _join(self, ws: ServerConnection, address: str) -> Peer | None:
        try:
            msg = P.decode(await asyncio.wait_for(ws.recv(), JOIN_TIMEOUT_S))
            if msg["t"] != "join":
                raise P.ProtocolError("the first message is not a join")
            seat_name = P.need_text(msg, "seat", 64)
            token = P.need_text(msg, "token", 200)
        except (P.ProtocolError, asyncio.TimeoutError, websockets.ConnectionClosed) as exc:
            self.refusals.append(f"{address}: join refused: {exc}")
            self.log(f"{address}: join refused: {exc}")
            await ws.close(BAD_JOIN, "join first")
            return None
        if not hmac.compare_digest(token.encode(), self.token.encode()):
            self.refusals.append(f"{address}: wrong token")
            self.log(f"{address}: wrong token for seat {seat_name!r}: refused")
            await ws.close(BAD_TOKEN, "wrong token")
            return None
        seat = next((s for s in self.seats if s.name.lower() == seat_name.lower()), None)
        if seat is None or seat == self.host_seat:
            await ws.close(NO_SEAT, f"no seat {seat_name!r} to take")
            return None
        if seat.name in self.peers:
            await ws.close(SEAT_TAKEN, f"seat {seat.name} is taken")
            return None
        loop = asyncio.get_running_loop()
        outbox: asyncio.Queue[str] = asyncio.Queue()
        loop.create_task(send_in_order(ws, outbox))

        def close(code: int, why: str) -> None:
            loop.create_task(ws.close(code, why))

        peer = Peer(seat.name, outbox.put_nowait, address, close=close, outbox=outbox)
        self.peers[seat.name] = peer
        self.log(f"{seat.name} joined from {address}" + (" (rejoining the running exercise)" if self.started else ""))
        peer.send(self._welcome(seat.name))
        if self.started:
            self.schedule.join(seat.name)
        self._lobby_changed()
        return peer

    def _left(self, peer: Peer) -> None:
        if self.peers.get(peer.name) is not peer:
            return
        del self.peers[peer.name]
        self.schedule.leave(peer.name)
        self.log(f"{peer.name} left")
        self._lobby_changed()
        self._advance()
        self._maybe_end()

    # ------------------------------------------------------------ messages
    def refuse(self, peer: Peer, why: str) -> None:
        """Refuse one message: log it, tell the peer, and disconnect a peer that keeps at it."""
        peer.strikes += 1
        line = f"{peer.name} ({peer.address}): refused {why}"
        self.refusals.append(line)
        self.log(line)
        peer.send(P.encode("refused", why=why[:200]))
        if peer.strikes >= MAX_STRIKES:
            self.log(f"{peer.name}: {MAX_STRIKES} refused messages: disconnected")
            peer.close(TOO_MANY_STRIKES, "too many refused messages")

    def _on_text(self, peer: Peer, raw: Any) -> None:
        if self.stopped or self.peers.get(peer.name) is not peer:
            return
        if peer.address != "local" and not peer.messages.allow():
            self.refuse(peer, "a message over the rate limit")
            return
        try:
            msg = P.decode(raw)
            self._dispatch(peer, msg)
        except P.ProtocolError as exc:
            self.refuse(peer, f"a bad message: {exc}")

    def _dispatch(self, peer: Peer, msg: dict[str, Any]) -> None:
        kind = msg["t"]
        if kind in ("cmd", "say"):
            if not self.started:
                raise P.ProtocolError("orders before the exercise starts")
            if peer.address != "local" and not peer.orders.allow():
                raise P.ProtocolError("orders over the rate limit")
            seat = self._seat(peer.name)
            if kind == "cmd":
                cmd = P.command(msg.get("cmd"))
                item = P.Item(cmd.tick, seat.name, command=cmd)
            else:
                item = P.Item(P.need_int(msg, "tick"), seat.name, text=P.need_text(msg, "say", P.MAX_TEXT))
            self.schedule.add(item)
            if item.command is not None:  # the instructor's console shows each order as it comes in
                self.log(f"{seat.name}: {item.command.name} for tick {item.tick}")
            why = refusal(seat, item.command) if item.command is not None else None
            if why is not None:  # every peer refuses it in its frame, alike; the sender hears at once
                self.refuse(peer, f"{item.command.name}: {why}")
        elif kind == "ready":
            through = P.need_int(msg, "through", -1)
            digests = P.hashes(msg)
            if not self.started:
                return
            self.schedule.promise(peer.name, through)
            for tick, digest in digests:
                div = self.schedule.check(peer.name, tick, digest)
                if div is not None:
                    self._stop_diverged(div)
                    return
            self._advance()
        elif kind == "done":
            self.done[peer.name] = (P.need_int(msg, "tick"), P.need_text(msg, "hash", 64))
            self.schedule.leave(peer.name)
            self._maybe_end()
        else:
            raise P.ProtocolError(f"a message of unknown kind {kind!r:.30}")

    def _seat(self, name: str) -> Seat:
        if name == REFERENCE:
            return self.host_seat
        return next(s for s in self.seats if s.name == name)

    def _advance(self) -> None:
        if not self.started or self.stopped:
            return
        closed = self.schedule.close()
        if closed is not None:
            through, items = closed
            self._broadcast(P.encode("frames", through=through, items=[i.to_dict() for i in items]))

    def _stop_diverged(self, div) -> None:
        self.stopped = div.message()
        self.log(self.stopped)
        self._broadcast(P.encode("desync", tick=div.tick, peer=div.peer, expected=div.expected, got=div.got,
                                 message=self.stopped))

    def _maybe_end(self) -> None:
        """End once every peer still here has sent its final hash (or after a wait)."""
        if not self.started or self.stopped or REFERENCE not in self.done:
            return
        waiting = [n for n in self.peers if n not in self.done]
        if waiting and self._end_timer is None:
            self._end_timer = asyncio.get_running_loop().call_later(DONE_WAIT_S, self._end)
            return
        if not waiting:
            self._end()

    def _end(self) -> None:
        if self.stopped:
            return
        ref = self.done.get(REFERENCE)
        agree = ref is not None and all(h == ref for h in self.done.values())
        self.stopped = "ended"
        self._broadcast(P.encode("end", agree=agree, hashes={n: list(h) for n, h in self.done.items()}))

    def _broadcast(self, text: str) -> None:
        for peer in list(self.peers.values()):
            peer.send(text)

