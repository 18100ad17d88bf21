"""The resource-budget verdict: before the build from the model, after it from Vivado.

``estimate(design)`` adds up what the design will use — the DPU from its profile
(LUT/FF, PG338 Table 9 scaled to real v4.x builds, hwgen/budget/dpu_model.py) and from the
IP's own DSP/BRAM/URAM formulas (hwgen/dpu/arch.py), the infrastructure cells from the block-design graph
(hwgen/budget/infrastructure.py) — and compares each resource with the part's capacity and
the design's limits. ``from_reports`` applies the same limits to what Vivado actually
used. Both return a ``verdict.Verdict`` whose every number names its source; each
failure is one sentence saying by how much, and which change would fix it, found by
re-evaluating the alternatives rather than by canned advice.
"""

from __future__ import annotations

import math
from hwgen.frozen import Memo, by_identity, dataclass, replace
from functools import lru_cache

from hwgen.dpu import arch as dpu_arch
from hwgen.model import records as model
from hwgen.plan.bdgraph import BlockDesign
from hwgen.plan.blockdesign import block_design_for
from hwgen.errors import InputError, Mark, Problem
from hwgen.budget import dpu_model
from hwgen.budget import infrastructure
from hwgen.budget.infrastructure import infrastructure_cost
from hwgen.model.verdict import CheckResult, Contribution, ResourceLine, TimingResult, Verdict

ESTIMATE = "estimate"
REPORT = "report"
_FORMULA = "DPU41-GTCL via hwgen/dpu/arch.py"


# --------------------------------------------------------------------------- numbers for people
def fmt_amount(value: float) -> str:
    """24276 -> '24,276'; 69.5 -> '69.5' (BRAM tiles come in halves); 39900.000001 -> '39,900'."""
    if abs(value - round(value)) < 1e-6:
        return f"{round(value):,}"
    return f"{value:,.1f}"


def fmt_percent(value: float) -> str:
    return "inf" if math.isinf(value) else f"{value:.2f}%"


# --------------------------------------------------------------------------- the DPU's cost
def dpu_options(settings: model.Settings) -> dpu_arch.DpuOptions:
    return dpu_arch.DpuOptions.of(settings.dpu)


@dataclass(frozen=True)
class Costs:
    """Contributions per resource, plus sentences about what could not be counted."""

    lut: tuple[Contribution, ...] = ()
    ff: tuple[Contribution, ...] = ()
    bram: tuple[Contribution, ...] = ()
    dsp: tuple[Contribution, ...] = ()
    uram: tuple[Contribution, ...] = ()
    notes: tuple[str, ...] = ()

    def of(self, resource: str) -> tuple[Contribution, ...]:
        return getattr(self, resource.lower())

    def __add__(self, other: "Costs") -> "Costs":
        return Costs(*(self.of(r) + other.of(r) for r in ("LUT", "FF", "BRAM", "DSP", "URAM")),
                     notes=self.notes + other.notes)


def dpu_cost(profile: model.DpuProfile, settings: model.Settings) -> Costs:
    """The DPU's contributions for the chosen options (all cores)."""
    return _dpu_cost(profile, settings.dpu)


# By the profile and settings objects first: load_design gives equal DPU settings one record
# (schema.MemoRec), so a sweep's designs at each strategy, and an alternative asked again,
# skip making and hashing their IP options (DpuOptions) to find the cost below.
@by_identity(maxsize=128)
def _dpu_cost(profile: model.DpuProfile, d) -> Costs:
    """``dpu_cost`` from the DPU settings alone (all it reads)."""
    return _dpu_cost_of(profile, dpu_arch.DpuOptions.of(d), d.channel_augmentation)


