"""Expected budget numbers for the tests, worked out independently of hwgen's code.

DSP and BRAM are the DPUCZDX8G v4.x gtcl formulas (DPU41-GTCL), transcribed here by hand;
LUT and FF are PG338 Table 9 (the dpus/*.yaml `cost` figures) times the least-squares
factors through the two real builds that count the DPU alone (DPU41-R6, DPU41-R8), plus
the default design's infrastructure from parts/infrastructure.yaml.
"""

from __future__ import annotations

import math

# gtcl ARCH_PP / ARCH_ICP (= ARCH_OCP) per architecture (DPU41-GTCL)
PP = {"B512": 4, "B800": 4, "B1024": 8, "B1152": 4, "B1600": 8, "B2304": 8, "B3136": 8, "B4096": 8}
ICP = {"B512": 8, "B800": 10, "B1024": 8, "B1152": 12, "B1600": 10, "B2304": 12, "B3136": 14,
       "B4096": 16}

# PG338 v1.2 Table 9 (ZCU102, one core): LUT/FF for DSP usage high and low
TABLE9 = {"B512": {"high": (20177, 31782), "low": (20759, 33572)},
          "B1024": {"high": (27377, 46241), "low": (29155, 49823)},
          "B1152": {"high": (28698, 46906), "low": (30043, 49588)},
          "B4096": {"high": (40865, 92630), "low": (44583, 99791)}}

# The LUT/FF model's factors, by hand from DPU41-R6 (B1024 34,500 LUT / 48,448 FF, DPU alone)
# and DPU41-R8 (B4096 per core 50,800 / 97,000) against Table 9's DSP-high figures.
K_LUT = round((34500 * 27377 + 50800 * 40865) / (27377 ** 2 + 40865 ** 2), 4)
K_FF = round((48448 * 46241 + 97000 * 92630) / (46241 ** 2 + 92630 ** 2), 4)

# Infrastructure of the default design, from parts/infrastructure.yaml row by row:
# clk_wiz 1/0, three proc_sys_reset 19/40 each, GP0 1x1 to the AXI4-Lite S_AXI is a
# converter 500/598, HP0 2x1 (DATA0 + INSTR) a crossbar at 500/598 per slave interface,
# HP2 1x1 64->64 bit in one clock a pass-through 0/0, xlconcat 0/0.
INFRA_LUT = 1 + 3 * 19 + 500 + 2 * 500 + 0 + 0          # 1558
INFRA_FF = 0 + 3 * 40 + 598 + 2 * 598 + 0 + 0           # 1914


def dsp(arch: str, dsp_usage: str = "high", alu_parallel: int = 4, cores: int = 1,
        softmax: bool = False) -> int:
    """SUM_DSP_NUM: (LOAD 1 + SAVE 1 + CONV_DSP_NUM + ALU_DSP_NUM) x cores + SFM_ENA x 14."""
    pp, icp = PP[arch], ICP[arch]
    conv = pp * icp * icp // 4 + (dsp_usage == "high") * pp * icp
    alu = min(alu_parallel, pp) * icp + 4
    return (1 + 1 + conv + alu) * cores + 14 * softmax


def bram(arch: str, ram_usage: str = "low", cores: int = 1, softmax: bool = False) -> float:
    """SUM_BRAM_N without URAM: banks (img BKGRP x PP, wgt OCP + DWCV 1, bias 1) x ceil(ICP x 8 / 9) / 2."""
    pp, icp = PP[arch], ICP[arch]
    banks = (3 if ram_usage == "high" else 2) * pp + icp + 1 + 1
    return cores * banks * math.ceil(icp * 8 / 9) / 2 + 4 * softmax


def lut(arch: str, dsp_usage: str = "high") -> int:
    """The default design's LUT: the DPU by the model plus the infrastructure."""
    return round(K_LUT * TABLE9[arch][dsp_usage][0]) + INFRA_LUT


def ff(arch: str, dsp_usage: str = "high") -> int:
    return round(K_FF * TABLE9[arch][dsp_usage][1]) + INFRA_FF
