"""The block design of a Zynq + DPU design, as a graph (pure; no text).

``plan_block_design(design, clocks)`` decides every cell, property, interface link,
net and address segment; ``templates/tcl/block_design.tcl.j2`` only writes the graph
out. Names that belong to the PS family come from ``families/<family>.yaml``; the DPU's
interface and pin names come from its profile; the infrastructure IPs' pin and CONFIG
names are the real IPs' (their product guides and real write_bd_tcl exports, cited beside each).

Clock domains (one ``proc_sys_reset`` each):
- ``ps``:  FCLK_CLK0. The control path: M_AXI_GP0, its interconnect, the DPU's S_AXI
  (``s_axi_aclk`` when the profile has an independent control clock), and the wizard input.
- ``dpu``: the wizard's 1x output. The DPU's masters (``m_axi_dpu_aclk``), the HP
  interconnects and the HP port clocks, so DPU data never crosses a clock boundary.
- ``dsp``: the wizard's 2x output (``dpu_2x_clk``), phase-aligned with ``dpu`` because
  both come from one MMCM (PG338 port table; TRD20 builds them the same way).
"""

from __future__ import annotations

from hwgen.frozen import by_identity, dataclass, field, replace
from functools import lru_cache

from hwgen.plan.addressmap import control_port as _control_port, ddr_regions, dpu_control_window
from hwgen.plan.bdgraph import AddressSegment, BlockDesign, Cell, IntfLink, Net, Port
from hwgen.dpu.arch import geometry
from hwgen.errors import InputError, Mark, Problem
from hwgen.model.family import Family, load_family

# Cell names. Short, stable and self-explaining: they appear in every pin path.
CLK_WIZ = "dpu_clk_wiz"            # the name TRD20 gives the DPU's clocking wizard (TRD20 trd_bd.tcl)
IRQ_CONCAT = "irq_concat"
IRQ_TIEOFF = "irq_tieoff"
GP_INTERCONNECT = "axi_{port}"      # axi_gp0, axi_hp0, axi_hp2
RESET = "rst_{domain}"

# clk_wiz output port names (CLK_OUTn_PORT). TRD20 puts the 2x clock on clk_out1 and the
# 1x clock on clk_out2 (TRD20 trd_bd.tcl); hwgen keeps that order and names the ports after use.
DSP_PORT = "clk_dsp"
DPU_PORT = "clk_dpu"

# proc_sys_reset pins (PG164)
RST_CLK, RST_EXT, RST_LOCKED = "slowest_sync_clk", "ext_reset_in", "dcm_locked"
RST_PERIPH, RST_IC = "peripheral_aresetn", "interconnect_aresetn"


@dataclass(frozen=True)
class Domain:
    name: str          # "ps" | "dpu" | "dsp"
    clock: str         # the pin driving the domain's clock net
    mhz: float
    reset: str         # its proc_sys_reset cell

    @property
    def net(self) -> str:
        return f"clk_{self.name}"


# ----------------------------------------------------------------------------- helpers
def _b(flag: bool) -> str:
    return "1" if flag else "0"


def _mhz(value: float) -> str:
    """A frequency as Vivado writes it in CONFIG values: 150.000."""
    return f"{value:.3f}"


def _freq(value: float) -> str:
    """A requested frequency as people type it: 150, 142.857, 148.148."""
    return f"{value:.6g}"


def fclk_source(family: Family, clocks) -> str:
    """The family's CLKSRC value for the plan's PLL ("IO PLL" → "IOPLL" on Zynq UltraScale+)."""
    return _fclk_source(family, clocks.fclk0.source)


@lru_cache(maxsize=16)   # a family has three PLLs: every plan of a sweep asks for one of them
def _fclk_source(family: Family, source: str) -> str:
    from hwgen.plan.clocks import canonical_pll_name

    return next(p.source for p in family.ps.fabric_clock.plls if canonical_pll_name(p.source) == source)


class _Nets:
    """Nets by name in first-use order: one driver, loads appended as wiring proceeds."""

    def __init__(self):
        self._order: list[str] = []
        self._nets: dict[str, dict] = {}

    def drive(self, name: str, driver: str, kind: str, freq_mhz: float | None = None):
        self._order.append(name)
        self._nets[name] = {"driver": driver, "loads": [], "kind": kind, "freq": freq_mhz}

    def load(self, name: str, *pins: str):
        self._nets[name]["loads"].extend(pins)

    def freeze(self) -> tuple[Net, ...]:
        """The nets that reach at least one load (a SmartConnect leaves interconnect_aresetn unused)."""
        return tuple(Net(n, self._nets[n]["driver"], tuple(self._nets[n]["loads"]),
                         self._nets[n]["kind"], self._nets[n]["freq"])
                     for n in self._order if self._nets[n]["loads"])


# ----------------------------------------------------------------------------- DPU
@dataclass(frozen=True)
class DpuCore:
    index: int
    masters: tuple[tuple[str, str, int], ...]   # (interface, PS port key, data width)
    interrupt: str