# Keyed on what the cost reads: the profile, the options the IP is configured with and the
# channel-augmentation setting, not the clocks; a sweep's designs at every clock and the
# alternatives each suggests share one computation.
@lru_cache(maxsize=64)
def _dpu_cost_of(profile: model.DpuProfile, opts: dpu_arch.DpuOptions, channel_augmentation: bool) -> Costs:
    d = opts
    g = dpu_arch.geometry(profile.arch)
    n = opts.cores
    per = f" x {n} cores" if n > 1 else ""

    m = dpu_model.model()
    lut_core, ff_core, sfm_lut = dpu_model.dpu_lut_ff(profile, profile.arch, d.dsp_usage,
                                                      channel_augmentation, n, d.softmax)
    why = (f"PG338 Table 9 ({profile.name} profile cost, DSP usage {d.dsp_usage}) x %s fitted on "
           f"real v4.x builds {', '.join(m.calibration)} ({dpu_model.BUILDS_FILE}, docs/budget-model.md)")
    augm = "" if channel_augmentation else " less the channel-augmentation add-on"
    lut = [Contribution(f"DPU {profile.arch} core, DSP usage {d.dsp_usage}{augm}{per}",
                        float(lut_core * n), why % f"k_lut {m.k_lut}")]
    ff = [Contribution(f"DPU {profile.arch} core, DSP usage {d.dsp_usage}{per}",
                       float(ff_core * n), why % f"k_ff {m.k_ff}")]
    if d.softmax:
        lut.append(Contribution("softmax, once per IP", float(sfm_lut),
                                f"measured softmax block ({m.softmax_key}, {dpu_model.BUILDS_FILE})"))

    accu = opts.conv_dsp_accu_ena
    conv = dpu_arch.conv_dsp_count(g, d.dsp_usage)
    alu_p = dpu_arch.alu_parallel(g, d.alu_parallel)
    alu = dpu_arch.alu_dsp_count(g, d.alu_parallel)
    dsp = [Contribution(f"convolution engine: PP*ICP*OCP/4 + {accu}*PP*OCP = "
                        f"{g.pp}*{g.icp}*{g.ocp}/4 + {accu}*{g.pp}*{g.ocp} = {conv} (DSP usage "
                        f"{d.dsp_usage}){per}", float(conv * n), f"CONV_DSP_NUM, {_FORMULA}"),
           Contribution(f"ALU engine: ALU_PARALLEL*ICP + 4 = {alu_p}*{g.icp} + 4 = {alu} "
                        f"(ALU_PARALLEL = min({d.alu_parallel}, PP {g.pp})){per}",
                        float(alu * n), f"ALU_DSP_NUM, {_FORMULA}"),
           Contribution(f"LOAD and SAVE engines, 1 each{per}",
                        float((dpu_arch.LOAD_DSP + dpu_arch.SAVE_DSP) * n), f"SUM_DSP_NUM, {_FORMULA}")]
    if d.softmax:
        dsp.append(Contribution("softmax, once per IP", float(dpu_arch.SFM_DSP),
                                f"SUM_DSP_NUM, {_FORMULA}"))

    no_sfm = replace(opts, softmax=False)
    b = dpu_arch.banks(g, opts)
    in_uram = (f", of which {b.u_img} image, {b.u_wgt} weight and {b.u_bias} bias banks in URAM"
               if b.uram_banks else "")
    bram = [Contribution(
        f"buffers: image banks {opts.arch_img_bkgrp}*PP = {b.img} (RAM usage {d.ram_usage}), "
        f"weight banks OCP + 1 = {b.wgt}, bias 1{in_uram}; {b.bram_per_bank:g} BRAM36 per bank "
        f"(ICP {g.icp}){per}", dpu_arch.bram36_count(g, no_sfm), f"SUM_BRAM_N, {_FORMULA}")]
    if d.softmax:
        bram.append(Contribution("softmax, once per IP", dpu_arch.SFM_BRAM36, f"SUM_BRAM_N, {_FORMULA}"))
    uram = []
    if d.uram:
        uram.append(Contribution(f"URAM_N_USER {d.uram}: {b.uram_banks} banks x {b.uram_per_bank} URAM{per}",
                                 float(dpu_arch.uram_count(g, opts)), f"SUM_URAM_N, {_FORMULA}"))
    return Costs(tuple(lut), tuple(ff), tuple(bram), tuple(dsp), tuple(uram), ())


def block_design_cost(design, bd: BlockDesign) -> Costs:
    return _infrastructure(bd, f"{design.dpu.cell}/{design.dpu.interfaces.control}")


