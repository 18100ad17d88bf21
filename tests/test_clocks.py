"""Hand-checked tests for hwgen.plan.clocks.

Board PLL values: Pynq-Z2 IO 1000 / ARM 1300 / DDR 1050 MHz (PYNQZ2-PRESET);
Zybo Z7-20 IO 1000 / ARM 1333.333 / DDR 1066.667 MHz (EXP/DPRE).
Every expected frequency below is worked out by hand in the comment beside it.
"""

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hwgen.plan import clocks
from hwgen.plan.clocks import (
    DEFAULT_TOLERANCE_PPM,
    FCLK_SOURCES,
    MMCM_LIMITS,
    ClockError,
    ClockPlan,
    FclkChoice,
    fclk_candidates,
    max_axi_port_mhz,
    mmcm_config,
    plan_clocks,
    solve_fclk,
)

PYNQ_Z2 = {"IO PLL": 1000.0, "ARM PLL": 1300.0, "DDR PLL": 1050.0}
ZYBO_Z7_20 = {"IO PLL": 1000.0, "ARM PLL": 1333.333, "DDR PLL": 1066.667}
ZYBO_Z7_20_OLD = {"IO PLL": 1000.0, "ARM PLL": 1300.0, "DDR PLL": 1066.667}  # DPRE-OLD

LIM = MMCM_LIMITS[-1]


def assert_legal_mmcm(w, fin):
    """Re-derive an MMCM solution by arithmetic and check every range (-1 grade)."""
    assert w.fin_mhz == fin
    assert isinstance(w.divclk, int) and 1 <= w.divclk <= 106
    assert 2.0 <= w.mult_f <= 64.0 and (w.mult_f * 8) == int(w.mult_f * 8)
    pfd = fin / w.divclk
    vco = pfd * w.mult_f
    assert 10.0 <= pfd <= 450.0
    assert 600.0 <= vco <= 1200.0
    assert w.pfd_mhz == pytest.approx(pfd) and w.vco_mhz == pytest.approx(vco)
    for i, (o, a) in enumerate(zip(w.out_divides, w.achieved)):
        if i == 0:
            assert 1.0 <= o <= 128.0 and (o * 8) == int(o * 8)
            assert o == int(o) or o >= 2.0
        else:
            assert o == int(o) and 1 <= o <= 128
        assert a == pytest.approx(vco / o)
        assert a <= 800.0


# ---------------------------------------------------------------- FCLK: Pynq-Z2


def test_pynq_150_is_ddr_pll_7x1_exact():
    best = fclk_candidates(PYNQ_Z2, 150.0)[0]
    # 1050 / 7 = 150 exactly; divisor product 7 is prime -> 7 x 1 (DIVISOR1 = 1 rule)
    assert best == FclkChoice("DDR PLL", 7, 1, 1050.0, 150.0, 0.0)


def test_pynq_150_candidates_per_source():
    c = {x.source: x for x in fclk_candidates(PYNQ_Z2, 150.0)}
    # ARM: 1300/9 = 144.444 (-37037 ppm); 1300/8 = 162.5 is farther
    assert (c["ARM PLL"].divisor, round(c["ARM PLL"].achieved_mhz, 3)) == (9, 144.444)
    assert c["ARM PLL"].error_ppm == pytest.approx(-37037.037, abs=0.01)
    # IO: 1000/7 = 142.857 (-47619 ppm); 1000/6 = 166.667 is farther
    assert (c["IO PLL"].divisor, round(c["IO PLL"].achieved_mhz, 3)) == (7, 142.857)
    assert c["IO PLL"].error_ppm == pytest.approx(-47619.048, abs=0.01)
    assert [x.source for x in fclk_candidates(PYNQ_Z2, 150.0)] == ["DDR PLL", "ARM PLL", "IO PLL"]


