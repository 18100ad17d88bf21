"""The Vivado generator: vivado/block_design.tcl, vivado/strategies.tcl, vivado/build.tcl.

Python decides (the clock plan, the block-design graph, the run settings); this module
turns those decisions into small view objects with every value already in the form it
is written (hex addresses, Tcl command names for pins versus ports), and the templates
under templates/tcl/ lay them out.
"""

from __future__ import annotations

import re
from functools import lru_cache

from hwgen.frozen import by_identity, dataclass

from hwgen.model.family import load_family
from hwgen.plan.bdgraph import BlockDesign
from hwgen.plan.blockdesign import input_name, plan_block_design, plan_overrides, unplanned_blank
from hwgen.plan.clockflow import design_clocks, dsp_request_mhz
from hwgen.plan.clocks import DEFAULT_FALLBACK_FCLK_MHZ
from hwgen.emit.output import Output, text_output
from hwgen.emit.render import render

BLOCK_DESIGN = "vivado/block_design.tcl"
STRATEGIES = "vivado/strategies.tcl"
BUILD = "vivado/build.tcl"
# Where build.tcl writes, relative to the build folder (fixed names the report parsers and
# the PetaLinux step rely on).
UTILIZATION_REPORT = "reports/utilization.rpt"
TIMING_REPORT = "reports/timing_summary.rpt"


def xsa_name(design) -> str:
    """The hardware platform build.tcl writes into the build folder."""
    return f"{design.name}.xsa"


# ----------------------------------------------------------------------------- views
@dataclass(frozen=True)
class HeaderView:
    design: str
    board: str
    dpu: str
    part: str
    inputs: tuple
    overrides: tuple[str, ...]
    vivado: str = ""          # the releases build.toolchain names (parts/toolchains.yaml)
    petalinux: str = ""


@dataclass(frozen=True)
class InputView:
    role: str
    name: str
    sha256: str


_UNPRINTABLE = re.compile(r"[^\x20-\x7e]|\\")


def _shown(text: str) -> str:
    """Display text for a comment line: printable ASCII, no backslash (it would continue it)."""
    return _UNPRINTABLE.sub("?", text)


# By the design object: its Tcl files and its FuseSoC core each ask for it, and the one object
# lets the header's lines after the first be laid out once (render, tcl_header_rest).
@by_identity(maxsize=8)
def header_view(design) -> HeaderView:
    """Design identity and inputs for the header. Input names are never absolute paths
    (resources.display_name made them), so the Tcl never carries the machine's paths."""
    inputs = tuple(InputView(i.role, _shown(i.name), i.sha256) for i in design.inputs)
    overrides = tuple(_shown(o) for o in design.overrides)
    from hwgen.model.toolchain import toolchains

    tc = toolchains()[design.settings.build.toolchain]
    return HeaderView(design.name, design.board.name, design.dpu.name, design.board.part,
                      inputs, overrides, tc.vivado, tc.petalinux)


@dataclass(frozen=True)
class PropGroup:
    title: str
    props: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CellView:
    name: str
    vlnv: str
    why: str
    groups: tuple[PropGroup, ...]


@dataclass(frozen=True)
class LinkView:
    name: str
    master_cmd: str
    master: str
    slave_cmd: str
    slave: str
    why: str


@dataclass(frozen=True)
class NetView:
    name: str
    driver: str
    loads: tuple[str, ...]
    comment: str


@dataclass(frozen=True)
class AddressView:
    space: str
    segment: str
    offset: str
    range: str


@dataclass(frozen=True)
class ClockRow:
    name: str
    requested: str
    achieved: str


def _f(mhz: float) -> str:
    return f"{mhz:.3f} MHz"


def _req(mhz: float) -> str:
    return f"{mhz:g} MHz"


