"""The compiler handshake: which DPU fingerprint the design builds, and its vitis-ai/ folder.

The Vitis AI compiler takes ``--arch arch.json`` and bakes the DPU's fingerprint into
the compiled model; the runtime compares it with the fingerprint the DPU reports
(registers 0x1F0/0x1F4) and refuses a mismatch ("CHECK fingerprint fail"). hwgen
knows the configuration it put into the bitstream, so it writes the matching
arch.json instead of borrowing another board's.

Pure decisions here: design settings -> fingerprint fields (with where each field's
value comes from and how sure that link is), fingerprint -> the hwgen arguments that
rebuild it, the check, and the outputs. Text shape lives in templates/vitis_ai/.

Source keys (docs/references.md resolves every one):

- HS      TF, DEC1 and GEN34 together (fingerprint layout, registered targets, certainty)
- DEC1    Xilinx/Vitis-AI ``src/vai_runtime/target_factory/src/create_target_DPUCZDX8G_ISA1.cpp``
          (ISA1 decoder; every ISA1 target gets an ALU engine with ``dwconv``)
- GEN34   Xilinx/Vitis-AI v2.0 ``dsa/DPU-TRD/dpu_ip/DPUCZDX8G_v3_4_0/ttcl/fingerprint_json.ttcl``
          (the v3.4 IP writes ``{"fingerprint":"0x<hex>"}`` from its parameters)
- GTCL34  same IP, ``gui/dpuczdx8g_v3_4.gtcl``: CONV_LEAKYRELU = ADDON in {1,3},
          CONV_RELU6 = ADDON in {2,3}, DWCV_RELU6 = DWCV_ENA ? CONV_RELU6 : 0,
          DWCV_PARALLEL = DWCV_ENA ? (PP == 2 ? 2 : PP/2) : 0
- CXML    DPU41-PKG component.xml defaults (POOL_AVERAGE 1, ELEW_MULT_EN 0, CONV_WR_PARALLEL 1)
- GEN4x   the v4.x IP's ``ttcl/fingerprint_json.ttcl`` (DPU41-TTCL), the formula the IP uses
          to write the arch.json of its output products
- GTCL4x  the v4.x IP's ``gui/dpuczdx8g_v4_*.gtcl`` (DPU41-GTCL): ALU_PARALLEL =
          min(ALU_PARALLEL_USER, PP), CONV_LEAKYRELU = CONV_RELU_ADDON in {1, 3}
- UG14    UG1414 v2.0 "VAI_C Usage" (https://docs.amd.com/r/2.0-English/ug1414-vitis-ai/VAI_C-Usage):
          ``--arch`` holds ``{"target": "<registered name>"}`` for pre-built DPUs or
          ``{"fingerprint": "0x..."}`` for customized DPU IPs
- UG35    UG1414 v3.5 "Compiling the Model": ``vai_c_xir -x <model>_int.xmodel -a arch.json -o ./ -n <net>``
- TF30    Xilinx/Vitis-AI ``src/vai_runtime/target_factory/expired_targets/`` holds
          ``DPUCZDX8G_ISA0_B4096_MAX_BG2.prototxt``: the VAI 3.x runtime no longer registers it
"""

from __future__ import annotations

import json
from hwgen.frozen import dataclass
from functools import lru_cache
from typing import Any, Union

from hwgen.dpu.arch import alu_parallel, geometry, ops_per_clock
from hwgen.dpu.fingerprint import (ESTABLISHED, INFERRED, DecodedFingerprint, Isa0Config, Isa1Config,
                          decode, encode_isa0, encode_isa1)

__all__ = [
    "SOURCES",
    "FingerprintInputs",
    "FieldOrigin",
    "FieldRow",
    "DpuFingerprint",
    "Reproduction",
    "inputs_from_design",
    "config_for",
    "dpu_fingerprint",
    "fingerprint_plan",
    "explain",
    "arch_json",
    "arch_json_text",
    "reproduce",
    "fingerprint_checks",
    "arch_json_outputs",
    "UNMAPPED_SETTINGS",
]

