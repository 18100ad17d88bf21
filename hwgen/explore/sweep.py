"""`hwgen explore`: every DPU configuration on a board, whether it fits, and how fast it runs.

The sweep is DPU profile (B512 ... B4096) x RAM usage x DSP usage x fabric clock
(depthwise convolution is no dimension: every v4.x DPU builds it), and where the family
allows them, cores (VER_DPU_NUM, the family's ``explore_cores``) x URAM (URAM_N_USER, on
parts with UltraRAM). Core counts whose DSPs alone (at DSP usage low) exceed the part are
left out. URAM_N_USER only matters in whole banks of ceil(ICP*8/72) URAM (the IP's
UBANK_* formulas, ``dpu.arch.banks``), so the values tried per profile, cores and RAM usage
are: 0 (all BRAM); the design's own setting (the board's, e.g. the KV260 TRD's 50); the
balanced one (the bank count that minimizes the larger of the DPU's BRAM and URAM shares
of the part); and the most the part holds (every bank, or as many as the part's URAM
divided by the cores takes). Each point is an ordinary design - ``load_design`` with ``--set``
overrides - judged by the same budget verdict ``hwgen check`` prints
(``budget.estimate``) and the same roofline ``hwgen estimate`` prints
(``perf.estimate``): explore adds no cost model of its own, it only ranks.

Ranking ("best"), in order:
1. configurations that fit (the budget verdict passes, so ``hwgen build`` accepts them)
   before those that do not, and clocks the PS and the wizard cannot make last;
2. configurations that can run the ranking model (its ``needs``, e.g. softmax) before
   those that cannot;
3. the highest attainable GOPS for the ranking model (roofline: compute x efficiency,
   the DPU's ports, DDR x efficiency);
4. the lowest binding utilization (the highest percent-of-limit over the resources): the
   most headroom for routing and timing;
5. the lower clock (easier timing closure), then architecture, RAM and DSP usage in their
   listed order, then fewer cores and less URAM, so the order is total and stable.
"""

from __future__ import annotations

import shlex
from hwgen.frozen import dataclass, replace

from hwgen.model import records as model_mod
from hwgen.errors import InputError, Problem

DEFAULT_CLOCKS: tuple[float, ...] = (100.0, 125.0, 150.0, 175.0, 200.0)
RAM_USAGES = ("low", "high")
DSP_USAGES = ("low", "high")
DEFAULT_MODEL = "mobilenet_v2"
# The --set keys the sweep sets; a user's --set of one of them fixes that dimension.
SWEPT = ("dpu.ram_usage", "dpu.dsp_usage", "dpu.clock_mhz", "dpu.cores", "dpu.uram")

RANKING = ("fits first (the budget verdict passes); then configurations that can run the model; "
           "then highest attainable GOPS for the model (roofline, as hwgen estimate); then lowest "
           "binding utilization (highest percent of its limit); then lower clock; clocks the PS and "
           "clocking wizard cannot make last")


@dataclass(frozen=True)
class Config:
    """One point of the sweep."""

    dpu: str                 # profile: a shipped name (B512) or a path, as given
    ram_usage: str
    dsp_usage: str
    clock_mhz: float
    cores: int | None = None  # None: not a dimension here (the family does not sweep it)
    uram: int | None = None   # None: not a dimension here (no UltraRAM, or fixed by --set)


@dataclass(frozen=True)
class Usage:
    name: str
    used: float
    available: float
    limit_percent: float

    @property
    def percent(self) -> float:
        return 100.0 * self.used / self.available if self.available else float("inf")

    @property
    def of_limit(self) -> float:
        """Percent of the limit: 100 means exactly at the limit."""
        return 100.0 * self.percent / self.limit_percent


