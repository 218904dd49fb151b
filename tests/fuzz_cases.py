"""Broken and hostile files of every kind the game reads, generated from a seed.

Each case is a `Case`: a kind (level, replay, settings, tiled), a label that
says what was done to the file (the class of damage), and a function that
writes the file into a folder and returns the path to hand to the game.
`tests/test_fuzz_files.py` runs a few hundred per kind in CI (more under
BREACH_FUZZ_CASES); `python -m tests.fuzz_cases` runs every command on them
in child processes with a 10 s limit and prints the counts per kind.
"""

from __future__ import annotations

import base64
import functools
import sys
import gzip
import json
import os
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
TUTORIAL = ROOT / "levels" / "tutorial.toml"
MODULE4 = ROOT / "levels" / "module4.toml"

SMALL_LEVEL = """\
format_version = 1

[meta]
name = "Closet"
seed = 3

[legend]
"H" = "hull"
"." = "floor"
"#" = "wall"
"D" = "door"

[map]
rows = '''
HHHHHHHH
H..#...H
H..D...H
H..#...H
HHHHHHHH
'''

[[rooms]]
label = "Left"
at = [1, 1]

[[doors]]
at = [3, 2]
state = "closed"

[[crew]]
name = "Ann"
role = "engineer"
at = [1, 2]

[[events]]
at_s = 2.0
kind = "breach"
at = [7, 2]
area_cm2 = 4.0
"""


@dataclass(frozen=True)
class Case:
    kind: str
    label: str
    build: Callable[[Path], Path]  # writes the file(s) into a folder; returns the path to open


# ------------------------------------------------------------------ helpers

def _text_file(name: str, data: bytes | str) -> Callable[[Path], Path]:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data

    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(raw)
        return path

    return build


def _special(what: str, suffix: str) -> Callable[[Path], Path]:
    """Paths that are not ordinary files: endless, a folder, a pipe, missing, a loop."""

    def build(folder: Path) -> Path:
        if what == "dev_zero":
            return Path("/dev/zero")
        if what == "folder":
            path = folder / f"folder{suffix}"
            path.mkdir()
            return path
        if what == "fifo":
            path = folder / f"pipe{suffix}"
            os.mkfifo(path)
            return path
        if what == "missing":
            return folder / f"nowhere{suffix}"
        if what == "symlink_loop":
            path = folder / f"loop{suffix}"
            path.symlink_to(path)
            return path
        if what == "huge_sparse":  # 200 MB of zeros that take no disk
            path = folder / f"huge{suffix}"
            with open(path, "wb") as f:
                f.truncate(200 * 1024 * 1024)
            return path
        raise ValueError(what)

    return build


SPECIALS = ("dev_zero", "folder", "fifo", "missing", "symlink_loop", "huge_sparse")


def _pick(rng: np.random.Generator, items):
    """One of `items`, chosen by the seeded generator (any mix of types)."""
    items = list(items)
    return items[int(rng.integers(0, len(items)))]


def _truncate(rng: np.random.Generator, raw: bytes) -> bytes:
    return raw[: int(rng.integers(0, len(raw)))]


def _flip(rng: np.random.Generator, raw: bytes) -> bytes:
    out = bytearray(raw)
    for _ in range(int(rng.integers(1, 6))):
        out[int(rng.integers(0, len(out)))] = int(rng.integers(0, 256))
    return bytes(out)


def _deep(open_: str, close: str, depth: int) -> str:
    return open_ * depth + close * depth


WRONG_TOML = ('"text"', "[1, 2]", "{ a = 1 }", "true", "1979-05-27", "[[1]]", "-1", "0", "[]", '""')
HUGE_TOML = ("inf", "nan", "-inf", "1e308", "9" * 30, "-9223372036854775808", "9223372036854775807", "1e-320", "-0.0")
WRONG_JSON = ("text", [1, 2], {"a": 1}, True, None, -1, 0, [], "", 1e308, float("inf"), float("nan"), 10**30)


# ------------------------------------------------------------------ levels

