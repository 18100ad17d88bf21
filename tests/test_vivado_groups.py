"""block_design.tcl's two PS property groups: the board preset, then hwgen's plan."""

from __future__ import annotations

from pathlib import Path

from hwgen.plan.blockdesign import plan_block_design
from hwgen.plan.clockflow import design_clocks
from hwgen.model.design import load_design
from hwgen.emit.vivado import cell_views

BOARDS = Path(__file__).resolve().parent.parent / "boards"


def test_preset_entry_the_plan_also_sets_is_in_the_plan_group_only(tmp_path):
    # The board repeats a value hwgen's plan sets (PCW_USE_S_AXI_HP0 = 1); ps_properties
    # writes it once, by the plan, so it belongs under the plan's heading, not at the end
    # of the group headed "Board preset ... in file order".
    text = (BOARDS / "pynq_z2.yaml").read_text()
    old = "    PCW_GPIO_EMIO_GPIO_ENABLE: \"0\"\n"
    assert old in text
    board = tmp_path / "board.yaml"
    board.write_text(text.replace(old, old + "    PCW_USE_S_AXI_HP0: \"1\"\n", 1))
    design = load_design(str(board))
    bd = plan_block_design(design, design_clocks(design))
    (ps,) = [c for c in cell_views(design, bd) if c.name == "ps7"]
    preset, plan = ps.groups
    preset_names = [n for n, _ in preset.props]
    # the preset group is the board's entries in file order, minus the one the plan sets
    assert preset_names == [n for n, _ in design.board.ps.preset if n != "PCW_USE_S_AXI_HP0"]
    assert ("PCW_USE_S_AXI_HP0", "1") in plan.props
