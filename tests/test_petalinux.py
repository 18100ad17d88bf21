"""PetaLinux fragments and memory checks, tested with the real dtc/fdtget.

Expected numbers are worked out here from the board files and documented rules, not
read back from hwgen:
- Pynq-Z2 DDR 0x0000_0000-0x1FFF_FFFF (512 MiB, pynq_z2.yaml ddr), default CMA 256 MiB;
  Zybo Z7-20 DDR 0x0000_0000-0x3FFF_FFFF (1 GiB), default CMA 512 MiB.
- CMA alignment 4 MiB (kernel minimum, LINUX-CMA); linux.min_free 128 MiB.
- DPU registers 0x4F00_0000, 16 MiB (VAI20 bd.tcl); IRQ_F2P[0] is GIC ID 61, SPI 61 - 32 = 29,
  level high = 4 (UG585 §7.2.3); IRQ_F2P[8] is GIC ID 84, SPI 52.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _dts import GENERATED_PL, compile_dtsi, fdtget, properties, subnodes
from conftest import ROOT, hwgen_main
from hwgen.folder.build import render_outputs
from hwgen.budget.estimate import estimate
from hwgen.model.design import load_design
from hwgen.errors import InputError
from hwgen.plan.memory import largest_cma, memory_checks, plan_memory, Region
from hwgen.emit.petalinux import dpu_interrupts, kernel_command_line, petalinux_outputs

MIB = 1 << 20
GOLDEN = ROOT / "tests" / "golden"
FILES = ("system-user.dtsi", "bootargs", "config.fragment")
BOARDS = {"pynq_z2": (0x0, 512 * MIB, 256 * MIB), "zybo_z7_20": (0x0, 1024 * MIB, 512 * MIB)}
DPU = "/amba_pl/dpuczdx8g@4f000000"


def outputs(board="pynq_z2", sets=()):
    return {Path(o.path).name: o.data.decode() for o in petalinux_outputs(load_design(board, sets=sets))}


def memparse(text: str) -> int:
    """The kernel's memparse(): a number (0x allowed) with an optional K/M/G suffix."""
    m = re.fullmatch(r"(0x[0-9a-fA-F]+|\d+)([KMG]?)", text)
    assert m, text
    return int(m.group(1), 0) << {"": 0, "K": 10, "M": 20, "G": 30}[m.group(2)]


def cma_of(cmdline: str) -> tuple[int, int | None]:
    words = [w for w in cmdline.split() if w.startswith("cma=")]
    assert len(words) == 1, cmdline
    size, _, base = words[0][4:].partition("@")
    return memparse(size), (memparse(base) if base else None)


def user_cmdline(fragment: str) -> str:
    lines = fragment.splitlines()
    assert "# CONFIG_SUBSYSTEM_BOOTARGS_AUTO is not set" in lines
    (value,) = [l for l in lines if l.startswith("CONFIG_SUBSYSTEM_USER_CMDLINE=")]
    m = re.fullmatch(r'CONFIG_SUBSYSTEM_USER_CMDLINE="([^"\\]*)"', value)
    assert m, value
    return m.group(1)


def failed(design) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in memory_checks(design):
        if not c.ok:
            out.setdefault(c.name, []).append(c.message)
    return out


# --------------------------------------------------------------------------- dtc + fdtget
@pytest.mark.parametrize("board", sorted(BOARDS))
def test_dtsi_compiles_and_reads_back(board, tmp_path):
    ddr_base, ddr_size, cma = BOARDS[board]
    files = outputs(board)
    body = files["system-user.dtsi"].split("*/\n", 1)[1]        # after the header comment
    assert body.startswith('/include/ "system-conf.dtsi"\n')   # PetaLinux's form (LINUX-ZYNQ-DTSI)
    dtb = compile_dtsi(files["system-user.dtsi"], tmp_path, ddr_base, ddr_size)

    rm = "/reserved-memory"
    assert fdtget(dtb, rm, "#address-cells") == [1] and fdtget(dtb, rm, "#size-cells") == [1]
    assert "ranges" in properties(dtb, rm)
    pool = f"{rm}/linux,cma"
    assert fdtget(dtb, pool, "compatible", "s") == "shared-dma-pool"
    assert {"reusable", "linux,cma-default"} <= set(properties(dtb, pool))
    assert "no-map" not in properties(dtb, pool)          # the kernel refuses CMA with no-map
    assert fdtget(dtb, pool, "size") == [cma]
    assert fdtget(dtb, pool, "alignment") == [4 * MIB]
    assert fdtget(dtb, pool, "alloc-ranges") == [ddr_base, ddr_size]
    assert fdtget(dtb, pool, "reg") is None

    assert fdtget(dtb, DPU, "compatible", "s") == "xlnx,dpuczdx8g-4.1"
    assert fdtget(dtb, DPU, "reg") == [0x4F00_0000, 16 * MIB]
    assert fdtget(dtb, DPU, "interrupts", "u") == [0, 29, 4]
    assert fdtget(dtb, DPU, "interrupt-names", "s") == "dpu0_interrupt"
    intc = fdtget(dtb, "/axi/interrupt-controller@f8f01000", "phandle")
    assert fdtget(dtb, DPU, "interrupt-parent") == intc

    bootargs = fdtget(dtb, "/chosen", "bootargs", "s")
    assert bootargs == f"console=ttyPS0,115200 earlycon root=/dev/mmcblk0p2 rw rootfstype=ext4 " \
                       f"rootwait cma={cma >> 20}M"
    assert fdtget(dtb, "/chosen", "stdout-path", "s") == "serial0:115200n8"   # system-conf's, kept


