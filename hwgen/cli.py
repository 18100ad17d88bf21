"""The hwgen command line. Heavy modules load inside the commands that need them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_CHECK_FAILED, EXIT_INVALID_INPUT, EXIT_OK, HwgenError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _selection(f):
    f = click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
                     help="Override a design setting, e.g. linux.cma=128M (repeatable).")(f)
    f = click.option("--dpu", metavar="NAME|PATH",
                     help="DPU profile: a shipped name (B512 ... B4096) or a YAML file.")(f)
    f = click.option("--board", metavar="NAME|PATH",
                     help="Board: a shipped name (pynq_z2, zybo_z7_20) or a YAML file.")(f)
    return f


def _fail(exc: HwgenError) -> None:
    for line in exc.lines():
        click.echo(line, err=True)
    sys.exit(exc.exit_code)


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except HwgenError as exc:
            _fail(exc)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="hwgen", message="%(prog)s %(version)s")
def main():
    """Zynq + Xilinx DPU designs from YAML: Vivado Tcl, PetaLinux fragments, budgets.

    \b
    Example:
      hwgen build                       # Pynq-Z2 + DPU B512 into build/pynq_z2/
      hwgen check --dpu B1024 --set dpu.dsp_usage=low
    """


@main.command(context_settings=CONTEXT)
@_selection
@click.option("-o", "--output", "out", type=click.Path(path_type=Path),
              help="Build folder (default: build/<board>).")
@click.option("--allow-over-budget", is_flag=True,
              help="Write every file even when the budget check fails (it exits 1 and writes "
                   "only budget.json otherwise).")
def build(board, dpu, sets, out, allow_over_budget):
    """Check the budget, then write the design's build folder.

    \b
    Over budget it exits 1 and writes only OUT/budget.json, the failing verdict.
    Example:
      hwgen build --board zybo_z7_20 --set linux.cma=256M -o build/zybo
    """
    from .budget import estimate
    from .build import BUDGET_FILE, build as run_build
    from .design import load_design

    design = load_design(board, dpu, sets)
    out = out or Path("build") / design.board.name
    verdict = estimate(design)
    outputs = run_build(design, out, verdict=verdict, allow_over_budget=allow_over_budget)
    if not verdict.ok:
        click.echo(f"WARNING: {design.name} FAILS its budget check and was written anyway because "
                   f"of --allow-over-budget:", err=True)
        for message in verdict.messages:
            click.echo(f"WARNING:   {message}", err=True)
        if any(not line.fits for line in verdict.resources):
            why = ("it does not fit the part: Vivado will run synthesis and then fail placement, "
                   "hours later, with the same numbers")
        elif any(not line.ok for line in verdict.resources):
            why = ("it fits but leaves less headroom than the limits demand: expect routing "
                   "congestion and timing closure to fail or take far longer")
        else:
            why = "a memory check failed: the board will not boot Linux with the DPU as configured"
        click.echo(f"WARNING: this build should not have been written - {why}. "
                   f"{out / BUDGET_FILE} records the failing verdict.", err=True)
    click.echo(f"{design.name}: wrote {len(outputs)} files to {out}")


@main.command(context_settings=CONTEXT)
@_selection
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text",
              show_default=True, help="Verdict format: a table, JSON, or JUnit XML for CI.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the verdict to FILE; the text table still goes to stdout.")
@click.option("--utilization", type=click.Path(dir_okay=False, path_type=Path), metavar="RPT",
              help="Vivado report_utilization text report: check what the run actually used.")
@click.option("--timing", type=click.Path(dir_okay=False, path_type=Path), metavar="RPT",
              help="Vivado report_timing_summary of the same run: negative WNS/WHS or NA fail.")
def check(board, dpu, sets, fmt, output, utilization, timing):
    """Check the design against the part's resources, the budget limits and the board's memory.

    \b
    Exit status: 0 pass, 1 a check failed, 2 invalid input (or a report
    that is not a complete Vivado report, or a report of another part).
    With --utilization and no --board/--dpu, the report's own part and
    Available column are used (any Vivado report can be checked).
    Example:
      hwgen check --dpu B4096            # exits 1: does not fit a 7Z020
      hwgen check --dpu B1024 --set dpu.dsp_usage=low --format json
      hwgen check --utilization util.rpt --timing timing.rpt --format junit --output budget.xml
    """
    from .check_cmd import verdict_for, write_file
    from .verdict_format import render_verdict

    verdict = verdict_for(board, dpu, sets, utilization, timing)
    if output is not None:
        write_file(output, render_verdict(verdict, fmt))
        click.echo(render_verdict(verdict, "text"), nl=False)
    else:
        click.echo(render_verdict(verdict, fmt), nl=False)
    sys.exit(EXIT_OK if verdict.ok else EXIT_CHECK_FAILED)


@main.command(context_settings=CONTEXT)
@_selection
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Build folder (default: build/<board>); the Edalize project goes to OUT/edalize.")
@click.option("--jobs", type=click.IntRange(1, 64), metavar="N",
              help="Parallel Vivado jobs (default: build.jobs).")
@click.option("--setup-only", is_flag=True,
              help="Stop after setting up the Edalize project; do not start Vivado.")
def run(board, dpu, sets, out, jobs, setup_only):
    """Budget check, build folder, Edalize project, Vivado run, post-build check.

    \b
    Vivado runs through Edalize (OUT/edalize: Makefile, project Tcl); the
    log goes to OUT/edalize/hwgen_run.log and the stages are shown as they
    start. Reports and the XSA land in OUT, as vivado/build.tcl writes them.
    Exit status: 0 built and within budget, 1 a check or the build failed,
    2 invalid input, 3 vivado (or make) is not on PATH: the project is set
    up and the command to build it elsewhere is printed.
    Example:
      hwgen run --board pynq_z2 --jobs 8
      hwgen run --setup-only -o build/pynq && make -C build/pynq/edalize
    """
    from .run_cmd import run as run_design

    run_design(board, dpu, sets, out, jobs, setup_only, click.echo)


@main.command(context_settings=CONTEXT)
@_selection
@click.option("--decode", "decode_fp", metavar="0xFINGERPRINT",
              help="Decode a fingerprint (e.g. from `xdputil query`) instead of the design's.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def fingerprint(board, dpu, sets, decode_fp, fmt):
    """Print the DPU fingerprint and target the Vitis AI compiler needs, field by field.

    With --decode, explain any DPUCZDX8G fingerprint and print the hwgen arguments that
    build that DPU (or the fields no hwgen setting produces).

    \b
    Example:
      hwgen fingerprint --set dpu.ram_usage=high
      hwgen fingerprint --decode 0x0101000056010407
    """
    from .fingerprint_report import decode_report, design_report, render_report

    if decode_fp is not None:
        if board or dpu or sets:
            raise click.UsageError("--decode explains a given fingerprint; it takes no "
                                   "--board, --dpu or --set")
        try:
            report = decode_report(decode_fp)
        except ValueError as exc:
            from .errors import InputError, Mark, Problem
            raise InputError(Problem(Mark(f"--decode {decode_fp}"), "", str(exc))) from None
    else:
        from .design import load_design

        report = design_report(load_design(board, dpu, sets))
    click.echo(render_report(report, fmt), nl=False)


@main.command(context_settings=CONTEXT)
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path), metavar="[OLD [NEW]]")
@_selection
@click.option("--old-board", metavar="NAME|PATH", help="OLD design's board (default: --board).")
@click.option("--old-dpu", metavar="NAME|PATH", help="OLD design's DPU profile (default: --dpu).")
@click.option("--old-set", "old_sets", multiple=True, metavar="KEY=VALUE",
              help="A setting of the OLD design only, after --set (repeatable).")
@click.option("--new-board", metavar="NAME|PATH", help="NEW design's board (default: --board).")
@click.option("--new-dpu", metavar="NAME|PATH", help="NEW design's DPU profile (default: --dpu).")
@click.option("--new-set", "new_sets", multiple=True, metavar="KEY=VALUE",
              help="A setting of the NEW design only, after --set (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True, help="Text for people, Markdown for merge requests, JSON for tools.")
def diff(folders, board, dpu, sets, old_board, old_dpu, old_sets, new_board, new_dpu, new_sets, fmt):
    """What changed between two builds or two designs, in engineering terms.

    \b
    OLD and NEW are build folders. With one folder, NEW is the design the
    options select; with none, both are designs: --board/--dpu/--set apply
    to both, --old-*/--new-* to one side.
    Exit status: 0 nothing changed, 1 something changed, 2 invalid input.
    Examples:
      hwgen diff build/main build/feature
      hwgen diff --old-set dpu.clock_mhz=150 --new-set dpu.clock_mhz=125
      hwgen diff --old-dpu B512 --new-dpu B1152 --format markdown
      hwgen diff build/pynq_z2 --set linux.cma=384M      # my last build vs. this change
    """
    from .diff import compare, load_design_side, load_folder, render_diff

    old_opts = (old_board, old_dpu, old_sets)
    new_opts = (new_board, new_dpu, new_sets)
    shared = board or dpu or sets
    if len(folders) > 2:
        raise click.UsageError("give at most two build folders, OLD and NEW")
    if len(folders) == 2 and (shared or any(old_opts) or any(new_opts)):
        raise click.UsageError("two build folders are compared as they are; selection options "
                               "(--board, --dpu, --set, --old-*, --new-*) apply to designs only")
    if len(folders) == 1 and any(old_opts):
        raise click.UsageError("with one build folder OLD is that folder; --old-* options have "
                               "nothing to select (use --board/--dpu/--set or --new-*)")
    if not folders and not (any(old_opts) or any(new_opts)):
        raise click.UsageError("give two build folders, one folder and the options of the new "
                               "design, or --old-*/--new-* options that make the two designs differ")

    def design_side(side_board, side_dpu, side_sets):
        return load_design_side(side_board or board, side_dpu or dpu, tuple(sets) + tuple(side_sets))

    old = load_folder(folders[0]) if folders else design_side(*old_opts)
    new = load_folder(folders[1]) if len(folders) == 2 else design_side(*new_opts)
    result = compare(old, new)
    click.echo(render_diff(result, fmt), nl=False)
    sys.exit(EXIT_CHECK_FAILED if result.changed else EXIT_OK)


def _clock_list(ctx, param, value):
    if value is None:
        return None
    try:
        clocks = tuple(float(v) for v in value.split(",") if v.strip())
    except ValueError:
        raise click.BadParameter(f"expected MHz separated by commas, e.g. 100,125,150; got {value!r}")
    if not clocks or any(not 10 <= c <= 800 for c in clocks):
        raise click.BadParameter(f"expected MHz from 10 to 800 separated by commas, got {value!r}")
    return tuple(dict.fromkeys(clocks))


@main.command(context_settings=CONTEXT)
@click.option("--board", metavar="NAME|PATH",
              help="Board: a shipped name (pynq_z2, zybo_z7_20) or a YAML file.")
@click.option("--dpu", "dpus", multiple=True, metavar="NAME|PATH",
              help="Only these DPU profiles (repeatable; default every shipped B512 ... B4096).")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="Override a design setting for every configuration (repeatable); setting "
                   "dpu.ram_usage, dpu.dsp_usage, dpu.depthwise_conv or dpu.clock_mhz fixes it.")
@click.option("--clocks", callback=_clock_list, metavar="MHZ,MHZ,...",
              help="Fabric clocks to try (default 100,125,150,175,200).")
@click.option("--model", default="mobilenet_v2", show_default=True, metavar="NAME|FILE",
              help="The network the ranking and the GOPS/FPS columns are for.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
              show_default=True)
@click.option("--fits-only", is_flag=True, help="List only the configurations that fit.")
@click.option("--best", "best_only", is_flag=True,
              help="Print only the best configuration that fits, as hwgen build arguments.")
def explore(board, dpus, sets, clocks, model, fmt, fits_only, best_only):
    """Every DPU configuration on a board: does it fit, and how fast will it run?

    \b
    Sweeps DPU profile x RAM usage x DSP usage x depthwise conv x fabric clock,
    judges each with the budget verdict of hwgen check and the roofline of
    hwgen estimate, and ranks them: fits first, then the highest attainable
    GOPS for --model, then the most headroom, then the lower clock.
    Exit status: 0, or 1 with --best when nothing fits.
    Example:
      hwgen explore --board zybo_z7_20 --fits-only
      hwgen build $(hwgen explore --best)
      hwgen explore --format csv --clocks 142.857,150 > dpus.csv
    """
    from . import explore as ex, explore_format

    rows = ex.sweep(board, tuple(dpus), tuple(sets), clocks, model)
    if best_only:
        top = ex.best(rows)
        if top is None:
            click.echo(f"no configuration fits {rows[0].board if rows else 'the board'}; "
                       f"hwgen explore lists what each is over by", err=True)
            sys.exit(EXIT_CHECK_FAILED)
        click.echo(top.build_args)
        return
    used = tuple(sorted({r.config.clock_mhz for r in rows if r.config.clock_mhz is not None}))
    shown = [r for r in rows if r.fits] if fits_only else rows
    from .perf import load_model

    name = load_model(model).name
    if fmt == "json":
        click.echo(explore_format.to_json(shown, used, name), nl=False)
    elif fmt == "csv":
        click.echo(explore_format.to_csv(shown), nl=False)
    else:
        click.echo(explore_format.to_text(shown, used, name, all_rows=rows), nl=False)


@main.command(context_settings=CONTEXT)
@_selection
@click.option("--model", required=True, metavar="NAME|FILE",
              help="A shipped model (mobilenet_v2) or a model YAML file: operations, bytes moved "
                   "and compute efficiency per inference.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def estimate(board, dpu, sets, model, fmt):
    """How fast the design runs a network: a roofline, not a measurement.

    \b
    The smallest of: compute (peak ops x the model's efficiency), the DPU's
    data ports (ports x width x DPU clock) and the board's DDR (bus width x
    transfer rate x efficiency); frames per second, latency, the bound that
    binds, and every assumption it made.
    Example:
      hwgen estimate --model mobilenet_v2 --set dpu.depthwise_conv=true
      hwgen estimate --board zybo_z7_20 --dpu B1152 --model my_net.yaml --format json
    """
    from . import perf, perf_format
    from .design import load_design

    result = perf.estimate(load_design(board, dpu, sets), perf.load_model(model))
    click.echo(perf_format.to_json(result) if fmt == "json" else perf_format.to_text(result), nl=False)


@main.command(name="list", context_settings=CONTEXT)
@click.argument("what", type=click.Choice(["boards", "dpus", "parts"]), default="boards")
def list_(what):
    """List what ships with hwgen: boards, dpus or parts.

    \b
    Example:
      hwgen list dpus
    """
    from . import listing

    for line in listing.lines(what):
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
