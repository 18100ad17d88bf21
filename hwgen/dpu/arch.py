"""DPU (dpu_eu / DPUCZDX8G) architecture geometry and the IP's own resource formulas.

Pure functions, no I/O. Every figure cites a source key that docs/references.md resolves:

- VAI20  Xilinx/Vitis-AI v2.0 ``dsa/DPU-TRD/dpu_ip/DPUCZDX8G_v3_4_0/`` (``component.xml``,
         ``gui/dpuczdx8g_v3_4.gtcl``)
- PG12   PG338 v1.2 Tables 8-9
- PG34   PG338 v3.4
- PG4x   PG338 v4.0/v4.1

The resource counts here are what the IP itself prints in its GUI summary
("DSP Slice Count", "Block-RAM Count"); the IP has no LUT/FF formula (GTCL34), so
none is offered here.
"""

from __future__ import annotations

import math
from hwgen.frozen import dataclass
from types import MappingProxyType
from typing import Mapping, Union

__all__ = [
    "ArchGeometry",
    "ARCHES",
    "UnknownArchError",
    "geometry",
    "ops_per_clock",
    "peak_gops",
    "DpuOptions",
    "IMG_BANK_GROUPS",
    "dwcv_parallel",
    "conv_dsp_count",
    "dwcv_dsp_count",
    "dsp_count",
    "bram36_count",
    "LOAD_DSP",
    "SAVE_DSP",
    "SFM_DSP",
    "SFM_BRAM36",
    "DWCV_BRAM36_PG34",
    "DWCV_BRAM36_PG4X",
]


@dataclass(frozen=True)
class ArchGeometry:
    """One DPU architecture: pixel, input-channel and output-channel parallelism.

    ``arch_index`` is the value of fingerprint bits [3:0] (DEC1:
    0 B512 ... 7 B4096; the VAI20 fingerprint generator uses the same table).
    """

    name: str
    size: int
    pp: int
    icp: int
    ocp: int
    arch_index: int


# PG4x "Architecture of the DPUCZDX8G"; PG12 Table 8. B1152 really is
# 2*4*12*12 = 1152; PG12 and PG4x print "1150" for it, a typo the IP does not share
# (VAI20 component.xml ARCH legal value 1152).
ARCHES: tuple[ArchGeometry, ...] = (
    ArchGeometry("B512", 512, 4, 8, 8, 0),
    ArchGeometry("B800", 800, 4, 10, 10, 1),
    ArchGeometry("B1024", 1024, 8, 8, 8, 2),
    ArchGeometry("B1152", 1152, 4, 12, 12, 3),
    ArchGeometry("B1600", 1600, 8, 10, 10, 4),
    ArchGeometry("B2304", 2304, 8, 12, 12, 5),
    ArchGeometry("B3136", 3136, 8, 14, 14, 6),
    ArchGeometry("B4096", 4096, 8, 16, 16, 7),
)

_BY_NAME: Mapping[str, ArchGeometry] = MappingProxyType({g.name: g for g in ARCHES})
_BY_SIZE: Mapping[int, ArchGeometry] = MappingProxyType({g.size: g for g in ARCHES})

ArchLike = Union[str, int, ArchGeometry]


class UnknownArchError(KeyError, ValueError):
    """Raised for an architecture name that is not one of B512 ... B4096.

    Both a KeyError (it is a failed lookup) and a ValueError (it is a bad argument), so
    callers may catch either.
    """

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else ""


def _legal_names() -> str:
    return ", ".join(g.name for g in ARCHES)


def geometry(arch: ArchLike) -> ArchGeometry:
    """Look up an architecture by name ("B512", case-insensitive), size (512 or "512")
    or pass an ArchGeometry through unchanged."""
    if isinstance(arch, ArchGeometry):
        return arch
    # bool is an int subclass; True/False as an architecture is always a caller bug.
    if isinstance(arch, int) and not isinstance(arch, bool):
        if arch in _BY_SIZE:
            return _BY_SIZE[arch]
        raise UnknownArchError(
            f"unknown DPU architecture {arch!r}: legal sizes are "
            f"{', '.join(str(g.size) for g in ARCHES)} (PG4x)"
        )
    if isinstance(arch, str):
        key = arch.strip().upper()
        if key in _BY_NAME:
            return _BY_NAME[key]
        if key.isdigit() and int(key) in _BY_SIZE:
            return _BY_SIZE[int(key)]
        raise UnknownArchError(
            f"unknown DPU architecture {arch!r}: legal names are {_legal_names()} (PG4x)"
        )
    raise UnknownArchError(
        f"DPU architecture must be a name like 'B512', a size like 512 or an ArchGeometry, "
        f"not {type(arch).__name__} {arch!r}"
    )