def _level_mutation(rng: np.random.Generator, text: str, i: int) -> tuple[str, str | bytes]:
    lines = text.splitlines()
    raw = text.encode()
    kind = i % 12
    if kind == 0:
        return "truncated", _truncate(rng, raw)
    if kind == 1:
        return "byte flips", _flip(rng, raw)
    if kind == 2:
        j = int(rng.integers(0, len(lines)))
        return "missing line", "\n".join(lines[:j] + lines[j + 1 :])
    if kind == 3:
        headers = [j for j, line in enumerate(lines) if line.startswith("[")] or [0]
        j = int(_pick(rng, headers))
        k = int(rng.integers(0, len(lines) + 1))
        return "duplicate section", "\n".join(lines[:k] + [lines[j]] + lines[k:])
    keyed = [j for j, line in enumerate(lines) if " = " in line and not line.startswith("rows")] or [0]
    if kind == 4:
        j = int(_pick(rng, keyed))
        key = lines[j].split(" = ")[0]
        lines[j] = f"{key} = {_pick(rng, WRONG_TOML)}"
        return "wrong type", "\n".join(lines)
    if kind == 5:
        j = int(_pick(rng, keyed))
        key = lines[j].split(" = ")[0]
        lines[j] = f"{key} = {_pick(rng, HUGE_TOML)}"
        return "huge or non-finite number", "\n".join(lines)
    if kind == 6:
        seed = _pick(rng, ["-1", "-9223372036854775808", str(2**64), "1" + "0" * 100, "0", "9" * 5000])
        body = text.replace("[meta]\n", f"[meta]\nseed = {seed}\n", 1) if "seed" not in text else \
            "\n".join(f"seed = {seed}" if line.startswith("seed") else line for line in lines)
        return "seed out of range", body
    if kind == 7:
        depth = int(_pick(rng, [40, 400, 1000, 5000]))
        opener, closer = ("[", "]") if rng.random() < 0.5 else ("{a=", "}")
        return "deep nesting", text + f"\nnested = {_deep(opener, closer, depth)}\n"
    if kind == 8:
        return "semantic nonsense", _nonsense(rng, text)
    if kind == 9:
        return "giant map", _giant(rng)
    if kind == 10:
        return "random bytes", rng.bytes(int(rng.integers(0, 400)))
    return "odd text", _pick(rng, [
        "\ufeff" + text, text.replace("\n", "\r\n"), text.replace("Closet", "Clo\x00set"),
        text.encode("utf-16"), raw + b"\xff\xfe", text.replace("name", "\ud800name", 1),
    ])


def _nonsense(rng: np.random.Generator, text: str) -> str:
    x, y = (int(v) for v in rng.integers(-5, 12, 2))
    words = ["lava", "", "floor", "closed", "engineer", "x" * 300, "Ann", "breach"]
    extra = _pick(rng, [
        f'\n[[crew]]\nname = "{_pick(rng, words)}"\nat = [{x}, {y}]\nrole = "{_pick(rng, words)}"\n',
        f'\n[[doors]]\nat = [{x}, {y}]\nstate = "{_pick(rng, words)}"\n',
        f'\n[[events]]\nat_s = {rng.integers(-5, 5)}\nkind = "{_pick(rng, words)}"\nat = [{x}, {y}]\n',
        f'\n[[objectives]]\nkind = "{_pick(rng, words)}"\npeople = ["{_pick(rng, words)}"]\n',
        f'\n[[hull_sections]]\nname = "s"\nrect = [{x}, {y}, {y}, {x}]\n',
        f'\n[[rooms]]\nlabel = "{_pick(rng, words)}"\nat = [{x}, {y}]\nkind = "{_pick(rng, words)}"\n',
        f'\n[[injects]]\nat_s = 1.0\nkind = "worsen"\nperson = "{_pick(rng, words)}"\nspo2_drop = {rng.random() * 3}\n',
        '\n[[events]]\nat_s = 1.0\nkind = "debris_fall"\nregion = [0, 0, 99999, 99999]\ndebris = "beam"\n',
    ])
    return text + extra


