"""Follow a Vivado build's logs and print the stages a person wants to see.

A build through Edalize starts Vivado three times (project, bitstream, XSA export)
and each implementation step logs into its run's runme.log, so several logs grow at
once. Each gets its own ProgressParser (hwgen/run/vivado_log.py); the display only moves
forward through the flow's stages, so a repeated or older marker from another log (or
the "open_project" of the export step) never makes it jump back.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

# What each stage of hwgen/run/vivado_log.py means to the person watching.
LABELS = {
    "project": "project and block design",
    "synthesis": "synthesis",
    "optimization": "logic optimization",
    "placement": "placement",
    "physical_optimization": "physical optimization",
    "routing": "routing",
    "bitstream": "bitstream",
    "export": "reports and XSA export",
}
MAX_ERRORS = 5


def clock(seconds: float) -> str:
    """Elapsed time as m:ss, or h:mm:ss from an hour on."""
    s = int(seconds)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:d}:{s:02d}"


class _File:
    """New complete lines of a file that may not exist yet, may grow or be replaced."""

    def __init__(self, path: Path, since: float | None):
        self.path = path
        self.since = since       # ignore a file last written before this (a previous run)
        self.pos = 0
        self.ino = None
        self.partial = b""

    def read(self) -> tuple[list[str], bool]:
        """(new lines, restarted): restarted when the file was replaced or truncated."""
        try:
            st = os.stat(self.path)
        except OSError:
            return [], False
        if self.ino is None and self.since is not None and st.st_mtime < self.since:
            return [], False
        restarted = False
        if self.ino is not None and (st.st_ino != self.ino or st.st_size < self.pos):
            self.pos, self.partial, restarted = 0, b"", True
        self.ino = st.st_ino
        if st.st_size == self.pos:
            return [], restarted
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except OSError:
            return [], restarted
        self.pos += len(data)
        data = self.partial + data
        lines = data.split(b"\n")
        self.partial = lines.pop()
        return [l.decode("utf-8", "replace") for l in lines], restarted


class RunLogs:
    """The build's own log plus the run logs, in the order things happened.

    A run's log is complete once the build log says ``[date] impl_1 finished``
    (wait_on_run), so it is read up to its end right there, before the build log goes
    on; otherwise the run logs are read after the build log on every poll.
    """

    MAIN = "main"
    _FINISHED = re.compile(r"\[[^\]]*\] (\S+) finished\s*$")

    def __init__(self, main: Path, run_logs: list[Path], since: float):
        self.main = _File(main, None)
        self.runs = {p.parent.name: _File(p, since) for p in run_logs}

    def _run(self, name: str) -> list[tuple[str, str | None]]:
        lines, restarted = self.runs[name].read()
        return ([(name, None)] if restarted else []) + [(name, l) for l in lines]

    def read(self) -> list[tuple[str, str | None]]:
        out: list[tuple[str, str | None]] = []
        lines, _ = self.main.read()
        for line in lines:
            out.append((self.MAIN, line))
            finished = self._FINISHED.match(line)
            if finished and finished.group(1) in self.runs:
                out += self._run(finished.group(1))
        for name in self.runs:
            out += self._run(name)
        return out


class Progress:
    """Stage lines with elapsed time: '[52:41] routing (placement took 9:02)'."""

    def __init__(self, echo, start: float | None = None, heartbeat_s: float = 300.0, now=time.monotonic):
        from hwgen.run.vivado_log import STAGES

        self.echo = echo
        self.now = now
        self.start = now() if start is None else start
        self.heartbeat_s = heartbeat_s
        self.order = {s: i for i, s in enumerate(STAGES)}
        self.parsers: dict = {}
        self.stage = "idle"          # the furthest stage shown so far
        self.failed = False
        self.entered = self.start
        self.last_line = self.start
        self.errors: list[str] = []
        self.hwgen_checks: list[tuple[str, str]] = []   # checks hwgen's Tcl could not make

    def _parser(self, source: str):
        from hwgen.run.vivado_log import ProgressParser

        p = self.parsers.get(source)
        # A finished parser means that Vivado exited; the next line is a new Vivado.
        if p is None or p.stage == "done":
            p = self.parsers[source] = ProgressParser()
        return p

    def _stamp(self, t: float) -> str:
        return f"[{clock(t - self.start)}]"

    def feed(self, source: str, line: str | None) -> None:
        """One log line from ``source``; None means the source started over."""
        if line is None:
            self.parsers.pop(source, None)
            return
        parser = self._parser(source)
        seen, seen_checks = len(parser.errors), len(parser.hwgen_checks)
        event = parser.feed(line)
        for err in parser.errors[seen:]:
            if err not in self.errors:
                self.errors.append(err)
        for check in parser.hwgen_checks[seen_checks:]:
            if check not in self.hwgen_checks:
                self.hwgen_checks.append(check)
        if event is None or event.stage not in LABELS and event.stage != "failed":
            return
        t = self.now()
        if event.stage == "failed":
            if not self.failed:
                self.failed = True
                self.last_line = t
                self.echo(f"{self._stamp(t)} Vivado reported an error: {event.text.strip()}")
            return
        if self.failed or self.order[event.stage] <= self.order[self.stage]:
            return
        took = f" ({LABELS[self.stage]} took {clock(t - self.entered)})" if self.stage in LABELS else ""
        self.stage, self.entered, self.last_line = event.stage, t, t
        self.echo(f"{self._stamp(t)} {LABELS[event.stage]}{took}")

    def tick(self) -> None:
        """A reminder that the build is alive when a stage runs long."""
        t = self.now()
        if self.stage in LABELS and not self.failed and t - self.last_line >= self.heartbeat_s:
            self.last_line = t
            self.echo(f"{self._stamp(t)} still in {LABELS[self.stage]} ({clock(t - self.entered)} so far)")

    def finish(self, ok: bool) -> None:
        t = self.now()
        during = f" {LABELS[self.stage]}" if self.stage in LABELS else ""
        if ok:
            took = f" ({LABELS[self.stage]} took {clock(t - self.entered)})" if during else ""
            self.echo(f"{self._stamp(t)} Vivado finished{took}")
            return
        self.echo(f"{self._stamp(t)} Vivado failed" + (f" during{during}" if during else ""))
        for err in self.errors[:MAX_ERRORS]:
            self.echo(f"  {err}")
        if len(self.errors) > MAX_ERRORS:
            self.echo(f"  ... and {len(self.errors) - MAX_ERRORS} more ERROR lines")
