"""The block design as a small graph: cells, interface links, nets and addresses.

The Vivado Tcl is a serialisation of this graph; tests, the budget (which
infrastructure blocks exist), the diagram and the diff all read the same object.
Construction lives in ``blockdesign.py``; this module only holds the types and
the questions people ask of them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    name: str
    vlnv: str
    # (CONFIG name without the "CONFIG." prefix, value as text), in the order written
    props: tuple[tuple[str, str], ...]
    role: str          # "ps", "dpu", "clock", "reset", "interconnect", "irq_concat", ...
    why: str = ""      # a reviewer-facing comment rendered above the cell
    preset: int = 0    # how many leading props are the board's ps.preset (the PS cell)
    preset_blocks: tuple[int, ...] = ()   # their split into the preset's blocks (sizes)

    def prop(self, name: str) -> str | None:
        """The value the cell ends with (a later entry, e.g. the plan's, replaces the preset's)."""
        return dict(self.props).get(name)


@dataclass(frozen=True)
class Port:
    """An external port of the block design (DDR, FIXED_IO)."""

    name: str
    vlnv: str
    mode: str          # "Master" | "Slave"


@dataclass(frozen=True)
class IntfLink:
    """An AXI (or other interface) connection from a master pin to a slave pin."""

    master: str        # "dpu/DPU0_M_AXI_DATA0" or a port name
    slave: str         # "axi_hp0/S00_AXI"
    width: int = 0     # data width in bits where known (labels, lint)
    why: str = ""


@dataclass(frozen=True)
class Net:
    """A plain net: one driver, many loads (clocks, resets, interrupts)."""

    name: str
    driver: str        # "ps/FCLK_CLK0"
    loads: tuple[str, ...]
    kind: str          # "clock" | "reset" | "interrupt" | "signal"
    freq_mhz: float | None = None


@dataclass(frozen=True)
class AddressSegment:
    space: str         # "ps/Data" or "dpu/DPU0_M_AXI_DATA0"
    segment: str       # "dpu/S_AXI/reg0" or "ps/S_AXI_HP0/HP0_DDR_LOWOCM"
    offset: int
    range: int


@dataclass(frozen=True)
class BlockDesign:
    name: str
    cells: tuple[Cell, ...]
    ports: tuple[Port, ...]
    links: tuple[IntfLink, ...]
    nets: tuple[Net, ...]
    addresses: tuple[AddressSegment, ...]

    def cell(self, name: str) -> Cell:
        for c in self.cells:
            if c.name == name:
                return c
        raise KeyError(name)

    def cells_with_role(self, role: str) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.role == role)

    def net_of(self, pin: str) -> Net | None:
        for n in self.nets:
            if pin == n.driver or pin in n.loads:
                return n
        return None

    def reaches(self, master: str, slave: str) -> bool:
        """Does an AXI path lead from ``master`` to ``slave`` through interconnect cells?

        An interconnect passes traffic from any of its slave interfaces to any of its
        master interfaces, so a path hops from cell to cell by name; any other cell
        (the PS, the DPU) ends the path, or every DPU master would "reach" every PS port
        by way of M_AXI_GP0.
        """
        through = {c.name for c in self.cells_with_role("interconnect")}
        frontier, seen = [master], set()
        while frontier:
            pin = frontier.pop()
            for link in self.links:
                if link.master != pin or link.slave in seen:
                    continue
                if link.slave == slave:
                    return True
                seen.add(link.slave)
                cell = link.slave.split("/", 1)[0]
                if cell in through:
                    frontier += [l.master for l in self.links if l.master.startswith(cell + "/")]
        return False
