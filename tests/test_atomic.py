"""A build folder is always a whole build: interrupts, full disks, hostile names, links.

Complements test_output.py (write_all with small outputs, environment errors raised by
mkstemp) with the real generators: every case starts from a complete previous build and
checks each file afterwards byte for byte.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT, hwgen_env, hwgen_main, run_hwgen
from hwgen.folder import build as build_mod
from hwgen.emit import output
from hwgen.emit import render
from hwgen import resources
from hwgen.model.design import load_design
from hwgen.errors import OutputError
from hwgen.emit.output import Output, write_all

# Another design, every file of which differs from the default build's.
# B1024 with DSP usage low: 166 DSP (DSP high needs 230, more than the 7Z020 has).
NEW_ARGS = ("--board", "pynq_z2", "--dpu", "B1024", "--set", "dpu.clock_mhz=100",
            "--set", "linux.cma=128M", "--set", "dpu.dsp_usage=low")


def _new_design():
    return load_design("pynq_z2", "B1024", ("dpu.clock_mhz=100", "linux.cma=128M", "dpu.dsp_usage=low"))


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file of the folder but the writers' lock, which stays (see output.folder_lock)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != output.LOCK_FILE}


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]


@pytest.fixture
def old_and_new(tmp_path):
    """A folder holding the default build; the outputs of another design, not yet written."""
    out = tmp_path / "out"
    build_mod.build(load_design(), out)
    new = build_mod.render_outputs(_new_design())
    old = _tree(out)
    assert set(old) == {o.path for o in new}
    assert all(old[o.path] != o.data for o in new), "the two designs must differ in every file"
    return out, old, {o.path: o.data for o in new}, new


def _interrupt_main_thread():
    signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)


def test_interrupt_while_staging_leaves_the_previous_build(old_and_new, monkeypatch):
    out, old, _, new = old_and_new
    real_chmod, calls = os.chmod, []

    def chmod(path, mode):            # once per staged file, after it was written in full
        calls.append(path)
        real_chmod(path, mode)
        if len(calls) == 4:           # Ctrl-C after four files were written in full
            _interrupt_main_thread()

    monkeypatch.setattr(output.os, "chmod", chmod)
    with pytest.raises(KeyboardInterrupt):
        write_all(out, new)
    assert _tree(out) == old
    assert _leftovers(out) == []


def test_interrupt_while_renaming_is_held_until_every_file_is_new(old_and_new, monkeypatch):
    out, _, fresh, new = old_and_new
    real_replace, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        real_replace(src, dst)
        if len(calls) == 2:
            _interrupt_main_thread()

    monkeypatch.setattr(output.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        write_all(out, new)
    assert len(calls) == len(new)
    assert _tree(out) == fresh
    assert _leftovers(out) == []


def test_a_failing_rename_leaves_each_file_old_or_new_and_the_manifest_old(old_and_new,
                                                                           monkeypatch):
    out, old, fresh, new = old_and_new
    real_replace, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(errno.EIO, "Input/output error", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", replace)
    with pytest.raises(OutputError) as e:
        write_all(out, new)
    assert "Input/output error" in str(e.value)
    after = _tree(out)
    # Two files are new, the rest old: the journal stays and says so until a build completes.
    assert set(output.interrupted(out)) == {o.path for o in new}
    del after[output.JOURNAL]
    assert all(after[name] in (old[name], fresh[name]) for name in after)
    assert after["manifest.json"] == old["manifest.json"], "the manifest is renamed last"
    assert _leftovers(out) == []
    monkeypatch.setattr(output.os, "replace", os.replace)
    write_all(out, new)
    assert _tree(out) == fresh and output.interrupted(out) is None


def test_disk_full_while_writing_a_file_leaves_the_previous_build(old_and_new, monkeypatch):
    out, old, _, new = old_and_new
    real_fdopen, calls = os.fdopen, []

    class Full:                       # a temporary file on a disk that has just filled up
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fdopen(fd, *args, **kwargs):  # the fifth file's write fails
        calls.append(fd)
        f = real_fdopen(fd, *args, **kwargs)
        return Full(f) if len(calls) == 5 else f

    monkeypatch.setattr(output.os, "fdopen", fdopen)
    with pytest.raises(OutputError) as e:
        write_all(out, new)
    assert "No space left on device" in str(e.value)
    assert _tree(out) == old
    assert _leftovers(out) == []


def _limit_file_size():
    # A real short write, without privileges: past this size write() fails with EFBIG
    # (Python ignores SIGXFSZ). block_design.tcl is the first file larger than this.
    resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))


def test_a_real_short_write_fails_in_one_line_and_keeps_the_previous_build(tmp_path):
    out = tmp_path / "out"
    assert hwgen_main("build", "-o", out).returncode == 0
    old = _tree(out)
    assert max(len(v) for v in old.values()) > 8192
    r = subprocess.run(
        [sys.executable, "-m", "hwgen", "build", "-o", str(out), *NEW_ARGS],
        env=hwgen_env(PYTHONDONTWRITEBYTECODE="1"), capture_output=True, text=True, timeout=60,
        preexec_fn=_limit_file_size)
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "File too large" in lines[0], r.stderr
    assert _tree(out) == old
    assert _leftovers(out) == []


# --------------------------------------------------------------------------- what is not ours
def test_a_build_keeps_foreign_files_everywhere_in_the_folder(tmp_path):
    out = tmp_path / "out"
    mine = {"NOTES.md": "mine", "vivado/my_constraints.xdc": "set_property x",
            "petalinux/extra.dtsi": "/ { };", "vivado/project/old.xpr": "<xml/>",
            "reports/utilization.rpt": "from Vivado"}
    for name, text in mine.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    r = hwgen_main("build", "-o", out)
    assert r.returncode == 0, r.stderr
    for name, text in mine.items():
        assert (out / name).read_text() == text, name
    manifest = json.loads((out / "manifest.json").read_text())
    ours = {o["path"] for o in manifest["outputs"]} | {"manifest.json"}
    assert set(_tree(out)) == ours | set(mine)


def test_output_is_an_existing_file(tmp_path, cli):
    f = tmp_path / "build.txt"
    f.write_text("precious")
    code, _, stderr = cli("build", "-o", f)
    assert code == 2
    assert stderr.strip() == f"{f}: is a file, expected a build folder (choose another -o)"
    assert f.read_text() == "precious"


# --------------------------------------------------------------------------- outside the folder
@pytest.mark.parametrize("args", [
    ("--set", "build.design_name=../../etc"),
    ("--set", "build.bd_name=../../etc"),
    ("--set", "build.design_name=/etc/passwd"),
    ("--set", "dpu.ip_repo=/etc"),
])
def test_names_that_are_paths_are_refused(tmp_path, cli, args):
    key = args[1].split("=")[0]
    code, _, stderr = cli("build", *args, "-o", tmp_path / "out")
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1 and key in stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("field,value", [("name", "../../etc"), ("name", "a/b"),
                                         ("name", ".."), ("console.device", "../tty")])
def test_board_names_that_are_paths_are_refused(tmp_path, cli, monkeypatch, field, value):
    text = (ROOT / "boards" / "pynq_z2.yaml").read_text()
    if field == "name":
        text = text.replace("name: pynq_z2", f"name: {value!r}", 1)
    else:
        text = text.replace("device: ttyPS0", f"device: {value!r}", 1)
    board = tmp_path / "evil.yaml"
    board.write_text(text)
    monkeypatch.chdir(tmp_path)
    code, _, stderr = cli("build", "--board", board)   # no -o: the default is build/<name>
    assert code == 2
    assert stderr.startswith(f"{board}:") and f": {field}: expected" in stderr
    assert [p.name for p in tmp_path.iterdir()] == ["evil.yaml"]


def test_a_build_writes_nothing_outside_its_folder(tmp_path):
    (tmp_path / "sibling").mkdir()
    before = {p for p in tmp_path.rglob("*")}
    r = hwgen_main("build", "-o", tmp_path / "out", "--set", "dpu.ip_repo=../shared/ip",
                  cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    created = {p for p in tmp_path.rglob("*")} - before
    assert created and all((tmp_path / "out") in p.parents or p == tmp_path / "out"
                           for p in created), sorted(created - before)


def test_a_symbolic_link_leading_outside_is_refused(tmp_path, cli):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "vivado").symlink_to(elsewhere)
    code, _, stderr = cli("build", "-o", out)
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1 and "outside the build folder" in stderr
    assert list(elsewhere.iterdir()) == []
    assert _leftovers(out) == [] and not (out / "manifest.json").exists()


def test_a_linked_file_is_replaced_not_written_through(tmp_path):
    out, target = tmp_path / "out", tmp_path / "precious.tcl"
    (out / "vivado").mkdir(parents=True)
    target.write_text("precious")
    (out / "vivado" / "build.tcl").symlink_to(target)
    assert hwgen_main("build", "-o", out).returncode == 0
    assert target.read_text() == "precious"
    assert not (out / "vivado" / "build.tcl").is_symlink()


def test_the_output_folder_itself_may_be_a_link(tmp_path):
    real, link = tmp_path / "real", tmp_path / "link"
    real.mkdir()
    link.symlink_to(real)
    r = hwgen_main("build", "-o", link)
    assert r.returncode == 0, r.stderr
    assert (real / "manifest.json").is_file()


# --------------------------------------------------------------------------- environment
@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; "
                                              "see the simulated cases below")
def test_a_read_only_folder_is_one_line(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        r = hwgen_main("build", "-o", out)
    finally:
        out.chmod(0o755)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "Permission denied" in r.stderr


@pytest.mark.parametrize("where", ["mkdir", "replace"])
@pytest.mark.parametrize("err", [errno.EROFS, errno.EACCES, errno.EDQUOT])
def test_a_refusing_file_system_is_one_line(tmp_path, cli, monkeypatch, where, err):
    def refuse(self_or_src, *a, **k):
        raise OSError(err, os.strerror(err), str(tmp_path / "out"))

    if where == "mkdir":
        monkeypatch.setattr(Path, "mkdir", refuse)
    else:
        monkeypatch.setattr(output.os, "replace", refuse)
    code, _, stderr = cli("build", "-o", tmp_path / "out")
    assert code == 2
    assert stderr.strip() == f"{tmp_path / 'out'}: cannot write: {os.strerror(err)}"


def _installation(tmp_path: Path, templates: str) -> Path:
    """A copy of hwgen whose templates folder is 'empty', 'missing', 'broken' or 'no-macros'."""
    root = tmp_path / "install"
    shutil.copytree(ROOT / "hwgen", root / "hwgen", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("boards", "dpus", "parts", "families"):
        shutil.copytree(ROOT / name, root / name)
    if templates != "missing":
        shutil.copytree(ROOT / "templates", root / "templates")
    if templates == "empty":
        shutil.rmtree(root / "templates")
        (root / "templates").mkdir()
    elif templates == "broken":
        p = root / "templates" / "tcl" / "build.tcl.j2"
        p.write_text(p.read_text() + "\n{% if %}\n")
    elif templates == "no-macros":
        (root / "templates" / "tcl" / "_macros.tcl.j2").unlink()
    return root


@pytest.mark.parametrize("templates,message", [
    ("empty", "is missing from hwgen's installation"),
    ("missing", "shipped 'templates' folder is missing"),
    ("broken", "installation is broken"),
    ("no-macros", "'tcl/_macros.tcl.j2' is missing"),
])
def test_missing_or_broken_templates_are_one_line_and_write_nothing(tmp_path, templates, message):
    root = _installation(tmp_path, templates)
    env = hwgen_env()
    env["PYTHONPATH"] = str(root)
    out = tmp_path / "out"
    r = run_hwgen("build", "-o", out, env=env, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in r.stderr, r.stderr
    assert "reinstall hwgen" in lines[0]
    assert not out.exists() or _tree(out) == {}


def test_the_in_process_renderer_reports_an_empty_templates_folder(tmp_path, cli, monkeypatch):
    (tmp_path / "templates").mkdir()
    monkeypatch.setattr(resources, "data_dir",
                        lambda name, real=resources.data_dir: tmp_path / name
                        if name == "templates" else real(name))
    render.environment.cache_clear()
    try:
        code, _, stderr = cli("build", "-o", tmp_path / "out")
    finally:
        render.environment.cache_clear()
    assert code == 2 and "is missing from hwgen's installation" in stderr
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- determinism
def test_rebuilding_over_another_design_equals_a_fresh_build(tmp_path):
    reused, fresh = tmp_path / "reused", tmp_path / "fresh"
    assert hwgen_main("build", "--board", "zybo_z7_20", "-o", reused).returncode == 0
    args = ("build", *NEW_ARGS)
    assert hwgen_main(*args, "-o", reused).returncode == 0
    assert hwgen_main(*args, "-o", fresh).returncode == 0
    assert _tree(reused) == _tree(fresh)


def test_file_modes_do_not_depend_on_the_umask(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    old = os.umask(0o077)
    try:
        write_all(a, [Output("x/y.txt", "t", b"1")])
    finally:
        os.umask(0o022)
    try:
        write_all(b, [Output("x/y.txt", "t", b"1")])
    finally:
        os.umask(old)
    modes = {(d / "x" / "y.txt").stat().st_mode & 0o777 for d in (a, b)}
    assert modes == {0o644}


# --------------------------------------------------------------------------- stale outputs
def test_a_file_the_previous_build_wrote_and_this_one_does_not_is_removed(tmp_path):
    out = tmp_path / "out"
    assert hwgen_main("build", "-o", out, "--set", "build.design_name=first").returncode == 0
    assert (out / "first.core").is_file()
    assert hwgen_main("build", "-o", out, "--set", "build.design_name=second").returncode == 0
    assert (out / "second.core").is_file()
    assert not (out / "first.core").exists(), "FuseSoC would find the old design's core too"


def test_an_edited_or_foreign_file_is_never_removed(tmp_path):
    out = tmp_path / "out"
    assert hwgen_main("build", "-o", out, "--set", "build.design_name=first").returncode == 0
    with open(out / "first.core", "a") as f:
        f.write("# my edit\n")
    victim = tmp_path / "victim.txt"
    victim.write_text("not hwgen's")
    manifest = json.loads((out / "manifest.json").read_text())
    digest = hashlib.sha256(victim.read_bytes()).hexdigest()
    manifest["outputs"] += [{"path": "../victim.txt", "role": "x", "sha256": digest},
                            {"path": "/etc/hostname", "role": "x", "sha256": digest}]
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert hwgen_main("build", "-o", out, "--set", "build.design_name=second").returncode == 0
    assert (out / "first.core").read_text().endswith("# my edit\n")
    assert victim.read_text() == "not hwgen's"


def test_a_build_refused_by_the_budget_withdraws_the_earlier_build(tmp_path):
    # Issue 20, reproducer 10: the folder must not say both "fails" (budget.json) and
    # "here is the script" (an earlier passing build's vivado/build.tcl and manifest).
    out = tmp_path / "out"
    assert hwgen_main("build", "-o", out).returncode == 0
    (out / "vivado" / "my_constraints.xdc").write_text("set_property x")   # the user's
    (out / "petalinux" / "bootargs").write_text("edited by hand\n")        # hwgen's, edited
    r = hwgen_main("build", "-o", out, "--dpu", "B4096")
    assert r.returncode == 1
    after = _tree(out)
    assert set(after) == {"budget.json", "vivado/my_constraints.xdc", "petalinux/bootargs"}
    assert after["petalinux/bootargs"] == b"edited by hand\n"
    assert json.loads(after["budget.json"])["verdict"] == "fail"
    # run and diff see a folder that holds only a refused design, never a stale build.
    d = hwgen_main("diff", out, "--dpu", "B4096")
    assert d.returncode in (0, 1) and "holds only budget.json" in d.stdout, d.stdout + d.stderr
    r = hwgen_main("run", "--setup-only", "-o", out, "--dpu", "B4096")
    assert r.returncode == 1 and not (out / "edalize").exists()


def test_a_folder_mixing_two_designs_is_refused_by_diff(tmp_path):
    # A budget.json of another design next to a build (an older hwgen, a copy by hand).
    a, b = tmp_path / "a", tmp_path / "b"
    assert hwgen_main("build", "-o", a).returncode == 0
    assert hwgen_main("build", "-o", b, "--set", "linux.cma=128M").returncode == 0
    ids = [json.loads((f / "manifest.json").read_text())["design_id"] for f in (a, b)]
    assert ids[0] != ids[1], "the manifest says which design the folder's files belong to"
    assert hwgen_main("diff", a, b).returncode == 1
    shutil.copy(b / "budget.json", a / "budget.json")
    d = hwgen_main("diff", a, b)
    assert d.returncode == 2 and len(d.stderr.splitlines()) == 1, d.stderr
    assert "budget.json is not the one its manifest.json lists" in d.stderr
