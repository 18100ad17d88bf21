"""How fast a design runs a network: a roofline over compute, the DPU's ports and DDR.

A model file (``models/*.yaml``, or the user's own) gives the operations and the bytes
one inference moves, each with its source, and the fraction of peak compute the DPU
reaches on that network. ``estimate(design, model)`` takes the smallest of three rates:

- compute: cores x ops/clock x the DPU clock (dpu_arch.ops_per_clock, PG4x) x the
  model's compute efficiency;
- the DPU's data ports: for every PS port a data master reaches, the narrower of the
  master and the port in bytes x the DPU clock (the HP ports run on m_axi_dpu_aclk in
  hwgen's block design: 64 bit at 150 MHz = 1.2 GB/s, 32 bit half that);
- the board's DDR: bus width x transfer rate (Pynq-Z2 2 B x 1050 MT/s = 2.1 GB/s) x the
  PS family's DDR efficiency (``parts/ddr_efficiency.yaml``, UG585).

Frames per second, latency and the bound that binds follow; every assumption is a
sentence in the result, so the output states what it took for granted. Units: 1 GOP =
1e9 operations (a MAC is 2), 1 GB = 1e9 bytes.
"""

from __future__ import annotations

from hwgen.frozen import dataclass, replace
from functools import lru_cache
from pathlib import Path

from hwgen.dpu import arch as dpu_arch
from hwgen.model import loader
from hwgen import resources
# The port bandwidths live in their own module so that the performance warnings of every
# `hwgen check` (hwgen/budget/lint.py) do not import the model file's schema; re-exported here.
from hwgen.plan.bandwidth import PortBandwidth, data_masters, port_bandwidth  # noqa: F401
from hwgen.errors import InputError, Problem
from hwgen.model.schema import Ctx, Field, Int, MapOf, Num, Rec, Seq, Str, did_you_mean, doc_locator, validate

# A source or its arithmetic: long enough for the arithmetic, none of the characters
# that would need care if it ever reached Tcl or a device tree.
_TEXT = Str(r"[^\\{}\[\]$\"`]*", max_len=1200, what="a source or arithmetic (no backslashes, "
            "braces, brackets, $, quotes or backticks)")
_NAME = Str(r"[A-Za-z][A-Za-z0-9_.\-]{0,62}", max_len=63, what="a model name (letter, then letters, "
            "digits, _ . -)")
# DPU options a model may need (boolean dpu.* settings). Depthwise convolution is not one:
# every v4.x DPU builds it (DWCV_ENA fixed at 1, DPU41-PKG).
NEEDABLE = ("channel_augmentation", "leaky_relu", "softmax", "alu_leaky_relu", "save_argmax")


# --------------------------------------------------------------------------- the model file
@dataclass(frozen=True)
class Figure:
    """A number with where it comes from (a citation or the arithmetic)."""

    value: float
    source: str


@dataclass(frozen=True)
class Ops:
    gop: float
    source: str


@dataclass(frozen=True)
class ModelBytes:
    weights: Figure
    activations: Figure

    @property
    def total(self) -> float:
        return self.weights.value + self.activations.value


@dataclass(frozen=True)
class Model:
    name: str
    description: str
    input_shape: tuple[int, ...]
    ops: Ops
    bytes: ModelBytes
    compute_efficiency: Figure
    needs: tuple[tuple[str, str], ...]     # dpu.<option> that must be true -> why
    sources: tuple[str, ...]
    file: str = ""                          # display name of the file it came from


_BYTES = Rec(Figure, value=Field(Int(0, 10**13)), source=Field(_TEXT))
_EFFICIENCY = Rec(Figure, value=Field(Num(0.001, 1.0)), source=Field(_TEXT))
_NEED_KEY = Str("|".join(NEEDABLE), max_len=40, what="a DPU option (" + ", ".join(NEEDABLE) + ")")

