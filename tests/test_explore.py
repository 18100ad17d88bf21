"""hwgen explore: the sweep, its numbers (by hand), its ranking, its formats and --best."""

from __future__ import annotations

import csv
import io
import json
import shlex

import pytest

from hwgen.budget import estimate as budget
from hwgen.explore import sweep as explore
from hwgen.explore import sweep_format as explore_format
from hwgen.explore import perf
from hwgen.model.design import load_design

ARCH_OPS = {"B512": 512, "B800": 800, "B1024": 1024, "B1152": 1152, "B1600": 1600, "B2304": 2304,
            "B3136": 3136, "B4096": 4096}                 # PG4x: 2 x PP x ICP x OCP
DDR_PEAK = {"pynq_z2": 2 * 1050 / 1000, "zybo_z7_20": 4 * 1066.667 / 1000}   # GB/s


@pytest.fixture(scope="module")
def sweeps():
    return {b: explore.sweep(b) for b in ("pynq_z2", "zybo_z7_20")}


def find(rows, dpu, ram="low", dsp="high", mhz=150.0):
    (row,) = [r for r in rows if (r.config.dpu, r.config.ram_usage, r.config.dsp_usage,
                                  r.config.clock_mhz) == (dpu, ram, dsp, mhz)]
    return row


# --------------------------------------------------------------------------- the sweep
@pytest.mark.parametrize("board", ["pynq_z2", "zybo_z7_20"])
def test_every_configuration_is_there(sweeps, board):
    rows = sweeps[board]
    assert len(rows) == 8 * 2 * 2 * 5                      # arch x RAM x DSP x clocks (no DW: v4.x)
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
    assert {r.config.clock_mhz for r in rows} == {100.0, 125.0, 150.0, 175.0, 200.0}
    assert {r.arch for r in rows} == set(ARCH_OPS)


@pytest.mark.parametrize("board", ["pynq_z2", "zybo_z7_20"])
def test_b512_fits_and_b4096_does_not(sweeps, board):
    rows = sweeps[board]
    assert find(rows, "B512").fits                        # the board's default design
    assert all(not r.fits for r in rows if r.arch == "B4096")
    assert {r.status for r in rows if r.arch == "B4096"} == {"does not fit"}


@pytest.mark.parametrize("board", ["pynq_z2", "zybo_z7_20"])
def test_peak_and_bandwidth_by_hand(sweeps, board):
    for r in sweeps[board]:
        mhz = r.config.clock_mhz
        assert r.dpu_mhz == pytest.approx(mhz)           # every default clock is made exactly
        assert r.peak_gops == pytest.approx(ARCH_OPS[r.arch] * mhz / 1000)
        assert r.port_gbs == pytest.approx(2 * 8 * mhz / 1000)     # HP0 + HP2, 64 bit each
        assert r.bandwidth_gbs == pytest.approx(min(2 * 8 * mhz / 1000, DDR_PEAK[board]))
    b512 = find(sweeps[board], "B512")
    assert b512.peak_gops == pytest.approx(76.8)
    assert b512.bandwidth_gbs == pytest.approx(min(2.4, DDR_PEAK[board]))   # 2.1 on Pynq, 2.4 on Zybo


def test_the_utilization_is_the_budget_verdicts(sweeps):
    # No second cost model: each row is budget.estimate of the design its arguments build.
    rows = sweeps["pynq_z2"]
    for r in rows[:3] + rows[75:78] + rows[-3:]:
        args = shlex.split(r.build_args)
        board, dpu = args[1], args[3]
        sets = args[5::2]
        v = budget.estimate(load_design(board, dpu, sets))
        assert [(u.name, u.used, u.available, u.limit_percent) for u in r.resources] == \
               [(l.name, l.used, l.available, l.limit_percent) for l in v.resources]
        assert r.fits == v.ok


def test_the_binding_resource_is_the_highest_percent_of_its_limit(sweeps):
    for r in sweeps["zybo_z7_20"]:
        ratios = {u.name: u.percent / u.limit_percent for u in r.resources}
        assert r.binding.name == max(ratios, key=ratios.get)
        assert r.binding.of_limit == pytest.approx(100 * ratios[r.binding.name])


