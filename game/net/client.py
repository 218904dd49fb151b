"""A peer's connection to the host: join a seat with the token, then relay messages.

It runs on its own network thread (game.net.link); the game reads the
host's messages from the link's inbox and sends with `link.send`.
"""

from __future__ import annotations

import asyncio

import websockets
from websockets.asyncio.client import ClientConnection, connect

from game.net import protocol as P
from game.net.link import Link, NetThread, send_in_order

CONNECT_TIMEOUT_S = 10.0


class Client:
    def __init__(self, address: str, seat: str, token: str, latency_s: float = 0.0) -> None:
        self.uri = address if address.startswith("ws://") else f"ws://{address}"
        self.seat = seat
        self.token = token
        self.link = Link(latency_s)
        self.closed_reason: str | None = None
        self.net = NetThread(f"client network ({seat})")
        self._ws: ClientConnection | None = None

    def connect(self) -> Link:
        self.net.submit(self._run())
        return self.link

    def close(self) -> None:
        if self._ws is not None:
            try:
                self.net.submit(self._ws.close()).result(3)
            except Exception:  # already gone: nothing to close
                pass
        self.net.stop()

    def _later(self, fn, *args) -> None:
        """Run `fn` after the link's test latency (in order: equal delays keep their order)."""
        loop = asyncio.get_running_loop()
        if self.link.latency_s > 0:
            loop.call_later(self.link.latency_s, fn, *args)
        else:
            fn(*args)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        outbox: asyncio.Queue[str] = asyncio.Queue()
        self.link._send = lambda text: loop.call_soon_threadsafe(self._later, outbox.put_nowait, text)
        try:
            async with connect(self.uri, max_size=P.MAX_HOST_MESSAGE_BYTES, compression=None, proxy=None,
                               open_timeout=CONNECT_TIMEOUT_S) as ws:
                self._ws = ws
                await ws.send(P.encode("join", seat=self.seat, token=self.token, protocol=P.PROTOCOL))
                writer = loop.create_task(send_in_order(ws, outbox))
                try:
                    async for raw in ws:
                        self._later(self.link.deliver, raw)
                finally:
                    writer.cancel()
        except websockets.ConnectionClosed as exc:
            rcvd = exc.rcvd
            self.closed_reason = f"the host closed the connection: {rcvd.reason or rcvd.code}" if rcvd else str(exc)
        except (OSError, asyncio.TimeoutError, websockets.InvalidHandshake, websockets.InvalidURI) as exc:
            self.closed_reason = f"cannot reach the host at {self.uri}: {exc}"
        ws_ = self._ws
        if self.closed_reason is None and ws_ is not None and ws_.close_code not in (None, 1000, 1001):
            self.closed_reason = f"the host closed the connection: {ws_.close_reason or ws_.close_code}"
        self.link.closed_reason = self.closed_reason
        self._later(self.link.deliver, None)

