"""`pip install .` gives a working game: every package and data file is listed.

`.ci/run` also installs the project into a fresh environment and runs the
installed `breach-protocol` command; these tests catch the usual way that
breaks (a new subpackage or data folder nobody listed) in a second.
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from game import paths
from game.sim import compiled

ROOT = Path(__file__).resolve().parent.parent
SETUP = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_code_folder_is_an_installed_package():
    on_disk = {
        ".".join(d.relative_to(ROOT).parts)
        for d in (ROOT / "game").rglob("*")
        if d.is_dir() and "__pycache__" not in d.parts and compiled.FOLDER not in d.parts and any(d.glob("*.py"))
    } | {"game"}
    listed = {p for p in SETUP["packages"] if not p.startswith("game._data")}
    assert listed == on_disk


def test_levels_and_assets_go_into_the_package_with_every_file():
    for package, folder in SETUP["package-dir"].items():
        patterns = SETUP["package-data"][package]
        files = [f.name for f in (ROOT / folder).iterdir() if f.is_file() and not f.name.startswith(".")]
        missed = [f for f in files if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
        assert files and not missed, f"{folder}: {missed or 'empty'}"


def test_a_checkout_reads_its_own_levels_and_assets():
    assert paths.LEVELS_DIR == ROOT / "levels"
    assert paths.DEFAULT_LEVEL.is_file() and paths.THEME_PATH.is_file()
    assert {p.name for p in paths.SOUNDS_DIR.glob("*.wav")} >= {"klaxon.wav", "hiss.wav"}


def test_extras_files_hold_only_plain_requirement_lines():
    # setuptools cannot read `-r other.txt` lines: an extra that points at such a file breaks `pip install .`
    dynamic = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["dynamic"]
    files = dynamic["dependencies"]["file"] + [f for extra in dynamic["optional-dependencies"].values() for f in extra["file"]]
    for name in files:
        lines = [ln.strip() for ln in (ROOT / name).read_text().splitlines() if ln.strip() and not ln.startswith("#")]
        assert lines and not any(ln.startswith("-") for ln in lines), name


def test_the_wheel_builds_every_compiled_module():
    # setup.py hands game.sim.compiled's list to setuptools, which pip runs with these
    # requirements (.ci/run installs the wheel and checks that its game runs them compiled)
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    assert any(r.startswith("Cython==") for r in build) and any(r.startswith("setuptools") for r in build)
    for name in compiled.COMPILED:
        assert ROOT.joinpath(*name.split(".")).with_suffix(".py").is_file(), name