def test_pynq_100_is_io_pll_10x1_and_wins_the_tie_with_arm():
    cands = fclk_candidates(PYNQ_Z2, 100.0)
    # IO 1000/10 = 100 and ARM 1300/13 = 100 are both exact: the IO PLL wins the tie
    assert cands[0] == FclkChoice("IO PLL", 10, 1, 1000.0, 100.0, 0.0)
    assert cands[1] == FclkChoice("ARM PLL", 13, 1, 1300.0, 100.0, 0.0)
    # DDR: 1050/11 = 95.4545 (-45455 ppm) beats 1050/10 = 105 (+50000 ppm)
    assert cands[2].source == "DDR PLL" and cands[2].divisor == 11
    assert cands[2].error_ppm == pytest.approx(-45454.545, abs=0.01)
    assert solve_fclk(PYNQ_Z2, 100.0) == cands[0]


def test_divisor_pair_rule_divisor1_as_small_as_possible():
    # 100 MHz from 1000: product 10 -> 10 x 1 (the Pynq-Z2 preset's pair), not 5 x 2
    c = solve_fclk({"IO PLL": 1000.0}, 100.0)
    assert (c.divisor0, c.divisor1) == (10, 1)
    # 0.5 MHz from 1000: product 2000 > 63, so DIVISOR1 must grow; the smallest DIVISOR1
    # dividing 2000 with 2000/DIVISOR1 <= 63 is 40 (32..39 do not divide 2000) -> 50 x 40
    c = solve_fclk({"IO PLL": 1000.0}, 0.5)
    assert (c.divisor0, c.divisor1, c.achieved_mhz) == (50, 40, 0.5)


def test_divisors_always_within_six_bits():
    for req in (0.2, 0.26, 1.0, 3.3, 10.0, 33.333, 50.0, 125.0, 200.0, 400.0, 2000.0):
        for c in fclk_candidates(PYNQ_Z2, req):
            assert 1 <= c.divisor0 <= 63 and 1 <= c.divisor1 <= 63
            assert c.achieved_mhz == pytest.approx(c.pll_mhz / (c.divisor0 * c.divisor1))


def test_pynq_142_857_within_tolerance():
    c = solve_fclk(PYNQ_Z2, 142.857)
    # 1000/7 = 142.857142..., +1.0 ppm from 142.857
    assert (c.source, c.divisor0, c.divisor1) == ("IO PLL", 7, 1)
    assert c.error_ppm == pytest.approx(1.0, abs=0.01)
    assert abs(c.error_ppm) <= DEFAULT_TOLERANCE_PPM
    # BSP24 writes 142.86: (142.857143 - 142.86) / 142.86 = -20 ppm, still met
    assert solve_fclk(PYNQ_Z2, 142.86).error_ppm == pytest.approx(-20.0, abs=0.1)
    with pytest.raises(ClockError):
        solve_fclk(PYNQ_Z2, 142.857, tolerance_ppm=0.5)


# ---------------------------------------------------------------- FCLK: Zybo Z7-20


def test_zybo_150_not_exact_candidates_as_the_reference_computes():
    cands = fclk_candidates(ZYBO_Z7_20, 150.0)
    got = [(c.source, c.divisor0, c.divisor1, round(c.achieved_mhz, 3)) for c in cands]
    # ARM 1333.333/9 = 148.148 (-1.2 %), DDR 1066.667/7 = 152.381 (+1.6 %), IO 1000/7 = 142.857
    assert got == [
        ("ARM PLL", 9, 1, 148.148),
        ("DDR PLL", 7, 1, 152.381),
        ("IO PLL", 7, 1, 142.857),
    ]
    assert cands[0].error_ppm == pytest.approx(-12346, abs=1)
    assert cands[1].error_ppm == pytest.approx(15873, abs=1)


def test_zybo_150_solve_raises_naming_nearest_per_source():
    with pytest.raises(ClockError) as exc:
        solve_fclk(ZYBO_Z7_20, 150.0, tolerance_ppm=1000)
    msg = str(exc.value)
    for text in ("148.148", "152.381", "142.857", "ARM PLL", "DDR PLL", "IO PLL"):
        assert text in msg
    assert len(exc.value.candidates) == 3


