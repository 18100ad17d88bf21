"""Required tools are found or the test fails: a missing tool is a hole in CI, never a skip.

Tests declare the programs they run with ``@pytest.mark.requires("fusesoc", "make")``
(or call ``require_tool``); the tools are looked up on the PATH the tests run with, which
starts with the interpreter's own bin folder and the checkout's .venv/bin, because pip
installs fusesoc there and CI does not activate the venv. A skip whose reason says a tool is
"not installed"/"not found"/"missing" is turned into a failure by the report hook below, so a
future ``skipif(shutil.which(...))`` cannot quietly bring the hole back.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Tool -> how CI gets it (scripts/test.sh installs every one of them).
REQUIRED_TOOLS = {
    "fusesoc": "pip: a dependency of hwgen (scripts/test.sh installs it into .venv)",
    "dtc": "apt-get install device-tree-compiler",
    "fdtget": "apt-get install device-tree-compiler",
    "tclsh": "apt-get install tcl",
    "dot": "apt-get install graphviz",
    "rsvg-convert": "apt-get install librsvg2-bin",
    "make": "apt-get install make",
    "chromium": "apt-get install chromium",
}
REQUIRED_MODULES = {
    "edalize": "pip: a dependency of hwgen",
    "playwright": "pip: the test extra (pip install '.[test]')",
}

# Reasons that mean "the harness lacks a tool": never acceptable as a skip.
TOOL_SKIP = re.compile(r"not installed|not found|is missing|no module named|could not import",
                       re.IGNORECASE)


def tool_dirs() -> list[str]:
    """Where pip puts console scripts for this interpreter, then the checkout's venv."""
    dirs = [str(Path(sys.executable).parent), str(ROOT / ".venv" / "bin")]
    return [d for d in dict.fromkeys(dirs) if os.path.isdir(d)]


def extend_path() -> None:
    """Put the venv's bin folders in front of PATH for this process and every subprocess."""
    path = os.environ.get("PATH", os.defpath).split(os.pathsep)
    os.environ["PATH"] = os.pathsep.join([d for d in tool_dirs() if d not in path] + path)


def require_tool(name: str) -> str:
    """The tool's absolute path, or the test fails saying how CI installs it."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"required tool {name!r} is not on PATH ({os.environ.get('PATH', '')}); "
                    f"{REQUIRED_TOOLS.get(name, 'install it')}", pytrace=False)
    return found


def require_module(name: str):
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        pytest.fail(f"required Python module {name!r} cannot be imported ({exc}); "
                    f"{REQUIRED_MODULES.get(name.split('.')[0], 'install it')}", pytrace=False)


def pytest_configure(config):
    config.addinivalue_line("markers", "requires(*tools): programs or modules the test runs; "
                                       "missing ones fail the test")


def pytest_runtest_setup(item):
    for mark in item.iter_markers("requires"):
        for name in mark.args:
            if name in REQUIRED_MODULES or "." in name:
                require_module(name)
            else:
                require_tool(name)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
        if TOOL_SKIP.search(reason):
            report.outcome = "failed"
            report.longrepr = (f"skipped for a missing tool, which CI must not do: {reason}\n"
                               "mark the test @pytest.mark.requires(TOOL) so it fails instead")
