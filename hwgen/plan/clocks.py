"""The clock plan: Zynq-7000 FCLK divisors, the MMCM clocking wizard and the DPU clocks.

Pure functions, no I/O. Source tags:

- PZ2     PYNQZ2-PRESET and UG585 (ch. 25 clocks: FCLK = PLL / (DIVISOR0 x DIVISOR1), divisor
          fields, PLL values, "150 MHz on Pynq-Z2")
- ZYBO    ZYBO-PRESET (PLL values, "No PS PLL gives exactly 150")
- UG585   Zynq-7000 TRM clock-control registers (SRCSEL encoding; DIVISOR0 bits 13:8 and
          DIVISOR1 bits 25:20, 6 bit each; UG585 register pages FPGA0_CLK_CTRL, DCI_CLK_CTRL)
- DPU6    PG338 port table and TRD20 trd_bd.tcl (dpu_2x_clk = 2 x m_axi_dpu_aclk, one clk_wiz
          for both, TRD20 output order clk_dsp then clk_dpu)
- DEV     DS187 Table 19 (PS-PL AXI ports: 250 MHz)
- DS187   AMD DS187 Zynq-7000 DC and AC switching characteristics, MMCM table. The MMCM
          figures below are the ones given in this project's brief; DS187 itself was not
          re-read for this module, so each is marked UNCERTAIN until someone checks it.
- UG953   Vivado 7-series libraries guide, MMCME2_ADV attribute ranges (same caveat).

Policy (the product's design note): the DPU AXI clock (m_axi_dpu_aclk) runs at the fabric
clock, 150 MHz by default, and dpu_2x_clk at twice that (or a deliberately lowered value
such as 250 MHz); both come from ONE clocking wizard (MMCM) fed by FCLK_CLK0. If a PS PLL
divides exactly to the fabric clock, FCLK_CLK0 runs at it; otherwise FCLK_CLK0 runs at an
exactly reachable 100 MHz and the wizard still makes the exact fabric clocks.
"""

from __future__ import annotations

import bisect
import heapq
import math
from hwgen.frozen import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Iterator, Mapping, Optional, Sequence

__all__ = [
    "ClockError",
    "FCLK_SOURCES",
    "FCLK_DIVISOR_MIN",
    "FCLK_DIVISOR_MAX",
    "DEFAULT_TOLERANCE_PPM",
    "DEFAULT_EXACT_PPM",
    "TYPED_PRECISION_MHZ",
    "typed_precision_ppm",
    "DEFAULT_FABRIC_MHZ",
    "DEFAULT_FALLBACK_FCLK_MHZ",
    "max_axi_port_mhz",
    "MmcmLimits",
    "MMCM_LIMITS",
    "FclkChoice",
    "fclk_candidates",
    "solve_fclk",
    "MmcmConfig",
    "mmcm_config",
    "ClockPlan",
    "plan_clocks",
]


class ClockError(ValueError):
    """No clock configuration meets the request. ``candidates`` holds the nearest FCLK
    choice per PS PLL (best first) where that is known; ``wizard`` the nearest MMCM
    solution where one was searched."""

    def __init__(self, message: str, candidates: Sequence["FclkChoice"] = (),
                 wizard: Optional["MmcmConfig"] = None) -> None:
        super().__init__(message)
        self.candidates = tuple(candidates)
        self.wizard = wizard


# ------------------------------------------------------------------ constants

# PCW_FCLKn_PERIPHERAL_CLKSRC values (PZ2; UG585 SRCSEL 0x = IO PLL, 10 = ARM PLL,
# 11 = DDR PLL). The order is the tie-break preference: the IO PLL first because it does
# not move with the DDR speed (PZ2: the DDR PLL is tied to PCW_UIPARAM_DDR_FREQ_MHZ); the
# ARM PLL last because board files have changed it for the same board (ZYBO: Digilent's
# Zybo Z7-20 preset went from 1300 to 1333.333 MHz), so an FCLK derived from it is the
# least portable.
FCLK_SOURCES: tuple[str, ...] = ("IO PLL", "DDR PLL", "ARM PLL")

# DIVISOR0 and DIVISOR1 are 6-bit fields, so 1..63 each (UG585 DCI_CLK_CTRL, quoted in
# PZ2; that FPGAn_CLK_CTRL share the layout is UNCERTAIN there). 0 is excluded: a divide
# by zero is not a clock.
FCLK_DIVISOR_MIN = 1
FCLK_DIVISOR_MAX = 63