@dataclass(frozen=True)
class ExploreRow:
    board: str
    config: Config
    arch: str
    args: tuple[str, ...]          # hwgen build arguments that reproduce this row
    status: str                    # fits | over limit | does not fit | memory | no clock | invalid
    resources: tuple[Usage, ...] = ()
    perf: object | None = None     # perf.PerfEstimate
    note: str = ""
    rank: int = 0

    @property
    def fits(self) -> bool:
        return self.status == "fits"

    @property
    def binding(self) -> Usage | None:
        """The resource with the highest percent of its limit."""
        return max(self.resources, key=lambda u: u.of_limit) if self.resources else None

    # The clocks and rates the estimate used (None where no estimate was made).
    @property
    def dpu_mhz(self) -> float | None:
        return None if self.perf is None else self.perf.dpu_mhz

    @property
    def dsp_mhz(self) -> float | None:
        return None if self.perf is None else self.perf.dsp_mhz

    @property
    def peak_gops(self) -> float | None:
        return None if self.perf is None else self.perf.peak_gops

    @property
    def port_gbs(self) -> float | None:
        return None if self.perf is None else self.perf.port_gbs

    @property
    def ddr_peak_gbs(self) -> float | None:
        return None if self.perf is None else self.perf.ddr_peak_gbs

    @property
    def bandwidth_gbs(self) -> float | None:
        """Data ports x width x clock, capped by the DDR's peak."""
        return None if self.perf is None else min(self.perf.port_gbs, self.perf.ddr_peak_gbs)

    @property
    def build_args(self) -> str:
        return shlex.join(self.args)


# --------------------------------------------------------------------------- the sweep
def _clock_key(design) -> tuple:
    s = design.settings.dpu
    return (design.board.ps, design.board.part, s.clock_mhz, s.dsp_clock_mhz, s.fclk_tolerance_ppm)


def _profiles(dpus: tuple[str, ...]) -> tuple[str, ...]:
    from hwgen import resources

    if dpus:
        return tuple(dpus)
    shipped = resources.shipped("dpus")
    return tuple(a for a in model_mod.ARCHES if a.lower() in shipped)


def _fmt_mhz(mhz: float) -> str:
    return f"{mhz:g}"


def configs(dpus: tuple[str, ...], fixed: set[str], clocks: tuple[float, ...],
            memory=None) -> list[Config]:
    """The sweep's points; a dimension the user fixed with --set has one (placeholder) value.

    ``memory(dpu, ram_usage)`` gives the (cores, uram) pairs to try for a profile and RAM
    usage (see ``core_uram_points``); without it cores and URAM are no dimension.
    """
    out = []
    for dpu in _profiles(dpus):
        for ram in (RAM_USAGES if "dpu.ram_usage" not in fixed else (None,)):
            points = memory(dpu, ram) if memory is not None else ((None, None),)
            for cores, uram in points:
                for dsp in (DSP_USAGES if "dpu.dsp_usage" not in fixed else (None,)):
                    for mhz in (clocks if "dpu.clock_mhz" not in fixed else (None,)):
                        out.append(Config(dpu, ram, dsp, mhz, cores, uram))
    return out