def _giant(rng: np.random.Generator) -> str:
    shape = int(rng.integers(0, 5))
    if shape == 0:  # a square of tiny rooms: one compartment per floor cell
        n = int(_pick(rng, [150, 300, 700]))
        rows = ["H" * n] + ["H" + "".join("." if (x % 2 and y % 2) else "#" for x in range(1, n - 1)) + "H" for y in range(1, n - 1)] + ["H" * n]
    elif shape == 1:  # one enormous hall
        n = int(_pick(rng, [1000, 1500, 3000]))
        rows = ["H" * n] + ["H" + "." * (n - 2) + "H" for _ in range(n - 2)] + ["H" * n]
    elif shape == 2:  # one endless corridor
        n = int(_pick(rng, [5000, 100000, 1000000]))
        rows = ["H" * n, "H" + "." * (n - 2) + "H", "H" * n]
    elif shape == 3:  # a tall thin map
        n = int(_pick(rng, [2000, 20000]))
        rows = ["HHH"] + ["H.H"] * n + ["HHH"]
    else:  # a small map with a horde of crew and events
        n = 60
        rows = ["H" * n] + ["H" + "." * (n - 2) + "H" for _ in range(n - 2)] + ["H" * n]
    text = 'format_version = 1\n[meta]\nname = "Giant"\n[legend]\n"H" = "hull"\n"." = "floor"\n"#" = "wall"\n'
    text += "[map]\nrows = '''\n" + "\n".join(rows) + "\n'''\n"
    if shape == 4:
        count = int(_pick(rng, [3000, 20000]))
        text += "".join(f'[[crew]]\nname = "c{k}"\nat = [{1 + k % 58}, {1 + (k // 58) % 58}]\n' for k in range(count))
        text += "".join(f'[[events]]\nat_s = {k * 0.1}\nkind = "debris_fall"\nat = [5, 5]\ndebris = "panel"\n' for k in range(count))
    return text


def level_cases(seed: int, count: int) -> list[Case]:
    """`count` broken level files, plus one of each special path."""
    rng = np.random.default_rng(seed)
    bases = [SMALL_LEVEL, TUTORIAL.read_text(encoding="utf-8")]
    cases = [Case("level", f"special: {s}", _special(s, ".toml")) for s in SPECIALS]
    for i in range(count):
        label, data = _level_mutation(rng, bases[i % 2 if i % 12 != 9 else 0], i)
        cases.append(Case("level", label, _text_file("level.toml", data)))
    return cases


# ------------------------------------------------------------------ replays

def record_replay(folder: Path) -> Path:
    """A real replay of the small level, recorded by the game itself."""
    from game.cli import main

    level = folder / "closet.toml"
    level.write_text(SMALL_LEVEL, encoding="utf-8")
    out = folder / "base.replay.json"
    if main(["sim", str(level), "--until", "3", "--record", str(out)]) != 0:
        raise RuntimeError("could not record the base replay")
    return out


def _with_checksum(doc: dict) -> dict:
    from game.training.replay import _checksum

    body = {k: v for k, v in doc.items() if k != "checksum"}
    return {**body, "checksum": _checksum(body)}


