"""A fake `vivado` for the tests: runs the Tcl it is given under tclsh with the recorder.

There is no Vivado here. ``install(bin_dir)`` writes ``bin_dir/vivado``, a shell
wrapper that runs this file; put ``bin_dir`` first on PATH and Edalize's Makefile (or
anything else) calls it instead of Vivado. Each call is one Vivado session:

* ``vivado [-notrace] [-mode batch] -source a.tcl [b.tcl ...] [x.xpr] [-tclargs ...]``
  runs the scripts, in order, at global level in one tclsh with tests/tclrec loaded.
  Unknown Vivado commands and switches fail there, as they would in Vivado.
* A project is the recorder's state, which lives only as long as one tclsh. So after a
  session that created a project the fake writes ``<name>.xpr`` as JSON holding the
  scripts that made it, and opening that .xpr (``vivado x.xpr`` or ``open_project``)
  replays them: the project, its block design and its launched runs come back.
* ``launch_runs`` also leaves what a run leaves on disk: ``<name>.runs/<run>/runme.log``
  with the markers Vivado prints, and ``<top>.bit`` for an implementation run (Edalize's
  run.tcl globs for it in the same session). Stdout gets the lines a batch Vivado prints
  around runs ("Launched impl_1...", "impl_1 finished") and the exit message.
* ``report_utilization -file`` and ``report_timing_summary -file`` write small reports in
  Vivado's format (hwgen/budget/reports.py parses them); ``write_hw_platform`` writes a zip.

The figures in the reports come from the environment, so a test can make a run fail:
``FAKE_VIVADO_USED="LUT=30000,FF=40000,BRAM=70,DSP=98"``, ``FAKE_VIVADO_WNS=-0.25``.
``FAKE_VIVADO_DPU_ARCH_JSON`` is what the DPU's output products hold as arch.json:
unset, the IP's fingerprint template (tests/tclrec/dpu_ip.tcl); ``none``, no arch.json
(a release that writes it elsewhere); anything else, that text. ``FAKE_VIVADO_REPO_IPS`` is JSON ``{ip repository dir: [VLNV, ...]}`` (the DPU is not
in the stock catalog), ``FAKE_VIVADO_ALLOWED`` extra folders (os.pathsep) the Tcl may
source from and write to (default: the working directory's parent).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_USED = {"LUT": 30000, "FF": 40000, "BRAM": 70, "DSP": 98}
DEFAULT_WNS = 0.412
DEFAULT_WHS = 0.021
STAMP = "Sat Nov 28 10:00:00 2026"


def install(bin_dir: Path) -> Path:
    """Write ``bin_dir/vivado`` (runs this file with the current Python); return its path."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    exe = bin_dir / "vivado"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{Path(__file__).resolve()}" "$@"\n')
    exe.chmod(0o755)
    return exe


# ----------------------------------------------------------------------------- Tcl prelude
def _tcl_word(text: str) -> str:
    from tclrec import tcl_word

    return tcl_word(text)


def _tcl_list(items) -> str:
    return "[list " + " ".join(_tcl_word(str(i)) for i in items) + "]"


