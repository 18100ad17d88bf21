"""Hand-checked tests for hwgen.dpu.arch.

Expected values are transcribed by hand from PG4x, GTCL34 and PG12/PG34/PG4x (docs/references.md)
and compared with what the functions compute; nothing here is computed with the code
under test to produce an expectation.
"""

import itertools
import math

import pytest

from hwgen.dpu import arch as dpu_arch
from hwgen.dpu.arch import (
    ARCHES,
    DWCV_BRAM36_PG34,
    DWCV_BRAM36_PG4X,
    DpuOptions,
    UnknownArchError,
    bram36_count,
    dsp_count,
    geometry,
    ops_per_clock,
    peak_gops,
)

# PG4x: arch -> (PP, ICP, OCP, ops/clk); arch index from DEC1.
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

# GTCL34 table, per core, no softmax, no URAM:
# arch: ((DSP high, DSP low), (DSP high +DWCV, DSP low +DWCV),
#        (BRAM RAM low, RAM high), (BRAM low +DWCV, high +DWCV))
DPU_MD_S8 = {
    "B512": ((98, 66), (110, 78), (69.5, 85.5), (73.5, 89.5)),
    "B800": ((142, 102), (157, 117), (87, 105), (91.5, 109.5)),
    "B1024": ((194, 130), (218, 154), (101.5, 133.5), (105.5, 137.5)),
    "B1152": ((194, 146), (212, 164), (117.5, 139.5), (123, 145)),
    "B1600": ((282, 202), (312, 232), (123, 159), (127.5, 163.5)),
    "B2304": ((386, 290), (422, 326), (161.5, 205.5), (167, 211)),
    "B3136": ((506, 394), (548, 436), (203.5, 255.5), (210, 262)),
    "B4096": ((642, 514), (690, 562), (249.5, 310), (257, 317.5)),
}

# PG12 Table 9: ZCU102, 1 core, no DWCV, RAM low.
# arch: (high DSP: BRAM36, DSP), (low DSP: BRAM36, DSP)
PG12_TABLE9 = {
    "B512": ((69.5, 98), (69.5, 66)),
    "B800": ((87, 142), (87, 102)),
    "B1024": ((101.5, 194), (101.5, 130)),
    "B1152": ((117.5, 194), (117.5, 146)),
    "B1600": ((123, 282), (123, 202)),
    "B2304": ((161.5, 386), (161.5, 290)),
    "B3136": ((203.5, 506), (203.5, 394)),
    "B4096": ((249.5, 642), (249.5, 514)),
}

