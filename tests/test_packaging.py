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
