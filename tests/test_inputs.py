"""The broken-input corpus: every mistake people make gives exit 2 and one clear line.

Each case mutates a shipped file (or passes a bad --set) and states where the error
must point. Line and column are computed from the mutated text, so the expectation
follows the file rather than being typed in.
"""

from __future__ import annotations

import re

import pytest

from conftest import BOARDS, DPUS, hwgen_main

BOARD_TEXT = (BOARDS / "pynq_z2.yaml").read_text()
DPU_TEXT = (DPUS / "b512.yaml").read_text()


def _pos(text: str, start: int, anchor: str) -> tuple[int, int]:
    i = text.index(anchor, start)
    line = text.count("\n", 0, i) + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    return line, col


# (id, file, old, new, anchor of the reported position or None for file-level, key path, message part)
FILE_CASES = [
    ("hp_width_48", "board", "hp0: {width: 64}", "hp0: {width: 48}", "48",
     "ps.ports.hp0.width", "expected one of 32, 64, 128, got an integer (48)"),
    ("unknown_key_hint", "board", 'vendor: "TUL"', 'vendor: "TUL"\nvendr: TUL', "vendr",
     "vendr", "unknown key 'vendr' (did you mean 'vendor'?)"),
    ("duplicate_key", "board", "part: xc7z020clg400-1 ", "part: xc7z020clg400-1\npart: xc7z010clg400-1 ",
     "part: xc7z010", "part", "duplicate key (first defined at line"),
    ("wrong_type", "board", "crystal_mhz: 50 ", "crystal_mhz: fifty ", "fifty",
     "ps.crystal_mhz", "expected a number from 10 to 60 MHz, got a string ('fifty')"),
    ("missing_required", "board", 'vendor: "TUL"\n', "", None,
     "", "missing required key 'vendor'"),
    ("malformed_yaml", "board", "hp2: {width: 64}", "hp2: {width: 64", None,
     "", "malformed YAML"),
    ("ddr_size_not_mib", "board", "size: 512M ", "size: 20000000 ", "20000000",
     "ddr.size", "expected a multiple of 1 MiB"),
    ("defaults_unknown_key", "board", "cma: 256M ", "cmaa: 256M ", "cmaa",
     "defaults.linux.cmaa", "unknown key 'cmaa' (did you mean 'cma'?)"),
    ("preset_value_injection", "board", 'PCW_QSPI_GRP_FBCLK_IO: "MIO 8"',
     'PCW_QSPI_GRP_FBCLK_IO: "MIO 8 ${exec rm}"', '"MIO 8 $',
     "ps.preset.PCW_QSPI_GRP_FBCLK_IO", "expected a PS7 property value"),
    ("preset_name_not_pcw", "board", 'PCW_QSPI_GRP_FBCLK_IO: "MIO 8"', 'QSPI_FBCLK: "MIO 8"', '"MIO 8"',
     "ps.preset.QSPI_FBCLK", "expected a PS property name (PCW_..., PSU_... or preset)"),
    ("custom_tag", "board", 'vendor: "TUL"', "vendor: !!python/object/apply:os.system [echo]",
     "!!python", "vendor", "unsupported tag"),
    ("multi_document", "board", "sources:", "---\nname: other\n---\nsources:", None,
     "", "more than one YAML document"),
    ("bad_part", "board", "part: xc7z020clg400-1", "part: zynq7020", "zynq7020",
     "part", "expected a Xilinx part name"),
    ("bad_fbdiv", "board", '    PCW_IOPLL_CTRL_FBDIV: "20"', '    PCW_IOPLL_CTRL_FBDIV: "99"', '"99"',
     "ps.preset.PCW_IOPLL_CTRL_FBDIV", "expected an integer PLL feedback divider"),
    ("bad_baud", "board", "baud: 115200 ", "baud: 12345 ", "12345",
     "console.baud", "expected one of 9600"),
    ("bool_for_int", "board", "bus_width: 16 ", "bus_width: true ", "true",
     "ddr.bus_width", "got a boolean (true)"),
    ("dpu_unknown_option", "dpu", "  ram_usage: low", "  ram_usag: low", "low",
     "options.ram_usag", "unknown option"),
    ("dpu_bad_arch", "dpu", "arch: B512", "arch: B513", "B513",
     "arch", "(did you mean 'B512'?)"),
    ("dpu_control_range", "dpu", "control_range: 16M", "control_range: 16000000", "16000000",
     "interfaces.control_range", "expected a multiple of"),
    ("dpu_option_value", "dpu", "dsp_usage: high", "dsp_usage: medium", "medium",
     "options.dsp_usage", "expected low or high, got a string ('medium')"),
    ("dpu_connect_port", "dpu", "DPU0_M_AXI_DATA1: hp2", "DPU0_M_AXI_DATA1: hp5", "hp5",
     "connect.DPU0_M_AXI_DATA1", "expected one of hp0, hp1, hp2, hp3, gp0"),
    ("dpu_vlnv", "dpu", "vlnv: xilinx.com:ip:dpuczdx8g:4.1", "vlnv: dpuczdx8g", "dpuczdx8g\n",
     "vlnv", "expected a VLNV"),
    ("dpu_list_for_string", "dpu", "instr: DPU0_M_AXI_INSTR", "instr: [DPU0_M_AXI_INSTR]", "[DPU0",
     "interfaces.instr", "got a list"),
]


