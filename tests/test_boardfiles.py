"""`hwgen board import` against the vendors' own board files (tests/data/boardstore, copied
from the Xilinx board store): import, build, run the Tcl under the recorder, compile the
device tree, and compare with what the vendor's preset.xml says, read here with a regex
rather than with hwgen's importer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from _dts import compile_dtsi, fdtget
from _vivado import ps7_property_names, run_build
from conftest import BOARDS, hwgen_env, hwgen_main
from hwgen.errors import InputError
from hwgen.model.boardfiles import import_board
from hwgen.model.design import load_design
from hwgen.model.schema import parse_size

STORE = Path(__file__).parent / "data" / "boardstore"
# Zynq-7000 boards that import and build (folder, hwgen name).
GOOD = [("TUL/pynq-z2/A.0", "pynq_z2"), ("Digilent/zybo-z7-20/A.0", "zybo_z7_20"),
        ("Digilent/zedboard/1.3", "zedboard"), ("Avnet/microzed_7020/1.3", "microzed_7020"),
        ("Digilent/arty-z7-10/A.0", "arty_z7_10")]


def vendor_ps7(folder: str) -> list[tuple[str, str]]:
    """Every CONFIG entry of the board's ps7_preset blocks, in file order (regex, not hwgen)."""
    xml = (STORE / folder / "preset.xml").read_text()
    out = []
    for block in re.findall(r'<ip_preset preset_proc_name="ps7_preset">(.*?)</ip_preset>', xml, re.S):
        out += re.findall(r'name="CONFIG\.(\w+)"\s+value="([^"]*)"', block)
    return out


def ddr_bytes(vendor: dict) -> int:
    """The DDR size the preset states: PCW_DDR_RAM_HIGHADDR, else Micron part x bus width."""
    if "PCW_DDR_RAM_HIGHADDR" in vendor:
        return int(vendor["PCW_DDR_RAM_HIGHADDR"], 16) + 1
    depth, width = map(int, re.match(r"MT41\w(\d+)M(\d+)", vendor["PCW_UIPARAM_DDR_PARTNO"]).groups())
    bus = int(vendor.get("PCW_UIPARAM_DDR_BUS_WIDTH", "32 Bit").split()[0])
    return depth * width * (1 << 20) // 8 * bus // width


def write_build(out: Path, board=None):
    """The whole build folder (Vivado and PetaLinux files) of ``board``; the design."""
    from hwgen.folder.build import build

    design = load_design(board)
    # The Arty Z7-10's 7Z010 fits no DPU (test_arty_z7_10_default_dpu_does_not_fit): its Tcl
    # is still written and recorded, as --allow-over-budget does.
    build(design, out, allow_over_budget=True)
    return design


def record(out: Path, design, cwd: Path):
    # The recorder refuses any CONFIG name processing_system7 does not have.
    return run_build(out, design, cwd=cwd, parts=[design.board.part],
                     ip_params={design.board.ps.vlnv: sorted(ps7_property_names())})


def imported(tmp_path: Path, folder: str) -> Path:
    result = import_board(STORE / folder)
    path = tmp_path / f"{result.name}.yaml"
    path.write_text(result.text)
    return path


