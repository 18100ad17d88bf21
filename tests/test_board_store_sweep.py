"""Every Zynq-7000 board revision vendored under tests/data (the Xilinx board store's copies in
boardstore/, any further store copies in boardstore_all/) through `hwgen board import`.

What each revision should do is read here from its own files with the standard library's
XML parser, not from hwgen: a revision whose PS blocks leave a fact to a CONFIG.preset
(a built-in PS7 preset), no DDR, no UART on MIO or two of them is refused with exit 2 and
that reason; every other revision imports, passes `hwgen check` with exit 0 or 1 (a part too
small for the DPU), builds, and its Tcl runs under the Vivado command recorder.
The totals are counted from the files, so a new folder dropped into boardstore_all/ is
swept without editing this file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from conftest import hwgen_main
from hwgen.errors import InputError
from hwgen.model.boardfiles import import_board
from test_boardfiles import record, write_build

DATA = Path(__file__).parent / "data"
ROOTS = [DATA / "boardstore", DATA / "boardstore_all"]

# Reasons the issue allows for a refusal, each with the words hwgen's one-line error must carry.
BUILTIN_ONLY, NO_DDR, NO_MIO_UART, TWO_MIO_UARTS = ("built-in preset only", "no DDR",
                                                    "no UART on MIO", "two UARTs on MIO")
MALFORMED = "malformed XML"
NO_DDR_SIZE = "no DDR size"
IMPORTS = "imports"
# Each fact the issue lists, as the parameters any one of which gives it in explicit values.
_FACTS = (("PCW_CRYSTAL_PERIPHERAL_FREQMHZ",),
          ("PCW_APU_PERIPHERAL_FREQMHZ", "PCW_ARMPLL_CTRL_FBDIV"),
          ("PCW_UIPARAM_DDR_FREQ_MHZ",),
          ("PCW_DDR_RAM_HIGHADDR", "PCW_UIPARAM_DDR_PARTNO"))


def _fpga_part(board: ET.Element) -> str:
    # a carrier card's board.xml (kv260_carrier) has no FPGA of its own
    return next((c.get("part_name") for c in board.iter("component") if c.get("type") == "fpga"), "")


def revisions() -> list[Path]:
    """Every vendored revision folder whose FPGA is a Zynq-7000 (xc7z...)."""
    found = []
    for root in ROOTS:
        for xml in sorted(root.rglob("board.xml")):
            if _fpga_part(ET.parse(xml).getroot()).lower().startswith("xc7z"):
                found.append(xml.parent)
    return found


def _ps7_values(folder: Path) -> list[dict[str, str]]:
    """name -> value of each processing_system7 block of the preset board.xml names, in order."""
    board = ET.parse(folder / "board.xml").getroot()
    preset = ET.parse(folder / board.get("preset_file", "preset.xml")).getroot()
    return [{p.get("name").removeprefix("CONFIG."): p.get("value") for p in ip.iter("user_parameter")}
            for ip in preset.iter("ip") if ip.get("name") == "processing_system7"]


def _effective(folder: Path) -> dict[str, str]:
    """The PS7 parameters once every block applies in order, as Vivado applies them."""
    effective: dict[str, str] = {}
    for block in _ps7_values(folder):
        effective.update(block)
    return effective


def expected(folder: Path) -> tuple[str, str]:
    """(outcome, words of the reason) the revision's own files call for."""
    try:
        effective = _effective(folder)
    except ET.ParseError as exc:
        # a vendor file that is not well-formed (Digilent's own zedboard 1.3 preset.xml as
        # stored: a </user_parameters></ip> pair is missing): exit 2 at the parser's line:col
        # (hwgen counts columns from 1, the parser from 0)
        line, col = exc.position
        return MALFORMED, f":{line}:{col + 1}: malformed XML"
    if effective.get("PCW_UIPARAM_DDR_ENABLE") == "0":
        return NO_DDR, "no DDR"
    # CONFIG.preset alone, or followed by values that leave out a fact the issue lists (crystal,
    # CPU and DDR clocks, DDR size): that fact lives only in the built-in preset, whose values
    # Vivado keeps to itself (the iWave G28M presets name 'ZC7020' and give no crystal).
    if "preset" in effective and not all(any(n in effective for n in names) for names in _FACTS):
        return BUILTIN_ONLY, f"built-in PS7 preset {effective['preset']!r}"
    # A preset that names neither the DDR's top address nor its part leaves the size to
    # Vivado's default part, not to the board (Trenz TE0715-12S: 1 GB on the module, no DDR
    # parameter in its preset): the size is not a fact of the files, the overlay supplies it.
    if not {"PCW_DDR_RAM_HIGHADDR", "PCW_UIPARAM_DDR_PARTNO"} & set(effective):
        return NO_DDR_SIZE, "the overlay key ddr.size supplies it"
    # A UART routed to EMIO goes through the PL: a console the FSBL cannot reach before the
    # bitstream is loaded, so only MIO counts (UG585 sec. 19.2; the IO parameter is absent
    # when the UART sits on its default MIO pins).
    mio = _mio_uarts(folder)
    if not mio:
        return NO_MIO_UART, "no UART is enabled on MIO"
    if len(mio) == 2:
        return TWO_MIO_UARTS, "UART0 and UART1 are both enabled on MIO"
    return IMPORTS, ""


