"""The budget verdict: estimate before the build, Vivado's reports after it.

Every expected number is worked out here from the documented formulas and tables
(GTCL34, PG12/PG34/PG4x, DS190/DS187, parts/infrastructure.yaml), not read back from the code.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from _budget_bd import SC, default_bd
from _ipmodel import INFRA_FF, INFRA_LUT, K_FF, K_LUT
from hwgen.budget import estimate as budget
from hwgen.plan.blockdesign import block_design_for
from hwgen.dpu import arch as dpu_arch
from hwgen.budget import dpu_model
from hwgen.budget import infrastructure
from hwgen.plan.bdgraph import Cell, Net
from hwgen.model.design import load_design, load_dpu, parts
from hwgen.errors import InputError
from hwgen.budget.reports import parse_timing_summary_file, parse_utilization_file

FIX = Path(__file__).parent / "fixtures" / "reports"



# INFRA_LUT/FF (the default design's infrastructure) and K_LUT/K_FF (the LUT/FF model's
# factors by hand from DPU41-R6 and DPU41-R8) are worked out in _ipmodel.py.


def line(verdict, name):
    return next(l for l in verdict.resources if l.name == name)


def message(verdict, name):
    found = [m for m in verdict.messages if m.startswith(name + " ")]
    assert len(found) == 1, verdict.messages
    return found[0]


def est(dpu=None, sets=()):
    return budget.estimate(load_design(dpu=dpu, sets=sets))


# --------------------------------------------------------------------------- data
# DS190 v1.11.1 Table 1 and DS891 v1.7 Tables 1/3/5
# "Confirmed capacities": LUT, FF, BRAM36, DSP, URAM.
DATASHEET = {
    "xc7z007s": (14400, 28800, 50, 66, 0), "xc7z012s": (34400, 68800, 72, 120, 0),
    "xc7z014s": (40600, 81200, 107, 170, 0), "xc7z010": (17600, 35200, 60, 80, 0),
    "xc7z015": (46200, 92400, 95, 160, 0), "xc7z020": (53200, 106400, 140, 220, 0),
    "xc7z030": (78600, 157200, 265, 400, 0), "xc7z035": (171900, 343800, 500, 900, 0),
    "xc7z045": (218600, 437200, 545, 900, 0), "xc7z100": (277400, 554800, 755, 2020, 0),
    "xczu2": (47232, 94464, 150, 240, 0), "xczu3": (70560, 141120, 216, 360, 0),
    "xczu4": (87840, 175680, 128, 728, 48), "xczu5": (117120, 234240, 144, 1248, 64),
    "xczu6": (214604, 429208, 714, 1973, 0), "xczu7": (230400, 460800, 312, 1728, 96),
    "xczu9": (274080, 548160, 912, 2520, 0),
    # Kria K26 (ZU5EV fabric): Kria KV260 docs hw_arch_accel table (KRIA-ACCEL), FF = 2 x LUT
    "xck26": (117120, 234240, 144, 1248, 64),
}


def test_part_capacities_are_the_datasheets():
    table = parts()
    assert set(table) == set(DATASHEET)
    for name, (lut, ff, bram, dsp, uram) in DATASHEET.items():
        p = table[name]
        assert (p.lut, p.ff, p.bram36, p.dsp, p.uram) == (lut, ff, bram, dsp, uram), name
        assert p.source


def test_every_profile_has_the_channel_augmentation_addon_and_no_depthwise_one():
    expected_ca = {"B512": 3121, "B800": 2624, "B1024": 3133, "B1152": 1744, "B1600": 2476,
                   "B2304": 1710, "B3136": 1946, "B4096": 1701}     # PG34/PG4x
    for arch, lut in expected_ca.items():
        addons = load_dpu(arch)[0].cost.addons
        assert addons.channel_augmentation.lut == lut
        assert "PG34" in addons.channel_augmentation.source
        assert not hasattr(addons, "depthwise_conv")       # v4.x always builds it (DPU41-PKG)




def test_lut_ff_model_factors_and_its_error_on_the_calibration_builds():
    m = dpu_model.model()
    assert (m.k_lut, m.k_ff) == (K_LUT, K_FF)
    # within 1 % of both DPU-alone builds
    assert abs(K_LUT * 27377 / 34500 - 1) < 0.01 and abs(K_LUT * 40865 / 50800 - 1) < 0.01
    assert abs(K_FF * 46241 / 48448 - 1) < 0.01 and abs(K_FF * 92630 / 97000 - 1) < 0.01
    errs = {e.build.key: e for e in dpu_model.errors()}
    assert abs(errs["DPU41-R6"].lut_error) < 1 and abs(errs["DPU41-R8"].lut_error) < 1
    # every whole-design build is above the DPU-only model (it holds the platform too)
    for e in errs.values():
        if e.build.scope == "design":
            assert e.lut < e.build.lut


def test_real_builds_dsp_bram_uram_equal_the_ip_formulas():
    # The reference table's DSP/BRAM/URAM (parts/dpu_builds.yaml) through hwgen's formulas.
    for b in dpu_model.builds():
        o = dpu_arch.DpuOptions(dsp_usage=b.dsp_usage, uram=b.uram, cores=b.cores, softmax=b.softmax)
        got = (dpu_arch.dsp_count(b.arch, o), dpu_arch.bram36_count(b.arch, o), dpu_arch.uram_count(b.arch, o))
        assert got == (b.dsp, b.bram, b.uram_used), b.key


# --------------------------------------------------------------------------- infrastructure
def test_interconnect_shapes_on_the_hand_built_graph():
    bd = default_bd()
    lite = frozenset({"dpu/S_AXI"})
    shapes = {c.name: infrastructure.shape(c, bd, lite) for c in bd.cells}
    assert shapes["axi_gp0"].config == "converter"
    assert "AXI4-Lite" in shapes["axi_gp0"].why
    assert (shapes["axi_hp0"].config, shapes["axi_hp0"].slaves) == ("crossbar", 2)
    assert shapes["axi_hp2"].config == "passthrough"
    assert shapes["rst_dpu"].config == "any"
    # Without knowing the DPU's AXI4-Lite slave, GP0 32 -> 32 bit in one clock is a wire.
    assert infrastructure.shape(bd.cell("axi_gp0"), bd).config == "passthrough"


def test_infrastructure_cost_of_the_hand_built_graph():
    cost = infrastructure.infrastructure_cost(default_bd(), frozenset({"dpu/S_AXI"}))
    assert sum(c.amount for c in cost.lut) == INFRA_LUT == 1558
    assert sum(c.amount for c in cost.ff) == INFRA_FF == 1914
    assert cost.unknown == ()
    assert all(c.source for c in cost.lut + cost.ff)
    assert not any(c.what.startswith(("ps:", "dpu:")) for c in cost.lut)   # not infrastructure
    hp0 = next(c for c in cost.lut if c.what.startswith("axi_hp0"))
    assert hp0.amount == 2 * 500 and "UNCERTAIN" in hp0.source


def test_width_and_clock_conversions_make_a_converter():
    bd = default_bd()
    wide = dataclasses.replace(bd, links=tuple(
        dataclasses.replace(l, width=32) if l.master == "dpu/DPU0_M_AXI_DATA1" else l for l in bd.links))
    s = infrastructure.shape(wide.cell("axi_hp2"), wide)
    assert s.config == "converter" and "32->64-bit" in s.why
    crossing = dataclasses.replace(bd, nets=bd.nets + (
        Net("clk_other", "x/clk", ("axi_hp2/M00_ACLK",), "clock", 100.0),))
    s = infrastructure.shape(crossing.cell("axi_hp2"), crossing)
    assert s.config == "converter" and "clock crossing" in s.why


def test_smartconnect_rows():
    cost = infrastructure.infrastructure_cost(default_bd(interconnect_vlnv=SC), frozenset({"dpu/S_AXI"}))
    # gp0 converter 1070, hp0 2 x 1070, hp2 pass-through still charged 1070 (register slices)
    assert sum(c.amount for c in cost.lut) == 1 + 3 * 19 + 1070 + 2 * 1070 + 1070
    assert sum(c.amount for c in cost.ff) == 3 * 40 + 960 + 2 * 960 + 960


def test_unknown_ip_is_reported_not_guessed():
    bd = default_bd()
    bd = dataclasses.replace(bd, cells=bd.cells + (Cell("gpio", "xilinx.com:ip:axi_gpio:2.0", (), "gpio"),))
    cost = infrastructure.infrastructure_cost(bd)
    assert len(cost.unknown) == 1 and "axi_gpio" in cost.unknown[0]
    assert not any("gpio" in c.what for c in cost.lut)


def test_an_unknown_ip_becomes_a_warning_in_the_verdict(monkeypatch):
    bd = default_bd()
    bd = dataclasses.replace(bd, cells=bd.cells + (Cell("gpio", "xilinx.com:ip:axi_gpio:2.0", (), "gpio"),))
    v = budget.estimate(load_design(), block_design=bd)
    assert v.ok                                       # a warning does not fail the verdict
    assert [c.name for c in v.checks if not c.ok and c.severity != "warning" or c.name == "estimate.coverage"] \
        == ["estimate.coverage"]
    assert any(m.startswith("warning: estimate.coverage") and "axi_gpio" in m for m in v.messages)


def test_the_real_block_design_costs_as_the_hand_built_one():
    # hwgen/plan/blockdesign.py builds the graph tests/_budget_bd.py describes: same cells, same cost.
    real = budget.block_design_cost(load_design(), block_design_for(load_design()))
    assert sum(c.amount for c in real.lut) == INFRA_LUT and sum(c.amount for c in real.ff) == INFRA_FF
    assert real.notes == ()


@pytest.mark.parametrize("sets", [(), ("build.interconnect=smartconnect",), ("dpu.cores=2",),
                                  ("dpu.irq=3",)])
@pytest.mark.parametrize("arch", ["B512", "B1152", "B4096"])
def test_every_cell_hwgen_builds_has_a_cost_row(arch, sets):
    design = load_design(dpu=arch, sets=sets)
    assert budget.block_design_cost(design, block_design_for(design)).notes == ()


def test_smartconnect_design_on_the_real_graph():
    v = est(sets=("build.interconnect=smartconnect",))
    # GP0 converter, HP0 2 slave interfaces, HP2 1x1: four SmartConnect charges of 1070 / 960
    assert line(v, "LUT").used == round(K_LUT * 20177) + 1 + 3 * 19 + 4 * 1070
    assert line(v, "FF").used == round(K_FF * 31782) + 3 * 40 + 4 * 960


# --------------------------------------------------------------------------- estimates on the Pynq-Z2
def test_default_pynq_z2_b512_passes():
    v = est()
    assert v.ok and v.source == "estimate" and v.part == "xc7z020clg400-1"
    assert v.design == "pynq_z2_dpu"
    assert [l.name for l in v.resources] == ["LUT", "FF", "BRAM", "DSP"]   # no URAM on a 7Z020
    # LUT: PG338 Table 9 B512 high DSP 20177 scaled by the calibrated factor
    assert line(v, "LUT").used == round(K_LUT * 20177) + INFRA_LUT
    assert line(v, "FF").used == round(K_FF * 31782) + INFRA_FF
    # BRAM, v4.x gtcl: (BANK_IMG 2*4 + BANK_WGT 8 + DWCV_ENA 1 + BIAS 1) * ceil(8*8/9)/2;
    # the real B512 build without URAM (DPU41-R9) used 72
    assert line(v, "BRAM").used == (8 + 9 + 1) * 8 / 2 == 72
    # DSP: PP*ICP*OCP/4 + PP*OCP + ALU (min(4, PP)*ICP + 4) + LOAD + SAVE = 134, as DPU41-R5/R9
    assert line(v, "DSP").used == 4 * 8 * 8 / 4 + 4 * 8 + (4 * 8 + 4) + 2 == 134
    assert line(v, "LUT").available == 53200 and line(v, "DSP").available == 220
    assert [l.limit_percent for l in v.resources] == [80, 80, 90, 90]
    assert math.isclose(line(v, "DSP").percent, 100 * 134 / 220)
    # the only message: the IP-default fingerprint has no registered target name
    assert [m.split(":")[0] for m in v.messages] == ["warning"]


def test_every_number_names_its_source():
    v = est(sets=("dpu.channel_augmentation=false",))
    for l in v.resources:
        assert sum(c.amount for c in l.contributions) == l.used
        for c in l.contributions:
            assert c.what and c.source, c
    lut_sources = " ".join(c.source for c in line(v, "LUT").contributions)
    assert "PG338 Table 9" in lut_sources and "DPU41-R6" in lut_sources and "public Vivado" in lut_sources
    assert all("DPU41-GTCL" in c.source for c in line(v, "DSP").contributions)
    # switching channel augmentation off saves its published LUT (PG34: B512 3121)
    assert line(v, "LUT").used == line(est(), "LUT").used - 3121


def test_b4096_does_not_fit_on_dsp_and_bram():
    v = est("B4096")
    assert not v.ok
    dsp, bram = line(v, "DSP"), line(v, "BRAM")
    # 8*16*16/4 + 8*16 + ALU 4*16 + 4 + 2 = 710, as the real B4096 builds (DPU41-R3/R4/R8)
    assert dsp.used == 8 * 16 * 16 / 4 + 8 * 16 + 4 * 16 + 4 + 2 == 710
    # (16 + 17 + 1) * ceil(128/9)/2 = 255, as the ZCU102 TRD per core (DPU41-R8)
    assert bram.used == 34 * 15 / 2 == 255
    assert not dsp.fits and not bram.fits
    assert "does not fit: 490 more than the part has" in message(v, "DSP")        # 710 - 220
    assert "does not fit: 115 more than the part has" in message(v, "BRAM")       # 255 - 140
    assert "512 over the 90% limit of 198" in message(v, "DSP")
    assert line(v, "LUT").used == round(K_LUT * 40865) + INFRA_LUT and line(v, "LUT").fits


def test_b4096_fixes_are_computed_not_canned():
    msg = message(est("B4096"), "DSP")
    # The largest smaller arch within 198 DSP: B1152 needs 144 + 48 + 52 + 2 = 246,
    # B1024 128 + 64 + 36 + 2 = 230, B800 100 + 40 + 44 + 2 = 186 (84.55 %).
    assert "--dpu B800 -> 186 of 220 (84.55%; everything else within limits)" in msg
    # DSP usage low alone leaves 512 + 68 + 2 = 582: not enough.
    assert "Not enough on its own: --set dpu.dsp_usage=low -> 582 of 220 (264.55%" in msg
    # ALU parallel 2: 710 - 2*16 = 678
    assert "--set dpu.alu_parallel=2 -> 678 of 220" in msg
    # The smallest Zynq-7000 with 710 DSP within 90 %: 7Z030 has 400, 7Z035 has 900.
    assert "a board with part xc7z035 -> 710 of 900 (78.89%" in msg
    bram = message(est("B4096"), "BRAM")
    # B1600 RAM low: (16 + 11 + 1) * ceil(80/9)/2 = 28 * 4.5 = 126, exactly the 90 % limit
    assert "--dpu B1600 -> 126 of 140 (90.00%; still over: DSP)" in bram


def test_b1024_dsp_usage_high_versus_low():
    high = est("B1024")
    low = est("B1024", ("dpu.dsp_usage=low",))
    # high: 8*8*8/4 + 8*8 + ALU 4*8 + 4 + 2 = 230, the real OOC build (DPU41-R6): over the part
    assert line(high, "DSP").used == 230 and not line(high, "DSP").fits
    # low: 128 + 36 + 2 = 166 (75.45 %)
    assert line(low, "DSP").used == 166 and low.ok
    assert "--set dpu.dsp_usage=low -> 166 of 220 (75.45%; everything else within limits)" in \
        message(high, "DSP")
    # DSP usage low costs LUT and FF (PG338 Table 9 29155 vs 27377, scaled)
    assert line(low, "LUT").used - line(high, "LUT").used == round(K_LUT * 29155) - round(K_LUT * 27377)


def test_b1024_ram_usage_high_is_over_the_bram_limit():
    v = est("B1024", ("dpu.ram_usage=high", "dpu.dsp_usage=low"))
    # (3*8 + 9 + 1) * ceil(64/9)/2 = 34 * 4 = 136 of 140 = 97.14 %
    assert line(v, "BRAM").used == 136 and line(v, "BRAM").fits and not v.ok
    assert "--set dpu.ram_usage=low -> 104 of 140 (74.29%" in message(v, "BRAM")


def test_b1152_ram_usage_high_versus_low():
    high = est("B1152", ("dpu.ram_usage=high", "dpu.dsp_usage=low"))
    low = est("B1152", ("dpu.dsp_usage=low",))
    # high: (3*4 + 13 + 1) * ceil(96/9)/2 = 26 * 5.5 = 143: more than the part has
    assert line(high, "BRAM").used == 143 and not line(high, "BRAM").fits
    # low:  (2*4 + 13 + 1) * 5.5 = 121 (86.43 %)
    assert line(low, "BRAM").used == 121 and low.ok
    msg = message(high, "BRAM")
    assert "--set dpu.ram_usage=low -> 121 of 140 (86.43%; everything else within limits)" in msg
    # DSP low: 4*12*12/4 + ALU 4*12 + 4 + 2 = 198 either way, exactly the 90 % limit
    assert line(high, "DSP").used == line(low, "DSP").used == 198


def test_b1152_dsp_high_needs_dsp_low_or_alu_parallel():
    v = est("B1152")
    # 144 + 48 + 52 + 2 = 246: more than the 7Z020's 220
    assert line(v, "DSP").used == 246 and not line(v, "DSP").fits
    assert est("B1152", ("dpu.dsp_usage=low",)).ok                       # 198
    # ALU parallel 2: 246 - 2*12 = 222, still over by 2
    assert line(est("B1152", ("dpu.alu_parallel=2",)), "DSP").used == 222


def test_set_budget_lut_changes_the_limit():
    v = est(sets=("budget.lut=75",))
    assert line(v, "LUT").limit_percent == 75 and v.ok
    # B1600: K_LUT * 30877 + 1558 = 40,105 LUT = 75.39 %: within 80, over 75
    assert round(K_LUT * 30877) + INFRA_LUT == 40105
    assert line(est("B1600"), "LUT").ok
    v75 = est("B1600", ("budget.lut=75",))
    assert not line(v75, "LUT").ok
    assert "40,105 of 53,200 (75.39%) is 205 over the 75% limit of 39,900" in message(v75, "LUT")
    # and on the default design a 45 % LUT limit fails it alone: 26,747 / 53,200 = 50.28 %
    v45 = est(sets=("budget.lut=45",))
    assert not v45.ok and [l.name for l in v45.resources if not l.ok] == ["LUT"]


def test_a_board_sets_its_own_limits(tmp_path):
    board = (Path(__file__).parent.parent / "boards" / "pynq_z2.yaml").read_text()
    assert "\ndefaults:\n" in board
    mine = tmp_path / "my_pynq.yaml"
    mine.write_text(board.replace("\ndefaults:\n", "\ndefaults:\n  budget:\n    dsp: 62\n", 1))
    # B512, DSP high: 134 of 220 = 60.91 %: within the board's 62
    v = budget.estimate(load_design(board=str(mine), dpu="B512"))
    assert v.ok and line(v, "DSP").limit_percent == 62
    # --set still wins over the board: 60 % of 220 = 132
    v = budget.estimate(load_design(board=str(mine), dpu="B512", sets=("budget.dsp=60",)))
    assert not v.ok and "2 over the 60% limit of 132" in message(v, "DSP")


def test_two_cores_double_the_dpu():
    one, two = est("B512"), est("B512", ("dpu.cores=2",))
    assert line(two, "DSP").used == 2 * 134         # SUM_DSP_NUM x VER_DPU_NUM
    assert line(two, "BRAM").used == 2 * 72
    # A second core: its LUT, and its three masters join the HP interconnects:
    # HP0 grows from 2 to 4 slave interfaces (+2 x 500), HP2 from a pass-through to 2 (+2 x 500).
    assert line(two, "LUT").used - line(one, "LUT").used == round(K_LUT * 20177) + 2 * 500 + 2 * 500
    assert line(two, "FF").used - line(one, "FF").used == round(K_FF * 31782) + 2 * 598 + 2 * 598


def test_memory_checks_are_part_of_the_verdict(monkeypatch):
    from hwgen.model.verdict import CheckResult

    bad = CheckResult("memory.cma_inside_ddr", False, "CMA 512 MiB at 0x1E000000 ends past DDR")
    monkeypatch.setattr(budget, "_memory_checks", lambda design: (bad,))
    v = est(sets=("dpu.alu_parallel=2",))          # the registered B512 target: no warning
    assert not v.ok and v.memory == (bad,)
    assert v.messages == ("memory.cma_inside_ddr: CMA 512 MiB at 0x1E000000 ends past DDR",)


def test_vitis_ai_target_check_is_a_warning_in_the_verdict():
    ok = est(sets=("dpu.alu_parallel=2",))         # ALU parallel 2: the registered B512 target
    assert [(c.name, c.ok, c.severity) for c in ok.checks] == [("vitis_ai.fingerprint", True, "warning")]
    v = est(sets=("dpu.ram_usage=high",))          # no registered Vitis AI target has RAM high
    assert v.ok
    assert any(m.startswith("warning: vitis_ai.fingerprint:") for m in v.messages)


def test_real_memory_checks_refuse_512m_cma_on_the_pynq_z2():
    v = est(sets=("linux.cma=512M",))
    assert not v.ok and any(not c.ok for c in v.memory)
    assert all(l.ok for l in v.resources)


# --------------------------------------------------------------------------- after the build
def util(name):
    return parse_utilization_file(FIX / name)


def timing(name):
    return parse_timing_summary_file(FIX / name)


def test_7series_report_without_a_design_uses_its_own_part():
    v = budget.from_reports(util("util_2024_1_7series_placed.rpt"))
    assert v.ok and v.source == "report" and v.design is None and v.part == "xc7z020clg400-1"
    assert [(l.name, l.used, l.available) for l in v.resources] == [
        ("LUT", 31337, 53200), ("FF", 45001, 106400), ("BRAM", 40.5, 140), ("DSP", 110, 220)]
    assert all(l.estimate is None for l in v.resources)
    assert "Slice LUTs" in line(v, "LUT").contributions[0].what


def test_ultrascale_report_without_a_design_fails_dsp_by_two():
    v = budget.from_reports(util("util_2019_2_us_synth.rpt"))
    assert not v.ok and v.part == "xczu3egsbva484-1"
    assert [l.name for l in v.resources if not l.ok] == ["DSP"]
    # 326 of 360 = 90.56 %, limit 90 % = 324
    assert message(v, "DSP").startswith("DSP 326 of 360 (90.56%) is 2 over the 90% limit of 324.")
    assert "--board/--dpu" in message(v, "DSP")


def test_uram_line_from_an_ultrascale_report():
    v = budget.from_reports(util("util_2024_1_us_uram_placed.rpt"))
    assert (line(v, "URAM").used, line(v, "URAM").available) == (20, 80) and v.ok


def test_limits_apply_to_reports_without_a_design():
    limits = budget.limits_from_sets(("budget.lut=55",))
    v = budget.from_reports(util("util_2024_1_7series_placed.rpt"), limits=limits)
    assert not v.ok and "31,337 of 53,200 (58.90%) is 2,077 over the 55% limit of 29,260" in message(v, "LUT")
    with pytest.raises(InputError, match="only budget"):
        budget.limits_from_sets(("linux.cma=128M",))
    with pytest.raises(InputError, match="budget.lut"):
        budget.limits_from_sets(("budget.lut=120",))


def test_hierarchical_report_takes_capacity_from_parts_yaml():
    v = budget.from_reports(util("util_hier_2022_1_7series.rpt"))
    assert line(v, "DSP").available == 220 and line(v, "DSP").used == 196     # 89.09 %
    assert "parts/parts.yaml xc7z020" in line(v, "DSP").contributions[1].source
    with pytest.raises(InputError, match="no capacity data for xcku035"):
        budget.from_reports(util("util_hier_2019_1_kintexus.rpt"))


def test_report_of_another_part_is_invalid_input():
    design = load_design()                                             # xc7z020clg400-1
    with pytest.raises(InputError, match="7z020clg484-1.*xc7z020clg400-1"):
        budget.from_reports(util("util_2020_1_7series_placed.rpt"), design=design)
    with pytest.raises(InputError, match="timing report is for 7z020-clg484"):
        budget.from_reports(util("util_2024_1_7series_placed.rpt"), timing("timing_2020_1_not_met.rpt"))


def test_report_with_a_design_shows_the_estimate_beside_the_actual():
    v = budget.from_reports(util("util_2024_1_7series_placed.rpt"), timing("timing_2024_1_met.rpt"),
                            design=load_design())
    assert v.ok and v.design == "pynq_z2_dpu"
    assert (line(v, "LUT").used, line(v, "LUT").estimate) == (31337, round(K_LUT * 20177) + INFRA_LUT)
    assert (line(v, "DSP").used, line(v, "DSP").estimate) == (110, 134)
    assert v.timing.ok and v.timing.wns == 0.318


def test_report_fixes_are_rebased_on_the_actual_figures():
    # B1024 (estimate DSP 194) run used 110 DSP; with a 40 % DSP limit (88) it fails by 22.
    # DSP usage low saves 194 - 130 = 64 by the formula: 110 - 64 = 46 (20.91 %).
    design = load_design(dpu="B1024", sets=("budget.dsp=40",))
    v = budget.from_reports(util("util_2024_1_7series_placed.rpt"), design=design)
    msg = message(v, "DSP")
    assert msg.startswith("DSP 110 of 220 (50.00%) is 22 over the 40% limit of 88.")
    assert "--set dpu.dsp_usage=low -> 46 of 220 (20.91%" in msg


def test_negative_wns_fails():
    t = budget.timing_result(timing("timing_2020_1_not_met.rpt"))
    assert not t.ok and t.wns == -0.412
    assert "setup fails: WNS -0.412 ns, TNS -12.345 ns over 37 endpoints" in t.message
    v = budget.from_reports(util("util_2020_1_7series_placed.rpt"), timing("timing_2020_1_not_met.rpt"))
    assert not v.ok and all(l.ok for l in v.resources) and v.messages == (t.message,)


def test_negative_whs_fails():
    met = timing("timing_2024_1_met.rpt")
    t = budget.timing_result(dataclasses.replace(met, whs=-0.052, ths=-1.5, ths_failing_endpoints=12))
    assert not t.ok and "hold fails: WHS -0.052 ns, THS -1.500 ns over 12 endpoints" in t.message
    assert budget.timing_result(met).ok


def test_unconstrained_timing_fails_with_its_own_message():
    t = budget.timing_result(timing("timing_2021_1_unconstrained.rpt"))
    assert not t.ok and t.wns is None and t.whs is None
    assert "unconstrained - Vivado printed NA for WNS, TNS, WHS, THS" in t.message
    assert "There are no user specified timing constraints." in t.message
