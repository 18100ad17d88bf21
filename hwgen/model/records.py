"""The validated model: boards, DPU profiles, parts and design settings.

Each frozen dataclass sits beside the schema that builds it, so the YAML
reference in the README, the checks and the types cannot drift apart. Nothing
here decides anything about the hardware; the plans do that.
"""

from __future__ import annotations

from functools import cached_property

from hwgen import resources
from hwgen.frozen import dataclass

from hwgen.model import toolchain as _toolchain
from hwgen.model.schema import (_ERR, Bool, Choice, Field, Int, MapOf, MemoRec, Num, Rec, Seq, Size, Str, sub)

# Names that end up as Tcl words, file names and device-tree node names. Strict on
# purpose: a name never needs quoting anywhere, so it can never inject anything.
IDENT = r"[A-Za-z][A-Za-z0-9_]{0,62}"
NAME = Str(IDENT, max_len=63, what="a name (letter, then letters, digits or _)")
VLNV = Str(r"[A-Za-z0-9_.\-]+:[A-Za-z0-9_.\-]+:[A-Za-z0-9_.\-]+:\d+(\.\d+)*", max_len=120,
           what="a VLNV (vendor:library:name:version)")
PART = Str(r"x[ca][a-z0-9]+-[A-Za-z0-9\-]+|x[ca]7z[0-9]{3}s?[a-z]{2,3}[0-9]{3}-[0-9][a-z]?",
           max_len=40, what="a Xilinx part name such as xc7z020clg400-1")
BOARD_PART = Str(r"[A-Za-z0-9_.\-]+:[A-Za-z0-9_.\-]+:[A-Za-z0-9_.\-]+:[0-9.]+", max_len=120,
                 what="a Vivado board_part (vendor:board:component:version)")
# Free text is kept but only printable, without characters that would need care in
# Tcl comments or DTS strings; the templates still quote it.
TEXT = Str(r"[^\\{}\[\]$\"`;]*", max_len=200,
           what="plain text (no backslashes, braces, brackets, $, quotes, backticks or ;)")
SOURCE = Str(r"[^\\{}\[\]$\"`]*", max_len=400, what="a source citation")
# Zynq-7000 (processing_system7) names start PCW_, Zynq UltraScale+ (zynq_ultra_ps_e) PSU_;
# `preset`: CONFIG.preset names one of Vivado's built-in PS7 presets (ZedBoard, ZC702, ZC706),
# which a vendor preset may apply before its explicit values.
PCW_NAME = Str(r"(PCW|PSU)_[A-Za-z0-9_]+|preset", max_len=80,
               what="a PS property name (PCW_..., PSU_... or preset)")
# PS7 preset values as Vivado writes them: numbers, 'MIO 1 .. 6', 'DDR 3 (Low Voltage)',
# 'LVCMOS 3.3V', '6:2:1', 'GPIO#Quad SPI Flash#...', 'qspi0_io[0]#...' (PCW_MIO_TREE_SIGNALS).
# Brackets are safe: every value is written brace-quoted, which stops Tcl substitution.
# No $, quotes, braces or backslashes.
PCW_VALUE = Str(r"[A-Za-z0-9 .:#_()\-+/%<>=,\[\]]*", max_len=2000,
                what="a PS7 property value (letters, digits, spaces and . : # _ ( ) [ ] - + / % < > = ,)")
ADDR32 = Size(0, 0xFFFF_FFFF, what="an address")
IRQ_LINE = Int(0, 15)
# Zynq-7000: hp0-hp3, gp0; Zynq UltraScale+: hp0-hp3, hpc0/1, lpd (S_AXI_LPD), hpm0_lpd/fpd.
# The family data (families/*.yaml) says which ports a PS has and what they are called.
PS_PORTS = ("hp0", "hp1", "hp2", "hp3", "gp0", "hpc0", "hpc1", "lpd", "hpm0_lpd", "hpm0_fpd")
FAMILIES = tuple(sorted(p.stem for p in resources.data_dir("families").glob("*.yaml")))


# --------------------------------------------------------------------------- board
@dataclass(frozen=True)
class HpPort:
    width: int


@dataclass(frozen=True)
class GpPort:
    width: int


@dataclass(frozen=True)
class PsPorts:
    hp0: HpPort | None
    hp1: HpPort | None
    hp2: HpPort | None
    hp3: HpPort | None
    gp0: GpPort | None
    hpc0: HpPort | None = None
    hpc1: HpPort | None = None
    lpd: HpPort | None = None
    hpm0_lpd: GpPort | None = None
    hpm0_fpd: GpPort | None = None

    def available(self) -> tuple[str, ...]:
        return tuple(p for p in PS_PORTS if getattr(self, p) is not None)


