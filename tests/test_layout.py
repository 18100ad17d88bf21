"""The package layout is the data flow: imports point one way, down the stages.

Every ``import`` in hwgen/, at module level or inside a function, is read from the
source (ast), so a lazy import cannot hide a wrong-way dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "hwgen"

# The stages in data-flow order; a module may import its own stage or an earlier one.
# ``hwgen`` itself (errors, resources, the version) is the foundation every stage stands on.
STAGES = ("hwgen", "model", "dpu", "plan", "emit", "budget", "review", "folder", "explore", "run",
          "cli")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _stage(module: str) -> int:
    parts = module.split(".")
    if parts[0] != "hwgen":
        raise ValueError(module)
    if len(parts) == 1 or parts[1] not in STAGES:
        return 0 if len(parts) < 2 or parts[1] != "__main__" else len(STAGES) - 1
    return STAGES.index(parts[1])


def _imports(path: Path) -> set[str]:
    """The hwgen modules ``path`` imports (``from hwgen.x import y`` counts y when it is a module)."""
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "hwgen")
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: relative import; hwgen imports are absolute"
            if node.module and node.module.split(".")[0] == "hwgen":
                for a in node.names:
                    sub = f"{node.module}.{a.name}"
                    found.add(sub if _module_path(sub) else node.module)
    return found


def _module_path(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


MODULES = {_module_name(p): p for p in sorted(PKG.rglob("*.py"))}
GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def test_every_module_is_in_a_stage():
    for name in MODULES:
        parts = name.split(".")
        assert len(parts) <= 3, f"{name}: stages are one level deep"
        if len(parts) == 3:
            assert parts[1] in STAGES, f"{name}: {parts[1]} is not a stage ({', '.join(STAGES[1:])})"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down_the_stages(name):
    wrong = sorted(m for m in GRAPH[name] if _stage(m) > _stage(name))
    assert not wrong, (f"{name} (stage {STAGES[_stage(name)]}) imports a later stage: "
                       + ", ".join(f"{m} ({STAGES[_stage(m)]})" for m in wrong))


def test_no_import_cycles():
    # Tarjan-free: a module that reaches itself through the graph is in a cycle.
    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in GRAPH.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    cycles = sorted(name for name in MODULES if name in reach(name))
    assert not cycles, f"modules that import themselves through others: {cycles}"


def test_every_stage_says_what_it_owns():
    for stage in STAGES[1:]:
        init = PKG / stage / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc and "May import" in doc and len(doc.splitlines()) >= 3, \
            f"{init}: the docstring says what the stage owns and what it may import"


def test_the_checker_sees_a_wrong_way_import(tmp_path):
    # The rule itself can fail: an emit module importing the budget is caught.
    assert _stage("hwgen.budget.estimate") > _stage("hwgen.emit.vivado")
    assert _stage("hwgen.plan.clocks") < _stage("hwgen.emit.vivado")
    assert _stage("hwgen.errors") == 0 and _stage("hwgen.__main__") == STAGES.index("cli")
