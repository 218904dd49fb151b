"""The campaign: which levels the menu offers, in what order, and what comes next.

Lessons first (each teaches one thing), then the two practice scenarios, then
the campaign: the story's night (Module Four) and what came after it, in the
story's order, which is also the order of rising measured difficulty
(levels/campaign.json, written by benchmarks/campaign_difficulty.py, holds
each one's par time and figures). A level file in the folder that the campaign does not
name (a designer's own) is listed after them; the benchmark station is left
out of the menu on purpose and stays playable from the command line
(`python main.py play levels/stress_station.toml`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from game.levelio.files import UnreadableFile, read_capped
from game.levelio.load import load_level
from game.levelio.problems import LevelError
from game.sim.level import Level
from game.sim.limits import MAX_LEVEL_BYTES

LESSONS = (
    "lesson1_move.toml",
    "lesson2_doors.toml",
    "lesson3_tools.toml",
    "lesson4_rescue.toml",
    "lesson5_life_support.toml",
    "lesson6_overlays.toml",
)
# The story's night and what came after it, in the story's order
# (the scenario story in the shared reference: the night, then "we need to
# inspect every module for secondary impacts" and "how many more could be coming?"):
# - Module Four: the night itself, 0237, the three shut in at the far end.
# - the inspection: the survey Rivera orders as the rescue ends; slow leaks in
#   Module 3 that only it finds, and the reserve Four left.
# - the O2-rich room: a second strike holes Module 3's corridor; the feed that
#   keeps 3-05's three awake runs on what the inspection left of the reserve,
#   and makes their room a fire hazard.
# - the vacuum crossing: Module 3 has lost its last air; two crew hold out in
#   3-04 and the only air-filled way across is a tunnel the survey never reached.
# - the debris field: orbital tracking finds the rest of the swarm coming round
#   again, impacts arriving over time.
# - the cascade: that second pass has Module 3 venting again, and the bulkhead
#   that took a blow on the night gives way mid-rescue -- the near-miss where
#   luck runs out, and the campaign's hardest.
# Each is harder than the one before in campaign.json's figures (the success
# rate never rises; where it stays, the median score falls): they get there by
# their incidents (a two-minute survey, a reserve that lasts under three
# minutes, a tunnel that may hole, more and bigger impacts), and
# tests/test_campaign.py holds this order to the figures.
CAMPAIGN = (
    "module4.toml",
    "campaign2_inspection.toml",
    "campaign4_o2fire.toml",
    "campaign3_vacuum.toml",
    "campaign6_debris.toml",
    "campaign5_cascade.toml",
)
SCENARIOS = ("tutorial.toml", "two_modules.toml") + CAMPAIGN
NOT_IN_MENU = ("stress_station.toml",)  # a speed test, not a game: `python main.py play` opens it
# Par times and measured difficulty, written by benchmarks/campaign_difficulty.py
CAMPAIGN_FILE = "campaign.json"


@dataclass(frozen=True)
class Difficulty:
    """How a scenario went for the autopilot over many seeds, and for nobody acting."""

    seeds: int
    success_rate: float  # won (nobody dead, everyone brought to safety) with >= PASS_SCORE
    rescue_median_s: float | None  # to the last rescue, successful runs
    score_median: float
    score_p10: float
    score_p90: float
    idle_success_rate: float  # nobody giving orders
    idle_score_median: float
    until_s: float | None = None  # runs ended here at the latest (the time limit, or sooner for a long one)

    @property
    def band(self) -> str:
        """The issue's difficulty bands by autopilot success: easy 90-100 %, normal 60-90 %, hard 25-60 %."""
        for cut, word in ((0.9, "easy"), (0.6, "normal"), (0.25, "hard")):
            if self.success_rate >= cut:
                return word
        return "very hard"

    def words(self) -> str:
        """One line for the menu: how often the autopilot succeeds (wins, scoring a pass), and its scores."""
        return (f"{self.band}: the autopilot succeeds in {100 * self.success_rate:.0f} % of {self.seeds} seeds, score "
                f"{self.score_p10:.0f}-{self.score_p90:.0f} (median {self.score_median:.0f})")


@dataclass(frozen=True)
class CampaignScenario:
    file: str
    par_s: float | None = None
    difficulty: Difficulty | None = None


def load_campaign(levels_dir: Path) -> list[CampaignScenario]:
    """The campaign in order, with what campaign.json says of each (nothing if it is missing or damaged)."""
    known: dict[str, dict] = {}
    try:
        data = json.loads(read_capped(Path(levels_dir) / CAMPAIGN_FILE, MAX_LEVEL_BYTES))
        known = {e["file"]: e for e in data.get("scenarios", []) if isinstance(e, dict) and "file" in e}
    except (UnreadableFile, ValueError, AttributeError, TypeError):
        pass  # no figures yet: the menu simply shows none
    out = []
    for name in CAMPAIGN:
        e = known.get(name, {})
        try:
            diff = Difficulty(**e["difficulty"]) if isinstance(e.get("difficulty"), dict) else None
            par = float(e["par_s"]) if e.get("par_s") is not None else None
        except (TypeError, ValueError):
            diff, par = None, None
        out.append(CampaignScenario(name, par, diff))
    return out


@dataclass
class LevelEntry:
    """A level file and either its loaded level or why it could not be loaded."""

    path: Path
    level: Level | None
    error: str = ""
    scenario: CampaignScenario | None = None  # its par time and measured difficulty, if in the campaign

    @property
    def ok(self) -> bool:
        return self.level is not None

    @property
    def title(self) -> str:
        return self.level.meta.name if self.level else self.path.name

    @property
    def is_lesson(self) -> bool:
        return self.path.name in LESSONS


def campaign_rank(name: str) -> tuple[int, int, str]:
    """Where a level file stands in the menu: lessons, then scenarios, then anything else by name."""
    if name in LESSONS:
        return (0, LESSONS.index(name), name)
    if name in SCENARIOS:
        return (1, SCENARIOS.index(name), name)
    return (2, 0, name.lower())


def discover_levels(levels_dir: Path) -> list[LevelEntry]:
    """Every *.toml in `levels_dir` except those kept out of the menu, loaded, in campaign order."""
    files = [f for f in Path(levels_dir).glob("*.toml") if f.name not in NOT_IN_MENU]
    files.sort(key=lambda p: campaign_rank(p.name))
    scenarios = {c.file: c for c in load_campaign(levels_dir)}
    out: list[LevelEntry] = []
    for f in files:
        c = scenarios.get(f.name)
        try:
            out.append(LevelEntry(f, load_level(f), scenario=c))
        except LevelError as exc:
            out.append(LevelEntry(f, None, "\n".join(str(p) for p in exc.problems) or str(exc), c))
        except Exception as exc:  # a loader bug must not take the menu down with it
            out.append(LevelEntry(f, None, f"{f}: could not be read ({type(exc).__name__}: {exc})", c))
    return out


def next_level(levels_dir: Path, level_path: str | Path | None) -> Path | None:
    """The playable level after `level_path` in campaign order; None after the last or off the list."""
    if not level_path:
        return None
    here = Path(level_path).resolve()
    entries = [e for e in discover_levels(levels_dir) if e.ok]
    paths = [e.path.resolve() for e in entries]
    if here in paths:
        i = paths.index(here)
        if i + 1 < len(paths):
            return entries[i + 1].path
    return None