def _core_name(name: str, index: int, prefix: str) -> str | None:
    """DPU0_M_AXI_DATA0 → DPU1_M_AXI_DATA0 for core 1 (VAI20 component.xml naming)."""
    if index == 0:
        return name
    if not name.startswith(prefix):
        return None
    return prefix.replace("0", str(index), 1) + name[len(prefix):]


def dpu_cores(design) -> tuple[DpuCore, ...]:
    """Each DPU core's masters (with the PS port the profile sends them to) and interrupt.

    The profile describes core 0; cores 1..3 repeat it with DPU<n>_/dpu<n>_ names (VAI20
    component.xml: DPU1..3_M_AXI_* and dpu1..3_interrupt exist when VER_DPU_NUM > n) and
    share core 0's PS ports.
    """
    s = design.settings.dpu
    cores = _dpu_cores_of(design.dpu, design.board.ps.family, s.cores, s.softmax)
    if isinstance(cores, _Refusal):
        where = _where(design, "dpu", ("connect",)) if cores.path == "connect" else design.origin(cores.path)
        raise InputError(Problem(where, cores.path, cores.message))
    return cores


@dataclass(frozen=True)
class _Refusal:
    """Why the cores cannot be listed: the setting or profile key to name, and the message."""

    path: str       # "connect" (the profile's connect map) or "dpu.cores"
    message: str


# Keyed on all the listing reads (the profile, the family, the core count and softmax): the
# plan, its PS description, the bandwidth lint and the device tree each ask for it, for every
# design of a sweep. A refusal is remembered as what it says; dpu_cores locates it in the
# design that asked.
@lru_cache(maxsize=64)
def _dpu_cores_of(profile, family_name: str, cores: int, softmax: bool) -> tuple[DpuCore, ...] | _Refusal:
    iface = profile.interfaces
    family = load_family(family_name)
    # The DPU's data masters are as wide as the IP's init makes them on this family
    # (ARCH_HP_BW: 64 bit on Zynq-7000, 128 on Zynq UltraScale+; DPU41-PKG bd.tcl).
    data_width = family.dpu.hp_data_width
    trd_ports = _trd_ports(family, iface, cores)
    connect = dict(profile.connect)
    missing = [m for m in iface.data + (iface.instr,) if m not in connect]
    if missing and trd_ports is None:
        return _Refusal("connect", f"expected a PS port for every DPU master, missing {', '.join(missing)}")
    out = []
    for n in range(cores):
        masters = []
        for name, width in [(d, data_width) for d in iface.data] + [(iface.instr, iface.instr_width)]:
            renamed = _core_name(name, n, "DPU0_")
            if renamed is None:
                return _Refusal("dpu.cores", f"expected 1 for profile {profile.name}: its master {name} "
                                             f"does not follow the DPU0_ naming, so core {n}'s masters "
                                             f"cannot be named")
            port = trd_ports[(n, name)] if trd_ports is not None else connect[name]
            masters.append((renamed, port, width))
        irq = _core_name(profile.pins.interrupt, n, "dpu0_")
        if irq is None:
            return _Refusal("dpu.cores", f"expected 1 for profile {profile.name}: its interrupt "
                                         f"{profile.pins.interrupt} does not follow the dpu0_ naming")
        out.append(DpuCore(n, tuple(masters), irq))
    sfm = family.dpu.softmax_master
    if softmax and sfm is not None and trd_ports is not None:
        # The softmax block has its own master and interrupt (SFM_ENA 1); the TRD gives its
        # master the next data port in the same order and its interrupt the next line.
        out.append(DpuCore(cores, ((sfm, trd_ports[("softmax", sfm)], data_width),),
                           family.dpu.softmax_interrupt))
    return tuple(out)


def _trd_ports(family: Family, iface, cores: int) -> dict | None:
    """(core, master) → PS port as the TRD wires them, or None where the family has no TRD order.

    DPUTRD (trd_bd.tcl, lib_dpu_ghp_info_cn_list, CN_STGY "flat"): the data masters of
    core 0, then core 1 ..., take the family's data ports in order, one each; once every
    port has one, the next master goes to the last port, the one after to the one before
    it, and so on. Every instruction master shares the family's instruction port.
    """
    ports = family.dpu.data_ports
    if not ports or family.dpu.instr_port is None:
        return None
    out = {}
    masters = [(n, d) for n in range(cores) for d in iface.data]
    if family.dpu.softmax_master:
        masters.append(("softmax", family.dpu.softmax_master))   # last, as DPUTRD lists it
    for i, (n, name) in enumerate(masters):
        out[(n, name)] = ports[i] if i < len(ports) else ports[len(ports) - 1 - i % len(ports)]
    for n in range(cores):
        out[(n, iface.instr)] = family.dpu.instr_port
    return out