@pytest.mark.parametrize("case", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_broken_file(tmp_path, case):
    _, kind, old, new, anchor, path, message = case
    text = BOARD_TEXT if kind == "board" else DPU_TEXT
    assert old in text, f"fixture drifted: {old!r} not in the shipped {kind} file"
    start = text.index(old)
    broken = text.replace(old, new, 1)
    f = tmp_path / f"my_{kind}.yaml"
    f.write_text(broken)
    args = ["check", f"--{kind}", f]
    r = hwgen_main(*args, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    first = r.stderr.splitlines()[0]
    where = str(f)
    if anchor is not None:
        line, col = _pos(broken, start, anchor)
        where += f":{line}:{col}"
    assert first.startswith(where + ":"), (first, where)
    if path:
        assert f": {path}: " in first, first
    assert message in first, first


SET_CASES = [
    ("unknown_setting", "dpu.clok_mhz=1", "--set dpu.clok_mhz=1: dpu.clok_mhz: unknown setting "
                                          "(did you mean 'dpu.clock_mhz'?)"),
    ("clock_zero", "dpu.clock_mhz=0", "dpu.clock_mhz: expected a number from 10 to 800 MHz, got an integer (0)"),
    ("clock_5000", "dpu.clock_mhz=5000", "got an integer (5000)"),
    ("cma_not_mib", "linux.cma=5000K", "linux.cma: expected a multiple of 1 MiB"),
    ("no_equals", "linux.cma", "expected KEY=VALUE"),
    ("section", "dpu=1", "dpu: is a section"),
    ("bool", "build.post_route_phys_opt=maybe", "expected true or false, got a string ('maybe')"),
    ("jobs_range", "build.jobs=0", "build.jobs: expected an integer from 1 to 64"),
    ("budget_range", "budget.lut=150", "budget.lut: expected a number from 1 to 100 %"),
    ("bootargs_injection", 'linux.extra_bootargs=quiet"; rm', "linux.extra_bootargs: expected kernel arguments"),
    ("irq_range", "dpu.irq=16", "dpu.irq: expected an integer from 0 to 15"),
]


@pytest.mark.parametrize("case", SET_CASES, ids=[c[0] for c in SET_CASES])
def test_broken_set(case):
    _, arg, message = case
    r = hwgen_main("check", "--set", arg)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert r.stderr.startswith("--set "), r.stderr
    assert message in r.stderr, r.stderr


def test_missing_file(tmp_path):
    r = hwgen_main("check", "--board", tmp_path / "nope.yaml")
    assert r.returncode == 2
    assert r.stderr.strip() == f"{tmp_path / 'nope.yaml'}: no such file"


def test_not_utf8(tmp_path):
    f = tmp_path / "latin1.yaml"
    f.write_bytes(BOARD_TEXT.encode().replace(b'vendor: "TUL"', b'vendor: "T\xdcL"'))
    r = hwgen_main("check", "--board", f)
    assert r.returncode == 2
    line = BOARD_TEXT[:BOARD_TEXT.index('vendor: "TUL"')].count("\n") + 1
    assert re.match(rf"{re.escape(str(f))}:{line}:1: not UTF-8 text \(byte 0xdc", r.stderr), r.stderr


def test_empty_file(tmp_path):
    f = tmp_path / "empty.yaml"
    f.write_text("# nothing but a comment\n")
    r = hwgen_main("check", "--board", f)
    assert r.returncode == 2
    assert r.stderr.strip() == f"{f}: file is empty; expected a YAML mapping"


def test_unknown_shipped_name():
    r = hwgen_main("check", "--board", "pynq_z1")
    assert r.returncode == 2
    assert "--board: expected one of the shipped boards" in r.stderr
    assert "did you mean 'pynq_z2'?" in r.stderr


def test_every_problem_is_reported_once_per_line(tmp_path):
    broken = BOARD_TEXT.replace("hp0: {width: 64}", "hp0: {width: 48}").replace(
        "baud: 115200 ", "baud: 7 ")
    f = tmp_path / "two.yaml"
    f.write_text(broken)
    r = hwgen_main("check", "--board", f)
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert len(lines) == 2, lines
    assert any("ps.ports.hp0.width" in l for l in lines) and any("console.baud" in l for l in lines)


def test_usage_error_exits_2():
    r = hwgen_main("build", "--no-such-option")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