Config = Union[Isa0Config, Isa1Config]

# The tags the field notes use, spelled out for the generated README (a reader of the
# build folder has no access to hwgen's reference notes).
_VAI = "Xilinx/Vitis-AI src/vai_runtime/target_factory/"
_IP34 = "Xilinx/Vitis-AI v2.0 dsa/DPU-TRD/dpu_ip/DPUCZDX8G_v3_4_0/"
_IP4X = "the DPUCZDX8G v4.x IP package dpu_ip/DPUCZDX8G_v4_*/ (Vitis AI 3.0 DPU TRD)"
SOURCES: tuple[tuple[str, str], ...] = (
    ("HS", f"the registered targets {_VAI}targets/DPUCZDX8G_ISA1_*.prototxt (Vitis AI 3.x), "
           "compared with the Vitis AI 2.5 ones"),
    ("TF", f"{_VAI}src/target_factory.cpp (type codes, fingerprint = type << 56 | ISA << 48 | features)"),
    ("DEC1", f"{_VAI}src/create_target_DPUCZDX8G_ISA1.cpp (the runtime's ISA1 decoder)"),
    ("DEC0", f"{_VAI}src/create_target_v2.cpp (the runtime's ISA0 decoder)"),
    ("GEN34", f"{_IP34}ttcl/fingerprint_json.ttcl (how the v3.4 IP computes its fingerprint)"),
    ("GTCL34", f"{_IP34}gui/dpuczdx8g_v3_4.gtcl (derived IP parameters)"),
    ("CXML", f"{_IP34}component.xml (IP parameter defaults)"),
    ("GEN4x", f"{_IP4X} ttcl/fingerprint_json.ttcl (how the v4.x IP computes its fingerprint)"),
    ("GTCL4x", f"{_IP4X} gui/dpuczdx8g_v4_*.gtcl (derived IP parameters)"),
)

PROFILE = "DPU profile"  # how a field driven by the profile (not a --set key) is named


# ----------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class FingerprintInputs:
    """Everything in a design that reaches the fingerprint, and nothing else."""

    isa: int                       # profile.isa: 0 = v3.x IP, 1 = v4.x IP (HS)
    arch: str                      # profile.arch
    ip_version: tuple[int, ...]    # from the profile's VLNV, e.g. (4, 1)
    ram_usage: str
    channel_augmentation: bool
    leaky_relu: bool
    alu_parallel: int              # ALU_PARALLEL_USER as written into CONFIG
    alu_leaky_relu: bool
    save_argmax: bool


def _vlnv_version(vlnv: str) -> tuple[int, ...]:
    # model.VLNV guarantees the last part is digits and dots.
    return tuple(int(x) for x in vlnv.rsplit(":", 1)[1].split("."))


def inputs_from_design(design) -> FingerprintInputs:
    s = design.settings.dpu
    return FingerprintInputs(
        isa=design.dpu.isa,
        arch=design.dpu.arch,
        ip_version=_vlnv_version(design.dpu.vlnv),
        ram_usage=s.ram_usage,
        channel_augmentation=s.channel_augmentation,
        leaky_relu=s.leaky_relu,
        alu_parallel=s.alu_parallel,
        alu_leaky_relu=s.alu_leaky_relu,
        save_argmax=s.save_argmax,
    )


# Design settings that no fingerprint field carries, per ISA (GEN4x adds up none of
# them): they change resources, clocks or the number of cores, but every core of one
# configuration reports the same fingerprint.
_COMMON_UNMAPPED = ("dpu.dsp_usage", "dpu.uram", "dpu.softmax", "dpu.cores", "dpu.clock_mhz",
                    "dpu.dsp_clock_mhz")
