"""Clock limits of the part: DSP48 FMAX, BUFG FMAX and the MMCM ranges per speed grade.

The figures live in parts/clock_limits.yaml, one row per data sheet (DS187 for the Z-7007S
to Z-7020, DS191 for the Z-7030 to Z-7100, DS925 for Zynq UltraScale+ at the part's
voltage) and speed grade. ``clock_checks`` holds the DPU's clocks against them:
dpu_2x_clk drives the DSP48 slices, so it is bound by the DSP48 FMAX; both DPU clocks
leave one MMCM on global buffers, so both are bound by BUFG FMAX and MMCM_FOUTMAX, and the
wizard's VCO must sit in the MMCM's range. Above a limit is an error (the verdict fails);
within NEAR of it a warning that timing closure will be hard, with what to try.
"""

from __future__ import annotations

import re
from hwgen.frozen import dataclass
from functools import lru_cache

from hwgen import resources
from hwgen.model import loader
from hwgen.model.schema import Bool, Choice, Ctx, Field, MapOf, Num, Rec, Seq, Str, doc_locator, validate
from hwgen.model.verdict import CheckResult, setting_origin

__all__ = ["ClockLimits", "limits_for", "clock_checks", "max_fabric_mhz", "NEAR", "LIMITS_FILE"]

LIMITS_FILE = "parts/clock_limits.yaml"
# "Close to the limit": above this share of it, closing timing on a DPU is hard (a full
# DSP array at the DSP48's FMAX leaves no slack for routing between the slices).
NEAR = 0.9


@dataclass(frozen=True)
class Sheet:
    title: str
    devices: tuple[str, ...]
    tables: str
    checked: bool


@dataclass(frozen=True)
class Row:
    sheet: str
    grade: str
    vccint: float
    dsp_fmax: float
    bufg_fmax: float
    vco_min: float
    vco_max: float
    fout_max: float


@dataclass(frozen=True)
class ClockLimits(Row):
    """The limits of one part at its speed grade (a data-sheet row), with where they come from."""

    part: str
    source: str

    @property
    def dsp_clock_max(self) -> float:
        """dpu_2x_clk: a DSP48 clock on a BUFG out of the MMCM."""
        return min(self.dsp_fmax, self.bufg_fmax, self.fout_max)

    @property
    def clock_max(self) -> float:
        """m_axi_dpu_aclk: a BUFG clock out of the MMCM."""
        return min(self.bufg_fmax, self.fout_max)


_TEXT = Str(r"[^\\{}\[\]$\"`]*", max_len=400, what="text")
_SHEET = Rec(Sheet, title=Field(_TEXT), devices=Field(Seq(Str(r"x[a-z0-9]+", max_len=20, what="a device"), 1, 50)),
             tables=Field(_TEXT), checked=Field(Bool()))
_MHZ = Num(1, 10_000)


@lru_cache(maxsize=None)
def _data() -> dict:
    path = resources.data_dir("parts") / "clock_limits.yaml"
    doc, _ = loader.load_file(path, LIMITS_FILE)
    sheets = MapOf(Str(r"DS[0-9]+", max_len=10, what="a data-sheet key"), _SHEET)
    row = Rec(Row, sheet=Field(Choice(("DS187", "DS191", "DS925"))),
              grade=Field(Str(r"-[1-3](LV)?", max_len=4, what="a speed grade")),
              vccint=Field(Num(0.5, 1.5)), dsp_fmax=Field(_MHZ), bufg_fmax=Field(_MHZ),
              vco_min=Field(_MHZ), vco_max=Field(_MHZ), fout_max=Field(_MHZ))
    schema = Rec(dict, sheets=Field(sheets), limits=Field(Seq(row, 1, 100)))
    data = validate(schema, doc.data, Ctx(doc_locator(doc)))
    return {"sheets": dict(data["sheets"]), "limits": tuple(data["limits"])}


# The speed grade is the part name's last field: xc7z020clg400-1, xczu3eg-sbva484-1-e,
# xck26-sfvc784-2LV-c (the temperature letter after it is ignored).
_GRADE = re.compile(r"-([1-3])(lv|l|li|lq|q)?(?:-[a-z])?$", re.IGNORECASE)


