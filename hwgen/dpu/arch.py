"""DPUCZDX8G architecture geometry and the v4.x IP's own resource formulas.

Pure functions, no I/O. Source keys (listed with titles in docs/budget-model.md):

- DPU41-GTCL  the DPUCZDX8G v4.x IP's ``gui/dpuczdx8g_v4_*.gtcl`` (the same file in v4.0
              and v4.1): ARCH_PP/ICP/OCP, ALU_PARALLEL, CONV_DSP_NUM, ALU_DSP_NUM, the
              bank placement (UBANK_*), SUM_DSP_NUM, SUM_BRAM_N, SUM_URAM_N
- DPU41-PKG   the v4.1 IP package ``component.xml`` (parameter defaults) and ``bd/bd.tcl``
- PG4x        PG338 v4.0/v4.1 "Architecture of the DPUCZDX8G" (PP x ICP x OCP)

The resource counts here are the read-only CONFIG values the IP computes itself
(SUM_DSP_NUM, SUM_BRAM_N, SUM_URAM_N), evaluated the way its Tcl ``expr`` evaluates them.
The IP has no LUT/FF formula; hwgen's calibrated LUT/FF model lives in budget/estimate.py.
In v4.x depthwise convolution, average pooling and elementwise multiply are always built
(DWCV_ENA and POOL_AVERAGE are fixed at 1, DPU41-PKG changelog "ALU: Always enabled"),
so they are not options here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
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
    "ALU_PARALLEL_USER",
    "URAM_N_USER_MAX",
    "alu_parallel",
    "conv_dsp_count",
    "alu_dsp_count",
    "dsp_count",
    "Banks",
    "banks",
    "bram36_count",
    "uram_count",
    "LOAD_DSP",
    "SAVE_DSP",
    "SFM_DSP",
    "SFM_BRAM36",
    "DWCV_ENA",
]


@dataclass(frozen=True)
class ArchGeometry:
    """One DPU architecture: pixel, input-channel and output-channel parallelism.

    ``arch_index`` is the value of fingerprint bits [3:0] (dpu.md "Compiler handshake":
    0 B512 ... 7 B4096; the VAI20 fingerprint generator uses the same table).
    """

    name: str
    size: int
    pp: int
    icp: int
    ocp: int
    arch_index: int


# dpu.md §7 (PG4x "Architecture of the DPUCZDX8G"; PG12 Table 8). B1152 really is
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
            f"{', '.join(str(g.size) for g in ARCHES)} (dpu.md §7)"
        )
    if isinstance(arch, str):
        key = arch.strip().upper()
        if key in _BY_NAME:
            return _BY_NAME[key]
        if key.isdigit() and int(key) in _BY_SIZE:
            return _BY_SIZE[int(key)]
        raise UnknownArchError(
            f"unknown DPU architecture {arch!r}: legal names are {_legal_names()} (dpu.md §7)"
        )
    raise UnknownArchError(
        f"DPU architecture must be a name like 'B512', a size like 512 or an ArchGeometry, "
        f"not {type(arch).__name__} {arch!r}"
    )


def ops_per_clock(g: ArchLike) -> int:
    """Peak operations per m_axi_dpu_aclk cycle: 2*PP*ICP*OCP (dpu.md §7; a MAC is 2 ops)."""
    g = geometry(g)
    return 2 * g.pp * g.icp * g.ocp


def peak_gops(arch: ArchLike, clock_mhz: float) -> float:
    """Peak GOPS of one core = ops/clk x m_axi_dpu_aclk (dpu.md §7 arithmetic).

    B512 at 150 MHz -> 76.8.
    """
    if clock_mhz <= 0:
        raise ValueError(f"clock_mhz must be positive, got {clock_mhz!r}")
    return ops_per_clock(arch) * clock_mhz / 1000.0


# ARCH_IMG_BKGRP: 2 = Low, 3 = High (DPU41-PKG component.xml); the fingerprint carries the
# same number (hwgen/dpu/fingerprint.py).
IMG_BANK_GROUPS: Mapping[str, int] = MappingProxyType({"low": 2, "high": 3})
_DSP_USAGE = {"low": 0, "high": 1}  # CONV_DSP_ACCU_ENA: 0 = Low, 1 = High (DPU41-PKG)
ALU_PARALLEL_USER = (1, 2, 4, 8)    # legal ALU_PARALLEL_USER values (PG4x ALU tables)
URAM_N_USER_MAX = 84                # URAM_N_USER range 0-84 (DPU41-PKG component.xml)
DWCV_ENA = 1                        # fixed at 1 in v4.x (DPU41-PKG), enters BANK_WGT_N


@dataclass(frozen=True)
class DpuOptions:
    """The IP parameters the resource formulas read.

    Defaults are the packaged component.xml defaults (DPU41-PKG): ARCH_IMG_BKGRP 2 (low),
    CONV_DSP_ACCU_ENA 1 (high), ALU_PARALLEL_USER 4, URAM_N_USER 0, SFM_ENA 0,
    VER_DPU_NUM 1. Which of them a family allows (no URAM and no softmax on Zynq-7000) is
    the caller's decision, not the formulas'.
    """

    ram_usage: str = "low"
    dsp_usage: str = "high"
    alu_parallel: int = 4
    uram: int = 0
    softmax: bool = False
    cores: int = 1

    def __post_init__(self) -> None:
        if self.ram_usage not in IMG_BANK_GROUPS:
            raise ValueError(f"ram_usage must be 'low' or 'high', got {self.ram_usage!r}")
        if self.dsp_usage not in _DSP_USAGE:
            raise ValueError(f"dsp_usage must be 'low' or 'high', got {self.dsp_usage!r}")
        if isinstance(self.alu_parallel, bool) or self.alu_parallel not in ALU_PARALLEL_USER:
            raise ValueError(f"alu_parallel must be one of 1, 2, 4, 8, got {self.alu_parallel!r}")
        if isinstance(self.uram, bool) or not isinstance(self.uram, int) \
                or not 0 <= self.uram <= URAM_N_USER_MAX:
            raise ValueError(f"uram must be an int in 0..{URAM_N_USER_MAX} (URAM_N_USER), "
                             f"got {self.uram!r}")
        if not isinstance(self.softmax, bool):
            raise ValueError(f"softmax must be a bool, got {self.softmax!r}")
        # VER_DPU_NUM legal values 1-4 (DPU41-PKG component.xml)
        if isinstance(self.cores, bool) or not isinstance(self.cores, int) or not 1 <= self.cores <= 4:
            raise ValueError(f"cores must be an int in 1..4 (VER_DPU_NUM), got {self.cores!r}")

    @property
    def arch_img_bkgrp(self) -> int:
        return IMG_BANK_GROUPS[self.ram_usage]

    @property
    def conv_dsp_accu_ena(self) -> int:
        return _DSP_USAGE[self.dsp_usage]

    @classmethod
    def of(cls, dpu_settings) -> "DpuOptions":
        """The options a design's ``settings.dpu`` writes into CONFIG."""
        d = dpu_settings
        return cls(ram_usage=d.ram_usage, dsp_usage=d.dsp_usage, alu_parallel=d.alu_parallel,
                   uram=d.uram, softmax=d.softmax, cores=d.cores)