# A design and its alternatives share a few block designs, and a sweep meets a smaller DPU's
# plan again for every larger DPU's alternatives at the same clock: room for a board's worth,
# as blockdesign._plan_block_design keeps.
@lru_cache(maxsize=128)
def _infrastructure(bd: BlockDesign, control: str) -> Costs:
    key = (infrastructure.cost_key(bd), control)
    costs = _INFRASTRUCTURE.get(key)
    if costs is None:
        infra = infrastructure_cost(bd, frozenset({control}))
        costs = _INFRASTRUCTURE.keep(key, Costs(lut=infra.lut, ff=infra.ff, notes=infra.unknown))
    return costs


# The costs by everything of a plan they read (infrastructure.cost_key) and the control pin:
# the plans of a design at each clock differ only in what the costs do not read, so they get
# one computation and one costs object, which _lines_of is keyed on.
_INFRASTRUCTURE = Memo(256)


# --------------------------------------------------------------------------- lines and limits
def _line(name: str, used: float, available: float, limit: float,
          contributions: tuple[Contribution, ...] = (), estimate: float | None = None) -> ResourceLine:
    return ResourceLine(name=name, used=used, available=available, limit_percent=limit,
                        contributions=contributions, estimate=estimate)


def _estimate_lines(part: model.Part, limits: model.BudgetLimits, costs: Costs) -> tuple[ResourceLine, ...]:
    lines = []
    for name in ("LUT", "FF", "BRAM", "DSP", "URAM"):
        contributions = costs.of(name)
        used = float(sum(c.amount for c in contributions))
        available = float(part.capacity(name))
        if name == "URAM" and not available and not used:
            continue  # parts without URAM (all of Zynq-7000) get no URAM line
        lines.append(_line(name, used, available, limits.limit(name), contributions))
    return tuple(lines)


def _evaluate(design, bd: BlockDesign) -> tuple[tuple[ResourceLine, ...], Costs]:
    """The estimate lines of ``design`` on block design ``bd``."""
    s = design.settings
    return _lines_of(design.part, s.budget, _dpu_cost(design.dpu, s.dpu),
                     _infrastructure(bd, f"{design.dpu.cell}/{design.dpu.interfaces.control}"))


# Keyed on exactly what the lines read (the part, the limits, the DPU's and the infrastructure's
# costs), by which objects they are: the costs come from the caches above, one object for equal
# costs, and the limits and the part are one record each in a sweep (schema.MemoRec, the part
# table), so the designs that differ only elsewhere (the clock, the strategies, the Linux
# settings) and their alternatives share one evaluation without comparing any of it.
@by_identity(maxsize=256)
def _lines_of(part: model.Part, limits: model.BudgetLimits, dpu: Costs,
              infra: Costs) -> tuple[tuple[ResourceLine, ...], Costs]:
    costs = dpu + infra
    return _estimate_lines(part, limits, costs), costs


def default_limits() -> model.BudgetLimits:
    """The built-in limits (LUT 80, FF 80, BRAM 90, DSP 90, URAM 90 percent)."""
    from hwgen.model.schema import Ctx, validate

    return validate(model.SETTINGS_SCHEMA.child("budget"), {}, Ctx(lambda p: (None, "")))


def limits_from_sets(sets) -> model.BudgetLimits:
    """Budget limits from ``--set budget.*`` alone (a report checked without a design)."""
    from hwgen.model.design import parse_sets
    from hwgen.model.schema import Ctx, validate

    problems, data, marks = [], {}, {}
    for path, value, mark in parse_sets(sets):
        if path[0] != "budget" or len(path) != 2:
            problems.append(Problem(mark, ".".join(path), "only budget.* settings apply to a report "
                                    "checked without --board or --dpu"))
            continue
        data[path[1]] = value
        marks[(path[1],)] = mark
    if problems:
        raise InputError(problems)
    locate = lambda p: (marks.get(tuple(p[:1])), "budget." + ".".join(str(x) for x in p))  # noqa: E731
    return validate(model.SETTINGS_SCHEMA.child("budget"), data, Ctx(locate))


