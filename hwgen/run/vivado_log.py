"""Progress of a Vivado batch run, read from its log (vivado.log, stdout or a runme.log).

Vivado prints no progress figure, only the commands it starts; the stage shown to
the user is therefore the last flow step whose marker has been seen.  The parser is
fed one line at a time so it can follow a log that is still being written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

__all__ = ["STAGES", "StageEvent", "ProgressParser", "summarize", "HWGEN_CHECK"]

# In flow order; "idle" is the state before any marker, "done"/"failed" are final.
STAGES = (
    "idle",
    "project",
    "synthesis",
    "optimization",
    "placement",
    "physical_optimization",
    "routing",
    "bitstream",
    "export",
    "done",
    "failed",
)


@dataclass(frozen=True)
class StageEvent:
    stage: str
    line_no: int
    text: str


# Commands echoed by `vivado -mode batch -source x.tcl` carry a "# " prefix (one more
# "#" per nested `source`); the big flow commands also print "Command: <cmd> ..."
# when they start, which is all a -notrace run log shows.
_CMD = r"(?:#+ |Command: )"
_MARKERS: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern), stage)
    for pattern, stage in (
        # With -notrace nothing is echoed, but create_project still ends with its
        # "create_project: Time (s): ..." line.
        (r"(?:#+ )?(?:create_project|open_project|create_bd_design|open_bd_design)\b", "project"),
        (_CMD + r"synth_design\b", "synthesis"),
        (r"Starting synth_design\b", "synthesis"),
        (_CMD + r"opt_design\b", "optimization"),
        (r"Starting opt_design Task\b", "optimization"),
        (_CMD + r"place_design\b", "placement"),
        (r"Starting Placer Task\b", "placement"),
        (r"Phase 1 Placer Initialization\b", "placement"),
        (_CMD + r"phys_opt_design\b", "physical_optimization"),
        (_CMD + r"route_design\b", "routing"),
        (r"Starting Routing Task\b", "routing"),
        (_CMD + r"write_bitstream\b", "bitstream"),
        # write_hw_platform prints no "Command:" line; before 2019.2 the hand-off
        # files were written by write_hwdef / write_sysdef.
        (r"(?:#+ )?(?:write_hw_platform|write_hwdef|write_sysdef)\b", "export"),
        (r"INFO: \[Vivado 12-4895\] Creating Hardware Platform\b", "export"),
    )
)

# "[Sat Nov 28 10:00:00 2026] Launched synth_1..." and, for IP out-of-context runs,
# "... Launched design_1_dpu_0_synth_1, synth_1...".
_LAUNCHED = re.compile(r"\[[^\]]*\] Launched (.*)")
# "[Sat Nov 28 10:20:00 2026] impl_1 finished" (wait_on_run)
_RUN_FINISHED = re.compile(r"\[[^\]]*\] (\S+) finished\s*$")
_BITSTREAM_DONE = re.compile(
    r"write_bitstream completed successfully|INFO: \[Vivado 12-1842\] Bitgen Completed Successfully"
)
_EXIT = re.compile(r"INFO: \[Common 17-206\] Exiting Vivado\b")

# A check hwgen's own Tcl could not make prints "WARNING: [hwgen <check>] <why>" (the tag
# shape of Vivado's own messages); `hwgen run` reports each as a failed check.
HWGEN_CHECK = re.compile(r"WARNING: \[hwgen ([A-Za-z0-9_.]+)\] (.*)")

# Cheap prefilter: a line can only be a marker if it starts with one of these.
_FIRST_CHARS = frozenset("#CSPIw[EcoW")


class ProgressParser:
    """Feed log lines; `feed` returns a StageEvent whenever the stage changes.

    Any `ERROR:` line moves the run to "failed" and keeps it there: in batch mode an
    error aborts the script, and a progress display must not carry on past it.
    "done" is reached on Vivado's exit message when no error was seen.
    """

    def __init__(self) -> None:
        self.stage: str = "idle"
        self.errors: list[str] = []
        self.critical_warnings: int = 0
        self.line_no: int = 0
        self.bitstream_written: bool = False
        self.finished_runs: list[str] = []
        self.events: list[StageEvent] = []
        self.hwgen_checks: list[tuple[str, str]] = []   # (check, why) from HWGEN_CHECK lines

    def feed(self, line: str) -> StageEvent | None:
        self.line_no += 1
        line = line.rstrip("\r\n")
        if not line or line[0] not in _FIRST_CHARS:
            return None

        if line.startswith("ERROR:"):
            self.errors.append(line)
            return self._enter("failed", line)
        if line.startswith("CRITICAL WARNING:"):
            self.critical_warnings += 1
            return None
        if line[0] == "W":
            check = HWGEN_CHECK.match(line)
            if check:
                self.hwgen_checks.append((check.group(1), check.group(2)))
            return None
        if self.stage in ("done", "failed"):
            return None

        if line[0] == "[":
            launched = _LAUNCHED.match(line)
            if launched:
                runs = [r.strip() for r in launched.group(1).rstrip(". ").split(",")]
                # An implementation run starts with opt_design; anything else
                # launched this way (synth_1, IP out-of-context runs) is synthesis.
                if any(r.startswith("impl") for r in runs):
                    return self._enter("optimization", line)
                return self._enter("synthesis", line)
            finished = _RUN_FINISHED.match(line)
            if finished:
                self.finished_runs.append(finished.group(1))
            return None

        if _BITSTREAM_DONE.match(line):
            self.bitstream_written = True
            return None
        if _EXIT.match(line):
            return self._enter("done", line)
        for pattern, stage in _MARKERS:
            if pattern.match(line):
                return self._enter(stage, line)
        return None

    def _enter(self, stage: str, line: str) -> StageEvent | None:
        if stage == self.stage:
            return None
        self.stage = stage
        event = StageEvent(stage, self.line_no, line)
        self.events.append(event)
        return event


def summarize(lines: Iterable[str]) -> list[StageEvent]:
    """All stage changes in a complete log (e.g. an open file or a list of lines)."""
    parser = ProgressParser()
    for line in lines:
        parser.feed(line)
    return list(parser.events)