# Fixed DSP/BRAM terms of the SUM_* formulas (DPU41-GTCL; LOAD_DSP_NUM, SAVE_DSP_NUM and
# SFM_DSP_NUM are constant model parameters, read back as 1, 1 and 14 from real builds).
LOAD_DSP = 1  # LOAD engine, 1 DSP per core
SAVE_DSP = 1  # SAVE engine, 1 DSP per core
SFM_DSP = 14  # softmax block, once per IP (not per core)
SFM_BRAM36 = 4.0  # softmax block, once per IP


def alu_parallel(arch: ArchLike, user: int = 4) -> int:
    """ALU_PARALLEL = min(ALU_PARALLEL_USER, ARCH_PP) (DPU41-GTCL)."""
    return min(user, geometry(arch).pp)


def conv_dsp_count(arch: ArchLike, dsp_usage: str = "high") -> int:
    """CONV_DSP_NUM = PP*ICP*OCP/4 + CONV_DSP_ACCU_ENA*PP*OCP (DPU41-GTCL).

    The gtcl uses Tcl integer ``expr`` arithmetic, hence ``//``; for every legal
    architecture the division is exact anyway.
    """
    g = geometry(arch)
    if dsp_usage not in _DSP_USAGE:
        raise ValueError(f"dsp_usage must be 'low' or 'high', got {dsp_usage!r}")
    return g.pp * g.icp * g.ocp // 4 + _DSP_USAGE[dsp_usage] * g.pp * g.ocp