# The PS7 preset properties holding each Zynq-7000 PLL's feedback divider; a preset without
# them leaves the imported YAML's ps.pll_fbdiv to say them (design.py checks them).
FBDIV = {"arm": "PCW_ARMPLL_CTRL_FBDIV", "io": "PCW_IOPLL_CTRL_FBDIV", "ddr": "PCW_DDRPLL_CTRL_FBDIV"}


@dataclass(frozen=True)
class PllFbdiv:
    arm: int | None
    io: int | None
    ddr: int | None


@dataclass(frozen=True)
class Ps:
    family: str
    vlnv: str
    crystal_mhz: float
    # The vendor's preset blocks, each ((name, value), ...) in file order; Vivado applies
    # them one after the other, so a later block's value wins.
    preset: tuple[tuple[tuple[str, str], ...], ...]
    ports: PsPorts
    pll_fbdiv: PllFbdiv
    pll_exact: bool

    @cached_property
    def effective(self) -> dict[str, str]:
        """Every preset block applied in order: name -> the value Vivado ends with."""
        out: dict[str, str] = {}
        for block in self.preset:
            out.update(block)
        return out

    def preset_value(self, name: str) -> str | None:
        return self.effective.get(name)

    def fbdiv(self, pll: str) -> int | None:
        """The PLL's feedback divider: the preset's, else the YAML's pll_fbdiv."""
        value = self.preset_value(FBDIV[pll])
        if value is not None and value.isdigit():
            return int(value)
        return getattr(self.pll_fbdiv, pll)



@dataclass(frozen=True)
class Ddr:
    base: int
    size: int
    memory_type: str
    bus_width: int
    data_rate_mts: float

    @property
    def end(self) -> int:
        """First address past DDR."""
        return self.base + self.size


@dataclass(frozen=True)
class Console:
    device: str
    baud: int
    uart: int | None = None     # the PS UART (0 or 1) carrying it; checked against the preset


@dataclass(frozen=True)
class SdCard:
    controller: int             # the PS SD controller the root file system is on


@dataclass(frozen=True)
class Board:
    name: str
    vendor: str
    description: str
    part: str
    board_part: str | None
    ps: Ps
    ddr: Ddr
    console: Console
    sources: tuple[str, ...]
    sd: SdCard | None = None


class PresetBlocks(MapOf):
    """``ps.preset``: one mapping (one block) or a list of mappings (blocks applied in order)."""

    @property
    def expected(self):
        return f"a mapping of {self.key.what} to {self.value.expected}, or a list of such mappings"

    def check(self, value, ctx, path):
        if isinstance(value, dict):
            block = super().check(value, ctx, path)
            return block if block is _ERR else (block,)
        if not isinstance(value, list) or not 1 <= len(value) <= 16:
            return self.expect(value, ctx, path)
        out = [super(PresetBlocks, self).check(v, ctx, path + (i,)) for i, v in enumerate(value)]
        return _ERR if _ERR in out else tuple(out)


# 128 bit exists on Zynq UltraScale+ only; blockdesign checks a width against the family.
_HP = Rec(HpPort, width=Field(Choice((32, 64, 128)), default=64))
_GP = Rec(GpPort, width=Field(Choice((32, 64, 128)), default=32))