# Pure in the part name (the data sheets' file is read once and never changes): the budget
# checks every design's clocks against its part, a sweep's designs name a few parts.
@lru_cache(maxsize=32)
def limits_for(part: str) -> ClockLimits | None:
    """The part's limits, or None for a device or grade no data-sheet row covers."""
    m = _GRADE.search(part)
    if m is None:
        return None
    grade = f"-{m.group(1)}" + ("LV" if (m.group(2) or "").upper() == "LV" else "")
    data = _data()
    name = part.lower()
    for key, sheet in data["sheets"].items():
        if not any(name.startswith(d) for d in sheet.devices):
            continue
        for row in data["limits"]:
            if row.sheet == key and row.grade == grade:
                note = "" if sheet.checked else ", figures to be compared with the PDF (UNCERTAIN)"
                source = f"{key} {sheet.tables}, speed grade {grade} at {row.vccint:g} V{note}"
                return ClockLimits(**vars(row), part=part, source=source)
    return None


def max_fabric_mhz(part: str, dsp_ratio: float = 2.0) -> float | None:
    """The highest m_axi_dpu_aclk whose dsp_ratio x clock stays within the part's limits."""
    lim = limits_for(part)
    if lim is None:
        return None
    return min(lim.clock_max, lim.dsp_clock_max / dsp_ratio)


def _fmt(mhz: float) -> str:
    return f"{mhz:.2f}".rstrip("0").rstrip(".")


def clock_checks(design, dpu_mhz: float, dsp_mhz: float, vco_mhz: float | None) -> list[CheckResult]:
    """The DPU clocks as planned against the part's limits: errors above, warnings near."""
    lim = limits_for(design.board.part)
    if lim is None:
        return []
    s = design.settings.dpu
    pins = design.dpu.pins
    dsp_key = "dpu.dsp_clock_mhz" if s.dsp_clock_mhz is not None else "dpu.clock_mhz"
    # The clock a part can run at, with ~15 % slack for timing closure (1 - NEAR, and more).
    safe = min(lim.clock_max, lim.dsp_clock_max / 2) * 0.85
    advice = (f"try --set dpu.clock_mhz={int(safe)} (dpu_2x_clk {int(safe) * 2} MHz), a faster speed "
              f"grade, or build.impl_strategy=Performance_ExplorePostRoutePhysOpt with "
              f"build.post_route_phys_opt=true")
    out = []
    for pin, mhz, limit, what, key in (
            (pins.dsp_clock, dsp_mhz, lim.dsp_clock_max,
             f"the DSP48 FMAX {_fmt(lim.dsp_fmax)} MHz, BUFG FMAX {_fmt(lim.bufg_fmax)} MHz and "
             f"MMCM_FOUTMAX {_fmt(lim.fout_max)} MHz", dsp_key),
            (pins.axi_clock, dpu_mhz, lim.clock_max,
             f"BUFG FMAX {_fmt(lim.bufg_fmax)} MHz and MMCM_FOUTMAX {_fmt(lim.fout_max)} MHz", "dpu.clock_mhz")):
        where = setting_origin(design, key)
        if mhz > limit:
            out.append(CheckResult("clock.part_limit", False, (
                f"{where}: {pin} {_fmt(mhz)} MHz is above what {lim.part} can run: {_fmt(limit)} MHz, "
                f"the lowest of {what} ({lim.source}); {advice}")))
        elif mhz > NEAR * limit:
            out.append(CheckResult("clock.part_limit", False, (
                f"{where}: {pin} {_fmt(mhz)} MHz is {mhz / limit:.0%} of the {_fmt(limit)} MHz {lim.part} "
                f"can run ({what}; {lim.source}): timing closure will be hard; {advice}"), "warning"))
    if vco_mhz is not None and not lim.vco_min <= vco_mhz <= lim.vco_max:
        out.append(CheckResult("clock.part_limit", False, (
            f"{setting_origin(design, 'dpu.clock_mhz')}: the clocking wizard's VCO {_fmt(vco_mhz)} MHz is "
            f"outside the MMCM's {_fmt(lim.vco_min)}-{_fmt(lim.vco_max)} MHz ({lim.source}); ask for "
            f"another clock (hwgen explore --clocks lists what the wizard can make)")))
    return out
