"""build.toolchain: the Vivado/PetaLinux release named in the outputs and checked by the Tcl."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from _vivado import write_build
from hwgen.cli import main
from hwgen.model.design import load_design
from hwgen.model.toolchain import default_release, toolchains
from tclrec import DEFAULT_CATALOG, run_tcl

# Every generated file whose header or text names a tool release.
NAMED = {"vivado/block_design.tcl": "Written for Vivado {v} and PetaLinux {v} (build.toolchain)",
         "vivado/build.tcl": "Written for Vivado {v} and PetaLinux {v} (build.toolchain)",
         "vivado/strategies.tcl": "Written for Vivado {v} and PetaLinux {v} (build.toolchain)",
         "petalinux/system-user.dtsi": "system-user.dtsi for PetaLinux {v},",
         "petalinux/config.fragment": "# PetaLinux {v} project configuration fragment",
         "pynq_z2_dpu.core": "# Written for Vivado {v} (build.toolchain)"}


def build(tmp_path, *sets):
    args = ["build", "-o", str(tmp_path / "out")]
    for s in sets:
        args += ["--set", s]
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return tmp_path / "out"


def test_default_is_2023_2_and_2022_2_is_the_ip_packages_release():
    assert default_release() == "2023.2" == load_design().settings.build.toolchain
    t = toolchains()
    assert "published for" in t["2022.2"].note and "DPU41-PKG" in t["2022.2"].seen
    assert all(x.vivado == x.petalinux == x.release for x in t.values())


@pytest.mark.parametrize("release", ["2023.2", "2022.2", "2024.2"])
def test_every_output_names_the_chosen_release(tmp_path, release):
    out = build(tmp_path, f"build.toolchain={release}")
    for path, line in NAMED.items():
        text = (out / path).read_text()
        assert line.format(v=release) in text, path
        head = text.split("\n\n", 1)[0]          # the header block names no other release
        others = [r for r in toolchains() if r != release]
        assert not any(f"Vivado {r}" in head or f"PetaLinux {r}" in head for r in others), path
    assert f"hwgen wrote this for Vivado {release}, build.toolchain" in (out / "vivado" / "build.tcl").read_text()


def test_an_unknown_release_is_one_line_exit_2():
    r = CliRunner().invoke(main, ["check", "--set", "build.toolchain=2021.1"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    lines = [l for l in r.output.splitlines() if l.strip()]
    assert len(lines) == 1 and "build.toolchain" in lines[0] and "2022.2, 2023.1, 2023.2" in lines[0]


@pytest.mark.parametrize("release, played, warned", [
    ("2023.2", "2023.2", False), ("2022.2", "2023.2", True), ("2022.2", "2022.2.2", False)])
def test_block_design_notes_another_vivado_release(tmp_path, release, played, warned):
    design = load_design("pynq_z2", sets=(f"build.toolchain={release}",))
    out = tmp_path / "out"
    write_build(out, "pynq_z2", None, (f"build.toolchain={release}",))
    driver = tmp_path / "driver.tcl"
    driver.write_text(f"set ::rec::vivado_version {played}\n"
                      f"create_project -force p {{{tmp_path / 'p'}}}\n"
                      f"set_property part {{{design.board.part}}} [current_project]\n"
                      f"source {{{out / 'vivado' / 'block_design.tcl'}}}\n")
    rec = run_tcl(driver, allowed_dirs=[tmp_path], catalog=[*DEFAULT_CATALOG, design.dpu.vlnv], cwd=tmp_path)
    assert rec.error is None, rec.error
    note = [l for l in rec.stdout.splitlines() if "was written for Vivado" in l]
    assert bool(note) == warned
    if warned:
        assert note[0].startswith("WARNING: hwgen: ") and f"Vivado {played}" in note[0]
