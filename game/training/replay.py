"""Replays: a run written down as level + seed + command log, with state hashes
along the way so a re-simulation can prove it reproduces the run.

A replay file is one JSON object (see `Replay.to_json`). It carries the
level's canonical TOML text, so it plays back even after the level file has
been edited, and that text's sha256, so a replay and a level file can be
checked against each other. A checksum over the whole content turns any
corruption into a clear message instead of a wrong replay.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from game.levelio.files import UnreadableFile, read_capped, utf8_text
from game import __version__
from game.atomicfile import write_atomic
from game.levelio.load import load_level, parse_and_check
from game.levelio.problems import LevelError
from game.levelio.save import level_to_toml
from game.sim.commands import COMMAND_TYPES, Command, CommandFormatError, command_from_dict
from game.sim.level import Level
from game.sim.limits import seed_problem
from game.sim.world import TICK_S, World, create_world, state_hash, step
from game.training.exercise import ExerciseRecord, exercise_from_dict

FORMAT = "breach-protocol-replay"
FORMAT_VERSION = 1
HASH_EVERY_TICKS = 100  # a state hash every 10 simulated seconds
SNAPSHOT_EVERY_TICKS = 600  # the viewer keeps a copy of the world every minute for quick seeks
MAX_TICKS = 6 * 3600 * 10  # six simulated hours: no exercise runs longer
MAX_SNAPSHOTS = 40


class ReplayError(Exception):
    """A replay file cannot be used; the message says why, for the user."""


def level_text(level: Level) -> str:
    """The level's canonical TOML text: what its content hash is taken over."""
    return level_to_toml(level)


def level_sha256(level: Level) -> str:
    return hashlib.sha256(level_text(level).encode("utf-8")).hexdigest()


def _checksum(body: dict[str, Any]) -> str:
    canon = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canon.encode("ascii")).hexdigest()


