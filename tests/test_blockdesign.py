"""The block-design plan as a graph (pure Python, no Tcl): the cases the Tcl tests do not reach."""

from __future__ import annotations

from pathlib import Path

import pytest

from hwgen.plan.blockdesign import plan_block_design
from hwgen.plan.clockflow import design_clocks, speed_grade
from hwgen.model.design import load_design
from hwgen.errors import InputError
from hwgen.model.family import load_family

BOARDS = Path(__file__).resolve().parent.parent / "boards"


def plan(board=None, dpu=None, sets=()):
    design = load_design(board, dpu, tuple(sets))
    return design, plan_block_design(design, design_clocks(design))


def custom_board(tmp_path, old: str, new: str, name="pynq_z2.yaml") -> str:
    text = (BOARDS / name).read_text()
    assert old in text, old
    path = tmp_path / "board.yaml"
    path.write_text(text.replace(old, new, 1))
    return str(path)


def test_default_graph_paths_and_roles():
    _, bd = plan()
    assert bd.reaches("dpu/DPU0_M_AXI_DATA0", "ps7/S_AXI_HP0")
    assert bd.reaches("dpu/DPU0_M_AXI_DATA1", "ps7/S_AXI_HP2")
    assert bd.reaches("ps7/M_AXI_GP0", "dpu/S_AXI")
    # the PS is an endpoint, not a switch: no DPU master reaches the DPU's own registers
    assert not bd.reaches("dpu/DPU0_M_AXI_DATA0", "dpu/S_AXI")
    assert not bd.reaches("dpu/DPU0_M_AXI_DATA0", "ps7/S_AXI_HP2")
    assert [c.name for c in bd.cells_with_role("reset")] == ["rst_ps", "rst_dpu", "rst_dsp"]
    assert {n.name: n.freq_mhz for n in bd.nets if n.kind == "clock"} == \
        {"clk_ps": 150.0, "clk_dpu": 150.0, "clk_dsp": 300.0}
    # Every net has one driver and at least one load.
    assert all(n.loads for n in bd.nets)
    pins = [p for n in bd.nets for p in (n.driver,) + n.loads]
    assert len(pins) == len(set(pins)), "a pin on two nets"


def test_two_cores_repeat_core_0_with_their_own_names():
    _, bd = plan(sets=["dpu.cores=2", "dpu.irq=4"])
    assert bd.cell("dpu").prop("VER_DPU_NUM") == "2"
    for n in (0, 1):
        assert bd.reaches(f"dpu/DPU{n}_M_AXI_DATA0", "ps7/S_AXI_HP0")
        assert bd.reaches(f"dpu/DPU{n}_M_AXI_DATA1", "ps7/S_AXI_HP2")
        assert bd.reaches(f"dpu/DPU{n}_M_AXI_INSTR", "ps7/S_AXI_HP0")
    # HP0 takes DATA0 and INSTR of both cores.
    assert bd.cell("axi_hp0").prop("NUM_SI") == "4"
    # IRQ_F2P[3:0] tied off, the cores on bits 4 and 5.
    assert bd.cell("irq_concat").props == (("NUM_PORTS", "3"), ("IN0_WIDTH", "4"))
    assert bd.net_of("dpu/dpu0_interrupt").loads == ("irq_concat/In1",)
    assert bd.net_of("dpu/dpu1_interrupt").loads == ("irq_concat/In2",)
    assert len(bd.addresses) == 1 + 2 * 3


def test_interrupts_must_fit_irq_f2p():
    plan(sets=["dpu.irq=15"])
    with pytest.raises(InputError) as err:
        plan(sets=["dpu.irq=15", "dpu.cores=2"])
    assert err.value.problems[0].path == "dpu.irq"
    assert "--set dpu.irq=15" in str(err.value)