@pytest.mark.parametrize("folder,name", GOOD, ids=[n for _, n in GOOD])
def test_import_build_and_record(tmp_path, folder, name):
    board = imported(tmp_path, folder)
    vendor = vendor_ps7(folder)
    flat = dict(vendor)
    assert len(vendor) > 100
    out = tmp_path / "build" / name
    design = write_build(out, board=str(board))
    assert design.board.name == name
    rec = record(out, design, tmp_path)
    config = {k.upper(): v for k, v in rec.cell("ps7").config.items()}
    # every vendor parameter reaches the PS, apart from what the plan overrides, and the
    # plan's heading names each override with both values
    text = (out / "vivado" / "block_design.tcl").read_text()
    flat_text = " ".join(w for w in text.split() if w != "#")
    for pname, value in flat.items():
        if config[pname.upper()] != value:
            assert f"{pname} {value} -> {config[pname]}" in flat_text, pname
    assert set(flat) <= ps7_property_names()
    # the crystal Vivado sees is the vendor's, and the clock plan starts from it
    crystal = flat.get("PCW_CRYSTAL_PERIPHERAL_FREQMHZ", "33.333333")
    assert config.get("PCW_CRYSTAL_PERIPHERAL_FREQMHZ", "33.333333") == crystal
    assert design.board.ps.crystal_mhz == pytest.approx(float(crystal))
    # the device tree's DDR and the console agree with the preset
    dtb = compile_dtsi((out / "petalinux" / "system-user.dtsi").read_text(), tmp_path / "dts",
                       0, design.board.ddr.size)
    assert fdtget(dtb, "/reserved-memory/linux,cma", "alloc-ranges") == [0, ddr_bytes(flat)]
    uarts = [n for n in (0, 1) if flat.get(f"PCW_UART{n}_PERIPHERAL_ENABLE") == "1"]
    assert len(uarts) == 1 and design.board.console.uart == uarts[0]
    baud = flat.get(f"PCW_UART{uarts[0]}_BAUD_RATE", "115200")
    bootargs = fdtget(dtb, "/chosen", "bootargs", "s")
    assert bootargs.startswith(f"console=ttyPS0,{baud} "), bootargs
    assert flat.get(f"PCW_SD{design.board.sd.controller}_PERIPHERAL_ENABLE") == "1"
    assert "root=/dev/mmcblk0p2" in bootargs


def test_pynq_z2_crystal_is_50_mhz_in_the_shipped_design(tmp_path):
    # TUL's preset says 50 MHz; Vivado's default would be 33.333 MHz and every PS clock 1.5x off.
    assert dict(vendor_ps7("TUL/pynq-z2/A.0"))["PCW_CRYSTAL_PERIPHERAL_FREQMHZ"] == "50"
    out = tmp_path / "b"
    design = write_build(out)
    rec = record(out, design, tmp_path)
    assert rec.cell("ps7").config["PCW_CRYSTAL_PERIPHERAL_FREQMHZ"] == "50"
    text = (out / "vivado" / "block_design.tcl").read_text()
    assert "PS crystal 50 MHz" in text and "DDR PLL x 21 = 1050 MHz" in text


def test_zedboard_13_applies_the_builtin_then_the_explicit_block(tmp_path):
    board = imported(tmp_path, "Digilent/zedboard/1.3")
    design = load_design(str(board))
    blocks = design.board.ps.preset
    assert blocks[0] == (("preset", "ZedBoard"),) and len(blocks) == 2
    # this Xilinx-store copy says 50 MHz; so does the copy stored from Digilent's own
    # repository (test_board_store_copies); hwgen follows the file it is given
    assert design.board.ps.crystal_mhz == 50
    # the PLLs are predicted (no FBDIV in the preset): the wizard follows what Vivado sets
    out = tmp_path / "b"
    design = write_build(out, board=str(board))
    rec = record(out, design, tmp_path)
    wiz = rec.cell("dpu_clk_wiz").config
    assert "PRIM_IN_FREQ" not in wiz and "MMCM_CLKFBOUT_MULT_F" not in wiz
    assert {k.upper(): v for k, v in rec.cell("ps7").config.items()}["PRESET"] == "ZedBoard"
    # written first, before the explicit block: the built-in preset must not undo it
    text = (out / "vivado" / "block_design.tcl").read_text()
    assert text.index("CONFIG.preset {ZedBoard}") < text.index("CONFIG.PCW_APU_PERIPHERAL_FREQMHZ")