def test_zybo_old_arm_pll_150():
    # DPRE-OLD ARM PLL 1300: 1300/9 = 144.444 -> DDR 152.381 becomes the nearest
    cands = fclk_candidates(ZYBO_Z7_20_OLD, 150.0)
    assert cands[0].source == "DDR PLL" and round(cands[0].achieved_mhz, 3) == 152.381


# ---------------------------------------------------------------- FCLK: inputs


@pytest.mark.parametrize("key", ["IO PLL", "IO", "io pll", "IO_PLL", "iopll"])
def test_pll_name_aliases(key):
    assert fclk_candidates({key: 1000.0}, 100.0)[0].source == "IO PLL"


def test_tie_preference_order_is_io_ddr_arm():
    assert FCLK_SOURCES == ("IO PLL", "DDR PLL", "ARM PLL")
    same = {"ARM PLL": 1000.0, "DDR PLL": 1000.0, "IO PLL": 1000.0}
    assert [c.source for c in fclk_candidates(same, 125.0)] == ["IO PLL", "DDR PLL", "ARM PLL"]
    no_io = {"ARM PLL": 1000.0, "DDR PLL": 1000.0}
    assert [c.source for c in fclk_candidates(no_io, 125.0)] == ["DDR PLL", "ARM PLL"]


@pytest.mark.parametrize(
    "plls, req",
    [
        ({}, 100.0),
        ({"": 1000.0}, 100.0),
        ({"IO PLL": -1000.0}, 100.0),
        ({"IO PLL": 1000.0, "io": 1000.0}, 100.0),
        ({"IO PLL": 1000.0}, 0.0),
        ({"IO PLL": 1000.0}, float("nan")),
        ({"IO PLL": 1000.0}, True),
    ],
)
def test_fclk_rejects_bad_input(plls, req):
    with pytest.raises(ValueError):
        fclk_candidates(plls, req)


# ---------------------------------------------------------------- MMCM


def test_mmcm_100_to_300_150_by_arithmetic():
    w = mmcm_config(100.0, [300.0, 150.0])
    # D = 1, M = 12: VCO = 100 x 12 = 1200 (the top of 600-1200, the preferred end);
    # 1200 / 4 = 300, 1200 / 8 = 150
    assert (w.divclk, w.mult_f, w.out_divides, w.vco_mhz) == (1, 12.0, (4.0, 8.0), 1200.0)
    assert w.achieved == (300.0, 150.0)
    assert w.error_ppm == (0.0, 0.0)
    assert_legal_mmcm(w, 100.0)


def test_mmcm_150_to_300_150_by_arithmetic():
    w = mmcm_config(150.0, [300.0, 150.0])
    # D = 1, M = 8: VCO = 150 x 8 = 1200; 1200 / 4 = 300, 1200 / 8 = 150
    assert (w.divclk, w.mult_f, w.out_divides, w.vco_mhz) == (1, 8.0, (4.0, 8.0), 1200.0)
    assert w.achieved == (300.0, 150.0)
    assert_legal_mmcm(w, 150.0)


def test_mmcm_100_to_250_150_needs_vco_750():
    w = mmcm_config(100.0, [250.0, 150.0])
    # CLKOUT1 is integer, so VCO is a multiple of 150; CLKOUT0 in 1/8 steps makes VCO a
    # multiple of 250/8 = 31.25; LCM(150, 31.25) = 750 is the only one in 600-1200:
    # M = 7.5, 750 / 3 = 250, 750 / 5 = 150
    assert (w.divclk, w.mult_f, w.out_divides, w.vco_mhz) == (1, 7.5, (3.0, 5.0), 750.0)
    assert w.achieved == (250.0, 150.0)
    assert_legal_mmcm(w, 100.0)


def test_mmcm_prefers_higher_vco():
    # 150 from 100: VCO 600 (/4), 900 (/6) and 1200 (/8) are all exact; 1200 is chosen
    w = mmcm_config(100.0, [150.0])
    assert (w.vco_mhz, w.out_divides) == (1200.0, (8.0,))


