"""Shared test helpers: running hwgen in-process and as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Required tools fail, never skip (see _toolguard); the venv's bin goes first on PATH.
from _toolguard import (extend_path, pytest_configure, pytest_runtest_makereport,  # noqa: F401
                        pytest_runtest_setup, require_module, require_tool)

extend_path()

ROOT = Path(__file__).resolve().parent.parent
BOARDS = ROOT / "boards"
DPUS = ROOT / "dpus"


def hwgen_env(**extra) -> dict:
    """Environment for a subprocess that imports this checkout's hwgen from any cwd."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


def run_hwgen(*args, cwd=None, env=None, timeout=60) -> subprocess.CompletedProcess:
    """``python -m hwgen ARGS`` as a real process, the way a user or CI runs it."""
    return subprocess.run([sys.executable, "-m", "hwgen", *map(str, args)], cwd=cwd,
                          env=env or hwgen_env(), capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def cli():
    """Run the click CLI in-process; returns (exit_code, stdout, stderr)."""
    from click.testing import CliRunner

    from hwgen.cli import main

    def invoke(*args):
        runner = CliRunner()
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return invoke