def dpu_config(design, family: Family) -> tuple[tuple[str, str], ...]:
    """The DPU's CONFIG values: every user parameter of the v4.x IP that decides what is
    built or what the compiler targets, written explicitly (DPU41-PKG component.xml).

    Not written: what the IP fixes (DWCV_ENA, POOL_AVERAGE are 1 with a single choice) and
    the per-family values its bd.tcl ``init`` sets when the cell is created (family.dpu
    .implied), as the real Zynq-7000 v4.1 builds leave them. ARCH must be written because
    ``init`` rewrites it (1152 -> 4096, else 144).
    """
    s = design.settings.dpu
    for key, allowed, why in (
            ("softmax", family.dpu.softmax or not s.softmax,
             "SFM_ENA needs AXI4 HP ports (GUI-enabled only when M_AXI_AWRLEN_BW > 4)"),
            ("uram", family.dpu.uram or s.uram == 0, "the part family has no UltraRAM")):
        if not allowed:
            raise InputError(Problem(design.origin(f"dpu.{key}"), f"dpu.{key}",
                                     f"expected {'false' if key == 'softmax' else 0} on {family.name}: "
                                     f"{why} (DPU41-GTCL), got {getattr(s, key)!r}"))
    return (
        ("ARCH", str(geometry(design.dpu.arch).size)),               # B512 → 512
        ("VER_DPU_NUM", str(s.cores)),                                # cores 1-4
        ("ARCH_IMG_BKGRP", "3" if s.ram_usage == "high" else "2"),    # RAM usage: 2 low, 3 high
        ("LOAD_AUGM", _b(s.channel_augmentation)),                    # channel augmentation
        ("CONV_RELU_ADDON", "3" if s.leaky_relu else "2"),            # 3: +LeakyReLU, 2: ReLU/ReLU6
        ("ALU_PARALLEL_USER", str(s.alu_parallel)),                   # ALU_PARALLEL = min(this, PP)
        ("ALU_LEAKYRELU", _b(s.alu_leaky_relu)),                      # fingerprint bit 29
        ("SAVE_ARGMAX_ENA", _b(s.save_argmax)),                       # fingerprint bit 30
        ("CONV_DSP_ACCU_ENA", _b(s.dsp_usage == "high")),             # DSP usage: 0 low, 1 high
        ("URAM_N_USER", str(s.uram)),                                 # UltraRAM per core
        # 1: S_AXI has its own clock pin (s_axi_aclk), so the register path runs on FCLK0
        ("S_AXI_CLK_INDEPENDENT", _b(design.dpu.pins.control_clock is not None)),
        ("CLK_GATING_ENA", "0"),                                      # hwgen offers no clock gating
        ("SFM_ENA", _b(s.softmax)),                                   # softmax (AXI4 families only)
    )


def _where(design, role: str, path: tuple) -> Mark:
    """file:line:col of ``path`` in the design's ``role`` file, or the file's name."""
    mark = design.input_mark(role, path) if hasattr(design, "input_mark") else None
    return mark or Mark(input_name(design, role))


def input_name(design, role: str) -> str:
    """The display name of the design's ``role`` input file ("board" or "dpu")."""
    return next((i.name for i in design.inputs if i.role == role), role)


# ----------------------------------------------------------------------------- PS
def ps_properties(design, family: Family, clocks, ports: dict[str, str | None]
                  ) -> tuple[tuple[tuple[tuple[str, str], ...], ...], tuple[tuple[str, str], ...]]:
    """(preset blocks, plan): the vendor's whole preset, then what hwgen's plan sets.

    The preset is written whole, block by block in file order, as Vivado's apply-board-preset
    sets it; hwgen's plan follows and overrides what it must (FCLK0, the PS ports, the
    fabric interrupt; board presets enable ports for their own reference designs, as the K26
    SOM's turns on M_AXI_HPM0/1_FPD). ``ports`` maps each family port key to "used" width text (or None).
    """
    ps = family.ps
    fc = ps.fabric_clock
    plan: list[tuple[str, str]] = [(fc.enable, "1")]
    if fc.port:
        plan.append((fc.port, "1"))
    plan += [
        (fc.reset_port, "1"),
        *fc.props,
        (fc.source, fclk_source(family, clocks)),
        # Vivado solves its own divisors from the requested frequency; asking for exactly
        # what the plan's divisors make keeps both in agreement.
        (fc.freq, _freq(clocks.fclk0.achieved_mhz)),
        (fc.divisor0, str(clocks.fclk0.divisor0)),
        (fc.divisor1, str(clocks.fclk0.divisor1)),
    ]
    for key, port in ps.master_ports:
        width = ports.get(key)
        plan.append((port.use, _b(width is not None)))
        if width is not None and port.width:
            plan.append((port.width, width))
    for key, port in ps.slave_ports:
        width = ports.get(key)
        plan.append((port.use, _b(width is not None)))
        if width is not None:
            plan.append((port.width, width))
    plan += list(ps.interrupt.props)
    plan += [(name, "0") for name in ps.disabled]
    return design.board.ps.preset, tuple(plan)