def uram_values(arch: str, opts, part) -> tuple[int, ...]:
    """The URAM_N_USER values worth trying for one core count (see the module docstring).

    ``opts`` is the design's dpu_arch.DpuOptions with the cores and RAM usage to try (its
    ``uram`` is the design's own setting); ``part`` the capacity row (records.Part).
    """
    from hwgen.dpu import arch as dpu_arch

    b = dpu_arch.banks(arch, replace(opts, uram=0))
    per = b.uram_per_bank
    total = b.img + b.wgt + b.bias
    # per-core URAM the part can hold at all, and URAM_N_USER's own range
    cap = min(dpu_arch.URAM_N_USER_MAX, part.uram // opts.cores)
    most = min(total, cap // per)

    def share(k: int) -> float:
        o = replace(opts, uram=k * per)
        return max(dpu_arch.bram36_count(arch, o) / part.bram36,
                   dpu_arch.uram_count(arch, o) / part.uram)

    balanced = min(range(most + 1), key=lambda k: (share(k), k))
    values = {0, balanced * per, most * per}
    if opts.uram <= cap:
        values.add(opts.uram)
    return tuple(sorted(values))


def core_uram_points(design, family, fixed: set[str], ram_usage: str | None) -> tuple:
    """(cores, uram) pairs for one profile and RAM usage; None where it is no dimension."""
    from hwgen.dpu import arch as dpu_arch
    from hwgen.model.design import part_for

    part = part_for(design.board.part)
    s = design.settings.dpu
    arch = design.dpu.arch
    opts = dpu_arch.DpuOptions.of(s)
    if ram_usage is not None:
        opts = replace(opts, ram_usage=ram_usage)
    cores: tuple = (None,)
    if family.dpu.explore_cores and "dpu.cores" not in fixed and part is not None:
        low = dpu_arch.dsp_count(arch, replace(opts, dsp_usage="low", cores=1, softmax=False))
        cores = tuple(c for c in family.dpu.explore_cores if c == 1 or c * low <= part.dsp)
    sweep_uram = (family.dpu.uram and "dpu.uram" not in fixed and part is not None
                  and part.uram > 0)
    out = []
    for c in cores:
        if not sweep_uram:
            out.append((c, None))
            continue
        o = replace(opts, cores=c if c is not None else opts.cores)
        out += [(c, u) for u in uram_values(arch, o, part)]
    return tuple(out)


def _sets_for(config: Config) -> list[str]:
    out = []
    if config.ram_usage is not None:
        out.append(f"dpu.ram_usage={config.ram_usage}")
    if config.dsp_usage is not None:
        out.append(f"dpu.dsp_usage={config.dsp_usage}")
    if config.clock_mhz is not None:
        out.append(f"dpu.clock_mhz={_fmt_mhz(config.clock_mhz)}")
    if config.cores is not None:
        out.append(f"dpu.cores={config.cores}")
    if config.uram is not None:
        out.append(f"dpu.uram={config.uram}")
    return out


def row_args(board_ref: str, dpu: str, row_sets: tuple[str, ...]) -> tuple[str, ...]:
    args = ["--board", board_ref, "--dpu", dpu]
    for s in row_sets:
        args += ["--set", s]
    return tuple(args)


def sweep(board: str | None = None, dpus: tuple[str, ...] = (), sets: tuple[str, ...] = (),
          clocks: tuple[float, ...] | None = None, model=DEFAULT_MODEL) -> list[ExploreRow]:
    """Every configuration on ``board``, ranked (see the module docstring); ranks from 1.

    ``dpus`` limits the profiles (default: every shipped B512 ... B4096); ``sets`` are
    --set overrides applied to every point (one of the swept keys fixes that dimension);
    ``clocks`` the fabric clocks in MHz (default DEFAULT_CLOCKS); ``model`` the ranking
    model, a name, a path or a perf.Model.
    """
    from hwgen.budget import estimate as budget
    from hwgen.explore import perf
    from hwgen.plan.blockdesign import plan_block_design
    from hwgen.plan.clockflow import design_clocks
    from hwgen.model.design import load_design, parse_sets

    base = load_design(board, dpus[0] if dpus else None, sets)   # every input error, once, up front
    given = {".".join(path): value for path, value, _ in parse_sets(sets)}
    fixed = set(given) & set(SWEPT)
    if not dpus and isinstance(given.get("dpu.profile"), str):
        dpus = (given["dpu.profile"],)        # --set dpu.profile=... fixes the profile
    if clocks is not None and "dpu.clock_mhz" in fixed:
        raise InputError(Problem(base.origin("dpu.clock_mhz"), "dpu.clock_mhz",
                                 "fixes the clock for every configuration; leave out --clocks, or "
                                 "leave out --set dpu.clock_mhz to sweep the clocks"))
    from hwgen.model.family import load_family

    family = load_family(base.board.ps.family)
    if clocks is None:
        clocks = family.dpu.explore_clocks or DEFAULT_CLOCKS
    clocks = tuple(clocks)
    profile_designs: dict = {}

    def memory(dpu: str, ram_usage: str | None) -> tuple:
        if dpu not in profile_designs:
            try:
                profile_designs[dpu] = load_design(board, dpu, sets)
            except InputError:
                profile_designs[dpu] = None     # the row says why, below
        design = profile_designs[dpu]
        return ((None, None),) if design is None else core_uram_points(design, family, fixed, ram_usage)

    ranking_model = perf.load_model(model) if isinstance(model, str) else model
    board_ref = board or base.board.name

    plans: dict = {}
    rows = []
    for config in configs(tuple(dpus), fixed, clocks, memory):
        row_sets = tuple(sets) + tuple(_sets_for(config))
        args = row_args(board_ref, config.dpu, row_sets)
        try:
            design = load_design(board, config.dpu, row_sets)
        except InputError as exc:
            rows.append(ExploreRow(base.board.name, config, "?", args, "invalid", note=exc.lines()[0]))
            continue
        config = _resolved(config, design)
        key = _clock_key(design)
        if key not in plans:
            try:
                plans[key] = design_clocks(design)
            except InputError as exc:
                plans[key] = exc
        clock_plan = plans[key]
        if isinstance(clock_plan, InputError):
            rows.append(ExploreRow(design.board.name, config, design.dpu.arch, args, "no clock",
                                   note=_one_line(clock_plan)))
            continue
        try:
            bd = plan_block_design(design, clock_plan)
        except InputError as exc:
            rows.append(ExploreRow(design.board.name, config, design.dpu.arch, args, "invalid",
                                   note=_one_line(exc)))
            continue
        verdict = budget.estimate(design, bd, explain=False)    # rows show numbers, not fixes
        estimate = perf.estimate(design, ranking_model, clock_plan)
        usage = tuple(Usage(l.name, l.used, l.available, l.limit_percent) for l in verdict.resources)
        status, note = _status(verdict)
        rows.append(ExploreRow(
            design.board.name, config, design.dpu.arch, args, status, usage, perf=estimate, note=note))
    ranked = sorted(rows, key=_rank_key)
    return [replace(r, rank=i) for i, r in enumerate(ranked, 1)]


def _resolved(config: Config, design) -> Config:
    """The point with every dimension as the design has it (fixed ones filled in)."""
    s = design.settings.dpu
    return Config(config.dpu, s.ram_usage, s.dsp_usage, s.clock_mhz,
                  None if config.cores is None else s.cores, None if config.uram is None else s.uram)


def _one_line(exc: InputError) -> str:
    return " ".join(exc.lines())


def _status(verdict) -> tuple[str, str]:
    if any(not l.fits for l in verdict.resources):
        return "does not fit", ""
    if any(not l.ok for l in verdict.resources):
        return "over limit", ""
    if not verdict.ok:
        # a clock above the part's data-sheet limit is never a configuration to recommend
        clock = [f"{c.name}: {c.message}" for c in verdict.checks
                 if not c.ok and c.severity == "error" and c.name.startswith("clock.")]
        if clock:
            return "clock limit", "; ".join(clock)
        failed = [f"{c.name}: {c.message}" for c in verdict.memory + verdict.checks
                  if not c.ok and c.severity == "error"]
        return "memory", "; ".join(failed)
    return "fits", ""


_STATUS_ORDER = ("fits", "over limit", "memory", "does not fit", "clock limit", "invalid", "no clock")


def _rank_key(row: ExploreRow) -> tuple:
    c = row.config
    p = row.perf
    binding = row.binding
    return (
        _STATUS_ORDER.index(row.status),
        0 if p is not None and p.applies else 1,
        -(p.attainable_gops if p is not None else 0.0),
        binding.of_limit if binding is not None else float("inf"),
        c.clock_mhz if c.clock_mhz is not None else 0.0,
        model_mod.ARCHES.index(row.arch) if row.arch in model_mod.ARCHES else len(model_mod.ARCHES),
        c.dpu,
        RAM_USAGES.index(c.ram_usage) if c.ram_usage in RAM_USAGES else 0,
        DSP_USAGES.index(c.dsp_usage) if c.dsp_usage in DSP_USAGES else 0,
        c.cores or 0,
        c.uram or 0,
    )


def best(rows: list[ExploreRow]) -> ExploreRow | None:
    """The first configuration that fits, or None."""
    return next((r for r in rows if r.fits), None)
