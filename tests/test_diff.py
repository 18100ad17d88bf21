"""hwgen diff: two designs (or builds) that differ in one setting name exactly that setting
and its consequences, with the consequences' numbers taken from the plans and the verdict.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import hwgen_main
from hwgen.budget.estimate import estimate, fmt_amount, fmt_percent
from hwgen.plan.clockflow import design_clocks
from hwgen.model.design import load_design
from hwgen.folder.diff import compare, load_design_side, render_diff


def _diff(old_sets, new_sets, board=None, dpu=None):
    return compare(load_design_side(board, dpu, tuple(old_sets)),
                   load_design_side(board, dpu, tuple(new_sets)))


def _section(d, name):
    return [c for c in d.changes if c.section == name]


def _texts(d, name):
    return [c.text for c in _section(d, name)]


def _line(design, name):
    return next(l for l in estimate(design).resources if l.name == name)


# (setting, old, new, sections that must change, sections that must not)
ONE_SETTING = [
    ("dpu.clock_mhz", "150", "125", {"Clocks", "PS ports"}, {"Budget", "DPU", "Memory", "Interrupts"}),
    ("linux.cma", "256M", "128M", {"Memory"}, {"Clocks", "DPU", "Budget", "Block design"}),
    ("dpu.ram_usage", "low", "high", {"DPU", "Budget"}, {"Clocks", "Memory"}),
    ("dpu.dsp_usage", "high", "low", {"DPU", "Budget"}, {"Clocks", "Memory"}),
    ("dpu.irq", "0", "3", {"Interrupts", "Block design"}, {"Clocks", "Budget", "Memory"}),
    ("build.impl_strategy", "Performance_Explore", "Flow_RunPhysOpt", {"Vivado runs"},
     {"Clocks", "Budget", "DPU"}),
    ("build.interconnect", "axi_interconnect", "smartconnect", {"Block design", "Vivado runs", "Budget"},
     {"Clocks", "DPU"}),
    ("dpu.control_base", "0x4F000000", "0x43000000", {"Address map"}, {"Clocks", "Budget", "DPU"}),
    ("budget.dsp", "90", "40", {"Budget"}, {"Clocks", "DPU", "Block design"}),
]


@pytest.mark.parametrize("key,old,new,changed,unchanged", ONE_SETTING, ids=[s[0] for s in ONE_SETTING])
def test_one_setting_names_exactly_that_setting(key, old, new, changed, unchanged):
    d = _diff([f"{key}={old}"], [f"{key}={new}"])
    settings = _section(d, "Settings")
    assert [c.item for c in settings] == [key]
    assert settings[0].text == f"{key}: {old if key != 'dpu.control_base' else '0x4F000000'} \u2192 {new}"
    sections = {c.section for c in d.changes}
    assert changed <= sections, sections
    assert not (unchanged & sections), sections & unchanged
    assert d.changed


def test_clock_change_names_requested_and_achieved_from_the_clock_plan():
    d = _diff(["dpu.clock_mhz=150"], ["dpu.clock_mhz=125"])
    a = design_clocks(load_design(sets=["dpu.clock_mhz=150"]))
    b = design_clocks(load_design(sets=["dpu.clock_mhz=125"]))
    texts = _texts(d, "Clocks")
    assert (f"m_axi_dpu_aclk (clk_dpu): requested 150 MHz \u2192 125 MHz; achieved "
            f"{a.dpu_mhz:.3f} MHz \u2192 {b.dpu_mhz:.3f} MHz") in texts
    # dpu_2x_clk follows at twice the DPU clock (PG338 port table; TRD20)
    assert any(t.startswith("dpu_2x_clk (clk_dsp): requested 300 MHz \u2192 250 MHz") for t in texts)
    fclk = next(t for t in texts if t.startswith("FCLK_CLK0"))
    assert f"{a.fclk0.source} {a.fclk0.pll_mhz:g} MHz" in fclk and f"{b.fclk0.source} {b.fclk0.pll_mhz:g} MHz" in fclk
    assert any(t.startswith("clocking wizard:") for t in texts)


def test_cma_change_names_the_memory_consequences():
    d = _diff(["linux.cma=256M"], ["linux.cma=128M"])
    texts = _texts(d, "Memory")
    # Pynq-Z2 has 512 MiB of DDR: Linux keeps 512 - 256 = 256 MiB, then 512 - 128 = 384 MiB
    assert "CMA: 256 MiB \u2192 128 MiB" in texts
    assert "left to Linux: 256 MiB \u2192 384 MiB" in texts
    assert "kernel command line: cma=256M \u2192 cma=128M" in texts
    files = {c.item for c in _section(d, "Files")}
    assert {"petalinux/bootargs", "petalinux/system-user.dtsi", "petalinux/config.fragment"} <= files


def test_irq_change_names_the_gic_line():
    d = _diff(["dpu.irq=0"], ["dpu.irq=3"])
    # IRQ_F2P[n] is GIC ID 61 + n for n < 8; the device tree's SPI is the GIC ID - 32 (UG585 §7.2.3)
    assert _texts(d, "Interrupts") == [
        "dpu0_interrupt: IRQ_F2P[0], GIC SPI 29 \u2192 IRQ_F2P[3], GIC SPI 32; the device tree's "
        "interrupts property follows"]
    assert any("cell irq_tieoff added" in t for t in _texts(d, "Block design"))


def test_irq_change_on_zynqmp_names_pl_ps_irq0():
    # ZynqMP: the fabric interrupts are pl_ps_irq0[7:0], GIC IDs 121..128, so SPI 89 + n
    # (UG1085 GIC table); no IRQ_F2P pin exists on zynq_ultra_ps_e
    d = _diff(["dpu.irq=0"], ["dpu.irq=3"], board="kv260")
    assert _texts(d, "Interrupts") == [
        "dpu0_interrupt: pl_ps_irq0[0], GIC SPI 89 \u2192 pl_ps_irq0[3], GIC SPI 92; the device "
        "tree's interrupts property follows"]


def test_a_design_json_without_ps_pin_reads_as_zynq7000():
    # design.json written before the PS pin was recorded: strict otherwise, the pin defaults
    from hwgen.review import summary as summary_mod

    s = summary_mod.design_summary(load_design("pynq_z2"))
    data = json.loads(summary_mod.to_json(s))
    for i in data["interrupts"]:
        del i["ps_pin"]
    assert summary_mod.from_dict(data) == s
    del data["interrupts"][0]["gic_spi"]
    with pytest.raises(ValueError, match="gic_spi: missing"):
        summary_mod.from_dict(data)


def test_budget_lines_carry_delta_percent_and_standing():
    # B1024 DSP low: RAM high takes BRAM from (2*8 + 9 + 1) x 8 / 2 = 104 to (3*8 + 9 + 1) x 8 / 2
    # = 136 of 140 (DPU41-GTCL): over the 90 % limit yet within the part
    low = "dpu.dsp_usage=low"
    old = load_design(dpu="B1024", sets=[low])
    new = load_design(dpu="B1024", sets=[low, "dpu.ram_usage=high"])
    d = _diff([low], [low, "dpu.ram_usage=high"], dpu="B1024")
    a, b = _line(old, "BRAM"), _line(new, "BRAM")
    assert (a.used, b.used) == (104, 136) and not b.ok and a.ok
    delta = b.used - a.used
    text = next(c.text for c in _section(d, "Budget") if c.item == "BRAM")
    assert text == (f"BRAM {fmt_amount(a.used)} \u2192 {fmt_amount(b.used)} (+{fmt_amount(delta)}), "
                    f"{fmt_percent(b.percent)} of {fmt_amount(b.available)}: over the "
                    f"{b.limit_percent:g}% limit (was within the {a.limit_percent:g}% limit)")
    assert "verdict: pass \u2192 fail" in _texts(d, "Budget")
    assert any(c.item == "fingerprint" and "recompile" in c.text for c in _section(d, "DPU"))
    assert any(c.item == "CONFIG.ARCH_IMG_BKGRP" and c.text.endswith("2 \u2192 3") for c in _section(d, "DPU"))


def test_budget_limit_change_reads_like_the_issue():
    d = _diff(["budget.dsp=90"], ["budget.dsp=40"])
    design = load_design()
    dsp = _line(design, "DSP")
    text = _texts(d, "Budget")[0]
    assert re.fullmatch(r"DSP [\d,.]+ \u2192 [\d,.]+ \(\u00b10\), [\d.]+% of [\d,]+: over the 40% limit "
                        r"\(was [\d.]+%, within the 90% limit\); limit 90% \u2192 40%", text), text
    assert f"{fmt_percent(dsp.percent)} of {fmt_amount(dsp.available)}" in text


def test_nothing_changed_is_exit_0_and_says_so(cli):
    code, out, _ = cli("diff", "--old-set", "dpu.clock_mhz=150", "--new-set", "dpu.clock_mhz=150")
    assert code == 0, out
    assert "No changes" in out
    # the same facts but another override as typed: only the files' headers differ, and say so
    code, out, _ = cli("diff", "--old-set", "dpu.clock_mhz=150", "--new-set", "dpu.clock_mhz=150.0")
    assert code == 1
    assert "Settings" not in out and "Clocks" not in out and "vivado/block_design.tcl: changed" not in out
    assert "only their header comment (the inputs and --set they record): " in out
    assert "Bitstream inputs unchanged" in out


def test_exit_1_and_formats(cli):
    code, text, _ = cli("diff", "--old-set", "linux.cma=256M", "--new-set", "linux.cma=192M")
    assert code == 1 and "linux.cma: 256M \u2192 192M" in text
    code, md, _ = cli("diff", "--old-set", "linux.cma=256M", "--new-set", "linux.cma=192M",
                      "--format", "markdown")
    assert code == 1 and md.startswith("### hwgen diff:") and "**Settings**" in md
    code, js, _ = cli("diff", "--old-set", "linux.cma=256M", "--new-set", "linux.cma=192M",
                      "--format", "json")
    data = json.loads(js)
    assert data["changed"] is True
    setting = [c for c in data["changes"] if c["section"] == "Settings"]
    assert setting == [{"section": "Settings", "item": "linux.cma", "text": "linux.cma: 256M \u2192 192M",
                        "old": 256 << 20, "new": 192 << 20}]


@pytest.mark.parametrize("args,words", [
    (["--old-set", "dpu.clok_mhz=1", "--new-set", "dpu.clock_mhz=125"], ["dpu.clok_mhz", "unknown setting"]),
    ([], ["give two build folders"]),
    (["a", "b", "c"], ["at most two"]),
    (["x", "y", "--set", "linux.cma=128M"], ["apply to designs only"]),
    (["x", "--old-set", "linux.cma=128M"], ["--old-* options"]),
    (["/nonexistent/build"], ["no such folder"]),
])
def test_bad_input_is_exit_2_with_one_line(args, words):
    r = hwgen_main("diff", *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    for w in words:
        assert w in r.stderr


def test_build_folders_diff_the_same_as_designs(tmp_path):
    for name, sets in (("a", ["dpu.clock_mhz=150"]), ("b", ["dpu.clock_mhz=100", "linux.cma=128M"])):
        args = [a for s in sets for a in ("--set", s)]
        r = hwgen_main("build", *args, "-o", tmp_path / name)
        assert r.returncode == 0, r.stderr
    r = hwgen_main("diff", tmp_path / "a", tmp_path / "b", "--format", "json")
    assert r.returncode == 1, r.stderr
    folders = json.loads(r.stdout)
    designs = json.loads(render_diff(_diff(["dpu.clock_mhz=150"], ["dpu.clock_mhz=100", "linux.cma=128M"]),
                                     "json"))
    assert folders["changes"] == designs["changes"]
    assert [c["item"] for c in folders["changes"] if c["section"] == "Settings"] == ["dpu.clock_mhz", "linux.cma"]
    same = hwgen_main("diff", tmp_path / "a", tmp_path / "a")
    assert same.returncode == 0 and "No changes" in same.stdout


def test_one_folder_against_the_design_the_options_select(tmp_path):
    assert hwgen_main("build", "-o", tmp_path / "a").returncode == 0
    r = hwgen_main("diff", tmp_path / "a", "--set", "build.jobs=8")
    assert r.returncode == 1, r.stderr
    assert "build.jobs: 4 \u2192 8" in r.stdout and "jobs: 4 \u2192 8" in r.stdout


def test_over_budget_folder_compares_the_budget_only(tmp_path):
    assert hwgen_main("build", "-o", tmp_path / "ok").returncode == 0
    r = hwgen_main("build", "--dpu", "B4096", "-o", tmp_path / "over")
    assert r.returncode == 1 and [p.name for p in (tmp_path / "over").iterdir()
                                  if p.name != ".hwgen.lock"] == ["budget.json"]
    d = hwgen_main("diff", tmp_path / "ok", tmp_path / "over")
    assert d.returncode == 1, d.stderr
    assert "holds only budget.json" in d.stdout
    big = estimate(load_design(dpu="B4096"))
    dsp = next(l for l in big.resources if l.name == "DSP")
    assert f"\u2192 {fmt_amount(dsp.used)} (+" in d.stdout and "does not fit the part" in d.stdout


def test_a_damaged_build_folder_is_exit_2(tmp_path):
    assert hwgen_main("build", "-o", tmp_path / "a").returncode == 0
    design_json = tmp_path / "a" / "report" / "design.json"
    design_json.write_text(design_json.read_text().replace('"clocks"', '"klocks"'))
    r = hwgen_main("diff", tmp_path / "a", tmp_path / "a")
    assert r.returncode == 2 and "design.json" in r.stderr and "clocks: missing" in r.stderr
    (tmp_path / "a" / "budget.json").write_text("{not json")
    r = hwgen_main("diff", tmp_path / "a", tmp_path / "a")
    assert r.returncode == 2 and "budget.json" in r.stderr and "Traceback" not in r.stderr


# --------------------------------------------------------------------------- header-only files
def test_a_device_tree_only_change_leaves_the_bitstream_inputs_unchanged(tmp_path):
    """linux.cma reaches the device tree and bootargs; the Vivado Tcl and the .core differ only
    in the header comment that records --set, and the diff says so and that no new run is due."""
    from hwgen.folder.build import build
    from hwgen.folder.diff import load_folder

    build(load_design(), tmp_path / "old")
    d = compare(load_folder(tmp_path / "old"), load_design_side(None, None, ("linux.cma=384M",)))
    assert d.bitstream is not None and d.bitstream[0] is False
    assert d.bitstream[1].startswith("Bitstream inputs unchanged")
    files = {c.item: c for c in _section(d, "Files")}
    header = files["header comment only"].new
    assert {"vivado/block_design.tcl", "vivado/build.tcl", "vivado/strategies.tcl",
            "pynq_z2_dpu.core"} <= set(header)
    assert not any(p.startswith("vivado/") or p.endswith(".core") for p in files if p != "header comment only")
    assert {"petalinux/bootargs", "petalinux/system-user.dtsi"} <= set(files)
    # The files really differ, and only in their opening comment block.
    old = (tmp_path / "old" / "vivado" / "block_design.tcl").read_text()
    build(load_design(sets=["linux.cma=384M"]), tmp_path / "new")
    new = (tmp_path / "new" / "vivado" / "block_design.tcl").read_text()
    assert old != new and "--set linux.cma=384M" in new
    body = lambda t: [l for l in t.splitlines() if not l.startswith("#")]  # noqa: E731
    assert body(old) == body(new)
    # Said plainly, before the sections, in text and Markdown; a bool for tools.
    text = render_diff(d, "text")
    assert text.index("Bitstream inputs unchanged") < text.index("Settings")
    assert "Bitstream inputs unchanged" in render_diff(d, "markdown")
    doc = json.loads(render_diff(d, "json"))
    assert doc["bitstream_inputs_changed"] is False


def test_a_clock_change_changes_the_bitstream_inputs():
    d = _diff(["dpu.clock_mhz=150"], ["dpu.clock_mhz=125"])
    assert d.bitstream[0] is True and "vivado/block_design.tcl" in d.bitstream[1]
    assert "vivado/block_design.tcl: changed" in _texts(d, "Files")
    assert json.loads(render_diff(d, "json"))["bitstream_inputs_changed"] is True


def test_header_only_needs_the_body_to_be_identical():
    from hwgen.folder.diff import header_only

    tcl = b"# generated\n# --set a=1\nset x 1\n# a comment in the body\nset y 2\n"
    assert header_only("vivado/x.tcl", tcl, tcl.replace(b"a=1", b"a=2"))
    assert not header_only("vivado/x.tcl", tcl, tcl.replace(b"set y 2", b"set y 3"))
    assert not header_only("vivado/x.tcl", tcl, tcl.replace(b"in the body", b"in the BODY"))
    assert not header_only("vivado/x.tcl", tcl, tcl)                       # nothing differs
    assert not header_only("budget.json", b"{}", b"{ }")                  # no comment syntax
    core = b"CAPI=2:\n# by hwgen\nname: a\n"
    assert header_only("d.core", core, core.replace(b"by hwgen", b"by hwgen, --set x=1"))


def test_a_manifest_path_outside_the_folder_is_never_read(tmp_path):
    from hwgen.folder.diff import folder_reader

    (tmp_path / "b").mkdir()
    (tmp_path / "secret.tcl").write_text("# x\n")
    (tmp_path / "b" / "in.tcl").write_text("# y\n")
    read = folder_reader(tmp_path / "b")
    assert read("in.tcl") == b"# y\n"
    for path in ("../secret.tcl", str(tmp_path / "secret.tcl"), "missing.tcl"):
        assert read(path) is None
