"""The after-action report: one self-contained HTML page from a replay.

It re-simulates the replay (so it shows what the simulation says happened,
not what a file claims), sampling pressures and saturations, taking map
snapshots with the game's own renderer at key moments, and scoring the run;
then it runs the autopilot on the same level and seed for comparison.
Charts are inline SVG from matplotlib; snapshots are base64 PNGs; the CSS is
inline. Nothing is fetched when the page is opened.

The page uses two things from the layers above training, passed in by the
caller (game.training_app): the comms log's words for events, and the game's
renderer for the map snapshots.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import matplotlib
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from game import __version__
from game.atomicfile import write_atomic
from game.sim import events as E
from game.sim.words import mission_clock
from game.sim.world import TICK_S, World, state_hash
from game.training.moments import EventWords, Moment, decision_counts, moments
from game.training.replay import Playback, Replay
from game.training.runs import run_unattended
from game.training.scoring import Score, score
from game.training.tracker import Tracker

MAX_SNAPSHOTS = 6
MIN_SNAPSHOT_GAP_S = 20.0
MAX_TIMELINE = 300
MAX_SAMPLES = 400


@dataclass
class Samples:
    """Pressures by room and saturations by person, at regular ticks."""

    ticks: list[int] = field(default_factory=list)
    room_labels: list[str] = field(default_factory=list)
    room_pressure_bar: list[np.ndarray] = field(default_factory=list)
    spo2: list[np.ndarray] = field(default_factory=list)

    def take(self, world: World) -> None:
        if not self.room_labels:
            self.room_labels = [r.label for r in world.level.rooms]
        c = world.compartments
        p = c.pressure_bar
        vals = np.zeros(len(world.level.rooms))
        for i, r in enumerate(world.level.rooms):
            k = c.index_at(*r.at)
            vals[i] = float(p[k]) if k >= 0 else 0.0
        self.ticks.append(world.tick)
        self.room_pressure_bar.append(vals)
        self.spo2.append(world.bodies.spo2.copy())


@dataclass
class Snapshot:
    tick: int
    caption: str
    png: bytes


@dataclass
class Analysis:
    replay: Replay
    world: World
    score: Score
    samples: Samples
    snapshots: list[Snapshot]
    moments: list[Moment]
    autopilot: Score | None
    autopilot_world: World | None
    autopilot_note: str
    faithful: bool = True  # the re-simulation ended in the recorded final state


# A map picture of the world as the game draws it, as PNG bytes.
Snapshotter = Callable[[World], bytes]


def analyse(
    replay: Replay,
    describe: EventWords,
    snapshot: Snapshotter | None = None,
    compare: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Analysis:
    """Re-simulate the replay and gather everything the page shows (map snapshots only given a `snapshot`)."""
    say = progress or (lambda _m: None)
    snapshots = snapshot is not None
    pb = Playback(replay, snapshot_every_ticks=10**9)
    world = pb.world
    tracker = Tracker(world)
    samples = Samples()
    every = max(10, int(np.ceil(replay.end_tick / MAX_SAMPLES / 10.0)) * 10)
    shots: list[Snapshot] = []
    seen_events = 0
    last_shot_s = -1e9
    breach_shot_done = False
    say(f"re-simulating {replay.end_time_s:.0f} s of {replay.level_name}")
    samples.take(world)

    def shoot(caption: str) -> None:
        nonlocal last_shot_s
        if not snapshots or len(shots) >= MAX_SNAPSHOTS - 1:
            return
        if world.time_s - last_shot_s < MIN_SNAPSHOT_GAP_S:
            return
        last_shot_s = world.time_s
        shots.append(Snapshot(world.tick, f"{mission_clock(world.time_s, world.breach_time_s)}  {caption}", snapshot(world)))

    while not pb.at_end:
        pb.step()
        world = pb.world
        tracker.observe()
        if world.tick % every == 0:
            samples.take(world)
        if snapshots and len(world.events) > seen_events:
            new = world.events[seen_events:]
            seen_events = len(world.events)
            for e in new:
                if isinstance(e, (E.EquipmentFailed, E.ConditionWorsened)):
                    shoot(f"instructor inject: {e.person}")
                elif isinstance(e, E.PersonStateChanged) and e.state == "dead":
                    shoot(f"{e.person} has died")
                elif isinstance(e, E.PersonStateChanged) and e.state == "unconscious":
                    shoot(f"{e.person} lost consciousness")
                elif isinstance(e, E.BreachOpened) and breach_shot_done:
                    shoot(f"a new breach at {e.section or f'{e.x},{e.y}'}")
        if (
            snapshots
            and not breach_shot_done
            and world.breach_time_s is not None
            and world.time_s >= world.breach_time_s + 10
        ):
            breach_shot_done = True
            shoot("ten seconds after the breach")
    if samples.ticks[-1] != world.tick:
        samples.take(world)
    final = score(world, tracker)
    faithful = state_hash(world) == replay.final_hash
    if not faithful:
        say("warning: this build does not re-simulate the replay to its recorded final state (see replay --verify)")
    if snapshots:
        shots.append(Snapshot(world.tick, f"{mission_clock(world.time_s, world.breach_time_s)}  end of the run", snapshot(world)))

    ap_score = None
    ap_world = None
    if not compare:
        note = "Comparison with the autopilot was not requested."
    else:
        say("running the autopilot on the same seed")
        run = run_unattended(replay.level, replay.seed, replay.end_time_s, autopilot=True, to_the_end=False)
        ap_score, ap_world = run.score, run.world
        note = f"The autopilot played the same level with the same seed for the same {replay.end_time_s:.0f} s."
    return Analysis(replay, world, final, samples, shots, moments(world, describe, exercise=replay.exercise), ap_score, ap_world, note, faithful)


# ------------------------------------------------------------------ charts
def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _figure(w: float, h: float) -> Figure:
    fig = Figure(figsize=(w, h), dpi=100)
    fig.patch.set_facecolor("#ffffff")
    return fig


def _minutes(a: Analysis) -> np.ndarray:
    base = a.world.breach_time_s or 0.0
    return (np.array(a.samples.ticks) * TICK_S - base) / 60.0


def _marks(ax, a: Analysis) -> None:
    """Dotted lines where the instructor injected something."""
    base = a.world.breach_time_s or 0.0
    for m in a.moments:
        if m.who == "instructor":
            ax.axvline((m.time_s - base) / 60.0, color="#c0392b", linestyle=":", linewidth=1)


def pressure_chart(a: Analysis) -> str:
    """One line per group of rooms that shared a pressure history."""
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "pressure", "font.size": 9}):
        x = _minutes(a)
        data = np.array(a.samples.room_pressure_bar)  # [t, room]
        groups: list[tuple[list[str], np.ndarray]] = []
        for i, label in enumerate(a.samples.room_labels):
            col = data[:, i]
            for names, series in groups:
                if np.allclose(series, col, atol=2e-3):
                    names.append(label)
                    break
            else:
                groups.append(([label], col))
        fig = _figure(9.5, 4.2)
        ax = fig.add_subplot(1, 1, 1)
        cmap = matplotlib.colormaps["turbo"]
        for k, (names, series) in enumerate(groups):
            label = (
                names[0]
                if len(names) == 1
                else f"{names[0]} +{len(names) - 1} ({', '.join(names[1:3])}{'...' if len(names) > 3 else ''})"
            )
            ax.plot(x, series, color=cmap(k / max(1, len(groups) - 1)), linewidth=1.4, label=label)
        _marks(ax, a)
        ax.set_title("Compartment pressure by room")
        ax.set_xlabel("minutes after the breach")
        ax.set_ylabel("pressure (bar)")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(
            loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=7, ncol=1 if len(groups) <= 16 else 2, frameon=False
        )
        return _svg(fig)


def saturation_chart(a: Analysis) -> str:
    """Every person's SpO2 as a heat strip, worst at the top."""
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "spo2", "font.size": 8, "svg.image_inline": True}
    ):
        x = _minutes(a)
        data = np.array(a.samples.spo2).T * 100.0  # [person, t]
        names = [p.name for p in a.world.people]
        order = np.argsort(data.min(axis=1), kind="stable")
        data = data[order]
        names = [names[i] for i in order]
        cmap = LinearSegmentedColormap.from_list(
            "spo2", ["#2b0a3d", "#b5172b", "#f39c12", "#f4e04d", "#cfe8cf", "#2e8b57"]
        )
        fig = _figure(9.5, max(2.5, 0.19 * len(names) + 1.2))
        ax = fig.add_subplot(1, 1, 1)
        extent = (float(x[0]), float(x[-1]) if len(x) > 1 else float(x[0]) + 1, len(names) - 0.5, -0.5)
        im = ax.imshow(data, aspect="auto", cmap=cmap, vmin=40, vmax=100, extent=extent, interpolation="nearest")
        ax.set_yticks(range(len(names)))
        ax.set_yticklabels(names)
        _marks(ax, a)
        ax.set_title("Blood oxygen saturation (SpO2 %) of each person")
        ax.set_xlabel("minutes after the breach")
        cb = fig.colorbar(im, ax=ax, fraction=0.03, pad=0.01)
        cb.set_label("SpO2 %")
        return _svg(fig)


