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
from hwgen.numbers import NumberError, parse_int
from hwgen import resources
from hwgen.model.records import PS_PORTS, VLNV
from hwgen.model.schema import Bool, Choice, Ctx, Field, Int, MapOf, Num, Rec, Seq, Size, Str, doc_locator, validate

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
    segments: tuple[tuple[str, str], ...]   # DDR range name → segment name behind the port
    segment_intf: str | None = None         # the address block's name when it is not intf

    def segment(self, cell: str, ddr_range: str) -> str | None:
        """``cell/SAXIGP2/HP0_DDR_LOW``: the DDR segment of ``ddr_range`` behind this port."""
        name = dict(self.segments).get(ddr_range)
        return None if name is None else f"{cell}/{self.segment_intf or self.intf}/{name}"


@dataclass(frozen=True)
class MasterPort:
    """A PS master port (GP, HPM) that reaches fabric slaves through its address window."""

    intf: str
    clock: str
    use: str
    window_base: int
    window_size: int
    default_base: int
    width: str | None = None     # the data-width property, where the port has one

    @property
    def window_end(self) -> int:
        return self.window_base + self.window_size


@dataclass(frozen=True)
class Pll:
    """A PS PLL the fabric clock may come from: ref x FBDIV / (2 if DIV2)."""

    source: str                  # the CLKSRC/SRCSEL value naming it (IO PLL, IOPLL)
    fbdiv: str                   # preset property of the feedback divider
    fbdiv_min: int
    fbdiv_max: int
    div2: str | None = None      # preset property of the /2 output divider, where there is one
    yaml_key: str | None = None  # the board YAML's ps.pll_fbdiv key that may give FBDIV instead
    default_fbdiv: int | None = None   # what Vivado writes when the preset gives no FBDIV
    default_div2: int | None = None


@dataclass(frozen=True)
class FabricClock:
    pin: str
    reset_pin: str
    enable: str
    reset_port: str
    source: str
    freq: str
    divisor0: str
    divisor1: str
    reference: str               # the preset property holding the PS reference clock
    plls: tuple[Pll, ...]        # in preference order
    port: str | None = None      # a separate "clock pin on" property, where there is one
    props: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class GicRange:
    line: int                    # first fabric interrupt line of the range
    id: int                      # its GIC interrupt ID


@dataclass(frozen=True)
class Interrupt:
    pin: str
    lines: int
    gic: tuple[GicRange, ...]
    props: tuple[tuple[str, str], ...]

    def gic_id(self, line: int) -> int:
        """The GIC ID of fabric interrupt ``line`` (IRQ_F2P[8] = 84, pl_ps_irq0[0] = 121)."""
        if not 0 <= line < self.lines:
            raise ValueError(f"{self.pin}[{line}] does not exist (0..{self.lines - 1})")
        first = max((r for r in self.gic if r.line <= line), key=lambda r: r.line)
        return first.id + line - first.line

    def gic_spi(self, line: int) -> int:
        """The number a device tree writes in ``interrupts = <0 SPI flags>`` (ID - 32)."""
        return self.gic_id(line) - 32


@dataclass(frozen=True)
class FamilyPs:
    cell: str
    data_space: str
    external: tuple[ExternalPort, ...]
    slave_ports: tuple[tuple[str, SlavePort], ...]
    master_ports: tuple[tuple[str, MasterPort], ...]
    control_port: str
    axi_max_mhz: float           # the fastest clock a PS-PL AXI port takes
    axi_max_source: str
    disabled: tuple[str, ...]
    fabric_clock: FabricClock
    interrupt: Interrupt

    def slave(self, port: str) -> SlavePort | None:
        return dict(self.slave_ports).get(port)

    def master(self, port: str) -> MasterPort | None:
        return dict(self.master_ports).get(port)


@dataclass(frozen=True)
class DdrRange:
    name: str
    base: int
    size: int


@dataclass(frozen=True)
class FamilyDeviceTree:
    address_cells: int
    size_cells: int
    gic_label: str
    bootargs: tuple[str, ...]
    machine: str
    template: str