def test_dpu_node_merges_into_the_generated_one(tmp_path):
    """With PetaLinux's pl.dtsi present there is still one DPU node; hwgen's values win."""
    dtb = compile_dtsi(outputs()["system-user.dtsi"], tmp_path, 0, 512 * MIB, pl_dtsi=GENERATED_PL)
    assert [n for n in subnodes(dtb, "/amba_pl") if n.startswith("dpuczdx8g")] == ["dpuczdx8g@4f000000"]
    assert fdtget(dtb, DPU, "interrupts", "u") == [0, 29, 4]        # not the generated <0 35 1>
    assert fdtget(dtb, DPU, "clock-names", "s") == "s_axi_aclk dpu_2x_clk m_axi_dpu_aclk"   # kept
    assert fdtget(dtb, "/__symbols__", "dpu", "s") == DPU


def test_static_pool_reg_and_cmdline(tmp_path):
    files = outputs(sets=["linux.cma=128M", "linux.cma_base=0x18000000"])
    dtb = compile_dtsi(files["system-user.dtsi"], tmp_path, 0, 512 * MIB)
    pool = "/reserved-memory/linux,cma@18000000"
    assert fdtget(dtb, pool, "reg") == [0x1800_0000, 128 * MIB]
    assert fdtget(dtb, pool, "size") is None and fdtget(dtb, pool, "alloc-ranges") is None
    assert {"reusable", "linux,cma-default"} <= set(properties(dtb, pool))
    # cma=SIZE@BASE without -limit: the kernel's limit is base + size, i.e. a fixed area
    assert cma_of(fdtget(dtb, "/chosen", "bootargs", "s")) == (128 * MIB, 0x1800_0000)


def test_two_cores_take_consecutive_lines(tmp_path):
    design = load_design(sets=["dpu.cores=2", "dpu.irq=7"])
    irqs = dpu_interrupts(design)
    # IRQ_F2P[7] = GIC 68 = SPI 36; IRQ_F2P[8] = GIC 84 = SPI 52 (the second bank)
    assert [(i.name, i.irq_f2p, i.spi) for i in irqs] == [("dpu0_interrupt", 7, 36),
                                                         ("dpu1_interrupt", 8, 52)]
    dtsi = outputs(sets=["dpu.cores=2", "dpu.irq=7"])["system-user.dtsi"]
    dtb = compile_dtsi(dtsi, tmp_path, 0, 512 * MIB)
    assert fdtget(dtb, DPU, "interrupts", "u") == [0, 36, 4, 0, 52, 4]
    assert fdtget(dtb, DPU, "interrupt-names", "s") == "dpu0_interrupt dpu1_interrupt"
    with pytest.raises(InputError, match="dpu.irq"):
        dpu_interrupts(load_design(sets=["dpu.cores=2", "dpu.irq=15"]))


# --------------------------------------------------------------------------- one command line
@pytest.mark.parametrize("board,sets", [
    ("pynq_z2", []), ("zybo_z7_20", []), ("pynq_z2", ["linux.cma=384M"]),
    ("zybo_z7_20", ["linux.cma=1G", "linux.min_free=0"]),
    ("pynq_z2", ["linux.cma=64M", "linux.cma_base=0x1C000000"]),
])
def test_three_files_agree(board, sets, tmp_path):
    files = outputs(board, sets)
    dtb = compile_dtsi(files["system-user.dtsi"], tmp_path, 0, BOARDS[board][1])
    from_dt = fdtget(dtb, "/chosen", "bootargs", "s")
    assert files["bootargs"] == from_dt + "\n"
    assert user_cmdline(files["config.fragment"]) == from_dt
    size, base = cma_of(from_dt)
    if base is None:
        assert fdtget(dtb, "/reserved-memory/linux,cma", "size") == [size]
    else:
        assert fdtget(dtb, f"/reserved-memory/linux,cma@{base:x}", "reg") == [base, size]
    assert size == load_design(board, sets=sets).settings.linux.cma


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 96))
def test_cma_argument_reads_back_as_the_pool_size(n):
    size = n * 4 * MIB                      # every 4 MiB multiple that fits the Pynq-Z2 (<= 384 MiB)
    design = load_design(sets=[f"linux.cma={size}"])
    assert cma_of(kernel_command_line(design)) == (size, None)
    assert plan_memory(design).cma.size == size