def test_model_numbers_are_hwgen_estimates(sweeps):
    m = perf.load_model("mobilenet_v2")
    r = find(sweeps["pynq_z2"], "B1152", dsp="low", mhz=200.0)
    e = perf.estimate(load_design("pynq_z2", "B1152", ["dpu.dsp_usage=low", "dpu.clock_mhz=200"]), m)
    assert r.perf.fps == pytest.approx(e.fps) and r.perf.binding.name == e.binding.name
    # by hand: 1152 ops x 200 MHz x 0.1803 = 41.54 GOPS, compute bound (DDR 1.659 GB/s -> 58 GOPS)
    assert r.perf.attainable_gops == pytest.approx(1152 * 0.2 * 0.1803)


# --------------------------------------------------------------------------- ranking
def test_fits_first_then_model_then_gops(sweeps):
    for rows in sweeps.values():
        fits = [r.fits for r in rows]
        assert fits == sorted(fits, reverse=True)        # every fitting row before any other
        fitting = [r for r in rows if r.fits]
        applies = [r.perf.applies for r in fitting]
        assert applies == sorted(applies, reverse=True)
        runnable = [r for r in fitting if r.perf.applies]
        gops = [round(r.perf.attainable_gops, 9) for r in runnable]
        assert gops == sorted(gops, reverse=True)
        for a, b in zip(runnable, runnable[1:]):          # ties: the most headroom first
            if round(a.perf.attainable_gops, 9) == round(b.perf.attainable_gops, 9):
                assert a.binding.of_limit <= b.binding.of_limit + 1e-9


@pytest.mark.parametrize("board", ["pynq_z2", "zybo_z7_20"])
def test_the_best_fits_and_runs_the_model(sweeps, board):
    best = explore.best(sweeps[board])
    assert best is sweeps[board][0] and best.fits and best.perf.applies
    fitting = [r for r in sweeps[board] if r.fits and r.perf.applies]
    assert best.perf.attainable_gops == max(r.perf.attainable_gops for r in fitting)
    # on a 7Z020 at these clocks: B1152 at 200 MHz with DSP usage low (144 + 52 + 2 = 198 DSP,
    # exactly the 90 % limit); DSP high needs 246, more than the part's 220 (DPU41-GTCL)
    assert (best.arch, best.config.dsp_usage, best.config.clock_mhz) == ("B1152", "low", 200.0)


def test_clocks_that_cannot_be_made_are_marked_not_dropped():
    rows = explore.sweep("pynq_z2", dpus=("B512",), clocks=(150.0, 123.457))
    assert len(rows) == 2 * 2 * 2
    bad = [r for r in rows if r.config.clock_mhz == 123.457]
    assert len(bad) == 4 and {r.status for r in bad} == {"no clock"}
    assert all("cannot make m_axi_dpu_aclk 123.457 MHz" in r.note for r in bad)
    assert rows[-4:] == bad                               # ranked last
    assert all(not r.resources and r.perf is None for r in bad)


def test_a_set_fixes_a_dimension():
    rows = explore.sweep("zybo_z7_20", dpus=("B512", "B800"), sets=("dpu.dsp_usage=low",))
    assert len(rows) == 2 * 2 * 5
    assert {r.config.dsp_usage for r in rows} == {"low"}
    assert all(r.args.count("dpu.dsp_usage=low") == 1 for r in rows)


def test_a_set_applies_to_every_configuration():
    strict = explore.sweep("pynq_z2", dpus=("B1152",), sets=("budget.bram=80",), clocks=(150.0,))
    assert all(r.args[4:6] == ("--set", "budget.bram=80") for r in strict)
    # B1152 RAM low needs 121 BRAM36 = 86% of 140: over 80% in every configuration
    assert not any(r.fits for r in strict)


def test_set_clock_and_clocks_conflict(cli):
    code, _, err = cli("explore", "--set", "dpu.clock_mhz=150", "--clocks", "100,150")
    assert code == 2 and "dpu.clock_mhz" in err and "--clocks" in err


def test_bad_clock_list_exits_2(cli):
    code, _, err = cli("explore", "--clocks", "fast")
    assert code == 2 and "MHz separated by commas" in err