def _replay_mutation(rng: np.random.Generator, base: dict, i: int) -> tuple[str, Callable[[Path], Path]]:
    text = json.dumps(base, indent=1)
    kind = i % 10
    if kind == 0:
        return "truncated", _text_file("r.json", _truncate(rng, text.encode()))
    if kind == 1:
        return "byte flips", _text_file("r.json", _flip(rng, text.encode()))
    doc = json.loads(text)
    if kind == 2:
        key = str(_pick(rng, sorted(doc)))
        doc[key] = WRONG_JSON[int(rng.integers(0, len(WRONG_JSON)))]
        return "wrong type", _text_file("r.json", json.dumps(_with_checksum(doc)))
    if kind == 3:
        del doc[str(_pick(rng, sorted(doc)))]
        return "missing key", _text_file("r.json", json.dumps(_with_checksum(doc)))
    if kind == 4:
        seed = _pick(rng, ["-1", str(2**64), "9" * 5000, "1e400", "-0", "NaN"])
        raw = json.dumps(_with_checksum(doc)).replace(f'"seed": {doc["seed"]}', f'"seed": {seed}')
        return "seed out of range", _text_file("r.json", raw)
    if kind == 5:
        return "level path elsewhere", _replay_pointing(doc, str(_pick(rng, 
            ["/dev/zero", "folder", "fifo", "missing", "/etc/passwd", "../../../../etc/hostname", "huge_sparse"])))
    if kind == 6:
        depth = int(_pick(rng, [100, 1000, 100000]))
        raw = json.dumps(_with_checksum(doc))[:-1] + ', "x": ' + _deep("[", "]", depth) + "}"
        return "deep nesting", _text_file("r.json", raw)
    if kind == 7:
        cmds = doc.get("commands") or [{"kind": "SetAutopilot", "tick": 0, "on": True}]
        proto = cmds[0]
        n = int(_pick(rng, [1, 1000, 20000]))
        field = str(_pick(rng, sorted(proto)))
        bad = dict(proto, **{field: WRONG_JSON[int(rng.integers(0, len(WRONG_JSON)))]})
        doc["commands"] = [bad] * n
        return "bad commands", _text_file("r.json", json.dumps(_with_checksum(doc)))
    if kind == 8:
        lv = doc.get("level", {})
        if isinstance(lv, dict) and isinstance(lv.get("toml"), str):
            label, mutated = _level_mutation(rng, lv["toml"], int(rng.integers(0, 12)))
            if isinstance(mutated, str):
                import hashlib

                lv["toml"] = mutated
                lv["sha256"] = hashlib.sha256(mutated.encode("utf-8", "surrogatepass")).hexdigest()
        return "broken embedded level", _text_file("r.json", json.dumps(_with_checksum(doc)))
    doc["end_tick"] = int(_pick(rng, [-1, 0, 10**9, 2**70]))
    doc["hashes"] = [[int(rng.integers(-5, 50)), "x"] for _ in range(int(rng.integers(0, 5)))]
    return "ticks out of order", _text_file("r.json", json.dumps(_with_checksum(doc)))


