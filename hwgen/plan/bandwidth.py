"""What the DPU's data masters can move through the PS ports: width x the DPU clock.

Used by the performance estimate (hwgen/explore/perf.py) and by the performance warnings of
``hwgen check`` (hwgen/budget/lint.py).
"""

from __future__ import annotations

from hwgen.frozen import dataclass


@dataclass(frozen=True)
class PortBandwidth:
    """One PS port the DPU's data masters use, and what it carries per second."""

    port: str                    # "hp0"
    masters: tuple[str, ...]     # data masters of every core on it
    master_bits: int
    port_bits: int
    mhz: float

    @property
    def bits(self) -> int:
        return min(self.master_bits, self.port_bits)

    @property
    def gbs(self) -> float:
        return self.bits / 8 * self.mhz * 1e6 / 1e9


def data_masters(design) -> tuple[tuple[str, str, int], ...]:
    """(master, PS port, width) of every core's data masters (not the instruction fetch)."""
    from hwgen.plan.blockdesign import dpu_cores

    n_data = len(design.dpu.interfaces.data)
    out = []
    for core in dpu_cores(design):
        # dpu_cores lists a core's data masters first, in profile order, then its
        # instruction master (hwgen/plan/blockdesign.py).
        out += core.masters[:n_data]
    return tuple(out)


def port_bandwidth(design, dpu_mhz: float) -> tuple[PortBandwidth, ...]:
    """The ports the data masters reach, each at min(master, port) width x the DPU clock."""
    ports: dict[str, list[tuple[str, int]]] = {}
    for name, port, width in data_masters(design):
        ports.setdefault(port, []).append((name, width))
    out = []
    for port in sorted(ports):
        board_port = getattr(design.board.ps.ports, port)
        out.append(PortBandwidth(port, tuple(n for n, _ in ports[port]),
                                 max(w for _, w in ports[port]), board_port.width, dpu_mhz))
    return tuple(out)
