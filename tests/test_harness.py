"""The test harness itself: required tools fail instead of skipping, skips are reported with
their reasons, and the suite runs in parallel (pytest-xdist) the way CI runs it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT
from _toolguard import REQUIRED_TOOLS, TOOL_SKIP

pytest_plugins = ["pytester"]

TESTS = ROOT / "tests"
SCRIPT = (ROOT / "scripts" / "test.sh").read_text()


def _test_sources():
    return sorted(p for p in TESTS.glob("*.py") if p.name not in ("_toolguard.py", Path(__file__).name))


def test_no_test_skips_for_a_missing_tool():
    """A skipif on shutil.which / importorskip hides a CI hole: tools are @requires, failing."""
    offenders = []
    for path in _test_sources():
        text = path.read_text()
        for m in re.finditer(r"skipif\([^)]*which\(|importorskip\(|pytest\.skip\([^)]*which\(", text):
            offenders.append(f"{path.name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}")
        for m in re.finditer(r"reason=([\"'])(.*?)\1", text):
            if TOOL_SKIP.search(m.group(2)):
                offenders.append(f"{path.name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(2)}")
    assert offenders == []


def test_a_skip_for_a_missing_tool_fails_the_run(pytester):
    pytester.makeconftest("from _toolguard import pytest_configure, pytest_runtest_makereport, "
                          "pytest_runtest_setup\n")
    pytester.makepyfile(test_x="""
        import pytest

        @pytest.mark.skipif(True, reason="fusesoc not installed")
        def test_hidden():
            pass

        @pytest.mark.requires("no-such-tool-hwgen-ci")
        def test_required():
            pass

        @pytest.mark.skipif(True, reason="root writes into read-only folders")
        def test_honest_skip():
            pass
    """)
    result = pytester.runpytest("-ra", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=2, skipped=1)     # failed in setup: errors, not skips
    result.stdout.fnmatch_lines(["*SKIPPED*root writes into read-only folders*"])


def test_remaining_skips_are_listed_with_their_reasons():
    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    assert re.search(r"-r\w*[as]", addopts), addopts     # 'a' (or 's') lists skips with reasons
    assert "-ra" in SCRIPT


def test_ci_runs_in_parallel_and_installs_every_required_tool():
    assert re.search(r"pytest\b.*-n\s*(auto|\d+)", SCRIPT), "scripts/test.sh must run pytest-xdist"
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
    assert any(d.startswith("pytest-xdist") for d in deps)
    packages = {"fusesoc": None, "dtc": "device-tree-compiler", "fdtget": "device-tree-compiler",
                "tclsh": "tcl", "dot": "graphviz", "rsvg-convert": "librsvg2-bin", "make": "make",
                "chromium": "chromium"}
    assert set(packages) == set(REQUIRED_TOOLS)
    for tool, package in packages.items():
        if package is not None:
            assert re.search(rf"command -v {re.escape(tool)}\b.*missing\+=\({re.escape(package)}\)",
                             SCRIPT), f"scripts/test.sh does not install {tool} ({package})"


# Commands whose exit codes, stdout and stderr cover each way out of main: a pass, a
# verdict, an input error, click's usage error and --help/--version (SystemExit from click),
# a file written relative to the working directory, an environment variable hwgen reads
# while running (HWGEN_BOARD_PATH), text that is not ASCII.
# Every command runs here once as a real process at least (the other tests run most of
# them in-process).
_STORE = str(ROOT / "tests" / "data" / "boardstore" / "TUL" / "pynq-z2" / "A.0")
_SAME = [("check",), ("check", "--set", "budget.lut=1"), ("check", "--set", "linux.cma=0x_"),
         ("check", "--bogus"), ("--version",), ("check", "--help"),
         ("build", "-o", "rel/out", "--set", "build.design_name=caf\u00e9"),
         ("check", "--board", "not-a-board-anywhere"), ("list", "boards"),
         ("board", "import", _STORE, "-o", "board.yaml"), ("diff", "--old-set", "linux.cma=256M", "--new-set", "linux.cma=384M"),
         ("estimate",), ("explore", "--dpu", "B512"), ("fingerprint",),
         ("run", "-o", "rel/run", "--setup-only")]


@pytest.mark.parametrize("args", _SAME, ids=[" ".join(a) for a in _SAME])
def test_in_process_runs_give_what_the_process_gives(tmp_path, args):
    from conftest import hwgen_env, hwgen_main, run_hwgen

    import os
    import sys

    runs = {}
    for how, run in (("process", run_hwgen), ("in-process", hwgen_main)):
        folder = tmp_path / how
        folder.mkdir()
        env = hwgen_env(HWGEN_BOARD_PATH=str(folder / "boards"))
        before = (os.getcwd(), dict(os.environ), sys.stdout, sys.stderr, sys.stdin, sys.argv)
        r = run(*args, cwd=folder, env=env)
        assert (os.getcwd(), dict(os.environ), sys.stdout, sys.stderr, sys.stdin, sys.argv) == before
        files = {p.relative_to(folder).as_posix(): p.read_bytes().replace(bytes(folder), b"<cwd>")
                 for p in folder.rglob("*") if p.is_file()}
        runs[how] = (r.returncode, r.stdout.replace(str(folder), "<cwd>"),
                     r.stderr.replace(str(folder), "<cwd>"), files)
    assert runs["in-process"] == runs["process"]


def test_the_in_process_runner_refuses_what_only_a_process_reads():
    from conftest import hwgen_env, hwgen_main

    with pytest.raises(ValueError, match="PYTHONIOENCODING"):
        hwgen_main("check", env=hwgen_env(PYTHONIOENCODING="ascii"))


def test_every_long_first_entry_names_a_test():
    import importlib

    from conftest import LONG_FIRST

    for entry in LONG_FIRST:
        file, name = entry.split("::")
        assert (TESTS / file).is_file(), entry
        assert callable(getattr(importlib.import_module(file[:-3]), name, None)), entry
