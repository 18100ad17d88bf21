"""Issue 20's measurements: the streaming report parser on 200 MB, and what the fsyncs cost.

    python benchmarks/bench_reliability.py            # both, prints a table
    python benchmarks/bench_reliability.py --json     # the same figures as JSON

1. Reports (goal: >= 50 MB/s, memory flat in the file's size). Each parse runs in a fresh
   child process, so its peak RSS (``ru_maxrss``) is that parse's alone:
   - ``timing-scan``: a report_timing_summary whose check_timing section lists endpoints
     for 50 and 200 MB before the Design Timing Summary: every byte is read, decoded and
     looked at. The peak RSS at both sizes shows whether memory follows the file.
   - ``clock-rows``: the issue's hostile report, 200 MB of which a 2.6-million-row Clock
     Summary. hwgen refuses a clock summary of more than reports.MAX_CLOCKS clocks (no
     design has that many; keeping them all would be the 1.27 GB the issue measured), so
     this figure is the time and memory to reach that refusal.
2. fsync: a full build folder written with write_all (journal, every file fsync'ed, the
   folders fsync'ed) against the same write with os.fsync replaced by a no-op, median of
   repeated writes into the same folder (the steady state of a rebuild).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURES = ROOT / "tests" / "fixtures" / "reports"
MB = 1_000_000
REPORT_RATE = 50.0


def _timing_scan(size: int) -> str:
    text = (FIXTURES / "timing_2020_1_not_met.rpt").read_text()
    anchor = " There are 0 pins that are not constrained for maximum delay.\n"
    at = text.index(anchor) + len(anchor)
    pin = " design_1_i/dpu_eu_0/inst/u_dpu/u_conv/u_pe_array/gen_pe[{:05d}]/acc_reg[{:02d}]/D\n"
    one = "".join(pin.format(i, j) for i in range(8) for j in range(32))
    return text[:at] + "\n" + one * (max(0, size - len(text)) // len(one)) + text[at:]


def _clock_rows(size: int, rows: int = 2_600_000) -> str:
    text = (FIXTURES / "timing_2020_1_not_met.rpt").read_text()
    anchor = "clk_fpga_1                       {0.000 2.500}      5.000           200.000         \n"
    at = text.index(anchor) + len(anchor)
    width = max(40, (size - len(text)) // rows)
    row = "clk_{:07d}" + " " * 10 + "{{0.000 2.500}}      5.000           200.000"
    body = "".join((row.format(i)).ljust(width - 1) + "\n" for i in range(rows))
    return text[:at] + body + text[at:]


_CHILD = r"""
import resource, sys, time
sys.path.insert(0, sys.argv[1])
from hwgen.budget import reports
c0, w0 = time.process_time(), time.perf_counter()
try:
    t = reports.parse_timing_summary_file(sys.argv[2])
    outcome = f"parsed: wns {t.wns}, {len(t.clocks)} clocks"
except reports.ReportError as exc:
    outcome = "refused: " + str(exc).split(": ", 1)[1][:90]