UNMAPPED_SETTINGS = {
    0: _COMMON_UNMAPPED + ("dpu.alu_parallel", "dpu.alu_leaky_relu", "dpu.save_argmax"),
    1: _COMMON_UNMAPPED,
}


# ----------------------------------------------------------------------------- mapping
@dataclass(frozen=True)
class FieldOrigin:
    """Where one fingerprint field's value comes from in hwgen, and how sure that link is.

    ``setting`` is a ``--set`` key (``dpu.ram_usage``), ``PROFILE`` plus what in it
    (``DPU profile arch``), or None when hwgen has no setting for it and always builds
    the value ``config_for`` gives. ``certainty`` is about the link setting -> field
    (HS: the v4.x IP parameter -> ISA1 field mapping is UNCERTAIN, no v4.x generator is
    public), not about the bit position; explain() combines both.
    """

    field: str
    setting: str | None
    certainty: str
    note: str


_ISA1_ORIGINS = (
    FieldOrigin("arch", f"{PROFILE}: arch", ESTABLISHED,
                "ARCH written from the profile; TM_ARCH from its PP/ICP/OCP (GEN4x)"),
    FieldOrigin("alu_parallel", "dpu.alu_parallel", ESTABLISHED,
                "ALU_PARALLEL_USER is written; the IP builds ALU_PARALLEL = min(it, PP) (GTCL4x)"),
    FieldOrigin("load_parallel", None, ESTABLISHED,
                "LOAD_PARALLEL is fixed at 2 by the IP (GEN4x)"),
    FieldOrigin("ram_usage", "dpu.ram_usage", ESTABLISHED,
                "ARCH_IMG_BKGRP 2 (low) or 3 (high) is written (GEN4x)"),
    FieldOrigin("channel_augmentation", "dpu.channel_augmentation", ESTABLISHED,
                "LOAD_AUGM is written (GEN4x)"),
    FieldOrigin("conv_leaky_relu", "dpu.leaky_relu", ESTABLISHED,
                "CONV_RELU_ADDON 3 (with leaky-ReLU) or 2 is written; CONV_LEAKYRELU = ADDON in "
                "{1, 3} (GTCL4x)"),
    FieldOrigin("alu_leaky_relu", "dpu.alu_leaky_relu", ESTABLISHED, "ALU_LEAKYRELU is written (GEN4x)"),
    FieldOrigin("save_argmax", "dpu.save_argmax", ESTABLISHED,
                "SAVE_ARGMAX_ENA is written; only the v4.1 IP or later adds the bit (GEN4x)"),
    FieldOrigin("conv_write_parallel", None, ESTABLISHED,
                "CONV_WR_PARALLEL is fixed at 1 by the IP (GEN4x)"),
    FieldOrigin("alu_write_parallel", None, ESTABLISHED,
                "MISC_WR_PARALLEL is fixed at 1 by the IP (GEN4x)"),
)

