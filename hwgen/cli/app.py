"""The click group every command hangs on, and what the commands share.

A HwgenError from any command ends as its lines on stderr and its exit code (see
hwgen.errors); the commands live one group a module beside this one.
"""

from __future__ import annotations

import sys

import click

from hwgen import __version__
from hwgen.errors import HwgenError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _selection(f):
    f = click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
                     help="Override a design setting, e.g. linux.cma=128M (repeatable).")(f)
    f = click.option("--dpu", metavar="NAME|PATH",
                     help="DPU profile: a shipped name (B512 ... B4096) or a YAML file.")(f)
    f = click.option("--board", metavar="NAME|PATH",
                     help="Board: a shipped name (pynq_z2, zybo_z7_20, kv260, zcu104, ultra96v2), a YAML file, or a board "
                          "found in HWGEN_BOARD_PATH or Vivado's board stores by name (pynq-z2) "
                          "or VENDOR:NAME:part0:VERSION.")(f)
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