def ops_per_clock(g: ArchLike) -> int:
    """Peak operations per m_axi_dpu_aclk cycle: 2*PP*ICP*OCP (PG4x; a MAC is 2 ops)."""
    g = geometry(g)
    return 2 * g.pp * g.icp * g.ocp


def peak_gops(arch: ArchLike, clock_mhz: float) -> float:
    """Peak GOPS of one core = ops/clk x m_axi_dpu_aclk (PG4x arithmetic).

    B512 at 150 MHz -> 76.8.
    """
    if clock_mhz <= 0:
        raise ValueError(f"clock_mhz must be positive, got {clock_mhz!r}")
    return ops_per_clock(arch) * clock_mhz / 1000.0


# ARCH_IMG_BKGRP: 2 = Low, 3 = High (VAI20 component.xml); the fingerprint
# carries the same number (hwgen/dpu/fingerprint.py).
IMG_BANK_GROUPS: Mapping[str, int] = MappingProxyType({"low": 2, "high": 3})
_DSP_USAGE = {"low": 0, "high": 1}  # CONV_DSP_ACCU_ENA: 0 = Low, 1 = High (VAI20 component.xml)


@dataclass(frozen=True)
class DpuOptions:
    """The IP parameters the resource formulas read.

    Defaults are the VAI20 component.xml defaults: ARCH_IMG_BKGRP 2 (low),
    CONV_DSP_ACCU_ENA 1 (high), DWCV_ENA 0, SFM_ENA 0, VER_DPU_NUM 1.
    Softmax (SFM_ENA) is only enabled on AXI4 parts, i.e. not on Zynq-7000 (VAI20 bd.tcl,
    GTCL34); it is still accepted here so ZynqMP budgets can be computed.
    """

    ram_usage: str = "low"
    dsp_usage: str = "high"
    depthwise_conv: bool = False
    softmax: bool = False
    cores: int = 1

    def __post_init__(self) -> None:
        if self.ram_usage not in IMG_BANK_GROUPS:
            raise ValueError(f"ram_usage must be 'low' or 'high', got {self.ram_usage!r}")
        if self.dsp_usage not in _DSP_USAGE:
            raise ValueError(f"dsp_usage must be 'low' or 'high', got {self.dsp_usage!r}")
        if not isinstance(self.depthwise_conv, bool):
            raise ValueError(f"depthwise_conv must be a bool, got {self.depthwise_conv!r}")
        if not isinstance(self.softmax, bool):
            raise ValueError(f"softmax must be a bool, got {self.softmax!r}")
        # VER_DPU_NUM legal values 1-4 (VAI20 component.xml)
        if isinstance(self.cores, bool) or not isinstance(self.cores, int) or not 1 <= self.cores <= 4:
            raise ValueError(f"cores must be an int in 1..4 (VER_DPU_NUM), got {self.cores!r}")

    @property
    def arch_img_bkgrp(self) -> int:
        return IMG_BANK_GROUPS[self.ram_usage]

    @property
    def conv_dsp_accu_ena(self) -> int:
        return _DSP_USAGE[self.dsp_usage]


# Fixed DSP/BRAM costs in the VAI20 gtcl SUM_* formulas (GTCL34).
LOAD_DSP = 1  # LOAD engine, 1 DSP per core
SAVE_DSP = 1  # SAVE engine, 1 DSP per core
SFM_DSP = 14  # softmax block, once per IP (not per core)
SFM_BRAM36 = 4.0  # softmax block, once per IP


def dwcv_parallel(arch: ArchLike) -> int:
    """DWCV_PARALLEL when DWCV_ENA=1: 2 if PP = 2 else PP/2 (GTCL34)."""
    g = geometry(arch)
    return 2 if g.pp == 2 else g.pp // 2


def conv_dsp_count(arch: ArchLike, dsp_usage: str = "high") -> int:
    """CONV_DSP_NUM = PP*ICP*OCP/4 + CONV_DSP_ACCU_ENA*PP*OCP (GTCL34).

    The gtcl uses Tcl integer ``expr`` arithmetic, hence ``//``; for every legal
    architecture the division is exact anyway.
    """
    g = geometry(arch)
    if dsp_usage not in _DSP_USAGE:
        raise ValueError(f"dsp_usage must be 'low' or 'high', got {dsp_usage!r}")
    accu = _DSP_USAGE[dsp_usage]
    return g.pp * g.icp * g.ocp // 4 + accu * g.pp * g.ocp


