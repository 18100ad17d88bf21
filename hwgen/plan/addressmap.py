"""Addresses and interrupt numbers of a Zynq-7000 DPU design (pure functions)."""

from __future__ import annotations

from hwgen.frozen import dataclass

from hwgen.errors import InputError, Problem

# M_AXI_GP0 window: base 0x4000_0000 (XPS_FPGA_AXI_S0_BASEADDR), GP1 starts at
# 0x8000_0000 (Xilinx/embeddedsw xparameters_ps.h).
GP0_BASE = 0x4000_0000
GP0_END = 0x8000_0000

# IRQ_F2P[0..7] are GIC IDs 61..68 and IRQ_F2P[8..15] are 84..91 (embeddedsw
# XPS_FPGA0_INT_ID 61U ... XPS_FPGA15_INT_ID 91U; RTEMS irq.h; UG585 §7.2.3).
# Device-tree SPI numbers are the GIC ID minus 32 (ARM GIC binding).
_GIC_FIRST = {0: 61, 8: 84}


def gic_id(irq_f2p: int) -> int:
    if not 0 <= irq_f2p <= 15:
        raise ValueError(f"IRQ_F2P line {irq_f2p} does not exist (0..15)")
    first = 8 if irq_f2p >= 8 else 0
    return _GIC_FIRST[first] + irq_f2p - first


def gic_spi(irq_f2p: int) -> int:
    """The number a device tree writes in ``interrupts = <0 SPI flags>``."""
    return gic_id(irq_f2p) - 32


@dataclass(frozen=True)
class ControlWindow:
    base: int
    range: int

    @property
    def end(self) -> int:
        return self.base + self.range


def dpu_control_window(design) -> ControlWindow:
    """The DPU's S_AXI register window on M_AXI_GP0, checked against the GP0 window."""
    base = design.settings.dpu.control_base
    size = design.dpu.interfaces.control_range
    window = ControlWindow(base, size)
    problems = []
    if base % size:
        problems.append(f"expected a base aligned to the {size >> 20} MiB control range, "
                        f"got 0x{base:08X}")
    if not (GP0_BASE <= base and window.end <= GP0_END):
        problems.append(f"the DPU registers 0x{base:08X}-0x{window.end - 1:08X} must lie in the "
                        f"M_AXI_GP0 window 0x{GP0_BASE:08X}-0x{GP0_END - 1:08X}")
    if problems:
        raise InputError([Problem(design.origin("dpu.control_base"), "dpu.control_base", p)
                          for p in problems])
    return window
