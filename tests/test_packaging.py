"""The installed wheel (not this checkout) carries its boards, DPU profiles and templates.

scripts/test.sh installs hwgen non-editably into .venv; this test runs that installed
copy from an unrelated folder, so a file missing from package-data fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

BIN = Path(sys.prefix) / "bin"


def _installed_env():
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return env


def test_installed_hwgen_runs_from_anywhere(tmp_path):
    # scripts/test.sh installs the wheel into the venv the tests run with: a missing one fails.
    assert (BIN / "hwgen").exists(), f"hwgen is not installed in {sys.prefix} (pip install '.[test]')"
    where = subprocess.run([str(BIN / "python"), "-c", "import hwgen; print(hwgen.__file__)"],
                           cwd=tmp_path, env=_installed_env(), capture_output=True, text=True)
    assert where.returncode == 0, where.stderr
    assert not where.stdout.startswith(str(ROOT / "hwgen")), "imported the checkout, not the wheel"
    r = subprocess.run([str(BIN / "hwgen"), "list", "dpus"], cwd=tmp_path, env=_installed_env(),
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "B4096" in r.stdout
    r = subprocess.run([str(BIN / "hwgen"), "build", "-o", "out"], cwd=tmp_path, env=_installed_env(),
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "manifest.json").is_file()


# What `pip install .`, pytest, hypothesis and hwgen itself leave in a checkout; git must
# ignore all of it (issue 19: a fresh clone's `git status` after the README's steps is clean).
_LEFT_BY_TOOLS = [".pybuild/lib/hwgen/__init__.py", ".pybuild/hwgen.egg-info/PKG-INFO",
                  "hwgen.egg-info/PKG-INFO", "build/pynq_z2/manifest.json", "dist/hwgen-0.1.0.whl",
                  "hwgen/__pycache__/x.cpython-311.pyc", ".pytest_cache/v/x", ".hypothesis/x",
                  ".venv/bin/python", "benchmarks/out/x", "site/index.html", ".coverage"]


def test_git_ignores_what_tools_leave():
    import shutil

    git = shutil.which("git")
    assert git, "git is required"
    r = subprocess.run([git, "check-ignore", "--no-index", *_LEFT_BY_TOOLS], cwd=ROOT,
                       capture_output=True, text=True)
    assert sorted(r.stdout.split()) == sorted(_LEFT_BY_TOOLS)
    # and nothing hwgen ships is ignored
    shipped = ["setup.py", "pyproject.toml", "hwgen/frozen.py", "templates/verdict.txt.j2"]
    r = subprocess.run([git, "check-ignore", "--no-index", *shipped], cwd=ROOT, capture_output=True,
                       text=True)
    assert r.stdout.split() == []