def test_mmcm_uses_fractional_clkout0_when_it_helps():
    # 320 from 100: VCO 1200 / 3.75 = 320 (integer divides give 300 or 400)
    w = mmcm_config(100.0, [320.0])
    assert (w.vco_mhz, w.out_divides, w.achieved) == (1200.0, (3.75,), (320.0,))
    assert_legal_mmcm(w, 100.0)


def test_mmcm_solutions_always_legal():
    fins = (33.333, 50.0, 100.0, 142.857142857, 150.0, 200.0)
    outs = ((300.0, 150.0), (200.0, 100.0), (250.0, 150.0), (333.333, 166.667), (5.0,),
            (650.0, 325.0, 100.0))
    for fin, o in itertools.product(fins, outs):
        assert_legal_mmcm(mmcm_config(fin, list(o)), fin)


def test_mmcm_nearest_when_not_exact_and_clamped_for_extremes():
    w = mmcm_config(100.0, [10000.0])
    assert w.achieved == (800.0,)  # F_OUTMAX for -1 (UNCERTAIN figure) caps the output
    w = mmcm_config(100.0, [0.001])
    # slowest output: VCO 600 / 128 = 4.6875
    assert w.achieved == (600.0 / 128,)


@pytest.mark.parametrize("fin", [5.0, 9.99, 800.01, 5000.0])
def test_mmcm_rejects_input_outside_clkin(fin):
    with pytest.raises(ClockError):
        mmcm_config(fin, [150.0])


def test_mmcm_argument_checks():
    with pytest.raises(ValueError):
        mmcm_config(100.0, [])
    with pytest.raises(ValueError):
        mmcm_config(100.0, [100.0] * 8)
    with pytest.raises(ValueError):
        mmcm_config(100.0, [-150.0])
    with pytest.raises(ValueError):
        mmcm_config(100.0, [150.0], speed_grade=-2)  # only -1 figures are recorded


def test_mmcm_limits_as_documented():
    assert (LIM.clkin_min, LIM.clkin_max) == (10.0, 800.0)
    assert (LIM.pfd_min, LIM.pfd_max) == (10.0, 450.0)
    assert (LIM.vco_min, LIM.vco_max) == (600.0, 1200.0)
    assert (LIM.mult_min, LIM.mult_max, LIM.step) == (2.0, 64.0, 0.125)
    assert (LIM.divclk_min, LIM.divclk_max) == (1, 106)
    assert (LIM.out0_min, LIM.out0_max, LIM.out_min, LIM.out_max) == (1.0, 128.0, 1, 128)


# ---------------------------------------------------------------- plans


def test_plan_pynq_150_fclk_is_the_dpu_clock():
    p = plan_clocks(PYNQ_Z2, 150.0)
    assert isinstance(p, ClockPlan)
    assert p.fclk0 == FclkChoice("DDR PLL", 7, 1, 1050.0, 150.0, 0.0)
    assert p.fclk_is_dpu_clock is True
    assert (p.dpu_mhz, p.dsp_mhz) == (150.0, 300.0)
    # wizard fed by FCLK_CLK0 150: D 1, M 8, VCO 1200, /4 = 300 (clk_out1), /8 = 150 (clk_out2)
    w = p.wizard
    assert (w.fin_mhz, w.divclk, w.mult_f, w.out_divides) == (150.0, 1, 8.0, (4.0, 8.0))
    assert w.requested == (300.0, 150.0)
    assert any("DDR PLL" in n and "DDR" in n for n in p.notes)


def test_plan_zybo_150_uses_io_pll_100_and_the_wizard():
    p = plan_clocks(ZYBO_Z7_20, 150.0)
    assert p.fclk0 == FclkChoice("IO PLL", 10, 1, 1000.0, 100.0, 0.0)
    assert p.fclk_is_dpu_clock is False
    assert (p.dpu_mhz, p.dsp_mhz) == (150.0, 300.0)
    w = p.wizard
    # 100 x 12 = 1200; /4 = 300; /8 = 150
    assert (w.fin_mhz, w.divclk, w.mult_f, w.out_divides, w.vco_mhz) == (100.0, 1, 12.0, (4.0, 8.0), 1200.0)
    assert w.error_ppm == (0.0, 0.0)
    text = " ".join(p.notes)
    assert "no PS PLL makes 150 MHz exactly" in text
    assert "148.148" in text and "152.381" in text and "142.857" in text
    assert "FCLK_CLK0 = 100 MHz" in text


