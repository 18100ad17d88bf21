"""Warnings for designs that build and work but leave performance on the table.

Each rule reads the design and the block-design graph hwgen would build (the clock
nets carry the frequencies the clock plan achieved) and returns a CheckResult with
severity "warning" only when it fires: warnings are listed by ``hwgen check`` and in
budget.json, and never change a verdict or an exit code.

- lint.hp_width        a DPU data master on an HP port narrower than the DPU's data path
- lint.hp_shared       two data masters sharing one HP port
- lint.dsp_clock_ratio dpu_2x_clk not exactly 2 x m_axi_dpu_aclk
- lint.clock_approximate  a DPU clock the PS and the wizard only approximate
- lint.axi_clock_max   a PS AXI port clocked above 250 MHz
"""

from __future__ import annotations

from hwgen.plan.blockdesign import input_name
from hwgen.plan.clockflow import dsp_request_mhz
# "Exact" as the clock plan means it: equal up to floating-point noise.
from hwgen.plan.clocks import DEFAULT_EXACT_PPM as _EXACT_PPM, TYPED_PRECISION_MHZ, _fmt, _ppm
from hwgen.model.verdict import CheckResult, setting_origin

WARNING = "warning"


def _warn(name: str, message: str) -> CheckResult:
    return CheckResult(name, False, message, WARNING)


def _clock(bd, pin: str) -> float | None:
    net = bd.net_of(pin)
    return net.freq_mhz if net is not None else None


# --------------------------------------------------------------------------- rules
def _dpu_mhz(design, bd) -> float:
    """m_axi_dpu_aclk as planned (the HP ports run on it), else the requested clock."""
    mhz = _clock(bd, f"{design.dpu.cell}/{design.dpu.pins.axi_clock}")
    return mhz if mhz is not None else design.settings.dpu.clock_mhz


def hp_width(design, bd) -> list[CheckResult]:
    """A data master on a port narrower than the DPU's data path (64 bit on Zynq-7000)."""
    from hwgen.model.family import load_family
    from hwgen.plan.bandwidth import port_bandwidth

    family = load_family(design.board.ps.family)
    out = []
    for p in port_bandwidth(design, _dpu_mhz(design, bd)):
        want = max(p.master_bits, family.dpu.hp_data_width)
        if p.port_bits >= want:
            continue
        lost = 1 - p.port_bits / want
        out.append(_warn("lint.hp_width", (
            f"{input_name(design, 'board')}: ps.ports.{p.port}.width: {', '.join(p.masters)} "
            f"({p.master_bits} bit) reach {family.ps.slave(p.port).intf} configured {p.port_bits} bit: "
            f"at {_fmt(p.mhz)} MHz the port moves {p.port_bits // 8} B x {_fmt(p.mhz)} MHz = "
            f"{_fmt(p.port_bits / 8 * p.mhz / 1000)} GB/s instead of "
            f"{_fmt(want / 8 * p.mhz / 1000)} GB/s ({lost:.0%} less), and the interconnect adds a "
            f"width converter. Set ps.ports.{p.port}.width: {want} (the DPU's data masters are "
            f"{family.dpu.hp_data_width} bit on {family.name}, VAI20 bd.tcl)")))
    return out


def hp_shared(design, bd) -> list[CheckResult]:
    """Two or more data masters on one HP port split its bandwidth."""
    from hwgen.plan.bandwidth import port_bandwidth

    ports = port_bandwidth(design, _dpu_mhz(design, bd))
    used = {p.port for p in ports}
    free = [p for p in design.board.ps.ports.available() if p.startswith("hp") and p not in used]
    out = []
    for p in ports:
        if len(p.masters) < 2:
            continue
        cores = design.settings.dpu.cores
        split = (f"{', '.join(p.masters)} share {p.port}: {len(p.masters)} data streams split its "
                 f"{_fmt(p.gbs)} GB/s")
        if cores > 1:
            text = (f"{setting_origin(design, 'dpu.cores')}: {split}, because hwgen wires every core's "
                    f"masters to core 0's PS ports; the cores compete for the same bandwidth, so "
                    f"expect less than {cores}x the frames per second of one core")
        else:
            hint = f" (the board has {', '.join(free)} free)" if free else ""
            text = (f"{input_name(design, 'dpu')}: connect: {split}. Give each data master its own HP "
                    f"port{hint}, on different DDR controller ports as the reference design does "
                    f"with HP0 and HP2 (UG585 ch. 5)")
        out.append(_warn("lint.hp_shared", text))
    return out