def dwcv_dsp_count(arch: ArchLike, depthwise_conv: bool = True) -> int:
    """DWCV_DSP_NUM = DWCV_ENA*(DWCV_PARALLEL*ICP/4 + DWCV_PARALLEL*ICP/2) (VAI20 gtcl,
    GTCL34; Tcl integer division as in the gtcl)."""
    if not depthwise_conv:
        return 0
    g = geometry(arch)
    p = dwcv_parallel(g)
    return p * g.icp // 4 + p * g.icp // 2


def dsp_count(arch: ArchLike, opts: DpuOptions = DpuOptions()) -> int:
    """SUM_DSP_NUM = VER_DPU_NUM*(LOAD 1 + SAVE 1 + CONV_DSP_NUM + DWCV_DSP_NUM) + 14*SFM_ENA
    (GTCL34). The formula does not depend on DSP48E1 vs DSP48E2."""
    per_core = (
        LOAD_DSP
        + SAVE_DSP
        + conv_dsp_count(arch, opts.dsp_usage)
        + dwcv_dsp_count(arch, opts.depthwise_conv)
    )
    return opts.cores * per_core + (SFM_DSP if opts.softmax else 0)


def bram36_count(arch: ArchLike, opts: DpuOptions = DpuOptions()) -> float:
    """SUM_BRAM_N in BRAM36 units, multiples of 0.5 (GTCL34):

        VER_DPU_NUM*((BANK_IMG_N + BANK_WGT_N + BANK_BIAS)*ceil(ICP*8/9)/2
                     + ceil((12 + ceil(log2 BANK_IMG_N) + 8*ICP)/36)/2) + 4*SFM_ENA

    with BANK_IMG_N = ARCH_IMG_BKGRP*PP, BANK_WGT_N = OCP + DWCV_ENA, BANK_BIAS = 1.

    Evaluated exactly as the gtcl writes it: floating ``ceil(ICP*8.0/9.0)`` and
    ``ceil(log(BANK_IMG_N)/log(2))`` (Tcl's ``log`` is the C library's natural log, as is
    Python's ``math.log``). Assumes no UltraRAM (URAM_N_USER = 0, the default; Zynq-7000
    has none, DS190), so every bank is a BRAM bank.
    """
    g = geometry(arch)
    bank_img_n = opts.arch_img_bkgrp * g.pp
    bank_wgt_n = g.ocp + (1 if opts.depthwise_conv else 0)
    bank_bias = 1
    data_banks = (bank_img_n + bank_wgt_n + bank_bias) * math.ceil(g.icp * 8.0 / 9.0) / 2.0
    addr_bits = math.ceil(math.log(bank_img_n) / math.log(2))
    ctrl = math.ceil((12.0 + addr_bits + g.icp * 8.0) / 36.0) / 2.0
    return opts.cores * (data_banks + ctrl) + (SFM_BRAM36 if opts.softmax else 0.0)


# BRAM36 per core with DepthwiseConv, (RAM low, RAM high). The two PG338 releases
# disagree (PG12 Table 9, PG34, PG4x); the VAI20 IP formula above reproduces PG34 exactly, while PG4x is
# 1.5-2.5 lower in every cell. Budgets should use the formula (what the IP itself
# reports, and what the real 7Z020 build printed: B1152 RAM low + DWCV = 123.0, DPUZ2).
DWCV_BRAM36_PG34: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "B512": (73.5, 89.5),
        "B800": (91.5, 109.5),
        "B1024": (105.5, 137.5),
        "B1152": (123.0, 145.0),
        "B1600": (127.5, 163.5),
        "B2304": (167.0, 211.0),
        "B3136": (210.0, 262.0),
        "B4096": (257.0, 317.5),
    }
)
DWCV_BRAM36_PG4X: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "B512": (72.0, 88.0),
        "B800": (90.0, 108.0),
        "B1024": (104.0, 136.0),
        "B1152": (121.0, 143.0),
        "B1600": (126.0, 162.0),
        "B2304": (165.0, 209.0),
        "B3136": (208.0, 260.0),
        "B4096": (255.0, 315.0),
    }
)