def test_plan_default_fabric_is_150_and_dsp_twice():
    p = plan_clocks(PYNQ_Z2)
    assert (p.dpu_mhz, p.dsp_mhz) == (150.0, 300.0)


@pytest.mark.parametrize("board", [PYNQ_Z2, ZYBO_Z7_20])
def test_plan_250_mhz_dsp_fallback(board):
    p = plan_clocks(board, 150.0, 250.0)
    assert (p.dpu_mhz, p.dsp_mhz) == (150.0, 250.0)
    # VCO 750 on both: 150 x 5 (Pynq, FCLK 150) or 100 x 7.5 (Zybo, FCLK 100); /3, /5
    assert p.wizard.vco_mhz == 750.0 and p.wizard.out_divides == (3.0, 5.0)
    assert p.wizard.max_error_ppm == 0.0
    assert any("not 2 x m_axi_dpu_aclk" in n for n in p.notes)


@pytest.mark.parametrize("board", [PYNQ_Z2, ZYBO_Z7_20])
def test_plan_100_fabric_gives_200_dsp(board):
    p = plan_clocks(board, 100.0)
    # IO PLL 1000 / 10 = 100 exactly on both boards -> FCLK is the DPU clock
    assert p.fclk0.source == "IO PLL" and (p.fclk0.divisor0, p.fclk0.divisor1) == (10, 1)
    assert p.fclk_is_dpu_clock is True
    assert (p.dpu_mhz, p.dsp_mhz) == (100.0, 200.0)
    # 100 x 12 = 1200; /6 = 200; /12 = 100
    assert (p.wizard.mult_f, p.wizard.out_divides) == (12.0, (6.0, 12.0))
    assert not any("not 2 x" in n for n in p.notes)


def test_plan_exact_ppm_controls_whether_fclk_counts_as_the_dpu_clock():
    # 142.857 from IO 1000/7 is +1 ppm: not "exact" by default ...
    p = plan_clocks(PYNQ_Z2, 142.857)
    assert p.fclk_is_dpu_clock is False and p.fclk0.achieved_mhz == 100.0
    # ... the wizard then makes it from 100: VCO 1000, /3.5 and /7 (each +1 ppm)
    assert (p.wizard.vco_mhz, p.wizard.out_divides) == (1000.0, (3.5, 7.0))
    assert p.wizard.max_error_ppm == pytest.approx(1.0, abs=0.01)
    # ... and with exact_ppm = 2 the FCLK itself is accepted
    p = plan_clocks(PYNQ_Z2, 142.857, exact_ppm=2.0)
    assert p.fclk_is_dpu_clock is True and p.fclk0.divisor == 7


def test_plan_notes_hp_port_limit_above_250():
    assert max_axi_port_mhz == 250
    # 1300 / 5 = 260 exactly from the ARM PLL; 260 > 250
    p = plan_clocks(PYNQ_Z2, 260.0)
    assert p.fclk0.source == "ARM PLL" and p.fclk_is_dpu_clock
    assert any("250 MHz" in n and "HP" in n for n in p.notes)
    assert any("ARM PLL" in n and "board files" in n for n in p.notes)
    assert not any("HP" in n for n in plan_clocks(PYNQ_Z2, 250.0).notes)


@pytest.mark.parametrize("board", [PYNQ_Z2, ZYBO_Z7_20])
@pytest.mark.parametrize("fabric", [5000.0, 0.001, 700.0])
def test_plan_impossible_requests_raise_naming_nearest_values(board, fabric):
    with pytest.raises(ClockError) as exc:
        plan_clocks(board, fabric)
    msg = str(exc.value)
    for src in ("IO PLL", "ARM PLL", "DDR PLL"):
        assert src in msg
    assert "nearest" in msg
    assert len(exc.value.candidates) == 3
    assert exc.value.wizard is not None
    assert exc.value.wizard.max_error_ppm > DEFAULT_TOLERANCE_PPM


