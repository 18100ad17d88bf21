"""The compiler handshake: DPUCZDX8G fingerprints (arch.json) encoded, decoded and named.

Pure functions, no I/O. Facts come from /work/shared/reference/dpu.md, section
"Compiler handshake: arch.json and the DPU fingerprint", whose sources are Xilinx/Vitis-AI
``src/vai_runtime/target_factory/`` (``target_factory.cpp``, ``targets/*.prototxt``,
``create_target_DPUCZDX8G_ISA1.cpp``) and the VAI20 IP generator
``DPUCZDX8G_v3_4_0/ttcl/fingerprint_json.ttcl``. Tags used below:

- HS      dpu.md "Compiler handshake" section
- DEC1    the runtime ISA1 decoder ``create_target_DPUCZDX8G_ISA1.cpp``
- DEC0    the runtime ISA0 decoder ``create_target_v2.cpp`` (same directory; read for this
          module to confirm the ISA0 field list HS gives)
- GEN34   the v3.4 IP's ``fingerprint_json.ttcl`` (VAI20)
- GEN4x   the v4.x IP's ``ttcl/fingerprint_json.ttcl`` (DPU41-TTCL): fp = TM_ARCH +
          ALU_PARALLEL<<8 + log2(LOAD_PARALLEL)<<16 + ARCH_IMG_BKGRP<<24 + LOAD_AUGM<<26 +
          CONV_LEAKYRELU<<28 + ALU_LEAKYRELU<<29 + SAVE_ARGMAX_ENA<<30 (v4.1) +
          log2(CONV_WR_PARALLEL)<<32 + log2(MISC_WR_PARALLEL)<<34 + 1<<48 + 1<<56
- TF      ``target_factory.cpp`` (type codes, fingerprint layout)

Certainty is data, not prose: every decoded field carries ``certainty`` =
``"established"`` (the IP's own generator, GEN34 or GEN4x, writes it from a named IP
parameter) or ``"inferred"`` (the bit position is known but its link to an IP option is
our reading).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping, Union

from hwgen.dpu.arch import ARCHES, IMG_BANK_GROUPS, geometry, ops_per_clock

__all__ = [
    "ESTABLISHED",
    "INFERRED",
    "TYPE_DPUCZDX8G",
    "Isa0Config",
    "Isa1Config",
    "DecodedField",
    "DecodedFingerprint",
    "encode_isa0",
    "encode_isa1",
    "decode",
    "REGISTERED",
    "target_name",
    "fields_explained",
]

ESTABLISHED = "established"
INFERRED = "inferred"

# fingerprint = type << 56 | isa_version << 48 | feature_code (48 bits)  (HS, TF)
TYPE_DPUCZDX8G = 1  # TF type2int("DPUCZDX8G") = 1
_TYPE_NAMES = {  # TF int2type, only to name a foreign fingerprint in an error message
    1: "DPUCZDX8G",
    2: "DPUCAHX8H",
    3: "DPUCAHX8L",
    4: "DPUCZDI4G",
    5: "DPUCVDX8H",
    6: "DPUCVDX8G",
    7: "DPUCADF8H",
    8: "IPU_PHX",
    9: "DPUCV2DX8G",
}
_FEATURE_MASK = (1 << 48) - 1

# The fingerprint carries the number of image bank groups (ARCH_IMG_BKGRP) in [25:24] (HS).
_RAM_BY_GROUPS = {v: k for k, v in IMG_BANK_GROUPS.items()}
_WRITE_PARALLEL = (1, 2, 4, 8)  # [33:32] and [35:34] hold log2 of these (HS, DEC1)
# ALU parallel: PG4x tabulates the v4.x ALU engine at parallel 1, 2, 4, 8 (dpu.md §9);
# the registered targets use 2 and 4 (HS). The field itself is 4 bits wide (DEC1).
_ALU_PARALLEL = (1, 2, 4, 8)


def _check_bool(owner: str, name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise ValueError(f"{owner}.{name} must be a bool, got {value!r}")


def _check_int(owner: str, name: str, value: Any, allowed: Any, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise ValueError(f"{owner}.{name} must be {what}, got {value!r}")


def _normalize_arch(obj: Any) -> None:
    # Accept "B512", "b512", 512; store the canonical name (dpu_arch.geometry raises a clear
    # UnknownArchError otherwise).
    object.__setattr__(obj, "arch", geometry(obj.arch).name)


@dataclass(frozen=True)
class Isa1Config:
    """Fields of an ISA1 (v4.x IP) fingerprint, named after the IP parameters GEN4x adds up.

    Defaults are what the IP builds from its packaged defaults (DPU41-PKG component.xml):
    ALU_PARALLEL min(4, PP), LOAD_PARALLEL 2, RAM low (ARCH_IMG_BKGRP 2), LOAD_AUGM 1,
    CONV_RELU_ADDON 3 (conv leaky-ReLU), ALU_LEAKYRELU 0, SAVE_ARGMAX_ENA 1, write
    parallels 1. ``alu_parallel`` is the derived ALU_PARALLEL, not ALU_PARALLEL_USER.
    """

    arch: str
    alu_parallel: int = 4
    load_parallel: int = 2
    ram_usage: str = "low"
    channel_augmentation: bool = True
    conv_leaky_relu: bool = True
    alu_leaky_relu: bool = False
    save_argmax: bool = True
    conv_write_parallel: int = 1
    alu_write_parallel: int = 1

    def __post_init__(self) -> None:
        _normalize_arch(self)
        o = "Isa1Config"
        _check_int(o, "alu_parallel", self.alu_parallel, _ALU_PARALLEL, "one of 1, 2, 4, 8")
        if self.ram_usage not in IMG_BANK_GROUPS:
            raise ValueError(f"{o}.ram_usage must be 'low' or 'high', got {self.ram_usage!r}")
        for name in ("channel_augmentation", "conv_leaky_relu", "alu_leaky_relu", "save_argmax"):
            _check_bool(o, name, getattr(self, name))
        for name in ("load_parallel", "conv_write_parallel", "alu_write_parallel"):
            _check_int(o, name, getattr(self, name), _WRITE_PARALLEL, "one of 1, 2, 4, 8")


@dataclass(frozen=True)
class Isa0Config:
    """Fields of an ISA0 (v3.x IP) fingerprint, named after what GEN34 writes into them.

    The IP derives the parallel fields itself (GEN34): depthwise parallel = DWCV_PARALLEL
    (0 without depthwise conv, else PP/2, or 2 for PP = 2); pool parallel = 1 without
    depthwise conv, else the same PP/2 rule; eltwise parallel = ELEW_PARALLEL (how the IP
    sets that is not recorded here). Each is a 4-bit field, so only the field width is
    checked. ``bit37`` is written as 1 by every v3.4 IP (GEN34, HS "always 1"); DEC0 reads
    it as pool max-reduce support. It is a field only so that decode/encode round-trip.

    Defaults follow the VAI20 component.xml defaults through GEN34 (dpu.md §4): no depthwise
    conv (so depthwise parallel 0, pool parallel 1, no depthwise ReLU6), RAM low, channel
    augmentation on, CONV_RELU_ADDON 3 (leaky-ReLU and ReLU6), average pool on, no eltwise
    multiply. The eltwise-parallel default 1 is the value in the HS ISA0 example, not a
    documented IP default (UNCERTAIN).
    """

    arch: str
    pool_parallel: int = 1
    depthwise_parallel: int = 0
    eltwise_parallel: int = 1
    ram_usage: str = "low"
    channel_augmentation: bool = True
    conv_leaky_relu: bool = True
    conv_relu6: bool = True
    avg_pool: bool = True
    dw_relu6: bool = False
    eltwise_mult: bool = False
    bit37: bool = True

    def __post_init__(self) -> None:
        _normalize_arch(self)
        o = "Isa0Config"
        _check_int(o, "pool_parallel", self.pool_parallel, range(0, 16), "an int in 0..15 (4-bit field)")
        _check_int(o, "depthwise_parallel", self.depthwise_parallel, range(0, 16),
                   "an int in 0..15 (4-bit field, 0 = no depthwise engine)")
        _check_int(o, "eltwise_parallel", self.eltwise_parallel, range(0, 16), "an int in 0..15 (4-bit field)")
        if self.ram_usage not in IMG_BANK_GROUPS:
            raise ValueError(f"{o}.ram_usage must be 'low' or 'high', got {self.ram_usage!r}")
        for name in ("channel_augmentation", "conv_leaky_relu", "conv_relu6", "avg_pool",
                     "dw_relu6", "eltwise_mult", "bit37"):
            _check_bool(o, name, getattr(self, name))


# ------------------------------------------------------------------ field layouts
#
# (config attribute, lsb, width, kind, meaning, certainty)
# kind: "arch" index <-> name, "int" raw, "bool", "ram" bank groups <-> low/high,
#       "log2" raw = log2(value)

_Layout = tuple[tuple[str, int, int, str, str, str], ...]

_ISA1_LAYOUT: _Layout = (
    ("arch", 0, 4, "arch",
     "architecture index TM_ARCH from PP/ICP/OCP (0 B512, 1 B800, 2 B1024, 3 B1152, 4 B1600, "
     "5 B2304, 6 B3136, 7 B4096) (GEN4x); DEC1 maps it back to PP/ICP/OCP", ESTABLISHED),
    ("alu_parallel", 8, 4, "int",
     "ALU_PARALLEL = min(ALU_PARALLEL_USER, PP) (GEN4x, DPU41-GTCL; DEC1 ALU_PP)", ESTABLISHED),
    ("load_parallel", 16, 2, "log2",
     "log2 of LOAD_PARALLEL, which the IP fixes at 2 (GEN4x)", ESTABLISHED),
    ("ram_usage", 24, 2, "ram",
     "ARCH_IMG_BKGRP: 2 = RAM usage low, 3 = high (GEN4x; DEC1 IMG_BG)", ESTABLISHED),
    ("channel_augmentation", 26, 1, "bool", "LOAD_AUGM channel augmentation (GEN4x; DEC1 LD_AUGM)",
     ESTABLISHED),
    ("conv_leaky_relu", 28, 1, "bool",
     "CONV_LEAKYRELU = CONV_RELU_ADDON in {1, 3} (GEN4x, DPU41-GTCL; DEC1 CV_LKRL)", ESTABLISHED),
    ("alu_leaky_relu", 29, 1, "bool", "ALU_LEAKYRELU (GEN4x; DEC1 DW_LKRL)", ESTABLISHED),
    ("save_argmax", 30, 1, "bool",
     "SAVE_ARGMAX_ENA, new in the v4.1 IP (GEN4x; the v4.0 generator has no such bit)", ESTABLISHED),
    ("conv_write_parallel", 32, 2, "log2",
     "log2 of CONV_WR_PARALLEL, fixed at 1 (GEN4x; DEC1 CV_WP)", ESTABLISHED),
    ("alu_write_parallel", 34, 2, "log2",
     "log2 of MISC_WR_PARALLEL, fixed at 1 (GEN4x; DEC1 ALU_WP)", ESTABLISHED),
)

_ISA0_LAYOUT: _Layout = (
    ("arch", 0, 4, "arch",
     "architecture index (0 B512 ... 7 B4096), GEN34 TM_ARCH from PP/ICP/OCP", ESTABLISHED),
    ("pool_parallel", 8, 4, "int",
     "pool engine pixel parallelism (GEN34 TM_POOL_PARALLEL, DEC0 PL_PP)", ESTABLISHED),
    ("depthwise_parallel", 12, 4, "int",
     "depthwise engine pixel parallelism, 0 = no depthwise engine (GEN34 DWCV_PARALLEL, "
     "DEC0 DW_PP)", ESTABLISHED),
    ("eltwise_parallel", 16, 4, "int",
     "eltwise engine pixel parallelism (GEN34 ELEW_PARALLEL, DEC0 EL_PP)", ESTABLISHED),
    ("ram_usage", 24, 2, "ram",
     "image bank groups = ARCH_IMG_BKGRP: 2 = RAM usage low, 3 = high (GEN34, DEC0)", ESTABLISHED),
    ("channel_augmentation", 26, 1, "bool", "LOAD_AUGM channel augmentation (GEN34, DEC0)", ESTABLISHED),
    ("conv_leaky_relu", 28, 1, "bool",
     "conv leaky-ReLU, CONV_RELU_ADDON 3 (GEN34 CONV_LEAKYRELU, DEC0)", ESTABLISHED),
    ("conv_relu6", 29, 1, "bool", "conv ReLU6 (GEN34 CONV_RELU6, DEC0)", ESTABLISHED),
    ("avg_pool", 30, 1, "bool", "POOL_AVERAGE average pooling (GEN34, DEC0)", ESTABLISHED),
    ("dw_relu6", 31, 1, "bool", "depthwise ReLU6 (GEN34 DWCV_RELU6, DEC0)", ESTABLISHED),
    ("eltwise_mult", 36, 1, "bool", "ELEW_MULT_EN eltwise multiply (GEN34, DEC0)", ESTABLISHED),
    ("bit37", 37, 1, "bool",
     "always 1 from the v3.4 IP (GEN34; HS); DEC0 reads it as pool max-reduce", ESTABLISHED),
)

_LAYOUTS: Mapping[int, _Layout] = MappingProxyType({0: _ISA0_LAYOUT, 1: _ISA1_LAYOUT})
_CONFIG_CLASS = {0: Isa0Config, 1: Isa1Config}


def _mask(layout: _Layout) -> int:
    m = 0
    for _, lsb, width, *_rest in layout:
        m |= ((1 << width) - 1) << lsb
    return m


_KNOWN_BITS = {isa: _mask(layout) for isa, layout in _LAYOUTS.items()}


def _bits_label(lsb: int, width: int) -> str:
    return f"[{lsb}]" if width == 1 else f"[{lsb + width - 1}:{lsb}]"


def _to_raw(kind: str, value: Any) -> int:
    if kind == "arch":
        return geometry(value).arch_index
    if kind == "ram":
        return IMG_BANK_GROUPS[value]
    if kind == "log2":
        return _WRITE_PARALLEL.index(value)
    if kind == "bool":
        return 1 if value else 0
    return int(value)


_ARCH_BY_INDEX = {g.arch_index: g.name for g in ARCHES}


def _from_raw(kind: str, raw: int, isa: int, name: str) -> Any:
    if kind == "arch":
        if raw not in _ARCH_BY_INDEX:
            raise ValueError(
                f"ISA{isa} arch index {raw} is not one of the DPUCZDX8G IP architectures "
                f"B512..B4096 (indices 0..7, dpu.md §7 and 'Compiler handshake')"
            )
        return _ARCH_BY_INDEX[raw]
    if kind == "ram":
        if raw not in _RAM_BY_GROUPS:
            raise ValueError(
                f"ISA{isa} image bank groups field [25:24] = {raw}; only 2 (RAM usage low) "
                f"and 3 (RAM usage high) are known"
            )
        return _RAM_BY_GROUPS[raw]
    if kind == "log2":
        return _WRITE_PARALLEL[raw]
    if kind == "bool":
        return bool(raw)
    return raw


def _encode(isa: int, cfg: Any) -> int:
    fp = (TYPE_DPUCZDX8G << 56) | (isa << 48)
    for name, lsb, width, kind, _m, _c in _LAYOUTS[isa]:
        raw = _to_raw(kind, getattr(cfg, name))
        assert 0 <= raw < (1 << width), (name, raw)  # guaranteed by config validation
        fp |= raw << lsb
    return fp


def encode_isa1(cfg: Isa1Config) -> int:
    """64-bit fingerprint of an ISA1 (v4.x IP) configuration (HS layout, DEC1 fields)."""
    if not isinstance(cfg, Isa1Config):
        raise TypeError(f"encode_isa1 needs an Isa1Config, got {type(cfg).__name__}")
    return _encode(1, cfg)


def encode_isa0(cfg: Isa0Config) -> int:
    """64-bit fingerprint of an ISA0 (v3.x IP) configuration, as GEN34 computes it."""
    if not isinstance(cfg, Isa0Config):
        raise TypeError(f"encode_isa0 needs an Isa0Config, got {type(cfg).__name__}")
    return _encode(0, cfg)


# ------------------------------------------------------------------ decoding


@dataclass(frozen=True)
class DecodedField:
    name: str
    bits: str
    raw: int
    value: Any
    meaning: str
    certainty: str  # ESTABLISHED or INFERRED


@dataclass(frozen=True)
class DecodedFingerprint:
    fingerprint: int
    type_name: str
    isa_version: int
    feature_code: int
    name: str  # registered name, else the runtime's synthesized name
    registered: bool
    config: Union[Isa0Config, Isa1Config]
    fields: tuple[DecodedField, ...]  # type and ISA first, then the feature-code fields

    def field(self, name: str) -> DecodedField:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"no field {name!r} in an ISA{self.isa_version} fingerprint")

    @property
    def inferred_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.certainty == INFERRED)


def _parse(fingerprint: Union[int, str]) -> int:
    # arch.json stores the fingerprint as a "0x..." string (HS), so accept that too.
    if isinstance(fingerprint, str):
        try:
            value = int(fingerprint.strip(), 16)
        except ValueError:
            raise ValueError(f"fingerprint {fingerprint!r} is not a hexadecimal number") from None
    elif isinstance(fingerprint, int) and not isinstance(fingerprint, bool):
        value = fingerprint
    else:
        raise ValueError(f"fingerprint must be an int or a hex string, got {fingerprint!r}")
    if not 0 <= value < (1 << 64):
        raise ValueError(f"fingerprint {fingerprint!r} does not fit in 64 bits")
    return value


def decode(fingerprint: Union[int, str]) -> DecodedFingerprint:
    """Decode a DPUCZDX8G ISA0 or ISA1 fingerprint (int, or the "0x..." string of arch.json).

    Raises ValueError for another DPU type, an ISA other than 0/1, an unknown
    architecture index or bank-group count, or bits set that no known field covers (so a
    decoded configuration always re-encodes to the same value).
    """
    fp = _parse(fingerprint)
    type_code = fp >> 56
    isa = (fp >> 48) & 0xFF
    feature = fp & _FEATURE_MASK
    if type_code != TYPE_DPUCZDX8G:
        other = _TYPE_NAMES.get(type_code)
        what = f"type {type_code} ({other})" if other else f"unknown type {type_code}"
        raise ValueError(
            f"fingerprint 0x{fp:016X} is {what}; only DPUCZDX8G (type 1) is decoded here"
        )
    if isa not in _LAYOUTS:
        raise ValueError(
            f"fingerprint 0x{fp:016X} is DPUCZDX8G ISA{isa}; only ISA0 (v3.x IP) and ISA1 "
            f"(v4.x IP) are known"
        )
    stray = feature & ~_KNOWN_BITS[isa]
    if stray:
        bits = ", ".join(str(b) for b in range(48) if stray >> b & 1)
        raise ValueError(
            f"fingerprint 0x{fp:016X} (ISA{isa}) has bit(s) {bits} set, which no known "
            f"ISA{isa} field covers"
        )
    fields = [
        DecodedField("type", "[63:56]", type_code, "DPUCZDX8G",
                     "DPU type code, 1 = DPUCZDX8G (TF)", ESTABLISHED),
        DecodedField("isa_version", "[55:48]", isa, isa,
                     "ISA version: 0 = v3.x IP, 1 = v4.x IP (HS)", ESTABLISHED),
    ]
    values: dict[str, Any] = {}
    for name, lsb, width, kind, meaning, certainty in _LAYOUTS[isa]:
        raw = (fp >> lsb) & ((1 << width) - 1)
        value = _from_raw(kind, raw, isa, name)
        values[name] = value
        fields.append(DecodedField(name, _bits_label(lsb, width), raw, value, meaning, certainty))
    try:
        config = _CONFIG_CLASS[isa](**values)
    except ValueError as exc:
        raise ValueError(f"fingerprint 0x{fp:016X}: {exc}") from None
    registered = fp in _NAME_BY_FP
    return DecodedFingerprint(
        fingerprint=fp,
        type_name="DPUCZDX8G",
        isa_version=isa,
        feature_code=feature,
        name=_NAME_BY_FP[fp] if registered else _synthesized_name(isa, values["arch"], fp),
        registered=registered,
        config=config,
        fields=tuple(fields),
    )


def _synthesized_name(isa: int, arch: str, fp: int) -> str:
    # DEC1/DEC0 build "DPUCZDX8G_ISA<isa>_B<peak>_<fingerprint as %016 PRIX64>", i.e.
    # 16 upper-case hex digits.
    return f"DPUCZDX8G_ISA{isa}_B{ops_per_clock(arch)}_{fp:016X}"


# ------------------------------------------------------------------ registered targets

# VAI 3.x registered ISA1 targets (HS; HS abbreviates the middle ones as "...56010201",
# meaning 0x0101000056010201). All: RAM low, channel augmentation, conv leaky-ReLU, write
# parallel 1, LOAD_PARALLEL 2, SAVE_ARGMAX on; ALU parallel 2 for B512/B800/B1152, 4 for
# the rest. The IP's default ALU_PARALLEL_USER 4 therefore misses the B512/B800/B1152 names.
# The ISA0 entry is the VAI 1.x ZCU102/104 target (HS); newer Vitis-AI trees keep it
# under target_factory/expired_targets/, so a VAI 3.x runtime may not know that name.
REGISTERED: Mapping[str, int] = MappingProxyType(
    {
        "DPUCZDX8G_ISA1_B512": 0x0101000056010200,
        "DPUCZDX8G_ISA1_B800": 0x0101000056010201,
        "DPUCZDX8G_ISA1_B1024": 0x0101000056010402,
        "DPUCZDX8G_ISA1_B1152": 0x0101000056010203,
        "DPUCZDX8G_ISA1_B1600": 0x0101000056010404,
        "DPUCZDX8G_ISA1_B2304": 0x0101000056010405,
        "DPUCZDX8G_ISA1_B3136": 0x0101000056010406,
        "DPUCZDX8G_ISA1_B4096": 0x0101000056010407,
        "DPUCZDX8G_ISA0_B4096_MAX_BG2": 0x01000020F6014407,
    }
)
_NAME_BY_FP: Mapping[int, str] = MappingProxyType({v: k for k, v in REGISTERED.items()})


def target_name(fingerprint: Union[int, str]) -> str:
    """The registered target name, else the runtime's synthesized
    ``DPUCZDX8G_ISA<n>_B<peak>_<16 hex digits>`` (HS, DEC1). Validates like decode()."""
    return decode(fingerprint).name


def fields_explained(fingerprint: Union[int, str]) -> list[tuple[str, str, Any, str, str]]:
    """(field, bits, value, meaning, certainty) for every field, type and ISA first."""
    return [(f.name, f.bits, f.value, f.meaning, f.certainty) for f in decode(fingerprint).fields]
