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
    from .build import build as run_build
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
                   f"{out / 'budget.json'} records the failing verdict.", err=True)
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