# A board's preset blocks are one tuple for all its designs (the board is loaded once): each
# plan of the board writes the same ~300-500 entries, flattened once.
@by_identity(maxsize=16)
def _flat_preset(blocks: tuple) -> tuple[tuple, tuple[int, ...]]:
    """(every entry of the preset blocks in order, the length of each block)."""
    return tuple(p for block in blocks for p in block), tuple(len(b) for b in blocks)


def plan_overrides(design, cell) -> dict[str, tuple[str, str]]:
    """The preset values hwgen's plan changes: name -> (preset value, plan value)."""
    preset = design.board.ps.effective
    return {name: (preset[name], value) for name, value in cell.props[cell.preset:]
            if name in preset and preset[name] != value}


# ----------------------------------------------------------------------------- the plan
def plan_block_design(design, clocks) -> BlockDesign:
    """The whole block design for ``design`` with the clock plan ``clocks``.

    ``clocks`` is a :class:`hwgen.clocks.ClockPlan` (``clockflow.design_clocks(design)``).
    Pure, so cached: the budget estimate and the Tcl generator both plan the design
    (equal designs, inputs included, give equal plans; errors are not cached).
    """
    return _plan_block_design(unplanned_blank(design), clocks)


# The fields of a Design the block design does not read: the strategies, the job count,
# the toolchain, the design's name and the --set list that wrote them, and dpu.profile as
# written (the plan reads the profile record itself). They are blanked before the (cached)
# plan, so the designs of a sweep that differ only there, and the alternatives the budget
# evaluates for each (a smaller architecture is the same profile record whichever larger
# one it replaces), share one plan. Were the plan to read one,
# it would read the blank for every design and show it in every block design (the goldens);
# tests/test_sweep_caches.py compares the plan with and without the blanking.
_UNPLANNED_BUILD = {"design_name": None, "synth_strategy": "", "impl_strategy": "",
                    "post_route_phys_opt": False, "jobs": 0, "toolchain": ""}


# Remembered per design object: the plan, the estimate, the Tcl, the device tree and the review
# each ask for it with the design they were given, and the copy it returns, being the same
# object, keeps its own hash too. By identity, so the design itself is never hashed for it; an
# equal design met as another object is blanked again, to an equal copy.
@by_identity(maxsize=32)
def unplanned_blank(design):
    """``design`` with the build fields no plan reads blanked (``_UNPLANNED_BUILD``), the
    overrides list and dpu.profile as written too: equal for designs that differ only there
    (a cache key)."""
    s = design.settings
    return replace(design, overrides=(), settings=_unplanned_settings(type(s), s.dpu, s.linux, s.build, s.budget))


# The blanked settings by which sections they hold: load_design gives the designs of a sweep
# the same section records for equal sections (schema.MemoRec), so the strategy variants of a
# design get one blanked Settings, compared and hashed by identity in the plan caches, instead
# of three copies compared field by field. The sections (all a Settings holds) are the key,
# not the Settings itself, which is new for every design.
@by_identity(maxsize=64)
def _unplanned_settings(kind, dpu, linux, build, budget):
    return kind(dpu=_unplanned_dpu(dpu), linux=linux, build=_unplanned_build(build), budget=budget)


@by_identity(maxsize=64)
def _unplanned_build(build):
    return replace(build, **_UNPLANNED_BUILD)


@by_identity(maxsize=64)
def _unplanned_dpu(dpu):
    return replace(dpu, profile="")


# A sweep meets each plan again for a later, larger DPU's alternatives (every smaller
# architecture at the same clock), hence room for a board's worth of plans.
@lru_cache(maxsize=128)
def _plan_block_design(design, clocks) -> BlockDesign:
    """The plan: its parts without the clocks (_plan_skeleton, shared by the design at every
    clock), then the five cells and three nets the clock plan decides."""
    sk = _plan_skeleton(unclocked(design))
    family = sk.family
    ps = family.ps
    fc = ps.fabric_clock
    P = ps.cell
    ips = family.ips
    mhz = {"ps": clocks.fclk0.achieved_mhz, "dpu": clocks.dpu_mhz, "dsp": clocks.dsp_mhz}
    cells = list(sk.cells)
    blocks, plan = ps_properties(design, family, clocks, sk.widths)
    preset, preset_blocks = _flat_preset(blocks)
    cells[0] = Cell(P, design.board.ps.vlnv, preset + plan, "ps",
                    why=_ps_why(design, family, clocks, sk.hp_used, sk.widths, sk.gp), preset=len(preset),
                    preset_blocks=preset_blocks)
    cells[1] = Cell(
        CLK_WIZ, ips.clk_wiz, clk_wiz_properties(clocks, design.board.ps.pll_exact), "clock",
        why=(f"One MMCM makes both DPU clocks, so dpu_2x_clk is phase-aligned with "
             f"m_axi_dpu_aclk as the DPU requires (PG338 port table; TRD20 uses one clk_wiz). "
             f"{DPU_PORT} {_mhz(clocks.dpu_mhz)} MHz, {DSP_PORT} {_mhz(clocks.dsp_mhz)} MHz from "
             f"{fc.pin} {_mhz(clocks.fclk0.achieved_mhz)} MHz."))
    why_dom = {"ps": f"{fc.pin}: {sk.gp.intf}, the register interconnect"
                     + (" and the DPU's S_AXI" if sk.control_on_ps else ""),
               "dpu": "the DPU's AXI masters, the HP interconnects and HP ports",
               "dsp": "the DPU's DSP (2x) clock"}
    for i, name in enumerate(("ps", "dpu", "dsp")):
        cells[2 + i] = Cell(RESET.format(domain=name), ips.proc_sys_reset, (), "reset",
                            why=f"Reset for the {name} domain ({_mhz(mhz[name])} MHz): {why_dom[name]}.")
    freq = {f"clk_{name}": value for name, value in mhz.items()}
    nets = tuple(Net(n.name, n.driver, n.loads, n.kind, freq[n.name]) if n.name in freq else n
                 for n in sk.nets)
    return BlockDesign(sk.name, tuple(cells), sk.ports, sk.links, nets, sk.addresses)


