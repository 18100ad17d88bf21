"""The FuseSoC core, the Edalize project of `hwgen run`, the progress display, and
`hwgen run` end to end with a fake vivado (tests/_fakevivado.py: the Tcl runs under
tclsh with the recorder, reports are written in Vivado's format).

Real tools where there are real tools: fusesoc and Edalize set the projects up and
write the Makefiles, make runs them, tclsh + tests/tclrec stand in for Vivado only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, hwgen_env, hwgen_main, run_hwgen

import _fakevivado

CORE = "hwgen:design:pynq_z2_dpu"
VLNV = CORE + ":0.1.0"
SYSTEM = "hwgen_design_pynq_z2_dpu_0.1.0"      # FuseSoC's project name: the VLNV, ':' -> '_'
DPU_VLNV = "xilinx.com:ip:dpuczdx8g:4.1"       # dpus/b512.yaml vlnv

needs_fusesoc = pytest.mark.requires("fusesoc")
needs_tools = pytest.mark.requires("make", "tclsh")


# ----------------------------------------------------------------------------- helpers
def build_folder(out: Path, board=None, sets=()) -> Path:
    """``hwgen build -o out`` (in-process: it is the same code and much faster)."""
    from hwgen.folder.build import build
    from hwgen.model.design import load_design

    build(load_design(board, None, sets), out)
    (out / "ip_repo").mkdir(exist_ok=True)      # where the DPU IP would be unpacked
    return out


def core(out: Path, name="pynq_z2_dpu") -> dict:
    return yaml.safe_load((out / f"{name}.core").read_text())


def fusesoc(cwd: Path, cores_root: Path, *args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(["fusesoc", "--cores-root", str(cores_root), "run", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=300,
                          env=env or dict(os.environ))


def sources_in(project_tcl: str) -> list[str]:
    """The files a project Tcl sources, by name, in order."""
    return [Path(line.split("{", 1)[1].rstrip("}")).name
            for line in project_tcl.splitlines() if line.startswith("source {")]


def fake_env(tmp: Path, out: Path, allowed=(), **extra) -> dict:
    """PATH with the fake vivado first; the DPU in the IP repository of ``out``."""
    bin_dir = tmp / "bin"
    _fakevivado.install(bin_dir)
    env = hwgen_env(**extra)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    env["FAKE_VIVADO_REPO_IPS"] = json.dumps({str((out / "ip_repo").resolve()): [DPU_VLNV]})
    env["FAKE_VIVADO_ALLOWED"] = os.pathsep.join(str(Path(a).resolve()) for a in allowed)
    return env


def no_vivado_env() -> dict:
    """PATH with make but certainly no vivado."""
    env = hwgen_env()
    env["PATH"] = os.pathsep.join(str(Path(shutil.which(t)).parent) for t in ("make", "tclsh"))
    env.pop("EDALIZE_LAUNCHER", None)
    return env


# ----------------------------------------------------------------------------- the core
def test_core_names_the_project(tmp_path):
    c = core(build_folder(tmp_path / "out"))
    assert c["name"] == VLNV
    files = c["filesets"]["vivado_project"]
    assert files["file_type"] == "tclSource"
    # The DPU must be in the catalog before the block design; run settings last.
    assert files["files"] == ["vivado/ip_repo.tcl", "vivado/block_design.tcl", "vivado/strategies.tcl"]
    impl = c["targets"]["impl"]
    assert impl["flow"] == "vivado"
    assert impl["toplevel"] == "system_wrapper"
    # No board_part: the project must not need the board files (the preset carries the PS).
    assert impl["flow_options"] == {"part": "xc7z020clg400-1", "jobs": 4}
    assert impl["hooks"] == {"post_build": ["export_xsa"]}
    assert c["scripts"]["export_xsa"]["cmd"] == ["vivado", "-notrace", "-mode", "batch", "-source",
                                                 "export_xsa.tcl"]
    assert c["filesets"]["xsa_export"]["files"] == [
        {"vivado/export_xsa.tcl": {"file_type": "user", "copyto": "export_xsa.tcl"}}]
    assert "constraints" not in c["filesets"]          # no xdc today
    assert (tmp_path / "out" / "pynq_z2_dpu.core").read_text().startswith("CAPI=2:\n")


def test_core_follows_the_settings(tmp_path):
    out = build_folder(tmp_path / "out", "zybo_z7_20",
                       ("build.bd_name=top_bd", "build.jobs=12", "build.design_name=zybo_b512"))
    c = core(out, "zybo_b512")
    assert c["name"] == "hwgen:design:zybo_b512:0.1.0"
    impl = c["targets"]["impl"]
    assert impl["toplevel"] == "top_bd_wrapper"
    assert impl["flow_options"] == {"part": "xc7z020clg400-1", "jobs": 12}


def test_core_name_is_stable(tmp_path):
    a = build_folder(tmp_path / "a")
    b = build_folder(tmp_path / "b", sets=("linux.cma=128M", "dpu.clock_mhz=125"))
    again = build_folder(tmp_path / "a2")
    assert core(a)["name"] == core(b)["name"] == VLNV
    assert (a / "pynq_z2_dpu.core").read_bytes() == (again / "pynq_z2_dpu.core").read_bytes()
    assert str(tmp_path) not in (a / "pynq_z2_dpu.core").read_text()


def test_constraint_files_become_an_xdc_fileset():
    from hwgen.model.design import load_design
    from hwgen.run.edalize_bridge import edam
    from hwgen.emit.fusesoc_core import core_spec, core_text

    design = load_design()
    spec = core_spec(design, xdc=("constraints/pins.xdc", "constraints/timing.xdc"))
    c = yaml.safe_load(core_text(design, spec))
    assert c["filesets"]["constraints"] == {"file_type": "xdc",
                                            "files": ["constraints/pins.xdc", "constraints/timing.xdc"]}
    assert c["targets"]["impl"]["filesets"] == ["vivado_project", "constraints", "xsa_export"]
    files = edam(spec, Path("/b/edalize"), Path("/b"))["files"]
    assert [f["file_type"] for f in files][-2:] == ["xdc", "xdc"]
    assert files[-1]["name"] == "../constraints/timing.xdc"


def test_core_values_are_quoted():
    from hwgen.emit.render import QuotingError, yaml_comment, yaml_str

    assert yaml.safe_load("k: " + yaml_str('a: "b" # c\n- d')) == {"k": 'a: "b" # c\n- d'}
    with pytest.raises(QuotingError):
        yaml_comment("x\nname: evil")


# ----------------------------------------------------------------------------- FuseSoC
@needs_fusesoc
def test_fusesoc_setup_offline(tmp_path):
    out = build_folder(tmp_path / "out")
    r = fusesoc(tmp_path, out, "--setup", "--target", "impl", CORE)
    assert r.returncode == 0, r.stderr + r.stdout
    work = tmp_path / "build" / SYSTEM / "impl"
    tcl = (work / f"{SYSTEM}.tcl").read_text()
    assert sources_in(tcl) == ["ip_repo.tcl", "block_design.tcl", "strategies.tcl"]
    lines = tcl.splitlines()
    top = lines.index("set_property top system_wrapper [current_fileset]")
    assert top > max(i for i, l in enumerate(lines) if l.startswith("source {"))
    assert "set_property part xc7z020clg400-1 [current_project]" in lines
    assert not [l for l in lines if "board_part" in l]
    # The sources are our files, byte for byte (FuseSoC copies them by default).
    copied = work / "src" / SYSTEM / "vivado" / "block_design.tcl"
    assert copied.read_bytes() == (out / "vivado" / "block_design.tcl").read_bytes()
    # The XSA hook: after the bitstream, the export script copied into the work root.
    make = (work / "Makefile").read_text()
    assert f"{SYSTEM}_export_xsa: {SYSTEM}.bit\n" \
           "\t$(EDALIZE_LAUNCHER) vivado -notrace -mode batch -source export_xsa.tcl\n" in make
    assert f"post_build: {SYSTEM}_export_xsa" in make
    assert (work / "export_xsa.tcl").read_bytes() == (out / "vivado" / "export_xsa.tcl").read_bytes()
    assert "-jobs 4" in (work / f"{SYSTEM}_run.tcl").read_text()


@needs_fusesoc
@needs_tools
def test_fusesoc_run_builds_with_the_fake_vivado(tmp_path):
    """`fusesoc run --target impl` all the way: project, runs, hook; our Tcl really runs."""
    out = build_folder(tmp_path / "out")
    env = fake_env(tmp_path, out, allowed=[out])
    r = fusesoc(tmp_path, out, "--no-export", "--target", "impl", CORE, env=env)
    assert r.returncode == 0, r.stderr + r.stdout
    work = tmp_path / "build" / SYSTEM / "impl"
    project = json.loads((work / f"{SYSTEM}.xpr").read_text())
    assert project["top"] == "system_wrapper" and project["wrappers"] == ["system"]
    vivado = out.resolve() / "vivado"
    sourced = project["sourced"]
    assert sourced.index(str(vivado / "ip_repo.tcl")) < sourced.index(str(vivado / "block_design.tcl")) \
        < sourced.index(str(vivado / "strategies.tcl"))
    assert project["ip_repo_paths"] == [str(out.resolve() / "ip_repo")]
    assert project["runs"]["impl_1"]["STRATEGY"] == "Performance_Explore"
    assert "dpu" in project["cells"]
    # The hook ran in the work root and wrote there, under build.tcl's names.
    assert zipfile.is_zipfile(work / "pynq_z2_dpu.xsa")
    assert (work / "reports" / "utilization.rpt").is_file()
    assert (work / "reports" / "timing_summary.rpt").is_file()


@needs_fusesoc
@needs_tools
def test_fusesoc_export_needs_the_ip_repo_variable(tmp_path):
    """With FuseSoC's default export the Tcl is a copy away from ip_repo/: the project step
    stops with a message naming the way out; HWGEN_DPU_IP_REPO fixes it."""
    out = build_folder(tmp_path / "out")
    env = fake_env(tmp_path, out)
    r = fusesoc(tmp_path, out, "--target", "impl", CORE, env=env)
    assert r.returncode != 0
    assert "is not in the IP catalog" in r.stdout and "--no-export" in r.stdout
    env["HWGEN_DPU_IP_REPO"] = str(out / "ip_repo")
    r = fusesoc(tmp_path, out, "--target", "impl", CORE, env=env)
    assert r.returncode == 0, r.stderr + r.stdout


def test_edalize_project_needs_no_board_files(tmp_path):
    """The Edalize project Tcl FuseSoC writes runs under the recorder on a Vivado that has
    no board files at all, and the PS still gets the vendor's preset (50 MHz crystal)."""
    from tclrec import run_tcl

    exe = shutil.which("fusesoc") or str(Path(sys.executable).parent / "fusesoc")
    assert Path(exe).is_file(), "fusesoc is a required dependency (pyproject.toml)"
    out = build_folder(tmp_path / "out")
    r = subprocess.run([exe, "--cores-root", str(out), "run", "--no-export", "--setup",
                        "--target", "impl", CORE], cwd=tmp_path, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr + r.stdout
    work = tmp_path / "build" / SYSTEM / "impl"
    rec = run_tcl(work / f"{SYSTEM}.tcl", cwd=work, allowed_dirs=[work, out], board_parts={},
                  repo_ips={out / "ip_repo": [DPU_VLNV]}, check=True)
    assert rec.project.part == "xc7z020clg400-1" and rec.project.board_part is None
    assert rec.cells["ps7"].config["PCW_CRYSTAL_PERIPHERAL_FREQMHZ"] == "50"


# ----------------------------------------------------------------------------- hwgen run --setup-only
def test_run_setup_only(tmp_path):
    out = tmp_path / "out"
    r = hwgen_main("run", "--setup-only", "-o", out, "--jobs", "6", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    work = out / "edalize"
    tcl = (work / "pynq_z2_dpu.tcl").read_text()
    assert "source {../vivado/block_design.tcl}" in tcl
    assert sources_in(tcl) == ["ip_repo.tcl", "block_design.tcl", "strategies.tcl"]
    assert "set_property top system_wrapper [current_fileset]" in tcl
    assert "launch_runs impl_1 -to_step write_bitstream -jobs 6" in (work / "pynq_z2_dpu_run.tcl").read_text()
    make = (work / "Makefile").read_text()
    assert "export_xsa: pynq_z2_dpu.bit\n\t$(EDALIZE_LAUNCHER) vivado -notrace -mode batch " \
           "-source ../vivado/export_xsa.tcl -tclargs ..\n" in make
    # Nothing in the project points at this machine: the folder can move to one with Vivado.
    for f in work.iterdir():
        assert str(tmp_path) not in f.read_text(), f
    assert f"make -C {out / 'edalize'}" in r.stdout
    # --jobs is build.jobs for this run: the core says so too.
    assert core(out)["targets"]["impl"]["flow_options"]["jobs"] == 6


@needs_fusesoc
def test_run_and_fusesoc_set_up_the_same_project(tmp_path):
    out = tmp_path / "out"
    assert hwgen_main("run", "--setup-only", "-o", out).returncode == 0
    assert fusesoc(tmp_path, out, "--setup", "--target", "impl", CORE).returncode == 0
    ours = (out / "edalize" / "pynq_z2_dpu.tcl").read_text()
    theirs = (tmp_path / "build" / SYSTEM / "impl" / f"{SYSTEM}.tcl").read_text()

    def shape(tcl, name):
        return [Path(l.split("{")[1].rstrip("}")).name if l.startswith("source {") else l.replace(name, "NAME")
                for l in tcl.splitlines() if l.strip()]
    assert shape(ours, "pynq_z2_dpu") == shape(theirs, SYSTEM)


def test_run_over_budget_stops_before_the_project(tmp_path):
    out = tmp_path / "out"
    r = hwgen_main("run", "--dpu", "B4096", "-o", out)
    assert r.returncode == 1
    assert "FAIL" in r.stderr
    assert not (out / "edalize").exists()
    assert not (out / "vivado").exists()


# ----------------------------------------------------------------------------- no vivado
@needs_tools
def test_run_without_vivado_exits_3(tmp_path):
    out = tmp_path / "out"
    r = hwgen_main("run", "-o", out, env=no_vivado_env())
    assert r.returncode == 3, r.stderr
    assert "vivado is not on PATH" in r.stderr
    assert f"set up in {out / 'edalize'}" in r.stderr
    assert f"  make -C {out / 'edalize'}\n" in r.stderr
    assert (out / "edalize" / "Makefile").is_file()
    assert not (out / "edalize" / "hwgen_run.log").exists()     # nothing was started


@needs_tools
def test_missing_tools(tmp_path):
    from hwgen.run.edalize_bridge import missing_tools

    make_dir = str(Path(shutil.which("make")).parent)
    assert missing_tools({"PATH": make_dir}) == ["vivado is not on PATH"]
    # A launcher (a container, a remote host) brings its own Vivado; make is still local.
    assert missing_tools({"PATH": make_dir, "EDALIZE_LAUNCHER": "docker-vivado"}) == []
    assert missing_tools({"PATH": str(tmp_path), "EDALIZE_LAUNCHER": "x"}) == [
        "make is not on PATH (Edalize runs Vivado through a Makefile)"]
    _fakevivado.install(tmp_path / "bin")
    assert missing_tools({"PATH": f"{tmp_path / 'bin'}{os.pathsep}{make_dir}"}) == []


# ----------------------------------------------------------------------------- progress
# A run as the logs show it: the build log with `[date] impl_1 finished` lines (Vivado's
# format, as in tests/fixtures/logs), and the runs' runme.log files with the step markers.
MAIN_LOG = """\
# Vivado v2023.2 (64-bit)
create_project: Time (s): cpu = 00:00:04 ; elapsed = 00:00:06 . Memory (MB): peak = 1112.004
INFO: [Common 17-206] Exiting Vivado at Sat Nov 28 10:00:40 2026...
# Vivado v2023.2 (64-bit)
[Sat Nov 28 10:01:00 2026] Launched synth_1...
[Sat Nov 28 10:19:00 2026] synth_1 finished
[Sat Nov 28 10:19:10 2026] Launched impl_1...
[Sat Nov 28 10:45:00 2026] impl_1 finished
INFO: [Common 17-206] Exiting Vivado at Sat Nov 28 10:45:10 2026...
# Vivado v2023.2 (64-bit)
open_project: Time (s): cpu = 00:00:10 ; elapsed = 00:00:12 . Memory (MB): peak = 1300.1
INFO: [Vivado 12-4895] Creating Hardware Platform: ../pynq_z2_dpu.xsa ...
INFO: [Common 17-206] Exiting Vivado at Sat Nov 28 10:46:00 2026...
"""
SYNTH_LOG = """\
Command: synth_design -top system_wrapper -part xc7z020clg400-1
Starting synth_design
synth_design completed successfully
INFO: [Common 17-206] Exiting Vivado at Sat Nov 28 10:18:59 2026...
"""
IMPL_LOG = """\
Command: opt_design
Starting Logic Optimization Task
Command: place_design
Starting Placer Task
Phase 1 Placer Initialization
Command: route_design
Starting Routing Task
Command: write_bitstream -force system_wrapper.bit
write_bitstream completed successfully
INFO: [Common 17-206] Exiting Vivado at Sat Nov 28 10:44:59 2026...
"""


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_progress_shows_stages_in_flow_order(tmp_path):
    """Fed the whole run at once (as after a fast build), the stages still come out in the
    flow's order: a run's log is read where the build log says the run finished."""
    from hwgen.run.progress import Progress, RunLogs

    main = tmp_path / "hwgen_run.log"
    runs = tmp_path / "p.runs"
    main.write_text(MAIN_LOG)
    for run, text in (("synth_1", SYNTH_LOG), ("impl_1", IMPL_LOG)):
        (runs / run).mkdir(parents=True)
        (runs / run / "runme.log").write_text(text)
    clock, lines = Clock(), []
    progress = Progress(lines.append, heartbeat_s=300, now=clock)
    logs = RunLogs(main, [runs / "synth_1" / "runme.log", runs / "impl_1" / "runme.log"], since=0)
    for source, line in logs.read():
        clock.t += 1
        progress.feed(source, line)
    progress.finish(True)
    stages = [l.split("] ", 1)[1].split(" (")[0] for l in lines]
    assert stages == ["project and block design", "synthesis", "logic optimization", "placement",
                      "routing", "bitstream", "reports and XSA export", "Vivado finished"]
    assert progress.errors == []


def test_progress_times_and_heartbeat(tmp_path):
    from hwgen.run.progress import Progress

    clock, lines = Clock(), []
    p = Progress(lines.append, heartbeat_s=300, now=clock)
    clock.t += 65
    p.feed("impl_1", "Phase 1 Placer Initialization")
    clock.t += 299
    p.tick()                                   # not yet five minutes without a line
    clock.t += 1
    p.tick()
    clock.t += 3600 - 365 + 5
    p.feed("impl_1", "Starting Routing Task")
    assert lines == ["[1:05] placement",
                     "[6:05] still in placement (5:00 so far)",
                     "[1:00:05] routing (placement took 59:00)"]


def test_progress_never_goes_back_and_reports_errors():
    from hwgen.run.progress import Progress

    clock, lines = Clock(), []
    p = Progress(lines.append, now=clock)
    p.feed("main", "[Sat Nov 28 10:19:10 2026] Launched impl_1...")
    p.feed("synth_1", "Starting synth_design")               # an older marker: ignored
    p.feed("impl_1", "Starting Routing Task")
    p.feed("impl_1", "ERROR: [Route 35-9] Router failed: design is unroutable")
    p.feed("impl_1", "Command: write_bitstream -force x.bit")  # after an error: ignored
    p.finish(False)
    assert lines == [
        "[0:00] logic optimization", "[0:00] routing (logic optimization took 0:00)",
        "[0:00] Vivado reported an error: ERROR: [Route 35-9] Router failed: design is unroutable",
        "[0:00] Vivado failed during routing",
        "  ERROR: [Route 35-9] Router failed: design is unroutable"]


def test_run_logs_skip_a_previous_run_and_follow_a_replaced_file(tmp_path):
    from hwgen.run.progress import RunLogs

    old = tmp_path / "r" / "impl_1" / "runme.log"
    old.parent.mkdir(parents=True)
    old.write_text("Starting Routing Task\n")
    os.utime(old, (100, 100))                   # written long before this run
    main = tmp_path / "main.log"
    main.write_text("")
    logs = RunLogs(main, [old], since=200)
    assert logs.read() == []
    old.write_text("Command: opt_design\npartial")   # the new run rewrites it
    assert logs.read() == [("impl_1", "Command: opt_design")]
    with open(old, "a") as f:
        f.write(" line\n")
    assert logs.read() == [("impl_1", "partial line")]
    tmp = old.with_suffix(".new")
    tmp.write_text("Starting Placer Task\n")
    os.replace(tmp, old)                          # a relaunch replaces the file
    assert logs.read() == [("impl_1", None), ("impl_1", "Starting Placer Task")]


# ----------------------------------------------------------------------------- end to end
def run_with_fake(tmp_path, *args, **extra):
    out = tmp_path / "out"
    build_folder(out)
    env = fake_env(tmp_path, out, **extra)
    return out, hwgen_main("run", "-o", out, *args, env=env, cwd=tmp_path)


@needs_tools
def test_run_end_to_end_passes(tmp_path):
    out, r = run_with_fake(tmp_path)
    assert r.returncode == 0, r.stderr + r.stdout
    stages = [l.split("] ", 1)[1].split(" (")[0] for l in r.stdout.splitlines() if l.startswith("[")]
    assert stages == ["project and block design", "synthesis", "logic optimization", "placement",
                      "physical optimization", "routing", "bitstream", "reports and XSA export",
                      "Vivado finished"], r.stdout
    # The reports land where vivado/build.tcl writes them, and the verdict reads them.
    assert "resource budget from Vivado's reports" in r.stdout
    assert "PASS: pynq_z2_dpu on xc7z020clg400-1, resource budget from Vivado's reports" in r.stdout
    assert "timing met: WNS 0.412 ns" in " ".join(r.stdout.split()), r.stdout
    assert "FAIL" not in r.stdout
    log = (out / "edalize" / "hwgen_run.log").read_text()
    assert "agrees with vitis-ai/arch.json: fingerprint 0x101000056010400" in log
    assert zipfile.is_zipfile(out / "pynq_z2_dpu.xsa")
    log = (out / "edalize" / "hwgen_run.log").read_text()
    assert "Launched impl_1" in log and "Creating Hardware Platform" in log
    assert "Launched impl_1" not in r.stdout     # the raw log stays in the file
    project = json.loads((out / "edalize" / "pynq_z2_dpu.xpr").read_text())
    assert project["top"] == "system_wrapper"


@needs_tools
def test_run_end_to_end_over_budget_after_the_build(tmp_path):
    # 50,000 of 53,200 LUTs is 93.98 %, over the 80 % limit (budget.lut default).
    out, r = run_with_fake(tmp_path, FAKE_VIVADO_USED="LUT=50000")
    assert r.returncode == 1, r.stderr + r.stdout
    assert "93.98%" in r.stdout and "FAIL: pynq_z2_dpu on xc7z020clg400-1, resource budget from Vivado" in r.stdout
    assert "post-build check failed" in r.stderr


@needs_tools
def test_run_end_to_end_negative_slack(tmp_path):
    out, r = run_with_fake(tmp_path, FAKE_VIVADO_WNS="-0.250")
    assert r.returncode == 1, r.stderr + r.stdout
    assert "setup fails: WNS -0.250 ns" in " ".join(r.stdout.split())
    assert "FAIL: pynq_z2_dpu on xc7z020clg400-1, resource budget from Vivado" in r.stdout


@needs_tools
def test_run_end_to_end_ip_arch_json_not_found_fails_the_verdict(tmp_path):
    """The DPU's output products hold no arch.json: the Tcl warns, the build completes, and
    the verdict reports the check it could not make as failed."""
    out, r = run_with_fake(tmp_path, FAKE_VIVADO_DPU_ARCH_JSON="none")
    assert r.returncode == 1, r.stderr + r.stdout
    assert "PASS: pynq_z2_dpu on xc7z020clg400-1, resource budget from Vivado's reports" in r.stdout  # the reports pass
    fails = [l for l in r.stdout.splitlines() if l.startswith("FAIL: dpu.arch_json: NOT CHECKED")]
    assert len(fails) == 1 and "fingerprint 0x101000056010400" in fails[0], r.stdout
    assert "could not be made during the build (dpu.arch_json)" in r.stderr
    assert zipfile.is_zipfile(out / "pynq_z2_dpu.xsa")


@needs_tools
def test_run_end_to_end_ip_arch_json_differs_stops_the_build(tmp_path):
    out, r = run_with_fake(tmp_path, FAKE_VIVADO_DPU_ARCH_JSON='{"fingerprint":"0x101000056010200"}')
    assert r.returncode == 1
    assert "has fingerprint 0x101000056010200" in r.stdout and "has 0x101000056010400" in r.stdout
    assert "the Vivado build failed" in r.stderr
    assert not (out / "reports").exists()


@needs_tools
def test_run_end_to_end_vivado_error(tmp_path):
    """No DPU in the IP repository: the project step fails, the run says where and why."""
    out = tmp_path / "out"
    build_folder(out)
    env = fake_env(tmp_path, out)
    env["FAKE_VIVADO_REPO_IPS"] = "{}"
    r = hwgen_main("run", "-o", out, env=env)
    assert r.returncode == 1
    assert "Vivado failed" in r.stdout
    assert "is not in the IP catalog" in r.stdout
    assert "the Vivado build failed" in r.stderr and "hwgen_run.log" in r.stderr
    assert not (out / "reports").exists()


@needs_tools
def test_run_respects_edalize_launcher(tmp_path):
    launcher = tmp_path / "launch"
    record = tmp_path / "launched.txt"
    launcher.write_text(f'#!/bin/sh\necho "$@" >> "{record}"\nexec "$@"\n')
    launcher.chmod(0o755)
    out, r = run_with_fake(tmp_path, EDALIZE_LAUNCHER=str(launcher))
    assert r.returncode == 0, r.stderr + r.stdout
    launched = record.read_text().splitlines()
    assert launched == ["vivado -notrace -mode batch -source pynq_z2_dpu.tcl",
                        "vivado -notrace -mode batch -source pynq_z2_dpu_synth.tcl pynq_z2_dpu_run.tcl pynq_z2_dpu.xpr",
                        "vivado -notrace -mode batch -source ../vivado/export_xsa.tcl -tclargs .."]


def test_export_script_needs_one_project(tmp_path):
    from tclrec import run_tcl

    out = build_folder(tmp_path / "out")
    rec = run_tcl(out / "vivado" / "export_xsa.tcl", cwd=tmp_path, allowed_dirs=[tmp_path])
    assert rec.error is not None and "expected one Vivado project (*.xpr)" in rec.error


# ----------------------------------------------------------------------------- imports
def test_cli_does_not_import_edalize_or_fusesoc():
    code = ("import sys, hwgen.cli, hwgen.run.edalize_bridge, hwgen.run.run, hwgen.emit.fusesoc_core; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('edalize', 'fusesoc')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=hwgen_env(),
                       cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
