"""The DPU clocks against the part's data-sheet limits (parts/clock_limits.yaml).

The expected figures are typed here from public sources, not read back from hwgen:
- DS925 v1.30 "DSP48 Slice Switching Characteristics" (FMAX with all registers used) and
  DS925 v1.29 "Clock Buffers Switching Characteristics" (BUFG FMAX), read on docs.amd.com;
  MMCM VCO 800-1600 MHz from the sibling DS923 v1.20 "MMCM Specification" (DS925's own MMCM
  table was not found: UNCERTAIN).
- DS187 at -1: VCO 600-1200 MHz as LiteX's S7MMCM (enjoy-digital/litex
  litex/soc/cores/clock/xilinx_s7.py @ 14e196ab) and a XC7Z010CLG400-1 clock-wizard driver
  (guillegil/fpga-utilities Zynq/clock_wizard/deviceschip.h @ dc074117) transcribe it; BUFG
  FMAX 464 MHz as the Artix-class sibling DS189 v1.10 Table 32 gives it. DSP48E1 FMAX
  464.25 MHz is from memory: no public copy of DS187's table was found, so DS187 stays
  UNCERTAIN (checked: false) and every message it feeds says so.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hwgen.cli import main
from hwgen.model.design import load_design
from hwgen.plan.clock_limits import clock_checks, limits_for, max_fabric_mhz


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# (part, DSP48 FMAX, BUFG FMAX, VCO min, VCO max, VCCINT)
DATASHEET = [
    ("xc7z020clg400-1", 464.25, 464.0, 600, 1200, 1.0),     # DS187, both shipped boards
    ("xc7z010clg400-1", 464.25, 464.0, 600, 1200, 1.0),
    ("xczu3eg-sbva484-1-e", 645, 667, 800, 1600, 0.85),     # DS925 -1 at 0.85 V
    ("xczu9eg-ffvb1156-2-e", 775, 775, 800, 1600, 0.85),    # ZCU102, DS925 -2
    ("xck26-sfvc784-2LV-c", 644, 725, 800, 1600, 0.72),     # K26 SOM, DS925 -2 at 0.72 V
]


@pytest.mark.parametrize("part, dsp, bufg, vco_min, vco_max, volts", DATASHEET)
def test_limits_are_the_data_sheets(part, dsp, bufg, vco_min, vco_max, volts):
    lim = limits_for(part)
    assert (lim.dsp_fmax, lim.bufg_fmax, lim.vco_min, lim.vco_max, lim.vccint) == (dsp, bufg, vco_min, vco_max, volts)
    assert lim.sheet == ("DS187" if part.startswith("xc7z0") and part[5] in "12" else "DS925")


def test_unverified_sheets_say_so_in_every_message():
    # DS187/DS191 tables were not found in any public copy: their limits carry UNCERTAIN;
    # DS925's binding figures (DSP48, BUFG) were read from its pages, so its rows do not.
    for part in ("xc7z020clg400-1", "xc7z045ffg900-2"):
        assert "UNCERTAIN" in limits_for(part).source
    for part in ("xczu3eg-sbva484-1-e", "xck26-sfvc784-2LV-c"):
        assert "UNCERTAIN" not in limits_for(part).source
    design = load_design()
    bad = clock_checks(design, 240.0, 480.0, None)
    assert bad and all("UNCERTAIN" in c.message for c in bad)


def test_each_zynq7_group_reads_its_own_sheet():
    # Z-7030..Z-7100 are Kintex-class fabric (DS191), faster than the Artix-class Z-7020
    assert limits_for("xc7z030sbg485-1").sheet == "DS191"
    assert limits_for("xc7z045ffg900-2").sheet == "DS191"
    assert limits_for("xc7z030sbg485-1").dsp_fmax > limits_for("xc7z020clg400-1").dsp_fmax
    assert limits_for("xc7z007sclg225-1").sheet == "DS187"
    assert limits_for("xcvu9p-flga2104-2-e") is None          # no row: not checked, not guessed


def test_the_2x_clock_bounds_the_fabric_clock():
    # dpu_2x_clk <= min(DSP48 464.25, BUFG 464) on a -1 7Z020: the DPU clock at most 232 MHz
    assert max_fabric_mhz("xc7z020clg400-1") == 232.0


def test_check_240_mhz_on_a_minus_1_7z020_stops():
    r = run("check", "--set", "dpu.clock_mhz=240")
    assert r.exit_code == 1, r.output
    # the verdict leads; the check's message wraps at 100 columns, so read it as one sentence
    assert r.output.startswith("FAIL: pynq_z2_dpu on xc7z020clg400-1")
    flat = " ".join(r.output.split())
    line = flat[flat.index("clock.part_limit:"):]
    assert "dpu_2x_clk 480 MHz is above what xc7z020clg400-1 can run: 464 MHz" in line
    assert "DS187" in line and "dpu.clock_mhz" in line and "try --set dpu.clock_mhz=" in line
    doc = json.loads(run("check", "--set", "dpu.clock_mhz=240", "--format", "json").output)
    assert doc["verdict"] == "fail" and any(m.startswith("clock.part_limit") for m in doc["messages"])


def test_build_refuses_an_impossible_clock(tmp_path):
    r = run("build", "--set", "dpu.clock_mhz=240", "-o", str(tmp_path / "out"))
    assert r.exit_code == 1
    assert not (tmp_path / "out" / "vivado").exists()


def test_close_to_the_limit_is_a_warning_with_advice():
    # 210 MHz: dpu_2x_clk 420 MHz is 90.5 % of 464 MHz, above the 90 % warning line
    r = run("check", "--set", "dpu.clock_mhz=210")
    assert r.exit_code == 0, r.output
    flat = " ".join(r.output.split())
    line = flat[flat.index("warning: clock.part_limit"):]
    assert "dpu_2x_clk 420 MHz is 91% of the 464 MHz" in line and "timing closure will be hard" in line
    assert "build.post_route_phys_opt=true" in line
    assert "clock.part_limit" not in run("check").output          # 150/300 MHz: 65 %, quiet


def test_the_vco_outside_the_mmcm_range_is_an_error():
    design = load_design()
    assert not clock_checks(design, 150.0, 300.0, 1200.0)
    bad = clock_checks(design, 150.0, 300.0, 1300.0)
    assert len(bad) == 1 and bad[0].severity == "error" and "600-1200 MHz" in bad[0].message


def test_explore_best_never_recommends_an_impossible_clock():
    r = run("explore", "--clocks", "150,240", "--best")
    assert r.exit_code == 0, r.output
    assert "dpu.clock_mhz=150" in r.output
    nothing = run("explore", "--clocks", "240,250", "--best")
    assert nothing.exit_code == 1
    table = run("explore", "--clocks", "240")
    rows = [l for l in table.output.splitlines() if l.strip()[:1].isdigit()]
    assert rows and not any(" fits " in l for l in rows)