@dataclass(frozen=True)
class _Skeleton:
    """A plan without what its clocks decide: the cells with the PS, the clocking wizard and
    the three resets left None, the nets with the clock nets' frequencies left None, and
    what _plan_block_design needs to fill them in."""

    name: str
    family: Family
    cells: tuple
    ports: tuple
    links: tuple
    nets: tuple
    addresses: tuple
    hp_used: tuple
    widths: dict = field(compare=False, hash=False)   # port key -> width text; only read
    gp: object = None
    control_on_ps: bool = False


# The design without its clock settings (dpu.clock_mhz, dsp_clock_mhz, fclk_tolerance_ppm),
# which only the clock plan reads: the key of _plan_skeleton, so a design's plans at every
# clock share one skeleton. Were the skeleton to read a blanked field it would read the blank
# for every design; tests/test_sweep_caches.py compares it with the design's own.
_UNCLOCKED_DPU = {"clock_mhz": 0.0, "dsp_clock_mhz": None, "fclk_tolerance_ppm": 0.0}


def unclocked(design):
    """``design`` without its clock settings (``_UNCLOCKED_DPU``): equal for the design at
    every clock (a cache key for what no clock decides)."""
    s = design.settings
    return replace(design, settings=_unclocked_settings(type(s), s.dpu, s.linux, s.build, s.budget))


@by_identity(maxsize=64)     # by the section records, as _unplanned_settings
def _unclocked_settings(kind, dpu, linux, build, budget):
    return kind(dpu=_unclocked_dpu(dpu), linux=linux, build=build, budget=budget)


@by_identity(maxsize=64)
def _unclocked_dpu(dpu):
    return replace(dpu, **_UNCLOCKED_DPU)