_ISA0_ORIGINS = (
    FieldOrigin("arch", f"{PROFILE}: arch", ESTABLISHED, "TM_ARCH from PP/ICP/OCP (GEN34)"),
    FieldOrigin("pool_parallel", None, ESTABLISHED,
                "1 without depthwise conv, else PP/2 (2 for PP 2) (GEN34); hwgen writes the v4.x "
                "parameter set, which has no DWCV_ENA choice, so it has no depthwise setting"),
    FieldOrigin("depthwise_parallel", None, ESTABLISHED,
                "DWCV_PARALLEL: 0 without depthwise conv (DWCV_ENA 0), else PP/2 (GTCL34); hwgen "
                "has no depthwise setting"),
    FieldOrigin("eltwise_parallel", None, INFERRED,
                "ELEW_PARALLEL; how the v3.x IP sets it is not recorded, hwgen assumes 1 as in the "
                "VAI 1.x ZCU102 target (HS, UNCERTAIN)"),
    FieldOrigin("ram_usage", "dpu.ram_usage", ESTABLISHED, "ARCH_IMG_BKGRP 2 low / 3 high (GEN34)"),
    FieldOrigin("channel_augmentation", "dpu.channel_augmentation", ESTABLISHED, "LOAD_AUGM (GEN34)"),
    FieldOrigin("conv_leaky_relu", "dpu.leaky_relu", ESTABLISHED,
                "hwgen writes CONV_RELU_ADDON 3 with leaky-ReLU, else 2; CONV_LEAKYRELU = ADDON in "
                "{1, 3} (GTCL34)"),
    FieldOrigin("conv_relu6", None, ESTABLISHED,
                "CONV_RELU6 = ADDON in {2, 3} (GTCL34): always 1 for both values hwgen writes"),
    FieldOrigin("avg_pool", None, ESTABLISHED,
                "POOL_AVERAGE, component.xml default 1 (CXML); hwgen does not change it"),
    FieldOrigin("dw_relu6", None, ESTABLISHED,
                "DWCV_RELU6 = DWCV_ENA ? CONV_RELU6 : 0 (GTCL34), and CONV_RELU6 is always 1 here"),
    FieldOrigin("eltwise_mult", None, ESTABLISHED,
                "ELEW_MULT_EN, component.xml default 0 (CXML); hwgen does not change it"),
    FieldOrigin("bit37", None, ESTABLISHED, "written as 1 by every v3.4 IP (GEN34)"),
)

_ORIGINS = {0: _ISA0_ORIGINS, 1: _ISA1_ORIGINS}
_HEADER_ORIGINS = {
    "type": FieldOrigin("type", None, ESTABLISHED, "every DPUCZDX8G"),
    "isa_version": FieldOrigin("isa_version", f"{PROFILE}: isa", ESTABLISHED,
                               "isa: 0 for a v3.x IP, 1 for a v4.x IP (HS)"),
}


def config_for(inp: FingerprintInputs) -> Config:
    """The fingerprint fields a DPU built from these inputs reports (mapping in _ORIGINS)."""
    if inp.isa == 1:
        return Isa1Config(
            arch=inp.arch,
            alu_parallel=alu_parallel(inp.arch, inp.alu_parallel),
            load_parallel=2,
            ram_usage=inp.ram_usage,
            channel_augmentation=inp.channel_augmentation,
            conv_leaky_relu=inp.leaky_relu,
            alu_leaky_relu=inp.alu_leaky_relu,
            save_argmax=inp.save_argmax and inp.ip_version >= (4, 1),
            conv_write_parallel=1,
            alu_write_parallel=1,
        )
    if inp.isa == 0:
        # A v3.x IP as hwgen's CONFIG leaves it: DWCV_ENA at its component.xml default 0.
        return Isa0Config(
            arch=inp.arch,
            pool_parallel=1,
            depthwise_parallel=0,
            eltwise_parallel=1,
            ram_usage=inp.ram_usage,
            channel_augmentation=inp.channel_augmentation,
            conv_leaky_relu=inp.leaky_relu,
            conv_relu6=True,
            avg_pool=True,
            dw_relu6=False,
            eltwise_mult=False,
            bit37=True,
        )
    raise ValueError(f"DPU ISA {inp.isa!r} has no fingerprint layout (only 0 and 1, HS)")


def _encode(config: Config) -> int:
    return encode_isa1(config) if isinstance(config, Isa1Config) else encode_isa0(config)


def dpu_fingerprint(design) -> tuple[int, Config]:
    """(fingerprint, fields) of the DPU this design builds."""
    config = config_for(inputs_from_design(design))
    return _encode(config), config