def test_plan_raises_when_neither_fabric_nor_fallback_is_reachable():
    # A single PLL of 1000 MHz cannot make 150 exactly nor 333 within tolerance
    with pytest.raises(ClockError) as exc:
        plan_clocks({"IO PLL": 1000.0}, 150.0, fallback_fclk_mhz=333.0)
    assert "142.857" in str(exc.value)


def test_plan_fallback_fclk_is_configurable():
    p = plan_clocks(ZYBO_Z7_20, 150.0, fallback_fclk_mhz=50.0)
    # 1000 / 20 = 50; 50 x 24 = 1200; /4 = 300, /8 = 150
    assert p.fclk0.achieved_mhz == 50.0 and (p.fclk0.divisor0, p.fclk0.divisor1) == (20, 1)
    assert (p.wizard.mult_f, p.wizard.out_divides) == (24.0, (4.0, 8.0))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"fabric_mhz": 0.0},
        {"fabric_mhz": -150.0},
        {"dsp_mhz": float("inf")},
        {"exact_ppm": -1.0},
        {"tolerance_ppm": -1.0},
        {"speed_grade": -2},
    ],
)
def test_plan_argument_checks(kwargs):
    with pytest.raises(ValueError):
        plan_clocks(PYNQ_Z2, **kwargs)


def test_plan_is_frozen():
    p = plan_clocks(PYNQ_Z2)
    with pytest.raises(Exception):
        p.dpu_mhz = 1.0  # type: ignore[misc]


def test_clock_error_is_a_value_error():
    assert issubclass(ClockError, ValueError)
    assert math.isclose(max_axi_port_mhz, 250.0)


def _ranked_by_brute_force(fin, outs, grade=-1):
    """mmcm_config's ranking over every legal (D, M), with no early stop or pruning."""
    lim = clocks.MMCM_LIMITS[grade]
    best = None
    for d in range(lim.divclk_min, lim.divclk_max + 1):
        pfd = fin / d
        if not lim.pfd_min <= pfd <= lim.pfd_max:
            continue
        for m8 in range(round(lim.mult_min / lim.step), round(lim.mult_max / lim.step) + 1):
            m = m8 * lim.step
            vco = pfd * m
            if not lim.vco_min <= vco <= lim.vco_max:
                continue
            divides = [clocks._best_divide(vco, f, lim, fractional=(i == 0)) for i, f in enumerate(outs)]
            if None in divides:
                continue
            worst = max(abs(clocks._ppm(vco / o, f)) for o, f in zip(divides, outs))
            key = (round(worst, 3), -round(vco, 6), d, m != int(m), divides[0] != int(divides[0]))
            if best is None or key < best[0]:
                best = (key, d, m, tuple(divides))
    return best[1:]


@settings(max_examples=60, deadline=None)
@given(fin=st.one_of(st.sampled_from([33.333, 50.0, 99.999, 100.0, 124.99875, 125.0, 149.9985, 150.0]),
                     st.floats(min_value=20, max_value=400).map(lambda x: round(x, 5))),
       dpu=st.floats(min_value=20, max_value=400).map(lambda x: round(x, 3)),
       dsp=st.one_of(st.none(), st.floats(min_value=40, max_value=700).map(lambda x: round(x, 3))))
def test_mmcm_search_is_the_ranking_over_every_vco(fin, dpu, dsp):
    """The search walks the candidates in ranking order and skips what cannot win (once a best
    is inexact, every (D, M) whose CLKOUT0 cannot come closer: clocks._near_candidates); it
    must find what ranking every legal (D, M) finds, for requests it meets exactly (a DSP
    clock of twice the DPU clock, often) and the many it only approaches (any two clocks, an
    input a few ppm off a round figure as a PS PLL makes it)."""
    outs = (dsp if dsp is not None else 2 * dpu, dpu)
    cfg = clocks.mmcm_config(fin, outs)
    assert (cfg.divclk, cfg.mult_f, cfg.out_divides) == _ranked_by_brute_force(fin, outs)