# As _plan_block_design keeps a board's worth of plans, this keeps their skeletons.
@lru_cache(maxsize=128)
def _plan_skeleton(design) -> _Skeleton:
    family = load_family(design.board.ps.family)
    ps = family.ps
    P = ps.cell
    profile = design.dpu
    D = profile.cell
    pins = profile.pins
    board_ports = design.board.ps.ports
    interconnect = design.settings.build.interconnect
    cores = dpu_cores(design)

    # ---- which PS ports the design uses, checked against the board and the family
    hp_used = sorted({port for core in cores for _, port, _ in core.masters})
    problems = []
    for port in hp_used:
        if ps.slave(port) is None:
            problems.append(Problem(_where(design, "dpu", ("connect",)), "connect",
                                    f"expected a PS slave port of {family.name} "
                                    f"({', '.join(k for k, _ in ps.slave_ports)}), got {port!r}"))
        elif getattr(board_ports, port) is None:
            problems.append(Problem(_where(design, "board", ("ps", "ports")), f"ps.ports.{port}",
                                    f"expected the port the DPU profile {profile.name} uses; "
                                    f"the board does not list it"))
    control_port, gp = _control_port(design)
    if getattr(board_ports, control_port) is None:
        problems.append(Problem(_where(design, "board", ("ps", "ports", control_port)),
                                f"ps.ports.{control_port}",
                                f"expected the port the DPU's registers are reached through "
                                f"({gp.intf})"))
    for port in hp_used:
        width = getattr(board_ports, port).width if getattr(board_ports, port) is not None else None
        if width is not None and width > family.dpu.hp_data_width:
            problems.append(Problem(Mark(input_name(design, "board")), f"ps.ports.{port}.width",
                                    f"expected at most {family.dpu.hp_data_width} (the widest "
                                    f"{ps.slave(port).intf} on {family.name}), got {width}"))
    if problems:
        raise InputError(problems)
    irq_base = design.settings.dpu.irq
    if irq_base + len(cores) > ps.interrupt.lines:
        raise InputError(Problem(design.origin("dpu.irq"), "dpu.irq",
                                 f"expected at most {ps.interrupt.lines - len(cores)} so that "
                                 f"{len(cores)} DPU interrupt(s) fit {ps.interrupt.pin}"
                                 f"[{ps.interrupt.lines - 1}:0], got {irq_base}"))
    window = dpu_control_window(design)

    widths = {p: str(getattr(board_ports, p).width) for p in hp_used}
    widths[control_port] = str(getattr(board_ports, control_port).width)

    # ---- clock domains (their frequencies: _plan_block_design)
    fc = ps.fabric_clock
    ps_dom = Domain("ps", f"{P}/{fc.pin}", None, RESET.format(domain="ps"))
    dpu_dom = Domain("dpu", f"{CLK_WIZ}/{DPU_PORT}", None, RESET.format(domain="dpu"))
    dsp_dom = Domain("dsp", f"{CLK_WIZ}/{DSP_PORT}", None, RESET.format(domain="dsp"))
    domains = (ps_dom, dpu_dom, dsp_dom)
    ctrl_dom = ps_dom if pins.control_clock else dpu_dom

    nets = _Nets()
    for dom in domains:
        nets.drive(dom.net, dom.clock, "clock", dom.mhz)
    nets.drive("ps_resetn", f"{P}/{fc.reset_pin}", "reset")
    nets.drive("clk_locked", f"{CLK_WIZ}/locked", "signal")
    for dom in domains:
        nets.drive(f"{dom.name}_{RST_PERIPH}", f"{dom.reset}/{RST_PERIPH}", "reset")
    for dom in domains[:2]:
        nets.drive(f"{dom.name}_{RST_IC}", f"{dom.reset}/{RST_IC}", "reset")

    def clocked(dom: Domain, *clock_pins: str):
        nets.load(dom.net, *clock_pins)

    def reset_by(dom: Domain, *reset_pins: str, interconnect_reset: bool = False):
        nets.load(f"{dom.name}_{RST_IC if interconnect_reset else RST_PERIPH}", *reset_pins)

    # ---- cells: the PS, the clocking wizard and the resets are the clocks' (_plan_block_design)
    cells: list[Cell | None] = [None, None]
    links: list[IntfLink] = []

    ips = family.ips
    for dom in domains:
        cells.append(None)
        clocked(dom, f"{dom.reset}/{RST_CLK}")
        nets.load("ps_resetn", f"{dom.reset}/{RST_EXT}")
        if dom is not ps_dom:
            # Held in reset until the MMCM locks: its outputs are not clocks before that.
            nets.load("clk_locked", f"{dom.reset}/{RST_LOCKED}")
    clocked(ps_dom, f"{CLK_WIZ}/clk_in1")
    nets.load("ps_resetn", f"{CLK_WIZ}/resetn")

    cells.append(Cell(
        D, profile.vlnv, tuple(dpu_config(design, family)), "dpu",
        why=(f"DPU profile {profile.name}, DPUCZDX8G {profile.arch}: every user parameter of the v4.x "
             f"IP that decides what is built or what the compiler targets (DPU41-PKG component.xml). "
             f"Not written, the IP's init sets them from the part family: {family.dpu.implied}; "
             f"DWCV_ENA and POOL_AVERAGE are fixed at 1 in v4.x.")))
    clocked(dpu_dom, f"{D}/{pins.axi_clock}")
    reset_by(dpu_dom, f"{D}/{pins.axi_reset}")
    clocked(dsp_dom, f"{D}/{pins.dsp_clock}")
    reset_by(dsp_dom, f"{D}/{pins.dsp_reset}")
    if pins.control_clock:
        clocked(ps_dom, f"{D}/{pins.control_clock}")
        reset_by(ps_dom, f"{D}/{pins.control_reset}")

    # ---- interconnects: GP0 → DPU registers, then one per used HP port
    ic_gp = GP_INTERCONNECT.format(port=control_port)
    cells.append(_interconnect_cell(ic_gp, ips, interconnect, 1, 1,
                                    f"{gp.intf} to the DPU's {profile.interfaces.control}: "
                                    f"adapts the PS master's protocol and width to the DPU "
                                    f"register slave."))
    clocked(ps_dom, f"{P}/{gp.clock}")
    _wire_interconnect(ic_gp, interconnect, [(ps_dom, f"S00")], [(ctrl_dom, "M00")],
                       ps_dom, clocked, reset_by)
    links.append(IntfLink(f"{P}/{gp.intf}", f"{ic_gp}/S00_AXI", int(widths[control_port]),
                          "PS register access"))
    links.append(IntfLink(f"{ic_gp}/M00_AXI", f"{D}/{profile.interfaces.control}", 32,
                          "DPU registers"))

    for port in hp_used:
        hp = ps.slave(port)
        ic = GP_INTERCONNECT.format(port=port)
        feeding = [(name, width) for core in cores for name, p, width in core.masters if p == port]
        cells.append(_interconnect_cell(
            ic, ips, interconnect, len(feeding), 1,
            f"DPU masters {', '.join(n for n, _ in feeding)} to {hp.intf}; all in the dpu clock "
            f"domain, so no clock conversion."))
        clocked(dpu_dom, f"{P}/{hp.clock}")
        _wire_interconnect(ic, interconnect, [(dpu_dom, f"S{i:02d}") for i in range(len(feeding))],
                           [(dpu_dom, "M00")], dpu_dom, clocked, reset_by)
        for i, (name, width) in enumerate(feeding):
            links.append(IntfLink(f"{D}/{name}", f"{ic}/S{i:02d}_AXI", width, "DPU to DDR"))
        links.append(IntfLink(f"{ic}/M00_AXI", f"{P}/{hp.intf}", int(widths[port]), "to DDR"))

    # ---- interrupts: DPU core n → IRQ_F2P[irq + n]
    inputs = []
    if irq_base:
        cells.append(Cell(IRQ_TIEOFF, ips.xlconstant,
                          (("CONST_VAL", "0"), ("CONST_WIDTH", str(irq_base))), "irq_tieoff",
                          why=f"{ps.interrupt.pin}[{irq_base - 1}:0] unused: tied to 0 "
                              f"explicitly rather than left for validate to tie off."))
        inputs.append(("tieoff", irq_base))
    inputs += [(core.interrupt, 1) for core in cores]
    concat_props = [("NUM_PORTS", str(len(inputs)))]
    if irq_base:
        concat_props.append(("IN0_WIDTH", str(irq_base)))
    cells.append(Cell(IRQ_CONCAT, ips.xlconcat, tuple(concat_props), "irq_concat",
                      why=(f"DPU interrupt(s) onto {ps.interrupt.pin}[{irq_base}"
                           + (f"..{irq_base + len(cores) - 1}" if len(cores) > 1 else "")
                           + f"] (dpu.irq={irq_base}); the device tree's SPI number follows "
                             f"from that line (addressmap.gic_spi).")))
    for i, (source, _) in enumerate(inputs):
        pin = f"{IRQ_CONCAT}/In{i}"
        if source == "tieoff":
            nets.drive("irq_tieoff", f"{IRQ_TIEOFF}/dout", "signal")
            nets.load("irq_tieoff", pin)
        else:
            nets.drive(f"irq_{source}", f"{D}/{source}", "interrupt")
            nets.load(f"irq_{source}", pin)
    # the net is named after the PS pin it feeds (irq_f2p, pl_ps_irq0)
    irq_net = ps.interrupt.pin.lower()
    nets.drive(irq_net, f"{IRQ_CONCAT}/dout", "interrupt")
    nets.load(irq_net, f"{P}/{ps.interrupt.pin}")

    # ---- external ports
    ports = tuple(Port(e.name, e.vlnv, e.mode) for e in ps.external)
    links = [IntfLink(f"{P}/{e.pin}", e.name, 0, "board pins") for e in ps.external] + links

    # ---- addresses
    addresses = [AddressSegment(f"{P}/{ps.data_space}",
                                f"{D}/{profile.interfaces.control}/{profile.interfaces.control_segment}",
                                window.base, window.range)]
    # Each DPU master sees every range of the board's DDR through its port's segment for that
    # range (Zynq UltraScale+: HP0_DDR_LOW, and HP0_DDR_HIGH where DDR goes past 2 GiB).
    for core in cores:
        for name, port, _ in core.masters:
            hp = ps.slave(port)
            for range_name, base, size in ddr_regions(design):
                addresses.append(AddressSegment(f"{D}/{name}", hp.segment(P, range_name), base, size))

    return _Skeleton(design.settings.build.bd_name, family, tuple(cells), ports, tuple(links),
                     nets.freeze(), tuple(addresses), tuple(hp_used), widths, gp, ctrl_dom is ps_dom)