MODEL_SCHEMA = Rec(
    Model,
    name=Field(_NAME),
    description=Field(Str(r"[^\\{}\[\]$\"`;]*", max_len=200, what="plain text"), default=""),
    input_shape=Field(Seq(Int(1, 1_000_000), 1, 8)),
    ops=Field(Rec(Ops, gop=Field(Num(1e-9, 1e7, "GOP")), source=Field(_TEXT))),
    bytes=Field(Rec(ModelBytes, weights=Field(_BYTES), activations=Field(_BYTES))),
    compute_efficiency=Field(_EFFICIENCY),
    needs=Field(MapOf(_NEED_KEY, _TEXT), default=()),
    sources=Field(Seq(_TEXT, 1, 32)),
)


def load_model(ref: str) -> Model:
    """A shipped model by name ('mobilenet_v2') or a path to a model YAML file."""
    table = resources.shipped("models")
    if resources.is_file_ref(ref):
        return _load_model_file(Path(ref), ref)
    if ref.lower() in table:
        return _shipped_model(table[ref.lower()])
    raise InputError(Problem(None, "--model", f"expected one of the shipped models ({', '.join(table)}) "
                             f"or a path to a .yaml file, got {ref!r}{did_you_mean(ref.lower(), table)}"))


@lru_cache(maxsize=None)
def _shipped_model(path: Path) -> Model:
    # Shipped files are parsed once per process (explore estimates hundreds of designs).
    return _load_model_file(path, resources.display_name(path))


def _load_model_file(path: Path, shown: str) -> Model:
    doc, _ = loader.load_file(path, shown)
    model = validate(MODEL_SCHEMA, doc.data, Ctx(doc_locator(doc)))
    if model.bytes.total <= 0:
        raise InputError(Problem(doc.mark(("bytes",)), "bytes", "expected weights + activations "
                                 "above 0 bytes: every inference moves its input at least"))
    return replace(model, file=shown)


@dataclass(frozen=True)
class DdrEfficiency:
    value: float
    source: str


@lru_cache(maxsize=None)
def ddr_efficiencies() -> dict[str, DdrEfficiency]:
    path = resources.data_dir("parts") / "ddr_efficiency.yaml"
    doc, _ = loader.load_file(path, "parts/ddr_efficiency.yaml")
    schema = Rec(dict, families=Field(MapOf(Str(r"[a-z0-9_]+", max_len=20, what="a family name"),
                                            Rec(DdrEfficiency, value=Field(Num(0.01, 1.0)),
                                                source=Field(_TEXT)))))
    return dict(validate(schema, doc.data, Ctx(doc_locator(doc)))["families"])


def ddr_peak_gbs(board) -> float:
    """Bus width in bytes x transfer rate: Pynq-Z2 2 B x 1050 MT/s = 2.1 GB/s."""
    return board.ddr.bus_width / 8 * board.ddr.data_rate_mts * 1e6 / 1e9


# --------------------------------------------------------------------------- the estimate
@dataclass(frozen=True)
class Bound:
    name: str          # "compute" | "ports" | "ddr"
    rate: float        # GOPS for compute, GB/s for the memory bounds
    unit: str
    fps: float
    formula: str


@dataclass(frozen=True)
class PerfEstimate:
    design: str
    board: str
    dpu: str
    arch: str
    cores: int
    model: Model
    dpu_mhz: float
    dsp_mhz: float
    compute_mhz: float
    peak_gops: float
    ports: tuple[PortBandwidth, ...]
    ddr_peak_gbs: float
    ddr_efficiency: DdrEfficiency
    bounds: tuple[Bound, ...]
    latency_ms: float
    serial_latency_ms: float
    ceiling_fps: float
    ceiling_bound: str
    missing: tuple[str, ...]           # sentences: options the model needs that are off
    assumptions: tuple[str, ...]

    @property
    def binding(self) -> Bound:
        return min(self.bounds, key=lambda b: (b.fps, ("compute", "ports", "ddr").index(b.name)))

    @property
    def fps(self) -> float:
        return self.binding.fps

    @property
    def attainable_gops(self) -> float:
        return self.fps * self.model.ops.gop

    @property
    def applies(self) -> bool:
        return not self.missing

    @property
    def port_gbs(self) -> float:
        return sum(p.gbs for p in self.ports)

    @property
    def ddr_gbs(self) -> float:
        return self.ddr_peak_gbs * self.ddr_efficiency.value


