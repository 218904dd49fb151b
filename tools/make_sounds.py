"""Make the game's sounds from nothing but numpy: `python tools/make_sounds.py [OUT_DIR]`.

Every sound is synthesised from oscillators, filtered noise and envelopes with
a fixed seed, so running this again writes the same bytes. Loops (klaxon,
hiss, lance) are built to repeat without a click: whole numbers of cycles, or
noise cross-faded onto its own start. Output is 16-bit mono WAV at 22.05 kHz,
which pygame's mixer plays everywhere without an extra codec.
"""

from __future__ import annotations

import argparse
import io
import sys
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

RATE = 22050
ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "assets" / "sounds"


@dataclass(frozen=True)
class SoundSpec:
    duration_s: float
    loop: bool
    make: Callable[[np.random.Generator, int], np.ndarray]  # (rng, samples) -> float signal
    what: str


# ------------------------------------------------------------------ building blocks

def _t(n: int) -> np.ndarray:
    return np.arange(n) / RATE


def _noise(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.standard_normal(n)


def _band(signal: np.ndarray, lo_hz: float, hi_hz: float, soft_hz: float = 200.0) -> np.ndarray:
    """Band-pass by shaping the spectrum (smooth edges, no ringing); periodic, so loops stay seamless."""
    spec = np.fft.rfft(signal)
    f = np.fft.rfftfreq(signal.size, 1.0 / RATE)
    rise = np.clip(-(f - lo_hz) / soft_hz, -60.0, 60.0)
    fall = np.clip((f - hi_hz) / soft_hz, -60.0, 60.0)
    gain = 1.0 / (1.0 + np.exp(rise)) / (1.0 + np.exp(fall))
    return np.fft.irfft(spec * gain, signal.size)


def _tilt(signal: np.ndarray, db_per_octave: float) -> np.ndarray:
    """Pink-ish or blue-ish noise: a spectral slope in dB per octave, relative to 1 kHz."""
    spec = np.fft.rfft(signal)
    f = np.maximum(np.fft.rfftfreq(signal.size, 1.0 / RATE), 20.0)
    return np.fft.irfft(spec * (f / 1000.0) ** (db_per_octave / 6.02), signal.size)


def _env(n: int, attack_s: float, release_s: float, curve: float = 2.0) -> np.ndarray:
    """Attack-sustain-release envelope, with a power-law release."""
    e = np.ones(n)
    a = max(1, int(attack_s * RATE))
    r = max(1, int(release_s * RATE))
    e[:a] = np.linspace(0.0, 1.0, a)
    e[-r:] *= np.linspace(1.0, 0.0, r) ** curve
    return e


def _decay(n: int, tau_s: float, start: int = 0) -> np.ndarray:
    e = np.zeros(n)
    k = np.arange(n - start)
    e[start:] = np.exp(-k / (tau_s * RATE))
    return e


def _saw(phase: np.ndarray, harmonics: int = 12) -> np.ndarray:
    """Band-limited sawtooth from its first harmonics (no aliasing buzz)."""
    out = np.zeros_like(phase)
    for k in range(1, harmonics + 1):
        out += np.sin(k * phase) / k
    return out


def _norm(x: np.ndarray, peak: float = 0.9) -> np.ndarray:
    m = float(np.max(np.abs(x))) or 1.0
    return x * (peak / m)


def _loop_crossfade(x: np.ndarray, fade_s: float = 0.25) -> np.ndarray:
    """Make `x` loop: its tail fades into its head (length shrinks by the fade)."""
    f = int(fade_s * RATE)
    head, body, tail = x[:f], x[f:-f] if f else x, x[-f:]
    w = np.sin(np.linspace(0.0, np.pi / 2, f)) ** 2
    mixed = tail * (1 - w) + head * w
    return np.concatenate([body, mixed]) if f else x


# ----------------------------------------------------------------------- the sounds

def klaxon(rng: np.random.Generator, n: int) -> np.ndarray:
    """Two-tone alarm horn: a low and a high note, half a cycle each, with a growl."""
    t = _t(n)
    half = n // 2
    freq = np.where(np.arange(n) < half, 466.0, 622.0)  # B-flat up to E-flat: the classic two-tone horn
    phase = 2 * np.pi * np.cumsum(freq) / RATE
    tone = _saw(phase, 14) + 0.35 * np.sin(phase * 0.5)
    tone = np.tanh(1.8 * tone)  # a horn, not a sine
    # each note swells and stops short: sharp gaps make the alarm read as an alarm
    gate = np.ones(n)
    for start in (0, half):
        seg = np.arange(half)
        gate[start:start + half] = np.clip(seg / (0.02 * RATE), 0, 1) * np.clip((half - seg) / (0.05 * RATE), 0, 1)
    wobble = 1.0 + 0.08 * np.sin(2 * np.pi * 6.0 * t)
    return _norm(tone * gate * wobble, 0.8)


def hiss(rng: np.random.Generator, n: int) -> np.ndarray:
    """Air escaping through a small hole: bright band noise with a slow surge (seamless loop)."""
    extra = int(0.25 * RATE)
    raw = _noise(rng, n + extra)
    body = _band(raw, 1800.0, 9000.0, 600.0) + 0.35 * _band(raw, 300.0, 1500.0, 200.0)
    t = np.arange(n + extra) / RATE
    surge = 1.0 + 0.15 * np.sin(2 * np.pi * 0.7 * t) + 0.07 * np.sin(2 * np.pi * 2.3 * t + 1.0)
    return _norm(_loop_crossfade(body * surge), 0.7)


def lance(rng: np.random.Generator, n: int) -> np.ndarray:
    """Thermal lance: roaring oxygen flame, crackle of burning steel, mains hum (seamless loop)."""
    extra = int(0.2 * RATE)
    m = n + extra
    roar = _band(_tilt(_noise(rng, m), -3.0), 80.0, 2500.0, 150.0)
    crackle = np.zeros(m)
    pops = rng.integers(0, m - 200, size=int(55 * m / RATE))
    for p in pops.tolist():
        k = int(rng.integers(20, 120))
        crackle[p:p + k] += rng.standard_normal(k) * np.exp(-np.arange(k) / (k / 4)) * rng.uniform(0.5, 1.5)
    crackle = _band(crackle, 1500.0, 8000.0, 400.0)
    t = np.arange(m) / RATE
    hum = 0.12 * np.sin(2 * np.pi * 100.0 * t) + 0.05 * np.sin(2 * np.pi * 200.0 * t)
    sig = _norm(roar) * 0.6 + _norm(crackle) * 0.5 + hum
    return _norm(_loop_crossfade(sig, 0.2), 0.75)


def _servo(rng: np.random.Generator, n: int, f0: float, f1: float, run_s: float, clunk_hz: float, weight: float) -> np.ndarray:
    """An electric motor spinning up and down, then the stop hitting home."""
    run = int(run_s * RATE)
    f = np.full(n, f0)
    ramp = np.linspace(0, 1, run)
    f[:run] = f0 + (f1 - f0) * np.sin(np.pi * ramp) ** 0.6
    phase = 2 * np.pi * np.cumsum(f) / RATE
    motor = (_saw(phase, 8) * 0.6 + np.sin(2 * phase) * 0.3) * _env(n, 0.05, 0.0, 1.0)
    motor[run:] = 0.0
    motor[:run] *= _env(run, 0.06, 0.12)
    gear = _band(_noise(rng, n), 2000.0, 6000.0, 500.0) * 0.15
    gear[run:] = 0.0
    gear[:run] *= _env(run, 0.06, 0.12)
    hit = np.zeros(n)
    start = max(0, run - int(0.02 * RATE))
    k = n - start
    tt = np.arange(k) / RATE
    thud = np.sin(2 * np.pi * clunk_hz * tt) * np.exp(-tt / (0.05 + 0.05 * weight))
    ring = np.sin(2 * np.pi * clunk_hz * 4.7 * tt) * np.exp(-tt / 0.18) * 0.25
    click = _band(_noise(rng, k), 800.0, 5000.0, 300.0) * np.exp(-tt / 0.015) * 0.6
    hit[start:] = thud + ring + click
    return _norm(0.45 * _norm(motor + gear) + 0.8 * _norm(hit) * weight, 0.85)


def door_servo(rng: np.random.Generator, n: int) -> np.ndarray:
    """A light sliding door: quick whine and a soft stop."""
    return _servo(rng, n, 180.0, 420.0, 0.55, 140.0, 0.6)


def bulkhead_servo(rng: np.random.Generator, n: int) -> np.ndarray:
    """A pressure bulkhead: slow heavy motor, hydraulic hiss, a deep clang."""
    base = _servo(rng, n, 70.0, 150.0, 1.4, 62.0, 1.0)
    t = _t(n)
    hyd = _band(_noise(rng, n), 600.0, 3500.0, 300.0) * np.clip(1.2 - t / 1.4, 0, 1) * (t < 1.45) * 0.25
    return _norm(base + hyd, 0.9)


def seal_clunk(rng: np.random.Generator, n: int) -> np.ndarray:
    """Locking bolts driving home: two heavy knocks and a ring."""
    out = np.zeros(n)
    for at, f, amp in ((0.0, 90.0, 1.0), (0.12, 75.0, 0.8)):
        s = int(at * RATE)
        k = n - s
        tt = np.arange(k) / RATE
        out[s:] += amp * (np.sin(2 * np.pi * f * tt) * np.exp(-tt / 0.07)
                          + 0.3 * np.sin(2 * np.pi * f * 5.3 * tt) * np.exp(-tt / 0.25)
                          + _band(_noise(rng, k), 500.0, 4000.0, 300.0) * np.exp(-tt / 0.01) * 0.5)
    return _norm(out, 0.9)


def pry(rng: np.random.Generator, n: int) -> np.ndarray:
    """A crowbar working a jammed door: metal groaning under strain, then a scrape."""
    t = _t(n)
    f = 95.0 + 40.0 * np.sin(2 * np.pi * 1.3 * t) + 15.0 * _band(_noise(rng, n), 1.0, 8.0, 2.0)
    phase = 2 * np.pi * np.cumsum(f) / RATE
    groan = np.tanh(2.5 * (_saw(phase, 20))) * _band(_noise(rng, n), 1.0, 30.0, 5.0) * 3.0
    scrape = _band(_noise(rng, n), 1500.0, 6000.0, 400.0) * np.clip((t - 0.7) / 0.1, 0, 1) * np.exp(-np.clip(t - 0.8, 0, None) / 0.2)
    return _norm((groan + scrape * 0.6) * _env(n, 0.05, 0.2), 0.8)


def alert(rng: np.random.Generator, n: int) -> np.ndarray:
    """Medical alert: two short high beeps (someone has lost consciousness)."""
    t = _t(n)
    out = np.zeros(n)
    for start in (0.0, 0.18):
        m = (t >= start) & (t < start + 0.12)
        tt = t[m] - start
        out[m] = np.sin(2 * np.pi * 1320.0 * tt) * np.clip(tt / 0.005, 0, 1) * np.clip((0.12 - tt) / 0.02, 0, 1)
    return _norm(out, 0.6)


def click(rng: np.random.Generator, n: int) -> np.ndarray:
    """A UI button: a short soft tick."""
    t = _t(n)
    return _norm(np.sin(2 * np.pi * 1900.0 * t) * np.exp(-t / 0.008) + 0.3 * _band(_noise(rng, n), 2000, 8000, 500) * np.exp(-t / 0.003), 0.45)


def order(rng: np.random.Generator, n: int) -> np.ndarray:
    """An order acknowledged: a rising two-note chirp."""
    t = _t(n)
    f = np.where(t < 0.06, 880.0, 1175.0)
    phase = 2 * np.pi * np.cumsum(f) / RATE
    return _norm(np.sin(phase) * _env(n, 0.004, 0.05), 0.5)


SOUNDS: dict[str, SoundSpec] = {
    "klaxon": SoundSpec(1.2, True, klaxon, "breach alarm, loops"),
    "hiss": SoundSpec(3.0, True, hiss, "air leaking, loops; volume follows the leak rate"),
    "lance": SoundSpec(2.0, True, lance, "thermal lance cutting, loops"),
    "door_servo": SoundSpec(0.9, False, door_servo, "a room door opening or closing"),
    "bulkhead_servo": SoundSpec(2.0, False, bulkhead_servo, "a bulkhead or hatch moving"),
    "seal_clunk": SoundSpec(0.6, False, seal_clunk, "a bulkhead locking"),
    "pry": SoundSpec(1.2, False, pry, "a crowbar on a jammed door"),
    "alert": SoundSpec(0.4, False, alert, "someone lost consciousness"),
    "click": SoundSpec(0.06, False, click, "a button"),
    "order": SoundSpec(0.16, False, order, "an order acknowledged"),
}


def render(name: str, seed: int = 7) -> np.ndarray:
    """int16 samples of one sound, exactly `duration_s` long."""
    spec = SOUNDS[name]
    n = int(round(spec.duration_s * RATE))
    rng = np.random.default_rng([seed, sum(map(ord, name))])
    x = spec.make(rng, n)
    if x.size != n:  # cross-faded loops come back shorter or longer: resample to length
        x = np.interp(np.linspace(0, x.size - 1, n), np.arange(x.size), x)
    if not spec.loop:  # one-shots start and end in silence, never a click
        f = min(n // 4, int(0.01 * RATE))
        x[-f:] *= np.linspace(1.0, 0.0, f)
        g = min(n // 8, int(0.004 * RATE))
        x[:g] *= np.linspace(0.0, 1.0, g)
    return np.clip(np.round(x * 32767.0), -32768, 32767).astype("<i2")


def wav_bytes(samples: np.ndarray) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())
    return buf.getvalue()


def write_all(out_dir: Path) -> list[Path]:
    """Write every sound into `out_dir` (atomically, file by file); returns the paths."""
    sys.path.insert(0, str(ROOT))
    from game.atomicfile import write_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in SOUNDS:
        path = out_dir / f"{name}.wav"
        write_atomic(path, wav_bytes(render(name)))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default=str(OUT_DIR), help=f"where to write (default {OUT_DIR})")
    args = parser.parse_args(argv)
    for path in write_all(Path(args.out_dir)):
        spec = SOUNDS[path.stem]
        print(f"{path}  {spec.duration_s:.2f} s  {'loop' if spec.loop else 'once'}  {spec.what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
