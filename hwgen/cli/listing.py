"""`hwgen list`: one line per shipped board, DPU profile or part, with the facts people pick by."""

from __future__ import annotations

import click

from hwgen.cli.app import CONTEXT, main


def lines(what: str) -> list[str]:
    # Loaded here, not at the top: every command module loads with `hwgen --help`.
    from hwgen import resources
    from hwgen.emit.texttable import table
    from hwgen.model import design as design_mod
    from hwgen.model.records import ARCHES
    from hwgen.model.schema import format_mib

    if what == "boards":
        from hwgen.model import boardstore

        rows = [("BOARD", "PART", "DDR", "DEFAULT DPU", "DESCRIPTION")]
        for name in resources.shipped("boards"):
            board, doc, *_ = design_mod.load_board(name)
            rows.append((board.name, board.part, f"{format_mib(board.ddr.size)} {board.ddr.memory_type}",
                         str(design_mod.board_default_dpu(doc)), board.description))
        out = table(rows)
        found = boardstore.everything()
        if found:
            # Listed from their headers only: importing every board of a Vivado store would
            # take seconds, and `hwgen board import` shows one board's facts.
            out += ["", "Found by --board NAME or --board VENDOR:NAME:part0:VERSION:"]
            out += table([("NAME", "BOARD_PART", "WHERE")] + [
                (f.board_part.split(":")[1] if f.board_part else f.name, f.board_part or "(hwgen YAML)",
                 f.origin) for f in found])
        return out
    if what == "dpus":
        rows = [("DPU", "VLNV", "DATA PORTS", "DESCRIPTION")]
        profiles = [design_mod.load_dpu(name)[0] for name in resources.shipped("dpus")]
        for p in sorted(profiles, key=lambda p: (ARCHES.index(p.arch), p.name)):
            rows.append((p.name, p.vlnv, ", ".join(f"{i}->{port}" for i, port in p.connect
                                                    if i in p.interfaces.data), p.description))
        return table(rows)
    rows = [("PART", "FAMILY", "LUT", "FF", "BRAM36", "DSP", "URAM", "SOURCE")]
    for p in design_mod.parts().values():
        rows.append((p.name, p.family, f"{p.lut:,}", f"{p.ff:,}", f"{p.bram36:g}", f"{p.dsp:,}",
                     f"{p.uram}", p.source))
    return table(rows)


@main.command(name="list", context_settings=CONTEXT)
@click.argument("what", type=click.Choice(["boards", "dpus", "parts"]), default="boards")
def list_(what):
    """List what ships with hwgen: boards, dpus or parts.

    \b
    Example:
      hwgen list dpus
    """
    for line in lines(what):
        click.echo(line)
