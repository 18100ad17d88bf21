"""The 'Custom' DDR rule (PCW_UIPARAM_DDR_DEVICE_CAPACITY x bus / PCW_UIPARAM_DDR_DRAM_WIDTH)
against the two real iWave G28M presets of the Xilinx board store.

Both revisions name a built-in PS7 preset (CONFIG.preset = 'ZC7020') and give no crystal, so
`board import` refuses them (test_board_store_sweep). Their explicit DDR values are still the
only real 'Custom' parts vendored: two SOM revisions that reach the same 512 MB with different
devices (R4.0: 2 Gbit x16 devices, R2.0: one 4 Gbit x32 device), which the vendor also states
in board.xml's <description>, a field hwgen does not read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hwgen.model.boardfacts_zynq7 import derive

IWAVE = Path(__file__).parent / "data" / "boardstore_all" / "XilinxBoardStore" / "iWave"
REVISIONS = sorted(p.parent for p in IWAVE.glob("*/*/board.xml"))


def _stated_mb(board: ET.Element) -> int:
    # e.g. "ZYNQ-7000 XC7Z020 SOM, 512MB PS DDR3, ..."
    (m,) = re.findall(r"(\d+)MB PS DDR", board.findtext("description"))
    return int(m)


@pytest.mark.parametrize("folder", REVISIONS, ids=[f.parent.name for f in REVISIONS])
def test_custom_ddr_size_is_what_the_vendor_states(folder):
    board = ET.parse(folder / "board.xml").getroot()
    part = next(c.get("part_name") for c in board.iter("component") if c.get("type") == "fpga")
    preset = {p.get("name").removeprefix("CONFIG."): p.get("value")
              for p in ET.parse(folder / board.get("preset_file")).getroot().iter("user_parameter")}
    assert preset["PCW_UIPARAM_DDR_PARTNO"] == "custom"
    # the explicit values alone (the built-in preset left out): the DDR facts do not depend on it
    explicit = {k: v for k, v in preset.items() if k != "preset"}
    facts = derive(explicit, part)
    assert facts.ddr_size.value == _stated_mb(board) << 20
    assert "PCW_UIPARAM_DDR_DEVICE_CAPACITY" in facts.ddr_size.source


def test_both_iwave_revisions_are_here_and_differ_in_devices():
    # the test above must not pass on an empty glob, and the two must exercise both widths
    widths = set()
    for folder in REVISIONS:
        for p in ET.parse(folder / "preset.xml").getroot().iter("user_parameter"):
            if p.get("name") == "CONFIG.PCW_UIPARAM_DDR_DRAM_WIDTH":
                widths.add(p.get("value"))
    assert len(REVISIONS) == 2 and widths == {"16 Bits", "32 Bits"}
