"""`hwgen check`: the budget verdict, from the estimate or Vivado's reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hwgen.errors import EXIT_CHECK_FAILED, EXIT_OK
from hwgen.cli.app import CONTEXT, _selection, _verbose, echo_text, main


@main.command(context_settings=CONTEXT)
@_selection
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text",
              show_default=True, help="Verdict format: a table, JSON, or JUnit XML for CI.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the verdict to FILE; the text table still goes to stdout.")
@click.option("--utilization", type=click.Path(dir_okay=False, path_type=Path), metavar="RPT",
              help="Vivado report_utilization text report: check what the run actually used.")
@click.option("--timing", type=click.Path(dir_okay=False, path_type=Path), metavar="RPT",
              help="Vivado report_timing_summary of the same run (needs --utilization): "
                   "negative WNS/WHS or NA fail.")
@_verbose
def check(board, dpu, sets, fmt, output, utilization, timing, verbose):
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
    from hwgen.budget.check import verdict_for, write_file
    from hwgen.budget.verdict_format import render_verdict

    verdict = verdict_for(board, dpu, sets, utilization, timing)
    if output is not None:
        write_file(output, render_verdict(verdict, fmt, verbose))
        echo_text(render_verdict(verdict, "text", verbose))
    elif fmt == "text":
        echo_text(render_verdict(verdict, fmt, verbose))
    else:
        click.echo(render_verdict(verdict, fmt), nl=False)
    sys.exit(EXIT_OK if verdict.ok else EXIT_CHECK_FAILED)
