"""PS family data: the port, pin, property and segment names of one processing-system IP.

``families/<name>.yaml`` holds every name that differs between PS families (Zynq-7000's
S_AXI_HP0 / PCW_USE_S_AXI_HP0 / FCLK_CLK0 versus Zynq UltraScale+'s S_AXI_HP0_FPD /
PSU__USE__S_AXI_GP2 / pl_clk0). The block-design plan reads names only from here, so
adding a family is adding a file.
"""

from __future__ import annotations

from hwgen.frozen import dataclass
from functools import lru_cache

from hwgen.model import loader
from hwgen import resources
from hwgen.model.records import PS_PORTS, VLNV
from hwgen.model.schema import Bool, Choice, Ctx, Field, Int, MapOf, Rec, Seq, Str, doc_locator, validate

_NAME = Str(r"[A-Za-z][A-Za-z0-9_]*", max_len=80, what="a pin, port or property name")
_VALUE = Str(r"[A-Za-z0-9 _.\-]*", max_len=80, what="a property value")


@dataclass(frozen=True)
class ExternalPort:
    name: str       # the block-design port
    pin: str        # the PS interface pin it connects to
    mode: str       # Master | Slave
    vlnv: str


@dataclass(frozen=True)
class SlavePort:
    """A PS slave port (HP) through which fabric masters reach DDR."""

    intf: str
    clock: str
    use: str
    width: str
    ddr_segment: str


@dataclass(frozen=True)
class MasterPort:
    """A PS master port (GP) that reaches fabric slaves."""

    intf: str
    clock: str
    use: str


@dataclass(frozen=True)
class FabricClock:
    pin: str
    reset_pin: str
    enable: str
    port: str
    reset_port: str
    source: str
    freq: str
    divisor0: str
    divisor1: str
    sources: tuple[tuple[str, str], ...]   # PLL key (io/arm/ddr) → CLKSRC value

    def source_name(self, pll: str) -> str:
        return dict(self.sources)[pll]


@dataclass(frozen=True)
class Interrupt:
    pin: str
    lines: int
    props: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class FamilyPs:
    cell: str
    data_space: str
    external: tuple[ExternalPort, ...]
    slave_ports: tuple[tuple[str, SlavePort], ...]
    master_ports: tuple[tuple[str, MasterPort], ...]
    control_port: str
    disabled: tuple[str, ...]
    fabric_clock: FabricClock
    interrupt: Interrupt

    def slave(self, port: str) -> SlavePort | None:
        return dict(self.slave_ports).get(port)

    def master(self, port: str) -> MasterPort | None:
        return dict(self.master_ports).get(port)


@dataclass(frozen=True)
class FamilyDpu:
    softmax: bool
    hp_data_width: int
    implied: str
    uram: bool = False          # UltraRAM exists, so URAM_N_USER may be above 0
    clock_gating: bool = False  # CLK_GATING_ENA is enabled in the IP GUI (AXI4 families only)


@dataclass(frozen=True)
class FamilyIps:
    clk_wiz: str
    proc_sys_reset: str
    axi_interconnect: str
    smartconnect: str
    xlconcat: str
    xlconstant: str


@dataclass(frozen=True)
class Family:
    name: str
    ps: FamilyPs
    dpu: FamilyDpu
    ips: FamilyIps


_PORT_KEY = Str("|".join(PS_PORTS), max_len=8, what="a PS port key (" + ", ".join(PS_PORTS) + ")")

FAMILY_SCHEMA = Rec(
    Family,
    name=Field(Str(r"[a-z0-9_]+", max_len=20, what="a family name")),
    ps=Field(Rec(
        FamilyPs,
        cell=Field(_NAME),
        data_space=Field(_NAME),
        external=Field(Seq(Rec(ExternalPort, name=Field(_NAME), pin=Field(_NAME),
                               mode=Field(Choice(("Master", "Slave"))), vlnv=Field(VLNV)), 0, 8)),
        slave_ports=Field(MapOf(_PORT_KEY, Rec(SlavePort, intf=Field(_NAME), clock=Field(_NAME),
                                               use=Field(_NAME), width=Field(_NAME),
                                               ddr_segment=Field(_NAME)))),
        master_ports=Field(MapOf(_PORT_KEY, Rec(MasterPort, intf=Field(_NAME), clock=Field(_NAME),
                                                use=Field(_NAME)))),
        control_port=Field(_PORT_KEY),
        disabled=Field(Seq(_NAME, 0, 64, unique=True)),
        fabric_clock=Field(Rec(
            FabricClock, pin=Field(_NAME), reset_pin=Field(_NAME), enable=Field(_NAME),
            port=Field(_NAME), reset_port=Field(_NAME), source=Field(_NAME), freq=Field(_NAME),
            divisor0=Field(_NAME), divisor1=Field(_NAME),
            sources=Field(MapOf(Str(r"io|arm|ddr", what="a PLL key (io, arm, ddr)"), _VALUE)))),
        interrupt=Field(Rec(Interrupt, pin=Field(_NAME), lines=Field(Int(1, 64)),
                            props=Field(MapOf(_NAME, _VALUE)))),
    )),
    dpu=Field(Rec(FamilyDpu, softmax=Field(Bool()), hp_data_width=Field(Choice((32, 64, 128))),
                  implied=Field(Str(r"[^\\{}\[\]$\"`;]*", max_len=400, what="plain text")),
                  uram=Field(Bool(), default=False), clock_gating=Field(Bool(), default=False))),
    ips=Field(Rec(FamilyIps, **{k: Field(VLNV) for k in
                                ("clk_wiz", "proc_sys_reset", "axi_interconnect", "smartconnect",
                                 "xlconcat", "xlconstant")})),
)


@lru_cache(maxsize=None)
def load_family(name: str) -> Family:
    """The shipped family ``name`` (the board's ``ps.family``), validated once per process."""
    path = resources.data_dir("families") / f"{name}.yaml"
    doc, _ = loader.load_file(path, f"families/{name}.yaml")
    return validate(FAMILY_SCHEMA, doc.data, Ctx(doc_locator(doc)))
