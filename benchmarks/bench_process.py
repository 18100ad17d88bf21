"""Whole-process timings, interleaved with the floor so load changes hit both alike.

Every command is started the way a user starts it: a fresh interpreter, the console
script's body (``from hwgen.cli import main; sys.exit(main())`` is exactly what pip
writes into the ``hwgen`` script), the hwgen under test first on PYTHONPATH (run.py
installs the checkout's wheel for that), output to /dev/null. The floor is the same interpreter importing hwgen's three dependencies.

Schedule: ``warmup`` untimed rounds, then ``rounds`` timed rounds. A round runs every
command once, each immediately after its own floor run, and the order of commands
rotates from round to round. So there are as many floor samples as command samples,
taken at the same moments, and a burst of load from another process lands on both.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

FLOOR_CODE = "import jinja2, yaml, click"


def console_script(module: str, prog: str) -> list[str]:
    """argv prefix equivalent to a pip-generated console script for ``module:main``."""
    code = f"import sys; sys.argv[0] = {prog!r}; from {module} import main; sys.exit(main())"
    return [sys.executable, "-c", code]


@dataclass
class Command:
    key: str
    label: str                      # what the table shows, e.g. "hwgen build"
    argv: list[str]
    cwd: Path
    expect_rc: int = 0
    before: Callable[[], None] | None = None   # untimed preparation before every run
    env: dict | None = None                     # overrides of the suite's environment
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)   # peak resident set size of each run


@dataclass(frozen=True)
class Stats:
    wall: float          # median seconds
    cpu: float           # median seconds of child CPU (user + system)
    samples: int
    wall_min: float
    wall_max: float
    rss_mib: float       # peak RSS, the largest of the timed runs, MiB


def stats(cmd: Command) -> Stats:
    return Stats(statistics.median(cmd.wall), statistics.median(cmd.cpu), len(cmd.wall),
                 min(cmd.wall), max(cmd.wall), max(cmd.rss_kib) / 1024)


class BenchError(RuntimeError):
    pass


def run_once(cmd: Command, env: dict) -> tuple[float, float, int]:
    """(wall seconds, child CPU seconds, peak RSS KiB) of one run; raises if the exit code is wrong.

    The peak RSS is wait4's ru_maxrss: the process's own, or that of a child it waited
    for (``dot``) when larger."""
    if cmd.before:
        cmd.before()
    env = {**env, **(cmd.env or {})}
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd.argv, cwd=cmd.cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != cmd.expect_rc:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            raise BenchError(f"{cmd.label}: exit {proc.returncode}, expected {cmd.expect_rc}: "
                             + " | ".join(tail))
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def measure(floor: Command, commands: list[Command], env: dict, rounds: int, warmup: int,
            progress: Callable[[str], None] = lambda s: None) -> None:
    """Fill ``wall``/``cpu`` of the floor and of every command (see the module docstring)."""
    n = len(commands)
    for r in range(warmup + rounds):
        timed = r >= warmup
        for i in range(n):
            cmd = commands[(r + i) % n]
            for c in (floor, cmd):
                wall, cpu, rss = run_once(c, env)
                if timed:
                    c.wall.append(wall)
                    c.cpu.append(cpu)
                    c.rss_kib.append(rss)
        progress(f"process round {r + 1}/{warmup + rounds}" + ("" if timed else " (warm-up)"))


def fresh_dir(path: Path) -> Callable[[], None]:
    """A ``before`` hook that removes ``path`` so every run writes everything anew."""
    def clean():
        shutil.rmtree(path, ignore_errors=True)
    return clean
