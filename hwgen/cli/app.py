"""The click group every command hangs on, and what the commands share.

A HwgenError from any command ends as its lines on stderr and its exit code (see
hwgen.errors); the commands live one group a module beside this one. Any other exception
that escapes a command is a bug in hwgen, never the user's fault and never a verdict: it
ends as exit 70 (EX_SOFTWARE, sysexits.h) with one line, and the traceback only under the
group's ``--debug`` option. Exit 1 stays "a check failed", so CI never reads a crash as
"over budget".
"""

from __future__ import annotations

import gc
import importlib
import os
import re
import sys
from pathlib import Path

import click

from hwgen import __version__
from hwgen.errors import EXIT_INTERNAL, HwgenError, one_line

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


def _verbose(f):
    return click.option("-v", "--verbose", is_flag=True,
                        help="Also say where every figure comes from (provenance).")(f)


# The words a person scans for, coloured on a terminal; click.echo drops the colour when the
# output is a file or a pipe, so scripts and CI logs get the plain text.
_COLOURS = {"PASS": "green", "FAIL": "red", "DOES NOT FIT": "red", "NOT APPLICABLE": "red",
            "OVER LIMIT": "yellow", "WARNING": "yellow", "warning": "yellow"}
_WORDS = re.compile(r"\b(" + "|".join(sorted(_COLOURS, key=len, reverse=True)) + r")\b")


def styled(line: str) -> str:
    return _WORDS.sub(lambda m: click.style(m.group(1), fg=_COLOURS[m.group(1)], bold=True), line)


def echo_text(text: str, err: bool = False) -> None:
    """Text a person reads: line by line, the verdict words in colour on a terminal."""
    for line in text.rstrip("\n").split("\n") if text else ():
        click.echo(styled(line), err=err)


def _no_wait(f):
    return click.option("--no-wait", is_flag=True,
                        help="If another hwgen build is writing the folder, fail at once (exit "
                             "75) instead of waiting for it.")(f)


def _fail(exc: HwgenError) -> None:
    for line in exc.lines():
        click.echo(styled(line), err=True)
    sys.exit(exc.exit_code)


INTERNAL_ERROR = "internal error \u2014 please report"


def _internal(exc: BaseException, debug: bool) -> None:
    """The one exit path for the unexpected: exit 70, one line, the traceback on request."""
    if debug:
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    where = ""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        code = tb.tb_frame.f_code
        where = f" at {Path(code.co_filename).name}:{tb.tb_lineno}"
    hint = "" if debug else "; rerun with hwgen --debug ... for the traceback"
    click.echo(one_line(f"hwgen: {INTERNAL_ERROR} ({type(exc).__name__}{where}){hint}"), err=True)
    sys.exit(EXIT_INTERNAL)


# The module that defines each command. A command's module loads when that command runs, or
# when every command is listed (--help, the docs), so `hwgen check` does not pay for the
# definitions of the other eight (about 1.5 ms of a 124 ms process, measured with -X importtime).
COMMAND_MODULES = {"board": "board", "build": "build", "run": "build", "check": "check",
                   "explore": "explore", "estimate": "explore", "list": "listing",
                   "fingerprint": "review", "diff": "review"}


class _Group(click.Group):
    def get_command(self, ctx, name):
        if name not in self.commands and name in COMMAND_MODULES:
            importlib.import_module(f"hwgen.cli.{COMMAND_MODULES[name]}")
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        for module in sorted(set(COMMAND_MODULES.values())):
            importlib.import_module(f"hwgen.cli.{module}")
        return super().list_commands(ctx)

    def main(self, args=None, *rest, **kwargs):
        """Run one command with Python's cyclic garbage collector paused.

        A command is short and makes few reference cycles, but it imports most of hwgen
        and parses YAML, and the collector's passes over those young objects were 5-6 %
        of a ``hwgen build`` (measured with gc.callbacks: ~60 collections). Reference
        counting still frees everything that is not a cycle; the collector is restored
        when the command returns, so an in-process caller keeps its own setting.
        ``hwgen run``, which waits for Vivado for hours, turns it back on.

        When hwgen is the program (the console script or ``python -m hwgen``: the command
        line comes from sys.argv and click ends the process), the process ends at once
        after the command (``_end_process``).
        """
        enabled = gc.isenabled()
        gc.disable()
        try:
            return super().main(args, *rest, **kwargs)
        except SystemExit as exc:
            if args is None and not rest and kwargs.get("standalone_mode", True):
                _end_process(exc.code)
            raise
        finally:
            if enabled:
                gc.enable()

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except HwgenError as exc:
            _fail(exc)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise           # click's own usage errors (exit 2), --help, --version
        except KeyboardInterrupt:
            click.echo("hwgen: interrupted", err=True)
            sys.exit(130)   # 128 + SIGINT, as a shell reports it
        except BrokenPipeError:
            # The reader went away (`hwgen check | head`): not a crash, nothing left to say.
            try:
                sys.stdout = open(os.devnull, "w")
            except OSError:
                pass
            sys.exit(141)   # 128 + SIGPIPE
        except Exception as exc:   # noqa: BLE001 - the single exit path for hwgen's own bugs
            _internal(exc, bool(ctx.meta.get("hwgen.debug")))


def _end_process(code) -> None:
    """End the hwgen process with exit status ``code`` (as ``sys.exit(code)`` would), without
    tearing the interpreter down.

    Python's own exit collects the garbage of every object the command made and frees
    every module one by one: 17 ms of a 100 ms ``hwgen check`` and 36 ms of a ``hwgen
    build`` (docs/performance.md), work whose only result is memory the kernel takes back
    anyway. What an exit must still do is done first: the ``atexit`` handlers run, stdout
    and stderr are flushed, and a flush that fails makes the status 120 as it does for
    Python. Anything that would need more (another thread still running) takes Python's
    normal exit instead. Every file hwgen writes is closed (and fsync'ed) before this.
    """
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    import atexit

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:   # noqa: BLE001 - e.g. a closed pipe: Python's exit says 120 then
            status = status or 120
    os._exit(status & 0xFF)


def _debug_option(ctx, _param, value):
    ctx.meta["hwgen.debug"] = value
    return value


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="hwgen", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=_debug_option,
              help="On an internal error (exit 70), print the traceback too.")
def main():
    """Zynq + Xilinx DPU designs from YAML: Vivado Tcl, PetaLinux fragments, budgets.

    \b
    Example:
      hwgen build                       # Pynq-Z2 + DPU B512 into build/pynq_z2/
      hwgen check --dpu B1024 --set dpu.dsp_usage=low
    """