def _replay_pointing(doc: dict, where: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        target = where
        if where in SPECIALS or where == "folder":
            target = str(_special(where, ".toml")(folder))
        d = json.loads(json.dumps(doc))
        d["level"].pop("toml", None)
        d["level"]["path"] = target
        path = folder / "r.json"
        path.write_text(json.dumps(_with_checksum(d)), encoding="utf-8")
        return path

    return build


def replay_cases(seed: int, count: int, base_replay: Path) -> list[Case]:
    rng = np.random.default_rng(seed)
    base = json.loads(base_replay.read_text(encoding="utf-8"))
    cases = [Case("replay", f"special: {s}", _special(s, ".json")) for s in SPECIALS]
    for i in range(count):
        label, build = _replay_mutation(rng, base, i)
        cases.append(Case("replay", label, build))
    return cases


# ------------------------------------------------------------------ settings

def settings_cases(seed: int, count: int) -> list[Case]:
    from game.settings import Settings

    rng = np.random.default_rng(seed)
    base = json.loads(Settings().to_json())
    cases = [Case("settings", f"special: {s}", _special(s, ".json")) for s in SPECIALS]
    for i in range(count):
        kind = i % 7
        doc = json.loads(json.dumps(base))
        if kind == 0:
            label, raw = "truncated", _truncate(rng, json.dumps(doc).encode())
        elif kind == 1:
            label, raw = "byte flips", _flip(rng, json.dumps(doc).encode())
        elif kind == 2:
            doc[str(_pick(rng, sorted(doc)))] = WRONG_JSON[int(rng.integers(0, len(WRONG_JSON)))]
            label, raw = "wrong type", json.dumps(doc).encode()
        elif kind == 3:
            label, raw = "deep nesting", ('{"keys": ' + _deep("[", "]", int(_pick(rng, [50, 1000, 100000]))) + "}").encode()
        elif kind == 4:
            label, raw = "huge number", json.dumps(doc).replace("0.8", str(_pick(rng, ["9" * 5000, "1e999", "-1e999"])), 1).encode()
        elif kind == 5:
            doc["keys"] = {str(k): str(_pick(rng, ["", "x" * 1000, "space", "\x00"])) for k in range(int(rng.integers(0, 5000)))}
            label, raw = "odd key bindings", json.dumps(doc).encode()
        else:
            label, raw = "random bytes", rng.bytes(int(rng.integers(0, 300)))
        cases.append(Case("settings", label, _text_file("settings.json", raw)))
    return cases


# ------------------------------------------------------------------ Tiled

def _tmj_base() -> dict:
    return json.loads((DATA / "tiled19_class.tmj").read_text(encoding="utf-8"))


def _tmx_base() -> str:
    return (DATA / "tiled" / "closet_zlib.tmx").read_text(encoding="utf-8")


BOMB_MB = 512


@functools.lru_cache(maxsize=None)
def _bomb(compression: str) -> str:
    """About 0.5 MB of base64 that inflates to BOMB_MB megabytes of zero tiles.

    One megabyte of zeros is deflated once, ending on a full flush so the block
    can be repeated as it is. The zlib checksum of n zeros is (n mod 65521) << 16 | 1;
    the gzip one is left 0: a reader that checks it has already inflated it all."""
    block = b"\x00" * (1024 * 1024)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush()
    size = BOMB_MB << 20
    adler = ((size % 65521) << 16) | 1
    body = piece * BOMB_MB + tail
    if compression == "gzip":
        data = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + body + struct.pack("<II", 0, size & 0xFFFFFFFF)
    else:
        data = b"\x78\xda" + body + struct.pack(">I", adler)
    return base64.b64encode(data).decode()


def _tiled_mutation(rng: np.random.Generator, i: int) -> tuple[str, Callable[[Path], Path]]:
    kind = i % 14
    doc = _tmj_base()
    layer = doc["layers"][0]
    if kind == 0:
        return "truncated", _text_file("m.tmj", _truncate(rng, json.dumps(doc).encode()))
    if kind == 1:
        return "byte flips", _text_file("m.tmj", _flip(rng, json.dumps(doc).encode()))
    if kind == 2:
        target = _pick(rng, ["tilewidth", "tileheight", "width", "height"])
        holder = doc if rng.random() < 0.5 else layer
        holder[str(target)] = WRONG_JSON[int(rng.integers(0, len(WRONG_JSON)))] if rng.random() < 0.6 else 0
        return "bad size", _text_file("m.tmj", json.dumps(doc))
    if kind == 3:
        objs = [o for lyr in doc["layers"] for o in lyr.get("objects", [])]
        obj = objs[int(rng.integers(0, len(objs)))]
        obj[str(_pick(rng, ["x", "y", "width", "height"]))] = WRONG_JSON[int(rng.integers(0, len(WRONG_JSON)))]
        return "bad object position", _text_file("m.tmj", json.dumps(doc))
    if kind == 4:
        return "external reference", _tiled_reference(doc, str(_pick(rng, 
            ["/dev/zero", "folder", "fifo", "missing", "../outside.tsj", "/etc/passwd", "huge_sparse", "symlink_out"])),
            str(_pick(rng, ["tileset", "template"])))
    if kind == 5:
        depth = int(_pick(rng, [100, 1000, 100000]))
        raw = json.dumps(doc)[:-1] + ', "x": ' + _deep("[", "]", depth) + "}"
        return "deep JSON", _text_file("m.tmj", raw)
    if kind == 6:
        depth = int(_pick(rng, [50, 500, 5000]))
        group = '{"type": "group", "name": "g", "opacity": 1, "visible": true, "x": 0, "y": 0, "layers": ['
        raw = json.dumps(doc)[:-1].replace('"layers": [', '"layers": [' + group * depth + "]}" * depth + ", ", 1) + "}"
        return "deep group layers", _text_file("m.tmj", raw)
    if kind == 7:
        text = _tmx_base()
        return "XML not well formed", _text_file("m.tmx", text[: int(rng.integers(1, len(text)))] + _pick(rng, ["", "<", "&", "</map>"]))
    if kind == 8:
        laughs = '<!DOCTYPE map [<!ENTITY a "aaaaaaaaaa">' + "".join(
            f'<!ENTITY {chr(98 + k)} "' + f"&{chr(97 + k)};" * 10 + '">' for k in range(9)) + "]>"
        text = _tmx_base().replace("<map ", laughs + "\n<map ", 1).replace('name="Quarters"', 'name="&j;"', 1)
        return "XML entity expansion", _text_file("m.tmx", text)
    if kind == 9:
        ext = '<!DOCTYPE map [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        text = _tmx_base().replace("<map ", ext + "\n<map ", 1).replace('name="Quarters"', 'name="&x;"', 1)
        return "XML external entity", _text_file("m.tmx", text)
    if kind == 10:
        compression = str(_pick(rng, ["zlib", "gzip"]))
        layer.update(encoding="base64", compression=compression, data=_bomb(compression))
        return "decompression bomb", _text_file("m.tmj", json.dumps(doc))
    if kind == 11:
        doc["infinite"] = True
        data = layer.pop("data")
        layer["chunks"] = [{"x": int(_pick(rng, [0, -10**9, 10**9])), "y": 0, "width": layer["width"], "height": layer["height"], "data": data}]
        layer["startx"], layer["starty"] = 0, 0
        if rng.random() < 0.5:
            layer["chunks"].append(dict(layer["chunks"][0], x=int(_pick(rng, [10**6, 2**31 - 16])), y=int(_pick(rng, [10**6, 5]))))
        return "infinite map far out", _text_file("m.tmj", json.dumps(doc))
    if kind == 12:
        doc["orientation"] = str(_pick(rng, ["isometric", "staggered", "hexagonal", "sideways", 7]))
        return "not orthogonal", _text_file("m.tmj", json.dumps(doc))
    key = str(_pick(rng, sorted(doc)))
    doc[key] = WRONG_JSON[int(rng.integers(0, len(WRONG_JSON)))]
    return "wrong type", _text_file("m.tmj", json.dumps(doc))


def _tiled_reference(doc: dict, where: str, what: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        maps = folder / "maps"
        maps.mkdir()
        if where == "../outside.tsj":
            (folder / "outside.tsj").write_text(json.dumps(dict(doc["tilesets"][0], firstgid=None)), encoding="utf-8")
            target = where
        elif where == "symlink_out":
            (maps / "link.tsj").symlink_to("/etc/hostname")
            target = "link.tsj"
        elif where in SPECIALS:
            target = str(_special(where, ".tsj")(maps))
        else:
            target = where
        d = json.loads(json.dumps(doc))
        if what == "tileset":
            d["tilesets"] = [{"firstgid": 1, "source": target}]
        else:
            d["layers"][1]["objects"][0]["template"] = target
        path = maps / "m.tmj"
        path.write_text(json.dumps(d), encoding="utf-8")
        return path

    return build


def tiled_cases(seed: int, count: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = [Case("tiled", f"special: {s}", _special(s, ".tmj")) for s in SPECIALS]
    for i in range(count):
        label, build = _tiled_mutation(rng, i)
        cases.append(Case("tiled", label, build))
    return cases


# ------------------------------------------------------------------ measuring (python -m tests.fuzz_cases)

TIME_LIMIT_S = 10.0
KIND_COMMANDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "level": (
        ("validate", "{f}"), ("sim", "{f}", "--until", "1"), ("convert", "{f}", "{out}/out.tmj"),
        ("play", "{f}", "--screenshot", "{out}/shot.png"), ("edit", "{f}"),
        ("batch", "{f}", "--runs", "1", "--workers", "1", "--until", "1"),
    ),
    "replay": (("replay", "{f}", "--verify"), ("replay", "{f}"), ("report", "{f}", "-o", "{out}/r.html", "--no-snapshots", "--no-compare")),
    "settings": (("settings", "{f}"),),
    "tiled": (("convert", "{f}", "{out}/out.toml"), ("edit", "{f}")),
}


def _child(argv: list[str]) -> int:
    """In a forked child: run one command; exit 99 on an uncaught exception."""
    import resource
    import traceback

    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
    try:
        if argv[0] == "settings":
            from game import settings

            loaded = settings.load(Path(argv[1]))
            if loaded.message:
                print(loaded.message)
            return 1 if loaded.message else 0
        import game.app
        import game.view.scenes.replay

        game.app.run_app = lambda *a, **k: 0  # `edit`, `play` and `replay` stop at the window
        game.view.scenes.replay.run_viewer = lambda *a, **k: 0
        from game.cli import main

        return main(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    except BaseException:
        traceback.print_exc()
        return 99


CONFIRM_HANG_S = 60.0  # a command past the limit runs again with this long, so a busy machine is not a hang


def run_one(argv: list[str], log: Path, limit_s: float = TIME_LIMIT_S) -> tuple[str, str]:
    """(outcome, output) of one command in a child process with a time limit."""
    outcome, text = _run_child(argv, log, limit_s)
    if outcome == "hang" and limit_s < CONFIRM_HANG_S:
        again, text = _run_child(argv, log, CONFIRM_HANG_S)
        outcome = "hang" if again == "hang" else f"slow {again}"
    return outcome, text


def _run_child(argv: list[str], log: Path, limit_s: float) -> tuple[str, str]:
    import signal
    import time

    pid = os.fork()
    if pid == 0:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        rc = 99
        try:
            rc = _child(argv)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(rc if isinstance(rc, int) and 0 <= rc < 256 else 98)
    deadline = time.monotonic() + limit_s
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "hang", log.read_text(errors="replace")[-400:]
        time.sleep(0.01)
    out = log.read_text(errors="replace")
    if os.WIFSIGNALED(status):
        return "traceback", f"killed by signal {os.WTERMSIG(status)}"
    rc = os.WEXITSTATUS(status)
    if rc == 0:
        return "accepted", out
    if rc in (1, 2) and "Traceback" not in out:
        return ("refused" if Path(argv[1]).name in out or argv[0] == "settings" and out.strip() else "unclear"), out
    return "traceback", out[-600:]


WORST = ("hang", "traceback", "unclear", "refused", "accepted")


def measure(cases: list[Case], work: Path, verbose: bool = False) -> dict[str, dict[str, int]]:
    """Counts per kind: tried and the worst outcome of any command on each file."""
    import game.app  # imported once here, so each forked child starts with the game loaded
    import game.cli
    import game.settings
    import game.view.scenes.replay  # noqa: F401

    counts: dict[str, dict[str, int]] = {}
    slow = 0
    for n, case in enumerate(cases):
        folder = work / f"case{n}"
        folder.mkdir()
        out = folder / "out"
        out.mkdir()
        try:
            path = case.build(folder)
        except OSError as exc:
            print(f"skip {case.label}: {exc}")
            continue
        outcomes = []
        for template in KIND_COMMANDS[case.kind]:
            argv = [a.format(f=path, out=out) for a in template]
            outcome, text = run_one(argv, folder / "log.txt")
            if outcome.startswith("slow "):  # answered, only later than 10 s on a loaded machine
                slow += 1
                outcome = outcome[5:]
            outcomes.append(outcome)
            if verbose and outcome in ("hang", "traceback", "unclear"):
                print(f"[{case.kind}] {case.label}: {' '.join(argv[:1])}: {outcome}: {text.strip().splitlines()[-1:] if text.strip() else ''}")
        worst = min(outcomes, key=WORST.index)
        if worst == "accepted" and "refused" in outcomes:
            worst = "refused"
        c = counts.setdefault(case.kind, dict.fromkeys(("tried",) + WORST, 0))
        c["tried"] += 1
        c[worst] += 1
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    if slow:
        print(f"{slow} command(s) took more than {TIME_LIMIT_S:g} s but answered within {CONFIRM_HANG_S:g} s (machine load)")
    return counts


if __name__ == "__main__":
    import sys
    import tempfile

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    kinds = sys.argv[1:] or ["level", "replay", "settings", "tiled"]
    sizes = {"level": 830, "replay": 130, "settings": 30, "tiled": 100}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases: list[Case] = []
        if "level" in kinds:
            cases += level_cases(20, sizes["level"])
        if "replay" in kinds:
            cases += replay_cases(20, sizes["replay"], record_replay(work))
        if "settings" in kinds:
            cases += settings_cases(20, sizes["settings"])
        if "tiled" in kinds:
            cases += tiled_cases(20, sizes["tiled"])
        for kind, c in measure(cases, work, verbose=True).items():
            print(kind, c)
