"""The sim's hot loops compiled by Cython: each module named in COMPILED is plain Python with
Cython's annotations (the reference, and the fallback), and this module finds or builds its
compiled twin.

The twin's file name holds a hash of the source and of the build's settings, and the Python
ABI (the interpreter's extension suffix), so a build made from other source is never loaded.
`pip install .` puts the twins in the wheel (setup.py builds them with this module's help);
run from the source tree they are built at first use, in a child process (so the compiler's
memory never sits in the game's), into `__cython__/` beside the source where it can be
written, else the user's cache directory; each built in a temporary folder and moved into
place with os.replace, so concurrent builds (pytest-xdist's workers) cannot tear a file.
With no Cython or no C compiler, or with BREACH_PLAIN_LOOPS=1 in the environment, the plain
modules run: the same results, slower, after one warning on stderr.

Bit for bit what the plain module computes: no fastmath, floating-point contraction off (no
fused multiply-add where the target has one), Python's division and rounding.
"""
from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType, SimpleNamespace

import platformdirs

try:
    import fcntl
except ImportError:  # Windows: concurrent builds each build, os.replace keeps one
    fcntl = None

# The compiled modules: adding a pure-Python module of loops here compiles it too.
COMPILED = (
    "game.sim.gas_kernels", "game.sim.body_kernels", "game.sim.landing_kernels", "game.sim.walk_kernels",
    "game.sim.debris_kernels", "game.sim.wind_kernels",
)

# Bounds and wrap-around checks off (the loops index within their arrays), Python's
# semantics for division and integer overflow kept; C without contraction into FMA.
DIRECTIVES = {"language_level": 3, "boundscheck": False, "wraparound": False, "initializedcheck": False}
CFLAGS = ["-ffp-contract=off", "-g0"]  # and no debug information: a quarter of the size
PLAIN_ENV = "BREACH_PLAIN_LOOPS"  # set to 1: run the plain modules, build nothing
FOLDER = "__cython__"  # beside a package's source, for its twins
_SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]  # the ABI: e.g. .cpython-311-x86_64-linux-gnu.so
# About what a build takes, for the message: the child starting Cython and setuptools, then
# each module (measured: 6 modules in 14 s of wall time, 2 in 11-16 s).
_BUILD_BASE_S, _BUILD_S = 10, 1

# What `import cython` gives the kernels where Cython is not installed: what they call of it
# at run time, doing nothing (annotations are never evaluated: `from __future__ import annotations`).
plain_cython = SimpleNamespace(cfunc=lambda fn: fn, ccall=lambda fn: fn, inline=lambda fn: fn,
                               exceptval=lambda **_: lambda fn: fn, declare=lambda _type, value: value,
                               Py_ssize_t=int, schar=int, double=float, cast=lambda type_, value: type_(value),
                               compiled=False)

_loaded: dict[str, ModuleType] = {}
_warned: list[str] = []


def artifact_name(name: str, source: Path) -> str:
    """The compiled twin's file name: the module's, the hash of its source and the build's
    settings, and the ABI."""
    digest = hashlib.sha256(source.read_bytes())
    digest.update(repr((DIRECTIVES, CFLAGS)).encode())
    return f"{name.rpartition('.')[2]}-{digest.hexdigest()[:16]}{_SUFFIX}"


def cache_roots(source: Path) -> list[Path]:
    """Where twins of `source` are looked for, in order: beside it, then the user's cache."""
    return [source.parent / FOLDER, Path(platformdirs.user_cache_dir("breach-protocol", appauthor=False)) / "compiled"]


def fast(plain: ModuleType) -> ModuleType:
    """The compiled twin of `plain` (a module named in COMPILED), built the first time;
    `plain` itself, after a warning, where it cannot be built."""
    name = plain.__name__
    if name not in COMPILED:
        raise ValueError(f"{name} is not one of the compiled modules {COMPILED}")
    if name not in _loaded:
        twin = None
        if os.environ.get(PLAIN_ENV) == "1":
            _warn(f"{PLAIN_ENV}=1 is set")
        else:
            twin = load(name, Path(plain.__file__))
        _loaded[name] = twin or plain
    return _loaded[name]


def load(name: str, source: Path, roots: list[Path] | None = None) -> ModuleType | None:
    """The twin of module `name` built from `source`, loaded from the first of `roots` that
    holds it, else built (with the other modules of COMPILED missing from its folder) into
    the first writable one; None, after a warning, where it cannot be built."""
    roots = cache_roots(source) if roots is None else roots
    file = artifact_name(name, source)
    found = next((root / file for root in roots if (root / file).is_file()), None)
    why = "" if found else _build(name, source, roots)
    found = found or next((root / file for root in roots if (root / file).is_file()), None)
    if found:
        try:
            return _import(name, found)
        except (ImportError, OSError) as error:  # a build this interpreter cannot load: say so, run plain
            why = f"{found} does not load: {error}"
    _warn(why)
    return None


