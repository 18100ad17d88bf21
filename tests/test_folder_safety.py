"""One writer per build folder, and a crash at any step is detected and completed (issue 20: 7, 8).

The steps are hwgen.emit.output._step's calls: a real build is stopped at each of them,
with SIGKILL (nothing of the writer runs afterwards) or SIGSTOP (it holds the folder while
another build tries to write it). The builds that are stopped are real processes; the
commands before and after them run in the test's process (conftest.hwgen_main): only a
build that is killed or stopped needs a process of its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, hwgen_env, hwgen_main, run_hwgen
from hwgen.emit import output
from hwgen.errors import InputError
from hwgen.folder import build as build_mod
from hwgen.folder.diff import load_folder
from hwgen.model.design import load_design

NEW_SETS = ("dpu.clock_mhz=100", "linux.cma=128M")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != output.LOCK_FILE}


def _consistent(folder: Path) -> dict:
    """The folder is complete: no journal, no temporaries, every file as its manifest says."""
    tree = _tree(folder)
    assert output.JOURNAL not in tree
    assert not [n for n in tree if n.rsplit("/", 1)[-1].endswith(".tmp")], sorted(tree)
    manifest = json.loads(tree["manifest.json"])
    for entry in manifest["outputs"]:
        assert hashlib.sha256(tree[entry["path"]]).hexdigest() == entry["sha256"], entry["path"]
    assert set(tree) == {e["path"] for e in manifest["outputs"]} | {"manifest.json"}
    assert manifest["design_id"]
    return manifest


@pytest.fixture(scope="module")
def designs():
    old = build_mod.render_outputs(load_design())
    new = build_mod.render_outputs(load_design(sets=NEW_SETS))
    return old, new


def _steps(tmp_path: Path, old, new) -> list[str]:
    """Every step of writing ``new`` over ``old``, in order."""
    scratch = tmp_path / "scratch"
    output.write_all(scratch, old)
    seen: list[str] = []
    real = output._step
    output._step = seen.append
    try:
        output.write_all(scratch, new)
    finally:
        output._step = real
    return seen


def test_kill_9_at_every_step_is_reported_then_completed(tmp_path, designs):
    old, new = designs
    steps = _steps(tmp_path, old, new)
    assert steps[0] == "journal" and steps[-1] == "remove journal"
    assert sum(s.startswith("rename ") for s in steps) == len(new)
    base = tmp_path / "base"
    output.write_all(base, old)
    old_tree, new_tree = _tree(base), {o.path: o.data for o in new}
    for i, step in enumerate(steps):
        out = tmp_path / f"k{i}"
        shutil.copytree(base, out)
        pid = os.fork()
        if pid == 0:   # the writer: killed by the kernel at ``step``, nothing after it runs
            try:
                def die(name, step=step):
                    if name == step:
                        os.kill(os.getpid(), signal.SIGKILL)
                output._step = die
                output.write_all(out, new)
            finally:
                os._exit(3)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (step, status)
        files = output.interrupted(out)
        if step == "journal":
            # Killed before the journal: nothing in the folder changed yet.
            assert files is None and _tree(out) == old_tree
        else:
            # The next command that reads the folder says it is incomplete, and which files.
            assert files is not None and set(files) == set(new_tree), step
            with pytest.raises(InputError) as e:
                load_folder(out)
            (line,) = e.value.lines()
            assert "incomplete: a build was interrupted" in line and "manifest.json" in line
            after = _tree(out)
            leftovers = [n for n in after if n.endswith(".tmp")]
            # Killed before renaming X: X's temporary file is still there for the next build.
            assert leftovers or not step.startswith("rename "), step
            for name, data in after.items():
                if name in new_tree and not name.endswith(".tmp"):
                    assert data in (old_tree[name], new_tree[name]), (step, name)
        # The next build completes the folder, leftover temporaries included.
        output.write_all(out, new)
        assert _tree(out) == new_tree, step
        _consistent(out)


def _planted(tmp_path: Path, action: str, at: str) -> dict:
    """Environment whose hwgen stops itself (``action``: KILL or STOP) at step ``at``."""
    site = tmp_path / f"site_{action}_{abs(hash(at))}"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(
        "import os, signal\n"
        "import hwgen.emit.output as o\n"
        f"def _step(name):\n    if name == {at!r}:\n"
        f"        os.kill(os.getpid(), signal.SIG{action})\n"
        "o._step = _step\n")
    return hwgen_env(PYTHONPATH=f"{site}{os.pathsep}{ROOT}")


@pytest.mark.parametrize("at", ["stage vivado/build.tcl", "rename petalinux/bootargs",
                                "rename manifest.json", "remove journal"])
def test_kill_9_of_the_real_command(tmp_path, at):
    out = tmp_path / "out"
    assert hwgen_main("build", "-o", out).returncode == 0
    r = run_hwgen("build", "-o", out, *[a for s in NEW_SETS for a in ("--set", s)],
                  env=_planted(tmp_path, "KILL", at))
    assert r.returncode == -signal.SIGKILL
    d = hwgen_main("diff", out, out)
    assert d.returncode == 2 and len(d.stderr.splitlines()) == 1, d.stderr
    assert "incomplete: a build was interrupted" in d.stderr
    b = hwgen_main("build", "-o", out, *[a for s in NEW_SETS for a in ("--set", s)])
    assert b.returncode == 0, b.stderr
    assert "incomplete" in b.stderr and "completes it now" in b.stderr
    _consistent(out)
    assert hwgen_main("diff", out, out).returncode == 0


def _wait_for(predicate, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_two_writers_one_paused_mid_rename(tmp_path):
    # Issue 20, reproducer 7: writer A stopped (SIGSTOP) during its renames; writer B into
    # the same folder waits for A instead of interleaving; --no-wait fails at once (75).
    out = tmp_path / "out"
    assert hwgen_main("build", "-o", out).returncode == 0
    a_err, b_err = tmp_path / "a.err", tmp_path / "b.err"
    cmd = [sys.executable, "-m", "hwgen", "build", "-o", str(out)]
    with open(a_err, "w") as ea, open(b_err, "w") as eb:
        a = subprocess.Popen(cmd + ["--dpu", "B800"], env=_planted(tmp_path, "STOP", "rename petalinux/bootargs"),
                             stdout=subprocess.DEVNULL, stderr=ea)
        try:
            _wait_for(lambda: open(f"/proc/{a.pid}/stat").read().split(") ")[1][0] == "T",
                      "writer A to stop mid-write")
            assert output.interrupted(out) is not None     # A is half-way through
            busy = hwgen_main("build", "-o", out, "--no-wait", "--set", "linux.cma=128M")
            assert busy.returncode == 75, busy.stderr
            assert len(busy.stderr.splitlines()) == 1 and "--no-wait" in busy.stderr
            b = subprocess.Popen(cmd + ["--set", "linux.cma=128M"], env=hwgen_env(),
                                 stdout=subprocess.DEVNULL, stderr=eb)
            _wait_for(lambda: "waiting for it to finish" in b_err.read_text(), "writer B to wait")
            assert b.poll() is None
        finally:
            os.kill(a.pid, signal.SIGCONT)
        assert a.wait(timeout=60) == 0, a_err.read_text()
        assert b.wait(timeout=60) == 0, b_err.read_text()
    manifest = _consistent(out)
    assert "linux.cma=128M" in manifest["overrides"], "B wrote last, after A had finished"


@pytest.mark.parametrize("at", ["rename manifest.json", "remove journal"])
def test_a_completing_build_of_another_design_leaves_no_orphan(tmp_path, at):
    # The interrupted build wrote other.core (its design name); the build that completes
    # the folder is another design, whose manifest will not list other.core. The journal
    # recorded what the interrupted build wrote, so it is removed (it is hwgen's, unedited).
    out = tmp_path / "out"
    assert hwgen_main("build", "-o", out).returncode == 0
    r = run_hwgen("build", "-o", out, "--set", "build.design_name=other",
                  env=_planted(tmp_path, "KILL", at))
    assert r.returncode == -signal.SIGKILL and (out / "other.core").exists()
    b = hwgen_main("build", "-o", out)
    assert b.returncode == 0, b.stderr
    _consistent(out)
    assert not (out / "other.core").exists()


def test_an_edited_file_of_an_interrupted_build_is_kept(tmp_path):
    out = tmp_path / "out"
    assert hwgen_main("build", "-o", out).returncode == 0
    r = run_hwgen("build", "-o", out, "--set", "build.design_name=other",
                  env=_planted(tmp_path, "KILL", "remove journal"))
    assert r.returncode == -signal.SIGKILL
    (out / "other.core").write_text("edited\n")
    assert hwgen_main("build", "-o", out).returncode == 0
    assert (out / "other.core").read_text() == "edited\n"
