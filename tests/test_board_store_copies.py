"""Two copies of one board: the Xilinx board store's (boardstore/Digilent/) and Digilent's own
repository's (boardstore_all/DigilentVivadoBoards/). The copies are not the same files, so
hwgen must follow the copy it is given, never a value it remembers for the board's name.

The pairs are found from the folders (same <board>/<revision> in both trees), and what each
copy says is read here from its own preset with the standard library's XML parser.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import hwgen_main
from hwgen.emit.vivado import _trim
from test_board_store_sweep import _effective
from test_boardfiles import record, write_build

DATA = Path(__file__).parent / "data"
STORE = DATA / "boardstore" / "Digilent"
DIGILENT = DATA / "boardstore_all" / "DigilentVivadoBoards"

# Vivado's value when a preset leaves the crystal out (processing_system7 default)
VIVADO_CRYSTAL = "33.333333"


def pairs() -> list[str]:
    return sorted(str(p.parent.relative_to(DIGILENT)) for p in DIGILENT.rglob("board.xml")
                  if (STORE / p.parent.relative_to(DIGILENT) / "board.xml").is_file())


PAIRS = pairs()


def test_both_trees_hold_copies_of_the_same_boards():
    # a wrong folder layout would leave the comparison below empty
    assert len(PAIRS) >= 3


def _well_formed(folder: Path) -> bool:
    try:
        _effective(folder)
    except ET.ParseError:
        return False
    return True


@pytest.mark.parametrize("rev", PAIRS)
def test_each_copy_builds_with_its_own_crystal(tmp_path, rev):
    """Import each copy, build, record: the PS crystal in the Tcl, the clock plan's heading and
    the board YAML are the value of the file given."""
    built = {}
    for tree in (STORE, DIGILENT):
        folder = tree / rev
        if not _well_formed(folder):
            # refused with file:line:col (test_board_store_sweep); nothing to build
            r = hwgen_main("board", "import", folder, cwd=tmp_path)
            assert r.returncode == 2 and "malformed XML" in r.stderr, r.stderr
            continue
        crystal = _effective(folder).get("PCW_CRYSTAL_PERIPHERAL_FREQMHZ", VIVADO_CRYSTAL)
        board = tmp_path / f"{tree.name}.yaml"
        r = hwgen_main("board", "import", folder, "-o", board, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        out = tmp_path / tree.name
        design = write_build(out, board=str(board))
        rec = record(out, design, tmp_path)
        assert rec.cell("ps7").config.get("PCW_CRYSTAL_PERIPHERAL_FREQMHZ", VIVADO_CRYSTAL) == crystal
        assert design.board.ps.crystal_mhz == pytest.approx(float(crystal))
        tcl = (out / "vivado" / "block_design.tcl").read_text()
        assert f"PS crystal {_trim(float(crystal), 6)} MHz" in tcl
        built[tree] = (_effective(folder), design.board.ps.preset)
    if len(built) == 2:
        # the PS presets the two copies state are what hwgen carries, copy for copy: equal
        # files give equal presets, and a parameter one copy changes shows in its own preset
        (store_ps, store_preset), (dig_ps, dig_preset) = built[STORE], built[DIGILENT]
        assert (store_ps == dig_ps) == (store_preset == dig_preset)
        for tree, (ps, preset) in built.items():
            carried = {k: v for block in preset for k, v in block}
            assert {k: carried[k] for k in ps} == ps, tree