def _fmt(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}".rstrip("0").rstrip(".")


def estimate(design, model: Model, clocks=None) -> PerfEstimate:
    """The roofline estimate of ``model`` on ``design`` (clocks: its clock plan, if known)."""
    if clocks is None:
        from hwgen.plan.clockflow import design_clocks

        clocks = design_clocks(design)
    s = design.settings.dpu
    family = design.board.ps.family
    # A family without a measured efficiency gets its DDR peak as the bound (efficiency 1):
    # an upper bound, said in the assumptions, rather than a number nobody measured.
    ddr_eff = ddr_efficiencies().get(family) or DdrEfficiency(
        1.0, f"no measured DDR efficiency for {family} in parts/ddr_efficiency.yaml: the DDR "
             f"bound is the peak, an upper bound")
    dpu_mhz, dsp_mhz = clocks.dpu_mhz, clocks.dsp_mhz
    # The convolution array is double-pumped on dpu_2x_clk (PG338: dpu_2x_clk = 2 x
    # m_axi_dpu_aclk); with a slower DSP clock it can do at most ops/clk x dsp/2.
    compute_mhz = min(dpu_mhz, dsp_mhz / 2)
    ops_clk = dpu_arch.ops_per_clock(design.dpu.arch)
    peak = s.cores * dpu_arch.peak_gops(design.dpu.arch, dpu_mhz)
    core_gops = dpu_arch.peak_gops(design.dpu.arch, compute_mhz) * model.compute_efficiency.value
    gop = model.ops.gop
    gb = model.bytes.total / 1e9
    ports = port_bandwidth(design, dpu_mhz)
    port_gbs = sum(p.gbs for p in ports)
    ddr_peak = ddr_peak_gbs(design.board)
    ddr_gbs = ddr_peak * ddr_eff.value

    cores = f"{s.cores} cores x " if s.cores > 1 else ""
    bounds = (
        Bound("compute", s.cores * core_gops, "GOPS", s.cores * core_gops / gop,
              f"{cores}{ops_clk} ops/clk x {_fmt(compute_mhz)} MHz x efficiency "
              f"{model.compute_efficiency.value:g} = {_fmt(s.cores * core_gops, 2)} GOPS; "
              f"/ {_fmt(gop, 4)} GOP per frame"),
        Bound("ports", port_gbs, "GB/s", port_gbs / gb,
              " + ".join(f"{p.port} {p.bits} bit x {_fmt(p.mhz)} MHz" for p in ports)
              + f" = {_fmt(port_gbs)} GB/s; / {_fmt(gb * 1000, 3)} MB per frame"),
        Bound("ddr", ddr_gbs, "GB/s", ddr_gbs / gb,
              f"{design.board.ddr.bus_width} bit x {_fmt(design.board.ddr.data_rate_mts)} MT/s = "
              f"{_fmt(ddr_peak)} GB/s x efficiency {ddr_eff.value:g} = {_fmt(ddr_gbs)} GB/s; "
              f"/ {_fmt(gb * 1000, 3)} MB per frame"),
    )
    t_compute = gop / core_gops                  # one frame on one core
    t_memory = gb / min(port_gbs, ddr_gbs)       # one frame with the whole memory path
    latency_ms = 1000 * max(t_compute, t_memory)
    serial_ms = 1000 * (t_compute + t_memory)
    ideal = (s.cores * dpu_arch.peak_gops(design.dpu.arch, compute_mhz) / gop, port_gbs / gb, ddr_gbs / gb)
    ceiling_fps = min(ideal)
    ceiling_bound = ("compute", "ports", "ddr")[ideal.index(ceiling_fps)]

    missing = tuple(f"dpu.{option} is false: {model.name} needs it - {why}"
                    for option, why in model.needs if not getattr(s, option))
    assumptions = _assumptions(design, model, ddr_eff, dpu_mhz, dsp_mhz, compute_mhz, ports)
    return PerfEstimate(
        design=design.name, board=design.board.name, dpu=design.dpu.name, arch=design.dpu.arch,
        cores=s.cores, model=model, dpu_mhz=dpu_mhz, dsp_mhz=dsp_mhz, compute_mhz=compute_mhz,
        peak_gops=peak, ports=ports, ddr_peak_gbs=ddr_peak, ddr_efficiency=ddr_eff, bounds=bounds,
        latency_ms=latency_ms, serial_latency_ms=serial_ms, ceiling_fps=ceiling_fps,
        ceiling_bound=ceiling_bound, missing=missing, assumptions=assumptions)