def clock_rows(design, clocks) -> tuple[ClockRow, ...]:
    """Requested versus achieved, for the comment block at the top of block_design.tcl."""
    s = design.settings.dpu
    dsp_req = dsp_request_mhz(s)
    f, w = clocks.fclk0, clocks.wizard
    # Not the DPU clock: FCLK_CLK0 was planned for the solver's fallback frequency
    # (clockflow passes none of its own), whatever it achieved.
    fclk_req = s.clock_mhz if clocks.fclk_is_dpu_clock else DEFAULT_FALLBACK_FCLK_MHZ
    return (
        ClockRow("m_axi_dpu_aclk", _req(s.clock_mhz), f"{_f(clocks.dpu_mhz)} (dpu.clock_mhz)"),
        ClockRow("dpu_2x_clk", _req(dsp_req),
                 f"{_f(clocks.dsp_mhz)} (" + ("dpu.dsp_clock_mhz" if s.dsp_clock_mhz is not None
                                              else "2 x dpu.clock_mhz") + ")"),
        ClockRow(load_family(design.board.ps.family).ps.fabric_clock.pin, _req(fclk_req),
                 f"{_f(f.achieved_mhz)} = {f.source} {f.pll_mhz:g} MHz / "
                 f"({f.divisor0} x {f.divisor1})"
                 + ("" if clocks.fclk_is_dpu_clock else ", feeds the clocking wizard only")),
        ClockRow("MMCM", "-",
                 f"{_f(w.fin_mhz)} / {w.divclk} x {w.mult_f:.3f} = VCO {_f(w.vco_mhz)}; "
                 f"/{w.out_divides[0]:.3f} = {_f(w.achieved[0])}, /{w.out_divides[1]:g} = "
                 f"{_f(w.achieved[1])}"),
    )


def _trim(x: float, places: int) -> str:
    return f"{x:.{places}f}".rstrip("0").rstrip(".")


def crystal_note(design) -> str:
    """Where every PS clock starts: the reference clock and the PLLs the clock plan derived from it."""
    from hwgen.model.family import pll_table

    ps = design.board.ps
    family = load_family(ps.family)
    text = (f"PS crystal {_trim(ps.crystal_mhz, 6)} MHz (the preset's "
            f"{family.ps.fabric_clock.reference}, written below with the preset); PLLs = crystal x "
            f"feedback divider: " + ", ".join(
                f"{name} x {fbdiv}{' / 2' if div2 else ''} = {_trim(mhz, 3)} MHz"
                for name, fbdiv, div2, mhz in pll_table(family, ps)) + ".")
    if not ps.pll_exact:
        text += (" The preset does not fix every PLL (ps.pll_exact false): Vivado may run the IO "
                 "PLL elsewhere, so the clocking wizard takes FCLK_CLK0 as Vivado sets it.")
    return text


def _intf_cmd(ref: str) -> str:
    # "cell/pin" names a cell's interface pin; a bare name is a block-design port.
    return "get_bd_intf_pins" if "/" in ref else "get_bd_intf_ports"


def cell_views(design, bd: BlockDesign) -> tuple[CellView, ...]:
    out = []
    for cell in bd.cells:
        if cell.role == "ps":
            groups = _ps_groups(design, cell)
        else:
            groups = (PropGroup("", cell.props),) if cell.props else ()
        out.append(CellView(cell.name, cell.vlnv, cell.why, groups))
    return tuple(out)


def _ps_groups(design, cell) -> tuple[PropGroup, ...]:
    """The PS cell's CONFIG as Vivado's apply-board-preset writes it (one group per preset
    block, whole and in file order), then hwgen's plan, which overrides what it must."""
    board_file = input_name(design, "board")
    groups, start = [], 0
    sizes = cell.preset_blocks or ((cell.preset,) if cell.preset else ())
    # The plan puts the board's preset blocks first (blockdesign.ps_properties): written from
    # the board's own tuples, the same objects in every design of the board, each block's
    # remembered text is found by identity instead of by hashing and comparing its pairs.
    shared = design.board.ps.preset
    if tuple(map(len, shared)) != sizes:
        shared = ()
    for i, size in enumerate(sizes, 1):
        block = shared[i - 1] if shared else cell.props[start:start + size]
        start += size
        first = f" It starts with CONFIG.preset {block[0][1]}: Vivado applies that built-in " \
                f"preset, then the values after it." if block and block[0][0] == "preset" else ""
        groups.append(PropGroup(f"Board preset, block {i} of {len(sizes)}: {board_file} ps.preset, "
                                f"{size} parameters in the vendor's order, as apply-board-preset "
                                f"sets them.{first}", block))
    overrides = plan_overrides(design, cell)
    changed = (" It changes these preset values: " + ", ".join(
        f"{n} {a} -> {b}" for n, (a, b) in overrides.items()) + ".") if overrides else ""
    groups.append(PropGroup("hwgen's plan: FCLK0 and its reset, the PS ports the DPU uses (and "
                            "every other port off), the fabric interrupt." + changed,
                            cell.props[cell.preset:]))
    return tuple(groups)


def link_views(bd: BlockDesign) -> tuple[LinkView, ...]:
    return tuple(LinkView(link.master.replace("/", "_"), _intf_cmd(link.master), link.master,
                          _intf_cmd(link.slave), link.slave,
                          f"{link.why} ({link.width} bit)" if link.width else link.why)
                 for link in bd.links)


