"""`hwgen explore` and `hwgen estimate`: which DPU to pick, how fast it runs."""

from __future__ import annotations

import sys

import click

from hwgen.errors import EXIT_CHECK_FAILED
from hwgen.cli.app import CONTEXT, _selection, _verbose, echo_text, main

# The network explore ranks by and estimate estimates when --model is not given: the same
# everywhere, so the two commands answer for the same network.
DEFAULT_MODEL = "mobilenet_v2"


def _clock_list(ctx, param, value):
    if value is None:
        return None
    from hwgen.numbers import NumberError, parse_real

    try:
        # hwgen.numbers: ASCII digits, bounded, finite (float() takes '１２５' and 'nan').
        clocks = tuple(parse_real(v.strip()) for v in value.split(",") if v.strip())
    except NumberError:
        raise click.BadParameter(f"expected MHz separated by commas, e.g. 100,125,150; got {value!r}")
    if not clocks or any(not 10 <= c <= 800 for c in clocks):
        raise click.BadParameter(f"expected MHz from 10 to 800 separated by commas, got {value!r}")
    return tuple(dict.fromkeys(clocks))


@main.command(context_settings=CONTEXT)
@click.option("--board", metavar="NAME|PATH",
              help="Board: a shipped name (pynq_z2, zybo_z7_20, kv260, zcu104, ultra96v2) or a YAML file.")
@click.option("--dpu", "dpus", multiple=True, metavar="NAME|PATH",
              help="Only these DPU profiles (repeatable; default every shipped B512 ... B4096).")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="Override a design setting for every configuration (repeatable); setting "
                   "dpu.ram_usage, dpu.dsp_usage or dpu.clock_mhz fixes it.")
@click.option("--clocks", callback=_clock_list, metavar="MHZ,MHZ,...",
              help="Fabric clocks to try (default: the PS family's list, 100,125,150,175,200 on Zynq-7000, 200,250,275,300,325 on Zynq UltraScale+).")
@click.option("--model", default=DEFAULT_MODEL, show_default=True, metavar="NAME|FILE",
              help="The network the ranking and the GOPS/FPS columns are for (hwgen list models).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
              show_default=True)
@click.option("--fits-only", is_flag=True, help="List only the configurations that fit.")
@click.option("--best", "best_only", is_flag=True,
              help="Print only the best configuration that fits, as hwgen build arguments.")
def explore(board, dpus, sets, clocks, model, fmt, fits_only, best_only):
    """Every DPU configuration on a board: does it fit, and how fast will it run?

    \b
    Sweeps DPU profile x RAM usage x DSP usage x fabric clock,
    judges each with the budget verdict of hwgen check and the roofline of
    hwgen estimate, and ranks them: fits first, then the highest attainable
    GOPS for --model, then the most headroom, then the lower clock.
    Exit status: 0, or 1 with --best when nothing fits.
    Example:
      hwgen explore --board zybo_z7_20 --fits-only
      hwgen build $(hwgen explore --best)
      hwgen explore --format csv --clocks 142.857,150 > dpus.csv
    """
    from hwgen.explore import sweep as ex
    from hwgen.explore import sweep_format as explore_format

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
    from hwgen.explore.perf import load_model

    name = load_model(model).name
    if fmt == "json":
        click.echo(explore_format.to_json(shown, used, name), nl=False)
    elif fmt == "csv":
        click.echo(explore_format.to_csv(shown), nl=False)
    else:
        click.echo(explore_format.to_text(shown, used, name, all_rows=rows), nl=False)


@main.command(context_settings=CONTEXT)
@_selection
@click.option("--model", default=DEFAULT_MODEL, show_default=True, metavar="NAME|FILE",
              help="A shipped model (hwgen list models) or a model YAML file: operations, bytes "
                   "moved and compute efficiency per inference.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_verbose
def estimate(board, dpu, sets, model, fmt, verbose):
    """How fast the design runs a network: a roofline, not a measurement.

    \b
    The smallest of: compute (peak ops x the model's efficiency), the DPU's
    data ports (ports x width x DPU clock) and the board's DDR (bus width x
    transfer rate x efficiency); frames per second, latency, the bound that
    binds, and every assumption it made (--verbose, or --format json).
    Exit status: 0, or 1 when the model cannot run on the design as
    configured (NOT APPLICABLE: the DPU lacks an option the model needs).
    Example:
      hwgen estimate --model mobilenet_v2 --set dpu.clock_mhz=125
      hwgen estimate --board zybo_z7_20 --dpu B1152 --model my_net.yaml --format json
    """
    from hwgen.explore import perf
    from hwgen.explore import perf_format
    from hwgen.model.design import load_design

    result = perf.estimate(load_design(board, dpu, sets), perf.load_model(model))
    if fmt == "json":
        click.echo(perf_format.to_json(result), nl=False)
    else:
        echo_text(perf_format.to_text(result, verbose))
    # No answer is not success: the model cannot run on this design as configured.
    sys.exit(0 if result.applies else EXIT_CHECK_FAILED)