# ----------------------------------------------------------------------------- explanation
@dataclass(frozen=True)
class FieldRow:
    """One field as people read it: position, value, and how much of it is known."""

    name: str
    bits: str
    raw: int
    value: Any
    meaning: str              # what the bits mean (fingerprint.py)
    certainty: str            # INFERRED if either the meaning or hwgen's link to it is
    setting: str | None       # see FieldOrigin
    note: str                 # why hwgen produces this value

    @property
    def shown(self) -> str:
        return _show(self.value)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def explain(decoded: DecodedFingerprint) -> tuple[FieldRow, ...]:
    origins = {o.field: o for o in _ORIGINS[decoded.isa_version]}
    origins.update(_HEADER_ORIGINS)
    rows = []
    for f in decoded.fields:
        o = origins[f.name]
        # A field is established only if both its bits and hwgen's link to them are.
        certainty = ESTABLISHED if (f.certainty, o.certainty) == (ESTABLISHED, ESTABLISHED) \
            else INFERRED
        rows.append(FieldRow(f.name, f.bits, f.raw, f.value, f.meaning, certainty, o.setting, o.note))
    return tuple(rows)


# ----------------------------------------------------------------------------- arch.json
def _uses_target_name(decoded: DecodedFingerprint) -> bool:
    # Only the VAI 3.x ISA1 names: the ISA0 name moved to expired_targets (TF30), so a
    # VAI 3.x compiler may not resolve it, while a fingerprint works with every release.
    return decoded.registered and decoded.isa_version == 1


def arch_json(decoded: DecodedFingerprint) -> dict[str, str]:
    """What ``vai_c_* --arch`` reads (UG14): the registered name, else the fingerprint.

    The fingerprint is written the way the v3.4 IP writes it (GEN34): ``0x`` and
    upper-case hex digits without leading zeros.
    """
    if _uses_target_name(decoded):
        return {"target": decoded.name}
    return {"fingerprint": f"0x{decoded.fingerprint:X}"}


@lru_cache(maxsize=64)   # pure; written into arch.json, its README and block_design.tcl
def arch_json_text(decoded: DecodedFingerprint) -> str:
    # Byte for byte what the IP's template writes into its output products (GEN4x:
    # {"fingerprint":"0x<hex>"} and a newline), so the two files can be compared; only
    # the key the compiler reads, the README beside it names hwgen's version and inputs.
    return json.dumps(arch_json(decoded), separators=(",", ":")) + "\n"


# ----------------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class DpuFingerprint:
    """The design's fingerprint with everything the outputs and the CLI print about it."""

    fingerprint: int
    config: Config
    decoded: DecodedFingerprint
    rows: tuple[FieldRow, ...]
    unmapped: tuple[str, ...]     # settings the fingerprint does not carry

    @property
    def name(self) -> str:
        return self.decoded.name

    @property
    def registered(self) -> bool:
        return self.decoded.registered

    @property
    def hex(self) -> str:
        return f"0x{self.fingerprint:016X}"

    @property
    def arch_json(self) -> dict[str, str]:
        return arch_json(self.decoded)

    @property
    def inferred(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.rows if r.certainty == INFERRED)

    @property
    def established(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.rows if r.certainty == ESTABLISHED)


@lru_cache(maxsize=64)   # pure; the estimate, arch.json and its README each ask for it
def _plan(fp: int, config: Config) -> DpuFingerprint:
    decoded = decode(fp)
    return DpuFingerprint(fp, config, decoded, explain(decoded), UNMAPPED_SETTINGS[decoded.isa_version])


def fingerprint_plan(design) -> DpuFingerprint:
    return _fingerprint_plan_of(inputs_from_design(design))


# Keyed on what the fingerprint reads (the profile's ISA, architecture and IP version, the
# fingerprinted DPU settings): the estimate, the block design, the summary and arch.json each
# ask for the plan, and every design of a sweep with the same DPU options shares it.
@lru_cache(maxsize=64)
def _fingerprint_plan_of(inputs: FingerprintInputs) -> DpuFingerprint:
    config = config_for(inputs)
    return _plan(_encode(config), config)