# PG34 "DepthwiseConv" add-on: arch -> (extra BRAM36, extra DSP)
PG34_DWCV_ADDON = {
    "B512": (4, 12),
    "B800": (4.5, 15),
    "B1024": (4, 24),
    "B1152": (5.5, 18),
    "B1600": (4.5, 30),
    "B2304": (5.5, 36),
    "B3136": (6.5, 42),
    "B4096": (7.5, 48),
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
    # PG4x: B512 at 150 MHz = 76.8 GOPS
    assert peak_gops("B512", 150) == pytest.approx(76.8)


def test_peak_gops_b4096_at_300():
    # 4096 ops/clk * 300e6 = 1228.8e9
    assert peak_gops(4096, 300.0) == pytest.approx(1228.8)


def test_peak_gops_rejects_nonpositive_clock():
    with pytest.raises(ValueError):
        peak_gops("B512", 0)


# ---------------------------------------------------------------- GTCL34 table


@pytest.mark.parametrize("arch", list(DPU_MD_S8))
def test_dsp_table_every_cell(arch):
    (hi, lo), (hi_dw, lo_dw), _, _ = DPU_MD_S8[arch]
    assert dsp_count(arch, DpuOptions(dsp_usage="high")) == hi
    assert dsp_count(arch, DpuOptions(dsp_usage="low")) == lo
    assert dsp_count(arch, DpuOptions(dsp_usage="high", depthwise_conv=True)) == hi_dw
    assert dsp_count(arch, DpuOptions(dsp_usage="low", depthwise_conv=True)) == lo_dw


@pytest.mark.parametrize("arch", list(DPU_MD_S8))
def test_bram_table_every_cell(arch):
    _, _, (low, high), (low_dw, high_dw) = DPU_MD_S8[arch]
    assert bram36_count(arch, DpuOptions(ram_usage="low")) == low
    assert bram36_count(arch, DpuOptions(ram_usage="high")) == high
    assert bram36_count(arch, DpuOptions(ram_usage="low", depthwise_conv=True)) == low_dw
    assert bram36_count(arch, DpuOptions(ram_usage="high", depthwise_conv=True)) == high_dw


def test_bram_does_not_depend_on_dsp_usage_and_dsp_not_on_ram_usage():
    for g, ram, dsp, dw in itertools.product(ARCHES, ("low", "high"), ("low", "high"), (False, True)):
        o = DpuOptions(ram_usage=ram, dsp_usage=dsp, depthwise_conv=dw)
        assert bram36_count(g, o) == bram36_count(g, DpuOptions(ram_usage=ram, depthwise_conv=dw))
        assert dsp_count(g, o) == dsp_count(g, DpuOptions(dsp_usage=dsp, depthwise_conv=dw))


def test_bram_is_half_block_granular():
    for g, ram, dw, cores in itertools.product(ARCHES, ("low", "high"), (False, True), (1, 2, 3, 4)):
        b = bram36_count(g, DpuOptions(ram_usage=ram, depthwise_conv=dw, cores=cores))
        assert (b * 2) == int(b * 2)


def test_float_log2_as_in_gtcl_equals_exact_integer_log2_for_every_bank_count():
    # The gtcl computes ceil(log(n)/log(2)) in floating point; make sure that, for every
    # BANK_IMG_N the legal parameters can produce (2 or 3 groups x PP 4 or 8), it equals the
    # exact integer ceil(log2 n), i.e. no floating-point surprise hides in the formula.
    for groups, pp in itertools.product((2, 3), (4, 8)):
        n = groups * pp
        assert math.ceil(math.log(n) / math.log(2)) == (n - 1).bit_length()


# ---------------------------------------------------------------- real builds


def test_real_build_dpuz2_b1152_high_dsp_ram_low_dwcv():
    # DPUZ2 (GTCL34): IP prints "DSP Slice Count:212; Block-RAM Count:123.0"
    o = DpuOptions(ram_usage="low", dsp_usage="high", depthwise_conv=True)
    assert dsp_count("B1152", o) == 212
    assert bram36_count("B1152", o) == 123.0


def test_real_build_zed_b1152_high_dsp_ram_high_no_dwcv():
    # ZED (VAI20 component.xml, GTCL34): SUM_DSP_NUM {194}, SUM_BRAM_N {139.5}
    o = DpuOptions(ram_usage="high", dsp_usage="high", depthwise_conv=False)
    assert dsp_count("B1152", o) == 194
    assert bram36_count("B1152", o) == 139.5


def test_dpuz2_fits_xc7z020_dsp_and_bram():
    # XC7Z020 has 220 DSP and 140 BRAM36 (DS190/DS187); DPUZ2 used 212 / 123.
    o = DpuOptions(ram_usage="low", depthwise_conv=True)
    assert dsp_count("B1152", o) <= 220
    assert bram36_count("B1152", o) <= 140


# ---------------------------------------------------------------- PG338 tables


@pytest.mark.parametrize("arch", list(PG12_TABLE9))
def test_pg12_table9_dsp_and_bram_columns(arch):
    (hi_bram, hi_dsp), (lo_bram, lo_dsp) = PG12_TABLE9[arch]
    hi = DpuOptions(ram_usage="low", dsp_usage="high")
    lo = DpuOptions(ram_usage="low", dsp_usage="low")
    assert (bram36_count(arch, hi), dsp_count(arch, hi)) == (hi_bram, hi_dsp)
    assert (bram36_count(arch, lo), dsp_count(arch, lo)) == (lo_bram, lo_dsp)


@pytest.mark.parametrize("arch", list(PG34_DWCV_ADDON))
def test_pg34_depthwise_addon_equals_formula_delta(arch):
    extra_bram, extra_dsp = PG34_DWCV_ADDON[arch]
    base = DpuOptions(ram_usage="low", dsp_usage="high")
    dw = DpuOptions(ram_usage="low", dsp_usage="high", depthwise_conv=True)
    assert bram36_count(arch, dw) - bram36_count(arch, base) == extra_bram
    assert dsp_count(arch, dw) - dsp_count(arch, base) == extra_dsp


def test_pg34_vs_pg4x_dwcv_bram_disagreement_is_recorded_and_formula_matches_pg34():
    # PG12/PG34/PG4x, transcribed by hand: PG34 / PG4x RAM-usage low, high with DWCV
    pg34 = {
        "B512": (73.5, 89.5), "B800": (91.5, 109.5), "B1024": (105.5, 137.5),
        "B1152": (123, 145), "B1600": (127.5, 163.5), "B2304": (167, 211),
        "B3136": (210, 262), "B4096": (257, 317.5),
    }
    pg4x = {
        "B512": (72, 88), "B800": (90, 108), "B1024": (104, 136), "B1152": (121, 143),
        "B1600": (126, 162), "B2304": (165, 209), "B3136": (208, 260), "B4096": (255, 315),
    }
    assert dict(DWCV_BRAM36_PG34) == pg34
    assert dict(DWCV_BRAM36_PG4X) == pg4x
    for arch in pg34:
        low = bram36_count(arch, DpuOptions(ram_usage="low", depthwise_conv=True))
        high = bram36_count(arch, DpuOptions(ram_usage="high", depthwise_conv=True))
        assert (low, high) == pg34[arch]
        assert low != pg4x[arch][0] and high != pg4x[arch][1]
        # PG4x is lower in every cell, by 1.5 to 2.5 blocks
        assert 1.5 <= low - pg4x[arch][0] <= 2.5
        assert 1.5 <= high - pg4x[arch][1] <= 2.5


# ---------------------------------------------------------------- cores and softmax


@pytest.mark.parametrize("arch", list(DPU_MD_S8))
def test_two_cores_double_everything(arch):
    for ram, dsp, dw in itertools.product(("low", "high"), ("low", "high"), (False, True)):
        one = DpuOptions(ram_usage=ram, dsp_usage=dsp, depthwise_conv=dw, cores=1)
        two = DpuOptions(ram_usage=ram, dsp_usage=dsp, depthwise_conv=dw, cores=2)
        assert dsp_count(arch, two) == 2 * dsp_count(arch, one)
        assert bram36_count(arch, two) == 2 * bram36_count(arch, one)


def test_two_cores_b4096_hand_value():
    # 2 x 642 = 1284 DSP, 2 x 249.5 = 499 BRAM36 (GTCL34 row B4096, doubled by hand)
    o = DpuOptions(cores=2)
    assert dsp_count("B4096", o) == 1284
    assert bram36_count("B4096", o) == 499.0


@pytest.mark.parametrize("arch", list(DPU_MD_S8))
def test_softmax_adds_14_dsp_and_4_bram_once(arch):
    for cores in (1, 2, 3, 4):
        plain = DpuOptions(cores=cores)
        sfm = DpuOptions(cores=cores, softmax=True)
        assert dsp_count(arch, sfm) - dsp_count(arch, plain) == 14
        assert bram36_count(arch, sfm) - bram36_count(arch, plain) == 4


def test_softmax_hand_value_b4096_two_cores():
    # 2 x 642 + 14 = 1298 DSP; 2 x 249.5 + 4 = 503 BRAM36
    o = DpuOptions(cores=2, softmax=True)
    assert dsp_count("B4096", o) == 1298
    assert bram36_count("B4096", o) == 503.0


# ---------------------------------------------------------------- options validation


def test_default_options_are_component_xml_defaults():
    o = DpuOptions()
    assert (o.ram_usage, o.dsp_usage, o.depthwise_conv, o.softmax, o.cores) == (
        "low", "high", False, False, 1)
    assert o.arch_img_bkgrp == 2 and o.conv_dsp_accu_ena == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ram_usage": "medium"},
        {"dsp_usage": "LOW"},
        {"cores": 0},
        {"cores": 5},
        {"cores": True},
        {"cores": 2.0},
        {"depthwise_conv": 1},
        {"softmax": "yes"},
    ],
)
def test_bad_options_rejected(kwargs):
    with pytest.raises(ValueError):
        DpuOptions(**kwargs)


def test_options_frozen():
    with pytest.raises(Exception):
        DpuOptions().cores = 2  # type: ignore[misc]


def test_dwcv_parallel_and_component_counts():
    # DWCV_PARALLEL = PP/2 for PP 4/8 (GTCL34): B512 -> 2, B4096 -> 4
    assert dpu_arch.dwcv_parallel("B512") == 2
    assert dpu_arch.dwcv_parallel("B4096") == 4
    # B1152: CONV = 4*12*12/4 + 4*12 = 144 + 48 = 192; DWCV = 2*12/4 + 2*12/2 = 6 + 12 = 18
    assert dpu_arch.conv_dsp_count("B1152", "high") == 192
    assert dpu_arch.conv_dsp_count("B1152", "low") == 144
    assert dpu_arch.dwcv_dsp_count("B1152") == 18
    assert dpu_arch.dwcv_dsp_count("B1152", False) == 0