# --------------------------------------------------------------------------- alternatives
@dataclass(frozen=True)
class Alternative:
    """One change hwgen can evaluate: a setting, a smaller architecture, a bigger part."""

    label: str                           # what a person would type or do
    kind: str                            # "option" | "arch" | "cores" | "part"
    lines: tuple[ResourceLine, ...]

    def line(self, name: str) -> ResourceLine | None:
        return next((l for l in self.lines if l.name == name), None)

    def still_over(self) -> tuple[str, ...]:
        return tuple(l.name for l in self.lines if not l.ok)


def _set(design, **dpu_changes):
    s = design.settings
    return replace(design, settings=replace(s, dpu=replace(s.dpu, **dpu_changes)))


@lru_cache(maxsize=None)
def _shipped_profile(arch: str) -> model.DpuProfile | None:
    from hwgen import resources
    from hwgen.model.design import load_dpu

    if arch.lower() not in resources.shipped("dpus"):
        return None
    return load_dpu(arch)[0]


@lru_cache(maxsize=None)
def _shipped_input(arch: str):
    """The input record of the shipped profile ``arch``, as ``--dpu ARCH`` would list it."""
    import hashlib

    from hwgen.model.design import InputFile, load_dpu

    _, _, raw, name = load_dpu(arch)
    return InputFile("dpu", name, hashlib.sha256(raw).hexdigest())


def _with_profile(design, arch: str, profile: model.DpuProfile):
    """``design`` with the shipped profile ``arch`` in place of its own, named as ``--dpu ARCH``
    names it (its input file, dpu.profile): the variants two larger DPUs suggest are then one
    design to plan and evaluate, the design of that profile itself when the options agree.
    Neither the plan nor the estimate reads the name; its options stay the design's."""
    s = design.settings
    inputs = tuple(_shipped_input(arch) if i.role == "dpu" else i for i in design.inputs)
    return replace(design, dpu=profile, inputs=inputs,
                   settings=replace(s, dpu=replace(s.dpu, profile=arch)))


def alternatives(design, bd: BlockDesign) -> tuple[Alternative, ...]:
    """Every single change worth trying, each evaluated as a whole estimate."""
    from hwgen.plan.blockdesign import unclocked, unplanned_blank

    blank = unplanned_blank(design)
    # The list at one clock is the list at every clock: each alternative's lines come from the
    # part, the limits, the DPU's cost and the infrastructure's (infrastructure.cost_key, which
    # no clock reaches), and whether a variant plans at all does not depend on the clock either
    # (its clock request is the design's, which planned; the rest is the plan's skeleton). So
    # the lists are kept by the design without its clock settings and what the costs read of
    # its plan; tests/test_sweep_caches.py compares them with lists computed afresh.
    key = (unclocked(blank), infrastructure.cost_key(bd))
    found = _ALTERNATIVES.get(key)
    if found is None:
        found = _ALTERNATIVES.keep(key, _alternatives_of(blank, bd))
    return found


_ALTERNATIVES = Memo(64)


# Keyed on the design with the fields no block design, clock plan or estimate reads blanked
# (strategies, jobs, toolchain, name, --set list: blockdesign.unplanned_blank) and on the block
# design: the designs of a sweep that differ only in their strategies share one list. Every
# variant below is built from the settings, profile and part alone, so none reads a blank.
@lru_cache(maxsize=64)
def _alternatives_of(design, bd: BlockDesign) -> tuple[Alternative, ...]:
    d = design.settings.dpu
    variants: list[tuple[str, str, object]] = []
    if d.dsp_usage == "high":
        variants.append(("--set dpu.dsp_usage=low", "option", _set(design, dsp_usage="low")))
    if d.ram_usage == "high":
        variants.append(("--set dpu.ram_usage=low", "option", _set(design, ram_usage="low")))
    if d.softmax:
        variants.append(("--set dpu.softmax=false", "option", _set(design, softmax=False)))
    if d.alu_parallel > 1:
        # Fewer ALU DSPs (ALU_DSP_NUM = ALU_PARALLEL*ICP + 4); the model must be recompiled.
        half = d.alu_parallel // 2
        variants.append((f"--set dpu.alu_parallel={half}", "option", _set(design, alu_parallel=half)))
    for cores in range(d.cores - 1, 0, -1):          # most cores first
        variants.append((f"--set dpu.cores={cores}", "cores", _set(design, cores=cores)))
    here = model.ARCHES.index(design.dpu.arch)
    for arch in reversed(model.ARCHES[:here]):         # largest smaller architecture first
        profile = _shipped_profile(arch)
        if profile is not None:
            variants.append((f"--dpu {arch}", "arch", _with_profile(design, arch, profile)))
    from hwgen.model.design import parts

    for part in sorted(parts().values(), key=lambda p: (p.lut, p.name)):   # smallest part first
        if part.family == design.part.family and part.name != design.part.name \
                and all(part.capacity(r) >= design.part.capacity(r) for r in ("LUT", "FF", "BRAM", "DSP")):
            variants.append((f"a board with part {part.name}", "part", replace(design, part=part)))
    return tuple(alt for label, kind, variant in variants
                 for alt in [_alternative(label, kind, variant, design, bd)] if alt is not None)


