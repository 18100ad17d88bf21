"""What `hwgen check` does: pick estimate or report mode, build the verdict, write it.

Without reports the verdict is the estimate of the selected design. With
``--utilization`` (and optionally ``--timing``) it is Vivado's own figures: against
the selected design when ``--board``, ``--dpu`` or a non-budget ``--set`` names one,
otherwise against the report's own part and Available column, with any
``--set budget.*`` limits.
"""

from __future__ import annotations

from pathlib import Path

from hwgen.errors import InputError, Mark, Problem
from hwgen.model.verdict import Verdict


def _names_a_design(board, dpu, sets) -> bool:
    return bool(board or dpu or any(not s.startswith("budget.") for s in sets))


def _parse(parser, path: Path):
    from hwgen.budget.reports import ReportError

    try:
        return parser(path)
    except ReportError as exc:
        raise InputError(Problem(None, "", str(exc))) from None


def _warn_if_interrupted(reports: list[Path]) -> None:
    """Reports read from a build folder (OUT/reports/...) that an interrupted build left
    mixed: the verdict still judges the reports, but the folder's files may not be the
    ones Vivado built, so say so (docs/safety.md)."""
    import sys

    from hwgen.emit.output import interrupted, interrupted_message
    from hwgen.errors import one_line

    seen = set()
    for report in reports:
        for folder in (report.parent, report.parent.parent):
            if folder in seen:
                continue
            seen.add(folder)
            files = interrupted(folder)
            if files is not None:
                print(one_line(f"hwgen: warning: {folder}: {interrupted_message(files)}"),
                      file=sys.stderr)


def verdict_for(board=None, dpu=None, sets=(), utilization: Path | None = None,
                timing: Path | None = None) -> Verdict:
    from hwgen.budget import estimate as budget
    from hwgen.model.design import load_design

    if utilization is None:
        if timing is not None:
            raise InputError(Problem(Mark("--timing"), "", "needs --utilization too: the verdict "
                                     "judges the resources and the timing of one run together"))
        return budget.estimate(load_design(board, dpu, sets))

    from hwgen.budget.reports import parse_timing_summary_file, parse_utilization_file

    _warn_if_interrupted([utilization] + ([timing] if timing is not None else []))
    util = _parse(parse_utilization_file, utilization)
    tim = _parse(parse_timing_summary_file, timing) if timing is not None else None
    if _names_a_design(board, dpu, sets):
        return budget.from_reports(util, tim, design=load_design(board, dpu, sets))
    return budget.from_reports(util, tim, limits=budget.limits_from_sets(sets))


def write_file(path: Path, text: str) -> None:
    """Atomically, like every file hwgen writes (hwgen/emit/output.py)."""
    from hwgen.emit.output import Output, write_all   # only with --output: check stays light

    write_all(path.parent, [Output(path.name, "verdict", text.encode("utf-8"))])
