"""PetaLinux 2023.2 fragments: system-user.dtsi, the kernel command line, a config fragment.

The command line is built once here and written in three places (the dtsi's
/chosen/bootargs, ``petalinux/bootargs`` and CONFIG_SUBSYSTEM_USER_CMDLINE), so the CMA
size can never disagree between files. The CMA scheme, explained again in the dtsi:
``cma=`` on the command line is what the kernel uses (``rmem_cma_setup`` bypasses a
``linux,cma-default`` pool when ``cma=`` is given; LINUX-CMA), and the
/reserved-memory pool repeats the same size and placement so that a boot whose command
line comes from somewhere else (a U-Boot ``bootargs`` without ``cma=``) gets the same
area from the device tree.
"""

from __future__ import annotations

import re
from functools import lru_cache
from hwgen.frozen import dataclass

from hwgen.plan import addressmap
from hwgen.plan.blockdesign import dpu_cores, unplanned_blank
from hwgen.errors import InputError, Problem
from hwgen.plan.memory import CmaPool, MemoryPlan, plan_memory
from hwgen.emit.output import Output, text_output
from hwgen.emit.render import render
from hwgen.model.family import load_family
from hwgen.model.schema import format_mib, format_size

OUT_DIR = "petalinux"

# PetaLinux's device-tree generator puts PL IP under ``amba_pl: amba_pl`` (a simple-bus
# with the root's cells) in pl.dtsi, names a DPUCZDX8G node ``dpuczdx8g@<base>`` and labels
# it with the block-design cell name (Xilinx/Vitis-AI issues #1220 "xlnx-dpu
# 80000000.dpuczdx8g", #1424; PetaLinux Zynq-7000 pl.dtsi examples with amba_pl). Writing
# the node at the same path merges ours into the generated one instead of adding a second
# device at the same address; without pl.dtsi ours stands alone.
PL_BUS = "amba_pl"
GIC_SPI = 0          # first cell of a GIC interrupt specifier (ARM GIC binding; UG585 §7.2.3)

# Words of linux.extra_bootargs that would silently override what hwgen derives from a
# setting, so the three files and the memory checks could no longer be trusted.
_OWNED_WORDS = {
    "cma": "linux.cma (and linux.cma_base)",
    "root": "linux.root",
    "rootfstype": "linux.rootfstype",
    "mem": "the board's ddr.size (hwgen's memory checks assume Linux sees all of DDR)",
}
_SAFE_CMDLINE = re.compile(r"[A-Za-z0-9_.,:=/@+\- ]+")
_INITRAMFS = ("ramfs", "cpio")   # the kernel never mounts root= for these


@dataclass(frozen=True)
class DpuInterrupt:
    name: str        # interrupt-names entry: the IP's pin, dpuN_interrupt
    irq_f2p: int     # the fabric interrupt line in the block design (IRQ_F2P[n], pl_ps_irq0[n])
    spi: int         # GIC SPI number written in the device tree
    flags: int       # 4 = level high, 1 = rising edge


@dataclass(frozen=True)
class DpuNode:
    bus: str
    label: str
    name: str
    base: int
    size: int
    compatible: tuple[str, ...]
    interrupt_parent: str
    interrupts: tuple[DpuInterrupt, ...]
    irq_pin: str     # the PS pin the interrupts arrive on (IRQ_F2P, pl_ps_irq0)
    control_intf: str   # the PS master the registers sit behind (M_AXI_GP0, M_AXI_HPM0_LPD)

    @property
    def unit_address(self) -> str:
        return f"{self.base:x}"


# --------------------------------------------------------------------------- decisions
def dpu_interrupts(design) -> tuple[DpuInterrupt, ...]:
    """One interrupt per DPU core: dpuN_interrupt on the PS's fabric interrupt line dpu.irq + N.

    The pin names are the block design's (``blockdesign.dpu_cores``: dpu0_interrupt ...
    dpu3_interrupt, VAI20 component.xml); the binding wants them in interrupt-names (linux-xlnx
    xlnx,dpu.yaml). Core N's line is the next one after core N-1's, as the block design
    wires it.
    """
    irq = design.settings.dpu.irq
    cores = dpu_cores(design)
    pin = load_family(design.board.ps.family).ps.interrupt
    if irq + len(cores) > pin.lines:
        raise InputError(Problem(design.origin("dpu.irq"), "dpu.irq",
                                 f"{len(cores)} DPU cores need {pin.pin} lines {irq}..{irq + len(cores) - 1}; "
                                 f"expected a first line from 0 to {pin.lines - len(cores)}, got {irq}"))
    flags = design.dpu.devicetree.interrupt_flags
    return tuple(DpuInterrupt(core.interrupt, irq + core.index, addressmap.gic_spi(design, irq + core.index), flags)
                 for core in cores)