def dsp_clock_ratio(design, bd) -> list[CheckResult]:
    """dpu_2x_clk must be twice m_axi_dpu_aclk (PG338 port table; TRD20)."""
    cell, pins = design.dpu.cell, design.dpu.pins
    axi = _clock(bd, f"{cell}/{pins.axi_clock}")
    dsp = _clock(bd, f"{cell}/{pins.dsp_clock}")
    if axi is None or dsp is None or abs(dsp - 2 * axi) <= 2 * axi * _EXACT_PPM * 1e-6:
        return []
    if dsp < 2 * axi:
        effect = (f"the DSP array does two multiply-accumulates per {pins.axi_clock} cycle on "
                  f"{pins.dsp_clock}, so it delivers at most {_fmt(dsp)}/{_fmt(2 * axi)} = "
                  f"{dsp / (2 * axi):.0%} of peak (hwgen's assumption; PG338 specifies exactly 2x)")
    else:
        effect = (f"a faster {pins.dsp_clock} buys nothing (the array works at 2 x {pins.axi_clock}) "
                  f"and makes timing closure harder")
    where = setting_origin(design, "dpu.dsp_clock_mhz") if design.settings.dpu.dsp_clock_mhz is not None \
        else setting_origin(design, "dpu.clock_mhz")
    return [_warn("lint.dsp_clock_ratio", (
        f"{where}: {pins.dsp_clock} {_fmt(dsp)} MHz is not 2 x {pins.axi_clock} {_fmt(axi)} MHz "
        f"= {_fmt(2 * axi)} MHz (PG338 port table; TRD20): {effect}. Leave dpu.dsp_clock_mhz "
        f"unset (2x) or lower dpu.clock_mhz instead"))]


def clock_approximate(design, bd) -> list[CheckResult]:
    """The clock plan made a DPU clock only approximately (dpu.fclk_tolerance_ppm > 0)."""
    s = design.settings.dpu
    cell, pins = design.dpu.cell, design.dpu.pins
    dsp_key = "dpu.dsp_clock_mhz" if s.dsp_clock_mhz is not None else "dpu.clock_mhz"
    wanted = ((pins.axi_clock, s.clock_mhz, "dpu.clock_mhz"),
              (pins.dsp_clock, dsp_request_mhz(s), dsp_key))
    off = []
    for pin, requested, key in wanted:
        achieved = _clock(bd, f"{cell}/{pin}")
        # A clock that reads as the request at 3 decimals is the one asked for (142.857).
        if achieved is not None and abs(_ppm(achieved, requested)) > _EXACT_PPM \
                and abs(achieved - requested) > TYPED_PRECISION_MHZ:
            off.append((pin, requested, achieved, _ppm(achieved, requested), key))
    if not off:
        return []
    worst = min(ppm for *_, ppm, _ in off)
    effect = (f"up to {-worst / 1e4:.3g}% less throughput" if worst < 0 else
              f"{max(ppm for *_, ppm, _ in off) / 1e4:.3g}% faster than timing was asked to meet")
    mark = design.origin("dpu.fclk_tolerance_ppm")
    allowed = f"dpu.fclk_tolerance_ppm {s.fclk_tolerance_ppm:g}" + (f" ({mark})" if mark else "")
    clocks = "; ".join(f"{pin} {_fmt(achieved)} MHz, not {_fmt(requested)} MHz ({ppm:+.3g} ppm)"
                       for pin, requested, achieved, ppm, _ in off)
    return [_warn("lint.clock_approximate", (
        f"{setting_origin(design, off[0][4])}: the PS PLLs and the clocking wizard only approximate the DPU "
        f"clocks: {clocks}, allowed by {allowed}; {effect}. Ask for a frequency the clock plan makes "
        f"exactly (hwgen explore --clocks lists what it can make) or accept the difference"))]


def axi_clock_max(design, bd) -> list[CheckResult]:
    """Every PS-PL AXI port runs up to the family's limit (250 MHz on Zynq-7000, DS187 Table 19;
    333 MHz on Zynq UltraScale+, DS925)."""
    from hwgen.model.family import load_family

    ps = load_family(design.board.ps.family).ps
    max_axi_port_mhz = ps.axi_max_mhz
    out = []
    ports = [(p.intf, p.clock) for _, p in ps.slave_ports] + [(p.intf, p.clock) for _, p in ps.master_ports]
    for intf, clock in ports:
        mhz = _clock(bd, f"{ps.cell}/{clock}")
        if mhz is None or mhz <= max_axi_port_mhz * (1 + _EXACT_PPM * 1e-6):
            continue
        out.append(_warn("lint.axi_clock_max", (
            f"{setting_origin(design, 'dpu.clock_mhz')}: {intf} is clocked at {_fmt(mhz)} MHz ({clock}), above "
            f"the {_fmt(max_axi_port_mhz)} MHz the {design.board.ps.family} PS-PL AXI ports run at "
            f"({ps.axi_max_source}); the DPU's masters and the HP ports share m_axi_dpu_aclk, so lower "
            f"dpu.clock_mhz to {_fmt(max_axi_port_mhz)} or below")))
    return out


def lint_checks(design, block_design=None) -> tuple[CheckResult, ...]:
    """The warnings that fire for ``design`` (none for hwgen's default designs).

    ``block_design`` defaults to the one hwgen would build (blockdesign.block_design_for).
    """
    if block_design is None:
        from hwgen.plan.blockdesign import block_design_for

        block_design = block_design_for(design)
    bd = block_design
    return tuple(hp_width(design, bd) + hp_shared(design, bd) + dsp_clock_ratio(design, bd)
                 + clock_approximate(design, bd) + axi_clock_max(design, bd))
