"""Reading a file someone handed us, within limits.

Every level, replay, settings and Tiled file is read through `read_capped`:
only ordinary files, never more than a limit of bytes, so `/dev/zero`, a
named pipe, a folder or a 200 MB file is refused with a reason instead of
hanging or filling memory.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from game.sim.limits import MAX_FILE_BYTES


class UnreadableFile(Exception):
    """A file that cannot be read as given; the message says why (without the path)."""


def _size_words(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} kB"


def read_capped(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of an ordinary file of at most `limit` bytes; UnreadableFile otherwise."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableFile("cannot read the file: its link points back at itself") from None
        raise UnreadableFile(f"cannot read the file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableFile("is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile("is not an ordinary file (a device, pipe or socket)")
    if info.st_size > limit:
        raise UnreadableFile(f"is {_size_words(info.st_size)}, larger than the {_size_words(limit)} limit for this kind of file")
    try:
        # O_NONBLOCK: if the path was swapped for a pipe since the stat, open must not wait for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UnreadableFile(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnreadableFile("is not an ordinary file (a device, pipe or socket)")
        chunks = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise UnreadableFile(f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if total > limit:
        raise UnreadableFile(f"is larger than the {_size_words(limit)} limit for this kind of file")
    return b"".join(chunks)


def utf8_text(raw: bytes) -> str:
    """UTF-8 text, with the byte-order mark some editors (Notepad) put first taken off:
    in UTF-8 it marks nothing, and TOML and JSON readers refuse it. Raises UnicodeDecodeError."""
    return raw.decode("utf-8-sig")


def inside_folder(path: Path, folder: Path) -> bool:
    """Whether `path`, with every link followed, lies inside `folder`."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def nesting_depth(value: object, stop_at: int) -> int:
    """How deep lists and dicts nest in parsed data (counting stops past `stop_at`)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > stop_at:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest
