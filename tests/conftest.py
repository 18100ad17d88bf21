"""Shared test helpers: running hwgen in-process and as a real subprocess."""

from __future__ import annotations

import gc
import io
import locale
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
import warnings
from pathlib import Path

import pytest

# Required tools fail, never skip (see _toolguard); the venv's bin goes first on PATH.
from _toolguard import (extend_path, pytest_configure, pytest_runtest_makereport,  # noqa: F401
                        pytest_runtest_setup, require_module, require_tool)

extend_path()

ROOT = Path(__file__).resolve().parent.parent


def _shared_bytecode_cache() -> None:
    """Every Python of the run (the workers, python -m hwgen, fusesoc, pip) shares one
    bytecode cache that outlives the run.

    With PYTHONDONTWRITEBYTECODE set (as on the shared development machine) each of the
    hundreds of children compiled hwgen, click, Jinja2 and PyYAML from source again (~80 ms
    of a ~250 ms `python -m hwgen check`), and each worker rewrote and compiled every test
    module (~3 of its ~4 CPU-s of collection). The cache lives in a folder of its own
    (PYTHONPYCACHEPREFIX, in the user's cache folder), so neither the checkout nor a copied
    tree a test inspects gains __pycache__ folders; entries whose source folder is gone
    (the temporary copies earlier runs pip-installed) are pruned when a run starts. The main
    pytest process sets it up; the xdist workers it starts inherit it. A run that sets its
    own prefix keeps it.
    """
    if "PYTHONPYCACHEPREFIX" in os.environ or "PYTEST_XDIST_WORKER" in os.environ:
        return
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(home) / "hwgen-tests" / "pycache"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _prune(folder)
    except OSError:              # no writable home: one cache for this run only
        folder = Path(tempfile.mkdtemp(prefix="hwgen-tests-pycache-"))
        _OWN_CACHE.append(str(folder))
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.pycache_prefix = str(folder)     # this process's own imports from here on
    sys.dont_write_bytecode = False


def _prune(cache: Path) -> None:
    """Drop cached folders whose source folder no longer exists (the cache mirrors paths)."""
    for dirpath, dirnames, _ in os.walk(cache):
        source = Path("/") / Path(dirpath).relative_to(cache)
        for name in list(dirnames):
            if not (source / name).is_dir():
                shutil.rmtree(os.path.join(dirpath, name), ignore_errors=True)
                dirnames.remove(name)


_OWN_CACHE: list[str] = []
_shared_bytecode_cache()


def pytest_unconfigure(config):
    for folder in _OWN_CACHE:
        shutil.rmtree(folder, ignore_errors=True)
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


# The longest tests (pytest --durations): pytest-xdist deals the first quarter of the
# collection out to the workers in turn, in collection order, so putting these first starts
# them on both workers at once instead of leaving one worker alone with a 15 s test at the
# end. Each entry is "file::test function" (every parametrization of it moves);
# test_harness checks that each still names a test.
LONG_FIRST = (
    "test_readme.py::test_every_readme_command_runs_as_written",
    "test_properties.py::test_valid_designs_always_render",
    "test_fuzz.py::test_fuzz_yaml_files",
    "test_properties.py::test_mutated_yaml_never_gives_a_traceback",
    "test_compiled_templates.py::test_pip_builds_a_wheel_whose_templates_are_used_compiled",
    "test_boardfiles.py::test_adding_a_board_walk_works_after_pip_install",
    "test_properties.py::test_wrong_types_are_refused",
    "test_folder_safety.py::test_kill_9_at_every_step_is_reported_then_completed",
    "test_fingerprint.py::test_isa1_round_trip_every_combination",
    "test_fingerprint.py::test_isa0_round_trip_every_combination",
    "test_fuzz.py::test_libyaml_events_and_the_pure_python_parser_agree",
    "test_properties.py::test_unknown_keys_are_refused",
)


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONG_FIRST)}

    def key(item):
        name = f"{item.path.name}::{item.originalname}"
        return rank.get(name, len(rank))

    items.sort(key=key)   # stable: everything else keeps its order