def targets_chart(a: Analysis) -> str | None:
    """SpO2 lines for the people the rescue objectives name."""
    names = [n for n in a.score.rescue_times_s]
    if not names:
        return None
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "targets", "font.size": 9}):
        x = _minutes(a)
        data = np.array(a.samples.spo2) * 100.0
        fig = _figure(9.5, 3.2)
        ax = fig.add_subplot(1, 1, 1)
        for n in names:
            p = a.world.person_by_name(n)
            if p is not None:
                ax.plot(x, data[:, p.id], linewidth=1.6, label=n)
        for level, text in ((80, "impaired below"), (60, "loss of consciousness near")):
            ax.axhline(level, color="#888", linestyle="--", linewidth=0.8)
            ax.text(x[0], level + 1, text, fontsize=7, color="#666")
        _marks(ax, a)
        ax.set_ylim(0, 100)
        ax.set_title("SpO2 of the people to be rescued")
        ax.set_xlabel("minutes after the breach")
        ax.set_ylabel("SpO2 %")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower left", fontsize=8, frameon=False)
        return _svg(fig)


# ------------------------------------------------------------------- page
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;background:#eef1f5;color:#1b2430}
header{background:#18202c;color:#f3f5f8;padding:22px 36px}
header h1{margin:0 0 4px;font-size:26px} header .sub{color:#aeb8c6;font-size:14px}
main{max-width:1180px;margin:0 auto;padding:18px 28px 60px}
section{background:#fff;border-radius:8px;padding:16px 22px;margin:18px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:19px;margin:4px 0 12px;color:#18202c}
.big{font-size:44px;font-weight:700;margin:0}
.grade{display:inline-block;font-size:22px;font-weight:700;border-radius:6px;padding:2px 12px;margin-left:12px;color:#fff;vertical-align:middle}
.gA{background:#1e8449}.gB{background:#2e86c1}.gC{background:#b9770e}.gD{background:#ca6f1e}.gF{background:#c0392b}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e7ee;vertical-align:top}
th{background:#f5f7fa;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.bar{background:#e3e7ee;border-radius:3px;height:10px;width:120px;display:inline-block;vertical-align:middle}
.bar span{display:block;height:10px;border-radius:3px;background:#2e86c1}
.note{background:#fff8e1;border-left:4px solid #f1c40f;padding:10px 14px;margin:10px 0;font-size:14px}
.two{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.card{border:1px solid #e3e7ee;border-radius:6px;padding:10px 14px}
.card h3{margin:0 0 6px;font-size:16px}
.tl td.t{font-family:ui-monospace,monospace;white-space:nowrap;color:#5d6d7e}
.who{font-size:11px;text-transform:uppercase;letter-spacing:.04em;border-radius:4px;padding:1px 6px;color:#fff}
.w-trainee{background:#2e86c1}.w-instructor{background:#c0392b}.w-autopilot{background:#7d3c98}.w-sim{background:#7f8c8d}
.s-alarm{color:#c0392b;font-weight:600}.s-warn{color:#9a6a00}.s-good{color:#1e8449}
figure{margin:10px 0 18px} figure img{width:100%;border-radius:6px;border:1px solid #d5dbe3}
figcaption{font-size:13px;color:#5d6d7e;margin-top:4px}
.chart svg{max-width:100%;height:auto}
footer{color:#7f8c8d;font-size:12px;text-align:center;margin-top:30px}
"""


def _esc(s: object) -> str:
    return html.escape(str(s))


def _score_table(sc: Score) -> str:
    rows = []
    for o in sc.objectives:
        pct = 100 * o.fraction
        rows.append(
            f"<tr><td>{_esc(o.description or o.kind)}<br><small>{_esc(o.kind)}, weight {o.weight:g}</small></td>"
            f"<td>{_esc(o.detail)}</td>"
            f"<td class='num'><span class='bar'><span style='width:{pct:.0f}%'></span></span> {pct:.0f} %</td>"
            f"<td class='num'>{o.points:.1f} / {o.max_points:.1f}</td></tr>"
        )
    return (
        "<table class='score'><tr><th>Objective</th><th>What happened</th><th>Achieved</th><th>Points</th></tr>"
        + "".join(rows)
        + f"<tr><th colspan='3'>Total</th><th class='num'>{sc.total:.1f} / 100</th></tr></table>"
    )


def _people_table(a: Analysis) -> str:
    w = a.world
    rows = []
    ap = {p["name"]: p for p in a.autopilot.people} if a.autopilot else {}
    for p in a.score.people:
        if p["state"] == "conscious" and p["injury"] == "none" and p["rescued_s"] is None:
            continue
        other = ap.get(p["name"])
        rows.append(
            f"<tr><td>{_esc(p['name'])}</td><td>{_esc(p['state'])}</td><td>{_esc(p['injury'])}</td>"
            f"<td class='num'>{mission_clock(p['rescued_s'], 0) if p['rescued_s'] is not None else '-'}</td>"
            + (f"<td>{_esc(other['state'])}, {_esc(other['injury'])}</td>" if other else "")
            + "</tr>"
        )
    fine = len(w.people) - len(rows)
    head = (
        "<tr><th>Person</th><th>State at the end</th><th>Hypoxic injury</th><th>In the medical bay at</th>"
        + ("<th>With the autopilot</th>" if ap else "")
        + "</tr>"
    )
    return (
        f"<p>{fine} of {len(w.people)} neither needed rescue nor came to harm. The rest:</p>"
        f"<table>{head}{''.join(rows)}</table>"
        if rows
        else f"<p>All {len(w.people)} came through conscious and unhurt.</p>"
    )


def _comparison(a: Analysis) -> str:
    if a.autopilot is None:
        return f"<div class='note'>{_esc(a.autopilot_note)}</div>"
    label = "Autopilot"
    t, o = a.score, a.autopilot
    rows = []
    for mine, theirs in zip(t.objectives, o.objectives):
        rows.append(
            f"<tr><td>{_esc(mine.description or mine.kind)}</td><td class='num'>{mine.points:.1f}</td><td class='num'>{theirs.points:.1f}</td>"
            f"<td><small>{_esc(theirs.detail)}</small></td></tr>"
        )
    rows.append(f"<tr><th>Total</th><th class='num'>{t.total:.1f}</th><th class='num'>{o.total:.1f}</th><th></th></tr>")
    rows.append(
        f"<tr><td>Alive at the end</td><td class='num'>{t.alive}</td><td class='num'>{o.alive}</td><td></td></tr>"
    )
    for name, ts in t.rescue_times_s.items():
        os_ = o.rescue_times_s.get(name)
        rows.append(
            f"<tr><td>{_esc(name)} in the medical bay</td><td class='num'>{mission_clock(ts, 0) if ts is not None else 'no'}</td>"
            f"<td class='num'>{mission_clock(os_, 0) if os_ is not None else 'no'}</td><td></td></tr>"
        )
    cards = (
        f"<div class='two'><div class='card'><h3>Trainee</h3><p class='big'>{t.total:.1f}<span class='grade g{t.grade}'>{t.grade}</span></p></div>"
        f"<div class='card'><h3>{label}, same seed</h3><p class='big'>{o.total:.1f}<span class='grade g{o.grade}'>{o.grade}</span></p></div></div>"
    )
    note = f"<p>{_esc(a.autopilot_note)}</p>"
    return (
        note
        + cards
        + f"<table><tr><th>Objective</th><th class='num'>Trainee</th><th class='num'>{label}</th><th>{label}: what happened</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def decisions_summary(ms: list[Moment]) -> str:
    """Who decided how much, each counted apart: the trainee's orders, the autopilot's, the instructor's injects."""
    n = decision_counts(ms)
    happened = sum(1 for m in ms if m.who == "sim")
    return (
        f"{n['trainee']} decisions by the trainee, {n['autopilot']} by the autopilot, "
        f"{n['instructor']} instructor injects, {happened} things that happened."
    )


def _timeline(a: Analysis) -> str:
    ms = a.moments
    dropped = 0
    if len(ms) > MAX_TIMELINE:  # keep every decision and every key event, then as many others as fit
        keep = [m for m in ms if m.who != "sim" or m.key]
        room = MAX_TIMELINE - len(keep)
        others = [m for m in ms if not (m.who != "sim" or m.key)]
        chosen = set(id(m) for m in keep + others[: max(0, room)])
        dropped = len(ms) - len(chosen)
        ms = [m for m in ms if id(m) in chosen]
    b = a.world.breach_time_s
    rows = "".join(
        f"<tr><td class='t'>{mission_clock(m.time_s, b)}</td><td><span class='who w-{m.who}'>{_esc(m.seat or m.who)}</span></td>"
        f"<td class='s-{m.severity}'>{_esc(m.text)}</td></tr>"
        for m in ms
    )
    extra = f"<p><small>{dropped} routine lines left out.</small></p>" if dropped else ""
    return (
        f"<p>{_esc(decisions_summary(a.moments))}</p>"
        f"<table class='tl'><tr><th>Clock</th><th>Who</th><th>What</th></tr>{rows}</table>{extra}"
    )


def render_html(a: Analysis, replay_name: str) -> str:
    rep = a.replay
    sc = a.score
    b = a.world.breach_time_s
    charts = [pressure_chart(a), saturation_chart(a)]
    tc = targets_chart(a)
    if tc:
        charts.insert(1, tc)
    shots = (
        "".join(
            f"<figure><img alt='Map at {_esc(s.caption)}' src='data:image/png;base64,{base64.b64encode(s.png).decode('ascii')}'>"
            f"<figcaption>{_esc(s.caption)}</figcaption></figure>"
            for s in a.snapshots
        )
        or "<p>Snapshots were not requested.</p>"
    )
    who = rep.recorded_by or "a run"
    branch = ""
    if rep.branch_of:
        branch = f" A take-over branched from {_esc(rep.branch_of.get('file', '?'))} at tick {_esc(rep.branch_of.get('tick', '?'))}."
    dead = [p["name"] for p in sc.people if p["state"] == "dead"]
    summary = (
        f"{sc.alive} of {len(a.world.people)} alive"
        + (f"; died: {', '.join(dead[:5])}{'...' if len(dead) > 5 else ''}" if dead else "")
        + f". Run length {mission_clock(a.world.time_s, b)} after the breach."
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>After-action report: {_esc(rep.level_name)}, seed {rep.seed}</title>
<style>{CSS}</style></head>
<body>
<header><h1>After-action report: {_esc(rep.level_name)}</h1>
<div class="sub">Replay {_esc(replay_name)}, recorded by {_esc(who)} with game {_esc(rep.game_version)}; seed {rep.seed}; {rep.end_time_s:.0f} s simulated; level {_esc(rep.level_sha256[:12])}.{branch}</div></header>
<main>
{"" if a.faithful else "<div class='note'><b>Warning:</b> this version of the game does not re-simulate the replay to the state it recorded, so what this page shows may differ from what the trainee saw. <code>python main.py replay FILE --verify</code> names the first tick where they part.</div>"}
<section id="score"><h2>Score</h2>
<p class="big" id="total">{sc.total:.1f} / 100<span class="grade g{sc.grade}">{sc.grade}</span></p>
<p>{_esc(summary)}</p>
{_score_table(sc)}
</section>
<section id="autopilot"><h2>Beside the autopilot</h2>{_comparison(a)}</section>
<section id="people"><h2>The crew</h2>{_people_table(a)}</section>
<section id="charts"><h2>Pressure and oxygen</h2>
<p>Dotted red lines mark instructor injects.</p>
{"".join(f"<div class='chart'>{c}</div>" for c in charts)}
</section>
<section id="snapshots"><h2>The map at key moments</h2>{shots}</section>
<section id="timeline"><h2>Timeline of events and decisions</h2>{_timeline(a)}</section>
<footer>Breach Protocol {_esc(__version__)} &middot; every number on this page comes from re-simulating the replay.</footer>
</main></body></html>
"""


def write_report(
    replay: Replay,
    replay_name: str,
    out: str,
    describe: EventWords,
    snapshot: Snapshotter | None = None,
    compare: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Analysis:
    """Analyse the replay and write the page atomically to `out`."""
    a = analyse(replay, describe, snapshot=snapshot, compare=compare, progress=progress)
    write_atomic(out, render_html(a, replay_name))
    return a