def _ps_why(design, family: Family, clocks, hp_used: list[str], widths: dict[str, str], gp) -> str:
    ps = family.ps
    dpu_width = family.dpu.hp_data_width
    hp = ", ".join(f"{ps.slave(p).intf} {widths[p]}-bit" for p in hp_used)
    text = (f"The PS with the {design.board.name} vendor preset written whole, property by "
            f"property from the board YAML (no board files needed), then hwgen's plan: {ps.fabric_clock.pin} "
            f"{_mhz(clocks.fclk0.achieved_mhz)} MHz from the {clocks.fclk0.source}; {hp} for the "
            f"DPU masters; {gp.intf} for its registers; "
            f"{ps.interrupt.pin} for its interrupt. HP widths come from the board's "
            f"ps.ports.hpN.width. ")
    data = {port for core in dpu_cores(design) for name, port, width in core.masters
            if width == dpu_width}
    if all(int(widths[p]) == dpu_width for p in data):
        text += (f"Data ports {dpu_width} bit because the DPU's data masters are {dpu_width} bit "
                 f"on this family (the IP's init, DPU41-PKG bd.tcl): the port takes them without "
                 f"a width converter.")
    else:
        text += (f"A port narrower than the DPU's {dpu_width}-bit data masters makes its "
                 f"interconnect convert widths and halves that port's bandwidth per clock.")
    return text


