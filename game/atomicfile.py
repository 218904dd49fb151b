"""Writing files so a crash never leaves half a file behind, nor its temporary.

A save writes a temporary file beside the target, fsyncs it, renames it over
the target and fsyncs the folder, so after a power cut the folder holds the
old file or the new one, never neither. The temporary's name carries the
writing process's id: a save that was killed mid-write leaves one behind, and
the next save of the same file (or `sweep_stale` on the folder at start)
removes every temporary whose process is gone.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

TMP_NAME_CHARS = 50  # at most 200 bytes in UTF-8, with room for the rest in 255
_TMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.tmp$")
_OLD_TMP = re.compile(r"^\.(?P<name>.+)\.[^.]+\.tmp$")  # before temporaries carried their process id
OLD_TMP_AGE_S = 600.0
_in_flight: set[str] = set()  # this process's temporaries still being written


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def _stale(entry: os.DirEntry, name: str | None) -> bool:
    m = _TMP.match(entry.name)
    if m:
        if name is not None and m["name"] != name:
            return False
        if int(m["pid"]) == os.getpid():
            return entry.path not in _in_flight
        return not _alive(int(m["pid"]))
    m = _OLD_TMP.match(entry.name)
    if m and (name is None or m["name"] == name):
        try:
            return time.time() - entry.stat().st_mtime > OLD_TMP_AGE_S
        except OSError:
            return False
    return False


def sweep_stale(folder: str | os.PathLike[str], name: str | None = None) -> int:
    """Remove temporaries that killed saves left in `folder` (only those of `name` if given); how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if entry.name.endswith(".tmp") and entry.name.startswith(".") and _stale(entry, name):
            try:
                os.unlink(entry.path)
                removed += 1
            except OSError:
                pass
    return removed


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where folders cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_writer(path: str | os.PathLike[str], binary: bool = False) -> Iterator[IO]:
    """A file to write into; on success it replaces `path` in one rename, on
    any failure `path` is untouched and the temporary file is removed."""
    path = Path(path)
    folder = path.parent
    # The temporary's name carries the file's (cut short: a 250-byte name plus the process id,
    # the random part and the suffix would pass the 255 bytes a file name may have).
    short = path.name[:TMP_NAME_CHARS]
    sweep_stale(folder, short)
    fd, tmp = tempfile.mkstemp(prefix=f".{short}.{os.getpid()}.", suffix=".tmp", dir=folder)
    _in_flight.add(tmp)
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": ""})) as f:
            _give_ordinary_mode(f.fileno(), path)
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _fsync_folder(folder)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    finally:
        _in_flight.discard(tmp)


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Replace `path` with `data` atomically: readers see the old file or the new one."""
    with atomic_writer(path, binary=isinstance(data, bytes)) as f:
        f.write(data)


def _give_ordinary_mode(fd: int, path: Path) -> None:
    """mkstemp makes the temporary owner-only (0600); a saved file gets what the
    file it replaces had, or what the user's umask gives a new file."""
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        mask = os.umask(0)  # the only portable way to read the umask is to set it
        os.umask(mask)
        mode = 0o666 & ~mask
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
