"""Batch runs on a Dask cluster: reaching the scheduler, and every way that can go wrong
told in one message (a ClusterError) within the connect timeout, never a traceback.

Before Dask's client is made, the address is parsed and, for tcp, the port is asked
whether it speaks Dask: a scheduler sends its handshake as soon as a connection opens,
while a web server (or anything else) sends nothing, or text. Dask's own client reads
the first eight bytes of whatever answers as a frame length, so an HTTP banner became
a 3 EiB allocation; and a client that failed to start hung 20 s on its way out.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

DASK_FRAMES_MAX = 64  # a handshake is one message of a frame or two
DASK_HANDSHAKE_MAX_BYTES = 1 << 20  # a few dozen bytes in practice
HANDSHAKE_WAIT_S = 2.0  # a scheduler sends its handshake within milliseconds of the connection
MODULE_HINT = (
    "install the game where the scheduler and workers run (python -m pip install PATH-TO-THE-GAME there), "
    "or ship it to them: start them in the game's folder or with PYTHONPATH set to it"
)


class ClusterError(Exception):
    """The Dask cluster cannot be used; the message says why."""


def check_address(address: str, backends: Any, addressing: Any) -> tuple[str, str, int]:
    """(scheme, host, port) of a Dask address (host "" and port 0 where the scheme has none),
    or ClusterError saying what is wrong with it. `addressing` is distributed.comm.addressing."""
    try:
        scheme, loc = addressing.parse_address(address)
    except (TypeError, ValueError) as exc:
        raise ClusterError(f"{address!r} is not a Dask scheduler address ({exc}); write tcp://HOST:PORT") from None
    if scheme not in backends:
        raise ClusterError(f"{address!r} is not a Dask scheduler address: no such protocol '{scheme}' "
                           f"(known: {', '.join(sorted(backends))}); write tcp://HOST:PORT")
    host, port = "", 0
    if scheme in ("tcp", "tls"):
        try:
            host, port = addressing.parse_host_port(loc)
        except ValueError as exc:
            raise ClusterError(f"{address!r} is not a Dask scheduler address ({exc}); write tcp://HOST:PORT") from None
        if not host or any(c.isspace() for c in host) or not 0 < int(port) < 65536:
            raise ClusterError(f"{address!r} is not a Dask scheduler address: it needs a host and a port "
                               "from 1 to 65535, as tcp://HOST:PORT")
    return scheme, host, int(port)


def probe_tcp(address: str, host: str, port: int, timeout_s: float) -> None:
    """ClusterError unless host:port accepts within `timeout_s` and sends a Dask handshake
    (eight bytes of length, eight of frame count) within HANDSHAKE_WAIT_S."""
    try:
        conn = socket.create_connection((host, port), timeout=timeout_s)
    except OSError as exc:
        raise ClusterError(f"cannot reach a Dask scheduler at {address}: {exc.strerror or exc}") from None
    deadline = time.monotonic() + min(timeout_s, HANDSHAKE_WAIT_S)
    with conn:
        head = b""
        try:
            while len(head) < 16 and time.monotonic() < deadline:
                conn.settimeout(max(0.01, deadline - time.monotonic()))
                part = conn.recv(16 - len(head))
                if not part:
                    break
                head += part
        except OSError:
            pass  # a timeout or a reset: judged by what came, below
    total = int.from_bytes(head[:8], "little") if len(head) >= 8 else 0
    frames = int.from_bytes(head[8:16], "little") if len(head) >= 16 else 0
    if len(head) < 16 or not 16 <= total <= DASK_HANDSHAKE_MAX_BYTES or not 1 <= frames <= DASK_FRAMES_MAX:
        said = f" (it said {head[:16]!r})" if head else " (it said nothing)"
        raise ClusterError(f"something answers at {address}, but not a Dask scheduler{said}: "
                           "check the address and port (a scheduler listens on 8786 by default)")


def _cannot_import_game(exc: BaseException) -> str | None:
    """The import error behind a failed task when the cluster lacks the game, else None."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ImportError) and (seen.name or "").split(".")[0] == "game":
            return str(seen)
        if "No module named 'game" in str(seen):
            return "No module named 'game'"
        seen = seen.__cause__ or seen.__context__
    return None


def map_on_cluster(address: str, fn: Callable[..., Any], args: list[tuple], on_done: Callable[[], None] | None,
                   timeout_s: float) -> list[Any]:
    """fn(*a) for every a in `args` on the Dask cluster at `address`, in the order they finish."""
    try:  # optional (requirements-cluster.txt) and slow to import: only when a cluster is asked for
        from distributed import Client
        from distributed import as_completed as dask_completed
        from distributed.comm import addressing, registry
    except ImportError:
        raise ClusterError("--cluster needs Dask: python -m pip install -r requirements-cluster.txt") from None
    scheme, host, port = check_address(address, registry.backends, addressing)
    if scheme == "tcp":
        probe_tcp(address, host, port, timeout_s)
    try:
        client = Client(address, timeout=f"{timeout_s}s", set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - whatever Dask raises, the user gets one line
        raise ClusterError(f"cannot use the Dask scheduler at {address}: {exc}") from None
    try:
        futures = client.map(fn, *zip(*args), pure=False)
        out = []
        for fut in dask_completed(futures, loop=client.loop):
            try:
                out.append(fut.result())
            except Exception as exc:  # noqa: BLE001 - sorted below into the cluster's fault or the run's
                missing = _cannot_import_game(exc)
                if missing is None:
                    raise
                raise ClusterError(f"the Dask cluster at {address} cannot import the game ({missing}): "
                                   f"{MODULE_HINT}") from None
            if on_done:
                on_done()
        return out
    finally:
        client.close(timeout=timeout_s)