def test_whole_preset_first_then_the_plan_overrides():
    design, bd = plan()
    ps = bd.cell("ps7")
    preset = [p for block in design.board.ps.preset for p in block]
    # every vendor entry, in the vendor's order, before anything of hwgen's
    assert list(ps.props[:ps.preset]) == preset and len(preset) == 771
    plan_part = dict(ps.props[ps.preset:])
    overridden = {n for n, v in preset if n in plan_part and plan_part[n] != v}
    # the real TUL preset leaves HP0 off and FCLK0 at its own divisors: the plan changes them
    assert {"PCW_USE_S_AXI_HP0", "PCW_USE_S_AXI_HP2"} <= overridden
    for name in overridden:
        assert ps.prop(name) == plan_part[name]      # what Vivado ends with: the plan's value


def test_multi_block_preset_keeps_its_blocks(tmp_path):
    text = (BOARDS / "pynq_z2.yaml").read_text()
    old = '  preset:\n    # block 1 of 1'
    assert old in text
    text = text.replace(old, '  preset:\n    - preset: "ZedBoard"\n    # block 1 of 1', 1)
    # the single block becomes the second item of a list: indent its entries under "- "
    head, body = text.split("    # block 1 of 1", 1)
    lines = body.split("\n")
    first = next(i for i, l in enumerate(lines) if l.startswith("    PCW_"))
    for i in range(first, len(lines)):
        if not lines[i].startswith("    PCW_"):
            break
        lines[i] = ("    - " if i == first else "      ") + lines[i][4:]
    board = tmp_path / "multi.yaml"
    board.write_text(head + "    # block 1 of 1" + "\n".join(lines))
    design, bd = plan(board=str(board))
    ps = bd.cell("ps7")
    assert ps.preset_blocks == (1, 771)
    assert ps.props[0] == ("preset", "ZedBoard")


def test_board_without_the_port_the_profile_uses(tmp_path):
    board = custom_board(tmp_path, "    hp2: {width: 64}\n", "")
    with pytest.raises(InputError) as err:
        plan(board=board)
    assert err.value.problems[0].path == "ps.ports.hp2"


def test_hp_width_comes_from_the_board(tmp_path):
    board = custom_board(tmp_path, "    hp2: {width: 64}\n", "    hp2: {width: 32}\n")
    _, bd = plan(board=board)
    ps = bd.cell("ps7")
    assert (ps.prop("PCW_S_AXI_HP0_DATA_WIDTH"), ps.prop("PCW_S_AXI_HP2_DATA_WIDTH")) == ("64", "32")
    hp2 = next(l for l in bd.links if l.slave == "ps7/S_AXI_HP2")
    assert hp2.width == 32


def test_family_names_are_real_ps7_property_names():
    known = {l.strip() for l in (Path(__file__).parent / "data" / "ps7_property_names.txt")
             .read_text().splitlines() if l.strip()}
    ps = load_family("zynq7").ps
    fc = ps.fabric_clock
    names = [fc.enable, fc.port, fc.reset_port, fc.source, fc.freq, fc.divisor0, fc.divisor1,
             *ps.disabled, *(n for n, _ in ps.interrupt.props)]
    for _, port in ps.slave_ports:
        names += [port.use, port.width]
    for _, port in ps.master_ports:
        names.append(port.use)
    assert sorted(set(names) - known) == []


@pytest.mark.parametrize("part,grade", [("xc7z020clg400-1", -1), ("xc7z020clg400-2", -1),
                                        ("xc7z020clg400-1L", -1), ("xc7z020", -1)])
def test_speed_grade_falls_back_to_the_narrowest_known(part, grade):
    # Only -1 MMCM figures are recorded; -1 ranges are the narrowest, so legal everywhere.
    assert speed_grade(part) == grade


def test_hp_width_defaults_to_64(tmp_path):
    board = custom_board(tmp_path, "    hp2: {width: 64}\n", "    hp2: {}\n")
    _, bd = plan(board=board)
    assert bd.cell("ps7").prop("PCW_S_AXI_HP2_DATA_WIDTH") == "64"
