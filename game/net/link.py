"""The network runs beside the game: an asyncio loop in a thread of its own.

The game's loop (pygame's, or the headless one) never waits on a socket: what
arrives is put in `inbox` (and `arrived` is set), and `send` hands a message
to the network thread. A test can add latency each way (`latency_s`) to see
how lockstep copes with a slow link.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import websockets


class NetThread:
    """An asyncio event loop running in a daemon thread until `stop`."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coro: Awaitable) -> "asyncio.Future":
        return asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]

    def call(self, fn: Callable[..., object], *args: object) -> None:
        """Run `fn` on the network thread; dropped once the network has stopped."""
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(fn, *args)

    def stop(self, timeout_s: float = 2.0) -> None:
        """Cancel what still runs on the loop (writers waiting for messages), then stop it."""
        if self.loop.is_closed() or not self.thread.is_alive():
            return
        try:
            self.submit(_cancel_others()).result(timeout_s)
        except Exception:  # a task that would not stop: the loop stops all the same
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout_s)
        if not self.thread.is_alive():
            self.loop.close()


class Link:
    """One peer's end of the exercise as the game sees it: an inbox of raw messages and a `send`."""

    def __init__(self, latency_s: float = 0.0) -> None:
        self.inbox: "queue.SimpleQueue[str | None]" = queue.SimpleQueue()  # None: the link is gone
        self.arrived = threading.Event()
        self.latency_s = latency_s
        self.closed_reason: str | None = None  # why the link closed, when it was not a clean end
        self._send: Callable[[str], None] = lambda text: None

    def deliver(self, text: str | None) -> None:
        """Called on the network thread with each message (None when the link closes)."""
        self.inbox.put(text)
        self.arrived.set()

    def send(self, text: str) -> None:
        self._send(text)

    def drain(self) -> list[str | None]:
        self.arrived.clear()
        out = []
        while True:
            try:
                out.append(self.inbox.get_nowait())
            except queue.Empty:
                return out

    def wait(self, timeout_s: float) -> None:
        self.arrived.wait(timeout_s)


async def send_in_order(ws: Any, outbox: "asyncio.Queue[str]") -> None:
    """Send a connection's messages one after the other, in order, until it closes."""
    try:
        while True:
            await ws.send(await outbox.get())
    except websockets.ConnectionClosed:
        pass


async def _cancel_others() -> None:
    me = asyncio.current_task()
    others = [t for t in asyncio.all_tasks() if t is not me]
    for t in others:
        t.cancel()
    await asyncio.gather(*others, return_exceptions=True)