def _alternative(label: str, kind: str, variant, design, bd: BlockDesign) -> Alternative | None:
    """``variant`` evaluated on the block design it would build, or None if it cannot build.

    The core count and the DPU profile decide which masters share an HP port, hence the
    interconnects and their cost; the options and the part leave ``bd`` as it is.
    """
    if (variant.settings.dpu.cores, variant.dpu) != (design.settings.dpu.cores, design.dpu):
        try:
            bd = block_design_for(variant)
        except InputError:   # e.g. a shipped profile wanting a port this board lacks
            return None
    return Alternative(label, kind, _evaluate(variant, bd)[0])


def _rebase(report_lines: tuple[ResourceLine, ...], estimate_lines: tuple[ResourceLine, ...],
            alt: Alternative) -> Alternative:
    """An alternative's effect on a finished run: actual + (alternative estimate - estimate)."""
    est = {l.name: l for l in estimate_lines}
    out = []
    for line in report_lines:
        a, e = alt.line(line.name), est.get(line.name)
        if a is None or e is None:
            out.append(line)
            continue
        available = a.available if alt.kind == "part" else line.available
        out.append(replace(line, used=max(0.0, line.used + a.used - e.used), available=available,
                           contributions=()))
    return replace(alt, lines=tuple(out))


def _outcome(alt: Alternative, name: str) -> str:
    line = alt.line(name)
    over = [r for r in alt.still_over() if r != name]
    tail = "; everything else within limits" if not over else f"; still over: {', '.join(over)}"
    return f"{alt.label} -> {fmt_amount(line.used)} of {fmt_amount(line.available)} " \
           f"({fmt_percent(line.percent)}{tail})"


def failure_message(line: ResourceLine, alts: tuple[Alternative, ...] | None) -> str:
    """One sentence: how far over, whether it fits at all, and what would fix it."""
    limit_abs = line.available * line.limit_percent / 100.0
    over = line.used - limit_abs
    text = (f"{line.name} {fmt_amount(line.used)} of {fmt_amount(line.available)} "
            f"({fmt_percent(line.percent)}) is {fmt_amount(over)} over the {line.limit_percent:g}% "
            f"limit of {fmt_amount(limit_abs)}")
    if not line.fits:
        text += f" - does not fit: {fmt_amount(line.used - line.available)} more than the part has"
    if alts is None:
        return text + ". Give --board/--dpu to have hwgen evaluate which change would fix it."
    fixes, partial = [], []
    for alt in alts:
        a = alt.line(line.name)
        if a is None or (alt.kind != "part" and a.used >= line.used):
            continue
        if alt.kind == "option":
            (fixes if a.ok else partial).append(_outcome(alt, line.name))
    for kind in ("cores", "arch", "part"):
        # Ladders are ordered most-capable first: the first that fixes it is the one to name.
        first = next((alt for alt in alts if alt.kind == kind and alt.line(line.name) is not None
                      and alt.line(line.name).ok), None)
        if first is not None:
            fixes.append(_outcome(first, line.name))
    if fixes:
        text += ". Fixes: " + "; ".join(fixes)
    if partial:
        text += ". Not enough on its own: " + "; ".join(partial)
    if not fixes and not partial:
        text += ". No single change hwgen can evaluate brings it within the limit"
    return text + "."