# The prelude the recorder sources instead of the session's scripts. Tcl, not Python,
# because the run's files must exist while the session still runs (run.tcl globs for the
# bitstream right after wait_on_run).
PRELUDE = r"""
set ::rec::dpu::outputs %(dpu_outputs)s
namespace eval ::fake {
    variable projects %(projects)s
    variable replaying 0
    variable stamp {%(stamp)s}
}

proc ::fake::write {path text} {
    ::rec::orig::file mkdir [::rec::orig::file dirname $path]
    set f [::rec::orig::open $path w]
    puts -nonewline $f $text
    close $f
}

proc ::fake::replay {history} {
    variable replaying
    incr replaying
    foreach step $history {
        lassign $step scripts argv
        set ::argv $argv
        set ::argc [llength $argv]
        foreach s $scripts { uplevel #0 [list source $s] }
    }
    incr replaying -1
}

# What replayed scripts print was printed when they first ran.
rename ::puts ::fake::puts
proc ::puts {args} {
    set n [llength $args]
    set to_stdout [expr {$n == 1 || ($n == 2 && [lindex $args 0] eq "-nonewline")
                         || [lindex $args end-1] eq "stdout"}]
    if {$::fake::replaying && $to_stdout} { return }
    uplevel 1 [list ::fake::puts {*}$args]
}

# Opening a project the fake wrote replays the scripts that made it.
rename ::open_project ::fake::recorder_open_project
proc ::open_project {args} {
    set name [uplevel 1 [list ::fake::recorder_open_project {*}$args]]
    set xpr [::rec::orig::file normalize [lindex $args end]]
    if {[dict exists $::fake::projects $xpr]} {
        ::fake::replay [dict get $::fake::projects $xpr]
    }
    return $name
}

proc ::fake::runme {run} {
    variable stamp
    set top [get_property top [current_fileset]]
    set part [get_property PART [current_project]]
    set lines [list "" "*** Running vivado" "    with args -log $top.vds -m64 -mode batch -source $top.tcl" ""]
    if {[get_property IS_SYNTHESIS [get_runs $run]]} {
        lappend lines "Command: synth_design -top $top -part $part" "Starting synth_design" \
            "synth_design completed successfully"
    } else {
        lappend lines "Command: link_design -top $top -part $part" "link_design completed successfully" \
            "Command: opt_design" "Starting Logic Optimization Task" "opt_design completed successfully" \
            "Command: place_design" "Starting Placer Task" "Phase 1 Placer Initialization" \
            "place_design completed successfully" "Command: phys_opt_design" \
            "phys_opt_design completed successfully" "Command: route_design" "Starting Routing Task" \
            "route_design completed successfully" "Command: write_bitstream -force $top.bit" \
            "Loading data files..." "Creating bitstream..." "Writing bitstream ./$top.bit..." \
            "INFO: \[Vivado 12-1842\] Bitgen Completed Successfully." \
            "write_bitstream completed successfully"
    }
    lappend lines "INFO: \[Common 17-206\] Exiting Vivado at $stamp..." ""
    set dir [get_property DIRECTORY [get_runs $run]]
    ::fake::write [::rec::orig::file join $dir runme.log] [join $lines \n]
    if {![get_property IS_SYNTHESIS [get_runs $run]]} {
        ::fake::write [::rec::orig::file join $dir $top.bit] "fake bitstream of $top\n"
    }
    return [::rec::orig::file join $dir runme.log]
}

rename ::launch_runs ::fake::recorder_launch_runs
proc ::launch_runs {args} {
    set r [uplevel 1 [list ::fake::recorder_launch_runs {*}$args]]
    if {!$::fake::replaying} {
        set runs [lsearch -all -inline -not -glob [::rec::flat $args] -*]
        set runs [lsearch -all -inline -not -regexp $runs {^[0-9]+$|^write_bitstream$|^[a-z_]+_design$}]
        puts "\[$::fake::stamp\] Launched [join $runs {, }]..."
        puts "Run output will be captured here:"
        foreach run $runs { puts "$run: [::fake::runme $run]" }
    }
    return $r
}

rename ::wait_on_run ::fake::recorder_wait_on_run
proc ::wait_on_run {args} {
    set r [uplevel 1 [list ::fake::recorder_wait_on_run {*}$args]]
    if {!$::fake::replaying} {
        puts "\[$::fake::stamp\] Waiting for [lindex $args end] to finish..."
        puts "\[$::fake::stamp\] [lindex $args end] finished"
    }
    return $r
}

# The session: `vivado x.xpr` opens the project first, then the scripts run in order.
set ::fake::xpr %(xpr)s
if {$::fake::xpr ne ""} { open_project $::fake::xpr }
set ::argv %(argv)s
set ::argc [llength $::argv]
foreach ::fake::script %(sources)s { source $::fake::script }
"""


# ----------------------------------------------------------------------------- reports
def _used() -> dict:
    used = dict(DEFAULT_USED)
    for item in filter(None, os.environ.get("FAKE_VIVADO_USED", "").split(",")):
        name, value = item.split("=")
        used[name.strip().upper()] = float(value)
    return used


def _header(command: str, top: str, device: str, state: str) -> list[str]:
    rule = "-" * 100
    return ["Copyright 1986-2022 Xilinx, Inc. All Rights Reserved. Copyright 2022-2023 Advanced Micro Devices, Inc. All Rights Reserved.",
            rule,
            "| Tool Version : Vivado v.2023.2 (lin64) Build 4029153 Fri Oct 13 20:13:54 MDT 2023",
            f"| Date         : {STAMP}",
            "| Host         : fake-vivado running 64-bit tclsh",
            f"| Command      : {command}",
            f"| Design       : {top}",
            f"| Device       : {device}",
            f"| Design State : {state}",
            rule, ""]