BOARD_SCHEMA = Rec(
    Board,
    name=Field(NAME),
    vendor=Field(TEXT),
    description=Field(TEXT, default=""),
    part=Field(PART),
    board_part=Field(BOARD_PART, default=None),
    ps=Field(Rec(
        Ps,
        family=Field(Choice(FAMILIES)),
        vlnv=Field(VLNV, default="xilinx.com:ip:processing_system7:5.5"),
        crystal_mhz=Field(Num(10, 60, "MHz")),
        preset=Field(PresetBlocks(PCW_NAME, PCW_VALUE)),
        ports=Field(Rec(PsPorts, hp0=Field(_HP, None), hp1=Field(_HP, None), hp2=Field(_HP, None),
                        hp3=Field(_HP, None), gp0=Field(_GP, None), hpc0=Field(_HP, None),
                        hpc1=Field(_HP, None), lpd=Field(_HP, None), hpm0_lpd=Field(_GP, None),
                        hpm0_fpd=Field(_GP, None))),
        pll_fbdiv=Field(Rec(PllFbdiv, **{k: Field(Int(13, 66), None) for k in ("arm", "io", "ddr")}),
                        default=PllFbdiv(None, None, None)),
        pll_exact=Field(Bool(), default=True),
    )),
    ddr=Field(Rec(
        Ddr,
        base=Field(ADDR32),
        size=Field(Size(16 << 20, 4 << 30, 1 << 20)),
        memory_type=Field(TEXT),
        bus_width=Field(Choice((16, 32, 64))),
        data_rate_mts=Field(Num(100, 5000, "MT/s")),
    )),
    console=Field(Rec(Console, device=Field(Str(r"tty[A-Za-z]+[0-9]", max_len=16,
                                                what="a tty name such as ttyPS0")),
                      baud=Field(Choice((9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600))),
                      uart=Field(Choice((0, 1)), default=None))),
    sources=Field(Seq(SOURCE, min_len=1)),
    sd=Field(Rec(SdCard, controller=Field(Choice((0, 1)))), default=None),
)


# --------------------------------------------------------------------------- DPU profile
@dataclass(frozen=True)
class CostFigure:
    dsp_high: int
    dsp_low: int
    source: str


@dataclass(frozen=True)
class AddonCost:
    """Published extra cost of one DPU option, per core (PG338 add-on tables)."""

    lut: int
    source: str
    bram36: float | None = None   # published for cross-checking the IP formula only
    dsp: int | None = None        # idem


@dataclass(frozen=True)
class DpuAddons:
    channel_augmentation: AddonCost | None = None


@dataclass(frozen=True)
class DpuCost:
    lut: CostFigure
    ff: CostFigure
    uram: int
    source: str
    addons: DpuAddons = DpuAddons()


@dataclass(frozen=True)
class DpuInterfaces:
    data: tuple[str, ...]
    instr: str
    control: str
    control_segment: str
    control_range: int
    data_width: int
    instr_width: int


@dataclass(frozen=True)
class DpuPins:
    axi_clock: str
    axi_reset: str
    dsp_clock: str
    dsp_reset: str
    control_clock: str | None
    control_reset: str | None
    interrupt: str


@dataclass(frozen=True)
class DpuDeviceTree:
    node: str
    compatible: tuple[str, ...]
    interrupt_flags: int


@dataclass(frozen=True)
class DpuProfile:
    name: str
    arch: str
    description: str
    vlnv: str
    isa: int
    cell: str
    interfaces: DpuInterfaces
    pins: DpuPins
    connect: tuple[tuple[str, str], ...]  # DPU master interface → PS port
    dsp_clock_ratio: int
    cost: DpuCost
    devicetree: DpuDeviceTree
    sources: tuple[str, ...]


ARCHES = ("B512", "B800", "B1024", "B1152", "B1600", "B2304", "B3136", "B4096")
INTF = Str(r"[A-Za-z][A-Za-z0-9_]*", max_len=64, what="an interface or pin name")
_COST = Rec(CostFigure, dsp_high=Field(Int(0, 10_000_000)), dsp_low=Field(Int(0, 10_000_000)),
            source=Field(SOURCE))

_ADDON = Rec(AddonCost, lut=Field(Int(0, 10_000_000)), source=Field(SOURCE),
              bram36=Field(Num(0, 10_000), default=None), dsp=Field(Int(0, 100_000), default=None))
_ADDONS = Rec(DpuAddons, channel_augmentation=Field(_ADDON, default=None))

