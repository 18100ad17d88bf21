"""Terminal output a person reads: the answer first, about 15 lines and 100 columns by default,
the provenance behind --verbose, everything in JSON; colour only on a terminal.

The cases run the CLI in-process on the shipped designs (click sees no terminal there, as in
CI: the plain text, no escape codes); the first also as a real process, to show the two agree."""

from __future__ import annotations

import json
import re

import pytest

from conftest import run_hwgen as run_process


class _Result:
    def __init__(self, code, stdout, stderr):
        self.returncode, self.stdout, self.stderr = code, stdout, stderr


def run_hwgen(*args) -> _Result:
    """hwgen in this process (a real process costs a second of CPU per call)."""
    from click.testing import CliRunner

    from hwgen.cli import main

    r = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return _Result(r.exit_code, r.stdout, r.stderr)

WIDTH = 100
ESC = "\x1b["


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def _fits(text: str, max_lines: int) -> None:
    lines = _lines(text)
    assert len(lines) <= max_lines, f"{len(lines)} lines:\n{text}"
    wide = [l for l in lines if len(l) > WIDTH]
    assert wide == [], f"{len(wide)} lines over {WIDTH} columns:\n" + "\n".join(wide)
    assert ESC not in text                     # a pipe gets plain text


@pytest.mark.parametrize("board", ["pynq_z2", "zybo_z7_20"])
def test_check_of_a_passing_design_is_short(board):
    r = run_hwgen("check", "--board", board)
    assert r.returncode == 0, r.stderr
    _fits(r.stdout, 15)
    real = run_process("check", "--board", board)
    assert (real.returncode, real.stdout) == (r.returncode, r.stdout)
    assert r.stdout.startswith("PASS: ")
    assert "Where the numbers come from" not in r.stdout


def test_check_verbose_and_json_carry_the_provenance():
    verbose = run_hwgen("check", "--verbose")
    assert verbose.returncode == 0
    doc = json.loads(run_hwgen("check", "--format", "json").stdout)
    sources = [c["source"] for res in doc["resources"] for c in res["contributions"]]
    assert sources and all(s for s in sources)
    flat = " ".join(verbose.stdout.split())
    for res in doc["resources"]:
        for c in res["contributions"]:
            assert " ".join(f"{c['what']}  [{c['source']}]".split()) in flat
    assert all(len(l) <= WIDTH for l in _lines(verbose.stdout))


def test_build_over_budget_says_each_memory_failure_once(tmp_path, monkeypatch):
    # a short relative -o, so the line count does not depend on how long the temp path is
    monkeypatch.chdir(tmp_path)
    r = run_hwgen("build", "--set", "linux.cma=512M", "-o", "out")
    assert r.returncode == 1
    text = r.stderr
    # 22 lines, plus one for the default design's warning that its fingerprint (ALU parallel 4,
    # the IP default) is no registered Vitis AI target
    _fits(text, 23)
    assert text.startswith("FAIL: ")
    for name in ("memory.cma_inside_ddr", "memory.min_free"):
        assert text.count(name) == 1, text
    assert "Where the numbers come from" not in text and "devices.md" not in text
    assert "nothing built" in text
    verbose = run_hwgen("build", "--set", "linux.cma=512M", "-o", tmp_path / "out", "--verbose")
    assert "Where the numbers come from" in verbose.stderr
    assert verbose.stderr.count("memory.cma_inside_ddr") == 1


def test_check_over_budget_stays_readable():
    r = run_hwgen("check", "--dpu", "B4096")
    assert r.returncode == 1
    # four failures, each with its fixes, wrapped; the DSP one also names the two settings
    # that are not enough on their own (DSP usage low, ALU parallel 2)
    _fits(r.stdout, 26)
    assert r.stdout.startswith("FAIL: ")


def test_estimate_leads_with_the_answer():
    r = run_hwgen("estimate")
    assert r.returncode == 0, r.stderr
    _fits(r.stdout, 15)
    assert re.match(r"mobilenet_v2 on pynq_z2_dpu \(pynq_z2, DPU B512\): [\d.]+ frames/s", r.stdout)
    verbose = run_hwgen("estimate", "--verbose")
    assert "Assumptions" in verbose.stdout and all(len(l) <= WIDTH for l in _lines(verbose.stdout))
    doc = json.loads(run_hwgen("estimate", "--format", "json").stdout)
    assert doc["assumptions"] and all(b["formula"] for b in doc["bounds"])


def test_fingerprint_decode_leads_with_the_hwgen_arguments():
    r = run_hwgen("fingerprint", "--decode", "0x0101000056010407")
    assert r.returncode == 0, r.stderr
    _fits(r.stdout, 16)
    lines = _lines(r.stdout)
    at = lines.index("hwgen arguments that build this DPU:")
    assert at <= 3 and lines[at + 1].split()[:2] == ["--dpu", "B4096"]
    verbose = run_hwgen("fingerprint", "--decode", "0x0101000056010407", "--verbose")
    assert "meaning:" in verbose.stdout and "[63:56]" in verbose.stdout
    doc = json.loads(run_hwgen("fingerprint", "--decode", "0x0101000056010407", "--format", "json").stdout)
    assert all(f["meaning"] and f["note"] for f in doc["fields"])


def test_colour_on_a_terminal_only():
    """click keeps the styling when the stream is a terminal and drops it for a pipe."""
    from click.testing import CliRunner

    from hwgen.cli import main

    plain = CliRunner().invoke(main, ["check", "--dpu", "B4096"])
    coloured = CliRunner().invoke(main, ["check", "--dpu", "B4096"], color=True)
    assert ESC not in plain.output and ESC + "31m" in coloured.output
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured.output) == plain.output


def test_check_of_reports_says_a_timing_failure_once():
    from conftest import ROOT

    reports = ROOT / "tests" / "fixtures" / "reports"
    r = run_hwgen("check", "--utilization", reports / "util_2020_1_7series_placed.rpt",
                  "--timing", reports / "timing_2020_1_not_met.rpt")
    assert r.returncode == 1
    _fits(r.stdout, 15)
    assert " ".join(r.stdout.split()).count("setup fails: WNS -0.412 ns") == 1
    assert "Memory" not in r.stdout                  # no design, no memory checks to count
