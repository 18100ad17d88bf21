"""What the block design's infrastructure cells cost in fabric (LUT, FF).

The block-design graph says which cells exist; ``parts/infrastructure.yaml`` says
what each kind costs, with its source. This module only decides which row of that
table a cell is (an interconnect with one slave and one master interface and no
conversion is a pass-through, one that converts width, clock or protocol is a
converter, anything wider is a crossbar) and adds the figures up.
"""

from __future__ import annotations

from hwgen.frozen import dataclass
from functools import lru_cache

from hwgen.model import loader
from hwgen import resources
from hwgen.plan.bdgraph import BlockDesign, Cell
from hwgen.model.records import SOURCE
from hwgen.model.schema import Choice, Ctx, Field, Int, Rec, Seq, Str, doc_locator, validate
from hwgen.model.verdict import Contribution

# Roles whose cost is not infrastructure: the PS is hard silicon, the DPU is
# estimated from its own profile and formulas (hwgen/budget/estimate.py).
NOT_INFRASTRUCTURE = ("ps", "dpu")
CONFIGS = ("any", "passthrough", "converter", "crossbar")
INTERCONNECTS = ("axi_interconnect", "smartconnect")


@dataclass(frozen=True)
class CellCost:
    ip: str
    config: str
    per: str          # "instance" | "si"
    lut: int
    ff: int
    source: str


_ROW = Rec(CellCost,
           ip=Field(Str(r"[a-z][a-z0-9_]*", max_len=64, what="an IP name (the N of a VLNV)")),
           config=Field(Choice(CONFIGS)),
           per=Field(Choice(("instance", "si")), default="instance"),
           lut=Field(Int(0, 1_000_000)), ff=Field(Int(0, 1_000_000)),
           source=Field(SOURCE))


@lru_cache(maxsize=None)
def table() -> tuple[CellCost, ...]:
    path = resources.data_dir("parts") / "infrastructure.yaml"
    doc, _ = loader.load_file(path, "parts/infrastructure.yaml")
    schema = Rec(dict, cells=Field(Seq(_ROW, 1, 200)))
    return validate(schema, doc.data, Ctx(doc_locator(doc)))["cells"]


def ip_name(vlnv: str) -> str:
    """'xilinx.com:ip:axi_interconnect:2.1' -> 'axi_interconnect'."""
    parts = vlnv.split(":")
    return parts[2] if len(parts) >= 3 else vlnv


@dataclass(frozen=True)
class Shape:
    """How an interconnect cell is used, as far as its cost depends on it."""

    config: str
    slaves: int
    why: str          # what the config was decided from, for the reader


def shape(cell: Cell, bd: BlockDesign, lite_endpoints: frozenset[str] = frozenset()) -> Shape:
    """Pass-through, converter or crossbar, decided from the cell's links and clock nets.

    ``lite_endpoints`` are interface pins that speak AXI4-Lite (the DPU's control
    slave): a path to one of them from the PS's AXI3 GP port needs a protocol converter.
    """
    if ip_name(cell.vlnv) not in INTERCONNECTS:
        return Shape("any", 1, "")
    prefix = cell.name + "/"
    inbound = [l for l in bd.links if l.slave.startswith(prefix)]
    outbound = [l for l in bd.links if l.master.startswith(prefix)]
    n_si = int(cell.prop("NUM_SI") or len(inbound) or 1)
    n_mi = int(cell.prop("NUM_MI") or len(outbound) or 1)
    if n_si > 1 or n_mi > 1:
        return Shape("crossbar", n_si, f"{n_si} slave x {n_mi} master interfaces")
    reasons = []
    widths = sorted({l.width for l in inbound + outbound if l.width})
    if len(widths) > 1:
        reasons.append("->".join(f"{w}" for w in widths) + "-bit width conversion")
    clocks = sorted({n.name for n in bd.nets if n.kind == "clock"
                     and any(p.startswith(prefix) for p in n.loads)})
    if len(clocks) > 1:
        reasons.append(f"clock crossing {' / '.join(clocks)}")
    if any(l.slave in lite_endpoints for l in outbound):
        reasons.append("protocol conversion to AXI4-Lite")
    if reasons:
        return Shape("converter", 1, "1x1, " + ", ".join(reasons))
    return Shape("passthrough", 1, "1x1, same width, one clock, same protocol")


def row_for(ip: str, config: str) -> CellCost | None:
    for row in table():
        if row.ip == ip and row.config in (config, "any"):
            return row
    return None


@dataclass(frozen=True)
class InfrastructureCost:
    lut: tuple[Contribution, ...]
    ff: tuple[Contribution, ...]
    unknown: tuple[str, ...]      # one sentence per cell hwgen has no figure for


def cost_key(bd: BlockDesign) -> tuple:
    """Everything of ``bd`` that ``infrastructure_cost`` reads, as a hashable value: each
    cell's name, VLNV and role (and NUM_SI/NUM_MI of an interconnect, the only properties
    ``shape`` reads), each link's ends and width, each net's name, kind and loads. Not the
    nets' frequencies nor any other property or explanation, so the plans of a design at
    each clock, which differ only there, have one key. Two plans with the same key cost the
    same; tests/test_sweep_caches.py compares the remembered costs with fresh ones."""
    cells = tuple((c.name, c.vlnv, c.role) + ((c.prop("NUM_SI"), c.prop("NUM_MI"))
                                                if ip_name(c.vlnv) in INTERCONNECTS else ())
                  for c in bd.cells)
    return (cells, tuple((l.master, l.slave, l.width) for l in bd.links),
            tuple((n.name, n.kind, n.loads) for n in bd.nets))


def infrastructure_cost(bd: BlockDesign,
                        lite_endpoints: frozenset[str] = frozenset()) -> InfrastructureCost:
    lut, ff, unknown = [], [], []
    for cell in bd.cells:
        if cell.role in NOT_INFRASTRUCTURE:
            continue
        ip = ip_name(cell.vlnv)
        s = shape(cell, bd, lite_endpoints)
        row = row_for(ip, s.config)
        if row is None:
            unknown.append(f"no cost figure for {cell.vlnv} (cell {cell.name}"
                           f"{', ' + s.why if s.why else ''}) in parts/infrastructure.yaml; "
                           "its LUT and FF are not in the estimate")
            continue
        times = s.slaves if row.per == "si" else 1
        what = f"{cell.name}: {ip}" + (f" ({s.why})" if s.why else "")
        if times > 1:
            what += f", {times} x {row.lut} LUT / {row.ff} FF"
        lut.append(Contribution(what, float(row.lut * times), row.source))
        ff.append(Contribution(what, float(row.ff * times), row.source))
    return InfrastructureCost(tuple(lut), tuple(ff), tuple(unknown))
