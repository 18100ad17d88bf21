"""An alternative is costed on the block design it would build, not on the failing design's."""

from hwgen.budget import estimate as budget
from hwgen.plan.blockdesign import block_design_for
from hwgen.model.design import load_design


def test_fewer_cores_are_costed_with_their_own_interconnects():
    # Two B512 cores overflow the 7Z020; with one core, hp0 and hp2 each carry fewer
    # masters, so the alternative must read exactly as the one-core design's own estimate.
    two = load_design(sets=["dpu.cores=2"])
    alt = next(a for a in budget.alternatives(two, block_design_for(two)) if a.label == "--set dpu.cores=1")
    one = budget.estimate(load_design(sets=["dpu.cores=1"]))
    assert [(l.name, l.used) for l in alt.lines] == [(l.name, l.used) for l in one.resources]
    message = next(m for m in budget.estimate(two).messages if m.startswith("LUT "))
    lut = next(l for l in one.resources if l.name == "LUT")
    assert f"--set dpu.cores=1 -> {budget.fmt_amount(lut.used)} of" in message
