"""hwgen as the program ends without tearing the interpreter down (hwgen/cli/app.py _end_process).

What a normal exit must still do is checked on real processes: the exit status of each
kind of ending, everything written to stdout and stderr, the atexit handlers, and a
thread still running (which takes Python's normal exit). An in-process caller of
``main`` with its own arguments is never ended.
"""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT, hwgen_main
from hwgen.cli import main


def _run(tmp_path, *args, site=None, **kwargs):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join(([str(site)] if site else []) + [str(ROOT)])
    return subprocess.run([sys.executable, "-m", "hwgen", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, **kwargs)


def _sitecustomize(tmp_path, code: str):
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(code)
    return site


def test_every_kind_of_ending_keeps_its_status_and_output(tmp_path):
    for args, status in ((["check"], 0), (["check", "--dpu", "B4096"], 1),
                         (["check", "--no-such-option"], 2), (["--version"], 0), (["--help"], 0),
                         (["check", "--format", "json"], 0),
                         (["check", "--board", str(tmp_path / "missing.yaml")], 2)):
        r = _run(tmp_path, *args)
        assert r.returncode == status, (args, r.stderr)
        inside = hwgen_main(*args, cwd=tmp_path)     # the same main, in this process
        assert inside.returncode == status, args
        assert r.stdout == inside.stdout, args       # all of it flushed, nothing twice
        assert r.stderr == inside.stderr, args


def test_a_large_output_through_a_pipe_arrives_whole(tmp_path):
    r = _run(tmp_path, "explore", "--board", "pynq_z2", "--format", "csv")
    assert r.returncode == 0, r.stderr
    inside = hwgen_main("explore", "--board", "pynq_z2", "--format", "csv", cwd=tmp_path)
    assert len(r.stdout) > 8192 and r.stdout == inside.stdout


_MARKS = """
import atexit
class Freed:          # freed by the interpreter's teardown (a module global), if there is one
    def __del__(self, open=open):      # open kept: the teardown may have cleared builtins
        with open({freed!r}, "w") as f:
            f.write("yes")
KEPT = Freed()
atexit.register(lambda: open({ran!r}, "w").write("yes"))
"""


def test_atexit_handlers_still_run_and_the_teardown_is_skipped(tmp_path):
    ran, freed = tmp_path / "atexit-ran", tmp_path / "freed"
    site = _sitecustomize(tmp_path, _MARKS.format(ran=str(ran), freed=str(freed)))
    r = _run(tmp_path, "check", site=site)
    assert r.returncode == 0, r.stderr
    assert ran.read_text() == "yes"
    assert not freed.exists()          # hwgen ended the process: no teardown
    # the same interpreter and site without hwgen: Python's exit frees the global
    r = subprocess.run([sys.executable, "-c", "pass"], env={**os.environ, "PYTHONPATH": str(site)},
                       timeout=60)
    assert r.returncode == 0 and freed.read_text() == "yes"


def test_a_thread_still_running_gets_pythons_own_exit(tmp_path):
    mark = tmp_path / "thread-finished"
    site = _sitecustomize(tmp_path, "import threading, time\n"
                                    "def late():\n    time.sleep(0.5)\n"
                                    f"    open({str(mark)!r}, 'w').write('yes')\n"
                                    "threading.Thread(target=late).start()\n")
    r = _run(tmp_path, "check", "--dpu", "B4096", site=site)
    assert r.returncode == 1, r.stderr
    assert mark.read_text() == "yes"                 # joined, as Python's exit joins it


def test_a_caller_with_its_own_arguments_gets_control_back():
    for args in (["check"], ["check", "--dpu", "B4096"], ["--version"]):
        try:
            main(args, prog_name="hwgen")
        except SystemExit as exc:    # click's standalone mode: the status, back to the caller
            assert exc.code in (0, 1)
        else:
            raise AssertionError("main returned without SystemExit")
