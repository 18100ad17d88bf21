"""Vivado report parsing: the shipped fixtures, and generated reports of 12.5, 25 and 50 MB.

Three kinds of big report, each parsed from a file (read, UTF-8 decode and checks
included, as ``hwgen check --utilization`` does):

- ``hier``: ``report_utilization -hierarchical`` with a deep instance tree, built from
  tests/fixtures/reports/util_hier_2022_1_7series.rpt by repeating its child rows. As
  Vivado prints it, the ``(top)`` row comes first, so parsing stops early and the cost
  is reading and checking the text.
- ``flat-scan``: a flat ``report_utilization`` whose needed rows come after the bulk of
  the file (a register table grown to the target size, as in tests/test_reports.py), so
  every line goes through the parser's loop: this is the figure that would show a
  quadratic loop.
- ``timing-scan``: a ``report_timing_summary`` whose check_timing section lists every
  unconstrained endpoint (``-verbose``) before the Design Timing Summary.

Every figure times the whole call on the file, and the sizes are interleaved (one run
of each per round, in rotating order) so a change in the machine's load hits all three.
Linear: over the whole span, 12.5 to 50 MB, the time per doubling of the size is at
most 2.5x (a linear parser gives 2, a quadratic one 4). Single steps are shown but not
judged: glibc serves buffers up to 32 MB from heap memory already mapped by an earlier
read once its mmap threshold has grown, while each 50 MB buffer is mapped and
page-faulted afresh (~20 ms per 100 MB here), so the 25 MB point is the cheapest per MB
whatever the parser does. The same text parsed from memory is recorded too
(``in_memory_cpu_s``), where the full-scan parsers double exactly.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

MB = 1_000_000
SIZES_MB = (12.5, 25, 50)
LINEAR_DOUBLING = 2.5   # a quadratic parser: 4


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    make: object        # (fixtures: Path, size_bytes: int) -> str
    parse: str          # "utilization" | "timing"
    check: object       # parsed result -> bool (the right numbers came back)


def _read(fixtures: Path, name: str) -> str:
    return (fixtures / name).read_text(encoding="utf-8")


def make_hier(fixtures: Path, size: int) -> str:
    text = _read(fixtures, "util_hier_2022_1_7series.rpt")
    # The children of design_1_i (whole lines), repeated: thousands of instances
    # under the (top) row, the shape of a big design's hierarchical report.
    start = text.index("|     dpu_eu_0")
    end = text.index("+---", start)
    block = text[start:end]
    copies = max(0, size - len(text)) // len(block)
    return text[:end] + block * copies + text[end:]


def make_flat_scan(fixtures: Path, size: int) -> str:
    text = _read(fixtures, "util_2020_1_7series_placed.rpt")
    filler = "| 0     |          Yes |           - |            - |\n"
    line_end = text.index("\n", text.index(filler)) + 1
    count = max(0, size - len(text)) // len(filler)
    return text[:line_end] + filler * count + text[line_end:]


def make_timing_scan(fixtures: Path, size: int) -> str:
    text = _read(fixtures, "timing_2020_1_not_met.rpt")
    anchor = " There are 0 pins that are not constrained for maximum delay.\n"
    at = text.index(anchor) + len(anchor)
    pin = " design_1_i/dpu_eu_0/inst/u_dpu/u_conv/u_pe_array/gen_pe[{:05d}]/acc_reg[{:02d}]/D\n"
    one = "".join(pin.format(i, j) for i in range(8) for j in range(32))
    count = max(0, size - len(text)) // len(one)
    listing = "\n" + one * count
    return text[:at] + listing + text[at:]


KINDS = (
    Kind("hier", "utilization -hierarchical", make_hier, "utilization",
         lambda u: u.hierarchical and u.get("LUT").used == 27001),
    Kind("flat-scan", "utilization, full scan", make_flat_scan, "utilization",
         lambda u: u.get("DSP").used == 96),
    Kind("timing-scan", "timing summary, full scan", make_timing_scan, "timing",
         lambda t: t.wns == -0.412 and len(t.clocks) == 4),
)


@dataclass(frozen=True)
class SizeResult:
    kind: str
    label: str
    size_mb: float        # actual file size, MB (10^6 bytes)
    wall: float           # median seconds, parsing the file
    cpu: float            # median process CPU seconds, parsing the file
    samples: int
    parse_cpu: float      # median process CPU seconds, parsing the text already in memory

    @property
    def mb_per_s(self) -> float:
        return self.size_mb / self.cpu

    @property
    def mb_per_s_wall(self) -> float:
        return self.size_mb / self.wall


def _parser(kind: str, in_memory: bool = False):
    from hwgen.budget import reports

    if in_memory:
        return reports.parse_utilization if kind == "utilization" else reports.parse_timing_summary
    return reports.parse_utilization_file if kind == "utilization" else reports.parse_timing_summary_file


def _time(fn, arg, repeats: int) -> tuple[float, float]:
    fn(arg)  # warm-up: page cache, regex compilation
    walls, cpus = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn(arg)
        cpus.append(time.process_time() - c0)
        walls.append(time.perf_counter() - w0)
    return statistics.median(walls), statistics.median(cpus)


def _interleaved(jobs, repeats: int) -> list[tuple[float, float, float]]:
    """Median (wall, CPU) of each ``(fn, arg)`` job, plus the median CPU of ``jobs``' second
    function; the jobs run in rotating order, once per round, so a change in the machine's
    load hits every size alike (as the process figures do with the floor)."""
    for fn, arg, *_ in jobs:
        fn(arg)  # warm-up
    walls = [[] for _ in jobs]
    cpus = [[] for _ in jobs]
    for r in range(repeats):
        for i in range(len(jobs)):
            j = (r + i) % len(jobs)
            fn, arg = jobs[j][0], jobs[j][1]
            w0, c0 = time.perf_counter(), time.process_time()
            fn(arg)
            cpus[j].append(time.process_time() - c0)
            walls[j].append(time.perf_counter() - w0)
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(walls, cpus)]


def run_big(fixtures: Path, workdir: Path, repeats: int, progress=lambda s: None) -> list[SizeResult]:
    """Each kind at every size: from the file (judged) and from memory, sizes interleaved."""
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for kind in KINDS:
        parse, parse_text = _parser(kind.parse), _parser(kind.parse, in_memory=True)
        paths, texts = [], []
        try:
            for size_mb in SIZES_MB:
                path = workdir / f"{kind.key}_{size_mb:g}MB.rpt"
                text = kind.make(fixtures, int(size_mb * MB))
                path.write_text(text, encoding="utf-8")
                paths.append(path)
                texts.append(text)
                result = parse(path)
                if not kind.check(result):
                    raise AssertionError(f"{path.name}: parsed, but to the wrong numbers: {result}")
            on_file = _interleaved([(parse, p) for p in paths], repeats)
            in_memory = _interleaved([(parse_text, t) for t in texts], repeats)
            for path, (wall, cpu), (_, text_cpu) in zip(paths, on_file, in_memory):
                r = SizeResult(kind.key, kind.label, path.stat().st_size / MB, wall, cpu, repeats,
                               text_cpu)
                results.append(r)
                progress(f"reports {kind.key} {r.size_mb:.1f} MB: {r.mb_per_s:.0f} MB/s")
        finally:
            for path in paths:
                path.unlink(missing_ok=True)
    return results


def linearity(results: list[SizeResult], kind: str) -> tuple[float, list[tuple[float, float, float]]]:
    """Time ratio per doubling of the size over the whole span (judged; 2.0 = linear), and
    the same for each step between sizes: (from MB, to MB, ratio per doubling)."""
    rows = sorted((r for r in results if r.kind == kind), key=lambda r: r.size_mb)

    def per_doubling(a: SizeResult, b: SizeResult) -> float:
        return (b.cpu / a.cpu) ** (1 / math.log2(b.size_mb / a.size_mb))

    steps = [(a.size_mb, b.size_mb, per_doubling(a, b)) for a, b in zip(rows, rows[1:])]
    return per_doubling(rows[0], rows[-1]), steps


@dataclass(frozen=True)
class FixtureResult:
    files: int
    bytes: int
    wall: float          # median seconds to parse all fixtures once
    cpu: float

    @property
    def per_report_us(self) -> float:
        return self.cpu / self.files * 1e6


def run_fixtures(fixtures: Path, repeats: int) -> FixtureResult:
    """Every shipped utilization/timing fixture that is a complete report, parsed from its file."""
    from hwgen.budget import reports

    jobs = []
    for path in sorted(fixtures.glob("*.rpt")):
        parse = _parser("timing" if path.name.startswith("timing_") else "utilization")
        try:
            parse(path)
        except reports.ReportError:
            continue   # the truncated/binary/empty fixtures test error paths, not speed
        jobs.append((parse, path))

    def all_once(_):
        for parse, path in jobs:
            parse(path)

    wall, cpu = _time(all_once, None, repeats)
    return FixtureResult(len(jobs), sum(p.stat().st_size for _, p in jobs), wall, cpu)