# A request may be off by this much and still be "met". 100 ppm covers a frequency written
# to two decimals (142.86 for 1000/7 is 20 ppm off; at >= 100 MHz two decimals are <= 50
# ppm off) while rejecting a different frequency (148.148 for 150 is -12346 ppm).
DEFAULT_TOLERANCE_PPM = 100.0
# "Exact": equal up to floating-point noise (1e-6 ppm = 1e-12 relative); the PLL values
# are decimal inputs such as 1050.0, and 1050/7 is exactly 150.0 in binary floating point.
DEFAULT_EXACT_PPM = 1e-6
# A frequency a person types carries 3 decimals (142.857 for 1000/7 = 142.857142...): a
# clock that rounds to the request at that precision is the clock asked for. Half a unit of
# the third decimal is how far such a clock may sit from the typed value.
TYPED_PRECISION_MHZ = 0.0005


def typed_precision_ppm(*mhz: float) -> float:
    """TYPED_PRECISION_MHZ in ppm of the highest of the requests (the tightest of them)."""
    return TYPED_PRECISION_MHZ / max(mhz) * 1e6


# Fabric clock default and the exactly reachable FCLK used when no PLL divides to the
# fabric clock: both from the product's design note (100 MHz is what every board export
# uses for FCLK0, PZ2/ZYBO: IO PLL 1000 / 10).
DEFAULT_FABRIC_MHZ = 150.0
DEFAULT_FALLBACK_FCLK_MHZ = 100.0

# All PS-PL AXI interfaces (GP, HP, ACP) run up to 250 MHz at every speed grade (DEV,
# quoting AMD DS187 v1.21 Table 19). m_axi_dpu_aclk also clocks the HP ports the DPU
# masters use (DPUZ2 and TRD20 wiring), so it is bound by this.
max_axi_port_mhz = 250.0


@dataclass(frozen=True)
class MmcmLimits:
    """MMCME2_ADV ranges for one speed grade (DS187 switching characteristics, UG953)."""

    clkin_min: float
    clkin_max: float
    pfd_min: float
    pfd_max: float
    vco_min: float
    vco_max: float
    fout_max: float
    divclk_min: int = 1
    divclk_max: int = 106
    mult_min: float = 2.0
    mult_max: float = 64.0
    out0_min: float = 1.0
    out0_max: float = 128.0
    out_min: int = 1
    out_max: int = 128
    step: float = 0.125  # CLKFBOUT_MULT_F and CLKOUT0_DIVIDE_F resolution (1/8)
    out0_fractional_min: float = 2.0


MMCM_LIMITS: Mapping[int, MmcmLimits] = MappingProxyType({
    # -1 speed grade; both target boards are xc7z020clg400-1 (PZ2, ZYBO).
    # CLKIN 10-800 MHz, F_PFD 10-450 MHz, F_VCO 600-1200 MHz: DS187 per the brief, UNCERTAIN
    #   (not re-read here).
    # F_OUTMAX 800 MHz: DS187 MMCM_FOUTMAX for -1 from memory, UNCERTAIN; it only bites for
    #   requests far above any DPU clock.
    # CLKFBOUT_MULT_F 2.000-64.000 step 0.125, DIVCLK_DIVIDE 1-106, CLKOUT0_DIVIDE_F
    #   1.000-128.000 step 0.125, CLKOUT1..6_DIVIDE 1-128: UG953 per the brief, UNCERTAIN.
    # out0_fractional_min 2.0: a fractional CLKOUT0 divide is only used from 2.000 up. This
    #   is deliberately conservative (UltraScale UG572 states "2.000 to 128.000 in increments
    #   of 0.125" for fractional divides; whether 7-series allows 1.125-1.875 is UNCERTAIN),
    #   and it costs nothing for DPU clocks.
    -1: MmcmLimits(clkin_min=10.0, clkin_max=800.0, pfd_min=10.0, pfd_max=450.0,
                   vco_min=600.0, vco_max=1200.0, fout_max=800.0),
})


# ------------------------------------------------------------------ helpers


def _fmt(x: float) -> str:
    s = f"{x:.3f}".rstrip("0").rstrip(".")
    return s if s else "0"


