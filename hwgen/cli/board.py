"""`hwgen board import`: a hwgen board YAML from a vendor's Vivado board files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hwgen.cli.app import CONTEXT, main


@main.group(name="board", context_settings=CONTEXT)
def board():
    """Boards from the vendor's Vivado board files (board.xml + preset.xml)."""


@board.command(name="import", context_settings=CONTEXT)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write the board YAML here (default: stdout).")
@click.option("--overlay", type=click.Path(path_type=Path), default=None,
              help="YAML with the keys only hwgen knows (name, defaults, sources, console.uart, "
                   "sd.controller, ddr.size, ps.ports), written into the output untouched.")
@click.option("--carrier", type=click.Path(path_type=Path), default=None, metavar="PATH",
              help="A carrier card's board folder (or board.xml) for the SOM at PATH (e.g. the "
                   "KV260 carrier for the K26 SOM): its PS preset applies after the SOM's.")
def import_(path, output, overlay, carrier):
    """Import the board folder (or board.xml) at PATH.

    Prints the facts hwgen derived (crystal, PLLs, DDR size and bus, console, SD), each with
    the parameter or rule it came from, so you can check them against the vendor's files.

    \b
    Example:
      hwgen board import ~/boards/TUL/pynq-z2/A.0 -o boards/my_pynq_z2.yaml
      hwgen board import ~/boards/Xilinx/kv260_som/1.4 --carrier ~/boards/Xilinx/kv260_carrier/1.2
    """
    from hwgen.errors import OutputError
    from hwgen.model import loader
    from hwgen.model.boardfiles import import_board

    doc = text = None
    if overlay is not None:
        doc, raw = loader.load_file(overlay)
        text = raw.decode("utf-8")
    result = import_board(path, doc, text, carrier)
    # The facts go to stderr when the YAML goes to stdout, so `> file.yaml` stays clean.
    facts_out = sys.stderr if output is None else sys.stdout
    for line in result.report:
        click.echo(line, file=facts_out)
    if output is None:
        click.echo(result.text, nl=False)
    else:
        try:
            output.write_text(result.text, encoding="utf-8")
        except OSError as exc:
            raise OutputError(f"{output}: cannot write: {exc.strerror}") from None
        click.echo(f"wrote {output}", file=facts_out)