@dataclass
class Replay:
    """Everything needed to re-run a recorded exercise, and the hashes to check it by."""

    level: Level
    level_sha256: str
    seed: int
    commands: list[Command]
    hashes: list[tuple[int, str]]  # (tick, state hash) in tick order
    end_tick: int
    final_hash: str
    level_path: str = ""
    game_version: str = __version__
    recorded_by: str = "sim"
    branch_of: dict[str, Any] | None = None  # {"file": ..., "tick": ...} for a take-over
    exercise: ExerciseRecord | None = None  # seats, who gave each command, comms (a networked exercise)
    format_version: int = FORMAT_VERSION

    @property
    def end_time_s(self) -> float:
        return self.end_tick * TICK_S

    @property
    def level_name(self) -> str:
        return self.level.meta.name

    # ---------------------------------------------------------------- writing
    def to_dict(self, embed_level: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = {
            "format": FORMAT,
            "format_version": self.format_version,
            "game_version": self.game_version,
            "recorded_by": self.recorded_by,
            "level": {"name": self.level.meta.name, "path": self.level_path, "sha256": self.level_sha256},
            "seed": self.seed,
            "tick_s": TICK_S,
            "end_tick": self.end_tick,
            "final_hash": self.final_hash,
            "commands": [c.to_dict() for c in self.commands],
            "hashes": [[t, h] for t, h in self.hashes],
        }
        if embed_level:
            body["level"]["toml"] = level_text(self.level)
        if self.branch_of:
            body["branch_of"] = dict(self.branch_of)
        if self.exercise is not None:
            body["exercise"] = self.exercise.to_dict()
        body["checksum"] = _checksum(body)
        return body

    def to_json(self, embed_level: bool = True) -> str:
        return json.dumps(self.to_dict(embed_level), indent=1) + "\n"

    def save(self, path: str | Path, embed_level: bool = True) -> None:
        """Write atomically: an interrupted save never leaves half a replay. The level's
        path is written relative to the replay's folder, where a reader looks for it."""
        write_atomic(path, replace(self, level_path=_path_from(path, self.level_path)).to_json(embed_level))

    # ------------------------------------------------------------ re-running
    def commands_at(self) -> dict[int, list[Command]]:
        out: dict[int, list[Command]] = {}
        for c in self.commands:
            out.setdefault(c.tick, []).append(c)
        return out

    def new_world(self) -> World:
        return create_world(self.level, self.seed)

    def event_ticks(self) -> list[int]:
        return sorted({c.tick for c in self.commands})


# -------------------------------------------------------------------- reading
def _path_from(replay_path: str | Path, level_path: str) -> str:
    """`level_path` (as given, relative to the working folder) as seen from the replay's folder."""
    if not level_path:
        return level_path
    try:
        return os.path.relpath(os.path.abspath(level_path), os.path.dirname(os.path.abspath(replay_path)))
    except ValueError:  # another drive (Windows): no relative path exists
        return os.path.abspath(level_path)


def load_replay(path: str | Path, level_file: str | Path | None = None) -> Replay:
    """Read a replay file; raise ReplayError with a message a user can act on.

    `level_file` (or, when the replay does not embed its level, the path it
    names) must hold the same level content the run was recorded on.
    """
    name = str(path)
    try:
        raw = read_capped(path)  # an ordinary file within the size limit: never /dev/zero or a pipe
    except UnreadableFile as exc:
        raise ReplayError(f"{name}: cannot read the replay: {exc}") from None
    try:
        text = utf8_text(raw)
    except UnicodeDecodeError:
        raise ReplayError(f"{name}: not a replay file (not UTF-8 text); it may be corrupted") from None
    return replay_from_json(text, name, level_file, folder=Path(path).parent)


def replay_from_json(
    text: str, name: str = "<replay>", level_file: str | Path | None = None, folder: Path | None = None
) -> Replay:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = "it ends early (truncated?)" if exc.pos >= len(text.rstrip()) else f"line {exc.lineno}: {exc.msg}"
        raise ReplayError(f"{name}: the replay file is corrupted or truncated: {where}") from None
    except RecursionError:
        raise ReplayError(f"{name}: the replay file is corrupted (nested too deeply)") from None
    except ValueError:  # Python refuses whole numbers of thousands of digits: no replay holds one
        raise ReplayError(f"{name}: the replay file is corrupted (a number thousands of digits long)") from None
    return replay_from_dict(data, name, level_file, folder)


def _need(cond: bool, name: str, what: str) -> None:
    if not cond:
        raise ReplayError(f"{name}: the replay file is corrupted: {what}")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def replay_from_dict(
    data: Any, name: str = "<replay>", level_file: str | Path | None = None, folder: Path | None = None
) -> Replay:
    """A replay from its parsed JSON. A level path it names is read from `folder` (the
    replay's own), never from wherever the reader happens to stand."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ReplayError(f"{name}: not a Breach Protocol replay file")
    version = data.get("format_version")
    if not _is_int(version) or version != FORMAT_VERSION:
        raise ReplayError(
            f"{name}: replay format version {version!r} is not supported (this game reads version {FORMAT_VERSION})"
        )
    checksum = data.get("checksum")
    if checksum is not None:
        body = {k: v for k, v in data.items() if k != "checksum"}
        try:
            good = checksum == _checksum(body)
        except (TypeError, ValueError):
            good = False
        _need(good, name, "its checksum does not match its content")

    lv = data.get("level")
    _need(isinstance(lv, dict), name, "'level' is missing")
    recorded_sha = lv.get("sha256")
    _need(
        isinstance(recorded_sha, str) and re.fullmatch(r"[0-9a-f]{64}", recorded_sha or "") is not None,
        name,
        "the level hash is missing",
    )
    level_path = lv.get("path", "")
    _need(isinstance(level_path, str), name, "'level.path' is not text")
    level = _replay_level(lv, recorded_sha, level_path, name, level_file, folder)

    seed = data.get("seed")
    _need(seed_problem(seed) is None, name, f"'seed': {seed_problem(seed)}")
    tick_s = data.get("tick_s", TICK_S)
    if tick_s != TICK_S:
        raise ReplayError(
            f"{name}: recorded with a {tick_s} s tick; this game runs at {TICK_S} s, so it cannot replay it"
        )
    end_tick = data.get("end_tick")
    _need(_is_int(end_tick) and 0 <= end_tick, name, "'end_tick' is not a tick count")
    if end_tick > MAX_TICKS:
        raise ReplayError(
            f"{name}: the replay claims {end_tick * TICK_S / 3600:.0f} simulated hours, more than any exercise; it is corrupted"
        )
    final_hash = data.get("final_hash")
    _need(isinstance(final_hash, str) and bool(final_hash), name, "'final_hash' is missing")

    raw_cmds = data.get("commands")
    _need(isinstance(raw_cmds, list), name, "'commands' is not a list")
    commands = []
    last = 0
    for i, cd in enumerate(raw_cmds):
        cmd = _command(cd, f"command #{i + 1}", name)
        _need(
            last <= cmd.tick <= end_tick,
            name,
            f"command #{i + 1} is stamped tick {cmd.tick}, out of order or past the end",
        )
        last = cmd.tick
        commands.append(cmd)
    raw_hashes = data.get("hashes")
    _need(isinstance(raw_hashes, list), name, "'hashes' is not a list")
    hashes: list[tuple[int, str]] = []
    last = -1
    for i, h in enumerate(raw_hashes):
        ok = isinstance(h, list) and len(h) == 2 and _is_int(h[0]) and isinstance(h[1], str)
        _need(ok and last < h[0] <= end_tick, name, f"state hash #{i + 1} is malformed or out of order")
        last = h[0]
        hashes.append((h[0], h[1]))
    branch = data.get("branch_of")
    _need(branch is None or isinstance(branch, dict), name, "'branch_of' is malformed")
    game_version = data.get("game_version", "")
    _need(isinstance(game_version, str), name, "'game_version' is not text")
    recorded_by = data.get("recorded_by", "")
    _need(isinstance(recorded_by, str), name, "'recorded_by' is not text")
    exercise = None
    if data.get("exercise") is not None:
        try:
            exercise = exercise_from_dict(data["exercise"], len(commands))
        except ValueError as exc:
            raise ReplayError(f"{name}: the replay file is corrupted: {exc}") from None
    return Replay(
        level=level,
        level_sha256=recorded_sha,
        seed=seed,
        commands=commands,
        hashes=hashes,
        end_tick=end_tick,
        final_hash=final_hash,
        level_path=level_path,
        game_version=game_version,
        recorded_by=recorded_by,
        branch_of=branch,
        exercise=exercise,
    )


def _replay_level(
    lv: dict, recorded_sha: str, level_path: str, name: str, level_file: str | Path | None, folder: Path | None
) -> Level:
    """The level the run was recorded on: the embedded copy, or a file that matches it."""
    embedded = lv.get("toml")
    if level_file is None and embedded is not None:
        _need(isinstance(embedded, str), name, "the embedded level is not text")
        try:
            got = hashlib.sha256(embedded.encode("utf-8")).hexdigest()
        except UnicodeEncodeError:  # JSON can spell half a surrogate pair, which is no text
            raise ReplayError(f"{name}: the replay file is corrupted: the embedded level is not text") from None
        _need(got == recorded_sha, name, "the embedded level does not match its recorded hash")
        level, problems = parse_and_check(embedded, "the embedded level")
        if level is None or problems:  # validated like any level file: the run must not meet what a file could not hold
            first = f"line {problems[0].line}: {problems[0].message}" if problems else "unreadable"
            raise ReplayError(f"{name}: the embedded level is not valid: {first}")
        return level
    if level_file is not None:
        source: str | Path = level_file  # the user's own words, from where they stand
    elif not level_path or folder is None:
        raise ReplayError(f"{name}: the replay does not carry its level; name the level file with --level")
    else:
        source = folder / level_path  # an absolute path stays itself
    # read_capped (under load_level) takes a regular file only: never a device, a pipe or a folder
    try:
        level = load_level(source)
    except LevelError as exc:
        first = exc.problems[0] if exc.problems else exc
        raise ReplayError(f"{name}: cannot load its level: {first}") from None
    got = level_sha256(level)
    if got != recorded_sha:
        raise ReplayError(
            f"{name}: this replay was recorded on a different version of the level than {source} "
            f"(recorded level {recorded_sha[:12]}, file {got[:12]}); it would not play back the same run"
        )
    return level


_TYPE_OK: dict[str, Callable[[Any], bool]] = {
    "int": _is_int,
    "float": lambda v: (_is_int(v) or isinstance(v, float)) and math.isfinite(v),
    "str": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "tuple[int, int]": lambda v: isinstance(v, list) and len(v) == 2 and all(_is_int(c) and abs(c) < 2**31 for c in v),
    "tuple[str, ...]": lambda v: isinstance(v, list) and all(isinstance(c, str) for c in v),
}


def _field_ok(annotation: Any, value: Any) -> bool:
    """Whether a JSON value fits a command field's declared type (unknown types pass)."""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    for opt in (t.strip() for t in text.split("|")):
        if opt == "None":
            if value is None:
                return True
            continue
        check = _TYPE_OK.get(opt)
        if check is None or check(value):
            return True
    return False


def read_command(cd: Any, name: str = "<command>") -> Command:
    """A command from its `to_dict` form, each field checked against its declared type, as a
    replay's are (the network's commands come in this way too); raises ReplayError."""
    return _command(cd, "the command", name)


def _command(cd: Any, which: str, name: str) -> Command:
    _need(isinstance(cd, dict), name, f"{which} is not an object")
    kind = cd.get("type")
    cls = COMMAND_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ReplayError(f"{name}: {which} has type {kind!r}, which this game version does not know")
    _need(_is_int(cd.get("tick")) and cd["tick"] >= 0, name, f"{which} has no tick")
    for f in fields(cls):
        if f.name in cd:
            _need(
                _field_ok(f.type, cd[f.name]),
                name,
                f"{which} ({kind}) has a bad '{f.name}': {cd[f.name]!r:.40}",
            )
        elif f.default is MISSING and f.default_factory is MISSING:  # type: ignore[misc]
            raise ReplayError(f"{name}: the replay file is corrupted: {which} ({kind}) lacks '{f.name}'")
    try:
        return command_from_dict(cd)
    except CommandFormatError as exc:
        raise ReplayError(f"{name}: the replay file is corrupted: {which}: {exc}") from None


# ------------------------------------------------------------------ recording
class Recorder:
    """Watches a world as it runs and writes down what a replay needs.

    Call `observe` after every step (or every frame: hashes land on the first
    tick at or past each interval, whichever ticks those are).
    """

    def __init__(
        self,
        world: World,
        level_path: str = "",
        recorded_by: str = "sim",
        every_ticks: int = HASH_EVERY_TICKS,
        hashes: list[tuple[int, str]] | None = None,
        branch_of: dict[str, Any] | None = None,
    ) -> None:
        self.world = world
        self.level_path = level_path
        self.recorded_by = recorded_by
        self.every_ticks = every_ticks
        self.hashes: list[tuple[int, str]] = list(hashes or [])
        self.branch_of = branch_of
        self.level_sha256 = level_sha256(world.level)
        self.next_due = (world.tick // every_ticks + 1) * every_ticks if self.hashes else world.tick
        self.observe()

    def observe(self) -> None:
        w = self.world
        if w.tick >= self.next_due:
            if not self.hashes or self.hashes[-1][0] < w.tick:
                self.hashes.append((w.tick, state_hash(w)))
            self.next_due = (w.tick // self.every_ticks + 1) * self.every_ticks

    def replay(self) -> Replay:
        w = self.world
        return Replay(
            level=w.level,
            level_sha256=self.level_sha256,
            seed=w.seed,
            commands=list(w.command_log),
            hashes=[h for h in self.hashes if h[0] <= w.tick],
            end_tick=w.tick,
            final_hash=state_hash(w),
            level_path=self.level_path,
            recorded_by=self.recorded_by,
            branch_of=self.branch_of,
        )

    def save(self, path: str | Path) -> Replay:
        rep = self.replay()
        rep.save(path)
        return rep


def run_recorded(
    world: World, until_s: float, recorder: Recorder | None = None, each_tick: Callable[[World], None] | None = None
) -> None:
    """`run_until` that lets a recorder (and anything else) watch every tick."""
    target = round(until_s / TICK_S)
    while world.tick < target:
        step(world)
        if recorder is not None:
            recorder.observe()
        if each_tick is not None:
            each_tick(world)


# ------------------------------------------------------------------ playing back
class Playback:
    """A world moved along a replay's timeline: forward by ticks, or to any tick.

    Seeking re-simulates from the nearest earlier snapshot (copies of the world
    kept as it passes each minute), so any moment is reached the same way the
    run first got there.
    """

    def __init__(self, replay: Replay, snapshot_every_ticks: int = SNAPSHOT_EVERY_TICKS) -> None:
        self.replay = replay
        self.by_tick = replay.commands_at()
        self.snapshot_every = snapshot_every_ticks
        self.world = replay.new_world()
        self._snapshots: dict[int, World] = {}
        self._can_copy = True
        self._keep_snapshot()

    @property
    def tick(self) -> int:
        return self.world.tick

    @property
    def at_end(self) -> bool:
        return self.world.tick >= self.replay.end_tick

    def step(self) -> bool:
        """Advance one tick with the recorded commands; False at the end."""
        if self.at_end:
            return False
        for cmd in self.by_tick.get(self.world.tick, ()):
            self.world.submit(cmd)
        step(self.world)
        if self.world.tick % self.snapshot_every == 0:
            self._keep_snapshot()
        return True

    def run_to(self, tick: int, on_tick: Callable[[World], None] | None = None) -> None:
        tick = max(0, min(tick, self.replay.end_tick))
        while self.world.tick < tick:
            self.step()
            if on_tick is not None:
                on_tick(self.world)

    def seek(self, tick: int) -> World:
        """Put the world at `tick` (clamped to the run), backwards or forwards."""
        self.seek_base(tick)
        self.run_to(tick)
        return self.world

    def seek_base(self, tick: int) -> World:
        """Without stepping, restart from the latest kept world at or before `tick`
        if that is needed (going back) or quicker (far ahead); `run_to` does the rest."""
        tick = max(0, min(int(tick), self.replay.end_tick))
        base = max((t for t in self._snapshots if t <= tick), default=0)
        if tick < self.world.tick or base > self.world.tick:
            self.world = self._copy(self._snapshots[base]) if base else self.replay.new_world()
        return self.world

    def branch(self) -> World:
        """An independent copy of the world now, to play on from (a take-over)."""
        return self._copy(self.world)

    def _keep_snapshot(self) -> None:
        t = self.world.tick
        if not self._can_copy or t in self._snapshots or t == 0:
            return
        if len(self._snapshots) >= MAX_SNAPSHOTS:
            # thin out: keep every other one, so memory stays bounded on long runs
            for k in sorted(self._snapshots)[::2]:
                del self._snapshots[k]
        snap = self._faithful_copy(self.world)
        if snap is None:
            self._snapshots.clear()
        else:
            self._snapshots[t] = snap

    def _faithful_copy(self, world: World) -> World | None:
        """A deep copy with the same state hash, or None (and no more copying)
        if the world cannot be copied exactly: then seeks re-run from tick 0."""
        if not self._can_copy:
            return None
        try:
            dup = copy.deepcopy(world)
            if state_hash(dup) == state_hash(world):
                return dup
        except Exception:
            pass
        self._can_copy = False
        return None

    def _copy(self, world: World) -> World:
        dup = self._faithful_copy(world)
        return dup if dup is not None else self._resimulated(world.tick)

    def _resimulated(self, tick: int) -> World:
        pb = Playback.__new__(Playback)
        pb.replay, pb.by_tick, pb.snapshot_every = self.replay, self.by_tick, self.snapshot_every
        pb.world, pb._snapshots, pb._can_copy = self.replay.new_world(), {}, False
        pb.run_to(tick)
        return pb.world


# -------------------------------------------------------------------- verifying
@dataclass
class Verification:
    ok: bool
    checked: int  # hashes compared
    first_bad_tick: int | None = None
    expected: str = ""
    got: str = ""
    error: str = ""  # the run could not be re-simulated at all
    notes: list[str] = field(default_factory=list)

    def message(self, name: str) -> str:
        if self.error:
            return f"{name}: cannot re-simulate: {self.error}"
        if self.ok:
            return f"{name}: ok, {self.checked} state hashes match"
        t = self.first_bad_tick or 0
        return (
            f"{name}: DIVERGES at tick {t} ({t * TICK_S:.1f} s simulated): "
            f"recorded state {self.expected}, re-simulated {self.got}"
        )


def verify(replay: Replay, progress: Callable[[int, int], None] | None = None) -> Verification:
    """Re-simulate headless and compare every recorded hash, stopping at the first difference."""
    notes = []
    if replay.game_version != __version__:
        notes.append(f"recorded with game version {replay.game_version or '?'}, this is {__version__}")
    checks = list(replay.hashes)
    if not checks or checks[-1][0] != replay.end_tick:
        checks.append((replay.end_tick, replay.final_hash))
    elif checks[-1][1] != replay.final_hash:
        return Verification(
            False,
            0,
            replay.end_tick,
            replay.final_hash,
            checks[-1][1],
            notes=notes + ["the final hash contradicts the last interval hash"],
        )
    try:
        pb = Playback(replay, snapshot_every_ticks=MAX_TICKS + 1)
        for n, (tick, expected) in enumerate(checks):
            pb.run_to(tick)
            got = state_hash(pb.world)
            if got != expected:
                return Verification(False, n, tick, expected, got, notes=notes)
            if progress is not None:
                progress(tick, replay.end_tick)
    except Exception as exc:  # a command this sim cannot carry out: the file and the game disagree
        return Verification(False, 0, error=f"{type(exc).__name__}: {exc}", notes=notes)
    return Verification(True, len(checks), notes=notes)
