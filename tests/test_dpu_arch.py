"""Hand-checked tests for hwgen.dpu.arch.

Expected values are the IP's own numbers: real DPUCZDX8G v4.x builds (DPU41-R3 ... R9,
whose utilization reports and hwh files print SUM_DSP_NUM / SUM_BRAM_N / SUM_URAM_N) and
values worked by hand from the v4.x gtcl procs (DPU41-GTCL); nothing here is computed
with the code under test to produce an expectation. The exhaustive comparison against
an independent Tcl transcription of the gtcl is tests/test_dpu_ip.py.
"""

import itertools
import math

import pytest

from hwgen.dpu import arch as dpu_arch
from hwgen.dpu.arch import (
    ARCHES,
    DpuOptions,
    UnknownArchError,
    bram36_count,
    dsp_count,
    geometry,
    ops_per_clock,
    peak_gops,
)

# dpu.md §7: arch -> (PP, ICP, OCP, ops/clk); arch index from dpu.md "Compiler handshake".
ARCH_TABLE = {
    "B512": (4, 8, 8, 512, 0),
    "B800": (4, 10, 10, 800, 1),
    "B1024": (8, 8, 8, 1024, 2),
    "B1152": (4, 12, 12, 1152, 3),
    "B1600": (8, 10, 10, 1600, 4),
    "B2304": (8, 12, 12, 2304, 5),
    "B3136": (8, 14, 14, 3136, 6),
    "B4096": (8, 16, 16, 4096, 7),
}

# ---------------------------------------------------------------- geometry


def test_arches_match_reference_table():
    assert [g.name for g in ARCHES] == list(ARCH_TABLE)
    for g in ARCHES:
        pp, icp, ocp, ops, idx = ARCH_TABLE[g.name]
        assert (g.pp, g.icp, g.ocp, g.arch_index) == (pp, icp, ocp, idx)
        assert g.size == ops
        assert ops_per_clock(g) == ops


def test_b1152_is_1152_not_the_1150_printed_in_pg338():
    assert ops_per_clock(geometry("B1152")) == 2 * 4 * 12 * 12 == 1152


@pytest.mark.parametrize("spelling", ["B512", "b512", " B512 ", 512, "512"])
def test_geometry_accepts_name_size_and_string_size(spelling):
    assert geometry(spelling).name == "B512"


def test_geometry_passes_geometry_through():
    g = ARCHES[3]
    assert geometry(g) is g


@pytest.mark.parametrize("bad", ["B2048", "B256", "", "DPU", 2048, 0, True, 1.5, None])
def test_geometry_rejects_unknown_with_clear_message(bad):
    with pytest.raises(UnknownArchError) as exc:
        geometry(bad)
    # catchable as either KeyError or ValueError
    assert isinstance(exc.value, KeyError) and isinstance(exc.value, ValueError)
    assert "B512" in str(exc.value) or "512" in str(exc.value)


def test_geometry_is_frozen():
    with pytest.raises(Exception):
        ARCHES[0].pp = 99  # type: ignore[misc]


def test_peak_gops_b512_at_150():
    # dpu.md §7: B512 at 150 MHz = 76.8 GOPS
    assert peak_gops("B512", 150) == pytest.approx(76.8)


def test_peak_gops_b4096_at_300():
    # 4096 ops/clk * 300e6 = 1228.8e9
    assert peak_gops(4096, 300.0) == pytest.approx(1228.8)


def test_peak_gops_rejects_nonpositive_clock():
    with pytest.raises(ValueError):
        peak_gops("B512", 0)


# ---------------------------------------------------------------- the IP's formulas vs real builds
# (arch, DSP usage, URAM_N_USER, cores, softmax) -> (SUM_DSP_NUM, SUM_BRAM_N, SUM_URAM_N)
# as the real builds reported them (parts/dpu_builds.yaml cites each).
REAL_BUILDS = {
    ("B4096", "high", 50, 1, False): (710, 67.5, 50),     # DPU41-R3, DPU41-R4 (KR260/KV260)
    ("B1024", "high", 0, 1, False): (230, 104.0, 0),      # DPU41-R6 (OOC)
    ("B512", "high", 50, 1, False): (134, 0.0, 18),       # DPU41-R5 (KR260)
    ("B4096", "high", 0, 1, False): (710, 255.0, 0),      # DPU41-R8 per core (ZCU102)
    ("B512", "high", 0, 1, False): (134, 72.0, 0),        # DPU41-R9 (v4.0, ZU3EG)
}


