"""Addresses and interrupt numbers of a DPU design (pure functions over the family data).

Every number here comes from ``families/<family>.yaml``: the control port's window in the PS
address map, the register base the family proposes there, where DDR sits, and which GIC ID
each fabric interrupt line is. Zynq-7000: M_AXI_GP0 0x4000_0000-0x7FFF_FFFF, IRQ_F2P[0] = GIC
61; Zynq UltraScale+: M_AXI_HPM0_LPD 0x8000_0000-0x9FFF_FFFF, pl_ps_irq0[0] = GIC 121.
"""

from __future__ import annotations

from hwgen.frozen import dataclass

from hwgen.errors import InputError, Problem
from hwgen.model.family import MasterPort, load_family


def gic_spi(design, line: int) -> int:
    """The SPI number a device tree writes for fabric interrupt ``line`` (GIC ID - 32)."""
    return load_family(design.board.ps.family).ps.interrupt.gic_spi(line)


@dataclass(frozen=True)
class ControlWindow:
    base: int
    range: int

    @property
    def end(self) -> int:
        return self.base + self.range


def control_port(design) -> tuple[str, MasterPort]:
    """(key, port) of the PS master the DPU's registers sit behind: dpu.control_port, else
    the family's (M_AXI_GP0 on Zynq-7000, M_AXI_HPM0_LPD on Zynq UltraScale+ as the TRD)."""
    ps = load_family(design.board.ps.family).ps
    key = design.settings.dpu.control_port or ps.control_port
    port = ps.master(key)
    if port is None:
        raise InputError(Problem(design.origin("dpu.control_port"), "dpu.control_port",
                                 f"expected a PS master port of {design.board.ps.family} "
                                 f"({', '.join(k for k, _ in ps.master_ports)}), got {key!r}"))
    return key, port


def dpu_control_window(design) -> ControlWindow:
    """The DPU's S_AXI register window, checked against the control port's window."""
    _, port = control_port(design)
    base = design.settings.dpu.control_base
    if base is None:
        base = port.default_base
    size = design.dpu.interfaces.control_range
    window = ControlWindow(base, size)
    problems = []
    if base % size:
        problems.append(f"expected a base aligned to the {size >> 20} MiB control range, "
                        f"got 0x{base:08X}")
    if not (port.window_base <= base and window.end <= port.window_end):
        problems.append(f"the DPU registers 0x{base:08X}-0x{window.end - 1:08X} must lie in the "
                        f"{port.intf} window 0x{port.window_base:08X}-0x{port.window_end - 1:08X}")
    if problems:
        raise InputError([Problem(design.origin("dpu.control_base"), "dpu.control_base", p)
                          for p in problems])
    return window


def ddr_regions(design) -> tuple[tuple[str, int, int], ...]:
    """(range name, base, size) of the board's DDR in the family's address map."""
    ddr = design.board.ddr
    return load_family(design.board.ps.family).ddr_regions(ddr.base, ddr.size)