def pytest_collection_finish(session):
    """The collected tests, modules and fixtures live for the whole run: moved out of the
    collector's reach, the thousands of in-process hwgen runs after them do not walk them in
    every full collection (~3 % of a worker's CPU time on test_injection)."""
    gc.collect()
    gc.freeze()


# Variables the interpreter reads when it starts (encoding, warnings, paths, locale): a
# run that changes one must be a real process.
_STARTUP = ("PYTHON", "LC_", "LANG")


def hwgen_main(*args, cwd=None, env=None) -> subprocess.CompletedProcess:
    """``python -m hwgen ARGS`` run in this process, for tests that check exit codes, stdout,
    stderr and files: the same ``main`` the module and the console script call, with its
    own exception handling (exit 2 for input, 70 for a bug) and collector handling, its
    output bytes captured in the encoding and error handlers a child's pipes would get and
    decoded as subprocess.run(text=True) decodes them. cwd, the environment, argv, stdin,
    stdout, stderr and the warnings filters are the child's for the call and restored after;
    caches of user files and board stores are dropped first, as a new process has none.

    What only a process shows stays with ``run_hwgen``: signals and kill -9, timeouts (a
    FIFO or /dev/zero that hangs), variables the interpreter reads at start (PYTHON*, LC_*,
    LANG), the console script and the entry point, pip-installed copies.
    """
    from hwgen.cli import main
    from hwgen.model import boardstore, design

    if env is not None:
        changed = {k for k in set(env) | set(os.environ) if env.get(k) != os.environ.get(k)}
        if env.get("PYTHONPATH") == hwgen_env().get("PYTHONPATH"):
            changed.discard("PYTHONPATH")   # hwgen_env's: this process imports the checkout
        startup = sorted(k for k in changed if k.startswith(_STARTUP))
        if startup:
            raise ValueError(f"{startup} are read when Python starts: use run_hwgen")
    for cached in (boardstore._find, design._board_files):
        cached.cache_clear()
    argv = [str(a) for a in args]
    encoding = locale.getpreferredencoding(False)
    out, err = io.BytesIO(), io.BytesIO()
    saved = (sys.argv, sys.stdin, sys.stdout, sys.stderr, os.getcwd(), dict(os.environ))
    sys.argv = [str(ROOT / "hwgen" / "__main__.py"), *argv]
    sys.stdin = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
    # kept in locals too: a wrapper closes its buffer when it is collected
    stdout = sys.stdout = io.TextIOWrapper(out, encoding=encoding, errors="strict")
    stderr = sys.stderr = io.TextIOWrapper(err, encoding=encoding, errors="backslashreplace")
    code = 0
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        if cwd is not None:
            os.chdir(cwd)
        with warnings.catch_warnings():
            # the filters of a fresh interpreter (-W and PYTHONWARNINGS are startup settings)
            warnings.resetwarnings()
            for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                             ResourceWarning):
                warnings.simplefilter("ignore", category)
            warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
            try:
                main(args=argv, prog_name="python -m hwgen")
            except SystemExit as exc:   # what the interpreter makes of sys.exit(code)
                if exc.code is None:
                    code = 0
                elif isinstance(exc.code, int):
                    code = exc.code
                else:
                    print(exc.code, file=sys.stderr)
                    code = 1
            except BaseException:       # noqa: BLE001 - an uncaught exception: traceback, exit 1
                traceback.print_exc()
                code = 1
    finally:
        stdout.flush()
        stderr.flush()
        sys.argv, sys.stdin, sys.stdout, sys.stderr, cwd_before, env_before = saved
        os.chdir(cwd_before)
        if os.environ != env_before:
            os.environ.clear()
            os.environ.update(env_before)

    def text(raw: bytes) -> str:
        return raw.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")

    result = subprocess.CompletedProcess(["python", "-m", "hwgen", *argv], code,
                                         text(out.getvalue()), text(err.getvalue()))
    stdout.close()
    stderr.close()
    return result


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