def alu_dsp_count(arch: ArchLike, alu_parallel_user: int = 4) -> int:
    """ALU_DSP_NUM = ALU_PARALLEL*ICP + 4 (DPU41-GTCL). The ALU is always built in v4.x."""
    return alu_parallel(arch, alu_parallel_user) * geometry(arch).icp + 4


def dsp_count(arch: ArchLike, opts: DpuOptions = DpuOptions()) -> int:
    """SUM_DSP_NUM = (LOAD 1 + SAVE 1 + CONV_DSP_NUM + ALU_DSP_NUM)*VER_DPU_NUM
    + SFM_ENA*14 (DPU41-GTCL). The same on DSP48E1 and DSP48E2 families."""
    per_core = (LOAD_DSP + SAVE_DSP + conv_dsp_count(arch, opts.dsp_usage)
                + alu_dsp_count(arch, opts.alu_parallel))
    return opts.cores * per_core + (SFM_DSP if opts.softmax else 0)


@dataclass(frozen=True)
class Banks:
    """One core's on-chip buffer banks and where URAM_N_USER puts them (DPU41-GTCL).

    ``img``/``wgt``/``bias`` are BANK_IMG_N, BANK_WGT_N, BANK_BIAS; ``u_*`` the banks
    moved into UltraRAM (UBANK_*), filled bias first, then weights, then image.
    ``uram_per_bank`` = ceil(ICP*8/72), ``bram_per_bank`` = ceil(ICP*8/9)/2 BRAM36.
    """

    img: int
    wgt: int
    bias: int
    u_img: int
    u_wgt: int
    u_bias: int
    uram_per_bank: int
    bram_per_bank: float

    @property
    def bram_banks(self) -> int:
        """BBANK_IMG_N + BBANK_WGT_N + BBANK_BIAS (DBANK_* are 0: no DRAM banks)."""
        return (self.img - self.u_img) + (self.wgt - self.u_wgt) + (self.bias - self.u_bias)

    @property
    def uram_banks(self) -> int:
        return self.u_img + self.u_wgt + self.u_bias


def banks(arch: ArchLike, opts: DpuOptions = DpuOptions()) -> Banks:
    """Evaluate the gtcl's UBANK_*_USER procs exactly, floats and comparisons as written:

    UBANK_BIAS = URAM >= per;  UBANK_WGT = 0 if URAM < per, WGT if URAM > (BIAS+WGT)*per,
    else floor(URAM/per) - BIAS;  UBANK_IMG = 0 if URAM < (BIAS+WGT)*per, IMG if
    URAM > (BIAS+WGT+IMG)*per, else floor(URAM/per) - (BIAS+WGT).
    """
    g = geometry(arch)
    img, wgt, bias = opts.arch_img_bkgrp * g.pp, g.ocp + DWCV_ENA, 1
    per = math.ceil(g.icp * 8.0 / 72.0)
    u = opts.uram
    u_bias = 1 if u >= per else 0
    if u < per:
        u_wgt = 0
    elif u > (bias + wgt) * per:
        u_wgt = wgt
    else:
        u_wgt = math.floor(u / per) - bias
    if u < (bias + wgt) * per:
        u_img = 0
    elif u > (bias + wgt + img) * per:
        u_img = img
    else:
        u_img = math.floor(u / per) - (bias + wgt)
    return Banks(img, wgt, bias, u_img, u_wgt, u_bias, per, math.ceil(g.icp * 8.0 / 9.0) / 2.0)


def bram36_count(arch: ArchLike, opts: DpuOptions = DpuOptions()) -> float:
    """SUM_BRAM_N in BRAM36 units, multiples of 0.5 (DPU41-GTCL):

        VER_DPU_NUM*((BBANK_IMG_N + BBANK_WGT_N + BBANK_BIAS)*ceil(ICP*8/9)/2
                     + 0*ceil(...)/2) + SFM_ENA*4

    The v4.x gtcl multiplies the v3.x control-RAM term by 0, so it is gone.
    """
    b = banks(arch, opts)
    return opts.cores * b.bram_banks * b.bram_per_bank + (SFM_BRAM36 if opts.softmax else 0.0)


def uram_count(arch: ArchLike, opts: DpuOptions = DpuOptions()) -> int:
    """SUM_URAM_N = floor(VER_DPU_NUM*(UBANK_IMG_N + UBANK_WGT_N + UBANK_BIAS)
    *ceil(ICP*8/72)) (DPU41-GTCL)."""
    b = banks(arch, opts)
    return opts.cores * b.uram_banks * b.uram_per_bank