@dataclass(frozen=True)
class FamilyDpu:
    softmax: bool
    hp_data_width: int
    implied: str
    uram: bool = False          # UltraRAM exists, so URAM_N_USER may be above 0
    clock_gating: bool = False  # CLK_GATING_ENA is enabled in the IP GUI (AXI4 families only)
    explore_clocks: tuple[float, ...] = ()   # the DPU clocks `hwgen explore` tries by default
    explore_cores: tuple[int, ...] = ()      # the VER_DPU_NUM values it tries (empty: no sweep)
    softmax_master: str | None = None      # the softmax block's AXI master (SFM_ENA 1)
    softmax_interrupt: str | None = None   # and its interrupt pin
    data_ports: tuple[str, ...] = ()     # the TRD's port order for data masters, if it has one
    instr_port: str | None = None        # where every instruction master goes, with data_ports


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
    ddr_ranges: tuple[DdrRange, ...]
    devicetree: FamilyDeviceTree
    dpu: FamilyDpu
    ips: FamilyIps

    def ddr_regions(self, base: int, size: int) -> tuple[tuple[str, int, int], ...]:
        """(range name, base, size) of a board's DDR laid into the family's ranges in order.

        DDR starts at ``base`` in the first range and continues in the next range's base once
        the first is full (UG1085: 4 GiB on ZynqMP is 2 GiB low + 2 GiB at 0x8_0000_0000).
        """
        out, left, start = [], size, base
        for r in self.ddr_ranges:
            if left <= 0:
                break
            if not r.base <= start < r.base + r.size:
                continue
            take = min(left, r.base + r.size - start)
            out.append((r.name, start, take))
            left -= take
            nxt = self.ddr_ranges.index(r) + 1
            start = self.ddr_ranges[nxt].base if nxt < len(self.ddr_ranges) else start + take
        if left > 0:
            raise ValueError(f"{size >> 20} MiB of DDR from 0x{base:X} does not fit the "
                             f"{self.name} address map")
        return tuple(out)


_PORT_KEY = Str("|".join(PS_PORTS), max_len=10, what="a PS port key (" + ", ".join(PS_PORTS) + ")")
_ADDR = Size(0, 1 << 44, what="an address")
_PLL = Rec(Pll, source=Field(_VALUE), fbdiv=Field(_NAME), fbdiv_min=Field(Int(1, 511)),
           fbdiv_max=Field(Int(1, 511)), div2=Field(_NAME, None),
           default_fbdiv=Field(Int(1, 511), None), default_div2=Field(Int(0, 1), None),
           yaml_key=Field(Str(r"io|ddr|arm", what="a ps.pll_fbdiv key (io, ddr, arm)"), None))

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
                                               segments=Field(MapOf(_NAME, _NAME)),
                                               segment_intf=Field(_NAME, None)))),
        master_ports=Field(MapOf(_PORT_KEY, Rec(MasterPort, intf=Field(_NAME), clock=Field(_NAME),
                                                use=Field(_NAME), window_base=Field(_ADDR),
                                                window_size=Field(_ADDR), default_base=Field(_ADDR),
                                                width=Field(_NAME, None)))),
        control_port=Field(_PORT_KEY),
        axi_max_mhz=Field(Num(50, 1000, "MHz")),
        axi_max_source=Field(_VALUE),
        disabled=Field(Seq(_NAME, 0, 64, unique=True)),
        fabric_clock=Field(Rec(
            FabricClock, pin=Field(_NAME), reset_pin=Field(_NAME), enable=Field(_NAME),
            port=Field(_NAME, None), reset_port=Field(_NAME), source=Field(_NAME), freq=Field(_NAME),
            divisor0=Field(_NAME), divisor1=Field(_NAME), reference=Field(_NAME),
            plls=Field(Seq(_PLL, 1, 8)), props=Field(MapOf(_NAME, _VALUE), ()))),
        interrupt=Field(Rec(Interrupt, pin=Field(_NAME), lines=Field(Int(1, 64)),
                            gic=Field(Seq(Rec(GicRange, line=Field(Int(0, 63)), id=Field(Int(32, 1019))),
                                          1, 8)),
                            props=Field(MapOf(_NAME, _VALUE)))),
    )),
    ddr_ranges=Field(Seq(Rec(DdrRange, name=Field(_NAME), base=Field(_ADDR), size=Field(_ADDR)), 1, 4)),
    devicetree=Field(Rec(FamilyDeviceTree, address_cells=Field(Choice((1, 2))),
                         size_cells=Field(Choice((1, 2))),
                         gic_label=Field(Str(r"[a-z][a-z0-9_]*", max_len=31, what="a DT label")),
                         bootargs=Field(Seq(Str(r"[a-z_][a-z0-9_.=]*", max_len=40, what="a kernel argument"))),
                         machine=Field(Str(r"[a-z0-9\-]+", max_len=40, what="a machine name")),
                         template=Field(Str(r"[A-Za-z0-9]+", max_len=20, what="a PetaLinux template")))),
    dpu=Field(Rec(FamilyDpu, softmax=Field(Bool()), hp_data_width=Field(Choice((32, 64, 128))),
                  implied=Field(Str(r"[^\\{}\[\]$\"`;]*", max_len=400, what="plain text")),
                  uram=Field(Bool(), default=False), clock_gating=Field(Bool(), default=False),
                  explore_clocks=Field(Seq(Num(10, 800, "MHz"), 0, 16), ()),
                  explore_cores=Field(Seq(Int(1, 4), 0, 4), ()),
                  softmax_master=Field(_NAME, None), softmax_interrupt=Field(_NAME, None),
                  data_ports=Field(Seq(_PORT_KEY, 0, 8), ()), instr_port=Field(_PORT_KEY, None))),
    ips=Field(Rec(FamilyIps, **{k: Field(VLNV) for k in
                                ("clk_wiz", "proc_sys_reset", "axi_interconnect", "smartconnect",
                                 "xlconcat", "xlconstant")})),
)