# --------------------------------------------------------------------------- memory
def _memory_checks(design) -> tuple[CheckResult, ...]:
    from hwgen.plan.memory import memory_checks

    return tuple(memory_checks(design))


def _design_checks(design) -> tuple[CheckResult, ...]:
    """Other named checks of the design: does a Vitis AI target match the DPU (a warning)."""
    from hwgen.emit.vitis_ai import fingerprint_checks

    return tuple(fingerprint_checks(design))


def _check_messages(checks: tuple[CheckResult, ...]) -> list[str]:
    return [f"{c.name}: {c.message}" for c in checks if not c.ok and c.severity == "error"]


def _warnings(checks: tuple[CheckResult, ...]) -> list[str]:
    """Warnings do not fail the verdict; they follow the failures, marked as such."""
    return [f"warning: {c.name}: {c.message}" for c in checks if not c.ok and c.severity != "error"]


# --------------------------------------------------------------------------- before the build
def _clock_limits(design, bd: BlockDesign) -> tuple[CheckResult, ...]:
    """The DPU clocks as the block design carries them against the part's data-sheet limits
    (hwgen/plan/clock_limits.py): above one fails the verdict, near one warns."""
    from hwgen.errors import InputError
    from hwgen.plan.clock_limits import clock_checks
    from hwgen.plan.clockflow import design_clocks, dsp_request_mhz

    cell, pins, s = design.dpu.cell, design.dpu.pins, design.settings.dpu

    def planned(pin, asked):
        net = bd.net_of(f"{cell}/{pin}")
        return net.freq_mhz if net is not None and net.freq_mhz is not None else asked
    try:
        vco = design_clocks(design).wizard.vco_mhz
    except InputError:          # no plan: the build reports that itself
        vco = None
    return tuple(clock_checks(design, planned(pins.axi_clock, s.clock_mhz),
                              planned(pins.dsp_clock, dsp_request_mhz(s)), vco))


def _lint(design, bd: BlockDesign) -> tuple[CheckResult, ...]:
    """Performance warnings (hwgen/budget/lint.py); they never fail the verdict."""
    from hwgen.budget.lint import lint_checks

    return lint_checks(design, bd)


def estimate(design, block_design: BlockDesign | None = None, explain: bool = True) -> Verdict:
    """The verdict before the build. ``block_design`` defaults to the one hwgen would build.

    A resource over its limit is explained with the changes that would fix it, each
    evaluated as a design of its own (``alternatives``), and warnings (coverage, the
    Vitis AI target, performance lint) follow. ``explain=False`` leaves both out: the
    same numbers and the same pass or fail (warnings never fail a verdict), for callers
    that judge many designs by their numbers (``hwgen explore``, where the suggestions
    alone were 60 % of the time).
    """
    if block_design is not None:
        return _estimate(design, block_design, explain)
    key = verdict_key(design)
    # The design's own plan is the key's (the plan reads none of the blanked fields), and the
    # build plans the design itself next: one plan for both.
    return _estimate_of(key, tuple(sorted(key.origins.items())), explain, block_design_for(design))


# The build settings no estimate reads: the run strategies, the job count and the toolchain
# (the block design does not read them either: blockdesign._UNPLANNED_BUILD), with where
# each was set ("build" is where the last --set build.* was).
_UNESTIMATED_BUILD = {"synth_strategy": "", "impl_strategy": "", "post_route_phys_opt": False,
                      "jobs": 0, "toolchain": ""}
_UNESTIMATED_ORIGINS = frozenset({"build"} | {f"build.{k}" for k in _UNESTIMATED_BUILD})


def verdict_key(design):
    """``design`` without what the estimate does not read (``_UNESTIMATED_BUILD``, its
    origins, the --set list): the designs of a sweep that differ only in their run
    strategies share one verdict. The design's name and every other origin stay (a
    message names where a setting was set). Were the estimate to read a blanked field, it
    would read the blank for every design; tests/test_sweep_caches.py compares both."""
    s = design.settings
    return replace(design, overrides=(),
                   settings=_unestimated_settings(type(s), s.dpu, s.linux, s.build, s.budget),
                   origins={k: v for k, v in design.origins.items() if k not in _UNESTIMATED_ORIGINS})


