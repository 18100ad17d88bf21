"""The result types every check produces: resources, memory, timing, lint.

The estimate before a build and Vivado's reports after it produce the same
Verdict, so text, JSON and JUnit output are written once for both.
"""

from __future__ import annotations

from hwgen.frozen import dataclass, field

RESOURCES = ("LUT", "FF", "BRAM", "DSP", "URAM")


@dataclass(frozen=True)
class Contribution:
    """One term of an estimate: what, how much, and where the figure comes from."""

    what: str
    amount: float
    source: str


@dataclass(frozen=True)
class ResourceLine:
    name: str                  # one of RESOURCES
    used: float
    available: float
    limit_percent: float
    contributions: tuple[Contribution, ...] = ()
    estimate: float | None = None   # set on report verdicts when a design was given too

    @property
    def percent(self) -> float:
        return 100.0 * self.used / self.available if self.available else (0.0 if not self.used else float("inf"))

    @property
    def fits(self) -> bool:
        return self.used <= self.available

    @property
    def ok(self) -> bool:
        return self.percent <= self.limit_percent


@dataclass(frozen=True)
class CheckResult:
    """A named yes/no check with the sentence a person needs when it fails."""

    name: str                  # "memory.cma_inside_ddr", "lint.hp_width"
    ok: bool
    message: str
    severity: str = "error"    # "error" fails the verdict; "warning" only informs


def setting_origin(design, key: str) -> str:
    """'file:line:col: key' for the setting ``key`` (just ``key`` when no file set it):
    how a failed check's message names what to change."""
    mark = design.origin(key)
    return f"{mark}: {key}" if mark else key


@dataclass(frozen=True)
class TimingResult:
    wns: float | None
    tns: float | None
    whs: float | None
    ths: float | None
    ok: bool
    message: str


@dataclass(frozen=True)
class Verdict:
    design: str | None
    part: str
    source: str                               # "estimate" | "report"
    resources: tuple[ResourceLine, ...]
    memory: tuple[CheckResult, ...] = ()
    timing: TimingResult | None = None
    checks: tuple[CheckResult, ...] = ()      # lint and other named checks
    messages: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return (all(r.ok for r in self.resources)
                and all(c.ok for c in self.memory + self.checks if c.severity == "error")
                and (self.timing is None or self.timing.ok))
