"""Find the line of any key in a TOML text, for error messages.

tomllib gives values without positions, so this scans the text once and
records where each table, array-of-tables entry and key starts.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[(\[)?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*=\s*(.*)$""")

Path = tuple[object, ...]


class LineIndex:
    def __init__(self, text: str):
        self.lines: dict[Path, int] = {}
        self.string_start: dict[Path, int] = {}  # first content line of multi-line strings
        self.total = text.count("\n") + 1
        counts: dict[str, int] = {}
        table: Path = ()
        closing: str | None = None
        for no, line in enumerate(text.splitlines(), start=1):
            if closing is not None:
                if closing in line:
                    closing = None
                continue
            m = _HEADER.match(line)
            if m and not _KEY.match(line):
                name = m.group(2).strip().strip('"')
                if m.group(1):
                    idx = counts.get(name, 0)
                    counts[name] = idx + 1
                    table = (name, idx)
                else:
                    table = tuple(name.split("."))
                self.lines.setdefault(table, no)
                continue
            m = _KEY.match(line)
            if m:
                key = m.group(1).strip("\"'")
                path = table + (key,)
                self.lines.setdefault(path, no)
                rest = m.group(2)
                for delim in ('"""', "'''"):
                    if rest.startswith(delim) and rest.count(delim) == 1:
                        closing = delim
                        # TOML drops a newline right after the opening quotes
                        self.string_start[path] = no + 1 if rest.strip() == delim else no
                        break

    def line(self, *path: object) -> int:
        """Line of the deepest known prefix of `path` (1 if none is known)."""
        p: Path = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return 1