# --------------------------------------------------------------------------- --best round trip
@pytest.mark.parametrize("board", ["pynq_z2", "zybo_z7_20"])
def test_best_round_trips_through_build(cli, tmp_path, sweeps, board):
    code, out, err = cli("explore", "--board", board, "--best")
    assert code == 0, err
    line = out.strip()
    assert "\n" not in line and line == sweeps[board][0].build_args
    args = shlex.split(line)
    assert args[:4] == ["--board", board, "--dpu", "B1152"]
    code, _, err = cli("build", *args, "-o", tmp_path / "out")
    assert code == 0, err
    verdict = json.loads((tmp_path / "out" / "budget.json").read_text())
    assert verdict["verdict"] == "pass"
    best = sweeps[board][0]
    assert [(r["name"], r["used"]) for r in verdict["resources"]] == \
           [(u.name, u.used) for u in best.resources]
    d = load_design(args[1], args[3], args[5::2]).settings.dpu
    assert (d.ram_usage, d.dsp_usage, d.clock_mhz) == \
           (best.config.ram_usage, best.config.dsp_usage, best.config.clock_mhz)
    code, _, _ = cli("check", *args)
    assert code == 0


def test_best_when_nothing_fits_exits_1(cli):
    code, out, err = cli("explore", "--dpu", "B4096", "--best")
    assert code == 1 and out == "" and "no configuration fits pynq_z2" in err


