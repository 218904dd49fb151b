"""Writing files so a crash never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

TMP_NAME_CHARS = 50  # at most 200 bytes in UTF-8, with room for the rest in 255


@contextmanager
def atomic_writer(path: str | os.PathLike[str], binary: bool = False) -> Iterator[IO]:
    """A file to write into; on success it replaces `path` in one rename, on
    any failure `path` is untouched and the temporary file is removed."""
    path = Path(path)
    # The temporary's name carries the file's (cut short: a 250-byte name plus the
    # random part and suffix would pass the 255 bytes a file name may have).
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:TMP_NAME_CHARS]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": ""})) as f:
            _give_ordinary_mode(f.fileno(), path)
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


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