# ----------------------------------------------------------------------------- decode -> hwgen
@dataclass(frozen=True)
class Reproduction:
    """The hwgen arguments that build a DPU with a given fingerprint, or why none can.

    ``profiles`` are the shipped DPU profiles with the right architecture, ISA and IP
    version (bit 30); ``sets`` the ``--set`` values, written out in full so board
    defaults cannot change them; ``blockers`` one sentence per field no hwgen setting
    produces.
    """

    fingerprint: int
    arch: str
    isa: int
    ip_version: tuple[int, ...]
    profiles: tuple[str, ...]
    sets: tuple[str, ...]
    blockers: tuple[str, ...]

    @property
    def buildable(self) -> bool:
        return not self.blockers

    @property
    def profile_hint(self) -> str:
        """What ``--dpu`` needs when no shipped profile fits."""
        vlnv = "xilinx.com:ip:dpuczdx8g:" + ".".join(map(str, self.ip_version))
        return f"a DPU profile YAML with arch: {self.arch}, isa: {self.isa}, vlnv: {vlnv}"

    def args(self, profile: str | None = None) -> tuple[str, ...]:
        dpu = profile or (self.profiles[0] if self.profiles else "PROFILE.yaml")
        out = ["--dpu", dpu]
        for s in self.sets:
            out += ["--set", s]
        return tuple(out)


def _inputs_from_config(config: Config) -> FingerprintInputs:
    """The hwgen inputs closest to a decoded configuration (config_for's inverse)."""
    if isinstance(config, Isa1Config):
        # save_argmax off is built by either IP version; prefer the shipped 4.1.
        return FingerprintInputs(isa=1, arch=config.arch, ip_version=(4, 1),
                                 ram_usage=config.ram_usage,
                                 channel_augmentation=config.channel_augmentation,
                                 leaky_relu=config.conv_leaky_relu, alu_parallel=config.alu_parallel,
                                 alu_leaky_relu=config.alu_leaky_relu, save_argmax=config.save_argmax)
    # GEN34/GTCL34: the v3.4 generator; the v3.3 IP is assumed to encode alike.
    return FingerprintInputs(isa=0, arch=config.arch, ip_version=(3, 4), ram_usage=config.ram_usage,
                             channel_augmentation=config.channel_augmentation,
                             leaky_relu=config.conv_leaky_relu, alu_parallel=4,
                             alu_leaky_relu=False, save_argmax=False)


def _sets(inp: FingerprintInputs) -> tuple[str, ...]:
    out = [f"dpu.ram_usage={inp.ram_usage}",
           f"dpu.channel_augmentation={_show(inp.channel_augmentation)}",
           f"dpu.leaky_relu={_show(inp.leaky_relu)}"]
    if inp.isa == 1:
        out += [f"dpu.alu_parallel={inp.alu_parallel}",
                f"dpu.alu_leaky_relu={_show(inp.alu_leaky_relu)}",
                f"dpu.save_argmax={_show(inp.save_argmax)}"]
    return tuple(out)


@lru_cache(maxsize=1)
def _shipped() -> tuple[tuple[str, str, int, tuple[int, ...]], ...]:
    """(name, arch, isa, IP version) of every shipped DPU profile, read once."""
    from hwgen.model import design as design_mod
    from hwgen import resources

    profiles = (design_mod.load_dpu(ref)[0] for ref in resources.shipped("dpus"))
    return tuple((p.name, p.arch, p.isa, _vlnv_version(p.vlnv)) for p in profiles)


def _shipped_profiles(inp: FingerprintInputs) -> tuple[str, ...]:
    # ISA1: a 4.0 IP cannot set the SAVE_ARGMAX bit (GEN4x), so a fingerprint with it needs 4.1+.
    return tuple(name for name, arch, isa, version in _shipped()
                 if arch == inp.arch and isa == inp.isa
                 and (isa != 1 or not inp.save_argmax or version >= (4, 1)))


