"""`hwgen fingerprint` and `hwgen diff`: what the compiler needs, what changed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hwgen.errors import EXIT_CHECK_FAILED, EXIT_OK
from hwgen.cli.app import CONTEXT, _selection, _verbose, echo_text, main


@main.command(context_settings=CONTEXT)
@_selection
@click.option("--decode", "decode_fp", metavar="0xFINGERPRINT",
              help="Decode a fingerprint (e.g. from `xdputil query`) instead of the design's.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_verbose
def fingerprint(board, dpu, sets, decode_fp, fmt, verbose):
    """Print the DPU fingerprint and target the Vitis AI compiler needs, field by field.

    With --decode, explain any DPUCZDX8G fingerprint and print the hwgen arguments that
    build that DPU (or the fields no hwgen setting produces).

    \b
    Example:
      hwgen fingerprint --set dpu.ram_usage=high
      hwgen fingerprint --decode 0x0101000056010407
    """
    from hwgen.review.fingerprint_report import decode_report, design_report, render_report

    if decode_fp is not None:
        if board or dpu or sets:
            raise click.UsageError("--decode explains a given fingerprint; it takes no "
                                   "--board, --dpu or --set")
        try:
            report = decode_report(decode_fp)
        except ValueError as exc:
            from hwgen.errors import InputError, Mark, Problem
            raise InputError(Problem(Mark(f"--decode {decode_fp}"), "", str(exc))) from None
    else:
        from hwgen.model.design import load_design

        report = design_report(load_design(board, dpu, sets))
    if fmt == "json":
        click.echo(render_report(report, fmt), nl=False)
    else:
        echo_text(render_report(report, fmt, verbose))


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
    from hwgen.folder.diff import compare, load_design_side, load_folder, render_diff

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