def test_arty_z7_10_default_dpu_does_not_fit(tmp_path):
    board = imported(tmp_path, "Digilent/arty-z7-10/A.0")
    r = hwgen_main("check", "--board", board, cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert "FAIL: arty_z7_10_dpu" in r.stdout


@pytest.mark.parametrize("folder,builtin", [("Avnet/zedboard/1.4", "ZedBoard"),
                                            ("Xilinx/zc706/1.4", "ZC706")])
def test_builtin_preset_only_is_refused_naming_it(tmp_path, folder, builtin):
    r = hwgen_main("board", "import", STORE / folder, cwd=tmp_path)
    assert r.returncode == 2
    (line,) = r.stderr.splitlines()
    assert line.startswith(f"{folder}/preset.xml:")
    assert f"built-in PS7 preset {builtin!r}" in line


def test_zynqmp_som_without_its_carrier_needs_a_console(tmp_path):
    # zynq_ultra_ps_e is known (hwgen/model/boardfacts_zynqmp.py); the K26 SOM's own preset
    # enables no UART, so without an overlay naming the console the import stops there.
    r = hwgen_main("board", "import", STORE / "Xilinx/kv260_som/1.4", cwd=tmp_path)
    assert r.returncode == 2
    # board.xml names preset_s4.xml, not preset.xml: the importer follows it
    assert r.stderr.startswith("Xilinx/kv260_som/1.4/preset_s4.xml:")
    assert "console.uart" in r.stderr


def test_cli_writes_yaml_to_stdout_and_facts_to_stderr(tmp_path):
    r = hwgen_main("board", "import", STORE / "TUL/pynq-z2/A.0", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == import_board(STORE / "TUL/pynq-z2/A.0").text
    assert "crystal       50 MHz   <- PCW_CRYSTAL_PERIPHERAL_FREQMHZ = '50'" in r.stderr
    assert "DDR size      512M   <- PCW_DDR_RAM_HIGHADDR = '0x1FFFFFFF'" in r.stderr


@pytest.mark.parametrize("name,folder", [("pynq_z2", "TUL/pynq-z2/A.0"),
                                         ("zybo_z7_20", "Digilent/zybo-z7-20/A.0"),
                                         ("zcu104", "Xilinx/zcu104/1.1"),
                                         ("ultra96v2", "Avnet/ultra96v2/1.2"),
                                         ("kv260", "Xilinx/kv260_som/1.4 Xilinx/kv260_carrier/1.2")])
def test_shipped_boards_are_imports_plus_overlay(tmp_path, name, folder):
    som, *carrier = folder.split()
    extra = ("--carrier", STORE / carrier[0]) if carrier else ()
    r = hwgen_main("board", "import", STORE / som, *extra, "--overlay",
                  BOARDS / "overlays" / f"{name}.yaml", "-o", tmp_path / "x.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "x.yaml").read_bytes() == (BOARDS / f"{name}.yaml").read_bytes()


def _preset_params(folder: str, file: str, proc: str) -> dict:
    """name -> value of a preset proc's PS block, read with the standard library's parser."""
    import xml.etree.ElementTree as ET

    root = ET.parse(STORE / folder / file).getroot()
    block = next(b for b in root.iter("ip_preset") if b.get("preset_proc_name") == proc)
    ps = next(ip for ip in block.iter("ip") if ip.get("name") == "zynq_ultra_ps_e")
    return {p.get("name").removeprefix("CONFIG."): p.get("value") for p in ps.iter("user_parameter")}


def test_kv260_som_and_carrier_presets_apply_in_order():
    # The K26 SOM alone enables no UART and no SD card; its carrier (board.xml connector
    # som240_1_connector, preset_proc mpsoc_preset_som240_1) adds UART1 and SD1. Vivado
    # applies the carrier's block after the SOM's: the carrier's values win.
    som = _preset_params("Xilinx/kv260_som/1.4", "preset_s4.xml", "mpsoc_preset_vsom")
    card = _preset_params("Xilinx/kv260_carrier/1.2", "preset.xml", "mpsoc_preset_som240_1")
    assert som.get("PSU__UART1__PERIPHERAL__ENABLE", "0") == "0"
    assert card["PSU__UART1__PERIPHERAL__ENABLE"] == "1" and card["PSU__SD1__PERIPHERAL__ENABLE"] == "1"
    with pytest.raises(InputError):          # the SOM alone has no console for the overlay's UART1
        import_board(STORE / "Xilinx/kv260_som/1.4")
    result = import_board(STORE / "Xilinx/kv260_som/1.4",
                          carrier=STORE / "Xilinx/kv260_carrier/1.2")
    assert "kv260_carrier/1.2/preset.xml" in result.text and "som240_1_connector" in result.text
    board = load_design(str(_write(result.text))).board
    assert board.ps.preset == (tuple(som.items()), tuple(card.items()))
    assert board.part == "xck26-sfvc784-2LV-c"      # as the SOM's board.xml spells it


def _write(text: str) -> Path:
    import tempfile

    f = Path(tempfile.mkdtemp()) / "kv260_import.yaml"
    f.write_text(text)
    return f


def test_a_carrier_that_does_not_fit_the_som_exits_2(tmp_path):
    # the ZCU104 is no carrier: it has no connector component the K26 SOM has
    r = hwgen_main("board", "import", STORE / "Xilinx/kv260_som/1.4", "--carrier",
                  STORE / "Xilinx/zcu104/1.1", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith("Xilinx/zcu104/1.1/board.xml:")
    assert "som240_1_connector" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_microzed_ddr_size_comes_from_the_part_number(tmp_path):
    vendor = dict(vendor_ps7("Avnet/microzed_7020/1.3"))
    assert "PCW_DDR_RAM_HIGHADDR" not in vendor
    design = load_design(str(imported(tmp_path, "Avnet/microzed_7020/1.3")))
    # MT41K256M16: 4 Gbit x16 devices on a 32-bit bus = 1 GiB (MicroZed 7020: 1 GB DDR3)
    assert design.board.ddr.size == 1 << 30 == ddr_bytes(vendor)
    assert design.board.console.uart == 1


# ----------------------------------------------------------------------------- consistency
def _edited(tmp_path, old, new, name="pynq_z2"):
    text = (BOARDS / f"{name}.yaml").read_text()
    assert old in text
    path = tmp_path / "edited.yaml"
    path.write_text(text.replace(old, new, 1))
    return path, text.replace(old, new, 1)


@pytest.mark.parametrize("old,new,key,param", [
    ("  size: 512M", "  size: 1G", "ddr.size", "PCW_DDR_RAM_HIGHADDR"),
    ("  bus_width: 16", "  bus_width: 32", "ddr.bus_width", "PCW_UIPARAM_DDR_BUS_WIDTH"),
    ("  crystal_mhz: 50", "  crystal_mhz: 33.333333", "ps.crystal_mhz", "PCW_CRYSTAL_PERIPHERAL_FREQMHZ"),
    ("  uart: 0", "  uart: 1", "console.uart", "PCW_UART1_PERIPHERAL_ENABLE"),
    ("  controller: 0", "  controller: 1", "sd.controller", "PCW_SD1_PERIPHERAL_ENABLE"),
])
def test_yaml_and_preset_must_agree(tmp_path, old, new, key, param):
    path, text = _edited(tmp_path, old, new)
    r = hwgen_main("check", "--board", path, cwd=tmp_path)
    assert r.returncode == 2
    (line,) = r.stderr.splitlines()
    assert line.startswith(str(path) + ":") and key in line and param in line, line
    # both places: the YAML key's line, and the preset entry's (or the preset's) position
    assert len(re.findall(re.escape(str(path)) + r":\d+:\d+", line)) == 2, line


def test_ddr_size_needs_the_preset_or_the_overlay(tmp_path):
    # a preset with neither PCW_DDR_RAM_HIGHADDR nor PCW_UIPARAM_DDR_PARTNO
    folder = tmp_path / "V" / "b" / "1.0"
    folder.mkdir(parents=True)
    src = STORE / "Avnet/microzed_7020/1.3"
    (folder / "board.xml").write_text((src / "board.xml").read_text())
    (folder / "preset.xml").write_text(re.sub(r'.*PCW_UIPARAM_DDR_PARTNO.*\n', "",
                                              (src / "preset.xml").read_text()))
    r = hwgen_main("board", "import", folder, cwd=tmp_path)
    assert r.returncode == 2
    assert "the overlay key ddr.size supplies it" in r.stderr
    overlay = tmp_path / "o.yaml"
    overlay.write_text("ddr:\n  size: 1G\n")
    r = hwgen_main("board", "import", folder, "--overlay", overlay, "-o", tmp_path / "b.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "the overlay's ddr.size" in r.stdout
    assert load_design(str(tmp_path / "b.yaml")).board.ddr.size == 1 << 30


# ----------------------------------------------------------------------------- broken files
def _broken(tmp_path, preset: str | None, board_xml: str | None = None) -> Path:
    folder = tmp_path / "Vendor" / "broken" / "1.0"
    folder.mkdir(parents=True)
    src = STORE / "TUL/pynq-z2/A.0"
    (folder / "board.xml").write_text(board_xml if board_xml is not None else (src / "board.xml").read_text())
    if preset is not None:
        (folder / "preset.xml").write_text(preset)
    return folder


def _import_fails(tmp_path, folder) -> str:
    r = hwgen_main("board", "import", folder, cwd=tmp_path)
    assert r.returncode == 2, r.stdout
    assert "Traceback" not in r.stderr
    (line,) = r.stderr.splitlines()
    return line


PYNQ_PRESET = (STORE / "TUL/pynq-z2/A.0/preset.xml").read_text()


def test_missing_preset_file(tmp_path):
    line = _import_fails(tmp_path, _broken(tmp_path, None))
    assert line == "Vendor/broken/1.0/preset.xml: no such file"


def test_malformed_xml_names_the_line(tmp_path):
    text = PYNQ_PRESET.replace('value="0x1FFFFFFF"/>', 'value="0x1FFFFFFF">', 1)
    line = _import_fails(tmp_path, _broken(tmp_path, text))
    assert re.match(r"Vendor/broken/1\.0/preset\.xml:\d+:\d+: malformed XML: mismatched tag", line), line


def test_entity_bomb_is_refused(tmp_path):
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
            ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
            '<ip_presets><ip_preset preset_proc_name="ps7_preset">&lol2;</ip_preset></ip_presets>\n')
    line = _import_fails(tmp_path, _broken(tmp_path, bomb))
    assert line.startswith("Vendor/broken/1.0/preset.xml:3:1: refused XML: EntitiesForbidden"), line


def test_external_entity_is_refused(tmp_path):
    xxe = ('<?xml version="1.0"?>\n<!DOCTYPE x [ <!ENTITY e SYSTEM "file:///etc/passwd"> ]>\n'
           '<ip_presets>&e;</ip_presets>\n')
    line = _import_fails(tmp_path, _broken(tmp_path, xxe))
    assert "refused XML" in line and "passwd" not in line.split("refused XML")[0]


def test_missing_crystal_defaults_to_vivado_and_says_so(tmp_path):
    text = re.sub(r'.*PCW_CRYSTAL_PERIPHERAL_FREQMHZ.*\n', "", PYNQ_PRESET)
    folder = _broken(tmp_path, text)
    r = hwgen_main("board", "import", folder, cwd=tmp_path)
    # 33.333333 MHz x FBDIV 26 no longer reaches TUL's requested CPU clock: still a valid
    # import, with the default written explicitly and said
    assert r.returncode == 0, r.stderr
    assert "crystal       33.333333 MHz   <- PCW_CRYSTAL_PERIPHERAL_FREQMHZ absent: Vivado's default" in r.stderr


def test_missing_crystal_with_a_builtin_preset_is_refused(tmp_path):
    text = re.sub(r'.*PCW_CRYSTAL_PERIPHERAL_FREQMHZ.*\n', "", PYNQ_PRESET).replace(
        '<user_parameters>', '<user_parameters>\n<user_parameter name="CONFIG.preset" value="ZC702"/>', 1)
    line = _import_fails(tmp_path, _broken(tmp_path, text))
    assert "the PS crystal lives only in Vivado's built-in PS7 preset 'ZC702'" in line


def test_unknown_ps_family(tmp_path):
    text = PYNQ_PRESET.replace('name="processing_system7"', 'name="microblaze_mcs"', 1)
    line = _import_fails(tmp_path, _broken(tmp_path, text))
    assert re.match(r"Vendor/broken/1\.0/preset\.xml:4:1: microblaze_mcs: expected a processing-system IP", line)


def test_two_uarts_need_the_overlay(tmp_path):
    text = PYNQ_PRESET.replace('"CONFIG.PCW_UART1_PERIPHERAL_ENABLE" value="0"',
                               '"CONFIG.PCW_UART1_PERIPHERAL_ENABLE" value="1"')
    folder = _broken(tmp_path, text)
    line = _import_fails(tmp_path, folder)
    assert "both enabled on MIO" in line and "console.uart" in line
    overlay = tmp_path / "o.yaml"
    overlay.write_text("console: {uart: 1}\n")
    r = hwgen_main("board", "import", folder, "--overlay", overlay, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "  uart: 1   # console.uart given, PCW_UART1_PERIPHERAL_ENABLE = '1'" in r.stdout


def test_hostile_values_are_refused_with_their_line(tmp_path):
    text = PYNQ_PRESET.replace('value="0x1FFFFFFF"', 'value="0x1FFFFFFF}; exec rm -rf ~; {"', 1)
    line = _import_fails(tmp_path, _broken(tmp_path, text))
    assert re.match(r"Vendor/broken/1\.0/preset\.xml:7:1: PCW_DDR_RAM_HIGHADDR: expected a PS "
                    r"property value", line), line


def test_no_ddr_is_refused(tmp_path):
    text = PYNQ_PRESET.replace('"CONFIG.PCW_UIPARAM_DDR_ENABLE" value="1"',
                               '"CONFIG.PCW_UIPARAM_DDR_ENABLE" value="0"')
    assert text != PYNQ_PRESET
    line = _import_fails(tmp_path, _broken(tmp_path, text))
    assert "no DDR" in line


def test_import_errors_are_input_errors():
    with pytest.raises(InputError):
        import_board(STORE / "Xilinx/zc706/1.4")
    assert parse_size("512M") == 512 << 20


# ----------------------------------------------------------------------------- the documented walk
def test_adding_a_board_walk_works_after_pip_install(tmp_path):
    """docs/adding-a-board.md's walk, line for line, against a pip-installed copy of this
    checkout (not the source tree), from a folder holding the board store."""
    import os
    import shutil
    import subprocess
    import sys

    from conftest import ROOT

    doc = (ROOT / "docs" / "adding-a-board.md").read_text()
    walk = doc.split("<!-- walk:", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    assert walk.startswith("mkdir -p ~/hwgen-boards\nhwgen board import ")
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "tests", "__pycache__", "*.egg-info", ".pytest_cache"))
    site = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                        str(site), str(src)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    work = tmp_path / "work"
    shutil.copytree(STORE, work / "XilinxBoardStore" / "boards")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "HWGEN_BOARD_PATH", "XILINX_VIVADO")}
    env.update(HOME=str(tmp_path / "home"), PYTHONPATH=str(site),
               PATH=f"{site / 'bin'}{os.pathsep}{env['PATH']}")
    (tmp_path / "home").mkdir()
    which = subprocess.run(["hwgen", "--version"], cwd=work, env=env, capture_output=True, text=True)
    assert which.returncode == 0, which.stderr
    where = subprocess.run([sys.executable, "-c", "import hwgen; print(hwgen.__file__)"], cwd=work,
                           env=env, capture_output=True, text=True)
    assert where.stdout.startswith(str(site)), where.stdout
    r = subprocess.run(["bash", "-euo", "pipefail", "-c", walk], cwd=work, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr + r.stdout
    assert "PASS: microzed_7020_dpu" in r.stdout
    assert (tmp_path / "home" / "hwgen-boards" / "microzed_7020.yaml").is_file()
    tcl = (work / "build" / "microzed_7020" / "vivado" / "block_design.tcl").read_text()
    assert "CONFIG.PCW_UIPARAM_DDR_PARTNO {MT41K256M16 RE-125}" in tcl
    assert "microzed_7020  avnet.com:microzed_7020:part0:1.3" not in r.stdout  # a YAML, not files
    assert "microzed_7020  (hwgen YAML)" in r.stdout


def test_store_board_and_imported_yaml_give_identical_outputs(tmp_path):
    """--board by board_part (board files found through HWGEN_BOARD_PATH) and --board with the
    YAML `board import` wrote build byte-identical folders."""
    env_store = {"HWGEN_BOARD_PATH": str(STORE)}
    yaml_path = tmp_path / "y" / "microzed_7020.yaml"
    yaml_path.parent.mkdir()
    assert hwgen_main("board", "import", STORE / "Avnet/microzed_7020/1.3", "-o", yaml_path).returncode == 0
    env = hwgen_env(**env_store)
    a = hwgen_main("build", "--board", "avnet.com:microzed_7020:part0:1.3", "-o", tmp_path / "a", env=env)
    assert a.returncode == 0, a.stderr
    b = hwgen_main("build", "--board", yaml_path, "-o", tmp_path / "b")
    assert b.returncode == 0, b.stderr
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) > 5
    for f in files_a:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_board_name_lookup_picks_the_newest_revision_and_says_so(tmp_path):
    import shutil

    for rev, version in (("1.0", "1.0"), ("1.3", "1.3")):
        folder = tmp_path / "store" / "Avnet" / "microzed_7020" / rev
        shutil.copytree(STORE / "Avnet/microzed_7020/1.3", folder)
        xml = folder / "board.xml"
        xml.write_text(re.sub(r"<file_version>[^<]*</file_version>",
                              f"<file_version>{version}</file_version>", xml.read_text()))
    env = hwgen_env(HWGEN_BOARD_PATH=str(tmp_path / "store"))
    r = hwgen_main("check", "--board", "microzed-7020", env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "2 revisions found" in r.stderr and "using the newest, avnet.com:microzed_7020:part0:1.3" in r.stderr
    r = hwgen_main("list", "boards", env=env, cwd=tmp_path)
    assert "avnet.com:microzed_7020:part0:1.0" in r.stdout and str(tmp_path / "store") in r.stdout


DIGILENT = Path(__file__).parent / "data" / "boardstore_all" / "DigilentVivadoBoards"


def _file_versions(board_dir: Path) -> dict[Path, tuple]:
    """Each board.xml folder below ``board_dir`` -> its <file_version>, read with a regex."""
    out = {}
    for xml in board_dir.rglob("board.xml"):
        version = re.search(r"<file_version>([^<]+)</file_version>", xml.read_text()).group(1)
        out[xml.parent] = tuple(int(x) for x in version.split("."))
    return out


def test_digilent_nested_file_versions_are_found_and_the_newest_is_used(tmp_path, monkeypatch):
    """Digilent's vivado-boards repository keeps later file versions of one board revision
    nested inside it (new/board_files/<board>/<revision>/<file_version>/board.xml, next to the
    revision's own board.xml). --board NAME must find every one, use the newest and say which;
    a board_part names one exactly. Real files: Digilent's Zybo Z7-10 and Z7-20 A.0."""
    import shutil
    import xml.etree.ElementTree as ET

    from hwgen.model import boardstore

    repo = tmp_path / "vivado-boards"
    for board in ("zybo-z7-10", "zybo-z7-20"):
        shutil.copytree(DIGILENT / board, repo / "new" / "board_files" / board)
    env = hwgen_env(HWGEN_BOARD_PATH=str(repo))
    monkeypatch.setenv("HWGEN_BOARD_PATH", str(repo))
    for board in ("zybo-z7-10", "zybo-z7-20"):
        versions = _file_versions(repo / "new" / "board_files" / board)
        # the revision's own board.xml plus file versions nested below it
        assert len(versions) >= 3 and any((f.parent / "board.xml").is_file() for f in versions)
        newest = max(versions, key=versions.get)
        part = f"digilentinc.com:{board}:part0:" + ".".join(map(str, versions[newest]))
        found, note = boardstore.find(board)
        assert found.path == newest and found.board_part == part
        assert f"{len(versions)} revisions found" in note and f"using the newest, {part}" in note
        assert str(newest) in note
        for folder, version in versions.items():     # each file version by its board_part
            exact, _ = boardstore.find(f"digilentinc.com:{board}:part0:" + ".".join(map(str, version)))
            assert exact.path == folder
        r = hwgen_main("check", "--board", board, env=env, cwd=tmp_path)
        assert f"using the newest, {part}" in r.stderr, r.stderr
        try:
            ET.parse(newest / "preset.xml")
        except ET.ParseError as exc:
            # the newest is used even when its vendor file is broken (Zybo Z7-20 1.2 as
            # stored): exit 2 at its line:col, never a quiet fall-back to an older version
            line, col = exc.position
            assert r.returncode == 2, r.stderr
            assert f"{newest.name}/preset.xml:{line}:{col + 1}: malformed XML" in r.stderr
        else:
            # checked against the newest file version's own part (0 fits, 1 too small)
            fpga = re.search(r'type="fpga" part_name="([^"]+)"', (newest / "board.xml").read_text())
            assert r.returncode in (0, 1) and f"on {fpga.group(1)}" in r.stdout, r.stderr
    r = hwgen_main("list", "boards", env=env, cwd=tmp_path)
    for board in ("zybo-z7-10", "zybo-z7-20"):
        for folder in _file_versions(repo / "new" / "board_files" / board):
            assert str(folder) in r.stdout


def test_vivado_and_user_board_stores_are_searched(tmp_path):
    import shutil

    vivado = tmp_path / "Vivado" / "2023.2"
    shutil.copytree(STORE / "Avnet/microzed_7020/1.3",
                    vivado / "data/xhub/boards/XilinxBoardStore/boards/Avnet/microzed_7020/1.3")
    home = tmp_path / "home"
    shutil.copytree(STORE / "Digilent/arty-z7-10/A.0",
                    home / ".Xilinx/Vivado/2023.2/xhub/board_store/xilinx_board_store/XilinxBoardStore"
                           "/boards/Digilent/arty-z7-10/A.0")
    env = hwgen_env(XILINX_VIVADO=str(vivado), HOME=str(home))
    env.pop("HWGEN_BOARD_PATH", None)
    r = hwgen_main("check", "--board", "avnet.com:microzed_7020:part0:1.3", env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = hwgen_main("check", "--board", "arty-z7-10", env=env, cwd=tmp_path)
    assert r.returncode == 1 and "FAIL: arty_z7_10_dpu" in r.stdout, r.stderr
    r = hwgen_main("list", "boards", env=env, cwd=tmp_path)
    assert "$XILINX_VIVADO board store" in r.stdout and "Vivado 2023.2 user board store" in r.stdout
    r = hwgen_main("check", "--board", "zedboard", env=env, cwd=tmp_path)
    assert r.returncode == 2 and "a Vivado board store" in r.stderr


def test_preset_without_the_crystal_contradicts_a_50_mhz_yaml(tmp_path):
    # The old hand-picked Pynq-Z2 preset said crystal_mhz: 50 but never set the crystal in
    # the preset, so Vivado used its 33.333 MHz default and every PS clock was 1.5x off.
    text = (BOARDS / "pynq_z2.yaml").read_text()
    text, n = re.subn(r'(?m)^    PCW_CRYSTAL_PERIPHERAL_FREQMHZ: .*\n', "", text)
    assert n == 1
    board = tmp_path / "old.yaml"
    board.write_text(text)
    r = hwgen_main("check", "--board", board, cwd=tmp_path)
    assert r.returncode == 2
    assert "ps.crystal_mhz: expected 33.333333 MHz as PCW_CRYSTAL_PERIPHERAL_FREQMHZ absent: " \
           "Vivado's default 33.333333 MHz makes it, got 50 MHz" in r.stderr


def test_a_low_power_grade_keeps_vivados_capital_l():
    # Trenz TE0720-1IL's board.xml names xc7z020iclg484-1L. Vivado spells its -1L grade with a
    # capital L, as it does the K26's -2LV (its netlist headers say "Device : xc7a35ticsg324-1L"),
    # so the import, and the Tcl after it, must not carry a lower-case '-1l'.
    from hwgen.model.loader import Document

    folder = STORE.parent / "boardstore_all/XilinxBoardStore/Trenz_Electronic/TE0720_1IL/1.0"
    assert 'part_name="xc7z020iclg484-1L"' in (folder / "board.xml").read_text()
    # its preset enables UART0 and UART1 on MIO: an overlay names the console
    overlay = Document("overlay.yaml", {"console": {"uart": 0}})
    assert "\npart: xc7z020iclg484-1L " in import_board(folder, overlay=overlay).text