def known_families() -> tuple[str, ...]:
    """The shipped family names (families/*.yaml), which a board's ps.family may name."""
    return tuple(sorted(p.stem for p in resources.data_dir("families").glob("*.yaml")))


@lru_cache(maxsize=None)
def load_family(name: str) -> Family:
    """The shipped family ``name`` (the board's ``ps.family``), validated once per process."""
    path = resources.data_dir("families") / f"{name}.yaml"
    doc, _ = loader.load_file(path, f"families/{name}.yaml")
    return validate(FAMILY_SCHEMA, doc.data, Ctx(doc_locator(doc)))


def _yaml_fbdiv(pll: "Pll", ps) -> int | None:
    """The board YAML's own divider for ``pll`` (ps.pll_fbdiv.<key>), where the family has one."""
    if pll.yaml_key is None or getattr(ps, "pll_fbdiv", None) is None:
        return None
    return getattr(ps.pll_fbdiv, pll.yaml_key)


def pll_values(family: Family, ps) -> tuple[tuple[str, float], ...]:
    """(CLKSRC value, MHz) of every PLL the fabric clock may come from, in preference order.

    PLL = ``ps.crystal_mhz`` x FBDIV / (2 if DIV2): the preset's dividers, else the board
    YAML's ps.pll_fbdiv (an import derived it), else the values Vivado writes when the
    preset has none (the family's defaults). A PLL with none of these is not offered.
    Rounded to 1 kHz as Vivado prints it (1066.667). ``pll_problems`` says which dividers are
    unusable; this assumes they were checked.
    """
    return tuple((source, mhz) for source, _, _, mhz in pll_table(family, ps))


def pll_table(family: Family, ps) -> tuple[tuple[str, int, bool, float], ...]:
    """(CLKSRC value, FBDIV, DIV2, MHz) of the PLLs ``pll_values`` offers, in its order."""
    out = []
    for pll in family.ps.fabric_clock.plls:
        fbdiv = ps.preset_value(pll.fbdiv)
        fbdiv = int(fbdiv) if fbdiv is not None else (_yaml_fbdiv(pll, ps) or pll.default_fbdiv)
        if fbdiv is None:
            continue
        div2 = ps.preset_value(pll.div2) if pll.div2 else None
        div2 = bool(int(div2)) if div2 is not None else bool(pll.default_div2)
        out.append((pll.source, fbdiv, div2, round(ps.crystal_mhz * fbdiv / (2 if div2 else 1), 3)))
    return tuple(out)


def pll_problems(family: Family, ps) -> list[tuple[tuple, str]]:
    """(key path, what is wrong) for every PLL divider the fabric-clock plan cannot use.

    The path is ("ps", "preset", NAME) for a bad preset value and ("ps", "pll_fbdiv", KEY)
    when a divider the family requires is neither in the preset nor in the YAML.
    """
    problems = []
    for pll in family.ps.fabric_clock.plls:
        value = ps.preset_value(pll.fbdiv)
        if value is None:
            if _yaml_fbdiv(pll, ps) is None and pll.default_fbdiv is None and pll.yaml_key:
                problems.append((("ps", "pll_fbdiv", pll.yaml_key),
                                 f"expected the {pll.source} feedback divider ({pll.fbdiv_min} to "
                                 f"{pll.fbdiv_max}): the preset has no {pll.fbdiv}, so the YAML "
                                 f"must give it"))
            continue
        try:
            ok = pll.fbdiv_min <= parse_int(value) <= pll.fbdiv_max
        except NumberError:     # ASCII digits only, bounded (hwgen.numbers)
            ok = False
        if not ok:
            problems.append((("ps", "preset", pll.fbdiv),
                             f"expected an integer PLL feedback divider from {pll.fbdiv_min} to "
                             f"{pll.fbdiv_max}, got {value!r}"))
        if pll.div2 is not None:
            div2 = ps.preset_value(pll.div2)
            if div2 is not None and div2 not in ("0", "1"):
                problems.append((("ps", "preset", pll.div2), f"expected 0 or 1, got {div2!r}"))
    return problems
