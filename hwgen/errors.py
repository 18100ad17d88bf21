"""Error types shared by every layer, and the exit codes the CLI maps them to.

Every problem a user can cause is reported as one line naming where it came from
(``file:line:col`` or the ``--set`` argument), the key path, and what was
expected versus found. Nothing a user can type reaches them as a traceback.
"""

from __future__ import annotations

from hwgen.frozen import dataclass

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_INVALID_INPUT = 2
EXIT_TOOL_MISSING = 3
# A bug in hwgen (an exception nobody raised on purpose): EX_SOFTWARE of sysexits.h, so no
# script mistakes a crash for a verdict.
EXIT_INTERNAL = 70
# Another hwgen build holds the build folder and --no-wait was given: EX_TEMPFAIL, "try again".
EXIT_BUSY = 75


@dataclass(frozen=True)
class Mark:
    """Where a value came from: a file position (1-based) or a command-line origin."""

    source: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.source}:{self.line}:{self.column}"
        return self.source


@dataclass(frozen=True)
class Problem:
    mark: Mark | None
    path: str
    message: str

    def __str__(self) -> str:
        parts = [str(self.mark)] if self.mark else []
        if self.path:
            parts.append(self.path)
        parts.append(self.message)
        return one_line(": ".join(parts))


def one_line(text: str) -> str:
    """``text`` with every unprintable character escaped, so a message stays one line.

    Key paths, file names and --set arguments come from the user verbatim; a newline,
    a carriage return or a bidirectional override in them must not split the message
    or reorder what the terminal shows.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class HwgenError(Exception):
    """Base class; ``exit_code`` is what the CLI returns."""

    exit_code = EXIT_INVALID_INPUT

    def lines(self) -> list[str]:
        return [str(self)]


class InputError(HwgenError):
    """One or more problems with what the user gave us (YAML, --set, paths)."""

    exit_code = EXIT_INVALID_INPUT

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class CheckFailed(HwgenError):
    """The design is valid but a check (budget, memory, timing) refuses it."""

    exit_code = EXIT_CHECK_FAILED


class ToolMissing(HwgenError):
    """An external program (Vivado, dtc) that this command needs is not installed."""

    exit_code = EXIT_TOOL_MISSING


class OutputError(HwgenError):
    """The environment refused our output (read-only folder, full disk)."""

    exit_code = EXIT_INVALID_INPUT


class FolderBusy(HwgenError):
    """Another hwgen build is writing the build folder and the caller would not wait."""

    exit_code = EXIT_BUSY