def _table(rows: list[tuple]) -> list[str]:
    head = ("Site Type", "Used", "Fixed", "Prohibited", "Available", "Util%")
    cells = [head] + [tuple(str(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    sep = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def line(r, head=False):
        out = []
        for i, (c, w) in enumerate(zip(r, widths)):
            out.append(" " + (c.center(w) if head else (c.ljust(w) if i == 0 else c.rjust(w))) + " ")
        return "|" + "|".join(out) + "|"
    return [sep, line(head, True), sep] + [line(r) for r in cells[1:]] + [sep]


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def utilization_report(top: str, part: str, used: dict) -> str:
    # xc7z020 capacities (shared/reference/devices.md), as Vivado prints them.
    avail = {"LUT": 53200, "FF": 106400, "BRAM": 140, "DSP": 220}

    def row(label, name):
        u = used[name]
        return (label, _fmt(u), 0, 0, avail[name], f"{100.0 * u / avail[name]:.2f}")
    lines = _header(f"report_utilization -file reports/utilization.rpt", top, part, "Fully Placed")
    lines += ["Utilization Design Information", "", "Table of Contents", "-----------------",
              "1. Slice Logic", "2. Slice Logic Distribution", "3. Memory", "4. DSP", "",
              "1. Slice Logic", "--------------", ""]
    lines += _table([row("Slice LUTs", "LUT"), row("Slice Registers", "FF")])
    lines += ["", "", "2. Slice Logic Distribution", "---------------------------", ""]
    slices = int(used["LUT"] // 4)
    lines += _table([("Slice", slices, 0, 0, 13300, f"{100.0 * slices / 13300:.2f}")])
    lines += ["", "", "3. Memory", "---------", ""]
    lines += _table([row("Block RAM Tile", "BRAM")])
    lines += ["", "", "4. DSP", "------", ""]
    lines += _table([row("DSPs", "DSP")])
    return "\n".join(lines + ["", ""])


def timing_report(top: str, part: str, wns: float, whs: float) -> str:
    device = part[2:].split("-")[0]          # xc7z020clg400-1 -> 7z020clg400, then as Vivado: 7z020-clg400
    device = f"{device[:5]}-{device[5:]}"
    failing = 17 if wns < 0 else 0
    tns = wns * failing if wns < 0 else 0.0
    lines = _header("report_timing_summary -max_paths 10 -report_unconstrained -warn_on_violation "
                    "-file reports/timing_summary.rpt", top, device, "Routed")
    lines += ["Timing Summary Report", "",
              "-" * 96, "| Design Timing Summary", "| ---------------------", "-" * 96, "",
              "    WNS(ns)      TNS(ns)  TNS Failing Endpoints  TNS Total Endpoints      WHS(ns)      THS(ns)  THS Failing Endpoints  THS Total Endpoints     WPWS(ns)     TPWS(ns)  TPWS Failing Endpoints  TPWS Total Endpoints  ",
              "    -------      -------  ---------------------  -------------------      -------      -------  ---------------------  -------------------     --------     --------  ----------------------  --------------------  ",
              f"{wns:11.3f}  {tns:11.3f}  {failing:21d}  {70112:19d}  {whs:11.3f}  {0.0:11.3f}  {0:21d}  {70112:19d}  {2.020:11.3f}  {0.0:11.3f}  {0:22d}  {30012:20d}  ",
              "", "",
              "Timing constraints are not met." if wns < 0 else "All user specified timing constraints are met.",
              "", ""]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- session
def _parse_args(argv: list[str]):
    sources, xpr, tclargs = [], "", []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "-tclargs":
            tclargs = argv[i + 1:]
            break
        if a in ("-notrace", "-nolog", "-nojournal", "-quiet", "-verbose"):
            pass
        elif a in ("-mode", "-log", "-journal"):
            if a == "-mode" and argv[i + 1] != "batch":
                raise SystemExit(f"fake vivado: only -mode batch, got {argv[i + 1]}")
            i += 1
        elif a == "-source":
            i += 1
            while i < len(argv) and argv[i].endswith(".tcl"):
                sources.append(argv[i])
                i += 1
            continue
        elif a.endswith(".xpr"):
            xpr = a
        else:
            raise SystemExit(f"fake vivado: unknown argument {a!r}")
        i += 1
    return sources, xpr, tclargs


def _projects(cwd: Path) -> dict:
    out = {}
    for x in cwd.glob("*.xpr"):
        try:
            data = json.loads(x.read_text())
        except ValueError:
            continue
        out[str(x.resolve())] = data["history"]
    return out


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    from tclrec import run_tcl

    cwd = Path.cwd()
    print("#-----------------------------------------------------------")
    print("# Vivado v2023.2 (64-bit)  [fake: tests/_fakevivado.py, tclsh + tests/tclrec]")
    print(f"# Start of session at: {STAMP}")
    print(f"# Command line: vivado {' '.join(argv)}")
    print("#-----------------------------------------------------------")
    sources, xpr, tclargs = _parse_args(argv)
    sources = [str((cwd / s).resolve()) for s in sources]
    projects = _projects(cwd)
    xpr_abs = str((cwd / xpr).resolve()) if xpr else ""

    allowed = [cwd.parent] + [Path(p) for p in os.environ.get("FAKE_VIVADO_ALLOWED", "").split(os.pathsep) if p]
    repo_ips = json.loads(os.environ.get("FAKE_VIVADO_REPO_IPS", "{}"))
    proj_dict = "[dict create " + " ".join(
        f"{_tcl_word(k)} [list " + " ".join(f"[list {_tcl_list(s)} {_tcl_list(a)}]" for s, a in v) + "]"
        for k, v in projects.items()) + "]"
    with tempfile.TemporaryDirectory(prefix="fakevivado-") as tmp:
        prelude = Path(tmp) / "session.tcl"
        prelude.write_text(PRELUDE % dict(dpu_outputs=_tcl_word(os.environ.get("FAKE_VIVADO_DPU_ARCH_JSON", "write")),
                                          projects=proj_dict, stamp=STAMP, xpr=_tcl_word(xpr_abs) if xpr_abs else "{}",
                                          argv=_tcl_list(tclargs), sources=_tcl_list(sources)))
        rec = run_tcl(prelude, allowed_dirs=allowed, repo_ips=repo_ips, cwd=cwd)

    sys.stdout.write(rec.stdout)
    if "create_project" in [c.name for c in rec.commands] and not xpr \
            and "open_project" not in [c.name for c in rec.commands]:
        print("create_project: Time (s): cpu = 00:00:04 ; elapsed = 00:00:06 . Memory (MB): peak = 1112.004")

    # Reports and the XSA, where the script asked for them.
    top = rec.top or "top"
    part = rec.project.part if rec.project is not None else "xc7z020clg400-1"
    for r in rec.reports:
        if r.path is None:
            continue
        r.path.parent.mkdir(parents=True, exist_ok=True)
        if r.command == "report_utilization":
            r.path.write_text(utilization_report(top, part, _used()))
        elif r.command == "report_timing_summary":
            wns = float(os.environ.get("FAKE_VIVADO_WNS", DEFAULT_WNS))
            r.path.write_text(timing_report(top, part, wns, DEFAULT_WHS))
    for hw in rec.hw_platforms:
        print(f"INFO: [Vivado 12-4895] Creating Hardware Platform: {hw.file} ...")
        hw.path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(hw.path, "w") as z:
            z.writestr("xsa.json", json.dumps({"fake": True, "top": top, "part": part}))

    failed = not rec.ok or (rec.exit_code not in (None, 0))
    if not rec.ok:
        detail = rec.error or "; ".join(f"{v.command}: {v.reason}" for v in rec.violations)
        print(f"ERROR: [Common 17-69] Command failed: {detail}")
        sys.stderr.write(rec.error_info or "")
    elif rec.project is not None:
        # The project "on disk": the scripts that made it, to replay when it is opened.
        opened = [c.args[-1] for c in rec.commands if c.name == "open_project"]
        base = projects.get(str((cwd / opened[-1]).resolve()), []) if opened else []
        history = base + [[sources, tclargs]]
        target = rec.project.dir / f"{rec.project.name}.xpr"
        # What a test wants to know about the project, beside what replays it.
        target.write_text(json.dumps({
            "fake_vivado": True, "name": rec.project.name, "part": rec.project.part,
            "board_part": rec.project.board_part, "top": rec.top, "history": history,
            "sourced": [str(p) for p in rec.sourced],
            "ip_repo_paths": [str(p) for p in rec.ip_repo_paths],
            "runs": {k: dict(v) for k, v in rec.runs.items()},
            "wrappers": [w.design for w in rec.wrappers],
            "cells": sorted(rec.cells),
        }, indent=1))
    print(f"INFO: [Common 17-206] Exiting Vivado at {STAMP}...")
    sys.stdout.flush()
    if failed:
        return rec.exit_code if rec.exit_code not in (None, 0) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