def _ppm(achieved: float, request: float) -> float:
    return (achieved - request) / request * 1e6


def _check_mhz(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number of MHz, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number of MHz, got {value!r}")
    return float(value)


_SOURCE_ALIASES = {"IO": "IO PLL", "ARM": "ARM PLL", "DDR": "DDR PLL", "CPU": "ARM PLL"}


def _normalize_plls(plls: Mapping[str, float]) -> dict[str, float]:
    """Accept "IO PLL" / "IO" / "io pll" etc.; return canonical names -> MHz."""
    if not isinstance(plls, Mapping) or not plls:
        raise ValueError("plls must be a non-empty mapping of PS PLL name -> MHz")
    out: dict[str, float] = {}
    for key, mhz in plls.items():
        k = str(key).upper().replace("_", " ").strip()
        if k.endswith("PLL"):
            k = k[:-3].strip()
        # Zynq-7000 names have aliases ("IO" = "IO PLL"); other families' CLKSRC values
        # (IOPLL, RPLL, DPLL on Zynq UltraScale+) are taken as given.
        name = _SOURCE_ALIASES.get(k, str(key).strip())
        if not name:
            raise ValueError(f"empty PS PLL name in plls (Zynq-7000: {', '.join(FCLK_SOURCES)})")
        if name in out:
            raise ValueError(f"PS PLL {name} given twice in plls")
        out[name] = _check_mhz(f"plls[{key!r}]", mhz)
    return out


def canonical_pll_name(name: str) -> str:
    """The name the plan gives a PLL: "IOPLL" (ZynqMP SRCSEL) and "io pll" are both "IO PLL"."""
    return next(iter(_normalize_plls({name: 1.0})))


def _divisor_table() -> tuple[list[int], dict[int, tuple[int, int]]]:
    # Every product DIVISOR0 x DIVISOR1 reachable with 1..63 each, with ONE divisor pair
    # per product: the smallest DIVISOR1 that works, i.e. DIVISOR1 = 1 whenever the product
    # fits in DIVISOR0 alone. This matches the Pynq-Z2 board preset (IO PLL 10 / 1 for
    # 100 MHz, PZ2 PRESET) and Digilent's FCLK1/FCLK2 (10 / 1, 5 / 1, ZYBO EXP). Vivado
    # itself has also written 5 / 2 for the same 100 MHz (PZ2 BASE22, ZYBO EXP FCLK0), so
    # Vivado's own pair choice is UNCERTAIN; the frequency is identical either way.
    pairs: dict[int, tuple[int, int]] = {}
    for d1 in range(FCLK_DIVISOR_MIN, FCLK_DIVISOR_MAX + 1):
        for d0 in range(FCLK_DIVISOR_MIN, FCLK_DIVISOR_MAX + 1):
            pairs.setdefault(d0 * d1, (d0, d1))
    return sorted(pairs), pairs


_PRODUCTS, _PAIRS = _divisor_table()


# ------------------------------------------------------------------ FCLK


@dataclass(frozen=True)
class FclkChoice:
    """One FCLK setting: PCW_FCLKn_PERIPHERAL_CLKSRC = source, DIVISOR0, DIVISOR1."""

    source: str
    divisor0: int
    divisor1: int
    pll_mhz: float
    achieved_mhz: float
    error_ppm: float  # signed, (achieved - requested) / requested

    @property
    def divisor(self) -> int:
        return self.divisor0 * self.divisor1

    def describe(self) -> str:
        return (f"{self.source} {_fmt(self.pll_mhz)}/({self.divisor0}x{self.divisor1}) = "
                f"{_fmt(self.achieved_mhz)} MHz ({self.error_ppm:+.0f} ppm)")


def _best_for_source(source: str, pll: float, request: float) -> FclkChoice:
    ideal = pll / request
    i = bisect.bisect_left(_PRODUCTS, ideal)
    best: Optional[tuple[float, float, int]] = None
    for j in (i - 1, i):
        if 0 <= j < len(_PRODUCTS):
            n = _PRODUCTS[j]
            achieved = pll / n
            # nearest in absolute frequency; on an exact tie the larger divisor (the lower,
            # timing-safer frequency) wins
            key = (abs(achieved - request), -n)
            if best is None or key < best[:2]:
                best = (key[0], key[1], n)
    assert best is not None
    n = best[2]
    d0, d1 = _PAIRS[n]
    achieved = pll / n
    return FclkChoice(source, d0, d1, pll, achieved, _ppm(achieved, request))


def _preference(source: str, order: Sequence[str]) -> int:
    # The Zynq-7000 order when the names are Zynq-7000's, else the order the caller gave
    # (the family data lists its PLLs in preference order).
    return FCLK_SOURCES.index(source) if source in FCLK_SOURCES else len(FCLK_SOURCES) + order.index(source)


def fclk_candidates(plls: Mapping[str, float], request_mhz: float) -> list[FclkChoice]:
    """The nearest FCLK per PS PLL for ``request_mhz``, best first.

    FCLK = PLL / (DIVISOR0 x DIVISOR1), each divisor 1..63 (PZ2, UG585). Sorted by
    |error|, ties broken IO PLL, DDR PLL, ARM PLL (see FCLK_SOURCES).
    """
    request = _check_mhz("request_mhz", request_mhz)
    table = _normalize_plls(plls)
    order = list(table)
    # |error| quantised to 1e-6 ppm so floating-point noise cannot beat the source preference.
    return sorted((_best_for_source(s, f, request) for s, f in table.items()),
                  key=lambda c: (round(abs(c.error_ppm), 6), _preference(c.source, order)))


def _nearest_text(cands: Sequence[FclkChoice]) -> str:
    return "; ".join(c.describe() for c in cands)


def solve_fclk(plls: Mapping[str, float], request_mhz: float,
               tolerance_ppm: float = DEFAULT_TOLERANCE_PPM) -> FclkChoice:
    """The best FCLK for ``request_mhz``; ClockError (naming the nearest value per PLL) if
    none is within ``tolerance_ppm``."""
    if not (isinstance(tolerance_ppm, (int, float)) and tolerance_ppm >= 0):
        raise ValueError(f"tolerance_ppm must be >= 0, got {tolerance_ppm!r}")
    cands = fclk_candidates(plls, request_mhz)
    best = cands[0]
    if abs(best.error_ppm) <= tolerance_ppm:
        return best
    raise ClockError(
        f"no PS PLL makes {_fmt(request_mhz)} MHz within {tolerance_ppm:.3g} ppm; nearest "
        f"achievable: {_nearest_text(cands)}",
        candidates=cands,
    )


# ------------------------------------------------------------------ MMCM


@dataclass(frozen=True)
class MmcmConfig:
    """An MMCME2_ADV setting. ``out_divides[i]`` produces ``requested[i]``; output 0 is
    CLKOUT0 (the only fractional divider), output i is CLKOUTi."""

    fin_mhz: float
    divclk: int  # DIVCLK_DIVIDE
    mult_f: float  # CLKFBOUT_MULT_F
    out_divides: tuple[float, ...]  # CLKOUT0_DIVIDE_F, CLKOUT1_DIVIDE, ...
    vco_mhz: float
    pfd_mhz: float
    requested: tuple[float, ...]
    achieved: tuple[float, ...]
    error_ppm: tuple[float, ...]
    speed_grade: int = -1

    @property
    def max_error_ppm(self) -> float:
        return max(abs(e) for e in self.error_ppm)

    def describe(self) -> str:
        outs = ", ".join(
            f"{_fmt(a)} MHz (/{d:g}, {e:+.0f} ppm)"
            for a, d, e in zip(self.achieved, self.out_divides, self.error_ppm)
        )
        return (f"{_fmt(self.fin_mhz)} MHz /{self.divclk} x{self.mult_f:g} = VCO "
                f"{_fmt(self.vco_mhz)} MHz -> {outs}")


def _limits(speed_grade: int) -> MmcmLimits:
    if speed_grade not in MMCM_LIMITS:
        raise ValueError(
            f"no MMCM figures recorded for speed grade {speed_grade!r}; only "
            f"{', '.join(str(k) for k in MMCM_LIMITS)} (the target boards are -1 parts)"
        )
    return MMCM_LIMITS[speed_grade]


def _best_divide(vco: float, f: float, lim: MmcmLimits, fractional: bool) -> Optional[float]:
    """The legal output divide nearest to making ``f`` from ``vco`` (None if none legal).

    Candidates: the divides either side of the ideal vco/f (in 1/8 steps for CLKOUT0,
    integers otherwise), both range ends (so an out-of-range ideal clamps), and the smallest
    divide that keeps the output at or below F_OUTMAX.
    """
    lo, hi = (lim.out0_min, lim.out0_max) if fractional else (float(lim.out_min), float(lim.out_max))
    step = lim.step if fractional else 1.0
    fout_max, fractional_min = lim.fout_max, lim.out0_fractional_min
    ideal = vco / f
    cands = {
        math.floor(ideal / step) * step,
        math.ceil(ideal / step) * step,
        float(math.floor(ideal)),
        float(math.ceil(ideal)),
        lo,
        hi,
        math.ceil(vco / fout_max / step) * step,
    }
    # The nearest output, then an integer divide, then the smaller: d itself ends the key, so
    # no two legal candidates tie and the set's order does not matter. (A loop, not min() over
    # a list with a key function: a search tries this for thousands of VCOs.)
    best, best_key = None, None
    for d in cands:
        if lo <= d <= hi and (d == int(d) or d >= fractional_min) and vco / d <= fout_max:
            key = (abs(vco / d - f), d != int(d), d)
            if best_key is None or key < best_key:
                best, best_key = d, key
    return best


def _vco_candidates(fin: float, lim: MmcmLimits) -> Iterator[tuple[tuple, int, float, float, float]]:
    """Every legal (D, M) with its VCO, lazily, in the search's tie-break order.

    The order is the ranking of ``mmcm_config`` without its first criterion (the error):
    highest VCO, then smallest D, then an integer M. Walking it in this order, the first
    exact solution is the best one, so the search can stop there; the walk is a merge of
    one descending-M run per D, so stopping early also skips building the rest.
    """
    m_lo = round(lim.mult_min / lim.step)
    m_hi = round(lim.mult_max / lim.step)

    def run(d: int, pfd: float):
        for m8 in range(m_hi, m_lo - 1, -1):
            m = m8 * lim.step
            vco = pfd * m
            if vco > lim.vco_max:
                continue
            if vco < lim.vco_min:
                break
            yield (-round(vco, 6), d, m != int(m)), d, m, vco, pfd

    return heapq.merge(*(run(d, pfd) for d, pfd in _legal_pfds(fin, lim)), key=lambda c: c[0])


def _legal_pfds(fin: float, lim: MmcmLimits) -> Iterator[tuple[int, float]]:
    """Every input divide D, smallest first, with its PFD frequency inside the limits."""
    for d in range(lim.divclk_min, lim.divclk_max + 1):
        pfd = fin / d
        if pfd < lim.pfd_min:
            break
        if pfd > lim.pfd_max:
            continue
        yield d, pfd


def mmcm_config(fin_mhz: float, outs_mhz: Sequence[float], speed_grade: int = -1) -> MmcmConfig:
    """Search DIVCLK_DIVIDE, CLKFBOUT_MULT_F and the output divides for ``outs_mhz``.

    F_PFD = fin / D, F_VCO = F_PFD x M, F_OUTi = F_VCO / Oi, within MMCM_LIMITS. Ranking:
    smallest worst-case output error (exact beats everything), then the highest VCO
    (lower jitter), then the smallest D (higher PFD), then an integer M, then an integer
    CLKOUT0 divide. Returns the nearest solution even when it is not exact; raises
    ClockError only when no legal VCO exists (fin outside CLKIN range or no D/M fits).
    """
    lim = _limits(speed_grade)
    fin = _check_mhz("fin_mhz", fin_mhz)
    outs = tuple(_check_mhz(f"outs_mhz[{i}]", f) for i, f in enumerate(outs_mhz))
    if not 1 <= len(outs) <= 7:
        raise ValueError(f"an MMCM has 1..7 outputs (CLKOUT0..6), got {len(outs)}")
    if not lim.clkin_min <= fin <= lim.clkin_max:
        raise ClockError(
            f"MMCM input {_fmt(fin)} MHz is outside CLKIN {_fmt(lim.clkin_min)}-"
            f"{_fmt(lim.clkin_max)} MHz (speed grade {speed_grade})"
        )
    return _search_mmcm(fin, outs, speed_grade)


@lru_cache(maxsize=256)
def _search_mmcm(fin: float, outs: tuple[float, ...], speed_grade: int) -> MmcmConfig:
    # Pure and deterministic, so cached: a build plans the same clocks for the budget and
    # for the Tcl, and a sweep over boards x DPUs x strategies meets few distinct clocks.
    lim = _limits(speed_grade)
    best_key: Optional[tuple] = None
    best: Optional[MmcmConfig] = None
    narrowed_for = None
    walk = _vco_candidates(fin, lim)
    while True:
        candidate = next(walk, None)
        if candidate is None:
            break
        if best_key is not None and narrowed_for != best_key[0]:
            # A new (inexact) best: the rest of the walk (thousands of candidates when
            # nothing is exact) is narrowed to those whose CLKOUT0 could still come closer
            # (_near_candidates), in the same order; the walk would skip every other one.
            rest = _near_candidates(fin, lim, outs[0], best_key[0], candidate[0])
            if rest is not None:
                narrowed_for = best_key[0]
                walk = iter(rest)
                continue
        order, d, m, vco, pfd = candidate
        divides = []
        for i, f in enumerate(outs):
            o = _best_divide(vco, f, lim, fractional=(i == 0))
            if o is None:
                break
            # The candidates come in the order of the key after its first element, so a later
            # one ranks higher only with a smaller rounded worst error: one output already as
            # far off as the best's worst settles it (rounding keeps the order of errors).
            if best_key is not None and round(abs(_ppm(vco / o, f)), 3) >= best_key[0]:
                break
            divides.append(o)
        else:
            achieved = tuple(vco / o for o in divides)
            errors = tuple(_ppm(a, f) for a, f in zip(achieved, outs))
            worst = max(abs(e) for e in errors)
            key = (round(worst, 3), *order, divides[0] != int(divides[0]))
            if best_key is None or key < best_key:
                best_key = key
                best = MmcmConfig(fin, d, m, tuple(divides), vco, pfd, outs, achieved,
                                  errors, speed_grade)
                if key[0] == 0:
                    break  # exact, and nothing after it in this order can rank higher
    if best is None:
        raise ClockError(
            f"no legal MMCM VCO ({_fmt(lim.vco_min)}-{_fmt(lim.vco_max)} MHz, PFD "
            f"{_fmt(lim.pfd_min)}-{_fmt(lim.pfd_max)} MHz) from {_fmt(fin)} MHz"
        )
    return best


def _near_candidates(fin: float, lim: MmcmLimits, f0: float, worst: float, after: tuple):
    """The candidates from ``after`` on in the walk's order whose CLKOUT0 might come within
    ``worst`` ppm of ``f0`` (a superset), as ``_vco_candidates`` makes them; None when the
    limits put CLKOUT0's divides off the 1/8 grid (the bound below needs it) or when so far
    off a best would keep most of the walk.

    Any CLKOUT0 divide d is on the grid of step s. With ideal = VCO/f0 and delta the distance
    from ideal to the nearest grid point (at most s/2), CLKOUT0 misses f0 by
    |VCO/d - f0| / f0 = |ideal - d| / d, which is at least delta / (ideal + delta): below
    ideal, |ideal - d| >= delta and d < ideal; above it, 1 - ideal/d grows with d, and
    d >= ideal + delta. So a VCO whose delta exceeds worst * (ideal + s/2) / 1e6 misses f0
    by more than ``worst`` ppm, and the walk would skip it at CLKOUT0. This keeps every
    (D, M) whose ideal lies within that distance of a grid point (1e-3 ppm over, far above
    the rounding noise): per D, the one or two M around each grid point.
    """
    step = lim.step
    if any(abs(x / step - round(x / step)) > 1e-12 for x in (lim.out0_min, lim.out0_max)):
        return None
    ideal_hi = lim.vco_max / f0
    reach = (worst + 1e-3) * (ideal_hi + step / 2) / 1e6
    if reach > step / 16:
        return None     # would keep most of the walk: walking it is cheaper
    m_lo = round(lim.mult_min / step)
    m_hi = round(lim.mult_max / step)
    g_lo = math.floor((lim.vco_min / f0 - reach) / step)
    g_hi = math.ceil((ideal_hi + reach) / step)
    out = []
    for d, pfd in _legal_pfds(fin, lim):
        per_m8 = pfd * step / f0        # ideal = m8 * per_m8
        seen = set()
        for g in range(g_lo, g_hi + 1):
            lo = math.floor((g * step - reach) / per_m8)
            hi = math.ceil((g * step + reach) / per_m8)
            for m8 in range(max(lo, m_lo), min(hi, m_hi) + 1):
                if m8 in seen:
                    continue
                seen.add(m8)
                m = m8 * step
                vco = pfd * m
                if not lim.vco_min <= vco <= lim.vco_max:
                    continue
                order = (-round(vco, 6), d, m != int(m))
                if order >= after:
                    out.append((order, d, m, vco, pfd))
    out.sort(key=lambda c: c[0])
    return out


# ------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class ClockPlan:
    """FCLK_CLK0 -> one clocking wizard -> (dpu_2x_clk, m_axi_dpu_aclk).

    ``wizard.requested`` is (dsp, dpu) in that order: clk_out1 = the 2x DSP clock, clk_out2
    = the DPU clock, as TRD20 builds ``dpu_clk_wiz`` (DPU6). ``dpu_mhz`` and ``dsp_mhz`` are
    the frequencies the wizard achieves.
    """

    fclk0: FclkChoice
    dpu_mhz: float
    dsp_mhz: float
    fclk_is_dpu_clock: bool
    wizard: MmcmConfig
    notes: tuple[str, ...]


def plan_clocks(
    plls: Mapping[str, float],
    fabric_mhz: float = DEFAULT_FABRIC_MHZ,
    dsp_mhz: Optional[float] = None,
    *,
    exact_ppm: float = DEFAULT_EXACT_PPM,
    tolerance_ppm: float = DEFAULT_TOLERANCE_PPM,
    fallback_fclk_mhz: float = DEFAULT_FALLBACK_FCLK_MHZ,
    speed_grade: int = -1,
    axi_max_mhz: float = max_axi_port_mhz,
    pin: str = "FCLK_CLK0",
) -> ClockPlan:
    """Plan FCLK_CLK0 and the DPU clocking wizard (policy in the module docstring).

    ``pin`` is how the notes name the PS's fabric clock (the family's: pl_clk0 on ZynqMP).

    ``dsp_mhz`` defaults to 2 x ``fabric_mhz`` (DPU6). The wizard outputs must land within
    ``tolerance_ppm`` of the request; FCLK_CLK0 counts as the fabric clock only within
    ``exact_ppm``. Raises ClockError naming the nearest FCLK per PLL and the wizard's
    nearest outputs when nothing works.
    """
    fabric = _check_mhz("fabric_mhz", fabric_mhz)
    dsp = 2.0 * fabric if dsp_mhz is None else _check_mhz("dsp_mhz", dsp_mhz)
    fallback = _check_mhz("fallback_fclk_mhz", fallback_fclk_mhz)
    for name, v in (("exact_ppm", exact_ppm), ("tolerance_ppm", tolerance_ppm)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
            raise ValueError(f"{name} must be a number >= 0, got {v!r}")
    _limits(speed_grade)

    cands = fclk_candidates(plls, fabric)
    exact = cands[0] if abs(cands[0].error_ppm) <= exact_ppm else None

    # Inputs to try for the wizard, in order of preference.
    attempts: list[tuple[FclkChoice, bool]] = []
    if exact is not None:
        attempts.append((exact, True))
    fallback_choice: Optional[FclkChoice] = None
    try:
        fallback_choice = solve_fclk(plls, fallback, tolerance_ppm)
    except ClockError:
        pass
    if fallback_choice is not None and (exact is None or fallback_choice != exact):
        attempts.append((fallback_choice, False))
    if not attempts:
        raise ClockError(
            f"no PS PLL makes the fabric clock {_fmt(fabric)} MHz exactly, nor the fallback "
            f"FCLK {_fmt(fallback)} MHz within {tolerance_ppm:.3g} ppm; nearest for "
            f"{_fmt(fabric)} MHz: {_nearest_text(cands)}",
            candidates=cands,
        )

    nearest_wizard: Optional[MmcmConfig] = None
    for fclk, is_dpu in attempts:
        try:
            wiz = mmcm_config(fclk.achieved_mhz, [dsp, fabric], speed_grade)
        except ClockError:
            continue
        if nearest_wizard is None or wiz.max_error_ppm < nearest_wizard.max_error_ppm:
            nearest_wizard = wiz
        if wiz.max_error_ppm <= tolerance_ppm:
            notes = _notes(cands, fclk, is_dpu, exact, wiz, fabric, dsp, fallback, axi_max_mhz, pin)
            return ClockPlan(fclk0=fclk, dpu_mhz=wiz.achieved[1], dsp_mhz=wiz.achieved[0],
                             fclk_is_dpu_clock=is_dpu, wizard=wiz, notes=notes)

    wizard_text = (
        f"; the clocking wizard's nearest is {nearest_wizard.describe()}"
        if nearest_wizard is not None else "; no legal clocking-wizard VCO from those inputs"
    )
    raise ClockError(
        f"cannot make m_axi_dpu_aclk {_fmt(fabric)} MHz and dpu_2x_clk {_fmt(dsp)} MHz within "
        f"{tolerance_ppm:.3g} ppm: nearest FCLK per PS PLL for {_fmt(fabric)} MHz: "
        f"{_nearest_text(cands)}{wizard_text}",
        candidates=cands,
        wizard=nearest_wizard,
    )


def _notes(cands: Sequence[FclkChoice], fclk: FclkChoice, is_dpu: bool,
           exact: Optional[FclkChoice], wiz: MmcmConfig, fabric: float, dsp: float,
           fallback: float, axi_max_mhz: float = max_axi_port_mhz,
           pin: str = "FCLK_CLK0") -> tuple[str, ...]:
    notes: list[str] = []
    if is_dpu:
        how = ("exactly" if fclk.error_ppm == 0
               else f"({fclk.error_ppm:+.3g} ppm from {_fmt(fabric)} MHz, within exact_ppm)")
        notes.append(
            f"{pin} = {_fmt(fclk.achieved_mhz)} MHz {how}: {fclk.source} "
            f"{_fmt(fclk.pll_mhz)} MHz / ({fclk.divisor0} x {fclk.divisor1}); it is also "
            f"the fabric clock"
        )
    else:
        if exact is None:
            notes.append(
                f"no PS PLL makes {_fmt(fabric)} MHz exactly (nearest: {_nearest_text(cands)})"
            )
        else:
            notes.append(
                f"{exact.describe()} would make the fabric clock, but the clocking wizard "
                f"cannot make {_fmt(dsp)}/{_fmt(fabric)} MHz from it"
            )
        notes.append(
            f"{pin} = {_fmt(fclk.achieved_mhz)} MHz from {fclk.source} "
            f"{_fmt(fclk.pll_mhz)} MHz / ({fclk.divisor0} x {fclk.divisor1}) and the "
            f"clocking wizard makes {_fmt(wiz.achieved[0])}/{_fmt(wiz.achieved[1])} MHz"
            + (" exactly" if wiz.max_error_ppm == 0 else f" (worst {wiz.max_error_ppm:.3g} ppm)")
        )
        if abs(fclk.error_ppm) > 0:
            notes.append(
                f"{pin} is {fclk.error_ppm:+.3g} ppm from the {_fmt(fallback)} MHz "
                f"fallback; the wizard was planned from the achieved {_fmt(fclk.achieved_mhz)} MHz"
            )
    if fclk.source == "DDR PLL":
        notes.append(
            f"{pin} comes from the DDR PLL, whose frequency follows the DDR clock: "
            f"changing the DDR speed moves {pin} too (UG585 ch. 25); whether Vivado "
            "2023.2 reports the exact ACT frequency with this source is UNCERTAIN"
        )
    if fclk.source == "ARM PLL":
        notes.append(
            f"{pin} comes from the ARM PLL, whose value board files have changed for the "
            "same board (ZYBO-PRESET: Digilent's Zybo Z7-20 preset 1300 -> 1333.333 MHz); "
            "check it against the board preset in use"
        )
    if abs(dsp - 2.0 * fabric) > 1e-9 * fabric:
        notes.append(
            f"dpu_2x_clk {_fmt(dsp)} MHz is not 2 x m_axi_dpu_aclk {_fmt(fabric)} MHz; the "
            f"PG338 port table and the TRD20 README specify exactly twice"
        )
    if fabric > axi_max_mhz:
        notes.append(
            f"m_axi_dpu_aclk {_fmt(fabric)} MHz also clocks the HP ports, which run up to "
            f"{_fmt(axi_max_mhz)} MHz on this PS family (its families/*.yaml axi_max_mhz)"
        )
    notes.append(
        f"clocking wizard: {wiz.describe()} (clk_out1 = dpu_2x_clk, clk_out2 = "
        f"m_axi_dpu_aclk, as TRD20)"
    )
    return tuple(notes)