# ----------------------------------------------------------------------------- infrastructure
# axi_interconnect: per-port clocks/resets S00_ACLK, M00_ARESETN ... plus ACLK/ARESETN;
# smartconnect: aclk/aresetn only (PG247).
def _interconnect_cell(name: str, ips, kind: str, num_si: int, num_mi: int, why: str) -> Cell:
    vlnv = ips.axi_interconnect if kind == "axi_interconnect" else ips.smartconnect
    return Cell(name, vlnv, (("NUM_SI", str(num_si)), ("NUM_MI", str(num_mi))), "interconnect", why=why)


def _wire_interconnect(name, kind, slaves, masters, core_dom, clocked, reset_by):
    if kind == "smartconnect":
        # SmartConnect has one clock and one reset; Vivado's automation drives aresetn from
        # peripheral_aresetn.
        clocked(core_dom, f"{name}/aclk")
        reset_by(core_dom, f"{name}/aresetn")
        return
    clocked(core_dom, f"{name}/ACLK")
    reset_by(core_dom, f"{name}/ARESETN", interconnect_reset=True)
    for dom, prefix in list(slaves) + list(masters):
        clocked(dom, f"{name}/{prefix}_ACLK")
        reset_by(dom, f"{name}/{prefix}_ARESETN")


def clk_wiz_properties(clocks, exact: bool = True) -> tuple[tuple[str, str], ...]:
    """clk_wiz CONFIG (PG065; TRD20 trd_bd.tcl).

    The requested frequencies are what the wizard solves for; the MMCM divider values of
    the clock plan are written too, so the exact 150/300 MHz solution is fixed rather than
    left to the wizard's search. When the board's PLLs are not exactly known (``exact``
    false: Vivado picks the IO PLL itself), neither is FCLK0: the wizard then takes its input
    frequency from FCLK_CLK0 as Vivado sets it and solves its own dividers.
    """
    mm = clocks.wizard
    if not exact:
        return (("PRIMITIVE", "MMCM"), ("PRIM_SOURCE", "No_buffer"), ("NUM_OUT_CLKS", "2"),
                ("CLK_OUT1_PORT", DSP_PORT), ("CLKOUT1_REQUESTED_OUT_FREQ", _mhz(clocks.dsp_mhz)),
                ("CLKOUT2_USED", "true"), ("CLK_OUT2_PORT", DPU_PORT),
                ("CLKOUT2_REQUESTED_OUT_FREQ", _mhz(clocks.dpu_mhz)), ("RESET_TYPE", "ACTIVE_LOW"),
                ("RESET_PORT", "resetn"), ("USE_LOCKED", "true"), ("USE_RESET", "true"))
    return (
        ("PRIMITIVE", "MMCM"),
        # FCLK_CLK0 already leaves the PS through a BUFG (PCW_FCLK_CLK0_BUF): no input buffer.
        ("PRIM_SOURCE", "No_buffer"),
        ("PRIM_IN_FREQ", _mhz(clocks.fclk0.achieved_mhz)),
        ("NUM_OUT_CLKS", "2"),
        ("CLK_OUT1_PORT", DSP_PORT),
        ("CLKOUT1_REQUESTED_OUT_FREQ", _mhz(clocks.dsp_mhz)),
        ("CLKOUT2_USED", "true"),
        ("CLK_OUT2_PORT", DPU_PORT),
        ("CLKOUT2_REQUESTED_OUT_FREQ", _mhz(clocks.dpu_mhz)),
        ("RESET_TYPE", "ACTIVE_LOW"),
        ("RESET_PORT", "resetn"),
        ("USE_LOCKED", "true"),
        ("USE_RESET", "true"),
        ("MMCM_DIVCLK_DIVIDE", str(mm.divclk)),
        ("MMCM_CLKFBOUT_MULT_F", f"{mm.mult_f:.3f}"),
        ("MMCM_CLKOUT0_DIVIDE_F", f"{mm.out_divides[0]:.3f}"),   # clk_out1: the 2x clock
        ("MMCM_CLKOUT1_DIVIDE", str(int(mm.out_divides[1]))),    # clk_out2: the 1x clock
    )


# Pure in the design, as plan_block_design; asked for by the estimate and the lint with the
# design they were given, so remembered by identity (the design is never hashed for it).
@by_identity(maxsize=32)
def block_design_for(design) -> BlockDesign:
    """The block design hwgen would build for ``design``, with its own clock plan."""
    from hwgen.plan.clockflow import design_clocks

    return plan_block_design(design, design_clocks(design))