DPU_SCHEMA = Rec(
    DpuProfile,
    name=Field(NAME),
    arch=Field(Choice(ARCHES)),
    description=Field(TEXT, default=""),
    vlnv=Field(VLNV),
    isa=Field(Choice((0, 1))),
    cell=Field(NAME, default="dpu"),
    interfaces=Field(Rec(
        DpuInterfaces,
        data=Field(Seq(INTF, 1, 8, unique=True)),
        instr=Field(INTF),
        control=Field(INTF),
        control_segment=Field(INTF, default="reg0"),
        control_range=Field(Size(4 << 10, 256 << 20, 4 << 10)),
        data_width=Field(Choice((32, 64, 128))),
        instr_width=Field(Choice((32, 64, 128))),
    )),
    pins=Field(Rec(
        DpuPins,
        axi_clock=Field(INTF), axi_reset=Field(INTF),
        dsp_clock=Field(INTF), dsp_reset=Field(INTF),
        control_clock=Field(INTF, None), control_reset=Field(INTF, None),
        interrupt=Field(INTF),
    )),
    connect=Field(MapOf(INTF, Choice(PS_PORTS))),
    dsp_clock_ratio=Field(Choice((2,)), default=2),
    cost=Field(Rec(DpuCost, lut=Field(_COST), ff=Field(_COST), uram=Field(Int(0, 1000), default=0),
                   source=Field(SOURCE), addons=sub(_ADDONS))),
    devicetree=Field(Rec(
        DpuDeviceTree,
        node=Field(Str(r"[a-z][a-z0-9\-]{0,30}", max_len=31, what="a device-tree node name")),
        compatible=Field(Seq(Str(r"[a-z0-9\-]+,[a-z0-9.\-]+", max_len=64,
                                 what="a compatible string (vendor,device)"), 1, 8)),
        interrupt_flags=Field(Choice((1, 4)), default=4),
    )),
    sources=Field(Seq(SOURCE, min_len=1)),
)


# --------------------------------------------------------------------------- parts
@dataclass(frozen=True)
class Part:
    name: str            # device name without package/speed: xc7z020
    family: str          # zynq7 | zynqmp
    lut: int
    ff: int
    bram36: float
    dsp: int
    uram: int
    source: str

    def capacity(self, resource: str) -> float:
        return {"LUT": self.lut, "FF": self.ff, "BRAM": self.bram36, "DSP": self.dsp,
                "URAM": self.uram}[resource]


PART_SCHEMA = Rec(
    Part,
    name=Field(Str(r"x[ca][a-z0-9]+", max_len=20, what="a device name such as xc7z020")),
    family=Field(Choice(("zynq7", "zynqmp"))),
    lut=Field(Int(1, 10_000_000)),
    ff=Field(Int(1, 20_000_000)),
    bram36=Field(Num(0, 100_000)),
    dsp=Field(Int(0, 100_000)),
    uram=Field(Int(0, 10_000), default=0),
    source=Field(SOURCE),
)


# --------------------------------------------------------------------------- design settings
@dataclass(frozen=True)
class DpuSettings:
    profile: str
    clock_mhz: float
    dsp_clock_mhz: float | None
    ram_usage: str
    dsp_usage: str
    channel_augmentation: bool
    leaky_relu: bool
    softmax: bool
    cores: int
    alu_parallel: int
    alu_leaky_relu: bool
    save_argmax: bool
    uram: int
    ip_repo: str
    control_base: int | None     # None: the control port's default base (family data)
    control_port: str | None     # None: the family's control port
    irq: int
    fclk_tolerance_ppm: float


@dataclass(frozen=True)
class LinuxSettings:
    cma: int
    cma_base: int | None
    cma_alignment: int
    min_free: int
    root: str
    rootfstype: str
    earlycon: bool
    extra_bootargs: str


@dataclass(frozen=True)
class BuildSettings:
    design_name: str | None
    bd_name: str
    synth_strategy: str
    impl_strategy: str
    post_route_phys_opt: bool
    jobs: int
    interconnect: str
    toolchain: str


@dataclass(frozen=True)
class BudgetLimits:
    lut: float
    ff: float
    bram: float
    dsp: float
    uram: float

    def limit(self, resource: str) -> float:
        return getattr(self, resource.lower())


@dataclass(frozen=True)
class Settings:
    dpu: DpuSettings
    linux: LinuxSettings
    build: BuildSettings
    budget: BudgetLimits


MIB = 1 << 20
# Any printable path, spaces included, as --board accepts. A --set of it is copied into
# the headers' Tcl and DTS comments: no backslash (continues a Tcl comment) and no *
# (*/ ends a DTS comment).
PROFILE_REF = Str(r"[^\\*]+", max_len=255,
                  what="a DPU profile name or path (without backslashes or *)")
# Kernel command-line words: no quotes, no shell or Tcl metacharacters, no newline.
BOOTARG_WORDS = Str(r"[A-Za-z0-9_.,:=/@+\-]+( [A-Za-z0-9_.,:=/@+\-]+)*|", max_len=400,
                    what="kernel arguments (words of letters, digits and _ . , : = / @ + -)")
STRATEGY = Str(r"[A-Za-z0-9_][A-Za-z0-9_ \-]{0,62}", max_len=63,
               what="a Vivado strategy name (letters, digits, spaces, _ and -)")