# The blanked settings by which sections they hold, as blockdesign._unplanned_settings: the
# strategy variants of a design (one section record each, schema.MemoRec) get one Settings,
# which the verdict cache then compares and hashes by identity.
@by_identity(maxsize=64)
def _unestimated_settings(kind, dpu, linux, build, budget):
    return kind(dpu=dpu, linux=linux, build=_unestimated_build(build), budget=budget)


@by_identity(maxsize=64)
def _unestimated_build(build):
    return replace(build, **_UNESTIMATED_BUILD)


# Keyed on the blanked design and its origins (which designs compare without): a Verdict is
# frozen, so the strategy variants of a design share it. An InputError is not cached.
@lru_cache(maxsize=64)
def _estimate_of(key, origins: tuple, explain: bool, bd: BlockDesign) -> Verdict:
    return _estimate(key, bd, explain)


def _estimate(design, bd: BlockDesign, explain: bool) -> Verdict:
    lines, costs = _evaluate(design, bd)
    memory = _memory_checks(design)
    checks = _clock_limits(design, bd)
    if explain:
        checks = tuple(CheckResult("estimate.coverage", False, note, "warning") for note in costs.notes) \
            + _design_checks(design) + checks + _lint(design, bd)
    messages = []
    failing = [l for l in lines if not l.ok]
    if failing:
        alts = alternatives(design, bd) if explain else ()
        messages += [failure_message(l, alts) for l in failing]
    messages += _check_messages(memory + checks)
    messages += _warnings(memory + checks)
    return Verdict(design=design.name, part=design.board.part, source=ESTIMATE, resources=lines,
                   memory=memory, timing=None, checks=checks, messages=tuple(messages))


# --------------------------------------------------------------------------- after the build
def timing_result(timing) -> TimingResult:
    """Negative WNS (setup), WHS (hold) or WPWS (pulse width) fail; NA fails on its own terms."""
    na = [n for n, v in (("WNS", timing.wns), ("TNS", timing.tns), ("WHS", timing.whs),
                         ("THS", timing.ths)) if v is None]
    where = timing.source
    if na:
        said = {"unconstrained": "There are no user specified timing constraints."}.get(timing.verdict or "")
        return TimingResult(timing.wns, timing.tns, timing.whs, timing.ths, False,
                            f"timing: unconstrained - Vivado printed NA for {', '.join(na)} in {where}"
                            + (f" ('{said}')" if said else "")
                            + "; no path was timed, so nothing is known to meet timing. "
                              "Constrain every clock (the PS FCLK and the clocking wizard outputs) "
                              "and run again")
    problems = []
    if timing.wns < 0:
        n = timing.tns_failing_endpoints
        problems.append(f"setup fails: WNS {timing.wns:.3f} ns, TNS {timing.tns:.3f} ns"
                        + (f" over {n} endpoints" if n is not None else "")
                        + f"; the worst path is {-timing.wns:.3f} ns too slow - lower dpu.clock_mhz "
                          "or dpu.dsp_clock_mhz, or try another implementation strategy")
    if timing.whs < 0:
        n = timing.ths_failing_endpoints
        problems.append(f"hold fails: WHS {timing.whs:.3f} ns, THS {timing.ths:.3f} ns"
                        + (f" over {n} endpoints" if n is not None else "")
                        + "; hold violations after routing point at clock-domain crossings or "
                          "constraints, not at a slow clock")
    if timing.wpws is not None and timing.wpws < 0:
        problems.append(f"pulse width fails: WPWS {timing.wpws:.3f} ns; a clock runs faster than a "
                        "primitive on it allows")
    if problems:
        return TimingResult(timing.wns, timing.tns, timing.whs, timing.ths, False,
                            f"timing ({where}): " + "; ".join(problems))
    return TimingResult(timing.wns, timing.tns, timing.whs, timing.ths, True,
                        f"timing met: WNS {timing.wns:.3f} ns, WHS {timing.whs:.3f} ns ({where})")