def reproduce(fingerprint: Union[int, str]) -> Reproduction:
    """Which hwgen arguments build a DPU reporting ``fingerprint`` (raises ValueError if
    it is not a valid DPUCZDX8G fingerprint)."""
    decoded = decode(fingerprint)
    inp = _inputs_from_config(decoded.config)
    built = config_for(inp)
    rows = {r.name: r for r in explain(decoded)}
    blockers = []
    for o in _ORIGINS[decoded.isa_version]:
        want, got = getattr(decoded.config, o.field), getattr(built, o.field)
        if want != got:
            r = rows[o.field]
            how = (f"hwgen derives it from {o.setting} and builds {_show(got)} here" if o.setting
                   else f"hwgen always builds {_show(got)}")
            blockers.append(f"{o.field} {r.bits} = {_show(want)}: {how} ({o.note})")
    return Reproduction(decoded.fingerprint, inp.arch, inp.isa, inp.ip_version,
                        _shipped_profiles(inp), _sets(inp), tuple(blockers))


# ----------------------------------------------------------------------------- check
def fingerprint_checks(design) -> tuple:
    """One named check for the verdict: does a registered target match the DPU options?

    Always a warning, never an error: an unregistered configuration works, but the
    model must be compiled against the generated fingerprint, not a stock arch.json.
    """
    return _plan_checks(fingerprint_plan(design))


def _plan_checks(plan: DpuFingerprint) -> tuple:
    from hwgen.model.verdict import CheckResult

    if plan.registered:
        where = "arch.json names it" if _uses_target_name(plan.decoded) else \
            "arch.json carries its fingerprint"
        msg = f"DPU options match the registered Vitis AI target {plan.name} ({where})"
        return (CheckResult("vitis_ai.fingerprint", True, msg, "warning"),)
    # One line on a terminal: the point is which arch.json to compile against.
    msg = f"{plan.hex} is no registered target: use vitis-ai/arch.json"
    return (CheckResult("vitis_ai.fingerprint", False, msg, "warning"),)


# ----------------------------------------------------------------------------- outputs
def _compile_command() -> str:
    # UG35 form with the short flags; -x the quantized model, -a this arch.json,
    # -o the output folder, -n the network name.
    return "vai_c_xir -x quantized/net_int.xmodel -a arch.json -o compiled -n net"


def readme_context(design, plan: DpuFingerprint) -> dict:
    return {"design": design.name, "inputs": design.inputs, "overrides": design.overrides,
            **_readme_plan(plan)}


# A function of the fingerprint plan alone (what the README shows after its header), kept per
# plan so a design's strategy variants, which share the plan, hand the README's body the
# same objects (render.vitis_ai lays it out once).
@lru_cache(maxsize=64)
def _readme_plan(plan: DpuFingerprint) -> dict:
    g = geometry(plan.config.arch)
    return {
        "plan": plan,
        "arch": g,
        "ops": ops_per_clock(g),
        "arch_json": arch_json_text(plan.decoded).rstrip("\n"),
        "fingerprint_form": json.dumps({"fingerprint": f"0x{plan.fingerprint:X}"}),
        "uses_name": _uses_target_name(plan.decoded),
        "command": _compile_command(),
        "checks": _plan_checks(plan),
        "sources": SOURCES,
    }


def arch_json_outputs(design) -> list:
    """vitis-ai/arch.json for the compiler and vitis-ai/README.md for the person running it."""
    from hwgen.emit.output import text_output
    from hwgen.emit.render import render

    plan = fingerprint_plan(design)
    return [
        text_output("vitis-ai/arch.json", "vitis_ai.arch_json", arch_json_text(plan.decoded)),
        text_output("vitis-ai/README.md", "vitis_ai.readme",
                    render("vitis_ai/README.md.j2", **readme_context(design, plan))),
    ]
