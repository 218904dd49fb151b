"""Level files: every problem named with its line, round trips that lose
nothing, saves that never corrupt, and no traceback from any broken file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.cli import main
from game.levelio.load import load_level, parse_level
from game.levelio.problems import LevelError
from game.levelio.save import level_to_toml, save_level
from game.levelio.load import validate_file
from game.sim.world import create_world, run_until

LEVELS = sorted((Path(__file__).resolve().parent.parent / "levels").glob("*.toml"))
MODULE4 = LEVELS[0].parent / "module4.toml"

GOOD = """\
format_version = 1

[meta]
name = "Closet"

[map]
rows = '''
HHHHHH
H....H
H.a..H
HHHHHH
'''

[legend]
"H" = "hull"
"." = "floor"
"a" = "floor"

[[crew]]
name = "Ann"
role = "crew"
at = [2, 2]
"""


def lines_of(problems) -> list[int]:
    return [p.line for p in problems]


def write(tmp_path: Path, text: str, name: str = "level.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_level_validates():
    assert len(LEVELS) >= 3
    for path in LEVELS:
        assert validate_file(path) == [], path


@pytest.mark.parametrize("path", LEVELS, ids=lambda p: p.name)
def test_load_save_load_gives_an_equal_level(path, tmp_path):
    level = load_level(path)
    out = tmp_path / path.name
    save_level(level, out)
    again = load_level(out)
    assert again == level
    assert level_to_toml(again) == out.read_text(encoding="utf-8")


def test_a_good_small_level_loads(tmp_path):
    level = load_level(write(tmp_path, GOOD))
    assert level.meta.name == "Closet"
    assert level.crew[0].at == (2, 2)


def test_every_problem_is_listed_with_its_line(tmp_path, capsys):
    text = GOOD.replace('name = "Closet"', 'name = "Closet"\ntme_limit_s = 60')  # a typo on line 5
    text = text.replace("H.a..H", "H.a.?H")  # map row 2, now on line 11
    text = text.replace('role = "crew"', 'role = "astronaut"')  # line 22
    path = write(tmp_path, text)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert all(line.startswith(f"{path}:") for line in out)
    got = {int(line.split(":")[1]): line for line in out}
    assert "tme_limit_s" in got[5]
    assert "'?'" in got[11] and "legend" in got[11]
    assert "astronaut" in got[22]
    assert len(out) == 3


def test_a_toml_syntax_error_names_its_line(tmp_path, capsys):
    text = GOOD.replace('name = "Ann"', 'name = "Ann')
    path = write(tmp_path, text)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    line = text.splitlines().index('name = "Ann') + 1
    assert f"{path}:{line}:" in out and "TOML" in out


def test_floor_open_to_vacuum_is_a_hole_in_the_habitat(tmp_path):
    path = write(tmp_path, GOOD.replace("H....H\n", "H.....\n"))
    problems = validate_file(path)
    assert any("open to vacuum" in p.message and p.line == 9 for p in problems)


def test_unreadable_files_are_explained_not_raised(tmp_path, capsys):
    binary = tmp_path / "photo.toml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    missing = tmp_path / "nowhere.toml"
    assert main(["validate", str(binary), str(missing), str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "not UTF-8" in out
    assert "cannot read" in out
    assert out.count("\n") == 3


def test_a_newer_format_version_is_refused_clearly(tmp_path):
    problems = validate_file(write(tmp_path, GOOD.replace("format_version = 1", "format_version = 7")))
    assert len(problems) == 1 and "format_version 7" in problems[0].message and problems[0].line == 1


def test_sim_on_a_broken_level_prints_problems_and_exits_1(tmp_path, capsys):
    path = write(tmp_path, GOOD.replace("at = [2, 2]", "at = [40, 2]"))
    assert main(["sim", str(path), "--until", "1"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:" in err and "outside the map" in err


def test_a_failed_save_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = write(tmp_path, GOOD)
    level = load_level(path)
    renamed = level.__class__(**{**level.__dict__, "meta": level.meta.__class__(name="Renamed")})

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        save_level(renamed, path)
    assert path.read_text(encoding="utf-8") == GOOD
    assert [p.name for p in tmp_path.iterdir()] == ["level.toml"]  # no temp file left


def _mutations(text: str):
    lines = text.splitlines()
    return st.one_of(
        st.builds(lambda i: "\n".join(lines[:i] + lines[i + 1 :]), st.integers(0, len(lines) - 1)),
        st.builds(lambda i: text[:i], st.integers(0, len(text))),
        st.builds(
            lambda i, s: text[:i] + s + text[i + 1 :],
            st.integers(0, len(text) - 1),
            st.text(alphabet='[]{}"\'=#.,\n0123456789-abcxyz HB+h', min_size=1, max_size=4),
        ),
        st.builds(lambda i, j: "\n".join(lines[:i] + [lines[j]] + lines[i:]), st.integers(0, len(lines)), st.integers(0, len(lines) - 1)),
        st.text(max_size=200),
    )


MODULE4_TEXT = MODULE4.read_text(encoding="utf-8")
SMALL_TEXT = (LEVELS[0].parent / "tutorial.toml").read_text(encoding="utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_mutations(SMALL_TEXT), _mutations(MODULE4_TEXT)))
def test_no_broken_file_produces_a_traceback(text):
    level, problems, _ = parse_level(text, "broken.toml")
    total_lines = text.count("\n") + 1
    if level is not None:
        from game.levelio.locate import LineIndex
        from game.levelio.validate import check_level

        problems = problems + check_level(level, LineIndex(text), "broken.toml")
    for p in problems:
        assert 0 <= p.line <= total_lines + 1
        assert p.message
    if level is not None and not problems:
        world = create_world(level)  # a file that validates must run
        run_until(world, 1.0)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_are_refused_by_every_command(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "x.toml"
    path.write_bytes(data)
    assert main(["validate", str(path)]) == 1
    assert main(["sim", str(path), "--until", "0"]) == 1


def test_load_level_raises_one_error_listing_all_problems(tmp_path):
    path = write(tmp_path, GOOD.replace('role = "crew"', 'role = "x"\ncondition = "bored"'))
    with pytest.raises(LevelError) as info:
        load_level(path)
    assert len(info.value.problems) == 2


def test_limits_are_refused_in_the_validators_words(tmp_path):
    seed = write(tmp_path, GOOD.replace('name = "Closet"', 'name = "Closet"\nseed = -1'), "seed.toml")
    digits = write(tmp_path, GOOD.replace('name = "Closet"', 'name = "Closet"\nseed = ' + "9" * 5000), "digits.toml")
    deep = write(tmp_path, GOOD + "\nextra = " + "[" * 1000 + "]" * 1000 + "\n", "deep.toml")
    rows = "\n".join(["H" * 600] + ["H" + "." * 598 + "H"] * 3 + ["H" * 600])
    huge = write(tmp_path, GOOD.replace("HHHHHH\nH....H\nH.a..H\nHHHHHH", rows), "huge.toml")
    assert [(p.line, p.message) for p in validate_file(seed)] == [
        (5, "the seed must be a whole number from 0 to 9223372036854775807 (2**63 - 1)")]
    assert [p.line for p in validate_file(digits)] == [5] and "thousands of digits" in validate_file(digits)[0].message
    assert [(p.line, p.message) for p in validate_file(deep)] == [(len(GOOD.splitlines()) + 2, "arrays or tables are nested more than 32 deep")]
    assert "the map is 600 x 5 cells; the limit is 512 on a side" in validate_file(huge)[0].message
    assert validate_file("/dev/zero")[0].message == "is not an ordinary file (a device, pipe or socket)"
    assert validate_file(tmp_path)[0].message == "is a folder, not a file"


def test_a_seed_out_of_range_is_refused_by_every_command_that_takes_one(capsys):
    tutorial = str(LEVELS[0].parent / "tutorial.toml")
    for argv in (["sim", tutorial, "--seed", "-1"], ["play", tutorial, "--seed", "9" * 30]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2  # argparse's usage error, naming the option
        assert "the seed must be a whole number from 0 to 9223372036854775807" in capsys.readouterr().err
    assert main(["batch", tutorial, "--first-seed", "-5", "--runs", "1"]) == 2
    assert "--first-seed -5" in capsys.readouterr().err