def _check_part(design, device: str, source: str) -> None:
    from hwgen.budget.reports import parts_match

    if not parts_match(design.board.part, device):
        raise InputError(Problem(Mark(source), "", f"the report is for {device}, but design "
                                 f"{design.name} targets {design.board.part} (board {design.board.name}); "
                                 "check the report of this design's run, or pass the matching --board"))


def _report_capacity(utilization, design, name: str) -> tuple[float, str | None]:
    """The Available column; for hierarchical reports (no column) the part's data."""
    row = utilization.get(name)
    if row.available is not None:
        return float(row.available), None
    from hwgen.model.design import part_for

    part = design.part if design is not None else part_for("xc" + utilization.part)
    if part is None:
        raise InputError(Problem(Mark(utilization.source), "", f"the report prints no Available "
                                 f"column (hierarchical) and hwgen has no capacity data for "
                                 f"{utilization.device}; check a flat report_utilization instead"))
    return float(part.capacity(name)), f"parts/parts.yaml {part.name}: {part.source}"


def from_reports(utilization, timing=None, design=None, limits: model.BudgetLimits | None = None,
                 block_design: BlockDesign | None = None) -> Verdict:
    """The verdict after the build, from parsed reports (hwgen/budget/reports.py).

    Without a design the report's own part and Available column are used, with
    ``limits`` (default: the built-in limits). With a design, its part must be the
    report's (InputError otherwise), its limits apply and every line carries the
    estimate beside the actual figure.
    """
    if design is not None:
        _check_part(design, utilization.device, utilization.source)
        if timing is not None:
            _check_part(design, timing.device, timing.source)
        limits = design.settings.budget
    else:
        limits = limits or default_limits()
        if timing is not None:
            from hwgen.budget.reports import parts_match

            if not parts_match(utilization.device, timing.device):
                raise InputError(Problem(Mark(timing.source), "", f"the timing report is for "
                                         f"{timing.device}, the utilization report for "
                                         f"{utilization.device}; give both reports of one run"))
    est_lines: tuple[ResourceLine, ...] = ()
    bd = None
    if design is not None:
        bd = block_design if block_design is not None else block_design_for(design)
        est_lines = _evaluate(design, bd)[0]
    est = {l.name: l for l in est_lines}
    checks = []
    lines = []
    state = f", {utilization.design_state}" if utilization.design_state else ""
    for row in utilization.resources:
        available, capacity_source = _report_capacity(utilization, design, row.name)
        src = f"{utilization.source} (Vivado {utilization.tool_version}{state})"
        contributions = [Contribution(f"report_utilization row '{row.row}'", row.used, src)]
        if capacity_source:
            contributions.append(Contribution("Available (not printed in the report)", available,
                                              capacity_source))
        e = est.get(row.name)
        if design is not None and row.available is not None \
                and float(row.available) != float(design.part.capacity(row.name)):
            checks.append(CheckResult(f"capacity.{row.name.lower()}", False,
                                      f"Vivado reports {fmt_amount(row.available)} {row.name} available, "
                                      f"parts/parts.yaml says {fmt_amount(design.part.capacity(row.name))} "
                                      f"for {design.part.name}; the report's figure is used", "warning"))
        lines.append(_line(row.name, row.used, available, limits.limit(row.name), tuple(contributions),
                           estimate=e.used if e is not None else None))
    lines = tuple(lines)
    memory = _memory_checks(design) if design is not None else ()
    timing_res = timing_result(timing) if timing is not None else None

    messages = []
    failing = [l for l in lines if not l.ok]
    if failing:
        alts = None
        if design is not None:
            alts = tuple(_rebase(lines, est_lines, a) for a in alternatives(design, bd))
        messages += [failure_message(l, alts) for l in failing]
    messages += _check_messages(memory)
    if timing_res is not None and not timing_res.ok:
        messages.append(timing_res.message)
    messages += _warnings(memory + tuple(checks))
    return Verdict(design=design.name if design is not None else None,
                   part=design.board.part if design is not None else utilization.device,
                   source=REPORT, resources=lines, memory=memory, timing=timing_res,
                   checks=tuple(checks), messages=tuple(messages))