# --------------------------------------------------------------------------- formats
def test_csv_parses(cli):
    code, out, _ = cli("explore", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 160                       # 8 arch x 2 RAM x 2 DSP x 5 clocks
    first = rows[0]
    assert first["rank"] == "1" and first["fits"] == "true" and first["status"] == "fits"
    assert {"lut_percent", "ff_percent", "bram_percent", "dsp_percent", "peak_gops", "bandwidth_gbs",
            "fps", "bound", "args"} <= first.keys()
    for r in rows:
        assert float(r["peak_gops"]) == pytest.approx(ARCH_OPS[r["arch"]] * float(r["clock_mhz"]) / 1000,
                                                      abs=1e-3)
        assert r["binding"] in ("LUT", "FF", "BRAM", "DSP")
    assert rows[0]["args"].startswith("--board pynq_z2 --dpu B1152")


def test_json_parses(cli):
    code, out, _ = cli("explore", "--board", "zybo_z7_20", "--format", "json", "--clocks", "150")
    assert code == 0
    doc = json.loads(out)
    assert doc["board"] == "zybo_z7_20" and doc["configurations"] == 32 and doc["clocks_mhz"] == [150.0]
    assert doc["ranking"].startswith("fits first")
    assert len(doc["rows"]) == 32 and doc["fit"] == sum(r["fits"] for r in doc["rows"])
    top = doc["rows"][0]
    assert top["fits"] and top["arch"] == "B1152" and top["clock_mhz"] == 150.0
    assert top["peak_gops"] == pytest.approx(172.8)
    assert top["bandwidth_gbs"] == pytest.approx(2.4)                # ports 2.4 < DDR 4.27
    assert {u["name"] for u in top["utilization"]} == {"LUT", "FF", "BRAM", "DSP"}


def test_text_table(cli):
    code, out, _ = cli("explore", "--clocks", "150,123.457", "--dpu", "B512", "--dpu", "B1152")
    assert code == 0
    lines = out.splitlines()
    # fit at 150 MHz: all 4 B512 points; B1152 only with RAM low and DSP low (198 DSP =
    # 90%; DSP high needs 246 > 220, RAM high 143 BRAM > 140)
    assert lines[0] == "pynq_z2: 16 DPU configurations at 123.457, 150 MHz, 5 fit the budget"
    assert any(l.startswith("  no clock (123.457 MHz): --set dpu.clock_mhz=123.457: dpu.clock_mhz: "
                            "cannot make") for l in lines)
    # The answer leads: the best configuration right under the count.
    assert lines[1].startswith("Best that fits: hwgen build --board pynq_z2 --dpu B1152")
    header = next(l for l in lines if l.lstrip().startswith("#"))
    for col in ("DPU", "RAM", "DSP", "MHz", "STATUS", "BINDING", "LUT", "FF", "BRAM",
                "PEAK GOPS", "BW GB/s", "FPS", "BOUND"):
        assert col in header


def test_a_clock_typed_to_three_decimals_is_the_clock_it_rounds_from(cli):
    """--help's own example: 142.857 is IO PLL 1000/7 = 142.857142... (+1 ppm), as typed."""
    rows = explore.sweep("pynq_z2", dpus=("B512",), clocks=(142.857,))
    assert {r.status for r in rows} != {"no clock"} and any(r.fits for r in rows)
    assert all(abs(r.dpu_mhz - 1000 / 7) < 1e-9 for r in rows if r.perf is not None)
    code, out, _ = cli("explore", "--clocks", "142.857", "--dpu", "B512")
    assert code == 0 and "Best that fits: hwgen build" in out
    assert "(142.857)" not in out                  # the achieved clock reads as the request
    # One decimal further off is another clock: 142.858 is -6 ppm from 1000/7.
    assert {r.status for r in explore.sweep("pynq_z2", dpus=("B512",), clocks=(142.858,))} == {"no clock"}


def test_a_clock_typed_to_three_decimals_builds_without_a_warning(cli):
    code, out, _ = cli("check", "--set", "dpu.clock_mhz=142.857", "--verbose")
    assert code == 0, out
    assert "lint.clock_approximate" not in out       # "142.857 MHz, not 142.857 MHz" said nothing


@pytest.mark.parametrize("args, reason", [
    (("--clocks", "142.858"), "Nothing fits: no configuration gets its clock"),
    (("--clocks", "150", "--set", "linux.cma=512M"), "Nothing fits: every configuration fails the memory checks"),
])
def test_when_every_row_fails_the_same_way_the_reason_is_given(cli, args, reason):
    code, out, _ = cli("explore", "--dpu", "B512", *args)
    lines = out.splitlines()
    assert lines[1].startswith(reason), lines[:3]
    assert "see hwgen check" not in out


def test_best_leads_and_pastes_into_a_shell(cli):
    code, out, _ = cli("explore", "--dpu", "B512", "--clocks", "142.857")
    lines = out.splitlines()
    best = [lines[1]]
    while best[-1].endswith(" \\"):
        best.append(lines[len(best) + 1])
    assert all(len(l) <= 100 for l in best)
    joined = " ".join(l.strip().removesuffix(" \\") for l in best).removeprefix("Best that fits: ")
    top = explore.best(explore.sweep("pynq_z2", dpus=("B512",), clocks=(142.857,)))
    assert shlex.split(joined) == ["hwgen", "build", *top.args]
    # Everything but the table's rows and the command is prose wrapped at 100 columns.
    table = {l for l in lines if l[:1].isdigit() or l.startswith("#  ")}
    assert all(len(l) <= 100 for l in lines if l not in table), out


def test_fits_only(cli):
    code, out, _ = cli("explore", "--fits-only", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["rows"] and all(r["fits"] for r in doc["rows"])


def test_output_is_deterministic():
    a = explore.sweep("pynq_z2", dpus=("B512", "B800"), clocks=(100.0, 150.0))
    b = explore.sweep("pynq_z2", dpus=("B512", "B800"), clocks=(100.0, 150.0))
    assert explore_format.to_csv(a) == explore_format.to_csv(b)
    assert explore_format.to_text(a, (100.0, 150.0), "m") == explore_format.to_text(b, (100.0, 150.0), "m")


def test_set_dpu_profile_fixes_the_profile():
    rows = explore.sweep("pynq_z2", sets=("dpu.profile=B800",), clocks=(150.0,))
    assert len(rows) == 2 * 2 and {r.arch for r in rows} == {"B800"}


def test_ranking_by_another_model(tmp_path, cli):
    # A network that needs nothing runs everywhere, and the model's own name heads the GOPS column.
    from conftest import ROOT

    text = (ROOT / "models" / "mobilenet_v2.yaml").read_text()
    mine = tmp_path / "plain.yaml"
    mine.write_text(text.replace("name: mobilenet_v2", "name: plain"))
    rows = explore.sweep("pynq_z2", dpus=("B1152",), clocks=(150.0,), model=str(mine))
    best = explore.best(rows)
    assert best.perf.model.name == "plain" and best.perf.applies
    assert (best.config.ram_usage, best.config.dsp_usage) == ("low", "low")   # the only fit
    code, out, _ = cli("explore", "--dpu", "B1152", "--clocks", "150", "--model", mine)
    assert code == 0 and "GOPS and FPS: plain by the roofline" in out


# --------------------------------------------------------------------------- ZynqMP: cores x URAM
@pytest.fixture(scope="module")
def kv260():
    return explore.sweep("kv260")


def test_zynq7000_sweeps_neither_cores_nor_uram(sweeps):
    # Zynq-7000 has no UltraRAM and its family data sweeps no core count: the rows leave both
    # dimensions out, and so do the formats
    for rows in sweeps.values():
        assert {(r.config.cores, r.config.uram) for r in rows} == {(None, None)}
        assert "uram_n_user" not in explore_format.row_dict(rows[0])


def test_kv260_sweeps_cores_and_uram_from_the_ips_formulas(kv260):
    from hwgen.dpu import arch as dpu_arch
    from hwgen.model.design import part_for

    part = part_for("xck26-sfvc784-2LV-c")
    assert part.uram == 64 and part.dsp == 1248
    for arch in ("B512", "B4096"):
        rows = [r for r in kv260 if r.arch == arch]
        low = dpu_arch.dsp_count(arch, dpu_arch.DpuOptions(dsp_usage="low"))
        # VER_DPU_NUM 1..4, less the counts whose DSPs (usage low) exceed the part's 1,248
        assert {r.config.cores for r in rows} == {c for c in (1, 2, 3, 4) if c == 1 or c * low <= 1248}
        for r in rows:
            per = dpu_arch.banks(arch).uram_per_bank
            # whole banks only, never more than the part holds per core or URAM_N_USER allows
            assert r.config.uram % per == 0 or r.config.uram == 50
            assert r.config.uram <= min(84, 64 // r.config.cores)
            assert 0 in {q.config.uram for q in rows if q.config.cores == r.config.cores}
    # B512 spans 4 cores; B4096 two (2 x 582 DSP fits the part's 1,248, 3 x 582 does not)
    assert {r.config.cores for r in kv260 if r.arch == "B512"} == {1, 2, 3, 4}
    assert {r.config.cores for r in kv260 if r.arch == "B4096"} == {1, 2}
    assert not any(r.fits for r in kv260 if r.arch == "B4096" and r.config.cores == 2)


def test_kv260_best_is_the_trds_b4096_or_an_explained_better_one(kv260):
    # KR260TRD / the KV260 builds: B4096, DSP high, URAM_N_USER 50, 275/550 MHz (a real build).
    (trd,) = [r for r in kv260 if (r.config.dpu, r.config.ram_usage, r.config.dsp_usage,
                                   r.config.cores, r.config.uram, r.config.clock_mhz)
              == ("B4096", "low", "high", 1, 50, 275.0)]
    assert trd.fits                             # the TRD's B4096 with URAM fits
    usage = {u.name: u.used for u in trd.resources}
    assert (usage["DSP"], usage["URAM"]) == (710, 50)   # as the real builds report
    best = explore.best(kv260)
    assert best.arch == "B4096" and best.config.cores == 1
    # Better, and why: (1) 300 MHz: DS925 at 0.72 V (-2LV) gives DSP48 644 MHz, so 300/600
    # is legal and every 325/650 row is refused by the clock limit;
    assert best.config.clock_mhz == 300.0 and best.perf.attainable_gops > trd.perf.attainable_gops
    at_325 = [r for r in kv260 if r.config.clock_mhz == 325.0]
    assert not any(r.fits for r in at_325)
    assert all(r.status == "clock limit" for r in at_325 if r.arch == "B4096" and r.config.cores == 1
               and r.config.uram in (42, 50))
    # (2) URAM_N_USER 42 rather than 50 balances BRAM against URAM: more headroom on the
    # binding resource at the same speed (URAM placement does not change performance);
    same = [r for r in kv260 if r.fits and r.arch == "B4096" and r.config.clock_mhz == 300.0
            and r.config.dsp_usage == best.config.dsp_usage and r.config.ram_usage == "low"]
    by_uram = {r.config.uram: r for r in same}
    assert best.config.uram == 42 and {42, 50} <= set(by_uram)
    assert by_uram[42].binding.of_limit < by_uram[50].binding.of_limit
    assert by_uram[42].perf.attainable_gops == by_uram[50].perf.attainable_gops
    # (3) DSP usage low: the same GOPS with fewer DSPs (CONV_DSP_ACCU_ENA 0), ranked on headroom.
    assert best.config.dsp_usage == "low"
