"""`hwgen build` and `hwgen run`: a build folder, and a bitstream from it."""

from __future__ import annotations

from pathlib import Path

import click

from hwgen.cli.app import CONTEXT, _no_wait, _selection, _verbose, echo_text, main

# Graphviz is optional: without it the build writes the diagram's DOT source and no SVG.
# One line on stderr says so (the page itself says it too), with how to get it.
NO_GRAPHVIZ = ("WARNING: Graphviz `dot` is not on PATH, so {svg} was not drawn ({dot} was "
               "written); install Graphviz (Debian/Ubuntu: apt-get install graphviz, macOS: "
               "brew install graphviz) and build again to get the diagram")


@main.command(context_settings=CONTEXT)
@_selection
@click.option("-o", "--output", "out", type=click.Path(path_type=Path),
              help="Build folder (default: build/<board>).")
@click.option("--allow-over-budget", is_flag=True,
              help="Write every file even when the budget check fails (it exits 1 and writes "
                   "only budget.json otherwise).")
@_verbose
@_no_wait
def build(board, dpu, sets, out, allow_over_budget, verbose, no_wait):
    """Check the budget, then write the design's build folder.

    \b
    Over budget it exits 1 and writes only OUT/budget.json, the failing verdict.
    One build writes a folder at a time: a second one waits for the first,
    or with --no-wait exits 75. A build interrupted by a crash is reported
    and completed by the next one (docs/safety.md).
    Example:
      hwgen build --board zybo_z7_20 --set linux.cma=256M -o build/zybo
    """
    from hwgen.budget.estimate import estimate
    from hwgen.model.design import load_design

    design = load_design(board, dpu, sets)
    out = out or Path("build") / design.board.name
    verdict = estimate(design)
    diagram = review = None
    try:
        if verdict.ok or allow_over_budget:
            # Graphviz starts first, before its input exists, then draws the diagram from
            # before the file generators are even imported: on another core while they load
            # and render (a build over budget draws nothing and never loads the renderer).
            from hwgen.review import diagram

            diagram.prestart_dot()
            from hwgen.review.report import start_review

            review = start_review(design)
        from hwgen.folder.build import BUDGET_FILE, OverBudget, build as run_build

        try:
            outputs = run_build(design, out, verdict=verdict, allow_over_budget=allow_over_budget,
                                wait=not no_wait, review=review)
        except OverBudget as exc:
            exc.verbose = verbose
            raise
    finally:
        if review is not None:
            review.drawing.close()      # stops dot if the build failed; else a no-op
        if diagram is not None:
            diagram.drop_prestarted()   # one start_review did not take (it failed first)
    _say_if_no_diagram(out, outputs)
    if not verdict.ok:
        from hwgen.emit.texttable import wrap

        lines = wrap(f"WARNING: {design.name} FAILS its budget check and was written anyway because "
                     f"of --allow-over-budget:", indent="  ", first="")
        for message in verdict.messages:
            lines += wrap(message, indent="      ", first="  - ")
        if any(not line.fits for line in verdict.resources):
            why = ("it does not fit the part: Vivado will run synthesis and then fail placement, "
                   "hours later, with the same numbers")
        elif any(not line.ok for line in verdict.resources):
            why = ("it fits but leaves less headroom than the limits demand: expect routing "
                   "congestion and timing closure to fail or take far longer")
        else:
            why = "a memory check failed: the board will not boot Linux with the DPU as configured"
        lines += wrap(f"WARNING: this build should not have been written - {why}. "
                      f"{out / BUDGET_FILE} records the failing verdict.", indent="  ", first="")
        echo_text("\n".join(lines), err=True)
    click.echo(f"{design.name}: wrote {len(outputs)} files to {out}")


def _say_if_no_diagram(out: Path, outputs) -> None:
    from hwgen.review.report import DOT, SVG

    written = {o.path for o in outputs}
    if DOT in written and SVG not in written:
        click.echo(NO_GRAPHVIZ.format(svg=out / SVG, dot=out / DOT), err=True)


@main.command(context_settings=CONTEXT)
@_selection
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Build folder (default: build/<board>); the Edalize project goes to OUT/edalize.")
@click.option("--jobs", type=click.IntRange(1, 64), metavar="N",
              help="Parallel Vivado jobs (default: build.jobs).")
@click.option("--setup-only", is_flag=True,
              help="Stop after setting up the Edalize project; do not start Vivado.")
@_no_wait
def run(board, dpu, sets, out, jobs, setup_only, no_wait):
    """Budget check, build folder, Edalize project, Vivado run, post-build check.

    \b
    Vivado runs through Edalize (OUT/edalize: Makefile, project Tcl); the
    log goes to OUT/edalize/hwgen_run.log and the stages are shown as they
    start. Reports and the XSA land in OUT, as vivado/build.tcl writes them.
    Exit status: 0 built and within budget, 1 a check or the build failed,
    2 invalid input, 3 vivado (or make) is not on PATH: the project is set
    up and the command to build it elsewhere is printed, 75 another hwgen
    build holds the folder (--no-wait). The folder stays locked for the run.
    Example:
      hwgen run --board pynq_z2 --jobs 8
      hwgen run --setup-only -o build/pynq && make -C build/pynq/edalize
    """
    import gc

    from hwgen.run.run import run as run_design

    gc.enable()     # hours of waiting for Vivado: the collector back on (cli/app.py)
    run_design(board, dpu, sets, out, jobs, setup_only, click.echo, wait=not no_wait)