PCT = Num(1, 100, "%")
DEFAULT_DPU = "B512"   # when neither --dpu, --set dpu.profile nor the board's defaults name one

# Its sections remember the records they built (schema.MemoRec): a sweep's designs share them.
SETTINGS_SCHEMA = Rec(
    Settings,
    dpu=sub(MemoRec(
        DpuSettings,
        profile=Field(PROFILE_REF, default=DEFAULT_DPU),
        clock_mhz=Field(Num(10, 800, "MHz"), default=150.0, doc="DPU AXI (fabric) clock"),
        dsp_clock_mhz=Field(Num(10, 800, "MHz"), default=None, doc="DSP clock; default 2x clock_mhz"),
        ram_usage=Field(Choice(("low", "high")), default="low"),
        dsp_usage=Field(Choice(("low", "high")), default="high"),
        channel_augmentation=Field(Bool(), default=True),
        leaky_relu=Field(Bool(), default=True),
        softmax=Field(Bool(), default=False),
        cores=Field(Int(1, 4), default=1),
        # ALU_PARALLEL_USER: the IP's packaged default 4 (DPU41-PKG component.xml), which every
        # real v4.1 build seen keeps; 2 would match the registered B512 target name instead.
        alu_parallel=Field(Choice((1, 2, 4, 8)), default=4, doc="ALU_PARALLEL_USER"),
        alu_leaky_relu=Field(Bool(), default=False, doc="ALU_LEAKYRELU (DPU41-PKG default 0)"),
        save_argmax=Field(Bool(), default=True, doc="SAVE_ARGMAX_ENA (DPU41-PKG default 1)"),
        uram=Field(Int(0, 84), default=0, doc="URAM_N_USER, UltraRAM per core (0 on Zynq-7000)"),
        ip_repo=Field(Str(r"[A-Za-z0-9_.][A-Za-z0-9_./\-]*", max_len=255,
                          what="a relative path (letters, digits, _ . / -)"), default="ip_repo"),
        control_base=Field(ADDR32, default=None),
        control_port=Field(Choice(PS_PORTS), default=None),
        irq=Field(IRQ_LINE, default=0),
        fclk_tolerance_ppm=Field(Num(0, 100_000, "ppm"), default=0.0),
    )),
    linux=sub(MemoRec(
        LinuxSettings,
        cma=Field(Size(4 * MIB, 64 << 30, MIB, what="a CMA size"), default=256 * MIB),
        cma_base=Field(Size(0, 0xFFFF_FFFF, MIB, what="a CMA base address"), default=None),
        cma_alignment=Field(Size(4 << 10, 1 << 30, 4 << 10, what="an alignment"), default=4 * MIB),
        min_free=Field(Size(0, 64 << 30, MIB), default=128 * MIB),
        root=Field(Str(r"/dev/[A-Za-z0-9_/]+|PARTUUID=[0-9A-Fa-f\-]+|[a-z]+:[A-Za-z0-9_./:\-]+",
                       max_len=120, what="a root device such as /dev/mmcblk0p2"),
                   default="/dev/mmcblk0p2"),
        rootfstype=Field(Choice(("ext4", "ext3", "ext2", "squashfs", "nfs", "ramfs", "cpio")),
                         default="ext4"),
        earlycon=Field(Bool(), default=True),
        extra_bootargs=Field(BOOTARG_WORDS, default=""),
    )),
    build=sub(MemoRec(
        BuildSettings,
        design_name=Field(NAME, default=None),
        bd_name=Field(NAME, default="system"),
        synth_strategy=Field(STRATEGY, default="Vivado Synthesis Defaults"),
        impl_strategy=Field(STRATEGY, default="Performance_Explore"),
        post_route_phys_opt=Field(Bool(), default=True),
        jobs=Field(Int(1, 64), default=4),
        interconnect=Field(Choice(("axi_interconnect", "smartconnect")), default="axi_interconnect"),
        # The Vivado/PetaLinux release written for (parts/toolchains.yaml, docs/dpu-versions.md)
        toolchain=Field(_toolchain.ReleaseChoice(_toolchain.releases()), default=_toolchain.default_release(),
                        doc="Vivado and PetaLinux release"),
    )),
    budget=sub(MemoRec(
        BudgetLimits,
        lut=Field(PCT, default=80.0), ff=Field(PCT, default=80.0), bram=Field(PCT, default=90.0),
        dsp=Field(PCT, default=90.0), uram=Field(PCT, default=90.0),
    )),
)