cpu, wall = time.process_time() - c0, time.perf_counter() - w0
print(cpu, wall, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, outcome, sep="\t")
"""


def _baseline_rss() -> int:
    out = subprocess.run([sys.executable, "-c", "import resource, sys; sys.path.insert(0, sys.argv[1]);"
                          "import hwgen.budget.reports;"
                          "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)", str(ROOT)],
                         capture_output=True, text=True, check=True)
    return int(out.stdout)


def bench_reports(repeats: int) -> list[dict]:
    rows = []
    base = _baseline_rss()
    with tempfile.TemporaryDirectory() as tmp:
        for key, size_mb in (("timing-scan", 50), ("timing-scan", 200), ("clock-rows", 200)):
            path = Path(tmp) / f"{key}_{size_mb}.rpt"
            # Made in a child too: a child forked from a parent holding 200 MB of text would
            # count those pages in its own peak RSS (ru_maxrss) before it even started.
            subprocess.run([sys.executable, __file__, "--make", key, str(size_mb), str(path)],
                           check=True)
            size = path.stat().st_size
            samples = []
            for _ in range(repeats):
                out = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT), str(path)],
                                     capture_output=True, text=True, check=True)
                cpu, wall, rss, outcome = out.stdout.rstrip("\n").split("\t")
                samples.append((float(cpu), float(wall), int(rss), outcome))
            path.unlink()
            cpu = statistics.median(s[0] for s in samples)
            wall = statistics.median(s[1] for s in samples)
            rss = max(s[2] for s in samples)
            rows.append({"kind": key, "size_mb": round(size / MB, 1), "cpu_s": round(cpu, 3),
                         "wall_s": round(wall, 3), "mb_per_s": round(size / MB / cpu, 1),
                         "peak_rss_mb": round(rss / 1024, 1),
                         "rss_above_import_mb": round((rss - base) / 1024, 1),
                         "outcome": samples[0][3], "goal_mb_per_s": REPORT_RATE,
                         "met": size / MB / cpu >= REPORT_RATE})
    return rows


def bench_fsync(repeats: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from hwgen.emit import output
    from hwgen.folder.build import render_outputs
    from hwgen.model.design import load_design

    outputs = render_outputs(load_design())
    real = os.fsync
    fsyncs = []

    def counting(fd):
        fsyncs.append(fd)
        real(fd)

    def timed(sync: bool) -> float:
        with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks") as tmp:
            out = Path(tmp) / "out"
            output.write_all(out, outputs)
            os.fsync = real if sync else (lambda fd: None)
            try:
                times = []
                for _ in range(repeats):
                    t0 = time.perf_counter()
                    output.write_all(out, outputs)
                    times.append(time.perf_counter() - t0)
            finally:
                os.fsync = real
            return statistics.median(times)

    os.fsync = counting
    try:
        with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks") as tmp:
            output.write_all(Path(tmp) / "out", outputs)
    finally:
        os.fsync = real
    with_sync, without = timed(True), timed(False)
    return {"files": len(outputs), "fsyncs_per_build": len(fsyncs),
            "write_with_fsync_ms": round(with_sync * 1000, 1),
            "write_without_fsync_ms": round(without * 1000, 1),
            "fsync_cost_ms": round((with_sync - without) * 1000, 1),
            "file_system": _fs_type(ROOT)}


def _fs_type(path: Path) -> str:
    try:
        out = subprocess.run(["stat", "-f", "-c", "%T", str(path)], capture_output=True, text=True)
        return out.stdout.strip()
    except OSError:
        return "?"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--make", nargs=3, metavar=("KIND", "MB", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.make:
        kind, size_mb, path = args.make
        make = {"timing-scan": _timing_scan, "clock-rows": _clock_rows}[kind]
        Path(path).write_text(make(int(size_mb) * MB))
        return 0
    result = {"reports": bench_reports(args.repeats), "fsync": bench_fsync(max(5, args.repeats * 3))}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for r in result["reports"]:
            print(f"{r['kind']:12} {r['size_mb']:7.1f} MB  {r['mb_per_s']:7.1f} MB/s (CPU {r['cpu_s']} s, "
                  f"wall {r['wall_s']} s)  peak RSS {r['peak_rss_mb']} MB "
                  f"(+{r['rss_above_import_mb']} MB over import)  {r['outcome']}")
        f = result["fsync"]
        print(f"fsync: {f['fsyncs_per_build']} fsyncs per build of {f['files']} files on "
              f"{f['file_system']}: {f['write_with_fsync_ms']} ms vs {f['write_without_fsync_ms']} ms "
              f"without (+{f['fsync_cost_ms']} ms)")
    return 0 if all(r["met"] for r in result["reports"]) else 1


if __name__ == "__main__":
    sys.exit(main())
