"""`pip install .` builds the compiled twins of the sim's loops into the wheel (game.sim.compiled);
everything else about the package is in pyproject.toml."""
import importlib.util
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent
# compiled.py by its path: importing the game package would need the game's dependencies here.
_spec = importlib.util.spec_from_file_location("_compiled", ROOT / "game" / "sim" / "compiled.py")
compiled = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compiled)

setup(
    ext_modules=compiled.extensions([(name, ROOT.joinpath(*name.split(".")).with_suffix(".py"))
                                     for name in compiled.COMPILED], ROOT / "build" / "cython"),
    cmdclass={"build_ext": compiled.build_ext_class()},
)