REVISIONS = revisions()
IDS = [str(f.relative_to(DATA)) for f in REVISIONS]


def test_the_sweep_covers_every_vendored_zynq7_revision():
    # the vendored Xilinx-store copies alone hold seven Zynq-7000 revisions; the sweep must
    # not silently lose them (a wrong glob or part test would leave it empty)
    assert sum(1 for f in REVISIONS if f.is_relative_to(DATA / "boardstore")) >= 7
    assert all(f.parent.parent.name for f in REVISIONS)


def _mio_uarts(folder: Path) -> list[int]:
    effective = _effective(folder)
    return [n for n in (0, 1) if effective.get(f"PCW_UART{n}_PERIPHERAL_ENABLE") == "1"
            and effective.get(f"PCW_UART{n}_UART{n}_IO", "MIO").startswith("MIO")]


def _imports_checks_builds(tmp_path: Path, folder: Path, *overlay) -> None:
    """board import (exit 0), check (0 or 1), build, and the Tcl under the recorder."""
    board = tmp_path / "board.yaml"
    r = hwgen_main("board", "import", folder, *overlay, "-o", board, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    check = hwgen_main("check", "--board", board, cwd=tmp_path)
    assert check.returncode in (0, 1), check.stderr
    if check.returncode == 1:
        assert "FAIL:" in check.stdout, check.stdout
    # the recorder refuses any CONFIG name processing_system7 does not have
    out = tmp_path / "build"
    design = write_build(out, board=str(board))
    rec = record(out, design, tmp_path)
    config = {k.upper() for k in rec.cell("ps7").config}
    for name in _ps7_values(folder)[-1]:
        assert name.upper() in config, name


@pytest.mark.parametrize("folder", REVISIONS, ids=IDS)
def test_import_outcome_is_what_the_files_call_for(tmp_path, folder):
    outcome, words = expected(folder)
    if outcome == IMPORTS:
        _imports_checks_builds(tmp_path, folder)
        return
    r = hwgen_main("board", "import", folder, cwd=tmp_path)
    assert r.returncode == 2, (outcome, r.stderr)
    (line,) = r.stderr.splitlines()
    assert words in line, line
    assert "Traceback" not in r.stderr


TWO_UARTS = [f for f in REVISIONS if expected(f)[0] == TWO_MIO_UARTS]


@pytest.mark.parametrize("folder", TWO_UARTS, ids=[str(f.relative_to(DATA)) for f in TWO_UARTS])
@pytest.mark.parametrize("uart", [0, 1])
def test_two_mio_uarts_import_once_an_overlay_names_the_console(tmp_path, folder, uart):
    # Which of the two is wired to the USB-UART is not in the board files; either choice the
    # preset enables on MIO must import and build, so the refusal above is only for the choice.
    assert _mio_uarts(folder) == [0, 1]
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(f"console: {{uart: {uart}}}\n")
    _imports_checks_builds(tmp_path, folder, "--overlay", overlay)


def test_totals_by_reason_match_what_hwgen_does():
    """The counts of each outcome, from the files, equal the counts of what hwgen did."""
    want = Counter(expected(f)[0] for f in REVISIONS)
    got: Counter = Counter()
    for folder in REVISIONS:
        try:
            import_board(folder)
        except InputError as exc:
            text = str(exc)
            got[next((o for o in (BUILTIN_ONLY, NO_DDR, NO_DDR_SIZE, NO_MIO_UART, TWO_MIO_UARTS,
                                  MALFORMED)
                      if _REASON_WORDS[o] in text), f"other: {text}")] += 1
        else:
            got[IMPORTS] += 1
    assert got == want
    assert want[IMPORTS] + sum(want[o] for o in _REASON_WORDS) == len(REVISIONS)


_REASON_WORDS = {BUILTIN_ONLY: "built-in PS7 preset", NO_DDR: "no DDR",
                 NO_DDR_SIZE: "the overlay key ddr.size supplies it",
                 NO_MIO_UART: "no UART is enabled on MIO",
                 TWO_MIO_UARTS: "UART0 and UART1 are both enabled on MIO",
                 MALFORMED: "malformed XML"}
