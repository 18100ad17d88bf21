"""Performance lint: each rule fires on a --set or a board/DPU YAML variant, never on the defaults,
and never changes a verdict or an exit code."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from conftest import BOARDS, DPUS
from hwgen.budget import estimate as budget
from hwgen.model.design import load_design
from hwgen.budget.lint import lint_checks


def names(checks):
    return [c.name for c in checks]


def warnings_of(design):
    checks = lint_checks(design)
    assert all(c.severity == "warning" and not c.ok for c in checks)
    return checks


def variant(tmp_path, source, name, *replacements):
    text = source.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.fixture
def narrow_board(tmp_path):
    return variant(tmp_path, BOARDS / "pynq_z2.yaml", "narrow.yaml", ("hp0: {width: 64}", "hp0: {width: 32}"))


@pytest.fixture
def shared_dpu(tmp_path):
    return variant(tmp_path, DPUS / "b512.yaml", "shared.yaml",
                   ("  DPU0_M_AXI_DATA1: hp2", "  DPU0_M_AXI_DATA1: hp0"))


# --------------------------------------------------------------------------- absent by default
@pytest.mark.parametrize("board", ["pynq_z2", "zybo_z7_20"])
@pytest.mark.parametrize("dpu", ["B512", "B1152", "B4096"])
def test_no_warning_on_the_default_designs(board, dpu):
    d = load_design(board, dpu)
    assert lint_checks(d) == ()
    assert not [c for c in budget.estimate(d).checks if c.name.startswith("lint.")]


@pytest.mark.parametrize("mhz", ["100", "125", "150", "175", "200", "250"])
def test_no_warning_at_clocks_the_plan_makes_exactly(mhz):
    for board in ("pynq_z2", "zybo_z7_20"):
        assert lint_checks(load_design(board, sets=[f"dpu.clock_mhz={mhz}"])) == ()


# --------------------------------------------------------------------------- each rule
def test_32_bit_hp_port(narrow_board):
    (w,) = warnings_of(load_design(narrow_board))
    assert w.name == "lint.hp_width"
    assert w.message.startswith("narrow.yaml: ps.ports.hp0.width: DPU0_M_AXI_DATA0 (64 bit) reach "
                                "S_AXI_HP0 configured 32 bit")
    # 4 B x 150 MHz = 0.6 GB/s instead of 8 B x 150 MHz = 1.2 GB/s
    assert "4 B x 150 MHz = 0.6 GB/s instead of 1.2 GB/s (50% less)" in w.message
    assert "Set ps.ports.hp0.width: 64" in w.message


def test_two_data_masters_on_one_hp_port(shared_dpu):
    (w,) = warnings_of(load_design(dpu=shared_dpu))
    assert w.name == "lint.hp_shared"
    assert w.message.startswith("shared.yaml: connect: DPU0_M_AXI_DATA0, DPU0_M_AXI_DATA1 share hp0: "
                                "2 data streams split its 1.2 GB/s")
    assert "the board has hp1, hp2, hp3 free" in w.message


def test_two_cores_share_core_0s_ports():
    ws = warnings_of(load_design(sets=["dpu.cores=2"]))
    assert names(ws) == ["lint.hp_shared", "lint.hp_shared"]
    assert ws[0].message.startswith("--set dpu.cores=2: dpu.cores: DPU0_M_AXI_DATA0, DPU1_M_AXI_DATA0 "
                                    "share hp0")
    assert "hp2" in ws[1].message and "less than 2x the frames per second" in ws[1].message


def test_the_instruction_master_sharing_hp0_is_not_a_warning():
    # The shipped profiles put DPU0_M_AXI_INSTR on hp0 beside DATA0 on purpose (light traffic).
    assert dict(load_design().dpu.connect)["DPU0_M_AXI_INSTR"] == "hp0"
    assert lint_checks(load_design()) == ()


@pytest.mark.parametrize("dsp,share", [("250", "250/300 = 83% of peak"), ("200", "200/300 = 67% of peak")])
def test_dsp_clock_below_twice_the_axi_clock(dsp, share):
    (w,) = warnings_of(load_design(sets=[f"dpu.dsp_clock_mhz={dsp}"]))
    assert w.name == "lint.dsp_clock_ratio"
    assert w.message.startswith(f"--set dpu.dsp_clock_mhz={dsp}: dpu.dsp_clock_mhz: dpu_2x_clk {dsp} MHz "
                                f"is not 2 x m_axi_dpu_aclk 150 MHz = 300 MHz")
    assert share in w.message


def test_dsp_clock_above_twice():
    (w,) = warnings_of(load_design(sets=["dpu.clock_mhz=100", "dpu.dsp_clock_mhz=250"]))
    assert w.name == "lint.dsp_clock_ratio" and "buys nothing" in w.message


def test_a_clock_the_ps_can_only_approximate():
    # 142.86 MHz: IO PLL 1000/7 = 142.857 MHz is -20 ppm off; a 100 ppm tolerance accepts it.
    d = load_design(sets=["dpu.clock_mhz=142.86", "dpu.fclk_tolerance_ppm=100"])
    (w,) = warnings_of(d)
    assert w.name == "lint.clock_approximate"
    assert w.message.startswith("--set dpu.clock_mhz=142.86: dpu.clock_mhz: the PS PLLs and the "
                                "clocking wizard only approximate the DPU clocks")
    assert "m_axi_dpu_aclk 142.857 MHz, not 142.86 MHz (-20 ppm)" in w.message
    assert "dpu_2x_clk 285.714 MHz, not 285.72 MHz (-20 ppm)" in w.message
    assert "dpu.fclk_tolerance_ppm 100 (--set dpu.fclk_tolerance_ppm=100)" in w.message


def test_a_tolerance_alone_is_no_warning_when_the_clock_is_exact():
    assert lint_checks(load_design(sets=["dpu.fclk_tolerance_ppm=100"])) == ()


def test_an_axi_port_clock_above_250_mhz():
    ws = warnings_of(load_design(sets=["dpu.clock_mhz=260"]))
    assert set(names(ws)) == {"lint.axi_clock_max"}
    text = "\n".join(w.message for w in ws)
    # HP0 and HP2 run on m_axi_dpu_aclk; FCLK_CLK0 (ARM PLL 1300/5 = 260) also clocks GP0.
    for intf in ("S_AXI_HP0", "S_AXI_HP2", "M_AXI_GP0"):
        assert f"{intf} is clocked at 260 MHz" in text
    assert "above the 250 MHz" in text and "DS187 Table 19" in text


def test_250_mhz_is_still_allowed():
    assert lint_checks(load_design(sets=["dpu.clock_mhz=250"])) == ()


# --------------------------------------------------------------------------- never the exit code
def test_warnings_do_not_fail_the_verdict(narrow_board):
    v = budget.estimate(load_design(narrow_board, sets=["dpu.dsp_clock_mhz=250"]))
    assert v.ok
    assert names(c for c in v.checks if c.name.startswith("lint.")) == ["lint.hp_width", "lint.dsp_clock_ratio"]
    assert [m for m in v.messages if m.startswith("warning: lint.")] == [
        f"warning: {c.name}: {c.message}" for c in v.checks if c.name.startswith("lint.")]


def test_check_shows_them_and_exits_0(cli, narrow_board):
    code, out, err = cli("check", "--board", narrow_board, "--set", "dpu.dsp_clock_mhz=250")
    assert code == 0, err
    assert "warning: lint.hp_width: narrow.yaml: ps.ports.hp0.width" in out
    assert "warning: lint.dsp_clock_ratio:" in out
    assert out.rstrip().endswith("PASS: pynq_z2_dpu (estimate)")


def test_check_json_and_junit_carry_them(cli, shared_dpu):
    code, out, _ = cli("check", "--dpu", shared_dpu, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["verdict"] == "pass"
    assert any(m.startswith("warning: lint.hp_shared:") for m in doc["messages"])
    code, out, _ = cli("check", "--dpu", shared_dpu, "--format", "junit")
    assert code == 0
    suite = ET.fromstring(out.encode()).find("testsuite")
    case = next(c for c in suite.findall("testcase") if c.get("name") == "lint.hp_shared")
    assert case.find("failure") is None and "share hp0" in case.find("system-out").text
    assert suite.get("failures") == "0"


def test_a_failing_design_still_fails_for_its_own_reason(cli):
    code, out, _ = cli("check", "--dpu", "B4096", "--set", "dpu.dsp_clock_mhz=250")
    assert code == 1
    # B4096: (2 + 8*16*16/4 + 8*16 + 4*16 + 4) = 710 DSP by the IP's gtcl (DPU41-GTCL)
    assert "warning: lint.dsp_clock_ratio" in out and "DSP 710 of 220" in out


def test_build_writes_the_warnings_into_budget_json(tmp_path, cli):
    code, _, err = cli("build", "--set", "dpu.dsp_clock_mhz=250", "-o", tmp_path / "out")
    assert code == 0, err
    doc = json.loads((tmp_path / "out" / "budget.json").read_text())
    assert doc["verdict"] == "pass"
    assert any(m.startswith("warning: lint.dsp_clock_ratio") for m in doc["messages"])
