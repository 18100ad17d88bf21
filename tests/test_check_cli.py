"""`hwgen check` and the budget gate of `hwgen build`, end to end through the CLI.

JSON is checked key by key and type by type; JUnit is parsed back with an XML parser.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from _ipmodel import bram, dsp, ff, lut
from hwgen.cli import main

FIX = Path(__file__).parent / "fixtures" / "reports"
ROOT = Path(__file__).resolve().parent.parent



def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def rpt(name):
    return str(FIX / name)


def flat(text: str) -> str:
    """The text with its line wrapping undone (sentences wrap at 100 columns)."""
    return " ".join(text.split())


def paragraphs(text: str) -> list[str]:
    """Wrapped sentences back on one line each: a continuation is indented deeper."""
    out: list[str] = []
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip())
        if out and out[-1][1] and line.strip() and depth > out[-1][0]:
            out[-1] = (out[-1][0], out[-1][1] + " " + line.strip())
        else:
            out.append((depth, line.strip()))
    return [p for _, p in out]


# --------------------------------------------------------------------------- estimates
def test_default_check_passes_with_a_table():
    r = run("check")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    head = next(i for i, l in enumerate(lines) if l.startswith("Resource"))
    assert lines[head].split() == ["Resource", "Estimate", "Available", "Percent", "Limit", "Status"]
    # B512 DSP high: LUT by the calibrated model + infrastructure; DSP by the IP's gtcl,
    # (1 + 1 + 4*8*8/4 + 4*8 + 4*8 + 4) = 134, what the real v4.1 B512 builds used (DPU41-R5, R9)
    assert lut("B512") == 26747 and dsp("B512") == 134
    assert lines[head + 1].split() == ["LUT", "26,747", "53,200", "50.28%", "80%", "ok"]
    assert lines[head + 2].split() == ["FF", f"{ff('B512'):,}", "106,400", "33.08%", "80%", "ok"]
    assert lines[head + 3].split() == ["BRAM", "72", "140", "51.43%", "90%", "ok"]
    assert lines[head + 4].split() == ["DSP", "134", "220", "60.91%", "90%", "ok"]
    # aligned: every row of the table has its numbers ending in the same columns
    rows = lines[head:head + 5]
    assert len({len(l.rstrip().rsplit("%", 2)[0]) for l in rows[1:]}) == 1
    assert lines[0].startswith("PASS: pynq_z2_dpu on xc7z020clg400-1")     # the answer leads
    assert "Where the numbers come from" not in r.output      # provenance: --verbose and JSON
    assert "Where the numbers come from" in run("check", "--verbose").output


def test_b4096_exits_1_and_says_does_not_fit():
    r = run("check", "--dpu", "B4096")
    assert r.exit_code == 1
    # gtcl: DSP (2 + 8*16*16/4 + 8*16 + 4*16 + 4) = 710, BRAM (16 + 17 + 1) banks x 15 / 2 = 255,
    # both what the real B4096 builds used (DPU41-R3, R4, R8)
    assert (dsp("B4096"), bram("B4096")) == (710, 255)
    assert "DSP            710        220  322.73%    90%  DOES NOT FIT" in r.output
    assert "BRAM           255        140  182.14%    90%  DOES NOT FIT" in r.output
    failure_lines = [l for l in paragraphs(r.output) if " over the " in l and "limit of" in l]
    assert [l.split()[0] for l in failure_lines] == ["LUT", "FF", "BRAM", "DSP"]
    assert sum("does not fit" in l for l in failure_lines) == 2
    assert r.output.startswith("FAIL: pynq_z2_dpu on xc7z020clg400-1")


def test_b1024_ram_high_exit_1_and_low_exit_0():
    # B1024 DSP low (166 DSP): RAM high is (3*8 + 9 + 1) banks x ceil(64/9) / 2 = 136 BRAM,
    # over 90 % yet within the 140 of the part; RAM low (2*8 + 9 + 1) x 8 / 2 = 104.
    assert (bram("B1024", "high"), bram("B1024", "low"), dsp("B1024", "low")) == (136, 104, 166)
    low = ("check", "--dpu", "B1024", "--set", "dpu.dsp_usage=low")
    high = run(*low, "--set", "dpu.ram_usage=high")
    assert high.exit_code == 1
    assert "BRAM           136        140   97.14%    90%  OVER LIMIT" in high.output
    assert "--set dpu.ram_usage=low -> 104 of 140 (74.29%" in flat(high.output)
    assert run(*low).exit_code == 0


def test_invalid_input_exits_2_without_traceback():
    for args in (("check", "--dpu", "B9999"), ("check", "--set", "budget.lut=0"),
                 ("check", "--set", "budget.lutt=75"), ("check", "--format", "xml")):
        r = CliRunner().invoke(main, list(args))
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output


# --------------------------------------------------------------------------- JSON
RESOURCE_KEYS = {"name": str, "used": (int, float), "available": (int, float),
                 "percent": (int, float), "limit_percent": (int, float), "ok": bool,
                 "contributions": list}


def check_json_shape(doc):
    assert list(doc) == ["verdict", "design", "part", "source", "resources", "memory", "timing",
                         "messages"]
    assert doc["verdict"] in ("pass", "fail")
    assert doc["design"] is None or isinstance(doc["design"], str)
    assert isinstance(doc["part"], str) and doc["source"] in ("estimate", "report")
    assert isinstance(doc["resources"], list) and doc["resources"]
    for res in doc["resources"]:
        assert set(res) == set(RESOURCE_KEYS)
        for key, kind in RESOURCE_KEYS.items():
            assert isinstance(res[key], kind) and not (kind != bool and isinstance(res[key], bool)), key
        assert res["name"] in ("LUT", "FF", "BRAM", "DSP", "URAM")
        assert round(100 * res["used"] / res["available"], 2) == res["percent"]
        assert res["ok"] == (res["percent"] <= res["limit_percent"])
        for c in res["contributions"]:
            assert set(c) == {"amount", "what", "source"} and c["source"]
    assert isinstance(doc["memory"], list)
    for m in doc["memory"]:
        assert isinstance(m["name"], str) and isinstance(m["ok"], bool) and isinstance(m["message"], str)
    if doc["timing"] is not None:
        assert set(doc["timing"]) == {"wns", "tns", "whs", "ths", "ok"}
        for key in ("wns", "tns", "whs", "ths"):
            assert doc["timing"][key] is None or isinstance(doc["timing"][key], (int, float))
        assert isinstance(doc["timing"]["ok"], bool)
    assert all(isinstance(m, str) for m in doc["messages"])
    assert (doc["verdict"] == "pass") == (all(r["ok"] for r in doc["resources"])
                                          and all(m["ok"] or m.get("severity") != "error"
                                                  for m in doc["memory"])
                                          and (doc["timing"] is None or doc["timing"]["ok"]))


def test_json_of_the_default_design():
    r = run("check", "--format", "json")
    assert r.exit_code == 0
    doc = json.loads(r.output)
    check_json_shape(doc)
    assert (doc["verdict"], doc["design"], doc["part"], doc["source"]) == \
        ("pass", "pynq_z2_dpu", "xc7z020clg400-1", "estimate")
    bram_line = doc["resources"][2]
    assert {k: v for k, v in bram_line.items() if k != "contributions"} == {
        "name": "BRAM", "used": bram("B512"), "available": 140, "percent": 51.43, "limit_percent": 90, "ok": True}
    # JSON carries the provenance the text shows only with --verbose, and it adds up.
    assert sum(c["amount"] for c in bram_line["contributions"]) == bram_line["used"]
    # The IP default ALU_PARALLEL_USER 4 gives fingerprint 0x0101000056010400 (DPU41-TTCL),
    # which no registered Vitis AI target has: the one message says so.
    assert doc["timing"] is None and len(doc["messages"]) == 1
    assert doc["messages"][0].startswith("warning: vitis_ai.fingerprint") and "0x0101000056010400" in doc["messages"][0]


def test_json_of_b4096_and_set_budget_lut():
    doc = json.loads(run("check", "--dpu", "B4096", "--set", "budget.lut=75", "--format", "json").output)
    check_json_shape(doc)
    assert doc["verdict"] == "fail"
    by = {r["name"]: r for r in doc["resources"]}
    assert by["LUT"]["limit_percent"] == 75 and by["DSP"]["used"] == dsp("B4096") and not by["DSP"]["ok"]
    assert len(doc["messages"]) == 4 and "does not fit" in doc["messages"][3]


def test_json_timing_na_is_null():
    r = run("check", "--utilization", rpt("util_2021_1_7series_placed.rpt"),
            "--timing", rpt("timing_2021_1_unconstrained.rpt"), "--format", "json")
    assert r.exit_code == 1
    doc = json.loads(r.output)
    check_json_shape(doc)
    assert doc["timing"] == {"wns": None, "tns": None, "whs": None, "ths": None, "ok": False}
    assert doc["source"] == "report" and doc["design"] is None and doc["part"] == "7z010clg400-1"
    assert any("unconstrained" in m for m in doc["messages"])


# --------------------------------------------------------------------------- JUnit
def parse_junit(text):
    root = ET.fromstring(text.encode())
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases) == int(root.get("tests"))
    failures = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("failures")) == len(failures) == int(root.get("failures"))
    return suite, {c.get("name"): c for c in cases}


def test_junit_of_b4096():
    r = run("check", "--dpu", "B4096", "--format", "junit")
    assert r.exit_code == 1
    suite, cases = parse_junit(r.output)
    assert suite.get("name") == "hwgen.budget.pynq_z2_dpu"
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props == {"design": "pynq_z2_dpu", "part": "xc7z020clg400-1", "source": "estimate",
                     "verdict": "fail"}
    assert list(cases)[:4] == ["LUT", "FF", "BRAM", "DSP"]
    failure = cases["DSP"].find("failure")
    assert failure.get("type") == "does_not_fit"
    assert failure.get("message") == "DSP 710 of 220 (322.73%), limit 90%"
    # the smallest change that fits: B800, (2 + 4*10*10/4 + 4*10 + 4*10 + 4) = 186 DSP
    assert dsp("B800") == 186 and "--dpu B800 -> 186" in failure.text
    assert cases["LUT"].find("failure").get("type") == "over_limit"
    assert "DPU41-GTCL" in cases["DSP"].find("system-out").text        # the sources travel along
    assert all(c.get("classname").startswith("hwgen.budget.") for c in cases.values())


def test_junit_of_a_passing_report_with_timing():
    r = run("check", "--utilization", rpt("util_2024_1_7series_placed.rpt"),
            "--timing", rpt("timing_2024_1_met.rpt"), "--format", "junit")
    assert r.exit_code == 0
    suite, cases = parse_junit(r.output)
    assert set(cases) == {"LUT", "FF", "BRAM", "DSP", "timing"}
    assert suite.get("failures") == "0"
    assert "WNS 0.318 ns" in cases["timing"].find("system-out").text


def test_junit_timing_failure_carries_the_numbers():
    r = run("check", "--utilization", rpt("util_2020_1_7series_placed.rpt"),
            "--timing", rpt("timing_2020_1_not_met.rpt"), "--format", "junit")
    assert r.exit_code == 1
    _, cases = parse_junit(r.output)
    failure = cases["timing"].find("failure")
    assert failure.get("message") == "WNS -0.412 ns, TNS -12.345 ns, WHS 0.021 ns, THS 0.000 ns"
    assert "37 endpoints" in failure.text


def test_output_file_gets_the_format_and_stdout_the_table(tmp_path):
    out = tmp_path / "ci" / "budget.xml"
    r = run("check", "--dpu", "B4096", "--format", "junit", "--output", str(out))
    assert r.exit_code == 1
    parse_junit(out.read_text())
    assert "DOES NOT FIT" in r.output and "<testsuite" not in r.output


# --------------------------------------------------------------------------- reports
def test_7series_and_ultrascale_reports_without_a_design():
    r = run("check", "--utilization", rpt("util_2018_3_7series_placed.rpt"))
    assert r.exit_code == 0 and r.output.startswith("PASS: 7z020clg484-1, resource budget from Vivado's reports")
    assert "LUT        9,876     53,200   18.56%    80%  ok" in r.output
    us = run("check", "--utilization", rpt("util_2019_2_us_synth.rpt"))
    assert us.exit_code == 1
    assert "DSP          326        360   90.56%    90%  OVER LIMIT" in us.output
    ok = run("check", "--utilization", rpt("util_2019_2_us_synth.rpt"), "--set", "budget.dsp=91")
    assert ok.exit_code == 0


def test_report_with_the_design_shows_estimate_and_used():
    r = run("check", "--board", "pynq_z2", "--utilization", rpt("util_2024_1_7series_placed.rpt"),
            "--timing", rpt("timing_2024_1_met.rpt"))
    assert r.exit_code == 0, r.output
    head = next(l for l in r.output.splitlines() if l.startswith("Resource"))
    assert head.split() == ["Resource", "Estimate", "Used", "vs", "estimate", "Available", "Percent",
                            "Limit", "Status"]
    # 31337 used against 26747 estimated: +17.2 %
    assert lut("B512") == 26747
    row = next(l for l in r.output.splitlines() if l.startswith("LUT"))
    assert row.split() == ["LUT", "26,747", "31,337", "+17.2%", "53,200", "58.90%", "80%", "ok"]


def test_part_mismatch_exits_2_and_says_so():
    r = run("check", "--board", "pynq_z2", "--utilization", rpt("util_2020_1_7series_placed.rpt"))
    assert r.exit_code == 2
    assert "the report is for 7z020clg484-1, but design pynq_z2_dpu targets xc7z020clg400-1" in r.output


def test_negative_wns_exits_1():
    r = run("check", "--utilization", rpt("util_2020_1_7series_placed.rpt"),
            "--timing", rpt("timing_2020_1_not_met.rpt"))
    assert r.exit_code == 1
    assert "setup fails: WNS -0.412 ns" in flat(r.output)


def test_unconstrained_exits_1_with_its_message():
    r = run("check", "--utilization", rpt("util_2021_1_7series_placed.rpt"),
            "--timing", rpt("timing_2021_1_unconstrained.rpt"))
    assert r.exit_code == 1
    assert "timing: unconstrained - Vivado printed NA for WNS, TNS, WHS, THS" in flat(r.output)


@pytest.mark.parametrize("args, said", [
    (("--utilization", "util_truncated_midrow.rpt"), "row 'Slice Registers' is incomplete"),
    (("--utilization", "util_truncated_header_only.rpt"), "no sections (truncated report?)"),
    (("--utilization", "empty.rpt"), "empty report"),
    (("--utilization", "not_vivado.rpt"), "not a Vivado report_utilization report"),
    (("--utilization", "binary.rpt"), "binary data"),
    (("--utilization", "util_2024_1_7series_placed.rpt", "--timing", "timing_truncated.rpt"),
     "has no values (truncated report?)"),
    (("--utilization", "missing.rpt"), "cannot read file"),
    (("--timing", "timing_2024_1_met.rpt"), "needs --utilization too"),
])
def test_bad_reports_exit_2(args, said):
    args = [a if a.startswith("--") else rpt(a) for a in args]
    r = CliRunner().invoke(main, ["check", *args])
    assert r.exit_code == 2, r.output
    assert said in r.output and "Traceback" not in r.output
    assert "Resource" not in r.output               # never a table built on a wrong number


# --------------------------------------------------------------------------- the build gate
def test_build_over_budget_writes_only_budget_json(tmp_path):
    out = tmp_path / "b4096"
    r = CliRunner().invoke(main, ["build", "--dpu", "B4096", "-o", str(out)])
    assert r.exit_code == 1
    assert sorted(p.name for p in out.iterdir() if p.name != ".hwgen.lock") == ["budget.json"]
    doc = json.loads((out / "budget.json").read_text())
    check_json_shape(doc)
    assert doc["verdict"] == "fail"
    flat = " ".join(r.output.split())
    assert "budget.json records the failing verdict" in flat and "--allow-over-budget" in flat


def test_build_allow_over_budget_writes_everything_loudly(tmp_path):
    out = tmp_path / "b4096"
    r = CliRunner().invoke(main, ["build", "--dpu", "B4096", "-o", str(out), "--allow-over-budget"])
    assert r.exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert "budget.json" in [o["path"] for o in manifest["outputs"]]
    assert json.loads((out / "budget.json").read_text())["verdict"] == "fail"
    assert "WARNING: pynq_z2_dpu FAILS its budget check" in r.output
    assert "does not fit" in r.output


def test_build_refused_by_a_memory_check_writes_only_budget_json(tmp_path):
    # Memory checks are part of the verdict: the Pynq-Z2 has 512 MiB of DDR, so 512 MiB of
    # CMA fails memory.cma_inside_ddr and memory.min_free (largest fitting: 512 - 128 = 384 MiB).
    out = tmp_path / "cma"
    r = CliRunner().invoke(main, ["build", "--set", "linux.cma=512M", "-o", str(out)])
    assert r.exit_code == 1
    assert sorted(p.name for p in out.iterdir() if p.name != ".hwgen.lock") == ["budget.json"]
    doc = json.loads((out / "budget.json").read_text())
    check_json_shape(doc)
    failed = [m["name"] for m in doc["memory"] if not m["ok"]]
    assert failed == ["memory.cma_inside_ddr", "memory.min_free"]
    assert all(r["ok"] for r in doc["resources"])
    assert "the largest CMA that fits is 384 MiB" in r.output


def test_memory_checks_in_json_and_junit():
    doc = json.loads(run("check", "--format", "json").output)
    assert [m["name"] for m in doc["memory"]] == ["memory.cma_inside_ddr", "memory.no_overlap",
                                                  "memory.cma_aligned", "memory.min_free"]
    assert all(m["ok"] and m["severity"] == "error" for m in doc["memory"])
    r = run("check", "--set", "linux.cma=512M", "--format", "junit")
    assert r.exit_code == 1
    _, cases = parse_junit(r.output)
    failure = cases["memory.cma_inside_ddr"].find("failure")
    assert failure.get("type") == "memory_check" and "0x00000000-0x1FFFFFFF" in failure.get("message")
    assert cases["memory.no_overlap"].find("failure") is None
    assert cases["vitis_ai.fingerprint"].find("failure") is None       # a warning never fails


def test_build_within_budget_records_the_verdict(tmp_path):
    out = tmp_path / "default"
    r = CliRunner().invoke(main, ["build", "-o", str(out)])
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "budget.json").read_text())
    check_json_shape(doc)
    assert doc["verdict"] == "pass" and doc["source"] == "estimate"
    manifest = json.loads((out / "manifest.json").read_text())
    entry = next(o for o in manifest["outputs"] if o["path"] == "budget.json")
    assert entry["role"] == "budget"
    # deterministic: a second build writes the same bytes
    first = (out / "budget.json").read_bytes()
    CliRunner().invoke(main, ["build", "-o", str(out)])
    assert (out / "budget.json").read_bytes() == first


def test_real_process_exit_codes(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))

    def proc(*args):
        return subprocess.run([sys.executable, "-m", "hwgen", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=60)

    assert proc("check").returncode == 0
    r = proc("check", "--dpu", "B4096", "--format", "json")
    assert r.returncode == 1 and json.loads(r.stdout)["verdict"] == "fail"
    assert proc("check", "--board", "pynq_z2", "--utilization",
                rpt("util_2020_1_7series_placed.rpt")).returncode == 2


# --------------------------------------------------------------------------- what check loads
# The generators of build-folder files, the review artefacts, the build folder itself,
# explore and the Vivado runner: `hwgen check` uses none of them, and loading them cost
# a third of its time. (It does load hwgen.emit.render, and hwgen.emit.vitis_ai for the
# fingerprint check of the verdict. Run from this checkout it loads Jinja2 and PyYAML
# too: a checkout has no compiled templates or data; the installed wheel loads neither,
# tests/test_compiled_templates.py.)
_NOT_FOR_CHECK = ("hwgen.review", "hwgen.folder", "hwgen.explore", "hwgen.run",
                  "hwgen.emit.vivado", "hwgen.emit.petalinux", "hwgen.emit.fusesoc_core",
                  "hwgen.emit.output", "edalize", "fusesoc", "difflib", "xml.etree",
                  # the board-file importer and its XML parser (defusedxml loads urllib, http, email)
                  "hwgen.model.boardfiles", "defusedxml", "xml.sax", "urllib.request", "http",
                  # the other commands' definitions (hwgen.cli.app.COMMAND_MODULES loads only
                  # the one asked for)
                  "hwgen.cli.board", "hwgen.cli.build", "hwgen.cli.explore", "hwgen.cli.listing",
                  "hwgen.cli.review")

_LOADED = """
import sys
from hwgen.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    assert exc.code in (0, 1), exc.code
print("\\n".join(sorted(sys.modules)))
"""


@pytest.mark.parametrize("args", [["check"], ["check", "--dpu", "B4096"], ["check", "--format", "json"]])
def test_check_does_not_import_the_render_or_review_stack(args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", _LOADED, *args], capture_output=True, text=True,
                       env=env, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    loaded = r.stdout.split()
    assert "hwgen.budget.estimate" in loaded          # it did run the check
    wrong = [m for m in loaded if any(m == p or m.startswith(p + ".") for p in _NOT_FOR_CHECK)]
    assert wrong == []


def test_the_garbage_collector_is_paused_for_a_command_and_restored(monkeypatch):
    import gc

    from hwgen.budget import check as check_mod

    seen = []
    original = check_mod.verdict_for

    def recording(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(check_mod, "verdict_for", recording)
    assert gc.isenabled()
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert seen == [False]          # paused while the command ran
    assert gc.isenabled()           # and the caller's setting is back
    gc.disable()
    try:
        CliRunner().invoke(main, ["check"])
        assert not gc.isenabled()   # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_each_command_is_found_in_the_module_that_defines_it():
    """COMMAND_MODULES names, for every command the group has, the module that registers it:
    a command missing from the map, or mapped to the wrong module, would not be found when
    asked for before --help loaded every module."""
    import importlib

    from hwgen.cli import app

    for module in set(app.COMMAND_MODULES.values()):
        importlib.import_module(f"hwgen.cli.{module}")
    assert set(main.commands) == set(app.COMMAND_MODULES)
    for name, command in main.commands.items():
        assert command.callback.__module__ == f"hwgen.cli.{app.COMMAND_MODULES[name]}", name
    for name in app.COMMAND_MODULES:        # and each runs from a fresh process
        r = subprocess.run([sys.executable, "-m", "hwgen", name, "--help"], capture_output=True,
                           text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT,
                           timeout=120)
        assert r.returncode == 0 and "Usage:" in r.stdout, (name, r.stderr)
