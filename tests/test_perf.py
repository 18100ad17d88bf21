"""hwgen estimate: the roofline's numbers, computed here by hand from the documented formulas.

Formulas (hwgen/explore/perf.py docstring, README "Choosing a DPU"):
  peak GOPS     = cores x ops/clk x DPU MHz / 1000            (B512 at 150 MHz = 76.8)
  port GB/s     = sum over data ports of min(master, port) bits / 8 x DPU MHz / 1000
  DDR GB/s      = bus bits / 8 x MT/s / 1000 x DDR efficiency  (Pynq-Z2 2.1 GB/s peak)
  fps           = min(compute GOPS / GOP, port GB/s / GB, DDR GB/s / GB)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import BOARDS, DPUS, ROOT
from hwgen.explore import perf
from hwgen.explore import perf_format
from hwgen.model.design import load_design
from hwgen.errors import InputError

DW: list[str] = []   # no setting: every v4.x DPU runs depthwise conv (DWCV_ENA fixed, DPU41-PKG)


# --------------------------------------------------------------------------- MobileNetV2 by hand
def mobilenet_v2_layers():
    """Sandler et al. 2018 Table 2, walked layer by layer: (macs, params, biases, in_b, out_b)."""
    layers = []

    def conv(hw, cin, cout, k, stride, depthwise=False):
        out_hw = hw // stride
        per_out = k * k * (1 if depthwise else cin)
        layers.append((out_hw * out_hw * cout * per_out, cout * per_out, cout,
                       hw * hw * cin, out_hw * out_hw * cout))
        return out_hw

    hw, c, residual = conv(224, 3, 32, 3, 2), 32, 0
    for t, cout, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                          (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            stride = s if i == 0 else 1
            if t != 1:
                conv(hw, c, c * t, 1, 1)
            hw = conv(hw, c * t, c * t, 3, stride, depthwise=True)
            conv(hw, c * t, cout, 1, 1)
            if stride == 1 and c == cout:
                residual += hw * hw * cout          # the add reads the block input again
            c = cout
    hw = conv(hw, c, 1280, 1, 1)
    layers.append((0, 0, 0, hw * hw * 1280, 1280))  # 7x7 average pool
    conv(1, 1280, 1000, 1, 1)                        # fully connected
    return layers, residual


LAYERS, RESIDUAL = mobilenet_v2_layers()
MACS = sum(l[0] for l in LAYERS)
GOP = 2 * MACS / 1e9
WEIGHT_BYTES = sum(l[1] + l[2] for l in LAYERS)
ACT_BYTES = sum(l[3] + l[4] for l in LAYERS) + RESIDUAL
FRAME_BYTES = WEIGHT_BYTES + ACT_BYTES
# Vitis AI model zoo 1.1, Ultra96 1 x B1600 @ 287 MHz: 0.608 GOP at 136.183 fps.
EFFICIENCY = round(0.608 * 136.183 / (1600 * 287 / 1000), 4)
DDR_EFFICIENCY = 0.79                   # UG585 Table 22-5, reads and writes, random


def test_the_layer_table_gives_the_papers_figures():
    assert len(LAYERS) == 54
    assert MACS == 300_774_272                       # MNV2 Table 4: "300M" multiply-adds
    assert abs(sum(l[1] for l in LAYERS) / 1e6 - 3.4) < 0.1   # MNV2 Table 4: 3.4M parameters
    assert sum(1 for l in LAYERS if l[1] and l[1] == l[2] * 9) == 17   # 17 depthwise 3x3 layers
    assert RESIDUAL == 216_384


def test_the_shipped_model_file_holds_that_arithmetic():
    m = perf.load_model("mobilenet_v2")
    assert m.ops.gop == pytest.approx(GOP, abs=1e-12)
    assert m.bytes.weights.value == WEIGHT_BYTES == 3_487_816
    assert m.bytes.activations.value == ACT_BYTES == 13_726_696
    assert m.compute_efficiency.value == EFFICIENCY == 0.1803
    assert m.input_shape == (1, 224, 224, 3)
    assert dict(m.needs) == {}                 # every v4.x DPU runs its depthwise layers
    for figure in (m.ops, m.bytes.weights, m.bytes.activations, m.compute_efficiency):
        assert len(figure.source) > 40                 # every figure says where it comes from
    assert "136.183" in m.compute_efficiency.source and "1600" in m.compute_efficiency.source
    assert m.file == "models/mobilenet_v2.yaml"


def test_the_ddr_efficiency_is_sourced_data():
    eff = perf.ddr_efficiencies()["zynq7"]
    assert eff.value == DDR_EFFICIENCY
    assert "UG585" in eff.source and "79%" in eff.source


# --------------------------------------------------------------------------- the bounds
def hand(board_bytes, mts, arch_ops, mhz, ports=2, port_bits=64, cores=1, eff=EFFICIENCY):
    compute = cores * arch_ops * mhz / 1000 * eff            # GOPS
    port = ports * port_bits / 8 * mhz / 1000                # GB/s
    ddr = board_bytes * mts / 1000 * DDR_EFFICIENCY          # GB/s
    gb = FRAME_BYTES / 1e9
    return {"compute": compute / GOP, "ports": port / gb, "ddr": ddr / gb}


@pytest.mark.parametrize("board,bus_bytes,mts", [("pynq_z2", 2, 1050), ("zybo_z7_20", 4, 1066.667)])
def test_mobilenet_v2_on_b512_at_150_mhz(board, bus_bytes, mts):
    e = perf.estimate(load_design(board, sets=DW), perf.load_model("mobilenet_v2"))
    assert e.peak_gops == pytest.approx(76.8)                    # 512 x 150 MHz
    assert [p.gbs for p in e.ports] == pytest.approx([1.2, 1.2])  # 8 B x 150 MHz each
    assert e.port_gbs == pytest.approx(2.4)
    assert e.ddr_peak_gbs == pytest.approx(bus_bytes * mts / 1000)
    expected = hand(bus_bytes, mts, 512, 150)
    assert {b.name: b.fps for b in e.bounds} == pytest.approx(expected)
    # 76.8 x 0.1803 = 13.85 GOPS / 0.6015 GOP = 23.0 fps: compute binds on both boards
    assert e.binding.name == "compute"
    assert e.fps == pytest.approx(expected["compute"]) == pytest.approx(23.02, abs=0.01)
    assert e.latency_ms == pytest.approx(1000 / e.fps)
    t_mem = FRAME_BYTES / 1e9 / min(2.4, bus_bytes * mts / 1000 * DDR_EFFICIENCY)
    assert e.serial_latency_ms == pytest.approx(1000 * (1 / expected["compute"] + t_mem))
    assert e.applies and e.missing == ()


def test_pynq_z2_ddr_numbers_by_hand():
    e = perf.estimate(load_design("pynq_z2", sets=DW), perf.load_model("mobilenet_v2"))
    assert e.ddr_peak_gbs == pytest.approx(2.1)                  # 2 B x 1050 MT/s
    ddr = next(b for b in e.bounds if b.name == "ddr")
    assert ddr.rate == pytest.approx(2.1 * 0.79)                 # 1.659 GB/s
    assert ddr.fps == pytest.approx(1.659e9 / 17_214_512)        # 96.4 frames/s
    # the ceiling (compute at 100%) is the DDR: 76.8 / 0.6015 = 127.7 > 96.4
    assert e.ceiling_bound == "ddr" and e.ceiling_fps == pytest.approx(ddr.fps)


def test_zybo_ddr_is_twice_as_wide():
    e = perf.estimate(load_design("zybo_z7_20", sets=DW), perf.load_model("mobilenet_v2"))
    assert e.ddr_peak_gbs == pytest.approx(4 * 1066.667 / 1000)  # 4.27 GB/s
    # on the Zybo the ceiling is compute: 76.8 / 0.6015 = 127.7 < DDR 195.8
    assert e.ceiling_bound == "compute" and e.ceiling_fps == pytest.approx(76.8 / GOP)


def test_a_big_dpu_is_memory_bound_ddr_on_pynq_ports_on_zybo():
    m = perf.load_model("mobilenet_v2")
    pynq = perf.estimate(load_design("pynq_z2", "B4096", DW), m)
    zybo = perf.estimate(load_design("zybo_z7_20", "B4096", DW), m)
    assert pynq.peak_gops == pytest.approx(614.4)
    assert pynq.binding.name == "ddr"                 # 2.1 x 0.79 < 2.4 ports
    assert pynq.fps == pytest.approx(hand(2, 1050, 4096, 150)["ddr"])
    assert zybo.binding.name == "ports"               # 2.4 < 4.27 x 0.79
    assert zybo.fps == pytest.approx(hand(4, 1066.667, 4096, 150)["ports"])
    assert zybo.attainable_gops == pytest.approx(zybo.fps * GOP)


def test_the_clock_moves_compute_and_ports_not_ddr():
    m = perf.load_model("mobilenet_v2")
    e = perf.estimate(load_design("pynq_z2", sets=DW + ["dpu.clock_mhz=100"]), m)
    assert e.peak_gops == pytest.approx(51.2)
    assert e.port_gbs == pytest.approx(1.6)
    assert {b.name: b.fps for b in e.bounds} == pytest.approx(hand(2, 1050, 512, 100))


def test_cores_multiply_compute_but_share_the_ports():
    m = perf.load_model("mobilenet_v2")
    e = perf.estimate(load_design("pynq_z2", sets=DW + ["dpu.cores=2"]), m)
    assert e.peak_gops == pytest.approx(153.6)
    assert e.port_gbs == pytest.approx(2.4)           # core 1 shares core 0's HP0 and HP2
    assert {b.name: b.fps for b in e.bounds} == pytest.approx(hand(2, 1050, 512, 150, cores=2))
    # one frame still takes one core's time
    assert e.latency_ms == pytest.approx(1000 * GOP / (76.8 * EFFICIENCY))


def test_a_32_bit_hp_port_halves_the_port_bound(tmp_path):
    board = tmp_path / "narrow.yaml"
    text = (BOARDS / "pynq_z2.yaml").read_text()
    board.write_text(text.replace("hp0: {width: 64}", "hp0: {width: 32}")
                     .replace("hp2: {width: 64}", "hp2: {width: 32}"))
    e = perf.estimate(load_design(str(board), sets=DW), perf.load_model("mobilenet_v2"))
    assert [p.gbs for p in e.ports] == pytest.approx([0.6, 0.6])   # 4 B x 150 MHz
    assert e.port_gbs == pytest.approx(1.2)
    assert e.bounds[1].fps == pytest.approx(hand(2, 1050, 512, 150, port_bits=32)["ports"])
    assert any("hp0 is 32 bit" in a for a in e.assumptions)


def test_a_slow_dsp_clock_slows_compute():
    e = perf.estimate(load_design("pynq_z2", sets=DW + ["dpu.dsp_clock_mhz=250"]),
                      perf.load_model("mobilenet_v2"))
    assert e.compute_mhz == pytest.approx(125)              # 250 / 2
    assert e.peak_gops == pytest.approx(76.8)               # the nominal peak is unchanged
    assert e.bounds[0].rate == pytest.approx(512 * 0.125 * EFFICIENCY)
    assert any("dpu_2x_clk 250 MHz is below" in a for a in e.assumptions)


def test_mobilenet_v2_applies_to_the_default_design():
    # issue 15: v4.x always builds the ALU that runs depthwise conv
    e = perf.estimate(load_design(), perf.load_model("mobilenet_v2"))
    assert e.applies and e.missing == ()


def _needs_softmax(tmp_path):
    text = (ROOT / "models" / "mobilenet_v2.yaml").read_text()
    mine = tmp_path / "sfm.yaml"
    mine.write_text(text.replace("name: mobilenet_v2", "name: sfm") + 'needs:\n  softmax: "its last layer"\n')
    return str(mine)


def test_a_model_needing_softmax_does_not_apply_on_zynq7000(tmp_path):
    e = perf.estimate(load_design(), perf.load_model(_needs_softmax(tmp_path)))
    assert not e.applies
    assert e.missing[0].startswith("dpu.softmax is false: sfm needs it")


def test_efficiency_is_the_model_files_data(tmp_path):
    text = (ROOT / "models" / "mobilenet_v2.yaml").read_text()
    mine = tmp_path / "fast.yaml"
    mine.write_text(text.replace("value: 0.1803", "value: 0.5").replace("name: mobilenet_v2", "name: fast"))
    e = perf.estimate(load_design(sets=DW), perf.load_model(str(mine)))
    assert e.bounds[0].rate == pytest.approx(76.8 * 0.5)
    assert e.binding.name == "compute"                      # 38.4 GOPS / 0.6015 = 63.8 < DDR 96.4
    assert e.fps == pytest.approx(76.8 * 0.5 / GOP)


# --------------------------------------------------------------------------- model files
def test_unknown_model_names_the_shipped_ones():
    with pytest.raises(InputError) as exc:
        perf.load_model("mobilenetv2")
    line = exc.value.lines()[0]
    assert "mobilenet_v2" in line and "did you mean 'mobilenet_v2'" in line


def test_a_bad_model_file_is_one_located_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = (ROOT / "models" / "mobilenet_v2.yaml").read_text()
    bad.write_text(text.replace("gop: 0.601548544", "gop: lots"))
    with pytest.raises(InputError) as exc:
        perf.load_model(str(bad))
    (line,) = exc.value.lines()
    assert re.match(rf"{re.escape(str(bad))}:\d+:\d+: ops\.gop: expected a number", line)


def test_a_model_may_only_need_boolean_dpu_options(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = (ROOT / "models" / "mobilenet_v2.yaml").read_text()
    bad.write_text(text + 'needs:\n  ram_usage: "its"\n')
    with pytest.raises(InputError) as exc:
        perf.load_model(str(bad))
    assert "needs.ram_usage" in exc.value.lines()[0]


# --------------------------------------------------------------------------- the command
def test_cli_text_states_every_assumption(cli):
    code, out, err = cli("estimate", "--model", "mobilenet_v2")
    assert code == 0, err
    assert "roofline estimate, not a measurement" in out
    assert "23.0 frames/s, 43.44 ms per frame (compute bound)" in out
    assert re.search(r"compute\s+13\.85 GOPS\s+23\.0\s+binds", out)
    assert "16 bit x 1050 MT/s = 2.1 GB/s x efficiency 0.79 = 1.659 GB/s" in out
    e = perf.estimate(load_design(sets=DW), perf.load_model("mobilenet_v2"))
    for assumption in e.assumptions:
        assert assumption in out
    assert "NOT APPLICABLE" not in out


def test_cli_says_when_the_model_cannot_run(cli, tmp_path):
    code, out, _ = cli("estimate", "--model", _needs_softmax(tmp_path))
    assert code == 0
    assert "NOT APPLICABLE as configured" in out and "dpu.softmax is false" in out


def test_cli_json(cli):
    code, out, err = cli("estimate", "--board", "zybo_z7_20", "--dpu", "B1152", "--model", "mobilenet_v2",
                         "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["board"] == "zybo_z7_20" and doc["arch"] == "B1152" and doc["applies"] is True
    assert doc["peak_gops"] == pytest.approx(172.8)            # 1152 x 150 MHz
    fps = hand(4, 1066.667, 1152, 150)
    assert {b["name"]: b["fps"] for b in doc["bounds"]} == pytest.approx(fps, abs=0.01)
    assert doc["binding"] == "compute" and doc["fps"] == pytest.approx(fps["compute"], abs=0.01)
    assert doc["model"]["bytes"] == FRAME_BYTES
    assert doc["assumptions"] and doc["ddr_efficiency"] == DDR_EFFICIENCY


def test_cli_model_is_required_and_bad_names_exit_2(cli):
    code, _, err = cli("estimate")
    assert code == 2 and "--model" in err
    code, _, err = cli("estimate", "--model", "resnet50")
    assert code == 2 and "expected one of the shipped models (mobilenet_v2)" in err


def test_models_ship_in_the_wheel():
    text = (ROOT / "pyproject.toml").read_text()
    assert '"hwgen.models" = "models"' in text and '"hwgen.models" = ["*.yaml"]' in text
    assert (ROOT / "parts" / "ddr_efficiency.yaml").is_file()      # parts/*.yaml already ships


def test_text_and_json_are_deterministic():
    d, m = load_design(sets=DW), perf.load_model("mobilenet_v2")
    assert perf_format.to_text(perf.estimate(d, m)) == perf_format.to_text(perf.estimate(d, m))
    assert perf_format.to_json(perf.estimate(d, m)) == perf_format.to_json(perf.estimate(d, m))