def dpu_node(design) -> DpuNode:
    window = addressmap.dpu_control_window(design)
    tree = design.dpu.devicetree
    family = load_family(design.board.ps.family)
    return DpuNode(bus=PL_BUS, label=design.dpu.cell, name=tree.node, base=window.base,
                   size=window.range, compatible=tree.compatible,
                   interrupt_parent=family.devicetree.gic_label, interrupts=dpu_interrupts(design),
                   irq_pin=family.ps.interrupt.pin, control_intf=addressmap.control_port(design)[1].intf)


def cma_argument(cma: CmaPool) -> str:
    """``cma=`` as the kernel's early_cma() reads it (memparse: K/M/G suffixes, 0x numbers).

    A static pool is ``cma=SIZE@BASE``: with no ``-limit`` the kernel sets limit =
    base + size, which makes the reservation fixed (kernel/dma/contiguous.c; LINUX-CMA).
    """
    text = f"cma={format_size(cma.size)}"
    return text + (f"@0x{cma.base:x}" if cma.static else "")


def kernel_command_line(design, plan: MemoryPlan | None = None) -> str:
    """The one kernel command line, in the order PetaLinux and the Vitis AI TRD write it."""
    plan = plan or plan_memory(design)
    linux, console = design.settings.linux, design.board.console
    words = [f"console={console.device},{console.baud}"]
    if linux.earlycon:
        words.append("earlycon")   # no options: the kernel follows /chosen/stdout-path
    # What the family's kernels need (ZynqMP: clk_ignore_unused keeps pl_clk0 running).
    words += list(load_family(design.board.ps.family).devicetree.bootargs)
    if linux.rootfstype not in _INITRAMFS:
        words += [f"root={linux.root}", "ro" if linux.rootfstype == "squashfs" else "rw",
                  f"rootfstype={linux.rootfstype}"]
        if linux.rootfstype != "nfs":
            words.append("rootwait")   # an SD card may appear after the kernel looks for root
    words.append(cma_argument(plan.cma))
    extra = linux.extra_bootargs.split()
    problems = [Problem(design.origin("linux.extra_bootargs"), "linux.extra_bootargs",
                        f"{w!r} would override what hwgen writes from {_OWNED_WORDS[key]}; "
                        f"set that instead")
                for w in extra for key in [w.split("=", 1)[0]] if key in _OWNED_WORDS]
    if problems:
        raise InputError(problems)
    line = " ".join(words + extra)
    if not _SAFE_CMDLINE.fullmatch(line):   # the schema already guarantees this
        raise InputError(Problem(None, "linux", f"unsafe kernel command line {line!r}"))
    return line


def to_cells(value: int, count: int) -> tuple[int, ...]:
    """A number as ``count`` 32-bit device-tree cells, most significant first."""
    if value >> (32 * count):
        raise ValueError(f"0x{value:x} does not fit in {count} cell(s)")
    return tuple((value >> (32 * i)) & 0xFFFF_FFFF for i in reversed(range(count)))


# --------------------------------------------------------------------------- outputs
# Keyed on the design without the fields no plan reads (blockdesign.unplanned_blank): the memory
# plan, the DPU node and the command line read the board, the DPU and the Linux settings, so a
# design's strategy variants share them, the same objects (the dtsi's body is then laid out once,
# render.dts). A refusal (InputError) is raised, never remembered; it names where the setting was
# set from the design's own origins, which the blanked copy carries.
@lru_cache(maxsize=32)
def _planned(design) -> tuple[MemoryPlan, DpuNode, str, str]:
    plan = plan_memory(design)
    return plan, dpu_node(design), kernel_command_line(design, plan), cma_argument(plan.cma)


def _toolchain(design):
    from hwgen.model.toolchain import toolchains

    return toolchains()[design.settings.build.toolchain]


def petalinux_outputs(design) -> list[Output]:
    plan, node, bootargs, cma_arg = _planned(unplanned_blank(design))
    context = dict(design=design, plan=plan, cma=plan.cma, ddr=plan.ddr, dpu=node,
                   bootargs=bootargs, cma_arg=cma_arg,
                   cells=to_cells, format_mib=format_mib, toolchain=_toolchain(design),
                   family_dt=load_family(design.board.ps.family).devicetree)
    return [
        text_output(f"{OUT_DIR}/system-user.dtsi", "petalinux.dtsi",
                    render("dts/system-user.dtsi.j2", **context)),
        text_output(f"{OUT_DIR}/bootargs", "petalinux.bootargs",
                    render("dts/bootargs.j2", **context)),
        text_output(f"{OUT_DIR}/config.fragment", "petalinux.config",
                    render("dts/config.fragment.j2", **context)),
    ]
