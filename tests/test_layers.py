"""Imports point one way, and none of them closes a cycle.

sim <- levelio <- training <- view <- scenes <- editor <- app (app, cli): a module
may import its own layer and the ones below it, never one above. The training
layer never imports the view (the view shows what training works out); the
editor is a screen like the scenes, and playtests with the play scene. The base
modules (paths, atomic saving) import nothing of the game. Every import counts,
wherever it stands in the file, except those only a type checker reads.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GAME = ROOT / "game"

# Most specific prefix first; the number is the layer's height.
LAYERS: list[tuple[str, int]] = [
    ("game.paths", 0),
    ("game.atomicfile", 0),
    ("game.sim", 1),
    ("game.levelio", 2),
    ("game.training_app", 7),  # the replay window and the report's map pictures
    ("game.training", 3),
    ("game.net_app", 7),  # the lobby and the seats' windows
    ("game.net", 3),  # lockstep over the network: needs only sim, levelio and training
    ("game.settings", 4),
    ("game.audio", 4),
    ("game.view.scenes", 5),
    ("game.view", 4),
    ("game.editor_app", 7),
    ("game.editor", 6),
    ("game.app", 7),
    ("game.cli", 7),
    ("game.__main__", 7),
    ("game", 0),  # the package itself: its version
]


def layer(module: str) -> int:
    for prefix, height in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return height
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING" or (
        isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING"
    )


def imports(path: Path, top_level_only: bool = False) -> set[str]:
    """The game modules this file imports when it runs (not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(), str(path))
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child, in_function)
            return
        if isinstance(node, ast.Import) and not (top_level_only and in_function):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "game")
        elif isinstance(node, ast.ImportFrom) and not (top_level_only and in_function):
            base = node.module or ""
            if node.level:
                base_pkg = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base_pkg}.{base}" if base else base_pkg
            if base.split(".")[0] == "game":
                for a in node.names:  # `from game.sim import world` names a module
                    sub = f"{base}.{a.name}"
                    found.add(sub if (GAME.parent / (sub.replace(".", "/") + ".py")).exists() else base)
        inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    found.discard(me)
    return found


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(GAME.rglob("*.py"))}


def test_every_import_points_down_the_layers():
    upward = [
        f"{name} ({layer(name)}) imports {dep} ({layer(dep)})"
        for name, path in all_modules().items()
        for dep in sorted(imports(path))
        if layer(dep) > layer(name)
    ]
    assert upward == []


def test_the_simulation_imports_no_drawing_library_and_no_clock():
    banned = {"pygame", "pygame_gui", "time", "random"}
    hits = []
    for name, path in all_modules().items():
        if not name.startswith("game.sim"):
            continue  # the rule is the simulation's: files and the window may read the clock
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                hits += [f"{name}: {a.name}" for a in node.names if a.name.split(".")[0] in banned]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in banned:
                hits.append(f"{name}: {node.module}")
    assert hits == []


def test_no_import_cycle_runs():
    """Module-level imports form no cycle (a cycle closed by a function-local import counts too)."""
    graph = {name: imports(path) for name, path in all_modules().items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if dep not in graph:
                continue
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                walk(dep, stack)
        stack.pop()
        state[node] = 2

    for name in graph:
        if name not in state:
            walk(name, [])
    # a package importing its own submodules in __init__ is not a cycle of concern
    cycles = [c for c in cycles if not all(m.startswith(c[0] + ".") or m == c[0] for m in c)]
    assert cycles == []


def test_imports_stand_at_the_top_of_the_file():
    """A function-local import of a game module hides a knot in the design; type-only imports are exempt."""
    local = [
        f"{name}: {dep}"
        for name, path in all_modules().items()
        for dep in sorted(imports(path) - imports(path, top_level_only=True))
    ]
    assert local == []