# --------------------------------------------------------------------------- memory checks
def test_largest_cma_arithmetic():
    ddr = Region("DDR", 0, 512 * MIB)
    kernel = (Region("kernel", 0, 16 * MIB),)
    assert largest_cma(ddr, kernel, 128 * MIB, 4 * MIB) == 384 * MIB          # 512 - 128
    assert largest_cma(ddr, kernel, 0, 4 * MIB) == 496 * MIB                  # 512 - 16
    assert largest_cma(ddr, kernel, 128 * MIB, 4 * MIB, base=0x1E00_0000) == 32 * MIB  # 0x2000_0000 - base
    assert largest_cma(ddr, kernel, 128 * MIB, 4 * MIB, base=0x0080_0000) == 0  # inside the kernel
    assert largest_cma(ddr, kernel, 128 * MIB, 4 * MIB, base=0x1020_0000) == 0  # misaligned
    assert largest_cma(ddr, kernel, 128 * MIB, 4 * MIB, base=0x4000_0000) == 0  # outside DDR
    assert largest_cma(Region("DDR", 0, 1 << 30), kernel, 128 * MIB, 4 * MIB) == 896 * MIB


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_defaults_pass_every_check(board):
    design = load_design(board)
    checks = memory_checks(design)
    assert {c.name for c in checks} == {"memory.cma_inside_ddr", "memory.no_overlap",
                                        "memory.cma_aligned", "memory.min_free"}
    assert all(c.ok for c in checks), [c.message for c in checks if not c.ok]
    assert all(c.ok for c in estimate(design).memory)


def test_pynq_512m_rejected_with_the_numbers():
    bad = failed(load_design(sets=["linux.cma=512M"]))
    assert set(bad) == {"memory.cma_inside_ddr", "memory.min_free"}
    for message in bad["memory.min_free"] + bad["memory.cma_inside_ddr"]:
        assert message.startswith("--set linux.cma=512M: linux.cma: 512 MiB of CMA")
        assert "DDR 0x00000000-0x1FFFFFFF (512 MiB)" in message
        assert "the largest CMA that fits is 384 MiB (linux.cma=384M)" in message   # 512 - 128
    assert "leaves Linux 0 MiB" in bad["memory.min_free"][0]


def test_the_articles_request_512m_at_0x1e000000():
    bad = failed(load_design(sets=["linux.cma=512M", "linux.cma_base=0x1E000000"]))
    (inside,) = bad["memory.cma_inside_ddr"]
    assert "0x1E000000-0x3DFFFFFF" in inside and "past the end of DDR 0x00000000-0x1FFFFFFF" in inside
    assert "--set linux.cma_base=0x1E000000" in inside
    assert "the largest CMA that fits at 0x1E000000 is 32 MiB" in inside          # 0x20000000 - 0x1E000000


def test_cli_exits_1_and_writes_nothing(tmp_path):
    r = hwgen_main("build", "--set", "linux.cma=512M", "-o", tmp_path / "out")
    assert r.returncode == 1, r.stderr
    assert "DDR 0x00000000-0x1FFFFFFF" in r.stderr and "512 MiB" in r.stderr
    assert "largest CMA that fits is 384 MiB" in r.stderr
    assert "Traceback" not in r.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()
                  if p.name != ".hwgen.lock") == ["budget.json"]


@pytest.mark.parametrize("sets,check,words", [
    (["linux.cma_base=0x40000000"], "memory.cma_inside_ddr",
     ["--set linux.cma_base=0x40000000: linux.cma_base", "0x40000000-0x4FFFFFFF", "outside DDR",
      "without linux.cma_base the largest that fits is 384 MiB"]),
    (["linux.cma=128M", "linux.cma_base=0x00800000"], "memory.no_overlap",
     ["CMA region 0x00800000-0x087FFFFF", "overlaps the kernel region 0x00000000-0x00FFFFFF"]),
    (["linux.cma_base=0x10200000", "linux.cma=64M"], "memory.cma_aligned",
     ["0x10200000 is not aligned to 4 MiB", "use 0x10000000 or 0x10400000"]),
    (["linux.cma=130M"], "memory.cma_aligned", ["130 MiB is not a multiple of the 4 MiB", "use 128M or 132M"]),
    (["linux.cma_alignment=12M"], "memory.cma_aligned", ["linux.cma_alignment", "power of two"]),
    (["linux.cma=448M"], "memory.min_free",
     ["leaves Linux 64 MiB", "less than linux.min_free 128 MiB", "largest CMA that fits is 384 MiB"]),
    (["linux.cma=256M", "linux.min_free=300M"], "memory.min_free",
     ["less than linux.min_free 300 MiB (--set linux.min_free=300M)",
      "largest CMA that fits is 212 MiB"]),                                          # 512 - 300 = 212
])
def test_rejections(sets, check, words):
    design = load_design(sets=sets)
    bad = failed(design)
    assert check in bad, bad
    text = "\n".join(bad[check])
    for w in words:
        assert w in text, text
    verdict = estimate(design)
    assert not verdict.ok and check in {c.name for c in verdict.memory if not c.ok}