def _import(name: str, path: Path) -> ModuleType:
    """Load a compiled twin under its module's name (not entered in sys.modules: the plain
    module keeps its place there)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _build(name: str, source: Path, roots: list[Path]) -> str:
    """Build the twins missing for `name` and its fellows in COMPILED of the same package (one
    child process, one message) into the first writable root; '' when they are there, else
    why not. A process finding another building there waits for it, then uses its build."""
    if importlib.util.find_spec("Cython") is None:
        return "Cython is not installed"
    package = name.rpartition(".")[0]
    jobs = [(name, source)] + [(other, source.parent / (other.rpartition(".")[2] + ".py")) for other in COMPILED
                               if other != name and other.rpartition(".")[0] == package]
    for root in roots:
        try:
            root.mkdir(parents=True, exist_ok=True)
            lock = open(root / ".lock", "a")
        except OSError:  # not writable: the next root
            continue
        with lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or its process dies
            missing = [(n, s) for n, s in jobs if s.is_file() and not (root / artifact_name(n, s)).is_file()]
            if not missing:
                return ""
            about_s = _BUILD_BASE_S + _BUILD_S * len(missing)
            print(f"compiling the simulation's loops (once, ~{about_s} s)", file=sys.stderr, flush=True)
            # -P: not this file's folder (game/sim) first on the child's path, where its modules would shadow others
            args = [sys.executable, "-P", __file__, str(root)] + [f"{n}={s}" for n, s in missing]
            done = subprocess.run(args, capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return ""
        lines = (done.stderr or done.stdout).strip().splitlines()
        return "the build failed: " + (lines[-1] if lines else f"exit status {done.returncode}")
    return "nowhere to write the build"


def _warn(why: str) -> None:
    """One line on stderr, once a process, when the plain loops run."""
    if _warned:
        return
    _warned.append(why)
    print(f"warning: the simulation's loops run as plain Python, several times slower (the results are the same)"
          f"{': ' + why if why else ''}", file=sys.stderr, flush=True)


def extensions(jobs: list[tuple[str, Path]], c_dir: Path) -> list:
    """setuptools Extensions of Cython's C (written under c_dir) for (module name, source)
    pairs, each to be built under its twin's file name (by `build_ext_class()`)."""
    from Cython.Build import cythonize  # build time only: Cython and setuptools stay out of the game's process
    from setuptools import Extension
    exts = []
    for name, source in jobs:
        ext = Extension(name, [str(source)], extra_compile_args=CFLAGS)
        [ext] = cythonize([ext], compiler_directives=DIRECTIVES, build_dir=str(c_dir), quiet=True, force=True)
        ext.twin = artifact_name(name, source)
        exts.append(ext)
    return exts


def build_ext_class() -> type:
    """setuptools' build_ext writing each twin as FOLDER/<twin file> in its package's folder."""
    from setuptools.command.build_ext import build_ext

    class BuildTwins(build_ext):
        def get_ext_fullpath(self, ext_name: str) -> str:
            ext = next(e for e in self.extensions if e.name == ext_name)
            package = ext_name.rpartition(".")[0].split(".")
            return os.path.join(self.build_lib, *package, FOLDER, ext.twin)

    return BuildTwins


def _child(root: Path, jobs: list[tuple[str, Path]]) -> None:
    """The build process: compile into a temporary folder inside `root`, then move each twin
    into `root` (atomic), and drop older twins of the same modules from it."""
    from setuptools import Distribution
    with tempfile.TemporaryDirectory(dir=root, prefix=".build-") as tmp:
        copies = []
        for name, source in jobs:  # C and objects land in tmp, not beside the source
            copy = Path(tmp, "src", *name.split(".")[:-1], source.name)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(source.read_bytes())
            copies.append((name, copy))
        exts = extensions(copies, Path(tmp, "c"))
        dist = Distribution({"ext_modules": exts, "script_name": "compiled.py"})
        cmd = build_ext_class()(dist)
        cmd.build_lib, cmd.build_temp = os.path.join(tmp, "lib"), os.path.join(tmp, "tmp")
        cmd.parallel = os.cpu_count() or 1  # the modules compile side by side
        cmd.ensure_finalized()
        cmd.run()
        for ext in exts:
            os.replace(cmd.get_ext_fullpath(ext.name), root / ext.twin)
            stem = ext.twin.partition("-")[0]
            for old in root.glob(f"{stem}-*{_SUFFIX}"):
                if old.name != ext.twin:
                    try:
                        old.unlink()
                    except OSError:  # in use (Windows) or gone: harmless, it is never loaded
                        pass


if __name__ == "__main__":  # python compiled.py ROOT NAME=SOURCE...: the child of _build
    _child(Path(sys.argv[1]), [(arg.partition("=")[0], Path(arg.partition("=")[2])) for arg in sys.argv[2:]])