@pytest.mark.parametrize("key", list(REAL_BUILDS))
def test_formulas_equal_real_builds(key):
    arch, dsp, uram, cores, sfm = key
    o = DpuOptions(dsp_usage=dsp, uram=uram, cores=cores, softmax=sfm)
    assert (dsp_count(arch, o), bram36_count(arch, o), dpu_arch.uram_count(arch, o)) == REAL_BUILDS[key]


def test_issue_numbers_b512_dsp_low_and_alu():
    # Issue 15 worked example: B512 with the IP defaults = 134 DSP, 102 with DSP usage low;
    # ALU_DSP_NUM = 4*8 + 4 = 36.
    assert dsp_count("B512", DpuOptions()) == 134
    assert dsp_count("B512", DpuOptions(dsp_usage="low")) == 102
    assert dpu_arch.alu_dsp_count("B512", 4) == 36


def test_alu_parallel_is_capped_by_pp():
    # ALU_PARALLEL = min(ALU_PARALLEL_USER, ARCH_PP): B512 has PP 4, so 8 builds 4.
    assert dpu_arch.alu_parallel("B512", 8) == 4
    assert dpu_arch.alu_parallel("B4096", 8) == 8
    assert dsp_count("B512", DpuOptions(alu_parallel=8)) == dsp_count("B512", DpuOptions(alu_parallel=4))
    # B4096 ALU 8: 8*16 + 4 = 132 instead of 4*16 + 4 = 68
    assert dsp_count("B4096", DpuOptions(alu_parallel=8)) == 710 + 64


def test_uram_bank_placement_b4096_50_by_hand():
    # per = ceil(16*8/72) = 2; bias 1 (50 >= 2); weights 17 (50 > 18*2); image
    # floor(50/2) - 18 = 7 (36 <= 50 <= 68); BRAM (9 + 0 + 0) * ceil(128/9)/2 = 9 * 7.5.
    b = dpu_arch.banks("B4096", DpuOptions(uram=50))
    assert (b.u_bias, b.u_wgt, b.u_img, b.uram_per_bank) == (1, 17, 7, 2)
    assert b.bram_banks == 9


def test_uram_below_one_bank_places_nothing():
    o = DpuOptions(uram=1)     # B4096 needs 2 URAM per bank
    assert dpu_arch.uram_count("B4096", o) == 0
    assert bram36_count("B4096", o) == 255.0


def test_softmax_adds_14_dsp_and_4_bram_once():
    o = DpuOptions(softmax=True, cores=3)
    assert dsp_count("B4096", o) == 3 * 710 + 14
    assert bram36_count("B4096", o) == 3 * 255 + 4


def test_default_options_are_component_xml_defaults():
    # DPU41-PKG packaged defaults: ARCH_IMG_BKGRP 2, CONV_DSP_ACCU_ENA 1, ALU_PARALLEL_USER 4,
    # URAM_N_USER 0, SFM_ENA 0, VER_DPU_NUM 1.
    o = DpuOptions()
    assert (o.arch_img_bkgrp, o.conv_dsp_accu_ena, o.alu_parallel, o.uram, o.softmax, o.cores) == \
        (2, 1, 4, 0, False, 1)


@pytest.mark.parametrize("kwargs", [
    {"ram_usage": "medium"}, {"dsp_usage": "none"}, {"alu_parallel": 3}, {"alu_parallel": True},
    {"uram": 85}, {"uram": -1}, {"softmax": 1}, {"cores": 0}, {"cores": 5}, {"cores": True},
])
def test_bad_options_rejected(kwargs):
    with pytest.raises(ValueError):
        DpuOptions(**kwargs)