def test_alignment_above_the_kernel_minimum_is_kept(tmp_path):
    dtsi = outputs(sets=["linux.cma_alignment=16M"])["system-user.dtsi"]
    dtb = compile_dtsi(dtsi, tmp_path, 0, 512 * MIB)
    assert fdtget(dtb, "/reserved-memory/linux,cma", "alignment") == [16 * MIB]
    assert not failed(load_design(sets=["linux.cma_alignment=1M"]))    # raised to 4 MiB, works
    assert plan_memory(load_design(sets=["linux.cma_alignment=1M"])).cma.alignment == 4 * MIB


# --------------------------------------------------------------------------- command line rules
def test_extra_bootargs_cannot_override_the_cma_size():
    for word in ("cma=128M", "root=/dev/sda1", "mem=256M"):
        with pytest.raises(InputError) as e:
            kernel_command_line(load_design(sets=[f"linux.extra_bootargs=quiet {word}"]))
        assert f"--set linux.extra_bootargs=quiet {word}: linux.extra_bootargs" in str(e.value)
    line = kernel_command_line(load_design(sets=["linux.extra_bootargs=clk_ignore_unused quiet"]))
    assert line.endswith("cma=256M clk_ignore_unused quiet")


def test_extra_bootargs_override_exits_2(tmp_path):
    r = hwgen_main("build", "--set", "linux.extra_bootargs=cma=64M", "-o", tmp_path / "o")
    assert r.returncode == 2 and "linux.cma" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("sets,expected", [
    (["linux.rootfstype=squashfs"], "console=ttyPS0,115200 earlycon root=/dev/mmcblk0p2 ro "
                                    "rootfstype=squashfs rootwait cma=256M"),
    (["linux.rootfstype=ramfs", "linux.earlycon=false"], "console=ttyPS0,115200 cma=256M"),
    (["linux.rootfstype=nfs", "linux.root=/dev/nfs"], "console=ttyPS0,115200 earlycon root=/dev/nfs rw "
                                                      "rootfstype=nfs cma=256M"),
])
def test_root_words(sets, expected):
    assert kernel_command_line(load_design(sets=sets)) == expected


# --------------------------------------------------------------------------- Zybo end to end
def test_zybo_default_builds_with_512m(tmp_path):
    r = hwgen_main("build", "--board", "zybo_z7_20", "-o", tmp_path / "zybo")
    assert r.returncode == 0, r.stderr
    folder = tmp_path / "zybo" / "petalinux"
    assert cma_of((folder / "bootargs").read_text()) == (512 * MIB, None)
    dtb = compile_dtsi((folder / "system-user.dtsi").read_text(), tmp_path / "dt", 0, 1 << 30)
    assert fdtget(dtb, "/reserved-memory/linux,cma", "size") == [512 * MIB]
    assert fdtget(dtb, "/reserved-memory/linux,cma", "alloc-ranges") == [0, 1 << 30]
    assert fdtget(dtb, "/chosen", "bootargs", "s").startswith("console=ttyPS0,115200 ")  # UART1 = serial0


def test_outputs_are_listed_in_the_manifest():
    roles = {o.path: o.role for o in render_outputs(load_design())}
    assert roles["petalinux/system-user.dtsi"] == "petalinux.dtsi"
    assert roles["petalinux/bootargs"] == "petalinux.bootargs"
    assert roles["petalinux/config.fragment"] == "petalinux.config"


# --------------------------------------------------------------------------- golden files
@pytest.mark.parametrize("board", sorted(BOARDS))
def test_golden(board):
    files = outputs(board)
    folder = GOLDEN / board / "petalinux"
    if os.environ.get("HWGEN_REGEN_GOLDEN") == "1":
        folder.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            (folder / name).write_text(files[name])
    for name in FILES:
        assert (folder / name).read_text() == files[name], f"{board}/{name} differs from the golden file"
    assert files == outputs(board)      # deterministic
