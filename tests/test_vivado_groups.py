"""block_design.tcl's two PS property groups: the board preset, then hwgen's plan."""

from __future__ import annotations

from pathlib import Path

from hwgen.plan.blockdesign import plan_block_design
from hwgen.plan.clockflow import design_clocks
from hwgen.model.design import load_design
from hwgen.emit.vivado import cell_views

BOARDS = Path(__file__).resolve().parent.parent / "boards"


def test_ps_groups_are_the_preset_blocks_then_the_plan():
    # One group per vendor preset block, whole and in file order (apply-board-preset), then
    # hwgen's plan, whose heading names every preset value it changes.
    design = load_design()
    bd = plan_block_design(design, design_clocks(design))
    (ps,) = [c for c in cell_views(design, bd) if c.name == "ps7"]
    *preset, plan = ps.groups
    assert [g.props for g in preset] == list(design.board.ps.preset)
    assert "PCW_USE_S_AXI_HP0 0 -> 1" in plan.title
    assert ("PCW_USE_S_AXI_HP0", "1") in plan.props