def _assumptions(design, model, ddr_eff, dpu_mhz, dsp_mhz, compute_mhz, ports) -> tuple[str, ...]:
    s = design.settings.dpu
    out = [
        f"operations: {_fmt(model.ops.gop, 6)} GOP per frame ({model.ops.source})",
        f"weights: {model.bytes.weights.value:,.0f} bytes per frame ({model.bytes.weights.source})",
        f"activations: {model.bytes.activations.value:,.0f} bytes per frame "
        f"({model.bytes.activations.source})",
        f"compute efficiency {model.compute_efficiency.value:g} of peak ({model.compute_efficiency.source})",
        f"DDR efficiency {ddr_eff.value:g} of peak, PS family {design.board.ps.family} ({ddr_eff.source})",
        f"DDR peak: {design.board.name} ddr.bus_width {design.board.ddr.bus_width} bit x "
        f"ddr.data_rate_mts {_fmt(design.board.ddr.data_rate_mts)} MT/s (board file)",
        f"clocks: m_axi_dpu_aclk {_fmt(dpu_mhz)} MHz and dpu_2x_clk {_fmt(dsp_mhz)} MHz as the clock "
        f"plan makes them; the HP ports run on m_axi_dpu_aclk (hwgen's block design)",
        "ports: each port counted once at min(master, port) width x clock, as if all traffic went one "
        "way; AXI reads and writes use separate channels, so a balanced mix could move up to twice "
        "that (not counted on)",
        "roofline: the DPU overlaps computing and moving data perfectly, so a frame takes the longest "
        "of the three; with no overlap at all it takes their sum (the serial latency)",
        "batch 1, one frame at a time per core, the model held in DDR; the CPU's work (decoding, "
        "resizing, softmax - the Zynq-7000 DPU has none, VAI20 bd.tcl) and driver overhead are not counted",
        "1 GOP = 1e9 operations (a MAC is 2), 1 GB = 1e9 bytes, 1 MB = 1e6 bytes",
    ]
    if s.cores > 1:
        out.append(f"{s.cores} cores each work on their own frame; they share the ports and DDR "
                   f"(hwgen wires every core's masters to core 0's PS ports)")
    if compute_mhz < dpu_mhz:
        out.append(f"dpu_2x_clk {_fmt(dsp_mhz)} MHz is below 2 x m_axi_dpu_aclk: the DSP array is "
                   f"assumed to run at dsp/2 = {_fmt(compute_mhz)} MHz of work per m_axi_dpu_aclk "
                   f"cycle (PG338 specifies exactly 2x; the slowdown is hwgen's assumption)")
    narrow = [p for p in ports if p.port_bits < p.master_bits]
    for p in narrow:
        out.append(f"{p.port} is {p.port_bits} bit, narrower than the {p.master_bits}-bit DPU master(s) on "
                   f"it: counted at {p.port_bits} bit")
    return tuple(out)
