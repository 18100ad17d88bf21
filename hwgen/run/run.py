"""What `hwgen run` does: budget check, build folder, Edalize project, Vivado, post-build check.

1. the budget estimate; over budget stops here (exit 1) and writes only budget.json;
2. the build folder, as ``hwgen build`` writes it;
3. the Edalize project in ``<build folder>/edalize`` (hwgen/run/edalize_bridge.py);
4. unless ``setup_only``: Vivado through Edalize with stage lines, or, when vivado is
   not on PATH, a message saying where the project is and how to build it (exit 3);
5. the verdict on the reports the run wrote, and the checks hwgen's Tcl reported it could
   not make (a "WARNING: [hwgen <check>]" line in the log), each a failed check (exit 1).
"""

from __future__ import annotations

import time
from pathlib import Path

from hwgen.errors import CheckFailed, ToolMissing


def _design(board, dpu, sets, jobs):
    from hwgen.model.design import load_design

    # --jobs is build.jobs for this run; as a --set it is validated like the YAML and the
    # generated files (core, build.tcl) say which value they were written with.
    extra = (f"build.jobs={jobs}",) if jobs is not None else ()
    return load_design(board, dpu, tuple(sets) + extra)


def _read_reports(out: Path, since: float, design):
    from hwgen.budget import estimate as budget
    from hwgen.budget.reports import ReportError, parse_timing_summary_file, parse_utilization_file
    from hwgen.emit.vivado import TIMING_REPORT, UTILIZATION_REPORT

    paths = [out / UTILIZATION_REPORT, out / TIMING_REPORT]
    for p in paths:
        if not p.is_file():
            raise CheckFailed(f"{p}: missing; the run's export step writes it (see the Vivado log), "
                              "so the post-build check cannot run")
        if p.stat().st_mtime < since - 2:   # 2 s: coarse file-system timestamps
            raise CheckFailed(f"{p}: older than this run (left from an earlier one); the export step "
                              "did not rewrite it, so the post-build check cannot trust it")
    try:
        util = parse_utilization_file(paths[0])
        timing = parse_timing_summary_file(paths[1])
    except ReportError as exc:
        raise CheckFailed(f"post-build check: {exc}") from None
    return budget.from_reports(util, timing, design=design)


def run(board, dpu, sets, out: Path | None, jobs: int | None, setup_only: bool, echo) -> None:
    from hwgen.run import edalize_bridge
    from hwgen.budget.estimate import estimate
    from hwgen.folder.build import build
    from hwgen.emit.fusesoc_core import core_spec
    from hwgen.budget.verdict_format import table_lines, to_text

    design = _design(board, dpu, sets, jobs)
    out = out or Path("build") / design.board.name

    # 1-2. budget, then the build folder (build() refuses an over-budget design itself).
    verdict = estimate(design)
    outputs = build(design, out, verdict=verdict)
    echo(f"{design.name}: budget estimate passes (`hwgen check` shows where each figure comes from)")
    for line in table_lines(verdict):
        echo(f"  {line}")
    echo(f"{design.name}: wrote {len(outputs)} files to {out}")

    # 3. Edalize project.
    project = edalize_bridge.setup(core_spec(design), out)
    echo(f"Edalize project set up in {project.work_root} (Vivado flow: Makefile, {project.name}.tcl)")
    if setup_only:
        echo(f"--setup-only: build it with `{project.command}` (Vivado on PATH), "
             "or run hwgen run again without --setup-only")
        return

    # 4. Vivado.
    missing = edalize_bridge.missing_tools()
    if missing:
        raise ToolMissing(
            f"hwgen run: cannot build here: {'; '.join(missing)}.\n"
            f"The Vivado project is set up in {project.work_root} (Edalize: Makefile, "
            f"{project.name}.tcl); nothing was run.\n"
            f"On a machine with Vivado 2023.2 on PATH, run:\n"
            f"  {project.command}\n"
            "or run this hwgen run command again there for the progress display and the "
            "post-build check.")
    started = time.time()
    result = edalize_bridge.build(project, echo)
    if not result.ok:
        raise CheckFailed(f"hwgen run: the Vivado build failed ({result.message or 'see the log'}); "
                          f"full log: {project.log_path}")

    # 5. post-build check on what the run wrote.
    after = _read_reports(out, started, design)
    echo(to_text(after).rstrip("\n"))
    # A check the Tcl could not make is not a pass: the run says which and why.
    for check, why in result.hwgen_checks:
        echo(f"FAIL: {check}: {why}")
    if not after.ok:
        raise CheckFailed(f"{design.name}: the post-build check failed (reports in {out / 'reports'})")
    if result.hwgen_checks:
        raise CheckFailed(f"{design.name}: {len(result.hwgen_checks)} check(s) could not be made during the "
                          f"build ({', '.join(c for c, _ in result.hwgen_checks)}); see FAIL lines above "
                          f"and {project.log_path}")
