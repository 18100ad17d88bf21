"""The model and the layering of design settings."""

from __future__ import annotations

import re

import json
from pathlib import Path

import pytest

from conftest import BOARDS, hwgen_main
from hwgen.model.family import load_family, pll_values
from hwgen.model.design import load_design, parse_sets, part_for
from hwgen.errors import InputError
from hwgen.model.schema import format_size, parse_size


def test_default_design_is_pynq_z2_b512():
    d = load_design()
    assert (d.board.name, d.dpu.name, d.board.part) == ("pynq_z2", "B512", "xc7z020clg400-1")
    assert d.settings.linux.cma == 256 << 20          # the board's default, not the built-in
    assert d.settings.dpu.clock_mhz == 150.0
    assert (d.part.lut, d.part.ff, d.part.dsp, d.part.bram36) == (53200, 106400, 220, 140)


def test_plls_are_derived_from_the_preset():
    # The vendors' own preset.xml, read with a regex (not hwgen's importer): PLL = crystal x FBDIV.
    store = Path(__file__).parent / "data" / "boardstore"
    for board, folder in (("pynq_z2", "TUL/pynq-z2/A.0"), ("zybo_z7_20", "Digilent/zybo-z7-20/A.0")):
        xml = (store / folder / "preset.xml").read_text()
        value = lambda n: re.search(rf'name="CONFIG\.{n}" value="([^"]+)"', xml).group(1)
        crystal = float(value("PCW_CRYSTAL_PERIPHERAL_FREQMHZ"))
        plls = dict(pll_values(load_family("zynq7"), load_design(board).board.ps))
        for got, pll in ((plls["ARM PLL"], "ARMPLL"), (plls["IO PLL"], "IOPLL"), (plls["DDR PLL"], "DDRPLL")):
            assert got == round(crystal * int(value(f"PCW_{pll}_CTRL_FBDIV")), 3), (board, pll)
    # in the family's preference order (families/zynq7.yaml): IO, DDR, ARM
    assert pll_values(load_family("zynq7"), load_design().board.ps) == (
        ("IO PLL", 50 * 20), ("DDR PLL", 50 * 21), ("ARM PLL", 50 * 26))


def test_layer_order_profile_then_board_then_set(tmp_path):
    text = (BOARDS / "pynq_z2.yaml").read_text().replace(
        "    profile: B512\n", "    profile: B512\n    ram_usage: high\n")
    board = tmp_path / "b.yaml"
    board.write_text(text)
    assert load_design().settings.dpu.ram_usage == "low"                     # profile option
    assert load_design(str(board)).settings.dpu.ram_usage == "high"          # board beats profile
    d = load_design(str(board), sets=["dpu.ram_usage=low"])
    assert d.settings.dpu.ram_usage == "low"                                 # --set beats both
    assert str(d.origin("dpu.ram_usage")) == "--set dpu.ram_usage=low"
    assert str(load_design(str(board)).origin("dpu.ram_usage")).startswith(f"{board}:")


def test_dpu_selection_precedence():
    assert load_design(sets=["dpu.profile=B1024"]).dpu.name == "B1024"
    assert load_design(dpu="B800", sets=["dpu.profile=B1024"]).dpu.name == "B800"
    assert load_design().dpu.name == "B512"
    assert load_design(dpu="b1152").dpu.name == "B1152"        # names are case-insensitive


def test_set_values_follow_yaml_scalar_rules():
    parsed = {p: v for p, v, _ in parse_sets(["dpu.clock_mhz=125", "build.post_route_phys_opt=false",
                                              "linux.cma=128M", "dpu.control_base=0x43C00000"])}
    assert parsed[("dpu", "clock_mhz")] == 125
    assert parsed[("build", "post_route_phys_opt")] is False
    assert parsed[("linux", "cma")] == "128M"
    assert parsed[("dpu", "control_base")] == 0x43C00000
    d = load_design(sets=["linux.cma=128MiB", "dpu.clock_mhz=125"])
    assert d.settings.linux.cma == 128 << 20 and d.settings.dpu.clock_mhz == 125.0


@pytest.mark.parametrize("text,expected", [("512M", 512 << 20), ("512MiB", 512 << 20),
                                           ("0x20000000", 0x20000000), ("1G", 1 << 30),
                                           ("4096", 4096), ("4k", 4096), ("12 MB", 12 << 20),
                                           ("twelve", None), ("-4M", None), ("1.5M", None)])
def test_parse_size(text, expected):
    assert parse_size(text) == expected


def test_format_size_is_exact():
    assert [format_size(n) for n in (256 << 20, 1 << 30, 3 << 10, 1000)] == ["256M", "1G", "3K", "1000"]


def test_every_problem_in_one_error():
    with pytest.raises(InputError) as e:
        load_design(sets=["dpu.clock_mhz=0", "linux.cma=1K"])
    assert len(e.value.problems) == 2


def test_part_lookup():
    assert part_for("xc7z020clg400-1").name == "xc7z020"
    assert part_for("xczu3eg-sbva484-1-e").name == "xczu3"
    assert part_for("xc7z007sclg225-1").name == "xc7z007s"
    assert part_for("xc7a35tcpg236-1") is None


@pytest.mark.parametrize("part,device", [("xc7z030sbg485-1", "xc7z030"),   # PicoZed 7030 (board store)
                                         ("xc7z030sbv485-2", "xc7z030"),
                                         ("xc7z014sclg484-1", "xc7z014s"),
                                         ("xc7z012sclg485-1", "xc7z012s")])
def test_part_lookup_tells_a_single_core_s_device_from_an_sbg_package(part, device):
    # the "s" of SBG485 is the package's, not a single-core 7Z0xxS device's
    assert part_for(part).name == device


def test_build_writes_manifest_without_absolute_paths(tmp_path):
    r = hwgen_main("build", "-o", tmp_path / "out", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "out" / "manifest.json").read_text()
    m = json.loads(text)
    assert m["design"] == "pynq_z2_dpu"
    assert [i["name"] for i in m["inputs"]] == ["boards/pynq_z2.yaml", "dpus/b512.yaml"]
    assert all(len(i["sha256"]) == 64 for i in m["inputs"])
    assert str(tmp_path) not in text and "/root" not in text


def test_build_default_output_folder(tmp_path):
    r = hwgen_main("build", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "build" / "pynq_z2" / "manifest.json").is_file()


def test_list_boards_dpus_parts():
    boards = hwgen_main("list", "boards").stdout.splitlines()
    assert any(l.split()[:2] == ["pynq_z2", "xc7z020clg400-1"] for l in boards)
    assert any(l.startswith("zybo_z7_20") and "1 GiB" in l for l in boards)
    assert any(l.split()[:2] == ["kv260", "xck26-sfvc784-2LV-c"] and "4 GiB" in l for l in boards)
    dpus = [l.split()[0] for l in hwgen_main("list", "dpus").stdout.splitlines()[1:]]
    assert dpus == ["B512", "B800", "B1024", "B1152", "B1600", "B2304", "B3136", "B4096"]
    parts = hwgen_main("list", "parts").stdout
    assert "xc7z020" in parts and "53,200" in parts and "xczu9" in parts


@pytest.mark.parametrize("command", ["build", "check", "list"])
def test_help_has_an_example(command):
    r = hwgen_main(command, "--help")
    assert r.returncode == 0 and "Example:" in r.stdout


def test_version():
    from hwgen import __version__
    r = hwgen_main("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"hwgen {__version__}"