def net_views(bd: BlockDesign) -> tuple[NetView, ...]:
    return tuple(NetView(net.name, net.driver, net.loads, _f(net.freq_mhz) if net.freq_mhz else "")
                 for net in bd.nets)


def address_views(bd: BlockDesign) -> tuple[AddressView, ...]:
    return tuple(AddressView(a.space, a.segment, f"0x{a.offset:08X}", f"0x{a.range:08X}")
                 for a in bd.addresses)


# ----------------------------------------------------------------------------- files
def dpu_readback(design) -> tuple[tuple[str, str, str], ...]:
    """(IP parameter, hwgen's number, what) the block design reads back from the DPU cell:
    the IP computes SUM_DSP_NUM, SUM_BRAM_N and SUM_URAM_N itself from the CONFIG written
    (DPU41-GTCL), so a difference means hwgen's budget is wrong, minutes into the build."""
    from hwgen.dpu import arch as dpu_arch

    o = dpu_arch.DpuOptions.of(design.settings.dpu)
    g = design.dpu.arch
    return (("SUM_DSP_NUM", str(dpu_arch.dsp_count(g, o)), "DSP"),
            ("SUM_BRAM_N", f"{dpu_arch.bram36_count(g, o):g}", "BRAM36"),
            ("SUM_URAM_N", str(dpu_arch.uram_count(g, o)), "URAM"))


@dataclass(frozen=True)
class ArchJsonView:
    """What the block design compares the IP's own arch.json with: vitis-ai/arch.json's
    text as hwgen writes it, and the fingerprint it stands for (a registered target name
    stands for exactly one fingerprint)."""

    text: str
    fingerprint: str
    vlnv: str


def arch_json_view(design) -> ArchJsonView:
    from hwgen.emit.vitis_ai import arch_json_text, fingerprint_plan

    plan = fingerprint_plan(design)
    return ArchJsonView(arch_json_text(plan.decoded).strip(), f"0x{plan.fingerprint:X}", design.dpu.vlnv)


def block_design_tcl(design, clocks, bd: BlockDesign) -> str:
    return render("tcl/block_design.tcl.j2", hdr=header_view(design), bd=bd,
                  plan_tcl=block_design_plan_tcl(unplanned_blank(design), clocks, bd))


# Keyed on the design without the fields no plan reads (strategies, jobs, toolchain, name,
# --set list: blockdesign.unplanned_blank), the clock plan and the block design: the part of
# block_design.tcl after its header reads nothing else, so the designs of a sweep that
# differ only in their strategies share its text. tests/test_sweep_caches.py renders it
# from the design itself too. A refusal (QuotingError) is raised, never remembered.
@lru_cache(maxsize=32)
def block_design_plan_tcl(design, clocks, bd: BlockDesign) -> str:
    return render("tcl/_block_design_plan.tcl.j2", bd=bd,
                  clock_rows=clock_rows(design, clocks),
                  clock_notes=(crystal_note(design),) + tuple(clocks.notes),
                  cells=cell_views(design, bd), ports=bd.ports, links=link_views(bd),
                  nets=net_views(bd), addresses=address_views(bd),
                  dpu_cell=design.dpu.cell, dpu_readback=dpu_readback(design),
                  arch_json=arch_json_view(design))


def strategies_tcl(design) -> str:
    return render("tcl/strategies.tcl.j2", hdr=header_view(design), build=design.settings.build)


def build_tcl(design, bd: BlockDesign) -> str:
    dpu_vlnv = design.dpu.vlnv
    # The stock IPs, in first-use order, each once.
    stock = dict.fromkeys(cell.vlnv for cell in bd.cells if cell.vlnv != dpu_vlnv)
    return render("tcl/build.tcl.j2", hdr=header_view(design), design=design.name,
                  build_dir_hint=f"build/{design.board.name}", part=design.board.part,
                  board_part=design.board.board_part, dpu_vlnv=dpu_vlnv,
                  ip_repo=design.settings.dpu.ip_repo, jobs=design.settings.build.jobs,
                  stock_vlnvs=tuple(stock))


def vivado_outputs(design) -> list[Output]:
    """The three Vivado Tcl files of ``design`` (a generator for hwgen.build.GENERATORS)."""
    clocks = design_clocks(design)
    bd = plan_block_design(design, clocks)
    return [
        text_output(BLOCK_DESIGN, "vivado.block_design", block_design_tcl(design, clocks, bd)),
        text_output(STRATEGIES, "vivado.strategies", strategies_tcl(design)),
        text_output(BUILD, "vivado.build", build_tcl(design, bd)),
    ]
