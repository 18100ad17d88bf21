"""The clock plan of a Design: settings → ``clocks.plan_clocks`` → plan or a located error.

The solver (``hwgen/plan/clocks.py``) knows PLLs, divisors and MMCMs; this module knows where
its inputs come from (the board's PLLs, ``dpu.clock_mhz``, ``dpu.dsp_clock_mhz``,
``dpu.fclk_tolerance_ppm``, the part's speed grade) and turns "no solution" into the
one-line input error a user can act on.
"""

from __future__ import annotations

import re
from functools import lru_cache

from hwgen.plan import clocks as solver
from hwgen.errors import InputError, Problem
from hwgen.model.family import load_family, pll_values

_SPEED_RE = re.compile(r"-(\d)[a-z]*$")


def speed_grade(part: str) -> int:
    """xc7z020clg400-1 → -1. Grades the solver has no MMCM figures for plan as -1.

    -1 has the narrowest MMCM ranges, so a -1 solution is legal on faster grades too.
    """
    m = _SPEED_RE.search(part.lower())
    grade = -int(m.group(1)) if m else -1
    return grade if grade in solver.MMCM_LIMITS else -1


def dsp_request_mhz(dpu_settings) -> float:
    """The dpu_2x_clk frequency asked for: dpu.dsp_clock_mhz, else 2 x dpu.clock_mhz (DPU6)."""
    return _dsp_request(dpu_settings.clock_mhz, dpu_settings.dsp_clock_mhz)


def _dsp_request(clock_mhz: float, dsp_clock_mhz: float | None) -> float:
    return dsp_clock_mhz if dsp_clock_mhz is not None else 2 * clock_mhz


def design_clocks(design) -> solver.ClockPlan:
    """FCLK_CLK0 and the DPU clocking wizard for ``design``.

    ``dpu.fclk_tolerance_ppm`` is how far FCLK_CLK0 and the wizard's outputs may sit from
    the requested clocks (0 = exactly, up to the 3 decimals a person types). A request no PS PLL
    meets and the wizard cannot make is an InputError at the place ``dpu.clock_mhz`` was
    set, naming the nearest achievable values.
    """
    s = design.settings.dpu
    try:
        return _board_clocks(design.board, s.clock_mhz, s.dsp_clock_mhz, s.fclk_tolerance_ppm)
    except solver.ClockError as exc:
        plls, tolerance, grade, axi_max, _ = _request(design.board, s.clock_mhz, s.dsp_clock_mhz,
                                                      s.fclk_tolerance_ppm)
        dsp_only = s.dsp_clock_mhz is not None and _plans(plls, s.clock_mhz, None, tolerance, grade, axi_max)
        origin = "dpu.dsp_clock_mhz" if dsp_only else "dpu.clock_mhz"
        raise InputError(Problem(design.origin(origin), origin, str(exc))) from None


# Keyed on all the plan reads, the board and the three clock settings: one design asks for
# its clock plan about six times (the estimate, its alternatives, the block design, the Tcl,
# the review), and the designs of a sweep that differ elsewhere (strategies, limits, the DPU
# profile, the options an alternative changes) share the entry. typed, as _plan_of: a request
# of 100 and of 100.0 stay apart. A ClockError is not cached: design_clocks turns it into the
# design's located InputError.
@lru_cache(maxsize=64, typed=True)
def _board_clocks(board, clock_mhz: float, dsp_clock_mhz: float | None,
                  tolerance_ppm: float) -> solver.ClockPlan:
    plls, tolerance, grade, axi_max, pin = _request(board, clock_mhz, dsp_clock_mhz, tolerance_ppm)
    return _plan(plls, clock_mhz, dsp_clock_mhz, tolerance, grade, axi_max, pin)


def _request(board, clock_mhz: float, dsp_clock_mhz: float | None,
             tolerance_ppm: float) -> tuple[dict, float, int, float, str]:
    """The solver's inputs: (PLLs, tolerance in ppm, speed grade, AXI limit, FCLK pin name)."""
    # A request typed to 3 decimals (142.857) is met by the clock it rounds from (1000/7).
    tolerance = max(tolerance_ppm, solver.DEFAULT_EXACT_PPM,
                    solver.typed_precision_ppm(clock_mhz, _dsp_request(clock_mhz, dsp_clock_mhz)))
    family = load_family(board.ps.family)
    plls = dict(pll_values(family, board.ps))
    return plls, tolerance, speed_grade(board.part), family.ps.axi_max_mhz, family.ps.fabric_clock.pin


def _plan(plls: dict, fabric: float, dsp: float | None, tolerance: float, grade: int,
          axi_max: float = solver.max_axi_port_mhz, pin: str = "FCLK_CLK0"):
    return _plan_of(tuple(plls.items()), fabric, dsp, tolerance, grade, axi_max, pin)


# Pure in its arguments, so cached on them: the designs of a sweep that differ in what the
# clocks do not read (the DPU profile, the strategies, the limits) share one plan. The MMCM
# search inside is cached too (clocks._search_mmcm). A ClockError is not cached.
@lru_cache(maxsize=64, typed=True)   # typed: a request of 100 and of 100.0 stay apart
def _plan_of(plls: tuple, fabric: float, dsp: float | None, tolerance: float, grade: int,
             axi_max: float, pin: str):
    return solver.plan_clocks(dict(plls), fabric, dsp, exact_ppm=tolerance,
                              tolerance_ppm=tolerance, speed_grade=grade, axi_max_mhz=axi_max,
                              pin=pin)


def _plans(plls: dict, fabric: float, dsp: float | None, tolerance: float, grade: int,
           axi_max: float = solver.max_axi_port_mhz) -> bool:
    """Would this request plan? (Tells whether the DSP clock alone is the culprit.)"""
    try:
        _plan(plls, fabric, dsp, tolerance, grade, axi_max)
        return True
    except solver.ClockError:
        return False
