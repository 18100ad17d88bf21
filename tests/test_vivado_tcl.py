"""The Vivado Tcl, run in tclsh against the Vivado command recorder.

Every assertion is about what the recorder saw Vivado being asked to do (cells,
properties, connections, nets, addresses, runs, reports, the XSA), never about the
text; the golden files at the end only catch unreviewed changes. Expected frequencies
and divisors are worked out by hand in comments from the board presets:
  Pynq-Z2 (pynq_z2.md §3): crystal 50 MHz; IO PLL 50 x 20 = 1000, DDR PLL 50 x 21 = 1050,
    ARM PLL 50 x 26 = 1300 MHz.
  Zybo Z7-20 (zybo_z7_20.md §3): crystal 33.333333 MHz; IO PLL x 30 = 1000, DDR x 32 =
    1066.667, ARM x 40 = 1333.333 MHz.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
from pathlib import Path

import pytest

from _vivado import (GOLDEN, clock_source, ps7_property_names, reaches, render, reset_cell_of,
                     run_block_design, run_build, write_build)
from hwgen.errors import InputError

pytestmark = pytest.mark.skipif(shutil.which("tclsh") is None, reason="needs tclsh (tcl8.6)")

DPU_VLNV = "xilinx.com:ip:dpuczdx8g:4.1"
MIB = 1 << 20


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory):
    """A working directory that is neither the build folder nor the repository."""
    return tmp_path_factory.mktemp("cwd")


def _built(tmp_path_factory, elsewhere, name, board=None, dpu=None, sets=()):
    out = tmp_path_factory.mktemp(name) / "build" / (board or "pynq_z2")
    design = write_build(out, board, dpu, sets)
    return out, design, run_build(out, design, cwd=elsewhere)


@pytest.fixture(scope="module")
def pynq(tmp_path_factory, elsewhere):
    return _built(tmp_path_factory, elsewhere, "pynq")


@pytest.fixture(scope="module")
def zybo(tmp_path_factory, elsewhere):
    return _built(tmp_path_factory, elsewhere, "zybo", board="zybo_z7_20")


# ----------------------------------------------------------------------------- project
def test_project_for_the_exact_part_with_board_part(pynq):
    out, design, rec = pynq
    assert rec.project.part == "xc7z020clg400-1"
    assert rec.project.board_part == "tul.com.tw:pynq-z2:part0:1.0"
    # The project lives under the build folder however build.tcl was started.
    assert rec.project.dir == out.resolve() / "vivado" / "project"
    assert rec.project.name == "pynq_z2_dpu"


def test_board_part_is_skipped_when_its_board_files_are_missing(pynq, tmp_path):
    # Vivado refuses a board_part it has no board files for; the preset makes them optional.
    out, design, _ = pynq
    rec = run_build(out, design, cwd=tmp_path, board_parts={})
    assert rec.project.part == "xc7z020clg400-1"
    assert rec.project.board_part is None
    assert "board files for tul.com.tw:pynq-z2:part0:1.0 are not installed" in rec.stdout
    assert rec.cells["ps7"].vlnv == "xilinx.com:ip:processing_system7:5.5"


def test_board_without_board_part_sets_none(tmp_path, elsewhere):
    text = (Path(__file__).resolve().parent.parent / "boards" / "zybo_z7_20.yaml").read_text()
    line = next(l for l in text.splitlines(True) if l.startswith("board_part:"))
    custom = tmp_path / "no_board_part.yaml"
    custom.write_text(text.replace(line, "", 1))
    out = tmp_path / "b"
    design = write_build(out, board=str(custom))
    rec = run_build(out, design, cwd=elsewhere)
    assert rec.project.part == "xc7z020clg400-1"
    assert rec.project.board_part is None
    assert not [p for p in rec.properties if p.name.upper() == "BOARD_PART"]


def test_ip_repo_is_relative_to_the_build_folder(pynq):
    out, _, rec = pynq
    assert rec.ip_repo_paths == ((out / "ip_repo").resolve(),)
    assert DPU_VLNV in rec.catalog
    checked = [c for c in rec.catalog_checks if DPU_VLNV in c.patterns]
    assert checked and checked[0].found == (DPU_VLNV,)


def test_sources_the_other_two_files_in_order(pynq):
    out, _, rec = pynq
    vivado = (out / "vivado").resolve()
    assert rec.sourced == (vivado / "block_design.tcl", vivado / "strategies.tcl")


# ----------------------------------------------------------------------------- cells
def test_cells_and_vlnvs(pynq):
    _, _, rec = pynq
    vlnvs = {name: cell.vlnv for name, cell in rec.cells.items()}
    assert vlnvs == {
        "ps7": "xilinx.com:ip:processing_system7:5.5",
        "dpu_clk_wiz": "xilinx.com:ip:clk_wiz:6.0",
        "rst_ps": "xilinx.com:ip:proc_sys_reset:5.0",
        "rst_dpu": "xilinx.com:ip:proc_sys_reset:5.0",
        "rst_dsp": "xilinx.com:ip:proc_sys_reset:5.0",
        "dpu": DPU_VLNV,
        "axi_gp0": "xilinx.com:ip:axi_interconnect:2.1",
        "axi_hp0": "xilinx.com:ip:axi_interconnect:2.1",
        "axi_hp2": "xilinx.com:ip:axi_interconnect:2.1",
        "irq_concat": "xilinx.com:ip:xlconcat:2.1",
    }
    assert {p: (i.mode, i.vlnv) for p, i in rec.intf_ports.items()} == {
        "DDR": ("Master", "xilinx.com:interface:ddrx_rtl:1.0"),
        "FIXED_IO": ("Master", "xilinx.com:display_processing_system7:fixedio_rtl:1.0"),
    }
    assert rec.connected("ps7/DDR", "DDR") and rec.connected("ps7/FIXED_IO", "FIXED_IO")


@pytest.mark.parametrize("fixture", ["pynq", "zybo"])
def test_every_board_preset_property_is_set(fixture, request):
    # Every parameter of the vendor's preset.xml (read here with a regex, not hwgen's
    # importer) reaches the recorded PS with its value, apart from the plan's overrides,
    # which the block design's plan heading lists.
    out, design, rec = request.getfixturevalue(fixture)
    config = rec.cell("ps7").config
    folder = {"pynq": "TUL/pynq-z2/A.0", "zybo": "Digilent/zybo-z7-20/A.0"}[fixture]
    xml = (Path(__file__).parent / "data" / "boardstore" / folder / "preset.xml").read_text()
    ps7 = xml[:xml.index("</ip_preset>")]
    vendor = re.findall(r'name="CONFIG\.(\w+)" value="([^"]*)"', ps7)
    assert len(vendor) > 300
    text = (out / "vivado" / "block_design.tcl").read_text()
    flat = " ".join(w for w in text.split() if w != "#")     # comments unwrapped
    overrides = {n for n, v in vendor if config[n] != v}
    for name in overrides:
        assert f"{name} {dict(vendor)[name]} -> {config[name]}" in flat, name
    assert overrides <= {"PCW_USE_S_AXI_HP0", "PCW_USE_S_AXI_HP2", "PCW_USE_M_AXI_GP0",
                         "PCW_FCLK0_PERIPHERAL_DIVISOR0", "PCW_FCLK0_PERIPHERAL_DIVISOR1",
                         "PCW_FPGA0_PERIPHERAL_FREQMHZ", "PCW_FCLK0_PERIPHERAL_CLKSRC",
                         "PCW_USE_FABRIC_INTERRUPT", "PCW_IRQ_F2P_INTR", "PCW_IRQ_F2P_MODE",
                         "PCW_S_AXI_HP0_DATA_WIDTH", "PCW_S_AXI_HP2_DATA_WIDTH", "PCW_EN_RST0_PORT",
                         "PCW_EN_CLK0_PORT", "PCW_FPGA_FCLK0_ENABLE", "PCW_USE_M_AXI_GP1",
                         "PCW_FPGA_FCLK1_ENABLE", "PCW_FPGA_FCLK2_ENABLE", "PCW_FPGA_FCLK3_ENABLE",
                         "PCW_EN_CLK1_PORT", "PCW_EN_CLK2_PORT", "PCW_EN_CLK3_PORT",
                         "PCW_EN_RST1_PORT", "PCW_EN_RST2_PORT", "PCW_EN_RST3_PORT",
                         "PCW_USE_S_AXI_GP0", "PCW_USE_S_AXI_GP1", "PCW_USE_S_AXI_ACP"}, overrides
    assert config["PCW_CRYSTAL_PERIPHERAL_FREQMHZ"] == dict(vendor)["PCW_CRYSTAL_PERIPHERAL_FREQMHZ"]


@pytest.mark.parametrize("fixture", ["pynq", "zybo"])
def test_every_ps_property_name_is_a_real_ps7_name(fixture, request):
    _, _, rec = request.getfixturevalue(fixture)
    known = ps7_property_names()
    assert len(known) > 800
    unknown = sorted(set(rec.cell("ps7").config) - known)
    assert unknown == []


@pytest.mark.parametrize("fixture", ["pynq", "zybo"])
def test_hp0_hp2_64_bit_gp0_and_irq(fixture, request):
    _, _, rec = request.getfixturevalue(fixture)
    c = rec.cell("ps7").config
    assert (c["PCW_USE_S_AXI_HP0"], c["PCW_S_AXI_HP0_DATA_WIDTH"]) == ("1", "64")
    assert (c["PCW_USE_S_AXI_HP2"], c["PCW_S_AXI_HP2_DATA_WIDTH"]) == ("1", "64")
    assert c["PCW_USE_S_AXI_HP1"] == c["PCW_USE_S_AXI_HP3"] == "0"
    assert c["PCW_USE_M_AXI_GP0"] == "1" and c["PCW_USE_M_AXI_GP1"] == "0"
    assert (c["PCW_USE_FABRIC_INTERRUPT"], c["PCW_IRQ_F2P_INTR"], c["PCW_IRQ_F2P_MODE"]) == \
        ("1", "1", "DIRECT")
    assert c["PCW_EN_RST0_PORT"] == "1"


def test_pynq_fclk0_is_150_from_the_ddr_pll(pynq):
    _, _, rec = pynq
    c = rec.cell("ps7").config
    # 1050 / (7 x 1) = 150 exactly; the IO PLL cannot (1000/7 = 142.857, 1000/6 = 166.667).
    assert c["PCW_FCLK0_PERIPHERAL_CLKSRC"] == "DDR PLL"
    assert (c["PCW_FCLK0_PERIPHERAL_DIVISOR0"], c["PCW_FCLK0_PERIPHERAL_DIVISOR1"]) == ("7", "1")
    assert float(c["PCW_FPGA0_PERIPHERAL_FREQMHZ"]) == 150.0
    assert c["PCW_FPGA_FCLK0_ENABLE"] == c["PCW_EN_CLK0_PORT"] == "1"


def test_zybo_fclk0_is_an_exact_100_and_the_wizard_makes_150_300(zybo):
    out, _, rec = zybo
    c = rec.cell("ps7").config
    # No PLL gives 150 (ARM 1333.333/9 = 148.148, DDR 1066.667/7 = 152.381, IO 1000/7 =
    # 142.857), so FCLK0 runs at IO PLL 1000 / (10 x 1) = 100 exactly, and the MMCM makes
    # 150/300: VCO = 100 x 12 = 1200 (the top of 600-1200), 1200/4 = 300, 1200/8 = 150.
    assert c["PCW_FCLK0_PERIPHERAL_CLKSRC"] == "IO PLL"
    assert (c["PCW_FCLK0_PERIPHERAL_DIVISOR0"], c["PCW_FCLK0_PERIPHERAL_DIVISOR1"]) == ("10", "1")
    assert float(c["PCW_FPGA0_PERIPHERAL_FREQMHZ"]) == 100.0
    w = rec.cell("dpu_clk_wiz").config
    assert float(w["PRIM_IN_FREQ"]) == 100.0
    assert float(w["CLKOUT1_REQUESTED_OUT_FREQ"]) == 300.0
    assert float(w["CLKOUT2_REQUESTED_OUT_FREQ"]) == 150.0
    assert (w["MMCM_DIVCLK_DIVIDE"], float(w["MMCM_CLKFBOUT_MULT_F"]),
            float(w["MMCM_CLKOUT0_DIVIDE_F"]), w["MMCM_CLKOUT1_DIVIDE"]) == ("1", 12.0, 4.0, "8")
    text = (out / "vivado" / "block_design.tcl").read_text()
    assert "#   FCLK_CLK0       requested 100 MHz  achieved 100.000 MHz = IO PLL 1000 MHz / (10 x 1)" in text
    assert "#   m_axi_dpu_aclk  requested 150 MHz  achieved 150.000 MHz" in text


def test_clock_wizard_makes_phase_aligned_150_and_300(pynq):
    _, _, rec = pynq
    w = rec.cell("dpu_clk_wiz").config
    # VCO 150 x 8 = 1200; CLKOUT0 1200/4 = 300 (the 2x clock, on clk_out1 as in TRD20),
    # CLKOUT1 1200/8 = 150.
    assert (w["PRIMITIVE"], w["NUM_OUT_CLKS"], w["CLKOUT2_USED"]) == ("MMCM", "2", "true")
    assert (w["CLK_OUT1_PORT"], float(w["CLKOUT1_REQUESTED_OUT_FREQ"])) == ("clk_dsp", 300.0)
    assert (w["CLK_OUT2_PORT"], float(w["CLKOUT2_REQUESTED_OUT_FREQ"])) == ("clk_dpu", 150.0)
    assert (w["MMCM_DIVCLK_DIVIDE"], float(w["MMCM_CLKFBOUT_MULT_F"]),
            float(w["MMCM_CLKOUT0_DIVIDE_F"]), w["MMCM_CLKOUT1_DIVIDE"]) == ("1", 8.0, 4.0, "8")
    assert rec.same_net("ps7/FCLK_CLK0", "dpu_clk_wiz/clk_in1")
    assert rec.same_net("dpu_clk_wiz/clk_dpu", "dpu/m_axi_dpu_aclk")
    assert rec.same_net("dpu_clk_wiz/clk_dsp", "dpu/dpu_2x_clk")
    # One wizard: both DPU clocks come from the same cell (phase-aligned).
    assert clock_source(rec, "dpu/m_axi_dpu_aclk").split("/")[0] == \
        clock_source(rec, "dpu/dpu_2x_clk").split("/")[0] == "dpu_clk_wiz"
    assert len([c for c in rec.cells.values() if ":clk_wiz:" in c.vlnv]) == 1


@pytest.mark.parametrize("fixture", ["pynq", "zybo"])
def test_every_hp_and_gp_clock_pin_is_driven(fixture, request):
    _, _, rec = request.getfixturevalue(fixture)
    c = rec.cell("ps7").config
    used = [p for p in ("HP0", "HP1", "HP2", "HP3") if c[f"PCW_USE_S_AXI_{p}"] == "1"]
    assert used == ["HP0", "HP2"]
    for port in used:
        assert clock_source(rec, f"ps7/S_AXI_{port}_ACLK") == "dpu_clk_wiz/clk_dpu", port
    assert clock_source(rec, "ps7/M_AXI_GP0_ACLK") == "ps7/FCLK_CLK0"
    # ... and every interconnect clock pin too.
    for name, cell in rec.cells.items():
        if ":axi_interconnect:" in cell.vlnv:
            n_si = int(cell.config["NUM_SI"])
            for pin in ["ACLK", "M00_ACLK"] + [f"S{i:02d}_ACLK" for i in range(n_si)]:
                assert clock_source(rec, f"{name}/{pin}") is not None, f"{name}/{pin}"


@pytest.mark.parametrize("fixture", ["pynq", "zybo"])
def test_one_reset_per_clock_domain(fixture, request):
    _, _, rec = request.getfixturevalue(fixture)
    resets = [n for n, c in rec.cells.items() if ":proc_sys_reset:" in c.vlnv]
    domains = {clock_source(rec, f"{r}/slowest_sync_clk") for r in resets}
    assert len(domains) == len(resets) == 3
    assert domains == {"ps7/FCLK_CLK0", "dpu_clk_wiz/clk_dpu", "dpu_clk_wiz/clk_dsp"}
    for r in resets:
        assert rec.same_net("ps7/FCLK_RESET0_N", f"{r}/ext_reset_in")
    # The wizard's outputs are clocks only once it locks.
    for r in resets:
        if clock_source(rec, f"{r}/slowest_sync_clk").startswith("dpu_clk_wiz/"):
            assert rec.same_net("dpu_clk_wiz/locked", f"{r}/dcm_locked")
    # Each DPU reset comes from the reset block of the clock that pin pairs with.
    for clock, reset in [("m_axi_dpu_aclk", "m_axi_dpu_aresetn"), ("dpu_2x_clk", "dpu_2x_resetn"),
                         ("s_axi_aclk", "s_axi_aresetn")]:
        cell = reset_cell_of(rec, f"dpu/{reset}")
        assert clock_source(rec, f"{cell}/slowest_sync_clk") == clock_source(rec, f"dpu/{clock}")


@pytest.mark.parametrize("fixture", ["pynq", "zybo"])
def test_dpu_masters_reach_hp0_and_hp2_and_gp0_reaches_its_registers(fixture, request):
    _, _, rec = request.getfixturevalue(fixture)
    assert reaches(rec, "dpu/DPU0_M_AXI_DATA0", "ps7/S_AXI_HP0")
    assert reaches(rec, "dpu/DPU0_M_AXI_DATA1", "ps7/S_AXI_HP2")
    assert reaches(rec, "dpu/DPU0_M_AXI_INSTR", "ps7/S_AXI_HP0")
    assert not reaches(rec, "dpu/DPU0_M_AXI_DATA1", "ps7/S_AXI_HP0")
    assert reaches(rec, "ps7/M_AXI_GP0", "dpu/S_AXI")
    # Through an interconnect, not directly.
    assert not rec.connected("ps7/M_AXI_GP0", "dpu/S_AXI")


def test_dpu_interrupt_reaches_irq_f2p(pynq):
    _, _, rec = pynq
    assert rec.same_net("dpu/dpu0_interrupt", "irq_concat/In0")
    assert rec.same_net("irq_concat/dout", "ps7/IRQ_F2P")
    assert rec.cell("irq_concat").config["NUM_PORTS"] == "1"


@pytest.mark.parametrize("fixture,ddr", [("pynq", 512 * MIB), ("zybo", 1024 * MIB)])
def test_address_segments(fixture, ddr, request):
    _, _, rec = request.getfixturevalue(fixture)
    ctl = rec.address("dpu/S_AXI/reg0", "ps7/Data")
    assert (ctl.offset, ctl.range) == (0x4F00_0000, 16 * MIB)
    for master, seg in [("DPU0_M_AXI_DATA0", "ps7/S_AXI_HP0/HP0_DDR_LOWOCM"),
                        ("DPU0_M_AXI_DATA1", "ps7/S_AXI_HP2/HP2_DDR_LOWOCM"),
                        ("DPU0_M_AXI_INSTR", "ps7/S_AXI_HP0/HP0_DDR_LOWOCM")]:
        a = rec.address(seg, f"dpu/{master}")
        assert (a.offset, a.range) == (0, ddr), master
    assert len(rec.addresses) == 4


def test_dpu_config_from_the_profile_options(pynq):
    _, _, rec = pynq
    c = rec.cell("dpu").config
    # B512 defaults (dpus/b512.yaml options): RAM low (2), DSP high (1), channel
    # augmentation, leaky ReLU (3 = ReLU+LeakyReLU+ReLU6), no softmax; one core; S_AXI on
    # its own clock pin; ALU_PARALLEL_USER 4, ALU_LEAKYRELU 0, SAVE_ARGMAX_ENA 1 (the IP's
    # defaults, DPU41-PKG), written explicitly. Never DWCV_ENA (fixed by v4.x).
    assert c == {"ARCH": "512", "VER_DPU_NUM": "1", "ARCH_IMG_BKGRP": "2", "CONV_DSP_ACCU_ENA": "1",
                 "LOAD_AUGM": "1", "CONV_RELU_ADDON": "3", "SFM_ENA": "0",
                 "S_AXI_CLK_INDEPENDENT": "1", "ALU_PARALLEL_USER": "4", "ALU_LEAKYRELU": "0",
                 "SAVE_ARGMAX_ENA": "1", "URAM_N_USER": "0", "CLK_GATING_ENA": "0"}


def test_block_design_is_finished_and_is_the_top(pynq):
    _, _, rec = pynq
    assert rec.validated and rec.saved
    assert [w.design for w in rec.wrappers] == ["system"]
    assert any(f.path == rec.wrappers[0].path for f in rec.files_added)
    assert rec.top == "system_wrapper"
    assert rec.command_index("validate_bd_design") < rec.command_index("save_bd_design") \
        < rec.command_index("make_wrapper")


# ----------------------------------------------------------------------------- runs
def test_run_strategies_and_steps(pynq):
    _, _, rec = pynq
    assert rec.run_prop("impl_1", "STRATEGY") == "Performance_Explore"
    assert rec.run_prop("impl_1", "STEPS.POST_ROUTE_PHYS_OPT_DESIGN.IS_ENABLED") == "true"
    assert rec.run_prop("synth_1", "STRATEGY") == "Vivado Synthesis Defaults"
    order = [p.name.upper() for p in rec.properties if p.kind == "run" and p.object == "impl_1"]
    assert order.index("STRATEGY") < order.index("STEPS.POST_ROUTE_PHYS_OPT_DESIGN.IS_ENABLED")


def test_launches_to_write_bitstream_with_jobs(pynq):
    _, _, rec = pynq
    assert [(l.runs, l.jobs, l.to_step) for l in rec.launches] == [
        (("synth_1",), 4, None), (("impl_1",), 4, "write_bitstream")]
    assert rec.waits == ("synth_1", "impl_1")


def test_reports_and_xsa(pynq):
    out, design, rec = pynq
    reports = {r.command: r for r in rec.reports}
    assert reports["report_utilization"].path == out.resolve() / "reports" / "utilization.rpt"
    assert reports["report_timing_summary"].path == out.resolve() / "reports" / "timing_summary.rpt"
    assert {r.run for r in rec.reports} == {"impl_1"}
    (xsa,) = rec.hw_platforms
    assert xsa.path == out.resolve() / "pynq_z2_dpu.xsa"
    assert {k for k, v in xsa.switches.items() if v is True} >= {"-fixed", "-include_bit", "-force"}
    assert xsa.bit_available


def test_jobs_from_tclargs_and_environment(tmp_path, elsewhere, monkeypatch):
    out = tmp_path / "b"
    design = write_build(out, sets=["build.jobs=2"])
    rec = run_build(out, design, cwd=elsewhere)
    assert {l.jobs for l in rec.launches} == {2}
    monkeypatch.setenv("HWGEN_JOBS", "6")
    assert {l.jobs for l in run_build(out, design, cwd=elsewhere).launches} == {6}
    # -tclargs wins over the environment
    assert {l.jobs for l in run_build(out, design, cwd=elsewhere, argv=["8"]).launches} == {8}
    bad = run_build(out, design, cwd=elsewhere, argv=["many"], check=False)
    assert "job count must be a positive integer, got 'many'" in bad.error
    assert not bad.launches


def test_missing_dpu_ip_stops_with_a_clear_error(tmp_path, elsewhere):
    out = tmp_path / "b"
    design = write_build(out)
    rec = run_build(out, design, cwd=elsewhere, dpu_in_repo=False, check=False)
    assert rec.error is not None
    assert DPU_VLNV in rec.error and "dpu.ip_repo" in rec.error and "HWGEN_DPU_IP_REPO" in rec.error
    assert not rec.cells and not rec.launches and not rec.hw_platforms


def test_ip_repo_from_the_environment(tmp_path, elsewhere, monkeypatch):
    out = tmp_path / "b"
    design = write_build(out)
    repo = tmp_path / "vitis-ai" / "dpu_ip"
    monkeypatch.setenv("HWGEN_DPU_IP_REPO", str(repo))
    rec = run_build(out, design, cwd=elsewhere, repo=repo)
    assert rec.ip_repo_paths == (repo.resolve(),)
    assert rec.ok and rec.hw_platforms


def test_block_design_alone_inside_an_open_project(tmp_path, elsewhere):
    """FuseSoC/Edalize source block_design.tcl from their work root (another cwd)."""
    out = tmp_path / "b"
    design = write_build(out)
    driver_dir = tmp_path / "work_root"
    driver_dir.mkdir()
    rec = run_block_design(out, design, cwd=elsewhere, driver_dir=driver_dir)
    assert rec.top == "system_wrapper" and rec.validated and rec.saved
    assert reaches(rec, "dpu/DPU0_M_AXI_DATA1", "ps7/S_AXI_HP2")


def test_no_absolute_paths_or_timestamps(pynq):
    out, _, _ = pynq
    # files only: vivado/project is the recorder's Vivado project, made when the Tcl ran
    for f in (p for p in (out / "vivado").iterdir() if p.is_file()):
        text = f.read_text()
        assert str(out) not in text and str(Path.cwd()) not in text and "/tmp" not in text, f.name
        assert "/home/" not in text and "/work/" not in text, f.name


# ----------------------------------------------------------------------------- variants
def test_dsp_clock_250(tmp_path_factory, elsewhere):
    _, _, rec = _built(tmp_path_factory, elsewhere, "dsp250", sets=["dpu.dsp_clock_mhz=250"])
    w = rec.cell("dpu_clk_wiz").config
    # From FCLK0 150: VCO must be a common multiple of 250 and 150 in 600-1200 → 750
    # (M = 750/150 = 5), 750/3 = 250, 750/5 = 150.
    assert float(w["CLKOUT1_REQUESTED_OUT_FREQ"]) == 250.0
    assert float(w["CLKOUT2_REQUESTED_OUT_FREQ"]) == 150.0
    assert (float(w["MMCM_CLKFBOUT_MULT_F"]), float(w["MMCM_CLKOUT0_DIVIDE_F"]),
            w["MMCM_CLKOUT1_DIVIDE"]) == (5.0, 3.0, "5")
    assert rec.same_net("dpu_clk_wiz/clk_dsp", "dpu/dpu_2x_clk")


def test_fabric_100(tmp_path_factory, elsewhere):
    out, _, rec = _built(tmp_path_factory, elsewhere, "fab100", sets=["dpu.clock_mhz=100"])
    c = rec.cell("ps7").config
    # IO PLL 1000 / (10 x 1) = 100 exactly (the IO PLL is preferred over ARM 1300/13).
    assert (c["PCW_FCLK0_PERIPHERAL_CLKSRC"], c["PCW_FCLK0_PERIPHERAL_DIVISOR0"],
            c["PCW_FCLK0_PERIPHERAL_DIVISOR1"]) == ("IO PLL", "10", "1")
    w = rec.cell("dpu_clk_wiz").config
    # VCO 100 x 12 = 1200; /6 = 200, /12 = 100.
    assert (float(w["CLKOUT1_REQUESTED_OUT_FREQ"]), float(w["CLKOUT2_REQUESTED_OUT_FREQ"])) == (200.0, 100.0)
    assert (float(w["MMCM_CLKFBOUT_MULT_F"]), float(w["MMCM_CLKOUT0_DIVIDE_F"]),
            w["MMCM_CLKOUT1_DIVIDE"]) == (12.0, 6.0, "12")


def test_another_dpu_profile(tmp_path_factory, elsewhere):
    _, _, rec = _built(tmp_path_factory, elsewhere, "b1024", dpu="B1024")
    assert rec.cell("dpu").config["ARCH"] == "1024"
    assert reaches(rec, "dpu/DPU0_M_AXI_DATA1", "ps7/S_AXI_HP2")


def test_options_reach_the_dpu_config(tmp_path_factory, elsewhere):
    _, _, rec = _built(tmp_path_factory, elsewhere, "opts",
                       sets=["dpu.ram_usage=high", "dpu.dsp_usage=low", "dpu.alu_parallel=2",
                             "dpu.leaky_relu=false", "dpu.channel_augmentation=false",
                             "dpu.alu_leaky_relu=true", "dpu.save_argmax=false"])
    c = rec.cell("dpu").config
    assert (c["ARCH_IMG_BKGRP"], c["CONV_DSP_ACCU_ENA"], c["CONV_RELU_ADDON"], c["LOAD_AUGM"],
            c["ALU_PARALLEL_USER"], c["ALU_LEAKYRELU"], c["SAVE_ARGMAX_ENA"]) == \
        ("3", "0", "2", "0", "2", "1", "0")
    assert "DWCV_ENA" not in c


def test_smartconnect_variant(tmp_path_factory, elsewhere):
    _, _, rec = _built(tmp_path_factory, elsewhere, "smc", sets=["build.interconnect=smartconnect"])
    smc = {n for n, c in rec.cells.items() if c.vlnv == "xilinx.com:ip:smartconnect:1.0"}
    assert smc == {"axi_gp0", "axi_hp0", "axi_hp2"}
    assert reaches(rec, "dpu/DPU0_M_AXI_INSTR", "ps7/S_AXI_HP0")
    assert clock_source(rec, "axi_hp0/aclk") == "dpu_clk_wiz/clk_dpu"
    assert reset_cell_of(rec, "axi_hp0/aresetn") == "rst_dpu"


def test_irq_line_and_strategy_overrides(tmp_path_factory, elsewhere):
    _, _, rec = _built(tmp_path_factory, elsewhere, "irq3",
                       sets=["dpu.irq=3", "build.impl_strategy=Performance_ExplorePostRoutePhysOpt",
                             "build.post_route_phys_opt=false", "build.synth_strategy=Flow_PerfOptimized_high"])
    # IRQ_F2P[2:0] tied to 0, the DPU on bit 3.
    assert rec.cell("irq_concat").config == {"NUM_PORTS": "2", "IN0_WIDTH": "3"}
    assert rec.cell("irq_tieoff").config == {"CONST_VAL": "0", "CONST_WIDTH": "3"}
    assert rec.same_net("dpu/dpu0_interrupt", "irq_concat/In1")
    assert rec.same_net("irq_tieoff/dout", "irq_concat/In0")
    assert rec.run_prop("impl_1", "STRATEGY") == "Performance_ExplorePostRoutePhysOpt"
    assert rec.run_prop("impl_1", "STEPS.POST_ROUTE_PHYS_OPT_DESIGN.IS_ENABLED") == "false"
    assert rec.run_prop("synth_1", "STRATEGY") == "Flow_PerfOptimized_high"


def test_unreachable_clock_is_a_located_input_error():
    # 151.3 MHz: no PLL divides to it (IO 1000/7 = 142.857, DDR 1050/7 = 150, ARM 1300/9 =
    # 144.444) and no MMCM setting makes 151.3 and 302.6 exactly from the 100 MHz fallback.
    with pytest.raises(InputError) as err:
        render(sets=["dpu.clock_mhz=151.3"])
    (problem,) = err.value.problems
    assert str(problem.mark) == "--set dpu.clock_mhz=151.3"
    assert problem.path == "dpu.clock_mhz"
    assert "nearest" in problem.message and "150" in problem.message


def test_unreachable_dsp_clock_points_at_the_dsp_setting():
    # 150 MHz alone plans (DDR PLL / 7); 777.7 MHz for dpu_2x_clk has no exact MMCM
    # setting from 150 or 100 MHz (PFD >= 10 MHz bounds DIVCLK_DIVIDE, M steps by 1/8).
    with pytest.raises(InputError) as err:
        render(sets=["dpu.dsp_clock_mhz=777.7"])
    (problem,) = err.value.problems
    assert (str(problem.mark), problem.path) == ("--set dpu.dsp_clock_mhz=777.7", "dpu.dsp_clock_mhz")


def test_unreachable_clock_in_yaml_points_at_the_line(tmp_path):
    board = Path(__file__).resolve().parent.parent / "boards" / "pynq_z2.yaml"
    text = board.read_text().replace("    clock_mhz: 150 ", "    clock_mhz: 151.3 ")
    assert "clock_mhz: 151.3" in text
    custom = tmp_path / "my_board.yaml"
    custom.write_text(text)
    with pytest.raises(InputError) as err:
        render(board=str(custom))
    mark = err.value.problems[0].mark
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "clock_mhz: 151.3" in l)
    assert (mark.source, mark.line) == (str(custom), line)


def test_softmax_is_refused_on_zynq7():
    with pytest.raises(InputError) as err:
        render(sets=["dpu.softmax=true"])
    assert err.value.problems[0].path == "dpu.softmax"


# ----------------------------------------------------------------------------- golden files
@pytest.mark.parametrize("board", ["pynq_z2", "zybo_z7_20"])
def test_golden(board):
    _, files = render(board=board)
    for path, text in files.items():
        golden = GOLDEN / board / path
        if os.environ.get("HWGEN_REGEN_GOLDEN") == "1":
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert golden.read_text(encoding="utf-8") == text, \
            f"{golden} differs; review, then regenerate with HWGEN_REGEN_GOLDEN=1"


def test_deterministic():
    assert render()[1] == render()[1]


def _changed(a: str, b: str) -> list[str]:
    return [l for l in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
            if l[:1] in "+-" and not l.startswith(("+++", "---"))]


def test_one_value_change_is_a_small_diff():
    _, base = render()
    _, jobs = render(sets=["build.jobs=8"])
    # build.tcl: the value, the comment naming it, and the header's override lines.
    changed = _changed(base["vivado/build.tcl"], jobs["vivado/build.tcl"])
    assert changed == ["+# Overrides:", "+#   --set build.jobs=8",
                       "-# HWGEN_JOBS, then build.jobs from the YAML (4).",
                       "+# HWGEN_JOBS, then build.jobs from the YAML (8).",
                       "-set jobs 4", "+set jobs 8"]
    # The other files differ only by the header's override lines.
    for path in ("vivado/block_design.tcl", "vivado/strategies.tcl"):
        assert all(l.startswith("+#") for l in _changed(base[path], jobs[path])), path

    _, strat = render(sets=["build.impl_strategy=Flow_RunPhysOpt"])
    changed = [l for l in _changed(base["vivado/strategies.tcl"], strat["vivado/strategies.tcl"])
               if not l.startswith("+#")]
    assert changed == ["-set_property strategy Performance_Explore [get_runs impl_1]",
                       "+set_property strategy Flow_RunPhysOpt [get_runs impl_1]"]


# ----------------------------------------------------------------------------- quoting
def test_preset_values_reach_vivado_verbatim(tmp_path, elsewhere):
    """Every character a PS7 value may hold is written so Tcl reads back exactly it."""
    value = "GPIO#Quad SPI Flash#x (y) <z> = 1, 2/3 % +4 : a.b_c-d qspi0_io[0]"
    board = Path(__file__).resolve().parent.parent / "boards" / "pynq_z2.yaml"
    text, n = re.subn(r'(?m)^    PCW_MIO_TREE_PERIPHERALS: ".*"$',
                      f'    PCW_MIO_TREE_PERIPHERALS: "{value}"', board.read_text())
    assert n == 1
    custom = tmp_path / "odd board.yaml"
    custom.write_text(text)
    out = tmp_path / "b"
    design = write_build(out, board=str(custom.resolve()))
    rec = run_build(out, design, cwd=elsewhere)
    assert rec.cell("ps7").config["PCW_MIO_TREE_PERIPHERALS"] == value
    # The header names a user's file by its name, never by the absolute path it was given.
    header = (out / "vivado" / "build.tcl").read_text().split("\n\n", 1)[0]
    assert "odd board.yaml" in header and str(tmp_path) not in header


def test_hwgen_build_writes_the_three_files(cli, tmp_path):
    code, stdout, stderr = cli("build", "-o", tmp_path / "out")
    assert code == 0, stderr
    for name in ("block_design.tcl", "strategies.tcl", "build.tcl"):
        written = (tmp_path / "out" / "vivado" / name).read_text(encoding="utf-8")
        assert written == (GOLDEN / "pynq_z2" / "vivado" / name).read_text(encoding="utf-8"), name
